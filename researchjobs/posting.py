"""The Posting record: the one contract between spiders, enrichment and storage.

Field names follow schema.org / Zyte ``JobPosting`` where one exists; every parsed
value sits beside its raw twin (``date_published`` / ``date_published_raw``) so a
wrong parse can always be traced to what the hiring system actually said.

Spiders fill the *raw* side (and whatever is already structured on the wire);
``researchjobs.enrich.normalise`` fills the parsed side; the enrichment extractors
add the facts listed in ``FACT_COLUMNS``.
"""

from __future__ import annotations

import dataclasses
import hashlib
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

#: Query parameters that only track where a click came from; stripped from canonical URLs.
TRACKING_PARAMS = frozenset(
    {
        "gh_src",
        "source",
        "src",
        "ref",
        "referrer",
        "lever-source",
        "lever-origin",
        "lever-via",
        "fbclid",
        "gclid",
        "msclkid",
        "mc_cid",
        "mc_eid",
        "_hsenc",
        "_hsmi",
        "trk",
        "trackingid",
        "iis",
        "iisn",
        "codes",
        "mode",
    }
)


def canonical_url(url: str | None) -> str | None:
    """A stable URL for identity and dedupe: tracking parameters stripped, query sorted.

    ``gh_jid`` (Greenhouse job id on employer sites) is kept: it *is* the identity.
    """
    if not url:
        return url
    url = url.strip()
    try:
        parts = urlsplit(url)
    except ValueError:
        return url
    if parts.scheme not in ("http", "https"):
        return url
    query = [
        (k, v)
        for k, v in parse_qsl(parts.query, keep_blank_values=True)
        if not k.lower().startswith("utm_") and k.lower() not in TRACKING_PARAMS
    ]
    query.sort()
    netloc = parts.netloc.lower()
    if netloc.endswith(":443") and parts.scheme == "https":
        netloc = netloc[:-4]
    path = parts.path or "/"
    return urlunsplit((parts.scheme, netloc, path, urlencode(query), ""))


@dataclass
class Posting:
    """One job posting as one hiring system published it."""

    # identity
    source_family: str
    source_id: str  # registry id, e.g. "greenhouse:headlandsresearch"
    source_job_id: str  # the hiring system's own id for the posting
    title: str
    url: str  # canonical (see canonical_url)
    # who / where
    employer: str | None = None
    employer_type: str | None = None  # from the registry when known
    department: str | None = None
    requisition_id: str | None = None
    location_raw: str | None = None
    locations_raw: list[str] = field(default_factory=list)  # every location when several
    country_raw: str | None = None
    workplace_raw: str | None = None  # the system's remote/hybrid/onsite flag, verbatim
    employment_type: str | None = None
    # when
    date_published_raw: str | None = None
    date_published: str | None = None  # ISO 8601 UTC
    date_published_is_lower_bound: bool = False  # "Posted 30+ Days Ago"
    date_updated_raw: str | None = None
    date_updated: str | None = None
    valid_through_raw: str | None = None
    valid_through: str | None = None
    # pay, structured where the system gives it (min, max, currency, period raw)
    salary_raw: str | None = None
    base_salary: dict[str, Any] | None = None
    # text
    description_html_raw: str | None = None  # as received (unescaped once if double-escaped)
    description_html: str | None = None  # sanitised with nh3
    description: str | None = None  # plain text with html-text
    apply_url: str | None = None
    # bookkeeping
    crawled_at: str | None = None  # ISO 8601 UTC, when the response was received
    extra: dict[str, Any] = field(default_factory=dict)  # family-specific fields worth keeping

    @property
    def key(self) -> str:
        """Primary key in storage: stable across crawls and unique across sources."""
        return posting_key(self.source_id, self.source_job_id)

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Posting:
        names = {f.name for f in dataclasses.fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in names})


def posting_key(source_id: str, source_job_id: str) -> str:
    digest = hashlib.sha1(f"{source_id}\x1f{source_job_id}".encode()).hexdigest()
    return digest[:16]


POSTING_FIELDS: tuple[str, ...] = tuple(f.name for f in dataclasses.fields(Posting))

#: Facts the enrichment adds, stored as columns on ``postings`` so that filters, the
#: matcher and Datasette facets can use them directly. Evidence for each lives in
#: ``facts_json``. Keep names stable: profiles, filters and exports use them.
FACT_COLUMNS: dict[str, type] = {
    # location
    "city": str,
    "state": str,  # two-letter US state / province code where known
    "country": str,  # ISO 3166 alpha-2
    "postal_code": str,
    "remote": str,  # remote | hybrid | onsite | unknown
    "multi_location": int,
    "lat": float,
    "lon": float,
    # salary
    "salary_min": float,
    "salary_max": float,
    "salary_currency": str,
    "salary_period": str,  # hour | day | week | month | year
    "salary_annual_min": float,
    "salary_annual_max": float,
    # role
    "role_family": str,  # crc, clinical_research_assistant, ... other
    "role_level": str,  # entry | mid | senior (one rule: enrich.level)
    "role_level_basis": str,  # stated (title or text says it) | inferred
    "clinical_research": int,  # 1 clinical research, 0 other research, NULL unknown
    # requirements
    "experience_required_months": int,
    "experience_preferred_months": int,
    "degree_min": str,  # none | high_school | associate | bachelor | master | doctorate
    "md_accepted": int,
    "licence_required": int,
    "licence_required_name": str,
    "certifications_required": str,  # JSON list
    "certifications_preferred": str,  # JSON list
    "certifications_obtain_within": str,  # JSON list of {name, months}
    "skills": str,  # JSON list
    "languages": str,  # JSON list
    "languages_required": str,  # JSON list: stated as required ("must be fluent in Spanish")
    # work authorisation
    "visa": str,  # explicit_no | possible | unknown
    "visa_evidence": str,
    "citizenship_required": int,
    "citizen_or_pr_required": int,  # US citizens or permanent residents only
    "clearance_required": int,
    # employer
    "employer_type_inferred": str,
    "cap_exempt": str,  # likely | possible | unlikely | unknown
    "cap_exempt_reason": str,
    # dedupe and bookkeeping
    "cluster_id": str,
    "facts_json": str,  # every fact with its evidence span, JSON
    "enrich_version": str,
}
