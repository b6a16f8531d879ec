"""peel.xlsx: one sheet per table, text as text (no formula runs), the same bytes every run."""
from __future__ import annotations

import re
import zipfile
from xml.etree import ElementTree

import pytest

from pipeline import publish, runner
from pipeline import tables as registry

from conftest import CAMBRIDGESHIRE

NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}
# Source text a spreadsheet would run as a formula if it were not written as text.
RISKY = ["=HYPERLINK(\"http://example.com\") shows a link.", "+44 20 7946 0000 is a telephone number.",
         "@SUM(A1:A2) adds cells."]
SENTENCES_SHEET = [t.name for t in registry.data_tables()].index("sentences") + 1


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    """The Cambridgeshire report with formula-like sentences, run twice into new folders."""
    base = tmp_path_factory.mktemp("xlsx")
    raw = base / "raw"
    raw.mkdir()
    text = CAMBRIDGESHIRE.read_text("utf-8")
    text = text.replace("Questions for Effectiveness", "\n\n".join(RISKY) + "\n\nQuestions for Effectiveness", 1)
    (raw / CAMBRIDGESHIRE.name).write_text(text, "utf-8")
    outs = []
    for name in ("one", "two"):
        runner.run([raw], base / name)
        outs.append(base / name)
    return text, outs


def _decoded(text: str) -> str:
    """A cell's text as a reader decodes it (_xHHHH_ escapes undone)."""
    return re.sub(r"_x([0-9A-F]{4})_", lambda m: chr(int(m[1], 16)), text)


def _text(cell, shared: list[str]) -> str | None:
    """A text cell's text, whether held in the shared strings (t="s") or in the cell (t="inlineStr")."""
    if cell.get("t") == "s":
        return shared[int(cell.find("m:v", NS).text)]
    if cell.get("t") == "inlineStr":
        return _decoded("".join(t.text or "" for t in cell.iter(f"{{{NS['m']}}}t")))
    return None


def _shared(book: zipfile.ZipFile) -> list[str]:
    """The workbook's shared strings, if it has any."""
    if "xl/sharedStrings.xml" not in book.namelist():
        return []
    root = ElementTree.fromstring(book.read("xl/sharedStrings.xml"))
    return [_decoded("".join(t.text or "" for t in si.iter(f"{{{NS['m']}}}t"))) for si in root.findall("m:si", NS)]


def test_two_runs_give_identical_bytes(runs):
    _, (one, two) = runs
    assert (one / publish.WORKBOOK).read_bytes() == (two / publish.WORKBOOK).read_bytes()
    assert (one / publish.DATABASE).read_bytes() == (two / publish.DATABASE).read_bytes()


def test_one_sheet_per_table_header_frozen_filters_on(runs):
    _, (one, _) = runs
    with zipfile.ZipFile(one / publish.WORKBOOK) as book:
        workbook = ElementTree.fromstring(book.read("xl/workbook.xml"))
        names = [s.get("name") for s in workbook.find("m:sheets", NS)]
        assert names == [t.name for t in registry.data_tables()]
        for index in range(1, len(names) + 1):
            sheet = ElementTree.fromstring(book.read(f"xl/worksheets/sheet{index}.xml"))
            pane = sheet.find("m:sheetViews/m:sheetView/m:pane", NS)
            assert pane is not None and pane.get("state") == "frozen" and pane.get("ySplit") == "1"
            assert sheet.find("m:autoFilter", NS) is not None
            assert sheet.findall(".//m:f", NS) == []  # no cell holds a formula


def test_formula_like_text_is_kept_exactly_as_text(runs):
    text, (one, _) = runs
    with zipfile.ZipFile(one / publish.WORKBOOK) as book:
        shared = _shared(book)
        sentences = ElementTree.fromstring(book.read(f"xl/worksheets/sheet{SENTENCES_SHEET}.xml"))
        cells = {c.get("r"): c for c in sentences.iter(f"{{{NS['m']}}}c")}
    strings = {_text(c, shared) for c in cells.values()} - {None}
    for sentence in RISKY:
        assert sentence in text and sentence in strings  # the exact text, no apostrophe
        assert "'" + sentence not in strings
    # The sentences sheet's text column holds those strings as text cells, never numbers.
    column = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"[registry.SENTENCES.names.index("text")]
    shown = [_text(c, shared) for ref, c in cells.items()
             if re.fullmatch(rf"{column}\d+", ref) and ref != f"{column}1" and _text(c, shared) is not None]
    assert set(RISKY) <= set(shown)
    assert len(shown) == sum(1 for ref in cells if re.fullmatch(rf"{column}\d+", ref)) - 1


def test_booleans_and_integers_are_typed_cells(runs):
    _, (one, _) = runs
    with zipfile.ZipFile(one / publish.WORKBOOK) as book:
        sheet = ElementTree.fromstring(book.read(f"xl/worksheets/sheet{SENTENCES_SHEET}.xml"))
    cells = {c.get("r"): c for c in sheet.iter(f"{{{NS['m']}}}c")}
    letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    truncated = letters[registry.SENTENCES.names.index("truncated")]
    start = letters[registry.SENTENCES.names.index("char_start")]
    assert cells[f"{truncated}2"].get("t") == "b" and cells[f"{truncated}2"].find("m:v", NS).text == "0"
    assert cells[f"{start}2"].get("t") is None and cells[f"{start}2"].find("m:v", NS).text.isdigit()


