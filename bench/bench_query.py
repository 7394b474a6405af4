"""Query benchmark: `jobs` latency at 100k and 1M postings, against floors from the same run.

Not a test: it prints numbers. The ratio column is against ``SELECT COUNT(*)``; the
full-scan floor shows what any query the indexes cannot serve must pay on this machine.

Synthetic postings follow the shapes of real boards: a few role families dominate,
most jobs sit in a dozen research hubs, a Zipf-like tail of employers, salary on a
minority of postings, "unknown" for most visa signals, ~40% closed, and descriptions
drawn from clinical-research vocabulary so FTS sees realistic term frequencies.

The build is bulk: the schema comes from the real migrations (``open_db``), rows go in
with one ``executemany`` inside one transaction with the FTS insert trigger dropped,
then FTS5 is rebuilt once. Queries go through ``researchjobs.storage.queries`` exactly as
``researchjobs jobs`` runs them. Floors: ``SELECT COUNT(*)`` on the table and a
primary-key lookup, on the same file, in the same process.

    python bench/bench_query.py            # 100k and 1M
    python bench/bench_query.py 20000      # one size
"""

from __future__ import annotations

import math
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from researchjobs.posting import posting_key
from researchjobs.storage.db import open_db
from researchjobs.storage.queries import JobFilter, Near, find_posting, search_jobs

# (city, state, lat, lon, weight): research hubs carry most of the weight.
CITIES = [
    ("Boston", "MA", 42.358, -71.060, 14), ("Cambridge", "MA", 42.375, -71.106, 4),
    ("Worcester", "MA", 42.263, -71.802, 2), ("New York", "NY", 40.714, -74.006, 12),
    ("Philadelphia", "PA", 39.952, -75.164, 7), ("Baltimore", "MD", 39.290, -76.612, 6),
    ("Bethesda", "MD", 38.981, -77.100, 3), ("Durham", "NC", 35.994, -78.899, 5),
    ("Chapel Hill", "NC", 35.913, -79.056, 3), ("Houston", "TX", 29.763, -95.363, 8),
    ("Dallas", "TX", 32.783, -96.800, 4), ("Nashville", "TN", 36.166, -86.784, 4),
    ("Chicago", "IL", 41.850, -87.650, 6), ("Rochester", "MN", 44.022, -92.470, 3),
    ("Ann Arbor", "MI", 42.278, -83.741, 3), ("Cleveland", "OH", 41.500, -81.695, 3),
    ("Pittsburgh", "PA", 40.441, -79.996, 3), ("Atlanta", "GA", 33.749, -84.388, 4),
    ("Miami", "FL", 25.774, -80.194, 3), ("Seattle", "WA", 47.606, -122.332, 4),
    ("San Francisco", "CA", 37.775, -122.419, 5), ("Los Angeles", "CA", 34.052, -118.244, 6),
    ("San Diego", "CA", 32.716, -117.165, 4), ("Denver", "CO", 39.739, -104.985, 2),
    ("Salt Lake City", "UT", 40.761, -111.891, 2), ("St. Louis", "MO", 38.627, -90.198, 3),
    ("Portland", "OR", 45.523, -122.676, 2), ("New Haven", "CT", 41.308, -72.928, 3),
]  # fmt: skip
ROLES = [("crc", 35), ("research_assistant", 25), ("clinical_research_assistant", 8), ("data_coordinator", 10),
         ("regulatory_coordinator", 5), ("cra", 5), ("other", 12)]  # fmt: skip
LEVELS = [("entry", 55), ("mid", 30), ("senior", 15)]
REMOTE = [("onsite", 70), ("hybrid", 18), ("remote", 7), ("unknown", 5)]
VISA = [("unknown", 78), ("explicit_no", 14), ("possible", 8)]
EMPLOYER_TYPES = [("university", 35), ("hospital", 30), ("site_network", 12), ("cro", 10), ("company", 8),
                  ("research_institute", 5)]  # fmt: skip
CAP = {"university": "likely", "hospital": "possible", "research_institute": "likely", "site_network": "unlikely",
       "cro": "unlikely", "company": "unlikely"}  # fmt: skip
