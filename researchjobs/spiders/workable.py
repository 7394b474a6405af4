"""Workable: the v3 accounts API says which jobs a board has, the v1 widget adds their text.

``POST https://apply.workable.com/api/v3/accounts/{account}/jobs`` with
``{"query": "", "location": [], "department": [], "worktype": [], "remote": []}``
answers ``{total, results[], nextPage}``, ten jobs a page; the next page is asked for by
adding ``"token": nextPage`` to the same body. Results carry ``shortcode``, ``title``,
``remote``, ``location`` {country, countryCode, city, region}, ``locations[]``,
``state``, ``isInternal``, ``code``, ``published`` (ISO), ``type`` ("full"),
``language``, ``department[]`` and ``workplace`` (on_site / hybrid / remote), but no
text. Search terms go in ``query``, one paged list per term.

``GET https://apply.workable.com/api/v1/widget/accounts/{account}?details=true`` gives
every job with its ``description`` in one answer, but lists a job once per location
(the same ``shortcode`` for Spain and for Portugal) and has no total. So the crawl
pages v3 for the set, then asks the widget once for the text; the widget's copies of
a job are one posting with all their locations. A failed widget costs the text, never
the jobs. One host serves every Workable account, and it answers bursts with 429:
requests go one at a time, two seconds apart.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, ClassVar
from urllib.parse import quote, unquote, urlsplit

from scrapy.http import JsonRequest

from researchjobs.posting import Posting, canonical_url
from researchjobs.sources import Source
from researchjobs.spiders.base import ParseContext, ParseError, load_json
from researchjobs.spiders.boards import BoardSpider, merge, merge_copies, place, read_jobs, union
from researchjobs.spiders.values import as_dict as _obj
from researchjobs.spiders.values import as_id as _id
from researchjobs.spiders.values import as_list as _list
from researchjobs.spiders.values import as_text as _text

HOST = "apply.workable.com"
API = f"https://{HOST}/api"
#: v3 pages followed per search term (ten jobs each); more make the crawl partial.
MAX_PAGES = 100
_ACCOUNT_PATH = re.compile(r"^/api/(?:v3|v1/widget)/accounts/([^/]+)")
#: The text sections of a job, in reading order, with the heading Workable's page gives them.
_SECTIONS = (("description", None), ("requirements", "Requirements"), ("benefits", "Benefits"))


def jobs_url(account: str) -> str:
    return f"{API}/v3/accounts/{quote(account, safe='')}/jobs"


def jobs_body(query: str = "", token: str | None = None) -> dict[str, Any]:
    """The body the careers page itself sends; Workable refuses unexpected keys."""
    body: dict[str, Any] = {"query": query, "location": [], "department": [], "worktype": [], "remote": []}
    if token:
        body["token"] = token
    return body


def widget_url(account: str) -> str:
    return f"{API}/v1/widget/accounts/{quote(account, safe='')}?details=true"


def job_url(account: str, shortcode: str) -> str:
    return f"https://{HOST}/{quote(account, safe='')}/j/{quote(shortcode, safe='')}/"


@dataclass
class JobsPage:
    """One v3 page: its jobs and what paging needs."""

    postings: list[Posting] = field(default_factory=list)
    count: int = 0  # results on the page, readable or not
    total: int | None = None
    next_token: str | None = None


def parse_any(body: bytes, ctx: ParseContext) -> list[Posting]:
    """A v3 jobs page (``results``), the v1 widget (``jobs``), or one job (``shortcode`` + ``title``)."""
    data = load_json(body, "Workable JSON")
    if isinstance(data, dict) and isinstance(data.get("results"), list):
        return parse_jobs_page(data, ctx).postings
    if isinstance(data, dict) and isinstance(data.get("jobs"), list):
        return parse_widget(data, ctx)
    if isinstance(data, dict) and "shortcode" in data and "title" in data:
        return [p for p in [parse_result(data, ctx)] if p is not None]
    raise ParseError(_not_ours(data))


def _not_ours(data: Any) -> str:
    if isinstance(data, dict) and (data.get("error") or data.get("message")):
        return f"Workable error response: {str(data.get('error') or data.get('message'))[:200]}"
    return "not a Workable jobs page ('results'), widget ('jobs') or job ('shortcode' and 'title')"


def parse_jobs_page(data: Any, ctx: ParseContext) -> JobsPage:
    if not isinstance(data, dict) or not isinstance(data.get("results"), list):
        raise ParseError(_not_ours(data))
    total = data.get("total")
    return JobsPage(
        postings=read_jobs(data["results"], ctx, parse_result, "results"),
        count=len(data["results"]),
        total=total if isinstance(total, int) and not isinstance(total, bool) else None,
        next_token=_text(data.get("nextPage")),
    )


def parse_result(job: dict[str, Any], ctx: ParseContext) -> Posting | None:
    """A v3 result (or a single job of the same shape); None for internal or unpublished jobs."""
    if job.get("isInternal") is True:
        return None
    state = _text(job.get("state"))
    if state and state != "published":
        return None
    shortcode, title = _id(job.get("shortcode")), _text(job.get("title"))
    if not shortcode or not title:
        raise ParseError(f"Workable job without shortcode or title: {str(job)[:120]}")
    account = _account(ctx)
    location = _obj(job.get("location"))
    where = _place(location)
    # ``locations`` repeats the primary place, sometimes with fewer parts (no region).
    others = [
        p for loc in map(_obj, _list(job.get("locations")))
        if (p := _place(loc)) and (_text(loc.get("city")) or "").lower() != (_text(location.get("city")) or "-").lower()
    ]  # fmt: skip
    departments = [d for d in (_text(x) for x in _list(job.get("department"))) if d]
    url = job_url(account, shortcode)
    extra: dict[str, Any] = {k: v for k in ("id", "language") if (v := _text(job.get(k)))}
    if departments:
        extra["departments"] = departments
    if isinstance(job.get("remote"), bool):
        extra["remote"] = job["remote"]
    return Posting(
        source_family="workable",
        source_id=ctx.source_id,
        source_job_id=shortcode,
        title=title,
        url=canonical_url(url) or url,
        employer=ctx.employer or account,
        employer_type=ctx.employer_type,
        department=departments[0] if departments else _text(job.get("department")),
        requisition_id=_text(job.get("code")),
        location_raw=where or (others[0] if others else None),
        locations_raw=union([where] if where else [], others),
        country_raw=_text(location.get("countryCode")) or _text(location.get("country")),
        workplace_raw=_text(job.get("workplace")) or ("remote" if job.get("remote") is True else None),
        employment_type=_text(job.get("type")),
        date_published_raw=_text(job.get("published")),
        description_html_raw=_sections(job),
        apply_url=url,
        crawled_at=ctx.crawled_at,
        extra=extra,
    )


def parse_widget(data: Any, ctx: ParseContext) -> list[Posting]:
    """The v1 widget's jobs, one posting per ``shortcode`` with the locations of every copy."""
    if not isinstance(data, dict) or not isinstance(data.get("jobs"), list):
        raise ParseError(_not_ours(data))
    company = _text(data.get("name"))
    return read_jobs(data["jobs"], ctx, lambda job, c: parse_widget_job(job, c, company), "jobs")


