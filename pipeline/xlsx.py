"""A spreadsheet (Office Open XML, .xlsx) written as rows come: what peel.xlsx needs, no more.

Sheets of text, numbers and booleans, a bold header row frozen with filters on it, text
cells held in the cell itself (inline strings, so no table of all strings is kept), each
sheet's rows spooled to a temporary file and the package zipped on ``close`` with fixed
times, so the same rows give the same bytes. A general writer (XlsxWriter) cost a tenth
of a run's time at corpus scale, most of it per cell; this writes a row in one string.
The cells are written as that writer writes them in its constant-memory mode (a test
compares the sheets), so spreadsheet programs read them the same.
"""
from __future__ import annotations

import math
import re
import tempfile
import zipfile
from datetime import datetime
from xml.sax.saxutils import escape

#: Excel's limits: rows in a sheet, UTF-16 units in a cell (beyond them, nothing is written).
MAX_ROWS = 1_048_576
MAX_CELL = 32_767

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PACKAGE = "http://schemas.openxmlformats.org/package/2006"
_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_ESCAPED = re.compile(r"_x[0-9a-fA-F]{4}_")  # text that reads as an escape: its underscore is escaped
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f]")  # characters XML cannot hold: written _xHHHH_
_EDGE_SPACE = re.compile(r"^\s|\s$")
_MARKUP = re.compile(r"[&<>]")
# Characters that make a text need more than writing it as it is (an escape's look-alike,
# edge spaces and length are checked apart: one character class is searched fastest).
_CAREFUL = re.compile(r"[&<>\x00-\x08\x0b-\x1f\ufffe\uffff]")
_TIME = (1980, 1, 1, 0, 0, 0)  # every part's time in the zip: the bytes do not depend on when


def column_name(index: int) -> str:
    """A column's letters from its 0-based index: 0 is A, 26 is AA."""
    name = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        name = chr(65 + rest) + name
    return name


def _text(value: str) -> str:
    """A string as a cell's text: control characters and the escape's look-alikes escaped,
    cut at Excel's limit."""
    if len(value) > MAX_CELL // 2 and len(value.encode("utf-16-le")) > 2 * MAX_CELL:
        units = value.encode("utf-16-le")[:2 * MAX_CELL]
        value = units.decode("utf-16-le", errors="ignore")  # a pair of surrogates is not split
    if "_x" in value:
        value = _ESCAPED.sub(lambda m: "_x005F" + m.group(), value)
    if _CONTROL.search(value):
        value = _CONTROL.sub(lambda m: f"_x{ord(m.group()):04X}_", value)
    if "\ufffe" in value or "\uffff" in value:
        value = value.replace("\ufffe", "_xFFFE_").replace("\uffff", "_xFFFF_")
    return value


def _cell(ref: str, value, style: str = "") -> str:
    if type(value) is str and not _CAREFUL.search(value) and "_x" not in value and len(value) <= MAX_CELL // 2 \
            and not value[:1].isspace() and not value[-1:].isspace():  # most cells: text as it is
        return f'<c r="{ref}"{style} t="inlineStr"><is><t>{value}</t></is></c>'
    if isinstance(value, bool):
        return f'<c r="{ref}"{style} t="b"><v>{int(value)}</v></c>'
    if isinstance(value, int) or (isinstance(value, float) and math.isfinite(value)):
        return f'<c r="{ref}"{style}><v>{value:.16G}</v></c>'
    value = _text(str(value))  # (an infinite number as its name: Excel has none)
    space = ' xml:space="preserve"' if _EDGE_SPACE.search(value) else ""
    if _MARKUP.search(value):
        value = escape(value)
    return f'<c r="{ref}"{style} t="inlineStr"><is><t{space}>{value}</t></is></c>'


