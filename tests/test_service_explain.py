"""ExplainService end to end: a real local page server, real fetch/extract, the local engine, SQLite files."""

import asyncio
import os
import threading
import time
from datetime import UTC, datetime

from bot.config import Settings
from bot.engines.local import LocalEngine
from bot.models import Analysis, Article, Usage
from bot.service.service import CLAIM_LEASE, ExplainService
from bot.service.types import Status, Where, Who
from bot.service.workers import ProcessWorkers, ThreadWorkers

MOD = Who(user_id="mod", is_moderator=True)
EVENING = datetime(2026, 3, 2, 18, 0, tzinfo=UTC).timestamp()


class CountingEngine(LocalEngine):
    """The local engine, counting its calls; `delay` keeps an analysis in flight for a while."""

    def __init__(self, delay: float = 0.0) -> None:
        self.calls = 0
        self._delay = delay
        self._lock = threading.Lock()

    def analyse_sync(self, article: Article) -> Analysis:
        with self._lock:
            self.calls += 1
        time.sleep(self._delay)
        return super().analyse_sync(article)


class TranslatingEngine:
    """A multilingual engine (no `analyse_sync`): the local analysis, its summary tagged with the language."""

    name = version = "translating"
    multilingual = True

    def __init__(self) -> None:
        self.languages: list[str] = []

    async def analyse(self, article: Article, language: str = "en") -> Analysis:
        self.languages.append(language)
        analysis = LocalEngine().analyse_sync(article)
        return analysis.model_copy(update={"summary": f"[{language}] {analysis.summary}"})

    async def aclose(self) -> None:
        pass


class Clock:
    """A clock the test moves by hand."""

    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def settings_for(tmp_path, **extra) -> Settings:
    return Settings(
        FOOTNOTE_DB=f"sqlite:///{tmp_path / 'footnote.sqlite3'}",
        FOOTNOTE_ALLOW_PRIVATE_NETWORKS=True,
        FOOTNOTE_ENGINE="local",
        **extra,
    )


def where(channel: str = "c1", message: str | None = None, workspace: str = "g1") -> Where:
    return Where(platform="discord", workspace=workspace, channel=channel, message_id=message)


async def test_a_link_is_fetched_analysed_stored_and_then_served_from_cache(tmp_path, pages):
    engine = CountingEngine()
    async with ExplainService(settings_for(tmp_path), engine=engine) as service:
        first = await service.explain(pages.url("/news/parks"), where(), Who(user_id="u1"))
        assert first.status == Status.OK
        assert first.analysis.article.title == "Council approves parks budget after heated debate"
        assert first.analysis.statements
        again = await service.explain(
            pages.url("/news/parks?utm_source=chat"), where("c2"), Who(user_id="u2")
        )
        assert again.status == Status.CACHED and again.analysis == first.analysis
        assert "The city council voted 7 to 2" in await service.article_text(pages.url("/news/parks"))
        assert await service.cached_analysis(pages.url("/news/parks"), where("c9")) == first.analysis
        assert await service.cached_analysis(pages.url("/news/never-asked"), where()) is None
    assert pages.hits["/news/parks"] == 1 and engine.calls == 1


async def test_ten_concurrent_requests_for_one_url_fetch_and_analyse_once(tmp_path, pages):
    engine = CountingEngine(delay=0.2)
    async with ExplainService(settings_for(tmp_path), engine=engine) as service:
        results = await asyncio.gather(
            *(
                service.explain(pages.url("/news/roads"), where(f"c{i}"), Who(user_id=f"u{i}"))
                for i in range(10)
            )
        )
        assert {r.status for r in results} <= {Status.OK, Status.CACHED}
        assert all(r.analysis == results[0].analysis for r in results)
        stats = await service.command("stats", where(), MOD)
    assert pages.hits["/news/roads"] == 1
    assert engine.calls == 1
    assert "Today (UTC): 1 analyses, 9 cache hits" in stats.text


