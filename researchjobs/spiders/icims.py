"""iCIMS: the "Careers Site" (Jibe) JSON API, plus the classic portal's pages for ``parse``.

The spider crawls the Jibe API, ``GET https://{host}/api/jobs?page=N&limit=100[&keywords=TERM]``
(pages count from 1), which answers ``{totalCount, count, jobs: [{data: {...}}]}`` with
the full description in each job, so no detail requests are needed. Paging stops once
``totalCount`` jobs have been seen, on an empty page, or at ``MAX_PAGES``.

``parse_any`` also reads what the classic portal (``careers-{x}.icims.com``) serves:
the search page's ``li.iCIMS_JobCardItem`` cards and a job page's schema.org JSON-LD,
where iCIMS fills unknown address parts with the word ``UNAVAILABLE`` (read by the
shared JSON-LD parser in ``jsonld.py``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import replace
from typing import Any
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

from parsel import Selector

from researchjobs.posting import Posting, canonical_url
from researchjobs.sources import Source
from researchjobs.spiders.base import (
    ParseContext,
    ParseError,
    SourceSpider,
    UnreadableJobError,
    each_job,
    load_json,
)
from researchjobs.spiders.jsonld import parse_jsonld_html
from researchjobs.spiders.values import as_dict as _dict
from researchjobs.spiders.values import as_id
from researchjobs.spiders.values import as_int as _int
from researchjobs.spiders.values import as_list as _list
from researchjobs.spiders.values import as_number as _number
from researchjobs.spiders.values import as_text as _str

PAGE_SIZE = 100
MAX_PAGES = 100  # per search term: 10,000 jobs

_JOB_PATH = re.compile(r"/jobs/(\d+)(?:/|$)")
_LD_BLOCK = re.compile(
    rb"<script[^>]*type\s*=\s*[\"']?application/ld\+json[\"']?[^>]*>(.*?)</script\s*>", re.I | re.S
)
_XML_UNSAFE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def jobs_url(host: str, page: int, term: str = "", limit: int = PAGE_SIZE) -> str:
    query: dict[str, Any] = {"page": page, "limit": limit}
    if term:
        query["keywords"] = term
    return f"https://{host}/api/jobs?{urlencode(query)}"


# ------------------------------------------------------------------ parsing


def parse_any(body: bytes, ctx: ParseContext) -> list[Posting]:
    """Jibe API JSON, a classic search page (job cards) or a job page with JSON-LD."""
    head = body.lstrip()[:1]
    if head in (b"{", b"["):
        data = load_json(body, "iCIMS Jibe JSON")
        if isinstance(data, dict) and isinstance(data.get("jobs"), list):
            return parse_jobs_page(data, ctx)
        raise ParseError("not an iCIMS Careers Site (Jibe) response: no 'jobs' list")
    if b"iCIMS_JobCardItem" in body or b"iCIMS_JobsTable" in body:
        return parse_search_page(body, ctx)
    if _LD_BLOCK.search(body):
        return parse_job_page(body, ctx)
    load_json(body, "iCIMS Jibe JSON or an iCIMS page")  # raises with what came instead
    raise ParseError("not an iCIMS Jibe response, search page or job page")


# -- Jibe API


def parse_jobs_page(data: Any, ctx: ParseContext) -> list[Posting]:
    if not isinstance(data, dict) or not isinstance(data.get("jobs"), list):
        raise ParseError("iCIMS Jibe response has no 'jobs' list")
    return each_job(data["jobs"], ctx, lambda job: parse_jibe_job(_jibe_fields(job), ctx), "jobs")


def _jibe_fields(job: dict[str, Any]) -> dict[str, Any]:
    """A Jibe job's fields sit under ``data`` (or, in some answers, at the top)."""
    fields = job.get("data", job)
    if not isinstance(fields, dict):
        raise UnreadableJobError("its data is not an object")
    return fields


def total_count(data: Any) -> int | None:
    return _int(data.get("totalCount")) if isinstance(data, dict) else None