class _Sheet:
    def __init__(self, name: str, header: list[str]):
        self.name = name
        self.letters = [column_name(k) for k in range(len(header))]
        self.rows = 0  # below the header
        self.spool = tempfile.TemporaryFile()
        self.spool.write(('<row r="1">' + "".join(_cell(f"{letter}1", text, ' s="1"')
                                                for letter, text in zip(self.letters, header)) + "</row>").encode())

    def add(self, values) -> None:
        if self.rows + 1 >= MAX_ROWS:
            return  # past Excel's last row: the CSV files and the database hold every row
        self.rows += 1
        number = self.rows + 1
        cells = "".join([_cell(f"{letter}{number}", value) for letter, value in zip(self.letters, values)
                         if value is not None])
        self.spool.write(f'<row r="{number}">{cells}</row>'.encode())

    @property
    def area(self) -> str:
        """The header and the rows, as a range (at least one row under the header, for the filter)."""
        return f"A1:{self.letters[-1]}{max(self.rows, 1) + 1}"

    def write(self, out, first: bool) -> None:
        last = f"{self.letters[-1]}{self.rows + 1}"
        selected = ' tabSelected="1"' if first else ""  # the sheet the workbook opens on
        out.write((f'{_HEAD}<worksheet xmlns="{_MAIN}" xmlns:r="{_RELS}"><dimension ref="A1:{last}"/>'
                   f'<sheetViews><sheetView{selected} workbookViewId="0">'
                   '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>'
                   '<selection pane="bottomLeft"/></sheetView></sheetViews>'
                   '<sheetFormatPr defaultRowHeight="15"/><sheetData>').encode())
        self.spool.seek(0)
        while chunk := self.spool.read(1 << 20):
            out.write(chunk)
        out.write((f'</sheetData><autoFilter ref="{self.area}"/><pageMargins left="0.7" right="0.7" top="0.75" '
                   'bottom="0.75" header="0.3" footer="0.3"/></worksheet>').encode())


