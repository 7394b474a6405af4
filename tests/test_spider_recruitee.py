"""Recruitee crawled for real over HTTP against the replay server, and its parser offline."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import FIXTURES, crawl_with, needs_real, real_fixture_files
from typer.testing import CliRunner

from researchjobs.cli import app
from researchjobs.enrich.normalise import normalise
from researchjobs.replay import Recordings
from researchjobs.spiders import recruitee
from researchjobs.spiders.base import ParseContext

REPLAY = FIXTURES / "replay" / "recruitee"

MERIDIAN = {"id": "recruitee:meridian", "family": "recruitee", "employer": "Meridian Research Network",
            "employer_type": "site_network", "company": "meridianresearchnetwork"}  # fmt: skip
LAKEVIEW = {"id": "recruitee:lakeview", "family": "recruitee", "employer": "Lakeview Research",
            "employer_type": "site_network", "company": "lakeviewresearch"}  # fmt: skip
SUMMIT = {"id": "recruitee:summit", "family": "recruitee", "employer": "Summit Clinical",
          "employer_type": "site_network", "company": "summitclinical"}  # fmt: skip


def test_offers_crawled_with_pay_places_and_flags(tmp_path: Path) -> None:
    rec = Recordings().load_dir(REPLAY)
    result = crawl_with(tmp_path, rec, [MERIDIAN, LAKEVIEW, SUMMIT])
    run = result.runs[MERIDIAN["id"]]
    assert run["outcome"] == "ok", run["error_summary"]
    assert run["seen"] == 4
    warnings = result.stats(MERIDIAN["id"])["warnings"]
    assert len(warnings) == 1 and "offers[4]" in warnings[0] and "without id or title" in warnings[0]
    assert [u for u in rec.unmatched if "robots.txt" not in u] == []
    rows = {p["source_job_id"]: p for p in result.postings(MERIDIAN["id"])}
    crc = rows["2891004"]
    assert crc["title"] == "Clinical Research Coordinator I"
    assert crc["url"] == "https://meridianresearchnetwork.recruitee.com/o/clinical-research-coordinator-i-columbus"
    assert crc["apply_url"].endswith("/c/new")
    assert crc["employer"] == "Meridian Research Network" and crc["employer_type"] == "site_network"
    assert crc["location_raw"] == "Columbus, Ohio, United States" and crc["country_raw"] == "US"
    assert crc["workplace_raw"] == "onsite" and crc["employment_type"] == "fulltime_permanent"
    assert crc["date_published"] == "2026-11-09T14:22:05Z"
    assert (crc["salary_min"], crc["salary_max"], crc["salary_period"]) == (50000, 58000, "year")
    assert "MD/MBBS degrees from outside the US are accepted" in crc["description"]
    extra = json.loads(crc["extra"])
    assert extra["experience_code"] == "entry_level" and extra["location_names"] == ["Columbus, OH"]
    assert "require sponsorship" in extra["application_questions"][0]
    ra = rows["2891011"]
    assert json.loads(ra["locations_raw"]) == [
        "Indianapolis, Indiana, United States",
        "Louisville, Kentucky, United States",
    ]
    assert (ra["salary_min"], ra["salary_max"], ra["salary_period"]) == (19, 22, "hour")
    data = rows["2891019"]
    assert data["location_raw"] == "Remote job" and data["workplace_raw"] == "remote"
    assert data["base_salary"] is None and data["valid_through"] == "2026-12-15T23:59:00Z"
    regulatory = rows["2891026"]
    assert regulatory["workplace_raw"] == "hybrid" and json.loads(regulatory["base_salary"])["max"] == 68000
    empty = result.runs[LAKEVIEW["id"]]
    assert (empty["outcome"], empty["seen"]) == ("ok", 0)
    missing = result.runs[SUMMIT["id"]]
    assert missing["outcome"] == "failed" and "Page not found - Recruitee" in missing["error_summary"]


def test_board_url_shape() -> None:
    assert recruitee.board_url("meridianresearchnetwork") == (
        "https://meridianresearchnetwork.recruitee.com/api/offers/"
    )


def test_salary_needs_a_bound() -> None:
    assert recruitee.salary({"min": None, "max": None, "period": "year", "currency": "USD"}) is None
    assert recruitee.salary({"min": "55", "max": "60", "period": "hour", "currency": "USD"}) == {
        "min": 55.0, "max": 60.0, "currency": "USD", "period": "hour", "raw": None
    }


@needs_real
@pytest.mark.parametrize(
    "path", real_fixture_files("recruitee") or [None], ids=lambda p: getattr(p, "name", "none")
)
def test_real_samples_parse(path: Path | None) -> None:
    if path is None:
        pytest.skip("no real Recruitee samples")
    data = json.loads(path.read_bytes())
    ctx = ParseContext(source_id="recruitee:sample", family="recruitee", crawled_at="2026-11-14T12:00:00Z")
    postings = [normalise(p) for p in recruitee.parse_any(path.read_bytes(), ctx)]
    assert [p.source_job_id for p in postings] == [str(o["id"]) for o in data["offers"]] and not ctx.warnings
    for posting, offer in zip(postings, data["offers"], strict=True):
        assert posting.title == offer["title"] and posting.url == offer["careers_url"]
        assert posting.employer == offer["company_name"] and posting.location_raw == offer["location"]
        assert posting.date_published and posting.date_published.startswith(offer["published_at"][:10])
        assert len(posting.locations_raw) == len({(x["city"], x["state"]) for x in offer["locations"]})
        flags = {"remote": offer["remote"], "hybrid": offer["hybrid"], "onsite": offer["on_site"]}
        assert flags.get(posting.workplace_raw or "") is True
        if offer["salary"]["min"] is None and offer["salary"]["max"] is None:
            assert posting.base_salary is None
        else:
            assert posting.base_salary["min"] == float(offer["salary"]["min"])
            assert posting.base_salary["period"] == offer["salary"]["period"]


def test_cli_parse_offers() -> None:
    result = CliRunner().invoke(app, ["parse", "recruitee", str(REPLAY / "meridian_offers.json")])
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.stdout.splitlines() if line.strip()]
    assert [p["source_job_id"] for p in lines] == ["2891004", "2891011", "2891019", "2891026"]
    assert lines[0]["base_salary"]["min"] == 50000 and lines[0]["date_published"] == "2026-11-09T14:22:05Z"