async def test_each_reply_language_is_its_own_analysis_for_an_engine_that_writes_it(tmp_path, pages):
    engine = TranslatingEngine()
    link = pages.url("/news/parks")
    async with ExplainService(settings_for(tmp_path), engine=engine) as service:
        await service.command("language de", where(workspace="berlin"), MOD)
        english = await service.explain(link, where("c1"), Who(user_id="u1"))
        german = await service.explain(link, where(workspace="berlin"), Who(user_id="u2"))
        assert english.analysis.summary.startswith("[en] ")
        assert german.status == Status.OK and german.analysis.summary.startswith("[de] ")
        shown = await service.cached_analysis(link, where("c7", workspace="berlin"))
        assert shown is not None and shown.summary.startswith("[de] ")
    assert engine.languages == ["en", "de"] and pages.hits["/news/parks"] == 2


async def test_the_language_setting_costs_nothing_with_an_english_only_engine(tmp_path, pages):
    engine = CountingEngine()
    link = pages.url("/news/parks")
    async with ExplainService(settings_for(tmp_path), engine=engine) as service:
        await service.command("language de", where(workspace="berlin"), MOD)
        await service.explain(link, where("c1"), Who(user_id="u1"))
        german = await service.explain(link, where(workspace="berlin"), Who(user_id="u2"))
        assert german.status == Status.CACHED
        assert await service.cached_analysis(link, where(workspace="berlin")) == german.analysis
    assert engine.calls == 1


async def test_stats_add_up_the_estimated_cost_of_remote_analyses(tmp_path, pages):
    class PricedEngine(CountingEngine):
        def analyse_sync(self, article: Article) -> Analysis:
            analysis = super().analyse_sync(article)
            usage = Usage(requests=1, input_tokens=1500, output_tokens=500, cost_usd=0.0042)
            return analysis.model_copy(update={"usage": usage})

    async with ExplainService(settings_for(tmp_path), engine=PricedEngine()) as service:
        for path in ("/news/parks", "/news/roads"):
            await service.explain(pages.url(path), where(), Who(user_id="u1"))
        stats = (await service.command("stats", where(), MOD)).text
    assert "2 analyses" in stats and "4,000 tokens (≈ $0.01)" in stats


async def test_new_engine_rules_re_explain_a_cached_link(tmp_path, pages):
    class EditedRules(CountingEngine):
        version = "local/edited"

    old, new = CountingEngine(), EditedRules()
    async with ExplainService(settings_for(tmp_path), engine=old) as service:
        await service.explain(pages.url("/news/parks"), where("c1"), Who(user_id="u1"))
    async with ExplainService(settings_for(tmp_path), engine=new) as service:
        again = await service.explain(pages.url("/news/parks"), where("c2"), Who(user_id="u2"))
    assert again.status == Status.OK and (old.calls, new.calls) == (1, 1)
    assert old.version.startswith("local/") and old.version != new.version


async def test_worker_processes_give_the_same_answers_as_threads(tmp_path, pages):
    link = pages.url("/news/harbour")
    async with ExplainService(settings_for(tmp_path / "threads"), engine=LocalEngine()) as service:
        threaded = await service.explain(link, where("c1"), Who(user_id="u1"))
    workers = ProcessWorkers(1)
    settings = settings_for(tmp_path / "procs")
    async with ExplainService(settings, engine=LocalEngine(), workers=workers) as service:
        in_process = await service.explain(link, where("c1"), Who(user_id="u1"))
        child = await workers.run(os.getpid)
    assert in_process.status == Status.OK and in_process.analysis == threaded.analysis
    assert child != os.getpid()  # the work really ran in another process


async def test_the_cache_expires_after_its_ttl(tmp_path, pages):
    clock = Clock(EVENING)
    engine = CountingEngine()
    async with ExplainService(
        settings_for(tmp_path, FOOTNOTE_CACHE_TTL_HOURS=24), engine=engine, clock=clock
    ) as svc:
        assert (await svc.explain(pages.url("/news/parks"), where(), Who(user_id="u1"))).status == Status.OK
        clock.now += 23 * 3600
        assert (
            await svc.explain(pages.url("/news/parks"), where("c2"), Who(user_id="u1"))
        ).status == Status.CACHED
        clock.now += 2 * 3600
        assert (
            await svc.explain(pages.url("/news/parks"), where("c3"), Who(user_id="u1"))
        ).status == Status.OK
    assert pages.hits["/news/parks"] == 2 and engine.calls == 2


