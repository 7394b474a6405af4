"""What every spider shares: sources from the registry, error accounting, JSON loading.

A spider knows one hiring system's wire format and nothing else. The pure parse
functions in each family module take bytes or JSON and return Postings; the Spider
classes only build requests and call them. Every failure is recorded against the
source it belongs to, so one broken board never hides another's results and a
failed or partial crawl never closes postings (the pipeline reads ``state``).
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import AsyncIterator, Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, ClassVar

import scrapy
from scrapy import signals
from scrapy.exceptions import IgnoreRequest
from scrapy.spidermiddlewares.httperror import HttpError

from researchjobs.faults import (
    NetworkDownError,
    RedirectRefusedError,
    SourceTimeLimitError,
    failure_kind,
    status_kind,
    waf_page,
)
from researchjobs.posting import Posting
from researchjobs.sources import Registry, Source, load_registry, registry_path


class ParseError(ValueError):
    """A response that is not what this family's API returns; the message says why."""


class UnreadableJobError(ParseError):
    """One job of a listing that cannot become a Posting (no title, no id, an id that is an
    object). The listing's other jobs are kept: the job is skipped with a warning (see
    ``each_job``). ``job_ids`` are the ids it would be stored under, when that much could
    be read, so that our skip never closes the posting already stored for it.

    Raise plain ``ParseError`` instead for what is wrong with the whole response or its
    context (a missing board URL): that fails the source, and a failed run closes nothing.
    """

    def __init__(self, message: str, *job_ids: str | None) -> None:
        super().__init__(message)
        self.job_ids = tuple(job_id for job_id in job_ids if job_id)


@dataclass
class ParseContext:
    """What a parser needs to know beyond the response itself."""

    source_id: str
    family: str
    employer: str | None = None
    employer_type: str | None = None
    crawled_at: str | None = None
    url: str | None = None
    params: dict[str, Any] = field(default_factory=dict)
    #: One line per job a parser skipped (no id, no title, an id that is an object): the
    #: rest of the board is still stored, and the spider records these against the source.
    warnings: list[str] = field(default_factory=list)
    #: Ids of skipped jobs, when readable: their stored postings stay open (not closed by our skip).
    skipped_ids: list[str] = field(default_factory=list)

    def skip_job(self, reason: str, *job_ids: str) -> None:
        """Record one unreadable job: a warning, and the ids its posting may be stored under."""
        self.warnings.append(" ".join(reason.split())[:300])
        self.skipped_ids.extend(job_ids)

    @classmethod
    def for_source(cls, source: Source, crawled_at: str | None = None, url: str | None = None) -> ParseContext:
        return cls(
            source_id=source.id,
            family=source.family,
            employer=source.employer,
            employer_type=source.employer_type,
            crawled_at=crawled_at,
            url=url,
            params=dict(source.params),
        )


@dataclass
class SourceState:
    """What happened to one source during this crawl."""

    source: Source
    errors: list[str] = field(default_factory=list)
    skipped: str | None = None
    responses: int = 0
    items: int = 0
    #: Job ids already taken this crawl: search terms overlap, and a job found under a
    #: second term must cost no second detail request and yield no second Posting.
    seen_ids: set[str] = field(default_factory=set)
    #: Jobs skipped as unreadable (see ``ParseContext.warnings``); they do not fail the source.
    warnings: list[str] = field(default_factory=list)
    #: Ids of those jobs, where known: never closed because of the skip.
    skipped_ids: set[str] = field(default_factory=set)
    #: What kind of failure each error was (``faults.failure_kind``, ``http_gone``, ``data`` …):
    #: the outcome's likely cause is read from these, not from the messages.
    kinds: Counter[str] = field(default_factory=Counter)
    #: Where the board's entry request was redirected, and whether the redirect was followed.
    moved_to: str | None = None
    moved_followed: bool = False


_TITLE = re.compile(rb"<title[^>]*>(.*?)</title>", re.I | re.S)


def load_json(body: bytes | str, what: str = "JSON") -> Any:
    """Parse JSON, or explain what came instead (an HTML WAF page, a truncated body)."""
    if isinstance(body, str):
        body = body.encode("utf-8")
    head = body.lstrip()[:200].lower()
    if head.startswith((b"<!doctype", b"<html", b"<?xml", b"<")):
        match = _TITLE.search(body[:5000])
        title = match.group(1).decode("utf-8", "replace").strip()[:80] if match else ""
        hint = f" (title: {title!r})" if title else ""
        raise ParseError(f"expected {what}, got an HTML/XML page{hint}")
    try:
        return json.loads(body)
    except (ValueError, UnicodeDecodeError) as exc:
        raise ParseError(f"malformed {what}: {exc}") from None
    except RecursionError:
        raise ParseError(f"malformed {what}: nested too deeply") from None


