"""Boards that list jobs briefly and describe each one on its own page, in JSON-LD.

Paylocity, JazzHR and Jobvite boards give a job's id, title and place; the description,
the posting date and the employment type are on the job's own page, mostly as
schema.org JSON-LD (read by the ``jsonld`` family's parser). The list entry keeps the
posting's identity (family, id, URL); the job page fills in everything else.

A job page that fails (HTTP error, broken JSON-LD) never loses the job: the list entry
is emitted and the error recorded, so the run is partial and closes nothing. A page
without any JobPosting (Jobvite's "JSON-LD where present") keeps the list entry with a
warning. Job pages are capped per source; beyond the cap the list entries are stored
as they are, with a warning. Registry entries may set ``max_job_pages`` (the cap) or
``job_pages = false`` (no job pages at all).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable
from typing import Any, ClassVar

from lxml import etree
from parsel import Selector

from researchjobs.posting import Posting
from researchjobs.sources import Source
from researchjobs.spiders.base import ParseContext, ParseError, SourceSpider, describe_failure
from researchjobs.spiders.jsonld import decode_html, read_page

#: Job pages fetched per source and crawl (``max_job_pages`` overrides); more jobs keep their
#: list entries only.
MAX_JOB_PAGES = 300

#: Reads a description (HTML) from a job page that has no usable JSON-LD one.
DescriptionReader = Callable[[Selector], str | None]


def html_selector(body: bytes, what: str) -> Selector:
    """The page as a parsel Selector; an empty or undecodable body is a ParseError."""
    text = decode_html(body)
    if not text.strip():
        raise ParseError(f"empty response, expected {what}")
    try:
        return Selector(text=text, type="html")
    except (ValueError, etree.LxmlError) as exc:
        raise ParseError(f"not an HTML page: {exc}") from None


def squash(text: str | None) -> str | None:
    """Whitespace runs as single spaces; None when nothing is left."""
    if not text:
        return None
    return " ".join(text.split()) or None


def merge(listed: Posting, found: Posting) -> Posting:
    """The job page's fields over the list entry's, keeping the list entry's identity and
    employer (the registry's name, so a job whose page failed is filed under the same one)."""
    values: dict[str, Any] = {}
    for spec in dataclasses.fields(Posting):
        mine, theirs = getattr(found, spec.name), getattr(listed, spec.name)
        values[spec.name] = mine if mine not in (None, "", [], {}) else theirs
    values.update(
        source_family=listed.source_family,
        source_id=listed.source_id,
        source_job_id=listed.source_job_id,
        url=listed.url,
        employer=listed.employer or found.employer,
        extra={**listed.extra, **found.extra},
    )
    return Posting(**values)


def read_job_page(
    body: bytes, ctx: ParseContext, listed: Posting, description: DescriptionReader | None = None
) -> Posting:
    """The list entry completed from its job page.

    No JobPosting on the page: the family's own description reader is tried, else the
    list entry is kept with a warning. Only broken JSON-LD with nothing usable beside
    it is an error (the posting may have been in the broken block).
    """
    page = read_page(body, ctx)
    assert page.selector is not None
    if page.postings:
        posting = merge(listed, page.postings[0])
        if not posting.description_html_raw and description is not None:
            posting.description_html_raw = description(page.selector)
        return posting
    text = description(page.selector) if description is not None else None
    if text:
        return dataclasses.replace(listed, description_html_raw=text)
    if page.broken:
        raise ParseError("; ".join(page.broken))
    ctx.warnings.append(f"job {listed.source_job_id}: no JobPosting on its page; kept the list entry")
    return listed


def job_page_postings(
    body: bytes,
    ctx: ParseContext,
    job_id: Callable[[str], str | None],
    description: DescriptionReader | None = None,
) -> list[Posting]:
    """A saved job page on its own (``researchjobs parse``): its JSON-LD postings, each
    keyed by the family's job id read from the posting's URL (or the page's)."""
    page = read_page(body, ctx)
    if page.broken and not page.postings:
        raise ParseError("; ".join(page.broken))
    if not page.postings:
        raise ParseError("no JobPosting JSON-LD on the page and no job list: not a job page of this family")
    assert page.selector is not None
    postings = []
    for posting in page.postings:
        found = next((i for u in (posting.url, page.canonical, ctx.url) if u and (i := job_id(u))), None)
        if found:
            posting = dataclasses.replace(posting, source_job_id=found)
        if not posting.description_html_raw and description is not None:
            posting.description_html_raw = description(page.selector)
        postings.append(posting)
    return postings


def wants_job_pages(source: Source) -> bool:
    value = source.params.get("job_pages", True)
    if not isinstance(value, bool):
        raise ValueError("job_pages must be true or false")
    return value


def job_page_cap(source: Source) -> int:
    """``max_job_pages`` from the entry (a positive integer), else ``MAX_JOB_PAGES``."""
    value = source.params.get("max_job_pages", MAX_JOB_PAGES)
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError("max_job_pages must be a positive whole number")
    return value


class JobPagesSpider(SourceSpider):
    """A family spider whose list answers are completed from each job's page."""

    #: The family's reader for a description outside JSON-LD, if its pages have one.
    description_reader: ClassVar[DescriptionReader | None] = None

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._job_pages: dict[str, int] = {}

    def requests_for(self, source: Source) -> Iterable[Any]:
        wants_job_pages(source)  # a bad key fails this source now, not mid-crawl
        job_page_cap(source)
        yield from self.list_requests(source)

    def list_requests(self, source: Source) -> Iterable[Any]:
        """The family's first list request(s) for ``source``."""
        raise NotImplementedError

    def read_list(self, body: bytes, ctx: ParseContext) -> list[Posting]:
        """The family's list answer as Postings (ParseError when it is not one)."""
        raise NotImplementedError

    def parse_list_response(self, response: Any) -> Iterable[Any]:
        ctx = self.context(response)
        try:
            listed = self.read_list(response.body, ctx)
        except ParseError as exc:
            self.record_error(ctx.source_id, f"{exc} at {response.url}")
            return
        yield from self.follow_job_pages(response, listed, ctx)

    def follow_job_pages(self, response: Any, listed: list[Posting], ctx: ParseContext) -> Iterable[Any]:
        """Emit (or request the pages of) the jobs not yet seen in this crawl."""
        state = self.state[ctx.source_id]
        fresh = [p for p in listed if p.source_job_id not in state.seen_ids]
        state.seen_ids.update(p.source_job_id for p in fresh)
        if not wants_job_pages(state.source):
            yield from self.emit(response, fresh, ctx)
            return
        cap = job_page_cap(state.source)
        done = self._job_pages.get(ctx.source_id, 0)
        room = max(0, cap - done)
        self._job_pages[ctx.source_id] = done + min(room, len(fresh))
        for posting in fresh[:room]:
            yield self.request(
                self.job_page_url(posting),
                state.source,
                self.parse_job_page_response,
                errback=self.job_page_errback,
                meta={"listed": posting},
            )
        rest = fresh[room:]
        if rest:
            ctx.warnings.append(
                f"{len(rest)} jobs past the cap of {cap} job pages kept their list entries only"
            )
        yield from self.emit(response, rest, ctx)

    def job_page_url(self, listed: Posting) -> str:
        return listed.url

    def parse_job_page_response(self, response: Any) -> Iterable[Posting]:
        ctx = self.context(response)
        listed: Posting = response.meta["listed"]
        try:
            posting = read_job_page(response.body, ctx, listed, type(self).description_reader)
        except ParseError as exc:
            self.record_error(ctx.source_id, f"job page: {exc} at {response.url}; kept the list entry")
            posting = listed
        yield from self.emit(response, [posting], ctx)

    def job_page_errback(self, failure: Any) -> Iterable[Posting]:
        request = failure.request
        message, _ = describe_failure(failure)
        self.record_error(request.meta["source_id"], f"job page: {message}; kept the list entry")
        yield from self.emit(request, [request.meta["listed"]])
