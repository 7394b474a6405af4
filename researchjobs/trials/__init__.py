"""Research sites recruiting near a user, from ClinicalTrials.gov (API v2).

Every recruiting trial has sites, and every site has coordinators: many places that hire
an IMG as a clinical research coordinator post no jobs on any board we crawl. This
package turns recruiting studies around a user's places into *leads*: sites with their
trials, phases, sponsors and published contacts, tied to our employers where the names
say so.

- ``api`` — the request and the answer's shape (pure).
- ``areas`` — the circles searched: a profile's places, ``--near``, the union of all.
- ``spider`` / ``pipeline`` — the Scrapy spider ``clinicaltrials`` and its item
  pipeline: pages of studies in, ``trial_sites`` / ``site_trials`` rows out, one
  ``crawl_runs`` row per area, closing only after a complete, successful crawl.
- ``sites`` — from a study and an area to site rows (pure): each site's own distance
  and status decide, since ``filter.geo`` selects whole studies.
- ``link`` — facility names to our employers through ``researchjobs.linking``.
- ``leads`` — ranking and wording of leads, for ``researchjobs leads`` and the digest.

Imports point down: cli/scheduler/digest → trials.leads → storage; the spider side
(``spider``, ``pipeline``) is reached only through Scrapy and ``crawler``.
"""

#: Named in every output that shows these data.
SOURCE_NAME = "ClinicalTrials.gov API v2 (U.S. National Library of Medicine)"
STUDY_URL = "https://clinicaltrials.gov/study/{nct_id}"
#: ``employer_links.dataset`` for facility names.
DATASET = "ctgov"
FAMILY = "clinicaltrials"
