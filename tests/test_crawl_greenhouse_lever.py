"""Greenhouse and Lever crawled for real over HTTP against the replay server."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import crawl_with

from researchjobs.replay import Recordings

DEMO = Path(__file__).resolve().parents[1] / "researchjobs" / "data" / "replay" / "demo"

GH = {"id": "greenhouse:harborviewresearch", "family": "greenhouse", "employer": "Harborview Clinical Research",
      "employer_type": "site_network", "board": "harborviewresearch"}  # fmt: skip
GH2 = {"id": "greenhouse:meridianoncology", "family": "greenhouse", "employer": "Meridian Oncology Research Institute",
       "employer_type": "research_nonprofit", "board": "meridianoncology"}  # fmt: skip
LV = {"id": "lever:lakeshorehealth", "family": "lever", "employer": "Lakeshore University Health",
      "employer_type": "academic_medical_centre", "site": "lakeshorehealth", "page_size": 4}  # fmt: skip
GH_URL = "https://boards-api.greenhouse.io/v1/boards/{}/jobs?content=true"
LV_URL = "https://api.lever.co/v0/postings/lakeshorehealth?mode=json&skip={}&limit=4"


def demo_recordings() -> Recordings:
    return Recordings().load_dir(DEMO)


def test_both_families_crawled_with_paging(tmp_path: Path) -> None:
    rec = demo_recordings()
    result = crawl_with(tmp_path, rec, [GH, LV])
    assert result.runs[GH["id"]]["outcome"] == "ok"
    assert result.runs[LV["id"]]["outcome"] == "ok"
    assert result.runs[GH["id"]]["seen"] == 5
    assert result.runs[LV["id"]]["seen"] == 7  # 4 + 3 over two pages
    assert sum(n for key, n in rec.hits.items() if "lakeshorehealth" in key) == 2
    lever = result.postings(LV["id"])
    assert {p["employer"] for p in lever} == {"Lakeshore University Health"}
    assert all(p["date_published"].startswith("2026-") for p in lever)  # epoch ms parsed
    gh = result.postings(GH["id"])
    crc = next(p for p in gh if p["title"] == "Clinical Research Coordinator I")
    assert "<p>" in crc["description_html"] and "&lt;p&gt;" not in crc["description_html"]
    assert "entry-level Clinical Research Coordinator" in crc["description"]
    assert crc["employer"] == "Harborview Clinical Research"  # trailing space stripped
    assert crc["date_published"] == "2026-11-16T14:12:44Z"


def test_429_then_success_is_retried(tmp_path: Path) -> None:
    rec = Recordings()
    rec.add({"url": GH_URL.format("harborviewresearch"), "sequence": [
        {"status": 429, "headers": {"Retry-After": "1"}, "text": "slow down"},
        {"file": "greenhouse_harborviewresearch.json"},
    ]}, DEMO)  # fmt: skip
    result = crawl_with(tmp_path, rec, [GH])
    run = result.runs[GH["id"]]
    assert run["outcome"] == "ok" and run["seen"] == 5
    assert rec.hits[next(iter(rec.hits))] == 2


def test_500_forever_fails_and_closes_nothing(tmp_path: Path) -> None:
    first = crawl_with(tmp_path, demo_recordings(), [GH])
    assert first.runs[GH["id"]]["outcome"] == "ok"
    rec = Recordings()
    rec.add({"url": GH_URL.format("harborviewresearch"), "status": 500, "text": "oops"})
    second = crawl_with(tmp_path, rec, [GH], db_path=first.db_path)
    run = second.runs[GH["id"]]
    assert run["outcome"] == "failed"
    assert "HTTP 500" in run["error_summary"]
    assert sum(rec.hits.values()) == 4  # first try + RETRY_TIMES (3)
    assert all(p["closed_at"] is None for p in second.postings())


def test_malformed_and_html_error_pages_do_not_hide_other_sources(tmp_path: Path) -> None:
    rec = demo_recordings()
    rec.add({"url": GH_URL.format("harborviewresearch"), "text": '{"jobs": [{"id": 1, "title": "x"',
             "headers": {"Content-Type": "application/json"}})  # fmt: skip
    rec.add({"url": LV_URL.format(0), "headers": {"Content-Type": "text/html"},
             "text": "<html><head><title>Access denied</title></head><body>captcha</body></html>"})  # fmt: skip
    result = crawl_with(tmp_path, rec, [GH, GH2, LV])
    assert result.runs[GH["id"]]["outcome"] == "failed"
    assert "malformed" in result.runs[GH["id"]]["error_summary"]
    assert result.runs[LV["id"]]["outcome"] == "failed"
    assert "Access denied" in result.runs[LV["id"]]["error_summary"]
    assert result.runs[GH2["id"]]["outcome"] == "ok"
    assert len(result.postings(GH2["id"])) == 5


def test_disappeared_posting_closed_only_after_complete_crawl(tmp_path: Path) -> None:
    first = crawl_with(tmp_path, demo_recordings(), [GH])
    board = json.loads((DEMO / "greenhouse_harborviewresearch.json").read_text())
    gone = board["jobs"].pop(0)
    smaller = tmp_path / "smaller.json"
    smaller.write_text(json.dumps(board))
    # A failed crawl of the smaller board (truncated body) closes nothing.
    rec = Recordings()
    rec.add({"url": GH_URL.format("harborviewresearch"), "file": str(smaller), "fault": "truncate"})
    failed = crawl_with(tmp_path, rec, [GH], db_path=first.db_path)
    assert failed.runs[GH["id"]]["outcome"] in ("failed", "partial")
    assert all(p["closed_at"] is None for p in failed.postings())
    # A complete crawl of it closes exactly the missing posting.
    rec = Recordings()
    rec.add({"url": GH_URL.format("harborviewresearch"), "file": str(smaller)})
    ok = crawl_with(tmp_path, rec, [GH], db_path=first.db_path)
    assert ok.runs[GH["id"]]["outcome"] == "ok" and ok.runs[GH["id"]]["closed"] == 1
    closed = [p for p in ok.postings() if p["closed_at"]]
    assert [p["source_job_id"] for p in closed] == [str(gone["id"])]


def test_recrawl_is_idempotent(tmp_path: Path) -> None:
    first = crawl_with(tmp_path, demo_recordings(), [GH, LV])
    second = crawl_with(tmp_path, demo_recordings(), [GH, LV], db_path=first.db_path)
    assert second.runs[GH["id"]]["new"] == 0 and second.runs[GH["id"]]["updated"] == 0
    assert len(second.postings()) == 12
    db = second.db()
    history = list(db.query("SELECT change, COUNT(*) AS n FROM posting_history GROUP BY change"))
    db.conn.close()
    assert history == [{"change": "new", "n": 12}]


def test_robots_disallow_skips_the_source(tmp_path: Path) -> None:
    rec = demo_recordings()
    rec.add({"url": "https://boards-api.greenhouse.io/robots.txt", "text": "User-agent: *\nDisallow: /\n",
             "headers": {"Content-Type": "text/plain"}})  # fmt: skip
    result = crawl_with(tmp_path, rec, [GH, LV])
    assert result.runs[GH["id"]]["outcome"] == "skipped"
    assert "robots.txt" in result.runs[GH["id"]]["error_summary"]
    assert result.runs[LV["id"]]["outcome"] == "ok"
