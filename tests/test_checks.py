"""``sources check`` as a user runs it: the crawl's own first request, over real HTTP.

The replay server on 127.0.0.1 plays each board; a second local server plays a
captive portal; a resolver that finds nothing plays a laptop with no network. Each
check runs the real command in a subprocess and reads its JSON lines and the registry.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from conftest import FAST, NO_NETWORK, portal_url, run_cli, set_args, write_registry

from researchjobs.checks import CheckResult, first_request, fixed_params, record_verdicts, spider_class
from researchjobs.replay import Recordings, ReplayServer
from researchjobs.sources import DEFAULT_REGISTRY, Source, load_registry, parse_entry
from researchjobs.spiders import FAMILIES
from researchjobs.spiders.workday import list_body

CHECK_SETTINGS = {**FAST, "RETRY_TIMES": "1"}
CLOUDFLARE = (
    "<!DOCTYPE html><html><head><title>Just a moment...</title></head><body>"
    '<div id="cf-chl-widget"></div><script src="/cdn-cgi/challenge-platform/h/b/orchestrate/chl_page/v1">'
    "</script></body></html>"
)
WD1 = "meridianoncology.wd1.myworkdayjobs.com"
WD5 = "meridianoncology.wd5.myworkdayjobs.com"


def gh_job(job_id: int, title: str, city: str) -> dict[str, Any]:
    return {
        "id": job_id, "title": title, "updated_at": "2026-11-20T09:15:00-05:00",
        "first_published": "2026-11-18T10:00:00-05:00", "location": {"name": city},
        "absolute_url": f"https://job-boards.greenhouse.io/harborviewresearch/jobs/{job_id}",
        "content": "&lt;p&gt;Coordinate Phase II oncology trials; GCP certification preferred.&lt;/p&gt;",
    }  # fmt: skip


def wd_list(total: int, jobs: list[tuple[str, str]]) -> dict[str, Any]:
    return {
        "total": total,
        "jobPostings": [
            {"title": title, "externalPath": f"/job/Houston-TX/{title.replace(' ', '-')}_{req}",
             "locationsText": "Houston, TX", "postedOn": "Posted 3 Days Ago", "bulletFields": [req]}
            for title, req in jobs
        ],
    }  # fmt: skip


ENTRIES = [
    {"id": "greenhouse:harborviewresearch", "board": "harborviewresearch"},
    {"id": "greenhouse:quietboard", "board": "quietboard"},
    {"id": "greenhouse:closedboard", "board": "closedboard"},
    {"id": "greenhouse:careerspage", "board": "careerspage"},
    {"id": "greenhouse:rivalmove", "board": "rivalmove"},
    {"id": "greenhouse:loopback", "board": "loopback"},
    {"id": "lever:bayoutrials", "site": "bayoutrials"},
    {"id": "lever:busyboard", "site": "busyboard"},
    {"id": "workday:meridian", "host": WD5, "tenant": "meridianoncology", "site": "Careers"},
    {"id": "workday:tenantmove", "host": WD1, "tenant": "meridianoncology", "site": "Careers"},
    {"id": "jsonld:lakeshore", "url": "https://careers.lakeshorehealth.org/research-jobs"},
    {"id": "usajobs:nih", "keyword": "clinical research coordinator"},
]


def sources() -> dict[str, Source]:
    return {e["id"]: parse_entry({"employer": "Harborview Research", **e}) for e in ENTRIES}


def url_of(source_id: str) -> str:
    source = sources()[source_id]
    request = first_request(spider_class(source.family), source)
    assert request is not None
    return request.url


def registry_file(home: Path, entries: list[dict[str, Any]]) -> Path:
    path = write_registry(home / "sources.toml", [{"employer": "Harborview Research", **e} for e in entries])
    path.write_text("# my boards, checked by hand in November\n" + path.read_text())
    return path


def check(home: Path, server: str | None, *args: str, settings: dict[str, str] | None = None) -> tuple[int, list[dict], str]:
    replay = ["--replay", server] if server else []
    result = run_cli(home, "sources", "check", *args, "--format", "json", *replay,
                     *set_args(settings if settings is not None else CHECK_SETTINGS))  # fmt: skip
    found = [json.loads(line) for line in result.stdout.splitlines() if line.strip()]
    return result.returncode, found, result.stderr


def board_recordings() -> tuple[Recordings, dict[str, str]]:
    rec = Recordings()
    keys = {}
    gh = url_of("greenhouse:harborviewresearch")
    rec.add({"url": gh, "json": {"jobs": [
        gh_job(7104001, "Clinical Research Coordinator I", "Boston, MA"),
        gh_job(7104002, "Research Assistant, Cardiology Trials", "Cambridge, MA"),
    ], "meta": {"total": 2}}})  # fmt: skip
    rec.add({"url": url_of("greenhouse:quietboard"), "json": {"jobs": [], "meta": {"total": 0}}})
    rec.add({"url": url_of("greenhouse:closedboard"), "status": 404,
             "json": {"status": 404, "error": "Job board not found"}})  # fmt: skip
    rec.add({"url": url_of("greenhouse:careerspage"), "headers": {"Content-Type": "text/html"},
             "text": "<html><head><title>Careers at Harborview</title></head><body>Join us</body></html>"})  # fmt: skip
    rival = "https://careers.rivalpharma.com/jobs.json"
    rec.add({"url": url_of("greenhouse:rivalmove"), "status": 301, "headers": {"Location": rival}})
    keys["rival"] = rec.add({"url": rival, "json": {"jobs": [gh_job(9, "Trial Manager", "Austin, TX")]}})
    rec.add({"url": url_of("greenhouse:loopback"), "status": 302, "headers": {"Location": "http://127.0.0.1:9/jobs"}})
    rec.add({"url": url_of("lever:bayoutrials"), "status": 403, "text": CLOUDFLARE,
             "headers": {"Content-Type": "text/html"}})  # fmt: skip
    rec.add({"url": url_of("lever:busyboard"), "status": 429, "headers": {"Retry-After": "0"}})
    wd5_jobs = f"https://{WD5}/wday/cxs/meridianoncology/Careers/jobs"
    rec.add({"method": "POST", "url": wd5_jobs, "body": list_body(0, ""), "json": wd_list(45, [
        ("Clinical Research Coordinator II", "R-10234"), ("Regulatory Affairs Specialist", "R-10240")])})  # fmt: skip
    rec.add({"method": "POST", "url": url_of("workday:tenantmove"), "body": list_body(0, ""), "status": 308,
             "headers": {"Location": wd5_jobs}})  # fmt: skip
    rec.add({"url": "https://careers.lakeshorehealth.org/robots.txt", "text": "User-agent: *\nDisallow: /\n",
             "headers": {"Content-Type": "text/plain"}})  # fmt: skip
    keys["lakeshore"] = rec.add({"url": url_of("jsonld:lakeshore"), "text": "<html></html>"})
    return rec, keys


def test_each_verdict_from_one_check_run_is_recorded(home: Path) -> None:
    path = registry_file(home, ENTRIES)
    recordings, keys = board_recordings()
    with ReplayServer(recordings=recordings) as server:
        code, results, stderr = check(home, server.url)
    by_id = {r["source_id"]: r for r in results}
    assert code == 1, stderr
    assert [r["source_id"] for r in results] == [e["id"] for e in ENTRIES]
    verdicts = {k: v["verdict"] for k, v in by_id.items()}
    assert verdicts == {
        "greenhouse:harborviewresearch": "ok",
        "greenhouse:quietboard": "empty",
        "greenhouse:closedboard": "wrong_identifier",
        "greenhouse:careerspage": "wrong_identifier",
        "greenhouse:rivalmove": "moved",
        "greenhouse:loopback": "moved",
        "lever:bayoutrials": "blocked",
        "lever:busyboard": "blocked",
        "workday:meridian": "ok",
        "workday:tenantmove": "moved",
        "jsonld:lakeshore": "blocked",
        "usajobs:nih": None,  # no API key: nothing observed, nothing written
    }
    assert by_id["greenhouse:harborviewresearch"]["listed"] == 2
    assert by_id["workday:meridian"]["listed"] == 2 and by_id["workday:meridian"]["more_pages"]
    assert by_id["workday:tenantmove"]["fixable"] and by_id["workday:tenantmove"]["location"].startswith(f"https://{WD5}/")
    assert not by_id["greenhouse:rivalmove"]["fixable"]
    assert by_id["greenhouse:rivalmove"]["location"] == "https://careers.rivalpharma.com/jobs.json"
    assert "127.0.0.1" in by_id["greenhouse:loopback"]["location"]
    assert "HTTP 404" in by_id["greenhouse:closedboard"]["detail"]
    assert "WAF/CAPTCHA" in by_id["lever:bayoutrials"]["detail"]
    assert "HTTP 429" in by_id["lever:busyboard"]["detail"]
    assert "robots.txt" in by_id["jsonld:lakeshore"]["detail"]
    # One request per source: no job details, no second pages, nothing from where boards moved to.
    assert recordings.hits[keys["rival"]] == 0 and recordings.hits[keys["lakeshore"]] == 0
    assert not [k for k in recordings.unmatched if "/job/" in k or "127.0.0.1" in k]
    written = load_registry(path)
    assert written.errors == []
    assert {s: written.sources[s].verified for s in verdicts} == {
        s: v or "unverified" for s, v in verdicts.items()
    }
    assert path.read_text().startswith("# my boards, checked by hand in November")


def test_fix_updates_a_board_that_moved_within_its_hiring_system(home: Path) -> None:
    path = registry_file(home, [e for e in ENTRIES if e["id"] in ("workday:tenantmove", "greenhouse:rivalmove")])
    recordings, _ = board_recordings()
    with ReplayServer(recordings=recordings) as server:
        code, results, stderr = check(home, server.url, "--fix")
        assert code == 1  # the rival move cannot be fixed: the user must act
        assert f"fixed workday:tenantmove: host '{WD1}' → '{WD5}'" in stderr
        fixed = load_registry(path).sources
        assert (fixed["workday:tenantmove"].params["host"], fixed["workday:tenantmove"].verified) == (WD5, "ok")
        assert fixed["greenhouse:rivalmove"].verified == "moved"
        assert fixed["greenhouse:rivalmove"].params["board"] == "rivalmove"
        assert f"host = \"{WD5}\" # was '{WD1}'; moved, updated by `researchjobs sources check --fix` on" in path.read_text()
        code, results, _ = check(home, server.url, "workday:tenantmove")
    assert code == 0 and results[0]["verdict"] == "ok" and results[0]["listed"] == 2


def test_offline_check_says_one_line_and_writes_nothing(home: Path) -> None:
    path = registry_file(home, ENTRIES[:3])
    before = path.read_bytes()
    code, results, stderr = check(home, None, settings={**CHECK_SETTINGS, **NO_NETWORK})
    assert code == 1 and results == []
    assert stderr.strip().splitlines() == [
        "offline: no network (DNS lookups fail for every host); nothing was changed, try again later"
    ]
    assert path.read_bytes() == before


def test_check_behind_a_captive_portal_writes_nothing(home: Path, captive_portal: Any) -> None:
    path = registry_file(home, [*ENTRIES[:3], ENTRIES[10]])
    before = path.read_bytes()
    code, results, stderr = check(home, portal_url(captive_portal))
    assert code == 1 and results == []
    assert "captive portal" in stderr and len(stderr.strip().splitlines()) == 1
    assert path.read_bytes() == before


def test_every_family_gets_its_first_request_from_its_own_spider() -> None:
    registry = load_registry(DEFAULT_REGISTRY)
    for family in FAMILIES:
        spider = spider_class(family)
        assert spider.family == family
        candidates = [s for s in registry.sources.values() if s.family == family and family != "usajobs"]
        for source in candidates[:2]:
            request = first_request(spider, source)
            assert request is not None and request.url.startswith("https://"), source.id


@pytest.mark.parametrize(
    ("entry", "location", "changes"),
    [
        ({"id": "workday:m", "host": WD1, "tenant": "meridianoncology", "site": "Careers"},
         f"https://{WD5}/wday/cxs/meridianoncology/Careers/jobs", {"host": WD5}),
        ({"id": "workday:m", "host": WD5, "tenant": "meridianoncology", "site": "Careers"},
         f"https://{WD5}/wday/cxs/meridianoncology/External/jobs", {"site": "External"}),
        ({"id": "feeds:unc", "url": "https://unc.peopleadmin.com/postings/all_jobs.atom"},
         "https://unc.peopleadmin.com/postings/search.atom", {"url": "https://unc.peopleadmin.com/postings/search.atom"}),
        ({"id": "greenhouse:harbor", "board": "harbor"}, "https://job-boards.greenhouse.io/harbor", None),
    ],
    ids=["workday host", "workday site", "feed url", "greenhouse: unclear"],
)  # fmt: skip
def test_fixed_params_are_found_generically(entry: dict, location: str, changes: dict | None) -> None:
    source = parse_entry({"employer": "Meridian Oncology", **entry})
    assert fixed_params(source, location) == changes


def test_a_persons_verified_survives_an_ok_but_not_a_gone_board(home: Path) -> None:
    registry_file(home, ENTRIES[:2])
    path = home / "sources.toml"
    path.write_text(path.read_text().replace('board = "harborviewresearch"', 'board = "harborviewresearch"\nverified = "verified"'))
    known = load_registry(path).sources
    record_verdicts(home, known, [CheckResult("greenhouse:harborviewresearch", "ok", "2 postings listed", 2),
                                  CheckResult("greenhouse:quietboard", "offline", "offline: no network")])  # fmt: skip
    assert {s.id: s.verified for s in load_registry(path).sources.values()} == {
        "greenhouse:harborviewresearch": "verified", "greenhouse:quietboard": "unverified"}  # fmt: skip
    record_verdicts(home, known, [CheckResult("greenhouse:harborviewresearch", "wrong_identifier", "HTTP 404")])
    assert load_registry(path).sources["greenhouse:harborviewresearch"].verified == "wrong_identifier"
