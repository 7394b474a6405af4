"""The scheduler with a real APScheduler: compressed clock, real crawl subprocesses, signals, the lock.

Crawls go to the replay server with the demo recordings, exactly as ``researchjobs demo``
does; intervals are made tiny through the same settings a user would edit.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from conftest import FAST, write_registry
from test_digest_support import add_match, add_postings, write_profile

from researchjobs.config import PROJECT_ROOT, Settings, paths
from researchjobs.replay import Recordings, ReplayServer
from researchjobs.scheduler import Daemon, SchedulerBusyError, SchedulerLock
from researchjobs.storage.db import open_db

DATA = PROJECT_ROOT / "researchjobs" / "data"
DEMO_RECORDINGS = DATA / "replay" / "demo"
DEMO_REGISTRY = DATA / "demo" / "sources.toml"
GH = {"id": "greenhouse:harborviewresearch", "family": "greenhouse", "employer": "Harborview Clinical Research",
      "employer_type": "site_network", "board": "harborviewresearch"}  # fmt: skip
LV = {"id": "lever:lakeshorehealth", "family": "lever", "employer": "Lakeshore University Health",
      "employer_type": "academic_medical_centre", "site": "lakeshorehealth", "page_size": 4}  # fmt: skip


def wait_for(condition: Callable[[], object], timeout: float, what: str) -> object:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")


def rows(sql: str, params: list | None = None) -> list[dict]:
    if not paths().db.exists():
        return []
    db = open_db(paths().db)
    try:
        return list(db.query(sql, params or []))
    finally:
        db.conn.close()


class SteppingClock:
    """Each call is one step later: the scheduler's "now" runs an hour per digest tick."""

    def __init__(self, start: datetime, step: timedelta) -> None:
        self.now = start - step
        self.step = step
        self._lock = threading.Lock()

    def __call__(self) -> datetime:
        with self._lock:
            self.now += self.step
            return self.now


def demo_profile(home: Path, name: str = "amina", **changes: str) -> None:
    """The demo's Amina, with her digest time and zone changed for the test."""
    text = (DATA / "demo" / "profiles" / "amina.toml").read_text(encoding="utf-8")
    for key, value in changes.items():
        lines = [line for line in text.splitlines() if not line.startswith(f"{key} =")]
        text = "\n".join([f'{key} = "{value}"', *lines]) + "\n"
    (home / "profiles").mkdir(parents=True, exist_ok=True)
    (home / "profiles" / f"{name}.toml").write_text(text, encoding="utf-8")


# ---------------------------------------------------------------- in process


def test_daily_digests_at_local_times_across_dst_on_a_compressed_clock(home: Path, tmp_path: Path) -> None:
    no_sources = write_registry(tmp_path / "sources.toml", [])
    write_profile(home, "ny", timezone="America/New_York", digest_time="08:00", digest_when_empty="note")
    write_profile(home, "early", timezone="America/New_York", digest_time="01:30", digest_when_empty="note")
    write_profile(home, "kolkata", timezone="Asia/Kolkata", digest_time="07:30", digest_when_empty="note")
    db = open_db(paths().ensure().db)
    keys = add_postings(db, [{"id": "1"}, {"id": "2"}])
    add_match(db, "ny", keys["1"])
    add_match(db, "kolkata", keys["2"])
    db.conn.close()
    clock = SteppingClock(datetime(2026, 10, 31, 6, 0, tzinfo=UTC), timedelta(hours=1))
    daemon = Daemon(paths(), Settings(digest_tick_minutes=0.001), registry_file=no_sources, clock=clock)
    daemon.start()
    try:
        wait_for(lambda: clock.now >= datetime(2026, 11, 3, 6, 0, tzinfo=UTC), 40, "three compressed days")
    finally:
        assert daemon.stop(timeout=20)
    got: dict[str, list[tuple[str, str]]] = {}
    for row in rows("SELECT profile, local_date, created_at, kind FROM digests ORDER BY id"):
        assert row["kind"] == "daily"
        got.setdefault(row["profile"], []).append((row["local_date"], row["created_at"]))
    assert got["ny"] == [
        ("2026-10-31", "2026-10-31T12:00:00Z"),  # 08:00 EDT
        ("2026-11-01", "2026-11-01T13:00:00Z"),  # 08:00 EST, the day the clocks went back
        ("2026-11-02", "2026-11-02T13:00:00Z"),
    ]
    assert got["early"] == [
        ("2026-10-31", "2026-10-31T07:00:00Z"),  # overdue at start: one catch-up, at once
        ("2026-11-01", "2026-11-01T06:00:00Z"),  # first 01:30 (EDT, 05:30Z); not again at 01:30 EST
        ("2026-11-02", "2026-11-02T07:00:00Z"),  # 01:30 EST is 06:30Z; the next tick is 07:00Z
    ]
    assert got["kolkata"] == [
        ("2026-10-31", "2026-10-31T07:00:00Z"),
        ("2026-11-01", "2026-11-01T02:00:00Z"),  # 07:30 IST, no DST there
        ("2026-11-02", "2026-11-02T02:00:00Z"),
        ("2026-11-03", "2026-11-03T02:00:00Z"),
    ]


