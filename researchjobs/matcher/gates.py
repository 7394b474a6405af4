"""Eligibility gates: is this posting open to this person at all?

A gate is a hard "no" that no amount of fit can outweigh: a US licence the person does
not hold, an explicit refusal to sponsor for someone who needs sponsorship, a
citizens-only post, a place they cannot work, something they excluded, a closed
posting, a level they ruled out. A gated posting is still scored and stored, marked
ineligible with the gate and its reason, so the person can see *why* a job they know
about is not in their digest — nothing is dropped silently.

Gates fire on stated facts only. A posting that does not say where it is, or says
nothing about visas, is not gated: that is an unknown, shown in the reasons, and most
academic postings never mention visas at all (domain notes §6).

Who "needs sponsorship" is decided by ``Profile.needs_sponsorship``: needs_h1b,
future_sponsorship, opt and j1. ``citizenship_required`` (and a required security
clearance, which only citizens can hold) gates everyone but citizens — green-card and
EAD holders included, because "US citizens only" means exactly that.
``citizen_or_pr_required`` ("U.S. citizens or permanent residents") gates everyone but
citizens and green-card holders: EAD, OPT and visa holders alike. "Authorized to work
without sponsorship" is a sponsorship refusal (``visa = explicit_no``), not a
citizenship rule: it closes the job only to those who need sponsorship.

The level gate reads ``role_level`` as stored — the same column ``jobs --level`` filters
and the digest's badge shows — whether the posting stated its level or it was inferred
(see ``enrich.level``), so the three always agree. A language stated as required gates a
person who speaks none of the required languages (English aside).
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from typing import Any

import numpy as np

from researchjobs.matcher.frame import (
    HYBRID,
    LEVEL_CODE,
    LEVELS,
    REMOTE,
    UNKNOWN_LEVEL,
    Frame,
    count_common,
    norm_term,
    shared,
)

GATES: tuple[str, ...] = (
    "closed", "licence", "sponsorship", "citizenship", "location", "workplace", "employer",
    "keyword", "level", "language", "sponsor_history",
)  # fmt: skip
BIT: dict[str, int] = {name: 1 << i for i, name in enumerate(GATES)}

# Where a posting stands relative to the person's places.
LOC_REMOTE = 0  # remote job, remote accepted
LOC_NEAR = 1  # within a place's radius
LOC_STATE = 2  # in a listed state, distance unknown (or a state-only place)
LOC_ANYWHERE = 3  # the profile lists no places: anywhere in the US
LOC_UNKNOWN = 4  # the posting does not say where it is
LOC_FAR = 5  # gated: coordinates outside every radius (gated statuses come last: status >= LOC_FAR)
LOC_OTHER_STATE = 6  # gated: a state not listed, no coordinates
LOC_REMOTE_REFUSED = 7  # gated: remote, and remote_ok = false
LOC_FOREIGN = 8  # gated: outside the US

EARTH_RADIUS_MILES = 3958.8


@dataclass
class Places:
    """A profile's places, geocoded once."""

    labels: list[str]  # "Boston, MA"
    lat: np.ndarray  # radians, NaN for state-only places
    lon: np.ndarray
    radius: np.ndarray  # miles
    states: list[str]  # state of each place

    @functools.cached_property
    def described(self) -> str:
        """"Boston, MA within 30 mi; TX" — for gate reasons."""
        return "; ".join(
            f"{label} within {radius:g} mi" if not np.isnan(la) else label
            for label, radius, la in zip(self.labels, self.radius, self.lat, strict=True)
        )

    @classmethod
    def from_profile(cls, locations: list[dict[str, Any]]) -> Places:
        from researchjobs.enrich.location import geocode_us

        labels, lats, lons, radii, states = [], [], [], [], []
        for place in locations:
            city, state = place.get("city"), place.get("state")
            point = None
            if city:
                try:
                    point = geocode_us(city, state)
                except Exception:  # data problem: fall back to the state
                    point = None
            labels.append(f"{city}, {state}" if city else str(state))
            lats.append(np.radians(point[0]) if point else np.nan)
            lons.append(np.radians(point[1]) if point else np.nan)
            radii.append(float(place.get("radius_miles") or 0.0))
            states.append(str(state or "").upper())
        return cls(labels, np.asarray(lats, dtype=np.float64), np.asarray(lons, dtype=np.float64),
                   np.asarray(radii, dtype=np.float64), states)


