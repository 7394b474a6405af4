"""Ranking quality on the hand-labelled relevance set (tests/data/relevance/).

Three IMG personas × 86 postings, graded 0/1/2 by hand (see make_postings.py there). The
postings go into a real SQLite file through upsert_rows / close_missing, each persona is
matched with the real run_matching, and the top ten are compared with the grades.
Precision@10 and nDCG@10 are printed for every run.
"""

from __future__ import annotations

import math
from pathlib import Path

import pytest
from test_matcher_support import (
    CLOSED_SOURCE,
    NOW,
    RELEVANCE,
    SOURCE,
    insert,
    insert_closed,
    key_of,
    load_relevance,
)

from researchjobs.matcher import load_profile, run_matching, top_matches
from researchjobs.storage.db import open_db

PERSONAS = ("boston_h1b", "ead_remote", "texas_spanish")


def ndcg_at(grades_ranked: list[int], all_grades: list[int], k: int = 10) -> float:
    def dcg(values: list[int]) -> float:
        return sum((2**g - 1) / math.log2(i + 2) for i, g in enumerate(values[:k]))

    ideal = dcg(sorted(all_grades, reverse=True))
    return dcg(grades_ranked) / ideal if ideal else 0.0


@pytest.fixture(scope="module")
def matched(tmp_path_factory: pytest.TempPathFactory) -> tuple[object, dict[str, dict]]:
    db = open_db(tmp_path_factory.mktemp("relevance") / "relevance.db")
    records = load_relevance()
    open_records = [r for r in records if not r["closed"]]
    closed_records = [r for r in records if r["closed"]]
    insert(db, open_records, now="2026-11-19T06:00:00Z")
    insert_closed(db, closed_records, opened="2026-10-01T06:00:00Z", closed="2026-11-10T06:00:00Z")
    by_key = {key_of(r["id"]): r for r in open_records}
    by_key.update({key_of(r["id"], CLOSED_SOURCE): r for r in closed_records})
    for persona in PERSONAS:
        run_matching(db, load_profile(RELEVANCE / "profiles" / f"{persona}.toml"), now=NOW)
    return db, by_key


def test_relevance_set_is_large_enough() -> None:
    records = load_relevance()
    assert len(records) >= 60
    for persona in PERSONAS:
        assert sum(1 for r in records if r["grades"][persona] > 0) >= 10
        assert all(r["grades"][persona] == 0 for r in records if persona in r["gated_for"])
    assert SOURCE != CLOSED_SOURCE


@pytest.mark.parametrize("persona", PERSONAS)
def test_precision_and_ndcg_at_10(matched: tuple, persona: str, capsys: pytest.CaptureFixture[str]) -> None:
    db, by_key = matched
    top = top_matches(db, persona, limit=10)
    grades = [by_key[row["key"]]["grades"][persona] for row in top]
    every = [r["grades"][persona] for r in by_key.values()]
    precision = sum(1 for g in grades if g > 0) / 10
    ndcg = ndcg_at(grades, every)
    with capsys.disabled():
        print(f"\n[relevance] {persona}: precision@10 = {precision:.2f}, nDCG@10 = {ndcg:.3f}, grades {grades}")
    assert len(top) == 10
    assert precision >= 0.8, [(row["title"], row["score"], g) for row, g in zip(top, grades, strict=True)]


@pytest.mark.parametrize("persona", PERSONAS)
def test_gated_postings_never_eligible(matched: tuple, persona: str) -> None:
    db, by_key = matched
    rows = top_matches(db, persona, limit=10_000, include_ineligible=True, one_per_cluster=False)
    assert rows
    for row in rows:
        labelled_gated = persona in by_key[row["key"]]["gated_for"]
        if row["eligible"]:
            assert not labelled_gated, (row["title"], row["gates"])
            assert row["gates"] == []
        else:
            assert row["gates"], row["title"]
            assert labelled_gated, (row["title"], row["gates"])  # the hand labels agree with the gates
    # eligible first, best first
    flags = [row["eligible"] for row in rows]
    assert flags == sorted(flags, reverse=True)
    eligible_scores = [row["score"] for row in rows if row["eligible"]]
    assert eligible_scores == sorted(eligible_scores, reverse=True)


def test_closed_postings_get_no_row_when_first_met_closed(matched: tuple) -> None:
    db, by_key = matched
    closed_keys = {k for k, r in by_key.items() if r["closed"]}
    for persona in PERSONAS:
        keys = {r["key"] for r in top_matches(db, persona, limit=10_000, include_ineligible=True, one_per_cluster=False)}
        assert not keys & closed_keys


def test_demo_profile_loads() -> None:
    profile = load_profile(Path(__file__).resolve().parents[1] / "researchjobs" / "data" / "demo" / "profiles" / "amina.toml")
    assert profile.needs_sponsorship and profile.clinical_years_abroad == 4
    assert not profile.warnings
