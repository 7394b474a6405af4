"""Languages a posting names, and those it states as required."""

from __future__ import annotations

import re

from researchjobs.enrich.text import Clause, cue_label, evidence_text

LANGUAGE_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (name, re.compile(pattern, re.I))
    for name, pattern in (
        ("Spanish", r"\bSpanish\b"), ("Mandarin", r"\bMandarin\b"),
        ("Cantonese", r"\bCantonese\b"), ("Chinese", r"\bChinese\b(?!\s+hamster)"),
        ("Arabic", r"\bArabic\b"), ("Hindi", r"\bHindi\b"), ("Urdu", r"\bUrdu\b"),
        ("French", r"\bFrench\b"), ("Portuguese", r"\bPortuguese\b"),
        ("Haitian Creole", r"\b(?:Haitian\s+)?Creole\b"), ("Russian", r"\bRussian\b"),
        ("Vietnamese", r"\bVietnamese\b"), ("Korean", r"\bKorean\b"),
        ("Tagalog", r"\bTagalog\b|\bFilipino\b"), ("Bengali", r"\bBengali\b|\bBangla\b"),
        ("Punjabi", r"\bPunjabi\b"), ("Somali", r"\bSomali\b"), ("Polish", r"\bPolish\b"),
        ("Italian", r"\bItalian\b"), ("German", r"\bGerman\b"), ("Japanese", r"\bJapanese\b"),
        ("Farsi", r"\bFarsi\b|\bPersian\b"), ("Amharic", r"\bAmharic\b"),
        ("Swahili", r"\bSwahili\b"), ("ASL", r"\bASL\b|\bAmerican\s+Sign\s+Language\b"),
        ("Hmong", r"\bHmong\b"), ("Nepali", r"\bNepali\b"), ("Turkish", r"\bTurkish\b"),
        ("Hebrew", r"\bHebrew\b"), ("Ukrainian", r"\bUkrainian\b"), ("Greek", r"\bGreek\b"),
        ("Navajo", r"\bNavajo\b"), ("Gujarati", r"\bGujarati\b"), ("Tamil", r"\bTamil\b"),
        ("Telugu", r"\bTelugu\b"),
    )
)
_LANGUAGE_CUE_RE = re.compile(
    r"\bbilingual|\bfluen|\bproficien|\blanguage|\bnative\s+speaker|\bconversational|"
    r"\bmultilingual|\bin\s+(?:both\s+)?English\s+and\b|\bspeak(?:s|ing|er|ers)?\b|"
    r"\btranslat|\binterpret|\bcommunicat\w*\s+(?:\w+\s+){0,2}in\b",
    re.I,
)
_LANGUAGE_FALSE_RE = re.compile(r"\bFrench\s+(?:fries|press)|\bPolish(?:ed|ing)?\s+"
                                r"(?:presentation|skills)|\bGreek\s+(?:life|yogurt)", re.I)


def extract_languages(clauses: list[Clause]) -> dict[str, object]:
    """Languages named with a language cue, and those stated as required."""
    evidence: dict[str, str] = {}
    req: dict[str, object] = {"evidence": evidence}
    langs: list[str] = []
    required: list[str] = []
    body = " ".join(c.low for c in clauses)
    present = [(name, pattern) for name, pattern in LANGUAGE_PATTERNS
               if (name.split()[-1].lower() if name != "ASL" else "asl") in body
               or (name == "ASL" and "sign language" in body)
               or (name == "Tagalog" and "filipino" in body)
               or (name == "Farsi" and "persian" in body)
               or (name == "Bengali" and "bangla" in body)]
    if not present:
        req["languages"], req["languages_required"] = langs, required
        return req
    previous = ""
    names = tuple({n.split()[-1].lower() for n, _p in present} | {"sign language", "filipino",
                                                                  "persian", "bangla"})
    for clause in clauses:
        text = clause.text
        window = previous + " " + text
        previous = text
        if not any(n in clause.low for n in names):
            continue
        if _LANGUAGE_FALSE_RE.search(text):
            continue
        clause = cue_label(clause)
        # A short qualification item ("Spanish a plus", "Preferred: Spanish") needs no cue.
        short_item = len(text) <= 40 and clause.label in ("required", "preferred")
        if not short_item and not _LANGUAGE_CUE_RE.search(window):
            continue
        for name, pattern in present:
            if pattern.search(text) and name not in langs:
                if name == "Chinese" and ("Mandarin" in langs or re.search(
                        r"(?i)mandarin|cantonese", text)):
                    continue
                langs.append(name)
                evidence.setdefault("languages", evidence_text(text))
                if clause.label == "required":
                    required.append(name)
                    evidence.setdefault("languages_required", evidence_text(text))
    req["languages"] = langs
    req["languages_required"] = required
    return req
