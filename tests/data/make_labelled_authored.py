"""Writes the authored rows ("au…") of enrich_labelled.jsonl (run by hand, not by pytest).

Real postings from public job pages are the first choice for the labelled set (rows with a
``source`` address); where real ones were missing — sponsorship, citizenship and licence
wordings sit at the end of long pages that public excerpts rarely reach — postings are
composed here from hand-written clauses in the style of academic, hospital, federal and
industry postings. Every clause carries the label a reader gives it, and a row's labels
are those of its clauses, so labels never come from the extractors.

Each clause pool is split in two: rows of the ``dev`` split use the first half, rows of
the ``heldout`` split only the second half. Extractors may be tuned on dev rows; the
held-out wordings are never seen while tuning, so their scores say how the extractors do
on wording they were not written for.

Run: python tests/data/make_labelled_authored.py
"""

from __future__ import annotations

import json
import random
import re
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUT = HERE / "enrich_labelled.jsonl"

# (title, family, level stated by the title or None, licence the title implies or None)
TITLES_DEV = [
    ("Clinical Research Coordinator", "crc", None, None),
    ("Clinical Research Coordinator I - Cardiology", "crc", "entry", None),
    ("Clinical Research Coordinator II", "crc", "mid", None),
    ("Senior Clinical Research Coordinator - Oncology", "crc", "senior", None),
    ("Assistant Clinical Research Coordinator", "clinical_research_assistant", "entry", None),
    ("Clinical Research Assistant - Neurology", "clinical_research_assistant", None, None),
    ("Research Assistant I", "research_assistant", "entry", None),
    ("Research Data Coordinator - Clinical Trials Office", "data_coordinator", None, None),
    ("Regulatory Coordinator, Cancer Clinical Trials", "regulatory", None, None),
    ("Clinical Research Nurse", "research_nurse", None, "RN"),
    ("Research LPN - Vaccine Unit", "research_nurse", None, "LPN"),
    ("Investigational Drug Pharmacist", "other", None, "Pharmacist"),
    ("Patient Recruitment Specialist", "recruitment", None, None),
]
TITLES_HELDOUT = [
    ("Study Coordinator - Pediatric Endocrinology", "crc", None, None),
    ("Clinical Research Coordinator 1", "crc", "entry", None),
    ("Research Coordinator III", "crc", "senior", None),
    ("Junior Clinical Research Coordinator", "clinical_research_assistant", "entry", None),
    ("Research Study Assistant", "clinical_research_assistant", None, None),
    ("Research Assistant II - Psychiatry", "research_assistant", "mid", None),
    ("Clinical Data Coordinator", "data_coordinator", None, None),
    ("IRB Coordinator", "regulatory", None, None),
    ("Research Nurse Coordinator", "research_nurse", None, "RN"),
    ("Respiratory Therapist - Clinical Research", "other", None, "RRT"),
    ("Physician Assistant - Clinical Trials Unit", "other", None, "PA"),
    ("Clinical Trial Assistant", "cta", None, None),
    ("Lead Clinical Research Coordinator", "crc", "senior", None),
]
#: Non-clinical research jobs with research titles: the clinical-or-not trap.
NONCLINICAL_DEV = [
    ("Research Assistant - Economics", "research_assistant",
     "Supports faculty in labor economics: cleans administrative data in Stata, builds "
     "regression tables and drafts literature reviews for working papers."),
    ("Research Technician - Molecular Biology Lab", "research_assistant",
     "Maintains cell lines and the mouse colony, runs PCR and western blots, and keeps the "
     "bench stocked for a lab studying protein folding."),
    ("Research Program Coordinator - Education Policy", "other",
     "Coordinates a study of classroom practice in twelve school districts: schedules "
     "teacher interviews, manages the survey research budget and prepares policy briefs."),
]
NONCLINICAL_HELDOUT = [
    ("Research Assistant, Cognitive Science Laboratory", "research_assistant",
     "Programs computer tasks, runs undergraduate volunteers through reaction-time "
     "experiments and codes eye-tracking data for the lab's linguistics projects."),
    ("Research Associate - Materials Engineering", "research_assistant",
     "Fabricates thin-film samples, operates the electron microscopy suite and writes "
     "analysis scripts in Python for a battery materials group."),
    ("Research Assistant - Public Policy Institute", "research_assistant",
     "Collects legislative data, summarises state economic policy and helps draft reports "
     "for the institute's fiscal policy program."),
]
CLINICAL_DUTIES = [
    "Screens and consents patients for Phase II and III trials, schedules study visits and "
    "enters data into REDCap.",
    "Collects vital signs and specimens at study visits, maintains regulatory binders and "
    "reports adverse events to the IRB.",
    "Recruits participants from the clinic, explains the protocol, obtains informed consent "
    "and abstracts data from the medical record.",
    "Coordinates investigator-initiated studies in the infusion center, tracks eligibility "
    "and keeps source documents ready for monitoring visits.",
]

