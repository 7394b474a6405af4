"""Profile files: loading, every kind of mistake reported with file, field, problem and what is allowed."""

from __future__ import annotations

import json
import logging
import math
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from researchjobs.matcher.profiles import (
    ALLOWED_KEYS,
    TEMPLATE,
    WORK_AUTHORIZATIONS,
    Profile,
    ProfileError,
    list_profiles,
    load_profile,
    new_profile,
    parse_profile,
    profile_hash,
    profile_path,
    scan_profiles,
)

MINIMAL = 'roles = ["clinical research coordinator"]\nwork_authorization = "needs_h1b"\n'


def write(tmp_path: Path, text: str, name: str = "amina") -> Path:
    path = tmp_path / f"{name}.toml"
    path.write_text(text, encoding="utf-8")
    return path


def error_of(tmp_path: Path, text: str, name: str = "amina") -> str:
    with pytest.raises(ProfileError) as info:
        load_profile(write(tmp_path, text, name))
    return str(info.value)


def test_minimal_profile_gets_documented_defaults(tmp_path: Path) -> None:
    profile = load_profile(write(tmp_path, MINIMAL))
    assert profile.name == "amina"
    assert profile.timezone == "America/New_York" and profile.digest_time == "07:30"
    assert profile.digest_when_empty == "skip"
    assert profile.levels == ["entry", "mid"]
    assert profile.remote_ok and profile.hybrid_ok
    assert profile.locations == [] and profile.salary_floor is None and profile.email is None
    assert profile.us_research_months == 0 and profile.clinical_years_abroad == 0.0
    assert profile.needs_sponsorship
    assert profile.path == tmp_path / "amina.toml"


def test_full_profile(tmp_path: Path) -> None:
    text = MINIMAL + (
        'email = "a@example.org"\ntimezone = "Asia/Karachi"\ndigest_time = "18:05"\n'
        'digest_when_empty = "note"\nlevels = ["entry"]\nremote_ok = false\nhybrid_ok = false\n'
        'us_research_months = 6\nclinical_years_abroad = 4.5\ndegree = "MBBS"\n'
        'certifications = ["CITI GCP"]\nskills = ["REDCap"]\nlanguages = ["Urdu", "urdu", "Spanish"]\n'
        'salary_floor = 50000\nexclude_employers = ["Example CRO"]\nexclude_keywords = ["night shift"]\n'
        'licences = ["RN"]\n'
        '[[locations]]\ncity = "Boston"\nstate = "ma"\nradius_miles = 30\n'
        '[[locations]]\nstate = "TX"\n'
    )
    profile = load_profile(write(tmp_path, text))
    assert profile.email == "a@example.org" and profile.timezone == "Asia/Karachi"
    assert profile.locations == [
        {"city": "Boston", "state": "MA", "radius_miles": 30.0},
        {"city": None, "state": "TX", "radius_miles": 25.0},
    ]
    assert profile.languages == ["Urdu", "Spanish"]  # duplicates folded
    assert profile.clinical_years_abroad == 4.5 and profile.salary_floor == 50000
    assert not profile.warnings


@pytest.mark.parametrize("authorization", WORK_AUTHORIZATIONS)
def test_needs_sponsorship_by_authorisation(tmp_path: Path, authorization: str) -> None:
    text = MINIMAL.replace("needs_h1b", authorization)
    profile = load_profile(write(tmp_path, text))
    assert profile.needs_sponsorship == (authorization in {"needs_h1b", "future_sponsorship", "opt", "j1"})


