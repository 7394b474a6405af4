"""Enrichment benchmark: postings/s through ``extract_facts`` and each extractor.

Synthetic but realistic postings (title, summary, duties, qualifications, pay line,
sponsorship and EEO boilerplate, 2-6k characters) are generated from a fixed seed. The
floor, measured in the same run over the same texts, is one ``str.lower`` plus one
word-tokenising regex pass: the least any text extractor must do. The ratio says how
many such passes the enrichment costs.

    python bench/bench_enrich.py [N]
"""

from __future__ import annotations

import random
import re
import sys
import time
from collections.abc import Callable
from typing import Any

from researchjobs.enrich.employers import infer_employer
from researchjobs.enrich.facts import extract_facts
from researchjobs.enrich.location import extract_location, geocode_us
from researchjobs.enrich.requirements import extract_requirements
from researchjobs.enrich.roles import classify_role
from researchjobs.enrich.salary import extract_salary
from researchjobs.enrich.visa import classify_visa
from researchjobs.posting import Posting

TITLES = [
    "Clinical Research Coordinator I", "Clinical Research Coordinator II", "Research Assistant",
    "Clinical Research Assistant", "Clinical Data Coordinator", "Regulatory Coordinator",
    "Clinical Trial Assistant", "Clinical Research Associate", "Research Nurse Coordinator",
    "Senior Clinical Research Coordinator", "Data Manager", "Patient Recruitment Specialist",
    "Drug Safety Associate", "Research Coordinator", "Postdoctoral Research Fellow",
]
PLACES = ["Boston, MA", "Houston, TX", "USA DC Washington", "Remote - US", "Durham, NC",
          "Philadelphia, PA", "2 Locations", "AMER - Canada - Quebec - Montreal", "Seattle, WA"]
EMPLOYERS = [("Acme University", "university"), ("Metro Health", "health_system"),
             ("Global CRO Inc.", "cro"), ("Northside Research Site LLC", None),
             ("Children's Hospital of Somewhere", "childrens_hospital")]
SUMMARY = [
    "The {dept} is seeking a motivated {title} to support a growing portfolio of {kind} trials.",
    "Join our {dept} research team and help bring new {kind} therapies to patients.",
]
DUTIES = [
    "Screen and consent participants according to the IRB-approved protocol.",
    "Schedule study visits, collect vital signs and perform ECGs.",
    "Process, package and ship specimens following IATA regulations.",
    "Enter data into REDCap and sponsor EDC systems; resolve queries promptly.",
    "Maintain regulatory binders and prepare continuing reviews for the IRB.",
    "Report adverse events to the sponsor and the IRB within required timelines.",
    "Prepare for monitoring visits and communicate with sponsor monitors.",
    "Track enrollment metrics and present updates at weekly team meetings.",
]
QUALS = [
    "Bachelor's degree in a science or health-related field required.",
    "{years} year(s) of clinical research experience required.",
    "Master's degree and 1 year of experience, or bachelor's degree and {years} years.",
    "Experience with Epic and OnCore preferred.",
    "CCRP or CCRC certification preferred.",
    "Current BLS certification required.",
    "Bilingual in English and Spanish preferred.",
    "MD, MBBS or foreign medical degree holders are encouraged to apply.",
    "RN license preferred but not required.",
    "Must obtain CITI GCP training within 30 days of hire.",
]
PAY = ["Salary range: ${lo},000 - ${hi},000 per year.", "Hourly pay: ${h}.00 - ${h2}.50 per hour.",
       "Compensation is commensurate with experience.", ""]
VISA = ["", "This position is not eligible for visa sponsorship.",
        "H-1B sponsorship may be available for this position.",
        "Applicants must be authorized to work in the United States."]
EEO = ("We are an equal opportunity employer. All qualified applicants will receive "
       "consideration without regard to race, color, religion, sex, national origin, "
       "citizenship status, disability or protected veteran status. ")
ABOUT = ("Our institution is home to one of the largest academic research enterprises in the "
         "region, with more than 1,200 active clinical trials across oncology, cardiology, "
         "neurology and infectious disease. Our coordinators work alongside physicians, nurses "
         "and data managers to bring new treatments to patients in our community. ")
