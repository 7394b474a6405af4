"""Ashby public job-posting API: one GET per board returns every job, text and pay included.

``GET https://api.ashbyhq.com/posting-api/job-board/{board}?includeCompensation=true``
answers ``{apiVersion, jobs[]}``. No paging, no auth. Jobs with ``isListed: false`` are
drafts or hidden copies and are skipped. Pay comes from the ``Salary`` component's
numbers, never the summary text, and the component order varies (equity may come first).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any
from urllib.parse import quote, urlsplit

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
from researchjobs.spiders.values import as_dict as _obj
from researchjobs.spiders.values import as_id
from researchjobs.spiders.values import as_list as _list
from researchjobs.spiders.values import as_number as _number
from researchjobs.spiders.values import as_text as _text

API = "https://api.ashbyhq.com/posting-api/job-board"


def board_url(board: str) -> str:
    return f"{API}/{quote(board, safe='')}?includeCompensation=true"


def parse_any(body: bytes, ctx: ParseContext) -> list[Posting]:
    """A board (``{"jobs": [...]}``) or a single job object (``id``, ``title``, ``jobUrl``)."""
    data = load_json(body, "Ashby JSON")
    if isinstance(data, dict) and isinstance(data.get("jobs"), list):
        return parse_board(data, ctx)
    if isinstance(data, dict) and "id" in data and "title" in data:
        return [p for p in [parse_job(data, ctx)] if p is not None]
    raise ParseError(_not_ours(data))


def _not_ours(data: Any) -> str:
    if isinstance(data, dict) and data.get("success") is False:
        return f"Ashby error response: {str(data.get('errors') or data.get('message') or '')[:200]}"
    return "not an Ashby job board ('jobs' list) or job ('id' and 'title')"


def parse_board(data: Any, ctx: ParseContext) -> list[Posting]:
    if not isinstance(data, dict) or not isinstance(data.get("jobs"), list):
        raise ParseError(_not_ours(data))
    return each_job(data["jobs"], ctx, lambda job: parse_job(job, ctx), "jobs")


def parse_job(job: dict[str, Any], ctx: ParseContext) -> Posting | None:
    """One job, or None when Ashby marks it unlisted (it is not on the public board)."""
    if job.get("isListed") is False:
        return None
    job_id = as_id(job.get("id"))
    title = _text(job.get("title"))
    if not job_id:
        raise UnreadableJobError(f"Ashby job without a usable id: {str(job)[:120]}")
    if not title:
        raise UnreadableJobError(f"Ashby job {job_id} has no title", job_id)
    board = _board(ctx, job)
    job_url = _text(job.get("jobUrl"))
    url = job_url or f"https://jobs.ashbyhq.com/{quote(board, safe='')}/{quote(job_id, safe='')}"
    location = _text(job.get("location"))
    secondary = [loc for s in _list(job.get("secondaryLocations")) if (loc := _text(_obj(s).get("location")))]
    postal = _obj(_obj(job.get("address")).get("postalAddress"))
    compensation = _obj(job.get("compensation"))
    html = job.get("descriptionHtml")
    plain = job.get("descriptionPlain")
    return Posting(
        source_family="ashby",
        source_id=ctx.source_id,
        source_job_id=job_id,
        title=title,
        url=canonical_url(url) or url,
        employer=ctx.employer or board,
        employer_type=ctx.employer_type,
        department=_text(job.get("department")) or _text(job.get("team")),
        location_raw=location,
        locations_raw=list(dict.fromkeys([loc for loc in [location, *secondary] if loc])),
        country_raw=_text(postal.get("addressCountry")),
        workplace_raw=_workplace(job),
        employment_type=_text(job.get("employmentType")),
        date_published_raw=_text(job.get("publishedAt")),
        salary_raw=_text(compensation.get("compensationTierSummary"))
        or _text(compensation.get("scrapeableCompensationSalarySummary")),
        base_salary=salary(compensation),
        description_html_raw=html if isinstance(html, str) and html.strip() else None,
        description=plain if isinstance(plain, str) and plain.strip() else None,
        apply_url=_text(job.get("applyUrl")) or url,
        crawled_at=ctx.crawled_at,
        extra=_extra(job, postal),
    )


def salary(compensation: dict[str, Any]) -> dict[str, Any] | None:
    """The ``Salary`` components as ``{min, max, currency, period}``; tiers of one currency and
    interval (pay by location, say) are spanned from the lowest minimum to the highest maximum."""
    components = [
        c for tier in _list(compensation.get("compensationTiers"))
        for c in _list(_obj(tier).get("components"))
    ] or _list(compensation.get("summaryComponents"))  # fmt: skip
    found: list[dict[str, Any]] = []
    for component in components:
        component = _obj(component)
        if component.get("compensationType") != "Salary":
            continue
        low, high = _number(component.get("minValue")), _number(component.get("maxValue"))
        if low is None and high is None:
            continue
        found.append(
            {"min": low, "max": high, "currency": _text(component.get("currencyCode")),
             "period": _text(component.get("interval")), "raw": _text(component.get("summary"))}
        )  # fmt: skip
    if not found:
        return None
    first = found[0]
    same = [f for f in found if (f["currency"], f["period"]) == (first["currency"], first["period"])]
    lows = [f["min"] for f in same if f["min"] is not None]
    highs = [f["max"] for f in same if f["max"] is not None]
    return {
        "min": min(lows) if lows else None,
        "max": max(highs) if highs else None,
        "currency": first["currency"],
        "period": first["period"],
        "raw": first["raw"],
    }






def _board(ctx: ParseContext, job: dict[str, Any]) -> str:
    """The registry's board, else the one in the job's URL (a shared file has no registry)."""
    if ctx.params.get("board"):
        return str(ctx.params["board"])
    job_url = job.get("jobUrl")
    if isinstance(job_url, str):
        try:
            parts = urlsplit(job_url)
        except ValueError:
            parts = None
        if parts is not None and parts.hostname == "jobs.ashbyhq.com":
            segment = parts.path.strip("/").split("/", 1)[0]
            if segment:
                return segment
    return ctx.source_id.split(":", 1)[-1]


def _workplace(job: dict[str, Any]) -> str | None:
    """``workplaceType`` when set (it is the newer field), else the ``isRemote`` flag."""
    workplace = _text(job.get("workplaceType"))
    if workplace:
        return workplace
    if job.get("isRemote") is True:
        return "Remote"
    return None


def _extra(job: dict[str, Any], postal: dict[str, Any]) -> dict[str, Any]:
    extra: dict[str, Any] = {}
    team = _text(job.get("team"))
    if team:
        extra["team"] = team
    if isinstance(job.get("isRemote"), bool):
        extra["is_remote"] = job["isRemote"]
    address = {
        k: v
        for k in ("addressLocality", "addressRegion", "addressCountry", "postalCode")
        if (v := _text(postal.get(k)))
    }
    if address:
        extra["postal_address"] = address
    secondary = [
        {k: v for k in ("addressLocality", "addressRegion", "addressCountry")
         if (v := _text(_obj(_obj(_obj(s).get("address")).get("postalAddress")).get(k)))}
        for s in _list(job.get("secondaryLocations"))
    ]  # fmt: skip
    if any(secondary):
        extra["secondary_postal_addresses"] = [s for s in secondary if s]
    return extra


class AshbySpider(SourceSpider):
    name = "ashby"
    family = "ashby"
    hosts = ("ashbyhq.com",)

    def requests_for(self, source: Source) -> Iterable[Any]:
        board = text_or_none(source.params.get("board"))
        if not board:
            raise ValueError("ashby sources need 'board'")
        yield self.request(board_url(board), source, self.parse_board_response)

    def parse_board_response(self, response: Any) -> Iterable[Posting]:
        ctx = self.context(response)
        try:
            postings = parse_board(load_json(response.body, "Ashby JSON"), ctx)
        except ParseError as exc:
            self.record_error(ctx.source_id, f"{exc} at {response.url}")
            return
        yield from self.emit(response, postings, ctx)
