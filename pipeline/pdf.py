"""Ingest PDF reports with pdfplumber into the same text-with-offsets as web-page text.

A PDF's words are read page by page (each page closed when done, so memory stays
flat) and rebuilt into the text a web page would give: one line per heading,
paragraph or list item, blank lines between. On the way the page furniture goes:
running headers and footers, page numbers, the contents page, footnotes and their
markers; words hyphenated at a line end are joined again, and a paragraph that runs
across a page break becomes one paragraph. ``SourceText.page_starts`` records where
each page's text begins, so every offset can be traced to its page.

The PDF reader's (pdfminer's) own warnings never reach stderr unnamed: they are
gathered while one file is read and become one line naming the file.
"""
from __future__ import annotations

import hashlib
import logging
import re
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from .readers.lines import split_lines
from .model import PipelineError, SourceText

DEFAULT_MAX_PAGES = 1000
_BULLETS = ("•", "●", "▪", "◦", "·", "○", "■", "➢", "►", "–", "-")
_ENDS = re.compile(r"[.!?:;][\"'’”)\]]*$")
_PAGE_NUMBER = re.compile(r"^(?:page\s+)?\d{1,4}(?:\s+of\s+\d{1,4})?$", re.IGNORECASE)
_BAND = 0.085
# First parts of words that English hyphenates ("well-developed", "multi-agency").
_COMPOUND_HEADS = frozenset(
    "well anti non multi self cross long short high low year cyber part full front semi counter "
    "".split()
)  # top and bottom share of a page where running headers and footers sit


@dataclass
class _Line:
    page: int
    text: str
    top: float
    bottom: float
    x0: float
    size: float  # the line's main font size
    bold: bool
    small: bool = False  # set later: smaller than body text (footnotes)


@dataclass
class _Paragraph:
    kind: str  # "heading", "paragraph", "list_item"
    parts: list[tuple[int, str]] = field(default_factory=list)  # (page, text) line by line
    bottom: float = 0.0
    x0: float = 0.0


def _open(path: Path):
    import pdfplumber
    from pdfminer.pdfdocument import PDFPasswordIncorrect

    try:
        return pdfplumber.open(path)
    except Exception as exc:  # pdfminer raises many kinds for a damaged file
        causes = [exc, exc.__cause__, exc.__context__, *getattr(exc, "args", ())]
        if any(isinstance(c, PDFPasswordIncorrect) for c in causes):
            raise PipelineError(f"{path}: encrypted PDF (password protected); save an unprotected copy") from None
        raise PipelineError(f"{path}: not a readable PDF ({type(exc).__name__})") from None


def _page_lines(page, number: int) -> list[_Line]:
    """The page's lines of words, in reading order, with their font size and weight."""
    words = page.extract_words(extra_attrs=["size", "fontname"], keep_blank_chars=False, use_text_flow=True)
    rows: list[list[dict]] = []
    for word in sorted(words, key=lambda w: (round(w["bottom"]), w["x0"])):
        # Words whose baselines are within a few points share a line (superscripts too).
        if rows and abs(rows[-1][0]["bottom"] - word["bottom"]) <= 3.5:
            rows[-1].append(word)
        else:
            rows.append([word])
    page_size = Counter()
    for word in words:
        page_size[round(word["size"], 1)] += len(word["text"])
    usual = page_size.most_common(1)[0][0] if page_size else 0
    lines = []
    for row in rows:
        row.sort(key=lambda w: w["x0"])
        if all(w["size"] < 0.8 * usual and re.fullmatch(r"\d{1,3}|[*†‡]", w["text"]) for w in row):
            continue  # a footnote marker raised off its line
        sizes = Counter()
        for word in row:
            sizes[round(word["size"], 1)] += len(word["text"])
        size = sizes.most_common(1)[0][0]
        # Superscript footnote markers: small digits raised above the line.
        kept = [w for w in row if not (w["size"] < 0.8 * size and re.fullmatch(r"\d{1,3}|[*†‡]", w["text"]))]
        text = _join_words(kept)
        if not text:
            continue
        bold = sum(len(w["text"]) for w in kept if "bold" in w["fontname"].lower()) > 0.6 * sum(
            len(w["text"]) for w in kept)
        lines.append(_Line(number, text, min(w["top"] for w in kept), max(w["bottom"] for w in kept),
                           kept[0]["x0"], size, bold))
    return lines


def _join_words(words: list[dict]) -> str:
    out = ""
    for word in words:
        if out and word["x0"] - previous_end > 0.5:
            out += " "
        out += word["text"]
        previous_end = word["x1"]
    return out.strip()


