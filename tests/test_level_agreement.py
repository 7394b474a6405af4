"""One level everywhere: `jobs --level`, the matcher's level gate and the digest's badge
agree for every posting of the demo recordings and of the labelled set.

Postings go through the real parsers (demo), normalise, ``extract_facts`` and
``upsert_rows`` into a real SQLite file; the three readers then answer "is this an
entry-level job?" independently, from what storage returns.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from test_enrich_eval import load_rows

from researchjobs.digest.select import badges
from researchjobs.enrich.facts import extract_facts
from researchjobs.enrich.normalise import normalise
from researchjobs.matcher.frame import FRAME_COLUMNS, LEVELS, build_frame
from researchjobs.matcher.gates import level_gate
from researchjobs.matcher.profiles import Profile
from researchjobs.posting import Posting
from researchjobs.spiders import FAMILIES, family_module
from researchjobs.spiders.base import ParseContext
from researchjobs.storage.db import open_db
from researchjobs.storage.matches import load_postings
from researchjobs.storage.postings import posting_row, upsert_rows
from researchjobs.storage.queries import JobFilter, search_jobs

DEMO = Path(__file__).resolve().parents[1] / "researchjobs" / "data" / "replay" / "demo"
NOW = "2026-11-20T12:00:00Z"


def demo_postings() -> list[Posting]:
    manifest = json.loads((DEMO / "manifest.json").read_text(encoding="utf-8"))
    out: list[Posting] = []
    for response in manifest["responses"]:
        name = response["file"]
        family, board = name.split("_", 1)[0], Path(name).stem.split("_", 1)[1].rsplit("_", 1)[0]
        if family not in FAMILIES:  # the demo also replays ClinicalTrials.gov studies: no postings
            continue
        ctx = ParseContext(source_id=f"{family}:{board}", family=family, crawled_at=NOW, url=response["url"])
        out.extend(family_module(family).parse_any((DEMO / name).read_bytes(), ctx))
    return out


def labelled_postings() -> list[Posting]:
    return [Posting(source_family="labelled", source_id="labelled:set", source_job_id=row["id"],
                    title=row["title"], url=f"https://jobs.invalid/{row['id']}", employer=row.get("employer"),
                    employer_type=row.get("employer_type"), location_raw=row.get("location_raw"),
                    description=row["text"]) for row in load_rows()]


@pytest.fixture(scope="module")
def database(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    db = open_db(tmp_path_factory.mktemp("levels") / "levels.db")
    postings = [normalise(p) for p in demo_postings()] + labelled_postings()
    rows = [posting_row(p, extract_facts(p)) for p in postings]
    upsert_rows(db, rows, now=NOW)
    return db, len(postings)


@pytest.mark.parametrize("level", LEVELS)
def test_jobs_matcher_and_digest_agree_on_level(database, level: str) -> None:  # type: ignore[no-untyped-def]
    db, total = database
    names, records = load_postings(db, FRAME_COLUMNS)
    frame = build_frame((names, records))
    assert frame.n == total > 400
    assert int((frame.level == 3).sum()) == 0  # every posting has a level

    by_jobs = {r["key"] for r in search_jobs(db, JobFilter(levels=[level], limit=None), ["key"])}
    gated = level_gate(frame, [level])
    by_matcher = {key for key, closed in zip(frame.keys, gated, strict=True) if not closed}
    assert by_jobs == by_matcher

    if level == "entry":
        profile = Profile(name="p", roles=["clinical research coordinator"], work_authorization="needs_h1b")
        rows = db.query("SELECT * FROM postings")
        by_badge = {row["key"] for row in rows if any(b.label == "entry level" for b in badges(row, profile))}
        assert by_badge == by_jobs


def test_demo_has_an_ordinary_unnumbered_crc_at_entry_level(database) -> None:  # type: ignore[no-untyped-def]
    db, _total = database
    rows = {r["title"]: r for r in db.query(
        "SELECT title, role_level, role_level_basis, experience_required_months FROM postings "
        "WHERE source_id NOT LIKE 'labelled:%'")}
    crc = rows["Clinical Research Coordinator (Bilingual Spanish)"]
    assert (crc["role_level"], crc["role_level_basis"], crc["experience_required_months"]) == ("entry", "inferred", None)
    assert rows["Clinical Research Coordinator II - Oncology"]["role_level_basis"] == "stated"
