"""Full-text search: whatever a user types, FTS5 never sees a syntax error and SQL never sees input."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator

import pytest
from data.query.fixture_db import build
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from researchjobs.cli import app
from researchjobs.storage.db import open_db
from researchjobs.storage.queries import JobFilter, fts_query, search_jobs


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[object]:
    path = tmp_path_factory.mktemp("fts") / "fixture.db"
    build(path)
    database = open_db(path)
    yield database
    database.conn.close()


def titles(db, text: str, **kw: object) -> list[str]:
    return [r["title"] for r in search_jobs(db, JobFilter(q=text, limit=None, **kw))]


@pytest.mark.parametrize(
    "text, expected",
    [
        ('say "hi"', '"say" "hi"'),
        ('"clinical research" coordinator', '"clinical research" "coordinator"'),
        ('"unbalanced quote', '"unbalanced" "quote"'),
        ("co-ordinator", '"co-ordinator"'),
        ("coord*", '"coord"*'),
        ("crc OR assistant", '"crc" OR "assistant"'),
        ("OR crc OR", '"crc"'),
        ("crc AND oncology", '"crc" "oncology"'),
        ("NEAR(crc oncology, 5)", '"NEAR" "crc" "oncology" "5"'),
        ("title:crc", '"title" "crc"'),
        ("^crc", '"crc"'),
        ("'; DROP TABLE postings; --", '"DROP" "TABLE" "postings"'),
        ('""', ""),
        ("", ""),
        ("   ", ""),
    ],
)
def test_fts_query_translation(text: str, expected: str) -> None:
    assert fts_query(text) == expected


def employers(db, text: str, **kw: object) -> list[str]:
    return [r["employer"] for r in search_jobs(db, JobFilter(q=text, limit=None, **kw))]


def test_phrase_hyphen_prefix_and_or_find_the_right_postings(db) -> None:
    assert titles(db, "co-ordinate") == ["Clinical Research Coordinator I"]  # hyphen is adjacency
    assert titles(db, "covid-19") == ["Clinical Research Coordinator I"]
    assert sorted(titles(db, '"research coordinator"')) == [
        "Clinical Research Coordinator", "Clinical Research Coordinator I", "Clinical Research Coordinator I",
        "Clinical Research Coordinator II",
    ]  # fmt: skip
    assert titles(db, '"coordinator research"') == []  # phrase order matters
    assert sorted(employers(db, "cardiology OR pediatric", include_closed=True)) == [
        "Lakeshore Research Institute", "Ocean State Hospital"]  # fmt: skip
    assert employers(db, "cardiology OR pediatric") == ["Lakeshore Research Institute"]  # the other one is closed
    assert employers(db, "cardio*") == ["Lakeshore Research Institute"]
    assert titles(db, "Bayou trials senior") == ["Senior Research Assistant"]  # employer is indexed too
    assert titles(db, "NEAR") == ["Clinical Research Coordinator II"]  # the word, not the operator


def test_ranked_by_relevance(db) -> None:
    # "oncology" in both employer and description outranks it once in the description.
    rows = search_jobs(db, JobFilter(q="oncology", limit=None))
    assert rows[0]["employer"] == "Meridian Oncology Partners"
    assert len(rows) == 3


USER_NOISE = st.lists(
    st.sampled_from(['"', "'", "AND", "OR", "NOT", "NEAR", "NEAR(", "(", ")", "*", "^", ":", "-", "+", "title:",
                     "{", "}", "[", "]", ",", ";", "--", "\\", "\x00", " ", "crc", "co-ordinator", "covid-19",
                     "Ünïcödé", "研究", "🧪", "_", ".", "\t", "\n", "%", "?", "$1", "x'y"]),
    max_size=12,
).map("".join)  # fmt: skip


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.one_of(st.text(max_size=60), USER_NOISE))
def test_any_user_text_is_a_valid_search(db, text: str) -> None:
    expression = fts_query(text)
    if expression:  # FTS5 itself accepts what we built...
        db.conn.execute("SELECT COUNT(*) FROM postings_fts WHERE postings_fts MATCH ?", [expression]).fetchone()
    search_jobs(db, JobFilter(q=text))  # ...and so does the whole query with its join and filters
    search_jobs(db, JobFilter(q=text, roles=["crc"], near=None, visa="not-refused", limit=3))


def test_raw_fts_syntax_would_have_failed(db) -> None:
    """The guard is needed: the same texts handed to FTS5 unquoted are errors."""
    for text in ('"unbalanced', "crc AND", "NEAR(", "a:b"):
        with pytest.raises(sqlite3.OperationalError):
            db.conn.execute("SELECT COUNT(*) FROM postings_fts WHERE postings_fts MATCH ?", [text]).fetchone()


@pytest.mark.parametrize("text", ['"unbalanced', "crc AND", "NEAR(", "co-ordinator", "a*b", 'x" OR 1=1 --', "(((", "AND"])
def test_cli_search_never_errors(home, text: str) -> None:
    build(home / "researchjobs.db")
    result = CliRunner().invoke(app, ["jobs", "--q", text, "--format", "json"])
    assert result.exit_code == 0, result.output
    assert result.stdout.lstrip().startswith("[")