def parse_jibe_job(data: dict[str, Any], ctx: ParseContext) -> Posting:
    req_id = as_id(data.get("req_id"))
    slug = as_id(data.get("slug"))
    title = _str(data.get("title"))
    job_id = req_id or slug
    if not job_id:
        raise UnreadableJobError(f"iCIMS Jibe job without a usable req_id or slug: {str(data)[:120]}")
    if not title:
        raise UnreadableJobError(f"iCIMS Jibe job {job_id} has no title", job_id)
    apply_url = _str(data.get("apply_url"))
    url = _jibe_url(data, ctx, slug or job_id, apply_url)
    location = (
        _str(data.get("full_location"))
        or _str(data.get("location_name"))
        or ", ".join(p for p in (_str(data.get("city")), _str(data.get("state"))) if p)
        or None
    )
    locations = [location, *(_place_name(x) for x in _list(data.get("additional_locations")))]
    parts = [
        text
        for key in ("description", "responsibilities", "qualifications")
        if (text := _str(data.get(key)))
    ]
    extra = {
        key: value
        for key in ("slug", "client_code", "ats_code", "language")
        if (value := _str(data.get(key)))
    }
    meta = _dict(data.get("meta_data"))
    if not extra.get("client_code") and (code := _str(meta.get("client_code"))):
        extra["client_code"] = code
    categories = [c for c in (_place_name(x) for x in _list(data.get("categories"))) if c]
    if categories:
        extra["categories"] = categories
    return Posting(
        source_family="icims",
        source_id=ctx.source_id,
        source_job_id=job_id,
        title=title,
        url=canonical_url(url) or url,
        employer=_str(data.get("hiring_organization")) or ctx.employer,
        employer_type=ctx.employer_type,
        department=_str(data.get("department")) or (categories[0] if categories else None),
        requisition_id=req_id,
        location_raw=location,
        locations_raw=list(dict.fromkeys(loc for loc in locations if loc)),
        country_raw=_str(data.get("country_code")) or _str(data.get("country")),
        workplace_raw=_str(_dict(meta.get("googlejobs")).get("jobLocationType"))
        or _str(data.get("workplace_type")),
        employment_type=_str(data.get("employment_type")) or _str(data.get("type")),
        date_published_raw=_str(data.get("posted_date")) or _str(data.get("create_date")),
        date_updated_raw=_str(data.get("update_date")),
        salary_raw=_salary_text(data, ctx),
        base_salary=_jibe_salary(data),
        description_html_raw="\n".join(parts) if parts else None,
        apply_url=apply_url,
        crawled_at=ctx.crawled_at,
        extra=extra,
    )


def _jibe_url(data: dict[str, Any], ctx: ParseContext, slug: str, apply_url: str | None) -> str:
    """The job's page: the site's own canonical URL, else built from the host, else the portal's."""
    canonical = _str(_dict(data.get("meta_data")).get("canonical_url"))
    if canonical and canonical.startswith(("https://", "http://")):
        return canonical
    host = _host(ctx)
    if host:
        return f"https://{host}/jobs/{slug}"
    if apply_url and (match := re.match(r"^(https?://[^/]+/jobs/\d+)/login\b", apply_url)):
        return f"{match.group(1)}/job"
    raise ParseError(
        "an iCIMS Jibe job without a canonical URL needs the site's host: give --url or a registry --source"
    )


def _host(ctx: ParseContext) -> str | None:
    host = ctx.params.get("host")
    if isinstance(host, str) and host.strip():
        return host.strip()
    if ctx.url:
        try:
            return urlsplit(ctx.url).hostname
        except ValueError:
            return None
    return None


def _salary_text(data: dict[str, Any], ctx: ParseContext) -> str | None:
    """Pay as text: a tenant-chosen field (``salary_field``, e.g. ``tags8``) or the usual names."""
    names = [ctx.params.get("salary_field"), "salary", "salary_range", "pay_range", "compensation"]
    for name in names:
        if not isinstance(name, str):
            continue
        value = data.get(name)
        values = value if isinstance(value, list) else [value]
        if text := "; ".join(t for t in (_str(v) for v in values) if t):
            return text
    return None


def _jibe_salary(data: dict[str, Any]) -> dict[str, Any] | None:
    low = _number(data.get("salary_min_value"))
    high = _number(data.get("salary_max_value"))
    if low is None and high is None:
        return None
    return {
        "min": low,
        "max": high,
        "currency": _str(data.get("salary_currency")) or "USD",
        "period": _str(data.get("salary_period")) or _str(data.get("salary_unit")),
    }


# -- classic portal search page


def parse_search_page(body: bytes, ctx: ParseContext) -> list[Posting]:
    """``li.iCIMS_JobCardItem`` cards: title, link, "Job ID" and whatever header fields exist."""
    page = _selector(body)
    postings = []
    cards = page.css("li.iCIMS_JobCardItem") or page.css(".iCIMS_JobsTable > .row")
    for card in cards:
        link = card.css("a.iCIMS_Anchor, .title a")
        href = _str(link.attrib.get("href")) if link else None
        title = _card_title(card, link)
        if not href or not title:
            continue  # header rows and decorations share the container
        try:
            url = _strip_iframe(urljoin(ctx.url or "", href))
        except ValueError:
            continue  # not a URL (a malformed IPv6 host, for one)
        match = _JOB_PATH.search(_path(url))
        if not match:
            continue
        fields = _header_fields(card)
        location = fields.pop("job locations", None) or fields.pop("location", None)
        postings.append(
            Posting(
                source_family="icims",
                source_id=ctx.source_id,
                source_job_id=match.group(1),
                title=title,
                url=canonical_url(url) or url,
                employer=ctx.employer,
                employer_type=ctx.employer_type,
                department=fields.get("category"),
                requisition_id=fields.get("job id"),
                location_raw=location,
                locations_raw=[location] if location else [],
                employment_type=fields.get("position type") or fields.get("type"),
                date_published_raw=fields.get("posted date") or fields.get("date posted"),
                description=_text(card.css(".description")),
                apply_url=url,
                crawled_at=ctx.crawled_at,
                extra={"header_fields": fields} if fields else {},
            )
        )
    if not postings and not page.css("li.iCIMS_JobCardItem"):
        raise ParseError("iCIMS search page without job cards (li.iCIMS_JobCardItem)")
    return postings


