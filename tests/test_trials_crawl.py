"""The clinicaltrials spider crawled for real over HTTP against the replay server: three
pages by nextPageToken, sites judged one by one (outside the radius, no coordinates, not
recruiting, placeholder names), facility names linked to a crawled employer (and a
look-alike not), a second crawl closing a dropped site, a stopped study and a suspended
site; a partial crawl and a page cap closing nothing; and `researchjobs leads` on the
result."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from typing import Any

import pytest
from conftest import FAST, crawl_with, write_registry
from typer.testing import CliRunner

from researchjobs.cli import UserError, app
from researchjobs.crawler import run_in_subprocess
from researchjobs.replay import Recordings, ReplayServer
from researchjobs.storage.db import open_db
from researchjobs.storage.runs import runs_for
from researchjobs.trials import SOURCE_NAME
from researchjobs.trials.areas import Area
from researchjobs.trials.crawl import plan_for

REPLAY = Path(__file__).resolve().parent / "fixtures" / "replay" / "clinicaltrials"
DEMO = Path(__file__).resolve().parents[1] / "researchjobs" / "data" / "replay" / "demo"
BOSTON = Area.make(42.35843, -71.05977, 30, "Boston, MA")
AREA_ID = "clinicaltrials:Boston MA (30 mi)"
GH = {"id": "greenhouse:harborviewresearch", "family": "greenhouse", "employer": "Harborview Clinical Research",
      "employer_type": "site_network", "board": "harborviewresearch"}  # fmt: skip
runner = CliRunner()


def crawl_areas(tmp_path: Path, recordings: Recordings, db_path: Path, areas: list[Area] | None = None,
                settings: dict[str, str] | None = None) -> dict[str, Any]:  # fmt: skip
    """`researchjobs trials crawl` in a subprocess, as run and schedule start it; the area runs."""
    registry = write_registry(tmp_path / "sources.toml", [GH])
    with ReplayServer(recordings=recordings) as server:
        plan = plan_for(areas or [BOSTON], db_path, registry, replay_url=server.url, log_file=tmp_path / "trials.log",
                        settings={**FAST, **(settings or {})})  # fmt: skip
        code = run_in_subprocess(plan, timeout=120, env={"RESEARCHJOBS_HOME": os.environ["RESEARCHJOBS_HOME"]})
    db = open_db(db_path)
    try:
        runs = {r["source_id"]: r for r in runs_for(db, plan.run_ids())}
    finally:
        db.conn.close()
    return {"code": code, "runs": runs}


def rows(db_path: Path, sql: str, params: list[Any] | None = None) -> list[dict[str, Any]]:
    db = open_db(db_path)
    try:
        return list(db.query(sql, params or []))
    finally:
        db.conn.close()


def open_trials(db_path: Path) -> set[tuple[str, str, str]]:
    return {(r["facility"], r["city"], r["nct_id"]) for r in rows(db_path, """
        SELECT s.facility, s.city, t.nct_id FROM site_trials t JOIN trial_sites s USING (site_id)
        WHERE t.closed_at IS NULL""")}  # fmt: skip


@pytest.fixture(scope="module")
def first_crawl(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """Harborview's job board crawled, then the Boston area's three pages of studies (once per module)."""
    base = tmp_path_factory.mktemp("boston")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("RESEARCHJOBS_HOME", str(base / "home"))
        (base / "home").mkdir()
        db_path = base / "researchjobs.db"
        jobs = crawl_with(base, Recordings().load_dir(DEMO), [GH], db_path=db_path)
        assert jobs.runs[GH["id"]]["outcome"] == "ok"
        trial_rec = Recordings().load_dir(REPLAY / "first")
        result = crawl_areas(base, trial_rec, db_path)
    return {"db_path": db_path, "recordings": trial_rec, **result}


@pytest.fixture
def boston(first_crawl: dict[str, Any], home: Path) -> dict[str, Any]:
    """A copy of the first crawl's database as this test's data directory's."""
    db_path = home / "researchjobs.db"
    for suffix in ("", "-wal"):
        if Path(f"{first_crawl['db_path']}{suffix}").exists():
            shutil.copyfile(f"{first_crawl['db_path']}{suffix}", f"{db_path}{suffix}")
    return {**first_crawl, "db_path": db_path}


