"""JazzHR: a board and its JSON-LD job pages crawled for real over HTTP against the replay
server, an empty board, a page that is not a board, a link without a title, the real
Paradromics capture, the CLI, and fuzzing."""

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
from researchjobs.posting import Posting
from researchjobs.replay import Recordings
from researchjobs.spiders.base import ParseContext, ParseError
from researchjobs.spiders.jazzhr import board_url, parse_any
from researchjobs.spiders.jobpages import merge

REPLAY = Path(__file__).resolve().parent / "fixtures" / "replay" / "jazzhr"
CR = {"id": "jazzhr:crescentresearch", "family": "jazzhr", "employer": "Crescent Research Partners",
      "employer_type": "site_network", "company": "crescentresearch"}  # fmt: skip
OAK = {"id": "jazzhr:oakmeadowclinical", "family": "jazzhr", "employer": "Oak Meadow Clinical Trials",
       "employer_type": "site_network", "company": "oakmeadowclinical"}  # fmt: skip
SUMMIT = {"id": "jazzhr:summitviewresearch", "family": "jazzhr", "employer": "Summitview Research",
          "employer_type": "site_network", "company": "summitviewresearch"}  # fmt: skip
CR_URL = "https://crescentresearch.applytojob.com/apply/"


def ctx(url: str | None = None) -> ParseContext:
    return ParseContext(source_id="jazzhr:test", family="jazzhr", crawled_at="2026-10-15T12:00:00Z", url=url)


def test_board_and_job_pages_crawled(tmp_path: Path) -> None:
    rec = Recordings().load_dir(REPLAY)
    result = crawl_with(tmp_path, rec, [CR, OAK, SUMMIT])
    run = result.runs[CR["id"]]
    assert run["outcome"] == "ok", run["error_summary"]
    assert run["seen"] == 3
    (warning,) = result.stats(CR["id"])["warnings"]
    assert "/apply/Zq1xR5tNuB/untitled" in warning and "no title" in warning
    assert result.runs[OAK["id"]]["outcome"] == "ok" and result.runs[OAK["id"]]["seen"] == 0
    summit = result.runs[SUMMIT["id"]]
    assert summit["outcome"] == "failed" and "not a JazzHR board page" in summit["error_summary"]
    assert not any("Zq1xR5tNuB" in k for k in rec.hits)
    assert not [k for k in rec.unmatched if "robots.txt" not in k]

    jobs = {p["source_job_id"]: p for p in result.postings(CR["id"])}
    crc = jobs["Kp3wQ8rTzA"]
    assert crc["url"] == f"{CR_URL}Kp3wQ8rTzA/Clinical-Research-Coordinator"
    assert crc["title"] == "Clinical Research Coordinator" and crc["department"] == "Clinical Operations"
    assert crc["date_published"] == "2026-10-08T00:00:00Z" and crc["employment_type"] == "FULL_TIME"
    assert crc["location_raw"] == "Charlotte, NC 28204, US" and crc["visa"] == "explicit_no"
    assert crc["salary_min"] == 50000 and "Phlebotomy" in crc["description"]
    ra = jobs["Vb7nM2xLqE"]
    assert ra["employment_type"] == "PART_TIME" and "international medical graduates" in ra["description"]
    assert jobs["Hd4sJ9pWcY"]["department"] == "Data Management"


def test_job_page_without_json_ld_keeps_the_board_entry(tmp_path: Path) -> None:
    rec = Recordings().load_dir(REPLAY)
    rec.add({"url": f"{CR_URL}Hd4sJ9pWcY/Clinical-Data-Coordinator", "headers": {"Content-Type": "text/html"},
             "text": "<html><head><title>Job not found</title></head><body>This job has closed.</body></html>"})  # fmt: skip
    rec.add({"url": f"{CR_URL}Vb7nM2xLqE/Research-Assistant-Part-Time", "status": 500, "text": "oops"})
    result = crawl_with(tmp_path, rec, [CR])
    run = result.runs[CR["id"]]
    assert run["outcome"] == "partial" and run["seen"] == 3 and "HTTP 500" in run["error_summary"]
    warnings = result.stats(CR["id"])["warnings"]
    assert any("Hd4sJ9pWcY: no JobPosting" in w for w in warnings)
    jobs = {p["source_job_id"]: p for p in result.postings(CR["id"])}
    assert jobs["Hd4sJ9pWcY"]["location_raw"] == "Charlotte, NC" and jobs["Hd4sJ9pWcY"]["description"] is None


