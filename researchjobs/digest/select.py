"""From candidate match rows to digest items: ordering, one item per job, badges.

Pure functions. Everything shown to a reader is decided here, as plain strings, so
the templates only lay things out and every value passes through autoescape; the
one exception, the posting's own HTML, is reduced to text after nh3 has cleaned it.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from researchjobs.enrich.text import html_to_text, safe_link, sanitise_html
from researchjobs.h1b.record import sponsor_line
from researchjobs.matcher.frame import norm_term

EXCERPT_CHARS = 280

#: How a badge is drawn: ``good`` helps an IMG, ``warn`` costs effort, ``info`` neutral.
TONES = ("good", "warn", "info")


@dataclass
class Badge:
    label: str
    tone: str = "info"


@dataclass
class Item:
    """One job in a digest, already worded for people."""

    posting_key: str
    cluster_id: str
    title: str
    employer: str
    location: str
    link: str | None
    posted: str | None
    salary: str | None
    score: int
    eligible: bool
    badges: list[Badge] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)
    blockers: list[str] = field(default_factory=list)  # why it is not open to this profile as posted
    excerpt: str | None = None
    sponsor: str | None = None  # the employer's H-1B record in one line, with its source

    def to_json(self) -> dict[str, Any]:
        # By hand: dataclasses.asdict deep-copies recursively and was a third of a digest's cost.
        data = dict(vars(self))
        data["badges"] = [{"label": b.label, "tone": b.tone} for b in self.badges]
        data["reasons"] = list(self.reasons)
        data["blockers"] = list(self.blockers)
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Item:
        data = dict(data)
        data["badges"] = [Badge(**b) for b in data.get("badges", [])]
        return cls(**data)


def choose(candidates: list[dict[str, Any]], profile: Any, limit: int, max_other: int = 5) -> list[Item]:
    """Eligible first, then by score; one item per dedupe cluster.

    At most ``limit`` items, of which at most ``max_other`` are jobs a requirement may
    rule out: those are context, and must not crowd out the jobs that are open.
    """
    # Stable sorts, least significant key first: newest, then score, then eligibility.
    ordered = sorted(candidates, key=lambda r: str(r.get("posting_key")))
    ordered.sort(key=lambda r: str(r.get("date_published") or r.get("first_seen") or ""), reverse=True)
    ordered.sort(key=lambda r: (-int(bool(r.get("eligible"))), -float(r.get("score") or 0)))
    seen: set[str] = set()
    items: list[Item] = []
    others = 0
    for row in ordered:
        cluster = str(row.get("cluster_id") or row.get("posting_key"))
        if cluster in seen:
            continue
        seen.add(cluster)
        if not row.get("eligible"):
            if others >= max_other:
                continue
            others += 1
        items.append(make_item(row, profile))
        if len(items) >= limit:
            break
    return items


def waiting(candidates: list[dict[str, Any]], chosen: list[Item]) -> int:
    """Open-to-you jobs left for a later digest (beyond this one's limit)."""
    taken = {i.cluster_id for i in chosen}
    clusters = {str(r.get("cluster_id") or r.get("posting_key")) for r in candidates if r.get("eligible")}
    return len(clusters - taken)


def make_item(row: dict[str, Any], profile: Any) -> Item:
    return Item(
        posting_key=str(row.get("posting_key") or row.get("key")),
        cluster_id=str(row.get("cluster_id") or row.get("posting_key") or row.get("key")),
        title=_clean(row.get("title")) or "Untitled posting",
        employer=_clean(row.get("employer")) or "Employer not given",
        location=location_text(row),
        link=safe_link(row.get("url")) or safe_link(row.get("apply_url")),
        posted=_date(row.get("date_published") or row.get("first_seen")),
        salary=salary_text(row),
        score=round(float(row.get("score") or 0)),
        eligible=bool(row.get("eligible")),
        badges=badges(row, profile),
        reasons=[_clean(r) for r in _json_list(row.get("reasons")) if _clean(r)],
        blockers=blockers(row.get("gates")),
        excerpt=excerpt(row),
        sponsor=sponsor_text(row),
    )


def sponsor_text(row: dict[str, Any]) -> str | None:
    """The employer's H-1B line, from the record columns storage adds (None without data)."""
    records = _json_list(row.get("sponsor_records"))
    years = _json_list(row.get("sponsor_lca_years"))
    return sponsor_line([r for r in records if isinstance(r, dict)], tuple(years) if len(years) == 2 else None)


def _clean(value: Any) -> str:
    return " ".join(str(value).split()) if value is not None else ""


def _date(value: Any) -> str | None:
    text = str(value or "")
    return text[:10] if len(text) >= 10 else None


def _json_list(value: Any) -> list[Any]:
    if value is None or value == "":
        return []
    if isinstance(value, list):
        return value
    try:
        decoded = json.loads(value)
    except (TypeError, ValueError):
        return [value]
    return decoded if isinstance(decoded, list) else [decoded]


def location_text(row: dict[str, Any]) -> str:
    remote = str(row.get("remote") or "").lower()
    place = ", ".join(str(p) for p in (row.get("city"), row.get("state")) if p) or _clean(
        row.get("location_raw")
    )
    if remote == "remote":
        return f"Remote ({place})" if place and "remote" not in place.lower() else "Remote"
    if remote == "hybrid":
        return f"{place} · hybrid" if place else "Hybrid"
    return place or "Location not given"


_PERIODS = {"hour": "an hour", "day": "a day", "week": "a week", "month": "a month", "year": "a year"}


def salary_text(row: dict[str, Any]) -> str | None:
    low, high = row.get("salary_min"), row.get("salary_max")
    if low is None and high is None:
        return None
    currency = str(row.get("salary_currency") or "USD").upper()
    period = _PERIODS.get(str(row.get("salary_period") or "").lower(), "")

    def money(value: Any) -> str:
        amount = float(value)
        digits = f"{amount:,.2f}" if amount < 1000 and amount != int(amount) else f"{amount:,.0f}"
        return f"${digits}" if currency == "USD" else f"{currency} {digits}"

    if low is not None and high is not None and float(high) > float(low):
        text = f"{money(low)}–{money(high)}"
    elif low is not None:
        text = money(low) if high is not None else f"from {money(low)}"
    else:
        text = f"up to {money(high)}"
    return f"{text} {period}".strip()


def _months(value: float) -> str:
    months = int(value)
    if months >= 12 and months % 12 == 0:
        years = months // 12
        return f"{years} year{'s' if years != 1 else ''}"
    return f"{months} month{'s' if months != 1 else ''}"


def _names(value: Any) -> list[str]:
    names = []
    for entry in _json_list(value):
        name = entry.get("name") if isinstance(entry, dict) else entry
        if name and _clean(name):
            names.append(_clean(name))
    return list(dict.fromkeys(names))


_EXPERIENCE_GAP = re.compile(r"^[−-]\s*asks (.+?) months'? experience, you have (.+)$")
_CERTS_MISSING = re.compile(r"^[−-]\s*requires (.+)$")


def badges(row: dict[str, Any], profile: Any) -> list[Badge]:
    """The facts an IMG scans for first, each as a short label.

    Experience and certificate gaps follow the matcher's own verdict (its reasons),
    which knows when clinical years abroad count and which certificates can be
    earned after hire; the columns are only a fallback for rows without reasons.
    """
    out: list[Badge] = []
    reasons = [_clean(r) for r in _json_list(row.get("reasons"))]
    if str(row.get("role_level") or "") == "entry":
        out.append(Badge("entry level", "good"))
    cap = str(row.get("cap_exempt") or "")
    if cap == "likely":
        out.append(Badge("likely cap-exempt employer", "good"))
    elif cap == "possible":
        out.append(Badge("possibly cap-exempt employer", "info"))
    visa = str(row.get("visa") or "")
    if visa == "explicit_no":
        out.append(Badge("no visa sponsorship", "warn"))
    elif visa == "possible":
        out.append(Badge("visa sponsorship possible", "good"))
    gap = next((m for m in map(_EXPERIENCE_GAP.match, reasons) if m), None)
    if gap:
        out.append(Badge(f"experience gap: asks {gap.group(1)} months, you have {gap.group(2)}", "warn"))
    elif not reasons:
        required = row.get("experience_required_months")
        have = getattr(profile, "us_research_months", None) or 0
        if required and float(required) > float(have):
            out.append(Badge(f"experience gap: asks {_months(required)}, you have {_months(have)}", "warn"))
    missing = next((m.group(1) for m in map(_CERTS_MISSING.match, reasons) if m), None)
    if missing is None and not reasons:
        held = {norm_term(c) for c in getattr(profile, "certifications", None) or []}
        missing = (
            ", ".join(c for c in _names(row.get("certifications_required")) if norm_term(c) not in held)
            or None
        )
    if missing:
        out.append(Badge(f"certification needed: {missing}", "warn"))
    spoken = {norm_term(str(lang)) for lang in getattr(profile, "languages", None) or []}
    for language in _names(row.get("languages")):
        if norm_term(language) == "english":
            continue
        out.append(Badge(f"language: {language}", "good" if norm_term(language) in spoken else "info"))
    if row.get("licence_required"):
        out.append(Badge("clinical licence required", "warn"))
    return out


def blockers(gates: Any) -> list[str]:
    """Failed gates as sentences, whatever shape the matcher stored them in."""
    if isinstance(gates, str):
        try:
            gates = json.loads(gates)
        except ValueError:
            return []
    found: list[str] = []
    if isinstance(gates, dict):
        for name, value in gates.items():
            if isinstance(value, dict):
                if value.get("passed", value.get("ok", True)) is False:
                    found.append(_clean(value.get("reason") or value.get("message") or name))
            elif value is False:
                found.append(_clean(name).replace("_", " "))
    elif isinstance(gates, list):  # the matcher's shape: only the gates that failed
        for value in gates:
            if isinstance(value, dict):
                if value.get("passed", value.get("ok", False)) is False:
                    found.append(_clean(value.get("reason") or value.get("gate") or value.get("name")))
            elif value:
                found.append(_clean(value))
    return [f for f in found if f]


def excerpt(row: dict[str, Any]) -> str | None:
    """A few plain-text lines; posting HTML is cleaned by nh3 before it is read."""
    text = row.get("description")
    if not text and row.get("description_html"):
        text = html_to_text(sanitise_html(str(row["description_html"])))
    text = _clean(text)
    if not text:
        return None
    if len(text) <= EXCERPT_CHARS:
        return text
    cut = text[:EXCERPT_CHARS].rsplit(" ", 1)[0]
    return f"{cut}…"


# ---------------------------------------------------------------- research sites near you

#: Per site in the digest: at most this many contacts and trials named.
SITE_CONTACTS = 2
SITE_TRIALS = 3


@dataclass
class SiteItem:
    """One research site in the "Research sites near you" section, already worded."""

    site_id: str
    facility: str
    place: str
    headline: str
    details: list[str] = field(default_factory=list)
    contacts: list[str] = field(default_factory=list)
    employer: str | None = None
    trials: list[str] = field(default_factory=list)
    link: str | None = None
    retrieved: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {**vars(self), "details": list(self.details), "contacts": list(self.contacts), "trials": list(self.trials)}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> SiteItem:
        return cls(**data)


def site_item(lead: Any) -> SiteItem:
    """A lead (``trials.leads.Lead``) in words: why it is worth an e-mail, whom to write to."""
    from researchjobs.trials.leads import contact_text

    plural = "s" if lead.trials != 1 else ""
    if lead.is_new:
        headline = f"New site: {lead.trials} recruiting trial{plural}"
    else:
        headline = f"{lead.new_trials} new recruiting trial{'s' if lead.new_trials != 1 else ''} ({lead.trials} in all)"
    details = []
    if lead.phase1_trials:
        details.append(f"{lead.phase1_trials} phase 1")
    if lead.industry_trials:
        details.append(f"{lead.industry_trials} industry-sponsored")
    if lead.name_kind == "investigator":
        details.append("an investigator's own site")
    employer = None
    if lead.employer:
        board = lead.board_text
        employer = f"Employer: {_clean(lead.employer)}{' — ' + board if board else ''}"
    miles = f" · {lead.miles:.1f} mi" if lead.miles is not None else ""
    trials = [f"{n} — {_clean(lead.titles.get(n)) or 'untitled'}" for n in lead.nct_ids[:SITE_TRIALS]]
    if len(lead.nct_ids) > SITE_TRIALS:
        trials.append(f"and {len(lead.nct_ids) - SITE_TRIALS} more")
    return SiteItem(
        site_id=lead.site_id, facility=_clean(lead.facility), place=f"{_clean(lead.place)}{miles}", headline=headline,
        details=details, contacts=[_clean(contact_text(c)) for c in lead.contacts[:SITE_CONTACTS]],
        employer=employer, trials=trials, link=safe_link(lead.study_links()[0]) if lead.nct_ids else None,
        retrieved=(lead.retrieved or "")[:10] or None,
    )  # fmt: skip
