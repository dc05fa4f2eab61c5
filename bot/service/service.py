"""`ExplainService`: the one implementation of `Service` that every chat adapter and the CLI use.

One explain request goes: claim (a lease on this message and link, taken before any work) →
domain rules → this link's turn in the channel → "already explained here" → rate limits → cache →
daily budget → single-flight analysis (fetch → extract → engine → citation guard, under a global
concurrency limit, CPU work off the event loop, each job within its deadline) → store.

The adapter that posts the result then settles the claim: `answered` once anything is posted
(an answer or a notice), so no redelivery is ever answered again; `release` when nothing was, so
the next delivery is answered at once; a claim whose holder died is answered on redelivery once
its lease runs out. One request per link and channel holds the link's turn until its answer is
posted (`remember_reply`) or given up; requests for the same link meanwhile wait and then get the
pointer to that answer instead of a second one. Turns are per process. Single-flight holds across
processes too: the process that takes the store's analysis lease on a cache key does the work
(renewing the lease while it runs), the others poll the cache for its result, and a lease whose
holder died runs out.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import os
import socket
import time
import uuid
from collections import OrderedDict
from collections.abc import Callable
from types import TracebackType
from typing import Literal

from bot import errors
from bot.config import Settings
from bot.engines import Engine, make_engine
from bot.legal.guard import guard_analysis
from bot.models import Analysis, Answer, Article, Coverage, FlagKind
from bot.pipeline import offline_analysis
from bot.service import messages
from bot.service.commands import CommandContext, run_command
from bot.service.policy import (
    Policy,
    RateLimit,
    default_policy,
    effective_policy,
    seconds_to_midnight_utc,
    utc_day_start,
)
from bot.service.store import CachedAnalysis, RateCheck, Store
from bot.service.store_factory import make_store
from bot.service.trial import earlier_trial_answer, openai_estimate, trial_record
from bot.service.types import (
    AnswerRecord,
    AskResult,
    ChannelView,
    CommandReply,
    ExplainResult,
    PostedReply,
    Status,
    Where,
    Who,
)
from bot.service.workers import ThreadWorkers, Workers
from bot.web.links import canonical_url, find_links, host_of

log = logging.getLogger(__name__)

HOUR = 3600.0
LINKS_SCANNED = 20
FALLBACK_KEPT = 10 * 60.0  # how long a fallback answer (the model failed) is served from the cache
CACHE_KEPT_AT_LEAST = 7 * 24 * HOUR  # "What I read" keeps working for a week even when the TTL is shorter
CLAIM_LEASE = 5 * 60.0  # a claim whose holder has not answered by then is answered on redelivery
TURN_WAIT = 3 * 60.0  # longest wait for another request's answer to the same link (its work is bounded)
DRAIN_SECONDS = 30.0  # on close, requests under way get this long before their work is cancelled
ANSWERED_KEPT = 10_000  # answered claims remembered in memory, for when the database cannot be reached

ClaimKey = tuple[str, str, str, str, str]  # platform, workspace, channel, message, url
TurnKey = tuple[str, str, str, str]  # platform, workspace, channel, url
FLIGHT_LEASE = 30.0  # an analysis lease (at most the claim lease), renewed every third of it while held
FLIGHT_POLL = 0.1  # how often a process waiting on another's analysis looks in the cache


def _import_analysis_steps() -> None:
    """Import the modules an analysis needs that nothing imports at start-up."""
    import bot.extract  # noqa: F401
    import bot.web.fetch  # noqa: F401


class ExplainService:
    """Policy, cache, single-flight analysis, settings, commands and stats over one `Store`."""

    def __init__(
        self,
        settings: Settings,
        *,
        engine: Engine | None = None,
        store: Store | None = None,
        workers: Workers | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._settings = settings
        self._engine = engine
        self._store: Store = store or make_store(settings)
        self._workers: Workers = workers or ThreadWorkers()
        self._clock = clock
        self._defaults = default_policy(settings)
        self._ttl = settings.cache_ttl_hours * HOUR
        self._slots = asyncio.Semaphore(max(1, settings.max_concurrent_analyses))
        self._flights: dict[str, asyncio.Task[tuple[Analysis, bool]]] = {}
        self._turns: dict[TurnKey, tuple[str, asyncio.Event]] = {}  # link in channel → holder's message
        self._answered: OrderedDict[ClaimKey, None] = OrderedDict()
        self._owner = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"  # this process's leases
        self._active = 0
        self._idle = asyncio.Event()
        self._idle.set()
        self._closing = False
        self._pruned_at = 0.0
        self._warming: asyncio.Task[None] | None = None

    # Life cycle

    async def start(self) -> None:
        """Open the store (migrating it) and drop expired rows."""
        if self._engine is None:
            self._engine = make_engine(self._settings)
        await self._store.start()
        await self._prune_now()
        # A bot warms up imports, the citation index and first-use set-up while it connects, so it is
        # online within seconds; the first analysis waits for the warm-up (`_warmed`).
        self._warming = asyncio.create_task(self._warm_up(), name="warm up")

    async def _warm_up(self) -> None:
        try:
            # Extraction (trafilatura) and fetching (httpx) are imported here, after the bot connects,
            # on a thread so that the event loop keeps serving meanwhile: about half a second of CPU
            # that start-up would otherwise spend before the bot is online.
            await asyncio.to_thread(_import_analysis_steps)
            await self._workers.start()
            if self._workers.warm:
                from bot.web.fetch import warm_up_fetch

                await warm_up_fetch(self._settings)
        except Exception:
            log.exception("warming up the workers failed; analyses will fail until the bot is restarted")
            raise

    async def _warmed(self) -> None:
        """Wait for the start-up warm-up; shielded, so that one requester giving up does not cancel it."""
        if self._warming is not None:
            await asyncio.shield(self._warming)

    async def _prune_now(self) -> None:
        self._pruned_at = self._clock()
        await self._store.prune(self._pruned_at, max(self._ttl, CACHE_KEPT_AT_LEAST))

    async def close(self, drain: float = DRAIN_SECONDS) -> None:
        """Refuse new work, give requests under way `drain` seconds, cancel what is left, close the store."""
        self._closing = True
        try:
            await asyncio.wait_for(self._idle.wait(), drain)
        except TimeoutError:
            log.warning("stopping with %d requests still under way; cancelling their work", self._active)
        for flight in self._flights.values():
            flight.cancel()
        await asyncio.gather(*self._flights.values(), return_exceptions=True)
        turns, self._turns = list(self._turns.values()), {}
        for _, turn in turns:
            turn.set()
        if self._warming is not None:
            self._warming.cancel()  # a bot stopped while still warming up need not finish it
            await asyncio.gather(self._warming, return_exceptions=True)
        if self._engine is not None:
            await self._engine.aclose()
        await self._workers.close()
        await self._store.close()

    async def __aenter__(self) -> ExplainService:
        await self.start()
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.close()

    @property
    def engine(self) -> Engine:
        """The analysis engine (available after `start`)."""
        if self._engine is None:
            raise RuntimeError("the service is not started")
        return self._engine

    @property
    def _claim_lease(self) -> float:
        return self._settings.claim_lease_seconds or CLAIM_LEASE

    @property
    def _flight_lease(self) -> float:
        # A request retried after its claim ran out must not then wait longer on a dead process's analysis.
        return min(FLIGHT_LEASE, self._claim_lease)

    # Settings

    async def _policy(self, where: Where) -> Policy:
        return effective_policy(
            self._defaults, await self._store.settings_layers(where.workspace, where.channel)
        )

    async def channel(self, where: Where) -> ChannelView:
        """Effective settings for a channel (guild/workspace defaults plus overrides)."""
        policy = await self._policy(where)
        return ChannelView(
            auto_explain=policy.answers_automatically,
            trial=policy.in_trial,
            reaction_requests=policy.reaction_requests,
            max_links=policy.max_links,
            language=policy.language,
        )

    async def links_to_explain(self, text: str, where: Where) -> list[str]:
        """Canonical article links in a message that this channel allows, up to its limit."""
        # Scan past the per-message limit so that blocked domains don't use up the channel's quota.
        links = find_links(text, self._settings, limit=LINKS_SCANNED)
        if not links:
            return []  # most messages have no link: skip the database
        policy = await self._policy(where)
        return [link for link in links if policy.allows_domain(host_of(link))][: policy.max_links]

    # Explaining

    async def explain(
        self, link: str, where: Where, who: Who, *, in_thread: bool = False, trial: bool = False
    ) -> ExplainResult:
        """Claim → policy → turn → cache → fetch → extract → engine → store, for one link.

        The claim comes first so that even a refusal is answered once per message and link.
        `in_thread`: the result is posted publicly in the message's thread by the shared explain flow,
        which settles the claim and ends the link's turn; such requests take turns per link and
        channel, and a member already told about a rate limit gets QUIET instead of another notice.
        `trial`: nothing is posted (trial mode), so "already explained here" means an earlier trial record.
        """
        if self._closing:
            return ExplainResult(
                status=Status.FAILED, link=link, message=messages.shutting_down(), error_kind="shutting_down"
            )
        self._active += 1
        self._idle.clear()
        try:
            return await self._explain(link, where, who, in_thread and where.message_id is not None, trial)
        finally:
            self._active -= 1
            if self._active == 0:
                self._idle.set()

    async def _explain(
        self, link: str, where: Where, who: Who, in_thread: bool, trial: bool = False
    ) -> ExplainResult:
        try:
            url = canonical_url(link)
        except errors.FootnoteError as exc:
            return ExplainResult(
                status=Status.FAILED, link=link, message=messages.failure(exc), error_kind=exc.kind
            )
        now = self._clock()
        if now - self._pruned_at > HOUR:  # a bot may run for months: keep old rows from piling up
            await self._prune_now()
        claim = self._claim_key(where, url)
        if claim is not None and (
            claim in self._answered or not await self._store.claim(*claim, now, self._claim_lease)
        ):
            return ExplainResult(status=Status.DUPLICATE, link=url)
        if not find_links(url, self._settings, limit=1):
            return ExplainResult(status=Status.NOT_ARTICLE, link=url, message=messages.not_article())
        policy = await self._policy(where)
        host = host_of(url)
        if not policy.allows_domain(host):
            blocked = not Policy(blocked_domains=policy.blocked_domains).allows_domain(host)
            reason = "domain_blocked" if blocked else "not_allowed"
            await self._refused(where, reason, now)
            message = messages.domain_blocked(host)
            return ExplainResult(status=Status.DOMAIN_BLOCKED, link=url, message=message, error_kind=reason)
        if not in_thread:
            return await self._explain_in_turn(url, where, who, policy, quiet_repeats=False, trial=trial)
        await self._take_turn(where, url)
        result = await self._explain_in_turn(url, where, who, policy, quiet_repeats=True, trial=trial)
        if result.analysis is None:
            self.end_turn(where, url)  # nothing will be remembered: the next request goes on at once
        return result

    async def _explain_in_turn(
        self, url: str, where: Where, who: Who, policy: Policy, quiet_repeats: bool, trial: bool = False
    ) -> ExplainResult:
        now = self._clock()
        if trial:
            permalink = await earlier_trial_answer(self._store, where, url, now - self._ttl)
        else:
            permalink = await self._store.earlier_reply(
                where.platform, where.workspace, where.channel, url, now - self._ttl
            )
        if permalink is not None:
            return ExplainResult(
                status=Status.ALREADY_HERE,
                link=url,
                permalink=permalink or None,
                message=messages.already_here(permalink or None),
            )
        refusal = await self._store.take_rate_slots(self._rate_checks(policy, where, who), now)
        if refusal is not None:
            await self._refused(where, "rate_limited", now)
            return await self._rate_limited(url, where, who, policy, refusal, now, quiet_repeats)
        key = self._cache_key(url, policy.language)
        cached = await self._store.cached_analysis(key, now - self._ttl)
        if cached is not None:
            await self._store.record_event(where.workspace, where.channel, "cache_hit", now)
            return self._answer(Status.CACHED, url, cached.analysis)
        return await self._analyse_shared(url, key, where, policy, now, who=who, quiet_repeats=quiet_repeats)

    async def _rate_limited(
        self,
        url: str,
        where: Where,
        who: Who,
        policy: Policy,
        refusal: tuple[str, float],
        now: float,
        quiet_repeats: bool,
    ) -> ExplainResult:
        """The refusal; in threads, one notice per member and window and silence for the repeats."""
        key, wait = refusal
        by_user = key.startswith("user:")
        text = messages.user_rate_limited(wait) if by_user else messages.channel_rate_limited(wait)
        if not quiet_repeats:  # a reply only the asker sees (a command's answer) amplifies nothing
            return ExplainResult(status=Status.RATE_LIMITED, link=url, message=text)
        window = policy.user_limit if by_user else policy.channel_limit
        if await self._told_already("notice", where, who, window.minutes, now):
            return ExplainResult(status=Status.QUIET, link=url)
        return ExplainResult(status=Status.RATE_LIMITED, link=url, message=text)

    async def _told_already(self, kind: str, where: Where, who: Who, minutes: int, now: float) -> bool:
        """Whether the member got this kind of notice within `minutes`; if not, they are getting it now."""
        told = RateCheck(
            key=f"{kind}:{where.platform}:{where.workspace}:{who.user_id}",
            limit=RateLimit(count=1, minutes=minutes),
        )
        return await self._store.take_rate_slots([told], now) is not None

    # Claims and turns

    @staticmethod
    def _claim_key(where: Where, url: str) -> ClaimKey | None:
        if where.message_id is None:
            return None
        return (where.platform, where.workspace, where.channel, where.message_id, url)

    async def _take_turn(self, where: Where, url: str) -> None:
        """Wait while another message's request answers this link here, then hold the turn."""
        key = (where.platform, where.workspace, where.channel, url)
        while (holder := self._turns.get(key)) is not None and holder[0] != where.message_id:
            try:
                await asyncio.wait_for(holder[1].wait(), TURN_WAIT)
            except TimeoutError:
                log.warning("an answer to %s took over %.0f s; answering again", url, TURN_WAIT)
                break
        self._turns[key] = (str(where.message_id), asyncio.Event())

    def end_turn(self, where: Where, link: str) -> None:
        """This message's request for the link is posted or given up: the next one for it here goes on."""
        try:
            url = canonical_url(link)
        except errors.FootnoteError:
            return
        key = (where.platform, where.workspace, where.channel, url)
        holder = self._turns.get(key)
        if holder is not None and holder[0] == where.message_id:
            del self._turns[key]
            holder[1].set()

    async def answered(self, where: Where, link: str) -> None:
        """Something was posted for this message and link: no later delivery of it is answered again."""
        try:
            claim = self._claim_key(where, canonical_url(link))
        except errors.FootnoteError:
            return  # not a link: never claimed
        if claim is None:
            return
        # Remembered here first: a database that cannot be reached right now must not let a retry
        # of the same event post a second answer after a failure notice.
        self._answered[claim] = None
        while len(self._answered) > ANSWERED_KEPT:
            self._answered.popitem(last=False)
        await self._store.finish_claim(*claim, self._clock())

    async def release(self, where: Where, link: str) -> None:
        """Nothing was posted for this message and link: the next delivery of it is answered."""
        try:
            url = canonical_url(link)
        except errors.FootnoteError:
            return  # not a link: never claimed
        claim = self._claim_key(where, url)
        self.end_turn(where, link)
        if claim is not None and claim not in self._answered:
            await self._store.release_claim(*claim)

    async def _refused(self, where: Where, reason: str, now: float) -> None:
        """Count a request turned away, by reason, for `stats`."""
        await self._store.record_event(where.workspace, where.channel, f"refused:{reason}", now)

    def _rate_checks(self, policy: Policy, where: Where, who: Who) -> list[RateCheck]:
        scope = f"{where.platform}:{where.workspace}"
        return [
            RateCheck(key=f"user:{scope}:{who.user_id}", limit=policy.user_limit),
            RateCheck(key=f"channel:{scope}:{where.channel}", limit=policy.channel_limit),
        ]

    def _language(self, wanted: str) -> str:
        """The language the engine will actually write in: the one asked for, or English."""
        return wanted if self.engine.multilingual else "en"

    def _cache_key(self, url: str, language: str) -> str:
        # The engine version names model and prompt (or the offline rules), so upgrading re-explains;
        # each reply language is an analysis of its own.
        language = self._language(language)
        version = self.engine.version
        return f"{version}|{url}" if language == "en" else f"{version}|{language}|{url}"

    @staticmethod
    def _answer(status: Status, url: str, analysis: Analysis, spent: bool = False) -> ExplainResult:
        partial = any(flag.kind == FlagKind.PARTIAL_TEXT for flag in analysis.flags)
        message = None
        if partial:
            meta = analysis.article
            only_long = meta.read_words and meta.coverage in (Coverage.FULL, None)  # cut for length alone
            message = messages.long_text() if only_long else messages.partial_text()
        return ExplainResult(status=status, link=url, analysis=analysis, message=message, spent=spent)

    async def _analyse_shared(
        self,
        url: str,
        key: str,
        where: Where,
        policy: Policy,
        now: float,
        who: Who | None = None,
        quiet_repeats: bool = False,
    ) -> ExplainResult:
        """Join the analysis of this URL already under way, or reserve budget and start it.

        A spent budget is told in threads once per member and user rate window, like a rate limit.
        """
        flight = self._flights.get(key)
        leader = False
        if flight is None:
            ticket = await self._store.reserve_budget(
                where.workspace,
                where.channel,
                utc_day_start(now),
                policy.budget_requests,
                policy.budget_tokens,
                now,
            )
            if ticket is None:
                await self._refused(where, "budget_spent", now)
                minutes = policy.user_limit.minutes
                if (
                    quiet_repeats
                    and who is not None
                    and await self._told_already("budget-notice", where, who, minutes, now)
                ):
                    return ExplainResult(status=Status.QUIET, link=url)
                return ExplainResult(
                    status=Status.BUDGET_SPENT,
                    link=url,
                    message=messages.budget_spent(seconds_to_midnight_utc(now)),
                )
            flight = self._flights.get(key)  # another request may have started it while we reserved
            if flight is None:
                flight = asyncio.create_task(
                    self._analyse_once(url, key, self._language(policy.language), ticket),
                    name=f"analyse {url}",
                )
                self._flights[key] = flight
                flight.add_done_callback(functools.partial(self._landed, key))
                leader = True
            else:
                await self._store.settle(ticket, "released")
        try:
            # shield: a requester that gives up must not cancel the work others are waiting for
            analysis, fresh = await asyncio.shield(flight)
        except errors.FootnoteError as exc:
            return ExplainResult(
                status=Status.FAILED, link=url, message=messages.failure(exc), error_kind=exc.kind
            )
        if leader and fresh:
            return self._answer(Status.OK, url, analysis, spent=True)
        await self._store.record_event(where.workspace, where.channel, "cache_hit", self._clock())
        return self._answer(Status.OK if fresh else Status.CACHED, url, analysis)

    def _landed(self, key: str, task: asyncio.Task[tuple[Analysis, bool]]) -> None:
        if self._flights.get(key) is task:
            del self._flights[key]

    async def _analyse_once(self, url: str, key: str, language: str, ticket: int) -> tuple[Analysis, bool]:
        """`_analyse` under this process's lease on the key, or the analysis another process stored."""
        try:
            cached = await self._lead_or_wait(key)
        except BaseException:
            await self._store.settle(ticket, "released")
            raise
        if cached is not None:
            await self._store.settle(ticket, "released")
            return cached.analysis, False
        renewing = asyncio.create_task(self._renew_flight(key))
        try:
            return await self._analyse(url, key, language, ticket)
        finally:
            renewing.cancel()
            await self._store.end_flight(key, self._owner)

    async def _lead_or_wait(self, key: str) -> CachedAnalysis | None:
        """None once this process holds the analysis lease; the stored analysis if another made it."""
        while not await self._store.take_flight(key, self._owner, self._clock(), self._flight_lease):
            await asyncio.sleep(FLIGHT_POLL)
            cached = await self._store.cached_analysis(key, self._clock() - self._ttl)
            if cached is not None:
                return cached
        return None  # free, or its holder failed or died: analyse here (`_analyse` re-checks the cache)

    async def _renew_flight(self, key: str) -> None:
        while True:
            await asyncio.sleep(self._flight_lease / 3)
            await self._store.take_flight(key, self._owner, self._clock(), self._flight_lease)

    async def _analyse(self, url: str, key: str, language: str, ticket: int) -> tuple[Analysis, bool]:
        """Fetch, extract, analyse and store one URL; (analysis, True if made now)."""
        # A flight that finished between our cache miss and this start has already stored it.
        cached = await self._store.cached_analysis(key, self._clock() - self._ttl)
        if cached is not None:
            await self._store.settle(ticket, "released")
            return cached.analysis, False
        try:
            async with self._slots:
                await self._warmed()
                from bot.extract import extract_article  # imported by the warm-up: cheap here
                from bot.web.fetch import fetch_page

                page = await fetch_page(url, self._settings)
                article = await self._workers.run(extract_article, page.html, page.final_url)
                analysis = await self._run_engine(article, language)
        except asyncio.CancelledError:
            await self._store.settle(ticket, "released")
            raise
        except errors.FootnoteError as exc:
            log.info("could not explain %s: %s", url, exc.kind)
            await self._store.settle(ticket, "failed", exc.kind)
            raise
        except Exception as exc:
            log.exception("unexpected failure explaining %s", url)
            await self._store.settle(ticket, "failed", "unexpected")
            raise errors.EngineFailed(messages.unexpected_failure()) from exc
        usage = analysis.usage
        saved_at = self._clock()
        if usage.fallback:
            # A stand-in answer after a model failure: kept only briefly, so the model is asked again
            # once the outage or rate limit has passed (stored as if older, to expire early).
            saved_at -= max(0.0, self._ttl - FALLBACK_KEPT)
        await self._store.save_analysis(key, url, analysis, article.text, saved_at)
        tokens = usage.input_tokens + usage.output_tokens
        await self._store.settle(ticket, "analysis", usage.fallback, tokens, usage.cost_usd or 0.0)
        return analysis, True

    async def _run_engine(self, article: Article, language: str) -> Analysis:
        """The engine, then the citation guard; CPU-bound work runs on the workers."""
        if hasattr(self.engine, "analyse_sync"):
            return await self._workers.run(offline_analysis, self.engine, article)
        return await self._workers.run(guard_analysis, await self.engine.analyse(article, language))

    # Follow-up questions

    async def ask(
        self, link: str, question: str, where: Where, who: Who, *, in_thread: bool = False
    ) -> AskResult:
        """A follow-up question about a link's article: claim → domain rules → rate limits → the article
        (from the cache where possible, else explained as usual) → an answer from it and the knowledge base.

        `in_thread`: the answer is posted publicly in the thread, so a member already told about a rate
        limit gets QUIET instead of another notice. The adapter that posts the answer settles the claim
        (`answered` / `release`) as for an explanation.
        """
        if self._closing:
            return AskResult(status=Status.FAILED, link=link, message=messages.shutting_down())
        self._active += 1
        self._idle.clear()
        try:
            return await self._ask(link, question, where, who, in_thread)
        finally:
            self._active -= 1
            if self._active == 0:
                self._idle.set()

    async def _ask(self, link: str, question: str, where: Where, who: Who, in_thread: bool) -> AskResult:
        try:
            url = canonical_url(link)
        except errors.FootnoteError as exc:
            return AskResult(status=Status.FAILED, link=link, message=messages.failure(exc))
        now = self._clock()
        claim = self._claim_key(where, url)
        if claim is not None and (
            claim in self._answered or not await self._store.claim(*claim, now, self._claim_lease)
        ):
            return AskResult(status=Status.DUPLICATE, link=url)
        policy = await self._policy(where)
        if not policy.allows_domain(host_of(url)):
            await self._refused(where, "domain_blocked", now)
            return AskResult(
                status=Status.DOMAIN_BLOCKED, link=url, message=messages.domain_blocked(host_of(url))
            )
        refusal = await self._store.take_rate_slots(self._rate_checks(policy, where, who), now)
        if refusal is not None:
            await self._refused(where, "rate_limited", now)
            limited = await self._rate_limited(url, where, who, policy, refusal, now, in_thread)
            return AskResult(status=limited.status, link=url, message=limited.message)
        article = await self._article(url, where, policy, now)
        if isinstance(article, AskResult):
            return article
        try:
            answer = await self._answer_question(article, question, where, policy)
        except errors.FootnoteError as exc:
            return AskResult(status=Status.FAILED, link=url, message=messages.failure(exc))
        if answer is None:
            await self._refused(where, "budget_spent", now)
            spent = messages.budget_spent(seconds_to_midnight_utc(now))
            return AskResult(status=Status.BUDGET_SPENT, link=url, message=spent)
        return AskResult(status=Status.OK, link=url, answer=answer)

    async def _article(self, url: str, where: Where, policy: Policy, now: float) -> Article | AskResult:
        """The article behind a link's answer: its cached analysis and text, else explained afresh."""
        key = self._cache_key(url, policy.language)
        cached = await self._store.cached_analysis(key, now - max(self._ttl, CACHE_KEPT_AT_LEAST))
        text = await self._store.article_text(url) if cached is not None else None
        if cached is not None and text:
            analysis = cached.analysis
        else:
            result = await self._analyse_shared(url, key, where, policy, now)
            if result.analysis is None:
                return AskResult(status=result.status, link=url, message=result.message)
            analysis, text = result.analysis, await self._store.article_text(url) or ""
        partial = any(flag.kind == FlagKind.PARTIAL_TEXT for flag in analysis.flags)
        meta = analysis.article
        return Article(**meta.model_dump(), headline=meta.title, text=text, partial_text=partial)

    async def _answer_question(
        self, article: Article, question: str, where: Where, policy: Policy
    ) -> Answer | None:
        """The engine's answer: offline on the workers (free), or one model call within the daily budget
        (None when it is spent)."""
        from bot.ask.local import answer_locally

        if hasattr(self.engine, "analyse_sync"):
            return await self._workers.run(answer_locally, article, question)
        from bot.engines.openai.ask import ask_openai
        from bot.engines.openai.engine import OpenAIEngine

        if not isinstance(self.engine, OpenAIEngine):
            return await self._workers.run(answer_locally, article, question)
        now = self._clock()
        day = utc_day_start(now)
        ticket = await self._store.reserve_budget(
            where.workspace, where.channel, day, policy.budget_requests, policy.budget_tokens, now
        )
        if ticket is None:
            return None
        try:
            answer = await ask_openai(self.engine, article, question, self._language(policy.language))
        except BaseException:
            await self._store.settle(ticket, "released")
            raise
        usage = answer.usage
        tokens = usage.input_tokens + usage.output_tokens
        await self._store.settle(ticket, "analysis", usage.fallback, tokens, usage.cost_usd or 0.0)
        return answer

    # Trial mode

    async def trial(self, link: str, where: Where, who: Who) -> None:
        """Trial mode: explain a message's link as auto mode would, post nothing, record what it would have
        posted. The record stands for the post: it settles the claim, so a redelivery records nothing more."""
        result = await self.explain(link, where, who, in_thread=True, trial=True)
        if result.status is Status.DUPLICATE or result.error_kind == "shutting_down":
            return  # another delivery's, or never claimed: the next delivery is recorded
        try:
            estimate = await self._openai_estimate(result)
            record = trial_record(result, where, self._clock(), estimate)
            await self._store.record_trial(record)
        except BaseException:
            await self.release(where, result.link)
            raise
        finally:
            self.end_turn(where, result.link)
        await self.answered(where, result.link)

    async def _openai_estimate(self, result: ExplainResult) -> tuple[int, float | None] | None:
        """What the OpenAI engine would have spent on an analysis this request made offline, if any."""
        analysis = result.analysis
        if analysis is None or not result.spent or analysis.usage.requests:
            return None  # shared or cached (free), or a remote engine measured its own usage
        text = await self._store.article_text(result.link)
        if text is None:
            return None
        article = Article(**analysis.article.model_dump(), headline=analysis.article.title, text=text)
        try:
            return await self._workers.run(openai_estimate, article, self._settings)
        except Exception:
            log.warning("couldn't estimate the OpenAI engine's cost for %s", result.link, exc_info=True)
            return None

    # Replies, feedback, commands

    async def remember_reply(self, where: Where, link: str, permalink: str) -> None:
        """Record where the answer was posted, for "already explained here" pointers; ends the turn."""
        try:
            await self._store.remember_reply(
                where.platform, where.workspace, where.channel, canonical_url(link), permalink, self._clock()
            )
        finally:
            self.end_turn(where, link)

    # Answers that follow their message: a deleted message or a link edited away takes its answer down

    async def record_answer(self, where: Where, link: str, posted: PostedReply) -> None:
        """Record which bot message answered this message's link, so the answer can follow the message."""
        if where.message_id is None:
            return
        try:
            url = canonical_url(link)
        except errors.FootnoteError:
            url = link  # a notice about a link that is not one: kept as the member wrote it
        await self._store.record_answer(
            where.platform, where.workspace, where.channel, where.message_id, url, posted, self._clock()
        )

    async def answers_to(self, where: Where) -> list[AnswerRecord]:
        """The answers still standing for this message, oldest first."""
        if where.message_id is None:
            return []
        return await self._store.answers_to(where.platform, where.workspace, where.channel, where.message_id)

    async def take_answers(self, where: Where, text: str | None) -> list[AnswerRecord]:
        """The answers to take down: all of them when the message is deleted (`text` None), else those
        whose link the edited `text` no longer has; each is handed to exactly one caller."""
        if where.message_id is None:
            return []
        standing = await self.answers_to(where)
        if text is not None and standing:
            # Every link the message still has counts, whatever the channel's rules: only a link the
            # member removed takes its answer down.
            kept = set(find_links(text, self._settings, limit=LINKS_SCANNED))
            standing = [answer for answer in standing if answer.url not in kept]
        taken = []
        for answer in standing:
            key = (where.platform, where.workspace, where.channel, where.message_id, answer.url)
            record = await self._store.take_answer(*key)
            if record is None:
                continue
            taken.append(record)
            if text is not None:
                # The link was edited out and its answer goes: a member who puts it back expects it
                # explained again, so its claim goes too (a deleted message keeps its claims, so that
                # a late redelivery of it is never answered).
                self._answered.pop(key, None)
                await self._store.forget_claim(*key)
        return taken

    async def feedback(self, where: Where, who: Who, link: str, vote: Literal[1, -1]) -> str:
        """Record 👍/👎 on a reply; returns a short thank-you line."""
        await self._store.record_feedback(
            where.platform,
            where.workspace,
            where.channel,
            canonical_url(link),
            who.user_id,
            vote,
            self._clock(),
        )
        return messages.feedback_thanks(vote)

    async def article_text(self, link: str) -> str | None:
        """The extracted text behind a cached analysis (for "What I read")."""
        return await self._store.article_text(canonical_url(link))

    async def cached_analysis(self, link: str, where: Where) -> Analysis | None:
        """The stored analysis of a link in this channel's language, free of claims and limits
        (for "Show all" on an answer)."""
        oldest = self._clock() - max(self._ttl, CACHE_KEPT_AT_LEAST)
        key = self._cache_key(canonical_url(link), (await self._policy(where)).language)
        cached = await self._store.cached_analysis(key, oldest)
        return cached.analysis if cached else None

    async def command(self, text: str, where: Where, who: Who) -> CommandReply:
        """Run one text command (`auto on`, `domains block x.com`, `stats`, `help`, ...)."""
        context = CommandContext(
            store=self._store,
            where=where,
            who=who,
            now=self._clock(),
            defaults=self._defaults,
            explain=lambda link: self.explain(link, where, who),
        )
        return await run_command(text, context)
