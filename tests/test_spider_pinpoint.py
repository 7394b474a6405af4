"""Pinpoint crawled for real over HTTP against the replay server, and its parser offline."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import FIXTURES, crawl_with, needs_real, real_fixture_files
from typer.testing import CliRunner

from researchjobs.cli import app
from researchjobs.enrich.normalise import normalise
from researchjobs.replay import Recordings
from researchjobs.spiders import pinpoint
from researchjobs.spiders.base import ParseContext

REPLAY = FIXTURES / "replay" / "pinpoint"

CEDARBROOK = {"id": "pinpoint:cedarbrook", "family": "pinpoint", "employer": "Cedarbrook Clinical Trials",
              "employer_type": "site_network", "company": "cedarbrooktrials"}  # fmt: skip
HILLCREST = {"id": "pinpoint:hillcrest", "family": "pinpoint", "employer": "Hillcrest Research",
             "employer_type": "site_network", "company": "hillcrestresearch"}  # fmt: skip
OAKMONT = {"id": "pinpoint:oakmont", "family": "pinpoint", "employer": "Oakmont Clinical",
           "employer_type": "site_network", "company": "oakmontclinical"}  # fmt: skip


def test_postings_crawled_with_sections_pay_and_workplace(tmp_path: Path) -> None:
    rec = Recordings().load_dir(REPLAY)
    result = crawl_with(tmp_path, rec, [CEDARBROOK, HILLCREST, OAKMONT])
    run = result.runs[CEDARBROOK["id"]]
    assert run["outcome"] == "ok", run["error_summary"]
    assert run["seen"] == 4
    warnings = result.stats(CEDARBROOK["id"])["warnings"]
    assert len(warnings) == 1 and "data[4]" in warnings[0]
    assert [u for u in rec.unmatched if "robots.txt" not in u] == []
    rows = {p["source_job_id"]: p for p in result.postings(CEDARBROOK["id"])}
    crc = rows["612004"]
    assert crc["title"] == "Clinical Research Coordinator"
    assert crc["url"] == "https://cedarbrooktrials.pinpointhq.com/en/postings/0f6b1d3e-8c2a-4e57-b9d4-3a71c2e5f809"
    assert crc["employer"] == "Cedarbrook Clinical Trials" and crc["employer_type"] == "site_network"
    assert (crc["location_raw"], crc["city"], crc["state"]) == ("Nashville, TN", "Nashville", "TN")
    assert crc["requisition_id"] == "CCT-2026-031" and crc["department"] == "Clinical Operations"
    assert crc["workplace_raw"] == "onsite" and crc["employment_type"] == "Full Time"
    assert crc["salary_raw"] == "$52,000 - $61,000 / year"
    assert (crc["salary_min"], crc["salary_max"], crc["salary_period"]) == (52000, 61000, "year")
    assert "<h3>What you'll bring</h3>" in crc["description_html"] and "<h3>Benefits</h3>" in crc["description_html"]
    assert "foreign medical degree (MD/MBBS/MBChB)" in crc["description"]
    extra = json.loads(crc["extra"])
    assert extra["custom_group"] == {"title": "Site", "name": "Cedarbrook Nashville"}
    assert extra["reporting_to"] == "Director of Clinical Operations" and extra["postal_code"] == "37203"
    assert rows["612011"]["location_raw"] == "Franklin, Tennessee" and rows["612011"]["salary_period"] == "hour"
    remote = rows["612019"]
    assert (remote["location_raw"], remote["workplace_raw"], remote["remote"]) == ("Remote - US", "remote", "remote")
    assert remote["valid_through"] == "2027-01-01T05:59:59Z"
    hidden = rows["612026"]  # pay not shown on the page is not taken
    assert hidden["base_salary"] is None and hidden["salary_raw"] is None and hidden["workplace_raw"] == "hybrid"
    empty = result.runs[HILLCREST["id"]]
    assert (empty["outcome"], empty["seen"]) == ("ok", 0)
    broken = result.runs[OAKMONT["id"]]
    assert broken["outcome"] == "failed" and "malformed Pinpoint JSON" in broken["error_summary"]


def test_board_url_shape() -> None:
    assert pinpoint.board_url("cedarbrooktrials") == "https://cedarbrooktrials.pinpointhq.com/postings.json"


@needs_real
@pytest.mark.parametrize(
    "path", real_fixture_files("pinpoint") or [None], ids=lambda p: getattr(p, "name", "none")
)
def test_real_samples_parse(path: Path | None) -> None:
    if path is None:
        pytest.skip("no real Pinpoint samples")
    data = json.loads(path.read_bytes())
    ctx = ParseContext(source_id="pinpoint:sample", family="pinpoint", crawled_at="2026-11-14T12:00:00Z")
    postings = [normalise(p) for p in pinpoint.parse_any(path.read_bytes(), ctx)]
    assert [p.source_job_id for p in postings] == [item["id"] for item in data["data"]] and not ctx.warnings
    for posting, item in zip(postings, data["data"], strict=True):
        assert posting.title == item["title"] and posting.url == item["url"]
        assert posting.employer == "trilongroup"  # the board, from the posting's own link
        assert posting.requisition_id == item["job"]["requisition_id"]
        assert posting.workplace_raw == item["workplace_type"]
        assert posting.salary_raw == item["compensation"]
        assert posting.base_salary["min"] == item["compensation_minimum"]
        assert posting.base_salary["period"] == item["compensation_frequency"]
        assert posting.location_raw and posting.location_raw == posting.location_raw.strip()
        assert posting.extra["custom_group"]["title"] == "Partner Company"


def test_cli_parse_postings() -> None:
    result = CliRunner().invoke(app, ["parse", "pinpoint", str(REPLAY / "cedarbrook_postings.json")])
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.stdout.splitlines() if line.strip()]
    assert [p["source_job_id"] for p in lines] == ["612004", "612011", "612019", "612026"]
    assert all(p["url"].startswith("https://cedarbrooktrials.pinpointhq.com/en/postings/") for p in lines)
