"""run_matching and top_matches on a real SQLite file: incremental runs, full rematches, storage."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from test_matcher_support import CLOSED_SOURCE, insert, insert_closed, key_of, record

from researchjobs.matcher import Profile, run_matching, run_matching_many, top_matches
from researchjobs.storage import matches as matches_store
from researchjobs.storage.db import open_db
from researchjobs.storage.matches import change_watermark as store_watermark
from researchjobs.storage.postings import update_facts

T0, T1, T2, T3, T4, T5 = (f"2026-11-{d:02d}T08:00:00Z" for d in (10, 11, 12, 13, 14, 15))
BOSTON = [{"city": "Boston", "state": "MA", "radius_miles": 30}]


def person(name: str = "amina", **fields: object) -> Profile:
    base: dict = {"name": name, "roles": ["clinical research coordinator"], "locations": BOSTON,
                  "work_authorization": "needs_h1b"}
    base.update(fields)
    return Profile(**base)


def five() -> list[dict]:
    return [
        record("a"),
        record("b", title="Clinical Research Coordinator - Oncology", experience_required_months=12),
        record("c", title="Clinical Research Assistant", role_family="clinical_research_assistant"),
        record("d", title="Study Coordinator", visa="explicit_no"),
        record("e", title="Software Engineer", role_family="other"),
    ]


@pytest.fixture(params=["change_seq", "timestamps"])
def db(request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """Every run test twice: with storage's change_seq watermark, and with the timestamp
    fallback the matcher uses on a database without that column."""
    database = open_db(tmp_path / "match.db")
    if request.param == "timestamps":
        monkeypatch.setattr(matches_store, "change_watermark", lambda _db: None)
    elif store_watermark(database) is None:
        pytest.skip("this storage has no postings.change_seq")
    database.mode = request.param
    yield database
    database.conn.close()


def rows_of(db, profile: str) -> dict[str, dict]:
    cursor = db.conn.execute("SELECT * FROM matches WHERE profile = ?", [profile])
    names = [d[0] for d in cursor.description]
    return {r[1]: dict(zip(names, r, strict=True)) for r in cursor}


def test_first_run_is_full_and_stores_gated_rows_as_ineligible(db) -> None:
    insert(db, five(), now=T0)
    summary = run_matching(db, person(), now=T1)
    assert (summary.mode, summary.why) == ("full", "first run")
    assert summary.considered == 5 and summary.candidates == 4  # the software job is not a candidate
    stored = rows_of(db, "amina")
    assert set(stored) == {key_of(p) for p in "abcd"}
    gated = stored[key_of("d")]
    assert gated["eligible"] == 0
    assert json.loads(gated["gates"])[0]["gate"] == "sponsorship"
    assert all(r["matched_at"] == T1 == r["first_matched_at"] for r in stored.values())
    state = db.conn.execute("SELECT profile_hash, last_run_at, last_full_at FROM match_runs").fetchone()
    assert state[1] == T1 and state[2] == T1


def test_second_run_touches_only_new_and_changed_postings(db) -> None:
    insert(db, five(), now=T0)
    run_matching(db, person(), now=T1)
    assert run_matching(db, person(), now=T2).considered == 0
    changed = five()
    changed[1]["title"] = "Clinical Research Coordinator II - Oncology"
    changed[1]["role_level"] = "mid"
    insert(db, [*changed, record("f", title="Clinical Research Coordinator I - Neurology")], now=T3)
    summary = run_matching(db, person(), now=T4)
    assert summary.mode == "incremental"
    assert summary.considered == 2  # b changed, f is new; a, c, d, e only had last_seen touched
    stored = rows_of(db, "amina")
    assert {k for k, r in stored.items() if r["scored_at"] == T4} == {key_of("b"), key_of("f")}
    assert stored[key_of("a")]["scored_at"] == T1
    assert stored[key_of("b")]["matched_at"] == T4 and stored[key_of("b")]["first_matched_at"] == T1
    assert stored[key_of("b")]["posting_changed_at"] == T3


def test_profile_edit_forces_full_rematch_but_email_does_not(db) -> None:
    insert(db, five(), now=T0)
    run_matching(db, person(), now=T1)
    assert run_matching(db, person(email="a@example.org", digest_time="09:00"), now=T2).mode == "incremental"
    summary = run_matching(db, person(languages=["Spanish"]), now=T3)
    assert (summary.mode, summary.why, summary.considered) == ("full", "profile or scoring changed", 5)
    stored = rows_of(db, "amina")
    assert all(r["scored_at"] == T3 for r in stored.values())
    # unchanged results keep their matched_at, so they do not come back as "new" in a digest
    assert all(r["matched_at"] == T1 for r in stored.values())


def test_roles_edit_removes_rows_that_are_no_longer_candidates(db) -> None:
    insert(db, five(), now=T0)
    run_matching(db, person(), now=T1)
    summary = run_matching(db, person(roles=["software engineer"]), now=T2)
    assert summary.removed == 4
    assert set(rows_of(db, "amina")) == {key_of("e")}


def test_closed_postings_become_ineligible_and_reopen(db) -> None:
    recs = [record("x"), record("y", title="Clinical Research Assistant", role_family="clinical_research_assistant")]
    insert_closed(db, recs, opened=T0, closed=T0)  # closed in the same moment: no rows ever
    from researchjobs.storage.postings import close_missing

    insert(db, recs, now=T0, source=CLOSED_SOURCE)  # reopen both
    run_matching(db, person(), now=T1)
    assert all(r["eligible"] for r in rows_of(db, "amina").values())
    close_missing(db, CLOSED_SOURCE, [key_of("y", CLOSED_SOURCE)], now=T2, run_id="r2")  # x disappears
    summary = run_matching(db, person(), now=T3)
    assert summary.considered == 1
    row = rows_of(db, "amina")[key_of("x", CLOSED_SOURCE)]
    assert row["eligible"] == 0 and row["matched_at"] == T3
    assert json.loads(row["gates"]) == [{"gate": "closed", "reason": "no longer listed by the employer (closed 2026-11-12)"}]
    assert top_matches(db, "amina", limit=10)[0]["key"] == key_of("y", CLOSED_SOURCE)
    insert(db, recs, now=T4, source=CLOSED_SOURCE)  # listed again: reopened, content unchanged
    summary = run_matching(db, person(), now=T5)
    assert summary.considered == 1
    assert rows_of(db, "amina")[key_of("x", CLOSED_SOURCE)]["eligible"] == 1


def test_re_enrichment_is_seen(db) -> None:
    insert(db, five(), now=T0)
    run_matching(db, person(), now=T1)
    facts = {k: v for k, v in record("b").items() if k not in ("id", "title", "employer", "date_published")}
    facts.update(visa="explicit_no", enrich_version="test-2", facts_json="{}")
    update_facts(db, {key_of("b"): facts})  # rewrites facts without touching changed_at
    summary = run_matching(db, person(), now=T2)
    if db.mode == "change_seq":  # storage raised change_seq: an ordinary incremental run
        assert (summary.mode, summary.considered) == ("incremental", 1)
    else:  # no timestamp moved: the new enrichment version forces a full rematch
        assert (summary.mode, summary.why) == ("full", "postings were re-enriched")
    assert rows_of(db, "amina")[key_of("b")]["eligible"] == 0
    assert run_matching(db, person(), now=T3).mode == "incremental"


def test_full_flag(db) -> None:
    insert(db, five(), now=T0)
    run_matching(db, person(), now=T1)
    assert run_matching(db, person(), full=True, now=T2).why == "asked for a full rematch"


def test_excluded_keyword_through_full_text_search(db) -> None:
    recs = five()
    recs[0]["description"] = "Rotating night shift coverage of the overnight sleep study unit."
    insert(db, recs, now=T0)
    run_matching(db, person(exclude_keywords=["night shift", 'odd "quote']), now=T1)
    row = rows_of(db, "amina")[key_of("a")]
    assert json.loads(row["gates"]) == [{"gate": "keyword", "reason": "mentions 'night shift' (exclude_keywords)"}]


def test_row_limits_per_run(db) -> None:
    recs = [record(f"p{i}", date_published=f"2026-10-{10 + i:02d}T00:00:00Z") for i in range(12)]
    recs += [record(f"g{i}", visa="explicit_no") for i in range(5)]
    insert(db, recs, now=T0)
    summary = run_matching_many(db, [person()], now=T1, max_eligible=4, max_ineligible=2)[0]
    assert (summary.stored, summary.eligible, summary.ineligible, summary.not_stored) == (6, 4, 2, 11)
    newest = {key_of(f"p{i}") for i in range(8, 12)}
    assert {k for k, r in rows_of(db, "amina").items() if r["eligible"]} == newest  # recency breaks the tie


def test_many_profiles_in_one_pass_equal_one_at_a_time(tmp_path: Path) -> None:
    people = [person("one"), person("two", work_authorization="citizen", languages=["Spanish"]),
              person("three", locations=[], roles=["research assistant"])]  # fmt: skip
    recs = [*five(), record("s", languages='["Spanish"]', citizenship_required=1)]
    results = []
    for together in (True, False):
        db = open_db(tmp_path / f"{together}.db")
        insert(db, recs, now=T0)
        if together:
            run_matching_many(db, people, now=T1)
        else:
            for p in people:
                run_matching(db, p, now=T1)
        results.append({p.name: [(r["key"], r["score"], r["eligible"], r["reasons"]) for r in
                                 top_matches(db, p.name, limit=50, include_ineligible=True)] for p in people})
        db.conn.close()
    assert results[0] == results[1]


def test_top_matches_shape_order_since_and_clusters(db) -> None:
    recs = five()
    recs[2]["languages"] = '["Spanish"]'
    insert(db, recs, now=T0)
    run_matching(db, person(languages=["Spanish"]), now=T1)
    rows = top_matches(db, "amina", limit=10)
    assert [r["eligible"] for r in rows] == [True, True, True]
    assert rows == sorted(rows, key=lambda r: -r["score"])
    first = rows[0]
    for name in ("title", "employer", "url", "location_raw", "city", "state", "remote", "salary_annual_min",
                 "date_published", "role_family", "role_level", "visa", "cap_exempt", "cluster_id",
                 "experience_required_months", "certifications_required", "languages", "score", "gates",
                 "reasons", "components", "matched_at", "posting_changed_at"):  # fmt: skip
        assert name in first, name
    assert isinstance(first["reasons"], list) and isinstance(first["components"], dict)
    assert isinstance(first["languages"], list)
    everything = top_matches(db, "amina", limit=10, include_ineligible=True)
    assert [r["eligible"] for r in everything] == [True, True, True, False]
    assert top_matches(db, "amina", limit=2)[1] == rows[1]
    assert top_matches(db, "amina", since=T2) == []
    # two postings of one job (one dedupe cluster) take one place
    db.conn.execute("UPDATE postings SET cluster_id = ? WHERE key IN (?, ?)", [key_of("a"), key_of("a"), key_of("b")])
    keys = [r["key"] for r in top_matches(db, "amina")]
    assert len(keys) == 2 and not {key_of("a"), key_of("b")} <= set(keys)
    assert len(top_matches(db, "amina", one_per_cluster=False)) == 3


def test_no_profiles_and_empty_database(db) -> None:
    assert run_matching_many(db, []) == []
    summary = run_matching(db, person())
    assert summary.considered == 0 and summary.stored == 0
    assert top_matches(db, "amina") == []


def test_switch_from_timestamps_to_change_seq(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    database = open_db(tmp_path / "switch.db")
    if store_watermark(database) is None:
        pytest.skip("this storage has no postings.change_seq")
    insert(database, five(), now=T0)
    with monkeypatch.context() as patch:
        patch.setattr(matches_store, "change_watermark", lambda _db: None)
        run_matching(database, person(), now=T1)  # recorded without a watermark
    insert(database, [record("f", title="Clinical Research Coordinator I - Neurology")], now=T2)
    second = run_matching(database, person(), now=T3)
    assert second.mode == "incremental" and "change_seq" not in second.why and second.considered == 1
    insert(database, [record("g", title="Clinical Research Assistant")], now=T4)
    third = run_matching(database, person(), now=T5)
    assert "change_seq >" in third.why and third.considered == 1
    database.conn.close()


def test_rows_of_long_closed_postings_are_pruned(db) -> None:
    recs = [record("x"), record("y", title="Clinical Research Assistant", role_family="clinical_research_assistant")]
    insert(db, recs, now=T0, source=CLOSED_SOURCE)
    run_matching(db, person(), now=T1)
    from researchjobs.storage.postings import close_missing

    close_missing(db, CLOSED_SOURCE, [key_of("y", CLOSED_SOURCE)], now=T2, run_id="r2")
    run_matching(db, person(), now=T3)
    assert key_of("x", CLOSED_SOURCE) in rows_of(db, "amina")  # recently closed: kept, gated "closed"
    run_matching(db, person(), now="2026-12-30T08:00:00Z")
    assert set(rows_of(db, "amina")) == {key_of("y", CLOSED_SOURCE)}
