"""schema.org ``JobPosting`` JSON-LD on career pages, reached from a listing page or a sitemap.

Career pages of many hiring systems (Workday, iCIMS, Taleo Business Edition, custom
university sites) embed ``<script type="application/ld+json">`` for Google for Jobs.
Each block is parsed on its own, because real pages mix a broken block (comment or
CDATA wrappers, stray escapes, trailing ``;``) with good ones and one bad block must
not hide a posting (stack notes pitfall 17). Values are messy by design of the ATSs:
iCIMS ``UNAVAILABLE`` placeholders, TBE ``2017-01-15 00:00:00.0`` dates, Workday
``AMER - Canada - Quebec - Montreal - 10 Rue Duke`` localities; they are kept raw here
and interpreted by ``enrich``.

The source ``url`` is a careers listing page or an XML sitemap (told apart by content).
Listing pages: links on the same host whose path looks like a job, plus ``rel=next``
pages. Sitemaps: every ``<loc>`` on the same host, following ``<sitemapindex>``
children. Every followed page is capped, and a cap that bites is recorded as an error
so that an incomplete crawl never closes postings.

Registry params: ``url`` (required); optional ``sitemap`` and ``urls`` (more start
URLs), ``hosts`` (extra hosts job links may live on), ``job_pattern`` (a regex over
path and query when the job-link heuristic misses), ``max_pages`` (job-page cap).
"""

from __future__ import annotations

import gzip
import html
import io
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin, urlsplit

from lxml import etree
from parsel import Selector
from w3lib.encoding import html_to_unicode

from researchjobs.posting import Posting, canonical_url
from researchjobs.sources import Source, check_public_url
from researchjobs.spiders.base import ParseContext, ParseError, SourceSpider, UnreadableJobError, text_or_none
from researchjobs.spiders.values import as_id

#: Job pages followed per source; more links than this make the crawl partial.
MAX_JOB_PAGES = 400
#: Listing pages followed through ``rel=next`` per source.
MAX_LISTING_PAGES = 20
#: Child sitemaps followed from a sitemap index per source, and how deep.
MAX_SITEMAPS = 20
MAX_SITEMAP_DEPTH = 2
#: A decompressed ``.xml.gz`` sitemap larger than this is refused.
MAX_SITEMAP_BYTES = 50 * 1024 * 1024
#: Nesting walked inside one JSON-LD block; deeper structures are not job data.
MAX_DEPTH = 24

_PLACEHOLDERS = frozenset(
    {
        "",
        "unavailable",
        "n/a",
        "na",
        "none",
        "null",
        "undefined",
        "-",
        "--",
        "tbd",
        "not specified",
        "unknown",
    }
)
_JOB_PATH = re.compile(
    r"/(?:jobs?|careers?|positions?|postings?|openings?|vacanc(?:y|ies)|opportunit(?:y|ies)|"
    r"requisitions?|job-?details?)/(?P<next>[^/?#]+)"
    r"|[?&](?:job_?id|jobid|req_?id|requisition_?id|rid|gni|posting_?id|jobcode)="
    r"|jobdetail|viewrequisition",
    re.I,
)
#: Words right after ``/jobs/`` that name a page about jobs rather than one job.
_NOT_A_JOB = frozenset(
    {
        "search", "search-results", "results", "login", "logout", "register", "intro", "faq", "faqs",
        "benefits", "about", "culture", "events", "teams", "team", "locations", "location",
        "departments", "department", "category", "categories", "saved", "alerts", "job-alerts",
        "talent-community", "talentcommunity", "privacy", "accessibility", "help", "map", "all",
        "students", "internships", "feed", "rss", "sitemap", "index", "home", "apply-now",
    }
)  # fmt: skip
_WRAPPERS = (
    re.compile(r"^\s*<!--"),
    re.compile(r"-->\s*$"),
    re.compile(r"^\s*(?://|/\*)?\s*<!\[CDATA\[\s*(?:\*/)?"),
    re.compile(r"(?://|/\*)?\s*\]\]>\s*(?:\*/)?\s*$"),
)
_BAD_ESCAPE = re.compile(r"\\(?![\"\\/bfnrtu])")
_ESCAPED_TAG = re.compile(r"&lt;\s*/?\s*[a-zA-Z][a-zA-Z0-9]*[\s&>/]")
_TAG = re.compile(r"<[a-zA-Z/!][^>]*>")
_XML_PARSER_OPTIONS = dict(resolve_entities=False, no_network=True, remove_comments=True, huge_tree=False)


