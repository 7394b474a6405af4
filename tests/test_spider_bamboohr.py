"""BambooHR crawled for real over HTTP against the replay server, and its parsers offline."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from conftest import FIXTURES, crawl_with, needs_real, real_fixture_files
from typer.testing import CliRunner

from researchjobs.cli import app
from researchjobs.enrich.normalise import normalise
from researchjobs.replay import Recordings
from researchjobs.spiders import bamboohr
from researchjobs.spiders.base import ParseContext, ParseError

REPLAY = FIXTURES / "replay" / "bamboohr"

LAKESHORE = {"id": "bamboohr:lakeshoreclinical", "family": "bamboohr", "employer": "Lakeshore Clinical Research",
             "employer_type": "site_network", "company": "lakeshoreclinical"}  # fmt: skip
PRAIRIE = {"id": "bamboohr:prairiestate", "family": "bamboohr", "employer": "Prairie State Research Partners",
           "employer_type": "site_network", "company": "prairiestateresearch"}  # fmt: skip
NORTHSHORE = {"id": "bamboohr:northshorederm", "family": "bamboohr", "employer": "North Shore Dermatology Research",
              "employer_type": "site_network", "company": "northshorederm"}  # fmt: skip
RIDGELINE = {"id": "bamboohr:ridgelinetrials", "family": "bamboohr", "employer": "Ridgeline Trials",
             "employer_type": "site_network", "company": "ridgelinetrials"}  # fmt: skip


def hits_for(rec: Recordings, fragment: str) -> int:
    return sum(n for key, n in rec.hits.items() if fragment in key)


def test_list_then_details_merged_and_a_bad_job_skipped(tmp_path: Path) -> None:
    rec = Recordings().load_dir(REPLAY)
    result = crawl_with(tmp_path, rec, [LAKESHORE])
    run = result.runs[LAKESHORE["id"]]
    assert run["outcome"] == "ok", run["error_summary"]
    assert run["seen"] == 4
    warnings = result.stats(LAKESHORE["id"])["warnings"]
    assert len(warnings) == 1 and "result[4]" in warnings[0] and "without id" in warnings[0]
    assert [u for u in rec.unmatched if "robots.txt" not in u] == []
    for job_id in ("412", "415", "418", "421"):
        assert hits_for(rec, f"lakeshoreclinical.bamboohr.com/careers/{job_id}/detail?") == 1
    rows = {p["source_job_id"]: p for p in result.postings(LAKESHORE["id"])}
    crc = rows["412"]
    assert crc["title"] == "Clinical Research Coordinator I"
    assert crc["url"] == "https://lakeshoreclinical.bamboohr.com/careers/412"
    assert crc["employer"] == "Lakeshore Clinical Research" and crc["employer_type"] == "site_network"
    assert crc["department"] == "Clinical Operations" and crc["employment_type"] == "Full-Time"
    assert crc["location_raw"] == "Evanston, Illinois, United States" and crc["country_raw"] == "United States"
    assert crc["date_published"] == "2026-11-03T00:00:00Z"
    assert crc["salary_raw"] == "$52,000 - $60,000 per year"
    assert (crc["salary_min"], crc["salary_max"], crc["salary_period"]) == (52000, 60000, "year")
    assert "foreign medical graduates (MD, MBBS)" in crc["description"]
    assert crc["visa"] == "explicit_no"
    extra = json.loads(crc["extra"])
    assert extra["minimum_experience"] == "Entry-level" and extra["postal_code"] == "60201" and extra["detail"]
    assert rows["418"]["workplace_raw"] == "hybrid" and rows["418"]["remote"] == "hybrid"
    remote = rows["421"]
    assert remote["workplace_raw"] == "remote" and remote["location_raw"] == "Illinois, United States"
    assert rows["415"]["employment_type"] == "Part-Time" and rows["415"]["salary_period"] == "hour"


def test_failures_stay_with_their_own_source(tmp_path: Path) -> None:
    rec = Recordings().load_dir(REPLAY)
    result = crawl_with(tmp_path, rec, [PRAIRIE, NORTHSHORE, RIDGELINE])
    prairie = result.runs[PRAIRIE["id"]]
    assert prairie["outcome"] == "partial" and "HTTP 404" in prairie["error_summary"]
    rows = {p["source_job_id"]: p for p in result.postings(PRAIRIE["id"])}
    assert sorted(rows) == ["77", "81"]  # the job whose detail failed is kept from the list
    assert rows["81"]["description"] is None and json.loads(rows["81"]["extra"])["detail"] is False
    assert rows["81"]["url"] == "https://prairiestateresearch.bamboohr.com/careers/81"
    assert "international medical degree" in rows["77"]["description"]
    empty = result.runs[NORTHSHORE["id"]]
    assert (empty["outcome"], empty["seen"]) == ("ok", 0)
    broken = result.runs[RIDGELINE["id"]]
    assert broken["outcome"] == "failed" and "malformed BambooHR JSON" in broken["error_summary"]


def test_url_shapes() -> None:
    assert bamboohr.list_url("lakeshoreclinical") == "https://lakeshoreclinical.bamboohr.com/careers/list"
    assert bamboohr.detail_url("lakeshoreclinical", "412") == (
        "https://lakeshoreclinical.bamboohr.com/careers/412/detail"
    )


def test_detail_takes_its_id_from_the_url_and_says_when_it_cannot() -> None:
    body = (REPLAY / "lakeshore_detail_412.json").read_bytes()
    data = json.loads(body)
    del data["result"]["jobOpening"]["jobOpeningShareUrl"]
    ctx = ParseContext(source_id="bamboohr:lakeshoreclinical", family="bamboohr",
                       url="https://lakeshoreclinical.bamboohr.com/careers/412/detail")  # fmt: skip
    [posting] = bamboohr.parse_any(json.dumps(data).encode(), ctx)
    assert posting.source_job_id == "412" and posting.url == "https://lakeshoreclinical.bamboohr.com/careers/412"
    with pytest.raises(ParseError, match="no job id"):
        bamboohr.parse_any(json.dumps(data).encode(), ParseContext(source_id="bamboohr:x", family="bamboohr"))


def raw_items(data: dict[str, Any]) -> list[dict[str, Any]]:
    result = data["result"]
    return result if isinstance(result, list) else [result["jobOpening"]]


@needs_real
@pytest.mark.parametrize(
    "path", real_fixture_files("bamboohr") or [None], ids=lambda p: getattr(p, "name", "none")
)
def test_real_samples_parse(path: Path | None) -> None:
    if path is None:
        pytest.skip("no real BambooHR samples")
    # SOURCES.md: the detail is GET …/careers/97/detail; the subdomain is not in the files.
    ctx = ParseContext(source_id="bamboohr:illinois", family="bamboohr", crawled_at="2026-11-14T12:00:00Z",
                       url="https://illinois.bamboohr.com/careers/97/detail")  # fmt: skip
    data = json.loads(path.read_bytes())
    postings = [normalise(p) for p in bamboohr.parse_any(path.read_bytes(), ctx)]
    items = raw_items(data)
    assert len(postings) == len(items) and not ctx.warnings
    for posting, item in zip(postings, items, strict=True):
        assert posting.title == item["jobOpeningName"]
        assert posting.source_job_id == item.get("id", "97")
        assert posting.url == f"https://illinois.bamboohr.com/careers/{posting.source_job_id}"
        assert posting.department == item["departmentLabel"]
    by_id = {p.source_job_id: p for p in postings}
    assert by_id["97"].workplace_raw == "hybrid"  # locationType "2"
    assert by_id["97"].location_raw.startswith("Chicago, Illinois")
    if "101" in by_id:  # located only through atsLocation
        assert by_id["101"].location_raw == "Peoria, Illinois, United States"
        assert by_id["101"].workplace_raw == "remote"  # locationType "1"
    else:
        assert "MUST RESIDE IN ILLINOIS" in (by_id["97"].description or "")


def test_cli_parse_list_and_detail() -> None:
    runner = CliRunner()
    result = runner.invoke(app, ["parse", "bamboohr", str(REPLAY / "lakeshore_list.json")])
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.stdout.splitlines() if line.strip()]
    assert [p["source_job_id"] for p in lines] == ["412", "415", "418", "421"]
    result = runner.invoke(app, ["parse", "bamboohr", str(REPLAY / "lakeshore_detail_421.json")])
    assert result.exit_code == 0, result.output
    detail = json.loads(result.stdout)
    assert detail["source_job_id"] == "421" and detail["date_published"] == "2026-11-10T00:00:00Z"
    broken = runner.invoke(app, ["parse", "bamboohr", str(REPLAY / "ridgeline_list_truncated.json")])
    assert broken.exit_code != 0 and "malformed BambooHR JSON" in str(broken.exception or broken.output)
