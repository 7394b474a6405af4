"""Oracle Recruiting Cloud (ORC) Candidate Experience, through the public hcmRestApi.

List: ``GET https://{host}/hcmRestApi/resources/latest/recruitingCEJobRequisitions
?onlyData=true&expand=requisitionList.secondaryLocations
&finder=findReqs;siteNumber={site},limit=25,offset=N,sortBy=POSTING_DATES_DESC[,keyword="TERM"]``.
Paging lives *inside* the ``finder`` string; the answer wraps one search object
(``items[0]``) whose ``TotalJobsCount`` counts the jobs and whose ``requisitionList``
holds them. The outer ``count``/``hasMore`` describe that one object, not the jobs.

Detail: ``GET .../recruitingCEJobRequisitionDetails?expand=all&onlyData=true
&finder=ById;Id="{Id}",siteNumber={site}``; the posting text is split across five
HTML fields that are joined here. A failed detail keeps the list-level Posting.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, quote, urlsplit

import scrapy

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
from researchjobs.spiders.values import as_id
from researchjobs.spiders.values import as_int as _int
from researchjobs.spiders.values import as_list as _list
from researchjobs.spiders.values import as_text as _str

PAGE_SIZE = 25
MAX_PAGES = 200  # per search term: 5,000 requisitions
API = "/hcmRestApi/resources/latest"

#: The posting text, in the order the Candidate Experience page shows it.
DESCRIPTION_FIELDS = (
    "ExternalDescriptionStr",
    "CorporateDescriptionStr",
    "OrganizationDescriptionStr",
    "ExternalResponsibilitiesStr",
    "ExternalQualificationsStr",
)
_SALARY_PROMPT = re.compile(r"salary|pay|compensation|wage|hourly rate", re.I)
_FINDER_UNSAFE = re.compile(r'[",;=]+')


@dataclass(frozen=True)
class Site:
    host: str
    site: str

    def list_url(self, offset: int, term: str = "", limit: int = PAGE_SIZE) -> str:
        finder = f"findReqs;siteNumber={self.site},limit={limit},offset={offset},sortBy=POSTING_DATES_DESC"
        term = " ".join(_FINDER_UNSAFE.sub(" ", term).split())
        if term:
            # Finder terms are split on ',' and ';' server-side: those are removed above.
            finder += f",keyword=%22{quote(term, safe='')}%22"
        return (
            f"https://{self.host}{API}/recruitingCEJobRequisitions?onlyData=true"
            f"&expand=requisitionList.secondaryLocations&finder={finder}"
        )

    def detail_url(self, job_id: str) -> str:
        return (
            f"https://{self.host}{API}/recruitingCEJobRequisitionDetails?expand=all&onlyData=true"
            f"&finder=ById;Id=%22{quote(job_id, safe='')}%22,siteNumber={self.site}"
        )

    def public_url(self, job_id: str) -> str:
        return f"https://{self.host}/hcmUI/CandidateExperience/en/sites/{self.site}/job/{job_id}"


@dataclass
class ListPage:
    total: int | None
    postings: list[Posting]
    listed: int = 0  # jobs on the page, skipped ones included: paging goes by this


def site_for(params: dict[str, Any], url: str | None = None) -> Site | None:
    """The site from registry params, else from a saved response's request or job URL."""
    host, site = params.get("host"), params.get("site")
    if isinstance(host, str) and host.strip() and isinstance(site, str) and site.strip():
        return Site(host.strip(), site.strip())
    if not url:
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if not parts.hostname:
        return None
    for name, value in parse_qsl(parts.query):
        if name == "finder" and (match := re.search(r"siteNumber=([^,;&\"]+)", value)):
            return Site(parts.hostname, match.group(1))
    if match := re.search(r"/sites/([^/]+)", parts.path):
        return Site(parts.hostname, match.group(1))
    return None


# ------------------------------------------------------------------ parsing


def parse_any(body: bytes, ctx: ParseContext) -> list[Posting]:
    """A requisition search (``items[0].requisitionList``) or a requisition detail."""
    data = load_json(body, "Oracle Recruiting JSON")
    items = data.get("items") if isinstance(data, dict) else None
    if isinstance(items, list) and items and isinstance(items[0], dict):
        if "requisitionList" in items[0]:
            return parse_list(data, ctx).postings
        if any(name in items[0] for name in DESCRIPTION_FIELDS) or "RequisitionId" in items[0]:
            return [parse_detail(data, ctx)]
    if isinstance(items, list) and not items:
        return []  # a search with no hits, or a detail for a requisition no longer posted
    if isinstance(data, dict) and ("o:errorCode" in data or ("title" in data and "status" in data)):
        raise ParseError(f"Oracle error response: {_str(data.get('title'))} {_str(data.get('detail'))}")
    raise ParseError("not an Oracle Recruiting requisition search or requisition detail")