def each_job(
    items: Iterable[Any], ctx: ParseContext, parse_one: Callable[[dict[str, Any]], Posting | None], what: str
) -> list[Posting]:
    """Every job of a listing as a Posting; a job that is not an object, or raises ``UnreadableJobError``,
    is skipped with a warning in ``ctx`` and the rest are kept. ``parse_one`` may return
    None for a job that is deliberately left out (unlisted). ``what`` names the list in
    warnings (``jobs``, ``content``, ...)."""
    postings = []
    for index, item in enumerate(items):
        if not isinstance(item, dict):
            ctx.skip_job(f"{what}[{index}] is not an object; skipped")
            continue
        try:
            posting = parse_one(item)
        except UnreadableJobError as exc:
            ctx.skip_job(f"{what}[{index}]: {exc}; skipped", *exc.job_ids)
            continue
        if posting is not None:
            postings.append(posting)
    return postings


def now_iso() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def text_or_none(value: Any) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def describe_failure(failure: Any) -> tuple[str, str]:
    """(message, failure kind) for an errback failure; see ``outcomes.CAUSE_OF_KIND``."""
    exc = failure.value
    request = getattr(failure, "request", None)
    url = request.url if request is not None else "?"
    if isinstance(exc, HttpError):
        response = exc.response
        wall = waf_page(_headers(response), response.body or b"")
        if wall:
            return f"HTTP {response.status} from {response.url}: {wall}"[:300], "waf"
        return f"HTTP {response.status} from {response.url}", status_kind(response.status)
    if isinstance(exc, IgnoreRequest) and "robots" in str(exc).lower():
        return f"robots.txt disallows {url}", "robots"
    if isinstance(exc, RedirectRefusedError):
        return f"{url} {exc}"[:300], "redirect"
    if isinstance(exc, SourceTimeLimitError):
        return f"{exc}; stopped before {url}"[:300], "limit"
    name = type(exc).__name__
    detail = str(exc).strip()
    message = (f"{name} for {url}: {detail}" if detail else f"{name} for {url}")[:300]
    return message, failure_kind(exc) or "dropped"


def _headers(response: Any) -> dict[str, str]:
    return {k.decode("latin-1"): b", ".join(v).decode("latin-1") for k, v in response.headers.items()}


