"""PDF reports: generated the way the inspectorate lays them out, read back to the same data."""
from __future__ import annotations

import re
import shutil
from pathlib import Path

import pandas as pd
import pdfplumber
import pytest
from click.testing import CliRunner
from reportlab.lib.pagesizes import A4
from reportlab.lib.pdfencrypt import StandardEncryption
from reportlab.pdfgen import canvas

from pipeline import export
from pipeline.cli import main
from pipeline.model import PipelineError
from pipeline.pdf import read_pdf
from pipeline.runner import process_file

from conftest import CAMBRIDGESHIRE
from pdfmaker import STYLES, make_pdf
from pdflines import body_text, pages_of

FORCE = "Cambridgeshire Constabulary"
FOOTNOTE = ("victims", "Victims include those at standard, medium and high risk of harm.")


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    """The Cambridgeshire report as a PDF, with where each unit of text was placed."""
    path = tmp_path_factory.mktemp("pdf") / "cambridgeshire-peel-2015-effectiveness.pdf"
    units = make_pdf(CAMBRIDGESHIRE.read_text("utf-8"), path, FORCE, footnote=FOOTNOTE)
    return path, units


@pytest.fixture(scope="module")
def from_pdf(generated):
    return process_file(generated[0])


def _items(report, kind):
    return [(i.question_number, i.text, getattr(i, "cause_of_concern_id", None)) for i in getattr(report, kind)]


def test_pdf_gives_the_same_report_as_the_text(from_pdf, cambridgeshire):
    pdf, text = from_pdf.report, cambridgeshire.report
    for field in ("report_id", "page_type", "force", "peel_year", "pillar", "title", "headline_question",
                  "last_updated", "overall_grade"):
        assert getattr(pdf, field) == getattr(text, field), field
    assert [(q.number, q.question, q.grade) for q in pdf.questions] == [
        (q.number, q.question, q.grade) for q in text.questions]
    assert [(g.scope, g.subject, g.grade, g.previous_grade, g.previous_year) for g in pdf.grades] == [
        (g.scope, g.subject, g.grade, g.previous_grade, g.previous_year) for g in text.grades]
    for kind in ("areas_for_improvement", "causes_of_concern", "recommendations"):
        assert _items(pdf, kind) == _items(text, kind), kind
    assert [r.lead_in for r in pdf.recommendations] == [r.lead_in for r in text.recommendations]


def test_pdf_gives_the_same_sentences_and_labels(from_pdf, cambridgeshire):
    def rows(labelled):
        return [(s.text, s.label, s.section, s.question_number) for s in labelled.sentences]

    assert rows(from_pdf) == rows(cambridgeshire)


def _pages_in_order(units, texts):
    """The pages of the unit holding each text, matching texts to units in reading order."""
    out, k, pos = [], 0, 0
    for text in texts:
        while units[k].text.find(text, pos) < 0:
            k, pos = k + 1, 0
        pos = units[k].text.find(text, pos) + len(text)
        out.append(units[k].pages)
    return out


def test_every_row_names_its_page(from_pdf, generated):
    _, units = generated
    source = from_pdf.report.source
    sentences = from_pdf.sentences
    for sentence, pages in zip(sentences, _pages_in_order(units, [s.text for s in sentences])):
        assert source.page_of(sentence.char_start) in pages, (sentence.text[:50], pages)
    lines = sorted(from_pdf.report.grades, key=lambda g: g.char_start)  # (the table lists grade lines first)
    for grade, pages in zip(lines, _pages_in_order(units, [g.text for g in lines])):
        assert source.page_of(grade.char_start) in pages, (grade.text, pages)
    tables = export.tables([from_pdf])
    for name, frame in tables.items():
        assert frame["page"].notna().all(), name
    (report_row,) = tables["reports.csv"].to_dict("records")
    assert report_row["pages"] == len(pdfplumber.open(generated[0]).pages)


def test_text_reports_have_no_page(cambridgeshire):
    tables = export.tables([cambridgeshire])
    assert all(frame["page"].isna().all() for frame in tables.values())


def test_running_headers_footers_and_contents_are_removed(from_pdf):
    text = from_pdf.report.source.text
    assert f"{FORCE} –" not in text  # running header
    assert "Contents" not in text
    assert not [line for line in text.splitlines() if re.fullmatch(r"\d+", line.strip())
                and line.strip() not in {"1", "2", "3", "4"}]  # page numbers (question numbers stay)
    # The question numbers are headings of their own, as in the web page.
    assert [q.number for q in from_pdf.report.questions] == [1, 2, 3, 4]


