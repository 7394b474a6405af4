"""ClinicalTrials.gov answers read offline: the real captures in shared (a full study with
51 locations, a list page), sites judged one by one, areas, the spider's pace, and fuzzing."""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace

import pytest
from conftest import REAL_FIXTURES, needs_real
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from researchjobs.linking import Linker, group_names
from researchjobs.linking.facilities import link_facilities
from researchjobs.sources import DEFAULT_REGISTRY, load_registry
from researchjobs.spiders.base import ParseError
from researchjobs.trials.api import Location, Study, parse_studies, studies_url
from researchjobs.trials.areas import Area, AreaError, for_profile, from_json, parse_spec, to_json, union
from researchjobs.trials.sites import site_id_for, sites_in_area

CT = REAL_FIXTURES / "clinicaltrials"
STUDY = CT / "study_v2_NCT04267848_locations_trimmed.json"
LIST = CT / "studies_v2_recruiting_ny_fields_subset_questboard.json"
BOSTON = Area.make(42.35843, -71.05977, 30, "Boston, MA")


@needs_real
def test_real_single_study_with_and_without_contacts_and_coordinates() -> None:
    page = parse_studies(STUDY.read_bytes())
    [study] = page.studies
    assert page.next_token is None and page.total is None and not page.warnings
    assert (study.nct_id, study.overall_status, study.phases) == ("NCT04267848", "RECRUITING", ("PHASE3",))
    assert (study.lead_sponsor, study.sponsor_class) == ("National Cancer Institute (NCI)", "NIH")
    assert (study.first_posted, study.last_updated) == ("2020-02-13", "2025-09-10")
    assert len(study.locations) == 51 and len(study.conditions) == 6
    assert sum(1 for loc in study.locations if loc.contacts) == 39
    assert sum(1 for loc in study.locations if loc.lat is None) == 4
    [guam] = [loc for loc in study.locations if loc.state is None]
    assert (guam.facility, guam.country, guam.status) == ("FHP Health Center-Guam", "Guam", "SUSPENDED")
    katmai = next(loc for loc in study.locations if loc.facility == "Katmai Oncology Group")
    assert [(c.name, c.role, c.email, c.phone) for c in katmai.contacts] == [
        ("Site Public Contact", "CONTACT", "AKPAMC.OncologyResearchSupport@providence.org", "907-212-6871"),
        ("Alison K. Conlin", "PRINCIPAL_INVESTIGATOR", None, None)]  # fmt: skip
    assert {loc.status for loc in study.locations} == {"RECRUITING", "SUSPENDED", "ACTIVE_NOT_RECRUITING"}


@needs_real
def test_real_study_sites_judged_by_their_own_distance_and_status() -> None:
    [study] = parse_studies(STUDY.read_bytes()).studies
    boston = sites_in_area(study, BOSTON)
    assert [(s.facility, s.city, s.state) for s, _ in boston.open] == [
        ("Beverly Hospital", "Beverly", "MA"), ("Boston Medical Center", "Boston", "MA"),
        ("Beth Israel Deaconess Medical Center", "Boston", "MA"), ("Dana-Farber Cancer Institute", "Boston", "MA"),
        ("Dana-Farber Cancer Institute at Boston Medical Center - Brighton", "Brighton", "MA"),
        ("Lahey Hospital and Medical Center", "Burlington", "MA")]  # fmt: skip
    assert boston.outside == 41 and boston.no_point == 4 and not boston.not_recruiting
    bmc = next(t for s, t in boston.open if s.facility == "Boston Medical Center")
    assert json.loads(bmc.phases) == ["PHASE3"] and bmc.sponsor_class == "NIH" and bmc.site_status == "RECRUITING"
    assert [c["role"] for c in json.loads(bmc.contacts)] == ["CONTACT", "PRINCIPAL_INVESTIGATOR"]
    anchorage = sites_in_area(study, Area.make(61.21806, -149.90028, 10, "Anchorage, AK"))
    assert len(anchorage.not_recruiting) == 5 and set(anchorage.not_recruiting.values()) == {"SUSPENDED"}
    assert {s.facility for s, _ in anchorage.open} >= {"Katmai Oncology Group"}


@needs_real
def test_real_facilities_link_to_the_registry_and_a_neighbour_does_not() -> None:
    [study] = parse_studies(STUDY.read_bytes()).studies
    registry = [s.employer for s in load_registry(DEFAULT_REGISTRY).sources.values()]
    linker = Linker(group_names([], preferred=registry))
    links = {link.name: link for link in link_facilities(linker, [loc.facility for loc in study.locations if loc.facility])}
    assert links["Boston Medical Center"].linked and links["Boston Medical Center"].employer == "Boston Medical Center"
    brighton = links["Dana-Farber Cancer Institute at Boston Medical Center - Brighton"]
    assert not brighton.linked  # Dana-Farber's site, not Boston Medical Center's
    banner = links["Banner University Medical Center - Tucson"]  # a branch, through the alias file
    assert banner.linked and banner.employer == "Banner Health" and banner.method == "parent_alias"


