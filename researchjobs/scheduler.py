"""The daemon behind ``researchjobs schedule``: crawls on an interval, digests at local times.

One APScheduler 3 process with an in-memory job store. Nothing about the schedule is
persisted by APScheduler: on every start the next crawl of each interval group is
computed from ``crawl_runs`` (so a restart after a long gap crawls once, now, instead
of replaying missed runs), and digests come from a short "tick" that asks the digest
ledger who is due (so restarts, DST changes and profile edits need no re-registration).

Each crawl runs in its own ``python -m researchjobs crawl`` subprocess (a Twisted
reactor cannot restart in-process). On SIGTERM/SIGINT the running crawl gets SIGTERM,
Scrapy closes it and records the run, and the scheduler exits once every job has
returned. A lock file beside the database (``fcntl.flock``) keeps a second scheduler,
or a cron ``researchjobs run``, off the same database.
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
import os
import signal
import ssl
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, TextIO
from zoneinfo import ZoneInfo

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.base import BaseScheduler
from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.interval import IntervalTrigger

from researchjobs.config import SECRET_ENV_VARS, Paths, Settings
from researchjobs.crawler import CrawlPlan, run_in_subprocess
from researchjobs.digest import DigestResult, next_due, run_digests
from researchjobs.digest.ledger import options_from
from researchjobs.reports import judge_runs
from researchjobs.sources import Registry, Source, load_registry, registry_path
from researchjobs.storage.db import open_db

log = logging.getLogger("researchjobs.scheduler")

LOCK_SUFFIX = ".scheduler.lock"
#: A crawl that runs longer than this is stopped (SIGTERM, then SIGKILL a minute later).
CRAWL_TIMEOUT_S = 40 * 60
#: After SIGTERM, how long a crawl child may take to close before it is killed.
STOP_GRACE_S = 60.0
#: Research sites change slowly: their crawl runs daily unless ``crawl.overrides.clinicaltrials`` says otherwise.
TRIALS_INTERVAL_HOURS = 24.0
TRIALS_JOB = "crawl-trials"


class SchedulerBusyError(Exception):
    """Another scheduler (or ``researchjobs run``) holds the database's lock."""


# ---------------------------------------------------------------- the lock


class SchedulerLock:
    """An exclusive ``flock`` on ``<db>.scheduler.lock``; the kernel drops it if we die."""

    def __init__(self, db_path: Path, purpose: str = "scheduler") -> None:
        self.db_path = Path(db_path)
        self.path = Path(f"{db_path}{LOCK_SUFFIX}")
        self.purpose = purpose
        self._handle: TextIO | None = None

    def acquire(self) -> SchedulerLock:
        if self._handle is not None:  # already ours
            return self
        self.path.parent.mkdir(parents=True, exist_ok=True)
        handle = open(self.path, "a+", encoding="utf-8")  # held open: the lock lives as long as it
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "unknown process"
            handle.close()
            raise SchedulerBusyError(
                f"another researchjobs scheduler or run is already using {self.db_path} ({holder}); "
                f"stop it first (lock file {self.path})"
            ) from None
        handle.seek(0)
        handle.truncate()
        stamp = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        handle.write(f"{self.purpose} pid {os.getpid()} since {stamp}\n")
        handle.flush()
        self._handle = handle
        return self

    def release(self) -> None:
        if self._handle is not None:
            with contextlib.suppress(OSError):
                fcntl.flock(self._handle.fileno(), fcntl.LOCK_UN)
            self._handle.close()
            self._handle = None

    def __enter__(self) -> SchedulerLock:
        return self.acquire()

    def __exit__(self, *exc: object) -> None:
        self.release()


# ---------------------------------------------------------------- what to crawl, when


@dataclass
class CrawlGroup:
    """Sources crawled together because they share an interval (one subprocess per run)."""

    hours: float
    sources: list[Source]

    @property
    def job_id(self) -> str:
        return f"crawl-every-{self.hours:g}h"


