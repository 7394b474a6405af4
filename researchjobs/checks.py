"""One small live request per source, to tell a good identifier from a stale one.

The registry's identifiers come from machine-collected lists, so before a source is
trusted (or blamed for an empty crawl) it gets one request: the family's smallest list
request, sent the way a crawl would send it (project User-Agent, robots.txt obeyed).
The answer is sorted into the registry's verification states:

- ``reachable``: 2xx and the body has the family's shape;
- ``wrong_identifier``: 404/410 (or another 4xx), or a 2xx that is not the family's format;
- ``blocked``: 401/403/429/5xx, a WAF or CAPTCHA page, robots.txt disallows us, or the
  network failed. Blocked says nothing about the identifier, so it is worth retrying.

Plain ``urllib`` keeps this independent of Scrapy's reactor: a check is a CLI command
that must answer in seconds. With ``replay_url`` every request, robots.txt included,
goes to the replay server instead, which is how the tests exercise real HTTP.
"""

from __future__ import annotations

import http.client
import importlib
import ipaddress
import json
import os
import re
import socket
import time
import urllib.error
import urllib.request
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urljoin, urlsplit
from urllib.robotparser import RobotFileParser

from researchjobs.replay import rewrite
from researchjobs.settings import USER_AGENT
from researchjobs.sources import Source, check_public_url, set_verifications

#: Bodies beyond this are cut; a check needs the start of the answer, not all of it.
MAX_BODY = 8 * 1024 * 1024
MAX_REDIRECTS = 5
#: Seconds between two live requests to the same host (robots.txt included).
LIVE_INTERVAL = 1.0

WORKDAY_BODY = {"appliedFacets": {}, "limit": 1, "offset": 0, "searchText": ""}

_JSON_ACCEPT = "application/json"
_HTML_ACCEPT = "text/html,application/xhtml+xml;q=0.9,*/*;q=0.5"
_FEED_ACCEPT = "application/atom+xml, application/rss+xml, application/xml;q=0.9, */*;q=0.5"

_TITLE = re.compile(r"<title[^>]*>(.*?)</title>", re.I | re.S)
#: Words in a page title that mean "a bot wall", not "a careers page".
_WAF_TITLE = re.compile(
    r"captcha|attention required|access denied|just a moment|are you a (?:robot|human)|verify you are"
    r"|pardon our interruption|request unsuccessful|security check|unusual traffic|bot detection"
    r"|too many requests|request rejected|forbidden|blocked",
    re.I,
)
#: Fingerprints of the common bot walls (Cloudflare, Incapsula, PerimeterX, DataDome, Akamai, AWS WAF).
_WAF_BODY = re.compile(
    r"cf-chl-|/cdn-cgi/challenge-platform|_incapsula_resource|incapsula incident|px-captcha"
    r"|captcha-delivery\.com|errors\.edgesuite\.net|awswaf|aws-waf-token",
    re.I,
)
_WAF_HEADERS = ("cf-mitigated", "x-amzn-waf-action", "x-datadome", "x-px-blocked")


@dataclass(frozen=True)
class CheckResult:
    """What one check found; ``skipped`` results are not recorded in the registry."""

    source_id: str
    state: str
    status: int | None
    detail: str
    url: str | None = None
    skipped: bool = False

    def __str__(self) -> str:
        http_part = f" (HTTP {self.status})" if self.status is not None else ""
        label = "skipped" if self.skipped else self.state
        return f"{self.source_id}: {label}{http_part}: {self.detail}"


@dataclass(frozen=True)
class Probe:
    """The one request that stands for a source."""

    method: str
    url: str
    expect: str  # json | html | feed
    headers: dict[str, str]
    body: bytes | None = None


@dataclass
class _Response:
    status: int
    headers: dict[str, str]
    body: bytes
    url: str


