"""The one place a source's crawl outcome is decided, and with it whether postings close.

Everything a crawl learned about one source — how the spider closed, whether the
network was ours to blame, which failures happened, where the board redirected,
and (for closing) how many open postings the listing would close — goes into
``SourceFacts``; ``decide`` returns the ``Decision``. The pipeline records it in
``crawl_runs`` and closes postings only when it says so; ``sources check`` maps the
same decision to a verdict, so a check means what a crawl would see. A crawl result
ingested from another backend goes through the same function, so closing rules
cannot differ between backends.

Outcomes:

- ``ok``: complete and clean; postings it no longer lists are closed.
- ``suspicious``: complete, but it would close more than half of N ≥ 5 open postings
  (a board that suddenly lists nothing). What it listed is stored; nothing is closed
  until the next complete crawl agrees.
- ``moved``: the board redirected somewhere we do not follow; nothing stored from there.
- ``offline``: our network, not the board: the crawl stopped early; nothing changed.
- ``partial`` / ``failed``: some / all of the board could not be read; nothing closed.
- ``skipped``: not attempted (robots.txt, a missing API key); ``interrupted``: stopped.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

#: A drop is judged only for sources with at least this many open postings.
SUSPICIOUS_MIN_OPEN = 5

#: Failure kinds → the likely cause shown to the user, most telling first.
CAUSE_OF_KIND = {
    "redirect": "moved",
    "robots": "blocked",
    "waf": "blocked",
    "http_denied": "blocked",
    "http_gone": "wrong_identifier",
    "http_rejected": "wrong_identifier",
    "dns": "wrong_identifier",  # only counted as the board's when our network works
    "http_server": "server_error",
    "refused": "unreachable",
    "unreachable": "unreachable",
    "timeout": "unreachable",
    "dropped": "unreachable",
    "data": "data",
    "limit": "incomplete",
    "bug": "bug",
}
CAUSE_ORDER = (
    "moved", "blocked", "wrong_identifier", "server_error", "unreachable", "data", "incomplete", "bug",
)  # fmt: skip


@dataclass
class SourceFacts:
    """What one crawl (or check) of one source observed."""

    reason: str = "finished"  # how the spider closed
    offline: str | None = None  # the network watch's one line when the crawl was offline
    skipped: str | None = None
    responses: int = 0
    seen: int = 0
    #: Jobs read, and jobs skipped as unreadable (warnings, not failures).
    items: int = 0
    skipped_jobs: int = 0
    errors: list[str] = field(default_factory=list)
    kinds: Counter[str] = field(default_factory=Counter)
    moved_to: str | None = None
    moved_followed: bool = False
    # Closing evidence (crawls only): open postings before, how many this listing would close,
    # and whether the previous complete crawl was already suspicious.
    open_before: int = 0
    missing: int = 0
    previous_suspicious: bool = False


@dataclass
class Decision:
    outcome: str
    complete: bool = False
    close: bool = False
    cause: str | None = None
    errors: list[str] = field(default_factory=list)
    note: str | None = None


def facts_from_state(state: Any, reason: str, offline: str | None, seen: int) -> SourceFacts:
    """The facts a spider's per-source state holds (``spiders.base.SourceState``)."""
    return SourceFacts(
        reason=reason, offline=offline, skipped=state.skipped, responses=state.responses, seen=seen,
        items=state.items, skipped_jobs=len(state.warnings), errors=list(state.errors), kinds=Counter(state.kinds), moved_to=state.moved_to,
        moved_followed=state.moved_followed,
    )  # fmt: skip


def likely_cause(kinds: Counter[str]) -> str | None:
    causes = {CAUSE_OF_KIND.get(kind, "data") for kind in kinds}
    return next((c for c in CAUSE_ORDER if c in causes), None)


def decide(facts: SourceFacts, source_id: str = "", min_open: int = SUSPICIOUS_MIN_OPEN) -> Decision:
    """The run's outcome from its facts. Closing happens only on ``close``."""
    errors = list(dict.fromkeys(facts.errors))
    if facts.offline:
        return Decision("offline", cause="offline", errors=[facts.offline])
    if facts.reason != "finished":
        return Decision("interrupted", cause="incomplete", errors=[f"crawl stopped: {facts.reason}", *errors])
    if facts.skipped:
        cause = "blocked" if facts.kinds.get("robots") else None
        return Decision("skipped", cause=cause, errors=[facts.skipped, *errors])
    if facts.moved_to and not facts.moved_followed:
        return Decision("moved", cause="moved", errors=errors or [f"moved to {facts.moved_to}"])
    if errors:
        return Decision("partial" if facts.seen else "failed", cause=likely_cause(facts.kinds), errors=errors)
    if facts.responses == 0:
        return Decision("failed", cause="unreachable", errors=["no response was received"])
    if facts.skipped_jobs > facts.items:
        # Most jobs unreadable looks like a changed format, not a few bad jobs: close nothing.
        total = facts.skipped_jobs + facts.items
        error = f"{facts.skipped_jobs} of {total} jobs could not be read: has the board's format changed?"
        return Decision("partial" if facts.seen else "failed", cause="data", errors=[error])
    note = None
    if facts.moved_followed and facts.moved_to:
        note = f"moved to {facts.moved_to}; record it with `researchjobs sources check --fix {source_id}`"
    if is_drop(facts, min_open):
        if not facts.previous_suspicious:
            return Decision(
                "suspicious", complete=True, close=False, cause="suspicious",
                note=f"lists {facts.seen} postings where {facts.open_before} were open: nothing closed "
                     "until the next complete crawl agrees",
            )  # fmt: skip
        note = f"the previous crawl saw the same drop: closing {facts.missing} of {facts.open_before}"
    return Decision("ok", complete=True, close=True, note=note)


def is_drop(facts: SourceFacts, min_open: int = SUSPICIOUS_MIN_OPEN) -> bool:
    """Listing nothing, or closing more than half of a board's open postings at once."""
    return facts.open_before >= min_open and facts.missing * 2 > facts.open_before


# ------------------------------------------------------------------ what a check reports

#: Verdicts ``sources check`` can observe (``offline`` is never written to the registry).
VERDICTS = ("ok", "empty", "wrong_identifier", "moved", "blocked", "offline")
_VERDICT_OF_CAUSE = {
    "moved": "moved",
    "blocked": "blocked",
    "wrong_identifier": "wrong_identifier",
    "data": "wrong_identifier",
    "server_error": "blocked",
    "unreachable": "blocked",
}


def verdict(decision: Decision, facts: SourceFacts, listed: int) -> str | None:
    """A check's verdict from the same decision a crawl would make; None when nothing was observed."""
    if decision.outcome == "offline":
        return "offline"
    if decision.outcome in ("skipped", "interrupted"):
        return "blocked" if decision.cause == "blocked" else None
    if decision.outcome == "moved":
        return "moved"
    if decision.outcome in ("partial", "failed"):
        return _VERDICT_OF_CAUSE.get(decision.cause or "")
    if facts.moved_followed and facts.moved_to:
        return "moved"
    return "ok" if listed else "empty"
