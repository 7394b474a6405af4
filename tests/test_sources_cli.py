"""`sources list` filters and `sources stats`, run as a user runs them.

The small registry below is written into a fresh data directory, so every count the
commands print can be stated exactly; one test reads the packaged registry and checks
that the summary adds up to the entries it lists.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import write_registry
from typer.testing import CliRunner

from researchjobs.cli import UserError, app
from researchjobs.sources import EMPLOYER_TYPES, FAMILY_PARAMS, VERIFICATION_STATES

ENTRIES = [
    {"id": "greenhouse:harborviewresearch", "family": "greenhouse", "employer": "Harborview Clinical Research",
     "employer_type": "site_network", "board": "harborviewresearch", "notes": "evidence: Mg (plausible)"},
    {"id": "lever:lakeshoretrials", "family": "lever", "employer": "Lakeshore Trials", "employer_type": "site_network",
     "site": "lakeshoretrials", "enabled": False, "notes": "evidence: Ml (plausible); a second board exists"},
    {"id": "workday:northbridgecro", "family": "workday", "employer": "Northbridge Clinical CRO", "employer_type": "cro",
     "host": "northbridgecro.wd5.myworkdayjobs.com", "tenant": "northbridgecro", "site": "External",
     "verified": "reachable", "notes": "evidence: Mw (plausible)"},
    {"id": "workday:saltmarshhealth", "family": "workday", "employer": "Saltmarsh University Health",
     "employer_type": "academic_medical_centre", "host": "saltmarshhealth.wd1.myworkdayjobs.com",
     "tenant": "saltmarshhealth", "site": "careers", "search": ["clinical research"], "notes": "evidence: W (confirmed)"},
]  # fmt: skip


runner = CliRunner()


def run(*args: str) -> str:
    """A command that should succeed, in process (fast); its standard output."""
    result = runner.invoke(app, list(args), env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    return result.stdout


def cli(*args: str) -> subprocess.CompletedProcess:
    """The real console entry point: exit codes and one-line errors as users see them."""
    return subprocess.run(
        [sys.executable, "-m", "researchjobs", *args],
        capture_output=True,
        text=True,
        env={**os.environ, "COLUMNS": "200"},
        timeout=120,
    )


@pytest.fixture
def small_registry(home: Path) -> Path:
    return write_registry(home / "sources.toml", ENTRIES)


def listed(*args: str) -> list[dict]:
    return json.loads(run("sources", "list", "--format", "json", *args))


def test_list_filters_by_type_and_by_family(small_registry: Path) -> None:
    assert [r["id"] for r in listed("--type", "site_network")] == ["greenhouse:harborviewresearch", "lever:lakeshoretrials"]
    assert [r["id"] for r in listed("--family", "workday")] == ["workday:northbridgecro", "workday:saltmarshhealth"]
    assert [r["id"] for r in listed("--family", "workday", "--type", "cro")] == ["workday:northbridgecro"]
    assert listed("--family", "lever", "--type", "cro") == []
    row = listed("--type", "site_network")[1]
    assert row["enabled"] is False
    assert row["params"] == {"site": "lakeshoretrials"}
    assert row["notes"] == "evidence: Ml (plausible); a second board exists"


def test_list_table_shows_only_the_chosen_type(small_registry: Path) -> None:
    out = run("sources", "list", "--type", "cro")
    assert "workday:northbridgecro" in out
    assert "harborviewresearch" not in out and "saltmarshhealth" not in out
    assert "1 sources in" in out


@pytest.mark.parametrize(
    ("option", "value", "message"),
    [
        ("--type", "hospital", "unknown employer type 'hospital'; known: university, academic_medical_centre"),
        ("--family", "workdays", "unknown family 'workdays'; known: "),
    ],
)
def test_list_refuses_an_unknown_type_or_family(small_registry: Path, option: str, value: str, message: str) -> None:
    result = cli("sources", "list", option, value)
    assert result.returncode == 1
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and message in lines[0], result.stderr


def test_stats_json_counts_by_type_family_and_verification(small_registry: Path) -> None:
    stats = json.loads(run("sources", "stats", "--format", "json"))
    assert stats["registry"] == str(small_registry)
    assert (stats["total"], stats["enabled"], stats["disabled"]) == (4, 3, 1)
    assert stats["by_type"]["site_network"] == {"total": 2, "enabled": 1, "disabled": 1}
    assert stats["by_type"]["cro"] == {"total": 1, "enabled": 1, "disabled": 0}
    assert stats["by_type"]["university"] == {"total": 0, "enabled": 0, "disabled": 0}
    assert list(stats["by_type"]) == list(EMPLOYER_TYPES)  # every type, zeros included
    assert stats["by_family"]["workday"] == {"total": 2, "enabled": 2, "disabled": 0}
    assert stats["by_family"]["lever"] == {"total": 1, "enabled": 0, "disabled": 1}
    assert set(stats["by_family"]) == set(FAMILY_PARAMS)
    assert stats["by_verification"]["reachable"] == {"total": 1, "enabled": 1, "disabled": 0}
    assert stats["by_verification"]["unverified"] == {"total": 3, "enabled": 2, "disabled": 1}
    assert list(stats["by_verification"]) == list(VERIFICATION_STATES)


def test_stats_table_names_each_group(small_registry: Path) -> None:
    out = run("sources", "stats")
    assert f"4 sources in {small_registry}: 3 enabled, 1 disabled" in out
    for title in ("by employer type", "by family", "by verified"):
        assert title in out
    site_row = next(line for line in out.splitlines() if "site_network" in line)
    assert [cell.strip() for cell in site_row.strip("│ ").split("│")] == ["site_network", "2", "1", "1"]


def test_stats_refuses_an_unknown_format(small_registry: Path) -> None:
    result = runner.invoke(app, ["sources", "stats", "--format", "csv"])
    assert result.exit_code == 1 and result.stdout == ""
    assert isinstance(result.exception, UserError)
    assert str(result.exception) == "--format must be one of table, json, got 'csv'"


def test_stats_of_the_packaged_registry_add_up(home: Path) -> None:
    rows = listed()
    stats = json.loads(run("sources", "stats", "--format", "json"))
    assert stats["total"] == len(rows)
    assert stats["disabled"] == sum(1 for r in rows if not r["enabled"])
    for key in ("by_type", "by_family", "by_verification"):
        assert sum(group["total"] for group in stats[key].values()) == len(rows), key
    by_type = {t: sum(1 for r in rows if r["employer_type"] == t) for t in EMPLOYER_TYPES}
    assert {t: g["total"] for t, g in stats["by_type"].items()} == by_type
