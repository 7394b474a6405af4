"""Oracle Recruiting Cloud: crawled for real over HTTP against the replay server, parsers on real samples, fuzzed.

The recordings in fixtures/replay/oracle are a fictional children's hospital: keyword
"clinical research" finds 30 requisitions over two pages of 25, "research assistant"
finds 7, of which 4 are also under the first keyword: 33 requisitions, each with a detail.
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
from researchjobs.spiders import oracle
from researchjobs.spiders.base import ParseContext, ParseError

REC = FIXTURES / "replay" / "oracle"
HOST, SITE = "ekzt.fa.us2.oraclecloud.com", "CX_1"
ORC = {"id": "oracle:lakemontchildrens", "family": "oracle", "employer": "Lakemont Children's Hospital",
       "employer_type": "childrens_hospital", "host": HOST, "site": SITE,
       "search": ["clinical research", "research assistant"]}  # fmt: skip
OTHER = {**ORC, "id": "oracle:lakemontchildrens-all", "site": "CX_2", "search": []}
SITE_LIST = oracle.Site(HOST, SITE)
WAF = "<!DOCTYPE html><html><head><title>Request Rejected</title></head><body>The requested URL was rejected.</body></html>"


def ids(name: str) -> set[str]:
    return {r["Id"] for r in json.loads((REC / name).read_text())["items"][0]["requisitionList"]}


def ctx(**kw: Any) -> ParseContext:
    return ParseContext(source_id="oracle:test", family="oracle", crawled_at="2026-11-04T12:00:00Z", **kw)


def test_crawl_pages_in_the_finder_merges_keywords_and_joins_descriptions(tmp_path: Path) -> None:
    rec = Recordings().load_dir(REC)
    rec.add({"url": oracle.Site(HOST, "CX_2").list_url(0), "text": WAF, "headers": {"Content-Type": "text/html"}})
    result = crawl_with(tmp_path, rec, [ORC, OTHER])

    run = result.runs[ORC["id"]]
    assert run["outcome"] == "ok", run["error_summary"]
    assert run["seen"] == 33  # 30 + 7 - 4 shared
    assert result.stats(ORC["id"])["responses"] == 3 + 33
    assert set(rec.hits.values()) == {1}  # no page or detail fetched twice
    assert [k for k in rec.unmatched if "robots.txt" not in k] == []

    postings = result.postings(ORC["id"])
    assert {p["employer"] for p in postings} == {"Lakemont Children's Hospital"}
    assert all(p["url"] == f"https://{HOST}/hcmUI/CandidateExperience/en/sites/{SITE}/job/{p['source_job_id']}"
               for p in postings)  # fmt: skip
    assert all(p["requisition_id"] and p["requisition_id"].startswith("3000") for p in postings)
    # All five description fields, in page order: department, about us, benefits, duties, qualifications.
    for p in postings:
        text = p["description"]
        assert text.index("Department:") < text.index("About Lakemont") < text.index("Responsibilities")
        assert "Minimum Qualifications" in text
    first = next(p for p in postings if p["source_job_id"] == "23680")
    assert first["title"] == "Clinical Research Coordinator I"
    assert first["date_published"] == "2026-10-30T08:05:00Z"  # ExternalPostedStartDate, not PostedDate
    assert first["salary_raw"] == "$53,500 USD - $66,500 USD"  # the "Salary Range" flex field
    assert first["location_raw"] == "LAKEMONT, MN, United States" and first["workplace_raw"] == "On-site"
    assert any(len(json.loads(p["locations_raw"])) == 2 for p in postings)  # secondaryLocations

    other = result.runs[OTHER["id"]]
    assert other["outcome"] == "failed" and "Request Rejected" in other["error_summary"]


def test_bad_page_and_bad_detail_make_a_partial_run_that_closes_nothing(tmp_path: Path) -> None:
    first = crawl_with(tmp_path, Recordings().load_dir(REC), [ORC])
    assert first.runs[ORC["id"]]["outcome"] == "ok"

    rec = Recordings().load_dir(REC)
    rec.add({"url": SITE_LIST.list_url(25, "clinical research"), "text": '{"items": [{"requisitionList": [{"Id": ',
             "headers": {"Content-Type": "application/json"}})  # fmt: skip
    rec.add({"url": SITE_LIST.detail_url("23680"), "text": WAF, "headers": {"Content-Type": "text/html"}})
    second = crawl_with(tmp_path, rec, [ORC], db_path=first.db_path)

    run = second.runs[ORC["id"]]
    assert run["outcome"] == "partial"
    assert "malformed Oracle Recruiting JSON" in run["error_summary"]
    assert "Request Rejected" in run["error_summary"] and "kept the list entry" in run["error_summary"]
    assert run["seen"] == len(ids("list_clinical-research_0.json") | ids("list_research-assistant_0.json"))
    assert run["closed"] == 0 and all(p["closed_at"] is None for p in second.postings())
    kept = next(p for p in second.postings() if p["source_job_id"] == "23680")
    assert kept["last_run_id"] == run["run_id"]
    # The list entry was kept as seen, but it carries no text, so the fuller stored copy from the
    # first crawl (detail date and description) is not overwritten by it.
    assert kept["date_published"] == "2026-10-30T08:05:00Z"
    assert "Minimum Qualifications" in kept["description"]


# ------------------------------------------------------------------ parsers


def test_urls_follow_the_finder_syntax() -> None:
    assert SITE_LIST.list_url(25, 'cancer, "phase 1"; trials') == (
        f"https://{HOST}/hcmRestApi/resources/latest/recruitingCEJobRequisitions?onlyData=true"
        "&expand=requisitionList.secondaryLocations&finder=findReqs;siteNumber=CX_1,limit=25,offset=25,"
        "sortBy=POSTING_DATES_DESC,keyword=%22cancer%20phase%201%20trials%22"
    )
    assert SITE_LIST.detail_url("23680").endswith("finder=ById;Id=%2223680%22,siteNumber=CX_1")


def test_list_and_detail_need_the_host_but_can_take_it_from_the_url() -> None:
    page = (REC / "list_clinical-research_0.json").read_bytes()
    with pytest.raises(ParseError, match="--url"):
        oracle.parse_any(page, ctx())
    listed = oracle.parse_any(page, ctx(url=SITE_LIST.list_url(0, "clinical research")))
    assert len(listed) == 25 and listed[0].date_published_raw == "2026-10-30"
    detail = oracle.parse_any((REC / "detail_23680.json").read_bytes(), ctx(url=SITE_LIST.detail_url("23680")))
    assert detail[0].url == listed[0].url and detail[0].source_job_id == "23680"
    assert oracle.parse_any(b'{"items": [], "count": 0, "hasMore": false}', ctx()) == []


REAL_URLS = {"orc_": "https://ejov.fa.ca2.oraclecloud.com/hcmRestApi/resources/latest/recruitingCEJobRequisitions"
             "?onlyData=true&finder=findReqs;siteNumber=CX,limit=25,offset=0,sortBy=POSTING_DATES_DESC"}  # fmt: skip
SAMPLE_DETAIL_URL = "https://sample.fa.us2.oraclecloud.com/hcmUI/CandidateExperience/en/sites/CX_1/job/1"


@needs_real
@pytest.mark.parametrize("path", real_fixture_files("oracle"), ids=lambda p: p.name)
def test_real_samples_parse(path: Path) -> None:
    url = next((u for prefix, u in REAL_URLS.items() if path.name.startswith(prefix)), SAMPLE_DETAIL_URL)
    postings = oracle.parse_any(path.read_bytes(), ctx(url=url))
    data = json.loads(path.read_bytes())["items"][0]
    reqs = data.get("requisitionList", [data])
    assert len(postings) == len(reqs) > 0
    for posting, req in zip(postings, reqs, strict=True):
        assert posting.title == req["Title"] and posting.url.endswith(f"/job/{req['Id']}")
        if req.get("PrimaryLocation"):
            assert posting.location_raw == req["PrimaryLocation"]
            names = [loc["Name"] for loc in req.get("secondaryLocations", [])]
            assert posting.locations_raw == [req["PrimaryLocation"], *names]
        if req.get("PostedDate") or req.get("ExternalPostedStartDate"):
            assert posting.date_published_raw
        if any(req.get(name) for name in oracle.DESCRIPTION_FIELDS):
            html = posting.description_html_raw or ""
            assert all(req[name] in html for name in oracle.DESCRIPTION_FIELDS if req.get(name))


def test_cli_parses_each_kind_of_response() -> None:
    runner = CliRunner()
    listed = runner.invoke(app, ["parse", "oracle", str(REC / "list_clinical-research_25.json"),
                                 "--url", SITE_LIST.list_url(25, "clinical research")])  # fmt: skip
    assert listed.exit_code == 0, listed.output
    rows = [json.loads(line) for line in listed.stdout.splitlines()]
    assert len(rows) == 5 and all(r["date_published"] and r["url"].startswith(f"https://{HOST}/hcmUI/") for r in rows)
    detail = runner.invoke(app, ["parse", "oracle", str(REC / "detail_23680.json"),
                                 "--url", SITE_LIST.detail_url("23680")])  # fmt: skip
    assert detail.exit_code == 0, detail.output
    [row] = [json.loads(line) for line in detail.stdout.splitlines()]
    assert row["title"] == "Clinical Research Coordinator I" and "Good Clinical Practice" in row["description"]
    bare = runner.invoke(app, ["parse", "oracle", str(REC / "detail_23680.json")])
    assert bare.exit_code != 0 and "--url" in str(bare.exception)


# ------------------------------------------------------------------ fuzzing

JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=20,
)
REQ_KEYS = st.sampled_from(
    ["Id", "Title", "PostedDate", "PrimaryLocation", "secondaryLocations", "otherWorkLocations", "WorkplaceType",
     "JobSchedule", "ShortDescriptionStr", "RequisitionId", "ExternalPostedStartDate", "requisitionFlexFields",
     *oracle.DESCRIPTION_FIELDS]
)  # fmt: skip
REQ = st.dictionaries(REQ_KEYS, JSON, max_size=8)
SHAPED = st.fixed_dictionaries(
    {"items": st.lists(
        st.fixed_dictionaries({}, optional={"requisitionList": st.lists(REQ | JSON, max_size=3) | JSON,
                                            "TotalJobsCount": JSON}) | REQ | JSON,
        max_size=2)},
)  # fmt: skip
CONTEXTS = [ctx(), ctx(params={"host": HOST, "site": SITE}), ctx(url=SITE_LIST.list_url(0))]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(value=JSON | SHAPED, which=st.integers(0, len(CONTEXTS) - 1))
def test_parse_any_on_any_json_raises_only_parse_error(value: Any, which: int) -> None:
    try:
        postings = oracle.parse_any(json.dumps(value).encode(), CONTEXTS[which])
    except ParseError:
        return
    assert all(p.title and p.url and p.source_job_id for p in postings)


@settings(max_examples=200, deadline=None)
@given(raw=st.binary(max_size=200))
def test_parse_any_on_any_bytes_raises_only_parse_error(raw: bytes) -> None:
    try:
        oracle.parse_any(raw, CONTEXTS[1])
    except ParseError:
        pass
