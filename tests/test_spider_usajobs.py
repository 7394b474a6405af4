"""USAJOBS crawled for real over HTTP against the replay server, its key handling, and its parser offline."""

from __future__ import annotations

import json
import secrets
from pathlib import Path
from typing import Any

import pytest
from conftest import FIXTURES, crawl_with, needs_real, real_fixture_files, write_registry
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from researchjobs.cli import app
from researchjobs.enrich.normalise import normalise
from researchjobs.replay import Recordings
from researchjobs.sources import load_registry
from researchjobs.spiders import usajobs
from researchjobs.spiders.base import ParseContext, ParseError

REPLAY = FIXTURES / "replay" / "usajobs"
EMAIL = "img.researcher@example.org"

FED = {"family": "usajobs", "employer": "U.S. federal government", "employer_type": "government_research"}
HEALTH_SCIENCE = {"id": "usajobs:health-science", **FED, "series": "0601",
                  "search": ["clinical research coordinator", "research assistant"], "page_size": 3}  # fmt: skip
VA = {"id": "usajobs:va-research", **FED, "employer": "Department of Veterans Affairs", "organization": "VATA",
      "keyword": "research"}  # fmt: skip
JUNEAU = {
    "id": "usajobs:juneau",
    **FED,
    "location": "Juneau, Alaska",
    "search": ["clinical research coordinator"],
}
BLOCKED = {"id": "usajobs:health-tech-series", **FED, "series": "0640"}
TRUNCATED = {"id": "usajobs:hhs", **FED, "organization": "HE", "keyword": "research coordinator"}
REJECTED = {"id": "usajobs:health-technician", **FED, "keyword": "health technician"}


def recordings() -> Recordings:
    return Recordings().load_dir(REPLAY)


def key_env() -> tuple[str, dict[str, str]]:
    key = "uj" + secrets.token_hex(20)
    return key, {"USAJOBS_API_KEY": key, "USAJOBS_EMAIL": EMAIL}


def test_pages_and_search_terms_merged_on_control_number(tmp_path: Path) -> None:
    rec = recordings()
    _, env = key_env()
    result = crawl_with(tmp_path, rec, [HEALTH_SCIENCE, VA, JUNEAU], env=env)
    run = result.runs[HEALTH_SCIENCE["id"]]
    assert run["outcome"] == "ok", run["error_summary"]
    assert run["seen"] == 7  # 3 + 2 over two pages, 3 for the second term, one of them already seen
    assert [u for u in rec.unmatched if "robots.txt" not in u] == []
    assert sum(n for k, n in rec.hits.items() if "keyword=clinical+research+coordinator&page=" in k.lower()
               and "jobcategorycode=0601" in k.lower()) == 2  # fmt: skip
    assert result.runs[VA["id"]]["outcome"] == "ok" and result.runs[VA["id"]]["seen"] == 2
    assert result.runs[JUNEAU["id"]]["outcome"] == "ok" and result.runs[JUNEAU["id"]]["seen"] == 0
    rows = {p["source_job_id"]: p for p in result.postings(HEALTH_SCIENCE["id"])}
    nhlbi = rows["871204300"]
    assert nhlbi["title"] == "Health Science Specialist (Clinical Research Coordinator)"
    assert nhlbi["employer"] == "National Heart, Lung and Blood Institute"
    assert nhlbi["department"] == "Department of Health and Human Services"
    assert nhlbi["url"] == "https://www.usajobs.gov/job/871204300"  # ":443" dropped
    assert nhlbi["requisition_id"] == "NHLBI-27-12877654-DE"
    assert nhlbi["location_raw"] == "Bethesda, Maryland" and nhlbi["country_raw"] == "United States"
    assert nhlbi["employment_type"] == "Full-time"
    assert nhlbi["workplace_raw"] == "Hybrid (telework eligible)"
    assert nhlbi["date_published"] == "2026-11-03T00:00:00Z"
    assert nhlbi["valid_through"] == "2026-11-17T23:59:59Z"
    pay = json.loads(nhlbi["base_salary"])
    assert (pay["min"], pay["max"], pay["currency"], pay["period"]) == (69107, 108422, "USD", "PA")
    assert "United States Citizens" in nhlbi["description"]
    assert "U.S. Citizenship is required." in nhlbi["description"]
    assert "Foreign education" in nhlbi["description"]
    extra = json.loads(nhlbi["extra"])
    assert extra["who_may_apply"] == "United States Citizens"
    assert (extra["low_grade"], extra["high_grade"], extra["pay_plan"], extra["series"]) == (
        "9",
        "11",
        "GS",
        ["0601"],
    )
    # Mixed date forms in one response: date-only, 3-, 4- and 5-digit fractions.
    assert rows["871188900"]["date_published"] == "2026-10-30T00:00:00Z"
    assert rows["871099700"]["valid_through"] == "2026-11-07T23:59:59Z"
    assert rows["871043100"]["valid_through"] == "2026-11-04T00:00:00Z"
    boston = rows["871043100"]
    assert boston["location_raw"] == "Multiple Locations"
    assert json.loads(boston["locations_raw"]) == ["Boston, Massachusetts", "West Roxbury, Massachusetts"]
    assert rows["870987600"]["employer"] == "Uniformed Services University of the Health Sciences"
    assert "Secret" in rows["870987600"]["description"]
    houston = json.loads(rows["870944100"]["base_salary"])
    assert (houston["min"], houston["period"]) == (24.34, "PH")
    seattle = next(p for p in result.postings(VA["id"]) if p["source_job_id"] == "870877400")
    assert json.loads(seattle["extra"])["offering_type"] == "Term"


