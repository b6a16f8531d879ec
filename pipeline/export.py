"""Export: write labelled reports as CSV tables and one JSON document per report.

Every row carries ``char_start``/``char_end`` into the decoded source text, so that
``source[char_start:char_end] == text``. Outputs are written to a temporary folder
and swapped in whole, so a failed or killed run leaves the previous outputs intact.
"""
from __future__ import annotations

import bisect
import hashlib
import json
import os
import re
import shutil
import tempfile
from dataclasses import asdict, fields
from pathlib import Path

import pandas as pd

from .atomic import STAGING_MARK, recover, swap
from .model import (
    AreaForImprovement,
    CauseOfConcern,
    Grade,
    LabelledReport,
    PipelineError,
    Question,
    Recommendation,
    Sentence,
)

REPORT_COLUMNS = [
    "report_id", "page_type", "force", "force_short", "peel_year", "pillar", "title",
    "headline_question", "last_updated", "overall_grade", "source_file", "source_sha256",
    "source_url", "retrieved_at", "page", "pages", "corrected",
]

#: table file name -> (row dataclass, attribute of Report or LabelledReport)
TABLES = {
    "questions.csv": (Question, "questions"),
    "grades.csv": (Grade, "grades"),
    "areas_for_improvement.csv": (AreaForImprovement, "areas_for_improvement"),
    "causes_of_concern.csv": (CauseOfConcern, "causes_of_concern"),
    "recommendations.csv": (Recommendation, "recommendations"),
    "sentences.csv": (Sentence, "sentences"),
}

# Columns renamed for users: a question's own number is its question_number.
_RENAME = {"number": "question_number"}
# Integer columns that may be empty: kept as integers, not floats, in the CSV.
_NULLABLE_INTS = {"question_number", "lead_in_char_start", "lead_in_char_end", "page", "pages"}


def report_row(labelled: LabelledReport) -> dict:
    report = labelled.report
    row = {name: getattr(report, name, None) for name in REPORT_COLUMNS}
    row["source_file"] = report.source.source_file
    row["source_sha256"] = report.source.sha256
    row["page"] = report.source.page_of(0)  # PDFs: the first page with report text
    row["pages"] = report.source.page_count
    row["source_url"] = report.source.source_url
    row["retrieved_at"] = report.source.retrieved_at
    return row


def _rows(labelled: LabelledReport, attribute: str) -> list[dict]:
    owner = labelled if attribute == "sentences" else labelled.report
    rows = []
    source = labelled.report.source
    for item in getattr(owner, attribute):
        row = {"report_id": labelled.report.report_id}
        row.update({_RENAME.get(k, k): v for k, v in asdict(item).items()})
        row["page"] = source.page_of(item.char_start)
        rows.append(row)
    return rows


def tables(reports: list[LabelledReport]) -> dict[str, pd.DataFrame]:
    """All CSV tables for ``reports``, keyed by file name."""
    out = {"reports.csv": pd.DataFrame([report_row(r) for r in reports], columns=REPORT_COLUMNS)}
    for column in ("page", "pages"):
        out["reports.csv"][column] = out["reports.csv"][column].astype("Int64")
    for name, (row_type, attribute) in TABLES.items():
        columns = ["report_id"] + [_RENAME.get(f.name, f.name) for f in fields(row_type)] + ["page"]
        frame = pd.DataFrame([row for r in reports for row in _rows(r, attribute)], columns=columns)
        for column in _NULLABLE_INTS & set(columns):
            frame[column] = frame[column].astype("Int64")
        if "confidence" in frame:
            frame["confidence"] = frame["confidence"].astype(float).round(4)
        out[name] = frame
    return out


def document(labelled: LabelledReport) -> dict:
    """One report as a nested document: questions (and areas) hold their items.

    Each item appears once: under the question (same number and wording) it follows
    in the text, so a text that repeats its questions does not repeat its items.
    """
    report = labelled.report
    page_of = report.source.page_of

    def row(item) -> dict:
        return {**asdict(item), "page": page_of(item.char_start)}

    doc = {"report": report_row(labelled), "grades": [row(g) for g in report.grades], "questions": []}
    item_lists = ("areas_for_improvement", "causes_of_concern", "recommendations")
    entries, starts = {}, {}  # (number, wording) -> the questions of that name, and where they start
    for question in report.questions:
        entry = {**row(question), **{name: [] for name in item_lists}}
        doc["questions"].append(entry)
        entries.setdefault((question.number, question.question), []).append(entry)
        starts.setdefault((question.number, question.question), []).append(question.char_start)
    for name in item_lists:
        doc[name] = []  # items outside any question (summaries, prose causes of concern) stay at the top
        for item in getattr(report, name):
            same = entries.get((item.question_number, item.question))
            if not same:
                doc[name].append(row(item))
                continue
            # The last question of that name starting before the item, else the first.
            index = max(bisect.bisect_right(starts[(item.question_number, item.question)], item.char_start) - 1, 0)
            same[index][name].append(row(item))
    doc["sentences"] = [row(s) for s in labelled.sentences]
    return doc