# ---------------------------------------------------------------- parsing


@dataclass
class JsonLdPage:
    """What one HTML page gave: its postings, the blocks that did not parse, and the parsed
    page itself so the spider can read its links without parsing it twice."""

    postings: list[Posting] = field(default_factory=list)
    broken: list[str] = field(default_factory=list)
    blocks: int = 0
    canonical: str | None = None
    selector: Selector | None = None


def parse_any(body: bytes, ctx: ParseContext) -> list[Posting]:
    """A career page (its JSON-LD postings) or a sitemap (no postings; its links are crawled)."""
    if looks_like_sitemap(body):
        read_sitemap(body)  # raises ParseError when malformed
        return []
    if looks_like_xml_feed(body):
        raise ParseError("an RSS/Atom feed, not a career page: use the 'feeds' family")
    return parse_jsonld_html(body, ctx)


def parse_jsonld_html(body: bytes, ctx: ParseContext) -> list[Posting]:
    """Every JobPosting in the page's JSON-LD blocks.

    A broken block is tolerated while another block gives a posting; when no posting
    is found and some block was broken, the posting may be in it, so that is an error.
    A page with no JobPosting and no broken block gives an empty list (a listing page).
    """
    page = read_page(body, ctx)
    if page.broken and not page.postings:
        raise ParseError("; ".join(page.broken))
    return page.postings


def read_page(body: bytes, ctx: ParseContext) -> JsonLdPage:
    text = decode_html(body)
    if not text.strip():
        raise ParseError("empty page")
    try:
        selector = Selector(text=text, type="html")
        scripts = selector.xpath(
            "//script[contains(translate(@type, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz'),"
            " 'ld+json')]"
        )
        blocks = [script.xpath("string()").get() or "" for script in scripts]
        canonical = selector.xpath(
            "//link[translate(@rel, 'CANONICAL', 'canonical') = 'canonical']/@href"
        ).get()
        og_url = selector.xpath("//meta[@property = 'og:url']/@content").get()
    except (ValueError, etree.LxmlError) as exc:
        raise ParseError(f"not an HTML page: {exc}") from None
    page = JsonLdPage(blocks=len(blocks), selector=selector)
    base = ctx.url or ctx.params.get("url")
    page.canonical = _absolute(canonical, base) or _absolute(og_url, base)
    seen: set[str] = set()
    for index, block in enumerate(blocks, 1):
        where = f"JSON-LD block {index} of {len(blocks)}"
        try:
            nodes = list(iter_job_postings(load_block(block)))
        except ParseError as exc:
            page.broken.append(f"{where}: {exc}")
            continue
        except RecursionError:
            page.broken.append(f"{where}: nested too deeply")
            continue
        for node in nodes:
            try:
                posting = posting_from_jsonld(node, ctx, page_url=page.canonical)
            except UnreadableJobError as exc:
                ctx.skip_job(f"{where}: {exc}; skipped", *exc.job_ids)
                continue
            except RecursionError:
                page.broken.append(f"{where}: nested too deeply")
                continue
            if posting.source_job_id not in seen:
                seen.add(posting.source_job_id)
                page.postings.append(posting)
    return page


def decode_html(body: bytes | str) -> str:
    if isinstance(body, str):
        return body
    return html_to_unicode(None, body)[1]


def load_block(text: str) -> Any:
    """One JSON-LD block's JSON, after the wrappers and small breakages real pages carry."""
    cleaned = text.strip()
    for pattern in _WRAPPERS:
        cleaned = pattern.sub("", cleaned)
    cleaned = cleaned.strip().rstrip(";").strip()
    if not cleaned:
        raise ParseError("empty block")
    if cleaned.startswith(("{&quot;", "[&quot;")):
        cleaned = html.unescape(cleaned)
    try:
        return json.loads(cleaned, strict=False)
    except ValueError as first:
        error = first
    # Trailing junk after the object (a second object, a stray brace): take what decodes.
    decoder = json.JSONDecoder(strict=False)
    for candidate in (cleaned, _BAD_ESCAPE.sub(r"\\\\", cleaned)):
        try:
            found = _decode_all(decoder, candidate)
        except ValueError:
            continue
        if found:
            return found[0] if len(found) == 1 else found
    raise ParseError(f"malformed JSON ({error.args[0] if error.args else error})")


