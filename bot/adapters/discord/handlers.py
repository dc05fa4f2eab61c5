"""Discord events → service calls → Discord messages: auto mode, 📰 requests, edits and answer buttons.

Handlers take discord.py objects (or anything shaped like them) and never decide policy: which
links count, whether a channel is in auto mode and what a refusal says all come from the service.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any, Literal

import discord

from bot.adapters.discord.embeds import (
    render_all,
    render_answer,
    render_article_text,
    render_notice,
    render_text,
)
from bot.adapters.discord.permissions import (
    is_thread,
    where_of,
    where_of_interaction,
    who_of,
    who_of_interaction,
)
from bot.adapters.discord.safety import clip
from bot.adapters.discord.views import answer_view
from bot.adapters.explain_flow import DONE, PROBLEM, WORKING, PostFailed, explain_message
from bot.adapters.trial_flow import read_quietly
from bot.service import messages
from bot.service.types import ChannelView, ExplainResult, PostedReply, Service, Where, Who

log = logging.getLogger("footnote.discord")

FetchMessage = Callable[[int, int], Awaitable[Any]]  # (channel id, message id) → message

WORKING_MARK, DONE_MARK, PROBLEM_MARK = "⏳", "✅", "⚠️"
NO_MENTIONS = discord.AllowedMentions.none()
HUMAN_MESSAGE_TYPES = frozenset({discord.MessageType.default, discord.MessageType.reply})
THREAD_NAME_LIMIT = 100
THREAD_ARCHIVE_MINUTES = 1440
THREAD_ALREADY_EXISTS = 160004  # Discord's error code when a message already has a thread
VARIATION_SELECTOR = "\ufe0f"  # some clients add it to emoji; 📰 and 📰️ are the same request
SHOW_ALL_PAGES = 5  # follow-ups at most, so one click can never flood


class Handlers:
    """The message, edit and reaction handlers, bound to one service and the bot's own user id."""

    def __init__(self, service: Service, bot_user_id: int, request_emoji: str = "📰") -> None:
        self.service = service
        self.bot_user_id = bot_user_id
        self.request_emoji = request_emoji.replace(VARIATION_SELECTOR, "")

    def is_member_message(self, message: Any) -> bool:
        """A guild message a person wrote: not a bot, a webhook, this bot or a system message."""
        return (
            message.guild is not None
            and not message.author.bot
            and message.webhook_id is None
            and message.author.id != self.bot_user_id
            and message.type in HUMAN_MESSAGE_TYPES
        )

    async def on_message(self, message: Any) -> None:
        """Auto mode: explain a new message's article links if moderators enabled this channel."""
        if not self.is_member_message(message):
            return
        if await self.ask_in_thread(message):
            return
        where = where_of(message)
        view = await self.service.channel(where)
        if not (view.auto_explain or view.trial):
            return
        links = await self.service.links_to_explain(message.content, where)
        if links:
            await self._answer_or_read(view, message, links, who_of(message.author))

    async def ask_in_thread(self, message: Any) -> bool:
        """A member's question to the bot in a Footnote thread, answered from its article (`ask.py`)."""
        from bot.adapters.discord.ask import ask_in_thread  # it imports this module

        return await ask_in_thread(self.service, message, self.bot_user_id)

    async def on_message_edit(self, before: Any | None, after: Any) -> None:
        """Auto mode for edits: only links the edit added (link previews also fire edits).

        `before` is None when the message was not cached: links not answered yet count as added (the
        claims keep each link of a message answered once, however often it is edited)."""
        if (before is not None and before.content == after.content) or not self.is_member_message(after):
            return
        where = where_of(after)
        view = await self.service.channel(where)
        if not (view.auto_explain or view.trial):
            return
        if before is None:
            old = {answer.url for answer in await self.service.answers_to(where)}
        else:
            old = set(await self.service.links_to_explain(before.content, where))
        added = [
            link for link in await self.service.links_to_explain(after.content, where) if link not in old
        ]
        if added:
            await self._answer_or_read(view, after, added, who_of(after.author))

    async def _answer_or_read(self, view: ChannelView, message: Any, links: list[str], who: Who) -> None:
        """Auto mode answers in the message's thread; trial mode only reads and records (posts nothing)."""
        if view.trial:
            await read_quietly(self.service, where_of(message), links, who)
        else:
            await self.explain_message(message, links, who)

    async def on_raw_reaction_add(self, payload: Any, fetch_message: FetchMessage) -> None:
        """A reaction anywhere: if it is a member's request emoji, fetch the message and explain it.

        Raw events arrive for messages that are not cached, so older messages can be requested too.
        """
        if payload.guild_id is None or payload.user_id == self.bot_user_id:
            return
        if str(payload.emoji).replace(VARIATION_SELECTOR, "") != self.request_emoji:
            return
        if payload.member is None or payload.member.bot:
            return
        try:
            message = await fetch_message(payload.channel_id, payload.message_id)
        except discord.HTTPException as exc:
            log.info("couldn't fetch message %s for a request (HTTP %s)", payload.message_id, exc.status)
            return
        await self.on_reaction_request(message, payload.member)

    async def on_reaction_request(self, message: Any, member: Any) -> None:
        """A member reacted with the request emoji: explain the message's links wherever it is."""
        if message.guild is None or message.author.id == self.bot_user_id or getattr(member, "bot", False):
            return
        where = where_of(message)
        if not (await self.service.channel(where)).reaction_requests:
            return
        links = await self.service.links_to_explain(message.content, where)
        if links:
            await self.explain_message(message, links, who_of(member))

    async def explain_message(self, message: Any, links: list[str], who: Who) -> bool:
        """⏳ at once, one answer per link in the message's thread, then ✅ or ⚠️ in place of ⏳.

        Returns whether anything was posted (nothing is when every link was already claimed).
        """
        place = DiscordPlace(message, self.bot_user_id)
        return await explain_message(self.service, place, where_of(message), links, who)


