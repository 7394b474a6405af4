"""Personio: the public XML feed of a company's career site, ``https://{company}.jobs.personio.de/xml``.

One GET returns every published position (no paging) as ``<workzag-jobs>`` with one
``<position>`` each: ``id``, ``name``, ``office`` and ``additionalOffices/office``,
``department``, ``subcompany``, ``recruitingCategory``, ``employmentType``
(``permanent``, ``intern``, ...), ``schedule`` (``full-time``/``part-time``),
``seniority``, ``yearsOfExperience`` (``2-5``; absent on some), ``occupation`` and
``occupationCategory`` (slugs), ``createdAt`` (ISO with offset) and
``jobDescriptions/jobDescription{name, value}`` whose values are HTML in CDATA (the
feed may leave ``jobDescriptions`` empty). A position's page is
``https://{host}/job/{id}``. Two positions may share a name (one per office), so
they are keyed by id; a repeated id is kept once.

Some career sites live on ``{company}.jobs.personio.com``: the entry then sets
``host``. An optional ``language`` (``en``, ``de``, ...) asks for that translation.
XML is parsed without entity expansion, DTD loading or network access.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from lxml import etree

from researchjobs.posting import Posting
from researchjobs.sources import Source
from researchjobs.spiders.base import ParseContext, ParseError, SourceSpider, text_or_none
from researchjobs.spiders.links import host_of
from researchjobs.spiders.skips import check_not_all_skipped

#: Positions read from one feed; a longer feed is cut and the crawl marked incomplete.
MAX_POSITIONS = 5000

_COMPANY = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$", re.I)
_LANGUAGE = re.compile(r"^[a-z]{2}$")
_ID = re.compile(r"^\d{1,18}$")
_TAG = re.compile(r"<[a-zA-Z/!][^>]*>")
_PARSER_OPTIONS = dict(
    recover=False, resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False, remove_comments=True
)


def feed_host(params: dict[str, Any]) -> str:
    host = params.get("host")
    if isinstance(host, str) and host.strip():
        return host.strip().lower().rstrip(".")
    company = str(params.get("company", ""))
    if not _COMPANY.match(company):
        raise ValueError(f"company must be the jobs.personio.de subdomain, got {company!r}")
    return f"{company.lower()}.jobs.personio.de"


def feed_url(params: dict[str, Any]) -> str:
    language = params.get("language")
    if language is not None and (not isinstance(language, str) or not _LANGUAGE.match(language)):
        raise ValueError(f"language must be a two-letter code such as 'en', got {language!r}")
    query = f"?{urlencode({'language': language})}" if language else ""
    return f"https://{feed_host(params)}/xml{query}"


@dataclass
class Feed:
    postings: list[Posting] = field(default_factory=list)
    truncated: bool = False


def parse_any(body: bytes, ctx: ParseContext) -> list[Posting]:
    """The ``/xml`` feed (``<workzag-jobs>``)."""
    return read_feed(body, ctx).postings


def parse_xml(body: bytes) -> Any:
    body = body.lstrip(b"\xef\xbb\xbf \t\r\n")
    if not body:
        raise ParseError("empty response, expected Personio's XML feed")
    try:
        root = etree.fromstring(body, parser=etree.XMLParser(**_PARSER_OPTIONS))
    except (etree.XMLSyntaxError, ValueError) as exc:
        if body[:200].lower().startswith((b"<!doctype html", b"<html")):
            raise ParseError("expected Personio's XML feed, got an HTML page") from None
        raise ParseError(f"malformed Personio XML: {exc}") from None
    name = etree.QName(root).localname if isinstance(root.tag, str) else "?"
    if name.lower() == "html":
        raise ParseError("expected Personio's XML feed, got an HTML page")
    if name != "workzag-jobs":
        raise ParseError(f"not a Personio feed: root element <{name}>, expected <workzag-jobs>")
    return root


def read_feed(body: bytes, ctx: ParseContext) -> Feed:
    root = parse_xml(body)
    positions = [el for el in root if _local(el) == "position"]
    feed = Feed()
    if len(positions) > MAX_POSITIONS:
        positions, feed.truncated = positions[:MAX_POSITIONS], True
    seen: set[str] = set()
    before = len(ctx.warnings)
    for index, position in enumerate(positions, 1):
        try:
            posting = posting_from_position(position, ctx)
        except ParseError as exc:
            ctx.warnings.append(f"position {index}: {exc}: skipped")
            continue
        if posting.source_job_id in seen:
            continue  # the same position listed twice
        seen.add(posting.source_job_id)
        feed.postings.append(posting)
    check_not_all_skipped(ctx, before, len(feed.postings))
    return feed


def _local(element: Any) -> str:
    return etree.QName(element).localname if isinstance(element.tag, str) else ""


def _child(element: Any, name: str) -> Any:
    return next((c for c in element if _local(c) == name), None)


def _text(element: Any, name: str) -> str | None:
    child = _child(element, name)
    return text_or_none("".join(child.itertext())) if child is not None else None


def posting_from_position(position: Any, ctx: ParseContext) -> Posting:
    job_id = _text(position, "id")
    title = _text(position, "name")
    if not job_id or not _ID.match(job_id) or not title:
        raise ParseError(f"no numeric id or no name (id {job_id!r})")
    host, guessed = _host(ctx)
    url = f"https://{host}/job/{job_id}"
    office = _text(position, "office")
    extra_offices = _child(position, "additionalOffices")
    offices = [office] if office else []
    if extra_offices is not None:
        offices += [t for el in extra_offices if _local(el) == "office" and (t := text_or_none("".join(el.itertext())))]
    offices = list(dict.fromkeys(offices))
    kinds = [k for k in (_text(position, "schedule"), _text(position, "employmentType")) if k]
    extra = {
        key: value
        for key, name in (
            ("subcompany", "subcompany"),
            ("recruiting_category", "recruitingCategory"),
            ("seniority", "seniority"),
            ("years_of_experience", "yearsOfExperience"),
            ("occupation", "occupation"),
            ("occupation_category", "occupationCategory"),
            ("keywords", "keywords"),
        )
        if (value := _text(position, name))
    }
    if guessed:
        extra["url_is_guessed"] = True  # no feed URL and no company: pass --url to `parse`
    return Posting(
        source_family=ctx.family or "personio",
        source_id=ctx.source_id,
        source_job_id=job_id,
        title=" ".join(title.split()),
        url=url,
        employer=ctx.employer or _text(position, "subcompany"),
        employer_type=ctx.employer_type,
        department=_text(position, "department"),
        location_raw=offices[0] if offices else None,
        locations_raw=offices if len(offices) > 1 else [],
        employment_type=", ".join(kinds) or None,
        date_published_raw=_text(position, "createdAt"),
        description_html_raw=_descriptions(position),
        apply_url=url,
        crawled_at=ctx.crawled_at,
        extra=extra,
    )


def _host(ctx: ParseContext) -> tuple[str, bool]:
    """The career site's host (the feed's own URL, else the entry's params, else a guess from
    the source name) and whether it is that guess."""
    if host := host_of(ctx.url):
        return host, False
    try:
        return feed_host(ctx.params), False
    except ValueError:
        label = re.sub(r"[^a-z0-9-]+", "-", ctx.source_id.split(":", 1)[-1].lower()).strip("-")
        return f"{label or 'unknown'}.jobs.personio.de", True


def _descriptions(position: Any) -> str | None:
    """``<h3>name</h3>`` then the section's HTML, for each ``jobDescription``."""
    container = _child(position, "jobDescriptions")
    if container is None:
        return None
    parts: list[str] = []
    for section in container:
        if _local(section) != "jobDescription":
            continue
        name, value = _text(section, "name"), _text(section, "value")
        if not value:
            continue
        body = value if _TAG.search(value) else f"<p>{html.escape(value)}</p>"
        parts.append(f"<h3>{html.escape(name)}</h3>{body}" if name else body)
    if not parts:  # some feeds put the HTML straight into jobDescriptions
        loose = text_or_none("".join(container.itertext()))
        if loose:
            parts.append(loose if _TAG.search(loose) else f"<p>{html.escape(loose)}</p>")
    return "\n".join(parts) or None


class PersonioSpider(SourceSpider):
    """One request per feed: every published position."""

    name = "personio"
    family = "personio"

    def requests_for(self, source: Source) -> Iterable[Any]:
        yield self.request(feed_url(source.params), source, self.parse_feed_response)

    def parse_feed_response(self, response: Any) -> Iterable[Posting]:
        ctx = self.context(response)
        try:
            feed = read_feed(response.body, ctx)
        except ParseError as exc:
            self.record_error(ctx.source_id, f"{exc} at {response.url}")
            return
        if feed.truncated:
            self.record_error(ctx.source_id, f"read only the first {MAX_POSITIONS} positions of {response.url}")
        yield from self.emit(response, feed.postings, ctx)
