"""``researchjobs sql``: arbitrary SELECTs, and nothing else.

Two locks: the file is opened read-only (``mode=ro``), and an authorizer refuses
writes, ATTACH and pragmas before SQLite runs the statement, so the user gets a
clear message rather than a half-explained OperationalError.
"""

from __future__ import annotations

import sqlite3
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


class RefusedStatementError(StorageError):
    pass


def run_readonly(path: Path, statement: str, params: dict[str, Any] | None = None, limit: int = 10_000) -> tuple[list[str], list[tuple]]:
    if not path.exists():
        raise StorageError(f"{path}: no database yet; run `researchjobs crawl` or `researchjobs demo`")
    if not sqlite3.complete_statement(statement.strip().rstrip(";") + ";"):
        raise RefusedStatementError("the statement is incomplete")
    refused: list[str] = []

    def authorizer(action: int, arg1: Any, arg2: Any, dbname: Any, source: Any) -> int:
        # FTS5 shadow tables and the internal sqlite_master reads are reads: allowed.
        if action == sqlite3.SQLITE_PRAGMA and arg2 is None and str(arg1).lower() in _READ_PRAGMAS:
            return sqlite3.SQLITE_OK  # reading, e.g. FTS5's own data_version check
        if action == sqlite3.SQLITE_UPDATE and str(arg1).startswith("sqlite_") and source is None:
            return sqlite3.SQLITE_OK  # FTS5 probes sqlite_master this way when it loads; the file is read-only anyway
        if action in _DENIED:
            internal = isinstance(arg1, str) and arg1.startswith("sqlite_")
            refused.append("schema changes" if internal else _DENIED[action])
            return sqlite3.SQLITE_DENY
        return sqlite3.SQLITE_OK

    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=30)
    try:
        conn.set_authorizer(authorizer)
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
            raise StorageError(f"SQL error: {exc}") from None
        if refused:
            raise RefusedStatementError(_refusal(refused))
        return columns, rows
    finally:
        conn.close()


def _refusal(refused: list[str]) -> str:
    """Name the most telling reason: DROP TABLE also deletes from sqlite_master."""
    for preferred in ("schema changes", "ATTACH", "PRAGMA statements"):
        if preferred in refused:
            return f"refused: `sql` is read-only and does not allow {preferred}"
    return f"refused: `sql` is read-only and does not allow {refused[0]}"