TITLES = {
    "crc": ["Clinical Research Coordinator", "Clinical Research Coordinator I", "Clinical Research Coordinator II",
            "Research Coordinator", "Senior Clinical Research Coordinator"],
    "research_assistant": ["Research Assistant", "Research Assistant I", "Research Assistant II", "Research Technician"],
    "clinical_research_assistant": ["Clinical Research Assistant", "Clinical Trials Assistant"],
    "data_coordinator": ["Clinical Data Coordinator", "Research Data Coordinator", "Data Manager"],
    "regulatory_coordinator": ["Regulatory Coordinator", "Regulatory Affairs Specialist"],
    "cra": ["Clinical Research Associate", "CRA II"],
    "other": ["Patient Navigator", "Laboratory Technician", "Program Manager", "Research Nurse"],
}  # fmt: skip
VOCAB = (
    "clinical research coordinator trial trials study studies protocol consent informed participants patients "
    "screening enrollment recruit recruitment data entry redcap epic edc crf case report forms regulatory irb "
    "binder gcp citi ich sponsor monitor monitoring visits adverse events sae oncology cardiology neurology "
    "pediatrics psychiatry infectious disease covid-19 vaccine phase i ii iii investigator principal pi "
    "specimen processing lab laboratory centrifuge shipping phlebotomy vital signs ecg schedule scheduling "
    "follow-up retention database query queries resolve audit compliance fda hipaa bachelor degree required "
    "preferred experience year years months medical graduate md mbbs foreign trained physicians welcome "
    "sponsorship visa h-1b authorized work united states team department medicine hospital university "
    "academic center faculty collaborate communication organized detail oriented spanish bilingual "
    "full-time benefits salary hourly pay range equal opportunity employer"
).split()


def _weighted(pairs: list[tuple[Any, int]]) -> tuple[list[Any], list[int]]:
    values = [p[0] for p in pairs]
    cum, total = [], 0
    for _value, weight in pairs:
        total += weight
        cum.append(total)
    return values, cum


COLUMNS = ["key", "source_family", "source_id", "source_job_id", "title", "url", "employer", "employer_type",
           "location_raw", "date_published", "description", "city", "state", "country", "remote", "lat", "lon",
           "salary_annual_min", "salary_annual_max", "role_family", "role_level", "experience_required_months",
           "visa", "employer_type_inferred", "cap_exempt", "cluster_id", "first_seen", "last_seen", "closed_at",
           "content_hash", "date_published_is_lower_bound"]  # fmt: skip


