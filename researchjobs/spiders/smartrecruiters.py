"""SmartRecruiters Posting API: a paged list per company, then one detail per posting.

``GET https://api.smartrecruiters.com/v1/companies/{company}/postings?limit=100&offset=N``
answers ``{offset, limit, totalFound, content[]}``; the list items lack the text, which
only the detail (``…/postings/{id}``, ``jobAd.sections``) carries. Each search term is
its own paged list (``q=TERM``); the lists are merged so a posting found by two terms
is fetched and emitted once. A detail that fails costs the text, never the posting:
the list-level record is emitted and the error recorded, so the run is ``partial``.
"""

from __future__ import annotations

import html
from collections.abc import Iterable
from typing import Any
from urllib.parse import quote, urlencode

import scrapy

from researchjobs.posting import Posting, canonical_url
from researchjobs.sources import Source
from researchjobs.spiders.base import (
    ParseContext,
    ParseError,
    SourceSpider,
    UnreadableJobError,
    each_job,
    load_json,
)
from researchjobs.spiders.values import as_dict as _obj
from researchjobs.spiders.values import as_id
from researchjobs.spiders.values import as_text as _text

API = "https://api.smartrecruiters.com/v1/companies"
PAGE_SIZE = 100  # the API's maximum
MAX_PAGES = 50  # per search term: 5,000 postings is far beyond any research employer
SECTIONS = ("companyDescription", "jobDescription", "qualifications", "additionalInformation")
#: Optional registry params passed through as list filters.
FILTERS = ("country", "region", "city", "department", "language")


def list_url(
    company: str,
    offset: int = 0,
    limit: int = PAGE_SIZE,
    q: str | None = None,
    filters: dict[str, str] | None = None,
) -> str:
    query: dict[str, Any] = {"limit": limit, "offset": offset}
    if q:
        query["q"] = q
    query.update(filters or {})
    return f"{API}/{quote(company, safe='')}/postings?{urlencode(query)}"


def detail_url(company: str, posting_id: str) -> str:
    return f"{API}/{quote(company, safe='')}/postings/{quote(posting_id, safe='')}"


def parse_any(body: bytes, ctx: ParseContext) -> list[Posting]:
    """A list page (``content`` + ``totalFound``) or one posting's detail (``id`` + ``name``)."""
    data = load_json(body, "SmartRecruiters JSON")
    if isinstance(data, dict) and isinstance(data.get("content"), list):
        return parse_list(data, ctx)
    if isinstance(data, dict) and "id" in data and "name" in data:
        return [parse_posting(data, ctx)]
    raise ParseError(_not_ours(data))


def _not_ours(data: Any) -> str:
    if isinstance(data, dict) and (data.get("message") or data.get("errors")):
        detail = data.get("message") or data.get("errors")
        return f"SmartRecruiters error response: {str(detail)[:200]}"
    return "not a SmartRecruiters postings list ('content') or posting ('id' and 'name')"


def page_info(data: Any) -> tuple[int, int]:
    """(offset, totalFound) as the API echoes them; paging trusts ``totalFound``, not item counts."""
    if not isinstance(data, dict):
        raise ParseError("SmartRecruiters list response is not an object")
    try:
        return int(data.get("offset") or 0), int(data.get("totalFound") or 0)
    except (TypeError, ValueError, OverflowError):
        raise ParseError(
            f"SmartRecruiters list has a non-numeric offset/totalFound: "
            f"{str(data.get('offset'))[:20]!r}/{str(data.get('totalFound'))[:20]!r}"
        ) from None


def parse_list(data: Any, ctx: ParseContext) -> list[Posting]:
    if not isinstance(data, dict) or not isinstance(data.get("content"), list):
        raise ParseError(_not_ours(data))
    return each_job(data["content"], ctx, lambda item: parse_posting(item, ctx), "content")


