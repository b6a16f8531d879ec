"""Readers: one way in for every input format, each giving the same ``SourceText``.

A reader turns one file into the text the pipeline's offsets index, its lines marked
with what the format knows they are (``Line.kind``: a heading by level, a paragraph, a
list item, a table row; None where, as in plain text, only the words can tell). The
registry picks the reader by the file's type, and by its content where that is
unmistakable whatever the file is called: a PDF saved as ``.txt`` is read as the PDF it
is, a web page's HTML source saved as ``.txt`` as the web page.

Adding a format is adding its reader module and one ``Reader`` in ``READERS``; a
folder's search (``runner.SUPPORTED_SUFFIXES``) reads what the registry names.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from ..model import PipelineError, SourceText
from .html import is_html, read_html
from .lines import is_furniture, split_lines
from .text import MAX_BYTES, MAX_LINE, decode, read_text, repaired

__all__ = ["READERS", "SUFFIXES", "Reader", "read", "reader_for", "listing", "decode", "split_lines", "is_furniture",
           "repaired", "MAX_BYTES", "MAX_LINE"]


def _read_pdf(path: Path, max_pages: int | None = None, warnings: list[str] | None = None) -> SourceText:
    from ..pdf import DEFAULT_MAX_PAGES, read_pdf  # pdfplumber loads only when a PDF is read

    return read_pdf(path, max_pages or DEFAULT_MAX_PAGES, warnings)


def _is_pdf(head: bytes) -> bool:
    return head.startswith(b"%PDF-")


@dataclass(frozen=True)
class Reader:
    """One input format: the file types it reads and how to know its content."""

    name: str  # what the format is called in messages: "text", "web page", "PDF"
    suffixes: tuple[str, ...]  # file types it reads ("" for a file without one), lower case
    read: Callable[..., SourceText]  # (path, max_pages=None, warnings=None) -> SourceText
    # Whether a file's first bytes are this format's whatever the file is called; None
    # for plain text, what any other file is read as.
    sniff: Callable[[bytes], bool] | None = None


#: The readers, content sniffed in this order (a PDF's header before markup).
READERS = (
    Reader("PDF", (".pdf",), _read_pdf, _is_pdf),
    Reader("web page", (".html", ".htm"), read_html, is_html),
    Reader("text", (".txt", ".text", ""), read_text),
)

#: File types a folder's search reads (every reader's, but the empty one), plain text first.
SUFFIXES = tuple(suffix for reader in reversed(READERS) for suffix in reader.suffixes if suffix)


def listing(suffixes: tuple[str, ...] = SUFFIXES) -> str:
    """".txt, .text, .html, .htm or .pdf": the file types, for a message."""
    return ", ".join(suffixes[:-1]) + f" or {suffixes[-1]}" if len(suffixes) > 1 else "".join(suffixes)

_HEAD = 200_000  # bytes sniffed: enough for a page's doctype or a run of its tags


def reader_for(path: Path, head: bytes = b"") -> Reader:
    """The reader for a file of this name whose first bytes are ``head``."""
    for reader in READERS:
        if reader.sniff is not None and head and reader.sniff(head):
            return reader
    suffix = path.suffix.lower()
    for reader in READERS:
        if suffix in reader.suffixes:
            return reader
    raise PipelineError(f"{path}: unsupported file type {suffix!r} (expected {listing()})")


def read(path: Path, max_pages: int | None = None, warnings: list[str] | None = None) -> SourceText:
    """Read a report file with the reader its type and content call for.

    Warnings (a decoding that needed repair, the PDF reader's complaints) are added to
    ``warnings`` when given, one line each naming the file; the file is still read.
    """
    name = str(path)
    if not path.exists():
        raise PipelineError(f"{name}: no such file")
    if not path.is_file():
        raise PipelineError(f"{name}: not a regular file")
    try:
        with path.open("rb") as handle:
            head = handle.read(_HEAD)
    except OSError as exc:
        raise PipelineError(f"{name}: cannot read ({exc.strerror})") from None
    reader = reader_for(path, head)
    named = next((r for r in READERS if path.suffix.lower() in r.suffixes), None)
    if warnings is not None and named is not None and named is not reader and named.sniff is not None:
        # A name that promises another format ("report.pdf" holding a saved error page):
        # read as what it is, and say so, since the user expected the other.
        warnings.append(f"{name}: not a {named.name} but a {reader.name}; read as a {reader.name}")
    return reader.read(path, max_pages, warnings)
