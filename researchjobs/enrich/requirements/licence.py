"""Whether a clinical licence is required, from the qualifications and from the title.

A licence is required when a clinical licence is stated as required; "preferred",
"eligible for licensure", "or eligible", "not needed", "encouraged to apply", a licence
listed as one degree option ("RN, PharmD, MD or equivalent") and driver's licences are
not.
"""

from __future__ import annotations

import re

from researchjobs.enrich.text import REQUIRED_CUE_RE, Clause, evidence_text

_LICENCES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("NP", re.compile(r"\bnurse\s+practitioner\b|\bAPRN\b|\bCRNP\b|\bFNP\b|\bNP\s+licen[cs]",
                      re.I)),
    ("LPN", re.compile(r"\bLPN\b|\bLVN\b|\blicensed\s+(?:practical|vocational)\s+nurse", re.I)),
    ("RN", re.compile(r"\bRN\b|\bregistered\s+(?:professional\s+)?nurse\b", re.I)),
    ("PA", re.compile(r"\bphysician\s+assistant\b|\bPA-C\b", re.I)),
    ("Physician", re.compile(
        r"\blicensed\s+(?:physician|to\s+practice\s+medicine)|\bmedical\s+licen[cs]e|"
        r"\blicen[cs]e\s+to\s+practice\s+medicine|\bunrestricted\s+(?:medical\s+)?licen[cs]e|"
        r"\b(?:MD|DO)\s+licen[cs]e|\bboard[- ]certified\s+physician", re.I)),
    ("Pharmacist", re.compile(r"\blicensed\s+pharmacist|\bpharmacist\s+licen[cs]e|\bRPh\b",
                              re.I)),
    ("LCSW", re.compile(r"\bLCSW\b|\bLMSW\b|\blicensed\s+(?:clinical\s+|master\s+)?social\s+"
                        r"worker", re.I)),
    ("Psychologist", re.compile(r"\blicensed\s+(?:clinical\s+)?psychologist", re.I)),
    ("RRT", re.compile(r"\bRRT\b|\bregistered\s+respiratory\s+therapist", re.I)),
    ("Professional licence", re.compile(
        r"\b(?:state|professional|clinical)\s+(?:[a-z]+\s+){0,2}licen(?:[cs]e|sure)\b|"
        r"\blicensed\s+(?:clinician|"
        r"healthcare\s+professional|health\s+care\s+professional)", re.I)),
)
_LICENCE_WORD_RE = re.compile(
    r"licen[cs]|registered|\bmust\s+be\s+(?:an?\s+)?(?:RN|nurse)|\bRN\s+(?:required|only)|"
    r"\bactive\b|\bcurrent\b|\bvalid\b|\bunrestricted\b|\bin\s+good\s+standing", re.I)
_LICENCE_SOFT_RE = re.compile(
    r"\b(?:preferred|preferably|desired|a\s+plus|an\s+asset|helpful|eligible\s+(?:for|to)|"
    r"eligibility\s+(?:for|to)|or\s+(?:be\s+)?eligible|not\s+(?:required|necessary)|"
    r"if\s+(?:licensed|applicable)|no\s+(?:\w+\s+)?licen[cs]e|does\s+not\s+require|"
    r"nice\s+to\s+have|optional|welcome|not\s+needed|encouraged|also\s+considered|"
    r"may\s+apply|can\s+apply)\b",
    re.I,
)
LICENCE_HINTS = ("licen", "rn", "nurse", "registered", "practitioner", "aprn", "crnp", "fnp",
                  "lpn", "lvn", "pa-c", "physician", "pharmac", "rph", "social worker", "lcsw",
                  "lmsw", "psycholog", "rrt", "respiratory")
_LICENCE_HINT_RE = re.compile(r"(?i)licen|\bRN\b|nurse|registered|practitioner|APRN|CRNP|FNP|"
                              r"LPN|LVN|PA-C|physician|pharmac|RPh|social\s+worker|LCSW|"
                              r"LMSW|psycholog|RRT|respiratory")
_LICENCE_IGNORE_RE = re.compile(
    r"driver'?s'?\s+licen[cs]e|driving\s+licen[cs]e|software\s+licen|licen[cs]e\s+agreement|"
    r"licensed\s+(?:under|products?|software|technolog)|commercial\s+driver|\bCDL\b|"
    r"phlebotom",
    re.I,
)
_LICENCE_DUTY_RE = re.compile(
    r"\b(?:RNs|nurses|nursing\s+staff|physicians|providers)\b|\b(?:with|alongside|support|"
    r"supports|assist|assists|assisting|collaborat\w+|works?)\s+(?:with\s+)?(?:the\s+)?"
    r"(?:research\s+)?(?:RN|nurse)s?\b",
    re.I,
)

_LICENCE_ALTERNATIVE_RE = re.compile(
    r"(?i)\b(?:PharmD|Pharm\.D|MD|M\.D\.|PhD|MPH|MBBS|degree|equivalent|pharmacist|physician)\b")


