"""Placeholder until the extractors land (being written now); replaced wholesale."""

from __future__ import annotations

from typing import Any

from researchjobs.posting import Posting

EXTRACTOR_VERSION = "0"


def extract_facts(posting: Posting) -> dict[str, Any]:
    return {"enrich_version": EXTRACTOR_VERSION}
