"""Our network's fault or the board's: offline crawls stop in seconds, record ``offline``, change nothing.

Three ways to be offline, each with production settings (retries, back-off, timeouts):
no DNS for any host (a resolver that finds nothing), a captive portal answering every
host with its login page (a second local server), and a 300-source ``run``. And the
other side: with the network up, a board's own failures stay the board's.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from conftest import FAST, NO_NETWORK, crawl_with, portal_url, run_cli, set_args, write_registry

from researchjobs.faults import NetworkWatch, failure_kind, judge_connectivity
from researchjobs.replay import Recordings
from researchjobs.storage.db import open_db

GH = "https://boards-api.greenhouse.io/v1/boards/{}/jobs?content=true"
LEVER = "https://api.lever.co/v0/postings/{}?mode=json&skip=0&limit=100"
ENTRIES = [
    {"id": "greenhouse:harborviewresearch", "employer": "Harborview Research", "board": "harborviewresearch"},
    {"id": "lever:bayoutrials", "employer": "Bayou Clinical Trials", "site": "bayoutrials"},
]
TITLES = ["Clinical Research Coordinator I", "Research Assistant II", "Clinical Data Coordinator",
          "Regulatory Coordinator", "Research Nurse Coordinator", "Study Start-Up Specialist"]  # fmt: skip


def seed_recordings() -> Recordings:
    rec = Recordings()
    rec.add({"url": GH.format("harborviewresearch"), "json": {"jobs": [
        {"id": 7200100 + n, "title": t, "location": {"name": "Boston, MA"},
         "absolute_url": f"https://job-boards.greenhouse.io/harborviewresearch/jobs/{7200100 + n}"}
        for n, t in enumerate(TITLES)]}})  # fmt: skip
    rec.add({"url": LEVER.format("bayoutrials"), "json": [
        {"id": f"5b1c9e7a-3f0d-4c2e-9a51-0c7d8e6f{n:04d}", "text": t, "categories": {"location": "Houston, TX"},
         "hostedUrl": f"https://jobs.lever.co/bayoutrials/5b1c9e7a-3f0d-4c2e-9a51-0c7d8e6f{n:04d}",
         "createdAt": 1763000000000} for n, t in enumerate(TITLES)]})  # fmt: skip
    return rec


@pytest.fixture
def seeded(tmp_path: Path, home: Path) -> Path:
    """A data directory whose registry holds two boards with six open postings each."""
    write_registry(home / "sources.toml", ENTRIES)
    result = crawl_with(tmp_path, seed_recordings(), ENTRIES, db_path=home / "researchjobs.db")
    assert {r["outcome"] for r in result.runs.values()} == {"ok"}
    return home


def open_counts(home: Path) -> dict[str, int]:
    db = open_db(home / "researchjobs.db")
    try:
        rows = db.query("SELECT source_id, COUNT(*) AS n FROM postings WHERE closed_at IS NULL GROUP BY source_id")
        return {r["source_id"]: r["n"] for r in rows}
    finally:
        db.conn.close()


def last_runs(home: Path) -> dict[str, dict[str, Any]]:
    db = open_db(home / "researchjobs.db")
    try:
        return {r["source_id"]: r for r in db.query(
            "SELECT * FROM crawl_runs r WHERE started = (SELECT MAX(started) FROM crawl_runs WHERE source_id = r.source_id)"
        )}  # fmt: skip
    finally:
        db.conn.close()


def test_no_dns_for_any_host_stops_in_seconds_as_offline(seeded: Path) -> None:
    registry = (seeded / "sources.toml").read_bytes()
    result = run_cli(seeded, "crawl", "greenhouse:harborviewresearch", "lever:bayoutrials", *set_args(NO_NETWORK))
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        "offline: no network (DNS lookups fail for every host); nothing was changed, try again later"
    ]
    runs = last_runs(seeded)
    assert {r["outcome"] for r in runs.values()} == {"offline"}
    # Stopped at once, with production settings: no retry, no back-off (they took ~32 s before).
    stats = [json.loads(r["stats_json"]) for r in runs.values()]
    assert not [k for s in stats for k in s if k.startswith("retry/") or k == "researchjobs/backoff_seconds"]
    assert {r["cause"] for r in runs.values()} == {"offline"}
    assert all(r["closed"] == 0 and not r["complete"] for r in runs.values())
    assert open_counts(seeded) == {"greenhouse:harborviewresearch": 6, "lever:bayoutrials": 6}
    assert (seeded / "sources.toml").read_bytes() == registry


def test_a_captive_portal_answering_every_host_is_offline(seeded: Path, captive_portal: Any) -> None:
    # A JSON-LD page source is the dangerous one: the portal's page parses as "no jobs".
    with (seeded / "sources.toml").open("a") as handle:
        handle.write('\n[[source]]\nid = "jsonld:lakeshore"\nemployer = "Lakeshore Health"\n'
                     'url = "https://careers.lakeshorehealth.org/research-jobs"\n')  # fmt: skip
    result = run_cli(seeded, "crawl", "--all", "--replay", portal_url(captive_portal))
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("offline: no network (the network answers with its own page")
    assert "captive portal" in lines[0]
    runs = last_runs(seeded)
    assert {r["outcome"] for r in runs.values()} == {"offline"}
    assert runs["jsonld:lakeshore"]["seen"] == 0
    assert open_counts(seeded) == {"greenhouse:harborviewresearch": 6, "lever:bayoutrials": 6}
    assert captive_portal.hits <= 8  # robots.txt, the connectivity check: no retries, no paging


def registry_of(count: int) -> list[dict[str, Any]]:
    """``count`` sources over six families and many hosts, like a grown registry."""
    entries = []
    for n in range(count):
        name = f"researchsite{n:03d}"
        kind = n % 6
        if kind == 0:
            entries.append({"id": f"greenhouse:{name}", "board": name})
        elif kind == 1:
            entries.append({"id": f"lever:{name}", "site": name})
        elif kind == 2:
            entries.append({"id": f"workday:{name}", "host": f"{name}.wd5.myworkdayjobs.com", "tenant": name, "site": "Careers"})
        elif kind == 3:
            entries.append({"id": f"ashby:{name}", "board": name})
        elif kind == 4:
            entries.append({"id": f"smartrecruiters:{name}", "company": name})
        else:
            entries.append({"id": f"jsonld:{name}", "url": f"https://careers.{name}.org/jobs"})
    return [{"employer": e["id"].split(":")[1].title(), **e} for e in entries]


@pytest.mark.slow
def test_run_on_300_sources_offline_says_one_line_and_changes_nothing(home: Path) -> None:
    path = write_registry(home / "sources.toml", registry_of(300))
    before = path.read_bytes()
    result = run_cli(home, "run", *set_args(NO_NETWORK), timeout=120)
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        "offline: no network (DNS lookups fail for every host); nothing was changed, try again later"
    ]
    assert path.read_bytes() == before
    db = open_db(home / "researchjobs.db")
    try:
        outcomes = {r["outcome"]: r["n"] for r in db.query("SELECT outcome, COUNT(*) AS n FROM crawl_runs GROUP BY outcome")}
    finally:
        db.conn.close()
    assert outcomes == {"offline": 300}


def test_with_the_network_up_a_boards_failures_stay_the_boards(tmp_path: Path) -> None:
    rec = seed_recordings()
    rec.add({"url": LEVER.format("bayoutrials"), "fault": "reset"})
    result = crawl_with(tmp_path, rec, ENTRIES, settings={"RETRY_TIMES": "1"})
    assert result.runs["greenhouse:harborviewresearch"]["outcome"] == "ok"
    lever = result.runs["lever:bayoutrials"]
    assert (lever["outcome"], lever["cause"]) == ("failed", "unreachable")


# ------------------------------------------------------------------ the decision itself


def test_the_watch_needs_the_connectivity_check_before_blaming_us() -> None:
    watch = NetworkWatch()
    assert watch.saw_failure("dns", "greenhouse.io")  # ambiguous: ask
    watch.connectivity(True, None)
    assert watch.state == "online" and not watch.saw_failure("dns", "lever.co")
    portal = NetworkWatch()
    assert portal.saw_response(200, "text/html; charset=utf-8", b"<html>")
    portal.connectivity(*judge_connectivity(200, b"<html>login</html>", None))
    assert portal.offline and "captive portal" in portal.line
    proof = NetworkWatch()
    assert not proof.saw_response(404, "application/json", b"{}") and proof.state == "online"
    assert NetworkWatch().saw_response(511, "text/html", b"") is False


def test_without_a_connectivity_check_two_failing_domains_mean_offline() -> None:
    watch = NetworkWatch()
    watch.saw_failure("timeout", "greenhouse.io")
    watch.without_connectivity_check()
    assert watch.state == "unknown"
    watch.saw_failure("timeout", "lever.co")
    watch.without_connectivity_check()
    assert watch.offline and "no host answers" in watch.line


def test_failure_kinds_follow_the_exception_classes() -> None:
    from scrapy.exceptions import CannotResolveHostError, DownloadConnectionRefusedError, DownloadTimeoutError
    from twisted.internet.error import ConnectionLost, NoRouteError

    assert failure_kind(CannotResolveHostError("x")) == "dns"
    assert failure_kind(DownloadConnectionRefusedError("x")) == "refused"
    assert failure_kind(DownloadTimeoutError("x")) == "timeout"
    assert failure_kind(NoRouteError()) == "unreachable"
    assert failure_kind(ConnectionLost()) == "dropped"
    assert failure_kind(ValueError("x")) is None


def test_offline_runs_carry_the_line_in_json(seeded: Path) -> None:
    run_cli(seeded, "crawl", "lever:bayoutrials", *set_args({**FAST, **NO_NETWORK}))
    result = run_cli(seeded, "sql", "SELECT outcome, error_summary FROM crawl_runs WHERE outcome = 'offline'",
                     "--format", "json")  # fmt: skip
    rows = json.loads(result.stdout)
    assert rows and rows[0]["error_summary"].startswith("offline: no network")


def test_wall_pages_are_told_from_careers_pages_that_carry_a_wall_vendors_script() -> None:
    from researchjobs.faults import waf_page

    challenge = (b"<html><head><title>Just a moment...</title></head><body><div id=cf-chl-widget></div>"
                 b"<script src=/cdn-cgi/challenge-platform/h/b/orchestrate/chl_page/v1></script></body></html>")  # fmt: skip
    assert "Just a moment" in (waf_page({}, challenge) or "")
    assert waf_page({"cf-mitigated": "challenge"}, b"{}")
    careers = (b"<html><head><title>Clinical Research Coordinator - Lakeshore Health Careers</title></head><body>"
               + b"<p>Coordinate IRB submissions and study visits.</p>" * 800
               + b"<script src=/cdn-cgi/challenge-platform/scripts/jsd/main.js></script></body></html>")  # fmt: skip
    assert waf_page({"content-type": "text/html"}, careers) is None
