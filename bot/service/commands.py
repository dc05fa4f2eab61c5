"""Moderator and member commands, defined once: parsing, permission check, execution and reply text.

Adapters pass the words after their own prefix (`/footnote auto on`, `@Footnote auto on`, or
`footnote admin auto on` on the CLI) and show the `CommandReply`. Scope: `auto` changes one
channel (the one named, else the current one); every other setting changes the workspace. Without
a workspace (the operator's CLI with no `--workspace`) changes apply to every workspace (`GLOBAL`).
`settings` and `help` are open to everyone; `stats`, `audit` and `trial report` show costs, so
moderators only.
Every refusal says why in one line (the value's allowed range, the missing workspace, the closest
command), followed by the usage line.
"""

from __future__ import annotations

import difflib
import ipaddress
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
    TRIAL,
    Policy,
    RateLimit,
    domain_key,
    effective_policy,
    normalise_domain,
    utc_day_start,
)
from bot.service.store import DAY, Actor, Figures, Store
from bot.service.trial import ReportScope, stats_line, trial_report
from bot.service.types import CommandReply, ExplainResult, Where, Who

# Discord ids are digits; Slack's are letters and digits (C0123ABCD). Names have no digits to show.
_CHANNEL_ID = re.compile(r"[A-Za-z0-9_-]*\d[A-Za-z0-9_-]*")
# A channel id typed bare as the last word: a Discord snowflake, or a Slack C…/G… id.
_BARE_CHANNEL_ID = re.compile(r"\d{15,21}|[CG][A-Z0-9]{6,}")
# One DNS label: letters, digits and inner hyphens (IDNs are compared in their xn-- form).
_LABEL = re.compile(r"(?!-)[a-z0-9-]{1,63}(?<!-)")
MAX_NUMBER = 1_000_000_000  # as the Discord slash command allows
NO_WORKSPACE = (
    "A channel setting needs a workspace: the bot reads channel settings inside their workspace "
    "(from the terminal: footnote admin --workspace ID …)"
)


class BadArguments(Exception):
    """The words after a command's name do not fit its usage; `reason` says how, in one line."""

    def __init__(self, reason: str = "") -> None:
        super().__init__(reason)
        self.reason = reason


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
    refusal: str = ""  # what a member is told; empty: the settings line (`messages.not_moderator`)


def _on_off(word: str) -> bool:
    if word.lower() in ("on", "yes", "true", "enable"):
        return True
    if word.lower() in ("off", "no", "false", "disable"):
        return False
    raise BadArguments(f"`{word}` is not on or off.")


def _number(word: str, what: str, low: int = 0, high: int = MAX_NUMBER) -> int:
    """A whole number within [low, high]; the refusal names the range."""
    digits = word.replace(",", "").replace("_", "")
    if not re.fullmatch(r"\d{1,12}", digits) or not low <= int(digits) <= high:
        raise BadArguments(f"{what} must be a whole number from {low:,} to {high:,}; got `{word}`.")
    return int(digits)


def language_problem(code: str) -> str | None:
    """Why a reply language code is refused (not a plain code, or not in the IANA language registry)."""
    import langcodes  # only when a language is set: it loads its registry

    lowered = code.lower()
    if not LANGUAGE_CODE.fullmatch(lowered) or not langcodes.tag_is_valid(lowered) or lowered == "und":
        return (
            f"`{code}` is not a language code in the IANA registry; use a code such as en, de, fr or pt-br."
        )
    return None


def valid_domain(word: str) -> str:
    """A domain rule as stored (`https://www.Example.com/x` → `example.com`), or BadArguments saying why."""
    domain = normalise_domain(word)
    try:
        return str(ipaddress.IPv4Address(domain))  # links to an address are matched by that address
    except ValueError:
        pass
    try:
        ascii_domain = domain.encode("idna").decode("ascii") if not domain.isascii() else domain
    except UnicodeError:
        ascii_domain = ""
    labels = ascii_domain.split(".")
    if (
        len(labels) < 2
        or len(ascii_domain) > 253
        or not all(_LABEL.fullmatch(label) for label in labels)
        or labels[-1].isdigit()
    ):
        raise BadArguments(
            f"`{word}` is not a domain name: use letters, digits, hyphens and at least one dot, "
            "e.g. news.example (subdomains are included)."
        )
    return ascii_domain


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
        raise BadArguments(f"{label} cannot be {_show(value)}.") from exc
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
    if last.lower() != "here" and not last.startswith(("<#", "#")) and not _BARE_CHANNEL_ID.fullmatch(last):
        return args, ""
    # The operator's global scope has no channels to override.
    if ctx.where.workspace == GLOBAL:
        raise BadArguments(NO_WORKSPACE)
    return args[:-1], _channel_named(last, ctx)


