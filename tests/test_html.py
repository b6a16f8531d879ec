"""Web pages (.html, .htm) read from their markup: the same report as the page saved as text.

The pages are the Cambridgeshire report and the corpus excerpts laid out by
``htmlmaker`` in the inspectorate site's shape (cookie banner, skip link, header and
navigation, breadcrumbs, main, aside, footer); the expectations are the Cambridgeshire
gold and what the pipeline reads from the same text saved as ``.txt``.
"""
from __future__ import annotations

import pandas as pd
import pytest
from click.testing import CliRunner

from pipeline import readers
from pipeline.cli import main
from pipeline.model import LINE_KINDS, PipelineError
from pipeline.runner import SUPPORTED_SUFFIXES, collect_inputs, process_file

from conftest import CAMBRIDGESHIRE
from htmlmaker import FURNITURE, page_html

TEXT = CAMBRIDGESHIRE.read_text("utf-8")
TITLE = "Cambridgeshire PEEL 2015 - HMICFRS"
NAME = "cambridgeshire-peel-2015-effectiveness.html"


@pytest.fixture(scope="module")
def page(tmp_path_factory):
    path = tmp_path_factory.mktemp("html") / NAME
    path.write_text(page_html(TEXT, TITLE), "utf-8")
    return path


@pytest.fixture(scope="module")
def from_page(page):
    return process_file(page)


def _words(text: str) -> str:
    return " ".join(text.split())


def _summary(labelled) -> dict:
    """What a report states, each text on its words alone (layouts differ in whitespace only)."""
    r = labelled.report
    out = {f: getattr(r, f) for f in ("report_id", "page_type", "force", "peel_year", "pillar", "title",
                                      "headline_question", "last_updated", "overall_grade")}
    out["questions"] = [(q.number, _words(q.question), q.grade) for q in r.questions]
    out["grades"] = [(g.scope, _words(g.subject), g.question_number, g.grade, g.previous_grade, g.previous_year,
                      g.framework_question) for g in r.grades]
    for kind in ("areas_for_improvement", "causes_of_concern", "recommendations"):
        out[kind] = [(i.question_number, _words(i.text), i.truncated, getattr(i, "cause_of_concern_id", None))
                     for i in getattr(r, kind)]
    out["lead_ins"] = [_words(rec.lead_in or "") for rec in r.recommendations]
    out["sentences"] = [(_words(s.text), s.label, s.section, s.question_number, s.truncated)
                        for s in labelled.sentences]
    return out


# The Cambridgeshire page ------------------------------------------------------------

def test_page_gives_exactly_the_gold(from_page, cambridgeshire_gold, cambridgeshire_sentences):
    report, gold = from_page.report, cambridgeshire_gold["report"]
    assert report.report_id == "cambridgeshire-2015-effectiveness"
    for field in ("force", "force_short", "peel_year", "pillar", "title", "headline_question", "last_updated",
                  "overall_grade"):
        assert getattr(report, field) == gold[field], field
    assert [{"number": q.number, "question": q.question, "grade": q.grade} for q in report.questions] == \
        cambridgeshire_gold["questions"]
    for kind in ("areas_for_improvement", "causes_of_concern", "recommendations"):
        assert [{"question": i.question_number, "text": i.text} for i in getattr(report, kind)] == \
            cambridgeshire_gold[kind], kind
    (concern,) = report.causes_of_concern
    for rec in report.recommendations:
        assert rec.lead_in == cambridgeshire_gold["recommendations_lead_in"]
        assert rec.cause_of_concern_id == concern.cause_of_concern_id
    assert [s.text for s in from_page.sentences] == [s["text"] for s in cambridgeshire_sentences]


def test_page_gives_the_same_grades_items_and_labels_as_the_text(from_page, cambridgeshire):
    assert _summary(from_page) == _summary(cambridgeshire)


def test_lines_carry_what_the_markup_says_they_are(from_page):
    source = from_page.report.source
    assert source.encoding == "html (utf-8)"
    kinds = {line.kind for line in source.lines if line.text.strip()}
    assert kinds <= set(LINE_KINDS) and {"heading1", "heading2", "paragraph", "list_item"} <= kinds
    first = next(line for line in source.lines if line.text.strip())
    assert (first.kind, first.text) == ("heading1", "Cambridgeshire PEEL 2015")
    items = [line.text for line in source.lines if line.kind == "list_item"]
    assert items and all(text.startswith("• ") for text in items)
    assert sum(len(report_items) for report_items in (from_page.report.areas_for_improvement,
                                                      from_page.report.recommendations)) == len(items)
    assert all(line.kind is None for line in source.lines if not line.text.strip())


