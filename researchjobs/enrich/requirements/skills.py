"""Tools and site skills named anywhere in a posting (REDCap, Epic, phlebotomy...)."""

from __future__ import annotations

import re

from researchjobs.enrich.text import lower_same_length, search_near

SKILL_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("REDCap", re.compile(r"\bREDCap\b", re.I)),
    ("Medidata Rave", re.compile(r"\bMedidata\b|\bRave\b(?:\s+EDC)?")),
    ("InForm", re.compile(r"\bInForm\b|\bOracle\s+InForm\b")),
    ("OpenClinica", re.compile(r"\bOpenClinica\b", re.I)),
    ("Veeva", re.compile(r"\bVeeva\b", re.I)),
    ("OnCore", re.compile(r"\bOnCore\b", re.I)),
    ("Velos", re.compile(r"\bVelos\b")),
    ("Medrio", re.compile(r"\bMedrio\b")),
    ("Florence", re.compile(r"\bFlorence\s+(?:eBinders?|eReg)", re.I)),
    ("Epic", re.compile(r"\bEpic\b(?!\s+Games)|\bEPIC\b")),
    ("Cerner", re.compile(r"\bCerner\b", re.I)),
    ("CTMS", re.compile(r"\bCTMS\b")),
    ("EDC", re.compile(r"\bEDC\b|\belectronic\s+data\s+capture\b", re.I)),
    ("Microsoft Office", re.compile(r"\b(?:Microsoft|MS)\s+Office\b|\bMicrosoft\s+365\b", re.I)),
    ("Excel", re.compile(r"\bExcel\b(?!\s+in\b)")),
    ("SAS", re.compile(r"\bSAS\b")),
    ("SPSS", re.compile(r"\bSPSS\b")),
    ("Stata", re.compile(r"\bStata\b|\bSTATA\b")),
    ("R", re.compile(r"\bR\b(?=\s*(?:programming|statistical|software|Studio|,\s*(?:SAS|Stata|"
                     r"Python|SPSS)|\s+(?:and|or)\s+(?:SAS|Stata|Python|SPSS)))|\bRStudio\b")),
    ("Python", re.compile(r"\bPython\b")),
    ("SQL", re.compile(r"\bSQL\b")),
    ("Qualtrics", re.compile(r"\bQualtrics\b", re.I)),
    ("Argus", re.compile(r"\bArgus\b")),
    ("ArisG", re.compile(r"\bAris\s?G\b", re.I)),
    ("MedDRA", re.compile(r"\bMedDRA\b", re.I)),
    ("WHO-DD", re.compile(r"\bWHO[- ]?DD\b|\bWHODrug\b", re.I)),
    ("CTCAE", re.compile(r"\bCTCAE\b")),
    ("Phlebotomy", re.compile(r"\bphlebotomy\b|\bvenipuncture\b|\bblood\s+draws?\b", re.I)),
    ("ECG", re.compile(r"\bECGs?\b|\bEKGs?\b")),
    ("Vital signs", re.compile(r"\bvital\s+signs\b|\bvitals\b", re.I)),
    ("Informed consent", re.compile(r"\binformed\s+consent\b|\bconsent(?:ing)?\s+(?:of\s+)?"
                                    r"(?:participants|subjects|patients)", re.I)),
    ("Specimen processing", re.compile(
        r"\bspecimens?\s+(?:processing|collection|handling|shipping|shipment)|\bprocess(?:ing)?\s+"
        r"(?:and\s+ship(?:ping)?\s+)?(?:of\s+)?(?:biological\s+)?(?:specimens|samples)|"
        r"\bcentrifug\w+", re.I)),
    ("IRB submissions", re.compile(r"\bIRB\s+(?:submissions?|applications?|amendments?|"
                                   r"continuing\s+reviews?)|\bsubmissions?\s+to\s+(?:the\s+)?IRB",
                                   re.I)),
    ("Regulatory binders", re.compile(r"\bregulatory\s+binders?\b|\b(?:ISF|eISF|eTMF|TMF)\b")),
    ("Query resolution", re.compile(r"\b(?:data\s+)?quer(?:y|ies)\s+(?:resolution|management)|"
                                    r"\bresolv\w+\s+(?:data\s+)?queries", re.I)),
    ("Data abstraction", re.compile(r"\b(?:data|chart|medical\s+record)\s+abstraction|"
                                    r"\babstract(?:ing)?\s+(?:clinical\s+)?data", re.I)),
    ("AE/SAE reporting", re.compile(r"\b(?:serious\s+)?adverse\s+events?\b|\bAE/SAE\b|\bSAEs?\b",
                                    re.I)),
    ("IP accountability", re.compile(r"\b(?:investigational\s+product|IP|drug|study\s+drug)\s+"
                                     r"accountability\b", re.I)),
)

_SKILL_HINTS: dict[str, tuple[str, ...]] = {
    "Medidata Rave": ("medidata", "rave"), "Florence": ("florence",), "Epic": ("epic",),
    "EDC": ("edc", "electronic data"), "Microsoft Office": ("office", "365"),
    "R": ("r ", "r,", "rstudio"), "ArisG": ("aris",), "WHO-DD": ("who", "drug"),
    "Phlebotomy": ("phleb", "venipunct", "blood draw"), "ECG": ("ecg", "ekg"),
    "Vital signs": ("vital",), "Informed consent": ("consent",),
    "Specimen processing": ("specimen", "sample", "centrifug"),
    "IRB submissions": ("irb",), "Regulatory binders": ("binder", "isf", "tmf"),
    "Query resolution": ("quer",), "Data abstraction": ("abstract",),
    "AE/SAE reporting": ("adverse", "sae"), "IP accountability": ("accountability",),
}


def extract_skills(text: str) -> list[str]:
    found: list[tuple[int, str]] = []
    lower = lower_same_length(text)
    for name, pattern in SKILL_PATTERNS:
        hints = _SKILL_HINTS.get(name, (name.lower(),))
        if not any(hint in lower for hint in hints):
            continue
        match = search_near(pattern, text, lower, hints, before=40, after=60, limit=10)
        if match:
            found.append((match.start(), name))
    return [name for _pos, name in sorted(found)]
