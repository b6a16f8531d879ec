"""The HTML reader: a web page saved from a browser (``.html``, ``.htm``), read from its markup.

The page's markup says what a person sees as the report and how it is laid out, so
nothing is guessed from the words:

- the report is the page's main content: ``<main>`` (or ``role="main"``), else its
  ``<article>``, else its ``<body>``;
- page furniture is left out by the page's landmarks: the site's header, navigation,
  footer and asides, forms and search, dialogs and alerts (cookie and consultation
  banners), hidden elements, scripts and styles, "Skip to content" links (an in-page
  link that is all its block holds) and share-link lists;
- headings (``h1``-``h4``), paragraphs, list items and table rows are the blocks of the
  text, each marked with its ``Line.kind``; a list item starts with "• " as in the
  pages saved as text, a table row's cells are joined by " | ".

The text the pipeline's offsets index is the one built here: one line per block (a
``<br>`` breaks a block's line), blocks separated by blank lines, the shape of a page
saved as text, so the structure stage reads it as it reads those. It is written to
``processed/text/<report_id>.txt`` with the outputs. The bytes are decoded by their
byte-order mark or the page's ``<meta charset>``, else as a text file is.
"""
from __future__ import annotations

import codecs
import hashlib
import re
from dataclasses import replace
from pathlib import Path

from ..model import PipelineError, SourceText
from .lines import split_lines
from .text import check_lines, decode, read_bytes, repaired

BULLET = "• "
CELL = " | "
_BREAK = "\ue000"  # a <br> while a block is gathered (a private-use character no page holds)

# Landmarks and elements that are never report text.
_DROPPED_TAGS = frozenset("nav aside form dialog script style noscript template iframe object embed svg canvas "
                          "button select textarea input label head title meta link".split())
_DROPPED_ROLES = frozenset("banner navigation contentinfo complementary search dialog alertdialog alert".split())
# A header or footer is the site's only where it is not part of the content it sits in.
_SECTIONING = frozenset("article aside main nav section".split())
_HEADINGS = {"h1": "heading1", "h2": "heading2", "h3": "heading3", "h4": "heading4", "h5": "heading4",
             "h6": "heading4"}
# Elements whose content is a block of its own (a paragraph unless said otherwise).
_BLOCKS = frozenset("p div section article main header footer blockquote address figure figcaption caption "
                    "dl dt dd pre details summary center hgroup fieldset legend".split()) | set(_HEADINGS)