def _furniture(pages: list[list[_Line]], heights: list[float]) -> set[int]:
    """ids of lines that are running headers, footers or page numbers."""
    def key(line: _Line) -> str:
        return re.sub(r"\d+", "#", line.text.lower())

    in_band = []
    for lines, height in zip(pages, heights):
        for line in lines:
            if line.top < _BAND * height or line.bottom > (1 - _BAND) * height:
                in_band.append(line)
    repeats = Counter(key(line) for line in in_band)
    many = max(2, len(pages) // 3)
    return {id(line) for line in in_band if repeats[key(line)] >= many or _PAGE_NUMBER.match(line.text)}


def _is_contents(lines: list[_Line]) -> bool:
    return bool(lines) and lines[0].text.strip().lower() in ("contents", "table of contents")


@dataclass
class _Vocabulary:
    """Words the document writes away from line ends, to mend words broken at them."""

    compounds: set[str]  # "anti-social"
    words: set[str]  # "investigation", "well", "developed"

    @classmethod
    def of(cls, lines: list[_Line]) -> "_Vocabulary":
        compounds, words = set(), set()
        for k, line in enumerate(lines):
            tokens = re.findall(r"[A-Za-z]+(?:-[A-Za-z]+)*-?", line.text)
            if line.text.endswith("-") and tokens:
                tokens = tokens[:-1]
            if k and lines[k - 1].text.endswith("-") and tokens:
                tokens = tokens[1:]
            for token in tokens:
                token = token.lower().rstrip("-")
                if "-" in token:
                    compounds.add(token)
                    words.update(token.split("-"))
                else:
                    words.add(token)
        return cls(compounds, words)

    def keeps_hyphen(self, head: str, tail: str) -> bool:
        head, tail = head.lower(), tail.lower()
        if f"{head}-{tail}" in self.compounds:
            return True  # "anti-" / "social": the document writes "anti-social"
        if head + tail in self.words:
            return False  # "investi-" / "gation": the document writes "investigation"
        if head in _COMPOUND_HEADS:
            return True  # "well-" / "developed"
        return head in self.words and tail in self.words  # "risk-" / "based"


def _rejoin(before: str, after: str, vocabulary: _Vocabulary) -> tuple[str, int]:
    """Join two lines, returning the text and where ``after`` starts in it."""
    match = re.search(r"([A-Za-z]+)-$", before)
    tail = re.match(r"[A-Za-z]+", after)
    if match and tail and after[:1].islower():
        if vocabulary.keeps_hyphen(match.group(1), tail.group()):
            return before + after, len(before)
        return before[:-1] + after, len(before) - 1  # a word the layout hyphenated
    return f"{before} {after}", len(before) + 1


def read_pdf(path: Path, max_pages: int = DEFAULT_MAX_PAGES, warnings: list[str] | None = None) -> SourceText:
    """Read a PDF report into text with offsets and the page each offset is on.

    What the PDF reader warned about while reading is added to ``warnings`` as one
    line naming the file (and to the error, when the file cannot be read).
    """
    with _reader_warnings() as complaints:
        try:
            source = _read_pdf(path, max_pages)
        except PipelineError as exc:
            if complaints.count:
                raise PipelineError(f"{exc}; the PDF reader also warned: {complaints.first}") from None
            raise
    if complaints.count and warnings is not None:
        times = f"{complaints.count} times" if complaints.count > 1 else "once"
        warnings.append(f"{path}: the PDF reader warned {times} while reading it (first: {complaints.first})")
    return source


class _Complaints(logging.Handler):
    """Counts the warnings a logger gives and keeps the first, as one short line."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.count = 0
        self.first = ""

    def emit(self, record: logging.LogRecord) -> None:
        self.count += 1
        if not self.first:
            try:
                message = record.getMessage()
            except Exception:  # noqa: BLE001 - a malformed log call is still a warning
                message = str(record.msg)
            message = " ".join(message.split())
            self.first = message if len(message) <= 160 else message[:157] + "..."


@contextmanager
def _reader_warnings():
    """While reading one file: pdfminer's and pdfplumber's warnings gathered, not printed."""
    handler = _Complaints()
    loggers = [logging.getLogger(name) for name in ("pdfminer", "pdfplumber")]
    saved = [logger.propagate for logger in loggers]
    for logger in loggers:
        logger.addHandler(handler)
        logger.propagate = False
    try:
        yield handler
    finally:
        for logger, propagate in zip(loggers, saved):
            logger.removeHandler(handler)
            logger.propagate = propagate


def _read_pdf(path: Path, max_pages: int) -> SourceText:
    if not path.exists():
        raise PipelineError(f"{path}: no such file")
    data = path.read_bytes()
    if not data.startswith(b"%PDF"):
        raise PipelineError(f"{path}: not a PDF (no %PDF header)")
    pages: list[list[_Line]] = []
    heights: list[float] = []
    with _open(path) as pdf:
        try:
            count = len(pdf.pages)
        except Exception as exc:  # noqa: BLE001 - a damaged page tree
            raise PipelineError(f"{path}: not a readable PDF ({type(exc).__name__})") from None
        if count == 0:
            raise PipelineError(f"{path}: the PDF has no pages")
        if count > max_pages:
            raise PipelineError(f"{path}: {count} pages, over the limit of {max_pages} (--max-pages)")
        for number, page in enumerate(pdf.pages, start=1):
            try:
                pages.append(_page_lines(page, number))
                heights.append(float(page.height))
            except Exception as exc:  # noqa: BLE001
                raise PipelineError(f"{path}: page {number} cannot be read ({type(exc).__name__})") from None
            finally:
                page.close()  # pdfplumber keeps every parsed page otherwise
    if not any(pages):
        raise PipelineError(f"{path}: no text layer (a scanned PDF?); run OCR first")
    text, page_starts = _compose(pages, heights)
    return SourceText(
        path=path,
        source_file=path.name,
        text=text,
        sha256=hashlib.sha256(data).hexdigest(),
        encoding="pdf",
        lines=split_lines(text),
        page_starts=page_starts,
        page_count=len(pages),
    )


def _compose(pages: list[list[_Line]], heights: list[float]) -> tuple[str, list[tuple[int, int]]]:
    """Text with one line per heading, paragraph or list item, and where pages start."""
    furniture = _furniture(pages, heights)
    body = Counter()
    for lines in pages:
        for line in lines:
            body[line.size] += len(line.text)
    body_size = body.most_common(1)[0][0]
    flow: list[_Line] = []
    for lines, height in zip(pages, heights):
        lines = [line for line in lines if id(line) not in furniture]
        if _is_contents(lines):
            continue
        for line in lines:
            line.small = line.size < 0.85 * body_size
            # Footnotes: small type at the foot of the page.
            if line.small and line.top > 0.6 * height:
                continue
            flow.append(line)
    vocabulary = _Vocabulary.of(flow)

    paragraphs: list[_Paragraph] = []
    line_gap = _typical_gap(flow)
    margins = Counter(round(line.x0) for line in flow if not line.bold)
    body_left = margins.most_common(1)[0][0] if margins else 0.0
    for line in flow:
        heading = line.bold or line.size > 1.1 * body_size
        bullet = line.text[:1] in _BULLETS and len(line.text) > 2 and not line.text[1:2].isalnum() and (
            line.text[:1] not in "–-" or line.x0 > body_left + 3)  # a dash at the margin starts a wrapped line
        last = paragraphs[-1] if paragraphs else None
        same_page = last is not None and last.parts[-1][0] == line.page
        close = same_page and line.top - last.bottom <= 1.5 * line_gap + 1
        continues = False
        if last is not None and not bullet:
            if heading:
                continues = last.kind == "heading" and close
            elif last.kind != "heading":
                if same_page:
                    # Under a list item, only an indented line continues it.
                    continues = close and (last.kind == "paragraph" or line.x0 > last.x0 - 2)
                else:
                    # A paragraph runs on across the page break when it did not end.
                    continues = not _ENDS.search(last.parts[-1][1])
        if continues:
            last.parts.append((line.page, line.text))
            last.bottom = line.bottom
            continue
        kind = "heading" if heading else "list_item" if bullet else "paragraph"
        text = line.text[1:].strip() if bullet else line.text
        paragraphs.append(_Paragraph(kind, [(line.page, text)], line.bottom, line.x0 + (8 if bullet else 0)))

    text, page_starts = "", []
    for paragraph in paragraphs:
        if text:
            text += "\n\n"
        if paragraph.kind == "list_item":
            text += "• "
        joined, offsets = "", []
        for page, part in paragraph.parts:
            if joined:
                joined, at = _rejoin(joined, part, vocabulary)
            else:
                joined, at = part, 0
            offsets.append((at, page))
        for at, page in offsets:
            if not page_starts or page_starts[-1][1] != page:
                page_starts.append((len(text) + at, page))
        text += joined
    if paragraphs and paragraphs[-1].kind != "heading" and not _ENDS.search(text):
        return text, page_starts  # the text stops mid-sentence: no final line end, as a cut page
    return text + "\n", page_starts


def _typical_gap(lines: list[_Line]) -> float:
    """The usual space between two lines of one paragraph."""
    gaps = Counter()
    for a, b in zip(lines, lines[1:]):
        if a.page == b.page and not a.bold and not b.bold and 0 <= b.top - a.bottom < 20:
            gaps[round(b.top - a.bottom, 1)] += 1
    return float(gaps.most_common(1)[0][0]) if gaps else 4.0
