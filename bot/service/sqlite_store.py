"""The default `Store`: one SQLite file in WAL mode, used from one dedicated thread.

Every method runs as a whole (one statement or one `BEGIN IMMEDIATE` transaction) on a single
database thread, so the event loop never waits on the disk and check-then-write steps cannot
interleave inside this process. Across processes sharing the file, the write lock taken by
`BEGIN IMMEDIATE` and the busy timeout serialise them. (aiosqlite hops to its thread once per
statement, which would let two coroutines' transactions interleave on one connection.)
"""

from __future__ import annotations

import asyncio
import functools
import json
import sqlite3
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

from bot.models import Analysis
from bot.service.migrations import migrate
from bot.service.policy import GLOBAL, retry_after
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

T = TypeVar("T")

# The columns that name one claim: a message's link.
_CLAIM_KEY = "platform = ? AND workspace = ? AND channel = ? AND message_id = ? AND url = ?"


class SqliteStore:
    """SQLite persistence for the service (see `bot.service.store.Store`)."""

    def __init__(self, path: Path | str, busy_timeout: float = 10.0) -> None:
        self._path = str(path)
        self._busy_timeout = busy_timeout
        self._executor: ThreadPoolExecutor | None = None
        self._conn: sqlite3.Connection | None = None

    async def _call(self, fn: Callable[..., T], *args: Any) -> T:
        if self._executor is None:
            raise RuntimeError("the store is not started")
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._executor, functools.partial(fn, *args))

    @property
    def _db(self) -> sqlite3.Connection:
        if self._conn is None:
            raise RuntimeError("the store is not started")
        return self._conn

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        conn = self._db
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield conn
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")

    # Life cycle

    async def start(self) -> None:
        """Open the database and bring its schema up to date."""
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="footnote-db")
        await self._call(self._open)

    def _open(self) -> None:
        if self._path != ":memory:":
            Path(self._path).parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(
            self._path, timeout=self._busy_timeout, isolation_level=None, check_same_thread=False
        )
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute(
            "PRAGMA synchronous=NORMAL"
        )  # WAL keeps the file consistent; only the last commits risk a crash
        conn.execute(f"PRAGMA busy_timeout={int(self._busy_timeout * 1000)}")
        self._conn = conn
        migrate(conn)

    async def close(self) -> None:
        """Finish pending writes (they are queued ahead of this) and close."""
        if self._executor is None:
            return
        await self._call(self._close)
        self._executor.shutdown(wait=True)
        self._executor = None

    def _close(self) -> None:
        if self._conn is not None:
            self._conn.execute("PRAGMA optimize")
            self._conn.close()
            self._conn = None

    async def prune(self, now: float, keep_cache: float) -> None:
        """Drop rows nobody will read again (old claims, rate events, usage, cache rows, replies)."""
        await self._call(self._prune, now, keep_cache)

    def _prune(self, now: float, keep_cache: float) -> None:
        with self._transaction() as db:
            db.execute("DELETE FROM claims WHERE at < ?", (now - CLAIMS_KEPT,))
            db.execute("DELETE FROM rate_events WHERE at < ?", (now - RATE_EVENTS_KEPT,))
            db.execute("DELETE FROM usage WHERE at < ?", (now - USAGE_KEPT,))
            db.execute("DELETE FROM trials WHERE at < ?", (now - TRIALS_KEPT,))
            db.execute("DELETE FROM analyses WHERE created_at < ?", (now - keep_cache,))
            db.execute("DELETE FROM replies WHERE at < ?", (now - keep_cache,))
            db.execute("DELETE FROM flights WHERE lease_until < ?", (now,))  # holders that died
            db.execute("DELETE FROM answers WHERE at < ?", (now - ANSWERS_KEPT,))

    # Exactly-once claims: leases with a state

    async def claim(
        self, platform: str, workspace: str, channel: str, message_id: str, url: str, now: float, lease: float
    ) -> bool:
        """True when this caller now holds the claim on this message and link for `lease` seconds."""
        row = (platform, workspace, channel, message_id, url, now, now + lease)
        return await self._call(self._claim, row, now)

    def _claim(self, row: tuple[Any, ...], now: float) -> bool:
        # Insert a working claim, or take over one whose claimant's lease ran out; one statement.
        cursor = self._db.execute(
            "INSERT INTO claims (platform, workspace, channel, message_id, url, at, state, lease_until)"
            " VALUES (?, ?, ?, ?, ?, ?, 'working', ?)"
            " ON CONFLICT (platform, workspace, channel, message_id, url) DO UPDATE"
            " SET at = excluded.at, lease_until = excluded.lease_until"
            " WHERE claims.state = 'working' AND claims.lease_until <= ?",
            (*row, now),
        )
        return cursor.rowcount == 1

    async def finish_claim(
        self, platform: str, workspace: str, channel: str, message_id: str, url: str, now: float
    ) -> None:
        """Mark a claim answered: no later delivery of this message and link is answered again."""
        await self._call(
            self._db_execute,
            f"UPDATE claims SET state = 'answered', at = ? WHERE {_CLAIM_KEY}",
            (now, platform, workspace, channel, message_id, url),
        )

    async def release_claim(
        self, platform: str, workspace: str, channel: str, message_id: str, url: str
    ) -> None:
        """Drop a claim that is still working (nothing was posted), so a redelivery is answered."""
        await self._call(
            self._db_execute,
            f"DELETE FROM claims WHERE {_CLAIM_KEY} AND state = 'working'",
            (platform, workspace, channel, message_id, url),
        )

    async def forget_claim(
        self, platform: str, workspace: str, channel: str, message_id: str, url: str
    ) -> None:
        """Drop a claim whatever its state: its link was edited out and its answer taken down."""
        await self._call(
            self._db_execute,
            f"DELETE FROM claims WHERE {_CLAIM_KEY}",
            (platform, workspace, channel, message_id, url),
        )

    # Cross-process single-flight: one analysis lease per cache key

    async def take_flight(self, key: str, owner: str, now: float, lease: float) -> bool:
        """True when `owner` now holds the lease to analyse `key` (nobody does, or their lease ran out)."""
        granted = await self._call(
            self._db_execute,
            "INSERT INTO flights (cache_key, owner, lease_until) VALUES (?, ?, ?)"
            " ON CONFLICT (cache_key) DO UPDATE"
            " SET owner = excluded.owner, lease_until = excluded.lease_until"
            " WHERE flights.lease_until <= ? OR flights.owner = excluded.owner",
            (key, owner, now + lease, now),
        )
        return granted == 1

    async def end_flight(self, key: str, owner: str) -> None:
        """Give up the lease on `key` if `owner` still holds it (the analysis is stored, or failed)."""
        await self._call(
            self._db_execute, "DELETE FROM flights WHERE cache_key = ? AND owner = ?", (key, owner)
        )

    # Settings and audit

    async def settings_layers(self, workspace: str, channel: str) -> list[dict[str, Any]]:
        """Stored settings for the global scope, the workspace and the channel, broadest first."""
        return await self._call(self._settings_layers, workspace, channel)

    def _settings_layers(self, workspace: str, channel: str) -> list[dict[str, Any]]:
        rows = self._db.execute(
            "SELECT workspace, channel, key, value FROM settings"
            " WHERE (workspace = ? AND channel = '') OR (workspace = ? AND channel IN ('', ?))",
            (GLOBAL, workspace, channel),
        ).fetchall()
        return layers_from(rows, workspace, channel)

    async def change_setting(
        self, workspace: str, channel: str, key: str, value: Any | None, actor: Actor, now: float
    ) -> Any | None:
        """Set (or with None, remove) one key at one scope and audit it; returns the old value."""
        return await self._call(self._change_setting, workspace, channel, key, value, actor, now)

    def _change_setting(
        self, workspace: str, channel: str, key: str, value: Any | None, actor: Actor, now: float
    ) -> Any | None:
        new = None if value is None else json.dumps(value)
        with self._transaction() as db:
            row = db.execute(
                "SELECT value FROM settings WHERE workspace = ? AND channel = ? AND key = ?",
                (workspace, channel, key),
            ).fetchone()
            old = row[0] if row else None
            if new is None:
                db.execute(
                    "DELETE FROM settings WHERE workspace = ? AND channel = ? AND key = ?",
                    (workspace, channel, key),
                )
            else:
                db.execute(
                    "INSERT INTO settings (workspace, channel, key, value) VALUES (?, ?, ?, ?)"
                    " ON CONFLICT (workspace, channel, key) DO UPDATE SET value = excluded.value",
                    (workspace, channel, key, new),
                )
            db.execute(
                "INSERT INTO audit (at, platform, user_id, workspace, channel, key, old, new)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (now, actor.platform, actor.user_id, workspace, channel, key, old, new),
            )
        return None if old is None else json.loads(old)

    async def audit_log(self, workspace: str | None, limit: int) -> list[AuditEntry]:
        """The latest changes, newest first (None: every workspace)."""
        return await self._call(self._audit_log, workspace, limit)

    def _audit_log(self, workspace: str | None, limit: int) -> list[AuditEntry]:
        columns = "at, platform, user_id, workspace, channel, key, old, new"
        if workspace is None:
            rows = self._db.execute(f"SELECT {columns} FROM audit ORDER BY id DESC LIMIT ?", (limit,))
        else:
            rows = self._db.execute(
                f"SELECT {columns} FROM audit WHERE workspace = ? ORDER BY id DESC LIMIT ?",
                (workspace, limit),
            )
        names = columns.split(", ")
        return [AuditEntry(**dict(zip(names, row, strict=True))) for row in rows.fetchall()]

    # Rate limits and budgets

    async def take_rate_slots(self, checks: list[RateCheck], now: float) -> tuple[str, float] | None:
        """Record one event per check if all have room; else record nothing and return (key, wait)."""
        return await self._call(self._take_rate_slots, checks, now)

    def _take_rate_slots(self, checks: list[RateCheck], now: float) -> tuple[str, float] | None:
        with self._transaction() as db:
            refusals = []
            for check in checks:
                # Events that left the window are never read again: dropping them keeps the table small.
                db.execute(
                    "DELETE FROM rate_events WHERE key = ? AND at <= ?",
                    (check.key, now - check.limit.window_seconds),
                )
                rows = db.execute(
                    "SELECT at FROM rate_events WHERE key = ? AND at > ?",
                    (check.key, now - check.limit.window_seconds),
                ).fetchall()
                wait = retry_after((r[0] for r in rows), check.limit, now)
                if wait is not None:
                    refusals.append((check.key, wait))
            if refusals:
                return max(refusals, key=lambda refusal: refusal[1])
            db.executemany("INSERT INTO rate_events (key, at) VALUES (?, ?)", [(c.key, now) for c in checks])
        return None

    async def reserve_budget(
        self, workspace: str, channel: str, day_start: float, max_requests: int, max_tokens: int, now: float
    ) -> int | None:
        """Atomically count today's analyses and tokens and, if under budget, reserve one (a ticket)."""
        return await self._call(
            self._reserve_budget, workspace, channel, day_start, max_requests, max_tokens, now
        )

    def _reserve_budget(
        self, workspace: str, channel: str, day_start: float, max_requests: int, max_tokens: int, now: float
    ) -> int | None:
        with self._transaction() as db:
            requests, tokens = db.execute(
                "SELECT COUNT(*), COALESCE(SUM(tokens), 0) FROM usage"
                " WHERE workspace = ? AND at >= ? AND kind IN ('analysis', 'reserved')",
                (workspace, day_start),
            ).fetchone()
            if requests >= max_requests or tokens >= max_tokens:
                return None
            cursor = db.execute(
                "INSERT INTO usage (at, workspace, channel, kind) VALUES (?, ?, ?, 'reserved')",
                (now, workspace, channel),
            )
            return cursor.lastrowid

    async def settle(
        self, ticket: int, kind: str, reason: str | None = None, tokens: int = 0, cost_usd: float = 0.0
    ) -> None:
        """Turn a reservation into what happened: "analysis" (tokens, cost), "failed", or "released"."""
        await self._call(self._settle, ticket, kind, reason, tokens, cost_usd)

    def _settle(self, ticket: int, kind: str, reason: str | None, tokens: int, cost_usd: float) -> None:
        if kind == "released":
            self._db.execute("DELETE FROM usage WHERE id = ?", (ticket,))
        else:
            self._db.execute(
                "UPDATE usage SET kind = ?, reason = ?, tokens = ?, cost_usd = ? WHERE id = ?",
                (kind, reason, tokens, cost_usd, ticket),
            )

    async def record_event(self, workspace: str, channel: str, kind: str, now: float) -> None:
        """Count a free event such as a cache hit."""
        await self._call(
            self._db_execute,
            "INSERT INTO usage (at, workspace, channel, kind) VALUES (?, ?, ?, ?)",
            (now, workspace, channel, kind),
        )

    def _db_execute(self, sql: str, params: tuple[Any, ...]) -> int:
        return self._db.execute(sql, params).rowcount

    async def figures(self, workspace: str | None, since: float) -> Figures:
        """Usage and feedback since a moment (None: every workspace)."""
        return await self._call(self._figures, workspace, since)

    def _figures(self, workspace: str | None, since: float) -> Figures:
        scope, params = ("", (since,)) if workspace is None else (" AND workspace = ?", (since, workspace))
        usage = self._db.execute(
            f"SELECT kind, reason, COUNT(*), COALESCE(SUM(tokens), 0), COALESCE(SUM(cost_usd), 0)"
            f" FROM usage WHERE at >= ?{scope} GROUP BY kind, reason",
            params,
        ).fetchall()
        votes = self._db.execute(
            f"SELECT vote, COUNT(*) FROM feedback WHERE at >= ?{scope} GROUP BY vote", params
        ).fetchall()
        return figures_from(usage, votes)

    # Analysis cache

    async def cached_analysis(self, key: str, not_before: float) -> CachedAnalysis | None:
        """The analysis stored under this key no earlier than `not_before`."""
        return await self._call(self._cached_analysis, key, not_before)

    def _cached_analysis(self, key: str, not_before: float) -> CachedAnalysis | None:
        row = self._db.execute(
            "SELECT analysis, article_text, created_at FROM analyses WHERE cache_key = ? AND created_at >= ?",
            (key, not_before),
        ).fetchone()
        if row is None:
            return None
        return CachedAnalysis(
            analysis=Analysis.model_validate_json(row[0]), article_text=row[1], created_at=row[2]
        )

    async def save_analysis(
        self, key: str, url: str, analysis: Analysis, article_text: str, now: float
    ) -> None:
        """Store (or replace) one analysis."""
        await self._call(
            self._db_execute,
            "INSERT OR REPLACE INTO analyses (cache_key, url, analysis, article_text, created_at)"
            " VALUES (?, ?, ?, ?, ?)",
            (key, url, analysis.model_dump_json(), article_text, now),
        )

    async def forget(self, url: str, workspace: str, actor: Actor, now: float) -> int:
        """Drop every cached analysis of a URL and audit it; returns how many."""
        return await self._call(self._forget, url, workspace, actor, now)

    def _forget(self, url: str, workspace: str, actor: Actor, now: float) -> int:
        with self._transaction() as db:
            dropped = db.execute("DELETE FROM analyses WHERE url = ?", (url,)).rowcount
            db.execute(
                "INSERT INTO audit (at, platform, user_id, workspace, channel, key, old, new)"
                " VALUES (?, ?, ?, ?, '', ?, ?, NULL)",
                (
                    now,
                    actor.platform,
                    actor.user_id,
                    workspace,
                    f"cache:{url}",
                    json.dumps(f"{dropped} cached"),
                ),
            )
        return dropped

    async def article_text(self, url: str) -> str | None:
        """The text behind the newest cached analysis of a URL."""
        return await self._call(
            self._fetch_value,
            "SELECT article_text FROM analyses WHERE url = ? ORDER BY created_at DESC LIMIT 1",
            (url,),
        )

    def _fetch_value(self, sql: str, params: tuple[Any, ...]) -> Any | None:
        row = self._db.execute(sql, params).fetchone()
        return None if row is None else row[0]

    # Replies and feedback

    async def remember_reply(
        self, platform: str, workspace: str, channel: str, url: str, permalink: str, now: float
    ) -> None:
        """Record where a link's answer was posted in a channel."""
        await self._call(
            self._db_execute,
            "INSERT OR REPLACE INTO replies (platform, workspace, channel, url, permalink, at)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (platform, workspace, channel, url, permalink, now),
        )

    async def earlier_reply(
        self, platform: str, workspace: str, channel: str, url: str, not_before: float
    ) -> str | None:
        """The permalink of this link's answer in this channel, if posted no earlier than `not_before`."""
        return await self._call(
            self._fetch_value,
            "SELECT permalink FROM replies"
            " WHERE platform = ? AND workspace = ? AND channel = ? AND url = ? AND at >= ?",
            (platform, workspace, channel, url, not_before),
        )

    async def record_feedback(
        self, platform: str, workspace: str, channel: str, url: str, user_id: str, vote: int, now: float
    ) -> None:
        """Store a 👍 (1) or 👎 (-1); a user's last vote on a reply wins."""
        await self._call(
            self._db_execute,
            "INSERT OR REPLACE INTO feedback (platform, workspace, channel, url, user_id, vote, at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            (platform, workspace, channel, url, user_id, vote, now),
        )

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
        await self._call(
            self._db_execute,
            f"INSERT OR REPLACE INTO answers (platform, workspace, channel, message_id, {ANSWER_COLUMNS})"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (platform, workspace, channel, message_id, *answer_row(url, posted, now)),
        )

    async def answers_to(
        self, platform: str, workspace: str, channel: str, message_id: str
    ) -> list[AnswerRecord]:
        """The recorded answers to one message, oldest first."""
        return await self._call(self._answers_to, (platform, workspace, channel, message_id))

    def _answers_to(self, key: tuple[str, ...]) -> list[AnswerRecord]:
        rows = self._db.execute(
            f"SELECT {ANSWER_COLUMNS} FROM answers"
            " WHERE platform = ? AND workspace = ? AND channel = ? AND message_id = ? ORDER BY at, url",
            key,
        ).fetchall()
        return [answer_from(row) for row in rows]

    async def take_answer(
        self, platform: str, workspace: str, channel: str, message_id: str, url: str
    ) -> AnswerRecord | None:
        """Remove and return the answer to this message's link (None when another caller took it), and
        drop the "already explained here" pointer to it."""
        return await self._call(self._take_answer, (platform, workspace, channel, message_id, url))

    def _take_answer(self, key: tuple[str, ...]) -> AnswerRecord | None:
        with self._transaction() as db:
            row = db.execute(
                f"DELETE FROM answers WHERE platform = ? AND workspace = ? AND channel = ? AND message_id = ?"
                f" AND url = ? RETURNING {ANSWER_COLUMNS}",
                key,
            ).fetchone()
            if row is None:
                return None
            answer = answer_from(row)
            if answer.permalink:
                db.execute(
                    "DELETE FROM replies"
                    " WHERE platform = ? AND workspace = ? AND channel = ? AND permalink = ?",
                    (*key[:3], answer.permalink),
                )
        return answer

    # Trial mode

    async def record_trial(self, record: TrialRecord) -> None:
        """Store what the bot would have posted for one link in a trial channel."""
        values = tuple(record.model_dump().values())
        await self._call(
            self._db_execute,
            f"INSERT INTO trials ({TRIAL_COLUMNS}) VALUES ({', '.join('?' * len(values))})",
            values,
        )

    async def trial_records(
        self, workspace: str | None, channel: str | None, since: float, limit: int, url: str | None = None
    ) -> list[TrialRecord]:
        """The newest trial records since a moment, newest first (None: every workspace / channel / link)."""
        scope, params = trial_scope(workspace, channel, since, url, _mark)
        rows = await self._call(
            self._fetch_all,
            f"SELECT {TRIAL_COLUMNS} FROM trials WHERE {scope} ORDER BY at DESC, id DESC LIMIT ?",
            (*params, limit),
        )
        return [trial_record_from(row) for row in rows]

    async def trial_counts(
        self, workspace: str | None, channel: str | None, since: float
    ) -> list[TrialCount]:
        """Trial records since a moment, counted and summed by status and reason."""
        scope, params = trial_scope(workspace, channel, since, None, _mark)
        rows = await self._call(
            self._fetch_all,
            f"SELECT {TRIAL_COUNT_COLUMNS} FROM trials WHERE {scope} GROUP BY status, reason",
            params,
        )
        return trial_counts_from(rows)

    def _fetch_all(self, sql: str, params: tuple[Any, ...]) -> list[Any]:
        return self._db.execute(sql, params).fetchall()


def _mark(n: int) -> str:
    """SQLite's placeholder, the same for every parameter."""
    return "?"
