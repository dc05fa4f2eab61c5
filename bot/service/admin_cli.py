"""`footnote admin …`: the chat commands, for the operator, straight against the database.

The operator is a moderator on platform "cli". Without `--workspace`, changes apply to every
workspace and `stats`/`audit` cover them all. Only `explain` starts the whole service; every other
command needs just the store, so that `footnote admin help` or `settings` answers at once.
"""

from __future__ import annotations

import argparse
import sys
import time
from typing import TYPE_CHECKING

from bot.config import Settings
from bot.service.policy import GLOBAL

if TYPE_CHECKING:
    from bot.service.types import CommandReply, ExplainResult

NEEDS_WORKSPACE = (
    "--channel needs --workspace: the bot reads a channel's settings inside its workspace "
    "(e.g. footnote admin --workspace T0123ABCD --channel C0123ABCD auto on)"
)


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the `admin` sub-command."""
    admin = subparsers.add_parser(
        "admin",
        help="run a moderator command against the database (auto on, domains block x.com, stats, help, …)",
    )
    admin.add_argument(
        "--workspace", default=GLOBAL, help="Discord server id or Slack team id (default: every workspace)"
    )
    admin.add_argument(
        "--channel", default="", help="the channel `auto` and `settings` refer to (needs --workspace)"
    )
    admin.add_argument("words", nargs=argparse.REMAINDER, help="the command, e.g. `limits user 5 10`")
    admin.set_defaults(func=cmd_admin, uses_db=True)


async def run_admin(words: list[str], workspace: str, channel: str, settings: Settings) -> CommandReply:
    """One command as the operator, with the store (or, for `explain`, the service) opened around it."""
    from bot.service.commands import CommandContext, parse, run_command
    from bot.service.policy import default_policy
    from bot.service.types import Where, Who

    operator = Who(user_id="operator", is_moderator=True)
    where = Where(platform="cli", workspace=workspace, channel=channel)
    text = " ".join(words)
    if parse(text)[0] == "explain":
        from bot.service.service import ExplainService

        async with ExplainService(settings) as service:
            return await service.command(text, where, operator)
    from bot.service.store_factory import make_store

    async def no_explain(link: str) -> ExplainResult:
        raise AssertionError("explain runs through the service")

    store = make_store(settings)
    await store.start()
    try:
        context = CommandContext(
            store=store,
            where=where,
            who=operator,
            now=time.time(),
            defaults=default_policy(settings),
            explain=no_explain,
        )
        return await run_command(text, context)
    finally:
        await store.close()


def cmd_admin(args: argparse.Namespace, settings: Settings) -> int:
    """Print the command's reply (and the analysis, for `explain`)."""
    from bot.service.commands import help_text, parse

    if args.channel and args.workspace == GLOBAL:
        print(NEEDS_WORKSPACE, file=sys.stderr)
        return 2
    name = parse(" ".join(args.words))[0]
    if name == "help":  # needs no database
        print(help_text(True))
        return 0
    import asyncio

    reply = asyncio.run(run_admin(args.words, args.workspace, args.channel, settings))
    if reply.text:
        print(reply.text)
    if name == "settings":
        from bot.config import files_in_use

        print(f"Files: {files_in_use(settings, getattr(args, 'env_file', None))}")
    if reply.analysis is not None:
        from bot.render.terminal import render_terminal, wants_color

        print(render_terminal(reply.analysis, color=wants_color(sys.stdout)))
    return 0 if reply.done else 1