def _channel_named(word: str, ctx: CommandContext) -> str:
    """The channel id a word names: `here`, a mention (`<#C1|news>`, `<#123>`) or an id (`#C0123`).

    A bare name such as `#news` is refused: settings key on ids, and a name would silently match nothing.
    """
    channel = ctx.where.channel if word.lower() == "here" else channel_id(word)
    if not channel:
        raise BadArguments("`here` needs a current channel; name the channel by its id instead.")
    if not _CHANNEL_ID.fullmatch(channel):
        raise BadArguments(
            f"`{word}` is a channel name; settings need its id (a #mention, C0123ABCD or 123456789012345678)."
        )
    return channel


async def cmd_explain(args: list[str], ctx: CommandContext) -> CommandReply:
    """Explain one link now."""
    if len(args) != 1:
        raise BadArguments("Give one link.")
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
        f"Daily budget: {_budget(policy.budget_requests, 'analyses')}, "
        f"{_budget(policy.budget_tokens, 'tokens')} (resets at midnight UTC)",
        f"Allowed domains: {', '.join(policy.allowed_domains) or 'any'}",
        f"Blocked domains: {', '.join(policy.blocked_domains) or 'none'}",
    ]


async def cmd_settings(args: list[str], ctx: CommandContext) -> CommandReply:
    """Show the effective settings here."""
    return CommandReply(text="\n".join(describe_policy(await ctx.policy())))


def _budget(value: int, unit: str) -> str:
    return f"{value:,} {unit}" if value else f"0 {unit} (off: no new analyses)"


async def cmd_auto(args: list[str], ctx: CommandContext) -> CommandReply:
    """Turn automatic explanations on, off or to trial mode (read everything, post nothing) for a channel."""
    if len(args) not in (1, 2):
        raise BadArguments("Say on, off or trial, and which channel when you are not typing in it.")
    if ctx.where.workspace == GLOBAL:
        raise BadArguments(NO_WORKSPACE)
    channel = _channel_named(args[1], ctx) if len(args) == 2 else ctx.where.channel
    if not channel:
        raise BadArguments("Name the channel: auto on C0123ABCD (or a #mention, or a Discord channel id).")
    trial = args[0].lower() == TRIAL
    try:
        value: bool | str = TRIAL if trial else _on_off(args[0])
    except BadArguments:
        raise BadArguments(f"`{args[0]}` is not on, off or trial.") from None
    reply = await _change(ctx, f"auto-explain in <#{channel}>", "auto_explain", value, channel)
    if trial:
        reply = CommandReply(
            text=f"{reply.text}\nTrial mode: I read every link there as auto mode would (same limits and "
            "budget) but post nothing; `trial report` shows what I would have said and what it would cost. "
            f"`auto on <#{channel}>` starts answering."
        )
    return reply