def interval_for(source: Source, settings: Settings) -> float:
    """Per-source override, else per-family override, else the default interval."""
    overrides = settings.crawl_overrides
    return float(overrides.get(source.id) or overrides.get(source.family) or settings.crawl_interval_hours)


def crawlable(registry: Registry) -> list[Source]:
    from researchjobs.spiders import FAMILIES

    return [s for s in registry.sources.values() if s.enabled and s.family in FAMILIES]


def crawl_groups(registry: Registry, settings: Settings) -> list[CrawlGroup]:
    groups: dict[float, list[Source]] = {}
    for source in crawlable(registry):
        groups.setdefault(interval_for(source, settings), []).append(source)
    return [CrawlGroup(hours, sources) for hours, sources in sorted(groups.items())]


def last_crawls(db: Any) -> dict[str, dict[str, Any]]:
    from researchjobs.storage.runs import last_runs

    # An offline run was not a crawl: the next start catches those sources up at once.
    return {row["source_id"]: row for row in last_runs(db, skip=("offline",))}


def _parse(stamp: str | None) -> datetime | None:
    if not stamp:
        return None
    try:
        moment = datetime.fromisoformat(str(stamp).replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def group_next_run(group: CrawlGroup, last: dict[str, dict[str, Any]], now: datetime) -> datetime:
    """Now if any source is overdue (or never crawled): one catch-up run, not one per missed interval."""
    interval = timedelta(hours=group.hours)
    due = []
    for source in group.sources:
        started = _parse((last.get(source.id) or {}).get("started"))
        due.append(started + interval if started else now)
    return max(now, min(due)) if due else now


def status_rows(
    db: Any,
    settings: Settings,
    *,
    registry: Registry | None = None,
    profiles: list[Any] | None = None,
    paths: Paths | None = None,
    now: datetime | None = None,
) -> list[dict[str, Any]]:
    """Next scheduled runs, as the scheduler would compute them if started now.

    One row per source (job ``crawl``) and per profile (job ``digest``), with ``last``
    and ``next`` as ISO UTC; digest rows also give the local time in ``next_local``.
    """
    from researchjobs.config import paths as default_paths
    from researchjobs.digest.ledger import local_date
    from researchjobs.storage import digests as ledger

    now = now or datetime.now(UTC)
    where = paths or default_paths()
    registry = registry or load_registry(registry_path(where.root))
    last = last_crawls(db)
    rows: list[dict[str, Any]] = []
    for group in crawl_groups(registry, settings):
        upcoming = _iso(group_next_run(group, last, now))
        for source in group.sources:
            run = last.get(source.id) or {}
            rows.append({
                "job": "crawl", "name": source.id, "every": f"{group.hours:g}h",
                "last": run.get("started"), "last_outcome": run.get("outcome"), "next": upcoming, "next_local": None,
            })  # fmt: skip
    rows += _trials_status(last, settings, where, now)
    if profiles is None:
        from researchjobs.matcher.profiles import scan_profiles

        profiles, _ = scan_profiles(where.profiles)
    for profile in profiles:
        daily = ledger.last_daily(db, profile.name)
        today = local_date(profile, now).isoformat()
        done = bool(daily and daily["local_date"] == today)
        upcoming_digest = next_due(profile, now, done)
        rows.append({
            "job": "digest", "name": profile.name, "every": f"daily {profile.digest_time} {profile.timezone}",
            "last": f"{daily['local_date']} ({daily['state']})" if daily else None, "last_outcome": daily["state"] if daily else None,
            "next": _iso(upcoming_digest),
            "next_local": upcoming_digest.astimezone(ZoneInfo(profile.timezone)).strftime("%Y-%m-%d %H:%M %Z"),
        })  # fmt: skip
    return rows


def trials_next_run(last: dict[str, dict[str, Any]], hours: float, now: datetime) -> datetime:
    """One interval after the newest research-site crawl; now if there was none."""
    started = [_parse(r.get("started")) for r in last.values() if r.get("family") == "clinicaltrials"]
    newest = max((s for s in started if s is not None), default=None)
    return max(now, newest + timedelta(hours=hours)) if newest else now


def _trials_status(last: dict[str, dict[str, Any]], settings: Settings, paths: Paths, now: datetime) -> list[dict[str, Any]]:
    """The research-site crawl's row, when some profile has a place to search around."""
    areas = trial_areas(paths)
    if not areas:
        return []
    hours = float(settings.crawl_overrides.get("clinicaltrials", TRIALS_INTERVAL_HOURS))
    runs = [last[a.id] for a in areas if a.id in last]
    newest = max(runs, key=lambda r: r.get("started") or "", default={})
    return [{
        "job": "research sites", "name": f"{len(areas)} areas", "every": f"{hours:g}h", "last": newest.get("started"),
        "last_outcome": newest.get("outcome"), "next": _iso(trials_next_run(last, hours, now)), "next_local": None,
    }]  # fmt: skip


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


# ---------------------------------------------------------------- the parts a run composes


@dataclass
class CrawlOutcome:
    batch_id: str
    exit_code: int | None
    runs: list[dict[str, Any]] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)  # source ids
    offline: str | None = None  # the one line, when the crawl stopped because we have no network


