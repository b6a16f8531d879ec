"""The objects passed between stages: ingest -> structure -> classify -> export.

This module is the contract of the pipeline. Field names are the column names users
see in the CSV files, so they use the reports' own words.
"""
from __future__ import annotations

import bisect
from dataclasses import dataclass, field, fields, is_dataclass
from pathlib import Path

#: Grade codes of ../shared/LABELS.md, best first; ``not_graded`` last.
GRADES = ("outstanding", "good", "adequate", "requires_improvement", "inadequate", "not_graded")

#: Sentence labels in the order LABELS.md resolves ties: the first that fits wins.
LABELS = ("recommendation", "concern", "grade", "improvement", "finding")

#: Where a sentence sits in a report.
#: ``about_inspection``: the inspectorate on its own approach and terms ("Important changes
#: to PEEL"), not on the force.
SECTIONS = ("summary", "narrative", "area_for_improvement", "cause_of_concern", "recommendation", "about_inspection")


class PipelineError(Exception):
    """A problem with one input file; the message is one line for the user."""


@dataclass(frozen=True, slots=True)
class Line:
    """One line of the source, without its line terminator."""

    number: int  # 1-based
    start: int
    end: int
    text: str
    furniture: bool = False  # page furniture ("Skip to content", banners): never prose
    # What the reader knows the line is, where its format says: one of LINE_KINDS (an HTML
    # page's h1-h4, p, li; a PDF's rebuilt headings and paragraphs), or None for plain text,
    # whose structure is read from the words alone.
    kind: str | None = None


#: The values of ``Line.kind``: headings by level, a paragraph, a list item, a table row.
LINE_KINDS = ("heading1", "heading2", "heading3", "heading4", "paragraph", "list_item", "table_row")


@dataclass(slots=True)
class SourceText:
    """A decoded report: ``text`` is what every ``char_start``/``char_end`` indexes."""

    path: Path
    source_file: str
    text: str
    sha256: str  # of the raw bytes
    encoding: str  # "utf-8", "cp1252", "pdf", or e.g. "utf-8 (3 bytes read as Windows-1252; mojibake repaired)"
    lines: list[Line]
    # PDFs: (offset, page number) where each page's text begins; None for text files.
    page_starts: list[tuple[int, int]] | None = None
    page_count: int | None = None  # PDFs: pages in the file
    # A fetched file (peel-pipeline fetch): its URL and UTC retrieval time, from its folder's
    # sources.csv, while its bytes are those fetched; None otherwise.
    source_url: str | None = None
    retrieved_at: str | None = None

    def page_of(self, offset: int) -> int | None:
        """The 1-based PDF page that holds ``offset``, or None for a text file."""
        if not self.page_starts:
            return None
        index = bisect.bisect_right([start for start, _ in self.page_starts], offset) - 1
        return self.page_starts[max(index, 0)][1]


@dataclass(slots=True)
class Block:
    """A paragraph or list item of prose, in the section and question it sits in."""

    kind: str  # "paragraph" or "list_item"
    section: str  # one of SECTIONS
    question_number: int | None
    text: str
    char_start: int
    char_end: int
    truncated: bool = False  # the source stops inside this block
    question: str | None = None  # the question or area it sits under


@dataclass(slots=True)
class Grade:
    """One graded judgment the text states."""

    scope: str  # "overall", "question", "pillar", "area"
    subject: str  # what is graded, in the report's words
    question_number: int | None
    grade: str  # one of GRADES
    text: str  # the words stating it
    char_start: int
    char_end: int
    previous_grade: str | None = None
    previous_year: str | None = None
    # The PEEL framework question or area it judges, the same id in every year that asks
    # it ("effectiveness.preventing-crime"; a pillar's name): data/peel_framework.csv.
    framework_question: str | None = None
    key: str = ""  # stable across re-runs: from the text, not the position
    corrected: str = ""  # fields a reviewer corrected (corrections.csv), comma-separated


@dataclass(slots=True)
class Question:
    number: int | None
    question: str
    grade: str | None
    char_start: int
    char_end: int
    key: str = ""  # stable across re-runs: from the text, not the position
    corrected: str = ""  # fields a reviewer corrected (corrections.csv), comma-separated


@dataclass(slots=True)
class AreaForImprovement:
    area_for_improvement_id: str
    question_number: int | None
    question: str | None  # the question or area it sits under, in the report's words
    text: str
    char_start: int
    char_end: int
    truncated: bool = False
    key: str = ""  # stable across re-runs: from the text, not the position
    corrected: str = ""  # fields a reviewer corrected (corrections.csv), comma-separated


@dataclass(slots=True)
class CauseOfConcern:
    cause_of_concern_id: str
    question_number: int | None
    question: str | None  # the question or area it sits under, in the report's words
    text: str
    char_start: int
    char_end: int
    truncated: bool = False
    key: str = ""  # stable across re-runs: from the text, not the position
    corrected: str = ""  # fields a reviewer corrected (corrections.csv), comma-separated


