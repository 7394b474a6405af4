"""What a posting asks of the candidate: experience, degree, licence, certificates, tools.

These are the facts that decide whether an IMG is *eligible*: a US licence requirement
excludes them, "2 years of CRC experience" excludes a new arrival, an MD/MBBS may or may
not count as the required degree. Every fact keeps the clause it came from.

Choices, documented because they are judgement calls:

* **Required vs preferred** comes from the clause's own words ("preferred", "a plus",
  "required", "must") first, then from the section heading it sits under
  ("Minimum Qualifications", "Preferred Qualifications"). Experience and degree
  statements outside any labelled section count as required.
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
  is stated. "or equivalent" does not change the number.
* **Clinician experience counts**: when an experience statement accepts clinical,
  patient-care or clinician experience, ``accepts_clinical`` is set (foreign clinical
  practice maps there); when it demands clinical *research* experience specifically,
  ``research_specific`` is set. The months are the same either way.
* **Degree floor** is the lowest degree named in a required clause (alternatives lower
  the floor); a degree named only as preferred gives ``none``; no degree mentioned gives
  None (unknown).
* **md_accepted** is 1 only on explicit evidence (MD/MBBS/foreign medical degree/IMG/
  ECFMG named as acceptable or preferred, or a degree "or foreign equivalent"), 0 on
  explicit exclusion (US degree required, foreign degrees not accepted), else None.
* **Licence** is required only when a clinical licence is stated as required; "preferred",
  "eligible for licensure", "or eligible", "not needed", "encouraged to apply", a licence
  listed as one degree option ("RN, PharmD, MD or equivalent") and driver's licences are
  not.

Cost is bounded for any input: at most the first 20,000 and last 5,000 characters, at
most 300 clauses, and for each signal at most 15-20 clauses (qualification sections
first) go through that signal's regexes; cheap ``str.find`` pre-checks decide which.
"""

from __future__ import annotations

import bisect
import itertools
import math
import re
from dataclasses import dataclass, field
from typing import NamedTuple

# --- shared text helpers (used by every extractor module) -------------------------------

#: Every extractor reads at most the first MAX_HEAD and last MAX_TAIL characters and at
#: most MAX_CLAUSES clauses: real postings are far shorter (a long one is ~15k characters),
#: and the bound keeps the cost of a pathological 200 kB input within a few milliseconds.
MAX_HEAD = 20_000
MAX_TAIL = 5_000
MAX_CLAUSE = 300
MAX_CLAUSES = 300
#: At most this many clauses per signal go through that signal's regexes.
MAX_CLAUSES_PER_SIGNAL = 15
#: Boundary candidates examined when splitting; a text of nothing but ". " has thousands.
MAX_BOUNDARIES = 1_500
_TAIL_SPLIT = 4_000

_BOUNDARY_RE = re.compile(r"\n+|[.!?;](?=\s)|\s[•▪●◦■]\s|\u2022|\s\*\s|\t")
_ABBREV_RE = re.compile(
    r"(?:^|[\s(/])(?:[a-z]\.(?:[a-z]\.)*|e\.g|i\.e|etc|vs|dr|st|no|inc|jr|sr|mr|ms|mrs|"
    r"approx|incl|dept|univ|ph\.d|m\.d|b\.s|b\.a|m\.s|m\.a|u\.s|u\.s\.a|min|max|hrs?|yrs?)$"
)


def clip_text(text: str | None) -> str:
    """Bound the work per posting: head and tail survive, because sponsorship and EEO
    statements sit at the end of long postings."""
    if not text:
        return ""
    if len(text) <= MAX_HEAD + MAX_TAIL:
        return text
    return text[:MAX_HEAD] + "\n" + text[-MAX_TAIL:]


def lower_same_length(text: str) -> str:
    """Lower case with positions preserved: U+0130 (dotted capital I) is the one code point
    whose lower case is two characters long."""
    return text.replace("\u0130", "I").lower()


def keyword_windows(low: str, keywords: tuple[str, ...], before: int, after: int,
                    limit: int = 20) -> list[tuple[int, int]]:
    """Windows of text around keyword occurrences, found with ``str.find``.

    Running a regex only inside these windows bounds its cost by ``limit × (before +
    after)`` characters whatever the input, instead of one full pass per pattern.
    """
    spots: list[int] = []
    for keyword in keywords:
        start = 0
        for _ in range(limit):
            found = low.find(keyword, start)
            if found < 0:
                break
            spots.append(found)
            start = found + len(keyword)
    spots.sort()
    windows: list[tuple[int, int]] = []
    for spot in spots:
        lo, hi = max(0, spot - before), min(len(low), spot + after)
        if windows and lo <= windows[-1][1] and hi - windows[-1][0] <= 4 * (before + after):
            windows[-1] = (windows[-1][0], max(windows[-1][1], hi))
        else:
            windows.append((lo, hi))
        if len(windows) >= limit:
            break
    return windows


def search_near(pattern: re.Pattern[str], text: str, low: str, keywords: tuple[str, ...],
                before: int = 80, after: int = 200, limit: int = 20) -> re.Match[str] | None:
    """First match of ``pattern`` in a window around one of ``keywords`` (see above)."""
    for lo, hi in keyword_windows(low, keywords, before, after, limit):
        match = pattern.search(text, lo, hi)
        if match:
            return match
    return None


def split_clauses(text: str) -> list[str]:
    """Sentences, list items and semicolon parts, not split after "U.S." or "B.S.".

    At most MAX_CLAUSES are returned (the first ones and the last third, where sponsorship
    and EEO statements live); head and tail are split separately so that a pathological
    head cannot crowd out the tail.
    """
    tail = MAX_CLAUSES // 3
    if len(text) <= 2 * _TAIL_SPLIT:
        clauses = _split(text)
    else:
        clauses = _split(text[:-_TAIL_SPLIT])[: MAX_CLAUSES - tail] + _split(
            text[-_TAIL_SPLIT:])[-tail:]
    if len(clauses) > MAX_CLAUSES:
        clauses = clauses[: MAX_CLAUSES - tail] + clauses[-tail:]
    return clauses


