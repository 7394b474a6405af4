"""Offset paging shared by the UKG Pro, ADP and Dayforce spiders: when to ask for the next page,
and the page cap recorded as an error (so an incomplete crawl closes nothing)."""

from __future__ import annotations

from pathlib import Path

from conftest import write_registry
from scrapy.utils.test import get_crawler

from researchjobs.posting import Posting
from researchjobs.spiders.base import ParseContext, ParseError
from researchjobs.spiders.paging import ListPage, read_rows
from researchjobs.spiders.ultipro import UltiProSpider

SOURCE = {"id": "ultipro:sablewood", "family": "ultipro", "employer": "Sablewood Research Sites", "host":
          "recruiting2.ultipro.com", "tenant": "SAB1004SRS", "board": "5c3e9a12-7d41-4b8e-9f26-0a1b2c3d4e5f"}  # fmt: skip


def test_next_offset_follows_the_total_and_records_the_cap(tmp_path: Path) -> None:
    registry = write_registry(tmp_path / "sources.toml", [SOURCE])
    spider = UltiProSpider.from_crawler(get_crawler(UltiProSpider, {"RESEARCHJOBS_REGISTRY": str(registry)}))
    ctx = ParseContext(source_id=SOURCE["id"], family="ultipro")
    assert spider.next_offset(ctx, ListPage(120, 50), 0, 1, "crc") == 50
    assert spider.next_offset(ctx, ListPage(120, 20), 100, 3, "crc") is None  # the total is reached
    assert spider.next_offset(ctx, ListPage(None, 50), 0, 1, "") == 50  # no total: a full page means more
    assert spider.next_offset(ctx, ListPage(None, 49), 0, 1, "") is None
    assert spider.next_offset(ctx, ListPage(9999, 0), 50, 2, "") is None  # an empty page ends the list
    assert spider.state[SOURCE["id"]].errors == []
    assert spider.next_offset(ctx, ListPage(99999, 50), 4950, spider.max_pages, "crc") is None
    (error,) = spider.state[SOURCE["id"]].errors
    assert error == "stopped search 'crc' after 100 pages of 99999 jobs; list incomplete"


def test_read_rows_skips_one_unreadable_row_with_a_warning() -> None:
    ctx = ParseContext(source_id="ultipro:x", family="ultipro")

    def read(row: object) -> Posting:
        if not isinstance(row, str):
            raise ParseError("not a title")
        return Posting(source_family="ultipro", source_id="ultipro:x", source_job_id=row, title=row, url=f"https://x.org/{row}")

    postings = read_rows(["a", 7, "b"], ctx, "opportunities", read)
    assert [p.source_job_id for p in postings] == ["a", "b"]
    assert ctx.warnings == ["opportunities[1] skipped: not a title"]
