"""Slack HTTP mode as three real bot processes behind a "load balancer", sharing one PostgreSQL.

A loopback client sends signed events to the processes, a fake Slack Web API counts
`chat.postMessage`, and a page server counts fetches: every message is delivered four times to
the processes in turn (half of them as Slack retries), and each is still answered exactly once,
also when one process is killed mid-burst and every event is delivered again.

Nothing here waits a fixed time for work to happen: the test waits for what it needs (every answer,
every held fetch, the killed process's leases running out) with generous ceilings, so that a busy
machine makes it slower, never red.
"""

import asyncio
import random
import time
from collections import Counter

import aiohttp
import pytest
from support.fake_slack_api import TEAM, FakeSlackApi
from support.page_server import PageServer
from support.slack_replicas import Replica, deliver, event_body, open_channel, replica_env

from bot.service.postgres_store import PostgresStore

CHANNEL, MEMBER = "C0NEWS", "U0MEMBER"
MESSAGES, DELIVERIES, REPLICAS = 50, 4, 3
DONE = "white_check_mark"
LONG_LEASE = 300  # seconds: a claim held by a live process never runs out during a test
VICTIM_LEASE = 12  # the killed process's claims: short to wait out, longer than a burst on a busy machine


class GatedPages(PageServer):
    """The page server, holding the pages named in `held` until `gate` opens.

    `fetched_by` names, per held page, the replica that asked for it (each sends its name as its
    User-Agent), so the test knows exactly which messages the killed process had claimed."""

    def __init__(self) -> None:
        super().__init__()
        self.held: set[str] = set()
        self.gate = asyncio.Event()
        self.fetched_by: dict[str, list[str]] = {}

    async def _news(self, request):
        slug = request.match_info["slug"]
        if slug in self.held and not self.gate.is_set():
            self.fetched_by.setdefault(slug, []).append(request.headers.get("User-Agent", ""))
            await self.gate.wait()
        return await super()._news(request)


def ts_of(i: int) -> str:
    return f"1800000000.{i + 1:06d}"


def events(pages: PageServer) -> list[tuple[int, str, int]]:
    """(message number, event body, retry number) for every delivery, shuffled."""
    deliveries = []
    for i in range(MESSAGES):
        event = {
            "type": "message",
            "channel": CHANNEL,
            "user": MEMBER,
            "text": f"worth a read {pages.url(f'/news/story-{i}')}",
            "ts": ts_of(i),
        }
        body = event_body(TEAM, f"Ev{i:04d}", event)
        for k in range(DELIVERIES):
            deliveries.append((i, body, k if i % 2 == 0 else 0))  # even messages: retries 1, 2, 3
    random.Random(16).shuffle(deliveries)
    return deliveries


async def send_all(replicas: list[Replica], deliveries: list[tuple[int, str, int]]) -> list[int]:
    """Deliver every event, each copy of a message to the next process in turn, 25 at a time."""
    gate = asyncio.Semaphore(25)
    copies: Counter[int] = Counter()

    async def one(session: aiohttp.ClientSession, i: int, body: str, retry: int) -> int:
        replica = replicas[(i + copies[i]) % len(replicas)]
        copies[i] += 1
        async with gate:
            return await deliver(session, replica.url, body, retry)

    async with aiohttp.ClientSession() as session:
        return await asyncio.gather(*(one(session, i, body, retry) for i, body, retry in deliveries))


def answered_ts(api: FakeSlackApi) -> set[str]:
    """The messages that carry ✅."""
    return {ts for (channel, ts), names in api.reactions.items() if channel == CHANNEL and DONE in names}


def answered(api: FakeSlackApi) -> int:
    return len(answered_ts(api))


async def all_answered(
    api: FakeSlackApi, replicas: list[Replica], count: int = MESSAGES, timeout: float = 90
) -> None:
    """Wait until every message carries ✅; on a timeout, fail with what the processes logged."""
    try:
        await api.wait_for(lambda: answered(api) >= count, timeout=timeout)
    except TimeoutError:
        logs = "\n".join(replica.log()[-3000:] for replica in replicas)
        pytest.fail(f"{answered(api)} of {count} messages answered after {timeout} s:\n{logs}")


@pytest.fixture
def claim_leases() -> list[str]:
    """Each replica's claim lease (FOOTNOTE_CLAIM_LEASE_SECONDS): five minutes, as in production."""
    return [str(LONG_LEASE)] * REPLICAS