def crawl_sources(
    paths: Paths,
    sources: list[Source],
    registry_file: Path,
    *,
    replay_url: str | None = None,
    crawl_settings: dict[str, str] | None = None,
    timeout: float = CRAWL_TIMEOUT_S,
    on_launch: Callable[[str], None] | None = None,
) -> CrawlOutcome:
    """One ``researchjobs crawl`` subprocess for these sources; the outcome read from crawl_runs."""
    plan = CrawlPlan.new(
        sources, paths.db, registry_file, replay_url=replay_url, settings=dict(crawl_settings or {}),
    )  # fmt: skip
    return crawl_plan(paths, plan, timeout=timeout, on_launch=on_launch)


def crawl_plan(
    paths: Paths, plan: CrawlPlan, *, timeout: float = CRAWL_TIMEOUT_S, on_launch: Callable[[str], None] | None = None
) -> CrawlOutcome:
    """Run a plan in a subprocess; the outcome read from crawl_runs by its batch id."""
    from researchjobs.storage.runs import runs_for

    sources = plan.sources
    if on_launch is not None:
        on_launch(plan.batch_id)
    log.info("crawl %s: %s", plan.batch_id, ", ".join(s.id for s in sources))
    code = run_in_subprocess(plan, timeout=timeout, env={"RESEARCHJOBS_HOME": str(paths.root)})
    db = open_db(paths.db)
    try:
        runs = runs_for(db, plan.run_ids())
    finally:
        db.conn.close()
    recorded = {r["source_id"] for r in runs}
    judged = judge_runs(runs)
    failed = judged.failed + [s.id for s in sources if s.id not in recorded]  # the child died before recording
    outcome = CrawlOutcome(plan.batch_id, code, runs, failed, judged.offline)
    if judged.offline:
        log.info("crawl %s: %s", plan.batch_id, judged.offline)
    else:
        log.info("crawl %s finished (exit %s): %d sources, failed: %s", plan.batch_id, code, len(sources),
                 ", ".join(failed) or "none")  # fmt: skip
    return outcome


def trial_areas(paths: Paths) -> list[Any]:
    """The union of every profile's places (``trials.areas``), for the research-site crawl."""
    from researchjobs.trials.spider import profile_areas

    areas, notes = profile_areas(paths.profiles)
    for note in notes:
        log.info("research sites: %s", note)
    return areas


def crawl_trials(
    paths: Paths,
    registry: Registry,
    *,
    replay_url: str | None = None,
    crawl_settings: dict[str, str] | None = None,
    timeout: float = CRAWL_TIMEOUT_S,
    on_launch: Callable[[str], None] | None = None,
) -> CrawlOutcome | None:
    """Research sites around every profile's places (one subprocess), then their links to
    our employers; None when no profile has a place to search around."""
    from researchjobs.trials.crawl import link_sites, plan_for

    areas = trial_areas(paths)
    if not areas:
        return None
    plan = plan_for(areas, paths.db, registry.path, replay_url=replay_url, settings=dict(crawl_settings or {}))
    outcome = crawl_plan(paths, plan, timeout=timeout, on_launch=on_launch)
    db = open_db(paths.db)
    try:
        log.info("research sites: %s", link_sites(db, registry).describe())
    finally:
        db.conn.close()
    return outcome


