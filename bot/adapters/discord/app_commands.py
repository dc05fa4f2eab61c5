"""Slash commands: `/explain` for everyone, `/footnote …` for moderators, and the "Explain links" menu.

The `/footnote` subcommands only assemble the service's text commands (`auto on 123`,
`domains block x.com`); parsing, validation and replies live in `bot.service.commands`.
Discord hides `/footnote` from members without Manage Server (`default_permissions`), and the
adapter refuses moderator-only commands again here, because server admins can override that.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any, Literal

import discord
from discord import app_commands

from bot.adapters.discord.ask import ask_command, ask_text
from bot.adapters.discord.embeds import render_answer, render_notice, render_reply_pages
from bot.adapters.discord.handlers import Handlers, tell_failure
from bot.adapters.discord.permissions import where_of, where_of_interaction, who_of_interaction
from bot.adapters.discord.views import answer_view
from bot.service import messages
from bot.service.commands import COMMANDS
from bot.service.types import Service

log = logging.getLogger("footnote.discord")

NO_MENTIONS = discord.AllowedMentions.none()
MODERATORS = discord.Permissions(manage_guild=True)
OnOff = Literal["on", "off"]


async def explain_command(interaction: Any, service: Service, url: str, private: bool = False) -> None:
    """`/explain url [private]`: deferred at once (analyses take longer than 3 s), answered by follow-up.

    Refusals and failures are shown only to the asker, even when the answer would have been public.
    `/explain ask <question>` in a Footnote thread asks about its article instead (`ask.py`).
    """
    question = ask_text(url)
    if question is not None:
        await ask_command(interaction, service, question)
        return
    await interaction.response.defer(thinking=True, ephemeral=private)
    where = where_of_interaction(interaction, message_id=f"interaction:{interaction.id}")
    try:
        found = await service.links_to_explain(url, where)
        # A link the channel filters out still goes to `explain`, whose refusal says why.
        result = await service.explain(
            found[0] if found else url.strip().strip("<>"), where, who_of_interaction(interaction)
        )
    except Exception:
        log.exception("/explain failed")
        await _tell_privately(interaction, private, content=messages.unexpected_failure())
        return
    if result.analysis is None:
        await _tell_privately(interaction, private, content=render_notice(result))
        return
    answer = render_answer(result.analysis, result.link)
    sent = await interaction.followup.send(
        embeds=answer.embeds,
        view=answer_view(answer.more),
        ephemeral=private,
        allowed_mentions=NO_MENTIONS,
        wait=True,
    )
    if not private:
        await service.remember_reply(where, result.link, sent.jump_url)


async def _tell_privately(interaction: Any, private: bool, **message: Any) -> None:
    """A notice only the asker sees, in place of a deferred `/explain` answer."""
    if not private:
        # The first follow-up takes over the deferred "thinking…" message and keeps its
        # visibility, so a public defer is removed first to let the notice be private.
        await interaction.delete_original_response()
    await interaction.followup.send(**message, ephemeral=True, allowed_mentions=NO_MENTIONS)


async def footnote_command(interaction: Any, service: Service, text: str) -> None:
    """One `/footnote …` subcommand, run as the service's text command and answered privately."""
    who = who_of_interaction(interaction)
    command = COMMANDS.get(text.split()[0])
    if command is not None and command.moderator_only and not who.is_moderator:
        await interaction.response.send_message(
            command.refusal or messages.not_moderator(), ephemeral=True, allowed_mentions=NO_MENTIONS
        )
        return
    await interaction.response.defer(thinking=True, ephemeral=True)
    reply = await service.command(text, where_of_interaction(interaction), who)
    for page in render_reply_pages(reply.text):
        await interaction.followup.send(page, ephemeral=reply.ephemeral, allowed_mentions=NO_MENTIONS)


async def explain_links_menu(interaction: Any, handlers: Handlers, message: Any) -> None:
    """The "Explain links" message menu: like a 📰 request, and it works even where reactions are off."""
    await interaction.response.defer(thinking=True, ephemeral=True)
    links = await handlers.service.links_to_explain(message.content, where_of(message))
    if not links:
        text = "I found no article links in that message."
    elif message.guild is None:
        text = "I can only explain messages in a server channel; try `/explain` with the link."
    else:
        posted = await handlers.explain_message(message, links, who_of_interaction(interaction))
        text = (
            "Done — the answer is in the message's thread."
            if posted
            else "Those links were already explained."
        )
    await interaction.followup.send(text, ephemeral=True, allowed_mentions=NO_MENTIONS)


def _only_in(channel: Any) -> str:
    """The words that limit a setting to one channel, or none for the whole server."""
    return f" <#{channel.id}>" if channel is not None else ""


