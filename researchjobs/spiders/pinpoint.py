"""Pinpoint careers site: ``GET https://{company}.pinpointhq.com/postings.json``.

``{data: [...]}`` holds every open posting in one answer, no paging, no posted date
(``deadline_at`` is the only date, often null). The advert is split into HTML sections
(``description``, ``key_responsibilities``, ``skills_knowledge_expertise``,
``benefits``), each with the heading the employer chose (``*_header``). Pay is given
twice: the text the page shows (``compensation``, "$30.00 - $45.00 / hour") and its
parts (``compensation_minimum`` / ``_maximum`` / ``_currency`` / ``_frequency``), shown
only when ``compensation_visible``. ``workplace_type`` is onsite / hybrid / remote;
``job`` carries ``requisition_id``, ``department``, ``division`` and an employer-named
custom group ("Partner Company"); ``location`` {city, name, province, postal_code,
street_address} has no country and stray spaces ("Remote- USA ").
"""

from __future__ import annotations

import html
from typing import Any
from urllib.parse import quote

from researchjobs.posting import Posting, canonical_url
from researchjobs.spiders.base import ParseContext, ParseError, load_json
from researchjobs.spiders.boards import BoardSpider, board_name, place, read_jobs
from researchjobs.spiders.values import as_dict as _obj
from researchjobs.spiders.values import as_id as _id
from researchjobs.spiders.values import as_number as _number
from researchjobs.spiders.values import as_text as _text

HOST = ".pinpointhq.com"
#: The advert's sections in reading order; the first needs no heading.
_SECTIONS = ("description", "key_responsibilities", "skills_knowledge_expertise", "benefits")


def board_url(company: str) -> str:
    return f"https://{quote(company, safe='')}{HOST}/postings.json"


def parse_any(body: bytes, ctx: ParseContext) -> list[Posting]:
    """The postings list (``{"data": [...]}``)."""
    return parse_postings(load_json(body, "Pinpoint JSON"), ctx)


def parse_postings(data: Any, ctx: ParseContext) -> list[Posting]:
    if not isinstance(data, dict) or not isinstance(data.get("data"), list):
        if isinstance(data, dict) and (data.get("error") or data.get("errors")):
            raise ParseError(f"Pinpoint error response: {str(data.get('error') or data.get('errors'))[:200]}")
        raise ParseError("not a Pinpoint postings list: no 'data' list")
    return read_jobs(data["data"], ctx, parse_posting, "data")


def parse_posting(item: dict[str, Any], ctx: ParseContext) -> Posting:
    posting_id, title = _id(item.get("id")), _text(item.get("title"))
    if not posting_id or not title:
        raise ParseError(f"Pinpoint posting without id or title: {str(item)[:120]}")
    company = board_name(ctx, "company", HOST, _text(item.get("url")))
    path = _text(item.get("path"))
    url = _text(item.get("url")) or (f"https://{quote(company, safe='')}{HOST}{path}" if path else None)
    url = url or f"https://{quote(company, safe='')}{HOST}/postings/{quote(posting_id, safe='')}"
    job, location = _obj(item.get("job")), _obj(item.get("location"))
    where = _place(location)
    visible = item.get("compensation_visible") is not False
    return Posting(
        source_family="pinpoint",
        source_id=ctx.source_id,
        source_job_id=posting_id,
        title=title,
        url=canonical_url(url) or url,
        employer=ctx.employer or company,
        employer_type=ctx.employer_type,
        department=_text(_obj(job.get("department")).get("name")),
        requisition_id=_text(job.get("requisition_id")),
        location_raw=where,
        locations_raw=[where] if where else [],
        workplace_raw=_text(item.get("workplace_type")) or _text(item.get("workplace_type_text")),
        employment_type=_text(item.get("employment_type_text")) or _text(item.get("employment_type")),
        valid_through_raw=_text(item.get("deadline_at")),
        salary_raw=_text(item.get("compensation")) if visible else None,
        base_salary=salary(item) if visible else None,
        description_html_raw=_sections(item),
        apply_url=url,
        crawled_at=ctx.crawled_at,
        extra=_extra(item, job, location),
    )


def salary(item: dict[str, Any]) -> dict[str, Any] | None:
    low, high = _number(item.get("compensation_minimum")), _number(item.get("compensation_maximum"))
    if low is None and high is None:
        return None
    return {"min": low, "max": high, "currency": _text(item.get("compensation_currency")),
            "period": _text(item.get("compensation_frequency")), "raw": _text(item.get("compensation"))}  # fmt: skip


def _place(location: dict[str, Any]) -> str | None:
    """``name`` ("Wilmington, NC") when it already names the region, else name and province."""
    name = _text(location.get("name")) or _text(location.get("city"))
    if name and "," in name:
        return name
    return place(name, location.get("province"))


def _sections(item: dict[str, Any]) -> str | None:
    parts: list[str] = []
    for key in _SECTIONS:
        body = item.get(key)
        if not isinstance(body, str) or not body.strip():
            continue
        heading = _text(item.get(f"{key}_header"))
        parts.append(f"<h3>{html.escape(heading)}</h3>\n{body}" if heading else body)
    return "\n".join(parts) or None


def _extra(item: dict[str, Any], job: dict[str, Any], location: dict[str, Any]) -> dict[str, Any]:
    extra: dict[str, Any] = {}
    for name, value in (
        ("job_id", job.get("id")),
        ("division", _obj(job.get("division")).get("name")),
        ("reporting_to", item.get("reporting_to")),
        ("city", location.get("city")),
        ("province", location.get("province")),
        ("postal_code", location.get("postal_code")),
        ("street_address", location.get("street_address")),
        ("workplace_type_text", item.get("workplace_type_text")),
    ):
        text = _text(value)
        if text:
            extra[name] = text
    group = _obj(job.get("structure_custom_group_one"))
    if _text(group.get("name")):
        extra["custom_group"] = {"title": _text(group.get("title")), "name": _text(group.get("name"))}
    return extra


class PinpointSpider(BoardSpider):
    """One request per board on the company's own subdomain; the defaults suffice."""

    name = "pinpoint"
    family = "pinpoint"
    param = "company"
    what = "Pinpoint JSON"
    board_url = staticmethod(board_url)
    read_list = staticmethod(parse_postings)