class _BlockedError(Exception):
    """The request could not be made or was refused before any answer (robots, network)."""


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """Hand redirects back to us, so every hop is checked (public host, robots, replay)."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


class _Transport:
    """One check run's HTTP: robots.txt cache, per-host spacing, replay routing."""

    def __init__(self, replay_url: str | None, timeout: float) -> None:
        self.replay_url = replay_url
        self.timeout = timeout
        handlers: list[Any] = [_NoRedirect()]
        if replay_url:
            handlers.append(urllib.request.ProxyHandler({}))  # never send local traffic to a proxy
        self.opener = urllib.request.build_opener(*handlers)
        self.interval = 0.0 if replay_url else LIVE_INTERVAL
        self._robots: dict[str, RobotFileParser | None] = {}
        self._last: dict[str, float] = {}

    def fetch(self, probe: Probe) -> _Response:
        method, url, body = probe.method, probe.url, probe.body
        for _ in range(MAX_REDIRECTS + 1):
            if not self.allowed(url):
                raise _BlockedError(f"robots.txt disallows {url}")
            response = self._once(method, url, probe.headers, body)
            location = response.headers.get("location")
            if response.status not in (301, 302, 303, 307, 308) or not location:
                return response
            target = urljoin(url, location)
            try:
                check_public_url(target, "redirect")
            except ValueError as exc:
                raise _BlockedError(f"refused to follow a redirect: {exc}") from None
            if response.status in (301, 302, 303) and method != "GET":
                method, body = "GET", None
            url = target
        raise _BlockedError(f"more than {MAX_REDIRECTS} redirects from {probe.url}")

    def allowed(self, url: str) -> bool:
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}"
        if origin not in self._robots:
            self._robots[origin] = self._load_robots(origin)
        parser = self._robots[origin]
        return parser is None or parser.can_fetch(USER_AGENT, url)

    def _load_robots(self, origin: str) -> RobotFileParser | None:
        """Like Scrapy: only a robots.txt that answers 2xx restricts us."""
        url = f"{origin}/robots.txt"
        for _ in range(MAX_REDIRECTS + 1):
            response = self._once("GET", url, {"Accept": "text/plain, */*;q=0.5"}, None)
            location = response.headers.get("location")
            if response.status in (301, 302, 303, 307, 308) and location:
                url = urljoin(url, location)
                try:
                    check_public_url(url, "robots.txt redirect")
                except ValueError:
                    return None
                continue
            if not 200 <= response.status < 300:
                return None
            parser = RobotFileParser(url)
            parser.parse(response.body[: 512 * 1024].decode("utf-8", "replace").splitlines())
            return parser
        return None

    def _once(self, method: str, url: str, headers: dict[str, str], body: bytes | None) -> _Response:
        host = urlsplit(url).hostname or ""
        if not self.replay_url:
            _refuse_private(host)
        wait = self._last.get(host, 0.0) + self.interval - time.monotonic()
        if wait > 0:
            time.sleep(wait)
        target = rewrite(url, self.replay_url) if self.replay_url else url
        request = urllib.request.Request(target, data=body, method=method)
        request.add_header("User-Agent", USER_AGENT)
        for name, value in headers.items():
            request.add_header(name, value)
        try:
            try:
                handle = self.opener.open(request, timeout=self.timeout)
            except urllib.error.HTTPError as exc:
                handle = exc  # an HTTP answer all the same: classify it, do not fail on it
            with handle:
                status = int(handle.getcode())
                response_headers = {k.lower(): v for k, v in handle.headers.items()}
                raw = handle.read(MAX_BODY + 1)
                promised = response_headers.get("content-length", "")
                if promised.isdigit() and len(raw) < min(int(promised), MAX_BODY + 1):
                    # read(n) returns what came before EOF without complaint; a short body is a drop.
                    raise http.client.IncompleteRead(raw, int(promised) - len(raw))
        except urllib.error.URLError as exc:
            raise _BlockedError(_network_message(exc.reason, url, self.timeout)) from None
        except (OSError, http.client.HTTPException) as exc:
            raise _BlockedError(_network_message(exc, url, self.timeout)) from None
        finally:
            self._last[host] = time.monotonic()
        return _Response(status, response_headers, _decode(raw, response_headers), url)


