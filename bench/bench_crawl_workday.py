"""Crawl a 2,000-posting Workday tenant over the replay server and report throughput.

Run: ``.venv/bin/python bench/bench_crawl_workday.py [--postings 2000] [--per-domain 2]``

The recordings are generated into a temporary directory at run time: two search terms
("clinical" and "research") that overlap, 20 jobs per list page, one detail per job, so
the spider's whole path (paging, term merge, detail fetch, enrichment, SQLite upserts)
is measured. The crawl runs the way the scheduler runs it, ``python -m researchjobs
crawl`` in a subprocess, with politeness delays off (they would measure only themselves).

Figures: responses/s and postings/s over the spider's own elapsed time (from the Scrapy
stats in the crawl log) and over the wall time including process start-up. The floor is
bare HTTP: the same requests fetched from the same replay server by ``http.client`` with
the same number of connections, so the ratio says what Scrapy + parsing + enrichment +
storage cost on top of moving the bytes.

``--tcp-nodelay`` sets TCP_NODELAY on the replay server's sockets (patched in this
process only). The replay server writes headers and body in two sends, so without it
Nagle's algorithm and the client's delayed ACK add up to 40 ms per keep-alive response,
and the figures measure that stall rather than the crawler.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import re
import socket
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from researchjobs.crawler import CrawlPlan, run_in_subprocess
from researchjobs.replay import Recordings, ReplayServer, rewrite
from researchjobs.sources import load_registry
from researchjobs.storage.db import open_db
from researchjobs.storage.runs import runs_for

HOST, TENANT, SITE = "mercyridge.wd1.myworkdayjobs.com", "mercyridge", "MRH_Careers"
TITLES = [
    "Clinical Research Coordinator I", "Clinical Research Coordinator II", "Clinical Research Assistant",
    "Research Assistant I", "Research Assistant II", "Clinical Research Data Coordinator",
    "Regulatory Affairs Specialist", "Research Nurse", "Clinical Research Associate I", "IRB Coordinator",
    "Research Program Coordinator", "Biorepository Technician", "Patient Recruitment Specialist",
]  # fmt: skip
AREAS = ["Oncology", "Cardiology", "Neurology", "Pediatrics", "Infectious Diseases", "Psychiatry", "Nephrology"]
CITIES = ["Cleveland, OH", "Akron, OH", "Toledo, OH", "Pittsburgh, PA", "Erie, PA"]
VISA = [
    "This position is not eligible for visa sponsorship.",
    "Mercy Ridge Health is an H-1B cap-exempt employer; sponsorship may be considered.",
    "",
]
FAST = {"AUTOTHROTTLE_ENABLED": "False", "DOWNLOAD_DELAY": "0", "DOWNLOAD_TIMEOUT": "30", "LOG_LEVEL": "INFO"}


def slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9]", "-", text)


def generate(root: Path, postings: int) -> tuple[int, list[dict[str, Any]]]:
    """Recordings for a tenant of ``postings`` jobs; returns (responses, manifest entries)."""
    rng = random.Random(postings)
    root.mkdir(parents=True, exist_ok=True)
    jobs = []
    for n in range(postings):
        title, area, city = rng.choice(TITLES), rng.choice(AREAS), rng.choice(CITIES)
        req = f"R{100000 + n * 7}"
        low = 44000 + rng.randrange(0, 20000, 500)
        description = (
            f"<p><b>Department:</b> {area} Research</p><p>Mercy Ridge Health seeks a {title} to coordinate "
            f"{area.lower()} trials: screening, consent, visits, specimen handling and EDC entry in REDCap and OnCore.</p>"
            "<p><b>Responsibilities</b></p><ul><li>Screen and enroll participants per protocol and ICH-GCP.</li>"
            "<li>Maintain regulatory binders and prepare IRB submissions.</li><li>Report adverse events and "
            "deviations on time.</li></ul><p><b>Minimum Qualifications</b></p><ul><li>Bachelor's degree in a health "
            "or life science; 0-1 years of research experience. Foreign medical graduates are encouraged to apply."
            "</li></ul><p><b>Preferred</b></p><ul><li>SOCRA CCRP or ACRP CCRC within 12 months of hire.</li></ul>"
            f"<p>Pay Range: ${low:,.2f} - ${low + 15000:,.2f} Annual</p><p>{rng.choice(VISA)}</p>"
        )
        jobs.append({"title": title, "req": req, "city": city, "description": description,
                     "path": f"/job/{slug(city)}/{slug(title)}_{req}", "days": rng.randrange(0, 40)})  # fmt: skip
    # Two overlapping searches that together list every job once or twice.
    split = postings * 3 // 5
    terms = {"clinical": jobs[:split], "research": jobs[split - postings // 10 :]}
    entries: list[dict[str, Any]] = []
    url = f"https://{HOST}/wday/cxs/{TENANT}/{SITE}/jobs"
    for term, listed in terms.items():
        for offset in range(0, len(listed), 20):
            items = [
                {"title": j["title"], "externalPath": j["path"], "locationsText": j["city"],
                 "postedOn": f"Posted {j['days']} Days Ago" if j["days"] < 30 else "Posted 30+ Days Ago",
                 "bulletFields": [j["req"]]}
                for j in listed[offset : offset + 20]
            ]  # fmt: skip
            page = {"total": len(listed) if offset == 0 else 0, "jobPostings": items, "facets": [],
                    "userAuthenticated": False}  # fmt: skip
            name = f"list_{term}_{offset}.json"
            (root / name).write_text(json.dumps(page, separators=(",", ":")))
            body = {"appliedFacets": {}, "limit": 20, "offset": offset, "searchText": term}
            entries.append({"method": "POST", "url": url, "body": body, "file": name})
    for j in jobs:
        info = {"id": f"{rng.getrandbits(128):032x}", "title": j["title"], "jobDescription": j["description"],
                "location": j["city"], "postedOn": "Posted 3 Days Ago", "startDate": f"2026-10-{1 + j['days'] % 28:02d}",
                "timeType": "Full time", "jobReqId": j["req"], "remoteType": "Onsite",
                "externalUrl": f"https://{HOST}/{SITE}{j['path']}",
                "jobRequisitionLocation": {"descriptor": j["city"], "country": {"alpha2Code": "US"}}}  # fmt: skip
        detail = {"jobPostingInfo": info, "hiringOrganization": {"name": "2100 Mercy Ridge Health", "url": ""},
                  "similarJobs": [], "userAuthenticated": False}  # fmt: skip
        name = f"job_{j['req']}.json"
        (root / name).write_text(json.dumps(detail, separators=(",", ":")))
        entries.append({"method": "GET", "url": f"https://{HOST}/wday/cxs/{TENANT}/{SITE}{j['path']}", "file": name})
    (root / "manifest.json").write_text(json.dumps({"responses": entries}))
    return len(entries), entries


def bare_http_floor(server_url: str, entries: list[dict[str, Any]], connections: int) -> float:
    """Seconds for ``connections`` keep-alive clients to fetch every recording once."""
    target = urlsplit(server_url)
    work = list(entries)
    lock = threading.Lock()

    def worker() -> None:
        conn = http.client.HTTPConnection(target.hostname, target.port, timeout=30)
        while True:
            with lock:
                if not work:
                    break
                entry = work.pop()
            path = urlsplit(rewrite(entry["url"], server_url))
            body = json.dumps(entry["body"]).encode() if "body" in entry else None
            conn.request(entry.get("method", "GET"), f"{path.path}?{path.query}" if path.query else path.path,
                         body=body, headers={"Content-Type": "application/json"})  # fmt: skip
            response = conn.getresponse()
            json.loads(response.read())  # the floor parses JSON too
        conn.close()

    started = time.perf_counter()
    threads = [threading.Thread(target=worker) for _ in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.perf_counter() - started


def no_nagle() -> None:
    from researchjobs import replay

    setup = replay._Handler.setup

    def setup_without_nagle(handler: Any) -> None:
        setup(handler)
        handler.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    replay._Handler.setup = setup_without_nagle  # type: ignore[method-assign]


def in_process_costs(root: Path, entries: list[dict[str, Any]]) -> tuple[float, float, int]:
    """Seconds to parse every recorded response, and to enrich the detail Postings, with no I/O."""
    from researchjobs.pipelines import enrich_row
    from researchjobs.spiders.base import ParseContext
    from researchjobs.spiders.workday import parse_any

    ctx = ParseContext("workday:mercyridge", "workday", employer="Mercy Ridge Health",
                       crawled_at="2026-11-04T12:00:00Z", params={"host": HOST, "tenant": TENANT, "site": SITE})  # fmt: skip
    bodies = [(root / e["file"]).read_bytes() for e in entries]
    started = time.perf_counter()
    parsed = [parse_any(body, ctx) for body in bodies]
    parse_s = time.perf_counter() - started
    details = [p for entry, found in zip(entries, parsed, strict=True) if entry.get("method") == "GET" for p in found]
    enrich_row(details[0])  # first call loads gazetteers and models; not per-posting cost
    started = time.perf_counter()
    for posting in details:
        enrich_row(posting)
    return parse_s, time.perf_counter() - started, len(details)


def scrapy_stats(log: Path) -> dict[str, float]:
    text = log.read_text(encoding="utf-8", errors="replace") if log.exists() else ""
    found = {}
    for key in ("elapsed_time_seconds", "downloader/response_count", "item_scraped_count"):
        if match := re.search(rf"'{re.escape(key)}': ([0-9.]+)", text):
            found[key] = float(match.group(1))
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postings", type=int, default=2000)
    parser.add_argument("--per-domain", type=int, default=2, help="CONCURRENT_REQUESTS_PER_DOMAIN (project default 2)")
    parser.add_argument("--tcp-nodelay", action="store_true", help="Disable Nagle on the replay server's sockets.")
    args = parser.parse_args()
    if args.tcp_nodelay:
        no_nagle()

    with tempfile.TemporaryDirectory(prefix="bench-workday-") as tmp:
        work = Path(tmp)
        responses, entries = generate(work / "rec", args.postings)
        home = work / "home"
        home.mkdir()
        registry = work / "sources.toml"
        registry.write_text(
            '[[source]]\nid = "workday:mercyridge"\nfamily = "workday"\nemployer = "Mercy Ridge Health"\n'
            f'employer_type = "health_system"\nhost = "{HOST}"\ntenant = "{TENANT}"\nsite = "{SITE}"\n'
            'search = ["clinical", "research"]\n',
            encoding="utf-8",
        )
        source = load_registry(registry).sources["workday:mercyridge"]
        recordings = Recordings().load_dir(work / "rec")
        settings = {**FAST, "CONCURRENT_REQUESTS_PER_DOMAIN": str(args.per_domain)}
        with ReplayServer(recordings=recordings) as server:
            floor = bare_http_floor(server.url, entries, args.per_domain)
            recordings.hits.clear()
            plan = CrawlPlan.new([source], work / "jobs.db", registry, replay_url=server.url, settings=settings)
            started = time.perf_counter()
            code = run_in_subprocess(plan, timeout=1800, env={"RESEARCHJOBS_HOME": str(home)})
            wall = time.perf_counter() - started
        db = open_db(work / "jobs.db")
        try:
            [run] = runs_for(db, plan.run_ids())
            stored = db.execute("SELECT COUNT(*) FROM postings").fetchone()[0]
        finally:
            db.conn.close()
        stats = scrapy_stats(home / "logs" / f"crawl-{plan.batch_id}.log")
        parse_s, enrich_s, details = in_process_costs(work / "rec", entries)

    served = sum(recordings.hits.values())
    elapsed = stats.get("elapsed_time_seconds") or wall
    print(f"workday tenant: {args.postings} postings, {responses} recorded responses "
          f"(2 overlapping search terms, 20 per page), CONCURRENT_REQUESTS_PER_DOMAIN={args.per_domain}, "
          f"replay TCP_NODELAY={'on' if args.tcp_nodelay else 'off'}")  # fmt: skip
    print(f"crawl: exit {code}, outcome {run['outcome']}, seen {run['seen']}, stored {stored}, "
          f"replay hits {served} ({len(recordings.unmatched)} unmatched, robots.txt included)")  # fmt: skip
    print(f"spider elapsed {elapsed:.2f} s: {served / elapsed:.1f} responses/s, {run['seen'] / elapsed:.1f} postings/s")
    print(f"wall incl. process start-up {wall:.2f} s: {served / wall:.1f} responses/s, {run['seen'] / wall:.1f} postings/s")
    print(f"floor (bare http.client, {args.per_domain} connections, same recordings): {floor:.2f} s, "
          f"{responses / floor:.1f} responses/s; crawl/floor time ratio {elapsed / floor:.1f}x")  # fmt: skip
    print(f"in-process, no I/O: parse all {responses} responses {parse_s:.2f} s ({responses / parse_s:.0f}/s); "
          f"normalise+enrich {details} postings {enrich_s:.2f} s ({details / enrich_s:.0f} postings/s)")  # fmt: skip
    if run["outcome"] != "ok" or run["seen"] != args.postings:
        print(f"warning: expected an ok run of {args.postings} postings: {run['error_summary']}", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    main()
