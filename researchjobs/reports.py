"""Terminal reports shared by commands: crawl summaries and status."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from researchjobs.output import console, err_console, table, tagged
from researchjobs.storage.db import open_db
from researchjobs.storage.queries import counts
from researchjobs.storage.runs import last_runs, runs_for

#: Outcomes that need the user: the board failed, or moved somewhere we do not follow.
FAILED_OUTCOMES = ("failed", "partial", "interrupted", "running", "moved")
RUN_COLUMNS = ["source_id", "outcome", "seen", "new", "updated", "closed", "errors", "warnings", "why"]
#: Skipped-job warnings printed per source under the crawl table (all are in crawl_runs.stats_json).
WARNINGS_SHOWN = 3


@dataclass
class CrawlReport:
    """What a finished crawl means for the user."""

    failed: list[str] = field(default_factory=list)  # source ids
    offline: str | None = None  # the one line, when the crawl stopped because we are offline
    suspicious: list[str] = field(default_factory=list)


def judge_runs(runs: list[dict[str, Any]]) -> CrawlReport:
    """Sort a batch's crawl_runs rows into failed, offline and suspicious."""
    offline = next((r.get("error_summary") or "offline" for r in runs if r["outcome"] == "offline"), None)
    return CrawlReport(
        failed=[r["source_id"] for r in runs if r["outcome"] in FAILED_OUTCOMES],
        offline=offline,
        suspicious=[r["source_id"] for r in runs if r["outcome"] == "suspicious"],
    )


def crawl_summary(plan: Any, quiet: bool = False, storage_errors: Sequence[str] = ()) -> CrawlReport:
    """Print one row per source of a finished crawl (nothing when the crawl was offline).

    ``storage_errors`` are database failures the crawl met (a full disk): they are printed
    even when quiet, since they may be missing from the run rows they kept from being written.
    """
    db = open_db(plan.db_path)
    try:
        rows = runs_for(db, plan.run_ids())
    finally:
        db.conn.close()
    found = {r["source_id"] for r in rows}
    missing = [s.id for s in plan.sources if s.id not in found]
    for source_id in missing:  # the crawl process died before it could record anything
        why = "not recorded: storage error (below)" if storage_errors else "crawl did not start"
        rows.append({"source_id": source_id, "outcome": "failed", "error_summary": why})
    report = judge_runs(rows)
    warnings = {r["source_id"]: _warnings(r) for r in rows}
    if not quiet and not report.offline:
        counted = [{**r, "warnings": warnings[r["source_id"]][0] or ""} for r in rows]
        console.print(table(_short(counted), RUN_COLUMNS, title="crawl"))
        for source_id, (count, lines) in warnings.items():
            for line in lines[:WARNINGS_SHOWN]:
                err_console.print(tagged("warning:", "yellow", f"{source_id}: {line}"), highlight=False)
            if count > WARNINGS_SHOWN:
                more = f"{source_id}: {count - WARNINGS_SHOWN} more jobs skipped (log: {plan.log_file})"
                err_console.print(tagged("warning:", "yellow", more), highlight=False)
    for message in dict.fromkeys(storage_errors):
        err_console.print(tagged("storage error:", "red", message), highlight=False)
    return report


def _why(row: dict[str, Any]) -> str:
    return " | ".join(x for x in (row.get("note"), row.get("error_summary")) if x)


def _warnings(row: dict[str, Any]) -> tuple[int, list[str]]:
    """How many jobs the run skipped as unreadable (which did not fail it), and the first reasons."""
    try:
        stats = json.loads(row.get("stats_json") or "{}")
    except ValueError:
        return 0, []
    listed = [str(w) for w in stats.get("warnings") or [] if w]
    return max(len(listed), int(stats.get("skipped_jobs") or 0)), listed


def _short(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out = []
    for row in rows:
        why = _why(row)
        out.append({**row, "why": why[:120] + ("…" if len(why) > 120 else "")})
    return out


def print_status(db: Any) -> None:
    totals = counts(db)
    console.print(
        f"{totals['open']} open postings, {totals['closed']} closed, "
        f"from {totals['sources']} sources; database {db.conn.execute('PRAGMA database_list').fetchone()[2]}",
        highlight=False,
        markup=False,
    )
    runs = last_runs(db)
    columns = ["source_id", "outcome", "started", "finished", "seen", "new", "closed", "why"]
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


def print_health(db: Any, source_ids: list[str], attention_after: int, fmt: str = "table") -> list[Any]:
    """Per source: last outcome, failures in a row, postings trend, last listing, what to do."""
    from researchjobs.health import source_health
    from researchjobs.output import emit
    from researchjobs.storage.runs import last_listed, recent_runs

    health = source_health(source_ids, recent_runs(db), last_listed(db), attention_after)
    rows = [h.row() for h in health]
    columns = list(rows[0]) if rows else ["source"]
    needing = sum(h.needs_attention for h in health)
    emit(rows, fmt, columns, title=f"source health: {needing} of {len(rows)} need attention "
                                   f"({attention_after} failed crawls in a row)")  # fmt: skip
    return health
