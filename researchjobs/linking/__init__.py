"""Tie employer names from any public data set to our employers.

One linker serves every data set (DOL LCA filings, USCIS Data Hub rows,
ClinicalTrials.gov research sites…). The caller names the data set; the linker knows
only names and, where a data set has them, FEINs.

Pure part (no I/O beyond the shipped alias file):

- ``name_key(name)`` — the normalised key of a raw name (see ``names``).
- ``group_names(names, preferred=…)`` — our employers (``Employer``) from our raw
  names: one per key, alias-file groups (a health system and its hospitals) merged.
- ``Linker(employers).link_many([(name, fein), …])`` — one ``Link`` per name:
  ``employer_key``, ``method`` (fein, exact, alias, trade_name, prefix, fuzzy, none),
  ``score`` 0-100 and ``status`` (linked, review, none). Only ``linked`` counts.

With the database (``researchjobs.linking.dataset``):

- ``link_dataset(db, dataset, names, registry_employers)`` — refreshes our employers
  from the registry and postings, links every (name, fein) of the data set and stores
  each link with method, score, status and linker version in ``employer_links``,
  keeping people's decisions (``confirmed`` / ``rejected``) over the linker's.
- ``link_facility_dataset(db, dataset, names, registry_employers)`` — the same for
  facility names (research sites): see ``linking.facilities`` (placeholders such as
  "Research Site 0123" never link, investigators' names only exactly, a unit such as
  "X Cancer Institute - Brighton" through its organisation's name).
- ``storage.links`` reads them back: ``linked_keys``, ``review_links``,
  ``employer_key_for`` (our name → employer key), ``decide``.
"""

from researchjobs.linking.facilities import (
    facility_kind,
    link_facilities,
    parent_name,
    placeholder_reason,
)
from researchjobs.linking.linker import (
    LINKER_VERSION,
    METHODS,
    REVIEW_FLOOR,
    STATUSES,
    THRESHOLD,
    Employer,
    Link,
    Linker,
    group_names,
    load_aliases,
    similarity,
)
from researchjobs.linking.names import clean_fein, name_key, normalise_name, split_trade_name

__all__ = [
    "LINKER_VERSION",
    "METHODS",
    "REVIEW_FLOOR",
    "STATUSES",
    "THRESHOLD",
    "Employer",
    "Link",
    "Linker",
    "clean_fein",
    "facility_kind",
    "group_names",
    "link_facilities",
    "load_aliases",
    "name_key",
    "normalise_name",
    "parent_name",
    "placeholder_reason",
    "similarity",
    "split_trade_name",
]