def _refuse_private(host: str) -> None:
    """The registry checks how a host is spelled; this checks where it really points."""
    try:
        infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError) as exc:
        raise _BlockedError(f"DNS lookup of {host} failed ({exc})") from None
    for info in infos:
        address = ipaddress.ip_address(str(info[4][0]).split("%", 1)[0])
        if not address.is_global:
            raise _BlockedError(f"refused: {host} resolves to the non-public address {address}")


def _network_message(reason: Any, url: str, timeout: float) -> str:
    if isinstance(reason, TimeoutError):
        return f"no answer from {urlsplit(url).netloc} within {timeout:g}s"
    if isinstance(reason, http.client.RemoteDisconnected):
        return f"{urlsplit(url).netloc} closed the connection without answering"
    if isinstance(reason, ConnectionResetError):
        return f"connection reset by {urlsplit(url).netloc}"
    if isinstance(reason, http.client.IncompleteRead):
        return f"connection dropped mid-response from {urlsplit(url).netloc}"
    if isinstance(reason, socket.gaierror):
        return f"DNS lookup of {urlsplit(url).hostname} failed ({reason})"
    text = str(reason).strip() or type(reason).__name__
    return f"network error for {urlsplit(url).netloc}: {text}"[:300]


def _decode(raw: bytes, headers: dict[str, str]) -> bytes:
    """Undo gzip/deflate that a server sent unasked; anything else is left as is."""
    raw = raw[:MAX_BODY]
    encoding = headers.get("content-encoding", "").lower()
    if encoding in ("gzip", "x-gzip", "deflate"):
        try:
            wbits = 16 + zlib.MAX_WBITS if "gzip" in encoding else zlib.MAX_WBITS
            return zlib.decompressobj(wbits).decompress(raw, MAX_BODY)
        except zlib.error:
            return raw
    return raw


# ------------------------------------------------------------------ requests per family


def probe_for(source: Source) -> Probe | str:
    """The family's smallest list request, or a reason the check cannot be made."""
    p = source.params
    family = source.family
    json_headers = {"Accept": _JSON_ACCEPT}
    if family == "greenhouse":
        return Probe(
            "GET", f"https://boards-api.greenhouse.io/v1/boards/{p['board']}/jobs", "json", json_headers
        )
    if family == "lever":
        host = "api.eu.lever.co" if p.get("eu") else "api.lever.co"
        query = urlencode({"mode": "json", "skip": 0, "limit": 1})
        return Probe("GET", f"https://{host}/v0/postings/{p['site']}?{query}", "json", json_headers)
    if family == "workday":
        url = f"https://{p['host']}/wday/cxs/{p['tenant']}/{p['site']}/jobs"
        body = json.dumps(WORKDAY_BODY).encode()
        return Probe("POST", url, "json", {**json_headers, "Content-Type": "application/json"}, body)
    if family == "smartrecruiters":
        url = f"https://api.smartrecruiters.com/v1/companies/{p['company']}/postings?limit=1"
        return Probe("GET", url, "json", json_headers)
    if family == "ashby":
        return Probe(
            "GET", f"https://api.ashbyhq.com/posting-api/job-board/{p['board']}", "json", json_headers
        )
    if family == "usajobs":
        key = os.environ.get("USAJOBS_API_KEY", "").strip()
        if not key:
            return "USAJOBS needs an API key: set USAJOBS_API_KEY (and USAJOBS_EMAIL) to check it"
        query = {"ResultsPerPage": "1"}
        for name, api_name in (
            ("keyword", "Keyword"),
            ("series", "JobCategoryCode"),
            ("location", "LocationName"),
            ("organization", "Organization"),
        ):
            if p.get(name):
                query[api_name] = str(p[name])
        headers = {
            **json_headers,
            "Authorization-Key": key,
            # USAJOBS asks for the e-mail address the key was issued to.
            "User-Agent": os.environ.get("USAJOBS_EMAIL", "").strip() or USER_AGENT,
        }
        return Probe("GET", f"https://data.usajobs.gov/api/search?{urlencode(query)}", "json", headers)
    if family == "oracle":
        finder = f"findReqs;siteNumber={p['site']},limit=1,offset=0"
        url = (
            f"https://{p['host']}/hcmRestApi/resources/latest/recruitingCEJobRequisitions"
            f"?onlyData=true&finder={finder}"
        )
        return Probe("GET", url, "json", json_headers)
    if family == "icims":
        # The spider crawls the Jibe JSON API only, so that is what must answer; a classic
        # careers-{x}.icims.com portal without it is reported, not passed.
        return Probe("GET", f"https://{p['host']}/api/jobs?limit=1", "json", json_headers)
    if family == "feeds":
        return Probe("GET", str(p["url"]), "feed", {"Accept": _FEED_ACCEPT})
    if family in ("jsonld", "phenom"):
        return Probe("GET", str(p["url"]), "html", {"Accept": _HTML_ACCEPT})
    return f"no check is defined for the {family} family"


