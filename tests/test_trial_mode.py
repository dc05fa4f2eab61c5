"""Trial mode (`auto trial`): links are read as in auto mode and nothing is posted; `trial report` says
what would have been. The real service on a SQLite file, the local engine and a local page server;
the settings and permission rules as for every moderator command; the report within each platform's
limits with article text made inert."""

import asyncio
import re
import time

import pytest
from support.fake_openai import FakeOpenAI
from support.fake_slack_api import limit_problems
from support.page_server import article_html

from bot.adapters.discord.embeds import render_reply_pages
from bot.adapters.slack.blocks import MESSAGE_LIMIT, render_reply
from bot.config import Settings
from bot.engines.local import LocalEngine
from bot.engines.openai.engine import OpenAIEngine
from bot.extract import extract_article
from bot.service.policy import GLOBAL
from bot.service.service import ExplainService
from bot.service.sqlite_store import SqliteStore
from bot.service.store import TrialRecord
from bot.service.trial import REPORT_BUDGET, ReportScope, openai_estimate, trial_report
from bot.service.types import Where, Who
from bot.web.decode import decode_body

MOD = Who(user_id="U0MOD", is_moderator=True)
MEMBER = Who(user_id="U0MEMBER")
NOW = 1_770_000_000.0


def here(channel: str = "C1", message_id: str | None = None, workspace: str = "T1") -> Where:
    return Where(platform="slack", workspace=workspace, channel=channel, message_id=message_id)


@pytest.fixture
async def service(tmp_path):
    settings = Settings(
        _env_file=None,
        FOOTNOTE_DB=f"sqlite:///{tmp_path / 'footnote.sqlite3'}",
        FOOTNOTE_ALLOW_PRIVATE_NETWORKS=True,
        FOOTNOTE_ENGINE="local",
    )
    async with ExplainService(settings, engine=LocalEngine()) as svc:
        yield svc


async def test_auto_trial_is_a_third_state_of_auto_that_auto_on_and_off_leave(service):
    reply = await service.command("auto trial", here(), MOD)
    assert reply.done and reply.text.startswith("Done: auto-explain in <#C1> is now trial (was default).")
    assert "`trial report`" in reply.text and "`auto on <#C1>` starts answering" in reply.text
    view = await service.channel(here())
    assert (view.auto_explain, view.trial) == (False, True)
    assert (await service.channel(here("C2"))).trial is False  # per channel
    assert "Auto-explain in this channel: trial" in (await service.command("settings", here(), MEMBER)).text

    assert (await service.command("auto on", here(), MOD)).text.startswith(
        "Done: auto-explain in <#C1> is now on (was trial)."
    )
    view = await service.channel(here())
    assert (view.auto_explain, view.trial) == (True, False)
    await service.command("auto trial C2", here(), MOD)
    await service.command("auto off C2", here(), MOD)
    view = await service.channel(here("C2"))
    assert (view.auto_explain, view.trial) == (False, False)
    audit = (await service.command("audit", here(), MOD)).text
    assert "auto_explain (channel C2): trial → off" in audit


async def test_trial_follows_the_scope_and_permission_rules_of_the_other_commands(service):
    everywhere = Where(platform="cli", workspace=GLOBAL, channel="")
    refused = await service.command("auto trial C1", everywhere, MOD)
    assert not refused.done and refused.text.startswith("A channel setting needs a workspace")
    refused = await service.command("trial report here", everywhere, MOD)
    assert not refused.done and refused.text.startswith("A channel setting needs a workspace")
    assert (await service.command("trial report", everywhere, MOD)).done  # every workspace

    for text in ("auto trial", "trial report", "trial report 7"):
        reply = await service.command(text, here(), MEMBER)
        assert not reply.done, text
    assert (await service.command("trial report", here(), MEMBER)).text == (
        "Only moderators can see the trial report."
    )
    assert (await service.channel(here())).trial is False

    for text, reason in (
        ("trial", "Say report"),
        ("trial show", "Say report"),
        ("trial report 31", "The number of days must be a whole number from 1 to 30; got `31`."),
        ("trial report 7 8", "Give at most a number of days."),
        ("trial report #news", "`#news` is a channel name"),
        ("auto maybe", "`maybe` is not on, off or trial."),
    ):
        reply = await service.command(text, here(), MOD)
        first, usage = reply.text.splitlines()
        assert not reply.done and first.startswith(reason) and usage.startswith("Usage:"), text


