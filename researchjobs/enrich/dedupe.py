"""Placeholder until dedupe lands (being written now); replaced wholesale."""

from __future__ import annotations

from typing import Any


def duplicate_of(new: dict[str, Any], candidates: list[dict[str, Any]]) -> str | None:
    return None
