"""JSON objects that career pages assign in inline scripts (``window.pageData = {...};``).

Several hiring systems server-render their data as one script assignment that a
client-side widget then reads. The object is found by its assignment and decoded with
``JSONDecoder.raw_decode`` from the first ``{``: a regex over the object itself stops
at the first ``};`` inside a description and cuts the data short.
"""

from __future__ import annotations

import json
import re
from typing import Any

from researchjobs.spiders.base import ParseError

#: Characters searched after the ``=`` for the opening brace.
_BRACE_WINDOW = 64
_DECODER = json.JSONDecoder(strict=False)
_TITLE = re.compile(r"<title[^>]*>(.*?)</title>", re.I | re.S)


def assigned_objects(text: str, assignment: re.Pattern[str], name: str) -> list[dict[str, Any]]:
    """Every object assigned by ``assignment`` (a pattern ending after the ``=``), in page order.

    An assignment whose value is not a JSON object is passed over; none at all, or none
    that decodes, is a ParseError naming what was wrong.
    """
    found: list[dict[str, Any]] = []
    last_error = ""
    seen = False
    for match in assignment.finditer(text):
        seen = True
        value, error = object_after(text, match.end())
        if isinstance(value, dict):
            found.append(value)
        else:
            last_error = error or last_error
    if found:
        return found
    if not seen:
        title = _TITLE.search(text[:5000])
        hint = f" (title: {' '.join(title.group(1).split())[:80]!r})" if title else ""
        raise ParseError(f"no {name} on the page{hint}")
    raise ParseError(f"{name} is not a JSON object: {last_error or 'no opening brace'}")


def object_after(text: str, start: int) -> tuple[Any, str | None]:
    """The JSON value starting at the first ``{`` right after ``start`` (an assignment's end),
    or None and why not."""
    brace = text.find("{", start, start + _BRACE_WINDOW)
    if brace < 0 or text[start:brace].strip():
        return None, "no object after the assignment"
    try:
        value, _ = _DECODER.raw_decode(text, brace)
    except ValueError as exc:
        return None, str(exc)
    except RecursionError:
        return None, "nested too deeply"
    return value, None

