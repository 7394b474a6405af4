"""Fit: how well an open posting suits a person, 0-100, from named components.

Each component is a fraction 0..1 computed for a whole Frame at once (numpy); the
weights in ``weights.py`` turn fractions into points. Role similarity is the only
string work: every distinct processed title is compared once with every distinct
query string (the users' role texts plus the taxonomy synonyms of the families they
asked for) in one ``rapidfuzz.process.cdist`` call shared by all profiles of a run.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from rapidfuzz import fuzz, process

from researchjobs.enrich.clinical import CLINICAL_FAMILIES
from researchjobs.enrich.requirements import CERT_PATTERNS, LANGUAGE_PATTERNS, SKILL_PATTERNS
from researchjobs.enrich.roles import TAXONOMY, role_ids_for_text
from researchjobs.matcher import gates, weights
from researchjobs.matcher.frame import (
    CAP_LEVELS,
    FAMILIES,
    FAMILY_CODE,
    LEVEL_CODE,
    LEVELS,
    UNKNOWN_FAMILY,
    Frame,
    count_common,
    norm_term,
    shared,
    title_key,
)
from researchjobs.matcher.profiles import Profile

COMPONENTS: tuple[str, ...] = tuple(weights.WEIGHTS)
SCORER = fuzz.token_sort_ratio

# --------------------------------------------------------------------------- the person's terms


#: Canonical-name patterns of the requirement extractors, so a user's "redcap" or
#: "CITI GCP" lands on the same names enrichment writes ("REDCap"; "CITI", "GCP").
PATTERNS: dict[str, tuple[tuple[str, Any], ...]] = {
    "skills": SKILL_PATTERNS, "languages": LANGUAGE_PATTERNS, "certifications": CERT_PATTERNS,
}


#: What a certificate implies: anyone with CCRC meets "clinical research certification".
CERT_IMPLIES: dict[str, tuple[str, ...]] = {
    "CCRC": ("CRC certification", "ACRP"),
    "CCRA": ("CRC certification", "ACRP"),
    "ACRP-CP": ("CRC certification", "ACRP"),
    "CCRP": ("CRC certification",),
    "ACLS": ("BLS", "CPR"),
    "PALS": ("BLS", "CPR"),
    "BLS": ("CPR",),
}


def canonical_terms(items: list[str], kind: str) -> set[str]:
    """A person's skills / languages / certificates as enrichment names them."""
    out: set[str] = set()
    for item in items:
        out.update(_canonical_item(item, kind))
    if kind == "certifications":
        for name in list(out):
            out.update(CERT_IMPLIES.get(name, ()))
    return out


@functools.lru_cache(maxsize=4096)
def _canonical_item(item: str, kind: str) -> tuple[str, ...]:
    spellings = (item, item.title(), item.upper())  # some patterns are case-sensitive
    names = [name for name, pattern in PATTERNS[kind] if any(pattern.search(s) for s in spellings)]
    return tuple(names or [item])


def person_level(months: int) -> str:
    for limit, level in weights.LEVEL_BY_MONTHS:
        if months < limit:
            return level
    return "senior"


# --------------------------------------------------------------------------- roles


def wanted_families(roles: list[str]) -> list[str]:
    """Taxonomy families a person's role texts ask for, in their order."""
    found: list[str] = []
    for text in roles:
        for role in _role_ids(text):
            if role not in found and role != "other":
                found.append(role)
    return found


def wants_clinical(roles: list[str], families: list[str]) -> bool:
    """Whether a person asks for clinical-research roles: a clinical family among their
    wishes, or the word "clinical" in them."""
    return bool(CLINICAL_FAMILIES.intersection(families)) or any("clinical" in r.lower() for r in roles)


@functools.lru_cache(maxsize=4096)
def _role_ids(text: str) -> tuple[str, ...]:
    return tuple(role_ids_for_text(text))


def _affinity_matrix() -> np.ndarray:
    size = len(FAMILIES) + 1
    matrix = np.zeros((size, size), dtype=np.float32)
    for i in range(len(FAMILIES)):
        matrix[i, i] = 1.0
    for (a, b), value in weights.FAMILY_AFFINITY.items():
        matrix[FAMILY_CODE[a], FAMILY_CODE[b]] = matrix[FAMILY_CODE[b], FAMILY_CODE[a]] = value
    return matrix


