"""Breezy HR crawled for real over HTTP against the replay server, and its parser offline."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import FIXTURES, crawl_with, needs_real, real_fixture_files
from typer.testing import CliRunner

from researchjobs.cli import app
from researchjobs.enrich.normalise import normalise
from researchjobs.replay import Recordings
from researchjobs.spiders import breezy
from researchjobs.spiders.base import ParseContext

REPLAY = FIXTURES / "replay" / "breezy"

TIDEWATER = {"id": "breezy:tidewater", "family": "breezy", "employer": "Tidewater Clinical Research",
             "employer_type": "site_network", "company": "tidewater-clinical-research"}  # fmt: skip
BAYSHORE = {"id": "breezy:bayshore", "family": "breezy", "employer": "Bayshore Research",
            "employer_type": "site_network", "company": "bayshore-research"}  # fmt: skip
PIEDMONT = {"id": "breezy:piedmont", "family": "breezy", "employer": "Piedmont Allergy Research",
            "employer_type": "site_network", "company": "piedmont-allergy-research"}  # fmt: skip


def test_board_crawled_with_text_pay_and_places(tmp_path: Path) -> None:
    rec = Recordings().load_dir(REPLAY)
    result = crawl_with(tmp_path, rec, [TIDEWATER, BAYSHORE, PIEDMONT])
    run = result.runs[TIDEWATER["id"]]
    assert run["outcome"] == "ok", run["error_summary"]
    assert run["seen"] == 5
    warnings = result.stats(TIDEWATER["id"])["warnings"]
    assert len(warnings) == 1 and "positions[5]" in warnings[0]
    assert [u for u in rec.unmatched if "robots.txt" not in u] == []
    rows = {p["source_job_id"]: p for p in result.postings(TIDEWATER["id"])}
    crc = rows["a41c0e92b7d3"]
    assert crc["title"] == "Clinical Research Coordinator (Norfolk)"
    assert crc["url"] == (
        "https://tidewater-clinical-research.breezy.hr/p/a41c0e92b7d3-clinical-research-coordinator-norfolk"
    )
    assert crc["employer"] == "Tidewater Clinical Research" and crc["employer_type"] == "site_network"
    assert (crc["location_raw"], crc["country_raw"], crc["state"]) == ("Norfolk, VA", "US", "VA")
    assert crc["employment_type"] == "Full-Time" and crc["department"] == "Clinical Operations"
    assert crc["date_published"] == "2026-11-10T15:02:41Z"
    assert crc["salary_raw"] == "$50,000 – $58,000 / year"
    assert (crc["salary_min"], crc["salary_max"], crc["salary_period"]) == (50000, 58000, "year")
    assert "medical graduates trained abroad" in crc["description"] and crc["visa"] == "explicit_no"
    assistant = rows["7f30d5c1e8a2"]
    assert json.loads(assistant["locations_raw"]) == ["Virginia Beach, VA", "Norfolk, VA"]
    assert (assistant["salary_min"], assistant["salary_period"]) == (18, "hour")
    remote = rows["e915a3d8b64c"]
    assert remote["workplace_raw"] == "Fully remote, within chosen location(s)" and remote["remote"] == "remote"
    assert json.loads(remote["extra"])["remote_details"] == "remote-location"
    assert rows["c2b9e4a7f015"]["salary_raw"] is None  # "" is no pay
    assert rows["3d6f8b0a2c91"]["department"] is None and rows["3d6f8b0a2c91"]["employment_type"] == "Part-Time"
    empty = result.runs[BAYSHORE["id"]]
    assert (empty["outcome"], empty["seen"]) == ("ok", 0)
    broken = result.runs[PIEDMONT["id"]]
    assert broken["outcome"] == "failed" and "malformed Breezy JSON" in broken["error_summary"]


def test_board_url_asks_for_the_text() -> None:
    assert breezy.board_url("tidewater-clinical-research") == (
        "https://tidewater-clinical-research.breezy.hr/json?verbose=true"
    )


@needs_real
@pytest.mark.parametrize("path", real_fixture_files("breezy") or [None], ids=lambda p: getattr(p, "name", "none"))
def test_real_samples_parse(path: Path | None) -> None:
    if path is None:
        pytest.skip("no real Breezy samples")
    data = json.loads(path.read_bytes())
    ctx = ParseContext(source_id="breezy:sample", family="breezy", crawled_at="2026-11-14T12:00:00Z")
    postings = [normalise(p) for p in breezy.parse_any(path.read_bytes(), ctx)]
    assert [p.source_job_id for p in postings] == [job["id"] for job in data] and not ctx.warnings
    for posting, job in zip(postings, data, strict=True):
        # The capture joins two companies' boards: each job keeps its own company and link.
        assert posting.employer == job["company"]["name"] and posting.url == job["url"]
        assert posting.location_raw == job["location"]["name"]
        assert posting.salary_raw == (job["salary"] or None)
        assert posting.date_published and posting.date_published.startswith(job["published_date"][:19])
        assert (posting.workplace_raw is not None) == job["location"]["is_remote"]


def test_cli_parse_board_and_one_position(tmp_path: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(app, ["parse", "breezy", str(REPLAY / "tidewater_board.json")])
    assert result.exit_code == 0, result.output
    assert len([line for line in result.stdout.splitlines() if line.strip()]) == 5
    single = tmp_path / "position.json"
    single.write_text(json.dumps(json.loads((REPLAY / "tidewater_board.json").read_text())[1]))
    result = runner.invoke(app, ["parse", "breezy", str(single)])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["title"] == "Clinical Research Assistant"
