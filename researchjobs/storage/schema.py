"""The schema, as versioned sqlite-utils migrations. Append; never edit an applied one."""

from __future__ import annotations

import sqlite_utils
from sqlite_utils import Migrations

from researchjobs.posting import FACT_COLUMNS, POSTING_FIELDS

MIGRATIONS = Migrations("researchjobs")

_POSTING_TYPES: dict[str, type] = {
    "date_published_is_lower_bound": int,
}

#: Columns of ``postings`` beyond the Posting fields and facts.
BOOKKEEPING_COLUMNS: dict[str, type] = {
    "key": str,
    "first_seen": str,
    "last_seen": str,
    "changed_at": str,
    "closed_at": str,
    "content_hash": str,
    "last_run_id": str,
    # Raised inside the write transaction on every insert, change, close, reopen and
    # re-enrichment. Writes are serialised, so a reader's snapshot always holds every
    # posting up to its max(change_seq): a watermark that wall clocks cannot give.
    "change_seq": int,
}

FTS_COLUMNS = ("title", "employer", "description")


def posting_columns() -> dict[str, type]:
    columns: dict[str, type] = {"key": str}
    for name in POSTING_FIELDS:
        columns[name] = _POSTING_TYPES.get(name, str)
    columns.update(FACT_COLUMNS)
    columns.update(BOOKKEEPING_COLUMNS)
    return columns


@MIGRATIONS()
def m001_postings(db: sqlite_utils.Database) -> None:
    db["postings"].create(posting_columns(), pk="key", not_null={"title", "source_id"})
    for columns in (
        ["source_id", "closed_at"],
        ["last_seen"],
        ["first_seen"],
        ["date_published"],
        ["employer", "title"],
        ["url"],
        ["cluster_id"],
        ["role_family", "role_level"],
        ["state"],
        ["lat"],
        ["change_seq"],
    ):
        db["postings"].create_index(columns)
    # "Newest first" is the default order of `jobs`; without this it scans the table.
    db.execute("CREATE INDEX idx_postings_newest ON postings (COALESCE(date_published, first_seen))")
    db.execute(
        """CREATE VIRTUAL TABLE postings_fts USING fts5(
               title, employer, description,
               content="postings", content_rowid="rowid", tokenize='porter unicode61')"""
    )
    cols = ", ".join(FTS_COLUMNS)
    new_cols = ", ".join(f"new.{c}" for c in FTS_COLUMNS)
    old_cols = ", ".join(f"old.{c}" for c in FTS_COLUMNS)
    db.execute(
        f"""CREATE TRIGGER postings_ai AFTER INSERT ON postings BEGIN
              INSERT INTO postings_fts (rowid, {cols}) VALUES (new.rowid, {new_cols});
            END"""
    )
    db.execute(
        f"""CREATE TRIGGER postings_ad AFTER DELETE ON postings BEGIN
              INSERT INTO postings_fts (postings_fts, rowid, {cols})
              VALUES ('delete', old.rowid, {old_cols});
            END"""
    )
    # Only re-index when indexed text changes: last_seen updates happen every crawl.
    db.execute(
        f"""CREATE TRIGGER postings_au AFTER UPDATE OF {cols} ON postings BEGIN
              INSERT INTO postings_fts (postings_fts, rowid, {cols})
              VALUES ('delete', old.rowid, {old_cols});
              INSERT INTO postings_fts (rowid, {cols}) VALUES (new.rowid, {new_cols});
            END"""
    )
    db["posting_history"].create(
        {
            "id": int,
            "posting_key": str,
            "at": str,
            "change": str,  # new | updated | closed | reopened
            "fields": str,  # JSON list of changed fields
            "run_id": str,
        },
        pk="id",
    )
    db["posting_history"].create_index(["posting_key"])
    db["crawl_runs"].create(
        {
            "run_id": str,
            "source_id": str,
            "family": str,
            "started": str,
            "finished": str,
            "outcome": str,  # running | ok | partial | failed | skipped | interrupted
            "complete": int,
            "seen": int,
            "new": int,
            "updated": int,
            "closed": int,
            "errors": int,
            "error_summary": str,
            "stats_json": str,
        },
        pk="run_id",
    )
    db["crawl_runs"].create_index(["source_id", "started"])


# ---------------------------------------------------------------- digests (m020+)


