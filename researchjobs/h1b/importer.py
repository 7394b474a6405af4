"""``researchjobs sponsors import FILE…``: DOL LCA and USCIS Data Hub files into SQLite.

One file is one transaction: it all lands or none of it does. Re-importing a file
changes nothing (a file whose SHA-256 is already recorded is skipped; read again with
``force`` it writes the same rows). LCA filings are keyed on CASE_NUMBER, and when the
same case is in two quarters' files the latest file's row wins — the period comes from
the DOL file name (``…_FY2025_Q2``) or, for a renamed file, from each row's decision
date. A USCIS fiscal year comes from one file: importing a year again replaces it.
Rows without a CASE_NUMBER (or employer) are skipped and counted — DOL sheets end with
hundreds of thousands of formatted blank rows.
"""

from __future__ import annotations

import hashlib
import json
import operator
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlite_utils

from researchjobs.h1b import values as v
from researchjobs.h1b.files import FileError, open_table
from researchjobs.h1b.layouts import Layout, LayoutError, recognise
from researchjobs.linking.names import clean_fein, name_key
from researchjobs.storage import sponsors as store
from researchjobs.storage.db import immediate

BATCH = 5_000
_PERIOD = re.compile(r"FY_?(\d{4})_?Q([1-4])", re.I)
_FY = re.compile(r"FY_?(\d{4})", re.I)

Progress = Callable[[int, int | None], None]  # (done, total) in the table's units


class SponsorImportError(Exception):
    """A file that cannot be imported; one line saying which file and why."""


@dataclass
class ImportResult:
    """What importing one file did."""

    path: Path
    kind: str = ""
    layout: str = ""
    rows_read: int = 0
    rows_kept: int = 0
    rows_skipped: int = 0
    fiscal_years: list[int] = field(default_factory=list)
    skipped_file: bool = False  # already imported (same SHA-256)

    def describe(self) -> str:
        if self.skipped_file:
            return f"{self.path.name}: already imported ({self.kind}, {self.layout}); nothing changed"
        years = ", ".join(f"FY{y}" for y in self.fiscal_years) or "no fiscal year"
        return (f"{self.path.name}: {self.kind} ({self.layout}), {self.rows_kept:,} rows kept of {self.rows_read:,} read"
                f" ({self.rows_skipped:,} blank or without a case/employer skipped); {years}")  # fmt: skip


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def file_period(path: Path) -> str | None:
    """"2025Q2" from LCA_Disclosure_Data_FY2025_Q2.xlsx."""
    match = _PERIOD.search(path.name)
    return f"{match.group(1)}Q{match.group(2)}" if match else None


def file_fiscal_year(path: Path) -> int | None:
    match = _FY.search(path.name)
    return int(match.group(1)) if match else None


def import_file(
    db: sqlite_utils.Database, path: Path | str, *, force: bool = False, progress: Progress | None = None,
    now: str | None = None,
) -> ImportResult:
    """Import one file; raises SponsorImportError (with the file's name) when it cannot be."""
    path = Path(path)
    if not path.is_file():
        raise SponsorImportError(f"{path}: no such file")
    now = now or datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    sha = sha256_of(path)
    result = ImportResult(path)
    earlier = store.imported(db, sha)
    if earlier and not force:
        result.kind, result.layout, result.skipped_file = earlier["kind"], earlier["layout"], True
        result.fiscal_years = json.loads(earlier["fiscal_years"] or "[]")
        return result
    try:
        table = open_table(path)
    except FileError as exc:
        raise SponsorImportError(str(exc)) from None
    try:
        header = next((row for row in table.rows if any(str(c or "").strip() for c in row)), None)
        if header is None:
            raise SponsorImportError(f"{path}: the file is empty")
        layout = recognise(header, str(path))
        table.set_columns(set(layout.columns.values()))
        result.kind, result.layout = layout.kind, layout.name
        with store.large_cache(db.conn), immediate(db) as conn:
            latest = store.latest_data_year(conn)
            if layout.kind == "lca":
                _import_lca(conn, table, layout, path, result, progress)
            else:
                _import_uscis(conn, table, layout, path, result, progress)
            store.record_import(conn, {
                "source_file": path.name, "sha256": sha, "bytes": path.stat().st_size, "kind": layout.kind,
                "layout": layout.name, "rows_read": result.rows_read, "rows_kept": result.rows_kept,
                "rows_skipped": result.rows_skipped, "fiscal_years": json.dumps(result.fiscal_years),
                "imported_at": now,
            })  # fmt: skip
            if store.latest_data_year(conn) != latest:
                store.touch_all_postings(conn)
    except (LayoutError, FileError) as exc:
        raise SponsorImportError(str(exc)) from None
    finally:
        table.close()
    return result


def _getter(layout: Layout) -> Callable[[list[Any], str], Any]:
    columns = layout.columns
    missing = max([layout.width, *columns.values()]) + 1  # a column index that is always None

    def get(row: list[Any], name: str) -> Any:
        return row[columns.get(name, missing)]

    return get


def _padded(row: list[Any], width: int) -> list[Any]:
    """Rows stop at their last filled cell; pad once so every column index is valid."""
    if len(row) < width:
        row.extend([None] * (width - len(row)))
    return row


