"""Export: write labelled reports as CSV tables and one JSON document per report.

Every row carries ``char_start``/``char_end`` into the decoded source text, so that
``source[char_start:char_end] == text``. The tables and their columns are those of the
registry (``pipeline.tables``); the database, workbook and data package made from the
same tables are written with them (``pipeline.publish``). Outputs are written to a
temporary folder and swapped in whole, so a failed or killed run leaves the previous
outputs intact.
"""
from __future__ import annotations

import bisect
import hashlib
import json
import os
import re
import shutil
import tempfile
from dataclasses import asdict, dataclass, fields, replace
from functools import lru_cache
from pathlib import Path
from typing import Callable, Iterable

import numpy as np
import pandas as pd

from . import tables as registry
from .atomic import STAGING_MARK, recover, swap
from .model import LabelledReport, PipelineError

REPORT_COLUMNS = registry.REPORTS.names

#: The file names of a report's row tables (the registry's), each with the attribute of
#: Report or LabelledReport holding its rows.
TABLES = {f"{name}.csv": attribute for name, attribute in registry.ROW_TABLES.items()}

# Columns renamed for users: a question's own number is its question_number.
_RENAME = {"number": "question_number"}


def report_row(labelled: LabelledReport) -> dict:
    report = labelled.report
    row = {name: getattr(report, name, None) for name in REPORT_COLUMNS}
    row["source_file"] = report.source.source_file
    row["source_sha256"] = report.source.sha256
    row["page"] = report.source.page_of(0)  # PDFs: the first page with report text
    row["pages"] = report.source.page_count
    row["source_url"] = getattr(report.source, "source_url", None)  # fetched files only
    row["retrieved_at"] = getattr(report.source, "retrieved_at", None)
    return row


def question_keys(report) -> Callable[..., str | None]:
    """The question_key of the question a row sits under, from the question's number and wording as
    structure gave the row (the same strings as the question's): the last question of
    that name starting before the row, else the first. None outside any question."""
    starts: dict[tuple, list[tuple[int, str]]] = {}
    for question in report.questions:
        starts.setdefault((question.number, question.question), []).append((question.char_start, question.key))
    numbered: dict[int, list[str]] = {}
    for question in report.questions:
        if question.number is not None:
            numbered.setdefault(question.number, []).append(question.key)

    def key(number: int | None, wording: str | None, at: int, by_number: bool = False) -> str | None:
        same = starts.get((number, wording))
        if not same:
            # A grade of a question knows its number; one question of that number is the one.
            only = numbered.get(number) if by_number else None
            return only[0] if only and len(only) == 1 else None
        index = max(bisect.bisect_right([s for s, _ in same], at) - 1, 0)
        return same[index][1]

    def qualified(*args, **kwargs) -> str | None:
        found = key(*args, **kwargs)
        return f"{report.report_id}/{found}" if found else None
    return qualified


@lru_cache(maxsize=None)
def _field_names(cls: type) -> tuple[str, ...]:
    return tuple(f.name for f in fields(cls))


def _values(labelled: LabelledReport, table: str) -> list[dict]:
    """The rows of one of a report's tables, each with every attribute and what export adds."""
    report = labelled.report
    owner = labelled if table == "sentences" else report
    key_of = question_keys(report)
    # A sentence sits in a prose block, which knows the wording of its question.
    blocks = sorted(report.blocks, key=lambda b: b.char_start) if table == "sentences" else []
    block_starts = [b.char_start for b in blocks]
    rows = []
    for item in getattr(owner, registry.ROW_TABLES[table]):
        row = {"report_id": report.report_id}
        # The row's fields as they are (all plain values): asdict would deep-copy each.
        row.update({_RENAME.get(name, name): getattr(item, name) for name in _field_names(type(item))})
        row["page"] = report.source.page_of(item.char_start)
        if table == "questions":
            row["question_key"] = f"{report.report_id}/{item.key}"
        elif table == "grades":
            row["question_key"] = key_of(item.question_number, item.subject, item.char_start, by_number=True) \
                if item.scope in ("question", "area", "aspect") else None
        elif table == "sentences":
            index = bisect.bisect_right(block_starts, item.char_start) - 1
            block = blocks[index] if index >= 0 and item.char_start < blocks[index].char_end else None
            same = block is not None and block.question_number == item.question_number
            row["question_key"] = key_of(item.question_number, block.question if same else None, item.char_start,
                                         by_number=not same)
        else:
            row["question_key"] = key_of(item.question_number, item.question, item.char_start)
        rows.append(row)
    return rows


