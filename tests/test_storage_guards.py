"""The database refuses what would corrupt it or mislead: a newer schema, a read-only file,
a reused batch id; and `sql` stays within time, size and read-only bounds."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_cli_foundation import cli
from test_cli_messages import _one_line_error

from researchjobs.config import paths
from researchjobs.storage.db import StorageError, open_db
from researchjobs.storage.schema import MIGRATIONS


def _future_database(path: Path) -> None:
    db = open_db(path)
    db.conn.execute(
        "INSERT INTO _sqlite_migrations (migration_set, name, applied_at) VALUES (?, ?, ?)",
        ["researchjobs", "m999_from_the_future", "2030-01-01 00:00:00.000000+00:00"],
    )
    db.conn.close()


def test_a_database_from_a_newer_version_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "newer.db"
    _future_database(path)
    with pytest.raises(StorageError) as caught:
        open_db(path)
    message = str(caught.value)
    assert "m999_from_the_future" in message and "newer" in message
    assert MIGRATIONS._migrations[-1].name in message  # the newest this program knows


def test_crawl_and_status_refuse_a_newer_database_in_one_line(home: Path) -> None:
    _future_database(paths().ensure().db)
    _one_line_error(cli("status"), "m999_from_the_future")
    _one_line_error(cli("crawl", "greenhouse:headlandsresearch"), "m999_from_the_future")
