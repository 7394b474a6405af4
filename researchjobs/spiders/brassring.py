"""Kenexa BrassRing Talent Gateways (IBM, now Infinite): the gateway's own search answer.

A gateway is a ``(partnerid, siteid)`` pair on ``sjobs.brassring.com`` (a few employers
are on ``krb-sjobs.brassring.com``), read off its careers URL
``https://{host}/TGnewUI/Search/Home/Home?partnerid=P&siteid=S``. That page is a shell;
its job list comes from

    POST https://{host}/TGnewUI/Search/Ajax/ProcessSortAndShowMoreJobs
    {"partnerId": "P", "siteId": "S", "keyword": TERM, "location": "",
     "activeFacetCategories": [], "selectedFacets": [], "pageNumber": "N", "pageSize": "50"}

with no cookie or token, answered by ``{JobsCount, Jobs: {Job: [...]}, TotalJobsCount,
PageSize}``. ``JobsCount`` is the gateway's total (the same on every page); the server
gives at most 50 jobs a page whatever is asked, so pages are walked by ``pageNumber``
from 1 until ``ceil(JobsCount / 50)``. A gateway with nothing published answers 200 with
``JobsCount`` 0 and ``Job: []``; a pair that is no gateway answers HTTP 500 with an HTML
page.

Each job has ``Link`` (its public page, ``…/HomeWithPreLoad?partnerid=…&siteid=…
&PageType=JobDetails&jobid=…``), candidate-session state (``Applied``, ``SavedDate``,
``score`` …) and ``Questions``: a flat list of ``{QuestionName, Value}`` whose names and
order are the gateway's own configuration. Every gateway sends ``reqid`` (the job id in
``Link``), ``jobtitle`` and ``lastupdated``; ``autoreq`` (the requisition number),
``location``, ``department`` and ``jobdescription`` (HTML) only some. Values are HTML
text padded with a trailing space ("Massachusetts "). Many gateways keep the place in a
numbered ``formtextN`` question whose meaning is theirs alone: the registry entry names
those (``location_fields``), and a gateway without either publishes no place rather than
a guessed one. ``lastupdated`` is "28-Jul-2026", or "07/27/2026" or "27/07/2026" by
gateway: a slash date is read only once a date on the gateway's pages has settled which
number is the month. No date of first publication is sent, so none is stored.

Evidence (the format, the request and the paging): the public repository
``job-hunter-toolkit/job-hunter-toolkit`` at ``574abab5e5276c1b1f1e7aaef9611070b439ecdf``,
``internal/services/brassring.go`` (request, paging, what its authors measured live on
2026-07-28) and ``internal/services/testdata/brassring_{homedepot,bestbuy}_search_page1.json``
(page 1 of two live gateways, trimmed by its authors to three jobs with the description
question blanked). Only the list is read: job pages are a script shell.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, ClassVar
from urllib.parse import parse_qs, urlencode, urlsplit

from scrapy.http import JsonRequest

from researchjobs.posting import Posting, canonical_url
from researchjobs.sources import Source
from researchjobs.spiders.base import (
    ParseContext,
    ParseError,
    UnreadableJobError,
    each_job,
    load_json,
)
from researchjobs.spiders.paging import ListPage, PagedSpider
from researchjobs.spiders.skips import check_not_all_skipped
from researchjobs.spiders.values import as_dict as _dict
from researchjobs.spiders.values import as_int as _int
from researchjobs.spiders.values import as_list as _list
from researchjobs.spiders.values import as_text as _text

PAGE_SIZE = 50  # the server's own cap: a larger pageSize still answers 50
MAX_PAGES = 100  # per search term: 5,000 jobs
DEFAULT_HOST = "sjobs.brassring.com"
DOMAIN = "brassring.com"
SEARCH_PATH = "/TGnewUI/Search/Ajax/ProcessSortAndShowMoreJobs"
_NUMBER = re.compile(r"^\d{1,9}$")
_QUESTION = re.compile(r"^[A-Za-z][A-Za-z0-9_]{0,39}$")
_SLASH_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")


@dataclass(frozen=True)
class Gateway:
    host: str
    partnerid: str
    siteid: str

    def search_url(self) -> str:
        return f"https://{self.host}{SEARCH_PATH}"

    def home_url(self) -> str:
        query = urlencode({"partnerid": self.partnerid, "siteid": self.siteid})
        return f"https://{self.host}/TGnewUI/Search/Home/Home?{query}"

    def job_url(self, job_id: str) -> str:
        query = urlencode(
            {"partnerid": self.partnerid, "siteid": self.siteid, "PageType": "JobDetails", "jobid": job_id}
        )
        return f"https://{self.host}/TGnewUI/Search/home/HomeWithPreLoad?{query}"


def is_brassring_host(host: str) -> bool:
    return host == DOMAIN or host.endswith("." + DOMAIN)


def gateway_for(params: dict[str, Any], url: str | None = None) -> Gateway | None:
    """The gateway from registry params (``partnerid``, ``siteid``, optional ``host``), else from a URL."""
    partner, site = (_text(params.get(k)) for k in ("partnerid", "siteid"))
    if partner and site:
        host = (_text(params.get("host")) or DEFAULT_HOST).lower()
        return Gateway(host, partner, site)
    return gateway_from_url(url) if url else None


def gateway_from_url(url: str) -> Gateway | None:
    """Any BrassRing page that names its gateway: ``?partnerid=P&siteid=S`` (keys in any case)."""
    try:
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
    except ValueError:
        return None
    if not is_brassring_host(host):
        return None
    query = {k.lower(): v for k, v in parse_qs(parts.query).items()}
    partner, site = ((query.get(k) or [""])[0].strip() for k in ("partnerid", "siteid"))
    if not _NUMBER.match(partner) or not _NUMBER.match(site):
        return None
    return Gateway(host, partner, site)


def search_body(gateway: Gateway, page: int, term: str) -> dict[str, Any]:
    """The body the gateway's own search page posts (numbers as strings, as it sends them)."""
    return {
        "partnerId": gateway.partnerid,
        "siteId": gateway.siteid,
        "keyword": term,
        "location": "",
        "activeFacetCategories": [],
        "selectedFacets": [],
        "pageNumber": str(page),
        "pageSize": str(PAGE_SIZE),
    }


