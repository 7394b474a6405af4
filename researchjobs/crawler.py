"""Running spiders: in this process (the one-shot CLI) or in a child process (scheduler, demo).

Scrapy's reactor cannot restart inside a process, so anything long-lived launches
``python -m researchjobs crawl`` as a subprocess and reads the outcome back from
``crawl_runs`` by batch id: ``scrapy crawl`` exits 0 even when every request failed.
"""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from collections.abc import Callable
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


def run_in_process(plan: CrawlPlan, on_item: Callable[[str], None] | None = None) -> None:
    """Run every family's spider in one reactor; returns when all have closed."""
    os.environ.setdefault("SCRAPY_SETTINGS_MODULE", "researchjobs.settings")
    from scrapy import signals
    from scrapy.crawler import CrawlerProcess
    from scrapy.utils.project import get_project_settings

    settings = get_project_settings()
    settings.setdict(scrapy_settings(plan), priority="cmdline")
    process = CrawlerProcess(settings, install_root_handler=bool(plan.log_file))
    for family, sources in by_family(plan.sources).items():
        crawler = process.create_crawler(family)
        if on_item is not None:

            def item_scraped(item: Any, response: Any = None, spider: Any = None) -> None:
                on_item(getattr(item, "source_id", "?"))

            crawler.signals.connect(item_scraped, signal=signals.item_scraped, weak=False)
        extra = (plan.spider_args or {}).get(family, {})
        process.crawl(crawler, source=",".join(s.id for s in sources), **extra)
    process.start()


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
    try:
        return child.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        child.terminate()  # Scrapy shuts down gracefully on the first SIGTERM
        try:
            return child.wait(timeout=60)
        except subprocess.TimeoutExpired:
            child.kill()
            return child.wait()
