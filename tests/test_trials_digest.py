"""The digest's "Research sites near you": new or growing sites since the last digest, at most
five, named sites only, never the same site twice in 30 days unless its employer posted a
job since, the profile's switch, the source and its date, and inert hostile names."""

from __future__ import annotations

from dataclasses import asdict
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from test_digest_content import assert_inert
from test_digest_support import add_postings, html_part, outbox_messages, text_part

from researchjobs.config import paths
from researchjobs.digest import run_digests
from researchjobs.linking.dataset import link_facility_dataset
from researchjobs.matcher.profiles import load_profile
from researchjobs.storage import trials as store
from researchjobs.storage.db import open_db
from researchjobs.trials import SOURCE_NAME
from researchjobs.trials.api import Contact, Location, Study
from researchjobs.trials.areas import Area
from researchjobs.trials.pipeline import _trial_columns
from researchjobs.trials.sites import sites_in_area

BOSTON = Area.make(42.35843, -71.05977, 30, "Boston, MA")
DAY0 = datetime(2026, 10, 1, 12, 0, tzinfo=UTC)  # 08:00 in New York
PLACES = {"Boston": (42.35843, -71.05977), "Cambridge": (42.3751, -71.10561), "Quincy": (42.25288, -71.00227),
          "Brookline": (42.33176, -71.12116), "Salem": (42.51954, -70.89672), "Norwood": (42.19454, -71.1995),
          "Lawrence": (42.70704, -71.16311), "Worcester": (42.26259, -71.80229)}  # fmt: skip


def iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def write_profile(home: Path, *, research_sites: bool | None = None, when_empty: str = "skip") -> Any:
    text = ('email = "nadia@example.org"\ntimezone = "America/New_York"\ndigest_time = "07:30"\n'
            f'digest_when_empty = "{when_empty}"\nroles = ["clinical research coordinator"]\n'
            'work_authorization = "opt"\n')  # fmt: skip
    if research_sites is not None:
        text += f"research_sites = {'true' if research_sites else 'false'}\n"
    text += '[[locations]]\ncity = "Boston"\nstate = "MA"\nradius_miles = 30\n'
    path = home / "profiles" / "nadia.toml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return load_profile(path)


def add_trial(db: Any, facility: str, city: str, nct_id: str, when: datetime, *, phases: tuple[str, ...] = ("PHASE2",),
              sponsor_class: str = "INDUSTRY", contact: bool = True) -> None:  # fmt: skip
    """One recruiting (site, trial) pair as the crawl pipeline stores it."""
    lat, lon = PLACES[city]
    contacts = (Contact("Study Desk", "CONTACT", f"{city.lower()}@sites.example.org", "617-555-0100"),) if contact else ()
    location = Location(facility, "RECRUITING", city, "Massachusetts", None, "United States", lat, lon, contacts)
    study = Study(nct_id, f"Trial {nct_id}", "RECRUITING", phases, ("Asthma",), "Sponsor", sponsor_class, None, None,
                  (location,))  # fmt: skip
    found = sites_in_area(study, BOSTON)
    pairs = [(asdict(site), _trial_columns(asdict(trial))) for site, trial in found.open]
    assert pairs, (facility, city)
    store.upsert(db, pairs, now=iso(when), run_id="test")
    store.record_area(db, {"area_id": BOSTON.id, **BOSTON.to_dict()}, run_id="test", outcome="ok", complete=True,
                      now=iso(when))  # fmt: skip


@pytest.fixture
def db(home: Path):
    database = open_db(paths().ensure().db)
    yield database
    database.conn.close()


def digest(db: Any, when: datetime) -> tuple[Any, str | None]:
    [result] = run_digests(db, paths(), now=when)
    text = None
    if result.state == "sent":
        message = next(m for m in outbox_messages(paths().outbox) if m["Message-ID"] == result.message_id)
        text = text_part(message)
    return result, text


def shown(db: Any, result: Any) -> list[str]:
    return [r["facility"] for r in db.query(
        "SELECT s.facility FROM digest_sites d JOIN digests g ON g.id = d.digest_id JOIN trial_sites s USING (site_id)"
        " WHERE g.message_id = ? ORDER BY d.position", [result.message_id])]  # fmt: skip


def test_first_digest_shows_the_best_five_named_sites_with_source_and_date(home: Path, db: Any) -> None:
    write_profile(home)
    crawl = DAY0 - timedelta(hours=6)
    add_trial(db, "Charles River Clinical Pharmacology Unit", "Quincy", "NCT09300001", crawl, phases=("PHASE1",))
    add_trial(db, "Charles River Clinical Pharmacology Unit", "Quincy", "NCT09300002", crawl, phases=("PHASE1",))
    add_trial(db, "Harborview Clinical Research", "Boston", "NCT09300003", crawl)
    add_trial(db, "Back Bay Dermatology Research", "Boston", "NCT09300004", crawl)
    add_trial(db, "Aisha Rahman, MD", "Brookline", "NCT09300005", crawl)
    add_trial(db, "Fenway Cardiology Research Group", "Boston", "NCT09300006", crawl, sponsor_class="OTHER")
    add_trial(db, "Neponset Valley Research Associates", "Norwood", "NCT09300007", crawl, contact=False)
    add_trial(db, "Research Site", "Cambridge", "NCT09300008", crawl, phases=("PHASE1",))  # unnamed: never shown
    add_trial(db, "Worcester Endocrine Research", "Boston", "NCT09300009", crawl, sponsor_class="OTHER", contact=False)
    result, text = digest(db, DAY0)
    assert result.state == "sent" and result.items == 0
    assert result.subject == "5 research sites near you for nadia (2026-10-01)"
    assert shown(db, result) == ["Charles River Clinical Pharmacology Unit", "Back Bay Dermatology Research",
                                 "Harborview Clinical Research", "Aisha Rahman, MD", "Fenway Cardiology Research Group"]  # fmt: skip
    assert "== Research sites near you (5) ==" in text
    assert "1. Charles River Clinical Pharmacology Unit — Quincy, MA · 7.9 mi" in text
    assert "New site: 2 recruiting trials · 2 phase 1 · 2 industry-sponsored" in text
    assert "contact: Study Desk (contact) · quincy@sites.example.org · 617-555-0100" in text
    assert "https://clinicaltrials.gov/study/NCT09300001" in text and "an investigator's own site" in text
    assert f"Source: {SOURCE_NAME}, retrieved 2026-10-01. Contacts as published there." in text
    assert "research_sites = false in that profile" in text
    assert "Research Site" not in text.replace("Research Sites", "")
    html = html_part(outbox_messages(paths().outbox)[0])
    assert "Research sites near you (5)" in html and SOURCE_NAME in html


