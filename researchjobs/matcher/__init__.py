"""Profiles, eligibility gates, and fit scoring with reasons.

``run_matching`` scores postings for a profile and stores the results in ``matches``;
``top_matches`` reads them back joined with their postings. Gates decide whether a
posting is open to the person at all; fit decides how well it suits them; every stored
match carries its reasons in plain words.
"""

from researchjobs.matcher.profiles import (
    Profile,
    ProfileError,
    list_profiles,
    load_profile,
    profile_hash,
    profile_path,
    scan_profiles,
)
from researchjobs.matcher.run import MatchSummary, match_each, run_matching, run_matching_many, top_matches

__all__ = [
    "MatchSummary",
    "Profile",
    "ProfileError",
    "list_profiles",
    "load_profile",
    "match_each",
    "profile_hash",
    "profile_path",
    "run_matching",
    "run_matching_many",
    "scan_profiles",
    "top_matches",
]
