"""The facts that close a job to an IMG: licences from titles, required languages,
citizenship and permanent residence, sponsorship wording, and clinical research or not."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from researchjobs.enrich.clinical import classify_clinical
from researchjobs.enrich.facts import enrich_text
from researchjobs.enrich.requirements import extract_requirements
from researchjobs.enrich.requirements.licence import licence_from_title
from researchjobs.enrich.visa import classify_visa

# ---------------------------------------------------------------- licences from titles


@pytest.mark.parametrize(
    ("title", "text", "licence"),
    [
        ("Clinical Research Nurse", "Administers investigational agents.", "RN"),
        ("Research Nurse Coordinator", "", "RN"),
        ("LPN - Research Clinic", "", "LPN"),
        ("Respiratory Therapist II - Research", "", "RRT"),
        ("Investigational Drug Pharmacist", "", "Pharmacist"),
        ("Physician Assistant - Clinical Trials", "", "PA"),
        ("Nurse Practitioner, Oncology Trials", "", "NP"),
        # the text says otherwise
        ("Clinical Research Nurse", "RN license preferred.", None),
        ("Research Nurse Coordinator", "Eligible for licensure as a Registered Nurse in Ohio.", None),
        ("Clinical Research Nurse", "MD/MBBS holders are welcome to apply.", None),
        ("Research Nurse", "A nursing license is not required for this role.", None),
        ("Clinical Research Coordinator (non-RN)", "", None),
        # not a licensed title
        ("Nurse Recruiter", "", None),
        ("Pharmacy Technician - Research", "", None),
        ("Research Assistant, School of Nursing", "", None),
    ],
)
def test_licence_from_title(title: str, text: str, licence: str | None) -> None:
    found = licence_from_title(title, text)
    assert (found[0] if found else None) == licence
    facts = enrich_text(text, title=title)
    assert facts["licence_required"] == (1 if licence else 0)
    if licence:
        assert facts["licence_required_name"] == licence
        assert title in facts["facts_json"]["licence_required"]["evidence"]


def test_text_statement_wins_over_title_evidence() -> None:
    facts = enrich_text("Requirements: current RN license in Maryland required.", title="Research Nurse")
    assert facts["licence_required"] == 1
    assert "Maryland" in facts["facts_json"]["licence_required"]["evidence"]


# ---------------------------------------------------------------- languages as requirements


@pytest.mark.parametrize(
    ("text", "named", "required"),
    [
        ("Fluency in Spanish and English required.", ["Spanish"], ["Spanish"]),
        ("Must be fluent in Spanish.", ["Spanish"], ["Spanish"]),
        ("Qualifications:\n- Bachelor's degree\n- Bilingual Spanish required", ["Spanish"], ["Spanish"]),
        ("Ability to communicate in Spanish is required.", ["Spanish"], ["Spanish"]),
        ("Spanish preferred.", ["Spanish"], []),
        ("Bilingual (English/Spanish) is a plus.", ["Spanish"], []),
        ("Preferred Qualifications:\nFluent in Mandarin", ["Mandarin"], []),
        ("We serve Spanish Harlem and the Bronx.", [], []),
    ],
)
def test_languages_required_vs_preferred(text: str, named: list[str], required: list[str]) -> None:
    reqs = extract_requirements(text)
    assert (reqs.languages, reqs.languages_required) == (named, required)
    if required:
        assert reqs.evidence["languages_required"]


# ---------------------------------------------------------------- citizenship and residence


@pytest.mark.parametrize(
    ("text", "visa", "citizens", "citizens_or_pr", "clearance"),
    [
        ("U.S. citizenship required.", "explicit_no", 1, 0, 0),
        ("Must be a US citizen.", "explicit_no", 1, 0, 0),
        ("This job is open to: U.S. Citizens, nationals or those who owe allegiance to the U.S.", "explicit_no", 1, 0, 0),
        ("Who May Apply: US Citizens", "explicit_no", 1, 0, 0),
        ("You must be a U.S. Citizen or U.S. National. Foreign nationals or legal permanent residents are "
         "not eligible for consideration.", "explicit_no", 1, 0, 0),
        ("Open to U.S. citizens and lawful permanent residents only.", "explicit_no", 0, 1, 0),
        ("Must be a U.S. citizen or permanent resident.", "explicit_no", 0, 1, 0),
        ("Who may apply: U.S. citizens, nationals or legal permanent residents.", "explicit_no", 0, 1, 0),
        ("Must be authorized to work in the United States without sponsorship.", "explicit_no", 0, 0, 0),
        ("Must be able to obtain and maintain a Secret clearance.", "explicit_no", 0, 0, 1),
        # traps
        ("Security clearance\nOther", "unknown", 0, 0, 0),
        ("Security clearance: Not Required", "unknown", 0, 0, 0),
        ("Preference will be given to U.S. citizens and permanent residents.", "unknown", 0, 0, 0),
        ("Interns must be U.S. citizens before conversion to a permanent appointment.", "unknown", 0, 0, 0),
        ("We do not discriminate on the basis of citizenship status.", "unknown", 0, 0, 0),
    ],
)
def test_citizenship_kinds(text: str, visa: str, citizens: int, citizens_or_pr: int, clearance: int) -> None:
    facts = classify_visa(text)
    assert (facts.visa, facts.citizenship_required, facts.citizen_or_pr_required, facts.clearance_required) == (
        visa, citizens, citizens_or_pr, clearance)


# ---------------------------------------------------------------- sponsorship possible


@pytest.mark.parametrize(
    "text",
    [
        "We are willing to sponsor a J-1 visa for the right candidate.",
        "The lab supports J1 and H1B visas.",
        "Visa sponsorship may be considered for exceptional candidates.",
        "The department can sponsor a J-1 research scholar visa.",
        "Employment-based visa sponsorship is offered for this role.",
    ],
)
def test_sponsorship_possible_wordings(text: str) -> None:
    assert classify_visa(text).visa == "possible"


def test_evidence_prefers_an_explicit_sponsorship_sentence() -> None:
    text = ("International medical graduates are encouraged to apply. The coordinator consents "
            "patients. H-1B sponsorship is available for this position.")
    facts = classify_visa(text)
    assert facts.visa == "possible"
    assert facts.evidence == "H-1B sponsorship is available for this position."


def test_a_refusal_still_wins_over_welcome_wording() -> None:
    facts = classify_visa("International applicants are encouraged to apply. We are unable to sponsor visas.")
    assert facts.visa == "explicit_no" and "unable to sponsor" in facts.evidence


# ---------------------------------------------------------------- clinical research or not


@pytest.mark.parametrize(
    ("title", "text", "family", "clinical"),
    [
        ("Clinical Research Coordinator", "", "crc", 1),
        ("Research Assistant", "Consents patients in clinic and schedules study visits for a trial.", "research_assistant", 1),
        ("Research Assistant", "Cleans administrative data for labor economics papers in Stata.", "research_assistant", 0),
        ("Research Technician", "Maintains cell lines and the mouse colony; runs PCR and western blots.",
         "research_assistant", 0),
        ("Research Assistant", "Runs participants through reaction-time experiments in the cognitive science lab.",
         "research_assistant", 0),
        ("Research Assistant", "Supports the team.", "research_assistant", None),
    ],
)
def test_clinical_or_not(title: str, text: str, family: str, clinical: int | None) -> None:
    facts = classify_clinical(title, text, family)
    assert facts.clinical == clinical
    assert (facts.evidence is None) == (clinical is None)


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=80), st.text(max_size=600))
def test_new_extractors_never_crash(title: str, text: str) -> None:
    assert classify_clinical(title, text, "research_assistant").clinical in (0, 1, None)
    assert licence_from_title(title, text) is None or licence_from_title(title, text)[0]
    facts = classify_visa(f"{title}\n{text}")
    assert facts.citizen_or_pr_required in (0, 1)
    assert not (facts.citizenship_required and facts.citizen_or_pr_required)
