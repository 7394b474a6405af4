"""``sources check``: each source's first crawl request, judged the way a crawl would be.

A check is a crawl cut short: the same spider builds the same first request
(``requests_for(source)``, so a family added later is checked with no extra code), the
same downloader sends it (User-Agent, robots.txt, retries, safe redirects, the replay
server with ``--replay``), the same callback reads the answer, and the same
``outcomes.decide`` judges it. Nothing is stored and no follow-up request is sent;
``CheckRecorder`` counts what the first answer listed and maps the decision to a verdict:

- ``ok`` (with the count) or ``empty``: the board answered in its format;
- ``wrong_identifier``: 404/410, a host that does not exist, or an answer that is not
  this family's format (a careers page where the API was expected);
- ``moved``: the board redirected (``--fix`` can update the identifier when it moved
  within the same hiring system);
- ``blocked``: 401/403/429 or a WAF page after retries, robots.txt, or no answer;
- ``offline``: our network, not the board. Never written to the registry.
"""

from __future__ import annotations

import json
import tempfile
from collections import Counter
from collections.abc import AsyncIterator, Iterable
from dataclasses import asdict, dataclass, replace
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

from scrapy import Request, signals
from scrapy.exceptions import NotConfigured

from researchjobs.hosts import judge_redirect
from researchjobs.outcomes import decide, facts_from_state, verdict
from researchjobs.posting import Posting
from researchjobs.sources import Source, set_params, set_verifications

#: Verdicts written to the registry; ``offline`` and "not observed" never are.
RECORDED = ("ok", "empty", "wrong_identifier", "moved", "blocked")


@dataclass
class CheckResult:
    source_id: str
    verdict: str | None  # None: nothing observed (skipped, a bug of ours)
    detail: str
    listed: int = 0
    more_pages: bool = False
    location: str | None = None  # where a moved board went
    fixable: bool = False  # moved within the same hiring system: --fix may update the identifier

    def __str__(self) -> str:
        label = self.verdict or "not checked"
        return f"{self.source_id}: {label}: {self.detail}"


# ------------------------------------------------------------------ inside the crawl


class CheckRecorder:
    """Spider middleware for check mode: counts what each first answer lists, keeps nothing."""

    def __init__(self, crawler: Any, out: Path) -> None:
        self.crawler = crawler
        self.out = out
        self.listed: Counter[str] = Counter()
        self.more: set[str] = set()
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler: Any) -> CheckRecorder:
        if not crawler.settings.getbool("RESEARCHJOBS_CHECK"):
            raise NotConfigured
        return cls(crawler, Path(crawler.settings["RESEARCHJOBS_CHECK_OUT"]))

    def _count(self, response: Any, output: Any) -> None:
        source_id = response.meta.get("source_id")
        if source_id is None:
            return
        if isinstance(output, Posting):
            self.listed[source_id] += 1
        elif isinstance(output, Request):
            # Another page of the same list, or one job's detail to fetch.
            same = getattr(output, "callback", None) == getattr(response.request, "callback", None)
            if same:
                self.more.add(source_id)
            else:
                self.listed[source_id] += 1

    def process_spider_output(self, response: Any, result: Iterable[Any]) -> Iterable[Any]:
        for output in result:
            self._count(response, output)
        return ()

    async def process_spider_output_async(self, response: Any, result: AsyncIterator[Any]) -> AsyncIterator[Any]:
        async for output in result:
            self._count(response, output)
        return
        yield  # an async generator that yields nothing

    def spider_closed(self, spider: Any, reason: str) -> None:
        from researchjobs.middlewares import network_for

        watch = network_for(self.crawler).watch
        offline = watch.line if watch.offline else None
        with self.out.open("a", encoding="utf-8") as handle:
            for source_id, state in spider.state.items():
                listed = self.listed[source_id]
                facts = facts_from_state(state, reason, offline, seen=listed)
                result = judge(type(spider), state.source, facts, listed, source_id in self.more)
                handle.write(json.dumps(asdict(result)) + "\n")


def judge(spider_cls: Any, source: Source, facts: Any, listed: int, more: bool) -> CheckResult:
    decision = decide(facts, source.id)
    found = verdict(decision, facts, listed)
    location = facts.moved_to
    fixable = False
    if found == "moved" and location:
        first = first_request(spider_cls, source)
        fixable = first is not None and judge_redirect(first.url, location, spider_cls.hosts).allowed
    detail = _detail(found, decision, listed, more, location, fixable)
    return CheckResult(source.id, found, detail, listed, more, location, fixable)


def _detail(found: str | None, decision: Any, listed: int, more: bool, location: str | None, fixable: bool) -> str:
    if found in ("ok", "empty"):
        pages = " on the first page (more pages follow)" if more else ""
        return f"{listed} postings listed{pages}" if listed else "the board answered and lists no postings"
    if found == "moved":
        how = ("within the same hiring system; `researchjobs sources check --fix` updates the identifier"
               if fixable else "not followed; find the board's new address and re-add it")  # fmt: skip
        return f"moved to {location} ({how})"
    return "; ".join(decision.errors)[:300] or decision.outcome


# ------------------------------------------------------------------ building and running


def spider_class(family: str) -> Any:
    """The family's spider class (a ``SourceSpider`` subclass in its module)."""
    from researchjobs.spiders import family_module
    from researchjobs.spiders.base import SourceSpider

    module = family_module(family)
    for value in vars(module).values():
        if isinstance(value, type) and issubclass(value, SourceSpider) and value.family == family:
            return value
    raise KeyError(f"no spider for the {family} family")


