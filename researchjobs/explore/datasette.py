"""Datasette on the researchjobs database: read-only, described, faceted, searchable.

Crawls keep writing to the database while Datasette serves it, so the file cannot be
opened ``immutable`` (Datasette would cache counts and miss new postings, and SQLite may
return corrupt reads). Instead every connection Datasette opens, including the one it
would use for writes, is ``mode=ro`` with ``query_only``: a write canned query, a plugin
or a future write API all meet "attempt to write a readonly database".
"""

from __future__ import annotations

import copy
import sqlite3
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from datasette.app import Datasette
from datasette.database import Database

from researchjobs.config import PACKAGE_DATA

METADATA_TEMPLATE = PACKAGE_DATA / "datasette" / "metadata.yml"
TEMPLATE_DB_NAME = "researchjobs"

#: Datasette settings for serving: bounded queries, a page size that fits a browser.
SETTINGS: dict[str, Any] = {
    "sql_time_limit_ms": 3000,
    "default_page_size": 50,
    "max_returned_rows": 1000,
    "facet_time_limit_ms": 500,
    "suggest_facets": False,
}


class ReadOnlyDatabase(Database):
    """A mutable (non-immutable) file database that Datasette can read but never write."""

    def connect(self, write: bool = False) -> sqlite3.Connection:
        conn = super().connect(write=False)
        conn.execute("PRAGMA query_only = 1")
        return conn


@cache
def _template() -> dict[str, Any]:
    return yaml.safe_load(METADATA_TEMPLATE.read_text(encoding="utf-8"))


def build_metadata(db_name: str = TEMPLATE_DB_NAME) -> dict[str, Any]:
    """The shipped metadata, keyed by the name Datasette gives the database.

    Datasette names a database after its file stem, so a user serving ``jobs.db``
    gets the same descriptions, facets and canned queries under ``jobs``.
    """
    meta = copy.deepcopy(_template())
    databases = meta.get("databases", {})
    if db_name != TEMPLATE_DB_NAME:
        databases[db_name] = databases.pop(TEMPLATE_DB_NAME)
    for query in databases[db_name].get("queries", {}).values():
        if query.get("write"):  # never ship a write query, whatever the template says
            raise ValueError(f"canned query {query.get('title')!r} asks for write access")
    return meta


def metadata_yaml(db_name: str = TEMPLATE_DB_NAME) -> str:
    return yaml.safe_dump(build_metadata(db_name), sort_keys=False, allow_unicode=True, width=100)


def _quiet_error_pages() -> None:
    """Stop Datasette 0.65 printing a rich traceback, with locals, for every 4xx page.

    When rich is importable (it is: our CLI uses it) Datasette's error hook calls
    ``rich.get_console().print_exception(show_locals=True)`` for *every* handled error,
    404s and "Statement must be a SELECT" included, and that call raises ValueError when
    no exception is active, which turns a 400 into a 500. Real 500s still print a plain
    traceback through Datasette's own ``traceback.print_exc()``.
    """
    import datasette.handle_exception as hook

    hook.rich = None


def make_datasette(path: Path, *, metadata: dict[str, Any] | None = None,
                   settings: dict[str, Any] | None = None) -> Datasette:  # fmt: skip
    """A Datasette app with the database attached read-only under its file stem."""
    _quiet_error_pages()
    path = Path(path)
    name = path.stem
    ds = Datasette(
        [],
        metadata=metadata if metadata is not None else build_metadata(name),
        settings={**SETTINGS, **(settings or {})},
    )
    ds.add_database(ReadOnlyDatabase(ds, path=str(path), is_mutable=True), name=name)
    return ds


def serve(path: Path, *, host: str = "127.0.0.1", port: int = 8001) -> None:
    """Run Datasette in the foreground until interrupted, the way ``datasette serve`` does."""
    import asyncio

    import uvicorn

    ds = make_datasette(path)
    asyncio.run(ds.invoke_startup())
    uvicorn.run(ds.app(), host=host, port=port, log_level="warning", lifespan="on")