def test_without_a_key_the_source_is_skipped_with_no_request(tmp_path: Path) -> None:
    rec = recordings()
    result = crawl_with(tmp_path, rec, [HEALTH_SCIENCE, VA])
    for source in (HEALTH_SCIENCE, VA):
        run = result.runs[source["id"]]
        assert run["outcome"] == "skipped"
        assert run["error_summary"].startswith("USAJOBS_API_KEY is not set")
        assert run["errors"] == 1  # one clear message, not one per query
    assert sum(rec.hits.values()) == 0 and rec.unmatched == []
    assert result.postings() == []


def test_broken_answers_fail_and_the_key_is_never_logged_or_stored(tmp_path: Path) -> None:
    rec = recordings()
    key, env = key_env()
    result = crawl_with(
        tmp_path, rec, [VA, BLOCKED, TRUNCATED, REJECTED], env=env, settings={"LOG_LEVEL": "DEBUG"}
    )
    assert result.runs[VA["id"]]["outcome"] == "ok"
    blocked = result.runs[BLOCKED["id"]]
    assert blocked["outcome"] == "failed" and "Request Rejected" in blocked["error_summary"]
    truncated = result.runs[TRUNCATED["id"]]
    assert truncated["outcome"] == "failed" and "malformed USAJOBS JSON" in truncated["error_summary"]
    rejected = result.runs[REJECTED["id"]]
    assert rejected["outcome"] == "failed" and "HTTP 401" in rejected["error_summary"]
    logs = list(tmp_path.rglob("*.log"))
    assert logs and any(b"usajobs:va-research" in p.read_bytes() for p in logs)
    assert any(b"DEBUG" in p.read_bytes() for p in logs)
    files = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert any(p.name.startswith("jobs.db") for p in files)
    for path in files:
        body = path.read_bytes()
        assert key.encode() not in body, path
        assert EMAIL.encode() not in body, path


def spider_for(tmp_path: Path, entry: dict[str, Any]) -> tuple[usajobs.UsajobsSpider, Any]:
    registry = load_registry(write_registry(tmp_path / "sources.toml", [entry]))
    spider = usajobs.UsajobsSpider(source=entry["id"])
    spider.bind_sources(registry)
    return spider, registry.sources[entry["id"]]


