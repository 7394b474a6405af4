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


def _cli_with_read_only_file(path: Path, *args: str):
    """Run the CLI while ``path`` cannot be written: by mode bits, or, for root (who ignores
    them), through a read-only bind mount in a private mount namespace."""
    import os
    import subprocess
    import sys

    if os.geteuid() != 0:
        path.chmod(0o444)
        try:
            return cli(*args)
        finally:
            path.chmod(0o644)
    script = 'mount --bind "$0" "$0" && mount -o remount,ro,bind "$0" "$0" && shift && exec "$@"'
    probe = subprocess.run(["unshare", "-rm", "sh", "-c", script, str(path), "x", "true"], capture_output=True)
    if probe.returncode != 0:
        pytest.skip(f"cannot make a read-only mount here: {probe.stderr.decode()[:200]}")
    return subprocess.run(
        ["unshare", "-rm", "sh", "-c", script, str(path), "x", sys.executable, "-m", "researchjobs", *args],
        capture_output=True, text=True, env={**os.environ, "COLUMNS": "200"}, timeout=180,
    )  # fmt: skip


def test_crawl_on_a_read_only_database_says_so_in_one_line(home: Path) -> None:
    db_path = paths().ensure().db
    open_db(db_path).conn.close()
    result = _cli_with_read_only_file(db_path, "crawl", "greenhouse:headlandsresearch", "--replay", "http://127.0.0.1:9")
    _one_line_error(result, str(db_path), "read-only")


def _on_a_full_disk(home: Path, script: str, size: str = "2m"):
    """Run a shell script with ``home`` on a small tmpfs of its own (a private mount
    namespace): ``fill`` in the script fills that disk to the last byte."""
    import os
    import subprocess
    import sys

    wrapper = (
        f'mount -t tmpfs -o size={size} tmpfs "$HOME_DIR" && cd "$HOME_DIR" && '
        'fill() { head -c 1G /dev/zero > "$HOME_DIR/.filler" 2>/dev/null; true; } && ' + script
    )
    probe = subprocess.run(["unshare", "-rm", "true"], capture_output=True)
    if probe.returncode != 0:
        pytest.skip(f"no private mount namespace here: {probe.stderr.decode()[:200]}")
    env = {**os.environ, "COLUMNS": "200", "HOME_DIR": str(home), "RJ": f"{sys.executable} -m researchjobs"}
    return subprocess.run(["unshare", "-rm", "sh", "-c", wrapper], capture_output=True, text=True, env=env, timeout=180)


