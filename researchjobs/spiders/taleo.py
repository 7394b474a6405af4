"""Taleo (Oracle): Business Edition careers pages and Enterprise career-section searches.

**Taleo Business Edition (TBE)**, ``https://{pod}.tbe.taleo.net/{podNN}/ats/careers/v2/…``:
the ``searchResults?org={ORG}&cws={N}`` page lists the whole board as
``div.oracletaleocwsv2-accordion-head-info`` rows: a title link to
``viewRequisition?org=…&cws=…&rid={rid}`` followed by unlabelled ``div``s that the
employer configures (location, department, schedule on the boards seen). Each job page
carries schema.org JSON-LD (non-ISO ``datePosted`` "2017-01-15 00:00:00.0", free-text
``employmentType``, ``identifier.value`` = the rid), read with the shared JSON-LD parser.
Jobs are keyed by ``rid`` (two jobs may share a title). A failed job page keeps the list
entry and makes the run partial.

**Taleo Enterprise**, ``https://{tenant}.taleo.net/careersection/{section}/jobsearch.ftl``:
the career section's own search calls
``POST /careersection/rest/jobboard/searchjobs?lang={lang}&portal={portal}`` with
``{"fieldData": {"fields": {"KEYWORD": …}}, …, "pageNo": N}`` and a ``tz`` header (without
it Taleo answers 500). The answer is ``{requisitionList: [{jobId, contestNo, column[],
linkedColumn, locationsColumns}], pagingData: {currentPageNo, pageSize, totalCount}}``;
``column`` is configured per section: ``linkedColumn`` points at the title,
``locationsColumns`` at cells holding a JSON list in a string (``["US-TX-Dallas"]``), and
a date cell ("Jun 17, 2026", "10/02/2026") is usually last. The portal number comes from
the registry URL (``&portal=``) or is read off the ``jobsearch.ftl`` page. Pages are
walked up to ``ceil(totalCount / pageSize)``: Taleo answers any page past the last with
the last page again, so a page with nothing new ends the walk, and a walk that ends short
of the count is recorded as incomplete. Enterprise job pages (``jobdetail.ftl``) carry no
JSON-LD, so Enterprise yields list entries only.

No raw Enterprise response has been published with its provenance; the request and
response shapes above follow public crawler code (see README, "Hiring systems").
Both editions sit behind Oracle's WAF: one request at a time per host, slowly.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import Any, ClassVar
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit

from parsel import Selector

from researchjobs.posting import Posting, canonical_url
from researchjobs.sources import Source
from researchjobs.spiders.base import ParseContext, ParseError, describe_failure, load_json
from researchjobs.spiders.jsonld import decode_html, parse_jsonld_html
from researchjobs.spiders.paging import PagedSpider, read_rows
from researchjobs.spiders.values import as_id as _id
from researchjobs.spiders.values import as_int as _int
from researchjobs.spiders.values import as_list as _list
from researchjobs.spiders.values import as_text as _str

#: Enterprise search pages walked per search term (Taleo pages hold 25 rows): 5,000 jobs.
MAX_PAGES = 200
#: TBE job pages fetched per source; more make the crawl partial.
MAX_JOB_PAGES = 500
#: Sent with every Enterprise search: Taleo answers HTTP 500 without a time zone.
TZ_HEADERS = {"tz": "GMT+00:00", "tzname": "UTC"}

_TBE_ROW = "div.oracletaleocwsv2-accordion-head-info"
_TBE_MARKER = re.compile(r"oracletaleocwsv2|/ats/careers/v2/", re.I)
_PORTAL = re.compile(r"""(?:[?&;]|&amp;)portal=(\d{3,})|portalNo['"]?\s*[:=]\s*['"]?(\d{3,})""")
_DATE_CELL = re.compile(
    r"^(?:\d{1,2}/\d{1,2}/\d{2,4}|\d{4}-\d{2}-\d{2}.*|[A-Z][a-z]{2,8}\.? \d{1,2}, \d{4}|\d{1,2}[- ][A-Z][a-z]{2}[- ]\d{2,4})$"
)


