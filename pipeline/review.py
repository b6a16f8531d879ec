"""Review: stable keys, reviewers' corrections and the change log between runs.

Keys come from what a row says, not where it is, so a sentence keeps its key when
text elsewhere in the report changes: that is what corrections and the change log
match on. ``corrections.csv`` is applied on every run; a correction that no longer
matches anything is reported by name. ``diff`` compares the previous outputs' JSON
documents with the new ones and names what changed.
"""
from __future__ import annotations

import csv
import difflib
import hashlib
import io
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from .model import GRADES, LABELS, Grade, LabelledReport, PipelineError

ITEM_TABLES = {
    "areas_for_improvement": "areas_for_improvement",
    "causes_of_concern": "causes_of_concern",
    "recommendations": "recommendations",
}
#: table -> attribute of LabelledReport/Report holding its rows
TABLE_ROWS = {"sentences": "sentences", "grades": "grades", "questions": "questions", **ITEM_TABLES}
CORRECTION_COLUMNS = ["report_id", "table", "key", "field", "value", "reviewer", "reason"]
# What a reviewer may correct, per table, and how a value is checked.
CORRECTABLE = {
    "sentences": {"label": LABELS, "section": None, "question_number": int},
    "grades": {"grade": GRADES, "previous_grade": GRADES, "previous_year": None, "subject": None},
    "questions": {"grade": GRADES, "question": None},
    "areas_for_improvement": {"text": None, "question_number": int},
    "causes_of_concern": {"text": None, "question_number": int},
    "recommendations": {"text": None, "question_number": int, "cause_of_concern_id": None, "year_made": None,
                        "made_to": ("this force", "all forces")},
    "reports": {"force": None, "peel_year": None, "pillar": None, "title": None, "last_updated": None,
                "overall_grade": GRADES, "headline_question": None},
}


def _digest(*parts: object) -> str:
    text = "\x1f".join(" ".join(str(p).split()).lower() for p in parts)
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:10]


def assign_keys(labelled: LabelledReport) -> None:
    """Give every row a key made from its content; repeats get -2, -3 in reading order."""
    report = labelled.report
    groups = [
        ("s", labelled.sentences, lambda r: (r.text,)),
        ("g", report.grades, lambda r: (r.scope, r.question_number, r.subject)),
        ("q", report.questions, lambda r: (r.number, r.question)),
        ("afi", report.areas_for_improvement, lambda r: (r.text,)),
        ("coc", report.causes_of_concern, lambda r: (r.text,)),
        ("rec", report.recommendations, lambda r: (r.text,)),
    ]
    for prefix, rows, content in groups:
        seen: Counter = Counter()
        for row in rows:
            key = f"{prefix}-{_digest(*content(row))}"
            seen[key] += 1
            row.key = key if seen[key] == 1 else f"{key}-{seen[key]}"


@dataclass
class Correction:
    line: int
    report_id: str
    table: str
    key: str
    field: str
    value: str
    reviewer: str
    reason: str

    def name(self) -> str:
        return f"correction on line {self.line} ({self.report_id}, {self.table} {self.key}, {self.field})"


_REQUIRED = CORRECTION_COLUMNS[:5]
_DELIMITERS = (",", ";", "\t")  # comma; semicolon (Excel in many locales); tab (Excel's "Unicode text", TSV)
_WHOLE_NUMBER = re.compile(r"[0-9]+")  # ASCII digits: str.isdigit() also accepts "²", which int() refuses


