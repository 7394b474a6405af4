"""The face of researchjobs: one Typer app. Commands compose the parts; no logic lives here."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from researchjobs import __version__
from researchjobs.config import ConfigError, paths
from researchjobs.output import FORMATS, console, emit, err_console, tagged
from researchjobs.sources import EMPLOYER_TYPES, RegistryError, load_registry, registry_path
from researchjobs.storage.db import StorageError

app = typer.Typer(
    name="researchjobs",
    help="Entry-level clinical-research jobs for international medical graduates.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
sources_app = typer.Typer(help="The source registry: which employer boards to crawl.", no_args_is_help=True)
app.add_typer(sources_app, name="sources")


#: What ``output`` does to CSV cells, said wherever CSV can be asked for.
CSV_NOTE = "In CSV, a cell starting with = + - @ tab or CR gets a leading ' so spreadsheets show it, not run it as a formula."


class UserError(Exception):
    """A problem the user can fix; printed as one line, exit code 1."""


def fail(message: str) -> None:
    raise UserError(message)


def check_format(fmt: str, allowed: tuple[str, ...] = FORMATS) -> str:
    if fmt not in allowed:
        fail(f"--format must be one of {', '.join(allowed)}, got {fmt!r}")
    return fmt


def open_database(db: Path | None = None):
    from researchjobs.storage.db import open_db

    return open_db(db or paths().ensure().db)


def _check_writable(db_path: Path) -> None:
    from researchjobs.storage.db import require_writable

    db = open_database(db_path)
    try:
        require_writable(db, db_path)
    finally:
        db.conn.close()


def registry(path: Path | None = None):
    reg = load_registry(path or registry_path(paths().root))
    for error in reg.errors:
        err_console.print(tagged("warning:", "yellow", error), highlight=False)
    return reg


def _print_version(value: bool) -> None:
    """Eager, so that ``--version`` alone works although a command is otherwise required."""
    if value:
        console.print(f"researchjobs {__version__}", highlight=False, markup=False)
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool, typer.Option("--version", help="Print the version and exit.", is_eager=True, callback=_print_version)
    ] = False,
) -> None:
    pass


# ---------------------------------------------------------------- crawl


@app.command()
def crawl(
    source_ids: Annotated[list[str] | None, typer.Argument(help="Source ids, e.g. greenhouse:headlandsresearch")] = None,
    family: Annotated[list[str] | None, typer.Option("--family", "-f", help="Every source of this family.")] = None,
    all_sources: Annotated[bool, typer.Option("--all", help="Every enabled source.")] = False,
    db: Annotated[Path | None, typer.Option(help="Database file (default: the data directory's).")] = None,
    registry_file: Annotated[Path | None, typer.Option("--registry", help="Source registry TOML.")] = None,
    replay: Annotated[str | None, typer.Option(help="Send requests to this replay server URL.")] = None,
    batch_id: Annotated[str | None, typer.Option(help="Id for this crawl's runs (default: new).")] = None,
    setting: Annotated[list[str] | None, typer.Option("--set", help="Scrapy setting NAME=VALUE.")] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress display.")] = False,
    log_file: Annotated[Path | None, typer.Option(help="Crawl log (default: DATA_DIR/logs/crawl-BATCH.log).")] = None,
) -> None:
    """Crawl sources now and print what each one gave.

    Example: researchjobs crawl greenhouse:headlandsresearch lever:veeva
    """
    from researchjobs.crawler import CrawlPlan, new_batch_id
    from researchjobs.reports import crawl_summary

    reg = registry(registry_file)
    chosen = select_sources(reg, source_ids or [], family or [], all_sources)
    settings = dict(_parse_setting(s) for s in setting or [])
    root = paths().ensure()
    batch = _check_batch(batch_id, db or root.db) if batch_id else new_batch_id()
    plan = CrawlPlan.new(
        chosen,
        db or root.db,
        reg.path,
        batch_id=batch,
        replay_url=replay,
        log_file=log_file or root.logs / f"crawl-{batch}.log",
        settings=settings,
    )
    _check_writable(plan.db_path)  # migrate, and fail early on a bad path or a read-only file
    storage_errors = _run_crawl(plan, quiet)
    report = crawl_summary(plan, quiet=quiet, storage_errors=storage_errors)
    if report.offline:
        err_console.print(report.offline, highlight=False, markup=False, soft_wrap=True)
        raise typer.Exit(1)
    if report.failed:
        err_console.print(tagged("failed:", "red", f"{', '.join(report.failed)} (log: {plan.log_file})"), highlight=False)
        raise typer.Exit(1)


def _check_batch(batch_id: str, db_path: Path) -> str:
    """A batch id given by hand: safe as a file name, and not one whose runs it would overwrite."""
    from researchjobs.storage.runs import batch_runs, check_batch_id

    try:
        check_batch_id(batch_id)
    except ValueError as exc:
        fail(str(exc))
    db = open_database(db_path)
    try:
        used = batch_runs(db, batch_id)
    finally:
        db.conn.close()
    if used:
        fail(f"--batch-id {batch_id!r} was already used ({used} runs recorded); give a new one, or leave it out")
    return batch_id


def _run_crawl(plan, quiet: bool, unit: str = "postings") -> list[str]:  # (CrawlPlan, ...): a spinner per source
    """Crawl in this process; returns the storage errors it met (see ``crawler.run_in_process``)."""
    from rich.markup import escape
    from rich.progress import Progress, SpinnerColumn, TextColumn

    from researchjobs.crawler import run_in_process

    if quiet:
        return run_in_process(plan)
    with Progress(SpinnerColumn(), TextColumn("{task.description}"), console=err_console, transient=True) as progress:
        tasks = {s.id: progress.add_task(escape(f"{s.id}: 0 {unit}"), total=None) for s in plan.sources}
        seen: dict[str, int] = dict.fromkeys(tasks, 0)

        def on_item(source_id: str) -> None:
            if source_id in tasks:
                seen[source_id] += 1
                progress.update(tasks[source_id], description=escape(f"{source_id}: {seen[source_id]} {unit}"))

        return run_in_process(plan, on_item=on_item)


def select_sources(reg, ids: list[str], families: list[str], everything: bool):
    from researchjobs.spiders import FAMILIES

    if not ids and not families and not everything:
        fail("name sources to crawl, or use --family NAME or --all (see `researchjobs sources list`)")
    chosen = []
    for source_id in ids:
        source = reg.get(source_id)
        if source is None:
            fail(f"unknown source {source_id!r} in {reg.path} (see `researchjobs sources list`)")
        chosen.append(source)
    for name in families:
        if name not in FAMILIES:
            fail(f"unknown family {name!r}; known: {', '.join(sorted(FAMILIES))}")
        chosen += [s for s in reg.by_family(name) if s.enabled]
    if everything:
        chosen += [s for s in reg.sources.values() if s.enabled and s.family in FAMILIES]
    unique = list({s.id: s for s in chosen}.values())
    if not unique:
        fail("no enabled sources matched")
    return unique


def _parse_setting(text: str) -> tuple[str, str]:
    name, sep, value = text.partition("=")
    if not sep or not name.strip():
        fail(f"--set wants NAME=VALUE, got {text!r}")
    return name.strip(), value


# ---------------------------------------------------------------- parse


@app.command()
def parse(
    family: Annotated[str, typer.Argument(help="Hiring-system family, e.g. greenhouse (or clinicaltrials).")],
    file: Annotated[Path, typer.Argument(help="A saved response: board listing, job detail, page or feed.")],
    url: Annotated[str | None, typer.Option(help="The URL the response came from.")] = None,
    source_id: Annotated[str | None, typer.Option("--source", help="Registry id to attribute postings to.")] = None,
) -> None:
    """Run a family's parser on one saved response, offline; print Postings as JSON lines.

    Example: researchjobs parse greenhouse board.json
    """
    from researchjobs.enrich.normalise import normalise
    from researchjobs.spiders import family_module
    from researchjobs.spiders.base import ParseContext, ParseError, now_iso

    if family == "clinicaltrials":
        _parse_studies(file)
        return
    try:
        module = family_module(family)
    except KeyError as exc:
        fail(str(exc.args[0]))
    try:
        body = file.read_bytes()
    except OSError as exc:
        fail(f"{file}: cannot read: {exc.strerror}")
    ctx = ParseContext(source_id=source_id or f"{family}:{file.stem}", family=family, crawled_at=now_iso(), url=url)
    if source_id:
        source = registry().get(source_id)
        if source is not None:
            ctx = ParseContext.for_source(source, crawled_at=now_iso(), url=url)
    try:
        postings = module.parse_any(body, ctx)
    except ParseError as exc:
        fail(f"{file}: {exc}")
    for posting in postings:
        sys.stdout.write(json.dumps(normalise(posting).to_dict(), ensure_ascii=False, default=str) + "\n")
    for warning in ctx.warnings:  # jobs the parser skipped as unreadable; the rest were printed
        err_console.print(tagged("warning:", "yellow", f"{file}: {warning}"), highlight=False)


def _parse_studies(file: Path) -> None:
    """A saved ClinicalTrials.gov v2 answer (a page or one study): one JSON line per study."""
    import dataclasses

    from researchjobs.spiders.base import ParseError
    from researchjobs.trials.api import parse_studies

    try:
        page = parse_studies(file.read_bytes())
    except OSError as exc:
        fail(f"{file}: cannot read: {exc.strerror}")
    except ParseError as exc:
        fail(f"{file}: {exc}")
    for warning in page.warnings:
        err_console.print(f"[yellow]warning:[/] {warning}", highlight=False)
    for study in page.studies:
        sys.stdout.write(json.dumps(dataclasses.asdict(study), ensure_ascii=False) + "\n")


# ---------------------------------------------------------------- enrich


@app.command()
def enrich(
    file: Annotated[str, typer.Argument(help="A file with a posting's text (plain or HTML), or - for stdin.")],
    title: Annotated[str | None, typer.Option(help="The posting's title.")] = None,
    employer: Annotated[str | None, typer.Option(help="The employer's name (employer type, cap-exempt likelihood).")] = None,
    location: Annotated[str | None, typer.Option(help='Where the job is, as a board writes it ("Boston, MA", "Remote - US").')] = None,
) -> None:
    """Print the facts extracted from a posting's text, with evidence, as JSON.

    Example: researchjobs enrich posting.txt --title "Clinical Research Coordinator I" --employer "University of Rochester" --location "Rochester, NY"
    """
    from researchjobs.enrich.facts import enrich_text
    from researchjobs.enrich.text import html_to_text

    try:
        text = sys.stdin.read() if file == "-" else Path(file).read_text(encoding="utf-8", errors="replace")
    except OSError as exc:
        fail(f"{file}: cannot read: {exc.strerror}")
    if "<" in text and ">" in text:
        text = html_to_text(text) or ""
    facts = enrich_text(text, title=title, employer=employer, location=location)
    sys.stdout.write(json.dumps(facts, indent=2, ensure_ascii=False, default=str) + "\n")


@app.command()
def reenrich() -> None:
    """Re-apply the current extractors to stored postings enriched by an older version."""
    from researchjobs.storage.reenrich import reenrich as run

    result = run(open_database())
    console.print(
        f"re-enriched {result['reenriched']} postings with extractor version {result['version']}"
        + (f"; {result['failed']} failed (kept without facts)" if result["failed"] else ""),
        highlight=False,
    )


# ---------------------------------------------------------------- jobs / sql / status


@app.command()
def jobs(
    q: Annotated[str | None, typer.Option("--q", help="Full-text search in title, employer, description.")] = None,
    employer: Annotated[str | None, typer.Option(help="Employer name contains this.")] = None,
    since: Annotated[str | None, typer.Option(help="First seen within: 7d, 12h, 2w, or a date.")] = None,
    include_closed: Annotated[bool, typer.Option("--include-closed", help="Also closed postings.")] = False,
    limit: Annotated[int, typer.Option(min=1, help="At most this many rows.")] = 50,
    fmt: Annotated[str, typer.Option("--format", help="table, json, ndjson or csv. " + CSV_NOTE)] = "table",
    role: RoleOpt = None,
    level: LevelOpt = None,
    state: StateOpt = None,
    near: NearOpt = None,
    within: WithinOpt = None,
    remote: RemoteOpt = False,
    visa: VisaOpt = None,
    cap_exempt: CapExemptOpt = False,
    max_experience: MaxExperienceOpt = None,
    salary_min: SalaryMinOpt = None,
    employer_type: EmployerTypeOpt = None,
    profile: ProfileOpt = None,
    open_link: Annotated[bool, typer.Option("--open", help="Open the first result's link (or print it).")] = False,
) -> None:
    """Search stored postings; every enriched fact is a filter.

    Example: researchjobs jobs --role crc --level entry --near "Boston, MA" --within 50 --visa not-refused
    """
    from researchjobs.explore.filters import FilterOptions

    check_format(fmt)
    opts = FilterOptions(q=q, employer=employer, since=since, include_closed=include_closed, role=role, level=level,
                         state=state, near=near, within=within, remote=remote, visa=visa, cap_exempt=cap_exempt,
                         max_experience=max_experience, salary_min=salary_min, employer_type=employer_type)  # fmt: skip
    result = _find_jobs(opts, limit=limit, fmt=fmt, profile=profile)
    shown = len(result.rows)
    title = f"{shown} postings" if result.total in (None, shown) else f"{shown} of {result.total} postings"
    emit(result.rows, fmt, result.columns, title=title)
    _print_notes(result.notes)
    if open_link:
        _open_first(result.rows, fmt)


@app.command()
def sql(
    statement: Annotated[str, typer.Argument(help="One read-only SQL statement.")],
    fmt: Annotated[str, typer.Option("--format", help="table, json, ndjson or csv. " + CSV_NOTE)] = "table",
    timeout: Annotated[float, typer.Option(min=0.1, help="Stop the query after this many seconds.")] = 5.0,
    max_rows: Annotated[int, typer.Option("--max-rows", min=1, help="Show at most this many rows.")] = 1000,
) -> None:
    """Run a read-only SQL query against the database. Ctrl-C stops it.

    Example: researchjobs sql "SELECT employer, COUNT(*) FROM postings GROUP BY employer"
    """
    from researchjobs.storage.readonly import run_readonly

    check_format(fmt)
    try:
        columns, rows = run_readonly(paths().db, statement, limit=max_rows + 1, timeout=timeout)
    except KeyboardInterrupt:
        err_console.print("interrupted: the query was stopped", highlight=False, markup=False)
        raise typer.Exit(130) from None
    emit([dict(zip(columns, r, strict=True)) for r in rows[:max_rows]], fmt, columns)
    if len(rows) > max_rows:
        _print_notes([f"showing the first {max_rows} rows; add a LIMIT, or see more with --max-rows"])


AttentionOpt = Annotated[int, typer.Option("--attention-after", min=1, help="Failed crawls in a row that need attention.")]


@app.command()
def status(
    sources: Annotated[bool, typer.Option("--sources", help="Source health: failures in a row, trend, what to fix.")] = False,
    attention_after: AttentionOpt = 5,
) -> None:
    """The last crawl of each source, and counts; with --sources, each source's health over time.

    Example: researchjobs status --sources
    """
    from researchjobs.reports import print_status

    if sources:
        _print_health(attention_after, "table")
        return
    print_status(open_database())


def _print_health(attention_after: int, fmt: str) -> None:
    from researchjobs.reports import print_health

    reg = registry()
    print_health(open_database(), [s.id for s in reg.sources.values() if s.enabled], attention_after, fmt)


# ---------------------------------------------------------------- demo / replay


@app.command()
def demo(
    home: Annotated[Path | None, typer.Option(help="Where the demo keeps its data (default: DATA_DIR/demo).")] = None,
) -> None:
    """The whole pipeline offline, on bundled recordings of research employers' job boards."""
    from researchjobs.demo import run_demo

    run_demo(home)


