"""Rippling crawled for real over HTTP against the replay server, and its parsers offline.

The detail recordings follow the field names and shapes that public Rippling scrapers
record from ``api.rippling.com`` (``description`` sections, ``workLocations``,
``department_tree``, ``employmentType`` {label, id}, ``payRangeDetails``, ``createdOn``).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import FIXTURES, crawl_with, needs_real, real_fixture_files
from typer.testing import CliRunner

from researchjobs.cli import app
from researchjobs.enrich.normalise import normalise
from researchjobs.replay import Recordings
from researchjobs.spiders import rippling
from researchjobs.spiders.base import ParseContext, ParseError

REPLAY = FIXTURES / "replay" / "rippling"
API = "https://api.rippling.com/platform/api/ats/v1/board"

HARBORLIGHT = {"id": "rippling:harborlight", "family": "rippling", "employer": "Harborlight Clinical Research",
               "employer_type": "site_network", "board": "harborlight-clinical"}  # fmt: skip
GRANITE = {"id": "rippling:granitestate", "family": "rippling", "employer": "Granite State Clinical Research",
           "employer_type": "site_network", "board": "granite-state-clinical"}  # fmt: skip
SEACOAST = {"id": "rippling:seacoast", "family": "rippling", "employer": "Seacoast Research",
            "employer_type": "site_network", "board": "seacoast-research"}  # fmt: skip
BAYVIEW = {"id": "rippling:bayview", "family": "rippling", "employer": "Bayview Trials",
           "employer_type": "site_network", "board": "bayview-trials"}  # fmt: skip

CRC = "6b1e4f0a-93c2-4d7e-8a51-2f9c0d3b7e16"


def detail_hits(rec: Recordings) -> int:
    return sum(n for key, n in rec.hits.items() if "/harborlight-clinical/jobs/" in key)


def test_rows_merged_by_job_then_one_detail_each(tmp_path: Path) -> None:
    rec = Recordings().load_dir(REPLAY)
    result = crawl_with(tmp_path, rec, [HARBORLIGHT])
    run = result.runs[HARBORLIGHT["id"]]
    assert run["outcome"] == "ok", run["error_summary"]
    assert run["seen"] == 4  # five good rows, one job listed at two places
    warnings = result.stats(HARBORLIGHT["id"])["warnings"]
    assert len(warnings) == 1 and "jobs[5]" in warnings[0]
    assert [u for u in rec.unmatched if "robots.txt" not in u] == []
    assert detail_hits(rec) == 4  # grouped before the details: never one per row
    rows = {p["source_job_id"]: p for p in result.postings(HARBORLIGHT["id"])}
    crc = rows[CRC]
    assert crc["title"] == "Clinical Research Coordinator I"
    assert crc["url"] == f"https://ats.rippling.com/harborlight-clinical/jobs/{CRC}"
    assert crc["employer"] == "Harborlight Clinical Research" and crc["employer_type"] == "site_network"
    assert json.loads(crc["locations_raw"]) == ["Boston, MA", "Quincy, MA"] and crc["multi_location"] == 1
    assert crc["department"] == "Clinical Operations" and crc["employment_type"] == "Salaried, full-time"
    assert crc["date_published"] == "2026-11-04T15:27:08Z"
    pay = json.loads(crc["base_salary"])  # one band per clinic: spanned
    assert (pay["min"], pay["max"], pay["currency"], pay["period"]) == (52000, 64000, "USD", "YEAR")
    assert crc["salary_period"] == "year"
    assert "<h3>Role</h3>" in crc["description_html"] and "medical degree from outside the US" in crc["description"]
    assert crc["visa"] == "explicit_no"
    extra = json.loads(crc["extra"])
    assert extra["team"] == "Dermatology" and extra["employment_type_code"] == "SALARIED_FT" and extra["detail"]
    assert [b["place"] for b in extra["pay_bands"]] == ["Boston, MA", "Quincy, MA"]
    assistant = rows["d2a7c5e8-1f40-4b39-9e6d-74c8a0b15f23"]
    assert (assistant["salary_min"], assistant["salary_max"], assistant["salary_period"]) == (20, 24, "hour")
    remote = rows["3f9d0b62-7ae1-4c85-b2f4-e01a6c93d758"]
    assert remote["base_salary"] is None and remote["remote"] == "remote"


def test_list_only_when_details_are_off(tmp_path: Path) -> None:
    rec = Recordings().load_dir(REPLAY)
    result = crawl_with(tmp_path, rec, [{**HARBORLIGHT, "details": False}])
    run = result.runs[HARBORLIGHT["id"]]
    assert (run["outcome"], run["seen"]) == ("ok", 4)
    assert detail_hits(rec) == 0
    crc = {p["source_job_id"]: p for p in result.postings()}[CRC]
    assert json.loads(crc["locations_raw"]) == ["Boston, MA", "Quincy, MA"] and crc["description"] is None


def test_failures_stay_with_their_own_source(tmp_path: Path) -> None:
    rec = Recordings().load_dir(REPLAY)
    result = crawl_with(tmp_path, rec, [GRANITE, SEACOAST, BAYVIEW])
    granite = result.runs[GRANITE["id"]]
    assert granite["outcome"] == "partial" and "HTTP 404" in granite["error_summary"]
    rows = {p["title"]: p for p in result.postings(GRANITE["id"])}
    assert set(rows) == {"Clinical Research Coordinator", "Research Assistant"}
    assert rows["Research Assistant"]["description"] is None
    assert rows["Clinical Research Coordinator"]["employer"] == "Granite State Clinical Research"
    empty = result.runs[SEACOAST["id"]]
    assert (empty["outcome"], empty["seen"]) == ("ok", 0)
    broken = result.runs[BAYVIEW["id"]]
    assert broken["outcome"] == "failed" and "malformed Rippling JSON" in broken["error_summary"]


def test_url_shapes_and_an_error_answer() -> None:
    assert rippling.list_url("harborlight-clinical") == f"{API}/harborlight-clinical/jobs"
    assert rippling.detail_url("harborlight-clinical", CRC) == f"{API}/harborlight-clinical/jobs/{CRC}"
    ctx = ParseContext(source_id="rippling:x", family="rippling")
    with pytest.raises(ParseError, match="Rippling error response: Not Found"):
        rippling.parse_any(b'{"error": "Not Found"}', ctx)


def test_a_detail_for_another_job_is_refused() -> None:
    ctx = ParseContext(source_id="rippling:harborlight", family="rippling")
    listed = rippling.parse_any((REPLAY / "harborlight_jobs.json").read_bytes(), ctx)
    other = json.loads((REPLAY / "harborlight_job_a84c2e17.json").read_bytes())
    with pytest.raises(ParseError, match="not 6b1e4f0a"):
        rippling.parse_detail(other, ctx, listed[0])


@needs_real
@pytest.mark.parametrize(
    "path", real_fixture_files("rippling") or [None], ids=lambda p: getattr(p, "name", "none")
)
def test_real_samples_parse(path: Path | None) -> None:
    if path is None:
        pytest.skip("no real Rippling samples")
    data = json.loads(path.read_bytes())
    ctx = ParseContext(source_id="rippling:sample", family="rippling", crawled_at="2026-11-14T12:00:00Z")
    postings = [normalise(p) for p in rippling.parse_any(path.read_bytes(), ctx)]
    assert [p.source_job_id for p in postings] == [row["uuid"] for row in data] and not ctx.warnings
    for posting, row in zip(postings, data, strict=True):
        assert posting.title == row["name"].strip() and posting.url == row["url"]
        assert posting.employer == "blackrockneurotech"  # the board, from the job's own link
        assert posting.department == row["department"]["label"]
        assert posting.location_raw == row["workLocation"]["label"]
    assert any(p.title == "Director, Clinical Affairs" for p in postings)


def test_cli_parse_list_and_detail() -> None:
    runner = CliRunner()
    result = runner.invoke(app, ["parse", "rippling", str(REPLAY / "harborlight_jobs.json")])
    assert result.exit_code == 0, result.output
    assert len([line for line in result.stdout.splitlines() if line.strip()]) == 4
    result = runner.invoke(app, ["parse", "rippling", str(REPLAY / "harborlight_job_d2a7c5e8.json")])
    assert result.exit_code == 0, result.output
    detail = json.loads(result.stdout)
    assert detail["employment_type"] == "Hourly, full-time" and detail["base_salary"]["period"] == "HOUR"
