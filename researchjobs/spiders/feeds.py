"""RSS 2.0 and Atom job feeds: one request per feed, every entry a posting.

Feeds are how universities and small employers publish jobs without an API, and
each platform bends the formats its own way (ats-formats §11):

- PeopleAdmin Atom: ``author/name`` is ``Department - org code``; the feed title names
  the institution; ``content`` is escaped HTML without a ``type``.
- Paycor Recruiting (Newton) Atom: a ``newton:`` namespace with department, city,
  state, postal code and free-text salary; ``generator`` is the employer;
  ``author/name`` is a location string, not a person.
- HigherEdJobs RSS: ``description`` is ``Employer (City, ST)``; RFC 822 dates with US
  zone abbreviations.
- NEOGOV / GovernmentJobs RSS: a ``joblisting:`` namespace with job id, salary range
  and interval, department, location, duties and qualifications; dates such as
  ``Wed, 19 Aug 2026 05:00:00:0``.

Dates stay raw here (``enrich.dates`` reads all of these). Namespaced fields are read
by prefix and local name, because vendors change namespace URIs more often than
prefixes. XML is parsed strictly, without entity expansion or network access:
a malformed feed is a ParseError, never a silently shorter list.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin, urlsplit

from lxml import etree

from researchjobs.posting import Posting, canonical_url
from researchjobs.sources import Source, check_public_url
from researchjobs.spiders.base import ParseContext, ParseError, SourceSpider, UnreadableJobError, text_or_none

ATOM = "http://www.w3.org/2005/Atom"
RSS1 = "http://purl.org/rss/1.0/"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
CONTENT = "http://purl.org/rss/1.0/modules/content/"
#: Entries read from one feed; a longer feed is cut and the crawl marked incomplete.
MAX_ENTRIES = 5000

_TAG = re.compile(r"<[a-zA-Z/!][^>]*>")
_PEOPLEADMIN_AUTHOR = re.compile(r"^(?P<department>.+?)\s+-\s+(?P<code>\d{3,})$")
_EMPLOYER_AND_PLACE = re.compile(r"^(?P<employer>[^()<>]{2,200}?)\s*\((?P<place>[^()<>]{2,120})\)\s*$")


@dataclass
class FeedResult:
    """A feed's postings (entries without title or link are skipped with a warning in the context)."""

    kind: str
    postings: list[Posting] = field(default_factory=list)
    truncated: bool = False


def parse_any(body: bytes, ctx: ParseContext) -> list[Posting]:
    """An RSS 2.0, RSS 1.0 or Atom feed; entries without title or link are skipped, with a warning."""
    return read_feed(body, ctx).postings


def parse_xml(body: bytes) -> etree._Element:
    body = body.lstrip(b"\xef\xbb\xbf \t\r\n")
    if not body:
        raise ParseError("empty response, expected an RSS or Atom feed")
    parser = etree.XMLParser(
        recover=False, resolve_entities=False, no_network=True, huge_tree=False, remove_comments=True
    )
    try:
        root = etree.fromstring(body, parser=parser)
    except (etree.XMLSyntaxError, ValueError) as exc:
        head = body[:200].lower()
        if head.startswith((b"<!doctype html", b"<html")):
            raise ParseError("expected an RSS or Atom feed, got an HTML page") from None
        raise ParseError(f"malformed feed XML: {exc}") from None
    if not isinstance(root.tag, str):
        raise ParseError("not an RSS or Atom feed")
    if etree.QName(root).localname.lower() == "html":
        title = next((text_or_none(el.text) for el in root.iter() if _local(el).lower() == "title"), None)
        hint = f" (title: {title[:80]!r})" if title else ""
        raise ParseError(f"expected an RSS or Atom feed, got an HTML page{hint}")
    return root


def read_feed(body: bytes, ctx: ParseContext) -> FeedResult:
    root = parse_xml(body)
    name = etree.QName(root)
    if name.localname == "feed" and name.namespace in (ATOM, None):
        return _read_atom(root, ctx)
    if name.localname == "rss":
        channel = _child(root, "channel")
        if channel is None:
            raise ParseError("RSS feed without a <channel>")
        return _read_rss(channel, _children(channel, "item"), ctx, "rss")
    if name.localname == "RDF" and name.namespace == RDF:
        channel = _child(root, "channel")
        items = [el for el in root if _local(el) == "item"]
        return _read_rss(channel if channel is not None else root, items, ctx, "rss1")
    raise ParseError(f"not an RSS or Atom feed: root element <{name.localname}>")


# ---------------------------------------------------------------- XML helpers


def _local(element: Any) -> str:
    return etree.QName(element).localname if isinstance(element.tag, str) else ""


