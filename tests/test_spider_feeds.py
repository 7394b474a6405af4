"""RSS and Atom job feeds: crawled for real over HTTP against the replay server, parsed on the
real captured feeds, through the CLI, and fuzzed."""

from __future__ import annotations

import json
from pathlib import Path
from xml.sax.saxutils import escape

import pytest
from conftest import crawl_with, needs_real, real_fixture_files
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from researchjobs.cli import app
from researchjobs.replay import Recordings
from researchjobs.spiders.base import ParseContext, ParseError
from researchjobs.spiders.feeds import parse_any, read_feed

REPLAY = Path(__file__).resolve().parent / "fixtures" / "replay" / "feeds"
MANIFEST = {
    Path(r["file"]).name: r["url"] for r in json.loads((REPLAY / "manifest.json").read_text())["responses"]
}
PAYCOR = {"id": "feeds:keystoneclinical", "family": "feeds", "employer": "Keystone Clinical Research Partners",
          "employer_type": "site_network", "url": MANIFEST["keystone_paycor.atom"]}  # fmt: skip
PEOPLEADMIN = {"id": "feeds:eastlake", "family": "feeds", "employer": "Eastlake State University",
               "employer_type": "university", "url": MANIFEST["eastlake_peopleadmin.atom"]}  # fmt: skip
HIGHEREDJOBS = {"id": "feeds:higheredjobs-clinicalresearch", "family": "feeds", "employer": "HigherEdJobs",
                "employer_type": "other", "url": MANIFEST["higheredjobs_clinical_research.rss"]}  # fmt: skip
NEOGOV = {"id": "feeds:marlowcounty", "family": "feeds", "employer": "Marlow County Board of Health",
          "employer_type": "government_research", "url": MANIFEST["marlowcounty_neogov.rss"]}  # fmt: skip


def ctx(url: str | None = None) -> ParseContext:
    return ParseContext(source_id="feeds:test", family="feeds", crawled_at="2026-10-15T12:00:00Z", url=url)


def test_four_feed_dialects_crawled(tmp_path: Path) -> None:
    rec = Recordings().load_dir(REPLAY)
    result = crawl_with(tmp_path, rec, [PAYCOR, PEOPLEADMIN, HIGHEREDJOBS, NEOGOV])
    for source in (PAYCOR, PEOPLEADMIN, HIGHEREDJOBS, NEOGOV):
        assert result.runs[source["id"]]["outcome"] == "ok", result.runs[source["id"]]["error_summary"]
    assert [result.runs[s["id"]]["seen"] for s in (PAYCOR, PEOPLEADMIN, HIGHEREDJOBS, NEOGOV)] == [3, 4, 3, 2]
    assert all(n == 1 for key, n in rec.hits.items() if "robots.txt" not in key)  # one request per feed

    paycor = {p["title"]: p for p in result.postings(PAYCOR["id"])}
    crc = paycor["Clinical Research Coordinator"]
    assert crc["source_job_id"] == "8a7885a8922f4b3e01924cf1d8a03a17" and crc["requisition_id"] == "1187"
    assert crc["department"] == "Clinical Operations, Site Management"
    assert crc["location_raw"] == "Lancaster, PA 17601, United States"
    assert crc["salary_raw"] == "$24 - $29 per hour" and crc["date_published"] == "2026-10-01T12:45:09Z"
    assert "unable to sponsor visas" in crc["description"]
    assert paycor["Clinical Research Data Coordinator"]["salary_raw"] is None  # <newton:salary />

    people = {p["title"]: p for p in result.postings(PEOPLEADMIN["id"])}
    cra = people["Clinical Research Assistant"]
    assert cra["department"] == "Medicine - Infectious Diseases"
    assert json.loads(cra["extra"])["org_code"] == "411260"
    assert cra["url"] == cra["source_job_id"] == "https://eastlake.peopleadmin.com/postings/331482"
    assert cra["date_published"] == "2026-10-13T14:41:07Z"  # -04:00 offset to UTC
    assert "H-1B" in cra["description"] and "<div>" not in cra["description"]

    hej = {p["title"]: p for p in result.postings(HIGHEREDJOBS["id"])}
    first = hej["Clinical Research Coordinator I"]
    assert (first["employer"], first["location_raw"]) == ("Lakeshore University", "Chicago, IL")
    assert first["date_published"] == "2026-10-13T21:42:10Z"  # CDT
    assert (
        hej["Clinical Research Data Coordinator - Cancer Center"]["date_published"] == "2026-10-09T21:20:00Z"
    )  # PDT

    neogov = {p["title"]: p for p in result.postings(NEOGOV["id"])}
    ra = neogov["Research Assistant - Epidemiology"]
    assert ra["date_published"] == "2026-10-08T04:00:00Z"  # "Thu, 08 Oct 2026 04:00:00:0"
    assert ra["valid_through"] == "2026-10-30T03:59:00Z"
    assert json.loads(ra["base_salary"]) == {"min": 21.48, "max": 27.93, "currency": "USD", "period": "Hourly",
                                             "raw": "21.48 - 27.93 Hourly"}  # fmt: skip
    assert "does not sponsor work visas" in ra["description"] and ra["requisition_id"] == "2026-00187"
    assert ra["employer"] == "Marlow County Board of Health"  # the registry's name wins over the channel's