@dataclass(frozen=True)
class Board:
    """One Taleo board: a TBE careers site (org, cws) or an Enterprise career section."""

    kind: str  # "tbe" | "enterprise"
    host: str
    prefix: str = ""  # TBE: "/phh04" (the pod path before /ats/careers)
    org: str = ""
    cws: str = ""
    section: str = ""
    lang: str = "en"
    portal: str | None = None

    # -- TBE
    def list_url(self) -> str:
        return f"https://{self.host}{self.prefix}/ats/careers/v2/searchResults?" + urlencode(
            {"org": self.org, "cws": self.cws}
        )

    def job_url(self, rid: str) -> str:
        return f"https://{self.host}{self.prefix}/ats/careers/v2/viewRequisition?" + urlencode(
            {"org": self.org, "cws": self.cws, "rid": rid}
        )

    # -- Enterprise
    def search_page_url(self) -> str:
        return f"https://{self.host}/careersection/{self.section}/jobsearch.ftl?" + urlencode({"lang": self.lang})

    def search_api_url(self) -> str:
        if not self.portal:
            raise ValueError("an Enterprise search needs the career section's portal number")
        return f"https://{self.host}/careersection/rest/jobboard/searchjobs?" + urlencode(
            {"lang": self.lang, "portal": self.portal}
        )

    def detail_url(self, job_id: str) -> str:
        return f"https://{self.host}/careersection/{self.section}/jobdetail.ftl?" + urlencode(
            {"job": job_id, "lang": self.lang}
        )


def board_from_url(url: str, portal: Any = None) -> Board:
    """The board behind any TBE or Enterprise URL of it; ValueError says what is missing."""
    try:
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
    except ValueError:
        raise ValueError(f"{url!r} is not a URL") from None
    query = {k.lower(): v.strip() for k, v in parse_qsl(parts.query)}
    path = parts.path
    if host.endswith(".tbe.taleo.net"):
        index = path.lower().find("/ats/careers")
        org, cws = query.get("org", ""), query.get("cws", "")
        if index < 0 or not org or not cws:
            raise ValueError(
                f"{url}: a Taleo Business Edition URL needs /ats/careers/ with ?org=…&cws=… "
                "(paste the careers page's search results)"
            )
        return Board("tbe", host, prefix=path[:index].rstrip("/"), org=org, cws=cws)
    segments = [s for s in path.split("/") if s]
    lowered = [s.lower() for s in segments]
    if host.endswith(".taleo.net") or "careersection" in lowered:  # Enterprise, also on employers' own hosts
        if "careersection" not in lowered:
            raise ValueError(f"{url}: a Taleo URL without /careersection/SECTION/ in it")
        index = lowered.index("careersection")
        section = segments[index + 1] if index + 1 < len(segments) else ""
        if not section or section.lower() == "rest" or section.lower().endswith(".ftl"):
            raise ValueError(f"{url}: a Taleo URL without its career section (/careersection/SECTION/)")
        number = str(portal).strip() if portal not in (None, "") else query.get("portal")
        if number is not None and not number.isdigit():
            raise ValueError(f"portal must be a number, got {number!r}")
        lang = query.get("lang") or "en"
        if not re.fullmatch(r"[A-Za-z]{2}(?:[_-][A-Za-z]{2})?", lang):
            lang = "en"
        return Board("enterprise", host, section=section, lang=lang, portal=number or None)
    raise ValueError(f"{url}: not a Taleo URL (*.tbe.taleo.net, *.taleo.net or a /careersection/ path)")


def search_body(term: str, page: int) -> dict[str, Any]:
    """What the career section's own search page posts (empty filters: every job)."""
    return {
        "multilineEnabled": False,
        "sortingSelection": {"sortBySelectionParam": "3", "ascendingSortingOrder": "false"},
        "fieldData": {"fields": {"KEYWORD": term, "LOCATION": ""}, "valid": True},
        "filterSelectionParam": {"searchFilterSelections": []},
        "advancedSearchFiltersSelectionParam": {"searchFilterSelections": []},
        "pageNo": page,
    }


def find_portal(body: bytes | str) -> str | None:
    """The portal number on a ``jobsearch.ftl`` page (``…&portal=101430233`` or ``portalNo: '…'``)."""
    text = decode_html(body) if isinstance(body, bytes) else body
    match = _PORTAL.search(text)
    return (match.group(1) or match.group(2)) if match else None


# ------------------------------------------------------------------ parsing


@dataclass
class SearchPage:
    """One Enterprise search answer."""

    page_no: int | None
    page_size: int | None
    total: int | None
    postings: list[Posting] = field(default_factory=list)
    rows: int = 0

    def last_page(self) -> int | None:
        if not self.total or not self.page_size:
            return None
        return math.ceil(self.total / self.page_size)


