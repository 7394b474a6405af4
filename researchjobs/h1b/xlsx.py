"""A streaming reader for the first sheet of an .xlsx file, in constant memory.

DOL's LCA disclosure files are 50-250 MB workbooks of up to 437,000 rows × 98
columns, some followed by hundreds of thousands of formatted empty rows. Readers that
build the whole sheet first (python-calamine, fastexcel) hold every cell at once —
1.6 GB for 300,000 rows — and openpyxl's read-only mode streams but is slow; the
measurements are in bench/RESULTS.md (bench/bench_xlsx_readers.py). This reader
decompresses the sheet XML as a stream, 1 MB at a time, and walks its rows with
regular expressions (the C engine does the scanning; see ``_FAST_CELL``), so memory is
bounded by the shared-strings table (the distinct texts of the file), not by its rows.
A sheet that ends before ``</sheetData>`` or points at a missing shared string is
refused, never imported in part.

Values come back as Python values: str (shared or inline strings), float/int
(numbers), ``datetime.date``/``datetime.datetime`` (numbers in a date style), bool.
"""

from __future__ import annotations

import codecs
import datetime as dt
import html
import posixpath
import re
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lxml import etree

NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
REL_NS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
PKG_REL_NS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
#: Built-in number formats that are dates or times (ECMA-376 §18.8.30).
BUILTIN_DATE_FORMATS = frozenset({14, 15, 16, 17, 18, 19, 20, 21, 22, 27, 30, 36, 45, 46, 47, 50, 57})
_DATE_CODE = re.compile(r"(?<![\\\"])[dmyhs]", re.I)
_QUOTED = re.compile(r'"[^"]*"|\[[^\]]*\]')
_EPOCH = dt.datetime(1899, 12, 30)
_CELL_REF = re.compile(r"([A-Z]+)")
# The sheet XML is regular (one <row> per row, <c> cells with attributes and <v>/<is>
# children), so regular expressions run by the C engine walk it several times faster than
# an XML parser calling back into Python for every element. Attributes are matched in
# any order; cells without a reference take their position.
_ROW = re.compile(r'<row\b[^>]*?(?:\br="(\d+)"[^>]*)?(?:/>|>(.*?)</row>)', re.S)
_CELL = re.compile(r"<c\b([^>]*?)(?:/>|>(.*?)</c>)", re.S)
_ATTR_R = re.compile(r'\br="([A-Z]+)\d*"')
_ATTR_T = re.compile(r'\bt="(\w+)"')
_ATTR_S = re.compile(r'\bs="(\d+)"')
#: Excel's own order (r, then s, then t): one C-level findall per row does all the work.
_FAST_CELL = re.compile(
    r'<c r="([A-Z]{1,3})\d+"(?: s="(\d+)")?(?: t="(\w+)")?[^>]*?'
    r"(?:/>|>(?:<f\b[^>]*/>|<f\b[^>]*>[^<]*</f>)?(?:<v>([^<]*)</v>|<is>(.*?)</is>)?</c>)",
    re.S,
)
_COLUMN: dict[str, int] = {}
_VALUE = re.compile(r"<v>([^<]*)</v>")
_TEXT = re.compile(r"<t\b[^>]*>([^<]*)</t>")


class XlsxError(Exception):
    """The file is not a readable .xlsx workbook; the message says why."""


def column_index(ref: str) -> int:
    """0-based column of a cell reference ("A1" → 0, "AB7" → 27)."""
    match = _CELL_REF.match(ref)
    if not match:
        raise XlsxError(f"bad cell reference {ref!r}")
    index = 0
    for ch in match.group(1):
        index = index * 26 + (ord(ch) - 64)
    return index - 1


def excel_date(serial: float) -> dt.date | dt.datetime:
    moment = _EPOCH + dt.timedelta(days=serial)
    return moment.date() if serial == int(serial) else moment


