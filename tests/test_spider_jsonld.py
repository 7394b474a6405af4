"""schema.org JobPosting JSON-LD: crawled for real over HTTP against the replay server,
parsed on the real captured pages, through the CLI, and fuzzed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import REAL_FIXTURES, crawl_with, needs_real, real_fixture_files
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from researchjobs.cli import app
from researchjobs.replay import Recordings
from researchjobs.spiders.base import ParseContext, ParseError
from researchjobs.spiders.jsonld import load_block, parse_any, parse_jsonld_html, read_page

REPLAY = Path(__file__).resolve().parent / "fixtures" / "replay" / "jsonld"
RB_URL = "https://careers.riverbendchildrens.org"
NG_URL = "https://jobs.northgate.edu"
RB = {"id": "jsonld:riverbendchildrens", "family": "jsonld", "employer": "Riverbend Children's Hospital",
      "employer_type": "childrens_hospital", "url": f"{RB_URL}/research-jobs"}  # fmt: skip
NG = {"id": "jsonld:northgate", "family": "jsonld", "employer": "Northgate University",
      "employer_type": "university", "url": f"{NG_URL}/sitemap.xml"}  # fmt: skip


def ctx(url: str | None = None) -> ParseContext:
    return ParseContext(source_id="jsonld:test", family="jsonld", crawled_at="2026-10-15T12:00:00Z", url=url)


def recordings() -> Recordings:
    return Recordings().load_dir(REPLAY)


def test_listing_page_and_sitemap_crawled(tmp_path: Path) -> None:
    rec = recordings()
    result = crawl_with(tmp_path, rec, [RB, NG])
    assert result.runs[RB["id"]]["outcome"] == "ok", result.runs[RB["id"]]["error_summary"]
    assert result.runs[NG["id"]]["outcome"] == "ok", result.runs[NG["id"]]["error_summary"]
    # Riverbend: 3 jobs on page 1 (a duplicate utm link folded), 1 on the rel=next page 2.
    riverbend = {p["source_job_id"]: p for p in result.postings(RB["id"])}
    assert sorted(riverbend) == ["4821", "4827", "4830", "4835"]
    # Northgate: the jobs sitemap's 4 same-host pages (one expired, without JSON-LD); off-host loc ignored.
    northgate = {p["source_job_id"]: p for p in result.postings(NG["id"])}
    assert sorted(northgate) == ["2026-512233", "2026-512240", "2026-512251"]
    requested = " ".join(rec.hits)
    assert "northgate-partners" not in requested and "/sitemaps/pages.xml" not in requested
    assert (
        "linkedin" not in requested and "/jobs/search" not in requested and "/jobs/benefits" not in requested
    )
    assert not [k for k in rec.unmatched if "robots.txt" not in k]

    crc = riverbend["4821"]  # the page whose first JSON-LD block is broken
    assert crc["title"] == "Clinical Research Coordinator I"
    assert crc["url"] == f"{RB_URL}/jobs/4821/clinical-research-coordinator-i"
    assert crc["employer"] == "Riverbend Children's Hospital"
    assert crc["location_raw"] == "Columbus, OH 43205, US"
    assert (
        json.loads(crc["base_salary"])["min"] == 52000 and json.loads(crc["base_salary"])["period"] == "YEAR"
    )
    assert crc["date_published"] == "2026-10-06T00:00:00Z" and crc["valid_through"].startswith("2026-12-31")
    assert "cap-exempt" in crc["description"]
    ra = riverbend["4827"]  # @graph inside an HTML comment; two places; non-ISO date
    assert json.loads(ra["locations_raw"]) == ["Columbus, OH 43205, US", "Dublin, OH 43017, US"]
    assert ra["date_published"] == "2026-10-02T00:00:00Z" and ra["employment_type"] == "FULL_TIME, TEMPORARY"
    data = riverbend["4830"]  # relative url, escaped description, string hiringOrganization
    assert data["url"] == f"{RB_URL}/jobs/4830/clinical-research-data-coordinator"
    assert "not sponsor employment visas" in data["description"] and "&lt;" not in data["description"]
    assert json.loads(data["base_salary"])["max"] == 27.5
    remote = riverbend["4835"]  # no url in the JSON-LD: the canonical link
    assert remote["workplace_raw"] == "TELECOMMUTE"
    assert remote["url"] == f"{RB_URL}/jobs/4835/clinical-research-assistant-remote-data-abstraction"
    assert "12 months of experience" in remote["description"]

    assert northgate["2026-512251"]["location_raw"] == "Remote, US"  # iCIMS UNAVAILABLE placeholders dropped
    assert northgate["2026-512240"]["location_raw"].startswith("NA - United States - Michigan - Lansing")
    assert all(p["employer"] == "Northgate University" for p in northgate.values())


def test_broken_job_page_and_malformed_sitemap_are_recorded(tmp_path: Path) -> None:
    rec = recordings()
    broken_only = (
        (REPLAY / "riverbend_job_4830.html").read_text().replace('"title": "Clinical', '"title" "Clinical')
    )
    rec.add({"url": f"{RB_URL}/jobs/4830/clinical-research-data-coordinator", "text": broken_only,
             "headers": {"Content-Type": "text/html"}})  # fmt: skip
    truncated = (REPLAY / "northgate_sitemap_index.xml").read_text()[:300]
    rec.add(
        {"url": f"{NG_URL}/sitemap.xml", "text": truncated, "headers": {"Content-Type": "application/xml"}}
    )
    result = crawl_with(tmp_path, rec, [RB, NG])
    run = result.runs[RB["id"]]
    assert run["outcome"] == "partial" and run["seen"] == 3
    assert "JSON-LD block 1 of 1: malformed JSON" in run["error_summary"]
    assert result.runs[NG["id"]]["outcome"] == "failed"
    assert "malformed sitemap XML" in result.runs[NG["id"]]["error_summary"]


def test_one_broken_block_keeps_the_others() -> None:
    body = (REPLAY / "riverbend_job_4821.html").read_bytes()
    page = read_page(body, ctx())
    assert page.blocks == 2 and len(page.broken) == 1 and "block 1 of 2" in page.broken[0]
    assert [p.source_job_id for p in page.postings] == ["4821"]
    # Only the broken block: now the posting may be in it, so that is an error.
    only_broken = body.replace(b'"@type": "JobPosting"', b'"@type" "JobPosting"')
    with pytest.raises(ParseError, match="malformed JSON"):
        parse_jsonld_html(only_broken, ctx())


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('<!-- {"@type": "JobPosting"} -->', {"@type": "JobPosting"}),
        ('//<![CDATA[\n{"a": 1}\n//]]>', {"a": 1}),
        ('/*<![CDATA[*/{"a": 1}/*]]>*/', {"a": 1}),
        ('{"a": "tab\there"};', {"a": "tab\there"}),
        ('{"a": "it\\\'s"}', {"a": "it\\'s"}),
        ('{"a": 1}{"b": 2}', [{"a": 1}, {"b": 2}]),
        ("{&quot;a&quot;: 1}", {"a": 1}),
    ],
)
def test_block_wrappers_and_small_breakages(text: str, expected: object) -> None:
    assert load_block(text) == expected


def test_graph_arrays_and_type_lists_are_walked() -> None:
    blocks = [
        [{"@type": "Organization", "name": "X"}, {"@type": "JobPosting", "title": "Research Assistant", "url": "https://x.org/j/1"}],
        {"@graph": [{"@type": ["JobPosting", "Thing"], "title": "CRC I", "url": "https://x.org/j/2"}]},
        {"@type": "ItemList", "itemListElement": [{"@type": "ListItem", "item": {
            "@type": "schema:JobPosting", "title": "Data Coordinator", "url": "https://x.org/j/3"}}]},
    ]  # fmt: skip
    html = "".join(f'<script type="application/ld+json">{json.dumps(b)}</script>' for b in blocks)
    postings = parse_jsonld_html(f"<html><head>{html}</head></html>".encode(), ctx())
    assert [p.title for p in postings] == ["Research Assistant", "CRC I", "Data Coordinator"]


def test_listing_and_sitemap_give_no_postings_and_feeds_are_refused() -> None:
    assert parse_any((REPLAY / "riverbend_listing_1.html").read_bytes(), ctx()) == []
    assert parse_any((REPLAY / "northgate_sitemap_jobs.xml").read_bytes(), ctx()) == []
    with pytest.raises(ParseError, match="malformed sitemap"):
        parse_any(b'<?xml version="1.0"?><urlset><url><loc>https://x.org/a</loc></url>', ctx())
    with pytest.raises(ParseError, match="feeds"):
        parse_any(b'<?xml version="1.0"?><rss version="2.0"><channel></channel></rss>', ctx())


#: Real pages that carry a JSON-LD JobPosting (other captures in those folders are list pages).
REAL_JSONLD = [
    p
    for p in (*real_fixture_files("jsonld"), *real_fixture_files("taleo"), *real_fixture_files("icims"))
    if b"application/ld+json" in p.read_bytes()
]


@needs_real
@pytest.mark.parametrize("path", REAL_JSONLD, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_real_samples(path: Path) -> None:
    postings = parse_any(path.read_bytes(), ctx())
    assert postings, f"no posting from {path.name}"
    text = path.read_text(encoding="utf-8")
    for posting in postings:
        assert posting.title and posting.url.startswith("https://")
        if "hiringOrganization" in text:
            assert posting.employer
        if "datePosted" in text:
            assert posting.date_published_raw
        if "addressLocality" in text:
            assert posting.location_raw
    if path.name.startswith("autodesk"):
        (job,) = postings
        assert job.url.endswith("_24WD81528") and job.requisition_id == "24WD81528"
        assert (
            job.location_raw == "AMER - Canada - Quebec - Montreal - 10 Rue Duke"
            and job.country_raw == "Canada"
        )
    if path.name.startswith("fujifilm"):
        assert postings[0].location_raw == "Remote, US" and postings[0].valid_through_raw


@needs_real
def test_real_samples_present() -> None:
    assert (REAL_FIXTURES / "icims" / "fujifilm_job_page_jsonld.html").exists() and len(REAL_JSONLD) >= 3


@pytest.mark.parametrize(
    ("name", "url", "count"),
    [
        ("riverbend_listing_1.html", f"{RB_URL}/research-jobs", 0),
        ("riverbend_job_4827.html", None, 1),
        ("northgate_job_512240.html", None, 1),
        ("northgate_sitemap_index.xml", None, 0),
        ("northgate_sitemap_jobs.xml", None, 0),
    ],
)
def test_cli_parse(name: str, url: str | None, count: int) -> None:
    args = ["parse", "jsonld", str(REPLAY / name), *(["--url", url] if url else [])]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.stdout.splitlines() if line.strip()]
    assert len(lines) == count
    for row in lines:
        assert row["title"] and row["url"].startswith("https://") and row["date_published"]


def test_cli_parse_reports_a_parse_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.html"
    bad.write_text('<html><script type="application/ld+json">{"@type": "JobPosting",</script></html>')
    result = CliRunner().invoke(app, ["parse", "jsonld", str(bad)])
    assert result.exit_code == 1


_json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(
        st.sampled_from(["@type", "@graph", "title", "url", "identifier", "jobLocation", "address", "baseSalary",
                         "value", "hiringOrganization", "name", "employmentType", "description", "addressLocality"]),
        inner | st.just("JobPosting"), max_size=6),
    max_leaves=25,
)  # fmt: skip


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(st.binary(max_size=2000), st.text(max_size=2000).map(str.encode)))
def test_fuzz_arbitrary_bytes_only_raise_parse_error(body: bytes) -> None:
    try:
        parse_any(body, ctx("https://careers.example.org/jobs/1"))
    except ParseError:
        pass


@settings(max_examples=120, deadline=None)
@given(_json_values, st.sampled_from(["", "<!--", "//<![CDATA[\n"]))
def test_fuzz_jsonld_shapes_only_raise_parse_error(value: object, wrapper: str) -> None:
    block = wrapper + json.dumps(value)
    body = f'<html><head><script type="application/ld+json">{block}</script></head></html>'.encode()
    try:
        postings = parse_any(body, ctx("https://careers.example.org/jobs/1"))
    except ParseError:
        return
    assert all(p.title and p.url for p in postings)
