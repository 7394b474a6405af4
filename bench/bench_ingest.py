"""Ingest benchmark: postings/s through normalise (+ enrich) + store, vs raw executemany.

The floor is a bare ``executemany`` of the very same rows into a table with the same
columns (no indexes, no FTS, one transaction), measured in the same run, so the ratio
says what normalisation, history, FTS and batching cost on this machine.

    python bench/bench_ingest.py [N [ENRICH_N]]
"""

from __future__ import annotations

import random
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

from researchjobs.enrich.normalise import normalise
from researchjobs.pipelines import enrich_row
from researchjobs.posting import Posting
from researchjobs.storage.db import open_db
from researchjobs.storage.postings import COLUMNS, posting_row, upsert_rows

TITLES = ["Clinical Research Coordinator I", "Research Assistant II", "Clinical Research Data Coordinator",
          "Regulatory Coordinator", "Clinical Research Nurse", "Clinical Trials Assistant", "Data Manager"]  # fmt: skip
CITIES = ["Boston, MA", "Houston, TX", "Chicago, IL", "Remote - US", "Durham, NC", "Philadelphia, PA"]
BODY = (
    "<p>The {dept} seeks a {title} to coordinate {n} clinical trials.</p><ul><li>Bachelor&#39;s degree required;"
    " MD/MBBS welcome</li><li>{years} year(s) of clinical research experience</li><li>CITI GCP within 30 days"
    "</li></ul><p>Pay: ${lo},000 - ${hi},000 per year. {visa}</p>"
)
VISAS = ["", "This position is not eligible for visa sponsorship.", "H-1B sponsorship available."]


def synthetic(n: int, seed: int = 1) -> list[Posting]:
    rng = random.Random(seed)
    postings = []
    for i in range(n):
        title = rng.choice(TITLES)
        lo = rng.randint(40, 70)
        postings.append(
            Posting(
                source_family="greenhouse",
                source_id=f"greenhouse:bench{i % 50}",
                source_job_id=str(4000000000 + i),
                title=title,
                url=f"https://job-boards.greenhouse.io/bench{i % 50}/jobs/{4000000000 + i}?gh_src=abc",
                employer=f"Bench Research Institute {i % 50}",
                location_raw=rng.choice(CITIES),
                date_published_raw=f"2026-11-0{rng.randint(1, 9)}T09:00:00-05:00",
                description_html_raw=BODY.format(dept="Department of Medicine", title=title, n=rng.randint(2, 20),
                                                 years=rng.randint(0, 3), lo=lo, hi=lo + 8, visa=rng.choice(VISAS)),
                crawled_at="2026-11-20T12:00:00Z",
            )
        )  # fmt: skip
    return postings


def timed(label: str, fn) -> float:
    start = time.perf_counter()
    fn()
    elapsed = time.perf_counter() - start
    print(f"  {label:<44} {elapsed:8.2f} s")
    return elapsed


def main(n: int = 100_000, enrich_n: int = 20_000, batch: int = 1000) -> dict[str, float]:
    """Store ``n`` postings; enrich-and-store the first ``enrich_n`` (enrichment is the slow part)."""
    postings = synthetic(n)
    with tempfile.TemporaryDirectory() as tmp:
        tmpdir = Path(tmp)
        rows: list[dict] = []

        def normalise_store() -> None:
            db = open_db(tmpdir / "store.db")
            buffer = []
            for p in postings:
                buffer.append(posting_row(normalise(p)))
                if len(buffer) >= batch:
                    upsert_rows(db, buffer, now="2026-11-20T12:00:00Z")
                    rows.extend(buffer)
                    buffer = []
            upsert_rows(db, buffer, now="2026-11-20T12:00:00Z")
            rows.extend(buffer)
            db.conn.close()

        def enrich_store() -> None:
            db = open_db(tmpdir / "enrich.db")
            buffer = []
            for p in postings[:enrich_n]:
                buffer.append(enrich_row(p)[0])
                if len(buffer) >= batch:
                    upsert_rows(db, buffer, now="2026-11-20T12:00:00Z")
                    buffer = []
            upsert_rows(db, buffer, now="2026-11-20T12:00:00Z")
            db.conn.close()

        def raw_executemany() -> None:
            conn = sqlite3.connect(tmpdir / "raw.db", isolation_level=None)
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute(f"CREATE TABLE postings ({', '.join(COLUMNS)})")
            conn.execute("BEGIN")
            conn.executemany(
                f"INSERT INTO postings VALUES ({', '.join('?' for _ in COLUMNS)})",
                [[r.get(c) for c in COLUMNS] for r in rows],
            )
            conn.execute("COMMIT")
            conn.close()

        print(f"ingest benchmark: {n:,} postings, batches of {batch}")
        t_store = timed("normalise + store (upsert, history, FTS)", normalise_store)
        t_enrich = timed(f"normalise + enrich + store ({enrich_n:,})", enrich_store)
        t_floor = timed("floor: raw executemany of the same rows", raw_executemany)
    result = {
        "normalise_store_per_s": n / t_store,
        "enrich_store_per_s": enrich_n / t_enrich,
        "floor_per_s": n / t_floor,
    }
    print(f"  normalise+store: {result['normalise_store_per_s']:,.0f} postings/s  "
          f"({t_store / t_floor:.1f}x slower than the floor)")  # fmt: skip
    print(f"  normalise+enrich+store: {result['enrich_store_per_s']:,.0f} postings/s  "
          f"({result['floor_per_s'] / result['enrich_store_per_s']:.1f}x slower than the floor)")  # fmt: skip
    print(f"  floor: {result['floor_per_s']:,.0f} rows/s")
    return result


if __name__ == "__main__":
    args = [int(a) for a in sys.argv[1:3]]
    main(*args)
