"""The storage interface the service needs, and the records it exchanges.

`SqliteStore` (one machine) and `PostgresStore` (several bot processes on several machines) implement
this Protocol; `make_store` picks one from `FOOTNOTE_DB`, and both pass one contract test suite
(tests/test_store_contract.py). What each method must guarantee:

- A claim is a lease with a state, keyed on (platform, workspace, channel, message, url). `claim`
  grants it to exactly one caller at a time: when no row exists (insert as "working" with a lease),
  or when the row is still "working" and its lease has expired (the claimant died: take it over by
  an atomic conditional update). A row that is "answered" is never granted again, so a redelivered
  event is answered once, and a crash never loses it. PostgreSQL: `INSERT ... ON CONFLICT DO UPDATE
  ... WHERE state = 'working' AND lease_until <= now` and check the row count.
- `finish_claim` marks the claim "answered" once the answer (or the failure notice) is posted;
  `release_claim` drops a claim still "working" when this process gives up before posting anything,
  so the next delivery is answered at once instead of after the lease.
- `take_flight` is cross-process single-flight: one lease row per cache key, granted like a claim
  (no row, or the holder's lease ran out) in one conditional upsert; `end_flight` drops it once the
  analysis is stored. Other processes poll the cache meanwhile, so a link is fetched once.
- `take_rate_slots` and `reserve_budget` check and record in one atomic step: a PostgreSQL transaction
  with `SELECT ... FOR UPDATE` on a per-key row (or SERIALIZABLE), or a Redis Lua script over a
  sorted set of timestamps (`ZREMRANGEBYSCORE`, `ZCARD`, `ZADD`).
- `change_setting` reads the old value, writes the new one and appends the audit entry in one
  transaction, so that the audit log always tells the truth about old → new.
- `record_answer` keeps which bot message answered each message's link; `take_answer` removes that
  record and returns it in one atomic step (`DELETE ... RETURNING`), so when the member deletes the
  message or edits the link away, exactly one process (and one delivery of a retried event) takes
  the answer down. It also drops the "already explained here" pointer to that answer.

- Trial records are appended and read back by time; `prune` drops them after a month.
- Everything else is plain reads and upserts. Times are epoch seconds passed in by the caller, so a
  backend never reads a clock of its own (tests inject one).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from typing import Any, Protocol

from pydantic import BaseModel, Field

from bot.models import Analysis
from bot.service.policy import GLOBAL, RateLimit
from bot.service.types import AnswerRecord, PostedReply


class Actor(BaseModel):
    """Who made a change, for the audit log."""

    platform: str
    user_id: str


class AuditEntry(BaseModel):
    """One moderator change: who changed what, when, old → new (values as JSON text, None = unset)."""

    at: float
    platform: str
    user_id: str
    workspace: str
    channel: str
    key: str
    old: str | None
    new: str | None


class CachedAnalysis(BaseModel):
    """A stored analysis and the text it was made from."""

    analysis: Analysis
    article_text: str
    created_at: float


class RateCheck(BaseModel):
    """One sliding-window limit to check and, if every check passes, to record."""

    key: str
    limit: RateLimit


class Figures(BaseModel):
    """Usage of one workspace (or all) since some moment, for `stats`."""

    analyses: int = 0
    cache_hits: int = 0
    failures: int = 0
    tokens: int = 0
    cost_usd: float = 0.0  # estimated, from the price table
    fallbacks: dict[str, int] = Field(default_factory=dict)
    refusals: dict[str, int] = Field(default_factory=dict)  # reason → requests turned away (kind "refused:…")
    thumbs_up: int = 0
    thumbs_down: int = 0


# The answers table's columns that make an `AnswerRecord`, in `answer_from`'s order.
# How long each kind of row is kept before `prune` drops it (seconds).
DAY = 86_400.0
CLAIMS_KEPT = 7 * DAY  # platforms retry events within minutes; a week is generous
USAGE_KEPT = 31 * DAY  # `stats` looks back 30 days
RATE_EVENTS_KEPT = DAY  # the longest window a moderator can set
ANSWERS_KEPT = 30 * DAY  # a message deleted or edited later than this leaves its answer standing
TRIALS_KEPT = 31 * DAY  # the trial report looks back at most 30 days

ANSWER_COLUMNS = "url, reply_id, thread_id, created_thread, permalink, at"


def answer_from(row: Sequence[Any]) -> AnswerRecord:
    """An `AnswerRecord` from a row of `ANSWER_COLUMNS` (either backend stores the flag as 0/1)."""
    url, reply_id, thread_id, created_thread, permalink, at = row
    return AnswerRecord(
        url=url,
        reply_id=reply_id,
        thread_id=thread_id,
        created_thread=bool(created_thread),
        permalink=permalink,
        at=at,
    )


def answer_row(url: str, posted: PostedReply, now: float) -> tuple[Any, ...]:
    """The values of `ANSWER_COLUMNS` for an answer posted now: `answer_from`'s row, written."""
    return url, posted.reply_id, posted.thread_id, int(posted.created_thread), posted.permalink, now


