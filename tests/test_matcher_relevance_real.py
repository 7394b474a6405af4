"""Ranking quality for a typical IMG on real postings, enriched by the real extractors.

The pool is every real posting of the labelled set (excerpts of public job pages, with
their addresses: nurse and federal citizens-only jobs, psychology-lab and bench research
assistants, research administration) plus the demo recordings, all taken through
``extract_facts`` and ``upsert_rows`` into a real SQLite file and matched with the real
``run_matching`` for ``profiles/img_anywhere.toml`` (MBBS, needs an H-1B, speaks English,
Arabic and Hindi, anywhere in the US). Grades were given by hand in ``real_grades.json``
before running the matcher; precision@10 of the eligible ranking is printed and must
reach 0.9, and the postings graded as closed to the persona must all be gated.
"""

from __future__ import annotations

import json

import pytest
from test_enrich_eval import load_rows
from test_level_agreement import demo_postings, labelled_postings
from test_matcher_support import NOW, RELEVANCE

from researchjobs.enrich.facts import extract_facts
from researchjobs.enrich.normalise import normalise
from researchjobs.matcher import load_profile, run_matching, top_matches
from researchjobs.storage.db import open_db
from researchjobs.storage.postings import posting_row, upsert_rows

GRADES = json.loads((RELEVANCE / "real_grades.json").read_text(encoding="utf-8"))
PERSONA = GRADES["persona"]


@pytest.fixture(scope="module")
def ranked(tmp_path_factory: pytest.TempPathFactory) -> tuple[list[dict], dict[str, str]]:
    db = open_db(tmp_path_factory.mktemp("real-relevance") / "real.db")
    real_ids = {row["id"] for row in load_rows() if row.get("origin") == "real"}
    postings = [p for p in labelled_postings() if p.source_job_id in real_ids]
    postings += [normalise(p) for p in demo_postings()]
    names = {p.key: (p.source_job_id if p.source_job_id in real_ids else p.title) for p in postings}
    upsert_rows(db, [posting_row(p, extract_facts(p)) for p in postings], now="2026-11-19T06:00:00Z")
    run_matching(db, load_profile(RELEVANCE / "profiles" / f"{PERSONA}.toml"), now=NOW)
    rows = top_matches(db, PERSONA, limit=10_000, include_ineligible=True, one_per_cluster=False)
    return rows, names


def grade(name: str) -> int:
    return GRADES["real"].get(name, GRADES["demo"].get(name, 0))


def test_every_real_posting_is_graded() -> None:
    real_ids = {row["id"] for row in load_rows() if row.get("origin") == "real"}
    assert real_ids <= set(GRADES["real"])
    assert len(real_ids) >= 25


def test_precision_at_10_on_real_postings(ranked: tuple[list[dict], dict[str, str]],
                                          capsys: pytest.CaptureFixture[str]) -> None:
    rows, names = ranked
    eligible = [row for row in rows if row["eligible"]][:10]
    grades = [grade(names[row["key"]]) for row in eligible]
    precision = sum(1 for g in grades if g > 0) / 10
    with capsys.disabled():
        print(f"\n[relevance, real postings] {PERSONA}: precision@10 = {precision:.2f}, grades {grades}")
    assert len(eligible) == 10
    assert precision >= 0.9, [(row["title"], round(row["score"], 1), g) for row, g in zip(eligible, grades, strict=True)]


def test_postings_closed_to_the_persona_are_gated(ranked: tuple[list[dict], dict[str, str]]) -> None:
    rows, names = ranked
    stored = {names[row["key"]]: row for row in rows}
    for name in GRADES["closed_to_persona"]:
        if name in stored:  # a posting too far from the wished roles has no row at all
            assert not stored[name]["eligible"], (name, stored[name]["gates"])
    spanish = stored["Clinical Research Coordinator (Bilingual Spanish)"]
    assert "language" in [g["gate"] for g in spanish["gates"]]
    assert any("Spanish" in g["reason"] for g in spanish["gates"] if g["gate"] == "language")


def test_non_clinical_research_assistants_rank_below_clinical_ones(ranked: tuple[list[dict], dict[str, str]]) -> None:
    rows, names = ranked
    eligible = [names[row["key"]] for row in rows if row["eligible"]]
    clinical_ra = eligible.index("Research Assistant I - Cardiology")
    for name in ("r007", "r008", "r009", "Research Assistant II - Tumor Immunology Lab"):
        if name in eligible:
            assert eligible.index(name) > clinical_ra, name
