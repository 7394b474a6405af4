"""Months of experience required and preferred, and what kind of experience counts.

* **Experience months**: a range gives its minimum ("1-2 years" → 12); words count
  ("two (2) years" → 24, "six months" → 6). Alternatives are resolved for a candidate with
  a bachelor-level degree, because an MD/MBBS is treated as at least that: a path tied
  only to a lower degree ("high school diploma and 6 years") or only to a higher one
  ("master's and 1 year") is used only when no bachelor-level or degree-free statement
  exists. Statements in which experience *substitutes for* a degree ("in lieu of",
  "equivalent combination") are not requirements for degree holders and are skipped;
  "a bachelor's degree may substitute for two years" is subtracted. Figures joined by
  "or" are alternatives (the smallest counts); separate statements are all required
  (the largest counts: "5+ years of operations; 2 years of line management" → 60).
  Sub-requirements ("including 2 years in a lead role", "of which 1 year…") are not
  separate figures. "No experience required", "helpful but not required",
  "entry-level position" and "new graduates welcome" give 0 when nothing more specific
  is stated. "or equivalent" does not change the number. Statements outside any
  labelled section count as required.
* **Clinician experience counts**: when an experience statement accepts clinical,
  patient-care or clinician experience, ``accepts_clinical`` is set (foreign clinical
  practice maps there); when it demands clinical *research* experience specifically,
  ``research_specific`` is set. The months are the same either way.
"""

from __future__ import annotations

import itertools
import re
from typing import NamedTuple

from researchjobs.enrich.requirements.degree import DEGREE_PATTERNS, SUBSTITUTE_RE
from researchjobs.enrich.text import Clause, evidence_text, mention_label

# --- experience -------------------------------------------------------------------------

_NUMBER_WORDS = {
    "zero": 0, "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
    "fifteen": 15, "eighteen": 18, "twenty": 20, "twenty-four": 24, "thirty-six": 36,
}
_WORD_NUM_RE = re.compile(
    r"\b(twenty-four|thirty-six|zero|one|two|three|four|five|six|seven|eight|nine|ten|eleven|"
    r"twelve|fifteen|eighteen|twenty|an?)(?:\s*\(\s*\d{1,2}\s*\))?(?=\s*(?:(?:-|–|to|or)\s*"
    r"[a-z0-9]+(?:\s*\(\s*\d{1,2}\s*\))?\s*)?\+?\s*(?:full(?:[- ]time)?\s+)?"
    r"(?:years?|yrs?|months?|mos?)\b)",
    re.I,
)
_HALF_RE = re.compile(r"\b(\d{1,2}|one|two|three)\s+and\s+(?:a\s+)?half\s+(years?)", re.I)
_DIGIT_PAREN_RE = re.compile(r"\b(\d{1,2})\s*\(\s*\d{1,2}\s*\)")
_EXP_RE = re.compile(
    r"(?P<a>\d{1,2}(?:\.\d)?)\s*(?:\+|plus|or\s+more|or\s+greater)?\s*(?:(?:-|–|—|to|or)\s*"
    r"(?P<b>\d{1,2}(?:\.\d)?)\s*\+?\s*)?(?:full(?:[- ]time)?\s+)?(?P<unit>years?|yrs?|months?|mos?)"
    r"\b(?!\s*old)",
    re.I,
)
_ALTERNATIVE_SPLIT_RE = re.compile(
    r"(?i)(?:;|,?\s+\bor\b\s+(?=(?:an?\s+|the\s+)?(?:\w+'?s?\s+)?(?:\w+\s+)?(?:degree|"
    r"diploma|bachelor|master|high\s+school|associate|ph\.?d|ged))|,?\s+or\s+(?=(?:an?\s+)?"
    r"equivalent))"
)
_EXP_WORD_RE = re.compile(r"\bexperience|\bexp\b|\bworked\b|\bwork history\b|"
                          r"\byears?'?\s+of\s+(?:[a-z-]+\s+){0,2}(?:nursing|clinical\s+practice|"
                          r"monitoring|coordination|research|practice|employment)\b|"
                          r"\byears?'?\s+as\s+(?:an?\s+)?[a-z]", re.I)
