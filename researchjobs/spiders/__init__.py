"""One module per hiring-system family. Each has pure parse functions and a thin Spider.

``FAMILIES`` maps a family name to its module; every module exposes
``parse_any(body: bytes, ctx: ParseContext) -> list[Posting]`` which tells the kinds
of response it handles apart by content (used by ``researchjobs parse``).
"""

from __future__ import annotations

import importlib
from types import ModuleType

FAMILIES: dict[str, str] = {
    "greenhouse": "researchjobs.spiders.greenhouse",
    "lever": "researchjobs.spiders.lever",
    "workday": "researchjobs.spiders.workday",
    "smartrecruiters": "researchjobs.spiders.smartrecruiters",
    "ashby": "researchjobs.spiders.ashby",
    "usajobs": "researchjobs.spiders.usajobs",
    "oracle": "researchjobs.spiders.oracle",
    "icims": "researchjobs.spiders.icims",
    "jsonld": "researchjobs.spiders.jsonld",
    "feeds": "researchjobs.spiders.feeds",
    "phenom": "researchjobs.spiders.phenom",
    "paylocity": "researchjobs.spiders.paylocity",
    "jazzhr": "researchjobs.spiders.jazzhr",
    "jobvite": "researchjobs.spiders.jobvite",
    "eightfold": "researchjobs.spiders.eightfold",
    "personio": "researchjobs.spiders.personio",
    "teamtailor": "researchjobs.spiders.teamtailor",
    "taleo": "researchjobs.spiders.taleo",
    "successfactors": "researchjobs.spiders.successfactors",
    "ultipro": "researchjobs.spiders.ultipro",
    "adp": "researchjobs.spiders.adp",
    "dayforce": "researchjobs.spiders.dayforce",
    "bamboohr": "researchjobs.spiders.bamboohr",
    "workable": "researchjobs.spiders.workable",
    "breezy": "researchjobs.spiders.breezy",
    "recruitee": "researchjobs.spiders.recruitee",
    "pinpoint": "researchjobs.spiders.pinpoint",
    "rippling": "researchjobs.spiders.rippling",
    "brassring": "researchjobs.spiders.brassring",
}


def family_module(family: str) -> ModuleType:
    try:
        return importlib.import_module(FAMILIES[family])
    except KeyError:
        raise KeyError(f"unknown family {family!r}; known: {', '.join(sorted(FAMILIES))}") from None