def _split(text: str) -> list[str]:
    clauses: list[str] = []
    start = 0
    for match in itertools.islice(_BOUNDARY_RE.finditer(text), MAX_BOUNDARIES):
        char = match.group(0)
        end = match.end()
        if end - start < 4:
            continue  # "•", ". ": nothing worth a clause yet
        if char == ".":
            tail = text[max(start, end - 8): end - 1].lower()
            if _ABBREV_RE.search(tail):
                continue
        piece = _tidy_piece(text[start:end])
        start = end
        if piece:
            clauses.extend(_chunks(piece))
    piece = _tidy_piece(text[start:])
    if piece:
        clauses.extend(_chunks(piece))
    return clauses


def _tidy_piece(piece: str) -> str:
    return piece.strip().lstrip("•▪●◦■*-–—· \t").rstrip(" \t;")


def _chunks(piece: str) -> list[str]:
    if len(piece) <= MAX_CLAUSE:
        return [piece]
    return [piece[i: i + MAX_CLAUSE] for i in range(0, len(piece), MAX_CLAUSE)]


def evidence_text(clause: str, limit: int = 240) -> str:
    """One line, bounded: what the digest shows as 'because the posting says …'."""
    text = re.sub(r"\s+", " ", clause).strip()
    return text if len(text) <= limit else text[: limit - 1] + "…"


# --- sections and clause labels ---------------------------------------------------------

_HEAD_REQUIRED_RE = re.compile(
    r"^(?:minimum|required|basic|essential|mandatory|must[- ]haves?)\b|^(?:requirements?|"
    r"qualifications?|education(?:\s*(?:and|&)\s*experience)?|experience|"
    r"knowledge,? skills,? (?:and|&) abilities|what you(?:'ll)? need|what we(?:'re)? "
    r"looking for|who you are|you (?:have|bring)|skills (?:and|&) qualifications|"
    r"education/experience|job requirements)\b",
    re.I,
)
_HEAD_PREFERRED_RE = re.compile(
    r"^(?:preferred|desired|desirable|additional|bonus|nice[- ]to[- ]haves?|pluses|"
    r"ideal(?:ly)?|it would be (?:great|nice)|extra credit)\b",
    re.I,
)
_HEAD_OTHER_RE = re.compile(
    r"^(?:responsibilities|duties|essential (?:duties|functions)|what you(?:'ll)? do|about|"
    r"benefits|position summary|job summary|summary|overview|compensation|pay|salary|"
    r"equal (?:employment )?opportunity|eeo|our commitment|why join|who we are|"
    r"physical (?:demands|requirements)|working conditions|work schedule|schedule|"
    r"location|department|job description|the role|the opportunity|primary duties)\b",
    re.I,
)
_INLINE_HEAD_RE = re.compile(r"^([A-Za-z ,&/'()-]{3,60}):\s+\S")
PREFERRED_CUE_RE = re.compile(
    r"\b(?:preferred|preferably|prefer|desired|desirable|a plus|an asset|nice to have|"
    r"(?:is\s+)?a bonus|advantageous|ideally|ideal candidate|strongly (?:preferred|desired|"
    r"encouraged)|would be (?:helpful|beneficial|great|nice)|helpful|beneficial|"
    r"not required|not necessary|welcome(?:d)?)\b",
    re.I,
)
REQUIRED_CUE_RE = re.compile(
    r"\b(?:required|requires?|requirement|must|minimum|at least|need(?:ed)?|necessary|"
    r"mandatory|essential|should (?:have|possess)|you have|you bring|you(?:'ll)? need)\b",
    re.I,
)


class Clause(NamedTuple):
    """A clause with its own label and the label of the section it sits in."""

    label: str  # required | preferred | other | unknown
    text: str
    section: str
    low: str = ""  # lower-cased text, for cheap substring pre-checks


def _pick(clauses: list[Clause], indices: set[int], labelled: dict[int, Clause],
          limit: int = MAX_CLAUSES_PER_SIGNAL) -> list[Clause]:
    """The clauses at ``indices``, at most ``limit``.

    When there are more, qualification sections win over duties and boilerplate; the
    kept clauses stay in document order.
    """
    out = sorted(indices)
    if len(out) > limit:
        rank = {"required": 0, "preferred": 1, "unknown": 2, "other": 3}
        out = sorted(sorted(out, key=lambda i: rank.get(clauses[i].section, 3))[:limit])
    for i in out:
        if i not in labelled:
            labelled[i] = _cue_label(clauses[i])
    return [labelled[i] for i in out]


_PREF_HINTS = ("prefer", "desir", "plus", "asset", "nice", "bonus", "advantag", "ideal",
               "strongly", "would be", "helpful", "beneficial", "not required", "not necessary",
               "welcome")
_REQ_HINTS = ("requir", "must", "minimum", "at least", "need", "necessary", "mandatory",
              "essential", "should", "you have", "you bring")


def labelled_clauses(text: str) -> list[Clause]:
    """Clauses labelled required | preferred | other | unknown (see module doc)."""
    return [_cue_label(clause) for clause in _sectioned_clauses(text)]


def _cue_label(clause: Clause) -> Clause:
    """The clause's own words ("preferred", "must") override its section label."""
    text, low, section = clause.text, clause.low, clause.section
    label = section
    if any(h in low for h in _PREF_HINTS) and PREFERRED_CUE_RE.search(text) and \
            not _REQUIRED_WORD_RE.search(_strip_not_required(text)):
        label = "preferred"
    elif section != "preferred" and any(h in low for h in _REQ_HINTS) and \
            REQUIRED_CUE_RE.search(text):
        label = "required"
    return clause._replace(label=label)


def _sectioned_clauses(text: str) -> list[Clause]:
    """Clauses labelled by the section heading above them only (cheap: no cue search)."""
    section = "unknown"
    out: list[Clause] = []
    for clause in split_clauses(clip_text(text)):
        low = clause.lower()
        is_heading = len(clause) <= 70 and (
            clause.endswith(":") or (len(clause.split()) <= 6 and not clause.endswith(".")))
        inline = _INLINE_HEAD_RE.match(clause)
        if is_heading or inline:
            head = inline.group(1) if inline else clause
            if _HEAD_PREFERRED_RE.search(head):
                section = "preferred"
            elif _HEAD_REQUIRED_RE.search(head):
                section = "required"
            elif _HEAD_OTHER_RE.search(head):
                section = "other"
            elif clause.endswith(":") and len(clause) <= 40:
                section = "other"
        out.append(Clause(section, clause, section, low))
    return out


_CUE_RE = re.compile(rf"(?P<pref>{PREFERRED_CUE_RE.pattern})|(?P<req>{REQUIRED_CUE_RE.pattern})",
                     re.I)


