"""Teamtailor career sites: the public JSON Feed at ``{career site}/jobs.json``.

The feed is JSON Feed 1.1 (``version`` ``https://jsonfeed.org/version/1.1``): ``items[]``
with ``id`` (a UUID), ``title``, ``url`` (``/jobs/{number}-{slug}``), ``date_published``
(ISO with offset), the JSON Feed text fields (``content_html``, ``content_text``,
``summary``) when present, and Teamtailor's extension ``_jobposting``: a schema.org
JobPosting with ``identifier.value`` (the job number, an integer), ``datePosted`` and
``jobLocation[]`` (non-ASCII places such as "København"). The JobPosting is read with
the ``jsonld`` family's parser; the item's own fields win where both say something.

Paging is JSON Feed's: a ``next_url`` on the career site's host is followed, up to a
cap that, when it bites, marks the crawl incomplete. The career site is
``{company}.teamtailor.com`` or the employer's own domain (registry ``url``).
"""

from __future__ import annotations

import dataclasses
import html
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from researchjobs.posting import Posting, canonical_url
from researchjobs.sources import Source, check_public_url
from researchjobs.spiders.base import ParseContext, ParseError, SourceSpider, load_json
from researchjobs.spiders.jsonld import posting_from_jsonld
from researchjobs.spiders.links import absolute_url, host_of
from researchjobs.spiders.skips import check_not_all_skipped
from researchjobs.spiders.values import as_dict, as_id, as_list, as_text

#: Feed pages followed per source; more make the crawl partial.
MAX_PAGES = 50


def feed_url(site: str) -> str:
    """``https://host/jobs.json`` for a career-site URL (any page of it, or the feed itself)."""
    parts = urlsplit(site)
    path = parts.path if parts.path.endswith("/jobs.json") else "/jobs.json"
    return urlunsplit((parts.scheme or "https", parts.netloc, path, "", ""))


@dataclass
class FeedPage:
    postings: list[Posting] = field(default_factory=list)
    next_url: str | None = None


def parse_any(body: bytes, ctx: ParseContext) -> list[Posting]:
    """One page of the ``jobs.json`` JSON Feed."""
    return read_feed(body, ctx).postings


def read_feed(body: bytes, ctx: ParseContext) -> FeedPage:
    data = load_json(body, "Teamtailor JSON Feed")
    if not isinstance(data, dict) or not isinstance(data.get("items", None), list):
        version = as_text(data.get("version")) if isinstance(data, dict) else None
        if version and "jsonfeed.org" in version:
            raise ParseError("JSON Feed without an items list")
        raise ParseError("not a JSON Feed: expected an object with 'version' and 'items'")
    base = ctx.url or as_text(data.get("feed_url")) or as_text(data.get("home_page_url"))
    page = FeedPage(next_url=absolute_url(as_text(data.get("next_url")), base))
    site_name = as_text(data.get("title"))
    before = len(ctx.warnings)
    for index, item in enumerate(data["items"]):
        if not isinstance(item, dict):
            ctx.warnings.append(f"items[{index}] is not an object: skipped")
            continue
        try:
            page.postings.append(posting_from_item(item, ctx, base, site_name))
        except ParseError as exc:
            ctx.warnings.append(f"items[{index}]: {exc}: skipped")
        except RecursionError:
            ctx.warnings.append(f"items[{index}]: nested too deeply: skipped")
    check_not_all_skipped(ctx, before, len(page.postings))
    return page


def posting_from_item(
    item: dict[str, Any], ctx: ParseContext, base: str | None, site_name: str | None = None
) -> Posting:
    node = as_dict(item.get("_jobposting"))
    identifier = as_dict(node.get("identifier"))
    job_id = as_id(item.get("id")) or as_id(identifier.get("value"))
    title = as_text(item.get("title")) or as_text(node.get("title"))
    url = absolute_url(as_text(item.get("url")) or as_text(item.get("external_url")), base)
    if not job_id or not title:
        raise ParseError("no id or no title")
    if not url:
        raise ParseError(f"job {job_id} has no absolute url")
    posting = posting_from_jsonld({**node, "title": title, "url": url}, ctx, page_url=url)
    content = as_text(item.get("content_html"))
    if not content and as_text(item.get("content_text")):
        content = f"<p>{html.escape(str(item['content_text']))}</p>"
    number = as_id(identifier.get("value"))
    extra = dict(posting.extra)
    tags = [t for t in (as_text(x) for x in as_list(item.get("tags"))) if t]
    if tags:
        extra["tags"] = tags
    return dataclasses.replace(
        posting,
        source_family=ctx.family or "teamtailor",
        source_job_id=job_id,
        url=canonical_url(url) or url,
        requisition_id=number or posting.requisition_id,
        date_published_raw=as_text(item.get("date_published")) or posting.date_published_raw,
        date_updated_raw=as_text(item.get("date_modified")) or posting.date_updated_raw,
        description_html_raw=content or posting.description_html_raw or _summary(item),
        employer=ctx.employer or posting.employer or site_name,
        apply_url=url,
        extra=extra,
    )


def _summary(item: dict[str, Any]) -> str | None:
    summary = as_text(item.get("summary"))
    return f"<p>{html.escape(summary)}</p>" if summary else None


class TeamtailorSpider(SourceSpider):
    """The career site's ``jobs.json``, following ``next_url`` on the same host."""

    name = "teamtailor"
    family = "teamtailor"

    def requests_for(self, source: Source) -> Iterable[Any]:
        yield self.request(feed_url(source.params["url"]), source, self.parse_feed_response, meta={"page": 1})

    def parse_feed_response(self, response: Any) -> Iterable[Any]:
        ctx = self.context(response)
        state = self.state[ctx.source_id]
        try:
            page = read_feed(response.body, ctx)
        except ParseError as exc:
            self.record_error(ctx.source_id, f"{exc} at {response.url}")
            return
        fresh = [p for p in page.postings if p.source_job_id not in state.seen_ids]
        state.seen_ids.update(p.source_job_id for p in fresh)
        yield from self.emit(response, fresh, ctx)
        following = page.next_url
        if not following:
            return
        number = response.meta["page"]
        if host_of(following) != host_of(response.url):
            self.record_error(ctx.source_id, f"next_url {following} leaves the career site; feed incomplete")
            return
        if page.postings and not fresh:
            self.record_error(ctx.source_id, f"feed page {number + 1} would repeat page {number}; paging stopped")
            return
        if number >= MAX_PAGES:
            self.record_error(ctx.source_id, f"stopped after {MAX_PAGES} feed pages; feed incomplete")
            return
        try:
            check_public_url(following, "next_url")
        except ValueError as exc:
            self.record_error(ctx.source_id, f"{exc}; feed incomplete")
            return
        yield self.request(following, state.source, self.parse_feed_response, meta={"page": number + 1})
