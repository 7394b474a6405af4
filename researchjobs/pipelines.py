"""The crawl's one item pipeline: normalise, enrich, store in batches, record the run.

Each source of a spider run gets its own ``crawl_runs`` row. Postings are written in
``BEGIN IMMEDIATE`` batches as they arrive. At the end, the facts of each source's
crawl (how the spider closed, whether the network was ours to blame, the failures,
redirects and closing evidence) go to ``outcomes.decide``, the one place the outcome
is decided; postings a source no longer lists are closed only when it says so.

Jobs a parser skipped as unreadable (no title, no usable id) are warnings, not errors:
the rest of the board is stored and the run may close postings, except that a skipped
job whose id could be read counts as still listed (its posting is not closed because
of our skip), and a run where more jobs were skipped than read is ``partial`` and closes
nothing (a changed format, not a few bad jobs).
"""

from __future__ import annotations

import logging
import uuid
from pathlib import Path
from typing import Any

from scrapy import signals
from scrapy.exceptions import CloseSpider, NotConfigured

from researchjobs.enrich.dedupe import duplicate_of
from researchjobs.enrich.facts import extract_facts
from researchjobs.enrich.normalise import normalise
from researchjobs.middlewares import network_for
from researchjobs.outcomes import SUSPICIOUS_MIN_OPEN, Decision, SourceFacts, decide, facts_from_state
from researchjobs.posting import Posting, posting_key
from researchjobs.spiders.base import now_iso
from researchjobs.storage.db import StorageError, open_db
from researchjobs.storage.postings import (
    UpsertCounts,
    close_missing,
    closing_evidence,
    posting_row,
    upsert_rows,
)
from researchjobs.storage.runs import RunResult, finish_run, previous_complete_outcome, start_run

logger = logging.getLogger(__name__)

#: Sent with ``message`` when the database refuses a write (a full disk, a read-only file).
#: The run rows may be unwritable then too, so whoever runs the crawl in-process listens
#: for it and prints the message beside the summary (``crawler.run_in_process``).
storage_error = object()


def run_id_for(batch_id: str, source_id: str) -> str:
    return f"{batch_id}:{source_id}"


def enrich_row(posting: Posting) -> tuple[dict[str, Any], str | None]:
    """Normalise and extract facts; a failing extractor costs the facts, never the posting."""
    posting = normalise(posting)
    try:
        facts = extract_facts(posting)
        error = None
    except Exception as exc:
        facts, error = {}, f"enrichment failed for {posting.source_job_id}: {type(exc).__name__}: {exc}"
    return posting_row(posting, facts), error


DEDUPE_COLUMNS = (
    "key, cluster_id, source_id, source_job_id, url, employer, title, location_raw,"
    " date_published, first_seen, description"
)


def cluster_for(conn: Any, row: dict[str, Any]) -> str:
    """The dedupe cluster of a new posting: an earlier posting of the same job, else itself."""
    cursor = conn.execute(
        f"SELECT {DEDUPE_COLUMNS} FROM postings WHERE url = ?"
        f" UNION ALL SELECT * FROM (SELECT {DEDUPE_COLUMNS} FROM postings WHERE employer = ? AND title = ?"
        "   ORDER BY first_seen DESC LIMIT 20)",
        [row.get("url"), row.get("employer"), row.get("title")],
    )
    names = [d[0] for d in cursor.description]
    candidates = [dict(zip(names, values, strict=True)) for values in cursor]
    return duplicate_of(row, candidates) or row["key"]


