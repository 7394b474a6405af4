"""Making and delivering digests exactly once, with the ledger in ``storage.digests``.

The order of events is what gives exactly-once:

1. Reserve: in one write transaction pick the profile's unsent matches, render the
   message (a fresh Message-ID) and commit it, with its items, as ``pending``.
2. Deliver from the stored bytes. Outbox: write ``<stem>.eml`` under a name fixed by
   the Message-ID, atomically; doing it twice gives the same single file, so a crash
   anywhere simply leaves ``pending`` and the next run finishes the job.
   SMTP: connect, TLS, login, MAIL, RCPT; only then claim the digest
   (``pending → sending``, compare-and-set) and send DATA.
3. Record the outcome: ``sent``; back to ``pending`` when the server certainly did not
   take it (connection refused, TLS/auth failure, 4xx/5xx reply) so the next tick
   retries the same bytes; ``failed`` for a permanent refusal (its items are released).

A process killed after the claim leaves ``sending`` with a dead owner. An SMTP server
cannot be asked whether it already has the message, so such a digest becomes
``uncertain``: never resent automatically, reported by ``run``/``status``, and resent
only when the user asks (``researchjobs digest --resend-uncertain``). A duplicate is
worse for the reader than a digest they can ask for again.
"""

from __future__ import annotations

import logging
import os
import socket
import ssl
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import sqlite_utils

from researchjobs.config import Paths, Settings, load_settings
from researchjobs.digest import deliver, render
from researchjobs.digest.select import Item, SiteItem, choose, site_item, waiting
from researchjobs.storage import digests as store

log = logging.getLogger(__name__)

DEFAULT_MAX_ITEMS = 25
#: Jobs a requirement may rule out, shown for context: at most this many per digest.
DEFAULT_MAX_OTHER = 5
#: A ``sending`` row owned by another host is presumed dead after this long.
FOREIGN_CLAIM_TIMEOUT = timedelta(hours=1)


@dataclass
class DigestResult:
    """What happened to one profile's digest in this run."""

    profile: str
    state: str  # sent | pending | uncertain | failed | skipped | nothing | dry-run | busy | error
    channel: str = "outbox"
    kind: str = "manual"
    local_date: str | None = None
    message_id: str | None = None
    subject: str | None = None
    items: int = 0
    eligible: int = 0
    path: Path | None = None  # the outbox .eml
    error: str | None = None
    retried: bool = False  # an earlier pending digest, not a new one
    preview: str | None = None  # dry runs: the plain-text body

    @property
    def ok(self) -> bool:
        return self.state in ("sent", "skipped", "nothing", "dry-run", "busy")

    def describe(self) -> str:
        words = {"nothing": "nothing new", "busy": "being sent by another process", "dry-run": "would send"}
        what = f"{self.profile}: {words.get(self.state, self.state)}"
        if self.items:
            what += f" ({self.items} jobs, {self.eligible} open to you)"
        if self.path:
            what += f" → {self.path}"
        if self.error:
            what += f" — {self.error}"
        return what


@dataclass
class Options:
    send: bool
    dry_run: bool
    max_items: int
    max_other: int
    min_score: float
    sender: str | None
    unsubscribe_url: str | None
    smtp: deliver.SmtpConfig | None
    ssl_context: ssl.SSLContext | None


def options_from(
    settings: Settings, *, send: bool, dry_run: bool, ssl_context: ssl.SSLContext | None
) -> Options:
    """Raises DeliveryConfigError when ``send`` is asked for but [smtp] cannot work."""
    table = settings.raw.get("digest", {}) if isinstance(settings.raw.get("digest"), dict) else {}
    max_items = table.get("max_items", DEFAULT_MAX_ITEMS)
    if isinstance(max_items, bool) or not isinstance(max_items, int) or max_items < 1:
        raise deliver.DeliveryConfigError(f"digest.max_items must be a whole number ≥ 1, got {max_items!r}")
    max_other = table.get("max_not_open", DEFAULT_MAX_OTHER)
    if isinstance(max_other, bool) or not isinstance(max_other, int) or max_other < 0:
        raise deliver.DeliveryConfigError(
            f"digest.max_not_open must be a whole number ≥ 0, got {max_other!r}"
        )
    min_score = table.get("min_score", 0)
    if isinstance(min_score, bool) or not isinstance(min_score, int | float) or not 0 <= min_score <= 100:
        raise deliver.DeliveryConfigError(f"digest.min_score must be between 0 and 100, got {min_score!r}")
    return Options(
        send=send,
        dry_run=dry_run,
        max_items=max_items,
        max_other=max_other,
        min_score=float(min_score),
        sender=str(settings.smtp.get("sender")) if settings.smtp.get("sender") else None,
        unsubscribe_url=str(table["unsubscribe_url"]) if table.get("unsubscribe_url") else None,
        smtp=deliver.SmtpConfig.from_settings(settings.smtp) if send else None,
        ssl_context=ssl_context,
    )


