"""Greenhouse Job Board API v1: one GET per board returns every published job.

``GET https://boards-api.greenhouse.io/v1/boards/{board}/jobs?content=true``. No paging.
``content`` is entity-escaped HTML and is unescaped exactly once here. Pay ranges
(``pay_input_ranges``, cents) appear only on job details fetched with
``?pay_transparency=true``.
"""

from __future__ import annotations

import html
from collections.abc import Iterable
from typing import Any

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
from researchjobs.spiders.values import as_id, as_list

API = "https://boards-api.greenhouse.io/v1/boards"


def board_url(board: str) -> str:
    return f"{API}/{board}/jobs?content=true"


def parse_any(body: bytes, ctx: ParseContext) -> list[Posting]:
    """A board listing (``{"jobs": [...]}``) or a single job's detail (``{"id", "title"}``)."""
    data = load_json(body, "Greenhouse JSON")
    if isinstance(data, dict) and isinstance(data.get("jobs"), list):
        return parse_board(data, ctx)
    if isinstance(data, dict) and "id" in data and "title" in data:
        return [parse_job(data, ctx)]
    raise ParseError("not a Greenhouse board listing or job: no 'jobs' list and no 'id'/'title'")


def parse_board(data: Any, ctx: ParseContext) -> list[Posting]:
    if not isinstance(data, dict) or not isinstance(data.get("jobs"), list):
        raise ParseError("Greenhouse board response has no 'jobs' list")
    return each_job(data["jobs"], ctx, lambda job: parse_job(job, ctx), "jobs")


def parse_job(job: dict[str, Any], ctx: ParseContext) -> Posting:
    job_id = as_id(job.get("id"))
    title = text_or_none(job.get("title"))
    if not job_id:
        raise UnreadableJobError(f"Greenhouse job without a usable id: {str(job)[:120]}")
    if not title:
        raise UnreadableJobError(f"Greenhouse job {job_id} has no title", job_id)
    location = job.get("location") if isinstance(job.get("location"), dict) else {}
    offices = [o for o in as_list(job.get("offices")) if isinstance(o, dict)]
    departments = [d for d in as_list(job.get("departments")) if isinstance(d, dict)]
    metadata = _metadata(job.get("metadata"))
    content = job.get("content")
    url = job.get("absolute_url") or f"https://job-boards.greenhouse.io/{_board(ctx)}/jobs/{job_id}"
    return Posting(
        source_family="greenhouse",
        source_id=ctx.source_id,
        source_job_id=job_id,
        title=title,
        url=canonical_url(str(url)) or str(url),
        employer=text_or_none(job.get("company_name")) or ctx.employer,
        employer_type=ctx.employer_type,
        department=text_or_none(departments[0].get("name")) if departments else None,
        requisition_id=text_or_none(job.get("requisition_id")),
        location_raw=text_or_none(location.get("name")),
        locations_raw=[
            loc for o in offices if (loc := text_or_none(o.get("location") or o.get("name")))
        ],
        workplace_raw=_first(metadata, "location type", "workplace", "remote"),
        employment_type=_first(metadata, "employment type", "time type"),
        date_published_raw=text_or_none(job.get("first_published") or job.get("updated_at")),
        date_updated_raw=text_or_none(job.get("updated_at")),
        valid_through_raw=text_or_none(job.get("application_deadline")),
        base_salary=_pay(job.get("pay_input_ranges")),
        description_html_raw=html.unescape(content) if isinstance(content, str) else None,
        apply_url=str(url),
        crawled_at=ctx.crawled_at,
        extra={
            k: job[k] for k in ("internal_job_id", "language") if job.get(k) not in (None, "")
        },
    )


def _board(ctx: ParseContext) -> str:
    return str(ctx.params.get("board") or ctx.source_id.split(":", 1)[-1])


def _metadata(items: Any) -> dict[str, str]:
    found: dict[str, str] = {}
    for item in as_list(items):
        if isinstance(item, dict) and item.get("name") and item.get("value") not in (None, ""):
            value = item["value"]
            if isinstance(value, list):
                value = ", ".join(str(v) for v in value)
            found[str(item["name"]).lower()] = str(value)
    return found


def _first(metadata: dict[str, str], *needles: str) -> str | None:
    for name, value in metadata.items():
        if any(n in name for n in needles):
            return value
    return None


def _pay(ranges: Any) -> dict[str, Any] | None:
    if not isinstance(ranges, list) or not ranges or not isinstance(ranges[0], dict):
        return None
    first = ranges[0]
    try:
        low = int(first["min_cents"]) / 100
        high = int(first["max_cents"]) / 100
    except (KeyError, TypeError, ValueError):
        return None
    return {
        "min": low,
        "max": high,
        "currency": first.get("currency_type") or "USD",
        "period": None,  # Greenhouse does not say; enrichment infers from the amount
        "raw": text_or_none(first.get("title")),
    }


class GreenhouseSpider(SourceSpider):
    name = "greenhouse"
    family = "greenhouse"
    hosts = ("greenhouse.io",)

    def requests_for(self, source: Source) -> Iterable[Any]:
        yield self.request(board_url(source.params["board"]), source, self.parse_board_response)

    def parse_board_response(self, response: Any) -> Iterable[Posting]:
        ctx = self.context(response)
        try:
            postings = parse_board(load_json(response.body, "Greenhouse JSON"), ctx)
        except ParseError as exc:
            self.record_error(ctx.source_id, f"{exc} at {response.url}")
            return
        yield from self.emit(response, postings, ctx)
