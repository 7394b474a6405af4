"""Turning a careers URL that a user pasted into a registry entry."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

from researchjobs.sources import Source, check_public_url

_GREENHOUSE_HOSTS = ("boards.greenhouse.io", "job-boards.greenhouse.io", "boards-api.greenhouse.io")
_SLUG = re.compile(r"^[A-Za-z0-9_.\-]+$")


def source_from_url(
    url: str,
    *,
    employer: str | None = None,
    employer_type: str = "other",
    source_id: str | None = None,
    search: list[str] | None = None,
) -> Source:
    """Recognise the hiring system behind ``url``; ValueError when it cannot be told."""
    url = url.strip()
    check_public_url(url)
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    segments = [s for s in parts.path.split("/") if s]
    family, params = _recognise(host, segments, parts.query, url)
    key = next(iter(params.values())) if params else host
    source = Source(
        id=source_id or f"{family}:{_slug(key)}",
        family=family,
        employer=employer or key,
        employer_type=employer_type,
        search=list(search or []),
        params=params,
    )
    return source


def _recognise(host: str, segments: list[str], query: str, url: str) -> tuple[str, dict[str, str]]:
    if host in _GREENHOUSE_HOSTS:
        if segments[:1] == ["embed"]:
            token = parse_qs(query).get("for", [""])[0]
        elif segments[:2] == ["v1", "boards"] and len(segments) > 2:
            token = segments[2]
        else:
            token = segments[0] if segments else ""
        if not token or not _SLUG.match(token):
            raise ValueError(f"{url}: a Greenhouse URL but no board token in it")
        return "greenhouse", {"board": token}
    if host in ("jobs.lever.co", "jobs.eu.lever.co", "api.lever.co", "api.eu.lever.co"):
        site = segments[2] if segments[:2] == ["v0", "postings"] and len(segments) > 2 else (segments[0] if segments else "")
        if not site or not _SLUG.match(site):
            raise ValueError(f"{url}: a Lever URL but no site name in it")
        params = {"site": site}
        if ".eu." in host:
            params["eu"] = True  # type: ignore[assignment]
        return "lever", params
    raise ValueError(
        f"{url}: cannot tell which hiring system this is; "
        "add it by hand to sources.toml (see `researchjobs sources show ID` for the shape)"
    )


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.\-]+", "-", str(text)).strip("-").lower() or "source"
