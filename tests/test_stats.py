"""`stats` numbers: breakdowns, weekly new/closed with Monday-to-Sunday UTC weeks, charts."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from data.query.fixture_db import build

from researchjobs.explore.charts import bar, counts_chart, weekly_chart, write_png
from researchjobs.posting import Posting
from researchjobs.storage.db import open_db
from researchjobs.storage.postings import close_missing, posting_row, upsert_rows
from researchjobs.storage.stats import counts_by, summary, totals, week_start, weekly


def _p(job_id: str, **facts: object) -> dict:
    posting = Posting(source_family="lever", source_id="lever:x", source_job_id=job_id, title=f"Job {job_id}",
                      url=f"https://jobs.lever.co/x/{job_id}", employer="X Institute")  # fmt: skip
    return posting_row(posting, dict(facts))


@pytest.fixture
def dated(tmp_path: Path) -> Iterator[object]:
    """Postings first seen on known days around week boundaries (2026-11-16 is a Monday)."""
    db = open_db(tmp_path / "dated.db")
    upsert_rows(db, [_p("a", role_family="crc")], now="2026-11-01T23:59:59Z")  # Sunday: week of 10-26
    upsert_rows(db, [_p("b", role_family="crc")], now="2026-11-02T00:00:00Z")  # Monday: week of 11-02
    upsert_rows(db, [_p("c", role_family="research_assistant"), _p("d")], now="2026-11-16T08:00:00Z")
    upsert_rows(db, [_p("e", role_family="crc")], now="2026-11-22T12:00:00Z")  # Sunday: week of 11-16
    keep = [r["key"] for r in db.query("SELECT key FROM postings WHERE source_job_id != 'a'")]
    close_missing(db, "lever:x", keep, now="2026-11-17T00:00:00Z", run_id="r")
    yield db
    db.conn.close()


NOW = datetime(2026, 11, 22, 13, 0, tzinfo=UTC)


def test_week_start_is_monday() -> None:
    assert week_start(datetime(2026, 11, 22).date()).isoformat() == "2026-11-16"
    assert week_start(datetime(2026, 11, 16).date()).isoformat() == "2026-11-16"


def test_weekly_counts_and_boundaries(dated) -> None:
    weeks = weekly(dated, weeks=5, now=NOW)
    assert [w["week"] for w in weeks] == ["2026-10-19", "2026-10-26", "2026-11-02", "2026-11-09", "2026-11-16"]
    assert [(w["new"], w["closed"]) for w in weeks] == [(0, 0), (1, 0), (1, 0), (0, 0), (3, 1)]


def test_weekly_window_excludes_older_weeks(dated) -> None:
    weeks = weekly(dated, weeks=1, now=NOW)
    assert weeks == [{"week": "2026-11-16", "new": 3, "closed": 1}]


def test_counts_by_open_only_and_unknown_as_none(dated) -> None:
    assert counts_by(dated, "role") == [
        {"value": "crc", "count": 2}, {"value": None, "count": 1}, {"value": "research_assistant", "count": 1}]  # fmt: skip
    assert counts_by(dated, "role", include_closed=True)[0] == {"value": "crc", "count": 3}
    assert counts_by(dated, "role", top=1) == [{"value": "crc", "count": 2}]
    with pytest.raises(ValueError, match="unknown dimension"):
        counts_by(dated, "role; DROP TABLE postings")


def test_totals(dated) -> None:
    assert totals(dated) == {"total": 5, "open": 4, "closed": 1, "employers": 1, "sources": 1}


def test_summary_on_the_shared_fixture(tmp_path: Path) -> None:
    keys = build(tmp_path / "f.db")
    db = open_db(tmp_path / "f.db")
    try:
        data = summary(db, top=3, weeks=8)
    finally:
        db.conn.close()
    assert data["totals"]["total"] == len(keys) and data["totals"]["closed"] == 1
    assert data["by"]["state"][0] == {"value": "MA", "count": 4}
    assert data["by"]["source"][0] == {"value": "lever:bayou", "count": 2}
    assert len(data["by"]["employer"]) == 3
    assert sum(w["new"] for w in data["weekly"]) == len(keys)  # everything is within 8 weeks


def test_bars_scale_and_show_small_values() -> None:
    assert bar(10, 10, width=10) == "█" * 10
    assert bar(0, 10) == "" and bar(5, 0) == ""
    assert len(bar(1, 1000, width=10)) == 1  # a tiny but non-zero week still shows
    assert bar(5, 10, width=10) == "█" * 5


def test_charts_render(dated, tmp_path: Path) -> None:
    from rich.console import Console

    console = Console(record=True, width=100)
    console.print(weekly_chart(weekly(dated, weeks=3, now=NOW)))
    console.print(counts_chart(counts_by(dated, "role"), "open postings by role"))
    text = console.export_text()
    assert "2026-11-16" in text and "(unknown)" in text and "█" in text
    png = write_png(summary(dated, weeks=3, now=NOW), tmp_path / "s.png")
    assert png.read_bytes()[:4] == b"\x89PNG"
