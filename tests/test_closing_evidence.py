"""Closing is evidence, not one answer: a board that suddenly lists nothing closes nothing until
the next complete crawl agrees; normal turnover closes at once. And source health over time."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import FAST, run_cli, set_args, write_registry

from researchjobs.health import source_health
from researchjobs.outcomes import SourceFacts, decide
from researchjobs.replay import Recordings, ReplayServer
from researchjobs.storage.db import open_db
from researchjobs.storage.runs import RunResult, finish_run, start_run

GH = "https://boards-api.greenhouse.io/v1/boards/{}/jobs?content=true"
ROLES = ["Clinical Research Coordinator", "Research Assistant", "Clinical Data Coordinator", "Regulatory Specialist",
         "Research Nurse", "Study Start-Up Associate", "Clinical Trials Assistant", "Data Manager"]  # fmt: skip
ENTRIES = [
    {"id": "greenhouse:meridianoncology", "employer": "Meridian Oncology", "board": "meridianoncology"},
    {"id": "greenhouse:harborviewresearch", "employer": "Harborview Research", "board": "harborviewresearch"},
    {"id": "greenhouse:smallclinic", "employer": "Cedar Family Clinic Research", "board": "smallclinic"},
]


def listing(board: str, ids: range) -> dict:
    jobs = [{"id": 7300000 + n, "title": f"{ROLES[n % len(ROLES)]} ({n})", "location": {"name": "Columbus, OH"},
             "absolute_url": f"https://job-boards.greenhouse.io/{board}/jobs/{7300000 + n}"} for n in ids]  # fmt: skip
    return {"url": GH.format(board), "json": {"jobs": jobs, "meta": {"total": len(jobs)}}}


def crawl(home: Path, boards: dict[str, range]) -> tuple[dict[str, dict], str]:
    rec = Recordings()
    for name, ids in boards.items():
        rec.add(listing(name, ids))
    with ReplayServer(recordings=rec) as server:
        result = run_cli(home, "crawl", "--all", "--replay", server.url, *set_args(FAST))
    assert result.returncode == 0, result.stderr
    db = open_db(home / "researchjobs.db")
    try:
        runs = {r["source_id"]: r for r in db.query(
            "SELECT * FROM crawl_runs WHERE run_id IN (SELECT run_id FROM crawl_runs ORDER BY started DESC, rowid DESC LIMIT 3)")}  # fmt: skip
        opened = {r["source_id"]: r["n"] for r in db.query(
            "SELECT source_id, COUNT(*) AS n FROM postings WHERE closed_at IS NULL GROUP BY source_id")}  # fmt: skip
    finally:
        db.conn.close()
    for source_id, run in runs.items():
        run["open"] = opened.get(source_id, 0)
    return runs, result.stdout


@pytest.mark.slow
def test_a_drop_to_nothing_closes_only_when_the_next_crawl_agrees(home: Path) -> None:
    write_registry(home / "sources.toml", ENTRIES)
    runs, _ = crawl(home, {"meridianoncology": range(50), "harborviewresearch": range(50), "smallclinic": range(4)})
    assert {r["outcome"] for r in runs.values()} == {"ok"}

    # 50 → 0 (suspicious, nothing closed), 50 → 48 (two closed at once), 4 → 0 (too small to judge).
    runs, table = crawl(home, {"meridianoncology": range(0), "harborviewresearch": range(48), "smallclinic": range(0)})
    drop, turnover, small = (runs[e["id"]] for e in ENTRIES)
    assert (drop["outcome"], drop["closed"], drop["open"], drop["complete"]) == ("suspicious", 0, 50, 1)
    assert "lists 0 postings where 50 were open" in drop["note"]
    assert (turnover["outcome"], turnover["closed"], turnover["open"]) == ("ok", 2, 48)
    assert (small["outcome"], small["closed"]) == ("ok", 4)
    assert "suspicious" in table

    status = run_cli(home, "status")
    assert "suspicious" in status.stdout and "lists 0 postings" in status.stdout
    health = run_cli(home, "status", "--sources")
    assert "next complete crawl decides" in health.stdout

    # 0 again: the second complete crawl agrees, and the 50 close.
    runs, _ = crawl(home, {"meridianoncology": range(0), "harborviewresearch": range(48), "smallclinic": range(0)})
    drop = runs["greenhouse:meridianoncology"]
    assert (drop["outcome"], drop["closed"], drop["open"]) == ("ok", 50, 0)
    assert "previous crawl saw the same drop" in drop["note"]


def facts(**kw: object) -> SourceFacts:
    return SourceFacts(responses=1, **kw)  # type: ignore[arg-type]


def test_the_drop_rule() -> None:
    assert decide(facts(seen=0, open_before=50, missing=50)).outcome == "suspicious"
    assert decide(facts(seen=24, open_before=50, missing=26)).outcome == "suspicious"
    assert decide(facts(seen=25, open_before=50, missing=25)).close  # exactly half: normal turnover
    assert decide(facts(seen=0, open_before=4, missing=4)).close  # below the floor of 5
    assert decide(facts(seen=0, open_before=50, missing=50, previous_suspicious=True)).close
    # A crawl that failed is never evidence, whatever it listed.
    assert not decide(facts(seen=0, open_before=50, missing=50, errors=["HTTP 503"])).close


def record(db, source_id: str, n: int, outcome: str, cause: str | None = None, seen: int = 0) -> None:
    run_id = f"b{n:03d}:{source_id}"
    start_run(db, run_id, source_id, source_id.split(":")[0], f"2026-11-{n:02d}T06:00:00Z")
    finish_run(db, run_id, RunResult(outcome, outcome == "ok", seen=seen, cause=cause,
                                     errors=[] if outcome == "ok" else [f"{outcome} run"]), f"2026-11-{n:02d}T06:05:00Z")  # fmt: skip


def test_health_counts_only_the_boards_failures_and_says_how_to_fix(home: Path) -> None:
    db = open_db(home / "researchjobs.db")
    try:
        for n in range(1, 4):
            record(db, "workday:ridgecrest", n, "ok", seen=40 + n)
            record(db, "greenhouse:harborviewresearch", n, "ok", seen=12)
        for n in range(4, 10):
            record(db, "workday:ridgecrest", n, "failed", cause="blocked")
            # A week on hotel Wi-Fi: offline runs are ours and do not count against the board.
            record(db, "greenhouse:harborviewresearch", n, "offline", cause="offline")
        record(db, "greenhouse:harborviewresearch", 10, "moved", cause="moved")
    finally:
        db.conn.close()
    write_registry(home / "sources.toml", [
        {"id": "workday:ridgecrest", "employer": "Ridgecrest", "host": "ridgecrest.wd5.myworkdayjobs.com",
         "tenant": "ridgecrest", "site": "RUMC_External"},
        {"id": "greenhouse:harborviewresearch", "employer": "Harborview Research", "board": "harborviewresearch"},
    ])  # fmt: skip
    result = run_cli(home, "sources", "health", "--format", "json")
    assert result.returncode == 0, result.stderr
    rows = {r["source"]: r for r in json.loads(result.stdout)}
    ridgecrest, harbor = rows["workday:ridgecrest"], rows["greenhouse:harborviewresearch"]
    assert (ridgecrest["failures in a row"], ridgecrest["trend"]) == (6, "41 → 42 → 43")
    assert ridgecrest["attention"] == "needs attention: blocked"
    assert ridgecrest["fix"].startswith("researchjobs sources check workday:ridgecrest")
    assert ridgecrest["last listed"] == "2026-11-03T06:05:00Z"
    assert (harbor["failures in a row"], harbor["attention"], harbor["last"]) == (1, "", "moved")
    assert run_cli(home, "sources", "health", "--attention-after", "1", "--format", "json").stdout.count(
        "researchjobs sources check --fix greenhouse:harborviewresearch") == 1


def test_a_source_never_crawled_is_listed_plainly() -> None:
    (health,) = source_health(["lever:bayoutrials"], {}, {})
    assert (health.last_outcome, health.failures_in_row, health.trend, health.needs_attention) == (None, 0, "-", False)


def test_the_scheduler_does_not_count_an_offline_run_as_a_crawl(home: Path) -> None:
    from researchjobs.scheduler import last_crawls

    db = open_db(home / "researchjobs.db")
    try:
        record(db, "lever:bayoutrials", 1, "ok", seen=6)
        record(db, "lever:bayoutrials", 2, "offline", cause="offline")
        assert last_crawls(db)["lever:bayoutrials"]["started"] == "2026-11-01T06:00:00Z"
    finally:
        db.conn.close()
