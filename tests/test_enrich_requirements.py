"""Experience, degree, MD equivalence, licences, certificates, tools and languages."""

from __future__ import annotations

import pytest

from researchjobs.enrich.requirements import extract_requirements
from researchjobs.enrich.text import (
    clip_text,
    keyword_windows,
    labelled_clauses,
    lower_same_length,
    split_clauses,
)


@pytest.mark.parametrize(
    ("text", "required", "preferred"),
    [
        ("Requirements: Bachelor's degree and 2 years of clinical research experience.", 24, None),
        ("Minimum of two (2) years of experience required.", 24, None),
        ("1-2 years of experience in a healthcare setting.", 12, None),
        ("Six months of research experience required.", 6, None),
        ("One and a half years of experience.", 18, None),
        ("5+ years of experience with a Master's degree or 7+ years with a Bachelor's degree.",
         84, None),
        ("HS diploma and 4 years of experience. A bachelor's degree may substitute for two "
         "years of experience.", 24, None),
        ("Bachelor's degree and 1 year of experience, or an equivalent combination of education "
         "and experience.", 12, None),
        ("Associate degree with 2 years of experience or bachelor's degree with no experience.",
         0, None),
        ("Three years of healthcare experience, including at least one year in research.",
         36, None),
        ("5+ years of operations experience; 2 years of line management.", 60, None),
        ("2 years of clinical experience or 1 year of clinical research experience.", 12, None),
        ("No prior research experience is required; training is provided.", 0, None),
        ("Previous research experience is helpful but not required.", 0, None),
        ("This is an entry-level position.", 0, None),
        ("1 year of clinical research experience required; 2 years preferred.", 12, 24),
        ("Bachelor's degree. One year of research experience is strongly preferred.", None, 12),
        ("Must be 18 years of age. This is a 2-year position. 12-month contract.", None, None),
        ("CCRP certification must be obtained within 1 year of hire.", None, None),
        ("Experience: 1 to 2 years.", 12, None),
        ("", None, None),
    ],
)
def test_experience(text: str, required: int | None, preferred: int | None) -> None:
    reqs = extract_requirements(text)
    assert (reqs.experience_required_months, reqs.experience_preferred_months) == \
        (required, preferred)
    if required is not None:
        assert reqs.evidence["experience_required_months"]


def test_clinician_experience_counts() -> None:
    reqs = extract_requirements(
        "Qualifications: 1 year of applicable work, research or internship experience; examples "
        "can include clinician or other interaction with a research population.")
    assert reqs.experience_required_months == 12 and reqs.accepts_clinical
    reqs = extract_requirements("Requirements: 2 years of clinical research experience.")
    assert reqs.research_specific and not reqs.accepts_clinical


@pytest.mark.parametrize(
    ("text", "degree"),
    [
        ("Bachelor's degree required.", "bachelor"),
        ("BA/BS degree in a science or health-related field.", "bachelor"),
        ("Required: High school diploma or GED.", "high_school"),
        ("Associate degree required; bachelor's preferred.", "associate"),
        ("Master's degree in public health required.", "master"),
        ("PhD in neuroscience is required.", "doctorate"),
        ("Requirements: High school diploma, medical office experience preferred.", "high_school"),
        ("Bachelor's degree preferred.", "none"),
        ("No degree required.", "none"),
        ("Degree in pharmacy, nursing, medicine (MD/MBBS) or life sciences.", "bachelor"),
        ("Located in Baltimore, MD 21231. Use MS Excel.", None),
        ("We offer great benefits.", None),
    ],
)
def test_degree_floor(text: str, degree: str | None) -> None:
    assert extract_requirements(text).degree_min == degree


@pytest.mark.parametrize(
    ("text", "md"),
    [
        ("Bachelor's degree required; MD or foreign medical degree a plus.", 1),
        ("Foreign medical graduates (MD/MBBS) are encouraged to apply.", 1),
        ("Bachelor's degree in a health-related field or its foreign equivalent.", 1),
        ("Doctoral degree (PharmD, PhD, MD) required.", 1),
        ("A degree from a regionally accredited U.S. college is required; foreign degrees are "
         "not accepted.", 0),
        ("Work closely with MDs and nurses in clinic.", None),
        ("Position located in Bethesda, MD 20892.", None),
        ("Experience at MD Anderson a plus.", None),
    ],
)
def test_md_accepted(text: str, md: int | None) -> None:
    assert extract_requirements(text).md_accepted == md


