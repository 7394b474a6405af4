"""``--profile NAME``: what is open to one person, in the matcher's order.

The matcher owns eligibility and ranking; this module asks it for ranked posting keys
(eligible only, one per dedupe cluster), so ``jobs`` and ``export`` can narrow that list
with the ordinary filters while keeping the matcher's order.
"""

from __future__ import annotations

import sqlite_utils

from researchjobs.explore.filters import FilterError

#: Upper bound on matches fetched before the ordinary filters narrow them.
MAX_MATCHES = 100_000


def ranked_keys(db: sqlite_utils.Database, profile_name: str) -> list[tuple[str, float | None, str | None]]:
    """(posting key, score, the first reasons in words) for every eligible posting, best first.

    Matching runs first (incrementally: only postings new or changed since the last run are
    scored), because stale matches would hide what today's crawl found.
    """
    from researchjobs.matcher import ProfileError, load_profile, profile_path, run_matching, top_matches

    try:
        profile = load_profile(profile_path(profile_name))
    except ProfileError as exc:
        raise FilterError(f"--profile: {exc} (see `researchjobs profile list`)") from None
    run_matching(db, profile)
    out = []
    for match in top_matches(db, profile.name, limit=MAX_MATCHES, include_ineligible=False):
        reasons = match.get("reasons") or []
        why = "; ".join(str(r) for r in reasons[:3]) if isinstance(reasons, list) else str(reasons)
        out.append((str(match["key"]), match.get("score"), why or None))
    return out