AFFINITY = _affinity_matrix()


@dataclass
class RoleIndex:
    """Distinct query strings of every profile in a run, scored once against a frame's titles."""

    queries: list[str] = field(default_factory=list)
    positions: dict[str, int] = field(default_factory=dict)
    sims: np.ndarray | None = None  # (queries × distinct titles) uint8

    def add(self, texts: list[str]) -> np.ndarray:
        rows = []
        for text in texts:
            key = title_key(text)
            if not key:
                continue
            if key not in self.positions:
                self.positions[key] = len(self.queries)
                self.queries.append(key)
            rows.append(self.positions[key])
        return np.asarray(sorted(set(rows)), dtype=np.intp)

    def compute(self, frame: Frame) -> None:
        if not self.queries or not frame.title_keys:
            self.sims = np.zeros((len(self.queries), len(frame.title_keys)), dtype=np.uint8)
            return
        self.sims = process.cdist(
            self.queries, frame.title_keys, scorer=SCORER, dtype=np.uint8, workers=-1
        )
        empty = [i for i, t in enumerate(frame.title_keys) if not t]
        if empty:  # token_sort_ratio("", "") is 100 for an empty title; it matches nothing
            self.sims[:, empty] = 0


def query_texts(profile: Profile, families: list[str]) -> list[str]:
    """The person's own words plus the synonyms of the families they asked for.
    Abbreviations of three letters or fewer are left out: the title processor already
    expands the ones that are unambiguous, and "ra" or "cra" alone match noise."""
    texts = list(profile.roles)
    for family in families:
        texts += [s for s in TAXONOMY.get(family, []) if len(s) > 3]
    return texts


# --------------------------------------------------------------------------- per profile


@dataclass
class ProfileContext:
    """Everything about one profile that scoring needs, computed once per run."""

    profile: Profile
    families: list[str]
    query_rows: np.ndarray
    places: gates.Places
    level: str
    skills: set[str]
    languages: set[str]
    certifications: set[str]
    wants_clinical: bool = False
    skills_norm: frozenset[str] = frozenset()
    languages_norm: frozenset[str] = frozenset()
    certifications_norm: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        self.skills_norm = frozenset(norm_term(x) for x in self.skills)
        self.languages_norm = frozenset(norm_term(x) for x in self.languages)
        self.certifications_norm = frozenset(norm_term(x) for x in self.certifications)

    @classmethod
    def build(cls, profile: Profile, index: RoleIndex) -> ProfileContext:
        families = wanted_families(profile.roles)
        return cls(
            profile=profile,
            families=families,
            query_rows=index.add(query_texts(profile, families)),
            places=gates.Places.from_profile(profile.locations),
            level=person_level(profile.us_research_months),
            skills=canonical_terms(profile.skills, "skills"),
            languages=canonical_terms(profile.languages, "languages"),
            certifications=canonical_terms(profile.certifications, "certifications"),
            wants_clinical=wants_clinical(profile.roles, families),
        )

    def applicable(self) -> list[str]:
        """Components that can say something about this person."""
        names = list(COMPONENTS)
        if not self.profile.needs_sponsorship:
            names.remove("cap_exempt")
        if not self.profile.salary_floor:
            names.remove("salary")
        return names


@dataclass
class Scored:
    """One profile scored over the rows ``idx`` of a frame (arrays are aligned with idx)."""

    idx: np.ndarray
    candidate: np.ndarray  # bool: role similarity reached the candidate floor
    role_sim: np.ndarray  # 0-100
    title_sim: np.ndarray
    fractions: dict[str, np.ndarray]
    factors: dict[str, np.float32]  # points per unit of fraction, for the applicable components
    score: np.ndarray  # 0-100
    gate_bits: np.ndarray  # uint16
    loc_status: np.ndarray
    dist: np.ndarray
    nearest: np.ndarray
    have_months: np.ndarray
    employer_hits: dict[int, str]  # employer index → excluded term
    keyword_hits: dict[int, str]  # frame row → excluded keyword

    @property
    def eligible(self) -> np.ndarray:
        return self.gate_bits == 0

    @property
    def points(self) -> dict[str, np.ndarray]:
        """Points per component for every row (the run computes them only for stored rows)."""
        return {name: self.fractions[name] * factor for name, factor in self.factors.items()}

    def points_at(self, positions: np.ndarray) -> dict[str, np.ndarray]:
        return {name: self.fractions[name][positions] * factor for name, factor in self.factors.items()}


