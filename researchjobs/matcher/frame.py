"""Postings as columns: every string processed once, every fact an array.

Matching is (postings × profiles). Done row by row in Python that is 100 million calls
for a large run; done as numpy arrays it is a few dozen vector operations per profile.
So a batch of posting rows is turned once into a ``Frame``: titles processed by the
project title processor and deduplicated (rapidfuzz then compares each distinct title
once), categorical facts coded as small integers, lists (skills, languages,
certificates) as boolean membership matrices over the batch's own vocabulary.
"""

from __future__ import annotations

import functools
import json
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import numpy as np

from researchjobs.enrich.roles import ROLE_IDS, normalise_title

#: Columns the matcher reads. ``accepts_clinical`` and ``languages_required_evidence`` are
#: derived from facts_json by storage (see storage.matches.load_postings).
FRAME_COLUMNS: tuple[str, ...] = (
    "key", "title", "employer", "cluster_id", "closed_at", "first_seen", "changed_at",
    "date_published", "city", "state", "country", "remote", "lat", "lon",
    "salary_annual_min", "salary_annual_max", "role_family", "role_level",
    "experience_required_months", "licence_required", "licence_required_name",
    "certifications_required", "certifications_preferred", "certifications_obtain_within",
    "skills", "languages", "languages_required", "visa", "visa_evidence", "citizenship_required",
    "citizen_or_pr_required", "clearance_required", "employer_type_inferred", "employer_type",
    "cap_exempt", "clinical_research", "accepts_clinical", "languages_required_evidence",
    "change_seq", "sponsor_last_fy", "sponsor_research_fy",
)  # fmt: skip

FAMILIES: tuple[str, ...] = ROLE_IDS
FAMILY_CODE = {name: i for i, name in enumerate(FAMILIES)}
UNKNOWN_FAMILY = len(FAMILIES)
LEVELS = ("entry", "mid", "senior")
LEVEL_CODE = {name: i for i, name in enumerate(LEVELS)}
UNKNOWN_LEVEL = 3
REMOTE_CODE = {"onsite": 0, "hybrid": 1, "remote": 2}
ONSITE, HYBRID, REMOTE, UNKNOWN_REMOTE = 0, 1, 2, 3
CAP_LEVELS = ("likely", "possible", "unknown", "unlikely")
CAP_CODE = {name: i for i, name in enumerate(CAP_LEVELS)}

# --------------------------------------------------------------------------- titles

#: Words that name the job itself; a title segment with one of these is the core title,
#: the rest is department or place ("Clinical Research Coordinator - Oncology").
ROLE_NOUNS = frozenset(
    "coordinator assistant associate specialist manager nurse technician tech monitor liaison "
    "fellow scientist analyst abstractor recruiter administrator director aide officer scholar "
    "supervisor engineer representative intern investigator physician coordinator registrar "
    "navigator professional lead cra crc cta msl postdoc fellowship observership trainee "
    "consultant clerk programmer statistician educator interviewer".split()
)
#: Level words are dropped from the key (the level is its own fact and component);
#: workplace and schedule words are not the job either.
NOISE_WORDS = frozenset(
    "i ii iii iv v 1 2 3 4 5 senior junior sr jr entry level principal trainee remote hybrid "
    "onsite on site bilingual temporary temp per diem prn part full time fulltime parttime "
    "contract the of and for in at a an to with".split()
)
_EXPANSIONS = {
    "crc": "clinical research coordinator",
    "cta": "clinical trial assistant",
    "ccrc": "clinical research coordinator",
    "trials": "trial",
    "studies": "study",
}
_PAREN_RE = re.compile(r"\([^)]*\)|\[[^\]]*\]")
_SEGMENT_RE = re.compile(r"\s+[-–—|]\s+|\s*[|:]\s*|\s*[–—]\s*")
_WORD_RE = re.compile(r"[a-z0-9]+")


