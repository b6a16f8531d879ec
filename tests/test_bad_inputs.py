"""Bad inputs (issue 9): each is refused with one line naming the file, or read right.

Real files in tmp_path, driven through ``process_file`` (ingest, structure, classify)
or the command line; the report text is the Cambridgeshire page in raw/.
"""
from __future__ import annotations

import importlib.util
import shutil
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from pipeline.cli import main
from pipeline.readers import read
from pipeline.model import PipelineError
from pipeline.runner import process_file

from conftest import CAMBRIDGESHIRE, DATA, ROOT

TEXT = CAMBRIDGESHIRE.read_text("utf-8")

# A news story about PEEL that quotes another force's grade: not a report of anyone's.
NEWS = (
    "Police watchdog tells county force to improve\n\n"
    "By our home affairs reporter\n\n"
    "Cambridgeshire Constabulary has been told it must get better at investigating crime, after a report by "
    "Her Majesty's Inspectorate of Constabulary (HMIC) published on Thursday.\n\n"
    "The PEEL inspections look at how well each force keeps people safe and reduces crime.\n\n"
    "Essex Police was judged to be inadequate at protecting vulnerable people.\n\n"
    "A spokesperson for the constabulary said it welcomed the findings and was already making changes.\n"
)

# News pages are dated like report pages; a date is not a sign of a report (its headline
# naming the force and "PEEL 2015" is not a PEEL title either).
_DATED_NEWS = (
    "\n\nLast updated 18/02/2016\n\nInspectors from HMIC visited Cambridgeshire Constabulary last autumn. "
    "In a separate report, Essex Police was judged to be inadequate at protecting vulnerable people.\n"
)
DATED_NEWS = "Inspectors praise Cambridgeshire Constabulary" + _DATED_NEWS
DATED_PEEL_NEWS = "Cambridgeshire PEEL 2015: what the inspectors said" + _DATED_NEWS


def _html_page(text: str) -> str:
    """The report page's HTML source, as a browser's "Save page" (HTML only) writes it."""
    body = "\n".join(f"<p>{line}</p>" for line in text.splitlines() if line.strip())
    return ('<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
            f"<title>Cambridgeshire PEEL 2015 - HMICFRS</title>\n</head>\n<body>\n{body}\n</body>\n</html>\n")


def _html_fragment(text: str) -> str:
    """Copied page source without the document around it: paragraphs in tags."""
    return "\n".join(f'<p class="body">{line}</p>' for line in text.splitlines() if line.strip()) + "\n"


def _zero_page_pdf() -> bytes:
    """A well-formed PDF whose page tree is empty."""
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [] /Count 0 >>"]
    data, offsets = b"%PDF-1.4\n", []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(data))
        data += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(data)
    data += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    data += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    return data + b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)


# name: (bytes, what the one-line error must say)
REFUSED = {
    "news-story.txt": (NEWS.encode("utf-8"), "not a PEEL inspection report"),
    "dated-news-story.txt": (DATED_NEWS.encode("utf-8"), "not a PEEL inspection report"),
    "dated-peel-news-story.txt": (DATED_PEEL_NEWS.encode("utf-8"), "not a PEEL inspection report"),
    "furniture-only.html": (_html_page("").replace("<body>", "<body><nav><a href='/'>Home</a></nav>").encode(
        "utf-8"), "no report text in this web page"),
    "utf-16-le-no-bom.txt": (TEXT.encode("utf-16-le"), "UTF-16 text is not supported; save the file as UTF-8"),
    "utf-16-be-no-bom.txt": (TEXT.encode("utf-16-be"), "UTF-16 text is not supported; save the file as UTF-8"),
    "utf-32-le-bom.txt": (b"\xff\xfe\x00\x00" + TEXT.encode("utf-32-le"), "UTF-32 text is not supported"),
    "utf-32-be-bom.txt": (b"\x00\x00\xfe\xff" + TEXT.encode("utf-32-be"), "UTF-32 text is not supported"),
    "utf-32-le-no-bom.txt": (TEXT.encode("utf-32-le"), "UTF-32 text is not supported"),
    "no-pages.pdf": (_zero_page_pdf(), "the PDF has no pages"),
}


@pytest.mark.parametrize("name", REFUSED)
def test_bad_input_is_one_line_error_naming_the_file(tmp_path, name):
    data, message = REFUSED[name]
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(PipelineError) as err:
        process_file(path)
    assert str(err.value).startswith(f"{path}: "), str(err.value)
    assert message in str(err.value)
    assert "\n" not in str(err.value)


@pytest.mark.parametrize("page", [_html_page, _html_fragment])
def test_html_source_saved_as_text_is_read_as_the_page(tmp_path, cambridgeshire, page):
    path = tmp_path / "page.txt"
    path.write_text(page(TEXT), "utf-8")
    assert read(path).encoding == "html (utf-8)"
    assert _grades(process_file(path)) == _grades(cambridgeshire)