def haversine_miles(lat1: np.ndarray, lon1: np.ndarray, lat2: float, lon2: float) -> np.ndarray:
    """Great-circle miles from arrays of points to one point (all in radians)."""
    dlat = lat1 - lat2
    dlon = lon1 - lon2
    a = np.sin(dlat / 2) ** 2 + np.cos(lat1) * np.cos(lat2) * np.sin(dlon / 2) ** 2
    return 2 * EARTH_RADIUS_MILES * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))


def _member(codes: np.ndarray, wanted: set[int]) -> np.ndarray:
    """codes ∈ wanted: a few equality tests beat a table gather over 100,000 rows."""
    out = np.zeros(len(codes), dtype=bool)
    for code in wanted:
        out |= codes == code
    return out


@functools.lru_cache(maxsize=4)
def _status_table(remote_ok: bool, anywhere: bool) -> np.ndarray:
    """Location status for each combination of the seven facts ``locate`` packs into a byte."""
    table = np.empty(128, dtype=np.int8)
    for code in range(128):
        remote, foreign, point, within, has_state, listed, state_only = ((code >> b) & 1 for b in range(7))
        if remote:
            value = LOC_FOREIGN if foreign else (LOC_REMOTE if remote_ok else LOC_REMOTE_REFUSED)
        elif foreign:
            value = LOC_FOREIGN
        elif anywhere:
            value = LOC_ANYWHERE
        elif point and within:
            value = LOC_NEAR
        elif state_only or (not point and listed):
            value = LOC_STATE
        elif point:
            value = LOC_FAR
        elif has_state:
            value = LOC_OTHER_STATE
        else:
            value = LOC_UNKNOWN
        table[code] = value
    return table