class Workbook:
    """An .xlsx file of sheets, each a header and rows added in order; written on ``close``."""

    def __init__(self, path, title: str = "", author: str = "", comments: str = "",
                 created: datetime = datetime(2000, 1, 1)):
        self.path = path
        self.properties = (title, author, comments, created)
        self.sheets: list[_Sheet] = []

    def add_sheet(self, name: str, header: list[str]) -> _Sheet:
        """A new sheet named ``name`` (at most 31 characters, as Excel allows) with its header row."""
        sheet = _Sheet(name[:31], header)
        self.sheets.append(sheet)
        return sheet

    def close(self) -> None:
        try:
            with zipfile.ZipFile(self.path, "w", zipfile.ZIP_DEFLATED) as book:
                for name, data in self._parts():
                    book.writestr(zipfile.ZipInfo(name, _TIME), data, zipfile.ZIP_DEFLATED)
                for number, sheet in enumerate(self.sheets, start=1):
                    part = zipfile.ZipInfo(f"xl/worksheets/sheet{number}.xml", _TIME)
                    part.compress_type = zipfile.ZIP_DEFLATED
                    with book.open(part, "w") as out:
                        sheet.write(out, number == 1)
        finally:
            for sheet in self.sheets:
                sheet.spool.close()

    def _parts(self) -> list[tuple[str, str]]:
        title, author, comments, created = self.properties
        count = len(self.sheets)
        sheet_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
        types = (f'{_HEAD}<Types xmlns="{_PACKAGE}/content-types">'
                 '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
                 '<Default Extension="xml" ContentType="application/xml"/>'
                 '<Override PartName="/docProps/app.xml" '
                 'ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/>'
                 '<Override PartName="/docProps/core.xml" '
                 'ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>'
                 '<Override PartName="/xl/styles.xml" '
                 'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
                 '<Override PartName="/xl/workbook.xml" '
                 'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
                 + "".join(f'<Override PartName="/xl/worksheets/sheet{n}.xml" ContentType="{sheet_type}"/>'
                           for n in range(1, count + 1)) + "</Types>")
        package_rels = (f'{_HEAD}<Relationships xmlns="{_PACKAGE}/relationships">'
                        f'<Relationship Id="rId1" Type="{_RELS}/officeDocument" Target="xl/workbook.xml"/>'
                        f'<Relationship Id="rId2" Type="{_PACKAGE}/relationships/metadata/core-properties" '
                        'Target="docProps/core.xml"/>'
                        f'<Relationship Id="rId3" Type="{_RELS}/extended-properties" Target="docProps/app.xml"/>'
                        "</Relationships>")
        book_rels = (f'{_HEAD}<Relationships xmlns="{_PACKAGE}/relationships">'
                     + "".join(f'<Relationship Id="rId{n}" Type="{_RELS}/worksheet" Target="worksheets/sheet{n}.xml"/>'
                               for n in range(1, count + 1))
                     + f'<Relationship Id="rId{count + 1}" Type="{_RELS}/styles" Target="styles.xml"/></Relationships>')
        # Filters are named ranges too; Excel lists names in order.
        filters = sorted((sheet.name, k) for k, sheet in enumerate(self.sheets))
        names = "".join(f'<definedName name="_xlnm._FilterDatabase" localSheetId="{k}" hidden="1">'
                        f"{escape(self._quoted(name))}!{self._absolute(self.sheets[k].area)}</definedName>"
                        for name, k in filters)
        workbook = (f'{_HEAD}<workbook xmlns="{_MAIN}" xmlns:r="{_RELS}"><bookViews><workbookView/></bookViews>'
                    "<sheets>" + "".join(f'<sheet name="{escape(sheet.name, {chr(34): "&quot;"})}" '
                                         f'sheetId="{n}" r:id="rId{n}"/>'
                                         for n, sheet in enumerate(self.sheets, start=1))
                    + f"</sheets><definedNames>{names}</definedNames></workbook>")
        styles = (f'{_HEAD}<styleSheet xmlns="{_MAIN}"><fonts count="2">'
                  '<font><sz val="11"/><name val="Calibri"/><family val="2"/></font>'
                  '<font><b/><sz val="11"/><name val="Calibri"/><family val="2"/></font></fonts>'
                  '<fills count="2"><fill><patternFill patternType="none"/></fill>'
                  '<fill><patternFill patternType="gray125"/></fill></fills>'
                  '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
                  '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
                  '<cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
                  '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/></cellXfs>'
                  '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
                  "</styleSheet>")
        stamp = created.strftime("%Y-%m-%dT%H:%M:%SZ")
        core = (f'{_HEAD}<cp:coreProperties xmlns:cp="{_PACKAGE}/metadata/core-properties" '
                'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
                'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
                f"<dc:title>{escape(title)}</dc:title><dc:creator>{escape(author)}</dc:creator>"
                f"<dc:description>{escape(comments)}</dc:description>"
                f'<dcterms:created xsi:type="dcterms:W3CDTF">{stamp}</dcterms:created>'
                f'<dcterms:modified xsi:type="dcterms:W3CDTF">{stamp}</dcterms:modified></cp:coreProperties>')
        app = (f'{_HEAD}<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
               f"<Application>{escape(author)}</Application></Properties>")
        return [("[Content_Types].xml", types), ("_rels/.rels", package_rels),
                ("xl/_rels/workbook.xml.rels", book_rels), ("xl/workbook.xml", workbook), ("xl/styles.xml", styles),
                ("docProps/core.xml", core), ("docProps/app.xml", app)]

    @staticmethod
    def _quoted(name: str) -> str:
        """A sheet's name as a formula writes it: quoted unless letters, digits and underscores."""
        return name if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name) else "'" + name.replace("'", "''") + "'"

    @staticmethod
    def _absolute(area: str) -> str:
        return re.sub(r"([A-Z]+)(\d+)", r"$\1$\2", area)