# ------------------------------------------------------------------ parsing


@dataclass
class SearchPage(ListPage):
    """One answer, plus what its dates say about the gateway's slash dates (``mdy``/``dmy``)."""

    order: str | None = None
    ids: tuple[str, ...] = ()


def parse_any(body: bytes, ctx: ParseContext) -> list[Posting]:
    """A ``ProcessSortAndShowMoreJobs`` answer (``JobsCount`` and ``Jobs.Job``)."""
    return parse_search(load_json(body, "BrassRing JSON"), ctx).postings


def parse_search(data: Any, ctx: ParseContext, order: str | None = None) -> SearchPage:
    """One page of a gateway's search; ``order`` is what earlier pages settled about slash dates."""
    jobs = _dict(_dict(data).get("Jobs"))
    if not isinstance(jobs.get("Job"), list):
        raise ParseError("not a BrassRing search answer: no 'Jobs.Job' list")
    rows = jobs["Job"]
    order = order or date_order(rows)
    gateway = gateway_for(ctx.params, ctx.url) or _page_gateway(rows)
    before = len(ctx.warnings)
    postings = each_job(rows, ctx, lambda job: parse_job(job, ctx, gateway, order), "Jobs.Job")
    check_not_all_skipped(ctx, before, len(postings))
    ids = tuple(p.source_job_id for p in postings)
    return SearchPage(_int(data.get("JobsCount")), len(rows), postings, order, ids)


def questions(job: dict[str, Any]) -> dict[str, str]:
    """``QuestionName`` → cleaned text value (the first of a repeated name; empty values left out)."""
    found: dict[str, str] = {}
    for item in _list(job.get("Questions")):
        question = _dict(item)
        name, value = _text(question.get("QuestionName")), _text(question.get("Value"))
        if name and value is not None and name not in found:
            found[name] = value
    return found