class FlakyModelEngine(CountingEngine):
    """Answers like an OpenAI engine whose first call failed and fell back to the local rules."""

    def analyse_sync(self, article: Article) -> Analysis:
        analysis = super().analyse_sync(article)
        if self.calls == 1:
            return analysis.model_copy(update={"usage": Usage(requests=3, fallback="rate_limited")})
        return analysis


async def test_a_fallback_answer_is_cached_only_briefly_so_the_model_is_asked_again(tmp_path, pages):
    clock = Clock(EVENING)
    engine = FlakyModelEngine()
    link = pages.url("/news/parks")
    async with ExplainService(settings_for(tmp_path), engine=engine, clock=clock) as svc:
        first = await svc.explain(link, where("c1"), Who(user_id="u1"))
        assert first.analysis.usage.fallback == "rate_limited"
        clock.now += 5 * 60
        assert (await svc.explain(link, where("c2"), Who(user_id="u2"))).status == Status.CACHED
        clock.now += 6 * 60
        again = await svc.explain(link, where("c3"), Who(user_id="u3"))
        assert again.status == Status.OK and again.analysis.usage.fallback is None
        assert await svc.cached_analysis(link, where()) == again.analysis
    assert engine.calls == 2


async def test_the_same_link_in_the_same_channel_points_to_the_earlier_answer(tmp_path, pages):
    clock = Clock(EVENING)
    async with ExplainService(settings_for(tmp_path), engine=CountingEngine(), clock=clock) as service:
        link = pages.url("/news/parks")
        await service.explain(link, where(message="m1"), Who(user_id="u1"))
        await service.remember_reply(where(message="m1"), link, "https://discord.com/channels/g1/c1/r1")
        here = await service.explain(link + "#comments", where(message="m2"), Who(user_id="u2"))
        assert here.status == Status.ALREADY_HERE
        assert here.permalink == "https://discord.com/channels/g1/c1/r1"
        assert here.permalink in here.message
        elsewhere = await service.explain(link, where("c2", message="m3"), Who(user_id="u2"))
        assert elsewhere.status == Status.CACHED
        clock.now += 25 * 3600
        assert (await service.explain(link, where(message="m4"), Who(user_id="u2"))).status == Status.OK


async def test_one_answer_per_message_and_link_even_across_two_services(tmp_path, pages):
    settings = settings_for(tmp_path)
    engine = CountingEngine()
    async with ExplainService(settings, engine=engine) as one, ExplainService(settings, engine=engine) as two:
        link = pages.url("/news/parks")
        results = await asyncio.gather(
            one.explain(link, where(message="m1"), Who(user_id="u1")),
            two.explain(link, where(message="m1"), Who(user_id="u1")),
            one.explain(link, where(message="m1"), Who(user_id="u1")),
        )
        assert sorted(r.status == Status.DUPLICATE for r in results) == [False, True, True]
        retried = await two.explain(link, where(message="m1"), Who(user_id="u1"))
        assert retried.status == Status.DUPLICATE and retried.message is None


async def test_rate_limits_per_user_and_per_channel_say_when_to_retry(tmp_path, pages):
    clock = Clock(EVENING)
    async with ExplainService(settings_for(tmp_path), engine=CountingEngine(), clock=clock) as service:
        await service.command("limits user 2 10", where(), MOD)
        await service.command("limits channel 3 10", where(), MOD)
        for slug in ("a", "b"):
            assert (await service.explain(pages.url(f"/news/{slug}"), where(), Who(user_id="u1"))).ok
        clock.now += 180
        refused = await service.explain(pages.url("/news/c"), where(), Who(user_id="u1"))
        assert refused.status == Status.RATE_LIMITED
        assert refused.message.startswith("You've asked") and "in 7 minutes" in refused.message
        assert pages.hits["/news/c"] == 0
        # Cache hits count too: they still post a reply in the channel.
        assert (
            await service.explain(pages.url("/news/a"), where(), Who(user_id="u2"))
        ).status == Status.CACHED
        channel_full = await service.explain(pages.url("/news/a"), where(), Who(user_id="u3"))
        assert channel_full.status == Status.RATE_LIMITED and channel_full.message.startswith("This channel")
        clock.now += 600
        assert (await service.explain(pages.url("/news/c"), where(), Who(user_id="u1"))).ok


