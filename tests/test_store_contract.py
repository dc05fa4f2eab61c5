"""The `Store` contract, run on both backends: a SQLite file and a real PostgreSQL server.

Settings and audit, lease claims, rate slots, budgets, cache, figures, pruning and cross-process
single-flight leases; "two stores" cases open two stores on one database, as two processes would.
"""

import asyncio

import pytest

from bot.models import Analysis, ArticleMeta, Usage
from bot.service.policy import RateLimit
from bot.service.postgres_store import PostgresStore
from bot.service.sqlite_store import SqliteStore
from bot.service.store import Actor, RateCheck, Store, TrialRecord
from bot.service.types import PostedReply

MOD = Actor(platform="discord", user_id="mod1")
LEASE = 300.0
NOW = 1_770_000_000.0
CLAIM = ("slack", "T1", "C1", "1700000000.0001", "https://news.example/a")


class Backend:
    """Opens stores on one database of one backend, and closes them all at the end."""

    def __init__(self, kind: str, location: str) -> None:
        self.kind, self.location = kind, location
        self.opened: list[Store] = []

    async def open(self) -> Store:
        store = SqliteStore(self.location) if self.kind == "sqlite" else PostgresStore(self.location)
        await store.start()
        self.opened.append(store)
        return store

    async def close_all(self) -> None:
        for store in self.opened:
            await store.close()


@pytest.fixture(params=["sqlite", "postgres"])
async def backend(request, tmp_path):
    if request.param == "sqlite":
        location = str(tmp_path / "footnote.sqlite3")
    else:
        location = await request.getfixturevalue("postgres_server").fresh_database()
    backend = Backend(request.param, location)
    yield backend
    await backend.close_all()


@pytest.fixture
async def store(backend):
    return await backend.open()


async def test_settings_survive_a_restart_and_each_change_is_audited(backend):
    store = await backend.open()
    assert await store.change_setting("g1", "", "language", "de", MOD, NOW) is None
    assert await store.change_setting("g1", "", "language", "fr", MOD, NOW + 1) == "de"
    await store.change_setting("g1", "c1", "auto_explain", True, MOD, NOW + 2)
    await store.change_setting("*", "", "max_links", 2, Actor(platform="cli", user_id="operator"), NOW + 3)
    await store.close()

    store = await backend.open()
    assert await store.settings_layers("g1", "c1") == [
        {"max_links": 2},
        {"language": "fr"},
        {"auto_explain": True},
    ]
    assert await store.settings_layers("g2", "c1") == [{"max_links": 2}, {}, {}]
    entries = await store.audit_log("g1", 10)
    assert [(e.key, e.old, e.new, e.user_id) for e in entries] == [
        ("auto_explain", None, "true", "mod1"),
        ("language", '"de"', '"fr"', "mod1"),
        ("language", None, '"de"', "mod1"),
    ]
    assert len(await store.audit_log(None, 10)) == 4
    # Removing a key (None) deletes it and is audited too.
    assert await store.change_setting("g1", "", "language", None, MOD, NOW + 4) == "fr"
    assert (await store.settings_layers("g1", "c1"))[1] == {}


async def test_twenty_concurrent_writers_from_two_stores_lose_nothing(backend):
    first, second = await backend.open(), await backend.open()
    writes = [
        (first if i % 2 else second).change_setting(
            "g1", "", f"domain:site{i}.example", "block", MOD, NOW + i
        )
        for i in range(20)
    ]
    await asyncio.gather(*writes)
    layers = await first.settings_layers("g1", "c1")
    assert sorted(layers[1]) == sorted(f"domain:site{i}.example" for i in range(20))
    assert len(await second.audit_log("g1", 100)) == 20


async def test_concurrent_changes_of_one_key_audit_a_true_chain_of_old_to_new(backend):
    first, second = await backend.open(), await backend.open()
    await asyncio.gather(
        *(
            (first if i % 2 else second).change_setting("g1", "", "max_links", i, MOD, NOW + i)
            for i in range(1, 11)
        )
    )
    entries = list(reversed(await first.audit_log("g1", 100)))
    # Each entry's old value is the previous entry's new one: no two writers read the same "old".
    assert [e.old for e in entries] == [None] + [e.new for e in entries[:-1]]