def clean(value: str | None) -> str | None:
    """A question's text: HTML entities decoded once, spaces (and no-break spaces) collapsed."""
    if value is None:
        return None
    return " ".join(html.unescape(value).replace("\xa0", " ").split()) or None


def parse_job(job: dict[str, Any], ctx: ParseContext, gateway: Gateway | None, order: str | None) -> Posting:
    answers = questions(job)
    link = _text(job.get("Link"))
    link = link if link and link.lower().startswith(("https://", "http://")) else None
    job_id = clean(answers.get("reqid")) or _job_id_of(link)
    title = clean(answers.get("jobtitle"))
    if not job_id:
        raise UnreadableJobError(f"BrassRing job without reqid or jobid: {str(job)[:120]}")
    if not title:
        raise UnreadableJobError(f"BrassRing job {job_id} has no jobtitle", job_id)
    gateway = gateway or _gateway_of(link, answers)
    url = link or (gateway.job_url(job_id) if gateway else None)
    if not url:
        raise UnreadableJobError(f"BrassRing job {job_id} has no Link and its gateway is unknown", job_id)
    fields = _location_fields(ctx.params)
    places = [p for p in (clean(answers.get(name)) for name in fields) if p]
    updated = answers.get("lastupdated")
    description = answers.get("jobdescription")
    return Posting(
        source_family="brassring",
        source_id=ctx.source_id,
        source_job_id=job_id,
        title=title,
        url=canonical_url(url) or url,
        employer=ctx.employer,
        employer_type=ctx.employer_type,
        department=clean(answers.get("department")),
        requisition_id=clean(answers.get("autoreq")),
        location_raw=", ".join(dict.fromkeys(places)) or None,
        date_updated_raw=read_date(updated, order),
        description_html_raw=description if description and description.strip() else None,
        apply_url=url,
        crawled_at=ctx.crawled_at,
        extra=_extra(answers, updated),
    )


def _location_fields(params: dict[str, Any]) -> list[str]:
    """The questions that hold this gateway's place: ``location`` unless the entry names others."""
    names = params.get("location_fields")
    if isinstance(names, list) and names and all(isinstance(n, str) and _QUESTION.match(n) for n in names):
        return names
    return ["location"]


def _job_id_of(link: str | None) -> str | None:
    if not link:
        return None
    try:
        query = {k.lower(): v for k, v in parse_qs(urlsplit(link).query).items()}
    except ValueError:
        return None
    value = (query.get("jobid") or [""])[0].strip()
    return value or None


def _page_gateway(rows: list[Any]) -> Gateway | None:
    """The gateway a saved answer belongs to: the first that a job's ``Link`` or questions name."""
    for row in rows:
        job = _dict(row)
        link = _text(job.get("Link"))
        found = _gateway_of(link if link and link.lower().startswith(("https://", "http://")) else None, questions(job))
        if found:
            return found
    return None


def _gateway_of(link: str | None, answers: dict[str, str]) -> Gateway | None:
    """A saved answer names its gateway in each job's ``Link``, or in ``clientid``/``siteid``."""
    found = gateway_from_url(link) if link else None
    if found:
        return found
    partner, site = clean(answers.get("clientid")), clean(answers.get("siteid"))
    if partner and site and _NUMBER.match(partner) and _NUMBER.match(site):
        return Gateway(DEFAULT_HOST, partner, site)
    return None


def date_order(rows: Iterable[Any]) -> str | None:
    """``mdy`` or ``dmy`` when some slash date on the page can only be read one way; None otherwise."""
    month_first = day_first = False
    for row in rows:
        match = _SLASH_DATE.match(questions(_dict(row)).get("lastupdated", ""))
        if match:
            first, second = int(match[1]), int(match[2])
            day_first |= first > 12
            month_first |= second > 12
    if month_first == day_first:
        return None  # no evidence, or a gateway contradicting itself
    return "mdy" if month_first else "dmy"


