"""Shared test harness: an isolated data directory, and real crawls against the replay server.

``crawl_with`` runs ``python -m researchjobs crawl`` in a subprocess against a
``ReplayServer`` on 127.0.0.1 — the same code path as a live crawl — and returns
the ``crawl_runs`` rows and the database.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from researchjobs.config import PROJECT_ROOT
from researchjobs.crawler import CrawlPlan, run_in_subprocess
from researchjobs.replay import Recordings, ReplayServer
from researchjobs.sources import load_registry
from researchjobs.storage.db import open_db
from researchjobs.storage.runs import runs_for

REAL_FIXTURES = Path(__file__).resolve().parents[1].parent / "shared" / "fixtures" / "real"
FIXTURES = Path(__file__).resolve().parent / "fixtures"

#: Crawl settings that keep tests fast without changing the code path.
FAST = {
    "AUTOTHROTTLE_ENABLED": "False",
    "DOWNLOAD_DELAY": "0",
    "RETRY_BACKOFF_BASE": "0.05",
    "RETRY_BACKOFF_MAX": "0.5",
    "DOWNLOAD_TIMEOUT": "5",
}


def real_fixture_files(family: str) -> list[Path]:
    folder = REAL_FIXTURES / family
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.is_file())


needs_real = pytest.mark.skipif(not REAL_FIXTURES.is_dir(), reason="../shared/fixtures/real is absent")


@pytest.fixture(autouse=True)
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "home"
    root.mkdir()
    monkeypatch.setenv("RESEARCHJOBS_HOME", str(root))
    for name in ("RESEARCHJOBS_SMTP_PASSWORD", "USAJOBS_API_KEY", "USAJOBS_EMAIL"):
        monkeypatch.delenv(name, raising=False)
    return root


@dataclass
class CrawlResult:
    runs: dict[str, dict[str, Any]]
    db_path: Path
    exit_code: int
    recordings: Recordings

    def db(self) -> Any:
        return open_db(self.db_path)

    def postings(self, source_id: str | None = None) -> list[dict[str, Any]]:
        db = self.db()
        try:
            if source_id:
                return list(db.query("SELECT * FROM postings WHERE source_id = ? ORDER BY key", [source_id]))
            return list(db.query("SELECT * FROM postings ORDER BY key"))
        finally:
            db.conn.close()

    def stats(self, source_id: str) -> dict[str, Any]:
        return json.loads(self.runs[source_id].get("stats_json") or "{}")


def write_registry(path: Path, entries: list[dict[str, Any]]) -> Path:
    """A registry TOML from plain dicts (strings, ints, bools, lists of strings)."""
    lines: list[str] = []
    for entry in entries:
        lines.append("[[source]]")
        for key, value in entry.items():
            lines.append(f"{key} = {json.dumps(value)}")
        lines.append("")
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def crawl_with(
    tmp_path: Path,
    recordings: Recordings,
    registry_entries: list[dict[str, Any]],
    source_ids: list[str] | None = None,
    *,
    db_path: Path | None = None,
    settings: dict[str, str] | None = None,
    env: dict[str, str] | None = None,
    timeout: float = 120,
) -> CrawlResult:
    registry_path = write_registry(tmp_path / "sources.toml", registry_entries)
    registry = load_registry(registry_path)
    assert not registry.errors, registry.errors
    wanted = source_ids or list(registry.sources)
    db_path = db_path or tmp_path / "jobs.db"
    with ReplayServer(recordings=recordings) as server:
        plan = CrawlPlan.new(
            [registry.sources[s] for s in wanted],
            db_path,
            registry_path,
            replay_url=server.url,
            log_file=tmp_path / "crawl.log",
            settings={**FAST, **(settings or {})},
        )
        code = run_in_subprocess(plan, timeout=timeout, env={"RESEARCHJOBS_HOME": os.environ["RESEARCHJOBS_HOME"], **(env or {})})
    db = open_db(db_path)
    try:
        runs = {r["source_id"]: r for r in runs_for(db, plan.run_ids())}
    finally:
        db.conn.close()
    return CrawlResult(runs, db_path, code, recordings)


#: Settings that make Scrapy resolve no host at all: a machine with no network.
NO_NETWORK = {"TWISTED_DNS_RESOLVER": "researchjobs.resolvers.NoNetworkResolver"}


def run_cli(home: Path, *args: str, timeout: float = 180) -> subprocess.CompletedProcess:
    """``python -m researchjobs ARGS`` as a user runs it, with ``home`` as the data directory."""
    env = {**os.environ, "RESEARCHJOBS_HOME": str(home), "COLUMNS": "200"}
    return subprocess.run([sys.executable, "-m", "researchjobs", *args], cwd=PROJECT_ROOT, env=env,
                          capture_output=True, text=True, timeout=timeout)  # fmt: skip


def set_args(settings: dict[str, str]) -> list[str]:
    return [arg for name, value in settings.items() for arg in ("--set", f"{name}={value}")]


PORTAL_PAGE = (
    b"<!DOCTYPE html><html><head><title>Harbourside Hotel Guest Wi-Fi</title></head><body>"
    b"<h1>Welcome, guest</h1><form action=/login method=post><input name=room>"
    b"<button>Accept terms and connect</button></form></body></html>"
)


class _Portal(BaseHTTPRequestHandler):
    """A captive portal: every host, path and method gets the same login page."""

    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: object) -> None:
        return

    def _answer(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(length)
        self.server.hits += 1  # type: ignore[attr-defined]
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(PORTAL_PAGE)))
        self.end_headers()
        self.wfile.write(PORTAL_PAGE)

    def do_GET(self) -> None:
        self._answer()

    def do_POST(self) -> None:
        self._answer()


@pytest.fixture
def captive_portal() -> Iterator[ThreadingHTTPServer]:
    """A second local server playing a captive portal; its URL is ``f"http://127.0.0.1:{port}"``."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Portal)
    server.hits = 0  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


def portal_url(server: ThreadingHTTPServer) -> str:
    return f"http://127.0.0.1:{server.server_address[1]}"