async def test_a_claim_is_granted_once_even_across_two_stores(backend):
    first, second = await backend.open(), await backend.open()
    claims = [store.claim(*CLAIM, NOW, LEASE) for store in (first, second, first, second)]
    assert sorted(await asyncio.gather(*claims)) == [False, False, False, True]
    # Another link in the same message, or the same link in another message, is a new claim.
    assert await first.claim("slack", "T1", "C1", "1700000000.0001", "https://news.example/b", NOW, LEASE)
    assert await second.claim("slack", "T1", "C1", "1700000000.0002", "https://news.example/a", NOW, LEASE)


async def test_a_claim_whose_lease_ran_out_unanswered_is_granted_again_once(store):
    assert await store.claim(*CLAIM, NOW, LEASE)
    assert not await store.claim(*CLAIM, NOW + LEASE - 1, LEASE)  # the holder is still working
    takeovers = [store.claim(*CLAIM, NOW + LEASE + 1, LEASE) for _ in range(3)]
    assert sorted(await asyncio.gather(*takeovers)) == [False, False, True]
    assert not await store.claim(*CLAIM, NOW + LEASE + 2, LEASE)  # the new lease runs from the takeover


async def test_an_answered_claim_is_never_granted_again(store):
    assert await store.claim(*CLAIM, NOW, LEASE)
    await store.finish_claim(*CLAIM, NOW + 1)
    assert not await store.claim(*CLAIM, NOW + 10 * LEASE, LEASE)


async def test_a_released_claim_is_granted_at_once_but_an_answered_one_is_not_released(store):
    assert await store.claim(*CLAIM, NOW, LEASE)
    await store.release_claim(*CLAIM)
    assert await store.claim(*CLAIM, NOW + 1, LEASE)
    await store.finish_claim(*CLAIM, NOW + 2)
    await store.release_claim(*CLAIM)
    assert not await store.claim(*CLAIM, NOW + 3, LEASE)


async def test_a_forgotten_claim_is_granted_again_whatever_its_state(store):
    assert await store.claim(*CLAIM, NOW, LEASE)
    await store.finish_claim(*CLAIM, NOW + 1)
    await store.forget_claim(*CLAIM)
    assert await store.claim(*CLAIM, NOW + 2, LEASE)
    await store.forget_claim(*CLAIM)  # a working one too
    assert await store.claim(*CLAIM, NOW + 3, LEASE)
    assert not await store.claim(*CLAIM, NOW + 4, LEASE)


async def test_an_analysis_lease_goes_to_one_process_until_it_ends_or_runs_out(backend):
    first, second = await backend.open(), await backend.open()
    key = "local|https://news.example/a"
    taken = await asyncio.gather(
        *(store.take_flight(key, f"p{i}", NOW, 60) for i, store in enumerate((first, second, first, second)))
    )
    assert sorted(taken) == [False, False, False, True]
    holder = f"p{taken.index(True)}"
    await second.end_flight(key, "somebody-else")  # only the holder ends its lease
    assert not await second.take_flight(key, "p9", NOW + 1, 60)
    await first.end_flight(key, holder)
    assert await second.take_flight(key, "p9", NOW + 2, 60)
    # A holder that died is replaced once its lease ran out; a live one may renew its own.
    assert await first.take_flight(key, "p9", NOW + 30, 60)
    assert not await first.take_flight(key, "p8", NOW + 89, 60)
    assert await first.take_flight(key, "p8", NOW + 91, 60)
    assert await first.take_flight("local|https://news.example/b", "p9", NOW, 60)  # another key


async def test_rate_slots_are_all_or_nothing(store):
    user = RateCheck(key="user:u1", limit=RateLimit(count=2, minutes=10))
    channel = RateCheck(key="channel:c1", limit=RateLimit(count=3, minutes=10))
    assert await store.take_rate_slots([user, channel], NOW) is None
    assert await store.take_rate_slots([user, channel], NOW + 60) is None
    assert await store.take_rate_slots([user, channel], NOW + 120) == ("user:u1", pytest.approx(480.0))
    # The refused attempt recorded nothing, so another user still has the channel's third slot.
    other = RateCheck(key="user:u2", limit=RateLimit(count=2, minutes=10))
    assert await store.take_rate_slots([other, channel], NOW + 120) is None
    assert (await store.take_rate_slots([other, channel], NOW + 130))[0] == "channel:c1"
    assert await store.take_rate_slots([user, channel], NOW + 601) is None


