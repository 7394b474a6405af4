"""Skipping unreadable jobs: one bad job is a warning, a board of nothing but bad jobs is an error.

A parser skips a job it cannot read (no id, no title, an object for an id) with a
one-line warning and keeps the rest of the board (``ParseContext.warnings``). When every
job on a non-empty answer was skipped, the format has most likely changed: stored as an
empty board, a clean run would close every open posting, so it is a ParseError instead.
"""

from __future__ import annotations

from researchjobs.spiders.base import ParseContext, ParseError


def check_not_all_skipped(ctx: ParseContext, warnings_before: int, readable: int) -> None:
    """Raise when this answer's jobs were all skipped (warnings added since ``warnings_before``)."""
    skipped = len(ctx.warnings) - warnings_before
    if skipped and not readable:
        first = ctx.warnings[warnings_before]
        raise ParseError(f"none of the {skipped} jobs could be read (first: {first})")