@dataclass(slots=True)
class Recommendation:
    recommendation_id: str
    question_number: int | None
    question: str | None  # the question or area it sits under, in the report's words
    cause_of_concern_id: str | None
    lead_in: str | None
    lead_in_char_start: int | None
    lead_in_char_end: int | None
    text: str
    char_start: int
    char_end: int
    truncated: bool = False
    # A recommendation an earlier inspection made, which the report recalls ("In 2016,
    # we recommended that ..."): the year it was made and to whom ("this force", "all
    # forces"). Empty for the report's own recommendations.
    year_made: str | None = None
    made_to: str | None = None
    key: str = ""  # stable across re-runs: from the text, not the position
    corrected: str = ""  # fields a reviewer corrected (corrections.csv), comma-separated


@dataclass(slots=True)
class Report:
    """What the structure stage finds in one report."""

    report_id: str
    page_type: str  # "pillar", "overview", "report" (2021+), "letter", "tracker"
    force: str
    force_short: str
    peel_year: str | None
    pillar: str | None
    title: str | None
    headline_question: str | None
    last_updated: str | None  # YYYY-MM-DD
    overall_grade: str | None
    source: SourceText
    questions: list[Question] = field(default_factory=list)
    grades: list[Grade] = field(default_factory=list)
    areas_for_improvement: list[AreaForImprovement] = field(default_factory=list)
    causes_of_concern: list[CauseOfConcern] = field(default_factory=list)
    recommendations: list[Recommendation] = field(default_factory=list)
    blocks: list[Block] = field(default_factory=list)
    corrected: str = ""  # report fields a reviewer corrected, comma-separated


@dataclass(slots=True)
class Sentence:
    """One prose sentence or list item with its label."""

    sentence_id: str
    question_number: int | None
    section: str
    label: str  # one of LABELS
    confidence: float
    method: str  # "section", "rule", "model"; "default" in rules-only mode; "reviewer" when corrected
    text: str
    char_start: int
    char_end: int
    truncated: bool = False
    key: str = ""  # stable across re-runs: from the text, not the position
    corrected: str = ""  # fields a reviewer corrected (corrections.csv), comma-separated


@dataclass(slots=True)
class LabelledReport:
    """What the classify stage returns: the report and its labelled sentences."""

    report: Report
    sentences: list[Sentence]


# Results as data (the run's cache): plain JSON, never code, read back field by field.

def dump(labelled: LabelledReport) -> dict:
    """``labelled`` as JSON-ready data; ``load`` gives it back."""
    data = _plain(labelled)
    data["report"]["source"]["path"] = str(labelled.report.source.path)
    return data


def _plain(value):
    """``dataclasses.asdict`` for this module's rows, without its deep copy of every
    value: each field holds a plain value, a row, or a list or tuple of them."""
    kind = type(value)
    names = _FIELD_NAMES.get(kind)
    if names is None and is_dataclass(kind):
        names = _FIELD_NAMES[kind] = tuple(f.name for f in fields(kind))
    if names is not None:
        return {name: _plain(getattr(value, name)) for name in names}
    if kind is list or kind is tuple:
        return kind(_plain(v) for v in value)
    return value


_FIELD_NAMES: dict[type, tuple[str, ...]] = {}


def _make(cls, data: dict, **given):
    """``cls`` from the fields of ``data`` it has; a missing required field raises TypeError."""
    names = {f.name for f in fields(cls)}
    return cls(**{k: v for k, v in data.items() if k in names}, **given)


def load(data: dict) -> LabelledReport:
    """A ``LabelledReport`` from ``dump``'s data; raises (TypeError, KeyError, ...) on anything else."""
    report, source = dict(data["report"]), dict(data["report"]["source"])
    starts = source.pop("page_starts")
    source = _make(SourceText, {k: v for k, v in source.items() if k not in ("path", "lines")},
                   path=Path(source["path"]), lines=[_make(Line, line) for line in source["lines"]],
                   page_starts=None if starts is None else [(int(a), int(b)) for a, b in starts])
    lists = {"questions": Question, "grades": Grade, "areas_for_improvement": AreaForImprovement,
             "causes_of_concern": CauseOfConcern, "recommendations": Recommendation, "blocks": Block}
    rows = {name: [_make(cls, row) for row in report.pop(name)] for name, cls in lists.items()}
    report.pop("source")
    built = _make(Report, report, source=source, **rows)
    labelled = LabelledReport(built, [_make(Sentence, s) for s in data["sentences"]])
    for row in [built, source, *source.lines, *labelled.sentences, *(r for rs in rows.values() for r in rs)]:
        _check(row)
    return labelled


_TYPES = {"str": (str,), "str | None": (str, type(None)), "int": (int,), "int | None": (int, type(None)),
          "bool": (bool,), "float": (float, int)}
_CODES = {"grade": GRADES, "label": LABELS, "section": SECTIONS}


def _check(row) -> None:
    """Each field of the type its dataclass declares, and each code one of its codes: data
    read back from a file is not trusted to be what it claims."""
    for f in fields(row):
        value, allowed = getattr(row, f.name), _TYPES.get(str(f.type))
        if allowed and (not isinstance(value, allowed) or (isinstance(value, bool) and bool not in allowed)):
            raise TypeError(f"{type(row).__name__}.{f.name}: {value!r}")
        codes = _CODES.get(f.name)
        if codes and value is not None and value not in codes and not (f.name == "grade" and value == ""):
            raise ValueError(f"{type(row).__name__}.{f.name}: {value!r}")
