"""Ingest PDF reports with pdfplumber into the same text-with-offsets as web-page text.

A PDF's words are read page by page and rebuilt into what a person sees: one line of
text per heading, paragraph, list item or table row, blank lines between, each marked
with its ``Line.kind``. Only one page is held at a time: each page's lines are spooled
to a temporary file as it is read (with the few lines that may be running headers or
footers kept aside) and read back from it to compose the text, once the whole
document's furniture, type sizes and words are known.

Nothing here depends on the tool that made the PDF. Paragraphs, headings and list
items are rebuilt from the evidence any layout shows, weighed together:

- the space between two lines against the document's usual line pitch for that type
  size (a paragraph's lines are evenly spaced; space sets blocks apart);
- where a line ends against the column's right edge: a line that stops short although
  the next line's first word would have fitted ended its paragraph;
- indentation against the column: a first-line indent starts a paragraph; a bullet
  starts a list item, whose wrapped lines may hang under its text or sit flush under
  the bullet;
- font size and weight: a line set larger than the body text, or wholly bold, is a
  heading; a short line standing alone without a sentence end is one too;
- sentence ends: at a page break, a paragraph whose last line ends mid-sentence runs
  on into the next page's first body line.

Page furniture goes: lines standing at the top or foot of most pages (running headers
and footers) and page numbers, contents pages (dot leaders and page numbers), footnotes
(small type under the body text at the page foot) and their markers, and pages of
figures with no running prose ("Force in numbers"). Tables are read with pdfplumber's
table finder, a row to a line; a judgments table whose grades head its columns or sit
beside its areas is written as the grade lines and areas the web pages show. Words
hyphenated at a line end are joined again. ``SourceText.page_starts`` records where each
page's text begins, so every offset can be traced to its page.

The PDF reader's (pdfminer's) own warnings never reach stderr unnamed: they are
gathered while one file is read and become one line naming the file.
"""
from __future__ import annotations

import hashlib
import logging
import math
import pickle
import re
import tempfile
from array import array
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path

from .readers.lines import split_lines
from .model import PipelineError, SourceText
from .wordings import GRADE_WORDS

DEFAULT_MAX_PAGES = 1000
_BULLETS = frozenset("•●▪◦·○■□◼◾➢►▶✓–-\uf0a7\uf0b7\uf0d8\uf076")  # and the Symbol and Wingdings fonts' bullets
_ENDS = re.compile(r"[.!?:;][\"'’”)\]]*$")
_PAGE_NUMBER = re.compile(r"^(?:page\s+)?[-–]?\s*\d{1,4}\s*[-–]?(?:\s*(?:of|/)\s*\d{1,4})?$", re.IGNORECASE)
_MARKER = re.compile(r"\d{1,3}|[*†‡]")
_LEADER = re.compile(r"(?:\.\s?){4,}\s*\d{1,4}$|…{2,}\s*\d{1,4}$")
_HYPHENS = "-\u2010\u00ad"  # hyphen-minus, the hyphen a layout engine inserts, soft hyphen
_BAND = 0.12  # top and bottom share of a page where running headers and footers sit
# First parts of words that English hyphenates ("well-developed", "multi-agency").
_COMPOUND_HEADS = frozenset(
    "well anti non multi self cross long short high low year cyber part full front semi counter re co pre post "
    "".split()
)


@dataclass(slots=True)  # small to spool: a page has dozens, a document tens of thousands
class _Line:
    page: int
    text: str
    top: float
    bottom: float
    x0: float
    x1: float
    size: float  # the line's main font size
    bold: bool
    first_width: float  # width of its first word, to tell whether it would have fitted above
    text_x: float  # where its text starts (after a bullet)
    bullet: bool = False
    taller: float = 0.0  # how far a larger glyph (a 14pt full stop in 12pt text) reaches above or below it
    marked: bool = False  # it starts with a note's number or mark, set small (a footnote's first line)
    column: int = 0  # which run of the page's reading order it is in: a column, or a band across them


@dataclass
class _Page:
    number: int
    height: float
    width: float
    lines: list[_Line]
    tables: list[list[list[str]]] = field(default_factory=list)  # rows of cells, tables placed at lines' tops
    table_tops: list[float] = field(default_factory=list)


