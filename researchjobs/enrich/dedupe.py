"""Is a newly crawled posting the same job as one already stored?

The same opening reaches us several times: re-crawls of one board, the employer's own
site and its ATS, reposts with a new requisition number. Storage selects a handful of
candidates (same employer, title or URL) and asks :func:`duplicate_of`, which applies
tests from strongest to weakest evidence:

1. same ``source_id`` + ``source_job_id`` (the hiring system's own identity);
2. same canonical URL, when the URL identifies a job rather than a careers home page;
3. same employer, title and location (normalised) with ``date_published`` within 30 days;
4. near-identical description (rapidfuzz ratio ≥ 95 on normalised text, lengths within
   10 % and at least 300 characters) with a similar title, compatible location and the
   same 30-day window.

Two openings for the same title in different cities are different jobs; a repost more
than 30 days later is treated as a new opening (storage keeps history either way).
"""

from __future__ import annotations

import functools
import re
from datetime import UTC, datetime
from typing import Any

from rapidfuzz import fuzz

from researchjobs.posting import canonical_url, posting_key

WINDOW_DAYS = 30
DESCRIPTION_MIN_CHARS = 300
DESCRIPTION_RATIO = 95.0
DESCRIPTION_LENGTH_RATIO = 0.9
TITLE_RATIO = 90.0
_COMPARE_CHARS = 6_000

_CORP_SUFFIX_RE = re.compile(
    r"\b(?:inc|llc|l l c|corp|corporation|co|ltd|plc|the|company|group|holdings)\b"
)


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _norm(value: Any) -> str:
    text = _text(value).lower()
    text = re.sub(r"[^a-z0-9]+", " ", text)
    return re.sub(r"\s+", " ", text).strip()


def _norm_employer(value: Any) -> str:
    return re.sub(r"\s+", " ", _CORP_SUFFIX_RE.sub(" ", _norm(value))).strip()


def _norm_location(row: dict[str, Any]) -> str:
    if row.get("city") or row.get("state"):
        return _norm(f"{row.get('city') or ''} {row.get('state') or ''}")
    return _norm(row.get("location_raw"))


def _when(row: dict[str, Any], *fields: str) -> datetime | None:
    for name in fields:
        value = row.get(name)
        if not isinstance(value, str) or not value:
            continue
        try:
            parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            continue
        if parsed.tzinfo is None:
            parsed = parsed.replace(tzinfo=UTC)
        return parsed
    return None


def _within_window(new: dict[str, Any], old: dict[str, Any]) -> bool:
    """Dates within 30 days; a side without any date does not block a match."""
    new_date = _when(new, "date_published", "crawled_at", "first_seen")
    old_date = _when(old, "date_published", "first_seen", "crawled_at")
    if new_date is None or old_date is None:
        return True
    return abs((new_date - old_date).total_seconds()) <= WINDOW_DAYS * 86_400


def _job_url(url: Any) -> str | None:
    """Canonical URL when it can identify one job (not a bare careers page)."""
    return _job_url_text(_text(url) or "")


@functools.lru_cache(maxsize=65_536)
def _job_url_text(url: str) -> str | None:
    # Cached: storage offers the same candidates for every new posting of a busy employer.
    canon = canonical_url(url or None)
    if not canon or not canon.startswith("http"):
        return None
    path_query = canon.split("://", 1)[-1].split("/", 1)[-1]
    if len(path_query.strip("/?")) < 4 or re.fullmatch(r"(?i)(?:careers?|jobs?)/?", path_query):
        return None
    return canon


def _key_of(row: dict[str, Any]) -> str | None:
    if row.get("key"):
        return str(row["key"])
    if row.get("source_id") and row.get("source_job_id"):
        return posting_key(str(row["source_id"]), str(row["source_job_id"]))
    return None


def _cluster(row: dict[str, Any]) -> str | None:
    return row.get("cluster_id") or _key_of(row)


def _order(row: dict[str, Any]) -> tuple[str, str]:
    return (_text(row.get("first_seen")) or "9999", _text(row.get("key")))


def duplicate_of(new: dict[str, Any], candidates: list[dict[str, Any]]) -> str | None:
    """cluster_id of the stored posting that is the same job as ``new``, else None."""
    new_key = _key_of(new)
    pool = sorted((c for c in candidates if isinstance(c, dict)), key=_order)

    # 1. The hiring system's own identity.
    for cand in pool:
        if new.get("source_id") and new.get("source_job_id") and \
                cand.get("source_id") == new.get("source_id") and \
                str(cand.get("source_job_id")) == str(new.get("source_job_id")):
            return _cluster(cand)
        if new_key and _key_of(cand) == new_key:
            return _cluster(cand)

    # 2. Same job URL.
    new_url = _job_url(new.get("url"))
    if new_url:
        for cand in pool:
            if _job_url(cand.get("url")) == new_url:
                return _cluster(cand)

    new_employer = _norm_employer(new.get("employer"))
    new_title = _norm(new.get("title"))
    new_location = _norm_location(new)

    # 3. Same employer + title + location, close in time.
    if new_employer and new_title:
        for cand in pool:
            if (_norm_employer(cand.get("employer")) == new_employer
                    and _norm(cand.get("title")) == new_title
                    and _norm_location(cand) == new_location
                    and _within_window(new, cand)):
                return _cluster(cand)

    # 4. Near-identical description.
    new_desc = _norm(new.get("description"))[:_COMPARE_CHARS]
    if len(new_desc) < DESCRIPTION_MIN_CHARS:
        return None
    for cand in pool:
        old_desc = _norm(cand.get("description"))[:_COMPARE_CHARS]
        if len(old_desc) < DESCRIPTION_MIN_CHARS:
            continue
        short, long_ = sorted((len(new_desc), len(old_desc)))
        if short / long_ < DESCRIPTION_LENGTH_RATIO:
            continue
        old_employer = _norm_employer(cand.get("employer"))
        if new_employer and old_employer and new_employer != old_employer:
            continue
        if fuzz.ratio(new_title, _norm(cand.get("title"))) < TITLE_RATIO:
            continue
        old_location = _norm_location(cand)
        if new_location and old_location and new_location != old_location:
            continue
        if not _within_window(new, cand):
            continue
        if fuzz.ratio(new_desc, old_desc, score_cutoff=DESCRIPTION_RATIO):
            return _cluster(cand)
    return None