def _decode_all(decoder: json.JSONDecoder, text: str) -> list[Any]:
    found: list[Any] = []
    index = 0
    while index < len(text):
        while index < len(text) and text[index] in " \t\r\n;,":
            index += 1
        if index >= len(text):
            break
        value, index = decoder.raw_decode(text, index)
        found.append(value)
    return found


def iter_job_postings(node: Any, depth: int = 0) -> Iterator[dict[str, Any]]:
    """JobPosting objects anywhere in a block: top level, arrays, ``@graph``, ItemLists."""
    if depth > MAX_DEPTH:
        return
    if isinstance(node, list):
        for item in node:
            yield from iter_job_postings(item, depth + 1)
    elif isinstance(node, dict):
        if "JobPosting" in _types(node):
            yield node
            return
        for value in node.values():
            if isinstance(value, dict | list):
                yield from iter_job_postings(value, depth + 1)


def _types(node: dict[str, Any]) -> set[str]:
    raw = node.get("@type", node.get("type"))
    values = raw if isinstance(raw, list) else [raw]
    return {re.split(r"[/:#]", v.strip())[-1] for v in values if isinstance(v, str) and v.strip()}


def posting_from_jsonld(node: dict[str, Any], ctx: ParseContext, page_url: str | None = None) -> Posting:
    """One JobPosting object as a Posting; only title and some URL are required."""
    title = _text(node.get("title")) or _text(node.get("name"))
    base = page_url or ctx.url or ctx.params.get("url")
    url = _absolute(_first_url(node.get("url")), base) or page_url or _absolute(ctx.url, None)
    requisition = _identifier(node.get("identifier"))
    if not title:
        raise UnreadableJobError("JobPosting without a title", requisition or canonical_url(url) or url)
    title = html.unescape(title)
    if not url:
        raise UnreadableJobError(f"JobPosting {title!r} has no url, and the page no canonical link", requisition)
    places = _as_list(node.get("jobLocation"))
    locations = [loc for loc in (_place_text(p) for p in places) if loc]
    salary_raw, base_salary = _salary(node.get("baseSalary") or node.get("estimatedSalary"))
    extra = {
        key: node[key]
        for key in ("occupationalCategory", "directApply", "industry", "applicantLocationRequirements")
        if node.get(key) not in (None, "", [])
    }
    organisation = _organisation(node.get("hiringOrganization"))
    if organisation.get("url"):
        extra["employer_url"] = organisation["url"]
    return Posting(
        source_family=ctx.family or "jsonld",
        source_id=ctx.source_id,
        source_job_id=requisition or canonical_url(url) or url,
        title=title,
        url=canonical_url(url) or url,
        employer=organisation.get("name") or ctx.employer,
        employer_type=ctx.employer_type,
        requisition_id=requisition,
        location_raw=locations[0] if locations else None,
        locations_raw=locations if len(locations) > 1 else [],
        country_raw=_country(places[0]) if places else None,
        workplace_raw=_joined(node.get("jobLocationType")),
        employment_type=_joined(node.get("employmentType")),
        date_published_raw=_text(node.get("datePosted")),
        date_updated_raw=_text(node.get("dateModified")),
        valid_through_raw=_text(node.get("validThrough")),
        salary_raw=salary_raw,
        base_salary=base_salary,
        description_html_raw=_description(node),
        apply_url=url,
        crawled_at=ctx.crawled_at,
        extra=extra,
    )


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _text(value: Any) -> str | None:
    """A scalar as text; the first usable item of a list; ``@value`` / ``name`` of an object."""
    if isinstance(value, list):
        for item in value:
            if (found := _text(item)) is not None:
                return found
        return None
    if isinstance(value, dict):
        return _text(value.get("@value", value.get("name")))
    if isinstance(value, bool):
        return None
    return text_or_none(value)


def _clean(value: Any) -> str | None:
    text = _text(value)
    if text is None or text.lower() in _PLACEHOLDERS:
        return None
    return html.unescape(text)


