"""Cell values as the files give them, turned into what the tables hold. Pure and cached.

Dates come as real dates (xlsx), Excel serial numbers (45498, in CSVs dumped from xlsx),
"2025-03-01 00:00:00" or "03/01/2025"; numbers with thousands separators and float
artefacts ("290014.40000000002", "1,391"); names with trailing spaces and commas.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from typing import Any

from researchjobs.enrich.roles import role_ids_for_text

_EPOCH = dt.date(1899, 12, 30)
_US_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})")
#: Annual multiplier per WAGE_UNIT_OF_PAY (2,080 working hours a year, as DOL uses).
ANNUAL = {"year": 1, "hour": 2080, "week": 52, "bi-weekly": 26, "biweekly": 26, "month": 12}
#: Annualised wages outside this range are unit errors (82,200 an "Hour"), kept out of medians.
SANE_ANNUAL = (15_000.0, 1_500_000.0)
_RESEARCH_WORDS = re.compile(
    r"\b(?:research|clinical\s+trials?|study\s+coordinator|trial\s+coordinator|data\s+coordinator|"
    r"regulatory\s+coordinator|postdoc|post-doctoral|postdoctoral|laboratory|lab\s+technician|c?crc)\b",
    re.I,
)


def text(value: Any) -> str | None:
    """A stripped single-spaced string, or None for blanks."""
    if value is None:
        return None
    if type(value) is str:
        return _text(value)
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return _text(str(value))


@functools.lru_cache(maxsize=65536)
def _text(value: str) -> str | None:
    # The same statuses, names and titles recur on most rows of a file: cached.
    return " ".join(value.split()).strip(" ,") or None


def iso_date(value: Any) -> str | None:
    """YYYY-MM-DD from a date, datetime, Excel serial or date text; None when unreadable."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, (int, float)):
        return _serial(float(value))
    return _date_text(str(value).strip())


@functools.lru_cache(maxsize=8192)
def _date_text(value: str) -> str | None:
    match = _ISO_DATE.match(value)
    try:
        if match:
            return dt.date(int(match[1]), int(match[2]), int(match[3])).isoformat()
        match = _US_DATE.match(value)
        if match:
            return dt.date(int(match[3]), int(match[1]), int(match[2])).isoformat()
        if re.fullmatch(r"\d{5}(?:\.\d+)?", value):
            return _serial(float(value))
    except ValueError:
        return None
    return None


@functools.lru_cache(maxsize=8192)
def _serial(serial: float) -> str | None:
    if not 1 <= serial < 200_000:
        return None
    return (_EPOCH + dt.timedelta(days=int(serial))).isoformat()


@functools.lru_cache(maxsize=4096)
def fiscal_year(iso: str | None) -> int | None:
    """Federal fiscal year of a date: FY2025 runs from 2024-10-01 to 2025-09-30."""
    if not iso:
        return None
    year, month = int(iso[:4]), int(iso[5:7])
    return year + 1 if month >= 10 else year


@functools.lru_cache(maxsize=4096)
def fiscal_quarter(iso: str | None) -> str | None:
    """"2025Q2" for 2025-01-15 (quarters of the fiscal year)."""
    if not iso:
        return None
    month = int(iso[5:7])
    return f"{fiscal_year(iso)}Q{((month - 10) % 12) // 3 + 1}"


def number(value: Any) -> float | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return float(value)
    if isinstance(value, (int, float)):
        return float(value)
    return _number_text(str(value))


@functools.lru_cache(maxsize=8192)
def _number_text(value: str) -> float | None:
    cleaned = value.replace(",", "").replace("$", "").strip()
    try:
        return float(cleaned)
    except ValueError:
        return None


def count(value: Any) -> int:
    found = number(value)
    return int(found) if found is not None else 0


def annual_wage(amount: float | None, unit: str | None) -> float | None:
    """A wage per year, or None when the unit is unknown or the result is not believable."""
    if amount is None or not unit:
        return None
    factor = ANNUAL.get(unit.strip().lower())
    if factor is None:
        return None
    annual = amount * factor
    return round(annual, 2) if SANE_ANNUAL[0] <= annual <= SANE_ANNUAL[1] else None


@functools.lru_cache(maxsize=65536)
def naics(value: Any) -> str | None:
    """"611310", 611310, 611310.0 or "52 - Finance and Insurance" → the digits."""
    found = text(value)
    if not found:
        return None
    match = re.match(r"^(\d+)", found)
    return match.group(1) if match else None


@functools.lru_cache(maxsize=65536)
def zip_code(value: Any) -> str | None:
    found = text(value)
    if not found:
        return None
    digits = re.sub(r"\D", "", found.split("-")[0])
    return digits.zfill(5) if digits and len(digits) <= 5 else found


@functools.lru_cache(maxsize=65536)
def is_research(soc_code: str | None, title: str | None) -> bool:
    """Research roles: life, physical and social scientists and technicians (SOC 19-xxxx),
    natural sciences managers (11-9121), titles that name research, trials, studies or a
    lab, and "clinical" titles the research-role taxonomy knows ("Clinical Data Manager").
    That is how healthcare-practitioner codes (29-xxxx) such as a "Clinical Research
    Coordinator" under 29-2011 count while a "Registered Nurse" under 29-1141 does not;
    the taxonomy alone is not asked about titles without "clinical", where words such as
    "Associate" mean something else."""
    soc = (soc_code or "").strip()
    if soc.startswith("19-") or soc.startswith("11-9121"):
        return True
    if not title:
        return False
    if _RESEARCH_WORDS.search(title):
        return True
    if "clinical" not in title.lower():
        return False
    return any(role != "other" for role in role_ids_for_text(title))
