"""Behaviour every spider inherits: a parser bug is an error, never a clean run that closes postings."""

from __future__ import annotations

from types import SimpleNamespace

from scrapy import Request
from scrapy.http import TextResponse
from twisted.python.failure import Failure

from researchjobs.outcomes import decide
from researchjobs.pipelines import StorePipeline
from researchjobs.sources import Source
from researchjobs.spiders.base import SourceState, load_json
from researchjobs.spiders.greenhouse import GreenhouseSpider


def test_callback_exception_is_recorded_and_blocks_closing() -> None:
    spider = GreenhouseSpider()
    spider.crawler = SimpleNamespace(stats=SimpleNamespace(inc_value=lambda *a, **k: None))
    source = Source(id="greenhouse:x", family="greenhouse", employer="X", params={"board": "x"})
    spider.state = {source.id: SourceState(source, responses=1)}
    response = TextResponse("https://boards-api.greenhouse.io/v1/boards/x/jobs", body=b"{}",
                            request=Request("https://boards-api.greenhouse.io/v1/boards/x/jobs", meta={"source_id": source.id}))  # fmt: skip
    try:
        raise TypeError("'NoneType' object is not subscriptable")
    except TypeError:
        failure = Failure()
    spider.on_spider_error(failure, response, spider)
    assert spider.state[source.id].errors == [
        "parser bug: TypeError: 'NoneType' object is not subscriptable at https://boards-api.greenhouse.io/v1/boards/x/jobs"
    ]
    pipeline = StorePipeline.__new__(StorePipeline)
    pipeline.counts, pipeline.seen = {}, {}
    decision = decide(pipeline.facts(source.id, spider.state[source.id], "finished", None))
    assert (decision.outcome, decision.cause, decision.close) == ("failed", "bug", False)


def test_deeply_nested_json_is_a_parse_error() -> None:
    import pytest

    from researchjobs.spiders.base import ParseError

    with pytest.raises(ParseError, match="nested too deeply"):
        load_json(b"[" * 100_000 + b"]" * 100_000)
