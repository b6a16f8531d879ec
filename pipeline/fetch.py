"""Fetch report pages and PDFs from the web into a folder (``raw/``), recording where each came from.

One request at a time, with a User-Agent naming this tool and its version, a timeout,
and retries with exponential back-off after a connection error, a timeout, HTTP 429
or 5xx (a server's Retry-After honoured, up to a cap); any other HTTP error is final.
Each URL's file is named from the URL and suffixed by what came back (``.html``,
``.pdf``, ``.txt``), and replaced atomically when the same URL is fetched again; a
file that was not fetched from that URL is never overwritten.

Where each file came from is kept in the folder's ``sources.csv`` (``SOURCES``), one
row per file: URL, final URL after redirects, retrieval time, HTTP status, content
type and the SHA-256 of the bytes saved. The runner reads it (``provenance``) to give
each report its ``source_url`` and ``retrieved_at``, while the file's bytes are still
those fetched.
"""
from __future__ import annotations

import csv
import errno
import fcntl
import hashlib
import io
import os
import re
import socket
import sys
import tempfile
import time
from contextlib import contextmanager
from dataclasses import astuple, dataclass, fields
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Callable, Iterator
from urllib.parse import quote, unquote, urlsplit

from . import __version__
from .vocabulary import slug

#: The provenance manifest in a folder of fetched reports.
SOURCES = "sources.csv"

USER_AGENT = (f"peel-pipeline/{__version__} (PEEL report fetcher; "
              f"Python-urllib/{sys.version_info.major}.{sys.version_info.minor})")
ACCEPT = "text/html, application/xhtml+xml, application/pdf;q=0.9, text/plain;q=0.8"

#: What a response may be, by content type, and the suffix its file takes.
SUFFIXES = {"text/html": ".html", "application/xhtml+xml": ".html", "application/pdf": ".pdf",
            "application/x-pdf": ".pdf", "text/plain": ".txt"}
#: Content types that say nothing of what the bytes are: the bytes themselves tell.
_UNTYPED = ("", "application/octet-stream", "binary/octet-stream", "application/download",
            "application/force-download")
#: Last path segments that name no page of their own ("/report/index.html"): the folder names it.
_INDEX_NAMES = {"index", "default", "home"}
#: A year in a web address's segment ("peel-2015", "peel-2021-22"): where a report's own part begins.
_YEAR = re.compile(r"(?<![0-9])(?:19|20)[0-9]{2}(?![0-9])")
#: Characters left as they are when a URL is percent-encoded for sending (only the others are encoded).
_URL_SAFE = ":/?#[]@!$&'()*+,;=%~"
#: Extensions a web address's last segment carries that are not part of the page's name.
_WEB_EXTENSIONS = {".html", ".htm", ".php", ".asp", ".aspx", ".jsp", ".pdf", ".txt", ".shtml", ".xhtml"}


@dataclass(frozen=True)
class Settings:
    """How politely and patiently to fetch: the command's options, with their defaults."""

    timeout: float = 30.0  # seconds to connect, and between bytes of the answer
    retries: int = 3  # tries after the first, for a connection error, a timeout, HTTP 429 or 5xx
    backoff: float = 1.0  # seconds before the first retry; each next waits twice as long
    max_wait: float = 60.0  # the longest wait before a retry, a server's Retry-After included
    max_bytes: int = 100_000_000  # a report's page or PDF is far smaller: anything larger is refused


@dataclass(frozen=True)
class Source:
    """One row of ``sources.csv``: where a file in the folder came from."""

    file: str  # the file's name in the folder
    url: str  # as asked for
    final_url: str  # after redirects
    retrieved_at: str  # UTC, ISO 8601 to the second
    status: str  # HTTP status of the answer saved
    content_type: str  # as the server sent it
    sha256: str  # of the bytes saved


COLUMNS = tuple(f.name for f in fields(Source))


@dataclass
class Fetched:
    """What became of one URL: saved to ``path`` (``replaced`` an earlier fetch of it), or ``error``."""

    url: str
    path: Path | None = None
    source: Source | None = None
    replaced: bool = False
    size: int = 0
    error: str | None = None  # one line naming the URL and the problem


class FetchError(Exception):
    """A URL that could not be fetched or saved; the message is the problem, in one line."""


class ManifestError(Exception):
    """A folder's ``sources.csv`` that cannot be read or written; nothing is fetched into it."""


