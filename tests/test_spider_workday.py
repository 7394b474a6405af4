"""Workday cxs: crawled for real over HTTP against the replay server, parsers on real samples, fuzzed.

The recordings in fixtures/replay/workday are a fictional academic medical centre:
"clinical research" lists 45 jobs over three pages (only the first reports ``total``),
"research assistant" lists 12, of which 8 are also under the first term: 49 jobs,
each with its own detail.
"""

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
from researchjobs.replay import Recordings
from researchjobs.spiders import workday
from researchjobs.spiders.base import ParseContext, ParseError

REC = FIXTURES / "replay" / "workday"
HOST, TENANT, SITE = "ridgecrest.wd5.myworkdayjobs.com", "ridgecrest", "RUMC_External"
LIST_URL = f"https://{HOST}/wday/cxs/{TENANT}/{SITE}/jobs"
WD = {"id": "workday:ridgecrest", "family": "workday", "employer": "Ridgecrest University Medical Center",
      "employer_type": "academic_medical_centre", "host": HOST, "tenant": TENANT, "site": SITE,
      "search": ["clinical research", "research assistant"]}  # fmt: skip
CAPPED = {**WD, "id": "workday:ridgecrest-nursing", "search": ["nurse"]}
BROKEN = {**WD, "id": "workday:ridgecrest-internal", "site": "RUMC_Internal", "search": []}
WAF = "<html><head><title>Access Denied</title></head><body>Reference #18.4f2c1060</body></html>"


def body(offset: int, term: str) -> dict[str, Any]:
    return {"appliedFacets": {}, "limit": 20, "offset": offset, "searchText": term}


def manifest() -> list[dict[str, Any]]:
    return json.loads((REC / "manifest.json").read_text())["responses"]


def detail_entries() -> list[dict[str, Any]]:
    return [e for e in manifest() if e.get("method", "GET") == "GET"]


def ctx(**kw: Any) -> ParseContext:
    return ParseContext(source_id="workday:test", family="workday", crawled_at="2026-11-04T12:00:00Z", **kw)


def test_crawl_pages_merges_terms_and_fetches_every_detail_once(tmp_path: Path) -> None:
    rec = Recordings().load_dir(REC)
    first_page = json.loads((REC / "list_clinical-research_0.json").read_text())
    rec.add({"method": "POST", "url": LIST_URL, "body": body(0, "nurse"),
             "json": {**first_page, "total": 2000}})  # fmt: skip
    rec.add({"method": "POST", "url": LIST_URL, "body": body(20, "nurse"), "json": {"total": 0, "jobPostings": []}})
    rec.add({"method": "POST", "url": LIST_URL.replace(SITE, BROKEN["site"]), "body": body(0, ""),
             "text": '{"total": 45, "jobPostings": [{"ti', "headers": {"Content-Type": "application/json"}})  # fmt: skip
    result = crawl_with(tmp_path, rec, [WD, CAPPED, BROKEN])

    run = result.runs[WD["id"]]
    assert run["outcome"] == "ok", run["error_summary"]
    assert run["seen"] == 49 and run["new"] == 49  # 45 + 12 - 8 shared
    assert result.stats(WD["id"])["responses"] == 4 + 49  # three pages + one, then one detail each
    lists = {k: n for k, n in rec.hits.items() if k.startswith("POST")}
    assert len(lists) == 7 and set(lists.values()) == {1}  # 4 pages, the capped board's 2, the broken 1
    assert [k for k in rec.unmatched if "robots.txt" not in k] == []

    postings = result.postings(WD["id"])
    assert all(p["description"] and "Responsibilities" in p["description"] for p in postings)
    assert {p["employer"] for p in postings} <= {"Ridgecrest University Medical Center", "Ridgecrest Research Institute"}
    assert all(p["source_job_id"] == p["requisition_id"] and p["source_job_id"].startswith("JR") for p in postings)
    assert all(p["url"].startswith(f"https://{HOST}/{SITE}/job/") for p in postings)
    assert all(p["date_published_raw"].startswith("2026-") for p in postings)  # startDate, not "Posted ..."
    crc = next(p for p in postings if p["source_job_id"] == "JR106850")
    assert crc["title"] == "Clinical Research Coordinator I"
    assert crc["date_published"] == "2026-11-01T00:00:00Z"
    assert crc["location_raw"] == "Ridgecrest West Hospital - Dublin, OH"
    assert crc["employment_type"] == "Full time" and crc["crawled_at"]
    several = [p for p in postings if len(json.loads(p["locations_raw"])) == 2]
    assert several and all(p["location_raw"] for p in several)  # the list said only "2 Locations"
    assert {p["workplace_raw"] for p in postings} >= {"Onsite", "Hybrid"}
    assert any("Salary" in p["description"] or "Pay Range" in p["description"] for p in postings)

    capped = result.runs[CAPPED["id"]]
    assert capped["outcome"] == "partial" and capped["seen"] == 20
    assert "2000" in capped["error_summary"] and "cap" in capped["error_summary"]

    broken = result.runs[BROKEN["id"]]  # no search terms: one search with ""
    assert broken["outcome"] == "failed" and "malformed Workday JSON" in broken["error_summary"]
    assert result.postings(BROKEN["id"]) == []


