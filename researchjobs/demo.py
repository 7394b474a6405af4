"""``researchjobs demo``: the main job end to end, offline, on bundled recordings.

It starts the replay server on 127.0.0.1, crawls the demo registry's boards in a
subprocess (the way the scheduler does), then the recorded ClinicalTrials.gov studies
around the sample IMG profile's places (fictional sites in Boston and Houston), matches
the profile, writes its digest (with "Research sites near you") to the outbox, and says
where everything is.
"""

from __future__ import annotations

import shutil
import time
from pathlib import Path

from rich.markup import escape

from researchjobs.config import PACKAGE_DATA, Paths, paths
from researchjobs.crawler import CrawlPlan, run_in_subprocess
from researchjobs.digest import run_digests
from researchjobs.h1b.importer import import_file
from researchjobs.h1b.records import refresh
from researchjobs.matcher import load_profile, run_matching_many, top_matches
from researchjobs.output import console, table, tagged
from researchjobs.replay import ReplayServer
from researchjobs.reports import crawl_summary
from researchjobs.sources import load_registry
from researchjobs.storage.db import open_db
from researchjobs.storage.queries import JobFilter, search_jobs
from researchjobs.trials.areas import for_profile, union
from researchjobs.trials.crawl import link_sites, plan_for
from researchjobs.trials.leads import find_leads, lead_row, profile_circles, source_line

DEMO_REGISTRY = PACKAGE_DATA / "demo" / "sources.toml"
DEMO_RECORDINGS = PACKAGE_DATA / "replay" / "demo"
DEMO_PROFILES = PACKAGE_DATA / "demo" / "profiles"
#: Generated (fictional) LCA filings by the demo's employers; see data/demo/h1b/README.md.
DEMO_LCA = PACKAGE_DATA / "demo" / "h1b" / "LCA_Disclosure_Data_FY2025_Q4_GENERATED_DEMO.csv"


def install_demo_profiles(where: Paths) -> list:
    """Copy the sample IMG profile(s) into the demo's profiles folder, so they can be edited."""
    profiles = []
    for source in sorted(DEMO_PROFILES.glob("*.toml")):
        target = where.profiles / source.name
        if not target.exists():
            shutil.copyfile(source, target)
        profiles.append(load_profile(target))
    return profiles


def show_top_matches(db: object, profile: object, limit: int = 8) -> None:
    matches = top_matches(db, profile.name, limit=limit)
    rows = [
        {
            "score": f"{m['score']:.0f}",
            "title": m["title"],
            "employer": m["employer"],
            "why": "; ".join(m.get("reasons") or [])[:160],
            "H-1B record": m.get("sponsor_line") or "",
        }
        for m in matches
    ]
    console.print(table(rows, ["score", "title", "employer", "why", "H-1B record"], title=f"top matches for {profile.name}"))


def import_demo_sponsors(db: object, registry: object) -> None:
    """The demo employers' H-1B record, from a generated LCA file (not DOL data)."""
    result = import_file(db, DEMO_LCA)
    refresh(db, [(s.employer, s.employer_type) for s in registry.sources.values()])
    console.print(f"H-1B records: {result.describe()} [generated demo data, not DOL data]", highlight=False)


def show_leads(db: object, registry: object, profiles: list) -> None:
    """Link the research sites to the demo's employers, then each profile's best five leads."""
    console.print(f"research sites: {link_sites(db, registry).describe()}", highlight=False)
    for profile in profiles:
        circles, states = profile_circles(profile)
        leads = find_leads(db.conn, circles, states)
        rows = [lead_row(lead, n) for n, lead in enumerate([x for x in leads if x.name_kind != "placeholder"][:5], 1)]
        for row in rows:
            row["where"] = f"{row['city']}, {row['state']} · {row['miles']} mi"
        console.print(table(rows, ["rank", "facility", "where", "trials", "employer", "why"],
                            title=f"research sites near {profile.name} (researchjobs leads --profile {profile.name})"))  # fmt: skip
        console.print(source_line(max((lead.retrieved for lead in leads if lead.retrieved), default=None)), highlight=False)


def demo_paths(home: Path | None) -> Paths:
    return Paths(home.resolve() if home else paths().root / "demo").ensure()


def run_demo(home: Path | None = None) -> Paths:
    started = time.perf_counter()
    where = demo_paths(home)
    if not where.sources.exists():  # the demo's own registry, so status and crawl agree with it
        shutil.copyfile(DEMO_REGISTRY, where.sources)
    registry = load_registry(where.sources)
    console.print(f"[bold]researchjobs demo[/] — data in {escape(str(where.root))}", highlight=False)
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
        profiles = install_demo_profiles(where)
        trials_plan = plan_for(
            union([a for p in profiles for a in for_profile(p)[0]]), where.db, registry.path, replay_url=server.url,
            log_file=where.logs / "demo-trials.log", settings={"AUTOTHROTTLE_ENABLED": "False", "DOWNLOAD_DELAY": "0"},
        )  # fmt: skip
        areas = ", ".join(s.params["label"] for s in trials_plan.sources)
        console.print(f"replaying ClinicalTrials.gov studies around {areas}", highlight=False, markup=False)
        trials_code = run_in_subprocess(trials_plan, timeout=300, env={"RESEARCHJOBS_HOME": str(where.root)})
    failed = crawl_summary(plan).failed + crawl_summary(trials_plan).failed
    if code not in (0, 1) or trials_code not in (0, 1) or failed:
        why = ", ".join(failed) or f"exit {code}, {trials_code}"
        console.print(tagged("demo crawl had failures:", "red", f"{why}; logs {plan.log_file}, {trials_plan.log_file}"))
    db = open_db(where.db)
    rows = search_jobs(db, JobFilter(limit=15))
    console.print(table(rows, ["title", "employer", "location_raw", "role_family", "role_level", "visa", "cap_exempt"], title="newest postings"))
    import_demo_sponsors(db, registry)
    show_leads(db, registry, profiles)
    run_matching_many(db, profiles)
    for profile in profiles:
        show_top_matches(db, profile)
    results = run_digests(db, where, profiles=profiles)
    for result in results:
        console.print(f"digest: {result.describe()}", highlight=False, markup=False)
    elapsed = time.perf_counter() - started
    console.print(f"database: {where.db}", highlight=False, markup=False)
    digests = [r.path for r in results if getattr(r, "path", None)]
    if digests:
        console.print(f"today's digest: {digests[0]} (and {Path(digests[0]).with_suffix('.html')})", highlight=False, markup=False)
    console.print(
        f"explore it: RESEARCHJOBS_HOME={where.root} researchjobs jobs --q coordinator   "
        f"(demo took {elapsed:.1f} s)",
        highlight=False,
        markup=False,
    )
    return where
