"""An employer's H-1B record in plain words, and the cap-exempt signal its filings give.

Pure: records come in as dicts (``storage.sponsors.records_for``) and go out as the
line shown beside each job, e.g. "H-1B: 41 certified LCAs in FY2025, 9 for research
titles, e.g. Clinical Research Coordinator, Level I $52k (DOL LCA data)".

Caveats, said wherever the record is shown: an LCA is the employer's wage attestation
to the Department of Labor, the step *before* a petition — not an approved H-1B; the
past is not a promise to sponsor this job; and the cap-exempt signal says which evidence
it comes from.
"""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

CAVEAT = (
    "H-1B history: an LCA (Labor Condition Application) is the employer's filing with the Department of "
    "Labor before a petition; it is not an approved H-1B. USCIS counts are petitions decided. A record of "
    "past filings is not a promise to sponsor this job. The cap-exempt signal names the evidence it comes from."
)

#: NAICS codes that point at cap exemption, and how strongly (reference h1b-and-trials.md §1.4).
NAICS_SIGNAL: dict[str, tuple[str, str]] = {
    "611310": ("likely", "NAICS 611310 (colleges and universities)"),
    "622110": ("possible", "NAICS 622110 (general hospitals: exempt only through a university affiliation)"),
    "541714": ("possible", "NAICS 541714 (R&D in biotechnology: exempt only if a nonprofit research organisation)"),
    "541715": ("possible", "NAICS 541715 (R&D in life sciences: exempt only if a nonprofit research organisation)"),
    "541713": ("possible", "NAICS 541713 (R&D in nanotechnology: exempt only if a nonprofit research organisation)"),
    "541720": ("possible", "NAICS 541720 (R&D in social sciences: exempt only if a nonprofit research organisation)"),
}
REGISTRY_SIGNAL: dict[str, str] = {
    "university": "likely", "academic_medical_centre": "likely", "research_nonprofit": "likely",
    "childrens_hospital": "possible", "health_system": "possible", "government_research": "possible",
    "cro": "unlikely", "site_network": "unlikely", "pharma_biotech": "unlikely",
}  # fmt: skip
_RANK = {"likely": 3, "possible": 2, "unlikely": 1, "unknown": 0}


@dataclass(frozen=True)
class CapExemptSignal:
    likelihood: str  # likely | possible | unlikely | unknown
    evidence: tuple[str, ...]  # each with its source

    def describe(self) -> str:
        return f"cap-exempt {self.likelihood}: " + "; ".join(self.evidence) if self.evidence else "cap-exempt: no evidence"


def cap_exempt_signal(records: list[dict[str, Any]], employer_type: str | None) -> CapExemptSignal:
    """From the NAICS codes on the employer's filings (DOL LCA, 6 digits) and the registry type."""
    naics: Counter[str] = Counter()
    for record in records:
        naics.update({str(k): int(n) for k, n in (record.get("naics") or {}).items()})
    evidence: list[str] = []
    best = "unknown"
    total = sum(naics.values())
    for code, filings in naics.most_common(3):
        signal = NAICS_SIGNAL.get(code) or next(
            (value for prefix, value in NAICS_SIGNAL.items() if code.startswith("5417") and prefix == "541715"), None)
        if signal and filings * 4 >= total:  # the employer's usual code, not a stray filing
            evidence.append(f"{signal[1]} on {filings} of {total} LCAs (DOL LCA data)")
            best = max(best, signal[0], key=_RANK.__getitem__)
    if employer_type in REGISTRY_SIGNAL:
        evidence.append(f"registry type {employer_type} (source registry)")
        best = max(best, REGISTRY_SIGNAL[employer_type], key=_RANK.__getitem__)
    return CapExemptSignal(best, tuple(evidence))


def _money(value: float | None) -> str:
    if not value:
        return ""
    return f"${value / 1000:,.0f}k" if value >= 1000 else f"${value:,.0f}"