async def test_a_trial_channel_records_what_auto_mode_would_say_and_posts_it_nowhere(service, pages):
    await service.command("auto trial", here(), MOD)
    links = [pages.url(f"/news/item-{n}") for n in range(3)]
    for n, link in enumerate(links):
        await service.trial(link, here(message_id=f"m{n}"), MEMBER)
    # The same message delivered again (a platform retry) records nothing more; the link pasted again
    # in another message is what auto mode would point to its earlier answer for.
    await service.trial(links[0], here(message_id="m0"), MEMBER)
    await service.trial(links[0], here(message_id="m9"), MEMBER)
    records = await service._store.trial_records("T1", "C1", 0, 100)
    assert [r.status for r in reversed(records)] == ["ok", "ok", "ok", "already_here"]
    first = records[-1]
    assert first.title == "Council approves item 0 budget after heated debate"
    assert first.reply.startswith("In short: ") and first.engine == "local"
    assert first.tokens == 0 and first.cost_usd == 0.0  # the offline engine costs nothing …
    assert first.estimate_tokens > 300 and first.estimate_usd and first.estimate_usd > 0  # … OpenAI would
    assert sum(pages.hits.values()) == 3
    assert await service._store.earlier_reply("slack", "T1", "C1", first.url, 0) is None

    report = (await service.command("trial report", here(), MOD)).text
    lines = report.splitlines()
    assert lines[0] == "Trial mode, last 24 hours, this workspace's trial channels (nothing was posted):"
    assert lines[1].startswith("4 links seen · 3 would-be answers (0 from the cache) · 1 pointers")
    assert "refused: none" in lines[1]
    assert lines[2].startswith("Cost: $0 spent (no model calls); the OpenAI engine would have cost about $")
    assert sum("(OpenAI est. $0.0" in line for line in lines) == 3
    assert sum("would point to its earlier answer" in line for line in lines) == 1
    assert lines[-1].startswith("Happy with it? `auto on` in the channel")

    stats = (await service.command("stats", here(), MOD)).text
    assert "Trial mode (nothing posted; its analyses, cache hits and refusals are included above)" in stats
    assert "today 4 links, 3 would-be answers" in stats
    assert stats.splitlines()[0].startswith("Today (UTC): 3 analyses")


async def test_refusals_in_trial_mode_are_recorded_by_reason(service, pages):
    await service.command("auto trial", here(), MOD)
    await service.command("limits user 2 10", here(), MOD)
    await service.command("domains block blocked.example", here(), MOD)
    for n in range(4):
        await service.trial(pages.url(f"/news/busy-{n}"), here(message_id=f"b{n}"), MEMBER)
    await service.trial("https://blocked.example/story", here(message_id="x"), MEMBER)
    await service.trial(pages.url("/missing/gone"), here(message_id="y"), Who(user_id="U0OTHER"))
    statuses = [(r.status, r.reason) for r in await service._store.trial_records("T1", None, 0, 100)]
    assert sorted(statuses) == sorted(
        [
            ("ok", ""),
            ("ok", ""),
            ("rate_limited", ""),  # the member's one notice in the window …
            ("quiet", ""),  # … and silence after it, as auto mode would
            ("domain_blocked", "domain_blocked"),
            ("failed", "http_status"),
        ]
    )
    report = (await service.command("trial report", here(), MOD)).text
    assert "refused: blocked domain 1, rate-limited 2" in report
    assert "couldn't read or not an article 1" in report


