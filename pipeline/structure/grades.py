"""Grades: from grade lines and from the judgments prose states, and what each grades.

``read_grades`` takes the walker's grade lines and each block's judgments
(``judgments.find``) in reading order; ``_place`` decides whether a judgment is the
grade of the page (overall), of a pillar, of a question or area, of an aspect of a
question (LABELS.md, "Narrower aspects"), or a detail that grades nothing. An earlier
grade the text compares with is attached to the judgment it refers to.
"""
from __future__ import annotations

import re
from dataclasses import replace
from typing import TYPE_CHECKING

from .. import judgments
from ..model import Block, Grade, Question, Report
from ..vocabulary import content_words, same_subject
from ..wordings import CARRIED_LIST, EFFECTIVENESS_RESTATED, EFFECTIVENESS_SUBJECT, PILLARS, question_subject
from .lines import _words

if TYPE_CHECKING:
    from .walker import _State


def read_grades(report: Report, state: _State, blocks, modern: bool) -> None:
    """Grades from grade lines and from prose, in reading order, each judgment once."""
    grades: list[tuple[Grade, Question | None]] = list(state.line_grades)
    pillars = {g.subject for g, _ in grades if g.scope == "pillar"}
    overall = next((g for g, _ in grades if g.scope == "overall"), None)
    area_scope = "area" if report.page_type == "report" else "question"
    carried: tuple[str, str] | None = None  # (grade, year) for the list after "In 2017, we assessed ... as good at:"
    last: Grade | None = None
    opened: set[int] = set()  # the questions whose first block has been read
    improving: list[str] = []  # what the summary said the force needs to improve, so far

    for block, question, pillar_section in blocks:
        if block.section not in ("summary", "narrative"):
            carried = None
            continue
        if carried and block.kind == "list_item":
            subject = _words(block.text).rstrip(" ;.,").removesuffix(" and").removesuffix(";").strip()
            grades.append((Grade(area_scope, subject, None, carried[0], block.text, block.char_start,
                                 block.char_end), None))
            continue
        carried = None
        if match := CARRIED_LIST.match(_words(block.text)):
            carried = (judgments.grade_code_of(match["g"]), match["year"])
            continue
        if question is not None and question.grade is None and judgments.NOT_INSPECTED.search(block.text):
            question.grade = "not_graded"
            grades.append((_grade_at(block, "question", question.question, question.number, "not_graded"), question))
            continue
        first_under_question = question is not None and id(question) not in opened
        if question is not None:
            opened.add(id(question))
        if first_under_question and question.grade is None and block.section == "narrative" and block.kind == "paragraph":
            # "South Wales Police makes good use of its resources." as the first sentence under
            # a question no grade line grades: the question's judgment (LABELS.md, adjectival).
            span = judgments.sentences(block.text)[0]
            if code := judgments.adjectival(block.text[span[0]:span[1]], modern):
                question.grade = code
                grades.append((_grade_at(block, "question", question.question, question.number, code, *span),
                               question))
        topics = judgments.improvement_topics(block.text) if block.section == "summary" else []
        if question is not None:
            last = next((g for g, q in grades if q is question), last)
        found, comparisons = judgments.find(block.text, modern, report.force_short)
        events = sorted([(j.start, 0, j) for j in found] + [(c.start, 1, c) for c in comparisons],
                        key=lambda e: (e[0], e[1]))
        for _, kind, item in events:
            if kind == 1:
                if last is not None and last.previous_grade is None:
                    _compare(last, item, report.peel_year)
                continue
            aspects_of = improving + [topic for at, topic in topics if at < item.start]
            grade = _place(report, block, question, pillar_section, item, pillars, overall, area_scope, aspects_of,
                           state.aspect_of, untitled_lead=id(block) in state.lead_blocks,
                           stated=[g for g, _ in grades])
            if grade is None:
                # A restatement: a comparison that follows refers to the judgment it restates.
                if question is not None:
                    last = next((g for g, q in grades if q is question), last)
                elif item.pillar or not item.subject:
                    pillar = item.pillar or pillar_section
                    last = overall if report.page_type == "pillar" else next(
                        (g for g, _ in grades if g.scope == "pillar" and g.subject == pillar), last)
                continue
            if grade.scope == "overall":
                overall = grade
            if grade.scope == "pillar":
                pillars.add(grade.subject)
            grades.append((grade, question if grade.scope == "question" and question else None))
            last = grade
        improving += [topic for _, topic in topics]

    # A summary judgment that restates a question's grade is that question's judgment;
    # one of a question whose heading states no grade is that question's grade.
    kept: list[Grade] = []
    grades = [(part, question) for grade, question in grades
              for part in (_split_joined(grade, report) if grade.scope in ("question", "area") and question is None
                           else [grade])]
    for grade, question in grades:
        if grade.scope == "question" and question is None and (
                heading := _heading_named(grade.subject, report, [q for q in report.questions if q.grade is None])):
            heading.grade = grade.grade
            grade.subject, grade.question_number = heading.question, heading.number
            kept.append(grade)
            continue
        if grade.scope == "area" and any(k.scope == "area" and k.grade == grade.grade
                                         and " ".join(k.subject.split()).lower() == " ".join(grade.subject.split()).lower()
                                         for k in kept):
            continue  # the same area's grade, in the judgments table and under its heading
        if grade.scope in ("question", "area") and question is None and (
            any(q.grade == grade.grade and same_subject(q.question, grade.subject) for q in report.questions)
            # the same grade as a heading of the question it names: the summary restates it
            # ("The constabulary is good at treating the public fairly." and "To what extent
            # does the force treat all of the people it serves with fairness and respect? Good")
            or _heading_named(grade.subject, report, [q for q in report.questions if q.grade == grade.grade])
            or any(k.scope == grade.scope and k.grade == grade.grade and _overlaps(k.subject, grade.subject)
                   and k.char_start != grade.char_start for k in kept)  # (not the other half of a split)
        ):
            continue
        kept.append(grade)
    report.grades = kept
    report.overall_grade = overall.grade if overall else None