def mention_label(clause: Clause, start: int, end: int, blockers: re.Pattern[str]) -> str:
    """Label of one mention inside a clause: the nearest cue that belongs to it.

    "High school diploma, medical office experience preferred": "preferred" belongs to
    the experience, not the diploma, because another qualification noun (a blocker)
    stands between them. Falls back to the section label.
    """
    text = clause.text
    for cue in _CUE_RE.finditer(text, end):
        if blockers.search(text, end, cue.start()):
            break
        return "preferred" if cue.group("pref") else "required"
    before = text[:start]
    cues = list(_CUE_RE.finditer(before))
    if cues and not blockers.search(before, cues[-1].end()):
        return "preferred" if cues[-1].group("pref") else "required"
    return clause.section


_REQUIRED_WORD_RE = re.compile(r"(?i)\brequired\b(?!\W+but)")
_NOT_REQUIRED_RE = re.compile(r"(?i)\bnot\s+required\b")
_OR_RE = re.compile(r"(?i)\bor\b")


def _strip_not_required(clause: str) -> str:
    return _NOT_REQUIRED_RE.sub(" ", clause)


# --- experience -------------------------------------------------------------------------

_NUMBER_WORDS = {
    "zero": 0, "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
    "fifteen": 15, "eighteen": 18, "twenty": 20, "twenty-four": 24, "thirty-six": 36,
}
_WORD_NUM_RE = re.compile(
    r"\b(twenty-four|thirty-six|zero|one|two|three|four|five|six|seven|eight|nine|ten|eleven|"
    r"twelve|fifteen|eighteen|twenty|an?)(?:\s*\(\s*\d{1,2}\s*\))?(?=\s*(?:(?:-|–|to|or)\s*"
    r"[a-z0-9]+(?:\s*\(\s*\d{1,2}\s*\))?\s*)?\+?\s*(?:full[- ]time\s+)?"
    r"(?:years?|yrs?|months?|mos?)\b)",
    re.I,
)
_HALF_RE = re.compile(r"\b(\d{1,2}|one|two|three)\s+and\s+(?:a\s+)?half\s+(years?)", re.I)
_DIGIT_PAREN_RE = re.compile(r"\b(\d{1,2})\s*\(\s*\d{1,2}\s*\)")
_EXP_RE = re.compile(
    r"(?P<a>\d{1,2}(?:\.\d)?)\s*(?:\+|plus|or\s+more|or\s+greater)?\s*(?:(?:-|–|—|to|or)\s*"
    r"(?P<b>\d{1,2}(?:\.\d)?)\s*\+?\s*)?(?:full[- ]time\s+)?(?P<unit>years?|yrs?|months?|mos?)"
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
_EXP_HINTS = ("experience", "exp.", "exp ", "worked", "work history", "year", "yrs", "month",
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
    r"\b(?:no\s+(?:[a-z-]+\s+){0,3}?"
    r"experience\s+"
    r"(?:is\s+)?(?:required|necessary|needed)|experience\s+(?:[\w-]+\s+){0,6}?(?:but\s+)?"
    r"not\s+(?:required|necessary|mandatory|needed|essential)|"
    r"entry[- ]level\s+(?:position|role|opportunity|job)|"
    r"this\s+is\s+an\s+entry[- ]level|(?:new|recent|fresh)\s+(?:college\s+)?grad(?:uate)?s?\b"
    r"[^.;]{0,50}?\b(?:welcome|encouraged|considered|eligible)|0\s*(?:-|–|to)\s*\d\s*years?|will\s+train|"
    r"training\s+(?:will\s+be|is)\s+provided)",
    re.I,
)
_SUBSTITUTE_RE = re.compile(
    r"\b(?:in\s+lieu\s+of|substitut\w+|instead\s+of|in\s+place\s+of|equivalent\s+combination|"
    r"combination\s+of\s+(?:education|training)\s+and\s+experience|year[- ]for[- ]year)\b",
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

_DEGREE_LEVELS = ("none", "high_school", "associate", "bachelor", "master", "doctorate")
_RANK = {name: i for i, name in enumerate(_DEGREE_LEVELS)}

_DEGREE_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("high_school", re.compile(
        r"\bhigh[- ]school\b|\bGED\b|\bsecondary\s+school\b|\bH\.?S\.?\s+(?:diploma|graduat)",
        re.I)),
    ("associate", re.compile(
        r"\bassociate'?s?(?:'s)?\s+degree\b|\bassociate\s+of\s+(?:arts|science|applied)|"
        r"\b(?:two|2)[- ]year\s+(?:college\s+)?degree\b|\bA\.A\.S?\.?\b", re.I)),
    ("bachelor", re.compile(
        r"\bbachelor|\bbaccalaureate\b|\b(?:four|4)[- ]year\s+(?:college\s+)?degree\b|"
        r"\b(?:college|undergraduate|university)\s+degree\b|\bBSN\b|\bBSc\b", re.I)),
    ("bachelor", re.compile(r"\b(?:B\.A\.|B\.S\.|BA|BS)(?=\s*(?:/|degree|in\b|or\b|,|\)))")),
    ("bachelor", re.compile(
        r"(?:^|[:;,.(]\s*|\ba\s+)degree\s+in\b|(?<!advanced )(?<!graduate )(?<!doctoral )"
        r"\b(?:life\s+sciences?|science|scientific|pharmacy|nursing|health(?:care)?\s+"
        r"professional|health\s+science|professional)\s+degree\b|"
        r"\bdegree\s+from\s+(?:a|an)\s+(?:[\w.]+\s+){0,4}(?:college|university)\b|"
        r"\bbachelor\s+of\s+science\b", re.I)),
    ("master", re.compile(
        r"\bmaster'?s?\b|\bmasters\b|\bM\.S\.|\bM\.P\.H\.|\bMPH\b|\bMSc\b|\bMSN\b|\bMHA\b|"
        r"\bgraduate\s+degree\b|\badvanced\s+(?:\w+\s+)?degree\b", re.I)),
    ("master", re.compile(r"\b(?:MS|MA)(?=\s*(?:/|degree|in\b|or\b|,|\)))(?!\s+(?:Office|Excel|"
                          r"Word|Access|Project|Teams|Outlook))")),
    ("doctorate", re.compile(
        r"\bdoctorate\b|\bdoctoral\s+degree\b|\bph\.?\s?d\b|\bpharm\.?\s?d\b|\bM\.D\.|"
        r"\bterminal\s+degree\b|\bMBBS\b|\bM\.B\.B\.S\b|\bD\.O\.", re.I)),
    ("doctorate", re.compile(r"(?<!, )\bMD\b(?!\s*(?:Anderson|\d{5}))")),
)
_NO_DEGREE_RE = re.compile(r"\bno\s+(?:college\s+)?degree\s+(?:is\s+)?(?:required|necessary)",
                           re.I)
_DEGREE_HINTS = ("degree", "diploma", "graduat", "ged", "education", "bachelor", "master",
                 "doctor", "phd", "ph.d", "md", "m.d", "mbbs", "ba", "bs", "ms", "mph", "b.s",
                 "b.a", "bsn", "msn", "pharm", "bsc", "msc", "a.a")
_DEGREE_CONTEXT_RE = re.compile(
    r"\bdegree|diploma|graduat|\bGED\b|education|bachelor|master|doctor|ph\.?\s?d|\bMD\b|"
    r"M\.D\.|MBBS|\bBA\b|\bBS\b|\bMS\b|MPH|B\.S\.|B\.A\.|\bBSN\b|\bMSN\b|pharm\.?\s?d\b|"
    r"\bBSc\b|\bMSc\b", re.I)

_MD_POSITIVE_RE = re.compile(
    r"\b(?:MBBS|M\.B\.B\.S\.?|MB\s?ChB|BMBS|M\.D\.(?!\s*Anderson)|foreign\s+medical\s+(?:graduate|degree|"
    r"school)|international\s+medical\s+graduates?|\bIMGs?\b|\bFMGs?\b|ECFMG|medical\s+degree|"
    r"medical\s+doctor|graduates?\s+of\s+(?:a\s+|an\s+)?(?:foreign\s+|international\s+)?medical"
    r"\s+school|physicians?\s+trained\s+(?:abroad|outside|internationally)|"
    r"(?:foreign|international)[- ]trained\s+(?:physicians?|doctors?|clinicians?)|"
    r"(?:or\s+)?(?:its\s+)?(?:foreign|international)\s+equivalent|equivalent\s+(?:degree\s+)?"
    r"from\s+(?:a\s+|an\s+)?(?:foreign|non-U\.?S\.?|international)|"
    r"(?:foreign|international)\s+(?:degrees?|credentials?)\s+(?:are\s+|will\s+be\s+)?"
    r"(?:accepted|considered|welcome))",
    re.I,
)
_MD_HINTS = ("md", "m.d", "mbbs", "m.b", "mb", "bmbs", "medic", "foreign", "international",
             "img", "fmg", "ecfmg", "physician", "equivalent", "u.s", "united states",
             "accredited", "abroad", "outside")
_MD_HINT_RE = re.compile(r"(?i)\bM\.?D\b|MBBS|M\.B|MB\s?ChB|BMBS|medic|foreign|international|"
                         r"\bIMG|\bFMG|ECFMG|physician|equivalent|U\.?S\.|United\s+States|"
                         r"accredited|abroad|outside")
_MD_NEGATIVE_RE = re.compile(
    r"\b(?:(?:foreign|international|non-U\.?S\.?)\s+(?:medical\s+)?(?:degrees?|credentials?|"
    r"graduates?)\s+(?:are\s+|is\s+|will\s+)?not\s+(?:be\s+)?(?:accepted|considered|eligible)|"
    r"(?:degree|diploma)\s+(?:must\s+be\s+)?from\s+(?:a|an)\s+(?:regionally\s+)?accredited\s+"
    r"(?:U\.?S\.?|United\s+States|American)\b|U\.?S\.?\s+(?:bachelor'?s\s+|medical\s+)?degree\s+"
    r"(?:is\s+)?required|must\s+have\s+graduated\s+from\s+a\s+U\.?S\.?|(?:MD|MBBS|medical)\s+degrees?\s+"
    r"(?:holders\s+)?(?:are\s+|will\s+)?not\s+(?:be\s+)?(?:accepted|considered))",
    re.I,
)
_MD_QUAL_CONTEXT_RE = re.compile(
    r"degree|graduate|qualif|accept|consider|equivalent|welcome|encourag|prefer|require|"
    r"eligib|\bPhD|Ph\.D|MPH|\bBS\b|\bBA\b|bachelor|master|doctor|education|or\s+higher|holder|"
    r"PharmD|\bDO\b",
    re.I,
)

# --- licences ---------------------------------------------------------------------------

_LICENCES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("NP", re.compile(r"\bnurse\s+practitioner\b|\bAPRN\b|\bCRNP\b|\bFNP\b|\bNP\s+licen[cs]",
                      re.I)),
    ("LPN", re.compile(r"\bLPN\b|\bLVN\b|\blicensed\s+(?:practical|vocational)\s+nurse", re.I)),
    ("RN", re.compile(r"\bRN\b|\bregistered\s+(?:professional\s+)?nurse\b", re.I)),
    ("PA", re.compile(r"\bphysician\s+assistant\b|\bPA-C\b", re.I)),
    ("Physician", re.compile(
        r"\blicensed\s+(?:physician|to\s+practice\s+medicine)|\bmedical\s+licen[cs]e|"
        r"\blicen[cs]e\s+to\s+practice\s+medicine|\bunrestricted\s+(?:medical\s+)?licen[cs]e|"
        r"\b(?:MD|DO)\s+licen[cs]e|\bboard[- ]certified\s+physician", re.I)),
    ("Pharmacist", re.compile(r"\blicensed\s+pharmacist|\bpharmacist\s+licen[cs]e|\bRPh\b",
                              re.I)),
    ("LCSW", re.compile(r"\bLCSW\b|\bLMSW\b|\blicensed\s+(?:clinical\s+|master\s+)?social\s+"
                        r"worker", re.I)),
    ("Psychologist", re.compile(r"\blicensed\s+(?:clinical\s+)?psychologist", re.I)),
    ("RRT", re.compile(r"\bRRT\b|\bregistered\s+respiratory\s+therapist", re.I)),
    ("Professional licence", re.compile(
        r"\b(?:state|professional|clinical)\s+(?:[a-z]+\s+){0,2}licen(?:[cs]e|sure)\b|"
        r"\blicensed\s+(?:clinician|"
        r"healthcare\s+professional|health\s+care\s+professional)", re.I)),
)
_LICENCE_WORD_RE = re.compile(
    r"licen[cs]|registered|\bmust\s+be\s+(?:an?\s+)?(?:RN|nurse)|\bRN\s+(?:required|only)|"
    r"\bactive\b|\bcurrent\b|\bvalid\b|\bunrestricted\b|\bin\s+good\s+standing", re.I)
