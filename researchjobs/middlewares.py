"""Downloader middlewares: replay routing and retries that back off."""

from __future__ import annotations

import email.utils
import logging
import time
from typing import Any

from scrapy import Request
from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.exceptions import NotConfigured
from scrapy.http import Response
from scrapy.utils.defer import maybe_deferred_to_future

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