def _rows(labelled: LabelledReport, table: str) -> list[dict]:
    """One of a report's tables as rows of its registry columns."""
    names = registry.TABLES[table].names
    return [{name: _null(row.get(name)) for name in names} for row in _values(labelled, table)]


def _null(value):
    """Empty means null, in every output: an empty text is None."""
    return None if value == "" else value


def typed(value, column: registry.Column):
    """One cell's value as every output holds it: None for empty, integers as int,
    booleans as bool, numbers to four places (as numpy rounds), text as it is."""
    value = _null(value)
    if value is None or value is pd.NA or (isinstance(value, float) and value != value):
        return None
    if column.type == "integer":
        return int(value)
    if column.type == "boolean":
        return bool(value)
    if column.type == "number":
        return float(np.round(np.float64(value), 4))
    return value


def records(table: str, rows: list[dict]) -> list[tuple]:
    """Rows as tuples of the registry's columns, in order, each value ``typed``."""
    columns = registry.TABLES[table].columns
    return [tuple(typed(row.get(c.name), c) for c in columns) for row in rows]


def frame(table: str, rows: list[dict]) -> pd.DataFrame:
    """Rows as a table of the registry's columns and types: integers stay integers
    where a cell is empty, booleans booleans, confidences to four places."""
    spec = registry.TABLES[table]
    out = pd.DataFrame(records(table, rows), columns=spec.names, dtype=object)
    for column in spec.columns:
        values = out[column.name]
        if column.type == "integer":
            out[column.name] = values.astype("Int64")
        elif column.type == "boolean":
            out[column.name] = values.astype("boolean")
        elif column.type == "number":
            out[column.name] = values.astype(float)
    return out


def tables(reports: list[LabelledReport], resolved: bool = False) -> dict[str, pd.DataFrame]:
    """The reports' own CSV tables, keyed by file name, in the registry's order (with
    ``resolved``, the grades that stand too: grades_by_force.csv)."""
    out = {"reports.csv": frame("reports", [report_row(r) for r in reports])}
    for table in registry.ROW_TABLES:
        out[f"{table}.csv"] = frame(table, [row for r in reports for row in _rows(r, table)])
    if resolved:
        from .resolve import grades_by_force

        out["grades_by_force.csv"] = frame("grades_by_force", grades_by_force(reports))
    return out


def document(labelled: LabelledReport, values: dict[str, list[dict]] | None = None) -> dict:
    """One report as a nested document: questions (and areas) hold their items.

    Each item appears once: under the question (same number and wording) it follows
    in the text, so a text that repeats its questions does not repeat its items.
    ``values``: the report's rows (``_values`` of each table), when already made.
    """
    report = labelled.report
    values = values if values is not None else {t: _values(labelled, t) for t in registry.ROW_TABLES}

    def rows(table: str) -> list[dict]:
        # The registry's columns, without the report_id the document is of.
        names = [n for n in registry.TABLES[table].names if n != "report_id"]
        return [{registry.JSON_NAMES.get((table, n), n): _null(row.get(n)) for n in names}
                for row in values[table]]

    report_doc = report_row(labelled)
    doc = {"report": {name: _null(report_doc.get(name)) for name in REPORT_COLUMNS}, "grades": rows("grades"),
           "questions": []}
    item_lists = ("areas_for_improvement", "causes_of_concern", "recommendations")
    entries, starts = {}, {}  # (number, wording) -> the questions of that name, and where they start
    for question, question_row in zip(report.questions, rows("questions")):
        entry = {**question_row, **{name: [] for name in item_lists}}
        doc["questions"].append(entry)
        entries.setdefault((question.number, question.question), []).append(entry)
        starts.setdefault((question.number, question.question), []).append(question.char_start)
    for name in item_lists:
        doc[name] = []  # items outside any question (summaries, prose causes of concern) stay at the top
        for item, item_row in zip(getattr(report, name), rows(name)):
            same = entries.get((item.question_number, item.question))
            if not same:
                doc[name].append(item_row)
                continue
            # The last question of that name starting before the item, else the first.
            index = max(bisect.bisect_right(starts[(item.question_number, item.question)], item.char_start) - 1, 0)
            same[index][name].append(item_row)
    doc["sentences"] = rows("sentences")
    return doc


