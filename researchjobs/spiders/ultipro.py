"""UKG Pro Recruiting (UltiPro) job boards: the board's own ``LoadSearchResults`` JSON.

A board is ``https://{host}/{TENANT}/JobBoard/{board GUID}/`` on ``recruiting.ultipro.com``
or ``recruiting2.ultipro.com``. Its search page posts
``{"opportunitySearch": {"Top": 50, "Skip": N, "QueryString": TERM, "OrderBy": [], "Filters": []}}``
to ``…/JobBoardView/LoadSearchResults`` and gets ``{opportunities: [...], totalCount}``;
pages are walked by ``Skip`` until ``totalCount``. Each opportunity has ``Id`` (a GUID),
``Title``, ``RequisitionNumber``, ``FullTime``, ``JobCategoryName``, ``PostedDate`` (ISO Z),
``BriefDescription`` (a 300-character teaser), ``Locations[].Address`` (``State`` and
``Country`` as ``{Code, Name}`` objects or null; a "Remote" location carries placeholder
coordinates) and ``JobLocationType`` (1 on-site and 2 remote on the board seen). A job's
page is ``…/OpportunityDetail?opportunityId={Id}``; only the list is read, so the
description is the teaser.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, ClassVar
from urllib.parse import quote, unquote, urlencode, urlsplit

from scrapy.http import JsonRequest

from researchjobs.posting import Posting, canonical_url
from researchjobs.sources import Source
from researchjobs.spiders.base import ParseContext, ParseError, load_json
from researchjobs.spiders.paging import ListPage, PagedSpider, list_page
from researchjobs.spiders.values import as_dict as _dict
from researchjobs.spiders.values import as_id as _id
from researchjobs.spiders.values import as_int as _int
from researchjobs.spiders.values import as_list as _list
from researchjobs.spiders.values import as_text as _str

PAGE_SIZE = 50
HOSTS = ("recruiting.ultipro.com", "recruiting2.ultipro.com")
_BOARD_PATH = re.compile(r"^/(?P<tenant>[^/]+)/JobBoard/(?P<board>[0-9A-Fa-f-]{36})(?:/|$)", re.I)
#: ``JobLocationType`` as seen on a real board (2 on "Remote" locations, 1 on an address).
LOCATION_TYPES = {1: "On-site", 2: "Remote"}


@dataclass(frozen=True)
class Board:
    host: str
    tenant: str
    board: str

    def base(self) -> str:
        return f"https://{self.host}/{quote(self.tenant, safe='')}/JobBoard/{quote(self.board, safe='')}"

    def search_url(self) -> str:
        return f"{self.base()}/JobBoardView/LoadSearchResults"

    def job_url(self, opportunity: str) -> str:
        return f"{self.base()}/OpportunityDetail?{urlencode({'opportunityId': opportunity})}"


def board_for(params: dict[str, Any], url: str | None = None) -> Board | None:
    """The board from registry params, else from a board URL (any page or the API's)."""
    host, tenant, board = (_str(params.get(k)) for k in ("host", "tenant", "board"))
    if host and tenant and board:
        return Board(host, tenant, board)
    return board_from_url(url) if url else None


def board_from_url(url: str) -> Board | None:
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    match = _BOARD_PATH.match(parts.path)
    if not parts.hostname or not match:
        return None
    return Board(parts.hostname.lower(), unquote(match["tenant"]), unquote(match["board"]))


def search_body(skip: int, term: str) -> dict[str, Any]:
    return {
        "opportunitySearch": {"Top": PAGE_SIZE, "Skip": skip, "QueryString": term, "OrderBy": [], "Filters": []}
    }


# ------------------------------------------------------------------ parsing


def parse_any(body: bytes, ctx: ParseContext) -> list[Posting]:
    """A ``LoadSearchResults`` answer (``opportunities``)."""
    return parse_search(load_json(body, "UltiPro JSON"), ctx).postings


def parse_search(data: Any, ctx: ParseContext) -> ListPage:
    if not isinstance(data, dict) or not isinstance(data.get("opportunities"), list):
        if isinstance(data, dict) and ("Message" in data or "message" in data):
            raise ParseError(f"UltiPro error answer: {_str(data.get('Message') or data.get('message'))}")
        raise ParseError("not an UltiPro LoadSearchResults answer: no 'opportunities' list")
    hint = (
        "an UltiPro answer does not name its board: give the board URL "
        "(--url https://HOST/TENANT/JobBoard/GUID/) or a registry --source"
    )
    return list_page(
        data["opportunities"],
        data.get("totalCount"),
        ctx,
        "opportunities",
        board_for(ctx.params, ctx.url),
        hint,
        lambda row, board: parse_opportunity(row, ctx, board),
    )


def parse_opportunity(row: Any, ctx: ParseContext, board: Board) -> Posting:
    if not isinstance(row, dict):
        raise ParseError("not an object")
    identifier, title = _id(row.get("Id")), _str(row.get("Title"))
    if not identifier or not title:
        raise ParseError(f"no Id or Title: {str(row)[:120]}")
    places = [p for p in (_place(loc) for loc in _list(row.get("Locations"))) if p]
    countries = [c for c in (_country(loc) for loc in _list(row.get("Locations"))) if c]
    kind = _int(row.get("JobLocationType"))
    full_time = row.get("FullTime")
    url = board.job_url(identifier)
    teaser = _str(row.get("BriefDescription"))
    extra: dict[str, Any] = {}
    if kind is not None:
        extra["job_location_type"] = kind
    if row.get("Featured") is True:
        extra["featured"] = True
    return Posting(
        source_family="ultipro",
        source_id=ctx.source_id,
        source_job_id=identifier,
        title=" ".join(title.split()),
        url=canonical_url(url) or url,
        employer=ctx.employer,
        employer_type=ctx.employer_type,
        department=_str(row.get("JobCategoryName")),
        requisition_id=_str(row.get("RequisitionNumber")),
        location_raw=places[0] if places else None,
        locations_raw=places if len(places) > 1 else [],
        country_raw=countries[0] if countries else None,
        workplace_raw=LOCATION_TYPES.get(kind) if kind is not None else None,
        employment_type={True: "Full time", False: "Part time"}.get(full_time)
        if isinstance(full_time, bool)
        else None,
        date_published_raw=_str(row.get("PostedDate")),
        description_html_raw=f"<p>{html.escape(teaser)}</p>" if teaser else None,
        apply_url=url,
        crawled_at=ctx.crawled_at,
        extra={**extra, "description_is_teaser": True} if teaser else extra,
    )


def _place(location: Any) -> str | None:
    """"Houston, TX, USA" from the address; the location's own name ("Remote") without one."""
    loc = _dict(location)
    address = _dict(loc.get("Address"))
    state, country = _dict(address.get("State")), _dict(address.get("Country"))
    parts = [_str(address.get("City")), _str(state.get("Code")) or _str(state.get("Name"))]
    if any(parts):
        parts.append(_str(country.get("Code")) or _str(country.get("Name")))
        return ", ".join(p for p in parts if p)
    return _str(loc.get("LocalizedName")) or _str(address.get("Line1"))


def _country(location: Any) -> str | None:
    country = _dict(_dict(_dict(location).get("Address")).get("Country"))
    return _str(country.get("Code")) or _str(country.get("Name"))


# ------------------------------------------------------------------ spider


class UltiProSpider(PagedSpider):
    name = "ultipro"
    family = "ultipro"
    page_size = PAGE_SIZE
    max_pages = 100  # per search term: 5,000 opportunities
    # recruiting*.ultipro.com serves every UKG customer: stay gentle on the shared host.
    custom_settings: ClassVar[dict[str, Any]] = {"CONCURRENT_REQUESTS_PER_DOMAIN": 1, "DOWNLOAD_DELAY": 1.0}

    def requests_for(self, source: Source) -> Iterable[Any]:
        board = board_for(source.params)
        if board is None:
            raise ValueError("ultipro sources need host, tenant and board")
        for term in dict.fromkeys(t.strip() for t in source.search or [""]):
            yield self._search(source, board, term, 0, 1)

    def _search(self, source: Source, board: Board, term: str, skip: int, number: int) -> JsonRequest:
        return JsonRequest(
            board.search_url(),
            data=search_body(skip, term),
            callback=self.parse_search_response,
            errback=self.errback,
            headers={"Accept": "application/json"},
            dont_filter=True,
            meta={"source_id": source.id, "board": board, "term": term, "skip": skip, "page": number},
        )

    def parse_search_response(self, response: Any) -> Iterable[Any]:
        ctx = self.context(response)
        term, skip, number = response.meta["term"], response.meta["skip"], response.meta["page"]
        try:
            page = parse_search(load_json(response.body, "UltiPro JSON"), ctx)
        except ParseError as exc:
            self.record_error(ctx.source_id, f"{exc} at {response.url} (search {term!r}, skip {skip})")
            return
        yield from self.emit_fresh(response, ctx, page.postings)
        following = self.next_offset(ctx, page, skip, number, term)
        if following is not None:
            source = self.state[ctx.source_id].source
            yield self._search(source, response.meta["board"], term, following, number + 1)