EXP_HINTS = ("experience", "exp.", "exp ", "worked", "work history", "year", "yrs", "month",
              "entry", "grad", "train", "clinician", "physician")
_NO_EXP_HINT_RE = re.compile(r"(?i)entry|grad|train|\b0\s*(?:-|–|to)")
_BARE_FIGURE_RE = re.compile(r"(?i)^\W*(?:\d{1,2}|one|two|three|four|five)\+?\s*(?:years?|yrs?|"
                             r"months?)\b[^.]{0,30}\.?$")
_NOT_EXP_AFTER_RE = re.compile(
    r"^\W{0,3}(?:of\s+age|old|degree|college|university|program|institution|commitment|"
    r"contract|term|appointment|position|assignment|post[- ]?doc|of\s+(?:hire|employment|"
    r"start(?![- ]?up)|starting|the\s+date)|after|from\s+(?:hire|start)|"
    r"prior\s+to\s+(?:start|hire)|"
    r"(?:is\s+)?required\s+to\s+(?:obtain|complete)|to\s+(?:obtain|complete|become)|"
    r"of\s+(?:continuous\s+)?service|fellowship|training\s+program|residency|warranty|-?long)",
    re.I,
)
_NOT_EXP_BEFORE_RE = re.compile(
    r"(?:within|past|last|every|after|over\s+the|in\s+the\s+past|in\s+the\s+last|up\s+to|"
    r"renew\w*|lasts?|lasting|duration\s+of|period\s+of|term\s+of|commit\w*(?:\s+to)?|age|"
    r"aged|once|twice|each|per|for\s+a\s+period\s+of|including(?:\s+at\s+least)?|"
    r"of\s+which(?:\s+at\s+least)?)\s*$",
    re.I,
)
_NO_EXP_RE = re.compile(
    r"\b(?:requires?\s+no\s+(?:[a-z-]+\s+){0,3}?experience\b|no\s+(?:[a-z-]+\s+){0,3}?"
    r"experience\s+"
    r"(?:is\s+)?(?:required|necessary|needed)|experience\s+(?:[\w-]+\s+){0,6}?(?:but\s+)?"
    r"not\s+(?:required|necessary|mandatory|needed|essential)|"
    r"entry[- ]level\s+(?:position|role|opportunity|job)|"
    r"this\s+is\s+an\s+entry[- ]level|(?:new|recent|fresh)\s+(?:college\s+)?grad(?:uate)?s?\b"
    r"[^.;]{0,50}?\b(?:welcome|encouraged|considered|eligible)|0\s*(?:-|–|to)\s*\d\s*years?|will\s+train|"
    r"training\s+(?:will\s+be|is)\s+provided)",
    re.I,
)
_DEGREE_SUBS_EXPERIENCE_RE = re.compile(
    r"(?<!master's )(?<!masters )(?<!graduate )(?<!doctoral )\b(?:(?:a|an|the|college|"
    r"university|bachelor'?s?|undergraduate|four[- ]year)\s+)+degree\b.{0,30}?\b(?:may|can|will)"
    r"\s+(?:be\s+)?substitut\w*\s+for\b.{0,30}?\bexperience",
    re.I,
)
_CLINICAL_OK_RE = re.compile(
    r"\b(?:clinical\s+(?:experience|practice|setting|environment|or\s+research)|"
    r"patient[- ]care|patient[- ]facing|health\s*care\s+(?:experience|setting)|"
    r"medical\s+(?:experience|training|setting|office)|clinician|physician|medical\s+school|"
    r"clinical\s+or\s+research|research\s+or\s+clinical|clinical,\s+research|"
    r"hospital\s+setting)\b",
    re.I,
)
_RESEARCH_ONLY_RE = re.compile(
    r"\bclinical\s+(?:research|trials?)\s+(?:experience|coordinat\w+)|experience\s+(?:as\s+a|"
    r"in|with)\s+(?:clinical\s+research|clinical\s+trials?|a\s+(?:crc|clinical\s+research))",
    re.I,
)
_US_ONLY_RE = re.compile(r"\b(?:u\.?s\.?|united\s+states|american)[- ](?:based\s+)?"
                         r"(?:clinical\s+|research\s+|work\s+|healthcare\s+)*experience", re.I)

