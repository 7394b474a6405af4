"""Clinical research or not: does the job work with patients, participants and trials?

A "Research Assistant" in a psychology, economics, education or engineering lab, or at a
bench with cell lines and mice, shares its title with the research assistant who
consents patients for a trial; for an IMG looking for a first clinical-research job they
are different jobs. The fact is 1 (clinical research), 0 (other research) or None (the
posting does not say), with the words that decided it.

* Site roles whose family already means clinical research (CRC, clinical research
  assistant, CTA, monitor, research nurse, recruitment, regulatory, drug safety, trial
  data coordinator) are clinical by their title.
* Otherwise the text decides: clinical words (patients, participants, clinical trials,
  protocol, IRB, informed consent, study visits, specimens, medical records) against
  other-research words (economics, education, engineering, policy, surveys of students;
  bench work: cell culture, mice, PCR, western blots). A bench or social-science posting
  that mentions "human subjects" once is still not clinical: clinical words must both
  include a patient-contact word and outnumber the other kind.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from researchjobs.enrich.text import clip_text, evidence_text

#: Families that are clinical research by definition (see enrich.roles).
CLINICAL_FAMILIES = frozenset({
    "crc", "clinical_research_assistant", "cta", "cra_monitor", "research_nurse",
    "recruitment", "regulatory", "drug_safety", "data_coordinator",
})  # fmt: skip

_CONTACT_RE = re.compile(
    r"\bpatients?\b|\b(?:study|research|trial|clinical)\s+(?:participants?|subjects|volunteers)\b|"
    r"\bclinical\s+(?:trials?|research|studies|study)\b|\binformed\s+consent\b|\bconsent(?:ing)?\s+"
    r"(?:participants|patients|subjects)\b|\bstudy\s+visits?\b|\bIRB\b|\benroll(?:ing|ment)?\s+"
    r"(?:of\s+)?(?:participants|patients|subjects)\b|\bphlebotomy\b|\bvital\s+signs\b|"
    r"\bclinic\b|\bmedical\s+records?\b|\bhuman\s+subjects\b|\bbedside\b|\binfusion\b|"
    r"\bclinical\s+(?:\w+\s+)?research\b|\b(?:investigator|industry)[- ](?:initiated|sponsored)\s+"
    r"(?:studies|trials)\b|\bsource\s+documents?\b|\bmonitoring\s+visits?\b",
    re.I,
)
_CLINICAL_RE = re.compile(
    r"\bpatients?\b|\bparticipants?\b|\bclinical\b|\btrials?\b|\bprotocols?\b|\bIRB\b|\bconsent\w*|"
    r"\bstudy\s+visits?\b|\benroll\w*|\bspecimens?\b|\bmedical\b|\bhospital\b|\bhealth\s*care\b|"
    r"\bdisease\b|\bEpic\b|\bREDCap\b|\bGCP\b|\bhuman\s+subjects\b|\bphysicians?\b|\bnurses?\b|"
    r"\bclinic\b|\bsurgery\b|\bsurgical\b|\boncology\b|\bcardiology\b|\bpediatric\w*|\btreatment\b",
    re.I,
)
_OTHER_RE = re.compile(
    r"\beconomic\w*|\beconomists?\b|\beducation(?:al)?\s+(?:research|policy|studies)|\bclassrooms?\b|"
    r"\bteachers?\b|\bschools?\s+(?:districts?|students)|\bpolicy\b|\bpolitical\b|\bsociolog\w+|"
    r"\banthropolog\w+|\bpsycholog\w*\s+(?:lab\w*|department|courses?|majors?)\b|\blab\s+hours\b|"
    r"\bcourse\s+credit\b|\bliterature\s+reviews?\b|\bcognitive\s+(?:science|psychology|neuroscience)|\b(?:social|developmental|"
    r"experimental)\s+psychology|\breaction[- ]time|\bpsycholinguistic\w*|\blinguistic\w*|\bhistor(?:y|ical)\s+research|\bengineering\b|\bmechanical\b|"
    r"\brobot\w*|\bmaterials\s+science|\bcomputational\b|\bmachine\s+learning\b|\bsoftware\b|"
    r"\bcell\s+(?:culture|lines?)\b|\bmice\b|\bmouse\b|\brodents?\b|\banimal\s+(?:models?|"
    r"husbandry|colony|work)|\bzebrafish\b|\bdrosophila\b|\bPCR\b|\bwestern\s+blot\w*|\bcloning\b|"
    r"\bflow\s+cytometry\b|\btissue\s+culture\b|\bin\s+vitro\b|\bbench\b|\bmicroscopy\b|"
    r"\bplasmids?\b|\bcrystallograph\w+|\bmarket\s+research\b|\bsurvey\s+research\b|"
    r"\bfield\s+work\b|\bfieldwork\b|\bagricultur\w+|\becolog\w+|\bgeolog\w+|\bphysics\b|"
    r"\bchemistry\s+lab|\bsynthesis\b|\barchiv\w+",
    re.I,
)
#: Context words are counted in the summary and duties: the first 8,000 characters.
CONTEXT_CHARS = 8_000


@dataclass(frozen=True)
class ClinicalFacts:
    """Clinical research (1), other research (0) or unknown (None), with evidence."""

    clinical: int | None
    evidence: str | None


def _around(text: str, match: re.Match[str], reach: int = 80) -> str:
    lo = max(0, match.start() - reach)
    hi = min(len(text), match.end() + reach)
    return evidence_text(("…" if lo else "") + text[lo:hi] + ("…" if hi < len(text) else ""))


def classify_clinical(title: str | None, text: str | None, family: str) -> ClinicalFacts:
    """Whether one posting is clinical research (see module doc)."""
    title = (title or "")[:300]
    if family in CLINICAL_FAMILIES:
        return ClinicalFacts(1, f"{family} is a clinical-research role (title: {title[:120]})")
    if re.search(r"(?i)\bclinical\b|\bpatient\b|\btrials?\b", title):
        return ClinicalFacts(1, f"title: {title[:120]}")
    body = clip_text(text)[:CONTEXT_CHARS]
    contact = _CONTACT_RE.search(body)
    clinical = len(_CLINICAL_RE.findall(body))
    other_match = _OTHER_RE.search(body) or _OTHER_RE.search(title)
    other = len(_OTHER_RE.findall(body)) + len(_OTHER_RE.findall(title))
    if contact and clinical >= 2 and clinical > other:
        return ClinicalFacts(1, _around(body, contact))
    if other_match is not None:
        where = body if _OTHER_RE.search(body) else title
        return ClinicalFacts(0, "other research: " + _around(where, _OTHER_RE.search(where)))  # type: ignore[arg-type]
    if contact:
        return ClinicalFacts(1, _around(body, contact))
    return ClinicalFacts(None, None)
