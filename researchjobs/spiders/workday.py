"""Workday candidate-experience ("cxs") API, the JSON behind ``*.myworkdayjobs.com``.

List: ``POST https://{host}/wday/cxs/{tenant}/{site}/jobs`` with
``{"appliedFacets": {}, "limit": 20, "offset": N, "searchText": TERM}``. ``limit`` is
capped at 20 by Workday; ``total`` is only meaningful on the first page (later pages
may say 0), and very large boards report a capped 2000. The list carries only a
relative ``postedOn`` ("Posted 3 Days Ago"), so every job is fetched once more:
``GET https://{host}/wday/cxs/{tenant}/{site}{externalPath}`` gives the description,
the absolute ``startDate``, ``remoteType``, ``timeType`` and the legal entity.

A failed detail request never loses the job: the list-level Posting is emitted and
the error recorded, so the run is "partial" and closes nothing.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import scrapy
from scrapy.http import JsonRequest

from researchjobs.posting import Posting, canonical_url
from researchjobs.sources import Source
from researchjobs.spiders.base import (
    ParseContext,
    ParseError,
    SourceSpider,
    UnreadableJobError,
    describe_failure,
    each_job,
    load_json,
)
from researchjobs.spiders.values import as_dict as _dict
from researchjobs.spiders.values import as_id
from researchjobs.spiders.values import as_int as _int
from researchjobs.spiders.values import as_list as _list
from researchjobs.spiders.values import as_text as _str

PAGE_SIZE = 20  # Workday refuses more (HTTP 400 or an empty page, depending on tenant)
MAX_PAGES = 150  # per search term: 3,000 postings, above Workday's own 2,000 cap
TOTAL_CAP = 2000  # a board reporting this many may be hiding the rest

_CXS_PATH = re.compile(r"^/wday/cxs/(?P<tenant>[^/]+)/(?P<site>[^/]+)(?P<rest>/.*)?$")
_LOCALE = re.compile(r"^[a-z]{2}-[A-Z]{2}$")
_N_LOCATIONS = re.compile(r"^\d+\s+Locations?$", re.I)
_ENTITY_CODE = re.compile(r"^\s*\d{2,6}\s*[-–:]?\s+(?=\S)")


@dataclass(frozen=True)
class Board:
    """Where a Workday board lives; a public job URL needs host and site, the API also the tenant."""

    host: str
    tenant: str | None
    site: str
    locale: str | None = None

    def jobs_url(self) -> str:
        return f"https://{self.host}/wday/cxs/{self.tenant}/{self.site}/jobs"

    def detail_url(self, external_path: str) -> str:
        return f"https://{self.host}/wday/cxs/{self.tenant}/{self.site}{external_path}"

    def public_url(self, external_path: str) -> str:
        locale = f"/{self.locale}" if self.locale else ""
        return f"https://{self.host}{locale}/{self.site}{external_path}"


@dataclass
class ListPage:
    total: int | None
    postings: list[Posting]
    listed: int = 0  # jobs on the page, skipped ones included: paging goes by this


def list_body(offset: int, term: str) -> dict[str, Any]:
    """Key order matches what the Workday web client sends (and replay manifests record)."""
    return {"appliedFacets": {}, "limit": PAGE_SIZE, "offset": offset, "searchText": term}


def board_for(params: dict[str, Any], url: str | None = None) -> Board | None:
    """The board from registry params, else from the URL a saved response came from."""
    host, tenant, site = params.get("host"), params.get("tenant"), params.get("site")
    locale = params.get("locale") if isinstance(params.get("locale"), str) else None
    if all(isinstance(v, str) and v.strip() for v in (host, tenant, site)):
        return Board(str(host).strip(), str(tenant).strip(), str(site).strip(), locale)
    return _board_from_url(url) if url else None


def _board_from_url(url: str) -> Board | None:
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if not parts.hostname:
        return None
    if match := _CXS_PATH.match(parts.path):
        return Board(parts.hostname, match["tenant"], match["site"])
    segments = [s for s in parts.path.split("/") if s]
    locale = None
    if segments and _LOCALE.match(segments[0]):
        locale = segments.pop(0)
    if segments and segments[0] not in ("job", "wday"):
        return Board(parts.hostname, None, segments[0], locale)
    return None


def _external_path_from_url(url: str | None) -> str | None:
    """``/job/...`` from a cxs detail URL or a public job URL."""
    if not url:
        return None
    try:
        path = urlsplit(url).path
    except ValueError:
        return None
    index = path.find("/job/")
    return path[index:] if index >= 0 else None


# ------------------------------------------------------------------ parsing


def parse_any(body: bytes, ctx: ParseContext) -> list[Posting]:
    """A list page (``jobPostings``) or one job's detail (``jobPostingInfo``)."""
    data = load_json(body, "Workday JSON")
    if isinstance(data, dict) and "jobPostings" in data:
        return parse_list(data, ctx).postings
    if isinstance(data, dict) and "jobPostingInfo" in data:
        return [parse_detail(data, ctx)]
    if isinstance(data, dict) and ("errorCode" in data or "httpStatus" in data):
        raise ParseError(f"Workday error response: {_str(data.get('errorCode'))} {_str(data.get('message'))}")
    raise ParseError("not a Workday cxs list ('jobPostings') or job detail ('jobPostingInfo')")