# The manifest.

def read_sources(folder: Path) -> dict[str, Source]:
    """``folder``'s manifest, file name -> row; empty when there is none.

    Raises ManifestError when a manifest is there but cannot be read as one.
    """
    path = Path(folder) / SOURCES
    try:
        text = path.read_bytes().decode("utf-8")
    except FileNotFoundError:
        return {}
    except (OSError, UnicodeDecodeError) as exc:
        raise ManifestError(f"{path}: cannot be read ({getattr(exc, 'strerror', None) or exc})") from None
    rows = {}
    try:
        for row in csv.DictReader(io.StringIO(text)):
            if row.get("file") and row.get("url"):  # a hand-made row missing either says nothing
                rows[row["file"]] = Source(**{name: (row.get(name) or "") for name in COLUMNS})
    except csv.Error as exc:
        raise ManifestError(f"{path}: not a CSV file this tool can read ({exc})") from None
    return rows


def sources_csv(rows: dict[str, Source]) -> bytes:
    """The manifest's bytes: one row per file, in file-name order (the same rows, the same bytes)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for name in sorted(rows):
        writer.writerow(astuple(rows[name]))
    return out.getvalue().encode("utf-8")


def provenance(folder: Path) -> dict[str, Source]:
    """``folder``'s manifest for reading provenance: empty when absent or unreadable (never an error)."""
    try:
        return read_sources(folder)
    except ManifestError:
        return {}


# Names and kinds of what is fetched.

def check_url(url: str) -> None:
    """Raise FetchError unless ``url`` is an http or https address with a host."""
    try:
        parts = urlsplit(url)
        host = parts.hostname
    except ValueError as exc:
        raise FetchError(f"not a valid URL ({exc})") from None
    if parts.scheme.lower() not in ("http", "https"):
        raise FetchError("not an http or https URL; only web addresses are fetched")
    if not host:
        raise FetchError("no host in the URL")
    if any(not ch.isprintable() or ch.isspace() for ch in url):
        raise FetchError("spaces or control characters in the URL; percent-encode them")


def file_stem(url: str) -> str:
    """A stable file name (without suffix) for ``url``: its path's last meaningful segments slugged.

    Segments are taken from the end back to the one that names the year, as the
    inspectorate's addresses run (``.../peel-2015/kent/legitimacy/`` gives
    ``peel-2015-kent-legitimacy``; ``.../peel-assessments/cambridgeshire-2015-effectiveness/``
    gives ``cambridgeshire-2015-effectiveness``), at most four; without a year, until
    the name has three words. An index page is named by its folder; a query adds a
    short digest of itself, so ``?id=1`` and ``?id=2`` are different files.
    """
    parts = urlsplit(url)
    segments = [slug(unquote(s)) for s in parts.path.split("/")]
    if segments and segments[-1]:
        last = unquote(parts.path.rsplit("/", 1)[-1])
        stem, extension = os.path.splitext(last)
        segments[-1] = slug(stem) if extension.lower() in _WEB_EXTENSIONS else segments[-1]
    segments = [s for s in segments if s]
    if segments and segments[-1] in _INDEX_NAMES:
        segments.pop()

    def named(enough) -> list[str]:
        taken: list[str] = []
        for segment in reversed(segments[-4:]):
            taken.insert(0, segment)
            if re.search("[a-z]", "".join(taken)) and enough("-".join(taken)):
                return taken
        return []

    taken = named(_YEAR.search) or named(lambda name: name.count("-") >= 2) or segments[-4:]
    name = "-".join(taken)[:80].strip("-") or slug(parts.hostname or "") or "page"
    if parts.query:
        name += "-" + hashlib.sha256(parts.query.encode()).hexdigest()[:8]
    return name


