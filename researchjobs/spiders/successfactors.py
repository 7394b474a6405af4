"""SAP SuccessFactors career sites (Recruiting Marketing, "RMK"): search pages and RSS feed.

An RMK career site lives on the employer's own host (``careers.qorvo.com``, ``jobs.sap.com``).
Its search page ``/search/?q=TERM&sortColumn=referencedate&sortDirection=desc&startrow=N``
is server-rendered: ``span.paginationLabel`` says "Results 1 – 25 of 230" (an en dash,
numbers in ``<b>``), and ``table#searchresults tr.data-row`` holds the jobs, each value
twice (desktop cells and ``visible-phone`` copies, read once here): ``a.jobTitle-link``
(``/job/{slug}/{numeric id}/``), ``span.jobLocation`` ("Cary, NC, US"), ``span.jobDate``
("Sep 23, 2026") and ``span.jobFacility``. Pages are walked by ``startrow`` until the
label's total; sorting by date keeps rows from moving between pages during the walk.

The site's RSS feed (registry ``feed``, e.g. ``https://careers.qorvo.com/feeds//?locale=en_US``)
is read with the shared feed parser; its titles carry the place ("Principal Research
Scientist (Richardson, TX, US, 75080)"), which is split off here, and its links carry
``feedId``/``utm_*`` parameters, which are dropped. With ``feed`` set the spider reads
the feed instead of paging the search.

Both yield list entries only (no job-page requests): title, place, date and the job URL.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import Any, ClassVar
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

from parsel import Selector

from researchjobs.posting import Posting, canonical_url
from researchjobs.sources import Source, check_public_url
from researchjobs.spiders.base import ParseContext, ParseError
from researchjobs.spiders.feeds import read_feed
from researchjobs.spiders.jsonld import decode_html, looks_like_xml_feed
from researchjobs.spiders.paging import PagedSpider

#: Search pages walked per term (RMK pages hold 10-100 rows; 25 is the default).
MAX_PAGES = 100

_JOB_ID = re.compile(r"/job/[^/?#]*/(\d{4,})/?(?:[?#]|$)")
_NUMBERS = re.compile(r"\d[\d,.\s]*")
_PLACE_SUFFIX = re.compile(r"^(?P<title>.+?)\s*\((?P<place>[^()]*,[^()]*)\)\s*$")
_FEED_NOISE = frozenset({"feedid"})


@dataclass
class SearchPage:
    """One search-results page: its jobs and the "Results FIRST – LAST of TOTAL" numbers."""

    postings: list[Posting] = field(default_factory=list)
    first: int | None = None
    last: int | None = None
    total: int | None = None
    rows: int = 0


def site_root(url: str) -> str:
    """``https://host`` of any page of the site (the RMK paths hang from the host root)."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"{url!r} is not an http(s) URL")
    return urlunsplit((parts.scheme, parts.netloc, "", "", ""))


def search_url(root: str, term: str, startrow: int) -> str:
    query = {"q": term, "sortColumn": "referencedate", "sortDirection": "desc", "startrow": startrow}
    return f"{root.rstrip('/')}/search/?{urlencode(query)}"


def job_id(url: str | None) -> str | None:
    """The numeric id at the end of ``/job/{slug}/{id}/``."""
    if not url:
        return None
    try:
        match = _JOB_ID.search(urlsplit(url).path + "?")
    except ValueError:
        return None
    return match.group(1) if match else None


# ------------------------------------------------------------------ parsing


def parse_any(body: bytes, ctx: ParseContext) -> list[Posting]:
    """A career-site RSS feed or a search-results page, told apart by content."""
    if looks_like_xml_feed(body):
        return parse_feed(body, ctx)
    return parse_search_page(body, ctx).postings


def parse_search_page(body: bytes | str, ctx: ParseContext) -> SearchPage:
    text = decode_html(body) if isinstance(body, bytes) else body
    if not text.strip():
        raise ParseError("empty response")
    page = Selector(text=text, type="html")
    rows = page.css("tr.data-row")
    label = " ".join(page.css("span.paginationLabel ::text").getall())
    if not rows and not label and not page.css("#searchresults, #search-results, .searchResultsShell"):
        title = " ".join(page.css("title::text").getall()).strip()[:80]
        hint = f" (title: {title!r})" if title else ""
        raise ParseError(f"not a SuccessFactors search page: no results table or pagination label{hint}")
    result = SearchPage(rows=len(rows))
    numbers = [int(re.sub(r"\D", "", n)) for n in _NUMBERS.findall(label) if re.sub(r"\D", "", n)]
    if len(numbers) >= 3:
        result.first, result.last, result.total = numbers[0], numbers[1], numbers[2]
    base = str(ctx.url or ctx.params.get("url") or "")
    if rows and not base.startswith(("https://", "http://")):
        raise ParseError(
            "SuccessFactors search pages link their jobs by path: give the page's URL "
            "(--url https://HOST/search/) or a registry --source"
        )
    seen: set[str] = set()
    for index, row in enumerate(rows):
        try:
            posting = _row(row, ctx, base)
        except ParseError as exc:
            ctx.warnings.append(f"search row {index + 1} skipped: {exc}")
            continue
        if posting.source_job_id not in seen:
            seen.add(posting.source_job_id)
            result.postings.append(posting)
    return result


