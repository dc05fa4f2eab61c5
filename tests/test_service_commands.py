"""Commands defined once: parsing, permissions, audit, replies; and the `footnote admin` CLI."""

import asyncio

import pytest

from bot.cli import main
from bot.config import Settings
from bot.engines.local import LocalEngine
from bot.service.commands import channel_id, parse
from bot.service.service import ExplainService
from bot.service.types import Where, Who

MOD = Who(user_id="mod1", is_moderator=True)
MEMBER = Who(user_id="member1")
HERE = Where(platform="slack", workspace="T1", channel="C1")


def settings_for(tmp_path) -> Settings:
    return Settings(FOOTNOTE_DB=str(tmp_path / "footnote.sqlite3"), FOOTNOTE_ENGINE="local")


@pytest.fixture
async def service(tmp_path):
    async with ExplainService(settings_for(tmp_path), engine=LocalEngine()) as service:
        yield service


def test_parsing_accepts_the_prefix_and_keeps_argument_case():
    assert parse("/footnote auto on C0ABC") == ("auto", ["on", "C0ABC"])
    assert parse("Footnote  LIMITS user 5 10") == ("limits", ["user", "5", "10"])
    assert parse("") == ("help", [])
    assert channel_id("<#C0ABC|general>") == "C0ABC"
    assert channel_id("<#1234>") == "1234"
    assert channel_id("#C9") == "C9"


async def test_settings_changes_survive_a_restart(tmp_path):
    settings = settings_for(tmp_path)
    async with ExplainService(settings, engine=LocalEngine()) as service:
        assert (await service.channel(HERE)).auto_explain is False
        for text in ("auto on", "reactions off", "language de", "limits links 2"):
            reply = await service.command(text, HERE, MOD)
            assert reply.text.startswith("Done:"), reply.text
    async with ExplainService(settings, engine=LocalEngine()) as service:
        view = await service.channel(HERE)
        assert (view.auto_explain, view.reaction_requests, view.language, view.max_links) == (
            True,
            False,
            "de",
            2,
        )
        assert (await service.channel(HERE.model_copy(update={"channel": "C2"}))).auto_explain is False


async def test_members_cannot_change_settings_but_can_read_them(service):
    for text in (
        "auto on",
        "reactions off",
        "domains block x.com",
        "limits user 1 1",
        "budget requests 0",
        "language fr",
        "forget https://a.example/",
        "stats",
        "audit",
    ):
        reply = await service.command(text, HERE, MEMBER)
        assert reply.text == "Only moderators can change Footnote's settings.", text
    assert (await service.channel(HERE)).auto_explain is False
    assert "Auto-explain in this channel: off" in (await service.command("settings", HERE, MEMBER)).text
    assert (await service.command("audit", HERE, MOD)).text == "No changes yet."


async def test_every_change_lands_in_the_audit_log_with_old_and_new(service):
    changes = [
        "auto on",
        "auto off #C7",
        "reactions off",
        "domains allow news.example",
        "domains block bad.example",
        "domains remove news.example",
        "limits user 3 15",
        "limits channel 10 5",
        "limits links 2",
        "budget requests 50",
        "budget tokens 100000",
        "language pt-BR",
        "forget https://a.example/x",
    ]
    for text in changes:
        await service.command(text, HERE, MOD)
    log = (await service.command("audit 20", HERE, MOD)).text.splitlines()
    assert len(log) == len(changes)
    assert all("slack:mod1" in line for line in log)
    assert "auto_explain (channel C7): default → off" in log[-2]
    assert "domain:news.example: allow → unlisted" in log[-6]
    assert "language: default → pt-br" in log[1]
    assert log[0].endswith("cache:https://a.example/x: 0 cached → forgotten")


async def test_changes_reply_with_old_and_new_and_show_in_settings(service):
    assert (await service.command("limits user 3 15", HERE, MOD)).text == (
        "Done: the per-user limit in this workspace is now 3 per 15 min (was default)."
    )
    assert (await service.command("domains block https://www.Bad.example/x", HERE, MOD)).text == (
        "Done: bad.example is now block (was unlisted)."
    )
    text = (await service.command("settings", HERE, MOD)).text
    assert "3 per user per 15 min" in text and "Blocked domains: bad.example" in text
    assert (await service.command("domains list", HERE, MOD)).text.splitlines() == [
        "Allowed domains: any",
        "Blocked domains: bad.example",
    ]


