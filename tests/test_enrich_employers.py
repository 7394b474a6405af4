"""Employer type and H-1B cap-exempt likelihood."""

from __future__ import annotations

import pytest

from researchjobs.enrich.employers import CAP_EXEMPT_CAVEAT, infer_employer


@pytest.mark.parametrize(
    ("registry", "cap"),
    [
        ("university", "likely"), ("academic_medical_centre", "likely"),
        ("research_nonprofit", "likely"), ("childrens_hospital", "unknown"),
        ("health_system", "unknown"), ("government_research", "unknown"), ("cro", "unlikely"),
        ("site_network", "unlikely"), ("pharma_biotech", "unlikely"),
    ],
)
def test_registry_type_first(registry: str, cap: str) -> None:
    facts = infer_employer(registry, "Some Employer Inc.")
    assert (facts.employer_type, facts.cap_exempt, facts.source) == (registry, cap, "registry")
    assert facts.reason


def test_registry_aliases() -> None:
    assert infer_employer("academic medical center").employer_type == "academic_medical_centre"
    assert infer_employer("Pharma-Biotech").employer_type == "pharma_biotech"


@pytest.mark.parametrize(
    ("name", "kind", "cap"),
    [
        ("University of Rochester", "university", "likely"),
        ("University Hospitals Cleveland Medical Center", "academic_medical_centre", "likely"),
        ("Children's Hospital of Philadelphia", "childrens_hospital", "unknown"),
        ("IQVIA", "cro", "unlikely"),
        ("Headlands Research", "site_network", "unlikely"),
        ("Nurix Therapeutics", "pharma_biotech", "unlikely"),
        ("National Institutes of Health", "government_research", "unknown"),
        ("Ochsner Health", "health_system", "unknown"),
        ("Tampa Clinical Research LLC", "site_network", "unlikely"),
        ("Acme Widgets Inc.", "unknown", "unlikely"),
        ("", "unknown", "unknown"),
    ],
)
def test_name_rules(name: str, kind: str, cap: str) -> None:
    facts = infer_employer(None, name)
    assert (facts.employer_type, facts.cap_exempt) == (kind, cap)


def test_text_statements() -> None:
    assert infer_employer(None, "Acme", "We are an H-1B cap-exempt employer.").cap_exempt == \
        "likely"
    assert infer_employer("university", "X", "We are not cap-exempt.").cap_exempt == "unlikely"
    affiliated = infer_employer("health_system", "Metro Hospital",
                                "Metro Hospital is the primary teaching hospital of the State "
                                "University School of Medicine.")
    assert affiliated.cap_exempt == "possible" and "affiliation" in affiliated.reason
    assert infer_employer(None, None, "We are a global contract research organization."
                          ).employer_type == "cro"


def test_research_institute_name_needs_nonprofit_evidence() -> None:
    assert infer_employer(None, "Acme Research Institute").cap_exempt == "possible"
    assert infer_employer(None, "Acme Research Institute",
                          "We are a 501(c)(3) nonprofit.").cap_exempt == "likely"


def test_caveat() -> None:
    assert "likelihood" in CAP_EXEMPT_CAVEAT and "not a legal determination" in CAP_EXEMPT_CAVEAT