def _joined(value: Any) -> str | None:
    parts = [p for p in (_text(v) for v in _as_list(value)) if p]
    return ", ".join(dict.fromkeys(parts)) or None


def _first_url(value: Any) -> str | None:
    for item in _as_list(value):
        text = _text(item.get("@id") or item.get("url")) if isinstance(item, dict) else _text(item)
        if text:
            return text
    return None


def _absolute(url: str | None, base: Any) -> str | None:
    if not url or not isinstance(url, str):
        return None
    url = html.unescape(url.strip())
    if isinstance(base, str) and base:
        try:
            url = urljoin(base, url)
        except ValueError:
            return None
    try:
        scheme = urlsplit(url).scheme
    except ValueError:
        return None
    return url if scheme in ("http", "https") else None


def _identifier(value: Any) -> str | None:
    """The job's own id: a string or an integer only (an object or 1e3 would be stringified)."""
    for item in _as_list(value):
        found = as_id(item.get("value", item.get("@value")) if isinstance(item, dict) else item)
        if found and found.lower() not in _PLACEHOLDERS:
            return html.unescape(found)
    return None


def _organisation(value: Any) -> dict[str, str]:
    for item in _as_list(value):
        if isinstance(item, dict):
            name = _clean(item.get("name") or item.get("legalName"))
            url = _text(item.get("sameAs")) or _text(item.get("url"))
            if name:
                return {"name": name, **({"url": url} if url else {})}
        elif (name := _clean(item)) is not None:
            return {"name": name}
    return {}


def _country(place: Any) -> str | None:
    address = place.get("address") if isinstance(place, dict) else None
    if isinstance(address, dict):
        return _clean(address.get("addressCountry"))
    return None


def _place_text(place: Any) -> str | None:
    """``Locality, Region Postcode, Country`` without placeholders or repeated parts."""
    if isinstance(place, str):
        return _clean(place)
    if not isinstance(place, dict):
        return None
    address = place.get("address")
    if isinstance(address, str):
        return _clean(address)
    if not isinstance(address, dict):
        return _clean(place.get("name"))
    locality = _clean(address.get("addressLocality"))
    region = _clean(address.get("addressRegion"))
    postal = _clean(address.get("postalCode"))
    country = _clean(address.get("addressCountry"))
    if locality and locality.count(" - ") >= 2:
        return locality  # Workday's "AMER - Canada - Quebec - Montreal - 10 Rue Duke" already names it all
    parts: list[str] = []
    for part in (locality, f"{region} {postal}" if region and postal else region or postal, country):
        if part and not re.search(rf"(?<!\w){re.escape(part)}(?!\w)", ", ".join(parts), re.I):
            parts.append(part)
    return ", ".join(parts) or _clean(place.get("name"))


def _salary(value: Any) -> tuple[str | None, dict[str, Any] | None]:
    """``MonetaryAmount{currency, value: QuantitativeValue{minValue, maxValue, value, unitText}}``."""
    amount = value[0] if isinstance(value, list) and value else value
    if isinstance(amount, str | int | float) and not isinstance(amount, bool):
        return text_or_none(amount), None
    if not isinstance(amount, dict):
        return None, None
    currency = _text(amount.get("currency"))
    inner = amount.get("value")
    unit = _text(amount.get("unitText"))
    if isinstance(inner, dict):
        low, high = _number(inner.get("minValue")), _number(inner.get("maxValue"))
        single = _number(inner.get("value"))
        unit = _text(inner.get("unitText")) or unit
    else:
        low, high = _number(amount.get("minValue")), _number(amount.get("maxValue"))
        single = _number(inner)
    if low is None and high is None:
        low = high = single
    if low is None and high is None:
        text = _text(inner)
        return text, None
    raw = json.dumps(amount, ensure_ascii=False, default=str)[:500]
    return None, {"min": low, "max": high, "currency": currency, "period": unit, "raw": raw}


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):
        return float(value)
    try:
        return float(str(value).replace(",", "").replace("$", "").strip())
    except ValueError:
        return None