_LICENCE_SOFT_RE = re.compile(
    r"\b(?:preferred|preferably|desired|a\s+plus|an\s+asset|helpful|eligible\s+(?:for|to)|"
    r"eligibility\s+(?:for|to)|or\s+(?:be\s+)?eligible|not\s+(?:required|necessary)|"
    r"if\s+(?:licensed|applicable)|no\s+(?:\w+\s+)?licen[cs]e|does\s+not\s+require|"
    r"nice\s+to\s+have|optional|welcome|not\s+needed|encouraged|also\s+considered|"
    r"may\s+apply|can\s+apply)\b",
    re.I,
)
_LICENCE_HINTS = ("licen", "rn", "nurse", "registered", "practitioner", "aprn", "crnp", "fnp",
                  "lpn", "lvn", "pa-c", "physician", "pharmac", "rph", "social worker", "lcsw",
                  "lmsw", "psycholog", "rrt", "respiratory")
_LICENCE_HINT_RE = re.compile(r"(?i)licen|\bRN\b|nurse|registered|practitioner|APRN|CRNP|FNP|"
                              r"LPN|LVN|PA-C|physician|pharmac|RPh|social\s+worker|LCSW|"
                              r"LMSW|psycholog|RRT|respiratory")
_LICENCE_IGNORE_RE = re.compile(
    r"driver'?s'?\s+licen[cs]e|driving\s+licen[cs]e|software\s+licen|licen[cs]e\s+agreement|"
    r"licensed\s+(?:under|products?|software|technolog)|commercial\s+driver|\bCDL\b|"
    r"phlebotom",
    re.I,
)
_LICENCE_DUTY_RE = re.compile(
    r"\b(?:RNs|nurses|nursing\s+staff|physicians|providers)\b|\b(?:with|alongside|support|"
    r"supports|assist|assists|assisting|collaborat\w+|works?)\s+(?:with\s+)?(?:the\s+)?"
    r"(?:research\s+)?(?:RN|nurse)s?\b",
    re.I,
)

