"""`footnote discord invite` / `sync`, the command tree, and who counts as a moderator.

`sync` talks to a local stand-in for Discord's HTTP API (discord.py's base URL pointed at 127.0.0.1).
"""

import asyncio
import base64
import json
import logging
import sys
from types import SimpleNamespace

import discord
import pytest
from aiohttp import web

from bot import cli
from bot.adapters.discord import runner
from bot.adapters.discord.client import FootnoteClient
from bot.adapters.discord.permissions import (
    BOT_PERMISSIONS,
    invite_url,
    where_of_interaction,
    who_of_interaction,
)
from bot.config import Settings

APP_ID = 123456789012345678
TOKEN = base64.b64encode(str(APP_ID).encode()).decode().rstrip("=") + ".GaBcDe.secret-part-of-the-token"
# Discord's documented permission bits: the exact set the bot needs, independent of discord.py's names.
NEEDED_BITS = {
    6: "add reactions",
    10: "view channel (read messages)",
    11: "send messages",
    14: "embed links",
    16: "read message history",
    31: "use application commands",
    35: "create public threads",
    38: "send messages in threads",
}


@pytest.fixture
def env(tmp_path, monkeypatch):
    """A clean working directory (no stray .env) and no Discord token unless a test sets one."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("DISCORD_TOKEN", raising=False)
    return monkeypatch


def test_the_invite_asks_for_exactly_the_permissions_the_bot_uses():
    assert BOT_PERMISSIONS.value == sum(1 << bit for bit in NEEDED_BITS)
    url = invite_url(APP_ID)
    assert f"client_id={APP_ID}" in url and "scope=bot+applications.commands" in url
    assert f"permissions={BOT_PERMISSIONS.value}" in url


def test_invite_reads_the_application_id_from_the_token_and_never_prints_the_token(env, capsys):
    env.setenv("DISCORD_TOKEN", TOKEN)
    assert cli.main(["discord", "invite"]) == 0
    out = capsys.readouterr()
    assert out.out.strip() == invite_url(APP_ID)
    assert "secret" not in out.out + out.err


def test_invite_takes_an_explicit_client_id_and_explains_what_is_missing(env, capsys):
    assert cli.main(["discord", "invite", "--client-id", "42"]) == 0
    assert "client_id=42&" in capsys.readouterr().out
    env.setenv("DISCORD_TOKEN", "not-a-token")
    assert cli.main(["discord", "invite"]) == 2
    assert "--client-id" in capsys.readouterr().err


def test_run_and_sync_refuse_to_start_without_a_token(env, capsys):
    assert runner.run(Settings()) == 2
    assert cli.main(["discord", "sync"]) == 2
    assert "DISCORD_TOKEN" in capsys.readouterr().err


def test_run_keeps_interaction_tokens_out_of_debug_logs(env, caplog):
    # discord.py's loggers that print webhook URLs and gateway payloads at DEBUG.
    talkative = ("discord.http", "discord.gateway", "discord.webhook", "discord.webhook.async_")
    for name in talkative:
        caplog.set_level(logging.NOTSET, logger=name)  # as in a fresh process; restored after the test
    caplog.set_level(logging.DEBUG)  # the root logger, as `--log-level DEBUG` sets it
    runner.run(Settings())
    for name in talkative:
        assert not logging.getLogger(name).isEnabledFor(logging.DEBUG), name
    assert logging.getLogger("footnote.discord").isEnabledFor(logging.DEBUG)


def test_the_tree_offers_explain_the_moderator_group_and_the_message_menu():
    tree = FootnoteClient(Settings(), None).tree
    commands = {c.name: c.to_dict(tree) for c in tree.get_commands()}
    menus = {c.name: c.to_dict(tree) for c in tree.get_commands(type=discord.AppCommandType.message)}
    assert [o["name"] for o in commands["explain"]["options"]] == ["url", "private"]
    footnote = commands["footnote"]
    assert footnote["default_member_permissions"] == discord.Permissions(manage_guild=True).value
    assert footnote["dm_permission"] is False
    assert {o["name"] for o in footnote["options"]} >= {
        "settings",
        "auto",
        "reactions",
        "domains",
        "limits",
        "budget",
        "stats",
        "forget",
        "help",
    }
    assert "Explain links" in menus


def test_a_moderator_is_a_member_with_manage_server_in_a_guild():
    def interaction(permissions, guild_id=1):
        return SimpleNamespace(
            guild_id=guild_id,
            user=SimpleNamespace(id=5),
            permissions=permissions,
            channel=SimpleNamespace(id=2, type=discord.ChannelType.text),
            channel_id=2,
        )

    assert who_of_interaction(interaction(discord.Permissions(manage_guild=True))).is_moderator
    assert who_of_interaction(interaction(discord.Permissions(administrator=True))).is_moderator
    assert not who_of_interaction(interaction(discord.Permissions(manage_messages=True))).is_moderator
    assert not who_of_interaction(interaction(discord.Permissions.all(), guild_id=None)).is_moderator
    assert where_of_interaction(interaction(discord.Permissions.none(), guild_id=None)).workspace == "dm"


def reply(data: object) -> web.Response:
    # discord.py decodes a body only when the content type is exactly "application/json".
    return web.Response(body=json.dumps(data).encode(), headers={"Content-Type": "application/json"})


class FakeDiscordApi:
    """Just enough of Discord's HTTP API for login and command registration."""

    def __init__(self) -> None:
        self.registered: dict[str, list[dict]] = {}
        self.authorization: list[str] = []

    async def me(self, request: web.Request) -> web.Response:
        self.authorization.append(request.headers["Authorization"])
        if request.headers["Authorization"] != f"Bot {TOKEN}":
            return web.Response(
                status=401,
                body=b'{"message": "401: Unauthorized", "code": 0}',
                headers={"Content-Type": "application/json"},
            )
        return reply(
            {"id": str(APP_ID), "username": "Footnote", "discriminator": "0", "avatar": None, "bot": True}
        )

    async def application(self, request: web.Request) -> web.Response:
        owner = {"id": "1", "username": "owner", "discriminator": "0", "avatar": None}
        return reply(
            {
                "id": str(APP_ID),
                "name": "Footnote",
                "description": "",
                "icon": None,
                "bot_public": True,
                "bot_require_code_grant": False,
                "owner": owner,
                "verify_key": "k",
                "flags": 0,
            }
        )

    async def put_commands(self, request: web.Request) -> web.Response:
        payload = await request.json()
        self.registered[request.match_info["scope"]] = payload
        return reply(
            [
                {"description": "", **c, "id": str(n + 1), "application_id": str(APP_ID), "version": "1"}
                for n, c in enumerate(payload)
            ]
        )


