"""Structure: find a report's metadata, questions, grades, sections and prose blocks.

The parser walks the source line by line. Each line is recognised as one kind of
structure (title, pillar, date, grade line, question number, question, heading) or
as prose (a paragraph line or a list item). Prose becomes ``Block``s that remember
the question and section they sit in; grades come from grade lines and from the
judgments prose states (``judgments``); areas for improvement, causes of concern
and recommendations are read from the blocks.

Three kinds of page are recognised (``Report.page_type``):

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
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from . import judgments
from .ingest import is_furniture
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
from .vocabulary import FORCES, NOT_PEEL_FORCES, content_words, force_by_short, force_mentions, forces_named, same_subject, slug
from .wordings import (CONCERN_LEAD_IN, GLUED_LINK, ITEMS_TITLE, LETTER_DATE, LETTER_TITLE, PILLARS, RECOMMENDATION_LEAD_IN,
                       TRACKER_DATE, TRACKER_STATUS, TRACKER_TITLE, grade_line, inspectorate_signs, question_subject)

_FORCE_NAMES = "|".join(re.escape(short) for short, _ in FORCES)
_PILLAR_TITLE = re.compile(r"^(?P<force>[A-Z][A-Za-z&' -]+?)\s+PEEL\s+(?P<year>20\d\d(?:\s*[/–-]\s*\d{2,4})?)$")
_OVERVIEW_TITLE = re.compile(r"^(?P<force>" + _FORCE_NAMES + r")\s+(?P<year>20\d\d(?:\s*/\s*\d\d)?)$")
_REPORT_YEAR = re.compile(r"\bPEEL\s+(?:Assessment\s+Framework\s+)?(?P<year>20(?:21/22|2[1-5]\s*[–-]\s*20\d\d))\b")
_DATE = re.compile(r"^Last updated:?\s+(?P<d>\d{1,2})/(?P<m>\d{1,2})/(?P<y>\d{4})$", re.IGNORECASE)
_DATE_CUT = re.compile(r"^Last updated\b", re.IGNORECASE)
_NUMBER = re.compile(r"^\d{1,2}$")
_NUMBERED_QUESTION = re.compile(r"^(?P<number>\d{1,2})[.)]?\s+(?P<question>(?:How|To what extent|What)\b.+\?)$")
_QUESTIONS_FOR = re.compile(r"^Questions for (?P<pillar>\w+)$", re.IGNORECASE)
# List markers: "•" glued or spaced, "- " and "– " spaced ("-2%" is not a list item),
# other glyphs of word processors, "o " before a capital, "1." and "(a)".
_BULLET = re.compile(r"^\s*(?:[•●▪◦·○■□➢►▶✓—]\s*|[*–-]\s+|o\s+(?=[A-Z‘“])|\(?(?:\d{1,2}|[a-h])[.)]\s+(?=\S))")
_SECTION_HEADING = re.compile(
    r"^(?P<name>areas? for improvement|causes? (?:of|for) concern|recommendations?)(?:\s+\d+)?:?$", re.IGNORECASE
)
_SECTION_NAMES = {"area": "area_for_improvement", "caus": "cause_of_concern", "reco": "recommendation"}
_REPORT_MARKERS = re.compile(r"^(?:Overall summary|Our judgments|PEEL 20\d\d\s*[–-]\s*20\d\d)$")
# The inspectorate's own wording, which a report without headings still uses.
_REPORT_WORDING = re.compile(
    r"\bareas of policing\b|the extent to which .{0,60}\bis (?:effective|efficient|legitimate)\b|HMI[’']s observations|"
    r"narrative rather than (?:a )?graded judgment|^PEEL Assessment$|"
    r"^PEEL: police (?:effectiveness|efficiency|legitimacy|leadership) 20\d\d\b",
    re.IGNORECASE | re.MULTILINE,
)
# The question a pillar page asks as a whole, and the pillar it names.
_PILLAR_QUESTIONS = (
    ("effectiveness", re.compile(r"^How (?:effective is the force at keeping people safe and reducing crime|effectively does the force reduce crime and keep people safe|well the force tackles crime)\??$", re.I)),
    ("efficiency", re.compile(r"^How (?:efficient is the force at keeping people safe and reducing crime|efficiently does the force operate and how sustainable are its services to the public|well the force delivers value for money)\??$", re.I)),
    ("legitimacy", re.compile(r"^How (?:legitimate is the force at keeping people safe and reducing crime|legitimately does the force treat the public and its workforce)\??$", re.I)),
    ("leadership", re.compile(r"^How well led is the force\b.*$", re.I)),
)
# A paragraph ends at a line that ends a sentence; a long line without an end is
# taken as hard-wrapped and joined with the next.
_ENDS_SENTENCE = re.compile(r"(?:[.!?:;]|;\s+(?:and|or))[\"'’”)\]]*$")
_WRAP_WIDTH = 60
_HEADING_WORDS = 12
_CAUSE_OF_CONCERN = re.compile(
    r"\b(?:is|are|was|were|remains?|represents?)\s+(?:also\s+|still\s+)?(?:a|an|the)\s+(?:\w+\s+)?cause\s+(?:of|for)\s+concern\b"
    r"|\bit\s+is\s+a\s+cause\s+(?:of|for)\s+concern\s+that\b",
    re.IGNORECASE,
)
_LEAD_IN = re.compile(
    r"^(?:to address th(?:is|ese) causes? (?:of|for) concern|.{0,80}\brecommends?\b|within \w+ months\b|"
    r".{0,60}\b(?:must|should) immediately\b)",
    re.IGNORECASE,
)
# "In 2016, we recommended that ...", "In our 2017 national legitimacy report, we
# recommended that all forces should:": a recommendation of an earlier inspection.
RECALLED_RECOMMENDATION = re.compile(
    r"^(?:In|During|Following)\s+(?:our\s+|the\s+|its\s+)?(?P<year>(?:19|20)\d\d)(?:/\d\d)?\b[^.;:]{0,80}?,?\s+"
    r"(?:we|HMIC|HMICFRS|the\s+inspectorate)\s+(?:also\s+)?(?:made\s+(?:a|the\s+following|\w+)\s+recommendations?"
    r"|recommended)\b(?P<rest>.*)$",
    re.IGNORECASE | re.DOTALL,
)
_ALL_FORCES = re.compile(r"\b(?:all|every)\s+(?:police\s+)?forces?\b|\bnational\b", re.IGNORECASE)
_CARRIED_LIST = re.compile(
    r"^In (?P<year>20\d\d),\s+(?:we|HMIC|HMICFRS)\s+(?:judged|assessed)\s+.{0,60}?\bas\s+(?P<g>outstanding|good|inadequate|requiring improvement)\s+(?:at|in):$",
    re.IGNORECASE,
)


def _pillar_question(text: str) -> str | None:
    for pillar, pattern in _PILLAR_QUESTIONS:
        if pattern.match(text):
            return pillar
    return None


def _question_line(text: str) -> bool:
    """A heading that asks a question: ends with '?', short, one sentence."""
    return text.endswith("?") and len(text.split()) <= 40 and ". " not in text


# Stray "Â" is mojibake of a no-break space (UTF-8 read as Windows-1252): blank.
_BLANK = " \t\r\n\f\v\xa0\u2002\u2003\u2009\u200b\ufeffÂ"


def _trim(source: str, start: int, end: int) -> tuple[int, int]:
    """Shrink ``[start, end)`` so it neither starts nor ends with whitespace (or stray "Â")."""
    while start < end and (source[start].isspace() or source[start] in _BLANK):
        start += 1
    while end > start and (source[end - 1].isspace() or source[end - 1] in _BLANK):
        end -= 1
    return start, end


def _peel_year(raw: str) -> str:
    """Normalise a year as the inspectorate names PEEL years: 2015, 2018/19, 2021/22, 2023-25."""
    parts = re.split(r"\s*[/–-]\s*", raw.strip())
    first = parts[0]
    if len(parts) > 1:
        sep = "-" if int(first) >= 2023 else "/"
        return f"{first}{sep}{parts[1][-2:]}"
    if first == "2018":
        return "2018/19"  # "Cheshire PEEL 2018" is the 2018/19 inspection year
    return first


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


# An overview's own words: a judgment per pillar ("the extent to which ... is effective"),
# the HMI's assessment of the force ("This is the first PEEL Assessment of Surrey Police",
# 2014), leadership's narrative judgment.
_OVERVIEW_WORDING = re.compile(
    r"the\s+extent\s+to\s+which\s.{0,60}\bis\s+(?:effective|efficient|legitimate)\b|HMI[’']s\s+observations|"
    r"narrative\s+rather\s+than\s+(?:a\s+)?graded\s+judgment|PEEL\s+Assessment$|\bPEEL\s+Assessment\s+of\b|"
    # the HMI's letter that opens an overview ("I am pleased with the performance of ...")
    r"\bI\s+am\s+(?:\w+\s+)?(?:pleased|satisfied|encouraged)\s+(?:with|by)\b|\bI\s+congratulate\b|"
    r"\bI\s+have\s+(?:\w+\s+){0,3}concerns\s+about\b|"
    # 2016: "The effectiveness, efficiency and legitimacy inspection findings are published below."
    r"\binspection\s+findings\s+are\s+published\s+below\b|\bMy\s+overall\s+assessment\s+of\b",
    re.IGNORECASE | re.MULTILINE,
)


def _page_type(lines, text: str) -> str:
    """pillar, overview, report, letter or tracker, from the page's own signs.

    A page titled "Surrey PEEL 2014" is one pillar's page when it names its pillar (a line
    "Effectiveness", "Questions for Effectiveness", the pillar's own question); without one,
    and in an overview's words, it is the force's overview of that year.
    """
    bodies = [" ".join(line.text.split()) for line in lines]
    first = next((b for b in bodies if b), "")
    if TRACKER_TITLE.match(first) or any(TRACKER_STATUS.match(b) for b in bodies):
        return "tracker"
    if LETTER_TITLE.match(first) or "Letter information" in bodies:
        return "letter"
    titles = [m for m in map(_PILLAR_TITLE.match, bodies) if m]
    if titles and titles[0]["year"][:4] >= "2021":
        return "report"
    if titles:
        names_pillar = any(b.lower() in PILLARS or _QUESTIONS_FOR.match(b) or _pillar_question(b) for b in bodies)
        return "overview" if not names_pillar and _OVERVIEW_WORDING.search(text) else "pillar"
    if any(_OVERVIEW_TITLE.match(b) for b in bodies):
        return "overview"
    if any(_REPORT_MARKERS.match(b) for b in bodies) or re.search(r"\bareas\s+of\s+policing\b", text):
        return "report"
    if _OVERVIEW_WORDING.search(text):
        return "overview"
    # An excerpt without its title: a page that asks two pillars' questions, or heads two
    # pillars' sections, is the force's overview of them.
    if len({_pillar_question(b) or (b.lower() if b.lower() in PILLARS else None) for b in bodies} - {None}) >= 2:
        return "overview"
    return "pillar"


# Hard-wrapped text (a browser's "Save Page As, Text" breaks lines at 72 to 80 columns):
# the widest a wrapped text's lines may be, and how many of its lines must be breaks
# that wrapping made before the text is taken as wrapped.
_MAX_WRAP = 160
_MIN_WRAPPED_SHARE = 0.15
_MIN_BLANK_SHARE = 0.05
_FIRST_WORD = re.compile(r"\S+")


def _line_is_structure(key: str) -> bool:
    """A whole line that is structure of its own: a grade, a question number, a date, a heading."""
    return bool(grade_line(key) or _NUMBER.match(key) or _DATE_CUT.match(key) or _SECTION_HEADING.match(key)
                or _QUESTIONS_FOR.match(key) or key.lower() in PILLARS or _REPORT_MARKERS.match(key))


def _wrap_width(lines: list[Line]) -> int | None:
    """The column a hard-wrapped text was wrapped at, or None when its lines are not wrapped.

    The width is what all but one line in a hundred fit in; the text is wrapped when it is
    narrow and many of its lines end where the next line's first word would not have fitted.
    """
    lengths = sorted(len(line.text.rstrip()) for line in lines if line.text.strip())
    if len(lengths) < 5:
        return None
    width = lengths[-1 - len(lengths) // 100]
    if width > _MAX_WRAP:
        return None
    breaks = sum(1 for a, b in zip(lines, lines[1:]) if _wraps_into(a, b, width))
    return width if breaks >= max(3, _MIN_WRAPPED_SHARE * len(lengths)) else None


def _wraps_into(line: Line, after: Line, width: int) -> bool:
    """Whether wrapping at ``width`` broke the line before ``after``: its first word would not fit."""
    head, word = line.text.rstrip(), _FIRST_WORD.search(after.text)
    return bool(head.strip() and word) and len(head) + 1 + len(word.group()) > width


def _join_wrapped(text: str, lines: list[Line]) -> list[Line]:
    """The lines of a hard-wrapped text joined back into its paragraphs, headings and list items.

    A joined line spans its physical lines (``text[start:end]``, line breaks inside), so
    offsets stay exact. Lines are joined where the wrapping broke them: the next line's
    first word would not have fitted. They are not joined before a new list item, after a
    question heading ("...?"), nor where a sentence ends before a line that is structure
    of its own (a grade line, a question number, a date); a text that is not wrapped is
    returned as it is.
    """
    width = _wrap_width(lines)
    if width is None:
        return lines
    # A text whose paragraphs follow each other without a blank line between them: where
    # a line ends a sentence and the next starts with a capital, a paragraph may end.
    nonblank = sum(1 for line in lines if line.text.strip())
    packed = len(lines) - nonblank < _MIN_BLANK_SHARE * nonblank
    out: list[Line] = []
    for before, line in zip([None, *lines], lines):
        if before is not None and _wraps_into(before, line, width) and not _BULLET.match(line.text) \
                and not _ends_block(before.text.rstrip(), line.text.strip(), packed):
            start = out[-1].start
            out[-1] = Line(out[-1].number, start, line.end, text[start:line.end], is_furniture(text[start:line.end]))
        else:
            out.append(line)
    return out


def _ends_block(before: str, after: str, packed: bool) -> bool:
    """Whether a wrapped-looking line break still ends a heading or paragraph."""
    if before.endswith("?") or re.match(r"(?:How|To what extent)\b", after):
        return True  # a question heading, or one next
    if not _ENDS_SENTENCE.search(before):
        return False
    return _line_is_structure(_words(after)) or (packed and after[:1].isupper())


def parse(source: SourceText) -> Report:
    """Structure one decoded report, raising PipelineError when it is not a PEEL report."""
    text = source.text
    joined = _join_wrapped(text, source.lines)
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
    if year is None and state.page_type in ("report", "letter") and (match := _REPORT_YEAR.search(words)):
        year = _peel_year(match["year"])
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
    if not (state.title or state.headline or state.questions or state.line_grades
            or state.report_heading or _REPORT_WORDING.search(words)
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
    _read_grades(report, state, blocks, modern)
    _read_items(report, blocks)
    from .framework import assign, match
    assign(report)  # the framework question of each grade; an aspect's is its question's
    for grade in report.grades:
        if grade.scope == "aspect" and id(grade) in state.aspect_of:
            wording, number = state.aspect_of[id(grade)]
            grade.framework_question = match(wording, report.peel_year, report.pillar, number)
    return report


#: How many kinds of the inspectorate's language a page without a PEEL title, question,
#: grade line or heading must speak to be taken for a PEEL page (a news story speaks none
#: or one).
_TITLELESS_SIGNS = 2


_MONTHS = ("january february march april may june july august september october november december").split()
_LONG_DATE = re.compile(
    r"^(?P<d>\d{1,2})(?:st|nd|rd|th)?\s+(?P<m>" + "|".join(_MONTHS) + r")\s+(?P<y>(?:19|20)\d\d)$", re.IGNORECASE
)


def long_date(text: str) -> tuple[int, int, int] | None:
    """(year, month, day) of a date written out ("28 October 2022", "3rd November 2016"), else None."""
    match = _LONG_DATE.match(" ".join(text.split()))
    if match is None:
        return None
    return int(match["y"]), _MONTHS.index(match["m"].lower()) + 1, int(match["d"])


def _iso_date(match: re.Match) -> str | None:
    """YYYY-MM-DD of a "Last updated" date, or None for a date no calendar has (31/02/2016)."""
    try:
        return date(int(match["y"]), int(match["m"]), int(match["d"])).isoformat()
    except ValueError:
        return None


def _stated_date(state: _State) -> str | None:
    """A letter's or tracker's date: when it was published (else sent); a tracker's latest status."""
    for what in ("published", "updated", "last updated", "sent"):
        if state.dates.get(what):
            return state.dates[what][0]
    return max(state.dates.get("status", []), default=None)