@app.command()
def replay(
    directories: Annotated[list[Path], typer.Argument(help="Recording directories (each with manifest.json).")],
    port: Annotated[int, typer.Option(help="Port on 127.0.0.1 (0 = any free port).")] = 8765,
) -> None:
    """Serve recorded responses on 127.0.0.1, for crawls with --replay."""
    import time

    from researchjobs.replay import ReplayServer

    try:
        server = ReplayServer(*directories, port=port).start()
    except (ValueError, OSError) as exc:
        fail(str(exc))
    console.print(f"replaying on {server.url} (Ctrl-C to stop)", highlight=False, markup=False)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        server.stop()


# ---------------------------------------------------------------- sources


@sources_app.command("list")
def sources_list(
    family: Annotated[str | None, typer.Option(help="Only this family, e.g. workday.")] = None,
    employer_type: Annotated[str | None, typer.Option("--type", help="Only this employer type, e.g. site_network.")] = None,
    fmt: Annotated[str, typer.Option("--format", help="table or json.")] = "table",
) -> None:
    """List registered sources.

    Example: researchjobs sources list --type site_network --family greenhouse --format json
    """
    check_format(fmt, ("table", "json"))
    check_registry_filters(family, employer_type)
    reg = registry()
    rows = [
        {"id": s.id, "family": s.family, "employer": s.employer, "employer_type": s.employer_type,
         "verified": s.verified, "enabled": s.enabled,
         **({"params": s.params, "search": s.search, "notes": s.notes} if fmt == "json" else {})}
        for s in reg.sources.values()
        if (family is None or s.family == family) and (employer_type is None or s.employer_type == employer_type)
    ]  # fmt: skip
    columns = ["id", "family", "employer", "employer_type", "verified", "enabled"]
    if fmt == "json":
        columns += ["params", "search", "notes"]
    emit(rows, fmt, columns, title=f"{len(rows)} sources in {reg.path}")


