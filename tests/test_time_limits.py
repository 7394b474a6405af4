"""Timeouts sized to the job: a slow board is cut off at its per-source limit; the others finish."""

from __future__ import annotations

from pathlib import Path

from conftest import crawl_with

from researchjobs.replay import Recordings
from researchjobs.spiders.lever import page_url

GH = "https://boards-api.greenhouse.io/v1/boards/harborviewresearch/jobs?content=true"


def lever_job(n: int) -> dict:
    uid = f"0f6b2c1e-8d4a-4b7e-9c3d-5a1e2f7b{n:04d}"
    return {"id": uid, "text": f"Clinical Research Coordinator ({n})", "categories": {"location": "Tampa, FL"},
            "hostedUrl": f"https://jobs.lever.co/gulfcoastresearch/{uid}", "createdAt": 1763000000000}  # fmt: skip


def test_a_slow_board_is_stopped_at_its_limit_and_closes_nothing(tmp_path: Path) -> None:
    rec = Recordings()
    for page in range(6):  # two postings a page, each page slow to come
        rec.add({"url": page_url("gulfcoastresearch", page * 2, 2), "delay": 0.5,
                 "json": [lever_job(page * 2), lever_job(page * 2 + 1)]})  # fmt: skip
    rec.add({"url": GH, "json": {"jobs": [{"id": 7400001, "title": "Research Assistant",
             "absolute_url": "https://job-boards.greenhouse.io/harborviewresearch/jobs/7400001"}]}})  # fmt: skip
    entries = [
        {"id": "lever:gulfcoastresearch", "employer": "Gulf Coast Research", "site": "gulfcoastresearch", "page_size": 2},
        {"id": "greenhouse:harborviewresearch", "employer": "Harborview Research", "board": "harborviewresearch"},
    ]
    result = crawl_with(tmp_path, rec, entries, settings={"RESEARCHJOBS_SOURCE_TIMEOUT": "0.8"})
    slow = result.runs["lever:gulfcoastresearch"]
    assert (slow["outcome"], slow["cause"], slow["closed"], slow["complete"]) == ("partial", "incomplete", 0, 0)
    assert "per-source time limit of 0.8s" in slow["error_summary"]
    assert 2 <= slow["seen"] < 12
    assert result.runs["greenhouse:harborviewresearch"]["outcome"] == "ok"