def synthetic_rows(n: int, seed: int = 7, chunk: int = 20_000) -> Iterator[tuple[Any, ...]]:
    """Rows in COLUMNS order, drawn a chunk at a time (per-row ``choices`` calls are the slow part)."""
    rng = random.Random(seed)
    cities, city_cum = _weighted([(c, c[4]) for c in CITIES])
    roles, role_cum = _weighted(ROLES)
    levels, level_cum = _weighted(LEVELS)
    remotes, remote_cum = _weighted(REMOTE)
    visas, visa_cum = _weighted(VISA)
    etypes, etype_cum = _weighted(EMPLOYER_TYPES)
    n_employers = max(50, n // 300)
    employer_cum: list[float] = []
    total = 0.0
    for i in range(n_employers):  # Zipf-ish: a few employers post most jobs
        total += 1.0 / (i + 1) ** 0.9
        employer_cum.append(total)
    employer_types = rng.choices(etypes, cum_weights=etype_cum, k=n_employers)
    employer_names = [f"Employer {i} {'University' if t == 'university' else 'Health'}" for i, t in enumerate(employer_types)]
    vocab_cum: list[float] = []
    total = 0.0
    for i in range(len(VOCAB)):
        total += 1.0 / (i + 1) ** 0.6
        vocab_cum.append(total)
    words_per_row = 45
    now = time.time()
    stamp = time.strftime
    for base in range(0, n, chunk):
        k = min(chunk, n - base)
        draw_city = rng.choices(cities, cum_weights=city_cum, k=k)
        draw_role = rng.choices(roles, cum_weights=role_cum, k=k)
        draw_level = rng.choices(levels, cum_weights=level_cum, k=k)
        draw_remote = rng.choices(remotes, cum_weights=remote_cum, k=k)
        draw_visa = rng.choices(visas, cum_weights=visa_cum, k=k)
        draw_emp = rng.choices(range(n_employers), cum_weights=employer_cum, k=k)
        words = rng.choices(VOCAB, cum_weights=vocab_cum, k=k * words_per_row)
        for j in range(k):
            i = base + j
            city, state, lat, lon, _w = draw_city[j]
            role = draw_role[j]
            employer_no = draw_emp[j]
            etype = employer_types[employer_no]
            first = now - rng.random() * 365 * 86400
            closed = now - rng.random() * (now - first) if rng.random() < 0.4 else None
            source_id = f"greenhouse:emp{employer_no}"
            job_id = str(100000 + i)
            key = posting_key(source_id, job_id)
            lo = rng.randint(38, 80) * 1000.0 if rng.random() < 0.35 else None
            exp = None if rng.random() < 0.3 else rng.choice((0, 6, 12, 12, 24, 36, 60))
            first_iso = stamp("%Y-%m-%dT%H:%M:%SZ", time.gmtime(first))
            closed_iso = None if closed is None else stamp("%Y-%m-%dT%H:%M:%SZ", time.gmtime(closed))
            yield (
                key, "greenhouse", source_id, job_id, rng.choice(TITLES[role]),
                f"https://job-boards.greenhouse.io/emp{employer_no}/jobs/{job_id}", employer_names[employer_no], etype,
                f"{city}, {state}", first_iso, " ".join(words[j * words_per_row:(j + 1) * words_per_row]),
                city, state, "US", draw_remote[j], lat + rng.gauss(0, 0.05), lon + rng.gauss(0, 0.05),
                lo, (lo + rng.randint(2, 15) * 1000.0) if lo else None, role, draw_level[j], exp, draw_visa[j],
                etype, CAP[etype], key, first_iso, closed_iso or first_iso, closed_iso, key, 0,
            )  # fmt: skip


def build(path: Path, n: int) -> float:
    """Bulk-load n postings into a freshly migrated database; return seconds taken."""
    start = time.perf_counter()
    db = open_db(path)
    conn = db.conn
    conn.execute("PRAGMA cache_size = -1000000")  # 1 GB: random text keys thrash the default 8 MB cache
    conn.execute("DROP TRIGGER postings_ai")  # bulk load: index the text once, afterwards
    # Likewise the secondary indexes: building each once from sorted data beats a million
    # random inserts into each. Their SQL comes from the real migrations, whatever they are.
    indexes = conn.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'postings' AND sql IS NOT NULL"
    ).fetchall()
    for name, _sql in indexes:
        conn.execute(f'DROP INDEX "{name}"')
    marks = ", ".join("?" for _ in COLUMNS)
    conn.execute("BEGIN IMMEDIATE")
    conn.executemany(f"INSERT INTO postings ({', '.join(COLUMNS)}) VALUES ({marks})", synthetic_rows(n))
    conn.execute("COMMIT")
    for _name, sql in indexes:
        conn.execute(sql)
    conn.execute("INSERT INTO postings_fts (postings_fts) VALUES ('rebuild')")
    conn.execute("ANALYZE")
    conn.close()
    return time.perf_counter() - start


def measure(fn: Callable[[], Any], *, min_runs: int = 5, max_runs: int = 41, budget_s: float = 3.0) -> tuple[float, float, int]:
    """(median ms, p95 ms, runs) after one warm-up run; stops early when the budget is spent."""
    fn()
    times: list[float] = []
    spent = 0.0
    while len(times) < max_runs and (len(times) < min_runs or spent < budget_s):
        t0 = time.perf_counter()
        fn()
        elapsed = time.perf_counter() - t0
        times.append(elapsed * 1000)
        spent += elapsed
    times.sort()
    p95 = times[min(len(times) - 1, math.ceil(0.95 * len(times)) - 1)]
    return statistics.median(times), p95, len(times)


BOSTON = Near(42.358, -71.060, 50.0, "Boston, MA")


