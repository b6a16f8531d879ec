"""What a PDF shows, read bare with pdfplumber, for tests to check the reader against.

Independent of ``pipeline.pdf``: the page furniture here is what a person would call
it, found with the plainest rule (a line standing at the top or foot of most pages,
its digits aside, or a bare page number there), so a test can tell whether the
reader's more careful rules dropped it.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pdfplumber


@dataclass
class PdfLine:
    page: int
    text: str
    size: float  # the most common character size
    bold: bool
    top: float
    bottom: float
    bulleted: bool = False  # a bullet glyph first, or a small filled dot or square drawn just left of it


BULLET = re.compile(r"^[•●▪◦○■□◼◾➢►▶✓\uf0a7\uf0b7–-]\s")


def _key(text: str) -> str:
    return re.sub(r"\d+", "#", " ".join(text.lower().split()))


def letters(text: str) -> str:
    """Letters and digits only: text compared across line breaks, hyphens and spacing."""
    return re.sub(r"[^0-9a-z]", "", text.lower())


def pages_of(path: Path, columns: int = 1) -> list[list[PdfLine]]:
    """Each page's lines, top to bottom, as pdfplumber's extract_text_lines gives them; with
    ``columns``, the page cut upright into that many equal strips, read one after another
    (for a layout whose columns the test knows)."""
    out = []
    with pdfplumber.open(path) as pdf:
        for number, page in enumerate(pdf.pages, start=1):
            dots = [shape for shape in page.curves + page.rects if shape.get("fill")
                    and shape["x1"] - shape["x0"] < 9 and shape["bottom"] - shape["top"] < 9]
            lines = []
            strips = [page.crop((k * page.width / columns, 0, (k + 1) * page.width / columns, page.height))
                      for k in range(columns)] if columns > 1 else [page]
            for line in (line for strip in strips for line in strip.extract_text_lines(return_chars=True)):
                chars = [c for c in line["chars"] if c["text"].strip()]
                if not chars or not line["text"].strip():
                    continue
                size = Counter(round(c["size"], 1) for c in chars).most_common(1)[0][0]
                bold = sum("bold" in c["fontname"].lower() for c in chars) > 0.6 * len(chars)
                bulleted = bool(BULLET.match(line["text"].strip())) or any(
                    line["top"] <= (d["top"] + d["bottom"]) / 2 <= line["bottom"] and 0 < line["x0"] - d["x1"] < 3 * size
                    for d in dots)
                lines.append(PdfLine(number, line["text"].strip(), size, bold, line["top"], line["bottom"], bulleted))
            out.append(lines)
            page.close()
    return out


def furniture(pages: list[list[PdfLine]]) -> set[str]:
    """Keys of lines standing among the first or last three lines of at least half the pages."""
    seen = Counter()
    for lines in pages:
        seen.update({_key(line.text) for line in lines[:3] + lines[-3:]})
    return {key for key, count in seen.items() if count >= max(2, len(pages) / 2)}


def is_furniture(line: PdfLine, lines: list[PdfLine], keys: set[str]) -> bool:
    edge = line in lines[:3] or line in lines[-3:]
    return edge and (_key(line.text) in keys or bool(re.fullmatch(r"(?:page\s+)?\d{1,4}(?:\s*(?:of|/)\s*\d+)?",
                                                                       line.text, re.IGNORECASE)))


def body_size(pages: list[list[PdfLine]]) -> float:
    sizes = Counter()
    for lines in pages:
        for line in lines:
            sizes[line.size] += len(line.text)
    return sizes.most_common(1)[0][0]


def body_text(pages: list[list[PdfLine]]) -> list[str]:
    """Each page's text without its furniture, as letters only."""
    keys = furniture(pages)
    return [letters(" ".join(line.text for line in lines if not is_furniture(line, lines, keys))) for lines in pages]
