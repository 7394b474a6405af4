"""Terminal reports shared by commands: crawl summaries and status."""

from __future__ import annotations

from typing import Any

from researchjobs.output import console, table
from researchjobs.storage.db import open_db
from researchjobs.storage.queries import counts
from researchjobs.storage.runs import last_runs, runs_for

FAILED_OUTCOMES = ("failed", "partial", "interrupted", "running")
RUN_COLUMNS = ["source_id", "outcome", "seen", "new", "updated", "closed", "errors", "error_summary"]


def crawl_summary(plan: Any, quiet: bool = False) -> list[str]:
    """Print one row per source of a finished crawl; return the sources that failed."""
    db = open_db(plan.db_path)
    try:
        rows = runs_for(db, plan.run_ids())
    finally:
        db.conn.close()
    found = {r["source_id"] for r in rows}
    missing = [s.id for s in plan.sources if s.id not in found]
    for source_id in missing:  # the crawl process died before it could record anything
        rows.append({"source_id": source_id, "outcome": "failed", "error_summary": "crawl did not start"})
    if not quiet:
        console.print(table(_short(rows), RUN_COLUMNS, title="crawl"))
    return [r["source_id"] for r in rows if r["outcome"] in FAILED_OUTCOMES]


def _short(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out = []
    for row in rows:
        summary = row.get("error_summary") or ""
        out.append({**row, "error_summary": summary[:120] + ("…" if len(summary) > 120 else "")})
    return out


def print_status(db: Any) -> None:
    totals = counts(db)
    console.print(
        f"{totals['open']} open postings, {totals['closed']} closed, "
        f"from {totals['sources']} sources; database {db.conn.execute('PRAGMA database_list').fetchone()[2]}",
        highlight=False,
    )
    runs = last_runs(db)
    columns = ["source_id", "outcome", "started", "finished", "seen", "new", "closed", "error_summary"]
    console.print(table(_short(runs), columns, title="last crawl of each source"))
    print_schedule(db)


def print_schedule(db: Any) -> None:
    """Next scheduled runs (as `researchjobs schedule` would plan them now) and last digests."""
    from researchjobs.config import load_settings
    from researchjobs.digest import last_digests
    from researchjobs.scheduler import status_rows

    rows = status_rows(db, load_settings())
    crawls: dict[tuple[str, str], int] = {}
    for row in rows:
        if row["job"] == "crawl":
            key = (row["every"], row["next"] or "now")
            crawls[key] = crawls.get(key, 0) + 1
    planned = [
        {"job": "crawl", "what": f"{n} sources", "every": every, "next (UTC)": nxt}
        for (every, nxt), n in sorted(crawls.items(), key=lambda kv: kv[0][1])
    ] + [
        {"job": r["job"], "what": r["name"], "every": r["every"], "next (UTC)": r["next"], "local": r.get("next_local")}
        for r in rows
        if r["job"] in ("research sites", "digest")
    ]
    console.print(table(planned, ["job", "what", "every", "next (UTC)", "local"], title="next scheduled runs"))
    digests = last_digests(db)
    if digests:
        console.print(table(digests, ["profile", "local_date", "state", "channel", "item_count", "eligible_count",
                                      "sent_at", "open_count", "uncertain_count"], title="last digest per profile"))  # fmt: skip
