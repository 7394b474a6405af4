"""Links read from boards and feeds: made absolute, and only http(s)."""

from __future__ import annotations

from urllib.parse import urljoin, urlsplit


def absolute_url(href: str | None, base: str | None) -> str | None:
    """``href`` resolved against ``base``; None when it is not an http(s) URL (or not a URL)."""
    if not href:
        return None
    try:
        url = urljoin(base, href.strip()) if base else href.strip()
        scheme = urlsplit(url).scheme
    except ValueError:
        return None
    return url if scheme in ("http", "https") else None


def host_of(url: str | None) -> str:
    try:
        return (urlsplit(url or "").hostname or "").lower()
    except ValueError:
        return ""
