"""Running spiders: in this process (the one-shot CLI) or in a child process (scheduler, demo).

Scrapy's reactor cannot restart inside a process, so anything long-lived launches
``python -m researchjobs crawl`` as a subprocess and reads the outcome back from
``crawl_runs`` by batch id: ``scrapy crawl`` exits 0 even when every request failed.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import threading
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from researchjobs.config import PROJECT_ROOT
from researchjobs.sources import Source


@dataclass
class CrawlPlan:
    sources: list[Source]
    db_path: Path
    registry_path: Path
    batch_id: str
    replay_url: str | None = None
    log_file: Path | None = None
    settings: dict[str, Any] | None = None
    #: Extra ``-a`` arguments per spider (family), e.g. the areas of the clinicaltrials spider.
    spider_args: dict[str, dict[str, str]] | None = None
    #: The CLI command a child process runs, and its arguments (default: ``crawl`` and the source ids).
    command: tuple[str, ...] = ("crawl",)
    arguments: list[str] | None = None

    @classmethod
    def new(cls, sources: list[Source], db_path: Path, registry_path: Path, **kw: Any) -> CrawlPlan:
        return cls(sources, db_path, registry_path, kw.pop("batch_id", None) or new_batch_id(), **kw)

    def run_ids(self) -> list[str]:
        return [f"{self.batch_id}:{s.id}" for s in self.sources]


def new_batch_id() -> str:
    return uuid.uuid4().hex[:12]


def scrapy_settings(plan: CrawlPlan) -> dict[str, Any]:
    settings: dict[str, Any] = {
        "RESEARCHJOBS_DB": str(plan.db_path),
        "RESEARCHJOBS_REGISTRY": str(plan.registry_path),
        "RUN_ID": plan.batch_id,
    }
    if plan.replay_url:
        settings["REPLAY_URL"] = plan.replay_url
    if plan.log_file:
        plan.log_file.parent.mkdir(parents=True, exist_ok=True)
        settings["LOG_FILE"] = str(plan.log_file)
        settings["LOG_FILE_APPEND"] = False
    settings.update(plan.settings or {})
    return settings


def by_family(sources: list[Source]) -> dict[str, list[Source]]:
    grouped: dict[str, list[Source]] = {}
    for source in sources:
        grouped.setdefault(source.family, []).append(source)
    return grouped


def run_in_process(plan: CrawlPlan, on_item: Callable[[str], None] | None = None) -> list[str]:
    """Run every family's spider in one reactor; returns, when all have closed, the
    database errors met on the way (they may be missing from ``crawl_runs`` itself)."""
    os.environ.setdefault("SCRAPY_SETTINGS_MODULE", "researchjobs.settings")
    from scrapy import signals
    from scrapy.crawler import CrawlerProcess
    from scrapy.utils.project import get_project_settings

    from researchjobs.pipelines import storage_error

    settings = get_project_settings()
    settings.setdict(scrapy_settings(plan), priority="cmdline")
    settings.set("LOG_INSTALL_ROOT_HANDLER", bool(plan.log_file), priority="cmdline")
    process = CrawlerProcess(settings)
    storage_errors: list[str] = []
    for family, sources in by_family(plan.sources).items():
        crawler = process.create_crawler(family)
        crawler.signals.connect(lambda message: storage_errors.append(message), signal=storage_error, weak=False)
        if on_item is not None:

            def item_scraped(item: Any, response: Any = None, spider: Any = None) -> None:
                on_item(getattr(item, "source_id", "?"))

            crawler.signals.connect(item_scraped, signal=signals.item_scraped, weak=False)
        extra = (plan.spider_args or {}).get(family, {})
        process.crawl(crawler, source=",".join(s.id for s in sources), **extra)
    process.start()
    return storage_errors


def run_in_subprocess(
    plan: CrawlPlan, timeout: float | None = None, env: dict[str, str] | None = None
) -> int:
    """``python -m researchjobs crawl`` (or ``plan.command``) in its own session; SIGTERM then
    SIGKILL on timeout."""
    arguments = plan.arguments if plan.arguments is not None else [s.id for s in plan.sources]
    argv = [
        sys.executable, "-m", "researchjobs", *plan.command, *arguments,
        "--batch-id", plan.batch_id, "--db", str(plan.db_path),
        "--registry", str(plan.registry_path), "--quiet",
    ]  # fmt: skip
    if plan.replay_url:
        argv += ["--replay", plan.replay_url]
    if plan.log_file:
        argv += ["--log-file", str(plan.log_file)]
    for key, value in (plan.settings or {}).items():
        argv += ["--set", f"{key}={value}"]
    child_env = dict(os.environ, **(env or {}))
    child = subprocess.Popen(
        argv,
        cwd=PROJECT_ROOT,
        env=child_env,
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    with forward_stop_signals(child):
        try:
            return child.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            child.terminate()  # Scrapy shuts down gracefully on the first SIGTERM
            try:
                return child.wait(timeout=60)
            except subprocess.TimeoutExpired:
                child.kill()
                return child.wait()


@contextlib.contextmanager
def forward_stop_signals(child: subprocess.Popen[bytes]) -> Iterator[None]:
    """SIGTERM/SIGINT to us go to the crawl child (in its own session, it hears neither),
    and we keep waiting for it to close its runs; once it has, the signal takes effect
    here as it would have (KeyboardInterrupt, or termination by SIGTERM).

    Only the main thread can handle signals: the scheduler, which runs crawls from worker
    threads, stops its children itself.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    received: list[int] = []

    def forward(signum: int, frame: Any) -> None:
        received.append(signum)
        with contextlib.suppress(ProcessLookupError):
            child.send_signal(signum)  # a second Ctrl-C makes Scrapy stop at once

    previous = {signum: signal.signal(signum, forward) for signum in (signal.SIGTERM, signal.SIGINT)}
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
    if received:
        signal.raise_signal(received[0])
