"""Crawl plans for the ``clinicaltrials`` spider, and linking what it found to our employers.

A plan is the job boards' ``CrawlPlan`` with areas for sources: in this process it passes
the areas to the spider (``-a areas=...``); in a child process it runs
``researchjobs trials crawl --areas ...``. Either way each area gets its own
``crawl_runs`` row under the plan's batch id.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import sqlite_utils

from researchjobs.crawler import CrawlPlan
from researchjobs.linking.dataset import LinkSummary, link_facility_dataset
from researchjobs.sources import Registry
from researchjobs.storage import trials as store
from researchjobs.trials import DATASET, FAMILY
from researchjobs.trials.areas import Area, to_json


def plan_for(areas: list[Area], db_path: Path, registry_path: Path, **kw: Any) -> CrawlPlan:
    """A crawl of these areas (``kw``: batch_id, replay_url, log_file, settings)."""
    encoded = to_json(areas)
    return CrawlPlan.new(
        [a.source() for a in areas], db_path, registry_path, spider_args={FAMILY: {"areas": encoded}},
        command=("trials", "crawl"), arguments=["--areas", encoded], **kw,
    )  # fmt: skip


def link_sites(db: sqlite_utils.Database, registry: Registry) -> LinkSummary:
    """Tie every stored facility name to our employers (registry and postings)."""
    employers = [(s.employer, s.employer_type) for s in registry.sources.values()]
    return link_facility_dataset(db, DATASET, store.facility_names(db), employers)
