"""Moderator and member commands, defined once: parsing, permission check, execution and reply text.

Adapters pass the words after their own prefix (`/footnote auto on`, `@Footnote auto on`, or
`footnote admin auto on` on the CLI) and show the `CommandReply`. Scope: `auto` changes one
channel (the one named, else the current one); every other setting changes the workspace. Without
a workspace (the operator's CLI with no `--workspace`) changes apply to every workspace (`GLOBAL`).
`settings` and `help` are open to everyone; `stats` and `audit` show costs, so moderators only.
"""

from __future__ import annotations

import json
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from pydantic import ValidationError

from bot import errors
from bot.models import LANGUAGE_CODE
from bot.service import messages
from bot.service.policy import (
    ALLOW,
    BLOCK,
    DOMAIN_PREFIX,
    GLOBAL,
    Policy,
    RateLimit,
    domain_key,
    effective_policy,
    normalise_domain,
    utc_day_start,
)
from bot.service.store import Actor, Figures, Store
from bot.service.types import CommandReply, ExplainResult, Where, Who
from bot.web.links import canonical_url

DAY = 86_400.0


# Discord ids are digits; Slack's are letters and digits (C0123ABCD). Names have no digits to show.
_CHANNEL_ID = re.compile(r"[A-Za-z0-9_-]*\d[A-Za-z0-9_-]*")


class BadArguments(Exception):
    """The words after a command's name do not fit its usage."""


@dataclass(frozen=True)
class CommandContext:
    """Everything a command needs, bound to one request."""

    store: Store
    where: Where
    who: Who
    now: float
    defaults: Policy
    explain: Callable[[str], Awaitable[ExplainResult]]

    @property
    def actor(self) -> Actor:
        """The audit log's "who"."""
        return Actor(platform=self.where.platform, user_id=self.who.user_id)

    async def policy(self, channel: str | None = None) -> Policy:
        """The effective settings of a channel (default: the current one)."""
        layers = await self.store.settings_layers(self.where.workspace, channel or self.where.channel)
        return effective_policy(self.defaults, layers)


Handler = Callable[[list[str], CommandContext], Awaitable[CommandReply]]


@dataclass(frozen=True)
class Command:
    """One command: its usage line, what it does, who may run it."""

    name: str
    usage: str
    summary: str
    moderator_only: bool
    run: Handler


def _on_off(word: str) -> bool:
    if word.lower() in ("on", "yes", "true", "enable"):
        return True
    if word.lower() in ("off", "no", "false", "disable"):
        return False
    raise BadArguments


def _number(word: str) -> int:
    if not re.fullmatch(r"\d{1,9}", word.replace(",", "").replace("_", "")):
        raise BadArguments
    return int(word.replace(",", "").replace("_", ""))


def channel_id(word: str) -> str:
    """A channel as typed or as mentioned (`<#123>`, `<#C123|general>`, `#C123`) → its id."""
    return word.strip().removeprefix("<").removesuffix(">").lstrip("#").split("|", 1)[0]


def _show(value: Any) -> str:
    if value is None:
        return "default"
    if isinstance(value, bool):
        return "on" if value else "off"
    if isinstance(value, dict) and {"count", "minutes"} <= value.keys():
        return f"{value['count']} per {value['minutes']} min"
    return str(value)


async def _change(ctx: CommandContext, label: str, key: str, value: Any, channel: str = "") -> CommandReply:
    """Validate, store and audit one setting; the reply says old → new."""
    try:
        Policy.model_validate({**ctx.defaults.model_dump(), key: value})
    except ValidationError as exc:
        raise BadArguments from exc
    old = await ctx.store.change_setting(ctx.where.workspace, channel, key, value, ctx.actor, ctx.now)
    return CommandReply(text=f"Done: {label} is now {_show(value)} (was {_show(old)}).")


def _scope_name(ctx: CommandContext, channel: str = "") -> str:
    if channel:
        return f"<#{channel}>"
    return "every workspace" if ctx.where.workspace == GLOBAL else "this workspace"


