"""``researchjobs sql``: arbitrary SELECTs, and nothing else.

Two locks: the file is opened read-only (``mode=ro``), and an authorizer refuses
writes, ATTACH and pragmas before SQLite runs the statement, so the user gets a
clear message rather than a half-explained OperationalError.
"""

from __future__ import annotations

import contextlib
import re
import signal
import sqlite3
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from researchjobs.storage.db import StorageError

_DENIED = {
    sqlite3.SQLITE_INSERT: "writes (INSERT)",
    sqlite3.SQLITE_UPDATE: "writes (UPDATE)",
    sqlite3.SQLITE_DELETE: "writes (DELETE)",
    sqlite3.SQLITE_ATTACH: "ATTACH",
    sqlite3.SQLITE_DETACH: "DETACH",
    sqlite3.SQLITE_PRAGMA: "PRAGMA statements",
    sqlite3.SQLITE_CREATE_TABLE: "schema changes",
    sqlite3.SQLITE_CREATE_INDEX: "schema changes",
    sqlite3.SQLITE_CREATE_VIEW: "schema changes",
    sqlite3.SQLITE_CREATE_TRIGGER: "schema changes",
    sqlite3.SQLITE_CREATE_TEMP_TABLE: "schema changes",
    sqlite3.SQLITE_CREATE_TEMP_VIEW: "schema changes",
    sqlite3.SQLITE_CREATE_TEMP_TRIGGER: "schema changes",
    sqlite3.SQLITE_CREATE_TEMP_INDEX: "schema changes",
    sqlite3.SQLITE_CREATE_VTABLE: "schema changes",
    sqlite3.SQLITE_DROP_TABLE: "schema changes",
    sqlite3.SQLITE_DROP_INDEX: "schema changes",
    sqlite3.SQLITE_DROP_VIEW: "schema changes",
    sqlite3.SQLITE_DROP_TRIGGER: "schema changes",
    sqlite3.SQLITE_DROP_VTABLE: "schema changes",
    sqlite3.SQLITE_ALTER_TABLE: "schema changes",
    sqlite3.SQLITE_TRANSACTION: "transactions",
    sqlite3.SQLITE_SAVEPOINT: "transactions",
    sqlite3.SQLITE_REINDEX: "REINDEX",
    sqlite3.SQLITE_ANALYZE: "ANALYZE",
}


#: Pragmas that only report; allowed without a value (FTS5 itself reads data_version).
_READ_PRAGMAS = frozenset(
    {
        "data_version", "table_info", "table_xinfo", "index_list", "index_info", "index_xinfo",
        "foreign_key_list", "schema_version", "user_version", "page_count", "page_size",
        "compile_options", "database_list", "function_list", "pragma_list", "table_list",
        "collation_list", "module_list", "freelist_count", "encoding",
    }
)  # fmt: skip


#: Pragmas whose argument only names what to report on (a table, an index):
#: ``SELECT * FROM pragma_table_info('matches')`` is how people look at the schema.
_NAME_PRAGMAS = frozenset(
    {"table_info", "table_xinfo", "index_list", "index_info", "index_xinfo", "foreign_key_list", "table_list"}
)

DEFAULT_TIMEOUT_S = 5.0
#: The largest string or blob a query may build: ``randomblob(1e9)`` would need that much memory.
MAX_VALUE_BYTES = 10_000_000
#: Virtual-machine steps between checks of the clock and of Ctrl-C.
_CHECK_EVERY = 10_000

_FIRST_WORD = re.compile(r"^(?:\s+|--[^\n]*(?:\n|$)|/\*.*?\*/)*(\w+)", re.S)


class RefusedStatementError(StorageError):
    pass


class QueryStoppedError(StorageError):
    """The query ran past its time limit; the message says how to allow more."""


