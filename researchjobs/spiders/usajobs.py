"""USAJOBS Search API: federal announcements (NIH, VA, CDC ...) by keyword and series.

``GET https://data.usajobs.gov/api/search?Keyword=…&JobCategoryCode=0601&ResultsPerPage=100&Page=N``
with headers ``Host``, ``User-Agent`` (the e-mail the key was issued to) and
``Authorization-Key``. The key and e-mail come from ``USAJOBS_API_KEY`` and
``USAJOBS_EMAIL`` in the environment, live only in request headers, and are never logged
or stored. Without them the source is skipped once, with no request at all.

Paging follows ``SearchResult.UserArea.NumberOfPages`` (a string). Each search term is
its own paged query; results are merged on the control number (``MatchedObjectId``).
Federal announcements say who may apply (often U.S. citizens only) and whether a
clearance is needed; that text goes into the description so enrichment can see it.
"""

from __future__ import annotations

import html
import math
import os
import re
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
from researchjobs.spiders.values import as_dict as _obj
from researchjobs.spiders.values import as_id
from researchjobs.spiders.values import as_list as _list
from researchjobs.spiders.values import as_text as _text

API = "https://data.usajobs.gov/api/search"
HOST = "data.usajobs.gov"
PAGE_SIZE = 100
MAX_PAGE_SIZE = 500  # the documented maximum
MAX_PAGES = 20  # per search term
KEY_ENV = "USAJOBS_API_KEY"
EMAIL_ENV = "USAJOBS_EMAIL"
#: Registry params (snake case, as users write TOML) → Search API parameters.
PARAMS = {
    "series": "JobCategoryCode",
    "organization": "Organization",
    "location": "LocationName",
    "position_title": "PositionTitle",
    "who_may_apply": "WhoMayApply",
    "date_posted": "DatePosted",
    "radius": "Radius",
    "pay_grade_low": "PayGradeLow",
    "pay_grade_high": "PayGradeHigh",
}
_CONTROL = re.compile(r"/job/(\d{6,})")
_HTML_TAG = re.compile(r"<(p|br|ul|ol|li|div|strong|b|em|h\d)\b[^>]*>", re.I)


def search_url(params: dict[str, str], page: int = 1, per_page: int = PAGE_SIZE) -> str:
    query = {**params, "ResultsPerPage": str(per_page), "Page": str(page)}
    return f"{API}?{urlencode(query)}"


def search_params(source: Source, term: str | None) -> dict[str, str]:
    """The filters of one query: registry params plus this search term as ``Keyword``."""
    params: dict[str, str] = {}
    if term:
        params["Keyword"] = term
    for name, api_name in PARAMS.items():
        value = source.params.get(name)
        if isinstance(value, list):
            value = ";".join(str(v).strip() for v in value if str(v).strip())  # the API's list separator
        if value not in (None, "", []):
            params[api_name] = str(value)
    return params


def search_terms(source: Source) -> list[str | None]:
    terms = [t.strip() for t in source.search if t.strip()]
    keyword = text_or_none(source.params.get("keyword"))
    if keyword:
        terms.insert(0, keyword)
    return list(dict.fromkeys(terms)) or [None]


def parse_any(body: bytes, ctx: ParseContext) -> list[Posting]:
    """A search response (``SearchResult``) or one result item (``MatchedObjectDescriptor``)."""
    data = load_json(body, "USAJOBS JSON")
    if isinstance(data, dict) and isinstance(data.get("SearchResult"), dict):
        return parse_search(data, ctx)
    if isinstance(data, dict) and isinstance(data.get("MatchedObjectDescriptor"), dict):
        return [parse_item(data, ctx)]
    raise ParseError(_not_ours(data))


def _not_ours(data: Any) -> str:
    if isinstance(data, dict) and (data.get("Message") or data.get("message")):
        return f"USAJOBS error response: {str(data.get('Message') or data.get('message'))[:200]}"
    return "not a USAJOBS search response ('SearchResult') or item ('MatchedObjectDescriptor')"


def parse_search(data: Any, ctx: ParseContext) -> list[Posting]:
    if not isinstance(data, dict) or not isinstance(data.get("SearchResult"), dict):
        raise ParseError(_not_ours(data))
    items = data["SearchResult"].get("SearchResultItems")
    if items is None:
        return []  # the API omits the list when nothing matched
    if not isinstance(items, list):
        raise ParseError("SearchResult.SearchResultItems is not a list")
    return each_job(items, ctx, lambda item: parse_item(item, ctx), "SearchResultItems")