def _add_date(state: _State, what: str, when: tuple[int, int, int] | None) -> None:
    try:
        day = date(*when).isoformat() if when else None
    except ValueError:
        return  # a date no calendar has
    if day:
        state.dates.setdefault(" ".join(what.lower().split()), []).append(day)


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
                       or (len(key.split()) <= _HEADING_WORDS and not _ENDS_SENTENCE.search(key))):
        _close(state)
        state.lead = False  # a heading, title or grade line: what follows is placed by it
    if state.title is None and (match := _PILLAR_TITLE.match(key) or _OVERVIEW_TITLE.match(key)):
        _close(state)
        state.title, state.title_force = key, match["force"]
        state.year = _peel_year(match["year"])
        return
    if state.title is None and any(key == full for _, full in FORCES):
        _close(state)  # a force's landing page is titled with the force's name
        state.title, state.title_force = key, key
        return
    if key.lower() in PILLARS:
        _close(state)
        if state.page_type == "pillar" and state.pillar is None:
            state.pillar = key.lower()
        state.pillar_section = key.lower()
        state.question, state.section = None, "summary"
        return
    if match := _DATE.match(key):
        _close(state)
        state.last_updated = state.last_updated or _iso_date(match)
        return
    if _DATE_CUT.match(key):
        _close(state)  # a date line cut off by the end of the text
        return
    if match := _QUESTIONS_FOR.match(key):
        _close(state)
        state.report_heading = True
        state.in_questions = True
        if state.page_type == "pillar":
            state.pillar = state.pillar or match["pillar"].lower()
        return
    if _NUMBER.match(key):
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
    if match := _SECTION_HEADING.match(key):
        _close(state)
        state.report_heading = True
        state.section = _SECTION_NAMES[match["name"][:4].lower()]
        return
    if _REPORT_MARKERS.match(key):
        _close(state)
        state.report_heading = True
        state.heading = (body, start, end)
        state.in_judgments = key == "Our judgments"
        state.table_grade = None
        return
    if (numbered := _NUMBERED_QUESTION.match(key)) and _question_line(numbered["question"]):
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
    if _question_line(key) and (state.current is None or re.match(r"(?:How|To what extent|What)\b", key)):
        _close(state)  # a question heading also ends a paragraph cut off before it
        _question(state, body, start, end)
        return

    if state.current is None and ITEMS_TITLE.match(key):
        # "The 2017 inspection identified the following Areas for improvement": a lead-in
        # that reads like a title; a sentence of its own, and its list follows.
        _close(state)
        state.section = _SECTION_NAMES[ITEMS_TITLE.match(key)["what"][:4].lower()]
        state.prose.append(_Prose("paragraph", start, end, state.section, state.question, state.pillar_section))
        return
    bullet = _BULLET.match(line.text)
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
    short = len(key.split()) <= _HEADING_WORDS and not _ENDS_SENTENCE.search(key)
    if short and state.current is None and _pillar_question(key):
        _question(state, body, start, end)  # "How well the force tackles crime" (2014)
        return
    if is_cut_last and _cut_heading(key) and state.current is None:
        return  # a heading cut off by the end of the text
    if unfinished and state.current is None and body[0].islower() and state.prose:
        state.current = state.prose.pop()  # "... threat, risk" / "and harm;": one paragraph
        short = False
    if short and state.current is None and state.in_judgments and state.table_grade \
            and not (is_cut_last and not _cut_heading(key)):
        # "Good" / "Preventing crime": an area under its grade in the judgments table.
        state.line_grades.append((Grade("area", body, None, state.table_grade, body, start, end), None))
        return
    if short and state.current is None and not (is_cut_last and not _cut_heading(key)):
        state.heading = (body, start, end)  # a heading we have no special meaning for
        if state.page_type == "report" and state.question is not None:
            # 2021+ reports: a heading without a grade line may start an area that is
            # not graded; what follows is not filed under the area before it.
            state.question, state.section = None, "narrative"
        elif state.section in ("area_for_improvement", "cause_of_concern", "recommendation"):
            state.section = "narrative" if state.question else "summary"
        return
    if state.in_judgments and (state.table_grade or not key.endswith(":")):
        state.in_judgments = bool(not state.table_grade and re.search(r"as follows:?$", key))
    if state.current is not None:
        state.current.end = end  # a hard-wrapped line continues the paragraph
    else:
        if state.section == "area_for_improvement" and state.prose and state.prose[-1].kind == "list_item" \
                and state.prose[-1].section == "area_for_improvement":
            state.section = "narrative" if state.question else "summary"  # prose after the list
        state.current = _Prose("paragraph", start, end, state.section, state.question, state.pillar_section,
                               state.lead)
    if _ENDS_SENTENCE.search(body) or len(body) < _WRAP_WIDTH:
        state.unfinished = not _ENDS_SENTENCE.search(body)
        _close(state)