# Text a sheet must hold exactly: XML's markup, characters XML cannot hold, text that
# reads as Excel's escape, edge spaces, a cell over Excel's limit cut between characters.
TRICKY = ["a & b < c > d", "bell\x07 and form feed\x0c", "_x0041_ is not A", " leading space", "trailing space ",
          "line\nbreak", "non-character \ufffe", "x" * 32_766 + "\U0001F600" + "tail", "quote \" and ' stay"]


def _reference_sheets(path, tables_rows) -> None:
    """The same rows written by XlsxWriter in its constant-memory mode: the reference."""
    import xlsxwriter

    book = xlsxwriter.Workbook(str(path), {"constant_memory": True, "strings_to_numbers": False,
                                           "strings_to_formulas": False, "strings_to_urls": False})
    bold = book.add_format({"bold": True})
    for table, rows in tables_rows:
        sheet = book.add_worksheet(table.name[:31])
        for col, column in enumerate(table.columns):
            sheet.write_string(0, col, column.name, bold)
        sheet.freeze_panes(1, 0)
        for row, values in enumerate(rows, start=1):
            for col, (value, column) in enumerate(zip(values, table.columns)):
                value = None if value is None else publish._value(value, column)
                if value is None:
                    continue
                if column.type == "boolean":
                    sheet.write_boolean(row, col, value)
                elif column.type in ("integer", "number"):
                    sheet.write_number(row, col, value)
                else:
                    sheet.write_string(row, col, value)
        sheet.autofilter(0, 0, max(len(rows), 1), len(table.columns) - 1)
    book.close()


def test_sheets_are_written_as_xlsxwriter_writes_them(runs, tmp_path):
    """Every table's rows of a real run, and tricky text, give the sheet XML a general
    writer gives (XlsxWriter, the reference), and the workbook opens as a zip of valid XML."""
    import sqlite3

    pytest.importorskip("xlsxwriter", reason="XlsxWriter (a test dependency: make venv) is the reference")
    _, (one, _) = runs
    connection = sqlite3.connect(one / publish.DATABASE)
    tables_rows = [(table, [list(row) for row in connection.execute(f'SELECT * FROM "{table.name}" ORDER BY rowid')])
                   for table in registry.data_tables()]
    connection.close()
    sentences = dict((table.name, rows) for table, rows in tables_rows)["sentences"]
    text = registry.SENTENCES.names.index("text")
    for k, tricky in enumerate(TRICKY):
        sentences[k][text] = tricky
    assert len(sentences) > len(TRICKY) and all(rows for _, rows in tables_rows if _.name != "causes_of_concern")
    ours = publish.Workbook(tmp_path / "ours.xlsx")
    for table, rows in tables_rows:
        ours.add(table.name, rows)
    ours.close()
    _reference_sheets(tmp_path / "reference.xlsx", tables_rows)
    with zipfile.ZipFile(tmp_path / "ours.xlsx") as mine, zipfile.ZipFile(tmp_path / "reference.xlsx") as theirs:
        sheets = sorted(name for name in theirs.namelist() if name.startswith("xl/worksheets/"))
        assert sheets == sorted(name for name in mine.namelist() if name.startswith("xl/worksheets/"))
        for name in sheets:
            assert mine.read(name) == theirs.read(name), name
        for name in mine.namelist():
            ElementTree.fromstring(mine.read(name))  # every part parses
        shared = _shared(mine)
        cells = ElementTree.fromstring(mine.read(f"xl/worksheets/sheet{SENTENCES_SHEET}.xml")).iter(f"{{{NS['m']}}}c")
        column = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"[text]
        held = [_text(c, shared) for c in cells if re.fullmatch(rf"{column}\d+", c.get("r"))][1:len(TRICKY) + 1]
    assert held[:-2] == TRICKY[:-2] and held[-1] == TRICKY[-1]
    assert held[-2] == "x" * 32_766  # cut at 32,767 UTF-16 units, not inside the emoji's two


def test_a_workbook_names_its_sheets_filters_and_properties(runs):
    _, (one, _) = runs
    with zipfile.ZipFile(one / publish.WORKBOOK) as book:
        workbook = ElementTree.fromstring(book.read("xl/workbook.xml"))
        core = ElementTree.fromstring(book.read("docProps/core.xml"))
        types = book.read("[Content_Types].xml").decode()
        infos = book.infolist()
    names = [t.name for t in registry.data_tables()]
    filters = {int(d.get("localSheetId")): d.text for d in workbook.find("m:definedNames", NS)}
    assert filters == {k: f"{name}!$A$1:${'ABCDEFGHIJKLMNOPQRSTUVWXYZ'[len(t.columns) - 1]}${max(rows, 1) + 1}"
                       for k, (name, t, rows) in enumerate(
                           (t.name, t, len(publish.read_tables(one)[t.name])) for t in registry.data_tables())}
    assert core.find("{http://purl.org/dc/elements/1.1/}title").text == publish.TITLE
    assert all(f"/xl/worksheets/sheet{k}.xml" in types for k in range(1, len(names) + 1))
    assert {info.date_time for info in infos} == {(1980, 1, 1, 0, 0, 0)}  # no clock in the bytes