def check_registry_filters(family: str | None, employer_type: str | None) -> None:
    """Refuse a family or employer type the registry cannot hold, rather than list nothing."""
    from researchjobs.sources import EMPLOYER_TYPES, FAMILY_PARAMS

    if family is not None and family not in FAMILY_PARAMS:
        fail(f"unknown family {family!r}; known: {', '.join(sorted(FAMILY_PARAMS))}")
    if employer_type is not None and employer_type not in EMPLOYER_TYPES:
        fail(f"unknown employer type {employer_type!r}; known: {', '.join(EMPLOYER_TYPES)}")


@sources_app.command("stats")
def sources_stats(
    fmt: Annotated[str, typer.Option("--format", help="table or json.")] = "table",
) -> None:
    """Count the registry's sources by employer type, family and verification state.

    Example: researchjobs sources stats --format json
    """
    from researchjobs.sources import registry_summary

    check_format(fmt, ("table", "json"))
    reg = registry()
    summary = registry_summary(reg.sources.values())
    if fmt == "json":
        sys.stdout.write(json.dumps({"registry": str(reg.path), **summary}, indent=2) + "\n")
        return
    console.print(f"{summary['total']} sources in {reg.path}: {summary['enabled']} enabled, "
                  f"{summary['disabled']} disabled", highlight=False, soft_wrap=True)  # fmt: skip
    for key, label in (("by_type", "employer type"), ("by_family", "family"), ("by_verification", "verified")):
        rows = [{label: name, **counts} for name, counts in summary[key].items()]
        emit(rows, "table", [label, "total", "enabled", "disabled"], title=f"by {label}")


@sources_app.command("show")
def sources_show(source_id: Annotated[str, typer.Argument(help="Source id.")]) -> None:
    """Show one source's entry."""
    source = registry().get(source_id)
    if source is None:
        fail(f"unknown source {source_id!r}")
    console.print_json(json.dumps({**source.to_table(), "enabled": source.enabled}))


@sources_app.command("add")
def sources_add(
    url: Annotated[str | None, typer.Argument(help="A careers URL to recognise (board, feed, page).")] = None,
    employer: Annotated[str | None, typer.Option(help="Employer name.")] = None,
    employer_type: Annotated[str, typer.Option("--type", help=f"Employer type: {', '.join(EMPLOYER_TYPES)}.")] = "other",
    source_id: Annotated[str | None, typer.Option("--id", help="Source id (default: from the URL).")] = None,
    search: Annotated[list[str] | None, typer.Option(help="Search term (repeatable).")] = None,
) -> None:
    """Add a source from a careers URL.

    Example: researchjobs sources add https://boards.greenhouse.io/headlandsresearch --employer "Headlands Research" --type site_network
    """
    from researchjobs.recognise import source_from_url
    from researchjobs.sources import add_source

    if not url:
        fail("give a careers URL, e.g. https://boards.greenhouse.io/TOKEN")
    try:
        source = source_from_url(url, employer=employer, employer_type=employer_type, source_id=source_id, search=search or [])
        path = add_source(paths().root, source)
    except ValueError as exc:
        fail(str(exc))
    except OSError as exc:
        fail(f"{paths().sources}: cannot write the source registry: {exc.strerror or exc}; it is unchanged")
    console.print(f"added {source.id} ({source.family}) to {path}", highlight=False, markup=False)


@sources_app.command("check")
def sources_check(
    source_ids: Annotated[list[str] | None, typer.Argument(help="Source ids (default: every enabled source).")] = None,
    replay: Annotated[str | None, typer.Option(help="Send requests to this replay server URL.")] = None,
    timeout: Annotated[float, typer.Option(help="Seconds per request.")] = 15.0,
    fix: Annotated[bool, typer.Option("--fix", help="Update identifiers of boards that moved within their hiring system.")] = False,
    fmt: Annotated[str, typer.Option("--format", help="text or json (one object per line).")] = "text",
    setting: Annotated[list[str] | None, typer.Option("--set", help="Scrapy setting NAME=VALUE.")] = None,
) -> None:
    """Send each source's first crawl request and record what it found in the registry:
    ok (with the count), empty, wrong_identifier, moved, blocked. Offline, nothing is written.

    Example: researchjobs sources check greenhouse:headlandsresearch --fix
    """
    from dataclasses import asdict

    from researchjobs.checks import apply_fixes, check_sources, offline_line, record_verdicts
    from researchjobs.crawler import new_batch_id
    from researchjobs.spiders import FAMILIES

    check_format(fmt, ("text", "json"))
    reg = registry()
    if source_ids:
        chosen = select_sources(reg, source_ids, [], False)
    else:
        chosen = [s for s in reg.sources.values() if s.enabled and s.family in FAMILIES]
    root = paths().ensure()
    settings = dict(_parse_setting(s) for s in setting or [])
    results = check_sources(chosen, reg.path, replay_url=replay, timeout=timeout,
                            log_file=root.logs / f"check-{new_batch_id()}.log", settings=settings)  # fmt: skip
    offline = offline_line(results)
    if offline:
        err_console.print(offline, highlight=False, markup=False, soft_wrap=True)
        raise typer.Exit(1)
    for result in results:
        if fmt == "json":
            sys.stdout.write(json.dumps(asdict(result)) + "\n")
        else:
            console.print(str(result), highlight=False, markup=False, soft_wrap=True)
    record_verdicts(root.root, reg.sources, results)
    fixed: set[str] = set()
    if fix:
        for line in apply_fixes(root.root, reg.sources, results):
            err_console.print(line, highlight=False, markup=False, soft_wrap=True)
            if line.startswith("fixed "):
                fixed.add(line.split(" ", 2)[1].rstrip(":"))
    if any(r.verdict not in ("ok", "empty") and r.source_id not in fixed for r in results):
        raise typer.Exit(1)


