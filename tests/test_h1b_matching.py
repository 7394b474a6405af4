"""The H-1B record in matching and digests: the sponsor_history component, the
require_sponsor_history gate, incremental rescoring after an import, the line in items."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from data.h1b.lca_files import LCA_FY2024, OTHER_TITLES, RESEARCH_TITLES, lca_row, write_csv
from test_matcher_support import insert, key_of, record

from researchjobs.digest.render import DigestView, render_html, render_text
from researchjobs.digest.select import choose
from researchjobs.h1b.importer import import_file
from researchjobs.h1b.record import CAVEAT
from researchjobs.h1b.records import refresh
from researchjobs.matcher import Profile, run_matching, top_matches
from researchjobs.matcher.profiles import parse_profile
from researchjobs.storage import digests
from researchjobs.storage.db import open_db

T0, T1, T2 = "2026-11-10T08:00:00Z", "2026-11-11T08:00:00Z", "2026-11-12T08:00:00Z"
BOSTON = [{"city": "Boston", "state": "MA", "radius_miles": 30}]
#: Employers as postings name them, and what each filed.
RESEARCHER = ("Beacon Hill University", "04-1111111", "611310", "Boston", "MA")
OLD_FILER = ("Back Bay Medical Center, Inc.", "04-2222222", "622110", "Boston", "MA")
REGISTRY = [("Beacon Hill University", "university"), ("Back Bay Medical Center", "health_system"),
            ("Charles River Trials", "site_network")]  # fmt: skip


def person(**fields: object) -> Profile:
    base: dict = {"name": "amina", "roles": ["clinical research coordinator"], "locations": BOSTON,
                  "work_authorization": "needs_h1b"}
    base.update(fields)
    return Profile(**base)


def lca_file(folder: Path) -> list[Path]:
    """FY2024 filings: the university files for research titles; the medical center filed
    only in FY2021 (an older file); the trials company never."""
    rng = random.Random(11)
    recent = [lca_row(LCA_FY2024, n, fy=2024, quarter=2, rng=rng, employer=RESEARCHER,
                      title=RESEARCH_TITLES[0], status="Certified") for n in range(3)]  # fmt: skip
    recent.append(lca_row(LCA_FY2024, 3, fy=2024, quarter=2, rng=rng, employer=RESEARCHER, title=OTHER_TITLES[0],
                          status="Certified"))  # fmt: skip
    old = [lca_row(LCA_FY2024, 10, fy=2021, quarter=1, rng=rng, employer=OLD_FILER, title=OTHER_TITLES[2],
                   status="Certified")]  # fmt: skip
    return [write_csv(folder / "LCA_Disclosure_Data_FY2024_Q2.csv", LCA_FY2024, recent),
            write_csv(folder / "LCA_Disclosure_Data_FY2021_Q1.csv", LCA_FY2024, old)]


@pytest.fixture
def db(tmp_path: Path):
    database = open_db(tmp_path / "match.db")
    insert(database, [
        record("uni", employer="Beacon Hill University"),
        record("bay", employer="Back Bay Medical Center", cap_exempt="possible"),
        record("crt", employer="Charles River Trials", cap_exempt="unlikely"),
    ], now=T0)  # fmt: skip
    yield database
    database.conn.close()


def components(db, profile: str = "amina") -> dict[str, dict]:
    return {r["key"]: r for r in top_matches(db, profile, limit=20, include_ineligible=True)}


def imported(db, tmp_path: Path) -> None:
    for path in lca_file(tmp_path):
        import_file(db, path)
    refresh(db, REGISTRY)


def test_no_component_before_any_import(db) -> None:
    run_matching(db, person(), now=T1)
    rows = components(db)
    assert all("sponsor_history" not in r["components"] for r in rows.values())
    assert all(r["sponsor_line"] is None for r in rows.values())


def test_component_orders_employers_by_their_record(db, tmp_path: Path) -> None:
    imported(db, tmp_path)
    run_matching(db, person(), now=T1)
    rows = components(db)
    points = {k: rows[key_of(k)]["components"]["sponsor_history"] for k in ("uni", "bay", "crt")}
    assert points["uni"] > points["bay"] > points["crt"] > 0
    reasons = {k: rows[key_of(k)]["reasons"] for k in ("uni", "bay", "crt")}
    assert "+ files H-1B LCAs for research titles (FY2024)" in reasons["uni"]
    assert "− last H-1B filing in FY2021" in reasons["bay"]
    assert "− no H-1B filing found for this employer in the imported data" in reasons["crt"]
    assert rows[key_of("uni")]["sponsor_line"] == (
        "H-1B: 4 certified H-1B LCAs in FY2024, 3 for research titles, "
        "e.g. Clinical Research Coordinator, Level I $52k (DOL LCA data)")
    assert rows[key_of("crt")]["sponsor_line"] == (
        "H-1B: no H-1B LCA found for this employer in the imported DOL data (FY2021–FY2024)")


def test_people_who_need_no_sponsorship_get_no_component(db, tmp_path: Path) -> None:
    imported(db, tmp_path)
    run_matching(db, person(work_authorization="green_card"), now=T1)
    assert all("sponsor_history" not in r["components"] for r in components(db).values())


def test_gate_hides_employers_without_recent_filings(db, tmp_path: Path) -> None:
    imported(db, tmp_path)
    run_matching(db, person(require_sponsor_history=True, sponsor_history_years=3), now=T1)
    rows = components(db)
    assert rows[key_of("uni")]["eligible"]
    for pid, why in (("bay", "its last was in FY2021"), ("crt", "none was found")):
        (gate,) = rows[key_of(pid)]["gates"]
        assert gate["gate"] == "sponsor_history"
        assert gate["reason"] == (f"no H-1B filing by this employer in FY2022–FY2024 of the imported data ({why});"
                                  " require_sponsor_history = true")  # fmt: skip
    run_matching(db, person(require_sponsor_history=True, sponsor_history_years=4), now=T2)
    assert components(db)[key_of("bay")]["eligible"]  # FY2021 is within four years of FY2024


def test_import_rescores_incrementally(db, tmp_path: Path) -> None:
    first = run_matching(db, person(), now=T1)
    assert first.mode == "full"
    imported(db, tmp_path)
    second = run_matching(db, person(), now=T2)
    assert second.mode == "incremental" and second.considered == 3
    assert "sponsor_history" in components(db)[key_of("uni")]["components"]


def test_digest_items_carry_the_line_and_the_caveat(db, tmp_path: Path) -> None:
    imported(db, tmp_path)
    profile = person()
    run_matching(db, profile, now=T1)
    items = choose(digests.preview(db, "amina", "2026-11-11").candidates, profile, 10)
    lines = {i.employer: i.sponsor for i in items}
    assert lines["Beacon Hill University"].startswith("H-1B: 4 certified H-1B LCAs in FY2024")
    view = DigestView(profile="amina", local_date="2026-11-11", items=items, profile_path="amina.toml")
    text, html = render_text(view), render_html(view)
    assert lines["Beacon Hill University"] in text and CAVEAT in text
    assert "H-1B: 4 certified H-1B LCAs in FY2024" in html


def test_profile_fields_are_validated(tmp_path: Path) -> None:
    text = ('roles = ["crc"]\nwork_authorization = "needs_h1b"\nrequire_sponsor_history = true\n'
            "sponsor_history_years = 2\n")  # fmt: skip
    profile = parse_profile(text, tmp_path / "p.toml", check_places=False)
    assert (profile.require_sponsor_history, profile.sponsor_history_years) == (True, 2)
    with pytest.raises(Exception, match="sponsor_history_years"):
        parse_profile(text.replace("= 2", "= 0"), tmp_path / "p.toml", check_places=False)
