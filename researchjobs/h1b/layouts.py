"""Which file this is, from its header: DOL LCA disclosure data or a USCIS Data Hub export.

Headers change by year and by who exported them: ``EMPLOYER_FEIN`` from FY2024,
``H-1B_DEPENDENT`` with a hyphen in FY2025 Q1 only, ``LAWFIRM_BUSINESS_FEIN`` from FY2025
Q2, iCERT-era names before FY2020 (``CASE_NO``, ``SOC_NAME``, ``NAIC_CODE``), numbered
worksite columns (``WORKSITE_CITY_1``); USCIS writes "Initial Approvals" in one year,
"Initial Approval" in the next, and the Tableau exports add "Line by line" and a
"Fiscal Year   " with trailing spaces. So columns are resolved by alias, compared with
case, spaces and punctuation removed. A header that fits no layout is refused with the
columns that were expected.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

#: LCA field → header spellings (compared by ``header_key``), first match wins.
LCA_FIELDS: dict[str, tuple[str, ...]] = {
    "case_number": ("CASE_NUMBER", "CASE_NO", "LCA_CASE_NUMBER"),
    "case_status": ("CASE_STATUS", "STATUS", "APPROVAL_STATUS"),
    "received_date": ("RECEIVED_DATE", "CASE_SUBMITTED", "LCA_CASE_SUBMIT"),
    "decision_date": ("DECISION_DATE", "DECISION_DATE_1"),
    "visa_class": ("VISA_CLASS", "PROGRAM"),
    "job_title": ("JOB_TITLE", "LCA_CASE_JOB_TITLE"),
    "soc_code": ("SOC_CODE", "LCA_CASE_SOC_CODE"),
    "soc_title": ("SOC_TITLE", "SOC_NAME", "LCA_CASE_SOC_NAME"),
    "full_time": ("FULL_TIME_POSITION", "FULL_TIME", "PART_TIME_1"),
    "begin_date": ("BEGIN_DATE", "EMPLOYMENT_START_DATE", "LCA_CASE_EMPLOYMENT_START_DATE"),
    "end_date": ("END_DATE", "EMPLOYMENT_END_DATE", "LCA_CASE_EMPLOYMENT_END_DATE"),
    "total_workers": ("TOTAL_WORKER_POSITIONS", "TOTAL_WORKERS"),
    "employer_name": ("EMPLOYER_NAME", "LCA_CASE_EMPLOYER_NAME"),
    "trade_name": ("TRADE_NAME_DBA",),
    "employer_fein": ("EMPLOYER_FEIN",),
    "employer_city": ("EMPLOYER_CITY", "LCA_CASE_EMPLOYER_CITY"),
    "employer_state": ("EMPLOYER_STATE", "LCA_CASE_EMPLOYER_STATE"),
    "naics_code": ("NAICS_CODE", "NAIC_CODE", "LCA_CASE_NAICS_CODE"),
    "worksite_city": ("WORKSITE_CITY", "WORKSITE_CITY_1", "LCA_CASE_WORKLOC1_CITY"),
    "worksite_state": ("WORKSITE_STATE", "WORKSITE_STATE_1", "LCA_CASE_WORKLOC1_STATE"),
    "worksite_postal_code": ("WORKSITE_POSTAL_CODE", "WORKSITE_POSTAL_CODE_1"),
    "wage_from": ("WAGE_RATE_OF_PAY_FROM", "WAGE_RATE_OF_PAY_FROM_1", "LCA_CASE_WAGE_RATE_FROM"),
    "wage_to": ("WAGE_RATE_OF_PAY_TO", "WAGE_RATE_OF_PAY_TO_1", "LCA_CASE_WAGE_RATE_TO"),
    "wage_unit": ("WAGE_UNIT_OF_PAY", "WAGE_UNIT_OF_PAY_1", "LCA_CASE_WAGE_RATE_UNIT"),
    "prevailing_wage": ("PREVAILING_WAGE", "PREVAILING_WAGE_1", "PW_1"),
    "pw_unit": ("PW_UNIT_OF_PAY", "PW_UNIT_OF_PAY_1", "PW_UNIT_1"),
    "pw_wage_level": ("PW_WAGE_LEVEL", "PW_WAGE_LEVEL_1", "PW_LEVEL_1"),
    "h1b_dependent": ("H_1B_DEPENDENT", "H-1B_DEPENDENT", "H1B_DEPENDENT"),
    "year_hint": ("YEAR", "FISCAL_YEAR"),
}
LCA_REQUIRED = ("case_number", "employer_name")

USCIS_FIELDS: dict[str, tuple[str, ...]] = {
    "fiscal_year": ("Fiscal Year",),
    "employer_name": ("Employer", "Employer (Petitioner) Name", "Petitioner Name"),
    "tax_id": ("Tax ID",),
    "naics": ("NAICS", "Industry (NAICS) Code"),
    "state": ("State", "Petitioner State"),
    "city": ("City", "Petitioner City"),
    "zip": ("ZIP", "Petitioner Zip Code"),
    "initial_approvals": ("Initial Approvals", "Initial Approval"),
    "initial_denials": ("Initial Denials", "Initial Denial"),
    "continuing_approvals": ("Continuing Approvals", "Continuing Approval"),
    "continuing_denials": ("Continuing Denials", "Continuing Denial"),
    # the six-category layout (FY2024 onward, Tableau)
    "new_approval": ("New Employment Approval",),
    "new_denial": ("New Employment Denial",),
    "continuation_approval": ("Continuation Approval",),
    "continuation_denial": ("Continuation Denial",),
    "same_employer_approval": ("Change with Same Employer Approval",),
    "same_employer_denial": ("Change with Same Employer Denial",),
    "concurrent_approval": ("New Concurrent Approval",),
    "concurrent_denial": ("New Concurrent Denial",),
    "change_employer_approval": ("Change of Employer Approval",),
    "change_employer_denial": ("Change of Employer Denial",),
    "amended_approval": ("Amended Approval",),
    "amended_denial": ("Amended Denial",),
}
USCIS_TWO = ("initial_approvals", "initial_denials", "continuing_approvals", "continuing_denials")
USCIS_SIX = tuple(name for name in USCIS_FIELDS if name.endswith(("_approval", "_denial")))

EXPECTED = (
    "a DOL LCA disclosure file needs CASE_NUMBER and EMPLOYER_NAME (usually with CASE_STATUS, "
    "DECISION_DATE, JOB_TITLE, SOC_CODE, WAGE_RATE_OF_PAY_FROM, WAGE_UNIT_OF_PAY, PW_WAGE_LEVEL, "
    "WORKSITE_STATE, NAICS_CODE); a USCIS H-1B Employer Data Hub export needs Fiscal Year, Employer "
    "(or Employer (Petitioner) Name) and Initial Approval(s), Initial Denial(s), Continuing Approval(s), "
    "Continuing Denial(s) — or the six categories New Employment, Continuation, Change with Same "
    "Employer, New Concurrent, Change of Employer, Amended, each Approval and Denial"
)


class LayoutError(Exception):
    """A file whose header fits no known layout; the message names the columns expected."""


@dataclass(frozen=True)
class Layout:
    """A recognised file: its kind, a name for the header variant, and field → column index."""

    kind: str  # lca | uscis
    name: str
    columns: dict[str, int]
    width: int

    def has(self, field: str) -> bool:
        return field in self.columns


def header_key(text: object) -> str:
    """"Fiscal Year   " → "FISCALYEAR"; "H-1B_DEPENDENT" → "H1BDEPENDENT"."""
    return re.sub(r"[^A-Z0-9]", "", str(text or "").replace("\ufeff", "").upper())


def _resolve(header: Sequence[object], fields: dict[str, tuple[str, ...]]) -> dict[str, int]:
    position: dict[str, int] = {}
    for index, name in enumerate(header):
        position.setdefault(header_key(name), index)
    found = {}
    for field, spellings in fields.items():
        for spelling in spellings:
            index = position.get(header_key(spelling))
            if index is not None:
                found[field] = index
                break
    return found


def recognise(header: Sequence[object], where: str = "file") -> Layout:
    """The layout of a header row, or LayoutError saying what was expected."""
    width = len(header)
    lca = _resolve(header, LCA_FIELDS)
    if all(field in lca for field in LCA_REQUIRED):
        keys = {header_key(h) for h in header}
        if "LAWFIRMBUSINESSFEIN" in keys:
            name = "lca_fy2025q2+"
        elif "EMPLOYERFEIN" in keys:
            name = "lca_fy2024+"
        elif "CASESTATUS" in keys and "RECEIVEDDATE" in keys:
            name = "lca_fy2020+"
        elif "CASESTATUS" in keys or "STATUS" in keys:
            name = "lca_icert"
        else:
            name = "lca_subset"
        return Layout("lca", name, lca, width)
    uscis = _resolve(header, USCIS_FIELDS)
    if "fiscal_year" in uscis and "employer_name" in uscis:
        if all(field in uscis for field in USCIS_SIX):
            return Layout("uscis", "uscis_six_category", uscis, width)
        if all(field in uscis for field in USCIS_TWO):
            if "INITIALAPPROVALS" in {header_key(h) for h in header}:
                name = "uscis_legacy_plural"
            elif "LINEBYLINE" in {header_key(h) for h in header}:
                name = "uscis_employer_information"
            else:
                name = "uscis_legacy"
            return Layout("uscis", name, uscis, width)
    shown = ", ".join(str(h).strip() for h in list(header)[:8] if str(h or "").strip())
    more = "…" if width > 8 else ""
    raise LayoutError(f"{where}: header not recognised ({shown or 'empty'}{more}); {EXPECTED}")