@dataclass
class _Block:
    kind: str  # "heading", "paragraph", "list_item", "table_row"
    lines: list[_Line]

    @property
    def last(self) -> _Line:
        return self.lines[-1]


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


def _pages(pdf):
    """The document's pages one at a time: pdfplumber's ``pdf.pages`` makes and keeps them all."""
    from pdfminer.pdfpage import PDFPage
    from pdfplumber.page import Page

    top = 0.0
    for number, obj in enumerate(PDFPage.create_pages(pdf.doc), start=1):
        page = Page(pdf, obj, page_number=number, initial_doctop=top)
        top += page.height
        yield page


def _read_page(page, number: int) -> _Page:
    """The page's lines of words, in reading order, and its tables (their words taken out)."""
    words = page.extract_words(extra_attrs=["size", "fontname"], keep_blank_chars=False, use_text_flow=True)
    tables, tops = [], []
    if len(page.edges) >= 4:  # ruled tables only: the finder costs time, and a page without rules has none
        boxes = []
        for table in page.find_tables():
            rows = [[cell or "" for cell in row] for row in table.extract()]
            rows = [row for row in rows if any(cell.strip() for cell in row)]
            if len(rows) >= 2 and max(len(row) for row in rows) >= 2:
                tables.append(rows)
                tops.append(table.bbox[1])
                boxes.append(table.bbox)
        if boxes:
            words = [w for w in words if not any(
                b[0] - 1 <= (w["x0"] + w["x1"]) / 2 <= b[2] + 1 and b[1] - 1 <= (w["top"] + w["bottom"]) / 2 <= b[3] + 1
                for b in boxes)]
    lines = _in_columns(words, number, float(page.width), float(page.height))
    # Bullets drawn as shapes (a small filled dot or square left of a line), not as glyphs.
    dots = [(shape["x0"], shape["x1"], (shape["top"] + shape["bottom"]) / 2) for shape in page.curves + page.rects
            if shape.get("fill") and 1.5 < shape["x1"] - shape["x0"] < 9 and 1.5 < shape["bottom"] - shape["top"] < 9]
    for line in lines if dots else ():
        if not line.bullet and any(line.top <= middle <= line.bottom and 0 < line.x0 - x1 < 3 * line.size
                                   for x0, x1, middle in dots):
            x0 = max(x0 for x0, x1, middle in dots if line.top <= middle <= line.bottom and x1 < line.x0)
            line.text, line.text_x, line.x0, line.bullet = "• " + line.text, line.x0, x0, True
    return _Page(number, float(page.height), float(page.width), lines, tables, tops)


def _gutter(words: list[dict], width: float) -> float | None:
    """Where two columns of text meet: an upright strip in the page's middle that almost no
    word crosses, with many lines on either side starting at one edge."""
    if len(words) < 60:
        return None
    cover = [0] * (int(width) + 2)
    for word in words:
        for x in range(max(0, math.ceil(word["x0"])), min(len(cover), int(word["x1"]) + 1)):
            cover[x] += 1
    # The widest strip no more than a few words cross: wider than the space between words.
    most = 0.01 * len(words)
    best, run = (0, 0), 0
    for at in range(int(0.3 * width), int(0.7 * width)):
        run = run + 1 if cover[at] <= most else 0
        best = max(best, (run, at))
    if best[0] < 10:
        return None
    x = best[1] - best[0] // 2
    right = [w for w in words if w["x0"] > x]
    left = [w for w in words if w["x1"] < x]
    if len(left) < 0.2 * len(words) or len(right) < max(15, 0.08 * len(words)):
        return None  # (a last page's second column may hold a few lines only)
    # The right column's lines start at one edge (not words scattered beside a margin).
    starts = Counter(round(w["x0"]) for w in right)
    rows = len({round(w["bottom"]) for w in right})
    edge = max(starts[at - 1] + starts[at] + starts[at + 1] for at in starts)
    return float(x) if edge >= 0.5 * rows else None


