"""Every SQL statement about H-1B evidence: LCA filings, USCIS rows, imports, per-employer records.

Tables from ``m080_h1b``. Rows are joined to our employers through ``employer_links``
(dataset ``lca`` or ``uscis``) on the normalised name stored beside each row.
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

import sqlite_utils

from researchjobs.storage.links import USED

LCA_COLUMNS = (
    "case_number", "case_status", "visa_class", "received_date", "decision_date", "fiscal_year",
    "job_title", "soc_code", "soc_title", "full_time", "begin_date", "end_date", "total_workers",
    "employer_name", "employer_key", "trade_name", "employer_fein", "employer_city", "employer_state",
    "naics_code", "worksite_city", "worksite_state", "worksite_postal_code", "wage_from", "wage_to",
    "wage_unit", "wage_annual", "prevailing_wage", "pw_unit", "pw_wage_level", "h1b_dependent",
    "research", "source_file", "source_order",
)  # fmt: skip
USCIS_COLUMNS = (
    "fiscal_year", "employer_name", "employer_key", "tax_id", "naics", "state", "city", "zip",
    "initial_approvals", "initial_denials", "continuing_approvals", "continuing_denials",
    "source_file", "layout",
)  # fmt: skip
RECORD_COLUMNS = (
    "employer_key", "fiscal_year", "lca_filed", "lca_certified", "lca_no_status", "lca_research", "research_median_wage",
    "example_title", "example_level", "example_wage", "wage_levels", "worksite_states", "naics",
    "last_filing_date", "uscis_initial_approvals", "uscis_initial_denials", "uscis_continuing_approvals",
    "uscis_continuing_denials",
)  # fmt: skip

_LCA_UPSERT = (
    f"INSERT INTO lca_filings ({', '.join(LCA_COLUMNS)}) VALUES ({', '.join('?' for _ in LCA_COLUMNS)})"
    " ON CONFLICT (case_number) DO UPDATE SET "
    + ", ".join(f"{c} = excluded.{c}" for c in LCA_COLUMNS[1:])
    # The latest file's row wins; a file read again (same order) rewrites the same values.
    + " WHERE excluded.source_order >= lca_filings.source_order"
)
_USCIS_INSERT = f"INSERT INTO uscis_approvals ({', '.join(USCIS_COLUMNS)}) VALUES ({', '.join('?' for _ in USCIS_COLUMNS)})"


def _dicts(cursor: Any) -> list[dict[str, Any]]:
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor]


#: Page cache while a file is imported (KiB): CASE_NUMBER keys arrive in no order, and with
#: SQLite's default 2 MB cache every upsert of a 400,000-row file misses the index pages.
IMPORT_CACHE_KIB = 65_536


@contextlib.contextmanager
def large_cache(conn: sqlite3.Connection) -> Iterator[None]:
    """A bounded, larger page cache for the length of one import."""
    before = conn.execute("PRAGMA cache_size").fetchone()[0]
    conn.execute(f"PRAGMA cache_size = -{IMPORT_CACHE_KIB}")
    try:
        yield
    finally:
        conn.execute(f"PRAGMA cache_size = {int(before)}")


def imported(db: sqlite_utils.Database, sha256: str) -> dict[str, Any] | None:
    rows = _dicts(db.conn.execute("SELECT * FROM h1b_imports WHERE sha256 = ?", [sha256]))
    return rows[0] if rows else None


def upsert_lca(conn: sqlite3.Connection, rows: Sequence[Sequence[Any]]) -> None:
    conn.executemany(_LCA_UPSERT, rows)


def uscis_watermark(conn: sqlite3.Connection) -> int:
    return int(conn.execute("SELECT COALESCE(MAX(id), 0) FROM uscis_approvals").fetchone()[0])


def insert_uscis(conn: sqlite3.Connection, rows: Sequence[Sequence[Any]]) -> None:
    conn.executemany(_USCIS_INSERT, rows)


def replace_uscis_years(conn: sqlite3.Connection, years: Iterable[int], keep_above: int) -> int:
    """Drop older rows of the fiscal years a new file brought (a year comes from one file)."""
    years = sorted(set(years))
    if not years:
        return 0
    marks = ", ".join("?" for _ in years)
    return conn.execute(
        f"DELETE FROM uscis_approvals WHERE fiscal_year IN ({marks}) AND id <= ?", [*years, keep_above]
    ).rowcount


def record_import(conn: sqlite3.Connection, row: dict[str, Any]) -> None:
    conn.execute("DELETE FROM h1b_imports WHERE sha256 = ? AND kind = ?", [row["sha256"], row["kind"]])
    conn.execute(
        "INSERT INTO h1b_imports (source_file, sha256, bytes, kind, layout, rows_read, rows_kept, rows_skipped,"
        " fiscal_years, imported_at) VALUES (:source_file, :sha256, :bytes, :kind, :layout, :rows_read,"
        " :rows_kept, :rows_skipped, :fiscal_years, :imported_at)",
        row,
    )


def distinct_names(db: sqlite_utils.Database, dataset: str) -> list[tuple[str, str | None]]:
    """(employer name, FEIN) pairs of a data set, one per distinct pair."""
    if dataset == "lca":
        sql = "SELECT employer_name, MAX(employer_fein) FROM lca_filings GROUP BY employer_key, employer_name"
    else:
        sql = "SELECT employer_name, NULL FROM uscis_approvals GROUP BY employer_key, employer_name"
    return [(r[0], r[1]) for r in db.conn.execute(sql) if r[0]]


def linked_filings(db: sqlite_utils.Database) -> list[dict[str, Any]]:
    """The columns a record needs, for every LCA filing linked to one of our employers."""
    sql = (
        "SELECT l.employer_key AS employer_key, f.fiscal_year, f.case_status, f.job_title, f.pw_wage_level,"
        " f.wage_annual, f.worksite_state, f.naics_code, f.decision_date, f.research"
        " FROM lca_filings f JOIN employer_links l ON l.dataset = 'lca' AND l.external_key = f.employer_key"
        f" AND l.status IN ({', '.join('?' for _ in USED)}) WHERE f.fiscal_year IS NOT NULL"
    )
    return _dicts(db.conn.execute(sql, list(USED)))


def linked_uscis(db: sqlite_utils.Database) -> list[dict[str, Any]]:
    sql = (
        "SELECT l.employer_key AS employer_key, u.fiscal_year, SUM(u.initial_approvals) AS initial_approvals,"
        " SUM(u.initial_denials) AS initial_denials, SUM(u.continuing_approvals) AS continuing_approvals,"
        " SUM(u.continuing_denials) AS continuing_denials, GROUP_CONCAT(DISTINCT u.naics) AS naics"
        " FROM uscis_approvals u JOIN employer_links l ON l.dataset = 'uscis' AND l.external_key = u.employer_key"
        f" AND l.status IN ({', '.join('?' for _ in USED)}) GROUP BY l.employer_key, u.fiscal_year"
    )
    return _dicts(db.conn.execute(sql, list(USED)))


def record_rows(db: sqlite_utils.Database) -> dict[tuple[str, int], tuple[Any, ...]]:
    rows = db.conn.execute(f"SELECT {', '.join(RECORD_COLUMNS)} FROM sponsor_records")
    return {(r[0], r[1]): tuple(r) for r in rows}


def replace_records(conn: sqlite3.Connection, rows: Sequence[Sequence[Any]]) -> None:
    conn.execute("DELETE FROM sponsor_records")
    marks = ", ".join("?" for _ in RECORD_COLUMNS)
    conn.executemany(f"INSERT INTO sponsor_records ({', '.join(RECORD_COLUMNS)}) VALUES ({marks})", rows)


def touch_postings(conn: sqlite3.Connection, employer_keys: Iterable[str]) -> int:
    """Raise change_seq of the open postings of these employers, so the next incremental
    match rescores them with their new H-1B record."""
    keys = sorted(set(employer_keys))
    if not keys:
        return 0
    seq = int(conn.execute("SELECT COALESCE(MAX(change_seq), 0) + 1 FROM postings").fetchone()[0])
    changed = 0
    for start in range(0, len(keys), 500):
        chunk = keys[start : start + 500]
        marks = ", ".join("?" for _ in chunk)
        changed += conn.execute(
            "UPDATE postings SET change_seq = ? WHERE closed_at IS NULL AND employer IN"
            f" (SELECT name FROM employer_names WHERE employer_key IN ({marks}))",
            [seq, *chunk],
        ).rowcount
    return changed


def latest_data_year(conn: sqlite3.Connection) -> int | None:
    row = conn.execute(
        "SELECT MAX(fy) FROM (SELECT MAX(fiscal_year) AS fy FROM lca_filings"
        " UNION ALL SELECT MAX(fiscal_year) FROM uscis_approvals)"
    ).fetchone()
    return row[0]


def touch_all_postings(conn: sqlite3.Connection) -> int:
    """Raise change_seq of every open posting: the H-1B data's latest fiscal year moved, so
    "recent" and the sponsor gate's window moved for every employer (and the sponsor
    component appears or changes for all of them)."""
    seq = int(conn.execute("SELECT COALESCE(MAX(change_seq), 0) + 1 FROM postings").fetchone()[0])
    return conn.execute("UPDATE postings SET change_seq = ? WHERE closed_at IS NULL", [seq]).rowcount


def records_for(db: sqlite_utils.Database, employer_key: str) -> list[dict[str, Any]]:
    rows = _dicts(db.conn.execute(
        "SELECT * FROM sponsor_records WHERE employer_key = ? ORDER BY fiscal_year DESC", [employer_key]))  # fmt: skip
    for row in rows:
        for name in ("wage_levels", "worksite_states", "naics"):
            row[name] = json.loads(row[name] or "{}")
    return rows


def data_years(db: sqlite_utils.Database) -> dict[str, tuple[int, int] | None]:
    """The fiscal years each data set covers in this database."""
    out: dict[str, tuple[int, int] | None] = {}
    for name, table in (("lca", "lca_filings"), ("uscis", "uscis_approvals")):
        low, high = db.conn.execute(f"SELECT MIN(fiscal_year), MAX(fiscal_year) FROM {table}").fetchone()
        out[name] = (int(low), int(high)) if low is not None else None
    return out


def lca_names_like(db: sqlite_utils.Database, employer_key: str) -> list[str]:
    return [r[0] for r in db.conn.execute(
        "SELECT DISTINCT employer_name FROM lca_filings WHERE employer_key = ? LIMIT 5", [employer_key])]  # fmt: skip


def unlinked_lca_summary(db: sqlite_utils.Database, external_key: str) -> list[dict[str, Any]]:
    """Per fiscal year counts for one LCA name that is not one of our employers."""
    return _dicts(db.conn.execute(
        "SELECT fiscal_year, COUNT(*) AS lca_filed, SUM(case_status = 'Certified') AS lca_certified,"
        " SUM(case_status IS NULL) AS lca_no_status,"
        " SUM(COALESCE(case_status, 'Certified') = 'Certified' AND research = 1) AS lca_research, MAX(decision_date) AS last_filing_date"
        " FROM lca_filings WHERE employer_key = ? GROUP BY fiscal_year ORDER BY fiscal_year DESC",
        [external_key],
    ))  # fmt: skip


def _title_filters(words: Sequence[str], state: str | None, fiscal_year: int | None,
                   research_only: bool) -> tuple[list[str], list[Any]]:
    # Certified, or from a file that gives no status (column extracts).
    where = ["(case_status = 'Certified' OR case_status IS NULL)"]
    params: list[Any] = []
    for word in words:
        where.append("job_title LIKE ? ESCAPE '\\'")
        params.append("%" + word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%")
    if state:
        where.append("worksite_state = ?")
        params.append(state.upper())
    if fiscal_year:
        where.append("fiscal_year = ?")
        params.append(fiscal_year)
    if research_only:
        where.append("research = 1")
    return where, params


def top_employers(
    db: sqlite_utils.Database, *, words: Sequence[str] = (), state: str | None = None,
    fiscal_year: int | None = None, research_only: bool = False, limit: int = 20,
) -> list[dict[str, Any]]:
    """Employers (by normalised LCA name) with the most certified LCAs for titles containing
    every word, at worksites in a state."""
    where, params = _title_filters(words, state, fiscal_year, research_only)
    params.append(max(1, int(limit)))
    sql = (
        "SELECT MAX(employer_name) AS employer, employer_key, COUNT(*) AS certified,"
        " MIN(fiscal_year) AS first_fy, MAX(fiscal_year) AS last_fy"
        f" FROM lca_filings WHERE {' AND '.join(where)}"
        " GROUP BY employer_key ORDER BY certified DESC, employer LIMIT ?"
    )
    return _dicts(db.conn.execute(sql, params))


def lca_wages(
    db: sqlite_utils.Database, employer_keys: Sequence[str], words: Sequence[str], state: str | None,
    fiscal_year: int | None = None, research_only: bool = False,
) -> dict[str, list[float]]:
    """Annual wages of the certified filings behind ``top_employers`` rows (for medians)."""
    out: dict[str, list[float]] = {}
    if not employer_keys:
        return out
    where, params = _title_filters(words, state, fiscal_year, research_only)
    where += ["wage_annual IS NOT NULL", f"employer_key IN ({', '.join('?' for _ in employer_keys)})"]
    params += list(employer_keys)
    for key, wage in db.conn.execute(f"SELECT employer_key, wage_annual FROM lca_filings WHERE {' AND '.join(where)}", params):
        out.setdefault(key, []).append(wage)
    return out


def our_employer_for_lca_keys(db: sqlite_utils.Database, keys: Sequence[str]) -> dict[str, str]:
    """LCA name key → the name of our employer it is linked to."""
    if not keys:
        return {}
    marks = ", ".join("?" for _ in keys)
    rows = db.conn.execute(
        "SELECT l.external_key, e.name FROM employer_links l JOIN employers e ON e.key = l.employer_key"
        f" WHERE l.dataset = 'lca' AND l.status IN ({', '.join('?' for _ in USED)}) AND l.external_key IN ({marks})",
        [*USED, *keys],
    )
    return {r[0]: r[1] for r in rows}


def naics_of(db: sqlite_utils.Database, employer_key: str) -> dict[int, dict[str, int]]:
    """NAICS codes per fiscal year on one LCA name's filings."""
    out: dict[int, dict[str, int]] = {}
    for fy, code, n in db.conn.execute(
        "SELECT fiscal_year, naics_code, COUNT(*) FROM lca_filings WHERE employer_key = ? AND naics_code IS NOT NULL"
        " GROUP BY fiscal_year, naics_code", [employer_key]):
        out.setdefault(fy, {})[code] = n
    return out


def lca_employer_names(db: sqlite_utils.Database, limit: int = 200_000) -> list[str]:
    return [r[0] for r in db.conn.execute(
        "SELECT MAX(employer_name) FROM lca_filings GROUP BY employer_key LIMIT ?", [limit])]  # fmt: skip
