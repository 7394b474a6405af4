"""Jobvite hosted career sites: ``jobs.jobvite.com/{company}`` job lists and job pages.

Jobvite has no public JSON API; its hosted pages are server-rendered HTML. A job list
carries one row per job: a ``jv-job-list-name`` link to ``/{company}/job/{id}`` and a
``jv-job-list-location`` cell whose text spreads over padded lines. Two layouts exist:
``ul.jv-job-list > li.job`` rows (the ``/jobs`` page of some themes) and table rows
(``td.jv-job-list-name``). Neither has dates or descriptions.

The crawl reads the paged search list, ``/{company}/search?p=0`` (with ``q=TERM`` for
each of the entry's search terms): 50 rows a page,
``1-50 of 266`` in ``.jv-pagination-text`` and an ``a.jv-pagination-next`` link on every
page but the last, which is followed as given. Public crawler code reports that the
``/{company}/jobs`` page groups jobs by category and hides long categories behind
"Show More", so it is parsed (``researchjobs parse``) but not crawled.

Job pages, ``/{company}/job/{id}``, carry a JSON-LD JobPosting where the site has one
(``datePosted`` is date-only) and the description in ``.jv-job-detail-description``.
An unknown company is redirected to Jobvite's own search site; a list page without
job rows is an empty board only when it says "No results found" or shows an empty
list, otherwise the layout has changed and that is an error.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, ClassVar
from urllib.parse import urlencode, urlsplit

from parsel import Selector

from researchjobs.posting import Posting, canonical_url
from researchjobs.sources import Source
from researchjobs.spiders.base import ParseContext, ParseError
from researchjobs.spiders.jobpages import JobPagesSpider, html_selector, job_page_postings, squash
from researchjobs.spiders.links import absolute_url, host_of
from researchjobs.spiders.skips import check_not_all_skipped

HOST = "jobs.jobvite.com"
#: List pages followed per source; a longer board makes the crawl partial.
MAX_PAGES = 40

_COMPANY = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]{0,99}$")
_JOB_PATH = re.compile(r"/job/(?P<id>[A-Za-z0-9]{4,20})(?:[/?#]|$)")
_RANGE = re.compile(r"(\d[\d,]*)\s*[-–]\s*(\d[\d,]*)\s+of\s+(\d[\d,]*)", re.I)
_CAREERS_TITLE = re.compile(r"^(?P<name>.+?)\s+Careers?$", re.I)
_EMPTY = re.compile(r"no results found|no (?:current )?(?:job )?openings|no open (?:jobs|positions)", re.I)


def _has_class(name: str) -> str:
    return f"contains(concat(' ', normalize-space(@class), ' '), ' {name} ')"


_ROW_LINKS = f"//a[{_has_class('jv-job-list-name')}] | //*[not(self::a) and {_has_class('jv-job-list-name')}]//a"


def list_url(company: str, page: int = 0, term: str | None = None) -> str:
    """The search list's page ``page`` (from 0), for all jobs or those matching ``term``."""
    if not _COMPANY.match(company):
        raise ValueError(f"company must be the jobs.jobvite.com path name, got {company!r}")
    query = urlencode({"q": term, "p": page} if term else {"p": page})
    return f"https://{HOST}/{company}/search?{query}"


def job_id_from_url(url: str) -> str | None:
    match = _JOB_PATH.search(urlsplit(url).path)
    return match.group("id") if match else None


@dataclass
class ListPage:
    postings: list[Posting] = field(default_factory=list)
    total: int | None = None
    next_url: str | None = None
    empty: bool = False
    rows: int = 0  # job rows on the page, readable or not (what the board's total counts)


def parse_any(body: bytes, ctx: ParseContext) -> list[Posting]:
    """A job list (hosted ``/jobs`` or ``/search`` page) or a job page (JSON-LD, description)."""
    selector = html_selector(body, "a Jobvite page")
    if not selector.xpath(_ROW_LINKS) and selector.xpath("//script[contains(@type, 'ld+json')]"):
        return job_page_postings(body, ctx, job_id_from_url, job_page_description)
    return read_list_page(selector, ctx).postings