def _page_pillar(report: Report) -> str | None:
    """The pillar whose questions a page's judgments are matched among: a pillar page's own."""
    return report.pillar if report.page_type == "pillar" else None


_AND = re.compile(r",?\s+and\s+")


def _split_joined(grade: Grade, report: Report) -> list[Grade]:
    """A summary's judgment of two questions or areas in one subject, as one grade of each:
    "good at preventing and investigating crime", "good at investigating crime and
    tackling serious and organised crime" (south-wales_2018_effectiveness), "The inadequate
    areas included preventing crime and use of resources" (cleveland 2021/22 news, held
    out). Only where each part names a different question or area of the year's framework
    and the whole names none."""
    from .. import framework

    pillar = _page_pillar(report)
    if framework.match(grade.subject, report.peel_year, pillar):
        return [grade]
    for joint in _AND.finditer(grade.subject):
        first, second = grade.subject[:joint.start()], grade.subject[joint.end():]
        if " " not in first.strip():  # "preventing and investigating crime": the object is shared
            first = f"{first.strip()} {second.split(None, 1)[-1]}"
        named = [framework.match(part, report.peel_year, pillar) for part in (first, second)]
        if None not in named and named[0] != named[1]:
            return [replace(grade, subject=part) for part in (first, second)]
    return [grade]


def _heading_named(subject: str, report: Report, questions: list[Question],
                   threshold: float | None = None) -> Question | None:
    """The one of the question headings ``questions`` that a judgment of ``subject`` is
    of: both name the same question of the year's framework. "In 2017, we judged Thames
    Valley Police to be outstanding at meeting current demand and using resources." and
    the heading "How well does the force use its resources to meet the demand it
    faces?", under which the page says only that the 2017 judgment is carried over.
    ``threshold``: how close the subject must come to its framework question's wordings."""
    from .. import framework

    named = framework.match(subject, report.peel_year, _page_pillar(report), threshold=threshold)
    return _heading_of(named, report, questions)


def _heading_of(named: str | None, report: Report, questions: list[Question]) -> Question | None:
    """The first of ``questions`` whose heading is framework question ``named``."""
    from .. import framework

    pillar = _page_pillar(report)
    return next((q for q in questions if framework.match(q.question, report.peel_year, pillar, q.number) == named),
                None) if named else None


#: Words that only count what a judgment grades ("in four areas", "in some aspects").
_COUNTED = frozenset({"area", "areas", "aspect", "aspects", "element", "elements", "way", "ways", "respect",
                      "respects", "some", "all", "number", "few", "several", "many", "most", "these", "those",
                      "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"})


def _question_named(sentence: str, report: Report) -> Question | None:
    """The page's question heading (graded or not) of the one framework question the clauses
    of ``sentence`` name (each clause matched alone: a whole sentence's words dilute it)."""
    from .. import framework

    pillar = _page_pillar(report)
    named = {framework.match(clause, report.peel_year, pillar) for clause in re.split(r"[,;]\s+", sentence)} - {None}
    return _heading_of(named.pop(), report, report.questions) if len(named) == 1 else None


