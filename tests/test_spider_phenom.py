"""Phenom career sites: search pages crawled for real over HTTP against the replay server
(several offsets, several search terms), the real Duke page, the CLI, and fuzzing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import crawl_with, needs_real, real_fixture_files
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from researchjobs.cli import app
from researchjobs.replay import Recordings
from researchjobs.spiders.base import ParseContext, ParseError
from researchjobs.spiders.phenom import extract_ddo, parse_any, read_page, search_url

REPLAY = Path(__file__).resolve().parent / "fixtures" / "replay" / "phenom"
SM_URL = "https://careers.stmarcushealth.org/us/en/search-results"
BV_URL = "https://careers.bayviewclinical.com/global/en/search-results"
SM = {"id": "phenom:stmarcushealth", "family": "phenom", "employer": "St. Marcus Health",
      "employer_type": "academic_medical_centre", "url": SM_URL, "search": ["clinical research", "research assistant"]}  # fmt: skip
BV = {"id": "phenom:bayviewclinical", "family": "phenom", "employer": "Bayview Clinical Research",
      "employer_type": "cro", "url": BV_URL}  # fmt: skip


def ctx(url: str | None = None) -> ParseContext:
    return ParseContext(source_id="phenom:test", family="phenom", crawled_at="2026-10-15T12:00:00Z", url=url)


def test_search_terms_paged_by_offset(tmp_path: Path) -> None:
    rec = Recordings().load_dir(REPLAY)
    result = crawl_with(tmp_path, rec, [SM, BV])
    assert result.runs[SM["id"]]["outcome"] == "ok", result.runs[SM["id"]]["error_summary"]
    assert result.runs[BV["id"]]["outcome"] == "ok", result.runs[BV["id"]]["error_summary"]
    # "clinical research": 23 hits over from=0,10,20; "research assistant": 4 hits, 2 already seen.
    assert result.runs[SM["id"]]["seen"] == 25
    offsets = sorted(k.split("from=")[1].split("&")[0] for k in rec.hits if "clinical+research" in k)
    assert offsets == ["0", "10", "20"]
    assert all(n == 1 for key, n in rec.hits.items() if "robots.txt" not in key)
    assert not [k for k in rec.unmatched if "robots.txt" not in k]
    postings = {p["source_job_id"]: p for p in result.postings(SM["id"])}
    crc = postings["SMHSMHUS264100EXTERNALENUS"]
    assert (
        crc["url"] == "https://careers.stmarcushealth.org/us/en/job/SMHSMHUS264100EXTERNALENUS"
    )  # phApp.baseUrl
    assert (
        crc["title"] == "Clinical Research Coordinator I - Cardiology" and crc["requisition_id"] == "264100"
    )
    assert crc["location_raw"] == "Cleveland, Ohio, United States" and crc["employer"] == "St. Marcus Health"
    assert crc["date_published"] == "2026-10-14T08:00:00Z" and crc["apply_url"].startswith(
        "https://stmarcushealth.wd5"
    )
    assert "foreign medical graduates welcome" in crc["description"]
    braces = postings["SMHSMHUS264174EXTERNALENUS"]  # teaser with "{...};" inside the JSON string
    assert "{7:30-4:00}" in braces["description"]
    multi = postings["SMHSMHUS264211EXTERNALENUS"]
    assert json.loads(multi["locations_raw"]) == [
        "Akron, Ohio, United States",
        "Beachwood, Ohio, United States",
    ]
    bayview = {p["title"]: p for p in result.postings(BV["id"])}
    assert len(bayview) == 3
    cra = bayview["Clinical Research Associate I (Entry Level CRA)"]
    assert (
        cra["url"] == "https://careers.bayviewclinical.com/global/en/job/BCRBCRGLOBALR0041873EXTERNALENGLOBAL"
    )
    assert bayview["Site Activation Specialist - Home Based"]["workplace_raw"] == "Remote"


def test_block_page_fails_and_broken_later_page_is_partial(tmp_path: Path) -> None:
    rec = Recordings().load_dir(REPLAY)
    page = (REPLAY / "stmarcus_clinical_research_from10.html").read_text()
    cut = page.index('"jobs": [') + 400
    rec.add({"url": search_url(SM_URL, "clinical research", 10), "text": page[:cut] + "\n</script></html>",
             "headers": {"Content-Type": "text/html"}})  # fmt: skip
    rec.add({"url": search_url(BV_URL, None, 0), "status": 200, "headers": {"Content-Type": "text/html"},
             "text": "<html><head><title>Access Denied</title></head><body>Reference #18.5f2d</body></html>"})  # fmt: skip
    result = crawl_with(tmp_path, rec, [SM, BV])
    run = result.runs[SM["id"]]
    assert run["outcome"] == "partial" and "phApp.ddo is not a JSON object" in run["error_summary"]
    assert run["seen"] == 10 + 2  # page 1 of the first term and the unseen jobs of the second term
    assert not any("from=20" in k for k in rec.hits)  # paging stops at the broken page
    bv = result.runs[BV["id"]]
    assert bv["outcome"] == "failed" and "Access Denied" in bv["error_summary"]


def test_ddo_extraction_is_robust() -> None:
    assert extract_ddo('x phApp.ddo = {"a": "};", "b": [1]}; phApp.experimentData = {};') == {
        "a": "};",
        "b": [1],
    }
    # A first assignment that is not an object is skipped for the next one.
    assert extract_ddo('phApp.ddo = phApp.ddo || {}; phApp.ddo = {"k": 1};') == {"k": 1}
    with pytest.raises(ParseError, match=r"no phApp\.ddo"):
        extract_ddo("<html><title>Just a moment...</title></html>")
    with pytest.raises(ParseError, match="not a JSON object"):
        extract_ddo('phApp.ddo = {"a": ')
    with pytest.raises(ParseError, match="no eagerLoadRefineSearch or jobDetail"):
        parse_any(b'<script>phApp.ddo = {"siteConfig": {}};</script>', ctx())
    with pytest.raises(ParseError, match="status 500"):
        parse_any(b'<script>phApp.ddo = {"eagerLoadRefineSearch": {"status": 500}};</script>', ctx())


def test_detail_page_and_widgets_json() -> None:
    detail = {"jobDetail": {"status": 200, "data": {"job": {
        "title": "Clinical Research Coordinator", "jobSeqNo": "CHOCHOUS9911EXTERNALENUS", "reqId": "9911",
        "description": "<p>Full description with <b>requirements</b>.</p>", "postedDate": "2026-10-01T00:00:00.000+0000",
        "multi_location": ["Philadelphia, Pennsylvania, United States", "King of Prussia, Pennsylvania, United States"],
    }}}}  # fmt: skip
    body = f"<script>phApp.ddo = {json.dumps(detail)};</script>".encode()
    page = read_page(
        body, ctx("https://careers.example-childrens.org/us/en/job/CHOCHOUS9911EXTERNALENUS/crc")
    )
    (job,) = page.postings
    assert (
        page.kind == "detail"
        and job.url == "https://careers.example-childrens.org/us/en/job/CHOCHOUS9911EXTERNALENUS"
    )
    assert "<b>requirements</b>" in job.description_html_raw and len(job.locations_raw) == 2
    widgets = {
        "refineSearch": {"status": 200, "totalHits": 1, "data": {"jobs": [{"title": "RA", "jobSeqNo": "X1"}]}}
    }
    (ra,) = parse_any(
        json.dumps(widgets).encode(), ctx("https://careers.example.org/global/en/search-results")
    )
    assert ra.url == "https://careers.example.org/global/en/job/X1"


def test_job_page_without_seq_or_apply_url_uses_its_own_url() -> None:
    """Some tenants' job pages carry neither jobSeqNo nor applyUrl: the page is the job's URL."""
    job = {"title": "Research Assistant II - Sleep Medicine", "jobId": "R0048812", "reqId": "R0048812",
           "description": "<p>Runs overnight polysomnography studies.</p>", "postedDate": "2026-10-20T00:00:00.000+0000"}  # fmt: skip
    ddo = f"<script>phApp.ddo = {json.dumps({'jobDetail': {'status': 200, 'data': {'job': job}}})};</script>"
    canonical = "https://careers.example-childrens.org/us/en/job/R0048812/Research-Assistant-II-Sleep-Medicine"
    with_link = f'<html><head><link rel="canonical" href="{canonical}"/></head><body>{ddo}</body></html>'
    (posting,) = parse_any(with_link.encode(), ctx())
    assert posting.url == canonical and posting.source_job_id == "R0048812" and posting.apply_url == canonical
    og = f'<html><head><meta property="og:url" content="{canonical}"></head><body>{ddo}</body></html>'
    assert parse_any(og.encode(), ctx())[0].url == canonical
    # No link on the page: the URL it was fetched from.
    fetched = "https://careers.example-childrens.org/us/en/job/R0048812"
    assert parse_any(ddo.encode(), ctx(fetched))[0].url == fetched
    # Nothing but the site's base: built from the job id.
    app = '<script>var phApp = phApp || {"baseUrl": "https://careers.example-childrens.org/us/en/"};</script>'
    (built,) = parse_any((app + ddo).encode(), ctx("https://careers.example-childrens.org/us/en/search-results"))
    assert built.url == "https://careers.example-childrens.org/us/en/job/R0048812"
    # A search result still needs jobSeqNo or applyUrl: its page is the search page, not the job's.
    search = {"eagerLoadRefineSearch": {"status": 200, "totalHits": 2, "data": {"jobs": [
        job, {"title": "CRC I", "jobSeqNo": "CHOCHOUS1EXTERNALENUS"}]}}}  # fmt: skip
    search_ctx = ctx(canonical)
    page = read_page(f"<script>phApp.ddo = {json.dumps(search)};</script>".encode(), search_ctx)
    assert [p.source_job_id for p in page.postings] == ["CHOCHOUS1EXTERNALENUS"]
    assert "neither jobSeqNo nor applyUrl" in search_ctx.warnings[0]


def test_search_url_keeps_other_parameters() -> None:
    url = search_url(
        "https://c.example.org/us/en/search-results?category=Research&from=40&s=1", "data coordinator", 20
    )
    assert (
        url
        == "https://c.example.org/us/en/search-results?category=Research&keywords=data+coordinator&from=20&s=1"
    )


@needs_real
@pytest.mark.parametrize("path", real_fixture_files("phenom"), ids=lambda p: p.name)
def test_real_samples(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    for url in (None, "https://careers.dukehealth.org/us/en/search-results?from=0&s=1"):
        context = ctx(url)
        page = read_page(path.read_bytes(), context)
        assert page.kind == "search" and not context.warnings
        assert len(page.postings) == page.hits == text.count('"jobSeqNo"')
        assert page.total == 906
        for posting in page.postings:
            assert posting.title and posting.url and posting.source_job_id.endswith("EXTERNALENUS")
            assert posting.location_raw and posting.date_published_raw and posting.requisition_id
        if url:
            assert (
                page.postings[0].url == "https://careers.dukehealth.org/us/en/job/DUHDUHUS273419EXTERNALENUS"
            )


@pytest.mark.parametrize(
    ("name", "count"),
    [("stmarcus_clinical_research_from0.html", 10), ("stmarcus_clinical_research_from20.html", 3),
     ("bayview_from0.html", 3)],
)  # fmt: skip
def test_cli_parse(name: str, count: int) -> None:
    result = CliRunner().invoke(app, ["parse", "phenom", str(REPLAY / name), "--url", f"{BV_URL}?from=0&s=1"])
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.stdout.splitlines() if line.strip()]
    assert len(rows) == count
    assert all(r["title"] and r["url"].startswith("https://careers.") and r["date_published"] for r in rows)


def test_cli_parse_block_page_fails(tmp_path: Path) -> None:
    page = tmp_path / "blocked.html"
    page.write_text("<html><head><title>Access Denied</title></head></html>")
    result = CliRunner().invoke(app, ["parse", "phenom", str(page)])
    assert result.exit_code == 1


_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=15),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(
        st.sampled_from(["eagerLoadRefineSearch", "jobDetail", "data", "jobs", "job", "title", "jobSeqNo", "totalHits",
                         "status", "location", "multi_location", "applyUrl", "descriptionTeaser", "postedDate"]),
        inner, max_size=6),
    max_leaves=25,
)  # fmt: skip


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(st.binary(max_size=1500), st.text(max_size=1500).map(str.encode),
                 st.text(max_size=300).map(lambda t: ("phApp.ddo = {" + t).encode())))  # fmt: skip
def test_fuzz_arbitrary_bytes_only_raise_parse_error(body: bytes) -> None:
    try:
        parse_any(body, ctx())
    except ParseError:
        pass


@settings(max_examples=150, deadline=None)
@given(_json, st.sampled_from(["var phApp = phApp || {};\n", ""]))
def test_fuzz_ddo_shapes_only_raise_parse_error(value: object, prefix: str) -> None:
    body = f"<script>{prefix}phApp.ddo = {json.dumps(value)};</script>".encode()
    try:
        postings = parse_any(body, ctx("https://careers.example.org/us/en/search-results"))
    except ParseError:
        return
    assert all(p.title and p.url for p in postings)
