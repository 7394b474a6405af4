"""Profiles a person typed by hand, or a file that is not a file: one profile's problem is
reported in one line and never costs another profile its digest."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

PROFILE = 'roles = ["clinical research coordinator"]\nwork_authorization = "needs_h1b"\n'


def run(*args: str, timeout: float = 60) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "researchjobs", *args], capture_output=True, text=True,
                          env={**os.environ, "COLUMNS": "200"}, timeout=timeout)  # fmt: skip


def test_a_fifo_named_like_a_profile_is_reported_not_opened(home: Path) -> None:
    profiles = home / "profiles"
    profiles.mkdir()
    (profiles / "amina.toml").write_text(PROFILE)
    os.mkfifo(profiles / "stuck.toml")
    (profiles / "folder.toml").mkdir()
    try:
        every = run("profile", "check", timeout=30)
        one = run("profile", "check", "stuck", timeout=30)
    except subprocess.TimeoutExpired:
        pytest.fail("profile check blocked on a FIFO")
    assert every.returncode == 1 and "amina.toml" in every.stdout
    assert "stuck.toml: not a regular file" in every.stderr
    assert "folder.toml: not a regular file" in every.stderr
    assert one.returncode == 1 and one.stderr.count("\n") == 1 and "stuck.toml: not a regular file" in one.stderr


def _seed_jobs(names: list[str]) -> None:
    from test_digest_support import add_match, add_postings

    from researchjobs.config import paths
    from researchjobs.storage.db import open_db

    db = open_db(paths().ensure().db)
    keys = add_postings(db, [{"id": "1", "title": "Clinical Research Coordinator I"}])
    for name in names:
        add_match(db, name, keys["1"])
    db.conn.close()


def test_an_address_the_mailer_cannot_parse_fails_profile_check(home: Path) -> None:
    profiles = home / "profiles"
    profiles.mkdir()
    (profiles / "bad.toml").write_text('email = "<script>@x.org"\n' + PROFILE)
    result = run("profile", "check", "bad")
    assert result.returncode == 1 and len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert "bad.toml:1: email: '<script>@x.org' is not an e-mail address a digest can be sent to" in result.stderr


def test_one_bad_address_does_not_cost_the_others_their_digest(home: Path) -> None:
    from test_digest_support import write_profile

    write_profile(home, "amina")
    (home / "profiles" / "bad.toml").write_text('email = "<script>@x.org"\n' + PROFILE)
    _seed_jobs(["amina", "bad"])
    result = run("digest")
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr and "failed: bad" in result.stderr
    assert "amina: sent (1 jobs, 1 open to you)" in " ".join(result.stdout.split())
    assert len(list((home / "outbox").glob("*amina*.eml"))) == 1


def test_a_profile_object_with_an_unusable_address_is_reported_not_raised(home: Path) -> None:
    """Objects handed to run_digests (not loaded from a file) get the same check, and a
    failure inside one profile's digest is that profile's result, not everyone's."""
    import dataclasses

    from test_digest_support import write_profile

    from researchjobs.config import paths
    from researchjobs.digest import run_digests
    from researchjobs.storage.db import open_db

    amina = write_profile(home, "amina")
    _seed_jobs(["amina", "raw", "odd"])
    raw = dataclasses.replace(amina, name="raw", email="<script>@x.org")
    odd = dataclasses.replace(amina, name="odd", email=None, timezone=None)  # no loader lets this through
    db = open_db(paths().db)
    results = {r.profile: r for r in run_digests(db, paths(), profiles=[raw, odd, amina])}
    db.conn.close()
    assert results["raw"].state == "error" and "cannot be sent to" in results["raw"].error
    assert results["odd"].state == "error"
    assert results["amina"].state == "sent"


_TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=60)
_ADDRESS_LIKE = st.from_regex(r'[a-z0-9<>"(),:;@\[\]\\. \t\r\n+=_-]{1,20}@[a-z0-9.\[\]<>-]{1,20}', fullmatch=True)
EMAILS = st.one_of(_TEXT, _ADDRESS_LIKE, st.emails())


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(email=EMAILS)
def test_any_email_text_is_refused_by_profile_check_or_gets_its_digest(home: Path, email: str) -> None:
    """What `profile check` accepts the digest can address; what it refuses never reaches it."""
    import json

    from researchjobs.addresses import valid_recipient
    from researchjobs.config import paths
    from researchjobs.digest import run_digests
    from researchjobs.matcher.profiles import ProfileError, parse_profile
    from researchjobs.storage.db import open_db

    path = home / "profiles" / "hyp.toml"
    text = f"email = {json.dumps(email, ensure_ascii=False)}\n" + PROFILE
    try:
        profile = parse_profile(text, path)
    except ProfileError as exc:
        assert str(exc).startswith(str(path)) and "\n" not in str(exc).strip()
        return
    if profile.email:
        assert valid_recipient(profile.email) == profile.email
    db = open_db(paths().ensure().db)
    try:
        if not db["postings"].count:
            _seed_jobs(["hyp"])
        [result] = run_digests(db, paths(), profiles=[profile], dry_run=True)
    finally:
        db.conn.close()
    assert result.state == "dry-run", result
    if profile.email:  # the header the outbox and SMTP get reads back as the same address
        from email import message_from_bytes
        from email.policy import default

        from researchjobs.digest import render

        view = render.DigestView(profile="hyp", local_date="2026-12-04", items=[], profile_path=str(path))
        message, _ = render.build_message(view, sender=None, recipient=profile.email, message_id="<1@x.org>",
                                          when=datetime(2026, 12, 4, tzinfo=UTC))  # fmt: skip
        assert message_from_bytes(message, policy=default)["To"].addresses[0].addr_spec == profile.email


def test_digest_matches_what_was_crawled_since_the_last_match(home: Path) -> None:
    """`digest` right after `crawl` (no `match` between) carries the new jobs, as `run` does."""
    from test_digest_support import add_postings, write_profile

    from researchjobs.config import paths
    from researchjobs.storage.db import open_db

    write_profile(home, "amina")
    db = open_db(paths().ensure().db)
    add_postings(db, [{"id": "1", "title": "Clinical Research Coordinator I", "location_raw": "Boston, MA",
                       "description": "Coordinate oncology trials. Visa sponsorship available."}])  # fmt: skip
    db.conn.close()
    result = run("digest")
    assert result.returncode == 0, result.stderr
    assert "amina: sent (1 jobs" in " ".join(result.stdout.split()), result.stdout
    feed = run("feed", "amina", "--stdout")
    assert feed.returncode == 0 and "Clinical Research Coordinator I" in feed.stdout
