"""Fault injection through the replay server: one crawl, many sources, each fault isolated.

Every case asserts that the outcome is recorded per source, other sources are
unaffected, nothing is closed wrongly, and retries follow the settings.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from conftest import FAST, crawl_with, write_registry

from researchjobs.replay import Recordings, ReplayServer
from researchjobs.storage.db import open_db

DEMO = Path(__file__).resolve().parents[1] / "researchjobs" / "data" / "replay" / "demo"
GH_URL = "https://boards-api.greenhouse.io/v1/boards/{}/jobs?content=true"


def gh(board: str) -> dict:
    return {"id": f"greenhouse:{board}", "family": "greenhouse", "employer": board.title(), "board": board}


BOARDS = ["reset", "timeout", "redirect", "huge", "waf", "truncated", "unavail", "empty"]


def faulty_recordings(tmp_path: Path) -> Recordings:
    rec = Recordings().load_dir(DEMO)
    big = tmp_path / "big.json"
    big.write_text(json.dumps({"jobs": [{"id": i, "title": "x" * 2000} for i in range(100)]}))
    rec.add({"url": GH_URL.format("reset"), "fault": "reset"})
    rec.add({"url": GH_URL.format("timeout"), "fault": "hang"})
    rec.add({"url": GH_URL.format("redirect"), "status": 302, "headers": {"Location": GH_URL.format("redirect")}})
    rec.add({"url": GH_URL.format("huge"), "file": str(big)})
    rec.add({"url": GH_URL.format("waf"), "headers": {"Content-Type": "text/html"},
             "text": "<html><head><title>Attention Required! | Cloudflare</title></head></html>"})  # fmt: skip
    rec.add({"url": GH_URL.format("truncated"), "file": str(DEMO / "greenhouse_meridianoncology.json"), "fault": "truncate"})
    rec.add({"url": GH_URL.format("unavail"), "status": 503, "text": "maintenance"})
    rec.add({"url": GH_URL.format("empty"), "json": {"jobs": [], "meta": {"total": 0}}})
    return rec


def test_each_fault_is_recorded_and_isolated(tmp_path: Path) -> None:
    entries = [gh(b) for b in BOARDS] + [gh("harborviewresearch")]
    # Seed every faulty source with a stored posting so wrong closures would show.
    seed_db = tmp_path / "jobs.db"
    seed = Recordings()
    for board in BOARDS:
        seed.add({"url": GH_URL.format(board), "json": {"jobs": [{"id": 7000000001, "title": f"CRC at {board}",
                  "absolute_url": f"https://job-boards.greenhouse.io/{board}/jobs/7000000001"}]}})  # fmt: skip
    seeded = crawl_with(tmp_path, seed, [gh(b) for b in BOARDS], db_path=seed_db)
    assert {r["outcome"] for r in seeded.runs.values()} == {"ok"}

    started = time.monotonic()
    result = crawl_with(
        tmp_path, faulty_recordings(tmp_path), entries, db_path=seed_db,
        settings={"DOWNLOAD_TIMEOUT": "2", "DOWNLOAD_MAXSIZE": "50000", "RETRY_TIMES": "2"},
    )  # fmt: skip
    elapsed = time.monotonic() - started
    runs = result.runs
    assert runs["greenhouse:harborviewresearch"]["outcome"] == "ok"
    assert runs["greenhouse:harborviewresearch"]["seen"] == 5
    expectations = {
        "reset": "ConnectionLost|ResponseNeverReceived|reset|Connection",
        "timeout": "Timeout|timed out|took longer",
        "redirect": "redirect",
        "huge": "size|maxsize|Cancelled|cancel",
        "waf": "Cloudflare",
        "truncated": "malformed|Partial|truncat|ResponseFailed|PotentialDataLoss|Connection",
        "unavail": "HTTP 503",
    }
    import re

    for board, pattern in expectations.items():
        run = runs[f"greenhouse:{board}"]
        assert run["outcome"] == "failed", (board, run)
        assert re.search(pattern, run["error_summary"] or "", re.I), (board, run["error_summary"])
    # 503 was retried RETRY_TIMES times with back-off.
    assert result.recordings.hits[next(k for k in result.recordings.hits if "/unavail/" in k)] == 3
    # Only the successful empty board closes its posting; no failed source closed anything.
    assert runs["greenhouse:empty"]["outcome"] == "ok" and runs["greenhouse:empty"]["closed"] == 1
    closed = {p["source_id"] for p in result.postings() if p["closed_at"]}
    assert closed == {"greenhouse:empty"}
    assert elapsed < 90


def test_retry_after_is_honoured(tmp_path: Path) -> None:
    rec = Recordings()
    rec.add({"url": GH_URL.format("harborviewresearch"), "sequence": [
        {"status": 429, "headers": {"Retry-After": "2"}},
        {"file": "greenhouse_harborviewresearch.json"},
    ]}, DEMO)  # fmt: skip
    result = crawl_with(tmp_path, rec, [gh("harborviewresearch")], settings={"RETRY_BACKOFF_MAX": "5"})
    run = result.runs["greenhouse:harborviewresearch"]
    assert run["outcome"] == "ok"
    stats = result.stats("greenhouse:harborviewresearch")
    assert stats["researchjobs/backoff_seconds"] == 2.0
    assert stats["retry/count"] == 1


def test_kill_9_mid_write_loses_nothing(tmp_path: Path, home: Path) -> None:
    """SIGKILL while pages are still arriving: integrity holds, the next crawl completes."""
    pages, size = 15, 50
    rec = Recordings()
    for page in range(pages):
        items = [{"id": f"00000000-0000-4000-8000-{page * size + i:012d}", "text": f"Clinical Research Coordinator {page}-{i}",
                  "hostedUrl": f"https://jobs.lever.co/bigboard/{page}-{i}", "createdAt": 1763366400000,
                  "categories": {"location": "Boston, MA"}, "descriptionPlain": "Coordinate trials. " * 20}
                 for i in range(size)]  # fmt: skip
        url = f"https://api.lever.co/v0/postings/bigboard?mode=json&skip={page * size}&limit={size}"
        rec.add({"url": url, "json": items, "delay": 0.2})
    rec.add({"url": f"https://api.lever.co/v0/postings/bigboard?mode=json&skip={pages * size}&limit={size}", "json": []})
    entry = {"id": "lever:bigboard", "family": "lever", "employer": "Big Board", "site": "bigboard", "page_size": size}
    registry = write_registry(tmp_path / "sources.toml", [entry])
    db_path = tmp_path / "jobs.db"
    with ReplayServer(recordings=rec) as server:
        argv = [sys.executable, "-m", "researchjobs", "crawl", "lever:bigboard", "--db", str(db_path),
                "--registry", str(registry), "--replay", server.url, "--quiet",
                "--set", "RESEARCHJOBS_BATCH_SIZE=50"] + [a for k, v in FAST.items() for a in ("--set", f"{k}={v}")]  # fmt: skip
        child = subprocess.Popen(argv, start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                 env={**os.environ})  # fmt: skip
        deadline = time.monotonic() + 90
        stored = 0
        while time.monotonic() < deadline:
            time.sleep(0.05)
            try:
                conn = sqlite3.connect(db_path, timeout=5)
                stored = conn.execute("SELECT COUNT(*) FROM postings").fetchone()[0]
                conn.close()
            except sqlite3.Error:
                continue
            if stored >= 100:
                break
        os.killpg(child.pid, signal.SIGKILL)
        child.wait()
    total = pages * size
    assert 0 < stored < total
    conn = sqlite3.connect(db_path)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    conn.close()
    for key in list(rec._entries):  # the retry crawl needs no artificial slowness
        for step in rec._entries[key]:
            step.delay = 0
    again = crawl_with(tmp_path, rec, [entry], db_path=db_path)
    assert again.runs["lever:bigboard"]["outcome"] == "ok"
    db = open_db(db_path)
    assert db.execute("SELECT COUNT(*), COUNT(DISTINCT source_job_id) FROM postings").fetchone() == (total, total)
    assert db.execute("SELECT COUNT(*) FROM postings WHERE closed_at IS NOT NULL").fetchone()[0] == 0
    outcomes = [r["outcome"] for r in db.query("SELECT outcome FROM crawl_runs ORDER BY started")]
    assert outcomes == ["interrupted", "ok"]
    fts = db.execute("SELECT COUNT(*) FROM postings_fts WHERE postings_fts MATCH 'coordinator'").fetchone()[0]
    assert fts == total