@sources_app.command("health")
def sources_health(
    attention_after: AttentionOpt = 5,
    fmt: Annotated[str, typer.Option("--format", help="table or json.")] = "table",
) -> None:
    """Each source's health over its recent crawls (the same as `researchjobs status --sources`).

    Example: researchjobs sources health --attention-after 3
    """
    check_format(fmt, ("table", "json"))
    _print_health(attention_after, fmt)


@sources_app.command("remove")
def sources_remove(source_id: Annotated[str, typer.Argument(help="Source id.")]) -> None:
    """Remove a source from the registry (its stored postings stay)."""
    from researchjobs.sources import remove_source

    try:
        path = remove_source(paths().root, source_id)
    except KeyError:
        fail(f"unknown source {source_id!r}")
    except OSError as exc:
        fail(f"{paths().sources}: cannot write the source registry: {exc.strerror or exc}; it is unchanged")
    console.print(f"removed {source_id} from {path}", highlight=False, markup=False)


# ---------------------------------------------------------------- profiles and matching (matcher)

profile_app = typer.Typer(help="Profiles: who is looking for what (TOML files in the data directory).", no_args_is_help=True)
app.add_typer(profile_app, name="profile")


def _load_profile(name: str):
    from researchjobs.matcher.profiles import ProfileError, load_profile, profile_path

    try:
        path = profile_path(name)
        if not path.exists():
            fail(f"no profile {name!r} ({path} does not exist); create it with `researchjobs profile new {name}`")
        return load_profile(path)
    except ProfileError as exc:
        fail(str(exc))


@profile_app.command("new")
def profile_new(name: Annotated[str, typer.Argument(help="Profile name: lower-case letters, digits, - or _.")]) -> None:
    """Write a commented profile template to edit.

    Example: researchjobs profile new amina
    """
    from researchjobs.matcher.profiles import ProfileError, new_profile

    try:
        path = new_profile(name, paths().ensure().profiles)
    except ProfileError as exc:
        fail(str(exc))
    console.print(f"wrote {path}\nedit it, then run: researchjobs profile check {name}", highlight=False, markup=False)


@profile_app.command("list")
def profile_list(fmt: Annotated[str, typer.Option("--format", help="table or json.")] = "table") -> None:
    """List profiles; broken files are reported and skipped.

    Example: researchjobs profile list --format json
    """
    from researchjobs.matcher.profiles import scan_profiles

    check_format(fmt, ("table", "json"))
    good, bad = scan_profiles(check_places=False)
    for error in bad:
        err_console.print(tagged("warning:", "yellow", error), highlight=False)
    rows = [
        {"name": p.name, "work_authorization": p.work_authorization, "roles": ", ".join(p.roles),
         "locations": "; ".join(f"{loc['city'] or ''} {loc['state']}".strip() for loc in p.locations) or "anywhere",
         "remote_ok": p.remote_ok, "email": p.email or "(outbox)", "digest_time": f"{p.digest_time} {p.timezone}"}
        for p in good
    ]  # fmt: skip
    emit(rows, fmt, list(rows[0]) if rows else ["name"], title=f"{len(rows)} profiles in {paths().profiles}")


@profile_app.command("show")
def profile_show(
    name: Annotated[str, typer.Argument(help="Profile name.")],
    fmt: Annotated[str, typer.Option("--format", help="table or json.")] = "table",
) -> None:
    """Show a profile as the matcher reads it.

    Example: researchjobs profile show amina --format json
    """
    from researchjobs.matcher.profiles import profile_hash

    check_format(fmt, ("table", "json"))
    profile = _load_profile(name)
    data = {**profile.to_dict(), "profile_hash": profile_hash(profile)}
    if fmt == "json":
        sys.stdout.write(json.dumps(data, indent=2) + "\n")
        return
    rows = [{"field": k, "value": ", ".join(map(str, v)) if isinstance(v, list) and not (v and isinstance(v[0], dict))
             else json.dumps(v) if isinstance(v, list) else v} for k, v in data.items()]  # fmt: skip
    emit(rows, "table", ["field", "value"], title=f"profile {profile.name}")
    for warning in profile.warnings:
        err_console.print(tagged("warning:", "yellow", warning), highlight=False)


@profile_app.command("check")
def profile_check(name: Annotated[str | None, typer.Argument(help="Profile name (default: every profile).")] = None) -> None:
    """Validate one profile or all of them; exit code 1 if any has an error.

    Example: researchjobs profile check amina
    """
    from researchjobs.matcher.profiles import ProfileError, load_profile, profile_path, scan_profiles

    if name:
        try:
            path = profile_path(name)
            if not path.exists():
                fail(f"no profile {name!r} ({path} does not exist)")
            good, bad = [load_profile(path)], []
        except ProfileError as exc:
            good, bad = [], [exc]
    else:
        good, bad = scan_profiles()
        if not good and not bad:
            fail(f"no profiles in {paths().profiles}; create one with `researchjobs profile new NAME`")
    for profile in good:
        console.print(tagged("ok", "green", profile.path), highlight=False)
        for warning in profile.warnings:
            err_console.print(tagged("warning:", "yellow", warning), highlight=False)
    for error in bad:
        err_console.print(tagged("error:", "red", error), highlight=False)
    if bad:
        raise typer.Exit(1)


@app.command()
def match(
    profile: Annotated[str | None, typer.Option("--profile", "-p", help="Only this profile (default: every profile).")] = None,
    top: Annotated[int, typer.Option("--top", min=0, help="Show this many matches per profile.")] = 10,
    show_ineligible: Annotated[bool, typer.Option("--show-ineligible", help="Also show gated postings, with the gate.")] = False,
    fmt: Annotated[str, typer.Option("--format", help="table or json.")] = "table",
    full: Annotated[bool, typer.Option("--full", help="Rescore every posting, not only new and changed ones.")] = False,
) -> None:
    """Match postings to profiles (incrementally), then show the best matches with reasons.

    Example: researchjobs match --profile amina --top 20 --show-ineligible
    """
    from researchjobs.matcher import run_matching_many, top_matches
    from researchjobs.matcher.profiles import scan_profiles

    check_format(fmt, ("table", "json"))
    if profile:
        profiles = [_load_profile(profile)]
    else:
        profiles, bad = scan_profiles()
        for error in bad:
            err_console.print(tagged("warning:", "yellow", f"skipping {error}"), highlight=False)
        if not profiles:
            fail(f"no usable profiles in {paths().profiles}; create one with `researchjobs profile new NAME`")
    db = open_database()
    summaries = run_matching_many(db, profiles, full=full)
    output = []
    for summary in summaries:
        rows = top_matches(db, summary.profile, limit=top, include_ineligible=show_ineligible)
        output.append({"profile": summary.profile, "summary": summary.to_dict(), "matches": rows})
    if fmt == "json":
        sys.stdout.write(json.dumps(output, indent=2, default=str, ensure_ascii=False) + "\n")
        return
    for item in output:
        s = item["summary"]
        title = (f"{s['profile']}: {s['mode']} run ({s['why']}), {s['considered']} postings scored, "
                 f"{s['eligible']} eligible / {s['ineligible']} ineligible stored")  # fmt: skip
        rows = [_match_row(r) for r in item["matches"]]
        emit(rows, "table", ["score", "status", "title", "employer", "where", "why"], title=title)


def _match_row(row: dict) -> dict:
    place = "remote" if row.get("remote") == "remote" else ", ".join(x for x in (row.get("city"), row.get("state")) if x) or (row.get("location_raw") or "")
    status = "eligible" if row["eligible"] else "✗ " + "; ".join(f"{g['gate']}: {g['reason']}" for g in row["gates"])
    return {"score": f"{row['score']:.0f}", "status": status, "title": row.get("title"), "employer": row.get("employer"),
            "where": place, "why": "; ".join([*row["reasons"], *filter(None, [row.get("sponsor_line")])])}  # fmt: skip


# ---------------------------------------------------------------- digests and scheduling
# (commands for `digest`, `feed`, `run`, `schedule` go here)


