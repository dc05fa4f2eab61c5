"""The discord.py client: intents, the command tree, persistent buttons and event wiring.

Every event goes to `Handlers` inside `_guarded`, so one failing message is logged and the
gateway loop carries on.
"""

from __future__ import annotations

import logging
from collections.abc import Coroutine
from typing import Any

import discord

from bot.adapters.activity import Activity
from bot.adapters.discord.app_commands import build_tree
from bot.adapters.discord.follow import FollowHandlers
from bot.adapters.discord.handlers import Handlers, on_button, tell_failure
from bot.adapters.discord.views import AnswerButton
from bot.config import Settings
from bot.service import messages
from bot.service.types import Service

log = logging.getLogger("footnote.discord")


def network_errors_in_one_line(record: logging.LogRecord) -> bool:
    """Logging filter: discord.py logs a reconnect with a traceback; a network failure needs one line."""
    from bot.doctor.network import network_problem

    if record.exc_info and record.exc_info[1] is not None:
        line = network_problem(record.exc_info[1])
        if line is not None:
            record.msg, record.args = f"{record.getMessage()}: {line}", None
            record.exc_info = record.exc_text = None
    return True


def intents(message_content: bool) -> discord.Intents:
    """Guilds, guild messages and reactions, plus Message Content when the portal grants it."""
    chosen = discord.Intents.default()  # guilds, messages, reactions; no members or presences
    chosen.message_content = message_content
    return chosen


def shard_of(guild_id: int | None, shard_count: int) -> int:
    """The shard Discord sends a guild's events to (direct messages go to shard 0)."""
    return 0 if guild_id is None else (guild_id >> 22) % shard_count


class FootnoteClient(discord.AutoShardedClient):
    """Footnote on Discord; `service` is None only for `footnote discord sync`, which handles no events.

    Runs the shards `FOOTNOTE_DISCORD_SHARD_IDS` names (all of them by default) in this process.
    """

    def __init__(self, settings: Settings, service: Service | None, *, message_content: bool = True) -> None:
        if settings.discord_api_url:  # a proxy, or a loopback fake in tests; discord.py keeps it class-wide
            discord.http.Route.BASE = settings.discord_api_url.rstrip("/")
        super().__init__(
            intents=intents(message_content),
            allowed_mentions=discord.AllowedMentions.none(),
            shard_count=settings.discord_shard_count,
            shard_ids=settings.discord_shard_id_list(),
        )
        for name in ("discord.client", "discord.gateway"):
            if network_errors_in_one_line not in logging.getLogger(name).filters:
                logging.getLogger(name).addFilter(network_errors_in_one_line)
        self.settings = settings
        self.service = service
        self.handlers: Handlers | None = None
        self.follow: FollowHandlers | None = None
        self.tree = build_tree(self)
        self.handler_runs = Activity()  # not `activity`: discord.Client uses that for presence
        self.stopping = False  # set on shutdown: new events are ignored, running ones finish

    async def setup_hook(self) -> None:
        """After login, before the gateway: bind the handlers to our own user id, restore the buttons."""
        assert self.user is not None
        if self.service is not None:
            self.handlers = Handlers(self.service, self.user.id, self.settings.discord_request_emoji)
            self.follow = FollowHandlers(
                self.service, self.user.id, self.channel_by_id, reads_content=self.intents.message_content
            )
        self.add_dynamic_items(AnswerButton)

    async def on_ready(self) -> None:
        """Say who we are and what we can do with the intents we got."""
        log.info(
            "connected to Discord as %s (id %s) in %d servers",
            self.user,
            self.user and self.user.id,
            len(self.guilds),
        )
        if not self.intents.message_content:
            log.warning(
                "running without the Message Content intent: slash commands and the 'Explain links' menu "
                "work, but auto mode and %s requests cannot read messages. Enable it in the Developer Portal "
                "(Bot → Privileged Gateway Intents → Message Content) and restart.",
                self.settings.discord_request_emoji,
            )

    def handles(self, guild_id: int | None) -> bool:
        """Whether this process runs the shard of a guild (the gateway sends only those; this holds
        even when events reach the handlers some other way)."""
        ids = self.settings.discord_shard_id_list()
        count = self.settings.discord_shard_count
        return ids is None or count is None or shard_of(guild_id, count) in ids

    async def _guarded(
        self, event: str, work: Coroutine[Any, Any, None], guild_id: int | None = None
    ) -> None:
        if self.stopping or not self.handles(guild_id):
            work.close()
            return
        async with self.handler_runs.track():
            try:
                await work
            except Exception:
                log.exception("the %s handler failed", event)

    async def run_interaction(self, interaction: Any, work: Coroutine[Any, Any, None]) -> None:
        """A slash command, menu or button, counted like an event: refused while stopping, drained after."""
        if self.stopping:
            work.close()
            await interaction.response.send_message(
                messages.shutting_down(), ephemeral=True, allowed_mentions=discord.AllowedMentions.none()
            )
            return
        async with self.handler_runs.track():
            await work

    async def stop(self, drain_seconds: float) -> None:
        """Take no new events, give answers being written up to `drain_seconds` (then cancel them, which
        releases their claims), then disconnect."""
        self.stopping = True
        await self.handler_runs.drain(drain_seconds)
        await self.close()

    async def on_message(self, message: discord.Message) -> None:
        if self.handlers:
            await self._guarded("message", self.handlers.on_message(message), _guild_of(message))

    async def on_raw_message_edit(self, payload: discord.RawMessageUpdateEvent) -> None:
        # Raw, so edits of messages the cache no longer holds count too: links edited away take their
        # answers down (`follow`), links edited in are explained once.
        if self.handlers and self.follow:
            follow, handlers = self.follow, self.handlers

            async def edited() -> None:
                await follow.on_raw_message_edit(payload)
                await handlers.on_message_edit(payload.cached_message, payload.message)

            await self._guarded("edit", edited(), payload.guild_id)

    async def on_raw_message_delete(self, payload: discord.RawMessageDeleteEvent) -> None:
        if self.follow:
            await self._guarded("delete", self.follow.on_raw_message_delete(payload), payload.guild_id)

    async def on_raw_bulk_message_delete(self, payload: discord.RawBulkMessageDeleteEvent) -> None:
        if self.follow:
            await self._guarded("purge", self.follow.on_raw_bulk_message_delete(payload), payload.guild_id)

    async def channel_by_id(self, channel_id: int) -> Any:
        """A channel or thread by id, from the cache when possible."""
        return self.get_channel(channel_id) or await self.fetch_channel(channel_id)

    async def on_raw_reaction_add(self, payload: discord.RawReactionActionEvent) -> None:
        if self.handlers:
            await self._guarded(
                "reaction", self.handlers.on_raw_reaction_add(payload, self.fetch_message), payload.guild_id
            )

    async def fetch_message(self, channel_id: int, message_id: int) -> discord.Message:
        """A message by id, from the channel cache when possible."""
        channel: Any = self.get_channel(channel_id) or await self.fetch_channel(channel_id)
        return await channel.fetch_message(message_id)

    async def on_answer_button(self, action: str, interaction: discord.Interaction[Any]) -> None:
        """Called by `AnswerButton` for 👍/👎/"What I read"/"Show all"; a failure gets a private sorry."""
        if self.service is None:
            return
        try:
            await self.run_interaction(interaction, on_button(action, interaction, self.service))
        except Exception:
            log.exception("the %s button handler failed", action)
            await tell_failure(interaction)


def _guild_of(message: discord.Message) -> int | None:
    return message.guild.id if message.guild is not None else None
