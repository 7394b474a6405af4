"""Workable crawled for real over HTTP against the replay server, and its parsers offline.

The v3 recordings follow the request and answer shape of public Workable scrapers
(POST body ``{query, location, department, worktype, remote}`` plus ``token``;
answer ``{total, results, nextPage}``); the widget follows the real capture in
``../shared/fixtures/real/workable``.
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
from researchjobs.spiders import workable
from researchjobs.spiders.base import ParseContext

REPLAY = FIXTURES / "replay" / "workable"
ACCOUNT = "brightwater-clinical-research"

BRIGHTWATER = {"id": "workable:brightwater", "family": "workable", "employer": "Brightwater Clinical Research",
               "employer_type": "site_network", "account": ACCOUNT}  # fmt: skip
MAGNOLIA = {"id": "workable:magnolia", "family": "workable", "employer": "Magnolia Research Associates",
            "employer_type": "site_network", "account": "magnolia-research"}  # fmt: skip
COASTAL = {"id": "workable:coastal", "family": "workable", "employer": "Coastal Pediatric Research",
           "employer_type": "site_network", "account": "coastal-pediatric-research"}  # fmt: skip
SUNRIDGE = {"id": "workable:sunridge", "family": "workable", "employer": "Sunridge Trials",
            "employer_type": "site_network", "account": "sunridge-trials"}  # fmt: skip


def v3_hits(rec: Recordings) -> int:
    return sum(n for key, n in rec.hits.items() if key.startswith("POST apply.workable.com/api/v3/"))


def test_pages_followed_by_token_then_text_from_the_widget(tmp_path: Path) -> None:
    rec = Recordings().load_dir(REPLAY)
    result = crawl_with(tmp_path, rec, [BRIGHTWATER])
    run = result.runs[BRIGHTWATER["id"]]
    assert run["outcome"] == "ok", run["error_summary"]
    # 13 published jobs over two pages; the internal posting is not the public's, the one
    # without a shortcode is skipped with a warning.
    assert run["seen"] == 13
    warnings = result.stats(BRIGHTWATER["id"])["warnings"]
    assert len(warnings) == 1 and "results[4]" in warnings[0] and "without shortcode" in warnings[0]
    assert [u for u in rec.unmatched if "robots.txt" not in u] == []
    assert v3_hits(rec) == 2
    assert sum(n for k, n in rec.hits.items() if "/api/v1/widget/" in k) == 1
    rows = {p["source_job_id"]: p for p in result.postings(BRIGHTWATER["id"])}
    assert "4E6D1C9A20" not in rows  # isInternal
    crc = rows["3C8A1F52D0"]
    assert crc["title"] == "Clinical Research Coordinator"
    assert crc["url"] == f"https://apply.workable.com/{ACCOUNT}/j/3C8A1F52D0/"
    assert crc["apply_url"] == "https://apply.workable.com/j/3C8A1F52D0/apply"
    assert crc["employer"] == "Brightwater Clinical Research" and crc["employer_type"] == "site_network"
    assert crc["location_raw"] == "Tampa, Florida, United States" and crc["country_raw"] == "US"
    assert (crc["city"], crc["state"]) == ("Tampa", "FL")
    assert crc["workplace_raw"] == "on_site" and crc["remote"] == "onsite"
    assert crc["requisition_id"] == "BCR-0142" and crc["department"] == "Clinical Operations"
    assert crc["date_published"] == "2026-11-09T00:00:00Z" and crc["employment_type"] == "full"
    assert "international medical degree (MD/MBBS)" in crc["description"]
    assert crc["visa"] == "possible"
    multi = rows["9E04B7C6A1"]  # listed by the widget once per clinic: one posting, both places
    assert json.loads(multi["locations_raw"]) == [
        "Orlando, Florida, United States",
        "Jacksonville, Florida, United States",
    ]
    assert rows["D71F3A8B25"]["workplace_raw"] == "remote" and rows["D71F3A8B25"]["remote"] == "remote"
    assert rows["A4C60E9F18"]["remote"] == "hybrid"
    assert rows["B9A04D6E51"]["description"]  # from page two, text from the widget


def test_search_terms_go_in_the_query(tmp_path: Path) -> None:
    rec = Recordings().load_dir(REPLAY)
    entry = {**BRIGHTWATER, "search": ["clinical research coordinator"]}
    result = crawl_with(tmp_path, rec, [entry])
    run = result.runs[BRIGHTWATER["id"]]
    assert (run["outcome"], run["seen"]) == ("ok", 2), run["error_summary"]
    assert v3_hits(rec) == 1
    assert {p["source_job_id"] for p in result.postings()} == {"3C8A1F52D0", "9E04B7C6A1"}


def test_page_cap_is_an_error_and_failures_stay_with_their_source(tmp_path: Path) -> None:
    rec = Recordings().load_dir(REPLAY)
    result = crawl_with(tmp_path, rec, [BRIGHTWATER, MAGNOLIA, COASTAL, SUNRIDGE],
                        settings={"WORKABLE_MAX_PAGES": "1"})  # fmt: skip
    capped = result.runs[BRIGHTWATER["id"]]
    assert capped["outcome"] == "partial" and "stopped after 1 pages" in capped["error_summary"]
    assert capped["seen"] == 10
    magnolia = result.runs[MAGNOLIA["id"]]  # the widget is down: jobs kept, text lost
    assert magnolia["outcome"] == "partial" and "HTTP 503" in magnolia["error_summary"]
    assert {p["title"] for p in result.postings(MAGNOLIA["id"])} == {
        "Clinical Research Coordinator",
        "Research Assistant",
    }
    coastal = result.runs[COASTAL["id"]]
    assert (coastal["outcome"], coastal["seen"]) == ("ok", 0)
    assert not any("coastal-pediatric-research?details" in k for k in rec.hits)  # nothing to add text to
    sunridge = result.runs[SUNRIDGE["id"]]
    assert sunridge["outcome"] == "failed" and "malformed Workable JSON" in sunridge["error_summary"]


def test_request_shapes() -> None:
    assert workable.jobs_url(ACCOUNT) == f"https://apply.workable.com/api/v3/accounts/{ACCOUNT}/jobs"
    assert workable.jobs_body() == {"query": "", "location": [], "department": [], "worktype": [], "remote": []}
    assert workable.jobs_body("crc", "t2")["token"] == "t2"
    assert workable.widget_url(ACCOUNT) == f"https://apply.workable.com/api/v1/widget/accounts/{ACCOUNT}?details=true"


def test_widget_lists_a_job_per_place_parsed_as_one() -> None:
    ctx = ParseContext(source_id="workable:brightwater", family="workable")
    postings = workable.parse_any((REPLAY / "brightwater_widget.json").read_bytes(), ctx)
    data = json.loads((REPLAY / "brightwater_widget.json").read_bytes())
    assert len(data["jobs"]) == 14 and len(postings) == 13
    assert all(p.employer == "Brightwater Clinical Research" for p in postings)


@needs_real
@pytest.mark.parametrize(
    "path", real_fixture_files("workable") or [None], ids=lambda p: getattr(p, "name", "none")
)
def test_real_samples_parse(path: Path | None) -> None:
    if path is None:
        pytest.skip("no real Workable samples")
    data = json.loads(path.read_bytes())
    ctx = ParseContext(source_id="workable:zaelab", family="workable", crawled_at="2026-11-14T12:00:00Z")
    postings = [normalise(p) for p in workable.parse_any(path.read_bytes(), ctx)]
    codes = list(dict.fromkeys(job["shortcode"] for job in data["jobs"]))
    assert [p.source_job_id for p in postings] == codes  # one posting per shortcode
    for posting in postings:
        copies = [job for job in data["jobs"] if job["shortcode"] == posting.source_job_id]
        assert posting.title == copies[0]["title"] and posting.url == copies[0]["url"]
        assert posting.employer == data["name"]
        countries = [job["country"] for job in copies]
        assert [loc.split(", ")[-1] for loc in posting.locations_raw] == countries  # every location kept
        if copies[0]["telecommuting"]:
            assert posting.workplace_raw == "remote"
        assert posting.date_published and posting.date_published.startswith(copies[0]["published_on"])


def test_cli_parse_a_v3_page() -> None:
    result = CliRunner().invoke(app, ["parse", "workable", str(REPLAY / "brightwater_v3_page2.json"),
                                      "--url", f"https://apply.workable.com/api/v3/accounts/{ACCOUNT}/jobs"])  # fmt: skip
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.stdout.splitlines() if line.strip()]
    assert [p["source_job_id"] for p in lines] == ["8D3B6A0E75", "1F7E9C2B38", "B9A04D6E51"]
    assert all(p["url"].startswith(f"https://apply.workable.com/{ACCOUNT}/j/") for p in lines)