def parse_list(data: Any, ctx: ParseContext) -> ListPage:
    if not isinstance(data, dict) or not isinstance(data.get("jobPostings"), list):
        raise ParseError("Workday list response has no 'jobPostings' list")
    board = board_for(ctx.params, ctx.url)
    listed = data["jobPostings"]
    postings = each_job(listed, ctx, lambda job: parse_listed_job(job, ctx, board), "jobPostings")
    return ListPage(_int(data.get("total")), postings, len(listed))


def parse_listed_job(job: dict[str, Any], ctx: ParseContext, board: Board | None) -> Posting:
    """What the list alone says; the fallback when the detail cannot be had."""
    title = _str(job.get("title"))
    path = as_id(job.get("externalPath"))
    if not path or not path.startswith("/"):
        raise UnreadableJobError(f"Workday job without a usable externalPath: {str(job)[:120]}")
    if not title:
        raise UnreadableJobError(f"Workday job {path} has no title", _req_id_from_list(job, path), path)
    if board is None:
        raise ParseError(
            "a Workday list names jobs by path only: give the request URL "
            "(--url https://HOST/wday/cxs/TENANT/SITE/jobs) or a registry --source"
        )
    req_id = _req_id_from_list(job, path)
    locations_text = _str(job.get("locationsText"))
    several = bool(locations_text and _N_LOCATIONS.match(locations_text))
    url = board.public_url(path)
    extra: dict[str, Any] = {"external_path": path}
    if locations_text and several:
        extra["locations_text"] = locations_text
    bullets = [b for b in (_str(x) for x in _list(job.get("bulletFields"))) if b]
    if bullets:
        extra["bullet_fields"] = bullets
    return Posting(
        source_family="workday",
        source_id=ctx.source_id,
        source_job_id=req_id or path,
        title=title,
        url=canonical_url(url) or url,
        employer=ctx.employer,
        employer_type=ctx.employer_type,
        requisition_id=req_id,
        location_raw=None if several else locations_text,
        locations_raw=[] if several or not locations_text else [locations_text],
        workplace_raw=_str(job.get("remoteType")),
        employment_type=_str(job.get("timeType")),
        date_published_raw=_str(job.get("postedOn")),
        apply_url=url,
        crawled_at=ctx.crawled_at,
        extra=extra,
    )


