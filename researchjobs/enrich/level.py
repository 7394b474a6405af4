"""The one level of a posting: entry, mid or senior, and whether the posting said so.

One rule serves ``jobs --level``, the matcher's level gate and the digest's badge, so
the three can never disagree about a job:

1. **The title says it** (``stated``): numeral I / 1 → entry, II / 2 → mid, III and up →
   senior; senior / sr / lead / principal / supervisor / manager / director / chief /
   head → senior; junior / trainee / entry level / intern / apprentice / aide, and
   "assistant" or "associate" *modifying* a coordinator ("Assistant Clinical Research
   Coordinator", "CRC Associate") → entry; "intermediate" → mid.
2. **The text says it** (``stated``): "this is an entry-level position", "new graduates
   welcome", "under direct supervision", unless more than 12 months are asked.
3. **The experience asked** (``inferred``): ≤ 12 months → entry, 13-59 → mid, ≥ 60 →
   senior; experience that is only preferred → entry (anyone with the degree may apply).
4. Senior duties in the text ("supervise staff", "prepare budgets") → senior (``inferred``).
5. **An unnumbered coordinator or assistant title with no figure** → entry (``inferred``):
   an ordinary "Clinical Research Coordinator" posting that asks for no experience is
   open to a new graduate. ("Research Associate", "Clinical Research Associate": there
   "associate" is the job itself, not a level word.)
6. Otherwise the family's usual level (``inferred``): a monitor, data manager or
   research nurse is usually mid. A manager or medical science liaison is senior
   whatever the text says (checked right after the title).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

#: What an un-numbered title usually means when nothing else decides (rule 6).
DEFAULT_LEVEL: dict[str, str] = {
    "crc": "mid", "clinical_research_assistant": "entry", "research_assistant": "entry",
    "data_coordinator": "entry", "data_manager": "mid", "regulatory": "entry", "cta": "entry",
    "recruitment": "entry", "cra_monitor": "mid", "drug_safety": "entry",
    "research_nurse": "mid", "msl": "senior", "manager": "senior",
    "research_fellowship": "entry", "other": "mid",
}
LEVELS: tuple[str, ...] = ("entry", "mid", "senior")
STATED, INFERRED = "stated", "inferred"

_ROMAN = {"i": "1", "ii": "2", "iii": "3", "iv": "4", "v": "5"}
_SENIOR_TITLE_RE = re.compile(
    r"\b(?:senior|principal|lead|chief|head|director|manager|supervisor|staff\s+scientist|vp|"
    r"vice\s+president)\b")
_ENTRY_TITLE_RE = re.compile(
    r"\b(?:junior|trainee|entry\s+level|entry|intern|internship|apprentice|aide)\b|"
    r"\bassistant\s+(?:clinical\s+)?(?:research\s+|study\s+|trials?\s+)?(?:coordinator|crc)\b|"
    r"\b(?:crc|coordinator)\s+(?:assistant|associate)\b|"
    r"\bassociate\s+(?:clinical\s+)?(?:research\s+|study\s+|trials?\s+)?(?:coordinator|crc)\b")
_UNNUMBERED_ENTRY_RE = re.compile(r"\b(?:coordinator|crc|(?<!physician )(?<!physicians )assistant|aide)\b")
#: Families whose "coordinator" or "assistant" titles say nothing about level (rule 5):
#: a "Research Nurse Coordinator" is a nurse, a "Site Manager" a monitor.
_NOT_BY_TITLE_WORD = frozenset({"research_nurse", "cra_monitor", "data_manager", "manager", "msl"})
_LEVEL_TOKEN_RE = re.compile(r"\b(?:level\s+)?(iv|v|i{1,3}|[1-5])\b")
_NOT_LEVEL_BEFORE = {"phase", "type", "tier", "covid", "step", "grade", "band", "ward", "unit",
                     "floor", "building", "pod", "suite", "room", "station", "stage", "day",
                     "shift", "r", "t", "class"}
_NOT_LEVEL_AFTER = {"position", "positions", "opening", "openings", "vacancy", "vacancies",
                    "year", "years", "yr", "month", "months", "hour", "hours", "hrs", "day",
                    "days", "fte", "week", "weeks", "diabetes", "trial", "trials", "study",
                    "shift", "shifts"}
_ENTRY_TEXT_RE = re.compile(
    r"\bentry[- ]level\b|\bno\s+(?:prior\s+)?experience\s+(?:is\s+)?(?:required|necessary)|"
    r"\bnew\s+grad(?:uate)?s?\b|\brecent\s+(?:college\s+)?graduates?\b|\bunder\s+(?:direct|"
    r"close|full)\s+supervision\b",
    re.I,
)
_SENIOR_TEXT_RE = re.compile(
    r"\bsupervis(?:e|es|ing)\s+(?:a\s+team|staff|coordinators|junior)|\bmanage\s+(?:a\s+team|"
    r"staff)|\bprepar(?:e|es|ing)\s+(?:study\s+)?budgets\b|\blead\s+(?:a\s+)?team\b|"
    r"\bhigh\s+degree\s+of\s+independence\b",
    re.I,
)


@dataclass(frozen=True)
class LevelFacts:
    """A posting's level, whether the posting stated it, and what decided it."""

    level: str  # entry | mid | senior
    basis: str  # stated | inferred
    evidence: str


