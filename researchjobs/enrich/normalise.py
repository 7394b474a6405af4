"""Basic normalisation every Posting gets before it is stored or printed.

Sanitised HTML, plain text, parsed dates and a canonical URL. Pure: the crawl time
is passed in, so relative dates resolve the same way in tests as in a live crawl.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from researchjobs.enrich.dates import iso_utc, parse_date
from researchjobs.enrich.text import html_to_text, safe_link, sanitise_html, xml_legal_value
from researchjobs.posting import POSTING_FIELDS, Posting, canonical_url


def normalise(posting: Posting, now: datetime | None = None) -> Posting:
    crawled = _crawl_time(posting, now)
    html = posting.description_html_raw
    published, lower_bound = parse_date(posting.date_published_raw, crawled)
    updated, _ = parse_date(posting.date_updated_raw, crawled)
    valid, _ = parse_date(posting.valid_through_raw, crawled)
    description = posting.description
    if html is not None:
        description = html_to_text(html)
    normalised = replace(
        posting,
        title=" ".join((posting.title or "").split()),
        employer=" ".join(posting.employer.split()) if posting.employer else posting.employer,
        url=canonical_url(posting.url) or posting.url,
        apply_url=safe_link(posting.apply_url),
        description_html=sanitise_html(html) if html is not None else posting.description_html,
        description=description,
        date_published=published or posting.date_published,
        date_published_is_lower_bound=lower_bound,
        date_updated=updated or posting.date_updated,
        valid_through=valid or posting.valid_through,
        crawled_at=iso_utc(crawled),
    )
    return _xml_legal(normalised)


def _xml_legal(posting: Posting) -> Posting:
    """Every text of the posting, raw twins and ``extra`` included, without XML-illegal characters."""
    changes = {}
    for name in POSTING_FIELDS:
        value = getattr(posting, name)
        if isinstance(value, str | list | dict):
            clean = xml_legal_value(value)
            if clean != value:
                changes[name] = clean
    return replace(posting, **changes) if changes else posting


def _crawl_time(posting: Posting, now: datetime | None) -> datetime:
    if posting.crawled_at:
        try:
            return datetime.fromisoformat(posting.crawled_at.replace("Z", "+00:00"))
        except ValueError:
            pass
    return now or datetime.now(UTC)
