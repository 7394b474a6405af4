"""Printing rows as a rich table, JSON, NDJSON or CSV: one place for every command."""

from __future__ import annotations

import csv
import json
import sys
from collections.abc import Iterable, Sequence
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table
from rich.text import Text

FORMATS = ("table", "json", "ndjson", "csv")

console = Console()
err_console = Console(stderr=True, soft_wrap=True)  # one-line errors stay one line


def emit(rows: Sequence[dict[str, Any]], fmt: str, columns: Sequence[str] | None = None, title: str | None = None) -> None:
    columns = list(columns or (rows[0].keys() if rows else []))
    if fmt == "json":
        sys.stdout.write(json.dumps([_pick(r, columns) for r in rows], indent=2, default=str) + "\n")
    elif fmt == "ndjson":
        for row in rows:
            sys.stdout.write(json.dumps(_pick(row, columns), default=str) + "\n")
    elif fmt == "csv":
        writer = csv.DictWriter(sys.stdout, fieldnames=columns, extrasaction="ignore")
        writer.writeheader()
        for row in rows:
            writer.writerow({c: _csv_cell(row.get(c)) for c in columns})
    else:
        console.print(table(rows, columns, title))


def tagged(tag: str, style: str, message: object) -> Text:
    """``error: message`` with only the tag styled: the message (a path, an id, text from
    the web) is shown as it is, never read as Rich markup."""
    return Text.assemble((tag, style), " ", str(message))


def table(rows: Iterable[dict[str, Any]], columns: Sequence[str], title: str | None = None) -> Table:
    # Titles and headers may carry paths or SQL column names: text, not markup.
    result = Table(title=escape(title) if title else None, show_lines=False, header_style="bold")
    for column in columns:
        result.add_column(escape(column.replace("_", " ")), overflow="fold")
    for row in rows:
        result.add_row(*[_cell(row.get(c)) for c in columns])
    return result


def _pick(row: dict[str, Any], columns: Sequence[str]) -> dict[str, Any]:
    return {c: row.get(c) for c in columns}


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:,.0f}" if value >= 100 else f"{value:g}"
    return escape(str(value))


#: A spreadsheet runs a cell that starts with one of these as a formula (=HYPERLINK(...),
#: =cmd|...): crawled text must never be able to, so such cells get a leading quote.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _csv_cell(value: Any) -> Any:
    if isinstance(value, list | dict):
        return json.dumps(value)
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value
