"""Paylocity: a board page and its job pages crawled for real over HTTP against the replay
server (JSON-LD pages and a page with only its own sections), an empty board, a broken
board, a failed job page, the real United Imaging capture, the CLI, and fuzzing."""

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
from researchjobs.spiders.paylocity import board_url, parse_any, read_board

REPLAY = Path(__file__).resolve().parent / "fixtures" / "replay" / "paylocity"
LAKE = {"id": "paylocity:lakeshore", "family": "paylocity", "employer": "Lakeshore Clinical Research Center",
        "employer_type": "site_network", "company": "5f3c8e21-9d4a-4b7e-8c12-6a0e9f4d7b35"}  # fmt: skip
PINE = {"id": "paylocity:pinecrest", "family": "paylocity", "employer": "Pinecrest Dermatology Research",
        "employer_type": "site_network", "company": "a2d6f0b8-41c7-4e93-b5a1-0c8e7d2f9164"}  # fmt: skip
BAY = {"id": "paylocity:bayharbor", "family": "paylocity", "employer": "Bay Harbor Research Associates",
       "employer_type": "site_network", "company": "e9b4c1d7-2a63-4f0e-9d85-71c3a6b0f248"}  # fmt: skip
DETAIL = "https://recruiting.paylocity.com/Recruiting/Jobs/Details/"


def ctx(url: str | None = None) -> ParseContext:
    return ParseContext(source_id="paylocity:test", family="paylocity", crawled_at="2026-10-15T12:00:00Z", url=url)


def test_board_and_job_pages_crawled(tmp_path: Path) -> None:
    rec = Recordings().load_dir(REPLAY)
    result = crawl_with(tmp_path, rec, [LAKE, PINE, BAY])
    lake = result.runs[LAKE["id"]]
    assert lake["outcome"] == "ok", lake["error_summary"]
    assert lake["seen"] == 3  # the internal-only job is left out, the job without JobId skipped
    (warning,) = result.stats(LAKE["id"])["warnings"]
    assert "Jobs[4]" in warning and "no JobId" in warning
    assert result.runs[PINE["id"]]["outcome"] == "ok" and result.runs[PINE["id"]]["seen"] == 0
    bay = result.runs[BAY["id"]]
    assert bay["outcome"] == "failed" and "window.pageData is not a JSON object" in bay["error_summary"]
    assert not any("4590411" in k for k in rec.hits)  # no job page for the internal job
    assert all(n == 1 for key, n in rec.hits.items() if "robots.txt" not in key)
    assert not [k for k in rec.unmatched if "robots.txt" not in k]

    jobs = {p["source_job_id"]: p for p in result.postings(LAKE["id"])}
    crc = jobs["4618203"]  # JSON-LD job page completes the board entry
    assert crc["url"] == f"{DETAIL}4618203" and crc["title"] == "Clinical Research Coordinator I"
    assert crc["department"] == "Clinical Operations" and crc["employment_type"] == "FULL_TIME"
    assert crc["date_published"] == "2026-10-12T00:00:00Z" and crc["valid_through"].startswith("2026-12-11")
    assert json.loads(crc["base_salary"])["min"] == 48000 and "CCRP" in crc["description"]
    assert crc["location_raw"] == "Grand Rapids, MI 49506, US" and crc["employer"] == LAKE["employer"]
    assert crc["visa"] == "explicit_no"
    cra = jobs["4618377"]
    assert cra["employment_type"] == "FULL_TIME, TEMPORARY" and "Spanish" in cra["description"]
    regulatory = jobs["4620115"]  # no JSON-LD: the page's own sections, the board's date and place
    assert "IRB packets" in regulatory["description"] and "MBBS" in regulatory["description"]
    assert regulatory["date_published"] == "2026-10-14T12:02:33Z"
    assert regulatory["location_raw"] == "Grand Rapids, MI 49506, USA" and regulatory["remote"] == "remote"


def test_failed_job_page_keeps_the_board_entry(tmp_path: Path) -> None:
    rec = Recordings().load_dir(REPLAY)
    rec.add({"url": f"{DETAIL}4618377", "status": 404, "text": "Not Found"})
    rec.add({"url": f"{DETAIL}4620115", "text": '<script type="application/ld+json">{"@type": "JobPosting", </script>',
             "headers": {"Content-Type": "text/html"}})  # fmt: skip
    result = crawl_with(tmp_path, rec, [LAKE])
    run = result.runs[LAKE["id"]]
    assert run["outcome"] == "partial" and run["seen"] == 3
    assert "HTTP 404" in run["error_summary"] and "malformed JSON" in run["error_summary"]
    jobs = {p["source_job_id"]: p for p in result.postings(LAKE["id"])}
    assert jobs["4618377"]["title"] == "Clinical Research Assistant - Dermatology"
    assert "participant scheduling" in jobs["4618377"]["description"]  # the board's teaser