BENEFITS = ("We offer comprehensive medical, dental and vision coverage, a 403(b) retirement plan "
            "with employer match, tuition remission up to $5,250 per year, generous paid time "
            "off and a commuter subsidy. ")


def synthetic(n: int, seed: int = 7) -> list[Posting]:
    rng = random.Random(seed)
    out = []
    for i in range(n):
        title = rng.choice(TITLES)
        employer, employer_type = rng.choice(EMPLOYERS)
        years = rng.choice([1, 2, 3])
        lo = rng.randint(42, 70)
        h = rng.randint(19, 32)
        parts = [rng.choice(SUMMARY).format(dept=rng.choice(["Department of Medicine",
                                                             "Cancer Center", "Neurology"]),
                                            title=title, kind=rng.choice(["oncology", "cardiology",
                                                                          "vaccine"])),
                 ABOUT * rng.randint(1, 3), "Responsibilities:"]
        parts += [f"- {d}" for d in rng.sample(DUTIES, rng.randint(3, len(DUTIES)))]
        parts.append("Minimum Qualifications:")
        parts += [f"- {q.format(years=years)}" for q in rng.sample(QUALS, rng.randint(3, 7))]
        parts.append(rng.choice(PAY).format(lo=lo, hi=lo + rng.randint(5, 15), h=h, h2=h + 6))
        parts.append(BENEFITS * rng.randint(1, 4))
        parts.append(rng.choice(VISA))
        parts.append(EEO * rng.randint(1, 3))
        out.append(Posting(
            source_family="bench", source_id="bench:synthetic", source_job_id=str(i),
            title=title, url=f"https://example.org/jobs/{i}", employer=employer,
            employer_type=employer_type, location_raw=rng.choice(PLACES),
            workplace_raw=rng.choice([None, "on-site", "hybrid", "remote", "unspecified"]),
            description="\n".join(parts),
        ))
    return out


def rate(label: str, items: list[Any], call: Callable[[Any], Any]) -> float:
    """Wall-clock postings/s, with CPU-time postings/s beside it: on a shared machine the
    wall clock also counts time spent waiting for a core."""
    start, cpu_start = time.perf_counter(), time.thread_time()
    for item in items:
        call(item)
    elapsed = time.perf_counter() - start
    cpu = time.thread_time() - cpu_start
    per_s = len(items) / elapsed if elapsed else float("inf")
    cpu_per_s = len(items) / cpu if cpu else float("inf")
    print(f"  {label:<22} {per_s:9,.0f} postings/s wall {cpu_per_s:9,.0f} /s cpu   "
          f"({cpu * 1000 / len(items):5.2f} ms cpu each)")
    return cpu_per_s


def main(n: int = 3_000) -> None:
    postings = synthetic(n)
    geocode_us("Boston", "MA")  # load the gazetteer outside the timing
    chars = sum(len(p.description or "") for p in postings)
    print(f"enrichment benchmark: {n} synthetic postings, {chars / n:,.0f} characters on average")
    word = re.compile(r"\w+")
    floor = rate("floor (lower + \\w+)", postings,
                 lambda p: word.findall((p.description or "").lower()))
    total = rate("extract_facts", postings, extract_facts)
    rate("  location", postings, lambda p: extract_location(
        p.location_raw, p.locations_raw, p.country_raw, p.workplace_raw, p.title, p.description))
    rate("  requirements", postings, lambda p: extract_requirements(p.description))
    rate("  roles", postings, lambda p: classify_role(p.title, p.description, p.employer_type))
    rate("  visa", postings, lambda p: classify_visa(p.description))
    rate("  salary", postings, lambda p: extract_salary(p.base_salary, p.salary_raw,
                                                        p.description))
    rate("  employers", postings, lambda p: infer_employer(p.employer_type, p.employer,
                                                           p.description))
    print(f"extract_facts throughput: {total:,.0f} postings/s per core (CPU time), "
          f"{floor / total:.0f}x the tokenising floor")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 3_000)
