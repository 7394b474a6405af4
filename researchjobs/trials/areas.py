"""The circles we ask ClinicalTrials.gov about: a profile's places, ``--near``, or all of them.

An area is a point and a radius in miles, named for people ("Boston, MA"). It is also
what a crawl run is *of*: each area gets its own ``crawl_runs`` row (source id
``clinicaltrials:Boston MA (30 mi)``), and a complete crawl of an area is the evidence
that closes the trials of sites inside it. A scheduler run asks about the union of every
profile's places, with circles that lie inside a bigger one left out.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from researchjobs.sources import Source
from researchjobs.storage.queries import haversine_miles
from researchjobs.trials import FAMILY, SOURCE_NAME

#: Largest radius asked for: bigger circles return most of a country's trials.
MAX_MILES = 250.0


class AreaError(ValueError):
    """An area that cannot be searched; the message says what to give instead."""


@dataclass(frozen=True)
class Area:
    lat: float
    lon: float
    miles: float
    label: str

    @classmethod
    def make(cls, lat: float, lon: float, miles: float, label: str | None = None) -> Area:
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):
            raise AreaError(f"{lat},{lon}: latitude must be within ±90 and longitude within ±180")
        if not 0 < miles <= MAX_MILES:
            raise AreaError(f"radius {miles:g} mi: must be more than 0 and at most {MAX_MILES:g} miles")
        lat, lon = round(float(lat), 4), round(float(lon), 4)
        return cls(lat, lon, float(miles), " ".join((label or f"{lat:g},{lon:g}").split()))

    @property
    def id(self) -> str:
        """``clinicaltrials:Boston MA (30 mi)``: no commas, since spiders take ids comma-separated."""
        place = " ".join(self.label.replace(",", " ").split())
        return f"{FAMILY}:{place} ({self.miles:g} mi)"

    def distance(self, lat: float | None, lon: float | None) -> float | None:
        return haversine_miles(self.lat, self.lon, lat, lon)

    def contains(self, lat: float | None, lon: float | None) -> bool:
        miles = self.distance(lat, lon)
        return miles is not None and miles <= self.miles + 1e-9

    def to_dict(self) -> dict[str, Any]:
        return {"lat": self.lat, "lon": self.lon, "miles": self.miles, "label": self.label}

    def source(self) -> Source:
        """The area as a crawl source, so runs are recorded like every board's."""
        return Source(id=self.id, family=FAMILY, employer=SOURCE_NAME, params=self.to_dict())


def from_dict(data: Any) -> Area:
    if not isinstance(data, dict):
        raise AreaError(f"an area must be an object with lat, lon, miles and label, got {data!r}")
    try:
        return Area.make(float(data["lat"]), float(data["lon"]), float(data["miles"]), data.get("label"))
    except (KeyError, TypeError, ValueError) as exc:
        if isinstance(exc, AreaError):
            raise
        raise AreaError(f"an area needs numeric lat, lon and miles, got {data!r}") from None


def to_json(areas: Iterable[Area]) -> str:
    return json.dumps([a.to_dict() for a in areas], separators=(",", ":"))


def from_json(text: str) -> list[Area]:
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise AreaError(f"areas must be a JSON list: {exc}") from None
    if not isinstance(data, list):
        raise AreaError("areas must be a JSON list of {lat, lon, miles, label}")
    return [from_dict(item) for item in data]


def parse_spec(text: str) -> Area:
    """``LAT,LON,MILES[,LABEL]`` (the label may hold commas: "42.36,-71.06,30,Boston, MA")."""
    parts = [p.strip() for p in text.split(",", 3)]
    if len(parts) < 3:
        raise AreaError(f"area {text!r}: want LAT,LON,MILES[,LABEL]")
    try:
        lat, lon, miles = (float(p) for p in parts[:3])
    except ValueError:
        raise AreaError(f"area {text!r}: LAT, LON and MILES must be numbers") from None
    return Area.make(lat, lon, miles, parts[3] if len(parts) > 3 else None)


def for_profile(profile: Any) -> tuple[list[Area], list[str]]:
    """A profile's places as areas, and a note for each place that cannot be one."""
    from researchjobs.enrich.location import geocode_us

    areas, notes = [], []
    for index, place in enumerate(getattr(profile, "locations", None) or []):
        city, state, miles = place.get("city"), place.get("state"), float(place.get("radius_miles") or 0)
        where = f"{profile.name}: locations[{index + 1}]"
        if not city:
            notes.append(f"{where}: {state} has no city; research sites are searched around a city")
            continue
        point = geocode_us(city, state)
        if point is None:
            notes.append(f"{where}: {city}, {state} is not in the city list; no research sites searched there")
            continue
        if miles <= 0:
            notes.append(f"{where}: radius 0; no research sites searched around {city}, {state}")
            continue
        areas.append(Area.make(point[0], point[1], min(miles, MAX_MILES), f"{city}, {state}"))
    return areas, notes


def union(areas: Iterable[Area]) -> list[Area]:
    """Each circle once; a circle inside another is left out (its sites come with the bigger one)."""
    unique = list(dict.fromkeys(areas))
    kept = []
    for area in sorted(unique, key=lambda a: -a.miles):
        inside = any(
            (other.distance(area.lat, area.lon) or 0.0) + area.miles <= other.miles + 1e-9 for other in kept
        )
        if not inside:
            kept.append(area)
    order = {a: i for i, a in enumerate(unique)}
    return sorted(kept, key=order.__getitem__)