SEND_HELP = "Send by SMTP (smtp table in config.toml; password from RESEARCHJOBS_SMTP_PASSWORD). Default: the outbox."
REPLAY_HELP = "Send crawl requests to this replay server URL (demo, tests)."


@app.command()
def digest(
    profile: Annotated[list[str] | None, typer.Option("--profile", "-p", help="Only this profile (repeatable).")] = None,
    send: Annotated[bool, typer.Option("--send", help=SEND_HELP)] = False,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Print what would be sent; no digest is recorded or written.")] = False,
    resend_uncertain: Annotated[
        bool, typer.Option("--resend-uncertain", help="Send again digests cut off during SMTP (the reader may get two).")
    ] = False,
) -> None:
    """Make each profile's digest of new matches: into the outbox, or by e-mail with --send.

    Matches are brought up to date first (incrementally), so jobs crawled since the last
    `match` are in it.
    Example: researchjobs digest --profile amina --dry-run
    """
    from researchjobs.config import load_settings
    from researchjobs.digest import DeliveryConfigError, run_digests

    root = paths().ensure()
    settings = load_settings()
    db = open_database()
    _match_first(db, profile or None)
    try:
        results = run_digests(
            db, root, profiles=profile or None, send=send, dry_run=dry_run, settings=settings,
            resend_uncertain=resend_uncertain,
        )  # fmt: skip
    except DeliveryConfigError as exc:
        fail(f"{root.settings_file}: {exc}")
    if not results:
        fail(f"no profiles in {root.profiles}; create one with `researchjobs profile new NAME`")
    for result in results:
        if result.preview is not None:
            console.print(f"--- {result.profile}: {result.subject}", highlight=False, markup=False)
            sys.stdout.write(result.preview)
        else:
            console.print(result.describe(), highlight=False, markup=False)
    bad = [r for r in results if not r.ok]
    if bad:
        err_console.print(tagged("failed:", "red", ", ".join(sorted({r.profile for r in bad}))), highlight=False)
        raise typer.Exit(1)


def _match_first(db, names: list[str] | None) -> None:
    """Matches up to date (incrementally) before a digest, as `run` does: a crawl since the
    last `match` must not read as "nothing new". Broken profiles are reported by the digest."""
    from researchjobs.matcher import match_each
    from researchjobs.matcher.profiles import scan_profiles

    profiles, _ = scan_profiles()
    chosen = [p for p in profiles if names is None or p.name in names]
    for error in match_each(db, chosen):
        err_console.print(tagged("warning:", "yellow", f"matching {error}"), highlight=False)


@app.command()
def feed(
    name: Annotated[str, typer.Argument(help="Profile name.")],
    stdout: Annotated[bool, typer.Option("--stdout", help="Print the Atom XML instead of its path.")] = False,
) -> None:
    """Write a profile's Atom feed (DATA_DIR/feeds/NAME.atom): the jobs its digests carried.

    Example: researchjobs feed amina --stdout
    """
    from researchjobs.digest import write_feed
    from researchjobs.matcher.profiles import ProfileError, profile_path

    root = paths().ensure()
    try:
        exists = profile_path(name, root.profiles).exists()
    except ProfileError as exc:
        fail(str(exc))
    if not exists:
        fail(f"no profile {name!r} in {root.profiles} (see `researchjobs profile list`)")
    db = open_database()
    _match_first(db, [name])
    try:
        path = write_feed(db, root, name)
    except OSError as exc:
        fail(f"cannot write the feed: {exc}")
    if stdout:
        sys.stdout.write(path.read_text(encoding="utf-8"))
    else:
        console.print(f"wrote {path}", highlight=False, markup=False)


@app.command("run")
def run_command(
    send: Annotated[bool, typer.Option("--send", help=SEND_HELP)] = False,
    replay: Annotated[str | None, typer.Option(help=REPLAY_HELP)] = None,
    registry_file: Annotated[Path | None, typer.Option("--registry", help="Source registry TOML.")] = None,
    setting: Annotated[list[str] | None, typer.Option("--set", help="Scrapy setting NAME=VALUE.")] = None,
) -> None:
    """Once, for a cron line: crawl every enabled source (in a subprocess), match every profile, digest.

    Exits 1 naming the part that failed. Example crontab line: 0 7 * * * researchjobs run --send
    """
    from researchjobs.config import load_settings
    from researchjobs.digest import DeliveryConfigError
    from researchjobs.scheduler import SchedulerBusyError, run_once

    root = paths().ensure()
    crawl_settings = dict(_parse_setting(s) for s in setting or [])
    try:
        report = run_once(root, load_settings(), registry_file=registry_file, send=send, replay_url=replay,
                          crawl_settings=crawl_settings)  # fmt: skip
    except (SchedulerBusyError, DeliveryConfigError) as exc:
        fail(str(exc))
    if report.offline:
        err_console.print(report.offline, highlight=False, markup=False, soft_wrap=True)
        raise typer.Exit(1)
    if report.crawl:
        console.print(f"crawl {report.crawl.batch_id}: {len(report.crawl.runs)} sources recorded", highlight=False)
    for result in report.digests:
        console.print(result.describe(), highlight=False, markup=False)
    failures = report.failures()
    if failures:
        err_console.print(tagged("failed:", "red", " | ".join(failures)), highlight=False)
        raise typer.Exit(1)


@app.command()
def schedule(
    send: Annotated[bool, typer.Option("--send", help=SEND_HELP)] = False,
    replay: Annotated[str | None, typer.Option(help=REPLAY_HELP)] = None,
    registry_file: Annotated[Path | None, typer.Option("--registry", help="Source registry TOML.")] = None,
    setting: Annotated[list[str] | None, typer.Option("--set", help="Scrapy setting NAME=VALUE.")] = None,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Debug logging.")] = False,
) -> None:
    """Run the scheduler in the foreground: crawls every N hours, digests at each profile's local time.

    Intervals: crawl.interval_hours, crawl.overrides and digest.tick_minutes in config.toml.
    Restart it after editing that file or the source registry.
    Ctrl-C or SIGTERM stops it; a running crawl is closed cleanly first.
    One scheduler per database (a lock file beside it).
    Example: researchjobs schedule --send
    """
    from researchjobs.config import load_settings
    from researchjobs.digest import DeliveryConfigError
    from researchjobs.scheduler import Daemon, SchedulerBusyError, configure_logging

    root = paths().ensure()
    crawl_settings = dict(_parse_setting(s) for s in setting or [])
    try:
        daemon = Daemon(root, load_settings(), registry_file=registry_file, send=send, replay_url=replay,
                        crawl_settings=crawl_settings)  # fmt: skip
        daemon.lock.acquire()  # before any output: a second scheduler says only why it cannot run
    except DeliveryConfigError as exc:
        fail(f"{root.settings_file}: {exc}")
    except SchedulerBusyError as exc:
        fail(str(exc))
    log_file = configure_logging(root, verbose=verbose)
    err_console.print(f"scheduler for {root.db} (log {log_file}); stop with Ctrl-C", highlight=False, markup=False, soft_wrap=True)
    daemon.run()


# ---------------------------------------------------------------- exploring (query)
# (commands for `show`, `serve`, `stats`, `export` go here; `jobs` above gains its filters)

# Filter options shared by `jobs` and `export` (annotations are strings until Typer reads them).
RoleOpt = Annotated[str | None, typer.Option("--role", help="Role families, comma-separated: crc,research_assistant.")]
LevelOpt = Annotated[str | None, typer.Option("--level", help="Levels, comma-separated: entry,mid,senior.")]
StateOpt = Annotated[str | None, typer.Option("--state", help="Two-letter states, comma-separated: MA,NY.")]
NearOpt = Annotated[str | None, typer.Option("--near", help='Around a place: "Boston, MA" or "42.36,-71.06".')]
WithinOpt = Annotated[float | None, typer.Option("--within", help="Miles from --near (default 25).")]
RemoteOpt = Annotated[bool, typer.Option("--remote", help="Only fully remote postings.")]
VisaOpt = Annotated[str | None, typer.Option("--visa", help="not-refused, possible, unknown or refused.")]
CapExemptOpt = Annotated[bool, typer.Option("--cap-exempt", help="Only likely or possibly H-1B cap-exempt employers.")]
MaxExperienceOpt = Annotated[int | None, typer.Option("--max-experience", help="Months of required experience at most (none stated counts as 0).")]
SalaryMinOpt = Annotated[float | None, typer.Option("--salary-min", help="Annual pay reaches at least this (postings without pay are left out).")]
EmployerTypeOpt = Annotated[str | None, typer.Option("--employer-type", help="Employer types, comma-separated: university,health_system (all: see `sources add --help`).")]
ProfileOpt = Annotated[str | None, typer.Option("--profile", help="Only postings open to this profile, best match first.")]


