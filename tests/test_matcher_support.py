"""Helpers shared by the matcher tests (no tests here).

Postings reach SQLite the real way: ``Posting`` → ``posting_row`` with a facts dict →
``upsert_rows``; closing goes through ``close_missing``, as after a complete crawl.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np

from researchjobs.matcher.fit import ProfileContext, RoleIndex, Scored, score_frame
from researchjobs.matcher.frame import Frame, build_frame, iso_epoch
from researchjobs.matcher.profiles import Profile
from researchjobs.posting import FACT_COLUMNS, Posting, posting_key
from researchjobs.storage.postings import close_missing, posting_row, upsert_rows

RELEVANCE = Path(__file__).resolve().parent / "data" / "relevance"
NOW = "2026-11-20T12:00:00Z"
SOURCE = "greenhouse:matchertest"
CLOSED_SOURCE = "greenhouse:matchertest-closed"

#: A plain eligible posting: entry CRC in Boston at a cap-exempt university.
BASE: dict[str, Any] = {
    "title": "Clinical Research Coordinator I",
    "employer": "Beacon Hill University",
    "city": "Boston",
    "state": "MA",
    "country": "US",
    "remote": "onsite",
    "lat": 42.35843,
    "lon": -71.05977,
    "role_family": "crc",
    "role_level": "entry",
    "experience_required_months": 0,
    "licence_required": 0,
    "visa": "unknown",
    "citizenship_required": 0,
    "clearance_required": 0,
    "cap_exempt": "likely",
    "employer_type_inferred": "university",
    "certifications_required": "[]",
    "certifications_preferred": "[]",
    "certifications_obtain_within": "[]",
    "skills": "[]",
    "languages": "[]",
    "languages_required": "[]",
    "citizen_or_pr_required": 0,
    "clinical_research": 1,
    "date_published": "2026-11-18T12:00:00Z",
}


def record(pid: str, **overrides: Any) -> dict[str, Any]:
    data = dict(BASE, id=pid)
    data.update(overrides)
    return data


def key_of(pid: str, source: str = SOURCE) -> str:
    return posting_key(source, pid)


def frame_rows(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Records as the rows storage.matches.load_postings returns (for pure tests)."""
    rows = []
    for rec in records:
        row = {name: rec.get(name) for name in FACT_COLUMNS}
        row.update(
            key=key_of(rec["id"]), title=rec.get("title"), employer=rec.get("employer"),
            employer_type=rec.get("employer_type"), first_seen=rec.get("first_seen", NOW),
            changed_at=rec.get("changed_at", NOW), closed_at=rec.get("closed_at"),
            date_published=rec.get("date_published"), accepts_clinical=rec.get("accepts_clinical"),
            languages_required_evidence=rec.get("languages_required_evidence"),
        )  # fmt: skip
        rows.append(row)
    return rows


def score(profile: Profile, records: list[dict[str, Any]], *, keywords: dict[str, set[str]] | None = None,
          now: str = NOW) -> tuple[Frame, ProfileContext, Scored]:
    """Gates and fit for one profile over records, without a database."""
    frame = build_frame(frame_rows(records))
    index = RoleIndex()
    ctx = ProfileContext.build(profile, index)
    index.compute(frame)
    return frame, ctx, score_frame(frame, ctx, index, now_epoch=iso_epoch(now), keyword_keys=keywords)


def at(scored: Scored, frame: Frame, pid: str) -> int:
    return int(np.flatnonzero(scored.idx == frame.position[key_of(pid)])[0])


def gates_of(scored: Scored, frame: Frame, pid: str) -> set[str]:
    from researchjobs.matcher.gates import GATES

    bits = int(scored.gate_bits[at(scored, frame, pid)])
    return {name for i, name in enumerate(GATES) if bits & (1 << i)}


def fraction(scored: Scored, frame: Frame, pid: str, component: str) -> float:
    return float(scored.fractions[component][at(scored, frame, pid)])


def store_rows(records: list[dict[str, Any]], source: str = SOURCE) -> list[dict[str, Any]]:
    rows = []
    for rec in records:
        posting = Posting(
            source_family="greenhouse",
            source_id=source,
            source_job_id=rec["id"],
            title=rec["title"],
            url=f"https://job-boards.greenhouse.io/matchertest/jobs/{rec['id']}",
            employer=rec.get("employer"),
            employer_type=rec.get("employer_type"),
            location_raw=rec.get("location_raw") or ", ".join(x for x in (rec.get("city"), rec.get("state")) if x),
            date_published=rec.get("date_published"),
            description=rec.get("description") or f"{rec['title']} at {rec.get('employer')}.",
        )
        facts = {name: rec.get(name) for name in FACT_COLUMNS if name != "cluster_id"}
        if "facts_json" not in rec:
            facts["facts_json"] = json.dumps({
                "experience_accepts_clinical": {"value": bool(rec.get("accepts_clinical"))},
                "role_level": {"value": rec.get("role_level"), "evidence": "stated: title marker"},
                "languages_required": {"value": json.loads(rec.get("languages_required") or "[]"),
                                       "evidence": rec.get("languages_required_evidence")},
            })  # fmt: skip
        facts["enrich_version"] = rec.get("enrich_version", "test-1")
        rows.append(posting_row(posting, facts))
    return rows


def insert(db: Any, records: list[dict[str, Any]], *, now: str, source: str = SOURCE) -> Any:
    return upsert_rows(db, store_rows(records, source), now=now, run_id="test")


def insert_closed(db: Any, records: list[dict[str, Any]], *, opened: str, closed: str) -> None:
    """Postings seen once, then missing from a complete crawl of their source."""
    insert(db, records, now=opened, source=CLOSED_SOURCE)
    close_missing(db, CLOSED_SOURCE, [], now=closed, run_id="test-close")


def load_relevance() -> list[dict[str, Any]]:
    lines = (RELEVANCE / "postings.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]
