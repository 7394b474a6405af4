"""Phenom People career sites: the search-results page embeds its jobs as ``phApp.ddo``.

Academic medical centres and CROs (Duke, CHOP, MedStar, Labcorp, Fortrea) put Phenom
in front of their ATS. The server-rendered ``/{locale}/search-results`` page carries
``phApp.ddo = {...};`` whose ``eagerLoadRefineSearch`` holds one page of jobs
(``data.jobs``), ``hits`` (jobs on this page) and ``totalHits`` (all matches). Pages
are reached with ``?keywords=…&from=N&s=1`` (N = offset). A job's page is
``{baseUrl}job/{jobSeqNo}``; ``baseUrl`` comes from ``var phApp = phApp || {...}`` when
the page has it, else from the search URL (everything before ``search-results``).

The object is found by its assignment and decoded with ``JSONDecoder.raw_decode`` from
the first ``{``: a regex over the object itself breaks on the first ``};`` inside a
description. Search pages give a teaser only; detail pages (``jobDetail.data.job``)
give the full description and are parsed too (``researchjobs parse``).

Phenom's WAF blocks datacenter ranges and throttles hard: keep concurrency low and
use per-source ``search`` terms rather than walking the whole board.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, quote, urlencode, urljoin, urlsplit, urlunsplit

from researchjobs.posting import Posting, canonical_url
from researchjobs.sources import Source
from researchjobs.spiders.base import (
    ParseContext,
    ParseError,
    SourceSpider,
    UnreadableJobError,
    each_job,
    load_json,
    text_or_none,
)
from researchjobs.spiders.scripts import object_after as _object_after
from researchjobs.spiders.values import as_id

#: Result pages followed per search term; more make the crawl partial.
MAX_PAGES = 60

_DDO = re.compile(r"phApp\.ddo\s*=\s*")
_APP = re.compile(r"\bphApp\s*=\s*(?:(?:window\.)?phApp\s*\|\|\s*)?")
_TITLE = re.compile(r"<title[^>]*>(.*?)</title>", re.I | re.S)
_TAG = re.compile(r"<[a-zA-Z/!][^>]*>")
_CANONICAL = re.compile(r"<link\b[^>]*\brel\s*=\s*[\"']?canonical\b[^>]*>", re.I)
_OG_URL = re.compile(r"<meta\b[^>]*\bproperty\s*=\s*[\"']og:url[\"'][^>]*>", re.I)
_ATTR_URL = re.compile(r"\b(?:href|content)\s*=\s*[\"']([^\"']+)[\"']", re.I)


@dataclass
class PhenomPage:
    """One search-results or job page: its postings and the numbers paging needs."""

    kind: str  # "search" | "detail"
    postings: list[Posting] = field(default_factory=list)
    hits: int = 0
    total: int | None = None


def parse_any(body: bytes, ctx: ParseContext) -> list[Posting]:
    """A search-results page, a job page, or the ``/widgets`` JSON answer (``refineSearch``);
    a job that cannot be read is skipped with a warning in ``ctx``."""
    return read_page(body, ctx).postings


def read_page(body: bytes, ctx: ParseContext) -> PhenomPage:
    text = body.decode("utf-8", "replace") if isinstance(body, bytes) else str(body)
    if text.lstrip().startswith("{"):
        try:
            ddo = load_json(text, "Phenom widgets JSON")
        except RecursionError:
            raise ParseError("Phenom widgets JSON nested too deeply") from None
        if not isinstance(ddo, dict):
            raise ParseError("Phenom widgets JSON is not an object")
        app: dict[str, Any] = {}
    else:
        ddo = extract_ddo(text)
        app = extract_app(text)
    base = base_url(app, ctx)
    search = ddo.get("eagerLoadRefineSearch") or ddo.get("refineSearch")
    if isinstance(search, dict):
        return _search_page(search, ctx, base, app)
    detail = ddo.get("jobDetail")
    if isinstance(detail, dict):
        return _detail_page(detail, ctx, base, app, page_url(text, ctx))
    keys = ", ".join(sorted(str(k) for k in ddo)[:8]) or "nothing"
    raise ParseError(f"phApp.ddo has no eagerLoadRefineSearch or jobDetail (it has {keys})")


def extract_ddo(text: str) -> dict[str, Any]:
    """The first ``phApp.ddo = {...}`` assignment that decodes to an object."""
    found = False
    last_error = ""
    for match in _DDO.finditer(text):
        found = True
        value, error = _object_after(text, match.end())
        if isinstance(value, dict):
            return value
        last_error = error or last_error
    if not found:
        title = _TITLE.search(text[:5000])
        hint = f" (title: {html.unescape(title.group(1)).strip()[:80]!r})" if title else ""
        raise ParseError(f"no phApp.ddo on the page{hint}: not a Phenom page, or a block page")
    raise ParseError(f"phApp.ddo is not a JSON object: {last_error or 'no opening brace'}")


def extract_app(text: str) -> dict[str, Any]:
    """``var phApp = phApp || {baseUrl, refNum, locale, ...}``; empty when absent or not JSON."""
    found: dict[str, Any] = {}
    for match in _APP.finditer(text):
        value, _ = _object_after(text, match.end())
        if isinstance(value, dict):
            if "baseUrl" in value:
                return value
            found = found or value
    return found


def base_url(app: dict[str, Any], ctx: ParseContext) -> str | None:
    """The site's locale root (``https://host/us/en/``) that job paths hang from."""
    declared = app.get("baseUrl")
    if isinstance(declared, str) and declared.startswith(("http://", "https://")):
        return declared if declared.endswith("/") else declared + "/"
    for url in (ctx.url, ctx.params.get("url")):
        if isinstance(url, str) and url.startswith(("http://", "https://")):
            return _root_of(url)
    return None


