"""After an import: link the data sets' names to our employers and rebuild per-employer records.

``refresh`` links every distinct LCA and USCIS employer name (``researchjobs.linking``),
then rebuilds ``sponsor_records`` (employer × fiscal year) from the linked rows, and
raises ``change_seq`` on the open postings of every employer whose record changed so
that the next incremental match rescores them.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import sqlite_utils

from researchjobs.h1b.record import year_record
from researchjobs.linking.dataset import LinkSummary, link_dataset
from researchjobs.storage import sponsors as store
from researchjobs.storage.db import immediate
from researchjobs.storage.sponsors import RECORD_COLUMNS


@dataclass
class RefreshSummary:
    links: list[LinkSummary] = field(default_factory=list)
    employers: int = 0  # employers with a record
    changed: int = 0  # employers whose record changed
    postings_touched: int = 0


def refresh(db: sqlite_utils.Database, registry: Sequence[tuple[str, str | None]]) -> RefreshSummary:
    """Link both data sets and rebuild the records. ``registry``: (employer, employer_type) pairs."""
    summary = RefreshSummary()
    for dataset, truncated in (("lca", False), ("uscis", None)):
        names = store.distinct_names(db, dataset)
        if names:
            summary.links.append(link_dataset(db, dataset, names, registry, truncated=truncated))
    rows = build_records(store.linked_filings(db), store.linked_uscis(db))
    before = store.record_rows(db)
    after = {(r[0], r[1]): r for r in rows}
    changed = {key[0] for key in set(before) | set(after) if before.get(key) != after.get(key)}
    with immediate(db) as conn:
        store.replace_records(conn, rows)
        summary.postings_touched = store.touch_postings(conn, changed)
    summary.employers = len({r[0] for r in rows})
    summary.changed = len(changed)
    return summary


def build_records(filings: list[dict[str, Any]], uscis: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
    """sponsor_records rows (RECORD_COLUMNS order) from linked filings and USCIS sums."""
    groups: dict[tuple[str, int], list[dict[str, Any]]] = defaultdict(list)
    for filing in filings:
        groups[(filing["employer_key"], int(filing["fiscal_year"]))].append(filing)
    records: dict[tuple[str, int], dict[str, Any]] = {
        key: year_record(key[0], key[1], rows) for key, rows in groups.items()
    }
    for row in uscis:
        key = (row["employer_key"], int(row["fiscal_year"]))
        record = records.setdefault(key, {
            "employer_key": key[0], "fiscal_year": key[1], "lca_filed": 0, "lca_certified": 0, "lca_no_status": 0,
            "lca_research": 0, "wage_levels": {}, "worksite_states": {}, "naics": {},
        })  # fmt: skip
        record["uscis_initial_approvals"] = row["initial_approvals"]
        record["uscis_initial_denials"] = row["initial_denials"]
        record["uscis_continuing_approvals"] = row["continuing_approvals"]
        record["uscis_continuing_denials"] = row["continuing_denials"]
    out = []
    for key in sorted(records):
        record = records[key]
        for name in ("wage_levels", "worksite_states", "naics"):
            record[name] = json.dumps(record.get(name) or {}, sort_keys=True)
        out.append(tuple(record.get(c) for c in RECORD_COLUMNS))
    return out
