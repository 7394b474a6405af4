"""Redirects are followed only within the board's domain or hiring system; anything else is ``moved``.

Crawled for real through the replay server: a board that answers 302 to loopback, one
that answers 301 to another company's host, and a Workday tenant moving wd1 → wd5 (the
one that is followed, stored, and fixable with ``sources check --fix``).
"""

from __future__ import annotations

import json
from pathlib import Path

from conftest import crawl_with

from researchjobs.replay import Recordings

GH = "https://boards-api.greenhouse.io/v1/boards/{}/jobs?content=true"
WORKDAY = Path(__file__).resolve().parent / "fixtures" / "replay" / "workday"
WD = {"id": "workday:ridgecrest", "employer": "Ridgecrest University Medical Center",
      "host": "ridgecrest.wd1.myworkdayjobs.com", "tenant": "ridgecrest", "site": "RUMC_External",
      "search": ["clinical research", "research assistant"]}  # fmt: skip


def gh(board: str) -> dict[str, str]:
    return {"id": f"greenhouse:{board}", "employer": board.title(), "board": board}


def board(board: str, titles: list[str]) -> dict:
    return {"url": GH.format(board), "json": {"jobs": [
        {"id": 8100200 + n, "title": t, "location": {"name": "Nashville, TN"},
         "absolute_url": f"https://job-boards.greenhouse.io/{board}/jobs/{8100200 + n}"}
        for n, t in enumerate(titles)]}}  # fmt: skip


TITLES = ["Clinical Research Coordinator", "Research Assistant I", "Data Coordinator, Oncology Trials"]


def test_redirects_off_the_board_end_as_moved_store_nothing_and_close_nothing(tmp_path: Path) -> None:
    boards = ["cumberlandtrials", "vanguardresearch", "harborviewresearch"]
    seed = Recordings()
    for name in boards:
        seed.add(board(name, TITLES))
    db_path = tmp_path / "jobs.db"
    entries = [gh(b) for b in boards]
    assert {r["outcome"] for r in crawl_with(tmp_path, seed, entries, db_path=db_path).runs.values()} == {"ok"}

    rec = Recordings()
    rec.add({"url": GH.format("cumberlandtrials"), "status": 302, "headers": {"Location": "http://127.0.0.1:9/admin/jobs"}})
    rival = "https://careers.rivalpharma.com/api/jobs"
    rec.add({"url": GH.format("vanguardresearch"), "status": 301, "headers": {"Location": rival}})
    target = rec.add({"url": rival, "json": {"jobs": [{"id": 1, "title": "Field Sales Representative"}]}})
    rec.add(board("harborviewresearch", TITLES[:2]))
    result = crawl_with(tmp_path, rec, entries, db_path=db_path)

    loopback, other, fine = (result.runs[f"greenhouse:{b}"] for b in boards)
    assert (loopback["outcome"], loopback["cause"], loopback["closed"]) == ("moved", "moved", 0)
    assert "127.0.0.1:9" in loopback["error_summary"] and "not followed" in loopback["error_summary"]
    assert (other["outcome"], other["closed"]) == ("moved", 0)
    assert rival in other["error_summary"] and "another domain (rivalpharma.com)" in other["error_summary"]
    assert json.loads(other["stats_json"])["moved_to"] == rival
    assert result.recordings.hits[target] == 0
    assert not [k for k in result.recordings.unmatched if "127.0.0.1" in k]
    for name in boards[:2]:
        rows = result.postings(f"greenhouse:{name}")
        assert len(rows) == 3 and all(r["closed_at"] is None for r in rows)
        assert "Field Sales Representative" not in {r["title"] for r in rows}
    assert (fine["outcome"], fine["closed"]) == ("ok", 1)  # the same crawl still closes normally elsewhere


def test_a_workday_tenant_moving_wd1_to_wd5_is_followed_and_noted(tmp_path: Path) -> None:
    rec = Recordings().load_dir(WORKDAY)
    manifest = json.loads((WORKDAY / "manifest.json").read_text())
    for entry in manifest["responses"]:
        moved = entry["url"]
        old = moved.replace(".wd5.", ".wd1.")
        rec.add({"method": entry.get("method", "GET"), "url": old, "body": entry.get("body"),
                 "status": 308, "headers": {"Location": moved}})  # fmt: skip
    result = crawl_with(tmp_path, rec, [WD])
    run = result.runs["workday:ridgecrest"]
    assert (run["outcome"], run["seen"], run["errors"]) == ("ok", 49, 0)
    assert "moved to https://ridgecrest.wd5.myworkdayjobs.com/" in run["note"]
    assert "researchjobs sources check --fix workday:ridgecrest" in run["note"]
    assert len(result.postings("workday:ridgecrest")) == 49