def test_hyphenated_words_are_joined_and_compounds_kept(from_pdf, generated):
    path, _ = generated
    with pdfplumber.open(path) as pdf:
        raw = "\n".join(page.extract_text() for page in pdf.pages)
    broken = re.findall(r"([a-z]+)-\n([a-z]+)", raw)
    assert broken, "the generated PDF should hyphenate some words at line ends"
    text = from_pdf.report.source.text
    for head, tail in broken:
        assert f"{head}{tail}" in text or f"{head}-{tail}" in text
        assert f"{head}-\n" not in text
    assert "anti-social" in text and "antisocial" not in text
    assert "well-developed" in text


def test_paragraph_across_a_page_break_is_one_paragraph(from_pdf, generated):
    _, units = generated
    split = [u for u in units if u.kind == "paragraph" and len(u.pages) == 2]
    assert split, "the generated PDF should run a paragraph across a page break"
    blocks = {b.text for b in from_pdf.report.blocks}
    for unit in split:
        assert unit.text in blocks
        start = from_pdf.report.source.text.index(unit.text)
        end = start + len(unit.text)
        assert (from_pdf.report.source.page_of(start), from_pdf.report.source.page_of(end - 1)) == tuple(unit.pages)


def test_headings_and_bullets_are_recognised(from_pdf):
    prose = {b.text for b in from_pdf.report.blocks}
    for heading in ("Areas for improvement", "Cause of concern", "Recommendations", "Good", "Requires improvement"):
        assert heading not in prose
    items = [b for b in from_pdf.report.blocks if b.kind == "list_item"]
    assert len(items) == 9  # five areas for improvement and four recommendations


def test_footnote_markers_and_footnotes_stay_out_of_sentences(from_pdf):
    text = from_pdf.report.source.text
    assert FOOTNOTE[1] not in text
    marked = next(s for s in from_pdf.sentences if "protects most victims well" in s.text)
    assert "victims well" in marked.text and not re.search(r"victims\s*1", marked.text)


CORPUS_EXCERPTS = ["essex_2016_effectiveness", "west-mercia_2018_efficiency", "cheshire_2018_efficiency",
                   "avon-and-somerset_2017_overview", "sussex_2015_legitimacy", "humberside_2016_effectiveness"]


@pytest.mark.parametrize("name", CORPUS_EXCERPTS)
def test_corpus_excerpts_as_pdfs_match_their_text(corpus, tmp_path, name):
    source = corpus / "texts" / f"{name}.txt"
    path = tmp_path / f"{name}.pdf"
    make_pdf(source.read_text("utf-8"), path, name.split("_")[0].replace("-", " ").title())
    pdf, text = process_file(path), process_file(source)

    def norm(value: str | None) -> str | None:
        return " ".join(value.split()) if value else value

    assert (pdf.report.report_id, pdf.report.overall_grade, pdf.report.last_updated) == (
        text.report.report_id, text.report.overall_grade, text.report.last_updated)
    assert [(g.scope, g.grade, norm(g.subject)) for g in pdf.report.grades] == [
        (g.scope, g.grade, norm(g.subject)) for g in text.report.grades]
    for kind in ("areas_for_improvement", "causes_of_concern", "recommendations"):
        assert [(norm(i.text), i.truncated) for i in getattr(pdf.report, kind)] == [
            (norm(i.text), i.truncated) for i in getattr(text.report, kind)], kind
    assert [(norm(s.text), s.label, s.truncated) for s in pdf.sentences] == [
        (norm(s.text), s.label, s.truncated) for s in text.sentences]


def _scanned(path: Path) -> None:
    page = canvas.Canvas(str(path), pagesize=A4)
    page.rect(72, 72, 400, 600, fill=1)  # an image of a page, no text layer
    page.showPage()
    page.save()


def _encrypted(path: Path) -> None:
    page = canvas.Canvas(str(path), pagesize=A4, encrypt=StandardEncryption("secret", canPrint=0))
    page.drawString(72, 720, "Cambridgeshire PEEL 2015")
    page.save()


def _corrupt(path: Path, source: Path) -> None:
    data = source.read_bytes()
    path.write_bytes(data[:400] + b"\x00garbage" * 50)