async def test_rate_slots_taken_at_once_from_two_stores_never_exceed_the_limit(backend):
    first, second = await backend.open(), await backend.open()
    channel = RateCheck(key="channel:c1", limit=RateLimit(count=5, minutes=10))
    attempts = [
        (first if i % 2 else second).take_rate_slots(
            [RateCheck(key=f"user:u{i}", limit=RateLimit(count=5, minutes=10)), channel], NOW
        )
        for i in range(16)
    ]
    refusals = await asyncio.gather(*attempts)
    assert sum(refusal is None for refusal in refusals) == 5
    assert {refusal[0] for refusal in refusals if refusal is not None} == {"channel:c1"}


async def test_budget_reservations_count_until_released(store):
    tickets = await asyncio.gather(
        *(store.reserve_budget("g1", "c1", NOW - 10, 3, 10_000, NOW) for _ in range(5))
    )
    granted = [t for t in tickets if t is not None]
    assert len(granted) == 3
    await store.settle(granted[0], "released")
    ticket = await store.reserve_budget("g1", "c1", NOW - 10, 3, 10_000, NOW)
    assert ticket is not None
    await store.settle(ticket, "analysis", "rate_limited", 10_000)
    await store.settle(granted[1], "released")
    # Requests are under budget again, but the tokens are spent.
    assert await store.reserve_budget("g1", "c1", NOW - 10, 3, 10_000, NOW) is None
    # Another workspace and another day have their own budgets.
    assert await store.reserve_budget("g2", "c1", NOW - 10, 3, 10_000, NOW) is not None
    assert await store.reserve_budget("g1", "c1", NOW + 1, 3, 10_000, NOW + 2) is not None


async def test_budget_reserved_at_once_from_two_stores_is_never_overspent(backend):
    first, second = await backend.open(), await backend.open()
    tickets = await asyncio.gather(
        *(
            (first if i % 2 else second).reserve_budget("g1", "c1", NOW - 10, 4, 10_000, NOW)
            for i in range(12)
        )
    )
    assert sum(ticket is not None for ticket in tickets) == 4


async def test_figures_count_analyses_cache_hits_tokens_fallbacks_and_last_votes(store):
    for reason, tokens in ((None, 100), ("insufficient_quota", 0), ("rate_limited", 0), ("rate_limited", 0)):
        ticket = await store.reserve_budget("g1", "c1", 0, 100, 10**9, NOW)
        await store.settle(ticket, "analysis", reason, tokens, 0.25)
    failed = await store.reserve_budget("g1", "c1", 0, 100, 10**9, NOW)
    await store.settle(failed, "failed", "timeout")
    await store.record_event("g1", "c1", "cache_hit", NOW)
    await store.record_event("g2", "c9", "cache_hit", NOW)
    await store.record_feedback("discord", "g1", "c1", "https://a.example/", "u1", 1, NOW)
    await store.record_feedback(
        "discord", "g1", "c1", "https://a.example/", "u1", -1, NOW + 1
    )  # last vote wins
    await store.record_feedback("discord", "g1", "c1", "https://a.example/", "u2", 1, NOW)
    figures = await store.figures("g1", NOW - 1)
    assert (figures.analyses, figures.cache_hits, figures.failures, figures.tokens) == (4, 1, 1, 100)
    assert figures.cost_usd == pytest.approx(1.0)
    assert figures.fallbacks == {"insufficient_quota": 1, "rate_limited": 2}
    assert (figures.thumbs_up, figures.thumbs_down) == (1, 1)
    assert (await store.figures(None, NOW - 1)).cache_hits == 2
    assert (await store.figures("g1", NOW + 10)).analyses == 0