def parse_any(body: bytes, ctx: ParseContext) -> list[Posting]:
    """An Enterprise search answer (JSON), a TBE results page, or a TBE job page (JSON-LD)."""
    if body.lstrip()[:1] in (b"{", b"["):
        data = load_json(body, "Taleo search JSON")
        return parse_search_jobs(data, ctx, _board_or_none(ctx)).postings
    text = decode_html(body)
    if not text.strip():
        raise ParseError("empty response")
    if _TBE_ROW.split(".", 1)[1] in text:
        return parse_tbe_list(text, ctx)
    if "application/ld+json" in text.lower():
        return parse_tbe_job(text.encode("utf-8"), ctx)
    if _TBE_MARKER.search(text):
        return parse_tbe_list(text, ctx)  # a results page with no rows: an empty board
    if find_portal(text):
        raise ParseError(
            "a Taleo career-section page: its jobs come from the searchjobs API, not this page"
        )
    raise ParseError("not a Taleo search answer, TBE results page or TBE job page")


def _board_or_none(ctx: ParseContext) -> Board | None:
    for url in (ctx.params.get("url"), ctx.url):
        if isinstance(url, str):
            try:
                return board_from_url(url, ctx.params.get("portal"))
            except ValueError:
                continue
    return None


def parse_search_jobs(data: Any, ctx: ParseContext, board: Board | None) -> SearchPage:
    if not isinstance(data, dict):
        raise ParseError("Taleo search answer is not an object")
    if data.get("careerSectionUnAvailable") is True:
        raise ParseError("Taleo says the career section is unavailable (closed, internal, or a wrong portal)")
    rows = data.get("requisitionList")
    if rows is None and "pagingData" not in data:
        raise ParseError("not a Taleo search answer: no requisitionList or pagingData")
    if rows is None:
        raise ParseError("Taleo search answer with requisitionList null: a wrong portal number")
    if not isinstance(rows, list):
        raise ParseError("Taleo requisitionList is not a list")
    paging = data.get("pagingData") if isinstance(data.get("pagingData"), dict) else {}
    page = SearchPage(
        _int(paging.get("currentPageNo")), _int(paging.get("pageSize")), _int(paging.get("totalCount"))
    )
    page.rows = len(rows)
    if rows and board is None:
        raise ParseError(
            "a Taleo search answer does not name its career section: give the career section URL "
            "(--url https://TENANT.taleo.net/careersection/SECTION/jobsearch.ftl) or a registry --source"
        )
    if board is None:
        return page
    page.postings = read_rows(rows, ctx, "requisitionList", lambda row: _requisition(row, ctx, board))
    return page


def _requisition(row: Any, ctx: ParseContext, board: Board) -> Posting:
    if not isinstance(row, dict):
        raise ParseError("not an object")
    contest, job_id = _id(row.get("contestNo")), _id(row.get("jobId"))
    columns = [c if isinstance(c, str) else _str(c) for c in _list(row.get("column"))]
    linked = _int(row.get("linkedColumn")) or 0
    title = _str(columns[linked]) if 0 <= linked < len(columns) else None
    if not (contest or job_id) or not title:
        raise ParseError(f"no contestNo/jobId or no title: {str(row)[:120]}")
    where = {i for i in (_int(x) for x in _list(row.get("locationsColumns"))) if i is not None}
    locations: list[str] = []
    for index in sorted(where):
        if 0 <= index < len(columns):
            locations += [p for p in _places(columns[index]) if p not in locations]
    rest = [_str(c) for i, c in enumerate(columns) if i != linked and i not in where]
    dated = [c for c in rest if c and _DATE_CELL.match(c)]
    others = [c for c in rest if c and c not in dated]
    url = board.detail_url(job_id or str(contest))
    extra: dict[str, Any] = {"job_id": job_id} if job_id else {}
    if others:
        extra["columns"] = others
    if row.get("hotJob") is True:
        extra["hot_job"] = True
    return Posting(
        source_family="taleo",
        source_id=ctx.source_id,
        source_job_id=contest or str(job_id),
        title=title,
        url=canonical_url(url) or url,
        employer=ctx.employer,
        employer_type=ctx.employer_type,
        requisition_id=contest,
        location_raw=locations[0] if locations else None,
        locations_raw=locations if len(locations) > 1 else [],
        date_published_raw=dated[-1] if dated else None,
        apply_url=url,
        crawled_at=ctx.crawled_at,
        extra=extra,
    )


def _places(cell: Any) -> list[str]:
    """A location cell: a JSON list inside a string (``["US-TX-Dallas"]``), or plain text."""
    text = _str(cell)
    if not text:
        return []
    if text.startswith("["):
        try:
            values = json.loads(text)
        except ValueError:
            values = None
        if isinstance(values, list):
            return [v for v in (_str(x) for x in values) if v]
    return [text]


