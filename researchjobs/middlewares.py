"""Downloader middlewares: replay routing, retries that back off, safe redirects, and the
crawl-wide judgement of whose fault a failed request is (``NetworkWatchMiddleware``)."""

from __future__ import annotations

import asyncio
import email.utils
import logging
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin, urlsplit

from scrapy import Request
from scrapy.downloadermiddlewares.redirect import MetaRefreshMiddleware, RedirectMiddleware
from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.exceptions import NotConfigured
from scrapy.http import Response
from scrapy.utils.defer import deferred_from_coro, maybe_deferred_to_future

from researchjobs.faults import (
    NetworkDownError,
    NetworkWatch,
    RedirectRefusedError,
    SourceTimeLimitError,
    failure_kind,
    judge_connectivity,
)
from researchjobs.hosts import judge_redirect, registrable_domain
from researchjobs.replay import rewrite

logger = logging.getLogger(__name__)


class ReplayMiddleware:
    """With ``REPLAY_URL`` set, send each request to the replay server, keeping its real URL.

    Placed last before the downloader, so robots.txt, retries and redirects all see and
    produce real URLs; the per-host download slot stays the real host.
    """

    def __init__(self, replay_url: str) -> None:
        self.replay_url = replay_url

    @classmethod
    def from_crawler(cls, crawler: Any) -> ReplayMiddleware:
        url = crawler.settings.get("REPLAY_URL")
        if not url:
            raise NotConfigured
        return cls(url)

    def process_request(self, request: Request) -> None:
        # Rewritten in place (not replaced): a returned Request would be rescheduled and
        # pass robots.txt again under the replay address.
        original = request.url
        request.meta["replay_original_url"] = original
        request.meta.setdefault("download_slot", _host(original))
        request._set_url(rewrite(original, self.replay_url))

    def process_response(self, request: Request, response: Response) -> Response:
        original = self._restore(request)
        return response if original is None else response.replace(url=original)

    def process_exception(self, request: Request, exception: Exception) -> None:
        self._restore(request)

    @staticmethod
    def _restore(request: Request) -> str | None:
        original = request.meta.pop("replay_original_url", None)
        if original:
            request._set_url(original)
        return original


def _host(url: str) -> str:
    from urllib.parse import urlsplit

    return urlsplit(url).netloc


class BackoffRetryMiddleware(RetryMiddleware):
    """Scrapy's retry, waiting before each retry: Retry-After if given, else exponential."""

    def __init__(self, settings: Any) -> None:
        super().__init__(settings)
        self.base = settings.getfloat("RETRY_BACKOFF_BASE", 2.0)
        self.cap = settings.getfloat("RETRY_BACKOFF_MAX", 60.0)

    async def process_response(self, request: Request, response: Response) -> Request | Response:
        if request.meta.get("dont_retry", False) or response.status not in self.retry_http_codes:
            return response
        retry = self._retry(request, f"HTTP {response.status}")
        if retry is None:
            return response
        delay = self.delay_for(request, response.headers.get(b"Retry-After"))
        self.crawler.stats.inc_value("researchjobs/backoff_seconds", delay)
        await _sleep(delay)
        return retry

    async def process_exception(self, request: Request, exception: Exception) -> Request | None:
        retry = super().process_exception(request, exception)
        if retry is not None:
            await _sleep(self.delay_for(request, None))
        return retry

    def delay_for(self, request: Request, retry_after: bytes | None) -> float:
        if retry_after:
            seconds = parse_retry_after(retry_after.decode("latin-1"))
            if seconds is not None:
                return min(seconds, self.cap)
        attempt = request.meta.get("retry_times", 0)
        return min(self.base * (2**attempt), self.cap)


def parse_retry_after(value: str) -> float | None:
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        moment = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    return max(0.0, moment.timestamp() - time.time())


async def _sleep(seconds: float) -> None:
    if seconds <= 0:
        return
    from twisted.internet import reactor
    from twisted.internet.task import deferLater

    await maybe_deferred_to_future(deferLater(reactor, seconds, lambda: None))


# ------------------------------------------------------------------ redirects


class _SafeRedirects:
    """Follow a redirect only within the board's registrable domain or its hiring system's hosts.

    Anything else (another company's host, a private or loopback address, a non-http(s)
    URL) raises ``RedirectRefusedError``: the spider records the source as ``moved`` with the
    target, and nothing is fetched from it.
    """

    crawler: Any

    def _redirect(self, redirected: Request, request: Request, reason: Any) -> Request:
        hosts = tuple(getattr(self.crawler.spider, "hosts", ()) or ())
        judgement = judge_redirect(request.url, redirected.url, hosts)
        if not judgement.allowed:
            raise RedirectRefusedError(redirected.url, judgement.reason)
        return super()._redirect(redirected, request, reason)  # type: ignore[misc]


class SafeRedirectMiddleware(_SafeRedirects, RedirectMiddleware):
    def process_response(self, request: Request, response: Response) -> Request | Response:
        result = super().process_response(request, response)
        location = response.headers.get(b"Location")
        if result is response and location and response.status in (301, 302, 303, 307, 308) and not (
            request.meta.get("dont_redirect") or request.meta.get("handle_httpstatus_all")
            or response.status in request.meta.get("handle_httpstatus_list", ())
        ):  # fmt: skip
            # Scrapy hands back redirects to non-http(s) URLs unfollowed; say so instead.
            target = urljoin(request.url, location.decode("latin-1"))
            raise RedirectRefusedError(target, judge_redirect(request.url, target).reason)
        return result


