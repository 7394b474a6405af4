"""Jobvite: the paged search list (followed by its own next links) and job pages, crawled for
real over HTTP against the replay server; an empty board, an unknown company redirected to
Jobvite's search site, the page cap, the category page, the real NeoGenomics capture, the
CLI, and fuzzing."""

from __future__ import annotations

import html
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
from researchjobs.spiders.jobvite import MAX_PAGES, list_url, parse_any

REPLAY = Path(__file__).resolve().parent / "fixtures" / "replay" / "jobvite"
HV = {"id": "jobvite:harborviewcancer", "family": "jobvite", "employer": "Harborview Cancer Institute",
      "employer_type": "research_nonprofit", "company": "harborviewcancer"}  # fmt: skip
LARK = {"id": "jobvite:larkspurresearch", "family": "jobvite", "employer": "Larkspur Research",
        "employer_type": "site_network", "company": "larkspurresearch"}  # fmt: skip
GONE = {"id": "jobvite:northbaytrials", "family": "jobvite", "employer": "North Bay Trials",
        "employer_type": "site_network", "company": "northbaytrials"}  # fmt: skip
JOB = "https://jobs.jobvite.com/harborviewcancer/job/"


def ctx(url: str | None = None) -> ParseContext:
    return ParseContext(source_id="jobvite:test", family="jobvite", crawled_at="2026-10-15T12:00:00Z", url=url)


def test_paged_list_and_job_pages_crawled(tmp_path: Path) -> None:
    rec = Recordings().load_dir(REPLAY)
    result = crawl_with(tmp_path, rec, [HV, LARK, GONE])
    run = result.runs[HV["id"]]
    assert run["outcome"] == "ok", run["error_summary"]
    assert run["seen"] == 5
    (warning,) = result.stats(HV["id"])["warnings"]
    assert "row 2" in warning and "no job id" in warning
    assert rec.hits["GET jobs.jobvite.com/harborviewcancer/search/?p=1#"] == 1  # the page's own next link
    assert result.runs[LARK["id"]]["outcome"] == "ok" and result.runs[LARK["id"]]["seen"] == 0
    gone = result.runs[GONE["id"]]
    assert gone["outcome"] == "failed" and "not a Jobvite job list" in gone["error_summary"]
    assert not [k for k in rec.unmatched if "robots.txt" not in k]

    jobs = {p["source_job_id"]: p for p in result.postings(HV["id"])}
    crc = jobs["oQx7AfwA"]
    assert crc["url"] == f"{JOB}oQx7AfwA" and crc["title"] == "Clinical Research Coordinator I - Thoracic Oncology"
    assert crc["date_published"] == "2026-10-05T00:00:00Z" and crc["location_raw"] == "Seattle, WA 98104, US"
    assert crc["visa"] == "possible" and "SOCRA" in crc["description"]
    assert jobs["oTm9Afw3"]["salary_min"] == 24.5
    tech = jobs["oVn4AfwK"]  # no JSON-LD: the page's description, the list's place
    assert "aliquot" in tech["description"] and tech["location_raw"] == "Seattle, Washington"
    assert tech["date_published"] is None


def test_page_cap_and_short_board_are_recorded(tmp_path: Path) -> None:
    rec = Recordings()
    for page in range(MAX_PAGES + 1):
        nxt = f'<a class="jv-pagination-next" href="/capped/search?p={page + 1}">Next</a>'
        row = f'<tr><td class="jv-job-list-name"><a href="/capped/job/oJob{page:04d}">Research Assistant {page}</a></td></tr>'
        rec.add({"url": list_url("capped", page), "headers": {"Content-Type": "text/html"},
                 "text": f'<table class="jv-job-list">{row}</table>{nxt}'})  # fmt: skip
    short = '<table class="jv-job-list"><tr><td class="jv-job-list-name"><a href="/shortboard/job/oAbc1234">CRC</a></td></tr></table>'
    rec.add({"url": list_url("shortboard"), "headers": {"Content-Type": "text/html"},
             "text": short + '<div class="jv-pagination-text">1-1 of 3</div>'})  # fmt: skip
    capped = {**HV, "id": "jobvite:capped", "company": "capped", "job_pages": False}
    shortboard = {**HV, "id": "jobvite:shortboard", "company": "shortboard", "job_pages": False}
    result = crawl_with(tmp_path, rec, [capped, shortboard])
    run = result.runs["jobvite:capped"]
    assert run["outcome"] == "partial" and run["seen"] == MAX_PAGES
    assert f"stopped the board's list after {MAX_PAGES} list pages" in run["error_summary"]
    assert not any(f"p={MAX_PAGES}#" in k for k in rec.hits)
    short_run = result.runs["jobvite:shortboard"]
    assert short_run["outcome"] == "partial" and "says 3 jobs but its pages listed 1" in short_run["error_summary"]


