"""Linking a whole data set's names to our employers, with the database.

A data set package (``researchjobs.h1b``, a ClinicalTrials.gov importer…) calls
``link_dataset`` with its name and its distinct (name, FEIN) pairs; this module refreshes
our side (registry employers and postings' employer names, grouped by the alias file),
runs the ``Linker`` and stores every link through ``storage.links``. Facility names
(research sites) go through ``link_facility_dataset`` instead, which adds the rules of
``linking.facilities``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

import sqlite_utils

from researchjobs.linking.facilities import link_facilities
from researchjobs.linking.linker import LINKER_VERSION, Employer, Link, Linker, group_names
from researchjobs.linking.names import name_key
from researchjobs.storage import links as store


@dataclass
class LinkSummary:
    """What one linking run found, by status and method."""

    dataset: str
    names: int = 0
    by_status: dict[str, int] = field(default_factory=dict)
    by_method: dict[str, int] = field(default_factory=dict)
    changed: int = 0  # rows written (new or different from before)

    def describe(self) -> str:
        linked = self.by_status.get("linked", 0)
        review = self.by_status.get("review", 0)
        methods = ", ".join(f"{m} {n}" for m, n in sorted(self.by_method.items()) if m not in ("none", "placeholder"))
        return (f"{self.dataset}: {self.names} distinct employer names, {linked} linked to our employers"
                f"{f' ({methods})' if methods else ''}, {review} for review")  # fmt: skip


def refresh_employers(db: sqlite_utils.Database, registry: Sequence[tuple[str, str | None]]) -> list[Employer]:
    """Our employers from the registry's (employer, employer_type) pairs and postings' names,
    written to ``employers`` / ``employer_names``."""
    types = {name: kind for name, kind in registry}
    employers = group_names(store.posting_employer_names(db), preferred=[name for name, _ in registry])
    rows, names = [], []
    registry_keys = {name_key(n) for n in types}
    for employer in employers:
        kind = next((types[n] for n in employer.names if types.get(n)), None)
        in_registry = any(name_key(n) in registry_keys for n in employer.names)
        rows.append((employer.key, employer.name, kind, in_registry))
        names += [(n, employer.key) for n in employer.names]
    store.sync_employers(db, rows, names)
    return employers


def link_dataset(
    db: sqlite_utils.Database,
    dataset: str,
    names: Iterable[tuple[str, str | None]],
    registry: Sequence[tuple[str, str | None]],
    *,
    truncated: bool | None = None,
    now: str | None = None,
) -> LinkSummary:
    """Link every distinct (name, FEIN) of a data set and store the links.

    ``registry``: the source registry's (employer, employer_type) pairs. ``truncated``:
    see ``Linker.link_many``. People's decisions stand: a rejected name stays unlinked,
    a confirmed one stays linked.
    """
    now = now or datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    employers = refresh_employers(db, registry)
    seen: dict[str, tuple[str, str | None]] = {}
    for name, fein in names:
        key = name_key(name)
        if key and (key not in seen or (fein and not seen[key][1])):
            seen[key] = (name, fein)
    pairs = list(seen.values())
    links: list[Link] = Linker(employers).link_many(pairs, truncated=truncated)
    return _store(db, dataset, links, now)


def link_facility_dataset(
    db: sqlite_utils.Database,
    dataset: str,
    names: Iterable[str],
    registry: Sequence[tuple[str, str | None]],
    *,
    now: str | None = None,
) -> LinkSummary:
    """Like ``link_dataset``, for facility names (research sites): placeholders are never
    linked, investigators only by identical names, a unit through its organisation's name
    (``facilities.link_facilities``)."""
    now = now or datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    employers = refresh_employers(db, registry)
    distinct: dict[str, str] = {}
    for name in names:
        key = name_key(name)
        if key:
            distinct.setdefault(key, name)
    links = link_facilities(Linker(employers), list(distinct.values()))
    return _store(db, dataset, links, now)


def _store(db: sqlite_utils.Database, dataset: str, links: list[Link], now: str) -> LinkSummary:
    summary = LinkSummary(dataset, names=len(links))
    rows = []
    for link in links:
        summary.by_status[link.status] = summary.by_status.get(link.status, 0) + 1
        summary.by_method[link.method] = summary.by_method.get(link.method, 0) + 1
        rows.append((link.key, link.name, link.employer_key, link.method, link.score, link.status))
    summary.changed = store.write_links(db, dataset, rows, version=LINKER_VERSION, now=now)
    return summary