# --- certifications, skills, languages --------------------------------------------------

_CERTS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("ACRP-CP", re.compile(r"\bACRP[- ]CP\b", re.I)),
    ("CCRC", re.compile(r"\bCCRC\b")),
    ("CCRA", re.compile(r"\bCCRA\b")),
    ("CCRP", re.compile(r"\bCCRP\b|\bSoCRA\s+(?:certification|certified|certificate)", re.I)),
    ("ACRP", re.compile(r"\bACRP\b(?![- ]CP)")),
    ("CCRP", re.compile(r"\bSoCRA\b")),
    ("CRC certification", re.compile(
        r"\b(?:clinical\s+research|CRC|research\s+coordinator)\s+certification\b", re.I)),
    ("CCDM", re.compile(r"\bCCDM\b")),
    ("RAC", re.compile(r"\bRAC\b|\bregulatory\s+affairs\s+certification", re.I)),
    ("GCP", re.compile(r"\bGCP\b|\bgood\s+clinical\s+practice\b", re.I)),
    ("CITI", re.compile(r"\bCITI\b", re.I)),
    ("HIPAA", re.compile(r"\bHIPAA\s+(?:training|certification|certificate)", re.I)),
    ("IATA", re.compile(r"\bIATA\b|\bdangerous\s+goods\b|\bDOT\s*/\s*IATA\b", re.I)),
    ("Phlebotomy", re.compile(
        r"\bphlebotomy\s+(?:certification|certificate|license|licensure|credential)|"
        r"\bcertified\s+phlebotom\w+|\bphlebotomy\s+technician\b|\bCPT\s?(?:I|1)\b", re.I)),
    ("BLS", re.compile(r"\bBLS\b|\bbasic\s+life\s+support\b", re.I)),
    ("ACLS", re.compile(r"\bACLS\b|\badvanced\s+cardi(?:ac|ovascular)\s+life\s+support", re.I)),
    ("PALS", re.compile(r"\bPALS\b|\bpediatric\s+advanced\s+life\s+support", re.I)),
    ("CPR", re.compile(r"\bCPR\b")),
)
_CERT_CONTEXT_RE = re.compile(
    r"certif|training|credential|licen|\bCCR[CPA]\b|\bACRP\b|\bBLS\b|\bACLS\b|\bPALS\b|\bCPR\b|"
    r"\bCITI\b|\bGCP\b|\bIATA\b|\bCCDM\b|\bRAC\b|dangerous goods|course|complete|obtain",
    re.I,
)
_CERT_HINTS = ("certif", "training", "credential", "licen", "ccr", "acrp", "socra", "bls",
               "acls", "pals", "cpr", "citi", "gcp", "good clinical", "iata", "dangerous",
               "ccdm", "rac", "regulatory affairs", "phleb", "hipaa", "life support", "cpt")
#: Substrings without which a certificate pattern cannot match (cheap pre-check).
_CERT_NAME_HINTS: dict[str, tuple[str, ...]] = {
    "ACRP-CP": ("acrp",), "CCRC": ("ccrc",), "CCRA": ("ccra",), "CCRP": ("ccrp", "socra"),
    "ACRP": ("acrp",), "CRC certification": ("certification",), "CCDM": ("ccdm",),
    "RAC": ("rac", "regulatory affairs"), "GCP": ("gcp", "good clinical"), "CITI": ("citi",),
    "HIPAA": ("hipaa",), "IATA": ("iata", "dangerous"), "Phlebotomy": ("phleb", "cpt"),
    "BLS": ("bls", "basic life"), "ACLS": ("acls", "advanced cardi"),
    "PALS": ("pals", "pediatric advanced"), "CPR": ("cpr",),
}
_TRAINING_RE = re.compile(r"certif|training|course|complet|credential", re.I)
_UNIT_WORDS = r"(?:\d{1,3}|one|two|three|four|five|six|nine|twelve|eighteen|thirty|sixty|ninety)"
_OBTAIN_RE = re.compile(
    rf"\bwithin\s+(?:the\s+first\s+)?(?P<n>{_UNIT_WORDS})(?:\s*\(\s*\d{{1,3}}\s*\))?\s*"
    rf"(?P<unit>days?|weeks?|months?|years?|yrs?)\b|"
    rf"\bwithin\s+(?:the\s+first\s+|one\s+)?(?P<unit2>year|month)\b|"
    rf"\b(?P<before>prior\s+to\s+(?:start|starting|hire|the\s+first\s+day|beginning|working)|"
    rf"before\s+(?:start|starting|beginning\s+work|the\s+first\s+day)|upon\s+hire|"
    rf"by\s+the\s+end\s+of\s+(?:the\s+)?first\s+year)",
    re.I,
)
_OBTAIN_VERB_RE = re.compile(r"\b(?:obtain\w*|complet\w+|achiev\w+|earn\w*|become|acquir\w+|"
                             r"get|pass\w*|attain\w*|must\s+be\s+certified|certified)\b", re.I)
