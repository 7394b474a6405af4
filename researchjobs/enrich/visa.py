"""Work-authorisation signals: will this employer sponsor a visa, and who may apply.

Three outcomes, because most postings say nothing: ``explicit_no`` (the posting refuses
sponsorship, demands citizenship, a security clearance or US-person status),
``possible`` (it offers or allows sponsorship, J-1, cap-exempt filing) and ``unknown``.

Precision on ``explicit_no`` matters most: a wrong "no" hides a job from an IMG who
could have had it. So:

* Negation is checked for every positive phrase ("no visa sponsorship" contains "visa
  sponsorship"), and negation windows stop at "but"/"however"/semicolons.
* The bare verb "sponsor" counts only next to visa vocabulary: in clinical research the
  *study sponsor* is everywhere ("report deviations to the sponsor").
* Traps are skipped: EEO boilerplate ("without regard to … citizenship status"),
  E-Verify notices, "OPT/CPT welcome" (accepts F-1 work authorisation, files nothing),
  "international experience", and refusals limited to green-card sponsorship (an H-1B
  may still be possible).
* A bare "must be authorized to work in the U.S." stays ``unknown`` (green-card and EAD
  holders qualify), recorded as a hint with its evidence.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field

from researchjobs.enrich.text import clip_text, evidence_text, lower_same_length

_US = r"(?:u\.?\s?s\.?(?:\s?a\.?)?|united\s+states|american)"
_ANCHOR_RE = re.compile(
    r"sponsor|visa|citizen|authori[sz]|clearance|\bitar\b|h-?1-?b|\bj-?1\b|immigration|"
    r"permanent\s+resid|green\s+card|work\s+permit|(?:international|foreign)[- ]?(?:trained\s+)?"
    r"(?:candidates|applicants|students|medical|physicians)|\b[oc]pt\b|cap[- ]exempt|\be-?3\b|"
    r"\btn\s+visa|\bo-?1\b|u\.?s\.?\s+persons?|who\s+may\s+apply|e-?verify|"
    r"trained\s+(?:as\s+\w+\s+)?(?:outside|abroad)|eligible\s+to\s+work|right\s+to\s+work",
    re.I,
)
_SENT_END_RE = re.compile(r"[.!?](?=\s+[A-Z(\"'])|\n|;|•")
_ABBREV_TAIL_RE = re.compile(r"(?:\b[A-Za-z]\.[A-Za-z]|\b[A-Z]|e\.g|i\.e|etc|vs|No|Dr|St)$")

_VISA_CONTEXT_RE = re.compile(
    r"visa|h-?1-?b|immigration|work\s+authori[sz]ation|authori[sz]ed\s+to\s+work|"
    r"employment\s+authori[sz]ation|work\s+permit|green\s+card|permanent\s+resid|\bj-?1\b|"
    r"\btn\b|\be-?3\b|\bo-?1\b|\bf-?1\b|\bopt\b|legally\s+(?:authori[sz]ed|eligible)|"
    r"eligible\s+to\s+work|right\s+to\s+work|work\s+in\s+the\s+(?:u\.?s|united)|"
    r"employment\s+(?:visa|eligibility)|candidates?|applicants?",
    re.I,
)
_NEG_WORD = (
    r"(?:no|not|unable\s+to|cannot|can\s?not|can't|will\s+not|won't|do(?:es)?\s+not|don't|"
    r"doesn't|are\s+not\s+able\s+to|is\s+not\s+able\s+to|not\s+able\s+to|not\s+in\s+a\s+"
    r"position\s+to|never|neither|nor)"
)
_BREAK_RE = re.compile(r"\b(?:but|however|although|though|while|whereas|yet|except)\b|[;:]", re.I)
_GREEN_CARD_ONLY_RE = re.compile(
    r"permanent\s+resid\w*|green\s+card|\bPERM\b|labor\s+certification|immigrant\s+visa", re.I
)
_EEO_RE = re.compile(
    r"without\s+regard\s+to|regardless\s+of|discriminat\w*|equal\s+(?:employment\s+)?opportunity|"
    r"protected\s+(?:veteran|class|characteristic)|will\s+receive\s+(?:equal\s+)?consideration",
    re.I,
)

_VISA_TYPE = r"(?:j-?1|h-?1-?b?|tn|o-?1|e-?3|f-?1|h-?1b1)"
_NEGATIVE: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("without_sponsorship", re.compile(
        r"\bwithout\s+(?:the\s+)?(?:need\s+(?:for|of)\s+|requiring\s+|needing\s+|any\s+)?"
        r"(?:(?:current|present|future|now|or|in|the|employer|company|visa|work|immigration|"
        r"h-?1-?b|employment|of|any)\s+){0,8}sponsorship", re.I)),
    ("negated_sponsorship", re.compile(
        rf"\b{_NEG_WORD}\b(?P<gap>[^;:]{{0,60}}?)\b(?:sponsorship|sponsor(?:ing|s|ed)?)\b", re.I)),
    ("sponsorship_not", re.compile(
        r"\bsponsorship\b[^;]{0,40}?\b(?:is|are|will|shall)\s+not\b|\bsponsorship\b[^;.]{0,40}?\b"
        r"(?:is|are)\s+(?:currently\s+)?unavailable\b|\bsponsorship\s*(?:is\s+)?"
        r"(?:not\s+(?:available|provided|offered|possible|an\s+option)|unavailable)|"
        r"\bsponsorship(?:\s+available)?\s*[:\-–]\s*(?:no|none|not\s+available)\b", re.I)),
    ("must_not_require", re.compile(
        r"\bmust\s+not\s+(?:now\s*,?\s*)?(?:or\s+in\s+the\s+future\s*,?\s*)?(?:need|require)"
        r"[^;]{0,40}?sponsorship", re.I)),
    ("requiring_not_considered", re.compile(
        r"\b(?:require|requiring|need|needing|requires|needs)\s+(?:(?:visa|immigration|h-?1-?b|"
        r"employment|work|any|current|future|now|or|in|the)\s+){0,6}sponsorship[^;]{0,60}?\b"
        r"(?:not\s+(?:be\s+)?(?:eligible|considered)|ineligible|will\s+not|cannot|are\s+not|is\s+"
        r"not)", re.I)),
    ("not_accepting_requiring", re.compile(
        r"\bnot\s+(?:be\s+)?(?:accepting|considering|consider|able\s+to\s+consider)\b[^;]{0,40}?"
        r"\b(?:require|requiring|need|needing)\b[^;]{0,30}?sponsorship", re.I)),
    ("any_employer", re.compile(
        r"\b(?:authori[sz]ed|eligible|able)\s+to\s+work\s+(?:in\s+the\s+[\w. ]{2,20}\s+)?for\s+"
        r"(?:any|all)\s+employers?\b", re.I)),
)
_CITIZEN: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("citizen_or_pr", re.compile(
        rf"\b(?:{_US}\s+)?citizens?(?:hip)?\s+(?:or|and|/)\s+(?:lawful\s+|legal\s+)?(?:permanent\s+"
        rf"residen(?:ts?|cy|ce)|green\s+card\s+holders?)\b[^;]{{0,40}}?\b(?:only|required|eligible|"
        rf"must|necessary|considered)\b|\bmust\s+be\s+(?:a\s+)?{_US}\s+citizens?\s+or\s+(?:a\s+)?"
        rf"(?:lawful\s+|legal\s+)?(?:permanent\s+resident|green\s+card\s+holder)|\b(?:only\s+)?"
        rf"{_US}\s+citizens?\s+(?:and|or)\s+(?:lawful\s+)?permanent\s+residents?\s+(?:only|will)",
        re.I)),
    ("citizenship_required", re.compile(
        rf"\b{_US}\s+citizenship\b(?!\s+status)[^;]{{0,30}}?\b(?:is\s+|are\s+)?(?:required|"
        rf"mandatory|a\s+requirement|necessary|needed)\b|\brequires?\s+{_US}\s+citizenship\b",
        re.I)),
    ("must_be_citizen", re.compile(
        rf"\bmust\s+(?:be|hold|have|possess)\s+(?:a\s+|an\s+)?(?:{_US}\s+)citizens?(?:hip)?\b",
        re.I)),
    ("citizens_only", re.compile(
        rf"\b{_US}\s+citizens?\s+only\b|\b(?:open|restricted|limited|available)\s+(?:only\s+)?to\s*:?\s*"
        rf"(?:{_US}\s+)?citizens\b|\bwho\s+may\s+apply\s*:?\s*(?:only\s+)?{_US}\s+citizens\b|"
        rf"\bonly\s+{_US}\s+citizens\b", re.I)),
)
_CLEARANCE_RE = re.compile(
    r"\b(?:security|secret|top\s+secret|ts\s*/\s*sci|dod|government|federal)\s+clearance\b|"
    r"\b(?:active|current|interim)\s+(?:secret|top\s+secret|ts\s*/\s*sci)\b|\bts\s*/\s*sci\b",
    re.I,
)
#: A clearance mention must ask for one: a level, or a requirement word. USAJOBS pages carry
#: a "Security clearance" field whose value is often "Other" or "Not Required".
_CLEARANCE_CUE_RE = re.compile(
    r"\b(?:secret|top\s+secret|ts\s*/\s*sci|required|requires?|must|obtain|maintain|active|"
    r"current|interim|eligib\w*|ability\s+to\s+(?:obtain|hold))\b", re.I)
_CLEARANCE_NEG_RE = re.compile(
    r"\b(?:no|not)\b[^.;]{0,30}clearance|clearance\s*:?\s*(?:is\s+)?not\s+(?:required|needed)|"
    r"clearance\s*:?\s*(?:other|none|n/?a|not\s+applicable)\b|"
    r"public\s+trust", re.I
)
_US_PERSON_RE = re.compile(
    rf"\bITAR\b|\bexport\s+control\w*\b[^;]{{0,80}}?\b{_US}\s+persons?\b|\bmust\s+be\s+"
    rf"(?:a\s+)?{_US}\s+persons?\b", re.I,
)

_POSITIVE: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("sponsorship_available", re.compile(
        r"\b(?:visa|h-?1-?b|immigration|employment|work\s+visa|j-?1)\s+(?:visa\s+)?sponsorship\s+"
        r"(?:is\s+|will\s+be\s+|may\s+be\s+|can\s+be\s+|could\s+be\s+)?(?:available|provided|"
        r"offered|possible|considered|supported)\b|\bsponsorship\s+(?:is\s+|may\s+be\s+)?"
        r"available\b", re.I)),
    ("will_sponsor", re.compile(
        r"\b(?:will|can|may|could|is\s+able\s+to|are\s+able\s+to|able\s+to|willing\s+to|happy\s+"
        r"to|does|do|plan\s+to)\s+(?:consider\s+)?(?:providing\s+|provide\s+|offer\s+|offering\s+)?"
        r"(?:visa\s+|h-?1-?b\s+)?sponsor(?:ship|ing)?\b", re.I)),
    ("eligible_for_sponsorship", re.compile(
        r"\beligible\s+for\s+(?:visa\s+|h-?1-?b\s+|immigration\s+|employment\s+)?sponsorship\b",
        re.I)),
    ("employer_sponsors", re.compile(
        r"\bsponsors?\s+(?:h-?1-?b|visas?|j-?1|tn|o-?1|e-?3|work\s+visas?)\b", re.I)),
    ("open_to_sponsorship", re.compile(
        r"\bopen\s+to\s+(?:international\s+)?(?:candidates|applicants)\s+(?:who\s+)?(?:require|"
        r"requiring|needing|need)\s+(?:visa\s+)?sponsorship", re.I)),
    ("offers_sponsorship", re.compile(
        r"\b(?:offers?|provides?|supports?)\s+(?:(?:h-?1-?b|visa|immigration|employment)\s+){1,3}"
        r"sponsorship\b", re.I)),
    ("requiring_welcome", re.compile(
        r"\b(?:candidates|applicants)\s+(?:who\s+)?(?:require|requiring|need|needing)\s+(?:visa\s+|"
        r"h-?1-?b\s+)?sponsorship\s+(?:are\s+)?(?:welcome|encouraged|eligible|considered)|"
        r"\b(?:welcomes?|encourages?|invites?)\s+(?:international\s+)?(?:candidates|applicants)\s+"
        r"(?:who\s+)?(?:require|requiring|need|needing)\s+(?:visa\s+|h-?1-?b\s+)?sponsorship", re.I)),
    ("files_h1b", re.compile(r"\b(?:files?|filing|submits?)\s+h-?1-?b\s+petitions?\b", re.I)),
    ("j1", re.compile(
        r"\bj-?1\b[^;]{0,40}?\b(?:visa|sponsor\w*|scholar|exchange|eligible|available)\b|"
        r"\b(?:visa|sponsor\w*)\b[^;]{0,40}?\bj-?1\b", re.I)),
    ("cap_exempt", re.compile(r"\bcap[- ]exempt\b", re.I)),
    ("other_visa", re.compile(r"\b(?:tn|e-?3|o-?1)\s+visas?\b", re.I)),
    ("visa_support", re.compile(r"\b(?:immigration|visa)\s+(?:support|assistance)\b", re.I)),
    ("supports_visas", re.compile(
        rf"\b(?:supports?|sponsors?|offers?|provides?|accepts?|consider\w*|files?\s+for)\s+(?:both\s+)?"
        rf"{_VISA_TYPE}(?:\s*(?:,|/|and|or)\s*{_VISA_TYPE})*\s+(?:visas?|status|petitions?)\b", re.I)),
    # Weakest: who is welcome, not what the employer files. Ranked last, so an explicit
    # sponsorship sentence anywhere in the posting is the evidence shown instead.
    ("international_welcome", re.compile(
        r"\b(?:international|foreign)(?:[- ]trained)?\s+(?:candidates|applicants|medical\s+"
        r"graduates|physicians|scholars)\b[^.;]{0,60}?\b(?:are\s+)?(?:welcome|encouraged|"
        r"eligible|considered)\b|\b(?:physicians?\s+trained|trained\s+as\s+physicians?)\s+"
        r"(?:outside|abroad)\b[^.;]{0,40}?\b(?:welcome|encouraged|eligible|considered)\b", re.I)),
)
#: Rank of each positive pattern: the sentence shown as evidence is the best-ranked one.
_POSITIVE_RANK = {name: rank for rank, (name, _pattern) in enumerate(_POSITIVE)}
_NEGATION_BEFORE_RE = re.compile(
    r"\b(?:no|not|unable|cannot|can't|won't|never|without|neither|nor|n't|don't|doesn't)\b"
    r"[^;:]{0,45}$", re.I,
)
_NEGATION_AFTER_RE = re.compile(r"^\s*[:\-–]?\s*(?:no|not|none|n/a)\b", re.I)

_HINTS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("authorized_to_work", re.compile(
        r"\b(?:legally\s+)?(?:authori[sz]ed|eligible)\s+to\s+work\s+in\s+the\s+(?:u\.?s|united)",
        re.I)),
    ("screening_question", re.compile(
        r"\bwill\s+you\s+now\s+or\s+in\s+the\s+future\s+require\b", re.I)),
    ("opt_cpt_welcome", re.compile(r"\b(?:stem\s+)?(?:opt|cpt)\b[^.;]{0,40}?\b(?:welcome|"
                                   r"accepted|eligible|encouraged|candidates)\b", re.I)),
    ("e_verify", re.compile(r"\be-?verify\b", re.I)),
    ("green_card_not_sponsored", re.compile(
        r"\b(?:permanent\s+residen\w*|green\s+card)\s+sponsorship\b[^;]{0,40}?\bnot\b|\bnot\b"
        r"[^;]{0,40}?\b(?:permanent\s+residen\w*|green\s+card)\s+sponsorship", re.I)),
)


#: Cheap substring pre-checks: a pattern runs only when one of its words is present.
_HINT_WORDS: dict[str, tuple[str, ...]] = {
    "authorized_to_work": ("authori", "eligible"),
    "screening_question": ("future",),
    "opt_cpt_welcome": ("opt", "cpt"),
    "e_verify": ("verify",),
    "green_card_not_sponsored": ("green", "permanent"),
}
_POSITIVE_WORDS = ("sponsor", "international", "foreign", "j-1", "j1", "cap", "visa", "h-1b",
                   "h1b", "petition", "trained", "immigration", "status")


@dataclass(frozen=True)
class VisaFacts:
    """Visa decision with the sentence that decided it."""

    visa: str  # explicit_no | possible | unknown
    evidence: str | None
    citizenship_required: int
    clearance_required: int
    reason: str | None = None
    citizen_or_pr_required: int = 0  # US citizens or permanent residents only
    citizenship_evidence: str | None = None
    clearance_evidence: str | None = None
    hints: dict[str, str] = field(default_factory=dict)


MAX_SENTENCES = 60
_SENTENCE_REACH = 200
#: Substrings that can start a visa statement; found with ``str.find`` (see
#: ``text.keyword_windows``), then confirmed by ``_ANCHOR_RE`` on the spot.
_ANCHOR_WORDS = ("sponsor", "visa", "citizen", "authori", "clearance", "itar", "h-1", "h1b",
                 "j-1", "j1", "immigration", "permanent resid", "green card", "work permit",
                 "international", "foreign", "opt", "cpt", "exempt", "e-3", "tn visa", "o-1",
                 "person", "who may apply", "eligible to work", "right to work", "trained",
                 "verify")
#: Occurrences of each word examined from the start *and* from the end of the text: a CRC
#: posting names the study sponsor many times before its closing visa statement.
_ANCHORS_PER_WORD = 15


def _occurrences(low: str, word: str) -> set[int]:
    found: set[int] = set()
    start = 0
    for _ in range(_ANCHORS_PER_WORD):
        position = low.find(word, start)
        if position < 0:
            return found  # all occurrences seen from the start; no need to scan back
        found.add(position)
        start = position + len(word)
    end = len(low)
    for _ in range(_ANCHORS_PER_WORD):
        position = low.rfind(word, 0, end)
        if position < 0:
            break
        found.add(position)
        end = position
    return found


def _anchor_positions(text: str) -> list[int]:
    low = lower_same_length(text)
    spots: set[int] = set()
    for word in _ANCHOR_WORDS:
        for found in _occurrences(low, word):
            # The anchor pattern starts at most a few characters before its keyword
            # ("u.s. person", "cap-exempt").
            match = _ANCHOR_RE.search(text, max(0, found - 8), min(len(text), found + 40))
            if match:
                spots.add(match.start())
    return sorted(spots)


def _sentences_with_anchors(text: str) -> list[str]:
    """The sentences that mention visa vocabulary at all (cheap pre-filter), at most
    MAX_SENTENCES of them, each at most 2 × _SENTENCE_REACH characters around its anchor."""
    out: list[str] = []
    seen: set[str] = set()
    last_stop = -1
    for start in _anchor_positions(text):
        if start < last_stop:
            continue
        lo = max(0, start - _SENTENCE_REACH)
        cut = lo
        # A boundary's look-ahead needs the anchor's first characters ("…patients. H-1B").
        for boundary in _SENT_END_RE.finditer(text, lo, min(len(text), start + 3)):
            if boundary.end() > start:
                break
            if boundary.group(0) == "." and _ABBREV_TAIL_RE.search(text[max(0, boundary.start()
                                                                         - 4): boundary.start()]):
                continue
            cut = boundary.end()
        end = min(len(text), start + _SENTENCE_REACH)
        stop = end
        for boundary in _SENT_END_RE.finditer(text, start + 1, end):
            if boundary.group(0) == "." and _ABBREV_TAIL_RE.search(text[max(0, boundary.start()
                                                                         - 4): boundary.start()]):
                continue
            stop = boundary.end()
            break
        last_stop = stop
        sentence = text[cut:stop].strip()
        if sentence not in seen:
            seen.add(sentence)
            out.append(sentence)
    if len(out) > MAX_SENTENCES:
        # Keep the closing statements: sponsorship and EEO text sits at the end.
        out = out[: MAX_SENTENCES // 2] + out[-(MAX_SENTENCES // 2):]
    return out


_PREFERENCE_RE = re.compile(r"\bpreferen\w+|\bpreferred\b|\bpriority\b", re.I)
_LATER_RE = re.compile(r"^\W*(?:prior\s+to|before|by\s+the\s+time\s+of|upon)\s+(?:the\s+)?"
                       r"(?:conversion|completion|appointment\s+to)", re.I)
_RESIDENTS_TOO_RE = re.compile(
    r"\b(?:lawful\s+|legal\s+)?permanent\s+resid\w*|\bgreen\s+card\s+holders?\b", re.I)
_RESIDENTS_EXCLUDED_RE = re.compile(
    r"(?:permanent\s+resid\w*|green\s+card\s+holders?)\s+(?:are\s+|is\s+)?(?:not\s+eligible|"
    r"ineligible|not\s+(?:be\s+)?considered|excluded)", re.I)


def _citizen_kind(name: str, sentence: str, end: int) -> str | None:
    """What a citizenship match really asks: citizens only, citizens or permanent residents
    ("U.S. citizens, nationals or legal permanent residents"), or nothing (a preference,
    or citizenship needed only later, "prior to conversion")."""
    if _PREFERENCE_RE.search(sentence):
        return None
    if name == "citizen_or_pr":
        return name
    if _LATER_RE.search(sentence[end: end + 40]):
        return None
    if _RESIDENTS_TOO_RE.search(sentence) and not _RESIDENTS_EXCLUDED_RE.search(sentence):
        return "citizen_or_pr"
    return name


def _negated(sentence: str, start: int, end: int) -> bool:
    before = sentence[max(0, start - 60): start]
    if _NEGATION_BEFORE_RE.search(before) and not _BREAK_RE.search(
            before[_NEGATION_BEFORE_RE.search(before).start():]):  # type: ignore[union-attr]
        return True
    return bool(_NEGATION_AFTER_RE.search(sentence[end: end + 20]))


def _negative_match(sentence: str, context: str, eeo: bool) -> str | None:
    visa_context: bool | None = None
    for name, pattern in _NEGATIVE:
        for match in itertools.islice(pattern.finditer(sentence), 8):
            if name == "negated_sponsorship":
                if eeo:
                    break
                gap = match.group("gap") or ""
                if _BREAK_RE.search(gap):
                    continue
                word = match.group(0).lower()
                if visa_context is None:
                    visa_context = bool(_VISA_CONTEXT_RE.search(context))
                if not word.endswith("sponsorship") and not visa_context:
                    continue  # "does not … notify the sponsor": the study sponsor
                if re.search(r"(?i)\bnot\s+only\b", match.group(0)):
                    continue
            target = match.group(0) + sentence[match.end(): match.end() + 40]
            if _GREEN_CARD_ONLY_RE.search(target) and not re.search(
                    r"(?i)h-?1-?b|work\s+visa|employment\s+visa|\bvisa\s+sponsorship", target):
                continue  # refusing green-card sponsorship says nothing about H-1B
            return name
    return None


def classify_visa(text: str | None) -> VisaFacts:
    """Visa signal for one posting's plain text (title included by the caller if wanted)."""
    body = clip_text(text)
    if not body:
        return VisaFacts("unknown", None, 0, 0)
    sentences = _sentences_with_anchors(body)
    negative: tuple[str, str] | None = None
    positive: tuple[str, str] | None = None
    citizenship: tuple[str, str] | None = None
    clearance: str | None = None
    hints: dict[str, str] = {}
    previous = ""
    for sentence in sentences:
        context = previous + " " + sentence
        previous = sentence
        low = sentence.lower()
        eeo = bool(_EEO_RE.search(sentence))
        for name, pattern in _HINTS:
            if name not in hints and any(h in low for h in _HINT_WORDS[name]) and \
                    pattern.search(sentence):
                hints[name] = evidence_text(sentence)
        if not eeo and "citizen" in low:
            for name, pattern in _CITIZEN:
                match = pattern.search(sentence)
                if match and not re.search(r"(?i)\bnot\s+(?:required|necessary|needed)\b",
                                           sentence):
                    kind = _citizen_kind(name, sentence, match.end())
                    if kind is not None and (citizenship is None or (
                            citizenship[0] == "citizen_or_pr" and kind != "citizen_or_pr")):
                        citizenship = (kind, sentence)
                    break
        if clearance is None and ("clearance" in low or "secret" in low or "ts/" in low) and \
                _CLEARANCE_RE.search(sentence) and _CLEARANCE_CUE_RE.search(sentence) and \
                not _CLEARANCE_NEG_RE.search(sentence):
            clearance = sentence
        if negative is None and ("itar" in low or "person" in low) and \
                _US_PERSON_RE.search(sentence):
            negative = ("us_person", sentence)
        if negative is None and ("sponsor" in low or "employer" in low):
            found = _negative_match(sentence, context, eeo)
            if found:
                negative = (found, sentence)
        if (positive is None or _POSITIVE_RANK[positive[0]] > 0) and \
                any(word in low for word in _POSITIVE_WORDS):
            for name, pattern in _POSITIVE:
                if positive is not None and _POSITIVE_RANK[name] >= _POSITIVE_RANK[positive[0]]:
                    break
                match = pattern.search(sentence)
                if not match:
                    continue
                if name == "will_sponsor" and not _VISA_CONTEXT_RE.search(context):
                    continue
                if _negated(sentence, match.start(), match.end()):
                    continue
                if name == "cap_exempt" and re.search(r"(?i)\bnot\s+(?:a\s+)?cap[- ]exempt",
                                                      sentence):
                    continue
                positive = (name, sentence)
                break
    citizenship_required = 1 if citizenship and citizenship[0] != "citizen_or_pr" else 0
    if citizenship is not None:
        negative = negative or (citizenship[0], citizenship[1])
    if clearance is not None:
        negative = negative or ("clearance_required", clearance)
    if negative is not None:
        visa, reason, sentence = "explicit_no", negative[0], negative[1]
    elif positive is not None:
        visa, reason, sentence = "possible", positive[0], positive[1]
    else:
        visa, reason, sentence = "unknown", None, None
    return VisaFacts(
        visa=visa,
        evidence=evidence_text(sentence, 300) if sentence else None,
        citizenship_required=citizenship_required,
        clearance_required=1 if clearance else 0,
        citizen_or_pr_required=1 if citizenship and citizenship[0] == "citizen_or_pr" else 0,
        reason=reason,
        citizenship_evidence=evidence_text(citizenship[1], 300) if citizenship else None,
        clearance_evidence=evidence_text(clearance, 300) if clearance else None,
        hints=hints,
    )
