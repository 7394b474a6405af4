"""When things are due: digests at local times across DST, crawl intervals and catch-up, status."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from test_digest_support import write_profile

from researchjobs.config import Settings, paths
from researchjobs.digest import due_at, is_due, next_due
from researchjobs.matcher.profiles import Profile
from researchjobs.scheduler import CrawlGroup, crawl_groups, group_next_run, interval_for, status_rows
from researchjobs.sources import Source, load_registry
from researchjobs.storage.db import open_db

DEMO_REGISTRY = Path(__file__).resolve().parents[1] / "researchjobs" / "data" / "demo" / "sources.toml"


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def profile(tz: str = "America/New_York", at: str = "08:00") -> Profile:
    return Profile(name="p", timezone=tz, digest_time=at)


@pytest.mark.parametrize(
    ("now", "due"),
    [
        # Saturday 2026-10-31, still EDT (UTC-4): 08:00 local is 12:00Z
        ("2026-10-31T11:59:00", False),
        ("2026-10-31T12:00:00", True),
        # Sunday 2026-11-01, clocks went back at 02:00 EDT: 08:00 EST is 13:00Z
        ("2026-11-01T12:30:00", False),  # 07:30 EST (a fixed UTC-4 offset would wrongly say 08:30)
        ("2026-11-01T12:59:59", False),
        ("2026-11-01T13:00:00", True),
        # Monday, EST
        ("2026-11-02T12:59:00", False),
        ("2026-11-02T13:00:00", True),
        ("2026-11-03T04:59:00", True),  # 23:59 local on 11-02: still that day, still due
        ("2026-11-03T05:00:00", False),  # 00:00 on 11-03: a new day, 08:00 not reached
    ],
)
def test_new_york_digest_is_due_at_eight_local_across_the_change(now: str, due: bool) -> None:
    assert is_due(profile(), utc(now), already_sent_today=False) is due


def test_already_sent_today_is_never_due() -> None:
    assert not is_due(profile(), utc("2026-11-01T20:00:00"), already_sent_today=True)


def test_repeated_hour_on_fall_back_sends_once() -> None:
    early = profile(at="01:30")
    assert due_at(early, utc("2026-11-01T00:00:00").date()) == utc("2026-11-01T05:30:00")  # first 01:30 (EDT)
    assert not is_due(early, utc("2026-11-01T05:29:00"), already_sent_today=False)
    assert is_due(early, utc("2026-11-01T05:30:00"), already_sent_today=False)
    # an hour later the wall clock reads 01:30 again (EST), same local date: the ledger says done
    assert not is_due(early, utc("2026-11-01T06:30:00"), already_sent_today=True)


def test_missing_hour_on_spring_forward_sends_once_an_hour_later() -> None:
    assert due_at(profile(at="02:30"), utc("2026-03-08T00:00:00").date()) == utc(
        "2026-03-08T07:30:00"
    )  # 03:30 EDT
    assert due_at(profile(at="02:30"), utc("2026-03-09T00:00:00").date()) == utc("2026-03-09T06:30:00")


def test_zone_without_dst_and_a_local_date_ahead_of_utc() -> None:
    kolkata = profile("Asia/Kolkata", "07:30")
    assert due_at(kolkata, utc("2026-11-01T00:00:00").date()) == utc("2026-11-01T02:00:00")
    assert not is_due(kolkata, utc("2026-11-01T20:00:00"), already_sent_today=False)  # 01:30 on 11-02 there
    assert is_due(kolkata, utc("2026-11-02T02:00:00"), already_sent_today=False)


def test_next_due_crosses_the_change() -> None:
    assert next_due(profile(), utc("2026-10-31T15:00:00"), done_today=True) == utc("2026-11-01T13:00:00")
    assert next_due(profile(), utc("2026-10-31T09:00:00"), done_today=False) == utc("2026-10-31T12:00:00")
    late = utc("2026-10-31T15:00:00")
    assert next_due(profile(), late, done_today=False) == late  # overdue: now


# ---------------------------------------------------------------- crawl intervals


def test_overrides_by_source_then_family_then_default() -> None:
    settings = Settings(crawl_interval_hours=12, crawl_overrides={"lever": 6, "lever:bayoutrials": 24})
    registry = load_registry(DEMO_REGISTRY)
    hours = {s.id: interval_for(s, settings) for s in registry.sources.values()}
    assert hours == {"greenhouse:harborviewresearch": 12, "greenhouse:meridianoncology": 12,
                     "lever:lakeshorehealth": 6, "lever:bayoutrials": 24}  # fmt: skip
    groups = crawl_groups(registry, settings)
    assert [(g.hours, len(g.sources)) for g in groups] == [(6, 1), (12, 2), (24, 1)]
    assert len({g.job_id for g in groups}) == 3


def test_catch_up_is_one_run_now_not_one_per_missed_interval() -> None:
    now = utc("2026-11-22T10:00:00")
    group = CrawlGroup(12, [Source("greenhouage:a", "greenhouse", "A"), Source("lever:b", "lever", "B")])
    week_ago = {
        "greenhouage:a": {"started": "2026-11-15T10:00:00Z"},
        "lever:b": {"started": "2026-11-22T09:00:00Z"},
    }
    assert group_next_run(group, week_ago, now) == now
    recent = {
        "greenhouage:a": {"started": "2026-11-22T08:00:00Z"},
        "lever:b": {"started": "2026-11-22T09:00:00Z"},
    }
    assert group_next_run(group, recent, now) == utc("2026-11-22T20:00:00")  # the older one's due time
    assert group_next_run(group, {}, now) == now  # never crawled


def test_status_rows_show_next_crawls_and_digests(home: Path) -> None:
    write_profile(home, "amina", timezone="America/New_York", digest_time="08:00")
    db = open_db(paths().ensure().db)
    db.conn.execute(
        "INSERT INTO crawl_runs (run_id, source_id, family, started, finished, outcome) VALUES"
        " ('b1:greenhouse:harborviewresearch', 'greenhouse:harborviewresearch', 'greenhouse',"
        " '2026-10-31T06:00:00Z', '2026-10-31T06:01:00Z', 'ok')"
    )
    now = utc("2026-10-31T09:00:00")
    rows = status_rows(db, Settings(crawl_interval_hours=12), registry=load_registry(DEMO_REGISTRY), now=now)
    crawl = {r["name"]: r for r in rows if r["job"] == "crawl"}
    assert crawl["greenhouse:harborviewresearch"]["last"] == "2026-10-31T06:00:00Z"
    assert (
        crawl["greenhouse:harborviewresearch"]["next"] == "2026-10-31T09:00:00Z"
    )  # others never crawled: now
    [digest] = [r for r in rows if r["job"] == "digest"]
    assert digest["name"] == "amina" and digest["next"] == "2026-10-31T12:00:00Z"
    assert digest["next_local"] == "2026-10-31 08:00 EDT" and digest["last"] is None
    assert not [r for r in rows if r["job"] == "research sites"]  # no profile place to search around
    (home / "profiles" / "nadia.toml").write_text(
        'roles = ["crc"]\nwork_authorization = "opt"\n[[locations]]\ncity = "Boston"\nstate = "MA"\n', encoding="utf-8")
    db.conn.execute(
        "INSERT INTO crawl_runs (run_id, source_id, family, started, finished, outcome) VALUES"
        " ('b2:clinicaltrials:Boston MA (25 mi)', 'clinicaltrials:Boston MA (25 mi)', 'clinicaltrials',"
        " '2026-10-31T07:00:00Z', '2026-10-31T07:02:00Z', 'ok')"
    )
    rows = status_rows(db, Settings(crawl_interval_hours=12), registry=load_registry(DEMO_REGISTRY), now=now)
    [sites] = [r for r in rows if r["job"] == "research sites"]
    assert (sites["name"], sites["every"], sites["last"], sites["last_outcome"], sites["next"]) == (
        "1 areas", "24h", "2026-10-31T07:00:00Z", "ok", "2026-11-01T07:00:00Z")  # fmt: skip
    db.conn.close()
