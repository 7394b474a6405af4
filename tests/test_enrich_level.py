"""The one level rule (enrich.level): title first, then text, experience asked, title word."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from researchjobs.enrich.facts import enrich_text
from researchjobs.enrich.level import LEVELS, classify_level, level_for_months
from researchjobs.enrich.roles import classify_role, normalise_title


@pytest.mark.parametrize(
    ("title", "text", "level", "basis"),
    [
        # the case that started it: an ordinary unnumbered CRC with no experience figure
        ("Clinical Research Coordinator", "Consents patients and schedules study visits.", "entry", "inferred"),
        ("Clinical Research Coordinator", "Requirements: 2 years of clinical research experience.", "mid", "inferred"),
        ("Clinical Research Coordinator", "Requirements: 1-2 years of research experience.", "entry", "inferred"),
        ("Clinical Research Coordinator", "Requires 5+ years of clinical trials experience.", "senior", "inferred"),
        ("Clinical Research Coordinator II", "No experience required.", "mid", "stated"),
        ("Senior Clinical Research Coordinator", "No experience required.", "senior", "stated"),
        ("Clinical Research Coordinator I", "Requires 3 years of experience.", "entry", "stated"),
        ("Assistant Clinical Research Coordinator", "", "entry", "stated"),
        ("CRC Associate", "", "entry", "stated"),
        ("Research Coordinator III", "", "senior", "stated"),
        ("Clinical Research Coordinator", "This is an entry-level position.", "entry", "stated"),
        ("Clinical Research Coordinator", "Experience with REDCap preferred.", "entry", "inferred"),
        ("Research Assistant", "", "entry", "inferred"),
        # "associate" is the job itself here, not a level word: a monitor's usual level
        ("Clinical Research Associate", "Conducts monitoring visits; travel 60%.", "mid", "inferred"),
        ("Clinical Research Nurse Coordinator", "Provides nursing care to participants.", "mid", "inferred"),
        ("Physician Assistant - Clinical Trials", "", "mid", "inferred"),
        ("Medical Science Liaison", "No experience required.", "senior", "inferred"),
        ("Clinical Research Manager", "", "senior", "stated"),
    ],
)
def test_one_rule(title: str, text: str, level: str, basis: str) -> None:
    facts = enrich_text(text, title=title)
    assert (facts["role_level"], facts["role_level_basis"]) == (level, basis), facts["facts_json"]["role_level"]
    assert facts["facts_json"]["role_level"]["evidence"].startswith(f"{basis}: ")


def test_months_boundaries() -> None:
    assert [level_for_months(m) for m in (0, 12, 13, 24, 48, 59, 60, 120)] == [
        "entry", "entry", "mid", "mid", "mid", "mid", "senior", "senior"]


def test_classify_role_and_level_agree() -> None:
    role = classify_role("Clinical Research Coordinator", "Consents patients.")
    direct = classify_level(normalise_title("Clinical Research Coordinator"), "crc", "Consents patients.")
    assert (role.role_level, role.level_basis, role.level_evidence) == (direct.level, direct.basis, direct.evidence)


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=120), st.text(max_size=400), st.none() | st.integers(0, 600))
def test_always_one_of_three_levels(title: str, text: str, months: int | None) -> None:
    facts = classify_level(normalise_title(title), "crc", text, months)
    assert facts.level in LEVELS and facts.basis in ("stated", "inferred") and facts.evidence
