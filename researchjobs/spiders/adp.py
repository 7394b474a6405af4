"""ADP Workforce Now career centres: the public ``job-requisitions`` JSON behind the page.

Every employer's career centre is on ``workforcenow.adp.com``, named by its client id
(``cid``, a GUID) and career-centre id (``ccId``):
``…/mascsr/default/mdf/recruitment/recruitment.html?cid=…&ccId=…`` is a script-rendered
page whose data comes from
``GET …/mascsr/default/careercenter/public/events/staffing/v1/job-requisitions?cid=…&ccId=…&lang=en_US&locale=en_US&$top=20&$skip=N``.
The answer is ``{meta: {startSequence, totalNumber}, jobRequisitions: [...]}``; pages
are walked by ``$skip`` until ``totalNumber`` (accounts have been seen to return at most 20
per call whatever ``$top`` asks). Each requisition: ``itemID`` ("9205234334470_1"),
``requisitionTitle``, ``postDate`` (ISO with offset), ``requisitionLocations[].nameCode.shortName``
(" US", " Boston, MA, US": with a leading space) and ``address``, ``organizationalUnits``,
and on fuller answers ``customFieldGroup.stringFields`` (the ``ExternalJobID`` the public
job link uses), ``payGradeRange`` and ``workLevelCode``. The job's page is
``recruitment.html?cid=…&ccId=…&jobId={ExternalJobID}``; when the answer lacks that id
the job's own API resource (``…/job-requisitions/{itemID}?cid=…``) is its URL. List only.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, ClassVar
from urllib.parse import parse_qsl, quote, urlencode, urlsplit

from researchjobs.posting import Posting, canonical_url
from researchjobs.sources import Source
from researchjobs.spiders.base import ParseContext, ParseError, load_json
from researchjobs.spiders.paging import ListPage, PagedSpider, list_page
from researchjobs.spiders.values import as_dict as _dict
from researchjobs.spiders.values import as_id as _id
from researchjobs.spiders.values import as_list as _list
from researchjobs.spiders.values import as_number as _number
from researchjobs.spiders.values import as_text as _str

HOST = "workforcenow.adp.com"
API = f"https://{HOST}/mascsr/default/careercenter/public/events/staffing/v1/job-requisitions"
PAGE = f"https://{HOST}/mascsr/default/mdf/recruitment/recruitment.html"
PAGE_SIZE = 20


@dataclass(frozen=True)
class CareerCentre:
    cid: str
    cc_id: str | None = None

    def _ids(self) -> dict[str, str]:
        return {"cid": self.cid, **({"ccId": self.cc_id} if self.cc_id else {})}

    def list_url(self, skip: int) -> str:
        query = {**self._ids(), "lang": "en_US", "locale": "en_US", "$top": PAGE_SIZE, "$skip": skip}
        return f"{API}?{urlencode(query, safe='$')}"

    def resource_url(self, item_id: str) -> str:
        return f"{API}/{quote(item_id, safe='')}?{urlencode({**self._ids(), 'lang': 'en_US'})}"

    def page_url(self, job_id: str | None = None) -> str:
        query = {**self._ids(), "lang": "en_US", **({"jobId": job_id} if job_id else {})}
        return f"{PAGE}?{urlencode(query)}"


def centre_for(params: dict[str, Any], url: str | None = None) -> CareerCentre | None:
    """From registry params, else from the ``cid``/``ccId`` of any career-centre or API URL."""
    cid = _str(params.get("cid"))
    if cid:
        return CareerCentre(cid, _str(params.get("ccId")))
    if not url:
        return None
    try:
        query = {k.lower(): v.strip() for k, v in parse_qsl(urlsplit(url).query)}
    except ValueError:
        return None
    return CareerCentre(query["cid"], query.get("ccid") or None) if query.get("cid") else None


# ------------------------------------------------------------------ parsing


def parse_any(body: bytes, ctx: ParseContext) -> list[Posting]:
    """A ``job-requisitions`` answer (``jobRequisitions``)."""
    return parse_requisitions(load_json(body, "ADP JSON"), ctx).postings


def parse_requisitions(data: Any, ctx: ParseContext) -> ListPage:
    if not isinstance(data, dict):
        raise ParseError("ADP answer is not an object")
    rows = data.get("jobRequisitions")
    if rows is None and isinstance(data.get("meta"), dict):
        rows = []  # an empty career centre answers with meta alone
    if not isinstance(rows, list):
        if data.get("confirmMessage") or data.get("errorMessage") or data.get("message"):
            raise ParseError(f"ADP error answer: {str(data)[:160]}")
        raise ParseError("not an ADP job-requisitions answer: no 'jobRequisitions' list")
    hint = (
        "an ADP answer does not name its career centre: give the request URL "
        "(--url with ?cid=…) or a registry --source"
    )
    return list_page(
        rows,
        _dict(data.get("meta")).get("totalNumber"),
        ctx,
        "jobRequisitions",
        centre_for(ctx.params, ctx.url),
        hint,
        lambda row, centre: parse_requisition(row, ctx, centre),
    )


def parse_requisition(row: Any, ctx: ParseContext, centre: CareerCentre) -> Posting:
    if not isinstance(row, dict):
        raise ParseError("not an object")
    item, title = _id(row.get("itemID")), _str(row.get("requisitionTitle"))
    if not item or not title:
        raise ParseError(f"no itemID or requisitionTitle: {str(row)[:120]}")
    external = _custom(row, "stringFields", "ExternalJobID")
    url = centre.page_url(external) if external else centre.resource_url(item)
    places = [p for p in (_place(loc) for loc in _list(row.get("requisitionLocations"))) if p]
    units = [u for u in (_name(unit) for unit in _list(row.get("organizationalUnits"))) if u]
    description = _str(row.get("requisitionDescription"))
    extra: dict[str, Any] = {"item_id": item}
    if external:
        extra["external_job_id"] = external
    if units[1:]:
        extra["organizational_units"] = units
    return Posting(
        source_family="adp",
        source_id=ctx.source_id,
        source_job_id=item,
        title=" ".join(title.split()),
        url=canonical_url(url) or url,
        employer=_str(row.get("companyName")) or ctx.employer,
        employer_type=ctx.employer_type,
        department=units[0] if units else None,
        requisition_id=_str(row.get("clientRequisitionID")) or external,
        location_raw=places[0] if places else None,
        locations_raw=places if len(places) > 1 else [],
        country_raw=_country(row),
        employment_type=_name(row.get("workLevelCode")),
        date_published_raw=_str(row.get("postDate")),
        base_salary=_pay(row),
        description_html_raw=description,
        apply_url=centre.page_url(external) if external else centre.page_url(),
        crawled_at=ctx.crawled_at,
        extra=extra,
    )


def _name(code: Any) -> str | None:
    """``{nameCode: {shortName}}`` or ``{shortName}``: ADP's code lists carry a display name."""
    node = _dict(code)
    inner = _dict(node.get("nameCode")) or node
    return _str(inner.get("shortName")) or _str(inner.get("longName")) or _str(inner.get("codeValue"))