async def test_the_daily_budget_stops_new_analyses_but_not_cache_hits_until_midnight_utc(tmp_path, pages):
    clock = Clock(EVENING)
    async with ExplainService(settings_for(tmp_path), engine=CountingEngine(), clock=clock) as service:
        await service.command("budget requests 1", where(), MOD)
        assert (await service.explain(pages.url("/news/a"), where(), Who(user_id="u1"))).status == Status.OK
        spent = await service.explain(pages.url("/news/b"), where(), Who(user_id="u2"))
        assert spent.status == Status.BUDGET_SPENT
        assert "midnight UTC (in 6 hours)" in spent.message
        assert pages.hits["/news/b"] == 0
        assert (
            await service.explain(pages.url("/news/a"), where("c2"), Who(user_id="u3"))
        ).status == Status.CACHED
        # Another workspace has its own budget.
        other = await service.explain(pages.url("/news/b"), where(workspace="g2"), Who(user_id="u2"))
        assert other.status == Status.OK
        clock.now += 6 * 3600 + 1
        assert (await service.explain(pages.url("/news/c"), where(), Who(user_id="u2"))).status == Status.OK


async def test_blocked_domains_non_articles_and_fetch_refusals_get_one_line(tmp_path, pages):
    async with ExplainService(settings_for(tmp_path), engine=CountingEngine()) as service:
        await service.command("domains block 127.0.0.1", where(), MOD)
        blocked = await service.explain(pages.url("/news/a"), where(), Who(user_id="u1"))
        assert blocked.status == Status.DOMAIN_BLOCKED and "127.0.0.1" in blocked.message
        await service.command("domains remove 127.0.0.1", where(), MOD)

        video = await service.explain("https://www.youtube.com/watch?v=x", where(), Who(user_id="u1"))
        assert video.status == Status.NOT_ARTICLE

        pdf = await service.explain(pages.url("/file/report"), where(), Who(user_id="u1"))
        assert (pdf.status, pdf.error_kind) == (Status.FAILED, "not_html")
        missing = await service.explain(pages.url("/missing/x"), where(), Who(user_id="u1"))
        assert (missing.status, missing.error_kind) == (Status.FAILED, "http_status")
        assert "404" in missing.message and "\n" not in missing.message
        stats = await service.command("stats", where(), MOD)
    assert "2 failures" in stats.text


async def test_private_addresses_are_refused_unless_allowed(tmp_path, pages):
    settings = settings_for(tmp_path).model_copy(update={"allow_private_networks": False})
    async with ExplainService(settings, engine=CountingEngine()) as service:
        refused = await service.explain(pages.url("/news/a"), where(), Who(user_id="u1"))
    assert (refused.status, refused.error_kind) == (Status.FAILED, "private_address")
    assert pages.hits["/news/a"] == 0


async def test_links_to_explain_follow_the_channel_rules(tmp_path, pages):
    async with ExplainService(settings_for(tmp_path), engine=CountingEngine()) as service:
        text = "see https://a.example/1 and <https://b.example/2> plus https://youtu.be/x https://c.example/3 https://d.example/4"
        assert await service.links_to_explain(text, where()) == [
            "https://a.example/1",
            "https://b.example/2",
            "https://c.example/3",
        ]
        await service.command("domains block b.example", where(), MOD)
        await service.command("limits links 1", where(), MOD)
        assert await service.links_to_explain(text, where()) == ["https://a.example/1"]
        await service.command("limits links 3", where(), MOD)
        # a blocked domain does not use up the channel's three links
        assert await service.links_to_explain(text, where()) == [
            "https://a.example/1",
            "https://c.example/3",
            "https://d.example/4",
        ]
        assert await service.links_to_explain("no links here", where()) == []


