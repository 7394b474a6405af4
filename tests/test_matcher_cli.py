"""`researchjobs profile ...` and `researchjobs match` as a user runs them."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from test_matcher_support import RELEVANCE, insert, load_relevance
from typer.testing import CliRunner

from researchjobs.cli import UserError, app
from researchjobs.storage.db import open_db

runner = CliRunner()
DEMO_PROFILE = Path(__file__).resolve().parents[1] / "researchjobs" / "data" / "demo" / "profiles" / "amina.toml"


def cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "researchjobs", *args], capture_output=True, text=True,
                          env={**os.environ, "COLUMNS": "200"}, timeout=180)  # fmt: skip


def test_profile_new_check_list_show(home: Path) -> None:
    made = runner.invoke(app, ["profile", "new", "zara"])
    assert made.exit_code == 0, made.output
    assert (home / "profiles" / "zara.toml").exists()
    again = runner.invoke(app, ["profile", "new", "zara"])
    assert isinstance(again.exception, UserError) and "already exists" in str(again.exception)
    checked = runner.invoke(app, ["profile", "check"])
    assert checked.exit_code == 0 and "ok" in checked.stdout
    listed = runner.invoke(app, ["profile", "list", "--format", "json"])
    assert [p["name"] for p in json.loads(listed.stdout)] == ["zara"]
    shown = runner.invoke(app, ["profile", "show", "zara", "--format", "json"])
    data = json.loads(shown.stdout)
    assert data["work_authorization"] == "needs_h1b" and data["needs_sponsorship"] is True and data["profile_hash"]


def test_profile_check_exits_1_with_one_line_errors(home: Path) -> None:
    profiles = home / "profiles"
    profiles.mkdir(exist_ok=True)
    shutil.copy(DEMO_PROFILE, profiles / "amina.toml")
    (profiles / "broken.toml").write_text('roles = ["CRC"]\nwork_authorization = "visa"\n')
    result = cli("profile", "check")
    assert result.returncode == 1
    assert "ok" in result.stdout and "amina.toml" in result.stdout
    assert "broken.toml:2: work_authorization: 'visa' is not allowed; use one of needs_h1b" in result.stderr.replace("\n", "")
    single = cli("profile", "check", "amina")
    assert single.returncode == 0
    missing = cli("match", "--profile", "nobody")
    assert missing.returncode == 1 and "no profile 'nobody'" in missing.stderr


def test_match_runs_then_prints(home: Path) -> None:
    profiles = home / "profiles"
    profiles.mkdir(exist_ok=True)
    for name in ("boston_h1b", "texas_spanish"):
        shutil.copy(RELEVANCE / "profiles" / f"{name}.toml", profiles / f"{name}.toml")
    db = open_db(home / "researchjobs.db")
    insert(db, [r for r in load_relevance() if not r["closed"]], now="2026-11-19T06:00:00Z")
    db.conn.close()
    result = runner.invoke(app, ["match", "--format", "json", "--top", "3"])
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert [item["profile"] for item in out] == ["boston_h1b", "texas_spanish"]
    assert all(len(item["matches"]) == 3 and all(m["eligible"] for m in item["matches"]) for item in out)
    assert out[0]["summary"]["mode"] == "full"
    again = runner.invoke(app, ["match", "--profile", "boston_h1b", "--format", "json", "--show-ineligible", "--top", "200"])
    item = json.loads(again.stdout)[0]
    assert item["summary"]["mode"] == "incremental"
    assert any(not m["eligible"] and m["gates"] for m in item["matches"])
    table = runner.invoke(app, ["match", "--profile", "texas_spanish", "--top", "2"], env={"COLUMNS": "250"})
    assert table.exit_code == 0 and "eligible" in table.stdout and "+ Spanish" in table.stdout
    bad = runner.invoke(app, ["match", "--format", "csv"])
    assert isinstance(bad.exception, UserError)


def test_match_without_profiles_says_how_to_make_one(home: Path) -> None:
    result = runner.invoke(app, ["match"])
    assert isinstance(result.exception, UserError) and "profile new" in str(result.exception)
