"""SQLite schema, as numbered migrations recorded in a version table.

Append new migrations; never edit one that has shipped. Pending ones are applied in one transaction.
"""

from __future__ import annotations

import logging
import sqlite3

log = logging.getLogger(__name__)

# Each entry is one schema version: a tuple of statements applied together.
MIGRATIONS: tuple[tuple[str, ...], ...] = (
    (
        """CREATE TABLE analyses (
            cache_key TEXT PRIMARY KEY,
            url TEXT NOT NULL,
            analysis TEXT NOT NULL,
            article_text TEXT NOT NULL,
            created_at REAL NOT NULL
        )""",
        "CREATE INDEX analyses_url ON analyses (url, created_at)",
        """CREATE TABLE settings (
            workspace TEXT NOT NULL,
            channel TEXT NOT NULL,
            key TEXT NOT NULL,
            value TEXT NOT NULL,
            PRIMARY KEY (workspace, channel, key)
        )""",
        """CREATE TABLE audit (
            id INTEGER PRIMARY KEY,
            at REAL NOT NULL,
            platform TEXT NOT NULL,
            user_id TEXT NOT NULL,
            workspace TEXT NOT NULL,
            channel TEXT NOT NULL,
            key TEXT NOT NULL,
            old TEXT,
            new TEXT
        )""",
        "CREATE INDEX audit_workspace ON audit (workspace, id)",
        """CREATE TABLE claims (
            platform TEXT NOT NULL,
            workspace TEXT NOT NULL,
            channel TEXT NOT NULL,
            message_id TEXT NOT NULL,
            url TEXT NOT NULL,
            at REAL NOT NULL,
            PRIMARY KEY (platform, workspace, channel, message_id, url)
        )""",
        """CREATE TABLE replies (
            platform TEXT NOT NULL,
            workspace TEXT NOT NULL,
            channel TEXT NOT NULL,
            url TEXT NOT NULL,
            permalink TEXT NOT NULL,
            at REAL NOT NULL,
            PRIMARY KEY (platform, workspace, channel, url)
        )""",
        """CREATE TABLE rate_events (
            key TEXT NOT NULL,
            at REAL NOT NULL
        )""",
        "CREATE INDEX rate_events_key ON rate_events (key, at)",
        """CREATE TABLE usage (
            id INTEGER PRIMARY KEY,
            at REAL NOT NULL,
            workspace TEXT NOT NULL,
            channel TEXT NOT NULL,
            kind TEXT NOT NULL,
            reason TEXT,
            tokens INTEGER NOT NULL DEFAULT 0
        )""",
        "CREATE INDEX usage_workspace ON usage (workspace, at)",
        """CREATE TABLE feedback (
            platform TEXT NOT NULL,
            workspace TEXT NOT NULL,
            channel TEXT NOT NULL,
            url TEXT NOT NULL,
            user_id TEXT NOT NULL,
            vote INTEGER NOT NULL,
            at REAL NOT NULL,
            PRIMARY KEY (platform, workspace, channel, url, user_id)
        )""",
    ),
    # v2: what each remote analysis cost, for `stats`
    ("ALTER TABLE usage ADD COLUMN cost_usd REAL NOT NULL DEFAULT 0",),
    # v3: a claim is a lease with a state; claims made before this were answered
    (
        "ALTER TABLE claims ADD COLUMN state TEXT NOT NULL DEFAULT 'answered'",
        "ALTER TABLE claims ADD COLUMN lease_until REAL NOT NULL DEFAULT 0",
    ),
    # v4: cross-process single-flight, one analysis lease per cache key
    (
        """CREATE TABLE flights (
            cache_key TEXT PRIMARY KEY,
            owner TEXT NOT NULL,
            lease_until REAL NOT NULL
        )""",
    ),
    # v5: which bot message answered each message's link, so the answer follows a delete or an edit
    (
        """CREATE TABLE answers (
            platform TEXT NOT NULL,
            workspace TEXT NOT NULL,
            channel TEXT NOT NULL,
            message_id TEXT NOT NULL,
            url TEXT NOT NULL,
            reply_id TEXT NOT NULL,
            thread_id TEXT NOT NULL,
            created_thread INTEGER NOT NULL DEFAULT 0,
            permalink TEXT,
            at REAL NOT NULL,
            PRIMARY KEY (platform, workspace, channel, message_id, url)
        )""",
        "CREATE INDEX answers_at ON answers (at)",
    ),
    # v6: trial mode, what the bot would have posted in a channel that posts nothing yet
    (
        """CREATE TABLE trials (
            id INTEGER PRIMARY KEY,
            at REAL NOT NULL,
            platform TEXT NOT NULL,
            workspace TEXT NOT NULL,
            channel TEXT NOT NULL,
            message_id TEXT NOT NULL,
            url TEXT NOT NULL,
            title TEXT NOT NULL DEFAULT '',
            status TEXT NOT NULL,
            reason TEXT NOT NULL DEFAULT '',
            reply TEXT NOT NULL DEFAULT '',
            engine TEXT NOT NULL DEFAULT '',
            tokens INTEGER NOT NULL DEFAULT 0,
            cost_usd REAL NOT NULL DEFAULT 0,
            estimate_tokens INTEGER NOT NULL DEFAULT 0,
            estimate_usd REAL
        )""",
        "CREATE INDEX trials_workspace ON trials (workspace, at)",
    ),
)


def schema_version(conn: sqlite3.Connection) -> int:
    """The version this database is at (0 for a new file)."""
    conn.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")
    row = conn.execute("SELECT MAX(version) FROM schema_version").fetchone()
    return int(row[0] or 0)


def migrate(conn: sqlite3.Connection) -> int:
    """Apply pending migrations; safe when two processes start at once. Returns the final version."""
    conn.execute(
        "BEGIN IMMEDIATE"
    )  # the write lock first, so a concurrent starter waits and then sees our work
    try:
        current = schema_version(conn)
        if current > len(MIGRATIONS):
            raise RuntimeError(f"database schema v{current} is newer than this Footnote (v{len(MIGRATIONS)})")
        for version, statements in enumerate(MIGRATIONS[current:], start=current + 1):
            for statement in statements:
                conn.execute(statement)
            conn.execute("INSERT INTO schema_version (version) VALUES (?)", (version,))
            log.info("database migrated to schema v%d", version)
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    return len(MIGRATIONS)
