"""`footnote legal topics` and `footnote legal check`: look at and validate the knowledge base."""

from __future__ import annotations

import argparse
from pathlib import Path

from bot.config import Settings


def cmd_topics(args: argparse.Namespace, settings: Settings) -> int:
    """List the knowledge base: id, jurisdiction, title."""
    from bot.legal.knowledge import read_topics

    topics, problems = read_topics(args.knowledge)
    width = max((len(t.id) for t in topics), default=0)
    for topic in topics:
        print(f"{topic.id:<{width}}  {topic.jurisdiction:<20}  {topic.title}")
    return 1 if problems and not topics else 0


def cmd_check(args: argparse.Namespace, settings: Settings) -> int:
    """Validate the knowledge base; non-zero exit and one line per problem when anything is wrong."""
    from datetime import date

    from bot.legal.check import check_knowledge, stale_topics

    topics, problems = check_knowledge(args.knowledge, args.against)
    for problem in problems:
        print(problem)
    for warning in stale_topics(topics, date.today()):
        print(f"warning: {warning}")
    against = f", authorities checked against {args.against.name}" if args.against else ""
    verdict = f"{len(problems)} problem(s)" if problems else "OK"
    print(f"{len(topics)} topics{against}: {verdict}")
    return 1 if problems else 0


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the `legal` command group."""
    from bot.legal.knowledge import knowledge_dir

    legal = subparsers.add_parser("legal", help="inspect and validate the legal knowledge base")
    sub = legal.add_subparsers(dest="legal_command", required=True)
    for name, func, text in (
        ("topics", cmd_topics, "list the topics: id, jurisdiction, title"),
        ("check", cmd_check, "validate the topics; exit 1 on any problem"),
    ):
        parser = sub.add_parser(name, help=text)
        parser.add_argument(
            "--knowledge", type=Path, default=knowledge_dir(), help="topic folder (default: bundled)"
        )
        parser.set_defaults(func=func)
        if name == "check":
            parser.add_argument(
                "--against",
                type=Path,
                default=None,
                help="registry YAML: every authority must be in it, verified",
            )