def _description(node: dict[str, Any]) -> str | None:
    """The description, then the structured requirement fields Google's spec adds, if not in it."""
    parts: list[str] = []
    description = _text(node.get("description"))
    if description:
        if "<" not in description and _ESCAPED_TAG.search(description):
            description = html.unescape(description)
        parts.append(description)
    flat = _TAG.sub(" ", description or "").lower()
    for key, heading in (
        ("responsibilities", "Responsibilities"),
        ("qualifications", "Qualifications"),
        ("educationRequirements", "Education"),
        ("experienceRequirements", "Experience"),
        ("skills", "Skills"),
    ):
        text = _requirement_text(node.get(key))
        if text and text.lower()[:80] not in flat:
            parts.append(f"<h3>{heading}</h3><p>{html.escape(text) if not _TAG.search(text) else text}</p>")
    return "\n".join(parts) or None


def _requirement_text(value: Any) -> str | None:
    if isinstance(value, dict):
        months = value.get("monthsOfExperience")
        label = _text(value.get("credentialCategory")) or _text(value.get("description"))
        if months not in (None, ""):
            return f"{months} months of experience" + (f" ({label})" if label else "")
        return label
    if isinstance(value, list):
        texts = [t for t in (_requirement_text(v) for v in value) if t]
        return "; ".join(texts) or None
    return _text(value)


# ---------------------------------------------------------------- sitemaps and links


def looks_like_sitemap(body: bytes) -> bool:
    head = _xml_head(body)
    return b"<urlset" in head or b"<sitemapindex" in head


def looks_like_xml_feed(body: bytes) -> bool:
    head = _xml_head(body)
    return head.startswith((b"<?xml", b"<rss", b"<feed", b"<rdf")) and any(
        tag in head for tag in (b"<rss", b"<feed", b"<rdf:rdf")
    )


def _xml_head(body: bytes) -> bytes:
    if body[:2] == b"\x1f\x8b":
        body = _gunzip(body, 4096, strict=False)
    return body.lstrip(b"\xef\xbb\xbf \t\r\n")[:2048].lower()


def _gunzip(body: bytes, limit: int, strict: bool = True) -> bytes:
    try:
        with gzip.GzipFile(fileobj=io.BytesIO(body)) as handle:
            data = handle.read(limit + 1)
    except (OSError, EOFError) as exc:
        if strict:
            raise ParseError(f"corrupt gzip sitemap: {exc}") from None
        return b""
    if strict and len(data) > limit:
        raise ParseError(f"sitemap larger than {limit} bytes once decompressed")
    return data[:limit]


@dataclass
class Sitemap:
    kind: str  # "urlset" | "sitemapindex"
    locs: list[str]


def read_sitemap(body: bytes) -> Sitemap:
    """The ``<loc>`` URLs of a sitemap or sitemap index; malformed XML is a ParseError."""
    if body[:2] == b"\x1f\x8b":
        body = _gunzip(body, MAX_SITEMAP_BYTES)
    parser = etree.XMLParser(recover=False, **_XML_PARSER_OPTIONS)
    try:
        root = etree.fromstring(body.lstrip(b"\xef\xbb\xbf \t\r\n"), parser=parser)
    except (etree.XMLSyntaxError, ValueError) as exc:
        raise ParseError(f"malformed sitemap XML: {exc}") from None
    kind = etree.QName(root).localname if isinstance(root.tag, str) else ""
    if kind not in ("urlset", "sitemapindex"):
        raise ParseError(f"not a sitemap: root element <{kind}>")
    locs = []
    for element in root.iter():
        if isinstance(element.tag, str) and etree.QName(element).localname == "loc":
            loc = (element.text or "").strip()
            if loc:
                locs.append(loc)
    return Sitemap(kind, locs)


def job_links(
    selector: Selector, page_url: str, hosts: set[str], pattern: re.Pattern[str] | None = None
) -> list[str]:
    """Links on a listing page that lead to one job each, on the source's own host."""
    links: dict[str, str] = {}
    own = canonical_url(page_url)
    for href in selector.xpath("//a/@href").getall():
        url = _absolute(href.split("#", 1)[0], page_url)
        if not url or not same_site(url, hosts):
            continue
        key = canonical_url(url) or url
        if key == own or key in links:
            continue
        if looks_like_job(url, pattern):
            links[key] = url
    return list(links.values())


