"""From what a user typed on the command line to a ``JobFilter``.

``jobs`` and ``export`` accept the same filters; parsing and checking them here keeps
both commands thin and makes every message about a bad value the same. Problems raise
``FilterError`` with one line the CLI prints as is.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import sqlite_utils

from researchjobs.storage.queries import VISA_CLAUSES, JobFilter, distinct_values, parse_since


class FilterError(ValueError):
    """A filter value the user must fix."""


@dataclass
class FilterOptions:
    """The raw option values, exactly as the CLI received them."""

    q: str | None = None
    employer: str | None = None
    since: str | None = None
    include_closed: bool = False
    role: str | None = None
    level: str | None = None
    state: str | None = None
    near: str | None = None
    within: float | None = None
    remote: bool = False
    visa: str | None = None
    cap_exempt: bool = False
    max_experience: int | None = None
    salary_min: float | None = None
    employer_type: str | None = None


DEFAULT_WITHIN_MILES = 25.0
#: A search box, not a document: longer queries cost seconds per word in FTS5.
MAX_QUERY_CHARS = 300
MAX_QUERY_WORDS = 30


def split_list(text: str | None) -> list[str]:
    """'crc, Research-Assistant' → ['crc', 'research_assistant']: the stored spelling."""
    if not text:
        return []
    values = [re.sub(r"[\s\-]+", "_", part.strip().lower()) for part in text.split(",")]
    return list(dict.fromkeys(v for v in values if v))


def split_states(text: str | None) -> list[str]:
    states = [part.strip().upper() for part in (text or "").split(",") if part.strip()]
    bad = [s for s in states if not re.fullmatch(r"[A-Z]{2}", s)]
    if bad:
        raise FilterError(f"--state wants two-letter codes like MA,NY; got {', '.join(bad)}")
    return list(dict.fromkeys(states))


def build_filter(opts: FilterOptions, *, limit: int | None = 50) -> JobFilter:
    """Check every option and return the filter; geocodes ``near`` offline."""
    try:
        since = parse_since(opts.since) if opts.since else None
    except ValueError as exc:
        raise FilterError(str(exc)) from None
    if opts.q and (len(opts.q) > MAX_QUERY_CHARS or len(opts.q.split()) > MAX_QUERY_WORDS):
        raise FilterError(
            f"--q is {len(opts.q.split())} words, {len(opts.q)} characters; search with at most "
            f"{MAX_QUERY_WORDS} words and {MAX_QUERY_CHARS} characters (a few telling words work best)"
        )
    visa = opts.visa.strip().lower().replace("_", "-") if opts.visa else None
    if visa is not None and visa not in VISA_CLAUSES:
        raise FilterError(f"--visa must be one of {', '.join(VISA_CLAUSES)}, got {opts.visa!r}")
    if opts.max_experience is not None and opts.max_experience < 0:
        raise FilterError("--max-experience is a number of months, 0 or more")
    if opts.salary_min is not None and opts.salary_min < 0:
        raise FilterError("--salary-min is an annual amount, 0 or more")
    if opts.within is not None and not opts.near:
        raise FilterError('--within needs --near, e.g. --near "Boston, MA" --within 50')
    near = None
    if opts.near:
        from researchjobs.explore.places import PlaceError, locate

        try:
            near = locate(opts.near, DEFAULT_WITHIN_MILES if opts.within is None else opts.within)
        except PlaceError as exc:
            raise FilterError(str(exc)) from None
    return JobFilter(
        q=opts.q,
        employer=opts.employer,
        since=since,
        include_closed=opts.include_closed,
        limit=limit,
        roles=split_list(opts.role),
        levels=split_list(opts.level),
        states=split_states(opts.state),
        employer_types=split_list(opts.employer_type),
        near=near,
        remote=opts.remote,
        visa=visa,
        cap_exempt=opts.cap_exempt,
        max_experience_months=opts.max_experience,
        salary_min=opts.salary_min,
    )


#: Which filter field is checked against which stored column, and its option name.
_CHECKED: tuple[tuple[str, str, str], ...] = (
    ("roles", "role_family", "--role"),
    ("levels", "role_level", "--level"),
    ("states", "state", "--state"),
)


def unknown_values(db: sqlite_utils.Database, flt: JobFilter) -> list[str]:
    """Notes for values no stored posting has: a typo and "none today" look alike otherwise."""
    notes = []
    for attr, column, option in _CHECKED:
        wanted: Sequence[str] = getattr(flt, attr)
        if not wanted:
            continue
        present = distinct_values(db, column)
        missing = [v for v in wanted if v not in present]
        if missing:
            known = ", ".join(present[:12]) + (", ..." if len(present) > 12 else "") if present else "none yet"
            notes.append(f"no stored posting has {option} {', '.join(missing)} (known: {known})")
    if flt.employer_types:
        present = sorted(set(distinct_values(db, "employer_type_inferred")) | set(distinct_values(db, "employer_type")))
        missing = [v for v in flt.employer_types if v not in present]
        if missing:
            notes.append(f"no stored posting has --employer-type {', '.join(missing)} "
                         f"(known: {', '.join(present) or 'none yet'})")  # fmt: skip
    return notes
