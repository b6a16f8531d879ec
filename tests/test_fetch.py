"""peel-pipeline fetch: report pages and PDFs downloaded into raw/ with their provenance.

Every test talks to a web server on 127.0.0.1 started here (port 0), never the internet.
"""
from __future__ import annotations

import csv
import hashlib
import re
import socket
import threading
import time
from datetime import datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from click.testing import CliRunner

from pipeline import __version__
from pipeline.cli import main
from pipeline.fetch import SOURCES, Settings, fetch, file_stem

from conftest import CAMBRIDGESHIRE

PAGE = "/peel-assessments/cambridgeshire-2015-effectiveness/"
STAMP = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ")


class Site:
    """What the local server serves: path -> responses (status, headers, body), given in turn,
    the last one repeated; and what it was asked, with when each request began and ended."""

    def __init__(self):
        self.routes: dict[str, list[tuple[int, dict, bytes]]] = {}
        self.requests: list[dict] = []
        self.active = self.most_active = 0
        self.lock = threading.Lock()
        self.delay = 0.0  # seconds each answer is held back (a slow server)

    def serve(self, path: str, *responses: tuple[int, dict, bytes]) -> None:
        self.routes[path] = list(responses)

    def asked(self, path: str) -> list[dict]:
        return [r for r in self.requests if r["path"] == path]


def _handler(site: Site):
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 - http.server's name
            # A request counts from its arrival until its answer starts to go out: a client
            # cannot send the next one before then unless it sends them in parallel.
            request = {"path": self.path, "user_agent": self.headers.get("User-Agent"), "start": time.monotonic()}
            with site.lock:
                site.active += 1
                site.most_active = max(site.most_active, site.active)
                site.requests.append(request)
            time.sleep(site.delay)
            responses = site.routes.get(self.path) or [(404, {"Content-Type": "text/html"}, b"<p>Not found</p>")]
            status, headers, body = responses.pop(0) if len(responses) > 1 else responses[0]
            with site.lock:
                site.active -= 1
                request["answered"] = time.monotonic()
            self.send_response(status)
            for name, value in {"Content-Length": str(len(body)), **headers}.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):  # quiet
            pass

    return Handler


@pytest.fixture
def site(monkeypatch):
    """A local web site (threaded, so requests sent in parallel would overlap) and its address."""
    for name in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"):
        monkeypatch.delenv(name, raising=False)
    served = Site()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(served))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    served.base = f"http://127.0.0.1:{server.server_address[1]}"
    yield served
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def report_text() -> bytes:
    if not CAMBRIDGESHIRE.is_file():
        pytest.skip(f"{CAMBRIDGESHIRE} not found")
    return CAMBRIDGESHIRE.read_bytes()


@pytest.fixture(scope="module")
def report_pdf(tmp_path_factory, report_text) -> bytes:
    from pdfmaker import make_pdf

    path = tmp_path_factory.mktemp("pdf") / "cambridgeshire.pdf"
    make_pdf(report_text.decode("utf-8"), path, "Cambridgeshire Constabulary")
    return path.read_bytes()


def _text(body: bytes) -> tuple[int, dict, bytes]:
    return 200, {"Content-Type": "text/plain; charset=utf-8"}, body


def _rows(folder: Path) -> list[dict]:
    with open(folder / SOURCES, newline="", encoding="utf-8") as stream:
        return list(csv.DictReader(stream))