def parse_list(data: Any, ctx: ParseContext) -> ListPage:
    items = data.get("items") if isinstance(data, dict) else None
    if not isinstance(items, list):
        raise ParseError("Oracle requisition search has no 'items' list")
    if not items:
        return ListPage(0, [])
    search = items[0]
    if not isinstance(search, dict) or not isinstance(search.get("requisitionList", []), list):
        raise ParseError("Oracle requisition search: items[0] has no 'requisitionList' list")
    site = site_for(ctx.params, ctx.url)
    listed = search.get("requisitionList") or []
    postings = each_job(listed, ctx, lambda req: parse_requisition(req, ctx, site), "requisitionList")
    return ListPage(_int(search.get("TotalJobsCount")), postings, len(listed))


def parse_requisition(req: dict[str, Any], ctx: ParseContext, site: Site | None) -> Posting:
    job_id, title = as_id(req.get("Id")), _str(req.get("Title"))
    if not job_id:
        raise UnreadableJobError(f"Oracle requisition without a usable Id: {str(req)[:120]}")
    if not title:
        raise UnreadableJobError(f"Oracle requisition {job_id} has no Title", job_id)
    url = _public_url(site, job_id)
    primary = _str(req.get("PrimaryLocation"))
    short = _str(req.get("ShortDescriptionStr"))
    extra = {
        name: value
        for name, key in (("job_family", "JobFamily"), ("site_number", "SiteNumber"))
        if (value := _str(req.get(key)))
    }
    if site is not None:
        extra.setdefault("site_number", site.site)
    return Posting(
        source_family="oracle",
        source_id=ctx.source_id,
        source_job_id=job_id,
        title=title,
        url=canonical_url(url) or url,
        employer=ctx.employer,
        employer_type=ctx.employer_type,
        department=_str(req.get("Organization")) or _str(req.get("Department")),
        location_raw=primary,
        locations_raw=_locations(primary, req),
        country_raw=_str(req.get("PrimaryLocationCountry")),
        workplace_raw=_str(req.get("WorkplaceType")) or _str(req.get("WorkplaceTypeCode")),
        employment_type=_str(req.get("JobSchedule")) or _str(req.get("ContractType")),
        date_published_raw=_str(req.get("PostedDate")),
        valid_through_raw=_str(req.get("PostingEndDate")),
        description_html_raw=short,
        apply_url=url,
        crawled_at=ctx.crawled_at,
        extra=extra,
    )


def parse_detail(data: Any, ctx: ParseContext, listed: Posting | None = None) -> Posting:
    """``items[0]`` of a detail response, with the list-level Posting filling gaps."""
    items = data.get("items") if isinstance(data, dict) else None
    if not isinstance(items, list) or not items or not isinstance(items[0], dict):
        raise ParseError("Oracle requisition detail has no items[0] object")
    req: dict[str, Any] = items[0]
    job_id = as_id(req.get("Id")) or (listed.source_job_id if listed else None)
    title = _str(req.get("Title")) or (listed.title if listed else None)
    if not job_id or not title:
        raise ParseError("Oracle requisition detail without Id or Title")
    url = _public_url(site_for(ctx.params, ctx.url), job_id)
    primary = _str(req.get("PrimaryLocation")) or (listed.location_raw if listed else None)
    locations = _locations(primary, req)
    if listed:
        locations = list(dict.fromkeys([*locations, *listed.locations_raw]))
    parts = [text for name in DESCRIPTION_FIELDS if (text := _str(req.get(name)))]
    salary = _flex_salary(req.get("requisitionFlexFields"))
    extra: dict[str, Any] = dict(listed.extra) if listed else {}
    for name, key in (
        ("category", "Category"),
        ("job_shift", "JobShift"),
        ("study_level", "StudyLevel"),
        ("requisition_type", "RequisitionType"),
        ("job_family_id", "JobFamilyId"),
    ):
        if value := _str(req.get(key)):
            extra[name] = value
    return Posting(
        source_family="oracle",
        source_id=ctx.source_id,
        source_job_id=job_id,
        title=title,
        url=canonical_url(url) or url,
        employer=ctx.employer,
        employer_type=ctx.employer_type,
        department=_str(req.get("Organization"))
        or _str(req.get("Department"))
        or (listed.department if listed else None),
        requisition_id=_str(req.get("RequisitionId")),
        location_raw=primary,
        locations_raw=locations,
        country_raw=_str(req.get("PrimaryLocationCountry")) or (listed.country_raw if listed else None),
        workplace_raw=_str(req.get("WorkplaceType"))
        or _str(req.get("WorkplaceTypeCode"))
        or (listed.workplace_raw if listed else None),
        employment_type=_str(req.get("JobSchedule"))
        or _str(req.get("JobType"))
        or (listed.employment_type if listed else None),
        date_published_raw=_str(req.get("ExternalPostedStartDate"))
        or (listed.date_published_raw if listed else None),
        valid_through_raw=_str(req.get("ExternalPostedEndDate"))
        or (listed.valid_through_raw if listed else None),
        salary_raw=salary,
        description_html_raw="\n".join(parts) if parts else (listed.description_html_raw if listed else None),
        apply_url=url,
        crawled_at=ctx.crawled_at,
        extra=extra,
    )