def test_parse_any_tells_board_from_job_page() -> None:
    board = parse_any((REPLAY / "crescent_board.html").read_bytes(), ctx(CR_URL))
    assert [p.source_job_id for p in board] == ["Kp3wQ8rTzA", "Vb7nM2xLqE", "Hd4sJ9pWcY"]
    assert board[1].location_raw == "Rock Hill, SC"
    (job,) = parse_any((REPLAY / "crescent_job_Vb7nM2xLqE.html").read_bytes(), ctx())
    assert job.source_job_id == "Vb7nM2xLqE" and job.valid_through_raw == "2026-12-31T00:00:00+00:00"
    assert parse_any((REPLAY / "oakmeadow_board_empty.html").read_bytes(), ctx()) == []
    with pytest.raises(ParseError, match="not a JazzHR board"):
        parse_any((REPLAY / "summitview_maintenance.html").read_bytes(), ctx())
    with pytest.raises(ParseError, match="empty response"):
        parse_any(b"  ", ctx())
    with pytest.raises(ValueError, match="subdomain"):
        board_url("crescent research")


def test_relative_links_need_the_board_url() -> None:
    page = b'<ul><li class="list-group-item"><h3 class="list-group-item-heading"><a href="/apply/Ab12Cd34Ef/Research-Nurse">Research Nurse</a></h3></li></ul>'
    with pytest.raises(ParseError, match=r"none of the 1 jobs could be read.*relative link"):
        parse_any(page, ctx())
    (posting,) = parse_any(page, ctx(CR_URL))
    assert posting.url == f"{CR_URL}Ab12Cd34Ef/Research-Nurse"


def test_job_page_fills_the_list_entry_but_keeps_its_identity() -> None:
    listed = Posting("jazzhr", "jazzhr:x", "Kp3wQ8rTzA", "Clinical Research Coordinator", f"{CR_URL}Kp3wQ8rTzA/crc",
                     employer="Crescent Research Partners", location_raw="Charlotte, NC", department="Clinical Operations")
    page = Posting("jazzhr", "jazzhr:x", "https://other/url", "Clinical Research Coordinator I", "https://other/url",
                   employer="Crescent Research Partners LLC", description_html_raw="<p>Full text</p>", location_raw=None)  # fmt: skip
    merged = merge(listed, page)
    assert (merged.source_job_id, merged.url, merged.employer) == ("Kp3wQ8rTzA", f"{CR_URL}Kp3wQ8rTzA/crc", "Crescent Research Partners")
    assert merged.title == "Clinical Research Coordinator I" and merged.description_html_raw == "<p>Full text</p>"
    assert merged.location_raw == "Charlotte, NC" and merged.department == "Clinical Operations"


@needs_real
@pytest.mark.parametrize("path", real_fixture_files("jazzhr"), ids=lambda p: p.name)
def test_real_samples(path: Path) -> None:
    context = ctx()
    (posting,) = parse_any(path.read_bytes(), context)
    assert not context.warnings
    assert posting.source_job_id == "ujxQN2lhPz" and posting.title == "Field Clinical Specialist/Engineer"
    assert posting.location_raw == "Austin, TX"
    assert posting.url == "https://paradromicsinc.applytojob.com/apply/ujxQN2lhPz/Field-Clinical-SpecialistEngineer"


def test_cli_parse() -> None:
    result = CliRunner().invoke(app, ["parse", "jazzhr", str(REPLAY / "crescent_job_Kp3wQ8rTzA.html")])
    assert result.exit_code == 0, result.output
    (row,) = [json.loads(line) for line in result.stdout.splitlines() if line.strip()]
    assert row["source_job_id"] == "Kp3wQ8rTzA" and row["date_published"] == "2026-10-08T00:00:00Z"
    failed = CliRunner().invoke(app, ["parse", "jazzhr", str(REPLAY / "summitview_maintenance.html")])
    assert failed.exit_code == 1


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(st.binary(max_size=1500), st.text(max_size=1500).map(str.encode)))
def test_fuzz_arbitrary_bytes_only_raise_parse_error(body: bytes) -> None:
    try:
        parse_any(body, ctx(CR_URL))
    except ParseError:
        pass


_row = st.tuples(
    st.one_of(st.from_regex(r"/apply/[A-Za-z0-9]{4,12}/[A-Za-z-]{1,12}", fullmatch=True), st.text(max_size=20)),
    st.text(max_size=20),
    st.text(max_size=12),
)


@settings(max_examples=150, deadline=None)
@given(st.lists(_row, max_size=6))
def test_fuzz_board_rows_skip_bad_links_with_a_warning(rows: list[tuple[str, str, str]]) -> None:
    items = "".join(
        f'<li class="list-group-item"><h3 class="list-group-item-heading"><a href="{html.escape(href)}">'
        f'{html.escape(title)}</a></h3><ul><li><i class="fa fa-map-marker"></i>{html.escape(place)}</li></ul></li>'
        for href, title, place in rows
    )
    context = ctx(CR_URL)
    try:
        postings = parse_any(f'<div id="resumator-content"><ul>{items}</ul></div>'.encode(), context)
    except ParseError as exc:
        assert "could be read" in str(exc) and context.warnings
        return
    assert all(p.title and p.source_job_id and p.url.startswith(CR_URL) for p in postings)
    assert len({p.source_job_id for p in postings}) == len(postings)