def parse_widget_job(job: dict[str, Any], ctx: ParseContext, company: str | None = None) -> Posting:
    """One widget entry; ``company`` is the widget's ``name`` for the account."""
    shortcode, title = _id(job.get("shortcode")), _text(job.get("title"))
    if not shortcode or not title:
        raise ParseError(f"Workable widget job without shortcode or title: {str(job)[:120]}")
    account = _account(ctx)
    where = place(job.get("city"), job.get("state"), job.get("country"))
    listed = [_obj(loc) for loc in _list(job.get("locations")) if _obj(loc).get("hidden") is not True]
    others = [p for loc in listed if (p := _place(loc))]
    url = _text(job.get("url")) or _text(job.get("shortlink")) or job_url(account, shortcode)
    extra: dict[str, Any] = {
        k: v
        for k in ("created_at", "education", "experience", "function", "industry", "shortlink")
        if (v := _text(job.get(k)))
    }
    if isinstance(job.get("telecommuting"), bool):
        extra["telecommuting"] = job["telecommuting"]
    return Posting(
        source_family="workable",
        source_id=ctx.source_id,
        source_job_id=shortcode,
        title=title,
        url=canonical_url(url) or url,
        employer=ctx.employer or company or account,
        employer_type=ctx.employer_type,
        department=_text(job.get("department")),
        requisition_id=_text(job.get("code")),
        location_raw=where or (others[0] if others else None),
        locations_raw=union([where] if where else [], others),
        country_raw=next((c for loc in listed if (c := _text(loc.get("countryCode")))), None)
        or _text(job.get("country")),
        workplace_raw="remote" if job.get("telecommuting") is True else None,
        employment_type=_text(job.get("employment_type")),
        date_published_raw=_text(job.get("published_on")),
        description_html_raw=_sections(job),
        apply_url=_text(job.get("application_url")) or url,
        crawled_at=ctx.crawled_at,
        extra=extra,
    )


def with_widget(listed: Posting, widget: Posting | None) -> Posting:
    """A v3 job completed by its widget copy: v3 wins where it speaks (its URL, place, date,
    workplace), the widget adds the text, the apply link and the locations v3 did not name."""
    if widget is None:
        return listed
    merged = merge(widget, listed)
    # The widget has one entry per place, each complete; v3's extra places may lack a region.
    merged.locations_raw = union([merged.location_raw] if merged.location_raw else [], widget.locations_raw)
    merged.apply_url = widget.apply_url or merged.apply_url  # v3 has no apply link of its own
    return merged


def _place(location: dict[str, Any]) -> str | None:
    return place(location.get("city"), location.get("region"), location.get("country"))