def test_requests_carry_the_three_required_headers(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("USAJOBS_API_KEY", "k-123")
    monkeypatch.setenv("USAJOBS_EMAIL", EMAIL)
    spider, source = spider_for(tmp_path, HEALTH_SCIENCE)
    requests = list(spider.requests_for(source))
    assert len(requests) == 2  # one per search term
    first = requests[0]
    assert first.url == ("https://data.usajobs.gov/api/search?Keyword=clinical+research+coordinator"
                         "&JobCategoryCode=0601&ResultsPerPage=3&Page=1")  # fmt: skip
    assert first.headers[b"Host"] == b"data.usajobs.gov"
    assert first.headers[b"User-Agent"] == EMAIL.encode()
    assert first.headers[b"Authorization-Key"] == b"k-123"
    assert first.meta["dont_redirect"] is True and first.meta["source_id"] == HEALTH_SCIENCE["id"]
    assert "k-123" not in json.dumps(first.meta, default=str)


def test_missing_email_or_filters_are_explained(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("USAJOBS_API_KEY", "k-123")
    spider, source = spider_for(tmp_path, VA)
    assert list(spider.requests_for(source)) == []
    assert "USAJOBS_EMAIL is not set" in (spider.state[VA["id"]].skipped or "")
    bare = {"id": "usajobs:everything", **FED}
    spider, source = spider_for(tmp_path, bare)
    with pytest.raises(ValueError, match="need a filter"):
        list(spider.requests_for(source))


def test_search_url_defaults_and_list_params() -> None:
    assert usajobs.search_url({"Keyword": "research"}) == (
        "https://data.usajobs.gov/api/search?Keyword=research&ResultsPerPage=100&Page=1"
    )


def ctx_for(path: Path) -> ParseContext:
    return ParseContext(source_id=f"usajobs:{path.stem}", family="usajobs", crawled_at="2026-11-14T12:00:00Z")


@needs_real
@pytest.mark.parametrize(
    "path", real_fixture_files("usajobs") or [None], ids=lambda p: getattr(p, "name", "none")
)
def test_real_samples_parse(path: Path | None) -> None:
    if path is None:
        pytest.skip("no real USAJOBS samples")
    data = json.loads(path.read_bytes())
    items = data["SearchResult"]["SearchResultItems"]
    postings = [normalise(p) for p in usajobs.parse_any(path.read_bytes(), ctx_for(path))]
    assert len(postings) == len(items) > 0
    for posting, item in zip(postings, items, strict=True):
        desc = item["MatchedObjectDescriptor"]
        assert posting.title == desc["PositionTitle"] and posting.url.startswith(
            "https://www.usajobs.gov/job/"
        )
        assert posting.source_job_id.isdigit()  # the control number, even where MatchedObjectId was edited
        if desc.get("OrganizationName"):
            assert posting.employer == desc["OrganizationName"]
        if desc.get("PositionLocation") or desc.get("PositionLocationDisplay"):
            assert posting.location_raw
        if desc.get("PublicationStartDate"):
            assert posting.date_published and posting.date_published.startswith(
                desc["PublicationStartDate"][:10]
            )
        if desc.get("ApplicationCloseDate"):
            assert posting.valid_through and posting.valid_through.startswith(
                desc["ApplicationCloseDate"][:10]
            )
        if desc.get("PositionRemuneration"):
            assert posting.base_salary and posting.base_salary["min"] == float(
                desc["PositionRemuneration"][0]["MinimumRange"]
            )
        if (desc.get("UserArea") or {}).get("Details", {}).get("JobSummary"):
            assert posting.description


def test_cli_parse_search_page_and_single_item(tmp_path: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(app, ["parse", "usajobs", str(REPLAY / "series0601_crc_p1.json")])
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.stdout.splitlines() if line.strip()]
    assert [p["source_job_id"] for p in lines] == ["871204300", "871188900", "871150200"]
    item = json.loads((REPLAY / "va_research_p1.json").read_text())["SearchResult"]["SearchResultItems"][0]
    single = tmp_path / "item.json"
    single.write_text(json.dumps(item))
    result = runner.invoke(app, ["parse", "usajobs", str(single)])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["title"] == "Research Assistant (Clinical Trials)"
    result = runner.invoke(app, ["parse", "usajobs", str(REPLAY / "gateway_block.html")])
    assert result.exit_code != 0 and "Request Rejected" in str(result.exception)


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=25,
)
DETAILS = st.fixed_dictionaries({}, optional={k: JSON for k in (
    "JobSummary", "MajorDuties", "WhoMayApply", "LowGrade", "HighGrade", "TeleworkEligible", "RemoteIndicator",
    "SecurityClearance", "Requirements", "Education", "KeyRequirements", "HiringPath")})  # fmt: skip
DESCRIPTOR = st.fixed_dictionaries(
    {"PositionTitle": JSON},
    optional={"UserArea": st.fixed_dictionaries({"Details": DETAILS}) | JSON, **{k: JSON for k in (
        "PositionURI", "ApplyURI", "PositionLocation", "PositionLocationDisplay", "OrganizationName",
        "DepartmentName", "PositionRemuneration", "PublicationStartDate", "ApplicationCloseDate",
        "PositionSchedule", "JobGrade", "JobCategory", "PositionID")}},
)  # fmt: skip
ITEM = st.fixed_dictionaries({"MatchedObjectDescriptor": DESCRIPTOR}, optional={"MatchedObjectId": JSON})
SHAPED = ITEM | st.fixed_dictionaries(
    {"SearchResult": st.fixed_dictionaries({}, optional={
        "SearchResultItems": st.lists(ITEM | JSON, max_size=3), "UserArea": JSON})},
)  # fmt: skip
CTX = ParseContext(source_id="usajobs:fuzz", family="usajobs")


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(JSON, SHAPED))
def test_parse_any_on_arbitrary_json_raises_only_parse_error(value: Any) -> None:
    try:
        postings = usajobs.parse_any(json.dumps(value).encode(), CTX)
    except ParseError:
        return
    assert all(p.title and p.url for p in postings)


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=300))
def test_parse_any_on_arbitrary_bytes_raises_only_parse_error(body: bytes) -> None:
    try:
        usajobs.parse_any(body, CTX)
    except ParseError:
        pass


@settings(max_examples=100, deadline=None)
@given(JSON)
def test_number_of_pages_raises_only_parse_error(value: Any) -> None:
    try:
        pages = usajobs.number_of_pages({"SearchResult": {"UserArea": {"NumberOfPages": value}}})
    except ParseError:
        return
    assert pages >= 0
