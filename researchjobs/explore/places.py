"""Turning ``--near "Boston, MA"`` into coordinates, offline.

Postings get their coordinates from the enrichment's geonames gazetteer
(``researchjobs.enrich.location``); the search point must come from the same gazetteer
so that "Boston, MA" typed by a user and "Boston, MA" on a posting are the same point.
"""

from __future__ import annotations

import re

from researchjobs.enrich.location import geocode_us, parse_place
from researchjobs.storage.queries import Near

_CITY_STATE = re.compile(r"^\s*(.+?)\s+([A-Za-z]{2})\s*$")
_LAT_LON = re.compile(r"^\s*(-?\d+(?:\.\d+)?)\s*[,\s]\s*(-?\d+(?:\.\d+)?)\s*$")


class PlaceError(ValueError):
    """A place we cannot put on the map; the message suggests what to type instead."""


def locate(text: str, miles: float) -> Near:
    """A search circle from "City, ST", a well-known city name, or "lat,lon"."""
    if not text or not text.strip():
        raise PlaceError('--near wants a place like "Boston, MA" or "42.36,-71.06"')
    if miles <= 0:
        raise PlaceError(f"--within must be a positive number of miles, got {miles:g}")
    match = _LAT_LON.match(text)
    if match:
        lat, lon = float(match.group(1)), float(match.group(2))
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):
            raise PlaceError(f"--near {text!r}: latitude must be within ±90 and longitude within ±180")
        return Near(lat, lon, miles, label=f"{lat:g},{lon:g}")
    place = parse_place(text)
    point = geocode_us(place.city, place.state) if place.city else None
    if point is None and "," not in text and (spaced := _CITY_STATE.match(text)):
        place = parse_place(f"{spaced.group(1)}, {spaced.group(2)}")  # "boston ma"
        point = geocode_us(place.city, place.state) if place.city else None
    if point is None:
        if place.city and not place.state:
            raise PlaceError(f"--near {text!r}: unknown, or several US cities have that name; "
                             f'add the state, e.g. "{place.city}, ST"')  # fmt: skip
        raise PlaceError(f'--near {text!r}: not a US city we know; try "City, ST" or "lat,lon"')
    label = f"{place.city}, {place.state}" if place.state else place.city or text
    return Near(point[0], point[1], miles, label=label)