def test_search_terms_share_job_pages(tmp_path: Path) -> None:
    def rows(*ids: str) -> str:
        cells = "".join(f'<tr><td class="jv-job-list-name"><a href="/harborviewcancer/job/{i}">Job {i}</a></td></tr>' for i in ids)
        return f'<table class="jv-job-list">{cells}</table>'

    rec = Recordings().load_dir(REPLAY)
    html_type = {"Content-Type": "text/html"}
    rec.add({"url": list_url("harborviewcancer", 0, "clinical research"), "headers": html_type,
             "text": rows("oQx7AfwA", "oRb2AfwC")})  # fmt: skip
    rec.add({"url": list_url("harborviewcancer", 0, "coordinator"), "headers": html_type,
             "text": rows("oQx7AfwA") + '<a class="jv-pagination-next" href="/harborviewcancer/search/?q=coordinator&p=1">Next</a>'})  # fmt: skip
    rec.add({"url": "https://jobs.jobvite.com/harborviewcancer/search/?q=coordinator&p=1", "headers": html_type,
             "text": rows("oRb2AfwC")})  # fmt: skip
    result = crawl_with(tmp_path, rec, [{**HV, "search": ["clinical research", "coordinator"]}])
    run = result.runs[HV["id"]]
    assert run["outcome"] == "ok", run["error_summary"]
    assert run["seen"] == 2
    assert rec.hits["GET jobs.jobvite.com/harborviewcancer/job/oQx7AfwA?#"] == 1  # one job page, two searches
    assert rec.hits["GET jobs.jobvite.com/harborviewcancer/search/?p=1&q=coordinator#"] == 1


def test_parse_any_reads_list_layouts_and_job_pages() -> None:
    categories = parse_any((REPLAY / "harborview_jobs_categories.html").read_bytes(), ctx())
    assert len(categories) == 5 and categories[0].url == f"{JOB}oQx7AfwA"
    assert categories[0].employer == "Harborview Cancer Institute"  # from "<title>… Careers"
    assert categories[3].location_raw == "Seattle, Washington"
    (job,) = parse_any((REPLAY / "harborview_job_oRb2AfwC.html").read_bytes(), ctx())
    assert job.source_job_id == "oRb2AfwC" and "Phase I" in job.description_html_raw
    assert parse_any((REPLAY / "larkspur_search_empty.html").read_bytes(), ctx()) == []
    with pytest.raises(ParseError, match="not a Jobvite job list"):
        parse_any((REPLAY / "jobvite_search_home.html").read_bytes(), ctx())
    with pytest.raises(ValueError, match="path name"):
        list_url("harborview cancer")


@needs_real
@pytest.mark.parametrize("path", real_fixture_files("jobvite"), ids=lambda p: p.name)
def test_real_samples(path: Path) -> None:
    context = ctx()
    postings = parse_any(path.read_bytes(), context)
    assert not context.warnings
    assert [p.source_job_id for p in postings] == ["oiiRyfwJ", "oaIyAfwK", "oWcLAfwd"]
    assert [p.location_raw for p in postings] == ["Ft Myers, Florida", "Aliso Viejo, California", "Aliso Viejo, California"]
    assert postings[0].url == "https://jobs.jobvite.com/neogenomics/job/oiiRyfwJ"
    assert postings[2].title == "Accessioning Technician I (Temp), Part-time Mornings"


def test_cli_parse() -> None:
    result = CliRunner().invoke(app, ["parse", "jobvite", str(REPLAY / "harborview_search_p0.html")])
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.stdout.splitlines() if line.strip()]
    assert [r["source_job_id"] for r in rows] == ["oQx7AfwA", "oRb2AfwC", "oTm9Afw3"]
    failed = CliRunner().invoke(app, ["parse", "jobvite", str(REPLAY / "jobvite_search_home.html")])
    assert failed.exit_code == 1


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(st.binary(max_size=1500), st.text(max_size=1500).map(str.encode)))
def test_fuzz_arbitrary_bytes_only_raise_parse_error(body: bytes) -> None:
    try:
        parse_any(body, ctx("https://jobs.jobvite.com/harborviewcancer/search?p=0"))
    except ParseError:
        pass


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(st.text(max_size=30), st.text(max_size=20), st.text(max_size=15)), max_size=6))
def test_fuzz_rows_skip_bad_ones_with_a_warning(rows: list[tuple[str, str, str]]) -> None:
    body = "".join(
        f'<tr><td class="jv-job-list-name"><a href="{html.escape(href)}">{html.escape(title)}</a></td>'
        f'<td class="jv-job-list-location">{html.escape(place)}</td></tr>'
        for href, title, place in rows
    )
    context = ctx("https://jobs.jobvite.com/harborviewcancer/search?p=0")
    try:
        postings = parse_any(f'<table class="jv-job-list">{body}</table>'.encode(), context)
    except ParseError as exc:
        assert "could be read" in str(exc) and len(context.warnings) == len(rows)
        return
    assert all(p.title and p.source_job_id for p in postings)
    assert len(postings) + len(context.warnings) <= len(rows)