def test_page_furniture_appears_nowhere_in_the_text(from_page):
    text = from_page.report.source.text
    for furniture in FURNITURE:
        assert furniture not in text, furniture
    assert "Home" not in text and "Crown copyright" not in text and "dataLayer" not in text


def test_a_page_without_main_still_works(tmp_path, cambridgeshire):
    path = tmp_path / NAME
    path.write_text(page_html(TEXT, TITLE, main=False), "utf-8")
    labelled = process_file(path)
    assert _summary(labelled) == _summary(cambridgeshire)
    for furniture in FURNITURE:
        assert furniture not in labelled.report.source.text, furniture


def test_a_title_above_main_and_headings_that_link_to_themselves(tmp_path, cambridgeshire):
    """Themes set the page's title in a page header above <main>, and make headings anchors."""
    markup = page_html(TEXT, TITLE)
    title = "<h1>Cambridgeshire PEEL 2015</h1>"
    markup = markup.replace(title, "").replace('<main id="content"', f'<div class="page-header">{title}</div>\n'
                                                                       '<main id="content"')
    question = "How effective is the force at investigating crime and managing offenders?"
    markup = markup.replace(f"<h2>{question}</h2>", f'<h2 id="q2"><a href="#q2">{question}</a></h2>')
    path = tmp_path / NAME
    path.write_text(markup, "utf-8")
    labelled = process_file(path)
    assert _summary(labelled) == _summary(cambridgeshire)
    assert labelled.report.source.text.startswith("Cambridgeshire PEEL 2015\n\nEffectiveness\n")


def test_every_row_traces_to_the_written_text(tmp_path, page, cambridgeshire):
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / NAME).write_bytes(page.read_bytes())
    out = tmp_path / "processed"
    result = CliRunner().invoke(main, ["run", str(raw), "--out", str(out), "--quiet"])
    assert result.exit_code == 0, result.stderr
    text = (out / "text" / "cambridgeshire-2015-effectiveness.txt").read_text("utf-8")
    assert "Skip to content" not in text and text.startswith("Cambridgeshire PEEL 2015\n")
    reports = pd.read_csv(out / "reports.csv", encoding="utf-8-sig", keep_default_na=False, dtype=str)
    assert list(reports["source_file"]) == [NAME]
    counted = 0
    for name in ("sentences.csv", "grades.csv", "questions.csv", "areas_for_improvement.csv",
                 "causes_of_concern.csv", "recommendations.csv"):
        frame = pd.read_csv(out / name, encoding="utf-8-sig", keep_default_na=False, dtype=str)
        assert len(frame), name
        for row in frame.to_dict("records"):
            stated = row["question"] if name == "questions.csv" else row["text"]
            assert text[int(row["char_start"]):int(row["char_end"])] == stated.removeprefix("'"), (name, row)
            counted += 1
    assert counted >= len(cambridgeshire.sentences)


# Corpus excerpts laid out as pages ----------------------------------------------------

def test_corpus_pages_give_the_same_structure_as_their_text(corpus, tmp_path):
    texts = sorted((corpus / "texts").glob("*.txt"))
    assert len(texts) > 200
    differ = []
    for text in texts:
        path = tmp_path / f"{text.stem}.html"
        path.write_text(page_html(text.read_text("utf-8"), text.stem), "utf-8")
        try:
            want = _summary(process_file(text))
        except PipelineError as exc:  # a text the pipeline refuses is refused as a page too
            want = str(exc).replace(str(text), "FILE")
        try:
            got = _summary(process_file(path))
        except PipelineError as exc:
            got = str(exc).replace(str(path), "FILE")
        if got != want:
            differ.append(text.name)
    assert not differ, differ


# Markup: landmarks, hidden elements, tables, character sets -------------------------------

def _page(body: str, head: str = '<meta charset="utf-8">') -> str:
    return f"<!DOCTYPE html>\n<html><head>{head}<title>t</title></head><body>{body}</body></html>\n"


_REPORT = ("<h1>Cambridgeshire PEEL 2015</h1><h2>Effectiveness</h2>"
           "<p>Cambridgeshire Constabulary is good at preventing crime.</p>")