# A bullet inside a list item's line, after the end of an item ("...activity; and • monitor ...").
_INLINE_BULLET = re.compile(r"(?:(?<=[;.,])|(?<=\band)|(?<=\bor))[ \t\xa0]+[•●▪][ \t\xa0]*(?=\S)")


def _letter_line(state: _State, key: str, pending_date: str | None) -> bool:
    """A line of a letter's or tracker's own structure (its title, a date, a tracker's status
    line), taken in; False for any other line."""
    if state.title is None and (match := LETTER_TITLE.match(key) or TRACKER_TITLE.match(key)):
        _close(state)
        state.title, state.title_force = key, match["force"]
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


def _words(text: str) -> str:
    """``text`` on its words alone: each run of whitespace (a hard-wrapped line break) one space."""
    return " ".join(text.split())


def _cut_heading(body: str) -> bool:
    """Whether a line cut off by the end of the text looks like the start of a heading."""
    return bool(re.match(r"(?:How|What|To what extent|HM\b|HMI|Questions|Areas?|Causes?|Recommendations?|Last)\b", body))


def _question(state: _State, body: str, start: int, end: int) -> None:
    words = " ".join(body.split())  # a hard-wrapped heading is one line of words
    pillar = _pillar_question(words)
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


def _headline_force(lines: list[Line]) -> str | None:
    """The force a page's first line names when that line is a title ("Inspectors praise
    Cambridgeshire Constabulary"): the page is about it, whatever other forces it quotes."""
    first = next((" ".join(line.text.split()) for line in lines if line.text.strip()), "")
    if not first or len(first.split()) > _HEADING_WORDS or _ENDS_SENTENCE.search(first):
        return None
    named = forces_named(first) or {short for short, _ in FORCES if re.search(rf"\b{re.escape(short)}\b", first)}
    return named.pop() if len(named) == 1 else None