def _plain_children(element: Any) -> Iterable[Any]:
    """Children in the element's own namespace (or none): the core RSS/Atom fields."""
    own = etree.QName(element).namespace
    for child in element:
        if isinstance(child.tag, str) and etree.QName(child).namespace in (own, None):
            yield child


def _child(element: Any, name: str) -> Any:
    for child in _plain_children(element):
        if etree.QName(child).localname == name:
            return child
    return None


def _children(element: Any, name: str) -> list[Any]:
    return [c for c in _plain_children(element) if etree.QName(c).localname == name]


def _text_of(element: Any) -> str | None:
    if element is None:
        return None
    return text_or_none("".join(element.itertext()))


def _child_text(element: Any, name: str) -> str | None:
    return _text_of(_child(element, name))


def _extensions(element: Any) -> dict[str, str]:
    """Namespaced children as ``prefix:localname`` → text (``newton:salary``, ``joblisting:jobId``)."""
    own = etree.QName(element).namespace
    found: dict[str, str] = {}
    for child in element:
        if not isinstance(child.tag, str):
            continue
        qname = etree.QName(child)
        if qname.namespace in (own, None):
            continue
        prefix = child.prefix or _prefix_for(qname.namespace)
        key = f"{prefix}:{qname.localname}".lower()
        text = _text_of(child)
        if text is not None and key not in found:
            found[key] = text
    return found


def _prefix_for(namespace: str | None) -> str:
    known = {CONTENT: "content", "http://purl.org/dc/elements/1.1/": "dc"}
    return known.get(namespace or "", "ns")


def _looks_like_html(text: str) -> bool:
    return bool(_TAG.search(text))


def _as_html(text: str | None) -> str | None:
    """Feed text as HTML: markup kept, plain text escaped into a paragraph."""
    if text is None:
        return None
    if _looks_like_html(text):
        return text
    return f"<p>{html.escape(text)}</p>"


def _plain(text: str | None) -> str | None:
    if text is None:
        return None
    return text_or_none(" ".join(html.unescape(_TAG.sub(" ", text)).split()))


def _absolute(url: str | None, base: str | None) -> str | None:
    if not url:
        return None
    url = url.strip()
    if base:
        try:
            url = urljoin(base, url)
        except ValueError:
            return None
    try:
        scheme = urlsplit(url).scheme
    except ValueError:
        return None
    return url if scheme in ("http", "https") else None


def _host(url: str | None) -> str:
    try:
        return (urlsplit(url or "").hostname or "").lower()
    except ValueError:
        return ""


# ---------------------------------------------------------------- Atom


def _read_atom(feed: Any, ctx: ParseContext) -> FeedResult:
    feed_id = _child_text(feed, "id") or ""
    links = [link.get("href") or "" for link in _children(feed, "link")]
    feed_title = _plain(_child_text(feed, "title"))
    generator = _child_text(feed, "generator")
    base = feed.get("{http://www.w3.org/XML/1998/namespace}base") or ctx.url or ctx.params.get("url")
    newton = "newton" in (feed.nsmap or {}) or any(
        "newtonsoftware" in (ns or "") for ns in (feed.nsmap or {}).values()
    )
    peopleadmin = "peopleadmin" in " ".join([feed_id, *links, ctx.url or ""]).lower() or "pa" in (
        feed.nsmap or {}
    )
    if newton:
        kind, feed_employer = "paycor", generator
    elif peopleadmin:
        kind, feed_employer = "peopleadmin", _institution(feed_title)
    else:
        kind, feed_employer = "atom", None
    result = FeedResult(kind)
    entries = _children(feed, "entry")
    if len(entries) > MAX_ENTRIES:
        entries, result.truncated = entries[:MAX_ENTRIES], True
    for index, entry in enumerate(entries, 1):
        try:
            posting = _atom_entry(entry, ctx, kind, base, ctx.employer or feed_employer)
        except UnreadableJobError as exc:
            ctx.skip_job(f"entry {index}: {exc}; skipped", *exc.job_ids)
            continue
        result.postings.append(posting)
    return result


def _institution(title: str | None) -> str | None:
    """``University of X: All Jobs`` → ``University of X``."""
    if not title:
        return None
    name, sep, _ = title.rpartition(":")
    return text_or_none(name) if sep else title


def _atom_link(entry: Any, base: str | None) -> str | None:
    fallback = None
    for link in _children(entry, "link"):
        href = _absolute(link.get("href"), base)
        if not href:
            continue
        if link.get("rel") in (None, "", "alternate"):
            return href
        fallback = fallback or href
    return fallback


def _atom_text(element: Any) -> str | None:
    """Atom text constructs: ``type="xhtml"`` keeps its markup, html/text give their text."""
    if element is None:
        return None
    if element.get("type") == "xhtml":
        inner = "".join(etree.tostring(child, encoding="unicode") for child in element)
        return text_or_none(re.sub(r"\sxmlns(:\w+)?=\"[^\"]*\"", "", inner)) or _text_of(element)
    return _text_of(element)


