"""`Store` on PostgreSQL, for several bot processes on several machines sharing one database.

asyncpg with its connection pool: every method is one statement or one transaction on a pooled
connection. Check-then-write steps (rate slots, budgets, settings with their audit entry) take a
transaction-scoped advisory lock on their key first, so concurrent processes serialise per key
and never per table; claims and analysis leases are single conditional upserts.
"""

from __future__ import annotations

import json
from typing import Any

import asyncpg

from bot.doctor.postgres import unreachable
from bot.models import Analysis
from bot.service.migrations import SchemaMismatch, newer_schema
from bot.service.policy import GLOBAL, retry_after
from bot.service.postgres_migrations import MIGRATIONS, migrate, schema_version
from bot.service.store import (
    ANSWER_COLUMNS,
    ANSWERS_KEPT,
    CLAIMS_KEPT,
    RATE_EVENTS_KEPT,
    TRIAL_COLUMNS,
    TRIAL_COUNT_COLUMNS,
    TRIALS_KEPT,
    USAGE_KEPT,
    Actor,
    AuditEntry,
    CachedAnalysis,
    Figures,
    RateCheck,
    TrialCount,
    TrialRecord,
    answer_from,
    answer_row,
    figures_from,
    layers_from,
    trial_counts_from,
    trial_record_from,
    trial_scope,
)
from bot.service.types import AnswerRecord, PostedReply

POOL_SIZE = 10  # per process; PostgreSQL's default allows 100 connections in all

_LOCK = "SELECT pg_advisory_xact_lock(hashtextextended($1, 0))"
_AUDIT = (
    "INSERT INTO audit (at, platform, user_id, workspace, channel, key, old, new)"
    " VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"
)


