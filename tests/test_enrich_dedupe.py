"""Same-job detection across re-crawls, sources and reposts."""

from __future__ import annotations

from typing import Any

from researchjobs.enrich.dedupe import duplicate_of
from researchjobs.posting import posting_key

DESCRIPTION = (
    "The Clinical Research Coordinator I supports cardiology trials: screening and consenting "
    "participants, scheduling study visits, collecting vital signs, processing specimens, and "
    "entering data into REDCap. Works under direct supervision of the principal investigator. "
    "Bachelor's degree required; one year of clinical or research experience preferred. "
    "The University is an equal opportunity employer."
)


def row(**fields: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "source_family": "greenhouse", "source_id": "greenhouse:acme", "source_job_id": "1",
        "title": "Clinical Research Coordinator I", "url": "https://boards.greenhouse.io/acme/1",
        "employer": "Acme University", "location_raw": "Boston, MA", "city": "Boston",
        "state": "MA", "date_published": "2026-07-01T00:00:00Z", "description": DESCRIPTION,
        "first_seen": "2026-07-01T00:00:00Z",
    }
    base.update(fields)
    base.setdefault("key", posting_key(base["source_id"], base["source_job_id"]))
    base.setdefault("cluster_id", base["key"])
    return base


def test_same_source_and_job_id() -> None:
    old = row(cluster_id="c1")
    new = row(title="Clinical Research Coordinator I (updated)", url="https://x.org/changed")
    new.pop("key")
    new.pop("cluster_id")
    assert duplicate_of(new, [old]) == "c1"


def test_same_canonical_url_ignores_tracking_parameters() -> None:
    old = row(source_id="jsonld:acme", source_job_id="A", cluster_id="c2",
              url="https://careers.acme.edu/jobs/123?utm_source=x")
    new = row(source_id="feeds:acme", source_job_id="B",
              url="https://careers.acme.edu/jobs/123?gh_src=abc")
    assert duplicate_of(new, [old]) == "c2"


def test_bare_careers_pages_do_not_identify_a_job() -> None:
    old = row(source_job_id="A", cluster_id="c3", url="https://acme.edu/careers",
              title="Data Manager", description="short")
    new = row(source_job_id="B", url="https://acme.edu/careers", description="short")
    assert duplicate_of(new, [old]) is None


def test_employer_title_location_within_30_days() -> None:
    old = row(source_id="lever:acme", source_job_id="X", cluster_id="c4",
              url="https://jobs.lever.co/acme/x", employer="ACME University, Inc.")
    new = row(source_job_id="Y", url="https://acme.edu/jobs/y",
              date_published="2026-07-20T00:00:00Z")
    assert duplicate_of(new, [old]) == "c4"
    late = row(source_job_id="Z", url="https://acme.edu/jobs/z",
               date_published="2026-09-15T00:00:00Z",
               description="Entirely different text about the role " * 20)
    assert duplicate_of(late, [old]) is None


def test_other_city_is_another_opening() -> None:
    old = row(source_job_id="X", cluster_id="c5", url="https://acme.edu/jobs/x")
    new = row(source_job_id="Y", url="https://acme.edu/jobs/y", city="Worcester",
              location_raw="Worcester, MA")
    assert duplicate_of(new, [old]) is None


def test_near_duplicate_description() -> None:
    old = row(source_job_id="X", cluster_id="c6", url="https://acme.edu/jobs/x",
              title="Clinical Research Coordinator 1")
    new = row(source_job_id="Y", url="https://other.example/jobs/y",
              description=DESCRIPTION.replace("cardiology", "cardiology and"))
    assert duplicate_of(new, [old]) == "c6"


def test_description_length_guard() -> None:
    old = row(source_job_id="X", cluster_id="c7", url="https://acme.edu/jobs/x",
              title="Clinical Research Coordinator 1")
    new = row(source_job_id="Y", url="https://other.example/jobs/y",
              description=DESCRIPTION + " Extra paragraph about benefits and parking. " * 8)
    assert duplicate_of(new, [old]) is None


def test_no_candidates_and_junk() -> None:
    assert duplicate_of(row(), []) is None
    assert duplicate_of({"title": None}, [{"description": None}, "junk"]) is None  # type: ignore[list-item]


def test_candidate_without_cluster_uses_its_key() -> None:
    old = row(source_job_id="X", url="https://acme.edu/jobs/x")
    old.pop("cluster_id")
    new = row(source_job_id="X")
    assert duplicate_of(new, [old]) == old["key"]


def test_earliest_candidate_wins() -> None:
    first = row(source_job_id="A", cluster_id="early", url="https://acme.edu/jobs/a",
                first_seen="2026-06-01T00:00:00Z")
    second = row(source_job_id="B", cluster_id="late", url="https://acme.edu/jobs/b",
                 first_seen="2026-06-20T00:00:00Z")
    new = row(source_job_id="C", url="https://acme.edu/jobs/c")
    assert duplicate_of(new, [second, first]) == "early"
