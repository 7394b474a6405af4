"""Whether an MD / MBBS counts: 1 only on explicit evidence, 0 on explicit exclusion.

1 when an MD, MBBS, foreign medical degree, IMG or ECFMG is named as acceptable or
preferred, or a degree "or foreign equivalent" is asked; 0 when a US degree is required
or foreign degrees are refused; otherwise None.
"""

from __future__ import annotations

import re

from researchjobs.enrich.text import Clause, evidence_text

_MD_POSITIVE_RE = re.compile(
    r"\b(?:MBBS|M\.B\.B\.S\.?|MB\s?ChB|BMBS|M\.D\.(?!\s*Anderson)|foreign\s+medical\s+(?:graduate|degree|"
    r"school)|international\s+medical\s+graduates?|\bIMGs?\b|\bFMGs?\b|ECFMG|medical\s+degree|"
    r"medical\s+doctor|graduates?\s+of\s+(?:a\s+|an\s+)?(?:foreign\s+|international\s+)?medical"
    r"\s+school|physicians?\s+trained\s+(?:abroad|outside|internationally)|"
    r"(?:foreign|international)[- ]trained\s+(?:physicians?|doctors?|clinicians?)|"
    r"(?:or\s+)?(?:its\s+)?(?:foreign|international)\s+equivalent|equivalent\s+(?:degree\s+)?"
    r"from\s+(?:a\s+|an\s+)?(?:foreign|non-U\.?S\.?|international)|"
    r"(?:foreign|international)\s+(?:degrees?|credentials?)\s+(?:are\s+|will\s+be\s+)?"
    r"(?:accepted|considered|welcome))",
    re.I,
)
MD_HINTS = ("md", "m.d", "mbbs", "m.b", "mb", "bmbs", "medic", "foreign", "international",
             "img", "fmg", "ecfmg", "physician", "equivalent", "u.s", "united states",
             "accredited", "abroad", "outside")
_MD_HINT_RE = re.compile(r"(?i)\bM\.?D\b|MBBS|M\.B|MB\s?ChB|BMBS|medic|foreign|international|"
                         r"\bIMG|\bFMG|ECFMG|physician|equivalent|U\.?S\.|United\s+States|"
                         r"accredited|abroad|outside")
_MD_NEGATIVE_RE = re.compile(
    r"\b(?:(?:foreign|international|non-U\.?S\.?)\s+(?:medical\s+)?(?:degrees?|credentials?|"
    r"graduates?)\s+(?:are\s+|is\s+|will\s+)?not\s+(?:be\s+)?(?:accepted|considered|eligible)|"
    r"(?:degree|diploma)\s+(?:must\s+be\s+)?from\s+(?:a|an)\s+(?:regionally\s+)?accredited\s+"
    r"(?:U\.?S\.?|United\s+States|American)\b|U\.?S\.?\s+(?:bachelor'?s\s+|medical\s+)?degree\s+"
    r"(?:is\s+)?required|must\s+have\s+graduated\s+from\s+a\s+U\.?S\.?|(?:MD|MBBS|medical)\s+degrees?\s+"
    r"(?:holders\s+)?(?:are\s+|will\s+)?not\s+(?:be\s+)?(?:accepted|considered))",
    re.I,
)
_MD_QUAL_CONTEXT_RE = re.compile(
    r"degree|graduate|qualif|accept|consider|equivalent|welcome|encourag|prefer|require|"
    r"eligib|\bPhD|Ph\.D|MPH|\bBS\b|\bBA\b|bachelor|master|doctor|education|or\s+higher|holder|"
    r"PharmD|\bDO\b",
    re.I,
)


_DEGREE_LIST_BEFORE_RE = re.compile(
    r"(?i)\b(?:PhD|Ph\.D\.?|PharmD|DO|D\.O\.|RN|MPH|MS|BS|BA|NP|PA|DNP|MBBS|DDS|MSN|BSN|"
    r"and|or)\s*[,/]?\s*$")


def _md_tokens(text: str) -> list[re.Match[str]]:
    """"MD" as a degree, not "Baltimore, MD 21231" or "MD Anderson"."""
    out = []
    for match in re.finditer(r"\bMD\b", text):
        before = text[max(0, match.start() - 20): match.start()]
        after = text[match.end(): match.end() + 12]
        if re.match(r"\s*(?:Anderson|\d{5})", after):
            continue
        if re.search(r"[A-Z][a-z]+,\s*$", before) and not _DEGREE_LIST_BEFORE_RE.search(before):
            continue
        out.append(match)
    return out


def extract_md_accepted(clauses: list[Clause]) -> dict[str, object]:
    """Whether an MD / MBBS / foreign medical degree is accepted (``md_accepted``)."""
    evidence: dict[str, str] = {}
    req: dict[str, object] = {"evidence": evidence}
    clauses = [c for c in clauses if _MD_HINT_RE.search(c.text)]
    for clause in clauses:
        if _MD_NEGATIVE_RE.search(clause.text):
            req["md_accepted"] = 0
            evidence["md_accepted"] = evidence_text(clause.text)
            return req
    for clause in clauses:
        text = clause.text
        positive = _MD_POSITIVE_RE.search(text)
        tokens = _md_tokens(text) if not positive else []
        if positive or (tokens and _MD_QUAL_CONTEXT_RE.search(text)):
            # "work with MDs and nurses" or "MD Anderson" are not degree statements.
            if not positive and re.search(r"(?i)\b(?:with|alongside|support|assist)\b[^.]{0,20}"
                                          r"\bMDs?\b", text):
                continue
            req["md_accepted"] = 1
            evidence["md_accepted"] = evidence_text(text)
            return req
    return req