@pytest.mark.parametrize(
    "make, message",
    [
        (lambda p, g: _scanned(p), "no text layer"),
        (lambda p, g: _encrypted(p), "encrypted PDF"),
        (lambda p, g: _corrupt(p, g), "not a readable PDF"),
        (lambda p, g: p.write_bytes(b"%PDF-1.4\n"), "not a readable PDF"),
        (lambda p, g: p.write_text("Cambridgeshire PEEL 2015", "utf-8"), "not a PDF"),
    ],
    ids=["scanned", "encrypted", "corrupt", "empty-pdf", "text-named-pdf"],
)
def test_unreadable_pdfs_are_one_line_errors(tmp_path, generated, make, message):
    path = tmp_path / "bad.pdf"
    make(path, generated[0])
    with pytest.raises(PipelineError) as err:
        read_pdf(path)
    assert str(err.value).startswith(f"{path}: ") and message in str(err.value)
    assert "\n" not in str(err.value)


def test_page_limit_and_the_run_goes_on(tmp_path, generated):
    folder = tmp_path / "raw"
    folder.mkdir()
    shutil.copy(generated[0], folder / "long.pdf")
    shutil.copy(CAMBRIDGESHIRE, folder)
    _scanned(folder / "scanned.pdf")
    result = CliRunner().invoke(main, ["run", str(folder), "--out", str(tmp_path / "out"), "--max-pages", "5"])
    assert result.exit_code == 1
    errors = [line for line in result.stderr.splitlines() if line.startswith("error: ")]
    assert len(errors) == 2
    assert any("long.pdf" in e and "over the limit of 5 (--max-pages)" in e for e in errors)
    assert any("scanned.pdf" in e and "no text layer" in e for e in errors)
    frame = pd.read_csv(tmp_path / "out" / "reports.csv", encoding="utf-8-sig")
    assert list(frame["source_file"]) == [CAMBRIDGESHIRE.name]


