"""Greenhouse and Lever parsers: real captures, our own recordings, arbitrary input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import needs_real, real_fixture_files
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from researchjobs.cli import app
from researchjobs.enrich.normalise import normalise
from researchjobs.spiders import greenhouse, lever
from researchjobs.spiders.base import ParseContext, ParseError

DEMO = Path(__file__).resolve().parents[1] / "researchjobs" / "data" / "replay" / "demo"


def ctx(family: str, name: str = "x") -> ParseContext:
    return ParseContext(source_id=f"{family}:{name}", family=family, crawled_at="2026-11-20T12:00:00Z")


@needs_real
@pytest.mark.parametrize("path", real_fixture_files("greenhouse"), ids=lambda p: p.name)
def test_real_greenhouse_samples(path: Path) -> None:
    postings = [normalise(p) for p in greenhouse.parse_any(path.read_bytes(), ctx("greenhouse"))]
    assert postings
    data = json.loads(path.read_text())
    jobs = data.get("jobs", [data])
    assert len(postings) == len(jobs)
    for posting, job in zip(postings, jobs, strict=True):
        assert posting.title and posting.url.startswith("https://")
        if job.get("location", {}).get("name"):
            assert posting.location_raw == job["location"]["name"].strip()
        if job.get("first_published"):
            assert posting.date_published and posting.date_published.endswith("Z")
        if job.get("company_name"):
            assert posting.employer == job["company_name"].strip()
        if job.get("content"):
            assert "&lt;" not in (posting.description_html or "")
            assert posting.description is not None and "<p>" not in posting.description


@needs_real
@pytest.mark.parametrize("path", real_fixture_files("lever"), ids=lambda p: p.name)
def test_real_lever_samples(path: Path) -> None:
    postings = [normalise(p) for p in lever.parse_any(path.read_bytes(), ctx("lever", "veeva"))]
    items = json.loads(path.read_text())
    assert len(postings) == len(items) > 0
    for posting, item in zip(postings, items, strict=True):
        assert posting.title == item["text"] and posting.url.startswith("https://jobs.lever.co/")
        assert posting.date_published and posting.date_published.startswith("20")
        assert posting.location_raw == item["categories"].get("location")
        assert posting.description
        if item.get("salaryRange"):
            assert posting.base_salary["min"] == item["salaryRange"]["min"]


def test_greenhouse_detail_vs_board_told_apart() -> None:
    board = json.loads((DEMO / "greenhouse_harborviewresearch.json").read_text())
    detail = dict(board["jobs"][0], pay_input_ranges=[{"min_cents": 5200000, "max_cents": 6000000, "currency_type": "USD", "title": "Boston"}])
    [one] = greenhouse.parse_any(json.dumps(detail).encode(), ctx("greenhouse"))
    assert one.source_job_id == str(detail["id"])
    assert one.base_salary == {"min": 52000.0, "max": 60000.0, "currency": "USD", "period": None, "raw": "Boston"}
    assert len(greenhouse.parse_any(json.dumps(board).encode(), ctx("greenhouse"))) == 5


def test_lever_single_posting_and_error_object() -> None:
    page = json.loads((DEMO / "lever_lakeshorehealth_0.json").read_text())
    [one] = lever.parse_any(json.dumps(page[0]).encode(), ctx("lever"))
    assert one.base_salary["period"] == "per-year-salary"
    with pytest.raises(ParseError, match="Document not found"):
        lever.parse_any(b'{"ok": false, "error": "Document not found"}', ctx("lever"))


def test_waf_page_is_a_clear_parse_error() -> None:
    with pytest.raises(ParseError, match=r"HTML/XML page.*Just a moment"):
        greenhouse.parse_any(b"<!DOCTYPE html><html><head><title>Just a moment...</title>", ctx("greenhouse"))


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=30),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(
        st.sampled_from(["jobs", "id", "title", "text", "location", "content", "categories", "createdAt",
                         "salaryRange", "metadata", "offices", "departments", "absolute_url", "hostedUrl"]) | st.text(max_size=8),
        children, max_size=6),
    max_leaves=25,
)  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(json_values)
def test_parsers_never_crash_on_arbitrary_json(value: object) -> None:
    body = json.dumps(value).encode()
    for module, family in ((greenhouse, "greenhouse"), (lever, "lever")):
        try:
            postings = module.parse_any(body, ctx(family))
        except ParseError:
            continue
        for posting in postings:
            assert posting.title and posting.source_job_id
            normalise(posting)


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=300))
def test_parsers_never_crash_on_arbitrary_bytes(body: bytes) -> None:
    for module, family in ((greenhouse, "greenhouse"), (lever, "lever")):
        try:
            module.parse_any(body, ctx(family))
        except ParseError:
            pass


def test_cli_parse_prints_json_lines(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["parse", "greenhouse", str(DEMO / "greenhouse_meridianoncology.json")])
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(rows) == 5
    for key in ("title", "url", "employer", "location_raw", "date_published", "description", "source_job_id"):
        assert key in rows[0]
    assert rows[0]["employer"] == "Meridian Oncology Research Institute"


def test_cli_parse_bad_file_is_one_line_error(tmp_path: Path) -> None:
    import subprocess
    import sys

    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    result = subprocess.run([sys.executable, "-m", "researchjobs", "parse", "lever", str(bad)],
                            capture_output=True, text=True, timeout=60)  # fmt: skip
    assert result.returncode == 1
    assert result.stderr.strip().startswith(f"error: {bad}: malformed Lever JSON")
    assert len(result.stderr.strip().splitlines()) == 1
