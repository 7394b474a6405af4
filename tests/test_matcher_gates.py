"""Each eligibility gate on its own: it fires on the stated fact, and only then, with a reason."""

from __future__ import annotations

import pytest
from test_matcher_support import gates_of, record, score

from researchjobs.matcher.explain import gates_for
from researchjobs.matcher.profiles import WORK_AUTHORIZATIONS, Profile

BOSTON = [{"city": "Boston", "state": "MA", "radius_miles": 30}]


def person(**fields: object) -> Profile:
    base: dict = {"name": "p", "roles": ["clinical research coordinator"], "locations": BOSTON,
                  "work_authorization": "needs_h1b"}
    base.update(fields)
    return Profile(**base)


def reasons(profile: Profile, rec: dict, **kw: object) -> list[dict[str, str]]:
    frame, ctx, scored = score(profile, [rec], **kw)
    return gates_for(frame, 0, scored, 0, ctx)


def test_plain_posting_is_eligible() -> None:
    frame, _ctx, scored = score(person(), [record("a")])
    assert gates_of(scored, frame, "a") == set()
    assert bool(scored.eligible[0])


def test_licence_gate_and_held_licence() -> None:
    rec = record("rn", title="Research Nurse", role_family="research_nurse", licence_required=1, licence_required_name="RN")
    frame, _c, scored = score(person(), [rec])
    assert gates_of(scored, frame, "rn") == {"licence"}
    assert reasons(person(), rec) == [{"gate": "licence", "reason": "requires a US RN licence"}]
    frame, _c, scored = score(person(licences=["RN"]), [rec])
    assert gates_of(scored, frame, "rn") == set()


@pytest.mark.parametrize("authorization", WORK_AUTHORIZATIONS)
def test_explicit_no_sponsorship_gates_exactly_those_who_need_it(authorization: str) -> None:
    rec = record("nv", visa="explicit_no", visa_evidence="We are unable to sponsor employment visas.")
    profile = person(work_authorization=authorization)
    frame, _c, scored = score(profile, [rec])
    gated = "sponsorship" in gates_of(scored, frame, "nv")
    assert gated == (authorization in {"needs_h1b", "future_sponsorship", "opt", "j1"})
    if gated:
        reason = reasons(profile, rec)[0]["reason"]
        assert "will not sponsor" in reason and "unable to sponsor employment visas" in reason


@pytest.mark.parametrize("authorization", WORK_AUTHORIZATIONS)
def test_citizens_only_gates_everyone_but_citizens(authorization: str) -> None:
    for rec in (record("c", citizenship_required=1), record("c", clearance_required=1)):
        frame, _c, scored = score(person(work_authorization=authorization), [rec])
        assert ("citizenship" in gates_of(scored, frame, "c")) == (authorization != "citizen")


def test_visa_possible_or_unknown_never_gates() -> None:
    frame, _c, scored = score(person(), [record("u", visa="unknown"), record("p", visa="possible"), record("n", visa=None)])
    assert all(not gates_of(scored, frame, pid) for pid in ("u", "p", "n"))


def test_location_by_distance() -> None:
    near = record("near", city="Cambridge", state="MA", lat=42.3751, lon=-71.1056)
    far = record("far", city="Chicago", state="IL", lat=41.85003, lon=-87.65005)
    edge = record("edge", city="Worcester", state="MA", lat=42.26259, lon=-71.80229)  # ~38 mi
    frame, _c, scored = score(person(), [near, far, edge])
    assert gates_of(scored, frame, "near") == set()
    assert gates_of(scored, frame, "far") == {"location"}
    assert gates_of(scored, frame, "edge") == {"location"}
    reason = reasons(person(), far)[0]["reason"]
    assert reason.startswith("Chicago, IL is 8") and "from Boston, MA" in reason and "within 30 mi" in reason
    frame, _c, scored = score(person(locations=[{"city": "Boston", "state": "MA", "radius_miles": 50}]), [edge])
    assert gates_of(scored, frame, "edge") == set()


def test_location_state_fallback_without_coordinates() -> None:
    same_state = record("ma", city=None, state="MA", lat=None, lon=None)
    other_state = record("ny", city=None, state="NY", lat=None, lon=None)
    nowhere = record("x", city=None, state=None, lat=None, lon=None, remote="unknown")
    frame, _c, scored = score(person(), [same_state, other_state, nowhere])
    assert gates_of(scored, frame, "ma") == set()
    assert gates_of(scored, frame, "ny") == {"location"}
    assert gates_of(scored, frame, "x") == set()  # unstated place is an unknown, not a gate
    assert "outside your places" in reasons(person(), other_state)[0]["reason"]


