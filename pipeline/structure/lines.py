"""The lines of a report as the line walker reads them.

A hard-wrapped text (a browser's "Save Page As, Text") is joined back into its
paragraphs, headings and list items (``_join_wrapped``), each joined line spanning its
physical lines so offsets stay exact. Also here: what ends a sentence or a list marker
starts an item, spans trimmed of blanks, and a line on its words alone.
"""
from __future__ import annotations

import re

from ..readers.lines import is_furniture
from ..model import Line
from ..wordings import (LAST_UPDATED_CUT, PILLARS, QUESTION_AFTER_BREAK, QUESTION_NUMBER, QUESTIONS_FOR,
                        REPORT_MARKERS, SECTION_HEADING, grade_line)

# List markers: "•" glued or spaced, "- " and "– " spaced ("-2%" is not a list item),
# other glyphs of word processors, "o " before a capital, "1." and "(a)".
_BULLET = re.compile(r"^\s*(?:[•●▪◦·○■□➢►▶✓—]\s*|[*–-]\s+|o\s+(?=[A-Z‘“])|\(?(?:\d{1,2}|[a-h])[.)]\s+(?=\S))")

# A paragraph ends at a line that ends a sentence; a long line without an end is
# taken as hard-wrapped and joined with the next.
_ENDS_SENTENCE = re.compile(r"(?:[.!?:;]|;\s+(?:and|or))[\"'’”)\]]*$")
_WRAP_WIDTH = 60
_HEADING_WORDS = 12


def _reads_as_heading(line: Line, key: str) -> bool:
    """Whether a line is a heading: what its reader knows (an HTML page's h1-h4, a PDF's
    rebuilt heading) where it says; otherwise, as in plain text, a short line that ends no
    sentence. A paragraph line is still judged by its shape (pages set headings as bold
    paragraphs), a list item or table row never is a heading."""
    if line.kind is not None and line.kind.startswith("heading"):
        return True
    if line.kind in ("list_item", "table_row"):
        return False
    return len(key.split()) <= _HEADING_WORDS and not _ENDS_SENTENCE.search(key)


def _question_line(text: str) -> bool:
    """A heading that asks a question: ends with '?', short, one sentence."""
    return text.endswith("?") and len(text.split()) <= 40 and ". " not in text


# Stray "Â" is mojibake of a no-break space (UTF-8 read as Windows-1252): blank.
_BLANK = " \t\r\n\f\v\xa0\u2002\u2003\u2009\u200b\ufeffÂ"


def _trim(source: str, start: int, end: int) -> tuple[int, int]:
    """Shrink ``[start, end)`` so it neither starts nor ends with whitespace (or stray "Â")."""
    while start < end and (source[start].isspace() or source[start] in _BLANK):
        start += 1
    while end > start and (source[end - 1].isspace() or source[end - 1] in _BLANK):
        end -= 1
    return start, end


def _words(text: str) -> str:
    """``text`` on its words alone: each run of whitespace (a hard-wrapped line break) one space."""
    return " ".join(text.split())


# Hard-wrapped text (a browser's "Save Page As, Text" breaks lines at 72 to 80 columns):
# the widest a wrapped text's lines may be, and how many of its lines must be breaks
# that wrapping made before the text is taken as wrapped.
_MAX_WRAP = 160
_MIN_WRAPPED_SHARE = 0.15
_MIN_BLANK_SHARE = 0.05
_FIRST_WORD = re.compile(r"\S+")


def _line_is_structure(key: str) -> bool:
    """A whole line that is structure of its own: a grade, a question number, a date, a heading."""
    return bool(grade_line(key) or QUESTION_NUMBER.match(key) or LAST_UPDATED_CUT.match(key) or SECTION_HEADING.match(key)
                or QUESTIONS_FOR.match(key) or key.lower() in PILLARS or REPORT_MARKERS.match(key))


def _wrap_width(lines: list[Line]) -> int | None:
    """The column a hard-wrapped text was wrapped at, or None when its lines are not wrapped.

    The width is what all but one line in a hundred fit in; the text is wrapped when it is
    narrow and many of its lines end where the next line's first word would not have fitted.
    """
    lengths = sorted(len(line.text.rstrip()) for line in lines if line.text.strip())
    if len(lengths) < 5:
        return None
    width = lengths[-1 - len(lengths) // 100]
    if width > _MAX_WRAP:
        return None
    breaks = sum(1 for a, b in zip(lines, lines[1:]) if _wraps_into(a, b, width))
    return width if breaks >= max(3, _MIN_WRAPPED_SHARE * len(lengths)) else None


def _wraps_into(line: Line, after: Line, width: int) -> bool:
    """Whether wrapping at ``width`` broke the line before ``after``: its first word would not fit."""
    head, word = line.text.rstrip(), _FIRST_WORD.search(after.text)
    return bool(head.strip() and word) and len(head) + 1 + len(word.group()) > width


def _join_wrapped(text: str, lines: list[Line]) -> list[Line]:
    """The lines of a hard-wrapped text joined back into its paragraphs, headings and list items.

    A joined line spans its physical lines (``text[start:end]``, line breaks inside), so
    offsets stay exact. Lines are joined where the wrapping broke them: the next line's
    first word would not have fitted. They are not joined before a new list item, after a
    question heading ("...?"), nor where a sentence ends before a line that is structure
    of its own (a grade line, a question number, a date); a text that is not wrapped is
    returned as it is.
    """
    width = _wrap_width(lines)
    if width is None:
        return lines
    # A text whose paragraphs follow each other without a blank line between them: where
    # a line ends a sentence and the next starts with a capital, a paragraph may end.
    nonblank = sum(1 for line in lines if line.text.strip())
    packed = len(lines) - nonblank < _MIN_BLANK_SHARE * nonblank
    out: list[Line] = []
    for before, line in zip([None, *lines], lines):
        if before is not None and _wraps_into(before, line, width) and not _BULLET.match(line.text) \
                and not _ends_block(before.text.rstrip(), line.text.strip(), packed):
            start = out[-1].start
            out[-1] = Line(out[-1].number, start, line.end, text[start:line.end], is_furniture(text[start:line.end]))
        else:
            out.append(line)
    return out


def _ends_block(before: str, after: str, packed: bool) -> bool:
    """Whether a wrapped-looking line break still ends a heading or paragraph."""
    if before.endswith("?") or QUESTION_AFTER_BREAK.match(after):
        return True  # a question heading, or one next
    if not _ENDS_SENTENCE.search(before):
        return False
    return _line_is_structure(_words(after)) or (packed and after[:1].isupper())