def _in_columns(words: list[dict], number: int, width: float, height: float) -> list[_Line]:
    """The page's lines in reading order: one column, or two read one after the other, with
    lines across both (a heading, a title) taken in their place."""
    margin = 0.075 * height  # where running headers and footers stand, outside the columns
    body = [w for w in words if margin < w["top"] and w["bottom"] < height - margin]
    gutter = _gutter(body, width)
    if gutter is None:
        return _rows(words, number)
    crossing = [w for w in words if w["x0"] < gutter < w["x1"] or not (margin < w["top"] and w["bottom"] < height - margin)]

    def across(word: dict) -> bool:
        return any(min(word["bottom"], c["bottom"]) - max(word["top"], c["top"])
                   > 0.5 * min(word["bottom"] - word["top"], c["bottom"] - c["top"]) for c in crossing)

    wide = [w for w in words if across(w)]
    rest = [w for w in words if not across(w)]
    full = _rows(wide, number)
    left = _rows([w for w in rest if w["x1"] <= gutter], number)
    right = _rows([w for w in rest if w["x0"] >= gutter], number)
    out, column = [], 0
    bands = [line.top for line in full] + [float("inf")]
    above = float("-inf")
    for k, limit in enumerate(bands):
        for side in (left, right):
            part = [line for line in side if above <= line.top < limit]
            if part:
                column += 1
                out += [replace(line, column=column) for line in part]
        if k < len(full):
            column += 1
            out.append(replace(full[k], column=column))
            above = full[k].top
    return out


def _rows(words: list[dict], number: int) -> list[_Line]:
    """Words grouped into lines: words whose heights overlap by half share a line (superscripts too)."""
    rows: list[list[dict]] = []
    for word in sorted(words, key=lambda w: (w["bottom"], w["x0"])):
        for row in reversed(rows[-3:]):
            top, bottom = row[0]["top"], row[0]["bottom"]  # the row's first word: rows never grow into the next
            overlap = min(bottom, word["bottom"]) - max(top, word["top"])
            if overlap > 0.5 * min(bottom - top, word["bottom"] - word["top"]):
                row.append(word)
                break
        else:
            rows.append([word])
    lines = []
    for row in rows:
        row.sort(key=lambda w: w["x0"])
        sizes = Counter()
        for word in row:
            sizes[round(word["size"], 1)] += len(word["text"])
        size = sizes.most_common(1)[0][0]
        # Footnote markers: small digits or daggers set beside the line's words.
        kept = [w for w in row if not (w["size"] < 0.8 * size and _MARKER.fullmatch(w["text"]))]
        if not kept:
            continue
        text = _join_words(kept)
        if not text:
            continue
        chars = sum(len(w["text"]) for w in kept)
        bold = sum(len(w["text"]) for w in kept if "bold" in w["fontname"].lower()) > 0.6 * chars
        first = kept[0]
        first_end = first["x1"]  # the first word ends at the first space (a quote in another font is in it)
        for word in kept[1:]:
            if word["x0"] - first_end > 0.5:
                break
            first_end = word["x1"]
        bullet = first["text"][:1] in _BULLETS and (len(first["text"]) == 1 or not first["text"][1:2].isalnum()) \
            and len(text) > 2
        text_x = kept[1]["x0"] if bullet and len(kept) > 1 and len(first["text"]) == 1 else first["x0"]
        main = [w for w in kept if round(w["size"], 1) == size] or kept  # a larger glyph does not move the line
        marked = row[0] is not first  # a small number or mark before its words: a footnote's first line
        lines.append(_Line(number, text, min(w["top"] for w in main), max(w["bottom"] for w in main),
                           first["x0"], max(w["x1"] for w in kept), size, bold, first_end - first["x0"],
                           text_x, bullet, max(w["bottom"] for w in kept) - max(w["bottom"] for w in main)
                           + min(w["top"] for w in main) - min(w["top"] for w in kept), marked))
    lines.sort(key=lambda line: (line.top, line.x0))
    return lines


def _join_words(words: list[dict]) -> str:
    out = ""
    for word in words:
        if out and word["x0"] - previous_end > 0.5:
            out += " "
        out += word["text"]
        previous_end = word["x1"]
    return out.strip()


def _key(line: _Line) -> str:
    return re.sub(r"\d+", "#", " ".join(line.text.lower().split()))