def _fetch(*args):
    return CliRunner().invoke(main, ["fetch", *args])


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_fetches_a_page_and_a_pdf_with_their_provenance(tmp_path, site, report_text, report_pdf):
    site.serve(PAGE, _text(report_text))
    site.serve("/files/cambridgeshire.pdf", (302, {"Location": "/media/peel-2015-cambridgeshire.pdf"}, b""))
    site.serve("/media/peel-2015-cambridgeshire.pdf", (200, {"Content-Type": "application/pdf"}, report_pdf))
    into = tmp_path / "raw"
    site.delay = 0.02  # long enough for requests sent in parallel to overlap
    before = datetime.now(timezone.utc).replace(microsecond=0)
    result = _fetch(site.base + PAGE, site.base + "/files/cambridgeshire.pdf", "--into", str(into))
    after = datetime.now(timezone.utc)
    assert result.exit_code == 0, result.stderr
    page, pdf = into / "cambridgeshire-2015-effectiveness.txt", into / "files-cambridgeshire.pdf"  # as asked
    assert page.read_bytes() == report_text
    assert pdf.read_bytes() == report_pdf
    assert sorted(p.name for p in into.iterdir()) == sorted([page.name, pdf.name, SOURCES])  # no temporary left
    lines = result.stdout.splitlines()
    assert len(lines) == 2
    assert str(page) in lines[0] and site.base + PAGE in lines[0]
    assert str(pdf) in lines[1] and "application/pdf" in lines[1]

    rows = {row["file"]: row for row in _rows(into)}
    assert set(rows) == {page.name, pdf.name}
    assert rows[page.name]["url"] == rows[page.name]["final_url"] == site.base + PAGE
    assert rows[pdf.name]["url"] == site.base + "/files/cambridgeshire.pdf"
    assert rows[pdf.name]["final_url"] == site.base + "/media/peel-2015-cambridgeshire.pdf"
    for name, row in rows.items():
        assert row["status"] == "200"
        assert row["sha256"] == hashlib.sha256((into / name).read_bytes()).hexdigest()
        assert STAMP.fullmatch(row["retrieved_at"])
        when = datetime.strptime(row["retrieved_at"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc)
        assert before <= when <= after
    assert rows[page.name]["content_type"] == "text/plain; charset=utf-8"
    assert rows[pdf.name]["content_type"] == "application/pdf"

    # Politely: our name and version on every request, one request at a time.
    assert len(site.requests) == 3
    assert {r["user_agent"] for r in site.requests} == {site.requests[0]["user_agent"]}
    assert site.requests[0]["user_agent"].startswith(f"peel-pipeline/{__version__} ")
    assert site.most_active == 1
    ordered = sorted(site.requests, key=lambda r: r["start"])
    assert all(a["answered"] <= b["start"] for a, b in zip(ordered, ordered[1:]))


def test_an_html_page_is_saved_as_html(tmp_path, site):
    page = b"<!DOCTYPE html>\n<html><head><title>Cambridgeshire PEEL 2015</title></head><body><p>x</p></body></html>"
    site.serve(PAGE, (200, {"Content-Type": "text/html; charset=UTF-8"}, page))
    site.serve("/peel-2015/untyped/", (200, {}, page))  # no content type: the bytes say what it is
    (saved, untyped) = fetch([site.base + PAGE, site.base + "/peel-2015/untyped/"], tmp_path)
    assert saved.error is None and untyped.error is None
    assert saved.path == tmp_path / "cambridgeshire-2015-effectiveness.html"
    assert untyped.path == tmp_path / "peel-2015-untyped.html"
    assert saved.path.read_bytes() == page


def test_retries_after_503_with_exponential_back_off(tmp_path, site, report_text):
    site.serve(PAGE, (503, {}, b"busy"), (503, {}, b"busy"), _text(report_text))
    waits: list[float] = []

    def sleep(seconds):
        waits.append(seconds)
        time.sleep(seconds)

    (result,) = fetch([site.base + PAGE], tmp_path, Settings(backoff=0.01, retries=3), sleep=sleep)
    assert result.error is None
    assert result.path.read_bytes() == report_text
    assert len(site.asked(PAGE)) == 3
    assert waits == [0.01, 0.02]  # doubling
    first, second, third = site.asked(PAGE)
    assert second["start"] - first["answered"] >= 0.01 and third["start"] - second["answered"] >= 0.02


def test_503_to_the_last_try_is_an_error_naming_the_tries(tmp_path, site):
    site.serve(PAGE, (503, {}, b"busy"))
    (result,) = fetch([site.base + PAGE], tmp_path, Settings(backoff=0, retries=2), sleep=lambda s: None)
    assert result.error == f"{site.base + PAGE}: HTTP 503 Service Unavailable (tried 3 times)"
    assert len(site.asked(PAGE)) == 3
    assert not (tmp_path / SOURCES).exists()


@pytest.mark.parametrize("cap, waited", [(5.0, 1.0), (0.05, 0.05)])
def test_retry_after_is_honoured_up_to_the_cap(tmp_path, site, report_text, cap, waited):
    site.serve(PAGE, (429, {"Retry-After": "1"}, b"slow down"), _text(report_text))
    waits: list[float] = []

    def sleep(seconds):
        waits.append(seconds)
        time.sleep(seconds)

    (result,) = fetch([site.base + PAGE], tmp_path, Settings(backoff=0.001, max_wait=cap), sleep=sleep)
    assert result.error is None
    assert waits == [waited]  # the server's 1 s, not the back-off's 0.001 s, unless capped
    first, second = site.asked(PAGE)
    assert second["start"] - first["answered"] >= waited


def test_each_failed_url_is_one_line_and_the_others_are_still_fetched(tmp_path, site, report_text):
    site.serve(PAGE, _text(report_text))
    site.serve("/other/durham-2015-effectiveness/", _text(report_text.replace(b"Cambridgeshire", b"Durham")))
    site.serve("/gone/", (404, {}, b"no"))
    site.serve("/bad-request/", (400, {}, b"no"))
    site.serve("/logo.png", (200, {"Content-Type": "image/png"}, b"\x89PNG\r\n\x1a\n..."))
    site.serve("/fake.pdf", (200, {"Content-Type": "application/pdf"}, b"<html>an error page</html>"))
    refused = f"http://127.0.0.1:{_closed_port()}/peel/"
    urls = [site.base + PAGE, site.base + "/gone/", refused, "ftp://example.org/report.pdf",
            site.base + "/bad-request/", site.base + "/logo.png", site.base + "/fake.pdf", "file:///etc/passwd",
            site.base + "/other/durham-2015-effectiveness/"]
    result = _fetch(*urls, "--into", str(tmp_path), "--retries", "1", "--backoff", "0")
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"error: {site.base}/gone/: HTTP 404 Not Found",
        f"error: {refused}: cannot connect (Connection refused) (tried 2 times)",
        "error: ftp://example.org/report.pdf: not an http or https URL; only web addresses are fetched",
        f"error: {site.base}/bad-request/: HTTP 400 Bad Request",
        f"error: {site.base}/logo.png: not a web page or PDF (content type image/png)",
        f"error: {site.base}/fake.pdf: served as application/pdf but is not a PDF (no %PDF- header)",
        "error: file:///etc/passwd: not an http or https URL; only web addresses are fetched",
    ]
    assert len(site.asked("/gone/")) == 1 and len(site.asked("/bad-request/")) == 1  # 4xx: never again
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "cambridgeshire-2015-effectiveness.txt", "durham-2015-effectiveness.txt", SOURCES]
    assert len(result.stdout.splitlines()) == 2
    assert len(_rows(tmp_path)) == 2