async def test_close_lets_in_flight_work_finish_and_then_refuses_new_work(tmp_path, pages):
    settings = settings_for(tmp_path)
    service = ExplainService(settings, engine=CountingEngine(delay=0.3))
    await service.start()
    running = asyncio.create_task(service.explain(pages.url("/news/slow"), where(), Who(user_id="u1")))
    while pages.hits["/news/slow"] == 0:
        await asyncio.sleep(0.01)
    await service.close()
    assert running.done() and (await running).status == Status.OK
    late = await service.explain(pages.url("/news/late"), where(), Who(user_id="u1"))
    assert late.status == Status.FAILED and late.error_kind == "shutting_down"

    async with ExplainService(settings, engine=CountingEngine()) as reopened:
        assert (
            await reopened.explain(pages.url("/news/slow"), where("c2"), Who(user_id="u2"))
        ).status == Status.CACHED


async def test_feedback_keeps_each_users_last_vote(tmp_path, pages):
    async with ExplainService(settings_for(tmp_path), engine=CountingEngine()) as service:
        link = pages.url("/news/a")
        assert "Thanks" in await service.feedback(where(), Who(user_id="u1"), link, 1)
        await service.feedback(where(), Who(user_id="u1"), link, -1)
        await service.feedback(where(), Who(user_id="u2"), link, 1)
        stats = await service.command("stats", where(), MOD)
    assert "👍 1 · 👎 1" in stats.text


async def test_a_claim_is_answered_once_released_when_nothing_was_posted_and_taken_over_after_its_lease(
    tmp_path, pages
):
    clock = Clock(EVENING)
    settings = settings_for(tmp_path)
    link = pages.url("/news/claims")
    asker = Who(user_id="u1")
    async with ExplainService(settings, engine=CountingEngine(), clock=clock) as service:
        assert (await service.explain(link, where(message="m1"), asker)).ok
        assert (await service.explain(link, where(message="m1"), asker)).status == Status.DUPLICATE
        await service.release(where(message="m1"), link)  # nothing could be posted
        again = await service.explain(link, where(message="m1"), asker)
        assert again.status == Status.CACHED
        await service.answered(where(message="m1"), link)
        clock.now += CLAIM_LEASE + 1
        assert (await service.explain(link, where(message="m1"), asker)).status == Status.DUPLICATE
        await service.release(where(message="m1"), link)  # an answered claim is never dropped
        assert (await service.explain(link, where(message="m1"), asker)).status == Status.DUPLICATE
        assert (await service.explain(link, where(message="m2"), asker)).ok  # m2's holder then dies
    async with ExplainService(settings, engine=CountingEngine(), clock=clock) as restarted:
        assert (await restarted.explain(link, where(message="m2"), asker)).status == Status.DUPLICATE
        clock.now += CLAIM_LEASE + 1  # the lease of the dead holder runs out: the redelivery is answered
        assert (await restarted.explain(link, where(message="m2"), asker)).ok
        assert (await restarted.explain(link, where(message="m1"), asker)).status == Status.DUPLICATE


async def test_requests_for_a_link_being_answered_here_wait_for_it_and_get_the_pointer(tmp_path, pages):
    engine = CountingEngine(delay=0.2)
    async with ExplainService(settings_for(tmp_path), engine=engine) as service:
        link = pages.url("/news/wave")
        first = asyncio.create_task(
            service.explain(link, where(message="m0"), Who(user_id="u0"), in_thread=True)
        )
        while pages.hits["/news/wave"] == 0:
            await asyncio.sleep(0.01)
        later = [
            asyncio.create_task(
                service.explain(link, where(message=f"m{n}"), Who(user_id=f"u{n}"), in_thread=True)
            )
            for n in range(1, 6)
        ]
        elsewhere = await service.explain(link, where("c2", message="x1"), Who(user_id="u9"), in_thread=True)
        assert (await first).status == Status.OK and elsewhere.ok  # another channel has its own turn
        await asyncio.sleep(0.1)
        assert not any(task.done() for task in later)  # they wait until the answer is posted
        await service.remember_reply(where(message="m0"), link, "https://chat.example/r0")
        results = await asyncio.gather(*later)
        assert {r.status for r in results} == {Status.ALREADY_HERE}
        assert {r.permalink for r in results} == {"https://chat.example/r0"}
        assert engine.calls == 1


