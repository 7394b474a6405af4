"""Rippling ATS job boards (``ats.rippling.com/{board}/jobs``): a list, then each job's detail.

List: ``GET https://api.rippling.com/platform/api/ats/v1/board/{board}/jobs``, a bare
array with no paging and no dates: ``uuid``, ``name`` (sometimes with a trailing space),
``department`` {id, label}, ``url`` and one ``workLocation`` {label, id}. A job open in
several places is listed once per place, so rows are merged by ``uuid`` with every place
kept.

Detail: ``GET …/board/{board}/jobs/{uuid}`` adds ``companyName``, ``description`` (an
object of HTML sections, ``company`` and ``role``), ``workLocations[]`` (strings),
``department`` {name, base_department, department_tree}, ``employmentType`` {label,
id} where ``id`` is the human text ("Salaried, full-time") and ``label`` the code,
``payRangeDetails[]`` {rangeStart, rangeEnd, currency, frequency ("YEAR", "HOUR"),
location} (one band per place, often empty), ``createdOn`` and ``unlistedFromSearch``.

Rippling allows about 100 requests per 10 minutes on this API, so a board's details
go one at a time, six seconds apart; ``details = false`` in a source's entry keeps a
crawl to the list alone.
"""

from __future__ import annotations

import html
import re
from typing import Any, ClassVar
from urllib.parse import quote, unquote, urlsplit

from researchjobs.posting import Posting, canonical_url
from researchjobs.spiders.base import ParseContext, ParseError, load_json
from researchjobs.spiders.boards import BoardSpider, read_jobs
from researchjobs.spiders.values import as_dict as _obj
from researchjobs.spiders.values import as_id as _id
from researchjobs.spiders.values import as_list as _list
from researchjobs.spiders.values import as_number as _number
from researchjobs.spiders.values import as_text as _text

API = "https://api.rippling.com/platform/api/ats/v1/board"
BOARD_HOST = "ats.rippling.com"
_BOARD_IN_API = re.compile(r"^/platform/api/ats/v1/board/([^/]+)/jobs")
_BOARD_IN_PAGE = re.compile(r"^/(?:[a-z]{2}-[A-Z]{2}/)?([^/]+)/jobs")


def list_url(board: str) -> str:
    return f"{API}/{quote(board, safe='')}/jobs"


def detail_url(board: str, uuid: str) -> str:
    return f"{API}/{quote(board, safe='')}/jobs/{quote(uuid, safe='')}"


def job_url(board: str, uuid: str) -> str:
    return f"https://{BOARD_HOST}/{quote(board, safe='')}/jobs/{quote(uuid, safe='')}"


def parse_any(body: bytes, ctx: ParseContext) -> list[Posting]:
    """A board list (a JSON array) or one job's detail (an object with ``uuid`` and ``name``)."""
    data = load_json(body, "Rippling JSON")
    if isinstance(data, list):
        return parse_list(data, ctx)
    if isinstance(data, dict) and "uuid" in data and "name" in data:
        return [parse_detail(data, ctx)]
    raise ParseError(_not_ours(data))


def _not_ours(data: Any) -> str:
    if isinstance(data, dict) and (data.get("error") or data.get("detail") or data.get("message")):
        detail = data.get("error") or data.get("detail") or data.get("message")
        return f"Rippling error response: {str(detail)[:200]}"
    return "not a Rippling board list (a JSON array) or job detail ('uuid' and 'name')"


def parse_list(data: Any, ctx: ParseContext) -> list[Posting]:
    if not isinstance(data, list):
        raise ParseError(_not_ours(data))
    return read_jobs(data, ctx, parse_row, "jobs")


def parse_row(row: dict[str, Any], ctx: ParseContext) -> Posting:
    """One list row: one job at one place."""
    uuid, title = _id(row.get("uuid")), _text(row.get("name"))
    if not uuid or not title:
        raise ParseError(f"Rippling job without uuid or name: {str(row)[:120]}")
    board = _board(ctx, row)
    url = _text(row.get("url")) or job_url(board, uuid)
    where = _text(_obj(row.get("workLocation")).get("label"))
    return Posting(
        source_family="rippling",
        source_id=ctx.source_id,
        source_job_id=uuid,
        title=title,
        url=canonical_url(url) or url,
        employer=ctx.employer or board,
        employer_type=ctx.employer_type,
        department=_text(_obj(row.get("department")).get("label")),
        location_raw=where,
        locations_raw=[where] if where else [],
        apply_url=url,
        crawled_at=ctx.crawled_at,
        extra={"detail": False},
    )


