"""Personio: XML feeds crawled for real over HTTP against the replay server (a CRO's feed in
English with sections, a repeated position and one without an id; an empty feed; a cut
feed on a .com host), safe XML, the real CLARK capture, the CLI, and fuzzing."""

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
from researchjobs.spiders.personio import feed_url, parse_any

REPLAY = Path(__file__).resolve().parent / "fixtures" / "replay" / "personio"
NW = {"id": "personio:nordwindclinical", "family": "personio", "employer": "Nordwind Clinical Research",
      "employer_type": "cro", "company": "nordwindclinical", "language": "en"}  # fmt: skip
LH = {"id": "personio:lindenhof-studien", "family": "personio", "employer": "Lindenhof Studienzentrum",
      "employer_type": "site_network", "company": "lindenhof-studien"}  # fmt: skip
AB = {"id": "personio:alpenblickresearch", "family": "personio", "employer": "Alpenblick Research",
      "employer_type": "site_network", "company": "alpenblickresearch", "host": "alpenblickresearch.jobs.personio.com"}  # fmt: skip


def ctx(company: str = "nordwindclinical") -> ParseContext:
    return ParseContext(source_id=f"personio:{company}", family="personio", crawled_at="2026-10-15T12:00:00Z",
                        params={"company": company})  # fmt: skip


def test_feeds_crawled(tmp_path: Path) -> None:
    rec = Recordings().load_dir(REPLAY)
    result = crawl_with(tmp_path, rec, [NW, LH, AB])
    run = result.runs[NW["id"]]
    assert run["outcome"] == "ok", run["error_summary"]
    assert run["seen"] == 4  # the repeated position once; the one without an id skipped
    (warning,) = result.stats(NW["id"])["warnings"]
    assert warning.startswith("position 6: no numeric id")
    assert result.runs[LH["id"]]["outcome"] == "ok" and result.runs[LH["id"]]["seen"] == 0
    cut = result.runs[AB["id"]]
    assert cut["outcome"] == "failed" and "malformed Personio XML" in cut["error_summary"]
    assert all(n == 1 for key, n in rec.hits.items() if "robots.txt" not in key)
    assert not [k for k in rec.unmatched if "robots.txt" not in k]

    jobs = {p["source_job_id"]: p for p in result.postings(NW["id"])}
    cra = jobs["1874402"]
    assert cra["url"] == "https://nordwindclinical.jobs.personio.de/job/1874402"
    assert cra["title"] == "Clinical Research Associate (m/f/d)" and cra["department"] == "Clinical Operations"
    assert json.loads(cra["locations_raw"]) == ["Berlin", "München"] and cra["employment_type"] == "full-time, permanent"
    assert cra["date_published"] == "2026-10-02T09:12:44Z" and "Your profile" in cra["description"]
    assert "2 years of monitoring" in cra["description"] and cra["employer"] == "Nordwind Clinical Research"
    boston = jobs["1890127"]
    assert boston["location_raw"] == "Boston, MA" and boston["visa"] == "explicit_no"
    assert "MD/MBBS" in boston["description"]
    assert jobs["1893318"]["employment_type"] == "part-time, working_student"


def test_parse_any_and_feed_urls() -> None:
    postings = parse_any((REPLAY / "nordwind_feed_en.xml").read_bytes(), ctx())
    assert [p.source_job_id for p in postings] == ["1874402", "1881950", "1890127", "1893318"]
    assert postings[1].extra["seniority"] == "entry-level" and postings[1].extra["years_of_experience"] == "0-1"
    assert "<h3>Why Nordwind?</h3>" in postings[1].description_html_raw
    assert postings[0].employer == "Nordwind Clinical Research GmbH"  # no registry employer: the subcompany
    assert parse_any((REPLAY / "lindenhof_feed_empty.xml").read_bytes(), ctx()) == []
    from_url = ParseContext(source_id="personio:saved", family="personio", url="https://tannenhofresearch.jobs.personio.com/xml")
    assert parse_any((REPLAY / "nordwind_feed_en.xml").read_bytes(), from_url)[0].url.startswith(
        "https://tannenhofresearch.jobs.personio.com/job/")  # fmt: skip
    bare = ParseContext(source_id="personio:saved feed", family="personio")
    guessed = parse_any((REPLAY / "nordwind_feed_en.xml").read_bytes(), bare)[0]
    assert guessed.url == "https://saved-feed.jobs.personio.de/job/1874402" and guessed.extra["url_is_guessed"]
    assert feed_url({"company": "nordwindclinical", "language": "en"}) == (
        "https://nordwindclinical.jobs.personio.de/xml?language=en")  # fmt: skip
    assert feed_url({"company": "x", "host": "alpenblickresearch.jobs.personio.com"}) == (
        "https://alpenblickresearch.jobs.personio.com/xml")  # fmt: skip
    with pytest.raises(ValueError, match="two-letter"):
        feed_url({"company": "x", "language": "english"})
    with pytest.raises(ParseError, match="HTML page"):
        parse_any(b"<!DOCTYPE html><html><head><title>Page not found</title></head></html>", ctx())
    with pytest.raises(ParseError, match="expected <workzag-jobs>"):
        parse_any(b'<?xml version="1.0"?><rss><channel/></rss>', ctx())


