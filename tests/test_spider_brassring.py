"""Kenexa BrassRing Talent Gateways: ProcessSortAndShowMoreJobs paged by pageNumber, crawled for real
against the replay server; saved answers; the CLI; fuzzing.

The wire format (request body, answer envelope, job and question objects, value padding,
the three ``lastupdated`` spellings) follows the public repository
job-hunter-toolkit/job-hunter-toolkit at 574abab5e5276c1b1f1e7aaef9611070b439ecdf:
``internal/services/brassring.go`` and its captured live pages
``internal/services/testdata/brassring_homedepot_search_page1.json`` and
``brassring_bestbuy_search_page1.json`` (2026-07-28, trimmed by their authors to three jobs).

The recordings in fixtures/replay/brassring are fictional: Calloway Children's Hospital
(gateway 26417/5822) answers "clinical research" with 57 jobs over pages of 50 and 7, one
without a title, and "research assistant" with 4, two of them also under the first term;
Tri-Rivers University Health Sciences Center (25977/5710) keeps its places in formtext
questions and writes month-first slash dates; Harrowgate Clinical Trials Unit
(30057/5790, on krb-sjobs) has nothing published.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from conftest import FIXTURES, crawl_with
from fuzzing import JSON, any_bytes, parses_or_refuses
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from researchjobs.cli import app
from researchjobs.posting import canonical_url
from researchjobs.replay import Recordings
from researchjobs.spiders import brassring
from researchjobs.spiders.base import ParseContext, ParseError

REC = FIXTURES / "replay" / "brassring"
SEARCH = "https://sjobs.brassring.com/TGnewUI/Search/Ajax/ProcessSortAndShowMoreJobs"
CALLOWAY = {"id": "brassring:calloway", "family": "brassring", "employer": "Calloway Children's Hospital",
            "employer_type": "childrens_hospital", "partnerid": "26417", "siteid": "5822",
            "search": ["clinical research", "research assistant"]}  # fmt: skip
TRI = {"id": "brassring:tririvers", "family": "brassring", "employer": "Tri-Rivers University Health Sciences Center",
       "employer_type": "university", "partnerid": "25977", "siteid": "5710",
       "location_fields": ["formtext11", "formtext8"]}  # fmt: skip
HARROWGATE = {"id": "brassring:harrowgate", "family": "brassring", "employer": "Harrowgate Clinical Trials Unit",
              "employer_type": "research_nonprofit", "partnerid": "30057", "siteid": "5790",
              "host": "krb-sjobs.brassring.com"}  # fmt: skip
CALLOWAY_GW = brassring.Gateway("sjobs.brassring.com", "26417", "5822")
JSON_HEADERS = {"Content-Type": "application/json; charset=utf-8"}


def ctx(url: str | None = None, **kw: Any) -> ParseContext:
    return ParseContext(source_id="brassring:test", family="brassring", crawled_at="2026-11-04T12:00:00Z", url=url, **kw)


def test_pages_merges_terms_reads_formtext_places_and_an_empty_gateway(tmp_path: Path) -> None:
    rec = Recordings().load_dir(REC)
    result = crawl_with(tmp_path, rec, [CALLOWAY, TRI, HARROWGATE])

    run = result.runs[CALLOWAY["id"]]
    assert run["outcome"] == "ok", run["error_summary"]
    assert run["seen"] == 56 + 2  # 57 less the job without a title, then 2 more under "research assistant"
    assert result.stats(CALLOWAY["id"])["warnings"] == ["Jobs.Job[12]: BrassRing job 3104212 has no jobtitle; skipped"]
    # every request (its body included: the replay is keyed by it) was made once, and nothing else
    assert set(rec.hits.values()) == {1} and [k for k in rec.unmatched if "robots.txt" not in k] == []
    postings = {p["source_job_id"]: p for p in result.postings(CALLOWAY["id"])}
    first = postings["3104200"]
    assert first["title"] == "Clinical Research Coordinator I - Heart Institute"
    assert first["url"] == (
        "https://sjobs.brassring.com/TGnewUI/Search/home/HomeWithPreLoad"
        "?PageType=JobDetails&jobid=3104200&partnerid=26417&siteid=5822"
    )
    assert first["location_raw"] == "Louisville, KY" and first["requisition_id"] == "26000BR"
    assert first["department"] == "Heart Institute Research"
    assert first["date_updated"] == "2026-10-14T00:00:00Z" and first["date_published"] is None
    assert json.loads(first["extra"])["hot_job"] is True
    with_text = postings["3104201"]
    assert "Foreign medical graduates (MD/MBBS) are encouraged to apply" in with_text["description"]
    assert postings["3104201"]["department"] == "Cancer & Blood Diseases Research"  # entity decoded once
    assert postings["3104300"]["title"] == "Research Assistant - Neonatal Outcomes & Follow-up"

    tri = {p["title"]: p for p in result.postings(TRI["id"])}
    assert result.runs[TRI["id"]]["outcome"] == "ok" and len(tri) == 5
    ra = tri["Research Assistant - Internal Medicine"]
    assert ra["location_raw"] == "Amarillo, Texas" and ra["requisition_id"] == "40871BR"
    assert ra["date_updated"] == "2026-10-21T00:00:00Z"
    # "10/09/2026" alone could be either; "10/21/2026" on the same page says month first
    assert tri["Research Associate (Clinical Trials Unit)"]["date_updated"] == "2026-10-09T00:00:00Z"
    assert json.loads(tri["Research Associate (Clinical Trials Unit)"]["extra"])["lastupdated"] == "10/09/2026"

    empty = result.runs[HARROWGATE["id"]]
    assert empty["outcome"] == "ok" and empty["seen"] == 0


def test_truncated_second_page_is_partial_and_a_wrong_gateway_fails(tmp_path: Path) -> None:
    first = crawl_with(tmp_path, Recordings().load_dir(REC), [CALLOWAY])
    rec = Recordings().load_dir(REC)
    rec.add({"method": "POST", "url": SEARCH, "body": brassring.search_body(CALLOWAY_GW, 2, "clinical research"),
             "text": '{"JobsCount":57,"Jobs":{"Job":[{"Link":"', "headers": JSON_HEADERS})  # fmt: skip
    wrong = {**TRI, "id": "brassring:wrong", "siteid": "9999"}
    rec.add({"method": "POST", "url": SEARCH,
             "body": brassring.search_body(brassring.Gateway("sjobs.brassring.com", "25977", "9999"), 1, ""),
             "status": 500, "headers": {"Content-Type": "text/html"},
             "text": "<html><head><title>Runtime Error</title></head><body>Server Error</body></html>"})  # fmt: skip
    second = crawl_with(tmp_path, rec, [CALLOWAY, wrong], db_path=first.db_path)
    run = second.runs[CALLOWAY["id"]]
    assert run["outcome"] == "partial" and "malformed BrassRing JSON" in run["error_summary"]
    assert run["closed"] == 0 and all(p["closed_at"] is None for p in second.postings())
    failed = second.runs[wrong["id"]]
    assert failed["outcome"] == "failed" and "HTTP 500" in failed["error_summary"]


def test_a_repeated_page_and_the_page_cap_leave_the_list_incomplete(tmp_path: Path) -> None:
    rec = Recordings().load_dir(REC)
    loop = {**TRI, "id": "brassring:loop", "siteid": "5711"}
    gateway = brassring.Gateway("sjobs.brassring.com", "25977", "5711")
    page = json.loads((REC / "tririvers_p1.json").read_bytes())
    page["JobsCount"] = 120
    for number in (1, 2):  # a gateway that ignores pageNumber
        rec.add({"method": "POST", "url": SEARCH, "body": brassring.search_body(gateway, number, ""), "json": page})
    (tmp_path / "loop").mkdir()
    looped = crawl_with(tmp_path / "loop", rec, [loop]).runs[loop["id"]]
    assert looped["outcome"] == "partial" and looped["seen"] == 5
    assert "page 2 repeats page 1; list incomplete" in looped["error_summary"]
    (tmp_path / "cap").mkdir()
    result = crawl_with(tmp_path / "cap", rec, [CALLOWAY], settings={"BRASSRING_MAX_PAGES": "1"})
    capped = result.runs[CALLOWAY["id"]]
    assert capped["outcome"] == "partial" and capped["seen"] == 49 + 2
    assert "stopped search 'clinical research' after 1 pages of 57 jobs; list incomplete" in capped["error_summary"]


def test_gateways_from_entries_and_urls() -> None:
    assert brassring.gateway_for({"partnerid": "26417", "siteid": "5822"}) == CALLOWAY_GW
    krb = brassring.gateway_for({"partnerid": "30057", "siteid": "5790", "host": "krb-sjobs.brassring.com"})
    assert krb is not None and krb.search_url().startswith("https://krb-sjobs.brassring.com/TGnewUI/")
    legacy = "https://sjobs.brassring.com/TGWebHost/home.aspx?PartnerId=26417&SiteId=5822&codes=IIND"
    assert brassring.gateway_from_url(legacy) == CALLOWAY_GW
    assert brassring.gateway_from_url("https://sjobs.brassring.com/TGnewUI/Search/Home/Home") is None
    assert brassring.gateway_from_url("https://example.org/x?partnerid=1&siteid=2") is None
    assert brassring.gateway_from_url("https://sjobs.brassring.com/x?partnerid=1&siteid=../2") is None
    assert brassring.search_body(CALLOWAY_GW, 3, "crc")["pageNumber"] == "3"


def _job(jobid: str | None, title: str | None, date: str = "14-Oct-2026", link: bool = True, **more: str) -> dict:
    pairs = {"reqid": jobid, "clientid": "30057", "siteid": "5790", "jobtitle": title, "lastupdated": date, **more}
    job: dict[str, Any] = {"Questions": [{"QuestionName": k, "Value": v} for k, v in pairs.items() if v is not None]}
    if link and jobid:
        job["Link"] = ("https://krb-sjobs.brassring.com/TGnewUI/Search/home/HomeWithPreLoad"
                       f"?partnerid=30057&siteid=5790&PageType=JobDetails&jobid={jobid}")  # fmt: skip
    return job


def _answer(*jobs: dict) -> bytes:
    return json.dumps({"JobsCount": len(jobs), "Jobs": {"Job": list(jobs)}, "TotalJobsCount": 0, "PageSize": 0}).encode()


def test_saved_answers_name_their_gateway_and_dates_are_read_only_when_settled() -> None:
    # No --url and no registry entry: each job's Link (or its clientid/siteid) names the gateway.
    day_first = _answer(_job("811", "Trial Coordinator ", "27/10/2026"), _job("812", "Data Manager", "05/11/2026", link=False))
    postings = brassring.parse_any(day_first, ctx())
    assert [p.date_updated_raw for p in postings] == ["2026-10-27", "2026-11-05"]
    assert postings[0].url.startswith("https://krb-sjobs.brassring.com/") and postings[0].title == "Trial Coordinator"
    # a job without a Link is linked on the gateway its neighbours' Links name
    assert postings[1].url == canonical_url(brassring.Gateway("krb-sjobs.brassring.com", "30057", "5790").job_url("812"))
    alone = brassring.parse_any(_answer(_job("812", "Data Manager", link=False)), ctx())
    assert alone[0].url.startswith("https://sjobs.brassring.com/") and "partnerid=30057" in alone[0].url
    # Nothing on this page says which number is the month: no date rather than a wrong one.
    ambiguous = brassring.parse_any(_answer(_job("813", "CRA", "05/11/2026")), ctx())
    assert ambiguous[0].date_updated_raw is None and ambiguous[0].extra["lastupdated"] == "05/11/2026"
    # An order settled by an earlier page of the gateway carries over.
    page = brassring.parse_search(json.loads(_answer(_job("813", "CRA", "05/11/2026"))), ctx(), "mdy")
    assert page.postings[0].date_updated_raw == "2026-05-11" and page.total == 1


def test_unreadable_jobs_and_answers() -> None:
    context = ctx()
    postings = brassring.parse_any(_answer(_job("901", "CRC"), _job("902", None), _job(None, "No id", link=False)), context)
    assert [p.source_job_id for p in postings] == ["901"]
    assert context.warnings[0] == "Jobs.Job[1]: BrassRing job 902 has no jobtitle; skipped"
    assert context.warnings[1].startswith("Jobs.Job[2]: BrassRing job without reqid or jobid: {'Questions'")
    assert len(context.warnings) == 2 and context.skipped_ids == ["902"]
    with pytest.raises(ParseError, match="none of the 2 jobs could be read"):
        brassring.parse_any(_answer(_job("903", ""), _job("904", "  ")), ctx())
    with pytest.raises(ParseError, match=r"no 'Jobs\.Job' list"):
        brassring.parse_any(b'{"JobsCount": 3}', ctx())
    with pytest.raises(ParseError, match="Runtime Error"):
        brassring.parse_any(b"<html><head><title>Runtime Error</title></head></html>", ctx())
    assert brassring.parse_any((REC / "harrowgate_empty.json").read_bytes(), ctx()) == []


def test_cli_parse() -> None:
    out = CliRunner().invoke(app, ["parse", "brassring", str(REC / "calloway_ra_p1.json")])
    assert out.exit_code == 0, out.output
    rows = [json.loads(line) for line in out.stdout.splitlines()]
    assert len(rows) == 4 and all(r["url"].startswith("https://sjobs.brassring.com/TGnewUI/") for r in rows)
    assert all(r["date_updated"] and r["location_raw"] for r in rows)


NAMES = st.sampled_from(["reqid", "jobtitle", "lastupdated", "autoreq", "location", "department", "jobdescription",
                         "clientid", "siteid", "latitude", "hotjob", "formtext11"])  # fmt: skip
QUESTION = st.fixed_dictionaries({"QuestionName": NAMES | JSON, "Value": JSON | st.text(max_size=12)})
JOB = st.fixed_dictionaries({}, optional={"Link": JSON | st.sampled_from([CALLOWAY_GW.job_url("7"), "ftp://x"]),
                                          "Questions": st.lists(QUESTION, max_size=6) | JSON})  # fmt: skip
ANSWER = st.fixed_dictionaries(
    {"Jobs": st.fixed_dictionaries({"Job": st.lists(JOB | JSON, max_size=3) | JSON}) | JSON},
    optional={"JobsCount": JSON},
)
CONTEXTS = [ctx(), ctx(CALLOWAY_GW.home_url()), ctx(params={"partnerid": "1", "siteid": "2", "location_fields": ["x"]})]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(value=JSON | ANSWER, which=st.integers(0, len(CONTEXTS) - 1))
def test_any_json_raises_only_parse_error(value: Any, which: int) -> None:
    parses_or_refuses(brassring.parse_any, json.dumps(value).encode(), CONTEXTS[which], url_prefix="http")


@settings(max_examples=100, deadline=None)
@given(raw=st.binary(max_size=200))
def test_any_bytes_raise_only_parse_error(raw: bytes) -> None:
    any_bytes(brassring.parse_any, raw, CONTEXTS[1])