# (sentence, months required, months preferred); None = not stated.
EXPERIENCE_DEV = [
    ("No prior research experience is required; training will be provided.", 0, None),
    ("Minimum of one year of clinical research experience.", 12, None),
    ("At least two years of experience coordinating clinical trials.", 24, None),
    ("One to two years of research experience preferred.", None, 12),
    ("Five or more years of clinical research experience, including study start-up.", 60, None),
    (None, None, None),
]
EXPERIENCE_HELDOUT = [
    ("Entry-level position: recent graduates are encouraged to apply.", 0, None),
    ("Requires 1 year of related experience in a healthcare or research setting.", 12, None),
    ("Three (3) years of progressively responsible research experience required.", 36, None),
    ("Prior experience with human subjects research is desirable but not required.", 0, None),
    ("A minimum of 4 years of experience managing multi-site studies.", 48, None),
    (None, None, None),
]
DEGREE_DEV = [("Bachelor's degree in a health or life science field required.", "bachelor"),
              ("High school diploma or GED required.", "high_school")]
DEGREE_HELDOUT = [("BA/BS in biology, public health or a related discipline.", "bachelor"),
                  ("Associate degree required; bachelor's degree preferred.", "associate")]

# (sentence, visa, citizenship_required, citizen_or_pr_required, clearance_required)
NO_DEV = [
    "This position is not eligible for visa sponsorship.",
    "Applicants must be currently authorized to work in the United States on a full-time basis "
    "without employer sponsorship.",
    "We are unable to sponsor or take over sponsorship of an employment visa at this time.",
    "Candidates requiring H-1B sponsorship will not be considered for this role.",
    "Sponsorship: not available for this position.",
    "The laboratory cannot offer immigration sponsorship for this role.",
    "Must not now, or in the future, require visa sponsorship to work in the US.",
    "Visa sponsorship is not provided for this position.",
]
NO_HELDOUT = [
    "The department does not provide visa sponsorship for this position.",
    "Must be legally authorized to work in the U.S. now and in the future without the need "
    "for sponsorship.",
    "Immigration sponsorship is not available for this opportunity.",
    "Please note that we will not sponsor employment visas, including H-1B, for this role.",
    "Applicants must be authorized to work for any employer in the U.S.; we are unable to "
    "sponsor or take over sponsorship of an employment visa.",
    "This role is not eligible for employer-sponsored work authorization.",
    "Sponsorship for work authorization is unavailable for this posting.",
    "Employment visa sponsorship will not be offered for this position.",
]
POSSIBLE_DEV = [
    "Visa sponsorship is available for qualified candidates.",
    "The university will sponsor an H-1B visa for the successful candidate if needed.",
    "We are willing to sponsor a J-1 visa for research scholars.",
    "As a cap-exempt employer, the institute sponsors H-1B visas for research staff.",
    "International medical graduates are encouraged to apply; H-1B sponsorship is available.",
]
POSSIBLE_HELDOUT = [
    "International applicants are welcome; the institution supports J1 and H1B visas.",
    "Visa sponsorship may be considered for exceptional candidates.",
    "Employment-based visa sponsorship is offered for this role.",
    "The hospital files H-1B petitions for qualified research staff.",
    "Foreign-trained physicians are welcome to apply, and the department is able to sponsor "
    "a J-1 research scholar visa.",
]
CITIZEN_DEV = [
    ("U.S. citizenship is required for this position.", 1, 0, 0),
    ("Must be a U.S. citizen.", 1, 0, 0),
    ("Who May Apply: U.S. Citizens", 1, 0, 0),
    ("Open to U.S. citizens and lawful permanent residents only.", 0, 1, 0),
    ("You must be a United States citizen or lawful permanent resident to apply.", 0, 1, 0),
    ("Applicants must be U.S. citizens or green card holders.", 0, 1, 0),
    ("Who may apply: U.S. citizens, U.S. nationals and lawful permanent residents.", 0, 1, 0),
    ("Must be able to obtain and maintain a Secret security clearance.", 0, 0, 1),
]
CITIZEN_HELDOUT = [
    ("This job is open to U.S. citizens and nationals only.", 1, 0, 0),
    ("Only U.S. citizens will be considered for this appointment.", 1, 0, 0),
    ("Citizenship: applicants must be United States citizens; this is a requirement of the "
     "funding agency.", 1, 0, 0),
    ("Must be a U.S. citizen or permanent resident.", 0, 1, 0),
    ("An active Top Secret clearance is required.", 0, 0, 1),
]
#: Sentences that mention visas, citizenship or sponsors and decide nothing.
VISA_TRAPS_DEV = [
    "Preference will be given to U.S. citizens and permanent residents, but all qualified "
    "applicants will be considered.",
    "Interns must be U.S. citizens before conversion to a permanent appointment; students on "
    "valid visas may apply for the internship.",
    "We are an equal opportunity employer and do not discriminate on the basis of national "
    "origin or citizenship status.",
    "The coordinator is the main contact for the study sponsor and the CRO monitor.",
    "This employer participates in E-Verify.",
]
VISA_TRAPS_HELDOUT = [
    "All qualified applicants will receive consideration without regard to citizenship "
    "status, national origin or disability.",
    "Reports protocol deviations to the sponsor within five business days.",
    "Candidates on F-1 OPT are welcome to apply.",
]
# (sentence, licence required) — traps say 0.
LICENCE_DEV = [
    ("RN license preferred but not required.", 0),
    ("Works closely with research nurses and physicians in the infusion center.", 0),
    ("Valid driver's license required for travel between sites.", 0),
    ("Registered nurses, medical assistants and international medical graduates are encouraged "
     "to apply.", 0),
    ("Current unrestricted RN license in the state of Maryland required.", 1),
]
LICENCE_HELDOUT = [
    ("A nursing license is not required for this role.", 0),
    ("Supports the RN study team with scheduling and specimen shipping.", 0),
    ("MD/MBBS holders are welcome to apply.", 0),
    ("Eligible for licensure as a Registered Nurse in Pennsylvania.", 0),
    ("Active LPN license in good standing required.", 1),
]
#: Licence statements for titles that name a licensed profession (none waives it).
TITLE_LICENCE_LINES = ["Completes protocol-required assessments and documents care in Epic.",
                       "Participates in the unit's research orientation in the first month."]
