"""Pay: min, max, currency and period, plus an annualised figure for comparison.

Structured pay from the hiring system wins (Lever ``salaryRange``, Ashby compensation,
Greenhouse pay ranges, USAJOBS ``PositionRemuneration``, JSON-LD ``baseSalary``): the
spider hands it over as ``{min, max, currency, period}`` with the period still raw.
Otherwise the description is searched. Clinical-research postings mention many dollar
amounts that are *not* pay (participant gift cards, tuition benefits, sign-on bonuses,
study budgets), so every amount is scored by the words around it and only a plausible
pay figure near pay vocabulary is kept.

Annualisation uses 2,080 hours, 260 days, 52 weeks or 12 months per year.
"""

from __future__ import annotations

import itertools
import math
import re
from dataclasses import dataclass

from price_parser import Price

from researchjobs.enrich.text import clip_text, keyword_windows, lower_same_length

PERIODS = ("hour", "day", "week", "month", "year")
PER_YEAR: dict[str, float] = {"hour": 2080.0, "day": 260.0, "week": 52.0, "month": 12.0,
                              "year": 1.0}
#: Plausible pay per period in USD-like currencies; outside these an amount is not pay.
PLAUSIBLE: dict[str, tuple[float, float]] = {
    "hour": (7.0, 400.0),
    "day": (50.0, 5_000.0),
    "week": (200.0, 20_000.0),
    "month": (800.0, 60_000.0),
    "year": (10_000.0, 2_000_000.0),
}
MAX_CANDIDATES = 60

_SYMBOL_CURRENCY = {"$": "USD", "us$": "USD", "usd": "USD", "c$": "CAD", "ca$": "CAD",
                    "cad": "CAD", "£": "GBP", "gbp": "GBP", "€": "EUR", "eur": "EUR",
                    "a$": "AUD", "au$": "AUD", "aud": "AUD"}


@dataclass(frozen=True)
class Salary:
    """A pay figure and the text it came from."""

    min: float | None
    max: float | None
    currency: str | None
    period: str | None  # hour | day | week | month | year
    annual_min: float | None
    annual_max: float | None
    evidence: str


def annualise(amount: float | None, period: str | None) -> float | None:
    """Yearly equivalent so hourly and salaried jobs sort together."""
    if amount is None or period not in PER_YEAR:
        return None
    return round(amount * PER_YEAR[period], 2)


def normalise_period(raw: object) -> tuple[str | None, float]:
    """(period, factor) for a raw interval; the factor rescales bi-weekly-style periods.

    Handles Lever ``per-year-salary`` / ``per-hour-wage``, Ashby ``1 YEAR`` / ``1 HOUR``,
    USAJOBS rate codes (``PA``, ``PH``, ``PD``, ``PM``, ``BW``; ``PW`` is *piece work*
    there, not per week), schema.org ``unitText`` and plain words.
    """
    if raw is None:
        return None, 1.0
    text = re.sub(r"^(?:/|per\s+|an?\s+|each\s+)\s*", "", str(raw).strip().lower())
    if not text:
        return None, 1.0
    codes = {"pa": "year", "ph": "hour", "pd": "day", "pm": "month", "sy": "year",
             "py": "year", "yr": "year", "hr": "hour", "mo": "month", "wk": "week"}
    if text in codes:
        return codes[text], 1.0
    if text in ("bw", "biweekly", "bi-weekly", "fortnightly") or "bi-week" in text or \
            "biweek" in text:
        return "week", 0.5
    if "semi-month" in text or "semimonth" in text:
        return "month", 2.0
    count = re.match(r"^(\d+)\s+(hour|day|week|month|year)s?$", text)
    if count:
        n = int(count.group(1)) or 1
        return count.group(2), 1.0 / n
    for period, words in (
        ("hour", ("hour", "hourly", "wage")),
        ("year", ("year", "annum", "annual", "yearly")),
        ("month", ("month",)),
        ("week", ("week",)),
        ("day", ("day", "daily", "diem")),
    ):
        if any(w in text for w in words):
            return period, 1.0
    return None, 1.0


def _number(value: object) -> float | None:
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        number = float(value)
    else:
        text = str(value).strip()
        if not text:
            return None
        price = Price.fromstring(text)
        if price.amount is None:
            return None
        number = float(price.amount)
        if re.search(r"\d\s*[kK]\b", text):
            number *= 1000
    if math.isnan(number) or math.isinf(number) or number <= 0:
        return None
    return number


def _guess_period(amount: float) -> str | None:
    if amount >= 10_000:
        return "year"
    if 7 <= amount <= 150:
        return "hour"
    return None