# Words before a force's name that make it another force than the page's own.
_OTHER_FORCE_BEFORE = re.compile(r"\b(?:with|alongside|than|from|between|and|to|like)\s+(?:the\s+)?$", re.IGNORECASE)


def _find_force(text: str, title_force: str | None) -> tuple[str, str] | None:
    """(short, full) name of the force: from the title, else the first force the text names."""
    if title_force:
        known = force_by_short(title_force) or next(((s, f) for s, f in FORCES if f == title_force), None)
        short = known[0] if known else title_force
        # Prefer the name as the report writes it ("Cambridgeshire Constabulary").
        match = re.search(re.escape(short) + r" (?:Constabulary|Police Service|Police)\b", text)
        if match:
            return short, match.group()
        return short, known[1] if known else title_force
    for at, short, written in force_mentions(text):
        known = force_by_short(short)
        if known is None or _OTHER_FORCE_BEFORE.search(text[max(0, at - 40):at]):
            continue  # "its alliance with Warwickshire Police": another force than the page's
        # The name as the report writes it ("Wiltshire Constabulary"), but the official name
        # for a short form or the Welsh name ("GMP", "Heddlu Dyfed-Powys").
        if re.fullmatch(r".+\s(?:Constabulary|Police\s+Service|Police)", written) and not written.startswith("Heddlu"):
            return short, " ".join(written.split())
        return known
    return None


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


