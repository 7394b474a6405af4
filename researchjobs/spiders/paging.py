"""What the paged list APIs share: one page's rows, skipping an unreadable row, the next offset.

UKG Pro, ADP and Dayforce (and, for their rows, Taleo and SuccessFactors) answer one
page of a board at a time with a board total. The rules are the same for all of them:
a row that cannot be read is skipped with a warning and the rest of the page kept; a job
seen under an earlier page or search term is not emitted twice; paging stops at the
total, on an empty page, or at the family's page cap, and a cap that bites is recorded
as an error so that the incomplete crawl closes nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, ClassVar, TypeVar

from researchjobs.posting import Posting
from researchjobs.spiders.base import ParseContext, ParseError, SourceSpider
from researchjobs.spiders.values import as_int

Where = TypeVar("Where")


@dataclass
class ListPage:
    """One answer of a paged list: its postings, how many rows it held, the board's total."""

    total: int | None
    rows: int
    postings: list[Posting] = field(default_factory=list)


def read_rows(rows: list[Any], ctx: ParseContext, what: str, read: Callable[[Any], Posting]) -> list[Posting]:
    """Each row through ``read``; a row it refuses (ParseError) is skipped with a warning."""
    postings = []
    for index, row in enumerate(rows):
        try:
            postings.append(read(row))
        except ParseError as exc:
            ctx.warnings.append(f"{what}[{index}] skipped: {exc}")
    return postings


def list_page(
    rows: list[Any],
    total: Any,
    ctx: ParseContext,
    what: str,
    where: Where | None,
    unnamed: str,
    read: Callable[[Any, Where], Posting],
) -> ListPage:
    """A page of ``rows`` read against the board they belong to (``where``).

    A job's URL needs the board, which the answer itself seldom names: without it (``parse``
    on a saved answer with neither ``--url`` nor ``--source``) a page with rows is refused
    with the ``unnamed`` hint, and an empty page is simply empty.
    """
    page = ListPage(as_int(total), len(rows))
    if where is None:
        if rows:
            raise ParseError(unnamed)
        return page
    page.postings = read_rows(rows, ctx, what, lambda row: read(row, where))
    return page


class PagedSpider(SourceSpider):
    """A spider whose list requests page by offset (``page_size`` rows, at most ``max_pages``)."""

    page_size: ClassVar[int] = 25
    max_pages: ClassVar[int] = 100

    def emit_fresh(self, response: Any, ctx: ParseContext, postings: list[Posting]) -> Iterable[Posting]:
        """Emit the postings not yet emitted for this source (search terms overlap)."""
        claimed = self.state[ctx.source_id].seen_ids
        fresh = [p for p in postings if p.source_job_id not in claimed]
        claimed.update(p.source_job_id for p in fresh)
        yield from self.emit(response, fresh, ctx)

    def next_offset(self, ctx: ParseContext, page: ListPage, offset: int, number: int, term: str) -> int | None:
        """The next page's offset, or None when the list is done (or capped, which is recorded)."""
        following = offset + page.rows
        if page.rows == 0:
            return None
        if page.total is not None and following >= page.total:
            return None
        if page.total is None and page.rows < self.page_size:
            return None
        if number >= self.max_pages:
            self.record_error(
                ctx.source_id,
                f"stopped search {term!r} after {self.max_pages} pages"
                f"{f' of {page.total} jobs' if page.total else ''}; list incomplete",
            )
            return None
        return following