def test_malformed_feed_fails_and_a_bad_entry_is_skipped_with_a_warning(tmp_path: Path) -> None:
    rec = Recordings().load_dir(REPLAY)
    truncated = (REPLAY / "keystone_paycor.atom").read_text()[:2500]
    rec.add({"url": PAYCOR["url"], "text": truncated, "headers": {"Content-Type": "application/atom+xml"}})
    no_link = (
        (REPLAY / "eastlake_peopleadmin.atom")
        .read_text()
        .replace(
            '<link rel="alternate" type="text/html" href="https://eastlake.peopleadmin.com/postings/331004"/>',
            "",
        )
        .replace("<id>https://eastlake.peopleadmin.com/postings/331004</id>", "<id>tag:eastlake,331004</id>")
    )
    rec.add({"url": PEOPLEADMIN["url"], "text": no_link, "headers": {"Content-Type": "application/atom+xml"}})
    rec.add({"url": NEOGOV["url"], "text": "<html><head><title>Service Unavailable</title></head></html>",
             "headers": {"Content-Type": "text/html"}})  # fmt: skip
    result = crawl_with(tmp_path, rec, [PAYCOR, PEOPLEADMIN, NEOGOV])
    assert result.runs[PAYCOR["id"]]["outcome"] == "failed"
    assert "malformed feed XML" in result.runs[PAYCOR["id"]]["error_summary"]
    skipped = result.runs[PEOPLEADMIN["id"]]  # one entry without a link: skipped, the rest stored
    assert skipped["outcome"] == "ok" and skipped["seen"] == 3 and skipped["errors"] == 0
    assert "warning: 1 job skipped" in skipped["error_summary"]
    assert "'Accounting Technician' has no link" in skipped["error_summary"]
    assert result.runs[NEOGOV["id"]]["outcome"] == "failed"
    assert "HTML page" in result.runs[NEOGOV["id"]]["error_summary"]


def test_rss_and_atom_variants() -> None:
    rss1 = b"""<?xml version="1.0"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/"
         xmlns:dc="http://purl.org/dc/elements/1.1/">
  <channel rdf:about="https://jobs.example.edu/"><title>Jobs</title><link>https://jobs.example.edu/</link></channel>
  <item rdf:about="https://jobs.example.edu/j/77"><title>Research Assistant</title>
    <link>https://jobs.example.edu/j/77</link><dc:date>2026-10-01T09:00:00Z</dc:date>
    <description>Entry level.</description></item>
</rdf:RDF>"""
    (job,) = parse_any(rss1, ctx())
    assert (job.title, job.url, job.date_published_raw) == (
        "Research Assistant",
        "https://jobs.example.edu/j/77",
        "2026-10-01T09:00:00Z",
    )
    assert job.description_html_raw == "<p>Entry level.</p>"
    atom = b"""<feed xmlns="http://www.w3.org/2005/Atom"><title>X</title>
  <entry><id>urn:x:1</id><title type="html">CRC &lt;b&gt;I&lt;/b&gt;</title><link href="/jobs/1"/>
    <updated>2026-10-02T00:00:00Z</updated><content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml"><p>Hi</p></div></content>
    <category term="Research"/></entry></feed>"""
    (entry,) = parse_any(atom, ctx("https://jobs.example.org/feed.atom"))
    assert entry.title == "CRC I" and entry.url == "https://jobs.example.org/jobs/1"
    assert "<p>Hi</p>" in entry.description_html_raw and entry.department == "Research"
    assert entry.source_job_id == "urn:x:1" and entry.date_published_raw == "2026-10-02T00:00:00Z"


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"", "empty"),
        (b"<?xml version='1.0'?><feed xmlns='http://www.w3.org/2005/Atom'><entry>", "malformed feed XML"),
        (b"<!DOCTYPE html><html><body>blocked</body></html>", "HTML page"),
        (b"<?xml version='1.0'?><urlset/>", "not an RSS or Atom feed"),
    ],
)
def test_bad_feeds_raise_parse_error(body: bytes, message: str) -> None:
    with pytest.raises(ParseError, match=message):
        parse_any(body, ctx())


