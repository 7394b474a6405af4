"""Fit components one at a time, the title processor, the weights, and the reasons' wording."""

from __future__ import annotations

import math

import pytest
from test_matcher_support import NOW, at, fraction, record, score

from researchjobs.matcher import weights
from researchjobs.matcher.explain import reasons_for
from researchjobs.matcher.fit import canonical_terms, person_level, wanted_families
from researchjobs.matcher.frame import title_key
from researchjobs.matcher.profiles import Profile

BOSTON = [{"city": "Boston", "state": "MA", "radius_miles": 30}]


def person(**fields: object) -> Profile:
    base: dict = {"name": "p", "roles": ["clinical research coordinator"], "locations": BOSTON,
                  "work_authorization": "needs_h1b"}
    base.update(fields)
    return Profile(**base)


def why(profile: Profile, rec: dict) -> list[str]:
    frame, ctx, scored = score(profile, [rec])
    from researchjobs.matcher.frame import iso_epoch

    return reasons_for(frame, 0, scored, 0, ctx, iso_epoch(NOW))


# ---------------------------------------------------------------- weights


def test_weights_sum_to_100_and_scores_stay_in_range() -> None:
    assert math.isclose(sum(weights.WEIGHTS.values()), 100.0)
    recs = [record("a"), record("b", title="Software Engineer", role_family="other", role_level="senior",
                                experience_required_months=120, skills='["Python"]', languages='["German"]',
                                cap_exempt="unlikely", date_published="2024-01-01T00:00:00Z")]  # fmt: skip
    for profile in (person(), person(work_authorization="citizen"), person(salary_floor=60000)):
        _f, _c, scored = score(profile, recs)
        assert ((scored.score >= 0) & (scored.score <= 100)).all()
        for j in range(len(recs)):
            assert math.isclose(sum(float(v[j]) for v in scored.points.values()), float(scored.score[j]), rel_tol=1e-4)


def test_inapplicable_components_are_dropped_and_the_rest_rescaled() -> None:
    _f, _c, scored = score(person(work_authorization="citizen"), [record("a")])
    assert "cap_exempt" not in scored.points and "salary" not in scored.points
    _f, _c, scored = score(person(salary_floor=50000), [record("a")])
    assert "cap_exempt" in scored.points and "salary" in scored.points


# ---------------------------------------------------------------- titles and roles


@pytest.mark.parametrize(
    ("title", "key"),
    [
        ("Clinical Research Coordinator I", "clinical research coordinator"),
        ("Clinical Research Coordinator (Bilingual Spanish) - Oncology", "clinical research coordinator"),
        ("Remote - Clinical Data Coordinator", "clinical data coordinator"),
        ("Coordinator, Clinical Research", "clinical research coordinator"),
        ("Data Manager, Clinical Trials Office", "data manager"),
        ("Sr. CRC", "clinical research coordinator"),
        ("Research Asst II | Cardiology", "research assistant"),
        ("Clinical Trials Coordinator", "clinical trial coordinator"),
        ("", ""),
        (None, ""),
    ],
)
def test_title_key(title: str | None, key: str) -> None:
    assert title_key(title) == key


def test_one_word_role_does_not_match_everything() -> None:
    """token_set_ratio would give 100 to any title containing "coordinator"."""
    recs = [record("a", title="Clinical Research Coordinator I", role_family=None),
            record("b", title="Transportation Coordinator", role_family=None)]  # fmt: skip
    _f, _c, scored = score(person(roles=["coordinator"]), recs)
    assert scored.title_sim.max() < 90


def test_role_similarity_uses_synonyms_and_family() -> None:
    recs = [
        record("crc", title="Clinical Research Coordinator I"),
        record("syn", title="Study Coordinator - Sleep Medicine"),
        record("mon", title="Clinical Research Associate II (Monitor)", role_family="cra_monitor", role_level="mid"),
        record("swe", title="Software Engineer", role_family="other"),
        record("rn", title="Research Nurse Coordinator", role_family="research_nurse"),
    ]
    frame, _c, scored = score(person(roles=["CRC", "clinical research assistant"]), recs)
    role = {pid: fraction(scored, frame, pid, "role") for pid in ("crc", "syn", "mon", "swe", "rn")}
    assert role["crc"] == pytest.approx(1.0)
    assert role["syn"] >= 0.9
    assert role["mon"] < 0.75 and role["rn"] < 0.75
    assert role["swe"] < weights.ROLE_CANDIDATE_FLOOR / 100
    assert role["crc"] > role["mon"] > role["swe"]