@MIGRATIONS()
def m020_digests(db: sqlite_utils.Database) -> None:
    """The digest ledger: one row per message, written *before* delivery is attempted.

    ``message`` keeps the exact bytes so a retry sends the same Message-ID and content.
    At most one daily digest per profile and local date (partial unique index), and a
    dedupe cluster is handed to a profile at most once (unique index on digest_items).
    """
    db.execute(
        """CREATE TABLE digests (
               id INTEGER PRIMARY KEY,
               profile TEXT NOT NULL,
               kind TEXT NOT NULL,              -- daily | manual
               local_date TEXT NOT NULL,        -- YYYY-MM-DD in the profile's time zone
               channel TEXT NOT NULL,           -- outbox | smtp
               state TEXT NOT NULL,             -- pending | sending | sent | uncertain | failed | skipped
               message_id TEXT UNIQUE,
               recipient TEXT,
               subject TEXT,
               item_count INTEGER NOT NULL DEFAULT 0,
               eligible_count INTEGER NOT NULL DEFAULT 0,
               message BLOB,
               html TEXT,
               created_at TEXT NOT NULL,
               updated_at TEXT NOT NULL,
               sent_at TEXT,
               attempts INTEGER NOT NULL DEFAULT 0,
               last_error TEXT,
               claimed_by TEXT,
               outbox_file TEXT
           )"""
    )
    db.execute("CREATE UNIQUE INDEX digests_one_daily ON digests (profile, local_date) WHERE kind = 'daily'")
    db.execute("CREATE INDEX digests_profile_state ON digests (profile, state)")
    db.execute(
        """CREATE TABLE digest_items (
               digest_id INTEGER NOT NULL REFERENCES digests (id),
               profile TEXT NOT NULL,
               posting_key TEXT NOT NULL,
               cluster_id TEXT NOT NULL,
               position INTEGER NOT NULL,
               eligible INTEGER,
               score REAL,
               item_json TEXT NOT NULL,
               PRIMARY KEY (digest_id, posting_key)
           )"""
    )
    db.execute("CREATE UNIQUE INDEX digest_items_cluster ON digest_items (profile, cluster_id)")
    db.execute("CREATE INDEX digest_items_key ON digest_items (profile, posting_key)")


# ---------------------------------------------------------------- matches (m010+)


@MIGRATIONS()
def m010_matches(db: sqlite_utils.Database) -> None:
    """One row per (profile, posting) the matcher judged relevant: eligibility, score, reasons.

    ``matched_at`` moves only when the result changes in substance (eligibility, gates,
    or the posting itself), so "new since the last digest" survives a rescoring;
    ``first_matched_at`` never moves; ``scored_at`` is the last computation.
    """
    db.execute(
        """CREATE TABLE matches (
               profile TEXT NOT NULL,
               posting_key TEXT NOT NULL REFERENCES postings (key),
               eligible INTEGER NOT NULL,
               gates TEXT NOT NULL,             -- JSON [{"gate": ..., "reason": ...}]
               score REAL NOT NULL,             -- 0-100
               components TEXT NOT NULL,        -- JSON {component: points}
               reasons TEXT NOT NULL,           -- JSON ["+ entry-level CRC", ...]
               matched_at TEXT NOT NULL,
               posting_changed_at TEXT,
               first_matched_at TEXT NOT NULL,
               scored_at TEXT NOT NULL,
               PRIMARY KEY (profile, posting_key)
           )"""
    )
    db.execute("CREATE INDEX matches_rank ON matches (profile, eligible, score DESC)")
    db.execute("CREATE INDEX matches_recent ON matches (profile, matched_at)")
    db.execute("CREATE INDEX matches_posting ON matches (posting_key)")


@MIGRATIONS()
def m011_match_runs(db: sqlite_utils.Database) -> None:
    """Per-profile matching state: what the last run saw, so the next one can be incremental."""
    db.execute(
        """CREATE TABLE match_runs (
               profile TEXT PRIMARY KEY,
               profile_hash TEXT NOT NULL,
               last_run_at TEXT NOT NULL,
               last_full_at TEXT,
               enrich_versions TEXT,            -- JSON list seen by the last run
               summary TEXT                     -- JSON of the last run's MatchSummary
           )"""
    )


@MIGRATIONS()
def m012_match_runs_seq(db: sqlite_utils.Database) -> None:
    """The postings.change_seq watermark each profile's last run saw (NULL: time-based runs)."""
    db.execute("ALTER TABLE match_runs ADD COLUMN last_seq INTEGER")


# ---------------------------------------------------------------- crawl outcomes (m050+)


@MIGRATIONS()
def m050_crawl_run_cause(db: sqlite_utils.Database) -> None:
    """Why a run ended as it did (``cause``: offline, moved, blocked, wrong_identifier …) and a
    note for the reader (a suspicious drop, a followed move): what source health is built from."""
    db.execute("ALTER TABLE crawl_runs ADD COLUMN cause TEXT")
    db.execute("ALTER TABLE crawl_runs ADD COLUMN note TEXT")