def test_xml_is_parsed_safely(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP SECRET")
    body = f"""<?xml version="1.0"?>
<!DOCTYPE workzag-jobs [<!ENTITY ext SYSTEM "file://{secret}"><!ENTITY a "aaaaaaaaaa">
<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>
<workzag-jobs><position><id>1</id><name>Research Nurse &ext; &c;</name></position></workzag-jobs>""".encode()
    (posting,) = parse_any(body, ctx())
    assert "TOP SECRET" not in posting.title and "aaaaaaaaaa" not in posting.title


@needs_real
@pytest.mark.parametrize("path", real_fixture_files("personio"), ids=lambda p: p.name)
def test_real_samples(path: Path) -> None:
    context = ctx("clark")
    postings = parse_any(path.read_bytes(), context)
    assert not context.warnings
    assert [p.source_job_id for p in postings] == ["2415353", "2377588", "342554", "2335782"]
    assert [p.title for p in postings].count("Sales Consultant (m/w/d)") == 2
    assert postings[0].locations_raw == ["Berlin", "Frankfurt am Main"] and postings[3].location_raw == "Zürich"
    assert postings[2].department == "DE - Sales Life & Health" and postings[3].description_html_raw is None
    assert "years_of_experience" not in postings[3].extra
    assert all(p.date_published_raw and p.url.startswith("https://clark.jobs.personio.de/job/") for p in postings)


def test_cli_parse() -> None:
    result = CliRunner().invoke(app, ["parse", "personio", str(REPLAY / "nordwind_feed_en.xml")])
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.stdout.splitlines() if line.strip()]
    assert len(rows) == 4 and rows[2]["location_raw"] == "Boston, MA"
    failed = CliRunner().invoke(app, ["parse", "personio", str(REPLAY / "alpenblick_feed_truncated.xml")])
    assert failed.exit_code == 1


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(st.binary(max_size=1500), st.text(max_size=1500).map(str.encode),
                 st.text(max_size=400).map(lambda t: f"<workzag-jobs><position>{t}</position></workzag-jobs>".encode())))  # fmt: skip
def test_fuzz_arbitrary_bytes_only_raise_parse_error(body: bytes) -> None:
    try:
        parse_any(body, ctx())
    except ParseError:
        pass


_field = st.sampled_from(["id", "name", "office", "department", "createdAt", "schedule", "employmentType", "bogus"])
_position = st.lists(st.tuples(_field, st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cs", "Cc"]), max_size=12)), max_size=6)


@settings(max_examples=150, deadline=None)
@given(st.lists(_position, max_size=5))
def test_fuzz_positions_skip_bad_ones_with_a_warning(positions: list[list[tuple[str, str]]]) -> None:
    from xml.sax.saxutils import escape

    body = "<workzag-jobs>" + "".join(
        "<position>" + "".join(f"<{k}>{escape(v)}</{k}>" for k, v in fields) + "</position>" for fields in positions
    ) + "</workzag-jobs>"
    context = ctx()
    try:
        postings = parse_any(body.encode(), context)
    except ParseError as exc:
        assert "could be read" in str(exc)
        return
    assert len(postings) + len(context.warnings) <= len(positions)
    assert all(p.source_job_id.isdigit() and p.title for p in postings)