def test_a_recent_crawl_is_not_repeated_on_start(home: Path, tmp_path: Path) -> None:
    registry = write_registry(tmp_path / "sources.toml", [GH])
    write_profile(home, "amina", timezone="UTC", digest_time="00:00", digest_when_empty="note")
    db = open_db(paths().ensure().db)
    ten_minutes_ago = datetime.now(UTC) - timedelta(minutes=10)
    stamp = ten_minutes_ago.strftime("%Y-%m-%dT%H:%M:%SZ")
    db.conn.execute(
        "INSERT INTO crawl_runs (run_id, source_id, family, started, finished, outcome, complete)"
        " VALUES ('recent:greenhouse:harborviewresearch', ?, 'greenhouse', ?, ?, 'ok', 1)",
        [GH["id"], stamp, stamp],
    )
    db.conn.close()
    daemon = Daemon(
        paths(), Settings(crawl_interval_hours=1, digest_tick_minutes=0.005), registry_file=registry
    )
    daemon.start()
    try:
        wait_for(
            lambda: rows("SELECT id FROM digests"), 20, "the first digest"
        )  # no catch-up crawl to wait for
        job = daemon.scheduler.get_job("crawl-every-1h") if daemon.scheduler else None
        assert job is not None
        expected = ten_minutes_ago.replace(microsecond=0) + timedelta(hours=1)
        assert abs(job.next_run_time - expected) < timedelta(seconds=5)
    finally:
        assert daemon.stop(timeout=20)
    assert len(rows("SELECT run_id FROM crawl_runs")) == 1
    assert not [h for h in daemon.history if h["job"] == "crawl"]


def test_lock_refuses_a_second_scheduler(home: Path, tmp_path: Path) -> None:
    paths().ensure()
    first = SchedulerLock(paths().db).acquire()
    try:
        with pytest.raises(SchedulerBusyError, match=r"already using .*researchjobs\.db \(scheduler pid \d+"):
            SchedulerLock(paths().db).acquire()
        daemon = Daemon(paths(), Settings(), registry_file=write_registry(tmp_path / "s.toml", []))
        with pytest.raises(SchedulerBusyError):
            daemon.start()
    finally:
        first.release()
    SchedulerLock(paths().db).acquire().release()


# ---------------------------------------------------------------- `researchjobs schedule`, for real


def start_schedule(home: Path, replay_url: str, registry: Path, log: Path, *extra: str) -> subprocess.Popen:
    argv = [
        sys.executable,
        "-m",
        "researchjobs",
        "schedule",
        "--replay",
        replay_url,
        "--registry",
        str(registry),
    ]
    for key, value in FAST.items():
        argv += ["--set", f"{key}={value}"]
    handle = log.open("wb")
    return subprocess.Popen([*argv, *extra], cwd=PROJECT_ROOT, env=dict(os.environ, RESEARCHJOBS_HOME=str(home)),
                            stdout=handle, stderr=subprocess.STDOUT)  # fmt: skip


