"""Employer type and how likely its H-1B petitions are exempt from the annual cap.

Cap-exempt employers (universities, their affiliated nonprofit hospitals, nonprofit and
governmental research organisations; INA §214(g)(5)) can file an H-1B at any time with
no lottery, so for an IMG who needs a visa the employer matters as much as the job.

Order of evidence: the source registry's curated ``employer_type``; then what the
posting itself says ("we are H-1B cap-exempt", "affiliated with the University of …",
"teaching hospital", "contract research organization"); then the employer's name
(University, Children's, Therapeutics, Inc.). The result is always a likelihood.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from researchjobs.enrich.text import clip_text, lower_same_length, search_near

CAP_EXEMPT_CAVEAT = (
    "H-1B cap exemption is inferred from the employer type and the posting text; it is a "
    "likelihood, not a legal determination. Exemption belongs to the specific legal entity "
    "that files the petition: confirm with the employer's HR or international office (and "
    "USCIS H-1B Employer Data Hub records) before relying on it."
)

EMPLOYER_TYPES: tuple[str, ...] = (
    "university", "academic_medical_centre", "research_nonprofit", "childrens_hospital",
    "health_system", "government_research", "cro", "site_network", "pharma_biotech", "unknown",
)

#: Registry type → (cap_exempt likelihood, reason); follows reference/employers.md.
_BY_TYPE: dict[str, tuple[str, str]] = {
    "university": ("likely", "institution of higher education (INA 214(g)(5)(A))"),
    "academic_medical_centre": (
        "likely", "university hospital or principal teaching hospital; exemption usually "
                  "comes through its university affiliation"),
    "research_nonprofit": ("likely", "nonprofit whose fundamental activity is research "
                                     "(INA 214(g)(5)(B))"),
    "childrens_hospital": ("unknown", "children's hospital: exempt only through a qualifying "
                                      "university affiliation, which is not known here"),
    "health_system": ("unknown", "nonprofit or public health system: exempt only through a "
                                 "qualifying university affiliation, which is not known here"),
    "government_research": ("unknown", "governmental research organisations can be "
                                       "cap-exempt, but federal posts are usually citizens-only"),
    "cro": ("unlikely", "for-profit contract research organisation (cap-subject)"),
    "site_network": ("unlikely", "for-profit research-site network (cap-subject)"),
    "pharma_biotech": ("unlikely", "for-profit drug / device / life-science company "
                                   "(cap-subject)"),
}
_TYPE_ALIASES = {
    "academic medical centre": "academic_medical_centre",
    "academic medical center": "academic_medical_centre",
    "academic_medical_center": "academic_medical_centre",
    "amc": "academic_medical_centre",
    "children's hospital": "childrens_hospital",
    "childrens hospital": "childrens_hospital",
    "research nonprofit": "research_nonprofit",
    "health system": "health_system",
    "government research": "government_research",
    "site network": "site_network",
    "smo": "site_network",
    "pharma-biotech": "pharma_biotech",
    "pharma": "pharma_biotech",
    "biotech": "pharma_biotech",
}

_KNOWN_CRO = re.compile(
    r"\b(?:iqvia|icon\s+plc|icon\s+clinical|parexel|ppd|syneos|labcorp|covance|fortrea|medpace|"
    r"premier\s+research|worldwide\s+clinical\s+trials|psi\s+cro|clario|propharma|"
    r"endpoint\s+clinical|almac|pra\s+health|precision\s+for\s+medicine|novotech|veristat|"
    r"advarra|wcg|caidya|allucent|emmes|rho\b|westat|medspace)\b", re.I,
)
_KNOWN_SITE_NETWORK = re.compile(
    r"\b(?:headlands\s+research|care\s+access|javara|wake\s+research|adams\s+clinical|"
    r"peachtree\s+bioresearch|flourish\s+research|velocity\s+clinical|cenexel|amicis|"
    r"alliance\s+for\s+multispecialty\s+research|centricity\s+research|accellacare|"
    r"elligo|hawthorne\s+effect|sarah\s+cannon|ora\s+clinical|prism\s+clinical)\b", re.I,
)
_UNIVERSITY_NAME = re.compile(
    r"\b(?:university|universidad|college|institute\s+of\s+technology|school\s+of\s+medicine|"
    r"medical\s+school|polytechnic)\b", re.I,
)
_AMC_NAME = re.compile(
    r"\b(?:university\s+(?:hospitals?|medical\s+center|health(?:\s+system)?)|academic\s+medical"
    r"\s+cent(?:er|re)|medical\s+university|health\s+sciences?\s+(?:center|university)|"
    r"(?:medicine|health)\s+at\s+the\s+university|mass\s+general|brigham|langone|"
    r"cleveland\s+clinic|mayo\s+clinic|mount\s+sinai|johns\s+hopkins|cedars[- ]sinai|"
    r"vumc|ucsf|ucla\s+health|uc\s+\w+\s+health|penn\s+medicine|michigan\s+medicine)\b", re.I,
)
_CHILDRENS_NAME = re.compile(r"\bchildren'?s\b|\bpediatric\s+hospital\b|\bchop\b", re.I)
_RESEARCH_NONPROFIT_NAME = re.compile(
    r"\b(?:research\s+institute|cancer\s+(?:center|centre|institute)|institute\s+for\s+"
    r"\w+\s+research|foundation\s+for\s+\w+\s+research|biohub|broad\s+institute|"
    r"fred\s+hutch\w*|dana[- ]farber|st\.?\s+jude|health\s+research,?\s+inc|rti\s+"
    r"international|fhi\s+360|population\s+council|jackson\s+laborator\w*|salk|scripps\s+"
    r"research|arc\s+institute)\b", re.I,
)
_GOVERNMENT_NAME = re.compile(
    r"\b(?:national\s+institutes?\s+of\s+health|\bnih\b|centers\s+for\s+disease\s+control|"
    r"\bcdc\b|food\s+and\s+drug\s+administration|\bfda\b|veterans\s+affairs|\bva\s+medical|"
    r"department\s+of\s+(?:health|defense|veterans)|u\.?s\.?\s+army|walter\s+reed|"
    r"state\s+department\s+of\s+health)\b", re.I,
)
_HEALTH_SYSTEM_NAME = re.compile(
    r"\b(?:hospital|health\s*care|health\s+system|healthcare|medical\s+cent(?:er|re)|"
    r"health|clinic)\b", re.I,
)
_PHARMA_NAME = re.compile(
    r"\b(?:pharma\w*|therapeutics|biosciences?|bio|biotech\w*|biologics|biopharma\w*|"
    r"genomics|diagnostics|medical\s+devices?|oncology\s+inc|vaccines?|labs?\s+inc)\b", re.I,
)
_FOR_PROFIT_SUFFIX = re.compile(r"\b(?:inc|llc|l\.l\.c|corp|corporation|ltd|plc|gmbh|co)\b\.?",
                                re.I)

_TEXT_CAP_EXEMPT = re.compile(r"\b(?:h-?1-?b\s+)?cap[- ]exempt\b", re.I)
_TEXT_NOT_CAP_EXEMPT = re.compile(r"\bnot\s+(?:an?\s+)?(?:h-?1-?b\s+)?cap[- ]exempt\b", re.I)
_TEXT_AFFILIATION = re.compile(
    r"\b(?:affiliated\s+with|affiliate\s+of|teaching\s+(?:hospital|affiliate)\s+(?:of|for)|"
    r"(?:primary|principal)\s+teaching\s+hospital|academic\s+(?:medical\s+)?(?:center|centre|"
    r"partner|affiliate)|in\s+partnership\s+with)\b[^.\n]{0,80}?\b(?:university|college|school"
    r"\s+of\s+medicine|medical\s+school)\b", re.I,
)
_TEXT_NONPROFIT = re.compile(r"\b(?:non-?profit|not-for-profit|501\s?\(c\)\s?\(3\))\b", re.I)
_TEXT_CRO = re.compile(r"\bcontract\s+research\s+organi[sz]ation\b|\bglobal\s+CRO\b|"
                       r"\bfull[- ]service\s+CRO\b|\bleading\s+CRO\b", re.I)
_TEXT_SITE = re.compile(r"\b(?:network\s+of\s+(?:clinical\s+)?research\s+sites|site\s+"
                        r"management\s+organi[sz]ation|\bSMO\b|integrated\s+research\s+sites?|"
                        r"dedicated\s+research\s+site)\b", re.I)


@dataclass(frozen=True)
class EmployerFacts:
    """Employer type and cap-exempt likelihood, with the reason shown to users."""

    employer_type: str
    cap_exempt: str  # likely | possible | unlikely | unknown
    reason: str
    source: str  # registry | text | name | none


def _registry_type(value: str | None) -> str | None:
    if not value:
        return None
    key = value.strip().lower()
    key = _TYPE_ALIASES.get(key, key.replace(" ", "_").replace("-", "_"))
    return key if key in _BY_TYPE else None


def _type_from_name(name: str) -> str | None:
    if _KNOWN_CRO.search(name):
        return "cro"
    if _KNOWN_SITE_NETWORK.search(name):
        return "site_network"
    if _GOVERNMENT_NAME.search(name):
        return "government_research"
    if _CHILDRENS_NAME.search(name):
        return "childrens_hospital"
    if _AMC_NAME.search(name):
        return "academic_medical_centre"
    if _RESEARCH_NONPROFIT_NAME.search(name):
        return "research_nonprofit"
    if _UNIVERSITY_NAME.search(name):
        return "university"
    if _PHARMA_NAME.search(name):
        return "pharma_biotech"
    if _HEALTH_SYSTEM_NAME.search(name) and not _FOR_PROFIT_SUFFIX.search(name):
        return "health_system"
    if re.search(r"(?i)\bclinical\s+research\b|\bresearch\s+(?:center|centre|site|group)\b",
                 name) and _FOR_PROFIT_SUFFIX.search(name):
        return "site_network"
    return None


def _nonprofit(body: str, low: str) -> bool:
    return search_near(_TEXT_NONPROFIT, body, low, ("profit", "501"), 10, 20) is not None


def _snippet(text: str, match: re.Match[str]) -> str:
    return re.sub(r"\s+", " ", text[max(0, match.start() - 60): match.end() + 60]).strip()


def infer_employer(
    employer_type: str | None,
    employer: str | None = None,
    text: str | None = None,
) -> EmployerFacts:
    """Employer type and cap-exempt likelihood for one posting."""
    name = (employer or "").strip()[:200]
    body = clip_text(text)
    low = lower_same_length(body)
    registry = _registry_type(employer_type)
    explicit = search_near(_TEXT_CAP_EXEMPT, body, low, ("exempt",), 30, 20)
    denied = search_near(_TEXT_NOT_CAP_EXEMPT, body, low, ("exempt",), 30, 20)
    affiliation_match = search_near(_TEXT_AFFILIATION, body, low,
                                    ("affiliat", "teaching", "academic", "partnership"), 10, 150)
    if denied:
        kind = registry or _type_from_name(name) or "unknown"
        return EmployerFacts(kind, "unlikely",
                             f"posting says it is not cap-exempt: {_snippet(body, denied)}",
                             "text")
    if explicit:
        kind = registry or _type_from_name(name) or "unknown"
        return EmployerFacts(kind, "likely",
                             f"posting states cap-exempt status: {_snippet(body, explicit)}",
                             "text")
    if registry:
        likelihood, reason = _BY_TYPE[registry]
        if likelihood == "unknown" and registry in ("childrens_hospital", "health_system"):
            affiliation = affiliation_match
            if affiliation:
                return EmployerFacts(registry, "possible",
                                     f"{reason}; posting mentions a university affiliation: "
                                     f"{_snippet(body, affiliation)}", "registry+text")
        return EmployerFacts(registry, likelihood, f"registry type {registry}: {reason}",
                             "registry")
    kind = _type_from_name(name) if name else None
    source = "name"
    if kind is None:
        if search_near(_TEXT_CRO, body, low, ("contract research", "cro"), 20, 40):
            kind, source = "cro", "text"
        elif search_near(_TEXT_SITE, body, low, ("network", "site", "smo"), 40, 60):
            kind, source = "site_network", "text"
    if kind is not None:
        likelihood, reason = _BY_TYPE[kind]
        label = f"employer name '{name}'" if source == "name" else "posting text"
        if kind in ("university", "academic_medical_centre", "research_nonprofit") and \
                source == "name":
            # A name is weaker evidence than the registry: "University Research Co. LLC".
            if _FOR_PROFIT_SUFFIX.search(name):
                return EmployerFacts(kind, "possible", f"{label} suggests {kind} but carries a "
                                                       "company suffix", source)
            if kind == "research_nonprofit" and not _nonprofit(body, low):
                return EmployerFacts(kind, "possible", f"{label} suggests a research institute; "
                                                       "nonprofit status not stated", source)
        if likelihood == "unknown" and kind in ("childrens_hospital", "health_system"):
            affiliation = affiliation_match
            if affiliation:
                return EmployerFacts(kind, "possible",
                                     f"{reason}; posting mentions a university affiliation: "
                                     f"{_snippet(body, affiliation)}", "name+text")
        return EmployerFacts(kind, likelihood, f"{label} suggests {kind}: {reason}", source)
    if name and _FOR_PROFIT_SUFFIX.search(name):
        return EmployerFacts("unknown", "unlikely",
                             f"employer name '{name}' has a company suffix (for-profit)", "name")
    affiliation = affiliation_match
    if affiliation and _nonprofit(body, low):
        return EmployerFacts("unknown", "possible",
                             f"nonprofit with a university affiliation: "
                             f"{_snippet(body, affiliation)}", "text")
    return EmployerFacts("unknown", "unknown", "employer type not known", "none")