def run_readonly(
    path: Path,
    statement: str,
    params: dict[str, Any] | None = None,
    limit: int = 10_000,
    timeout: float = DEFAULT_TIMEOUT_S,
) -> tuple[list[str], list[tuple]]:
    """Columns and at most ``limit`` rows of one read-only statement.

    Bounded three ways, because a single query can otherwise take the machine: a time
    limit (checked every few thousand VM steps), a cap on the size of any one value
    (SQLite's own length limit), and Ctrl-C, which stops the query at the next check
    and is raised as KeyboardInterrupt.
    """
    if not path.exists():
        raise StorageError(f"{path}: no database yet; run `researchjobs crawl` or `researchjobs demo`")
    if not sqlite3.complete_statement(statement.strip().rstrip(";") + ";"):
        raise RefusedStatementError("the statement is incomplete")
    first = _FIRST_WORD.match(statement)
    verb = first.group(1).upper() if first else ""
    refused: list[str] = []

    def authorizer(action: int, arg1: Any, arg2: Any, dbname: Any, source: Any) -> int:
        # FTS5 shadow tables and the internal sqlite_master reads are reads: allowed.
        if action == sqlite3.SQLITE_PRAGMA and str(arg1).lower() in _READ_PRAGMAS:
            if arg2 is None or str(arg1).lower() in _NAME_PRAGMAS:
                return sqlite3.SQLITE_OK  # reading, e.g. FTS5's own data_version check, or pragma_table_info(x)
        if action == sqlite3.SQLITE_UPDATE and str(arg1).startswith("sqlite_") and source is None:
            return sqlite3.SQLITE_OK  # FTS5 probes sqlite_master this way when it loads; the file is read-only anyway
        if action == sqlite3.SQLITE_ATTACH and verb == "VACUUM":
            refused.append("VACUUM")  # VACUUM works by attaching a scratch database
            return sqlite3.SQLITE_DENY
        if action in _DENIED:
            internal = isinstance(arg1, str) and arg1.startswith("sqlite_")
            refused.append("schema changes" if internal else _DENIED[action])
            return sqlite3.SQLITE_DENY
        return sqlite3.SQLITE_OK

    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=30)
    deadline = time.monotonic() + timeout
    interrupted = threading.Event()

    def stop_now() -> int:
        return int(interrupted.is_set() or time.monotonic() > deadline)

    try:
        conn.set_authorizer(authorizer)
        conn.setlimit(sqlite3.SQLITE_LIMIT_LENGTH, MAX_VALUE_BYTES)
        conn.set_progress_handler(stop_now, _CHECK_EVERY)
        with _ctrl_c_sets(interrupted):
            try:
                cursor = conn.execute(statement, params or {})
                columns = [d[0] for d in cursor.description or []]
                rows = cursor.fetchmany(limit)
            except (sqlite3.Warning, sqlite3.ProgrammingError) as exc:
                if "one statement" in str(exc):
                    raise RefusedStatementError("refused: `sql` runs only one statement at a time") from None
                raise StorageError(f"SQL error: {exc}") from None
            except sqlite3.DatabaseError as exc:
                if refused:
                    raise RefusedStatementError(_refusal(refused)) from None
                if interrupted.is_set():
                    raise KeyboardInterrupt from None
                if "interrupted" in str(exc):
                    raise QueryStoppedError(
                        f"the query ran longer than {timeout:g} s and was stopped; add a LIMIT, or allow more with --timeout"
                    ) from None
                if "too big" in str(exc):
                    raise StorageError(
                        f"SQL error: a value grew beyond {MAX_VALUE_BYTES:,} bytes (string or blob too big); `sql` stops there"
                    ) from None
                raise StorageError(f"SQL error: {exc}") from None
        if refused:
            raise RefusedStatementError(_refusal(refused))
        return columns, rows
    finally:
        conn.close()


@contextlib.contextmanager
def _ctrl_c_sets(flag: threading.Event) -> Iterator[None]:
    """While a query runs, Ctrl-C only sets ``flag``: the progress handler then stops the
    query cleanly (Python cannot raise inside SQLite's C loop)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGINT, lambda signum, frame: flag.set())
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def _refusal(refused: list[str]) -> str:
    """Name the most telling reason: DROP TABLE also deletes from sqlite_master."""
    for preferred in ("VACUUM", "schema changes", "ATTACH", "PRAGMA statements"):
        if preferred in refused:
            return f"refused: `sql` is read-only and does not allow {preferred}"
    return f"refused: `sql` is read-only and does not allow {refused[0]}"