@pytest.fixture
async def discord_api(monkeypatch):
    api = FakeDiscordApi()
    app = web.Application()
    app.router.add_get("/api/v10/users/@me", api.me)
    app.router.add_get("/api/v10/oauth2/applications/@me", api.application)
    app.router.add_put(r"/api/v10/applications/{app}/{scope:(guilds/\d+/)?}commands", api.put_commands)
    app_runner = web.AppRunner(app, access_log=None)
    await app_runner.setup()
    site = web.TCPSite(app_runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]
    monkeypatch.setattr(discord.http.Route, "BASE", f"http://127.0.0.1:{port}/api/v10")
    yield api
    await app_runner.cleanup()


async def test_sync_registers_every_command_in_one_guild(discord_api, capsys):
    from bot.adapters.discord.commands_cli import _sync

    assert await _sync(Settings(DISCORD_TOKEN=TOKEN), 555) == 0
    registered = discord_api.registered["guilds/555/"]
    assert sorted(c["name"] for c in registered) == ["Explain links", "explain", "footnote"]
    assert discord_api.authorization == [f"Bot {TOKEN}"]
    out = capsys.readouterr().out
    assert "Registered 3 commands in server 555" in out and TOKEN not in out
    assert json.dumps(registered)  # plain JSON Discord accepts
    footnote = next(c for c in registered if c["name"] == "footnote")
    per_channel = {
        sub["name"]
        for sub in footnote["options"]
        if any(option["name"] == "channel" for option in sub.get("options", []))
    }
    assert per_channel == {"auto", "reactions", "domains", "limits", "language"}