def parse_detail(data: Any, ctx: ParseContext, listed: Posting | None = None) -> Posting:
    """A job's detail, with the list-level Posting (if any) filling what the detail lacks."""
    if not isinstance(data, dict) or not isinstance(data.get("jobPostingInfo"), dict):
        raise ParseError("Workday detail response has no 'jobPostingInfo' object")
    info: dict[str, Any] = data["jobPostingInfo"]
    external_url = _str(info.get("externalUrl"))
    if external_url and not external_url.startswith(("https://", "http://")):
        external_url = None
    path = (listed.extra.get("external_path") if listed else None) or _external_path_from_url(
        ctx.url
    ) or _external_path_from_url(external_url)
    title = _str(info.get("title")) or (listed.title if listed else None)
    if not title:
        raise ParseError("Workday job detail without a title")
    board = board_for(ctx.params, ctx.url) or (_board_from_url(external_url) if external_url else None)
    if board is not None and path:
        url = board.public_url(path)
    elif external_url:
        url = external_url
    else:
        raise ParseError(
            "a Workday job detail without externalUrl needs its request URL (--url) or a registry --source"
        )
    req_id = as_id(info.get("jobReqId")) or (listed.requisition_id if listed else None)
    source_job_id = req_id or path or url
    location = _str(info.get("location")) or (listed.location_raw if listed else None)
    more = [loc for loc in (_str(x) for x in _list(info.get("additionalLocations"))) if loc]
    locations = list(dict.fromkeys([loc for loc in [location, *more] if loc]))
    requisition_location = _dict(info.get("jobRequisitionLocation"))
    country = _dict(requisition_location.get("country")) or _dict(info.get("country"))
    organisation = _str(_dict(data.get("hiringOrganization")).get("name"))
    extra: dict[str, Any] = dict(listed.extra) if listed else {}
    if path:
        extra["external_path"] = path
    for key, name in (
        ("id", "workday_id"),
        ("jobPostingId", "job_posting_id"),
        ("timeLeftToApply", "time_left_to_apply"),
        ("jobPostingEndDateAsText", "end_date_text"),
    ):
        if value := _str(info.get(key)):
            extra[name] = value
    if organisation:
        extra["hiring_organization"] = organisation
    if street := _str(requisition_location.get("descriptor")):
        extra["requisition_location"] = street
    description = info.get("jobDescription")
    return Posting(
        source_family="workday",
        source_id=ctx.source_id,
        source_job_id=source_job_id,
        title=title,
        url=canonical_url(url) or url,
        employer=employer_name(organisation, ctx.employer),
        employer_type=ctx.employer_type,
        requisition_id=req_id,
        location_raw=location,
        locations_raw=locations,
        country_raw=_str(country.get("alpha2Code")) or _str(country.get("descriptor")),
        workplace_raw=_str(info.get("remoteType")) or (listed.workplace_raw if listed else None),
        employment_type=_str(info.get("timeType")) or (listed.employment_type if listed else None),
        # startDate is absolute; the relative postedOn is only a fallback (resolved
        # against crawled_at by the normaliser).
        date_published_raw=_str(info.get("startDate"))
        or _str(info.get("postedOn"))
        or (listed.date_published_raw if listed else None),
        valid_through_raw=_str(info.get("endDate")),
        description_html_raw=description if isinstance(description, str) and description.strip() else None,
        apply_url=external_url or url,
        crawled_at=ctx.crawled_at,
        extra=extra,
    )


def employer_name(organisation: str | None, registry_employer: str | None) -> str | None:
    """The legal entity without its ledger code ("1000 Merck Sharp & Dohme LLC" -> "Merck ...").

    Kept only when what is left still reads like a name (a few letters, not a code);
    otherwise the registry's employer is the better label.
    """
    if not organisation:
        return registry_employer
    name = _ENTITY_CODE.sub("", organisation).strip()
    if sum(ch.isalpha() for ch in name) < 3:
        return registry_employer or organisation
    return name


def _req_id_from_list(job: dict[str, Any], path: str) -> str | None:
    """The req id the detail will call ``jobReqId``, when a bullet field is the path's tail.

    Using it on the list-level Posting keeps the job's identity the same whether or
    not its detail could be fetched.
    """
    tail = path.rsplit("_", 1)[-1] if "_" in path else ""
    for bullet in _list(job.get("bulletFields")):
        text = _str(bullet)
        if text and tail and (tail == text or tail.startswith(text + "-")):
            return text
    return None


# ------------------------------------------------------------------ spider