def next_page_links(selector: Selector, page_url: str, hosts: set[str]) -> list[str]:
    hrefs = selector.xpath(
        "//a[contains(concat(' ', normalize-space(@rel), ' '), ' next ')]/@href"
        " | //link[contains(concat(' ', normalize-space(@rel), ' '), ' next ')]/@href"
    ).getall()
    found = []
    for href in hrefs:
        url = _absolute(href, page_url)
        if url and same_site(url, hosts) and canonical_url(url) != canonical_url(page_url):
            found.append(url)
    return found[:1]


def looks_like_job(url: str, pattern: re.Pattern[str] | None = None) -> bool:
    parts = urlsplit(url)
    target = parts.path + (f"?{parts.query}" if parts.query else "")
    if pattern is not None:
        return bool(pattern.search(target))
    for match in _JOB_PATH.finditer(target):
        word = match.group("next")
        if word is None or word.lower() not in _NOT_A_JOB:
            return True
    return False


def host_of(url: str) -> str:
    try:
        host = (urlsplit(url).hostname or "").lower()
    except ValueError:
        return ""
    return host[4:] if host.startswith("www.") else host


def same_site(url: str, hosts: set[str]) -> bool:
    return host_of(url) in hosts


# ---------------------------------------------------------------- spider


class JsonLdSpider(SourceSpider):
    """Listing page or sitemap first, then one request per job page."""

    name = "jsonld"
    family = "jsonld"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._job_pages: dict[str, set[str]] = {}
        self._listing_pages: dict[str, int] = {}
        self._sitemaps: dict[str, int] = {}
        self._capped: set[str] = set()

    def requests_for(self, source: Source) -> Iterable[Any]:
        job_pattern(source)  # a bad regex fails this source now, not mid-crawl
        urls = start_urls(source)
        # The registry checks ``url`` and ``sitemap``; the optional lists are checked here.
        for url in urls:
            check_public_url(url, "urls")
        hosts = source.params.get("hosts", [])
        if not isinstance(hosts, list):
            raise ValueError("hosts must be a list of host names")
        for host in hosts:
            check_public_url(f"https://{host}/", "hosts")
        for url in urls:
            yield self.request(url, source, self.parse_start)

    def _source(self, response: Any) -> Source:
        return self.state[response.meta["source_id"]].source

    def parse_start(self, response: Any) -> Iterable[Any]:
        """A sitemap, a sitemap index or an HTML listing page: told apart by content."""
        ctx = self.context(response)
        source = self._source(response)
        hosts = allowed_hosts(source, response.url)
        body = response.body
        if looks_like_sitemap(body):
            yield from self._from_sitemap(response, source, hosts)
            return
        try:
            if looks_like_xml_feed(body):
                raise ParseError("an RSS/Atom feed, not a career page: use the 'feeds' family")
            page = read_page(body, ctx)
        except ParseError as exc:
            self.record_error(ctx.source_id, f"{exc} at {response.url}")
            return
        yield from self._emit_page(response, page, ctx)
        assert page.selector is not None
        links = job_links(page.selector, response.url, hosts, job_pattern(source))
        pages = next_page_links(page.selector, response.url, hosts)
        emitted_urls = {p.url for p in page.postings}
        links = [u for u in links if (canonical_url(u) or u) not in emitted_urls]
        if not links and not page.postings and not pages and response.meta.get("listing_page", 0) == 0:
            why = f" ({'; '.join(page.broken)})" if page.broken else ""
            self.record_error(ctx.source_id, f"no job links and no JobPosting found on {response.url}{why}")
            return
        yield from self._follow_jobs(source, links)
        for url in pages:
            count = self._listing_pages.get(source.id, 0) + 1
            if count > MAX_LISTING_PAGES:
                self.record_error(
                    source.id, f"stopped after {MAX_LISTING_PAGES} listing pages; listing incomplete"
                )
                break
            self._listing_pages[source.id] = count
            yield self.request(url, source, self.parse_start, meta={"listing_page": count})

    def _from_sitemap(self, response: Any, source: Source, hosts: set[str]) -> Iterable[Any]:
        try:
            sitemap = read_sitemap(response.body)
        except ParseError as exc:
            self.record_error(source.id, f"{exc} at {response.url}")
            return
        local = [u for u in sitemap.locs if _absolute(u, None) and same_site(u, hosts)]
        if not local:
            self.record_error(
                source.id, f"sitemap {response.url} lists no URLs on {', '.join(sorted(hosts))}"
            )
            return
        if sitemap.kind == "urlset":
            yield from self._follow_jobs(source, local)
            return
        depth = response.meta.get("sitemap_depth", 0) + 1
        if depth > MAX_SITEMAP_DEPTH:
            self.record_error(
                source.id, f"sitemap index nested deeper than {MAX_SITEMAP_DEPTH} at {response.url}"
            )
            return
        jobby = [
            u
            for u in local
            if re.search(r"job|career|position|posting|vacanc|requisition", urlsplit(u).path, re.I)
        ]
        for url in jobby or local:
            count = self._sitemaps.get(source.id, 0) + 1
            if count > MAX_SITEMAPS:
                self.record_error(source.id, f"stopped after {MAX_SITEMAPS} sitemaps; crawl incomplete")
                break
            self._sitemaps[source.id] = count
            yield self.request(url, source, self.parse_start, meta={"sitemap_depth": depth})

    def _follow_jobs(self, source: Source, urls: list[str]) -> Iterable[Any]:
        followed = self._job_pages.setdefault(source.id, set())
        cap = max_pages(source)
        for url in urls:
            key = canonical_url(url) or url
            if key in followed:
                continue
            if len(followed) >= cap:
                if source.id not in self._capped:
                    self._capped.add(source.id)
                    self.record_error(
                        source.id, f"stopped at {cap} job pages; more job links were not followed"
                    )
                return
            followed.add(key)
            yield self.request(url, source, self.parse_job_page)

    def parse_job_page(self, response: Any) -> Iterable[Posting]:
        ctx = self.context(response)
        try:
            page = read_page(response.body, ctx)
        except ParseError as exc:
            self.record_error(ctx.source_id, f"{exc} at {response.url}")
            return
        if page.broken and not page.postings:
            self.record_error(ctx.source_id, f"{'; '.join(page.broken)} at {response.url}")
            return
        if page.broken:
            self.logger.warning(
                "%s: %s at %s (a posting was still found)",
                ctx.source_id,
                "; ".join(page.broken),
                response.url,
            )
            self.crawler.stats.inc_value("researchjobs/jsonld_broken_blocks", len(page.broken))
        if not page.postings:
            self.logger.info("%s: no JobPosting on %s", ctx.source_id, response.url)
            self.crawler.stats.inc_value("researchjobs/jsonld_pages_without_posting")
        yield from self._emit_page(response, page, ctx)

    def _emit_page(self, response: Any, page: JsonLdPage, ctx: ParseContext) -> Iterable[Posting]:
        emitted = self.state[response.meta["source_id"]].seen_ids
        fresh = [p for p in page.postings if p.source_job_id not in emitted]
        emitted.update(p.source_job_id for p in fresh)
        yield from self.emit(response, fresh, ctx)


