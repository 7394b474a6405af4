"""ADP Workforce Now career centres: job-requisitions paged by $skip, crawled for real against the replay
server; the real capture; the CLI; fuzzing.

The recordings in fixtures/replay/adp are a fictional neurology research group: 27
requisitions over pages of 20 and 7, one of whose titles is an object rather than text;
a second career centre (another cid) has none open and answers with ``meta`` alone.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from conftest import FIXTURES, crawl_with, needs_real, real_fixture_files
from fuzzing import JSON, any_bytes, parses_or_refuses
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from researchjobs.cli import app
from researchjobs.replay import Recordings
from researchjobs.spiders import adp
from researchjobs.spiders.base import ParseContext, ParseError

REC = FIXTURES / "replay" / "adp"
CID, CCID = "7f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0", "19000101_000001"
CENTRE = adp.CareerCentre(CID, CCID)
LAKESHORE = {"id": "adp:lakeshore", "family": "adp", "employer": "Lakeshore Neurology Research Group",
             "employer_type": "site_network", "cid": CID, "ccId": CCID}  # fmt: skip
EMPTY = {**LAKESHORE, "id": "adp:lakeshore-foundation", "cid": "0c9d8e7f-6a5b-4c3d-9e2f-1a0b9c8d7e6f"}


def ctx(url: str | None = None, **kw: Any) -> ParseContext:
    return ParseContext(source_id="adp:test", family="adp", crawled_at="2026-11-04T12:00:00Z", url=url, **kw)


def test_pages_by_skip_until_the_total_and_an_empty_centre(tmp_path: Path) -> None:
    rec = Recordings().load_dir(REC)
    result = crawl_with(tmp_path, rec, [LAKESHORE, EMPTY])

    run = result.runs[LAKESHORE["id"]]
    assert run["outcome"] == "ok", run["error_summary"]
    assert run["seen"] == 26 and "jobRequisitions[3] skipped" in result.stats(LAKESHORE["id"])["warnings"][0]
    assert set(rec.hits.values()) == {1} and [k for k in rec.unmatched if "robots.txt" not in k] == []
    postings = {p["requisition_id"]: p for p in result.postings(LAKESHORE["id"])}
    first = postings["4410"]  # the ExternalJobID the public job link uses
    assert first["title"] == "Clinical Research Coordinator - Epilepsy"
    assert first["url"] == f"{adp.PAGE}?ccId={CCID}&cid={CID}&jobId=4410&lang=en_US"
    assert first["location_raw"] == "Chicago, IL, US" and first["country_raw"] == "US"
    assert first["department"] == "Neurology Research" and first["employment_type"] == "Part Time"
    assert first["date_published"] == "2026-10-02T14:00:00Z"  # 09:00 at -05:00
    assert json.loads(first["base_salary"])["period"] == "Hourly" and first["salary_annual_min"]
    assert "Foreign medical graduates" in first["description"]
    assert result.runs[EMPTY["id"]]["outcome"] == "ok" and result.runs[EMPTY["id"]]["seen"] == 0


def test_a_login_page_for_the_second_page_is_partial(tmp_path: Path) -> None:
    first = crawl_with(tmp_path, Recordings().load_dir(REC), [LAKESHORE])
    rec = Recordings().load_dir(REC)
    rec.add({"url": CENTRE.list_url(20), "status": 200, "headers": {"Content-Type": "text/html"},
             "text": "<html><head><title>ADP Workforce Now - Sign In</title></head><body></body></html>"})  # fmt: skip
    second = crawl_with(tmp_path, rec, [LAKESHORE], db_path=first.db_path)
    run = second.runs[LAKESHORE["id"]]
    assert run["outcome"] == "partial" and "Sign In" in run["error_summary"] and run["seen"] == 20
    assert run["closed"] == 0 and all(p["closed_at"] is None for p in second.postings())


def test_urls_and_what_a_bare_answer_needs() -> None:
    assert CENTRE.list_url(40) == (
        f"{adp.API}?cid={CID}&ccId={CCID}&lang=en_US&locale=en_US&$top=20&$skip=40"
    )
    assert adp.centre_for({}, f"{adp.PAGE}?cid={CID}&ccId={CCID}&type=JS") == CENTRE
    assert adp.centre_for({"cid": CID}) == adp.CareerCentre(CID, None)
    with pytest.raises(ParseError, match="--url"):
        adp.parse_any((REC / "requisitions_20.json").read_bytes(), ctx())
    assert adp.parse_any((REC / "requisitions_empty.json").read_bytes(), ctx()) == []
    with pytest.raises(ParseError, match="not an ADP job-requisitions answer"):
        adp.parse_any(b'{"items": []}', ctx(CENTRE.list_url(0)))


@needs_real
@pytest.mark.parametrize("path", real_fixture_files("adp"), ids=lambda p: p.name)
def test_real_capture_parses(path: Path) -> None:
    # The capture names no cid: any career centre gives its jobs their URLs. Without the
    # ExternalJobID (cut upstream) a job's URL is its own API resource.
    postings = adp.parse_any(path.read_bytes(), context := ctx(CENTRE.list_url(0)))
    raw = json.loads(path.read_bytes())["jobRequisitions"]
    assert [p.source_job_id for p in postings] == [r["itemID"] for r in raw] and not context.warnings
    assert [p.title for p in postings] == ["Sr. Director, FP&A", "VP, Engineering", "WEM Technical Consultant"]
    assert {p.location_raw for p in postings} == {"US"}  # " US" with its leading space stripped
    assert all(p.url.startswith(f"{adp.API}/{p.source_job_id}?") and p.date_published_raw for p in postings)


def test_cli_parse() -> None:
    out = CliRunner().invoke(app, ["parse", "adp", str(REC / "requisitions_0.json"), "--url", CENTRE.list_url(0)])
    assert out.exit_code == 0, out.output
    rows = [json.loads(line) for line in out.stdout.splitlines()]
    assert len(rows) == 20 and all(r["url"].startswith(adp.PAGE) and r["date_published"] for r in rows)


KEYS = st.sampled_from(["itemID", "requisitionTitle", "postDate", "requisitionLocations", "organizationalUnits",
                        "customFieldGroup", "payGradeRange", "workLevelCode", "companyName", "clientRequisitionID"])  # fmt: skip
ROW = st.dictionaries(KEYS, JSON, max_size=8)
ANSWER = st.fixed_dictionaries({}, optional={"jobRequisitions": st.lists(ROW | JSON, max_size=3) | JSON,
                                             "meta": st.fixed_dictionaries({}, optional={"totalNumber": JSON}) | JSON})
CONTEXTS = [ctx(), ctx(CENTRE.list_url(0)), ctx(params={"cid": CID})]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(value=JSON | ANSWER, which=st.integers(0, len(CONTEXTS) - 1))
def test_any_json_raises_only_parse_error(value: Any, which: int) -> None:
    parses_or_refuses(adp.parse_any, json.dumps(value).encode(), CONTEXTS[which])


@settings(max_examples=100, deadline=None)
@given(raw=st.binary(max_size=200))
def test_any_bytes_raise_only_parse_error(raw: bytes) -> None:
    any_bytes(adp.parse_any, raw, CONTEXTS[1])