async def cmd_reactions(args: list[str], ctx: CommandContext) -> CommandReply:
    """Turn 📰 reaction requests on or off, for the workspace or one channel."""
    args, channel = _in_channel(args, ctx)
    if len(args) != 1:
        raise BadArguments("Say on or off.")
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
    if action not in ("allow", "block", "remove"):
        raise BadArguments("Say allow, block, remove or list.")
    if len(args) != 2:
        raise BadArguments(f"Name one domain to {action}, e.g. news.example.")
    domain = valid_domain(args[1])
    rule = {"allow": ALLOW, "block": BLOCK, "remove": None}[action]
    old = await ctx.store.change_setting(
        ctx.where.workspace, channel, domain_key(domain), rule, ctx.actor, ctx.now
    )
    where = f" in {_scope_name(ctx, channel)}" if channel else ""
    text = f"Done: {domain} is now {rule or 'unlisted'}{where} (was {old or 'unlisted'})."
    if rule == ALLOW:
        allowed = (await ctx.policy(channel or None)).allowed_domains
        undo = (
            f"`domains remove {domain}` turns it off again."
            if allowed == [domain]
            else f"It stays on while any domain is allowed; `domains remove {domain}` drops this one."
        )
        text += (
            f"\nAllow-list mode is on in {_scope_name(ctx, channel)}: only links to allowed domains"
            f" ({', '.join(allowed)}) are explained; every other site is refused. {undo}"
        )
    return CommandReply(text=text)


async def cmd_limits(args: list[str], ctx: CommandContext) -> CommandReply:
    """Set the per-user, per-channel or links-per-message limits, for the workspace or one channel."""
    args, channel = _in_channel(args, ctx)
    scope = args[0].lower() if args else ""
    in_scope = _scope_name(ctx, channel)
    if scope == "links":
        if len(args) != 2:
            raise BadArguments("Give one number: links explained per message.")
        count = _number(args[1], "Links per message", 1, 10)
        return await _change(ctx, f"links per message in {in_scope}", "max_links", count, channel)
    if scope not in ("user", "channel"):
        raise BadArguments("Say user, channel or links.")
    if len(args) != 3:
        raise BadArguments("Give a count and a window in minutes, e.g. 5 10.")
    limit = RateLimit(
        count=_number(args[1], "The count", 1, 10_000), minutes=_number(args[2], "The window", 1, 24 * 60)
    )
    label = f"the per-{scope} limit in {in_scope}"
    return await _change(ctx, label, f"{scope}_limit", limit.model_dump(), channel)


async def cmd_budget(args: list[str], ctx: CommandContext) -> CommandReply:
    """Set the daily analysis budget (requests or tokens)."""
    kind = args[0].lower() if args else ""
    if kind not in ("requests", "tokens"):
        raise BadArguments("Say requests or tokens.")
    if len(args) != 2:
        raise BadArguments(f"Give the number of {kind} per day (0 turns new analyses off).")
    value = _number(args[1], f"The daily {kind} budget")
    reply = await _change(ctx, f"the daily {kind} budget", f"budget_{kind}", value)
    if value == 0:
        reply = CommandReply(
            text=f"{reply.text}\nA budget of 0 means off: no new analyses (cached answers are still shown) "
            f"until you raise it, e.g. budget {kind} {Policy.model_fields[f'budget_{kind}'].default}."
        )
    return reply


async def cmd_language(args: list[str], ctx: CommandContext) -> CommandReply:
    """Set the reply language (a language code such as en, de, pt-br), for the workspace or one channel."""
    args, channel = _in_channel(args, ctx)
    if len(args) != 1:
        raise BadArguments("Give one language code, e.g. de or pt-br.")
    problem = language_problem(args[0])
    if problem:
        raise BadArguments(problem)
    label = f"the reply language in {_scope_name(ctx, channel)}"
    return await _change(ctx, label, "language", args[0].lower(), channel)


# How `stats` names each kind of refusal the service records.
REFUSAL_NAMES = {
    "rate_limited": "rate-limited",
    "budget_spent": "budget spent",
    "domain_blocked": "blocked domain",
    "not_allowed": "not on the allow list",
}


def _counted(refusals: dict[str, int]) -> str:
    shown = sorted(f"{REFUSAL_NAMES.get(reason, reason)} {count:,}" for reason, count in refusals.items())
    return ", ".join(shown) or "none"


def _figures_line(label: str, figures: Figures) -> str:
    fallbacks = (
        ", ".join(f"{reason} {count}" for reason, count in sorted(figures.fallbacks.items())) or "none"
    )
    return (
        f"{label}: {figures.analyses:,} analyses, {figures.cache_hits:,} cache hits, "
        f"{figures.failures:,} failures, {figures.tokens:,} tokens (≈ ${figures.cost_usd:,.2f}), "
        f"fallbacks: {fallbacks}; refused: {_counted(figures.refusals)}; "
        f"feedback 👍 {figures.thumbs_up} · 👎 {figures.thumbs_down}"
    )