class SourceSpider(scrapy.Spider):
    """Base for family spiders. ``-a source=ID[,ID...]``; without it, every enabled source of the family."""

    family: ClassVar[str] = ""
    #: The hiring system's own domains (``"myworkdayjobs.com"`` covers every tenant host under
    #: it). A board may redirect between these, or within its own registrable domain; any
    #: other redirect ends its crawl as ``moved``. Declare them in each family's spider.
    hosts: ClassVar[tuple[str, ...]] = ()

    def __init__(self, source: str | None = None, registry: str | None = None, **kwargs: Any):
        super().__init__(**kwargs)
        self._source_arg = source
        self._registry_arg = registry
        self.state: dict[str, SourceState] = {}

    @classmethod
    def from_crawler(cls, crawler: Any, *args: Any, **kwargs: Any) -> SourceSpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        spider.bind_sources(spider.load_registry(crawler.settings.get("RESEARCHJOBS_REGISTRY")))
        crawler.signals.connect(spider.on_spider_error, signal=signals.spider_error)
        return spider

    def on_spider_error(self, failure: Any, response: Any, spider: Any = None) -> None:
        """A bug in a callback must make the run partial/failed, never a clean 'ok' that closes postings."""
        source_id = getattr(response, "meta", {}).get("source_id") if response is not None else None
        message = f"parser bug: {type(failure.value).__name__}: {failure.value} at {getattr(response, 'url', '?')}"
        if source_id in self.state:
            self.record_error(source_id, message[:300], kind="bug")
        else:
            for state in self.state.values():
                state.errors.append(message[:300])
                state.kinds["bug"] += 1

    def load_registry(self, setting: str | None) -> Registry:
        from researchjobs.config import paths

        path = Path(self._registry_arg or setting or registry_path(paths().root))
        return load_registry(path)

    def bind_sources(self, registry: Registry) -> None:
        if self._source_arg:
            wanted = [s.strip() for s in self._source_arg.split(",") if s.strip()]
            missing = [s for s in wanted if s not in registry.sources]
            if missing:
                raise ValueError(f"unknown source(s) {', '.join(missing)} in {registry.path}")
            sources = [registry.sources[s] for s in wanted]
        else:
            sources = [s for s in registry.by_family(self.family) if s.enabled]
        wrong = [s.id for s in sources if s.family != self.family]
        if wrong:
            raise ValueError(f"source(s) {', '.join(wrong)} are not {self.family} sources")
        self.state = {s.id: SourceState(s) for s in sources}

    @property
    def sources(self) -> list[Source]:
        return [st.source for st in self.state.values()]

    async def start(self) -> AsyncIterator[Any]:
        # ``sources check`` sends each source's first request only: the one a crawl starts with.
        first_only = self.settings.getbool("RESEARCHJOBS_CHECK") if hasattr(self, "crawler") else False
        for source in self.sources:
            try:
                requests = list(self.requests_for(source))
            except ValueError as exc:
                self.record_error(source.id, f"cannot build requests: {exc}", kind="data")
                continue
            for request in requests[:1] if first_only else requests:
                yield request

    def requests_for(self, source: Source) -> Iterable[scrapy.Request]:
        raise NotImplementedError

    def request(self, url: str, source: Source, callback: Any, **kwargs: Any) -> scrapy.Request:
        errback = kwargs.pop("errback", None) or self.errback
        meta = dict(kwargs.pop("meta", {}) or {})
        meta["source_id"] = source.id
        # dont_filter: a redirect loop must reach the errback (max redirections) rather than
        # vanish silently in the duplicate filter; paging loops are capped by each spider.
        kwargs.setdefault("dont_filter", True)
        return scrapy.Request(url, callback=callback, errback=errback, meta=meta, **kwargs)

    def context(self, response: Any) -> ParseContext:
        source = self.state[response.meta["source_id"]].source
        state = self.state[source.id]
        if state.responses == 0 and response.meta.get("redirect_urls") and state.moved_to is None:
            # The board's entry point answered from elsewhere (a redirect we were allowed to follow).
            state.moved_to, state.moved_followed = response.url, True
        state.responses += 1
        wall = waf_page(_headers(response), response.body or b"") if hasattr(response, "headers") else None
        if wall:
            self.record_error(source.id, f"{wall} at {response.url}", kind="waf")
        return ParseContext.for_source(source, crawled_at=now_iso(), url=response.url)

    def errback(self, failure: Any) -> None:
        request = getattr(failure, "request", None)
        source_id = request.meta.get("source_id") if request is not None else None
        if isinstance(failure.value, NetworkDownError):
            return  # the crawl is offline: the run's outcome says so, not each request
        message, kind = describe_failure(failure)
        if source_id is None:
            self.logger.error(message)
            return
        state = self.state[source_id]
        if kind == "robots" and state.responses == 0:
            state.kinds[kind] += 1
            self.skip(source_id, message)  # the source's own entry point is off limits
        elif kind == "redirect" and state.responses == 0:
            state.moved_to = getattr(failure.value, "target", None)
            self.record_error(source_id, message, kind="redirect")
        else:
            # A later page refused by robots.txt, or sent elsewhere, leaves the crawl incomplete.
            self.record_error(source_id, message, kind="offsite" if kind == "redirect" else kind)

    def record_error(self, source_id: str, message: str, kind: str = "data") -> None:
        """Record a failure against its source; ``kind`` says what sort (default: the board's data)."""
        self.logger.error("%s: %s", source_id, message)
        self.state[source_id].errors.append(message)
        self.state[source_id].kinds[kind] += 1
        if hasattr(self, "crawler"):
            self.crawler.stats.inc_value("researchjobs/errors")

    def skip(self, source_id: str, reason: str) -> None:
        self.logger.warning("%s skipped: %s", source_id, reason)
        self.state[source_id].skipped = reason

    def emit(
        self, response: Any, postings: Iterable[Posting], ctx: ParseContext | None = None
    ) -> Iterable[Posting]:
        state = self.state[response.meta["source_id"]]
        if ctx is not None:
            self.note_skips(ctx)
        for posting in postings:
            state.items += 1
            yield posting

    def note_skips(self, ctx: ParseContext) -> None:
        """Move the jobs a parser skipped to the source's state: warnings, not errors.

        ``emit`` does this; a callback that parses a listing but emits later (after detail
        requests) calls it itself.
        """
        state = self.state[ctx.source_id]
        for warning in ctx.warnings:
            self.logger.warning("%s: %s", state.source.id, warning)
        state.warnings.extend(ctx.warnings)
        state.skipped_ids.update(ctx.skipped_ids)
        ctx.warnings.clear()
        ctx.skipped_ids.clear()
