"""Read queries behind ``jobs``, ``status`` and friends."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import sqlite_utils

_SINCE = re.compile(r"^\s*(\d+)\s*([hdwm])\s*$", re.I)
_UNITS = {"h": "hours", "d": "days", "w": "weeks"}


def parse_since(text: str, now: datetime | None = None) -> str:
    """'7d', '12h', '2w', '1m' or an ISO date → ISO UTC lower bound."""
    now = now or datetime.now(UTC)
    match = _SINCE.match(text or "")
    if match:
        amount, unit = int(match.group(1)), match.group(2).lower()
        delta = timedelta(days=30 * amount) if unit == "m" else timedelta(**{_UNITS[unit]: amount})
        return (now - delta).strftime("%Y-%m-%dT%H:%M:%SZ")
    try:
        moment = datetime.fromisoformat(text.strip())
    except (ValueError, AttributeError):
        raise ValueError(f"--since wants '7d', '12h', '2w', '1m' or a date like 2026-11-01, got {text!r}") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def fts_query(text: str) -> str:
    """User words as FTS5 phrase tokens: quotes, hyphens and operators become plain text."""
    words = re.findall(r"[\w][\w'\-\.]*", text or "", flags=re.UNICODE)
    return " ".join('"' + w.replace('"', '""') + '"' for w in words)


@dataclass
class JobFilter:
    q: str | None = None
    employer: str | None = None
    since: str | None = None  # ISO lower bound on first_seen
    include_closed: bool = False
    limit: int = 50
    where: list[str] = field(default_factory=list)  # extra clauses from richer filters
    params: dict[str, Any] = field(default_factory=dict)


LIST_COLUMNS = (
    "key", "title", "employer", "location_raw", "date_published", "first_seen", "last_seen",
    "closed_at", "url", "source_id", "role_family", "role_level", "visa", "cap_exempt",
    "salary_min", "salary_max", "salary_period", "remote", "city", "state",
)  # fmt: skip


def search_jobs(db: sqlite_utils.Database, flt: JobFilter) -> list[dict[str, Any]]:
    where = list(flt.where)
    params = dict(flt.params)
    select = ", ".join(f"p.{c}" for c in LIST_COLUMNS)
    order = "COALESCE(p.date_published, p.first_seen) DESC"
    source = "postings p"
    if flt.q and fts_query(flt.q):
        source = "postings p JOIN postings_fts f ON f.rowid = p.rowid"
        where.append("postings_fts MATCH :q")
        params["q"] = fts_query(flt.q)
        order = "f.rank"
    if flt.employer:
        where.append("p.employer LIKE :employer")
        params["employer"] = f"%{flt.employer}%"
    if flt.since:
        where.append("p.first_seen >= :since")
        params["since"] = flt.since
    if not flt.include_closed:
        where.append("p.closed_at IS NULL")
    clause = f"WHERE {' AND '.join(where)}" if where else ""
    params["limit"] = flt.limit
    sql = f"SELECT {select} FROM {source} {clause} ORDER BY {order} LIMIT :limit"
    return list(db.query(sql, params))


def get_posting(db: sqlite_utils.Database, key: str) -> dict[str, Any] | None:
    rows = list(db.query("SELECT * FROM postings WHERE key = ? OR key LIKE ?", [key, f"{key}%"]))
    return rows[0] if len(rows) == 1 else None


def counts(db: sqlite_utils.Database) -> dict[str, int]:
    row = next(
        db.query(
            "SELECT COUNT(*) AS total, SUM(closed_at IS NULL) AS open,"
            " SUM(closed_at IS NOT NULL) AS closed, COUNT(DISTINCT source_id) AS sources"
            " FROM postings"
        )
    )
    return {k: int(v or 0) for k, v in row.items()}
