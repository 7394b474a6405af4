"""What ``jobs`` and ``export`` do between parsing options and printing rows.

With ``--profile`` the matcher decides what is *open to* that person and in which order
(eligibility gates first, then fit); the other filters then narrow that ranked list. Without
it, storage orders by full-text rank or newest first.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any

import sqlite_utils

from researchjobs.explore.filters import FilterError, FilterOptions, build_filter, unknown_values
from researchjobs.storage.queries import LIST_COLUMNS, JobFilter, count_jobs, export_columns, search_jobs

TABLE_COLUMNS = ["key", "title", "employer", "location_raw", "role_level", "visa", "posted", "url"]
PROFILE_TABLE_COLUMNS = ["key", "title", "employer", "location_raw", "score", "why", "url"]
MACHINE_COLUMNS = [
    "key", "title", "employer", "location_raw", "date_published", "url", "source_id", "first_seen",
    "last_seen", "closed_at", "role_family", "role_level", "visa", "cap_exempt", "remote", "city", "state",
    "salary_annual_min", "salary_annual_max", "experience_required_months", "employer_type_inferred",
]  # fmt: skip


@dataclass
class SearchResult:
    rows: list[dict[str, Any]]
    columns: list[str]
    total: int | None  # matches before the limit, when cheap to know
    notes: list[str] = field(default_factory=list)


def find_jobs(
    db: sqlite_utils.Database,
    opts: FilterOptions,
    *,
    limit: int | None,
    fmt: str = "table",
    profile: str | None = None,
    export: bool = False,
) -> SearchResult:
    """Rows for ``jobs`` (a short list) or ``export`` (every column); raises FilterError."""
    flt = build_filter(opts, limit=limit)
    columns = export_columns(db) if export else list(LIST_COLUMNS)
    if profile:
        rows = _ranked_for_profile(db, profile, flt, columns)
        total = None
    else:
        rows = search_jobs(db, flt, columns)
        total = count_jobs(db, flt) if fmt == "table" and limit is not None and len(rows) == limit else len(rows)
    if fmt == "table":
        for row in rows:  # published date when the board gives one, else when we first saw it
            row["posted"] = str(row.get("date_published") or row.get("first_seen") or "")[:10]
    if export:
        shown = list(columns)
    elif profile and fmt == "table":
        shown = list(PROFILE_TABLE_COLUMNS)
    else:
        shown = list(TABLE_COLUMNS if fmt == "table" else MACHINE_COLUMNS)
    if flt.near is not None:
        shown.append("miles")
    if profile:
        shown += [c for c in ("score", "why") if c not in shown]
    notes = unknown_values(db, flt) if not rows else []
    return SearchResult(rows, shown, total, notes)


def _ranked_for_profile(db: sqlite_utils.Database, profile: str, flt: JobFilter, columns: list[str]) -> list[dict[str, Any]]:
    from researchjobs.explore.matching import ranked_keys

    ranked = ranked_keys(db, profile)
    order = {key: i for i, (key, _score, _why) in enumerate(ranked)}
    extra = {key: (score, why) for key, score, why in ranked}
    rows = search_jobs(db, dataclasses.replace(flt, keys=list(order), limit=None), columns)
    rows.sort(key=lambda r: order[r["key"]])
    if flt.limit is not None:
        rows = rows[: flt.limit]
    for row in rows:
        row["score"], row["why"] = extra[row["key"]]
    return rows


__all__ = ["FilterError", "FilterOptions", "SearchResult", "find_jobs"]