def _build(low: float | None, high: float | None, currency: str | None, period: str | None,
           evidence: str) -> Salary | None:
    if low is None and high is None:
        return None
    if low is not None and high is not None and low > high:
        low, high = high, low
    if period is None:
        period = _guess_period(low if low is not None else high)  # type: ignore[arg-type]
    return Salary(
        min=round(low, 2) if low is not None else None,
        max=round(high, 2) if high is not None else None,
        currency=currency,
        period=period,
        annual_min=annualise(low, period),
        annual_max=annualise(high, period),
        evidence=evidence[:300],
    )


def from_structured(base_salary: dict | None) -> Salary | None:
    """Pay from the hiring system's own fields (see module doc for the shapes)."""
    if not isinstance(base_salary, dict):
        return None
    low = _number(base_salary.get("min", base_salary.get("minValue")))
    high = _number(base_salary.get("max", base_salary.get("maxValue")))
    if low is None and high is None:
        value = _number(base_salary.get("value"))
        low = high = value
    period_raw = base_salary.get("period", base_salary.get("interval",
                                                          base_salary.get("unitText")))
    period, factor = normalise_period(period_raw)
    if low is not None:
        low *= factor
    if high is not None:
        high *= factor
    currency = base_salary.get("currency") or base_salary.get("currencyCode")
    currency = str(currency).strip().upper()[:3] if currency else None
    evidence = ", ".join(f"{k}={v}" for k, v in base_salary.items() if v not in (None, ""))
    return _build(low, high, currency, period, f"structured: {evidence}")


# --- text --------------------------------------------------------------------------------

_CUR = r"(?:US\$|USD\s?\$?|CAD\s?\$?|C\$|CA\$|AU?\$|AUD\s?\$?|£|€|GBP\s?|EUR\s?|\$)"
_NUM = r"(?:\d{1,3}(?:,\d{3})+(?:\.\d{1,2})?|\d{1,3},\d{2}(?![\d,])|\d{1,7}(?:\.\d{1,2})?)"
_K = r"(?:\s?[kK](?:'?s)?\b)?"
_PERIOD_WORDS = (
    r"(?:/|per\s+|an?\s+|each\s+)\s?(?:hour|hr|year|yr|annum|month|mo|week|wk|day)\b|"
    r"hourly|annually|annual(?:ly)?|yearly|monthly|weekly|bi-?weekly|daily"
)
_AMOUNT = rf"(?P<c1>{_CUR})\s?(?P<n1>{_NUM})(?P<k1>{_K})(?:\s?(?P<code1>USD|CAD|GBP|EUR))?"
_SECOND = (
    rf"(?:\s*(?P<p1>{_PERIOD_WORDS}))?\s*(?:-|–|—|to|and|through|thru)\s*"
    rf"(?P<mod>(?:the\s+)?(?:upper|high|mid|low)\s+)?(?P<c2>{_CUR})?\s?(?P<n2>{_NUM})"
    rf"(?P<k2>{_K})(?:\s?(?:USD|CAD|GBP|EUR))?"
)
_MONEY_RE = re.compile(rf"{_AMOUNT}(?:{_SECOND})?", re.I)
_BARE_RANGE_RE = re.compile(
    rf"\b(?:salary|pay|wage|compensation|rate)(?:\s+(?:range|rate|scale))?\s*:?\s*"
    rf"(?P<n1>{_NUM})(?P<k1>{_K})\s*(?:-|–|—|to)\s*(?P<n2>{_NUM})(?P<k2>{_K})"
    rf"(?:\s?(?P<code1>USD|CAD|GBP|EUR))?",
    re.I,
)
_PERIOD_AFTER_RE = re.compile(
    rf"\s*(?:USD|CAD|GBP|EUR)?\s*(?:\(|,)?\s*(?:{_PERIOD_WORDS}|per\s+(?:hour|year))", re.I
)
_PERIOD_BEFORE_RE = re.compile(
    r"\b(hourly|annual|yearly|monthly|weekly|daily|per\s+hour|per\s+year)\b", re.I
)
_PAY_WORDS_RE = re.compile(
    r"\b(?:salary|salaries|pay|paid|compensation|wage|wages|hiring\s+range|base|rate|earn|"
    r"stipend|starting|range|hourly|annual|grade|step|band|minimum|maximum|\bUSD\b)", re.I
)
_NOT_PAY_RE = re.compile(
    r"\b(?:bonus|sign[- ]on|signing|reimburse\w*|tuition|gift\s*cards?|participants?\s+"
    r"(?:will\s+)?(?:receive|be\s+(?:paid|compensated))|compensated\s+for\s+their|"
    r"incentive|budgets?|grants?|million|billion|401\s?\(?k|403\s?\(?b|match(?:ing)?|"
    r"relocation|allowance|referral|fees?|cost|donat\w+|raised|funding|award|per\s+visit|"
    r"per\s+participant|per\s+subject|per\s+patient|scholarship|loan)\b",
    re.I,
)
_MIN_ONLY_RE = re.compile(
    r"\b(?:minimum|min\.?|starting(?:\s+(?:at|from|salary|pay|rate))?|from|at\s+least|"
    r"no\s+less\s+than|begins?\s+at)\s*(?:salary|pay|rate|wage)?\s*(?:of|is|:)?\s*$", re.I
)
_MAX_ONLY_RE = re.compile(
    r"\b(?:up\s+to|maximum|max\.?|not\s+to\s+exceed|no\s+more\s+than)\s*(?:salary|pay|rate)?"
    r"\s*(?:of|is|:)?\s*$", re.I
)
_MID_RE = re.compile(r"\b(?:midpoint|mid-point|median|average|target)\b[^$]{0,20}$", re.I)
_STEP_RE = re.compile(r"\bstep\s*\d{1,2}\b", re.I)
_SENTENCE_END_RE = re.compile(r"[.!?](?=\s)|\n|;")
_NOT_LISTED_RE = re.compile(r"\b(?:salary|pay|compensation)\s*(?:range)?\s*:\s*(?:not\s+"
                            r"listed|n/?a|tbd|doe|negotiable)\b", re.I)