def title_level(norm: str) -> tuple[str | None, str]:
    """The level a normalised title states (rule 1), or (None, "")."""
    without_nouns = norm.replace("data manager", "data").replace("site manager", "site")
    if _SENIOR_TITLE_RE.search(without_nouns):
        return "senior", "title marker"
    words = norm.split()
    for match in _LEVEL_TOKEN_RE.finditer(norm):
        start = len(norm[: match.start()].split())
        prev = words[start - 1] if start > 0 else ""
        nxt = words[start + 1] if start + 1 < len(words) else ""
        token = match.group(1)
        if prev in _NOT_LEVEL_BEFORE or nxt in _NOT_LEVEL_AFTER:
            continue
        if token == "i" and prev in ("", "and", "or"):
            continue
        number = int(_ROMAN.get(token, token))
        level = "entry" if number == 1 else "mid" if number == 2 else "senior"
        return level, f"title numeral {token.upper()}"
    if _ENTRY_TITLE_RE.search(norm):
        return "entry", "title marker"
    if re.search(r"\bintermediate\b", norm):
        return "mid", "title marker"
    return None, ""


def level_for_months(months: int) -> str:
    """Rule 3: ≤ 12 months asked is entry, 13-59 mid, 60 or more senior."""
    if months <= 12:
        return "entry"
    return "mid" if months < 60 else "senior"


def classify_level(
    norm_title: str,
    family: str,
    text: str = "",
    experience_required_months: int | None = None,
    experience_only_preferred: bool = False,
    experience_preferred_months: int | None = None,
) -> LevelFacts:
    """The level of one posting by the rules in the module doc (first rule that decides)."""
    level, why = title_level(norm_title)
    if level is not None:
        return LevelFacts(level, STATED, why)
    if family in ("manager", "msl"):
        return LevelFacts("senior", INFERRED, f"{family} family")
    months = experience_required_months
    low = text.lower()
    if months is None or months <= 12:
        entry = _ENTRY_TEXT_RE.search(text) if any(
            w in low for w in ("entry", "experience", "grad", "supervision")) else None
        if entry:
            return LevelFacts("entry", STATED, f"text: {entry.group(0)}")
    if months is not None:
        return LevelFacts(level_for_months(months), INFERRED, f"{months} months required")
    if experience_preferred_months is not None or experience_only_preferred:
        return LevelFacts("entry", INFERRED, "experience preferred, not required")
    if any(w in low for w in ("supervis", "manage", "budget", "lead")):
        senior = _SENIOR_TEXT_RE.search(text)
        if senior:
            return LevelFacts("senior", INFERRED, f"text: {senior.group(0)}")
    if family not in _NOT_BY_TITLE_WORD and _UNNUMBERED_ENTRY_RE.search(norm_title):
        return LevelFacts("entry", INFERRED, "unnumbered coordinator/assistant title, no experience asked")
    return LevelFacts(DEFAULT_LEVEL.get(family, "mid"), INFERRED, f"usual level for {family}")
