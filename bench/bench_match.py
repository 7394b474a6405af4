"""Matching benchmark: 100,000 synthetic postings × 1,000 profiles, against a cdist floor.

Not a test: it prints numbers. What is timed is ``run_matching_many`` exactly as
``researchjobs match`` runs it over every profile — read the postings from SQLite, build
the Frame, one shared ``cdist``, gates and fit per profile, reasons for the stored rows,
and the writes — first as a full run (no earlier state), then as an incremental run
after 1% of postings changed and 0.5% were added.

Floors, measured in the same process on the same strings:
* ``bare cdist``: ``rapidfuzz.process.cdist`` of every profile's role texts (one row per
  profile role, as a naive matcher would send them) against all 100,000 posting titles,
  same scorer, ``dtype=uint8``, ``workers=-1``, strings already processed. The ratio
  asked for is matcher wall time / this.
* ``deduplicated cdist``: the same call on distinct strings only (distinct role texts and
  taxonomy synonyms × distinct titles), i.e. the string work the matcher really does; the
  rest of the matcher's time is overhead over it.

Synthetic postings follow the shape of real boards: a few role families dominate, most
jobs sit in research hubs, titles carry level numerals and department tails (about a
third of them unique), skills/languages/certificates on a minority, "unknown" for most
visa signals. Peak memory is ``ru_maxrss`` (whole process, including the benchmark's own
data) after setup and after matching.

    python bench/bench_match.py                 # 100,000 × 1,000
    python bench/bench_match.py 20000 200       # smaller
"""

from __future__ import annotations

import json
import random
import resource
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np
from rapidfuzz import process

from researchjobs.enrich.location import geocode_us
from researchjobs.matcher.fit import SCORER, query_texts, wanted_families
from researchjobs.matcher.frame import title_key
from researchjobs.matcher.profiles import WORK_AUTHORIZATIONS, Profile
from researchjobs.matcher.run import run_matching_many
from researchjobs.posting import posting_key
from researchjobs.storage.db import immediate, open_db
from researchjobs.storage.postings import COLUMNS

CITIES = [
    ("Boston", "MA", 14), ("Cambridge", "MA", 4), ("New York", "NY", 12), ("Philadelphia", "PA", 7),
    ("Baltimore", "MD", 6), ("Durham", "NC", 5), ("Houston", "TX", 8), ("Dallas", "TX", 4),
    ("San Antonio", "TX", 3), ("Nashville", "TN", 4), ("Chicago", "IL", 6), ("Ann Arbor", "MI", 3),
    ("Cleveland", "OH", 3), ("Pittsburgh", "PA", 3), ("Atlanta", "GA", 4), ("Miami", "FL", 3),
    ("Seattle", "WA", 4), ("San Francisco", "CA", 5), ("Los Angeles", "CA", 6), ("San Diego", "CA", 4),
    ("Denver", "CO", 2), ("St. Louis", "MO", 3), ("New Haven", "CT", 3), ("Minneapolis", "MN", 3),
]  # fmt: skip
TITLES = {
    "crc": ["Clinical Research Coordinator", "Research Coordinator", "Study Coordinator",
            "Clinical Trials Coordinator", "CRC", "Coordinator, Clinical Research"],
    "clinical_research_assistant": ["Clinical Research Assistant", "Assistant Clinical Research Coordinator",
                                    "Research Study Assistant"],
    "research_assistant": ["Research Assistant", "Research Associate", "Research Technician", "Research Specialist"],
    "data_coordinator": ["Clinical Data Coordinator", "Data Coordinator", "Clinical Data Abstractor",
                         "Clinical Data Associate"],
    "data_manager": ["Clinical Data Manager", "Data Manager"],
    "regulatory": ["Regulatory Coordinator", "Regulatory Specialist", "IRB Coordinator"],
    "cta": ["Clinical Trial Assistant", "Clinical Trials Associate"],
    "recruitment": ["Patient Recruitment Specialist", "Research Recruiter", "Recruitment Coordinator"],
    "cra_monitor": ["Clinical Research Associate", "Clinical Monitor", "In-House CRA"],
    "drug_safety": ["Drug Safety Associate", "Pharmacovigilance Associate"],
    "research_nurse": ["Research Nurse", "Clinical Research Nurse Coordinator"],
    "manager": ["Clinical Research Manager", "Clinical Trial Manager"],
    "other": ["Software Engineer", "Medical Assistant", "Administrative Assistant", "Lab Manager",
              "Financial Analyst", "Patient Access Representative"],
}  # fmt: skip
FAMILY_WEIGHTS = {"crc": 30, "clinical_research_assistant": 8, "research_assistant": 18, "data_coordinator": 9,
                  "data_manager": 3, "regulatory": 5, "cta": 4, "recruitment": 3, "cra_monitor": 5,
                  "drug_safety": 2, "research_nurse": 4, "manager": 3, "other": 6}  # fmt: skip