def latest_lca_year(records: Iterable[dict[str, Any]]) -> dict[str, Any] | None:
    return next((r for r in sorted(records, key=lambda r: -r["fiscal_year"]) if r.get("lca_filed")), None)


def sponsor_line(records: list[dict[str, Any]], lca_years: tuple[int, int] | None = None) -> str | None:
    """One line for a match or digest item; None when no H-1B data has been imported at all.

    ``lca_years``: the fiscal years the imported LCA data covers, to say "none found" honestly.
    """
    year = latest_lca_year(records)
    parts: list[str] = []
    if year:
        fy = year["fiscal_year"]
        certified, research = year.get("lca_certified") or 0, year.get("lca_research") or 0
        filed, no_status = year.get("lca_filed") or 0, year.get("lca_no_status") or 0
        if no_status == filed:
            text = f"filed {filed} H-1B LCA{'s' if filed != 1 else ''} in FY{fy} (status not in the data)"
        else:
            text = f"{certified} certified H-1B LCA{'s' if certified != 1 else ''} in FY{fy}"
            if filed != certified:
                text += f" ({filed} filed)"
        if research:
            text += f", {research} for research titles"
            example = year.get("example_title")
            if example:
                level = f", Level {year['example_level']}" if year.get("example_level") else ""
                wage = f" {_money(year.get('example_wage'))}" if year.get("example_wage") else ""
                text += f", e.g. {example}{level}{wage}"
        parts.append(text + " (DOL LCA data)")
    elif lca_years:
        low, high = lca_years
        span = f"FY{low}" if low == high else f"FY{low}–FY{high}"
        parts.append(f"no H-1B LCA found for this employer in the imported DOL data ({span})")
    uscis = next((r for r in records if r.get("uscis_initial_approvals") is not None), None)
    if uscis:
        parts.append(f"USCIS FY{uscis['fiscal_year']}: {uscis['uscis_initial_approvals']} initial and "
                     f"{uscis['uscis_continuing_approvals']} continuing approvals")  # fmt: skip
    if not parts:
        return None
    return "H-1B: " + "; ".join(parts)


def year_record(employer_key: str, fiscal_year: int, filings: list[dict[str, Any]]) -> dict[str, Any]:
    """One (employer, fiscal year) record from its linked LCA filings."""
    certified = [f for f in filings if f.get("case_status") == "Certified"]
    unknown = [f for f in filings if not f.get("case_status")]
    # Files without CASE_STATUS (column extracts) still say the employer filed: their
    # research rows count, and the line says the status is not known.
    research = [f for f in certified + unknown if f.get("research")]
    wages = [f["wage_annual"] for f in research if f.get("wage_annual")]
    titles = Counter(f["job_title"] for f in research if f.get("job_title"))
    # the most common research title; ties go to the alphabetically first, so it is stable
    example = min(titles.items(), key=lambda kv: (-kv[1], kv[0]))[0] if titles else None
    example_rows = [f for f in research if f.get("job_title") == example]
    levels = Counter(f["pw_wage_level"] for f in example_rows if f.get("pw_wage_level"))
    example_wages = [f["wage_annual"] for f in example_rows if f.get("wage_annual")]
    return {
        "employer_key": employer_key,
        "fiscal_year": fiscal_year,
        "lca_filed": len(filings),
        "lca_certified": len(certified),
        "lca_no_status": len(unknown),
        "lca_research": len(research),
        "research_median_wage": round(statistics.median(wages), 2) if wages else None,
        "example_title": example,
        "example_level": min(levels.items(), key=lambda kv: (-kv[1], kv[0]))[0] if levels else None,
        "example_wage": round(statistics.median(example_wages), 2) if example_wages else None,
        "wage_levels": dict(Counter(f["pw_wage_level"] or "none" for f in certified)),
        "worksite_states": dict(Counter(f["worksite_state"] for f in certified if f.get("worksite_state")).most_common(10)),
        "naics": dict(Counter(f["naics_code"] for f in filings if f.get("naics_code"))),
        "last_filing_date": max((f["decision_date"] for f in filings if f.get("decision_date")), default=None),
    }