def _find_jobs(opts, **kwargs: object):  # (FilterOptions, ...) -> SearchResult; both imported lazily
    from researchjobs.explore.search import FilterError, find_jobs

    try:
        return find_jobs(open_database(), opts, **kwargs)
    except FilterError as exc:
        fail(str(exc))


def _print_notes(notes: list[str]) -> None:
    for note in notes:
        err_console.print(f"note: {note}", highlight=False, markup=False, style="yellow")


def _open_first(rows: list[dict], fmt: str) -> None:
    from researchjobs.explore.links import open_link

    if not rows:
        err_console.print("no postings matched; nothing to open")
        return
    url = rows[0].get("url") or ""
    if open_link(url):
        err_console.print(f"opened {url}", highlight=False, markup=False)
    elif fmt == "table":
        console.print(url, highlight=False, markup=False, soft_wrap=True)
    else:
        err_console.print(url, highlight=False, markup=False, soft_wrap=True)


@app.command()
def show(
    posting_id: Annotated[str, typer.Argument(help="Posting id (key) or a unique prefix of it.")],
    fmt: Annotated[str, typer.Option("--format", help="table or json.")] = "table",
) -> None:
    """One posting in full: facts with their evidence, history, duplicates on other boards.

    Example: researchjobs show 3f2a9c01
    """
    from researchjobs.explore.detail import posting_detail, print_detail
    from researchjobs.storage.queries import PostingLookupError

    check_format(fmt, ("table", "json"))
    try:
        detail = posting_detail(open_database(), posting_id)
    except PostingLookupError as exc:
        fail(str(exc.args[0]))
    if fmt == "json":
        sys.stdout.write(json.dumps(detail, indent=2, ensure_ascii=False, default=str) + "\n")
    else:
        print_detail(detail, console)


@app.command()
def serve(
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8001,
    host: Annotated[str, typer.Option(help="Interface to bind; keep 127.0.0.1 unless you mean to share.")] = "127.0.0.1",
    db: Annotated[Path | None, typer.Option(help="Database file (default: the data directory's).")] = None,
    print_metadata: Annotated[bool, typer.Option("--print-metadata", help="Print Datasette metadata YAML and exit.")] = False,
) -> None:
    """Browse the database in Datasette, read-only, with facets, search and canned queries.

    Example: researchjobs serve --port 8001   (then open http://127.0.0.1:8001/)
    """
    from researchjobs.explore.datasette import metadata_yaml
    from researchjobs.explore.datasette import serve as serve_datasette

    path = db or paths().db
    if print_metadata:
        sys.stdout.write(metadata_yaml(path.stem))
        return
    if not path.exists():
        fail(f"{path}: no database yet; run `researchjobs crawl` or `researchjobs demo` first")
    open_database(path).conn.close()  # apply migrations so Datasette sees the current schema
    if host not in ("127.0.0.1", "localhost", "::1"):
        err_console.print(f"warning: serving on {host}: anyone who can reach it can run read-only SQL",
                          highlight=False, markup=False, style="yellow")
    console.print(f"Datasette on http://{host}:{port}/ (read-only; Ctrl-C to stop)", highlight=False, markup=False)
    serve_datasette(path, host=host, port=port)


@app.command()
def stats(
    top: Annotated[int, typer.Option(min=1, help="Rows per breakdown.")] = 10,
    weeks: Annotated[int, typer.Option(min=1, max=520, help="Weeks in the new/closed chart.")] = 12,
    plot: Annotated[Path | None, typer.Option("--plot", help="Also write a chart image (PNG) here.")] = None,
    fmt: Annotated[str, typer.Option("--format", help="table or json.")] = "table",
) -> None:
    """Counts by role, level, state, employer and source; new and closed per week.

    Example: researchjobs stats --weeks 8 --plot stats.png
    """
    from researchjobs.explore.charts import counts_chart, weekly_chart, write_png
    from researchjobs.storage.stats import summary

    check_format(fmt, ("table", "json"))
    if plot is not None and plot.suffix.lower() != ".png":
        fail(f"--plot writes PNG; give a file name ending in .png, got {plot}")
    data = summary(open_database(), top=top, weeks=weeks)
    if fmt == "json":
        sys.stdout.write(json.dumps(data, indent=2, default=str) + "\n")
    else:
        t = data["totals"]
        console.print(f"{t['open']} open, {t['closed']} closed postings from {t['employers']} employers "
                      f"and {t['sources']} sources", highlight=False)  # fmt: skip
        for name, rows in data["by"].items():
            console.print(counts_chart(rows, f"open postings by {name}"))
        console.print(weekly_chart(data["weekly"]))
    if plot is not None:
        try:
            write_png(data, plot)
        except OSError as exc:
            fail(f"{plot}: cannot write: {exc.strerror}")
        err_console.print(f"wrote {plot}", highlight=False, markup=False)


@app.command()
def export(
    fmt: Annotated[str, typer.Option("--format", help="csv, json or ndjson. " + CSV_NOTE)] = "csv",
    q: Annotated[str | None, typer.Option("--q", help="Full-text search in title, employer, description.")] = None,
    employer: Annotated[str | None, typer.Option(help="Employer name contains this.")] = None,
    since: Annotated[str | None, typer.Option(help="First seen within: 7d, 12h, 2w, or a date.")] = None,
    include_closed: Annotated[bool, typer.Option("--include-closed", help="Also closed postings.")] = False,
    limit: Annotated[int | None, typer.Option(min=1, help="At most this many rows (default: all).")] = None,
    role: RoleOpt = None,
    level: LevelOpt = None,
    state: StateOpt = None,
    near: NearOpt = None,
    within: WithinOpt = None,
    remote: RemoteOpt = False,
    visa: VisaOpt = None,
    cap_exempt: CapExemptOpt = False,
    max_experience: MaxExperienceOpt = None,
    salary_min: SalaryMinOpt = None,
    employer_type: EmployerTypeOpt = None,
    profile: ProfileOpt = None,
) -> None:
    """Write matching postings, every column but raw HTML, to stdout.

    Example: researchjobs export --format csv --role crc --state MA,NY > crc.csv
    """
    from researchjobs.explore.filters import FilterOptions

    check_format(fmt, ("csv", "json", "ndjson"))
    opts = FilterOptions(q=q, employer=employer, since=since, include_closed=include_closed, role=role, level=level,
                         state=state, near=near, within=within, remote=remote, visa=visa, cap_exempt=cap_exempt,
                         max_experience=max_experience, salary_min=salary_min, employer_type=employer_type)  # fmt: skip
    result = _find_jobs(opts, limit=limit, fmt=fmt, profile=profile, export=True)
    emit(result.rows, fmt, result.columns)
    _print_notes(result.notes)


# ---------------------------------------------------------------- H-1B sponsorship records

sponsors_app = typer.Typer(
    help="Employers' H-1B history from DOL LCA and USCIS Data Hub files you download.", no_args_is_help=True
)
app.add_typer(sponsors_app, name="sponsors")


def _registry_employers() -> list[tuple[str, str | None]]:
    return [(s.employer, s.employer_type) for s in registry().sources.values()]


