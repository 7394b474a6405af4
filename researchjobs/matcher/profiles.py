"""User profiles: one TOML file per person in the profiles directory.

A profile says what the person wants (roles, levels, places, pay) and what they bring
(work authorisation, US research months, clinical years abroad, certificates, skills,
languages). The file is the user's own, edited by hand, so every mistake is reported
with the file, the field, what is wrong and what is allowed — never a traceback — and
unknown keys are errors (a typo such as ``remote_Ok`` would otherwise be silently
ignored and change who sees which job).

Keys are flat and named exactly like the ``Profile`` fields, so an error message names
the same thing the user sees in the file. ``[[locations]]`` tables come last, as TOML
requires.
"""

from __future__ import annotations

import difflib
import hashlib
import json
import logging
import math
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from researchjobs.addresses import AddressError, recipient
from researchjobs.config import PACKAGE_DATA, paths
from researchjobs.files import NotARegularFileError, read_regular, write_text_atomic

log = logging.getLogger(__name__)

TEMPLATE = PACKAGE_DATA / "profile_template.toml"

LEVELS = ("entry", "mid", "senior")
WHEN_EMPTY = ("skip", "note")

#: Work-authorisation states. The matcher treats the first four as "needs sponsorship":
#: needs_h1b (needs an H-1B petition to start), future_sponsorship (authorised now, e.g.
#: on a spouse's EAD that ends, but will need one), opt (F-1 OPT/STEM OPT: can start,
#: but needs an H-1B to stay, which is exactly what "no sponsorship now or in the future"
#: refuses) and j1 (needs an institution that issues a DS-2019). EAD, green card and
#: citizenship need nothing from the employer.
WORK_AUTHORIZATIONS = ("needs_h1b", "future_sponsorship", "opt", "ead", "green_card", "citizen", "j1")
NEEDS_SPONSORSHIP = frozenset({"needs_h1b", "future_sponsorship", "opt", "j1"})

US_STATES = frozenset(
    "AL AK AZ AR CA CO CT DE DC FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH "
    "NJ NM NY NC ND OH OK OR PA RI SC SD TN TX UT VT VA WA WV WI WY PR GU VI".split()
)

NAME_RE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,39}$")
TIME_RE = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")

DEFAULT_RADIUS_MILES = 25.0
MAX_LIST_ITEMS = 200
MAX_TEXT = 200


class ProfileError(Exception):
    """A profile file that cannot be used; the message says file, field, problem and what is allowed."""


@dataclass
class Profile:
    """One person's search, as loaded and validated from their TOML file."""

    name: str
    email: str | None = None
    timezone: str = "America/New_York"
    digest_time: str = "07:30"
    digest_when_empty: str = "skip"
    roles: list[str] = field(default_factory=list)
    levels: list[str] = field(default_factory=lambda: ["entry", "mid"])
    locations: list[dict[str, Any]] = field(default_factory=list)  # {city, state, radius_miles}
    remote_ok: bool = True
    hybrid_ok: bool = True
    work_authorization: str = "needs_h1b"
    us_research_months: int = 0
    clinical_years_abroad: float = 0.0
    degree: str = ""
    certifications: list[str] = field(default_factory=list)
    skills: list[str] = field(default_factory=list)
    languages: list[str] = field(default_factory=list)
    salary_floor: int | None = None
    exclude_employers: list[str] = field(default_factory=list)
    exclude_keywords: list[str] = field(default_factory=list)
    #: US licences held (RN, PA, ...): a posting requiring one of these is not gated.
    licences: list[str] = field(default_factory=list)
    #: Gate out employers with no H-1B filing in the last ``sponsor_history_years`` fiscal
    #: years of the imported DOL/USCIS data (no effect before any import).
    require_sponsor_history: bool = False
    sponsor_history_years: int = 3
    #: The digest's "Research sites near you" section (ClinicalTrials.gov sites around your places).
    research_sites: bool = True
    path: Path | None = None
    #: Things worth telling the user that do not stop the profile from working.
    warnings: list[str] = field(default_factory=list, compare=False)

    @property
    def needs_sponsorship(self) -> bool:
        """Whether "no sponsorship" postings are closed to this person (see WORK_AUTHORIZATIONS)."""
        return self.work_authorization in NEEDS_SPONSORSHIP

    @property
    def is_citizen(self) -> bool:
        return self.work_authorization == "citizen"

    def to_dict(self) -> dict[str, Any]:
        """Plain data for ``profile show --format json`` and hashing."""
        return {
            "name": self.name, "email": self.email, "timezone": self.timezone,
            "digest_time": self.digest_time, "digest_when_empty": self.digest_when_empty,
            "roles": list(self.roles), "levels": list(self.levels),
            "locations": [dict(loc) for loc in self.locations], "remote_ok": self.remote_ok,
            "hybrid_ok": self.hybrid_ok, "work_authorization": self.work_authorization,
            "needs_sponsorship": self.needs_sponsorship,
            "us_research_months": self.us_research_months,
            "clinical_years_abroad": self.clinical_years_abroad, "degree": self.degree,
            "certifications": list(self.certifications), "skills": list(self.skills),
            "languages": list(self.languages), "salary_floor": self.salary_floor,
            "exclude_employers": list(self.exclude_employers),
            "exclude_keywords": list(self.exclude_keywords), "licences": list(self.licences),
            "require_sponsor_history": self.require_sponsor_history,
            "sponsor_history_years": self.sponsor_history_years,
            "research_sites": self.research_sites,
            "path": str(self.path) if self.path else None,
        }  # fmt: skip


