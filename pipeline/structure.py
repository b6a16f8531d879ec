"""Structure: find a report's metadata, questions, grades, sections and prose blocks.

The parser walks the source line by line. Each line is recognised as one kind of
structure (title, pillar, date, grade line, question number, question, section
heading) or as prose (a paragraph line or a list item); prose becomes ``Block``s
that remember the question and section they sit in, and the items of a report
(areas for improvement, causes of concern, recommendations) are read from them.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from .model import (
    AreaForImprovement,
    Block,
    CauseOfConcern,
    Grade,
    Line,
    PipelineError,
    Question,
    Recommendation,
    Report,
    SourceText,
)
from .vocabulary import FORCES, PILLARS, force_by_short, grade_line, slug

_TITLE = re.compile(r"^(?P<force>[A-Z][A-Za-z&' -]+?)\s+PEEL\s+(?P<year>20\d\d(?:\s*[/–-]\s*\d{2,4})?)$")
_DATE = re.compile(r"^Last updated:?\s+(?P<d>\d{1,2})/(?P<m>\d{1,2})/(?P<y>\d{4})$", re.IGNORECASE)
_NUMBER = re.compile(r"^\d{1,2}$")
_QUESTIONS_FOR = re.compile(r"^Questions for (?P<pillar>\w+)$", re.IGNORECASE)
_BULLET = re.compile(r"^\s*(?:[•●▪◦·*–-])\s*")
_SECTION_HEADINGS = {
    "areas for improvement": "area_for_improvement",
    "area for improvement": "area_for_improvement",
    "causes of concern": "cause_of_concern",
    "cause of concern": "cause_of_concern",
    "recommendations": "recommendation",
    "recommendation": "recommendation",
}
# A paragraph ends at a line that ends a sentence; a longer line without an end is
# taken as hard-wrapped and joined with the next.
_ENDS_SENTENCE = re.compile(r"[.!?:;][\"'’”)\]]*$")
_WRAP_WIDTH = 60


@dataclass
class _Prose:
    """A run of prose lines forming one paragraph or list item."""

    kind: str
    start: int
    end: int


def _question_line(text: str) -> bool:
    """A heading that asks a question: ends with '?', short, one sentence."""
    return text.endswith("?") and len(text.split()) <= 40 and ". " not in text


def _trim(source: str, start: int, end: int) -> tuple[int, int]:
    """Shrink ``[start, end)`` so it neither starts nor ends with whitespace."""
    while start < end and source[start].isspace():
        start += 1
    while end > start and source[end - 1].isspace():
        end -= 1
    return start, end


def _find_force(source: SourceText, title_force: str | None) -> tuple[str, str] | None:
    """(short, full) name of the force: from the title, else the first force the text names."""
    text = source.text
    if title_force:
        known = force_by_short(title_force)
        short = known[0] if known else title_force
        # Prefer the name as the report writes it ("Cambridgeshire Constabulary").
        match = re.search(re.escape(short) + r" (Constabulary|Police Service|Police)\b", text)
        if match:
            return short, match.group()
        return short, known[1] if known else title_force
    first = None
    for short, full in FORCES:
        pos = text.find(full)
        if pos >= 0 and (first is None or pos < first[0]):
            first = (pos, short, full)
    return (first[1], first[2]) if first else None


def _peel_year(raw: str) -> str:
    """Normalise a title year: "2015" stays, "2021-22" -> "2021/22"."""
    parts = re.split(r"\s*[/–-]\s*", raw)
    return parts[0] if len(parts) == 1 else f"{parts[0]}/{parts[1][-2:]}"


def parse(source: SourceText) -> Report:
    """Structure one decoded report, raising PipelineError when it is not a PEEL report."""
    text = source.text
    lines = [line for line in source.lines if not line.furniture]

    title = title_force = year = pillar = headline = last_updated = None
    overall: Grade | None = None
    questions: list[Question] = []
    grades: list[Grade] = []
    prose: list[tuple[_Prose, str, int | None]] = []  # (prose, section, question number)

    in_questions = False  # past "Questions for ..." or a question number
    pending_number: int | None = None
    section = "summary"
    question: Question | None = None
    current: _Prose | None = None

    def close() -> None:
        nonlocal current
        if current is not None:
            prose.append((current, section, question.number if question else None))
            current = None

    for line in lines:
        body = line.text.strip()
        if not body:
            close()
            continue
        start, end = _trim(text, line.start, line.end)

        if title is None and (match := _TITLE.match(body)):
            close()
            title, title_force, year = body, match["force"], _peel_year(match["year"])
            continue
        if body.lower() in PILLARS and pillar is None:
            close()
            pillar = body.lower()
            continue
        if match := _DATE.match(body):
            close()
            last_updated = f"{match['y']}-{int(match['m']):02d}-{int(match['d']):02d}"
            continue
        if match := _QUESTIONS_FOR.match(body):
            close()
            in_questions = True
            pillar = pillar or match["pillar"].lower()
            continue
        if _NUMBER.match(body):
            close()
            in_questions = True
            pending_number = int(body)
            continue
        if code := grade_line(body):
            close()
            if question is not None and question.grade is None:
                question.grade = code
                grades.append(Grade("question", question.question, question.number, code, body, start, end))
            elif question is None and overall is None:
                overall = Grade("overall", headline or pillar or "", None, code, body, start, end)
                grades.append(overall)
            continue
        if body.lower().rstrip(":") in _SECTION_HEADINGS:
            close()
            section = _SECTION_HEADINGS[body.lower().rstrip(":")]
            continue
        if _question_line(body) and current is None:
            if headline is None and not in_questions and not prose:
                headline = body
                continue
            in_questions = True
            question = Question(pending_number, body, None, start, end)
            questions.append(question)
            pending_number = None
            section = "narrative"
            continue

        bullet = _BULLET.match(line.text)
        if bullet:
            close()
            current = _Prose("list_item", line.start + bullet.end(), end)
            close()
            continue
        if current is not None:
            current.end = end  # a hard-wrapped line continues the paragraph
        else:
            current = _Prose("paragraph", start, end)
        if _ENDS_SENTENCE.search(body) or len(body) < _WRAP_WIDTH:
            close()
    close()

    force = _find_force(source, title_force)
    peel_markers = title or last_updated or headline or questions or grades or "PEEL" in text
    if force is None or not peel_markers:
        raise PipelineError(
            f"{source.path}: not a PEEL inspection report (no force name or PEEL title, grade or question found)"
        )

    blocks = _blocks(text, prose)
    report = Report(
        report_id="-".join(p for p in (slug(force[0]), slug(year or "undated"), pillar or "report") if p),
        page_type="pillar" if pillar else "report",
        force=force[1],
        force_short=force[0],
        peel_year=year,
        pillar=pillar,
        title=title,
        headline_question=headline,
        last_updated=last_updated,
        overall_grade=overall.grade if overall else None,
        source=source,
        questions=questions,
        grades=grades,
        blocks=blocks,
    )
    _read_items(report)
    return report


def _blocks(text: str, prose: list[tuple[_Prose, str, int | None]]) -> list[Block]:
    blocks = []
    for item, section, number in prose:
        start, end = _trim(text, item.start, item.end)
        if start < end:
            blocks.append(Block(item.kind, section, number, text[start:end], start, end))
    if blocks and not _ENDS_SENTENCE.search(blocks[-1].text):
        # Excerpts and interrupted downloads stop mid-sentence: say so.
        blocks[-1].truncated = True
    return blocks


def _read_items(report: Report) -> None:
    """Fill areas for improvement, causes of concern and recommendations from the blocks."""
    afi, coc, rec = report.areas_for_improvement, report.causes_of_concern, report.recommendations
    lead_in: Block | None = None
    previous: Block | None = None
    for block in report.blocks:
        new_section = previous is None or (previous.section, previous.question_number) != (
            block.section,
            block.question_number,
        )
        if new_section:
            lead_in = None
        if block.section == "area_for_improvement":
            if block.kind == "list_item" or not block.text.endswith(":"):
                afi.append(
                    AreaForImprovement(
                        f"afi-{len(afi) + 1:02d}", block.question_number, block.text,
                        block.char_start, block.char_end, block.truncated,
                    )
                )
        elif block.section == "cause_of_concern":
            # The first paragraph states the concern; what follows describes it.
            if new_section:
                coc.append(
                    CauseOfConcern(
                        f"coc-{len(coc) + 1:02d}", block.question_number, block.text,
                        block.char_start, block.char_end, block.truncated,
                    )
                )
        elif block.section == "recommendation":
            if block.kind == "paragraph" and block.text.endswith(":"):
                lead_in = block
            else:
                concern = next(
                    (c for c in reversed(coc) if c.question_number == block.question_number), None
                )
                rec.append(
                    Recommendation(
                        f"rec-{len(rec) + 1:02d}",
                        block.question_number,
                        concern.cause_of_concern_id if concern else None,
                        lead_in.text if lead_in else None,
                        lead_in.char_start if lead_in else None,
                        lead_in.char_end if lead_in else None,
                        block.text,
                        block.char_start,
                        block.char_end,
                        block.truncated,
                    )
                )
        previous = block
