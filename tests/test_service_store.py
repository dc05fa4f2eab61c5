"""SQLite-only cases of the store on real files: migrations and WAL (the shared contract is in
tests/test_store_contract.py)."""

import sqlite3

import pytest

from bot.service.migrations import MIGRATIONS
from bot.service.sqlite_store import SqliteStore
from bot.service.store import Actor

MOD = Actor(platform="discord", user_id="mod1")
LEASE = 300.0
NOW = 1_770_000_000.0


@pytest.fixture
async def store(tmp_path):
    store = SqliteStore(tmp_path / "footnote.sqlite3")
    await store.start()
    yield store
    await store.close()


async def test_schema_is_migrated_once_and_wal_is_on(tmp_path):
    path = tmp_path / "db" / "footnote.sqlite3"
    for _ in range(2):  # a second start finds the schema current
        store = SqliteStore(f"{path}")
        await store.start()
        await store.close()
    with sqlite3.connect(path) as conn:
        versions = [row[0] for row in conn.execute("SELECT version FROM schema_version")]
        assert versions == list(range(1, len(MIGRATIONS) + 1))
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


async def test_a_version_1_database_is_upgraded_in_place_and_keeps_its_rows(tmp_path):
    path = tmp_path / "footnote.sqlite3"
    with sqlite3.connect(path) as conn:  # what the first release created
        conn.execute("CREATE TABLE schema_version (version INTEGER NOT NULL)")
        for statement in MIGRATIONS[0]:
            conn.execute(statement)
        conn.execute("INSERT INTO schema_version VALUES (1)")
        conn.execute(
            "INSERT INTO usage (at, workspace, channel, kind, tokens) VALUES (?, 'g1', 'c1', 'analysis', 7)",
            (NOW,),
        )
    store = SqliteStore(path)
    await store.start()
    figures = await store.figures("g1", NOW - 1)
    await store.close()
    assert (figures.analyses, figures.tokens, figures.cost_usd) == (1, 7, 0.0)


async def test_a_newer_schema_is_refused(tmp_path):
    path = tmp_path / "footnote.sqlite3"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE schema_version (version INTEGER NOT NULL)")
        conn.execute("INSERT INTO schema_version VALUES (?)", (len(MIGRATIONS) + 1,))
    store = SqliteStore(path)
    with pytest.raises(RuntimeError, match="newer"):
        await store.start()
    await store.close()
