"""The ``clinicaltrials`` spider: recruiting studies around each area, page by page.

``scrapy crawl clinicaltrials`` asks about the union of every profile's places;
``-a areas='[{"lat": 42.3584, "lon": -71.0598, "miles": 30, "label": "Boston, MA"}]'``
(or ``LAT,LON,MILES,LABEL`` specs separated by ``;``) about given circles. Each area is
a source of its own: its own ``crawl_runs`` row, its own errors, its own closing.

The service states no limit of its own; secondary sources cite about 50 requests a
minute per address. One request at a time, two seconds apart (AutoThrottle may only
slow that down), keeps us under 30 a minute. Paging follows ``nextPageToken`` up to
``CLINICALTRIALS_MAX_PAGES`` pages per area; more make the area's crawl partial, as a
page cap does for every job board, so nothing closes on an incomplete answer.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, ClassVar

from researchjobs.spiders.base import ParseError, SourceSpider, SourceState
from researchjobs.trials import FAMILY
from researchjobs.trials.api import PAGE_SIZE, Study, parse_studies, studies_url
from researchjobs.trials.areas import Area, AreaError, for_profile, from_json, parse_spec, union

#: Pages followed per area (of PAGE_SIZE studies each); more make the crawl partial.
MAX_PAGES = 60


@dataclass
class StudyItem:
    """One recruiting study found by searching one area (``source_id`` is the area's id)."""

    source_id: str
    study: Study


def profile_areas(directory: Any = None) -> tuple[list[Area], list[str]]:
    """The union of the places of every usable profile that wants research sites (the
    scheduler's search), and a note for each place that cannot be searched."""
    from researchjobs.matcher.profiles import scan_profiles

    profiles, _bad = scan_profiles(directory, check_places=False)
    found, notes = [], []
    for profile in profiles:
        if not getattr(profile, "research_sites", True):
            continue
        areas, why = for_profile(profile)
        found += areas
        notes += why
    return union(found), notes


def parse_areas(text: str) -> list[Area]:
    text = text.strip()
    if text.startswith("["):
        return from_json(text)
    return [parse_spec(part) for part in text.split(";") if part.strip()]


class ClinicalTrialsSpider(SourceSpider):
    name = "clinicaltrials"
    family = FAMILY
    custom_settings: ClassVar[dict[str, Any]] = {
        "ITEM_PIPELINES": {"researchjobs.trials.pipeline.TrialPipeline": 500},
        "CONCURRENT_REQUESTS_PER_DOMAIN": 1,
        "DOWNLOAD_DELAY": 2.0,
        "RANDOMIZE_DOWNLOAD_DELAY": False,
        "AUTOTHROTTLE_START_DELAY": 2.0,
    }

    def __init__(self, areas: str | None = None, source: str | None = None, **kwargs: Any) -> None:
        super().__init__(source=source, **kwargs)
        self._areas_arg = areas
        self.areas: dict[str, Area] = {}
        self.max_pages = MAX_PAGES
        self.page_size = PAGE_SIZE

    @classmethod
    def from_crawler(cls, crawler: Any, *args: Any, **kwargs: Any) -> ClinicalTrialsSpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        spider.max_pages = crawler.settings.getint("CLINICALTRIALS_MAX_PAGES", MAX_PAGES)
        spider.page_size = crawler.settings.getint("CLINICALTRIALS_PAGE_SIZE", PAGE_SIZE)
        return spider

    def load_registry(self, setting: str | None) -> None:  # type: ignore[override]
        return None  # areas come from profiles or arguments, not from the source registry

    def bind_sources(self, registry: Any) -> None:
        try:
            areas = parse_areas(self._areas_arg) if self._areas_arg else profile_areas()[0]
        except AreaError as exc:
            raise ValueError(f"clinicaltrials: {exc}") from None
        chosen = {a.id: a for a in areas}
        if self._source_arg:
            wanted = [s.strip() for s in self._source_arg.split(",") if s.strip()]
            missing = [s for s in wanted if s not in chosen]
            if missing:
                raise ValueError(f"clinicaltrials: no area {', '.join(missing)} among the areas given")
            chosen = {s: chosen[s] for s in wanted}
        self.areas = chosen
        self.state = {a.id: SourceState(a.source()) for a in chosen.values()}

    def requests_for(self, source: Any) -> Iterable[Any]:
        area = self.areas[source.id]
        url = studies_url(area.lat, area.lon, area.miles, page_size=self.page_size)
        yield self.request(url, source, self.parse_page, meta={"page": 1, "token": None})

    def parse_page(self, response: Any) -> Iterable[Any]:
        ctx = self.context(response)
        state = self.state[ctx.source_id]
        try:
            page = parse_studies(response.body)
        except ParseError as exc:
            self.record_error(ctx.source_id, f"{exc} at {response.url}")
            return
        for warning in page.warnings:
            self.logger.warning("%s: %s", ctx.source_id, warning)
        state.warnings.extend(page.warnings)
        if page.total and not page.studies:
            self.record_error(ctx.source_id, f"the answer counts {page.total} studies but lists none at {response.url}")
            return
        fresh = [s for s in page.studies if s.nct_id not in state.seen_ids]
        state.seen_ids.update(s.nct_id for s in fresh)
        for study in fresh:
            state.items += 1
            yield StudyItem(ctx.source_id, study)
        number, token = response.meta["page"], page.next_token
        if page.total is not None:
            self.crawler.stats.set_value(f"researchjobs/clinicaltrials/{ctx.source_id}/total", page.total)
        if not token:
            return
        if token == response.meta.get("token") or (page.studies and not fresh):
            self.record_error(ctx.source_id, f"page {number + 1} would repeat page {number}; paging stopped")
            return
        if number >= self.max_pages:
            total = f" of {page.total}" if page.total is not None else ""
            self.record_error(ctx.source_id, f"stopped after {self.max_pages} pages ({len(state.seen_ids)}{total}"
                                             " studies); area incomplete")  # fmt: skip
            return
        area = self.areas[ctx.source_id]
        url = studies_url(area.lat, area.lon, area.miles, page_token=token, page_size=self.page_size)
        yield self.request(url, state.source, self.parse_page, meta={"page": number + 1, "token": token})
