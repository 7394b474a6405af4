"""ClinicalTrials.gov API v2: the request we make and the studies its answers hold.

``GET https://clinicaltrials.gov/api/v2/studies`` with ``filter.overallStatus=RECRUITING``,
``filter.geo=distance(lat,lon,Nmi)``, a ``fields`` projection (full records run to
hundreds of kilobytes), ``pageSize``, ``countTotal=true`` and, after the first page,
``pageToken`` from the previous answer's ``nextPageToken`` (absent on the last page).
``GET /api/v2/studies/{nctId}`` answers with one study, unwrapped.

A study is ``protocolSection`` with ``identificationModule.nctId``/``briefTitle``,
``statusModule.overallStatus``, ``sponsorCollaboratorsModule.leadSponsor{name,class}``,
``conditionsModule.conditions``, ``designModule.phases`` and
``contactsLocationsModule.locations[]``: ``facility``, ``status`` (the site's own),
``city``, ``state`` (a full name, missing outside the US), ``zip``, ``country``,
``geoPoint{lat,lon}`` and ``contacts[]`` (``name``, ``role``, ``phone``, ``phoneExt``,
``email``); contacts, geoPoint and state are often missing. ``filter.geo`` selects
studies, not sites: a study matched by one nearby site lists all of its sites.

Pure functions: bytes in, records out, nothing else.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from researchjobs.spiders.base import ParseError, load_json
from researchjobs.spiders.values import as_dict, as_int, as_list, as_number, as_text
from researchjobs.trials import STUDY_URL

API = "https://clinicaltrials.gov/api/v2/studies"
#: The fields a lead needs (piece names and one module), so an answer stays small.
FIELDS = (
    "NCTId", "BriefTitle", "OverallStatus", "Phase", "Condition", "LeadSponsorName",
    "LeadSponsorClass", "StudyFirstPostDate", "LastUpdatePostDate", "ContactsLocationsModule",
)  # fmt: skip
PAGE_SIZE = 100


@dataclass(frozen=True)
class Contact:
    """A site contact exactly as published (generic names such as "Site Public Contact" included)."""

    name: str | None
    role: str | None
    email: str | None
    phone: str | None
    phone_ext: str | None = None

    def to_dict(self) -> dict[str, str]:
        data = {"name": self.name, "role": self.role, "email": self.email, "phone": self.phone,
                "phone_ext": self.phone_ext}  # fmt: skip
        return {k: v for k, v in data.items() if v}


@dataclass(frozen=True)
class Location:
    facility: str | None
    status: str | None
    city: str | None
    state: str | None
    zip: str | None
    country: str | None
    lat: float | None
    lon: float | None
    contacts: tuple[Contact, ...] = ()


@dataclass(frozen=True)
class Study:
    nct_id: str
    title: str | None
    overall_status: str | None
    phases: tuple[str, ...]
    conditions: tuple[str, ...]
    lead_sponsor: str | None
    sponsor_class: str | None
    first_posted: str | None
    last_updated: str | None
    locations: tuple[Location, ...]

    @property
    def url(self) -> str:
        return STUDY_URL.format(nct_id=self.nct_id)


@dataclass
class StudiesPage:
    studies: list[Study] = field(default_factory=list)
    next_token: str | None = None
    total: int | None = None
    #: One line per study or location skipped as unreadable; the rest of the page stands.
    warnings: list[str] = field(default_factory=list)


def studies_url(lat: float, lon: float, miles: float, *, page_token: str | None = None,
                page_size: int = PAGE_SIZE) -> str:  # fmt: skip
    """The search for recruiting studies with a site within ``miles`` of a point."""
    params = {
        "filter.overallStatus": "RECRUITING",
        "filter.geo": f"distance({lat:.4f},{lon:.4f},{miles:g}mi)",
        "fields": ",".join(FIELDS),
        "pageSize": str(page_size),
        "countTotal": "true",
        "format": "json",
    }
    if page_token:
        params["pageToken"] = page_token
    return f"{API}?{urlencode(params)}"


def parse_studies(body: bytes | str) -> StudiesPage:
    """One answer of ``/api/v2/studies`` (a page) or ``/api/v2/studies/{nctId}`` (one study)."""
    data = load_json(body, "ClinicalTrials.gov JSON")
    if isinstance(data, dict) and isinstance(data.get("protocolSection"), dict):
        data = {"studies": [data]}  # a single-study answer
    if not isinstance(data, dict) or not isinstance(data.get("studies"), list):
        raise ParseError("not a ClinicalTrials.gov v2 answer: expected an object with a 'studies' list")
    page = StudiesPage(next_token=as_text(data.get("nextPageToken")), total=as_int(data.get("totalCount")))
    for index, raw in enumerate(data["studies"]):
        try:
            page.studies.append(parse_study(raw, page.warnings))
        except ParseError as exc:
            page.warnings.append(f"studies[{index}]: {exc}: skipped")
        except RecursionError:
            page.warnings.append(f"studies[{index}]: nested too deeply: skipped")
    if data["studies"] and not page.studies:
        raise ParseError(f"none of the {len(data['studies'])} studies could be read (first: {page.warnings[0]})")
    return page


def parse_study(raw: Any, warnings: list[str] | None = None) -> Study:
    """One study object; raises ParseError when it has no NCT id."""
    protocol = as_dict(as_dict(raw).get("protocolSection"))
    ident = as_dict(protocol.get("identificationModule"))
    nct_id = as_text(ident.get("nctId"))
    if not nct_id or not nct_id.upper().startswith("NCT"):
        raise ParseError("no NCT id")
    status = as_dict(protocol.get("statusModule"))
    sponsor = as_dict(as_dict(protocol.get("sponsorCollaboratorsModule")).get("leadSponsor"))
    design = as_dict(protocol.get("designModule"))
    conditions = as_dict(protocol.get("conditionsModule"))
    places = as_dict(protocol.get("contactsLocationsModule"))
    locations = []
    for index, item in enumerate(as_list(places.get("locations"))):
        location = _location(item)
        if location is None:
            if warnings is not None:
                warnings.append(f"{nct_id}: locations[{index}] has no facility, city or country: skipped")
            continue
        locations.append(location)
    return Study(
        nct_id=nct_id.upper(),
        title=as_text(ident.get("briefTitle")) or as_text(ident.get("officialTitle")),
        overall_status=as_text(status.get("overallStatus")),
        phases=_texts(design.get("phases")),
        conditions=_texts(conditions.get("conditions")),
        lead_sponsor=as_text(sponsor.get("name")),
        sponsor_class=as_text(sponsor.get("class")),
        first_posted=as_text(as_dict(status.get("studyFirstPostDateStruct")).get("date")),
        last_updated=as_text(as_dict(status.get("lastUpdatePostDateStruct")).get("date")),
        locations=tuple(locations),
    )


def _texts(value: Any) -> tuple[str, ...]:
    return tuple(dict.fromkeys(t for t in (as_text(v) for v in as_list(value)) if t))


def _location(item: Any) -> Location | None:
    data = as_dict(item)
    facility, city, country = as_text(data.get("facility")), as_text(data.get("city")), as_text(data.get("country"))
    if not (facility or city or country):
        return None
    point = as_dict(data.get("geoPoint"))
    lat, lon = as_number(point.get("lat")), as_number(point.get("lon"))
    if lat is None or lon is None or not (-90 <= lat <= 90 and -180 <= lon <= 180):
        lat = lon = None
    contacts = tuple(c for c in (_contact(x) for x in as_list(data.get("contacts"))) if c is not None)
    return Location(
        facility=facility, status=as_text(data.get("status")), city=city, state=as_text(data.get("state")),
        zip=as_text(data.get("zip")), country=country, lat=lat, lon=lon, contacts=contacts,
    )  # fmt: skip


def _contact(item: Any) -> Contact | None:
    data = as_dict(item)
    contact = Contact(
        name=as_text(data.get("name")), role=as_text(data.get("role")), email=as_text(data.get("email")),
        phone=as_text(data.get("phone")), phone_ext=as_text(data.get("phoneExt")),
    )  # fmt: skip
    return contact if (contact.name or contact.email or contact.phone) else None