def match_all(paths: Paths) -> list[str]:
    """Match every usable profile in one pass; one line per profile that failed or could not load."""
    from researchjobs.matcher import match_each
    from researchjobs.matcher.profiles import scan_profiles

    profiles, broken = scan_profiles(paths.profiles)
    errors = [str(e) for e in broken]
    if not profiles:
        return errors
    db = open_db(paths.db)
    try:
        errors += match_each(db, profiles)
    finally:
        db.conn.close()
    return errors


@dataclass
class RunReport:
    crawl: CrawlOutcome | None
    match_errors: list[str]
    digests: list[DigestResult]
    trials: CrawlOutcome | None = None

    @property
    def offline(self) -> str | None:
        return self.crawl.offline if self.crawl else None

    def failures(self) -> list[str]:
        if self.offline:
            return [self.offline]
        parts = []
        if self.crawl and self.crawl.failed:
            parts.append(f"crawl ({', '.join(self.crawl.failed)}; logs in the data directory's logs/)")
        if self.trials and self.trials.failed:
            parts.append(f"research sites ({', '.join(self.trials.failed)}; logs in the data directory's logs/)")
        if self.match_errors:
            parts.append(f"matching ({'; '.join(self.match_errors)})")
        bad = [d for d in self.digests if not d.ok]
        if bad:
            parts.append(f"digest ({'; '.join(d.describe() for d in bad)})")
        return parts


def run_once(
    paths: Paths,
    settings: Settings,
    *,
    registry_file: Path | None = None,
    send: bool = False,
    replay_url: str | None = None,
    crawl_settings: dict[str, str] | None = None,
    ssl_context: ssl.SSLContext | None = None,
) -> RunReport:
    """``researchjobs run``: crawl every enabled source, match every profile, digest; once.

    Takes the scheduler's lock so a cron run never overlaps a daemon or a slow
    previous run on the same database.
    """
    options_from(
        settings, send=send, dry_run=False, ssl_context=ssl_context
    )  # bad [smtp]: fail before crawling
    with SchedulerLock(paths.db, "researchjobs run"):
        registry = load_registry(registry_file or registry_path(paths.root))
        sources = crawlable(registry)
        crawl = None
        if sources:
            crawl = crawl_sources(
                paths, sources, registry.path, replay_url=replay_url, crawl_settings=crawl_settings
            )
        if crawl and crawl.offline:
            return RunReport(crawl, [], [], None)  # nothing new to match, and no network to send with
        trials = crawl_trials(paths, registry, replay_url=replay_url, crawl_settings=crawl_settings)
        match_errors = match_all(paths)
        db = open_db(paths.db)
        try:
            digests = run_digests(db, paths, send=send, settings=settings, ssl_context=ssl_context)
        finally:
            db.conn.close()
    return RunReport(crawl, match_errors, digests, trials)


# ---------------------------------------------------------------- the daemon


def utc_now() -> datetime:
    return datetime.now(UTC)