async def cmd_stats(args: list[str], ctx: CommandContext) -> CommandReply:
    """Usage today and over the last 30 days."""
    workspace = None if ctx.where.workspace == GLOBAL else ctx.where.workspace
    today = await ctx.store.figures(workspace, utc_day_start(ctx.now))
    month = await ctx.store.figures(workspace, ctx.now - 30 * DAY)
    lines = [_figures_line("Today (UTC)", today), _figures_line("Last 30 days", month)]
    trial = stats_line(
        await ctx.store.trial_counts(workspace, None, utc_day_start(ctx.now)),
        await ctx.store.trial_counts(workspace, None, ctx.now - 30 * DAY),
    )
    return CommandReply(text="\n".join(lines + ([trial] if trial else [])))


async def cmd_trial(args: list[str], ctx: CommandContext) -> CommandReply:
    """What trial mode would have posted: counts, cost and each link, for the last day or N days."""
    args, channel = _in_channel(args, ctx)
    if not args or args[0].lower() != "report":
        raise BadArguments("Say report, e.g. trial report, or trial report 7 for a week.")
    if len(args) > 2:
        raise BadArguments("Give at most a number of days.")
    days = _number(args[1], "The number of days", 1, 30) if len(args) == 2 else 1
    scope = ReportScope(
        platform=ctx.where.platform,
        workspace=None if ctx.where.workspace == GLOBAL else ctx.where.workspace,
        channel=channel or None,
        days=days,
        now=ctx.now,
    )
    return CommandReply(text=await trial_report(ctx.store, scope))


async def cmd_forget(args: list[str], ctx: CommandContext) -> CommandReply:
    """Drop a link's cached analysis, so the next request reads it afresh."""
    if len(args) != 1:
        raise BadArguments("Give one link.")
    from bot.web.links import canonical_url  # its address tables are only needed here

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
    if len(args) > 1:
        raise BadArguments("Give at most one number.")
    limit = _number(args[0], "The number of changes", 1, 100) if args else 10
    workspace = None if ctx.where.workspace == GLOBAL else ctx.where.workspace
    entries = await ctx.store.audit_log(workspace, limit)
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
            "auto",
            "auto on|off|trial [channel]",
            "explain every link in a channel automatically (trial: read them, post nothing)",
            True,
            cmd_auto,
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
        Command(
            "stats",
            "stats",
            "analyses, cache hits, tokens, refusals by reason, fallbacks, feedback",
            True,
            cmd_stats,
            "Only moderators can see Footnote's usage figures.",
        ),
        Command(
            "trial",
            "trial report [days] [#channel]",
            "what trial mode would have posted, with counts and cost (last 24 hours, or up to 30 days)",
            True,
            cmd_trial,
            "Only moderators can see the trial report.",
        ),
        Command("forget", "forget <url>", "drop a link's cached analysis", True, cmd_forget),
        Command(
            "audit",
            "audit [N]",
            "the latest setting changes",
            True,
            cmd_audit,
            "Only moderators can see the audit log.",
        ),
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


def unknown_command(name: str) -> str:
    """One line naming an unknown command and the closest known one."""
    close = difflib.get_close_matches(name, list(COMMANDS), n=1, cutoff=0.6)
    hint = f" Did you mean `{close[0]}`?" if close else ""
    return f"There is no `{name[:40]}` command.{hint} `help` lists them all."


async def run_command(text: str, ctx: CommandContext) -> CommandReply:
    """Parse, check permission, execute; every refusal says why in one line."""
    name, args = parse(text)
    command = COMMANDS.get(name)
    if command is None:
        return CommandReply(text=unknown_command(name), done=False)
    if command.moderator_only and not ctx.who.is_moderator:
        return CommandReply(text=command.refusal or messages.not_moderator(), done=False)
    try:
        return await command.run(args, ctx)
    except BadArguments as exc:
        reason = f"{exc.reason}\n" if exc.reason else ""
        return CommandReply(text=f"{reason}Usage: `{command.usage}`", done=False)
