"""Dayforce candidate portals: the CSRF handshake, then the job search paged by paginationStart, crawled
for real against the replay server; the real capture; the CLI; fuzzing.

The recordings in fixtures/replay/dayforce are a fictional pediatric research network
(client pinecrestprn, board CANDIDATEPORTAL): "clinical research" counts 30 over pages of 25
and 5, one posting without an id; "research assistant" has 4, two of them also under the
first term. Its RESEARCHVOLUNTEERS board is empty.
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
from researchjobs.sources import parse_entry
from researchjobs.spiders import dayforce
from researchjobs.spiders.base import ParseContext, ParseError

REC = FIXTURES / "replay" / "dayforce"
CLIENT, BOARD = "pinecrestprn", "CANDIDATEPORTAL"
PORTAL = f"https://jobs.dayforcehcm.com/en-US/{CLIENT}/{BOARD}"
DF = {"id": "dayforce:pinecrest", "family": "dayforce", "employer": "Pinecrest Pediatric Research Network",
      "employer_type": "site_network", "client": CLIENT, "board": BOARD,
      "search": ["clinical research", "research assistant"]}  # fmt: skip
EMPTY = {**DF, "id": "dayforce:pinecrest-volunteers", "board": "RESEARCHVOLUNTEERS", "search": []}
SEARCH = dayforce.Board(CLIENT, BOARD).search_url()


def ctx(url: str | None = None, **kw: Any) -> ParseContext:
    return ParseContext(source_id="dayforce:test", family="dayforce", crawled_at="2026-11-04T12:00:00Z", url=url, **kw)


def test_handshake_then_pages_and_an_empty_board(tmp_path: Path) -> None:
    rec = Recordings().load_dir(REC)
    result = crawl_with(tmp_path, rec, [DF, EMPTY])

    run = result.runs[DF["id"]]
    assert run["outcome"] == "ok", run["error_summary"]
    assert run["seen"] == 29 + 2  # 30 - 1 without an id, then 2 more under "research assistant"
    assert "jobPostings[2] skipped: no jobPostingId" in result.stats(DF["id"])["warnings"][0]
    assert [k for k in rec.unmatched if "robots.txt" not in k] == []
    assert {n for k, n in rec.hits.items() if "jobposting/search" in k} == {1}
    postings = {p["source_job_id"]: p for p in result.postings(DF["id"])}
    first = postings["3100"]
    assert first["url"] == f"{PORTAL}/jobs/3100" and first["requisition_id"] == "870"
    assert first["title"] == "Clinical Research Coordinator I" and first["location_raw"] == "Indianapolis, IN 46202, USA"
    assert first["date_published"] == "2026-10-03T04:00:00Z" and first["valid_through"] == "2026-12-31T04:59:00Z"
    assert "Bachelor’s degree" in first["description"]  # "Bachelor&rsquo;s" in the answer, unescaped once
    assert len(json.loads(postings["3106"]["locations_raw"])) == 2
    assert postings["3115"]["workplace_raw"] == "Remote"
    assert result.runs[EMPTY["id"]]["outcome"] == "ok" and result.runs[EMPTY["id"]]["seen"] == 0


def test_refusals_and_a_broken_page_close_nothing(tmp_path: Path) -> None:
    first = crawl_with(tmp_path, Recordings().load_dir(REC), [DF])
    rec = Recordings().load_dir(REC)
    body = dayforce.search_body(dayforce.Board(CLIENT, BOARD), "clinical research", 25)
    rec.add({"method": "POST", "url": SEARCH, "body": body, "status": 403, "json": {"message": "Forbidden"}})
    second = crawl_with(tmp_path, rec, [DF], db_path=first.db_path)
    run = second.runs[DF["id"]]
    assert run["outcome"] == "partial" and "HTTP 403" in run["error_summary"]
    assert run["closed"] == 0 and all(p["closed_at"] is None for p in second.postings())

    # No CSRF cookie: the search is never attempted and the source fails, saying why.
    rec = Recordings().load_dir(REC)
    rec.add({"url": dayforce.CSRF_URL, "json": {"csrfToken": "abc"}})
    third = crawl_with(tmp_path, rec, [DF], db_path=first.db_path)
    assert third.runs[DF["id"]]["outcome"] == "failed"
    assert "no CSRF token and cookie" in third.runs[DF["id"]]["error_summary"]
    assert not any("jobposting/search" in k for k in rec.hits)


def test_csrf_pair_and_search_request() -> None:
    token, cookie = dayforce.csrf_pair(
        b'{"csrfToken": "t0k"}',
        [b"__Host-next-auth.csrf-token=t0k%7Chash; Path=/; HttpOnly; Secure", b"other=1; Path=/"],
    )
    assert (token, cookie) == ("t0k", "__Host-next-auth.csrf-token=t0k%7Chash")
    with pytest.raises(ParseError, match="no CSRF token"):
        dayforce.csrf_pair(b'{"csrfToken": "t0k"}', [])
    with pytest.raises(ParseError, match="expected Dayforce CSRF JSON"):
        dayforce.csrf_pair(b"<html><title>Blocked</title></html>", [])
    spider = dayforce.DayforceSpider()
    source = parse_entry(DF)
    request = spider._search(source, dayforce.Board(CLIENT, BOARD), {"token": "t0k", "cookie": "c=1"}, "crc", 25, 2)
    assert request.method == "POST" and request.url == SEARCH
    assert request.headers["X-CSRF-TOKEN"] == b"t0k" and request.headers["Cookie"] == b"c=1"
    assert json.loads(request.body) == {"clientNamespace": CLIENT, "jobBoardCode": BOARD, "cultureCode": "en-US",
                                        "searchText": "crc", "paginationStart": 25}  # fmt: skip


def test_board_from_registry_or_page_url() -> None:
    assert dayforce.board_for({}, f"{PORTAL}/jobs/3100") == dayforce.Board(CLIENT, BOARD)
    assert dayforce.board_for({}, f"https://jobs.dayforcehcm.com/{CLIENT}/{BOARD}") == dayforce.Board(CLIENT, BOARD)
    assert dayforce.board_for({}, SEARCH) is None  # the API path names no board
    with pytest.raises(ParseError, match="--url"):
        dayforce.parse_any((REC / "search_crc_25.json").read_bytes(), ctx())
    assert dayforce.parse_any((REC / "search_empty.json").read_bytes(), ctx()) == []


@needs_real
@pytest.mark.parametrize("path", real_fixture_files("dayforce"), ids=lambda p: p.name)
def test_real_capture_parses(path: Path) -> None:
    # The capture names its client ("aifire") but not the board code; CANDIDATEPORTAL is the default code.
    postings = dayforce.parse_any(path.read_bytes(), context := ctx("https://jobs.dayforcehcm.com/en-US/aifire/CANDIDATEPORTAL"))
    raw = json.loads(path.read_bytes())["jobPostings"]
    assert [p.source_job_id for p in postings] == [str(r["jobPostingId"]) for r in raw] and not context.warnings
    assert [len(p.locations_raw) for p in postings] == [3, 7, 2]
    assert "Massachusetts, USA" in postings[1].locations_raw  # a state-wide entry (cityName null)
    assert all(p.date_published_raw and p.valid_through_raw is None for p in postings)
    assert "&rsquo;" not in (postings[2].description_html_raw or "") and "’" in postings[2].description_html_raw


def test_cli_parse() -> None:
    out = CliRunner().invoke(app, ["parse", "dayforce", str(REC / "search_ra_0.json"), "--url", PORTAL])
    assert out.exit_code == 0, out.output
    rows = [json.loads(line) for line in out.stdout.splitlines()]
    assert len(rows) == 4 and all(r["url"].startswith(f"{PORTAL}/jobs/") and r["date_published"] for r in rows)


KEYS = st.sampled_from(["jobPostingId", "jobReqId", "jobTitle", "jobDescription", "postingLocations", "hasVirtualLocation",
                        "postingStartTimestampUTC", "postingExpiryTimestampUTC", "isEvergreen"])  # fmt: skip
ROW = st.dictionaries(KEYS, JSON, max_size=8)
ANSWER = st.fixed_dictionaries({"jobPostings": st.lists(ROW | JSON, max_size=3) | JSON}, optional={"maxCount": JSON})
CONTEXTS = [ctx(), ctx(PORTAL), ctx(params={"client": CLIENT, "board": BOARD})]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(value=JSON | ANSWER, which=st.integers(0, len(CONTEXTS) - 1))
def test_any_json_raises_only_parse_error(value: Any, which: int) -> None:
    parses_or_refuses(dayforce.parse_any, json.dumps(value).encode(), CONTEXTS[which], dayforce.HOST)


@settings(max_examples=100, deadline=None)
@given(raw=st.binary(max_size=200))
def test_any_bytes_raise_only_parse_error(raw: bytes) -> None:
    any_bytes(dayforce.parse_any, raw, CONTEXTS[1])