async def test_settings_can_be_overridden_for_one_channel(service):
    news = Where(platform=HERE.platform, workspace=HERE.workspace, channel="C0NEWS")
    for text in (
        "limits user 2 30 <#C0NEWS|news>",
        "limits links 1 #C0NEWS",
        "language de <#C0NEWS>",
        "reactions off here",  # the channel the command was typed in
        "domains block tabloid.example <#C0NEWS|news>",
    ):
        reply = await service.command(text, HERE, MOD)
        assert reply.text.startswith("Done:") and ("<#C0NEWS>" in reply.text or "here" in text), reply.text
    overridden = await service.command("settings", news, MOD)
    assert "2 per user per 30 min" in overridden.text and "Links per message: 1" in overridden.text
    assert "Blocked domains: tabloid.example" in overridden.text
    view = await service.channel(news)
    assert (view.language, view.max_links) == ("de", 1)
    elsewhere = await service.channel(Where(platform=HERE.platform, workspace=HERE.workspace, channel="C_X"))
    assert (elsewhere.language, elsewhere.max_links, elsewhere.reaction_requests) == ("en", 3, True)
    assert (await service.channel(HERE)).reaction_requests is False
    assert not (await service.links_to_explain("https://tabloid.example/a", news))
    assert await service.links_to_explain("https://tabloid.example/a", HERE)


async def test_a_channel_must_be_named_by_id_and_only_inside_a_workspace(service):
    for text in ("limits links 2 #news", "auto on #news", "language de #general"):
        assert (await service.command(text, HERE, MOD)).text.startswith("Usage:"), text
    operator = Where(platform="cli", workspace="*", channel="")
    assert (await service.command("reactions off <#C0123>", operator, MOD)).text.startswith("Usage:")
    assert (await service.command("auto on here", HERE, MOD)).text.startswith("Done: auto-explain in <#C1>")


async def test_bad_arguments_get_the_usage_line_and_change_nothing(service):
    for text, usage in (
        ("auto maybe", "auto on|off [channel]"),
        ("limits user five 10", "limits user N MINUTES"),
        ("limits user 0 10", "limits user N MINUTES"),
        ("limits links 50", "limits links N"),
        ("budget coins 5", "budget requests N"),
        ("domains block localhost", "domains allow|block|remove|list [domain]"),
        ("language english!", "language xx"),
        ("explain", "explain <url>"),
    ):
        reply = await service.command(text, HERE, MOD)
        assert reply.text.startswith("Usage:") and usage in reply.text, text
    assert (await service.command("audit", HERE, MOD)).text == "No changes yet."


async def test_unknown_commands_get_the_help_text(service):
    reply = await service.command("frobnicate now", HERE, MEMBER)
    assert reply.text.startswith("Footnote commands:")
    assert (
        "`auto on|off [channel]` — explain every link in a channel automatically (moderators)" in reply.text
    )
    assert "(moderators)" not in (await service.command("help", HERE, MOD)).text


async def test_the_auto_command_needs_a_channel_when_there_is_no_current_one(service):
    no_channel = Where(platform="cli", workspace="T1", channel="")
    assert (await service.command("auto on", no_channel, MOD)).text.startswith("Usage:")
    assert (await service.command("auto on C5", no_channel, MOD)).text.startswith("Done:")
    assert (await service.channel(Where(platform="slack", workspace="T1", channel="C5"))).auto_explain


async def test_twenty_concurrent_moderators_lose_nothing(tmp_path):
    settings = settings_for(tmp_path)
    async with (
        ExplainService(settings, engine=LocalEngine()) as one,
        ExplainService(settings, engine=LocalEngine()) as two,
    ):
        commands = [
            (one if i % 2 else two).command(
                f"auto on C{i}" if i < 10 else f"domains block s{i}.example", HERE, MOD
            )
            for i in range(20)
        ]
        assert all(r.text.startswith("Done:") for r in await asyncio.gather(*commands))
        for i in range(10):
            assert (await one.channel(HERE.model_copy(update={"channel": f"C{i}"}))).auto_explain
        listed = (await two.command("domains list", HERE, MOD)).text
        assert all(f"s{i}.example" in listed for i in range(10, 20))
        assert len((await one.command("audit 50", HERE, MOD)).text.splitlines()) == 20


def test_admin_cli_runs_the_same_commands_as_an_operator(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("FOOTNOTE_DB", str(tmp_path / "footnote.sqlite3"))
    monkeypatch.setenv("FOOTNOTE_ENGINE", "local")
    assert main(["admin", "--workspace", "T1", "auto", "on", "C1"]) == 0
    assert capsys.readouterr().out.startswith("Done: auto-explain in <#C1> is now on")
    assert main(["admin", "budget", "requests", "10"]) == 0  # no workspace: every workspace
    capsys.readouterr()
    assert main(["admin", "--workspace", "T1", "--channel", "C1", "settings"]) == 0
    shown = capsys.readouterr().out
    assert "Auto-explain in this channel: on" in shown and "Daily budget: 10 analyses" in shown
    assert main(["admin", "limits", "user", "five", "10"]) == 1  # scripts can tell a mistake
    assert capsys.readouterr().out.startswith("Usage: `limits user N MINUTES")
    assert main(["admin", "frobnicate"]) == 1
    capsys.readouterr()
    assert main(["admin", "audit"]) == 0
    audit = capsys.readouterr().out
    assert "cli:operator · budget_requests: default → 10" in audit
    assert "cli:operator · auto_explain (channel C1): default → on" in audit