def parse_detail(data: Any, ctx: ParseContext, listed: Posting | None = None) -> Posting:
    if not isinstance(data, dict):
        raise ParseError(_not_ours(data))
    uuid, title = _id(data.get("uuid")), _text(data.get("name"))
    if not uuid or not title:
        raise ParseError(f"Rippling job detail without uuid or name: {str(data)[:120]}")
    if listed is not None and uuid != listed.source_job_id:
        raise ParseError(f"detail answered for job {uuid}, not {listed.source_job_id}")
    board = _board(ctx, data)
    url = _text(data.get("url")) or job_url(board, uuid)
    places = [p for p in (_text(x) for x in _list(data.get("workLocations"))) if p]
    department = _obj(data.get("department"))
    tree = [t for t in (_text(x) for x in _list(department.get("department_tree"))) if t]
    kind = _obj(data.get("employmentType"))
    return Posting(
        source_family="rippling",
        source_id=ctx.source_id,
        source_job_id=uuid,
        title=title,
        url=canonical_url(url) or url,
        employer=_text(data.get("companyName")) or ctx.employer or board,
        employer_type=ctx.employer_type,
        department=_text(department.get("base_department")) or (tree[0] if tree else None)
        or _text(department.get("name")) or _text(department.get("label")),
        location_raw=places[0] if places else None,
        locations_raw=places,
        workplace_raw=_text(data.get("workFromHomeType")),
        employment_type=_text(kind.get("id")) or _text(kind.get("label")),
        date_published_raw=_text(data.get("createdOn")),
        base_salary=salary(data.get("payRangeDetails")),
        description_html_raw=_sections(data.get("description")),
        apply_url=url,
        crawled_at=ctx.crawled_at,
        extra=_extra(data, department, tree, kind),
    )


def salary(bands: Any) -> dict[str, Any] | None:
    """The pay bands of the first band's currency and frequency, spanned lowest to highest
    (one band per place is common: Boston pays more than Tampa for the same job)."""
    found: list[tuple[float | None, float | None, str | None, str | None]] = []
    for band in (_obj(b) for b in _list(bands)):
        low, high = _number(band.get("rangeStart")), _number(band.get("rangeEnd"))
        if low is not None or high is not None:
            found.append((low, high, _text(band.get("currency")), _text(band.get("frequency"))))
    if not found:
        return None
    unit = found[0][2:]
    same = [f for f in found if f[2:] == unit]
    lows = [f[0] for f in same if f[0] is not None]
    highs = [f[1] for f in same if f[1] is not None]
    return {"min": min(lows) if lows else None, "max": max(highs) if highs else None,
            "currency": unit[0], "period": unit[1], "raw": None}  # fmt: skip


def _sections(description: Any) -> str | None:
    """The detail's HTML sections in the order given (``company`` then ``role``); a plain
    string is taken as it is."""
    if isinstance(description, str):
        return description.strip() or None
    parts = [
        (f"<h3>{html.escape(name.title())}</h3>\n{text}" if index else text)
        for index, (name, text) in enumerate(
            (k, v) for k, v in _obj(description).items() if isinstance(v, str) and v.strip()
        )
    ]
    return "\n".join(parts) or None


def _extra(
    data: dict[str, Any], department: dict[str, Any], tree: list[str], kind: dict[str, Any]
) -> dict[str, Any]:
    extra: dict[str, Any] = {"detail": True}
    team = _text(department.get("name"))
    if team:
        extra["team"] = team
    if len(tree) > 1:
        extra["department_tree"] = tree
    code = _text(kind.get("label"))
    if code:
        extra["employment_type_code"] = code
    if isinstance(data.get("unlistedFromSearch"), bool):
        extra["unlisted_from_search"] = data["unlistedFromSearch"]
    bands = [
        {k: v for k, v in (("place", _text(b.get("location"))), ("min", _number(b.get("rangeStart"))),
                          ("max", _number(b.get("rangeEnd"))), ("currency", _text(b.get("currency"))),
                          ("frequency", _text(b.get("frequency")))) if v is not None}
        for b in (_obj(x) for x in _list(data.get("payRangeDetails")))
    ]  # fmt: skip
    if any(bands):
        extra["pay_bands"] = [b for b in bands if b]
    return extra


def _board(ctx: ParseContext, job: dict[str, Any]) -> str:
    """The registry's board, else the one in the API URL or the job's page URL."""
    board = ctx.params.get("board")
    if isinstance(board, str) and board.strip():
        return board.strip()
    for url, pattern in ((ctx.url, _BOARD_IN_API), (_text(job.get("url")), _BOARD_IN_PAGE)):
        if not url:
            continue
        try:
            path = urlsplit(url).path
        except ValueError:
            continue
        match = pattern.match(path)
        if match:
            return unquote(match.group(1))
    return ctx.source_id.split(":", 1)[-1]


class RipplingSpider(BoardSpider):
    name = "rippling"
    family = "rippling"
    param = "board"
    what = "Rippling JSON"
    # About 100 requests per 10 minutes are allowed on api.rippling.com.
    custom_settings: ClassVar[dict[str, Any]] = {"CONCURRENT_REQUESTS_PER_DOMAIN": 1, "DOWNLOAD_DELAY": 6.0}
    board_url = staticmethod(list_url)
    read_list = staticmethod(parse_list)
    read_detail = staticmethod(parse_detail)
    detail_url_for = staticmethod(detail_url)
