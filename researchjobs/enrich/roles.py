"""Role family and level from the title, with the description as tie-breaker.

The taxonomy follows the domain reference (§1.4): stable ids the matcher and user
profiles refer to. Titles are short and decisive, so rules run on the title first; the
description is consulted only where a title is ambiguous:

* **CRA** is a monitor at a CRO or sponsor ("monitoring visits", "SDV", "travel 50%") but
  a site assistant in academic usage ("Clinical Research Assistant (CRA)", "under the
  CRC"). Employer type tips the balance when the text is silent.
* **"Research coordinator"** without clinical context is a policy / social-science job;
  **"data coordinator"** without trial data words (EDC, CRF, REDCap, protocol) is an
  ordinary data job; a **"recruitment coordinator"** in HR is not patient recruitment;
  a **"safety associate"** outside pharmacovigilance is workplace safety. All go to
  ``other``.

Level: the one rule of :mod:`researchjobs.enrich.level`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from researchjobs.enrich.level import classify_level
from researchjobs.enrich.text import clip_text

ROLE_IDS: tuple[str, ...] = (
    "crc", "clinical_research_assistant", "research_assistant", "data_coordinator",
    "data_manager", "regulatory", "cta", "recruitment", "cra_monitor", "drug_safety",
    "research_nurse", "msl", "manager", "research_fellowship", "other",
)

#: Synonyms per role id, lower case, for fuzzy matching of users' free-text wishes.
TAXONOMY: dict[str, list[str]] = {
    "crc": [
        "clinical research coordinator", "crc", "research coordinator",
        "clinical study coordinator", "study coordinator", "clinical trial coordinator",
        "clinical trials coordinator", "research study coordinator",
        "clinical subjects coordinator", "medical research coordinator",
        "research project coordinator", "clinical research specialist",
        "clinical trials specialist", "clinical research professional",
        "research program coordinator",
    ],
    "clinical_research_assistant": [
        "clinical research assistant", "assistant clinical research coordinator",
        "assistant crc", "asst crc", "crc assistant", "junior crc",
        "junior clinical research coordinator", "research study assistant",
        "clinical research technician", "clinical research aide", "clinical trial aide",
        "clinical research associate site",
    ],
    "research_assistant": [
        "research assistant", "ra", "research project assistant", "research specialist",
        "research technician", "research associate", "research aide", "research intern",
        "staff research associate",
    ],
    "data_coordinator": [
        "data coordinator", "clinical data coordinator", "research data coordinator",
        "clinical data associate", "clinical research data specialist", "data abstractor",
        "clinical data specialist", "data manager i", "clinical data abstractor",
        "research data specialist", "data entry research",
    ],
    "data_manager": [
        "clinical data manager", "data manager", "cdm", "clinical data management associate",
        "clinical data management",
    ],
    "regulatory": [
        "regulatory coordinator", "regulatory specialist", "regulatory associate",
        "irb coordinator", "study start-up specialist", "site activation coordinator",
        "regulatory affairs associate", "clinical research regulatory coordinator",
        "irb specialist", "start-up specialist",
    ],
    "cta": [
        "clinical trial assistant", "cta", "clinical trials assistant",
        "clinical trial associate", "clinical trials administrator",
        "clinical project assistant", "in-house clinical trial assistant",
        "clinical operations assistant",
    ],
    "recruitment": [
        "patient recruitment specialist", "participant recruiter", "recruitment coordinator",
        "research recruiter", "patient engagement specialist", "screening coordinator",
        "patient recruiter", "study recruiter", "recruitment specialist",
    ],
    "cra_monitor": [
        "clinical research associate", "cra", "cra i", "cra ii", "clinical monitor",
        "site monitor", "in-house cra", "ihcra", "remote cra", "clinical research monitor",
        "site manager", "monitor",
    ],
    "drug_safety": [
        "drug safety associate", "pharmacovigilance associate", "pv associate",
        "safety associate", "case processing associate", "drug safety specialist",
        "safety data associate", "pharmacovigilance specialist", "pharmacovigilance",
        "drug safety",
    ],
    "research_nurse": [
        "research nurse", "clinical research nurse", "research nurse coordinator",
        "rn research coordinator", "clinical research nurse coordinator", "nurse coordinator",
    ],
    "msl": [
        "medical science liaison", "msl", "medical liaison", "regional medical scientist",
        "clinical science liaison", "medical affairs liaison",
    ],
    "manager": [
        "clinical research manager", "research program manager", "clinical trial manager",
        "project manager", "clinical operations manager", "director of clinical research",
        "clinical research supervisor", "research manager", "study manager",
    ],
    "research_fellowship": [
        "research fellow", "postdoctoral research fellow", "postdoctoral fellow",
        "visiting research scholar", "observership", "medical research fellowship",
        "clinical research fellow", "research fellowship", "postdoc", "visiting scholar",
    ],
    "other": [],
}

_ABBREV = {
    "sr": "senior", "jr": "junior", "asst": "assistant", "assoc": "associate",
    "coord": "coordinator", "coor": "coordinator", "mgr": "manager", "clin": "clinical",
    "spec": "specialist", "tech": "technician", "admin": "administrator", "res": "research",
    "dir": "director", "supv": "supervisor", "coordinatior": "coordinator",
}


@dataclass(frozen=True)
class RoleFacts:
    """Role family and level with what decided each."""

    role_family: str
    role_level: str
    family_evidence: str
    level_evidence: str
    level_basis: str = "inferred"  # stated | inferred (see enrich.level)


def normalise_title(title: str | None) -> str:
    """Lower case, abbreviations expanded, punctuation to spaces; level tokens kept."""
    text = (title or "").lower()[:300]
    text = text.replace("&", " and ").replace("+", " plus ")
    text = re.sub(r"[–—/|,;:()\[\]\"'*#!?]", " ", text)
    text = re.sub(r"(?<=[a-z])\.(?=\s|$)", " ", text)
    text = text.replace("-", " ").replace(".", " ")
    words = [_ABBREV.get(w, w) for w in text.split()]
    return " ".join(words)


def _has(pattern: str, text: str) -> bool:
    return re.search(pattern, text) is not None


_MONITOR_CTX = re.compile(
    r"monitoring\s+visits?|site\s+visits?|source\s+(?:data|document)\s+verification|\bSDV\b|"
    r"travel(?:ling|ing)?\s+(?:up\s+to\s+|approximately\s+|about\s+|required\s+)?\d{1,3}\s?%|"
    r"\d{1,3}\s?%\s+(?:domestic\s+)?travel|interim\s+monitoring|close[- ]out\s+visits?|"
    r"site\s+initiation\s+visits?|\bSIVs?\b|\bIMVs?\b|monitoring\s+plan|\bco-?monitor|"
    r"monitor(?:ing)?\s+(?:of\s+)?(?:clinical\s+)?(?:sites|investigative\s+sites)|"
    r"\bCRO\b|contract\s+research\s+organi[sz]ation|on-?site\s+and\s+remote\s+monitoring",
    re.I,
)
_SITE_ASSISTANT_CTX = re.compile(
    r"clinical\s+research\s+assistant|under\s+(?:the\s+)?(?:direct\s+|close\s+|general\s+)?"
    r"(?:supervision|direction|guidance)\s+of\s+(?:the\s+|a\s+)?(?:clinical\s+research\s+"
    r"coordinator|crc|principal\s+investigator|pi|study\s+coordinator|research\s+coordinator)|"
    r"assist(?:s|ing)?\s+(?:the\s+)?(?:crcs?|coordinators?|study\s+team|principal\s+"
    r"investigator|research\s+team)|\bat\s+(?:the|our)\s+(?:research\s+)?site\b|"
    r"consent(?:ing)?\s+(?:participants|patients|subjects)|schedul\w+\s+(?:study\s+)?visits|"
    r"under\s+(?:the\s+)?(?:direction|supervision|guidance)\s+of\s+(?:the\s+|a\s+)?(?:\w+\s+)?"
    r"(?:coordinator|crc|investigator)|\bsite[- ]based\b|\bour\s+research\s+(?:clinic|site)\b|"
    r"schedul\w+\s+participants",
    re.I,
)
_CLINICAL_CTX = re.compile(
    r"\bclinical\b|\bpatients?\b|\bIRB\b|informed\s+consent|\bprotocols?\b|\btrials?\b|"
    r"\bstudy\s+(?:visits|participants|subjects)|\benroll\w*|\bspecimens?\b|\bmedical\b|"
    r"\bhospital\b|\bmedicine\b|\bhuman\s+subjects\b|\bparticipants\b|\bGCP\b|\bphysicians?\b|"
    r"\bcohort\b|\bbiospecimens?\b|\btransplant\w*|\bdisease\b|\bclinic\b|\bdiagnos\w+|"
    r"\btherap\w+|\bvaccines?\b|\bcancer\b|\bdiabetes\b|\bsurg\w+|\bhealth\b",
    re.I,
)
_POLICY_CTX = re.compile(
    r"\bpolicy\b|\bpolitical\b|\blegislat\w+|\bcampaign\b|\badvocacy\b|\bthink\s+tank\b|"
    r"\bmarket\s+research\b|\beconomic\w*\b|\bpolling\b|\bpublic\s+opinion\b|\belection\w*\b|"
    r"\bjournalis\w+|\bsocial\s+science\b|\bcongress\w*\b|\bgovernment\s+affairs\b",
    re.I,
)
_TRIAL_DATA_CTX = re.compile(
    r"\bEDC\b|\be?CRFs?\b|case\s+report\s+forms?|\bREDCap\b|\bRave\b|\bMedidata\b|\bInForm\b|"
    r"\bOnCore\b|\bclinical\s+trials?\b|\bprotocols?\b|\bIRB\b|\bCTMS\b|\bregistry\b|"
    r"\babstract(?:ion|ing)?\b|\bresearch\s+stud(?:y|ies)\b|\bclinical\s+research\b|"
    r"\bdata\s+queries\b|\bsource\s+documents?\b|\bstudy\s+data\b|\bcancer\s+registry\b",
    re.I,
)
_RECRUIT_RESEARCH_CTX = re.compile(
    r"\bparticipants?\b|\bpatients?\b|\bsubjects?\b|\bstudy\b|\bstudies\b|\btrials?\b|"
    r"\benroll\w*|\bscreen(?:ing)?\s+(?:potential\s+)?(?:participants|patients|subjects)|"
    r"\bresearch\b",
    re.I,
)
_RECRUIT_HR_CTX = re.compile(
    r"talent\s+acquisition|hiring\s+managers?|requisitions?|applicant\s+tracking|\bATS\b|"
    r"sourcing\s+candidates|new\s+hires|human\s+resources|\bHR\b|job\s+offers?|"
    r"interview\s+scheduling|candidate\s+experience",
    re.I,
)
_PV_CTX = re.compile(
    r"pharmacovigilance|adverse\s+events?|\bICSRs?\b|case\s+processing|\bMedDRA\b|\bArgus\b|"
    r"drug\s+safety|safety\s+reports?|\bSAEs?\b|post[- ]marketing", re.I,
)
_POSTDOC_CTX = re.compile(
    r"post-?doctoral|postdoc|ph\.?\s?d\.?\s+(?:is\s+)?required|doctoral\s+degree\s+(?:is\s+)?"
    r"required|ph\.?\s?d\.?\s+in\b.{0,60}required", re.I,
)
def _classify_family(norm: str, raw_title: str, text: str, employer_type: str | None
                     ) -> tuple[str, str]:
    """(family, evidence) from the title, consulting the text where the title is ambiguous."""
    t = norm
    if not t:
        return "other", "empty title"
    if _has(r"\b(?:nurse|rn|bsn|lpn|np)\b", t) and not _has(
            r"\bnurse\s+recruit|\b(?:non|no)\s+rn\b|\brn\s+not\s+(?:required|necessary)", t):
        if _has(r"\bresearch|clinical\s+trial|\bstudy\b|\bcrc\b|coordinator|oncology\s+research",
                t):
            return "research_nurse", "title names a nurse in research"
    if _has(r"\bmedical\s+science\s+liaison|\bmsl\b|\bmedical\s+liaison|\bregional\s+medical\s+"
            r"scientist|\bclinical\s+science\s+liaison|\bmedical\s+affairs\s+liaison", t):
        return "msl", "title names a medical science liaison"
    if _has(r"\bpost\s*doc|\bpostdoctoral|\bfellowship\b|\bobserver(?:ship)?\b|\bvisiting\s+"
            r"(?:research\s+)?scholar|\bresearch\s+fellow\b|\bclinical\s+(?:research\s+)?fellow\b",
            t):
        return "research_fellowship", "title names a fellowship / scholar post"
    if _has(r"\bdrug\s+safety\b|\bpharmacovigilance\b|\bpv\s+(?:associate|specialist|scientist|"
            r"analyst)|\bcase\s+processing\b", t):
        return "drug_safety", "title names drug safety / pharmacovigilance"
    if _has(r"\bsafety\s+(?:associate|specialist|scientist|data\s+associate|coordinator)", t):
        if _PV_CTX.search(text):
            return "drug_safety", "safety title with pharmacovigilance context"
        return "other", "safety title without pharmacovigilance context"
    if _has(r"\bdata\s+manager\s+(?:i|1)\b", t):
        return "data_coordinator", "title: data manager I (entry data role)"
    if _has(r"\b(?:clinical\s+)?data\s+manag(?:er|ement)\b|\bcdm\b", t):
        if _has(r"\b(?:director|head)\b", t):
            return "manager", "title names a data-management director"
        if _has(r"\bclinical\b|\bcdm\b|\btrials?\b|\bresearch\b", t) or \
                _TRIAL_DATA_CTX.search(text):
            return "data_manager", "title names clinical data management"
        return "other", "data management title without clinical-trial context"
    if _has(r"\bsite\s+manager\b", t) and _MONITOR_CTX.search(text):
        return "cra_monitor", "site manager with monitoring context"
    if _has(r"\b(?:manager|director|head|vice\s+president|vp|chief|supervisor)\b", t):
        return "manager", "title names a manager / supervisor / director"
    if _has(r"\bregulatory\b|\birb\s+(?:coordinator|specialist|analyst|administrator)|"
            r"\bstudy\s+start\s*up\b|\bstart\s*up\s+specialist|\bsite\s+activation\b", t):
        return "regulatory", "title names regulatory / IRB / start-up work"
    if _has(r"\bclinical\s+trials?\s+(?:assistant|associate|administrator)\b|\bcta\b|"
            r"\bclinical\s+project\s+assistant\b|\bclinical\s+operations\s+assistant\b", t):
        return "cta", "title names a clinical trial assistant / associate"
    if _has(r"\bassistant\s+(?:clinical\s+)?research\s+coordinator\b|\bassistant\s+crc\b|"
            r"\bcrc\s+assistant\b|\bclinical\s+research\s+coordinator\s+assistant\b|"
            r"\bjunior\s+(?:crc|(?:clinical\s+)?research\s+coordinator)\b", t):
        return "clinical_research_assistant", "title names an assistant CRC"
    if _has(r"\bclinical\s+research\s+(?:assistant|technician|aide|tech)\b|\bresearch\s+study\s+"
            r"assistant\b|\bclinical\s+trials?\s+aide\b|\bclinical\s+study\s+assistant\b", t):
        return "clinical_research_assistant", "title names a clinical research assistant"
    if _has(r"\bin\s+house\s+(?:cra|clinical\s+research\s+associate)|\bihcra\b|\bclinical\s+"
            r"(?:research\s+)?monitor\b|\bsite\s+monitor\b|\bremote\s+cra\b", t):
        return "cra_monitor", "title names a monitor"
    if _has(r"\bclinical\s+research\s+associate\b|\bcra\b", t):
        monitor = _MONITOR_CTX.search(text)
        site = _SITE_ASSISTANT_CTX.search(text)
        if monitor and not (site and re.search(r"(?i)clinical\s+research\s+assistant",
                                               site.group(0))):
            return "cra_monitor", f"CRA with monitoring context: {monitor.group(0)}"
        if site:
            return "clinical_research_assistant", f"CRA with site context: {site.group(0)}"
        if employer_type in ("university", "academic_medical_centre", "childrens_hospital",
                             "health_system", "research_nonprofit", "site_network"):
            return "clinical_research_assistant", f"CRA at a {employer_type} (site usage)"
        return "cra_monitor", "clinical research associate (industry usage by default)"
    if _has(r"\brecruit(?:er|ment|ing)\b|\bpatient\s+engagement\b|\bscreening\s+coordinator\b|"
            r"\bpatient\s+navigator\s+research\b", t):
        title_research = _has(r"\b(?:patient|participant|subject|study|trial|research|clinical)\b",
                              t)
        hr = len(_RECRUIT_HR_CTX.findall(text))
        research = len(_RECRUIT_RESEARCH_CTX.findall(text))
        if title_research or (research >= 2 and research > hr):
            return "recruitment", "recruitment title with study-participant context"
        return "other", "recruitment title in an HR / talent context"
    if _has(r"\bdata\s+(?:coordinator|associate|specialist|abstractor|technician|analyst|entry)"
            r"\b|\babstractor\b|\bregistrar\b", t):
        if _TRIAL_DATA_CTX.search(text) or _has(r"\b(?:clinical|research|trial|study)\b", t):
            return "data_coordinator", "data title with clinical-trial data context"
        return "other", "data title without clinical-trial context"
    if _has(r"\bclinical\s+research\s+(?:coordinator|specialist|professional)\b|\bcrc\b|"
            r"\bclinical\s+(?:study|trials?)\s+(?:coordinator|specialist)\b|\bclinical\s+subjects"
            r"\s+coordinator\b|\bmedical\s+research\s+coordinator\b", t):
        return "crc", "title names a clinical research coordinator"
    if _has(r"\b(?:research|study)\s+(?:project\s+|program\s+|study\s+)?coordinator\b", t):
        clinical = len(_CLINICAL_CTX.findall(text))
        policy = len(_POLICY_CTX.findall(text + " " + t))
        if _has(r"\bpolicy\b|\bpolitical\b|\bmarket\b|\bux\b|\buser\b", t):
            return "other", "research coordinator in a non-clinical field (title)"
        if clinical >= 2 and clinical > policy:
            return "crc", "research coordinator with clinical context"
        return "other", "research coordinator without clinical context"
    if _has(r"\bresearch\s+associate\b", t):
        if _POSTDOC_CTX.search(text):
            return "research_fellowship", "research associate requiring a doctorate"
        return "research_assistant", "title names a research associate"
    if _has(r"\bresearch\s+(?:assistant|specialist|technician|aide|intern|project\s+assistant|"
            r"program\s+assistant)\b|\bra\b", t):
        return "research_assistant", "title names a research assistant"
    if _has(r"\bclinical\s+trials?\s+(?:coordinator|specialist)\b", t):
        return "crc", "title names a clinical trials coordinator"
    return "other", "no taxonomy match"


def classify_role(
    title: str | None,
    text: str | None = None,
    employer_type: str | None = None,
    experience_required_months: int | None = None,
    experience_preferred_months: int | None = None,
    experience_only_preferred: bool = False,
) -> RoleFacts:
    """Role family and level for one posting.

    Experience figures come from :mod:`researchjobs.enrich.requirements`; experience that
    is only *preferred* marks an entry-level post (anyone with the degree may apply).
    """
    raw = (title or "")[:300]
    norm = normalise_title(raw)
    # Context words for disambiguation sit in the summary and duties: the first 8,000
    # characters are plenty, and bound the cost of the context regexes.
    body = clip_text(text)[:CONTEXT_CHARS]
    family, family_ev = _classify_family(norm, raw, body, employer_type)
    level = classify_level(norm, family, body, experience_required_months,
                           experience_only_preferred, experience_preferred_months)
    return RoleFacts(family, level.level, f"{family_ev} (title: {raw[:120]})", level.evidence,
                     level.basis)


# --- users' free text -------------------------------------------------------------------

CONTEXT_CHARS = 8_000
_SPLIT_WISHES_RE = re.compile(r"[,;/\n+|]|\b(?:or|and)\b", re.I)
MAX_WISH_CHARS = 1000
MAX_WISH_SEGMENTS = 30
_LEVEL_WORDS_RE = re.compile(r"\b(?:i{1,3}|iv|[1-4]|entry\s+level|entry|junior|senior|level|"
                             r"roles?|jobs?|positions?|maybe|also|any|a|an|the)\b")


def _synonym_index() -> list[tuple[str, str]]:
    return [(syn, role) for role, syns in TAXONOMY.items() for syn in syns]


_SYNONYM_ROLE: dict[str, str] = {syn: role for syn, role in reversed(_synonym_index())}
#: All synonyms in one pattern, longest first, so one pass finds "clinical research
#: assistant" before "research assistant" could match inside it.
_SYNONYM_RE = re.compile(
    r"(?<![a-z])(?:"
    + "|".join(re.escape(s) for s in sorted(_SYNONYM_ROLE, key=len, reverse=True))
    + r")(?![a-z])"
)


def role_ids_for_text(text: str | None) -> list[str]:
    """Role ids a user's free text asks for, in the order mentioned ("CRC or CTA" →
    ["crc", "cta"]). Exact synonym phrases first, then fuzzy matching for typos."""
    if not text:
        return []
    index = _synonym_index()
    choices = [syn for syn, _role in index]
    found: list[str] = []
    segments = [seg.strip() for seg in _SPLIT_WISHES_RE.split(text[:MAX_WISH_CHARS])]
    for segment in [seg for seg in segments if seg][:MAX_WISH_SEGMENTS]:
        norm = normalise_title(segment)
        norm = re.sub(r"\s+", " ", _LEVEL_WORDS_RE.sub(" ", norm)).strip()
        if not norm:
            continue
        hits = [_SYNONYM_ROLE[m.group(0)] for m in _SYNONYM_RE.finditer(norm)]
        if hits:
            for role in hits:
                if role not in found and role != "other":
                    found.append(role)
            continue
        if len(norm) < 4 or len(norm) > 80:
            continue
        best = process.extractOne(norm, choices, scorer=fuzz.ratio, score_cutoff=85)
        if best is None:
            best = process.extractOne(norm, choices, scorer=fuzz.token_sort_ratio,
                                      score_cutoff=88)
        if best is not None:
            role = index[best[2]][1]
            if role not in found:
                found.append(role)
    return found
