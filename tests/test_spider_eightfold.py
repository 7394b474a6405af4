"""Eightfold: v2 jobs pages with a search term and pcsx search pages (after a refused v2 first
page), paged by ``start`` over real HTTP against the replay server; an empty board, an
error answer, a bad position, the page cap, both real captures, the CLI, and fuzzing."""

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
from researchjobs.spiders.eightfold import MAX_PAGES, board_domain, page_url, parse_any, read_page

REPLAY = Path(__file__).resolve().parent / "fixtures" / "replay" / "eightfold"
ASH = {"id": "eightfold:ashgrovehealth", "family": "eightfold", "employer": "Ashgrove Health",
       "employer_type": "academic_medical_centre", "host": "ashgrovehealth.eightfold.ai",
       "domain": "ashgrovehealth.org", "search": ["clinical research"]}  # fmt: skip
NF = {"id": "eightfold:northfieldcro", "family": "eightfold", "employer": "Northfield Clinical Research",
      "employer_type": "cro", "host": "careers.northfieldcro.com"}  # fmt: skip
BW = {"id": "eightfold:brightwaterresearch", "family": "eightfold", "employer": "Brightwater Research",
      "employer_type": "site_network", "host": "brightwaterresearch.eightfold.ai", "api": "pcsx"}  # fmt: skip
LM = {"id": "eightfold:larchmontmedical", "family": "eightfold", "employer": "Larchmont Medical Center",
      "employer_type": "health_system", "host": "larchmontmedical.eightfold.ai", "domain": "larchmontmedical.org",
      "api": "pcsx"}  # fmt: skip


def ctx(host: str | None = None) -> ParseContext:
    params = {"host": host} if host else {}
    return ParseContext(source_id="eightfold:test", family="eightfold", crawled_at="2026-10-15T12:00:00Z", params=params)


def test_v2_and_pcsx_searches_crawled(tmp_path: Path) -> None:
    rec = Recordings().load_dir(REPLAY)
    result = crawl_with(tmp_path, rec, [ASH, NF, BW, LM])
    ash = result.runs[ASH["id"]]
    assert ash["outcome"] == "ok", ash["error_summary"]
    assert ash["seen"] == 12  # 13 positions over start=0,10; one with an object for an id
    (warning,) = result.stats(ASH["id"])["warnings"]
    assert "positions[6]" in warning and "no id" in warning
    nf = result.runs[NF["id"]]
    assert nf["outcome"] == "ok", nf["error_summary"]
    assert nf["seen"] == 12
    assert rec.hits["GET careers.northfieldcro.com/api/apply/v2/jobs?domain=northfieldcro.com&num=10&start=0#"] == 1
    assert result.runs[BW["id"]]["outcome"] == "ok" and result.runs[BW["id"]]["seen"] == 0
    lm = result.runs[LM["id"]]
    assert lm["outcome"] == "failed" and "status 400: Invalid domain" in lm["error_summary"]
    assert not [k for k in rec.unmatched if "robots.txt" not in k]

    ashgrove = {p["requisition_id"]: p for p in result.postings(ASH["id"])}
    crc = ashgrove["R-24801"]
    assert crc["title"] == "Clinical Research Coordinator I - Cardiology" and crc["department"] == "Heart and Vascular Research"
    assert crc["url"] == f"https://ashgrovehealth.eightfold.ai/careers/job/{crc['source_job_id']}"
    assert crc["date_published"] == "2026-10-08T12:00:00Z" and crc["location_raw"] == "Columbus, Ohio, United States"
    assert json.loads(ashgrove["R-24802"]["locations_raw"]) == [
        "Columbus, Ohio, United States", "Westerville, Ohio, United States"]  # fmt: skip
    assert "Ohio RN" in ashgrove["R-24804"]["description"]
    assert ashgrove["R-24812"]["remote"] == "remote"
    northfield = {p["title"]: p for p in result.postings(NF["id"])}
    cta = northfield["Clinical Trial Assistant"]
    assert cta["url"].startswith("https://careers.northfieldcro.com/careers/job/") and cta["remote"] == "hybrid"
    assert cta["requisition_id"] == "40212" and cta["date_published"] == "2026-10-08T00:00:00Z"


def test_page_cap_is_recorded(tmp_path: Path) -> None:
    rec = Recordings()
    host, domain = "capped.eightfold.ai", "capped.com"
    for page in range(MAX_PAGES + 1):
        position = {"id": 3000000000000 + page, "name": f"Research Assistant {page}", "locations": ["Boston, MA, US"]}
        rec.add({"url": page_url("pcsx", host, domain, page, None),
                 "json": {"status": 200, "error": {"message": ""}, "data": {"positions": [position], "count": 5000}}})  # fmt: skip
    capped = {"id": "eightfold:capped", "family": "eightfold", "employer": "Capped", "host": host, "api": "pcsx"}
    result = crawl_with(tmp_path, rec, [capped])
    run = result.runs["eightfold:capped"]
    assert run["outcome"] == "partial" and run["seen"] == MAX_PAGES
    assert f"after {MAX_PAGES} pages of 5000 positions" in run["error_summary"]