def test_only_new_or_growing_sites_and_none_again_within_30_days(home: Path, db: Any) -> None:
    write_profile(home)
    add_trial(db, "Harborview Clinical Research", "Boston", "NCT09300010", DAY0 - timedelta(hours=6))
    first, _ = digest(db, DAY0)
    assert shown(db, first) == ["Harborview Clinical Research"]
    nothing, _ = digest(db, DAY0 + timedelta(days=1))  # nothing new at all: no message
    assert nothing.state == "nothing"
    day2 = DAY0 + timedelta(days=2)
    add_trial(db, "Harborview Clinical Research", "Boston", "NCT09300011", day2 - timedelta(hours=3))  # grows
    add_trial(db, "Salem Family Research", "Salem", "NCT09300012", day2 - timedelta(hours=3))  # a new site
    second, text = digest(db, day2)
    assert shown(db, second) == ["Salem Family Research"]  # Harborview was shown 2 days ago
    assert "New site: 1 recruiting trial" in text
    day40 = DAY0 + timedelta(days=40)
    add_trial(db, "Harborview Clinical Research", "Boston", "NCT09300013", day40 - timedelta(hours=3))
    third, text = digest(db, day40)
    assert shown(db, third) == ["Harborview Clinical Research"]  # shown 40 days ago, growing again
    assert "1 new recruiting trial (3 in all)" in text


def test_shown_again_within_30_days_when_its_employer_posts_a_job(home: Path, db: Any) -> None:
    write_profile(home)
    add_trial(db, "Harborview Clinical Research", "Boston", "NCT09300020", DAY0 - timedelta(hours=6))
    add_postings(db, [{"id": "1", "title": "Clinical Research Coordinator I"}], now=iso(DAY0 - timedelta(days=3)))
    link_facility_dataset(db, "ctgov", store.facility_names(db), [("Harborview Clinical Research", "site_network")])
    first, text = digest(db, DAY0)
    assert shown(db, first) == ["Harborview Clinical Research"]
    assert ("Employer: Harborview Clinical Research — we crawl its board (greenhouse:harborviewresearch):"
            " 1 open research job") in text
    day5 = DAY0 + timedelta(days=5)
    add_trial(db, "Harborview Clinical Research", "Boston", "NCT09300021", day5 - timedelta(hours=3))
    quiet, _ = digest(db, day5)
    assert quiet.state == "nothing"  # growing, but shown 5 days ago and no new posting
    day6 = DAY0 + timedelta(days=6)
    add_trial(db, "Harborview Clinical Research", "Boston", "NCT09300022", day6 - timedelta(hours=3))
    add_postings(db, [{"id": "2", "title": "Clinical Research Assistant", "role_family": "clinical_research_assistant"}],
                 now=iso(day6 - timedelta(hours=2)))  # fmt: skip
    again, text = digest(db, day6)
    assert shown(db, again) == ["Harborview Clinical Research"]
    assert "2 open research jobs" in text


def test_profile_can_turn_the_section_off_and_jobs_still_go_out(home: Path, db: Any) -> None:
    write_profile(home, research_sites=False)
    add_trial(db, "Harborview Clinical Research", "Boston", "NCT09300030", DAY0 - timedelta(hours=6))
    off, _ = digest(db, DAY0)
    assert off.state == "nothing"
    assert db.execute("SELECT COUNT(*) FROM digest_sites").fetchone()[0] == 0
    write_profile(home, research_sites=True)
    dry = run_digests(db, paths(), now=DAY0, dry_run=True)[0]
    assert dry.state == "dry-run" and "Harborview Clinical Research — Boston, MA · 0.0 mi" in dry.preview
    assert db.execute("SELECT COUNT(*) FROM digest_sites").fetchone()[0] == 0  # a dry run writes nothing


def test_hostile_site_names_and_contacts_are_inert(home: Path, db: Any) -> None:
    write_profile(home)
    add_trial(db, '<script>alert(1)</script><img src=x onerror=alert(2)> Clinic', "Boston", "NCT09300040",
              DAY0 - timedelta(hours=6))  # fmt: skip
    result, _text = digest(db, DAY0)
    assert result.state == "sent"
    html = html_part(outbox_messages(paths().outbox)[0])
    assert_inert(html)
    assert "&lt;script&gt;" in html
