"""Dayforce (Ceridian) candidate portals on ``jobs.dayforcehcm.com``.

A board is ``https://jobs.dayforcehcm.com/{locale}/{clientNamespace}/{jobBoardCode}``
(older links: ``https://{pod}.dayforcehcm.com/CandidatePortal/{locale}/{ns}/Site/{board}``).
The portal's own search is two requests on the shared host:

1. ``GET /api/auth/csrf`` → ``{"csrfToken": …}`` plus a ``…csrf-token`` cookie;
2. ``POST /api/geo/{ns}/jobposting/search`` with that token in ``X-CSRF-TOKEN``, the cookie,
   and ``{"clientNamespace", "jobBoardCode", "cultureCode": "en-US", "searchText",
   "paginationStart"}``.

The answer is ``{jobPostings: [...], maxCount, offset, count}`` with 25 postings a page;
pages are walked by ``paginationStart`` until ``maxCount``. A posting has ``jobPostingId``,
``jobReqId``, ``jobTitle``, ``jobDescription`` (plain text with HTML entities),
``postingStartTimestampUTC``/``postingExpiryTimestampUTC``, ``hasVirtualLocation`` and
``postingLocations[]`` (``formattedAddress``, ``isoCountryCode``, ``cityName`` null for a
state-wide entry). Its page is ``…/{locale}/{ns}/{board}/jobs/{jobPostingId}``. List only.

The request form follows public crawler code; public notes also report that Dayforce
refuses scripted searches (HTTP 403) on some days. A refusal is recorded as the source's
failure, never worked around. The token and cookie are fetched once per source.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from dataclasses import dataclass
from http.cookies import CookieError, SimpleCookie
from typing import Any, ClassVar
from urllib.parse import quote, urlsplit

from scrapy.http import JsonRequest

from researchjobs.posting import Posting, canonical_url
from researchjobs.sources import Source
from researchjobs.spiders.base import ParseContext, ParseError, load_json
from researchjobs.spiders.paging import ListPage, PagedSpider, list_page
from researchjobs.spiders.values import as_dict as _dict
from researchjobs.spiders.values import as_id as _id
from researchjobs.spiders.values import as_list as _list
from researchjobs.spiders.values import as_text as _str

HOST = "https://jobs.dayforcehcm.com"
CSRF_URL = f"{HOST}/api/auth/csrf"
PAGE_SIZE = 25  # fixed by Dayforce
CULTURE = "en-US"
_LOCALE = re.compile(r"^[a-z]{2}(?:-[A-Za-z]{2,4})?$")


@dataclass(frozen=True)
class Board:
    client: str
    board: str

    def search_url(self) -> str:
        return f"{HOST}/api/geo/{quote(self.client, safe='')}/jobposting/search"

    def page_url(self) -> str:
        return f"{HOST}/{CULTURE}/{quote(self.client, safe='')}/{quote(self.board, safe='')}"

    def job_url(self, posting_id: str) -> str:
        return f"{self.page_url()}/jobs/{quote(posting_id, safe='')}"


def board_for(params: dict[str, Any], url: str | None = None) -> Board | None:
    """From registry params, else from a board or job page URL (``/{locale}/{ns}/{board}/…``)."""
    client, board = _str(params.get("client")), _str(params.get("board"))
    if client and board:
        return Board(client, board)
    if not url:
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    segments = [s for s in parts.path.split("/") if s]
    if (parts.hostname or "").lower() != urlsplit(HOST).hostname or segments[:1] == ["api"]:
        return None
    if segments and _LOCALE.match(segments[0]):
        segments = segments[1:]
    return Board(segments[0], segments[1]) if len(segments) >= 2 else None


def search_body(board: Board, term: str, start: int) -> dict[str, Any]:
    return {
        "clientNamespace": board.client,
        "jobBoardCode": board.board,
        "cultureCode": CULTURE,
        "searchText": term,
        "paginationStart": start,
    }


def csrf_pair(body: bytes, set_cookies: list[bytes]) -> tuple[str, str]:
    """(token, Cookie header) from the CSRF answer; ParseError when either is missing."""
    data = load_json(body, "Dayforce CSRF JSON")
    token = _str(data.get("csrfToken")) if isinstance(data, dict) else None
    pairs = []
    for raw in set_cookies:
        jar: SimpleCookie = SimpleCookie()
        try:
            jar.load(raw.decode("latin-1"))
        except CookieError:
            continue
        pairs += [f"{name}={morsel.value}" for name, morsel in jar.items() if "csrf" in name.lower()]
    if not token or not pairs:
        raise ParseError("Dayforce gave no CSRF token and cookie: the portal's search cannot be used")
    return token, "; ".join(pairs)


# ------------------------------------------------------------------ parsing


def parse_any(body: bytes, ctx: ParseContext) -> list[Posting]:
    """A candidate-portal job search answer (``jobPostings``)."""
    return parse_search(load_json(body, "Dayforce JSON"), ctx).postings


def parse_search(data: Any, ctx: ParseContext) -> ListPage:
    if not isinstance(data, dict) or not isinstance(data.get("jobPostings"), list):
        if isinstance(data, dict) and ("error" in data or "message" in data):
            raise ParseError(f"Dayforce error answer: {str(data)[:160]}")
        raise ParseError("not a Dayforce job search answer: no 'jobPostings' list")
    hint = (
        "a Dayforce answer does not name its job board: give the board's page "
        "(--url https://jobs.dayforcehcm.com/en-US/CLIENT/BOARD) or a registry --source"
    )
    return list_page(
        data["jobPostings"],
        data.get("maxCount"),
        ctx,
        "jobPostings",
        board_for(ctx.params, ctx.url),
        hint,
        lambda row, board: parse_posting(row, ctx, board),
    )


def parse_posting(row: Any, ctx: ParseContext, board: Board) -> Posting:
    if not isinstance(row, dict):
        raise ParseError("not an object")
    identifier, title = _id(row.get("jobPostingId")), _str(row.get("jobTitle"))
    if not identifier or not title:
        raise ParseError(f"no jobPostingId or jobTitle: {str(row)[:120]}")
    url = board.job_url(identifier)
    places = [p for p in (_place(loc) for loc in _list(row.get("postingLocations"))) if p]
    countries = [_str(_dict(loc).get("isoCountryCode")) for loc in _list(row.get("postingLocations"))]
    remote = row.get("hasVirtualLocation") is True
    extra: dict[str, Any] = {}
    if row.get("isEvergreen") is True:
        extra["evergreen"] = True
    return Posting(
        source_family="dayforce",
        source_id=ctx.source_id,
        source_job_id=identifier,
        title=" ".join(html.unescape(title).split()),
        url=canonical_url(url) or url,
        employer=ctx.employer,
        employer_type=ctx.employer_type,
        requisition_id=_id(row.get("jobReqId")),
        location_raw=places[0] if places else ("Remote" if remote else None),
        locations_raw=places if len(places) > 1 else [],
        country_raw=next((c for c in countries if c), None),
        workplace_raw="Remote" if remote else None,
        date_published_raw=_str(row.get("postingStartTimestampUTC")),
        valid_through_raw=_str(row.get("postingExpiryTimestampUTC")),
        description_html_raw=_as_html(_str(row.get("jobDescription"))),
        apply_url=url,
        crawled_at=ctx.crawled_at,
        extra=extra,
    )


def _place(location: Any) -> str | None:
    loc = _dict(location)
    if text := _str(loc.get("formattedAddress")):
        return text
    parts = (_str(loc.get("cityName")), _str(loc.get("stateCode")), _str(loc.get("isoCountryCode")))
    return ", ".join(p for p in parts if p) or None


def _as_html(text: str | None) -> str | None:
    """Dayforce sends plain text with entities (``&rsquo;``): one paragraph per line."""
    if not text:
        return None
    lines = [" ".join(line.split()) for line in html.unescape(text).splitlines()]
    paragraphs = [f"<p>{html.escape(line)}</p>" for line in lines if line]
    return "\n".join(paragraphs) or None


# ------------------------------------------------------------------ spider


class DayforceSpider(PagedSpider):
    """The CSRF handshake once per source, then the search for each term, paged."""

    name = "dayforce"
    family = "dayforce"
    page_size = PAGE_SIZE
    max_pages = 80  # per search term: 2,000 postings
    # jobs.dayforcehcm.com serves every Dayforce customer: one request at a time, slowly.
    custom_settings: ClassVar[dict[str, Any]] = {"CONCURRENT_REQUESTS_PER_DOMAIN": 1, "DOWNLOAD_DELAY": 2.0}

    def requests_for(self, source: Source) -> Iterable[Any]:
        board = board_for(source.params)
        if board is None:
            raise ValueError("dayforce sources need client and board")
        for value in (board.client, board.board):
            if not re.fullmatch(r"[A-Za-z0-9_.\-]+", value):
                raise ValueError(f"{value!r} is not a Dayforce client namespace or board code")
        yield self.request(CSRF_URL, source, self.parse_csrf_response, meta={"board": board})

    def parse_csrf_response(self, response: Any) -> Iterable[Any]:
        ctx = self.context(response)
        try:
            token, cookie = csrf_pair(response.body, response.headers.getlist("Set-Cookie"))
        except ParseError as exc:
            self.record_error(ctx.source_id, f"{exc} at {response.url}")
            return
        source = self.state[ctx.source_id].source
        auth = {"token": token, "cookie": cookie}
        for term in dict.fromkeys(t.strip() for t in source.search or [""]):
            yield self._search(source, response.meta["board"], auth, term, 0, 1)

    def _search(
        self, source: Source, board: Board, auth: dict[str, str], term: str, start: int, number: int
    ) -> JsonRequest:
        return JsonRequest(
            board.search_url(),
            data=search_body(board, term, start),
            callback=self.parse_search_response,
            errback=self.errback,
            headers={
                "Accept": "application/json",
                "X-CSRF-TOKEN": auth["token"],
                "Cookie": auth["cookie"],
                "Origin": HOST,
                "Referer": board.page_url(),
            },
            dont_filter=True,
            meta={
                "source_id": source.id,
                "board": board,
                "auth": auth,
                "term": term,
                "start": start,
                "page": number,
            },
        )

    def parse_search_response(self, response: Any) -> Iterable[Any]:
        ctx = self.context(response)
        term, start, number = response.meta["term"], response.meta["start"], response.meta["page"]
        try:
            page = parse_search(load_json(response.body, "Dayforce JSON"), ctx)
        except ParseError as exc:
            self.record_error(ctx.source_id, f"{exc} at {response.url} (search {term!r}, start {start})")
            return
        yield from self.emit_fresh(response, ctx, page.postings)
        following = self.next_offset(ctx, page, start, number, term)
        if following is not None:
            source = self.state[ctx.source_id].source
            yield self._search(source, response.meta["board"], response.meta["auth"], term, following, number + 1)