def test_state_only_place_accepts_the_whole_state() -> None:
    profile = person(locations=[{"city": None, "state": "TX", "radius_miles": 25}])
    houston = record("h", city="Houston", state="TX", lat=29.76328, lon=-95.36327)
    boston = record("b")
    frame, _c, scored = score(profile, [houston, boston])
    assert gates_of(scored, frame, "h") == set()
    assert gates_of(scored, frame, "b") == {"location"}


def test_remote_and_foreign() -> None:
    remote = record("r", city=None, state=None, lat=None, lon=None, remote="remote")
    remote_far = record("rf", city="Chicago", state="IL", lat=41.85, lon=-87.65, remote="remote")
    foreign = record("f", city="Toronto", state="ON", country="CA", lat=None, lon=None)
    foreign_remote = record("fr", city=None, state=None, country="CA", lat=None, lon=None, remote="remote")
    records = [remote, remote_far, foreign, foreign_remote]
    frame, _c, scored = score(person(), records)
    assert gates_of(scored, frame, "r") == set() and gates_of(scored, frame, "rf") == set()
    assert gates_of(scored, frame, "f") == {"location"} and gates_of(scored, frame, "fr") == {"location"}
    assert "outside the US" in reasons(person(), foreign)[0]["reason"]
    frame, _c, scored = score(person(remote_ok=False), records)
    assert gates_of(scored, frame, "r") == {"location"}
    assert reasons(person(remote_ok=False), remote)[0]["reason"] == "remote job; your profile has remote_ok = false"


def test_no_places_means_anywhere_in_the_us() -> None:
    profile = person(locations=[], remote_ok=False)
    frame, _c, scored = score(profile, [record("b"), record("c", city="Chicago", state="IL", lat=41.85, lon=-87.65)])
    assert gates_of(scored, frame, "b") == set() and gates_of(scored, frame, "c") == set()


def test_hybrid_needs_hybrid_ok_and_a_nearby_place() -> None:
    hybrid = record("h", remote="hybrid")
    hybrid_far = record("hf", remote="hybrid", city="Chicago", state="IL", lat=41.85, lon=-87.65)
    frame, _c, scored = score(person(hybrid_ok=False), [hybrid])
    assert gates_of(scored, frame, "h") == {"workplace"}
    frame, _c, scored = score(person(), [hybrid, hybrid_far])
    assert gates_of(scored, frame, "h") == set()
    assert gates_of(scored, frame, "hf") == {"location"}


def test_excluded_employer_matches_whole_words() -> None:
    recs = [record("a", employer="Bayou Trials Group"), record("b", employer="Bayside Hospital")]
    profile = person(exclude_employers=["bayou trials"], locations=[])
    frame, _c, scored = score(profile, recs)
    assert gates_of(scored, frame, "a") == {"employer"}
    assert gates_of(scored, frame, "b") == set()
    assert "'bayou trials'" in reasons(profile, recs[0])[0]["reason"]


def test_excluded_keyword_uses_search_hits() -> None:
    from test_matcher_support import key_of

    profile = person(exclude_keywords=["night shift"])
    frame, ctx, scored = score(profile, [record("a"), record("b")], keywords={"night shift": {key_of("a")}})
    assert gates_of(scored, frame, "a") == {"keyword"}
    assert gates_of(scored, frame, "b") == set()
    assert gates_for(frame, 0, scored, 0, ctx) == [{"gate": "keyword", "reason": "mentions 'night shift' (exclude_keywords)"}]


def test_closed_gate() -> None:
    rec = record("c", closed_at="2026-11-10T06:00:00Z")
    frame, _c, scored = score(person(), [rec])
    assert gates_of(scored, frame, "c") == {"closed"}
    assert "closed 2026-11-10" in reasons(person(), rec)[0]["reason"]