# A cell, or a line within one, starting with one of these (after any spaces) runs as
# a formula when a spreadsheet opens the CSV, or a tool that splits on line ends reads it.
_FORMULA_LINE = re.compile(r"(?:^|(?<=[\r\n\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]))(?=[ \t]*[=+\-@]|[\t\r])")


def _defuse(value):
    """Spreadsheet safety: text whose cell or any line of it would start a formula gets an apostrophe.

    The JSON documents keep the exact text.
    """
    if isinstance(value, str):
        return _FORMULA_LINE.sub("'", value)
    return value


def _cell(value) -> str:
    """One CSV field: empty for null; quoted when it holds a comma, quote or any line end (CR too)."""
    if value is None or value is pd.NA or (isinstance(value, float) and value != value):
        return ""
    text = str(value)
    if any(c in text for c in ',"\r\n'):
        return '"' + text.replace('"', '""') + '"'
    return text


def csv_text(frame: pd.DataFrame, guard: bool = True) -> str:
    """``frame`` as CSV text, one row per line.

    Written here rather than by ``DataFrame.to_csv``: the csv module leaves a field
    holding a bare carriage return unquoted, which splits the row in every reader.
    """
    lines = [",".join(_cell(c) for c in frame.columns)]
    columns = [frame[c].tolist() for c in frame.columns]
    for values in zip(*columns):
        lines.append(",".join(_cell(_defuse(v) if guard else v) for v in values))
    return "\n".join(lines) + "\n"


def write_csv(frame: pd.DataFrame, path: Path) -> None:
    # UTF-8 with a BOM, so spreadsheets show curly quotes and accents correctly.
    # backslashreplace: a file name that is not valid UTF-8 still writes, visibly.
    path.write_bytes(("\ufeff" + csv_text(frame)).encode("utf-8", errors="backslashreplace"))


def previous_documents(out: Path) -> dict[str, dict]:
    """The JSON documents of the outputs already in ``out``, by report id."""
    documents = {}
    for path in sorted((Path(out) / "json").glob("*.json")):
        try:
            doc = json.loads(path.read_text("utf-8"))
            documents[doc["report"]["report_id"]] = doc
        except (OSError, ValueError, KeyError):
            continue  # an unreadable old document: its report shows as added
    return documents


CHANGE_COLUMNS = ["run_time", "report_id", "table", "key", "change", "field", "old", "new"]


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

    frame = pd.DataFrame([{"line": c.line, **{k: getattr(c, k) for k in CORRECTION_COLUMNS}} for c in corrections],
                         columns=["line", *CORRECTION_COLUMNS])
    return ("\ufeff" + csv_text(frame)).encode("utf-8", errors="backslashreplace")


def write(reports: list[LabelledReport], out: Path, extra: dict[str, bytes] | None = None,
          documents: dict[str, dict] | None = None, manifest=None) -> None:
    """Write all tables and JSON documents for ``reports`` into ``out``, atomically.

    ``extra`` names further files (the change log) written with them; ``manifest`` is
    (name, function of the written files' digests) for a file describing the run.
    """
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    recover(out)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.new-", dir=out.parent))
    os.chmod(staging, 0o755)  # mkdtemp makes it private; outputs are for sharing
    (staging / STAGING_MARK).write_bytes(b"")  # so an interrupted run's folder is known as ours
    try:
        for name, frame in tables(reports).items():
            write_csv(frame, staging / name)
        (staging / "json").mkdir()
        for labelled in reports:
            doc = (documents or {}).get(labelled.report.report_id) or document(labelled)
            text = json.dumps(doc, ensure_ascii=False, indent=1) + "\n"
            (staging / "json" / f"{labelled.report.report_id}.json").write_text(
                text, encoding="utf-8", errors="backslashreplace")
            source = labelled.report.source
            if source.page_starts is not None or source.encoding not in ("utf-8", "cp1252"):
                # A PDF's offsets index the text rebuilt from it, a repaired text's the repaired
                # text: keep that text to check them against.
                (staging / "text").mkdir(exist_ok=True)
                (staging / "text" / f"{labelled.report.report_id}.txt").write_text(source.text, encoding="utf-8")
        for name, data in (extra or {}).items():
            (staging / name).write_bytes(data)
        if manifest is not None:
            name, make = manifest
            digests = {str(p.relative_to(staging)): hashlib.sha256(p.read_bytes()).hexdigest()
                       for p in sorted(staging.rglob("*")) if p.is_file() and p.name != STAGING_MARK}
            (staging / name).write_bytes(make(digests))
        try:
            swap(staging, out)
        except OSError as exc:  # busy, immutable, on another file system: say so in one line
            raise PipelineError(f"--out {out}: cannot be replaced ({exc.strerror}); the previous outputs are kept") from None
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
