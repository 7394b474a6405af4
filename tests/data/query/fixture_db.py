"""A small database with known answers, built through the real storage code.

Every posting exists to make one filter's answer unambiguous; the comments say which.
Dates are relative to the moment of building, because ``--since 7d`` and the canned
query "new entry-level CRC jobs this week" are relative to the real clock.

Distances from Boston (42.358, -71.060): Cambridge 2.6 mi, Worcester 38.5 mi,
Providence 41.1 mi, New York 190 mi.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from researchjobs.posting import Posting
from researchjobs.storage.db import open_db
from researchjobs.storage.postings import close_missing, posting_row, upsert_rows

XSS_TITLE = '<script>alert("pwned")</script> Research Assistant'
XSS_EMPLOYER = "<img src=x onerror=alert(1)>"


def iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def _posting(source_id: str, job_id: str, title: str, employer: str, **kw: Any) -> Posting:
    family = source_id.split(":")[0]
    return Posting(
        source_family=family,
        source_id=source_id,
        source_job_id=job_id,
        title=title,
        url=kw.pop("url", f"https://jobs.example.org/{source_id.replace(':', '/')}/{job_id}"),
        employer=employer,
        **kw,
    )


def _facts(**kw: Any) -> dict[str, Any]:
    facts: dict[str, Any] = {"country": "US", "enrich_version": "test-1"}
    facts.update(kw)
    return facts


#: name → (posting, facts, days since first seen). Names are what tests refer to.
def _specs() -> dict[str, tuple[Posting, dict[str, Any], int]]:
    return {
        # Boston, entry CRC, university, visa possible, likely cap-exempt, pay 52-60k, 2 days old.
        "crc_boston": (
            _posting("greenhouse:harborview", "101", "Clinical Research Coordinator I",
                     "Harborview University Medical Center", location_raw="Boston, MA",
                     description="Co-ordinate oncology trials for COVID-19 research; REDCap; GCP. "
                                 "We welcome applicants who require visa sponsorship.",
                     salary_raw="$52,000 - $60,000 per year"),
            _facts(role_family="crc", role_level="entry", city="Boston", state="MA", lat=42.35843, lon=-71.05977,
                   remote="onsite", visa="possible", visa_evidence="We welcome applicants who require visa sponsorship.",
                   cap_exempt="likely", cap_exempt_reason="university (non-profit institution of higher education)",
                   employer_type_inferred="university", experience_required_months=0,
                   salary_min=52000.0, salary_max=60000.0, salary_period="year",
                   salary_annual_min=52000.0, salary_annual_max=60000.0,
                   facts_json=json.dumps({
                       "visa": {"value": "possible", "evidence": "We welcome applicants who require visa sponsorship."},
                       "role_family": {"value": "crc", "evidence": "title: Clinical Research Coordinator I"},
                       "evidence": {"location": "Boston, MA", "salary": "$52,000 - $60,000 per year"},
                   })),
            2,
        ),
        # The same job on the employer's second board: same cluster as crc_boston.
        "crc_boston_dup": (
            _posting("lever:harborview", "aa-101", "Clinical Research Coordinator I",
                     "Harborview University Medical Center", location_raw="Boston, MA",
                     description="Coordinate oncology trials; REDCap; GCP."),
            _facts(role_family="crc", role_level="entry", city="Boston", state="MA", lat=42.35843, lon=-71.05977,
                   remote="onsite", visa="unknown", cap_exempt="likely", employer_type_inferred="university"),
            2,
        ),
        # Cambridge, entry CRC, hybrid, visa unknown, possibly cap-exempt, 12 months, no pay, 3 days old.
        "crc_cambridge": (
            _posting("greenhouse:lakeshore", "201", "Clinical Research Coordinator",
                     "Lakeshore Research Institute", location_raw="Cambridge, MA",
                     description="Screen and consent participants in cardiology studies. Data-manager support."),
            _facts(role_family="crc", role_level="entry", city="Cambridge", state="MA", lat=42.3751, lon=-71.1056,
                   remote="hybrid", visa="unknown", cap_exempt="possible", employer_type_inferred="research_institute",
                   experience_required_months=12),
            3,
        ),
        # Worcester, entry RA, refuses sponsorship, university, 6 months, 45-48k, 10 days old.
        "ra_worcester": (
            _posting("workday:umassmed", "R-301", "Research Assistant", "Central Massachusetts Medical School",
                     location_raw="Worcester, MA",
                     description="Maintain regulatory binders. Applicants must be authorized to work in the US; "
                                 "we are unable to sponsor visas."),
            _facts(role_family="research_assistant", role_level="entry", city="Worcester", state="MA",
                   lat=42.2626, lon=-71.8023, remote="onsite", visa="explicit_no",
                   visa_evidence="we are unable to sponsor visas", cap_exempt="likely",
                   employer_type_inferred="university", experience_required_months=6,
                   salary_annual_min=45000.0, salary_annual_max=48000.0),
            10,
        ),
        # New York, mid-level CRC at a site network, cap-exempt unlikely, 24 months, 65-75k, 1 day old.
        "crc_nyc_mid": (
            _posting("workday:meridian", "R-401", "Clinical Research Coordinator II", "Meridian Oncology Partners",
                     location_raw="New York, NY",
                     description="Lead coordinator for phase III oncology trials. NEAR the hospital."),
            _facts(role_family="crc", role_level="mid", city="New York", state="NY", lat=40.71427, lon=-74.00597,
                   remote="onsite", visa="possible", cap_exempt="unlikely", employer_type_inferred="site_network",
                   experience_required_months=24, salary_annual_min=65000.0, salary_annual_max=75000.0),
            1,
        ),
        # Remote data coordinator, no coordinates, no experience stated, 40-44k, 20 days old.
        "dc_remote": (
            _posting("lever:bayou", "b-501", "Clinical Data Coordinator", "Bayou Trials",
                     location_raw="Remote - US", description="Enter CRF data; resolve queries. Fully remote."),
            _facts(role_family="data_coordinator", role_level="entry", state="TX", remote="remote",
                   visa="unknown", cap_exempt="unknown", employer_type_inferred="company",
                   salary_annual_min=40000.0, salary_annual_max=44000.0),
            20,
        ),
        # Houston, senior RA at a hospital, refuses sponsorship, 60 months, 8 days old.
        "ra_houston_senior": (
            _posting("lever:bayou", "b-601", "Senior Research Assistant", "Bayou Trials",
                     location_raw="Houston, TX", description="Senior role; five years of research experience."),
            _facts(role_family="research_assistant", role_level="senior", city="Houston", state="TX",
                   lat=29.76328, lon=-95.36327, remote="onsite", visa="explicit_no", cap_exempt="likely",
                   employer_type_inferred="hospital", experience_required_months=60),
            8,
        ),
        # Providence, entry CRC, closed 5 days ago (only with --include-closed), 30 days old.
        "crc_providence_closed": (
            _posting("greenhouse:oceanstate", "701", "Clinical Research Coordinator", "Ocean State Hospital",
                     location_raw="Providence, RI", description="Coordinate pediatric trials."),
            _facts(role_family="crc", role_level="entry", city="Providence", state="RI", lat=41.824, lon=-71.4128,
                   remote="onsite", visa="possible", cap_exempt="likely", employer_type_inferred="hospital"),
            30,
        ),
        # Scraped markup in title and employer: every view must show it inert.
        "xss": (
            _posting("greenhouse:oceanstate", "666", XSS_TITLE, XSS_EMPLOYER,
                     url="javascript:alert(1)", location_raw="Providence, RI",
                     description='<b onmouseover="alert(2)">hover</b>'),
            _facts(role_family="other", role_level="entry", state="RI", visa="unknown", cap_exempt="unknown"),
            4,
        ),
    }


def build(path: Path) -> dict[str, str]:
    """Write the fixture database at ``path``; return posting keys by name."""
    now = datetime.now(UTC).replace(microsecond=0)
    specs = _specs()
    keys = {name: posting.key for name, (posting, _facts_, _days) in specs.items()}
    db = open_db(path)
    try:
        # Oldest first, so first_seen is each posting's own day.
        for name, (posting, facts, days) in sorted(specs.items(), key=lambda kv: -kv[1][2]):
            primary = keys["crc_boston"] if name == "crc_boston_dup" else None
            upsert_rows(db, [posting_row(posting, facts)], now=iso(now - timedelta(days=days)), run_id=f"run-{name}",
                        cluster_for=(lambda _conn, row, p=primary: p or row["key"]))  # fmt: skip
        # crc_boston changes its pay text a day later: one "updated" history entry.
        posting, facts, _days = specs["crc_boston"]
        changed = Posting.from_dict({**posting.to_dict(), "salary_raw": "$53,000 - $60,000 per year"})
        upsert_rows(db, [posting_row(changed, facts)], now=iso(now - timedelta(days=1)), run_id="run-update")
        # A complete crawl of greenhouse:oceanstate no longer lists the Providence CRC.
        close_missing(db, "greenhouse:oceanstate", [keys["xss"]], now=iso(now - timedelta(days=5)), run_id="run-close")
    finally:
        db.conn.close()
    return keys