def _card_title(card: Selector, link: Any) -> str | None:
    """The ``h3``; else the link's text without its screen-reader label; else its title attribute."""
    if heading := _text(card.css(".title h3, a.iCIMS_Anchor h3")[:1]):
        return heading
    if link:
        words = link[0].xpath(".//text()[not(ancestor::*[contains(@class, 'field-label')])]").getall()
        if text := " ".join(" ".join(words).split()):
            return text
        if attribute := _str(link.attrib.get("title")):
            return re.sub(r"^\d+\s*-\s*", "", attribute) or None
    return None


def _header_fields(card: Selector) -> dict[str, str]:
    """Label → value for a card's header tags ("Job ID" → "2026-8214", "Job Locations" → "US")."""
    fields: dict[str, str] = {}
    for tag in card.css(".iCIMS_JobHeaderTag"):
        label, value = _text(tag.css("dt")), _text(tag.css("dd"))
        if label and value:
            fields[label.lower()] = value
    for header in card.css(".header"):
        label = _text(header.css(".field-label"))
        value = " ".join(t.strip() for t in header.css("span:not(.field-label) ::text").getall() if t.strip())
        if label and value:
            fields.setdefault(label.lower(), value)
    return fields


def _strip_iframe(url: str) -> str:
    """``in_iframe=1`` only asks for the unframed page; the job is the same without it."""
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != "in_iframe"]
    return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(query), ""))


# -- classic portal job page (JSON-LD)


def parse_job_page(body: bytes, ctx: ParseContext) -> list[Posting]:
    """The job page's JSON-LD, read by the shared JSON-LD parser (one block at a time).

    The job is re-keyed by the portal's numeric id in ``/jobs/{id}/``: that is what the
    search cards and the Jibe API call it, while the JSON-LD identifier ("2026-8214")
    is only the requisition number shown to candidates.
    """
    postings = parse_jsonld_html(body, ctx)
    if not postings:
        raise ParseError("iCIMS job page without a JSON-LD JobPosting")
    keyed = []
    for posting in postings:
        match = _JOB_PATH.search(_path(posting.url))
        keyed.append(
            replace(
                posting,
                source_family="icims",
                source_job_id=match.group(1) if match else posting.source_job_id,
            )
        )
    return keyed


# ------------------------------------------------------------------ helpers


def _path(url: str) -> str:
    try:
        return urlsplit(url).path
    except ValueError:
        return ""


def _selector(body: bytes) -> Selector:
    text = _XML_UNSAFE.sub(" ", body.decode("utf-8", "replace"))
    return Selector(text=text or "<html></html>")


def _text(nodes: Any) -> str | None:
    return " ".join(" ".join(nodes.css("::text").getall()).split()) or None


def _place_name(value: Any) -> str | None:
    if isinstance(value, dict):
        return _str(value.get("name")) or _str(value.get("full_location")) or _str(value.get("location"))
    return _str(value)


# ------------------------------------------------------------------ spider


class IcimsSpider(SourceSpider):
    name = "icims"
    family = "icims"
    hosts = ("icims.com", "jibeapply.com")

    def requests_for(self, source: Source) -> Iterable[Any]:
        for term in dict.fromkeys(t.strip() for t in source.search or [""]):
            yield self._page(source, term, 1, 0)

    def _page(self, source: Source, term: str, page: int, seen: int) -> Any:
        url = jobs_url(source.params["host"], page, term, _page_size(source))
        return self.request(
            url,
            source,
            self.parse_jobs_response,
            headers={"Accept": "application/json"},
            dont_filter=True,  # our own claims dedupe; two sources may share a board
            meta={"term": term, "page": page, "seen": seen},
        )

    def parse_jobs_response(self, response: Any) -> Iterable[Any]:
        ctx = self.context(response)
        source = self.state[ctx.source_id].source
        term, page = response.meta["term"], response.meta["page"]
        try:
            data = load_json(response.body, "iCIMS Jibe JSON")
            postings = parse_jobs_page(data, ctx)
        except ParseError as exc:
            self.record_error(ctx.source_id, f"{exc} at {response.url}")
            return
        claimed = self.state[ctx.source_id].seen_ids
        fresh = [p for p in postings if p.source_job_id not in claimed]
        claimed.update(p.source_job_id for p in fresh)
        yield from self.emit(response, fresh, ctx)
        listed = len(data["jobs"])  # skipped jobs count: paging follows the list
        seen = response.meta["seen"] + listed
        total = total_count(data)
        more = listed > 0 and (seen < total if total is not None else listed >= _page_size(source))
        if not more:
            return
        if page >= MAX_PAGES:
            self.record_error(ctx.source_id, f"stopped search {term!r} after {MAX_PAGES} pages; site incomplete")
            return
        yield self._page(source, term, page + 1, seen)


def _page_size(source: Source) -> int:
    value = source.params.get("page_size", PAGE_SIZE)
    return value if isinstance(value, int) and not isinstance(value, bool) and 0 < value <= PAGE_SIZE else PAGE_SIZE
