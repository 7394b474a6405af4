"""Everything SQLite: schema and migrations, upserts, posting history, queries.

The only package that speaks SQL. It knows nothing of Scrapy.
"""

from researchjobs.storage.db import StorageError, connect, open_db

__all__ = ["StorageError", "connect", "open_db"]