# (sentence, languages named, languages required)
LANGUAGE_DEV = [
    ("Fluency in Spanish and English required.", ["Spanish"], ["Spanish"]),
    ("Must be fluent in Spanish.", ["Spanish"], ["Spanish"]),
    ("Spanish language skills a plus.", ["Spanish"], []),
    ("Bilingual in English and Mandarin preferred.", ["Mandarin"], []),
]
LANGUAGE_HELDOUT = [
    ("Bilingual (English/Spanish) required.", ["Spanish"], ["Spanish"]),
    ("Bilingual in English and Haitian Creole is required for this community study.",
     ["Haitian Creole"], ["Haitian Creole"]),
    ("Proficiency in Vietnamese is a plus.", ["Vietnamese"], []),
    ("Ability to communicate in Arabic is preferred.", ["Arabic"], []),
]

LICENCE_WORDS = re.compile(r"(?i)licen|\bRN\b|\bLPN\b|nurse|registered|pharmacist|physician assistant|"
                           r"respiratory therapist")

EMPLOYERS = [("Riverbend University Medical Center", "academic_medical_centre"),
             ("Lakeshore Children's Hospital", "childrens_hospital"),
             ("Prairie State University", "university"),
             ("Cascade Clinical Research Partners", "site_network"),
             ("Harborview Cancer Institute", "research_nonprofit")]


def level_label(title_level: str | None, family: str, title: str, required: int | None,
                preferred: int | None) -> str:
    """The level a reader gives by the one rule (enrich.level's module doc)."""
    if title_level:
        return title_level
    if required is not None:
        return "entry" if required <= 12 else "mid" if required < 60 else "senior"
    if preferred is not None:
        return "entry"
    words = title.lower()
    if family not in ("research_nurse", "cra_monitor", "data_manager", "manager", "msl") and any(
            w in words.split() for w in ("coordinator", "assistant", "aide")) and \
            "physician assistant" not in words:
        return "entry"
    return {"research_nurse": "mid", "other": "mid"}.get(family, "entry")