_LISTS = frozenset(("ul", "ol", "menu"))
# Classes and ids that mark a list of links to share the page.
_SHARE = re.compile(r"(?:^|[-_\s])(?:share|sharing|social)(?:$|[-_\s])", re.IGNORECASE)
_SHARE_LINK = re.compile(r"^(?:mailto:\?|https?://(?:[^/]*\.)?(?:twitter\.com/intent|x\.com/intent|"
                         r"facebook\.com/sharer|linkedin\.com/share|reddit\.com/submit|wa\.me/|api\.whatsapp))",
                         re.IGNORECASE)
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)
_SPACE = re.compile(r"[ \t\n\r\f\v]+")
_ENDS = re.compile(r"[.!?:;][\"'’”)\]]*$")
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9._:-]+)""", re.IGNORECASE)
_OPENED = re.compile(r"<(?:html|body)\b", re.IGNORECASE)
_CLOSED = re.compile(r"</(?:html|body)\s*>", re.IGNORECASE)
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>", re.IGNORECASE)
_PLAIN = {"utf-8": "utf-8", "utf8": "utf-8", "us-ascii": "utf-8", "ascii": "utf-8"}
# HTML reads these labels as Windows-1252 (the WHATWG encoding standard).
_WINDOWS_1252 = {"windows-1252", "cp1252", "iso-8859-1", "iso8859-1", "latin1", "latin-1", "l1", "x-cp1252"}

# A web page's source rather than its text: a doctype or <html> first, or markup throughout.
_HTML_START = re.compile(r"^\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html)\b", re.IGNORECASE | re.DOTALL)
_HTML_TAG = re.compile(
    r"</?(?:html|head|body|title|meta|link|script|style|div|span|p|a|br|hr|ul|ol|li|h[1-6]|table|tr|td|th|"
    r"section|article|nav|header|footer|main|strong|em|b|i|img|form|input|button)\b[^<>]{0,2000}>",
    re.IGNORECASE,
)


def is_html(head: bytes) -> bool:
    """Whether a file's first bytes are a web page's markup (whatever the file is called)."""
    # Markup is ASCII in every encoding a page may use here (a UTF-8 byte-order mark aside).
    text = head[:200_000].removeprefix(codecs.BOM_UTF8).decode("latin-1")
    if _HTML_START.match(text[:10_000]):
        return True
    tags = _HTML_TAG.findall(text)
    return len(tags) >= 5 or (len(tags) >= 2 and text.lstrip().startswith("<"))


def read_html(path: Path, max_pages: int | None = None, warnings: list[str] | None = None) -> SourceText:
    """Read a saved web page into the text of its report, with each line's kind.

    A decoding the page needed beyond its character set is added to ``warnings`` as one
    line; a page with no report text in its main content is refused with one line.
    ``max_pages`` is for PDFs; a web page has no pages.
    """
    name = str(path)
    data = read_bytes(path)
    markup, encoding = _decode(data, name)
    text, kinds = _report_text(markup, name)
    check_lines(text, name)
    if repaired(encoding) and warnings is not None:
        warnings.append(f"{name}: decoded as {encoding}")
    lines = [replace(line, kind=kinds.get(line.start)) if line.text.strip() else line for line in split_lines(text)]
    return SourceText(
        path=path,
        source_file=path.name,
        text=text,
        sha256=hashlib.sha256(data).hexdigest(),
        encoding=encoding,
        lines=lines,
    )


def _decode(data: bytes, name: str) -> tuple[str, str]:
    """The page's markup and its ``encoding``: "html (utf-8)", "html (cp1252)",
    "html (utf-8; mojibake repaired)" and the like."""
    for bom, codec in ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom) and codec != "utf-8":
            try:
                return data.decode(codec), f"html ({codec})"
            except UnicodeDecodeError as exc:
                raise PipelineError(f"{name}: cannot decode as {codec.upper()} (byte {exc.start})") from None
    declared = _META_CHARSET.search(data[:4096])
    label = declared.group(1).decode("ascii").lower() if declared else None
    if label in _WINDOWS_1252 and not data.startswith(codecs.BOM_UTF8):
        try:
            return data.decode("cp1252"), "html (cp1252)"
        except UnicodeDecodeError:
            pass  # one of the five bytes Windows-1252 leaves undefined: read it as a text file is
    elif label and label not in _PLAIN and not data.startswith(codecs.BOM_UTF8):
        try:
            codec = codecs.lookup(label).name
            return data.decode(codec), f"html ({codec})"
        except (LookupError, UnicodeDecodeError):
            pass  # a character set Python does not know, or one the bytes are not in
    text, encoding = decode(data, name)  # UTF-8 (a stray byte read as Windows-1252), or Windows-1252
    base, _, notes = encoding.partition(" (")
    return text, f"html ({base}; {notes[:-1]})" if notes else f"html ({base})"


def _report_text(markup: str, name: str) -> tuple[str, dict[int, str]]:
    """The text of the page's report, and the kind of the line starting at each offset."""
    import lxml.etree
    import lxml.html

    markup = _XML_DECLARATION.sub("", markup, count=1)  # lxml refuses a declaration in a str
    try:
        document = lxml.html.document_fromstring(markup)
    except lxml.etree.ParserError:  # "Document is empty": no element at all
        raise PipelineError(f"{name}: no report text in this web page (it holds no markup or text)") from None
    except ValueError as exc:
        raise PipelineError(f"{name}: not a readable web page ({' '.join(str(exc).split())})") from None
    root = _content(document)
    title = _title_before(document, root)
    _drop_furniture(root)
    blocks: list[tuple[str, str]] = []
    if title is not None and (said := _clean(title.text_content())):
        blocks.append(("heading1", said))
    _Blocks(blocks).walk(root)
    if not blocks:
        raise PipelineError(f"{name}: no report text in this web page (its main content is empty or only "
                            "page furniture)")
    text, kinds = "", {}
    for kind, said in blocks:
        if text:
            text += "\n\n"
        at = len(text)
        for part in said.split("\n"):
            kinds[at] = kind
            at += len(part) + 1
        text += said
    last_kind, last = blocks[-1]
    # A page whose markup stops before its end (an interrupted download or save) and whose
    # text stops mid-sentence was cut off: no final line end, as a text file cut off.
    cut = _OPENED.search(markup[:10_000]) and not _CLOSED.search(markup[-4096:])
    if not cut or last_kind.startswith("heading") or _ENDS.search(last):
        text += "\n"
    return text, kinds


def _content(document):
    """The page's main content: <main> or role=main, else its article, else its body."""
    for query in ("//main", "//*[@role='main']", "//article"):
        found = [e for e in document.xpath(query) if not _furniture(e) and not any(_furniture(a) for a in e.iterancestors())]
        if found:
            return found[0]
    body = document.find("body")
    return body if body is not None else document


def _title_before(document, root):
    """The page's title heading when it stands before the main content (a theme's page
    header above <main>) and the content has none: the one <h1> before it that is not
    furniture."""
    if root.tag == "body" or root.xpath(".//h1"):
        return None
    before = []
    for element in document.iter():
        if element is root:
            break
        if element.tag == "h1" and not _furniture(element) and not any(_furniture(a) for a in element.iterancestors()):
            before.append(element)
    return before[0] if len(before) == 1 else None


def _furniture(element) -> bool:
    """Whether an element is page furniture by its landmark, role or visibility."""
    tag = element.tag if isinstance(element.tag, str) else ""
    if tag in _DROPPED_TAGS:
        return True
    if tag in ("header", "footer") and not any(a.tag in _SECTIONING for a in element.iterancestors()):
        return True  # the site's header (banner) or footer (contentinfo)
    role = (element.get("role") or "").strip().lower()
    if role in _DROPPED_ROLES:
        return True
    if element.get("hidden") is not None or (element.get("aria-hidden") or "").strip().lower() == "true":
        return True
    if _HIDDEN_STYLE.search(element.get("style") or ""):
        return True
    return _share_links(element)


