"""`check_source` over real HTTP: the replay server on 127.0.0.1 plays each board.

Bodies come from real captures (../shared/fixtures/real) where one exists, so
"reachable" means "has the shape a real board answers with"; the failure cases are the
answers real boards and WAFs give (404, 403, 429, a CAPTCHA page, robots.txt, resets).
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar

import pytest

from researchjobs.checks import WORKDAY_BODY, CheckResult, check_source, check_sources, probe_for
from researchjobs.replay import Recordings, ReplayServer, request_key
from researchjobs.settings import USER_AGENT
from researchjobs.sources import DEFAULT_REGISTRY, Source, load_registry, parse_entry, set_verification
from tests.conftest import REAL_FIXTURES, needs_real

GH_BOARD = "https://boards-api.greenhouse.io/v1/boards/annexonbioscience/jobs"
WD_JOBS = "https://gdit.wd5.myworkdayjobs.com/wday/cxs/gdit/External_Career_Site/jobs"
CAPTCHA_PAGE = (
    "<!DOCTYPE html><html><head><title>Just a moment...</title></head><body>"
    '<div id="cf-chl-widget"></div><script src="/cdn-cgi/challenge-platform/h/b/orchestrate/chl_page/v1">'
    "</script></body></html>"
)


def source(entry: dict[str, Any]) -> Source:
    return parse_entry({"employer": "Test employer", **entry})


GREENHOUSE = {"id": "greenhouse:annexonbioscience", "board": "annexonbioscience"}
WORKDAY = {
    "id": "workday:gdit",
    "host": "gdit.wd5.myworkdayjobs.com",
    "tenant": "gdit",
    "site": "External_Career_Site",
}


@pytest.fixture(scope="module")
def _shared_server() -> Iterator[ReplayServer]:
    # One server per module: each ReplayServer takes half a second to shut down.
    with ReplayServer(recordings=Recordings(), hang_seconds=3) as running:
        yield running


@pytest.fixture
def recordings(_shared_server: ReplayServer) -> Recordings:
    _shared_server.recordings.__init__()  # type: ignore[misc]  # a clean slate, same object the server holds
    return _shared_server.recordings


@pytest.fixture
def server(_shared_server: ReplayServer, recordings: Recordings) -> ReplayServer:
    return _shared_server


def check(entry: dict[str, Any], server: ReplayServer, timeout: float = 5) -> CheckResult:
    return check_source(source(entry), replay_url=server.url, timeout=timeout)


# ------------------------------------------------------------------ reachable

REACHABLE = [
    (
        "greenhouse",
        GREENHOUSE,
        {"url": GH_BOARD, "file": "greenhouse/annexon_board_jobs_trimmed_clinical_trial_mgmt.json"},
        "Greenhouse board with",
    ),
    (
        "lever",
        {"id": "lever:veeva", "site": "veeva"},
        {
            "url": "https://api.lever.co/v0/postings/veeva?mode=json&skip=0&limit=1",
            "file": "lever/veeva_postings_mode_json.json",
        },
        "Lever postings list",
    ),
    (
        "workday",
        WORKDAY,
        {
            "method": "POST",
            "url": WD_JOBS,
            "body": WORKDAY_BODY,
            "file": "workday/gdit_cxs_jobs_with_facets.json",
        },
        "644 jobs",
    ),
    (
        "smartrecruiters",
        {"id": "smartrecruiters:hirevue", "company": "HireVue"},
        {
            "url": "https://api.smartrecruiters.com/v1/companies/HireVue/postings?limit=1",
            "file": "smartrecruiters/hirevue_postings_list.json",
        },
        "5 postings",
    ),
    (
        "ashby",
        {"id": "ashby:wealth-com", "board": "wealth-com"},
        {
            "url": "https://api.ashbyhq.com/posting-api/job-board/wealth-com",
            "file": "ashby/wealth-com_job_board_includeCompensation.json",
        },
        "Ashby board with",
    ),
    (
        "oracle",
        {"id": "oracle:ejov", "host": "ejov.fa.ca2.oraclecloud.com", "site": "CX"},
        {
            "url": "https://ejov.fa.ca2.oraclecloud.com/hcmRestApi/resources/latest/recruitingCEJobRequisitions"
            "?onlyData=true&finder=findReqs;siteNumber=CX,limit=1,offset=0",
            "file": "oracle/orc_requisitions_list_trimmed.json",
        },
        "Oracle career site",
    ),
    # The ComEd capture stands in for any Jibe site: Medpace runs the same platform.
    (
        "icims",
        {"id": "icims:medpace", "host": "careers.medpace.com"},
        {"url": "https://careers.medpace.com/api/jobs?limit=1", "file": "icims/comed_jibe_api_jobs.json"},
        "99 jobs",
    ),
    (
        "feeds",
        {"id": "feeds:unc", "url": "https://unc.peopleadmin.com/postings/all_jobs.atom"},
        {
            "url": "https://unc.peopleadmin.com/postings/all_jobs.atom",
            "file": "rss/unc_chapel_hill_peopleadmin_all_jobs.atom",
        },
        "Atom feed with",
    ),
    (
        "feeds",
        {
            "id": "feeds:almac",
            "url": "https://recruitingbypaycor.com/career/CareerAtomFeed.action?clientId=8a788267543c64a8015453881fd50633",
        },
        {
            "url": "https://recruitingbypaycor.com/career/CareerAtomFeed.action?clientId=8a788267543c64a8015453881fd50633",
            "file": "rss/almac_paycor_recruiting_feed.atom",
        },
        "Atom feed with",
    ),
    (
        "phenom",
        {"id": "phenom:dukehealth", "url": "https://careers.dukehealth.org/us/en/search-results"},
        {
            "url": "https://careers.dukehealth.org/us/en/search-results",
            "file": "phenom/duke_health_phenom_search_results_ddo.html",
        },
        "906 jobs",
    ),
    (
        "jsonld",
        {"id": "jsonld:autodesk", "url": "https://autodesk.wd1.myworkdayjobs.com/en-US/Ext/job/Montreal"},
        {
            "url": "https://autodesk.wd1.myworkdayjobs.com/en-US/Ext/job/Montreal",
            "file": "jsonld/autodesk_workday_job_page_jsonld.html",
        },
        "with JobPosting data",
    ),
]


@needs_real
@pytest.mark.parametrize(
    ("family", "entry", "recording", "detail"), REACHABLE, ids=[r[1]["id"] for r in REACHABLE]
)
def test_reachable_with_real_answers(
    family: str,
    entry: dict[str, Any],
    recording: dict[str, Any],
    detail: str,
    recordings: Recordings,
    server: ReplayServer,
) -> None:
    key = recordings.add(recording, REAL_FIXTURES)
    result = check(entry, server)
    assert result.state == "reachable", result
    assert result.status == 200
    assert detail in result.detail
    assert recordings.hits[key] == 1  # one request per source
    if family in ("greenhouse", "lever"):
        assert "parser failed" not in result.detail


@needs_real
def test_usajobs_uses_the_key_from_the_environment(
    monkeypatch: pytest.MonkeyPatch, recordings: Recordings, server: ReplayServer
) -> None:
    entry = {"id": "usajobs:nih", "keyword": "clinical research", "series": "0601"}
    url = (
        "https://data.usajobs.gov/api/search?Keyword=clinical+research&JobCategoryCode=0601&ResultsPerPage=1"
    )
    recordings.add({"url": url, "file": "usajobs/search_nih_niehs_epa_rtp_redacted_text.json"}, REAL_FIXTURES)

    skipped = check(entry, server)
    assert skipped.skipped and "USAJOBS_API_KEY" in skipped.detail
    assert skipped.state == "unverified"

    monkeypatch.setenv("USAJOBS_API_KEY", "not-a-real-key")
    result = check(entry, server)
    assert result.state == "reachable", result
    assert "USAJOBS search with" in result.detail
    assert "not-a-real-key" not in str(result)
    assert probe_for(source(entry)).headers["Authorization-Key"] == "not-a-real-key"  # type: ignore[union-attr]


def test_a_redirect_is_followed(recordings: Recordings, server: ReplayServer) -> None:
    moved = "https://boards-api.greenhouse.io/v1/boards/annexon/jobs"
    recordings.add({"url": GH_BOARD, "status": 301, "headers": {"Location": moved}})
    recordings.add({"url": moved, "json": {"jobs": [], "meta": {"total": 0}}})
    result = check(GREENHOUSE, server)
    assert (result.state, result.url) == ("reachable", moved)


# ------------------------------------------------------------------ wrong identifier

WRONG = [
    (
        # A classic portal has no Jibe API, which is all the iCIMS spider can crawl.
        "classic icims portal",
        {"id": "icims:wipfli", "host": "careers-wipfli.icims.com"},
        {
            "url": "https://careers-wipfli.icims.com/api/jobs?limit=1",
            "status": 404,
            "text": "<html><head><title>Page Not Found</title></head></html>",
        },
        "HTTP 404",
    ),
    (
        "404",
        GREENHOUSE,
        {"url": GH_BOARD, "status": 404, "json": {"status": 404, "error": "Job board not found"}},
        "HTTP 404",
    ),
    ("410", GREENHOUSE, {"url": GH_BOARD, "status": 410, "text": "gone"}, "HTTP 410"),
    (
        "400 from workday",
        WORKDAY,
        {
            "method": "POST",
            "url": WD_JOBS,
            "body": WORKDAY_BODY,
            "status": 400,
            "json": {"errorCode": "HTTP_400"},
        },
        "HTTP 400",
    ),
    (
        "json of another shape",
        GREENHOUSE,
        {"url": GH_BOARD, "json": {"message": "ok"}},
        "not a Greenhouse list response",
    ),
    (
        "malformed json",
        GREENHOUSE,
        {"url": GH_BOARD, "text": '{"jobs": [', "headers": {"Content-Type": "application/json"}},
        "malformed JSON",
    ),
    (
        "an ordinary page instead of json",
        GREENHOUSE,
        {
            "url": GH_BOARD,
            "text": "<html><head><title>Careers at Annexon</title></head><body>Join us</body></html>",
        },
        "HTML/XML page",
    ),
    (
        "lever error object",
        {"id": "lever:nobody", "site": "nobody"},
        {
            "url": "https://api.lever.co/v0/postings/nobody?mode=json&skip=0&limit=1",
            "json": {"ok": False, "error": "Document not found"},
        },
        "Document not found",
    ),
    (
        "oracle without search object",
        {"id": "oracle:x", "host": "ejov.fa.ca2.oraclecloud.com", "site": "CX_9"},
        {
            "url": "https://ejov.fa.ca2.oraclecloud.com/hcmRestApi/resources/latest/recruitingCEJobRequisitions"
            "?onlyData=true&finder=findReqs;siteNumber=CX_9,limit=1,offset=0",
            "json": {"items": [], "count": 0, "hasMore": False},
        },
        "wrong site number",
    ),
    (
        "a page instead of a feed",
        {"id": "feeds:x", "url": "https://unc.peopleadmin.com/postings/all_jobs.atom"},
        {
            "url": "https://unc.peopleadmin.com/postings/all_jobs.atom",
            "text": "<html><head><title>Search Jobs</title></head><body></body></html>",
        },
        "not an RSS/Atom feed",
    ),
    (
        "a page without phenom data",
        {"id": "phenom:x", "url": "https://careers.example.org/us/en/search-results"},
        {
            "url": "https://careers.example.org/us/en/search-results",
            "text": "<html><head><title>Careers</title></head><body>Welcome</body></html>",
        },
        "without Phenom",
    ),
    (
        "json instead of a page",
        {"id": "jsonld:x", "url": "https://careers.example.org/jobs"},
        {"url": "https://careers.example.org/jobs", "json": {"jobs": []}},
        "not an HTML page",
    ),
]


@pytest.mark.parametrize(("name", "entry", "recording", "detail"), WRONG, ids=[w[0] for w in WRONG])
def test_wrong_identifier(
    name: str,
    entry: dict[str, Any],
    recording: dict[str, Any],
    detail: str,
    recordings: Recordings,
    server: ReplayServer,
) -> None:
    recordings.add(recording)
    result = check(entry, server)
    assert result.state == "wrong_identifier", result
    assert detail in result.detail


# ------------------------------------------------------------------ blocked

BLOCKED = [
    (
        "403",
        {
            "method": "POST",
            "url": WD_JOBS,
            "body": WORKDAY_BODY,
            "status": 403,
            "text": "<html><head><title>Access Denied</title></head><body>Reference #18.5</body></html>",
        },
        "HTTP 403: refused by a WAF/CAPTCHA page",
    ),
    (
        "429",
        {
            "method": "POST",
            "url": WD_JOBS,
            "body": WORKDAY_BODY,
            "status": 429,
            "headers": {"Retry-After": "120"},
        },
        "Retry-After 120",
    ),
    (
        "503",
        {"method": "POST", "url": WD_JOBS, "body": WORKDAY_BODY, "status": 503, "text": "busy"},
        "HTTP 503",
    ),
    (
        "500",
        {"method": "POST", "url": WD_JOBS, "body": WORKDAY_BODY, "status": 500, "text": "oops"},
        "server error",
    ),
    (
        "captcha page where json was expected",
        {
            "method": "POST",
            "url": WD_JOBS,
            "body": WORKDAY_BODY,
            "text": CAPTCHA_PAGE,
            "headers": {"Content-Type": "text/html"},
        },
        "WAF/CAPTCHA page",
    ),
    (
        "waf header",
        {
            "method": "POST",
            "url": WD_JOBS,
            "body": WORKDAY_BODY,
            "text": "{}",
            "headers": {"cf-mitigated": "challenge"},
        },
        "WAF/CAPTCHA page",
    ),
    (
        "connection reset",
        {"method": "POST", "url": WD_JOBS, "body": WORKDAY_BODY, "fault": "reset"},
        "gdit.wd5.myworkdayjobs.com",
    ),
    (
        "truncated body",
        {
            "method": "POST",
            "url": WD_JOBS,
            "body": WORKDAY_BODY,
            "fault": "truncate",
            "json": {"total": 1, "jobPostings": [{"title": "Clinical Research Coordinator"}]},
        },
        "gdit.wd5.myworkdayjobs.com",
    ),
    (
        "redirect to a private address",
        {
            "method": "POST",
            "url": WD_JOBS,
            "body": WORKDAY_BODY,
            "status": 302,
            "headers": {"Location": "http://169.254.169.254/latest/meta-data/"},
        },
        "refused to follow a redirect",
    ),
]


@pytest.mark.parametrize(("name", "recording", "detail"), BLOCKED, ids=[b[0] for b in BLOCKED])
def test_blocked(
    name: str, recording: dict[str, Any], detail: str, recordings: Recordings, server: ReplayServer
) -> None:
    recordings.add(recording)
    result = check(WORKDAY, server)
    assert result.state == "blocked", result
    assert detail in result.detail


def test_captcha_on_a_phenom_page_is_blocked(recordings: Recordings, server: ReplayServer) -> None:
    url = "https://careers.dukehealth.org/us/en/search-results"
    recordings.add({"url": url, "text": CAPTCHA_PAGE, "headers": {"Content-Type": "text/html"}})
    result = check({"id": "phenom:dukehealth", "url": url}, server)
    assert result.state == "blocked", result
    assert "Just a moment" in result.detail


def test_no_answer_in_time_is_blocked(recordings: Recordings, server: ReplayServer) -> None:
    recordings.add({"url": GH_BOARD, "fault": "hang"})
    result = check(GREENHOUSE, server, timeout=0.5)
    assert result.state == "blocked", result
    assert "within 0.5s" in result.detail


@pytest.mark.parametrize(
    "robots",
    [
        "User-agent: *\nDisallow: /v1/\n",
        "User-agent: researchjobs\nDisallow: /\n\nUser-agent: *\nAllow: /\n",
    ],
    ids=["everyone", "this crawler"],
)
def test_robots_disallow_is_blocked_without_asking(
    robots: str, recordings: Recordings, server: ReplayServer
) -> None:
    recordings.add(
        {
            "url": "https://boards-api.greenhouse.io/robots.txt",
            "text": robots,
            "headers": {"Content-Type": "text/plain"},
        }
    )
    board = recordings.add({"url": GH_BOARD, "json": {"jobs": []}})
    result = check(GREENHOUSE, server)
    assert result.state == "blocked", result
    assert "robots.txt disallows" in result.detail
    assert recordings.hits[board] == 0


def test_robots_that_allow_us_let_the_check_through(recordings: Recordings, server: ReplayServer) -> None:
    recordings.add(
        {"url": "https://boards-api.greenhouse.io/robots.txt", "text": "User-agent: *\nDisallow: /admin\n"}
    )
    recordings.add({"url": GH_BOARD, "json": {"jobs": [], "meta": {"total": 0}}})
    assert check(GREENHOUSE, server).state == "reachable"


# ------------------------------------------------------------------ what goes over the wire


class _Capture(BaseHTTPRequestHandler):
    seen: ClassVar[list[tuple[str, str, str]]] = []

    def log_message(self, format: str, *args: Any) -> None:
        return

    def do_GET(self) -> None:
        self.seen.append(("GET", self.path, self.headers.get("User-Agent", "")))
        found = not self.path.endswith("/robots.txt")
        body = json.dumps({"jobs": [], "meta": {"total": 0}} if found else {}).encode()
        self.send_response(200 if found else 404)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture
def capture() -> Iterator[str]:
    _Capture.seen = []
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Capture)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


def test_robots_first_then_one_request_with_our_user_agent(capture: str, home: Path) -> None:
    boards = [source(GREENHOUSE), source({"id": "greenhouse:other", "board": "other"})]
    results = check_sources(home, boards, replay_url=capture)
    assert [r.state for r in results] == ["reachable", "reachable"]
    paths = [path for _, path, _ in _Capture.seen]
    assert paths == [
        "/__replay__/https/boards-api.greenhouse.io/robots.txt",  # read once for the whole run
        "/__replay__/https/boards-api.greenhouse.io/v1/boards/annexonbioscience/jobs",
        "/__replay__/https/boards-api.greenhouse.io/v1/boards/other/jobs",
    ]
    assert {agent for _, _, agent in _Capture.seen} == {USER_AGENT}


# ------------------------------------------------------------------ recording the outcome


def test_check_sources_records_states_in_the_users_registry(
    home: Path, recordings: Recordings, server: ReplayServer
) -> None:
    default = load_registry(DEFAULT_REGISTRY)
    wanted = ["greenhouse:headlandsresearch", "lever:veeva", "workday:iqvia", "usajobs:nih-clinical-research"]
    recordings.add(
        {
            "url": "https://boards-api.greenhouse.io/v1/boards/headlandsresearch/jobs",
            "json": {
                "jobs": [{"id": 4005002, "title": "Clinical Research Coordinator"}],
                "meta": {"total": 1},
            },
        }
    )
    recordings.add(
        {
            "url": "https://api.lever.co/v0/postings/veeva?mode=json&skip=0&limit=1",
            "status": 404,
            "json": {"ok": False, "error": "Document not found"},
        }
    )
    recordings.add(
        {
            "method": "POST",
            "url": "https://iqvia.wd1.myworkdayjobs.com/wday/cxs/iqvia/IQVIA/jobs",
            "body": WORKDAY_BODY,
            "status": 403,
            "text": CAPTCHA_PAGE,
        }
    )

    results = check_sources(home, [default.sources[s] for s in wanted], replay_url=server.url)
    assert [(r.source_id, r.state, r.skipped) for r in results] == [
        ("greenhouse:headlandsresearch", "reachable", False),
        ("lever:veeva", "wrong_identifier", False),
        ("workday:iqvia", "blocked", False),
        ("usajobs:nih-clinical-research", "unverified", True),
    ]
    path = home / "sources.toml"
    registry = load_registry(path)
    assert registry.errors == []
    assert {s: registry.sources[s].verified for s in wanted} == {
        "greenhouse:headlandsresearch": "reachable",
        "lever:veeva": "wrong_identifier",
        "workday:iqvia": "blocked",
        "usajobs:nih-clinical-research": "unverified",
    }
    assert registry.sources["workday:icon"].verified == "unverified"
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# researchjobs source registry")
    assert 'notes = "employers.md §2; evidence Mg; U' in text

    # A person's "verified" is not undone by a check that merely reaches the board ...
    set_verification(home, "greenhouse:headlandsresearch", "verified")
    again = load_registry(path).sources["greenhouse:headlandsresearch"]
    check_sources(home, [again], replay_url=server.url)
    assert load_registry(path).sources["greenhouse:headlandsresearch"].verified == "verified"
    # ... but is when the board has gone.
    recordings.add(
        {"url": "https://boards-api.greenhouse.io/v1/boards/headlandsresearch/jobs", "status": 404}
    )
    check_sources(home, [again], replay_url=server.url)
    assert load_registry(path).sources["greenhouse:headlandsresearch"].verified == "wrong_identifier"


def test_result_reads_as_one_line(recordings: Recordings, server: ReplayServer) -> None:
    key = recordings.add({"url": GH_BOARD, "status": 404})
    result = check(GREENHOUSE, server)
    assert str(result).startswith("greenhouse:annexonbioscience: wrong_identifier (HTTP 404): ")
    assert "\n" not in str(result)
    assert key == request_key("GET", GH_BOARD)