def test_catalogue_through_the_command_line(tmp_path):
    """Every bad input named once on stderr, the good report still written, exit 1."""
    folder = tmp_path / "raw"
    folder.mkdir()
    shutil.copy(CAMBRIDGESHIRE, folder)
    for name, (data, _) in REFUSED.items():
        (folder / name).write_bytes(data)
    result = CliRunner().invoke(main, ["run", str(folder), "--out", str(tmp_path / "out")])
    assert result.exit_code == 1, result.output
    errors = [line for line in result.stderr.splitlines() if line.startswith("error: ")]
    for name, (_, message) in REFUSED.items():
        assert [line for line in errors if str(folder / name) in line] == [
            line for line in errors if str(folder / name) in line and message in line], name
        assert sum(str(folder / name) in line for line in errors) == 1, (name, errors)
    assert (tmp_path / "out" / "json" / "cambridgeshire-2015-effectiveness.json").is_file()


# Grade sentences about another force, put into the Cambridgeshire report's summary.
OTHER_FORCES = [
    "In a separate inspection, Essex Police was judged to be inadequate at protecting vulnerable people.",
    "By contrast, Kent Police is outstanding at preventing crime and tackling anti-social behaviour.",
    "Norfolk Constabulary is good at investigating crime and reducing re-offending.",
]
_SUMMARY_END = "HMIC judges that overall Cambridgeshire Constabulary requires improvement"


def _grades(labelled) -> list[tuple]:
    return [(g.scope, g.subject, g.question_number, g.grade) for g in labelled.report.grades]


@pytest.mark.parametrize("sentence", OTHER_FORCES)
def test_a_grade_of_another_force_is_never_this_reports_grade(tmp_path, cambridgeshire, sentence):
    paragraph = next(line for line in TEXT.splitlines() if line.startswith(_SUMMARY_END))
    path = tmp_path / "cambridgeshire.txt"
    path.write_text(TEXT.replace(paragraph, f"{paragraph}\n\n{sentence}", 1), "utf-8")
    labelled = process_file(path)
    assert labelled.report.report_id == cambridgeshire.report.report_id
    assert _grades(labelled) == _grades(cambridgeshire)
    assert not [g for g in labelled.report.grades if sentence[:30] in g.text]


def test_a_news_story_quoting_a_grade_gives_no_report(tmp_path):
    path = tmp_path / "news.txt"
    path.write_text(NEWS, "utf-8")
    result = CliRunner().invoke(main, ["run", str(path), "--out", str(tmp_path / "out")])
    assert result.exit_code == 1
    assert f"error: {path}: not a PEEL inspection report" in result.stderr
    assert not (tmp_path / "out" / "grades.csv").exists()


@pytest.mark.parametrize("headline", ["Cambridgeshire PEEL 2015: what the inspectors said",
                                      "Inspectors praise Cambridgeshire Constabulary"])
def test_the_force_named_in_the_title_is_the_reports_force(tmp_path, headline):
    """A page whose headline names its force is that force's, though another force is named first."""
    path = tmp_path / "excerpt.txt"
    path.write_text(
        f"{headline}\n\nIn a separate report, Essex Police was judged to be inadequate at protecting vulnerable "
        "people.\n\nHow effective is the force at investigating crime and managing offenders?\n\n"
        "Requires improvement\n\nCambridgeshire Constabulary requires improvement at investigating crime.\n", "utf-8")
    report = process_file(path).report
    assert (report.force_short, report.force) == ("Cambridgeshire", "Cambridgeshire Constabulary")
    assert [(g.scope, g.grade, g.text) for g in report.grades] == [
        ("question", "requires_improvement", "Requires improvement")]


def _first(text: str, chars: str) -> int:
    return min(text.index(ch) for ch in chars if ch in text)


@pytest.mark.parametrize(
    "encode, encoding",
    [
        # One curly apostrophe saved by a Windows program into a UTF-8 file.
        (lambda t: t[:_first(t, "’")].encode("utf-8") + b"\x92" + t[_first(t, "’") + 1:].encode("utf-8"),
         "utf-8 (1 byte read as Windows-1252)"),
        # Three of them, and the BOM a UTF-8 editor writes.
        (lambda t: b"\xef\xbb\xbf" + t.replace("’", "\x00", 3).encode("utf-8").replace(b"\x00", b"\x92"),
         "utf-8 (3 bytes read as Windows-1252)"),
        # A file wholly in Windows-1252 is still read as Windows-1252.
        (lambda t: t.encode("cp1252"), "cp1252"),
    ],
    ids=["one-stray-byte", "three-stray-bytes-and-bom", "wholly-windows-1252"],
)
def test_bytes_that_are_not_utf8_are_read_as_windows_1252_one_by_one(tmp_path, cambridgeshire, encode, encoding):
    path = tmp_path / "report.txt"
    path.write_bytes(encode(TEXT))
    labelled = process_file(path)
    assert labelled.report.source.text == TEXT  # no mojibake anywhere: offsets index the right text
    assert labelled.report.source.encoding == encoding
    assert [(s.text, s.char_start, s.label) for s in labelled.sentences] == [
        (s.text, s.char_start, s.label) for s in cambridgeshire.sentences]