def test_pdf_and_text_of_one_report_in_one_run(tmp_path, generated):
    folder = tmp_path / "raw"
    folder.mkdir()
    shutil.copy(generated[0], folder)
    shutil.copy(CAMBRIDGESHIRE, folder)
    result = CliRunner().invoke(main, ["run", str(folder), "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.stderr
    reports = pd.read_csv(tmp_path / "out" / "reports.csv", encoding="utf-8-sig")
    ids = dict(zip(reports["source_file"], reports["report_id"]))
    assert ids == {"cambridgeshire-peel-2015-effectiveness.pdf": "cambridgeshire-2015-effectiveness",
                   "cambridgeshire-peel-2015-effectiveness.txt": "cambridgeshire-2015-effectiveness-txt"}
    sentences = pd.read_csv(tmp_path / "out" / "sentences.csv", encoding="utf-8-sig")
    rebuilt = (tmp_path / "out" / "text" / "cambridgeshire-2015-effectiveness.txt").read_text("utf-8")
    assert not (tmp_path / "out" / "text" / "cambridgeshire-2015-effectiveness-txt.txt").exists()
    pdf_rows = sentences[sentences["report_id"] == "cambridgeshire-2015-effectiveness"]
    for row in pdf_rows.to_dict("records"):
        assert rebuilt[row["char_start"]:row["char_end"]] == row["text"]
    text_rows = sentences[sentences["report_id"] == "cambridgeshire-2015-effectiveness-txt"]
    assert len(pdf_rows) == len(text_rows) == 78
    assert pdf_rows["page"].notna().all() and pdf_rows["page"].min() >= 3
    assert text_rows["page"].isna().all()


# --- Other layouts: pdfmaker's styles, and files laid out by WeasyPrint and LibreOffice ------

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "pdf"
ENGINES = ["weasyprint", "browser", "libreoffice"]
STYLED = [name for name in STYLES if name != "default"]


def _letters(text: str) -> str:
    """Letters and digits only: text compared across line breaks, hyphens and spacing."""
    return re.sub(r"[^0-9a-z]", "", text.lower())


@pytest.fixture(scope="module")
def laid_out(tmp_path_factory):
    """The Cambridgeshire report as a PDF per layout: pdfmaker's styles and the engines' fixtures."""
    out = {}
    text = CAMBRIDGESHIRE.read_text("utf-8")
    for name in STYLED:
        path = tmp_path_factory.mktemp(name) / "cambridgeshire-peel-2015-effectiveness.pdf"
        make_pdf(text, path, FORCE, footnote=FOOTNOTE, style=STYLES[name])
        out[name] = path
    for engine in ENGINES:
        out[engine] = FIXTURES / engine / "cambridgeshire-peel-2015-effectiveness.pdf"
    return out


@pytest.mark.parametrize("layout", STYLED + ENGINES)
def test_every_layout_gives_the_gold(laid_out, cambridgeshire, cambridgeshire_gold, layout):
    result = process_file(laid_out[layout])
    pdf, text = result.report, cambridgeshire.report
    for field in ("page_type", "force", "peel_year", "pillar", "title", "headline_question", "last_updated",
                  "overall_grade"):
        assert getattr(pdf, field) == getattr(text, field), field
    assert [(q.number, q.question, q.grade) for q in pdf.questions] == [
        (q.number, q.question, q.grade) for q in text.questions]
    assert [(g.scope, g.subject, g.grade, g.previous_grade, g.previous_year) for g in pdf.grades] == [
        (g.scope, g.subject, g.grade, g.previous_grade, g.previous_year) for g in text.grades]
    for kind in ("areas_for_improvement", "causes_of_concern", "recommendations"):
        assert _items(pdf, kind) == _items(text, kind), kind
    assert [r.lead_in for r in pdf.recommendations] == [r.lead_in for r in text.recommendations]
    assert [(s.text, s.label, s.section, s.question_number) for s in result.sentences] == [
        (s.text, s.label, s.section, s.question_number) for s in cambridgeshire.sentences]
    assert len(pdf.areas_for_improvement) == 5 and len(pdf.recommendations) == 4
    assert pdf.overall_grade == cambridgeshire_gold.get("overall_grade", pdf.overall_grade)


@pytest.mark.parametrize("layout", STYLED + ENGINES)
def test_every_layout_names_the_right_pages(laid_out, layout):
    """Each sentence and grade is on the page whose own text (read bare by pdfplumber) holds its start."""
    path = laid_out[layout]
    pages = body_text(pages_of(path, STYLES[layout].columns if layout in STYLES else 1))
    result = process_file(path)
    source = result.report.source
    spans = [(s.text, s.char_start) for s in result.sentences] + [(g.text, g.char_start) for g in result.report.grades]
    for text, start in spans:
        head = _letters(" ".join(text.split()[:5]))
        holding = [number for number, page in enumerate(pages, start=1) if head in page] or [
            number for number, page in enumerate(pages[:-1], start=1) if head in page + pages[number]]
        assert holding, text  # on one page, or begun at the foot of one and run on to the next
        if len(holding) == 1:  # words that open several pages' text say nothing about which
            assert source.page_of(start) in holding or source.page_of(start + len(text) - 1) in holding, (
                text[:60], source.page_of(start), holding)


@pytest.mark.parametrize("layout", STYLED + ENGINES)
def test_every_layout_drops_furniture_footnotes_and_contents(laid_out, layout):
    text = read_pdf(laid_out[layout]).text
    assert "Contents" not in text and f"{FORCE} –" not in text
    assert not re.search(r"\.{4,}", text)  # dot leaders
    assert FOOTNOTE[1] not in text and "standard, medium and high risk" not in text
    assert not re.search(r"victims\s?1\b", text)  # the marker is not glued to its word
    lines = [line for line in text.splitlines() if line.strip()]
    assert not [line for line in lines if re.fullmatch(r"(?:Page )?\d+", line) and line not in "1234"]


def test_lines_carry_their_kind(laid_out):
    source = read_pdf(laid_out["weasyprint"])
    kinds = {line.text: line.kind for line in source.lines if line.text}
    assert kinds["Cambridgeshire PEEL 2015"] == "heading1"
    assert kinds["Areas for improvement"].startswith("heading")
    assert kinds["Requires improvement"].startswith("heading")
    assert all(kind == "list_item" for text, kind in kinds.items() if text.startswith("• "))
    assert sum(1 for kind in kinds.values() if kind == "list_item") == 9
    assert all(kind in ("paragraph", "list_item") or kind.startswith("heading") for kind in kinds.values())
    assert sum(1 for kind in kinds.values() if kind == "paragraph") >= 20


ENGINE_EXCERPTS = ["essex_2016_effectiveness", "avon-and-somerset_2017_overview", "cheshire_2018_efficiency",
                   "sussex_2015_legitimacy"]


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("name", ENGINE_EXCERPTS)
def test_corpus_excerpts_laid_out_by_other_engines_match_their_text(corpus, engine, name):
    pdf = process_file(FIXTURES / engine / f"{name}.pdf")
    text = process_file(corpus / "texts" / f"{name}.txt")

    def norm(value: str | None) -> str | None:
        return " ".join(value.split()) if value else value

    assert (pdf.report.page_type, pdf.report.force, pdf.report.peel_year, pdf.report.overall_grade,
            pdf.report.last_updated) == (text.report.page_type, text.report.force, text.report.peel_year,
                                         text.report.overall_grade, text.report.last_updated)
    assert [(g.scope, g.grade, norm(g.subject)) for g in pdf.report.grades] == [
        (g.scope, g.grade, norm(g.subject)) for g in text.report.grades]
    assert [(q.number, norm(q.question), q.grade) for q in pdf.report.questions] == [
        (q.number, norm(q.question), q.grade) for q in text.report.questions]
    for kind in ("areas_for_improvement", "causes_of_concern", "recommendations"):
        assert [(norm(i.text), i.truncated) for i in getattr(pdf.report, kind)] == [
            (norm(i.text), i.truncated) for i in getattr(text.report, kind)], kind
    assert [(norm(s.text), s.label, s.truncated) for s in pdf.sentences] == [
        (norm(s.text), s.label, s.truncated) for s in text.sentences]


@pytest.mark.parametrize("style", STYLED)
@pytest.mark.parametrize("name", CORPUS_EXCERPTS[:3])
def test_corpus_excerpts_in_other_styles_match_their_text(corpus, tmp_path, style, name):
    source = corpus / "texts" / f"{name}.txt"
    path = tmp_path / f"{name}.pdf"
    make_pdf(source.read_text("utf-8"), path, name.split("_")[0].replace("-", " ").title(), style=STYLES[style])
    pdf, text = process_file(path), process_file(source)

    def norm(value: str | None) -> str | None:
        return " ".join(value.split()) if value else value

    assert [(g.scope, g.grade, norm(g.subject)) for g in pdf.report.grades] == [
        (g.scope, g.grade, norm(g.subject)) for g in text.report.grades]
    assert [(norm(s.text), s.label, s.truncated) for s in pdf.sentences] == [
        (norm(s.text), s.label, s.truncated) for s in text.sentences]


JUDGMENTS_2021 = """Cheshire PEEL 2021/22

Overall summary

Our judgments

Our inspection assessed how good Cheshire Constabulary is in five areas of policing. We make graded judgments \
in all five as follows:

Outstanding

Developing a positive workplace

Good

Preventing crime

Responding to the public

Adequate

Investigating crime

Requires improvement

Protecting vulnerable people

We set out our detailed findings about things the force is doing well and where the force should improve in \
the rest of this report.
"""


def _judgments_table_pdf(path: Path) -> None:
    """The 2021/22 layout: the grades head the columns of a ruled table, the areas sit under them."""
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    body = ParagraphStyle("body", fontName="Vera", fontSize=11, leading=15)
    heading = ParagraphStyle("heading", fontName="VeraBd", fontSize=14, leading=18, spaceBefore=8, spaceAfter=6)
    blocks = [block.strip() for block in JUDGMENTS_2021.split("\n\n")]
    grades = ["Outstanding", "Good", "Adequate", "Requires improvement", "Inadequate"]
    areas = {"Outstanding": ["Developing a positive workplace"], "Good": ["Preventing crime", "Responding to the public"],
             "Adequate": ["Investigating crime"], "Requires improvement": ["Protecting vulnerable people"],
             "Inadequate": []}
    cell = ParagraphStyle("cell", fontName="Vera", fontSize=9, leading=11)
    table = Table([[Paragraph(g, ParagraphStyle("head", fontName="VeraBd", fontSize=9, leading=11)) for g in grades],
                   [[Paragraph(a, cell) for a in areas[g]] for g in grades]], colWidths=[90] * 5)
    table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, "black"), ("VALIGN", (0, 0), (-1, -1), "TOP")]))
    story = [Paragraph(blocks[0], ParagraphStyle("title", fontName="VeraBd", fontSize=22, leading=28)),
             Paragraph(blocks[1], heading), Paragraph(blocks[2], heading), Paragraph(blocks[3], body), Spacer(1, 8),
             table, Spacer(1, 8), Paragraph(blocks[-1], body)]
    SimpleDocTemplate(str(path), pagesize=A4).build(story)


def test_a_judgments_table_gives_the_areas_grades(tmp_path):
    source = tmp_path / "cheshire-2021.txt"
    source.write_text(JUDGMENTS_2021, "utf-8")
    path = tmp_path / "cheshire-2021.pdf"
    _judgments_table_pdf(path)
    with pdfplumber.open(path) as pdf:
        assert pdf.pages[0].find_tables(), "the table should be ruled, as the 2021/22 reports' is"
    pdf, text = process_file(path).report, process_file(source).report
    assert [(g.scope, g.subject, g.grade) for g in pdf.grades] == [(g.scope, g.subject, g.grade) for g in text.grades]
    assert len(pdf.grades) == 5 and pdf.page_type == "report"
    kinds = {line.text: line.kind for line in pdf.source.lines if line.text}
    assert kinds["Responding to the public"] == "table_row" and kinds["Good"].startswith("heading")
