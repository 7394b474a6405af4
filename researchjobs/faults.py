"""Whose fault a failed request is: our network, or the board.

Two kinds of evidence, kept apart:

- Per request, ``failure_kind`` names what went wrong (``dns``, ``timeout``, ``http_gone``,
  ``waf`` …). Alone it cannot say whose fault it is: a DNS failure is the board's when
  its domain has lapsed, and ours when the laptop has no network.
- Per crawl, a ``NetworkWatch`` decides whether *we* are online. A board's answer that
  only a real server gives (JSON, XML, plain text; any non-HTML body) proves we are. A
  failed request or an HTML page before any such proof is ambiguous, so the watch asks
  for a connectivity check: a known URL that answers ``204 No Content`` (the kind
  operating systems use to detect captive portals). When that fails too, or answers with
  a login page, the crawl is offline: our fault, stop, change nothing.

This module is pure (no Scrapy, no I/O): the downloader middleware feeds it and runs
the connectivity check; ``outcomes.decide`` turns its verdict into the run's outcome.
"""

from __future__ import annotations

import errno
import re
from dataclasses import dataclass, field

#: Known-answer URLs that reply ``204 No Content`` with an empty body when the internet is
#: really reachable; a captive portal answers them with its own page or a redirect.
CONNECTIVITY_URLS = (
    "http://connectivitycheck.gstatic.com/generate_204",
    "http://cp.cloudflare.com/generate_204",
)

#: Request failures that say nothing about the board until we know our network works.
NETWORK_KINDS = frozenset({"dns", "refused", "unreachable", "timeout", "dropped"})

_EXCEPTION_KINDS = {
    "CannotResolveHostError": "dns",
    "DNSLookupError": "dns",
    "gaierror": "dns",
    "DownloadConnectionRefusedError": "refused",
    "ConnectionRefusedError": "refused",
    "NoRouteError": "unreachable",
    "DownloadTimeoutError": "timeout",
    "TCPTimedOutError": "timeout",
    "TimeoutError": "timeout",
    "ConnectError": "unreachable",
    "DownloadFailedError": "dropped",
    "ResponseFailed": "dropped",
    "ResponseNeverReceived": "dropped",
    "ResponseDataLossError": "dropped",
    "ConnectionLost": "dropped",
    "ConnectionDone": "dropped",
    "ConnectionResetError": "dropped",
    "SSLError": "dropped",
}


def failure_kind(exc: BaseException) -> str | None:
    """The network-level kind of a download exception, or None when it is not one."""
    for klass in type(exc).__mro__:
        kind = _EXCEPTION_KINDS.get(klass.__name__)
        if kind:
            return kind
    if isinstance(exc, OSError) and exc.errno in (errno.ENETUNREACH, errno.EHOSTUNREACH, errno.ENETDOWN):
        return "unreachable"
    return None


def status_kind(status: int) -> str:
    """What an HTTP error status says about the board."""
    if status in (404, 410):
        return "http_gone"
    if status in (401, 403, 407, 429, 451):
        return "http_denied"
    if status >= 500:
        return "http_server"
    return "http_rejected"


# ------------------------------------------------------------------ bot walls

_TITLE = re.compile(rb"<title[^>]*>(.*?)</title>", re.I | re.S)
#: Words in a page title that mean "a bot wall", not "a careers page".
_WAF_TITLE = re.compile(
    r"captcha|attention required|access denied|just a moment|are you a (?:robot|human)|verify you are"
    r"|pardon our interruption|request unsuccessful|security check|unusual traffic|bot detection"
    r"|too many requests|request rejected|forbidden|blocked",
    re.I,
)
#: Fingerprints of the common bot walls (Cloudflare, Incapsula, PerimeterX, DataDome, Akamai, AWS WAF).
_WAF_BODY = re.compile(
    rb"cf-chl-|/cdn-cgi/challenge-platform|_incapsula_resource|incapsula incident|px-captcha"
    rb"|captcha-delivery\.com|errors\.edgesuite\.net|awswaf|aws-waf-token",
    re.I,
)
_WAF_HEADERS = ("cf-mitigated", "x-amzn-waf-action", "x-datadome", "x-px-blocked")


