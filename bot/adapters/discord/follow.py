"""Discord: the bot's answer follows its message when a member deletes it or edits its link away.

Raw events, since the message cache is cold after a restart and holds only recent messages: a
deletion brings only ids, an edit the new content. Which answers to take down comes from the service
(`bot.adapters.follow_flow`); this module reads threads and deletes or edits the bot's messages.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

import discord

from bot.adapters.discord.embeds import render_text
from bot.adapters.discord.permissions import where_in
from bot.adapters.follow_flow import follow_message
from bot.service.types import AnswerRecord, Service, Where

log = logging.getLogger("footnote.discord")

GetChannel = Callable[[int], Awaitable[Any]]  # channel or thread id → channel (cache first)

NO_MENTIONS = discord.AllowedMentions.none()
HISTORY_LIMIT = 50  # messages read after the original to see whether anyone replied
REPLY_TYPES = frozenset({discord.MessageType.default, discord.MessageType.reply})


class DiscordThreads:
    """The bot's answers in their threads: read who replied, delete or replace an answer, drop a thread."""

    def __init__(self, get_channel: GetChannel, bot_user_id: int) -> None:
        self.get_channel = get_channel
        self.bot_user_id = bot_user_id

    async def others_replied(self, thread_id: str, after: str) -> bool:
        """Whether anyone but this bot wrote in the thread after the original message."""
        try:
            channel = await self.get_channel(int(thread_id))
            async for message in channel.history(limit=HISTORY_LIMIT, after=discord.Object(id=int(after))):
                if message.author.id != self.bot_user_id and message.type in REPLY_TYPES:
                    return True
        except discord.NotFound:
            return False  # the thread is gone, and every reply with it
        except discord.HTTPException as exc:
            # Unsure: replacing the answer with one line is safe either way, deleting it is not.
            log.info("couldn't read thread %s (HTTP %s); assuming replies", thread_id, exc.status)
            return True
        return False

    async def delete(self, answer: AnswerRecord) -> None:
        """Delete one answer; one already gone is done."""
        try:
            channel = await self.get_channel(int(answer.thread_id))
            await channel.get_partial_message(int(answer.reply_id)).delete()
        except discord.NotFound:
            pass

    async def replace(self, answer: AnswerRecord, line: str) -> None:
        """Replace one answer (its embeds and buttons too) with a line of our own."""
        try:
            channel = await self.get_channel(int(answer.thread_id))
            message = channel.get_partial_message(int(answer.reply_id))
            await message.edit(content=render_text(line), embeds=[], view=None, allowed_mentions=NO_MENTIONS)
        except discord.NotFound:
            pass

    async def delete_thread(self, thread_id: str) -> bool:
        """Delete the thread the bot opened (it needs Manage Threads); False when it may not."""
        try:
            thread = await self.get_channel(int(thread_id))
            await thread.delete()
        except discord.NotFound:
            return True
        except discord.HTTPException as exc:
            log.info("couldn't delete thread %s (HTTP %s); deleting the answers in it", thread_id, exc.status)
            return False
        return True


class FollowHandlers:
    """Raw deletions (one message or a purge) and the take-down half of `on_raw_message_edit`."""

    def __init__(
        self, service: Service, bot_user_id: int, get_channel: GetChannel, *, reads_content: bool = True
    ) -> None:
        self.service = service
        self.bot_user_id = bot_user_id
        self.get_channel = get_channel
        # Without the Message Content intent every edit looks empty: no link could be told apart
        # from a link edited away, so edits take nothing down.
        self.reads_content = reads_content
        self.threads = DiscordThreads(get_channel, bot_user_id)

    async def on_raw_message_delete(self, payload: Any) -> int:
        """A deleted message takes its answers down; returns how many."""
        if payload.guild_id is None or payload.message_id is None:
            return 0
        where = await self._where(payload.guild_id, payload.channel_id, payload.message_id)
        return await follow_message(self.service, self.threads, where, None)

    async def on_raw_bulk_message_delete(self, payload: Any) -> int:
        """Messages a moderator purged at once take their answers down too; returns how many."""
        if payload.guild_id is None:
            return 0
        taken = 0
        for message_id in sorted(payload.message_ids):
            where = await self._where(payload.guild_id, payload.channel_id, message_id)
            taken += await follow_message(self.service, self.threads, where, None)
        return taken

    async def on_raw_message_edit(self, payload: Any) -> int:
        """An edit takes down the answers to links it removed; returns how many."""
        content = payload.data.get("content")
        author = payload.data.get("author") or {}
        if payload.guild_id is None or content is None or not self.reads_content:
            return 0
        if str(author.get("id")) == str(self.bot_user_id) or author.get("bot"):
            return 0
        cached = payload.cached_message
        if cached is not None and cached.content == content:
            return 0  # a link preview arriving, not an edit of the text
        where = await self._where(payload.guild_id, payload.channel_id, payload.message_id)
        return await follow_message(self.service, self.threads, where, content)

    async def _where(self, guild_id: int, channel_id: int, message_id: int) -> Where:
        """Where the message was: a thread's messages are keyed under its parent channel, as when answered."""
        try:
            channel = await self.get_channel(channel_id)
        except discord.HTTPException:
            channel = None
        return where_in(guild_id, channel, channel_id, str(message_id))