def _root_of(url: str) -> str:
    parts = urlsplit(url)
    path = parts.path or "/"
    for marker in ("/search-results", "/job/", "/jobs/"):
        index = path.find(marker)
        if index >= 0:
            path = path[: index + 1]
            break
    else:
        path = path if path.endswith("/") else path.rsplit("/", 1)[0] + "/"
    return urlunsplit((parts.scheme, parts.netloc, path, "", ""))


def _search_page(
    search: dict[str, Any], ctx: ParseContext, base: str | None, app: dict[str, Any]
) -> PhenomPage:
    status = search.get("status")
    if status not in (None, 200, "200"):
        raise ParseError(f"Phenom search answered status {status}")
    data = search.get("data") if isinstance(search.get("data"), dict) else {}
    jobs = data.get("jobs")
    if jobs is None:
        jobs = []
    if not isinstance(jobs, list):
        raise ParseError("eagerLoadRefineSearch.data.jobs is not a list")
    postings = each_job(jobs, ctx, lambda job: posting_from_job(job, ctx, base, app), "jobs")
    return PhenomPage("search", postings, hits=len(jobs), total=_int(search.get("totalHits")))


def _detail_page(
    detail: dict[str, Any], ctx: ParseContext, base: str | None, app: dict[str, Any], own_url: str | None
) -> PhenomPage:
    data = detail.get("data") if isinstance(detail.get("data"), dict) else {}
    job = data.get("job")
    if not isinstance(job, dict):
        raise ParseError("jobDetail.data.job is missing: the job may have closed")
    posting = posting_from_job(job, ctx, base, app, detail=True, own_url=own_url)
    return PhenomPage("detail", postings=[posting], hits=1, total=1)


def page_url(text: str, ctx: ParseContext) -> str | None:
    """A job page's own address: its canonical link or ``og:url``, else the URL it was fetched from.

    Some tenants' job pages carry neither ``jobSeqNo`` nor ``applyUrl``; the page itself
    is then the job's URL. A search-results address is not a job's, so it is not used.
    """
    head = text[:200_000]
    candidates = []
    for pattern in (_CANONICAL, _OG_URL):
        if (tag := pattern.search(head)) and (value := _ATTR_URL.search(tag.group(0))):
            candidates.append(html.unescape(value.group(1)).strip())
    candidates.append(ctx.url or "")
    for url in candidates:
        if url.startswith(("http://", "https://")) and "/search-results" not in url:
            return url
    return None


def _int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    try:
        return int(value)
    except (TypeError, ValueError, OverflowError):
        return None


def _text(value: Any) -> str | None:
    if isinstance(value, list):
        return next((t for t in (_text(v) for v in value) if t), None)
    if isinstance(value, dict | bool):
        return None
    return text_or_none(value)


def job_url(
    job: dict[str, Any], base: str | None, *, detail: bool = False, own_url: str | None = None
) -> str | None:
    """``{base}job/{jobSeqNo}``; else the ``applyUrl``; else, on a job page, the page's own
    URL, or ``{base}job/{jobId}`` when that is not known either."""
    seq = _text(job.get("jobSeqNo"))
    if seq:
        path = f"job/{quote(seq, safe='')}"
        return urljoin(base, path) if base else path
    apply = _text(job.get("applyUrl"))
    if apply and apply.startswith(("http://", "https://")):
        return apply
    if not detail:
        return None
    if own_url:
        return own_url
    job_id = _text(job.get("jobId")) or _text(job.get("reqId"))
    return urljoin(base, f"job/{quote(job_id, safe='')}") if job_id and base else None