def hostile_record(n: int, channel: str = "C0NEWS") -> TrialRecord:
    evil = (
        "<!channel> @everyone <#C0OTHER> <@U1> *bold* `code` [x](https://evil.example)"
        " \u202eesrever \x1b[2J\n# heading"
    )
    return TrialRecord(
        at=NOW - n,
        platform="slack",
        workspace="T1",
        channel=channel,
        message_id=f"m{n}",
        url=f"https://news.example/{n}/<!here>_{'x' * 300}",
        title=evil,
        status="ok",
        reply=f"In short: {evil} " + "word " * 200,
        engine="local",
        estimate_tokens=2000,
        estimate_usd=0.0012,
    )


@pytest.mark.parametrize("records", [3, 500])
async def test_the_report_fits_each_platform_and_article_text_cannot_ping_or_format(tmp_path, records):
    store = SqliteStore(tmp_path / "footnote.sqlite3")
    await store.start()
    try:
        for n in range(records):
            await store.record_trial(hostile_record(n, "C0NEWS" if n % 2 else "C0SPORT"))
        reports = {
            platform: await trial_report(store, ReportScope(platform, "T1", None, 1, NOW))
            for platform in ("slack", "discord", "cli")
        }
    finally:
        await store.close()

    slack = render_reply(reports["slack"]).text
    assert REPORT_BUDGET["slack"] < MESSAGE_LIMIT
    assert len(slack) <= MESSAGE_LIMIT and not slack.endswith("…")  # fitted, not cut by the adapter
    assert "<!" not in slack and "<@" not in slack and "<#C0OTHER>" not in slack
    assert "<#C0NEWS>" in slack and "<#C0SPORT>" in slack  # our own channel links survive
    pages = render_reply_pages(reports["discord"])
    assert len(pages) <= 3 and all(len(page) <= 2000 for page in pages)
    discord = "\n".join(pages)
    assert "@everyone" not in discord and "<@" not in discord and "<#C0OTHER>" not in discord
    assert "\u202e" not in discord
    if records == 3:
        assert "\\*bold\\*" in discord and "\\[x\\]" in discord  # shown as typed, not formatted
    for text in reports.values():
        assert "\u202e" not in text and "\n# heading" not in text
        body = [line for line in text.splitlines() if line.startswith("• ")]
        assert all("$0 (OpenAI est. $0.0012)" in line for line in body)
        if records == 3:
            assert len(body) == 3
    assert f"about ${records * 0.0012:,.4f}" in reports["cli"].splitlines()[2]
    if records == 500:
        assert len(reports["cli"].splitlines()) == 500 + 4  # the terminal lists them all
        notes = [line for line in slack.splitlines() if line.startswith("…and ")]
        assert len(notes) == 1 and "older links not shown" in notes[0]


async def test_the_openai_estimate_for_an_offline_analysis_is_close_to_what_the_engine_spends(tmp_path):
    page = article_html("ferry-service").encode()
    article = extract_article(decode_body(page, None), "https://news.example/ferry")
    server = FakeOpenAI()
    await server.start()
    try:
        settings = Settings(_env_file=None, OPENAI_API_KEY="sk-test", OPENAI_BASE_URL=server.base_url)
        engine = OpenAIEngine(settings)
        measured = (await engine.analyse(article)).usage
        await engine.aclose()
    finally:
        await server.stop()
    tokens, cost = openai_estimate(article, settings)
    spent = measured.input_tokens + measured.output_tokens
    assert measured.requests == 1 and measured.cost_usd
    # The request is counted as the engine builds it; the answer (the fake's is terse) is estimated.
    assert spent <= tokens <= 1.5 * spent
    assert measured.cost_usd <= cost <= 2 * measured.cost_usd


SLACK_METHODS_THAT_SHOW = ("chat.", "reactions.", "conversations.join", "files.")