def first_request(spider_cls: Any, source: Source) -> Request | None:
    """The request a crawl of ``source`` starts with, built by its own spider."""
    from researchjobs.spiders.base import SourceState

    spider = spider_cls()
    spider.state = {source.id: SourceState(source)}
    try:
        return next(iter(spider.requests_for(source)), None)
    except ValueError:
        return None


def check_sources(
    sources: list[Source],
    registry_path: Path,
    *,
    replay_url: str | None = None,
    timeout: float = 15,
    log_file: Path | None = None,
    settings: dict[str, Any] | None = None,
) -> list[CheckResult]:
    """Run the check crawl in this process (once per process: Scrapy's reactor cannot restart)."""
    from researchjobs.crawler import CrawlPlan, run_in_process

    with tempfile.TemporaryDirectory(prefix="researchjobs-check-") as tmp:
        out = Path(tmp) / "results.jsonl"
        out.touch()
        plan = CrawlPlan.new(
            sources, Path(tmp) / "unused.db", registry_path, replay_url=replay_url, log_file=log_file,
            settings={"RESEARCHJOBS_CHECK": True, "RESEARCHJOBS_CHECK_OUT": str(out),
                      "DOWNLOAD_TIMEOUT": timeout, **(settings or {})},
        )  # fmt: skip
        run_in_process(plan)
        found = {}
        for line in out.read_text(encoding="utf-8").splitlines():
            data = json.loads(line)
            found[data["source_id"]] = CheckResult(**data)
    return [found.get(s.id) or CheckResult(s.id, None, "the check did not run (see the log)") for s in sources]


def offline_line(results: list[CheckResult]) -> str | None:
    return next((r.detail for r in results if r.verdict == "offline"), None)


def record_verdicts(data_root: Path, sources: dict[str, Source], results: list[CheckResult]) -> dict[str, str]:
    """Write the verdicts a check observed into the user's registry; return what was written.

    ``offline`` and unobserved results are never written. A person's ``verified`` stays
    when the check finds the board answering (``ok``).
    """
    states = {}
    for result in results:
        if result.verdict not in RECORDED:
            continue
        current = sources[result.source_id].verified if result.source_id in sources else None
        if result.verdict == "ok" and current == "verified":
            continue
        states[result.source_id] = result.verdict
    if states:
        set_verifications(data_root, states)
    return states


# ------------------------------------------------------------------ --fix


def fixed_params(source: Source, location: str) -> dict[str, Any] | None:
    """The identifier values that make the source's first request go to ``location``.

    Found generically: values equal to the old host, URL or a path segment are replaced
    by their counterparts in the new URL, and the result is accepted only when the
    family's own spider then builds a first request for exactly ``location``.
    """
    spider_cls = spider_class(source.family)
    first = first_request(spider_cls, source)
    if first is None:
        return None
    old, new = urlsplit(first.url), urlsplit(location)
    changes: dict[str, Any] = {}
    old_segments, new_segments = old.path.split("/"), new.path.split("/")
    for name, value in source.params.items():
        if not isinstance(value, str):
            continue
        if value.lower() == (old.hostname or "") and new.hostname:
            if new.hostname != value.lower():
                changes[name] = new.hostname
        elif value.startswith(("http://", "https://")) and first.url.startswith(value):
            suffix = first.url[len(value) :]  # what the spider adds to the URL (a query, a page)
            moved = location[: len(location) - len(suffix)] if suffix else location
            if location.endswith(suffix) and moved != value:
                changes[name] = moved
        elif len(old_segments) == len(new_segments) and value in old_segments:
            index = old_segments.index(value)
            if new_segments[index] != value:
                changes[name] = new_segments[index]
    if not changes:
        return None
    rebuilt = first_request(spider_cls, replace(source, params={**source.params, **changes}))
    if rebuilt is None or not _same_url(rebuilt.url, location):
        return None
    return changes


def _same_url(a: str, b: str) -> bool:
    pa, pb = urlsplit(a), urlsplit(b)
    query = lambda p: urlencode(sorted(parse_qsl(p.query, keep_blank_values=True)))  # noqa: E731
    return (pa.scheme, (pa.hostname or "").lower(), pa.path.rstrip("/"), query(pa)) == (
        pb.scheme, (pb.hostname or "").lower(), pb.path.rstrip("/"), query(pb),
    )  # fmt: skip


def apply_fixes(data_root: Path, sources: dict[str, Source], results: list[CheckResult]) -> list[str]:
    """Update the identifiers of boards that moved within their hiring system; one line per change."""
    lines = []
    for result in results:
        source = sources.get(result.source_id)
        if result.verdict != "moved" or not result.fixable or not result.location or source is None:
            continue
        changes = fixed_params(source, result.location)
        if not changes:
            lines.append(f"{source.id}: moved to {result.location}, but which identifier changed is unclear; "
                         "edit sources.toml by hand")  # fmt: skip
            continue
        why = f"moved, updated by `researchjobs sources check --fix` on {date.today().isoformat()}"
        path = set_params(data_root, source.id, changes, verified="ok", why=why)
        said = ", ".join(f"{k} {source.params.get(k)!r} → {v!r}" for k, v in changes.items())
        lines.append(f"fixed {source.id}: {said} (in {path})")
    return lines
