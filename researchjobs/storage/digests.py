"""Every SQL statement of the digest ledger (tables made by ``m020_digests``).

The ledger is what makes delivery exactly-once: a digest row and its items are
committed *before* any delivery is attempted, the message bytes are kept so a retry
is byte-identical, and state moves only forward through compare-and-set updates::

    pending ──claim──> sending ──> sent
       ^                  │
       └── definite fail ─┘ (server refused, nothing accepted)
    sending, owner dead ──> uncertain   (may have gone out: never resent automatically)
    pending ──permanent fail──> failed  (its items are released for the next digest)
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import sqlite_utils

from researchjobs.storage.db import immediate
from researchjobs.storage.links import SPONSOR_SQL
from researchjobs.storage.trials import insert_digest_sites, release_digest_sites

#: Finds research-site leads inside the reserving transaction: (connection, previous digest time) → leads.
SitesQuery = Callable[[sqlite3.Connection, str | None], list[Any]]

#: States in which a digest still owes a delivery attempt or an answer.
OPEN_STATES = ("pending", "sending")

#: Posting and match columns a digest item is built from.
CANDIDATE_SQL = """
WITH sent_keys AS (
    SELECT posting_key FROM digest_items WHERE profile = :profile
),
sent_clusters AS (
    SELECT cluster_id FROM digest_items WHERE profile = :profile
    UNION
    SELECT COALESCE(q.cluster_id, q.key) FROM digest_items d JOIN postings q ON q.key = d.posting_key
    WHERE d.profile = :profile
)
SELECT m.posting_key AS posting_key, m.eligible AS eligible, m.score AS score, m.gates AS gates,
       m.components AS components, m.reasons AS reasons, m.matched_at AS matched_at,
       p.title, p.employer, p.url, p.apply_url, p.location_raw, p.city, p.state, p.country, p.remote,
       p.salary_min, p.salary_max, p.salary_currency, p.salary_period, p.salary_annual_min,
       p.date_published, p.first_seen, p.role_family, p.role_level, p.visa, p.visa_evidence,
       p.cap_exempt, p.cap_exempt_reason, p.experience_required_months, p.certifications_required,
       p.languages, p.licence_required, p.description, p.description_html, p.source_id,
       COALESCE(p.cluster_id, p.key) AS cluster_id, {sponsor}
FROM matches m JOIN postings p ON p.key = m.posting_key
WHERE m.profile = :profile
  AND p.closed_at IS NULL
  AND COALESCE(m.score, 0) >= :min_score
  -- open-to-you jobs wait until sent; the others are shown only while new
  AND (m.eligible = 1 OR :since IS NULL OR m.matched_at > :since)
  AND m.posting_key NOT IN sent_keys
  AND COALESCE(p.cluster_id, p.key) NOT IN sent_clusters
ORDER BY m.eligible DESC, m.score DESC, COALESCE(p.date_published, p.first_seen) DESC, p.key
LIMIT :scan
""".replace("{sponsor}", SPONSOR_SQL)


@dataclass
class Draft:
    """What ``reserve`` commits: one digest row and its items."""

    state: str  # pending (to deliver) or skipped (nothing to send today)
    subject: str | None = None
    recipient: str | None = None
    message_id: str | None = None
    message: bytes | None = None
    html: str | None = None
    #: One dict per job: posting_key, cluster_id, eligible, score, item (the JSON snapshot).
    items: list[dict[str, Any]] = field(default_factory=list)
    #: One dict per research site shown ("Research sites near you"): site_id, item.
    sites: list[dict[str, Any]] = field(default_factory=list)

    @property
    def eligible_count(self) -> int:
        return sum(1 for i in self.items if i.get("eligible"))


@dataclass
class Context:
    """What the caller's ``build`` sees inside the reserving transaction."""

    candidates: list[dict[str, Any]]
    digests_today: int  # digests of any kind already made for this profile and local date
    last_created: str | None  # when the previous digest for this profile was made
    sites: list[Any] = field(default_factory=list)  # what ``sites_query`` found (research-site leads)


