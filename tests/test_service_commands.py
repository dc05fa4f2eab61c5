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
    ):
        reply = await service.command(text, HERE, MEMBER)
        assert reply.text == "Only moderators can change Footnote's settings.", text
    # Reading figures is not changing settings: the refusal says what it is about.
    stats = (await service.command("stats", HERE, MEMBER)).text
    assert stats == "Only moderators can see Footnote's usage figures."
    assert (await service.command("audit", HERE, MEMBER)).text == "Only moderators can see the audit log."
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
        reply = (await service.command(text, HERE, MOD)).text
        assert reply.startswith("`#") and "is a channel name; settings need its id" in reply, text
        assert reply.splitlines()[1].startswith("Usage:"), text
    operator = Where(platform="cli", workspace="*", channel="")
    for text in ("reactions off <#C0123>", "auto on C0123ABCD", "auto on"):
        reply = (await service.command(text, operator, MOD)).text
        assert reply.startswith("A channel setting needs a workspace"), text
    assert (await service.command("auto on here", HERE, MOD)).text.startswith("Done: auto-explain in <#C1>")


async def test_each_bad_value_gets_its_own_reason_with_the_allowed_range(service):
    for text, reason, usage in (
        ("auto maybe", "`maybe` is not on, off or trial.", "auto on|off|trial [channel]"),
        ("limits user five 10", "The count must be a whole number from 1 to 10,000; got `five`.", "limits"),
        ("limits user 0 10", "The count must be a whole number from 1 to 10,000; got `0`.", "limits user"),
        ("limits user 5 2000", "The window must be a whole number from 1 to 1,440; got `2000`.", "limits"),
        ("limits links 50", "Links per message must be a whole number from 1 to 10; got `50`.", "limits"),
        ("budget coins 5", "Say requests or tokens.", "budget requests N"),
        ("budget requests -1", "The daily requests budget must be a whole number from 0 to", "budget"),
        ("domains block localhost", "`localhost` is not a domain name", "domains allow|block"),
        ("language english!", "`english!` is not a language code in the IANA registry", "language xx"),
        ("explain", "Give one link.", "explain <url>"),
        ("audit 500", "The number of changes must be a whole number from 1 to 100; got `500`.", "audit [N]"),
    ):
        reply = (await service.command(text, HERE, MOD)).text
        first, second = reply.splitlines()
        assert first.startswith(reason) and second.startswith("Usage:") and usage in second, text
    assert (await service.command("audit", HERE, MOD)).text == "No changes yet."


async def test_language_codes_are_checked_against_the_language_registry(service):
    for code in ("xx", "zz", "qq-br", "und"):
        reply = (await service.command(f"language {code}", HERE, MOD)).text
        assert "is not a language code in the IANA registry" in reply, code
    for code in ("de", "pt-BR", "fil"):
        assert (await service.command(f"language {code}", HERE, MOD)).text.startswith("Done:"), code


async def test_domain_rules_that_can_never_match_are_refused(service):
    for word in ("evil.example)", "a.b<@123>", "exa_mple.com", "-bad.example", "1.2.3", "x..com"):
        reply = (await service.command(f"domains block {word}", HERE, MOD)).text
        assert "is not a domain name" in reply and not reply.startswith("Done"), word
    assert (await service.command("domains list", HERE, MOD)).text.endswith("Blocked domains: none")
    reply = (await service.command("domains block https://Bücher.Example/x", HERE, MOD)).text
    assert reply.startswith("Done: xn--bcher-kva.example is now block")
    assert not await service.links_to_explain("https://bücher.example/a", HERE)


async def test_domains_allow_says_it_turns_on_allow_list_mode_and_how_to_undo_it(service):
    reply = (await service.command("domains allow news.example", HERE, MOD)).text
    assert reply.startswith("Done: news.example is now allow")
    assert "Allow-list mode is on in this workspace" in reply and "every other site is refused" in reply
    assert reply.endswith("`domains remove news.example` turns it off again.")
    assert "Allow-list" not in (await service.command("domains block bad.example", HERE, MOD)).text
    second = (await service.command("domains allow wire.example", HERE, MOD)).text
    assert "(news.example, wire.example)" in second and "It stays on while any domain is allowed" in second