class WorkdaySpider(SourceSpider):
    name = "workday"
    family = "workday"
    hosts = ("myworkdayjobs.com", "myworkdaysite.com", "workday.com")

    def requests_for(self, source: Source) -> Iterable[Any]:
        board = board_for(source.params)
        if board is None:
            raise ValueError("workday sources need host, tenant and site")
        for term in dict.fromkeys(t.strip() for t in source.search or [""]):
            yield self._list_request(source, board, term, 0, None)

    def _list_request(
        self, source: Source, board: Board, term: str, offset: int, total: int | None
    ) -> JsonRequest:
        return JsonRequest(
            board.jobs_url(),
            data=list_body(offset, term),
            callback=self.parse_list_response,
            errback=self.errback,
            headers={"Accept": "application/json"},
            dont_filter=True,  # our own claims dedupe; two sources may share a board
            meta={"source_id": source.id, "term": term, "offset": offset, "total": total},
        )

    def parse_list_response(self, response: Any) -> Iterable[Any]:
        ctx = self.context(response)
        source = self.state[ctx.source_id].source
        board = board_for(source.params)
        assert board is not None  # checked in requests_for
        term, offset = response.meta["term"], response.meta["offset"]
        try:
            page = parse_list(load_json(response.body, "Workday JSON"), ctx)
        except ParseError as exc:
            self.record_error(ctx.source_id, f"{exc} at {response.url} (search {term!r}, offset {offset})")
            return
        total = response.meta["total"]
        if offset == 0:
            total = page.total
            if total is not None and total >= TOTAL_CAP:
                self.record_error(
                    ctx.source_id,
                    f"search {term!r} reports {total} jobs, Workday's cap: the board may list more"
                    " than can be paged; add narrower search terms",
                )
        self.note_skips(ctx)  # the postings themselves are emitted after their detail requests
        for listed in page.postings:
            if self._claim(ctx.source_id, listed):
                yield self._detail_request(source, board, listed)
        next_offset = offset + PAGE_SIZE
        more = page.listed > 0 and (next_offset < total if total else page.listed >= PAGE_SIZE)
        if not more:
            return
        if next_offset // PAGE_SIZE >= MAX_PAGES:
            self.record_error(
                ctx.source_id, f"stopped search {term!r} after {MAX_PAGES} pages; board incomplete"
            )
            return
        yield self._list_request(source, board, term, next_offset, total)

    def _claim(self, source_id: str, listed: Posting) -> bool:
        claimed = self.state[source_id].seen_ids
        keys = {listed.extra["external_path"], listed.source_job_id}
        if keys & claimed:
            return False
        claimed.update(keys)
        return True

    def _detail_request(self, source: Source, board: Board, listed: Posting) -> scrapy.Request:
        return scrapy.Request(
            board.detail_url(listed.extra["external_path"]),
            callback=self.parse_detail_response,
            errback=self.detail_errback,
            headers={"Accept": "application/json"},
            dont_filter=True,
            meta={"source_id": source.id, "listed": listed},
        )

    def parse_detail_response(self, response: Any) -> Iterable[Posting]:
        ctx = self.context(response)
        listed: Posting = response.meta["listed"]
        try:
            posting = parse_detail(load_json(response.body, "Workday JSON"), ctx, listed)
        except ParseError as exc:
            self.record_error(ctx.source_id, f"job detail: {exc} at {response.url}; kept the list entry")
            yield from self.emit(response, [listed], ctx)
            return
        claimed = self.state[ctx.source_id].seen_ids
        if posting.source_job_id != listed.source_job_id:
            if posting.source_job_id in claimed:
                return  # the same req id already came under another path
            claimed.add(posting.source_job_id)
        yield from self.emit(response, [posting], ctx)

    def detail_errback(self, failure: Any) -> Iterable[Posting]:
        request = failure.request
        message, kind = describe_failure(failure)
        self.record_error(request.meta["source_id"], f"job detail: {message}; kept the list entry", kind=kind)
        yield from self.emit(request, [request.meta["listed"]])