def test_schedule_after_a_long_gap_one_catch_up_crawl_then_the_first_digest(
    home: Path, tmp_path: Path
) -> None:
    demo_profile(home, timezone="UTC", digest_time="00:00")
    (home / "config.toml").write_text("[crawl]\ninterval_hours = 6\n\n[digest]\ntick_minutes = 1\n")
    db = open_db(paths().ensure().db)
    three_days_ago = (datetime.now(UTC) - timedelta(days=3)).strftime("%Y-%m-%dT%H:%M:%SZ")
    for source in ("greenhouse:harborviewresearch", "greenhouse:meridianoncology", "lever:lakeshorehealth",
                   "lever:bayoutrials"):  # fmt: skip
        db.conn.execute(
            "INSERT INTO crawl_runs (run_id, source_id, family, started, finished, outcome, complete)"
            " VALUES (?, ?, ?, ?, ?, 'ok', 1)",
            [f"old:{source}", source, source.split(":")[0], three_days_ago, three_days_ago],
        )
    db.conn.close()
    out = tmp_path / "schedule.out"
    with ReplayServer(DEMO_RECORDINGS) as server:
        started = time.monotonic()
        proc = start_schedule(home, server.url, DEMO_REGISTRY, out)
        try:
            wait_for(lambda: list((home / "outbox").glob("*.eml")), 120, "the first digest in the outbox")
            first_digest_s = time.monotonic() - started
            time.sleep(1.0)  # ticks keep coming: a storm of crawls would show now
        finally:
            proc.send_signal(signal.SIGTERM)
            code = proc.wait(timeout=60)
    assert code == 0, out.read_text()
    print(f"\n`researchjobs schedule` start → first digest in the outbox: {first_digest_s:.1f} s")
    runs = rows("SELECT run_id, outcome, finished FROM crawl_runs WHERE run_id NOT LIKE 'old:%'"
                " AND family != 'clinicaltrials'")  # fmt: skip
    assert len(runs) == 4 and {r["outcome"] for r in runs} == {"ok"}
    assert len({r["run_id"].split(":")[0] for r in runs}) == 1  # 12 intervals missed: one catch-up crawl
    areas = rows("SELECT source_id, outcome, finished FROM crawl_runs WHERE family = 'clinicaltrials'")
    assert {(r["source_id"], r["outcome"]) for r in areas} == {
        ("clinicaltrials:Boston MA (30 mi)", "ok"), ("clinicaltrials:Houston TX (30 mi)", "ok")}  # fmt: skip
    [digest] = rows("SELECT state, kind, item_count, created_at FROM digests")
    assert digest["state"] == "sent" and digest["kind"] == "daily" and digest["item_count"] > 0
    assert digest["created_at"] >= max(r["finished"] for r in runs + areas)  # it waited for the catch-up crawls
    assert rows("SELECT COUNT(*) AS n FROM digest_sites")[0]["n"] == 5  # "Research sites near you"
    assert (home / "feeds" / "amina.atom").exists()
    log = (home / "logs" / "scheduler.log").read_text()
    assert "scheduler stopped" in log and "Traceback" not in log
    SchedulerLock(paths().db).acquire().release()  # released on exit


def processes_with(text: str) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if text.encode() in (entry / "cmdline").read_bytes():
                    found.append(int(entry.name))
            except OSError:
                continue
    return found


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="needs /proc to look for leftover processes")
def test_second_scheduler_refused_and_sigterm_during_a_crawl_stops_it_cleanly(
    home: Path, tmp_path: Path
) -> None:
    registry = write_registry(tmp_path / "sources.toml", [LV])
    demo_profile(home)
    recordings = Recordings().load_dir(DEMO_RECORDINGS)
    slow = "https://api.lever.co/v0/postings/lakeshorehealth?mode=json&skip=4&limit=4"
    recordings.add({"url": slow, "file": "lever_lakeshorehealth_1.json", "delay": 4}, DEMO_RECORDINGS)
    out = tmp_path / "schedule.out"
    with ReplayServer(recordings=recordings) as server:
        proc = start_schedule(home, server.url, registry, out, "--set", "DOWNLOAD_TIMEOUT=60")
        try:
            wait_for(lambda: "scheduler for" in out.read_text(), 60, "the scheduler to take its lock")
            second = subprocess.run(
                [sys.executable, "-m", "researchjobs", "schedule"], cwd=PROJECT_ROOT, capture_output=True,
                text=True, timeout=60, env=dict(os.environ, RESEARCHJOBS_HOME=str(home)),
            )  # fmt: skip
            assert second.returncode == 1
            said = " ".join(second.stderr.split())
            assert said.startswith("error: another researchjobs scheduler or run is already using")
            assert "Traceback" not in said and "scheduler for" not in said
            wait_for(lambda: any("skip=4" in k for k in recordings.hits), 60, "the slow page to be requested")
            [running] = rows("SELECT run_id FROM crawl_runs WHERE outcome = 'running'")
            batch = running["run_id"].split(":")[0]
            assert processes_with(batch)  # the crawl child is alive, mid-request
        finally:
            proc.send_signal(signal.SIGTERM)
            code = proc.wait(timeout=60)
    assert code == 0, out.read_text()
    # Scrapy got the SIGTERM, let the request in flight finish, and closed the spider
    crawl_log = (home / "logs" / f"crawl-{batch}.log").read_text()
    assert (
        "Received SIGTERM, shutting down gracefully" in crawl_log
        and "'finish_reason': 'shutdown'" in crawl_log
    )
    [run] = rows("SELECT outcome FROM crawl_runs")
    assert run["outcome"] not in ("running", "ok")  # recorded as cut short, so it closes nothing
    assert not processes_with(batch)
    text = out.read_text()
    assert "sending SIGTERM to crawl" in text and "scheduler stopped" in text
    assert rows("SELECT COUNT(*) AS n FROM matches")[0]["n"] == 0  # no matching after a stop was asked