class DiscordPlace:
    """A message's reactions and its thread (created on the first post), for the shared explain flow."""

    MARKS = {WORKING: WORKING_MARK, DONE: DONE_MARK, PROBLEM: PROBLEM_MARK}

    def __init__(self, message: Any, bot_user_id: int) -> None:
        self.message = message
        self.bot_user_id = bot_user_id
        self.place: Any = None
        self.opened_thread = False  # the bot created the thread it answers in

    async def add_mark(self, mark: str) -> bool:
        """Add a reaction; False when Discord refused it."""
        try:
            await self.message.add_reaction(self.MARKS[mark])
        except discord.HTTPException as exc:
            log.debug("couldn't react %s on message %s (HTTP %s)", mark, self.message.id, exc.status)
            return False
        return True

    async def remove_mark(self, mark: str) -> None:
        """Take our reaction away (best effort)."""
        try:
            await self.message.remove_reaction(self.MARKS[mark], discord.Object(id=self.bot_user_id))
        except discord.HTTPException as exc:
            log.debug("couldn't remove %s on message %s (HTTP %s)", mark, self.message.id, exc.status)

    async def posted_before(self, link: str) -> bool:
        """Discord never redelivers a message event: nothing to look up."""
        return False

    async def post(self, result: ExplainResult, who: Who) -> Any:
        """Send one result in the message's thread; message events have no private replies on Discord."""
        try:
            if self.place is None:
                self.place = await self._thread_for(result)
            if result.analysis is None:
                return await self.place.send(render_notice(result), allowed_mentions=NO_MENTIONS)
            answer = render_answer(result.analysis, result.link)
            return await self.place.send(
                embeds=answer.embeds, view=answer_view(answer.more), allowed_mentions=NO_MENTIONS
            )
        except discord.HTTPException as exc:
            raise PostFailed(f"HTTP {exc.status}, code {exc.code}") from exc

    async def permalink(self, sent: Any) -> str | None:
        """The sent answer's jump URL."""
        return getattr(sent, "jump_url", None)

    def posted(self, sent: Any, permalink: str | None) -> PostedReply | None:
        """The sent message and the thread (or channel) it is in, for answers that follow the message."""
        if self.place is None:
            return None
        return PostedReply(
            reply_id=str(sent.id),
            thread_id=str(self.place.id),
            created_thread=self.opened_thread,
            permalink=permalink,
        )

    async def _thread_for(self, result: ExplainResult) -> Any:
        """The message's own thread (created once), or the channel when threads are not possible."""
        message = self.message
        channel = message.channel
        if is_thread(channel):
            return channel
        if message.thread is not None:
            return message.thread
        title = result.analysis.article.title if result.analysis else ""
        name = clip(" ".join(title.split()) or "Footnote", THREAD_NAME_LIMIT)
        try:
            thread = await message.create_thread(name=name, auto_archive_duration=THREAD_ARCHIVE_MINUTES)
            self.opened_thread = True
            return thread
        except discord.HTTPException as exc:
            if exc.code == THREAD_ALREADY_EXISTS:
                try:
                    return await message.fetch_thread()
                except discord.HTTPException:
                    pass
            log.warning("no thread on message %s (HTTP %s); answering in the channel", message.id, exc.status)
            return channel