@pytest.mark.parametrize(
    ("text", "required", "name"),
    [
        ("Minimum Qualifications: Current RN license in the State of Maryland.", 1, "RN"),
        ("Must be a licensed Registered Nurse in Pennsylvania.", 1, "RN"),
        ("Requirements: Current NP license and DEA registration.", 1, "NP"),
        ("Requirements: Licensed pharmacist in Illinois.", 1, "Pharmacist"),
        ("MD or DO with an active, unrestricted medical license in Florida.", 1, "Physician"),
        ("RN license preferred but not required.", 0, None),
        ("Eligible for licensure as a registered nurse within 90 days of hire.", 0, None),
        ("A valid driver's license is required.", 0, None),
        ("Collaborate with RNs to schedule infusion visits.", 0, None),
        ("Healthcare professional degree (RN, PharmD, MD or equivalent) required.", 0, None),
        ("An RN license is not needed for this position.", 0, None),
        ("Licensed practical nurses are also encouraged to apply.", 0, None),
        ("Responsible for software license tracking.", 0, None),
    ],
)
def test_licence(text: str, required: int, name: str | None) -> None:
    reqs = extract_requirements(text)
    assert (reqs.licence_required, reqs.licence_required_name) == (required, name)


def test_certifications() -> None:
    reqs = extract_requirements(
        "Required Qualifications:\nCurrent BLS certification required.\nCITI GCP training must "
        "be completed within 30 days of hire.\nPreferred Qualifications:\nCCRP or CCRC "
        "certification.\nACRP-CP must be obtained within 18 months of hire.")
    assert reqs.certifications_required == ["BLS"]
    assert reqs.certifications_preferred == ["CCRC", "CCRP"]
    within = {item["name"]: item["months"] for item in reqs.certifications_obtain_within}
    assert within == {"GCP": 1, "CITI": 1, "ACRP-CP": 18}


def test_certifications_mixed_clause_and_traps() -> None:
    reqs = extract_requirements("Requirements: BLS and ACLS required, PALS preferred. "
                                "Knowledge of GCP guidelines.")
    assert reqs.certifications_required == ["BLS", "ACLS"]
    assert reqs.certifications_preferred == ["PALS"]  # "knowledge of GCP" is not a certificate


def test_skills_and_languages() -> None:
    reqs = extract_requirements(
        "Enter data into REDCap and Medidata Rave; schedule visits in Epic. Process specimens. "
        "Bilingual in English and Spanish required; Mandarin a plus. We serve Hispanic families.")
    assert reqs.skills[:3] == ["REDCap", "Medidata Rave", "Epic"]
    assert "Specimen processing" in reqs.skills
    assert reqs.languages == ["Spanish", "Mandarin"]
    assert reqs.languages_required == ["Spanish"]


def test_language_as_a_short_qualification_item() -> None:
    assert extract_requirements("Preferred: MD/MBBS; Spanish.").languages == ["Spanish"]
    assert extract_requirements("We serve Spanish Harlem and the Bronx.").languages == []


def test_language_needs_a_language_context() -> None:
    assert extract_requirements("Experience with French fries.").languages == []
    assert extract_requirements("Our German Shepherd mascot.").languages == []


def test_sections_and_cues() -> None:
    clauses = labelled_clauses(
        "Responsibilities:\nScreen patients.\nRequired Qualifications:\nBachelor's degree.\n"
        "Preferred Qualifications:\nSpanish.\nMust have BLS.")
    labels = [c.label for c in clauses]
    assert labels == ["other", "other", "required", "required", "preferred", "preferred",
                      "preferred"]


def test_split_keeps_abbreviations() -> None:
    assert split_clauses("Must be a U.S. citizen. B.S. in biology required.") == [
        "Must be a U.S. citizen.", "B.S. in biology required."]


def test_bounds() -> None:
    long_text = "A" * 30_000 + " Must be a U.S. citizen."
    clipped = clip_text(long_text)
    assert len(clipped) < 26_000 and clipped.endswith("citizen.")
    assert lower_same_length("\u0130stanbul") == "istanbul"
    windows = keyword_windows("x" * 50 + "visa" + "x" * 500 + "visa", ("visa",), 10, 10)
    assert windows == [(40, 60), (544, 558)]  # before/after count from the keyword start