def reserve(
    db: sqlite_utils.Database,
    *,
    profile: str,
    kind: str,
    local_date: str,
    channel: str,
    now: str,
    build: Callable[[Context], Draft | None],
    min_score: float = 0.0,
    scan: int = 500,
    sites_query: SitesQuery | None = None,
) -> int | None:
    """Select unsent matches, build the message and commit it with its items, atomically.

    One ``BEGIN IMMEDIATE`` transaction around select + insert means two processes
    cannot hand out the same cluster; the unique indexes are the backstop. Returns
    the new digest id, or None when ``build`` declined or today's daily one exists.
    """
    with immediate(db) as conn:
        if kind == "daily" and daily_exists(conn, profile, local_date):
            return None
        draft = build(_context(conn, profile, local_date, min_score, scan, sites_query))
        if draft is None:
            return None
        cursor = conn.execute(
            "INSERT INTO digests (profile, kind, local_date, channel, state, message_id, recipient, subject,"
            " item_count, eligible_count, message, html, created_at, updated_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [profile, kind, local_date, channel, draft.state, draft.message_id, draft.recipient, draft.subject,
             len(draft.items), draft.eligible_count, draft.message, draft.html, now, now],
        )  # fmt: skip
        digest_id = int(cursor.lastrowid or 0)
        conn.executemany(
            "INSERT INTO digest_items (digest_id, profile, posting_key, cluster_id, position, eligible, score,"
            " item_json) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (digest_id, profile, i["posting_key"], i["cluster_id"], n, int(bool(i.get("eligible"))),
                 i.get("score"), json.dumps(i["item"], ensure_ascii=False, sort_keys=True))
                for n, i in enumerate(draft.items)
            ],
        )  # fmt: skip
        if draft.sites:
            insert_digest_sites(conn, digest_id, profile, draft.sites, now)
    return digest_id


def preview(
    db: sqlite_utils.Database, profile: str, local_date: str, *, min_score: float = 0.0, scan: int = 500,
    sites_query: SitesQuery | None = None,
) -> Context:
    """What ``reserve`` would hand to ``build``, without writing anything (dry runs)."""
    return _context(db.conn, profile, local_date, min_score, scan, sites_query)


def _context(conn: sqlite3.Connection, profile: str, local_date: str, min_score: float, scan: int,
             sites_query: SitesQuery | None = None) -> Context:  # fmt: skip
    last = last_created(conn, profile)
    params = {"profile": profile, "min_score": min_score, "scan": scan, "since": last}
    today = conn.execute(
        "SELECT COUNT(*) FROM digests WHERE profile = ? AND local_date = ? AND state != 'failed'",
        [profile, local_date],
    ).fetchone()[0]
    sites = sites_query(conn, last) if sites_query is not None else []
    return Context(_rows(conn, CANDIDATE_SQL, params), today, last, sites)


def last_created(conn: sqlite3.Connection, profile: str) -> str | None:
    """When this profile's previous digest (or skipped day) was made: "new" means after it."""
    row = conn.execute(
        "SELECT MAX(created_at) FROM digests WHERE profile = ? AND state != 'failed'", [profile]
    )
    return row.fetchone()[0]


def daily_exists(conn: sqlite3.Connection, profile: str, local_date: str) -> bool:
    row = conn.execute(
        "SELECT 1 FROM digests WHERE profile = ? AND local_date = ? AND kind = 'daily'", [profile, local_date]
    ).fetchone()
    return row is not None


def has_daily(db: sqlite_utils.Database, profile: str, local_date: str) -> bool:
    return daily_exists(db.conn, profile, local_date)


def get(db: sqlite_utils.Database, digest_id: int) -> dict[str, Any] | None:
    rows = _rows(db.conn, "SELECT * FROM digests WHERE id = ?", [digest_id])
    return rows[0] if rows else None


def open_digests(db: sqlite_utils.Database, profile: str, channel: str | None = None) -> list[dict[str, Any]]:
    """Pending (and in-flight) digests of a profile, oldest first."""
    sql = "SELECT * FROM digests WHERE profile = ? AND state IN ('pending', 'sending')"
    params: list[Any] = [profile]
    if channel is not None:
        sql += " AND channel = ?"
        params.append(channel)
    return _rows(db.conn, sql + " ORDER BY id", params)


def in_flight(db: sqlite_utils.Database) -> list[dict[str, Any]]:
    return _rows(
        db.conn, "SELECT id, profile, claimed_by, updated_at FROM digests WHERE state = 'sending'", []
    )


def claim(db: sqlite_utils.Database, digest_id: int, owner: str, now: str) -> bool:
    """pending → sending, only if nobody else got there first (compare-and-set)."""
    with immediate(db) as conn:
        cursor = conn.execute(
            "UPDATE digests SET state = 'sending', claimed_by = ?, attempts = attempts + 1, updated_at = ?"
            " WHERE id = ? AND state = 'pending'",
            [owner, now, digest_id],
        )
        return cursor.rowcount == 1


def mark_sent(db: sqlite_utils.Database, digest_id: int, now: str, outbox_file: str | None = None) -> bool:
    """True when this call recorded the delivery; False when another run already had."""
    with immediate(db) as conn:
        cursor = conn.execute(
            "UPDATE digests SET state = 'sent', sent_at = ?, updated_at = ?, last_error = NULL,"
            " outbox_file = COALESCE(?, outbox_file) WHERE id = ? AND state IN ('pending', 'sending', 'uncertain')",
            [now, now, outbox_file, digest_id],
        )
        return cursor.rowcount == 1