class TrialRecord(BaseModel):
    """What the bot would have posted for one link in a channel in trial mode (it posted nothing)."""

    at: float
    platform: str
    workspace: str
    channel: str
    message_id: str
    url: str
    title: str = ""
    status: str  # the explain outcome: ok, cached, already_here, rate_limited, quiet, budget_spent, ...
    reason: str = ""  # why it was refused or failed: not_allowed, timeout, paywall, ...
    reply: str = ""  # the would-be reply's first lines (verdict, In short) or its notice; "" for none
    engine: str = ""
    tokens: int = 0  # spent by this request (0 for a cached answer or a refusal)
    cost_usd: float = 0.0  # spent by this request, from the price table
    estimate_tokens: int = 0  # what the OpenAI engine would have spent, for an offline analysis
    estimate_usd: float | None = None  # and at what price; None: no estimate (remote engine, or no price)


class TrialCount(BaseModel):
    """Trial records of one status and reason, summed, for the report and `stats`."""

    status: str
    reason: str
    links: int
    tokens: int
    cost_usd: float
    estimate_usd: float


TRIAL_COLUMNS = (
    "at, platform, workspace, channel, message_id, url, title, status, reason, reply, engine, tokens,"
    " cost_usd, estimate_tokens, estimate_usd"
)
TRIAL_COUNT_COLUMNS = (
    "status, reason, COUNT(*), COALESCE(SUM(tokens), 0), COALESCE(SUM(cost_usd), 0),"
    " COALESCE(SUM(estimate_usd), 0)"
)


def trial_scope(
    workspace: str | None, channel: str | None, since: float, url: str | None, mark: Callable[[int], str]
) -> tuple[str, tuple[Any, ...]]:
    """The WHERE clause and parameters picking trial records by time, workspace, channel and link;
    `mark(n)` is the backend's placeholder for the n-th parameter."""
    clauses, params = [f"at >= {mark(1)}"], [since]
    for column, value in (("workspace", workspace), ("channel", channel), ("url", url)):
        if value is not None:
            params.append(value)
            clauses.append(f"{column} = {mark(len(params))}")
    return " AND ".join(clauses), tuple(params)


def trial_record_from(row: Sequence[Any]) -> TrialRecord:
    """A `TrialRecord` from a row of `TRIAL_COLUMNS`."""
    return TrialRecord(**dict(zip(TRIAL_COLUMNS.replace(" ", "").split(","), row, strict=True)))


def trial_counts_from(rows: Iterable[Sequence[Any]]) -> list[TrialCount]:
    """`TrialCount`s from rows of `TRIAL_COUNT_COLUMNS`."""
    return [
        TrialCount(status=s, reason=r, links=n, tokens=t, cost_usd=c, estimate_usd=e)
        for s, r, n, t, c, e in rows
    ]


def layers_from(rows: Iterable[Sequence[Any]], workspace: str, channel: str) -> list[dict[str, Any]]:
    """(workspace, channel, key, JSON value) settings rows as the global, workspace and channel layers."""
    scopes = [(GLOBAL, ""), (workspace, ""), (workspace, channel)]
    layers: list[dict[str, Any]] = [{} for _ in scopes]
    for ws, ch, key, value in rows:
        layers[scopes.index((ws, ch))][key] = json.loads(value)
    return layers


def figures_from(usage: Iterable[Sequence[Any]], votes: Iterable[Sequence[Any]]) -> Figures:
    """`Figures` from (kind, reason, count, tokens, cost) usage groups and (vote, count) feedback groups."""
    figures = Figures()
    for kind, reason, count, tokens, cost in usage:
        if kind == "analysis":
            figures.analyses += count
            figures.tokens += tokens
            figures.cost_usd += cost
            if reason:
                figures.fallbacks[reason] = figures.fallbacks.get(reason, 0) + count
        elif kind == "cache_hit":
            figures.cache_hits += count
        elif kind == "failed":
            figures.failures += count
        elif kind.startswith("refused:"):
            reason = kind.removeprefix("refused:")
            figures.refusals[reason] = figures.refusals.get(reason, 0) + count
    for vote, count in votes:
        if vote > 0:
            figures.thumbs_up += count
        else:
            figures.thumbs_down += count
    return figures