async def test_a_budget_of_zero_is_confirmed_as_off(service):
    reply = (await service.command("budget requests 0", HERE, MOD)).text
    assert "A budget of 0 means off: no new analyses" in reply and "budget requests 200" in reply
    shown = (await service.command("settings", HERE, MOD)).text
    assert "Daily budget: 0 analyses (off: no new analyses)" in shown


async def test_channel_ids_are_accepted_bare_as_documented(service):
    for text in ("limits links 2 C0123ABCD", "language de 123456789012345678", "reactions off C0123ABCD"):
        reply = (await service.command(text, HERE, MOD)).text
        assert reply.startswith("Done:"), text
        assert "<#C0123ABCD>" in reply or "<#123456789012345678>" in reply, text
    view = await service.channel(HERE.model_copy(update={"channel": "C0123ABCD"}))
    assert (view.max_links, view.reaction_requests) == (2, False)
    assert (await service.channel(HERE.model_copy(update={"channel": "123456789012345678"}))).language == "de"
    assert (await service.channel(HERE)).max_links == 3


async def test_an_unknown_command_names_itself_and_the_closest_known_one(service):
    reply = (await service.command("setings", HERE, MEMBER)).text
    assert reply == "There is no `setings` command. Did you mean `settings`? `help` lists them all."
    assert (await service.command("frobnicate now", HERE, MEMBER)).text == (
        "There is no `frobnicate` command. `help` lists them all."
    )
    help_text = (await service.command("help", HERE, MEMBER)).text
    assert (
        "`auto on|off|trial [channel]` — explain every link in a channel automatically"
        " (trial: read them, post nothing) (moderators)"
    ) in help_text
    assert "(moderators)" not in (await service.command("help", HERE, MOD)).text


async def test_the_auto_command_needs_a_channel_when_there_is_no_current_one(service):
    no_channel = Where(platform="cli", workspace="T1", channel="")
    assert (await service.command("auto on", no_channel, MOD)).text.startswith("Name the channel: auto on")
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
    assert capsys.readouterr().out.splitlines()[1].startswith("Usage: `limits user N MINUTES")
    assert main(["admin", "frobnicate"]) == 1
    assert capsys.readouterr().out.startswith("There is no `frobnicate` command.")
    assert main(["admin", "audit"]) == 0
    audit = capsys.readouterr().out
    assert "cli:operator · budget_requests: default → 10" in audit
    assert "cli:operator · auto_explain (channel C1): default → on" in audit


async def test_stats_counts_every_refusal_by_reason(service):
    member = Who(user_id="m2")
    for text in ("budget requests 0", "limits user 1 10", "domains block blocked.example"):
        assert (await service.command(text, HERE, MOD)).text.startswith("Done:"), text
    # Each is refused before any page is fetched.
    assert (await service.explain("https://news.example/a", HERE, member)).status == "budget_spent"
    assert (await service.explain("https://news.example/b", HERE, member)).status == "rate_limited"
    assert (await service.explain("https://blocked.example/c", HERE, member)).status == "domain_blocked"
    await service.command("domains allow only.example", HERE, MOD)
    assert (await service.explain("https://other.example/d", HERE, member)).status == "domain_blocked"
    stats = (await service.command("stats", HERE, MOD)).text.splitlines()
    refused = "refused: blocked domain 1, budget spent 1, not on the allow list 1, rate-limited 1"
    assert len(stats) == 2 and all(refused in line for line in stats), stats
    elsewhere = Where(platform="slack", workspace="T2", channel="C1")
    assert "refused: none" in (await service.command("stats", elsewhere, MOD)).text
