"""Dates as hiring systems write them, parsed to ISO 8601 UTC.

ATS phrasing first ("Posted 3 Days Ago", "30+ days ago", epoch milliseconds, the
USAJOBS ``T00:00:00.0000`` form), then ``dateparser`` with English only, because
dateparser alone turns "Posted 30+ Days Ago" into a future date (stack notes §18).
"""

from __future__ import annotations

import email.utils
import re
from datetime import UTC, datetime, timedelta

_AGO = re.compile(r"(\d{1,4})\s*(\+?)\s*(minute|hour|day|week|month|year)s?\s+ago", re.I)
_UNIT_SECONDS = {
    "minute": 60,
    "hour": 3600,
    "day": 86400,
    "week": 604800,
    "month": 2592000,
    "year": 31536000,
}
_EPOCH = re.compile(r"^\d{10}(\d{3})?$")
_FRACTION = re.compile(r"(\.\d{1,9})")
_COLONLESS_OFFSET = re.compile(r"([+-]\d{2})(\d{2})$")
_TALEO_FORM = re.compile(r"^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2})(\.\d+)?$")
_NEOGOV_FORM = re.compile(r"(\d{2}:\d{2}:\d{2}):\d+$")
_PREFIX = re.compile(r"^(posted|reposted|end date|closing date|date posted|published)\s*:?\s*", re.I)
MAX_DATE_TEXT = 120


def iso_utc(moment: datetime) -> str:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_date(
    raw: str | int | float | None, now: datetime | None = None
) -> tuple[str | None, bool]:
    """Return (ISO UTC string or None, lower_bound). lower_bound marks "30+ days ago"."""
    if raw is None or raw == "":
        return None, False
    now = now or datetime.now(UTC)
    if isinstance(raw, bool):
        return None, False
    if isinstance(raw, int | float):
        return _from_epoch(float(raw)), False
    text = str(raw).strip()[:MAX_DATE_TEXT]
    if not text:
        return None, False
    if _EPOCH.match(text):
        return _from_epoch(float(text)), False
    moment = _from_iso(text)
    if moment:
        return iso_utc(moment), False
    low = text.lower()
    if "today" in low or "just posted" in low or "just now" in low:
        return iso_utc(now), False
    if "yesterday" in low:
        return iso_utc(now - timedelta(days=1)), False
    if match := _AGO.search(low):
        seconds = int(match.group(1)) * _UNIT_SECONDS[match.group(3)]
        return iso_utc(now - timedelta(seconds=seconds)), match.group(2) == "+"
    text = _NEOGOV_FORM.sub(r"\1", _PREFIX.sub("", text))
    return _from_rfc822(text) or _from_dateparser(text, now), False


def _from_epoch(value: float) -> str | None:
    if value > 1e11:  # milliseconds
        value /= 1000.0
    try:
        return iso_utc(datetime.fromtimestamp(value, UTC))
    except (OverflowError, OSError, ValueError):
        return None


def _from_iso(text: str) -> datetime | None:
    candidate = _NEOGOV_FORM.sub(r"\1", text)
    if m := _TALEO_FORM.match(candidate):
        candidate = f"{m.group(1)}T{m.group(2)}"
    candidate = candidate.replace("Z", "+00:00").replace("z", "+00:00")
    candidate = _COLONLESS_OFFSET.sub(r"\1:\2", candidate)
    candidate = _FRACTION.sub(lambda m: m.group(1)[:7].ljust(7, "0"), candidate)
    try:
        return datetime.fromisoformat(candidate)
    except ValueError:
        return None


def _from_rfc822(text: str) -> str | None:
    try:
        moment = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    return iso_utc(moment) if moment else None


def _from_dateparser(text: str, now: datetime) -> str | None:
    import dateparser  # slow to import; most dates never need it

    if not any(ch.isdigit() for ch in text) and not re.search(r"[a-z]{3}", text, re.I):
        return None
    try:
        moment = dateparser.parse(
            text,
            languages=["en"],
            settings={
                "RELATIVE_BASE": now.replace(tzinfo=None),
                "PREFER_DATES_FROM": "past",
                "RETURN_AS_TIMEZONE_AWARE": True,
                "TIMEZONE": "UTC",
            },
        )
    except (ValueError, OverflowError, TypeError, AttributeError):
        return None
    return iso_utc(moment) if moment else None
