"""Running the matcher: which postings to (re)score for which profile, and storing results.

Incremental by default. Each profile remembers what its last run saw (``match_runs``);
the next run scores only postings that are new, changed, closed, reopened or
re-enriched since then. Storage stamps every such write with a rising
``postings.change_seq``, so "since" is a watermark, not a clock. Databases without that
column fall back to the timestamps (first_seen, changed_at, closed_at, reopenings in
posting_history, with a safety margin), where re-enrichment, which touches no timestamp,
is caught by comparing enrichment versions and forces a full run. A run is *full* when
there is no earlier run, when the profile's hash changed (an edit, or new weights), or
when asked.

Many profiles are matched in one pass: the postings are read and turned into a Frame
once, every distinct title is compared with every distinct query string in one cdist
call, and each profile then costs a few dozen vector operations plus the reasons for
the rows it stores.
"""

from __future__ import annotations

import json
import logging
import time
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import numpy as np
import sqlite_utils

from researchjobs.h1b.record import sponsor_line
from researchjobs.matcher import weights
from researchjobs.matcher.explain import gates_for, reasons_for
from researchjobs.matcher.fit import ProfileContext, RoleIndex, Scored, score_frame
from researchjobs.matcher.frame import FRAME_COLUMNS, Frame, build_frame, iso_epoch
from researchjobs.matcher.profiles import Profile, profile_hash
from researchjobs.storage import matches as store

log = logging.getLogger(__name__)

#: Postings stamped up to this long before the previous run started are looked at again:
#: a crawl that stamped rows just before that run but committed just after it would
#: otherwise be missed forever. Re-scoring a posting is harmless (results are compared).
CLOCK_MARGIN = timedelta(minutes=15)

#: One encoder for the many small lists written per run (skips json.dumps' set-up per call).
_to_json = json.JSONEncoder(ensure_ascii=False).encode


@dataclass
class MatchSummary:
    """What one profile's run did, for the CLI and the run log."""

    profile: str
    mode: str  # full | incremental
    why: str  # why this mode: first run, profile changed, re-enriched postings, asked, since ...
    considered: int = 0  # postings scored
    candidates: int = 0  # of those, close enough in role to be worth a row
    stored: int = 0  # rows written
    eligible: int = 0  # of the rows written
    ineligible: int = 0
    removed: int = 0  # rows deleted (no longer a candidate)
    not_stored: int = 0  # candidates beyond the per-run row limits
    seconds: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def utc_now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _canonical_time(text: str) -> str:
    """ISO UTC with a Z, the form postings' timestamps use, so strings compare in order."""
    moment = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _shift(text: str, delta: timedelta) -> str:
    moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return (moment + delta).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def run_matching(
    db: sqlite_utils.Database, profile: Profile, *, full: bool = False, now: str | None = None
) -> MatchSummary:
    """Match one profile (incrementally unless a full rematch is due or asked for)."""
    return run_matching_many(db, [profile], full=full, now=now)[0]


def match_each(db: sqlite_utils.Database, profiles: list[Profile]) -> list[str]:
    """Bring every profile's matches up to date (incrementally); one line per profile that failed.

    One pass for all of them; if that fails, one profile at a time, so that one profile's
    failure leaves no other profile's matches stale.
    """
    if not profiles:
        return []
    try:
        run_matching_many(db, profiles)
        return []
    except Exception:
        log.exception("matching all profiles in one pass failed; matching one by one")
    errors = []
    for profile in profiles:
        try:
            run_matching(db, profile)
        except Exception as exc:
            log.exception("matching %s failed", profile.name)
            errors.append(f"{profile.name}: {exc}")
    return errors


@dataclass
class _Plan:
    profile: Profile
    hash: str
    full: bool
    why: str
    since: str | None = None  # time-based incremental run
    since_seq: int | None = None  # change_seq-based incremental run


