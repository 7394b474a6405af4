"""BambooHR careers site: ``https://{company}.bamboohr.com/careers/list`` and each job's detail.

The list (``{meta: {totalCount}, result: [...]}``) has no paging, no text and no date:
ids are strings ("97"), ``location`` {city, state} is sometimes empty and the place is
then only in ``atsLocation`` {country, state, province, city}. The detail
(``/careers/{id}/detail`` → ``{result: {jobOpening: {...}}}``) adds the HTML
``description``, ``datePosted``, ``compensation`` (free text), ``minimumExperience``
and ``jobOpeningShareUrl``, but not the id, which comes from the URL asked for.

``locationType`` "1" is remote and "2" hybrid (as public scrapers read it); ``isRemote``
is usually null. Each company has its own subdomain, so the detail requests of one
board go to one host: one at a time, a second apart.
"""

from __future__ import annotations

import re
from typing import Any, ClassVar
from urllib.parse import quote

from researchjobs.posting import Posting, canonical_url
from researchjobs.spiders.base import ParseContext, ParseError, load_json
from researchjobs.spiders.boards import BoardSpider, board_name, place, read_jobs
from researchjobs.spiders.values import as_dict as _obj
from researchjobs.spiders.values import as_id as _id
from researchjobs.spiders.values import as_text as _text

HOST = ".bamboohr.com"
_DETAIL_PATH = re.compile(r"/careers/(\d+)(?:/detail)?/?$")
_WORKPLACE = {"1": "remote", "2": "hybrid"}


def list_url(company: str) -> str:
    return f"https://{quote(company, safe='')}{HOST}/careers/list"


def detail_url(company: str, job_id: str) -> str:
    return f"https://{quote(company, safe='')}{HOST}/careers/{quote(job_id, safe='')}/detail"


def job_url(company: str, job_id: str) -> str:
    return f"https://{quote(company, safe='')}{HOST}/careers/{quote(job_id, safe='')}"


def parse_any(body: bytes, ctx: ParseContext) -> list[Posting]:
    """The careers list (``result`` is a list) or one job's detail (``result.jobOpening``)."""
    data = load_json(body, "BambooHR JSON")
    result = data.get("result") if isinstance(data, dict) else None
    if isinstance(result, list):
        return parse_list(data, ctx)
    if isinstance(result, dict) and isinstance(result.get("jobOpening"), dict):
        return [parse_detail(data, ctx)]
    raise ParseError(_not_ours(data))


def _not_ours(data: Any) -> str:
    return (
        "not a BambooHR careers list ('result' list) or job detail ('result.jobOpening'): "
        f"{str(data)[:120]}"
    )


def parse_list(data: Any, ctx: ParseContext) -> list[Posting]:
    result = data.get("result") if isinstance(data, dict) else None
    if not isinstance(result, list):
        raise ParseError(_not_ours(data))
    return read_jobs(result, ctx, parse_job, "result")


def parse_detail(data: Any, ctx: ParseContext, listed: Posting | None = None) -> Posting:
    """One job from its detail; the id is the listed job's, else the one in the URL asked for."""
    opening = _obj(_obj(data).get("result")).get("jobOpening")
    if not isinstance(opening, dict):
        raise ParseError(_not_ours(data))
    job_id = (listed.source_job_id if listed else None) or _id_from(ctx.url) or _id(opening.get("id"))
    job_id = job_id or _id_from(_text(opening.get("jobOpeningShareUrl")))
    if not job_id:
        raise ParseError(
            "BambooHR job detail carries no job id: give the /careers/<id>/detail URL it came from (--url)"
        )
    return parse_job(opening, ctx, job_id)


def _id_from(url: str | None) -> str | None:
    match = _DETAIL_PATH.search(url.split("?", 1)[0]) if url else None
    return match.group(1) if match else None


def parse_job(job: dict[str, Any], ctx: ParseContext, job_id: str | None = None) -> Posting:
    """A list entry or a detail's ``jobOpening``: the same names, the detail has more of them."""
    job_id = job_id or _id(job.get("id"))
    title = _text(job.get("jobOpeningName"))
    if not job_id or not title:
        raise ParseError(f"BambooHR job without id or jobOpeningName: {str(job)[:120]}")
    company = board_name(ctx, "company", HOST, _text(job.get("jobOpeningShareUrl")))
    location, ats = _obj(job.get("location")), _obj(job.get("atsLocation"))
    where = place(
        location.get("city") or ats.get("city"),
        location.get("state") or ats.get("state") or ats.get("province"),
        location.get("addressCountry") or ats.get("country"),
    )
    share = _text(job.get("jobOpeningShareUrl"))
    url = share or job_url(company, job_id)
    description = job.get("description")
    return Posting(
        source_family="bamboohr",
        source_id=ctx.source_id,
        source_job_id=job_id,
        title=title,
        url=canonical_url(url) or url,
        employer=ctx.employer or company,
        employer_type=ctx.employer_type,
        department=_text(job.get("departmentLabel")),
        location_raw=where,
        locations_raw=[where] if where else [],
        country_raw=_text(location.get("addressCountry")) or _text(ats.get("country")),
        workplace_raw=_workplace(job),
        employment_type=_text(job.get("employmentStatusLabel")) or _text(job.get("employmentType")),
        date_published_raw=_text(job.get("datePosted")),
        salary_raw=_text(job.get("compensation")),
        description_html_raw=description if isinstance(description, str) and description.strip() else None,
        apply_url=url,
        crawled_at=ctx.crawled_at,
        extra=_extra(job, location),
    )


def _workplace(job: dict[str, Any]) -> str | None:
    if job.get("isRemote") is True:
        return "remote"
    return _WORKPLACE.get(_text(job.get("locationType")) or "")


def _extra(job: dict[str, Any], location: dict[str, Any]) -> dict[str, Any]:
    extra: dict[str, Any] = {}
    for key, name in (
        ("departmentId", "department_id"),
        ("locationType", "location_type"),
        ("minimumExperience", "minimum_experience"),
        ("jobOpeningStatus", "status"),
    ):
        value = _text(job.get(key))
        if value:
            extra[name] = value
    postal = _text(location.get("postalCode"))
    if postal:
        extra["postal_code"] = postal
    if isinstance(job.get("isRemote"), bool):
        extra["is_remote"] = job["isRemote"]
    extra["detail"] = any(k in job for k in ("description", "datePosted", "jobOpeningShareUrl"))
    return extra


class BambooHRSpider(BoardSpider):
    name = "bamboohr"
    family = "bamboohr"
    param = "company"
    what = "BambooHR JSON"
    # One subdomain per company: its detail requests go one at a time, a second apart.
    custom_settings: ClassVar[dict[str, Any]] = {"CONCURRENT_REQUESTS_PER_DOMAIN": 1, "DOWNLOAD_DELAY": 1.0}
    board_url = staticmethod(list_url)
    read_list = staticmethod(parse_list)
    read_detail = staticmethod(parse_detail)
    detail_url_for = staticmethod(detail_url)
