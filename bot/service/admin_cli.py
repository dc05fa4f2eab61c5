"""`footnote admin …`: the chat commands, for the operator, straight against the database.

The operator is a moderator on platform "cli". Without `--workspace`, changes apply to every
workspace and `stats`/`audit` cover them all.
"""

from __future__ import annotations

import argparse
import asyncio
import sys

from bot.config import Settings
from bot.service.policy import GLOBAL
from bot.service.types import CommandReply, Where, Who


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the `admin` sub-command."""
    admin = subparsers.add_parser(
        "admin",
        help="run a moderator command against the database (auto on, domains block x.com, stats, help, …)",
    )
    admin.add_argument("--workspace", default=GLOBAL, help="Discord guild id or Slack team id (default: all)")
    admin.add_argument("--channel", default="", help="the channel that `auto` and `settings` refer to")
    admin.add_argument("words", nargs=argparse.REMAINDER, help="the command, e.g. `limits user 5 10`")
    admin.set_defaults(func=cmd_admin)


async def run_admin(words: list[str], workspace: str, channel: str, settings: Settings) -> CommandReply:
    """One command as the operator, with a service opened and closed around it."""
    from bot.service.service import ExplainService

    where = Where(platform="cli", workspace=workspace, channel=channel)
    async with ExplainService(settings) as service:
        return await service.command(" ".join(words), where, Who(user_id="operator", is_moderator=True))


def cmd_admin(args: argparse.Namespace, settings: Settings) -> int:
    """Print the command's reply (and the analysis, for `explain`)."""
    reply = asyncio.run(run_admin(args.words, args.workspace, args.channel, settings))
    if reply.text:
        print(reply.text)
    if reply.analysis is not None:
        from bot.render.terminal import render_terminal, wants_color

        print(render_terminal(reply.analysis, color=wants_color(sys.stdout)))
    return 0 if reply.done else 1