#: LCA fields in the order ``_import_lca`` unpacks them (one C-level itemgetter per row).
_LCA_FIELDS = (
    "case_number", "case_status", "visa_class", "received_date", "decision_date", "job_title", "soc_code",
    "soc_title", "full_time", "begin_date", "end_date", "total_workers", "employer_name", "trade_name",
    "employer_fein", "employer_city", "employer_state", "naics_code", "worksite_city", "worksite_state",
    "worksite_postal_code", "wage_from", "wage_to", "wage_unit", "prevailing_wage", "pw_unit", "pw_wage_level",
    "h1b_dependent", "year_hint",
)  # fmt: skip


def _import_lca(conn: Any, table: Any, layout: Layout, path: Path, result: ImportResult, progress: Progress | None) -> None:
    period = file_period(path)
    name_fy = file_fiscal_year(path)
    source = path.name
    years: set[int] = set()
    batch: list[tuple[Any, ...]] = []
    missing = max([layout.width, *layout.columns.values()]) + 1  # an index that is always None
    width = missing + 1
    pick = operator.itemgetter(*(layout.columns.get(f, missing) for f in _LCA_FIELDS))
    text, iso_date, number = v.text, v.iso_date, v.number
    for row in table.rows:
        result.rows_read += 1
        if len(row) < width:
            row.extend([None] * (width - len(row)))
        (case, status, visa, received, decided, title, soc, soc_title, full_time, begin, end, workers, employer,
         trade, fein, employer_city, employer_state, naics, worksite_city, worksite_state, worksite_zip, wage_from,
         wage_to, unit, prevailing, pw_unit, level, dependent, hint) = pick(row)  # fmt: skip
        case, employer = text(case), text(employer)
        if not case or not employer:
            result.rows_skipped += 1
            continue
        decided, received = iso_date(decided), iso_date(received)
        fy = v.fiscal_year(decided or received) or name_fy or _year_hint(hint)
        if fy:
            years.add(fy)
        title, soc, unit, full_time = text(title), text(soc), text(unit), text(full_time)
        wage_from = number(wage_from)
        batch.append((
            case, text(status), text(visa), received, decided, fy, title, soc, text(soc_title),
            None if full_time is None else int(full_time[:1].upper() == "Y"),
            iso_date(begin), iso_date(end), v.count(workers) or None,
            employer, name_key(employer), text(trade), clean_fein(fein), text(employer_city),
            text(employer_state), v.naics(naics), text(worksite_city), text(worksite_state),
            v.zip_code(worksite_zip), wage_from, number(wage_to), unit, v.annual_wage(wage_from, unit),
            number(prevailing), text(pw_unit), text(level), text(dependent),
            int(v.is_research(soc, title)), source, period or v.fiscal_quarter(decided) or "0000Q0",
        ))  # fmt: skip
        if len(batch) >= BATCH:
            _write(conn, store.upsert_lca, batch, result, table, progress)
    _write(conn, store.upsert_lca, batch, result, table, progress)
    result.fiscal_years = sorted(years)


def _write(conn: Any, write: Callable[[Any, list[tuple[Any, ...]]], None], batch: list[tuple[Any, ...]],
           result: ImportResult, table: Any, progress: Progress | None) -> None:
    """Write a batch of rows (inside the file's transaction), count them, report progress."""
    if batch:
        write(conn, batch)
        result.rows_kept += len(batch)
        batch.clear()
    if progress:
        progress(table.position(), table.total)


def _year_hint(value: Any) -> int | None:
    found = v.number(value)
    return int(found) if found and 2000 <= found <= 2100 else None


def _import_uscis(conn: Any, table: Any, layout: Layout, path: Path, result: ImportResult, progress: Progress | None) -> None:
    get = _getter(layout)
    six = layout.name == "uscis_six_category"
    watermark = store.uscis_watermark(conn)
    years: set[int] = set()
    batch: list[tuple[Any, ...]] = []
    width = max([layout.width, *layout.columns.values()]) + 2
    for row in table.rows:
        result.rows_read += 1
        row = _padded(row, width)
        employer = v.text(get(row, "employer_name"))
        fy = _year_hint(get(row, "fiscal_year"))
        if not employer or not fy:
            result.rows_skipped += 1
            continue
        years.add(fy)
        if six:
            counts = (
                v.count(get(row, "new_approval")) + v.count(get(row, "concurrent_approval")),
                v.count(get(row, "new_denial")) + v.count(get(row, "concurrent_denial")),
                sum(v.count(get(row, f)) for f in ("continuation_approval", "same_employer_approval",
                                                   "change_employer_approval", "amended_approval")),
                sum(v.count(get(row, f)) for f in ("continuation_denial", "same_employer_denial",
                                                   "change_employer_denial", "amended_denial")),
            )  # fmt: skip
        else:
            counts = tuple(v.count(get(row, f)) for f in
                           ("initial_approvals", "initial_denials", "continuing_approvals", "continuing_denials"))  # fmt: skip
        batch.append((
            fy, employer, name_key(employer), v.text(get(row, "tax_id")), v.naics(get(row, "naics")),
            v.text(get(row, "state")), v.text(get(row, "city")), v.zip_code(get(row, "zip")), *counts,
            path.name, layout.name,
        ))  # fmt: skip
        if len(batch) >= BATCH:
            _write(conn, store.insert_uscis, batch, result, table, progress)
    _write(conn, store.insert_uscis, batch, result, table, progress)
    store.replace_uscis_years(conn, years, watermark)
    result.fiscal_years = sorted(years)