async def test_a_rejected_token_stops_the_bot_with_a_clear_log_line(discord_api, caplog):
    settings = Settings(DISCORD_TOKEN="wrong.token.value")
    assert await runner.connect(settings, service=None, stop=asyncio.Event()) == 1
    assert "Discord rejected DISCORD_TOKEN" in caplog.text and "wrong.token.value" not in caplog.text


class GatewayStandIn:
    """What `_until_stopped` needs of a client: `start` runs until `close`, `stop` drains first."""

    def __init__(self) -> None:
        self.closed = asyncio.Event()
        self.drained_for: float | None = None

    async def start(self, token: str) -> None:
        await self.closed.wait()

    async def stop(self, drain_seconds: float) -> None:
        self.drained_for = drain_seconds
        self.closed.set()


async def test_a_stop_signal_drains_and_disconnects():
    client, stop = GatewayStandIn(), asyncio.Event()
    running = asyncio.create_task(runner._until_stopped(client, "token", stop))
    await asyncio.sleep(0.05)
    assert not running.done()
    stop.set()  # what SIGTERM does
    await asyncio.wait_for(running, 5)
    assert client.drained_for == runner.DRAIN_SECONDS


async def test_stopping_lets_running_handlers_finish_and_ignores_new_events():
    client = FootnoteClient(Settings(_env_file=None), service=None)
    closed_after: list[bool] = []
    finished = asyncio.Event()

    async def answer_being_written() -> None:
        await asyncio.sleep(0.1)
        finished.set()

    async def close() -> None:
        closed_after.append(finished.is_set())

    client.close = close
    handler = asyncio.create_task(client._guarded("message", answer_being_written()))
    await asyncio.sleep(0.01)
    await client.stop(drain_seconds=5)
    assert closed_after == [True]  # disconnected only once the answer was out

    late = asyncio.Event()

    async def new_event() -> None:
        late.set()

    await client._guarded("message", new_event())
    assert not late.is_set()
    await handler


async def test_slash_commands_and_buttons_are_drained_too_and_refused_once_stopping():
    client = FootnoteClient(Settings(_env_file=None), service=None)
    sent: list[dict] = []

    async def send_message(content=None, **kwargs) -> None:
        sent.append({"content": content, **kwargs})

    interaction = SimpleNamespace(response=SimpleNamespace(send_message=send_message))
    finished = asyncio.Event()
    closed_after: list[bool] = []

    async def slow_command() -> None:
        await asyncio.sleep(0.1)
        finished.set()

    async def close() -> None:
        closed_after.append(finished.is_set())

    client.close = close
    running = asyncio.create_task(client.run_interaction(interaction, slow_command()))
    await asyncio.sleep(0.01)
    await client.stop(drain_seconds=5)
    assert closed_after == [True]
    await running

    late = asyncio.Event()

    async def late_command() -> None:
        late.set()

    await client.run_interaction(interaction, late_command())
    assert not late.is_set()
    assert sent and sent[-1]["ephemeral"] is True and "restarting" in sent[-1]["content"]


def test_discord_reconnect_tracebacks_for_network_failures_become_one_line():
    import aiohttp

    from bot.adapters.discord.client import network_errors_in_one_line

    try:
        raise aiohttp.ClientConnectionError(
            "Cannot connect to host gateway.example:443"
        ) from ConnectionRefusedError()
    except aiohttp.ClientConnectionError:
        record = logging.LogRecord(
            "discord.client", logging.ERROR, "", 0, "Attempting a reconnect in %.2fs", (1.5,), sys.exc_info()
        )
    assert network_errors_in_one_line(record)
    assert record.exc_info is None
    assert record.getMessage().startswith(
        "Attempting a reconnect in 1.50s: Could not reach the server: the connection"
    )
    other = logging.LogRecord(
        "discord.client", logging.ERROR, "", 0, "bug", None, (ValueError, ValueError("x"), None)
    )
    assert network_errors_in_one_line(other) and other.exc_info is not None  # a bug keeps its traceback