@pytest.mark.parametrize(
    ("text", "field", "words"),
    [
        ('work_authorization = "needs_h1b"\n', "roles", ["missing", "required"]),
        ('roles = ["CRC"]\n', "work_authorization", ["missing", "required"]),
        (MINIMAL.replace("needs_h1b", "h1b"), "work_authorization", ["'h1b'", "needs_h1b, future_sponsorship, opt, ead"]),
        (MINIMAL + "remote_Ok = true\n", "remote_Ok", ["unknown setting", "did you mean 'remote_ok'", "allowed:"]),
        (MINIMAL + 'remote_ok = "yes"\n', "remote_ok", ["true or false", "'yes'"]),
        (MINIMAL + 'levels = ["junior"]\n', "levels", ["'junior'", "entry, mid, senior"]),
        (MINIMAL + "levels = []\n", "levels", ["at least one"]),
        (MINIMAL.replace('roles = ["clinical research coordinator"]', 'roles = "CRC"'), "roles", ["list of text"]),
        (MINIMAL.replace('["clinical research coordinator"]', "[]"), "roles", ["at least one"]),
        (MINIMAL.replace('["clinical research coordinator"]', '["CRC", 3]'), "roles", ["item 2", "text"]),
        (MINIMAL + 'timezone = "Mars/Olympus"\n', "timezone", ["IANA", "America/New_York"]),
        (MINIMAL + 'timezone = "../../etc/passwd"\n', "timezone", ["IANA"]),
        (MINIMAL + 'digest_time = "7:30"\n', "digest_time", ["HH:MM", "07:30"]),
        (MINIMAL + 'digest_time = "24:00"\n', "digest_time", ["HH:MM"]),
        (MINIMAL + 'digest_when_empty = "always"\n', "digest_when_empty", ["skip, note"]),
        (MINIMAL + 'email = "not an address"\n', "email", ["e-mail address"]),
        (MINIMAL + "salary_floor = -5\n", "salary_floor", ["between 0 and"]),
        (MINIMAL + 'salary_floor = "50k"\n', "salary_floor", ["whole number"]),
        (MINIMAL + "us_research_months = 2.5\n", "us_research_months", ["whole number"]),
        (MINIMAL + "clinical_years_abroad = nan\n", "clinical_years_abroad", ["finite"]),
        (MINIMAL + "clinical_years_abroad = true\n", "clinical_years_abroad", ["number"]),
        (MINIMAL + 'name = "bob"\n', "name", ["differs from the file name"]),
        (MINIMAL + '[[locations]]\ncity = "Boston"\nstate = "Massachusetts"\n', "locations[1].state", ["two letters"]),
        (MINIMAL + '[[locations]]\ncity = "Boston"\nstate = "MA"\nradius_miles = -1\n', "locations[1].radius_miles", ["between 0 and 500"]),
        (MINIMAL + '[[locations]]\ncity = "Boston"\nstate = "MA"\nradius = 10\n', "locations[1]", ["unknown key 'radius'", "radius_miles"]),
        (MINIMAL + 'locations = ["Boston"]\n', "locations[1]", ["table", "[[locations]]"]),
    ],
)
def test_errors_name_file_field_problem_and_allowed(tmp_path: Path, text: str, field: str, words: list[str]) -> None:
    message = error_of(tmp_path, text)
    assert str(tmp_path / "amina.toml") in message
    assert f"{field}:" in message
    for word in words:
        assert word in message, message


def test_error_points_at_the_line(tmp_path: Path) -> None:
    message = error_of(tmp_path, MINIMAL + "\n\nremote_ok = 3\n")
    assert f"{tmp_path / 'amina.toml'}:5: remote_ok:" in message


def test_not_toml_and_not_utf8(tmp_path: Path) -> None:
    assert "not valid TOML" in error_of(tmp_path, "roles = [\n")
    path = tmp_path / "bad.toml"
    path.write_bytes(b"roles = ['\xff']\n")
    with pytest.raises(ProfileError, match="not UTF-8"):
        load_profile(path)
    with pytest.raises(ProfileError, match="cannot read"):
        load_profile(tmp_path / "missing.toml")


def test_bad_file_name_is_not_a_profile_name(tmp_path: Path) -> None:
    message = error_of(tmp_path, MINIMAL, name="Amina Khan")
    assert "cannot be a profile name" in message


def test_warnings_do_not_stop_loading(tmp_path: Path) -> None:
    text = MINIMAL + 'digest_time = "02:30"\n[[locations]]\ncity = "Nowhereville Xyz"\nstate = "MA"\n'
    profile = load_profile(write(tmp_path, text))
    assert any("daylight-saving" in w for w in profile.warnings)
    assert any("matched on the state MA" in w for w in profile.warnings)
    quiet = load_profile(tmp_path / "amina.toml", check_places=False)
    assert not any("state MA" in w for w in quiet.warnings)


