"""Every `jobs` filter against the fixture database, whose answers are known by construction.

See tests/data/query/fixture_db.py for what each posting is there to prove.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from data.query.fixture_db import build

from researchjobs.explore.filters import FilterError, FilterOptions, build_filter, unknown_values
from researchjobs.explore.places import PlaceError, locate
from researchjobs.storage.db import open_db
from researchjobs.storage.queries import (
    JobFilter,
    Near,
    PostingLookupError,
    count_jobs,
    find_posting,
    haversine_miles,
    search_jobs,
)

BOSTON = (42.35843, -71.05977)
OPEN = {"crc_boston", "crc_boston_dup", "crc_cambridge", "ra_worcester", "crc_nyc_mid", "dc_remote",
        "ra_houston_senior", "xss"}  # fmt: skip


@pytest.fixture(scope="module")
def fixture(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[object, dict[str, str]]]:
    path = tmp_path_factory.mktemp("query") / "fixture.db"
    keys = build(path)
    db = open_db(path)
    yield db, keys
    db.conn.close()


def names(fixture: tuple[object, dict[str, str]], flt: JobFilter) -> set[str]:
    db, keys = fixture
    by_key = {v: k for k, v in keys.items()}
    return {by_key[r["key"]] for r in search_jobs(db, flt)}


def run(fixture: tuple[object, dict[str, str]], **options: object) -> set[str]:
    return names(fixture, build_filter(FilterOptions(**options), limit=None))


def test_no_filter_lists_open_postings_only(fixture) -> None:
    assert run(fixture) == OPEN
    assert run(fixture, include_closed=True) == OPEN | {"crc_providence_closed"}


@pytest.mark.parametrize(
    "role, expected",
    [
        ("crc", {"crc_boston", "crc_boston_dup", "crc_cambridge", "crc_nyc_mid"}),
        ("crc,research_assistant", {"crc_boston", "crc_boston_dup", "crc_cambridge", "crc_nyc_mid", "ra_worcester",
                                    "ra_houston_senior"}),
        ("Research-Assistant", {"ra_worcester", "ra_houston_senior"}),  # spelled as people type it
        (" data coordinator ", {"dc_remote"}),
        ("crx", set()),
    ],
)  # fmt: skip
def test_role(fixture, role: str, expected: set[str]) -> None:
    assert run(fixture, role=role) == expected


def test_level(fixture) -> None:
    assert run(fixture, level="mid,senior") == {"crc_nyc_mid", "ra_houston_senior"}
    assert run(fixture, role="crc", level="entry") == {"crc_boston", "crc_boston_dup", "crc_cambridge"}


def test_state(fixture) -> None:
    assert run(fixture, state="ma") == {"crc_boston", "crc_boston_dup", "crc_cambridge", "ra_worcester"}
    assert run(fixture, state="NY,TX") == {"crc_nyc_mid", "dc_remote", "ra_houston_senior"}
    assert run(fixture, state="RI", include_closed=True) == {"crc_providence_closed", "xss"}
    with pytest.raises(FilterError, match="two-letter"):
        run(fixture, state="Massachusetts")


def test_near_within(fixture) -> None:
    assert run(fixture, near="Boston, MA", within=50) == {"crc_boston", "crc_boston_dup", "crc_cambridge",
                                                          "ra_worcester"}  # fmt: skip
    assert run(fixture, near="Boston, MA", within=50, include_closed=True) >= {"crc_providence_closed"}
    assert run(fixture, near="Boston, MA") == {"crc_boston", "crc_boston_dup", "crc_cambridge"}  # default 25 mi
    assert run(fixture, near="Boston, MA", within=1) == {"crc_boston", "crc_boston_dup"}
    assert run(fixture, near="boston ma", within=3) == {"crc_boston", "crc_boston_dup", "crc_cambridge"}
    assert run(fixture, near="40.71,-74.00", within=5) == {"crc_nyc_mid"}
    assert run(fixture, near="Boston, MA", within=200) >= {"crc_nyc_mid"}  # 190 miles
    assert "dc_remote" not in run(fixture, near="Houston, TX", within=3000)  # no coordinates, no distance


def test_near_rows_carry_miles_and_respect_the_circle_not_just_the_box(fixture) -> None:
    db, _keys = fixture
    flt = JobFilter(near=Near(*BOSTON, 40.0), limit=None)
    rows = search_jobs(db, flt)
    assert sorted(r["miles"] for r in rows) == [0.0, 0.0, 2.6, 38.5]
    # Worcester (38.5 mi) lies inside the 38-mile bounding box but outside the 38-mile circle.
    assert {r["city"] for r in search_jobs(db, JobFilter(near=Near(*BOSTON, 38.0), limit=None))} == {"Boston", "Cambridge"}


def test_haversine_known_distance() -> None:
    assert haversine_miles(*BOSTON, 40.71427, -74.00597) == pytest.approx(190.0, abs=1.0)
    assert haversine_miles(None, 0, 0, 0) is None


def test_bounding_box_across_the_antimeridian() -> None:
    near = Near(52.0, 179.9, 50.0)
    lat_lo, lat_hi, _lon_lo, lon_hi = near.bounding_box()
    assert lat_lo < 52.0 < lat_hi and lon_hi > 180
    assert haversine_miles(52.0, 179.9, 52.0, -179.9) < 50


def test_near_errors() -> None:
    with pytest.raises(PlaceError, match="add the state"):
        locate("Portland", 10)
    with pytest.raises(PlaceError, match="positive"):
        locate("Boston, MA", 0)
    with pytest.raises(PlaceError, match="±90"):
        locate("123,45", 10)
    with pytest.raises(FilterError, match="--within needs --near"):
        build_filter(FilterOptions(within=10))


def test_remote(fixture) -> None:
    assert run(fixture, remote=True) == {"dc_remote"}


@pytest.mark.parametrize(
    "visa, expected",
    [
        ("not-refused", OPEN - {"ra_worcester", "ra_houston_senior"}),
        ("possible", {"crc_boston", "crc_nyc_mid"}),
        ("refused", {"ra_worcester", "ra_houston_senior"}),
        ("unknown", {"crc_boston_dup", "crc_cambridge", "dc_remote", "xss"}),
        ("NOT_REFUSED", OPEN - {"ra_worcester", "ra_houston_senior"}),
    ],
)
def test_visa(fixture, visa: str, expected: set[str]) -> None:
    assert run(fixture, visa=visa) == expected


def test_visa_bad_value(fixture) -> None:
    with pytest.raises(FilterError, match="--visa must be one of"):
        run(fixture, visa="yes")


def test_cap_exempt(fixture) -> None:
    # likely or possible; unlikely (NYC site network) and unknown are left out.
    assert run(fixture, cap_exempt=True) == {"crc_boston", "crc_boston_dup", "crc_cambridge", "ra_worcester",
                                             "ra_houston_senior"}  # fmt: skip


def test_max_experience(fixture) -> None:
    # Postings that state no requirement count as open to a new graduate.
    assert run(fixture, max_experience=0) == OPEN - {"crc_cambridge", "ra_worcester", "crc_nyc_mid", "ra_houston_senior"}
    assert run(fixture, max_experience=12) == OPEN - {"crc_nyc_mid", "ra_houston_senior"}
    with pytest.raises(FilterError):
        run(fixture, max_experience=-1)


def test_salary_min(fixture) -> None:
    # Annual pay reaching the floor; postings without pay are left out.
    assert run(fixture, salary_min=45000) == {"crc_boston", "ra_worcester", "crc_nyc_mid"}
    assert run(fixture, salary_min=60000) == {"crc_boston", "crc_nyc_mid"}
    assert run(fixture, salary_min=70000) == {"crc_nyc_mid"}
    assert run(fixture, salary_min=100000) == set()


def test_employer_type(fixture) -> None:
    assert run(fixture, employer_type="university") == {"crc_boston", "crc_boston_dup", "ra_worcester"}
    assert run(fixture, employer_type="hospital,research institute") == {"ra_houston_senior", "crc_cambridge"}


def test_employer_and_since(fixture) -> None:
    assert run(fixture, employer="bayou") == {"dc_remote", "ra_houston_senior"}
    assert run(fixture, since="7d") == {"crc_boston", "crc_boston_dup", "crc_cambridge", "crc_nyc_mid", "xss"}
    assert run(fixture, since="36h") == {"crc_nyc_mid"}
    with pytest.raises(FilterError, match="--since"):
        run(fixture, since="last week")


def test_filters_combine_with_and(fixture) -> None:
    got = run(fixture, role="crc,research_assistant", level="entry", near="Boston, MA", within=50,
              visa="not-refused", cap_exempt=True, max_experience=12)  # fmt: skip
    assert got == {"crc_boston", "crc_boston_dup", "crc_cambridge"}
    assert run(fixture, q="oncology", state="NY") == {"crc_nyc_mid"}
    assert run(fixture, q="oncology", salary_min=55000, near="Boston, MA", within=10) == {"crc_boston"}


def test_keys_restrict_to_a_given_set(fixture) -> None:
    _db, keys = fixture
    assert names(fixture, JobFilter(keys=[keys["dc_remote"], keys["crc_providence_closed"]])) == {"dc_remote"}
    assert names(fixture, JobFilter(keys=[])) == set()


def test_order_newest_first_and_limit_and_count(fixture) -> None:
    db, keys = fixture
    rows = search_jobs(db, JobFilter(limit=2))
    assert rows[0]["key"] == keys["crc_nyc_mid"]  # first seen a day ago
    assert len(rows) == 2
    assert count_jobs(db, JobFilter(limit=2)) == len(OPEN)


def test_unknown_values_notes(fixture) -> None:
    db, _keys = fixture
    notes = unknown_values(db, build_filter(FilterOptions(role="crx,crc", state="ZZ", employer_type="castle")))
    assert any("--role crx" in n and "crc" in n for n in notes)
    assert any("--state ZZ" in n for n in notes)
    assert any("--employer-type castle" in n for n in notes)
    assert unknown_values(db, build_filter(FilterOptions(role="crc"))) == []


def test_find_posting_by_prefix(fixture) -> None:
    db, keys = fixture
    assert find_posting(db, keys["dc_remote"][:6])["title"] == "Clinical Data Coordinator"
    assert find_posting(db, keys["dc_remote"].upper())["key"] == keys["dc_remote"]
    with pytest.raises(PostingLookupError, match="no posting"):
        find_posting(db, "ffffffffffffffff0")
    with pytest.raises(PostingLookupError, match="not a posting id"):
        find_posting(db, "x' OR 1=1 --")
    with pytest.raises(PostingLookupError, match="ambiguous"):
        find_posting(db, _shared_prefix(keys))


def _shared_prefix(keys: dict[str, str]) -> str:
    """A one-character prefix that at least two fixture keys share."""
    firsts = [k[0] for k in keys.values()]
    return next(c for c in firsts if firsts.count(c) > 1)


def test_fixture_database_is_a_real_researchjobs_database(tmp_path: Path) -> None:
    keys = build(tmp_path / "again.db")
    db = open_db(tmp_path / "again.db")
    try:
        assert db["postings"].count == len(keys)
        assert db.execute("SELECT COUNT(*) FROM posting_history WHERE change = 'closed'").fetchone()[0] == 1
    finally:
        db.conn.close()
