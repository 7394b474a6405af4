"""The degree floor a posting asks for.

The floor is the lowest degree named in a required clause (alternatives lower the
floor); a degree named only as preferred gives ``none``; no degree mentioned gives None
(unknown).
"""

from __future__ import annotations

import itertools
import re

from researchjobs.enrich.text import REQUIRED_CUE_RE, Clause, evidence_text, mention_label

SUBSTITUTE_RE = re.compile(
    r"\b(?:in\s+lieu\s+of|substitut\w+|instead\s+of|in\s+place\s+of|equivalent\s+combination|"
    r"combination\s+of\s+(?:education|training)\s+and\s+experience|year[- ]for[- ]year)\b",
    re.I,
)

_DEGREE_LEVELS = ("none", "high_school", "associate", "bachelor", "master", "doctorate")
_RANK = {name: i for i, name in enumerate(_DEGREE_LEVELS)}

DEGREE_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("high_school", re.compile(
        r"\bhigh[- ]school\b|\bGED\b|\bsecondary\s+school\b|\bH\.?S\.?\s+(?:diploma|graduat)",
        re.I)),
    ("associate", re.compile(
        r"\bassociate'?s?(?:'s)?\s+degree\b|\bassociate\s+of\s+(?:arts|science|applied)|"
        r"\b(?:two|2)[- ]year\s+(?:college\s+)?degree\b|\bA\.A\.S?\.?\b", re.I)),
    ("bachelor", re.compile(
        r"\bbachelor|\bbaccalaureate\b|\b(?:four|4)[- ]year\s+(?:college\s+)?degree\b|"
        r"\b(?:college|undergraduate|university)\s+degree\b|\bBSN\b|\bBSc\b", re.I)),
    ("bachelor", re.compile(r"\b(?:B\.A\.|B\.S\.|BA|BS)(?=\s*(?:/|degree|in\b|or\b|,|\)))")),
    ("bachelor", re.compile(
        r"(?:^|[:;,.(]\s*|\ba\s+)degree\s+in\b|(?<!advanced )(?<!graduate )(?<!doctoral )"
        r"\b(?:life\s+sciences?|science|scientific|pharmacy|nursing|health(?:care)?\s+"
        r"professional|health\s+science|professional)\s+degree\b|"
        r"\bdegree\s+from\s+(?:a|an)\s+(?:[\w.]+\s+){0,4}(?:college|university)\b|"
        r"\bbachelor\s+of\s+science\b", re.I)),
    ("master", re.compile(
        r"\bmaster'?s?\b|\bmasters\b|\bM\.S\.|\bM\.P\.H\.|\bMPH\b|\bMSc\b|\bMSN\b|\bMHA\b|"
        r"\bgraduate\s+degree\b|\badvanced\s+(?:\w+\s+)?degree\b", re.I)),
    ("master", re.compile(r"\b(?:MS|MA)(?=\s*(?:/|degree|in\b|or\b|,|\)))(?!\s+(?:Office|Excel|"
                          r"Word|Access|Project|Teams|Outlook))")),
    ("doctorate", re.compile(
        r"\bdoctorate\b|\bdoctoral\s+degree\b|\bph\.?\s?d\b|\bpharm\.?\s?d\b|\bM\.D\.|"
        r"\bterminal\s+degree\b|\bMBBS\b|\bM\.B\.B\.S\b|\bD\.O\.", re.I)),
    ("doctorate", re.compile(r"(?<!, )\bMD\b(?!\s*(?:Anderson|\d{5}))")),
)
_NO_DEGREE_RE = re.compile(r"\bno\s+(?:college\s+)?degree\s+(?:is\s+)?(?:required|necessary)",
                           re.I)
DEGREE_HINTS = ("degree", "diploma", "graduat", "ged", "education", "bachelor", "master",
                 "doctor", "phd", "ph.d", "md", "m.d", "mbbs", "ba", "bs", "ms", "mph", "b.s",
                 "b.a", "bsn", "msn", "pharm", "bsc", "msc", "a.a")
_DEGREE_CONTEXT_RE = re.compile(
    r"\bdegree|diploma|graduat|\bGED\b|education|bachelor|master|doctor|ph\.?\s?d|\bMD\b|"
    r"M\.D\.|MBBS|\bBA\b|\bBS\b|\bMS\b|MPH|B\.S\.|B\.A\.|\bBSN\b|\bMSN\b|pharm\.?\s?d\b|"
    r"\bBSc\b|\bMSc\b", re.I)
_DEGREE_BLOCKERS = re.compile(r"(?i)experience|certif|licen|knowledge|skills?\b|abilit|"
                              r"proficien|training|familiar")


def extract_degree(clauses: list[Clause]) -> dict[str, object]:
    """The degree floor (``degree_min``) with its evidence."""
    evidence: dict[str, str] = {}
    req: dict[str, object] = {"evidence": evidence}
    required_levels: list[tuple[str, str]] = []
    preferred_seen = None
    for clause in clauses:
        text = clause.text
        if not _DEGREE_CONTEXT_RE.search(text):
            continue
        if _NO_DEGREE_RE.search(text):
            req["degree_min"] = "none"
            evidence["degree_min"] = evidence_text(text)
            return req
        mentions = [(m.start(), m.end(), level) for level, pattern in DEGREE_PATTERNS
                    for m in itertools.islice(pattern.finditer(text), 3)]
        if not mentions:
            continue
        if clause.label == "other" and not REQUIRED_CUE_RE.search(text):
            continue
        if SUBSTITUTE_RE.search(text) and not re.search(r"(?i)\brequired\b", text) and \
                required_levels:
            continue
        for start, end, level in mentions:
            label = mention_label(clause, start, end, _DEGREE_BLOCKERS)
            if label == "preferred":
                preferred_seen = preferred_seen or text
            elif label != "other":
                required_levels.append((level, text))
    if required_levels:
        level, text = min(required_levels, key=lambda item: _RANK[item[0]])
        req["degree_min"] = level
        evidence["degree_min"] = evidence_text(text)
    elif preferred_seen is not None:
        req["degree_min"] = "none"
        evidence["degree_min"] = "only preferred: " + evidence_text(preferred_seen)
    return req