@dataclass
class _Candidate:
    low: float | None
    high: float | None
    currency: str
    period: str | None
    score: int
    start: int
    end: int
    step: bool


def _to_float(num: str, k: str | None) -> float | None:
    try:
        value = float(num.replace(",", ""))
    except ValueError:
        return None
    if k and k.strip():
        value *= 1000
    return value


def _typo_fix(num: str, value: float, other: float | None) -> float:
    """`$120,00-$150,000`: a thousands group that lost a digit."""
    if re.fullmatch(r"\d{1,3},\d{2}", num) and other and other >= 1000:
        return value * 10
    return value


def _period_near(text: str, start: int, end: int) -> str | None:
    after = _PERIOD_AFTER_RE.match(text, end, min(len(text), end + 40))
    if after:
        return normalise_period(after.group(0))[0]
    before = text[max(0, start - 60): start]
    matches = list(_PERIOD_BEFORE_RE.finditer(before))
    if matches:
        return normalise_period(matches[-1].group(1))[0]
    return None


def _plausible(value: float | None, period: str | None) -> bool:
    if value is None:
        return True
    if period is None:
        return 7 <= value <= 2_000_000
    low, high = PLAUSIBLE[period]
    return low <= value <= high


def _candidates(text: str) -> list[_Candidate]:
    found: list[_Candidate] = []
    low = lower_same_length(text)
    spans: list[tuple[re.Match[str], bool]] = []
    last_end = -1
    # Amounts are searched only next to a currency mark (str.find is C-speed), so a page
    # full of digits or dollar signs costs a bounded number of regex attempts.
    for lo, hi in keyword_windows(low, ("$", "£", "€", "usd", "cad", "gbp", "eur", "aud"),
                                  before=6, after=90, limit=MAX_CANDIDATES):
        for match in _MONEY_RE.finditer(text, lo, hi):
            if match.start() >= last_end:
                spans.append((match, True))
                last_end = match.end()
    for lo, hi in keyword_windows(low, ("salary", "pay", "wage", "compensation", "rate"),
                                  before=0, after=80, limit=20):
        spans.extend((m, False) for m in itertools.islice(_BARE_RANGE_RE.finditer(text, lo, hi),
                                                          2))
    for match, has_symbol in spans[:MAX_CANDIDATES]:
        groups = match.groupdict()
        n1, n2 = groups.get("n1"), groups.get("n2")
        v1 = _to_float(n1, groups.get("k1")) if n1 else None
        v2 = _to_float(n2, groups.get("k2")) if n2 else None
        if v1 is None:
            continue
        if v2 is not None and groups.get("k2") and not groups.get("k1") and v1 < 1000 <= v2:
            v1 *= 1000  # "$55-65k"
        if v2 is not None:
            v1 = _typo_fix(n1, v1, v2)  # type: ignore[arg-type]
            v2 = _typo_fix(n2, v2, v1)  # type: ignore[arg-type]
            if groups.get("mod") and re.match(r"(?:the\s+)?(?:upper|high)", groups["mod"], re.I):
                if v2 >= 10_000 and v2 % 10_000 == 0:
                    v2 += 9_000  # "to upper $60k's" = the high 60s
        elif re.fullmatch(r"\d{1,3},\d{2}", n1 or ""):
            continue
        key = re.sub(r"\s", "", groups.get("code1") or groups.get("c1") or "$").lower()
        currency = _SYMBOL_CURRENCY.get(key) or _SYMBOL_CURRENCY.get(key.rstrip("$")) or "USD"
        period = normalise_period(groups.get("p1"))[0] if groups.get("p1") else None
        period = period or _period_near(text, match.start(), match.end())
        before = _SENTENCE_END_RE.split(text[max(0, match.start() - 80): match.start()])[-1]
        after = _SENTENCE_END_RE.split(text[match.end(): match.end() + 60], maxsplit=1)[0]
        score = 0
        if not has_symbol or _PAY_WORDS_RE.search(before) or _PAY_WORDS_RE.search(after[:25]):
            score += 3  # the symbol-less pattern only matches right after a pay word
        if period:
            score += 2
        if v2 is not None:
            score += 1
        if not has_symbol:
            score -= 1
        # Words right after an amount describe it ("$1,000 sign-on bonus"); a clause after
        # "plus" describes something else ("$95,000 per year plus car allowance").
        tail = re.split(r"(?i)\bplus\b|\band\b|\+|,", after[:25], maxsplit=1)[0]
        window = before[-60:] + " " + tail
        if _NOT_PAY_RE.search(window):
            score -= 6
        low, high = v1, v2
        if v2 is None:
            if _MAX_ONLY_RE.search(before[-40:]):
                low, high = None, v1
            elif _MIN_ONLY_RE.search(before[-40:]):
                low, high = v1, None
            elif _MID_RE.search(before[-40:]):
                continue
            else:
                low, high = v1, v1
        if period is None:
            guess = _guess_period(max(x for x in (low, high) if x is not None))
            if guess == "hour" and score < 3:
                guess = None
            period = guess
        if period is None or not (_plausible(low, period) and _plausible(high, period)):
            continue
        step = bool(_STEP_RE.search(before[-30:]))
        found.append(_Candidate(low, high, currency, period, score, match.start(), match.end(),
                                step))
    return found


