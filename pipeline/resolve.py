"""Resolved grades: the grade that stands for each force, PEEL year, pillar and question.

Several pages can grade the same thing: a force's overview page judges each pillar
that its pillar page grades too (and says "To be graded" before the pillar page is
out), and a page can be published in more than one version. ``grades_by_force`` gives
one row per force (``force_short``), PEEL year, pillar and question or area, with the
grade that stands and every report row it came from.

What is graded (its cell): a pillar page's overall grade and an overview's judgment of
that pillar are the pillar's own grade (level ``pillar``); a question's grade is
known by its PEEL framework question, else by its number within the pillar, else by
its wording; a 2021+ area's by its framework area, else its wording. Aspects (part of
a question) are never a question's grade and are left out.

The grade that stands, of all the rows stating one for a cell, is decided in turn by:

1. a grade over none: a stated grade beats ``not_graded`` ("To be graded", "not yet
   graded", a narrative rather than graded judgment);
2. the page that grades it in detail: a pillar page (or 2021+ report) over an
   overview, an overview over a letter or tracker;
3. the later version of the page: the later ``last_updated`` date (an undated page
   counts as earliest);
4. for the same page, date and grade, the first by report_id, then by position.
"""
from __future__ import annotations

from .model import LabelledReport
from .wordings import PILLARS

#: How closely a kind of page grades: lower stands.
PAGE_RANK = {"pillar": 0, "report": 0, "overview": 1, "tracker": 2, "letter": 2}
_LEVEL_ORDER = {"pillar": 0, "question": 1, "area": 2}


def _cell(report, grade) -> tuple | None:
    """(level, pillar, framework_question, question_number, wording) graded, or None for an aspect."""
    framework, number = grade.framework_question or None, grade.question_number
    wording = " ".join((grade.subject or "").lower().split())
    if grade.scope in ("overall", "pillar"):
        pillar = framework if framework in PILLARS else (report.pillar if grade.scope == "overall" else None)
        if pillar is None:
            pillar = wording if wording in PILLARS else None
        return None if pillar is None else ("pillar", pillar, pillar, None, "")
    if grade.scope == "question":
        head = framework.split(".")[0] if framework else None
        pillar = report.pillar or (head if head in PILLARS else None)
        if framework:
            return ("question", pillar, framework, None, "")
        return ("question", pillar, None, number, "" if number is not None else wording)
    if grade.scope == "area":
        return ("area", None, framework, None, "" if framework else wording)
    return None


def _standing(candidate) -> tuple:
    report, grade, position = candidate
    return (grade.grade == "not_graded", PAGE_RANK.get(report.page_type, 3),
            # later first: the date's characters inverted, undated last
            tuple(-ord(c) for c in report.last_updated) if report.last_updated else (1,),
            report.report_id, position)


def grades_by_force(reports: list[LabelledReport]) -> list[dict]:
    """One row per force, year, pillar and question or area: the grade that stands."""
    cells: dict[tuple, list] = {}
    for labelled in reports:
        report = labelled.report
        for position, grade in enumerate(report.grades):
            cell = _cell(report, grade)
            if cell is not None and grade.grade:
                cells.setdefault((report.force_short, report.peel_year, *cell), []).append((report, grade, position))
    rows = []
    for (force_short, year, level, pillar, framework, number, _), candidates in cells.items():
        candidates.sort(key=_standing)
        report, grade, _ = candidates[0]
        rows.append({
            "force_short": force_short, "force": report.force, "peel_year": year, "pillar": pillar,
            "level": level, "framework_question": framework,
            "question_number": grade.question_number if number is None else number,
            "subject": grade.subject, "grade": grade.grade, "report_id": report.report_id, "key": grade.key,
            "report_ids": ",".join(r.report_id for r, _, _ in candidates),
            "grades": ",".join(g.grade for _, g, _ in candidates),
        })
    rows.sort(key=lambda r: (r["force_short"], r["peel_year"] or "", r["pillar"] or "", _LEVEL_ORDER[r["level"]],
                             r["framework_question"] or "", r["question_number"] or 0, r["subject"], r["report_id"]))
    return rows