# A cell, or a line within one, starting with one of these (after any spaces) runs as
# a formula when a spreadsheet opens the CSV, or a tool that splits on line ends reads it.
_LINE_BREAKS = r"\r\n\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"
_FORMULA_LINE = re.compile(rf"(?:^|(?<=[{_LINE_BREAKS}]))(?=[ \t]*[=+\-@]|[\t\r])")
_LINE_BREAK = re.compile(f"[{_LINE_BREAKS}]")
_FORMULA_START = re.compile(r"[ \t]*[=+\-@]|\t")  # at a cell's start, in a cell of one line


def _defuse(value):
    """Spreadsheet safety: text whose cell or any line of it would start a formula gets an apostrophe.

    The JSON documents keep the exact text.
    """
    if isinstance(value, str):
        if _LINE_BREAK.search(value) is None:  # one line (most cells): only its start can start a formula
            return "'" + value if _FORMULA_START.match(value) else value
        return _FORMULA_LINE.sub("'", value)
    return value


def _cell(value) -> str:
    """One CSV field: empty for null; booleans ``true``/``false``; quoted when it holds a
    comma, quote or any line end (CR too)."""
    if type(value) is not str:  # text (most cells) as it is
        if value is None or value is pd.NA or (isinstance(value, float) and value != value):
            return ""
        if isinstance(value, (bool, np.bool_)):
            return "true" if value else "false"
        value = str(value)
    if "," in value or '"' in value or "\r" in value or "\n" in value:
        return '"' + value.replace('"', '""') + '"'
    return value


def csv_lines(rows, guard: bool = True) -> str:
    """Rows (sequences of cell values) as CSV lines, each ending in a line feed."""
    return "".join(",".join(_cell(_defuse(v) if guard else v) for v in values) + "\n" for values in rows)


def csv_text(frame: pd.DataFrame, guard: bool = True) -> str:
    """``frame`` as CSV text, one row per line.

    Written here rather than by ``DataFrame.to_csv``: the csv module leaves a field
    holding a bare carriage return unquoted, which splits the row in every reader.
    """
    header = ",".join(_cell(c) for c in frame.columns) + "\n"
    return header + csv_lines(zip(*[frame[c].tolist() for c in frame.columns]), guard)


def _encoded(text: str) -> bytes:
    # backslashreplace: a file name that is not valid UTF-8 still writes, visibly.
    return text.encode("utf-8", errors="backslashreplace")


CHANGE_COLUMNS = registry.CHANGES.names


def changes_csv(previous: Path, changes: list, stamp: str) -> bytes:
    """The change log: the previous log with this run's changes appended."""
    rows = [{"run_time": stamp, **asdict(change)} for change in changes]
    new = csv_text(pd.DataFrame(rows, columns=CHANGE_COLUMNS)).split("\n", 1)[1]  # rows without the header
    old = ",".join(CHANGE_COLUMNS) + "\n"
    if previous.is_file():
        data = previous.read_bytes()
        try:
            old = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            old = data.decode("cp1252", errors="replace")  # re-saved by a spreadsheet
        if not old.endswith("\n"):
            old += "\n"
    return ("\ufeff" + old + new).encode("utf-8", errors="backslashreplace")


