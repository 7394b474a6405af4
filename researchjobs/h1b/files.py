"""Rows of a spreadsheet file, whatever it is: .xlsx, or CSV/TSV in UTF-8, UTF-16 or cp1252.

USCIS ships its Tableau exports as UTF-16 with a BOM and tab-separated; DOL and most
people's copies are UTF-8 (often with a BOM) and comma-separated. The encoding is told
by the BOM (or by whether the first megabyte is valid UTF-8), the delimiter by the
header line.
"""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from researchjobs.h1b.xlsx import Workbook, XlsxError

csv.field_size_limit(1 << 24)


class FileError(Exception):
    """A file that cannot be read as a table; the message says which and why."""


@dataclass
class Table:
    """A readable table: its rows (header first) and how far through the file we are."""

    path: Path
    kind: str  # xlsx | csv
    rows: Iterator[list[Any]]
    total: int | None  # rows (xlsx, when the sheet says) or bytes (csv)
    position: Any  # () -> int: rows read (xlsx) or bytes read (csv)
    encoding: str | None = None
    delimiter: str | None = None
    book: Workbook | None = None

    def close(self) -> None:
        if self.book is not None:
            self.book.close()

    def set_columns(self, columns: set[int] | None) -> None:
        """Read only these columns from now on (a no-op for CSV, where parsing is per line)."""
        if self.book is not None and columns is not None:
            self._columns[0] = frozenset(columns)

    _columns: list[Any] | None = None


def sniff_encoding(head: bytes) -> str:
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start < len(head) - 4:  # not just a character cut at the end of the sample
            return "cp1252"
    return "utf-8"


def open_table(path: Path | str) -> Table:
    """Open a file for reading rows; FileError when it cannot be."""
    path = Path(path)
    try:
        with path.open("rb") as handle:
            head = handle.read(1 << 20)
    except OSError as exc:
        raise FileError(f"{path}: cannot read: {exc.strerror or exc}") from None
    if head.startswith(b"PK\x03\x04") or path.suffix.lower() in (".xlsx", ".xlsm"):
        return _open_xlsx(path)
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise FileError(f"{path}: an old Excel .xls file; save it as .xlsx or .csv first")
    return _open_csv(path, head)


def _open_xlsx(path: Path) -> Table:
    try:
        book = Workbook.open(path)
    except XlsxError as exc:
        raise FileError(str(exc)) from None
    state = {"rows": 0}
    columns: list[Any] = [None]

    def rows() -> Iterator[list[Any]]:
        source = book.rows(None)
        try:
            header = next(source)
        except StopIteration:
            return
        except XlsxError as exc:
            raise FileError(str(exc)) from None
        state["rows"] = 1
        source.close()
        yield header
        # The header decides the columns; read the rest with only those.
        source = book.rows(columns[0])
        next(source, None)
        try:
            for row in source:
                state["rows"] += 1
                yield row
        except XlsxError as exc:
            raise FileError(str(exc)) from None

    table = Table(path, "xlsx", rows(), book.dimension_rows, lambda: state["rows"], book=book)
    table._columns = columns
    return table


def _open_csv(path: Path, head: bytes) -> Table:
    encoding = sniff_encoding(head)
    text = head.decode(encoding, errors="replace")
    first = text.lstrip("\ufeff").split("\n", 1)[0]
    delimiter = "\t" if first.count("\t") > first.count(",") else ","
    raw = path.open("rb")
    stream = io.TextIOWrapper(raw, encoding=encoding, errors="replace", newline="")

    def rows() -> Iterator[list[Any]]:
        try:
            yield from csv.reader(stream, delimiter=delimiter)
        except csv.Error as exc:
            raise FileError(f"{path}: not a readable CSV file ({exc})") from None
        finally:
            stream.close()

    def position() -> int:
        try:
            return raw.tell()
        except (OSError, ValueError):
            return 0

    return Table(path, "csv", rows(), path.stat().st_size, position, encoding=encoding, delimiter=delimiter)
