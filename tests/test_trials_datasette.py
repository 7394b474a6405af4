"""Research sites in Datasette: the leads canned query (state, phase and sponsor-class filters),
facets on the research_site_trials view, and the source named on every row."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from test_trials_digest import add_trial

from researchjobs.explore.datasette import make_datasette
from researchjobs.storage.db import open_db
from researchjobs.trials import SOURCE_NAME

CRAWLED = datetime(2026, 10, 1, 6, 0, tzinfo=UTC)


async def get_json(ds: Any, path: str) -> Any:
    response = await ds.client.get(path)
    assert response.status_code == 200, (path, response.text[:500])
    return response.json()


def test_leads_query_and_facets(tmp_path: Path) -> None:
    path = tmp_path / "researchjobs.db"
    db = open_db(path)
    add_trial(db, "Charles River Clinical Pharmacology Unit", "Quincy", "NCT09400001", CRAWLED, phases=("PHASE1",))
    add_trial(db, "Charles River Clinical Pharmacology Unit", "Quincy", "NCT09400002", CRAWLED, phases=("EARLY_PHASE1",))
    add_trial(db, "Fenway Cardiology Research Group", "Boston", "NCT09400003", CRAWLED, phases=("PHASE2", "PHASE3"),
              sponsor_class="OTHER")  # fmt: skip
    add_trial(db, "Research Site", "Cambridge", "NCT09400004", CRAWLED)
    db.conn.close()
    ds = make_datasette(path)

    async def check() -> None:
        every = await get_json(ds, "/researchjobs/research_site_leads.json?_shape=array&state=&phase=&sponsor_class=")
        assert [(r["facility"], r["recruiting_trials"], r["phase1_trials"], r["industry_trials"]) for r in every] == [
            ("Charles River Clinical Pharmacology Unit", 2, 2, 2), ("Fenway Cardiology Research Group", 1, 0, 0)]  # fmt: skip
        assert {r["source"] for r in every} == {SOURCE_NAME} and {r["retrieved"] for r in every} == {"2026-10-01"}
        phase3 = await get_json(ds, "/researchjobs/research_site_leads.json?_shape=array&state=ma&phase=phase3&sponsor_class=")
        assert [r["facility"] for r in phase3] == ["Fenway Cardiology Research Group"]
        industry = await get_json(ds, "/researchjobs/research_site_leads.json?_shape=array&state=&phase=&sponsor_class=industry")
        assert [r["facility"] for r in industry] == ["Charles River Clinical Pharmacology Unit"]
        data = await get_json(ds, "/researchjobs/research_site_trials.json?_size=0&_extra=facet_results")
        facets = data["facet_results"]
        facets = facets.get("results", facets)
        assert {"state", "phases", "sponsor_class", "name_kind"} <= set(facets)
        phases = {f["value"]: f["count"] for f in facets["phases"]["results"]}
        assert phases == {"PHASE1": 1, "EARLY_PHASE1": 1, "PHASE2": 2, "PHASE3": 1}
        assert {f["value"]: f["count"] for f in facets["state"]["results"]} == {"MA": 4}
        page = await ds.client.get("/researchjobs/research_site_leads")
        assert page.status_code == 200 and "Research sites recruiting (ClinicalTrials.gov)" in page.text

    asyncio.run(check())