async def test_cache_keeps_the_analysis_and_the_text_it_was_made_from(store):
    analysis = Analysis(article=ArticleMeta(title="T"), summary="S", usage=Usage(input_tokens=5))
    await store.save_analysis("local|https://a.example/", "https://a.example/", analysis, "Body text.", NOW)
    cached = await store.cached_analysis("local|https://a.example/", NOW - 10)
    assert cached.analysis == analysis and cached.article_text == "Body text."
    assert await store.cached_analysis("local|https://a.example/", NOW + 1) is None  # older than asked
    assert await store.cached_analysis("openai:gpt|https://a.example/", NOW - 10) is None
    assert await store.article_text("https://a.example/") == "Body text."
    # Saving again under the same key replaces the row.
    await store.save_analysis("local|https://a.example/", "https://a.example/", analysis, "New.", NOW + 5)
    assert (await store.cached_analysis("local|https://a.example/", NOW + 1)).article_text == "New."
    assert await store.forget("https://a.example/", "g1", MOD, NOW) == 1
    assert await store.article_text("https://a.example/") is None
    assert (await store.audit_log("g1", 1))[0].key == "cache:https://a.example/"


async def test_replies_are_remembered_per_channel_and_replaced(store):
    await store.remember_reply("slack", "T1", "C1", "https://a.example/", "https://chat/p/1", NOW)
    await store.remember_reply("slack", "T1", "C1", "https://a.example/", "https://chat/p/2", NOW + 1)
    assert await store.earlier_reply("slack", "T1", "C1", "https://a.example/", NOW) == "https://chat/p/2"
    assert await store.earlier_reply("slack", "T1", "C2", "https://a.example/", 0) is None
    assert await store.earlier_reply("slack", "T1", "C1", "https://a.example/", NOW + 2) is None


async def test_prune_drops_what_nobody_reads_again(store):
    await store.claim("discord", "g1", "c1", "m1", "https://a.example/", NOW - 8 * 86_400, LEASE)
    await store.finish_claim("discord", "g1", "c1", "m1", "https://a.example/", NOW - 8 * 86_400)
    await store.remember_reply(
        "discord", "g1", "c1", "https://a.example/", "https://chat/p/1", NOW - 8 * 86_400
    )
    await store.take_flight("local|https://a.example/", "dead", NOW - 120, 60)
    await store.prune(NOW, keep_cache=7 * 86_400)
    assert await store.claim("discord", "g1", "c1", "m1", "https://a.example/", NOW, LEASE)
    assert await store.earlier_reply("discord", "g1", "c1", "https://a.example/", 0) is None
    assert await store.take_flight("local|https://a.example/", "alive", NOW, 60)


MESSAGE = ("discord", "g1", "c1", "m1")
A, B = "https://a.example/", "https://b.example/"


def posted(reply: str, permalink: str | None = None, created: bool = False) -> PostedReply:
    return PostedReply(reply_id=reply, thread_id="t1", created_thread=created, permalink=permalink)


async def test_answers_to_a_message_are_recorded_with_where_they_were_posted(store):
    await store.record_answer(*MESSAGE, A, posted("r1", "https://chat/p/1", created=True), NOW)
    await store.record_answer(*MESSAGE, B, posted("r2"), NOW + 1)
    await store.record_answer("discord", "g1", "c1", "m2", A, posted("r3"), NOW)
    answers = await store.answers_to(*MESSAGE)
    assert [(a.url, a.reply_id, a.thread_id, a.created_thread) for a in answers] == [
        (A, "r1", "t1", True),
        (B, "r2", "t1", False),
    ]
    assert answers[0].permalink == "https://chat/p/1" and answers[0].at == NOW
    assert await store.answers_to("slack", "g1", "c1", "m1") == []