def locate(
    frame: Frame,
    places: Places,
    remote_ok: bool,
    *,
    idx: np.ndarray | None = None,
    cache: dict[Any, Any] | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(status, miles to the nearest geocoded place, index of that place) for rows ``idx``.

    Distances to a place are computed once per run and place (``cache``) and shared by
    every profile in that city; a posting without coordinates is infinitely far.
    """

    def sel(array: np.ndarray) -> np.ndarray:
        return array if idx is None else array[idx]

    def miles_to(lat: float, lon: float) -> np.ndarray:
        d = haversine_miles(frame.lat, frame.lon, lat, lon).astype(np.float32)
        d[np.isnan(d)] = np.inf
        return d

    m = frame.n if idx is None else len(idx)
    located = [k for k in range(len(places.labels)) if not np.isnan(places.lat[k])]
    if located:
        rows = [sel(shared(cache, ("miles", float(places.lat[k]), float(places.lon[k])),
                           lambda k=k: miles_to(float(places.lat[k]), float(places.lon[k])))) for k in located]  # fmt: skip
        dist, nearest = rows[0], np.full(m, located[0], dtype=np.int16)
        within = dist <= np.float32(places.radius[located[0]] + 0.5)
        for k, d in zip(located[1:], rows[1:], strict=True):
            closer = (d < dist).view(np.uint8).astype(np.int16)
            nearest += closer * (np.int16(k) - nearest)  # arithmetic: masked writes are slow
            dist = np.minimum(dist, d)
            within |= d <= np.float32(places.radius[k] + 0.5)
        has_point = np.isfinite(dist)  # nearest means nothing where there is no point
    else:
        dist = np.full(m, np.inf, dtype=np.float32)
        nearest = np.full(m, -1, dtype=np.int16)
        within = np.zeros(m, dtype=bool)
        has_point = sel(shared(cache, "has_point", lambda: ~np.isnan(frame.lat)))
    state = sel(frame.state)
    state_codes = {s: i for i, s in enumerate(frame.states)}
    listed = {state_codes[s] for s in places.states if s in state_codes}
    state_only = {state_codes[s] for s, la in zip(places.states, places.lat, strict=True) if np.isnan(la) and s in state_codes}
    is_remote = sel(shared(cache, "is_remote", lambda: frame.remote == REMOTE))
    foreign = sel(frame.foreign)

    # Status from a decision table indexed by the posting's facts, one gather instead of
    # a chain of masked assignments (which cost a millisecond each over 100,000 rows).
    flags = is_remote.view(np.uint8) | (foreign.view(np.uint8) << 1) | (has_point.view(np.uint8) << 2)
    flags |= within.view(np.uint8) << 3
    flags |= (state >= 0).view(np.uint8) << 4
    if listed:
        flags |= _member(state, listed).view(np.uint8) << 5
    if state_only:
        flags |= _member(state, state_only).view(np.uint8) << 6
    status = np.take(_status_table(remote_ok, not places.labels), flags)
    return status, dist, nearest


def employer_mask(frame: Frame, terms: list[str]) -> tuple[np.ndarray, dict[int, str]]:
    """Postings whose employer contains an excluded name (as whole words), and which term hit."""
    hits: dict[int, str] = {}
    normalised = [(t, norm_term(t)) for t in terms]
    for index, employer in enumerate(frame.employers):
        padded = f" {employer} "
        for term, key in normalised:
            if key and f" {key} " in padded:
                hits[index] = term
                break
    if not hits:
        return np.zeros(frame.n, dtype=bool), hits
    return np.isin(frame.employer_idx, list(hits)), hits


def keyword_mask(frame: Frame, keyword_keys: dict[str, set[str]]) -> tuple[np.ndarray, dict[int, str]]:
    """Postings found by the full-text search for an excluded keyword, and which keyword."""
    mask = np.zeros(frame.n, dtype=bool)
    which: dict[int, str] = {}
    for keyword, keys in keyword_keys.items():
        for key in keys:
            i = frame.position.get(key)
            if i is not None and not mask[i]:
                mask[i] = True
                which[i] = keyword
    return mask, which


def level_gate(frame: Frame, levels: list[str]) -> np.ndarray:
    """A level the person ruled out: ``role_level`` as stored (stated or inferred)."""
    allowed = [LEVEL_CODE[level] for level in levels if level in LEVEL_CODE]
    return (frame.level != UNKNOWN_LEVEL) & ~np.isin(frame.level, allowed)


def language_gate(frame: Frame, spoken_mask: np.ndarray) -> np.ndarray:
    """Postings that require a language (English aside) the person does not speak: none
    of the required languages is among theirs ("Spanish or Portuguese" needs only one)."""
    return (frame.languages_required_count > 0) & (count_common(frame.languages_required, spoken_mask) == 0)


def licence_gate(frame: Frame, licences: list[str]) -> np.ndarray:
    held_text = f" {' '.join(norm_term(x) for x in licences)} "
    held = np.asarray(
        [bool(licences) and f" {norm_term(name)} " in held_text for name in frame.licence_names] + [False],
        dtype=bool,
    )
    return frame.licence & ~held[frame.licence_name]


# --------------------------------------------------------------------------- reasons

_AUTH_WORDS = {
    "needs_h1b": "you need an H-1B",
    "future_sponsorship": "you will need sponsorship",
    "opt": "on OPT you will need an H-1B",
    "j1": "you need a J-1 sponsor",
}


def _quote(text: Any, limit: int = 90) -> str:
    text = " ".join(str(text or "").split())
    if not text:
        return ""
    return f' ("{text[: limit - 1]}…")' if len(text) > limit else f' ("{text}")'


def describe_gates(
    bits: int,
    row: dict[str, Any],
    profile: Any,
    places: Places,
    status: int,
    dist: float,
    nearest: int,
    employer_term: str | None,
    keyword: str | None,
    sponsor_fy: int | None = None,
) -> list[dict[str, str]]:
    """The gates a posting hit, each with a reason in plain words."""
    out: list[dict[str, str]] = []
    if bits & BIT["closed"]:
        when = str(row.get("closed_at") or "")[:10]
        out.append({"gate": "closed", "reason": f"no longer listed by the employer (closed {when})".replace(" ()", "")})
    if bits & BIT["licence"]:
        name = row.get("licence_required_name") or "professional"
        out.append({"gate": "licence", "reason": f"requires a US {name} licence"})
    if bits & BIT["sponsorship"]:
        words = _AUTH_WORDS.get(profile.work_authorization, "you need sponsorship")
        out.append({"gate": "sponsorship",
                    "reason": f"will not sponsor a visa; {words}{_quote(row.get('visa_evidence'))}"})
    if bits & BIT["citizenship"]:
        if row.get("citizenship_required"):
            reason = "US citizens only"
        elif row.get("clearance_required"):
            reason = "requires a security clearance (US citizens only)"
        else:
            reason = "US citizens or permanent residents only"
        out.append({"gate": "citizenship", "reason": reason + _quote(row.get("visa_evidence"))})
    if bits & BIT["location"]:
        out.append({"gate": "location", "reason": _location_reason(row, places, status, dist, nearest)})
    if bits & BIT["workplace"]:
        out.append({"gate": "workplace", "reason": "hybrid; your profile has hybrid_ok = false"})
    if bits & BIT["employer"]:
        out.append({"gate": "employer",
                    "reason": f"{row.get('employer') or 'employer'} is excluded (exclude_employers: {employer_term!r})"})
    if bits & BIT["keyword"]:
        out.append({"gate": "keyword", "reason": f"mentions {keyword!r} (exclude_keywords)"})
    if bits & BIT["level"]:
        allowed = ", ".join(level for level in LEVELS if level in profile.levels)
        out.append({"gate": "level", "reason": f"{row.get('role_level')} level; your levels: {allowed}"})
    if bits & BIT["language"]:
        wanted = " or ".join(_json_names(row.get("languages_required"))) or "a language"
        out.append({"gate": "language",
                    "reason": f"requires {wanted}, which your profile does not list{_quote(row.get('languages_required_evidence'), 160)}"})
    if bits & BIT["sponsor_history"]:
        years = profile.sponsor_history_years
        span = f"FY{sponsor_fy - years + 1}–FY{sponsor_fy}" if sponsor_fy and years > 1 else f"FY{sponsor_fy}"
        last = row.get("sponsor_last_fy")
        found = f"its last was in FY{int(last)}" if last == last and last is not None else "none was found"
        out.append({"gate": "sponsor_history",
                    "reason": f"no H-1B filing by this employer in {span} of the imported data ({found});"
                              " require_sponsor_history = true"})
    return out


def _json_names(value: Any) -> list[str]:
    """Names in a stored JSON list, English left out (every profile reads English)."""
    try:
        names = json.loads(value) if isinstance(value, str) else value
    except ValueError:
        return []
    return [str(n) for n in names or [] if norm_term(str(n)) != "english"]


def place_of(row: dict[str, Any]) -> str:
    city, state = row.get("city"), row.get("state")
    if city and state:
        return f"{city}, {state}"
    return str(city or state or row.get("location_raw") or "somewhere unstated")


def _location_reason(row: dict[str, Any], places: Places, status: int, dist: float, nearest: int) -> str:
    if status == LOC_REMOTE_REFUSED:
        return "remote job; your profile has remote_ok = false"
    if status == LOC_FOREIGN:
        return f"outside the US ({row.get('country') or place_of(row)})"
    wanted = places.described
    if status == LOC_FAR and nearest >= 0:
        return f"{place_of(row)} is {dist:,.0f} mi from {places.labels[nearest]} (you asked for {wanted})"
    return f"{place_of(row)} is outside your places ({wanted})"


def location_hybrid(frame: Frame, hybrid_ok: bool) -> np.ndarray:
    return (frame.remote == HYBRID) & (not hybrid_ok)