def _public_url(site: Site | None, job_id: str) -> str:
    if site is None:
        raise ParseError(
            "an Oracle response does not name its host: give the request URL (--url) or a registry --source"
        )
    return site.public_url(job_id)


def _locations(primary: str | None, req: dict[str, Any]) -> list[str]:
    names = [primary]
    for key in ("secondaryLocations", "otherWorkLocations"):
        for loc in _list(req.get(key)):
            if isinstance(loc, dict):
                names.append(_str(loc.get("Name")) or _str(loc.get("LocationName")))
            else:
                names.append(_str(loc))
    return list(dict.fromkeys(n for n in names if n))


def _flex_salary(fields: Any) -> str | None:
    """Some tenants publish pay as a requisition flex field prompted "Salary" or "Pay Range"."""
    for item in _list(fields):
        if isinstance(item, dict) and _SALARY_PROMPT.search(_str(item.get("Prompt")) or ""):
            if value := _str(item.get("Value")):
                return value
    return None


# ------------------------------------------------------------------ spider


class OracleSpider(SourceSpider):
    name = "oracle"
    family = "oracle"
    hosts = ("oraclecloud.com",)

    def requests_for(self, source: Source) -> Iterable[Any]:
        site = site_for(source.params)
        if site is None:
            raise ValueError("oracle sources need host and site")
        for term in dict.fromkeys(t.strip() for t in source.search or [""]):
            yield self._list_request(source, site, term, 0, None)

    def _list_request(self, source: Source, site: Site, term: str, offset: int, total: int | None) -> Any:
        return self.request(
            site.list_url(offset, term),
            source,
            self.parse_list_response,
            headers={"Accept": "application/json"},
            dont_filter=True,  # our own claims dedupe; two sources may share a board
            meta={"term": term, "offset": offset, "total": total},
        )

    def parse_list_response(self, response: Any) -> Iterable[Any]:
        ctx = self.context(response)
        source = self.state[ctx.source_id].source
        site = site_for(source.params)
        assert site is not None  # checked in requests_for
        term, offset = response.meta["term"], response.meta["offset"]
        try:
            page = parse_list(load_json(response.body, "Oracle Recruiting JSON"), ctx)
        except ParseError as exc:
            self.record_error(ctx.source_id, f"{exc} at {response.url}")
            return
        total = page.total if offset == 0 else response.meta["total"]
        self.note_skips(ctx)  # the postings themselves are emitted after their detail requests
        claimed = self.state[ctx.source_id].seen_ids
        for listed in page.postings:
            if listed.source_job_id in claimed:
                continue
            claimed.add(listed.source_job_id)
            yield scrapy.Request(
                site.detail_url(listed.source_job_id),
                callback=self.parse_detail_response,
                errback=self.detail_errback,
                headers={"Accept": "application/json"},
                dont_filter=True,
                meta={"source_id": source.id, "listed": listed},
            )
        next_offset = offset + PAGE_SIZE
        more = page.listed > 0 and (next_offset < total if total else page.listed >= PAGE_SIZE)
        if not more:
            return
        if next_offset // PAGE_SIZE >= MAX_PAGES:
            self.record_error(ctx.source_id, f"stopped search {term!r} after {MAX_PAGES} pages; site incomplete")
            return
        yield self._list_request(source, site, term, next_offset, total)

    def parse_detail_response(self, response: Any) -> Iterable[Posting]:
        ctx = self.context(response)
        listed: Posting = response.meta["listed"]
        try:
            data = load_json(response.body, "Oracle Recruiting JSON")
            if isinstance(data, dict) and data.get("items") == []:
                raise ParseError("no requisition detail (unposted since the search?)")
            posting = parse_detail(data, ctx, listed)
        except ParseError as exc:
            self.record_error(ctx.source_id, f"requisition detail: {exc} at {response.url}; kept the list entry")
            posting = listed
        yield from self.emit(response, [posting], ctx)

    def detail_errback(self, failure: Any) -> Iterable[Posting]:
        request = failure.request
        message, kind = describe_failure(failure)
        self.record_error(request.meta["source_id"], f"requisition detail: {message}; kept the list entry", kind=kind)
        yield from self.emit(request, [request.meta["listed"]])