class Daemon:
    """The scheduler process. ``run()`` blocks (the CLI); ``start()``/``stop()`` run it in the background (tests)."""

    def __init__(
        self,
        paths: Paths,
        settings: Settings,
        *,
        registry_file: Path | None = None,
        send: bool = False,
        replay_url: str | None = None,
        crawl_settings: dict[str, str] | None = None,
        clock: Callable[[], datetime] = utc_now,
        ssl_context: ssl.SSLContext | None = None,
        crawl_timeout: float = CRAWL_TIMEOUT_S,
    ) -> None:
        options_from(settings, send=send, dry_run=False, ssl_context=ssl_context)  # fail fast on a bad [smtp]
        self.paths = paths
        self.settings = settings
        self.registry = load_registry(registry_file or registry_path(paths.root))
        self.send = send
        self.replay_url = replay_url
        self.crawl_settings = dict(crawl_settings or {})
        self.clock = clock
        self.ssl_context = ssl_context
        self.crawl_timeout = crawl_timeout
        self.groups = {g.job_id: g for g in crawl_groups(self.registry, settings)}
        self.trials_hours = float(settings.crawl_overrides.get("clinicaltrials", TRIALS_INTERVAL_HOURS))
        self.lock = SchedulerLock(paths.db)
        self.scheduler: BaseScheduler | None = None
        self.history: list[dict[str, Any]] = []  # what ran, for status lines and tests
        self._work = threading.Lock()  # one crawl (+ match) at a time
        self._catchup: set[str] = set()  # crawl groups that must finish before the first digest
        self._crawl_batch: str | None = None
        self._said_waiting = False
        self._started = time.monotonic()
        self._stopping = threading.Event()
        self._stopped = threading.Event()

    # -- lifecycle

    def build(self, scheduler: BaseScheduler) -> BaseScheduler:
        """Register the jobs, with first runs computed from the database (the catch-up rule)."""
        self._started = time.monotonic()
        now = self.clock()
        db = open_db(self.paths.db)
        try:
            last = last_crawls(db)
        finally:
            db.conn.close()
        real_now = datetime.now(UTC)
        for job_id, group in self.groups.items():
            first = group_next_run(group, last, now)
            if first <= now:
                self._catchup.add(job_id)
            seconds = group.hours * 3600
            scheduler.add_job(
                self.crawl_job, IntervalTrigger(seconds=seconds, timezone=UTC), args=[job_id], id=job_id,
                name=f"crawl {len(group.sources)} sources every {group.hours:g}h",
                next_run_time=real_now + (first - now), misfire_grace_time=max(60, int(seconds / 2)),
            )  # fmt: skip
        self._add_trials_job(scheduler, last, now, real_now)
        tick = self.settings.digest_tick_minutes * 60
        scheduler.add_job(
            self.digest_tick, IntervalTrigger(seconds=tick, timezone=UTC), id="digest-tick",
            name=f"digest tick every {self.settings.digest_tick_minutes:g} min", next_run_time=real_now,
            misfire_grace_time=max(1, int(tick)),
        )  # fmt: skip
        self.scheduler = scheduler
        return scheduler

    def _new_scheduler(self, blocking: bool) -> BaseScheduler:
        options: dict[str, Any] = {
            "timezone": UTC,
            # coalesce: a backlog of missed runs fires once; max_instances: never two crawls of a group;
            # misfire_grace_time explicit (the default of 1 s drops runs that are merely a little late).
            "job_defaults": {"coalesce": True, "max_instances": 1, "misfire_grace_time": 300},
            "executors": {"default": {"type": "threadpool", "max_workers": max(2, len(self.groups) + 2)}},
        }
        return BlockingScheduler(**options) if blocking else BackgroundScheduler(**options)

    def _add_trials_job(self, scheduler: BaseScheduler, last: dict[str, dict[str, Any]], now: datetime,
                        real_now: datetime) -> None:  # fmt: skip
        """The daily research-site crawl, first due one interval after the last one (now if never)."""
        first = trials_next_run(last, self.trials_hours, now)
        if first <= now and trial_areas(self.paths):
            self._catchup.add(TRIALS_JOB)  # the first digest waits for it too ("Research sites near you")
        seconds = self.trials_hours * 3600
        scheduler.add_job(
            self.trials_job, IntervalTrigger(seconds=seconds, timezone=UTC), id=TRIALS_JOB,
            name=f"research sites every {self.trials_hours:g}h", next_run_time=real_now + (first - now),
            misfire_grace_time=max(60, int(seconds / 2)),
        )  # fmt: skip

    def run(self) -> None:
        """Block until SIGTERM/SIGINT; then stop the crawl child, wait for jobs, release the lock."""
        self.lock.acquire()
        try:
            scheduler = self.build(self._new_scheduler(blocking=True))
            signal.signal(signal.SIGTERM, self.request_stop)
            signal.signal(signal.SIGINT, self.request_stop)
            self._announce()
            scheduler.start()  # returns when the shutdown thread has stopped it
            self._stopped.wait()
        finally:
            self.lock.release()
        log.info("scheduler stopped")

    def start(self) -> Daemon:
        """Run in background threads (tests, embedding). Takes the lock like ``run``."""
        self.lock.acquire()
        try:
            self.build(self._new_scheduler(blocking=False)).start()
        except BaseException:
            self.lock.release()
            raise
        self._announce()
        return self

    def stop(self, timeout: float | None = None) -> bool:
        """Graceful stop from the owning code; True when everything finished in time."""
        self.request_stop()
        finished = self._stopped.wait(timeout)
        if finished:
            self.lock.release()
        return finished

    def request_stop(self, signum: int | None = None, frame: Any = None) -> None:
        """Signal handler: return at once, do the slow part in a thread."""
        if self._stopping.is_set():
            log.info("already stopping; waiting for the running crawl to close")
            return
        self._stopping.set()
        log.info("stopping%s", f" on {signal.Signals(signum).name}" if signum else "")
        threading.Thread(target=self._shutdown, name="researchjobs-shutdown", daemon=True).start()

    def _shutdown(self) -> None:
        signalled: dict[int, float] = {}
        # Poll while a crawl job holds the work lock: its child may be starting right now.
        while self._work.locked():
            batch = self._crawl_batch
            for pid in crawl_children(batch) if batch else []:
                sent = signalled.get(pid)
                if sent is None:
                    log.info("sending SIGTERM to crawl %s (pid %d)", batch, pid)
                    _signal(pid, signal.SIGTERM)
                    signalled[pid] = time.monotonic()
                elif time.monotonic() - sent > STOP_GRACE_S:
                    log.warning(
                        "crawl %s (pid %d) ignored SIGTERM for %.0f s; killing it", batch, pid, STOP_GRACE_S
                    )
                    _signal(pid, signal.SIGKILL)
            time.sleep(0.1)
        if self.scheduler is not None:
            with contextlib.suppress(Exception):
                self.scheduler.shutdown(wait=True)  # waits for running jobs to return
        self._stopped.set()

    def _announce(self) -> None:
        for job in self.scheduler.get_jobs() if self.scheduler else []:
            log.info("scheduled %s: next run %s", job.name, job.next_run_time)

    # -- jobs

    def crawl_job(self, job_id: str) -> None:
        group = self.groups[job_id]
        with self._work:
            try:
                if self._stopping.is_set():
                    return
                outcome = crawl_sources(
                    self.paths, group.sources, self.registry.path, replay_url=self.replay_url,
                    crawl_settings=self.crawl_settings, timeout=self.crawl_timeout, on_launch=self._launched,
                )  # fmt: skip
                self._crawl_batch = None
                self.history.append({"job": "crawl", "group": job_id, "batch": outcome.batch_id,
                                     "failed": outcome.failed, "at": self.clock()})  # fmt: skip
                if self._stopping.is_set() or outcome.offline:
                    return  # matching can wait: nothing is half-written, and offline nothing is new
                errors = match_all(self.paths)
                for error in errors:
                    log.warning("matching: %s", error)
                self.history.append({"job": "match", "errors": errors, "at": self.clock()})
            except Exception:
                log.exception("crawl job %s failed", job_id)
            finally:
                self._crawl_batch = None
                self._end_catchup(job_id)

    def _end_catchup(self, job_id: str) -> None:
        """When the last catch-up crawl is done, the digests that waited for it go now, not a tick later."""
        waited = job_id in self._catchup
        self._catchup.discard(job_id)
        if waited and not self._catchup and self.scheduler is not None and not self._stopping.is_set():
            with contextlib.suppress(Exception):  # the scheduler may be shutting down
                self.scheduler.modify_job("digest-tick", next_run_time=datetime.now(UTC))

    def trials_job(self) -> None:
        """Research sites around every profile's places, then their employer links."""
        with self._work:
            try:
                if self._stopping.is_set():
                    return
                outcome = crawl_trials(
                    self.paths, self.registry, replay_url=self.replay_url, crawl_settings=self.crawl_settings,
                    timeout=self.crawl_timeout, on_launch=self._launched,
                )  # fmt: skip
                self.history.append({"job": "trials", "batch": outcome.batch_id if outcome else None,
                                     "failed": outcome.failed if outcome else [], "at": self.clock()})  # fmt: skip
            except Exception:
                log.exception("research-site crawl failed")
            finally:
                self._crawl_batch = None
                self._catchup.discard(TRIALS_JOB)

    def _launched(self, batch_id: str) -> None:
        self._crawl_batch = batch_id

    def digest_tick(self) -> list[DigestResult]:
        if self._stopping.is_set():
            return []
        if self._catchup and time.monotonic() - self._started < self.crawl_timeout + 300:
            if not self._said_waiting:  # fresh data first; but never wait on a crawl forever
                log.info("digests wait for the catch-up crawl to finish first")
                self._said_waiting = True
            return []
        now = self.clock()
        try:
            db = open_db(self.paths.db)
            try:
                results = run_digests(
                    db, self.paths, send=self.send, now=now, settings=self.settings, only_due=True,
                    ssl_context=self.ssl_context,
                )  # fmt: skip
            finally:
                db.conn.close()
        except Exception:
            log.exception("digest tick failed")
            return []
        for result in results:
            level = logging.INFO if result.ok else logging.WARNING
            log.log(level, "digest %s", result.describe())
            self.history.append({"job": "digest", "result": result, "at": now})
        return results


