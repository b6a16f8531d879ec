"""Real PDFs no one here laid out (../shared/pdfs: Ofsted and DHSC reports): generic checks.

They are not PEEL reports, but `peel-pipeline text` on them must read what a person
sees. Every check is made against the PDF itself, read bare with pdfplumber
(tests/pdflines.py), not against the reader's own idea of the layout: a line standing
at the top or foot of most pages is furniture; a contents page is titled so and lists
page numbers; a footnote is small type under the body text starting with its number;
a page whose last body line ends mid-sentence runs on into the next page's first.
"""
from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

import pytest
from click.testing import CliRunner

from pipeline.cli import main
from pipeline.model import PipelineError
from pipeline.runner import process_file

from conftest import ROOT
from pdflines import BULLET, body_size, furniture, is_furniture, letters, pages_of

PDFS = ROOT.parent / "shared" / "pdfs"
NAMES = sorted(p.name for p in PDFS.glob("*.pdf") if p.read_bytes()[:5] == b"%PDF-") if PDFS.is_dir() else []
NOT_A_PDF = "not-a-pdf_html-error-page-saved-as.pdf"
_ENDS = re.compile(r"[.!?:;][\"'’”)\]]*$")


@pytest.fixture(scope="module")
def pdfs() -> Path:
    if not NAMES:
        pytest.skip(f"real PDFs not found at {PDFS} (../shared/pdfs)")
    return PDFS


_read: dict[str, tuple[str, list]] = {}


def _text_and_pages(folder: Path, name: str) -> tuple[str, list]:
    """`peel-pipeline text` output and the PDF's own lines, read once per file."""
    if name not in _read:
        result = CliRunner().invoke(main, ["text", str(folder / name)])
        assert result.exit_code == 0, result.output
        _read[name] = (result.stdout, pages_of(folder / name))
    return _read[name]


def _count(needle: str, haystack: str) -> int:
    return haystack.count(needle) if needle else 0


@pytest.mark.parametrize("name", NAMES)
def test_running_headers_footers_and_page_numbers_are_dropped(pdfs, name):
    text, pages = _text_and_pages(pdfs, name)
    keys = furniture(pages)
    edges = [line for lines in pages for line in lines if is_furniture(line, lines, keys)]
    assert len(edges) >= len(pages) / 2, "each of these PDFs has a running header, footer or page number"
    body = letters(" ".join(line.text for lines in pages for line in lines if not is_furniture(line, lines, keys)))
    out = letters(text)
    for line in {letters(line.text) for line in edges}:
        if len(line) >= 8:  # the text, where the body does not say it too (a title on the cover)
            assert _count(line, out) <= _count(line, body), line
    numbers = [line for line in text.splitlines()
               if re.fullmatch(r"(?:page\s+)?\d{1,4}(?:\s*(?:of|/)\s*\d{1,4})?", line.strip(), re.IGNORECASE)]
    assert not numbers


def _contents_entries(pages) -> list[str]:
    """Entries of contents pages: a page titled "Contents" whose lines end in page numbers."""
    out = []
    for lines in pages:
        if any(line.text.lower() in ("contents", "table of contents") for line in lines[:4]):
            entries = [line.text for line in lines if re.search(r"[A-Za-z].*\s\d{1,3}$", line.text)
                       and len(line.text.split()) >= 4]
            if len(entries) >= 3:
                out += entries
    return out


def test_some_real_pdf_has_a_contents_page(pdfs):
    assert any(_contents_entries(pages_of(pdfs / name)) for name in NAMES)


@pytest.mark.parametrize("name", NAMES)
def test_contents_pages_are_skipped(pdfs, name):
    text, pages = _text_and_pages(pdfs, name)
    out = letters(text)
    for entry in _contents_entries(pages):
        assert letters(entry) not in out, entry  # the entry with its page number


def _footnotes(pages) -> list[list[str]]:
    """Each page's footnotes: small type under its body text, in its lower half, starting with a number."""
    size = body_size(pages)
    keys = furniture(pages)
    out = []
    for lines in pages:
        lines = [line for line in lines if not is_furniture(line, lines, keys)]
        body = [line for line in lines if line.size >= 0.9 * size]
        if not body:
            continue
        below = [line for line in lines if line.top > body[-1].bottom - 1 and line.size < 0.9 * size]
        if below and re.fullmatch(r"\d{1,3}", below[0].text) and len(below) > 1:
            below = [replace(below[1], text=f"{below[0].text} {below[1].text}")] + below[2:]  # a raised number
        if below and re.match(r"\d{1,3}\s?\S", below[0].text) and below[0].top > 0.5 * max(l.bottom for l in lines):
            out.append([line.text for line in below])
    return out


def test_some_real_pdf_has_a_footnote(pdfs):
    assert any(_footnotes(pages_of(pdfs / name)) for name in NAMES)