def test_landmarks_hidden_elements_and_skip_links_are_left_out(tmp_path):
    body = (
        '<div role="dialog"><p>Cookie notice words</p></div>'
        '<p><a href="#main">Skip to main content</a></p>'
        '<header><nav><ul><li><a href="/">Menu words</a></li></ul></nav></header>'
        '<main id="main">'
        '<div role="alert"><p>Consultation banner words</p></div>'
        f"{_REPORT}"
        '<p hidden>Hidden words</p><div aria-hidden="true"><p>Aria hidden words</p></div>'
        '<p style="display: none">Styled away words</p>'
        "<noscript><p>Noscript words</p></noscript><template><p>Template words</p></template>"
        "<script>var scriptWords = 1;</script><style>.styleWords {}</style>"
        '<form role="search"><label>Search words</label><input name="q"></form>'
        '<aside><p>Aside words</p></aside>'
        '<p><a href="#top">Back to top</a></p>'
        '<p>See <a href="#findings">our findings</a> below.</p>'
        '<ul class="share-links"><li><a href="https://twitter.com/intent/tweet?u=x">Tweet words</a></li></ul>'
        '<ul><li><a href="https://www.facebook.com/sharer/sharer.php?u=x">Facebook words</a></li>'
        '<li><a href="mailto:?subject=x">Email words</a></li></ul>'
        "</main>"
        '<footer><p>Footer words</p></footer>'
    )
    path = tmp_path / "page.html"
    path.write_text(_page(body), "utf-8")
    text = readers.read(path).text
    assert text == ("Cambridgeshire PEEL 2015\n\nEffectiveness\n\n"
                    "Cambridgeshire Constabulary is good at preventing crime.\n\nSee our findings below.\n")
    assert "words" not in text.lower()


def test_an_articles_own_header_is_content_and_tables_read_row_by_row(tmp_path):
    body = ('<header class="site"><p>Site words</p></header><article>'
            "<header><h1>Kent PEEL 2021/22</h1></header>"
            "<p>Line one<br>line two</p>"
            "<table><tr><th>Area</th><th>Grade</th></tr><tr><td>Investigating <b>crime</b></td><td>Good</td></tr>"
            "</table><ol><li>First <p>item</p></li><li>Second<ul><li>nested</li></ul></li></ol></article>")
    path = tmp_path / "page.htm"
    path.write_text(_page(body), "utf-8")
    source = readers.read(path)
    assert source.text == ("Kent PEEL 2021/22\n\nLine one\nline two\n\nArea | Grade\n\nInvestigating crime | Good"
                           "\n\n• First item\n\n• Second\n\n• nested\n")
    assert [(line.kind, line.text) for line in source.lines if line.text] == [
        ("heading1", "Kent PEEL 2021/22"), ("paragraph", "Line one"), ("paragraph", "line two"),
        ("table_row", "Area | Grade"), ("table_row", "Investigating crime | Good"),
        ("list_item", "• First item"), ("list_item", "• Second"), ("list_item", "• nested")]


def test_character_set_from_the_page_or_as_a_text_file(tmp_path):
    said = "HMIC\u2019s judgment \u2013 good"
    cases = {
        "meta-1252.html": (_page(f"<p>{said}</p>", '<meta charset="windows-1252">').encode("cp1252"),
                           "html (cp1252)"),
        "http-equiv-latin1.html": (_page(f"<p>{said}</p>", '<meta http-equiv="Content-Type" '
                                         'content="text/html; charset=ISO-8859-1">').encode("cp1252"), "html (cp1252)"),
        "no-charset-utf8.html": (_page(f"<p>{said}</p>", "").encode("utf-8"), "html (utf-8)"),
        "bom.html": (b"\xef\xbb\xbf" + _page(f"<p>{said}</p>", '<meta charset="windows-1252">').encode("utf-8"),
                     "html (utf-8)"),
        "utf-16.html": (_page(f"<p>{said}</p>", "").encode("utf-16"), "html (utf-16)"),
        "stray-byte.html": (_page(f"<p>{said}</p><p>caf\xe9</p>", "").encode("utf-8").replace(
            "caf\xe9".encode("utf-8"), b"caf\xe9"), "html (utf-8; 1 byte read as Windows-1252)"),
    }
    for name, (data, encoding) in cases.items():
        path = tmp_path / name
        path.write_bytes(data)
        warnings: list[str] = []
        source = readers.read(path, warnings=warnings)
        assert (source.encoding, source.text.splitlines()[0]) == (encoding, said), name
        assert warnings == ([f"{path}: decoded as {encoding}"] if ";" in encoding else []), name


# Bad pages: one line each, the other files still processed ----------------------------------

BAD_PAGES = {
    "empty.html": (b"", "file is empty"),
    "blank.htm": (b"  \n\n", "file is empty"),
    "no-body.html": (b"<!DOCTYPE html><html><head><title>PEEL</title></head></html>", "no report text"),
    "furniture-only.html": (_page("<header><p>HMICFRS</p></header><nav><a href='/'>Home</a></nav>"
                                  "<footer>Crown copyright</footer>").encode("utf-8"), "no report text"),
    "comment-only.html": (b"<!-- nothing here -->", "no report text"),
    "binary.html": (b"<html>\x00\x01\x02" * 50, "binary file"),
    "not-a-report.html": (_page("<main><h1>Bin collections</h1><p>Bins are emptied on Tuesdays.</p></main>")
                          .encode("utf-8"), "not a PEEL inspection report"),
}