@needs_real
def test_real_list_page() -> None:
    page = parse_studies(LIST.read_bytes())
    assert [s.nct_id for s in page.studies] == ["NCT05133102", "NCT05154669", "NCT04936529"]
    assert page.next_token is None and page.total is None
    assert [s.phases for s in page.studies] == [(), ("PHASE3",), ("PHASE2",)]
    new_york = Area.make(40.71427, -74.00597, 30, "New York, NY")
    found = [sites_in_area(s, new_york) for s in page.studies]
    assert [len(f.open) for f in found] == [1, 1, 1] and found[0].outside == 1  # Ann Arbor, in a study that matched
    assert found[0].open[0][0].facility == "Columbia University Irving Medical Center"


@needs_real
@pytest.mark.parametrize("path", sorted(CT.glob("*.json")) if CT.is_dir() else [], ids=lambda p: p.name)
def test_every_real_capture_parses(path: Path) -> None:
    page = parse_studies(path.read_bytes())
    assert page.studies and all(s.nct_id.startswith("NCT") for s in page.studies)


def test_request_url_and_answers_that_are_not_studies() -> None:
    url = studies_url(42.3584, -71.0598, 30, page_token="abc")
    assert url.startswith("https://clinicaltrials.gov/api/v2/studies?filter.overallStatus=RECRUITING")
    assert "filter.geo=distance%2842.3584%2C-71.0598%2C30mi%29" in url and "pageToken=abc" in url
    assert "countTotal=true" in url and "pageSize=100" in url and "ContactsLocationsModule" in url
    with pytest.raises(ParseError, match="expected an object with a 'studies' list"):
        parse_studies(b'{"totalCount": 3}')
    with pytest.raises(ParseError, match="HTML"):
        parse_studies(b"<html><title>ClinicalTrials.gov - Maintenance</title></html>")
    with pytest.raises(ParseError, match="none of the 2 studies could be read"):
        parse_studies(b'{"studies": [{"protocolSection": {}}, 7]}')
    page = parse_studies(b'{"studies": [{"protocolSection": {"identificationModule": {"nctId": "NCT09000001"}}},'
                         b' {"protocolSection": {}}], "nextPageToken": "t2", "totalCount": 2}')  # fmt: skip
    assert [s.nct_id for s in page.studies] == ["NCT09000001"] and page.next_token == "t2" and page.total == 2
    assert page.warnings == ["studies[1]: no NCT id: skipped"]
    assert parse_studies(b'{"studies": []}').studies == []


def location(facility: str | None, lat: float | None, lon: float | None, status: str = "RECRUITING", **kw: str) -> Location:
    return Location(facility, status, kw.get("city", "Boston"), kw.get("state", "Massachusetts"), kw.get("zip"),
                    "United States", lat, lon)  # fmt: skip


def test_site_rules_outside_no_coordinates_unnamed_duplicates_and_status() -> None:
    study = Study("NCT09000002", "T", "RECRUITING", ("PHASE1",), (), "S", "INDUSTRY", None, None, (
        location("Harborview Clinical Research", 42.35843, -71.05977),
        location("Harborview Clinical Research", 42.35843, -71.05977),  # listed twice
        location("Worcester Research", 42.26259, -71.80229, city="Worcester"),  # 38.5 mi
        location("No Point Clinic", None, None),
        location(None, 42.36, -71.06),
        location("Suspended Site", 42.36, -71.06, status="SUSPENDED"),
        location("Withdrawn Site", 42.36, -71.06, status=None),  # type: ignore[arg-type]
    ))  # fmt: skip
    found = sites_in_area(study, BOSTON)
    assert [s.facility for s, _ in found.open] == ["Harborview Clinical Research"]
    assert (found.outside, found.no_point, found.unnamed) == (1, 1, 1)
    assert sorted(found.not_recruiting.values()) == ["SUSPENDED", "no status given"]
    stopped = sites_in_area(Study("NCT09000003", "T", "ACTIVE_NOT_RECRUITING", (), (), None, None, None, None,
                                  (location("Harborview Clinical Research", 42.35843, -71.05977),)), BOSTON)  # fmt: skip
    assert not stopped.open and list(stopped.not_recruiting.values()) == ["study status ACTIVE_NOT_RECRUITING"]
    assert site_id_for("Research Site", "Boston", "MA", "02115", "placeholder") != site_id_for(
        "Research Site", "Boston", "MA", "02118", "placeholder")  # fmt: skip
    assert site_id_for("The Harborview Clinical Research, Inc.", "BOSTON", "MA", "1", "organisation") == site_id_for(
        "Harborview Clinical Research", "Boston", "MA", "2", "organisation")  # fmt: skip