class Store(Protocol):
    """Persistence for the service: cache, settings, claims, limits, budgets, audit, feedback, stats."""

    async def start(self) -> None:
        """Open the database and bring its schema up to date."""
        ...

    async def close(self) -> None:
        """Finish pending writes and close."""
        ...

    async def prune(self, now: float, keep_cache: float) -> None:
        """Drop rows nobody will read again (old claims, rate events, usage, cache rows, replies)."""
        ...

    async def claim(
        self, platform: str, workspace: str, channel: str, message_id: str, url: str, now: float, lease: float
    ) -> bool:
        """True when this caller now holds the claim on this message and link for `lease` seconds."""
        ...

    async def finish_claim(
        self, platform: str, workspace: str, channel: str, message_id: str, url: str, now: float
    ) -> None:
        """Mark a claim answered: no later delivery of this message and link is answered again."""
        ...

    async def release_claim(
        self, platform: str, workspace: str, channel: str, message_id: str, url: str
    ) -> None:
        """Drop a claim that is still working (nothing was posted), so a redelivery is answered."""
        ...

    async def forget_claim(
        self, platform: str, workspace: str, channel: str, message_id: str, url: str
    ) -> None:
        """Drop a claim whatever its state: the link was edited out of its message and its answer taken
        down, so an edit that puts it back is a new request."""
        ...

    async def take_flight(self, key: str, owner: str, now: float, lease: float) -> bool:
        """True when `owner` now holds the lease to analyse `key` (nobody does, or their lease ran out)."""
        ...

    async def end_flight(self, key: str, owner: str) -> None:
        """Give up the lease on `key` if `owner` still holds it (the analysis is stored, or failed)."""
        ...

    async def settings_layers(self, workspace: str, channel: str) -> list[dict[str, Any]]:
        """Stored settings for the global scope, the workspace and the channel, broadest first."""
        ...

    async def change_setting(
        self, workspace: str, channel: str, key: str, value: Any | None, actor: Actor, now: float
    ) -> Any | None:
        """Set (or with None, remove) one key at one scope and audit it; returns the old value."""
        ...

    async def audit_log(self, workspace: str | None, limit: int) -> list[AuditEntry]:
        """The latest changes, newest first (None: every workspace)."""
        ...

    async def take_rate_slots(self, checks: list[RateCheck], now: float) -> tuple[str, float] | None:
        """Record one event per check if all have room; else record nothing and return (key, wait)."""
        ...

    async def reserve_budget(
        self, workspace: str, channel: str, day_start: float, max_requests: int, max_tokens: int, now: float
    ) -> int | None:
        """Atomically count today's analyses and tokens and, if under budget, reserve one (a ticket)."""
        ...

    async def settle(
        self, ticket: int, kind: str, reason: str | None = None, tokens: int = 0, cost_usd: float = 0.0
    ) -> None:
        """Turn a reservation into what happened: "analysis" (with tokens), "failed", or "released"."""
        ...

    async def record_event(self, workspace: str, channel: str, kind: str, now: float) -> None:
        """Count a free event such as a cache hit."""
        ...

    async def figures(self, workspace: str | None, since: float) -> Figures:
        """Usage and feedback since a moment (None: every workspace)."""
        ...

    async def cached_analysis(self, key: str, not_before: float) -> CachedAnalysis | None:
        """The analysis stored under this key no earlier than `not_before`."""
        ...

    async def save_analysis(
        self, key: str, url: str, analysis: Analysis, article_text: str, now: float
    ) -> None:
        """Store (or replace) one analysis."""
        ...

    async def forget(self, url: str, workspace: str, actor: Actor, now: float) -> int:
        """Drop every cached analysis of a URL and audit it; returns how many."""
        ...

    async def article_text(self, url: str) -> str | None:
        """The text behind the newest cached analysis of a URL."""
        ...

    async def remember_reply(
        self, platform: str, workspace: str, channel: str, url: str, permalink: str, now: float
    ) -> None:
        """Record where a link's answer was posted in a channel."""
        ...

    async def earlier_reply(
        self, platform: str, workspace: str, channel: str, url: str, not_before: float
    ) -> str | None:
        """The permalink of this link's answer in this channel, if posted no earlier than `not_before`."""
        ...

    async def record_feedback(
        self, platform: str, workspace: str, channel: str, url: str, user_id: str, vote: int, now: float
    ) -> None:
        """Store a 👍 (1) or 👎 (-1); a user's last vote on a reply wins."""
        ...

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
        ...

    async def answers_to(
        self, platform: str, workspace: str, channel: str, message_id: str
    ) -> list[AnswerRecord]:
        """The recorded answers to one message, oldest first."""
        ...

    async def take_answer(
        self, platform: str, workspace: str, channel: str, message_id: str, url: str
    ) -> AnswerRecord | None:
        """Remove and return the answer to this message's link (None when another caller took it), and
        drop the "already explained here" pointer to it."""
        ...

    async def record_trial(self, record: TrialRecord) -> None:
        """Store what the bot would have posted for one link in a trial channel."""
        ...

    async def trial_records(
        self, workspace: str | None, channel: str | None, since: float, limit: int, url: str | None = None
    ) -> list[TrialRecord]:
        """The newest trial records since a moment, newest first (None: every workspace / channel / link)."""
        ...

    async def trial_counts(
        self, workspace: str | None, channel: str | None, since: float
    ) -> list[TrialCount]:
        """Trial records since a moment, counted and summed by status and reason."""
        ...
