"""The ``clinicaltrials`` spider's item pipeline: site rows in batches, one run row per area.

It is the job boards' ``StorePipeline`` with other rows: the same ``crawl_runs``
bookkeeping and the same outcome decision (``StorePipeline.decision``, ``outcomes.decide``), so a failed,
partial or interrupted crawl of an area closes nothing, exactly as for postings. After a
complete, successful crawl, the (site, trial) rows of sites inside the area that it did
not see recruiting are closed, each with the reason: the site's own status, the study no
longer listing the site, or the study no longer among the recruiting ones near here.
"""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import asdict
from typing import Any

from researchjobs.pipelines import StorePipeline, run_id_for
from researchjobs.spiders.base import now_iso
from researchjobs.storage import trials as site_store
from researchjobs.storage.postings import UpsertCounts
from researchjobs.storage.queries import Near
from researchjobs.storage.runs import finish_run
from researchjobs.trials.sites import sites_in_area
from researchjobs.trials.spider import StudyItem

logger = logging.getLogger(__name__)

Key = tuple[str, str]  # (site_id, nct_id)


class TrialPipeline(StorePipeline):
    #: Closing evidence is counted on postings; a site's rows close on the area's complete crawl.
    judges_drops = False

    def open_spider(self) -> None:
        super().open_spider()
        self.reasons: dict[str, dict[Key, str]] = {s.id: {} for s in self.spider.sources}
        self.studies: dict[str, set[str]] = {s.id: set() for s in self.spider.sources}
        self.tallies: dict[str, Counter[str]] = {s.id: Counter() for s in self.spider.sources}

    def process_item(self, item: Any) -> Any:
        if not isinstance(item, StudyItem):
            return item
        area_id = item.source_id
        try:
            found = sites_in_area(item.study, self.spider.areas[area_id])
        except Exception as exc:  # a study we cannot place must make the run partial: closing needs all of them
            self.spider.record_error(area_id, f"{item.study.nct_id}: sites unreadable: {type(exc).__name__}: {exc}")
            return item
        self.studies[area_id].add(found.nct_id)
        tally = self.tallies[area_id]
        tally.update(studies=1, sites_open=len(found.open), sites_not_recruiting=len(found.not_recruiting),
                     sites_outside=found.outside, sites_without_coordinates=found.no_point,
                     sites_unnamed=found.unnamed)  # fmt: skip
        for site_id, status in found.not_recruiting.items():
            self.reasons[area_id][(site_id, found.nct_id)] = f"site status {status}"
        for site, trial in found.open:
            self.seen[area_id].add((site.site_id, found.nct_id))  # type: ignore[arg-type]
            self.buffer.append({"source_id": area_id, "site": asdict(site), "trial": _trial_columns(asdict(trial))})
        if len(self.buffer) >= self.batch_size:
            self.flush()
        return item

    what = "site trials"

    def store(self, source_id: str, rows: list[dict[str, Any]]) -> UpsertCounts:
        counts = site_store.upsert(self.db, [(r["site"], r["trial"]) for r in rows], now=now_iso(),
                              run_id=run_id_for(self.batch_id, source_id))  # fmt: skip
        self.tallies[source_id].update(new_sites=counts.new_sites)
        return UpsertCounts(counts.new, counts.updated, counts.unchanged, counts.reopened)

    def spider_closed(self, spider: Any, reason: str) -> None:
        if self.db is None:
            return
        self.flush()
        now = now_iso()
        for area_id, state in spider.state.items():
            area = spider.areas[area_id]
            run_id = run_id_for(self.batch_id, area_id)
            try:
                decision = self.decision(area_id, state, reason)
                result = self.result(area_id, state, reason, decision)
                result.stats.update(area=area.to_dict(), **dict(self.tallies.get(area_id, {})))
                if decision.close:
                    studies = self.studies[area_id]
                    reasons = self.reasons[area_id]

                    def why(key: Key, studies: set[str] = studies, reasons: dict[Key, str] = reasons,
                            label: str = area.label) -> str:  # fmt: skip
                        if key in reasons:
                            return reasons[key]
                        if key[1] in studies:
                            return "the study no longer lists this site"
                        return f"not among the recruiting studies near {label}"

                    result.closed = site_store.close_missing_in_area(
                        self.db, Near(area.lat, area.lon, area.miles, area.label),
                        self.seen.get(area_id, set()), reason=why, now=now, run_id=run_id,  # type: ignore[arg-type]
                    )  # fmt: skip
                finish_run(self.db, run_id, result, now)
                site_store.record_area(self.db, {"area_id": area_id, **area.to_dict()}, run_id=run_id,
                                  outcome=result.outcome, complete=result.complete, now=now)  # fmt: skip
            except Exception as exc:
                logger.error("%s: could not record the crawl outcome: %s", area_id, exc)
        self.db.conn.close()
        self.db = None


def _trial_columns(trial: dict[str, Any]) -> dict[str, Any]:
    """TrialRow fields under the table's column names."""
    trial = dict(trial)
    trial["study_first_posted"] = trial.pop("first_posted")
    trial["study_last_updated"] = trial.pop("last_updated")
    return trial
