"""The text reader: a web page saved as text (``.txt``), decoded into text with line offsets.

Offsets everywhere in the pipeline index ``SourceText.text``: the file decoded as
UTF-8 (a BOM dropped), a stray byte that is not UTF-8 read as Windows-1252, or the
whole file as Windows-1252 when it is mostly not UTF-8; mojibake the bytes already
held ("HMICâ€™s") is repaired with ftfy while decoding, so offsets index the repaired
text. ``SourceText.encoding`` says which of these happened. Line ends are kept as
they are so that offsets stay true to the file. ``decode`` is also the HTML reader's
fallback for a page that names no character set.
"""
from __future__ import annotations

import codecs
import hashlib
import re
import threading
from pathlib import Path

from ..model import PipelineError, SourceText
from .lines import split_lines

#: Largest text file we accept; anything bigger is not a single web page.
MAX_BYTES = 20_000_000
#: Longest line we accept: web pages wrap text into paragraphs far shorter than this.
MAX_LINE = 100_000


def decode(data: bytes, name: str) -> tuple[str, str]:
    """Decode report bytes, returning ``(text, encoding)`` or raising PipelineError.

    ``encoding`` is "utf-8", "cp1252" or, when only some bytes are not UTF-8 or
    mojibake was repaired, "utf-8 (3 bytes read as Windows-1252)",
    "utf-8 (mojibake repaired)" and the like.
    """
    if not data.strip():
        raise PipelineError(f"{name}: file is empty")
    if unicode := _utf16_or_32(data):
        raise PipelineError(f"{name}: {unicode} text is not supported; save the file as UTF-8")
    if b"\x00" in data:
        raise PipelineError(f"{name}: binary file (contains NUL bytes), not report text")
    notes = []
    try:
        text, encoding = data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        text, stray = _utf8_reading_stray_bytes_as_cp1252(data, name)
        non_ascii = sum(1 for ch in text if ord(ch) > 127)
        if stray > non_ascii - stray:
            # Mostly not UTF-8: a Windows-1252 file (whose few UTF-8-like pairs are cp1252 too).
            try:
                text, encoding = data.decode("cp1252"), "cp1252"
            except UnicodeDecodeError as exc:
                raise PipelineError(
                    f"{name}: cannot decode as UTF-8 or Windows-1252 (byte {exc.start})") from None
        else:
            encoding = "utf-8"
            notes.append(f"{stray} byte{'s' if stray != 1 else ''} read as Windows-1252")
    repaired = _repair_mojibake(text)
    if repaired != text:
        text = repaired
        notes.append("mojibake repaired")
    controls = len(_CONTROL.findall(text))
    if controls > max(2, len(text) // 100):
        raise PipelineError(f"{name}: binary file ({controls} control characters), not report text")
    if not text.strip():
        raise PipelineError(f"{name}: file is empty")
    return text, f"{encoding} ({'; '.join(notes)})" if notes else encoding


#: Control characters no report text has (tab, line ends and form feed are text).
_CONTROL = re.compile("[\x00-\x08\x0b\x0e-\x1f]")


def _utf16_or_32(data: bytes) -> str | None:
    """"UTF-16" or "UTF-32" when the bytes are that (by byte-order mark or NUL pattern)."""
    if data.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):
        return "UTF-32"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "UTF-16"
    head = data[:4096]
    if b"\x00" not in head:
        return None
    # Latin text in UTF-16 has a NUL in every other byte; in UTF-32, three bytes in four.
    for width, name in ((4, "UTF-32"), (2, "UTF-16")):
        usable = len(head) // width * width
        if usable < 2 * width:
            continue
        shares = [head[k:usable:width].count(0) / (usable // width) for k in range(width)]
        text_bytes = [share for share in shares if share <= 0.1]
        if len(text_bytes) == 1 and all(share >= 0.9 for share in shares if share > 0.1):
            return name
    return None


_STRAY = threading.local()


def _read_as_cp1252(error: UnicodeDecodeError) -> tuple[str, int]:
    """Error handler: the bytes that are not UTF-8 read as Windows-1252, and counted."""
    chars = []
    for at in range(error.start, error.end):
        try:
            chars.append(error.object[at:at + 1].decode("cp1252"))
        except UnicodeDecodeError:  # one of the five bytes Windows-1252 leaves undefined
            raise UnicodeDecodeError("cp1252", error.object, at, at + 1, "undefined in Windows-1252") from None
    _STRAY.count += len(chars)
    return "".join(chars), error.end


codecs.register_error("peel-cp1252", _read_as_cp1252)


def _utf8_reading_stray_bytes_as_cp1252(data: bytes, name: str) -> tuple[str, int]:
    """``data`` as UTF-8 with each byte that is not UTF-8 read as Windows-1252, and their number."""
    _STRAY.count = 0
    try:
        text = data.decode("utf-8-sig", errors="peel-cp1252")
    except UnicodeDecodeError as exc:
        raise PipelineError(f"{name}: cannot decode as UTF-8 or Windows-1252 (byte {exc.start})") from None
    return text, _STRAY.count


# Characters mojibake is made of: UTF-8 lead bytes read as Windows-1252 or Latin-1
# ("Ã", "â", "Â"), and C1 controls. Text without them needs no repair.
_MOJIBAKE_SIGN = re.compile("[\x80-\x9f\xc2-\xf4]")


def _repair_mojibake(text: str) -> str:
    """``text`` with mojibake ("HMICâ€™s") repaired by ftfy, and nothing else changed.

    Only ftfy's encoding repairs are used: line ends, quotes, ligatures, widths, HTML
    entities, control characters and Unicode normalisation stay as the file has them.
    """
    if not _MOJIBAKE_SIGN.search(text):
        return text
    import ftfy

    config = ftfy.TextFixerConfig(
        unescape_html=False, remove_terminal_escapes=False, fix_encoding=True, restore_byte_a0=True,
        replace_lossy_sequences=True, decode_inconsistent_utf8=True, fix_c1_controls=True,
        fix_latin_ligatures=False, fix_character_width=False, uncurl_quotes=False, fix_line_breaks=False,
        fix_surrogates=False, remove_control_chars=False, normalization=None, explain=False,
    )
    return ftfy.fix_text(text, config)


def read_bytes(path: Path) -> bytes:
    """The bytes of a text or web-page file, refused when too large to be one page."""
    name = str(path)
    try:
        if path.stat().st_size > MAX_BYTES:
            raise PipelineError(f"{name}: file is larger than {MAX_BYTES // 1_000_000} MB, not a report page")
        return path.read_bytes()
    except OSError as exc:
        raise PipelineError(f"{name}: cannot read ({exc.strerror})") from None


def check_lines(text: str, name: str) -> None:
    """Refuse a text with a line far longer than any paragraph."""
    longest = max((len(line) for line in text.splitlines()), default=0)
    if longest > MAX_LINE:
        raise PipelineError(f"{name}: a line of {longest:,} characters; not report text (paragraphs are far shorter)")


def repaired(encoding: str) -> bool:
    """Whether a source's ``encoding`` says its decoding repaired something (worth a warning).

    Text files: anything but plain "utf-8" or "cp1252" ("utf-8 (mojibake repaired)");
    web pages: a note after their character set ("html (utf-8; 3 bytes read as Windows-1252)").
    """
    if encoding.startswith("html ("):
        return ";" in encoding
    return encoding not in ("utf-8", "cp1252", "pdf")


def read_text(path: Path, max_pages: int | None = None, warnings: list[str] | None = None) -> SourceText:
    """Read a ``.txt`` report from ``path``.

    A decoding the file needed beyond plain UTF-8 is added to ``warnings`` as one line.
    ``max_pages`` is for PDFs; a text file has no pages.
    """
    name = str(path)
    data = read_bytes(path)
    text, encoding = decode(data, name)
    check_lines(text, name)
    if repaired(encoding) and warnings is not None:
        warnings.append(f"{name}: decoded as {encoding}")
    return SourceText(
        path=path,
        source_file=path.name,
        text=text,
        sha256=hashlib.sha256(data).hexdigest(),
        encoding=encoding,
        lines=split_lines(text),
    )