def test_repeated_page_stops_paging(tmp_path: Path) -> None:
    rec = Recordings()
    host = "loop.eightfold.ai"
    page = {"positions": [{"id": 7000000000000 + n, "name": f"CRC {n}"} for n in range(10)], "count": 50}
    for start in (0, 10):
        rec.add({"url": page_url("v2", host, "loop.com", start, None), "json": page})
    loop = {"id": "eightfold:loop", "family": "eightfold", "employer": "Loop Research", "host": host}
    run = crawl_with(tmp_path, rec, [loop]).runs["eightfold:loop"]
    assert run["outcome"] == "partial" and run["seen"] == 10 and "repeats earlier positions" in run["error_summary"]


def test_domains_and_urls() -> None:
    assert board_domain({"host": "albemarle.eightfold.ai"}) == "albemarle.com"
    assert board_domain({"host": "careers.northfieldcro.com"}) == "northfieldcro.com"
    assert board_domain({"host": "x.eightfold.ai", "domain": "Example-Health.org"}) == "example-health.org"
    assert page_url("v2", "h.eightfold.ai", "h.com", 20, "research nurse") == (
        "https://h.eightfold.ai/api/apply/v2/jobs?domain=h.com&start=20&num=10&query=research+nurse")
    assert page_url("pcsx", "h.eightfold.ai", "h.com", 0, None) == (
        "https://h.eightfold.ai/api/pcsx/search?domain=h.com&query=&location=&start=0")  # fmt: skip
    with pytest.raises(ParseError, match="no positions"):
        parse_any(b'{"message": "Forbidden"}', ctx())
    with pytest.raises(ParseError, match="HTML"):
        parse_any(b"<html><title>Access Denied</title></html>", ctx())
    with pytest.raises(ParseError, match=r"none of the 2 jobs could be read \(first: positions\[0\]: no id"):
        parse_any(b'{"positions": [{"id": 1.5, "name": "CRC"}, {"id": [2], "name": "RA"}], "count": 2}', ctx())


@needs_real
@pytest.mark.parametrize("path", real_fixture_files("eightfold"), ids=lambda p: p.name)
def test_real_samples(path: Path) -> None:
    context = ctx("careers.example-employer.com")
    page = read_page(path.read_bytes(), context)
    assert not context.warnings and page.postings and len(page.postings) == page.size
    for posting in page.postings:
        assert posting.title and posting.url.startswith("https://") and posting.date_published_raw
        assert posting.source_job_id.isdigit() and len(posting.source_job_id) == 13
    if page.api == "v2":
        assert page.postings[0].url == "https://albemarle.eightfold.ai/careers/job/1099555326551"
        assert len(page.postings[0].locations_raw) == 2 and page.postings[0].department == "Supply Chain"
    else:
        assert page.total == 1758 and page.postings[0].requisition_id == "332948"
        assert page.postings[2].workplace_raw == "remote"
        assert page.postings[0].url == "https://careers.example-employer.com/careers/job/1443153815392"


def test_cli_parse() -> None:
    result = CliRunner().invoke(app, ["parse", "eightfold", str(REPLAY / "northfield_pcsx_start0.json"),
                                      "--url", "https://careers.northfieldcro.com/api/pcsx/search?start=0"])  # fmt: skip
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.stdout.splitlines() if line.strip()]
    assert len(rows) == 10 and all(r["url"].startswith("https://careers.northfieldcro.com/careers/job/") for r in rows)
    failed = CliRunner().invoke(app, ["parse", "eightfold", str(REPLAY / "larchmont_pcsx_error.json")])
    assert failed.exit_code == 1


_value = st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=12)
_position = st.dictionaries(
    st.sampled_from(["id", "name", "location", "locations", "standardizedLocations", "canonicalPositionUrl",
                     "positionUrl", "department", "t_create", "postedTs", "displayJobId", "job_description",
                     "workLocationOption"]),
    _value | st.lists(_value, max_size=3) | st.dictionaries(st.text(max_size=3), _value, max_size=2),
    max_size=8,
)  # fmt: skip


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(st.binary(max_size=800), st.text(max_size=800).map(str.encode)))
def test_fuzz_arbitrary_bytes_only_raise_parse_error(body: bytes) -> None:
    try:
        parse_any(body, ctx())
    except ParseError:
        pass


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(_position, _value), max_size=6), st.booleans(), _value)
def test_fuzz_positions_skip_bad_ones_with_a_warning(positions: list, pcsx: bool, count: object) -> None:
    data = {"status": 200, "data": {"positions": positions, "count": count}} if pcsx else {"positions": positions, "count": count}
    context = ctx("careers.example-employer.com")
    try:
        page = read_page(json.dumps(data).encode(), context)
    except ParseError as exc:  # every position unreadable: a changed format, not an empty board
        assert "could be read" in str(exc) and len(context.warnings) == len(positions)
        return
    assert len(page.postings) + len(context.warnings) == len(positions)
    assert all(p.title and p.source_job_id and p.url.startswith("https://") for p in page.postings)