# ------------------------------------------------------------------ classification


def classify(source: Source, response: _Response) -> tuple[str, str]:
    """(state, one-line detail) for an answer to ``probe_for(source)``."""
    status = response.status
    page = _page_note(response.body)
    if 200 <= status < 300:
        return _classify_ok(source, response)
    if status in (404, 410):
        return "wrong_identifier", f"HTTP {status}: no such board at {response.url}"
    if status in (401, 407):
        what = (
            "the USAJOBS API key was refused"
            if source.family == "usajobs"
            else "the server wants credentials"
        )
        return "blocked", f"HTTP {status}: {what}"
    if status == 429:
        retry = response.headers.get("retry-after")
        return (
            "blocked",
            f"HTTP 429: rate-limited{f' (Retry-After {retry})' if retry else ''}; try again later",
        )
    if status in (403, 503):
        wall = " by a WAF/CAPTCHA page" if _is_waf(response) else ""
        return "blocked", f"HTTP {status}: refused{wall}{page}"
    if status >= 500:
        return "blocked", f"HTTP {status}: server error{page}; the identifier may still be right"
    if 400 <= status < 500:
        return "wrong_identifier", f"HTTP {status}: the request was rejected as asked{page}"
    return "blocked", f"HTTP {status}: unexpected answer{page}"


def _classify_ok(source: Source, response: _Response) -> tuple[str, str]:
    body = response.body
    status = response.status
    if not body.strip():
        return "wrong_identifier", f"HTTP {status} but an empty body"
    if _is_waf(response):
        return "blocked", f"a WAF/CAPTCHA page instead of the board{_page_note(body)}"
    expect = _expected(source)
    head = body.lstrip()[:200].lower()
    looks_markup = head.startswith(b"<")
    if expect == "json":
        if looks_markup:
            return (
                "wrong_identifier",
                f"an HTML/XML page where {source.family} JSON was expected{_page_note(body)}",
            )
        try:
            data = json.loads(body)
        except (ValueError, UnicodeDecodeError) as exc:
            return "wrong_identifier", f"malformed JSON: {str(exc)[:80]}"
        ok, detail = _json_shape(source, data)
    elif expect == "feed":
        ok, detail = _feed_shape(body)
    else:
        ok, detail = _html_shape(source, body, looks_markup)
    if not ok:
        return "wrong_identifier", detail
    return "reachable", detail + _parser_note(source, response)


def _expected(source: Source) -> str:
    if source.family == "feeds":
        return "feed"
    if source.family in ("jsonld", "phenom"):
        return "html"
    return "json"