def _place(location: Any) -> str | None:
    loc = _dict(location)
    if named := _name(loc):
        return named
    address = _dict(loc.get("address"))
    region = _dict(address.get("countrySubdivisionLevel1"))
    parts = (_str(address.get("cityName")), _str(region.get("codeValue")), _str(address.get("countryCode")))
    return ", ".join(p for p in parts if p) or None


def _country(row: dict[str, Any]) -> str | None:
    for location in _list(row.get("requisitionLocations")):
        if code := _str(_dict(_dict(location).get("address")).get("countryCode")):
            return code
    return None


def _custom(row: dict[str, Any], kind: str, code: str) -> str | None:
    for item in _list(_dict(row.get("customFieldGroup")).get(kind)):
        node = _dict(item)
        if _str(_dict(node.get("nameCode")).get("codeValue")) == code:
            return _str(node.get("stringValue")) or _name(node)
    return None


def _pay(row: dict[str, Any]) -> dict[str, Any] | None:
    pay = _dict(row.get("payGradeRange"))
    low_rate, high_rate = _dict(pay.get("minimumRate")), _dict(pay.get("maximumRate"))
    low, high = _number(low_rate.get("amountValue")), _number(high_rate.get("amountValue"))
    if not low and not high:
        return None
    for item in _list(_dict(row.get("customFieldGroup")).get("codeFields")):
        if _str(_dict(_dict(item).get("nameCode")).get("codeValue")) == "SalaryType":
            period = _str(_dict(item).get("shortName"))
            break
    else:
        period = None
    currency = _str(low_rate.get("currencyCode")) or _str(high_rate.get("currencyCode")) or "USD"
    return {"min": low or high, "max": high or low, "currency": currency, "period": period, "raw": None}


# ------------------------------------------------------------------ spider


class AdpSpider(PagedSpider):
    name = "adp"
    family = "adp"
    page_size = PAGE_SIZE
    max_pages = 100  # 2,000 requisitions
    # One host serves every ADP customer's career centre: one request at a time.
    custom_settings: ClassVar[dict[str, Any]] = {"CONCURRENT_REQUESTS_PER_DOMAIN": 1, "DOWNLOAD_DELAY": 1.0}

    def requests_for(self, source: Source) -> Iterable[Any]:
        centre = centre_for(source.params)
        if centre is None:
            raise ValueError("adp sources need cid")
        yield self._page(source, centre, 0, 1)

    def _page(self, source: Source, centre: CareerCentre, skip: int, number: int) -> Any:
        meta = {"centre": centre, "skip": skip, "page": number}
        headers = {"Accept": "application/json"}
        return self.request(centre.list_url(skip), source, self.parse_list_response, headers=headers, meta=meta)

    def parse_list_response(self, response: Any) -> Iterable[Any]:
        ctx = self.context(response)
        skip, number = response.meta["skip"], response.meta["page"]
        try:
            page = parse_requisitions(load_json(response.body, "ADP JSON"), ctx)
        except ParseError as exc:
            self.record_error(ctx.source_id, f"{exc} at {response.url}")
            return
        yield from self.emit_fresh(response, ctx, page.postings)
        following = self.next_offset(ctx, page, skip, number, "")
        if following is not None:
            yield self._page(self.state[ctx.source_id].source, response.meta["centre"], following, number + 1)
