"""Paylocity Recruiting: the board page's ``window.pageData`` and each job's own page.

Board: ``GET https://recruiting.paylocity.com/recruiting/jobs/All/{company GUID}`` (a
name segment after the GUID is cosmetic). The page server-renders every open job into
one ``window.pageData = {...};`` script: ``Jobs[]`` with ``JobId``, ``JobTitle``,
``LocationName`` (empty when ``ShouldDisplayLocation`` is false), ``PublishedDate``,
a cut ``Description``, ``HiringDepartment``, ``JobLocation{City, State, Zip, Country}``
and ``IsRemote``; board fields such as ``ModuleTitle`` (the employer's name). There is
no paging: the board is one page.

Job pages, ``https://recruiting.paylocity.com/Recruiting/Jobs/Details/{JobId}``, carry
the full description: JSON-LD where present (the ``jsonld`` family's parser), else the
page's ``job-listing-header`` sections. Jobs marked ``IsInternal`` are left out.

All Paylocity boards share one host, so the family keeps one request at a time there.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, ClassVar

from parsel import Selector

from researchjobs.posting import Posting
from researchjobs.sources import Source
from researchjobs.spiders.base import ParseContext, ParseError
from researchjobs.spiders.jobpages import JobPagesSpider, job_page_postings, squash
from researchjobs.spiders.jsonld import decode_html
from researchjobs.spiders.scripts import assigned_objects
from researchjobs.spiders.skips import check_not_all_skipped
from researchjobs.spiders.values import as_dict, as_id, as_text

HOST = "recruiting.paylocity.com"
GUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")

_PAGE_DATA = re.compile(r"\bwindow\.pageData\s*=\s*|\bpageData\s*=\s*")
_DETAIL_ID = re.compile(r"/recruiting/jobs/details/(\d+)", re.I)


def board_url(company: str) -> str:
    if not GUID.match(company):
        raise ValueError(f"company must be the board's GUID (8-4-4-4-12 hex digits), got {company!r}")
    return f"https://{HOST}/recruiting/jobs/All/{company}"


def job_url(job_id: str) -> str:
    return f"https://{HOST}/Recruiting/Jobs/Details/{job_id}"


def job_id_from_url(url: str) -> str | None:
    match = _DETAIL_ID.search(url)
    return match.group(1) if match else None


@dataclass
class Board:
    postings: list[Posting] = field(default_factory=list)
    employer: str | None = None
    internal: int = 0


def parse_any(body: bytes, ctx: ParseContext) -> list[Posting]:
    """A board page (``pageData.Jobs``) or a job page (its JSON-LD JobPosting)."""
    text = decode_html(body)
    if not text.strip():
        raise ParseError("empty response, expected a Paylocity board or job page")
    if _PAGE_DATA.search(text):
        board = _board_data(text)
        if board is not None:
            return read_board_data(board, ctx).postings
    return job_page_postings(body, ctx, job_id_from_url, job_page_description)


def read_board(body: bytes, ctx: ParseContext) -> Board:
    board = _board_data(decode_html(body))
    if board is None:
        raise ParseError("window.pageData has no Jobs list: not a Paylocity board page (a job page?)")
    return read_board_data(board, ctx)


def _board_data(text: str) -> dict[str, Any] | None:
    """The first ``window.pageData`` object with a ``Jobs`` key (job pages have pageData too)."""
    return next((d for d in assigned_objects(text, _PAGE_DATA, "window.pageData") if "Jobs" in d), None)


def read_board_data(data: dict[str, Any], ctx: ParseContext) -> Board:
    jobs = data.get("Jobs")
    if jobs is None:
        jobs = []
    if not isinstance(jobs, list):
        raise ParseError("window.pageData.Jobs is not a list")
    board = Board(employer=as_text(data.get("ModuleTitle")))
    before = len(ctx.warnings)
    for index, job in enumerate(jobs):
        if not isinstance(job, dict):
            ctx.warnings.append(f"Jobs[{index}] is not an object: skipped")
            continue
        if job.get("IsInternal") is True:
            board.internal += 1
            continue
        try:
            board.postings.append(posting_from_job(job, ctx, board.employer))
        except ParseError as exc:
            ctx.warnings.append(f"Jobs[{index}]: {exc}: skipped")
    check_not_all_skipped(ctx, before, len(board.postings))
    return board


def posting_from_job(job: dict[str, Any], ctx: ParseContext, employer: str | None = None) -> Posting:
    job_id = as_id(job.get("JobId"))
    title = as_text(job.get("JobTitle"))
    if not job_id or not title:
        raise ParseError(f"no JobId or JobTitle ({str(job)[:100]})")
    place = as_dict(job.get("JobLocation"))
    shown = as_text(job.get("LocationName")) if job.get("ShouldDisplayLocation") is not False else None
    url = job_url(job_id)
    teaser = as_text(job.get("Description"))
    extra: dict[str, Any] = {}
    if teaser:
        extra["description_is_teaser"] = True
    if as_text(place.get("Address")):
        extra["street_address"] = as_text(place.get("Address"))
    return Posting(
        source_family=ctx.family or "paylocity",
        source_id=ctx.source_id,
        source_job_id=job_id,
        title=" ".join(html.unescape(title).split()),
        url=url,
        employer=ctx.employer or employer,
        employer_type=ctx.employer_type,
        department=as_text(job.get("HiringDepartment")) or as_text(as_dict(job.get("HiringDepartment")).get("Name")),
        location_raw=shown or _place_text(place),
        country_raw=as_text(place.get("Country")),
        workplace_raw="Remote" if job.get("IsRemote") is True else None,
        date_published_raw=as_text(job.get("PublishedDate")),
        description_html_raw=f"<p>{html.escape(teaser)}</p>" if teaser else None,
        apply_url=url,
        crawled_at=ctx.crawled_at,
        extra=extra,
    )


def _place_text(place: dict[str, Any]) -> str | None:
    """``City, ST 12345, USA`` from ``JobLocation``, or its ``Name``."""
    city, state, postal = as_text(place.get("City")), as_text(place.get("State")), as_text(place.get("Zip"))
    region = " ".join(p for p in (state, postal) if p) or None
    country = as_text(place.get("Country"))
    if city or region:
        return ", ".join(p for p in (city, region, country) if p)
    return as_text(place.get("Name")) or country


def job_page_description(selector: Selector) -> str | None:
    """The job page's own sections (``job-listing-header`` titles, each followed by its text)."""
    parts: list[str] = []
    for header in selector.css(".job-listing-header"):
        name = squash(header.xpath("string()").get())
        body = header.xpath("following-sibling::*[1]").get()
        if name and body:
            parts.append(f"<h3>{html.escape(name)}</h3>{body}")
    if parts:
        return "\n".join(parts)
    return selector.css(".job-preview-details").get()


class PaylocitySpider(JobPagesSpider):
    """The board page, then each job's page."""

    name = "paylocity"
    family = "paylocity"
    description_reader = job_page_description
    # One host serves every Paylocity employer: one request at a time, a second apart.
    custom_settings: ClassVar[dict[str, Any]] = {"CONCURRENT_REQUESTS_PER_DOMAIN": 1, "DOWNLOAD_DELAY": 1.0}

    def list_requests(self, source: Source) -> Iterable[Any]:
        yield self.request(board_url(source.params["company"]), source, self.parse_list_response)

    def read_list(self, body: bytes, ctx: ParseContext) -> list[Posting]:
        return read_board(body, ctx).postings