def test_wanted_families_from_free_text() -> None:
    assert wanted_families(["CRC or CTA", "research assistant"]) == ["crc", "cta", "research_assistant"]
    assert wanted_families(["astronaut"]) == []


# ---------------------------------------------------------------- level and experience


def test_person_level_from_us_months() -> None:
    assert [person_level(m) for m in (0, 23, 24, 59, 60)] == ["entry", "entry", "mid", "mid", "senior"]


def test_level_component() -> None:
    recs = [record("e", role_level="entry"), record("m", role_level="mid"), record("s", role_level="senior"),
            record("u", role_level=None)]  # fmt: skip
    frame, _c, scored = score(person(), recs)
    values = [fraction(scored, frame, pid, "level") for pid in ("e", "m", "s", "u")]
    assert values == pytest.approx([1.0, weights.LEVEL_FIT[("entry", "mid")], 0.0, weights.LEVEL_UNKNOWN])
    frame, _c, scored = score(person(us_research_months=36), recs)
    assert fraction(scored, frame, "m", "level") == 1.0


def test_experience_gap_and_clinical_years() -> None:
    recs = [record("zero", experience_required_months=0), record("twelve", experience_required_months=12),
            record("clin", experience_required_months=12, accepts_clinical=1),
            record("far", experience_required_months=36), record("none", experience_required_months=None)]  # fmt: skip
    frame, _c, scored = score(person(clinical_years_abroad=4), recs)
    got = {pid: fraction(scored, frame, pid, "experience") for pid in ("zero", "twelve", "clin", "far", "none")}
    assert got["zero"] == 1.0 and got["clin"] == 1.0
    assert got["twelve"] == pytest.approx(1 - 12 / weights.EXPERIENCE_GAP_ZERO_MONTHS)
    assert got["far"] == 0.0 and got["none"] == pytest.approx(weights.EXPERIENCE_UNKNOWN)
    assert "− asks 12 months' experience, you have 0" in why(person(), recs[1])
    assert "+ asks 12 months' experience, you have 48 counting your clinical work abroad" in why(
        person(clinical_years_abroad=4), recs[2])
    assert "+ no experience required" in why(person(), recs[0])


# ---------------------------------------------------------------- certificates, skills, languages


def test_certificates() -> None:
    recs = [
        record("none"),
        record("ccrc", certifications_required='["CCRC"]'),
        record("later", certifications_required="[]", certifications_obtain_within='[{"name": "CCRC", "months": 18}]'),
        record("crc_cert", certifications_required='["CRC certification"]'),
        record("pref", certifications_preferred='["GCP"]'),
    ]
    frame, _c, scored = score(person(certifications=["CITI GCP"]), recs)
    got = {r["id"]: fraction(scored, frame, r["id"], "certifications") for r in recs}
    assert got["none"] == 1.0 and got["later"] == 1.0 and got["pref"] == 1.0
    assert got["ccrc"] == pytest.approx(1 - weights.CERT_MISSING_PENALTY)
    assert got["crc_cert"] < 1.0
    frame, _c, scored = score(person(certifications=["ccrc"]), recs)
    assert fraction(scored, frame, "crc_cert", "certifications") == 1.0  # CCRC implies it
    assert "− requires CCRC" in why(person(), recs[1])
    assert "+ CCRC can be earned within 18 months of hire" in why(person(), recs[2])
    assert "+ you have GCP (preferred)" in why(person(certifications=["CITI GCP"]), recs[4])


def test_canonical_terms_follow_enrichment_names() -> None:
    assert canonical_terms(["CITI GCP"], "certifications") >= {"CITI", "GCP"}
    assert canonical_terms(["redcap", "ekg"], "skills") >= {"REDCap", "ECG"}
    assert canonical_terms(["spanish (native)"], "languages") == {"Spanish"}
    assert canonical_terms(["Underwater basket weaving"], "skills") == {"Underwater basket weaving"}


def test_skills_overlap() -> None:
    recs = [record("three", skills='["REDCap", "Epic", "OnCore"]'), record("one", skills='["REDCap", "SAS", "Argus"]'),
            record("none", skills='["SAS"]'), record("silent", skills="[]")]  # fmt: skip
    frame, _c, scored = score(person(skills=["redcap", "epic", "OnCore"]), recs)
    got = [fraction(scored, frame, pid, "skills") for pid in ("three", "one", "none", "silent")]
    assert got == pytest.approx([1.0, 1 / 3, 0.0, weights.NEUTRAL])
    assert "+ REDCap, Epic, OnCore" in why(person(skills=["redcap", "epic", "OnCore"]), recs[0])


