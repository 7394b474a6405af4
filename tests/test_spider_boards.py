"""What the small-business board families (BambooHR, Workable, Breezy, Recruitee, Pinpoint,
Rippling) share: garbage never crashes a parser, and ``sources add`` knows their boards."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from researchjobs.cli import app
from researchjobs.sources import load_registry
from researchjobs.spiders import bamboohr, breezy, pinpoint, recruitee, rippling, workable
from researchjobs.spiders.base import ParseContext, ParseError
from researchjobs.spiders.boards import merge_copies, read_jobs

JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=25,
)


ID = st.integers(min_value=0, max_value=10**12) | st.text("abcdef0123456789-", min_size=1, max_size=36)
TITLE = st.text(min_size=1, max_size=30)


def job(id_key: str, title_key: str, *keys: str) -> st.SearchStrategy[dict[str, Any]]:
    """A job object whose id and title are mostly readable (so the parser gets past them)
    and whose other keys hold anything at all."""
    return st.fixed_dictionaries(
        {id_key: ID | JSON, title_key: TITLE | JSON}, optional={k: JSON for k in keys}
    )


def wrapped(key: str | None, item: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    items = st.lists(item | JSON, max_size=3)
    return items if key is None else st.fixed_dictionaries({key: items}, optional={"meta": JSON, "total": JSON})


BAMBOO_JOB = job("id", "jobOpeningName", "location", "atsLocation", "isRemote", "locationType",
                 "departmentLabel", "employmentStatusLabel", "datePosted", "compensation", "description")  # fmt: skip
WORKABLE_JOB = job("shortcode", "title", "location", "locations", "department", "workplace", "remote",
                   "isInternal", "state", "published", "type", "code", "city", "country", "telecommuting",
                   "description", "url", "employment_type")  # fmt: skip
BREEZY_JOB = job("id", "name", "url", "location", "locations", "company", "type", "salary", "published_date",
                 "department", "friendly_id", "description")  # fmt: skip
RECRUITEE_JOB = job("id", "title", "status", "location", "locations", "salary", "remote", "hybrid", "on_site",
                    "careers_url", "published_at", "open_questions", "tags", "description", "requirements")  # fmt: skip
PINPOINT_JOB = job("id", "title", "url", "path", "job", "location", "compensation_minimum",
                   "compensation_maximum", "compensation_visible", "workplace_type", "description")  # fmt: skip
RIPPLING_JOB = job("uuid", "name", "url", "workLocation", "department", "workLocations", "description",
                   "employmentType", "payRangeDetails", "createdOn", "companyName")  # fmt: skip

BAMBOO_DETAIL = st.fixed_dictionaries({"jobOpening": BAMBOO_JOB})
SHAPES: dict[str, tuple[Any, st.SearchStrategy[Any]]] = {
    "bamboohr": (bamboohr, wrapped("result", BAMBOO_JOB) | st.fixed_dictionaries({"result": BAMBOO_DETAIL})),
    "workable": (workable, wrapped("results", WORKABLE_JOB) | wrapped("jobs", WORKABLE_JOB) | WORKABLE_JOB),
    "breezy": (breezy, wrapped(None, BREEZY_JOB) | BREEZY_JOB),
    "recruitee": (recruitee, wrapped("offers", RECRUITEE_JOB)),
    "pinpoint": (pinpoint, wrapped("data", PINPOINT_JOB)),
    "rippling": (rippling, wrapped(None, RIPPLING_JOB) | RIPPLING_JOB),
}
FAMILIES = sorted(SHAPES)


def only_parse_errors(module: Any, body: bytes, family: str) -> None:
    ctx = ParseContext(source_id=f"{family}:fuzz", family=family, url="https://fuzz.example.org/careers/7/detail")
    try:
        postings = module.parse_any(body, ctx)
    except ParseError as exc:
        assert str(exc)
        return
    assert all(p.title and p.url and p.source_job_id for p in postings)
    assert len({p.source_job_id for p in postings}) == len(postings)
    assert all(isinstance(w, str) and "\n" not in w for w in ctx.warnings)


@pytest.mark.parametrize("family", FAMILIES)
def test_parse_any_on_shaped_garbage_raises_only_parse_error(family: str) -> None:
    module, shaped = SHAPES[family]

    @settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(st.one_of(JSON, shaped))
    def check(value: Any) -> None:
        only_parse_errors(module, json.dumps(value).encode(), family)

    check()


@pytest.mark.parametrize("family", FAMILIES)
def test_parse_any_on_arbitrary_bytes_raises_only_parse_error(family: str) -> None:
    module, _ = SHAPES[family]

    @settings(max_examples=80, deadline=None)
    @given(st.binary(max_size=200))
    def check(body: bytes) -> None:
        only_parse_errors(module, body, family)

    check()


def test_a_board_where_no_job_can_be_read_is_an_error_not_an_empty_board() -> None:
    ctx = ParseContext(source_id="recruitee:x", family="recruitee")
    with pytest.raises(ParseError, match="none of the 2 entries in offers"):
        recruitee.parse_any(json.dumps({"offers": [{"id": {"x": 1}, "title": "CRC"}, 7]}).encode(), ctx)
    assert read_jobs([], ctx, lambda item, c: None, "jobs") == []


def test_copies_of_one_job_keep_every_place() -> None:
    ctx = ParseContext(source_id="rippling:x", family="rippling")
    rows = [{"uuid": "u1", "name": "CRC", "workLocation": {"label": place}} for place in ("Boston, MA", "Quincy, MA")]
    [posting] = merge_copies(rippling.parse_list(rows, ctx))
    assert posting.locations_raw == ["Boston, MA", "Quincy, MA"] and posting.location_raw == "Boston, MA"


ADDS = [
    ("https://lakeshoreclinical.bamboohr.com/careers/412", "bamboohr:lakeshoreclinical", "company"),
    ("https://apply.workable.com/brightwater-clinical-research/j/3C8A1F52D0/", "workable:brightwater-clinical-research",
     "account"),
    ("https://tidewater-clinical-research.breezy.hr/p/a41c0e92b7d3-clinical-research-coordinator",
     "breezy:tidewater-clinical-research", "company"),
    ("https://meridianresearchnetwork.recruitee.com/o/research-assistant", "recruitee:meridianresearchnetwork",
     "company"),
    ("https://cedarbrooktrials.pinpointhq.com/en/postings/0f6b1d3e-8c2a-4e57-b9d4-3a71c2e5f809",
     "pinpoint:cedarbrooktrials", "company"),
    ("https://ats.rippling.com/harborlight-clinical/jobs/6b1e4f0a-93c2-4d7e-8a51-2f9c0d3b7e16",
     "rippling:harborlight-clinical", "board"),
]  # fmt: skip


@pytest.mark.parametrize(("url", "source_id", "param"), ADDS, ids=[a[1].split(":")[0] for a in ADDS])
def test_sources_add_recognises_a_job_page(home: Any, url: str, source_id: str, param: str) -> None:
    result = CliRunner().invoke(app, ["sources", "add", url, "--employer", "A Research Site", "--type", "site_network"])
    assert result.exit_code == 0, result.output
    source = load_registry(home / "sources.toml").get(source_id)
    assert source is not None and source.family == source_id.split(":")[0]
    assert source.params == {param: source_id.split(":", 1)[1]}
    assert (source.employer, source.employer_type, source.verified) == ("A Research Site", "site_network", "unverified")
