"""A crawl writing while `jobs` queries, matching and digests run: no lock error, no lost write."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import FAST, write_registry
from test_digest_support import write_profile

from researchjobs.config import paths
from researchjobs.digest import run_digests
from researchjobs.matcher import run_matching
from researchjobs.replay import Recordings, ReplayServer
from researchjobs.storage.db import StorageError, open_db
from researchjobs.storage.postings import posting_row, upsert_rows
from researchjobs.storage.queries import JobFilter, search_jobs

PAGES, SIZE = 5, 20  # 100 postings: within the matcher's per-run cap of 100 eligible rows


def big_board() -> Recordings:
    rec = Recordings()
    for page in range(PAGES + 1):
        items = [
            {"id": f"00000000-0000-4000-8000-{page * SIZE + i:012d}", "text": f"Clinical Research Coordinator {page}-{i}",
             "hostedUrl": f"https://jobs.lever.co/busyboard/{page}-{i}", "createdAt": 1763366400000,
             "categories": {"location": "Boston, MA"}, "workplaceType": "on-site",
             "descriptionPlain": "Coordinate oncology trials in Boston. Bachelor's degree. H-1B sponsorship available."}
            for i in range(SIZE if page < PAGES else 0)
        ]  # fmt: skip
        url = f"https://api.lever.co/v0/postings/busyboard?mode=json&skip={page * SIZE}&limit={SIZE}"
        rec.add({"url": url, "json": items, "delay": 0.6})
    return rec


def test_crawl_while_querying_matching_and_digesting(tmp_path: Path, home: Path) -> None:
    entry = {"id": "lever:busyboard", "family": "lever", "employer": "Busy University Hospital",
             "employer_type": "academic_medical_centre", "site": "busyboard", "page_size": SIZE}  # fmt: skip
    registry = write_registry(tmp_path / "sources.toml", [entry])
    profile = write_profile(home, "amina", roles=["clinical research coordinator"], remote_ok=True)
    db_path = paths().ensure().db
    open_db(db_path).conn.close()
    errors: list[str] = []
    with ReplayServer(recordings=big_board()) as server:
        argv = [sys.executable, "-m", "researchjobs", "crawl", "lever:busyboard", "--registry", str(registry),
                "--replay", server.url, "--quiet", "--set", "RESEARCHJOBS_BATCH_SIZE=20"]  # fmt: skip
        argv += [a for k, v in FAST.items() for a in ("--set", f"{k}={v}")]
        crawl = subprocess.Popen(argv, env={**os.environ}, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        db = open_db(db_path)
        rounds = 0
        seen_counts = []
        while crawl.poll() is None and rounds < 400:
            rounds += 1
            try:
                seen_counts.append(len(search_jobs(db, JobFilter(q="oncology", limit=10_000))))
                run_matching(db, profile)
                run_digests(db, paths(), profiles=[profile])
            except Exception as exc:
                errors.append(f"{type(exc).__name__}: {exc}")
            cli = subprocess.run([sys.executable, "-m", "researchjobs", "jobs", "--q", "coordinator", "--format", "json",
                                  "--limit", "5"], capture_output=True, text=True, env={**os.environ})  # fmt: skip
            if cli.returncode != 0:
                errors.append(cli.stderr.strip())
        _, crawl_err = crawl.communicate(timeout=120)
    assert crawl.returncode == 0, crawl_err
    assert errors == []
    assert rounds >= 2 and seen_counts == sorted(seen_counts)  # readers saw the crawl progress
    total = PAGES * SIZE
    assert db.execute("SELECT COUNT(*) FROM postings").fetchone()[0] == total
    run = next(db.query("SELECT outcome, seen FROM crawl_runs"))
    assert run == {"outcome": "ok", "seen": total}
    run_matching(db, profile)
    matched = db.execute("SELECT COUNT(*) FROM matches WHERE profile = 'amina'").fetchone()[0]
    assert matched == total
    db.conn.close()


def test_full_disk_is_a_clear_error_and_nothing_half_written(tmp_path: Path) -> None:
    from researchjobs.posting import Posting

    db = open_db(tmp_path / "full.db")
    first = [posting_row(Posting("lever", "lever:x", str(i), f"CRC {i}", f"https://x.org/{i}", description="a" * 50))
             for i in range(10)]  # fmt: skip
    upsert_rows(db, first, now="2026-11-01T00:00:00Z")
    pages = db.execute("PRAGMA page_count").fetchone()[0]
    db.execute(f"PRAGMA max_page_count = {pages + 2}")  # what a full disk looks like to SQLite
    big = [posting_row(Posting("lever", "lever:x", f"b{i}", f"CRC b{i}", f"https://x.org/b{i}", description="b" * 5000))
           for i in range(200)]  # fmt: skip
    with pytest.raises(StorageError, match="disk is full"):
        upsert_rows(db, big, now="2026-11-02T00:00:00Z")
    assert db.execute("SELECT COUNT(*) FROM postings").fetchone()[0] == 10
    assert db.execute("SELECT COUNT(*) FROM posting_history").fetchone()[0] == 10
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
