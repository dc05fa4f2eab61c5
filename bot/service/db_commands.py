"""`footnote db migrate` and `footnote db copy SQLITE_PATH POSTGRES_URL`: the operator's database tools.

`migrate` brings the `FOOTNOTE_DB` schema up to date, for deployments that start the bot with
`FOOTNOTE_DB_MIGRATE_ON_START=false`. `copy` moves a SQLite installation to an empty PostgreSQL
database in one transaction: settings, audit log, cache, claims, replies, usage, feedback, trial
records, rate events and which bot message answered each message, ids included, so `stats`, `audit`,
"already explained here" and answers that follow their message carry on where they were.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sqlite3
import sys
from pathlib import Path

import asyncpg

from bot.config import Settings

log = logging.getLogger("footnote.db")

# Every table with rows worth keeping (analysis leases are transient), parents of ids first.
COPIED_TABLES = (
    "settings",
    "audit",
    "analyses",
    "claims",
    "replies",
    "rate_events",
    "usage",
    "feedback",
    "answers",
    "trials",
)
IDENTITY_TABLES = ("audit", "usage", "trials")  # their next id must follow the copied ones


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the `db` sub-command and its `migrate` and `copy` actions."""
    db = subparsers.add_parser("db", help="database tools: migrate the schema, copy SQLite to PostgreSQL")
    actions = db.add_subparsers(dest="db_action", required=True)
    migrate = actions.add_parser("migrate", help="bring the FOOTNOTE_DB schema up to date, then exit")
    migrate.set_defaults(func=cmd_migrate)
    copy = actions.add_parser(
        "copy", help="copy a SQLite installation into an empty PostgreSQL database (settings, audit, cache…)"
    )
    copy.add_argument("sqlite_path", type=Path, help="the SQLite file the bot used so far")
    copy.add_argument("postgres_url", help="postgresql://user:password@host/database (empty or new)")
    copy.set_defaults(func=cmd_copy)


def cmd_migrate(args: argparse.Namespace, settings: Settings) -> int:
    """Migrate the configured database and print its schema version."""
    from bot.service.store_factory import make_store

    async def migrate() -> None:
        store = make_store(settings.model_copy(update={"db_migrate_on_start": True}))
        await store.start()
        await store.close()

    asyncio.run(migrate())
    print(f"{'PostgreSQL' if settings.uses_postgres() else 'SQLite'} schema is up to date")
    return 0


def cmd_copy(args: argparse.Namespace, settings: Settings) -> int:
    """Copy every kept table; refuse a missing source or a target that already holds data."""
    if not args.sqlite_path.is_file():
        print(f"no SQLite database at {args.sqlite_path}", file=sys.stderr)
        return 1
    if not args.postgres_url.lower().startswith(("postgresql://", "postgres://")):
        print("the target must be a postgresql:// URL", file=sys.stderr)
        return 1
    try:
        counts = asyncio.run(copy_database(args.sqlite_path, args.postgres_url))
    except TargetNotEmpty as exc:
        print(f"{exc}; copy only into an empty database", file=sys.stderr)
        return 1
    except sqlite3.Error as exc:  # the source: FOOTNOTE_DB plays no part in a copy
        print(
            f"{args.sqlite_path}: cannot be copied ({exc}); is it the SQLite database the bot used?",
            file=sys.stderr,
        )
        return 1
    print(", ".join(f"{table}: {count}" for table, count in counts.items()))
    return 0


class TargetNotEmpty(Exception):
    """The PostgreSQL database already holds Footnote rows."""


async def copy_database(sqlite_path: Path, postgres_url: str) -> dict[str, int]:
    """Copy the kept tables from SQLite to PostgreSQL in one transaction; rows per table."""
    from bot.service.postgres_store import PostgresStore
    from bot.service.sqlite_store import SqliteStore

    for store in (SqliteStore(sqlite_path), PostgresStore(postgres_url, pool_size=1)):
        await store.start()  # both schemas current, so their columns match
        await store.close()
    source = sqlite3.connect(f"file:{sqlite_path}?mode=ro", uri=True)
    target = await asyncpg.connect(postgres_url)
    counts: dict[str, int] = {}
    try:
        async with target.transaction():
            for table in COPIED_TABLES:
                if await target.fetchval(f"SELECT EXISTS (SELECT 1 FROM {table})"):
                    raise TargetNotEmpty(f"table {table} in the target already has rows")
                cursor = source.execute(f"SELECT * FROM {table}")
                columns = [column[0] for column in cursor.description]
                rows = cursor.fetchall()
                if rows:
                    await target.copy_records_to_table(table, records=rows, columns=columns)
                counts[table] = len(rows)
            for table in IDENTITY_TABLES:
                await target.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'),"
                    f" COALESCE((SELECT MAX(id) FROM {table}), 0) + 1, false)"
                )
    finally:
        source.close()
        await target.close()
    log.info("copied %s", counts)
    return counts