async def test_an_answer_is_taken_down_once_even_by_two_stores_at_once(backend):
    first, second = await backend.open(), await backend.open()
    await first.record_answer(*MESSAGE, A, posted("r1", "https://chat/p/1"), NOW)
    await first.remember_reply("discord", "g1", "c1", A, "https://chat/p/1", NOW)
    await first.remember_reply("discord", "g1", "c2", A, "https://chat/p/9", NOW)
    taken = await asyncio.gather(*(s.take_answer(*MESSAGE, A) for s in (first, second) for _ in range(5)))
    assert [t.reply_id for t in taken if t is not None] == ["r1"]
    assert await first.answers_to(*MESSAGE) == []
    # The "already explained here" pointer to the answer taken down goes with it; others stay.
    assert await first.earlier_reply("discord", "g1", "c1", A, 0) is None
    assert await first.earlier_reply("discord", "g1", "c2", A, 0) == "https://chat/p/9"
    assert await second.take_answer(*MESSAGE, A) is None


async def test_old_answers_are_pruned_after_a_month(store):
    await store.record_answer(*MESSAGE, A, posted("r1"), NOW - 31 * 86_400)
    await store.record_answer(*MESSAGE, B, posted("r2"), NOW - 29 * 86_400)
    await store.prune(NOW, keep_cache=7 * 86_400)
    assert [a.url for a in await store.answers_to(*MESSAGE)] == [B]


def trial(at: float, url: str, status: str = "ok", **fields) -> TrialRecord:
    values = {"platform": "slack", "workspace": "T1", "channel": "C1", "message_id": f"m{at}", **fields}
    return TrialRecord(at=at, url=url, status=status, **values)


async def test_trial_records_come_back_whole_newest_first_and_by_scope(backend):
    store = await backend.open()
    first = trial(
        NOW - 10,
        "https://a.example/1",
        title="Council <!channel> vote",
        reply="❗ Headline\nIn short: the council voted.",
        engine="local",
        estimate_tokens=1_234,
        estimate_usd=0.0007,
    )
    await store.record_trial(first)
    await store.record_trial(
        trial(NOW - 5, "https://a.example/2", "rate_limited", engine="", reply="Please wait")
    )
    await store.record_trial(
        trial(NOW - 1, "https://a.example/3", engine="openai:gpt-4.1-mini/v2", tokens=900, cost_usd=0.0012)
    )
    await store.record_trial(trial(NOW - 2, "https://b.example/", channel="C2"))
    await store.record_trial(trial(NOW - 3, "https://c.example/", workspace="T2"))
    await store.record_trial(trial(NOW - 90_000, "https://old.example/"))
    await store.close()

    store = await backend.open()  # they survive a restart
    records = await store.trial_records("T1", "C1", NOW - 86_400, 10)
    assert [r.url for r in records] == ["https://a.example/3", "https://a.example/2", "https://a.example/1"]
    assert records[-1] == first
    assert records[-1].estimate_usd == pytest.approx(0.0007) and records[0].estimate_usd is None
    assert [r.url for r in await store.trial_records("T1", "C1", NOW - 86_400, 2)] == [
        "https://a.example/3",
        "https://a.example/2",
    ]
    assert len(await store.trial_records("T1", None, NOW - 86_400, 10)) == 4
    by_link = await store.trial_records("T1", "C1", 0, 10, url="https://a.example/2")
    assert [r.status for r in by_link] == ["rate_limited"]
    assert len(await store.trial_records(None, None, NOW - 86_400, 10)) == 5
    assert len(await store.trial_records(None, None, 0, 10)) == 6

    counts = {(c.status, c.reason): c for c in await store.trial_counts("T1", "C1", NOW - 86_400)}
    assert {key: c.links for key, c in counts.items()} == {("ok", ""): 2, ("rate_limited", ""): 1}
    assert counts[("ok", "")].tokens == 900
    assert counts[("ok", "")].cost_usd == pytest.approx(0.0012)
    assert counts[("ok", "")].estimate_usd == pytest.approx(0.0007)
    assert sum(c.links for c in await store.trial_counts(None, None, NOW - 86_400)) == 5


async def test_prune_drops_trial_records_after_a_month(store):
    await store.record_trial(trial(NOW - 32 * 86_400, "https://old.example/"))
    await store.record_trial(trial(NOW - 29 * 86_400, "https://recent.example/"))
    await store.prune(NOW, keep_cache=7 * 86_400)
    assert [r.url for r in await store.trial_records(None, None, 0, 10)] == ["https://recent.example/"]
