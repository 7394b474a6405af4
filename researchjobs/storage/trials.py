"""Every SQL statement about research sites and their trials (tables from ``m090_trial_sites``).

Rows are never deleted. A (site, trial) row is closed only by ``close_missing_in_area``,
which the crawl pipeline calls only after a complete, successful crawl of an area, and
only for sites inside that area: a crawl of Boston is no evidence about Houston.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import sqlite_utils

from researchjobs.storage.db import immediate
from researchjobs.storage.queries import Near, haversine_miles

DATASET = "ctgov"
SITE_COLUMNS = ("site_id", "facility", "name_key", "name_kind", "city", "state", "state_raw", "zip", "country",
                "lat", "lon")  # fmt: skip
TRIAL_COLUMNS = ("site_id", "nct_id", "title", "phases", "conditions", "lead_sponsor", "sponsor_class",
                 "overall_status", "site_status", "contacts", "study_first_posted", "study_last_updated")  # fmt: skip
#: Trial fields whose change counts as an update (observation dates do not).
CONTENT = TRIAL_COLUMNS[2:]
#: Links that count: the linker's own and people's confirmations.
USED_LINK = "l.status IN ('linked', 'confirmed')"


@dataclass
class TrialCounts:
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    reopened: int = 0
    new_sites: int = 0


def _rows(conn: sqlite3.Connection, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> list[dict[str, Any]]:
    cursor = conn.execute(sql, params)
    names = [c[0] for c in cursor.description or ()]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


# ---------------------------------------------------------------- writing (the crawl pipeline)


def upsert(db: sqlite_utils.Database, pairs: Sequence[tuple[dict[str, Any], dict[str, Any]]], *,
           now: str, run_id: str) -> TrialCounts:  # fmt: skip
    """Store (site, trial) rows seen open by a crawl: new, changed, reopened or merely seen again."""
    counts = TrialCounts()
    if not pairs:
        return counts
    site_cols = ", ".join(SITE_COLUMNS)
    site_marks = ", ".join("?" for _ in SITE_COLUMNS)
    site_updates = ", ".join(f"{c} = excluded.{c}" for c in SITE_COLUMNS[1:])
    with immediate(db) as conn:
        for site, trial in pairs:
            known_site = conn.execute("SELECT 1 FROM trial_sites WHERE site_id = ?", [site["site_id"]]).fetchone()
            counts.new_sites += known_site is None
            conn.execute(
                f"INSERT INTO trial_sites ({site_cols}, first_seen, last_seen) VALUES ({site_marks}, ?, ?)"
                f" ON CONFLICT (site_id) DO UPDATE SET {site_updates}, last_seen = excluded.last_seen,"
                " closed_at = NULL",
                [site[c] for c in SITE_COLUMNS] + [now, now],
            )
            old = conn.execute(
                f"SELECT {', '.join(CONTENT)}, closed_at FROM site_trials WHERE site_id = ? AND nct_id = ?",
                [trial["site_id"], trial["nct_id"]],
            ).fetchone()
            values = [trial.get(c) for c in TRIAL_COLUMNS]
            if old is None:
                conn.execute(
                    f"INSERT INTO site_trials ({', '.join(TRIAL_COLUMNS)}, first_seen, last_seen, opened_at,"
                    f" last_run_id) VALUES ({', '.join('?' for _ in TRIAL_COLUMNS)}, ?, ?, ?, ?)",
                    [*values, now, now, now, run_id],
                )
                counts.new += 1
                continue
            reopened = old[-1] is not None
            changed = list(old[:-1]) != [trial.get(c) for c in CONTENT]
            assignments = ", ".join(f"{c} = ?" for c in CONTENT)
            conn.execute(
                f"UPDATE site_trials SET {assignments}, last_seen = ?, last_run_id = ?,"
                " opened_at = CASE WHEN closed_at IS NULL THEN opened_at ELSE ? END,"
                " closed_at = NULL, close_reason = NULL WHERE site_id = ? AND nct_id = ?",
                [*(trial.get(c) for c in CONTENT), now, run_id, now, trial["site_id"], trial["nct_id"]],
            )
            if reopened:
                counts.reopened += 1
            elif changed:
                counts.updated += 1
            else:
                counts.unchanged += 1
    return counts


def close_missing_in_area(
    db: sqlite_utils.Database,
    area: Near,
    seen: Iterable[tuple[str, str]],
    *,
    reason: Callable[[tuple[str, str]], str],
    now: str,
    run_id: str,
) -> int:
    """Close open (site, trial) rows of sites inside ``area`` that a complete crawl of it did
    not see recruiting (``reason`` words each), then sites left without an open trial.
    Returns how many (site, trial) rows were closed."""
    seen_set = set(seen)
    lat_lo, lat_hi, lon_lo, lon_hi = area.bounding_box()
    with immediate(db) as conn:
        candidates = conn.execute(
            "SELECT t.site_id, t.nct_id, s.lat, s.lon FROM site_trials t JOIN trial_sites s ON s.site_id = t.site_id"
            " WHERE t.closed_at IS NULL AND s.lat BETWEEN ? AND ? AND s.lon BETWEEN ? AND ?",
            [lat_lo, lat_hi, lon_lo, lon_hi],
        ).fetchall()
        gone = [
            (site_id, nct_id)
            for site_id, nct_id, lat, lon in candidates
            if (site_id, nct_id) not in seen_set
            and (haversine_miles(area.lat, area.lon, lat, lon) or 0.0) <= area.miles + 1e-9
        ]
        conn.executemany(
            "UPDATE site_trials SET closed_at = ?, close_reason = ?, last_run_id = ? WHERE site_id = ? AND nct_id = ?",
            [(now, reason(key), run_id, *key) for key in gone],
        )
        sites = sorted({site_id for site_id, _ in gone})
        conn.executemany(
            "UPDATE trial_sites SET closed_at = ? WHERE site_id = ? AND closed_at IS NULL"
            " AND NOT EXISTS (SELECT 1 FROM site_trials t WHERE t.site_id = trial_sites.site_id AND t.closed_at IS NULL)",
            [(now, s) for s in sites],
        )
    return len(gone)


def record_area(db: sqlite_utils.Database, area: dict[str, Any], *, run_id: str, outcome: str, complete: bool,
                now: str) -> None:  # fmt: skip
    """The area's last crawl, and its last complete one (the date every lead states)."""
    with immediate(db) as conn:
        conn.execute(
            "INSERT INTO trial_areas (area_id, label, lat, lon, miles, last_run_id, last_outcome, last_crawled,"
            " last_complete) VALUES (:area_id, :label, :lat, :lon, :miles, :run_id, :outcome, :now,"
            " CASE WHEN :complete THEN :now END)"
            " ON CONFLICT (area_id) DO UPDATE SET label = excluded.label, lat = excluded.lat, lon = excluded.lon,"
            " miles = excluded.miles, last_run_id = excluded.last_run_id, last_outcome = excluded.last_outcome,"
            " last_crawled = excluded.last_crawled,"
            " last_complete = COALESCE(excluded.last_complete, trial_areas.last_complete)",
            {**area, "run_id": run_id, "outcome": outcome, "now": now, "complete": int(complete)},
        )