@functools.lru_cache(maxsize=200_000)
def title_key(title: str | None) -> str:
    """The comparable core of a job title, for rapidfuzz.

    Parentheses and department tails go ("Clinical Research Coordinator (Bilingual
    Spanish) - Oncology" → "clinical research coordinator"); an inverted HR title is
    turned round ("Coordinator, Clinical Research"); abbreviations are expanded, level,
    schedule and workplace words dropped. Scoring with ``token_sort_ratio`` on these keys
    avoids both the case-sensitivity of raw scorers and token_set_ratio's 100 for any
    subset (stack notes, pitfall 15). Cached: the same titles recur across boards and runs.
    """
    text = _PAREN_RE.sub(" ", (title or "")[:300])
    segments = [s for s in _SEGMENT_RE.split(text) if s.strip()] or [text]
    core = next((seg for seg in segments if _has_role_noun(seg)), segments[0])
    if "," in core:
        parts = [p for p in core.split(",") if p.strip()]
        if len(parts) >= 2 and len(_words(parts[0])) == 1 and not _has_role_noun(parts[1]):
            core = f"{parts[1]} {parts[0]}"  # "Coordinator, Clinical Research"
        else:
            core = next((p for p in parts if _has_role_noun(p)), parts[0] if parts else core)
    words: list[str] = []
    for word in _normalised(core).split():
        for part in _EXPANSIONS.get(word, word).split():
            if part not in NOISE_WORDS:
                words.append(part)
    return " ".join(words)


@functools.lru_cache(maxsize=50_000)
def _normalised(text: str) -> str:
    return normalise_title(text)


def _words(text: str) -> list[str]:
    return _WORD_RE.findall(text.lower())


def _has_role_noun(text: str) -> bool:
    return any(w in ROLE_NOUNS for w in _normalised(text).split())


# --------------------------------------------------------------------------- helpers


@functools.lru_cache(maxsize=65536)
def norm_term(text: str | None) -> str:
    """Case- and punctuation-insensitive form of a skill, language, certificate or employer."""
    return " ".join(_WORD_RE.findall((text or "").casefold()))


def _json_list(value: Any) -> list[Any]:
    if value is None or value == "":
        return []
    if isinstance(value, list):
        return value
    try:
        data = json.loads(value)
    except (TypeError, ValueError):
        return []
    return data if isinstance(data, list) else []


def _json_lists(texts: list[Any]) -> list[list[Any]]:
    """Many JSON list texts decoded in one parser call (one per text only if one is bad)."""
    if texts and all(isinstance(t, str) and t.startswith("[") for t in texts):
        # A sentinel between texts: a malformed text that merges with its neighbour breaks
        # the alternation, and we fall back to decoding one by one.
        try:
            decoded = json.loads("[" + ',"\u0000",'.join(texts) + "]")
        except ValueError:
            decoded = None
        if (isinstance(decoded, list) and len(decoded) == 2 * len(texts) - 1
                and all(d == "\u0000" for d in decoded[1::2])):
            return [d if isinstance(d, list) else [] for d in decoded[::2]]
    return [_json_list(t) for t in texts]


def iso_epoch(text: str | None) -> float:
    """Seconds since the epoch for an ISO date or datetime; NaN when absent or unreadable."""
    if not text:
        return float("nan")
    try:
        moment = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        return float("nan")
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.timestamp()


def _float(value: Any) -> float:
    if value is None or value == "":
        return float("nan")
    try:
        return float(value)
    except (TypeError, ValueError):
        return float("nan")


def shared(cache: dict[Any, Any] | None, key: Any, make: Any) -> Any:
    """Arrays that depend on the frame and on few profile values (a person level, a salary
    floor, a place) are computed once per run and reused by every profile that shares them."""
    if cache is None:
        return make()
    found = cache.get(key)
    if found is None:
        found = cache[key] = make()
    return found


