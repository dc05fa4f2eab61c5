"""Who is asking and where, in the service's terms, and the permissions the bot itself needs.

A moderator is a member with Manage Server in that guild, the same permission the `/footnote`
commands require by default; the service checks it again for every moderator-only command.
"""

from __future__ import annotations

from typing import Any

import discord

from bot.service.types import Where, Who

PLATFORM = "discord"
DIRECT_MESSAGES = "dm"  # the workspace of a request made outside any guild
SCOPES = ("bot", "applications.commands")
THREAD_TYPES = frozenset(
    {discord.ChannelType.public_thread, discord.ChannelType.private_thread, discord.ChannelType.news_thread}
)

# Exactly what the bot does: read and answer messages, open threads on them, react, use commands.
BOT_PERMISSIONS = discord.Permissions(
    view_channel=True,
    read_message_history=True,
    send_messages=True,
    create_public_threads=True,
    send_messages_in_threads=True,
    embed_links=True,
    add_reactions=True,
    use_application_commands=True,
)


def invite_url(client_id: int | str) -> str:
    """The OAuth2 URL that adds the bot to a server with exactly `BOT_PERMISSIONS`."""
    return discord.utils.oauth_url(client_id, permissions=BOT_PERMISSIONS, scopes=SCOPES)


def is_thread(channel: Any) -> bool:
    """True for any kind of thread (the type is all a partial channel reliably carries)."""
    return getattr(channel, "type", None) in THREAD_TYPES


def _where(guild_id: int | None, channel: Any, channel_id: int | None, message_id: str | None) -> Where:
    """Thread messages take their parent channel's settings; the thread itself is kept apart."""
    if channel is not None and is_thread(channel):
        parent, thread = str(channel.parent_id), str(channel.id)
    else:
        parent, thread = str(getattr(channel, "id", None) or channel_id), None
    workspace = str(guild_id) if guild_id else DIRECT_MESSAGES
    return Where(platform=PLATFORM, workspace=workspace, channel=parent, message_id=message_id, thread=thread)


def where_of(message: Any) -> Where:
    """Where a message was posted (its id is the exactly-once key of its links)."""
    guild_id = message.guild.id if message.guild else None
    return _where(guild_id, message.channel, None, str(message.id))


def where_of_interaction(interaction: Any, message_id: str | None = None) -> Where:
    """Where a slash command or button was used."""
    return _where(interaction.guild_id, interaction.channel, interaction.channel_id, message_id)


def where_in(guild_id: int, channel: Any, channel_id: int, message_id: str) -> Where:
    """Where a message was, from a raw event's ids and its channel (None when it could not be had)."""
    return _where(guild_id, channel, channel_id, message_id)


def can_moderate(permissions: discord.Permissions | None) -> bool:
    """Manage Server, or Administrator (which implies every permission)."""
    return bool(permissions and (permissions.manage_guild or permissions.administrator))


def who_of(member: Any) -> Who:
    """A member (or a user outside a guild); a moderator has Manage Server there."""
    return Who(user_id=str(member.id), is_moderator=can_moderate(getattr(member, "guild_permissions", None)))


def who_of_interaction(interaction: Any) -> Who:
    """The person behind an interaction, judged by the permissions Discord resolved for it."""
    is_moderator = interaction.guild_id is not None and can_moderate(interaction.permissions)
    return Who(user_id=str(interaction.user.id), is_moderator=is_moderator)