class PostgresStore:
    """PostgreSQL persistence for the service (see `bot.service.store.Store`)."""

    def __init__(self, url: str, *, pool_size: int = POOL_SIZE, migrate_on_start: bool = True) -> None:
        self._url = url
        self._pool_size = pool_size
        self._migrate = migrate_on_start
        self._pool_handle: asyncpg.Pool | None = None

    @property
    def _pool(self) -> asyncpg.Pool:
        if self._pool_handle is None:
            raise RuntimeError("the store is not started")
        return self._pool_handle

    # Life cycle

    async def start(self) -> None:
        """Open the pool and bring the schema up to date (or, without migrating, check it is current)."""
        try:
            self._pool_handle = await asyncpg.create_pool(self._url, min_size=1, max_size=self._pool_size)
        except Exception as exc:
            problem = unreachable(exc, self._url)
            if problem is None:
                raise
            raise problem from exc
        try:
            async with self._pool.acquire() as conn:
                if self._migrate:
                    await migrate(conn)
                else:
                    await check_current(conn)
        except BaseException:
            await self.close()
            raise

    async def close(self) -> None:
        """Wait for queries under way, then close every connection."""
        if self._pool_handle is not None:
            pool, self._pool_handle = self._pool_handle, None
            await pool.close()

    async def prune(self, now: float, keep_cache: float) -> None:
        """Drop rows nobody will read again (old claims, rate events, usage, cache rows, replies)."""
        async with self._pool.acquire() as conn, conn.transaction():
            await conn.execute("DELETE FROM claims WHERE at < $1", now - CLAIMS_KEPT)
            await conn.execute("DELETE FROM rate_events WHERE at < $1", now - RATE_EVENTS_KEPT)
            await conn.execute("DELETE FROM usage WHERE at < $1", now - USAGE_KEPT)
            await conn.execute("DELETE FROM trials WHERE at < $1", now - TRIALS_KEPT)
            await conn.execute("DELETE FROM analyses WHERE created_at < $1", now - keep_cache)
            await conn.execute("DELETE FROM replies WHERE at < $1", now - keep_cache)
            await conn.execute("DELETE FROM flights WHERE lease_until < $1", now)  # holders that died
            await conn.execute("DELETE FROM answers WHERE at < $1", now - ANSWERS_KEPT)

    # Exactly-once claims: leases with a state

    async def claim(
        self, platform: str, workspace: str, channel: str, message_id: str, url: str, now: float, lease: float
    ) -> bool:
        """True when this caller now holds the claim on this message and link for `lease` seconds."""
        # Insert a working claim, or take over one whose claimant's lease ran out; one statement.
        status = await self._pool.execute(
            "INSERT INTO claims (platform, workspace, channel, message_id, url, at, state, lease_until)"
            " VALUES ($1, $2, $3, $4, $5, $6, 'working', $7)"
            " ON CONFLICT (platform, workspace, channel, message_id, url) DO UPDATE"
            " SET at = excluded.at, lease_until = excluded.lease_until"
            " WHERE claims.state = 'working' AND claims.lease_until <= $6",
            platform,
            workspace,
            channel,
            message_id,
            url,
            now,
            now + lease,
        )
        return _rowcount(status) == 1

    async def finish_claim(
        self, platform: str, workspace: str, channel: str, message_id: str, url: str, now: float
    ) -> None:
        """Mark a claim answered: no later delivery of this message and link is answered again."""
        await self._pool.execute(
            "UPDATE claims SET state = 'answered', at = $1"
            " WHERE platform = $2 AND workspace = $3 AND channel = $4 AND message_id = $5 AND url = $6",
            now,
            platform,
            workspace,
            channel,
            message_id,
            url,
        )

    async def release_claim(
        self, platform: str, workspace: str, channel: str, message_id: str, url: str
    ) -> None:
        """Drop a claim that is still working (nothing was posted), so a redelivery is answered."""
        await self._pool.execute(
            "DELETE FROM claims WHERE platform = $1 AND workspace = $2 AND channel = $3 AND message_id = $4"
            " AND url = $5 AND state = 'working'",
            platform,
            workspace,
            channel,
            message_id,
            url,
        )

    async def forget_claim(
        self, platform: str, workspace: str, channel: str, message_id: str, url: str
    ) -> None:
        """Drop a claim whatever its state: its link was edited out and its answer taken down."""
        await self._pool.execute(
            "DELETE FROM claims WHERE platform = $1 AND workspace = $2 AND channel = $3 AND message_id = $4"
            " AND url = $5",
            platform,
            workspace,
            channel,
            message_id,
            url,
        )

    # Cross-process single-flight: one analysis lease per cache key

    async def take_flight(self, key: str, owner: str, now: float, lease: float) -> bool:
        """True when `owner` now holds the lease to analyse `key` (nobody does, or their lease ran out)."""
        status = await self._pool.execute(
            "INSERT INTO flights (cache_key, owner, lease_until) VALUES ($1, $2, $3)"
            " ON CONFLICT (cache_key) DO UPDATE"
            " SET owner = excluded.owner, lease_until = excluded.lease_until"
            " WHERE flights.lease_until <= $4 OR flights.owner = excluded.owner",
            key,
            owner,
            now + lease,
            now,
        )
        return _rowcount(status) == 1

    async def end_flight(self, key: str, owner: str) -> None:
        """Give up the lease on `key` if `owner` still holds it (the analysis is stored, or failed)."""
        await self._pool.execute("DELETE FROM flights WHERE cache_key = $1 AND owner = $2", key, owner)

    # Settings and audit

    async def settings_layers(self, workspace: str, channel: str) -> list[dict[str, Any]]:
        """Stored settings for the global scope, the workspace and the channel, broadest first."""
        rows = await self._pool.fetch(
            "SELECT workspace, channel, key, value FROM settings"
            " WHERE (workspace = $1 AND channel = '') OR (workspace = $2 AND channel IN ('', $3))",
            GLOBAL,
            workspace,
            channel,
        )
        return layers_from(rows, workspace, channel)

    async def change_setting(
        self, workspace: str, channel: str, key: str, value: Any | None, actor: Actor, now: float
    ) -> Any | None:
        """Set (or with None, remove) one key at one scope and audit it; returns the old value."""
        new = None if value is None else json.dumps(value)
        async with self._pool.acquire() as conn, conn.transaction():
            # The lock covers a key that has no row yet, which FOR UPDATE cannot.
            await conn.execute(_LOCK, f"setting:{workspace}:{channel}:{key}")
            old = await conn.fetchval(
                "SELECT value FROM settings WHERE workspace = $1 AND channel = $2 AND key = $3",
                workspace,
                channel,
                key,
            )
            if new is None:
                await conn.execute(
                    "DELETE FROM settings WHERE workspace = $1 AND channel = $2 AND key = $3",
                    workspace,
                    channel,
                    key,
                )
            else:
                await conn.execute(
                    "INSERT INTO settings (workspace, channel, key, value) VALUES ($1, $2, $3, $4)"
                    " ON CONFLICT (workspace, channel, key) DO UPDATE SET value = excluded.value",
                    workspace,
                    channel,
                    key,
                    new,
                )
            await conn.execute(_AUDIT, now, actor.platform, actor.user_id, workspace, channel, key, old, new)
        return None if old is None else json.loads(old)

    async def audit_log(self, workspace: str | None, limit: int) -> list[AuditEntry]:
        """The latest changes, newest first (None: every workspace)."""
        columns = "at, platform, user_id, workspace, channel, key, old, new"
        if workspace is None:
            rows = await self._pool.fetch(f"SELECT {columns} FROM audit ORDER BY id DESC LIMIT $1", limit)
        else:
            rows = await self._pool.fetch(
                f"SELECT {columns} FROM audit WHERE workspace = $1 ORDER BY id DESC LIMIT $2",
                workspace,
                limit,
            )
        return [AuditEntry(**dict(row)) for row in rows]

    # Rate limits and budgets

    async def take_rate_slots(self, checks: list[RateCheck], now: float) -> tuple[str, float] | None:
        """Record one event per check if all have room; else record nothing and return (key, wait)."""
        async with self._pool.acquire() as conn, conn.transaction():
            for key in sorted({check.key for check in checks}):  # one order everywhere: no deadlock
                await conn.execute(_LOCK, f"rate:{key}")
            refusals = []
            for check in checks:
                window_start = now - check.limit.window_seconds
                # Events that left the window are never read again: dropping them keeps the table small.
                await conn.execute(
                    "DELETE FROM rate_events WHERE key = $1 AND at <= $2", check.key, window_start
                )
                rows = await conn.fetch(
                    "SELECT at FROM rate_events WHERE key = $1 AND at > $2", check.key, window_start
                )
                wait = retry_after((r[0] for r in rows), check.limit, now)
                if wait is not None:
                    refusals.append((check.key, wait))
            if refusals:
                return max(refusals, key=lambda refusal: refusal[1])
            await conn.executemany(
                "INSERT INTO rate_events (key, at) VALUES ($1, $2)", [(c.key, now) for c in checks]
            )
        return None

    async def reserve_budget(
        self, workspace: str, channel: str, day_start: float, max_requests: int, max_tokens: int, now: float
    ) -> int | None:
        """Atomically count today's analyses and tokens and, if under budget, reserve one (a ticket)."""
        async with self._pool.acquire() as conn, conn.transaction():
            await conn.execute(_LOCK, f"budget:{workspace}")
            requests, tokens = await conn.fetchrow(
                "SELECT COUNT(*), COALESCE(SUM(tokens), 0) FROM usage"
                " WHERE workspace = $1 AND at >= $2 AND kind IN ('analysis', 'reserved')",
                workspace,
                day_start,
            )
            if requests >= max_requests or tokens >= max_tokens:
                return None
            return int(
                await conn.fetchval(
                    "INSERT INTO usage (at, workspace, channel, kind) VALUES ($1, $2, $3, 'reserved')"
                    " RETURNING id",
                    now,
                    workspace,
                    channel,
                )
            )

    async def settle(
        self, ticket: int, kind: str, reason: str | None = None, tokens: int = 0, cost_usd: float = 0.0
    ) -> None:
        """Turn a reservation into what happened: "analysis" (tokens, cost), "failed", or "released"."""
        if kind == "released":
            await self._pool.execute("DELETE FROM usage WHERE id = $1", ticket)
        else:
            await self._pool.execute(
                "UPDATE usage SET kind = $1, reason = $2, tokens = $3, cost_usd = $4 WHERE id = $5",
                kind,
                reason,
                tokens,
                cost_usd,
                ticket,
            )

    async def record_event(self, workspace: str, channel: str, kind: str, now: float) -> None:
        """Count a free event such as a cache hit."""
        await self._pool.execute(
            "INSERT INTO usage (at, workspace, channel, kind) VALUES ($1, $2, $3, $4)",
            now,
            workspace,
            channel,
            kind,
        )

    async def figures(self, workspace: str | None, since: float) -> Figures:
        """Usage and feedback since a moment (None: every workspace)."""
        scope = "" if workspace is None else " AND workspace = $2"
        params: tuple[Any, ...] = (since,) if workspace is None else (since, workspace)
        usage = await self._pool.fetch(
            f"SELECT kind, reason, COUNT(*), COALESCE(SUM(tokens), 0), COALESCE(SUM(cost_usd), 0)"
            f" FROM usage WHERE at >= $1{scope} GROUP BY kind, reason",
            *params,
        )
        votes = await self._pool.fetch(
            f"SELECT vote, COUNT(*) FROM feedback WHERE at >= $1{scope} GROUP BY vote", *params
        )
        return figures_from(usage, votes)

    # Analysis cache

    async def cached_analysis(self, key: str, not_before: float) -> CachedAnalysis | None:
        """The analysis stored under this key no earlier than `not_before`."""
        row = await self._pool.fetchrow(
            "SELECT analysis, article_text, created_at FROM analyses"
            " WHERE cache_key = $1 AND created_at >= $2",
            key,
            not_before,
        )
        if row is None:
            return None
        return CachedAnalysis(
            analysis=Analysis.model_validate_json(row[0]), article_text=row[1], created_at=row[2]
        )

    async def save_analysis(
        self, key: str, url: str, analysis: Analysis, article_text: str, now: float
    ) -> None:
        """Store (or replace) one analysis."""
        await self._pool.execute(
            "INSERT INTO analyses (cache_key, url, analysis, article_text, created_at)"
            " VALUES ($1, $2, $3, $4, $5) ON CONFLICT (cache_key) DO UPDATE SET url = excluded.url,"
            " analysis = excluded.analysis, article_text = excluded.article_text,"
            " created_at = excluded.created_at",
            key,
            url,
            analysis.model_dump_json(),
            article_text,
            now,
        )

    async def forget(self, url: str, workspace: str, actor: Actor, now: float) -> int:
        """Drop every cached analysis of a URL and audit it; returns how many."""
        async with self._pool.acquire() as conn, conn.transaction():
            dropped = _rowcount(await conn.execute("DELETE FROM analyses WHERE url = $1", url))
            await conn.execute(
                _AUDIT,
                now,
                actor.platform,
                actor.user_id,
                workspace,
                "",
                f"cache:{url}",
                json.dumps(f"{dropped} cached"),
                None,
            )
        return dropped

    async def article_text(self, url: str) -> str | None:
        """The text behind the newest cached analysis of a URL."""
        return await self._pool.fetchval(
            "SELECT article_text FROM analyses WHERE url = $1 ORDER BY created_at DESC LIMIT 1", url
        )

    # Replies and feedback

    async def remember_reply(
        self, platform: str, workspace: str, channel: str, url: str, permalink: str, now: float
    ) -> None:
        """Record where a link's answer was posted in a channel."""
        await self._pool.execute(
            "INSERT INTO replies (platform, workspace, channel, url, permalink, at)"
            " VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (platform, workspace, channel, url)"
            " DO UPDATE SET permalink = excluded.permalink, at = excluded.at",
            platform,
            workspace,
            channel,
            url,
            permalink,
            now,
        )

    async def earlier_reply(
        self, platform: str, workspace: str, channel: str, url: str, not_before: float
    ) -> str | None:
        """The permalink of this link's answer in this channel, if posted no earlier than `not_before`."""
        return await self._pool.fetchval(
            "SELECT permalink FROM replies"
            " WHERE platform = $1 AND workspace = $2 AND channel = $3 AND url = $4 AND at >= $5",
            platform,
            workspace,
            channel,
            url,
            not_before,
        )

    async def record_feedback(
        self, platform: str, workspace: str, channel: str, url: str, user_id: str, vote: int, now: float
    ) -> None:
        """Store a 👍 (1) or 👎 (-1); a user's last vote on a reply wins."""
        await self._pool.execute(
            "INSERT INTO feedback (platform, workspace, channel, url, user_id, vote, at)"
            " VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (platform, workspace, channel, url, user_id)"
            " DO UPDATE SET vote = excluded.vote, at = excluded.at",
            platform,
            workspace,
            channel,
            url,
            user_id,
            vote,
            now,
        )

    # Trial mode

    async def record_trial(self, record: TrialRecord) -> None:
        """Store what the bot would have posted for one link in a trial channel."""
        values = tuple(record.model_dump().values())
        marks = ", ".join(f"${i}" for i in range(1, len(values) + 1))
        await self._pool.execute(f"INSERT INTO trials ({TRIAL_COLUMNS}) VALUES ({marks})", *values)

    async def trial_records(
        self, workspace: str | None, channel: str | None, since: float, limit: int, url: str | None = None
    ) -> list[TrialRecord]:
        """The newest trial records since a moment, newest first (None: every workspace / channel / link)."""
        scope, params = trial_scope(workspace, channel, since, url, _mark)
        rows = await self._pool.fetch(
            f"SELECT {TRIAL_COLUMNS} FROM trials WHERE {scope} ORDER BY at DESC, id DESC"
            f" LIMIT ${len(params) + 1}",
            *params,
            limit,
        )
        return [trial_record_from(tuple(row)) for row in rows]

    async def trial_counts(
        self, workspace: str | None, channel: str | None, since: float
    ) -> list[TrialCount]:
        """Trial records since a moment, counted and summed by status and reason."""
        scope, params = trial_scope(workspace, channel, since, None, _mark)
        rows = await self._pool.fetch(
            f"SELECT {TRIAL_COUNT_COLUMNS} FROM trials WHERE {scope} GROUP BY status, reason", *params
        )
        return trial_counts_from(tuple(row) for row in rows)

    # Answers that follow their message

    async def record_answer(
        self,
        platform: str,
        workspace: str,
        channel: str,
        message_id: str,
        url: str,
        posted: PostedReply,
        now: float,
    ) -> None:
        """Record which bot message answered this message's link, and where."""
        await self._pool.execute(
            f"INSERT INTO answers (platform, workspace, channel, message_id, {ANSWER_COLUMNS})"
            " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)"
            " ON CONFLICT (platform, workspace, channel, message_id, url) DO UPDATE SET"
            " reply_id = excluded.reply_id, thread_id = excluded.thread_id,"
            " created_thread = excluded.created_thread, permalink = excluded.permalink, at = excluded.at",
            platform,
            workspace,
            channel,
            message_id,
            *answer_row(url, posted, now),
        )

    async def answers_to(
        self, platform: str, workspace: str, channel: str, message_id: str
    ) -> list[AnswerRecord]:
        """The recorded answers to one message, oldest first."""
        rows = await self._pool.fetch(
            f"SELECT {ANSWER_COLUMNS} FROM answers"
            " WHERE platform = $1 AND workspace = $2 AND channel = $3 AND message_id = $4 ORDER BY at, url",
            platform,
            workspace,
            channel,
            message_id,
        )
        return [answer_from(tuple(row)) for row in rows]

    async def take_answer(
        self, platform: str, workspace: str, channel: str, message_id: str, url: str
    ) -> AnswerRecord | None:
        """Remove and return the answer to this message's link (None when another caller took it), and
        drop the "already explained here" pointer to it."""
        async with self._pool.acquire() as conn, conn.transaction():
            row = await conn.fetchrow(
                "DELETE FROM answers WHERE platform = $1 AND workspace = $2 AND channel = $3"
                f" AND message_id = $4 AND url = $5 RETURNING {ANSWER_COLUMNS}",
                platform,
                workspace,
                channel,
                message_id,
                url,
            )
            if row is None:
                return None
            answer = answer_from(tuple(row))
            if answer.permalink:
                await conn.execute(
                    "DELETE FROM replies WHERE platform = $1 AND workspace = $2 AND channel = $3"
                    " AND permalink = $4",
                    platform,
                    workspace,
                    channel,
                    answer.permalink,
                )
        return answer


def _rowcount(status: str) -> int:
    """The row count at the end of a command tag such as `INSERT 0 1` or `DELETE 3`."""
    return int(status.rsplit(" ", 1)[-1])


async def check_current(conn: asyncpg.Connection) -> None:
    """Refuse to run on a schema that `footnote db migrate` has not brought up to date."""
    current = await schema_version(conn)
    if current > len(MIGRATIONS):
        raise newer_schema(current, len(MIGRATIONS))
    if current < len(MIGRATIONS):
        raise SchemaMismatch(
            f"schema version {current} of {len(MIGRATIONS)}: not migrated yet; run `footnote db migrate`"
            " (FOOTNOTE_DB_MIGRATE_ON_START is off, so nothing else migrates it)"
        )


def _mark(n: int) -> str:
    """PostgreSQL's placeholder for the n-th parameter."""
    return f"${n}"