class StorePipeline:
    def __init__(self, crawler: Any) -> None:
        from researchjobs.config import paths

        settings = crawler.settings
        self.crawler = crawler
        self.db_path = Path(settings.get("RESEARCHJOBS_DB") or paths().db)
        self.batch_size = settings.getint("RESEARCHJOBS_BATCH_SIZE", 200)
        self.batch_id = settings.get("RUN_ID") or uuid.uuid4().hex[:12]
        self.min_open = settings.getint("RESEARCHJOBS_SUSPICIOUS_MIN_OPEN", SUSPICIOUS_MIN_OPEN)
        self.db: Any = None
        self.buffer: list[dict[str, Any]] = []
        self.seen: dict[str, set[str]] = {}
        self.counts: dict[str, UpsertCounts] = {}
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler: Any) -> StorePipeline:
        if crawler.settings.getbool("RESEARCHJOBS_CHECK"):
            raise NotConfigured  # `sources check` stores nothing and records no crawl
        return cls(crawler)

    @property
    def spider(self) -> Any:
        return self.crawler.spider

    def open_spider(self) -> None:
        now = now_iso()
        try:
            self.db = open_db(self.db_path)
            for source in self.spider.sources:
                self.seen[source.id] = set()
                self.counts[source.id] = UpsertCounts()
                start_run(self.db, run_id_for(self.batch_id, source.id), source.id, source.family, now)
        except StorageError as exc:
            self.storage_failed(f"cannot record this crawl: {exc}")
            if self.db is not None:
                self.db.conn.close()
                self.db = None
            raise CloseSpider("storage_error") from None  # nothing could be stored: do not crawl

    def storage_failed(self, message: str) -> None:
        logger.error(message)
        self.crawler.signals.send_catch_log(signal=storage_error, message=message)

    def process_item(self, item: Any) -> Any:
        if not isinstance(item, Posting):
            return item
        row, error = enrich_row(item)
        if error:
            self.spider.record_error(item.source_id, error)
        self.seen.setdefault(item.source_id, set()).add(row["key"])
        self.buffer.append(row)
        if len(self.buffer) >= self.batch_size:
            self.flush()
        return item

    def flush(self) -> None:
        if not self.buffer:
            return
        rows, self.buffer = self.buffer, []
        by_source: dict[str, list[dict[str, Any]]] = {}
        for row in rows:
            by_source.setdefault(row["source_id"], []).append(row)
        for source_id, source_rows in by_source.items():
            try:
                counts = self.store(source_id, source_rows)
            except Exception as exc:
                message = f"storing {len(source_rows)} {self.what} failed: {exc}"
                if source_id in self.spider.state:
                    self.spider.record_error(source_id, message, kind="bug")
                self.storage_failed(f"{source_id}: {message}")
                continue
            self.counts.setdefault(source_id, UpsertCounts()).add(counts)

    #: What the stored rows are, for messages.
    what = "postings"

    def store(self, source_id: str, rows: list[dict[str, Any]]) -> UpsertCounts:
        """Write one source's rows of a batch (one transaction); how many were new, updated…"""
        return upsert_rows(
            self.db, rows, now=now_iso(), run_id=run_id_for(self.batch_id, source_id), cluster_for=cluster_for
        )

    def close_spider(self) -> None:
        self.flush()

    def spider_closed(self, spider: Any, reason: str) -> None:
        if self.db is None:
            return
        self.flush()
        now = now_iso()
        for source_id, state in spider.state.items():
            run_id = run_id_for(self.batch_id, source_id)
            try:
                decision = self.decision(source_id, state, reason)
                result = self.result(source_id, state, reason, decision)
                if decision.close:
                    # A job skipped as unreadable is still listed: its stored posting stays open.
                    listed = self.listed(source_id, state)
                    result.closed = close_missing(self.db, source_id, listed, now=now, run_id=run_id)
                finish_run(self.db, run_id, result, now)
            except Exception as exc:
                self.storage_failed(f"{source_id}: could not record the crawl outcome: {exc}")
        self.db.conn.close()
        self.db = None

    #: Whether a complete crawl that would close most of a source's open postings is held back
    #: as ``suspicious`` (postings); a subclass whose rows have no such evidence turns it off.
    judges_drops = True

    def decision(self, source_id: str, state: Any, reason: str) -> Decision:
        """The run's outcome (``outcomes.decide``), with closing evidence when it would close."""
        watch = network_for(self.crawler).watch
        facts = self.facts(source_id, state, reason, watch.line if watch.offline else None)
        decision = decide(facts, source_id, self.min_open)
        if decision.close and self.judges_drops:  # a complete crawl: would closing be believable?
            self.add_closing_evidence(facts, source_id, run_id_for(self.batch_id, source_id))
            decision = decide(facts, source_id, self.min_open)
        return decision

    def listed(self, source_id: str, state: Any) -> set[str]:
        """Keys this crawl saw, plus those of jobs it skipped as unreadable but could identify."""
        return self.seen.get(source_id, set()) | {posting_key(source_id, i) for i in state.skipped_ids}

    def facts(self, source_id: str, state: Any, reason: str, offline: str | None) -> SourceFacts:
        """What this crawl observed of one source."""
        return facts_from_state(state, reason, offline, seen=len(self.seen.get(source_id, ())))

    def add_closing_evidence(self, facts: SourceFacts, source_id: str, run_id: str) -> None:
        state = self.spider.state[source_id]
        facts.open_before, facts.missing = closing_evidence(self.db, source_id, self.listed(source_id, state))
        facts.previous_suspicious = previous_complete_outcome(self.db, source_id, run_id) == "suspicious"

    def scrapy_stats(self) -> dict[str, Any]:
        """The crawl-wide counters worth keeping: retries, back-off, statuses, robots."""
        stats = self.crawler.stats.get_stats()
        keep = ("retry/", "researchjobs/", "downloader/response_status_count/", "robotstxt/", "downloader/request_count")
        return {k: v for k, v in stats.items() if k.startswith(keep)}

    def result(self, source_id: str, state: Any, reason: str, decision: Decision) -> RunResult:
        counts = self.counts.get(source_id, UpsertCounts())
        stats = {
            "responses": state.responses,
            "reason": reason,
            "reopened": counts.reopened,
            "warnings": list(state.warnings)[:50],
            "skipped_jobs": len(state.warnings),
            "failure_kinds": dict(state.kinds),
            **self.scrapy_stats(),
        }
        if state.moved_to:
            stats["moved_to"] = state.moved_to
        return RunResult(
            decision.outcome, decision.complete, seen=len(self.seen.get(source_id, ())), new=counts.new,
            updated=counts.updated, warnings=list(state.warnings), errors=decision.errors, stats=stats, cause=decision.cause, note=decision.note,
        )  # fmt: skip
