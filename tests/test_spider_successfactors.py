"""SuccessFactors career sites: search pages paged by startrow and the RSS feed, crawled for real against
the replay server; the real captures; the CLI; fuzzing.

The recordings in fixtures/replay/successfactors are a fictional cancer institute's RMK site
(careers.brightwateroncology.org): "clinical research" has 37 results over two pages of 25,
one row on page 2 without a job link; "research assistant" has 5, two of them also under
the first term. jobs.brightwateroncology.org has nothing open. careers.brightwaterresearch.org
is read through its RSS feed: four items, one of which links to a category page, not a job.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from conftest import FIXTURES, crawl_with, needs_real, real_fixture_files
from fuzzing import any_bytes
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from researchjobs.cli import app
from researchjobs.replay import Recordings
from researchjobs.spiders import successfactors as sf
from researchjobs.spiders.base import ParseContext, ParseError

REC = FIXTURES / "replay" / "successfactors"
ROOT = "https://careers.brightwateroncology.org"
SITE = {"id": "successfactors:brightwater", "family": "successfactors", "employer": "Brightwater Oncology Institute",
        "employer_type": "academic_medical_centre", "url": ROOT, "search": ["clinical research", "research assistant"]}  # fmt: skip
EMPTY = {**SITE, "id": "successfactors:brightwater-jobs", "url": "https://jobs.brightwateroncology.org/", "search": []}
FEED = {**SITE, "id": "successfactors:brightwater-research", "url": "https://careers.brightwaterresearch.org",
        "feed": "https://careers.brightwaterresearch.org/feeds//?locale=en_US", "search": []}  # fmt: skip


def ctx(url: str | None = None, **kw: Any) -> ParseContext:
    return ParseContext(source_id="successfactors:test", family="successfactors", crawled_at="2026-11-04T12:00:00Z",
                        url=url, **kw)  # fmt: skip


def test_search_pages_by_startrow_feed_and_an_empty_site(tmp_path: Path) -> None:
    rec = Recordings().load_dir(REC)
    result = crawl_with(tmp_path, rec, [SITE, EMPTY, FEED])

    run = result.runs[SITE["id"]]
    assert run["outcome"] == "ok", run["error_summary"]
    assert run["seen"] == 36 + 3  # 37 - 1 without a link, then 3 more under "research assistant"
    assert "search row 5 skipped: no job link or title" in result.stats(SITE["id"])["warnings"][0]
    assert set(rec.hits.values()) == {1} and [k for k in rec.unmatched if "robots.txt" not in k] == []
    assert any("startrow=25" in key for key in rec.hits)
    postings = {p["source_job_id"]: p for p in result.postings(SITE["id"])}
    crc = postings["1401230000"]
    assert crc["title"] == "Clinical Research Coordinator I" and crc["location_raw"] == "Columbus, OH, US"
    assert crc["url"] == f"{ROOT}/job/Columbus-Clinical-Research-Coordinator-I/1401230000/"
    assert crc["date_published"] == "2026-10-28T00:00:00Z"  # "Oct 28, 2026"
    assert crc["employer"] == "Brightwater Oncology Institute"

    assert result.runs[EMPTY["id"]]["outcome"] == "ok" and result.runs[EMPTY["id"]]["seen"] == 0

    feed = result.runs[FEED["id"]]
    assert feed["outcome"] == "ok", feed["error_summary"]
    assert feed["seen"] == 3 and "has no job id" in result.stats(FEED["id"])["warnings"][0]
    items = {p["title"]: p for p in result.postings(FEED["id"])}
    gi = items["Clinical Research Coordinator II - GI Oncology"]  # the place split off the title
    assert gi["location_raw"] == "Richmond, VA, US, 23298" and gi["date_published"] == "2026-10-29T07:00:00Z"
    assert "utm_" not in gi["url"] and "feedId" not in gi["url"] and gi["url"].endswith("/1401293400/")
    assert "Foreign medical graduates" in gi["description"]


def test_broken_second_page_is_partial_and_a_block_page_fails(tmp_path: Path) -> None:
    first = crawl_with(tmp_path, Recordings().load_dir(REC), [SITE])
    assert first.runs[SITE["id"]]["outcome"] == "ok"
    rec = Recordings().load_dir(REC)
    rec.add({"url": sf.search_url(ROOT, "clinical research", 25), "status": 200, "headers": {"Content-Type": "text/html"},
             "text": "<html><head><title>Access Denied</title></head><body>Reference #18.2f</body></html>"})  # fmt: skip
    rec.add({"url": FEED["feed"], "text": "<rss version='2.0'><channel><item><title>CRC", "headers": {}})
    second = crawl_with(tmp_path, rec, [SITE, FEED], db_path=first.db_path)
    run = second.runs[SITE["id"]]
    assert run["outcome"] == "partial" and "Access Denied" in run["error_summary"]
    assert run["closed"] == 0 and all(p["closed_at"] is None for p in second.postings())
    assert second.runs[FEED["id"]]["outcome"] == "failed" and "malformed feed XML" in second.runs[FEED["id"]]["error_summary"]


# ------------------------------------------------------------------ parsers


def test_search_page_numbers_and_rows() -> None:
    page = sf.parse_search_page((REC / "search_crc_25.html").read_bytes(), context := ctx(ROOT))
    assert (page.first, page.last, page.total, page.rows) == (26, 37, 37, 12)
    assert len(page.postings) == 11 and len(context.warnings) == 1
    assert sf.search_url(ROOT, "data coordinator", 50) == (
        f"{ROOT}/search/?q=data+coordinator&sortColumn=referencedate&sortDirection=desc&startrow=50"
    )
    assert sf.job_id("https://x.org/job/Cary%2C-NC-Analyst/1372996357/?feedId=null") == "1372996357"
    assert sf.job_id("https://x.org/go/Research/2140801/") is None
    assert sf.site_root("https://careers.qorvo.com/search/?q=") == "https://careers.qorvo.com"
    with pytest.raises(ParseError, match="--url"):
        sf.parse_any((REC / "search_crc_0.html").read_bytes(), ctx())
    with pytest.raises(ParseError, match="not a SuccessFactors search page"):
        sf.parse_any(b"<html><head><title>Just a moment...</title></head></html>", ctx())
    assert sf.parse_any((REC / "search_empty.html").read_bytes(), ctx()) == []


@needs_real
@pytest.mark.parametrize("path", real_fixture_files("successfactors"), ids=lambda p: p.name)
def test_real_captures_parse(path: Path) -> None:
    postings = sf.parse_any(path.read_bytes(), context := ctx("https://careers.example-pharma.com/search/?q="))
    assert postings and not context.warnings
    assert all(p.title and p.source_job_id.isdigit() and p.date_published_raw and p.location_raw for p in postings)
    if path.suffix == ".xml":  # Qorvo's feed: the place comes out of the title, tracking out of the link
        assert [p.title for p in postings] == ["Principal Research Scientist", "Principal Research Scientist - RF MMIC Design"]
        assert {p.location_raw for p in postings} == {"Richardson, TX, US, 75080"}
        assert all(p.url.startswith("https://careers.qorvo.com/job/") and "?" not in p.url for p in postings)
        assert all(p.description_html_raw is None for p in postings)  # "..." placeholders
    else:  # every value twice (desktop and phone copies), read once
        assert [p.source_job_id for p in postings] == ["755919802", "1372996357", "1370202757"]
        assert [p.location_raw for p in postings] == ["Torun, PL", "Cary, NC, US", "Europe, remote, IT"]
        assert postings[0].date_published_raw == "Sep 23, 2026" and postings[0].extra == {"facility": "1557"}


def test_cli_parses_search_page_and_feed() -> None:
    runner = CliRunner()
    page = runner.invoke(app, ["parse", "successfactors", str(REC / "search_crc_0.html"), "--url", f"{ROOT}/search/"])
    assert page.exit_code == 0, page.output
    rows = [json.loads(line) for line in page.stdout.splitlines()]
    assert len(rows) == 25 and all(r["url"].startswith(f"{ROOT}/job/") and r["date_published"] for r in rows)
    feed = runner.invoke(app, ["parse", "successfactors", str(REC / "feed.xml")])
    assert feed.exit_code == 0 and len(feed.stdout.splitlines()) == 3
    blocked = runner.invoke(app, ["parse", "successfactors", str(REC / "manifest.json")])
    assert blocked.exit_code != 0 and "not a SuccessFactors search page" in str(blocked.exception)


# ------------------------------------------------------------------ fuzzing

BITS = st.sampled_from([
    '<span class="paginationLabel">Results <b>1 – 25</b> of <b>', "37</b></span>", "999999999999999999999",
    '<table id="searchresults">', '<tr class="data-row">', '<a class="jobTitle-link" href="/job/Columbus-CRC/1401230000/">',
    "CRC I", "</a>", '<span class="jobLocation">Columbus, OH, US</span>', '<span class="jobDate">Oct 28, 2026</span>',
    '<a class="jobTitle-link" href="http://[::1/job/x/123456/">', "</tr>", "</table>", "\x00", "&#0;",
    "<?xml version='1.0'?><rss version='2.0'><channel>", "<item><title>RA (Omaha, NE, US)</title>",
    "<link>https://x.org/job/Omaha-RA/1401/</link></item>", "</channel></rss>",
])  # fmt: skip
CONTEXTS = [ctx(), ctx(ROOT), ctx("not a url")]


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(parts=st.lists(BITS | st.text(max_size=10), max_size=14), which=st.integers(0, len(CONTEXTS) - 1))
def test_pages_and_feeds_raise_only_parse_error(parts: list[str], which: int) -> None:
    try:
        postings = sf.parse_any("".join(parts).encode(), CONTEXTS[which])
    except ParseError:
        return
    assert all(p.title and p.url.startswith(("https://", "http://")) and p.source_job_id.isdigit() for p in postings)


@settings(max_examples=150, deadline=None)
@given(raw=st.binary(max_size=200))
def test_any_bytes_raise_only_parse_error(raw: bytes) -> None:
    any_bytes(sf.parse_any, raw, CONTEXTS[1])
