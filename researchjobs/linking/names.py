"""Employer names in one comparable form, whichever data set they come from.

The same employer is "The Regents of the University of Michigan", "UNIVERSITY OF
MICHIGAN" and "University of Michigan, Inc." depending on who typed it: DOL LCA files
keep trailing spaces and commas, USCIS upper-cases, drops apostrophes ("CHILDREN S")
and cuts names at 34 characters, registries write what readers know. ``name_key``
removes what does not tell employers apart — case, accents, punctuation, "The",
legal suffixes (Inc, LLC, Corporation…), governing-board prefixes ("Trustees of"),
parentheses — expands common abbreviations ("Univ", "Ctr", "Hosp"), and drops a
"d/b/a" trade name, which ``split_trade_name`` returns on its own.

Pure functions, cached: the same names recur hundreds of thousands of times per file.
"""

from __future__ import annotations

import functools
import re
import unicodedata

#: Abbreviations expanded word by word (after punctuation is gone).
ABBREVIATIONS: dict[str, str] = {
    "univ": "university", "universty": "university", "u": "university",
    "coll": "college", "ctr": "center", "cntr": "center", "centre": "center", "cent": "center",
    "hosp": "hospital", "hosps": "hospitals", "hlth": "health", "hlthcare": "healthcare",
    "med": "medical", "sys": "system", "syst": "system", "svcs": "services", "svc": "services",
    "inst": "institute", "instit": "institute", "natl": "national", "assn": "association",
    "assoc": "association", "st": "saint", "ste": "sainte", "mt": "mount", "ft": "fort",
    "dept": "department", "sch": "school", "intl": "international", "res": "research",
    "sci": "sciences", "scis": "sciences", "tech": "technology", "reg": "regional",
    "mem": "memorial", "cmty": "community", "comm": "community", "chldrns": "childrens",
    "childrens": "childrens", "children": "childrens", "ok": "oklahoma", "nyc": "new york city",
}  # fmt: skip
#: Words that say what kind of legal person an employer is, not which one (dropped at the end).
LEGAL_SUFFIXES = frozenset(
    "inc incorporated llc llp lp ltd limited corp corporation co company pc pllc pa plc "
    "gmbh ag sa nv bv lc na usa us".split()
)
#: Multi-letter suffixes that lose their dots: "L.L.C." → "l l c".
_SPACED_SUFFIXES = re.compile(r"\b(?:l l c|l l p|l p|p c|p a|p l l c|n a|u s a|u s)\b")
#: Who holds the legal title, not who the employer is: "The Trustees of Princeton University".
_BOARD_PREFIX = re.compile(
    r"^(?:the\s+)?(?:board\s+of\s+(?:trustees|regents|governors|supervisors|visitors)|regents|trustees|"
    r"president\s+and\s+fellows|rector\s+and\s+visitors|governing\s+board|curators)"
    r"\s+(?:of\s+)?(?:the\s+)?"
)
#: "d/b/a", "dba", "d.b.a.", "D B A" (USCIS), "a/k/a", "t/a", "doing business as".
_TRADE_NAME = re.compile(
    r"\s*(?:,\s*)?\b(?:d\s*/\s*b\s*/\s*a|d\.\s*b\.\s*a\.?|dba|d\s+b\s+a|doing\s+business\s+as|"
    r"a\s*/\s*k\s*/\s*a|a\.k\.a\.?|aka|t\s*/\s*a|trading\s+as)\b\.?:?\s*",
    re.IGNORECASE,
)
#: A trade-name marker cut off by a fixed-width export ("... DISTRICT D/").
_CUT_MARKER = re.compile(r"\s+d\s*/?\s*(?:b\s*/?\s*)?$", re.IGNORECASE)
_PARENS = re.compile(r"\([^)]*\)?|\[[^\]]*\]?")
_APOSTROPHE_S = re.compile(r"[’'`´]s\b")
_APOSTROPHES = re.compile(r"[’'`´]")
_NON_ALNUM = re.compile(r"[^a-z0-9]+")
#: Joining words: they carry order, not identity.
STOPWORDS = frozenset("the of and at in for a an".split())
#: Placeholders and test values seen in LCA EMPLOYER_FEIN (reference §1.5, D16).
PLACEHOLDER_FEINS = frozenset({"123456789", "987654321", "555555555", "000000000", "999999999", "111111111"})


@functools.lru_cache(maxsize=262_144)
def split_trade_name(name: str | None) -> tuple[str, str | None]:
    """(legal name, trade name or None): "Beth Israel Medical Center d/b/a Mount Sinai Beth Israel"."""
    text = " ".join(str(name or "").split())
    text = _CUT_MARKER.sub("", text) if len(text) >= 30 else text
    parts = _TRADE_NAME.split(text, maxsplit=1)
    if len(parts) == 2 and parts[0].strip(" ,") and parts[1].strip(" ,"):
        return parts[0].strip(" ,"), parts[1].strip(" ,")
    return text.strip(" ,"), None


@functools.lru_cache(maxsize=262_144)
def normalise_name(name: str | None) -> str:
    """Lower-case words of a name with punctuation, "The", board prefixes and legal suffixes gone.

    Does not split off a trade name: use ``name_key`` for a whole raw name.
    """
    text = unicodedata.normalize("NFKD", str(name or ""))
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).casefold()
    text = _PARENS.sub(" ", text)
    text = text.replace("&", " and ").replace("+", " and ")
    text = _APOSTROPHE_S.sub("s", text)
    text = _APOSTROPHES.sub("", text)
    text = _NON_ALNUM.sub(" ", text).strip()
    text = _SPACED_SUFFIXES.sub(lambda m: m.group(0).replace(" ", ""), text)
    words = text.split()
    # USCIS drops the apostrophe and keeps a lone "s": "CHILDREN S HOSPITAL".
    joined: list[str] = []
    for word in words:
        if word == "s" and joined:
            joined[-1] += "s"
        else:
            joined.append(word)
    words = [ABBREVIATIONS.get(w, w) for w in joined if w != "the"]
    text = " ".join(words)
    while True:  # "Board of Trustees of the Leland Stanford Junior University"
        shorter = _BOARD_PREFIX.sub("", text, count=1)
        if shorter == text or not shorter:
            break
        text = shorter
    words = text.split()
    while len(words) > 1 and (words[-1] in LEGAL_SUFFIXES or words[-1] in STOPWORDS):
        words.pop()
    return " ".join(words)


@functools.lru_cache(maxsize=262_144)
def name_key(name: str | None) -> str:
    """The comparable key of a raw employer name (its legal part; a trade name is dropped)."""
    legal, _trade = split_trade_name(name)
    return normalise_name(legal)


def significant_tokens(key: str) -> tuple[str, ...]:
    """The words of a key that name the employer (joining words left out)."""
    return tuple(w for w in key.split() if w not in STOPWORDS)


@functools.lru_cache(maxsize=65_536)
def clean_fein(value: object) -> str | None:
    """Nine digits of a US employer identification number, or None (placeholders included)."""
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    digits = re.sub(r"\D", "", str(value))
    if len(digits) != 9 or digits in PLACEHOLDER_FEINS:
        return None
    return digits