DEPARTMENTS = ["Oncology", "Cardiology", "Neurology", "Pediatrics", "Psychiatry", "Emergency Medicine",
               "Infectious Disease", "Vaccine Trials", "Sleep Medicine", "Dermatology", "Radiology",
               "Surgery", "Endocrinology", "Nephrology", "Health Services Research", "Clinical Trials Office",
               "Cancer Center", "Transplant", "Pulmonology", "Gastroenterology"]  # fmt: skip
SKILLS = ["REDCap", "Epic", "OnCore", "Medidata Rave", "EDC", "Phlebotomy", "ECG", "Vital signs",
          "Informed consent", "Specimen processing", "IRB submissions", "Query resolution", "SAS", "SPSS",
          "Excel", "Data abstraction", "MedDRA", "Argus", "Veeva", "CTMS"]  # fmt: skip
LANGUAGES = ["Spanish", "Mandarin", "Arabic", "Hindi", "Urdu", "French", "Portuguese", "Haitian Creole"]
CERTS = ["CCRC", "CCRP", "GCP", "CITI", "BLS", "IATA", "ACRP-CP"]
EMPLOYER_KINDS = [("university", "likely"), ("academic_medical_centre", "likely"), ("research_nonprofit", "likely"),
                  ("health_system", "unknown"), ("childrens_hospital", "possible"), ("cro", "unlikely"),
                  ("site_network", "unlikely"), ("pharma_biotech", "unlikely")]  # fmt: skip
ROLE_WISHES = [
    "clinical research coordinator", "CRC", "clinical research assistant", "research assistant",
    "clinical data coordinator", "data abstractor", "study coordinator", "research coordinator",
    "clinical trial assistant", "regulatory coordinator", "patient recruitment", "research associate",
    "clinical research associate", "drug safety associate", "pharmacovigilance", "data manager",
    "research study assistant", "clinical trials coordinator", "junior CRC", "research technician",
    "entry level clinical research", "IRB coordinator", "clinical research data specialist",
    "research specialist", "clinical research coordinater",
]  # fmt: skip
NOW = "2026-11-20T12:00:00Z"