def queries(db: Any, key: str) -> list[tuple[str, Callable[[], Any]]]:
    def jobs(**kw: Any) -> Callable[[], Any]:
        return lambda: search_jobs(db, JobFilter(**kw))

    return [
        ("floor: SELECT COUNT(*) FROM postings", lambda: db.execute("SELECT COUNT(*) FROM postings").fetchone()),
        ("floor: primary-key lookup", lambda: db.execute("SELECT * FROM postings WHERE key = ?", [key]).fetchone()),
        ("floor: full scan, unindexed predicate", lambda: db.execute(  # `+` keeps every index out
            "SELECT COUNT(*) FROM postings WHERE length(+salary_currency) > 3").fetchone()),
        ("show: find_posting by 8-char prefix", lambda: find_posting(db, key[:8])),
        ("jobs (no filter, newest 50)", jobs()),
        ("jobs --role crc --level entry", jobs(roles=["crc"], levels=["entry"])),
        ("jobs --state MA", jobs(states=["MA"])),
        ("jobs --near Boston --within 50", jobs(near=BOSTON)),
        ("jobs --visa not-refused --cap-exempt --max-exp 12", jobs(visa="not-refused", cap_exempt=True, max_experience_months=12)),
        ("jobs --salary-min 60000 --remote", jobs(salary_min=60000, remote=True)),
        ("jobs --since 7d", jobs(since=time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() - 7 * 86400)))),
        ("jobs all IMG filters (role,level,near,visa,cap,exp)", jobs(roles=["crc", "research_assistant"], levels=["entry"],
                                                                  near=BOSTON, visa="not-refused", cap_exempt=True,
                                                                  max_experience_months=12)),
        ("jobs --q phlebotomy (common word, ranked)", jobs(q="phlebotomy")),
        ("jobs --q 'mbbs welcome' (rarer pair)", jobs(q="mbbs welcome")),
        ('jobs --q "informed consent" (phrase)', jobs(q='"informed consent"')),
        ("jobs --q coordinator --role crc --state MA", jobs(q="coordinator", roles=["crc"], states=["MA"])),
        ("jobs --q spanish --near Boston", jobs(q="spanish", near=BOSTON)),
    ]  # fmt: skip


def run(n: int, tmpdir: Path) -> None:
    path = tmpdir / f"bench-{n}.db"
    seconds = build(path, n)
    size_mb = sum(p.stat().st_size for p in tmpdir.glob(f"bench-{n}.db*")) / 1e6
    print(f"\n{n:,} postings: built in {seconds:.1f} s ({n / seconds:,.0f} rows/s incl. FTS rebuild), {size_mb:,.0f} MB")
    db = open_db(path)
    key = next(db.query("SELECT key FROM postings LIMIT 1 OFFSET ?", [n // 2]))["key"]
    floor = None
    print(f"  {'query':<54} {'median ms':>10} {'p95 ms':>9} {'x floor':>8} {'runs':>5} {'rows':>5}")
    for label, fn in queries(db, key):
        median, p95, runs = measure(fn)
        result = fn()
        rows = len(result) if isinstance(result, list) else 1
        if label.startswith("floor: SELECT COUNT"):
            floor = median
        ratio = f"{median / floor:8.1f}" if floor else f"{'':>8}"
        print(f"  {label:<54} {median:10.2f} {p95:9.2f} {ratio} {runs:5d} {rows:5d}")
    # What-if: the index a storage migration could add so "newest first" stops sorting the table.
    db.execute(PROPOSED_INDEX)
    db.execute("ANALYZE")
    print(f"  with proposed index: {PROPOSED_INDEX}")
    for label, fn in queries(db, key):
        if label.startswith(("jobs (no filter", "jobs --since", "jobs --role", "jobs --visa")):
            median, p95, runs = measure(fn)
            print(f"  {label:<54} {median:10.2f} {p95:9.2f} {median / floor if floor else 0:8.1f} {runs:5d}")
    db.conn.close()


PROPOSED_INDEX = "CREATE INDEX idx_postings_posted ON postings (COALESCE(date_published, first_seen))"


def main(sizes: list[int]) -> None:
    import sqlite3

    print(f"SQLite {sqlite3.sqlite_version}, Python {sys.version.split()[0]}; medians after one warm-up run")
    with tempfile.TemporaryDirectory(prefix="rj-bench-query-") as tmp:
        for n in sizes:
            run(n, Path(tmp))
            for leftover in Path(tmp).glob(f"bench-{n}.db*"):
                leftover.unlink()


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [100_000, 1_000_000])
