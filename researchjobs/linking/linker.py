"""Which of our employers a name from a public data set means, and how sure we are.

Our side is a list of ``Employer`` (the registry's employers and the names postings
give, grouped by the alias file). The other side is any list of names, with a FEIN
where the data set has one. Methods, strongest first:

1. ``fein``: the name's FEIN is one already tied to exactly one of our employers (by
   an exact or alias link of another name), *and* the names are alike. Public systems
   share a FEIN (the University of Maryland and the Maryland Department of Health), so
   a FEIN alone never links: with unlike names it goes to review.
2. ``exact``: the normalised names are equal (see ``names.name_key``).
3. ``alias``: the name is a known other name of the employer (``data/employer_aliases.toml``).
4. ``trade_name``: the "d/b/a" part of the name is one of the above.
5. ``prefix``: a name cut at a fixed width (USCIS exports cut at 34 characters) is the
   start of exactly one employer's name.
6. ``fuzzy``: ``similarity`` at or above ``THRESHOLD``, with no close second employer.

A wrong link puts another employer's record beside a job, which is worse than no
record; so fuzzy links need near-identical names, and anything between ``REVIEW_FLOOR``
and ``THRESHOLD`` is kept as a *review* candidate that people confirm or reject
(``researchjobs sponsors link --review``) and that counts for nothing until then.
The threshold was chosen on tests/data/linking/name_pairs.csv (docs/linking.md).
"""

from __future__ import annotations

import functools
import re
import tomllib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from rapidfuzz import fuzz, process

from researchjobs.config import PACKAGE_DATA
from researchjobs.linking.names import (
    LEGAL_SUFFIXES,
    clean_fein,
    name_key,
    significant_tokens,
    split_trade_name,
)

#: Bump when a change here can change which names link: stored links record it.
LINKER_VERSION = "1"
#: Fuzzy similarity (0-100) at or above which a link is made without review.
THRESHOLD = 92.0
#: Below THRESHOLD but at or above this: kept as a candidate for review, not used.
REVIEW_FLOOR = 80.0
#: A fuzzy link also needs this much of a lead over the best *other* employer.
MARGIN = 4.0
#: Keys shorter than this link only exactly ("PPD" and "PPG" are 67 % alike).
MIN_FUZZY_CHARS = 8
#: Name similarity a FEIN link still needs (the FEIN carries the rest).
FEIN_NAME_FLOOR = 60.0
#: Two words count as the same word at this ratio ("MEORIAL" / "memorial").
WORD_MATCH = 80.0
#: A "word" this long is several run together ("WASHINGTONCOUNYHOSPITALANDCLINICS").
RUN_TOGETHER_CHARS = 16
#: A name this long may have been cut by a fixed-width export.
TRUNCATION_WIDTHS = frozenset({33, 34, 35})

ALIASES_FILE = PACKAGE_DATA / "employer_aliases.toml"

METHODS = ("fein", "exact", "alias", "trade_name", "prefix", "fuzzy", "none")
#: linked: use it; review: a candidate below the threshold (or a FEIN with unlike names); none: nothing close.
STATUSES = ("linked", "review", "none")


@dataclass(frozen=True)
class Employer:
    """One of our employers: a stable ``key``, the name shown, and every name meaning it."""

    key: str
    name: str
    names: tuple[str, ...] = ()  # our own spellings (registry, postings), raw
    aliases: tuple[str, ...] = ()  # other names from the alias file, raw
    feins: tuple[str, ...] = ()  # nine digits, when known


@dataclass(frozen=True)
class Link:
    """What the linker says about one external name."""

    name: str  # the external name as given
    key: str  # its normalised key (name_key)
    employer_key: str | None  # None when nothing is linked or proposed
    employer: str | None  # the employer's display name
    method: str  # one of METHODS
    score: float  # 0-100: 100 for fein/exact/alias/trade_name, the similarity otherwise
    status: str  # one of STATUSES

    @property
    def linked(self) -> bool:
        return self.status == "linked"


# --------------------------------------------------------------------------- similarity


def _sig(key: str) -> str:
    return " ".join(significant_tokens(key))


