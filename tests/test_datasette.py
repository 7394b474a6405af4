"""Datasette on the fixture database, through Datasette's own test client.

Checks what `researchjobs serve` promises: descriptions, facets, full-text search, the
canned queries' answers, no writes of any kind, and scraped markup rendered inert.
"""

from __future__ import annotations

import asyncio
import html
import json
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Awaitable
from pathlib import Path
from typing import Any, TypeVar

import pytest
from data.query.fixture_db import XSS_EMPLOYER, XSS_TITLE, build

from researchjobs.explore.datasette import build_metadata, make_datasette
from researchjobs.posting import FACT_COLUMNS, Posting
from researchjobs.storage.db import open_db
from researchjobs.storage.postings import posting_row, upsert_rows

T = TypeVar("T")


def run(coro: Awaitable[T]) -> T:
    return asyncio.run(coro)  # type: ignore[arg-type]


@pytest.fixture
def fixture(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    path = tmp_path / "researchjobs.db"
    return path, build(path)


async def get_json(ds: Any, path: str) -> Any:
    response = await ds.client.get(path)
    assert response.status_code == 200, (path, response.text[:500])
    return response.json()


def test_canned_queries_return_the_expected_rows(fixture) -> None:
    path, keys = fixture
    ds = make_datasette(path)

    async def check() -> None:
        new_crc = await get_json(ds, "/researchjobs/new_entry_crc_this_week.json?_shape=array")
        assert {r["key"] for r in new_crc} == {keys["crc_boston"], keys["crc_boston_dup"], keys["crc_cambridge"]}
        employers = await get_json(ds, "/researchjobs/cap_exempt_employers_hiring.json?_shape=array")
        assert [(r["employer"], r["open_postings"]) for r in employers] == [
            ("Harborview University Medical Center", 2), ("Bayou Trials", 1), ("Central Massachusetts Medical School", 1)]  # fmt: skip
        refused = await get_json(ds, "/researchjobs/no_sponsorship.json?_shape=array")
        assert {r["key"] for r in refused} == {keys["ra_worcester"], keys["ra_houston_senior"]}
        assert "we are unable to sponsor visas" in {r["visa_evidence"] for r in refused}
        entry_ok = await get_json(ds, "/researchjobs/entry_level_visa_not_refused.json?_shape=array")
        assert keys["ra_worcester"] not in {r["key"] for r in entry_ok} and keys["crc_boston"] in {r["key"] for r in entry_ok}
        bayou = await get_json(ds, "/researchjobs/jobs_per_employer_over_time.json?_shape=array&employer=Bayou")
        assert {r["employer"] for r in bayou} == {"Bayou Trials"} and sum(r["new_postings"] for r in bayou) == 2
        every = await get_json(ds, "/researchjobs/jobs_per_employer_over_time.json?_shape=array&employer=")
        assert sum(r["new_postings"] for r in every) == len(keys)
        page = await ds.client.get("/researchjobs/jobs_per_employer_over_time")
        assert page.status_code == 200 and "Jobs per employer over time" in page.text

    run(check())


def test_table_facets_search_and_descriptions(fixture) -> None:
    path, keys = fixture
    ds = make_datasette(path)

    async def check() -> None:
        data = await get_json(ds, "/researchjobs/postings.json?_size=0&_extra=facet_results")
        facets = data["facet_results"]
        facets = facets.get("results", facets)
        assert {"role_family", "role_level", "state", "visa", "employer_type_inferred", "source_id"} <= set(facets)
        roles = {f["value"]: f["count"] for f in facets["role_family"]["results"]}
        assert roles["crc"] == 5  # 4 open + the closed Providence one: Datasette shows everything
        hits = await get_json(ds, "/researchjobs/postings.json?_search=cardiology&_shape=array")
        assert [h["key"] for h in hits] == [keys["crc_cambridge"]]
        # Datasette's own escaping keeps user search text from being FTS syntax.
        for text in ['"unbalanced', "crc AND", "NEAR(", "co-ordinate"]:
            response = await ds.client.get("/researchjobs/postings.json", params={"_search": text, "_shape": "array"})
            assert response.status_code == 200, (text, response.text[:300])
        page = await ds.client.get("/researchjobs/postings")
        assert "Every posting ever seen" in page.text
        assert "H-1B cap-exempt likelihood" in page.text  # a column description

    run(check())


def test_metadata_describes_every_column_and_has_no_write_queries() -> None:
    meta = build_metadata("jobs")
    assert "jobs" in meta["databases"] and "researchjobs" not in meta["databases"]
    columns = meta["databases"]["jobs"]["tables"]["postings"]["columns"]
    from researchjobs.storage.schema import posting_columns

    assert set(posting_columns()) == set(columns)
    assert set(FACT_COLUMNS) <= set(columns)
    queries = meta["databases"]["jobs"]["queries"]
    assert len(queries) >= 4 and not any(q.get("write") for q in queries.values())


def test_writes_are_refused(fixture) -> None:
    path, _keys = fixture
    before = open_db(path)
    count = before["postings"].count
    before.conn.close()
    meta = build_metadata("researchjobs")
    # Even a write canned query someone slipped into the metadata cannot write.
    meta["databases"]["researchjobs"]["queries"]["wipe"] = {"sql": "delete from postings where 1 = :go", "write": True}
    ds = make_datasette(path, metadata=meta)

    async def attempt() -> None:
        form = await ds.client.get("/researchjobs/wipe")
        token = form.cookies.get("ds_csrftoken")
        response = await ds.client.post("/researchjobs/wipe", data={"go": "1", "csrftoken": token, "_json": "1"},
                                        cookies={"ds_csrftoken": token})  # fmt: skip
        body = response.json()
        assert body["ok"] is False and "readonly" in body["message"]
        with pytest.raises(Exception, match="readonly"):
            await ds.get_database("researchjobs").execute_write("DELETE FROM postings")
        # Arbitrary SQL is SELECT-only.
        response = await ds.client.get("/researchjobs.json", params={"sql": "delete from postings"})
        assert response.status_code == 400
        # No JSON write API in this Datasette: nothing to post rows to.
        response = await ds.client.post("/researchjobs/postings/-/insert", json={"row": {"key": "x", "title": "x"}})
        assert response.status_code in (403, 404, 405)

    run(attempt())
    after = open_db(path)
    assert after["postings"].count == count
    after.conn.close()


def test_sees_rows_written_after_it_started(fixture) -> None:
    """Not immutable: a crawl writing while Datasette serves is visible on the next request."""
    path, _keys = fixture
    ds = make_datasette(path)
    first = run(get_json(ds, "/researchjobs/postings.json?_size=0"))["filtered_table_rows_count"]
    db = open_db(path)
    posting = Posting(source_family="lever", source_id="lever:late", source_job_id="1", title="Research Data Coordinator",
                      url="https://jobs.lever.co/late/1", employer="Late Institute")  # fmt: skip
    upsert_rows(db, [posting_row(posting)], now="2026-11-21T00:00:00Z")
    db.conn.close()
    ds2 = make_datasette(path)  # a fresh app too, so no cache can hide it either way
    second = run(get_json(ds, "/researchjobs/postings.json?_size=0"))["filtered_table_rows_count"]
    assert second == first + 1
    assert run(get_json(ds2, "/researchjobs/postings.json?_search=late&_shape=array"))[0]["title"] == posting.title


def test_scraped_markup_is_inert_on_every_page(fixture) -> None:
    path, keys = fixture
    ds = make_datasette(path)

    async def pages() -> list[str]:
        out = []
        for url in ("/researchjobs/postings", f"/researchjobs/postings/{keys['xss']}",
                    "/researchjobs/postings?_search=pwned", "/researchjobs/cap_exempt_employers_hiring"):
            response = await ds.client.get(url)
            assert response.status_code == 200, url
            out.append(response.text)
        return out

    for page in run(pages())[:3]:
        assert XSS_TITLE not in page and XSS_EMPLOYER not in page
        assert html.escape(XSS_TITLE, quote=False) in page or html.escape(XSS_TITLE) in page.replace("&#34;", "&quot;")
        assert 'href="javascript:' not in page
        assert 'onmouseover="alert(2)"' not in page


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.slow
def test_serve_command_serves_read_only(home: Path) -> None:
    keys = build(home / "researchjobs.db")
    port = _free_port()
    proc = subprocess.Popen([sys.executable, "-m", "researchjobs", "serve", "--port", str(port)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)  # fmt: skip
    try:
        url = f"http://127.0.0.1:{port}/researchjobs/no_sponsorship.json?_shape=array"
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(url, timeout=5) as response:
                    rows = json.load(response)
                break
            except OSError:
                if time.monotonic() > deadline or proc.poll() is not None:
                    detail = proc.stderr.read().decode() if proc.poll() is not None else "no answer"
                    raise AssertionError(detail) from None
                time.sleep(0.2)
        assert {r["key"] for r in rows} == {keys["ra_worcester"], keys["ra_houston_senior"]}
    finally:
        proc.terminate()
        proc.wait(timeout=30)
