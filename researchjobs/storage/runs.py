"""The ``crawl_runs`` ledger: one row per source per crawl, written at start and end.

``scrapy crawl`` exits 0 even when everything failed, so this table, not the exit
code, is how the CLI and the scheduler learn what happened.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

import sqlite_utils

from researchjobs.storage.db import immediate

OUTCOMES = ("running", "ok", "suspicious", "moved", "offline", "partial", "failed", "skipped", "interrupted")

#: A batch id names a crawl's runs (``BATCH:SOURCE``) and its log file (``crawl-BATCH.log``).
BATCH_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,63}")


def check_batch_id(batch_id: str) -> str:
    if not BATCH_ID.fullmatch(batch_id):
        raise ValueError(
            f"--batch-id {batch_id[:70]!r} must be 1-64 letters, digits, '-' or '_' (it names the log file)"
        )
    return batch_id


def batch_runs(db: sqlite_utils.Database, batch_id: str) -> int:
    """How many runs were recorded under this batch id already."""
    prefix = f"{batch_id}:"
    row = db.conn.execute(
        "SELECT COUNT(*) FROM crawl_runs WHERE substr(run_id, 1, ?) = ?", [len(prefix), prefix]
    ).fetchone()
    return int(row[0])


@dataclass
class RunResult:
    outcome: str
    complete: bool
    seen: int = 0
    new: int = 0
    updated: int = 0
    closed: int = 0
    errors: list[str] = field(default_factory=list)
    stats: dict[str, Any] = field(default_factory=dict)
    #: Jobs skipped as unreadable: shown with the run, but not failures (``errors`` counts failures).
    warnings: list[str] = field(default_factory=list)
    cause: str | None = None
    note: str | None = None


def start_run(db: sqlite_utils.Database, run_id: str, source_id: str, family: str, now: str) -> None:
    with immediate(db) as conn:
        # A run of this source that never finished was killed: say so, close nothing.
        conn.execute(
            "UPDATE crawl_runs SET outcome = 'interrupted', finished = ?"
            " WHERE source_id = ? AND outcome = 'running'",
            [now, source_id],
        )
        conn.execute(
            "INSERT OR REPLACE INTO crawl_runs (run_id, source_id, family, started, outcome,"
            " complete, seen, new, updated, closed, errors) VALUES (?, ?, ?, ?, 'running', 0,"
            " 0, 0, 0, 0, 0)",
            [run_id, source_id, family, now],
        )


def finish_run(db: sqlite_utils.Database, run_id: str, result: RunResult, now: str) -> None:
    summary = "; ".join(dict.fromkeys([*result.errors, *_warning_summary(result.warnings)]))[:2000] or None
    with immediate(db) as conn:
        conn.execute(
            "UPDATE crawl_runs SET finished = ?, outcome = ?, complete = ?, seen = ?, new = ?,"
            " updated = ?, closed = ?, errors = ?, error_summary = ?, stats_json = ?, cause = ?,"
            " note = ? WHERE run_id = ?",
            [
                now,
                result.outcome,
                int(result.complete),
                result.seen,
                result.new,
                result.updated,
                result.closed,
                len(result.errors),
                summary,
                json.dumps(result.stats, default=str, sort_keys=True),
                result.cause,
                result.note,
                run_id,
            ],
        )


def _warning_summary(warnings: list[str]) -> list[str]:
    if not warnings:
        return []
    count = len(warnings)
    return [f"warning: {count} job{'s' if count != 1 else ''} skipped as unreadable ({'; '.join(warnings[:3])})"]


def runs_for(db: sqlite_utils.Database, run_ids: list[str]) -> list[dict[str, Any]]:
    if not run_ids:
        return []
    marks = ", ".join("?" for _ in run_ids)
    return list(db.query(f"SELECT * FROM crawl_runs WHERE run_id IN ({marks})", run_ids))


def last_runs(db: sqlite_utils.Database, skip: tuple[str, ...] = ()) -> list[dict[str, Any]]:
    """Each source's latest run, passing over runs with an outcome in ``skip``."""
    where = f"WHERE outcome NOT IN ({', '.join('?' for _ in skip)})" if skip else ""
    return list(
        db.query(
            f"""SELECT r.* FROM crawl_runs r
               JOIN (SELECT source_id, MAX(started) AS started FROM crawl_runs {where} GROUP BY source_id) m
                 ON r.source_id = m.source_id AND r.started = m.started
               ORDER BY r.source_id""",
            list(skip),
        )
    )


def previous_complete_outcome(db: sqlite_utils.Database, source_id: str, run_id: str) -> str | None:
    """The outcome of the source's last complete crawl before ``run_id`` (``ok`` or ``suspicious``)."""
    row = db.execute(
        "SELECT outcome FROM crawl_runs WHERE source_id = ? AND run_id != ? AND complete = 1"
        " AND finished IS NOT NULL ORDER BY started DESC, rowid DESC LIMIT 1",
        [source_id, run_id],
    ).fetchone()
    return row[0] if row else None


def recent_runs(db: sqlite_utils.Database, per_source: int = 10) -> dict[str, list[dict[str, Any]]]:
    """Each source's last ``per_source`` finished runs, newest first (what source health reads)."""
    rows = db.query(
        """SELECT * FROM (
               SELECT run_id, source_id, family, started, finished, outcome, complete, seen, closed,
                      errors, error_summary, cause, note,
                      ROW_NUMBER() OVER (PARTITION BY source_id ORDER BY started DESC, rowid DESC) AS n
               FROM crawl_runs WHERE outcome != 'running')
           WHERE n <= ? ORDER BY source_id, n""",
        [per_source],
    )
    found: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        found.setdefault(row["source_id"], []).append(row)
    return found


def last_listed(db: sqlite_utils.Database) -> dict[str, str]:
    """When each source last listed at least one posting (the finish time of that crawl)."""
    return {
        row["source_id"]: row["at"]
        for row in db.query("SELECT source_id, MAX(finished) AS at FROM crawl_runs WHERE seen > 0 GROUP BY source_id")
    }