def _read_grades(report: Report, state: _State, blocks, modern: bool) -> None:
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
        if match := _CARRIED_LIST.match(_words(block.text)):
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
                           state.aspect_of, untitled_lead=id(block) in state.lead_blocks)
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

    # A summary judgment that restates a question's grade is that question's judgment.
    kept: list[Grade] = []
    for grade, question in grades:
        if grade.scope == "area" and any(k.scope == "area" and k.grade == grade.grade
                                         and " ".join(k.subject.split()).lower() == " ".join(grade.subject.split()).lower()
                                         for k in kept):
            continue  # the same area's grade, in the judgments table and under its heading
        if grade.scope in ("question", "area") and question is None and (
            any(q.grade == grade.grade and same_subject(q.question, grade.subject) for q in report.questions)
            or any(k.scope == grade.scope and k.grade == grade.grade and _overlaps(k.subject, grade.subject)
                   for k in kept)
        ):
            continue
        kept.append(grade)
    report.grades = kept
    report.overall_grade = overall.grade if overall else None


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


def _judges_question(subject: str, question: str) -> bool:
    """Whether a judgment under a question's heading judges that question, not a narrower aspect.

    "good at investigating crime" under "How effective is the force at investigating crime and
    reducing re-offending?" does; "good at identifying vulnerable people" under "... protecting
    those who are vulnerable from harm, and supporting victims?" does not
    (surrey_2017_effectiveness, kent_2018_effectiveness).
    """
    words = {w[:5] for w in content_words(subject)}
    return not words or len(words & {w[:5] for w in content_words(question)}) > 0.5 * len(words)


