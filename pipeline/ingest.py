"""Ingest: read a report file into decoded text with line offsets.

Offsets everywhere in the pipeline index ``SourceText.text``: the file decoded as
UTF-8 (a BOM dropped) or, failing that, Windows-1252. Line ends are kept as they are
so that offsets stay true to the file.
"""
from __future__ import annotations

import hashlib
import re
from pathlib import Path

from .model import Line, PipelineError, SourceText

#: Largest text file we accept; anything bigger is not a single web page.
MAX_BYTES = 20_000_000
#: Longest line we accept: web pages wrap text into paragraphs far shorter than this.
MAX_LINE = 100_000

_LINE = re.compile(r"[^\r\n]*(?:\r\n|\n|\r|$)")

# Page furniture: whole lines that belong to the web page, not to the report.
_FURNITURE = re.compile(
    r"""^(?:
        skip\ to\ (?:main\ )?content
      | back\ to\ top
      | (?:print|share)\ this\ page
      | read\ the\ transcript\ of\ the\ video
      | download\ the\ full\ report
      | this\ page\ is\ (?:also\ )?available\ in\ welsh.*
      | cymraeg
      | (?:accept|reject)\ (?:all\ |additional\ |analytics\ )?cookies
      | (?:we\ use|this\ site\ uses)\ (?:some\ )?(?:essential\ )?cookies.*
      | cookies?\ (?:on|settings|policy).*
      | page\ \d+\ of\ \d+
      | read\ more\ about\ .*
      | contact\ \S+(?:\ \S+){0,3}
      | view\ the\ \w+\ questions\ for\ \w+
      | .{3,60},\ (?:her|his)\ majesty[’']s\ inspector\ of\ constabulary(?:\ and\ fire\ &\ rescue\ services)?
      | (?:hmicfrs|hmic)\ is\ consulting\ on\ .*
      | please\ give\ us\ your\ views\ .*
      | we\ would\ like\ your\ views\ .*
      | proposed\ policing\ inspection\ programme\ .*:\ for\ consultation
      | planned\ website\ downtime
      | the\ hmicfrs\ website\ will\ be\ unavailable\ .*
      | os\ hoffech\ chi\ ddarllen\ .*
      | english\ cymraeg
      | promoting\ improvements(?:\ in\ policing.*)?
      | in\ policing\ and\ fire\ &\ rescue
      | services\ to\ make\ everyone\ safer
    )$""",
    re.IGNORECASE | re.VERBOSE,
)


# "Read more about West MerciaThis is ...": a link glued to the prose after it.
GLUED_LINK = re.compile(r"^Read more about [^\n]*?[a-z0-9](?=[A-Z][a-z])")


def decode(data: bytes, name: str) -> tuple[str, str]:
    """Decode report bytes, returning ``(text, encoding)`` or raising PipelineError."""
    if not data.strip():
        raise PipelineError(f"{name}: file is empty")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise PipelineError(f"{name}: UTF-16 text is not supported; save the file as UTF-8")
    if b"\x00" in data:
        raise PipelineError(f"{name}: binary file (contains NUL bytes), not report text")
    try:
        text, encoding = data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        try:
            text, encoding = data.decode("cp1252"), "cp1252"
        except UnicodeDecodeError as exc:
            raise PipelineError(
                f"{name}: cannot decode as UTF-8 or Windows-1252 (byte {exc.start})"
            ) from None
    controls = sum(1 for ch in text if ord(ch) < 32 and ch not in "\t\n\r\f")
    if controls > max(2, len(text) // 100):
        raise PipelineError(f"{name}: binary file ({controls} control characters), not report text")
    if not text.strip():
        raise PipelineError(f"{name}: file is empty")
    return text, encoding


def split_lines(text: str) -> list[Line]:
    """Lines of ``text`` with their offsets; terminators excluded from each line."""
    lines = []
    for number, match in enumerate(_LINE.finditer(text), start=1):
        raw = match.group()
        if not raw:
            break
        body = raw.rstrip("\r\n")
        start = match.start()
        # "Read more about West MerciaThis is ...": a link glued to prose is not all furniture.
        furniture = bool(_FURNITURE.match(body.strip())) and not GLUED_LINK.match(body.strip())
        lines.append(Line(number, start, start + len(body), body, furniture))
    return lines


def read_text(path: Path) -> SourceText:
    """Read a ``.txt`` report from ``path``."""
    name = str(path)
    if not path.exists():
        raise PipelineError(f"{name}: no such file")
    if not path.is_file():
        raise PipelineError(f"{name}: not a regular file")
    if path.stat().st_size > MAX_BYTES:
        raise PipelineError(f"{name}: file is larger than {MAX_BYTES // 1_000_000} MB, not a report page")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise PipelineError(f"{name}: cannot read ({exc.strerror})") from None
    text, encoding = decode(data, name)
    longest = max((len(line) for line in text.splitlines()), default=0)
    if longest > MAX_LINE:
        raise PipelineError(f"{name}: a line of {longest:,} characters; not report text (paragraphs are far shorter)")
    return SourceText(
        path=path,
        source_file=path.name,
        text=text,
        sha256=hashlib.sha256(data).hexdigest(),
        encoding=encoding,
        lines=split_lines(text),
    )


def read(path: Path, max_pages: int | None = None) -> SourceText:
    """Read a report file: ``.txt`` (web-page text) or ``.pdf``."""
    suffix = path.suffix.lower()
    if suffix in (".txt", ".text", ""):
        return read_text(path)
    if suffix == ".pdf":
        from .pdf import DEFAULT_MAX_PAGES, read_pdf

        return read_pdf(path, max_pages or DEFAULT_MAX_PAGES)
    raise PipelineError(f"{path}: unsupported file type {suffix!r} (expected .txt or .pdf)")