def _merge(cands: list[_Candidate]) -> tuple[float | None, float | None]:
    lows = [c.low for c in cands if c.low is not None]
    highs = [c.high for c in cands if c.high is not None]
    values = lows + highs
    return (min(values) if values else None, max(values) if values else None)


def from_text(text: str | None, country: str | None = None) -> Salary | None:
    """Best pay statement in free text, or None when nothing plausible is found."""
    if not text:
        return None
    body = clip_text(text)
    low = body.lower()
    if not any(mark in low for mark in ("$", "£", "€", "usd", "cad", "gbp", "eur", "salary",
                                        "pay", "wage", "compensation", "rate")):
        return None
    if _NOT_LISTED_RE.search(body) and "$" not in body:
        return None
    cands = [c for c in _candidates(body) if c.score >= 2]
    if not cands:
        return None
    steps = [c for c in cands if c.step]
    if len(steps) >= 2:
        # Union step tables: the range runs from the first step to the last.
        period = steps[0].period
        same = [c for c in steps if c.period == period]
        low, high = _merge(same)
        evidence = body[same[0].start: same[-1].end]
        return _build(low, high, same[0].currency, period, evidence)
    best = max(cands, key=lambda c: (c.score, -c.start))
    low, high = best.low, best.high
    end = best.end
    if (low is None) != (high is None):
        # "Minimum $45,000 … Maximum $60,000": pair the open end with a close partner.
        for other in cands:
            if other is best or other.period != best.period or abs(other.start - best.start) > 200:
                continue
            if high is None and other.high is not None and other.low is None:
                high, end = other.high, max(end, other.end)
                break
            if low is None and other.low is not None and other.high is None:
                low, end = other.low, max(end, other.end)
                break
    currency = best.currency
    if currency == "USD" and country == "CA" and "US" not in body[best.start: best.end]:
        currency = "CAD"
    start = max(0, best.start - 40)
    evidence = re.sub(r"\s+", " ", body[start: end + 30]).strip()
    return _build(low, high, currency, best.period, evidence)


def extract_salary(
    base_salary: dict | None,
    salary_raw: str | None = None,
    text: str | None = None,
    country: str | None = None,
) -> Salary | None:
    """Structured pay first, then the raw pay string, then the description."""
    structured = from_structured(base_salary)
    if structured is not None:
        return structured
    if salary_raw:
        raw = from_text(salary_raw if re.search(r"(?i)pay|salary|rate|wage", salary_raw)
                        else f"Pay: {salary_raw}", country)
        if raw is not None:
            return raw
    return from_text(text, country)
