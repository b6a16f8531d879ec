"""The line walker: each line recognised as one kind of structure, or as prose.

``_walk_line`` takes one line at a time into a ``_State``: a title, a pillar, a date, a
grade line, a question number, a question, a heading (each a wording of
``pipeline.wordings``), a letter's or tracker's own lines, or prose (a paragraph line or
a list item). Prose is gathered as ``_Prose`` that remembers the question, section and
overview pillar it sits in, and becomes ``Block``s (``_blocks``).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from .. import judgments
from ..model import Block, Grade, Question
from ..vocabulary import FORCES
from ..wordings import (ABOUT_INSPECTION_HEADING, AS_FOLLOWS, CONCERN_LEAD_IN, DEADLINE_OPENING, FORCE_STATEMENT,
                        GLUED_LINK, HEADING_START, ITEMS_TITLE, LAST_UPDATED, LAST_UPDATED_CUT, LETTER_DATE,
                        LETTER_PAGE_TITLE, LETTER_TITLE, NUMBERED_QUESTION, PILLAR_TITLE, PILLARS, QUESTION_NUMBER,
                        QUESTION_START, QUESTIONS_FOR, RECOMMENDATION_LEAD_IN, REPORT_MARKERS, SECTION_HEADING,
                        SECTION_NAMES, TABLE_HEADER, TABLE_ROW, TRACKER_DATE, TRACKER_STATUS, TRACKER_TITLE, grade_line,
                        pillar_question)
from .lines import (_BLANK, _BULLET, _ENDS_SENTENCE, _HEADING_WORDS, _WRAP_WIDTH, _line_is_structure, _question_line,
                    _reads_as_heading, _trim, _words)
from .metadata import _OVERVIEW_TITLE, _add_date, _iso_date, _peel_year, long_date


@dataclass
class _Prose:
    kind: str
    start: int
    end: int
    section: str
    question: Question | None
    pillar: str | None  # the pillar section of an overview page it sits in
    lead: bool = False  # before any heading of a page without a title: what it sits under is cut off


@dataclass
class _State:
    """What the line walker knows so far."""

    title: str | None = None
    title_force: str | None = None
    year: str | None = None
    page_type: str | None = None
    pillar: str | None = None
    headline: str | None = None
    last_updated: str | None = None
    in_questions: bool = False
    pending_number: int | None = None
    section: str = "summary"
    question: Question | None = None
    pillar_section: str | None = None
    heading: tuple[str, int, int] | None = None
    questions: list[Question] = field(default_factory=list)
    line_grades: list[tuple[Grade, Question | None]] = field(default_factory=list)
    prose: list[_Prose] = field(default_factory=list)
    current: _Prose | None = None
    # The lead-in in running text that opened the section (its index in ``prose``): its
    # list is that section, and prose straight after the list is not.
    opened_by: int | None = None
    unfinished: bool = False  # the line before was prose that did not end a sentence
    in_judgments: bool = False  # inside a 2021+ "Our judgments" table: grade lines, then areas
    table_grade: str | None = None
    report_heading: bool = False  # a heading of the reports' own ("Areas for improvement", "Our judgments")
    # aspect grades (id) -> the question they are part of: (its wording, its number)
    aspect_of: dict[int, tuple[str, int | None]] = field(default_factory=dict)
    text: str = ""  # the source text, for what a closed paragraph says
    # Letters and trackers: the dates they state ("published", "sent", "status"), and a
    # "Sent on:" whose date is on the next line.
    dates: dict[str, list[str]] = field(default_factory=dict)
    date_pending: str | None = None
    # A page without a title (an excerpt from part-way down): the prose before its first
    # heading, whose question was cut off with the top of the page (ids of its blocks).
    lead: bool = True
    lead_blocks: set[int] = field(default_factory=set)


def _close(state: _State) -> None:
    if state.current is not None:
        prose = state.current
        if prose.kind == "paragraph" and state.text:
            # A lead-in in running text opens the section of what it introduces:
            # "During our inspection, we identified three causes of concern:".
            said = _words(state.text[prose.start:prose.end])
            opens = "cause_of_concern" if CONCERN_LEAD_IN.search(said) else (
                "recommendation" if RECOMMENDATION_LEAD_IN.search(said) else None)
            if opens:
                # Only the lead-in's own sentence opens it: what the paragraph said before
                # ("Between 6 and 17 September 2021, we inspected ...") stays where it was.
                spans = judgments.sentences(state.text[prose.start:prose.end])
                if len(spans) > 1:
                    cut = prose.start + spans[-1][0]
                    state.prose.append(_Prose(prose.kind, prose.start, _trim(state.text, prose.start, cut)[1],
                                              prose.section, prose.question, prose.pillar))
                    prose = _Prose(prose.kind, cut, prose.end, prose.section, prose.question, prose.pillar)
                prose.section = state.section = opens
                state.opened_by = len(state.prose)
        state.prose.append(prose)
        state.current = None


def _walk_line(state: _State, text: str, line, is_cut_last: bool) -> None:
    body = line.text.strip(_BLANK)
    unfinished, state.unfinished = state.unfinished, False
    if not body:
        _close(state)
        return
    start, end = _trim(text, line.start, line.end)
    pending_date, state.date_pending = state.date_pending, None

    if glued := GLUED_LINK.match(body):
        # "Read more about West MerciaThis is HMIC's ...": the link text is not prose.
        start += glued.end()
        body = text[start:end]
    # Structure is recognised on the words alone: no-break spaces, double spaces and
    # stray "Â" do not hide a grade line or a heading.
    key = " ".join(body.replace("Â", " ").split())
    if state.page_type in ("letter", "tracker") and _letter_line(state, key, pending_date):
        return
    if state.lead and (state.title or _line_is_structure(key) or _question_line(key)
                       or _reads_as_heading(line, key)):
        _close(state)
        state.lead = False  # a heading, title or grade line: what follows is placed by it
    if state.title is None and (match := PILLAR_TITLE.match(key) or _OVERVIEW_TITLE.match(key)):
        _close(state)
        state.title, state.title_force = key, match["force"]
        state.year = _peel_year(match["year"])
        return
    if state.title is None and any(key == full for _, full in FORCES):
        _close(state)  # a force's landing page is titled with the force's name
        state.title, state.title_force = key, key
        return
    if _headline(state, text, key, end):
        state.heading, state.lead = (body, start, end), False
        return
    if key.lower() in PILLARS:
        _close(state)
        if state.page_type == "pillar" and state.pillar is None:
            state.pillar = key.lower()
        state.pillar_section = key.lower()
        state.question, state.section = None, "summary"
        return
    if match := LAST_UPDATED.match(key):
        _close(state)
        state.last_updated = state.last_updated or _iso_date(match)
        return
    if LAST_UPDATED_CUT.match(key):
        _close(state)  # a date line cut off by the end of the text
        return
    if match := QUESTIONS_FOR.match(key):
        _close(state)
        state.report_heading = True
        state.in_questions = True
        if state.page_type == "pillar":
            state.pillar = state.pillar or match["pillar"].lower()
        return
    if QUESTION_NUMBER.match(key):
        _close(state)
        state.in_questions = True
        state.pending_number = int(key)
        return
    if (code := grade_line(key)) and not is_cut_last:
        _close(state)
        if state.page_type == "report" and state.in_judgments:
            state.table_grade = code  # a row of the judgments table: the areas follow
            return
        _grade_line(state, code, body, start, end)
        return
    if state.page_type == "report" and state.in_judgments and state.current is None and not is_cut_last:
        # The table a row to a line: its header is structure, each row an area's grade.
        if TABLE_HEADER.match(key):
            return
        if row := TABLE_ROW.match(key):
            state.line_grades.append((Grade("area", row["area"], None, grade_line(row["grade"]), body, start, end),
                                      None))
            return
    if match := SECTION_HEADING.match(key):
        _close(state)
        state.report_heading = True
        state.section = SECTION_NAMES[match["name"][:4].lower()]
        return
    marker, about = REPORT_MARKERS.match(key), ABOUT_INSPECTION_HEADING.match(key)
    if marker or about:
        _close(state)
        state.report_heading = state.report_heading or bool(marker)
        state.heading = (body, start, end)
        state.in_judgments = key == "Our judgments"
        state.table_grade = None
        # "PEEL 2023–2025" heads what the report says of the inspection cycle: below the
        # summary, not as a page's title.
        if about and (not marker or state.prose):
            state.question, state.section = None, "about_inspection"
        elif state.section == "about_inspection":
            state.section = "summary"  # "Our judgments" after it: the report's own again
        return
    if _listed_question(state, line):
        pass  # "the following questions:" and its list: items, not the page's question headings
    elif (numbered := NUMBERED_QUESTION.match(key)) and _question_line(numbered["question"]):
        # "1. How effective is the force at ...?": the number and the question on one line.
        _close(state)
        state.in_questions = True
        state.pending_number = int(numbered["number"])
        offset = body.find(numbered["question"])
        if offset >= 0:
            _question(state, numbered["question"], start + offset, end)
        else:
            _question(state, body, start, end)
        return
    elif _question_line(key) and (state.current is None or QUESTION_START.match(key)):
        _close(state)  # a question heading also ends a paragraph cut off before it
        _question(state, body, start, end)
        return

    if state.current is None and ITEMS_TITLE.match(key):
        # "The 2017 inspection identified the following Areas for improvement": a lead-in
        # that reads like a title; a sentence of its own, and its list follows.
        _close(state)
        state.section = SECTION_NAMES[ITEMS_TITLE.match(key)["what"][:4].lower()]
        state.prose.append(_Prose("paragraph", start, end, state.section, state.question, state.pillar_section))
        return
    # A heading its reader marked ("1. Introduction") is no list item, whatever it starts with.
    bullet = None if line.kind and line.kind.startswith("heading") else _BULLET.match(line.text)
    if state.current is not None and state.current.kind == "list_item":
        if not bullet and line.text[:1].isspace():
            state.current.end = end  # a list item wrapped onto an indented line
            if _ENDS_SENTENCE.search(key):
                _close(state)
            return
        _close(state)
    if bullet:
        _close(state)
        item = line.start + bullet.end()
        # "• a; and • b": items run together on one line are items each.
        for inline in _INLINE_BULLET.finditer(text, item, end):
            state.prose.append(_Prose("list_item", item, _trim(text, item, inline.start())[1], state.section,
                                      state.question, state.pillar_section))
            item = inline.end()
        state.current = _Prose("list_item", item, end, state.section, state.question, state.pillar_section,
                               state.lead)
        state.unfinished = not _ENDS_SENTENCE.search(key)
        if not state.unfinished:
            _close(state)  # an unfinished item stays open for an indented continuation
        return
    # A heading; and, for what is told by its words (a 2014 question, an area in a
    # judgments table), a short line that ends no sentence, whatever its reader made of it.
    short = _reads_as_heading(line, key)
    shaped = len(key.split()) <= _HEADING_WORDS and not _ENDS_SENTENCE.search(key)
    if (short or shaped) and state.current is None and pillar_question(key):
        _question(state, body, start, end)  # "How well the force tackles crime" (2014)
        return
    if is_cut_last and _cut_heading(key) and state.current is None:
        return  # a heading cut off by the end of the text
    if unfinished and state.current is None and body[0].islower() and state.prose:
        state.current = state.prose.pop()  # "... threat, risk" / "and harm;": one paragraph
        short = shaped = False
    if shaped and state.current is None and state.in_judgments and state.table_grade \
            and not (is_cut_last and not _cut_heading(key)):
        # "Good" / "Preventing crime": an area under its grade in the judgments table.
        state.line_grades.append((Grade("area", body, None, state.table_grade, body, start, end), None))
        return
    if short and state.current is None and state.section in ("area_for_improvement", "cause_of_concern",
                                                             "recommendation") and FORCE_STATEMENT.match(key) \
            and not (state.prose and state.prose[-1].section == state.section):
        # the first line under an items heading: the item, stated without its full stop
        state.prose.append(_Prose("paragraph", start, end, state.section, state.question, state.pillar_section,
                                  state.lead))
        return
    if short and state.current is None and not (is_cut_last and not _cut_heading(key)):
        state.heading = (body, start, end)  # a heading we have no special meaning for
        if state.page_type == "report" and state.question is not None:
            # 2021+ reports: a heading without a grade line may start an area that is
            # not graded; what follows is not filed under the area before it.
            state.question, state.section = None, "narrative"
        elif state.section in ("area_for_improvement", "cause_of_concern", "recommendation", "about_inspection"):
            state.section = "narrative" if state.question else "summary"
        return
    if state.in_judgments and (state.table_grade or not key.endswith(":")):
        state.in_judgments = bool(not state.table_grade and AS_FOLLOWS.search(key))
    if state.current is not None:
        state.current.end = end  # a hard-wrapped line continues the paragraph
    else:
        if state.section in ("area_for_improvement", "recommendation") and state.prose \
                and state.prose[-1].kind == "list_item" and state.prose[-1].section == state.section \
                and not DEADLINE_OPENING.match(key):
            # prose after the list ("Between 3 and 8 July 2023, we revisited the force ...")
            state.section = "narrative" if state.question else "summary"
        elif _after_lead_in_list(state, start):
            # "... we identified two causes of concern, which were that the force:", its
            # items, then "On 6 July 2022, we moved the force to ...": the letter goes on.
            state.section = "narrative" if state.question else "summary"
        state.current = _Prose("paragraph", start, end, state.section, state.question, state.pillar_section,
                               state.lead)
    if _ENDS_SENTENCE.search(body) or len(body) < _WRAP_WIDTH:
        state.unfinished = not _ENDS_SENTENCE.search(body)
        _close(state)


def _headline(state: _State, text: str, key: str, end: int) -> bool:
    """Whether the page's first line is a headline too long to read as a heading: it ends no
    sentence and the next line starts one ("Metropolitan Police must do more to investigate
    crime and manage offenders and suspects", then "There are ongoing concerns ...": the
    inspectorate's news of a report): a heading, as a shorter headline is, and not run
    into the paragraph after it."""
    if state.prose or state.current is not None or state.heading is not None or state.title is not None:
        return False
    if _ENDS_SENTENCE.search(key) or not _HEADING_WORDS < len(key.split()) <= 2 * _HEADING_WORDS:
        return False
    after = text[end:end + 200].lstrip(_BLANK)
    return after[:1].isupper()


def _listed_question(state: _State, line) -> bool:
    """Whether a bulleted line is an item of a list a lead-in opened ("using the following
    questions:"), not a question heading, whatever it asks."""
    if not _BULLET.match(line.text):
        return False
    before = state.current or (state.prose[-1] if state.prose else None)
    if before is None:
        return False
    return before.kind == "list_item" or state.text[before.start:before.end].rstrip().endswith(":")


def _after_lead_in_list(state: _State, start: int) -> bool:
    """Whether a paragraph at ``start`` comes straight after the list of the running-text
    lead-in that opened the section, with no heading or other prose between."""
    if state.opened_by is None or state.opened_by >= len(state.prose) - 1:
        return False
    lead_in, items = state.prose[state.opened_by], state.prose[state.opened_by + 1:]
    if lead_in.section != state.section or any(item.kind != "list_item" for item in items):
        return False
    ends = [lead_in.end, *(item.end for item in items)]
    starts = [*(item.start for item in items), start]
    return not any(_WORDS_BETWEEN.search(state.text, end, begin) for end, begin in zip(ends, starts))


# Letters or digits between two blocks: a heading or other line lies between them.
_WORDS_BETWEEN = re.compile(r"[^\W_]")


# A bullet inside a list item's line, after the end of an item ("...activity; and • monitor ...").
_INLINE_BULLET = re.compile(r"(?:(?<=[;.,])|(?<=\band)|(?<=\bor))[ \t\xa0]+[•●▪][ \t\xa0]*(?=\S)")


def _letter_line(state: _State, key: str, pending_date: str | None) -> bool:
    """A line of a letter's or tracker's own structure (its title, a date, a tracker's status
    line), taken in; False for any other line."""
    if state.title is None and (match := LETTER_TITLE.match(key) or TRACKER_TITLE.match(key)
                                or (state.page_type == "letter" and LETTER_PAGE_TITLE.match(key))):
        _close(state)
        state.title, state.title_force = key, match["force"] or match.groupdict().get("to")
        found = match.groupdict()
        if found.get("year"):
            state.year = _peel_year(found["year"])
        if found.get("pillar"):
            state.pillar = found["pillar"].lower()
        return True
    if match := LETTER_DATE.match(key):
        _close(state)  # "Published on: 28 October 2022"; "Sent on:" with its date on the next line
        if match["date"]:
            _add_date(state, match["what"], long_date(match["date"]))
        else:
            state.date_pending = match["what"]
        return True
    if pending_date and (when := long_date(key)):
        _close(state)
        _add_date(state, pending_date, when)
        return True
    if TRACKER_STATUS.match(key):
        # "[on]3rd November 2016 [status]awaiting-review[/status][/on]": furniture that
        # dates the tracker; what follows is the inspectorate's comment, not the list before.
        _close(state)
        for said in TRACKER_DATE.findall(key):
            _add_date(state, "status", long_date(said))
        state.section = "narrative" if state.question else "summary"
        return True
    return False


def _cut_heading(body: str) -> bool:
    """Whether a line cut off by the end of the text looks like the start of a heading."""
    return bool(HEADING_START.match(body))


def _question(state: _State, body: str, start: int, end: int) -> None:
    words = " ".join(body.split())  # a hard-wrapped heading is one line of words
    pillar = pillar_question(words)
    if pillar:
        if state.page_type == "pillar":
            state.pillar = state.pillar or pillar
            if state.headline is None and words.endswith("?"):
                state.headline = words
            state.question, state.section = None, "summary"
        else:
            state.pillar_section = pillar
            state.question, state.section = None, "summary"
        return
    if state.page_type == "pillar" and state.headline is None and not state.in_questions and not state.prose:
        state.headline = words  # the page's own question, in words we do not know yet
        return
    state.in_questions = True
    state.question = Question(state.pending_number, body, None, start, end)
    state.questions.append(state.question)
    state.pending_number = None
    state.section = "narrative"


def _grade_line(state: _State, code: str, body: str, start: int, end: int) -> None:
    question = state.question
    if state.page_type == "report" and state.heading is not None and (
            question is None or state.heading[1] > question.char_start):
        # 2021+ reports: an area of policing is graded under its heading, and what
        # follows (findings, causes of concern, areas for improvement) belongs to it.
        name, h_start, h_end = state.heading
        state.question = Question(None, name, code, h_start, h_end)
        state.questions.append(state.question)
        state.section = "narrative"
        state.line_grades.append((Grade("area", name, None, code, body, start, end), state.question))
        return
    if question is not None:
        if question.grade is None:
            question.grade = code
            state.line_grades.append((Grade("question", question.question, question.number, code, body, start, end),
                                      question))
        return
    if state.page_type == "pillar":
        scope, subject = "overall", state.headline or state.pillar or ""
    elif state.pillar_section:
        scope, subject = "pillar", state.pillar_section
    else:
        return
    state.line_grades.append((Grade(scope, subject, None, code, body, start, end), None))


def _blocks(text: str, prose: list[_Prose]) -> list[tuple[Block, Question | None, str | None]]:
    """Blocks of prose, each with the question object and overview pillar it sits in."""
    blocks = []
    for item in prose:
        start, end = _trim(text, item.start, item.end)
        if start < end:
            number = item.question.number if item.question else None
            blocks.append((Block(item.kind, item.section, number, text[start:end], start, end,
                                 question=item.question.question if item.question else None),
                           item.question, item.pillar))
    if blocks and not _ENDS_SENTENCE.search(blocks[-1][0].text) and not text.endswith(("\n", "\r")):
        blocks[-1][0].truncated = True  # excerpts and interrupted downloads stop mid-sentence
    return blocks