def parse_tbe_list(body: bytes | str, ctx: ParseContext) -> list[Posting]:
    """The rows of a TBE ``searchResults`` page; an empty list for a board with no jobs."""
    text = decode_html(body) if isinstance(body, bytes) else body
    page = Selector(text=text or "<html></html>", type="html")
    base = ctx.url or _str(ctx.params.get("url")) or ""
    postings: list[Posting] = []
    seen: set[str] = set()
    for index, row in enumerate(page.css(_TBE_ROW)):
        link = row.css("a[href*=viewRequisition], h4 a")[:1]
        href = _str(link.attrib.get("href")) if link else None
        title = " ".join(" ".join(link.css("::text").getall()).split()) if link else ""
        try:
            url = urljoin(base, href) if href else ""
            rid = dict(parse_qsl(urlsplit(url).query)).get("rid", "").strip()
        except ValueError:
            rid = ""
        if not title or not rid:
            ctx.warnings.append(f"TBE row {index + 1} skipped: no title or no rid in its link")
            continue
        if not url.startswith(("https://", "http://")):
            ctx.warnings.append(f"TBE row {index + 1} skipped: a relative link and no page URL (--url) to resolve it")
            continue
        if rid in seen:
            continue
        seen.add(rid)
        cells = [c for c in (" ".join(d.css("::text").getall()).strip() for d in row.xpath("./div")) if c]
        cells = [" ".join(c.split()) for c in cells]
        extra: dict[str, Any] = {"columns": cells} if cells else {}
        postings.append(
            Posting(
                source_family="taleo",
                source_id=ctx.source_id,
                source_job_id=rid,
                title=title,
                url=canonical_url(url) or url,
                employer=ctx.employer,
                employer_type=ctx.employer_type,
                # The boards seen list location, department, schedule in that order.
                location_raw=cells[0] if cells else None,
                department=cells[1] if len(cells) > 1 else None,
                employment_type=cells[2] if len(cells) > 2 else None,
                apply_url=url,
                crawled_at=ctx.crawled_at,
                extra=extra,
            )
        )
    if not postings and not _TBE_MARKER.search(text):
        raise ParseError("not a Taleo Business Edition results page (no oracletaleocwsv2 rows)")
    return postings


def parse_tbe_job(body: bytes, ctx: ParseContext, listed: Posting | None = None) -> list[Posting]:
    """A TBE job page's JSON-LD, keyed by its ``rid`` like the results page keys it."""
    postings = parse_jsonld_html(body, ctx)
    if not postings:
        raise ParseError("TBE job page without a JSON-LD JobPosting")
    keyed = []
    for posting in postings:
        rid = _rid(posting.url) or _rid(ctx.url) or posting.requisition_id or posting.source_job_id
        merged = replace(posting, source_family="taleo", source_job_id=rid)
        if listed is not None:
            merged = replace(
                merged,
                department=merged.department or listed.department,
                location_raw=merged.location_raw or listed.location_raw,
                employment_type=merged.employment_type or listed.employment_type,
                employer=merged.employer or listed.employer,
                extra={**listed.extra, **merged.extra},
            )
        keyed.append(merged)
    return keyed


def _rid(url: str | None) -> str | None:
    if not url:
        return None
    try:
        return dict(parse_qsl(urlsplit(url).query)).get("rid", "").strip() or None
    except ValueError:
        return None


# ------------------------------------------------------------------ spider


@dataclass
class _Walk:
    """One Enterprise search's pages so far: the jobs it listed, and rows that were unreadable."""

    ids: set[str] = field(default_factory=set)
    unreadable: int = 0


