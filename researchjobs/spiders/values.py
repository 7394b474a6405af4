"""Reading JSON values defensively: hiring systems put objects where strings belong.

Shared by the JSON-API spiders so that a dict or a boolean where a title or an id
should be is dropped, never stringified into a posting.
"""

from __future__ import annotations

import math
from typing import Any


def as_dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def as_text(value: Any) -> str | None:
    """Scalars only, stripped; empty text, booleans, objects and lists give None."""
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        return None
    return str(value).strip() or None


def as_int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return None


def as_number(value: Any) -> float | None:
    """A finite number from a number or text such as "$52,000"."""
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return None
    try:
        number = float(str(value).replace(",", "").replace("$", "").strip())
    except ValueError:
        return None
    return number if math.isfinite(number) else None


def as_id(value: Any) -> str | None:
    """A job id: a non-empty string or an integer. Objects, lists, booleans and floats
    (``inf``, ``nan``, ``1e3``) are not ids: stringified, they would be stored as one."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        return value.strip() or None
    return None