FIRST_OPEN = {
    ("Charles River Clinical Pharmacology Unit", "Quincy", "NCT09230011"),
    ("Harborview Clinical Research", "Boston", "NCT09230011"),
    ("Harborview Clinical Research", "Boston", "NCT09230045"),
    ("Research Site", "Cambridge", "NCT09230045"),
    ("Harborview Medical Center", "Boston", "NCT09230102"),
    ("Aisha Rahman, MD", "Brookline", "NCT09230187"),
    ("Harborview Clinical Research", "Lawrence", "NCT09230187"),
    ("Fenway Cardiology Research Group", "Boston", "NCT09230230"),
}


def test_three_pages_crawled_and_each_site_judged_on_its_own(boston: dict[str, Any]) -> None:
    assert boston["code"] == 0
    run = boston["runs"][AREA_ID]
    assert run["outcome"] == "ok" and run["complete"] == 1, run["error_summary"]
    assert run["seen"] == len(FIRST_OPEN) and run["new"] == len(FIRST_OPEN) and run["family"] == "clinicaltrials"
    stats = json.loads(run["stats_json"])
    assert stats["responses"] == 3 and stats["studies"] == 5
    # Gulf Coast (Houston), Worcester (38.5 mi) and Anchorage are in studies that matched
    # filter.geo but lie outside the circle; Dorchester has no geoPoint; Neponset is not recruiting.
    assert stats["sites_outside"] == 3 and stats["sites_without_coordinates"] == 1
    assert stats["sites_not_recruiting"] == 1
    hits = {k: n for k, n in boston["recordings"].hits.items() if "robots.txt" not in k}
    assert len(hits) == 3 and set(hits.values()) == {1}
    assert not [k for k in boston["recordings"].unmatched if "robots.txt" not in k]
    assert open_trials(boston["db_path"]) == FIRST_OPEN
    sites = {r["facility"] + "/" + r["city"]: r for r in rows(boston["db_path"], "SELECT * FROM trial_sites")}
    assert "Worcester Dermatology Research/Worcester" not in sites and "Dorchester Family Medicine/Boston" not in sites
    assert sites["Research Site/Cambridge"]["name_kind"] == "placeholder"
    assert sites["Aisha Rahman, MD/Brookline"]["name_kind"] == "investigator"
    assert sites["Harborview Clinical Research/Boston"]["state"] == "MA"
    assert sites["Harborview Clinical Research/Boston"]["site_id"] != sites["Harborview Clinical Research/Lawrence"]["site_id"]
    quincy = rows(boston["db_path"], "SELECT t.* FROM site_trials t JOIN trial_sites s USING (site_id)"
                                     " WHERE s.city = 'Quincy'")[0]  # fmt: skip
    assert json.loads(quincy["phases"]) == ["PHASE1"] and quincy["sponsor_class"] == "INDUSTRY"
    assert json.loads(quincy["contacts"]) == [
        {"name": "Volunteer Recruitment Office", "role": "CONTACT", "email": "volunteers@crcpu.example.org",
         "phone": "617-555-0142"},
        {"name": "Marguerite Okafor, MD", "role": "PRINCIPAL_INVESTIGATOR"}]  # fmt: skip
    area = rows(boston["db_path"], "SELECT * FROM trial_areas")[0]
    assert area["area_id"] == AREA_ID and area["last_complete"] and area["last_outcome"] == "ok"


def test_facility_names_linked_to_the_crawled_employer_and_not_to_a_look_alike(boston: dict[str, Any]) -> None:
    links = {r["external_name"]: r for r in rows(boston["db_path"], "SELECT * FROM employer_links WHERE dataset = 'ctgov'")}
    harborview = links["Harborview Clinical Research"]
    assert harborview["status"] == "linked" and harborview["method"] == "exact"
    assert harborview["employer_key"] == "harborview clinical research"
    look_alike = links["Harborview Medical Center"]  # a hospital sharing a word: another employer
    assert look_alike["status"] != "linked" and look_alike["employer_key"] is None
    assert links["Research Site"]["method"] == "placeholder" and links["Research Site"]["status"] == "none"


