"""One job a parser cannot read (no title, no id, an id that is an object, not an object at all)
is skipped with a warning; the rest of its board is stored, and a job whose id is known is
never closed because of our skip. Every family parser follows the same rule."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from conftest import FIXTURES

from researchjobs.spiders import family_module
from researchjobs.spiders.base import ParseContext

DEMO = Path(__file__).resolve().parents[1] / "researchjobs" / "data" / "replay" / "demo"
REPLAY = FIXTURES / "replay"
OBJECT_ID = {"a": 1}
GH_ID = "greenhouse:harborviewresearch"


@dataclass
class Listing:
    """A recorded listing of one family, and how to reach and damage its jobs."""

    family: str
    file: Path
    jobs: Callable[[Any], list]  # the job list inside the parsed JSON
    drop_title: Callable[[dict], str]  # removes the title, returns the id the job is stored under
    break_id: Callable[[dict], None]  # makes the id unusable (an object)
    params: dict[str, Any]
    url: str | None = None


def _pop(*keys: str) -> Callable[[dict], None]:
    def damage(job: dict) -> None:
        for key in keys:
            job[key] = OBJECT_ID
    return damage


def _usajobs_title(item: dict) -> str:
    item["MatchedObjectDescriptor"]["PositionTitle"] = "  "
    return str(item["MatchedObjectId"])


def _usajobs_id(item: dict) -> None:
    desc = item["MatchedObjectDescriptor"]
    item["MatchedObjectId"] = OBJECT_ID
    for key in ("PositionURI", "ApplyURI", "PositionID"):
        desc[key] = OBJECT_ID


def _workday_title(job: dict) -> str:
    job.pop("title")
    return job["bulletFields"][0]  # its req id, which the stored posting is keyed by


LISTINGS = [
    Listing("greenhouse", DEMO / "greenhouse_harborviewresearch.json", lambda d: d["jobs"],
            lambda j: str(j.pop("title") and j["id"]), _pop("id"), {"board": "harborviewresearch"}),
    Listing("lever", DEMO / "lever_lakeshorehealth_0.json", lambda d: d,
            lambda j: j.pop("text") and j["id"], _pop("id"), {"site": "lakeshorehealth"}),
    Listing("ashby", REPLAY / "ashby" / "lumenbio_board.json", lambda d: d["jobs"],
            lambda j: j.pop("title") and j["id"], _pop("id"), {"board": "lumenbio"}),
    Listing("smartrecruiters", REPLAY / "smartrecruiters" / "northbridge_crc_0.json", lambda d: d["content"],
            lambda j: j.pop("name") and j["id"], _pop("id"), {"company": "NorthbridgeClinical"}),
    Listing("usajobs", REPLAY / "usajobs" / "series0601_crc_p1.json", lambda d: d["SearchResult"]["SearchResultItems"],
            _usajobs_title, _usajobs_id, {}),
    Listing("oracle", REPLAY / "oracle" / "list_clinical-research_0.json",
            lambda d: d["items"][0]["requisitionList"], lambda j: j.pop("Title") and j["Id"], _pop("Id"),
            {"host": "ekzt.fa.us2.oraclecloud.com", "site": "CX_1"}),
    Listing("icims", REPLAY / "icims" / "jobs_clinical-research_1.json", lambda d: [j["data"] for j in d["jobs"]],
            lambda j: j.pop("title") and (j.get("req_id") or j["slug"]), _pop("req_id", "slug"),
            {"host": "careers.bellwetherclinical.com"}),
    Listing("workday", REPLAY / "workday" / "list_clinical-research_0.json", lambda d: d["jobPostings"],
            _workday_title, _pop("externalPath"),
            {"host": "ridgecrest.wd5.myworkdayjobs.com", "tenant": "ridgecrest", "site": "RUMC_External"}),
]  # fmt: skip


@pytest.mark.parametrize("listing", LISTINGS, ids=lambda listing: listing.family)
def test_one_unreadable_job_is_skipped_with_a_warning_and_the_rest_kept(listing: Listing) -> None:
    data = json.loads(listing.file.read_text())
    jobs = listing.jobs(data)
    assert len(jobs) >= 3, "the listing needs a few jobs"
    module = family_module(listing.family)
    ctx = ParseContext(source_id=f"{listing.family}:test", family=listing.family, crawled_at="2026-12-01T12:00:00Z",
                       url=listing.url, params=listing.params)  # fmt: skip
    whole = len(module.parse_any(listing.file.read_bytes(), ctx))
    known_id = listing.drop_title(jobs[0])
    listing.break_id(jobs[1])
    container = listing.jobs(data) if listing.family != "icims" else data["jobs"]
    container.append("not a job")
    assert not ctx.warnings
    postings = module.parse_any(json.dumps(data).encode(), ctx)
    assert len(postings) == whole - 2
    assert len(ctx.warnings) == 3 and all("skipped" in w and "\n" not in w for w in ctx.warnings), ctx.warnings
    assert str(known_id) in ctx.skipped_ids
    assert not [p for p in postings if "{" in p.source_job_id or p.source_job_id in ("inf", "nan")]


# ---------------------------------------------------------------- feeds, JSON-LD and Phenom pages


def _ctx(family: str, url: str | None = None) -> ParseContext:
    return ParseContext(source_id=f"{family}:test", family=family, crawled_at="2026-12-01T12:00:00Z", url=url)


def test_feed_entries_without_title_or_link_are_skipped_with_their_ids_kept() -> None:
    text = (REPLAY / "feeds" / "eastlake_peopleadmin.atom").read_text()
    whole = family_module("feeds").parse_any(text.encode(), _ctx("feeds"))
    first_title = text.index("<entry>")
    title_start = text.index("<title", first_title)
    damaged = text[:title_start] + text[text.index("</title>", title_start) + len("</title>"):]
    ctx = _ctx("feeds")
    postings = family_module("feeds").parse_any(damaged.encode(), ctx)
    assert len(postings) == len(whole) - 1
    assert ctx.warnings == ["entry 1: no title; skipped"]
    assert ctx.skipped_ids == [whole[0].source_job_id]


def test_a_jsonld_posting_without_a_title_is_skipped_not_an_error() -> None:
    page = (REPLAY / "jsonld" / "riverbend_job_4827.html").read_text()
    url = "https://careers.riverbendchildrens.org/jobs/4827"
    [whole] = family_module("jsonld").parse_any(page.encode(), _ctx("jsonld", url))
    damaged = page.replace(f'"title": "{whole.title}"', '"title": ""')
    assert damaged != page
    ctx = _ctx("jsonld", url)
    assert family_module("jsonld").parse_any(damaged.encode(), ctx) == []
    assert len(ctx.warnings) == 1 and "without a title" in ctx.warnings[0]
    assert ctx.skipped_ids == [whole.source_job_id]


def test_a_phenom_job_without_a_title_is_skipped_and_the_page_kept() -> None:
    page = (REPLAY / "phenom" / "stmarcus_clinical_research_from0.html").read_text()
    url = "https://careers.stmarcushealth.org/us/en/search-results"
    whole = family_module("phenom").parse_any(page.encode(), _ctx("phenom", url))
    first = whole[0]
    damaged = page.replace(f'"title": "{first.title}"', '"title": null', 1)
    assert damaged != page
    ctx = _ctx("phenom", url)
    postings = family_module("phenom").parse_any(damaged.encode(), ctx)
    assert len(postings) == len(whole) - 1 and ctx.skipped_ids == [first.source_job_id]


# ---------------------------------------------------------------- a crawl: warnings, storing, closing


def _board(tmp_path: Path, name: str, damage: Callable[[list[dict]], None]) -> Path:
    board = json.loads((DEMO / "greenhouse_harborviewresearch.json").read_text())
    damage(board["jobs"])
    path = tmp_path / f"{name}.json"
    path.write_text(json.dumps(board))
    return path


def _crawl(tmp_path: Path, board: Path, db_path: Path | None = None):
    from conftest import crawl_with
    from test_crawl_greenhouse_lever import GH, GH_URL

    from researchjobs.replay import Recordings

    recordings = Recordings()
    recordings.add({"url": GH_URL.format("harborviewresearch"), "file": str(board)})
    result = crawl_with(tmp_path, recordings, [GH], db_path=db_path)
    return result, result.runs[GH["id"]]


def test_a_board_with_unreadable_jobs_is_stored_and_closes_only_what_is_gone(tmp_path: Path) -> None:
    first, run = _crawl(tmp_path, DEMO / "greenhouse_harborviewresearch.json")
    assert run["outcome"] == "ok" and run["seen"] == 5

    def damage(jobs: list[dict]) -> None:
        jobs[0]["title"] = ""  # id still readable: its posting must stay open
        jobs[1]["id"] = {"a": 1}  # no readable id: nothing can be said about it
        jobs.pop(2)  # really gone: closed

    board = _board(tmp_path, "damaged", damage)
    original = json.loads((DEMO / "greenhouse_harborviewresearch.json").read_text())["jobs"]
    second, run = _crawl(tmp_path, board, first.db_path)
    assert run["outcome"] == "ok" and run["seen"] == 2 and run["errors"] == 0
    assert run["error_summary"].startswith("warning: 2 jobs skipped as unreadable")
    assert second.stats(GH_ID)["skipped_jobs"] == 2
    closed = {p["source_job_id"] for p in second.postings() if p["closed_at"]}
    assert str(original[0]["id"]) not in closed  # skipped, but its id was read: kept open
    assert str(original[2]["id"]) in closed  # no longer listed
    assert not [p for p in second.postings() if "{" in p["source_job_id"]]


def test_a_board_where_most_jobs_are_unreadable_closes_nothing(tmp_path: Path) -> None:
    first, _ = _crawl(tmp_path, DEMO / "greenhouse_harborviewresearch.json")

    def damage(jobs: list[dict]) -> None:
        for job in jobs[:3]:
            job["id"] = None  # e.g. the API renamed its id field

    second, run = _crawl(tmp_path, _board(tmp_path, "renamed", damage), first.db_path)
    assert run["outcome"] == "partial" and not run["complete"]
    assert "3 of 5 jobs could not be read" in run["error_summary"]
    assert all(p["closed_at"] is None for p in second.postings())


def test_the_crawl_summary_shows_skipped_jobs_as_warnings_not_failures(tmp_path: Path, home: Path) -> None:
    from conftest import FAST, write_registry
    from test_cli_foundation import cli
    from test_crawl_greenhouse_lever import GH, GH_URL

    from researchjobs.replay import Recordings, ReplayServer

    registry = write_registry(tmp_path / "sources.toml", [GH])
    board = _board(tmp_path, "one-bad", lambda jobs: jobs[0].update(title=None))
    recordings = Recordings()
    recordings.add({"url": GH_URL.format("harborviewresearch"), "file": str(board)})
    sets = [arg for key, value in FAST.items() for arg in ("--set", f"{key}={value}")]
    with ReplayServer(recordings=recordings) as server:
        result = cli("crawl", GH_ID, "--registry", str(registry), "--replay", server.url, *sets)
    assert result.returncode == 0, result.stderr
    assert "failed" not in result.stderr
    assert f"warning: {GH_ID}: jobs[0]: Greenhouse job" in " ".join(result.stderr.split())
    assert "has no title; skipped" in result.stderr


def test_a_jsonld_identifier_that_is_not_text_or_a_number_is_not_an_id() -> None:
    page = (REPLAY / "jsonld" / "riverbend_job_4827.html").read_text()
    url = "https://careers.riverbendchildrens.org/jobs/4827"
    [whole] = family_module("jsonld").parse_any(page.encode(), _ctx("jsonld", url))
    assert whole.requisition_id and whole.source_job_id == whole.requisition_id
    damaged = page.replace(f'"value": "{whole.requisition_id}"', '"value": {"a": 1}')
    assert damaged != page
    [posting] = family_module("jsonld").parse_any(damaged.encode(), _ctx("jsonld", url))
    assert posting.requisition_id is None and posting.source_job_id.startswith("https://")
