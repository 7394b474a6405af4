"""SmartRecruiters crawled for real over HTTP against the replay server, and its parsers offline."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from conftest import FIXTURES, crawl_with, needs_real, real_fixture_files
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from researchjobs.cli import app
from researchjobs.enrich.normalise import normalise
from researchjobs.replay import Recordings
from researchjobs.spiders import smartrecruiters
from researchjobs.spiders.base import ParseContext, ParseError

REPLAY = FIXTURES / "replay" / "smartrecruiters"
API = "https://api.smartrecruiters.com/v1/companies"

NB = {"id": "smartrecruiters:northbridgeclinical", "family": "smartrecruiters",
      "employer": "Northbridge Clinical Research", "employer_type": "cro", "company": "NorthbridgeClinical",
      "search": ["clinical research coordinator", "research assistant"], "page_size": 3}  # fmt: skip
CASCADIA = {"id": "smartrecruiters:cascadiatrialsites", "family": "smartrecruiters",
            "employer": "Cascadia Trial Sites", "employer_type": "site_network", "company": "CascadiaTrialSites"}  # fmt: skip
PIEDMONT = {"id": "smartrecruiters:piedmont", "family": "smartrecruiters", "employer": "Piedmont Research Partners",
            "employer_type": "site_network", "company": "PiedmontResearchPartners"}  # fmt: skip
SUMMIT = {"id": "smartrecruiters:summit", "family": "smartrecruiters", "employer": "Summit Clinical Trials",
          "employer_type": "site_network", "company": "SummitClinicalTrials"}  # fmt: skip

NB_IDS = ["744000141230517", "744000141198342", "744000140977215", "744000140812066",
          "744000140655903", "744000140530178", "744000140401299", "744000140288410"]  # fmt: skip


def recordings() -> Recordings:
    return Recordings().load_dir(REPLAY)


def hits_for(rec: Recordings, fragment: str) -> int:
    return sum(n for key, n in rec.hits.items() if fragment in key)


def test_search_terms_paged_merged_and_details_fetched_once(tmp_path: Path) -> None:
    rec = recordings()
    result = crawl_with(tmp_path, rec, [NB])
    run = result.runs[NB["id"]]
    assert run["outcome"] == "ok", run["error_summary"]
    assert run["seen"] == 8  # 5 + 4 listed, one found by both terms
    assert [u for u in rec.unmatched if "robots.txt" not in u] == []
    # Two pages per term (offset 0 and 3 of totalFound 5 and 4), one detail per posting.
    assert hits_for(rec, "q=clinical+research+coordinator") == 2
    assert hits_for(rec, "q=research+assistant") == 2
    for posting_id in NB_IDS:
        assert hits_for(rec, f"/postings/{posting_id}?") == 1, posting_id
    rows = {p["source_job_id"]: p for p in result.postings(NB["id"])}
    assert sorted(rows) == sorted(NB_IDS)
    crc = rows["744000141230517"]
    assert crc["title"] == "Clinical Research Coordinator I"
    assert crc["employer"] == "Northbridge Clinical Research, Inc."
    assert crc["employer_type"] == "cro"
    assert (
        crc["url"]
        == "https://jobs.smartrecruiters.com/NorthbridgeClinical/744000141230517-clinical-research-coordinator-i"
    )
    assert crc["apply_url"].endswith("?oga=true")
    assert crc["location_raw"] == "Raleigh, NC, United States"
    assert crc["country_raw"] == "us"
    assert crc["workplace_raw"] == "onsite"
    assert crc["employment_type"] == "Full-time"
    assert crc["department"] == "Site Management"
    assert crc["requisition_id"] == "REF4417C"
    assert crc["date_published"] == "2026-11-09T14:02:51Z"
    assert "<h3>Qualifications</h3>" in crc["description_html"]
    assert "foreign medical graduates (MD, MBBS)" in crc["description"]
    assert "Company Description" in crc["description"] and "equal opportunity" in crc["description"]
    extra = json.loads(crc["extra"])
    assert extra["experience_level"] == "Entry Level" and extra["detail"] is True
    assert rows["744000141198342"]["workplace_raw"] == "hybrid"
    assert rows["744000140401299"]["workplace_raw"] == "remote"
    assert rows["744000140530178"]["employment_type"] == "Part-time"


def test_failed_details_keep_list_postings_and_bad_lists_fail(tmp_path: Path) -> None:
    rec = recordings()
    result = crawl_with(tmp_path, rec, [CASCADIA, PIEDMONT, SUMMIT])
    cascadia = result.runs[CASCADIA["id"]]
    assert cascadia["outcome"] == "partial"
    assert cascadia["seen"] == 3  # every listed posting survives its detail
    assert "HTTP 404" in cascadia["error_summary"]
    assert "Access Denied" in cascadia["error_summary"] and "744000139755860" in cascadia["error_summary"]
    rows = {p["source_job_id"]: p for p in result.postings(CASCADIA["id"])}
    assert "does not sponsor" in rows["744000139904127"]["description"]
    for lost in ("744000139871503", "744000139755860"):
        assert rows[lost]["description"] is None
        assert rows[lost]["title"] and rows[lost]["url"].startswith("https://jobs.smartrecruiters.com/")
        assert json.loads(rows[lost]["extra"])["detail"] is False
    assert rows["744000139871503"]["location_raw"] == "Tacoma, United States"  # "Tacoma, , United States"
    piedmont = result.runs[PIEDMONT["id"]]
    assert piedmont["outcome"] == "failed" and "malformed SmartRecruiters JSON" in piedmont["error_summary"]
    summit = result.runs[SUMMIT["id"]]
    assert summit["outcome"] == "failed" and "Access Denied" in summit["error_summary"]
    assert result.postings(PIEDMONT["id"]) == [] and result.postings(SUMMIT["id"]) == []


def test_list_url_shape() -> None:
    assert smartrecruiters.list_url("NorthbridgeClinical", 200, 100, "clinical research") == (
        f"{API}/NorthbridgeClinical/postings?limit=100&offset=200&q=clinical+research"
    )
    assert (
        smartrecruiters.detail_url("Northbridge Clinical", "7440")
        == f"{API}/Northbridge%20Clinical/postings/7440"
    )


def test_detail_wins_over_list_but_keeps_what_it_lacks() -> None:
    ctx = ParseContext(source_id="smartrecruiters:northbridgeclinical", family="smartrecruiters")
    listed = smartrecruiters.parse_any((REPLAY / "northbridge_crc_0.json").read_bytes(), ctx)[0]
    detail = smartrecruiters.parse_any(
        (REPLAY / "northbridge_detail_744000141230517.json").read_bytes(), ctx
    )[0]
    detail.requisition_id = None
    merged = smartrecruiters.merge(listed, detail)
    assert merged.requisition_id == "REF4417C"
    assert merged.description_html_raw == detail.description_html_raw
    assert merged.url == detail.url and merged.extra["detail"] is True


def ctx_for(path: Path) -> ParseContext:
    return ParseContext(
        source_id=f"smartrecruiters:{path.stem}", family="smartrecruiters", crawled_at="2026-11-14T12:00:00Z"
    )


def raw_items(data: Any) -> list[dict[str, Any]]:
    return data["content"] if isinstance(data.get("content"), list) else [data]


@needs_real
@pytest.mark.parametrize(
    "path", real_fixture_files("smartrecruiters") or [None], ids=lambda p: getattr(p, "name", "none")
)
def test_real_samples_parse(path: Path | None) -> None:
    if path is None:
        pytest.skip("no real SmartRecruiters samples")
    data = json.loads(path.read_bytes())
    postings = [normalise(p) for p in smartrecruiters.parse_any(path.read_bytes(), ctx_for(path))]
    raw = {str(item["id"]): item for item in raw_items(data)}
    assert len(postings) == len(raw) > 0
    for posting in postings:
        item = raw[posting.source_job_id]
        assert posting.title and posting.url.startswith("https://")
        if (item.get("company") or {}).get("name"):
            assert posting.employer == item["company"]["name"]
        if (item.get("location") or {}).get("fullLocation") or (item.get("location") or {}).get("city"):
            assert posting.location_raw
        if item.get("releasedDate"):
            assert posting.date_published and posting.date_published.startswith(item["releasedDate"][:10])
        if item.get("jobAd"):
            assert posting.description and posting.apply_url


@pytest.mark.parametrize(
    ("name", "count"), [("northbridge_crc_0.json", 3), ("northbridge_detail_744000140401299.json", 1)]
)
def test_cli_parse_each_kind(name: str, count: int) -> None:
    result = CliRunner().invoke(app, ["parse", "smartrecruiters", str(REPLAY / name)])
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.stdout.splitlines() if line.strip()]
    assert len(lines) == count
    assert all(p["source_family"] == "smartrecruiters" and p["title"] and p["url"] for p in lines)


def test_cli_parse_reports_a_block_page() -> None:
    result = CliRunner().invoke(app, ["parse", "smartrecruiters", str(REPLAY / "waf_block.html")])
    assert result.exit_code != 0
    assert "Access Denied" in str(result.exception)  # main() prints UserError as one line


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=25,
)
ITEM = st.fixed_dictionaries(
    {"id": JSON, "name": JSON},
    optional={k: JSON for k in ("company", "location", "jobAd", "department", "typeOfEmployment",
                                "experienceLevel", "postingUrl", "applyUrl", "releasedDate", "language")},
)  # fmt: skip
SHAPED = ITEM | st.fixed_dictionaries(
    {"content": st.lists(ITEM | JSON, max_size=3)}, optional={"totalFound": JSON}
)
CTX = ParseContext(source_id="smartrecruiters:fuzz", family="smartrecruiters")


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(JSON, SHAPED))
def test_parse_any_on_arbitrary_json_raises_only_parse_error(value: Any) -> None:
    body = json.dumps(value).encode()
    try:
        postings = smartrecruiters.parse_any(body, CTX)
    except ParseError:
        return
    assert all(p.title and p.url for p in postings)


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=300))
def test_parse_any_on_arbitrary_bytes_raises_only_parse_error(body: bytes) -> None:
    try:
        smartrecruiters.parse_any(body, CTX)
    except ParseError:
        pass