def _atom_entry(entry: Any, ctx: ParseContext, kind: str, base: str | None, employer: str | None) -> Posting:
    title = _plain(_atom_text(_child(entry, "title")))
    entry_id = _child_text(entry, "id")
    link = _atom_link(entry, base) or _absolute(entry_id, None)
    if not title:
        raise UnreadableJobError("no title", entry_id or link)
    if not link:
        raise UnreadableJobError(f"{title!r} has no link", entry_id)
    ext = _extensions(entry)
    categories = [c.get("term") or c.get("label") for c in _children(entry, "category")]
    categories = [c.strip() for c in categories if c and c.strip()]
    authors = [_child_text(a, "name") for a in _children(entry, "author")]
    author = next((a for a in authors if a), None)
    content = _atom_text(_child(entry, "content")) or _atom_text(_child(entry, "summary"))
    extra: dict[str, Any] = {"feed": kind}
    if categories:
        extra["categories"] = categories
    department = None
    location = None
    country = None
    salary = None
    requisition = None
    if kind == "paycor":
        department = ext.get("newton:department") or (categories[0] if categories else None)
        city, state, postal = (
            ext.get("newton:location"),
            ext.get("newton:state"),
            ext.get("newton:postal_code"),
        )
        country = ext.get("newton:country")
        region = " ".join(p for p in (state, postal) if p) or None
        location = ", ".join(p for p in (city, region, country) if p) or author
        salary = ext.get("newton:salary")
        requisition = ext.get("newton:jobid")
        extra.update(
            {
                k.split(":", 1)[1]: v
                for k, v in ext.items()
                if k in ("newton:jobid", "newton:openings", "newton:budget_title")
            }
        )
        if author:
            extra["author"] = author
    elif kind == "peopleadmin" and author:
        match = _PEOPLEADMIN_AUTHOR.match(author)
        department = match.group("department") if match else author
        if match:
            extra["org_code"] = match.group("code")
    elif author:
        extra["author"] = author
    if kind != "paycor" and department is None and categories:
        department = categories[0]
    return Posting(
        source_family=ctx.family or "feeds",
        source_id=ctx.source_id,
        source_job_id=entry_id or link,
        title=title,
        url=canonical_url(link) or link,
        employer=employer,
        employer_type=ctx.employer_type,
        department=department,
        requisition_id=requisition,
        location_raw=location,
        country_raw=country,
        date_published_raw=_child_text(entry, "published") or _child_text(entry, "updated"),
        date_updated_raw=_child_text(entry, "updated"),
        salary_raw=salary,
        description_html_raw=_as_html(content),
        apply_url=link,
        crawled_at=ctx.crawled_at,
        extra=extra,
    )


# ---------------------------------------------------------------- RSS


def _read_rss(channel: Any, items: list[Any], ctx: ParseContext, kind: str) -> FeedResult:
    channel_link = _child_text(channel, "link")
    base = ctx.url or ctx.params.get("url") or channel_link
    channel_title = _plain(_child_text(channel, "title"))
    neogov = any("joblisting:" in key for item in items[:5] for key in _extensions(item))
    higheredjobs = (
        "higheredjobs" in " ".join(filter(None, [channel_link, ctx.url, ctx.params.get("url")])).lower()
    )
    if neogov:
        kind = "neogov"
    elif higheredjobs:
        kind = "higheredjobs"
    result = FeedResult(kind)
    if len(items) > MAX_ENTRIES:
        items, result.truncated = items[:MAX_ENTRIES], True
    feed_employer = ctx.employer or (_agency(channel_title) if neogov else None)
    for index, item in enumerate(items, 1):
        try:
            posting = _rss_item(item, ctx, kind, base, feed_employer)
        except UnreadableJobError as exc:
            ctx.skip_job(f"item {index}: {exc}; skipped", *exc.job_ids)
            continue
        result.postings.append(posting)
    return result


def _agency(title: str | None) -> str | None:
    """NEOGOV channel titles read ``Agency Name, ST`` or ``Job Opportunities | Agency``."""
    if not title:
        return None
    title = title.split("|")[-1].strip()
    return re.sub(r",\s*[A-Z]{2}$", "", title) or None