@sponsors_app.command("import")
def sponsors_import(
    files: Annotated[list[Path], typer.Argument(help="LCA_Disclosure_Data_FY*_Q*.xlsx/.csv and USCIS Data Hub .csv exports.")],
    force: Annotated[bool, typer.Option("--force", help="Read a file again even if it was imported before.")] = False,
) -> None:
    """Import DOL LCA disclosure files and USCIS H-1B Employer Data Hub exports, then link them.

    Example: researchjobs sponsors import ~/Downloads/LCA_Disclosure_Data_FY2025_Q*.xlsx h1b_datahubexport-2023.csv

    dol.gov does not serve these files to scripts: download them in a browser from
    https://www.dol.gov/agencies/eta/foreign-labor/performance (and the USCIS H-1B Employer
    Data Hub). Each file is one transaction; importing a file again changes nothing.
    """
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from researchjobs.h1b.importer import SponsorImportError, import_file
    from researchjobs.h1b.records import refresh

    db = open_database()
    failed = 0
    imported = 0
    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=err_console, transient=True) as bar:  # fmt: skip
        for path in files:
            task = bar.add_task(path.name, total=None)

            def show(done: int, total: int | None, task: int = task) -> None:
                bar.update(task, completed=done, total=total)

            try:
                result = import_file(db, path, force=force, progress=show)
            except SponsorImportError as exc:
                failed += 1
                err_console.print(f"[red]error:[/] {exc}", highlight=False)
                continue
            finally:
                bar.remove_task(task)
            imported += not result.skipped_file
            console.print(result.describe(), highlight=False)
    if imported:
        summary = refresh(db, _registry_employers())
        for link in summary.links:
            console.print(link.describe(), highlight=False)
        console.print(f"H-1B records for {summary.employers} of our employers ({summary.changed} changed); "
                      "run `researchjobs match` to rescore their jobs", highlight=False)  # fmt: skip
    if failed:
        raise typer.Exit(1)


@sponsors_app.command("show")
def sponsors_show(
    employer: Annotated[str, typer.Argument(help="Employer name, as the registry, postings or the LCA data write it.")],
    fmt: Annotated[str, typer.Option("--format", help="table or json.")] = "table",
) -> None:
    """One employer's H-1B record by fiscal year, with the cap-exempt evidence and its sources.

    Example: researchjobs sponsors show "Mass General Brigham"
    """
    from researchjobs.h1b.lookup import NotFoundError, find_employer
    from researchjobs.h1b.record import CAVEAT

    check_format(fmt, ("table", "json"))
    try:
        record = find_employer(open_database(), employer)
    except NotFoundError as exc:
        fail(str(exc))
    if fmt == "json":
        sys.stdout.write(json.dumps(record.to_dict(), indent=2, default=str, ensure_ascii=False) + "\n")
        return
    kind = f", registry type {record.employer_type}" if record.employer_type else ""
    where = "one of our employers" if record.ours else "not in the registry or postings; named in the LCA data"
    console.print(f"[bold]{record.employer}[/] ({where}{kind})", highlight=False)
    console.print(record.line or "No H-1B data imported yet: researchjobs sponsors import FILE", highlight=False)
    console.print(record.cap.describe(), highlight=False)
    rows = [{
        "FY": y["fiscal_year"], "LCAs filed": y.get("lca_filed"), "certified": y.get("lca_certified"),
        "research": y.get("lca_research"), "median research wage": y.get("research_median_wage"),
        "levels": ", ".join(f"{k} {v}" for k, v in sorted((y.get("wage_levels") or {}).items())),
        "top states": ", ".join(list(y.get("worksite_states") or {})[:4]),
        "last filing": y.get("last_filing_date"),
        "USCIS initial / continuing approvals": (
            f"{y['uscis_initial_approvals']} / {y['uscis_continuing_approvals']}"
            if y.get("uscis_initial_approvals") is not None else ""),
    } for y in record.years]  # fmt: skip
    if rows:
        emit(rows, "table", list(rows[0]), title="by fiscal year")
    if record.links:
        names = "; ".join(f"{x['external_name']} ({x['dataset']}, {x['method']})" for x in record.links[:8])
        console.print(f"names in the data: {names}", highlight=False)
    console.print(CAVEAT, highlight=False)


@sponsors_app.command("top")
def sponsors_top(
    title: Annotated[str | None, typer.Option("--title", help="Every word must be in the job title.")] = None,
    state: Annotated[str | None, typer.Option("--state", help="Worksite state, two letters.")] = None,
    year: Annotated[int | None, typer.Option("--year", help="Only this fiscal year.")] = None,
    research: Annotated[bool, typer.Option("--research", help="Only research titles and SOC codes.")] = False,
    limit: Annotated[int, typer.Option("--limit", min=1)] = 20,
    fmt: Annotated[str, typer.Option("--format", help="table, csv or json.")] = "table",
) -> None:
    """The employers with the most certified LCAs for a kind of job, in a state.

    Example: researchjobs sponsors top --title "research coordinator" --state MA
    """
    from researchjobs.h1b.lookup import top_sponsors

    check_format(fmt, ("table", "csv", "json"))
    if state and (len(state) != 2 or not state.isalpha()):
        fail(f"--state must be a two-letter state code, got {state!r}")
    rows = top_sponsors(open_database(), title=title, state=state, fiscal_year=year, research_only=research, limit=limit)
    if not rows and fmt == "table":
        err_console.print("no certified LCAs match (import DOL files with `researchjobs sponsors import`)")
    emit(rows, fmt, ["employer", "certified", "first_fy", "last_fy", "median_wage", "our_employer"],
         title="certified H-1B LCAs (DOL; status-less extracts count too); an LCA is not an approved petition")  # fmt: skip


@sponsors_app.command("link")
def sponsors_link(
    review: Annotated[bool, typer.Option("--review", help="List the uncertain links, most doubtful first.")] = False,
    confirm: Annotated[list[str] | None, typer.Option("--confirm", help="External key to accept (repeatable).")] = None,
    reject: Annotated[list[str] | None, typer.Option("--reject", help="External key to refuse (repeatable).")] = None,
    dataset: Annotated[str, typer.Option("--dataset", help="lca or uscis.")] = "lca",
    limit: Annotated[int, typer.Option("--limit", min=1)] = 50,
    fmt: Annotated[str, typer.Option("--format", help="table or json.")] = "table",
) -> None:
    """Link the imported names to our employers again, review uncertain links, or decide them.

    Example: researchjobs sponsors link --review;  researchjobs sponsors link --confirm "cornell university isso"
    """
    from researchjobs.h1b.records import refresh
    from researchjobs.storage import links

    check_format(fmt, ("table", "json"))
    if dataset not in ("lca", "uscis"):
        fail(f"--dataset must be lca or uscis, got {dataset!r}")
    db = open_database()
    if review:
        rows = links.review_links(db, dataset, limit=limit)
        emit(rows, fmt, ["external_key", "external_name", "employer", "method", "score", "status"],
             title=f"uncertain {dataset} links (confirm or reject by external_key)")  # fmt: skip
        return
    decisions = [(key, "confirmed") for key in confirm or []] + [(key, "rejected") for key in reject or []]
    for key, status in decisions:
        if not links.decide(db, dataset, key, status):
            fail(f"no {dataset} link with external_key {key!r}; see `researchjobs sponsors link --review`")
    summary = refresh(db, _registry_employers())
    for link in summary.links:
        console.print(link.describe(), highlight=False)
    console.print(f"H-1B records for {summary.employers} of our employers ({summary.changed} changed)", highlight=False)


# ---------------------------------------------------------------- research sites (ClinicalTrials.gov)

trials_app = typer.Typer(help="Research sites recruiting near you, from ClinicalTrials.gov.", no_args_is_help=True)
app.add_typer(trials_app, name="trials")


