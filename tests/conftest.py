"""Fixtures shared across test modules: one real PostgreSQL server per test session."""

from collections.abc import Iterator

import pytest


@pytest.fixture(scope="session")
def postgres_server() -> Iterator["PostgresServer"]:  # noqa: F821 (imported only when a test needs it)
    """A PostgreSQL 16 server in a temporary folder; failing to start fails the tests that need it."""
    from support.postgres import PostgresServer

    server = PostgresServer()
    yield server
    server.stop()