class Vocabulary:
    """Distinct terms of one list fact across the batch; each posting's terms become a bit mask."""

    def __init__(self) -> None:
        self.index: dict[str, int] = {}
        self.names: list[str] = []

    def code(self, name: str) -> int:
        key = norm_term(name)
        found = self.index.get(key)
        if found is None:
            found = self.index[key] = len(self.names)
            self.names.append(name)
        return found

    @property
    def words(self) -> int:
        """uint64 words per posting mask (one word holds 64 terms)."""
        return max(1, (len(self.names) + 63) // 64)

    def mask(self, names: list[str] | set[str] | frozenset[str] | tuple[str, ...]) -> np.ndarray:
        """Bit mask (one uint64 per word) of the given terms that occur in the batch."""
        out = np.zeros(self.words, dtype=np.uint64)
        for key in {norm_term(n) for n in names}:
            code = self.index.get(key)
            if code is not None:
                out[code // 64] |= np.uint64(1) << np.uint64(code % 64)
        return out


def count_common(masks: np.ndarray, mine: np.ndarray) -> np.ndarray:
    """How many of the terms in ``mine`` each posting's mask (words × postings) has."""
    total = np.bitwise_count(masks[0] & mine[0]).astype(np.int16)
    for w in range(1, len(mine)):
        total += np.bitwise_count(masks[w] & mine[w])
    return total


# --------------------------------------------------------------------------- the frame


@dataclass
class Frame:
    """One batch of postings, column-wise. Row ``i`` of every array is posting ``keys[i]``."""

    names: tuple[str, ...]  # column names of the stored tuples
    records: list[tuple[Any, ...]]  # the posting rows as read, for reasons and gates' words
    keys: list[str]
    title_keys: list[str]  # distinct processed titles
    title_idx: np.ndarray  # row → index into title_keys
    family: np.ndarray  # int16 code into FAMILIES, UNKNOWN_FAMILY when absent
    level: np.ndarray  # int8 code into LEVELS, UNKNOWN_LEVEL when absent
    clinical: np.ndarray  # int8: 1 clinical research, 0 other research, -1 unknown
    experience: np.ndarray  # float32 months required, NaN when not stated
    accepts_clinical: np.ndarray  # bool
    licence: np.ndarray  # bool
    licence_name: np.ndarray  # int16 index into licence_names, -1 when none
    licence_names: list[str]
    visa_no: np.ndarray  # bool: visa == explicit_no
    visa_possible: np.ndarray  # bool
    citizenship: np.ndarray  # bool: citizenship_required
    citizen_or_pr: np.ndarray  # bool: citizen_or_pr_required
    clearance: np.ndarray  # bool: clearance_required
    cap: np.ndarray  # int8 code into CAP_LEVELS
    remote: np.ndarray  # int8 ONSITE/HYBRID/REMOTE/UNKNOWN_REMOTE
    lat: np.ndarray  # float64 radians, NaN when unknown
    lon: np.ndarray
    state: np.ndarray  # int16 index into states, -1 when unknown
    states: list[str]
    foreign: np.ndarray  # bool: country known and not the US
    salary_min: np.ndarray  # float64 annual, NaN when unknown
    salary_max: np.ndarray
    published: np.ndarray  # float64 epoch seconds of date_published or first_seen
    closed: np.ndarray  # bool
    employer_idx: np.ndarray  # int32 index into employers
    employers: list[str]  # distinct normalised employer names
    skills: np.ndarray  # uint64 (words × N) term masks: overlap is a popcount
    skill_count: np.ndarray  # int16
    skill_vocab: Vocabulary
    languages: np.ndarray  # uint64 (words × N)
    language_count: np.ndarray
    language_vocab: Vocabulary
    languages_required: np.ndarray  # uint64 (words × N), English left out like in languages
    languages_required_count: np.ndarray
    cert_required: np.ndarray  # uint64 (words × N): required and not obtainable after hire
    cert_required_count: np.ndarray
    cert_preferred: np.ndarray
    cert_within: np.ndarray
    cert_vocab: Vocabulary
    sponsor_last_fy: np.ndarray  # float64: last fiscal year with H-1B filings by the employer, NaN when none
    sponsor_research_fy: np.ndarray  # float64: the same, for research titles
    #: Latest fiscal year of imported H-1B data; None before any import (set by the run).
    sponsor_data_fy: int | None = None
    lists: dict[str, tuple[np.ndarray, list[list[Any]]]] = field(default_factory=dict)  # decoded list facts
    position: dict[str, int] = field(default_factory=dict)
    _row_cache: dict[int, dict[str, Any]] = field(default_factory=dict)
    _terms_cache: dict[int, dict[str, Any]] = field(default_factory=dict)  # explain's per-posting half

    @property
    def n(self) -> int:
        return len(self.keys)

    def row(self, i: int) -> dict[str, Any]:
        """Posting ``i`` as a dict (built on demand: only stored rows need one)."""
        found = self._row_cache.get(i)
        if found is None:
            found = self._row_cache[i] = dict(zip(self.names, self.records[i], strict=True))
        return found

    def terms(self, i: int) -> dict[str, list[Any]]:
        """Posting ``i``'s list facts, already decoded when the frame was built."""
        return {name: items[codes[i]] for name, (codes, items) in self.lists.items()}

    def column(self, name: str) -> list[Any]:
        at = self.names.index(name)
        return [r[at] for r in self.records]


def _floats(values: list[Any]) -> np.ndarray:
    try:
        return np.array([np.nan if v is None else v for v in values], dtype=np.float64)
    except (TypeError, ValueError):
        return np.array([_float(v) for v in values], dtype=np.float64)


def _codes(values: list[Any], table: dict[str, int], default: int, dtype: Any) -> np.ndarray:
    return np.array([table.get(v or "", default) for v in values], dtype=dtype)


def _flags(values: list[Any]) -> np.ndarray:
    return np.array([bool(v) for v in values], dtype=bool)


def _index(values: list[Any], normalise: Any = None) -> tuple[np.ndarray, list[str]]:
    """Codes of distinct values, in order of first appearance."""
    table: dict[Any, int] = {}
    codes = np.array([table.setdefault(value, len(table)) for value in values], dtype=np.int32)
    distinct = list(table)
    if normalise is not None:
        renamed: dict[str, int] = {}
        remap = np.empty(max(len(distinct), 1), dtype=np.int32)
        for j, value in enumerate(distinct):
            remap[j] = renamed.setdefault(normalise(value), len(renamed))
        return remap[codes] if len(values) else codes, list(renamed)
    return codes, distinct


def _decode_terms(
    values: list[Any], vocab: Vocabulary, *, skip_english: bool = False
) -> tuple[np.ndarray, list[list[int]], list[list[Any]]]:
    """Per posting, the code of its distinct list text; per text, its term codes and items
    (names, or (name, months) for "obtain within" entries). Each text is decoded once."""
    codes, distinct = _index(values)
    per_text: list[list[int]] = []
    items_per_text: list[list[Any]] = []
    for decoded in _json_lists(distinct):
        items: list[Any] = []
        for item in decoded:
            name = item.get("name") if isinstance(item, dict) else item
            if not name or (skip_english and norm_term(str(name)) == "english"):
                continue
            items.append((str(name), item.get("months")) if isinstance(item, dict) else str(name))
        names = [i[0] if isinstance(i, tuple) else i for i in items]
        per_text.append(sorted({vocab.code(n) for n in names}))
        items_per_text.append(items)
    return codes, per_text, items_per_text


def _masks(codes: np.ndarray, per_text: list[list[int]], words: int) -> tuple[np.ndarray, np.ndarray]:
    """(words × postings) uint64 term masks and per-posting term counts."""
    distinct = np.zeros((words, max(len(per_text), 1)), dtype=np.uint64)
    for j, terms in enumerate(per_text):
        for code in terms:
            distinct[code // 64, j] |= np.uint64(1) << np.uint64(code % 64)
    counts = np.array([len(t) for t in per_text] or [0], dtype=np.int16)
    if not len(codes):
        return np.zeros((words, 0), dtype=np.uint64), np.zeros(0, dtype=np.int16)
    return distinct[:, codes], counts[codes]


def build_frame(rows: list[dict[str, Any]] | tuple[tuple[str, ...], list[tuple[Any, ...]]]) -> Frame:
    """Turn posting rows into a Frame: dicts (tests), or (column names, tuples) from storage."""
    if isinstance(rows, tuple):
        names, records = tuple(rows[0]), rows[1]
    else:
        names = tuple(FRAME_COLUMNS)
        records = [tuple(r.get(c) for c in names) for r in rows]
    n = len(records)
    columns = dict(zip(names, zip(*records, strict=True), strict=True)) if n else {c: () for c in names}

    def col(name: str) -> list[Any]:
        return list(columns.get(name, (None,) * n))

    keys = col("key")
    raw_titles, distinct_titles = _index([t or "" for t in col("title")])
    title_keys: list[str] = []
    title_index: dict[str, int] = {}
    remap = np.empty(max(len(distinct_titles), 1), dtype=np.int32)
    for j, raw in enumerate(distinct_titles):
        tk = title_key(raw)
        remap[j] = title_index.setdefault(tk, len(title_index))
        if remap[j] == len(title_keys):
            title_keys.append(tk)
    title_idx = remap[raw_titles] if n else np.zeros(0, dtype=np.int32)

    licence = _flags(col("licence_required"))
    names_col = [(name or "professional") if flag else None for name, flag in zip(col("licence_required_name"), licence, strict=True)]
    licence_names = sorted({x for x in names_col if x})
    licence_code = {name: i for i, name in enumerate(licence_names)}
    state_codes, states = _index([(s or "").upper() for s in col("state")])
    state = state_codes.astype(np.int16)
    if "" in states:
        blank = states.index("")
        state[state_codes == blank] = -1
    employer_idx, employers = _index(col("employer"), normalise=norm_term)
    dates = [p or f or "" for p, f in zip(col("date_published"), col("first_seen"), strict=True)]
    date_codes, distinct_dates = _index(dates)
    published = np.array([iso_epoch(d) for d in distinct_dates] or [np.nan])[date_codes] if n else np.zeros(0)
    visa = col("visa")
    country = [(c or "").upper() for c in col("country")]

    skill_vocab, language_vocab, cert_vocab = Vocabulary(), Vocabulary(), Vocabulary()
    decoded = {
        "skills": _decode_terms(col("skills"), skill_vocab),
        "languages": _decode_terms(col("languages"), language_vocab, skip_english=True),
        "languages_required": _decode_terms(col("languages_required"), language_vocab, skip_english=True),
        "within": _decode_terms(col("certifications_obtain_within"), cert_vocab),
        "required": _decode_terms(col("certifications_required"), cert_vocab),
        "preferred": _decode_terms(col("certifications_preferred"), cert_vocab),
    }
    skills, skill_count = _masks(*decoded["skills"][:2], skill_vocab.words)
    languages, language_count = _masks(*decoded["languages"][:2], language_vocab.words)
    languages_required, languages_required_count = _masks(*decoded["languages_required"][:2], language_vocab.words)
    cert_within, required, preferred = (_masks(*decoded[k][:2], cert_vocab.words)[0] for k in ("within", "required", "preferred"))
    cert_required = required & ~cert_within  # obtainable after hire is no gap
    frame = Frame(
        names=names,
        records=records,
        keys=keys,
        title_keys=title_keys,
        title_idx=title_idx,
        family=_codes(col("role_family"), FAMILY_CODE, UNKNOWN_FAMILY, np.int16),
        level=_codes(col("role_level"), LEVEL_CODE, UNKNOWN_LEVEL, np.int8),
        clinical=np.array([-1 if v is None or v == "" else int(bool(int(v))) for v in col("clinical_research")], dtype=np.int8),
        experience=_floats(col("experience_required_months")).astype(np.float32),
        accepts_clinical=_flags(col("accepts_clinical")),
        licence=licence,
        licence_name=np.array([licence_code.get(x, -1) if x else -1 for x in names_col], dtype=np.int16),
        licence_names=licence_names,
        visa_no=np.array([v == "explicit_no" for v in visa], dtype=bool),
        visa_possible=np.array([v == "possible" for v in visa], dtype=bool),
        citizenship=_flags(col("citizenship_required")),
        citizen_or_pr=_flags(col("citizen_or_pr_required")),
        clearance=_flags(col("clearance_required")),
        cap=_codes([c or "unknown" for c in col("cap_exempt")], CAP_CODE, CAP_CODE["unknown"], np.int8),
        remote=_codes(col("remote"), REMOTE_CODE, UNKNOWN_REMOTE, np.int8),
        lat=np.radians(_floats(col("lat"))),
        lon=np.radians(_floats(col("lon"))),
        state=state,
        states=states,
        foreign=np.array([bool(c) and c != "US" for c in country], dtype=bool),
        salary_min=_floats(col("salary_annual_min")),
        salary_max=_floats(col("salary_annual_max")),
        published=published,
        closed=_flags(col("closed_at")),
        employer_idx=employer_idx,
        employers=employers,
        skills=skills,
        skill_count=skill_count,
        skill_vocab=skill_vocab,
        languages=languages,
        language_count=language_count,
        language_vocab=language_vocab,
        languages_required=languages_required,
        languages_required_count=languages_required_count,
        cert_required=cert_required,
        cert_required_count=sum(np.bitwise_count(w) for w in cert_required).astype(np.int16)
        if n else np.zeros(0, dtype=np.int16),
        cert_preferred=preferred,
        cert_within=cert_within,
        cert_vocab=cert_vocab,
        sponsor_last_fy=_floats(col("sponsor_last_fy")),
        sponsor_research_fy=_floats(col("sponsor_research_fy")),
        lists={name: (codes, items) for name, (codes, _terms, items) in decoded.items()},
    )
    frame.position = {key: i for i, key in enumerate(keys)}
    return frame