class SafeMetaRefreshMiddleware(_SafeRedirects, MetaRefreshMiddleware):
    pass


# ------------------------------------------------------------------ time limits


class SourceTimeLimitMiddleware:
    """A wall-clock allowance per source (``RESEARCHJOBS_SOURCE_TIMEOUT`` seconds).

    A slow board cannot hold up the others: once its allowance is spent, its remaining
    requests are dropped, and it is recorded as incomplete (nothing closed).
    """

    def __init__(self, limit: float) -> None:
        self.limit = limit
        self.started: dict[str, float] = {}

    @classmethod
    def from_crawler(cls, crawler: Any) -> SourceTimeLimitMiddleware:
        limit = crawler.settings.getfloat("RESEARCHJOBS_SOURCE_TIMEOUT", 0)
        if limit <= 0:
            raise NotConfigured
        return cls(limit)

    def process_request(self, request: Request) -> None:
        source_id = request.meta.get("source_id")
        if not source_id:
            return
        started = self.started.setdefault(source_id, time.monotonic())
        if time.monotonic() - started > self.limit:
            raise SourceTimeLimitError(f"the per-source time limit of {self.limit:g}s was reached")


# ------------------------------------------------------------------ whose fault


@dataclass
class SharedNetwork:
    """One crawl process's view of its network, shared by every family's crawler."""

    watch: NetworkWatch = field(default_factory=NetworkWatch)
    crawlers: list[Any] = field(default_factory=list)
    check: asyncio.Future[None] | None = None


_NETWORKS: dict[str, SharedNetwork] = {}


def network_for(crawler: Any) -> SharedNetwork:
    """The shared network view of the crawl ``crawler`` belongs to (one per ``RUN_ID``)."""
    key = str(crawler.settings.get("RUN_ID") or "default")
    return _NETWORKS.setdefault(key, SharedNetwork())


class NetworkWatchMiddleware:
    """Tells our network's faults from the boards', once per crawl, and stops early when offline.

    Sits just inside the replay router, so it sees every attempt (before retries and
    redirects) under its real URL. The first failure or HTML page that comes before any
    proof of being online triggers the connectivity check (``faults.CONNECTIVITY_URLS``);
    when that fails too, every spider of the crawl is closed with reason ``offline`` and
    later requests are dropped, not retried.
    """

    def __init__(self, crawler: Any) -> None:
        self.crawler = crawler
        self.shared = network_for(crawler)
        self.shared.crawlers.append(crawler)
        settings = crawler.settings
        self.urls = [u for u in settings.getlist("RESEARCHJOBS_CONNECTIVITY_URLS") if u.strip()]
        self.timeout = settings.getfloat("RESEARCHJOBS_CONNECTIVITY_TIMEOUT", 5.0)

    @classmethod
    def from_crawler(cls, crawler: Any) -> NetworkWatchMiddleware:
        return cls(crawler)

    @property
    def watch(self) -> NetworkWatch:
        return self.shared.watch

    def process_request(self, request: Request) -> None:
        if self.watch.offline and not request.meta.get("researchjobs_connectivity"):
            raise NetworkDownError(self.watch.line)

    async def process_response(self, request: Request, response: Response) -> Response:
        if request.meta.get("researchjobs_connectivity"):
            return response
        content_type = (response.headers.get(b"Content-Type") or b"").decode("latin-1")
        if self.watch.saw_response(response.status, content_type, response.body[:2000]):
            await self._check()
        if self.watch.offline:
            raise NetworkDownError(self.watch.line)
        return response

    async def process_exception(self, request: Request, exception: Exception) -> None:
        if request.meta.get("researchjobs_connectivity") or isinstance(exception, NetworkDownError):
            return None
        kind = failure_kind(exception)
        host = urlsplit(request.url).hostname or ""
        if kind and self.watch.saw_failure(kind, registrable_domain(host)):
            await self._check()
        if self.watch.offline:
            raise NetworkDownError(self.watch.line)
        return None

    async def _check(self) -> None:
        if self.shared.check is None:
            self.shared.check = asyncio.ensure_future(self._run_check())
        await asyncio.shield(self.shared.check)

    async def _run_check(self) -> None:
        if not self.urls:
            self.watch.without_connectivity_check()
        else:
            answered, kind = await self._connectivity()
            self.watch.connectivity(answered, kind)
        if self.watch.offline:
            logger.error("%s", self.watch.line)
            self._stop_all()

    async def _connectivity(self) -> tuple[bool, str | None]:
        kinds: list[str | None] = []
        for url in self.urls:
            request = Request(url, dont_filter=True, meta={
                "researchjobs_connectivity": True, "dont_obey_robotstxt": True, "dont_retry": True,
                "dont_redirect": True, "handle_httpstatus_all": True, "download_timeout": self.timeout,
            })  # fmt: skip
            try:
                response = await self.crawler.engine.download_async(request)
            except Exception as exc:
                answered, kind = judge_connectivity(None, b"", failure_kind(exc))
            else:
                answered, kind = judge_connectivity(response.status, response.body, None)
            if answered:
                return True, None
            kinds.append(kind)
        return False, "portal" if "portal" in kinds else kinds[0]

    def _stop_all(self) -> None:
        for crawler in self.shared.crawlers:
            engine = getattr(crawler, "engine", None)
            if engine is None or getattr(engine, "spider", None) is None:
                continue
            try:
                deferred_from_coro(engine.close_spider_async(reason="offline"))
            except RuntimeError:  # that spider is not open (yet, or any more)
                continue
