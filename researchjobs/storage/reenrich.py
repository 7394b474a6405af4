"""Re-applying the current extractors to stored postings whose facts are older."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import sqlite_utils

from researchjobs.enrich.facts import EXTRACTOR_VERSION, extract_facts
from researchjobs.storage.postings import row_to_posting, stale_enrichment, update_facts


def reenrich(db: sqlite_utils.Database, on_batch: Callable[[int], None] | None = None) -> dict[str, int]:
    done = failed = 0
    for rows in stale_enrichment(db, EXTRACTOR_VERSION):
        facts: dict[str, dict[str, Any]] = {}
        for row in rows:
            try:
                facts[row["key"]] = extract_facts(row_to_posting(row))
            except Exception:
                failed += 1
                facts[row["key"]] = {"enrich_version": EXTRACTOR_VERSION}
        done += update_facts(db, facts)
        if on_batch:
            on_batch(done)
    return {"reenriched": done, "failed": failed, "version": EXTRACTOR_VERSION}
