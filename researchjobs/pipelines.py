"""The crawl's one item pipeline: normalise, enrich, store in batches, record the run.

Each source of a spider run gets its own ``crawl_runs`` row. Postings are written in
``BEGIN IMMEDIATE`` batches as they arrive; closing postings that a source no longer
lists happens once, at the end, and only when that source's crawl was complete and
error-free and the spider finished normally.
"""

from __future__ import annotations

import logging
import uuid
from pathlib import Path
from typing import Any

from scrapy import signals

from researchjobs.enrich.dedupe import duplicate_of
from researchjobs.enrich.facts import extract_facts
from researchjobs.enrich.normalise import normalise
from researchjobs.posting import Posting
from researchjobs.spiders.base import now_iso
from researchjobs.storage.db import open_db
from researchjobs.storage.postings import UpsertCounts, close_missing, posting_row, upsert_rows
from researchjobs.storage.runs import RunResult, finish_run, start_run

logger = logging.getLogger(__name__)


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
        self.db: Any = None
        self.buffer: list[dict[str, Any]] = []
        self.seen: dict[str, set[str]] = {}
        self.counts: dict[str, UpsertCounts] = {}
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler: Any) -> StorePipeline:
        return cls(crawler)

    @property
    def spider(self) -> Any:
        return self.crawler.spider

    def open_spider(self) -> None:
        self.db = open_db(self.db_path)
        now = now_iso()
        for source in self.spider.sources:
            self.seen[source.id] = set()
            self.counts[source.id] = UpsertCounts()
            start_run(self.db, run_id_for(self.batch_id, source.id), source.id, source.family, now)

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
                    self.spider.record_error(source_id, message)
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
            result = self.outcome(source_id, state, reason)
            try:
                if result.complete:
                    result.closed = close_missing(
                        self.db,
                        source_id,
                        self.seen.get(source_id, set()),
                        now=now,
                        run_id=run_id_for(self.batch_id, source_id),
                    )
                finish_run(self.db, run_id_for(self.batch_id, source_id), result, now)
            except Exception as exc:
                logger.error("%s: could not record the crawl outcome: %s", source_id, exc)
        self.db.conn.close()
        self.db = None

    def scrapy_stats(self) -> dict[str, Any]:
        """The crawl-wide counters worth keeping: retries, back-off, statuses, robots."""
        stats = self.crawler.stats.get_stats()
        keep = ("retry/", "researchjobs/", "downloader/response_status_count/", "robotstxt/", "downloader/request_count")
        return {k: v for k, v in stats.items() if k.startswith(keep)}

    def outcome(self, source_id: str, state: Any, reason: str) -> RunResult:
        counts = self.counts.get(source_id, UpsertCounts())
        seen = len(self.seen.get(source_id, ()))
        errors = list(state.errors)
        base = dict(
            seen=seen,
            new=counts.new,
            updated=counts.updated,
            stats={
                "responses": state.responses,
                "reason": reason,
                "reopened": counts.reopened,
                "warnings": list(getattr(state, "warnings", []))[:50],
                **self.scrapy_stats(),
            },
        )
        if state.skipped:
            return RunResult("skipped", False, errors=[state.skipped, *errors], **base)
        if reason != "finished":
            return RunResult("interrupted", False, errors=[f"crawl stopped: {reason}", *errors], **base)
        if errors:
            return RunResult("partial" if seen else "failed", False, errors=errors, **base)
        if state.responses == 0:
            return RunResult("failed", False, errors=["no response was received"], **base)
        return RunResult("ok", True, errors=[], **base)