def _row(row: Selector, ctx: ParseContext, base: str) -> Posting:
    link = row.css("td.colTitle span.jobTitle.hidden-phone a.jobTitle-link") or row.css("a.jobTitle-link")
    href = link[0].attrib.get("href") if link else None
    title = _cell(link[:1])
    if not href or not title:
        raise ParseError("no job link or title")
    try:
        url = urljoin(base, href.strip())
    except ValueError:
        raise ParseError(f"bad job link {href[:80]!r}") from None
    identifier = job_id(url)
    if not identifier:
        raise ParseError(f"job link without a numeric id: {href[:80]!r}")
    location = _cell(row.css("td.colLocation span.jobLocation")) or _cell(row.css("span.jobLocation")[:1])
    date = _cell(row.css("td.colDate span.jobDate")) or _cell(row.css("span.jobDate")[:1])
    facility = _cell(row.css("td.colFacility span.jobFacility")) or _cell(row.css("span.jobFacility")[:1])
    department = _cell(row.css("td.colDepartment span.jobDepartment")) or _cell(row.css("span.jobDepartment")[:1])
    return Posting(
        source_family="successfactors",
        source_id=ctx.source_id,
        source_job_id=identifier,
        title=title,
        url=canonical_url(url) or url,
        employer=ctx.employer,
        employer_type=ctx.employer_type,
        department=department,
        location_raw=location,
        date_published_raw=date,
        apply_url=url,
        crawled_at=ctx.crawled_at,
        extra={"facility": facility} if facility else {},
    )


def _cell(nodes: Any) -> str | None:
    return " ".join(" ".join(nodes.css("::text").getall()).split()) or None


def parse_feed(body: bytes, ctx: ParseContext) -> list[Posting]:
    """The career-site RSS feed, each item re-keyed by its job id and its place split off."""
    result = read_feed(body, ctx)
    postings = []
    for posting in result.postings:
        url = _without_feed_noise(posting.url)
        identifier = job_id(url)
        if not identifier:
            ctx.warnings.append(f"feed item {posting.title!r} skipped: its link has no job id")
            continue
        title, place = posting.title, posting.location_raw
        if match := _PLACE_SUFFIX.match(title):
            title, place = match.group("title"), place or match.group("place").strip()
        description = posting.description_html_raw
        if description and re.sub(r"<[^>]+>|\s|\.", "", description) == "":
            description = None  # "..." placeholders
        postings.append(
            replace(
                posting,
                source_family="successfactors",
                source_job_id=identifier,
                title=title,
                url=url,
                apply_url=url,
                location_raw=place,
                employer=ctx.employer or posting.employer,
                description_html_raw=description,
            )
        )
    return postings


def _without_feed_noise(url: str) -> str:
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k.lower() not in _FEED_NOISE]
    cleaned = urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(query), ""))
    return canonical_url(cleaned) or cleaned


# ------------------------------------------------------------------ spider


class SuccessFactorsSpider(PagedSpider):
    """The RSS feed when the entry names one; otherwise the search, paged by ``startrow``."""

    name = "successfactors"
    family = "successfactors"
    # Server-rendered pages on the employer's own site: one at a time, unhurried.
    custom_settings: ClassVar[dict[str, Any]] = {"CONCURRENT_REQUESTS_PER_DOMAIN": 1, "DOWNLOAD_DELAY": 1.0}

    def requests_for(self, source: Source) -> Iterable[Any]:
        feed = source.params.get("feed")
        if isinstance(feed, str) and feed.strip():
            check_public_url(feed, "feed")
            yield self.request(feed, source, self.parse_feed_response)
            return
        root = site_root(source.params["url"])
        for term in dict.fromkeys(t.strip() for t in source.search or [""]):
            yield self._page(source, root, term, 0, 1)

    def _page(self, source: Source, root: str, term: str, startrow: int, number: int) -> Any:
        meta = {"root": root, "term": term, "startrow": startrow, "page": number}
        return self.request(search_url(root, term, startrow), source, self.parse_search_response, meta=meta)

    def parse_feed_response(self, response: Any) -> Iterable[Posting]:
        ctx = self.context(response)
        try:
            postings = parse_feed(response.body, ctx)
        except ParseError as exc:
            self.record_error(ctx.source_id, f"{exc} at {response.url}")
            return
        yield from self.emit(response, postings, ctx)

    def parse_search_response(self, response: Any) -> Iterable[Any]:
        ctx = self.context(response)
        term, startrow, number = response.meta["term"], response.meta["startrow"], response.meta["page"]
        try:
            page = parse_search_page(response.body, ctx)
        except ParseError as exc:
            self.record_error(ctx.source_id, f"{exc} at {response.url}")
            return
        yield from self.emit_fresh(response, ctx, page.postings)
        following = page.last if page.last is not None else startrow + page.rows
        if page.rows == 0 or page.total is None or following >= page.total:
            return
        if following <= startrow:
            self.record_error(ctx.source_id, f"search {term!r}: the pager did not move past row {startrow}")
            return
        if number >= MAX_PAGES:
            self.record_error(
                ctx.source_id, f"stopped search {term!r} after {MAX_PAGES} pages of {page.total} jobs; incomplete"
            )
            return
        yield self._page(self.state[ctx.source_id].source, response.meta["root"], term, following, number + 1)
