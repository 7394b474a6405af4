"""Eightfold AI career sites (``{company}.eightfold.ai`` or the employer's own careers host).

Two public JSON APIs answer on every Eightfold host:

- ``GET /api/apply/v2/jobs?domain={domain}&start={N}&num=10[&query=TERM]`` answers
  ``{positions: [...], count}``; positions carry ``id`` (13-digit integer), ``name``,
  ``canonicalPositionUrl``, ``location``, ``locations[]``, ``job_description`` (HTML,
  often empty), ``t_create`` (epoch seconds) and ``department``.
- ``GET /api/pcsx/search?domain={domain}&query={TERM}&location=&start={N}``, what the
  newer branded career pages call, answers ``{status, error, data: {positions, count}}``;
  positions carry ``displayJobId``/``atsJobId``, ``locations``, ``standardizedLocations``,
  ``postedTs``/``creationTs`` (epoch seconds), ``workLocationOption`` and a relative
  ``positionUrl`` (``/careers/job/{id}``).

Public crawler code reports that branded hosts refuse the v2 API (403) while the pcsx
search works there, and that pcsx returns 10 positions a page whatever ``num`` says.
So each search starts with v2 and falls back to pcsx when its first page is refused
(401/403/404/405); ``api = "v2"`` or ``"pcsx"`` in the registry entry fixes the choice.
Both page by ``start`` until ``count``. The lists carry no full description (v2's is
usually empty): the family yields list entries only.

Registry params: ``host`` (required); ``domain`` (the employer's e-mail domain Eightfold
keys the board by) defaults to ``{label}.com`` for ``{label}.eightfold.ai`` and to the
host's last two labels otherwise; ``api``. Search terms from the entry are sent as
``query``, one search each.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, ClassVar
from urllib.parse import urlencode, urljoin

from scrapy.spidermiddlewares.httperror import HttpError

from researchjobs.posting import Posting, canonical_url
from researchjobs.sources import Source
from researchjobs.spiders.base import ParseContext, ParseError, SourceSpider, load_json
from researchjobs.spiders.skips import check_not_all_skipped
from researchjobs.spiders.values import as_dict, as_id, as_int, as_list, as_text

PAGE_SIZE = 10
#: Pages followed per search term; more make the crawl partial.
MAX_PAGES = 100
APIS = ("v2", "pcsx")
#: First-page answers that mean "not this API here", not "this board is broken".
FALLBACK_STATUSES = frozenset({401, 403, 404, 405})


def board_domain(params: dict[str, Any]) -> str:
    domain = params.get("domain")
    if isinstance(domain, str) and domain.strip():
        return domain.strip().lower()
    host = str(params["host"]).lower().rstrip(".")
    if host.endswith(".eightfold.ai"):
        return host.split(".")[0] + ".com"
    return ".".join(host.split(".")[-2:])


def page_url(api: str, host: str, domain: str, start: int, term: str | None) -> str:
    if api == "pcsx":
        query = {"domain": domain, "query": term or "", "location": "", "start": start}
        return f"https://{host}/api/pcsx/search?{urlencode(query)}"
    params: dict[str, Any] = {"domain": domain, "start": start, "num": PAGE_SIZE}
    if term:
        params["query"] = term
    return f"https://{host}/api/apply/v2/jobs?{urlencode(params)}"


@dataclass
class Page:
    api: str
    postings: list[Posting] = field(default_factory=list)
    size: int = 0  # positions on the page, readable or not
    total: int | None = None


def parse_any(body: bytes, ctx: ParseContext) -> list[Posting]:
    """A v2 jobs page (``positions`` at the top) or a pcsx search page (``data.positions``)."""
    return read_page(body, ctx).postings


def read_page(body: bytes, ctx: ParseContext) -> Page:
    data = load_json(body, "Eightfold JSON")
    if not isinstance(data, dict):
        raise ParseError("Eightfold answer is not a JSON object")
    if "positions" in data:
        page = Page("v2", total=as_int(data.get("count")))
        positions = data["positions"]
    elif "data" in data and ("status" in data or "error" in data):
        status = data.get("status")
        message = as_text(as_dict(data.get("error")).get("message"))
        if status not in (None, 200, "200") or message:
            raise ParseError(f"Eightfold search answered status {status}: {message or 'no message'}")
        inner = data["data"]
        if not isinstance(inner, dict) or "positions" not in inner:
            raise ParseError("Eightfold search answer without data.positions")
        page = Page("pcsx", total=as_int(inner.get("count")))
        positions = inner["positions"]
    else:
        keys = ", ".join(sorted(str(k) for k in data)[:8]) or "nothing"
        raise ParseError(f"not an Eightfold jobs answer: no positions (it has {keys})")
    if positions is None:
        positions = []
    if not isinstance(positions, list):
        raise ParseError("Eightfold positions is not a list")
    page.size = len(positions)
    before = len(ctx.warnings)
    for index, position in enumerate(positions):
        if not isinstance(position, dict):
            ctx.warnings.append(f"positions[{index}] is not an object: skipped")
            continue
        try:
            page.postings.append(posting_from_position(position, ctx))
        except ParseError as exc:
            ctx.warnings.append(f"positions[{index}]: {exc}: skipped")
    check_not_all_skipped(ctx, before, len(page.postings))
    return page


def posting_from_position(position: dict[str, Any], ctx: ParseContext) -> Posting:
    job_id = as_id(position.get("id"))
    title = as_text(position.get("name")) or as_text(position.get("posting_name"))
    if not job_id or not title:
        raise ParseError(f"no id or name ({str(position)[:100]})")
    url = _url(position, job_id, ctx)
    places = [p for p in (as_text(x) for x in as_list(position.get("locations"))) if p]
    standard = [p for p in (as_text(x) for x in as_list(position.get("standardizedLocations"))) if p]
    places = places or standard
    requisition = next(
        (
            v
            for k in ("displayJobId", "display_job_id", "atsJobId", "ats_job_id")
            if (v := as_text(position.get(k)))
        ),
        None,
    )
    posted = next(
        (v for k in ("t_create", "postedTs", "creationTs") if (v := as_text(position.get(k)))), None
    )
    extra = {
        k: position[k]
        for k in ("business_unit", "type", "isHot", "locationFlexibility")
        if position.get(k) not in (None, "", [], 0)
    }
    if not url.startswith(("http://", "https://")):
        extra["url_is_relative"] = True  # no host known: pass --url to `parse`
    if standard and standard != places:
        extra["standardized_locations"] = standard
    return Posting(
        source_family=ctx.family or "eightfold",
        source_id=ctx.source_id,
        source_job_id=job_id,
        title=" ".join(title.split()),
        url=canonical_url(url) or url,
        employer=ctx.employer,
        employer_type=ctx.employer_type,
        department=as_text(position.get("department")),
        requisition_id=requisition,
        location_raw=as_text(position.get("location")) or (places[0] if places else None),
        locations_raw=places if len(places) > 1 else [],
        workplace_raw=as_text(position.get("workLocationOption")) or as_text(position.get("work_location_option")),
        date_published_raw=posted,
        date_updated_raw=as_text(position.get("t_update")),
        description_html_raw=as_text(position.get("job_description")),
        apply_url=url,
        crawled_at=ctx.crawled_at,
        extra=extra,
    )


def _url(position: dict[str, Any], job_id: str, ctx: ParseContext) -> str:
    canonical = as_text(position.get("canonicalPositionUrl"))
    if canonical and canonical.startswith(("http://", "https://")):
        return canonical
    host = ctx.params.get("host")
    origin = f"https://{host}/" if isinstance(host, str) and host else ctx.url
    relative = as_text(position.get("positionUrl")) or f"/careers/job/{job_id}"
    if relative.startswith(("http://", "https://")):
        return relative
    if not origin:
        return relative
    try:
        return urljoin(origin, relative)
    except ValueError:
        return relative


class EightfoldSpider(SourceSpider):
    """One search per term (or one unfiltered), paged by ``start``; v2 first, then pcsx."""

    name = "eightfold"
    family = "eightfold"
    # Branded Eightfold hosts sit behind a WAF: one request at a time per host.
    custom_settings: ClassVar[dict[str, Any]] = {"CONCURRENT_REQUESTS_PER_DOMAIN": 1, "DOWNLOAD_DELAY": 1.0}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._term_ids: dict[tuple[str, str | None], set[str]] = {}

    def requests_for(self, source: Source) -> Iterable[Any]:
        api = source.params.get("api")
        if api is not None and api not in APIS:
            raise ValueError(f"api must be one of {', '.join(APIS)}, got {api!r}")
        terms = [t.strip() for t in source.search if t.strip()] or [None]
        for term in dict.fromkeys(terms):
            yield self._page(source, api or "v2", term, 0, 1)

    def _page(self, source: Source, api: str, term: str | None, start: int, number: int) -> Any:
        url = page_url(api, source.params["host"], board_domain(source.params), start, term)
        meta = {"api": api, "term": term, "start": start, "page": number}
        return self.request(
            url, source, self.parse_page_response, errback=self.page_errback, meta=meta,
            headers={"Accept": "application/json"},
        )  # fmt: skip

    def page_errback(self, failure: Any) -> Iterable[Any]:
        """A refused first v2 page sends the same search to pcsx (unless the entry fixed the API)."""
        request = failure.request
        meta = request.meta
        state = self.state[meta["source_id"]]
        status = failure.value.response.status if isinstance(failure.value, HttpError) else None
        if (
            status in FALLBACK_STATUSES
            and meta["api"] == "v2"
            and meta["start"] == 0
            and "api" not in state.source.params
        ):
            self.logger.info("%s: v2 API answered %s; trying pcsx search", state.source.id, status)
            yield self._page(state.source, "pcsx", meta["term"], 0, 1)
            return
        self.errback(failure)

    def parse_page_response(self, response: Any) -> Iterable[Any]:
        ctx = self.context(response)
        source = self.state[ctx.source_id].source
        api, term, start, number = (response.meta[k] for k in ("api", "term", "start", "page"))
        try:
            page = read_page(response.body, ctx)
        except ParseError as exc:
            self.record_error(ctx.source_id, f"{exc} at {response.url}")
            return
        term_ids = self._term_ids.setdefault((ctx.source_id, term), set())
        new_here = [p for p in page.postings if p.source_job_id not in term_ids]
        term_ids.update(p.source_job_id for p in new_here)
        seen = self.state[ctx.source_id].seen_ids
        fresh = [p for p in new_here if p.source_job_id not in seen]
        seen.update(p.source_job_id for p in fresh)
        yield from self.emit(response, fresh, ctx)
        if page.postings and not new_here:
            self.record_error(ctx.source_id, f"page at start={start} repeats earlier positions; paging stopped")
            return
        following = start + page.size
        more = page.size > 0 and (following < page.total if page.total is not None else page.size >= PAGE_SIZE)
        if not more:
            return
        if number >= MAX_PAGES:
            self.record_error(
                ctx.source_id,
                f"stopped search {term!r} after {MAX_PAGES} pages of {page.total or '?'} positions; add search terms",
            )
            return
        yield self._page(source, api, term, following, number + 1)
