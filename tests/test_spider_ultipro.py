"""UKG Pro Recruiting (UltiPro): LoadSearchResults paged by Skip, crawled for real against the replay
server; the real Baylor Genetics capture; the CLI; fuzzing.

The recordings in fixtures/replay/ultipro are a fictional research site network (tenant
SAB1004SRS): "clinical research" counts 63 over pages of 50 and 13, one opportunity without
an Id; "research assistant" has 6, three of them also under the first term. A second board
of the same tenant has no openings.
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
from researchjobs.spiders import ultipro
from researchjobs.spiders.base import ParseContext, ParseError

REC = FIXTURES / "replay" / "ultipro"
HOST, TENANT, BOARD = "recruiting2.ultipro.com", "SAB1004SRS", "5c3e9a12-7d41-4b8e-9f26-0a1b2c3d4e5f"
BOARD_URL = f"https://{HOST}/{TENANT}/JobBoard/{BOARD}/"
UP = {"id": "ultipro:sablewood", "family": "ultipro", "employer": "Sablewood Research Sites",
      "employer_type": "site_network", "host": HOST, "tenant": TENANT, "board": BOARD,
      "search": ["clinical research", "research assistant"]}  # fmt: skip
EMPTY = {**UP, "id": "ultipro:sablewood-volunteers", "board": "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d", "search": []}
SEARCH = ultipro.Board(HOST, TENANT, BOARD).search_url()


def ctx(url: str | None = None, **kw: Any) -> ParseContext:
    return ParseContext(source_id="ultipro:test", family="ultipro", crawled_at="2026-11-04T12:00:00Z", url=url, **kw)


def test_pages_by_skip_merges_terms_and_reads_an_empty_board(tmp_path: Path) -> None:
    rec = Recordings().load_dir(REC)
    result = crawl_with(tmp_path, rec, [UP, EMPTY])

    run = result.runs[UP["id"]]
    assert run["outcome"] == "ok", run["error_summary"]
    assert run["seen"] == 62 + 3  # 63 - 1 without an Id, then 3 more under "research assistant"
    assert "opportunities[5] skipped: no Id or Title" in result.stats(UP["id"])["warnings"][0]
    assert set(rec.hits.values()) == {1} and [k for k in rec.unmatched if "robots.txt" not in k] == []
    postings = result.postings(UP["id"])
    assert all(p["url"] == f"{BOARD_URL}OpportunityDetail?opportunityId={p['source_job_id']}" for p in postings)
    first = next(p for p in postings if p["title"] == "Clinical Research Coordinator I")
    assert first["location_raw"] == "Columbus, OH, USA" and first["workplace_raw"] == "On-site"
    assert first["employment_type"] == "Full time" and first["department"] == "Clinical Research"
    assert first["date_published"] == "2026-10-01T08:00:00Z" and first["requisition_id"].startswith("CLINI")
    remote = [p for p in postings if p["workplace_raw"] == "Remote"]
    assert remote and all(p["location_raw"] == "Remote" for p in remote)
    assert any(len(json.loads(p["locations_raw"])) == 2 for p in postings)
    assert result.runs[EMPTY["id"]]["outcome"] == "ok" and result.runs[EMPTY["id"]]["seen"] == 0


def test_truncated_second_page_is_partial_and_an_error_page_fails(tmp_path: Path) -> None:
    first = crawl_with(tmp_path, Recordings().load_dir(REC), [UP])
    rec = Recordings().load_dir(REC)
    rec.add({"method": "POST", "url": SEARCH, "body": ultipro.search_body(50, "clinical research"),
             "text": '{"opportunities": [{"Id": "', "headers": {"Content-Type": "application/json"}})  # fmt: skip
    rec.add({"method": "POST", "url": ultipro.Board(HOST, TENANT, EMPTY["board"]).search_url(),
             "body": ultipro.search_body(0, ""), "status": 200,
             "json": {"Message": "An error has occurred."}})  # fmt: skip
    second = crawl_with(tmp_path, rec, [UP, EMPTY], db_path=first.db_path)
    run = second.runs[UP["id"]]
    assert run["outcome"] == "partial" and "malformed UltiPro JSON" in run["error_summary"]
    assert run["closed"] == 0 and all(p["closed_at"] is None for p in second.postings())
    other = second.runs[EMPTY["id"]]
    assert other["outcome"] == "failed" and "An error has occurred" in other["error_summary"]


def test_board_from_registry_or_url() -> None:
    assert ultipro.board_for({}, f"{BOARD_URL}JobBoardView/LoadSearchResults") == ultipro.Board(HOST, TENANT, BOARD)
    assert ultipro.board_for({}, "https://recruiting.ultipro.com/SAB1004SRS/") is None
    assert ultipro.board_for({"host": HOST, "tenant": TENANT, "board": BOARD}).search_url() == SEARCH
    page = (REC / "search_crc_50.json").read_bytes()
    with pytest.raises(ParseError, match="--url"):
        ultipro.parse_any(page, ctx())
    assert ultipro.parse_any((REC / "search_empty.json").read_bytes(), ctx()) == []
    with pytest.raises(ParseError, match="no 'opportunities' list"):
        ultipro.parse_any(b'{"totalCount": 3}', ctx(BOARD_URL))


@needs_real
@pytest.mark.parametrize("path", real_fixture_files("ultipro"), ids=lambda p: p.name)
def test_real_capture_parses(path: Path) -> None:
    # The capture names neither tenant nor board; any board URL gives its jobs their URLs.
    postings = ultipro.parse_any(path.read_bytes(), context := ctx(BOARD_URL))
    raw = json.loads(path.read_bytes())["opportunities"]
    assert len(postings) == len(raw) == 3 and not context.warnings
    assert [p.requisition_id for p in postings] == [o["RequisitionNumber"] for o in raw]
    assert [p.location_raw for p in postings] == ["Remote", "Remote", "Houston, TX, USA"]
    assert [p.workplace_raw for p in postings] == ["Remote", "Remote", "On-site"]
    assert all(p.date_published_raw and p.employment_type == "Full time" and p.country_raw == "USA" for p in postings)


def test_cli_parse() -> None:
    runner = CliRunner()
    out = runner.invoke(app, ["parse", "ultipro", str(REC / "search_ra_0.json"), "--url", BOARD_URL])
    assert out.exit_code == 0, out.output
    rows = [json.loads(line) for line in out.stdout.splitlines()]
    assert len(rows) == 6 and all(r["date_published"] and r["url"].startswith(BOARD_URL) for r in rows)


KEYS = st.sampled_from(["Id", "Title", "RequisitionNumber", "FullTime", "JobCategoryName", "Locations", "PostedDate",
                        "BriefDescription", "JobLocationType", "Featured"])  # fmt: skip
ADDRESS = st.fixed_dictionaries({}, optional={"Address": st.dictionaries(
    st.sampled_from(["City", "State", "Country", "Line1"]), JSON | st.fixed_dictionaries({"Code": JSON}), max_size=4),
    "LocalizedName": JSON})  # fmt: skip
ROW = st.dictionaries(KEYS, JSON | st.lists(ADDRESS, max_size=2), max_size=8)
ANSWER = st.fixed_dictionaries({"opportunities": st.lists(ROW | JSON, max_size=3) | JSON}, optional={"totalCount": JSON})
CONTEXTS = [ctx(), ctx(BOARD_URL), ctx(params={"host": HOST, "tenant": TENANT, "board": BOARD})]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(value=JSON | ANSWER, which=st.integers(0, len(CONTEXTS) - 1))
def test_any_json_raises_only_parse_error(value: Any, which: int) -> None:
    parses_or_refuses(ultipro.parse_any, json.dumps(value).encode(), CONTEXTS[which])


@settings(max_examples=100, deadline=None)
@given(raw=st.binary(max_size=200))
def test_any_bytes_raise_only_parse_error(raw: bytes) -> None:
    any_bytes(ultipro.parse_any, raw, CONTEXTS[1])