def _overlaps(a: str, b: str) -> bool:
    """Two wordings of one subject: most content words shared."""
    wa, wb = content_words(a), content_words(b)
    small = min(len(wa), len(wb))
    if small < 4:
        return bool(wa and wb) and (wa <= wb or wb <= wa)
    return len(wa & wb) >= 0.6 * small


def _grade_at(block: Block, scope: str, subject: str, number: int | None, code: str, start: int = 0,
              end: int | None = None) -> Grade:
    end = len(block.text) if end is None else end
    return Grade(scope, subject, number, code, block.text[start:end], block.char_start + start,
                 block.char_start + end)


_GENERIC_STEMS = frozenset({"crime", "peopl", "publi", "safe", "keep", "reduc", "polic", "force", "effec", "servi"})


def _stems(text: str) -> set[str]:
    """Content words cut to five letters ("vulnerable", "vulnerability": "vulne"), less the generic ones."""
    return {w[:5] for w in content_words(text)} - _GENERIC_STEMS


def _judges_question(subject: str, question: str, force: str | None = None) -> bool:
    """Whether a judgment under a question's heading judges that question, not a narrower aspect.

    "good at investigating crime" under "How effective is the force at investigating crime and
    reducing re-offending?" does; "good at identifying vulnerable people" under "... protecting
    those who are vulnerable from harm, and supporting victims?" does not
    (surrey_2017_effectiveness, kent_2018_effectiveness). The words of ``force``'s name are
    not the subject's ("Greater Manchester Police’s approach to investigating crime ...").
    """
    words = {w[:5] for w in content_words(subject) - content_words(force or "")}
    return not words or len(words & {w[:5] for w in content_words(question)}) > 0.5 * len(words)


def _part_of(subject: str, topic: str, report: Report) -> bool:
    """Whether ``subject`` is part of the question a summary judged as ``topic``: their words
    meet, or the subject's meet the wordings of the framework question the topic names
    ("identifying people who can't ... protect themselves ... from harm" and "supports
    vulnerable victims": the question of protecting the vulnerable from harm). A subject
    in the very words of another question ("tackling serious and organised crime" after
    "needs to improve how it tackles crime and anti-social behaviour") is that question."""
    from ..framework import candidates, match
    question = match(topic, report.peel_year, report.pillar)
    own = match(subject, report.peel_year, report.pillar, threshold=NAMES_QUESTION)
    if own is not None and own != question:
        return False
    if _stems(subject) & _stems(topic):
        return True
    if question is None:
        return False
    wordings = [w.wording for w in candidates(report.peel_year, report.pillar, ("question",))
                if w.framework_question == question]
    return bool(_stems(subject) & {s for w in wordings for s in _stems(w)})


#: How close a summary's judgment must come to a wording of its year's framework to name
#: that question (``framework.similarity``): far closer than the mapping needs, since a
#: narrower aspect ("supporting victims of domestic abuse") shares a question's words.
#: The lowest (in steps of 0.05) that adds no grade the corpus gold lacks.
NAMES_QUESTION = 0.75


def _names_question(subject: str, report, stated=()) -> bool:
    """Whether a summary's judgment names one of PEEL's questions: in the words questions
    are judged in (``question_subject``), or in words close to its year's framework's
    ("Its management of serious and organised crime is inadequate") when no grade
    ``stated`` before already judges that question (then it is a part of it)."""
    from .. import framework

    if question_subject(subject):
        return True
    pillar = _page_pillar(report)
    named = framework.match(subject, report.peel_year, pillar, threshold=NAMES_QUESTION)
    return named is not None and not any(
        g.scope in ("question", "area") and framework.match(g.subject, report.peel_year, pillar) == named
        for g in stated)