def suffix_for(content_type: str, body: bytes) -> str:
    """The file suffix of what came back, by its content type and its bytes; FetchError if neither
    a web page, a PDF nor plain text."""
    mime = content_type.split(";", 1)[0].strip().lower()
    is_pdf = b"%PDF-" in body[:1024]  # a PDF's header may follow a little junk
    head = body[:1024].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    looks_html = head.startswith((b"<!doctype html", b"<html", b"<?xml")) and b"<html" in body[:4096].lower()
    if not body:
        raise FetchError(f"empty answer (HTTP 200, content type {mime or 'not given'})")
    if mime in ("application/pdf", "application/x-pdf") and not is_pdf:
        raise FetchError(f"served as {mime} but is not a PDF (no %PDF- header)")
    if is_pdf and (mime in SUFFIXES or mime in _UNTYPED):
        return ".pdf"
    if mime in SUFFIXES:
        if b"\x00" in body[:4096]:
            raise FetchError(f"served as {mime} but holds binary data; not a web page or PDF")
        return SUFFIXES[mime]
    if mime in _UNTYPED and looks_html:
        return ".html"
    raise FetchError(f"not a web page or PDF (content type {mime or 'not given'})")


# Fetching.

def _retry_after(headers, now: float) -> float | None:
    """Seconds a server asks to wait (Retry-After: seconds or an HTTP date), or None."""
    value = (headers.get("Retry-After") or "").strip() if headers is not None else ""
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when is None:
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return max(when.timestamp() - now, 0.0)


def _opener():
    """urllib's opener whose redirects go to http and https addresses only."""
    import urllib.request  # here, not at the top: the runner reads manifests without fetching

    class Redirects(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, req, fp, code, msg, headers, newurl):
            if urlsplit(newurl).scheme.lower() not in ("http", "https"):
                raise FetchError(f"redirected to {newurl}, not an http or https URL")
            return super().redirect_request(req, fp, code, msg, headers, newurl)

    return urllib.request.build_opener(Redirects)


def download(url: str, settings: Settings = Settings(), sleep: Callable[[float], None] = time.sleep,
             opener=None) -> tuple[bytes, int, str, str]:
    """GET ``url``, retrying as ``settings`` say: (body, status, content type, final URL).

    Raises FetchError with the problem in one line (an HTTP status and reason, a host
    not found, a refused connection, a timeout).
    """
    import http.client
    import urllib.error
    import urllib.request

    check_url(url)
    opener = opener or _opener()
    # A non-ASCII path or query ("/café") is sent percent-encoded, as a browser sends it.
    request = urllib.request.Request(quote(url, safe=_URL_SAFE),
                                     headers={"User-Agent": USER_AGENT, "Accept": ACCEPT})
    attempts = settings.retries + 1
    for attempt in range(attempts):
        wait = settings.backoff * 2 ** attempt
        try:
            with opener.open(request, timeout=settings.timeout) as response:
                body = response.read(settings.max_bytes + 1)
                if len(body) > settings.max_bytes:
                    raise FetchError(f"larger than {settings.max_bytes:,} bytes; not a report page or PDF")
                return body, response.status, response.headers.get("Content-Type", ""), response.geturl()
        except urllib.error.HTTPError as exc:
            problem = f"HTTP {exc.code} {exc.reason}".strip()
            exc.close()
            if exc.code != 429 and not 500 <= exc.code < 600:
                raise FetchError(problem) from None
            asked = _retry_after(exc.headers, time.time())
            wait = asked if asked is not None else wait
        except urllib.error.URLError as exc:
            reason = exc.reason
            if isinstance(reason, socket.gaierror):
                host = urlsplit(url).hostname
                if reason.errno in (socket.EAI_NONAME, getattr(socket, "EAI_NODATA", None)):
                    raise FetchError(f"host not found ({host})") from None
                problem = f"cannot look up the host {host} ({reason.strerror or reason})"
            elif isinstance(reason, TimeoutError):
                problem = f"no answer within {settings.timeout:g} s (timed out)"
            elif isinstance(reason, OSError):
                problem = f"cannot connect ({reason.strerror or reason})"
            else:
                problem = f"cannot connect ({reason})"
        except TimeoutError:
            problem = f"no answer within {settings.timeout:g} s (timed out)"
        except (ConnectionError, http.client.HTTPException) as exc:
            problem = f"connection broken ({type(exc).__name__}{': ' + str(exc) if str(exc) else ''})"
        except OSError as exc:
            problem = f"cannot connect ({exc.strerror or exc})"
        except ValueError as exc:  # http.client.InvalidURL and the like
            raise FetchError(f"not a valid URL ({exc})") from None
        if attempt + 1 == attempts:
            tries = f" (tried {attempts} times)" if attempts > 1 else ""
            raise FetchError(problem + tries)
        sleep(min(wait, settings.max_wait))
    raise AssertionError("unreachable")


