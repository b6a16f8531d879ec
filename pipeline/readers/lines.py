"""A reader's text as lines with offsets: what every reader gives the structure stage.

Here, not in a reader, so that each reader (text, HTML, PDF) can use it without
importing another.
"""
from __future__ import annotations

import re

from ..model import Line
from ..wordings import FURNITURE, GLUED_LINK  # page furniture is a wording of the web pages

_LINE = re.compile(r"[^\r\n]*(?:\r\n|\n|\r|$)")


def split_lines(text: str) -> list[Line]:
    """Lines of ``text`` with their offsets; terminators excluded from each line."""
    lines = []
    for number, match in enumerate(_LINE.finditer(text), start=1):
        raw = match.group()
        if not raw:
            break
        body = raw.rstrip("\r\n")
        start = match.start()
        lines.append(Line(number, start, start + len(body), body, is_furniture(body)))
    return lines


def is_furniture(body: str) -> bool:
    """Whether a line (or a hard-wrapped line joined again) is page furniture, not report text."""
    words = " ".join(body.split())
    # "Read more about West MerciaThis is ...": a link glued to prose is not all furniture.
    return bool(FURNITURE.match(words)) and not GLUED_LINK.match(words)
