"""`footnote doctor`: one ✓/✗ line per check, with the fix; exit status 1 when anything is wrong."""

from __future__ import annotations

import argparse
import asyncio

from bot.config import Settings


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the `doctor` command."""
    doctor = subparsers.add_parser(
        "doctor",
        help="check the configuration: files, database, engine, tiktoken, Discord and Slack tokens",
    )
    doctor.set_defaults(func=cmd_doctor)


def cmd_doctor(args: argparse.Namespace, settings: Settings) -> int:
    """Print every finding; non-zero when any is ✗."""
    from bot.doctor.checks import diagnose

    lines = asyncio.run(diagnose(settings, getattr(args, "env_file", None)))
    for line in lines:
        print(line)
    return 1 if any(line.ok is False for line in lines) else 0
