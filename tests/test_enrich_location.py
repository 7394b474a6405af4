"""Location strings in every house style the hiring systems use, and remote status."""

from __future__ import annotations

import pytest

from researchjobs.enrich.location import extract_location, geocode_us, parse_place, workplace_mode


@pytest.mark.parametrize(
    ("raw", "city", "state", "country"),
    [
        ("Boston, MA", "Boston", "MA", "US"),
        ("Boston, MA 02115", "Boston", "MA", "US"),
        ("USA DC Washington", "Washington", "DC", "US"),
        ("USA - Pennsylvania - West Point", "West Point", "PA", "US"),
        ("USA NC Fort Bragg", "Fort Bragg", "NC", "US"),
        ("AMER - Canada - Quebec - Montreal - 10 Rue Duke", "Montreal", "QC", "CA"),
        ("Durham, North Carolina, United States", "Durham", "NC", "US"),
        ("IN - Lafayette", "Lafayette", "IN", "US"),
        ("OAKBROOK TERRACE, Illinois", "Oakbrook Terrace", "IL", "US"),
        ("SAN FRANCISCO, CA, United States", "San Francisco", "CA", "US"),
        ("PERTH, WESTERN AUSTRALIA, Australia", "Perth", None, "AU"),
        ("Warsaw, , Poland", "Warsaw", None, "PL"),
        ("DEU Wiesbaden - Wiesbaden Army Airfield (APC180)", "Wiesbaden", None, "DE"),
        ("US-MA-Boston", "Boston", "MA", "US"),
        ("Washington DC", "Washington", "DC", "US"),
        ("London, UK", "London", None, "GB"),
        ("Toronto, ON, Canada", "Toronto", "ON", "CA"),
        ("San Francisco Bay Area", "San Francisco", "CA", "US"),
        ("New York City", "New York", "NY", "US"),
        ("New York, New York", "New York", "NY", "US"),
        ("Cambridge, Massachusetts, United States of America", "Cambridge", "MA", "US"),
        ("Phoenix, AZ", "Phoenix", "AZ", "US"),
    ],
)
def test_house_styles(raw: str, city: str | None, state: str | None, country: str) -> None:
    place = parse_place(raw)
    assert (place.city, place.state, place.country) == (city, state, country)


def test_two_letter_codes_are_states_not_countries() -> None:
    # CA is California, IN Indiana, DE Delaware: not Canada, India, Germany.
    assert parse_place("Sacramento, CA").country == "US"
    assert parse_place("Indianapolis, IN").country == "US"
    assert parse_place("Wilmington, DE").state == "DE"


@pytest.mark.parametrize("raw", ["UNAVAILABLE", "", "   ", "N/A", None])
def test_placeholders_give_nothing(raw: str | None) -> None:
    place = parse_place(raw)
    assert (place.city, place.state, place.country) == (None, None, None)


def test_icims_unavailable_parts_are_skipped() -> None:
    assert parse_place("UNAVAILABLE, UNAVAILABLE, US").country == "US"


@pytest.mark.parametrize("raw", ["3 Locations", "2 Locations", "Multiple Locations"])
def test_multi_location_markers(raw: str) -> None:
    assert parse_place(raw).multi


def test_city_lists_are_multi_location() -> None:
    place = parse_place("Toronto, New York, San Francisco")
    assert place.multi and place.city == "Toronto"
    assert parse_place("Boston, MA | Cambridge, MA").multi


@pytest.mark.parametrize(
    ("raw", "mode", "country"),
    [
        ("Remote - US", "remote", "US"),
        ("Remote, United States", "remote", "US"),
        ("Anywhere in the U.S. (remote job)", "remote", "US"),
        ("Hybrid - Philadelphia, PA", "hybrid", "US"),
    ],
)
def test_mode_words_in_location(raw: str, mode: str, country: str) -> None:
    place = parse_place(raw)
    assert place.remote_hint == mode and place.country == country


def test_postal_codes() -> None:
    assert parse_place("Baltimore, MD 21231").postal_code == "21231"
    assert parse_place("Montreal, QC H3A 0G4").postal_code == "H3A 0G4"


def test_geocode_needs_state_for_ambiguous_names() -> None:
    boston = geocode_us("Boston", "MA")
    assert boston is not None and 42 < boston[0] < 43 and -72 < boston[1] < -70
    assert geocode_us("Portland", None) is None  # Oregon or Maine
    assert geocode_us("Portland", "ME") is not None
    assert geocode_us("New York", "NY") is not None  # geonames calls it New York City
    assert geocode_us("Atlantis", "MA") is None


@pytest.mark.parametrize(
    ("flag", "mode"),
    [
        ("on-site", "onsite"), ("remote", "remote"), ("hybrid", "hybrid"),
        ("Onsite", "onsite"), ("Hybrid", "hybrid"), ("Remote", "remote"),
        ("ORA_ON_SITE", "onsite"), ("ORA_HYBRID", "hybrid"), ("TELECOMMUTE", "remote"),
    ],
)
def test_system_flag_wins(flag: str, mode: str) -> None:
    text = "This is a fully remote position." if mode != "remote" else "Work on-site daily."
    assert workplace_mode(flag, "Boston, MA", "CRC", text)[0] == mode


def test_unspecified_flag_falls_through_to_text() -> None:
    assert workplace_mode("unspecified", None, None, "This is a hybrid role.")[0] == "hybrid"


@pytest.mark.parametrize(
    ("text", "mode"),
    [
        ("This is a hybrid role with 3 days per week on-site.", "hybrid"),
        ("This fully remote position supports decentralized trials.", "remote"),
        ("Work is on-site at the main hospital; this is not a remote position.", "onsite"),
        ("Must be able to work onsite in Houston, Texas.", "onsite"),
        ("Must work in our office 3 days a week.", "hybrid"),
        ("Perform remote monitoring visits and remote data review.", "unknown"),
        ("Coordinate remote patient monitoring studies.", "unknown"),
        ("", "unknown"),
    ],
)
def test_text_signals_and_traps(text: str, mode: str) -> None:
    assert workplace_mode(None, None, None, text)[0] == mode


def test_extract_location_uses_all_locations_and_geocodes() -> None:
    facts = extract_location("2 Locations", ["Durham, NC", "Raleigh, NC"])
    assert (facts.city, facts.state, facts.multi_location) == ("Durham", "NC", 1)
    assert facts.lat is not None and 35 < facts.lat < 37
    assert facts.evidence["multi_location"].startswith("Durham, NC")


def test_structured_country_overrides() -> None:
    facts = extract_location("Remote", country_raw="CA")
    assert facts.country == "CA" and facts.remote == "remote"


def test_non_us_cities_get_no_coordinates() -> None:
    facts = extract_location("London, UK")
    assert facts.lat is None and facts.country == "GB"