def test_languages() -> None:
    recs = [record("es", languages='["Spanish"]'), record("pt", languages='["Portuguese"]'),
            record("none", languages="[]"), record("en", languages='["English"]')]  # fmt: skip
    frame, _c, scored = score(person(languages=["English", "Spanish", "Urdu"]), recs)
    got = [fraction(scored, frame, pid, "languages") for pid in ("es", "pt", "none", "en")]
    assert got == pytest.approx([1.0, weights.LANGUAGE_MISSING, weights.NEUTRAL, weights.NEUTRAL])
    assert "+ Spanish" in why(person(languages=["Spanish"]), recs[0])
    assert "− asks Portuguese" in why(person(languages=["Spanish"]), recs[1])


# ---------------------------------------------------------------- place, pay, cap, recency


def test_distance_closer_is_better_and_remote_is_best() -> None:
    recs = [record("centre"), record("cambridge", city="Cambridge", lat=42.3751, lon=-71.1056),
            record("lawrence", city="Lawrence", lat=42.70704, lon=-71.16311),
            record("remote", city=None, state=None, lat=None, lon=None, remote="remote"),
            record("state", city=None, lat=None, lon=None)]  # fmt: skip
    frame, _c, scored = score(person(), recs)
    got = {r["id"]: fraction(scored, frame, r["id"], "distance") for r in recs}
    assert got["remote"] == got["centre"] == 1.0
    assert 1.0 > got["cambridge"] > got["lawrence"] >= weights.DISTANCE_AT_RADIUS
    assert got["state"] == pytest.approx(weights.DISTANCE_STATE_ONLY)
    assert "+ in Boston, MA" in why(person(), recs[0])
    assert "+ 25 mi from Boston, MA" in why(person(), recs[2])
    assert "+ remote" in why(person(), recs[3])


def test_salary_against_floor() -> None:
    recs = [record("low", salary_annual_min=38000, salary_annual_max=42000),
            record("high", salary_annual_min=52000, salary_annual_max=60000),
            record("mixed", salary_annual_min=40000, salary_annual_max=55000), record("none")]  # fmt: skip
    profile = person(salary_floor=45000)
    frame, _c, scored = score(profile, recs)
    got = [fraction(scored, frame, pid, "salary") for pid in ("low", "high", "mixed", "none")]
    assert got == pytest.approx([0.0, 1.0, weights.SALARY_STRADDLE, weights.NEUTRAL])
    assert "− pays up to $42,000, below your $45,000" in why(profile, recs[0])
    assert "+ pays $52,000-$60,000" in why(profile, recs[1])


def test_cap_exempt_boost_for_those_who_need_sponsorship() -> None:
    recs = [record("likely"), record("unlikely", cap_exempt="unlikely", employer_type_inferred="cro"),
            record("sponsor", cap_exempt="unlikely", visa="possible")]  # fmt: skip
    frame, _c, scored = score(person(), recs)
    likely, unlikely, sponsor = (float(scored.score[at(scored, frame, p)]) for p in ("likely", "unlikely", "sponsor"))
    assert likely > sponsor > unlikely
    assert "+ cap-exempt university" in why(person(), recs[0])
    assert "− cap-subject CRO (H-1B lottery)" in why(person(), recs[1])
    frame, _c, scored = score(person(work_authorization="green_card"), recs)
    assert float(scored.score[0]) == pytest.approx(float(scored.score[1]))  # irrelevant for a green-card holder


def test_recency() -> None:
    recs = [record("new", date_published="2026-11-19T12:00:00Z"), record("old", date_published="2026-08-01T00:00:00Z"),
            record("mid", date_published="2026-10-20T00:00:00Z"), record("none", date_published=None, first_seen=""),
            record("seen", date_published=None, first_seen="2026-11-20T00:00:00Z")]  # fmt: skip
    frame, _c, scored = score(person(), recs)
    got = [fraction(scored, frame, pid, "recency") for pid in ("new", "old", "mid", "none")]
    assert fraction(scored, frame, "seen", "recency") == 1.0  # first seen stands in for an absent date
    assert got[0] == 1.0 and got[1] == 0.0 and 0 < got[2] < 1 and got[3] == pytest.approx(weights.RECENCY_UNKNOWN)
    assert "+ posted 1 day ago" in why(person(), recs[0])


def test_reasons_read_like_the_issue_example() -> None:
    rec = record("x", experience_required_months=12, languages='["Spanish"]')
    reasons = why(person(languages=["Spanish"]), rec)
    assert reasons[:4] == ["+ entry-level CRC", "+ cap-exempt university",
                           "− asks 12 months' experience, you have 0", "+ Spanish"]  # fmt: skip
