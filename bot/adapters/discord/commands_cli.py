"""`footnote discord sync [--guild ID]` and `footnote discord invite`: one-off setup from the terminal."""

from __future__ import annotations

import argparse
import base64
import binascii
import sys

from pydantic import SecretStr

from bot.config import Settings


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the `discord` command group."""
    group = subparsers.add_parser(
        "discord", help="Discord setup: register slash commands, print the invite link"
    )
    sub = group.add_subparsers(dest="discord_command", required=True)

    sync = sub.add_parser("sync", help="register the slash commands with Discord (needs DISCORD_TOKEN)")
    sync.add_argument(
        "--guild",
        type=int,
        default=None,
        help="register in one server only (shows up at once; global commands can take up to an hour)",
    )
    sync.set_defaults(func=cmd_sync)

    invite = sub.add_parser(
        "invite", help="print the URL that adds the bot to a server with the permissions it needs"
    )
    invite.add_argument(
        "--client-id",
        type=int,
        default=None,
        help="the Application ID from the Developer Portal (default: read from DISCORD_TOKEN)",
    )
    invite.set_defaults(func=cmd_invite)


def application_id_from_token(token: SecretStr | None) -> int | None:
    """The bot's id, which a token carries in base64 before its first dot (it equals the application id)."""
    if token is None:
        return None
    head = token.get_secret_value().split(".", 1)[0]
    try:
        decoded = base64.b64decode(head + "=" * (-len(head) % 4), validate=True).decode("ascii")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None
    return int(decoded) if decoded.isdigit() else None


def cmd_invite(args: argparse.Namespace, settings: Settings) -> int:
    """Print the invite URL."""
    from bot.adapters.discord.permissions import invite_url

    client_id = args.client_id or application_id_from_token(settings.discord_token)
    if client_id is None and settings.discord_token is not None:
        print(
            "DISCORD_TOKEN is set but is not a bot token (it starts with the application id in base64); "
            "copy it again (Developer Portal → Bot → Reset Token) or pass --client-id.",
            file=sys.stderr,
        )
        return 2
    if client_id is None:
        print(
            "Set DISCORD_TOKEN or pass --client-id (Developer Portal → your app → Application ID).",
            file=sys.stderr,
        )
        return 2
    print(invite_url(client_id))
    return 0


def cmd_sync(args: argparse.Namespace, settings: Settings) -> int:
    """Register the commands globally or in one guild, and say how many."""
    if settings.discord_token is None:
        print("Set DISCORD_TOKEN first (Developer Portal → Bot → Reset Token).", file=sys.stderr)
        return 2
    import asyncio

    return asyncio.run(_sync(settings, args.guild))


async def _sync(settings: Settings, guild_id: int | None) -> int:
    import discord

    from bot.adapters.discord.client import FootnoteClient

    assert settings.discord_token is not None
    client = FootnoteClient(settings, None, message_content=False)
    try:
        async with client:
            await client.login(settings.discord_token.get_secret_value())
            if guild_id is None:
                synced = await client.tree.sync()
                scope = "globally (Discord may take up to an hour to show them everywhere)"
            else:
                guild = discord.Object(id=guild_id)
                client.tree.copy_global_to(guild=guild)
                synced = await client.tree.sync(guild=guild)
                scope = f"in server {guild_id}"
    except discord.LoginFailure:
        print("Discord rejected DISCORD_TOKEN.", file=sys.stderr)
        return 1
    except discord.HTTPException as exc:
        print(f"Discord refused the commands (HTTP {exc.status}): {exc.text}", file=sys.stderr)
        return 1
    print(f"Registered {len(synced)} commands {scope}: {', '.join(sorted(c.name for c in synced))}")
    return 0