def read_list_page(selector: Selector, ctx: ParseContext) -> ListPage:
    page_url = ctx.url or (list_url(ctx.params["company"]) if ctx.params.get("company") else f"https://{HOST}/")
    employer = ctx.employer or _employer(selector)
    page = ListPage(total=_total(selector))
    seen: set[str] = set()
    links = selector.xpath(_ROW_LINKS)
    page.rows = len(links)
    before = len(ctx.warnings)
    for index, link in enumerate(links, 1):
        href = link.attrib.get("href", "")
        url = absolute_url(href, page_url)
        job_id = job_id_from_url(url) if url else None
        title = squash(link.xpath("string()").get())
        if not job_id or not title:
            ctx.warnings.append(f"row {index}: no job id in {href[:80]!r} or no title: skipped")
            continue
        if job_id in seen:
            continue
        seen.add(job_id)
        row = link.xpath("ancestor::*[self::li or self::tr][1]")
        place = row[0].xpath(f".//*[{_has_class('jv-job-list-location')}]") if row else []
        page.postings.append(
            Posting(
                source_family=ctx.family or "jobvite",
                source_id=ctx.source_id,
                source_job_id=job_id,
                title=title,
                url=canonical_url(url) or url,
                employer=employer,
                employer_type=ctx.employer_type,
                location_raw=squash(place[0].xpath("string()").get()) if place else None,
                apply_url=url,
                crawled_at=ctx.crawled_at,
            )
        )
    check_not_all_skipped(ctx, before, len(page.postings))
    next_href = selector.xpath(f"//a[{_has_class('jv-pagination-next')}]/@href").get()
    page.next_url = absolute_url(next_href, page_url)
    if not links:
        listed = selector.xpath(f"//*[{_has_class('jv-job-list')}]")
        page.empty = bool(listed) or bool(_EMPTY.search(squash(selector.xpath("string(//body)").get()) or ""))
        if not page.empty:
            raise ParseError("no job rows (jv-job-list-name) and no 'No results found': not a Jobvite job list")
    return page


def _total(selector: Selector) -> int | None:
    text = squash(selector.xpath(f"string(//*[{_has_class('jv-pagination-text')}])").get()) or ""
    match = _RANGE.search(text)
    return int(match.group(3).replace(",", "")) if match else None


def _employer(selector: Selector) -> str | None:
    """``<title>NeoGenomics Careers</title>`` names the company; other titles are not guessed at."""
    match = _CAREERS_TITLE.match(squash(selector.xpath("string(//title)").get()) or "")
    return match.group("name") if match else None


def job_page_description(selector: Selector) -> str | None:
    return selector.css(".jv-job-detail-description").get()


def _search(term: str | None) -> str:
    return f"search {term!r}" if term else "the board's list"


class JobviteSpider(JobPagesSpider):
    """The paged search list (following its own next links), then each job's page."""

    name = "jobvite"
    family = "jobvite"
    description_reader = job_page_description
    # Every Jobvite board is on one host.
    custom_settings: ClassVar[dict[str, Any]] = {"CONCURRENT_REQUESTS_PER_DOMAIN": 1, "DOWNLOAD_DELAY": 1.0}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._chain_ids: dict[tuple[str, str | None], set[str]] = {}

    def list_requests(self, source: Source) -> Iterable[Any]:
        """One paged search per term (``?q=``), or one over the whole board."""
        terms = [t.strip() for t in source.search if t.strip()] or [None]
        for term in dict.fromkeys(terms):
            url = list_url(source.params["company"], 0, term)
            yield self.request(url, source, self.parse_list_response, meta={"page": 1, "term": term})

    def parse_list_response(self, response: Any) -> Iterable[Any]:
        ctx = self.context(response)
        state = self.state[ctx.source_id]
        number, term = response.meta["page"], response.meta["term"]
        try:
            page = read_list_page(html_selector(response.body, "a Jobvite job list"), ctx)
        except ParseError as exc:
            self.record_error(ctx.source_id, f"{exc} at {response.url}")
            return
        chain = self._chain_ids.setdefault((ctx.source_id, term), set())
        new_here = [p for p in page.postings if p.source_job_id not in chain]
        chain.update(p.source_job_id for p in new_here)
        if number > 1 and page.postings and not new_here:
            self.record_error(ctx.source_id, f"list page {number} repeats earlier jobs at {response.url}; paging stopped")
            return
        listed = response.meta.get("listed", 0) + page.rows
        yield from self.follow_job_pages(response, page.postings, ctx)
        if page.next_url and host_of(page.next_url) == host_of(response.url):
            if number >= MAX_PAGES:
                self.record_error(ctx.source_id, f"stopped {_search(term)} after {MAX_PAGES} list pages; board incomplete")
                return
            meta = {"page": number + 1, "listed": listed, "term": term}
            yield self.request(page.next_url, state.source, self.parse_list_response, meta=meta)
        elif page.total is not None and listed < page.total:
            self.record_error(
                ctx.source_id,
                f"{_search(term)}: the board says {page.total} jobs but its pages listed {listed}; board incomplete",
            )
