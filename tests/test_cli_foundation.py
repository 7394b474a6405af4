"""The CLI as a user runs it: sources, crawl, jobs, sql, status, demo."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from conftest import FAST, write_registry
from typer.testing import CliRunner

from researchjobs.cli import app
from researchjobs.replay import ReplayServer

DEMO = Path(__file__).resolve().parents[1] / "researchjobs" / "data" / "replay" / "demo"
runner = CliRunner()


def cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    """The real console entry point in a subprocess: exit codes and one-line errors as users see them."""
    return subprocess.run(
        [sys.executable, "-m", "researchjobs", *args],
        capture_output=True,
        text=True,
        env={**os.environ, "COLUMNS": "200", **(env or {})},
        timeout=180,
    )


def test_sources_list_show_json() -> None:
    result = runner.invoke(app, ["sources", "list", "--format", "json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    ids = {r["id"] for r in rows}
    assert "greenhouse:headlandsresearch" in ids
    shown = runner.invoke(app, ["sources", "show", "greenhouse:headlandsresearch"])
    assert '"board": "headlandsresearch"' in shown.stdout


def test_sources_add_and_remove_round_trip(home: Path) -> None:
    added = cli("sources", "add", "https://job-boards.greenhouse.io/examplecro/jobs/4012345006?gh_src=x",
                "--employer", "Example CRO", "--type", "cro")  # fmt: skip
    assert added.returncode == 0, added.stderr
    text = (home / "sources.toml").read_text()
    assert 'board = "examplecro"' in text and "# researchjobs source registry" in text
    again = cli("sources", "add", "https://boards.greenhouse.io/examplecro", "--employer", "Example CRO")
    assert again.returncode == 1 and "already exists" in again.stderr
    removed = cli("sources", "remove", "greenhouse:examplecro")
    assert removed.returncode == 0
    assert "examplecro" not in (home / "sources.toml").read_text()
    missing = cli("sources", "remove", "greenhouse:examplecro")
    assert missing.returncode == 1 and "unknown source" in missing.stderr


def test_bad_registry_entry_reported_rest_loads(home: Path) -> None:
    write_registry(home / "sources.toml", [
        {"id": "greenhouse:ok", "family": "greenhouse", "employer": "OK", "board": "ok"},
        {"id": "lever:nosite", "family": "lever", "employer": "No Site"},
        {"id": "jsonld:file", "family": "jsonld", "employer": "Local", "url": "file:///etc/passwd"},
    ])  # fmt: skip
    result = cli("sources", "list", "--format", "json")
    assert result.returncode == 0
    assert [r["id"] for r in json.loads(result.stdout)] == ["greenhouse:ok"]
    assert "sources.toml:7: source lever:nosite: lever sources need 'site'" in result.stderr
    assert "sources.toml:12: source jsonld:file: url must be an http(s) URL" in result.stderr


def test_crawl_cli_table_and_exit_code(home: Path) -> None:
    registry = write_registry(home / "sources.toml", [
        {"id": "greenhouse:harborviewresearch", "family": "greenhouse", "employer": "Harborview Clinical Research",
         "employer_type": "site_network", "board": "harborviewresearch"},
        {"id": "greenhouse:gone", "family": "greenhouse", "employer": "Gone Board", "board": "gone"},
    ])  # fmt: skip
    sets = [a for k, v in FAST.items() for a in ("--set", f"{k}={v}")]
    with ReplayServer(DEMO) as server:
        ok = cli("crawl", "greenhouse:harborviewresearch", "--replay", server.url, *sets)
        assert ok.returncode == 0, ok.stderr
        assert "greenhouse:harborviewresearch" in ok.stdout and "ok" in ok.stdout
        bad = cli("crawl", "--family", "greenhouse", "--replay", server.url, *sets)
    assert bad.returncode == 1
    assert "failed: greenhouse:gone" in bad.stderr
    assert "HTTP 404" in bad.stdout
    assert registry.exists()
    jobs = cli("jobs", "--q", "coordinator", "--format", "json")
    rows = json.loads(jobs.stdout)
    assert {r["title"] for r in rows} >= {"Clinical Research Coordinator I", "Regulatory Coordinator"}
    status = cli("status")
    assert "greenhouse:gone" in status.stdout and "failed" in status.stdout
    assert "5 open postings" in status.stdout


def test_crawl_cli_user_errors_are_one_line() -> None:
    unknown = cli("crawl", "greenhouse:nope")
    assert unknown.returncode == 1
    assert unknown.stderr.strip().startswith("error: unknown source 'greenhouse:nope'")
    assert len(unknown.stderr.strip().splitlines()) == 1
    nothing = cli("crawl")
    assert nothing.returncode == 1 and "--all" in nothing.stderr


def test_sql_command_refuses_writes() -> None:
    missing = cli("sql", "SELECT 1")
    assert missing.returncode == 1 and "no database yet" in missing.stderr
    from researchjobs.config import paths
    from researchjobs.storage.db import open_db

    open_db(paths().ensure().db).conn.close()
    refused = cli("sql", "DELETE FROM postings")
    assert refused.returncode == 1 and "read-only" in refused.stderr
    ok = cli("sql", "SELECT COUNT(*) AS n FROM postings", "--format", "json")
    assert ok.returncode == 0 and json.loads(ok.stdout) == [{"n": 0}]


def test_demo_end_to_end(home: Path) -> None:
    result = cli("demo", env={"COLUMNS": "200"})
    assert result.returncode == 0, result.stderr
    assert "database:" in result.stdout
    db_path = home / "demo" / "researchjobs.db"
    assert db_path.exists()
    from researchjobs.storage.db import open_db

    db = open_db(db_path)
    assert db.execute("SELECT COUNT(*) FROM postings").fetchone()[0] == 22
    outcomes = {r["outcome"] for r in db.query("SELECT outcome FROM crawl_runs")}
    assert outcomes == {"ok"}
    areas = {r["source_id"] for r in db.query("SELECT source_id FROM crawl_runs WHERE family = 'clinicaltrials'")}
    assert areas == {"clinicaltrials:Boston MA (30 mi)", "clinicaltrials:Houston TX (30 mi)"}
    assert "research sites near amina" in result.stdout
    [digest] = (home / "demo" / "outbox").glob("*.eml")
    assert b"Research sites near you (5)" in digest.read_bytes()


def test_sources_check_cli_records_states(home: Path) -> None:
    write_registry(home / "sources.toml", [
        {"id": "greenhouse:harborviewresearch", "family": "greenhouse", "employer": "Harborview", "board": "harborviewresearch"},
        {"id": "greenhouse:gone", "family": "greenhouse", "employer": "Gone Board", "board": "gone"},
    ])  # fmt: skip
    server = ReplayServer(DEMO)
    server.recordings.add({"url": "https://boards-api.greenhouse.io/v1/boards/harborviewresearch/jobs",
                           "file": "greenhouse_harborviewresearch.json"}, DEMO)  # fmt: skip
    with server:
        result = cli("sources", "check", "--replay", server.url)
    assert result.returncode == 1
    assert "harborviewresearch: ok: 5 postings listed" in result.stdout and "wrong_identifier" in result.stdout
    text = (home / "sources.toml").read_text()
    assert 'verified = "ok"' in text and 'verified = "wrong_identifier"' in text


def test_scrapy_list_and_crawl_from_the_repository_root(tmp_path: Path, home: Path) -> None:
    """`scrapy list` and `scrapy crawl greenhouse -a source=...` work as documented."""
    root = Path(__file__).resolve().parents[1]
    listed = subprocess.run([sys.executable, "-m", "scrapy", "list"], cwd=root, capture_output=True, text=True, timeout=120)
    families = set(listed.stdout.split())
    assert listed.returncode == 0 and {"greenhouse", "lever", "workday", "usajobs", "phenom", "clinicaltrials"} <= families
    registry = write_registry(tmp_path / "sources.toml", [
        {"id": "greenhouse:harborviewresearch", "family": "greenhouse", "employer": "Harborview Clinical Research",
         "board": "harborviewresearch"},
    ])  # fmt: skip
    db_path = tmp_path / "jobs.db"
    with ReplayServer(DEMO) as server:
        argv = [sys.executable, "-m", "scrapy", "crawl", "greenhouse", "-a", "source=greenhouse:harborviewresearch",
                "-s", f"REPLAY_URL={server.url}", "-s", f"RESEARCHJOBS_REGISTRY={registry}",
                "-s", f"RESEARCHJOBS_DB={db_path}", "-s", "LOG_LEVEL=WARNING"]  # fmt: skip
        argv += [a for k, v in FAST.items() for a in ("-s", f"{k}={v}")]
        crawled = subprocess.run(argv, cwd=root, capture_output=True, text=True, timeout=180)
    assert crawled.returncode == 0, crawled.stderr
    from researchjobs.storage.db import open_db

    db = open_db(db_path)
    assert next(db.query("SELECT outcome, seen FROM crawl_runs")) == {"outcome": "ok", "seen": 5}
