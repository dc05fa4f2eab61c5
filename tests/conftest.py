"""Fixtures shared across test modules: one real PostgreSQL server per test session, a local page server."""

from collections.abc import AsyncIterator, Iterator

import pytest
from support.page_server import PageServer


@pytest.fixture(scope="session")
def postgres_server() -> Iterator["PostgresServer"]:  # noqa: F821 (imported only when a test needs it)
    """A PostgreSQL 16 server in a temporary folder; failing to start fails the tests that need it."""
    from support.postgres import PostgresServer

    server = PostgresServer()
    yield server
    server.stop()


@pytest.fixture
async def pages() -> AsyncIterator[PageServer]:
    """A local HTTP server for test pages (tests/support/page_server.py)."""
    async with PageServer() as server:
        yield server
