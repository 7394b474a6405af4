"""``researchjobs demo``: the main job end to end, offline, on bundled recordings.

It starts the replay server on 127.0.0.1, crawls the demo registry's boards in a
subprocess (the way the scheduler does), and shows what was stored and where.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

from researchjobs.config import PACKAGE_DATA, Paths, paths
from researchjobs.crawler import CrawlPlan, run_in_subprocess
from researchjobs.output import console, table
from researchjobs.replay import ReplayServer
from researchjobs.reports import crawl_summary
from researchjobs.sources import load_registry
from researchjobs.storage.db import open_db
from researchjobs.storage.queries import JobFilter, search_jobs

DEMO_REGISTRY = PACKAGE_DATA / "demo" / "sources.toml"
DEMO_RECORDINGS = PACKAGE_DATA / "replay" / "demo"


def demo_paths(home: Path | None) -> Paths:
    return Paths(home.resolve() if home else paths().root / "demo").ensure()


def run_demo(home: Path | None = None) -> Paths:
    started = time.perf_counter()
    where = demo_paths(home)
    registry = load_registry(DEMO_REGISTRY)
    console.print(f"[bold]researchjobs demo[/] — data in {where.root}", highlight=False)
    with ReplayServer(DEMO_RECORDINGS) as server:
        console.print(f"replaying {len(registry.sources)} recorded job boards on {server.url}", highlight=False)
        plan = CrawlPlan.new(
            list(registry.sources.values()),
            where.db,
            registry.path,
            replay_url=server.url,
            log_file=where.logs / "demo-crawl.log",
            settings={"AUTOTHROTTLE_ENABLED": "False", "DOWNLOAD_DELAY": "0"},
        )
        code = run_in_subprocess(plan, timeout=300, env={"RESEARCHJOBS_HOME": str(where.root)})
    failed = crawl_summary(plan)
    if code not in (0, 1) or failed:
        console.print(f"[red]demo crawl had failures:[/] {', '.join(failed) or f'exit {code}'}; log {plan.log_file}")
    db = open_db(where.db)
    rows = search_jobs(db, JobFilter(limit=15))
    console.print(table(rows, ["title", "employer", "location_raw", "date_published", "role_family", "visa"], title="newest postings"))
    elapsed = time.perf_counter() - started
    console.print(f"database: {where.db}", highlight=False)
    console.print(
        f"explore it: RESEARCHJOBS_HOME={where.root} researchjobs jobs --q coordinator   "
        f"(demo took {elapsed:.1f} s)",
        highlight=False,
    )
    os.environ.setdefault("RESEARCHJOBS_DEMO_ELAPSED", f"{elapsed:.2f}")
    return where
