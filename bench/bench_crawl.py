"""Crawl benchmark: responses/s and postings/s over the replay server, and peak memory.

A synthetic Lever board of N postings (100 per page) is crawled through the real
stack — Scrapy, robots.txt, retries, the replay middleware, normalise + enrich + store
— in a subprocess, exactly as the scheduler runs it. The floor is ``scrapy bench``
(Scrapy's own local crawl with no item processing) measured in the same run. Peak RSS
is Scrapy's own ``memusage/max`` for the crawl process.

    python bench/bench_crawl.py [N]
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from researchjobs.crawler import CrawlPlan, run_in_subprocess
from researchjobs.replay import Recordings, ReplayServer
from researchjobs.sources import load_registry
from researchjobs.storage.db import open_db
from researchjobs.storage.runs import runs_for

TITLES = ["Clinical Research Coordinator I", "Research Assistant II", "Clinical Research Data Coordinator",
          "Regulatory Coordinator", "Clinical Research Nurse", "Clinical Trials Assistant"]  # fmt: skip
TEXT = ("Coordinate clinical trials in {city}. Bachelor's degree required; MD/MBBS welcome. {years} year(s) of"
        " research experience. CITI GCP within 30 days. Pay: $52,000 - $60,000 per year. {visa}")  # fmt: skip
CITIES = ["Boston, MA", "Houston, TX", "Chicago, IL", "Durham, NC", "Remote - US"]
VISAS = ["", "This position is not eligible for visa sponsorship.", "H-1B sponsorship available."]
PAGE = 100


BOARD = 10_000  # postings per board: a big academic employer; the crawl covers N // BOARD boards


def recordings(n: int, board: str = "benchboard", rec: Recordings | None = None) -> Recordings:
    rec = rec or Recordings()
    for start in range(0, n + 1, PAGE):
        items = []
        for i in range(start, min(start + PAGE, n)):
            city = CITIES[i % len(CITIES)]
            items.append({
                "id": f"00000000-0000-4000-8000-{i:012d}", "text": TITLES[i % len(TITLES)],
                "hostedUrl": f"https://jobs.lever.co/{board}/{i}", "createdAt": 1763366400000 - i * 1000,
                "categories": {"location": city, "commitment": "Full-time"}, "workplaceType": "on-site",
                "descriptionPlain": TEXT.format(city=city, years=i % 3, visa=VISAS[i % 3]),
                "description": "<p>" + TEXT.format(city=city, years=i % 3, visa=VISAS[i % 3]) + "</p>",
            })  # fmt: skip
        url = f"https://api.lever.co/v0/postings/{board}?mode=json&skip={start}&limit={PAGE}"
        rec.add({"url": url, "json": items})
        if len(items) < PAGE:
            break
    return rec


def scrapy_bench(seconds: int = 10) -> float:
    out = subprocess.run(
        [sys.executable, "-m", "scrapy", "bench", "-s", f"CLOSESPIDER_TIMEOUT={seconds}", "-s", "LOG_LEVEL=INFO"],
        capture_output=True, text=True, cwd=tempfile.gettempdir(), timeout=seconds * 6,
    )  # fmt: skip
    count = int(re.search(r"'response_received_count': (\d+)", out.stderr).group(1))
    elapsed = float(re.search(r"'elapsed_time_seconds': ([\d.]+)", out.stderr).group(1))
    return count / elapsed


def main(n: int = 100_000) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp:
        tmpdir = Path(tmp)
        registry_path = tmpdir / "sources.toml"
        boards = [f"benchboard{b}" for b in range(max(1, n // BOARD))]
        registry_path.write_text("".join(
            f'[[source]]\nid = "lever:{b}"\nfamily = "lever"\nemployer = "Bench University Hospital {b}"\n'
            f'employer_type = "academic_medical_centre"\nsite = "{b}"\n\n' for b in boards
        ))  # fmt: skip
        registry = load_registry(registry_path)
        rec = Recordings()
        for b in boards:
            recordings(min(n, BOARD), b, rec)
        with ReplayServer(recordings=rec) as server:
            plan = CrawlPlan.new(
                list(registry.sources.values()), tmpdir / "bench.db", registry_path, replay_url=server.url,
                log_file=tmpdir / "crawl.log",
                settings={"AUTOTHROTTLE_ENABLED": "False", "DOWNLOAD_DELAY": "0", "CONCURRENT_REQUESTS_PER_DOMAIN": "1",
                          "RESEARCHJOBS_BATCH_SIZE": "500", "LOG_LEVEL": "INFO"},
            )  # fmt: skip
            started = time.perf_counter()
            run_in_subprocess(plan, timeout=3600, env={"RESEARCHJOBS_HOME": str(tmpdir)})
            elapsed = time.perf_counter() - started
        db = open_db(plan.db_path)
        runs = runs_for(db, plan.run_ids())
        db.conn.close()
        run = {
            "seen": sum(r["seen"] for r in runs),
            "outcome": ",".join(sorted({r["outcome"] for r in runs})),
        }
        stats = json.loads(runs[0]["stats_json"] or "{}")
        log = (tmpdir / "crawl.log").read_text()
        peak = re.search(r"'memusage/max': (\d+)", log)
        responses = sum(rec.hits.values())
    floor = scrapy_bench()
    result = {
        "postings": run["seen"],
        "outcome": run["outcome"],
        "seconds": elapsed,
        "responses_per_s": responses / elapsed,
        "postings_per_s": run["seen"] / elapsed,
        "scrapy_bench_responses_per_s": floor,
        "peak_rss_mb": int(peak.group(1)) / 2**20 if peak else float("nan"),
    }
    print(f"crawl benchmark: {run['seen']:,} postings stored from {len(runs)} boards over {responses} responses,"
          f" outcome {run['outcome']}")  # fmt: skip
    print(f"  wall time (subprocess, incl. start-up)  {elapsed:8.1f} s")
    print(f"  responses/s                              {result['responses_per_s']:8.1f}")
    print(f"  postings/s (crawl+normalise+enrich+store){result['postings_per_s']:8.1f}")
    print(f"  floor: scrapy bench responses/s          {floor:8.1f}  (ratio {floor / result['responses_per_s']:.1f}x)")
    print(f"  peak RSS of the crawl process            {result['peak_rss_mb']:8.0f} MiB")
    print(f"  stats: {stats.get('downloader/request_count')} requests")
    return result


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000)
