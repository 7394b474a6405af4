"""Recruitee careers site: ``GET https://{company}.recruitee.com/api/offers/``.

``{offers: [...]}`` holds every published offer, text included, with no paging and no
total. Per offer: ``id``, ``guid``, ``slug``, ``title``, ``careers_url`` and
``careers_apply_url``; ``location`` as the site shows it ("Remote job") beside
``locations[]`` {name, city, state, country, country_code, state_code, postal_code}
(names are the employer's labels, with stray spaces); ``remote`` / ``hybrid`` /
``on_site`` flags; ``salary`` {min, max (strings or null), period, currency};
``employment_type_code``, ``experience_code``, ``education_code``; HTML
``description`` and ``requirements``; dates as "2026-10-01 21:01:46 UTC"
(``published_at``, ``updated_at``, ``close_at``); ``open_questions`` of the
application form; ``company_name``.
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
from researchjobs.spiders.values import as_list as _list
from researchjobs.spiders.values import as_number as _number
from researchjobs.spiders.values import as_text as _text

HOST = ".recruitee.com"


def board_url(company: str) -> str:
    return f"https://{quote(company, safe='')}{HOST}/api/offers/"


def parse_any(body: bytes, ctx: ParseContext) -> list[Posting]:
    """The offers list (``{"offers": [...]}``)."""
    data = load_json(body, "Recruitee JSON")
    return parse_offers(data, ctx)


def parse_offers(data: Any, ctx: ParseContext) -> list[Posting]:
    if not isinstance(data, dict) or not isinstance(data.get("offers"), list):
        if isinstance(data, dict) and (data.get("error") or data.get("message")):
            raise ParseError(f"Recruitee error response: {str(data.get('error') or data.get('message'))[:200]}")
        raise ParseError("not a Recruitee offers list: no 'offers' list")
    return read_jobs(data["offers"], ctx, parse_offer, "offers")


def parse_offer(offer: dict[str, Any], ctx: ParseContext) -> Posting | None:
    """One offer; None for one whose ``status`` says it is not published."""
    status = _text(offer.get("status"))
    if status and status != "published":
        return None
    offer_id, title = _id(offer.get("id")), _text(offer.get("title"))
    if not offer_id or not title:
        raise ParseError(f"Recruitee offer without id or title: {str(offer)[:120]}")
    company = board_name(ctx, "company", HOST, _text(offer.get("careers_url")))
    slug = _text(offer.get("slug")) or offer_id
    url = _text(offer.get("careers_url")) or f"https://{quote(company, safe='')}{HOST}/o/{quote(slug, safe='')}"
    places = [
        p for loc in _list(offer.get("locations"))
        if (p := place(_obj(loc).get("city"), _obj(loc).get("state"), _obj(loc).get("country")))
    ]  # fmt: skip
    where = _text(offer.get("location")) or place(
        offer.get("city"), offer.get("state_name"), offer.get("country")
    )
    return Posting(
        source_family="recruitee",
        source_id=ctx.source_id,
        source_job_id=offer_id,
        title=title,
        url=canonical_url(url) or url,
        employer=_text(offer.get("company_name")) or ctx.employer or company,
        employer_type=ctx.employer_type,
        department=_text(offer.get("department")),
        location_raw=where,
        locations_raw=list(dict.fromkeys(places)) or ([where] if where else []),
        country_raw=_text(offer.get("country_code")) or _text(offer.get("country")),
        workplace_raw=_workplace(offer),
        employment_type=_text(offer.get("employment_type_code")),
        date_published_raw=_text(offer.get("published_at")) or _text(offer.get("created_at")),
        date_updated_raw=_text(offer.get("updated_at")),
        valid_through_raw=_text(offer.get("close_at")),
        base_salary=salary(offer.get("salary")),
        description_html_raw=_text_html(offer),
        apply_url=_text(offer.get("careers_apply_url")) or url,
        crawled_at=ctx.crawled_at,
        extra=_extra(offer),
    )


def salary(value: Any) -> dict[str, Any] | None:
    """``{min, max, currency, period}`` when a bound is given; Recruitee sends the bounds as text."""
    band = _obj(value)
    low, high = _number(band.get("min")), _number(band.get("max"))
    if low is None and high is None:
        return None
    return {"min": low, "max": high, "currency": _text(band.get("currency")),
            "period": _text(band.get("period")), "raw": None}  # fmt: skip


def _workplace(offer: dict[str, Any]) -> str | None:
    for flag, mode in (("hybrid", "hybrid"), ("remote", "remote"), ("on_site", "onsite")):
        if offer.get(flag) is True:
            return mode
    return None


def _text_html(offer: dict[str, Any]) -> str | None:
    parts = [v for v in (offer.get("description"),) if isinstance(v, str) and v.strip()]
    requirements = offer.get("requirements")
    if isinstance(requirements, str) and requirements.strip() and requirements not in parts:
        parts.append(f"<h3>{html.escape('Requirements')}</h3>\n{requirements}")
    return "\n".join(parts) or None


def _extra(offer: dict[str, Any]) -> dict[str, Any]:
    extra: dict[str, Any] = {}
    for key in ("guid", "slug", "experience_code", "education_code", "category_code", "city",
                "state_code", "postal_code", "min_hours", "max_hours"):  # fmt: skip
        value = _text(offer.get(key))
        if value:
            extra[key] = value
    for key in ("remote", "hybrid", "on_site"):
        if isinstance(offer.get(key), bool):
            extra[key] = offer[key]
    names = [n for loc in _list(offer.get("locations")) if (n := _text(_obj(loc).get("name")))]
    if names:
        extra["location_names"] = names
    questions = [q for item in _list(offer.get("open_questions")) if (q := _text(_obj(item).get("body")))]
    if questions:
        extra["application_questions"] = questions
    tags = [t for t in (_text(x) for x in _list(offer.get("tags"))) if t]
    if tags:
        extra["tags"] = tags
    return extra


class RecruiteeSpider(BoardSpider):
    """One request per board on the company's own subdomain; the defaults suffice."""

    name = "recruitee"
    family = "recruitee"
    param = "company"
    what = "Recruitee JSON"
    board_url = staticmethod(board_url)
    read_list = staticmethod(parse_offers)