def test_second_crawl_closes_what_it_no_longer_lists_with_the_reason(boston: dict[str, Any], tmp_path: Path) -> None:
    second = crawl_areas(tmp_path, Recordings().load_dir(REPLAY / "second"), boston["db_path"])
    run = second["runs"][AREA_ID]
    assert run["outcome"] == "ok" and run["closed"] == 3
    closed = {(r["facility"], r["nct_id"]): r["close_reason"] for r in rows(boston["db_path"], """
        SELECT s.facility, t.nct_id, t.close_reason FROM site_trials t JOIN trial_sites s USING (site_id)
        WHERE t.closed_at IS NOT NULL""")}  # fmt: skip
    assert closed == {
        ("Harborview Clinical Research", "NCT09230045"): "the study no longer lists this site",
        ("Charles River Clinical Pharmacology Unit", "NCT09230011"): "site status SUSPENDED",
        ("Fenway Cardiology Research Group", "NCT09230230"): "not among the recruiting studies near Boston, MA",
    }
    sites = {r["facility"] + "/" + r["city"]: r for r in rows(boston["db_path"], "SELECT * FROM trial_sites")}
    assert sites["Fenway Cardiology Research Group/Boston"]["closed_at"] is not None  # no open trial left
    assert sites["Harborview Clinical Research/Boston"]["closed_at"] is None  # still recruiting for NCT09230011
    first_seen = rows(boston["db_path"], "SELECT first_seen, last_seen FROM site_trials WHERE nct_id = 'NCT09230187'")
    assert all(r["last_seen"] >= r["first_seen"] for r in first_seen)
    again = crawl_areas(tmp_path, Recordings().load_dir(REPLAY / "first"), boston["db_path"])["runs"][AREA_ID]
    assert again["outcome"] == "ok" and json.loads(again["stats_json"])["reopened"] == 3 and again["new"] == 0
    assert open_trials(boston["db_path"]) == FIRST_OPEN
    reopened = rows(boston["db_path"], "SELECT opened_at, first_seen FROM site_trials WHERE nct_id = 'NCT09230230'")[0]
    assert reopened["opened_at"] > reopened["first_seen"]  # "new since the last digest" again


def test_partial_crawl_closes_nothing(boston: dict[str, Any], tmp_path: Path) -> None:
    rec = Recordings().load_dir(REPLAY / "second")
    page2 = json.loads((REPLAY / "second" / "manifest.json").read_text())["responses"][1]["url"]
    rec.add({"url": page2, "status": 503, "text": "Service Unavailable"})
    second = crawl_areas(tmp_path, rec, boston["db_path"])
    run = second["runs"][AREA_ID]
    assert run["outcome"] == "partial" and run["closed"] == 0 and "HTTP 503" in run["error_summary"]
    assert open_trials(boston["db_path"]) == FIRST_OPEN  # page 1 dropped a site and suspended one: ignored
    area = rows(boston["db_path"], "SELECT * FROM trial_areas")[0]
    assert area["last_outcome"] == "partial" and area["last_complete"] < area["last_crawled"]


def test_page_cap_is_an_error_and_closes_nothing(boston: dict[str, Any], tmp_path: Path) -> None:
    second = crawl_areas(tmp_path, Recordings().load_dir(REPLAY / "second"), boston["db_path"],
                         settings={"CLINICALTRIALS_MAX_PAGES": "1"})  # fmt: skip
    run = second["runs"][AREA_ID]
    assert run["outcome"] == "partial" and run["closed"] == 0
    assert "stopped after 1 pages (2 of 4 studies); area incomplete" in run["error_summary"]
    assert open_trials(boston["db_path"]) == FIRST_OPEN


