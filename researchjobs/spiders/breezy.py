"""Breezy HR careers site: ``GET https://{company}.breezy.hr/json?verbose=true``.

A bare JSON array of every published position, no paging (the bare ``/json`` redirects;
``verbose=true`` adds each ``description``). Fields: ``id``, ``friendly_id``, ``name``,
``url`` (``/p/{friendly_id}``), ``published_date`` (ISO, ms), ``type`` {id, name},
``location`` {country {id, name}, state {id, name}, city, name, is_remote,
remote_details {value, label}} and ``locations[]``, ``department`` (may be null),
``salary`` as the employer typed it ("$95,000 – $115,000 / year", "" when none) and
``company`` {name, friendly_id}. Each job names its own company, which is kept: a saved
file may hold more than one board.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from researchjobs.posting import Posting, canonical_url
from researchjobs.spiders.base import ParseContext, ParseError, load_json
from researchjobs.spiders.boards import BoardSpider, board_name, place, read_jobs, union
from researchjobs.spiders.values import as_dict as _obj
from researchjobs.spiders.values import as_id as _id
from researchjobs.spiders.values import as_list as _list
from researchjobs.spiders.values import as_text as _text

HOST = ".breezy.hr"


def board_url(company: str) -> str:
    return f"https://{quote(company, safe='')}{HOST}/json?verbose=true"


def parse_any(body: bytes, ctx: ParseContext) -> list[Posting]:
    """A board (a JSON array of positions) or one position (an object with ``id`` and ``name``)."""
    data = load_json(body, "Breezy JSON")
    if isinstance(data, list):
        return parse_board(data, ctx)
    if isinstance(data, dict) and "id" in data and "name" in data:
        return [parse_position(data, ctx)]
    raise ParseError(_not_ours(data))


def _not_ours(data: Any) -> str:
    if isinstance(data, dict) and (data.get("error") or data.get("message")):
        return f"Breezy error response: {str(data.get('error') or data.get('message'))[:200]}"
    return "not a Breezy board (a JSON array of positions) or position ('id' and 'name')"


def parse_board(data: Any, ctx: ParseContext) -> list[Posting]:
    if not isinstance(data, list):
        raise ParseError(_not_ours(data))
    return read_jobs(data, ctx, parse_position, "positions")


def parse_position(job: dict[str, Any], ctx: ParseContext) -> Posting:
    job_id, title = _id(job.get("id")), _text(job.get("name"))
    if not job_id or not title:
        raise ParseError(f"Breezy position without id or name: {str(job)[:120]}")
    company = _obj(job.get("company"))
    slug = _text(company.get("friendly_id")) or board_name(ctx, "company", HOST, _text(job.get("url")))
    location = _obj(job.get("location"))
    where = _place(location)
    others = [p for loc in _list(job.get("locations")) if (p := _place(_obj(loc)))]
    friendly = _text(job.get("friendly_id")) or job_id
    url = _text(job.get("url")) or f"https://{quote(slug, safe='')}{HOST}/p/{quote(friendly, safe='')}"
    description = job.get("description")
    return Posting(
        source_family="breezy",
        source_id=ctx.source_id,
        source_job_id=job_id,
        title=title,
        url=canonical_url(url) or url,
        employer=_text(company.get("name")) or ctx.employer or slug,
        employer_type=ctx.employer_type,
        department=_text(job.get("department")),
        location_raw=where or (others[0] if others else None),
        locations_raw=union([where] if where else [], others),
        country_raw=_text(_obj(location.get("country")).get("id")) or _text(_obj(location.get("country")).get("name")),
        workplace_raw=_workplace(location),
        employment_type=_text(_obj(job.get("type")).get("name")) or _text(_obj(job.get("type")).get("id")),
        date_published_raw=_text(job.get("published_date")),
        salary_raw=_text(job.get("salary")),
        description_html_raw=description if isinstance(description, str) and description.strip() else None,
        apply_url=url,
        crawled_at=ctx.crawled_at,
        extra=_extra(job, company, location),
    )


def _place(location: dict[str, Any]) -> str | None:
    """``location.name`` ("Raleigh, NC") when given, else city, state and country."""
    return _text(location.get("name")) or place(
        location.get("city"),
        _obj(location.get("state")).get("name"),
        _obj(location.get("country")).get("name"),
    )


def _workplace(location: dict[str, Any]) -> str | None:
    """Remote only when Breezy says so; ``is_remote: false`` does not rule out hybrid."""
    if location.get("is_remote") is True:
        return _text(_obj(location.get("remote_details")).get("label")) or "remote"
    return None


def _extra(job: dict[str, Any], company: dict[str, Any], location: dict[str, Any]) -> dict[str, Any]:
    extra: dict[str, Any] = {}
    for name, value in (
        ("friendly_id", job.get("friendly_id")),
        ("company_slug", company.get("friendly_id")),
        ("type_id", _obj(job.get("type")).get("id")),
        ("remote_details", _obj(location.get("remote_details")).get("value")),
        ("state_code", _obj(location.get("state")).get("id")),
        ("city", location.get("city")),
    ):
        text = _text(value)
        if text:
            extra[name] = text
    if isinstance(location.get("is_remote"), bool):
        extra["is_remote"] = location["is_remote"]
    return extra


class BreezySpider(BoardSpider):
    """One request per board; each company has its own subdomain, so the defaults suffice."""

    name = "breezy"
    family = "breezy"
    param = "company"
    what = "Breezy JSON"
    board_url = staticmethod(board_url)
    read_list = staticmethod(parse_board)
