"""Facility names (research sites, hospitals' units) and what they say about the employer.

Registries of research sites (ClinicalTrials.gov locations and the like) name places,
not employers, and in three ways that need care before linking:

- *Placeholders* name no one: "Research Site", "Site 0123", "Investigational Site Number
  8400012", "Novartis Investigative Site", "Local Institution - 0012", "For additional
  information regarding investigative sites for this trial, contact 1-877-CTLILLY".
  Industry sponsors hide their sites behind them. They are never linked.
- *Investigators* stand in for a practice: "Aisha Rahman, MD", "Dr. Tomasz Nowak". Person
  names are alike by nature (Jon / John Smith), so they link only when a posting or the
  registry writes the very same name (no fuzzy links).
- *Units and branches* carry the organisation's name first: "Henry Ford Cancer
  Institute-Downriver", "Dana-Farber Cancer Institute at Boston Medical Center - Brighton",
  "Care Access - Boston".
  ``parent_name`` gives the organisation part, which links only exactly or by alias:
  a university's campus ("University of Michigan - Flint") is another employer, so a
  university is cut only before one of its own units ("... - Winship Cancer Institute").

``link_facilities`` applies these rules on top of ``Linker.link_many``; the methods it
adds are ``parent_exact``, ``parent_alias`` and ``parent_trade_name`` (the organisation
part linked) and ``placeholder`` (never linked).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

from researchjobs.linking.linker import Link, Linker
from researchjobs.linking.names import name_key, significant_tokens

KINDS = ("organisation", "investigator", "placeholder")
#: Link methods that rest on identical names (or a person's decision), never on a score.
STRICT_METHODS = frozenset({"exact", "alias", "trade_name", "manual"})

_SITE_WORDS = r"(?:site|sites|institution|facility|location)"
_GENERIC_PLACES = r"(?:site|sites|institution|facility|location|centre|center|clinic|unit)"
_SITE_KIND = (r"(?:research|investigational|investigative|investigator|investigators|clinical|study|trial|"
              r"local|sponsor|recruiting|participating)")  # fmt: skip
#: Site numbers: words that each hold a digit ("840 001", "us10023"), after "number", "no", "#"…
_ID = r"(?:(?:number|no|nr|num|id|ref|reference|investigator|#)\s*)*[a-z#]*\d[a-z0-9#]*(?:\s+[a-z#]*\d[a-z0-9#]*)*"
#: (pattern over the lower-cased words of a name, why it names no one)
_PLACEHOLDERS = (
    # "Research Site", "Clinical Research Center", "Investigational Site Number 8400012", "Local Institution 0012"
    (re.compile(rf"^(?:{_SITE_KIND}\s+)+{_GENERIC_PLACES}(?:\s+{_ID})?$"), "a generic site label"),
    # "Site 0123", "Site Reference ID 8400 001"
    (re.compile(rf"^{_SITE_WORDS}\s+{_ID}$"), "a generic site label"),
    # "Novartis Investigative Site", "GSK Investigational Site", "Lilly Research Site 12"
    (re.compile(rf"^(?:[\w&]+\s+){{1,3}}(?:investigational|investigative|investigator|research|study|trial)"
                rf"\s+{_SITE_WORDS}(?:\s+{_ID})?$"), "a sponsor's label for an unnamed site"),
    # "For additional information regarding investigative sites ... contact 1-877-CTLILLY"
    (re.compile(r"\b(?:for\s+(?:additional|more)\s+information|please\s+contact|call\s+for\s+information|"
                r"contact\s+(?:us|the\s+sponsor|\d))"), "a message, not a name"),
    # nothing but an identifier: "840-001", "US-0042"
    (re.compile(r"^[a-z]{0,4}\s*\d[\d\s]*$"), "an identifier, not a name"),
)
#: Words that make a name an organisation's even when a person's name is in it.
INSTITUTION_WORDS = frozenset(
    "hospital hospitals center centre centers institute institutes clinic clinics health healthcare "
    "university college school medical medicine research associates associate group partners practice "
    "physicians specialists foundation network system systems services laboratory laboratories labs "
    "sciences care trials oncology cardiology dermatology pediatrics neurology surgery department "
    "office inc llc pllc corporation company".split()
)
_DEGREES = r"(?:m\.?\s?d\.?|d\.?\s?o\.?|ph\.?\s?d\.?|mbbs|m\.?b\.?\s?b\.?s\.?|facp|facc|faap|mph|ms|msc|rn|np|pa-c|dds|dmd)"
_PERSON_WITH_DEGREE = re.compile(
    rf"^(?:dr\.?\s+)?(?:[a-z][a-z'’.-]*\s+){{1,3}}[a-z][a-z'’.-]*(?:(?:\s*,\s*|\s+){_DEGREES}\.?)+(?:,?\s*(?:p\.?a\.?|pllc|pc|llc|inc)\.?)?$",
    re.IGNORECASE,
)
_DOCTOR = re.compile(r"^dr\.?\s+(?:[a-z][a-z'’.-]*\s+){0,3}[a-z][a-z'’.-]*$", re.IGNORECASE)
#: Where a facility's own part ends and the organisation's begins (first one wins).
_PARENT_SPLIT = re.compile(r"\s+[-–—]\s+|\s*[–—]\s*|(?<=[a-z])-(?=[A-Z])|\s+at\s+|\s+in\s+|,\s+", re.UNICODE)
_HEAD_ENDINGS = frozenset(
    "hospital center centre institute clinic health healthcare system foundation medicine".split()
)
_UNIT_WORDS = frozenset(
    "center centre institute hospital clinic school college department program unit laboratory".split()
)


def _words(name: str) -> str:
    return " ".join(re.sub(r"[^a-z0-9#&]+", " ", name.casefold()).split())


def placeholder_reason(name: str | None) -> str | None:
    """Why a facility name names no one ("a generic site label", …), or None for a real name."""
    text = _words(str(name or ""))
    if not text.strip(" #&"):
        return "no name"
    for pattern, reason in _PLACEHOLDERS:
        if pattern.search(text):
            return reason
    return None


def is_investigator(name: str | None) -> bool:
    """A person's name standing for a site ("Aisha Rahman, MD", "Dr. Tomasz Nowak")."""
    text = " ".join(str(name or "").split())
    if not text:
        return False
    words = set(re.sub(r"[^a-z]+", " ", text.casefold()).split())
    if words & INSTITUTION_WORDS:
        return False
    return bool(_PERSON_WITH_DEGREE.match(text) or _DOCTOR.match(text))


