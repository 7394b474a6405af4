"""What the small-business JSON boards share: one list per board, jobs read one at a time.

BambooHR, Workable, Breezy, Recruitee, Pinpoint and Rippling each answer one GET (or a
short chain of them) with every published job of a board. Three habits are common
enough to live here rather than in six modules:

- a job that cannot be read (not an object, no id, no title) is skipped with a warning
  and the rest of the board is kept; but a board where *no* job can be read is a
  ``ParseError``, because storing it as empty would close every posting it had;
- some systems list a job once per location (Rippling, Workable's widget): the copies
  are one posting, with every location kept;
- a list entry completed by a detail request keeps what the list said whenever the
  detail is silent, and a failed detail costs the text, never the posting.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, ClassVar
from urllib.parse import urlsplit

import scrapy

from researchjobs.posting import Posting
from researchjobs.sources import Source
from researchjobs.spiders.base import ParseContext, ParseError, SourceSpider, load_json, text_or_none

JobReader = Callable[[dict[str, Any], ParseContext], Posting | None]


def read_jobs(items: list[Any], ctx: ParseContext, read_one: JobReader, where: str) -> list[Posting]:
    """Every readable job of ``items``; unreadable ones become one-line warnings in ``ctx``.

    ``read_one`` raises ``ParseError`` for a job it cannot read and returns None for one
    the board does not publish (internal, unlisted); only the former is a warning.
    """
    postings: list[Posting] = []
    skipped = 0
    for index, item in enumerate(items):
        if not isinstance(item, dict):
            ctx.warnings.append(f"{where}[{index}] skipped: not an object ({type(item).__name__})")
            skipped += 1
            continue
        try:
            posting = read_one(item, ctx)
        except ParseError as exc:
            ctx.warnings.append(f"{where}[{index}] skipped: {exc}"[:300])
            skipped += 1
            continue
        if posting is not None:
            postings.append(posting)
    if items and skipped == len(items):
        raise ParseError(f"none of the {len(items)} entries in {where} could be read: {ctx.warnings[-1]}")
    return merge_copies(postings)


def merge_copies(postings: Iterable[Posting]) -> list[Posting]:
    """One posting per job id, in first-seen order, with the locations of every copy."""
    merged: dict[str, Posting] = {}
    for posting in postings:
        first = merged.get(posting.source_job_id)
        if first is None:
            merged[posting.source_job_id] = posting
            continue
        first.locations_raw = union(first.locations_raw, posting.locations_raw)
        if first.location_raw is None:
            first.location_raw = posting.location_raw
    return list(merged.values())


def merge(listed: Posting, detail: Posting) -> Posting:
    """The detail wins field by field; what it lacks the list keeps, and locations add up."""
    merged = Posting(**listed.to_dict())
    for name, value in detail.to_dict().items():
        if name == "extra":
            merged.extra = {**listed.extra, **detail.extra}
        elif name == "locations_raw":
            merged.locations_raw = union(detail.locations_raw, listed.locations_raw)
        elif value not in (None, "", [], {}):
            setattr(merged, name, value)
    return merged


def union(first: list[str], second: list[str]) -> list[str]:
    return list(dict.fromkeys([*first, *second]))


def place(*parts: Any) -> str | None:
    """``City, Region, Country`` from whatever parts are text, without repeats."""
    seen: list[str] = []
    for part in parts:
        text = text_or_none(part) if isinstance(part, str) else None
        if text and text.lower() not in (s.lower() for s in seen):
            seen.append(text)
    return ", ".join(seen) or None


def board_name(ctx: ParseContext, param: str, host_suffix: str, job_url: str | None = None) -> str:
    """The registry's identifier, else the subdomain of the URL answered or of the job's page,
    else the source id.

    A saved file parsed with ``researchjobs parse`` has no registry entry, so the URL it
    came from (``--url``), the job's own link, or the file's name stands in.
    """
    value = ctx.params.get(param)
    if isinstance(value, str) and value.strip():
        return value.strip()
    for url in (ctx.url, job_url):
        try:
            host = (urlsplit(url).hostname or "").lower() if url else ""
        except ValueError:
            host = ""
        if host.endswith(host_suffix) and len(host) > len(host_suffix):
            return host[: -len(host_suffix)]
    return ctx.source_id.split(":", 1)[-1]


class BoardSpider(SourceSpider):
    """One GET per board for its whole list; subclasses say where it is and how to read it.

    Families whose list lacks the text (BambooHR, Rippling) also set ``detail_url_for``:
    each listed job is then completed by its detail, unless the source's entry says
    ``details = false``.
    """

    #: The registry param that names the board (``company``, ``board``).
    param: ClassVar[str] = "company"
    #: What the answer is, for error messages ("Breezy JSON").
    what: ClassVar[str] = "JSON"
    #: ``(board, job id) -> URL`` of a job's detail, for families that fetch one.
    detail_url_for: ClassVar[Callable[[str, str], str] | None] = None

    def board_url(self, value: str) -> str:
        raise NotImplementedError

    def read_list(self, data: Any, ctx: ParseContext) -> list[Posting]:
        raise NotImplementedError

    def read_detail(self, data: Any, ctx: ParseContext, listed: Posting) -> Posting:
        raise NotImplementedError

    def identifier(self, source: Source) -> str:
        value = source.params.get(self.param)
        if not isinstance(value, str) or not value.strip():
            raise ValueError(f"{self.family} sources need '{self.param}'")
        return value.strip()

    def requests_for(self, source: Source) -> Iterable[scrapy.Request]:
        yield self.request(self.board_url(self.identifier(source)), source, self.parse_list_response)

    def parse_list_response(self, response: Any) -> Iterable[Any]:
        ctx = self.context(response)
        try:
            postings = self.read_list(load_json(response.body, self.what), ctx)
        except ParseError as exc:
            self.record_error(ctx.source_id, f"{exc} at {response.url}")
            return
        yield from self.after_list(response, ctx, postings)

    def after_list(self, response: Any, ctx: ParseContext, postings: list[Posting]) -> Iterable[Any]:
        source = self.state[ctx.source_id].source
        detail_url = type(self).detail_url_for
        if detail_url is None or source.params.get("details") is False:
            yield from self.emit(response, postings, ctx)
            return
        yield from self.emit(response, [], ctx)  # records the list's warnings
        board = self.identifier(source)
        for listed in postings:
            yield self.detail_request(detail_url(board, listed.source_job_id), source, listed)

    def detail_request(self, url: str, source: Source, listed: Posting) -> scrapy.Request:
        """Not ``self.request``: its errback would lose the listed posting with the detail."""
        return scrapy.Request(
            url,
            callback=self.parse_detail_response,
            errback=self.detail_failed,
            headers={"Accept": "application/json"},
            dont_filter=True,
            meta={"source_id": source.id, "listed": listed},
        )

    def parse_detail_response(self, response: Any) -> Iterable[Posting]:
        ctx = self.context(response)
        listed: Posting = response.meta["listed"]
        try:
            detail = self.read_detail(load_json(response.body, self.what), ctx, listed)
        except ParseError as exc:
            self.record_error(ctx.source_id, f"job {listed.source_job_id} detail: {exc} at {response.url}")
            yield from self.emit(response, [listed], ctx)
            return
        yield from self.emit(response, [merge(listed, detail)], ctx)

    def detail_failed(self, failure: Any) -> Iterable[Posting]:
        """Record the failure, then keep what the list said about the job."""
        self.errback(failure)
        request = failure.request
        yield from self.emit(request, [request.meta["listed"]])