def _signal(pid: int, signum: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.kill(pid, signum)


def crawl_children(batch_id: str) -> list[int]:
    """Our child processes running the crawl with this batch id.

    ``run_in_subprocess`` starts the child in its own session (so a terminal's Ctrl-C
    does not reach it half-way) and keeps its handle to itself; the batch id in its
    argv is how the scheduler finds it to pass on a graceful SIGTERM.
    """
    me = os.getpid()
    needle = b"\0" + batch_id.encode() + b"\0"
    proc = Path("/proc")
    if proc.is_dir():
        found = []
        for entry in proc.iterdir():
            if not entry.name.isdigit():
                continue
            try:
                cmdline = (entry / "cmdline").read_bytes()
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            try:
                parent = int(stat.rsplit(")", 1)[1].split()[1])
            except (IndexError, ValueError):
                continue
            if parent == me and needle in b"\0" + cmdline:
                found.append(int(entry.name))
        return found
    result = subprocess.run(
        ["pgrep", "-P", str(me), "-f", batch_id], capture_output=True, text=True, check=False
    )
    return [int(p) for p in result.stdout.split() if p.isdigit()]


# ---------------------------------------------------------------- logging


class RedactSecrets(logging.Filter):
    """Blank out the values of secret environment variables in any log line."""

    def filter(self, record: logging.LogRecord) -> bool:
        secrets = [os.environ[n] for n in SECRET_ENV_VARS if os.environ.get(n)]
        if secrets:
            message = record.getMessage()
            for secret in secrets:
                message = message.replace(secret, "[redacted]")
            record.msg, record.args = message, None
        return True


def configure_logging(paths: Paths, *, verbose: bool = False) -> Path:
    """Log to stderr and to logs/scheduler.log, with secrets redacted."""
    paths.logs.mkdir(parents=True, exist_ok=True)
    log_file = paths.logs / "scheduler.log"
    formatter = logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s")
    redact = RedactSecrets()
    handlers: list[logging.Handler] = [
        logging.StreamHandler(sys.stderr),
        logging.FileHandler(log_file, encoding="utf-8"),
    ]
    root = logging.getLogger()
    for handler in handlers:
        handler.setFormatter(formatter)
        handler.addFilter(redact)
        root.addHandler(handler)
    root.setLevel(logging.DEBUG if verbose else logging.INFO)
    logging.getLogger("apscheduler").setLevel(logging.INFO if verbose else logging.WARNING)
    return log_file
