"""Source health over time: is a board still worth crawling, and if not, why and what to do.

Read from the ``crawl_runs`` ledger. Only the board's own failures count against it
(``failed``, ``partial``, ``moved``); runs that say nothing about the board (``offline``,
``interrupted``, ``skipped``) are passed over, so a week on hotel Wi-Fi never marks a
good board as broken. A board that failed ``attention_after`` crawls in a row needs
attention: its likely cause (from the runs' ``cause``) comes with the command to fix it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

ATTENTION_AFTER = 5
BOARD_FAILURES = ("failed", "partial", "moved")
COMPLETE = ("ok", "suspicious")
#: Runs that say nothing about the board itself.
NEUTRAL = ("offline", "interrupted", "skipped", "running")

ADVICE = {
    "moved": "researchjobs sources check --fix {id}   (updates it if it moved within its hiring system; "
    "otherwise `researchjobs sources remove {id}` and add the new careers URL)",
    "wrong_identifier": "researchjobs sources check {id}   (then correct the entry in sources.toml, "
    "or `researchjobs sources remove {id}`)",
    "blocked": "researchjobs sources check {id}   later; if it stays blocked, set enabled = false for it "
    "in sources.toml",
    "server_error": "researchjobs sources check {id}   later: the board's server is failing",
    "unreachable": "researchjobs sources check {id}   later: the board's server does not answer",
    "data": "researchjobs sources check {id}   (the board answers in a shape its parser does not read; "
    "the crawl log has the details)",
    "incomplete": "researchjobs crawl {id} --set RESEARCHJOBS_SOURCE_TIMEOUT=3600   (the board is slower "
    "than the per-source time limit)",
    "bug": "a researchjobs bug: please report it with the crawl log",
}


@dataclass
class SourceHealth:
    source_id: str
    last_outcome: str | None
    last_crawl: str | None
    failures_in_row: int
    trend: str
    last_listed: str | None
    needs_attention: bool
    cause: str | None
    fix: str | None

    def row(self) -> dict[str, Any]:
        return {
            "source": self.source_id,
            "last": self.last_outcome or "never crawled",
            "failures in a row": self.failures_in_row,
            "trend": self.trend,
            "last listed": self.last_listed or "never",
            "attention": f"needs attention: {self.cause or 'unknown cause'}" if self.needs_attention else "",
            "fix": self.fix or "",
        }


def source_health(
    source_ids: list[str],
    runs: dict[str, list[dict[str, Any]]],
    last_listed: dict[str, str],
    attention_after: int = ATTENTION_AFTER,
) -> list[SourceHealth]:
    """One ``SourceHealth`` per source; ``runs`` holds each source's runs, newest first."""
    found = []
    for source_id in dict.fromkeys([*source_ids, *runs]):
        history = runs.get(source_id, [])
        latest = history[0] if history else {}
        failures, cause = _failures_in_row(history)
        attention = failures >= attention_after
        if not attention and latest.get("outcome") == "suspicious":
            cause = "suspicious"
        fix = None
        if attention:
            fix = ADVICE.get(cause or "", "researchjobs sources check {id}").format(id=source_id)
        elif cause == "suspicious":
            fix = "nothing yet: the next complete crawl decides whether its postings close"
        found.append(SourceHealth(
            source_id, latest.get("outcome"), latest.get("finished") or latest.get("started"), failures,
            _trend(history), last_listed.get(source_id), attention, cause, fix,
        ))  # fmt: skip
    return found


def _failures_in_row(history: list[dict[str, Any]]) -> tuple[int, str | None]:
    """Board failures since its last complete crawl, and the likely cause of the newest one."""
    count, cause = 0, None
    for run in history:
        outcome = run.get("outcome")
        if outcome in NEUTRAL:
            continue
        if outcome not in BOARD_FAILURES:
            break
        count += 1
        cause = cause or run.get("cause") or ("moved" if outcome == "moved" else None)
    return count, cause


def _trend(history: list[dict[str, Any]], points: int = 6) -> str:
    """Postings listed by the last complete (or partly complete) crawls, oldest first."""
    counts = [str(r.get("seen") or 0) for r in history if r.get("outcome") in (*COMPLETE, "partial")][:points]
    return " → ".join(reversed(counts)) or "-"