def parse_posting(item: dict[str, Any], ctx: ParseContext) -> Posting:
    """A list item or a detail: the detail is a superset, so one function reads both."""
    posting_id = as_id(item.get("id"))
    title = _text(item.get("name"))
    if not posting_id:
        raise UnreadableJobError(f"SmartRecruiters posting without a usable id: {str(item)[:120]}")
    if not title:
        raise UnreadableJobError(f"SmartRecruiters posting {posting_id} has no name (title)", posting_id)
    company = _obj(item.get("company"))
    identifier = _text(company.get("identifier")) or _company(ctx)
    location = _obj(item.get("location"))
    posting_url = _text(item.get("postingUrl"))
    url = (
        posting_url
        or f"https://jobs.smartrecruiters.com/{quote(identifier, safe='')}/{quote(posting_id, safe='')}"
    )
    description = _sections_html(item.get("jobAd"))
    full_location = _full_location(location)
    return Posting(
        source_family="smartrecruiters",
        source_id=ctx.source_id,
        source_job_id=posting_id,
        title=title,
        url=canonical_url(url) or url,
        employer=_text(company.get("name")) or ctx.employer or identifier,
        employer_type=ctx.employer_type,
        department=_label(item.get("department")),
        requisition_id=_text(item.get("refNumber")),
        location_raw=full_location,
        locations_raw=[full_location] if full_location else [],
        country_raw=_text(location.get("country")),
        workplace_raw=_workplace(location),
        employment_type=_label(item.get("typeOfEmployment")),
        date_published_raw=_text(item.get("releasedDate")),
        description_html_raw=description,
        apply_url=_text(item.get("applyUrl")),
        crawled_at=ctx.crawled_at,
        extra=_extra(item, location, has_detail=description is not None),
    )


def merge(listed: Posting, detail: Posting) -> Posting:
    """The detail wins field by field; whatever it lacks the list keeps."""
    merged = Posting(**listed.to_dict())
    for name, value in detail.to_dict().items():
        if name == "extra":
            merged.extra = {**listed.extra, **detail.extra}
        elif value not in (None, "", [], {}):
            setattr(merged, name, value)
    return merged


def _label(value: Any) -> str | None:
    if isinstance(value, dict):
        return _text(value.get("label")) or _text(value.get("id"))
    return None


def _company(ctx: ParseContext) -> str:
    return str(ctx.params.get("company") or ctx.source_id.split(":", 1)[-1])


def _full_location(location: dict[str, Any]) -> str | None:
    """``fullLocation`` with its empty parts dropped (``Warsaw, , Poland`` happens)."""
    full = location.get("fullLocation")
    parts = (
        str(full).split(",")
        if isinstance(full, str)
        else [_text(location.get(k)) or "" for k in ("city", "region", "country")]
    )
    cleaned = [p.strip() for p in parts if p and p.strip()]
    return ", ".join(cleaned) or None


def _workplace(location: dict[str, Any]) -> str | None:
    remote, hybrid = location.get("remote"), location.get("hybrid")
    if remote is True:
        return "remote"
    if hybrid is True:
        return "hybrid"
    if remote is False and hybrid in (False, None):
        return "onsite"
    return None


def _sections_html(job_ad: Any) -> str | None:
    sections = _obj(_obj(job_ad).get("sections"))
    parts: list[str] = []
    for key in SECTIONS:
        section = _obj(sections.get(key))
        text = section.get("text")
        if not isinstance(text, str) or not text.strip():
            continue
        heading = _text(section.get("title"))
        parts.append(f"<h3>{html.escape(heading)}</h3>\n{text}" if heading else text)
    return "\n".join(parts) or None


def _extra(item: dict[str, Any], location: dict[str, Any], has_detail: bool) -> dict[str, Any]:
    extra: dict[str, Any] = {}
    for key, name in (
        ("uuid", "uuid"),
        ("experienceLevel", "experience_level"),
        ("function", "function"),
        ("industry", "industry"),
    ):
        value = item.get(key)
        value = _label(value) if isinstance(value, dict) else _text(value)
        if value:
            extra[name] = value
    for key in ("remote", "hybrid"):
        if isinstance(location.get(key), bool):
            extra[key] = location[key]
    for key in ("city", "region", "latitude", "longitude"):
        value = _text(location.get(key))
        if value:
            extra[f"location_{key}"] = value
    language = _obj(item.get("language")).get("code")
    if isinstance(language, str) and language:
        extra["language"] = language
    extra["detail"] = has_detail
    return extra


