"""Certificates: required, preferred, and those that may be obtained after hire."""

from __future__ import annotations

import math
import re

from researchjobs.enrich.text import Clause, evidence_text, mention_label

CERT_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("ACRP-CP", re.compile(r"\bACRP[- ]CP\b", re.I)),
    ("CCRC", re.compile(r"\bCCRC\b")),
    ("CCRA", re.compile(r"\bCCRA\b")),
    ("CCRP", re.compile(r"\bCCRP\b|\bSoCRA\s+(?:certification|certified|certificate)", re.I)),
    ("ACRP", re.compile(r"\bACRP\b(?![- ]CP)")),
    ("CCRP", re.compile(r"\bSoCRA\b")),
    ("CRC certification", re.compile(
        r"\b(?:clinical\s+research|CRC|research\s+coordinator)\s+certification\b", re.I)),
    ("CCDM", re.compile(r"\bCCDM\b")),
    ("RAC", re.compile(r"\bRAC\b|\bregulatory\s+affairs\s+certification", re.I)),
    ("GCP", re.compile(r"\bGCP\b|\bgood\s+clinical\s+practice\b", re.I)),
    ("CITI", re.compile(r"\bCITI\b", re.I)),
    ("HIPAA", re.compile(r"\bHIPAA\s+(?:training|certification|certificate)", re.I)),
    ("IATA", re.compile(r"\bIATA\b|\bdangerous\s+goods\b|\bDOT\s*/\s*IATA\b", re.I)),
    ("Phlebotomy", re.compile(
        r"\bphlebotomy\s+(?:certification|certificate|license|licensure|credential)|"
        r"\bcertified\s+phlebotom\w+|\bphlebotomy\s+technician\b|\bCPT\s?(?:I|1)\b", re.I)),
    ("BLS", re.compile(r"\bBLS\b|\bbasic\s+life\s+support\b", re.I)),
    ("ACLS", re.compile(r"\bACLS\b|\badvanced\s+cardi(?:ac|ovascular)\s+life\s+support", re.I)),
    ("PALS", re.compile(r"\bPALS\b|\bpediatric\s+advanced\s+life\s+support", re.I)),
    ("CPR", re.compile(r"\bCPR\b")),
)
_CERT_CONTEXT_RE = re.compile(
    r"certif|training|credential|licen|\bCCR[CPA]\b|\bACRP\b|\bBLS\b|\bACLS\b|\bPALS\b|\bCPR\b|"
    r"\bCITI\b|\bGCP\b|\bIATA\b|\bCCDM\b|\bRAC\b|dangerous goods|course|complete|obtain",
    re.I,
)
CERT_HINTS = ("certif", "training", "credential", "licen", "ccr", "acrp", "socra", "bls",
               "acls", "pals", "cpr", "citi", "gcp", "good clinical", "iata", "dangerous",
               "ccdm", "rac", "regulatory affairs", "phleb", "hipaa", "life support", "cpt")
#: Substrings without which a certificate pattern cannot match (cheap pre-check).
_CERT_NAME_HINTS: dict[str, tuple[str, ...]] = {
    "ACRP-CP": ("acrp",), "CCRC": ("ccrc",), "CCRA": ("ccra",), "CCRP": ("ccrp", "socra"),
    "ACRP": ("acrp",), "CRC certification": ("certification",), "CCDM": ("ccdm",),
    "RAC": ("rac", "regulatory affairs"), "GCP": ("gcp", "good clinical"), "CITI": ("citi",),
    "HIPAA": ("hipaa",), "IATA": ("iata", "dangerous"), "Phlebotomy": ("phleb", "cpt"),
    "BLS": ("bls", "basic life"), "ACLS": ("acls", "advanced cardi"),
    "PALS": ("pals", "pediatric advanced"), "CPR": ("cpr",),
}
_TRAINING_RE = re.compile(r"certif|training|course|complet|credential", re.I)
_UNIT_WORDS = r"(?:\d{1,3}|one|two|three|four|five|six|nine|twelve|eighteen|thirty|sixty|ninety)"
_OBTAIN_RE = re.compile(
    rf"\bwithin\s+(?:the\s+first\s+)?(?P<n>{_UNIT_WORDS})(?:\s*\(\s*\d{{1,3}}\s*\))?\s*"
    rf"(?P<unit>days?|weeks?|months?|years?|yrs?)\b|"
    rf"\bwithin\s+(?:the\s+first\s+|one\s+)?(?P<unit2>year|month)\b|"
    rf"\b(?P<before>prior\s+to\s+(?:start|starting|hire|the\s+first\s+day|beginning|working)|"
    rf"before\s+(?:start|starting|beginning\s+work|the\s+first\s+day)|upon\s+hire|"
    rf"by\s+the\s+end\s+of\s+(?:the\s+)?first\s+year)",
    re.I,
)
_OBTAIN_VERB_RE = re.compile(r"\b(?:obtain\w*|complet\w+|achiev\w+|earn\w*|become|acquir\w+|"
                             r"get|pass\w*|attain\w*|must\s+be\s+certified|certified)\b", re.I)