def _footnote_group() -> app_commands.Group:
    group = app_commands.Group(
        name="footnote",
        description="Footnote's settings for this server",
        guild_only=True,
        default_permissions=MODERATORS,
    )

    async def run(interaction: discord.Interaction[Any], text: str) -> None:
        client = interaction.client
        await client.run_interaction(interaction, footnote_command(interaction, client.service, text))

    @group.command(name="settings", description="Show the settings that apply in this channel")
    async def settings_(interaction: discord.Interaction[Any]) -> None:
        await run(interaction, "settings")

    @group.command(name="auto", description="Explain every article link in a channel automatically")
    @app_commands.describe(
        state="on, off, or trial (read every link, post nothing; see /footnote trial report)",
        channel="the channel (default: this one)",
    )
    async def auto(
        interaction: discord.Interaction[Any],
        state: Literal["on", "off", "trial"],
        channel: discord.TextChannel | None = None,
    ) -> None:
        await run(interaction, f"auto {state} {channel.id}" if channel else f"auto {state}")

    @group.command(name="reactions", description="Let members ask for an explanation with a 📰 reaction")
    @app_commands.describe(state="on or off", channel="only in this channel (default: the whole server)")
    async def reactions(
        interaction: discord.Interaction[Any], state: OnOff, channel: discord.TextChannel | None = None
    ) -> None:
        await run(interaction, f"reactions {state}{_only_in(channel)}")

    @group.command(name="domains", description="Choose which sites are explained")
    @app_commands.describe(
        action="what to do with the domain",
        domain="e.g. example.com (not needed for list)",
        channel="only in this channel (default: the whole server)",
    )
    async def domains(
        interaction: discord.Interaction[Any],
        action: Literal["allow", "block", "remove", "list"],
        domain: str | None = None,
        channel: discord.TextChannel | None = None,
    ) -> None:
        words = f"domains {action} {domain}" if domain else f"domains {action}"
        await run(interaction, words + _only_in(channel))

    @group.command(name="limits", description="Rate limits per user or channel, or links per message")
    @app_commands.describe(
        scope="per user, per channel, or links per message",
        count="explanations (or links per message)",
        minutes="the window, for user/channel",
        channel="only in this channel (default: the whole server)",
    )
    async def limits(
        interaction: discord.Interaction[Any],
        scope: Literal["user", "channel", "links"],
        count: app_commands.Range[int, 1, 10_000],
        minutes: app_commands.Range[int, 1, 1440] | None = None,
        channel: discord.TextChannel | None = None,
    ) -> None:
        words = f"limits {scope} {count} {minutes}" if minutes else f"limits {scope} {count}"
        await run(interaction, words + _only_in(channel))

    @group.command(name="budget", description="The daily analysis budget")
    @app_commands.describe(kind="count analyses or tokens", amount="the most per day (UTC)")
    async def budget(
        interaction: discord.Interaction[Any],
        kind: Literal["requests", "tokens"],
        amount: app_commands.Range[int, 0, 1_000_000_000],
    ) -> None:
        await run(interaction, f"budget {kind} {amount}")

    @group.command(name="language", description="The reply language (en, de, pt-br, ...)")
    @app_commands.describe(
        code="a language code such as en, de or pt-br",
        channel="only in this channel (default: the whole server)",
    )
    async def language(
        interaction: discord.Interaction[Any],
        code: app_commands.Range[str, 2, 8],
        channel: discord.TextChannel | None = None,
    ) -> None:
        await run(interaction, f"language {code}{_only_in(channel)}")

    @group.command(name="stats", description="Analyses, cache hits, tokens, refusals, fallbacks and feedback")
    async def stats(interaction: discord.Interaction[Any]) -> None:
        await run(interaction, "stats")

    group.add_command(_trial_group(run))

    @group.command(name="forget", description="Drop a link's cached analysis so it is read afresh")
    @app_commands.describe(url="the article's link")
    async def forget(interaction: discord.Interaction[Any], url: str) -> None:
        await run(interaction, f"forget {url}")

    @group.command(name="audit", description="The latest setting changes: who, what, when")
    @app_commands.describe(count="how many changes to show")
    async def audit(
        interaction: discord.Interaction[Any], count: app_commands.Range[int, 1, 100] = 10
    ) -> None:
        await run(interaction, f"audit {count}")

    @group.command(name="help", description="What Footnote can do and how to set it up")
    async def help_(interaction: discord.Interaction[Any]) -> None:
        await run(interaction, "help")

    return group


def _trial_group(run: Callable[[discord.Interaction[Any], str], Awaitable[None]]) -> app_commands.Group:
    """`/footnote trial report [days] [channel]`: what trial mode would have posted, privately."""
    trial = app_commands.Group(name="trial", description="Trial mode: what auto mode would have posted")

    @trial.command(name="report", description="What trial mode would have posted, with counts and cost")
    @app_commands.describe(
        days="how many days back (default: the last 24 hours)", channel="only this channel (default: all)"
    )
    async def report(
        interaction: discord.Interaction[Any],
        days: app_commands.Range[int, 1, 30] = 1,
        channel: discord.TextChannel | None = None,
    ) -> None:
        await run(interaction, f"trial report {days}{_only_in(channel)}")

    return trial


async def _explain(interaction: discord.Interaction[Any], url: str, private: bool = False) -> None:
    client = interaction.client
    await client.run_interaction(interaction, explain_command(interaction, client.service, url, private))


async def _explain_links(interaction: discord.Interaction[Any], message: discord.Message) -> None:
    client = interaction.client
    await client.run_interaction(interaction, explain_links_menu(interaction, client.handlers, message))


async def _on_error(interaction: discord.Interaction[Any], error: app_commands.AppCommandError) -> None:
    """Log the failure and tell the person in one line; never a stack trace in chat."""
    log.error("command %s failed", interaction.command.name if interaction.command else "?", exc_info=error)
    await tell_failure(interaction)


def build_tree(client: discord.Client) -> app_commands.CommandTree[Any]:
    """Every command the bot offers, on one tree (also what `footnote discord sync` registers)."""
    tree: app_commands.CommandTree[Any] = app_commands.CommandTree(client)
    explain = app_commands.Command(
        name="explain",
        description="Explain a news link: summary, fact/claim/opinion, legal context",
        callback=_explain,
    )
    app_commands.describe(
        url="the article's link (or, in the thread of an answer: ask <your question>)",
        private="show the answer only to you",
    )(explain)
    tree.add_command(explain)
    tree.add_command(_footnote_group())
    tree.add_command(app_commands.ContextMenu(name="Explain links", callback=_explain_links))
    tree.on_error = _on_error
    return tree