class TaleoSpider(PagedSpider):
    """TBE: the results page, then each job page. Enterprise: the searchjobs API, paged."""

    name = "taleo"
    family = "taleo"
    # Oracle's WAF in front of both editions; each Enterprise page is a fresh query.
    custom_settings: ClassVar[dict[str, Any]] = {"CONCURRENT_REQUESTS_PER_DOMAIN": 1, "DOWNLOAD_DELAY": 2.0}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._walks: dict[tuple[str, str], _Walk] = {}

    def requests_for(self, source: Source) -> Iterable[Any]:
        board = board_from_url(source.params["url"], source.params.get("portal"))
        if board.kind == "tbe":
            yield self.request(board.list_url(), source, self.parse_tbe_list_response, meta={"board": board})
        elif board.portal:
            yield from self._searches(source, board)
        else:
            yield self.request(board.search_page_url(), source, self.parse_portal_page, meta={"board": board})

    # -- TBE

    def parse_tbe_list_response(self, response: Any) -> Iterable[Any]:
        ctx = self.context(response)
        board: Board = response.meta["board"]
        try:
            listed = parse_tbe_list(response.body, ctx)
        except ParseError as exc:
            self.record_error(ctx.source_id, f"{exc} at {response.url}")
            return
        yield from self.emit(response, [], ctx)  # records rows skipped as unreadable
        claimed = self.state[ctx.source_id].seen_ids
        for posting in listed:
            if posting.source_job_id in claimed:
                continue
            if len(claimed) >= MAX_JOB_PAGES:
                self.record_error(ctx.source_id, f"stopped at {MAX_JOB_PAGES} job pages; board incomplete")
                return
            claimed.add(posting.source_job_id)
            yield self.request(
                board.job_url(posting.source_job_id),
                self.state[ctx.source_id].source,
                self.parse_tbe_job_response,
                errback=self.tbe_job_errback,
                meta={"listed": posting},
            )

    def parse_tbe_job_response(self, response: Any) -> Iterable[Posting]:
        ctx = self.context(response)
        listed: Posting = response.meta["listed"]
        try:
            postings = parse_tbe_job(response.body, ctx, listed)
        except ParseError as exc:
            self.record_error(ctx.source_id, f"job page: {exc} at {response.url}; kept the list entry")
            postings = [listed]
        yield from self.emit(response, postings[:1], ctx)

    def tbe_job_errback(self, failure: Any) -> Iterable[Posting]:
        request = failure.request
        message, _ = describe_failure(failure)
        self.record_error(request.meta["source_id"], f"job page: {message}; kept the list entry")
        yield from self.emit(request, [request.meta["listed"]])

    # -- Enterprise

    def parse_portal_page(self, response: Any) -> Iterable[Any]:
        ctx = self.context(response)
        portal = find_portal(response.body)
        if not portal:
            self.record_error(
                ctx.source_id,
                f"no portal number on {response.url}; add portal = \"…\" (the number after portal= "
                "in the career section's search URL) to the registry entry",
            )
            return
        board = replace(response.meta["board"], portal=portal)
        yield from self._searches(self.state[ctx.source_id].source, board)

    def _searches(self, source: Source, board: Board) -> Iterable[Any]:
        for term in dict.fromkeys(t.strip() for t in source.search or [""]):
            yield self._search(source, board, term, 1, None)

    def _search(self, source: Source, board: Board, term: str, page: int, last: int | None) -> Any:
        return self.request(
            board.search_api_url(),
            source,
            self.parse_search_response,
            method="POST",
            body=json.dumps(search_body(term, page)),
            headers={"Content-Type": "application/json", "Accept": "application/json", **TZ_HEADERS},
            meta={"board": board, "term": term, "page": page, "last": last},
        )

    def parse_search_response(self, response: Any) -> Iterable[Any]:
        ctx = self.context(response)
        board: Board = response.meta["board"]
        term, number = response.meta["term"], response.meta["page"]
        try:
            page = parse_search_jobs(load_json(response.body, "Taleo search JSON"), ctx, board)
        except ParseError as exc:
            self.record_error(ctx.source_id, f"{exc} at {response.url} (search {term!r}, page {number})")
            return
        walk = self._walks.setdefault((ctx.source_id, term), _Walk())
        new = [p for p in page.postings if p.source_job_id not in walk.ids]
        walk.ids.update(p.source_job_id for p in new)
        walk.unreadable += page.rows - len(page.postings)
        yield from self.emit_fresh(response, ctx, page.postings)
        last = response.meta["last"] or page.last_page()
        if last is not None and number < last and new:
            if number >= MAX_PAGES:
                self.record_error(
                    ctx.source_id, f"stopped search {term!r} after {MAX_PAGES} pages; board incomplete"
                )
                return
            yield self._search(self.state[ctx.source_id].source, board, term, number + 1, last)
            return
        # Taleo answers any page past the last with the last page again, and its count can
        # exceed what it lists: a walk that ends short of the count is incomplete.
        listed = len(walk.ids) + walk.unreadable
        if page.total and listed < page.total:
            why = "repeated an earlier page" if page.rows else "was empty"
            self.record_error(
                ctx.source_id,
                f"search {term!r}: Taleo counts {page.total} jobs but listed {listed} "
                f"(page {number} of {last} {why if number < (last or 0) or not new else 'was the last'})",
            )