def start_urls(source: Source) -> list[str]:
    """``url``, then ``sitemap`` and any ``urls`` list, without repeats."""
    urls: list[str] = [source.params["url"]]
    if isinstance(source.params.get("sitemap"), str):
        urls.append(source.params["sitemap"])
    extra = source.params.get("urls")
    if isinstance(extra, list):
        urls += [u for u in extra if isinstance(u, str)]
    return list(dict.fromkeys(urls))


def allowed_hosts(source: Source, response_url: str) -> set[str]:
    """The start URLs' hosts, plus an optional ``hosts`` list for careers pages whose job
    links live on the ATS's own host (``www.hospital.org`` linking to ``*.icims.com``)."""
    hosts = {host_of(u) for u in start_urls(source)}
    extra = source.params.get("hosts")
    if isinstance(extra, list):
        hosts |= {h.lower().removeprefix("www.") for h in extra if isinstance(h, str)}
    hosts.add(host_of(response_url))
    hosts.discard("")
    return hosts


def job_pattern(source: Source) -> re.Pattern[str] | None:
    """An optional ``job_pattern`` regex (path and query) for sites the heuristic misses."""
    value = source.params.get("job_pattern")
    if not isinstance(value, str) or not value:
        return None
    try:
        return re.compile(value)
    except re.error as exc:
        raise ValueError(f"job_pattern is not a valid regex: {exc}") from None


def max_pages(source: Source) -> int:
    value = source.params.get("max_pages", MAX_JOB_PAGES)
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else MAX_JOB_PAGES