def _decode_corrections(data: bytes, path: Path) -> str:
    """The text of a corrections file as spreadsheets save it, or one line saying why not.

    UTF-8 (with or without a BOM), UTF-16 or UTF-32 with a BOM (Excel's "Unicode text"),
    else Windows-1252 (Excel's "CSV"), as report texts are read.
    """
    if not data.strip():
        raise PipelineError(f"{path}: the file is empty: it needs at least its header row "
                            f"({','.join(CORRECTION_COLUMNS)})")
    for bom, encoding in ((b"\xff\xfe\x00\x00", "utf-32"), (b"\x00\x00\xfe\xff", "utf-32"),
                          (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16")):
        if data.startswith(bom):
            try:
                return data.decode(encoding)
            except UnicodeDecodeError as exc:
                raise PipelineError(f"{path}: cannot decode as {encoding.upper()} (byte {exc.start}), "
                                    "though it starts with that byte-order mark") from None
    if b"\x00" in data:
        raise PipelineError(f"{path}: not text (it contains NUL bytes): save it as CSV (UTF-8), "
                            "or as Unicode text with its byte-order mark")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.removeprefix(b"\xef\xbb\xbf").decode("cp1252")
    except UnicodeDecodeError as exc:
        raise PipelineError(f"{path}: cannot decode as UTF-8, UTF-16 with a byte-order mark or Windows-1252 "
                            f"(byte {exc.start}); save it as CSV (UTF-8)") from None


def _column(name: str) -> str:
    """A header cell as a column name: "Report ID" and " report_id" are report_id."""
    return "_".join(name.replace("\ufeff", "").strip().lower().replace("-", " ").split())


def _header_row(text: str, delimiter: str) -> tuple[list[str], int]:
    """The first non-blank row split on ``delimiter``, and the number of its last line."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    for row in reader:
        if any(cell.strip() for cell in row):
            return row, reader.line_num
    return [], reader.line_num


def read_corrections(path: Path) -> tuple[list[Correction], list[str]]:
    """Corrections from ``path`` and one problem line per row that cannot be used.

    Reads the file as spreadsheets save it (see ``_decode_corrections``), separated by
    commas, semicolons or tabs: the delimiter is the one that splits the header into the
    known columns (or the one an Excel ``sep=`` first line names). A file that still cannot
    be read raises PipelineError with one line naming the cause.
    """
    if not path.is_file():
        return [], []
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise PipelineError(f"{path}: cannot read corrections ({exc.strerror or exc})") from None
    text = _decode_corrections(data, path)
    skipped = 0
    hint = re.match(r"[ \t]*sep=(.)[ \t]*(\r\n|\r|\n)", text)  # Excel's "sep=;" first line
    if hint and hint.group(1) in _DELIMITERS:
        text, skipped, candidates = text[hint.end():], 1, (hint.group(1),)
    else:
        candidates = _DELIMITERS
    try:
        headers = {d: _header_row(text, d) for d in candidates}
    except csv.Error as exc:
        raise PipelineError(f"{path}: line {skipped + 1}: cannot read the header ({exc})") from None
    found = {d: [_column(c) for c in row] for d, (row, _) in headers.items()}
    delimiter = next((d for d in candidates if all(c in found[d] for c in _REQUIRED)), None)
    if delimiter is None:
        best = max(candidates, key=lambda d: sum(c in found[d] for c in _REQUIRED))
        missing = [c for c in _REQUIRED if c not in found[best]]
        header_line = next((line for line in text.splitlines() if line.strip()), "")
        first = skipped + 1 + next((i for i, line in enumerate(text.splitlines()) if line.strip()), 0)
        why = "" if len(missing) == len(_REQUIRED) else f"; missing {', '.join(missing)}"
        raise PipelineError(f"{path}: line {first}: the header must name the columns {', '.join(_REQUIRED)}"
                            f"{why} (found: {header_line[:120]!r})")
    names, header_end = headers[delimiter][0], headers[delimiter][1]
    columns = [_column(c) for c in names]
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    corrections, problems = [], []
    last = 0
    try:
        for row in reader:
            number, last = skipped + last + 1, reader.line_num  # the row's first line in the file
            if reader.line_num <= header_end or not any(cell.strip() for cell in row):
                continue
            if len(row) > len(columns) and columns[-1] == "reason":
                # Cells past the last column: trailing empty cells (Excel), or a reason
                # holding an unquoted delimiter, which stays the reason's.
                extra = row[len(columns) - 1:]
                while len(extra) > 1 and not extra[-1].strip():
                    extra.pop()
                row = row[:len(columns) - 1] + [delimiter.join(extra)]
            cells = dict(zip(columns, row))
            values = {k: (cells.get(k) or "").strip() for k in CORRECTION_COLUMNS}
            if not any(values.values()):
                continue
            correction = Correction(number, **values)
            problem = _problem(correction)
            if problem:
                problems.append(f"{path}: line {number}: {problem}")
            else:
                corrections.append(correction)
    except csv.Error as exc:
        raise PipelineError(f"{path}: line {skipped + reader.line_num}: cannot read the row ({exc})") from None
    return corrections, problems


def _problem(correction: Correction) -> str | None:
    """Why a correction cannot be used, or None."""
    allowed = CORRECTABLE.get(correction.table)
    if allowed is None:
        return f"table {correction.table!r} is not one of {', '.join(CORRECTABLE)}"
    if correction.field not in allowed:
        return f"{correction.table} field {correction.field!r} cannot be corrected (one of {', '.join(allowed)})"
    kind = allowed[correction.field]
    if isinstance(kind, tuple) and correction.value not in kind:
        return f"{correction.value!r} is not one of {', '.join(kind)}"
    if kind is int and not _WHOLE_NUMBER.fullmatch(correction.value):
        return f"{correction.field} must be a whole number"
    return None


def apply_corrections(reports: list[LabelledReport], corrections: list[Correction]) -> list[Correction]:
    """Apply every correction that matches a row; returns those that match nothing."""
    by_id = {r.report.report_id: r for r in reports}
    unmatched = []
    for correction in corrections:
        labelled = by_id.get(correction.report_id)
        if labelled is None:
            unmatched.append(correction)
            continue
        if correction.table == "reports":
            target = labelled.report if correction.key in ("", correction.report_id) else None
        else:
            owner = labelled if correction.table == "sentences" else labelled.report
            target = next((r for r in getattr(owner, TABLE_ROWS[correction.table]) if r.key == correction.key), None)
        if target is None:
            unmatched.append(correction)
            continue
        kind = CORRECTABLE[correction.table][correction.field]
        value = int(correction.value) if kind is int else correction.value
        for row, field in [(target, correction.field), *_same_judgment(labelled, correction, target)]:
            setattr(row, field, value)
            if correction.table == "sentences" and field == "label":
                row.method, row.confidence = "reviewer", 1.0
            marks = [m for m in (row.corrected or "").split(",") if m] + [field]
            row.corrected = ",".join(dict.fromkeys(marks))
    return unmatched


def _same_judgment(labelled: LabelledReport, correction: Correction, target) -> list[tuple[object, str]]:
    """Other rows stating the same grade, so that a correction leaves no table contradicting it."""
    report = labelled.report
    if correction.table == "reports" and correction.field == "overall_grade":
        overall = [g for g in report.grades if g.scope == "overall"]
        if not overall:
            # The text states no overall grade: the reviewer's one gets a row of its own,
            # with empty text where the report's words would be.
            overall = [Grade("overall", report.headline_question or report.pillar or "", None, "", "", 0, 0)]
            report.grades.insert(0, overall[0])
            overall[0].key = f"g-{_digest('overall', None, overall[0].subject)}"
        return [(g, "grade") for g in overall]
    if correction.table == "grades" and correction.field == "grade" and target.scope == "overall":
        return [(report, "overall_grade")]
    if correction.table == "grades" and correction.field == "grade":
        return [(q, "grade") for q in report.questions
                if (q.number is not None and q.number == target.question_number) or q.question == target.subject]
    if correction.table == "questions" and correction.field == "grade":
        return [(g, "grade") for g in report.grades if g.scope in ("question", "area")
                and ((target.number is not None and g.question_number == target.number) or g.subject == target.question)]
    return []


@dataclass(slots=True)
class Change:
    report_id: str
    table: str
    key: str
    change: str  # "report added", "added", "removed", "edited", "grade changed", "label changed", ...
    field: str
    old: str
    new: str


def _rows_of(doc: dict, table: str) -> list[dict]:
    if table in ("grades", "sentences"):
        return doc.get(table, [])
    if table == "questions":
        return [{k: v for k, v in q.items() if k not in ITEM_TABLES} for q in doc.get("questions", [])]
    rows = list(doc.get(table, []))
    for question in doc.get("questions", []):
        rows += question.get(table, [])
    return rows


#: Most (new row, removed row) pairs compared to find edited rows, per report and table.
MAX_PAIRINGS = 40_000
_TEXT_FIELD = {"sentences": "text", "grades": "subject", "questions": "question"}
_WATCHED = {"sentences": "label", "grades": "grade", "questions": "grade"}


def diff(previous: dict[str, dict], current: dict[str, dict]) -> list[Change]:
    """What changed between two runs' JSON documents, report by report."""
    changes: list[Change] = []
    for report_id in sorted(set(previous) | set(current)):
        old, new = previous.get(report_id), current.get(report_id)
        if old is None:
            changes.append(Change(report_id, "reports", report_id, "report added", "", "", new["report"]["title"] or ""))
            continue
        if new is None:
            changes.append(Change(report_id, "reports", report_id, "report removed", "", old["report"]["title"] or "", ""))
            continue
        for field in ("overall_grade", "last_updated", "peel_year", "pillar", "force"):
            if old["report"].get(field) != new["report"].get(field):
                marks = f'{old["report"].get("corrected") or ""},{new["report"].get("corrected") or ""}'.split(",")
                how = "corrected" if field in marks else "changed"
                changes.append(Change(report_id, "reports", report_id, f"{field} {how}", field,
                                      str(old["report"].get(field) or ""), str(new["report"].get(field) or "")))
        # Questions are left out: a question's grade and wording change with its grade row.
        for table in ("grades", *ITEM_TABLES, "sentences"):
            changes += _diff_rows(report_id, table, _rows_of(old, table), _rows_of(new, table))
    return changes


_PREFIX = {"sentences": "s", "grades": "g", "areas_for_improvement": "afi", "causes_of_concern": "coc",
           "recommendations": "rec"}


def _with_keys(table: str, rows: list[dict]) -> list[dict]:
    """Rows with their keys; outputs of versions before keys get them made the same way."""
    seen: Counter = Counter()
    out = []
    for row in rows:
        if not row.get("key"):
            content = (row.get("scope"), row.get("question_number"), row.get("subject")) if table == "grades" \
                else (row.get("text"),)
            key = f"{_PREFIX[table]}-{_digest(*content)}"
            seen[key] += 1
            row = {**row, "key": key if seen[key] == 1 else f"{key}-{seen[key]}"}
        out.append(row)
    return out


def _diff_rows(report_id: str, table: str, old: list[dict], new: list[dict]) -> list[Change]:
    text_field = _TEXT_FIELD.get(table, "text")
    watched = _WATCHED.get(table)
    old, new = _with_keys(table, old), _with_keys(table, new)
    old_by_key = {r["key"]: r for r in old}
    new_by_key = {r["key"]: r for r in new}
    changes = []
    for key in new_by_key.keys() & old_by_key.keys():
        a, b = old_by_key[key], new_by_key[key]
        if watched and a.get(watched) != b.get(watched):
            # A reviewer's correction is not a change in the report: say which it is.
            how = "corrected" if watched in (b.get("corrected") or "").split(",") \
                or watched in (a.get("corrected") or "").split(",") else "changed"
            changes.append(Change(report_id, table, key, f"{watched} {how}", watched,
                                  str(a.get(watched) or ""), str(b.get(watched) or "")))
    gone = [r for r in old if r["key"] not in new_by_key]
    came = [r for r in new if r["key"] not in old_by_key]
    # An edited row has a new key: pair it with the removed row it most resembles. Each
    # pair costs a text comparison, so a report rewritten wholesale is logged as rows
    # removed and added instead of comparing every new row with every old one.
    for row in list(came) if len(came) * len(gone) <= MAX_PAIRINGS else []:
        best, score = None, 0.6 - 1e-9  # at least 0.6 alike to count as the same row edited
        for candidate in gone:
            matcher = difflib.SequenceMatcher(None, str(candidate.get(text_field)), str(row.get(text_field)),
                                              autojunk=False)
            # The quick upper bounds skip the full comparison where it cannot win.
            if matcher.real_quick_ratio() <= score or matcher.quick_ratio() <= score:
                continue
            ratio = matcher.ratio()
            if ratio > score:
                best, score = candidate, ratio
        if best is not None:
            gone.remove(best)
            came.remove(row)
            changes.append(Change(report_id, table, row["key"], "edited", text_field,
                                  str(best.get(text_field)), str(row.get(text_field))))
            if watched and best.get(watched) != row.get(watched):
                changes.append(Change(report_id, table, row["key"], f"{watched} changed", watched,
                                      str(best.get(watched) or ""), str(row.get(watched) or "")))
    changes += [Change(report_id, table, r["key"], "removed", text_field, str(r.get(text_field)), "") for r in gone]
    changes += [Change(report_id, table, r["key"], "added", text_field, "", str(r.get(text_field))) for r in came]
    return changes


_SINGULAR = {"sentences": "sentence", "grades": "grade", "areas_for_improvement": "area for improvement",
             "causes_of_concern": "cause of concern", "recommendations": "recommendation", "reports": "report"}


def summary(changes: list[Change]) -> str:
    """One line: how many of each kind of change ("1 grade changed, 2 sentences edited")."""
    def what(change: Change) -> tuple[str, str]:
        thing = _SINGULAR.get(change.table, change.table)
        rest = change.change.removeprefix(thing.split()[0]).strip()
        return thing, rest

    def plural(thing: str) -> str:  # "area for improvement" -> "areas for improvement"
        head, _, tail = thing.partition(" ")
        return " ".join(filter(None, [head + "s", tail]))

    counts = Counter(what(c) for c in changes)
    return ", ".join(f"{n} {thing if n == 1 else plural(thing)} {rest}"
                     for (thing, rest), n in sorted(counts.items()))