def _share_links(element) -> bool:
    """A list (or box) of links to share the page: by its class or id, or every link a share link."""
    if _SHARE.search(f"{element.get('class') or ''} {element.get('id') or ''}") and element.tag in (
            *_LISTS, "div", "section", "nav", "p", "aside", "footer", "span"):
        return True
    if element.tag in _LISTS:
        links = element.xpath(".//a")
        return bool(links) and all(_SHARE_LINK.match(a.get("href") or "") for a in links) and \
            _SPACE.sub("", element.text_content()) == _SPACE.sub("", "".join(a.text_content() for a in links))
    return False


def _drop_furniture(root) -> None:
    for element in list(root.iter()):
        if element is root or element.getparent() is None:
            continue
        if not isinstance(element.tag, str):  # comments and processing instructions
            _remove(element)
        elif _furniture(element) or _skip_link(element):
            _remove(element)


def _skip_link(element) -> bool:
    """An in-page link ("Skip to content", "Back to top") that is all its block holds."""
    if element.tag != "a" or not (element.get("href") or "").startswith("#"):
        return False
    block = element.getparent()
    while block is not None and block.tag not in _BLOCKS and block.tag not in ("li", "td", "th", "body"):
        block = block.getparent()
    if block is not None and block.tag in _HEADINGS:
        return False  # a heading that links to itself is still the heading
    return block is None or _flat(block.text_content()) == _flat(element.text_content())


def _remove(element) -> None:
    """Remove an element, keeping the text that follows it (its tail) in place."""
    parent = element.getparent()
    tail = element.tail
    if tail:
        previous = element.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + tail
        else:
            parent.text = (parent.text or "") + tail
    parent.remove(element)


def _flat(text: str) -> str:
    return _SPACE.sub(" ", text).strip()


class _Blocks:
    """The blocks of an element tree, in reading order: (kind, text)."""

    def __init__(self, out: list[tuple[str, str]]) -> None:
        self.out = out
        self.inline: list[str] = []  # text of the block being gathered
        self.kind = "paragraph"

    def flush(self) -> None:
        said = _clean("".join(self.inline))
        if said:
            if self.kind == "list_item":
                said = BULLET + said
            self.out.append((self.kind, said))
        self.inline = []

    def walk(self, element) -> None:
        self.inline.append(element.text or "")
        for child in element:
            self.child(child)
            self.inline.append(child.tail or "")
        self.flush()

    def child(self, element) -> None:
        tag = element.tag
        if tag == "br":
            self.inline.append(_BREAK)
        elif tag in _BLOCKS and tag not in _HEADINGS and self.kind == "list_item":
            self.inline.append(" ")  # a list item's paragraphs are the item's text
            self.inline.append(element.text or "")
            for child in element:
                self.child(child)
                self.inline.append(child.tail or "")
            self.inline.append(" ")
        elif tag in _HEADINGS or tag in _BLOCKS:
            self.block(element, _HEADINGS.get(tag, "paragraph"))
        elif tag in _LISTS:
            kind = self.kind
            self.flush()
            for item in element:
                if item.tag == "li":
                    self.block(item, "list_item")
                elif isinstance(item.tag, str):
                    self.block(item, "paragraph")
            self.kind = kind
        elif tag == "li":
            self.block(element, "list_item")
        elif tag == "table":
            self.table(element)
        elif tag == "hr":
            self.flush()
        else:  # inline: a, span, strong, em, ...
            self.inline.append(element.text or "")
            for child in element:
                self.child(child)
                self.inline.append(child.tail or "")

    def block(self, element, kind: str) -> None:
        outer = self.kind
        self.flush()
        self.kind = kind
        self.inline.append(element.text or "")
        for child in element:
            self.child(child)
            self.inline.append(child.tail or "")
        self.flush()
        self.kind = outer

    def table(self, element) -> None:
        outer = self.kind
        self.flush()
        for caption in element.iter("caption"):
            if said := _clean(caption.text_content()):
                self.out.append(("paragraph", said))
        for row in element.iter("tr"):
            cells = [_clean(_cell_text(cell)) for cell in row if cell.tag in ("td", "th")]
            said = CELL.join(cell for cell in cells if cell)
            if said:
                self.out.append(("table_row", said))
        self.kind = outer


def _cell_text(cell) -> str:
    """A table cell's words on one line (its paragraphs and line breaks become spaces)."""
    return " ".join(cell.itertext())


def _clean(text: str) -> str:
    """A block's text: each run of whitespace one space (as a browser shows the source's line
    breaks), a ``<br>`` a line break, ends trimmed."""
    lines = [_SPACE.sub(" ", part).strip(" ") for part in text.split(_BREAK)]
    return "\n".join(line for line in lines if line.strip("\xa0\u200b "))