@functools.lru_cache(maxsize=131_072)
def similarity(a: str, b: str) -> float:
    """0-100 likeness of two *keys*, strict about which words differ.

    Character similarity (Indel ratio) of the names in order — so "Washington
    University" is not "University of Washington" — or of the names with spaces removed
    ("WASHINGTONCOUNYHOSPITALANDCLINICS"). Then words decide: when each side has a word
    the other lacks ("Fullerton" / "Fresno", "Austin" / "Dallas") the names are two
    employers of one family and the score is capped at 70; a side with extra words only
    ("Cornell University ISSO") loses 6 points per word.
    """
    sa, sb = _sig(a), _sig(b)
    if not sa or not sb:
        return 0.0
    if sa == sb:
        return 100.0
    ja, jb = sa.replace(" ", ""), sb.replace(" ", "")
    score = max(fuzz.ratio(sa, sb), fuzz.ratio(ja, jb))
    only_a = _unmatched(sa.split(), sb.split(), jb)
    only_b = _unmatched(sb.split(), sa.split(), ja)
    if only_a and only_b:
        return min(score, 70.0)
    return max(0.0, score - 6.0 * (len(only_a) + len(only_b)))


#: Word parts that tell two otherwise alike words apart: "Northeastern" is not a typo of
#: "Northwestern", "District 1" is not "District 2".
_DISTINCT_PARTS = ("north", "south", "east", "west", "upper", "lower")
_DIGITS = re.compile(r"\d+")


def _same_word(a: str, b: str) -> bool:
    if a == b:
        return True
    if _DIGITS.findall(a) != _DIGITS.findall(b):
        return False
    if any((part in a) != (part in b) for part in _DISTINCT_PARTS):
        return False
    if min(len(a), len(b)) >= 4 and (a.startswith(b) or b.startswith(a)):
        return True  # "Dist" / "District"
    return fuzz.ratio(a, b) >= WORD_MATCH


def _unmatched(words: list[str], other: list[str], other_joined: str) -> list[str]:
    """Words of one name with no counterpart in the other (typos and run-together words forgiven)."""
    out = []
    run_together = any(len(o) >= RUN_TOGETHER_CHARS for o in other)
    for word in words:
        if any(_same_word(word, o) for o in other):
            continue
        if len(word) >= RUN_TOGETHER_CHARS and fuzz.ratio(word, other_joined) >= 85:
            continue
        if run_together and len(word) >= 4 and not _DIGITS.search(word) and (
            word in other_joined or fuzz.partial_ratio(word, other_joined) >= 90
        ):
            continue
        out.append(word)
    return out


# --------------------------------------------------------------------------- aliases


@functools.cache
def load_aliases(path: Path = ALIASES_FILE) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """(employer name, its other names) from the alias file."""
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    out = []
    for table in data.get("employer", []):
        name = table.get("name")
        aliases = table.get("aliases", [])
        if not isinstance(name, str) or not isinstance(aliases, list):
            raise ValueError(f"{path}: every [[employer]] needs a name and a list of aliases")
        out.append((name, tuple(str(a) for a in aliases)))
    return tuple(out)


def group_names(
    names: Iterable[str],
    *,
    preferred: Iterable[str] = (),
    aliases: Sequence[tuple[str, Sequence[str]]] | None = None,
) -> list[Employer]:
    """Our employers from our raw names: one per normalised key, names that the alias file
    says are one employer grouped under it. ``preferred`` names (the registry's) give the
    employer its display name."""
    alias_table = load_aliases() if aliases is None else aliases
    group_of: dict[str, str] = {}  # key → canonical key of its alias group
    group_aliases: dict[str, list[str]] = {}
    for canonical, others in alias_table:
        ckey = name_key(canonical)
        if not ckey:
            continue
        group_aliases.setdefault(ckey, [canonical])
        for other in others:
            okey = name_key(other)
            if okey and okey not in group_of:
                group_of[okey] = ckey
                group_aliases[ckey].append(other)
        group_of.setdefault(ckey, ckey)
    preferred = [p for p in preferred if p and p.strip()]
    groups: dict[str, list[str]] = {}
    for raw in [*preferred, *names]:
        key = name_key(raw)
        if not key:
            continue
        ckey = group_of.get(key, key)
        members = groups.setdefault(ckey, [])
        if raw not in members:
            members.append(raw)
    preferred_set = set(preferred)
    out = []
    for ckey, members in groups.items():
        display = next((m for m in members if m in preferred_set), members[0])
        extra = tuple(a for a in group_aliases.get(ckey, ()) if a not in members)
        out.append(Employer(key=ckey, name=" ".join(display.split()), names=tuple(members), aliases=extra))
    return out