# ---------------------------------------------------------------- time


def utc_now() -> datetime:
    return datetime.now(UTC)


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def local_date(profile: Any, now: datetime) -> date:
    return now.astimezone(ZoneInfo(profile.timezone)).date()


def due_at(profile: Any, day: date) -> datetime:
    """The instant of ``day``'s digest in the profile's zone, as UTC.

    zoneinfo resolves the edge cases the same way every time: a wall time that does
    not exist (spring forward) lands an hour later, a repeated one (fall back) on its
    first occurrence; the ledger's one-per-local-date rule stops a second send.
    """
    hours, minutes = (int(p) for p in str(profile.digest_time).split(":"))
    wall = datetime.combine(day, time(hours, minutes), tzinfo=ZoneInfo(profile.timezone))
    return wall.astimezone(UTC)


def is_due(profile: Any, now: datetime, already_sent_today: bool) -> bool:
    """Today's digest (local date) is due once its local time has passed, once."""
    if already_sent_today:
        return False
    return now >= due_at(profile, local_date(profile, now))


def next_due(profile: Any, now: datetime, done_today: bool) -> datetime:
    """When the next daily digest will go out (for ``status``)."""
    today = local_date(profile, now)
    moment = due_at(profile, today)
    if done_today:
        return due_at(profile, today + timedelta(days=1))
    return max(moment, now)


# ---------------------------------------------------------------- profiles


def load_profiles(paths: Paths, wanted: Sequence[Any] | None) -> tuple[list[Any], list[DigestResult]]:
    """Profiles by name (or objects as given), and one error result per unusable one."""
    from researchjobs.matcher.profiles import scan_profiles

    given = [p for p in wanted or [] if not isinstance(p, str)]
    names = [p for p in wanted or [] if isinstance(p, str)]
    if wanted is not None and not names:
        return given, []
    good, bad = scan_profiles(paths.profiles)
    errors = [DigestResult(profile=_name_of(str(e)), state="error", error=str(e)) for e in bad]
    if wanted is None:
        return good, errors
    by_name = {p.name: p for p in good}
    chosen: list[Any] = list(given)
    results: list[DigestResult] = []
    for name in names:
        if name in by_name:
            chosen.append(by_name[name])
            continue
        broken = [r for r in errors if r.profile == name]
        results += broken or [
            DigestResult(profile=name, state="error", error=f"no profile {name!r} in {paths.profiles}")
        ]
    return chosen, results


def _name_of(message: str) -> str:
    return Path(message.split(":", 1)[0]).stem


# ---------------------------------------------------------------- the run


def run_digests(
    db: sqlite_utils.Database,
    paths: Paths,
    *,
    profiles: Sequence[Any] | None = None,
    send: bool = False,
    dry_run: bool = False,
    now: datetime | None = None,
    settings: Settings | None = None,
    only_due: bool = False,
    ssl_context: ssl.SSLContext | None = None,
    resend_uncertain: bool = False,
) -> list[DigestResult]:
    """Digest every profile (or those named): retry what is owed, then make what is new.

    ``only_due`` is the scheduler's daily mode: a profile gets its one daily digest
    once its local digest time has passed. Without it (the ``digest`` command, cron
    via ``run``) each call sends whatever is new. ``dry_run`` writes nothing at all.
    """
    now = now or utc_now()
    settings = settings if settings is not None else load_settings(paths.settings_file)
    options = options_from(settings, send=send, dry_run=dry_run, ssl_context=ssl_context)
    chosen, results = load_profiles(paths, profiles)
    if not dry_run:
        results += settle_in_flight(db, now)
        if resend_uncertain:
            store.requeue_uncertain(db, [p.name for p in chosen], iso(now))
    for profile in chosen:
        # One profile's failure is reported against that profile and the others still go out:
        # whatever it is, it must not cost anyone else their digest.
        try:
            results += digest_profile(db, paths, profile, options, now=now, only_due=only_due)
        except Exception as exc:
            log.exception("digest for %s failed", getattr(profile, "name", profile))
            error = " ".join(str(exc).split()) or type(exc).__name__
            results.append(DigestResult(profile=str(getattr(profile, "name", profile)), state="error", error=error))
    return results


