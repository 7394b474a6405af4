"""Ashby crawled for real over HTTP against the replay server, and its parser offline."""

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
from researchjobs.enrich.normalise import normalise
from researchjobs.replay import Recordings
from researchjobs.spiders import ashby
from researchjobs.spiders.base import ParseContext, ParseError

REPLAY = FIXTURES / "replay" / "ashby"

LUMEN = {"id": "ashby:lumenbio", "family": "ashby", "employer": "Lumen Biotherapeutics",
         "employer_type": "pharma_biotech", "board": "lumenbio"}  # fmt: skip
RIDGEWAY = {"id": "ashby:ridgeway", "family": "ashby", "employer": "Ridgeway Therapeutics",
            "employer_type": "pharma_biotech", "board": "ridgewaytherapeutics"}  # fmt: skip
HARBORPOINT = {"id": "ashby:harborpoint", "family": "ashby", "employer": "Harborpoint Bio",
               "employer_type": "pharma_biotech", "board": "harborpointbio"}  # fmt: skip


def board() -> dict[str, Any]:
    return json.loads((REPLAY / "lumenbio_board.json").read_text())


def test_board_crawled_unlisted_skipped_pay_structured(tmp_path: Path) -> None:
    rec = Recordings().load_dir(REPLAY)
    result = crawl_with(tmp_path, rec, [LUMEN, RIDGEWAY, HARBORPOINT])
    run = result.runs[LUMEN["id"]]
    assert run["outcome"] == "ok", run["error_summary"]
    listed = [j for j in board()["jobs"] if j["isListed"]]
    assert run["seen"] == len(listed) == 6
    assert [u for u in rec.unmatched if "robots.txt" not in u] == []  # one GET per board, plus robots.txt
    rows = {p["title"]: p for p in result.postings(LUMEN["id"])}
    assert "Clinical Operations Intern (Draft)" not in rows
    cra = rows["Clinical Research Associate I"]
    assert cra["employer"] == "Lumen Biotherapeutics" and cra["employer_type"] == "pharma_biotech"
    assert cra["url"].startswith("https://jobs.ashbyhq.com/lumenbio/")
    assert cra["apply_url"].endswith("/application")
    assert cra["location_raw"] == "Boston, MA" and cra["country_raw"] == "United States"
    assert cra["workplace_raw"] == "Hybrid" and cra["employment_type"] == "FullTime"
    assert cra["department"] == "Clinical Operations"
    assert cra["date_published"] == "2026-11-06T15:12:44Z"
    assert json.loads(cra["base_salary"])["min"] == 72000
    assert json.loads(cra["base_salary"])["period"] == "1 YEAR"
    assert cra["salary_raw"] == "$72K - $88K • Offers Equity"
    assert "does not sponsor work visas" in cra["description"]
    # Two tiers (by location), equity listed first: spanned from the lowest min to the highest max.
    cta = json.loads(rows["Clinical Trial Assistant"]["base_salary"])
    assert (cta["min"], cta["max"], cta["currency"]) == (52000, 66000, "USD")
    assert json.loads(rows["Clinical Trial Assistant"]["locations_raw"]) == ["Cambridge, MA", "Remote (US)"]
    hourly = json.loads(rows["Clinical Research Coordinator (Phase 1 Unit)"]["base_salary"])
    assert (hourly["min"], hourly["max"], hourly["period"]) == (28, 34, "1 HOUR")
    data = rows["Clinical Data Coordinator"]
    assert data["base_salary"] is None and data["salary_raw"] is None and data["workplace_raw"] == "Remote"
    translational = rows["Research Associate, Translational Medicine"]
    assert translational["workplace_raw"] is None  # null flags stay unknown
    assert rows["Patient Recruitment Specialist"]["employment_type"] == "PartTime"
    # A bot-check page and a cut-off body fail their own sources only.
    ridgeway = result.runs[RIDGEWAY["id"]]
    assert ridgeway["outcome"] == "failed" and "Just a moment" in ridgeway["error_summary"]
    harborpoint = result.runs[HARBORPOINT["id"]]
    assert harborpoint["outcome"] == "failed" and "malformed Ashby JSON" in harborpoint["error_summary"]


def test_board_that_unlists_a_job_closes_it(tmp_path: Path) -> None:
    first = crawl_with(tmp_path, Recordings().load_dir(REPLAY), [LUMEN])
    data = board()
    hidden = next(j for j in data["jobs"] if j["title"] == "Clinical Data Coordinator")
    hidden["isListed"] = False
    changed = tmp_path / "changed.json"
    changed.write_text(json.dumps(data))
    rec = Recordings()
    rec.add({"url": ashby.board_url("lumenbio"), "file": str(changed)})
    second = crawl_with(tmp_path, rec, [LUMEN], db_path=first.db_path)
    assert second.runs[LUMEN["id"]]["outcome"] == "ok" and second.runs[LUMEN["id"]]["closed"] == 1
    closed = [p["source_job_id"] for p in second.postings() if p["closed_at"]]
    assert closed == [hidden["id"]]