async def test_a_burst_of_20_links_in_a_slack_trial_channel_posts_nothing_and_the_report_lists_them(
    tmp_path, pages
):
    from test_slack_http import ADMIN, CHANNEL, LISTED, QUIET_CHANNEL, serving
    from test_slack_http import MEMBER as SLACK_MEMBER
    from test_slack_http import message as slack_message

    async with serving(tmp_path) as bot:
        await bot.command("auto trial", SLACK_MEMBER, "member")  # a member cannot start it …
        await bot.command("auto trial", ADMIN, "admin")
        await bot.api.wait_for(lambda: bool(bot.api.responses_to("member") and bot.api.responses_to("admin")))
        assert "Only moderators" in bot.api.responses_to("member")[0]["text"]
        assert "is now trial" in bot.api.responses_to("admin")[0]["text"]
        links = [pages.url(f"/news/burst-{n}") for n in range(20)]
        for n, link in enumerate(links):
            event = slack_message(f"read <{link}>", ts=f"1700000000.{n:06}", user=f"U0READER{n % 5}")
            assert await bot.event(event, event_id=f"Ev{n}") == 200
        await bot.settle(22)  # two commands, then the twenty messages
        shown = [name for name, _ in bot.api.calls if name.startswith(SLACK_METHODS_THAT_SHOW)]
        assert shown == []  # no reply, thread, notice or reaction
        assert sum(pages.hits.values()) == 20  # every link was read, as auto mode would

        await bot.command("trial report", SLACK_MEMBER, "member report")  # … nor see the report
        await bot.command("trial report", LISTED, "report")
        await bot.api.wait_for(
            lambda: bool(bot.api.responses_to("member report") and bot.api.responses_to("report"))
        )
        (refusal,) = bot.api.responses_to("member report")
        assert refusal["response_type"] == "ephemeral"
        assert refusal["text"] == "Only moderators can see the trial report."
        (report,) = bot.api.responses_to("report")
        assert report["response_type"] == "ephemeral" and limit_problems(report) == []
        text = report["text"]
        assert "20 links seen · 20 would-be answers" in text and "refused: none" in text
        listed = [line for line in text.splitlines() if line.startswith("• ")]
        assert len(listed) == 20
        for n in range(20):
            (line,) = [line for line in listed if f"/news/burst-{n} " in line]
            assert f"<#{CHANNEL}>" in line and "In short: " in line
            assert re.search(r"· \$0 \(OpenAI est\. \$0\.\d{4}\)$", line), line
        assert "`auto on` in the channel" in text

        # `auto on` ends the trial and answers in the thread; the trial's reads used the same limits
        # (this channel's 20 per 10 minutes), so a link here now gets the channel's rate-limit notice.
        await bot.command("auto on", ADMIN, "on")
        await bot.command(f"auto on <#{QUIET_CHANNEL}>", ADMIN, "on quiet")
        await bot.api.wait_for(lambda: bool(bot.api.responses_to("on") and bot.api.responses_to("on quiet")))
        await bot.event(slack_message(f"<{pages.url('/news/live')}>", ts="1700000001.000001"), event_id="EvL")
        live = slack_message(f"<{pages.url('/news/live')}>", ts="1700000001.000002", channel=QUIET_CHANNEL)
        await bot.event(live, event_id="EvQ")
        await bot.settle(28)
        (notice,) = bot.api.calls_to("chat.postEphemeral")
        assert notice["channel"] == CHANNEL and "This channel has had a lot of explanations" in notice["text"]
        (post,) = bot.api.calls_to("chat.postMessage")
        assert post["channel"] == QUIET_CHANNEL and post["thread_ts"] == "1700000001.000002"


DISCORD_TOKEN = "MTIzNDU2Nzg5MDEyMzQ1Njc4.GaBcDe.abcdefghijklmnopqrstuvwxyz0123"