def test_a_slow_server_times_out(tmp_path, site, report_text):
    site.serve(PAGE, _text(report_text))
    site.delay = 0.5
    (result,) = fetch([site.base + PAGE], tmp_path, Settings(timeout=0.1, retries=0))
    assert result.error == f"{site.base + PAGE}: no answer within 0.1 s (timed out)"
    assert not any(p.suffix == ".txt" for p in tmp_path.iterdir())


def test_fetching_again_replaces_the_file_and_its_row(tmp_path, site, report_text):
    updated = report_text.replace(b"Cambridgeshire Constabulary", b"Cambridgeshire Constabulary (updated)", 1)
    site.serve(PAGE, _text(report_text), _text(updated))
    first = _fetch(site.base + PAGE, "--into", str(tmp_path))
    assert first.exit_code == 0 and first.stdout.startswith("saved ")
    (row,) = _rows(tmp_path)
    time.sleep(1.05 - time.time() % 1)  # the next second: retrieval times are to the second
    second = _fetch(site.base + PAGE, "--into", str(tmp_path))
    assert second.exit_code == 0, second.stderr
    assert second.stdout.startswith(f"replaced {tmp_path / 'cambridgeshire-2015-effectiveness.txt'} ")
    assert (tmp_path / "cambridgeshire-2015-effectiveness.txt").read_bytes() == updated
    (again,) = _rows(tmp_path)
    assert again["file"] == row["file"]
    assert again["sha256"] == hashlib.sha256(updated).hexdigest() != row["sha256"]
    assert again["retrieved_at"] > row["retrieved_at"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cambridgeshire-2015-effectiveness.txt", SOURCES]


def test_a_users_file_of_the_same_name_is_never_overwritten(tmp_path, site, report_text):
    site.serve(PAGE, _text(report_text))
    mine = tmp_path / "cambridgeshire-2015-effectiveness.txt"
    mine.write_bytes(b"my own notes on the report\n")
    result = _fetch(site.base + PAGE, "--into", str(tmp_path))
    assert result.exit_code == 0, result.stderr
    assert mine.read_bytes() == b"my own notes on the report\n"
    (row,) = _rows(tmp_path)
    assert row["file"] != mine.name and row["file"].startswith("cambridgeshire-2015-effectiveness-")
    fetched = tmp_path / row["file"]
    assert fetched.read_bytes() == report_text
    # The same URL again goes to the same file (a stable name), and the user's is still theirs.
    assert _fetch(site.base + PAGE, "--into", str(tmp_path)).exit_code == 0
    assert [r["file"] for r in _rows(tmp_path)] == [fetched.name]
    assert mine.read_bytes() == b"my own notes on the report\n"
    # A fetched file the user has edited since is theirs too: refused, with what to do.
    fetched.write_bytes(report_text + b"\nMy note.\n")
    refused = _fetch(site.base + PAGE, "--into", str(tmp_path))
    assert refused.exit_code == 1
    assert refused.stderr == (f"error: {site.base + PAGE}: {fetched} was changed since it was fetched from this "
                              "URL; not replaced (move it away to fetch the URL again)\n")
    assert fetched.read_bytes() == report_text + b"\nMy note.\n"


@pytest.mark.parametrize("url, stem", [
    ("https://www.justiceinspectorates.gov.uk/hmicfrs/peel-assessments/cambridgeshire-2015-effectiveness/",
     "cambridgeshire-2015-effectiveness"),
    ("http://www.justiceinspectorates.gov.uk/hmic/peel-assessments/peel-2015/kent/legitimacy/",
     "peel-2015-kent-legitimacy"),
    ("http://www.justiceinspectorates.gov.uk/hmic/peel-assessments/peel-2016/avon-and-somerset/",
     "peel-2016-avon-and-somerset"),
    ("https://hmicfrs.justiceinspectorates.gov.uk/peel-assessments/peel-2018/surrey/effectiveness/"
     "detailed-findings/", "peel-2018-surrey-effectiveness-detailed-findings"),
    ("https://example.org/peel/cambridgeshire/2015/", "cambridgeshire-2015"),
    ("https://example.org/media/peel-2017-south-yorkshire.pdf", "peel-2017-south-yorkshire"),
    ("https://example.org/peel/durham/2016/index.html", "durham-2016"),
    ("https://example.org/hmicfrs/publications/state-of-policing/", "state-of-policing"),
    ("http://www.justiceinspectorates.gov.uk/hmic/cambridgeshire/", "hmic-cambridgeshire"),
    ("https://example.org/files/cambridgeshire.pdf?download=1",
     "files-cambridgeshire-" + hashlib.sha256(b"download=1").hexdigest()[:8]),
    ("https://example.org/", "example-org"),
])
def test_file_names_come_from_the_urls_last_meaningful_segments(url, stem):
    assert file_stem(url) == stem
    assert file_stem(url + "#section-2") == stem  # the same page
    assert file_stem(url + "?page=2") != file_stem(url + "?page=3")


def test_help_explains_the_command():
    result = CliRunner().invoke(main, ["fetch", "--help"])
    assert result.exit_code == 0
    for word in ("sources.csv", "--retries", "--backoff", "--max-wait", "--timeout", "--into", "never overwritten"):
        assert word in result.output


def test_run_shows_where_each_fetched_report_came_from(tmp_path, site, report_text, report_pdf):
    raw, out = tmp_path / "raw", tmp_path / "processed"
    site.serve(PAGE, _text(report_text))
    assert _fetch(site.base + PAGE, "--into", str(raw)).exit_code == 0
    (raw / "cambridgeshire-local.pdf").write_bytes(report_pdf)  # the user's own copy: never fetched
    (raw / "notes.md").write_text("to read\n")

    def run():
        result = CliRunner().invoke(main, ["run", str(raw), "--out", str(out)])
        assert result.exit_code == 0, result.stderr
        with open(out / "reports.csv", newline="", encoding="utf-8-sig") as stream:
            return result, {row["source_file"]: row for row in csv.DictReader(stream)}

    result, reports = run()
    # The manifest is neither a report nor noise; other files are still noted.
    assert "sources.csv" not in result.stderr and "1 .md file" in result.stderr
    (row,) = _rows(raw)
    fetched = reports["cambridgeshire-2015-effectiveness.txt"]
    assert fetched["source_url"] == site.base + PAGE
    assert fetched["retrieved_at"] == row["retrieved_at"]
    local = reports["cambridgeshire-local.pdf"]
    assert local["source_url"] == "" and local["retrieved_at"] == ""
    document = (out / "json" / f"{fetched['report_id']}.json").read_text("utf-8")
    assert f'"source_url": "{site.base + PAGE}"' in document

    # Fetched again, the same bytes: the run is not "up to date", it shows the new time.
    time.sleep(1.05 - time.time() % 1)
    assert _fetch(site.base + PAGE, "--into", str(raw)).exit_code == 0
    (again,) = _rows(raw)
    assert again["retrieved_at"] > row["retrieved_at"] and again["sha256"] == row["sha256"]
    result, reports = run()
    assert "no changes" not in result.stderr
    assert reports["cambridgeshire-2015-effectiveness.txt"]["retrieved_at"] == again["retrieved_at"]

    # Edited since it was fetched, the file is no longer what came from that URL.
    with open(raw / "cambridgeshire-2015-effectiveness.txt", "ab") as stream:
        stream.write(b"\nA note added by hand.\n")
    result, reports = run()
    edited = reports["cambridgeshire-2015-effectiveness.txt"]
    assert edited["source_url"] == "" and edited["retrieved_at"] == ""


def test_a_fetched_web_page_goes_through_the_pipeline(tmp_path, site, report_text, cambridgeshire_gold):
    from pipeline import runner

    if ".html" not in runner.SUPPORTED_SUFFIXES:
        pytest.skip("no HTML reader yet: runner does not read .html files")
    from htmlmaker import page_html

    page = page_html(report_text.decode("utf-8"), "Cambridgeshire PEEL 2015 - HMICFRS").encode("utf-8")
    site.serve(PAGE, (200, {"Content-Type": "text/html; charset=UTF-8"}, page))
    raw, out = tmp_path / "raw", tmp_path / "processed"
    assert _fetch(site.base + PAGE, "--into", str(raw)).exit_code == 0
    result = CliRunner().invoke(main, ["run", str(raw), "--out", str(out)])
    assert result.exit_code == 0, result.stderr
    with open(out / "reports.csv", newline="", encoding="utf-8-sig") as stream:
        (report,) = csv.DictReader(stream)
    assert report["source_file"] == "cambridgeshire-2015-effectiveness.html"
    assert report["source_url"] == site.base + PAGE
    assert report["retrieved_at"] == _rows(raw)[0]["retrieved_at"]
    gold = cambridgeshire_gold["report"]
    for field in ("force", "peel_year", "pillar", "title", "last_updated", "overall_grade"):
        assert report[field] == (gold.get(field) or ""), field


def test_retry_after_as_an_http_date(tmp_path, site, report_text):
    from email.utils import format_datetime

    when = format_datetime(datetime.now(timezone.utc).replace(microsecond=0) + timedelta(seconds=30), usegmt=True)
    site.serve(PAGE, (503, {"Retry-After": when}, b"maintenance"), _text(report_text))
    waits: list[float] = []
    (result,) = fetch([site.base + PAGE], tmp_path, Settings(backoff=0.001, max_wait=600), sleep=waits.append)
    assert result.error is None
    (wait,) = waits
    assert 28 <= wait <= 30  # until that time, not the back-off's 0.001 s


def test_an_unreadable_manifest_stops_before_any_request(tmp_path, site, report_text):
    site.serve(PAGE, _text(report_text))
    (tmp_path / SOURCES).write_bytes(b"file,url\n\xff\xfe not UTF-8\n")
    result = _fetch(site.base + PAGE, "--into", str(tmp_path))
    assert result.exit_code == 1
    (line,) = result.stderr.splitlines()
    assert line.startswith(f"Error: --into {tmp_path / SOURCES}: cannot be read")
    assert site.requests == []
    assert (tmp_path / SOURCES).read_bytes() == b"file,url\n\xff\xfe not UTF-8\n"