# Saving.

@contextmanager
def _locked(folder: Path) -> Iterator[None]:
    """Hold ``folder``'s lock: two fetches into one folder must not lose each other's manifest rows."""
    handle = os.open(folder, os.O_RDONLY)
    try:
        fcntl.flock(handle, fcntl.LOCK_EX)
        yield
    finally:
        os.close(handle)


def _write_atomic(path: Path, data: bytes) -> None:
    """Replace ``path`` by ``data`` in one step: a temporary file beside it, then os.replace."""
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(temporary, 0o644)  # as a file saved by hand, not mkstemp's 0600
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _sha256(path: Path) -> str | None:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


def _choose_name(url: str, suffix: str, folder: Path, rows: dict[str, Source]) -> tuple[str, Source | None]:
    """The file name for ``url``'s answer, and the row of the earlier fetch it replaces (if any).

    The name the URL had before, if it still holds the bytes fetched then; else the URL's
    own name, or that name with a digest of the URL when another URL or the user has it.
    """
    earlier = [row for row in rows.values() if row.url == url]
    for row in earlier:
        if os.path.splitext(row.file)[1] == suffix:
            path = folder / row.file
            if os.path.lexists(path) and (path.is_symlink() or _sha256(path) != row.sha256):
                raise FetchError(f"{path} was changed since it was fetched from this URL; not replaced "
                                 "(move it away to fetch the URL again)")
            return row.file, row
    stem = file_stem(url)
    for name in (stem + suffix, f"{stem}-{hashlib.sha256(url.encode()).hexdigest()[:8]}{suffix}"):
        if name not in rows and not os.path.lexists(folder / name):
            return name, earlier[0] if earlier else None
    raise FetchError(f"{folder / (stem + suffix)} exists and was not fetched from this URL; not overwritten "
                     "(move it away, or fetch into another folder with --into)")


def save(url: str, body: bytes, status: int, content_type: str, final_url: str, folder: Path,
         now: datetime | None = None) -> Fetched:
    """Save one fetched answer in ``folder`` and record it in the folder's manifest."""
    suffix = suffix_for(content_type, body)
    stamp = (now or datetime.now(timezone.utc)).astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    with _locked(folder):
        rows = read_sources(folder)
        name, earlier = _choose_name(url, suffix, folder, rows)
        path = folder / name
        source = Source(name, url, final_url, stamp, str(status), content_type.strip(),
                        hashlib.sha256(body).hexdigest())
        try:
            _write_atomic(path, body)
            if earlier is not None and earlier.file != name:
                # The URL now serves another kind of file: the old one goes, if it is still as fetched.
                old = folder / earlier.file
                if _sha256(old) == earlier.sha256:
                    old.unlink()
                    rows.pop(earlier.file)
            rows[name] = source
            _write_atomic(folder / SOURCES, sources_csv(rows))
        except OSError as exc:
            raise FetchError(f"cannot save {path} ({exc.strerror or exc})") from None
    return Fetched(url, path, source, replaced=earlier is not None, size=len(body))


def fetch(urls: list[str], into: Path, settings: Settings = Settings(),
          sleep: Callable[[float], None] = time.sleep) -> Iterator[Fetched]:
    """Fetch each of ``urls`` in turn into the folder ``into``, yielding what became of each.

    A URL that fails gives a ``Fetched`` with its one-line ``error``, and the others
    are still fetched; a URL named twice is fetched once. Raises ManifestError before
    any request when ``into`` cannot be used (not a folder, or its manifest unreadable).
    """
    into = Path(into)
    try:
        into.mkdir(parents=True, exist_ok=True)
    except FileExistsError:
        raise ManifestError(f"{into}: is a file, not a folder") from None
    except OSError as exc:
        raise ManifestError(f"{into}: cannot be made ({exc.strerror})") from None
    if not os.access(into, os.W_OK | os.X_OK):
        raise ManifestError(f"{into}: cannot write in it ({os.strerror(errno.EACCES)})")
    read_sources(into)  # an unreadable manifest stops the command before any request
    opener = _opener()
    for url in dict.fromkeys(urls):
        try:
            body, status, content_type, final_url = download(url, settings, sleep, opener)
            yield save(url, body, status, content_type, final_url, into)
        except (FetchError, ManifestError) as exc:
            yield Fetched(url, error=f"{url}: {exc}")