def _in_channel(args: list[str], ctx: CommandContext) -> tuple[list[str], str]:
    """Split an optional last word naming a channel (`<#C1|news>`, `#C1`, `here`) off the arguments.

    Returns the other arguments and the channel id, or "" for the whole workspace.
    """
    if not args:
        return args, ""
    last = args[-1]
    if last.lower() != "here" and not last.startswith(("<#", "#")):
        return args, ""
    # The operator's global scope has no channels to override.
    if ctx.where.workspace == GLOBAL:
        raise BadArguments
    return args[:-1], _channel_named(last, ctx)


def _channel_named(word: str, ctx: CommandContext) -> str:
    """The channel id a word names: `here`, a mention (`<#C1|news>`, `<#123>`) or an id (`#C0123`).

    A bare name such as `#news` is refused: settings key on ids, and a name would silently match nothing.
    """
    channel = ctx.where.channel if word.lower() == "here" else channel_id(word)
    if not channel or not _CHANNEL_ID.fullmatch(channel):
        raise BadArguments
    return channel


async def cmd_explain(args: list[str], ctx: CommandContext) -> CommandReply:
    """Explain one link now."""
    if len(args) != 1:
        raise BadArguments
    result = await ctx.explain(args[0].strip("<>"))
    return CommandReply(
        text=result.message or "", ephemeral=result.analysis is None, analysis=result.analysis
    )


def describe_policy(policy: Policy) -> list[str]:
    """The settings as readable lines."""
    return [
        f"Auto-explain in this channel: {_show(policy.auto_explain)}",
        f"📰 reaction requests: {_show(policy.reaction_requests)}",
        f"Links per message: {policy.max_links}",
        f"Reply language: {policy.language} (the OpenAI engine writes in it; the offline engine, English)",
        f"Rate limits: {policy.user_limit.count} per user per {policy.user_limit.minutes} min, "
        f"{policy.channel_limit.count} per channel per {policy.channel_limit.minutes} min",
        f"Daily budget: {policy.budget_requests:,} analyses, {policy.budget_tokens:,} tokens"
        " (resets at midnight UTC)",
        f"Allowed domains: {', '.join(policy.allowed_domains) or 'any'}",
        f"Blocked domains: {', '.join(policy.blocked_domains) or 'none'}",
    ]


async def cmd_settings(args: list[str], ctx: CommandContext) -> CommandReply:
    """Show the effective settings here."""
    return CommandReply(text="\n".join(describe_policy(await ctx.policy())))


async def cmd_auto(args: list[str], ctx: CommandContext) -> CommandReply:
    """Turn automatic explanations on or off for a channel."""
    if len(args) not in (1, 2):
        raise BadArguments
    channel = _channel_named(args[1], ctx) if len(args) == 2 else ctx.where.channel
    if not channel:
        raise BadArguments
    return await _change(ctx, f"auto-explain in <#{channel}>", "auto_explain", _on_off(args[0]), channel)


async def cmd_reactions(args: list[str], ctx: CommandContext) -> CommandReply:
    """Turn 📰 reaction requests on or off, for the workspace or one channel."""
    args, channel = _in_channel(args, ctx)
    if len(args) != 1:
        raise BadArguments
    return await _change(
        ctx,
        f"📰 reaction requests in {_scope_name(ctx, channel)}",
        "reaction_requests",
        _on_off(args[0]),
        channel,
    )


async def cmd_domains(args: list[str], ctx: CommandContext) -> CommandReply:
    """Allow, block or un-list one domain (for the workspace or one channel), or list the rules."""
    args, channel = _in_channel(args, ctx)
    action = args[0].lower() if args else ""
    if action == "list" and len(args) == 1:
        policy = await ctx.policy(channel or None)
        return CommandReply(text="\n".join(describe_policy(policy)[-2:]))
    if len(args) != 2 or action not in ("allow", "block", "remove"):
        raise BadArguments
    domain = normalise_domain(args[1])
    if "." not in domain:
        raise BadArguments
    rule = {"allow": ALLOW, "block": BLOCK, "remove": None}[action]
    old = await ctx.store.change_setting(
        ctx.where.workspace, channel, domain_key(domain), rule, ctx.actor, ctx.now
    )
    where = f" in {_scope_name(ctx, channel)}" if channel else ""
    return CommandReply(text=f"Done: {domain} is now {rule or 'unlisted'}{where} (was {old or 'unlisted'}).")


