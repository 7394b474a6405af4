"""Exploring the database: filters from the command line, posting details, charts, Datasette.

Composes ``storage`` queries for the CLI; holds no SQL of its own (Datasette's canned
queries, in ``data/datasette/metadata.yml``, are the one exception).
"""
