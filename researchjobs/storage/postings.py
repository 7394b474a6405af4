"""Storing postings: batched upserts with history, and closing what a crawl no longer lists.

Postings are never deleted. A posting is closed only by ``close_missing``, which the
crawl pipeline calls only after a complete, successful crawl of that source.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import sqlite_utils

from researchjobs.posting import FACT_COLUMNS, POSTING_FIELDS, Posting
from researchjobs.storage.db import immediate
from researchjobs.storage.schema import posting_columns

#: Fields whose change means the posting itself changed (dates of observation do not).
CONTENT_FIELDS = (
    "title",
    "url",
    "employer",
    "department",
    "location_raw",
    "locations_raw",
    "workplace_raw",
    "employment_type",
    "valid_through_raw",
    "salary_raw",
    "base_salary",
    "description_html_raw",
    "apply_url",
)

COLUMNS = list(posting_columns())
FACT_NAMES = tuple(FACT_COLUMNS)


@dataclass
class UpsertCounts:
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    reopened: int = 0

    def add(self, other: UpsertCounts) -> None:
        self.new += other.new
        self.updated += other.updated
        self.unchanged += other.unchanged
        self.reopened += other.reopened


def _json(value: Any) -> Any:
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    if isinstance(value, bool):
        return int(value)
    return value


def content_hash(posting: Posting) -> str:
    parts = [_json(getattr(posting, name)) for name in CONTENT_FIELDS]
    blob = json.dumps(parts, ensure_ascii=False, default=str)
    return hashlib.sha1(blob.encode("utf-8")).hexdigest()


def posting_row(posting: Posting, facts: dict[str, Any] | None = None) -> dict[str, Any]:
    # getattr, not dataclasses.asdict: asdict deep-copies every list and dict (3x slower).
    row = {name: _json(getattr(posting, name)) for name in POSTING_FIELDS}
    row["key"] = posting.key
    row["content_hash"] = content_hash(posting)
    for name in FACT_NAMES:
        row[name] = _json((facts or {}).get(name))
    return row


def _relative_date(row: dict[str, Any]) -> bool:
    raw = str(row.get("date_published_raw") or "").lower()
    return bool(row.get("date_published_is_lower_bound")) or "ago" in raw or "today" in raw


def upsert_rows(
    db: sqlite_utils.Database,
    rows: Sequence[dict[str, Any]],
    *,
    now: str,
    run_id: str | None = None,
    cluster_for: Any = None,
) -> UpsertCounts:
    """Insert new rows, update changed ones, touch last_seen on the rest: one transaction.

    ``cluster_for(conn, row)`` returns a dedupe cluster id for a new row (default: its key).
    """
    counts = UpsertCounts()
    if not rows:
        return counts
    # The last row for a key wins within one batch (a board may list a job twice).
    by_key: dict[str, dict[str, Any]] = {}
    for row in rows:
        by_key[row["key"]] = row
    with immediate(db) as conn:
        seq = next_change_seq(conn)
        existing = _existing(conn, list(by_key))
        inserts, updates, touches, history = [], [], [], []
        for key, row in by_key.items():
            old = existing.get(key)
            if old is None:
                row = dict(row, first_seen=now, last_seen=now, changed_at=now, closed_at=None, change_seq=seq)
                row["last_run_id"] = run_id
                row["cluster_id"] = cluster_for(conn, row) if cluster_for else key
                inserts.append(row)
                history.append((key, now, "new", None, run_id))
                counts.new += 1
                continue
            reopened = old["closed_at"] is not None
            if reopened:
                history.append((key, now, "reopened", None, run_id))
                counts.reopened += 1
            lost_text = old["has_text"] and row.get("description_html_raw") is None and not row.get("description")
            if old["content_hash"] != row["content_hash"] and not lost_text:
                changed = _changed_fields(conn, key, row)
                row = dict(row, last_seen=now, changed_at=now, closed_at=None, last_run_id=run_id, change_seq=seq)
                if _relative_date(row) and old["date_published"]:
                    row["date_published"] = old["date_published"]
                    row["date_published_raw"] = old["date_published_raw"]
                row["cluster_id"] = old["cluster_id"] or key
                updates.append(row)
                history.append((key, now, "updated", json.dumps(changed), run_id))
                counts.updated += 1
            else:
                # Unchanged, or only a thinner copy (a list entry whose detail request failed):
                # keep the fuller stored text and facts, just note that it is still listed.
                touches.append((now, run_id, seq if reopened else None, key))
                counts.unchanged += 1
        if inserts:
            placeholders = ", ".join("?" for _ in COLUMNS)
            conn.executemany(
                f"INSERT INTO postings ({', '.join(COLUMNS)}) VALUES ({placeholders})",
                [[r.get(c) for c in COLUMNS] for r in inserts],
            )
        if updates:
            settable = [c for c in COLUMNS if c not in ("key", "first_seen")]
            assignments = ", ".join(f"{c} = ?" for c in settable)
            conn.executemany(
                f"UPDATE postings SET {assignments} WHERE key = ?",
                [[r.get(c) for c in settable] + [r["key"]] for r in updates],
            )
        if touches:
            conn.executemany(
                "UPDATE postings SET last_seen = ?, last_run_id = ?, closed_at = NULL,"
                " change_seq = COALESCE(?, change_seq) WHERE key = ?",
                touches,
            )
        if history:
            conn.executemany(
                "INSERT INTO posting_history (posting_key, at, change, fields, run_id)"
                " VALUES (?, ?, ?, ?, ?)",
                history,
            )
    return counts


def next_change_seq(conn: Any) -> int:
    """The sequence number for this write transaction (call only inside ``immediate``)."""
    return int(conn.execute("SELECT COALESCE(MAX(change_seq), 0) + 1 FROM postings").fetchone()[0])


def _existing(conn: Any, keys: list[str]) -> dict[str, dict[str, Any]]:
    found: dict[str, dict[str, Any]] = {}
    for start in range(0, len(keys), 500):
        chunk = keys[start : start + 500]
        marks = ", ".join("?" for _ in chunk)
        cursor = conn.execute(
            "SELECT key, content_hash, closed_at, date_published, date_published_raw, cluster_id,"
            " (description_html_raw IS NOT NULL OR description IS NOT NULL) AS has_text"
            f" FROM postings WHERE key IN ({marks})",
            chunk,
        )
        names = [d[0] for d in cursor.description]
        for values in cursor:
            found[values[0]] = dict(zip(names, values, strict=True))
    return found


def _changed_fields(conn: Any, key: str, row: dict[str, Any]) -> list[str]:
    cursor = conn.execute(
        f"SELECT {', '.join(CONTENT_FIELDS)} FROM postings WHERE key = ?", [key]
    )
    old = cursor.fetchone()
    return [name for name, value in zip(CONTENT_FIELDS, old, strict=True) if value != row.get(name)]


def closing_evidence(db: sqlite_utils.Database, source_id: str, seen_keys: Iterable[str]) -> tuple[int, int]:
    """(open postings of a source, how many of them a listing of ``seen_keys`` lacks)."""
    seen = set(seen_keys)
    open_keys = [
        r[0]
        for r in db.conn.execute(
            "SELECT key FROM postings WHERE source_id = ? AND closed_at IS NULL", [source_id]
        )
    ]
    return len(open_keys), sum(1 for key in open_keys if key not in seen)


def close_missing(
    db: sqlite_utils.Database, source_id: str, seen_keys: Iterable[str], *, now: str, run_id: str
) -> int:
    """Close open postings of a source that a complete, successful crawl did not list."""
    with immediate(db) as conn:
        conn.execute("CREATE TEMP TABLE IF NOT EXISTS seen_keys (key TEXT PRIMARY KEY)")
        conn.execute("DELETE FROM seen_keys")
        conn.executemany("INSERT OR IGNORE INTO seen_keys VALUES (?)", [(k,) for k in seen_keys])
        gone = [
            r[0]
            for r in conn.execute(
                "SELECT key FROM postings WHERE source_id = ? AND closed_at IS NULL"
                " AND key NOT IN (SELECT key FROM seen_keys)",
                [source_id],
            )
        ]
        seq = next_change_seq(conn)
        conn.executemany(
            "UPDATE postings SET closed_at = ?, change_seq = ? WHERE key = ?", [(now, seq, k) for k in gone]
        )
        conn.executemany(
            "INSERT INTO posting_history (posting_key, at, change, fields, run_id)"
            " VALUES (?, ?, 'closed', NULL, ?)",
            [(k, now, run_id) for k in gone],
        )
        conn.execute("DELETE FROM seen_keys")
    return len(gone)


def update_facts(db: sqlite_utils.Database, facts_by_key: dict[str, dict[str, Any]]) -> int:
    """Write re-enriched facts without touching observation dates or history."""
    if not facts_by_key:
        return 0
    assignments = ", ".join(f"{c} = ?" for c in FACT_NAMES if c != "cluster_id")
    names = [c for c in FACT_NAMES if c != "cluster_id"]
    with immediate(db) as conn:
        seq = next_change_seq(conn)
        conn.executemany(
            f"UPDATE postings SET {assignments}, change_seq = ? WHERE key = ?",
            [[_json(f.get(c)) for c in names] + [seq, k] for k, f in facts_by_key.items()],
        )
    return len(facts_by_key)


_JSON_FIELDS = ("locations_raw", "base_salary", "extra")


def row_to_posting(row: dict[str, Any]) -> Posting:
    """A stored row back into the Posting the pipeline saw (JSON columns decoded)."""
    data = {name: row.get(name) for name in POSTING_FIELDS}
    for name in _JSON_FIELDS:
        value = data.get(name)
        if isinstance(value, str):
            try:
                data[name] = json.loads(value)
            except ValueError:
                data[name] = None
    data["locations_raw"] = data.get("locations_raw") or []
    data["extra"] = data.get("extra") or {}
    data["date_published_is_lower_bound"] = bool(data.get("date_published_is_lower_bound"))
    return Posting.from_dict(data)


def stale_enrichment(db: sqlite_utils.Database, version: str, batch: int = 500) -> Iterable[list[dict[str, Any]]]:
    """Stored postings whose facts came from another extractor version, in batches."""
    last = ""
    while True:
        rows = list(
            db.query(
                "SELECT * FROM postings WHERE key > ? AND (enrich_version IS NULL OR enrich_version != ?)"
                " ORDER BY key LIMIT ?",
                [last, version, batch],
            )
        )
        if not rows:
            return
        yield rows
        last = rows[-1]["key"]