@dataclass
class Workbook:
    """The parts of a workbook needed to read its first sheet."""

    path: Path
    zf: zipfile.ZipFile
    sheet: str  # zip member of the first worksheet
    strings: list[str] = field(default_factory=list)
    date_styles: frozenset[int] = frozenset()
    dimension_rows: int | None = None  # from <dimension ref="A1:CT437497">, when present

    @classmethod
    def open(cls, path: Path | str) -> Workbook:
        path = Path(path)
        try:
            zf = zipfile.ZipFile(path)
        except (zipfile.BadZipFile, OSError) as exc:
            raise XlsxError(f"{path}: not an .xlsx workbook ({exc})") from None
        try:
            book = cls(path, zf, _first_sheet(zf))
            book.strings = _shared_strings(zf)
            book.date_styles = _date_styles(zf)
            book.dimension_rows = _dimension_rows(zf, book.sheet)
        except (KeyError, etree.XMLSyntaxError, ValueError) as exc:
            zf.close()
            raise XlsxError(f"{path}: not a readable .xlsx workbook ({exc})") from None
        return book

    def close(self) -> None:
        self.zf.close()

    def __enter__(self) -> Workbook:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def rows(self, columns: set[int] | frozenset[int] | None = None) -> Iterator[list[Any]]:
        """Every row of the first sheet as a list of values (None for empty cells).

        ``columns``: 0-based indexes to read (others come back as None), which saves
        most of the work on a 98-column sheet when 30 columns are wanted. Rows the file
        skips (no <row> element) come back as empty lists so row numbers stay true;
        trailing empty cells are not padded.
        """
        expected = 1
        for number, body in self._row_texts():
            if number is not None:
                while expected < number:
                    expected += 1
                    yield []
            expected += 1
            yield self._cells(body or "", columns)

    def _row_texts(self) -> Iterator[tuple[int | None, str]]:
        """(row number, the XML between <row …> and </row>) for each row, read in 1 MB chunks."""
        tail = ""
        try:
            with self.zf.open(self.sheet) as stream:
                decode = codecs.getincrementaldecoder("utf-8")("replace").decode
                while True:
                    block = stream.read(1 << 20)
                    text = tail + decode(block, final=not block)
                    cut = text.rfind("</row>")
                    if cut < 0:
                        tail = text
                        if not block:
                            break
                        continue
                    cut += len("</row>")
                    for match in _ROW.finditer(text, 0, cut):
                        number = match.group(1)
                        yield (int(number) if number else None), match.group(2)
                    tail = text[cut:]
                    if not block:
                        break
            if "</sheetData>" not in tail and "<sheetData/>" not in tail:
                raise XlsxError(f"{self.path}: the sheet ends before its last row (a truncated or damaged file)")
        except zipfile.BadZipFile as exc:
            raise XlsxError(f"{self.path}: the file is truncated or damaged ({exc})") from None
        except (EOFError, zlib.error) as exc:
            raise XlsxError(f"{self.path}: the file is truncated or damaged ({exc})") from None

    def _cells(self, body: str, columns: set[int] | frozenset[int] | None) -> list[Any]:
        cells = _FAST_CELL.findall(body)
        if len(cells) != body.count("<c ") + body.count("<c>"):
            return self._cells_any_order(body, columns)
        values: list[Any] = []
        strings, date_styles = self.strings, self.date_styles
        for letters, style, kind, text, inline in cells:
            col = _COLUMN.get(letters)
            if col is None:
                col = _COLUMN[letters] = column_index(letters)
            if columns is not None and col not in columns:
                continue
            if kind == "s":
                if not text:
                    continue
                index = int(text)
                if index >= len(strings):
                    raise XlsxError(f"{self.path}: a cell points at shared string {index}, which does not exist")
                value: Any = strings[index]
            elif kind == "inlineStr":
                value = html.unescape("".join(_TEXT.findall(inline)))
            elif not text:
                continue
            elif kind in ("str", "e"):
                value = html.unescape(text)
            elif kind == "b":
                value = text == "1"
            else:
                value = _number(text, bool(style) and int(style) in date_styles)
            if col >= len(values):
                values.extend([None] * (col - len(values) + 1))
            values[col] = value
        return values

    def _cells_any_order(self, body: str, columns: set[int] | frozenset[int] | None) -> list[Any]:
        """Cells whose attributes are not in Excel's usual r, s, t order (slower, general)."""
        values: list[Any] = []
        for position, match in enumerate(_CELL.finditer(body)):
            attrs, inner = match.group(1), match.group(2)
            ref = _ATTR_R.search(attrs)
            col = column_index(ref.group(1)) if ref else position
            if columns is not None and col not in columns:
                continue
            if not inner:
                continue
            kind_match = _ATTR_T.search(attrs)
            kind = kind_match.group(1) if kind_match else None
            if kind == "inlineStr":
                value: Any = html.unescape("".join(_TEXT.findall(inner)))
            else:
                v = _VALUE.search(inner)
                if v is None:
                    continue
                text = v.group(1)
                if kind == "s":
                    if int(text) >= len(self.strings):
                        raise XlsxError(f"{self.path}: a cell points at shared string {text}, which does not exist")
                    value = self.strings[int(text)]
                elif kind in ("str", "e"):
                    value = html.unescape(text)
                elif kind == "b":
                    value = text == "1"
                else:
                    style = _ATTR_S.search(attrs)
                    value = _number(text, style is not None and int(style.group(1)) in self.date_styles)
            if col >= len(values):
                values.extend([None] * (col - len(values) + 1))
            values[col] = value
        return values