def _pick(rng: random.Random, weights: dict[str, int]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def synthetic_postings(n: int, seed: int = 11) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    coords = {(c, s): geocode_us(c, s) for c, s, _w in CITIES}
    employers = [f"{rng.choice(['Northfield', 'Lakeside', 'Summit', 'Riverbend', 'Harbor', 'Pinecrest', 'Meridian', 'Cedar'])} "
                 f"{rng.choice(['University', 'Medical Center', 'Research Institute', 'Clinical Research', 'Health', 'CRO'])} {i}"
                 for i in range(4000)]  # fmt: skip
    rows = []
    for i in range(n):
        family = _pick(rng, FAMILY_WEIGHTS)
        title = rng.choice(TITLES[family])
        level = rng.choices(["entry", "mid", "senior"], weights=[55, 30, 15])[0]
        if rng.random() < 0.5:
            title += {"entry": " I", "mid": " II", "senior": " III"}[level]
        elif level == "senior" and rng.random() < 0.5:
            title = "Senior " + title
        if rng.random() < 0.6:
            title += f" - {rng.choice(DEPARTMENTS)}"
        if rng.random() < 0.3:
            title += f" ({rng.choice(['Study', 'Program', 'Protocol'])} {rng.randint(1, 30000)})"
        mode = rng.choices(["onsite", "hybrid", "remote", "unknown"], weights=[70, 18, 7, 5])[0]
        city, state, _w = rng.choices(CITIES, weights=[c[2] for c in CITIES])[0]
        point = coords[(city, state)] if mode != "remote" else None
        kind, cap = rng.choice(EMPLOYER_KINDS)
        pay = rng.random() < 0.35
        low = rng.randrange(38000, 80000, 1000)
        rows.append({
            "key": posting_key("bench:synthetic", str(i)), "source_family": "greenhouse",
            "source_id": "bench:synthetic", "source_job_id": str(i), "title": title,
            "url": f"https://example.org/jobs/{i}", "employer": rng.choice(employers),
            "location_raw": "Remote - US" if mode == "remote" else f"{city}, {state}",
            "city": None if mode == "remote" else city, "state": None if mode == "remote" else state,
            "country": "US", "remote": mode, "lat": point[0] if point else None, "lon": point[1] if point else None,
            "role_family": family, "role_level": level,
            "experience_required_months": rng.choice([None, 0, 0, 6, 12, 12, 24, 36, 60]),
            "licence_required": int(family == "research_nurse" or rng.random() < 0.02),
            "licence_required_name": "RN" if family == "research_nurse" else None,
            "certifications_required": json.dumps(rng.sample(CERTS, 1) if rng.random() < 0.1 else []),
            "certifications_preferred": json.dumps(rng.sample(CERTS, 2) if rng.random() < 0.15 else []),
            "certifications_obtain_within": json.dumps([{"name": "CCRC", "months": 18}] if rng.random() < 0.05 else []),
            "skills": json.dumps(rng.sample(SKILLS, rng.randint(0, 5))),
            "languages": json.dumps(rng.sample(LANGUAGES, 1) if rng.random() < 0.12 else []),
            "visa": rng.choices(["unknown", "explicit_no", "possible"], weights=[78, 14, 8])[0],
            "citizenship_required": int(rng.random() < 0.03), "clearance_required": 0,
            "employer_type": kind, "employer_type_inferred": kind, "cap_exempt": cap,
            "salary_annual_min": low if pay else None, "salary_annual_max": low + 8000 if pay else None,
            "date_published": f"2026-{rng.choice(['09', '10', '11'])}-{rng.randint(1, 19):02d}T00:00:00Z",
            "description": f"{title}. {' '.join(rng.sample(SKILLS, 4))}.",
            "facts_json": json.dumps({"experience_accepts_clinical": {"value": rng.random() < 0.2},
                                      "role_level": {"evidence": "title marker"}}),
            "enrich_version": "bench-1", "first_seen": "2026-11-19T00:00:00Z", "last_seen": "2026-11-19T00:00:00Z",
            "changed_at": "2026-11-19T00:00:00Z", "content_hash": f"h{i}", "change_seq": 1,
        })  # fmt: skip
        rows[-1]["cluster_id"] = rows[-1]["key"]
    return rows


def synthetic_profiles(n: int, seed: int = 5) -> list[Profile]:
    rng = random.Random(seed)
    profiles = []
    for i in range(n):
        places = [] if rng.random() < 0.15 else [
            {"city": c, "state": s, "radius_miles": rng.choice([15, 25, 30, 50])}
            for c, s, _w in rng.sample(CITIES, rng.randint(1, 3))
        ]  # fmt: skip
        profiles.append(Profile(
            name=f"p{i:04d}", roles=rng.sample(ROLE_WISHES, rng.randint(2, 4)),
            levels=rng.choice([["entry"], ["entry", "mid"], ["entry", "mid"], ["mid", "senior"]]),
            locations=places, remote_ok=rng.random() < 0.7, hybrid_ok=rng.random() < 0.85,
            work_authorization=rng.choice(WORK_AUTHORIZATIONS), us_research_months=rng.choice([0, 0, 6, 12, 24, 36]),
            clinical_years_abroad=rng.choice([0, 1, 2, 3, 4, 6, 10]), degree="MBBS",
            certifications=rng.sample(["CITI GCP", "BLS", "CCRP", "IATA"], rng.randint(0, 2)),
            skills=rng.sample(SKILLS, rng.randint(0, 6)), languages=["English", *rng.sample(LANGUAGES, rng.randint(0, 2))],
            salary_floor=rng.choice([None, None, 40000, 50000, 60000]),
            exclude_employers=[f"Harbor Health {rng.randint(0, 3999)}"] if rng.random() < 0.1 else [],
            exclude_keywords=[rng.choice(["phlebotomy", "Epic", "night shift"])] if rng.random() < 0.03 else [],
        ))  # fmt: skip
    return profiles


def build_db(path: Path, rows: list[dict[str, Any]]) -> float:
    started = time.perf_counter()
    db = open_db(path)
    marks = ", ".join("?" for _ in COLUMNS)
    with immediate(db) as conn:
        conn.executemany(f"INSERT INTO postings ({', '.join(COLUMNS)}) VALUES ({marks})",
                         ([r.get(c) for c in COLUMNS] for r in rows))  # fmt: skip
    db.conn.close()
    return time.perf_counter() - started


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main(n_postings: int = 100_000, n_profiles: int = 1_000) -> None:
    print(f"bench_match: {n_postings:,} postings × {n_profiles:,} profiles on {len(__import__('os').sched_getaffinity(0))} cores")
    geocode_us("Boston", "MA")  # load the city list once, as any process that geocodes must
    t0 = time.perf_counter()
    rows = synthetic_postings(n_postings)
    profiles = synthetic_profiles(n_profiles)
    print(f"  generated data in {time.perf_counter() - t0:.1f} s")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.db"
        print(f"  built the database in {build_db(path, rows):.1f} s (bulk insert, FTS triggers on)")
        titles = [title_key(r["title"]) for r in rows]
        role_rows = [title_key(role) for p in profiles for role in p.roles]
        unique_queries = sorted({title_key(t) for p in profiles for t in query_texts(p, wanted_families(p.roles))} - {""})
        del rows
        before = peak_mb()

        db = open_db(path)
        timings: dict[str, float] = {}
        t0, c0 = time.perf_counter(), time.process_time()
        summaries = run_matching_many(db, profiles, now=NOW, timings=timings)
        full_s, full_cpu = time.perf_counter() - t0, time.process_time() - c0
        after = peak_mb()
        stored = sum(s.stored for s in summaries)
        print(f"  full run: {full_s:.2f} s wall, {full_cpu:.2f} s CPU — " + ", ".join(f"{k} {v:.2f} s" for k, v in timings.items()))
        print(f"    {stored:,} rows stored ({sum(s.eligible for s in summaries):,} eligible), "
              f"{sum(s.candidates for s in summaries):,} candidates of {n_postings * n_profiles:,} pairs")

        # incremental: 1% changed, 0.5% new, one hour later
        later = "2026-11-21T12:00:00Z"
        with immediate(db) as conn:
            changed = conn.execute("SELECT key FROM postings ORDER BY key LIMIT ?", [n_postings // 100]).fetchall()
            # as storage does: a new change_seq for every change (see storage.postings)
            conn.executemany("UPDATE postings SET title = title || ' (updated)', changed_at = ?, change_seq = 2"
                             " WHERE key = ?", [(later, k) for (k,) in changed])  # fmt: skip
            new_rows = synthetic_postings(n_postings // 200, seed=99)
            for j, r in enumerate(new_rows):
                r.update(key=posting_key("bench:new", str(j)), source_id="bench:new", first_seen=later,
                         changed_at=later, change_seq=2)  # fmt: skip
            marks = ", ".join("?" for _ in COLUMNS)
            conn.executemany(f"INSERT INTO postings ({', '.join(COLUMNS)}) VALUES ({marks})",
                             ([r.get(c) for c in COLUMNS] for r in new_rows))  # fmt: skip
        incremental: dict[str, float] = {}
        t0 = time.perf_counter()
        again = run_matching_many(db, profiles, now="2026-11-21T13:00:00Z", timings=incremental)
        inc_s = time.perf_counter() - t0
        print(f"  incremental run ({len(changed):,} changed + {len(new_rows):,} new): {inc_s:.2f} s wall, "
              f"{sum(s.considered for s in again) // max(1, len(again)):,} postings scored per profile")
        db.conn.close()

        t0, c0 = time.perf_counter(), time.process_time()
        floor = process.cdist(role_rows, titles, scorer=SCORER, dtype=np.uint8, workers=-1)
        floor_s, floor_cpu = time.perf_counter() - t0, time.process_time() - c0
        del floor
        distinct_titles = sorted(set(titles))
        t0 = time.perf_counter()
        process.cdist(unique_queries, distinct_titles, scorer=SCORER, dtype=np.uint8, workers=-1)
        dedup_s = time.perf_counter() - t0

    print(f"  floor, bare cdist: {len(role_rows):,} profile role strings × {len(titles):,} titles: "
          f"{floor_s:.2f} s wall, {floor_cpu:.2f} s CPU")
    print(f"  floor, deduplicated cdist: {len(unique_queries):,} distinct queries × {len(distinct_titles):,} distinct titles: {dedup_s:.2f} s")
    print(f"  ratio full run / bare cdist: {full_s / floor_s:.2f}× wall, {full_cpu / floor_cpu:.2f}× CPU"
          f"   (full run / deduplicated cdist: {full_s / max(dedup_s, 1e-6):.0f}×)")
    print(f"  load average during the run: {__import__('os').getloadavg()[0]:.1f} (other work on the machine inflates wall time)")
    print(f"  peak RSS: {before:,.0f} MB after setup, {after:,.0f} MB after matching (+{after - before:,.0f} MB)")


if __name__ == "__main__":
    args = [int(a) for a in sys.argv[1:3]]
    main(*args)