def test_malformed_and_empty_pages_get_one_line_each_and_the_rest_is_processed(tmp_path, page):
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / NAME).write_bytes(page.read_bytes())
    # Unclosed tags and stray markup are read as a browser reads them.
    (raw / "unclosed.html").write_text(page_html(TEXT, TITLE).replace("</p>", "").replace("</li>", "").replace(
        "</main>", "").replace("</html>", "<div><span>"), "utf-8")
    for name, (data, _) in BAD_PAGES.items():
        (raw / name).write_bytes(data)
    result = CliRunner().invoke(main, ["run", str(raw), "--out", str(tmp_path / "out")])
    assert result.exit_code == 1, result.stderr
    errors = [line for line in result.stderr.splitlines() if line.startswith("error: ")]
    for name, (_, message) in BAD_PAGES.items():
        (line,) = [e for e in errors if str(raw / name) in e]
        assert message in line, (name, line)
    assert len(errors) == len(BAD_PAGES), errors
    reports = pd.read_csv(tmp_path / "out" / "reports.csv", encoding="utf-8-sig", keep_default_na=False, dtype=str)
    assert sorted(reports["source_file"]) == sorted([NAME, "unclosed.html"])


def test_a_page_over_the_size_limit_is_refused(tmp_path):
    path = tmp_path / "huge.html"
    with path.open("wb") as handle:
        handle.write(b"<html><body><p>")
        handle.truncate(readers.MAX_BYTES + 1)
    with pytest.raises(PipelineError, match=rf"^{path}: file is larger than 20 MB"):
        readers.read(path)


# The registry ---------------------------------------------------------------------

def test_registry_routes_each_file_type_and_sniffed_content(tmp_path, page):
    pdf = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n"
    html = page.read_bytes()
    cases = [  # (name, bytes, the reader it goes to)
        ("a.txt", TEXT.encode(), "text"), ("a.text", TEXT.encode(), "text"), ("a", TEXT.encode(), "text"),
        ("a.html", html, "web page"), ("a.HTM", html, "web page"), ("a.pdf", pdf, "PDF"),
        ("pdf-saved-as.txt", pdf, "PDF"), ("page-saved-as.txt", html, "web page"),
        ("page-saved-as.text", html, "web page"), ("page-without-suffix", html, "web page"),
        ("text-saved-as.html", TEXT.encode(), "web page"),
        ("fragment-with-bom.txt", b"\xef\xbb\xbf<html><p>Cambridgeshire</p></html>", "web page"),
    ]
    for name, data, reader in cases:
        path = tmp_path / name
        path.write_bytes(data)
        with path.open("rb") as handle:
            assert readers.reader_for(path, handle.read(200_000)).name == reader, name
    with pytest.raises(PipelineError, match=r"unsupported file type '\.docx' \(expected \.txt, \.text, \.html, "
                                            r"\.htm or \.pdf\)"):
        readers.reader_for(tmp_path / "a.docx", b"PK\x03\x04")
    assert readers.read(tmp_path / "page-saved-as.txt").encoding == "html (utf-8)"
    assert readers.read(tmp_path / "a.text").encoding == "utf-8"
    assert readers.read(tmp_path / "text-saved-as.html").encoding == "html (utf-8)"


def test_a_folder_search_reads_what_the_registry_reads(tmp_path, page):
    assert SUPPORTED_SUFFIXES == readers.SUFFIXES == (".txt", ".text", ".html", ".htm", ".pdf")
    for name in ("a.txt", "b.html", "c.htm", "d.text", "e.md"):
        (tmp_path / name).write_bytes(page.read_bytes())
    files, errors, skipped = collect_inputs([tmp_path])
    assert [f.name for f in files] == ["a.txt", "b.html", "c.htm", "d.text"]
    assert not errors and skipped == [f"{tmp_path}: skipped 1 .md file (only .txt, .text, .html, .htm and .pdf "
                                      "files are read)"]


def test_no_import_circle_and_the_old_names_still_work():
    import subprocess
    import sys

    # The PDF reader and the text reader share their lines module; neither imports ingest.
    loaded = subprocess.run([sys.executable, "-c", "import sys, pipeline.pdf, pipeline.readers; "
                             "print('pipeline.ingest' in sys.modules)"], capture_output=True, text=True, check=True)
    assert loaded.stdout.strip() == "False"
    from pipeline import ingest

    assert (ingest.read, ingest.decode, ingest.split_lines) == (readers.read, readers.decode, readers.split_lines)
