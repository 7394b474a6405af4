"""Every number that decides a fit score, in one place, with the reason for each.

The score is 0-100: each component gives a fraction 0..1, multiplied by its weight
below. Components that cannot apply to a profile (pay with no salary floor, cap
exemption for someone who needs no sponsorship) are dropped and the others scaled up,
so a score means the same thing for every profile. When a posting does not state a
fact (no skills listed, no pay), the component gives the ``NEUTRAL`` fraction: silence
is neither rewarded nor punished as hard as a stated mismatch.

Changing anything here changes scores, so bump ``MATCHER_VERSION``: it is part of
every profile hash, which makes the next run rematch everything.
"""

from __future__ import annotations

MATCHER_VERSION = "3"

#: Maximum points per component; they sum to 100.
WEIGHTS: dict[str, float] = {
    # Is this the kind of job asked for? The biggest single factor: a perfect CRC match
    # with a mediocre rest still beats a perfect-rest monitor job.
    "role": 30.0,
    # Entry-level postings are the realistic first US job for an IMG; a senior title
    # almost never is, whatever the text says.
    "level": 10.0,
    # Months of experience asked versus months the person has: the barrier ACRP names.
    "experience": 15.0,
    # The H-1B cap lottery is the difference between "can start in weeks" and "maybe
    # next October": cap-exempt employers matter a lot to those who need sponsorship.
    # (With sponsor_history below, sponsorship carries 12 points in all.)
    "cap_exempt": 4.0,
    # Tools (REDCap, Epic, OnCore...) and site skills overlap.
    "skills": 6.0,
    # A language the posting asks for and the person speaks is a real edge for IMGs.
    "languages": 6.0,
    # Closer is better within the radius; remote is as good as next door.
    "distance": 6.0,
    # Required certificates the person lacks (ones obtainable after hire excluded).
    "certifications": 5.0,
    # Pay against the person's floor.
    "salary": 5.0,
    # Fresh postings are still being read by recruiters.
    "recency": 5.0,
    # The employer's own H-1B record (DOL LCA / USCIS data the user imported): evidence
    # that it files, where the cap-exempt component is a likelihood from its type.
    "sponsor_history": 8.0,
}

#: Fraction given when the posting does not state the fact a component looks at.
NEUTRAL = 0.5

# ---- role ------------------------------------------------------------------------------
#: Role similarity blends the title's fuzzy similarity (0-100, token_sort_ratio after the
#: project title processor) with how close the posting's enriched role family is to the
#: families the person asked for. The family carries context the title lacks (a
#: "Clinical Research Associate" monitor is not a site assistant), the title carries what
#: the family flattens (the user's own words).
ROLE_TITLE_SHARE = 0.6
ROLE_FAMILY_SHARE = 0.4
#: For people who ask for clinical-research roles, a posting that is research but not
#: clinical (a psychology, economics or bench "Research Assistant") is not the kind of job
#: they asked for, whatever its title: its role fraction is multiplied by
#: NON_CLINICAL_ROLE_SHARE (nothing), so it ranks after the clinical jobs but stays
#: visible and ungated. One whose text does not say gets CLINICAL_UNKNOWN_ROLE_SHARE.
NON_CLINICAL_ROLE_SHARE = 0.0
CLINICAL_UNKNOWN_ROLE_SHARE = 0.9
#: A posting becomes a candidate (gets a row at all) only at or above this role
#: similarity: below it, it is a different job, not a gated one.
ROLE_CANDIDATE_FLOOR = 55.0
#: A user role text belongs to a taxonomy family when it scores this much against one of
#: the family's synonyms (used only when ``enrich.roles.role_ids_for_text`` is absent or
#: finds nothing).
ROLE_FAMILY_MATCH = 88

#: How close two role families are (symmetric; a family is 1.0 to itself). Pairs not
#: listed are 0. Judgement from the career ladders in the domain notes: the site roles
#: (CRC, assistants, data, regulatory, recruitment) are one ladder; monitors, drug safety
#: and managers are neighbours one or two steps away.
FAMILY_AFFINITY: dict[tuple[str, str], float] = {
    ("crc", "clinical_research_assistant"): 0.85,
    ("crc", "research_assistant"): 0.7,
    ("crc", "data_coordinator"): 0.6,
    ("crc", "regulatory"): 0.6,
    ("crc", "recruitment"): 0.65,
    ("crc", "cta"): 0.6,
    ("crc", "research_nurse"): 0.4,
    ("crc", "cra_monitor"): 0.35,
    ("crc", "manager"): 0.3,
    ("crc", "data_manager"): 0.4,
    ("clinical_research_assistant", "research_assistant"): 0.85,
    ("clinical_research_assistant", "data_coordinator"): 0.6,
    ("clinical_research_assistant", "recruitment"): 0.65,
    ("clinical_research_assistant", "cta"): 0.65,
    ("clinical_research_assistant", "regulatory"): 0.5,
    ("research_assistant", "data_coordinator"): 0.55,
    ("research_assistant", "recruitment"): 0.5,
    ("research_assistant", "research_fellowship"): 0.5,
    ("data_coordinator", "data_manager"): 0.8,
    ("data_coordinator", "cta"): 0.5,
    ("data_coordinator", "regulatory"): 0.4,
    ("data_coordinator", "drug_safety"): 0.4,
    ("regulatory", "cta"): 0.6,
    ("cta", "cra_monitor"): 0.5,
    ("drug_safety", "cra_monitor"): 0.3,
    ("cra_monitor", "manager"): 0.3,
}