def make(split: str, start: int, count: int, seed: int) -> list[dict]:
    dev = split == "dev"
    titles = TITLES_DEV if dev else TITLES_HELDOUT
    nonclinical = NONCLINICAL_DEV if dev else NONCLINICAL_HELDOUT
    experience = EXPERIENCE_DEV if dev else EXPERIENCE_HELDOUT
    degrees = DEGREE_DEV if dev else DEGREE_HELDOUT
    no_visa = NO_DEV if dev else NO_HELDOUT
    possible = POSSIBLE_DEV if dev else POSSIBLE_HELDOUT
    citizen = CITIZEN_DEV if dev else CITIZEN_HELDOUT
    traps = VISA_TRAPS_DEV if dev else VISA_TRAPS_HELDOUT
    licences = LICENCE_DEV if dev else LICENCE_HELDOUT
    languages = LANGUAGE_DEV if dev else LANGUAGE_HELDOUT
    rng = random.Random(seed)
    rows = []
    # Work-authorisation statements cycle so every wording appears; the rest is drawn.
    visa_plan = ([("no", s) for s in no_visa] + [("possible", s) for s in possible]
                 + [("citizen", c) for c in citizen] + [("trap", t) for t in traps])
    for n in range(count):
        employer, employer_type = EMPLOYERS[n % len(EMPLOYERS)]
        clinical = 1
        if n % 7 == 6:
            title, family, description = nonclinical[(n // 7) % len(nonclinical)]
            title_level, title_licence, clinical = None, None, 0
        else:
            title, family, title_level, title_licence = titles[n % len(titles)]
            description = rng.choice(CLINICAL_DUTIES)
        exp_text, required, preferred = experience[rng.randrange(len(experience))]
        degree_text, degree = degrees[rng.randrange(len(degrees))]
        quals = [degree_text] + ([exp_text] if exp_text else [])
        labels: dict = {"role_family": family, "experience_required_months": required,
                        "experience_preferred_months": preferred, "degree_min": degree,
                        "visa": "unknown", "citizenship_required": 0, "citizen_or_pr_required": 0,
                        "clearance_required": 0, "licence_required": 1 if title_licence else 0,
                        "languages": [], "languages_required": [], "clinical_research": clinical}
        tags: list[str] = []
        if title_licence:
            quals.append(rng.choice(TITLE_LICENCE_LINES))
            tags.append("licence_from_title")
        elif n % 3 == 0:
            sentence, required_licence = licences[(n // 3) % len(licences)]
            quals.append(sentence)
            labels["licence_required"] = required_licence
            tags.append("licence_trap" if not required_licence else "licence_stated")
        if n % 4 == 1:
            sentence, named, needed = languages[(n // 4) % len(languages)]
            quals.append(sentence)
            labels["languages"], labels["languages_required"] = named, needed
        kind, statement = visa_plan[n % len(visa_plan)]
        closing = []
        if kind == "no":
            closing.append(statement)
            labels["visa"] = "explicit_no"
            tags.append("no_sponsorship")
        elif kind == "possible":
            closing.append(statement)
            labels["visa"] = "possible"
            tags.append("sponsorship_possible")
        elif kind == "citizen":
            sentence, citizenship, either, clearance = statement
            closing.append(sentence)
            labels.update(visa="explicit_no", citizenship_required=citizenship,
                          citizen_or_pr_required=either, clearance_required=clearance)
            tags.append("citizenship_only" if citizenship else "citizen_or_pr" if either
                        else "clearance")
        else:
            closing.append(statement)
            tags.append("visa_trap")
        if title_licence and re.search(r"(?i)international medical graduates|MD/MBBS|foreign-trained",
                                       " ".join(quals + closing)):
            labels["licence_required"] = 0  # physicians trained abroad welcome: no licence needed
        if labels["visa"] == "unknown" and any("international medical graduates" in q for q in quals):
            labels["visa"] = "possible"  # "IMGs encouraged to apply": the weakest "possible"
        labels["role_level"] = level_label(title_level, family, title, required, preferred)
        text = (f"{employer} is hiring a {title}. {description}\n\nQualifications:\n"
                + "\n".join(f"- {q}" for q in quals) + "\n\n" + " ".join(closing))
        rows.append({"id": f"au{start + n:03d}", "title": title, "employer": employer,
                     "employer_type": employer_type, "text": text, "labels": labels,
                     "split": split, "origin": "authored", "tags": tags})
    return rows


def main() -> None:
    kept = [json.loads(line) for line in OUT.read_text(encoding="utf-8").splitlines()
            if line.strip() and not json.loads(line)["id"].startswith("au")]
    authored = make("dev", 1, 60, seed=14) + make("heldout", 101, 60, seed=41)
    for row in kept + authored:  # licence traps: licence words in the text, no licence required
        if row["labels"].get("licence_required") == 0 and LICENCE_WORDS.search(
                row["title"] + "\n" + row["text"]) and "licence_trap" not in row.setdefault("tags", []):
            row["tags"].append("licence_trap")
    OUT.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in kept + authored),
                   encoding="utf-8")
    print(f"wrote {len(kept)} kept + {len(authored)} authored rows to {OUT}")


if __name__ == "__main__":
    main()