def test_areas_from_specs_json_profiles_and_their_union() -> None:
    area = parse_spec("42.36,-71.06,30,Boston, MA")
    assert (area.lat, area.lon, area.miles, area.label, area.id) == (42.36, -71.06, 30.0, "Boston, MA",
                                                                     "clinicaltrials:Boston MA (30 mi)")  # fmt: skip
    assert from_json(to_json([area])) == [area]
    for bad in ("42.36,-71.06", "north,-71,30", "95,-71,30", "42,-71,0", "42,-71,300"):
        with pytest.raises(AreaError):
            parse_spec(bad)
    cambridge = Area.make(42.3751, -71.10561, 5, "Cambridge, MA")
    houston = Area.make(29.76328, -95.36327, 30, "Houston, TX")
    assert union([cambridge, area, houston, area]) == [area, houston]  # Cambridge lies inside Boston's circle

    person = SimpleNamespace(name="nadia", locations=[
        {"city": "Boston", "state": "MA", "radius_miles": 30.0}, {"city": None, "state": "RI", "radius_miles": 25.0},
        {"city": "Nowhereville", "state": "TX", "radius_miles": 25.0}])  # fmt: skip
    areas, notes = for_profile(person)
    assert [a.label for a in areas] == ["Boston, MA"]
    assert notes == ["nadia: locations[2]: RI has no city; research sites are searched around a city",
                     "nadia: locations[3]: Nowhereville, TX is not in the city list; no research sites searched there"]  # fmt: skip


def test_spider_pace_is_well_under_the_published_limit() -> None:
    """~50 requests a minute per address is what secondary sources cite; we stay at 30 or less."""
    from scrapy.settings import Settings

    from researchjobs.trials.spider import ClinicalTrialsSpider

    s = Settings()
    s.setmodule("researchjobs.settings", priority="project")
    ClinicalTrialsSpider.update_settings(s)  # what Scrapy does with a spider's custom_settings
    assert s.getint("CONCURRENT_REQUESTS_PER_DOMAIN") == 1 and not s.getbool("RANDOMIZE_DOWNLOAD_DELAY")
    assert 60 / s.getfloat("DOWNLOAD_DELAY") <= 30 and s.getbool("ROBOTSTXT_OBEY") and s.getbool("AUTOTHROTTLE_ENABLED")
    assert "researchjobs" in s.get("USER_AGENT") and s.getint("RETRY_TIMES") == 3
    assert s.getdict("ITEM_PIPELINES") == {"researchjobs.trials.pipeline.TrialPipeline": 500}


JSONISH = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=20),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(
        st.sampled_from(["studies", "protocolSection", "identificationModule", "nctId", "contactsLocationsModule",
                         "locations", "facility", "geoPoint", "lat", "lon", "contacts", "status", "designModule",
                         "phases", "nextPageToken", "totalCount", "city", "state"]), children, max_size=5),
    max_leaves=30,
)  # fmt: skip


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(JSONISH)
def test_any_json_gives_studies_or_a_parse_error(data: object) -> None:
    try:
        page = parse_studies(json.dumps(data))
    except ParseError:
        return
    for study in page.studies:
        assert study.nct_id.startswith("NCT")
        for loc in study.locations:
            assert loc.lat is None or -90 <= loc.lat <= 90
            sites_in_area(study, BOSTON)  # never raises either


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=300))
def test_any_bytes_give_studies_or_a_parse_error(body: bytes) -> None:
    try:
        parse_studies(body)
    except ParseError:
        pass


def test_parse_command_reads_a_saved_answer(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from researchjobs.cli import UserError, app

    saved = Path(__file__).resolve().parent / "fixtures" / "replay" / "clinicaltrials" / "first" / "boston_page1.json"
    result = CliRunner().invoke(app, ["parse", "clinicaltrials", str(saved)])
    assert result.exit_code == 0, result.output
    studies = [json.loads(line) for line in result.stdout.splitlines()]
    assert [s["nct_id"] for s in studies] == ["NCT09230011", "NCT09230045"]
    assert studies[0]["locations"][0]["facility"] == "Charles River Clinical Pharmacology Unit"
    broken = tmp_path / "broken.json"
    broken.write_text('{"hits": []}', encoding="utf-8")
    bad = CliRunner().invoke(app, ["parse", "clinicaltrials", str(broken)])
    assert bad.exit_code == 1 and isinstance(bad.exception, UserError) and "studies" in str(bad.exception)