def test_waf_page_and_failed_detail_make_a_partial_run_that_closes_nothing(tmp_path: Path) -> None:
    first = crawl_with(tmp_path, Recordings().load_dir(REC), [WD])
    assert first.runs[WD["id"]]["outcome"] == "ok"

    rec = Recordings().load_dir(REC)
    rec.add({"method": "POST", "url": LIST_URL, "body": body(20, "clinical research"), "text": WAF,
             "headers": {"Content-Type": "text/html"}})  # fmt: skip
    broken = next(e for e in detail_entries() if e["file"] == "job_JR106850.json")
    rec.add({"url": broken["url"], "status": 500, "text": "Internal Server Error"})
    second = crawl_with(tmp_path, rec, [WD], db_path=first.db_path)

    run = second.runs[WD["id"]]
    assert run["outcome"] == "partial"
    assert "Access Denied" in run["error_summary"] and "offset 20" in run["error_summary"]
    assert "HTTP 500" in run["error_summary"] and "kept the list entry" in run["error_summary"]
    assert run["closed"] == 0 and all(p["closed_at"] is None for p in second.postings())
    assert rec.hits[next(k for k in rec.hits if "JR106850" in k)] == 4  # first try + 3 retries
    # Page 1 of term 1 and all 12 of term 2 still arrived (pages 2-3 were never reached);
    # the job whose detail failed is kept from the list.
    assert run["seen"] == 20 + 12
    kept = next(p for p in second.postings() if p["source_job_id"] == "JR106850")
    assert kept["last_run_id"] == second.runs[WD["id"]]["run_id"] and kept["closed_at"] is None
    assert kept["date_published"] == "2026-11-01T00:00:00Z"  # storage keeps the absolute date


# ------------------------------------------------------------------ parsers


def test_list_needs_the_board_and_detail_prefers_start_date() -> None:
    page = (REC / "list_clinical-research_0.json").read_bytes()
    with pytest.raises(ParseError, match="--url"):
        workday.parse_any(page, ctx())
    listed = workday.parse_any(page, ctx(url=LIST_URL))
    assert len(listed) == 20 and listed[0].date_published_raw == "Posted 3 Days Ago"
    assert listed[0].source_job_id == "JR106850"  # from bulletFields, same id the detail gives
    detail = workday.parse_detail(json.loads((REC / "job_JR106850.json").read_text()), ctx(), listed[0])
    assert detail.source_job_id == listed[0].source_job_id and detail.url == listed[0].url
    assert detail.date_published_raw == "2026-11-01"
    assert detail.description_html_raw and "<li>" in detail.description_html_raw
    board = workday.board_for({"host": HOST, "tenant": TENANT, "site": SITE, "locale": "en-US"})
    assert board is not None and board.public_url("/job/x_R1") == f"https://{HOST}/en-US/{SITE}/job/x_R1"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("1000 Merck Sharp & Dohme LLC", "Merck Sharp & Dohme LLC"),
        ("4100 Ridgecrest University Medical Center", "Ridgecrest University Medical Center"),
        ("GD Information Technology, Inc.", "GD Information Technology, Inc."),
        ("23andMe, Inc.", "23andMe, Inc."),
        ("1000 01", "Registry Name"),
        (None, "Registry Name"),
    ],
)
def test_employer_drops_ledger_codes_only_when_a_name_remains(raw: str | None, expected: str) -> None:
    assert workday.employer_name(raw, "Registry Name") == expected


REAL_LIST_URLS = {"gdit_": "https://gdit.wd5.myworkdayjobs.com/wday/cxs/gdit/External_Career_Site/jobs"}