def test_repeated_token_malformed_and_hollow_answers_are_errors(tmp_path: Path, home: Path) -> None:
    from researchjobs.trials.api import studies_url

    loop, broken = Area.make(40.0, -75.0, 10, "Loop"), Area.make(41.0, -75.0, 10, "Broken")
    hollow = Area.make(39.0, -75.0, 10, "Hollow")
    here = {"facility": "Delaware Valley Research Center", "status": "RECRUITING", "city": "Philadelphia",
            "state": "Pennsylvania", "country": "United States", "geoPoint": {"lat": 40.0, "lon": -75.0}}
    study = {"protocolSection": {"identificationModule": {"nctId": "NCT09239999"},
                                 "contactsLocationsModule": {"locations": [here]}}}
    rec = Recordings()
    rec.add({"url": studies_url(loop.lat, loop.lon, loop.miles), "json": {"studies": [study], "nextPageToken": "t1"}})
    rec.add({"url": studies_url(loop.lat, loop.lon, loop.miles, page_token="t1"),
             "json": {"studies": [study], "nextPageToken": "t1"}})  # fmt: skip
    rec.add({"url": studies_url(broken.lat, broken.lon, broken.miles), "text": "<html><title>Maintenance</title></html>",
             "headers": {"Content-Type": "text/html"}})  # fmt: skip
    rec.add({"url": studies_url(hollow.lat, hollow.lon, hollow.miles), "json": {"totalCount": 12, "studies": []}})
    result = crawl_areas(tmp_path, rec, home / "researchjobs.db", areas=[loop, broken, hollow])
    loop_run, broken_run = result["runs"][loop.id], result["runs"][broken.id]
    hollow_run = result["runs"][hollow.id]  # an empty answer that says it is not: no clean run that closes all
    assert hollow_run["outcome"] == "failed" and "counts 12 studies but lists none" in hollow_run["error_summary"]
    assert loop_run["outcome"] == "partial" and "page 3 would repeat page 2" in loop_run["error_summary"]
    assert broken_run["outcome"] == "failed" and "expected ClinicalTrials.gov JSON" in broken_run["error_summary"]
    assert result["code"] == 1


