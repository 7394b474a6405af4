"""Taleo: Business Edition lists and job pages, Enterprise searchjobs pages, crawled for real against
the replay server; the real TBE captures; the CLI; fuzzing.

The recordings in fixtures/replay/taleo are two fictional employers. Cedar Hollow Clinical
Research (TBE, org CEDARHCR, cws 41) lists five rows, one of whose links lost its rid; the
other four have JSON-LD job pages; cws 42 is an empty board. Alderbrook University Medical
Center (Enterprise, section abumc_external, portal 101440277 on its jobsearch.ftl page):
"clinical research" counts 31 over two pages of 25, one row without a title cell;
"research assistant" has 4, two of them also under the first term; portal 101440288 is a
section with no openings.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from conftest import FIXTURES, crawl_with, needs_real, real_fixture_files
from fuzzing import JSON, any_bytes, parses_or_refuses
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from researchjobs.cli import app
from researchjobs.replay import Recordings
from researchjobs.spiders import taleo
from researchjobs.spiders.base import ParseContext, ParseError

REC = FIXTURES / "replay" / "taleo"
TBE_LIST = "https://chr.tbe.taleo.net/chr03/ats/careers/v2/searchResults?org=CEDARHCR&cws=41"
ENT_PAGE = "https://alderbrook.taleo.net/careersection/abumc_external/jobsearch.ftl?lang=en"
API = "https://alderbrook.taleo.net/careersection/rest/jobboard/searchjobs?lang=en&portal=101440277"
TBE = {"id": "taleo:cedarhollow", "family": "taleo", "employer": "Cedar Hollow Clinical Research",
       "employer_type": "site_network", "url": TBE_LIST}  # fmt: skip
TBE_EMPTY = {**TBE, "id": "taleo:cedarhollow-ok", "url": TBE_LIST.replace("cws=41", "cws=42")}
ENT = {"id": "taleo:alderbrook", "family": "taleo", "employer": "Alderbrook University Medical Center",
       "employer_type": "academic_medical_centre", "url": ENT_PAGE,
       "search": ["clinical research", "research assistant"]}  # fmt: skip
ENT_EMPTY = {**ENT, "id": "taleo:alderbrook-nursing", "url": f"{ENT_PAGE}&portal=101440288", "search": []}
WAF = "<!DOCTYPE html><html><head><title>Request Rejected</title></head><body>The requested URL was rejected.</body></html>"


def ctx(url: str | None = None, **kw: Any) -> ParseContext:
    return ParseContext(source_id="taleo:test", family="taleo", crawled_at="2026-11-04T12:00:00Z", url=url, **kw)


def page_body(number: int) -> dict[str, Any]:
    return taleo.search_body("clinical research", number)


def test_tbe_list_then_job_pages_and_an_empty_board(tmp_path: Path) -> None:
    rec = Recordings().load_dir(REC)
    result = crawl_with(tmp_path, rec, [TBE, TBE_EMPTY])

    run = result.runs[TBE["id"]]
    assert run["outcome"] == "ok", run["error_summary"]
    assert run["seen"] == 4
    warnings = result.stats(TBE["id"])["warnings"]
    assert len(warnings) == 1 and "no title or no rid" in warnings[0]  # the row without a rid, skipped
    assert result.stats(TBE["id"])["responses"] == 1 + 4
    assert set(rec.hits.values()) == {1} and [k for k in rec.unmatched if "robots.txt" not in k] == []

    postings = {p["source_job_id"]: p for p in result.postings(TBE["id"])}
    assert set(postings) == {"112", "118", "121", "125"}  # keyed by rid: 112 and 121 share a title
    crc = postings["112"]
    assert crc["title"] == postings["121"]["title"] == "Clinical Research Coordinator"
    assert crc["url"] == "https://chr.tbe.taleo.net/chr03/ats/careers/v2/viewRequisition?cws=41&org=CEDARHCR&rid=112"
    assert crc["date_published"] == "2026-10-27T00:00:00Z"  # "2026-10-27 00:00:00.0" on the job page
    assert crc["location_raw"].startswith("TX - San Antonio") and crc["department"] == "Clinical Operations"
    assert crc["employer"] == "Cedar Hollow Clinical Research, LLC" and "Foreign medical graduates" in crc["description"]
    assert postings["125"]["employment_type"] == "Part Time"

    empty = result.runs[TBE_EMPTY["id"]]
    assert empty["outcome"] == "ok" and empty["seen"] == 0


def test_enterprise_reads_the_portal_then_pages_each_search(tmp_path: Path) -> None:
    rec = Recordings().load_dir(REC)
    result = crawl_with(tmp_path, rec, [ENT, ENT_EMPTY])

    run = result.runs[ENT["id"]]
    assert run["outcome"] == "ok", run["error_summary"]
    assert run["seen"] == 32  # 31 - 1 unreadable + 2 more under "research assistant"
    assert "requisitionList[3] skipped" in result.stats(ENT["id"])["warnings"][0]
    assert set(rec.hits.values()) == {1} and [k for k in rec.unmatched if "robots.txt" not in k] == []
    postings = {p["source_job_id"]: p for p in result.postings(ENT["id"])}
    first = postings["2604100"]
    assert first["title"] == "Clinical Research Coordinator I" and first["requisition_id"] == "2604100"
    assert first["url"] == "https://alderbrook.taleo.net/careersection/abumc_external/jobdetail.ftl?job=240100&lang=en"
    assert first["location_raw"] == "US-Ohio-Columbus" and first["date_published"] == "2026-10-01T00:00:00Z"
    two_places = postings["2604103"]
    assert json.loads(two_places["locations_raw"]) == ["US-Ohio-Columbus", "US-Ohio-Dublin"]
    assert "Research Assistant I - Sleep Medicine" in {p["title"] for p in postings.values()}

    empty = result.runs[ENT_EMPTY["id"]]
    assert empty["outcome"] == "ok" and empty["seen"] == 0


def test_broken_pages_make_partial_or_failed_runs_that_close_nothing(tmp_path: Path) -> None:
    first = crawl_with(tmp_path, Recordings().load_dir(REC), [TBE, ENT])
    assert {r["outcome"] for r in first.runs.values()} == {"ok"}

    rec = Recordings().load_dir(REC)
    # Page 2 of the Enterprise search is cut short; a TBE job page is a WAF page.
    rec.add({"method": "POST", "url": API, "body": page_body(2), "text": '{"requisitionList":[{"jobId":',
             "headers": {"Content-Type": "application/json"}})  # fmt: skip
    rec.add({"url": TBE_LIST.replace("searchResults", "viewRequisition") + "&rid=118", "text": WAF,
             "headers": {"Content-Type": "text/html"}})  # fmt: skip
    second = crawl_with(tmp_path, rec, [TBE, ENT], db_path=first.db_path)
    ent, tbe = second.runs[ENT["id"]], second.runs[TBE["id"]]
    assert ent["outcome"] == "partial" and "malformed Taleo search JSON" in ent["error_summary"]
    assert tbe["outcome"] == "partial" and "kept the list entry" in tbe["error_summary"]
    assert tbe["seen"] == 4 and ent["closed"] == tbe["closed"] == 0
    assert all(p["closed_at"] is None for p in second.postings())
    kept = next(p for p in second.postings(TBE["id"]) if p["source_job_id"] == "118")
    assert kept["date_published"]  # the stored job-page copy is not overwritten by the bare list entry


def test_repeated_last_page_unavailable_section_and_missing_portal(tmp_path: Path) -> None:
    rec = Recordings().load_dir(REC)
    # Page 2 answered with page 1 again (Taleo does this past the last page): the count was not reached.
    rec.add({"method": "POST", "url": API, "body": page_body(2), "file": "ent_search_clinical-research_p1.json"}, REC)
    closed_portal = "https://alderbrook.taleo.net/careersection/rest/jobboard/searchjobs?lang=en&portal=101440299"
    rec.add({"method": "POST", "url": closed_portal, "body": taleo.search_body("", 1),
             "json": {"requisitionList": None, "careerSectionUnAvailable": True}})  # fmt: skip
    no_portal = "https://alderbrook.taleo.net/careersection/abumc_internal/jobsearch.ftl?lang=en"
    rec.add({"url": no_portal, "text": "<html><head><title>Sign In</title></head><body>Employees only</body></html>",
             "headers": {"Content-Type": "text/html"}})  # fmt: skip
    closed = {**ENT_EMPTY, "id": "taleo:alderbrook-closed", "url": f"{ENT_PAGE}&portal=101440299"}
    internal = {**ENT_EMPTY, "id": "taleo:alderbrook-internal", "url": no_portal}
    result = crawl_with(tmp_path, rec, [ENT, closed, internal])

    run = result.runs[ENT["id"]]
    assert run["outcome"] == "partial" and "counts 31 jobs but listed 25" in run["error_summary"]
    assert result.runs[closed["id"]]["outcome"] == "failed"
    assert "career section is unavailable" in result.runs[closed["id"]]["error_summary"]
    assert result.runs[internal["id"]]["outcome"] == "failed"
    assert "no portal number" in result.runs[internal["id"]]["error_summary"]


# ------------------------------------------------------------------ parsers


def test_boards_from_urls() -> None:
    tbe = taleo.board_from_url("https://chr.tbe.taleo.net/chr03/ats/careers/v2/viewRequisition?org=CEDARHCR&cws=41&rid=9")
    assert tbe.kind == "tbe" and tbe.list_url() == TBE_LIST
    assert tbe.job_url("9").endswith("/chr03/ats/careers/v2/viewRequisition?org=CEDARHCR&cws=41&rid=9")
    ent = taleo.board_from_url(f"{ENT_PAGE}&portal=101440277")
    assert (ent.kind, ent.section, ent.portal, ent.search_api_url()) == ("enterprise", "abumc_external", "101440277", API)
    assert taleo.board_from_url(ENT_PAGE, portal="101440277").portal == "101440277"
    own_host = taleo.board_from_url("https://careers.alderbrookhealth.org/careersection/2/jobsearch.ftl?lang=en")
    assert own_host.search_page_url() == "https://careers.alderbrookhealth.org/careersection/2/jobsearch.ftl?lang=en"
    assert taleo.board_from_url("https://alderbrook.taleo.net/careersection/x/jobdetail.ftl?job=1&lang=fr_CA").lang == "fr_CA"
    for bad, message in [
        ("https://chr.tbe.taleo.net/chr03/ats/careers/v2/searchResults", "org=…&cws=…"),
        ("https://alderbrook.taleo.net/", "without /careersection/"),
        ("https://alderbrook.taleo.net/careersection/jobsearch.ftl", "without its career section"),
        ("https://careers.example.org/jobs", "not a Taleo URL"),
    ]:
        with pytest.raises(ValueError, match=message):
            taleo.board_from_url(bad)
    with pytest.raises(ValueError, match="portal must be a number"):
        taleo.board_from_url(ENT_PAGE, portal="abc")


def test_portal_and_location_cells() -> None:
    assert taleo.find_portal((REC / "ent_jobsearch.html").read_bytes()) == "101440277"
    assert taleo.find_portal("var settings = { portalNo: '8140753014', lang: 'en' };") == "8140753014"
    assert taleo.find_portal("<html>no portal here</html>") is None
    assert taleo._places('["US-Maryland-Hunt Valley"]') == ["US-Maryland-Hunt Valley"]
    assert taleo._places("Columbus, OH") == ["Columbus, OH"] and taleo._places("[not json") == ["[not json"]


def test_parse_any_tells_the_kinds_apart() -> None:
    listed = taleo.parse_any((REC / "tbe_search_results.html").read_bytes(), context := ctx(TBE_LIST))
    assert [p.source_job_id for p in listed] == ["112", "118", "121", "125"] and len(context.warnings) == 1
    (job,) = taleo.parse_any((REC / "tbe_job_118.html").read_bytes(), ctx())
    assert job.source_job_id == "118" and job.date_published_raw == "2026-10-29 00:00:00.0"
    assert taleo.parse_any((REC / "tbe_empty.html").read_bytes(), ctx()) == []
    page = (REC / "ent_search_clinical-research_p1.json").read_bytes()
    with pytest.raises(ParseError, match="--url"):
        taleo.parse_any(page, ctx())
    assert len(taleo.parse_any(page, ctx(ENT_PAGE))) == 25
    assert taleo.parse_any((REC / "ent_search_empty.json").read_bytes(), ctx()) == []
    with pytest.raises(ParseError, match="searchjobs API"):
        taleo.parse_any((REC / "ent_jobsearch.html").read_bytes(), ctx())
    with pytest.raises(ParseError, match="unavailable"):
        taleo.parse_any(b'{"requisitionList": null, "careerSectionUnAvailable": true}', ctx(ENT_PAGE))
    with pytest.raises(ParseError, match="wrong portal"):
        taleo.parse_any(b'{"requisitionList": null, "pagingData": {}}', ctx(ENT_PAGE))
    with pytest.raises(ParseError, match="not a Taleo"):
        taleo.parse_any(WAF.encode(), ctx())


@needs_real
@pytest.mark.parametrize("path", real_fixture_files("taleo"), ids=lambda p: p.name)
def test_real_tbe_captures_parse(path: Path) -> None:
    postings = taleo.parse_any(path.read_bytes(), context := ctx())
    assert postings and not context.warnings
    for posting in postings:
        assert posting.title and posting.url.startswith("https://phh.tbe.taleo.net/phh04/ats/careers/v2/viewRequisition")
        assert posting.source_job_id == taleo._rid(posting.url)
    if "search_results" in path.name:
        assert [p.source_job_id for p in postings] == ["17", "389", "618"]
        assert postings[0].title == postings[1].title  # two jobs share a title: rid tells them apart
        assert [p.location_raw for p in postings] == ["IN - Lafayette", "IN - Indianapolis", "NC - Charlotte"]
        assert {p.employment_type for p in postings} == {"Per Diem"}
    else:
        (job,) = postings
        assert (job.source_job_id, job.employment_type) == ("17", "Per Diem")
        assert job.date_published_raw == "2017-01-15 00:00:00.0" and job.employer == "Nurses and More, Inc."


def test_cli_parses_list_job_page_and_search_answer() -> None:
    runner = CliRunner()
    listed = runner.invoke(app, ["parse", "taleo", str(REC / "tbe_search_results.html")])
    assert listed.exit_code == 0, listed.output
    assert len(listed.stdout.splitlines()) == 4
    answer = runner.invoke(app, ["parse", "taleo", str(REC / "ent_search_clinical-research_p2.json"), "--url", ENT_PAGE])
    assert answer.exit_code == 0, answer.output
    rows = [json.loads(line) for line in answer.stdout.splitlines()]
    assert len(rows) == 5 and all(r["date_published"] and "jobdetail.ftl?job=" in r["url"] for r in rows)
    bare = runner.invoke(app, ["parse", "taleo", str(REC / "ent_search_clinical-research_p2.json")])
    assert bare.exit_code != 0 and "--url" in str(bare.exception)


# ------------------------------------------------------------------ fuzzing

ROW = st.fixed_dictionaries(
    {},
    optional={"jobId": JSON, "contestNo": JSON, "column": st.lists(JSON | st.just('["US-OH-Columbus"]'), max_size=4) | JSON,
              "linkedColumn": JSON | st.integers(-2, 5), "locationsColumns": st.lists(st.integers(-2, 5), max_size=3) | JSON},
)  # fmt: skip
ANSWER = st.fixed_dictionaries(
    {"requisitionList": st.lists(ROW | JSON, max_size=4) | JSON},
    optional={"pagingData": st.fixed_dictionaries({}, optional={"totalCount": JSON, "pageSize": JSON}) | JSON,
              "careerSectionUnAvailable": JSON},
)  # fmt: skip
CONTEXTS = [ctx(), ctx(ENT_PAGE), ctx(TBE_LIST)]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(value=JSON | ANSWER, which=st.integers(0, len(CONTEXTS) - 1))
def test_search_answers_raise_only_parse_error(value: Any, which: int) -> None:
    parses_or_refuses(taleo.parse_any, json.dumps(value).encode(), CONTEXTS[which])


HTML_BITS = st.sampled_from([
    '<div class="oracletaleocwsv2-accordion-head-info">', "</div>", '<h4><a href="viewRequisition?org=A&cws=1&rid=7">',
    '<a href="viewRequisition?rid=">', "CRC I", "</a></h4>", '<div tabindex="0">IN - Gary</div>',
    '<script type="application/ld+json">', '{"@type": "JobPosting", "title": "RA", "url": "https://x.tbe.taleo.net/a?rid=3"}',
    "</script>", "portal=123456", "<html>", "\x00", "&amp;",
])  # fmt: skip


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(parts=st.lists(HTML_BITS | st.text(max_size=10), max_size=12), which=st.integers(0, len(CONTEXTS) - 1))
def test_pages_raise_only_parse_error(parts: list[str], which: int) -> None:
    parses_or_refuses(taleo.parse_any, "".join(parts).encode(), CONTEXTS[which])


@settings(max_examples=150, deadline=None)
@given(raw=st.binary(max_size=200))
def test_any_bytes_raise_only_parse_error(raw: bytes) -> None:
    any_bytes(taleo.parse_any, raw, CONTEXTS[1])