def _json_shape(source: Source, data: Any) -> tuple[bool, str]:
    family = source.family
    name = family.capitalize() if family != "smartrecruiters" else "SmartRecruiters"
    if family == "greenhouse":
        if isinstance(data, dict) and isinstance(data.get("jobs"), list):
            meta = data.get("meta") if isinstance(data.get("meta"), dict) else {}
            return True, f"Greenhouse board with {meta.get('total', len(data['jobs']))} jobs"
    elif family == "lever":
        if isinstance(data, list):
            return True, f"Lever postings list ({'has' if data else 'no'} postings)"
        if isinstance(data, dict) and data.get("ok") is False:
            return False, f"Lever says: {str(data.get('error'))[:100]}"
    elif family == "workday":
        if isinstance(data, dict) and isinstance(data.get("jobPostings"), list):
            return True, f"Workday career site with {_count(data.get('total'), data['jobPostings'])} jobs"
    elif family == "smartrecruiters":
        if isinstance(data, dict) and isinstance(data.get("content"), list) and "totalFound" in data:
            total = data.get("totalFound")
            if not total:
                # SmartRecruiters answers an unknown company with an empty list, not a 404.
                return (
                    True,
                    "SmartRecruiters answered with 0 postings: an empty board or an unknown company id",
                )
            return True, f"SmartRecruiters company with {total} postings"
    elif family == "ashby":
        if isinstance(data, dict) and isinstance(data.get("jobs"), list):
            return True, f"Ashby board with {len(data['jobs'])} jobs"
    elif family == "usajobs":
        result = data.get("SearchResult") if isinstance(data, dict) else None
        if isinstance(result, dict):
            items = (
                result.get("SearchResultItems") if isinstance(result.get("SearchResultItems"), list) else []
            )
            return (
                True,
                f"USAJOBS search with {_count(result.get('SearchResultCountAll'), items)} announcements",
            )
    elif family == "oracle":
        items = data.get("items") if isinstance(data, dict) else None
        if isinstance(items, list) and items and isinstance(items[0], dict):
            search = items[0]
            if "requisitionList" in search or "TotalJobsCount" in search:
                listed = (
                    search.get("requisitionList") if isinstance(search.get("requisitionList"), list) else []
                )
                return True, f"Oracle career site with {_count(search.get('TotalJobsCount'), listed)} jobs"
        if isinstance(items, list) and not items:
            return False, "Oracle answered with no search result: probably a wrong site number"
    elif family == "icims":
        if isinstance(data, dict) and isinstance(data.get("jobs"), list):
            return True, f"iCIMS careers site with {data.get('totalCount', len(data['jobs']))} jobs"
    return False, f"a JSON answer that is not a {name} list response: {_shape_hint(data)}"


def _count(total: Any, page: list[Any]) -> str:
    """The board's total when the API gives one, else what this (limit 1) page holds."""
    if isinstance(total, int | str) and str(total).isdigit():
        return str(total)
    return f"at least {len(page)}"


def _feed_shape(body: bytes) -> tuple[bool, str]:
    head = body[:4096].decode("utf-8", "replace")
    start = re.sub(r"<\?xml[^>]*\?>|<!--.*?-->|<!DOCTYPE[^>]*>", "", head, flags=re.S).lstrip()
    if re.match(r"<(?:[\w-]+:)?(?:rss|feed|RDF)\b", start):
        text = body.decode("utf-8", "replace")
        entries = len(re.findall(r"<(?:entry|item)[\s>]", text))
        kind = "Atom feed" if re.match(r"<(?:[\w-]+:)?feed\b", start) else "RSS feed"
        return True, f"{kind} with {entries} entries"
    if start[:1] == "<":
        return False, f"not an RSS/Atom feed{_page_note(body)}"
    return False, "not an RSS/Atom feed (no XML in the answer)"