def test_profile_hash_tracks_matching_fields_only(tmp_path: Path) -> None:
    base = load_profile(write(tmp_path, MINIMAL))
    same = load_profile(write(tmp_path, MINIMAL + 'email = "x@example.org"\ndigest_time = "09:00"\n'))
    other = load_profile(write(tmp_path, MINIMAL + 'languages = ["Spanish"]\n'))
    assert profile_hash(base) == profile_hash(same)
    assert profile_hash(base) != profile_hash(other)


def test_profile_path_and_new_profile(tmp_path: Path) -> None:
    assert profile_path("amina", tmp_path) == tmp_path / "amina.toml"
    with pytest.raises(ProfileError, match="cannot be a profile name"):
        profile_path("../etc", tmp_path)
    path = new_profile("zara", tmp_path)
    profile = load_profile(path)  # the template is a valid profile as written
    assert profile.name == "zara" and profile.locations[0]["city"] == "Boston"
    assert "researchjobs profile check zara" in path.read_text()
    with pytest.raises(ProfileError, match="already exists"):
        new_profile("zara", tmp_path)
    template = TEMPLATE.read_text()
    assert all(key in template for key in ALLOWED_KEYS if key != "name")  # every setting documented


def test_scan_and_list_report_bad_files_and_keep_going(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    write(tmp_path, MINIMAL, "good")
    write(tmp_path, "roles = 3\n", "broken")
    good, bad = scan_profiles(tmp_path)
    assert [p.name for p in good] == ["good"]
    assert len(bad) == 1 and "broken.toml" in str(bad[0])
    with caplog.at_level(logging.WARNING):
        assert [p.name for p in list_profiles(tmp_path)] == ["good"]
    assert "broken.toml" in caplog.text
    assert scan_profiles(tmp_path / "absent") == ([], [])


# ---------------------------------------------------------------- fuzzing

toml_scalars = st.one_of(
    st.text(max_size=30), st.integers(min_value=-(2**63), max_value=2**63 - 1), st.booleans(),
    st.floats(allow_nan=True, allow_infinity=True), st.sampled_from(["needs_h1b", "entry", "MA", "07:30", "America/New_York"]),
)  # fmt: skip
toml_values = st.recursive(
    toml_scalars,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.sampled_from(["city", "state", "radius_miles", "x"]), children, max_size=4),
    max_leaves=6,
)
keys = st.sampled_from(ALLOWED_KEYS) | st.text(min_size=1, max_size=12)


def toml_value(value: object) -> str:
    """A tiny TOML writer for fuzzing: inline values only, keys always quoted."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        if math.isnan(value):
            return "nan"
        if math.isinf(value):
            return "inf" if value > 0 else "-inf"
        return repr(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        return json.dumps(value)
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    assert isinstance(value, dict)
    return "{" + ", ".join(f"{json.dumps(k)} = {toml_value(v)}" for k, v in value.items()) + "}"


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.dictionaries(keys, toml_values, max_size=6))
def test_fuzz_structured_toml_gives_profile_or_profile_error(data: dict) -> None:
    text = "".join(f"{json.dumps(k)} = {toml_value(v)}\n" for k, v in data.items())
    try:
        result = parse_profile(text, Path("/profiles/fuzz.toml"), check_places=False)
    except ProfileError as exc:
        assert str(exc).startswith("/profiles/fuzz.toml")
    else:
        assert isinstance(result, Profile)
        assert result.roles and result.work_authorization in WORK_AUTHORIZATIONS


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=200))
def test_fuzz_arbitrary_text_gives_profile_or_profile_error(text: str) -> None:
    try:
        parse_profile(MINIMAL + text, Path("fuzz.toml"), check_places=False)
    except ProfileError:
        pass
    try:
        parse_profile(text, Path("fuzz.toml"), check_places=False)
    except ProfileError:
        pass


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=120))
def test_fuzz_bytes_on_disk(tmp_path_factory: pytest.TempPathFactory, blob: bytes) -> None:
    path = tmp_path_factory.mktemp("fuzz") / "fuzz.toml"
    path.write_bytes(blob)
    try:
        load_profile(path, check_places=False)
    except ProfileError:
        pass
