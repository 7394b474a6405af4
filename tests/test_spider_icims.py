"""iCIMS: the Careers Site (Jibe) API crawled for real against the replay server; portal pages parsed; fuzzed.

The recordings in fixtures/replay/icims are a fictional CRO (page_size 10): "clinical
research" has 23 jobs over three pages, "coordinator" has 8, of which 5 are also under
the first term: 26 jobs. ``classic_search_page.html`` and ``job_page_jsonld.html`` are the
same CRO's classic portal, for ``parse`` only.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from conftest import FIXTURES, crawl_with, needs_real, real_fixture_files
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from researchjobs.cli import app
from researchjobs.replay import Recordings
from researchjobs.spiders import icims
from researchjobs.spiders.base import ParseContext, ParseError

REC = FIXTURES / "replay" / "icims"
HOST = "careers.bellwetherclinical.com"
JB = {"id": "icims:bellwether", "family": "icims", "employer": "Bellwether Clinical Research", "employer_type": "cro",
      "host": HOST, "page_size": 10, "salary_field": "tags8", "search": ["clinical research", "coordinator"]}  # fmt: skip
OTHER = {**JB, "id": "icims:bellwether-all", "host": "jobs.bellwetherclinical.com", "search": []}


def ctx(**kw: Any) -> ParseContext:
    return ParseContext(source_id="icims:test", family="icims", crawled_at="2026-11-04T12:00:00Z", **kw)


def test_crawl_pages_until_total_and_merges_terms(tmp_path: Path) -> None:
    rec = Recordings().load_dir(REC)
    rec.add({"url": icims.jobs_url(OTHER["host"], 1, "", 10), "text": "<html><head><title>Just a moment...</title>"
             "</head><body>Checking your browser</body></html>", "headers": {"Content-Type": "text/html"}})  # fmt: skip
    result = crawl_with(tmp_path, rec, [JB, OTHER])

    run = result.runs[JB["id"]]
    assert run["outcome"] == "ok", run["error_summary"]
    assert run["seen"] == 26  # 23 + 8 - 5 shared
    assert result.stats(JB["id"])["responses"] == 4 and set(rec.hits.values()) == {1}
    assert [k for k in rec.unmatched if "robots.txt" not in k] == []

    postings = result.postings(JB["id"])
    assert {p["employer"] for p in postings} == {"Bellwether Clinical Research"}
    assert all(p["url"] == f"https://{HOST}/jobs/{p['source_job_id']}?lang=en-us" for p in postings)
    assert all(p["apply_url"].endswith(f"/jobs/{p['source_job_id']}/login") for p in postings)
    crc = next(p for p in postings if p["source_job_id"] == "4896")
    assert crc["title"] == "Clinical Research Coordinator II" and crc["location_raw"] == "SAN ANTONIO, Texas"
    assert crc["date_published"] == "2026-10-28T13:02:00Z"  # "+0000" offset without a colon
    assert crc["salary_raw"] == "Base Pay Range: $60,500 USD - $74,000 USD"  # from tags8, this tenant's pay field
    assert "Minimum Qualifications" in crc["description"] and "Responsibilities" in crc["description"]
    structured = next(p for p in postings if p["source_job_id"] == "4504")
    assert json.loads(structured["base_salary"])["min"] == 60500.0
    remote = next(p for p in postings if p["source_job_id"] == "4151")
    assert remote["workplace_raw"] == "TELECOMMUTE" and len(json.loads(remote["locations_raw"])) == 2

    other = result.runs[OTHER["id"]]
    assert other["outcome"] == "failed" and "Just a moment" in other["error_summary"]


def test_bad_second_page_makes_a_partial_run_that_closes_nothing(tmp_path: Path) -> None:
    first = crawl_with(tmp_path, Recordings().load_dir(REC), [JB])
    assert first.runs[JB["id"]]["outcome"] == "ok"
    rec = Recordings().load_dir(REC)
    rec.add({"url": icims.jobs_url(HOST, 2, "clinical research", 10), "text": '{"totalCount": 23, "jobs": [',
             "headers": {"Content-Type": "application/json"}})  # fmt: skip
    second = crawl_with(tmp_path, rec, [JB], db_path=first.db_path)
    run = second.runs[JB["id"]]
    assert run["outcome"] == "partial" and "malformed iCIMS Jibe JSON" in run["error_summary"]
    assert run["closed"] == 0 and all(p["closed_at"] is None for p in second.postings())
    assert not any("page=3" in k and "clinical" in k for k in rec.hits)  # paging stopped at the bad page


# ------------------------------------------------------------------ parsers


def test_classic_search_page_and_job_page_agree_on_the_job_id() -> None:
    cards = icims.parse_any((REC / "classic_search_page.html").read_bytes(), ctx())
    assert len(cards) == 6
    first = cards[0]
    assert first.title == "Clinical Research Coordinator II" and first.source_job_id == "4896"
    assert first.requisition_id == "2026-4896" and first.location_raw == "US-TX-San Antonio"
    assert "in_iframe" not in first.url and first.date_published_raw == "10/28/2026"
    [page] = icims.parse_any((REC / "job_page_jsonld.html").read_bytes(), ctx())  # first block is malformed
    assert page.source_job_id == "4896" and page.requisition_id == "2026-4896"
    assert page.location_raw == "San Antonio, TX 78229, US"  # UNAVAILABLE placeholders dropped
    assert page.source_family == "icims"
    assert page.employer == "Bellwether Clinical Research" and page.valid_through_raw.startswith("2027-")


@needs_real
@pytest.mark.parametrize("path", real_fixture_files("icims"), ids=lambda p: p.name)
def test_real_samples_parse(path: Path) -> None:
    postings = icims.parse_any(path.read_bytes(), ctx())
    assert postings
    for posting in postings:
        assert posting.title and posting.url.startswith("https://") and posting.source_job_id
        assert posting.location_raw  # every sample names a place (or "Remote")
    if path.suffix == ".json":
        jobs = [j["data"] for j in json.loads(path.read_bytes())["jobs"]]
        assert len(postings) == len(jobs)
        for posting, job in zip(postings, jobs, strict=True):
            assert posting.date_published_raw == job.get("posted_date")
            assert posting.location_raw == job.get("full_location")
    elif b"ld+json" in path.read_bytes():
        assert postings[0].employer and postings[0].date_published_raw and postings[0].valid_through_raw
        assert "UNAVAILABLE" not in (postings[0].location_raw or "")
    else:
        assert all(p.requisition_id for p in postings)  # the card's "Job ID"


def test_cli_parses_each_kind_of_response() -> None:
    runner = CliRunner()
    expected = {"jobs_clinical-research_3.json": 3, "classic_search_page.html": 6, "job_page_jsonld.html": 1}
    for name, count in expected.items():
        result = runner.invoke(app, ["parse", "icims", str(REC / name)])
        assert result.exit_code == 0, (name, result.output)
        rows = [json.loads(line) for line in result.stdout.splitlines()]
        assert len(rows) == count and all(r["title"] and r["url"].startswith("https://") for r in rows)
    jibe = runner.invoke(app, ["parse", "icims", str(REC / "jobs_coordinator_1.json")])
    assert all(json.loads(line)["date_published"].startswith("2026-10-") for line in jibe.stdout.splitlines())
    waf = REC.parent / "icims" / "manifest.json"  # valid JSON, but not a Jibe response
    bad = runner.invoke(app, ["parse", "icims", str(waf)])
    assert bad.exit_code != 0 and "Jibe" in str(bad.exception)


# ------------------------------------------------------------------ fuzzing

JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=20,
)
DATA_KEYS = st.sampled_from(
    ["slug", "req_id", "title", "full_location", "apply_url", "posted_date", "description", "meta_data",
     "additional_locations", "categories", "salary_min_value", "salary_max_value", "tags8", "hiring_organization"]
)  # fmt: skip
URLISH = st.sampled_from(
    ["https://careers-x.icims.com/jobs/12/login", "/jobs/3/x/job", "javascript:alert(1)", "", "http://[::1/jobs/4/x"]
)
SHAPED = st.fixed_dictionaries(
    {"jobs": st.lists(st.fixed_dictionaries({"data": st.dictionaries(DATA_KEYS, JSON | URLISH, max_size=8) | JSON})
                      | JSON, max_size=3)},
    optional={"totalCount": JSON},
)  # fmt: skip
HTMLISH = st.builds(
    lambda a, b: f'<li class="iCIMS_JobCardItem"><div class="title"><a class="iCIMS_Anchor" href="{a}"><h3>{b}</h3>'
    f'</a></div></li><script type="application/ld+json">{b}</script>',
    URLISH | st.text(max_size=30),
    st.text(max_size=40),
)
CONTEXTS = [ctx(), ctx(params={"host": HOST, "salary_field": "tags8"}), ctx(url="https://careers-x.icims.com/jobs/search")]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(value=JSON | SHAPED, which=st.integers(0, len(CONTEXTS) - 1))
def test_parse_any_on_any_json_raises_only_parse_error(value: Any, which: int) -> None:
    try:
        postings = icims.parse_any(json.dumps(value).encode(), CONTEXTS[which])
    except ParseError:
        return
    assert all(p.title and p.url and p.source_job_id for p in postings)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(raw=st.binary(max_size=300) | HTMLISH.map(str.encode), which=st.integers(0, len(CONTEXTS) - 1))
def test_parse_any_on_any_bytes_or_page_raises_only_parse_error(raw: bytes, which: int) -> None:
    try:
        icims.parse_any(raw, CONTEXTS[which])
    except ParseError:
        pass