def facility_kind(name: str | None) -> str:
    """organisation, investigator or placeholder (see the module docstring)."""
    if placeholder_reason(name):
        return "placeholder"
    if is_investigator(name):
        return "investigator"
    return "organisation"


def _place_label(tail: str) -> bool:
    """A branch's place or campus label: "Boston", "North Shore", "Downtown Campus"."""
    words = tail.replace(".", " ").split()
    if not 1 <= len(words) <= 3 or any(ch.isdigit() for ch in tail):
        return False
    plain = set(re.sub(r"[^a-z]+", " ", tail.casefold()).split())
    return all(w[:1].isupper() for w in words) and not plain & INSTITUTION_WORDS


def parent_name(name: str | None) -> str | None:
    """The organisation part of a unit's or branch's name, or None when there is none.

    "Henry Ford Cancer Institute-Downriver" → "Henry Ford Cancer Institute"; "Care Access
    - Boston" → "Care Access" (a branch named for its place); "Yale University - Yale Cancer
    Center" → "Yale University"; but "University of Michigan - Flint" → None (a campus is
    another employer) and "University of Texas at Austin" → None.
    """
    text = " ".join(str(name or "").split())
    for match in _PARENT_SPLIT.finditer(text):
        head, tail = text[: match.start()].strip(" ,"), text[match.end() :].strip(" ,")
        head_words = significant_tokens(name_key(head))
        if not head_words or not tail:
            continue
        if len(head_words) >= 2 and head_words[-1] in _HEAD_ENDINGS:
            return head
        if head_words[-1] in ("university", "college") or head_words[0] == "university":
            unit = set(name_key(tail).split()) & _UNIT_WORDS
            return head if len(head_words) >= 2 and unit else None
        if _place_label(tail) and len("".join(head_words)) >= 5:
            return head
        if len(head_words) >= 2:
            return None  # the first real cut decides: a later one would drop part of the organisation's name
    return None


def link_facilities(linker: Linker, names: Sequence[str]) -> list[Link]:
    """One Link per facility name, with the placeholder, investigator and parent rules applied."""
    kinds = [facility_kind(n) for n in names]
    parents = [parent_name(n) if kind == "organisation" else None for n, kind in zip(names, kinds, strict=True)]
    wanted = [n for n, kind in zip(names, kinds, strict=True) if kind != "placeholder"]
    wanted += [p for p in parents if p]
    links = {link.name: link for link in linker.link_many([(n, None) for n in dict.fromkeys(wanted)], truncated=False)}
    out = []
    for name, kind, parent in zip(names, kinds, parents, strict=True):
        key = name_key(name)
        if kind == "placeholder":
            out.append(Link(name, key, None, None, "placeholder", 0.0, "none"))
            continue
        own = links[name]
        if kind == "investigator" and own.method not in STRICT_METHODS:
            own = replace(own, employer_key=None, employer=None, method="none", status="none")
        if not own.linked and parent:
            via = links[parent]
            if via.linked and via.method in STRICT_METHODS:
                own = replace(via, name=name, key=key, method=f"parent_{via.method}")
        out.append(own)
    return out