#: Distance fraction per location status; LOC_NEAR adds its closeness on top of 0.
_DISTANCE_BY_STATUS = np.zeros(16, dtype=np.float32)
_DISTANCE_BY_STATUS[gates.LOC_REMOTE] = 1.0
_DISTANCE_BY_STATUS[gates.LOC_STATE] = weights.DISTANCE_STATE_ONLY
_DISTANCE_BY_STATUS[gates.LOC_ANYWHERE] = weights.DISTANCE_ANYWHERE
_DISTANCE_BY_STATUS[gates.LOC_UNKNOWN] = weights.NEUTRAL


def sponsor_fit(frame: Frame) -> np.ndarray:
    """The employer's H-1B record as a fraction (see weights.SPONSOR_*)."""
    recent = float((frame.sponsor_data_fy or 0) - weights.SPONSOR_RECENT_YEARS + 1)
    with np.errstate(invalid="ignore"):
        return np.select(
            [frame.sponsor_research_fy >= recent, frame.sponsor_last_fy >= recent, ~np.isnan(frame.sponsor_last_fy)],
            [1.0, weights.SPONSOR_ANY, weights.SPONSOR_OLD], default=weights.SPONSOR_NONE,
        ).astype(np.float32)  # fmt: skip


def _experience_columns(frame: Frame) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(months required with 0 where unstated, 1 where stated, the unknown share where not)."""
    unknown = np.isnan(frame.experience)
    known = (~unknown).astype(np.float32)
    return np.nan_to_num(frame.experience, nan=0.0), known, unknown * np.float32(weights.EXPERIENCE_UNKNOWN)


def _list_columns(count: np.ndarray, saturate: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(1 where the posting lists terms, 1/min(count, saturate), the neutral share where it lists none)."""
    none = count == 0
    per_term = (1.0 / np.maximum(np.minimum(count, saturate), 1)).astype(np.float32)
    return (~none).astype(np.float32), per_term, none * np.float32(weights.NEUTRAL)