# ---------------------------------------------------------------- reading


def facility_names(db: sqlite_utils.Database) -> list[str]:
    """Every distinct facility name stored (for linking)."""
    return [r[0] for r in db.conn.execute("SELECT DISTINCT facility FROM trial_sites ORDER BY facility")]


#: Open (site, trial) rows with the site's place and the employer its name links to.
_OPEN_TRIALS_SQL = f"""
SELECT s.site_id, s.facility, s.name_kind, s.city, s.state, s.zip, s.country, s.lat, s.lon,
       s.first_seen AS site_first_seen,
       t.nct_id, t.title, t.phases, t.conditions, t.lead_sponsor, t.sponsor_class, t.site_status,
       t.contacts, t.first_seen, t.last_seen, t.opened_at,
       l.employer_key, e.name AS employer, l.method AS link_method
FROM site_trials t
JOIN trial_sites s ON s.site_id = t.site_id
LEFT JOIN employer_links l ON l.dataset = '{DATASET}' AND l.external_key = s.name_key AND {USED_LINK}
LEFT JOIN employers e ON e.key = l.employer_key
WHERE t.closed_at IS NULL
"""


def open_trials_near(conn: sqlite3.Connection, circles: Sequence[Near], states: Sequence[str] = ()) -> list[dict[str, Any]]:
    """Open (site, trial) rows whose site lies in any circle or state, each with ``miles``
    (distance to the nearest circle's centre; None for a state-only match)."""
    clauses, params = [], []
    for circle in circles:
        lat_lo, lat_hi, lon_lo, lon_hi = circle.bounding_box()
        clauses.append("(s.lat BETWEEN ? AND ? AND s.lon BETWEEN ? AND ?)")
        params += [lat_lo, lat_hi, lon_lo, lon_hi]
    if states:
        clauses.append(f"s.state IN ({', '.join('?' for _ in states)})")
        params += list(states)
    if not clauses:
        return []
    rows = _rows(conn, _OPEN_TRIALS_SQL + f" AND ({' OR '.join(clauses)}) ORDER BY s.site_id, t.nct_id", params)
    out = []
    for row in rows:
        distances = [d for c in circles if (d := haversine_miles(c.lat, c.lon, row["lat"], row["lon"])) is not None
                     and d <= c.miles + 1e-9]  # fmt: skip
        if distances:
            row["miles"] = min(distances)
        elif row["state"] in states:
            row["miles"] = None
        else:
            continue
        out.append(row)
    return out