_UNIT_NUMBERS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "nine": 9,
                 "twelve": 12, "eighteen": 18, "thirty": 30, "sixty": 60, "ninety": 90}

_SKILLS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("REDCap", re.compile(r"\bREDCap\b", re.I)),
    ("Medidata Rave", re.compile(r"\bMedidata\b|\bRave\b(?:\s+EDC)?")),
    ("InForm", re.compile(r"\bInForm\b|\bOracle\s+InForm\b")),
    ("OpenClinica", re.compile(r"\bOpenClinica\b", re.I)),
    ("Veeva", re.compile(r"\bVeeva\b", re.I)),
    ("OnCore", re.compile(r"\bOnCore\b", re.I)),
    ("Velos", re.compile(r"\bVelos\b")),
    ("Medrio", re.compile(r"\bMedrio\b")),
    ("Florence", re.compile(r"\bFlorence\s+(?:eBinders?|eReg)", re.I)),
    ("Epic", re.compile(r"\bEpic\b(?!\s+Games)|\bEPIC\b")),
    ("Cerner", re.compile(r"\bCerner\b", re.I)),
    ("CTMS", re.compile(r"\bCTMS\b")),
    ("EDC", re.compile(r"\bEDC\b|\belectronic\s+data\s+capture\b", re.I)),
    ("Microsoft Office", re.compile(r"\b(?:Microsoft|MS)\s+Office\b|\bMicrosoft\s+365\b", re.I)),
    ("Excel", re.compile(r"\bExcel\b(?!\s+in\b)")),
    ("SAS", re.compile(r"\bSAS\b")),
    ("SPSS", re.compile(r"\bSPSS\b")),
    ("Stata", re.compile(r"\bStata\b|\bSTATA\b")),
    ("R", re.compile(r"\bR\b(?=\s*(?:programming|statistical|software|Studio|,\s*(?:SAS|Stata|"
                     r"Python|SPSS)|\s+(?:and|or)\s+(?:SAS|Stata|Python|SPSS)))|\bRStudio\b")),
    ("Python", re.compile(r"\bPython\b")),
    ("SQL", re.compile(r"\bSQL\b")),
    ("Qualtrics", re.compile(r"\bQualtrics\b", re.I)),
    ("Argus", re.compile(r"\bArgus\b")),
    ("ArisG", re.compile(r"\bAris\s?G\b", re.I)),
    ("MedDRA", re.compile(r"\bMedDRA\b", re.I)),
    ("WHO-DD", re.compile(r"\bWHO[- ]?DD\b|\bWHODrug\b", re.I)),
    ("CTCAE", re.compile(r"\bCTCAE\b")),
    ("Phlebotomy", re.compile(r"\bphlebotomy\b|\bvenipuncture\b|\bblood\s+draws?\b", re.I)),
    ("ECG", re.compile(r"\bECGs?\b|\bEKGs?\b")),
    ("Vital signs", re.compile(r"\bvital\s+signs\b|\bvitals\b", re.I)),
    ("Informed consent", re.compile(r"\binformed\s+consent\b|\bconsent(?:ing)?\s+(?:of\s+)?"
                                    r"(?:participants|subjects|patients)", re.I)),
    ("Specimen processing", re.compile(
        r"\bspecimens?\s+(?:processing|collection|handling|shipping|shipment)|\bprocess(?:ing)?\s+"
        r"(?:and\s+ship(?:ping)?\s+)?(?:of\s+)?(?:biological\s+)?(?:specimens|samples)|"
        r"\bcentrifug\w+", re.I)),
    ("IRB submissions", re.compile(r"\bIRB\s+(?:submissions?|applications?|amendments?|"
                                   r"continuing\s+reviews?)|\bsubmissions?\s+to\s+(?:the\s+)?IRB",
                                   re.I)),
    ("Regulatory binders", re.compile(r"\bregulatory\s+binders?\b|\b(?:ISF|eISF|eTMF|TMF)\b")),
    ("Query resolution", re.compile(r"\b(?:data\s+)?quer(?:y|ies)\s+(?:resolution|management)|"
                                    r"\bresolv\w+\s+(?:data\s+)?queries", re.I)),
    ("Data abstraction", re.compile(r"\b(?:data|chart|medical\s+record)\s+abstraction|"
                                    r"\babstract(?:ing)?\s+(?:clinical\s+)?data", re.I)),
    ("AE/SAE reporting", re.compile(r"\b(?:serious\s+)?adverse\s+events?\b|\bAE/SAE\b|\bSAEs?\b",
                                    re.I)),
    ("IP accountability", re.compile(r"\b(?:investigational\s+product|IP|drug|study\s+drug)\s+"
                                     r"accountability\b", re.I)),
)

_SKILL_HINTS: dict[str, tuple[str, ...]] = {
    "Medidata Rave": ("medidata", "rave"), "Florence": ("florence",), "Epic": ("epic",),
    "EDC": ("edc", "electronic data"), "Microsoft Office": ("office", "365"),
    "R": ("r ", "r,", "rstudio"), "ArisG": ("aris",), "WHO-DD": ("who", "drug"),
    "Phlebotomy": ("phleb", "venipunct", "blood draw"), "ECG": ("ecg", "ekg"),
    "Vital signs": ("vital",), "Informed consent": ("consent",),
    "Specimen processing": ("specimen", "sample", "centrifug"),
    "IRB submissions": ("irb",), "Regulatory binders": ("binder", "isf", "tmf"),
    "Query resolution": ("quer",), "Data abstraction": ("abstract",),
    "AE/SAE reporting": ("adverse", "sae"), "IP accountability": ("accountability",),
}
_LANGUAGES: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
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
    r"\btranslat|\binterpret",
    re.I,
)
_LANGUAGE_FALSE_RE = re.compile(r"\bFrench\s+(?:fries|press)|\bPolish(?:ed|ing)?\s+"
                                r"(?:presentation|skills)|\bGreek\s+(?:life|yogurt)", re.I)


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


