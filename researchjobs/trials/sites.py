"""From one study and one searched area to site rows: pure, so every rule is testable.

``filter.geo`` selects *studies*: a study matched by one site near Boston lists all of
its sites, from Anchorage to Guam. Each site is therefore judged on its own:

- its distance, from its own ``geoPoint``; a site without one is left out, because the
  search cannot have matched it either, so no later search could be evidence that it
  closed (a few in a thousand lack one);
- its own status: only ``RECRUITING`` sites of a ``RECRUITING`` study count; a site that
  says ``SUSPENDED`` or ``ACTIVE_NOT_RECRUITING`` is reported so that a complete crawl can
  close it.

A site is one facility in one place: the normalised facility name with city and state
(and the ZIP code for placeholder names such as "Research Site", which stand for many).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

from researchjobs.linking import facility_kind, name_key
from researchjobs.trials.api import Location, Study
from researchjobs.trials.areas import Area

OPEN_STATUSES = frozenset({"RECRUITING"})


@dataclass(frozen=True)
class SiteRow:
    site_id: str
    facility: str
    name_key: str
    name_kind: str  # organisation | investigator | placeholder
    city: str | None
    state: str | None  # two-letter code for US states and territories
    state_raw: str | None
    zip: str | None
    country: str | None
    lat: float
    lon: float


@dataclass(frozen=True)
class TrialRow:
    site_id: str
    nct_id: str
    title: str | None
    phases: str  # JSON list, e.g. ["PHASE1", "PHASE2"]
    conditions: str  # JSON list
    lead_sponsor: str | None
    sponsor_class: str | None
    overall_status: str | None
    site_status: str | None
    contacts: str  # JSON list of {name, role, email, phone, phone_ext} as published
    first_posted: str | None
    last_updated: str | None


@dataclass
class StudySites:
    """What one study says about the sites inside one area."""

    nct_id: str
    open: list[tuple[SiteRow, TrialRow]] = field(default_factory=list)
    not_recruiting: dict[str, str] = field(default_factory=dict)  # site_id → the site's status
    outside: int = 0  # sites farther than the area's radius
    no_point: int = 0  # sites without coordinates
    unnamed: int = 0  # sites without a facility name


def site_id_for(facility: str, city: str | None, state: str | None, zip_code: str | None, kind: str) -> str:
    key = name_key(facility) or " ".join(facility.casefold().split())
    parts = [key, " ".join((city or "").casefold().split()), (state or "").casefold()]
    if kind == "placeholder":
        parts.append((zip_code or "").strip()[:5])
    return hashlib.sha1("|".join(parts).encode("utf-8")).hexdigest()[:16]


def _state_code(location: Location) -> str | None:
    from researchjobs.enrich.location import parse_place

    if not location.state:
        return None
    place = parse_place(f"{location.city or 'X'}, {location.state}")
    return place.state if place.state and place.country in (None, "US") else None


def site_row(location: Location) -> SiteRow | None:
    if not location.facility or location.lat is None or location.lon is None:
        return None
    kind = facility_kind(location.facility)
    state = _state_code(location)
    return SiteRow(
        site_id=site_id_for(location.facility, location.city, state or location.state, location.zip, kind),
        facility=" ".join(location.facility.split()), name_key=name_key(location.facility), name_kind=kind,
        city=location.city, state=state, state_raw=location.state, zip=location.zip, country=location.country,
        lat=location.lat, lon=location.lon,
    )  # fmt: skip


def trial_row(site_id: str, study: Study, location: Location) -> TrialRow:
    return TrialRow(
        site_id=site_id, nct_id=study.nct_id, title=study.title, phases=_json(study.phases),
        conditions=_json(study.conditions), lead_sponsor=study.lead_sponsor, sponsor_class=study.sponsor_class,
        overall_status=study.overall_status, site_status=location.status,
        contacts=_json([c.to_dict() for c in location.contacts]), first_posted=study.first_posted,
        last_updated=study.last_updated,
    )  # fmt: skip


def _json(value: Any) -> str:
    return json.dumps(list(value), ensure_ascii=False)


def sites_in_area(study: Study, area: Area) -> StudySites:
    """The study's sites inside the area: open ones as rows, the others by status."""
    found = StudySites(study.nct_id)
    overall = (study.overall_status or "RECRUITING").upper()
    for location in study.locations:
        if location.lat is None or location.lon is None:
            found.no_point += 1
            continue
        if not area.contains(location.lat, location.lon):
            found.outside += 1
            continue
        site = site_row(location)
        if site is None:
            found.unnamed += 1
            continue
        status = (location.status or "").upper()
        if overall not in OPEN_STATUSES:  # the search asks for recruiting studies only; trust, but check
            found.not_recruiting.setdefault(site.site_id, f"study status {overall}")
        elif status in OPEN_STATUSES:
            found.open.append((site, trial_row(site.site_id, study, location)))
        else:
            found.not_recruiting.setdefault(site.site_id, status or "no status given")
    # The same site listed twice in one study: once is enough.
    unique: dict[str, tuple[SiteRow, TrialRow]] = {}
    for site, trial in found.open:
        unique.setdefault(site.site_id, (site, trial))
    found.open = list(unique.values())
    for site_id in unique:
        found.not_recruiting.pop(site_id, None)
    return found