_UNIT_NUMBERS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "nine": 9,
                 "twelve": 12, "eighteen": 18, "thirty": 30, "sixty": 60, "ninety": 90}
_CERT_BLOCKERS = re.compile(r"(?i)experience|\bdegree\b|diploma|licen|knowledge|skills?\b")


def _months_from(number: str | None, unit: str | None) -> int:
    if number is None or unit is None:
        return 0
    value = int(number) if number.isdigit() else _UNIT_NUMBERS.get(number.lower(), 0)
    unit = unit.lower()
    if unit.startswith("day"):
        return max(1, math.ceil(value / 30))
    if unit.startswith("week"):
        return max(1, math.ceil(value * 7 / 30))
    if unit.startswith(("year", "yr")):
        return value * 12
    return value


def extract_certifications(clauses: list[Clause]) -> dict[str, object]:
    """Certificates required, preferred, and to obtain within N months of hire."""
    evidence: dict[str, str] = {}
    req: dict[str, object] = {"evidence": evidence}
    required: list[str] = []
    preferred: list[str] = []
    within: list[dict[str, object]] = []
    for clause in clauses:
        text = clause.text
        if not _CERT_CONTEXT_RE.search(text):
            continue
        found: list[tuple[str, re.Match[str]]] = []
        for name, pattern in CERT_PATTERNS:
            if not any(hint in clause.low for hint in _CERT_NAME_HINTS[name]):
                continue
            match = pattern.search(text)
            if match and all(name != n for n, _m in found):
                found.append((name, match))
        certif_word = re.search(r"(?i)certif", text)
        found = [(n, m) for n, m in found
                 if not (n == "GCP" and not _TRAINING_RE.search(text))  # "knowledge of GCP"
                 and not (n in ("ACRP", "CCRP") and m.group(0).upper() in ("ACRP", "SOCRA")
                          and not certif_word)]  # the organisations, not a credential
        names = [n for n, _m in found]
        if "ACRP-CP" in names and "ACRP" in names:
            found = [(n, m) for n, m in found if n != "ACRP"]
        if len(found) > 1:
            found = [(n, m) for n, m in found if n != "CRC certification"]
        if not found:
            continue
        obtain = _OBTAIN_RE.search(text)
        if obtain and (_OBTAIN_VERB_RE.search(text) or re.search(
                r"(?i)\bof\s+(?:the\s+)?(?:hire|start|employment|date\s+of\s+hire)", text)):
            if obtain.group("before"):
                months = 0 if "first year" not in obtain.group("before").lower() else 12
            elif obtain.group("unit2"):
                months = 12 if obtain.group("unit2").lower() == "year" else 1
            else:
                months = _months_from(obtain.group("n"), obtain.group("unit"))
            for name, _match in found:
                if all(item["name"] != name for item in within):
                    within.append({"name": name, "months": months})
            evidence.setdefault("certifications_obtain_within", evidence_text(text))
            continue
        for name, match in found:
            label = mention_label(clause, match.start(), match.end(), _CERT_BLOCKERS)
            if label == "preferred":
                target, key = preferred, "certifications_preferred"
            elif label == "required":
                target, key = required, "certifications_required"
            else:
                continue
            if name not in target:
                target.append(name)
            evidence.setdefault(key, evidence_text(text))
    obtained = {item["name"] for item in within}
    req["certifications_required"] = [n for n in required if n not in obtained]
    req["certifications_preferred"] = [n for n in preferred
                                       if n not in required and n not in obtained]
    req["certifications_obtain_within"] = within
    return req
