"""Counts behind ``researchjobs stats``: what the database holds and how fast it moves.

An IMG deciding where to look wants to see the market's shape (which roles, which
states, which employers keep hiring) and its pulse (how many postings appear and close
each week). Weeks run Monday to Sunday in UTC, the zone every stored timestamp is in.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import sqlite_utils

#: Dimensions ``stats`` can count by, mapped to the SQL expression that names a group.
DIMENSIONS: dict[str, str] = {
    "role": "role_family",
    "level": "role_level",
    "state": "state",
    "employer": "employer",
    "source": "source_id",
    "employer_type": "COALESCE(employer_type_inferred, employer_type)",
    "visa": "visa",
    "cap_exempt": "cap_exempt",
}

#: SQLite expression for the Monday that starts the week of an ISO timestamp column.
#: 'weekday 0' moves forward to Sunday (or stays on it); 6 days back is that week's Monday.
_WEEK_OF = "date({col}, 'weekday 0', '-6 days')"


def counts_by(
    db: sqlite_utils.Database, dimension: str, *, top: int = 10, include_closed: bool = False
) -> list[dict[str, Any]]:
    """The biggest groups first; postings with no value are counted under None."""
    if dimension not in DIMENSIONS:
        raise ValueError(f"unknown dimension {dimension!r}; known: {', '.join(DIMENSIONS)}")
    where = "" if include_closed else "WHERE closed_at IS NULL"
    sql = (
        f"SELECT {DIMENSIONS[dimension]} AS value, COUNT(*) AS count FROM postings {where}"
        " GROUP BY value ORDER BY count DESC, value LIMIT :top"
    )
    return list(db.query(sql, {"top": top}))


def totals(db: sqlite_utils.Database) -> dict[str, int]:
    row = next(db.query(
        "SELECT COUNT(*) AS total, SUM(closed_at IS NULL) AS open, SUM(closed_at IS NOT NULL) AS closed,"
        " COUNT(DISTINCT employer) AS employers, COUNT(DISTINCT source_id) AS sources FROM postings"
    ))  # fmt: skip
    return {k: int(v or 0) for k, v in row.items()}


def week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())


def weekly(db: sqlite_utils.Database, *, weeks: int = 12, now: datetime | None = None) -> list[dict[str, Any]]:
    """New (first seen) and closed postings per week, oldest first, empty weeks included.

    Empty weeks matter: a gap in the chart is how a user notices that crawls stopped.
    """
    now = now or datetime.now(UTC)
    last = week_start(now.astimezone(UTC).date())
    first = last - timedelta(weeks=max(weeks, 1) - 1)
    lower = first.isoformat()
    found: dict[str, dict[str, int]] = {}
    for column, name in (("first_seen", "new"), ("closed_at", "closed")):
        week = _WEEK_OF.format(col=column)
        sql = (
            f"SELECT {week} AS week, COUNT(*) AS n FROM postings"
            f" WHERE {column} IS NOT NULL AND {column} >= :lower GROUP BY week"
        )
        for row in db.query(sql, {"lower": lower}):
            if row["week"]:
                found.setdefault(row["week"], {})[name] = int(row["n"])
    out = []
    day = first
    while day <= last:
        got = found.get(day.isoformat(), {})
        out.append({"week": day.isoformat(), "new": got.get("new", 0), "closed": got.get("closed", 0)})
        day += timedelta(weeks=1)
    return out


def summary(db: sqlite_utils.Database, *, top: int = 10, weeks: int = 12, now: datetime | None = None,
            dimensions: tuple[str, ...] = ("role", "level", "state", "employer", "source")) -> dict[str, Any]:  # fmt: skip
    """Everything ``stats`` prints, as one JSON-ready dict."""
    return {
        "totals": totals(db),
        "by": {name: counts_by(db, name, top=top) for name in dimensions},
        "weekly": weekly(db, weeks=weeks, now=now),
    }
