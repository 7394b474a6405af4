"""Posting text: HTML made safe to show, plain text, and the clause helpers every
extractor shares.

Posting HTML is untrusted: it goes through one reusable nh3 cleaner before anyone
renders it, and links keep only http(s)/mailto schemes.

The extractors in ``enrich/`` read plain text through the helpers below: ``clip_text``
bounds the work per posting, ``split_clauses`` cuts sentences and list items,
``sectioned_clauses`` / ``cue_label`` say whether a clause sits under "Minimum" or
"Preferred Qualifications" and what its own words say, and ``evidence_text`` makes the
one-line quote a digest shows.
"""

from __future__ import annotations

import html
import itertools
import re
from typing import Any, NamedTuple

import html_text
import nh3

ALLOWED_TAGS = {
    "a", "b", "strong", "i", "em", "u", "p", "br", "ul", "ol", "li", "h1", "h2", "h3", "h4",
    "h5", "h6", "div", "span", "table", "thead", "tbody", "tr", "td", "th", "blockquote", "hr",
    "sub", "sup", "pre", "code",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "td": {"colspan", "rowspan"}, "th": {"colspan", "rowspan"}}

_CLEANER = nh3.Cleaner(
    tags=ALLOWED_TAGS,
    attributes=ALLOWED_ATTRIBUTES,
    url_schemes={"http", "https", "mailto"},
    link_rel="noopener noreferrer nofollow",
    strip_comments=True,
)

#: What XML 1.0 forbids (a NUL, most C0 controls, lone surrogates, U+FFFE/U+FFFF): one such
#: character in a title makes the Atom feed unreadable, so none is ever stored.
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_ESCAPED_TAG = re.compile(r"&lt;\s*/?\s*[a-zA-Z][a-zA-Z0-9]*[\s&>/]")
_BLANK_LINES = re.compile(r"\n{3,}")


def xml_legal(text: str) -> str:
    """``text`` without the characters XML 1.0 forbids."""
    return _XML_ILLEGAL.sub("", text) if _XML_ILLEGAL.search(text) else text


def xml_legal_value(value: Any) -> Any:
    """The same for every string inside a JSON-like value (lists, dicts, their keys)."""
    if isinstance(value, str):
        return xml_legal(value)
    if isinstance(value, list):
        return [xml_legal_value(item) for item in value]
    if isinstance(value, dict):
        return {xml_legal_value(k): xml_legal_value(v) for k, v in value.items()}
    return value


def unescape_if_escaped(fragment: str) -> str:
    """Greenhouse sends HTML whose tags are entity-escaped; unescape exactly once."""
    if "<" not in fragment and _ESCAPED_TAG.search(fragment):
        return html.unescape(fragment)
    return fragment


def sanitise_html(fragment: str | None) -> str | None:
    if fragment is None:
        return None
    return _CLEANER.clean(unescape_if_escaped(fragment))


def html_to_text(fragment: str | None) -> str | None:
    if fragment is None:
        return None
    fragment = unescape_if_escaped(fragment)
    if not fragment.strip():
        return ""
    text = html_text.extract_text(fragment, guess_layout=True)
    return _BLANK_LINES.sub("\n\n", text).strip()


def safe_link(url: str | None) -> str | None:
    """Only http(s) links survive into digests and feeds."""
    if not url:
        return None
    url = url.strip()
    return url if url.lower().startswith(("http://", "https://")) else None


# --- clipping, windows and clauses: shared by every extractor ---------------------------

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
    r"^(?:minimum|required|basic|essential|mandatory|must[- ]haves?|specialized\s+experience|"
    r"conditions\s+of\s+employment|key\s+requirements)\b|^(?:requirements?|"
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


def pick_clauses(clauses: list[Clause], indices: set[int], labelled: dict[int, Clause],
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
            labelled[i] = cue_label(clauses[i])
    return [labelled[i] for i in out]


_PREF_HINTS = ("prefer", "desir", "plus", "asset", "nice", "bonus", "advantag", "ideal",
               "strongly", "would be", "helpful", "beneficial", "not required", "not necessary",
               "welcome")
_REQ_HINTS = ("requir", "must", "minimum", "at least", "need", "necessary", "mandatory",
              "essential", "should", "you have", "you bring")


def labelled_clauses(text: str) -> list[Clause]:
    """Clauses labelled required | preferred | other | unknown.

    **Required vs preferred** comes from the clause's own words ("preferred", "a plus",
    "required", "must") first, then from the section heading it sits under ("Minimum
    Qualifications", "Preferred Qualifications").
    """
    return [cue_label(clause) for clause in sectioned_clauses(text)]


def cue_label(clause: Clause) -> Clause:
    """The clause's own words ("preferred", "must") override its section label."""
    text, low, section = clause.text, clause.low, clause.section
    label = section
    if any(h in low for h in _PREF_HINTS) and PREFERRED_CUE_RE.search(text) and \
            not REQUIRED_WORD_RE.search(strip_not_required(text)):
        label = "preferred"
    elif section != "preferred" and any(h in low for h in _REQ_HINTS) and \
            REQUIRED_CUE_RE.search(text):
        label = "required"
    return clause._replace(label=label)


def sectioned_clauses(text: str) -> list[Clause]:
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


REQUIRED_WORD_RE = re.compile(r"(?i)\brequired\b(?!\W+but)")
_NOT_REQUIRED_RE = re.compile(r"(?i)\bnot\s+required\b")


def strip_not_required(clause: str) -> str:
    return _NOT_REQUIRED_RE.sub(" ", clause)
