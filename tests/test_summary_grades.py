"""What a summary's judgment grades, read through the PEEL framework: the question whose
heading on the page states no grade of its own, and each of two questions one subject
joins ("good at preventing and investigating crime").

On real corpus text (../shared/corpus; the ``corpus`` fixture skips when it is absent).
"""
from __future__ import annotations

from pipeline.runner import process_file


def _report(corpus, name: str):
    report = process_file(corpus / "texts" / f"{name}.txt").report
    for grade in report.grades:
        assert report.source.text[grade.char_start:grade.char_end] == grade.text  # traced to its words
    return report


def _questions(report) -> list[tuple]:
    return [(g.subject, g.grade, g.framework_question, g.text[:30])
            for g in report.grades if g.scope == "question"]


def test_a_carried_over_judgment_grades_the_heading_of_its_question(corpus):
    # south-wales_2018_efficiency: the summary's "In 2017, we judged that the force's approach
    # to meeting current demand and using resources was good." and, under the heading "How
    # well does the force use its resources to meet the demand it faces?", only "our
    # judgment from the 2017 efficiency inspection has been carried over".
    report = _report(corpus, "south-wales_2018_efficiency")
    assert ("How well does the force use its resources to meet the demand it faces?", "good",
            "efficiency.using-resources", "In 2017, we judged that the fo") in _questions(report)
    graded = {q.question: q.grade for q in report.questions}
    assert graded["How well does the force use its resources to meet the demand it faces?"] == "good"


def test_summary_judgments_grade_their_questions_headings(corpus):
    # cheshire_2018_effectiveness: "Cheshire Constabulary is good at preventing crime and
    # tackling anti-social behaviour" and "The constabulary is good at investigating crime"
    # before the headings of both questions, which state no grade.
    report = _report(corpus, "cheshire_2018_effectiveness")
    rows = _questions(report)
    assert ("How effective is the force at preventing crime, tackling anti-social behaviour and keeping "
            "people safe?", "good", "effectiveness.preventing-crime", "Cheshire Constabulary is good ") in rows
    assert ("How effective is the force at investigating crime and reducing re-offending?", "good",
            "effectiveness.investigating-crime", "The constabulary is good at in") in rows
    # each judgment once: not again in the summary's words
    assert not [r for r in rows if r[0] in ("preventing crime and tackling anti-social behaviour",
                                            "investigating crime")]


def test_a_subject_joining_two_questions_grades_each(corpus):
    # wiltshire_2018_overview: "The force is good at preventing and investigating most types
    # of crime." judges two of 2018/19's questions, neither alone.
    rows = _questions(_report(corpus, "wiltshire_2018_overview"))
    sentence = "The force is good at preventin"
    assert [r for r in rows if r[3] == sentence] == [
        ("preventing most types of crime", "good", "effectiveness.preventing-crime", sentence),
        ("investigating most types of crime", "good", "effectiveness.investigating-crime", sentence),
    ]


def test_a_subject_of_one_question_in_two_activities_stays_whole(corpus):
    # lincolnshire_2015_overview: "identifying and responding to the most vulnerable people"
    # is one question's subject; essex_2017_overview_part2's "supporting and protecting these
    # people" too, and bedfordshire_2018_effectiveness's "preventing crime and tackling
    # anti-social behaviour" is one question in its own words.
    for name, subject, question in [
        ("lincolnshire_2015_overview", "identifying and responding to the most vulnerable people",
         "effectiveness.protecting-vulnerable"),
        ("essex_2017_overview_part2", "supporting and protecting these people", "effectiveness.protecting-vulnerable"),
        ("bedfordshire_2018_effectiveness", "preventing crime and tackling anti-social behaviour",
         "effectiveness.preventing-crime"),
    ]:
        rows = _questions(_report(corpus, name))
        assert (subject, question) in [(r[0], r[2]) for r in rows], name


def test_a_judgment_under_a_heading_in_other_words_grades_that_question(tmp_path):
    # west-midlands_2018_legitimacy (held out): "good at treating the public fairly" shares
    # one word with its heading but is a wording of that question in the framework; "good at
    # understanding and identifying vulnerable people" under the vulnerability question
    # stays an aspect (tests/test_aspects.py, kent_2018_effectiveness).
    page = tmp_path / "west-midlands_2018_legitimacy.txt"
    page.write_text(
        "West Midlands PEEL 2018\n\n\nHow legitimately does the force treat the public and its workforce?\n\n"
        "Last updated 02/05/2019\n\nWest Midlands Police treats both the public and its workforce fairly.\n\n"
        "Questions for Legitimacy\n\n\n"
        "To what extent does the force treat all of the people it serves with fairness and respect?\n\n\n"
        "West Midlands Police is good at treating the public fairly. It is committed to building public trust "
        "and confidence in the police.\n", encoding="utf-8")
    report = process_file(page).report
    assert [(g.scope, g.subject, g.grade, g.framework_question, g.text) for g in report.grades] == [
        ("question", "To what extent does the force treat all of the people it serves with fairness and respect?",
         "good", "legitimacy.fair-treatment-public", "West Midlands Police is good at treating the public fairly.")]
    assert [q.grade for q in report.questions] == ["good"]