def unmatched_csv(corrections: list) -> bytes:
    """Corrections that no longer match any row, for the reviewer to update."""
    from .review import CORRECTION_COLUMNS

    rows = [{"line": c.line, **{k: getattr(c, k) for k in CORRECTION_COLUMNS}} for c in corrections]
    return ("\ufeff" + csv_text(frame("unmatched_corrections", rows))).encode("utf-8", errors="backslashreplace")


@dataclass
class Parts:
    """One report's share of every output, made once, where the report was processed
    (a worker): the outputs are then assembled from these by concatenation."""

    report_id: str
    records: dict[str, list[tuple]]  # table name -> its rows, typed (``records``); "reports" too
    csv: dict[str, bytes]  # table name -> those rows as CSV lines, encoded
    document: bytes  # json/<report_id>.json
    text: bytes | None  # text/<report_id>.txt: the text the offsets index, where it is not the file's
    page: bytes  # review/<report_id>.html
    index_row: str  # its row of review/index.html


def indented_json(value, indent: str = "\n") -> str:
    """``json.dumps(value, ensure_ascii=False, indent=1)`` for a document of plain
    values (dicts with text keys, lists, text, numbers, booleans, None), made without
    the standard library's Python encoder, which any ``indent`` takes and which costs
    more than all the rest of a report's JSON document."""
    scalar = _SCALARS.get(type(value))
    if scalar is not None:
        return scalar(value)
    inner = indent + " "
    if isinstance(value, dict):
        if not value:
            return "{}"
        return "{" + inner + ("," + inner).join(
            [_text(key) + ": " + (scalar(item) if (scalar := _SCALARS.get(type(item))) else indented_json(item, inner))
             for key, item in value.items()]) + indent + "}"
    if isinstance(value, (list, tuple)):
        if not value:
            return "[]"
        return "[" + inner + ("," + inner).join([indented_json(item, inner) for item in value]) + indent + "]"
    return json.dumps(value, ensure_ascii=False)  # another kind of number or text


def _number(value: float) -> str:
    return float.__repr__(value) if value == value and value not in (_INFINITY, -_INFINITY) \
        else json.dumps(value)  # NaN, Infinity, as json.dumps writes them


_INFINITY = float("inf")
_text = json.encoder.encode_basestring  # as json.dumps(ensure_ascii=False) writes text
_SCALARS = {str: _text, type(None): lambda _: "null", bool: lambda value: "true" if value else "false",
            int: int.__repr__, float: _number}


#: What a report's parts may hold where its id goes, until it is put in (``with_id``):
#: a private-use character, so that a report whose id the run only gives at the end
#: (two files of one report) is not made again (``finish``).
ID_MARK = "\ue000"
_ID_MARK_BYTES = ID_MARK.encode("utf-8")


def with_id(made: Parts, report_id: str) -> Parts:
    """``made`` (parts made with ``ID_MARK`` for the id) with ``report_id`` put in."""
    def cell(value):
        return value.replace(ID_MARK, report_id) if type(value) is str and ID_MARK in value else value

    encoded = report_id.encode("utf-8")
    return Parts(report_id, {table: [tuple(map(cell, row)) for row in rows] for table, rows in made.records.items()},
                 {table: data.replace(_ID_MARK_BYTES, encoded) for table, data in made.csv.items()},
                 made.document.replace(_ID_MARK_BYTES, encoded), made.text,
                 made.page.replace(_ID_MARK_BYTES, encoded), made.index_row.replace(ID_MARK, report_id))


def document_with_id(doc, report_id: str):
    """A JSON document (``document``) made with ``ID_MARK`` for the id, with ``report_id`` put in."""
    if isinstance(doc, str):
        return doc.replace(ID_MARK, report_id) if ID_MARK in doc else doc
    if isinstance(doc, dict):
        return {key: document_with_id(value, report_id) for key, value in doc.items()}
    if isinstance(doc, list):
        return [document_with_id(value, report_id) for value in doc]
    return doc


