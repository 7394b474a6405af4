"""Opening the database: WAL, a long busy timeout, and migrations applied on open.

Writes go through explicit ``BEGIN IMMEDIATE`` transactions (see ``immediate``) so
that a writer waits for the lock instead of failing with "database is locked" when
it upgrades from a read (stack notes §10).
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import sqlite_utils

from researchjobs.storage.schema import MIGRATIONS, known_migrations

BUSY_TIMEOUT_S = 60.0


class StorageError(Exception):
    """A database problem put in words a user can act on."""


def connect(path: Path | str, *, timeout: float = BUSY_TIMEOUT_S) -> sqlite_utils.Database:
    """A connection in autocommit mode; callers open transactions explicitly."""
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(str(path), timeout=timeout, isolation_level=None)
        conn.execute(f"PRAGMA busy_timeout = {int(timeout * 1000)}")
        conn.execute("PRAGMA foreign_keys = ON")
    except (sqlite3.Error, OSError) as exc:
        raise StorageError(f"{path}: cannot open the database: {exc}") from None
    return sqlite_utils.Database(conn)


def open_db(path: Path | str) -> sqlite_utils.Database:
    """Open and migrate. Raises StorageError with the path on any failure."""
    db = connect(path)
    try:
        mode = db.conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
        if mode != "wal" and str(path) != ":memory:":
            raise StorageError(f"{path}: could not switch to WAL mode (got {mode})")
        db.conn.execute("PRAGMA synchronous = NORMAL")
        refuse_newer_schema(db, path)
        MIGRATIONS.apply(db)
    except sqlite3.OperationalError as exc:
        raise StorageError(f"{path}: {describe(exc)}") from None
    except sqlite3.DatabaseError as exc:
        raise StorageError(f"{path}: not a usable researchjobs database: {exc}") from None
    return db


def require_writable(db: sqlite_utils.Database, path: Path | str) -> None:
    """Write a header field to its own value and roll back: a read-only file, directory or
    mount fails here, in one line, instead of in the middle of a crawl. (``BEGIN
    IMMEDIATE`` alone succeeds on a read-only file; only a write finds out.)"""
    conn = db.conn
    try:
        version = int(conn.execute("PRAGMA user_version").fetchone()[0])
        conn.execute("BEGIN IMMEDIATE")
        try:
            conn.execute(f"PRAGMA user_version = {version}")
        finally:
            conn.execute("ROLLBACK")
    except sqlite3.OperationalError as exc:
        raise StorageError(f"{path}: {describe(exc)}") from None


def refuse_newer_schema(db: sqlite_utils.Database, path: Path | str) -> None:
    """A database a newer researchjobs migrated has tables and meanings this one does not
    know; writing to it would corrupt it, so it is refused before anything runs."""
    known = known_migrations()
    unknown = [m.name for m in MIGRATIONS.applied(db) if m.name not in set(known)]
    if unknown:
        db.conn.close()
        raise StorageError(
            f"{path}: made by a newer researchjobs: schema migrations {', '.join(unknown)} are unknown to this "
            f"version, which knows {len(known)} (up to {known[-1]}); upgrade researchjobs or use another database"
        )


def describe(exc: sqlite3.Error) -> str:
    text = str(exc)
    if "readonly" in text or "read-only" in text:
        return "the database is read-only (check file permissions); nothing was written"
    if "disk is full" in text or "database or disk is full" in text:
        return "the disk is full; the last transaction was rolled back, nothing half-written"
    if "locked" in text:
        return "the database stayed locked by another process for too long; try again"
    return text


@contextlib.contextmanager
def immediate(db: sqlite_utils.Database) -> Iterator[sqlite3.Connection]:
    """All-or-nothing write transaction that takes the write lock up front."""
    conn = db.conn
    try:
        conn.execute("BEGIN IMMEDIATE")
    except sqlite3.OperationalError as exc:
        raise StorageError(describe(exc)) from None
    try:
        yield conn
    except sqlite3.OperationalError as exc:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise StorageError(describe(exc)) from exc
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    try:
        conn.execute("COMMIT")
    except sqlite3.OperationalError as exc:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise StorageError(describe(exc)) from None