async def test_a_rate_limited_member_is_told_once_per_window(tmp_path, pages):
    clock = Clock(EVENING)
    async with ExplainService(settings_for(tmp_path), engine=CountingEngine(), clock=clock) as service:
        await service.command("limits user 1 10", where(), MOD)
        asker = Who(user_id="u1")
        assert (await service.explain(pages.url("/news/a"), where(), asker)).ok
        answered = await service.explain(pages.url("/news/b"), where(), asker)  # a command: no thread
        assert answered.status == Status.RATE_LIMITED
        in_threads = [where(message=f"m{n}") for n in range(8)]
        told = await service.explain(pages.url("/news/b"), in_threads[0], asker, in_thread=True)
        assert told.status == Status.RATE_LIMITED and told.message
        quiet = [
            await service.explain(pages.url(f"/news/q{n}"), in_threads[n + 1], asker, in_thread=True)
            for n in range(5)
        ]
        assert {r.status for r in quiet} == {Status.QUIET} and all(r.message is None for r in quiet)
        again = await service.explain(pages.url("/news/e"), where(), asker)  # commands are still told
        assert again.status == Status.RATE_LIMITED and again.message
        other = await service.explain(pages.url("/news/c"), where(), Who(user_id="u2"))
        assert other.ok
        clock.now += 600
        assert (await service.explain(pages.url("/news/d"), where(), asker)).ok


async def test_a_step_past_its_deadline_gets_the_one_line_took_too_long_answer(tmp_path, pages):
    slow = CountingEngine(delay=30.0)
    workers = ThreadWorkers(deadline=0.3)
    async with ExplainService(settings_for(tmp_path), engine=slow, workers=workers) as service:
        began = time.monotonic()
        result = await service.explain(pages.url("/news/slow"), where(), Who(user_id="u1"))
        assert time.monotonic() - began < 15  # answered at the deadline, not after the 30 s analysis
        assert result.status == Status.FAILED and result.error_kind == "took_too_long"
        assert result.message == "That page took too long to read, so I stopped. Try another link."
        figures = await service.command("stats", where(), MOD)
        assert "1 failures" in figures.text  # counted as a failure, not lost


async def test_a_member_is_told_once_per_window_that_the_budget_is_spent(tmp_path, pages):
    clock = Clock(EVENING)
    async with ExplainService(settings_for(tmp_path), engine=CountingEngine(), clock=clock) as service:
        await service.command("budget requests 1", where(), MOD)
        await service.command("limits user 100 10", where(), MOD)
        asker = Who(user_id="u1")
        assert (await service.explain(pages.url("/news/a"), where(), asker)).ok
        in_threads = [where(message=f"m{n}") for n in range(8)]
        told = await service.explain(pages.url("/news/b"), in_threads[0], asker, in_thread=True)
        assert told.status == Status.BUDGET_SPENT and told.message
        quiet = [
            await service.explain(pages.url(f"/news/q{n}"), in_threads[n + 1], asker, in_thread=True)
            for n in range(5)
        ]
        assert {r.status for r in quiet} == {Status.QUIET} and all(r.message is None for r in quiet)
        again = await service.explain(pages.url("/news/e"), where(), asker)  # commands are still told
        assert again.status == Status.BUDGET_SPENT and again.message
        other = await service.explain(pages.url("/news/c"), in_threads[7], Who(user_id="u2"), in_thread=True)
        assert other.status == Status.BUDGET_SPENT and other.message
        clock.now += 600  # a new window: told again
        later = await service.explain(pages.url("/news/d"), where(message="m9"), asker, in_thread=True)
        assert later.status == Status.BUDGET_SPENT and later.message
