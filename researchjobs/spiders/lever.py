"""Lever Postings API v0: ``GET /v0/postings/{site}?mode=json&skip=N&limit=M``.

The answer is a bare JSON array with no total: stop on a page shorter than ``limit``.
``createdAt`` is epoch milliseconds. Sites on the EU instance set ``eu = true``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any
from urllib.parse import urlencode

from researchjobs.posting import Posting, canonical_url
from researchjobs.sources import Source
from researchjobs.spiders.base import (
    ParseContext,
    ParseError,
    SourceSpider,
    UnreadableJobError,
    each_job,
    load_json,
    text_or_none,
)
from researchjobs.spiders.values import as_id

PAGE_SIZE = 100
MAX_PAGES = 200


def page_url(site: str, skip: int, limit: int = PAGE_SIZE, eu: bool = False) -> str:
    host = "api.eu.lever.co" if eu else "api.lever.co"
    query = urlencode({"mode": "json", "skip": skip, "limit": limit})
    return f"https://{host}/v0/postings/{site}?{query}"


def parse_any(body: bytes, ctx: ParseContext) -> list[Posting]:
    """A page of postings (a JSON array) or one posting (an object with ``id`` and ``text``)."""
    data = load_json(body, "Lever JSON")
    if isinstance(data, list):
        return parse_page(data, ctx)
    if isinstance(data, dict) and "id" in data and "text" in data:
        return [parse_posting(data, ctx)]
    if isinstance(data, dict) and data.get("ok") is False:
        raise ParseError(f"Lever error response: {data.get('error')}")
    raise ParseError("not a Lever postings page (array) or posting (object with id and text)")


def parse_page(data: Any, ctx: ParseContext) -> list[Posting]:
    if not isinstance(data, list):
        if isinstance(data, dict) and data.get("ok") is False:
            raise ParseError(f"Lever error response: {data.get('error')}")
        raise ParseError("Lever postings response is not a JSON array")
    return each_job(data, ctx, lambda item: parse_posting(item, ctx), "postings")


def parse_posting(item: dict[str, Any], ctx: ParseContext) -> Posting:
    posting_id = as_id(item.get("id"))
    title = text_or_none(item.get("text"))
    if not posting_id:
        raise UnreadableJobError(f"Lever posting without a usable id: {str(item)[:120]}")
    if not title:
        raise UnreadableJobError(f"Lever posting {posting_id} has no text (title)", posting_id)
    categories = item.get("categories") if isinstance(item.get("categories"), dict) else {}
    all_locations = [str(x) for x in categories.get("allLocations") or [] if x]
    url = text_or_none(item.get("hostedUrl")) or f"https://jobs.lever.co/{_site(ctx)}/{posting_id}"
    salary = item.get("salaryRange") if isinstance(item.get("salaryRange"), dict) else None
    return Posting(
        source_family="lever",
        source_id=ctx.source_id,
        source_job_id=posting_id,
        title=title,
        url=canonical_url(url) or url,
        employer=ctx.employer or _site(ctx),
        employer_type=ctx.employer_type,
        department=text_or_none(categories.get("department") or categories.get("team")),
        location_raw=text_or_none(categories.get("location")),
        locations_raw=all_locations,
        country_raw=text_or_none(item.get("country")),
        workplace_raw=text_or_none(item.get("workplaceType")),
        employment_type=text_or_none(categories.get("commitment")),
        date_published_raw=text_or_none(item.get("createdAt")),
        salary_raw=text_or_none(item.get("salaryDescriptionPlain")),
        base_salary=(
            {
                "min": salary.get("min"),
                "max": salary.get("max"),
                "currency": salary.get("currency"),
                "period": salary.get("interval"),
            }
            if salary
            else None
        ),
        description_html_raw=_description_html(item),
        apply_url=text_or_none(item.get("applyUrl")),
        crawled_at=ctx.crawled_at,
        extra={"team": categories.get("team")} if categories.get("team") else {},
    )


def _site(ctx: ParseContext) -> str:
    return str(ctx.params.get("site") or ctx.source_id.split(":", 1)[-1])


def _description_html(item: dict[str, Any]) -> str | None:
    """Lever splits the text: opening/description, titled lists, closing 'additional'."""
    parts: list[str] = []
    body = item.get("description") or item.get("descriptionBody") or item.get("opening")
    if isinstance(body, str):
        parts.append(body)
    for block in item.get("lists") or []:
        if isinstance(block, dict):
            heading = str(block.get("text") or "")
            parts.append(f"<h3>{heading}</h3><ul>{block.get('content') or ''}</ul>")
    if isinstance(item.get("additional"), str):
        parts.append(item["additional"])
    if isinstance(item.get("salaryDescription"), str):
        parts.append(item["salaryDescription"])
    if not parts and isinstance(item.get("descriptionPlain"), str):
        return f"<p>{item['descriptionPlain']}</p>"
    return "\n".join(parts) or None


class LeverSpider(SourceSpider):
    name = "lever"
    family = "lever"
    hosts = ("lever.co",)

    def requests_for(self, source: Source) -> Iterable[Any]:
        yield self._page(source, 0)

    def _page(self, source: Source, skip: int) -> Any:
        eu = bool(source.params.get("eu", False))
        url = page_url(source.params["site"], skip, _page_size(source), eu)
        return self.request(url, source, self.parse_page_response, meta={"skip": skip})

    def parse_page_response(self, response: Any) -> Iterable[Any]:
        ctx = self.context(response)
        try:
            data = load_json(response.body, "Lever JSON")
            postings = parse_page(data, ctx)
        except ParseError as exc:
            self.record_error(ctx.source_id, f"{exc} at {response.url}")
            return
        yield from self.emit(response, postings, ctx)
        skip = response.meta["skip"]
        size = _page_size(self.state[ctx.source_id].source)
        if len(data) >= size:  # skipped jobs count: a full page means there may be more
            if skip // size + 1 >= MAX_PAGES:
                self.record_error(ctx.source_id, f"stopped after {MAX_PAGES} pages; board incomplete")
                return
            yield self._page(self.state[ctx.source_id].source, skip + size)


def _page_size(source: Source) -> int:
    value = source.params.get("page_size", PAGE_SIZE)
    return value if isinstance(value, int) and 0 < value <= PAGE_SIZE else PAGE_SIZE
