"""The tables of ``processed/``: every table and column, in one place.

Each table names its columns in order, with a type, what an empty cell means, a
description, the codes a column may hold, and the table's primary and foreign keys.
The CSV files, the JSON documents, the SQLite schema, the data package, the JSON
Schema, the datasette metadata and the README's column tables are all made from this
registry, so they cannot disagree (``tests/test_tables.py`` checks the README).

Types are those of Frictionless Table Schema: ``string``, ``integer``, ``number``,
``boolean`` (written ``true``/``false``), ``date`` (YYYY-MM-DD), ``datetime``. An empty
cell is null everywhere; ``null`` says what it means, and a column without it is
never empty.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from .model import GRADES, LABELS, SECTIONS
from .wordings import PILLARS

#: Where a grade sits (grades.csv ``scope``).
SCOPES = ("overall", "pillar", "question", "area", "aspect")
#: Kinds of page (reports.csv ``page_type``).
PAGE_TYPES = ("pillar", "overview", "report", "letter", "tracker")
#: How a sentence's label was decided (sentences.csv ``method``).
METHODS = ("section", "rule", "model", "default", "reviewer")
#: To whom an earlier inspection made a recommendation.
MADE_TO = ("this force", "all forces")
#: The grade levels of grades_by_force.csv.
LEVELS = ("pillar", "question", "area")


@dataclass(frozen=True)
class Column:
    name: str
    type: str  # a Table Schema type
    description: str
    null: str | None = None  # what an empty cell means; None: never empty
    enum: tuple[str, ...] | None = None


@dataclass(frozen=True)
class ForeignKey:
    fields: tuple[str, ...]
    table: str
    reference: tuple[str, ...]
    # Table Schema checks a key of several fields only where none is empty: one whose
    # fields may be empty one by one is declared in the database alone.
    package: bool = True


@dataclass(frozen=True)
class Table:
    name: str
    title: str
    description: str
    columns: tuple[Column, ...]
    primary_key: tuple[str, ...]
    foreign_keys: tuple[ForeignKey, ...] = ()
    unique: tuple[tuple[str, ...], ...] = ()  # further keys other tables refer to
    search: tuple[str, ...] = ()  # columns full-text searched in the database
    data: bool = True  # a table of the reports (database, workbook); False for the run's logs

    @property
    def file(self) -> str:
        return f"{self.name}.csv"

    @property
    def names(self) -> list[str]:
        return [c.name for c in self.columns]

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)


def _c(name, type_, description, null=None, enum=None) -> Column:
    return Column(name, type_, description, null, tuple(enum) if enum else None)


_REPORT = ForeignKey(("report_id",), "reports", ("report_id",))
_QUESTION = ForeignKey(("question_key",), "questions", ("question_key",))

REPORT_ID = _c("report_id", "string", "the report the row is from (reports.csv)")
QUESTION_NUMBER = _c("question_number", "integer", "the question's number where the page numbers it",
                     "not numbered, or outside any question")
QUESTION_OF_ITEM = _c("question", "string", "the question or, in 2021+ reports, the area of policing it "
                      "sits under, in the report's words", "outside any question (a summary, prose)")
QUESTION_KEY = _c("question_key", "string", "its question's `question_key` in questions.csv (`report_id/key`"
                  " of the question's row): join on it, never on the wording", "outside any question")
TEXT = _c("text", "string", "the exact words of the source")
CHAR_START = _c("char_start", "integer", "where `text` starts in the report's decoded text")
CHAR_END = _c("char_end", "integer", "where it ends: `source[char_start:char_end] == text`")
TRUNCATED = _c("truncated", "boolean", "true when the source text stops inside it")
KEY = _c("key", "string", "stable key of the row within its report, from what it says (corrections.csv "
         "matches on it)")
CORRECTED = _c("corrected", "string", "the fields a reviewer corrected (corrections.csv), comma-separated",
               "not corrected")
PAGE = _c("page", "integer", "PDFs: the page it starts on", "a text file")


def _item(name: str, singular: str, title: str, description: str, before=(), after=(), foreign=(),
          search=("text",)) -> Table:
    """An item table: ``before`` columns come after the question, ``after`` after ``truncated``."""
    id_column = f"{singular}_id"
    columns = (REPORT_ID, _c(id_column, "string", f"the {singular.replace('_', ' ')}'s id, numbered in reading "
                             "order within the report"), QUESTION_NUMBER, QUESTION_OF_ITEM, QUESTION_KEY,
               *before, TEXT, CHAR_START, CHAR_END, TRUNCATED, *after, KEY, CORRECTED, PAGE)
    return Table(name, title, description, columns, ("report_id", "key"), (_REPORT, _QUESTION, *foreign),
                 unique=(("report_id", id_column),), search=search)


REPORTS = Table(
    "reports", "Reports", "One row per report (a page or PDF of the inspectorate's).",
    (
        _c("report_id", "string", "stable id of the report: force-year-pillar, force-year-overview, "
           "force-year-report"),
        _c("page_type", "string", "`pillar` (one pillar's page), `overview` (a force's year), `report` "
           "(2021+ report), `letter` (a cause-of-concern or revisit letter) or `tracker` (a recommendations "
           "tracker)", enum=PAGE_TYPES),
        _c("force", "string", "force name as the report writes it (\"Cambridgeshire Constabulary\")"),
        _c("force_short", "string", "short force name (\"Cambridgeshire\")"),
        _c("peel_year", "string", "PEEL year as the inspectorate names it: \"2014\" ... \"2017\", \"2018/19\", "
           "\"2021/22\", \"2023-25\"", "not stated"),
        _c("pillar", "string", "the pillar of a pillar page", "not a pillar page", PILLARS),
        _c("title", "string", "the page title (\"Cambridgeshire PEEL 2015\")", "no title"),
        _c("headline_question", "string", "the pillar's question (\"How effective is the force at keeping "
           "people safe and reducing crime?\")", "not stated"),
        _c("last_updated", "date", "the (first) \"Last updated\" date", "not stated, or not a real date "
           "(31/02/2016)"),
        _c("overall_grade", "string", "the pillar's overall grade (pillar pages)", "not stated", GRADES),
        _c("source_file", "string", "input file name"),
        _c("source_sha256", "string", "SHA-256 of the input file's bytes"),
        _c("source_url", "string", "the address the input file was fetched from (`peel-pipeline fetch`; "
           "its folder's sources.csv)", "not fetched, or its bytes changed since"),
        _c("retrieved_at", "string", "when it was fetched from there: UTC, ISO 8601 to the second "
           "(2026-12-02T14:04:07Z)", "not fetched, or its bytes changed since"),
        _c("page", "integer", "PDFs: the first page with report text", "a text file"),
        _c("pages", "integer", "PDFs: the number of pages", "a text file"),
        _c("corrected", "string", "the report fields a reviewer corrected, comma-separated", "not corrected"),
    ),
    ("report_id",), search=(),
)

QUESTIONS = Table(
    "questions", "Questions", "One row per question (or area of policing) a page asks.",
    (REPORT_ID, QUESTION_NUMBER,
     _c("question", "string", "the question's text, exactly as the source has it"),
     _c("question_key", "string", "the question's key across all reports, `report_id/key`: items, sentences "
        "and grades under it carry it"),
     _c("grade", "string", "the question's grade", "not graded, or the grade is not stated", GRADES),
     _c("char_start", "integer", "where the question's text starts"),
     _c("char_end", "integer", "where it ends: `source[char_start:char_end] == question`"),
     KEY, CORRECTED, PAGE),
    ("report_id", "key"), (_REPORT,), unique=(("question_key",),),
)

GRADES_TABLE = Table(
    "grades", "Grades", "Every graded judgment, one row each (long format, for pivoting).",
    (REPORT_ID,
     _c("scope", "string", "`overall` (a pillar page's grade), `pillar` (an overview page's judgment of a "
        "pillar), `question`, `area` (2021+ areas of policing), or `aspect` (a judgment of part of a question, "
        "never a question's grade)", enum=SCOPES),
     _c("subject", "string", "what is graded, in the report's words: the question, the pillar's name, or the "
        "phrase a prose judgment grades",
        "an overall grade of a page that names neither its headline question nor its pillar"),
     QUESTION_NUMBER,
     _c("question_key", "string", "the `question_key` of the question it grades in questions.csv (question, "
        "area and aspect rows)", "not a question's grade, or the page does not ask the question"),
     _c("grade", "string", "grade code", enum=GRADES),
     _c("text", "string", "the words stating the grade: a grade line (\"Requires improvement\") or the sentence",
        "a reviewer's overall grade the text does not state"),
     _c("char_start", "integer", "where `text` starts"),
     _c("char_end", "integer", "where it ends: `source[char_start:char_end] == text`"),
     _c("previous_grade", "string", "an earlier grade the text compares with", "no comparison", GRADES),
     _c("previous_year", "string", "the year of that earlier grade", "no comparison"),
     _c("framework_question", "string", "the PEEL framework question or area judged, the same id in every "
        "year that asks it (pipeline/data/peel_framework.csv); the pillar's name for pillar and overall rows",
        "no framework question is close enough (never a guess)"),
     KEY, CORRECTED, PAGE),
    ("report_id", "key"), (_REPORT, _QUESTION),
)

AREAS_FOR_IMPROVEMENT = _item(
    "areas_for_improvement", "area_for_improvement", "Areas for improvement",
    "One row per area for improvement: an item of an \"Areas for improvement\" list.")

CAUSES_OF_CONCERN = _item(
    "causes_of_concern", "cause_of_concern", "Causes of concern",
    "One row per cause of concern: the paragraph that states it, or a sentence saying something \"is a cause "
    "of concern\".")

RECOMMENDATIONS = _item(
    "recommendations", "recommendation", "Recommendations",
    "One row per recommendation, with the cause of concern it addresses and the sentence introducing it.",
    before=(
        _c("cause_of_concern_id", "string", "the cause of concern it addresses: the latest before it in the "
           "same question", "addresses none"),
        _c("lead_in", "string", "the sentence that introduces the list", "no lead-in"),
        _c("lead_in_char_start", "integer", "where the lead-in starts", "no lead-in"),
        _c("lead_in_char_end", "integer", "where it ends", "no lead-in"),
    ),
    after=(
        _c("year_made", "string", "a recommendation an earlier inspection made: the year it was made",
           "the report's own recommendation"),
        _c("made_to", "string", "and to whom", "the report's own recommendation", MADE_TO),
    ),
    foreign=(ForeignKey(("report_id", "cause_of_concern_id"), "causes_of_concern",
                        ("report_id", "cause_of_concern_id"), package=False),),
    search=("text", "lead_in"),
)

SENTENCES = Table(
    "sentences", "Sentences", "Every prose sentence and list item, labelled.",
    (REPORT_ID,
     _c("sentence_id", "string", "the sentence's id, numbered in reading order within the report"),
     _c("question_number", "integer", "the number of the question it sits under", "not numbered, or the "
        "summary at the top"),
     QUESTION_KEY,
     _c("section", "string", "where it sits; `about_inspection` is what a report says of the inspection "
        "itself (\"Important changes to PEEL\", \"Terminology in this report\"), not of the force: its "
        "sentences are `finding`", enum=SECTIONS),
     _c("label", "string", "what it says (LABELS.md)", enum=LABELS),
     _c("confidence", "number", "0-1: the classifier's probability for the label (method `model`), or the "
        "fixed confidence of the section (0.95) or cue rule (0.8-0.9)"),
     _c("method", "string", "`section` (the section implies the label), `rule` (a cue phrase decided), "
        "`model` (the trained classifier decided), `default` (rules-only mode), `reviewer` (corrected)",
        enum=METHODS),
     TEXT, CHAR_START, CHAR_END,
     _c("truncated", "boolean", "true for a sentence cut off where the source text stops"),
     KEY, CORRECTED, PAGE),
    ("report_id", "key"), (_REPORT, _QUESTION), unique=(("report_id", "sentence_id"),), search=("text",),
)

GRADES_BY_FORCE = Table(
    "grades_by_force", "Grades by force",
    "The grade that stands, one row per force, PEEL year, pillar and question or area (see pipeline/resolve.py).",
    (_c("force_short", "string", "short force name"),
     _c("force", "string", "force name, as the standing grade's report writes it"),
     _c("peel_year", "string", "PEEL year", "not stated"),
     _c("pillar", "string", "the pillar", "2021+ areas of policing", PILLARS),
     _c("level", "string", "`pillar` (the pillar's own grade), `question` or `area`", enum=LEVELS),
     _c("framework_question", "string", "the PEEL framework question, area or pillar graded",
        "not matched to the framework: `question_number` and `subject` say which"),
     QUESTION_NUMBER,
     _c("subject", "string", "what is graded, in the standing report's words"),
     _c("grade", "string", "the grade that stands", enum=GRADES),
     _c("report_id", "string", "the report whose grade stands"),
     _c("key", "string", "the standing grade's row in grades.csv (with report_id)"),
     _c("report_ids", "string", "every report stating a grade for it, comma-separated, the standing one first"),
     _c("grades", "string", "the grades those reports state, in the same order, comma-separated")),
    ("report_id", "key"),  # a grade row stands for one cell at most
    (_REPORT, ForeignKey(("report_id", "key"), "grades", ("report_id", "key"))),
    search=(),
)

CHANGES = Table(
    "changes", "Changes", "What each run changed, appended run by run.",
    (_c("run_time", "datetime", "when the run was (UTC)"),
     _c("report_id", "string", "the report changed"),
     _c("table", "string", "the table of the row changed"),
     _c("key", "string", "the row's key (a report's key is its report_id)"),
     _c("change", "string", "what happened: `report added`, `report removed`, `added`, `removed`, `edited`, "
        "`grade changed`, `label changed`, `overall_grade changed`, `grade corrected`, `correction unmatched` ..."),
     _c("field", "string", "the field changed", "the whole row or report"),
     _c("old", "string", "the value before", "none"),
     _c("new", "string", "the value after", "none")),
    (), data=False,
)

UNMATCHED_CORRECTIONS = Table(
    "unmatched_corrections", "Unmatched corrections",
    "Corrections of corrections.csv that no longer match any row, to update.",
    (_c("line", "integer", "the correction's line in corrections.csv"),
     _c("report_id", "string", "as in corrections.csv", "not given"),
     _c("table", "string", "as in corrections.csv", "not given"),
     _c("key", "string", "as in corrections.csv", "not given"),
     _c("field", "string", "as in corrections.csv", "not given"),
     _c("value", "string", "as in corrections.csv", "not given"),
     _c("reviewer", "string", "as in corrections.csv", "not given"),
     _c("reason", "string", "as in corrections.csv", "not given")),
    (), data=False,
)

#: Every table, in the order they are written and documented.
TABLES: dict[str, Table] = {t.name: t for t in (
    REPORTS, QUESTIONS, GRADES_TABLE, AREAS_FOR_IMPROVEMENT, CAUSES_OF_CONCERN, RECOMMENDATIONS, SENTENCES,
    GRADES_BY_FORCE, CHANGES, UNMATCHED_CORRECTIONS)}

#: The tables of a report's rows, by the attribute of Report or LabelledReport holding them.
ROW_TABLES = {
    "questions": "questions",
    "grades": "grades",
    "areas_for_improvement": "areas_for_improvement",
    "causes_of_concern": "causes_of_concern",
    "recommendations": "recommendations",
    "sentences": "sentences",
}

#: The JSON document's own name for a column, where it differs (a question's number).
JSON_NAMES = {("questions", "question_number"): "number"}


def data_tables() -> list[Table]:
    """The tables of the reports' contents, in order (what the database and workbook hold)."""
    return [t for t in TABLES.values() if t.data]