def test_mojibake_in_the_file_is_repaired_before_offsets_are_taken(tmp_path, cambridgeshire):
    # The page was once decoded as Windows-1252 and saved again as UTF-8: "HMICâ€™s".
    garbled = TEXT
    for ch in "’‘–":
        garbled = garbled.replace(ch, ch.encode("utf-8").decode("cp1252"))
    assert "â€™" in garbled
    path = tmp_path / "report.txt"
    path.write_text(garbled, "utf-8")
    warnings: list[str] = []
    source = read(path, warnings=warnings)
    assert source.text == TEXT
    assert source.encoding == "utf-8 (mojibake repaired)"
    assert warnings == [f"{path}: decoded as utf-8 (mojibake repaired)"]
    labelled = process_file(path)
    assert [(s.text, s.char_start, s.char_end) for s in labelled.sentences] == [
        (s.text, s.char_start, s.char_end) for s in cambridgeshire.sentences]
    for sentence in labelled.sentences:
        assert labelled.report.source.text[sentence.char_start:sentence.char_end] == sentence.text


@pytest.mark.parametrize(
    "date, expected",
    [("31/02/2016", None), ("29/02/2015", None), ("31/04/2016", None), ("00/12/2016", None),
     ("18/13/2016", None), ("18/00/2016", None), ("29/02/2016", "2016-02-29")],
)
def test_an_impossible_date_is_not_reported(tmp_path, date, expected):
    path = tmp_path / "report.txt"
    path.write_text(TEXT.replace("Last updated 18/02/2016", f"Last updated {date}", 1), "utf-8")
    report = process_file(path).report
    assert report.last_updated == expected
    assert report.overall_grade == "requires_improvement"  # the date line is still not prose
    assert not [b for b in report.blocks if "Last updated" in b.text]


@pytest.fixture(scope="module")
def report_pdf(tmp_path_factory) -> Path:
    sys.path.insert(0, str(ROOT / "tests"))
    from pdfmaker import make_pdf

    path = tmp_path_factory.mktemp("pdf") / "cambridgeshire.pdf"
    make_pdf(TEXT, path, "Cambridgeshire Constabulary")
    return path


def test_a_txt_file_that_is_a_pdf_is_read_as_the_pdf(tmp_path, report_pdf):
    named_txt = tmp_path / "cambridgeshire.txt"
    shutil.copy(report_pdf, named_txt)
    as_pdf, as_txt = process_file(report_pdf), process_file(named_txt)
    assert as_txt.report.source.encoding == "pdf"
    assert as_txt.report.source.page_count == as_pdf.report.source.page_count
    assert as_txt.report.report_id == as_pdf.report.report_id == "cambridgeshire-2015-effectiveness"
    assert _grades(as_txt) == _grades(as_pdf)
    assert [s.text for s in as_txt.sentences] == [s.text for s in as_pdf.sentences]


def test_pdf_reader_warnings_become_one_line_naming_the_file(tmp_path, monkeypatch, capfd):
    sys.path.insert(0, str(ROOT / "tests"))
    from reportlab.pdfgen import canvas

    from pdfmaker import make_pdf

    show_page = canvas.Canvas.showPage

    def with_a_bad_operator(self):
        self._code.append("/Bad w")  # a line width that is not a number: pdfminer warns per page
        show_page(self)

    monkeypatch.setattr(canvas.Canvas, "showPage", with_a_bad_operator)
    path = tmp_path / "warned.pdf"
    make_pdf(TEXT, path, "Cambridgeshire Constabulary")
    capfd.readouterr()
    warnings: list[str] = []
    source = read(path, warnings=warnings)
    assert source.page_count and "Cambridgeshire" in source.text
    assert len(warnings) == 1 and "\n" not in warnings[0]
    assert warnings[0].startswith(f"{path}: the PDF reader warned {source.page_count} times while reading it")
    assert "Cannot set line width" in warnings[0]
    process_file(path)  # without a list to add them to, the warnings are still not printed
    assert capfd.readouterr().err == ""