def _rss_item(item: Any, ctx: ParseContext, kind: str, base: str | None, employer: str | None) -> Posting:
    ext = _extensions(item)
    title = _plain(_child_text(item, "title"))
    guid_element = _child(item, "guid")
    guid = _text_of(guid_element)
    link = _absolute(_child_text(item, "link"), base)
    if not link and guid and (guid_element.get("isPermaLink") or "true").lower() == "true":
        link = _absolute(guid, None)
    if not title:
        raise UnreadableJobError("no title", guid or link)
    if not link:
        raise UnreadableJobError(f"{title!r} has no link", guid)
    description = _child_text(item, "description")
    content = ext.get("content:encoded")
    categories = [c for c in (_text_of(el) for el in _children(item, "category")) if c]
    extra: dict[str, Any] = {"feed": kind}
    if categories:
        extra["categories"] = categories
    if ext.get("dc:creator"):
        extra["author"] = ext["dc:creator"]
    department = None
    location = None
    salary_raw = None
    base_salary = None
    requisition = None
    published = _child_text(item, "pubDate") or ext.get("dc:date")
    valid_through = None
    employment_type = None
    body = content or description
    if kind == "higheredjobs" and description and not _looks_like_html(description):
        match = _EMPLOYER_AND_PLACE.match(" ".join(description.split()))
        if match:
            employer = match.group("employer").strip()
            location = match.group("place").strip()
    if kind == "neogov":
        department = ext.get("joblisting:department") or ext.get("joblisting:division")
        state = ext.get("joblisting:state")
        location = ", ".join(p for p in (_plain(ext.get("joblisting:location")), state) if p) or None
        requisition = ext.get("joblisting:jobnumbersingle") or ext.get("joblisting:jobid")
        published = ext.get("joblisting:advertisefromdateutc") or published
        valid_through = ext.get("joblisting:advertisetodatetimeutc")
        employment_type = ext.get("joblisting:jobtype")
        salary_raw, base_salary = _neogov_salary(ext)
        sections = [
            ("Examples of duties", ext.get("joblisting:examplesofduties")),
            ("Qualifications", ext.get("joblisting:qualifications")),
            ("Supplemental information", ext.get("joblisting:supplementalinformation")),
        ]
        parts = [_as_html(body)] if body else []
        parts += [f"<h3>{name}</h3>{_as_html(text)}" for name, text in sections if text]
        body = "\n".join(p for p in parts if p) or None
        if ext.get("joblisting:categories"):
            extra["categories"] = [ext["joblisting:categories"], *categories]
        if ext.get("joblisting:jobid"):
            extra["job_id"] = ext["joblisting:jobid"]
    else:
        body = _as_html(body)  # RSS categories are job categories, not departments: kept in extra
    return Posting(
        source_family=ctx.family or "feeds",
        source_id=ctx.source_id,
        source_job_id=guid or link,
        title=title,
        url=canonical_url(link) or link,
        employer=employer,
        employer_type=ctx.employer_type,
        department=department,
        requisition_id=requisition,
        location_raw=location,
        employment_type=employment_type,
        date_published_raw=published,
        valid_through_raw=valid_through,
        salary_raw=salary_raw,
        base_salary=base_salary,
        description_html_raw=body,
        apply_url=link,
        crawled_at=ctx.crawled_at,
        extra=extra,
    )


def _neogov_salary(ext: dict[str, str]) -> tuple[str | None, dict[str, Any] | None]:
    low_text, high_text = ext.get("joblisting:minimumsalary"), ext.get("joblisting:maximumsalary")
    interval = ext.get("joblisting:salaryinterval")
    currency = ext.get("joblisting:salarycurrency") or "USD"
    if not low_text and not high_text:
        return None, None
    raw = " - ".join(p for p in (low_text, high_text) if p) + (f" {interval}" if interval else "")
    low, high = _money(low_text), _money(high_text)
    if low is None and high is None:
        return raw, None
    return raw, {"min": low, "max": high, "currency": currency, "period": interval, "raw": raw}


def _money(text: str | None) -> float | None:
    if not text:
        return None
    try:
        value = float(text.replace(",", "").replace("$", "").strip())
    except ValueError:
        return None
    return value if value > 0 else None


# ---------------------------------------------------------------- spider


class FeedsSpider(SourceSpider):
    """One request per feed URL (``url``, plus an optional ``urls`` list)."""

    name = "feeds"
    family = "feeds"

    def requests_for(self, source: Source) -> Iterable[Any]:
        urls = [source.params["url"]]
        extra = source.params.get("urls")
        if isinstance(extra, list):
            urls += [u for u in extra if isinstance(u, str)]
        for url in dict.fromkeys(urls):
            check_public_url(url, "urls")  # the registry checks ``url``, not the optional list
            yield self.request(url, source, self.parse_feed_response)

    def parse_feed_response(self, response: Any) -> Iterable[Posting]:
        ctx = self.context(response)
        try:
            result = read_feed(response.body, ctx)
        except ParseError as exc:
            self.record_error(ctx.source_id, f"{exc} at {response.url}")
            return
        if result.truncated:
            self.record_error(ctx.source_id, f"read only the first {MAX_ENTRIES} entries of {response.url}")
        yield from self.emit(response, result.postings, ctx)
