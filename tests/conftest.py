"""Fixtures shared across test modules: one real PostgreSQL server per test session."""

from collections.abc import Iterator

import pytest
from support.postgres import PostgresServer


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    """A PostgreSQL 16 server in a temporary folder; failing to start fails the tests that need it."""
    server = PostgresServer()
    yield server
    server.stop()