def run_matching_many(
    db: sqlite_utils.Database,
    profiles: list[Profile],
    *,
    full: bool = False,
    now: str | None = None,
    max_eligible: int = weights.MAX_ELIGIBLE_ROWS,
    max_ineligible: int = weights.MAX_INELIGIBLE_ROWS,
    timings: dict[str, float] | None = None,
) -> list[MatchSummary]:
    """Match several profiles in one pass over the postings.

    ``timings``, when given, receives seconds per phase (load, frame, cdist, profiles) for
    the benchmark.
    """
    if not profiles:
        return []
    now = _canonical_time(now) if now else utc_now()
    now_epoch = iso_epoch(now)
    states = store.run_states(db, [p.name for p in profiles])
    watermark = store.change_watermark(db)  # before reading postings: see change_watermark
    versions = store.enrich_versions(db)
    plans = [_plan(p, states.get(p.name), versions, watermark, full) for p in profiles]

    clock = {"start": time.perf_counter()}
    if all(plan.since_seq is not None for plan in plans):
        rows = store.load_postings(db, FRAME_COLUMNS, since_seq=min(p.since_seq or 0 for p in plans))
    elif all(plan.since is not None for plan in plans):
        rows = store.load_postings(db, FRAME_COLUMNS, since=min(plan.since or now for plan in plans))
    else:
        rows = store.load_postings(db, FRAME_COLUMNS, row_profiles=[p.name for p in profiles])
    clock["load"] = time.perf_counter()
    frame = build_frame(rows)
    frame.sponsor_data_fy = store.sponsor_data_year(db)
    clock["frame"] = time.perf_counter()
    index = RoleIndex()
    contexts = [ProfileContext.build(plan.profile, index) for plan in plans]
    index.compute(frame)
    keywords = sorted({k for p in profiles for k in p.exclude_keywords})
    keyword_keys = store.keyword_keys(db, keywords) if keywords else {}
    clock["cdist"] = time.perf_counter()
    shared = clock["cdist"] - clock["start"]

    # Per profile: gates, fit and the choice of rows (numpy), then reasons and rows for the
    # chosen few (Python), written in batches of profiles.
    summaries: list[MatchSummary] = []
    cache: dict[Any, Any] = {}  # arrays shared between profiles (a person level, a place...)
    writes = _Writes(db)
    for plan, ctx in zip(plans, contexts, strict=True):
        t0 = time.perf_counter()
        considered, existing = _considered(db, frame, plan, now)
        selection = _select(
            frame, index, plan, ctx, considered, existing, now_epoch,
            {k: keyword_keys.get(k, set()) for k in plan.profile.exclude_keywords},
            max_eligible, max_ineligible, cache,
        )  # fmt: skip
        summaries.append(_finish(writes, frame, selection, now, now_epoch, versions, watermark, t0,
                                 shared / len(plans)))  # fmt: skip
        writes.flush_if_due()
    writes.flush()
    store.prune_closed(db, _shift(now, -timedelta(days=weights.KEEP_CLOSED_ROWS_DAYS)))
    if timings is not None:
        timings.update(
            load=clock["load"] - clock["start"], frame=clock["frame"] - clock["load"],
            cdist=clock["cdist"] - clock["frame"], profiles=time.perf_counter() - clock["cdist"],
        )  # fmt: skip
    return summaries


def _plan(
    profile: Profile, state: dict[str, Any] | None, versions: list[str], watermark: int | None, full: bool
) -> _Plan:
    digest = profile_hash(profile)
    if full:
        return _Plan(profile, digest, True, "asked for a full rematch")
    if state is None:
        return _Plan(profile, digest, True, "first run")
    if state["profile_hash"] != digest:
        return _Plan(profile, digest, True, "profile or scoring changed")
    if watermark is not None and state.get("last_seq") is not None:
        seq = int(state["last_seq"])
        return _Plan(profile, digest, False, f"changes since {state['last_run_at']} (change_seq > {seq})", since_seq=seq)
    try:
        seen = set(json.loads(state.get("enrich_versions") or "[]"))
    except ValueError:
        seen = set()
    if not set(versions) <= seen:
        return _Plan(profile, digest, True, "postings were re-enriched")
    since = _shift(state["last_run_at"], -CLOCK_MARGIN)
    return _Plan(profile, digest, False, f"changes since {state['last_run_at']}", since=since)


def _changed_since(frame: Frame, since: str, reopened: set[str]) -> np.ndarray:
    def at_or_after(name: str) -> np.ndarray:
        return np.array([(v or "") >= since for v in frame.column(name)], dtype=bool)

    changed = at_or_after("first_seen") | at_or_after("changed_at") | at_or_after("closed_at")
    if reopened:
        changed |= np.array([k in reopened for k in frame.keys], dtype=bool)
    return changed