# ---- level -----------------------------------------------------------------------------
#: The person's own level from US research months: below 24 is entry (MGH CRC I is "less
#: than 2 years"), 24-59 mid, 60+ senior. Clinical years abroad do not move it: the
#: ladders count research experience.
LEVEL_BY_MONTHS = ((24, "entry"), (60, "mid"))
#: fraction[(person's level, posting's level)]; unknown posting level gives LEVEL_UNKNOWN.
LEVEL_FIT: dict[tuple[str, str], float] = {
    ("entry", "entry"): 1.0, ("entry", "mid"): 0.45, ("entry", "senior"): 0.0,
    ("mid", "entry"): 0.75, ("mid", "mid"): 1.0, ("mid", "senior"): 0.4,
    ("senior", "entry"): 0.4, ("senior", "mid"): 0.8, ("senior", "senior"): 1.0,
}  # fmt: skip
LEVEL_UNKNOWN = 0.6

# ---- experience ------------------------------------------------------------------------
#: A gap of this many months or more scores 0; the fraction falls linearly before that.
EXPERIENCE_GAP_ZERO_MONTHS = 24.0
#: When a posting states nothing, assume it asks for little (most entry postings are
#: silent) but not nothing.
EXPERIENCE_UNKNOWN = 0.75
#: Share of clinical months abroad that counts when the posting accepts clinical
#: experience ("1 year of research or clinical experience"). All of it: the posting said so.
CLINICAL_COUNTS_SHARE = 1.0

# ---- certifications ---------------------------------------------------------------------
#: Each missing required certificate costs this fraction (two missing → 0.2).
CERT_MISSING_PENALTY = 0.4
#: A preferred certificate the person holds lifts the fraction by this much (capped at 1).
CERT_PREFERRED_BONUS = 0.1

# ---- skills ----------------------------------------------------------------------------
#: Overlap counts against at most this many posting skills: a posting listing twelve tools
#: should not make a person with four of them look weak.
SKILLS_SATURATE = 3

# ---- languages -------------------------------------------------------------------------
#: Posting names a language the person speaks → 1.0; names only languages they lack →
#: LANGUAGE_MISSING; names none → NEUTRAL.
LANGUAGE_MISSING = 0.0

# ---- distance --------------------------------------------------------------------------
#: Inside a radius the fraction falls from 1.0 at the centre to DISTANCE_AT_RADIUS at
#: its edge. A state-only match (no coordinates) gets DISTANCE_STATE_ONLY.
DISTANCE_AT_RADIUS = 0.5
DISTANCE_STATE_ONLY = 0.6
#: On-site anywhere, when the profile lists no places (anywhere in the US is fine) —
#: remote scores 1.0 for those who accept it, so remote ranks first for them.
DISTANCE_ANYWHERE = 0.6

# ---- salary ----------------------------------------------------------------------------
#: Top of range below the floor scores 0; bottom of range at or above it 1; a range that
#: straddles it SALARY_STRADDLE.
SALARY_STRADDLE = 0.6

# ---- cap exemption (people who need sponsorship) ----------------------------------------
CAP_EXEMPT_FIT: dict[str, float] = {"likely": 1.0, "possible": 0.6, "unknown": 0.3, "unlikely": 0.0}
#: An explicit "sponsorship available" lifts a cap-subject employer to at least this much
#: (a petition is on offer, but the lottery remains).
VISA_POSSIBLE_FLOOR = 0.6

# ---- sponsorship history (people who need sponsorship, once H-1B data is imported) -------
#: "Recent" is the last this many fiscal years of the imported data.
SPONSOR_RECENT_YEARS = 3
#: Recent filings for research titles → 1.0; recent filings of any kind → SPONSOR_ANY;
#: only older filings → SPONSOR_OLD; nothing found → SPONSOR_NONE (not 0: a name the
#: linker could not tie with confidence is not proof of no filings).
SPONSOR_ANY = 0.8
SPONSOR_OLD = 0.45
SPONSOR_NONE = 0.15

# ---- recency ---------------------------------------------------------------------------
#: Full marks up to RECENCY_FRESH_DAYS old, falling linearly to 0 at RECENCY_STALE_DAYS.
RECENCY_FRESH_DAYS = 7.0
RECENCY_STALE_DAYS = 60.0
RECENCY_UNKNOWN = NEUTRAL

# ---- storage ---------------------------------------------------------------------------
#: Per profile and run, at most this many eligible and ineligible rows are stored, best
#: first; rows already stored for a re-scored posting are always rewritten. A run over
#: 100,000 postings otherwise writes rows nobody will read (the digest shows ten).
MAX_ELIGIBLE_ROWS = 100
MAX_INELIGIBLE_ROWS = 50
#: Rows of postings closed longer ago than this are deleted at the end of a run.
KEEP_CLOSED_ROWS_DAYS = 30