def digest_profile(
    db: sqlite_utils.Database, paths: Paths, profile: Any, options: Options, *, now: datetime, only_due: bool
) -> list[DigestResult]:
    email = getattr(profile, "email", None)
    recipient = render.valid_recipient(email)
    if email and recipient is None:
        return [DigestResult(profile.name, "error", error=f"email {email!r} cannot be sent to; "
                             f"fix it and run `researchjobs profile check {profile.name}`")]  # fmt: skip
    channel = "smtp" if options.send and recipient else "outbox"
    day = local_date(profile, now).isoformat()
    results: list[DigestResult] = []
    if not options.dry_run:
        for row in store.open_digests(db, profile.name, channel):
            if row["state"] == "sending":  # another live process has it in flight
                results.append(_result(row, "busy", retried=True))
                continue
            results.append(deliver_row(db, paths, row, options, now=now, retried=True))
        if any(r.state in ("pending", "failed") for r in results):
            return results  # still owed (or refused for good): no new digest in this run
    kind = "daily" if only_due else "manual"
    if only_due and not is_due(profile, now, store.has_daily(db, profile.name, day)):
        return results
    build = _builder(paths, profile, options, recipient=recipient, day=day, kind=kind, now=now)
    sites = _sites_query(profile, now)
    if options.dry_run:
        context = store.preview(db, profile.name, day, min_score=options.min_score, sites_query=sites)
        draft = build(context)
        if draft is None or draft.state == "skipped":
            results.append(DigestResult(profile.name, "nothing", channel, kind, day))
            return results
        items = [Item.from_json(i["item"]) for i in draft.items]
        view = _view(
            paths, profile, items, day, more=waiting(context.candidates, items), since=context.last_created,
            sites=[SiteItem.from_json(s["item"]) for s in draft.sites],
        )  # fmt: skip
        results.append(
            DigestResult(profile.name, "dry-run", channel, kind, day, draft.message_id, draft.subject,
                         len(draft.items), draft.eligible_count, preview=render.render_text(view))
        )  # fmt: skip
        return results
    digest_id = store.reserve(
        db, profile=profile.name, kind=kind, local_date=day, channel=channel, now=iso(now), build=build,
        min_score=options.min_score, sites_query=sites,
    )  # fmt: skip
    if digest_id is None:
        results.append(DigestResult(profile.name, "nothing", channel, kind, day))
        return results
    row = store.get(db, digest_id)
    assert row is not None
    if row["state"] == "skipped":
        results.append(_result(row, "skipped"))
        return results
    results.append(deliver_row(db, paths, row, options, now=now))
    _refresh_feed(db, paths, profile.name, now, results)
    return results


def _builder(
    paths: Paths, profile: Any, options: Options, *, recipient: str | None, day: str, kind: str, now: datetime
) -> Callable[[store.Context], store.Draft | None]:
    def build(context: store.Context) -> store.Draft | None:
        items = choose(context.candidates, profile, options.max_items, options.max_other)
        sites = [site_item(lead) for lead in context.sites]
        if not items and not sites:
            wants_note = getattr(profile, "digest_when_empty", "skip") == "note"
            if wants_note and context.digests_today == 0:
                pass  # a short "nothing new" note, rendered below
            elif kind == "daily":
                return store.Draft(state="skipped")  # marks the day as done
            else:
                return None
        view = _view(
            paths, profile, items, day, more=waiting(context.candidates, items), since=context.last_created,
            sites=sites,
        )
        message_id = render.new_message_id(profile.name, day, options.sender)
        message, html = render.build_message(
            view, sender=options.sender, recipient=recipient, message_id=message_id, when=now,
            unsubscribe_url=options.unsubscribe_url,
        )  # fmt: skip
        return store.Draft(
            state="pending",
            subject=view.subject,
            recipient=recipient,
            message_id=message_id,
            message=message,
            html=html,
            items=[
                {"posting_key": i.posting_key, "cluster_id": i.cluster_id, "eligible": i.eligible,
                 "score": i.score, "item": i.to_json()}
                for i in items
            ],
            sites=[{"site_id": s.site_id, "item": s.to_json()} for s in sites],
        )  # fmt: skip

    return build


def _sites_query(profile: Any, now: datetime) -> store.SitesQuery | None:
    """The profile's "Research sites near you" finder, or None when the profile turned it off.

    A failure here costs the section, never the digest: it is logged and the jobs go out.
    """
    if not getattr(profile, "research_sites", True):
        return None
    from researchjobs.trials.leads import digest_leads, profile_circles

    try:
        circles, states = profile_circles(profile)  # before the write transaction: the city list loads slowly
    except Exception:
        log.exception("the places of %s could not be read for research sites", profile.name)
        return None

    def query(conn: Any, since: str | None) -> list[Any]:
        try:
            return digest_leads(conn, profile.name, circles, states, since, now)
        except Exception:
            log.exception("research sites for %s could not be chosen; the digest goes out without them", profile.name)
            return []

    return query