def _sections(job: dict[str, Any]) -> str | None:
    parts: list[str] = []
    for key, heading in _SECTIONS:
        value = job.get(key)
        if not isinstance(value, str) or not value.strip():
            continue
        parts.append(f"<h3>{html.escape(heading)}</h3>\n{value}" if heading and parts else value)
    return "\n".join(parts) or None


def _account(ctx: ParseContext) -> str:
    """The registry's account, else the one in the API URL the answer came from."""
    account = ctx.params.get("account")
    if isinstance(account, str) and account.strip():
        return account.strip()
    if ctx.url:
        try:
            parts = urlsplit(ctx.url)
        except ValueError:
            parts = None
        if parts is not None and parts.hostname == HOST:
            match = _ACCOUNT_PATH.match(parts.path)
            if match:
                return unquote(match.group(1))
    return ctx.source_id.split(":", 1)[-1]


class WorkableSpider(BoardSpider):
    """Per source: every v3 page of every search term, one after another, then the widget."""

    name = "workable"
    family = "workable"
    param = "account"
    what = "Workable JSON"
    # apply.workable.com serves every account and answers bursts with 429.
    custom_settings: ClassVar[dict[str, Any]] = {"CONCURRENT_REQUESTS_PER_DOMAIN": 1, "DOWNLOAD_DELAY": 2.0}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        #: Jobs listed by v3 so far, per source, waiting for the widget's text.
        self.listed: dict[str, dict[str, Posting]] = {}

    def requests_for(self, source: Source) -> Iterable[Any]:
        self.identifier(source)
        self.listed[source.id] = {}
        yield self._page(source, self._terms(source), 0, None, 1)

    @staticmethod
    def _terms(source: Source) -> list[str]:
        return list(dict.fromkeys(t.strip() for t in source.search if t.strip())) or [""]

    def _page(self, source: Source, terms: list[str], index: int, token: str | None, page: int) -> Any:
        return JsonRequest(
            jobs_url(self.identifier(source)),
            data=jobs_body(terms[index], token),
            callback=self.parse_page_response,
            errback=self.page_failed,
            dont_filter=True,
            meta={"source_id": source.id, "terms": terms, "index": index, "token": token, "page": page},
        )

    def parse_page_response(self, response: Any) -> Iterable[Any]:
        ctx = self.context(response)
        meta = response.meta
        where = f"{response.url} (search {meta['terms'][meta['index']]!r}, page {meta['page']})"
        try:
            page = parse_jobs_page(load_json(response.body, self.what), ctx)
        except ParseError as exc:
            self.record_error(ctx.source_id, f"{exc} at {where}")
            yield from self._after_term(ctx.source_id, meta)
            return
        yield from self.emit(response, [], ctx)  # records the page's warnings
        listed = self.listed[ctx.source_id]
        for posting in merge_copies([*listed.values(), *page.postings]):
            listed[posting.source_job_id] = posting
        token = page.next_token
        if not token or not page.count:
            yield from self._after_term(ctx.source_id, meta)
            return
        cap = self.settings.getint("WORKABLE_MAX_PAGES", MAX_PAGES)
        if token == meta["token"]:
            self.record_error(ctx.source_id, f"Workable repeated page token {token[:40]!r} at {where}")
        elif meta["page"] >= cap:
            self.record_error(ctx.source_id, f"stopped after {cap} pages; list incomplete at {where}")
        else:
            source = self.state[ctx.source_id].source
            yield self._page(source, meta["terms"], meta["index"], token, meta["page"] + 1)
            return
        yield from self._after_term(ctx.source_id, meta)

    def page_failed(self, failure: Any) -> Iterable[Any]:
        self.errback(failure)
        request = failure.request
        yield from self._after_term(request.meta["source_id"], request.meta)

    def _after_term(self, source_id: str, meta: dict[str, Any]) -> Iterable[Any]:
        """The next search term's first page, else the widget (when v3 listed anything)."""
        source = self.state[source_id].source
        if meta["index"] + 1 < len(meta["terms"]):
            yield self._page(source, meta["terms"], meta["index"] + 1, None, 1)
        elif self.listed.get(source_id):
            yield self.request(
                widget_url(self.identifier(source)),
                source,
                self.parse_widget_response,
                errback=self.widget_failed,
                headers={"Accept": "application/json"},
            )

    def parse_widget_response(self, response: Any) -> Iterable[Posting]:
        ctx = self.context(response)
        listed = self.listed.pop(ctx.source_id, {})
        try:
            data = load_json(response.body, self.what)
            widget = {p.source_job_id: p for p in parse_widget(data, ctx)}
        except ParseError as exc:
            self.record_error(ctx.source_id, f"widget: {exc} at {response.url}; jobs kept without their text")
            widget = {}
        yield from self.emit(response, [with_widget(p, widget.get(k)) for k, p in listed.items()], ctx)

    def widget_failed(self, failure: Any) -> Iterable[Posting]:
        self.errback(failure)
        request = failure.request
        listed = self.listed.pop(request.meta["source_id"], {})
        yield from self.emit(request, list(listed.values()))