#: Fields that change which postings match or how they score. Email, timezone and digest
#: settings are left out so that editing them does not force a full rematch.
MATCHING_FIELDS = (
    "roles", "levels", "locations", "remote_ok", "hybrid_ok", "work_authorization",
    "us_research_months", "clinical_years_abroad", "degree", "certifications", "skills",
    "languages", "salary_floor", "exclude_employers", "exclude_keywords", "licences",
    "require_sponsor_history", "sponsor_history_years",
)  # fmt: skip


def profile_hash(profile: Profile) -> str:
    """Fingerprint of everything that affects matching, plus the scoring version.

    The matcher compares it with the hash of the last run: a different hash means the
    stored scores no longer describe this profile, so the next run rematches everything.
    Including ``MATCHER_VERSION`` makes a change of weights do the same.
    """
    from researchjobs.matcher.weights import MATCHER_VERSION

    data = profile.to_dict()
    payload = {name: data[name] for name in MATCHING_FIELDS}
    payload["matcher_version"] = MATCHER_VERSION
    blob = json.dumps(payload, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha1(blob.encode("utf-8")).hexdigest()[:16]


# --------------------------------------------------------------------------- loading

ALLOWED_KEYS = (
    "name", "email", "timezone", "digest_time", "digest_when_empty", "roles", "levels",
    "locations", "remote_ok", "hybrid_ok", "work_authorization", "us_research_months",
    "clinical_years_abroad", "degree", "certifications", "skills", "languages", "salary_floor",
    "exclude_employers", "exclude_keywords", "licences", "require_sponsor_history", "sponsor_history_years",
    "research_sites",
)  # fmt: skip
LOCATION_KEYS = ("city", "state", "radius_miles")


class _Reader:
    """Validates one parsed TOML document, turning each problem into a ProfileError."""

    def __init__(self, path: Path, text: str, data: dict[str, Any]) -> None:
        self.path = path
        self.text = text
        self.data = data

    def fail(self, key: str, message: str) -> None:
        raise ProfileError(f"{self.where(key)}: {key}: {message}")

    def where(self, key: str) -> str:
        """``file:line`` of the key when it can be found, to point the user at it."""
        top = key.split(".")[0].split("[")[0]
        pattern = re.compile(rf"^[ \t]*(?:{re.escape(top)}[ \t]*=|\[\[[ \t]*{re.escape(top)}[ \t]*\]\])", re.M)
        match = pattern.search(self.text)
        if match:
            return f"{self.path}:{self.text.count(chr(10), 0, match.start()) + 1}"
        return str(self.path)

    def string(self, key: str, default: str | None = None, *, required: bool = False) -> str | None:
        if key not in self.data:
            if required:
                raise ProfileError(f"{self.path}: {key}: missing; it is required")
            return default
        value = self.data[key]
        if not isinstance(value, str):
            self.fail(key, f"must be text in quotes, got {_show(value)}")
        value = value.strip()
        if len(value) > MAX_TEXT:
            self.fail(key, f"is {len(value)} characters long; at most {MAX_TEXT} allowed")
        return value

    def choice(self, key: str, allowed: tuple[str, ...], default: str | None, *, required: bool = False) -> str:
        value = self.string(key, default, required=required)
        if value not in allowed:
            self.fail(key, f"{_show(self.data.get(key))} is not allowed; use one of {', '.join(allowed)}")
        return value  # type: ignore[return-value]

    def boolean(self, key: str, default: bool) -> bool:
        value = self.data.get(key, default)
        if not isinstance(value, bool):
            self.fail(key, f"must be true or false (no quotes), got {_show(value)}")
        return value

    def number(self, key: str, default: float, *, low: float, high: float, integer: bool) -> float:
        value = self.data.get(key, default)
        kind = "a whole number" if integer else "a number"
        if isinstance(value, bool) or not isinstance(value, int | float):
            self.fail(key, f"must be {kind} (no quotes), got {_show(value)}")
        if integer and isinstance(value, float):
            if not value.is_integer():
                self.fail(key, f"must be {kind}, got {value}")
            value = int(value)
        if isinstance(value, float) and not math.isfinite(value):
            self.fail(key, f"must be a finite number between {low:g} and {high:g}, got {value}")
        if not low <= value <= high:
            self.fail(key, f"must be between {low:g} and {high:g}, got {value}")
        return value

    def texts(self, key: str, *, required: bool = False) -> list[str]:
        if key not in self.data:
            if required:
                raise ProfileError(f"{self.path}: {key}: missing; it is required (a list of text, e.g. {key} = [\"...\"])")
            return []
        value = self.data[key]
        if isinstance(value, str):
            self.fail(key, f'must be a list of text, e.g. {key} = ["{value[:40]}"], got a single text')
        if not isinstance(value, list):
            self.fail(key, f"must be a list of text, got {_show(value)}")
        if len(value) > MAX_LIST_ITEMS:
            self.fail(key, f"has {len(value)} items; at most {MAX_LIST_ITEMS} allowed")
        out: list[str] = []
        for index, item in enumerate(value):
            if not isinstance(item, str):
                self.fail(key, f"item {index + 1} must be text in quotes, got {_show(item)}")
            item = " ".join(item.split())
            if not item:
                self.fail(key, f"item {index + 1} is empty")
            if len(item) > MAX_TEXT:
                self.fail(key, f"item {index + 1} is longer than {MAX_TEXT} characters")
            if item.lower() not in {o.lower() for o in out}:
                out.append(item)
        if required and not out:
            self.fail(key, "must list at least one item")
        return out


def _show(value: Any) -> str:
    if isinstance(value, str):
        return repr(value[:60])
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a table"
    return f"a {type(value).__name__}"


def load_profile(path: Path | str, *, check_places: bool = True) -> Profile:
    """Read and validate one profile file; raises ProfileError on anything unusable.

    ``check_places`` looks each city up in the city list to warn about unknown ones; the
    list takes a second or two to load once per process, which ``profile list`` skips.
    """
    path = Path(path)
    try:
        raw = read_regular(path)
    except NotARegularFileError as exc:
        raise ProfileError(f"{path}: {exc.strerror}; a profile is a plain .toml file") from None
    except OSError as exc:
        raise ProfileError(f"{path}: cannot read the profile: {exc.strerror or exc}") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ProfileError(f"{path}: not UTF-8 text (byte {exc.start}); save the file as UTF-8") from None
    return parse_profile(text, path, check_places=check_places)


def parse_profile(text: str, path: Path | str, *, check_places: bool = True) -> Profile:
    """Validate profile TOML text; ``path`` names the file in messages and gives the default name."""
    path = Path(path)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ProfileError(f"{path}: not valid TOML: {exc}") from None
    except (ValueError, RecursionError) as exc:  # pathological input (e.g. huge nesting)
        raise ProfileError(f"{path}: not valid TOML: {exc}") from None
    reader = _Reader(path, text, data)
    unknown = [k for k in data if k not in ALLOWED_KEYS]
    if unknown:
        key = unknown[0]
        close = difflib.get_close_matches(key, ALLOWED_KEYS, n=1)
        hint = f"did you mean {close[0]!r}? " if close else ""
        reader.fail(key, f"unknown setting; {hint}allowed: {', '.join(ALLOWED_KEYS)}")

    stem = path.stem
    name = reader.string("name", stem) or stem
    if not NAME_RE.match(name):
        reader.fail(
            "name",
            f"{name!r} cannot be a profile name; use 1-40 lower-case letters, digits, '-' or '_', "
            "starting with a letter or digit (the file name is used when name is absent)",
        )
    if "name" in data and name != stem:
        reader.fail("name", f"{name!r} differs from the file name {stem!r}; rename the file or remove name")

    email = reader.string("email")
    if email == "":
        email = None
    if email is not None:
        try:
            recipient(email)
        except AddressError as exc:
            reader.fail("email", f"{email!r} is not an e-mail address a digest can be sent to ({exc}); "
                        "write one address like name@example.org")

    timezone = reader.string("timezone", "America/New_York") or ""
    if not _valid_timezone(timezone):
        reader.fail("timezone", f"{timezone!r} is not an IANA time zone; use e.g. America/New_York, America/Chicago, Asia/Karachi")

    warnings: list[str] = []
    digest_time = reader.string("digest_time", "07:30") or ""
    match = TIME_RE.match(digest_time)
    if not match:
        reader.fail("digest_time", f"{digest_time!r} is not a 24-hour time; use HH:MM, e.g. \"07:30\"")
    elif 1 <= int(match.group(1)) < 3:
        warnings.append(
            f"{path}: digest_time: {digest_time} falls in the 01:00-03:00 window that daylight-saving "
            "changes skip or repeat; the digest may come an hour off twice a year"
        )
    when_empty = reader.choice("digest_when_empty", WHEN_EMPTY, "skip")

    roles = reader.texts("roles", required=True)
    levels = reader.texts("levels") if "levels" in data else ["entry", "mid"]
    levels = [level.lower() for level in levels]
    for level in levels:
        if level not in LEVELS:
            reader.fail("levels", f"{level!r} is not a level; use any of {', '.join(LEVELS)}")
    if not levels:
        reader.fail("levels", f"must list at least one of {', '.join(LEVELS)}")

    locations = _locations(reader, warnings if check_places else None)
    remote_ok = reader.boolean("remote_ok", True)
    hybrid_ok = reader.boolean("hybrid_ok", True)
    if not locations and not remote_ok:
        warnings.append(f"{path}: no locations and remote_ok = false: on-site jobs anywhere in the US will match")

    authorization = reader.choice("work_authorization", WORK_AUTHORIZATIONS, None, required=True)
    months = int(reader.number("us_research_months", 0, low=0, high=600, integer=True))
    years = float(reader.number("clinical_years_abroad", 0.0, low=0, high=60, integer=False))
    degree = reader.string("degree", "") or ""

    floor_value = data.get("salary_floor")
    salary_floor: int | None = None
    if floor_value is not None:
        salary_floor = int(reader.number("salary_floor", 0, low=0, high=1_000_000, integer=True)) or None

    return Profile(
        name=name,
        email=email,
        timezone=timezone,
        digest_time=digest_time,
        digest_when_empty=when_empty,
        roles=roles,
        levels=levels,
        locations=locations,
        remote_ok=remote_ok,
        hybrid_ok=hybrid_ok,
        work_authorization=authorization,
        us_research_months=months,
        clinical_years_abroad=years,
        degree=degree,
        certifications=reader.texts("certifications"),
        skills=reader.texts("skills"),
        languages=reader.texts("languages"),
        salary_floor=salary_floor,
        exclude_employers=reader.texts("exclude_employers"),
        exclude_keywords=reader.texts("exclude_keywords"),
        licences=reader.texts("licences"),
        require_sponsor_history=reader.boolean("require_sponsor_history", False),
        sponsor_history_years=int(reader.number("sponsor_history_years", 3, low=1, high=20, integer=True)),
        research_sites=reader.boolean("research_sites", True),
        path=path,
        warnings=warnings,
    )


def _valid_timezone(name: str) -> bool:
    if not name or len(name) > 64 or not re.fullmatch(r"[A-Za-z0-9_+\-/]+", name):
        return False
    try:
        ZoneInfo(name)
    except Exception:  # ZoneInfoNotFoundError, ValueError, IsADirectoryError...
        return False
    return True


def _locations(reader: _Reader, warnings: list[str] | None) -> list[dict[str, Any]]:
    value = reader.data.get("locations", [])
    example = 'add a table like\n  [[locations]]\n  city = "Boston"\n  state = "MA"\n  radius_miles = 25'
    if not isinstance(value, list):
        reader.fail("locations", f"must be a list of places; {example}")
    if len(value) > 50:
        reader.fail("locations", f"has {len(value)} places; at most 50 allowed")
    out: list[dict[str, Any]] = []
    for index, item in enumerate(value):
        key = f"locations[{index + 1}]"
        if not isinstance(item, dict):
            reader.fail(key, f"must be a table with city, state and radius_miles; {example}")
        unknown = [k for k in item if k not in LOCATION_KEYS]
        if unknown:
            reader.fail(key, f"unknown key {unknown[0]!r}; allowed: {', '.join(LOCATION_KEYS)}")
        state = item.get("state")
        if not isinstance(state, str) or state.strip().upper() not in US_STATES:
            reader.fail(f"{key}.state", f"{_show(state)} is not a US state code; use two letters such as MA, TX, DC")
        state = state.strip().upper()
        city = item.get("city")
        if city is not None:
            if not isinstance(city, str) or not city.strip() or len(city) > 80:
                reader.fail(f"{key}.city", f"must be a city name in quotes, got {_show(city)}")
            city = " ".join(city.split())
        radius = item.get("radius_miles", DEFAULT_RADIUS_MILES)
        if isinstance(radius, bool) or not isinstance(radius, int | float) or not math.isfinite(radius):
            reader.fail(f"{key}.radius_miles", f"must be a number of miles, got {_show(radius)}")
        if not 0 <= radius <= 500:
            reader.fail(f"{key}.radius_miles", f"must be between 0 and 500 miles, got {radius}")
        if warnings is not None and city is not None and _geocode(city, state) is None:
            warnings.append(
                f"{reader.path}: {key}: {city}, {state} was not found in the city list; "
                f"postings are matched on the state {state} instead of distance"
            )
        out.append({"city": city, "state": state, "radius_miles": float(radius)})
    return out


def _geocode(city: str, state: str) -> tuple[float, float] | None:
    from researchjobs.enrich.location import geocode_us

    try:
        return geocode_us(city, state)
    except Exception:  # the city list is data; a bad entry must not break loading
        return None


# --------------------------------------------------------------------------- the directory


def profiles_dir(directory: Path | None = None) -> Path:
    return Path(directory) if directory else paths().profiles


def profile_path(name: str, directory: Path | None = None) -> Path:
    """Where the profile called ``name`` lives (it may not exist yet)."""
    if not NAME_RE.match(name or ""):
        raise ProfileError(
            f"{name!r} cannot be a profile name; use 1-40 lower-case letters, digits, '-' or '_'"
        )
    return profiles_dir(directory) / f"{name}.toml"


def scan_profiles(
    directory: Path | None = None, *, check_places: bool = True
) -> tuple[list[Profile], list[ProfileError]]:
    """Every profile in the directory, and the errors of those that failed to load."""
    folder = profiles_dir(directory)
    good: list[Profile] = []
    bad: list[ProfileError] = []
    if not folder.is_dir():
        return good, bad
    for file in sorted(folder.glob("*.toml")):
        try:
            good.append(load_profile(file, check_places=check_places))
        except ProfileError as exc:
            bad.append(exc)
    return good, bad


def list_profiles(directory: Path | None = None) -> list[Profile]:
    """Usable profiles; broken files are logged (see ``scan_profiles`` for the errors)."""
    good, bad = scan_profiles(directory)
    for error in bad:
        log.warning("skipping profile: %s", error)
    return good


def template_text(name: str) -> str:
    """The commented template, with the name and a placeholder e-mail filled in."""
    text = TEMPLATE.read_text(encoding="utf-8")
    return text.replace("{name}", name)


def new_profile(name: str, directory: Path | None = None) -> Path:
    """Write the template for ``name``; refuses to overwrite an existing file."""
    path = profile_path(name, directory)
    if path.exists():
        raise ProfileError(f"{path}: already exists; edit it, or choose another name")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_text_atomic(path, template_text(name))
    except OSError as exc:
        raise ProfileError(f"{path}: cannot write the profile: {exc.strerror or exc}; nothing was written") from None
    return path
