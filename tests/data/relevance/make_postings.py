"""Writes postings.jsonl: the labelled relevance set for the matcher (run by hand, not by pytest).

Each posting is hand-written clinical-research content with the enriched fact columns
filled in as the enrichment would, plus two labels per persona, judged by reading the
posting as a careers adviser for IMGs would — not by running the matcher:

* ``grades``: 2 = a realistic, good first job for this person; 1 = open to them but a
  weaker fit (a neighbouring role, more experience asked, far from ideal place or a
  cap-subject employer for someone who needs an H-1B); 0 = not for them (a different
  job, or closed to them).
* ``gated_for``: personas for whom the posting is closed (licence, visa refusal for
  those who need sponsorship, citizens only, outside their places, closed, a level they
  ruled out). Always graded 0 for them.

Personas are the TOML files in ``profiles/``:
  boston_h1b     needs an H-1B, Boston or remote, 0 US months, 3 years clinical abroad
  ead_remote     EAD holder, anywhere in the US, remote preferred, data work, 12 US months
  texas_spanish  green card, on site in Houston / Dallas / San Antonio, Spanish, 6 months as an RA

Run: python tests/data/relevance/make_postings.py
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

from researchjobs.enrich.clinical import CLINICAL_FAMILIES
from researchjobs.enrich.location import geocode_us

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
HERE = Path(__file__).resolve().parent

B, E, T = "boston_h1b", "ead_remote", "texas_spanish"

UNIVERSITY = ("university", "likely")
AMC = ("academic_medical_centre", "likely")
NONPROFIT = ("research_nonprofit", "likely")
HEALTH = ("health_system", "unknown")
CHILDRENS = ("childrens_hospital", "possible")
CRO = ("cro", "unlikely")
SITE = ("site_network", "unlikely")
PHARMA = ("pharma_biotech", "unlikely")
GOV = ("government_research", "unknown")

postings: list[dict] = []


def p(
    pid: str, title: str, employer: str, kind: tuple[str, str], where: str, family: str, level: str,
    *, grades: tuple[int, int, int], gated: tuple[str, ...] = (), exp: int | None = None,
    clinical: bool = False, visa: str = "unknown", visa_evidence: str | None = None,
    citizens: bool = False, licence: str | None = None, certs: list[str] | None = None,
    certs_pref: list[str] | None = None, within: list[dict] | None = None,
    skills: list[str] | None = None, languages: list[str] | None = None,
    pay: tuple[int, int] | None = None, days: int = 5, closed: bool = False,
    remote: str | None = None, country: str = "US",
) -> None:
    if where == "remote":
        city = state = None
        mode = "remote"
    else:
        city, state = [x.strip() for x in where.split(",")]
        mode = remote or "onsite"
    point = geocode_us(city, state) if city else None
    published = (NOW - timedelta(days=days)).strftime("%Y-%m-%dT%H:%M:%SZ")
    facts_json = {
        "experience_accepts_clinical": {"value": clinical, "evidence": None},
        "role_level": {"value": level, "evidence": "stated: title marker"},
    }
    postings.append({
        "id": pid, "title": title, "employer": employer, "employer_type": kind[0],
        "location_raw": f"Remote - {country}" if where == "remote" else where,
        "city": city, "state": state, "country": country, "remote": mode,
        "lat": point[0] if point else None, "lon": point[1] if point else None,
        "role_family": family, "role_level": level, "experience_required_months": exp,
        "licence_required": 1 if licence else 0, "licence_required_name": licence,
        "certifications_required": json.dumps(certs or []),
        "certifications_preferred": json.dumps(certs_pref or []),
        "certifications_obtain_within": json.dumps(within or []),
        "skills": json.dumps(skills or []), "languages": json.dumps(languages or []),
        "visa": visa, "visa_evidence": visa_evidence, "citizenship_required": 1 if citizens else 0,
        "clearance_required": 0, "employer_type_inferred": kind[0], "cap_exempt": kind[1],
        "clinical_research": 1 if family in CLINICAL_FAMILIES else None,
        "salary_annual_min": pay[0] if pay else None, "salary_annual_max": pay[1] if pay else None,
        "salary_period": "year" if pay else None, "salary_currency": "USD" if pay else None,
        "date_published": published, "closed": closed, "facts_json": json.dumps(facts_json),
        "grades": dict(zip((B, E, T), grades, strict=True)), "gated_for": list(gated),
    })  # fmt: skip


NO_SPONSOR = "We are unable to sponsor employment visas for this position."
SPONSOR = "Visa sponsorship is available for qualified candidates."

# ---------------------------------------------------------------- Boston area
p("b01", "Clinical Research Coordinator I", "Beacon Hill University Medical Center", AMC, "Boston, MA", "crc", "entry",
  exp=0, skills=["Informed consent", "Vital signs", "REDCap", "Epic"], pay=(52000, 60000), days=2,
  grades=(2, 1, 0), gated=(T,))
p("b02", "Clinical Research Assistant - Cardiology", "Charles River University", UNIVERSITY, "Cambridge, MA",
  "clinical_research_assistant", "entry", exp=0, skills=["Informed consent", "ECG"], pay=(47000, 52000), days=6,
  visa="possible", visa_evidence=SPONSOR, grades=(2, 1, 0), gated=(T,))
p("b03", "Research Assistant I - Psychiatry Clinical Trials", "Beacon Hill University Medical Center", AMC, "Boston, MA",
  "research_assistant", "entry", exp=0, languages=["Arabic"], skills=["REDCap", "Informed consent"], pay=(46000, 50000),
  days=1, grades=(2, 0, 0), gated=(T,))
p("b04", "Clinical Research Coordinator", "Fenway Children's Hospital", CHILDRENS, "Boston, MA", "crc", "entry",
  exp=12, clinical=True, skills=["Informed consent", "Phlebotomy"], pay=(55000, 65000), days=9,
  grades=(2, 1, 0), gated=(T,))
p("b05", "Clinical Research Coordinator - Oncology", "Longwood Cancer Institute", NONPROFIT, "Boston, MA", "crc", "entry",
  exp=12, clinical=True, skills=["OnCore", "REDCap", "AE/SAE reporting"], languages=["French"], pay=(54000, 62000),
  days=3, grades=(2, 1, 0), gated=(T,))
p("b06", "Clinical Research Coordinator I", "Harbor Site Research", SITE, "Quincy, MA", "crc", "entry",
  exp=0, visa="explicit_no", visa_evidence=NO_SPONSOR, skills=["Phlebotomy", "Vital signs"], pay=(50000, 56000),
  days=4, grades=(0, 1, 0), gated=(B, T))
p("b07", "Research Nurse Coordinator", "Beacon Hill University Medical Center", AMC, "Boston, MA", "research_nurse",
  "mid", exp=24, licence="RN", pay=(85000, 105000), days=5, grades=(0, 0, 0), gated=(B, E, T))
p("b08", "Senior Clinical Research Coordinator", "Longwood Cancer Institute", NONPROFIT, "Boston, MA", "crc", "senior",
  exp=60, certs=["CCRP"], pay=(72000, 88000), days=10, grades=(0, 0, 0), gated=(B, E, T))
p("b09", "Regulatory Coordinator", "Charles River University", UNIVERSITY, "Cambridge, MA", "regulatory", "entry",
  exp=12, skills=["IRB submissions", "Regulatory binders"], pay=(52000, 58000), days=7, remote="hybrid",
  grades=(1, 1, 0), gated=(T,))
p("b10", "Clinical Data Coordinator", "Longwood Cancer Institute", NONPROFIT, "Boston, MA", "data_coordinator", "entry",
  exp=6, skills=["REDCap", "Data abstraction", "Query resolution"], pay=(50000, 56000), days=2, remote="hybrid",
  grades=(1, 1, 0), gated=(T,))
p("b11", "Patient Recruitment Specialist - Bilingual Spanish", "Harbor Site Research", SITE, "Lawrence, MA",
  "recruitment", "entry", exp=6, languages=["Spanish"], pay=(46000, 52000), days=8, grades=(1, 0, 0), gated=(T,))
p("b12", "Clinical Research Associate II (Monitor)", "Atlantic CRO Partners", CRO, "Waltham, MA", "cra_monitor", "mid",
  exp=30, visa="explicit_no", visa_evidence=NO_SPONSOR, pay=(85000, 100000), days=12, grades=(0, 0, 0), gated=(B, T))
p("b13", "Software Engineer, Research Platforms", "Charles River University", UNIVERSITY, "Cambridge, MA", "other",
  "mid", exp=36, skills=["Python", "SQL"], pay=(120000, 150000), days=3, grades=(0, 0, 0), gated=(T,))
p("b14", "Research Program Coordinator - Education Policy", "Charles River University", UNIVERSITY, "Cambridge, MA",
  "other", "entry", exp=12, pay=(50000, 55000), days=6, grades=(0, 0, 0), gated=(T,))
p("b15", "Clinical Trial Assistant", "Seaport Therapeutics", PHARMA, "Boston, MA", "cta", "entry",
  exp=12, skills=["Veeva", "Excel"], pay=(58000, 66000), days=4, grades=(1, 1, 0), gated=(T,))
p("b16", "Research Coordinator (Clinical) - Neurology", "Beacon Hill University Medical Center", AMC, "Boston, MA",
  "crc", "entry", exp=0, skills=["Informed consent", "REDCap"], languages=["Arabic"], pay=(51000, 58000), days=15,
  grades=(2, 1, 0), gated=(T,))
p("b17", "Clinical Research Assistant", "North Shore Community Hospital", HEALTH, "Salem, MA",
  "clinical_research_assistant", "entry", exp=0, pay=(44000, 48000), days=20, grades=(1, 1, 0), gated=(T,))
p("b18", "Clinical Research Coordinator II", "Fenway Children's Hospital", CHILDRENS, "Boston, MA", "crc", "mid",
  exp=24, certs_pref=["CCRC"], pay=(60000, 70000), days=5, grades=(1, 1, 0), gated=(T,))
p("b19", "Assistant Clinical Research Coordinator", "Charles River University", UNIVERSITY, "Cambridge, MA",
  "clinical_research_assistant", "entry", exp=0, within=[{"name": "CITI", "months": 1}], pay=(45000, 50000), days=1,
  grades=(2, 1, 0), gated=(T,))
p("b20", "Clinical Research Coordinator", "Worcester Regional Medical Center", HEALTH, "Worcester, MA", "crc", "entry",
  exp=12, pay=(52000, 60000), days=6, grades=(0, 1, 0), gated=(B, T))
p("b21", "Research Study Assistant (per diem)", "Longwood Cancer Institute", NONPROFIT, "Boston, MA",
  "clinical_research_assistant", "entry", exp=0, pay=(40000, 44000), days=30, grades=(1, 1, 0), gated=(T,))
p("b22", "Clinical Research Coordinator I - Dermatology", "Beacon Hill University Medical Center", AMC, "Boston, MA",
  "crc", "entry", exp=0, days=40, closed=True, grades=(0, 0, 0), gated=(B, E, T))
p("b23", "Drug Safety Associate", "Seaport Therapeutics", PHARMA, "Boston, MA", "drug_safety", "entry",
  exp=12, clinical=True, skills=["MedDRA", "Argus"], pay=(62000, 70000), days=3, grades=(1, 0, 0), gated=(T,))
p("b24", "Medical Science Liaison - Oncology", "Seaport Therapeutics", PHARMA, "Boston, MA", "msl", "senior",
  exp=36, pay=(160000, 190000), days=3, grades=(0, 0, 0), gated=(B, E, T))
p("b25", "Clinical Research Coordinator - VA Boston", "VA Boston Research Foundation", GOV, "Boston, MA", "crc", "entry",
  exp=0, citizens=True, pay=(55000, 65000), days=4, grades=(0, 0, 0), gated=(B, E, T))
p("b26", "Research Assistant II - Health Services Research", "Charles River University", UNIVERSITY, "Cambridge, MA",
  "research_assistant", "mid", exp=24, skills=["SPSS", "REDCap"], pay=(55000, 60000), days=9,
  grades=(1, 0, 0), gated=(T,))
p("b27", "Clinical Research Coordinator I", "Providence Ocean Health", HEALTH, "Providence, RI", "crc", "entry",
  exp=0, pay=(50000, 56000), days=5, grades=(0, 1, 0), gated=(B, T))
p("b28", "Study Coordinator - Sleep Medicine", "Beacon Hill University Medical Center", AMC, "Boston, MA", "crc",
  "entry", exp=6, clinical=True, skills=["Vital signs", "ECG"], pay=(50000, 57000), days=11,
  grades=(2, 1, 0), gated=(T,))
p("b29", "Clinical Research Manager", "Longwood Cancer Institute", NONPROFIT, "Boston, MA", "manager", "senior",
  exp=84, pay=(95000, 120000), days=7, grades=(0, 0, 0), gated=(B, E, T))
p("b30", "Research Technician - Bench Immunology", "Charles River University", UNIVERSITY, "Cambridge, MA",
  "research_assistant", "entry", exp=0, skills=["Specimen processing"], pay=(45000, 49000), days=8,
  grades=(1, 0, 0), gated=(T,))

# ---------------------------------------------------------------- Texas
p("t01", "Clinical Research Coordinator (Bilingual Spanish)", "Gulf Coast Clinical Trials", SITE, "Houston, TX", "crc",
  "entry", exp=6, visa="explicit_no", visa_evidence=NO_SPONSOR, languages=["Spanish"],
  skills=["Phlebotomy", "Informed consent"], pay=(48000, 56000), days=2, grades=(0, 1, 2), gated=(B,))
p("t02", "Research Assistant I - Pediatrics", "Bayou State University", UNIVERSITY, "Houston, TX",
  "research_assistant", "entry", exp=0, languages=["Spanish"], skills=["REDCap", "Informed consent"],
  pay=(42000, 47000), days=4, grades=(0, 1, 2), gated=(B,))
p("t03", "Clinical Research Coordinator - Oncology", "Texas Medical Center Cancer Institute", NONPROFIT, "Houston, TX",
  "crc", "entry", exp=12, clinical=True, visa="possible", visa_evidence=SPONSOR, languages=["Spanish"],
  skills=["OnCore", "REDCap"], pay=(54000, 64000), days=3, grades=(0, 1, 2), gated=(B,))
p("t04", "Patient Recruitment Coordinator", "Lone Star Research Sites", SITE, "San Antonio, TX", "recruitment", "entry",
  exp=0, languages=["Spanish"], pay=(40000, 45000), days=5, grades=(0, 0, 2), gated=(B,))
p("t05", "Clinical Research Assistant", "Trinity Health Dallas", HEALTH, "Dallas, TX", "clinical_research_assistant",
  "entry", exp=0, skills=["Phlebotomy", "Vital signs"], pay=(41000, 46000), days=6, grades=(0, 1, 2), gated=(B,))
p("t06", "Clinical Research Coordinator II", "Bayou State University", UNIVERSITY, "Houston, TX", "crc", "mid",
  exp=24, certs_pref=["CCRP"], pay=(58000, 68000), days=7, grades=(0, 1, 1), gated=(B,))
p("t07", "Clinical Data Coordinator", "Texas Medical Center Cancer Institute", NONPROFIT, "Houston, TX",
  "data_coordinator", "entry", exp=0, skills=["REDCap", "Medidata Rave", "Data abstraction"], pay=(47000, 53000),
  days=2, remote="hybrid", grades=(0, 1, 1), gated=(B,))
p("t08", "Research Nurse - Phase I Unit", "Gulf Coast Clinical Trials", SITE, "Houston, TX", "research_nurse", "mid",
  exp=24, licence="RN", pay=(80000, 95000), days=3, grades=(0, 0, 0), gated=(B, E, T))
p("t09", "Clinical Research Coordinator - Austin", "Hill Country Research", SITE, "Austin, TX", "crc", "entry",
  exp=6, languages=["Spanish"], pay=(47000, 54000), days=4, grades=(0, 1, 0), gated=(B, T))
p("t10", "Drug Safety Associate", "Lone Star Pharma Services", CRO, "Dallas, TX", "drug_safety", "entry",
  exp=12, clinical=True, skills=["MedDRA", "Argus"], pay=(55000, 62000), days=8, grades=(0, 0, 1), gated=(B,))
p("t11", "Research Coordinator - Political Polling", "Texas Policy Forum", ("other", "unknown"), "Austin, TX", "other",
  "entry", exp=12, pay=(45000, 50000), days=5, grades=(0, 0, 0), gated=(B, T))
p("t12", "Clinical Research Coordinator I", "Alamo University Health", AMC, "San Antonio, TX", "crc", "entry",
  exp=0, languages=["Spanish"], skills=["Informed consent", "Phlebotomy"], pay=(46000, 52000), days=1,
  grades=(0, 1, 2), gated=(B,))
p("t13", "Research Assistant - Diabetes Prevention (Bilingual)", "Alamo University Health", AMC, "San Antonio, TX",
  "research_assistant", "entry", exp=0, languages=["Spanish"], skills=["SPSS", "Informed consent"],
  pay=(40000, 44000), days=10, grades=(0, 0, 2), gated=(B,))
p("t14", "Clinical Trials Assistant", "Lone Star Pharma Services", CRO, "Dallas, TX", "cta", "entry",
  exp=12, skills=["Veeva", "Excel"], pay=(50000, 56000), days=6, grades=(0, 1, 1), gated=(B,))
p("t15", "Senior Research Coordinator", "Trinity Health Dallas", HEALTH, "Dallas, TX", "crc", "senior",
  exp=60, pay=(70000, 82000), days=9, grades=(0, 0, 0), gated=(B, E, T))
p("t16", "Clinical Research Coordinator - VA North Texas", "North Texas Veterans Research", GOV, "Dallas, TX", "crc",
  "entry", exp=0, citizens=True, pay=(52000, 60000), days=3, grades=(0, 0, 0), gated=(B, E, T))
p("t17", "Study Coordinator - Community Health (Spanish required)", "Bayou State University", UNIVERSITY,
  "Houston, TX", "crc", "entry", exp=6, languages=["Spanish"], skills=["Informed consent"], pay=(45000, 50000),
  days=12, grades=(0, 1, 2), gated=(B,))
p("t18", "Medical Assistant", "Trinity Health Dallas", HEALTH, "Dallas, TX", "other", "entry",
  exp=0, licence="CMA", pay=(35000, 40000), days=2, grades=(0, 0, 0), gated=(B, E, T))
p("t19", "Clinical Research Coordinator", "El Paso Border Health", HEALTH, "El Paso, TX", "crc", "entry",
  exp=12, languages=["Spanish"], pay=(48000, 55000), days=5, grades=(0, 1, 0), gated=(B, T))
p("t20", "Research Assistant I", "Gulf Coast Clinical Trials", SITE, "Sugar Land, TX", "research_assistant", "entry",
  exp=0, visa="explicit_no", visa_evidence=NO_SPONSOR, pay=(39000, 43000), days=7, grades=(0, 1, 2), gated=(B,))
p("t21", "Clinical Research Coordinator I - Cardiology", "Bayou State University", UNIVERSITY, "Houston, TX", "crc",
  "entry", exp=12, clinical=True, skills=["ECG", "Vital signs"], pay=(50000, 57000), days=40,
  grades=(0, 1, 2), gated=(B,))
p("t22", "Clinical Research Assistant", "Alamo University Health", AMC, "San Antonio, TX",
  "clinical_research_assistant", "entry", exp=0, days=20, closed=True, grades=(0, 0, 0), gated=(B, E, T))
p("t23", "Regulatory Specialist", "Texas Medical Center Cancer Institute", NONPROFIT, "Houston, TX", "regulatory",
  "mid", exp=24, skills=["IRB submissions"], pay=(60000, 68000), days=4, grades=(0, 1, 1), gated=(B,))
p("t24", "Research Coordinator (Clinical Trials) - Remote-first", "Hill Country Research", SITE, "remote", "crc",
  "entry", exp=12, languages=["Spanish"], pay=(48000, 55000), days=3, grades=(1, 2, 0), gated=(T,))

# ---------------------------------------------------------------- remote
p("r01", "Clinical Data Coordinator - Remote", "Prairie Oncology Research Network", NONPROFIT, "remote",
  "data_coordinator", "entry", exp=12, skills=["REDCap", "Medidata Rave", "Query resolution"], pay=(50000, 57000),
  days=2, grades=(1, 2, 0), gated=(T,))
p("r02", "Clinical Research Data Abstractor (Remote)", "Summit Cancer Registry Institute", NONPROFIT, "remote",
  "data_coordinator", "entry", exp=6, clinical=True, skills=["Data abstraction", "REDCap"], pay=(47000, 52000),
  days=4, grades=(1, 2, 0), gated=(T,))
p("r03", "Remote Clinical Data Coordinator", "Atlantic CRO Partners", CRO, "remote", "data_coordinator", "entry",
  exp=12, visa="explicit_no", visa_evidence=NO_SPONSOR, skills=["Medidata Rave", "EDC", "Query resolution"],
  pay=(52000, 58000), days=3, grades=(0, 2, 0), gated=(B, T))
p("r04", "Clinical Research Coordinator - Decentralized Trials (Remote)", "Meridian Virtual Trials", SITE, "remote",
  "crc", "entry", exp=12, skills=["EDC", "Informed consent"], pay=(52000, 60000), days=5,
  grades=(1, 2, 0), gated=(T,))
p("r05", "Clinical Data Manager", "Atlantic CRO Partners", CRO, "remote", "data_manager", "mid",
  exp=36, skills=["Medidata Rave", "SAS"], pay=(80000, 95000), days=6, grades=(0, 1, 0), gated=(T,))
p("r06", "Remote Clinical Research Associate (CRA II)", "Atlantic CRO Partners", CRO, "remote", "cra_monitor", "mid",
  exp=24, pay=(85000, 100000), days=4, grades=(0, 0, 0), gated=(T,))
p("r07", "Clinical Data Coordinator I (Remote, US)", "Great Lakes University", UNIVERSITY, "remote",
  "data_coordinator", "entry", exp=0, visa="possible", visa_evidence=SPONSOR,
  skills=["REDCap", "Data abstraction", "Query resolution"], pay=(48000, 54000), days=1,
  grades=(1, 2, 0), gated=(T,))
p("r08", "Remote Research Assistant - Survey Studies", "Great Lakes University", UNIVERSITY, "remote",
  "research_assistant", "entry", exp=0, skills=["Qualtrics", "REDCap"], languages=["Spanish"], pay=(42000, 46000),
  days=9, grades=(2, 1, 0), gated=(T,))
p("r09", "Data Coordinator - Federal Health Registry (Remote)", "National Health Statistics Contractor", GOV, "remote",
  "data_coordinator", "entry", exp=12, citizens=True, skills=["SQL"], pay=(55000, 62000), days=2,
  grades=(0, 0, 0), gated=(B, E, T))
p("r10", "Remote Patient Recruitment Specialist", "Meridian Virtual Trials", SITE, "remote", "recruitment", "entry",
  exp=0, languages=["Spanish", "Hindi"], pay=(42000, 47000), days=6, grades=(1, 1, 0), gated=(T,))
p("r11", "Remote Clinical Trial Assistant", "Northwind Biopharma", PHARMA, "remote", "cta", "entry",
  exp=12, visa="explicit_no", visa_evidence=NO_SPONSOR, skills=["Veeva"], pay=(55000, 62000), days=5,
  grades=(0, 1, 0), gated=(B, T))
p("r12", "Pharmacovigilance Associate (Remote)", "Northwind Biopharma", PHARMA, "remote", "drug_safety", "entry",
  exp=12, clinical=True, skills=["MedDRA", "Argus"], pay=(60000, 68000), days=3, grades=(1, 0, 0), gated=(T,))
p("r13", "Medical Data Abstractor - Cancer Registry (Remote)", "Summit Cancer Registry Institute", NONPROFIT, "remote",
  "data_coordinator", "entry", exp=24, skills=["Data abstraction"], pay=(46000, 50000), days=45,
  grades=(1, 1, 0), gated=(T,))
p("r14", "Remote Regulatory Coordinator", "Prairie Oncology Research Network", NONPROFIT, "remote", "regulatory",
  "entry", exp=12, skills=["IRB submissions", "Regulatory binders"], pay=(52000, 58000), days=7,
  grades=(1, 1, 0), gated=(T,))
p("r15", "Customer Success Specialist - EDC Software (Remote)", "CloudTrial Software Inc", PHARMA, "remote", "other",
  "entry", exp=12, skills=["EDC"], pay=(60000, 70000), days=2, grades=(0, 0, 0), gated=(T,))
p("r16", "Clinical Research Coordinator - Remote Data Abstraction", "Great Lakes University", UNIVERSITY, "remote",
  "crc", "entry", exp=6, skills=["Data abstraction", "Epic"], pay=(50000, 56000), days=10,
  grades=(2, 2, 0), gated=(T,))
p("r17", "Remote Clinical Data Associate", "Atlantic CRO Partners", CRO, "remote", "data_coordinator", "entry",
  exp=0, skills=["Medidata Rave", "EDC"], pay=(50000, 55000), days=60, grades=(1, 2, 0), gated=(T,))
p("r18", "Remote Clinical Trials Coordinator - Canada", "Maple Trials Inc", CRO, "remote", "crc", "entry",
  exp=12, pay=(50000, 56000), days=3, country="CA", grades=(0, 0, 0), gated=(B, E, T))

# ---------------------------------------------------------------- elsewhere
p("e01", "Clinical Research Coordinator I", "Great Lakes University", UNIVERSITY, "Chicago, IL", "crc", "entry",
  exp=0, visa="possible", visa_evidence=SPONSOR, skills=["REDCap"], pay=(50000, 56000), days=2,
  grades=(0, 1, 0), gated=(B, T))
p("e02", "Clinical Data Coordinator", "Great Lakes University", UNIVERSITY, "Chicago, IL", "data_coordinator", "entry",
  exp=0, skills=["REDCap", "OnCore", "Query resolution"], pay=(48000, 53000), days=3, grades=(0, 1, 0), gated=(B, T))
p("e03", "Research Assistant I - Cardiology", "Lakeview Medical College", UNIVERSITY, "Philadelphia, PA",
  "research_assistant", "entry", exp=0, pay=(42000, 46000), days=5, grades=(0, 0, 0), gated=(B, T))
p("e04", "Clinical Research Coordinator", "Emerald City Research Institute", NONPROFIT, "Seattle, WA", "crc", "entry",
  exp=12, pay=(60000, 70000), days=4, grades=(0, 1, 0), gated=(B, T))
p("e05", "Clinical Research Coordinator - Oncology", "Empire State Cancer Center", NONPROFIT, "New York, NY", "crc",
  "entry", exp=12, clinical=True, skills=["OnCore"], pay=(58000, 66000), days=1, grades=(0, 1, 0), gated=(B, T))
p("e06", "Clinical Research Nurse", "Empire State Cancer Center", NONPROFIT, "New York, NY", "research_nurse", "mid",
  exp=24, licence="RN", pay=(95000, 120000), days=3, grades=(0, 0, 0), gated=(B, E, T))
p("e07", "Data Manager I - Clinical Trials Office", "Lakeview Medical College", UNIVERSITY, "Philadelphia, PA",
  "data_coordinator", "entry", exp=12, skills=["OnCore", "Medidata Rave"], pay=(52000, 58000), days=6,
  remote="hybrid", grades=(0, 1, 0), gated=(B, T))
p("e08", "Postdoctoral Research Fellow - Epidemiology", "Great Lakes University", UNIVERSITY, "Chicago, IL",
  "research_fellowship", "entry", exp=None, visa="possible", skills=["R", "Stata"], pay=(61000, 65000), days=8,
  grades=(0, 0, 0), gated=(B, T))
p("e09", "Clinical Research Coordinator", "Sunshine Site Network", SITE, "Miami, FL", "crc", "entry",
  exp=12, visa="explicit_no", visa_evidence=NO_SPONSOR, languages=["Spanish"], pay=(47000, 54000), days=2,
  grades=(0, 1, 0), gated=(B, T))
p("e10", "Clinical Research Coordinator - Clinical Research Unit", "Rocky Mountain University Health", AMC,
  "Denver, CO", "crc", "entry", exp=6, skills=["Phlebotomy", "Vital signs"], pay=(52000, 58000), days=40,
  grades=(0, 1, 0), gated=(B, T))
p("e11", "Research Coordinator - Market Research", "Consumer Insights LLC", ("other", "unknown"), "Chicago, IL", "other",
  "entry", exp=12, pay=(45000, 52000), days=3, grades=(0, 0, 0), gated=(B, T))
p("e12", "Clinical Trials Coordinator (CTC) I", "Keystone Children's Hospital", CHILDRENS, "Pittsburgh, PA", "crc",
  "entry", exp=0, skills=["REDCap"], pay=(46000, 51000), days=7, grades=(0, 1, 0), gated=(B, T))
p("e13", "Clinical Research Assistant - Emergency Medicine", "Golden Gate University Hospital", AMC,
  "San Francisco, CA", "clinical_research_assistant", "entry", exp=0, languages=["Spanish"], pay=(58000, 64000),
  days=5, grades=(0, 1, 0), gated=(B, T))
p("e14", "Clinical Data Specialist", "Triangle Research Partners", CRO, "Durham, NC", "data_coordinator", "mid",
  exp=24, skills=["Medidata Rave", "SAS"], pay=(62000, 72000), days=4, grades=(0, 1, 0), gated=(B, T))

if __name__ == "__main__":
    out = HERE / "postings.jsonl"
    with out.open("w", encoding="utf-8") as handle:
        for posting in postings:
            handle.write(json.dumps(posting, ensure_ascii=False, sort_keys=True) + "\n")
    counts = {name: sum(1 for x in postings if x["grades"][name] > 0) for name in (B, E, T)}
    print(f"wrote {len(postings)} postings to {out}; relevant per persona: {counts}")