def test_pdf_reader_warnings_join_the_error_of_an_unreadable_pdf(tmp_path, monkeypatch):
    path = tmp_path / "warned-then-failed.pdf"
    path.write_bytes(_zero_page_pdf())
    import logging

    from pipeline import pdf

    opened = pdf._open

    def warning_open(p):
        logging.getLogger("pdfminer.pdfdocument").warning("Unknown page label style: %r", "/Z")
        return opened(p)

    monkeypatch.setattr(pdf, "_open", warning_open)
    with pytest.raises(PipelineError) as err:
        read(path)
    assert str(err.value) == (f"{path}: the PDF has no pages; the PDF reader also warned: "
                              "Unknown page label style: '/Z'")


# make evaluate: nothing scored is n/a and an error, never 1.000.

def _evaluate(*args: str):
    return CliRunner().invoke(main, ["evaluate", *args])


@pytest.mark.parametrize("option", ["--raw", "--gold"])
def test_evaluate_with_a_missing_folder_is_a_one_line_error(tmp_path, monkeypatch, option):
    monkeypatch.setenv("PEEL_CORPUS", str(tmp_path / "no-corpus"))
    missing = tmp_path / "nonexistent"
    result = _evaluate(option, str(missing))
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.strip().splitlines()[-1] == f"Error: {missing}: no such folder ({option})"
    assert "1.000" not in result.output and "100.0%" not in result.output


def test_evaluate_with_nothing_scored_prints_na_and_fails(tmp_path, monkeypatch):
    monkeypatch.setenv("PEEL_CORPUS", str(tmp_path / "no-corpus"))
    gold, raw = tmp_path / "gold", tmp_path / "raw"
    gold.mkdir()
    raw.mkdir()  # the gold's text is not here: nothing can be scored
    shutil.copy(DATA / "cambridgeshire-peel-2015-effectiveness.gold.json", gold)
    result = _evaluate("--gold", str(gold), "--raw", str(raw))
    assert result.exit_code == 1
    assert "1.000" not in result.stdout and "100.0%" not in result.stdout
    assert "nothing scored: every figure n/a" in result.stdout
    assert "macro-F1" in result.stdout and result.stdout.count("n/a") >= 15  # the held-out table too
    assert result.stderr.strip().splitlines()[-1].startswith("Error: nothing was scored")


def test_figures_with_nothing_behind_them_are_na():
    from collections import Counter

    from pipeline.evaluate import Scores, format_scores, format_systems

    assert "1.000" not in format_systems({"combined": Scores()})
    scores = Scores()
    scores.check("force", True)
    scores.items["recommendations"] = Counter(fn=2)  # two missed, none predicted
    table = format_scores("t", scores)
    row = next(line for line in table.splitlines() if line.startswith("recommendations"))
    assert row.split()[-2:] == ["n/a", "0.0%"]


# make bench: a benchmark fails loudly when the command it times fails.

def _bench(name: str):
    # As when run as a script, bench/ is on the path (its scripts share bench/common.py).
    if str(ROOT / "bench") not in sys.path:
        sys.path.append(str(ROOT / "bench"))
    spec = importlib.util.spec_from_file_location(f"bench_{name}", ROOT / "bench" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_rerun_bench_stops_on_a_failed_command_and_shows_its_stderr():
    rerun = _bench("rerun")
    with pytest.raises(SystemExit) as exit_:
        rerun.timed([sys.executable, "-c", "import sys; sys.stderr.write('usage error here'); sys.exit(2)"])
    assert "exit status 2" in str(exit_.value.code) and "usage error here" in str(exit_.value.code)


def test_rerun_bench_names_a_corrections_file_that_exists(monkeypatch, tmp_path):
    rerun = _bench("rerun")
    corpus = tmp_path / "corpus"
    (corpus / "texts").mkdir(parents=True)
    shutil.copy(CAMBRIDGESHIRE, corpus / "texts")
    monkeypatch.setenv("PEEL_CORPUS", str(corpus))
    runs = []

    def fake_timed(command):
        if "--corrections" in command:
            corrections = Path(command[command.index("--corrections") + 1])
            runs.append(corrections.read_text("utf-8"))
        return 0.0

    monkeypatch.setattr(rerun, "timed", fake_timed)
    rerun.main()
    assert runs == ["report_id,table,key,field,value,reviewer,reason\n"] * 5


def test_pdf_bench_stops_on_a_failed_reading_and_shows_its_stderr(tmp_path):
    with pytest.raises(SystemExit) as exit_:
        _bench("pdf")._run("ours", tmp_path / "missing.pdf")
    assert "failed with exit status" in str(exit_.value.code) and "no such file" in str(exit_.value.code)


def test_run_bench_stops_when_a_file_cannot_be_processed(monkeypatch, tmp_path):
    corpus = tmp_path / "corpus"
    (corpus / "texts").mkdir(parents=True)
    (corpus / "texts" / "empty.txt").write_bytes(b"")
    monkeypatch.setenv("PEEL_CORPUS", str(corpus))
    with pytest.raises(SystemExit) as exit_:
        _bench("run").main()
    assert "empty.txt: file is empty" in str(exit_.value.code)
