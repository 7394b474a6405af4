"""The SQLite store: migrations, upserts with history, closing, read-only SQL."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from researchjobs.posting import Posting, canonical_url
from researchjobs.storage.db import StorageError, open_db
from researchjobs.storage.postings import close_missing, posting_row, upsert_rows
from researchjobs.storage.queries import JobFilter, fts_query, parse_since, search_jobs
from researchjobs.storage.readonly import RefusedStatementError, run_readonly


def posting(job_id: str, title: str = "Clinical Research Coordinator", **kw: object) -> Posting:
    return Posting(
        source_family="greenhouse",
        source_id="greenhouse:test",
        source_job_id=job_id,
        title=title,
        url=f"https://job-boards.greenhouse.io/test/jobs/{job_id}",
        employer=kw.pop("employer", "Harborview Clinical Research"),
        description=kw.pop("description", "Coordinate oncology trials; REDCap; GCP."),
        **kw,
    )


@pytest.fixture
def db(tmp_path: Path):
    database = open_db(tmp_path / "t.db")
    yield database
    database.conn.close()


def test_open_db_is_wal_and_migrated(db) -> None:
    assert db.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert {"postings", "posting_history", "crawl_runs", "postings_fts"} <= set(db.table_names())


def test_upsert_new_update_unchanged_and_history(db) -> None:
    rows = [posting_row(posting("1")), posting_row(posting("2", "Research Assistant I"))]
    counts = upsert_rows(db, rows, now="2026-11-01T00:00:00Z", run_id="r1")
    assert (counts.new, counts.updated, counts.unchanged) == (2, 0, 0)
    changed = posting_row(posting("1", "Clinical Research Coordinator II"))
    counts = upsert_rows(db, [changed, rows[1]], now="2026-11-02T00:00:00Z", run_id="r2")
    assert (counts.new, counts.updated, counts.unchanged) == (0, 1, 1)
    one = next(db.query("SELECT * FROM postings WHERE source_job_id = '1'"))
    assert one["title"] == "Clinical Research Coordinator II"
    assert one["first_seen"] == "2026-11-01T00:00:00Z" and one["last_seen"] == "2026-11-02T00:00:00Z"
    history = list(db.query("SELECT change, fields FROM posting_history ORDER BY id"))
    assert [h["change"] for h in history] == ["new", "new", "updated"]
    assert history[2]["fields"] == '["title"]'
    # FTS follows the update and not the old title
    hits = search_jobs(db, JobFilter(q="II"))
    assert [h["title"] for h in hits] == ["Clinical Research Coordinator II"]


def test_close_and_reopen(db) -> None:
    upsert_rows(db, [posting_row(posting("1")), posting_row(posting("2"))], now="2026-11-01T00:00:00Z")
    keys = [r["key"] for r in db.query("SELECT key FROM postings WHERE source_job_id = '1'")]
    assert close_missing(db, "greenhouse:test", keys, now="2026-11-02T00:00:00Z", run_id="r") == 1
    assert len(search_jobs(db, JobFilter())) == 1
    assert len(search_jobs(db, JobFilter(include_closed=True))) == 2
    counts = upsert_rows(db, [posting_row(posting("2"))], now="2026-11-03T00:00:00Z")
    assert counts.reopened == 1
    assert len(search_jobs(db, JobFilter())) == 2


def test_failed_batch_leaves_nothing_half_written(db) -> None:
    good = posting_row(posting("1"))
    bad = dict(posting_row(posting("2")), title=None)  # violates NOT NULL
    with pytest.raises(sqlite3.IntegrityError):
        upsert_rows(db, [good, bad], now="2026-11-01T00:00:00Z")
    assert db.execute("SELECT COUNT(*) FROM postings").fetchone()[0] == 0
    assert db.execute("SELECT COUNT(*) FROM posting_history").fetchone()[0] == 0


def test_relative_dates_do_not_rewrite_the_first_absolute_one(db) -> None:
    first = posting_row(posting("1", date_published_raw="Posted 3 Days Ago", date_published="2026-11-01T00:00:00Z"))
    upsert_rows(db, [first], now="2026-11-04T00:00:00Z")
    later = posting_row(posting("1", date_published_raw="Posted 5 Days Ago", date_published="2026-11-02T00:00:00Z",
                                description="changed text"))  # fmt: skip
    upsert_rows(db, [later], now="2026-11-06T00:00:00Z")
    row = next(db.query("SELECT date_published FROM postings"))
    assert row["date_published"] == "2026-11-01T00:00:00Z"


@pytest.mark.parametrize("text", ['"unbalanced', "crc AND", "NEAR(", "co-ordinator", "a*b", "'; DROP TABLE postings;--", ""])
def test_fts_user_input_never_errors(db, text: str) -> None:
    upsert_rows(db, [posting_row(posting("1"))], now="2026-11-01T00:00:00Z")
    search_jobs(db, JobFilter(q=text))
    assert fts_query('say "hi"') == '"say" "hi"'


def test_parse_since() -> None:
    from datetime import UTC, datetime

    now = datetime(2026, 11, 22, tzinfo=UTC)
    assert parse_since("7d", now) == "2026-11-15T00:00:00Z"
    assert parse_since("2026-11-01", now) == "2026-11-01T00:00:00Z"
    with pytest.raises(ValueError, match="--since"):
        parse_since("last tuesday", now)


@pytest.mark.parametrize(
    "statement, refused",
    [
        ("DELETE FROM postings", "DELETE"),
        ("UPDATE postings SET title = 'x'", "UPDATE"),
        ("INSERT INTO crawl_runs (run_id) VALUES ('x')", "INSERT"),
        ("DROP TABLE postings", "schema"),
        ("ATTACH DATABASE '/tmp/x.db' AS x", "ATTACH"),
        ("PRAGMA journal_mode = DELETE", "PRAGMA"),
        ("PRAGMA writable_schema = 1", "PRAGMA"),
        ("CREATE TABLE t (a)", "schema"),
        ("SELECT 1; DELETE FROM postings", "one statement"),
    ],
)
def test_sql_refuses_writes_attach_and_pragmas(tmp_path: Path, statement: str, refused: str) -> None:
    database = open_db(tmp_path / "t.db")
    upsert_rows(database, [posting_row(posting("1"))], now="2026-11-01T00:00:00Z")
    database.conn.close()
    with pytest.raises(RefusedStatementError, match=refused):
        run_readonly(tmp_path / "t.db", statement)
    check = open_db(tmp_path / "t.db")
    assert check.execute("SELECT COUNT(*) FROM postings").fetchone()[0] == 1


def test_sql_reads_including_fts(tmp_path: Path) -> None:
    database = open_db(tmp_path / "t.db")
    upsert_rows(database, [posting_row(posting("1"))], now="2026-11-01T00:00:00Z")
    database.conn.close()
    columns, rows = run_readonly(tmp_path / "t.db", "SELECT title FROM postings_fts WHERE postings_fts MATCH 'oncology'")
    assert columns == ["title"] and rows == [("Clinical Research Coordinator",)]
    with pytest.raises(StorageError, match="SQL error"):
        run_readonly(tmp_path / "t.db", "SELECT nope FROM postings")


def test_read_only_database_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "ro.db"
    open_db(path).conn.close()
    database = open_db(path)
    database.conn.close()
    conn_db = __import__("sqlite_utils").Database(sqlite3.connect(f"file:{path}?mode=ro", uri=True, isolation_level=None))
    with pytest.raises(StorageError, match="read-only"):
        upsert_rows(conn_db, [posting_row(posting("1"))], now="2026-11-01T00:00:00Z")


def test_canonical_url_strips_tracking() -> None:
    url = "https://Boards.Greenhouse.io/x/jobs/1?utm_source=li&gh_src=abc&gh_jid=1#apply"
    assert canonical_url(url) == "https://boards.greenhouse.io/x/jobs/1?gh_jid=1"


def test_thinner_copy_does_not_erase_stored_text(db) -> None:
    full = posting("1", description="Coordinate oncology trials. Visa sponsorship is not available.")
    upsert_rows(db, [posting_row(full)], now="2026-11-01T00:00:00Z")
    thin = posting("1", description=None)  # a list-level entry whose detail request failed
    counts = upsert_rows(db, [posting_row(thin)], now="2026-11-02T00:00:00Z")
    assert counts.unchanged == 1 and counts.updated == 0
    row = next(db.query("SELECT description, last_seen FROM postings"))
    assert row["description"].startswith("Coordinate oncology") and row["last_seen"] == "2026-11-02T00:00:00Z"
