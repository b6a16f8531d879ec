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
