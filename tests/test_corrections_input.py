"""corrections.csv as reviewers really save it: Excel's encodings and delimiters, odd values.

Each case writes a corrections file the way a spreadsheet (or a hand) saves it, runs the
command line on the Cambridgeshire report, and checks that the corrections were applied
(a sentence's label and an area for improvement's text, with non-ASCII characters, in
the output CSVs), or, for a file that cannot be read, that the run stops with one line
naming the cause, never a traceback.
"""
from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from pipeline.cli import main

from conftest import CAMBRIDGESHIRE

REPORT = "cambridgeshire-2015-effectiveness"
HEADER = ["report_id", "table", "key", "field", "value", "reviewer", "reason"]
# Characters that Windows-1252 and UTF-8 encode differently: a curly apostrophe, a pound
# sign, an en dash and an accented letter.
NEW_TEXT = "The constabulary’s £2m plan – for the café – should be evaluated."
REASON = "HMIC’s wording – a finding, not a grade (£0, café)"


def _read(out: Path, name: str) -> pd.DataFrame:
    return pd.read_csv(out / name, encoding="utf-8-sig", keep_default_na=False, dtype=str)


@pytest.fixture(scope="module")
def first_run(tmp_path_factory):
    """A run without corrections: the keys to correct, and its cache for the later runs."""
    root = tmp_path_factory.mktemp("first")
    raw = root / "raw"
    raw.mkdir()
    shutil.copy(CAMBRIDGESHIRE, raw)
    empty = root / "none.csv"
    empty.write_text(",".join(HEADER) + "\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["run", str(raw), "--out", str(root / "processed"), "--corrections", str(empty)])
    assert result.exit_code == 0, result.output
    sentences = _read(root / "processed", "sentences.csv")
    sentence = sentences.query("label == 'finding' and method != 'section'").iloc[0]
    area = _read(root / "processed", "areas_for_improvement.csv").iloc[0]
    assert area["text"] != NEW_TEXT
    return root, sentence["key"], area["key"]


@pytest.fixture
def workspace(tmp_path, first_run):
    """raw/ with the report, an output folder (with the first run's cache) and the keys."""
    root, sentence_key, area_key = first_run
    shutil.copytree(root / "raw", tmp_path / "raw")
    shutil.copytree(root / ".processed-cache", tmp_path / ".processed-cache")  # saves processing it again
    return tmp_path, sentence_key, area_key


def _rows(sentence_key: str, area_key: str) -> list[list[str]]:
    return [
        HEADER,
        [REPORT, "sentences", sentence_key, "label", "concern", "Reviewer Ö", REASON],
        [REPORT, "areas_for_improvement", area_key, "text", NEW_TEXT, "Reviewer Ö", REASON],
    ]


def _csv(rows: list[list[str]], delimiter: str, newline: str) -> str:
    def cell(value: str) -> str:
        if any(c in value for c in (delimiter, '"', "\n", "\r")):
            return '"' + value.replace('"', '""') + '"'
        return value

    return "".join(delimiter.join(cell(v) for v in row) + newline for row in rows)


def _header(names: list[str]):
    def rewrite(rows):
        return [names, *rows[1:]]
    return rewrite


def _with_sep_line(text: str) -> str:
    return "sep=;\r\n" + text


# (id, encoding, delimiter, line end, rewrite of the rows, rewrite of the text)
SAVED_AS = [
    ("excel-csv-windows-1252", "cp1252", ",", "\r\n", None, None),
    ("excel-csv-windows-1252-semicolons", "cp1252", ";", "\r\n", None, None),
    ("excel-csv-utf8-bom-semicolons", "utf-8-sig", ";", "\r\n", None, None),
    ("semicolons-utf8", "utf-8", ";", "\n", None, None),
    ("tab-separated-utf8", "utf-8", "\t", "\n", None, None),
    ("excel-unicode-text-utf16le-bom-tabs", "utf-16", "\t", "\r\n", None, None),
    ("utf16be-bom-tabs", "utf-16-be-bom", "\t", "\r\n", None, None),
    ("excel-sep-line", "cp1252", ";", "\r\n", None, _with_sep_line),
    ("header-spaces-and-capitals", "utf-8", ",", "\n",
     _header(["Report_ID ", " Table", " Key", " Field", " Value", " Reviewer", " Reason"]), None),
    ("header-words", "cp1252", ";", "\r\n",
     _header(["Report ID", "Table", "Key", "Field", "Value", "Reviewer", "Reason"]), None),
]


def _encode(text: str, encoding: str) -> bytes:
    if encoding == "utf-16-be-bom":
        return b"\xfe\xff" + text.encode("utf-16-be")
    return text.encode(encoding)  # "utf-16" writes a BOM, "utf-8-sig" a UTF-8 BOM


@pytest.mark.parametrize("encoding, delimiter, newline, rows_of, text_of",
                         [case[1:] for case in SAVED_AS], ids=[case[0] for case in SAVED_AS])
def test_corrections_saved_by_spreadsheets_are_applied(workspace, encoding, delimiter, newline, rows_of, text_of):
    tmp_path, sentence_key, area_key = workspace
    rows = _rows(sentence_key, area_key)
    text = _csv(rows_of(rows) if rows_of else rows, delimiter, newline)
    corrections = tmp_path / "corrections.csv"
    corrections.write_bytes(_encode(text_of(text) if text_of else text, encoding))
    out = tmp_path / "processed"
    result = CliRunner().invoke(main, ["run", str(tmp_path / "raw"), "--out", str(out), "--corrections", str(corrections)])
    assert result.exit_code == 0, result.output
    assert "warning" not in result.output and "Traceback" not in result.output, result.output
    sentence = _read(out, "sentences.csv").set_index("key").loc[sentence_key]
    assert (sentence["label"], sentence["method"], sentence["corrected"]) == ("concern", "reviewer", "label")
    area = _read(out, "areas_for_improvement.csv").set_index("key").loc[area_key]
    assert (area["text"], area["corrected"]) == (NEW_TEXT, "text")


@pytest.mark.parametrize("number", ["²", "①", "1²", "٣"], ids=["superscript-two", "circled-one", "one-squared",
                                                                  "arabic-indic-three"])
def test_a_question_number_that_is_not_ascii_digits_is_a_problem_line(workspace, number):
    tmp_path, sentence_key, area_key = workspace
    rows = _rows(sentence_key, area_key)[:2] + [[REPORT, "sentences", sentence_key, "question_number", number, "R", "r"]]
    corrections = tmp_path / "corrections.csv"
    corrections.write_text(_csv(rows, ",", "\n"), encoding="utf-8")
    out = tmp_path / "processed"
    result = CliRunner().invoke(main, ["run", str(tmp_path / "raw"), "--out", str(out), "--corrections", str(corrections)])
    assert result.exit_code == 0, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert f"warning: {corrections}: line 3: question_number must be a whole number" in result.stderr
    sentence = _read(out, "sentences.csv").set_index("key").loc[sentence_key]
    # The usable correction on line 2 is applied; the question number stays the report's.
    assert (sentence["label"], sentence["corrected"]) == ("concern", "label")


UNREADABLE = [
    ("header-of-other-columns", "foo;bar\r\n1;2\r\n".encode("cp1252"),
     "line 1: the header must name the columns report_id, table, key, field, value (found: 'foo;bar')"),
    ("header-missing-a-column", b"report_id;table;key;field;val\r\n",
     "line 1: the header must name the columns report_id, table, key, field, value; missing value "
     "(found: 'report_id;table;key;field;val')"),
    ("neither-utf8-nor-windows-1252", b"report_id,table,key,field,value\n\x81\x8d\x8f\x90\x9d\n",
     "cannot decode as UTF-8, UTF-16 with a byte-order mark or Windows-1252 (byte"),
    ("utf16-without-bom", ",".join(HEADER).encode("utf-16-le") + b"\n\x00",
     "not text (it contains NUL bytes): save it as CSV (UTF-8)"),
    ("empty", b"", "the file is empty: it needs at least its header row"),
]


@pytest.mark.parametrize("data, message", [c[1:] for c in UNREADABLE], ids=[c[0] for c in UNREADABLE])
def test_a_corrections_file_that_cannot_be_read_is_named_with_its_cause(workspace, data, message):
    tmp_path = workspace[0]
    corrections = tmp_path / "corrections.csv"
    corrections.write_bytes(data)
    out = tmp_path / "processed"
    result = CliRunner().invoke(main, ["run", str(tmp_path / "raw"), "--out", str(out), "--corrections", str(corrections)])
    assert result.exit_code == 1
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert result.stderr.count("\n") == 1, result.stderr
    assert result.stderr.startswith(f"Error: {corrections}: ") and message in result.stderr, result.stderr
    assert not out.exists()  # nothing written without the reviewer's corrections