def leads_json(*args: str) -> list[dict[str, Any]]:
    result = runner.invoke(app, ["leads", *args, "--format", "json"], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_leads_near_boston_ranked_with_distances_counts_and_crawled_employers(boston: dict[str, Any]) -> None:
    found = leads_json("--near", "Boston, MA", "--within", "30")
    by_place = {(r["facility"], r["city"]): r for r in found}
    assert [(r["facility"], r["city"]) for r in found] == [
        ("Harborview Clinical Research", "Boston"),  # 2 trials, phase 1, industry, contact, board with jobs
        ("Charles River Clinical Pharmacology Unit", "Quincy"),  # score 7, 7.9 mi
        ("Harborview Clinical Research", "Lawrence"),  # score 7, 24.6 mi
        ("Aisha Rahman, MD", "Brookline"),
        ("Harborview Medical Center", "Boston"),
        ("Fenway Cardiology Research Group", "Boston"),
    ]  # "Research Site" (Cambridge) is left out: the sponsor does not name it
    # distances from the search point (geonames Boston), checked against the spherical law of cosines
    expected = {"Quincy": 7.86, "Brookline": 3.64, "Lawrence": 24.65, "Boston": 0.0}
    for row in found:
        assert row["miles"] == pytest.approx(expected[row["city"]], abs=0.06)
    top = by_place[("Harborview Clinical Research", "Boston")]
    assert top["trials"] == 2 and top["phase1_trials"] == 1 and top["industry_trials"] == 2
    assert top["phases"] == {"PHASE1": 1, "PHASE2": 1} and top["sponsor_classes"] == {"INDUSTRY": 2}
    assert top["nct_ids"] == ["NCT09230011", "NCT09230045"]
    assert top["employer"] == "Harborview Clinical Research" and top["boards"] == ["greenhouse:harborviewresearch"]
    assert top["open_research_postings"] == 5 and top["newest_posting_url"].startswith("https://")
    assert top["contacts"][0] == {"name": "Daniel Osei", "role": "CONTACT", "email": "studies@harborview.example.org",
                                  "phone": "617-555-0117", "phone_ext": "204"}  # fmt: skip
    assert "we crawl its board (greenhouse:harborviewresearch): 5 open research jobs" in top["why"]
    assert by_place[("Harborview Medical Center", "Boston")]["employer"] is None
    assert by_place[("Aisha Rahman, MD", "Brookline")]["kind"] == "investigator"
    assert all(r["source"] == SOURCE_NAME and r["retrieved"] for r in found)
    assert by_place[("Fenway Cardiology Research Group", "Boston")]["contacts"] == []
    narrow = leads_json("--near", "Boston, MA", "--within", "5")
    assert {r["city"] for r in narrow} == {"Boston", "Brookline"}
    unnamed = leads_json("--near", "Boston, MA", "--within", "30", "--include-unnamed")
    assert ("Research Site", "Cambridge") in {(r["facility"], r["city"]) for r in unnamed}


def test_leads_table_csv_and_profile(boston: dict[str, Any], home: Path) -> None:
    table = runner.invoke(app, ["leads", "--near", "Boston, MA", "--within", "30"], env={"COLUMNS": "250"})
    assert table.exit_code == 0, table.output
    assert "Harborview Clinical Research" in table.stdout and f"Source: {SOURCE_NAME}, retrieved 20" in table.stdout
    assert "1 sites the sponsor does not name were left out" in table.output
    csv_out = runner.invoke(app, ["leads", "--near", "Boston, MA", "--within", "30", "--format", "csv"])
    header = csv_out.stdout.splitlines()[0].split(",")
    assert "source" in header and "retrieved" in header and "miles" in header and csv_out.stdout.count("\n") == 7
    (home / "profiles").mkdir(exist_ok=True)
    (home / "profiles" / "nadia.toml").write_text(
        'roles = ["clinical research coordinator"]\nwork_authorization = "opt"\n'
        '[[locations]]\ncity = "Brookline"\nstate = "MA"\nradius_miles = 5\n', encoding="utf-8")  # fmt: skip
    mine = leads_json("--profile", "nadia")
    assert {(r["facility"], r["city"]) for r in mine} == {
        ("Harborview Clinical Research", "Boston"), ("Aisha Rahman, MD", "Brookline"),
        ("Harborview Medical Center", "Boston"), ("Fenway Cardiology Research Group", "Boston")}  # fmt: skip
    uncovered = runner.invoke(app, ["leads", "--near", "Houston, TX", "--within", "30"])
    assert uncovered.exit_code == 0 and "no complete ClinicalTrials.gov crawl covers Houston, TX" in uncovered.output


def test_leads_bad_input_is_one_clear_error(home: Path) -> None:
    both = runner.invoke(app, ["leads"])
    assert both.exit_code == 1 and isinstance(both.exception, UserError) and "--profile" in str(both.exception)
    nowhere = runner.invoke(app, ["leads", "--near", "Atlantis, ZZ"])
    assert nowhere.exit_code == 1 and "Atlantis" in str(nowhere.exception)
    fmt = runner.invoke(app, ["leads", "--near", "Boston, MA", "--format", "xml"])
    assert fmt.exit_code == 1 and "--format" in str(fmt.exception)
    crawl = runner.invoke(app, ["trials", "crawl", "--near", "Boston, MA", "--within", "900"])
    assert crawl.exit_code == 1 and "at most 250 miles" in str(crawl.exception)


def test_run_crawls_the_union_of_profiles_places_and_the_digest_shows_sites(tmp_path: Path, home: Path) -> None:
    from researchjobs.config import Settings, paths
    from researchjobs.scheduler import run_once

    for name, city, miles in (("nadia", "Boston", 30), ("omar", "Cambridge", 5)):  # Cambridge lies inside Boston's circle
        (home / "profiles").mkdir(exist_ok=True)
        (home / "profiles" / f"{name}.toml").write_text(
            f'roles = ["clinical research coordinator"]\nwork_authorization = "opt"\ndigest_when_empty = "skip"\n'
            f'[[locations]]\ncity = "{city}"\nstate = "MA"\nradius_miles = {miles}\n', encoding="utf-8")  # fmt: skip
    registry = write_registry(tmp_path / "sources.toml", [])
    with ReplayServer(REPLAY / "first") as server:
        report = run_once(paths(), Settings(), registry_file=registry, replay_url=server.url, crawl_settings=FAST)
    assert report.crawl is None and report.trials is not None and not report.failures()
    assert [r["source_id"] for r in report.trials.runs] == [AREA_ID]  # one search serves both profiles
    by_profile = {d.profile: d for d in report.digests}
    assert by_profile["nadia"].state == "sent" and by_profile["omar"].state == "sent"
    assert by_profile["omar"].subject.startswith("4 research sites near you for omar")  # Boston and Brookline sites, within 5 mi
