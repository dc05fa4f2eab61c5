"""A real PostgreSQL server for the tests: PostgreSQL 16 from the `pgserver` wheel, in a temporary folder.

The server listens on a unix socket only, in its own data folder; `stop` shuts it down and deletes the
folder. Each test gets a database of its own (`fresh_database`), so tests never see each other's rows.
"""

from __future__ import annotations

import itertools
import shutil
import tempfile
from pathlib import Path

import asyncpg
import pgserver


class PostgresServer:
    """One server for a test session; `url(database)` is what `FOOTNOTE_DB` would hold."""

    def __init__(self) -> None:
        self._folder = Path(tempfile.mkdtemp(prefix="footnote-pg-"))
        # 'delete': the last handle stops the server and removes the data folder (also at exit).
        self._server = pgserver.get_server(self._folder / "data", cleanup_mode="delete")
        self._names = itertools.count(1)

    def url(self, database: str = "postgres") -> str:
        """A postgresql:// URL for one database, over the server's unix socket."""
        return self._server.get_uri(database)

    async def fresh_database(self) -> str:
        """Create an empty database and return its URL."""
        name = f"footnote_test_{next(self._names)}"
        conn = await asyncpg.connect(self.url())
        try:
            await conn.execute(f"CREATE DATABASE {name}")
        finally:
            await conn.close()
        return self.url(name)

    def stop(self) -> None:
        """Stop the server and delete its data."""
        self._server.cleanup()
        shutil.rmtree(self._folder, ignore_errors=True)