def _edges(page: _Page) -> list[tuple[tuple[int, int], _Line]]:
    """The page's lines that may be furniture, with their places (page, index): among its
    first or last three lines, in the band at its top or foot."""
    count = len(page.lines)
    return [((page.number, k), page.lines[k]) for k in sorted({*range(min(3, count)), *range(max(0, count - 3), count)})
            if page.lines[k].top < _BAND * page.height or page.lines[k].bottom > (1 - _BAND) * page.height]


def _furniture(candidates: list[tuple[tuple[int, int], _Line]], pages: int, ends: set[tuple[int, int]]) -> set[tuple[int, int]]:
    """Places of the lines that are running headers, footers or page numbers, from the
    candidates of every page (``_edges``); ``ends`` are the places of each page's first and
    last line.

    A running header or footer is a line standing at the top or foot of most pages (its
    digits aside); a page number is a number there that counts with the pages (page 5
    says 5, or 3 where the numbering starts later), not a question's number that happens
    to open a page.
    """
    numbers = [(place, line) for place, line in candidates if _PAGE_NUMBER.match(line.text.strip())]
    offsets = Counter(int(re.search(r"\d+", line.text).group()) - line.page for _, line in numbers)
    counting = {offset for offset, count in offsets.most_common(1) if count >= max(2, math.ceil(0.4 * pages))}
    out = {place for place, line in numbers
           if int(re.search(r"\d+", line.text).group()) - line.page in counting or re.search(r"\D\d", line.text)}
    if pages == 1:  # one page: its number, if any, is a lone 1 at the top or foot
        out |= {place for place, line in numbers if re.search(r"\d+", line.text).group() == "1" and place in ends}
    # "3/6", "Page 3 of 6" beside other words (a browser's footer): the page's number and the count.
    for place, line in candidates:
        match = re.search(r"(?:^|\s)(\d{1,4})\s*(?:/|of)\s*(\d{1,4})$", line.text)
        if match and int(match.group(1)) == line.page and int(match.group(2)) == pages:
            out.add(place)
    # The same words at the same height on many pages (a heading that happens to open a
    # page or two is not; running headers keep their place).
    def at(line: _Line) -> tuple[str, int]:
        return _key(line), round(line.top / 6)

    repeats = Counter()
    for key, _ in {(at(line), line.page) for _, line in candidates}:
        repeats[key] += 1
    many = max(2, math.ceil(0.4 * pages))
    return out | {place for place, line in candidates
                  if max(repeats[at(line)], repeats[(_key(line), round(line.top / 6) + 1)],
                         repeats[(_key(line), round(line.top / 6) - 1)]) >= many
                  and not _PAGE_NUMBER.match(line.text.strip())}