def number_of_pages(data: Any, per_page: int = PAGE_SIZE) -> int:
    """``UserArea.NumberOfPages`` (a string); else worked out from ``SearchResultCountAll``."""
    result = _obj(_obj(data).get("SearchResult"))
    pages = _obj(result.get("UserArea")).get("NumberOfPages")
    if isinstance(pages, str | int) and not isinstance(pages, bool):
        try:
            return max(0, int(str(pages).strip()))
        except ValueError:
            raise ParseError(f"UserArea.NumberOfPages is not a number: {str(pages)[:20]!r}") from None
    total = result.get("SearchResultCountAll")
    if isinstance(total, int) and not isinstance(total, bool) and total > 0:
        return math.ceil(total / per_page)
    return 1


def parse_item(item: dict[str, Any], ctx: ParseContext) -> Posting:
    desc = _obj(item.get("MatchedObjectDescriptor"))
    title = _text(desc.get("PositionTitle"))
    position_uri = _text(desc.get("PositionURI"))
    apply_uris = [u for u in (_text(x) for x in _list(desc.get("ApplyURI"))) if u]
    control = _control_number(item, desc, position_uri, apply_uris)
    if not control:
        raise UnreadableJobError(f"USAJOBS item without a usable control number: {str(item)[:120]}")
    if not title:
        raise UnreadableJobError(f"USAJOBS item {control} has no PositionTitle", control)
    url = position_uri or (f"https://www.usajobs.gov/job/{control}" if control.isdigit() else None)
    url = url or (apply_uris[0] if apply_uris else None)
    if not url:
        raise UnreadableJobError(f"USAJOBS item {control} has no PositionURI or ApplyURI", control)
    details = _obj(_obj(desc.get("UserArea")).get("Details"))
    locations = [_obj(loc) for loc in _list(desc.get("PositionLocation"))]
    names = list(dict.fromkeys(n for loc in locations if (n := _text(loc.get("LocationName")))))
    display = _text(desc.get("PositionLocationDisplay"))
    organization = _text(desc.get("OrganizationName"))
    department = _text(desc.get("DepartmentName"))
    pay, pay_raw = _remuneration(desc.get("PositionRemuneration"))
    return Posting(
        source_family="usajobs",
        source_id=ctx.source_id,
        source_job_id=control,
        title=title,
        url=canonical_url(url) or url,
        employer=organization or department or ctx.employer,
        employer_type=ctx.employer_type,
        department=department if department and department != organization else None,
        requisition_id=_text(desc.get("PositionID")),
        location_raw=(names[0] if len(names) == 1 else display) or (names[0] if names else None),
        locations_raw=names,
        country_raw=next((c for loc in locations if (c := _text(loc.get("CountryCode")))), None),
        workplace_raw=_workplace(details, display),
        employment_type=_first_name(desc.get("PositionSchedule")),
        date_published_raw=_text(desc.get("PublicationStartDate")),
        valid_through_raw=_text(desc.get("ApplicationCloseDate")),
        salary_raw=pay_raw,
        base_salary=pay,
        description_html_raw=_description(desc, details),
        apply_url=apply_uris[0] if apply_uris else canonical_url(url) or url,
        crawled_at=ctx.crawled_at,
        extra=_extra(desc, details),
    )


def _control_number(
    item: dict[str, Any], desc: dict[str, Any], position_uri: str | None, apply_uris: list[str]
) -> str | None:
    """``MatchedObjectId`` is the control number; edited data may carry the announcement
    number there instead, so a numeric id in the announcement's URL wins over a non-numeric one."""
    matched = as_id(item.get("MatchedObjectId"))
    if matched and matched.isdigit():
        return matched
    for uri in [position_uri, *apply_uris]:
        if uri and (m := _CONTROL.search(uri)):
            return m.group(1)
    return matched or as_id(desc.get("PositionID"))