def _number(text: str, is_date: bool) -> Any:
    try:
        value = float(text)
    except ValueError:
        return text
    if is_date:
        return excel_date(value)
    if value.is_integer() and "." not in text and "E" not in text.upper():
        return int(value)
    return value


def _rels(zf: zipfile.ZipFile, member: str) -> dict[str, str]:
    folder, name = posixpath.split(member)
    rels_path = posixpath.join(folder, "_rels", name + ".rels")
    if rels_path not in zf.namelist():
        return {}
    root = etree.fromstring(zf.read(rels_path))
    out = {}
    for rel in root.iter(f"{PKG_REL_NS}Relationship"):
        target = rel.get("Target", "")
        out[rel.get("Id", "")] = target.lstrip("/") if target.startswith("/") else posixpath.normpath(
            posixpath.join(folder, target))
    return out


def _first_sheet(zf: zipfile.ZipFile) -> str:
    root = etree.fromstring(zf.read("xl/workbook.xml"))
    sheet = next(root.iter(f"{NS}sheet"), None)
    if sheet is None:
        raise ValueError("the workbook has no sheets")
    rels = _rels(zf, "xl/workbook.xml")
    target = rels.get(sheet.get(f"{REL_NS}id", ""))
    if target and target in zf.namelist():
        return target
    return "xl/worksheets/sheet1.xml"


def _shared_strings(zf: zipfile.ZipFile) -> list[str]:
    if "xl/sharedStrings.xml" not in zf.namelist():
        return []
    strings: list[str] = []
    with zf.open("xl/sharedStrings.xml") as stream:
        for _event, si in etree.iterparse(stream, events=("end",), tag=f"{NS}si", huge_tree=True):
            # Rich text keeps its runs in <r><t>; phonetic hints (<rPh>) are not part of the text.
            strings.append("".join(t.text or "" for t in si.iter(f"{NS}t") if t.getparent().tag != f"{NS}rPh"))
            si.clear()
    return strings


def _date_styles(zf: zipfile.ZipFile) -> frozenset[int]:
    if "xl/styles.xml" not in zf.namelist():
        return frozenset()
    root = etree.fromstring(zf.read("xl/styles.xml"))
    custom = {}
    for fmt in root.iter(f"{NS}numFmt"):
        code = _QUOTED.sub("", fmt.get("formatCode", ""))
        custom[int(fmt.get("numFmtId", "0"))] = bool(_DATE_CODE.search(code))
    xfs = root.find(f"{NS}cellXfs")
    dates = set()
    for index, xf in enumerate(xfs if xfs is not None else []):
        fmt_id = int(xf.get("numFmtId", "0"))
        if fmt_id in BUILTIN_DATE_FORMATS or custom.get(fmt_id):
            dates.add(index)
    return frozenset(dates)


def _dimension_rows(zf: zipfile.ZipFile, sheet: str) -> int | None:
    """Rows the sheet says it spans (read from the first few KB only)."""
    with zf.open(sheet) as stream:
        head = stream.read(4096).decode("utf-8", "replace")
    match = re.search(r'<dimension ref="[A-Z]+\d+:[A-Z]+(\d+)"', head)
    return int(match.group(1)) if match else None
