"""Looking up one employer's H-1B record, and the employers that file most for a kind of job.

Behind ``researchjobs sponsors show`` and ``sponsors top``. An employer is found among
ours first (registry and postings, by exact name, normalised name, then the linker), then
among the names in the imported LCA data (an employer we do not crawl still has a
record worth seeing); failing both, the nearest names are offered.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from typing import Any

import sqlite_utils
from rapidfuzz import fuzz, process

from researchjobs.h1b.record import CapExemptSignal, cap_exempt_signal, sponsor_line
from researchjobs.linking import Employer, Linker, name_key
from researchjobs.storage import links as link_store
from researchjobs.storage import sponsors as store

_TITLE_STOPWORDS = frozenset("of the and for in at a an".split())


class NotFoundError(Exception):
    """No employer by that name; ``suggestions`` holds the nearest names."""

    def __init__(self, text: str, suggestions: list[str]) -> None:
        hint = f"; did you mean {', '.join(repr(s) for s in suggestions)}?" if suggestions else ""
        super().__init__(f"no employer called {text!r} in the registry, the postings or the imported LCA data{hint}")
        self.suggestions = suggestions


@dataclass
class EmployerRecord:
    """Everything ``sponsors show`` prints about one employer."""

    employer: str
    employer_key: str
    ours: bool  # one of our employers (registry or postings), not only a name in the LCA data
    employer_type: str | None
    years: list[dict[str, Any]]
    cap: CapExemptSignal
    line: str | None
    links: list[dict[str, Any]] = field(default_factory=list)  # the data-set names behind it

    def to_dict(self) -> dict[str, Any]:
        return {
            "employer": self.employer, "employer_key": self.employer_key, "ours": self.ours,
            "employer_type": self.employer_type, "line": self.line,
            "cap_exempt": {"likelihood": self.cap.likelihood, "evidence": list(self.cap.evidence)},
            "years": self.years, "linked_names": self.links,
        }  # fmt: skip


def find_employer(db: sqlite_utils.Database, text: str) -> EmployerRecord:
    """The record of the employer ``text`` names; NotFoundError with suggestions otherwise."""
    lca_years = store.data_years(db)["lca"]
    key = link_store.employer_key_for(db, text.strip()) or name_key(text)
    ours = link_store.employer(db, key) if key else None
    if ours is None and key:
        candidates = [Employer(e["key"], e["name"]) for e in link_store.employers(db)]
        link = Linker(candidates).link(text) if candidates else None
        if link is not None and link.linked and link.employer_key:
            ours = link_store.employer(db, link.employer_key)
    if ours is not None:
        years = store.records_for(db, ours["key"])
        return EmployerRecord(
            employer=ours["name"], employer_key=ours["key"], ours=True, employer_type=ours["employer_type"],
            years=years, cap=cap_exempt_signal(years, ours["employer_type"]), line=sponsor_line(years, lca_years),
            links=link_store.links_for_employer(db, ours["key"]),
        )  # fmt: skip
    years = store.unlinked_lca_summary(db, key) if key else []
    if years:
        names = store.lca_names_like(db, key)
        naics = store.naics_of(db, key)
        for year in years:
            year["naics"] = naics.get(year["fiscal_year"], {})
        return EmployerRecord(
            employer=names[0] if names else text, employer_key=key, ours=False, employer_type=None,
            years=years, cap=cap_exempt_signal(years, None), line=sponsor_line(years, lca_years),
            links=[{"dataset": "lca", "external_name": n, "method": "exact", "score": 100.0, "status": "name"}
                   for n in names],
        )  # fmt: skip
    raise NotFoundError(text, suggest(db, text))


def suggest(db: sqlite_utils.Database, text: str, limit: int = 3) -> list[str]:
    names = [e["name"] for e in link_store.employers(db)] + store.lca_employer_names(db)
    found = process.extract(name_key(text), {n: name_key(n) for n in names}, scorer=fuzz.WRatio,
                            limit=limit, score_cutoff=70)  # fmt: skip
    return [choice for _key, _score, choice in found]


def title_words(title: str | None) -> list[str]:
    return [w for w in (title or "").lower().split() if w not in _TITLE_STOPWORDS]


def top_sponsors(
    db: sqlite_utils.Database, *, title: str | None = None, state: str | None = None,
    fiscal_year: int | None = None, research_only: bool = False, limit: int = 20,
) -> list[dict[str, Any]]:
    """Employers with the most certified LCAs for titles containing every word of ``title``."""
    words = title_words(title)
    rows = store.top_employers(db, words=words, state=state, fiscal_year=fiscal_year,
                               research_only=research_only, limit=limit)  # fmt: skip
    wages = store.lca_wages(db, [r["employer_key"] for r in rows], words, state, fiscal_year, research_only)
    ours = store.our_employer_for_lca_keys(db, [r["employer_key"] for r in rows])
    for row in rows:
        found = wages.get(row["employer_key"])
        row["median_wage"] = round(statistics.median(found)) if found else None
        row["our_employer"] = ours.get(row["employer_key"])
        row.pop("mean_wage", None)
    return rows
