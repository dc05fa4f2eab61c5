"""`footnote run discord`: start the service and connect to the Discord gateway until stopped."""

from __future__ import annotations

import asyncio
import logging
import signal

import discord

from bot.adapters.activity import CANCEL_GRACE
from bot.adapters.discord.client import FootnoteClient
from bot.config import Settings
from bot.service.types import Service

log = logging.getLogger("footnote.discord")

DRAIN_SECONDS = 30.0  # on shutdown, answers being written get this long to finish

# At DEBUG these log follow-up webhook URLs and gateway payloads, which carry interaction tokens.
TOKEN_LOGGERS = ("discord.http", "discord.gateway", "discord.webhook")


def quiet_discord_logs() -> None:
    """Hold discord.py's HTTP, gateway and webhook loggers at INFO or above, whatever `--log-level` says."""
    level = max(logging.INFO, logging.getLogger().getEffectiveLevel())
    for name in TOKEN_LOGGERS:
        logging.getLogger(name).setLevel(level)


def run(settings: Settings) -> int:
    """Run the bot; returns the process exit status."""
    quiet_discord_logs()
    if settings.discord_token is None:
        log.error(
            "DISCORD_TOKEN is not set: create a bot in the Discord Developer Portal and put its token in .env"
        )
        return 2
    try:
        return asyncio.run(_serve(settings))
    except KeyboardInterrupt:
        return 0


async def _serve(settings: Settings) -> int:
    from bot.service.service import ExplainService
    from bot.service.workers import bot_workers

    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):  # docker stop and systemd send SIGTERM
        loop.add_signal_handler(sig, stop.set)
    service = ExplainService(settings, workers=bot_workers(settings))
    try:
        await service.start()  # inside: a failed start still closes the workers and the database
        return await connect(settings, service, stop)
    finally:
        log.info("stopping")
        await service.close(CANCEL_GRACE)


async def connect(settings: Settings, service: Service, stop: asyncio.Event) -> int:
    """Connect with Message Content; if the portal has not granted it, carry on with slash commands only.

    Runs until Discord disconnects for good or `stop` is set."""
    assert settings.discord_token is not None
    token = settings.discord_token.get_secret_value()
    for message_content in (True, False):
        client = FootnoteClient(settings, service, message_content=message_content)
        try:
            async with client:
                await _until_stopped(client, token, stop)
            return 0
        except discord.PrivilegedIntentsRequired:
            log.warning("the Message Content intent is not enabled for this bot; reconnecting without it")
        except discord.LoginFailure:
            log.error(
                "Discord rejected DISCORD_TOKEN; get a new one in the Developer Portal (Bot → Reset Token)"
            )
            return 1
    return 1


async def _until_stopped(client: FootnoteClient, token: str, stop: asyncio.Event) -> None:
    """`client.start` until it ends by itself or `stop` is set, then a drained disconnect."""
    running = asyncio.create_task(client.start(token))
    stopping = asyncio.create_task(stop.wait())
    await asyncio.wait({running, stopping}, return_when=asyncio.FIRST_COMPLETED)
    if stopping.done():
        await client.stop(DRAIN_SECONDS)
    stopping.cancel()
    await running  # re-raises a refused login or intent
