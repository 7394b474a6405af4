"""Teamtailor: JSON Feeds crawled for real over HTTP against the replay server (two pages by
next_url, an item without a title; an empty feed on an employer's own domain; a cut feed),
next_url rules, the real Teamtailor capture, the CLI, and fuzzing."""

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
from researchjobs.spiders.teamtailor import MAX_PAGES, feed_url, parse_any, read_feed

REPLAY = Path(__file__).resolve().parent / "fixtures" / "replay" / "teamtailor"
HR = {"id": "teamtailor:halcyonresearch", "family": "teamtailor", "employer": "Halcyon Research",
      "employer_type": "site_network", "url": "https://halcyonresearch.teamtailor.com/"}  # fmt: skip
MS = {"id": "teamtailor:meridianstudies", "family": "teamtailor", "employer": "Meridian Studies",
      "employer_type": "cro", "url": "https://careers.meridianstudies.com/jobs"}  # fmt: skip
OR = {"id": "teamtailor:oakridgeclinical", "family": "teamtailor", "employer": "Oakridge Clinical",
      "employer_type": "site_network", "url": "https://careers.oakridgeclinical.org"}  # fmt: skip
FEED = "https://halcyonresearch.teamtailor.com/jobs.json"


def ctx(url: str | None = None) -> ParseContext:
    return ParseContext(source_id="teamtailor:test", family="teamtailor", crawled_at="2026-10-15T12:00:00Z", url=url)


def feed(items: list, next_url: str | None = None) -> dict:
    data = {"version": "https://jsonfeed.org/version/1.1", "title": "Site", "items": items}
    if next_url:
        data["next_url"] = next_url
    return data


def test_feeds_crawled(tmp_path: Path) -> None:
    rec = Recordings().load_dir(REPLAY)
    result = crawl_with(tmp_path, rec, [HR, MS, OR])
    run = result.runs[HR["id"]]
    assert run["outcome"] == "ok", run["error_summary"]
    assert run["seen"] == 3
    (warning,) = result.stats(HR["id"])["warnings"]
    assert warning == "items[2]: no id or no title: skipped"
    assert result.runs[MS["id"]]["outcome"] == "ok" and result.runs[MS["id"]]["seen"] == 0
    cut = result.runs[OR["id"]]
    assert cut["outcome"] == "failed" and "malformed Teamtailor JSON Feed" in cut["error_summary"]
    assert all(n == 1 for key, n in rec.hits.items() if "robots.txt" not in key)
    assert not [k for k in rec.unmatched if "robots.txt" not in k]

    jobs = {p["requisition_id"]: p for p in result.postings(HR["id"])}
    crc = jobs["5120447"]
    assert crc["source_job_id"] == "6f1d2c8a-4b3e-4a9d-8e27-0c5b9a1f3d64"
    assert crc["url"] == "https://halcyonresearch.teamtailor.com/jobs/5120447-clinical-research-coordinator-austin"
    assert crc["title"] == "Clinical Research Coordinator – Austin" and crc["employment_type"] == "FULL_TIME"
    assert crc["date_published"] == "2026-10-07T15:15:42Z" and crc["location_raw"] == "Austin, Texas 78751, US"
    assert crc["visa"] == "possible" and "MBBS" in crc["description"]
    ra = jobs["5120519"]  # no content_html: the JobPosting's description; two places
    assert "Spanish-speaking" in ra["description"] and len(json.loads(ra["locations_raw"])) == 2
    remote = jobs["5121188"]  # from page 2
    assert remote["workplace_raw"] == "TELECOMMUTE" and remote["remote"] == "remote"


def test_next_url_rules(tmp_path: Path) -> None:
    rec = Recordings()
    rec.add({"url": "https://loop.teamtailor.com/jobs.json",
             "json": feed([{"id": "a1", "title": "CRC", "url": "https://loop.teamtailor.com/jobs/1-crc"}],
                          "https://loop.teamtailor.com/jobs.json?page=2")})  # fmt: skip
    rec.add({"url": "https://loop.teamtailor.com/jobs.json?page=2",
             "json": feed([{"id": "a1", "title": "CRC", "url": "https://loop.teamtailor.com/jobs/1-crc"}],
                          "https://loop.teamtailor.com/jobs.json?page=3")})  # fmt: skip
    rec.add({"url": "https://away.teamtailor.com/jobs.json",
             "json": feed([{"id": "b1", "title": "RA", "url": "https://away.teamtailor.com/jobs/2-ra"}],
                          "https://tracker.example.net/jobs.json?page=2")})  # fmt: skip
    for page in range(1, MAX_PAGES + 2):
        following = f"https://long.teamtailor.com/jobs.json?page={page + 1}"
        url = "https://long.teamtailor.com/jobs.json" + (f"?page={page}" if page > 1 else "")
        item = {"id": f"c{page}", "title": f"Research Nurse {page}", "url": f"https://long.teamtailor.com/jobs/{page}-rn"}
        rec.add({"url": url, "json": feed([item], following)})
    entries = [{**HR, "id": f"teamtailor:{name}", "url": f"https://{name}.teamtailor.com"} for name in ("loop", "away", "long")]
    result = crawl_with(tmp_path, rec, entries)
    loop, away, long = (result.runs[f"teamtailor:{n}"] for n in ("loop", "away", "long"))
    assert loop["outcome"] == "partial" and loop["seen"] == 1 and "would repeat" in loop["error_summary"]
    assert not any("page=3" in k for k in rec.hits if "loop" in k)
    assert away["outcome"] == "partial" and "leaves the career site" in away["error_summary"]
    assert long["outcome"] == "partial" and long["seen"] == MAX_PAGES
    assert f"stopped after {MAX_PAGES} feed pages" in long["error_summary"]