def _trial_areas(profiles: list[str], near: str | None, within: float | None, encoded: str | None):
    """The areas to search: --areas JSON, --near/--within, --profile places, else every profile's."""
    from researchjobs.explore.places import PlaceError, locate
    from researchjobs.trials.areas import Area, AreaError, for_profile, from_json, union
    from researchjobs.trials.spider import profile_areas

    try:
        if encoded:
            return union(from_json(encoded))
        found, notes = [], []
        if near:
            point = locate(near, within if within is not None else 25.0)
            found.append(Area.make(point.lat, point.lon, point.miles, point.label))
        for name in profiles:
            areas, why = for_profile(_load_profile(name))
            found += areas
            notes += why
        if not near and not profiles:
            found, notes = profile_areas()
    except (PlaceError, AreaError) as exc:
        fail(str(exc))
    for note in notes:
        err_console.print(f"[yellow]warning:[/] {note}", highlight=False)
    return union(found)


@trials_app.command("crawl")
def trials_crawl(
    profile: Annotated[list[str] | None, typer.Option("--profile", "-p", help="Around this profile's places (repeatable).")] = None,
    near: NearOpt = None,
    within: WithinOpt = None,
    areas: Annotated[str | None, typer.Option("--areas", hidden=True, help="Areas as JSON (used by run and schedule).")] = None,
    db: Annotated[Path | None, typer.Option(help="Database file (default: the data directory's).")] = None,
    registry_file: Annotated[Path | None, typer.Option("--registry", help="Source registry TOML (for linking sites to employers).")] = None,
    replay: Annotated[str | None, typer.Option(help="Send requests to this replay server URL.")] = None,
    batch_id: Annotated[str | None, typer.Option(help="Id for this crawl's runs (default: new).")] = None,
    setting: Annotated[list[str] | None, typer.Option("--set", help="Scrapy setting NAME=VALUE.")] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress display.")] = False,
    log_file: Annotated[Path | None, typer.Option(help="Crawl log (default: DATA_DIR/logs/trials-BATCH.log).")] = None,
) -> None:
    """Crawl ClinicalTrials.gov for studies recruiting around your places; link their sites to employers.

    Without --profile or --near: around every profile's places. At most one request every
    two seconds. Example: researchjobs trials crawl --near "Boston, MA" --within 30
    """
    from researchjobs.crawler import new_batch_id
    from researchjobs.reports import crawl_summary
    from researchjobs.trials.crawl import link_sites, plan_for

    chosen = _trial_areas(profile or [], near, within, areas)
    if not chosen:
        fail("no places to search: give --near \"City, ST\" or --profile NAME (a profile with a city in its locations)")
    reg = registry(registry_file)
    root = paths().ensure()
    batch = batch_id or new_batch_id()
    plan = plan_for(chosen, db or root.db, reg.path, batch_id=batch, replay_url=replay,
                    log_file=log_file or root.logs / f"trials-{batch}.log",
                    settings=dict(_parse_setting(s) for s in setting or []))  # fmt: skip
    _check_writable(plan.db_path)
    storage_errors = _run_crawl(plan, quiet, unit="studies")
    report = crawl_summary(plan, quiet=quiet, storage_errors=storage_errors)
    if report.offline:
        err_console.print(report.offline, highlight=False, markup=False, soft_wrap=True)
        raise typer.Exit(1)
    database = open_database(plan.db_path)
    try:
        summary = link_sites(database, reg)
    finally:
        database.conn.close()
    if not quiet:
        console.print(f"linked research sites: {summary.describe()}", highlight=False, markup=False)
    if report.failed:
        err_console.print(tagged("failed:", "red", f"{', '.join(report.failed)} (log: {plan.log_file})"), highlight=False)
        raise typer.Exit(1)


@trials_app.command("link")
def trials_link(
    registry_file: Annotated[Path | None, typer.Option("--registry", help="Source registry TOML.")] = None,
) -> None:
    """Link stored research sites to our employers again (after adding sources or crawling boards).

    Example: researchjobs trials link
    """
    from researchjobs.trials.crawl import link_sites

    summary = link_sites(open_database(), registry(registry_file))
    console.print(summary.describe(), highlight=False, markup=False)


LEAD_TABLE = ["#", "site", "where", "mi", "trials", "phase 1", "industry", "contact", "employer", "why"]


@app.command()
def leads(
    profile: Annotated[str | None, typer.Option("--profile", "-p", help="Around this profile's places.")] = None,
    near: NearOpt = None,
    within: WithinOpt = None,
    limit: Annotated[int, typer.Option(min=1, help="At most this many sites.")] = 30,
    include_unnamed: Annotated[bool, typer.Option("--include-unnamed", help="Also sites the sponsor does not name (\"Research Site\").")] = False,
    fmt: Annotated[str, typer.Option("--format", help="table, json, ndjson or csv.")] = "table",
) -> None:
    """Research sites recruiting near you, from ClinicalTrials.gov: where coordinators work.

    Ranked by recruiting trials within reach, phase 1 trials, industry sponsors, published
    contacts, and whether we crawl the site's job board. Run `researchjobs trials crawl` first.
    Example: researchjobs leads --near "Boston, MA" --within 30 --format csv > sites.csv
    """
    from researchjobs.explore.places import PlaceError, locate
    from researchjobs.trials.leads import covering_crawl, find_leads, lead_row, profile_circles, source_line

    check_format(fmt)
    if bool(profile) == bool(near):
        fail('give either --profile NAME or --near "City, ST" (with --within MILES)')
    if profile:
        circles, states = profile_circles(_load_profile(profile))
        if not circles and not states:
            fail(f"profile {profile!r} has no locations to search around; add [[locations]] with a city")
        where = f"{profile}'s places"
    else:
        try:
            circles, states = [locate(near or "", within if within is not None else 25.0)], []
        except PlaceError as exc:
            fail(str(exc))
        where = f"{circles[0].miles:g} mi of {circles[0].label}"
    database = open_database()
    found = find_leads(database.conn, circles, states)
    unnamed = [lead for lead in found if lead.name_kind == "placeholder"]
    if not include_unnamed:
        found = [lead for lead in found if lead.name_kind != "placeholder"]
    crawls = [covering_crawl(database.conn, circle) for circle in circles]
    notes = [f"no complete ClinicalTrials.gov crawl covers {c.label} ({c.miles:g} mi) yet; run "
             f"`researchjobs trials crawl {f'--profile {profile}' if profile else f'--near {c.label!r} --within {c.miles:g}'}`"
             for c, crawl in zip(circles, crawls, strict=True) if crawl is None]  # fmt: skip
    if unnamed and not include_unnamed:
        notes.append(f"{len(unnamed)} sites the sponsor does not name were left out (--include-unnamed shows them)")
    retrieved = max((c["last_complete"] for c in crawls if c), default=None)
    rows = [lead_row(lead, rank) for rank, lead in enumerate(found[:limit], start=1)]
    if fmt == "table":
        from researchjobs.trials.leads import contact_text

        table_rows = [
            {"#": r["rank"], "site": r["facility"], "where": ", ".join(p for p in (r["city"], r["state"]) if p),
             "mi": r["miles"], "trials": r["trials"], "phase 1": r["phase1_trials"], "industry": r["industry_trials"],
             "contact": contact_text(r["contacts"][0]) if r["contacts"] else "",
             "employer": r["employer"] or "", "why": r["why"]}
            for r in rows
        ]  # fmt: skip
        count = f"{len(rows)} of {len(found)}" if len(found) > len(rows) else f"{len(rows)}"
        emit(table_rows, "table", LEAD_TABLE, title=f"{count} research sites within {where}")
        console.print(source_line(retrieved), highlight=False, markup=False)
    else:
        emit(rows, fmt, list(rows[0]) if rows else ["rank", "facility", "source", "retrieved"])
    _print_notes(notes)


# ---------------------------------------------------------------- entry point


def main() -> None:
    try:
        app()
    except (UserError, ConfigError, StorageError, RegistryError) as exc:
        err_console.print(tagged("error:", "red", exc), highlight=False)
        sys.exit(1)
    except KeyboardInterrupt:
        err_console.print("interrupted")
        sys.exit(130)