def answer_link(message: Any) -> str | None:
    """The link an answer is about: the URL of its first embed (set by `render_answer`)."""
    embeds = getattr(message, "embeds", None) or []
    return embeds[0].url if embeds and embeds[0].url else None


async def on_button(action: str, interaction: Any, service: Service) -> None:
    """👍/👎 record feedback, "What I read" shows the text, "Show all" pages through every item."""
    link = answer_link(interaction.message)
    if link is None:
        await _tell(interaction, "This answer has no link I can look up any more.")
        return
    where, who = where_of_interaction(interaction), who_of_interaction(interaction)
    if action in ("up", "down"):
        vote: Literal[1, -1] = 1 if action == "up" else -1
        await _tell(interaction, await service.feedback(where, who, link, vote))
    elif action == "read":
        text = await service.article_text(link)
        if not text:
            await _tell(
                interaction, "I no longer have the text of that article; ask again to read it afresh."
            )
            return
        embed = render_article_text(text, link)
        await interaction.response.send_message(embed=embed, ephemeral=True, allowed_mentions=NO_MENTIONS)
    elif action == "all":
        await show_all(interaction, service, link, where)


async def show_all(interaction: Any, service: Service, link: str, where: Where) -> None:
    """Every statement and legal note of an answer, shown only to the person who asked."""
    await interaction.response.defer(ephemeral=True, thinking=True)
    analysis = await service.cached_analysis(link, where)
    if analysis is None:
        text = "I no longer have that analysis; ask me again with `/explain` to see it afresh."
        await interaction.followup.send(text, ephemeral=True, allowed_mentions=NO_MENTIONS)
        return
    pages = render_all(analysis, link)
    for page in pages[:SHOW_ALL_PAGES]:
        await interaction.followup.send(embeds=page, ephemeral=True, allowed_mentions=NO_MENTIONS)
    if len(pages) > SHOW_ALL_PAGES:
        text = f"That's the first {SHOW_ALL_PAGES} of {len(pages)} pages; the rest doesn't fit here."
        await interaction.followup.send(text, ephemeral=True, allowed_mentions=NO_MENTIONS)


async def tell_failure(interaction: Any) -> None:
    """Say sorry privately for a click or command that failed; never raises, the failure is logged already."""
    text = messages.unexpected_failure()
    try:
        if interaction.response.is_done():
            await interaction.followup.send(text, ephemeral=True, allowed_mentions=NO_MENTIONS)
        else:
            await interaction.response.send_message(text, ephemeral=True, allowed_mentions=NO_MENTIONS)
    except Exception:  # expired token, a racing response, the network: the sorry is best effort
        log.warning("couldn't tell the user an interaction failed", exc_info=True)


async def _tell(interaction: Any, text: str) -> None:
    """An ephemeral one-liner in answer to a click."""
    await interaction.response.send_message(render_text(text), ephemeral=True, allowed_mentions=NO_MENTIONS)