def read_date(value: str | None, order: str | None) -> str | None:
    """``28-Jul-2026`` as sent; a slash date as ISO once the gateway's order is known, else None."""
    value = clean(value)
    if not value:
        return None
    match = _SLASH_DATE.match(value)
    if not match:
        return value
    if order is None:
        return None
    month, day = (int(match[1]), int(match[2])) if order == "mdy" else (int(match[2]), int(match[1]))
    if not (1 <= month <= 12 and 1 <= day <= 31):
        return None
    return f"{match[3]}-{month:02d}-{day:02d}"


def _extra(answers: dict[str, str], updated: str | None) -> dict[str, Any]:
    extra: dict[str, Any] = {}
    if updated and _SLASH_DATE.match(updated.strip()):
        extra["lastupdated"] = updated.strip()  # the raw slash date; date_updated_raw is its reading
    for name in ("latitude", "longitude"):
        value = clean(answers.get(name))
        if value and value not in ("0", "0.0"):
            extra[name] = value
    if clean(answers.get("hotjob")) == "Yes":
        extra["hot_job"] = True
    return extra


# ------------------------------------------------------------------ spider


class BrassRingSpider(PagedSpider):
    """The gateway's search for each term, page by page."""

    name = "brassring"
    family = "brassring"
    hosts = (DOMAIN,)
    page_size = PAGE_SIZE
    max_pages = MAX_PAGES
    # sjobs.brassring.com serves every BrassRing customer, and each page is a search on it.
    custom_settings: ClassVar[dict[str, Any]] = {"CONCURRENT_REQUESTS_PER_DOMAIN": 1, "DOWNLOAD_DELAY": 1.5}

    def requests_for(self, source: Source) -> Iterable[Any]:
        gateway = gateway_for(source.params)
        if gateway is None:
            raise ValueError("brassring sources need partnerid and siteid")
        if not (_NUMBER.match(gateway.partnerid) and _NUMBER.match(gateway.siteid)):
            raise ValueError("partnerid and siteid are the numbers in the gateway's careers URL")
        if not is_brassring_host(gateway.host):
            raise ValueError(f"host {gateway.host!r} is not a BrassRing host (sjobs.brassring.com)")
        fields = source.params.get("location_fields")
        if fields is not None and _location_fields({"location_fields": fields}) != fields:
            raise ValueError("location_fields must be a list of question names, e.g. [\"formtext12\"]")
        if hasattr(self, "crawler"):
            self.max_pages = self.settings.getint("BRASSRING_MAX_PAGES", MAX_PAGES)
        for term in dict.fromkeys(t.strip() for t in source.search or [""]):
            yield self._search(source, gateway, term, 1, None, ())

    def _search(
        self, source: Source, gateway: Gateway, term: str, number: int, order: str | None, last: tuple[str, ...]
    ) -> JsonRequest:
        return JsonRequest(
            gateway.search_url(),
            data=search_body(gateway, number, term),
            callback=self.parse_search_response,
            errback=self.errback,
            headers={"Accept": "application/json", "Referer": gateway.home_url()},
            dont_filter=True,
            meta={
                "source_id": source.id,
                "gateway": gateway,
                "term": term,
                "page": number,
                "order": order,
                "last": last,
            },
        )

    def parse_search_response(self, response: Any) -> Iterable[Any]:
        ctx = self.context(response)
        meta = response.meta
        term, number = meta["term"], meta["page"]
        try:
            page = parse_search(load_json(response.body, "BrassRing JSON"), ctx, meta["order"])
        except ParseError as exc:
            self.record_error(ctx.source_id, f"{exc} at {response.url} (search {term!r}, page {number})")
            return
        if page.ids and page.ids == meta["last"]:
            self.note_skips(ctx)
            self.record_error(
                ctx.source_id, f"search {term!r}: page {number} repeats page {number - 1}; list incomplete"
            )
            return
        yield from self.emit_fresh(response, ctx, page.postings)
        if self.next_offset(ctx, page, (number - 1) * PAGE_SIZE, number, term) is not None:
            source = self.state[ctx.source_id].source
            yield self._search(source, meta["gateway"], term, number + 1, page.order, page.ids)
