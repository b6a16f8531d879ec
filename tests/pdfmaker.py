"""Lay out report text the way the inspectorate's PDFs do, for tests and benchmarks.

There are no real PDFs in the repository; this builds them from report text with
reportlab (its bundled Bitstream Vera fonts cover the reports' curly quotes): a cover
page, a contents page, a running header with the force's name, a footer with the page
number, bold headings (question numbers, questions, grades, section headings), boxed
"Areas for improvement" lists with bullets, words hyphenated at line ends, paragraphs
running across page breaks and, optionally, a footnote.

``make_pdf`` returns where each unit of the text (heading, paragraph, list item) was
placed, so tests can check the page numbers the pipeline reports. A ``Style`` sets the
layout another tool would choose: tighter line spacing, headings in the body size and
weight set apart only by bold, bullet items whose wrapped lines align with the bullet
(flush) rather than its text, a question's number on the question's own line.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

FONT, BOLD = "Vera", "VeraBd"
pdfmetrics.registerFont(TTFont(FONT, "Vera.ttf"))
pdfmetrics.registerFont(TTFont(BOLD, "VeraBd.ttf"))

WIDTH, HEIGHT = A4
LEFT, RIGHT = 72, WIDTH - 72
BODY_TOP, BODY_BOTTOM = HEIGHT - 90, 100
BODY_SIZE, LEADING = 11, 15
HEADING_SIZE, HEADING_LEADING = 13, 18
FURNITURE = ("Skip to content",)
_BULLET = re.compile(r"^\s*(?:[•●▪–-])\s*")
_ENDS = re.compile(r"[.!?:;][\"'’”)\]]*$")


@dataclass(frozen=True)
class Style:
    body_size: float = 11
    leading: float = 15  # baseline to baseline within a paragraph
    heading_size: float = 13
    heading_leading: float = 18
    paragraph_gap: float = 8  # extra space after a paragraph
    flush_bullets: bool = False  # wrapped lines of a list item start under its bullet
    numbered_questions: bool = False  # "1  How effective ...?" as one heading, wrapped under its text
    heading_font: str = BOLD  # FONT: headings set apart by space alone
    columns: int = 1  # 2: the body set in two columns, paragraphs running on from one to the next


STYLES = {
    "default": Style(),
    # Another tool's choices: flush bullet continuations, the number on the question's line.
    "flush": Style(flush_bullets=True, numbered_questions=True),
    # Less space between lines and paragraphs; headings only bold, in the body size.
    "tight": Style(leading=12.6, heading_size=11, heading_leading=13, paragraph_gap=3),
    # Headings in the body font, set apart only by the space around them.
    "spaced": Style(leading=13, heading_size=11, heading_leading=13, paragraph_gap=6, heading_font=FONT),
    # The body in two columns: paragraphs run across column and page breaks.
    "columns": Style(body_size=9.5, leading=12.5, heading_size=11, heading_leading=14, columns=2),
}
GUTTER = 18


@dataclass
class Unit:
    kind: str  # "heading", "paragraph", "bullet"
    text: str
    pages: list[int] = field(default_factory=list)


def units(text: str) -> list[Unit]:
    """The report text as headings, paragraphs and list items, furniture left out."""
    out = []
    cut = not text.endswith("\n")  # an excerpt stops mid-sentence: its last line is prose
    raws = text.splitlines()
    for number, raw in enumerate(raws):
        line = raw.strip(" \t\xa0")
        if not line or line in FURNITURE:
            continue
        if _BULLET.match(raw) and len(line) > 2:
            out.append(Unit("bullet", _BULLET.sub("", raw, count=1).strip()))
        elif ((len(line.split()) <= 12 and not _ENDS.search(line)) or (line.endswith("?") and len(line) < 200)) \
                and not (cut and number == len(raws) - 1):
            out.append(Unit("heading", line))
        else:
            out.append(Unit("paragraph", line))
    return out


def _width(text: str, font: str, size: float) -> float:
    return pdfmetrics.stringWidth(text, font, size)


def _wrap(words: list[str], width: float, font: str, size: float, hyphenate: bool) -> list[str]:
    """Greedy line breaking; long words are hyphenated at the line end, compounds at their hyphen."""
    lines, line = [], ""
    queue = list(words)
    while queue:
        word = queue.pop(0)
        trial = f"{line} {word}" if line else word
        if _width(trial, font, size) <= width:
            line = trial
            continue
        room = width - _width(f"{line} " if line else "", font, size)
        head = None
        if "-" in word[:-1] and _width(word.split("-", 1)[0] + "-", font, size) <= room:
            head, tail = word.split("-", 1)[0] + "-", word.split("-", 1)[1]  # break a compound at its hyphen
        elif hyphenate and re.fullmatch(r"[A-Za-z]{8,}[,.;:]?", word):
            for cut in range(len(word.rstrip(",.;:")) - 3, 3, -1):
                if _width(word[:cut] + "-", font, size) <= room:
                    head, tail = word[:cut] + "-", word[cut:]
                    break
        if head:
            lines.append(f"{line} {head}" if line else head)
            line = ""
            queue.insert(0, tail)
        else:
            if line:
                lines.append(line)
            line = word
    if line:
        lines.append(line)
    return lines


class _Layout:
    def __init__(self, path: Path, header: str, footnote: tuple[str, str] | None, style: Style = Style()):
        self.style = style
        self.canvas = canvas.Canvas(str(path), pagesize=A4)
        self.canvas.setTitle(header)
        self.header = header
        self.page = 0
        self.y = BODY_TOP
        self.footnote = footnote  # (word after which the marker goes, footnote text)
        self.footnote_done = False
        self.columns, self.column, self.shift = 1, 0, 0.0  # the body's columns, the one being filled
        self.width = RIGHT - LEFT

    def set_columns(self, columns: int) -> None:
        self.columns = columns
        self.width = (RIGHT - LEFT - GUTTER * (columns - 1)) / columns

    def new_page(self, furniture: bool = True) -> None:
        if self.page:
            self.canvas.showPage()
        self.page += 1
        self.y = BODY_TOP
        self.column, self.shift = 0, 0.0
        if furniture:
            self.canvas.setFont(FONT, 9)
            self.canvas.drawString(LEFT, HEIGHT - 45, self.header)
            self.canvas.drawCentredString(WIDTH / 2, 40, str(self.page))

    def need(self, height: float) -> None:
        if self.y - height < BODY_BOTTOM:
            if self.column + 1 < self.columns:  # on into the next column
                self.column += 1
                self.shift = self.column * (self.width + GUTTER)
                self.y = BODY_TOP
            else:
                self.new_page()

    def draw_lines(self, unit: Unit, lines: list[str], font: str, size: float, leading: float, x: float,
                   bullet: bool = False, label: str = "") -> None:
        for k, line in enumerate(lines):
            self.need(leading)
            if self.page not in unit.pages:
                unit.pages.append(self.page)
            self.canvas.setFont(font, size)
            if bullet and k == 0:
                self.canvas.drawString(x + self.shift - 12, self.y - size, "•")
            if label and k == 0:
                self.canvas.drawString(LEFT + self.shift, self.y - size, label)  # a question's number, left of its text
            at = x - 12 if bullet and k and self.style.flush_bullets else x
            self.canvas.drawString(at + self.shift, self.y - size, line)
            if self.footnote and not self.footnote_done and unit.kind == "paragraph":
                self._marker(line, x, size)
            self.y -= leading

    def _marker(self, line: str, x: float, size: float) -> None:
        word, note = self.footnote
        match = re.search(rf"\b{re.escape(word)}\b", line)
        if not match:
            return
        end = x + _width(line[: match.end()], FONT, size)
        self.canvas.setFont(FONT, 7)
        self.canvas.drawString(end + 0.5, self.y - size + 5, "1")
        self.canvas.setFont(FONT, 8)
        self.canvas.drawString(LEFT, 70, f"1 {note}")
        self.footnote_done = True

    def save(self) -> None:
        self.canvas.save()


def make_pdf(text: str, path: Path, force: str, *, footnote: tuple[str, str] | None = None,
             hyphenate: bool = True, repeat: int = 1, style: Style = Style()) -> list[Unit]:
    """Write ``text`` as an inspectorate-style PDF at ``path``; returns its placed units.

    ``repeat`` lays the body out several times (for long benchmark documents).
    """
    parts = units(text)
    title, rest = parts[0], parts[1:]
    if style.numbered_questions:
        rest = _number_questions(rest)
    layout = _Layout(path, f"{force} – {title.text}", footnote, style)
    size, leading = style.body_size, style.leading

    # Cover: the title and the pillar, without running header or page number.
    layout.new_page(furniture=False)
    layout.y = HEIGHT / 2 + 60
    cover = [title] + ([rest.pop(0)] if rest and rest[0].kind == "heading" and len(rest[0].text.split()) == 1 else [])
    for unit, cover_size in zip(cover, (24, 16)):  # the title, then the pillar in smaller type
        layout.draw_lines(unit, [unit.text], BOLD, cover_size, cover_size + 16, LEFT)

    # Contents: the questions, with page numbers as a contents page shows them.
    layout.new_page()
    layout.draw_lines(Unit("heading", "Contents"), ["Contents"], BOLD, 18, 30, LEFT)
    entries = [u.text for u in rest if u.kind == "heading" and u.text.endswith("?")] or ["Summary"]
    for number, entry in enumerate(entries, start=3):
        for line in _wrap(entry.split(), RIGHT - LEFT - 40, FONT, size, False):
            layout.draw_lines(Unit("toc", line), [line], FONT, size, leading, LEFT)
        layout.canvas.drawRightString(RIGHT, layout.y + leading - size, str(number))

    body: list[Unit] = []
    for copy in range(repeat):
        body += [Unit(u.kind, u.text) for u in rest] if copy else rest
    layout.new_page()
    layout.set_columns(style.columns)
    width = layout.width
    in_box = False
    box_top = None
    for k, unit in enumerate(body):
        if unit.kind == "heading":
            if in_box:
                _close_box(layout, box_top)
                in_box = False
            layout.y -= 6 if style.paragraph_gap > 4 else 3
            hsize, hleading = style.heading_size, style.heading_leading
            label, heading, x = "", unit.text, LEFT
            if style.numbered_questions and re.match(r"\d+ ", unit.text):
                label, heading = unit.text.split(" ", 1)
                x = LEFT + 24
            lines = _wrap(heading.split(), LEFT + width - x, style.heading_font, hsize, False)
            layout.need(len(lines) * hleading + 2 * leading)  # keep a heading with what follows
            layout.draw_lines(unit, lines, style.heading_font, hsize, hleading, x, label=label)
            if unit.text.lower().startswith("area") and "improvement" in unit.text.lower():
                in_box, box_top = True, (layout.page, layout.y + hleading + 2)
            layout.y -= 4 if style.paragraph_gap > 4 else 1
        elif unit.kind == "bullet":
            lines = _wrap(unit.text.split(), width - 30, FONT, size, hyphenate)
            layout.draw_lines(unit, lines, FONT, size, leading, LEFT + 24, bullet=True)
            layout.y -= style.paragraph_gap / 2
        else:
            if in_box:
                _close_box(layout, box_top)
                in_box = False
            lines = _wrap(unit.text.split(), width, FONT, size, hyphenate)
            layout.draw_lines(unit, lines, FONT, size, leading, LEFT)
            layout.y -= style.paragraph_gap
    if in_box:
        _close_box(layout, box_top)
    layout.save()
    return cover + body


def _number_questions(parts: list[Unit]) -> list[Unit]:
    """A question number on its own line joined to the question after it: "1 How effective ...?"."""
    out: list[Unit] = []
    for unit in parts:
        if out and out[-1].kind == "heading" and re.fullmatch(r"\d+", out[-1].text) and unit.kind == "heading":
            out[-1] = Unit("heading", f"{out[-1].text} {unit.text}")
        else:
            out.append(unit)
    return out


def _close_box(layout: _Layout, top: tuple[int, float]) -> None:
    """Draw the box of an "Areas for improvement" list, when it stayed on one page."""
    page, y = top
    if page == layout.page and layout.columns == 1:
        layout.canvas.setLineWidth(0.5)
        layout.canvas.rect(LEFT - 8, layout.y, RIGHT - LEFT + 16, y - layout.y)