class SmartRecruitersSpider(SourceSpider):
    name = "smartrecruiters"
    family = "smartrecruiters"
    hosts = ("smartrecruiters.com",)

    def requests_for(self, source: Source) -> Iterable[Any]:
        company = _text(source.params.get("company"))
        if not company:
            raise ValueError("smartrecruiters sources need 'company'")
        terms: list[str | None] = list(dict.fromkeys(t.strip() for t in source.search if t.strip())) or [None]
        for term in terms:
            yield self._page(source, term, 0)

    def _page(self, source: Source, term: str | None, offset: int) -> Any:
        filters = {k: str(source.params[k]) for k in FILTERS if source.params.get(k) not in (None, "")}
        url = list_url(str(source.params["company"]), offset, _page_size(source), term, filters)
        return self.request(url, source, self.parse_list_response, meta={"term": term, "offset": offset})

    def parse_list_response(self, response: Any) -> Iterable[Any]:
        ctx = self.context(response)
        source = self.state[ctx.source_id].source
        try:
            data = load_json(response.body, "SmartRecruiters JSON")
            postings = parse_list(data, ctx)
            _, total = page_info(data)
        except ParseError as exc:
            self.record_error(ctx.source_id, f"{exc} at {response.url}")
            return
        self.note_skips(ctx)  # the postings themselves are emitted after their detail requests
        listed = self.state[ctx.source_id].seen_ids
        for posting in postings:
            if posting.source_job_id in listed:
                continue  # found by an earlier search term or page
            listed.add(posting.source_job_id)
            yield scrapy.Request(
                detail_url(str(source.params["company"]), posting.source_job_id),
                callback=self.parse_detail_response,
                errback=self.detail_failed,  # not self.request(): its errback would drop the posting
                meta={"source_id": source.id, "listed": posting},
            )
        size = _page_size(source)
        next_offset = response.meta["offset"] + size
        if data["content"] and next_offset < total:  # skipped jobs count: paging follows the list
            if next_offset // size >= MAX_PAGES:
                self.record_error(
                    ctx.source_id, f"stopped after {MAX_PAGES} pages of {total}; list incomplete"
                )
                return
            yield self._page(source, response.meta["term"], next_offset)

    def parse_detail_response(self, response: Any) -> Iterable[Posting]:
        ctx = self.context(response)
        listed: Posting = response.meta["listed"]
        try:
            data = load_json(response.body, "SmartRecruiters JSON")
            if not isinstance(data, dict):
                raise ParseError("SmartRecruiters posting detail is not an object")
            detail = parse_posting(data, ctx)
        except ParseError as exc:
            self.record_error(ctx.source_id, f"detail {listed.source_job_id}: {exc} at {response.url}")
            yield from self.emit(response, [listed], ctx)
            return
        if detail.source_job_id != listed.source_job_id:
            self.record_error(
                ctx.source_id, f"detail {response.url} answered for posting {detail.source_job_id}"
            )
            yield from self.emit(response, [listed], ctx)
            return
        yield from self.emit(response, [merge(listed, detail)], ctx)

    def detail_failed(self, failure: Any) -> Iterable[Posting]:
        """Record the failure, then keep what the list said about the posting."""
        self.errback(failure)
        request = failure.request
        yield from self.emit(request, [request.meta["listed"]])


def _page_size(source: Source) -> int:
    value = source.params.get("page_size", PAGE_SIZE)
    return (
        value
        if isinstance(value, int) and not isinstance(value, bool) and 0 < value <= PAGE_SIZE
        else PAGE_SIZE
    )