@pytest.fixture
async def cluster(postgres_server, tmp_path, claim_leases):
    """Three replicas on one fresh PostgreSQL database, with auto mode on in the channel."""
    db = await postgres_server.fresh_database()
    store = PostgresStore(db)
    await store.start()
    await open_channel(store, TEAM, CHANNEL)
    async with FakeSlackApi() as api, GatedPages() as pages:
        env = replica_env(
            db,
            api.api_url,
            FOOTNOTE_LOG_LEVEL="INFO",
            # Held pages wait for the test, not for a timeout, and never take every analysis slot.
            FOOTNOTE_FETCH_READ_TIMEOUT="120",
            FOOTNOTE_FETCH_TOTAL_TIMEOUT="120",
            FOOTNOTE_MAX_CONCURRENT="50",
        )
        replicas = [
            Replica(
                name,
                {**env, "FOOTNOTE_CLAIM_LEASE_SECONDS": lease, "FOOTNOTE_USER_AGENT": name},
                tmp_path,
            )
            for name, lease in zip((f"replica-{n}" for n in range(REPLICAS)), claim_leases, strict=True)
        ]
        try:
            for replica in replicas:
                replica.start()
            await asyncio.gather(*(replica.ready() for replica in replicas))
            yield replicas, api, pages, store
        finally:
            pages.gate.set()
            # Stopped off the event loop: the fake Slack API and the page server run on it, and a
            # draining replica still talks to them (a blocked loop made its calls time out).
            codes = await asyncio.gather(*(asyncio.to_thread(replica.stop) for replica in replicas))
            await store.close()
    for replica in replicas:
        log = replica.log()
        assert "ERROR" not in log and "Traceback" not in log, log
    assert list(codes) == [0] * REPLICAS


async def test_three_replicas_answer_every_message_once_and_fetch_every_link_once(cluster):
    replicas, api, pages, store = cluster
    statuses = await send_all(replicas, events(pages))
    assert Counter(statuses) == {200: MESSAGES * DELIVERIES}
    await all_answered(api, replicas)
    await asyncio.sleep(1.0)  # time for a late duplicate answer to show up, if there were one

    posts = api.calls_to("chat.postMessage")
    assert Counter(post["thread_ts"] for post in posts) == {ts_of(i): 1 for i in range(MESSAGES)}
    assert all(post.get("blocks") for post in posts)  # answers, not failure notices
    assert pages.hits == {f"/news/story-{i}": 1 for i in range(MESSAGES)}
    figures = await store.figures(TEAM, 0)
    assert (figures.analyses, figures.failures) == (MESSAGES, 0)


@pytest.mark.parametrize("claim_leases", [[str(LONG_LEASE), str(VICTIM_LEASE), str(LONG_LEASE)]])
async def test_a_replica_killed_mid_burst_leaves_no_message_unanswered_or_answered_twice(cluster):
    replicas, api, pages, store = cluster
    victim = replicas[1]
    # The second half of the links is held at the page server: when the first half is answered,
    # every process is waiting on a fetch and none is posting, so SIGKILL lands between posts.
    # Only the victim's claims have a short lease (the test waits it out); the others' claims cannot
    # run out while their holders work, however slow the machine.
    pages.held = {f"story-{i}" for i in range(MESSAGES // 2, MESSAGES)}
    deliveries = events(pages)
    await send_all(replicas, deliveries)
    await all_answered(api, replicas, count=MESSAGES // 2)
    await until(lambda: len(pages.fetched_by) == len(pages.held), "every held link fetched", replicas)
    claims_made_by = time.monotonic()  # every claim on a held link precedes its fetch
    assert all(len(agents) == 1 for agents in pages.fetched_by.values()), pages.fetched_by  # one fetch each
    by_victim = [slug for slug, agents in pages.fetched_by.items() if victim.name in agents]
    victims = {int(slug.rsplit("-", 1)[1]) for slug in by_victim}
    assert victims, "the killed process held no claim: the test proved nothing"
    victim.kill()
    pages.gate.set()
    victim.env["FOOTNOTE_CLAIM_LEASE_SECONDS"] = str(LONG_LEASE)
    victim.start()
    await victim.ready()
    # The survivors finish the held links they claimed; the victim's stay unanswered.
    survivors_done = {ts_of(i) for i in range(MESSAGES) if i not in victims}
    await until(lambda: answered_ts(api) >= survivors_done, "the survivors' answers", replicas)
    assert not answered_ts(api) & {ts_of(i) for i in victims}
    # Its claims' leases run out (lease times are wall-clock, as the processes' own clocks count them).
    await asyncio.sleep(max(0.0, claims_made_by + VICTIM_LEASE + 0.5 - time.monotonic()))

    statuses = await send_all(replicas, deliveries)  # Slack delivers everything again
    assert Counter(statuses) == {200: MESSAGES * DELIVERIES}
    await all_answered(api, replicas)
    await asyncio.sleep(1.0)  # a late duplicate answer would show up here, if there were one
    posts = api.calls_to("chat.postMessage")
    assert Counter(post["thread_ts"] for post in posts) == {ts_of(i): 1 for i in range(MESSAGES)}
    assert all(post.get("blocks") for post in posts)
    # Every link the survivors claimed was fetched once (the victim's are fetched again after it died).
    assert all(pages.hits[f"/news/story-{i}"] == 1 for i in range(MESSAGES) if i not in victims)


async def until(predicate, what: str, replicas: list[Replica], timeout: float = 90) -> None:
    """Wait until `predicate()` holds; on a timeout, fail with what the processes logged."""
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            logs = "\n".join(replica.log()[-3000:] for replica in replicas)
            pytest.fail(f"no {what} after {timeout} s:\n{logs}")
        await asyncio.sleep(0.05)
