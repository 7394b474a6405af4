"""Every SQL statement about our employers and the links other data sets' names have to them.

Tables from ``m080_employer_links``. The linker itself (``researchjobs.linking``) is
pure; this module reads the names it needs and writes what it decides. A person's
decision (``confirmed`` / ``rejected``) is never overwritten by a later linking run.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import sqlite_utils

from researchjobs.storage.db import immediate

#: A posting's employer H-1B records (JSON list, newest fiscal year first) and the fiscal
#: years the imported LCA data covers (JSON [min, max]), as columns of a query over
#: postings ``p``; digest items and match listings word them (h1b.record.sponsor_line).
SPONSOR_SQL = (
    "(SELECT json_group_array(json_object('fiscal_year', r.fiscal_year, 'lca_filed', r.lca_filed,"
    " 'lca_certified', r.lca_certified, 'lca_no_status', r.lca_no_status, 'lca_research', r.lca_research,"
    " 'example_title', r.example_title, 'example_level', r.example_level, 'example_wage', r.example_wage,"
    " 'uscis_initial_approvals', r.uscis_initial_approvals,"
    " 'uscis_continuing_approvals', r.uscis_continuing_approvals))"
    " FROM (SELECT r.* FROM employer_names n JOIN sponsor_records r ON r.employer_key = n.employer_key"
    " WHERE n.name = p.employer ORDER BY r.fiscal_year DESC) r) AS sponsor_records,"
    " (SELECT CASE WHEN MIN(fiscal_year) IS NULL THEN NULL ELSE json_array(MIN(fiscal_year), MAX(fiscal_year))"
    " END FROM lca_filings) AS sponsor_lca_years"
)

#: Statuses whose links count (the linker's own, and people's confirmations).
USED = ("linked", "confirmed")
DECISIONS = ("confirmed", "rejected")


def _dicts(cursor: Any) -> list[dict[str, Any]]:
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor]


def posting_employer_names(db: sqlite_utils.Database) -> list[str]:
    """Every distinct employer name postings carry."""
    rows = db.conn.execute("SELECT DISTINCT employer FROM postings WHERE employer IS NOT NULL AND employer != ''")
    return [r[0] for r in rows]


def sync_employers(
    db: sqlite_utils.Database,
    employers: Sequence[tuple[str, str, str | None, bool]],
    names: Sequence[tuple[str, str]],
) -> None:
    """Replace our employers (key, name, employer_type, in_registry) and name → key map."""
    with immediate(db) as conn:
        conn.execute("DELETE FROM employers")
        conn.execute("DELETE FROM employer_names")
        conn.executemany(
            "INSERT INTO employers (key, name, employer_type, in_registry) VALUES (?, ?, ?, ?)",
            [(k, n, t, int(r)) for k, n, t, r in employers],
        )
        conn.executemany("INSERT OR REPLACE INTO employer_names (name, employer_key) VALUES (?, ?)", names)


def write_links(db: sqlite_utils.Database, dataset: str, rows: Iterable[Sequence[Any]], *, version: str, now: str) -> int:
    """Store (external_key, external_name, employer_key, method, score, status) rows for a data set.

    Rows people decided keep their decision. Returns how many rows were written.
    """
    sql = (
        "INSERT INTO employer_links (dataset, external_key, external_name, employer_key, method, score, status,"
        " linker_version, linked_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
        " ON CONFLICT (dataset, external_key) DO UPDATE SET external_name = excluded.external_name,"
        " employer_key = excluded.employer_key, method = excluded.method, score = excluded.score,"
        " status = excluded.status, linker_version = excluded.linker_version, linked_at = excluded.linked_at"
        " WHERE employer_links.status NOT IN ('confirmed', 'rejected')"
        " AND (employer_links.employer_key IS NOT excluded.employer_key OR employer_links.method != excluded.method"
        " OR employer_links.score != excluded.score OR employer_links.status != excluded.status)"
    )
    with immediate(db) as conn:
        before = conn.total_changes
        conn.executemany(sql, [(dataset, *row, version, now) for row in rows])
        return conn.total_changes - before


def decided(db: sqlite_utils.Database, dataset: str) -> dict[str, tuple[str, str | None]]:
    """external_key → (status, employer_key) of the links people decided."""
    rows = db.conn.execute(
        "SELECT external_key, status, employer_key FROM employer_links WHERE dataset = ? AND status IN (?, ?)",
        [dataset, *DECISIONS],
    )
    return {r[0]: (r[1], r[2]) for r in rows}


def review_links(db: sqlite_utils.Database, dataset: str | None = None, *, limit: int = 50) -> list[dict[str, Any]]:
    """Uncertain links, most doubtful first: review candidates, then fuzzy and FEIN links made
    automatically (they rest on a score, not on identical names)."""
    where = "(l.status = 'review' OR (l.status = 'linked' AND l.method IN ('fuzzy', 'fein', 'prefix')))"
    params: list[Any] = []
    if dataset:
        where += " AND l.dataset = ?"
        params.append(dataset)
    params.append(max(0, int(limit)))
    sql = (
        "SELECT l.dataset, l.external_key, l.external_name, l.employer_key, e.name AS employer, l.method,"
        " l.score, l.status FROM employer_links l LEFT JOIN employers e ON e.key = l.employer_key"
        f" WHERE {where} ORDER BY l.status = 'linked', l.score, l.external_key LIMIT ?"
    )
    return _dicts(db.conn.execute(sql, params))


def decide(db: sqlite_utils.Database, dataset: str, external_key: str, status: str, employer_key: str | None = None) -> bool:
    """Record a person's decision on one link; False when there is no such link."""
    if status not in DECISIONS:
        raise ValueError(f"status must be one of {', '.join(DECISIONS)}")
    with immediate(db) as conn:
        cursor = conn.execute(
            "UPDATE employer_links SET status = ?, method = CASE WHEN ? IS NOT NULL THEN 'manual' ELSE method END,"
            " employer_key = COALESCE(?, employer_key) WHERE dataset = ? AND external_key = ?",
            [status, employer_key, employer_key, dataset, external_key],
        )
        return cursor.rowcount > 0


def employer_key_for(db: sqlite_utils.Database, name: str) -> str | None:
    """Our employer key for a name as postings or the registry write it."""
    row = db.conn.execute("SELECT employer_key FROM employer_names WHERE name = ?", [name]).fetchone()
    return row[0] if row else None


def employer(db: sqlite_utils.Database, key: str) -> dict[str, Any] | None:
    rows = _dicts(db.conn.execute("SELECT * FROM employers WHERE key = ?", [key]))
    return rows[0] if rows else None


def employers(db: sqlite_utils.Database) -> list[dict[str, Any]]:
    return _dicts(db.conn.execute("SELECT * FROM employers ORDER BY name"))


def linked_external_keys(db: sqlite_utils.Database, dataset: str, employer_key: str) -> list[str]:
    rows = db.conn.execute(
        "SELECT external_key FROM employer_links WHERE dataset = ? AND employer_key = ? AND status IN (?, ?)",
        [dataset, employer_key, *USED],
    )
    return [r[0] for r in rows]


def links_for_employer(db: sqlite_utils.Database, employer_key: str) -> list[dict[str, Any]]:
    """Every used link to one employer, for showing where a record came from."""
    return _dicts(db.conn.execute(
        "SELECT dataset, external_name, method, score, status FROM employer_links"
        " WHERE employer_key = ? AND status IN (?, ?) ORDER BY dataset, score DESC, external_name",
        [employer_key, *USED],
    ))  # fmt: skip