def _place(report, block, question, pillar_section, judgment, pillars, overall, area_scope,
           aspects_of=(), aspect_of=None, untitled_lead=False, stated=()) -> Grade | None:
    """Decide what a prose judgment grades, or None when it adds nothing.

    A judgment of part of a question ("The force is good at supporting vulnerable victims"
    under the vulnerability question, or after the summary judged that question) is a
    grade of scope ``aspect`` (LABELS.md, "Narrower aspects"), recorded in ``aspect_of``
    with the question it is part of.
    """
    aspect_of = {} if aspect_of is None else aspect_of

    def aspect(wording: str, number: int | None) -> Grade | None:
        if judgment.shape != "force first" or not judgment.subject:
            return None
        grade = _grade_at(block, "aspect", judgment.subject, number, judgment.grade, **at)
        aspect_of[id(grade)] = (wording, number)
        return grade

    at = dict(start=judgment.start, end=judgment.end)
    if judgment.shape == "areas listed":
        # "The inadequate area was its use of resources.": the sentence says an area is graded
        return _grade_at(block, area_scope, judgment.subject, None, judgment.grade, **at)
    pillar = judgment.pillar or (judgment.subject if judgment.subject in PILLARS else None)
    if judgment.subject == "leadership":
        if report.page_type != "overview" or "leadership" in pillars:
            return None
        return _grade_at(block, "pillar", "leadership", None, judgment.grade, **at)
    if pillar or not judgment.subject:
        if report.page_type == "pillar":
            if overall is not None or question is not None or (pillar and report.pillar and pillar != report.pillar):
                return None
            return _grade_at(block, "overall", report.headline_question or report.pillar or "", None,
                             judgment.grade, **at)
        if report.page_type == "overview":
            pillar = pillar or pillar_section
            if not pillar or pillar in pillars:
                return None
            return _grade_at(block, "pillar", pillar, None, judgment.grade, **at)
        return None
    if question is not None and block.section == "narrative":
        # (a subject in other words than its heading's, close to a wording of the heading's
        # framework question, is the question's: "good at treating the public fairly" under
        # "To what extent does the force treat all of the people it serves with fairness and
        # respect?")
        if not _judges_question(judgment.subject, question.question, report.force_short) and _heading_named(
                judgment.subject, report, [question], NAMES_QUESTION) is None:
            if judgment.shape == "force first" and question_subject(judgment.subject) \
                    and block.text[judgment.end - 1:judgment.end] == "." and not any(
                        same_subject(q.question, judgment.subject) for q in report.questions):
                # "The force is outstanding at recording crime." under the investigation question:
                # a question of PEEL's the page has no heading for (kent_2018_effectiveness).
                return _grade_at(block, "question", judgment.subject, None, judgment.grade, **at)
            return aspect(question.question, question.number)  # a part of the question
        if question.grade is not None:
            return None  # the question's judgment is already stated; this is a detail
        question.grade = judgment.grade
        return _grade_at(block, "question", question.question, question.number, judgment.grade, **at)
    if block.section != "summary":
        return None  # a detail of a finding, not the grade of a question or area
    if not _names_question(judgment.subject, report, stated):
        if not content_words(judgment.subject) - _COUNTED:
            return None  # "requires improvement in four areas": what it grades is named elsewhere
        # A narrower part of a question, judged in the summary: under the page's question
        # that its sentence names ("... the threat posed by serious and organised crime, and
        # is good at disrupting the activity of organised crime groups").
        own = _question_named(block.text[judgment.start:judgment.end], report)
        return aspect(own.question, own.number) if own else aspect(judgment.subject, None)
    if judgment.shape != "earlier judgment" and (
            judged := next((t for t in aspects_of if _part_of(judgment.subject, t, report)), None)):
        return aspect(judged, None)  # an aspect of a question the summary already judged ("needs to improve how it ...")
    if EFFECTIVENESS_RESTATED.match(judgment.subject) and (
            "effectiveness" in pillars or (report.page_type == "pillar" and overall is not None)):
        return None  # restates the effectiveness judgment in other words
    if untitled_lead and judgment.shape == "force first" and not EFFECTIVENESS_SUBJECT.match(judgment.subject):
        # An excerpt from part-way down a page, before its first heading: the question this
        # sits under was cut off, so a judgment here is of an aspect, not a question's grade.
        return aspect(judgment.subject, None)
    return _grade_at(block, area_scope, judgment.subject, None, judgment.grade, **at)


def _compare(grade: Grade, comparison: judgments.Comparison, peel_year: str | None) -> None:
    """Attach an earlier grade the text compares ``grade`` with."""
    previous = comparison.grade or (grade.grade if comparison.same else None)
    if previous is None:
        return  # "an improvement from last year": the earlier grade is not stated
    grade.previous_grade = previous
    if comparison.year:
        grade.previous_year = comparison.year
    elif peel_year and peel_year[:4].isdigit():
        grade.previous_year = str(int(peel_year[:4]) - 1)