def mark_retry(
    db: sqlite_utils.Database, digest_id: int, error: str, now: str, *, counted: bool = True
) -> None:
    """A definite failure: nothing was accepted, so the same bytes may be sent again later."""
    with immediate(db) as conn:
        conn.execute(
            "UPDATE digests SET state = 'pending', last_error = ?, updated_at = ?, claimed_by = NULL,"
            f" attempts = attempts + {1 if counted else 0} WHERE id = ? AND state IN ('pending', 'sending')",
            [error[:500], now, digest_id],
        )


def mark_failed(db: sqlite_utils.Database, digest_id: int, error: str, now: str) -> None:
    """Refused for good (e.g. recipient rejected): release its items for a later digest."""
    with immediate(db) as conn:
        conn.execute(
            "UPDATE digests SET state = 'failed', last_error = ?, updated_at = ?, claimed_by = NULL"
            " WHERE id = ? AND state IN ('pending', 'sending')",
            [error[:500], now, digest_id],
        )
        conn.execute("DELETE FROM digest_items WHERE digest_id = ?", [digest_id])
        release_digest_sites(conn, digest_id)


def mark_uncertain(db: sqlite_utils.Database, digest_id: int, error: str, now: str) -> bool:
    with immediate(db) as conn:
        cursor = conn.execute(
            "UPDATE digests SET state = 'uncertain', last_error = ?, updated_at = ? WHERE id = ? AND state = 'sending'",
            [error[:500], now, digest_id],
        )
        return cursor.rowcount == 1


def requeue_uncertain(db: sqlite_utils.Database, profiles: Iterable[str], now: str) -> int:
    """The user's explicit 'send those again': uncertain → pending."""
    names = list(profiles)
    if not names:
        return 0
    marks = ", ".join("?" for _ in names)
    with immediate(db) as conn:
        cursor = conn.execute(
            f"UPDATE digests SET state = 'pending', claimed_by = NULL, updated_at = ?"
            f" WHERE state = 'uncertain' AND profile IN ({marks})",
            [now, *names],
        )
        return cursor.rowcount


def uncertain(db: sqlite_utils.Database, profile: str) -> list[dict[str, Any]]:
    return _rows(
        db.conn,
        "SELECT id, profile, message_id, local_date, last_error FROM digests WHERE profile = ? AND state = 'uncertain'"
        " ORDER BY id",
        [profile],
    )


def feed_items(db: sqlite_utils.Database, profile: str, limit: int = 100) -> list[dict[str, Any]]:
    """What this profile's digests handed out, newest first, as snapshotted at the time."""
    return _rows(
        db.conn,
        """SELECT i.item_json, i.posting_key, i.eligible, i.score, d.created_at, d.id AS digest_id
           FROM digest_items i JOIN digests d ON d.id = i.digest_id
           WHERE i.profile = ? AND d.state != 'failed'
           ORDER BY d.id DESC, i.position LIMIT ?""",
        [profile, limit],
    )


def last_digests(db: sqlite_utils.Database) -> list[dict[str, Any]]:
    """The newest digest of each profile, with how many are still owed or uncertain."""
    return _rows(
        db.conn,
        """SELECT d.profile, d.kind, d.local_date, d.channel, d.state, d.item_count, d.eligible_count,
                  d.created_at, d.sent_at, d.message_id, d.last_error,
                  (SELECT COUNT(*) FROM digests o WHERE o.profile = d.profile AND o.state IN ('pending', 'sending'))
                      AS open_count,
                  (SELECT COUNT(*) FROM digests u WHERE u.profile = d.profile AND u.state = 'uncertain')
                      AS uncertain_count
           FROM digests d
           WHERE d.id = (SELECT MAX(id) FROM digests x WHERE x.profile = d.profile)
           ORDER BY d.profile""",
        [],
    )


def last_daily(db: sqlite_utils.Database, profile: str) -> dict[str, Any] | None:
    rows = _rows(
        db.conn,
        "SELECT local_date, state, created_at FROM digests WHERE profile = ? AND kind = 'daily' ORDER BY id DESC LIMIT 1",
        [profile],
    )
    return rows[0] if rows else None


def _rows(conn: sqlite3.Connection, sql: str, params: Sequence[Any] | dict[str, Any]) -> list[dict[str, Any]]:
    cursor = conn.execute(sql, params)
    names = [c[0] for c in cursor.description or ()]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