def test_board_url_shape() -> None:
    assert (
        ashby.board_url("lumenbio")
        == "https://api.ashbyhq.com/posting-api/job-board/lumenbio?includeCompensation=true"
    )


def test_salary_ignores_equity_and_summary_text() -> None:
    comp = {"compensationTierSummary": "$1 - $2", "compensationTiers": [{"components": [
        {"compensationType": "EquityCashValue", "interval": "1 YEAR", "currencyCode": "USD", "minValue": None, "maxValue": None},
        {"compensationType": "Salary", "interval": "1 YEAR", "currencyCode": "USD", "minValue": 61000, "maxValue": 70000},
    ]}]}  # fmt: skip
    assert ashby.salary(comp) == {
        "min": 61000,
        "max": 70000,
        "currency": "USD",
        "period": "1 YEAR",
        "raw": None,
    }
    assert ashby.salary({"compensationTiers": [], "summaryComponents": []}) is None


def ctx_for(path: Path) -> ParseContext:
    return ParseContext(source_id=f"ashby:{path.stem}", family="ashby", crawled_at="2026-11-14T12:00:00Z")


@needs_real
@pytest.mark.parametrize(
    "path", real_fixture_files("ashby") or [None], ids=lambda p: getattr(p, "name", "none")
)
def test_real_samples_parse(path: Path | None) -> None:
    if path is None:
        pytest.skip("no real Ashby samples")
    data = json.loads(path.read_bytes())
    postings = [normalise(p) for p in ashby.parse_any(path.read_bytes(), ctx_for(path))]
    raw = {str(job["id"]): job for job in data["jobs"] if job.get("isListed") is not False}
    assert sorted(p.source_job_id for p in postings) == sorted(raw) and postings
    for posting in postings:
        job = raw[posting.source_job_id]
        assert posting.title and posting.url.startswith("https://")
        assert posting.employer  # the board name when the registry has none
        if job.get("location"):
            assert posting.location_raw == job["location"]
        if job.get("publishedAt"):
            assert posting.date_published and posting.date_published.startswith(job["publishedAt"][:10])
        salaries = [c for t in (job.get("compensation") or {}).get("compensationTiers") or []
                    for c in t.get("components") or [] if c.get("compensationType") == "Salary"]  # fmt: skip
        if salaries:
            assert posting.base_salary and posting.base_salary["min"] == salaries[0]["minValue"]
        else:
            assert posting.base_salary is None


def test_cli_parse_board_and_single_job(tmp_path: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(app, ["parse", "ashby", str(REPLAY / "lumenbio_board.json")])
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.stdout.splitlines() if line.strip()]
    assert len(lines) == 6 and all(p["employer"] == "lumenbio" for p in lines)
    single = tmp_path / "job.json"
    single.write_text(json.dumps(board()["jobs"][0]))
    result = runner.invoke(app, ["parse", "ashby", str(single)])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["title"] == "Clinical Research Associate I"


def test_cli_parse_reports_a_challenge_page() -> None:
    result = CliRunner().invoke(app, ["parse", "ashby", str(REPLAY / "challenge.html")])
    assert result.exit_code != 0
    assert "Just a moment" in str(result.exception)


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=25,
)
COMPONENT = st.fixed_dictionaries(
    {"compensationType": st.sampled_from(["Salary", "EquityPercentage"]) | JSON},
    optional={k: JSON for k in ("minValue", "maxValue", "interval", "currencyCode", "summary")},
)
COMPENSATION = st.fixed_dictionaries({}, optional={
    "compensationTiers": st.lists(st.fixed_dictionaries({"components": st.lists(COMPONENT | JSON, max_size=3)}) | JSON, max_size=2),
    "summaryComponents": st.lists(COMPONENT | JSON, max_size=2),
    "compensationTierSummary": JSON,
})  # fmt: skip
JOB = st.fixed_dictionaries(
    {"id": JSON, "title": JSON},
    optional={"compensation": COMPENSATION | JSON, **{k: JSON for k in (
        "isListed", "location", "secondaryLocations", "address", "jobUrl", "applyUrl", "publishedAt",
        "workplaceType", "isRemote", "descriptionHtml", "descriptionPlain", "employmentType")}},
)  # fmt: skip
SHAPED = JOB | st.fixed_dictionaries({"jobs": st.lists(JOB | JSON, max_size=3)})
CTX = ParseContext(source_id="ashby:fuzz", family="ashby")


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(JSON, SHAPED))
def test_parse_any_on_arbitrary_json_raises_only_parse_error(value: Any) -> None:
    try:
        postings = ashby.parse_any(json.dumps(value).encode(), CTX)
    except ParseError:
        return
    assert all(p.title and p.url for p in postings)


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=300))
def test_parse_any_on_arbitrary_bytes_raises_only_parse_error(body: bytes) -> None:
    try:
        ashby.parse_any(body, CTX)
    except ParseError:
        pass