def real_context(path: Path, data: Any) -> ParseContext:
    if isinstance(data, dict) and "jobPostings" in data:
        url = next((u for prefix, u in REAL_LIST_URLS.items() if path.name.startswith(prefix)), None)
        return ctx(url=url or "https://sample.wd1.myworkdayjobs.com/wday/cxs/sample/Careers/jobs")
    return ctx()


@needs_real
@pytest.mark.parametrize("path", real_fixture_files("workday"), ids=lambda p: p.name)
def test_real_samples_parse(path: Path) -> None:
    data = json.loads(path.read_bytes())
    postings = workday.parse_any(path.read_bytes(), real_context(path, data))
    jobs = data.get("jobPostings") or [data.get("jobPostingInfo")]
    assert len(postings) == len(jobs) > 0
    for posting, job in zip(postings, jobs, strict=True):
        assert posting.title and posting.url.startswith("https://") and posting.source_job_id
        text = job.get("location") or job.get("locationsText")
        if text and not text.endswith("Locations"):
            assert posting.location_raw == text
        if job.get("startDate") or job.get("postedOn"):
            assert posting.date_published_raw == (job.get("startDate") or job.get("postedOn"))
    if isinstance(data.get("hiringOrganization"), dict) and data["hiringOrganization"].get("name"):
        assert postings[0].employer and postings[0].employer[0].isalpha()
        assert postings[0].country_raw == "US"


def test_cli_parses_each_kind_of_response() -> None:
    runner = CliRunner()
    listed = runner.invoke(app, ["parse", "workday", str(REC / "list_clinical-research_20.json"), "--url", LIST_URL])
    assert listed.exit_code == 0, listed.output
    rows = [json.loads(line) for line in listed.stdout.splitlines()]
    assert len(rows) == 20 and all(r["url"].startswith(f"https://{HOST}/{SITE}/job/") for r in rows)
    assert all(r["date_published"] for r in rows if r["date_published_raw"])  # relative dates resolved
    detail = runner.invoke(app, ["parse", "workday", str(REC / "job_JR106850.json")])
    assert detail.exit_code == 0, detail.output
    [row] = [json.loads(line) for line in detail.stdout.splitlines()]
    assert row["date_published"] == "2026-11-01T00:00:00Z" and "Good Clinical Practice" in row["description"]
    bare = runner.invoke(app, ["parse", "workday", str(REC / "list_clinical-research_20.json")])
    assert bare.exit_code != 0 and "--url" in str(bare.exception)


# ------------------------------------------------------------------ fuzzing

JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=20,
)
LIST_KEYS = st.sampled_from(["title", "externalPath", "locationsText", "postedOn", "bulletFields", "remoteType"])
INFO_KEYS = st.sampled_from(
    ["title", "jobDescription", "location", "additionalLocations", "startDate", "jobReqId", "externalUrl",
     "remoteType", "timeType", "jobRequisitionLocation", "country", "postedOn", "endDate"]
)  # fmt: skip
PATHY = st.sampled_from(["/job/X/Y_R1", "/job/A/B_JR2-1", "job/no-slash", "", "https://h.x/S/job/a_R9", "http://[x/S/job/a"])
SHAPED = st.one_of(
    st.fixed_dictionaries(
        {"jobPostings": st.lists(st.dictionaries(LIST_KEYS, JSON | PATHY, max_size=6) | JSON, max_size=3)},
        optional={"total": JSON},
    ),
    st.fixed_dictionaries(
        {"jobPostingInfo": st.dictionaries(INFO_KEYS, JSON | PATHY, max_size=8) | JSON},
        optional={"hiringOrganization": st.dictionaries(st.just("name"), JSON) | JSON},
    ),
)
CONTEXTS = [ctx(), ctx(url=LIST_URL), ctx(params={"host": HOST, "tenant": TENANT, "site": SITE, "locale": "en-US"})]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(value=JSON | SHAPED, which=st.integers(0, len(CONTEXTS) - 1))
def test_parse_any_on_any_json_raises_only_parse_error(value: Any, which: int) -> None:
    try:
        postings = workday.parse_any(json.dumps(value).encode(), CONTEXTS[which])
    except ParseError:
        return
    assert all(p.title and p.url and p.source_job_id for p in postings)


@settings(max_examples=200, deadline=None)
@given(raw=st.binary(max_size=200))
def test_parse_any_on_any_bytes_raises_only_parse_error(raw: bytes) -> None:
    try:
        workday.parse_any(raw, CONTEXTS[1])
    except ParseError:
        pass