def test_level_gate_reads_the_stored_level_stated_or_inferred() -> None:
    """One level everywhere: an inferred level gates like a stated one (jobs --level and
    the digest's badge read the same column); only a posting with no level is not gated."""
    senior = record("s", title="Senior CRC", role_level="senior")
    mid_stated = record("m", title="CRC II", role_level="mid")
    mid_inferred = record("g", title="Clinical Research Coordinator", role_level="mid", role_level_basis="inferred")
    entry_inferred = record("e", title="Clinical Research Coordinator", role_level="entry", role_level_basis="inferred")
    unknown = record("u", role_level=None)
    profile = person(levels=["entry"])
    frame, _c, scored = score(profile, [senior, mid_stated, mid_inferred, entry_inferred, unknown])
    assert gates_of(scored, frame, "s") == {"level"} and gates_of(scored, frame, "m") == {"level"}
    assert gates_of(scored, frame, "g") == {"level"}
    assert gates_of(scored, frame, "e") == set() and gates_of(scored, frame, "u") == set()
    assert reasons(profile, senior) == [{"gate": "level", "reason": "senior level; your levels: entry"}]


def test_several_gates_are_all_reported() -> None:
    rec = record("x", visa="explicit_no", citizenship_required=1, licence_required=1, licence_required_name="RN",
                 city="Chicago", state="IL", lat=41.85, lon=-87.65, closed_at="2026-11-01T00:00:00Z")
    frame, ctx, scored = score(person(), [rec])
    assert gates_of(scored, frame, "x") == {"closed", "licence", "sponsorship", "citizenship", "location"}
    assert [g["gate"] for g in gates_for(frame, 0, scored, 0, ctx)] == [
        "closed", "licence", "sponsorship", "citizenship", "location"]


@pytest.mark.parametrize("authorization", WORK_AUTHORIZATIONS)
def test_citizens_or_permanent_residents_gates_all_but_citizens_and_green_cards(authorization: str) -> None:
    rec = record("pr", visa="explicit_no", citizen_or_pr_required=1,
                 visa_evidence="Open to U.S. citizens and lawful permanent residents only.")
    profile = person(work_authorization=authorization)
    frame, _c, scored = score(profile, [rec])
    gated = "citizenship" in gates_of(scored, frame, "pr")
    assert gated == (authorization not in {"citizen", "green_card"})
    if gated:
        reason = next(r["reason"] for r in reasons(profile, rec) if r["gate"] == "citizenship")
        assert reason.startswith("US citizens or permanent residents only") and "lawful permanent" in reason


def test_required_language_gates_who_lacks_it_with_the_sentence() -> None:
    """The case that started it: a candidate speaking English, Arabic and Hindi."""
    rec = record("es", languages='["Spanish"]', languages_required='["Spanish"]',
                 languages_required_evidence="Fluency in Spanish and English required.")
    lacking = person(languages=["English", "Arabic", "Hindi"])
    frame, _c, scored = score(lacking, [rec])
    assert gates_of(scored, frame, "es") == {"language"}
    assert reasons(lacking, rec) == [{"gate": "language", "reason": (
        'requires Spanish, which your profile does not list ("Fluency in Spanish and English required.")')}]
    frame, _c, scored = score(person(languages=["English", "spanish"]), [rec])
    assert gates_of(scored, frame, "es") == set()


def test_one_of_several_required_languages_is_enough_and_preferred_never_gates() -> None:
    either = record("pt", languages='["Spanish", "Portuguese"]', languages_required='["Spanish", "Portuguese"]')
    preferred = record("pref", languages='["Spanish"]', languages_required="[]")
    english = record("en", languages='["English"]', languages_required='["English"]')
    frame, _c, scored = score(person(languages=["English", "Portuguese"]), [either, preferred, english])
    assert gates_of(scored, frame, "pt") == set()
    assert gates_of(scored, frame, "pref") == set()
    assert gates_of(scored, frame, "en") == set()
    frame, _c, scored = score(person(languages=["Arabic"]), [either, preferred])
    assert gates_of(scored, frame, "pt") == {"language"} and gates_of(scored, frame, "pref") == set()


def test_non_clinical_research_ranks_below_clinical_for_clinical_wishes() -> None:
    clinical = record("cl", title="Research Assistant", role_family="research_assistant", clinical_research=1)
    bench = record("bn", title="Research Assistant", role_family="research_assistant", clinical_research=0)
    frame, _c, scored = score(person(roles=["clinical research assistant"]), [clinical, bench])
    from test_matcher_support import fraction

    assert fraction(scored, frame, "bn", "role") < fraction(scored, frame, "cl", "role")
    frame, _c, scored = score(person(roles=["research assistant"]), [clinical, bench])
    assert fraction(scored, frame, "bn", "role") == fraction(scored, frame, "cl", "role")