def _normalise_numbers(clause: str) -> str:
    """"two (2) years" → "2 years", "one and a half years" → "1.5 years"."""
    clause = _HALF_RE.sub(
        lambda m: f"{_NUMBER_WORDS.get(m.group(1).lower(), m.group(1))}.5 {m.group(2)}", clause
    )
    clause = _WORD_NUM_RE.sub(lambda m: str(_NUMBER_WORDS[m.group(1).lower()]), clause)
    return _DIGIT_PAREN_RE.sub(r"\1", clause)


_DEGREE_BLOCKERS = re.compile(r"(?i)experience|certif|licen|knowledge|skills?\b|abilit|"
                              r"proficien|training|familiar")
_EXP_BLOCKERS = re.compile(r"(?i)\bdegree\b|diploma|certif|licen|bachelor|master")
_CERT_BLOCKERS = re.compile(r"(?i)experience|\bdegree\b|diploma|licen|knowledge|skills?\b")
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
        substitution = bool(_SUBSTITUTE_RE.search(part))
        degrees = [(m.start(), level) for level, pattern in _DEGREE_PATTERNS
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


def _extract_experience(clauses: list[Clause], req: dict[str, object]) -> None:
    required: list[tuple[_Mention, str]] = []
    preferred: list[tuple[_Mention, str]] = []
    zero_ev = None
    bachelor_sub: tuple[int, str] | None = None
    evidence: dict[str, str] = req["evidence"]  # type: ignore[assignment]
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


def _extract_degree(clauses: list[Clause], req: dict[str, object]) -> None:
    evidence: dict[str, str] = req["evidence"]  # type: ignore[assignment]
    required_levels: list[tuple[str, str]] = []
    preferred_seen = None
    for clause in clauses:
        text = clause.text
        if not _DEGREE_CONTEXT_RE.search(text):
            continue
        if _NO_DEGREE_RE.search(text):
            req["degree_min"] = "none"
            evidence["degree_min"] = evidence_text(text)
            return
        mentions = [(m.start(), m.end(), level) for level, pattern in _DEGREE_PATTERNS
                    for m in itertools.islice(pattern.finditer(text), 3)]
        if not mentions:
            continue
        if clause.label == "other" and not REQUIRED_CUE_RE.search(text):
            continue
        if _SUBSTITUTE_RE.search(text) and not re.search(r"(?i)\brequired\b", text) and \
                required_levels:
            continue
        for start, end, level in mentions:
            label = mention_label(clause, start, end, _DEGREE_BLOCKERS)
            if label == "preferred":
                preferred_seen = preferred_seen or text
            elif label != "other":
                required_levels.append((level, text))
    if required_levels:
        level, text = min(required_levels, key=lambda item: _RANK[item[0]])
        req["degree_min"] = level
        evidence["degree_min"] = evidence_text(text)
    elif preferred_seen is not None:
        req["degree_min"] = "none"
        evidence["degree_min"] = "only preferred: " + evidence_text(preferred_seen)


_DEGREE_LIST_BEFORE_RE = re.compile(
    r"(?i)\b(?:PhD|Ph\.D\.?|PharmD|DO|D\.O\.|RN|MPH|MS|BS|BA|NP|PA|DNP|MBBS|DDS|MSN|BSN|"
    r"and|or)\s*[,/]?\s*$")


def _md_tokens(text: str) -> list[re.Match[str]]:
    """"MD" as a degree, not "Baltimore, MD 21231" or "MD Anderson"."""
    out = []
    for match in re.finditer(r"\bMD\b", text):
        before = text[max(0, match.start() - 20): match.start()]
        after = text[match.end(): match.end() + 12]
        if re.match(r"\s*(?:Anderson|\d{5})", after):
            continue
        if re.search(r"[A-Z][a-z]+,\s*$", before) and not _DEGREE_LIST_BEFORE_RE.search(before):
            continue
        out.append(match)
    return out


def _extract_md(clauses: list[Clause], req: dict[str, object]) -> None:
    evidence: dict[str, str] = req["evidence"]  # type: ignore[assignment]
    clauses = [c for c in clauses if _MD_HINT_RE.search(c.text)]
    for clause in clauses:
        if _MD_NEGATIVE_RE.search(clause.text):
            req["md_accepted"] = 0
            evidence["md_accepted"] = evidence_text(clause.text)
            return
    for clause in clauses:
        text = clause.text
        positive = _MD_POSITIVE_RE.search(text)
        tokens = _md_tokens(text) if not positive else []
        if positive or (tokens and _MD_QUAL_CONTEXT_RE.search(text)):
            # "work with MDs and nurses" or "MD Anderson" are not degree statements.
            if not positive and re.search(r"(?i)\b(?:with|alongside|support|assist)\b[^.]{0,20}"
                                          r"\bMDs?\b", text):
                continue
            req["md_accepted"] = 1
            evidence["md_accepted"] = evidence_text(text)
            return


_LICENCE_ALTERNATIVE_RE = re.compile(
    r"(?i)\b(?:PharmD|Pharm\.D|MD|M\.D\.|PhD|MPH|MBBS|degree|equivalent|pharmacist|physician)\b")


def _extract_licence(clauses: list[Clause], req: dict[str, object]) -> None:
    evidence: dict[str, str] = req["evidence"]  # type: ignore[assignment]
    for clause in clauses:
        label, text = clause.label, clause.text
        if label in ("preferred", "other") or not _LICENCE_HINT_RE.search(text):
            continue
        if _LICENCE_IGNORE_RE.search(text) and not re.search(
                r"(?i)\bRN\b|registered nurse|nurse practitioner", text):
            continue
        for name, pattern in _LICENCES:
            match = pattern.search(text)
            if not match:
                continue
            if _LICENCE_SOFT_RE.search(text):
                break
            if _LICENCE_DUTY_RE.search(text) and not re.search(
                    r"(?i)licen[cs]|must\s+be|required", text):
                break
            around = text[max(0, match.start() - 40): match.end() + 40]
            if re.search(r"(?i)\bor\b", around) and _LICENCE_ALTERNATIVE_RE.search(around) and \
                    not re.search(r"(?i)licen[cs]", around):
                break  # "RN, PharmD, MD or equivalent": one degree option among several
            strong = _LICENCE_WORD_RE.search(text) or REQUIRED_CUE_RE.search(text)
            if label == "unknown" and not strong:
                break
            if label == "required" and not (strong or name in ("RN", "LPN", "NP", "PA")):
                break
            req["licence_required"] = 1
            req["licence_required_name"] = name
            evidence["licence_required"] = evidence_text(text)
            return


def _months_from(number: str | None, unit: str | None) -> int:
    if number is None or unit is None:
        return 0
    value = int(number) if number.isdigit() else _UNIT_NUMBERS.get(number.lower(), 0)
    unit = unit.lower()
    if unit.startswith("day"):
        return max(1, math.ceil(value / 30))
    if unit.startswith("week"):
        return max(1, math.ceil(value * 7 / 30))
    if unit.startswith(("year", "yr")):
        return value * 12
    return value


def _extract_certifications(clauses: list[Clause], req: dict[str, object]) -> None:
    evidence: dict[str, str] = req["evidence"]  # type: ignore[assignment]
    required: list[str] = []
    preferred: list[str] = []
    within: list[dict[str, object]] = []
    for clause in clauses:
        text = clause.text
        if not _CERT_CONTEXT_RE.search(text):
            continue
        found: list[tuple[str, re.Match[str]]] = []
        for name, pattern in _CERTS:
            if not any(hint in clause.low for hint in _CERT_NAME_HINTS[name]):
                continue
            match = pattern.search(text)
            if match and all(name != n for n, _m in found):
                found.append((name, match))
        certif_word = re.search(r"(?i)certif", text)
        found = [(n, m) for n, m in found
                 if not (n == "GCP" and not _TRAINING_RE.search(text))  # "knowledge of GCP"
                 and not (n in ("ACRP", "CCRP") and m.group(0).upper() in ("ACRP", "SOCRA")
                          and not certif_word)]  # the organisations, not a credential
        names = [n for n, _m in found]
        if "ACRP-CP" in names and "ACRP" in names:
            found = [(n, m) for n, m in found if n != "ACRP"]
        if len(found) > 1:
            found = [(n, m) for n, m in found if n != "CRC certification"]
        if not found:
            continue
        obtain = _OBTAIN_RE.search(text)
        if obtain and (_OBTAIN_VERB_RE.search(text) or re.search(
                r"(?i)\bof\s+(?:the\s+)?(?:hire|start|employment|date\s+of\s+hire)", text)):
            if obtain.group("before"):
                months = 0 if "first year" not in obtain.group("before").lower() else 12
            elif obtain.group("unit2"):
                months = 12 if obtain.group("unit2").lower() == "year" else 1
            else:
                months = _months_from(obtain.group("n"), obtain.group("unit"))
            for name, _match in found:
                if all(item["name"] != name for item in within):
                    within.append({"name": name, "months": months})
            evidence.setdefault("certifications_obtain_within", evidence_text(text))
            continue
        for name, match in found:
            label = mention_label(clause, match.start(), match.end(), _CERT_BLOCKERS)
            if label == "preferred":
                target, key = preferred, "certifications_preferred"
            elif label == "required":
                target, key = required, "certifications_required"
            else:
                continue
            if name not in target:
                target.append(name)
            evidence.setdefault(key, evidence_text(text))
    obtained = {item["name"] for item in within}
    req["certifications_required"] = [n for n in required if n not in obtained]
    req["certifications_preferred"] = [n for n in preferred
                                       if n not in required and n not in obtained]
    req["certifications_obtain_within"] = within


def _extract_skills(text: str) -> list[str]:
    found: list[tuple[int, str]] = []
    lower = lower_same_length(text)
    for name, pattern in _SKILLS:
        hints = _SKILL_HINTS.get(name, (name.lower(),))
        if not any(hint in lower for hint in hints):
            continue
        match = search_near(pattern, text, lower, hints, before=40, after=60, limit=10)
        if match:
            found.append((match.start(), name))
    return [name for _pos, name in sorted(found)]


def _extract_languages(clauses: list[Clause], req: dict[str, object]) -> None:
    evidence: dict[str, str] = req["evidence"]  # type: ignore[assignment]
    langs: list[str] = []
    required: list[str] = []
    body = " ".join(c.low for c in clauses)
    present = [(name, pattern) for name, pattern in _LANGUAGES
               if (name.split()[-1].lower() if name != "ASL" else "asl") in body
               or (name == "ASL" and "sign language" in body)
               or (name == "Tagalog" and "filipino" in body)
               or (name == "Farsi" and "persian" in body)
               or (name == "Bengali" and "bangla" in body)]
    if not present:
        req["languages"], req["languages_required"] = langs, required
        return
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
        clause = _cue_label(clause)
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
    req["languages"] = langs
    req["languages_required"] = required


_SIGNAL_HINTS: dict[str, tuple[str, ...]] = {
    "experience": _EXP_HINTS, "degree": _DEGREE_HINTS, "md": _MD_HINTS,
    "licence": _LICENCE_HINTS, "cert": _CERT_HINTS,
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


#: Canonical-name tables, public for the matcher (it maps users' free text onto the same
#: names enrichment writes): (canonical name, compiled pattern).
SKILL_PATTERNS = _SKILLS
LANGUAGE_PATTERNS = _LANGUAGES
CERT_PATTERNS = _CERTS


def extract_requirements(text: str | None) -> Requirements:
    """All requirement facts for one posting's plain text."""
    body = clip_text(text)
    if not body.strip():
        return Requirements()
    clauses = _sectioned_clauses(body)
    index = _signal_index(clauses)
    req: dict[str, object] = {"evidence": {}}
    labelled: dict[int, Clause] = {}  # cue labels, computed once per clause
    _extract_experience(_pick(clauses, index["experience"], labelled, 20), req)
    _extract_degree(_pick(clauses, index["degree"], labelled), req)
    _extract_md(_pick(clauses, index["md"], labelled), req)
    _extract_licence(_pick(clauses, index["licence"], labelled), req)
    _extract_certifications(_pick(clauses, index["cert"], labelled), req)
    req["skills"] = _extract_skills(body)
    evidence: dict[str, str] = req["evidence"]  # type: ignore[assignment]
    if req["skills"]:
        evidence["skills"] = ", ".join(req["skills"])  # type: ignore[arg-type]
    _extract_languages(clauses, req)
    return Requirements(**req)  # type: ignore[arg-type]