def _part_of(subject: str, topic: str, report: Report) -> bool:
    """Whether ``subject`` is part of the question a summary judged as ``topic``: their words
    meet, or the subject's meet the wordings of the framework question the topic names
    ("identifying people who can't ... protect themselves ... from harm" and "supports
    vulnerable victims": the question of protecting the vulnerable from harm)."""
    if _stems(subject) & _stems(topic):
        return True
    from .framework import candidates, match
    question = match(topic, report.peel_year, report.pillar)
    if question is None:
        return False
    wordings = [w.wording for w in candidates(report.peel_year, report.pillar, ("question",))
                if w.framework_question == question]
    return bool(_stems(subject) & {s for w in wordings for s in _stems(w)})


def _place(report, block, question, pillar_section, judgment, pillars, overall, area_scope,
           aspects_of=(), aspect_of=None, untitled_lead=False) -> Grade | None:
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
        if not _judges_question(judgment.subject, question.question):
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
    if block.section != "summary" or not question_subject(judgment.subject):
        return None  # a detail of a finding, not the grade of a question or area
    if judgment.shape != "earlier judgment" and (
            judged := next((t for t in aspects_of if _part_of(judgment.subject, t, report)), None)):
        return aspect(judged, None)  # an aspect of a question the summary already judged ("needs to improve how it ...")
    if re.match(r"keeping people safe|reducing crime and keep", judgment.subject, re.I) and (
            "effectiveness" in pillars or (report.page_type == "pillar" and overall is not None)):
        return None  # restates the effectiveness judgment in other words
    if untitled_lead and judgment.shape == "force first" and not re.match(r"keeping\s+people\s+safe|reducing\s+crime",
                                                                          judgment.subject, re.I):
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