def test_external_entities_are_not_read() -> None:
    body = (b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY e SYSTEM "file:///etc/passwd">]><rss><channel><item>'
            b"<title>&e;</title></item></channel></rss>")  # fmt: skip
    context = ctx()
    try:
        postings = parse_any(body, context)
    except ParseError as exc:
        assert "malformed" in str(exc)
        return
    assert not postings and context.warnings == ["item 1: '&e;' has no link; skipped"]  # never expanded


@needs_real
@pytest.mark.parametrize("path", real_fixture_files("rss"), ids=lambda p: p.name)
def test_real_samples(path: Path) -> None:
    context = ctx()
    result = read_feed(path.read_bytes(), context)
    assert result.postings and not context.warnings
    text = path.read_text(encoding="utf-8")
    assert len(result.postings) == text.count("<entry>") + text.count("<item>")
    for posting in result.postings:
        assert posting.title and posting.url.startswith("https://")
        assert posting.employer  # Paycor generator / PeopleAdmin feed title
        assert posting.date_published_raw and posting.date_updated_raw
        assert posting.department
    if result.kind == "paycor":
        assert {p.location_raw for p in result.postings} >= {"Souderton, PA 18964, United States"}
        assert [p.salary_raw for p in result.postings] == [
            "$25 - $30 per hour",
            None,
            "$28.60 - $29.85 per hour",
        ]
        assert result.postings[0].employer == "Almac Group"
    else:
        assert result.kind == "peopleadmin"
        assert (
            result.postings[2].department == "Epidemiology"
            and result.postings[2].extra["org_code"] == "463501"
        )
        assert result.postings[0].employer == "University of North Carolina- Chapel Hill"


@pytest.mark.parametrize(
    ("name", "count"),
    [("keystone_paycor.atom", 3), ("eastlake_peopleadmin.atom", 4), ("higheredjobs_clinical_research.rss", 3),
     ("marlowcounty_neogov.rss", 2)],
)  # fmt: skip
def test_cli_parse(name: str, count: int) -> None:
    result = CliRunner().invoke(app, ["parse", "feeds", str(REPLAY / name)])
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.stdout.splitlines() if line.strip()]
    assert len(rows) == count
    assert all(r["title"] and r["url"].startswith("https://") and r["date_published"] for r in rows)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(st.binary(max_size=1500), st.text(max_size=1500).map(str.encode)))
def test_fuzz_arbitrary_bytes_only_raise_parse_error(body: bytes) -> None:
    try:
        parse_any(body, ctx())
    except ParseError:
        pass


_field = st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), max_size=40)


@settings(max_examples=150, deadline=None)
@given(_field, _field, _field, _field, st.sampled_from(["rss", "atom"]))
def test_fuzz_feed_fields_only_raise_parse_error(
    title: str, link: str, date: str, body: str, kind: str
) -> None:
    t, lk, d, b = (escape(x) for x in (title, link, date, body))
    if kind == "rss":
        xml = (f"<rss version='2.0'><channel><title>{t}</title><item><title>{t}</title><link>{lk}</link>"
               f"<guid>{lk}</guid><pubDate>{d}</pubDate><description>{b}</description></item></channel></rss>")  # fmt: skip
    else:
        xml = (f"<feed xmlns='http://www.w3.org/2005/Atom'><entry><id>{lk}</id><title>{t}</title>"
               f"<link href='{escape(link, {chr(39): '&apos;'})}'/><published>{d}</published>"
               f"<author><name>{b} - 123456</name></author><content>{b}</content></entry></feed>")  # fmt: skip
    try:
        postings = parse_any(xml.encode(), ctx("https://jobs.example.org/feed"))
    except ParseError:
        return
    assert all(p.title and p.url for p in postings)
