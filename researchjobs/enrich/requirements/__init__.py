"""What a posting asks of the candidate: experience, degree, licence, certificates, tools.

These are the facts that decide whether an IMG is *eligible*: a US licence requirement
excludes them, "2 years of CRC experience" excludes a new arrival, an MD/MBBS may or may
not count as the required degree. Every fact keeps the clause it came from. One module
per fact (``experience``, ``degree``, ``md``, ``licence``, ``certifications``,
``skills``, ``languages``); the clause helpers they share are in ``enrich.text``.

Cost is bounded for any input: at most the first 20,000 and last 5,000 characters, at
most 300 clauses, and for each signal at most 15-20 clauses (qualification sections
first) go through that signal's regexes; cheap ``str.find`` pre-checks decide which.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field

from researchjobs.enrich.requirements.certifications import (
    CERT_HINTS,
    CERT_PATTERNS,
    extract_certifications,
)
from researchjobs.enrich.requirements.degree import DEGREE_HINTS, extract_degree
from researchjobs.enrich.requirements.experience import EXP_HINTS, extract_experience
from researchjobs.enrich.requirements.languages import LANGUAGE_PATTERNS, extract_languages
from researchjobs.enrich.requirements.licence import LICENCE_HINTS, extract_licence, licence_from_title
from researchjobs.enrich.requirements.md import MD_HINTS, extract_md_accepted
from researchjobs.enrich.requirements.skills import SKILL_PATTERNS, extract_skills
from researchjobs.enrich.text import Clause, clip_text, pick_clauses, sectioned_clauses

__all__ = [
    "CERT_PATTERNS", "LANGUAGE_PATTERNS", "SKILL_PATTERNS", "Requirements",
    "extract_requirements",
]  # fmt: skip


@dataclass(frozen=True)
class Requirements:
    """What the posting asks for, with evidence per fact."""

    experience_required_months: int | None = None
    experience_preferred_months: int | None = None
    accepts_clinical: bool = False
    research_specific: bool = False
    us_experience: bool = False
    experience_only_preferred: bool = False
    degree_min: str | None = None
    md_accepted: int | None = None
    licence_required: int = 0
    licence_required_name: str | None = None
    certifications_required: list[str] = field(default_factory=list)
    certifications_preferred: list[str] = field(default_factory=list)
    certifications_obtain_within: list[dict[str, object]] = field(default_factory=list)
    skills: list[str] = field(default_factory=list)
    languages: list[str] = field(default_factory=list)
    languages_required: list[str] = field(default_factory=list)
    evidence: dict[str, str] = field(default_factory=dict)


_SIGNAL_HINTS: dict[str, tuple[str, ...]] = {
    "experience": EXP_HINTS, "degree": DEGREE_HINTS, "md": MD_HINTS,
    "licence": LICENCE_HINTS, "cert": CERT_HINTS,
}
_ALL_HINTS = sorted({h for hints in _SIGNAL_HINTS.values() for h in hints})
_HINT_SIGNALS: dict[str, frozenset[str]] = {
    h: frozenset(sig for sig, hints in _SIGNAL_HINTS.items() if any(x in h for x in hints))
    for h in _ALL_HINTS
}


def _signal_index(clauses: list[Clause]) -> dict[str, set[int]]:
    """For each signal, the indices of clauses containing one of its hint words.

    One ``str.find`` scan per hint over all clauses joined, mapped back to clauses by
    offset: far cheaper than a regex per clause.
    """
    index: dict[str, set[int]] = {sig: set() for sig in _SIGNAL_HINTS}
    joined = "\n".join(c.low for c in clauses)
    starts: list[int] = []
    offset = 0
    for clause in clauses:
        starts.append(offset)
        offset += len(clause.low) + 1
    for hint, signals in _HINT_SIGNALS.items():
        position = joined.find(hint)
        while position >= 0:
            clause_index = bisect.bisect_right(starts, position) - 1
            for sig in signals:
                index[sig].add(clause_index)
            # Skip to the next clause: one hit per clause is all the index needs.
            next_start = starts[clause_index + 1] if clause_index + 1 < len(starts) else None
            if next_start is None:
                break
            position = joined.find(hint, next_start)
    return index


def extract_requirements(text: str | None, title: str | None = None) -> Requirements:
    """All requirement facts for one posting's plain text (the title adds licences a
    licensed job title implies: a "Research Nurse" needs an RN licence)."""
    body = clip_text(text)
    facts: dict[str, object] = {}
    evidence: dict[str, str] = {}
    if body.strip():
        clauses = sectioned_clauses(body)
        index = _signal_index(clauses)
        labelled: dict[int, Clause] = {}  # cue labels, computed once per clause
        for found in (
            extract_experience(pick_clauses(clauses, index["experience"], labelled, 20)),
            extract_degree(pick_clauses(clauses, index["degree"], labelled)),
            extract_md_accepted(pick_clauses(clauses, index["md"], labelled)),
            extract_licence(pick_clauses(clauses, index["licence"], labelled)),
            extract_certifications(pick_clauses(clauses, index["cert"], labelled)),
            extract_languages(clauses),
        ):
            evidence.update(found.pop("evidence"))  # type: ignore[arg-type]
            facts.update(found)
        skills = extract_skills(body)
        facts["skills"] = skills
        if skills:
            evidence["skills"] = ", ".join(skills)
    if title and not facts.get("licence_required"):
        implied = licence_from_title(title, body)
        if implied is not None:
            facts["licence_required"], facts["licence_required_name"] = 1, implied[0]
            evidence["licence_required"] = implied[1]
    return Requirements(**facts, evidence=evidence)  # type: ignore[arg-type]