def _read_items(report: Report, blocks) -> None:
    """Fill areas for improvement, causes of concern and recommendations from the blocks."""
    afi, rec = report.areas_for_improvement, report.recommendations
    concerns: list[tuple[CauseOfConcern, bool]] = []  # (item, stated under a heading)
    lead_in: Block | None = None
    previous: Block | None = None
    pending_lead_in: Block | None = None
    concern_lead: Block | None = None  # a lead-in of causes of concern in running text, before them

    def flush_lead_in() -> None:
        # A lead-in with no items after it (the text stops) stands for its recommendations.
        nonlocal pending_lead_in
        if pending_lead_in is not None:
            rec.append(_recommendation(len(rec), pending_lead_in, None))
            pending_lead_in = None

    # Where the walker put each block (before recommendations are moved out of a cause of
    # concern), and whether the blocks before were a recommendation list.
    previous_place: tuple | None = None
    recalled: Block | None = None  # "In 2017, we recommended that all forces should:", before its list
    in_list = False  # after a lead-in: its list items are recommendations
    after_list = False  # a recommendation list just ended: the next paragraph is a new concern
    for block, _, _ in blocks:
        place = (block.section, block.question_number)
        new_section = place != previous_place
        previous_place = place
        if new_section and block.section != "recommendation":
            lead_in, in_list, after_list = None, False, False
        if block.section != "cause_of_concern":
            concern_lead = None
        elif block.kind == "paragraph" and CONCERN_LEAD_IN.search(_words(block.text)):
            # "we identified three causes of concern:", "Our inspection found:": its list,
            # or the concern it quotes, follows; the lead-in itself is not a concern.
            flush_lead_in()
            concern_lead, in_list, after_list, previous = block, False, False, block
            continue
        elif concern_lead is not None:
            if block.kind == "list_item" or _words(concern_lead.text).endswith("found:") \
                    or block.text[:1] in "“\"‘'":
                concerns.append((CauseOfConcern("", block.question_number, block.question, block.text,
                                                block.char_start, block.char_end, block.truncated), True))
            if block.kind != "list_item":
                concern_lead = None  # one quoted concern, or a paragraph that tells of them
            previous = block
            continue
        if block.section in ("cause_of_concern", "recommendation") and _LEAD_IN.match(_words(block.text)) \
                and block.kind == "paragraph" and (block.text.endswith(":") or block.truncated):
            flush_lead_in()
            block.section = "recommendation"
            lead_in = pending_lead_in = block
            in_list, previous = True, block
            continue
        if in_list and block.kind == "list_item" and block.section in ("cause_of_concern", "recommendation"):
            block.section = "recommendation"  # "To address this cause of concern, we recommend ...:" and its list
            pending_lead_in = None
            rec.append(_recommendation(len(rec), block, lead_in))
            after_list, previous = True, block
            continue
        if in_list and block.section == "cause_of_concern":
            in_list = False
        if block.kind == "list_item" and block.section in ("summary", "narrative") and previous is not None \
                and (previous.section == "area_for_improvement" or (previous.kind == "paragraph" and re.search(
                    r"\bareas? for improvement\b[^.]*[.:]$", _words(previous.text), re.I))):
            block.section = "area_for_improvement"  # "One area for improvement remained ...:" and its list
        if block.section == "area_for_improvement":
            if block.kind == "list_item" or not (block.text.endswith(":") or ITEMS_TITLE.match(_words(block.text))):
                afi.append(AreaForImprovement(
                    f"afi-{len(afi) + 1:02d}", block.question_number, block.question, block.text,
                    block.char_start, block.char_end, block.truncated))
        elif block.section == "cause_of_concern":
            # The first paragraph states the concern, and so does the first after a list
            # of its recommendations; the paragraphs between describe it.
            if new_section or after_list:
                flush_lead_in()
                concerns.append((CauseOfConcern("", block.question_number, block.question, block.text,
                                                block.char_start, block.char_end, block.truncated), True))
                after_list = False
        elif block.section == "recommendation":
            if block.kind == "paragraph" and block.text.endswith(":"):
                flush_lead_in()
                lead_in = pending_lead_in = block
                in_list = True
            elif block.kind == "paragraph" and after_list and _CAUSE_OF_CONCERN.search(block.text):
                # The next cause of concern, after the recommendations of the one before.
                block.section = "cause_of_concern"
                concerns.append((CauseOfConcern("", block.question_number, block.question, block.text,
                                                block.char_start, block.char_end, block.truncated), True))
                after_list = in_list = False
            else:
                pending_lead_in = None
                rec.append(_recommendation(len(rec), block, lead_in))
        elif recalled is not None and block.kind == "list_item":
            rec.append(_recommendation(len(rec), block, recalled, _recalled_by(recalled.text)))
        else:
            recalled = None
            for match in judgments.sentences(block.text):
                sentence = block.text[match[0]:match[1]]
                earlier = _recalled_by(sentence)
                if earlier and block.kind == "paragraph" and match[1] == len(block.text) and sentence.endswith(":"):
                    recalled = block  # its list items are the recommendations it recalls
                elif earlier:
                    rec.append(Recommendation(
                        "", block.question_number, block.question, None, None, None, None, sentence,
                        block.char_start + match[0], block.char_start + match[1],
                        block.truncated and match[1] == len(block.text), *earlier))
                if _CAUSE_OF_CONCERN.search(sentence):
                    concerns.append((CauseOfConcern(
                        "", block.question_number, block.question, sentence, block.char_start + match[0],
                        block.char_start + match[1], block.truncated and match[1] == len(block.text)), False))
        previous = block
    flush_lead_in()
    rec.sort(key=lambda r: r.char_start)  # recalled ones, found in prose, in reading order too
    for number, recommendation in enumerate(rec, start=1):
        recommendation.recommendation_id = f"rec-{number:02d}"

    # A sentence that names a cause of concern stated again under its heading is the same concern.
    headed = [c for c, under_heading in concerns if under_heading]
    kept = [c for c, under_heading in concerns
            if under_heading or not any(_restates(c.text, h.text) for h in headed)]
    for number, concern in enumerate(kept, start=1):
        concern.cause_of_concern_id = f"coc-{number:02d}"
    report.causes_of_concern = kept
    for recommendation in rec:
        if recommendation.cause_of_concern_id is None:
            linked = next((c for c in reversed(kept) if c.question_number == recommendation.question_number
                           and c.char_start < recommendation.char_start), None)
            recommendation.cause_of_concern_id = linked.cause_of_concern_id if linked else None


def _restates(sentence: str, item: str) -> bool:
    words = content_words(sentence)
    return bool(words) and len(words & content_words(item)) >= 0.7 * len(words)


def _recalled_by(sentence: str) -> tuple[str, str] | None:
    """(year it was made, to whom) of a recommendation an earlier inspection made, else None."""
    match = RECALLED_RECOMMENDATION.match(sentence)
    if match is None:
        return None
    return match["year"], "all forces" if _ALL_FORCES.search(sentence) else "this force"


def _recommendation(index: int, block: Block, lead_in: Block | None,
                    recalled: tuple[str, str] | None = None) -> Recommendation:
    return Recommendation(
        f"rec-{index + 1:02d}",
        block.question_number,
        block.question,
        None,  # linked to its cause of concern once all concerns are known
        lead_in.text if lead_in else None,
        lead_in.char_start if lead_in else None,
        lead_in.char_end if lead_in else None,
        block.text,
        block.char_start,
        block.char_end,
        block.truncated,
        *(recalled or (None, None)),
    )
