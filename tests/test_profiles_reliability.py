"""Profiles a person typed by hand, or a file that is not a file: one profile's problem is
reported in one line and never costs another profile its digest."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

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