#: The tables a report's parts hold rows of, in the order the outputs hold them.
PART_TABLES = ("reports", *registry.ROW_TABLES)


def _csv_header(table: str) -> bytes:
    # UTF-8 with a BOM, so spreadsheets show curly quotes and accents correctly.
    return _encoded("\ufeff" + ",".join(registry.TABLES[table].names) + "\n")


def parts(labelled: LabelledReport) -> tuple[Parts, dict]:
    """``labelled``'s share of every output, and its JSON document (to compare with the last run's)."""
    from . import review_page

    values = {table: _values(labelled, table) for table in registry.ROW_TABLES}
    rows = {"reports": records("reports", [report_row(labelled)]),
            **{table: records(table, values[table]) for table in registry.ROW_TABLES}}
    doc = document(labelled, values)
    source = labelled.report.source
    # A PDF's offsets index the text rebuilt from it, a repaired text's the repaired text:
    # keep that text to check them against.
    kept = source.page_starts is not None or source.encoding not in ("utf-8", "cp1252")
    made = Parts(labelled.report.report_id, rows, {table: _encoded(csv_lines(r)) for table, r in rows.items()},
                 _encoded(indented_json(doc) + "\n"),
                 source.text.encode("utf-8") if kept else None,
                 _encoded(review_page.report_page(labelled)), review_page.index_row(labelled))
    return made, doc


def slim(labelled: LabelledReport) -> LabelledReport:
    """``labelled`` without its text, lines, blocks, sentences and items, and its grades
    without their words: what a run keeps of each report once its parts are made (its
    metadata and what its grades judge, for the grades by force and the heatmap), so
    that memory does not grow with the reports' text."""
    report = labelled.report
    source = replace(report.source, text="", lines=[], page_starts=None)
    return LabelledReport(replace(report, source=source, questions=[], areas_for_improvement=[],
                                  causes_of_concern=[], recommendations=[], blocks=[],
                                  grades=[replace(grade, text="") for grade in report.grades]), [])


def write(reports: list[LabelledReport], out: Path, extra: dict[str, bytes] | None = None,
          manifest=None) -> None:
    """Write all tables and JSON documents for ``reports`` into ``out``, atomically.

    ``extra`` names further files (the change log) written with them; ``manifest`` is
    (name, function of the written files' digests) for a file describing the run.
    """
    from .review import assign_keys

    for labelled in reports:  # a run's reports have their keys; a report processed alone gets them here
        if not all(row.key for row in [*labelled.sentences, *labelled.report.grades, *labelled.report.questions]):
            assign_keys(labelled)
    assemble((parts(r)[0] for r in reports), [slim(r) for r in reports], out, extra, manifest)


