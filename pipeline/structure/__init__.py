"""Structure: find a report's metadata, questions, grades, sections and prose blocks.

The parser walks the source line by line. Each line is recognised as one kind of
structure (title, pillar, date, grade line, question number, question, heading) or
as prose (a paragraph line or a list item). Prose becomes ``Block``s that remember
the question and section they sit in; grades come from grade lines and from the
judgments prose states (``judgments``); areas for improvement, causes of concern
and recommendations are read from the blocks.

Five kinds of page are recognised (``Report.page_type``):

- ``pillar``: one pillar of one PEEL year ("Essex PEEL 2016" / "Effectiveness"), with
  an overall grade and questions;
- ``overview``: a force's PEEL year ("Essex 2016") with one judgment per pillar;
- ``report``: the 2021/22 and 2023-25 reports, graded by area of policing;
- ``letter``: the inspectorate's letters to a force (cause-of-concern and revisit
  letters), dated "Published on:" / "Sent on:";
- ``tracker``: a recommendation tracker's page ("PEEL: police effectiveness 2016 –
  Bedfordshire Police (8770)"), whose status lines ("[on]3rd November 2016
  [status]awaiting-review[/status][/on]") are furniture that dates it.

Letters and trackers introduce their causes of concern, recommendations and areas for
improvement in running text ("we identified three causes of concern:", "Our inspection
found:", "We made the following recommendations:"); those become rows like any others.

The package is split by job, in the order ``parse`` runs them:

- ``lines``: the lines as the walker reads them (a hard-wrapped text joined back into
  its paragraphs; offsets trimmed; a line on its words alone);
- ``metadata``: the page type, the force, the PEEL year and the dates;
- ``walker``: the line walker, which recognises each line and gathers prose blocks;
- ``grades``: grades from grade lines and from prose judgments (``judgments``), and what
  each judgment grades;
- ``items``: areas for improvement, causes of concern and recommendations.

The reports' wordings all of these read are in ``pipeline.wordings``.
"""
from __future__ import annotations

from ..model import PipelineError, Report, SourceText
from ..vocabulary import NOT_PEEL_FORCES, force_mentions, slug
from ..wordings import ASKS_OF_FORCE, LEADERSHIP_INSPECTION, REPORT_WORDING, REPORT_YEAR, inspectorate_signs
from .grades import read_grades
from .items import read_items
from .lines import _join_wrapped, _trim, _words
from .metadata import _TITLELESS_SIGNS, _find_force, _headline_force, _page_type, _peel_year, _stated_date
from .walker import _blocks, _close, _State, _walk_line

__all__ = ["parse", "_join_wrapped"]


def parse(source: SourceText) -> Report:
    """Structure one decoded report, raising PipelineError when it is not a PEEL report."""
    text = source.text
    # Lines a reader marked (an HTML page's blocks) are whole already: only plain text is
    # joined back from its hard wrapping.
    joined = source.lines if any(line.kind for line in source.lines) else _join_wrapped(text, source.lines)
    lines = [line for line in joined if not line.furniture]
    # The text line by line on its words alone, for what is searched in the whole text
    # (a hard-wrapped "narrative rather than / graded judgment" is one phrase).
    words = "\n".join(" ".join(line.text.split()) for line in joined)
    state = _State(page_type=_page_type(lines, words), text=text)
    last = max((i for i, line in enumerate(lines) if line.text.strip()), default=-1)
    cut = not text.endswith(("\n", "\r"))

    for index, line in enumerate(lines):
        _walk_line(state, text, line, is_cut_last=cut and index == last)
    _close(state)

    force = _find_force(words, state.title_force or _headline_force(lines))
    year = state.year
    if year is None and state.page_type in ("report", "letter") and (match := REPORT_YEAR.search(words)):
        year = _peel_year(match["year"] or match["before"])
    if force is None:
        raise PipelineError(f"{source.path}: not a PEEL inspection report (it names no police force)")
    if not state.title_force and (other := NOT_PEEL_FORCES.search(words)) and other.start() < force_mentions(words)[0][0]:
        raise PipelineError(f"{source.path}: not a PEEL inspection report ({_words(other.group())} is not a force "
                            "the PEEL inspections cover)")
    # A text about PEEL (a news story quoting a grade) is not a report: a report has the
    # layout of one, or states its judgments in the inspectorate's own words.
    # A "Last updated" date alone is not a sign: news pages are dated too.
    # An excerpt that starts part-way down a page has none of a page's layout, but still
    # speaks the inspectorate's language in more ways than one.
    # A grade line counts only where it grades something of PEEL's: a grade standing on
    # its own, on a page naming no pillar, question or headline, is any inspectorate's
    # (an Ofsted judgments table: "Outstanding").
    # So does a question only where it asks of the force ("What needs to improve?" is
    # every inspectorate's heading).
    if not (state.title or state.headline or any(g.subject for g, _ in state.line_grades)
            or any(q.grade or ASKS_OF_FORCE.search(q.question) for q in state.questions)
            or state.report_heading or REPORT_WORDING.search(words)
            or len(inspectorate_signs(words)) >= _TITLELESS_SIGNS):
        raise PipelineError(
            f"{source.path}: not a PEEL inspection report (no PEEL title, question, grade line, "
            "report heading or the inspectorate's wording of a judgment found)"
        )

    modern = bool(year and year[:4] >= "2021")
    blocks = _blocks(text, state.prose)
    if not (state.title or state.headline):
        state.lead_blocks = {id(b) for (b, _, _), item in zip(blocks, [p for p in state.prose if
                             _trim(text, p.start, p.end)[0] < _trim(text, p.start, p.end)[1]]) if item.lead}
    # An area graded on a line but with nothing under it is a row of a judgments table
    # whose layout the text lost: which grade goes with which area cannot be told.
    described = {id(question) for _, question, _ in blocks if question is not None}
    empty = [q for g, q in state.line_grades if g.scope == "area" and q is not None and id(q) not in described]
    state.line_grades = [(g, q) for g, q in state.line_grades if not any(q is e for e in empty)]
    state.questions = [q for q in state.questions if not any(q is e for e in empty)]
    pillar = state.pillar if state.page_type in ("pillar", "tracker") else None
    if pillar is None and state.page_type == "pillar" and LEADERSHIP_INSPECTION.search(words):
        pillar = "leadership"
    kind = [pillar or state.page_type] + (["tracker"] if state.page_type == "tracker" and pillar else [])
    report = Report(
        report_id="-".join([slug(force[0]), slug(year or "undated"), *kind]),
        page_type=state.page_type,
        force=force[1],
        force_short=force[0],
        peel_year=year,
        pillar=pillar,
        title=state.title,
        headline_question=state.headline,
        last_updated=state.last_updated or _stated_date(state),
        overall_grade=None,
        source=source,
        questions=state.questions,
        blocks=[b for b, _, _ in blocks],
    )
    read_grades(report, state, blocks, modern)
    read_items(report, blocks)
    from ..framework import assign, match
    assign(report)  # the framework question of each grade; an aspect's is its question's
    for grade in report.grades:
        if grade.scope == "aspect" and id(grade) in state.aspect_of:
            wording, number = state.aspect_of[id(grade)]
            grade.framework_question = match(wording, report.peel_year, report.pillar, number)
    return report

