"""Role family and level, abbreviation collisions, false friends, users' free text."""

from __future__ import annotations

import pytest

from researchjobs.enrich.roles import ROLE_IDS, TAXONOMY, classify_role, role_ids_for_text

MONITOR = "Conduct interim monitoring visits and source data verification; travel up to 60%."
SITE = "Under the supervision of the CRC, assist with consenting participants at our site."


@pytest.mark.parametrize(
    ("title", "text", "family", "level"),
    [
        ("Clinical Research Coordinator I", "", "crc", "entry"),
        ("Clinical Research Coordinator", "", "crc", "entry"),  # unnumbered, no figure: entry
        ("Senior Clinical Research Coordinator", "", "crc", "senior"),
        ("CRC II - Phase 1 Unit", "", "crc", "mid"),
        ("Clinical Research Coordinator - Phase I", "", "crc", "entry"),  # phase is not a level
        ("Clinical Research Coordinator Associate", "", "crc", "entry"),
        ("Lead Clinical Research Coordinator", "", "crc", "senior"),
        ("Assistant Clinical Research Coordinator", "", "clinical_research_assistant", "entry"),
        ("Junior Clinical Research Coordinator", "", "clinical_research_assistant", "entry"),
        ("Clinical Research Assistant (CRA)", "", "clinical_research_assistant", "entry"),
        ("Research Study Assistant", "", "clinical_research_assistant", "entry"),
        ("Research Assistant II", "", "research_assistant", "mid"),
        ("Research Assistant - 2 Positions", "", "research_assistant", "entry"),
        ("Clinical Data Manager I", "", "data_coordinator", "entry"),
        ("Clinical Data Manager", "", "data_manager", "mid"),
        ("Regulatory Coordinator", "", "regulatory", "entry"),
        ("Clinical Trial Assistant", "", "cta", "entry"),
        ("Clinical Trials Associate", "", "cta", "entry"),
        ("Research Nurse Coordinator", "", "research_nurse", "mid"),
        ("Medical Science Liaison - Oncology", "", "msl", "senior"),
        ("Clinical Research Manager", "", "manager", "senior"),
        ("Clinical Research Supervisor", "", "manager", "senior"),
        ("Postdoctoral Research Fellow", "", "research_fellowship", "entry"),
        ("Drug Safety Associate", "", "drug_safety", "entry"),
        ("Clinical Research Associate II", MONITOR, "cra_monitor", "mid"),
        ("In-House CRA", "", "cra_monitor", "mid"),
        ("Site Manager", "Perform monitoring visits at investigative sites.", "cra_monitor", "mid"),
        ("", "", "other", "mid"),
    ],
)
def test_titles(title: str, text: str, family: str, level: str) -> None:
    facts = classify_role(title, text)
    assert (facts.role_family, facts.role_level) == (family, level)
    assert facts.family_evidence and facts.level_evidence


def test_cra_collision_resolved_by_context() -> None:
    assert classify_role("Clinical Research Associate", MONITOR).role_family == "cra_monitor"
    assert classify_role("Clinical Research Associate", SITE).role_family == \
        "clinical_research_assistant"
    # Silent text: academic employers use CRA for the site assistant, industry for monitors.
    assert classify_role("Clinical Research Associate", "", "academic_medical_centre"
                         ).role_family == "clinical_research_assistant"
    assert classify_role("Clinical Research Associate", "", "cro").role_family == "cra_monitor"


@pytest.mark.parametrize(
    ("title", "text", "family"),
    [
        ("Research Coordinator", "Support the policy team with legislative research and polling.",
         "other"),
        ("Research Coordinator", "Coordinate IRB submissions, consent patients and schedule "
         "study visits for clinical trials.", "crc"),
        ("UX Research Coordinator", "Recruit users for usability studies.", "other"),
        ("Data Coordinator", "Maintain the sales database and build Excel reports.", "other"),
        ("Data Coordinator", "Enter study data into REDCap and resolve queries per protocol.",
         "data_coordinator"),
        ("Recruitment Coordinator", "Partner with hiring managers and schedule interviews in our "
         "applicant tracking system.", "other"),
        ("Research Recruitment Coordinator", "", "recruitment"),
        ("Safety Associate", "Conduct workplace safety inspections and OSHA logs.", "other"),
        ("Safety Associate", "Process adverse event reports and code with MedDRA.",
         "drug_safety"),
        ("Research Associate", "PhD required in biology; postdoctoral training.",
         "research_fellowship"),
        ("Clinical Research Coordinator (Oncology) - RN not required", "", "crc"),
    ],
)
def test_false_friends_and_context(title: str, text: str, family: str) -> None:
    assert classify_role(title, text).role_family == family


def test_level_from_experience_and_wording() -> None:
    assert classify_role("Clinical Research Coordinator", "", None, 60).role_level == "senior"
    assert classify_role("Clinical Research Coordinator", "", None, 24).role_level == "mid"
    assert classify_role("Clinical Research Coordinator", "", None, 12).role_level == "entry"
    assert classify_role("Clinical Research Coordinator", "This is an entry-level role."
                         ).role_level == "entry"
    assert classify_role("Clinical Research Coordinator", "", None, None, 12).role_level == "entry"
    # A title marker beats the experience figure.
    assert classify_role("Clinical Research Coordinator I", "", None, 36).role_level == "entry"


def test_taxonomy_shape() -> None:
    assert set(TAXONOMY) == set(ROLE_IDS)
    for role, synonyms in TAXONOMY.items():
        assert all(s == s.lower().strip() for s in synonyms), role
    assert "clinical research coordinator" in TAXONOMY["crc"]


@pytest.mark.parametrize(
    ("text", "ids"),
    [
        ("CRC or research assistant, maybe CTA", ["crc", "research_assistant", "cta"]),
        ("clinical reserch coordinater", ["crc"]),
        ("data coordinator / regulatory specialist", ["data_coordinator", "regulatory"]),
        ("clinical research assistant", ["clinical_research_assistant"]),
        ("pharmacovigilence associate", ["drug_safety"]),
        ("Research nurse and MSL", ["research_nurse", "msl"]),
        ("Clinical Research Coordinator II", ["crc"]),
        ("", []),
        ("gardening", []),
    ],
)
def test_role_ids_for_text(text: str, ids: list[str]) -> None:
    assert role_ids_for_text(text) == ids
