"""Sponsorship signals: refusals, offers, citizenship and clearance, and the traps."""

from __future__ import annotations

import pytest

from researchjobs.enrich.visa import classify_visa

NO = [
    "Applicants must be authorized to work in the United States without sponsorship.",
    "Must be authorized to work for any employer in the U.S.",
    "We are unable to sponsor or take over sponsorship of an employment visa at this time.",
    "This position is not eligible for employment visa sponsorship.",
    "Candidates must not now, or in the future, require visa sponsorship.",
    "No H-1B sponsorship.",
    "Sponsorship is not available for this position.",
    "Visa sponsorship: Not available",
    "Visa sponsorship available: No",
    "The company will not sponsor applicants for work visas.",
    "Applicants who require sponsorship now or in the future will not be considered.",
    "We are not accepting candidates who require visa sponsorship.",
    "This position does not qualify for employer-sponsored work authorization.",
    "Unfortunately, we are not in a position to sponsor work visas at this time.",
    "Applicants must be currently authorized to work in the United States on a full-time "
    "basis. We do not sponsor.",
    "OPT candidates welcome; no sponsorship available.",
]


@pytest.mark.parametrize("text", NO)
def test_refusals(text: str) -> None:
    facts = classify_visa(text)
    assert facts.visa == "explicit_no", text
    assert facts.evidence and facts.reason


@pytest.mark.parametrize(
    ("text", "citizen", "clearance"),
    [
        ("U.S. citizenship is required.", 1, 0),
        ("Must be a U.S. citizen.", 1, 0),
        ("Who May Apply: US Citizens", 1, 0),
        ("Position restricted to United States citizens.", 1, 0),
        ("Applicants must be U.S. citizens or permanent residents.", 0, 0),
        ("Only U.S. citizens and permanent residents will be considered.", 0, 0),
        ("U.S. citizenship or permanent residency is required.", 0, 0),
        ("Active Secret security clearance required.", 0, 1),
        ("Must be a U.S. citizen and able to obtain a DoD security clearance.", 1, 1),
        ("This role requires access to ITAR-controlled data.", 0, 0),
        ("Due to export controls, candidates must be U.S. persons.", 0, 0),
    ],
)
def test_citizenship_clearance_us_person(text: str, citizen: int, clearance: int) -> None:
    facts = classify_visa(text)
    assert facts.visa == "explicit_no"
    assert (facts.citizenship_required, facts.clearance_required) == (citizen, clearance)


@pytest.mark.parametrize(
    "text",
    [
        "H-1B visa sponsorship is available for this position.",
        "The University can sponsor H-1B visas for qualified candidates.",
        "J-1 visa sponsorship may be available for research fellows.",
        "We are an H-1B cap-exempt institution.",
        "International medical graduates are encouraged to apply.",
        "Physicians trained outside the US are welcome.",
        "We are open to candidates requiring visa sponsorship.",
        "Relocation assistance is not provided, but visa sponsorship is available.",
        "We will consider sponsoring the right candidate.",
        "The University is unable to sponsor permanent residency (green card); H-1B sponsorship "
        "may be considered.",
    ],
)
def test_offers(text: str) -> None:
    assert classify_visa(text).visa == "possible", text


@pytest.mark.parametrize(
    "text",
    [
        "All qualified applicants will receive consideration without regard to race, national "
        "origin, citizenship status, or disability.",
        "We participate in E-Verify to confirm employment eligibility.",
        "OPT and CPT candidates welcome.",
        "International experience preferred.",
        "Must be legally authorized to work in the U.S.",
        "Notify the sponsor of protocol deviations and do not delay reporting to the sponsor.",
        "The study sponsor will not cover travel. Coordinate monitoring visits with the sponsor.",
        "We are unable to sponsor permanent residency (green card) for this position.",
        "Will you now or in the future require sponsorship for employment visa status?",
        "U.S. citizenship is not required.",
        "Creatinine clearance of at least 60 mL/min is an inclusion criterion.",
        "No security clearance is required.",
        "Must obtain a VA security clearance (public trust background check).",
        "",
    ],
)
def test_traps_stay_unknown(text: str) -> None:
    facts = classify_visa(text)
    assert facts.visa == "unknown", (text, facts)
    assert facts.citizenship_required == 0 and facts.clearance_required == 0


def test_hints_are_recorded_without_deciding() -> None:
    facts = classify_visa("Must be legally authorized to work in the United States. OPT "
                          "candidates welcome. We are an E-Verify employer.")
    assert facts.visa == "unknown"
    assert {"authorized_to_work", "opt_cpt_welcome", "e_verify"} <= set(facts.hints)


def test_refusal_beats_offer() -> None:
    facts = classify_visa("J-1 visas are handled by the international office. This position is "
                          "not eligible for H-1B sponsorship.")
    assert facts.visa == "explicit_no"


def test_statement_at_the_end_of_a_long_posting_is_found() -> None:
    text = "Duties include screening patients. " * 2_000 + "Visa sponsorship is not available."
    assert classify_visa(text).visa == "explicit_no"


def test_many_study_sponsor_mentions_do_not_hide_the_visa_statement() -> None:
    duties = "".join(f"Prepare visit {i} for the sponsor monitor and notify the sponsor. "
                     for i in range(80))
    text = duties + "\nWe are unable to sponsor employment visas for this position."
    facts = classify_visa(text)
    assert facts.visa == "explicit_no" and "unable to sponsor" in (facts.evidence or "")