@dataclass
class _Selection:
    """One profile's scored postings and the rows chosen for storage."""

    plan: _Plan
    ctx: ProfileContext
    scored: Scored
    existing: dict[str, dict[str, Any]]
    considered: np.ndarray
    chosen: np.ndarray  # positions in scored
    summary: MatchSummary


def _considered(
    db: sqlite_utils.Database, frame: Frame, plan: _Plan, now: str
) -> tuple[np.ndarray, dict[str, dict[str, Any]]]:
    """Rows of the frame to score for this profile, and its stored rows among them."""
    if plan.full:
        return np.arange(frame.n), store.existing_matches(db, plan.profile.name)
    if plan.since_seq is not None:
        seqs = np.array([s if s is not None else 0 for s in frame.column("change_seq")], dtype=np.int64)
        considered = np.flatnonzero(seqs > plan.since_seq)
    else:
        reopened = store.reopened_keys(db, plan.since or now)
        considered = np.flatnonzero(_changed_since(frame, plan.since or now, reopened))
    return considered, store.existing_matches(db, plan.profile.name, [frame.keys[i] for i in considered])


def _select(
    frame: Frame,
    index: RoleIndex,
    plan: _Plan,
    ctx: ProfileContext,
    considered: np.ndarray,
    existing: dict[str, dict[str, Any]],
    now_epoch: float,
    keyword_keys: dict[str, set[str]],
    max_eligible: int,
    max_ineligible: int,
    cache: dict[Any, Any],
) -> _Selection:
    """Score, then choose the rows to store: the best eligible and the best ineligible."""
    summary = MatchSummary(plan.profile.name, "full" if plan.full else "incremental", plan.why)
    summary.considered = len(considered)
    scored = score_frame(
        frame, ctx, index, idx=considered, now_epoch=now_epoch, keyword_keys=keyword_keys,
        min_role=weights.ROLE_CANDIDATE_FLOOR, cache=cache,
    )  # fmt: skip
    everything = len(considered) == frame.n
    closed = frame.closed if everything else frame.closed[considered]
    # A candidate is close enough in role to be worth a row. A posting first met already
    # closed gets none: "closed" only updates rows people have seen.
    positions = [frame.position[k] for k in existing if k in frame.position]
    if positions:
        has_row = np.zeros(frame.n, dtype=bool)
        has_row[positions] = True
        has_row = has_row if everything else has_row[considered]
        usable = scored.candidate & ~(closed & ~has_row)
    else:
        has_row = None
        usable = scored.candidate & ~closed
    summary.candidates = int(np.count_nonzero(usable))
    # Incremental runs always rewrite rows people already have; the rest compete for places.
    keep = np.flatnonzero(usable & has_row) if has_row is not None and not plan.full else np.zeros(0, dtype=np.intp)
    eligible = scored.eligible
    competing = usable if not len(keep) else usable & ~has_row  # type: ignore[operator]
    chosen = np.concatenate([
        keep,
        _best(scored.score, competing & eligible, max_eligible),
        _best(scored.score, competing & ~eligible, max_ineligible),
    ])  # fmt: skip
    summary.not_stored = int(summary.candidates - len(chosen))
    return _Selection(plan, ctx, scored, existing, considered, chosen, summary)


def _best(score: np.ndarray, mask: np.ndarray, limit: int) -> np.ndarray:
    """Positions of the ``limit`` best scores where ``mask`` holds (unordered)."""
    count = int(np.count_nonzero(mask))
    if count <= limit:
        return np.flatnonzero(mask)
    if limit <= 0:
        return np.zeros(0, dtype=np.intp)
    masked = score - (~mask).view(np.uint8) * np.float32(1000.0)  # scores are 0-100; arithmetic beats np.where
    return np.argpartition(masked, len(masked) - limit)[len(masked) - limit :]


class _Writes:
    """Profiles' results waiting to be written together (see storage.matches.write_many).

    Flushed every ``PROFILES_PER_COMMIT`` profiles: a few milliseconds of write lock at a
    time, so a crawl writing at the same moment waits briefly, never long.
    """

    PROFILES_PER_COMMIT = 25

    def __init__(self, db: sqlite_utils.Database) -> None:
        self.db = db
        self.batches: list[tuple[str, list[tuple[Any, ...]], list[str], dict[str, Any]]] = []
        self.summaries: list[MatchSummary] = []

    def add(self, summary: MatchSummary, rows: list[tuple[Any, ...]], stale: list[str], state: dict[str, Any]) -> None:
        self.batches.append((summary.profile, rows, stale, state))
        self.summaries.append(summary)

    def flush_if_due(self) -> None:
        if len(self.batches) >= self.PROFILES_PER_COMMIT:
            self.flush()

    def flush(self) -> None:
        if not self.batches:
            return
        removed = store.write_many(self.db, self.batches)
        for summary, count in zip(self.summaries, removed, strict=True):
            summary.removed = count
        self.batches, self.summaries = [], []