def posting_from_job(
    job: dict[str, Any],
    ctx: ParseContext,
    base: str | None,
    app: dict[str, Any],
    *,
    detail: bool = False,
    own_url: str | None = None,
) -> Posting:
    title = _text(job.get("title"))
    job_id = as_id(job.get("jobSeqNo")) or as_id(job.get("jobId")) or as_id(job.get("reqId"))
    if not job_id:
        raise UnreadableJobError(f"Phenom job without a usable jobSeqNo/jobId: {str(job)[:120]}")
    if not title:
        raise UnreadableJobError(f"Phenom job {job_id} has no title", job_id)
    url = job_url(job, base, detail=detail, own_url=own_url)
    if not url:
        where = "" if detail else " (a search result needs one of them)"
        raise UnreadableJobError(f"Phenom job {job_id} has neither jobSeqNo nor applyUrl{where}", job_id)
    city, state, country = _text(job.get("city")), _text(job.get("state")), _text(job.get("country"))
    location = (
        _text(job.get("location"))
        or _text(job.get("cityStateCountry"))
        or ", ".join(p for p in (city, state, country) if p)
        or _text(job.get("cityState"))
    )
    description = _text(job.get("description"))
    teaser = _text(job.get("descriptionTeaser"))
    extra: dict[str, Any] = {
        k: job[k]
        for k in ("jobSeqNo", "jobId", "category", "subCategory", "externalApply")
        if job.get(k) not in (None, "", [])
    }
    if not description and teaser:
        extra["description_is_teaser"] = True
    if not base:
        extra["url_is_relative"] = True  # no baseUrl and no page URL: pass --url to `parse`
    if isinstance(app.get("refNum"), str):
        extra["ref_num"] = app["refNum"]
    return Posting(
        source_family=ctx.family or "phenom",
        source_id=ctx.source_id,
        source_job_id=job_id,
        title=" ".join(html.unescape(title).split()),
        url=canonical_url(url) or url,
        employer=_text(job.get("companyName")) or ctx.employer,
        employer_type=ctx.employer_type,
        department=_text(job.get("category")),
        requisition_id=_text(job.get("reqId")) or _text(job.get("jobId")),
        location_raw=location,
        locations_raw=_locations(job),
        country_raw=country,
        workplace_raw=_text(job.get("workplaceType"))
        or _text(job.get("remoteType"))
        or _text(job.get("locationType")),
        employment_type=_text(job.get("type")),
        date_published_raw=_text(job.get("postedDate")) or _text(job.get("dateCreated")),
        date_updated_raw=_text(job.get("lastModifiedDate")),
        description_html_raw=description or (f"<p>{html.escape(teaser)}</p>" if teaser else None),
        apply_url=_text(job.get("applyUrl")) or url,
        crawled_at=ctx.crawled_at,
        extra=extra,
    )


def _locations(job: dict[str, Any]) -> list[str]:
    found: list[str] = []
    for key in ("multi_location", "multi_location_array", "standardised_multi_location"):
        values = job.get(key)
        if not isinstance(values, list):
            continue
        for item in values:
            if isinstance(item, str):
                text = text_or_none(item)
            elif isinstance(item, dict):
                text = (
                    _text(item.get("location"))
                    or _text(item.get("standardisedLocation"))
                    or _text(item.get("cityStateCountry"))
                )
            else:
                text = None
            if text and text not in found:
                found.append(text)
    return found if len(found) > 1 else []


# ---------------------------------------------------------------- requests and spider


def search_url(page_url: str, keywords: str | None, offset: int) -> str:
    """The search-results URL with ``keywords``, ``from`` (offset) and ``s=1`` set."""
    parts = urlsplit(page_url)
    query = [
        (k, v)
        for k, v in parse_qsl(parts.query, keep_blank_values=True)
        if k not in ("keywords", "from", "s")
    ]
    if keywords:
        query.append(("keywords", keywords))
    query += [("from", str(offset)), ("s", "1")]
    return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(query), ""))


class PhenomSpider(SourceSpider):
    """One search per term (or one unfiltered), paged by ``from`` until ``totalHits``."""

    name = "phenom"
    family = "phenom"
    hosts = ("phenompeople.com",)

    def requests_for(self, source: Source) -> Iterable[Any]:
        terms = [t.strip() for t in source.search if t.strip()] or [None]
        for term in dict.fromkeys(terms):
            yield self._page(source, term, 0, 1)

    def _page(self, source: Source, term: str | None, offset: int, number: int) -> Any:
        url = search_url(source.params["url"], term, offset)
        meta = {"term": term, "offset": offset, "page": number}
        return self.request(url, source, self.parse_search_response, meta=meta)

    def parse_search_response(self, response: Any) -> Iterable[Any]:
        ctx = self.context(response)
        source = self.state[ctx.source_id].source
        try:
            page = read_page(response.body, ctx)
            if page.kind != "search":
                raise ParseError("expected a search-results page, got a job page")
        except ParseError as exc:
            self.record_error(ctx.source_id, f"{exc} at {response.url}")
            return
        emitted = self.state[ctx.source_id].seen_ids
        fresh = [p for p in page.postings if p.source_job_id not in emitted]
        emitted.update(p.source_job_id for p in fresh)
        yield from self.emit(response, fresh, ctx)
        offset, number = response.meta["offset"], response.meta["page"]
        following = offset + page.hits
        if page.hits == 0 or page.total is None or following >= page.total:
            return
        if number >= MAX_PAGES:
            self.record_error(
                ctx.source_id, f"stopped after {MAX_PAGES} pages of {page.total} hits; search incomplete"
            )
            return
        yield self._page(source, response.meta["term"], following, number + 1)