def _remuneration(value: Any) -> tuple[dict[str, Any] | None, str | None]:
    for entry in _list(value):
        entry = _obj(entry)
        low, high = _number(entry.get("MinimumRange")), _number(entry.get("MaximumRange"))
        if low is None and high is None:
            continue
        code = _text(entry.get("RateIntervalCode"))
        label = _text(entry.get("Description"))
        raw = " ".join(p for p in (f"${_money(low)} - ${_money(high)}", label or code) if p)
        return {"min": low, "max": high, "currency": "USD", "period": code or label, "raw": label}, raw
    return None, None


def _money(value: float | None) -> str:
    if value is None:
        return "?"
    return f"{value:,.2f}".removesuffix(".00")


def _workplace(details: dict[str, Any], display: str | None) -> str | None:
    remote, telework = details.get("RemoteIndicator"), details.get("TeleworkEligible")
    if remote is True or (display and "remote job" in display.lower()):
        return "Remote"
    if telework is True:
        return "Hybrid (telework eligible)"
    if remote is False and telework is False:
        return "Onsite"
    return None  # one flag alone says too little; enrichment reads the text


def _description(desc: dict[str, Any], details: dict[str, Any]) -> str | None:
    """The announcement's sections as HTML, who-may-apply and clearance included, because
    that is where citizenship and clearance requirements are stated."""
    parts: list[str] = []

    def section(heading: str, value: Any) -> None:
        body = _block(value)
        if body:
            parts.append(f"<h3>{heading}</h3>\n{body}")

    section("Summary", details.get("JobSummary"))
    who = details.get("WhoMayApply")
    section("Who may apply", _obj(who).get("Name") if isinstance(who, dict) else who)
    section("Major duties", details.get("MajorDuties"))
    section("Qualifications", desc.get("QualificationSummary"))
    section("Key requirements", details.get("KeyRequirements"))
    section("Conditions of employment", details.get("Requirements"))
    section("Education", details.get("Education"))
    section("Security clearance", details.get("SecurityClearance"))
    section("Other information", details.get("OtherInformation"))
    facts = []
    low, high = _text(details.get("LowGrade")), _text(details.get("HighGrade"))
    plan = _first_code(desc.get("JobGrade"))
    if low or high:
        grades = low if low == high or not high else f"{low or '?'}–{high}"
        facts.append(f"Grade: {plan + ' ' if plan else ''}{grades}")
    for label, key in (("Telework eligible", "TeleworkEligible"), ("Remote job", "RemoteIndicator")):
        if isinstance(details.get(key), bool):
            facts.append(f"{label}: {'yes' if details[key] else 'no'}")
    if facts:
        parts.append("<ul>" + "".join(f"<li>{html.escape(f)}</li>" for f in facts) + "</ul>")
    return "\n".join(parts) or None


def _block(value: Any) -> str | None:
    if isinstance(value, list):
        items = [_inline(v) for v in value]
        items = [i for i in items if i]
        return "<ul>" + "".join(f"<li>{i}</li>" for i in items) + "</ul>" if items else None
    text = _inline(value)
    if not text:
        return None
    return text if _HTML_TAG.match(text) else f"<p>{text}</p>"


def _inline(value: Any) -> str | None:
    """Plain text escaped with line breaks kept; text that already is HTML passes unchanged."""
    text = _text(value)
    if not text:
        return None
    if _HTML_TAG.search(text):
        return text
    return "<br>".join(html.escape(line.strip()) for line in text.splitlines() if line.strip())


def _extra(desc: dict[str, Any], details: dict[str, Any]) -> dict[str, Any]:
    extra: dict[str, Any] = {}
    who = details.get("WhoMayApply")
    who_name = _text(_obj(who).get("Name")) if isinstance(who, dict) else _text(who)
    values: dict[str, Any] = {
        "announcement_number": _text(desc.get("PositionID")),
        "who_may_apply": who_name,
        "hiring_paths": [p for x in _list(details.get("HiringPath")) if (p := _text(x))] or None,
        "low_grade": _text(details.get("LowGrade")),
        "high_grade": _text(details.get("HighGrade")),
        "pay_plan": _first_code(desc.get("JobGrade")),
        "series": [c for x in _list(desc.get("JobCategory")) if (c := _text(_obj(x).get("Code")))] or None,
        "offering_type": _first_name(desc.get("PositionOfferingType")),
        "telework_eligible": _flag(details.get("TeleworkEligible")),
        "remote": _flag(details.get("RemoteIndicator")),
        "security_clearance": _text(details.get("SecurityClearance")),
        "total_openings": _text(details.get("TotalOpenings")),
        "position_start_date": _text(desc.get("PositionStartDate")),
        "position_end_date": _text(desc.get("PositionEndDate")),
        "location_display": _text(desc.get("PositionLocationDisplay")),
        "sub_agency": _text(details.get("SubAgencyName")),
    }
    for key, value in values.items():
        if value is not None:
            extra[key] = value
    return extra


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return None
    try:
        number = float(str(value).replace(",", "").replace("$", "").strip())
    except ValueError:
        return None
    return number if math.isfinite(number) and number > 0 else None


