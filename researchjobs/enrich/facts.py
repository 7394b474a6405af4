"""All enrichment facts for one posting, in the shape storage writes as columns.

Each extractor is pure and returns its value with the evidence it came from; this module
only composes them, converts list facts to JSON strings for the ``FACT_COLUMNS``
contract, and gathers the evidence into ``facts_json`` so a digest can say *why* a job
was flagged ("licence required: 'Current RN license in Maryland required'"). Wherever
cap-exempt likelihood is shown, show ``employers.CAP_EXEMPT_CAVEAT`` with it.

Bump :data:`EXTRACTOR_VERSION` whenever an extractor's output can change, so storage
can re-enrich exactly the rows written by older versions.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from researchjobs.enrich.clinical import classify_clinical
from researchjobs.enrich.employers import infer_employer
from researchjobs.enrich.location import extract_location
from researchjobs.enrich.requirements import extract_requirements
from researchjobs.enrich.roles import classify_role
from researchjobs.enrich.salary import extract_salary
from researchjobs.enrich.text import clip_text
from researchjobs.enrich.visa import classify_visa
from researchjobs.posting import FACT_COLUMNS, Posting

EXTRACTOR_VERSION = "1.1.0"

#: FACT_COLUMNS stored as JSON-encoded lists.
JSON_LIST_COLUMNS: tuple[str, ...] = (
    "certifications_required",
    "certifications_preferred",
    "certifications_obtain_within",
    "skills",
    "languages",
    "languages_required",
)


def _str_or_none(value: Any) -> str | None:
    if value is None:
        return None
    text = value if isinstance(value, str) else str(value)
    return text if text.strip() else None


def _str_list(value: Any) -> list[str]:
    if not isinstance(value, (list, tuple)):
        return []
    return [item for item in (_str_or_none(v) for v in value) if item]


def extract_facts(posting: Posting) -> dict[str, Any]:
    """Every ``FACT_COLUMNS`` key except ``cluster_id`` (storage assigns that)."""
    title = _str_or_none(posting.title) or ""
    text = clip_text(_str_or_none(posting.description) or "")
    employer_type = _str_or_none(posting.employer_type)

    location = extract_location(
        _str_or_none(posting.location_raw),
        _str_list(posting.locations_raw),
        _str_or_none(posting.country_raw),
        _str_or_none(posting.workplace_raw),
        title,
        text,
    )
    reqs = extract_requirements(text, title)
    role = classify_role(title, text, employer_type, reqs.experience_required_months,
                         reqs.experience_preferred_months, reqs.experience_only_preferred)
    clinical = classify_clinical(title, text, role.role_family)
    visa = classify_visa(f"{title}\n{text}" if title else text)
    base_salary = posting.base_salary if isinstance(posting.base_salary, dict) else None
    salary = extract_salary(base_salary, _str_or_none(posting.salary_raw), text,
                            location.country)
    employer = infer_employer(employer_type, _str_or_none(posting.employer), text)

    facts: dict[str, Any] = {
        "city": location.city,
        "state": location.state,
        "country": location.country,
        "postal_code": location.postal_code,
        "remote": location.remote,
        "multi_location": location.multi_location,
        "lat": location.lat,
        "lon": location.lon,
        "salary_min": salary.min if salary else None,
        "salary_max": salary.max if salary else None,
        "salary_currency": salary.currency if salary else None,
        "salary_period": salary.period if salary else None,
        "salary_annual_min": salary.annual_min if salary else None,
        "salary_annual_max": salary.annual_max if salary else None,
        "role_family": role.role_family,
        "role_level": role.role_level,
        "role_level_basis": role.level_basis,
        "clinical_research": clinical.clinical,
        "experience_required_months": reqs.experience_required_months,
        "experience_preferred_months": reqs.experience_preferred_months,
        "degree_min": reqs.degree_min,
        "md_accepted": reqs.md_accepted,
        "licence_required": reqs.licence_required,
        "licence_required_name": reqs.licence_required_name,
        "certifications_required": json.dumps(reqs.certifications_required),
        "certifications_preferred": json.dumps(reqs.certifications_preferred),
        "certifications_obtain_within": json.dumps(reqs.certifications_obtain_within),
        "skills": json.dumps(reqs.skills),
        "languages": json.dumps(reqs.languages),
        "languages_required": json.dumps(reqs.languages_required),
        "visa": visa.visa,
        "visa_evidence": visa.evidence,
        "citizenship_required": visa.citizenship_required,
        "citizen_or_pr_required": visa.citizen_or_pr_required,
        "clearance_required": visa.clearance_required,
        "employer_type_inferred": employer.employer_type,
        "cap_exempt": employer.cap_exempt,
        "cap_exempt_reason": employer.reason,
        "enrich_version": EXTRACTOR_VERSION,
    }

    ev = dict(location.evidence)
    ev.update(reqs.evidence)
    evidence: dict[str, Any] = {}

    def put(name: str, value: Any, span: str | None) -> None:
        evidence[name] = {"value": value, "evidence": span}

    for name in ("city", "state", "country", "postal_code"):
        put(name, facts[name], ev.get("country") if name == "country" and "country" in ev
            else ev.get("location"))
    put("remote", facts["remote"], ev.get("remote"))
    put("multi_location", facts["multi_location"], ev.get("multi_location"))
    put("lat_lon", [facts["lat"], facts["lon"]], ev.get("lat_lon"))
    put("salary", {"min": facts["salary_min"], "max": facts["salary_max"],
                   "currency": facts["salary_currency"], "period": facts["salary_period"],
                   "annual_min": facts["salary_annual_min"],
                   "annual_max": facts["salary_annual_max"]},
        salary.evidence if salary else None)
    put("role_family", role.role_family, role.family_evidence)
    put("role_level", role.role_level, f"{role.level_basis}: {role.level_evidence}")
    put("clinical_research", clinical.clinical, clinical.evidence)
    for name in ("experience_required_months", "experience_preferred_months", "degree_min",
                 "md_accepted", "skills", "languages"):
        put(name, getattr(reqs, name), ev.get(name))
    put("experience_accepts_clinical", reqs.accepts_clinical, ev.get("accepts_clinical"))
    put("experience_research_specific", reqs.research_specific, None)
    put("experience_us_only", reqs.us_experience, None)
    put("experience_only_preferred", reqs.experience_only_preferred, None)
    put("licence_required", {"required": reqs.licence_required,
                             "name": reqs.licence_required_name}, ev.get("licence_required"))
    put("certifications_required", reqs.certifications_required,
        ev.get("certifications_required"))
    put("certifications_preferred", reqs.certifications_preferred,
        ev.get("certifications_preferred"))
    put("certifications_obtain_within", reqs.certifications_obtain_within,
        ev.get("certifications_obtain_within"))
    put("languages_required", reqs.languages_required, ev.get("languages_required"))
    put("visa", {"value": visa.visa, "reason": visa.reason}, visa.evidence)
    put("citizenship_required", visa.citizenship_required, visa.citizenship_evidence)
    put("citizen_or_pr_required", visa.citizen_or_pr_required,
        visa.citizenship_evidence if visa.citizen_or_pr_required else None)
    put("clearance_required", visa.clearance_required, visa.clearance_evidence)
    put("visa_hints", sorted(visa.hints), "; ".join(visa.hints.values()) or None)
    put("employer_type", employer.employer_type, f"source: {employer.source}")
    put("cap_exempt", employer.cap_exempt, employer.reason)
    facts["facts_json"] = json.dumps(evidence, ensure_ascii=False, sort_keys=True)
    missing = set(FACT_COLUMNS) - set(facts) - {"cluster_id"}
    if missing:  # the storage contract: a renamed column must fail loudly, not silently
        raise RuntimeError(f"extract_facts lacks FACT_COLUMNS {sorted(missing)}")
    return facts


def enrich_text(text: str, title: str | None = None, employer: str | None = None,
                location: str | None = None) -> dict[str, Any]:
    """Facts for a bare posting text (``researchjobs enrich FILE``), lists decoded.

    Without a title, the first short non-empty line stands in for it, since a pasted
    posting almost always starts with its title. ``employer`` and ``location`` are what a
    board would send beside the text: they give the employer type, cap-exempt likelihood
    and place facts.
    """
    text = text or ""
    if title is None:
        for line in text.splitlines():
            if line.strip():
                title = line.strip() if len(line.strip()) <= 120 else ""
                break
    digest = hashlib.sha1(text.encode("utf-8", "replace")).hexdigest()[:12]
    posting = Posting(
        source_family="text",
        source_id="text:cli",
        source_job_id=digest,
        title=title or "",
        url="",
        employer=employer or None,
        location_raw=location or None,
        description=text,
    )
    facts = extract_facts(posting)
    decoded: dict[str, Any] = dict(facts)
    for name in JSON_LIST_COLUMNS:
        decoded[name] = json.loads(facts[name])
    decoded["facts_json"] = json.loads(facts["facts_json"])
    decoded["title"] = posting.title
    decoded["employer"] = posting.employer
    decoded["location_raw"] = posting.location_raw
    return decoded