@pytest.mark.parametrize("name", NAMES)
def test_footnotes_stay_out_of_paragraphs(pdfs, name):
    text, pages = _text_and_pages(pdfs, name)
    for note in _footnotes(pages):
        first = letters(re.sub(r"^\d{1,3}\s?", "", note[0]))
        whole = letters(" ".join(note))
        for line in text.splitlines():
            if first[:40] in letters(line):
                assert letters(line) in whole, line[:80]  # the note alone, never inside body text


def _cuts(pages) -> list[tuple[str, str]]:
    """(a page's last body line, the next page's first body line) where the first ends mid-sentence."""
    size = body_size(pages)
    keys = furniture(pages)
    out = []
    for lines, after in zip(pages, pages[1:]):
        body = [line for line in lines if not is_furniture(line, lines, keys) and line.size >= 0.9 * size]
        following = [line for line in after if not is_furniture(line, after, keys) and line.size >= 0.9 * size]
        if not body or not following:
            continue
        last, first = body[-1], following[0]
        if last.size == size == first.size and not last.bold and not first.bold and not _ENDS.search(last.text) \
                and not first.bulleted and len(last.text.split()) >= 5:
            out.append((last.text, first.text))
    return out


def test_some_real_pdf_has_a_paragraph_cut_by_a_page_break(pdfs):
    assert any(_cuts(pages_of(pdfs / name)) for name in NAMES)


@pytest.mark.parametrize("name", NAMES)
def test_paragraphs_cut_by_a_page_break_are_joined(pdfs, name):
    text, pages = _text_and_pages(pdfs, name)
    lines = [letters(line) for line in text.splitlines()]
    for last, first in _cuts(pages):
        joint = letters(" ".join(last.split()[-4:])) + letters(" ".join(first.split()[:4]))
        assert any(joint in line for line in lines), (last, first)


@pytest.mark.parametrize("name", NAMES)
def test_real_pdfs_are_not_peel_reports(pdfs, name):
    with pytest.raises(PipelineError, match="not a PEEL inspection report") as err:
        process_file(pdfs / name)
    assert str(err.value).startswith(f"{pdfs / name}: ") and "\n" not in str(err.value)


def test_a_run_over_them_names_each_file_once_and_writes_nothing(pdfs, tmp_path):
    names = [*NAMES, NOT_A_PDF]
    result = CliRunner().invoke(main, ["run", *(str(pdfs / name) for name in names), "--out", str(tmp_path / "out")])
    assert result.exit_code == 1
    errors = [line for line in result.stderr.splitlines() if line.startswith("error: ")]
    assert sorted(errors) == sorted(
        next(line for line in errors if line.startswith(f"error: {pdfs / name}: ")) for name in names)
    assert all("not a PEEL inspection report" in line for line in errors)
    assert not (tmp_path / "out").exists()
    # The file named .pdf that holds a saved web page is read as the page, and the user told so;
    # the real PDFs draw no such warning.
    misnamed = [line for line in result.stderr.splitlines() if "not a PDF but a web page" in line]
    assert misnamed == [f"warning: {pdfs / NOT_A_PDF}: not a PDF but a web page; read as a web page"]


@pytest.mark.parametrize("name", NAMES)
def test_bulleted_lines_are_list_items(pdfs, name):
    """A line set after a bullet (a glyph, or a dot drawn beside it) starts a list item of its own."""
    text, pages = _text_and_pages(pdfs, name)
    items = [letters(line[2:]) for line in text.splitlines() if line.startswith("• ")]
    keys = furniture(pages)
    for lines in pages:
        for line in lines:
            if line.bulleted and not is_furniture(line, lines, keys):
                start = letters(BULLET.sub("", line.text))[:30]
                assert any(item.startswith(start) for item in items), line.text


def _tables(path: Path) -> list[list[str]]:
    """The cells of each ruled table, as pdfplumber's table finder reads them."""
    import pdfplumber

    out = []
    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            for table in page.find_tables():
                cells = [" ".join(cell.split()) for row in table.extract() for cell in row if cell and cell.strip()]
                if len(table.rows) >= 2 and len(cells) >= 4:
                    out.append(cells)
            page.close()
    return out


def test_some_real_pdf_has_a_table(pdfs):
    assert any(_tables(pdfs / name) for name in NAMES)


@pytest.mark.parametrize("name", NAMES)
def test_tables_are_read_cell_by_cell(pdfs, name):
    """Each cell of a ruled table (a judgment beside its area) stays whole, not interleaved with its neighbour."""
    text, _ = _text_and_pages(pdfs, name)
    lines = [letters(line) for line in text.splitlines()]
    for cells in _tables(pdfs / name):
        for cell in cells:
            assert any(letters(cell) in line for line in lines), cell