def _flag(value: Any) -> bool | None:
    return value if isinstance(value, bool) else None


def _first_name(value: Any) -> str | None:
    return next((n for x in _list(value) if (n := _text(_obj(x).get("Name")))), None)


def _first_code(value: Any) -> str | None:
    return next((c for x in _list(value) if (c := _text(_obj(x).get("Code")))), None)


class UsajobsSpider(SourceSpider):
    name = "usajobs"
    family = "usajobs"
    hosts = ("usajobs.gov",)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._headers: dict[str, dict[str, str]] = {}

    def requests_for(self, source: Source) -> Iterable[Any]:
        terms = search_terms(source)
        if terms == [None] and not search_params(source, None):
            # Unfiltered, the API pages through every federal job (tens of thousands).
            raise ValueError(
                "usajobs sources need a filter: search terms, or keyword, series, organization or location"
            )
        headers = self._auth_headers(source)
        if headers is None:
            return
        self._headers[source.id] = headers
        for term in terms:
            yield self._page(source, term, 1)

    def _auth_headers(self, source: Source) -> dict[str, str] | None:
        """The three headers the API requires, or None after skipping the source (once)."""
        key = os.environ.get(KEY_ENV, "").strip()
        email = os.environ.get(EMAIL_ENV, "").strip()
        if not key:
            self.skip(
                source.id,
                f"{KEY_ENV} is not set; request a key at https://developer.usajobs.gov/ "
                f"and export it with {EMAIL_ENV} (the e-mail it was issued to)",
            )
            return None
        if not email:
            self.skip(
                source.id,
                f"{EMAIL_ENV} is not set; the USAJOBS API needs the e-mail address "
                f"its key was issued to as User-Agent",
            )
            return None
        return {"Host": HOST, "User-Agent": email, "Authorization-Key": key}

    def _page(self, source: Source, term: str | None, page: int) -> Any:
        url = search_url(search_params(source, term), page, _page_size(source))
        return self.request(
            url,
            source,
            self.parse_search_response,
            headers=self._headers[source.id],
            # Never follow a redirect: it would carry Authorization-Key to another host.
            meta={"term": term, "page": page, "dont_redirect": True},
        )

    def parse_search_response(self, response: Any) -> Iterable[Any]:
        ctx = self.context(response)
        source = self.state[ctx.source_id].source
        size = _page_size(source)
        try:
            data = load_json(response.body, "USAJOBS JSON")
            postings = parse_search(data, ctx)
            pages = number_of_pages(data, size)
        except ParseError as exc:
            self.record_error(ctx.source_id, f"{exc} at {response.url}")
            return
        listed = self.state[ctx.source_id].seen_ids
        fresh = []
        for posting in postings:
            if posting.source_job_id not in listed:  # found by an earlier search term or page
                listed.add(posting.source_job_id)
                fresh.append(posting)
        yield from self.emit(response, fresh, ctx)
        page = response.meta["page"]
        listed = _list(_obj(data.get("SearchResult")).get("SearchResultItems"))  # skipped jobs count too
        if page < pages and listed:
            if page >= MAX_PAGES:
                self.record_error(
                    ctx.source_id, f"stopped after {MAX_PAGES} of {pages} pages; results incomplete"
                )
                return
            yield self._page(source, response.meta["term"], page + 1)


def _page_size(source: Source) -> int:
    value = source.params.get("page_size", PAGE_SIZE)
    ok = isinstance(value, int) and not isinstance(value, bool) and 0 < value <= MAX_PAGE_SIZE
    return value if ok else PAGE_SIZE
