"""An Atom feed per profile, for people who would rather use a feed reader than e-mail.

Entries are the jobs the profile's digests handed out, as snapshotted then, so the
feed and the e-mails never disagree and a reader never sees a job twice: entry ids
are stable per (profile, posting). Written atomically next to the outbox.
"""

from __future__ import annotations

import json
import re
import uuid
from datetime import UTC, datetime
from pathlib import Path

import sqlite_utils

from researchjobs.config import Paths
from researchjobs.digest import render
from researchjobs.digest.select import Item
from researchjobs.files import atomic_write
from researchjobs.storage import digests as store

FEED_ENTRIES = 100
_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://github.com/researchjobs/researchjobs/feeds")


def feed_path(paths: Paths, profile: str) -> Path:
    safe = profile if re.fullmatch(r"[A-Za-z0-9_.-]+", profile) else re.sub(r"[^A-Za-z0-9_.-]+", "-", profile)
    return paths.feeds / f"{safe}.atom"


def build_feed(
    db: sqlite_utils.Database, profile: str, *, now: datetime | None = None, limit: int = FEED_ENTRIES
) -> str:
    rows = store.feed_items(db, profile, limit)
    entries = []
    for row in rows:
        item = Item.from_json(json.loads(row["item_json"]))
        key = row["posting_key"]
        entries.append(
            render.FeedEntry(
                id=f"urn:uuid:{uuid.uuid5(_NAMESPACE, f'{profile}/{key}')}",
                updated=row["created_at"],
                item=item,
                summary=render.item_summary(item),
                html=render.render_item_html(item),
            )
        )
    updated = max((e.updated for e in entries), default=None) or (now or datetime.now(UTC)).strftime(
        "%Y-%m-%dT%H:%M:%SZ"
    )
    view = render.FeedView(
        id=f"urn:uuid:{uuid.uuid5(_NAMESPACE, profile)}", profile=profile, updated=updated, entries=entries
    )
    return render.render_feed(view)


def write_feed(db: sqlite_utils.Database, paths: Paths, profile: str, *, now: datetime | None = None) -> Path:
    target = feed_path(paths, profile)
    target.parent.mkdir(parents=True, exist_ok=True)
    atomic_write(target, build_feed(db, profile, now=now).encode("utf-8"), durable=False)
    return target