def guild_create(guild: int, channels: list[int]) -> dict:
    """GUILD_CREATE as the gateway sends it for a small server (the only part of Discord not served)."""
    return {
        "id": str(guild),
        "name": "News club",
        "icon": None,
        "owner_id": "1",
        "afk_timeout": 300,
        "verification_level": 0,
        "default_message_notifications": 0,
        "explicit_content_filter": 0,
        "mfa_level": 0,
        "premium_tier": 0,
        "nsfw_level": 0,
        "features": [],
        "emojis": [],
        "stickers": [],
        "roles": [
            {
                "id": str(guild),
                "name": "@everyone",
                "permissions": "1024",
                "position": 0,
                "color": 0,
                "hoist": False,
                "managed": False,
                "mentionable": False,
            }
        ],
        "channels": [
            {"id": str(c), "type": 0, "name": f"news-{c}", "position": i, "permission_overwrites": []}
            for i, c in enumerate(channels)
        ],
        "members": [],
        "threads": [],
        "member_count": 20,
        "large": False,
        "unavailable": False,
    }


def message_create(guild: int, channel: int, message: int, author: int, content: str) -> dict:
    """MESSAGE_CREATE for a member's message."""
    return {
        "id": str(message),
        "channel_id": str(channel),
        "guild_id": str(guild),
        "author": {"id": str(author), "username": f"reader{author}", "discriminator": "0", "avatar": None},
        "member": {"roles": [], "joined_at": "2026-01-01T00:00:00+00:00", "deaf": False, "mute": False},
        "content": content,
        "timestamp": "2026-12-03T12:00:00+00:00",
        "edited_timestamp": None,
        "tts": False,
        "mention_everyone": False,
        "mentions": [],
        "mention_roles": [],
        "attachments": [],
        "embeds": [],
        "pinned": False,
        "type": 0,
    }


async def test_a_burst_of_20_links_in_a_discord_trial_channel_posts_nothing_and_the_report_lists_them(
    tmp_path, pages
):
    """discord.py's own client on the fake REST API; only the gateway's events are played in by hand."""
    from support.fake_discord_api import FakeDiscordApi
    from test_discord_handlers import Interaction, Person, Place

    from bot.adapters.discord.app_commands import footnote_command
    from bot.adapters.discord.client import FootnoteClient

    guild, trial_channel, live_channel = 1001, 2002, 2003
    async with FakeDiscordApi(DISCORD_TOKEN) as api:
        settings = Settings(
            _env_file=None,
            FOOTNOTE_DB=f"sqlite:///{tmp_path / 'footnote.sqlite3'}",
            FOOTNOTE_ALLOW_PRIVATE_NETWORKS=True,
            FOOTNOTE_ENGINE="local",
            DISCORD_TOKEN=DISCORD_TOKEN,
            DISCORD_API_URL=api.base_url,
        )
        async with ExplainService(settings, engine=LocalEngine()) as service:
            client = FootnoteClient(settings, service)
            await client.login(DISCORD_TOKEN)
            try:
                state = client._connection
                state.parse_guild_create(guild_create(guild, [trial_channel, live_channel]))
                member = Interaction(Place(trial_channel), Person(8))
                await footnote_command(member, service, "auto trial")
                refusal = member.response.messages[0]["content"]
                assert refusal == "Only moderators can change Footnote's settings."
                moderator = Interaction(Place(trial_channel), Person(1), moderator=True)
                await footnote_command(moderator, service, "auto trial")
                assert "is now trial" in moderator.followup.sent[0]["content"]

                for n in range(20):
                    link = pages.url(f"/news/discord-{n}")
                    state.parse_message_create(message_create(guild, trial_channel, 7000 + n, 100 + n, link))
                runs = client.handler_runs
                await asyncio.wait_for(runs.wait_until(lambda: runs.finished >= 20), 30)
                assert api.calls == []  # no reaction, thread, answer or notice
                assert sum(pages.hits.values()) == 20

                member = Interaction(Place(trial_channel), Person(8))
                await footnote_command(member, service, "trial report")
                assert member.response.messages[0]["content"] == "Only moderators can see the trial report."
                moderator = Interaction(Place(trial_channel), Person(1), moderator=True)
                await footnote_command(moderator, service, "trial report")
                assert moderator.response.deferred == {"thinking": True, "ephemeral": True}
                shown = [sent["content"] for sent in moderator.followup.sent]
                assert all(sent["ephemeral"] for sent in moderator.followup.sent)
                assert all(len(page) <= 2000 for page in shown)
                report = "\n".join(shown)
                assert "20 links seen · 20 would-be answers" in report
                listed = [line for line in report.splitlines() if line.startswith("• ")]
                assert len(listed) == 20 and all(f"<#{trial_channel}>" in line for line in listed)
                assert all(re.search(r"· \$0 \(OpenAI est\. \$0\.\d{4}\)$", line) for line in listed)

                # A channel in auto mode answers through the same fake: the calls are really counted.
                moderator = Interaction(Place(trial_channel), Person(1), moderator=True)
                await footnote_command(moderator, service, f"auto on {live_channel}")
                link = pages.url("/news/discord-live")
                state.parse_message_create(message_create(guild, live_channel, 7999, 99, link))
                await asyncio.wait_for(runs.wait_until(lambda: runs.finished >= 21), 30)
                posted = [(method, path) for method, path, _ in api.calls if method == "POST"]
                assert posted[0] == ("POST", f"/channels/{live_channel}/messages/7999/threads")
                assert len(posted) == 2 and posted[1][1].endswith("/messages")
            finally:
                await client.close()