# --------------------------------------------------------------------------- the linker


@dataclass
class Linker:
    """Links external names to a fixed list of our employers. Build once per data set run."""

    employers: list[Employer]
    threshold: float = THRESHOLD
    review_floor: float = REVIEW_FLOOR
    _exact: dict[str, int] = field(default_factory=dict)  # key → employer index ("exact")
    _alias: dict[str, int] = field(default_factory=dict)  # key → employer index ("alias")
    _feins: dict[str, int] = field(default_factory=dict)  # fein → employer index (-1: shared)
    _choices: list[str] = field(default_factory=list)  # every key of every employer, for fuzzy
    _choice_employer: list[int] = field(default_factory=list)
    _by_key: dict[str, int] = field(default_factory=dict)  # employer key → index

    def __post_init__(self) -> None:
        for index, employer in enumerate(self.employers):
            self._by_key.setdefault(employer.key, index)
            for raw in (employer.name, *employer.names):
                key = name_key(raw)
                if key:
                    self._exact.setdefault(key, index)
            for raw in employer.aliases:
                key = name_key(raw)
                if key and key not in self._exact:
                    self._alias.setdefault(key, index)
            for fein in employer.feins:
                self.learn_fein(fein, index)
        for key, index in [*self._exact.items(), *self._alias.items()]:
            self._choices.append(_sig(key))
            self._choice_employer.append(index)

    def learn_fein(self, fein: str | None, index: int) -> None:
        """Tie a FEIN to an employer; a FEIN seen with two employers ties to none."""
        fein = clean_fein(fein)
        if fein is None:
            return
        known = self._feins.get(fein)
        self._feins[fein] = index if known in (None, index) else -1

    def link(self, name: str, fein: str | None = None, *, truncated: bool | None = None) -> Link:
        """One external name (and its FEIN, if the data set has one)."""
        return self.link_many([(name, fein)], truncated=truncated)[0]

    def link_many(
        self, names: Sequence[tuple[str, str | None]], *, truncated: bool | None = None
    ) -> list[Link]:
        """Many (name, fein) pairs at once: exact, alias and trade-name lookups first, then
        FEINs learnt from those, then one vectorised fuzzy pass over what is left.

        ``truncated``: True when the data set cuts names at a fixed width, None to guess
        from the length (33-35 characters), False never to try prefixes.
        """
        results: list[Link | None] = [None] * len(names)
        pending: list[int] = []
        for i, (raw, _fein) in enumerate(names):
            found = self._lookup(raw)
            if found is not None:
                results[i] = found
            else:
                pending.append(i)
        for i, (_raw, fein) in enumerate(names):  # FEINs of names linked by their words
            found = results[i]
            if found is not None and found.method in ("exact", "alias", "trade_name") and fein:
                self.learn_fein(fein, self._index_of(found.employer_key))
        fuzzy = self._fuzzy([name_key(names[i][0]) for i in pending])
        for i, (index, score) in zip(pending, fuzzy, strict=True):
            raw, fein = names[i]
            results[i] = self._decide(raw, fein, index, score, truncated)
        return [r for r in results if r is not None]

    # ------------------------------------------------------------------ internals

    def _index_of(self, employer_key: str | None) -> int:
        return self._by_key.get(employer_key or "", -1)

    def _make(self, raw: str, key: str, index: int | None, method: str, score: float, status: str) -> Link:
        employer = self.employers[index] if index is not None and index >= 0 else None
        return Link(
            name=raw, key=key, employer_key=employer.key if employer else None,
            employer=employer.name if employer else None, method=method,
            score=round(float(score), 1), status=status if employer else "none",
        )  # fmt: skip

    def _lookup(self, raw: str) -> Link | None:
        key = name_key(raw)
        if not key:
            return self._make(raw, key, None, "none", 0.0, "none")
        if key in self._exact:
            return self._make(raw, key, self._exact[key], "exact", 100.0, "linked")
        if key in self._alias:
            return self._make(raw, key, self._alias[key], "alias", 100.0, "linked")
        _legal, trade = split_trade_name(raw)
        if trade:
            tkey = name_key(trade)
            index = self._exact.get(tkey, self._alias.get(tkey))
            if index is not None:
                return self._make(raw, key, index, "trade_name", 100.0, "linked")
        return None

    def _fuzzy(self, keys: list[str]) -> list[tuple[int | None, float]]:
        """Best employer and similarity for each key (None, 0 when nothing is near)."""
        out: list[tuple[int | None, float]] = [(None, 0.0)] * len(keys)
        if not keys or not self._choices:
            return out
        queries = [_sig(k) for k in keys]
        # A cheap Indel-ratio screen in C++ over every (name, choice) pair, in chunks that
        # bound memory; only the pairs it lets through get the word-level similarity.
        floor = max(self.review_floor - 25.0, 40.0)
        for start in range(0, len(queries), 20_000):
            chunk = queries[start : start + 20_000]
            spaced = process.cdist(chunk, self._choices, scorer=fuzz.ratio, dtype=np.uint8,
                                   score_cutoff=floor, workers=-1)  # fmt: skip
            joined = process.cdist([q.replace(" ", "") for q in chunk],
                                   [c.replace(" ", "") for c in self._choices],
                                   scorer=fuzz.ratio, dtype=np.uint8, score_cutoff=floor, workers=-1)  # fmt: skip
            hits = np.maximum(spaced, joined)
            for row in np.flatnonzero(hits.max(axis=1) if hits.size else np.zeros(0)):
                query = chunk[row]
                best: dict[int, float] = {}
                for col in np.flatnonzero(hits[row]):
                    index = self._choice_employer[col]
                    score = similarity(query, self._choices[col])
                    if score > best.get(index, -1.0):
                        best[index] = score
                ranked = sorted(best.items(), key=lambda kv: -kv[1])
                top_index, top = ranked[0]
                second = ranked[1][1] if len(ranked) > 1 else 0.0
                if top - second < MARGIN and top >= self.threshold:
                    top = min(top, self.threshold - 0.1)  # two employers alike: a person decides
                out[start + row] = (top_index, top)
        return out

    def _decide(self, raw: str, fein: str | None, index: int | None, score: float, truncated: bool | None) -> Link:
        key = name_key(raw)
        clean = clean_fein(fein)
        fein_index = self._feins.get(clean, -1) if clean else -1
        if fein_index >= 0:
            own = max(similarity(_sig(key), _sig(name_key(n)))
                      for n in (self.employers[fein_index].name, *self.employers[fein_index].names))  # fmt: skip
            if own >= FEIN_NAME_FLOOR:
                return self._make(raw, key, fein_index, "fein", 100.0, "linked")
            return self._make(raw, key, fein_index, "fein", own, "review")
        prefix = self._prefix(raw, key, truncated)
        if prefix is not None:
            return self._make(raw, key, prefix, "prefix", 95.0, "linked")
        if index is None or len(key.replace(" ", "")) < MIN_FUZZY_CHARS:
            return self._make(raw, key, None, "none", score, "none")
        if score >= self.threshold:
            return self._make(raw, key, index, "fuzzy", score, "linked")
        if score >= self.review_floor:
            return self._make(raw, key, index, "fuzzy", score, "review")
        return self._make(raw, key, None, "none", score, "none")

    def _prefix(self, raw: str, key: str, truncated: bool | None) -> int | None:
        cut = len(" ".join(raw.split()))
        if truncated is False or (truncated is None and cut not in TRUNCATION_WIDTHS) or len(key) < 12:
            return None
        words = key.split()
        if len(words) > 1 and any(s.startswith(words[-1]) for s in LEGAL_SUFFIXES if len(words[-1]) >= 2):
            # "AMERICAN SPECIALTY HEALTH INCORPOR": the cut fell inside a legal suffix
            trimmed = " ".join(words[:-1])
            index = self._exact.get(trimmed, self._alias.get(trimmed))
            if index is not None:
                return index
        found = {index for ckey, index in [*self._exact.items(), *self._alias.items()]
                 if ckey.startswith(key) and ckey != key}  # fmt: skip
        return found.pop() if len(found) == 1 else None