async def cmd_limits(args: list[str], ctx: CommandContext) -> CommandReply:
    """Set the per-user, per-channel or links-per-message limits, for the workspace or one channel."""
    args, channel = _in_channel(args, ctx)
    scope = args[0].lower() if args else ""
    in_scope = _scope_name(ctx, channel)
    if len(args) == 2 and scope == "links":
        return await _change(ctx, f"links per message in {in_scope}", "max_links", _number(args[1]), channel)
    if len(args) != 3 or scope not in ("user", "channel"):
        raise BadArguments
    try:
        limit = RateLimit(count=_number(args[1]), minutes=_number(args[2]))
    except ValidationError as exc:
        raise BadArguments from exc
    label = f"the per-{scope} limit in {in_scope}"
    return await _change(ctx, label, f"{scope}_limit", limit.model_dump(), channel)


async def cmd_budget(args: list[str], ctx: CommandContext) -> CommandReply:
    """Set the daily analysis budget (requests or tokens)."""
    kind = args[0].lower() if args else ""
    if len(args) != 2 or kind not in ("requests", "tokens"):
        raise BadArguments
    return await _change(ctx, f"the daily {kind} budget", f"budget_{kind}", _number(args[1]))


async def cmd_language(args: list[str], ctx: CommandContext) -> CommandReply:
    """Set the reply language (a language code such as en, de, pt-br), for the workspace or one channel."""
    args, channel = _in_channel(args, ctx)
    if len(args) != 1 or not LANGUAGE_CODE.fullmatch(args[0].lower()):
        raise BadArguments
    label = f"the reply language in {_scope_name(ctx, channel)}"
    return await _change(ctx, label, "language", args[0].lower(), channel)


def _figures_line(label: str, figures: Figures) -> str:
    fallbacks = (
        ", ".join(f"{reason} {count}" for reason, count in sorted(figures.fallbacks.items())) or "none"
    )
    return (
        f"{label}: {figures.analyses:,} analyses, {figures.cache_hits:,} cache hits, "
        f"{figures.failures:,} failures, {figures.tokens:,} tokens (≈ ${figures.cost_usd:,.2f}), "
        f"fallbacks: {fallbacks}; "
        f"feedback 👍 {figures.thumbs_up} · 👎 {figures.thumbs_down}"
    )


async def cmd_stats(args: list[str], ctx: CommandContext) -> CommandReply:
    """Usage today and over the last 30 days."""
    workspace = None if ctx.where.workspace == GLOBAL else ctx.where.workspace
    today = await ctx.store.figures(workspace, utc_day_start(ctx.now))
    month = await ctx.store.figures(workspace, ctx.now - 30 * DAY)
    return CommandReply(text=f"{_figures_line('Today (UTC)', today)}\n{_figures_line('Last 30 days', month)}")


async def cmd_forget(args: list[str], ctx: CommandContext) -> CommandReply:
    """Drop a link's cached analysis, so the next request reads it afresh."""
    if len(args) != 1:
        raise BadArguments
    try:
        url = canonical_url(args[0].strip("<>"))
    except errors.FootnoteError as exc:
        return CommandReply(text=exc.message)
    dropped = await ctx.store.forget(url, ctx.where.workspace, ctx.actor, ctx.now)
    return CommandReply(
        text=f"Forgot {dropped} cached analysis of that link." if dropped else "That link wasn't cached."
    )