def test_job_pages_can_be_capped_or_turned_off(tmp_path: Path) -> None:
    rec = Recordings().load_dir(REPLAY)
    entries = [
        {**LAKE, "max_job_pages": 2},
        {**PINE, "company": LAKE["company"], "job_pages": False},
        {**BAY, "max_job_pages": 0},
    ]
    result = crawl_with(tmp_path, rec, entries)
    capped, off, bad = (result.runs[e["id"]] for e in entries)
    assert capped["outcome"] == "ok" and capped["seen"] == 3
    assert "1 jobs past the cap of 2 job pages" in result.stats(LAKE["id"])["warnings"][-1]
    assert sum(n for k, n in rec.hits.items() if "/Details/" in k) == 2
    assert off["outcome"] == "ok" and off["seen"] == 3
    assert bad["outcome"] == "failed" and "max_job_pages must be a positive whole number" in bad["error_summary"]


def test_parse_any_tells_board_from_job_page() -> None:
    board = parse_any((REPLAY / "lakeshore_board.html").read_bytes(), ctx())
    assert [p.source_job_id for p in board] == ["4618203", "4618377", "4620115"]
    assert board[2].location_raw == "Grand Rapids, MI 49506, USA" and board[2].workplace_raw == "Remote"
    (job,) = parse_any((REPLAY / "lakeshore_job_4618203.html").read_bytes(), ctx())
    assert job.source_job_id == "4618203" and job.base_salary["max"] == 56000
    with pytest.raises(ParseError, match="no JobPosting"):
        parse_any((REPLAY / "lakeshore_job_4620115.html").read_bytes(), ctx())
    with pytest.raises(ParseError, match="not a JSON object"):
        parse_any((REPLAY / "bayharbor_board_truncated.html").read_bytes(), ctx())
    with pytest.raises(ParseError, match="no Jobs list"):
        read_board(b'<script>window.pageData = {"JobTitle": "x"};</script>', ctx())
    with pytest.raises(ValueError, match="GUID"):
        board_url("lakeshore")


@needs_real
@pytest.mark.parametrize("path", real_fixture_files("paylocity"), ids=lambda p: p.name)
def test_real_samples(path: Path) -> None:
    context = ctx()
    postings = parse_any(path.read_bytes(), context)
    assert not context.warnings
    assert len(postings) == path.read_text(encoding="utf-8").count('"JobId"') == 3
    for posting in postings:
        assert posting.url == f"{DETAIL}{posting.source_job_id}" and posting.title
        assert posting.date_published_raw and posting.country_raw == "USA"
    by_id = {p.source_job_id: p for p in postings}
    assert by_id["4525257"].location_raw == "Pittsburg, PA"
    assert by_id["4526053"].location_raw == "USA"  # ShouldDisplayLocation false: only the country is known
    assert by_id["4463447"].workplace_raw == "Remote"


def test_cli_parse() -> None:
    result = CliRunner().invoke(app, ["parse", "paylocity", str(REPLAY / "lakeshore_board.html")])
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.stdout.splitlines() if line.strip()]
    assert [r["source_job_id"] for r in rows] == ["4618203", "4618377", "4620115"]
    assert all(r["date_published"] for r in rows)
    broken = CliRunner().invoke(app, ["parse", "paylocity", str(REPLAY / "bayharbor_board_truncated.html")])
    assert broken.exit_code == 1


_job = st.fixed_dictionaries(
    {},
    optional={
        "JobId": st.none() | st.integers() | st.text(max_size=8) | st.floats() | st.lists(st.integers(), max_size=2),
        "JobTitle": st.none() | st.text(max_size=20) | st.booleans() | st.dictionaries(st.text(max_size=3), st.integers()),
        "LocationName": st.none() | st.text(max_size=10) | st.integers(),
        "ShouldDisplayLocation": st.booleans() | st.none(),
        "JobLocation": st.none() | st.text(max_size=5) | st.dictionaries(
            st.sampled_from(["City", "State", "Zip", "Country", "Name", "Address"]),
            st.none() | st.text(max_size=8) | st.integers(), max_size=6),
        "IsInternal": st.booleans() | st.none(),
        "IsRemote": st.booleans() | st.none() | st.text(max_size=3),
        "HiringDepartment": st.none() | st.text(max_size=8) | st.dictionaries(st.just("Name"), st.text(max_size=5)),
        "Description": st.none() | st.text(max_size=20),
        "PublishedDate": st.none() | st.text(max_size=20) | st.integers(),
    },
)  # fmt: skip


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(st.binary(max_size=1500), st.text(max_size=600).map(lambda t: ("window.pageData = {" + t).encode())))
def test_fuzz_arbitrary_bytes_only_raise_parse_error(body: bytes) -> None:
    try:
        parse_any(body, ctx())
    except ParseError:
        pass


@settings(max_examples=150, deadline=None)
@given(st.one_of(st.lists(_job, max_size=5), st.none(), st.text(max_size=5), st.integers()))
def test_fuzz_board_shapes_skip_bad_jobs_with_a_warning(jobs: object) -> None:
    body = f"<script>window.pageData = {json.dumps({'Jobs': jobs, 'ModuleTitle': 'Site'})};</script>".encode()
    context = ctx()
    try:
        postings = parse_any(body, context)
    except ParseError as exc:
        # not a list at all, or a list of nothing but unreadable jobs (a changed format)
        assert (not isinstance(jobs, list) and jobs is not None) or "could be read" in str(exc)
        return
    assert isinstance(jobs, list) or jobs is None
    assert all(p.title and p.source_job_id and p.url.startswith(DETAIL) for p in postings)
    listed = [j for j in (jobs or []) if j.get("IsInternal") is not True]
    assert len(postings) + len(context.warnings) == len(listed)