def employer_jobs(conn: sqlite3.Connection, employer_keys: Iterable[str]) -> dict[str, dict[str, Any]]:
    """Per employer key: the boards we crawl it from (sources of any of its postings), its open
    research postings (role family known and not 'other'), the newest one's first sighting and link."""
    keys = sorted(set(employer_keys))
    if not keys:
        return {}
    marks = ", ".join("?" for _ in keys)
    research = "p.closed_at IS NULL AND COALESCE(p.role_family, 'other') != 'other'"
    rows = _rows(
        conn,
        f"""SELECT n.employer_key, GROUP_CONCAT(DISTINCT p.source_id) AS boards,
                   SUM({research}) AS open_postings,
                   MAX(CASE WHEN {research} THEN p.first_seen END) AS newest_posting
            FROM postings p JOIN employer_names n ON n.name = p.employer
            WHERE n.employer_key IN ({marks})
            GROUP BY n.employer_key""",
        keys,
    )
    for row in rows:
        newest = conn.execute(
            f"SELECT p.url FROM postings p JOIN employer_names n ON n.name = p.employer"
            f" WHERE n.employer_key = ? AND {research} ORDER BY p.first_seen DESC, p.key LIMIT 1",
            [row["employer_key"]],
        ).fetchone()
        row["newest_posting_url"] = newest[0] if newest else None
    return {r["employer_key"]: r for r in rows}


def registry_employer_keys(conn: sqlite3.Connection, employer_keys: Iterable[str]) -> set[str]:
    """Those of the keys whose employer is in the source registry."""
    keys = sorted(set(employer_keys))
    if not keys:
        return set()
    marks = ", ".join("?" for _ in keys)
    rows = conn.execute(f"SELECT key FROM employers WHERE in_registry = 1 AND key IN ({marks})", keys)
    return {r[0] for r in rows}


def last_complete(conn: sqlite3.Connection) -> list[dict[str, Any]]:
    """Areas with a complete crawl, newest first: which searches the stored sites answer."""
    return _rows(conn, "SELECT * FROM trial_areas WHERE last_complete IS NOT NULL ORDER BY last_complete DESC")


# ---------------------------------------------------------------- digests


def shown_sites(conn: sqlite3.Connection, profile: str) -> dict[str, str]:
    """site_id → when a digest for this profile last showed it."""
    rows = conn.execute(
        "SELECT s.site_id, MAX(s.shown_at) FROM digest_sites s JOIN digests d ON d.id = s.digest_id"
        " WHERE s.profile = ? AND d.state != 'failed' GROUP BY s.site_id",
        [profile],
    )
    return {r[0]: r[1] for r in rows}


def insert_digest_sites(conn: sqlite3.Connection, digest_id: int, profile: str, sites: Sequence[dict[str, Any]],
                        now: str) -> None:  # fmt: skip
    """Inside the caller's (reserving) transaction."""
    conn.executemany(
        "INSERT INTO digest_sites (digest_id, profile, site_id, position, shown_at, item_json) VALUES (?, ?, ?, ?, ?, ?)",
        [(digest_id, profile, s["site_id"], n, now, json.dumps(s["item"], ensure_ascii=False, sort_keys=True))
         for n, s in enumerate(sites)],
    )  # fmt: skip


def release_digest_sites(conn: sqlite3.Connection, digest_id: int) -> None:
    """A digest refused for good shows nothing: its sites may come again."""
    conn.execute("DELETE FROM digest_sites WHERE digest_id = ?", [digest_id])
