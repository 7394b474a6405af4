"""`jobs`, `show`, `stats`, `export` and `serve` as a user runs them, on the fixture database."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from data.query.fixture_db import XSS_EMPLOYER, XSS_TITLE, build
from typer.testing import CliRunner, Result

from researchjobs.cli import UserError, app

runner = CliRunner()


@pytest.fixture
def keys(home: Path) -> dict[str, str]:
    return build(home / "researchjobs.db")


def invoke(*args: str, env: dict[str, str] | None = None) -> Result:
    return runner.invoke(app, list(args), env={"COLUMNS": "200", **(env or {})})


def json_keys(*args: str) -> set[str]:
    result = invoke("jobs", *args, "--format", "json")
    assert result.exit_code == 0, result.output
    return {r["key"] for r in json.loads(result.stdout)}


def user_error(result: Result) -> str:
    assert result.exit_code == 1
    assert isinstance(result.exception, UserError), result.output
    return str(result.exception)


def test_jobs_every_filter_from_the_command_line(keys: dict[str, str]) -> None:
    k = keys
    assert json_keys("--role", "crc", "--level", "entry") == {k["crc_boston"], k["crc_boston_dup"], k["crc_cambridge"]}
    assert json_keys("--state", "NY,TX") == {k["crc_nyc_mid"], k["dc_remote"], k["ra_houston_senior"]}
    assert json_keys("--near", "Boston, MA", "--within", "50") == {k["crc_boston"], k["crc_boston_dup"],
                                                                   k["crc_cambridge"], k["ra_worcester"]}  # fmt: skip
    assert json_keys("--remote") == {k["dc_remote"]}
    assert json_keys("--visa", "possible") == {k["crc_boston"], k["crc_nyc_mid"]}
    assert k["ra_worcester"] not in json_keys("--visa", "not-refused")
    assert json_keys("--cap-exempt", "--state", "TX") == {k["ra_houston_senior"]}
    assert json_keys("--max-experience", "12", "--role", "crc") == {k["crc_boston"], k["crc_boston_dup"],
                                                                    k["crc_cambridge"]}  # fmt: skip
    assert json_keys("--salary-min", "45000") == {k["crc_boston"], k["ra_worcester"], k["crc_nyc_mid"]}
    assert json_keys("--employer-type", "university") == {k["crc_boston"], k["crc_boston_dup"], k["ra_worcester"]}
    assert json_keys("--since", "36h") == {k["crc_nyc_mid"]}
    assert json_keys("--q", "cardiology", "--include-closed") == {k["crc_cambridge"]}
    assert json_keys("--q", "pediatric", "--include-closed") == {k["crc_providence_closed"]}
    assert json_keys("--employer", "lakeshore") == {k["crc_cambridge"]}


def test_jobs_formats(keys: dict[str, str]) -> None:
    table = invoke("jobs", "--role", "crc", "--limit", "2")
    assert table.exit_code == 0 and "2 of 4 postings" in table.stdout and "Clinical Research Coordinator" in table.stdout
    nd = invoke("jobs", "--role", "crc", "--format", "ndjson")
    lines = [json.loads(line) for line in nd.stdout.splitlines()]
    assert len(lines) == 4 and {"role_family", "visa", "cap_exempt", "salary_annual_min"} <= set(lines[0])
    rows = list(csv.DictReader(io.StringIO(invoke("jobs", "--near", "Boston, MA", "--format", "csv").stdout)))
    assert sorted(float(r["miles"]) for r in rows) == [0.0, 0.0, 2.6]


def test_jobs_bad_input_is_one_line_user_error(keys: dict[str, str]) -> None:
    assert "--visa must be one of" in user_error(invoke("jobs", "--visa", "yes"))
    assert "add the state" in user_error(invoke("jobs", "--near", "Portland"))
    assert "two-letter" in user_error(invoke("jobs", "--state", "Massachusetts"))
    assert "--within needs --near" in user_error(invoke("jobs", "--within", "5"))
    assert "--format must be one of" in user_error(invoke("jobs", "--format", "xml"))
    assert invoke("jobs", "--max-experience", "lots").exit_code == 2  # Typer's own type check


def test_jobs_unknown_value_gets_a_note(keys: dict[str, str]) -> None:
    result = invoke("jobs", "--role", "crx")
    assert result.exit_code == 0
    assert "no stored posting has --role crx" in result.stderr


def test_jobs_open_prints_link_without_display(keys: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    monkeypatch.setattr("webbrowser.open", lambda *a, **k: pytest.fail("opened a browser without a display"))
    result = invoke("jobs", "--q", "cardiology", "--open")
    assert result.exit_code == 0
    assert result.stdout.strip().endswith("https://jobs.example.org/greenhouse/lakeshore/201")


def test_jobs_open_uses_browser_with_display(keys: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> None:
    opened: list[str] = []
    monkeypatch.setenv("DISPLAY", ":0")
    monkeypatch.setattr("webbrowser.open", lambda url, new=0: opened.append(url) or True)
    result = invoke("jobs", "--q", "cardiology", "--open", "--format", "json")
    assert result.exit_code == 0
    json.loads(result.stdout)  # the link did not pollute machine output
    assert opened == ["https://jobs.example.org/greenhouse/lakeshore/201"]
    # A javascript: link from a scraped page is never handed to the browser.
    opened.clear()
    invoke("jobs", "--state", "RI", "--open")
    assert opened == []


DEMO_PROFILE = Path(__file__).resolve().parents[1] / "researchjobs" / "data" / "demo" / "profiles" / "amina.toml"


def test_jobs_profile_shows_only_what_is_open_to_her_ranked(keys: dict[str, str], home: Path) -> None:
    # Amina needs an H-1B, wants entry/mid CRC-like work within 30 miles of Boston or Houston,
    # or remote. Worcester (refuses sponsorship, 39 mi), Houston senior (refuses, senior) and
    # New York (190 mi) are closed to her; the Boston duplicate collapses into its cluster.
    (home / "profiles").mkdir(exist_ok=True)
    (home / "profiles" / "amina.toml").write_text(DEMO_PROFILE.read_text(encoding="utf-8"), encoding="utf-8")
    result = invoke("jobs", "--profile", "amina", "--format", "json")
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert [r["key"] for r in rows] == [keys["crc_boston"], keys["crc_cambridge"], keys["dc_remote"]]
    assert rows[0]["score"] >= rows[1]["score"] >= rows[2]["score"] and rows[0]["why"]
    narrowed = json.loads(invoke("jobs", "--profile", "amina", "--state", "MA", "--format", "json").stdout)
    assert [r["key"] for r in narrowed] == [keys["crc_boston"], keys["crc_cambridge"]]
    assert [r["key"] for r in json.loads(invoke("jobs", "--profile", "amina", "--limit", "1", "--format", "json").stdout)] == [
        keys["crc_boston"]]  # fmt: skip
    table = invoke("jobs", "--profile", "amina")
    assert table.exit_code == 0 and "entry-level CRC" in table.stdout
    exported = list(csv.DictReader(io.StringIO(invoke("export", "--profile", "amina", "--remote").stdout)))
    assert [r["key"] for r in exported] == [keys["dc_remote"]] and "score" in exported[0]


def test_jobs_unknown_profile_is_a_user_error(keys: dict[str, str]) -> None:
    assert "nobody.toml" in user_error(invoke("jobs", "--profile", "nobody"))
    assert "cannot be a profile name" in user_error(invoke("jobs", "--profile", "../etc/passwd"))


def test_show_table_has_facts_evidence_history_duplicates(keys: dict[str, str]) -> None:
    result = invoke("show", keys["crc_boston"][:8])
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "We welcome applicants who require visa sponsorship." in out  # visa evidence
    assert "university (non-profit institution of higher education)" in out  # cap-exempt reason
    assert "updated" in out and "salary_raw" in out  # history
    assert "lever:harborview" in out  # the duplicate in its cluster
    assert "Co-ordinate oncology trials" in out  # description


def test_show_json(keys: dict[str, str]) -> None:
    result = invoke("show", keys["crc_providence_closed"], "--format", "json")
    detail = json.loads(result.stdout)
    assert detail["status"]["open"] is False and detail["status"]["closed_at"]
    assert [h["change"] for h in detail["history"]] == ["new", "closed"]
    assert detail["duplicates"] == []
    boston = json.loads(invoke("show", keys["crc_boston"], "--format", "json").stdout)
    facts = {f["fact"]: f for f in boston["facts"]}
    assert facts["visa"]["value"] == "possible"
    assert facts["visa"]["evidence"] == "We welcome applicants who require visa sponsorship."
    assert facts["salary_annual_min"]["evidence"] == "$52,000 - $60,000 per year"
    assert [d["key"] for d in boston["duplicates"]] == [keys["crc_boston_dup"]]


def test_show_scraped_markup_is_printed_literally(keys: dict[str, str]) -> None:
    result = invoke("show", keys["xss"])
    assert result.exit_code == 0
    assert XSS_TITLE in result.stdout and XSS_EMPLOYER in result.stdout


def test_show_errors(keys: dict[str, str]) -> None:
    assert "no posting with id" in user_error(invoke("show", "0000000000000000"))
    assert "not a posting id" in user_error(invoke("show", "nope"))


def test_stats_table_json_and_plot(keys: dict[str, str], tmp_path: Path) -> None:
    result = invoke("stats", "--weeks", "6")
    assert result.exit_code == 0, result.output
    assert "8 open, 1 closed" in result.stdout and "new and closed per week" in result.stdout
    assert "research_assistant" in result.stdout and "Bayou Trials" in result.stdout
    data = json.loads(invoke("stats", "--format", "json", "--weeks", "6").stdout)
    assert len(data["weekly"]) == 6 and sum(w["closed"] for w in data["weekly"]) == 1
    png = tmp_path / "charts" / "stats.png"
    plotted = invoke("stats", "--plot", str(png))
    assert plotted.exit_code == 0, plotted.output
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 10_000
    assert "ending in .png" in user_error(invoke("stats", "--plot", str(tmp_path / "x.jpg")))


def test_export_formats_and_filters(keys: dict[str, str]) -> None:
    result = invoke("export", "--format", "csv", "--role", "crc", "--state", "MA")
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert {r["key"] for r in rows} == {keys["crc_boston"], keys["crc_boston_dup"], keys["crc_cambridge"]}
    assert "description" in rows[0] and "facts_json" in rows[0] and "description_html_raw" not in rows[0]
    everything = json.loads(invoke("export", "--format", "json", "--include-closed").stdout)
    assert len(everything) == len(keys)
    nd = invoke("export", "--format", "ndjson", "--near", "Boston, MA", "--within", "50", "--limit", "1").stdout
    assert len(nd.splitlines()) == 1
    assert "--format must be one of csv, json, ndjson" in user_error(invoke("export", "--format", "table"))


def test_serve_print_metadata_and_missing_database(home: Path) -> None:
    result = invoke("serve", "--print-metadata")
    assert result.exit_code == 0 and "fts_table: postings_fts" in result.stdout
    assert "no database yet" in user_error(invoke("serve", "--db", str(home / "absent.db")))


def test_real_entry_point_prints_one_line_error(home: Path) -> None:
    build(home / "researchjobs.db")
    proc = subprocess.run([sys.executable, "-m", "researchjobs", "jobs", "--near", "Atlantis"],
                          capture_output=True, text=True, timeout=120, env={**os.environ, "COLUMNS": "200"})  # fmt: skip
    assert proc.returncode == 1
    assert proc.stderr.strip().count("\n") == 0 and proc.stderr.startswith("error: --near 'Atlantis'")