def _html_shape(source: Source, body: bytes, looks_markup: bool) -> tuple[bool, str]:
    text = body.decode("utf-8", "replace")
    if not looks_markup and "<html" not in text[:5000].lower():
        return False, f"not an HTML page: {_shape_hint(text[:60])}"
    if source.family == "phenom":
        if "phApp" not in text:
            return False, f"an HTML page without Phenom's phApp data{_page_note(body)}"
        total = re.search(r'"totalHits"\s*:\s*(\d+)', text)
        return True, f"Phenom career site{f' with {total.group(1)} jobs' if total else ''}"
    blocks = re.findall(r"<script[^>]+application/ld\+json", text, re.I)
    postings = "with JobPosting data" if "JobPosting" in text else "(no JobPosting on this page itself)"
    return True, f"HTML page, {len(blocks)} JSON-LD blocks {postings}"


def _parser_note(source: Source, response: _Response) -> str:
    """Run the family's own parser when there is one, to say whether a crawl would work."""
    try:
        module = importlib.import_module(f"researchjobs.spiders.{source.family}")
    except Exception:  # a family whose spider does not exist (yet) or does not import
        return ""
    parse_any = getattr(module, "parse_any", None)
    if parse_any is None:
        return ""
    try:
        from researchjobs.spiders.base import ParseContext

        parse_any(response.body, ParseContext.for_source(source, url=response.url))
    except Exception as exc:  # a parser bug must not hide what the check found
        return f"; but the {source.family} parser failed: {type(exc).__name__}: {str(exc)[:120]}"
    return ""


def _is_waf(response: _Response) -> bool:
    if any(name in response.headers for name in _WAF_HEADERS):
        return True
    head = response.body[:20000].decode("utf-8", "replace")
    if "<" not in head[:200]:
        return False
    match = _TITLE.search(head)
    if match and _WAF_TITLE.search(match.group(1)):
        return True
    return bool(_WAF_BODY.search(head)) and len(response.body) < 200_000


def _page_note(body: bytes) -> str:
    match = _TITLE.search(body[:20000].decode("utf-8", "replace"))
    if not match:
        return ""
    title = " ".join(match.group(1).split())[:80]
    return f" (page title: {title!r})" if title else ""


def _shape_hint(data: Any) -> str:
    if isinstance(data, dict):
        return "an object with keys " + ", ".join(list(map(str, data))[:6])
    if isinstance(data, list):
        return f"a list of {len(data)} items"
    return repr(data)[:60]


# ------------------------------------------------------------------ entry points


def check_source(source: Source, *, replay_url: str | None = None, timeout: float = 15) -> CheckResult:
    """Check one source with one request (plus robots.txt)."""
    return _check(source, _Transport(replay_url, timeout))


def _check(source: Source, transport: _Transport) -> CheckResult:
    probe = probe_for(source)
    if isinstance(probe, str):
        return CheckResult(source.id, source.verified, None, probe, None, skipped=True)
    try:
        response = transport.fetch(probe)
    except _BlockedError as exc:
        return CheckResult(source.id, "blocked", None, str(exc), probe.url)
    except Exception as exc:  # a bug here must not stop the other sources' checks
        detail = f"check failed: {type(exc).__name__}: {exc}"[:300]
        return CheckResult(source.id, source.verified, None, detail, probe.url, skipped=True)
    state, detail = classify(source, response)
    return CheckResult(source.id, state, response.status, detail, response.url)


def check_sources(
    data_root: Path,
    sources: list[Source],
    replay_url: str | None = None,
    *,
    timeout: float = 15,
) -> list[CheckResult]:
    """Check each source and record the outcome in the user's registry.

    One transport for the whole run, so each host's robots.txt is read once and live
    requests to one host (e.g. thirty Greenhouse boards) are spaced out. A source a
    person has marked ``verified`` stays so when the check merely finds it reachable.
    """
    transport = _Transport(replay_url, timeout)
    results: list[CheckResult] = []
    states: dict[str, str] = {}
    for source in sources:
        result = _check(source, transport)
        results.append(result)
        if result.skipped:
            continue
        if result.state == "reachable" and source.verified == "verified":
            continue
        states[source.id] = result.state
    if states:
        set_verifications(data_root, states)
    return results
