"""Every SQL statement of the matcher: reading postings to score, writing matches, run state.

The matcher itself is numpy and plain Python; this module is its only door to SQLite,
as the house rule says. Tables come from migrations m010 (``matches``) and m011
(``match_runs``) in ``schema.py``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Any

import sqlite_utils

from researchjobs.storage.db import immediate
from researchjobs.storage.links import SPONSOR_SQL
from researchjobs.storage.sponsors import latest_data_year

#: Derived columns the matcher needs from facts_json. json_valid guards a malformed blob:
#: one bad row must not fail the whole read.
_DERIVED = {
    "accepts_clinical": (
        "CASE WHEN json_valid(p.facts_json) THEN "
        "json_extract(p.facts_json, '$.experience_accepts_clinical.value') END"
    ),
    "languages_required_evidence": (
        "CASE WHEN json_valid(p.facts_json) THEN "
        "json_extract(p.facts_json, '$.languages_required.evidence') END"
    ),
}

#: An employer's H-1B record (tables from m080_h1b), through the name postings give it:
#: the last fiscal year with a certified (or status-unknown) LCA or a USCIS approval, and
#: the last with filings for research titles. NULL when nothing is linked.
_SPONSOR_FY = (
    "(SELECT MAX(r.fiscal_year) FROM employer_names n JOIN sponsor_records r ON r.employer_key = n.employer_key"
    " WHERE n.name = p.employer AND {condition})"
)
_DERIVED["sponsor_last_fy"] = _SPONSOR_FY.format(
    condition="r.lca_certified + r.lca_no_status + COALESCE(r.uscis_initial_approvals, 0)"
              " + COALESCE(r.uscis_continuing_approvals, 0) > 0")
_DERIVED["sponsor_research_fy"] = _SPONSOR_FY.format(condition="r.lca_research > 0")

MATCH_COLUMNS = (
    "profile", "posting_key", "eligible", "gates", "score", "components", "reasons",
    "matched_at", "posting_changed_at", "first_matched_at", "scored_at",
)  # fmt: skip

#: Posting columns returned beside each match by ``top_matches``.
TOP_POSTING_COLUMNS = (
    "title", "employer", "url", "apply_url", "location_raw", "city", "state", "country",
    "remote", "salary_min", "salary_max", "salary_currency", "salary_period",
    "salary_annual_min", "salary_annual_max", "date_published", "first_seen", "last_seen",
    "closed_at", "changed_at", "source_id", "role_family", "role_level", "visa",
    "visa_evidence", "citizenship_required", "cap_exempt", "cap_exempt_reason",
    "employer_type_inferred", "cluster_id", "experience_required_months",
    "experience_preferred_months", "degree_min", "md_accepted", "licence_required",
    "licence_required_name", "certifications_required", "certifications_preferred",
    "certifications_obtain_within", "skills", "languages", "languages_required",
    "role_level_basis", "clinical_research",
)  # fmt: skip
_JSON_POSTING = ("certifications_required", "certifications_preferred", "certifications_obtain_within",
                 "skills", "languages", "languages_required")
_JSON_MATCH = ("gates", "components", "reasons")


def _dicts(cursor: Any) -> list[dict[str, Any]]:
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, values, strict=True)) for values in cursor]


def posting_column_names(db: sqlite_utils.Database) -> set[str]:
    return {row[1] for row in db.conn.execute("PRAGMA table_info(postings)")}


def _select(columns: Sequence[str], present: set[str]) -> str:
    parts = []
    for name in columns:
        if name in _DERIVED:
            parts.append(f"{_DERIVED[name]} AS {name}")
        elif name in present:
            parts.append(f"p.{name}")
        else:  # a column this database does not have (yet): read as unknown
            parts.append(f"NULL AS {name}")
    return ", ".join(parts)


def change_watermark(db: sqlite_utils.Database) -> int | None:
    """The highest ``postings.change_seq``, or None when the database has no such column.

    Storage raises change_seq inside the write transaction on every insert, change, close,
    reopen and re-enrichment, so "change_seq > the last run's watermark" is exactly the
    set of postings to look at again — no clock involved. Read it *before* the postings:
    a write committed in between is then seen twice, never missed.
    """
    if "change_seq" not in posting_column_names(db):
        return None
    return int(db.conn.execute("SELECT COALESCE(MAX(change_seq), 0) FROM postings").fetchone()[0])


def sponsor_data_year(db: sqlite_utils.Database) -> int | None:
    """The latest fiscal year of imported H-1B data (LCA or USCIS); None before any import."""
    latest = latest_data_year(db.conn)
    return int(latest) if latest is not None else None


def load_postings(
    db: sqlite_utils.Database,
    columns: Sequence[str],
    *,
    since: str | None = None,
    since_seq: int | None = None,
    row_profiles: Sequence[str] = (),
) -> tuple[tuple[str, ...], list[tuple[Any, ...]]]:
    """Postings to score, as (column names, row tuples): tuples are what the matcher's
    column-wise Frame wants, and cost a fraction of dicts at 100,000 rows.

    With ``since_seq``: those whose change_seq is above it. With ``since`` (databases
    without change_seq): those new, changed, closed or reopened at or after that time.
    With neither: every open posting, plus closed ones that still have a match row for
    one of ``row_profiles`` (they must be turned ineligible, gate "closed").
    """
    select = _select(columns, posting_column_names(db))
    if since_seq is not None:
        cursor = db.conn.execute(f"SELECT {select} FROM postings p WHERE p.change_seq > ?", [since_seq])
    elif since is not None:
        sql = (
            f"SELECT {select} FROM postings p WHERE p.first_seen >= :since OR p.changed_at >= :since"
            " OR p.closed_at >= :since OR p.key IN (SELECT posting_key FROM posting_history"
            " WHERE change = 'reopened' AND at >= :since)"
        )
        cursor = db.conn.execute(sql, {"since": since})
    else:
        marks = ", ".join(f":p{i}" for i in range(len(row_profiles)))
        params = {f"p{i}": name for i, name in enumerate(row_profiles)}
        clause = "p.closed_at IS NULL"
        if row_profiles:
            clause += (
                " OR EXISTS (SELECT 1 FROM matches m WHERE m.posting_key = p.key"
                f" AND m.profile IN ({marks}))"
            )
        cursor = db.conn.execute(f"SELECT {select} FROM postings p WHERE {clause}", params)
    names = tuple(d[0] for d in cursor.description)
    return names, cursor.fetchall()


def reopened_keys(db: sqlite_utils.Database, since: str) -> set[str]:
    """Postings reopened at or after ``since`` (a reopening does not touch changed_at)."""
    rows = db.conn.execute(
        "SELECT DISTINCT posting_key FROM posting_history WHERE change = 'reopened' AND at >= ?", [since]
    )
    return {r[0] for r in rows}


def enrich_versions(db: sqlite_utils.Database) -> list[str]:
    """Extractor versions present in postings; a new one means facts changed under us."""
    rows = db.conn.execute("SELECT DISTINCT enrich_version FROM postings WHERE enrich_version IS NOT NULL")
    return sorted(r[0] for r in rows)


def keyword_keys(db: sqlite_utils.Database, keywords: Iterable[str]) -> dict[str, set[str]]:
    """Keys of postings whose title, employer or description contains each phrase (FTS5)."""
    found: dict[str, set[str]] = {}
    for keyword in keywords:
        phrase = '"' + keyword.replace('"', '""') + '"'
        try:
            rows = db.conn.execute(
                "SELECT p.key FROM postings_fts JOIN postings p ON p.rowid = postings_fts.rowid"
                " WHERE postings_fts MATCH ?",
                [phrase],
            )
            found[keyword] = {r[0] for r in rows}
        except Exception:  # a phrase FTS5 cannot parse matches nothing rather than failing the run
            found[keyword] = set()
    return found


def run_states(db: sqlite_utils.Database, profiles: Iterable[str] | None = None) -> dict[str, dict[str, Any]]:
    rows = _dicts(db.conn.execute("SELECT * FROM match_runs"))
    wanted = set(profiles) if profiles is not None else None
    return {r["profile"]: r for r in rows if wanted is None or r["profile"] in wanted}


def existing_matches(
    db: sqlite_utils.Database, profile: str, keys: Sequence[str] | None = None
) -> dict[str, dict[str, Any]]:
    """The stored rows of one profile (all, or for these keys): what a rerun must compare with."""
    cols = "posting_key, eligible, gates, posting_changed_at, matched_at, first_matched_at"
    if keys is None:
        rows = db.conn.execute(f"SELECT {cols} FROM matches WHERE profile = ?", [profile])
        return {r["posting_key"]: r for r in _dicts(rows)}
    out: dict[str, dict[str, Any]] = {}
    keys = list(keys)
    for start in range(0, len(keys), 500):
        chunk = keys[start : start + 500]
        marks = ", ".join("?" for _ in chunk)
        rows = db.conn.execute(
            f"SELECT {cols} FROM matches WHERE profile = ? AND posting_key IN ({marks})", [profile, *chunk]
        )
        out.update({r["posting_key"]: r for r in _dicts(rows)})
    return out


def write_matches(
    db: sqlite_utils.Database,
    profile: str,
    rows: Sequence[Sequence[Any]],
    delete_keys: Iterable[str],
    state: dict[str, Any],
) -> int:
    """Replace a profile's rows for one run and record its run state: one transaction.

    ``rows`` are tuples in MATCH_COLUMNS order; ``delete_keys`` are rows to drop.
    Returns how many rows were deleted.
    """
    return write_many(db, [(profile, rows, delete_keys, state)])[0]


def write_many(
    db: sqlite_utils.Database,
    batches: Sequence[tuple[str, Sequence[Sequence[Any]], Iterable[str], dict[str, Any]]],
) -> list[int]:
    """Several profiles' results in one transaction (each with its run state, so a failure
    leaves every one of them as before and the next run redoes them). One commit for many
    profiles instead of one each is most of the write cost of a large run."""
    deleted: list[int] = []
    marks = ", ".join("?" for _ in MATCH_COLUMNS)
    updates = ", ".join(f"{c} = excluded.{c}" for c in MATCH_COLUMNS[2:])
    upsert = (
        f"INSERT INTO matches ({', '.join(MATCH_COLUMNS)}) VALUES ({marks})"
        f" ON CONFLICT (profile, posting_key) DO UPDATE SET {updates}"
    )
    with immediate(db) as conn:
        for profile, rows, delete_keys, state in batches:
            gone = [(profile, k) for k in delete_keys]
            count = 0
            if gone:
                before = conn.total_changes
                conn.executemany("DELETE FROM matches WHERE profile = ? AND posting_key = ?", gone)
                count = conn.total_changes - before
            deleted.append(count)
            if rows:
                conn.executemany(upsert, rows)
            conn.execute(
                "INSERT INTO match_runs (profile, profile_hash, last_run_at, last_full_at, enrich_versions, summary,"
                " last_seq) VALUES (:profile, :profile_hash, :last_run_at, :last_full_at, :enrich_versions,"
                " :summary, :last_seq)"
                " ON CONFLICT (profile) DO UPDATE SET profile_hash = excluded.profile_hash,"
                " last_run_at = excluded.last_run_at, last_seq = excluded.last_seq,"
                " last_full_at = COALESCE(excluded.last_full_at, match_runs.last_full_at),"
                " enrich_versions = excluded.enrich_versions, summary = excluded.summary",
                {"profile": profile, **state},
            )
    return deleted


def prune_closed(db: sqlite_utils.Database, closed_before: str) -> int:
    """Drop match rows of postings closed before the given time.

    Rows of open postings are bounded by the postings themselves (one per profile and
    posting); without this, rows of closed postings would pile up forever. Recently
    closed ones stay, so a digest can still say "closed".
    """
    with immediate(db) as conn:
        return conn.execute(
            "DELETE FROM matches WHERE posting_key IN"
            " (SELECT key FROM postings WHERE closed_at IS NOT NULL AND closed_at < ?)",
            [closed_before],
        ).rowcount


def top_matches(
    db: sqlite_utils.Database,
    profile: str,
    *,
    limit: int = 10,
    include_ineligible: bool = False,
    since: str | None = None,
    one_per_cluster: bool = True,
) -> list[dict[str, Any]]:
    """Match rows joined with their postings, best first (eligible first, then score).

    ``since`` keeps rows whose ``matched_at`` is at or after it (new or changed results).
    ``one_per_cluster`` keeps the best posting of each dedupe cluster: the same job on two
    boards should not take two places in someone's top ten.
    """
    where = ["m.profile = :profile"]
    params: dict[str, Any] = {"profile": profile, "limit": max(0, int(limit))}
    if not include_ineligible:
        where.append("m.eligible = 1")
    if since:
        where.append("m.matched_at >= :since")
        params["since"] = since
    posting_cols = ", ".join(f"p.{c} AS {c}" for c in TOP_POSTING_COLUMNS)
    match_cols = ", ".join(f"m.{c} AS {c}" for c in MATCH_COLUMNS)
    order = "m.eligible DESC, m.score DESC, p.date_published DESC, m.posting_key"
    inner = (
        f"SELECT {match_cols}, {posting_cols}, {SPONSOR_SQL},"
        f" ROW_NUMBER() OVER (PARTITION BY COALESCE(p.cluster_id, p.key) ORDER BY {order}) AS cluster_rank"
        f" FROM matches m JOIN postings p ON p.key = m.posting_key WHERE {' AND '.join(where)}"
    )
    rank = "WHERE cluster_rank = 1" if one_per_cluster else ""
    sql = (
        f"SELECT * FROM ({inner}) {rank}"
        " ORDER BY eligible DESC, score DESC, date_published DESC, posting_key LIMIT :limit"
    )
    rows = _dicts(db.conn.execute(sql, params))
    for row in rows:
        row.pop("cluster_rank", None)
        row["key"] = row["posting_key"]
        row["eligible"] = bool(row["eligible"])
        for name in _JSON_MATCH + _JSON_POSTING:
            row[name] = _decode(row.get(name), {} if name == "components" else [])
    return rows


def _decode(value: Any, default: Any) -> Any:
    if value is None or value == "":
        return default
    try:
        return json.loads(value)
    except (TypeError, ValueError):
        return default
