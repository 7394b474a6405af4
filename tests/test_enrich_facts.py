"""The facts contract: every FACT_COLUMNS key, the right types, evidence for each."""

from __future__ import annotations

import json

from researchjobs.enrich.facts import (
    EXTRACTOR_VERSION,
    JSON_LIST_COLUMNS,
    enrich_text,
    extract_facts,
)
from researchjobs.posting import FACT_COLUMNS, Posting

TEXT = """Clinical Research Coordinator I
Department of Medicine

The CRC I works under direct supervision of the PI to screen, consent and enroll participants.

Minimum Qualifications:
- Bachelor's degree in a science or health-related field.
- At least one year of research or clinical experience.
- Current BLS certification.
- CITI GCP training must be completed within 30 days of hire.
Preferred:
- MD or foreign medical degree.
- Bilingual English/Spanish.
- Experience with REDCap and Epic.

Salary range: $52,000 - $60,000 annually.
Applicants must be authorized to work in the United States without visa sponsorship.
"""


def posting(**fields: object) -> Posting:
    base: dict[str, object] = {
        "source_family": "greenhouse", "source_id": "greenhouse:acme", "source_job_id": "7",
        "title": "Clinical Research Coordinator I", "url": "https://example.org/jobs/7",
        "employer": "Acme University", "employer_type": "university",
        "location_raw": "Boston, MA", "workplace_raw": "on-site", "description": TEXT,
    }
    base.update(fields)
    return Posting(**base)  # type: ignore[arg-type]


def test_every_column_with_its_type() -> None:
    facts = extract_facts(posting())
    assert set(facts) == set(FACT_COLUMNS) - {"cluster_id"}
    for name, kind in FACT_COLUMNS.items():
        if name == "cluster_id" or facts[name] is None:
            continue
        if kind is float:
            assert isinstance(facts[name], (int, float)), name
        else:
            assert isinstance(facts[name], kind), (name, facts[name])
    for name in JSON_LIST_COLUMNS:
        assert isinstance(json.loads(facts[name]), list), name
    assert facts["enrich_version"] == EXTRACTOR_VERSION


def test_values() -> None:
    facts = extract_facts(posting())
    assert (facts["city"], facts["state"], facts["country"], facts["remote"]) == \
        ("Boston", "MA", "US", "onsite")
    assert facts["lat"] is not None
    assert (facts["salary_min"], facts["salary_max"], facts["salary_period"]) == \
        (52000, 60000, "year")
    assert (facts["role_family"], facts["role_level"]) == ("crc", "entry")
    assert facts["experience_required_months"] == 12
    assert (facts["degree_min"], facts["md_accepted"], facts["licence_required"]) == \
        ("bachelor", 1, 0)
    assert json.loads(facts["certifications_required"]) == ["BLS"]
    assert json.loads(facts["languages"]) == ["Spanish"]
    assert facts["visa"] == "explicit_no" and "without visa sponsorship" in facts["visa_evidence"]
    assert (facts["employer_type_inferred"], facts["cap_exempt"]) == ("university", "likely")


def test_facts_json_has_value_and_evidence() -> None:
    evidence = json.loads(extract_facts(posting())["facts_json"])
    for name in ("visa", "experience_required_months", "degree_min", "md_accepted", "salary",
                 "role_family", "cap_exempt", "remote"):
        assert set(evidence[name]) == {"value", "evidence"}, name
        assert evidence[name]["evidence"], name


def test_missing_and_odd_fields_do_not_crash() -> None:
    facts = extract_facts(Posting(source_family="x", source_id="x", source_job_id="1", title="",
                                  url="", description=None, base_salary="oops",  # type: ignore[arg-type]
                                  locations_raw=None))  # type: ignore[arg-type]
    assert facts["visa"] == "unknown" and facts["role_family"] == "other"
    assert facts["remote"] == "unknown"


def test_enrich_text_decodes_lists_and_takes_title_from_first_line() -> None:
    facts = enrich_text(TEXT)
    for key in ("role_family", "role_level", "experience_required_months",
                "experience_preferred_months", "degree_min", "md_accepted", "licence_required",
                "certifications_required", "certifications_preferred", "languages", "visa",
                "visa_evidence", "citizenship_required", "salary_min", "salary_max",
                "salary_period"):
        assert key in facts, key
    assert facts["title"] == "Clinical Research Coordinator I"
    assert facts["certifications_required"] == ["BLS"]
    assert isinstance(facts["facts_json"], dict)
    assert enrich_text("Some text", title="Research Nurse")["role_family"] == "research_nurse"


def test_deterministic() -> None:
    assert extract_facts(posting()) == extract_facts(posting())