def test_the_operator_sets_trial_mode_and_reads_the_report_from_the_terminal(tmp_path, monkeypatch, capsys):
    from bot.cli import main

    monkeypatch.setenv("FOOTNOTE_DB", str(tmp_path / "footnote.sqlite3"))
    monkeypatch.setenv("FOOTNOTE_ENGINE", "local")
    assert main(["admin", "auto", "trial", "C1"]) == 1  # a channel setting needs its workspace
    assert capsys.readouterr().out.startswith("A channel setting needs a workspace")
    assert main(["admin", "--workspace", "T1", "auto", "trial", "C1"]) == 0
    assert capsys.readouterr().out.startswith("Done: auto-explain in <#C1> is now trial (was default).")

    async def record() -> None:
        store = SqliteStore(tmp_path / "footnote.sqlite3")
        await store.start()
        record = hostile_record(0).model_copy(update={"at": time.time() - 60, "workspace": "T1"})
        await store.record_trial(record)
        await store.close()

    asyncio.run(record())
    assert main(["admin", "trial", "report", "7"]) == 0  # every workspace
    report = capsys.readouterr().out
    assert report.startswith("Trial mode, last 7 days, every workspace (nothing was posted):")
    (line,) = [line for line in report.splitlines() if line.startswith("• ")]
    assert "#C0NEWS news.example/0/" in line and line.endswith("· $0 (OpenAI est. $0.0012)")
    assert "\u202e" not in report and "\x1b" not in report
    assert main(["admin", "--workspace", "T2", "trial", "report"]) == 0
    assert "No links seen in trial mode." in capsys.readouterr().out


async def test_a_model_without_a_known_price_is_said_so_rather_than_costed_at_zero(tmp_path):
    store = SqliteStore(tmp_path / "footnote.sqlite3")
    await store.start()
    try:
        await store.record_trial(hostile_record(0).model_copy(update={"estimate_usd": None}))
        await store.record_trial(
            hostile_record(1).model_copy(
                update={
                    "engine": "openai:gpt-4.1-mini/v2",
                    "tokens": 1500,
                    "cost_usd": 0.0009,
                    "estimate_tokens": 0,
                    "estimate_usd": None,
                }
            )
        )
        report = await trial_report(store, ReportScope("cli", "T1", None, 1, NOW))
    finally:
        await store.close()
    lines = report.splitlines()
    assert lines[2].startswith("Cost: ≈ $0.0009 spent on 1,500 model tokens (from the price table)")
    assert lines[2].endswith("so there is no OpenAI estimate (FOOTNOTE_PRICES adds one).")
    assert lines[3].endswith("· $0 (OpenAI est. no price known)")
    assert lines[4].endswith("· ≈ $0.0009")