def score_frame(
    frame: Frame,
    ctx: ProfileContext,
    index: RoleIndex,
    *,
    idx: np.ndarray | None = None,
    now_epoch: float,
    keyword_keys: dict[str, set[str]] | None = None,
    min_role: float | None = None,
    cache: dict[Any, Any] | None = None,
) -> Scored:
    """Gates and fit for one profile over the frame rows ``idx`` (default: all).

    ``min_role`` marks rows whose role similarity reaches it as candidates (the others are
    a different job, not a gated one). Every array in the result is aligned with ``idx``;
    working on whole columns without gathering subsets is what keeps a profile at a few
    milliseconds over 100,000 postings.
    """
    profile = ctx.profile
    n = frame.n
    everything = idx is None or len(idx) == n
    if idx is None:
        idx = np.arange(n)
    m = len(idx)

    def take(array: np.ndarray) -> np.ndarray:
        return array if everything else array[..., idx]

    f32 = np.float32

    # role: every distinct title was compared once with every query; take this profile's best
    if len(ctx.query_rows) and index.sims is not None and index.sims.shape[1]:
        best_per_title = index.sims[ctx.query_rows].max(axis=0).astype(f32)
        title_sim = np.take(best_per_title, take(frame.title_idx))
    else:
        title_sim = np.zeros(m, dtype=f32)
    family = take(frame.family)
    if ctx.families:
        wanted = (AFFINITY[[FAMILY_CODE[f] for f in ctx.families]].max(axis=0) * f32(100 * weights.ROLE_FAMILY_SHARE)).astype(f32)
        role_sim = title_sim * f32(weights.ROLE_TITLE_SHARE) + np.take(wanted, family)
        unknown = family == UNKNOWN_FAMILY
        if unknown.any():
            role_sim[unknown] = title_sim[unknown]
    else:
        role_sim = title_sim
    candidate = role_sim >= min_role if min_role is not None else np.ones(m, dtype=bool)
    fractions: dict[str, np.ndarray] = {"role": role_sim * f32(0.01)}
    if ctx.wants_clinical:
        # Same title, different job: a bench or social-science research assistant ranks
        # below clinical research for someone who asked for clinical roles.
        share = shared(cache, "clinical_share", lambda: np.asarray(
            [weights.CLINICAL_UNKNOWN_ROLE_SHARE, weights.NON_CLINICAL_ROLE_SHARE, 1.0], dtype=f32).take(frame.clinical + 1))
        fractions["role"] = fractions["role"] * take(share)

    level_fit = shared(cache, ("level", ctx.level), lambda: np.asarray(
        [weights.LEVEL_FIT[(ctx.level, posting)] for posting in LEVELS] + [weights.LEVEL_UNKNOWN], dtype=f32
    ).take(frame.level))
    fractions["level"] = take(level_fit)

    # experience: clinical years abroad count where the posting accepts clinical experience.
    # Unstated requirements: the column holds 0 there, and the "unknown" share is added back.
    required, known, unknown_part = (take(a) for a in shared(cache, "experience", lambda: _experience_columns(frame)))
    clinical = profile.clinical_years_abroad * 12.0 * weights.CLINICAL_COUNTS_SHARE
    have = f32(profile.us_research_months) + take(frame.accepts_clinical).view(np.uint8) * f32(clinical)
    gap = np.maximum(required - have, f32(0))
    fractions["experience"] = np.clip(f32(1) - gap * f32(1 / weights.EXPERIENCE_GAP_ZERO_MONTHS), 0, 1) * known + unknown_part

    if profile.needs_sponsorship:
        def cap_fit() -> np.ndarray:
            cap = np.asarray([weights.CAP_EXEMPT_FIT[c] for c in CAP_LEVELS], dtype=f32).take(frame.cap)
            return np.where(frame.visa_possible, np.maximum(cap, f32(weights.VISA_POSSIBLE_FLOOR)), cap)

        fractions["cap_exempt"] = take(shared(cache, "cap", cap_fit))

    # skills, languages, certificates: popcounts of the profile's terms in each posting's mask.
    # Postings that list none get the neutral fraction (precomputed "silent" shares).
    listed, per_skill, silent = (take(a) for a in shared(cache, "skills", lambda: _list_columns(frame.skill_count, weights.SKILLS_SATURATE)))
    overlap = count_common(take(frame.skills), frame.skill_vocab.mask(ctx.skills))
    fractions["skills"] = np.minimum(overlap * per_skill, f32(1)) * listed + silent
    listed, _per, silent = (take(a) for a in shared(cache, "languages", lambda: _list_columns(frame.language_count, 1)))
    spoken = count_common(take(frame.languages), frame.language_vocab.mask(ctx.languages)) > 0
    fractions["languages"] = (spoken.view(np.uint8) * f32(1 - weights.LANGUAGE_MISSING) + f32(weights.LANGUAGE_MISSING)) * listed + silent
    held = frame.cert_vocab.mask(ctx.certifications)
    missing = take(frame.cert_required_count) - count_common(take(frame.cert_required), held)
    certs = f32(1) - f32(weights.CERT_MISSING_PENALTY) * missing
    if held.any():
        certs += f32(weights.CERT_PREFERRED_BONUS) * (count_common(take(frame.cert_preferred), held) > 0)
    fractions["certifications"] = np.clip(certs, 0, 1).astype(f32)

    # place
    status, dist, nearest = gates.locate(frame, ctx.places, profile.remote_ok, idx=None if everything else idx, cache=cache)
    distance = np.take(_DISTANCE_BY_STATUS, status)
    if len(ctx.places.radius):
        radii = np.maximum(ctx.places.radius, 1.0).astype(f32)
        radius = radii[0] if (radii == radii[0]).all() else np.take(radii, np.maximum(nearest, 0))
        closeness = f32(1) - f32(1 - weights.DISTANCE_AT_RADIUS) * np.minimum(dist / radius, f32(1))
        distance = distance + (status == gates.LOC_NEAR).view(np.uint8) * closeness
    fractions["distance"] = distance

    if profile.salary_floor:
        floor = float(profile.salary_floor)

        def salary_fit() -> np.ndarray:
            low, high = frame.salary_min, frame.salary_max
            with np.errstate(invalid="ignore"):
                return np.select(
                    [np.isnan(low) & np.isnan(high), high < floor, low >= floor],
                    [weights.NEUTRAL, 0.0, 1.0], default=weights.SALARY_STRADDLE,
                ).astype(f32)  # fmt: skip

        fractions["salary"] = take(shared(cache, ("salary", floor), salary_fit))

    def recency_fit() -> np.ndarray:
        age_days = (now_epoch - frame.published) / 86400.0
        span = weights.RECENCY_STALE_DAYS - weights.RECENCY_FRESH_DAYS
        return np.where(
            np.isnan(age_days), weights.RECENCY_UNKNOWN, np.clip(1.0 - (age_days - weights.RECENCY_FRESH_DAYS) / span, 0.0, 1.0)
        ).astype(f32)

    fractions["recency"] = take(shared(cache, ("recency", now_epoch), recency_fit))

    if profile.needs_sponsorship and frame.sponsor_data_fy is not None:
        fractions["sponsor_history"] = take(shared(cache, "sponsor", lambda: sponsor_fit(frame)))

    names = [name for name in ctx.applicable() if name in fractions]
    total = sum(weights.WEIGHTS[name] for name in names)
    factors = {name: f32(100.0 * weights.WEIGHTS[name] / total) for name in names}
    score = np.zeros(m, dtype=f32)
    for name, factor in factors.items():
        score += fractions[name] * factor

    # gates, one bit each
    bits = np.zeros(m, dtype=np.uint16)

    def gate(name: str, mask: np.ndarray) -> None:
        bits[...] |= mask.astype(np.uint16) * np.uint16(gates.BIT[name])

    gate("closed", take(frame.closed))
    if profile.licences:
        gate("licence", take(gates.licence_gate(frame, profile.licences)))
    else:
        gate("licence", take(frame.licence))
    if profile.needs_sponsorship:
        gate("sponsorship", take(frame.visa_no))
    if not profile.is_citizen:
        citizens_only = shared(cache, "citizens", lambda: frame.citizenship | frame.clearance)
        if profile.work_authorization != "green_card":
            citizens_only = shared(cache, "citizens_or_pr", lambda: citizens_only | frame.citizen_or_pr)
        gate("citizenship", take(citizens_only))
    gate("location", status >= gates.LOC_FAR)
    if not profile.hybrid_ok:
        gate("workplace", take(gates.location_hybrid(frame, profile.hybrid_ok)))
    employer_terms: dict[int, str] = {}
    if profile.exclude_employers:
        employer_hit, employer_terms = gates.employer_mask(frame, profile.exclude_employers)
        gate("employer", take(employer_hit))
    keyword_terms: dict[int, str] = {}
    if keyword_keys:
        keyword_hit, keyword_terms = gates.keyword_mask(frame, keyword_keys)
        gate("keyword", take(keyword_hit))
    if profile.require_sponsor_history and frame.sponsor_data_fy is not None:
        since = frame.sponsor_data_fy - profile.sponsor_history_years + 1
        with np.errstate(invalid="ignore"):
            gate("sponsor_history", take(~(frame.sponsor_last_fy >= since)))
    levels = tuple(sorted(profile.levels))
    gate("level", take(shared(cache, ("levels", levels), lambda: gates.level_gate(frame, list(levels)))))
    spoken = frame.language_vocab.mask(ctx.languages)
    gate("language", take(shared(cache, ("spoken", spoken.tobytes()), lambda: gates.language_gate(frame, spoken))))

    return Scored(
        idx=idx, candidate=candidate, role_sim=role_sim, title_sim=title_sim, fractions=fractions,
        factors=factors, score=score, gate_bits=bits, loc_status=status, dist=dist, nearest=nearest,
        have_months=have, employer_hits=employer_terms, keyword_hits=keyword_terms,
    )  # fmt: skip


__all__ = [
    "COMPONENTS", "LEVEL_CODE", "ProfileContext", "RoleIndex", "Scored",
    "canonical_terms", "norm_term", "person_level", "score_frame", "wanted_families",
]  # fmt: skip
