"""Narrower aspects (LABELS.md, "Hard cases"): a judgment of part of a question is a grades
row of scope ``aspect`` under its question, not the question's grade and not dropped.

On real corpus text (../shared/corpus; the ``corpus`` fixture skips when it is absent).
"""
from __future__ import annotations

import pytest

from pipeline.runner import process_file

VULNERABLE = "effectiveness.protecting-vulnerable"


def _grades(corpus, name: str, scopes=("question", "area", "aspect")) -> list[tuple]:
    report = process_file(corpus / "texts" / f"{name}.txt").report
    text = report.source.text
    for grade in report.grades:
        assert text[grade.char_start:grade.char_end] == grade.text  # every row traces to its words
    return [(g.scope, g.subject, g.grade, g.framework_question) for g in report.grades if g.scope in scopes]


@pytest.mark.parametrize("name", ["surrey_2018_effectiveness_part1", "surrey_2018_effectiveness_part2"])
def test_an_aspect_after_the_summary_judged_its_question(corpus, name):
    # "Overall, Surrey Police supports vulnerable victims well." judges the vulnerability
    # question without a grade word; "The force is good at identifying people who can't take
    # care of or protect themselves ..." then judges part of it. (The summary's "outstanding at
    # preventing crime and prioritising crime prevention" grades that question's heading.)
    assert _grades(corpus, name) == [
        ("question", "How effective is the force at preventing crime, tackling anti-social behaviour and keeping "
                     "people safe?", "outstanding", "effectiveness.preventing-crime"),
        ("aspect", "identifying people who can’t take care of or protect themselves or others from harm or "
                   "exploitation", "good", VULNERABLE),
    ]


@pytest.mark.parametrize("name", ["dyfed-powys_2018_effectiveness_part1", "dyfed-powys_2018_effectiveness_part2"])
def test_aspects_after_needs_to_improve_how_it(corpus, name):
    # "... needs to improve how it protects vulnerable people." judges the question; the
    # graded sentences after it judge aspects of it, and are rows of their own.
    aspects = [g for g in _grades(corpus, name) if g[0] == "aspect"]
    assert aspects == [("aspect", "understanding and identifying vulnerability", "good", VULNERABLE),
                       ("aspect", "supporting vulnerable victims", "good", VULNERABLE)]
    assert not [g for g in _grades(corpus, name, ("question",)) if "vulnerab" in g[1]]


def test_an_aspect_under_its_questions_heading_carries_the_questions_number(corpus):
    # devon-and-cornwall_2018_effectiveness_part2, question 2 (investigating crime):
    # "The force is good at pursuing high-risk offenders ..." judges part of the question.
    report = process_file(corpus / "texts" / "devon-and-cornwall_2018_effectiveness_part2.txt").report
    aspects = [g for g in report.grades if g.scope == "aspect" and g.question_number == 2]
    assert [(g.subject.startswith("pursuing high-risk offenders"), g.grade, g.framework_question)
            for g in aspects] == [(True, "good", "effectiveness.investigating-crime")]
    assert all(g.text != aspects[0].text for g in report.grades if g.scope == "question")


def test_an_aspect_is_never_a_question_grade(corpus):
    # kent_2018_effectiveness: "Kent Police is good at understanding and identifying vulnerable
    # people" under the vulnerability question judges part of it.
    grades = _grades(corpus, "kent_2018_effectiveness")
    aspects = [g for g in grades if g[0] == "aspect"]
    assert ("aspect", True, "good", VULNERABLE) in [
        (s, subject.startswith("understanding and identifying vulnerable"), grade, fq)
        for s, subject, grade, fq in aspects]
    assert not [g for g in grades if g[0] == "question" and g[1].startswith("understanding and identifying")]


def test_the_cambridgeshire_summarys_second_judgment_is_an_aspect(cambridgeshire):
    # "The constabulary has a good understanding of the threat posed by serious and organised
    # crime, and is good at disrupting the activity of organised crime groups.": a grade word
    # judging the force at part of a question, in the summary, which grades no question by it.
    report = cambridgeshire.report
    assert [g.scope for g in report.grades] == ["overall"] + ["question"] * 4 + ["aspect"]
    assert (report.grades[-1].question_number, report.grades[-1].framework_question) == (
        4, "effectiveness.serious-organised-crime")  # under the question its sentence names
    aspect = report.grades[-1]
    assert (aspect.subject, aspect.grade) == ("disrupting the activity of organised crime groups", "good")
    assert report.source.text[aspect.char_start:aspect.char_end].startswith("The constabulary has a good understanding")
    assert [q.grade for q in report.questions] == ["good", "requires_improvement", "requires_improvement", "good"]
    label = next(s.label for s in cambridgeshire.sentences if "disrupting the activity" in s.text)
    assert label == "grade"


def test_an_aspect_row_answers_a_gold_row_only_in_question_or_aspect(cambridgeshire):
    """Gold written by LABELS.md may list a narrower aspect among its question grades (it has
    no scope): ``question_or_aspect`` lets the aspect row match it, ``question_grades`` does
    not, and an aspect gold leaves out is an error in neither."""
    from pipeline import evaluate

    def scored(rows):
        scores = evaluate.Scores()
        evaluate.score_structure(cambridgeshire, {"question_grades": rows}, scores, "cambridgeshire")
        return {f: (scores.fields[f], scores.totals[f]) for f in ("question_grades", "question_or_aspect")}

    questions = [{"number": q.number, "question": q.question, "grade": q.grade}
                 for q in cambridgeshire.report.questions]
    assert scored(questions) == {"question_grades": (4, 4), "question_or_aspect": (4, 4)}
    aspect = {"number": None, "question": "disrupting the activity of organised crime groups", "grade": "good"}
    assert scored(questions + [aspect]) == {"question_grades": (4, 5), "question_or_aspect": (5, 5)}
    assert scored(questions + [dict(aspect, grade="outstanding")]) == {
        "question_grades": (4, 5), "question_or_aspect": (4, 5)}