def _normalise_numbers(clause: str) -> str:
    """"two (2) years" → "2 years", "one and a half years" → "1.5 years"."""
    clause = _HALF_RE.sub(
        lambda m: f"{_NUMBER_WORDS.get(m.group(1).lower(), m.group(1))}.5 {m.group(2)}", clause
    )
    clause = _WORD_NUM_RE.sub(lambda m: str(_NUMBER_WORDS[m.group(1).lower()]), clause)
    return _DIGIT_PAREN_RE.sub(r"\1", clause)


_EXP_BLOCKERS = re.compile(r"(?i)\bdegree\b|diploma|certif|licen|bachelor|master")
_OR_RE = re.compile(r"(?i)\bor\b")
_NO_EXP_PART_RE = re.compile(r"(?i)\b(?:no|without)\s+(?:prior\s+|previous\s+)?experience\b")


class _Mention(NamedTuple):
    months: int
    path: str | None  # None = bachelor-level or no degree named; "low"; "high"
    substitution: bool
    group: int
    start: int  # position in the number-normalised clause
    end: int


def _experience_mentions(norm: str) -> list[_Mention]:
    """Each experience figure in a (number-normalised) clause.

    Figures joined by "or" inside one clause share a group (alternatives: the smallest
    counts); separate groups are conjunctive (the largest counts).
    """
    if not _EXP_WORD_RE.search(norm):
        return []
    mentions: list[_Mention] = []
    bachelor_only: list[tuple[int, int]] = []
    alternatives: list[tuple[int, str]] = []
    pos = 0
    for split in _ALTERNATIVE_SPLIT_RE.finditer(norm):
        alternatives.append((pos, norm[pos: split.start()]))
        pos = split.end()
    alternatives.append((pos, norm[pos:]))
    group = 0
    for offset, part in alternatives:
        substitution = bool(SUBSTITUTE_RE.search(part))
        degrees = [(m.start(), level) for level, pattern in DEGREE_PATTERNS
                   for m in itertools.islice(pattern.finditer(part), 3)]
        found_here = False
        last_end = None
        for match in itertools.islice(_EXP_RE.finditer(part), 4):
            after = part[match.end(): match.end() + 40]
            before = part[max(0, match.start() - 25): match.start()]
            if _NOT_EXP_AFTER_RE.search(after) or _NOT_EXP_BEFORE_RE.search(before):
                continue
            window = part[max(0, match.start() - 100): match.end() + 100]
            if not _EXP_WORD_RE.search(window):
                continue
            try:
                value = float(match.group("a"))
            except ValueError:
                continue
            unit = match.group("unit").lower()
            months = value if unit.startswith("mo") else value * 12
            if months > 480:
                continue
            path: str | None = None
            if degrees:
                # The degree this figure belongs to: the nearest one, "7 years with a BA".
                level = min(degrees, key=lambda d: abs(d[0] - match.start()))[1]
                if level in ("high_school", "associate"):
                    path = "low"
                elif level in ("master", "doctorate"):
                    path = "high"
            if last_end is None or not _OR_RE.search(part, last_end, match.start()):
                group += 1
            last_end = match.end()
            mentions.append(_Mention(round(months), path, substitution, group,
                                     offset + match.start(), offset + match.end()))
            found_here = True
        if not found_here and len(alternatives) > 1:
            levels = {level for _pos, level in degrees}
            if levels and levels <= {"bachelor"} and not substitution and (
                    _NO_EXP_PART_RE.search(part) or not _EXP_WORD_RE.search(part)):
                bachelor_only.append((offset, len(part)))
    if mentions:
        # "HS diploma and 4 years, or a bachelor's degree (with no experience)": the
        # bachelor path needs none, but only when another path asks for a figure.
        for offset, length in bachelor_only:
            group += 1
            mentions.append(_Mention(0, None, False, group, offset, offset + length))
    return mentions


