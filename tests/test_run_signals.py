"""A `researchjobs run` stopped by SIGTERM or Ctrl-C takes its crawl child down with it:
the child is told, closes its runs cleanly (nothing closed, nothing half-written) and is
waited for; it is never left crawling on its own, re-parented to init."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import FAST, write_registry
from test_scheduler import DEMO_RECORDINGS, LV, processes_with, rows, wait_for

from researchjobs.config import PROJECT_ROOT
from researchjobs.replay import Recordings, ReplayServer

SLOW = "https://api.lever.co/v0/postings/lakeshorehealth?mode=json&skip=4&limit=4"


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="needs /proc to look for leftover processes")
@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_stopping_run_stops_and_waits_for_its_crawl(home: Path, tmp_path: Path, signum: int) -> None:
    registry = write_registry(tmp_path / "sources.toml", [LV])
    recordings = Recordings().load_dir(DEMO_RECORDINGS)
    recordings.add({"url": SLOW, "file": "lever_lakeshorehealth_1.json", "delay": 4}, DEMO_RECORDINGS)
    argv = [sys.executable, "-m", "researchjobs", "run", "--registry", str(registry), "--set", "DOWNLOAD_TIMEOUT=60"]
    argv += [arg for key, value in FAST.items() if key != "DOWNLOAD_TIMEOUT" for arg in ("--set", f"{key}={value}")]
    with ReplayServer(recordings=recordings) as server:
        run = subprocess.Popen([*argv, "--replay", server.url], cwd=PROJECT_ROOT, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, env=dict(os.environ, RESEARCHJOBS_HOME=str(home)))  # fmt: skip
        try:
            wait_for(lambda: any("skip=4" in k for k in recordings.hits), 90, "the slow page to be requested")
            [running] = rows("SELECT run_id FROM crawl_runs WHERE outcome = 'running'")
            batch = running["run_id"].split(":")[0]
            assert processes_with(batch)  # the crawl child is alive, mid-request
            run.send_signal(signum)
            run.communicate(timeout=90)
        finally:
            if run.poll() is None:
                run.kill()
    assert not processes_with(batch), "the crawl child outlived `researchjobs run`"
    [recorded] = rows("SELECT outcome, complete FROM crawl_runs")
    assert recorded["outcome"] not in ("running", "ok") and not recorded["complete"]  # closes nothing
    assert run.returncode in (-signum, 128 + signum, 130)
    crawl_log = (home / "logs" / f"crawl-{batch}.log").read_text()
    assert "shutting down gracefully" in crawl_log