def waf_page(headers: dict[str, str], body: bytes) -> str | None:
    """A short description when an answer is a bot wall (WAF/CAPTCHA page), else None."""
    names = {k.lower() for k in headers}
    for name in _WAF_HEADERS:
        if name in names:
            return f"a WAF answer ({name} header)"
    head = body[:20000]
    if b"<" not in head[:200]:
        return None
    match = _TITLE.search(head)
    title = " ".join(match.group(1).decode("utf-8", "replace").split())[:80] if match else ""
    # Walls are small pages. Real careers pages may carry a WAF vendor's script (Cloudflare
    # injects its challenge-platform script into ordinary pages), so size matters too.
    if title and _WAF_TITLE.search(title) and len(body) < 100_000:
        return f"a WAF/CAPTCHA page (title {title!r})"
    if _WAF_BODY.search(head) and len(body) < 30_000:
        return f"a WAF/CAPTCHA page{f' (title {title!r})' if title else ''}"
    return None


def looks_html(content_type: str, body_start: bytes) -> bool:
    kind = content_type.split(";", 1)[0].strip().lower()
    if kind:
        return kind in ("text/html", "application/xhtml+xml")
    return body_start.lstrip()[:1] == b"<" and b"<html" in body_start[:2000].lower()


# ------------------------------------------------------------------ is it us?

_OFFLINE_WHY = {
    "dns": "DNS lookups fail for every host",
    "refused": "connections are refused for every host",
    "unreachable": "no host can be reached",
    "timeout": "no host answers",
    "dropped": "every connection is cut before an answer",
    "portal": "the network answers with its own page instead (a captive portal: sign in to it first)",
}


@dataclass
class NetworkWatch:
    """Is this crawl online? ``unknown`` until the evidence says ``online`` or ``offline``.

    Shared by every spider of one crawl process, so one decision covers all families.
    """

    state: str = "unknown"
    why: str = ""
    #: Registrable domains whose requests failed at the network level before any proof.
    failed_domains: set[str] = field(default_factory=set)
    first_kind: str | None = None

    @property
    def offline(self) -> bool:
        return self.state == "offline"

    @property
    def line(self) -> str:
        """The one line a user reads when the crawl was offline."""
        return f"offline: no network ({self.why}); nothing was changed, try again later"

    def saw_response(self, status: int, content_type: str, body_start: bytes) -> bool:
        """Record a board's answer; True when only a connectivity check can tell what it means."""
        if self.state != "unknown":
            return False
        if status == 511:  # "Network Authentication Required": what captive portals are meant to send
            self._go_offline("portal")
            return False
        if 300 <= status < 400 or looks_html(content_type, body_start):
            return True
        self.state = "online"
        return False

    def saw_failure(self, kind: str, domain: str) -> bool:
        """Record a network-level failure; True when a connectivity check must decide."""
        if self.state != "unknown":
            return False
        self.first_kind = self.first_kind or kind
        self.failed_domains.add(domain)
        return True

    def connectivity(self, answered: bool, kind: str | None) -> None:
        """The connectivity check's result: ``answered`` with 204, or failed with ``kind``
        (a network kind, or ``portal`` when something else answered)."""
        if self.state != "unknown":
            return
        if answered:
            self.state = "online"
        else:
            self._go_offline(kind or self.first_kind or "dns")

    def without_connectivity_check(self) -> None:
        """With the check disabled: two domains failing and no proof of life means us."""
        if self.state == "unknown" and len(self.failed_domains) >= 2:
            self._go_offline(self.first_kind or "dns")

    def _go_offline(self, kind: str) -> None:
        self.state = "offline"
        self.why = _OFFLINE_WHY.get(kind, _OFFLINE_WHY["dns"])


def judge_connectivity(status: int | None, body: bytes, error_kind: str | None) -> tuple[bool, str | None]:
    """(answered, failure kind) for a connectivity-check response or failure."""
    if status is None:
        return False, error_kind or "dns"
    if status == 204 and not body.strip():
        return True, None
    return False, "portal"


# ------------------------------------------------------------------ what the crawl path raises


class RedirectRefusedError(Exception):
    """A redirect the crawl will not follow; the source ends as ``moved``."""

    def __init__(self, target: str, reason: str) -> None:
        super().__init__(f"redirected to {target} ({reason}); not followed")
        self.target = target
        self.reason = reason


class SourceTimeLimitError(Exception):
    """The source has used its wall-clock allowance; its remaining requests are dropped."""


class NetworkDownError(Exception):
    """The crawl is offline; requests are dropped instead of being sent or retried."""
