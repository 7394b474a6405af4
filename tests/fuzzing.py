"""Hypothesis strategies and checks shared by the fuzz tests of the JSON-answer families."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from hypothesis import strategies as st

from researchjobs.posting import Posting
from researchjobs.spiders.base import ParseContext, ParseError

#: Any JSON value: what a broken or hostile answer may hold where a job list belongs.
JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=20,
)


def parses_or_refuses(
    parse_any: Callable[[bytes, ParseContext], list[Posting]], body: bytes, ctx: ParseContext, url_prefix: str = "https://"
) -> None:
    """A parser either refuses with ParseError or returns postings that each have a title, URL and id."""
    try:
        postings = parse_any(body, ctx)
    except ParseError:
        return
    assert all(p.title and p.url.startswith(url_prefix) and p.source_job_id for p in postings), postings


def any_bytes(parse_any: Callable[[bytes, ParseContext], Any], raw: bytes, ctx: ParseContext) -> None:
    try:
        parse_any(raw, ctx)
    except ParseError:
        pass
