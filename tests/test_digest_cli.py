"""The commands: `digest`, `feed` and `run`, through the real entry point (exit codes, one-line errors)."""

from __future__ import annotations

import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from conftest import FAST, write_registry
from test_digest_support import add_match, add_postings, write_profile

from researchjobs.cli import main
from researchjobs.config import paths
from researchjobs.replay import Recordings, ReplayServer
from researchjobs.storage.db import open_db

GH = {"id": "greenhouse:harborviewresearch", "family": "greenhouse", "employer": "Harborview Clinical Research",
      "employer_type": "site_network", "board": "harborviewresearch"}  # fmt: skip


def cli(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, *args: str
) -> tuple[int, str, str]:
    monkeypatch.setattr(sys, "argv", ["researchjobs", *args])
    try:
        main()
        code = 0
    except SystemExit as exc:
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, " ".join(err.split())


def seed(home: Path) -> None:
    write_profile(home, "amina")
    db = open_db(paths().ensure().db)
    keys = add_postings(db, [{"id": "1", "title": "Clinical Research Coordinator I"}])
    add_match(db, "amina", keys["1"])
    db.conn.close()


def test_digest_dry_run_then_outbox_then_feed(home: Path, capsys, monkeypatch) -> None:
    seed(home)
    code, out, _ = cli(capsys, monkeypatch, "digest", "--dry-run")
    assert code == 0 and "1 new research job for amina" in out and "Clinical Research Coordinator I" in out
    assert not list(paths().outbox.glob("*"))
    code, out, _ = cli(capsys, monkeypatch, "digest", "--profile", "amina")
    assert code == 0 and "amina: sent (1 jobs, 1 open to you)" in " ".join(out.split())
    assert len(list(paths().outbox.glob("*.eml"))) == 1
    code, out, _ = cli(capsys, monkeypatch, "feed", "amina", "--stdout")
    assert code == 0
    root = ET.fromstring(out)
    assert root.find("{http://www.w3.org/2005/Atom}entry") is not None
    assert (home / "feeds" / "amina.atom").read_text(encoding="utf-8") == out


def test_user_errors_are_one_line(home: Path, capsys, monkeypatch) -> None:
    seed(home)
    code, _, err = cli(capsys, monkeypatch, "feed", "nobody")
    assert code == 1 and err.startswith("error: no profile 'nobody' in") and "Traceback" not in err
    code, out, err = cli(capsys, monkeypatch, "digest", "--profile", "nobody")
    assert (
        code == 1
        and "nobody: error — no profile 'nobody'" in " ".join(out.split())
        and "failed: nobody" in err
    )
    (home / "config.toml").write_text("[smtp]\nport = 587\n")
    code, _, err = cli(capsys, monkeypatch, "digest", "--send")
    assert code == 1 and err.startswith("error:") and "smtp.host is not set" in err


def test_run_crawls_matches_digests_and_names_what_failed(
    home: Path, tmp_path: Path, capsys, monkeypatch
) -> None:
    write_profile(home, "amina", digest_when_empty="note")
    registry = write_registry(tmp_path / "sources.toml", [GH])
    with ReplayServer(recordings=Recordings()) as server:  # nothing recorded: every request is a 404
        sets = [arg for key, value in FAST.items() for arg in ("--set", f"{key}={value}")]
        code, out, err = cli(
            capsys, monkeypatch, "run", "--replay", server.url, "--registry", str(registry), *sets
        )
    assert code == 1
    assert "failed: crawl (greenhouse:harborviewresearch" in err
    assert "matching" not in err and "digest (" not in err  # those parts worked
    assert "amina: sent" in out  # the day's note still went out
    runs = open_db(paths().db).query("SELECT outcome FROM crawl_runs")
    assert [r["outcome"] for r in runs] == ["failed"]
