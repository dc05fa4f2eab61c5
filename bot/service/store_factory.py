"""Pick the `Store` that `FOOTNOTE_DB` names: a SQLite file, or a PostgreSQL database."""

from __future__ import annotations

from bot.config import Settings
from bot.service.store import Store


def make_store(settings: Settings) -> Store:
    """`PostgresStore` for a postgresql:// URL, else `SqliteStore` on the file."""
    if settings.uses_postgres():
        from bot.service.postgres_store import PostgresStore  # asyncpg only when it is used

        return PostgresStore(settings.db, migrate_on_start=settings.db_migrate_on_start)
    from bot.service.sqlite_store import SqliteStore

    return SqliteStore(settings.db_path(), settings.db_busy_timeout)