def assemble(made: Iterable[Parts], reports: list[LabelledReport], out: Path, extra: dict[str, bytes] | None = None,
             manifest=None, review: bool = False, workbook: Callable[[Path], object] | None = None,
             drawing: Callable[[list, list], object] | None = None) -> None:
    """Write the outputs of the reports whose parts ``made`` yields (in the tables' order)
    into ``out``, atomically; ``reports``: the same reports, ``slim`` or whole.

    Each report's parts are written as they come and then let go: CSV rows appended,
    database rows inserted, its JSON document, text and review page written. With
    ``review``, the review index (and, for more than one force, the grade heatmap) too.
    ``workbook``: a function that starts writing peel.xlsx elsewhere (another process),
    given its path and the grades-by-force rows, returning something with ``result()``
    (``write_workbook``'s); else it is written here. ``drawing``: the same for the grade
    heatmap (``heatmap.draw``'s arguments).
    """
    from . import publish, review_page

    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    recover(out)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.new-", dir=out.parent))
    os.chmod(staging, 0o755)  # mkdtemp makes it private; outputs are for sharing
    (staging / STAGING_MARK).write_bytes(b"")  # so an interrupted run's folder is known as ours
    database = None
    try:
        from .resolve import grades_by_force

        by_force = grades_by_force(reports)
        standing = records("grades_by_force", by_force)
        pending = workbook(staging / publish.WORKBOOK, standing) if workbook is not None else None
        if review:
            from . import heatmap

            names = heatmap.forces(reports)
            drawn = drawing(by_force, names) if drawing is not None else None
        sheets = publish.Workbook(staging / publish.WORKBOOK) if workbook is None else None
        database = publish.Database(staging / publish.DATABASE)
        csvs = {name: open(staging / f"{name}.csv", "wb") for name in PART_TABLES}
        for name, handle in csvs.items():
            handle.write(_csv_header(name))
        (staging / "json").mkdir()
        if review:
            (staging / review_page.FOLDER).mkdir()
        index_rows = []
        for part in made:
            for name in PART_TABLES:
                csvs[name].write(part.csv[name])
                database.add(name, part.records[name])
                if sheets is not None:
                    sheets.add(name, part.records[name])
            (staging / "json" / f"{part.report_id}.json").write_bytes(part.document)
            if part.text is not None:
                (staging / "text").mkdir(exist_ok=True)
                (staging / "text" / f"{part.report_id}.txt").write_bytes(part.text)
            if review:
                (staging / review_page.page_name(part.report_id)).write_bytes(part.page)
                index_rows.append((part.report_id, part.index_row))
        for handle in csvs.values():
            handle.close()
        (staging / "grades_by_force.csv").write_bytes(_csv_header("grades_by_force") + _encoded(csv_lines(standing)))
        database.add("grades_by_force", standing)
        database.close()
        database = None
        if sheets is not None:
            sheets.add("grades_by_force", standing)
            sheets.close()
        files = dict(extra or {})
        if review:
            pictures = drawn.result() if drawn is not None else heatmap.draw(by_force, names)
            files.update(pictures)
            files.update(review_page.index_files([row for _, row in sorted(index_rows)],
                                                 heatmap.SVG if pictures else None))
        for name, data in files.items():
            (staging / name).parent.mkdir(exist_ok=True)  # review/ pages
            (staging / name).write_bytes(data)
        # The data package describes every CSV file written.
        publish.write_descriptions(staging, sorted(p.name for p in staging.glob("*.csv")))
        if pending is not None:
            pending.result()
        if manifest is not None:
            name, make = manifest
            digests = {str(p.relative_to(staging)): _file_sha256(p)
                       for p in sorted(staging.rglob("*")) if p.is_file() and p.name != STAGING_MARK}
            (staging / name).write_bytes(make(digests))
        try:
            swap(staging, out)
        except OSError as exc:  # busy, immutable, on another file system: say so in one line
            raise PipelineError(f"--out {out}: cannot be replaced ({exc.strerror}); the previous outputs are kept") from None
    except BaseException:
        if database is not None:
            database.abandon()
        shutil.rmtree(staging, ignore_errors=True)
        raise


def spooled_parts(path: str, report_id: str | None = None) -> Parts:
    """The parts pickled in the file ``path``, with ``report_id`` put in (``with_id``) if given."""
    import pickle

    with open(path, "rb") as stream:
        made = pickle.load(stream)
    return with_id(made, report_id) if report_id else made


def write_workbook(path: str, spooled: list[tuple[str, str | None]], standing: list[tuple]) -> None:
    """peel.xlsx at ``path`` from the reports' parts spooled in files (``spooled``: each
    file and the id to put in, as ``spooled_parts`` takes them; in the tables' order)
    and the grades-by-force rows ``standing``: the workbook ``assemble`` writes, written
    in a process of its own."""
    from . import publish

    sheets = publish.Workbook(Path(path))
    for name, report_id in spooled:
        part = spooled_parts(name, report_id)
        for table in PART_TABLES:
            sheets.add(table, part.records[table])
    sheets.add("grades_by_force", standing)
    sheets.close()


def _file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as stream:
        for chunk in iter(lambda: stream.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()
