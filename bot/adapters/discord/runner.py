"""`footnote run discord`: start the service and connect to the Discord gateway until stopped."""

from __future__ import annotations

import asyncio
import logging

import discord

from bot.adapters.discord.client import FootnoteClient
from bot.config import Settings
from bot.service.types import Service

log = logging.getLogger("footnote.discord")

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

    service = ExplainService(settings)
    await service.start()
    try:
        return await connect(settings, service)
    finally:
        await service.close()


async def connect(settings: Settings, service: Service) -> int:
    """Connect with Message Content; if the portal has not granted it, carry on with slash commands only."""
    assert settings.discord_token is not None
    token = settings.discord_token.get_secret_value()
    for message_content in (True, False):
        client = FootnoteClient(settings, service, message_content=message_content)
        try:
            async with client:
                await client.start(token)
            return 0
        except discord.PrivilegedIntentsRequired:
            log.warning("the Message Content intent is not enabled for this bot; reconnecting without it")
        except discord.LoginFailure:
            log.error(
                "Discord rejected DISCORD_TOKEN; get a new one in the Developer Portal (Bot → Reset Token)"
            )
            return 1
    return 1