# The README's column tables are made from the registry: between these marks.
README_START = "<!-- columns of {name}: made from pipeline/tables.py; `python -m pipeline.tables README.md` -->"
README_END = "<!-- end of columns of {name} -->"


def markdown(table: Table) -> str:
    """A table's columns as the README shows them."""
    lines = ["| column | type | meaning | empty means |", "|---|---|---|---|"]
    for column in table.columns:
        meaning = column.description
        if column.enum:
            meaning += " (one of " + ", ".join(f"`{v}`" for v in column.enum) + ")"
        key = " (key)" if column.name in table.primary_key else ""
        lines.append(f"| {column.name}{key} | {column.type} | {meaning} | {column.null or 'never empty'} |")
    return "\n".join(lines)


def readme_with_tables(readme: str) -> str:
    """``readme`` with every marked column table made anew from the registry."""
    for table in TABLES.values():
        start, end = README_START.format(name=table.name), README_END.format(name=table.name)
        if start not in readme:
            continue
        head, rest = readme.split(start, 1)
        _, tail = rest.split(end, 1)
        readme = f"{head}{start}\n{markdown(table)}\n{end}{tail}"
    return readme


if __name__ == "__main__":  # python -m pipeline.tables README.md: rewrite its column tables
    import argparse
    from pathlib import Path

    parser = argparse.ArgumentParser(prog="python -m pipeline.tables", description=(
        "Rewrite the column tables of a Markdown file (between its '<!-- columns of TABLE ... -->' and "
        "'<!-- end of columns of TABLE -->' marks) from the registry in pipeline/tables.py."))
    parser.add_argument("files", nargs="+", type=Path, metavar="FILE", help="a Markdown file, e.g. README.md")
    for path in parser.parse_args().files:
        path.write_text(readme_with_tables(path.read_text("utf-8")), "utf-8")