def test_parse_any_and_feed_url() -> None:
    postings = parse_any((REPLAY / "halcyon_jobs_page1.json").read_bytes(), ctx(FEED))
    assert [p.requisition_id for p in postings] == ["5120447", "5120519"]
    assert postings[0].employer == "Halcyon Research"
    page = read_feed((REPLAY / "halcyon_jobs_page1.json").read_bytes(), ctx(FEED))
    assert page.next_url == f"{FEED}?page=2"
    assert feed_url("https://careers.meridianstudies.com/jobs/123-crc?utm_source=x") == "https://careers.meridianstudies.com/jobs.json"
    assert feed_url("https://halcyonresearch.teamtailor.com") == FEED
    with pytest.raises(ParseError, match="not a JSON Feed"):
        parse_any(b'{"jobs": []}', ctx())
    with pytest.raises(ParseError, match="HTML"):
        parse_any(b"<!DOCTYPE html><html><title>Halcyon Research - Jobs</title></html>", ctx())


@needs_real
@pytest.mark.parametrize("path", real_fixture_files("teamtailor"), ids=lambda p: p.name)
def test_real_samples(path: Path) -> None:
    context = ctx()
    postings = parse_any(path.read_bytes(), context)
    assert not context.warnings
    assert [p.requisition_id for p in postings] == ["7167985", "7069633"]
    first, second = postings
    assert first.source_job_id == "20fafb7d-f013-4061-b6de-2894b3e0838b" and first.employer == "Teamtailor"
    assert first.url == "https://career.teamtailor.com/jobs/7167985-account-executive-italy-madrid-based"
    assert first.country_raw == "ES" and first.date_published_raw == "2026-02-04T09:26:20+01:00"
    assert second.locations_raw[1].startswith("København")


def test_cli_parse() -> None:
    result = CliRunner().invoke(app, ["parse", "teamtailor", str(REPLAY / "halcyon_jobs_page2.json")])
    assert result.exit_code == 0, result.output
    (row,) = [json.loads(line) for line in result.stdout.splitlines() if line.strip()]
    assert row["title"] == "Clinical Data Coordinator (Remote, Texas)" and row["date_published"]
    failed = CliRunner().invoke(app, ["parse", "teamtailor", str(REPLAY / "oakridge_jobs_truncated.json")])
    assert failed.exit_code == 1


_value = st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=12)
_json = st.recursive(
    _value,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(
        st.sampled_from(["id", "title", "url", "date_published", "content_html", "content_text", "summary",
                         "_jobposting", "identifier", "value", "jobLocation", "address", "addressLocality",
                         "@type", "description", "datePosted", "tags", "hiringOrganization", "name"]),
        inner, max_size=6),
    max_leaves=20,
)  # fmt: skip


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(st.binary(max_size=800), st.text(max_size=800).map(str.encode)))
def test_fuzz_arbitrary_bytes_only_raise_parse_error(body: bytes) -> None:
    try:
        parse_any(body, ctx(FEED))
    except ParseError:
        pass


@settings(max_examples=200, deadline=None)
@given(st.lists(_json, max_size=5), _value)
def test_fuzz_items_skip_bad_ones_with_a_warning(items: list, next_url: object) -> None:
    context = ctx(FEED)
    try:
        page = read_feed(json.dumps({**feed(items), "next_url": next_url}).encode(), context)
    except ParseError as exc:
        assert "could be read" in str(exc) and len(context.warnings) == len(items)
        return
    assert len(page.postings) + len(context.warnings) == len(items)
    assert all(p.title and p.source_job_id and p.url.startswith("http") for p in page.postings)