def _is_contents(lines: list[_Line]) -> bool:
    """A contents page: titled so, or most of its lines end in a page number after dot leaders."""
    if not lines:
        return False
    if any(line.text.strip().lower() in ("contents", "table of contents") for line in lines[:3]):
        numbered = sum(1 for line in lines if re.search(r"\s\d{1,3}$", line.text) or _LEADER.search(line.text))
        return numbered >= max(1, (len(lines) - 1) // 3)
    leaders = sum(1 for line in lines if _LEADER.search(line.text))
    return leaders >= 3 and leaders >= len(lines) // 3


def _without_footnotes(lines: list[_Line], layout: "_Layout", height: float) -> list[_Line]:
    """The page's lines without its footnotes: small type under the body text, in the page's
    lower half, the first of it starting with its note's number or mark."""
    body = [line for line in lines if line.size >= 0.9 * layout.body_size]
    foot = max((line.bottom for line in body), default=0.0)
    notes = [line for line in lines if line.size < 0.9 * layout.body_size and line.top >= foot - 1
             and line.top > 0.5 * height]
    if notes and (notes[0].marked or re.match(r"(?:\d{1,3}|[*†‡])(?:[.)]?\s|[A-Z])", notes[0].text)):
        drop = {id(line) for line in notes}
        return [line for line in lines if id(line) not in drop]
    return lines


def _prose(line: _Line, layout: "_Layout") -> bool:
    """A line of running prose: eight words or more, running to the column's edge or ending a sentence."""
    return len(line.text.split()) >= 8 and (
        line.x1 > layout.right - 0.15 * (layout.right - layout.left) or bool(_ENDS.search(line.text)))


def _is_figures(lines: list[_Line], layout: "_Layout") -> bool:
    """A page of figures and charts ("Force in numbers"): many lines, none running prose."""
    if len(lines) < 8:
        return False
    numeric = [line for line in lines if re.search(r"\d", line.text)]
    return not any(_prose(line, layout) for line in lines) and len(numeric) >= 0.3 * len(lines)


@dataclass
class _Vocabulary:
    """Words the document writes away from line ends, to mend words broken at them."""

    compounds: set[str] = field(default_factory=set)  # "anti-social"
    words: set[str] = field(default_factory=set)  # "investigation", "well", "developed"
    inserted: bool = True  # the hyphen (U+2010) seen at line ends only: the layout's own, not the text's
    _broken: bool = False  # the line seen last ends in a hyphen: the next one's first word is a word's end

    def see(self, line: _Line) -> None:
        """Take in the words of the document's next line (lines are seen in reading order)."""
        tokens = re.findall(r"[A-Za-z]+(?:-[A-Za-z]+)*-?", line.text)
        if line.text[-1:] in _HYPHENS and tokens:
            tokens = tokens[:-1]
        if self._broken and tokens:
            tokens = tokens[1:]
        self._broken = line.text[-1:] in _HYPHENS
        for token in tokens:
            token = token.lower().rstrip("-")
            if "-" in token:
                self.compounds.add(token)
                self.words.update(token.split("-"))
            else:
                self.words.add(token)
        self.inserted = self.inserted and "\u2010" not in line.text[:-1]

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
    match = re.search(rf"([A-Za-z]+)([{_HYPHENS}])$", before)
    tail = re.match(r"[A-Za-z]+", after)
    if match and tail and after[:1].islower():
        layout_hyphen = match.group(2) == "\u00ad" or (match.group(2) == "\u2010" and vocabulary.inserted)
        if f"{match.group(1)}-{tail.group()}".lower() in vocabulary.compounds or (
                not layout_hyphen and vocabulary.keeps_hyphen(match.group(1), tail.group())):
            return before[:-1] + "-" + after, len(before)
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
    with path.open("rb") as file:  # read in chunks: a long PDF is not held whole beside its pages
        header = file.read(4)
        file.seek(0)
        sha256 = hashlib.file_digest(file, "sha256").hexdigest()
    if header != b"%PDF":
        raise PipelineError(f"{path}: not a PDF (no %PDF header)")
    # Each page's lines are spooled to a temporary file as the page is read, so that only
    # one page is held at a time however long the document.
    with tempfile.TemporaryFile() as spool:
        count, furniture = _spool(path, max_pages, spool)

        def pages() -> Iterator[_Page]:
            spool.seek(0)
            for _ in range(count):
                yield pickle.load(spool)

        text, page_starts, kinds = _compose(pages, furniture)
    lines = split_lines(text)
    for k, line in enumerate(lines):  # in place: a long document's lines are not held twice
        if line.text:
            lines[k] = replace(line, kind=kinds.get(line.start))
    return SourceText(
        path=path,
        source_file=path.name,
        text=text,
        sha256=sha256,
        encoding="pdf",
        lines=lines,
        page_starts=page_starts,
        page_count=count,
    )


def _spool(path: Path, max_pages: int, spool) -> tuple[int, set[tuple[int, int]]]:
    """Read the PDF's pages into ``spool``, one pickled ``_Page`` after another; the
    number of pages and the places of their furniture (``_furniture``)."""
    from pdfminer.pdfpage import PDFPage

    candidates, ends, any_text = [], set(), False
    with _open(path) as pdf:
        # pdfminer would keep every object it parsed, each page's content stream among them
        # (the fonts are kept by the resource manager; parsing again cost nothing measurable).
        pdf.doc.caching = False
        try:
            count = sum(1 for _ in PDFPage.create_pages(pdf.doc))
        except Exception as exc:  # noqa: BLE001 - a damaged page tree
            raise PipelineError(f"{path}: not a readable PDF ({type(exc).__name__})") from None
        if count == 0:
            raise PipelineError(f"{path}: the PDF has no pages")
        if count > max_pages:
            raise PipelineError(f"{path}: {count} pages, over the limit of {max_pages} (--max-pages)")
        for number, page in enumerate(_pages(pdf), start=1):
            try:
                read = _read_page(page, number)
            except Exception as exc:  # noqa: BLE001
                raise PipelineError(f"{path}: page {number} cannot be read ({type(exc).__name__})") from None
            finally:
                page.close()  # pdfplumber keeps every parsed page otherwise
            pickle.dump(read, spool, protocol=pickle.HIGHEST_PROTOCOL)
            candidates += _edges(read)
            ends |= {(number, 0), (number, len(read.lines) - 1)}
            any_text = any_text or bool(read.lines or read.tables)
    if not any_text:
        raise PipelineError(f"{path}: no text layer (a scanned PDF?); run OCR first")
    return count, _furniture(candidates, count, ends)


@dataclass
class _Layout:
    """What the whole document shows: body type size, line pitch by size, the column."""

    body_size: float
    pitch: dict[float, float]
    left: float
    right: float

    @classmethod
    def of(cls, lines: Iterable[_Line]) -> "_Layout":
        """The layout of the document's lines (running headers and footers left out), read once in order."""
        chars, pitches = Counter(), {}
        lefts: dict[float, Counter] = {}  # by type size, of lines not bold: the body's are known at the end
        rights: dict[float, array] = {}
        before = None
        for line in lines:
            chars[line.size] += len(line.text)
            # Steps from one line to the next of a block: not the wider ones between blocks.
            if before is not None and before.page == line.page and before.size == line.size \
                    and 0.9 * before.size < line.bottom - before.bottom < 1.7 * before.size:
                pitches.setdefault(before.size, Counter())[round(line.bottom - before.bottom, 1)] += 1
            if not line.bold:
                lefts.setdefault(line.size, Counter())[round(line.x0)] += 1
                rights.setdefault(line.size, array("d")).append(line.x1)
            before = line
        body_size = chars.most_common(1)[0][0] if chars else 10.0
        pitch = {size: counter.most_common(1)[0][0] for size, counter in pitches.items()}
        left = float(lefts[body_size].most_common(1)[0][0]) if body_size in lefts else 0.0
        ends = sorted(rights.get(body_size, ()))
        right = ends[int(0.9 * (len(ends) - 1))] if ends else 0.0
        return cls(body_size, pitch, left, right)

    def pitch_of(self, size: float) -> float:
        return self.pitch.get(size) or self.pitch.get(self.body_size, 1.2 * size) * size / self.body_size

    def heading(self, line: _Line) -> bool:
        return line.size > 1.12 * self.body_size or (line.bold and line.size >= 0.95 * self.body_size)

    def stops_short(self, line: _Line, after: _Line, right: float) -> bool:
        """``line`` ended before the column's right edge although ``after``'s first word would have fitted.

        The edge is an estimate and word widths are measured, so a little room is evidence
        only with more: a sentence end, or a capital next; much room is enough alone.
        """
        space = 0.3 * line.size
        room = right - (line.x1 + space + after.first_width)
        if room <= space:
            return False
        return room > 0.2 * (right - self.left) or bool(_ENDS.search(line.text)) or not after.text[:1].islower()


def _page_right(lines: list[_Line], layout: _Layout) -> float:
    """The right edge of the page's column: where its lines end (body lines first), or the document's."""
    for kept in ([line for line in lines if line.size == layout.body_size and not line.bold], lines):
        ends = sorted(line.x1 for line in kept)
        if len(ends) >= 8:
            return ends[int(0.9 * (len(ends) - 1))]
    return layout.right


def _starts_block(block: _Block, line: _Line, layout: _Layout, right: float) -> bool:
    """Whether ``line`` starts a new block rather than continuing ``block`` on the same page."""
    prev = block.last
    if line.bullet:
        return True
    if layout.heading(line) != layout.heading(prev) or abs(line.size - prev.size) > 0.12 * max(line.size, prev.size):
        return True  # another type: a heading after body text, or back (a link set a little smaller is not)
    step = line.bottom - prev.bottom
    pitch = max(layout.pitch_of(prev.size), layout.pitch_of(line.size))
    if step <= 0.5 * prev.size or step > pitch + max(1.8, 0.15 * prev.size) + line.taller + prev.taller:
        return True  # space between them (or a line beside, not below)
    if prev.text[-1:] in _HYPHENS and line.text[:1].islower():
        return False  # a word broken at the line end
    if layout.stops_short(prev, line, right):
        return True
    if block.kind == "list_item":
        # Wrapped lines hang under the item's text or sit flush under its bullet.
        return line.x0 < block.lines[0].x0 - 3
    if block.kind == "heading" or (len(block.lines) == 1 and line.x0 > prev.x0):
        return False  # a heading's wrapped line, or a hanging indent under a paragraph's first line
    return line.x0 > layout.left + 0.8 * prev.size and line.x0 > prev.x0 + 0.8 * prev.size  # a first-line indent


def _page_blocks(lines: list[_Line], layout: _Layout) -> list[_Block]:
    right = _page_right(lines, layout)
    blocks: list[_Block] = []
    for line in lines:
        if blocks and not _starts_block(blocks[-1], line, layout, right):
            blocks[-1].lines.append(line)
            continue
        kind = "heading" if layout.heading(line) else "list_item" if line.bullet else "paragraph"
        blocks.append(_Block(kind, [line]))
    # A paragraph never starts mid-sentence: one set apart by space, but begun in lower case
    # after a line without a sentence end, runs on.
    merged: list[_Block] = []
    for block in blocks:
        last = merged[-1] if merged else None
        if last is not None and last.kind == block.kind == "paragraph" and not _ENDS.search(last.last.text) \
                and block.lines[0].text[:1].islower() and abs(block.lines[0].size - last.last.size) < 0.6:
            last.lines += block.lines
        else:
            merged.append(block)
    blocks = merged
    # A short line standing alone, without a sentence end, between blocks: a heading set apart by space.
    for k, block in enumerate(blocks):
        line = block.lines[0]
        if block.kind == "paragraph" and len(block.lines) == 1 and not _ENDS.search(line.text) \
                and len(line.text.split()) <= 12 and line.x1 < right - 0.25 * (right - layout.left) \
                and k + 1 < len(blocks) and (blocks[k + 1].lines[0].bottom - line.bottom > layout.pitch_of(line.size) + 1.8
                     or blocks[k + 1].kind == "heading" or layout.heading(blocks[k + 1].lines[0]) != layout.heading(line)):
            block.kind = "heading"
    return blocks


def _segments(lines: list[_Line]) -> list[list[_Line]]:
    out: list[list[_Line]] = []
    for line in lines:
        if out and out[-1][-1].column == line.column:
            out[-1].append(line)
        else:
            out.append([line])
    return out


def _runs_on(last: _Block, first: _Block, layout: _Layout) -> bool:
    """A block cut by a page (or column) break: ``first`` continues ``last``."""
    if last.kind not in ("paragraph", "list_item") or first.kind != "paragraph":
        return False
    end = last.last.text
    if end[-1:] in _HYPHENS and first.lines[0].text[:1].islower():
        return True
    return not _ENDS.search(end) and abs(first.lines[0].size - last.last.size) <= 0.12 * last.last.size


def _table_lines(rows: list[list[str]]) -> list[tuple[str, str]]:
    """A table as (kind, text) lines: a judgments table as grade lines and their areas, others a row a line."""
    def clean(cell: str) -> str:
        return " ".join(cell.split())

    def grade(cell: str) -> bool:
        return clean(cell).lower() in GRADE_WORDS

    header = rows[0]
    if sum(1 for cell in header if grade(cell)) >= 2:
        # Grades head the columns; each column lists its areas (one a line, wrapped lines run on).
        out = []
        for column, cell in enumerate(header):
            areas = []
            for row in rows[1:]:
                for part in (row[column] or "").splitlines() if column < len(row) else []:
                    part = clean(part)
                    if areas and part[:1].islower():
                        areas[-1] += " " + part
                    elif part:
                        areas.append(part)
            if grade(cell) and areas:
                out += [("heading", clean(cell))] + [("table_row", area) for area in areas]
        return out
    if all(len(row) >= 2 and grade(row[-1]) for row in rows[1:]):
        # Each row an area and its grade: the area's heading and grade line, under the table's header.
        out = [("table_row", " | ".join(clean(cell) for cell in header if clean(cell)))]
        for row in rows[1:]:
            out += [("heading", clean(" ".join(cell for cell in row[:-1] if cell))), ("table_row", clean(row[-1]))]
        return out
    return [("table_row", " | ".join(clean(cell) for cell in row if clean(cell))) for row in rows]


def _flow(pages: Iterable[_Page], furniture: set[tuple[int, int]], layout: _Layout) -> Iterator[_Block]:
    """The document's blocks in reading order, each given once it is whole (a paragraph may
    run on over a page break), furniture, contents pages, pages of figures and footnotes left out."""
    last = None
    for page in pages:
        lines = [line for k, line in enumerate(page.lines) if (page.number, k) not in furniture]
        if _is_contents(lines) or _is_figures(lines, layout):
            continue
        lines = _without_footnotes(lines, layout, page.height)
        blocks = []
        for segment in _segments(lines):  # columns and the bands across them, in reading order
            more = _page_blocks(segment, layout)
            if blocks and more and _runs_on(blocks[-1], more[0], layout):
                blocks[-1].lines += more.pop(0).lines  # a paragraph running on into the next column
            blocks += more
        for top, rows in sorted(zip(page.table_tops, page.tables), key=lambda t: t[0]):
            at = next((k for k, block in enumerate(blocks) if block.lines[0].top > top), len(blocks))
            table = [_Block(kind, [_Line(page.number, text, top, top, 0, 0, layout.body_size, False, 0, 0)])
                     for kind, text in _table_lines(rows)]
            blocks[at:at] = table
        if last is not None and blocks and _runs_on(last, blocks[0], layout):
            last.lines += blocks.pop(0).lines
        if blocks:
            if last is not None:
                yield last
            yield from blocks[:-1]
            last = blocks[-1]
    if last is not None:
        yield last


def _compose(pages: Callable[[], Iterator[_Page]], furniture: set[tuple[int, int]]
             ) -> tuple[str, list[tuple[int, int]], dict[int, str]]:
    """Text with one line per heading, paragraph, list item or table row; where pages start;
    each line's kind by its offset.

    ``pages()`` gives the document's pages afresh, in order: they are read three times (for
    the layout, for the words and heading sizes of the whole text, and for the text), so
    that only one page's lines are held at a time.
    """
    layout = _Layout.of(line for page in pages() for k, line in enumerate(page.lines)
                        if (page.number, k) not in furniture)
    vocabulary, sizes = _Vocabulary(), set()
    for block in _flow(pages(), furniture, layout):
        for line in block.lines:
            vocabulary.see(line)
        if block.kind == "heading" and layout.heading(block.lines[0]):
            sizes.add(round(block.lines[0].size))
    sizes = sorted(sizes, reverse=True)
    parts, length, page_starts, kinds = [], 0, [], {}
    last = None
    for block in _flow(pages(), furniture, layout):
        if parts:
            parts.append("\n\n")
            length += 2
        kind = block.kind
        if kind == "heading":
            rank = sizes.index(round(block.lines[0].size)) + 1 if layout.heading(block.lines[0]) else len(sizes) + 1
            kind = f"heading{min(rank, 4)}"
        kinds[length] = kind
        texts = [line.text for line in block.lines]
        if block.kind == "list_item":
            parts.append("• ")
            length += 2
            texts[0] = texts[0][1:].strip()
        joined, offsets = "", []
        for line, part in zip(block.lines, texts):
            if joined:
                joined, at = _rejoin(joined, part, vocabulary)
            else:
                joined, at = part, 0
            offsets.append((at, line.page))
        for at, page in offsets:
            if not page_starts or page_starts[-1][1] != page:
                page_starts.append((length + at, page))
        parts.append(joined)
        length += len(joined)
        last = block
    if last is None or last.kind in ("heading", "table_row") or _ENDS.search(_tail(parts)):
        parts.append("\n")  # (else the text stops mid-sentence: no final line end, as a cut page)
    return "".join(parts), page_starts, kinds


def _tail(parts: list[str]) -> str:
    """The end of the text ``parts`` make, long enough to tell whether it ends a sentence:
    back to a character that is not a closing quote or bracket (a 1,000-page text is not
    copied to look at its last characters)."""
    tail = ""
    for part in reversed(parts):
        tail = part + tail
        if tail.rstrip("\n").rstrip("\"'’”)]"):
            break
    return tail