def _view(
    paths: Paths, profile: Any, items: list[Item], day: str, *, more: int, since: str | None,
    sites: list[SiteItem] | None = None,
) -> render.DigestView:
    from researchjobs.digest.feed import feed_path

    profile_file = getattr(profile, "path", None) or paths.profiles / f"{profile.name}.toml"
    return render.DigestView(
        profile=profile.name,
        local_date=day,
        items=items,
        profile_path=str(profile_file),
        feed_path=str(feed_path(paths, profile.name)),
        more=more,
        since=since,
        sites=list(sites or []),
    )


def deliver_row(
    db: sqlite_utils.Database,
    paths: Paths,
    row: dict[str, Any],
    options: Options,
    *,
    now: datetime,
    retried: bool = False,
) -> DigestResult:
    """Deliver one ledger row from its stored bytes and record the outcome."""
    stamp = iso(now)
    message = bytes(row["message"] or b"")
    if row["channel"] == "outbox":
        stem = deliver.outbox_stem(row["local_date"], row["profile"], row["message_id"])
        try:
            path = deliver.write_outbox(paths.outbox, stem, message, row["html"])
        except OSError as exc:
            store.mark_retry(db, row["id"], f"cannot write the outbox: {exc}", stamp)
            return _result(
                row,
                "pending",
                error=f"cannot write to {paths.outbox}: {exc.strerror or exc}",
                retried=retried,
            )
        if not store.mark_sent(db, row["id"], stamp, outbox_file=str(path)):
            # A concurrent run delivered the same digest first; the file write was idempotent.
            return _result(row, "busy", path=path, retried=retried)
        return _result(row, "sent", path=path, retried=retried)
    if options.smtp is None:
        return _result(row, "pending", error="waiting for a run with --send", retried=retried)
    owner = owner_id()
    claimed = False

    def before_data() -> bool:
        nonlocal claimed
        claimed = store.claim(db, row["id"], owner, stamp)
        return claimed

    _, envelope_from = render.sender_address(options.sender)
    try:
        deliver.send_smtp(
            message, sender=envelope_from, recipient=row["recipient"], config=options.smtp,
            context=options.ssl_context, before_data=before_data,
        )  # fmt: skip
    except deliver.ClaimLostError:
        return _result(row, "busy", retried=retried)
    except deliver.SendFailedError as exc:
        if exc.permanent:
            store.mark_failed(db, row["id"], str(exc), stamp)
            return _result(row, "failed", error=str(exc), retried=retried)
        store.mark_retry(db, row["id"], str(exc), stamp, counted=not claimed)
        return _result(row, "pending", error=f"{exc} (will retry)", retried=retried)
    except deliver.SendUncertainError as exc:
        store.mark_uncertain(db, row["id"], str(exc), stamp)
        return _result(row, "uncertain", error=f"{exc}; not resent automatically", retried=retried)
    store.mark_sent(db, row["id"], stamp)
    return _result(row, "sent", retried=retried)


def _result(row: dict[str, Any], state: str, **kw: Any) -> DigestResult:
    return DigestResult(
        profile=row["profile"], state=state, channel=row["channel"], kind=row["kind"], local_date=row["local_date"],
        message_id=row["message_id"], subject=row["subject"], items=row["item_count"], eligible=row["eligible_count"],
        **kw,
    )  # fmt: skip


def owner_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def settle_in_flight(db: sqlite_utils.Database, now: datetime) -> list[DigestResult]:
    """``sending`` rows whose process died become ``uncertain`` (reported, never resent)."""
    results: list[DigestResult] = []
    host = socket.gethostname()
    for row in store.in_flight(db):
        owner_host, _, pid_text = str(row["claimed_by"] or "").rpartition(":")
        if owner_host == host and pid_text.isdigit():
            if int(pid_text) == os.getpid() or _alive(int(pid_text)):
                continue
        else:
            updated = datetime.fromisoformat(str(row["updated_at"]).replace("Z", "+00:00"))
            if now - updated < FOREIGN_CLAIM_TIMEOUT:
                continue
        message = "the sending process stopped during SMTP DATA; the server may have it"
        if store.mark_uncertain(db, row["id"], message, iso(now)):
            full = store.get(db, row["id"])
            if full is not None:
                log.warning("digest %s for %s is uncertain: %s", full["message_id"], full["profile"], message)
                results.append(_result(full, "uncertain", error=message + "; not resent automatically"))
    return results


def _refresh_feed(
    db: sqlite_utils.Database, paths: Paths, profile: str, now: datetime, results: list[DigestResult]
) -> None:
    from researchjobs.digest.feed import write_feed

    try:
        write_feed(db, paths, profile, now=now)
    except OSError as exc:  # the e-mail went out; say the feed did not
        results.append(
            DigestResult(profile, "error", "feed", error=f"cannot write the feed: {exc.strerror or exc}")
        )


def last_digests(db: sqlite_utils.Database) -> list[dict[str, Any]]:
    """The newest digest per profile, with counts of owed and uncertain ones (for ``status``)."""
    return store.last_digests(db)