async def cmd_audit(args: list[str], ctx: CommandContext) -> CommandReply:
    """The latest setting changes: who changed what, when, old → new."""
    limit = _number(args[0]) if args else 10
    if len(args) > 1:
        raise BadArguments
    workspace = None if ctx.where.workspace == GLOBAL else ctx.where.workspace
    entries = await ctx.store.audit_log(workspace, min(limit, 100))
    lines = [
        f"{datetime.fromtimestamp(e.at, UTC):%Y-%m-%d %H:%M} UTC · {e.platform}:{e.user_id} · {e.key}"
        f"{f' (channel {e.channel})' if e.channel else ''}: "
        f"{_audit_value(e.key, e.old)} → {_audit_value(e.key, e.new)}"
        for e in entries
    ]
    return CommandReply(text="\n".join(lines) or "No changes yet.")


def _audit_value(key: str, stored: str | None) -> str:
    """An audited value as people read it; an absent one means the key was unset."""
    if stored is not None:
        return _show(json.loads(stored))
    if key.startswith(DOMAIN_PREFIX):
        return "unlisted"
    return "forgotten" if key.startswith("cache:") else "default"


async def cmd_help(args: list[str], ctx: CommandContext) -> CommandReply:
    """List the commands."""
    return CommandReply(text=help_text(ctx.who.is_moderator))


COMMANDS: dict[str, Command] = {
    c.name: c
    for c in (
        Command("explain", "explain <url>", "explain one link now", False, cmd_explain),
        Command("settings", "settings", "show the settings here", False, cmd_settings),
        Command(
            "auto", "auto on|off [channel]", "explain every link in a channel automatically", True, cmd_auto
        ),
        Command(
            "reactions",
            "reactions on|off [#channel]",
            "let members ask with a 📰 reaction",
            True,
            cmd_reactions,
        ),
        Command(
            "domains",
            "domains allow|block|remove|list [domain] [#channel]",
            "choose which sites are explained",
            True,
            cmd_domains,
        ),
        Command(
            "limits",
            "limits user N MINUTES | limits channel N MINUTES | limits links N, each [#channel]",
            "rate limits and links per message",
            True,
            cmd_limits,
        ),
        Command(
            "budget", "budget requests N | budget tokens N", "the daily analysis budget", True, cmd_budget
        ),
        Command("language", "language xx [#channel]", "the reply language", True, cmd_language),
        Command("stats", "stats", "analyses, cache hits, tokens, fallbacks, feedback", True, cmd_stats),
        Command("forget", "forget <url>", "drop a link's cached analysis", True, cmd_forget),
        Command("audit", "audit [N]", "the latest setting changes", True, cmd_audit),
        Command("help", "help", "this list", False, cmd_help),
    )
}


def help_text(is_moderator: bool) -> str:
    """Every command with what it does; moderator-only ones marked for members."""
    lines = ["Footnote commands:"]
    for command in COMMANDS.values():
        marker = " (moderators)" if command.moderator_only and not is_moderator else ""
        lines.append(f"• `{command.usage}` — {command.summary}{marker}")
    return "\n".join(lines)


def parse(text: str) -> tuple[str, list[str]]:
    """`/footnote limits user 5 10` → ("limits", ["user", "5", "10"]); the prefix is optional."""
    words = text.split()
    if words and words[0].lower().lstrip("/") == "footnote":
        words = words[1:]
    if not words:
        return "help", []
    return words[0].lower().lstrip("/"), words[1:]  # arguments keep their case: URLs and Slack ids need it


async def run_command(text: str, ctx: CommandContext) -> CommandReply:
    """Parse, check permission, execute; unknown commands get the help text."""
    name, args = parse(text)
    command = COMMANDS.get(name)
    if command is None:
        return CommandReply(text=help_text(ctx.who.is_moderator), done=False)
    if command.moderator_only and not ctx.who.is_moderator:
        return CommandReply(text=messages.not_moderator(), done=False)
    try:
        return await command.run(args, ctx)
    except BadArguments:
        return CommandReply(text=f"Usage: `{command.usage}`", done=False)