def _finish(
    writes: _Writes,
    frame: Frame,
    sel: _Selection,
    now: str,
    now_epoch: float,
    versions: list[str],
    watermark: int | None,
    started: float,
    shared_seconds: float,
) -> MatchSummary:
    """Reasons and rows for one profile's chosen postings, queued for writing."""
    plan, ctx, scored, existing, summary = sel.plan, sel.ctx, sel.scored, sel.existing, sel.summary
    chosen = sel.chosen
    names = list(scored.factors)
    if len(chosen):
        chosen_points = scored.points_at(chosen)
        stacked = np.stack([chosen_points[name] for name in names], axis=1)
        points = np.round(np.nan_to_num(stacked), 1).tolist()
    else:
        points = []
    scores = np.round(scored.score[chosen].astype(np.float64), 1).tolist()
    template = "{" + ", ".join(f'"{name}": %r' for name in names) + "}"  # components as JSON, fast
    changed_column = frame.names.index("changed_at")
    out_rows = []
    for position, j in enumerate(chosen.tolist()):
        i = int(scored.idx[j])
        key = frame.keys[i]
        changed_at = frame.records[i][changed_column]
        gates = gates_for(frame, i, scored, j, ctx)
        ok = not gates
        old = existing.get(key)
        if old is None:
            matched_at = first = now
        else:
            first = old["first_matched_at"]
            same = (
                bool(old["eligible"]) == ok
                and _gate_names(old["gates"]) == [g["gate"] for g in gates]
                and old["posting_changed_at"] == changed_at
            )
            matched_at = old["matched_at"] if same else now
        out_rows.append((
            plan.profile.name, key, int(ok), _to_json(gates) if gates else "[]",
            scores[position], template % tuple(points[position]),
            _to_json(reasons_for(frame, i, scored, j, ctx, now_epoch)),
            matched_at, changed_at, first, now,
        ))  # fmt: skip
        summary.eligible += ok
        summary.ineligible += not ok
    summary.stored = len(out_rows)
    chosen_keys = {r[1] for r in out_rows}
    considered_keys = None if plan.full else {frame.keys[i] for i in sel.considered}
    stale = [k for k in existing if k not in chosen_keys and (considered_keys is None or k in considered_keys)]
    summary.removed = len(stale)  # until the write confirms it
    summary.seconds = round(time.perf_counter() - started + shared_seconds, 3)
    state = {
        "profile_hash": plan.hash,
        "last_run_at": now,
        "last_full_at": now if plan.full else None,
        "enrich_versions": json.dumps(versions),
        "summary": json.dumps(summary.to_dict()),
        "last_seq": watermark,
    }
    writes.add(summary, out_rows, stale, state)
    return summary


def _gate_names(value: Any) -> list[str]:
    try:
        return [g.get("gate") for g in json.loads(value or "[]")]
    except (ValueError, AttributeError):
        return []


def top_matches(
    db: sqlite_utils.Database,
    profile_name: str,
    *,
    limit: int = 10,
    include_ineligible: bool = False,
    since: str | None = None,
    one_per_cluster: bool = True,
) -> list[dict[str, Any]]:
    """Stored matches joined with their postings, best first: eligible first, then score.

    Lists in the row come decoded (gates, reasons, components, skills, languages,
    certifications_*). ``since`` keeps results new or changed since then; see
    ``storage.matches.top_matches`` for ``one_per_cluster``.
    """
    rows = store.top_matches(
        db, profile_name, limit=limit, include_ineligible=include_ineligible, since=since,
        one_per_cluster=one_per_cluster,
    )  # fmt: skip
    for row in rows:
        records = json.loads(row.pop("sponsor_records", None) or "[]")
        years = json.loads(row.pop("sponsor_lca_years", None) or "null")
        row["sponsor_line"] = sponsor_line(records, tuple(years) if years else None)
    return rows