def extract_licence(clauses: list[Clause]) -> dict[str, object]:
    """Whether a clinical licence is required, and which (see module doc)."""
    evidence: dict[str, str] = {}
    req: dict[str, object] = {"evidence": evidence}
    for clause in clauses:
        label, text = clause.label, clause.text
        if label in ("preferred", "other") or not _LICENCE_HINT_RE.search(text):
            continue
        if _LICENCE_IGNORE_RE.search(text) and not re.search(
                r"(?i)\bRN\b|registered nurse|nurse practitioner", text):
            continue
        for name, pattern in _LICENCES:
            match = pattern.search(text)
            if not match:
                continue
            if _LICENCE_SOFT_RE.search(text):
                break
            if _LICENCE_DUTY_RE.search(text) and not re.search(
                    r"(?i)licen[cs]|must\s+be|required", text):
                break
            around = text[max(0, match.start() - 40): match.end() + 40]
            if re.search(r"(?i)\bor\b", around) and _LICENCE_ALTERNATIVE_RE.search(around) and \
                    not re.search(r"(?i)licen[cs]", around):
                break  # "RN, PharmD, MD or equivalent": one degree option among several
            strong = _LICENCE_WORD_RE.search(text) or REQUIRED_CUE_RE.search(text)
            if label == "unknown" and not strong:
                break
            if label == "required" and not (strong or name in ("RN", "LPN", "NP", "PA")):
                break
            req["licence_required"] = 1
            req["licence_required_name"] = name
            evidence["licence_required"] = evidence_text(text)
            return req
    return req


# --- licences implied by the job title ----------------------------------------------------

#: A title naming a licensed profession implies its licence ("Clinical Research Nurse",
#: "Respiratory Therapist II", "Investigational Drug Pharmacist"). Order matters: a
#: "nurse practitioner" is not an RN title, an "LPN" not an RN.
_TITLE_LICENCES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("NP", re.compile(r"\bnurse\s+practitioner\b|\bAPRN\b|\bCRNP\b|\bFNP\b", re.I)),
    ("LPN", re.compile(r"\bLPN\b|\bLVN\b|\blicensed\s+(?:practical|vocational)\s+nurse\b", re.I)),
    ("RN", re.compile(r"\bRN\b|\bregistered\s+nurse\b|\bnurse\b(?!\s+(?:recruit|staffing|"
                      r"scheduling|residency\s+program))", re.I)),
    ("RRT", re.compile(r"\brespiratory\s+therap(?:ist|y\s+practitioner)\b|\bRRT\b", re.I)),
    ("Pharmacist", re.compile(r"\bpharmacist\b|\bRPh\b", re.I)),
    ("PA", re.compile(r"\bphysician'?s?\s+assistant\b|\bPA-C\b", re.I)),
)
#: The text says otherwise: the licence is optional, can come later, or other degrees do.
_TITLE_LICENCE_WAIVED_RE = re.compile(
    r"\bnon[- ]?(?:licensed|RN|nurse)\b|\b(?:RN|LPN|licen[cs]e|licensure|registration)\b"
    r"[^.;\n]{0,25}?\b(?:not\s+(?:required|necessary|needed|mandatory)|preferred|optional|"
    r"a\s+plus)\b|\b(?:preferred|desired)(?:\s+qualifications?)?\s*:[^.;\n]{0,40}?\b(?:RN|LPN|"
    r"licen)|\bnurs\w*\s+(?:licen\w+\s+)?(?:is\s+)?not\s+(?:required|necessary)\b|\beligib\w*\s+(?:for|to\s+(?:obtain|sit|apply))\b[^.;\n]{0,30}?"
    r"\blicen|\blicen[cs](?:e|ure)[- ]eligible\b|\bdoes\s+not\s+require\s+(?:an?\s+)?(?:\w+\s+)?"
    r"licen|\bno\s+(?:\w+\s+)?licen[cs]e\s+(?:is\s+)?(?:required|needed)|\b(?:MD|M\.D\.|MBBS|"
    r"medical\s+(?:degree|doctors?|graduates?)|foreign[- ](?:trained|medical)|international\s+"
    r"medical\s+graduates?|IMGs?|FMGs?)\b[^.;\n]{0,60}?\b(?:welcome|encouraged|considered|"
    r"accepted|eligible|may\s+apply|qualif\w+|in\s+lieu)\b",
    re.I,
)


def licence_from_title(title: str, text: str = "") -> tuple[str, str] | None:
    """(licence name, evidence) when the title names a licensed profession and the text
    does not waive the licence; None otherwise.

    A title such as "Research Nurse Coordinator" rarely repeats "RN licence required" in
    the text, yet no employer can hire an unlicensed nurse: the title is the statement.
    """
    for name, pattern in _TITLE_LICENCES:
        match = pattern.search(title)
        if not match:
            continue
        waived = _TITLE_LICENCE_WAIVED_RE.search(title) or _TITLE_LICENCE_WAIVED_RE.search(text)
        if waived:
            return None
        return name, evidence_text(f"title names a licensed profession: {title}")
    return None
