"""Digest rendering and delivery cost, against floors measured in the same run (not a test).

    python bench/bench_digest.py                 # 1,000 profiles × 20 matches
    python bench/bench_digest.py --profiles 200  # smaller
    python bench/bench_digest.py --schedule      # also: `researchjobs schedule` start → first digest

Three numbers, each with its floor:
- render: items → text + HTML + the MIME message, per digest; floor: a trivial Jinja2
  template rendered as many times (what any templating at all costs).
- ledger: ``run_digests`` to the outbox for every profile (select unsent matches in a
  write transaction, render, commit, write .eml/.html atomically, mark sent, refresh the
  Atom feed); floor: the render-only time, so the ratio is what exactly-once costs.
- schedule (optional): wall time from starting ``researchjobs schedule`` (subprocess,
  crawl of the demo boards via the replay server, matching, digest tick) to the first
  .eml in the outbox.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import jinja2

from researchjobs.config import PACKAGE_DATA, PROJECT_ROOT, Paths
from researchjobs.digest import render
from researchjobs.digest.ledger import run_digests
from researchjobs.digest.select import choose
from researchjobs.matcher.profiles import Profile
from researchjobs.posting import Posting
from researchjobs.storage.db import open_db
from researchjobs.storage.postings import posting_row, upsert_rows

TITLES = ["Clinical Research Coordinator I", "Clinical Research Assistant", "Research Assistant II",
          "Clinical Data Coordinator", "Regulatory Coordinator", "Clinical Trials Assistant"]  # fmt: skip
EMPLOYERS = [
    "Harborview Clinical Research",
    "Meridian Oncology Research Institute",
    "Lakeshore University Health",
]
NOW = datetime(2026, 11, 2, 14, 0, tzinfo=UTC)
REASONS = json.dumps(["+ entry-level CRC", "+ cap-exempt university", "− asks 12 months' experience, you have 0",
                      "+ Spanish", "+ 4 mi from Boston, MA", "+ pays $50,000-$62,000"])  # fmt: skip
DESCRIPTION = "Coordinate oncology trials: screening, consent, REDCap data entry, specimen shipping. " * 4


def synthetic_rows(count: int, seed: int) -> list[dict]:
    rng = random.Random(seed)
    rows = []
    for i in range(count):
        rows.append({
            "posting_key": f"k{seed}-{i}", "cluster_id": f"c{seed}-{i}", "eligible": int(rng.random() < 0.7),
            "score": rng.randint(40, 99), "title": rng.choice(TITLES), "employer": rng.choice(EMPLOYERS),
            "url": f"https://job-boards.greenhouse.io/x/jobs/{seed}{i}", "city": "Boston", "state": "MA",
            "remote": rng.choice(["onsite", "hybrid", "remote"]), "salary_min": 50000, "salary_max": 62000,
            "salary_period": "year", "date_published": "2026-11-01T10:00:00Z", "role_level": "entry",
            "cap_exempt": rng.choice(["likely", "unlikely"]), "visa": rng.choice(["possible", "unknown", "explicit_no"]),
            "experience_required_months": rng.choice([0, 6, 12]), "languages": '["Spanish"]', "reasons": REASONS,
            "gates": json.dumps([] if i % 3 else [{"gate": "sponsorship", "reason": "will not sponsor a visa"}]),
            "description": DESCRIPTION,
        })  # fmt: skip
    return rows


def profile(i: int, home: Path) -> Profile:
    return Profile(name=f"user{i:04d}", email=f"user{i}@example.org", timezone="America/New_York",
                   digest_time="07:30", roles=["clinical research coordinator"], languages=["Spanish"],
                   path=home / "profiles" / f"user{i:04d}.toml")  # fmt: skip


def bench_render(profiles: int, per: int, home: Path) -> float:
    inputs = [(profile(i, home), synthetic_rows(per, i)) for i in range(profiles)]
    started = time.perf_counter()
    chosen = [(person, choose(rows, person, limit=per, max_other=per)) for person, rows in inputs]
    select_s = time.perf_counter() - started
    views = [
        render.DigestView(person.name, "2026-11-02", items, str(person.path), feed_path="feeds/x.atom")
        for person, items in chosen
    ]
    started = time.perf_counter()
    for view in views:
        render.render_html(view)
        render.render_text(view)
    templates_s = time.perf_counter() - started
    started = time.perf_counter()
    size = 0
    for (person, _items), view in zip(chosen, views, strict=True):
        message_id = render.new_message_id(person.name, "2026-11-02", None)
        message, _html = render.build_message(view, sender=None, recipient=person.email, message_id=message_id,
                                              when=NOW)  # fmt: skip
        size += len(message)
    build_s = time.perf_counter() - started
    elapsed = select_s + build_s
    trivial = jinja2.Environment(autoescape=True).from_string("<p>Hello {{ name }}, {{ count }} jobs</p>")
    started = time.perf_counter()
    for person, rows in inputs:
        trivial.render(name=person.name, count=len(rows))
    floor = time.perf_counter() - started
    per_ms = 1000 / profiles
    print(f"render   {profiles} digests × {per} items: {elapsed:.2f} s = {elapsed * per_ms:.2f} ms/digest, "
          f"{size / profiles / 1024:.0f} KiB/message\n"
          f"         = select+badges {select_s * per_ms:.2f} ms + Jinja2 text+HTML {templates_s * per_ms:.2f} ms"
          f" + MIME (stdlib email, quoted-printable) {(build_s - templates_s) * per_ms:.2f} ms\n"
          f"         floor: a trivial Jinja2 template × {profiles} = {floor * 1000:.1f} ms ({floor * per_ms * 1000:.1f} µs"
          f" each): a digest is ×{elapsed / floor:.0f} the floor, its two templates ×{templates_s / floor:.0f}")  # fmt: skip
    return elapsed


def bench_ledger(profiles: int, per: int, home: Path, render_s: float) -> None:
    where = Paths(home).ensure()
    (home / "config.toml").write_text(
        f"[digest]\nmax_items = {per}\nmax_not_open = {per}\n", encoding="utf-8"
    )
    db = open_db(where.db)
    rows = []
    for i in range(max(per * 10, 2000)):
        post = Posting("greenhouse", "greenhouse:bench", str(i), TITLES[i % len(TITLES)],
                       f"https://job-boards.greenhouse.io/bench/jobs/{i}", employer=EMPLOYERS[i % 3],
                       description=DESCRIPTION)  # fmt: skip
        facts = {"role_level": "entry", "city": "Boston", "state": "MA", "visa": "possible", "salary_min": 50000,
                 "salary_max": 62000, "salary_period": "year", "languages": '["Spanish"]'}  # fmt: skip
        rows.append(posting_row(post, facts))
    upsert_rows(db, rows, now="2026-11-01T12:00:00Z")
    keys = [r["key"] for r in rows]
    rng = random.Random(7)
    people = [profile(i, home) for i in range(profiles)]
    stamp = "2026-11-01T12:00:00Z"
    matches = [
        (
            person.name,
            key,
            int(rng.random() < 0.7),
            "[]",
            rng.randint(40, 99),
            "{}",
            REASONS,
            stamp,
            None,
            stamp,
            stamp,
        )
        for person in people
        for key in rng.sample(keys, per)
    ]
    with db.conn:
        db.conn.executemany("INSERT INTO matches VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", matches)
    started = time.perf_counter()
    results = run_digests(db, where, profiles=people, now=NOW)
    elapsed = time.perf_counter() - started
    sent = sum(1 for r in results if r.state == "sent")
    items = sum(r.items for r in results)
    print(f"ledger   run_digests → outbox: {sent} digests, {items} items, {elapsed:.2f} s = "
          f"{elapsed / profiles * 1000:.2f} ms/digest (select in a write transaction, render, commit, fsync'd "
          f".eml + .html, mark sent, Atom feed): ×{elapsed / render_s:.2f} the render-only time")  # fmt: skip
    db.conn.close()


def bench_schedule(home: Path) -> None:
    from researchjobs.replay import ReplayServer

    profiles = home / "profiles"
    profiles.mkdir(parents=True, exist_ok=True)
    text = (PACKAGE_DATA / "demo" / "profiles" / "amina.toml").read_text(encoding="utf-8")
    text = "\n".join(line for line in text.splitlines() if not line.startswith(("timezone", "digest_time")))
    (profiles / "amina.toml").write_text(
        f'timezone = "UTC"\ndigest_time = "00:00"\n{text}\n', encoding="utf-8"
    )
    (home / "config.toml").write_text("[digest]\ntick_minutes = 0.01\n", encoding="utf-8")
    with ReplayServer(PACKAGE_DATA / "replay" / "demo") as server:
        argv = [sys.executable, "-m", "researchjobs", "schedule", "--replay", server.url,
                "--registry", str(PACKAGE_DATA / "demo" / "sources.toml"),
                "--set", "AUTOTHROTTLE_ENABLED=False", "--set", "DOWNLOAD_DELAY=0"]  # fmt: skip
        started = time.perf_counter()
        child = subprocess.Popen(argv, cwd=PROJECT_ROOT, env=dict(os.environ, RESEARCHJOBS_HOME=str(home)),
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
        try:
            while not list((home / "outbox").glob("*.eml")):
                if time.perf_counter() - started > 300 or child.poll() is not None:
                    raise SystemExit("schedule: no digest within 300 s (see logs/scheduler.log)")
                time.sleep(0.05)
            elapsed = time.perf_counter() - started
        finally:
            child.terminate()
            child.wait(timeout=120)
    print(
        f"schedule `researchjobs schedule` start → first digest (4 demo boards crawled, matched): {elapsed:.1f} s"
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--profiles", type=int, default=1000)
    parser.add_argument("--matches", type=int, default=20)
    parser.add_argument("--schedule", action="store_true", help="also time schedule start → first digest")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp)
        os.environ["RESEARCHJOBS_HOME"] = str(home)
        render_s = bench_render(args.profiles, args.matches, home)
        bench_ledger(args.profiles, args.matches, home / "ledger", render_s)
        if args.schedule:
            bench_schedule(home / "schedule")


if __name__ == "__main__":
    main()
