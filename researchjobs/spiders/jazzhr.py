"""JazzHR (formerly The Resumator): the ``applytojob.com`` board and each job's JSON-LD page.

Board: ``GET https://{company}.applytojob.com/apply/``, server-rendered HTML listing
every open job as ``li.list-group-item``: a heading link ``/apply/{id}/{slug}`` (its
text padded with whitespace) and ``li`` items after icons, the location after
``fa-map-marker``. The board has no dates, no descriptions and no paging.

Job pages, ``https://{company}.applytojob.com/apply/{id}/{slug}``, embed a schema.org
JobPosting (read with the ``jsonld`` family's parser): description, posting date,
employment type. A board page with no job links is an empty board only when it is
recognisably JazzHR's (its ``resumator`` markup); anything else is an error.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any, ClassVar

from parsel import Selector

from researchjobs.posting import Posting, canonical_url
from researchjobs.sources import Source
from researchjobs.spiders.base import ParseContext, ParseError
from researchjobs.spiders.jobpages import JobPagesSpider, html_selector, job_page_postings, squash
from researchjobs.spiders.links import absolute_url, host_of
from researchjobs.spiders.skips import check_not_all_skipped

_JOB_PATH = re.compile(r"/apply/(?P<id>[A-Za-z0-9]{4,40})/(?P<slug>[^/?#\s]+)")
_COMPANY = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$", re.I)
#: JazzHR's own markup (element ids and classes from its Resumator days).
_JAZZHR_MARK = re.compile(r"resumator|applytojob|jazzhr", re.I)


def board_url(company: str) -> str:
    if not _COMPANY.match(company):
        raise ValueError(f"company must be the applytojob.com subdomain, got {company!r}")
    return f"https://{company}.applytojob.com/apply/"


def job_id_from_url(url: str) -> str | None:
    match = _JOB_PATH.search(url)
    return match.group("id") if match else None


def parse_any(body: bytes, ctx: ParseContext) -> list[Posting]:
    """A board page (job links under ``/apply/``) or a job page (its JSON-LD JobPosting)."""
    selector = html_selector(body, "a JazzHR board or job page")
    if selector.xpath("//script[contains(@type, 'ld+json')]"):
        return job_page_postings(body, ctx, job_id_from_url)
    return read_board(selector, ctx)


def read_board(selector: Selector, ctx: ParseContext) -> list[Posting]:
    base = ctx.url or (board_url(ctx.params["company"]) if ctx.params.get("company") else None)
    rows = [(item, item.css(".list-group-item-heading a") or item.css("a")) for item in selector.css("li.list-group-item")]
    rows = [(item, links[0]) for item, links in rows if links]
    if not rows:  # another theme: any link shaped like a job, with its own text
        rows = [(link, link) for link in selector.xpath("//a[contains(@href, '/apply/')]")]
    postings: list[Posting] = []
    seen: set[str] = set()
    before = len(ctx.warnings)
    for index, (item, link) in enumerate(rows, 1):
        href = link.attrib.get("href", "")
        match = _JOB_PATH.search(href)
        if not match or match.group("id").lower() in ("confirm", "jobs", "apply"):
            continue
        title = squash(link.xpath("string()").get())
        if not title:
            ctx.warnings.append(f"job link {index} ({href[:80]}) has no title: skipped")
            continue
        job_id = match.group("id")
        if job_id in seen:
            continue
        seen.add(job_id)
        url = absolute_url(href, base)
        if url is None:
            ctx.warnings.append(f"job {job_id} has a relative link and the board URL is unknown: skipped")
            continue
        if not _on_board(url, base):
            continue  # a link to another site that happens to contain /apply/
        postings.append(
            Posting(
                source_family=ctx.family or "jazzhr",
                source_id=ctx.source_id,
                source_job_id=job_id,
                title=title,
                url=canonical_url(url) or url,
                employer=ctx.employer,
                employer_type=ctx.employer_type,
                department=_after_icon(item, "fa-sitemap"),
                location_raw=_after_icon(item, "fa-map-marker"),
                apply_url=url,
                crawled_at=ctx.crawled_at,
            )
        )
    check_not_all_skipped(ctx, before, len(postings))
    if not postings and not seen and not _JAZZHR_MARK.search(selector.get() or ""):
        raise ParseError("no job links and no JazzHR markup: not a JazzHR board page")
    return postings


def _on_board(url: str, base: str | None) -> bool:
    """Job links stay on JazzHR: the board's own host, or another ``applytojob.com`` one."""
    host = host_of(url)
    return host == host_of(base) or host.endswith(".applytojob.com")


def _after_icon(item: Selector, icon: str) -> str | None:
    """The text of the list item that carries icon ``fa-...`` (JazzHR's field labels)."""
    found = item.xpath(f".//li[.//i[contains(concat(' ', normalize-space(@class), ' '), ' {icon} ')]]")
    return squash(found[0].xpath("string()").get()) if found else None


class JazzhrSpider(JobPagesSpider):
    """The board page, then each job's JSON-LD page."""

    name = "jazzhr"
    family = "jazzhr"
    custom_settings: ClassVar[dict[str, Any]] = {"CONCURRENT_REQUESTS_PER_DOMAIN": 1, "DOWNLOAD_DELAY": 1.0}

    def list_requests(self, source: Source) -> Iterable[Any]:
        yield self.request(board_url(source.params["company"]), source, self.parse_list_response)

    def read_list(self, body: bytes, ctx: ParseContext) -> list[Posting]:
        return read_board(html_selector(body, "a JazzHR board page"), ctx)