def test_a_disk_that_fills_during_a_crawl_is_named_in_the_summary(home: Path, tmp_path: Path) -> None:
    from conftest import FAST, write_registry
    from test_crawl_greenhouse_lever import DEMO, GH, GH_URL

    from researchjobs.replay import Recordings, ReplayServer

    registry = write_registry(tmp_path / "sources.toml", [GH])
    recordings = Recordings().load_dir(DEMO)
    recordings.add({"url": GH_URL.format("harborviewresearch"), "file": "greenhouse_harborviewresearch.json",
                    "delay": 3.0}, DEMO)  # fmt: skip
    sets = " ".join(f"--set {k}={v}" for k, v in FAST.items())
    log = tmp_path / "crawl.log"
    with ReplayServer(recordings=recordings) as server:
        result = _on_a_full_disk(home, (
            f"$RJ status > /dev/null && ($RJ crawl greenhouse:harborviewresearch --registry {registry} "
            f"--replay {server.url} --log-file {log} {sets} & "
            f"until grep -q 'Spider opened' {log} 2>/dev/null; do sleep 0.1; done; sleep 0.5; fill; wait $!)"
        ))  # fmt: skip
    assert result.returncode == 1, (result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    assert "storage error:" in result.stderr and "disk is full" in result.stderr
    assert "failed: greenhouse:harborviewresearch" in result.stderr


def test_profile_new_and_sources_add_on_a_full_disk_leave_nothing_behind(home: Path) -> None:
    result = _on_a_full_disk(home, (
        "mkdir -p profiles && fill && "
        "$RJ profile new amina; echo \"profile rc=$?\"; "
        "$RJ sources add https://boards.greenhouse.io/harborviewresearch --employer Harborview; echo \"sources rc=$?\"; "
        "echo files:; ls -A . profiles"
    ), size="512k")  # fmt: skip
    out, err = result.stdout, result.stderr
    assert "profile rc=1" in out and "sources rc=1" in out, (out, err)
    assert "Traceback" not in err
    errors = [line for line in err.splitlines() if line.startswith("error:")]
    assert len(errors) == 2, err
    assert "amina.toml" in errors[0] and "No space left on device" in errors[0]
    assert "sources.toml" in errors[1] and "No space left on device" in errors[1]
    listing = out.split("files:", 1)[1].split()
    assert not [name for name in listing if name.endswith((".toml", ".tmp")) or ".tmp" in name], listing


def test_batch_ids_are_checked_and_never_reused(home: Path, tmp_path: Path) -> None:
    outside = home.parent / "x.log"
    _one_line_error(cli("crawl", "greenhouse:headlandsresearch", "--batch-id", "../../x"), "--batch-id")
    assert not outside.exists() and not list(home.parent.glob("*.log"))
    _one_line_error(cli("crawl", "greenhouse:headlandsresearch", "--batch-id", "a" * 65), "--batch-id")
    db = open_db(paths().ensure().db)
    db.conn.execute(
        "INSERT INTO crawl_runs (run_id, source_id, family, started, outcome, complete)"
        " VALUES ('nightly:lever:veeva', 'lever:veeva', 'lever', '2026-11-30T00:00:00Z', 'ok', 1)"
    )
    db.conn.close()
    _one_line_error(cli("crawl", "greenhouse:headlandsresearch", "--batch-id", "nightly"), "nightly", "already")
    row = next(open_db(paths().db).query("SELECT source_id, outcome FROM crawl_runs WHERE run_id LIKE 'nightly:%'"))
    assert row == {"source_id": "lever:veeva", "outcome": "ok"}  # the earlier run is untouched


def _database() -> Path:
    path = paths().ensure().db
    open_db(path).conn.close()
    return path


ENDLESS = "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c"


def test_sql_stops_a_query_that_runs_too_long_or_grows_too_big(home: Path) -> None:
    import time

    _database()
    started = time.monotonic()
    _one_line_error(cli("sql", ENDLESS, "--timeout", "1"), "longer than 1 s", "--timeout")
    _one_line_error(cli("sql", "select randomblob(1000000000)"), "too big")
    assert time.monotonic() - started < 30


def test_sql_is_interrupted_by_ctrl_c(home: Path) -> None:
    import os
    import signal
    import subprocess
    import sys
    import time

    _database()
    child = subprocess.Popen([sys.executable, "-m", "researchjobs", "sql", ENDLESS, "--timeout", "120"],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=os.environ)  # fmt: skip
    time.sleep(2.5)  # imports, then well into the query
    child.send_signal(signal.SIGINT)
    try:
        _, err = child.communicate(timeout=15)
    except subprocess.TimeoutExpired:
        child.kill()
        pytest.fail("Ctrl-C did not stop the query")
    assert child.returncode == 130 and "interrupted" in err and "Traceback" not in err


def test_sql_shows_at_most_max_rows_and_says_so(home: Path) -> None:
    _database()
    rows = "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c LIMIT 5000) SELECT x FROM c"
    result = cli("sql", rows, "--format", "csv", "--max-rows", "100")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[1:] == [str(n) for n in range(1, 101)]
    assert "first 100 rows" in result.stderr and "--max-rows" in result.stderr


def test_sql_refusals_name_the_statement_and_read_only_introspection_works(home: Path) -> None:
    _database()
    _one_line_error(cli("sql", "VACUUM"), "VACUUM")
    assert "ATTACH" not in cli("sql", "VACUUM").stderr
    _one_line_error(cli("sql", "PRAGMA user_version = 3"), "PRAGMA")
    info = cli("sql", "select name from pragma_table_info('matches') order by cid", "--format", "csv")
    assert info.returncode == 0 and "profile" in info.stdout.splitlines(), info.stderr
    indexes = cli("sql", "PRAGMA index_list('postings')", "--format", "csv")
    assert indexes.returncode == 0 and "idx_postings_newest" in indexes.stdout, indexes.stderr