def _resolve_experience(mentions: list[tuple[_Mention, str]]) -> tuple[int, str] | None:
    """Pick the figure for a bachelor-level candidate (see module doc)."""
    usable = [(m, text) for m, text in mentions if not m.substitution]
    for path in (None, "low", "high"):
        values = [(m, text) for m, text in usable if m.path == path]
        if not values:
            continue
        groups: dict[tuple[str, int], list[tuple[_Mention, str]]] = {}
        for mention, text in values:
            groups.setdefault((text, mention.group), []).append((mention, text))
        # Alternatives within a group: the smallest; separate statements: the largest.
        best = max((min(g, key=lambda item: item[0].months) for g in groups.values()),
                   key=lambda item: item[0].months)
        return best[0].months, best[1]
    return None


def extract_experience(clauses: list[Clause]) -> dict[str, object]:
    """Required / preferred months, whether clinician experience counts, and evidence."""
    evidence: dict[str, str] = {}
    req: dict[str, object] = {"evidence": evidence}
    required: list[tuple[_Mention, str]] = []
    preferred: list[tuple[_Mention, str]] = []
    zero_ev = None
    bachelor_sub: tuple[int, str] | None = None
    previous_had_experience = False
    for clause in clauses:
        text = clause.text
        if previous_had_experience and _BARE_FIGURE_RE.search(text):
            # "1 year of research experience required; 2 years preferred."
            text = f"{text} (experience)"
        has_experience = bool(_EXP_WORD_RE.search(text))
        if (has_experience or previous_had_experience) and clause.label != "other" and \
                _CLINICAL_OK_RE.search(text):
            # "…experience; examples can include clinician …" continues the statement.
            req["accepts_clinical"] = True
            evidence.setdefault("accepts_clinical", evidence_text(text))
        previous_had_experience = has_experience
        if zero_ev is None and (has_experience or _NO_EXP_HINT_RE.search(text)) and \
                _NO_EXP_RE.search(text):
            zero_ev = text
        if not has_experience:
            continue
        if bachelor_sub is None and _DEGREE_SUBS_EXPERIENCE_RE.search(text):
            figures = [int(float(m.group("a")) * (1 if m.group("unit").lower().startswith("mo")
                                                  else 12))
                       for m in _EXP_RE.finditer(_normalise_numbers(text))]
            bachelor_sub = (max(figures) if figures else 0, text)
            continue
        if clause.label == "other":
            continue
        norm = _normalise_numbers(text)
        mentions = _experience_mentions(norm)
        normalised = Clause(clause.label, norm, clause.section)
        for mention in mentions:
            label = mention_label(normalised, mention.start, mention.end, _EXP_BLOCKERS)
            if label in ("unknown", "other"):
                label = clause.label
            if label == "preferred":
                preferred.append((mention, text))
            else:
                required.append((mention, text))
                if _RESEARCH_ONLY_RE.search(text):
                    req["research_specific"] = True
                if _US_ONLY_RE.search(text):
                    req["us_experience"] = True
    chosen = _resolve_experience(required)
    if chosen is not None:
        months, text = chosen
        if bachelor_sub is not None and bachelor_sub[0]:
            # "A bachelor's degree may substitute for two years of the experience."
            months = max(0, months - bachelor_sub[0])
            text = f"{text} / {bachelor_sub[1]}"
        req["experience_required_months"] = months
        evidence["experience_required_months"] = evidence_text(text)
    elif zero_ev is not None:
        req["experience_required_months"] = 0
        evidence["experience_required_months"] = evidence_text(zero_ev)
    elif any(c.label == "preferred" and _EXP_WORD_RE.search(c.text) for c in clauses):
        # Experience is mentioned, but only as preferred: nothing is required.
        req["experience_only_preferred"] = True
    pref = _resolve_experience(preferred)
    if pref is not None:
        req["experience_preferred_months"] = pref[0]
        evidence["experience_preferred_months"] = evidence_text(pref[1])
    return req
