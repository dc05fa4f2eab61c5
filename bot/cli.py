"""The `footnote` console command: a thin adapter over the pipeline and the service.

Each command group registers itself from its own module (`register(subparsers)`), so
that importing the CLI stays cheap and each concern keeps its own parsing. A command that opens the
database sets `uses_db=True` in its defaults: its file is checked first, and any database or network
failure ends the command with one line (never a traceback).
"""

from __future__ import annotations

import argparse
import importlib
import json
import logging
import os
import re
import sys
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

from pydantic import ValidationError

from bot import errors
from bot.config import EnvFileMissing, Settings, files_in_use, left_behind_db, load_settings

if TYPE_CHECKING:
    from bot.models import Article

log = logging.getLogger("footnote")

# Command groups that add themselves with `register(subparsers)`: the command word → its module.
# Add a line to add a group. Only the group named on the command line is imported (every group for
# `--help` or an unknown word), so that a quick command does not pay for the others' imports.
COMMAND_MODULES: dict[str, str] = {
    "legal": "bot.legal.commands",
    "admin": "bot.service.admin_cli",
    "db": "bot.service.db_commands",
    "discord": "bot.adapters.discord.commands_cli",
    "doctor": "bot.doctor.command",
    "eval": "bot.evaluation.commands",
    "ask": "bot.ask.commands",
}
BUILT_IN = ("explain", "extract", "run")


_INVALID_CHOICE = re.compile(r"invalid choice: '(.*?)' \(choose from (.*)\)")


class Parser(argparse.ArgumentParser):
    """argparse, except that an unknown command names itself and the closest known one."""

    def error(self, message: str) -> NoReturn:
        """Exit 2 with one line; for a mistyped word, the closest choice instead of the whole list."""
        wrong = _INVALID_CHOICE.search(message)
        if wrong is None:
            self.exit(2, f"{self.prog}: {message}\n")
        import difflib

        word, choices = wrong.group(1), re.findall(r"'([^']*)'", wrong.group(2))
        close = difflib.get_close_matches(word, choices, n=1, cutoff=0.6)
        if any(isinstance(action, argparse._SubParsersAction) for action in self._actions):
            hint = f"did you mean `{self.prog} {close[0]}`? " if close else ""
            self.exit(2, f"{self.prog}: unknown command `{word}`; {hint}(`{self.prog} --help` lists them)\n")
        hint = f"; did you mean `{close[0]}`?" if close else ""
        self.exit(2, f"{self.prog}: `{word}` is not one of {', '.join(choices)}{hint}\n")


# What `footnote run … --help` tells an operator before the first start.
RUN_NEEDS = """\
discord needs DISCORD_TOKEN.
slack needs SLACK_BOT_TOKEN, plus SLACK_APP_TOKEN for Socket Mode (the default),
  or SLACK_SIGNING_SECRET with FOOTNOTE_SLACK_MODE=http (port FOOTNOTE_SLACK_PORT, default 3000).
Set them in the environment or in .env; README.md walks through the Discord and Slack setup."""


def print_error(exc: errors.FootnoteError, as_json: bool) -> None:
    if as_json:
        from bot.models import ErrorInfo, ErrorReport

        report = ErrorReport(error=ErrorInfo(kind=exc.kind, message=exc.message))
        print(report.model_dump_json())
    else:
        print(exc.message, file=sys.stderr)


def _language_code(value: str) -> str:
    """argparse type: a language code from the IANA registry such as `de` or `pt-br`."""
    from bot.service.commands import language_problem

    problem = language_problem(value)
    if problem:
        raise argparse.ArgumentTypeError(problem.replace("`", "'"))
    return value.lower()


def cmd_explain(args: argparse.Namespace, settings: Settings) -> int:
    """Explain one URL or saved page."""
    import asyncio

    from bot.engines import make_engine
    from bot.pipeline import explain_source
    from bot.render.markdown import render_markdown
    from bot.render.terminal import render_terminal, wants_color

    as_json = args.json or args.format == "json"
    try:
        engine = make_engine(settings, args.engine)
        analysis = asyncio.run(explain_source(args.source, settings, engine, args.language or "en"))
    except errors.FootnoteError as exc:
        print_error(exc, as_json)
        return 1
    if as_json:
        print(
            analysis.model_dump_json(
                exclude={"legal_unavailable"} if analysis.legal_unavailable is None else None
            )
        )
    elif args.format == "markdown":
        print(render_markdown(analysis, everything=args.all))
    else:
        print(render_terminal(analysis, color=wants_color(sys.stdout), everything=args.all))
    return 0


def _extract_one(source: str, settings: Settings) -> Article:
    from bot.web.source import is_url

    if is_url(source) or "://" in source:
        import asyncio

        from bot.pipeline import load_article

        return asyncio.run(load_article(source, settings))
    # A saved page needs no event loop, network or engine: a batch of files starts quicker without them.
    from bot.extract import extract_article
    from bot.service.deadline import run_within
    from bot.web.source import read_local_page

    return run_within(extract_article, read_local_page(Path(source)), "")


def cmd_extract(args: argparse.Namespace, settings: Settings) -> int:
    """Extract each input and print one JSON object per line (or readable text)."""
    status = 0
    for source in args.sources:
        try:
            article = _extract_one(source, settings)
        except errors.FootnoteError as exc:
            status = 1
            print_error(exc, args.json)
            continue
        except Exception:  # a batch scores every input: one crash must not hide the others' lines
            log.exception("extraction crashed on %s", source)
            status = 1
            print_error(errors.FootnoteError(), args.json)
            continue
        if args.json:
            record = article.meta().model_dump()
            record.update(partial_text=article.partial_text, text=article.text)
            print(json.dumps(record, ensure_ascii=False))
        else:
            print(f"# {article.title}\n{article.site} · {article.published or 'no date'}\n\n{article.text}\n")
    return status


def cmd_run(args: argparse.Namespace, settings: Settings) -> int:
    """Start a chat adapter; the first log line says which files it uses."""
    log.info("footnote %s: %s", args.platform, files_in_use(settings, args.env_file))
    module = importlib.import_module(f"bot.adapters.{args.platform}.runner")
    return int(module.run(settings) or 0)


def _command_word(argv: list[str]) -> str | None:
    """The first word after the global options (`footnote --log-level INFO admin …` → admin)."""
    words = iter(argv)
    for word in words:
        if word == "--log-level":
            next(words, None)
        elif not word.startswith("-"):
            return word
    return None


def build_parser(argv: list[str] | None = None) -> argparse.ArgumentParser:
    """The command tree: every group, or (given the command line) only the group it names."""
    parser = Parser(prog="footnote", description="Explain news links: facts, claims, legal context.")
    parser.add_argument(
        "--log-level",
        default=None,
        help="DEBUG, INFO, WARNING (default: FOOTNOTE_LOG_LEVEL, else INFO for run and WARNING otherwise)",
    )
    sub = parser.add_subparsers(dest="command", required=True)

    explain = sub.add_parser("explain", help="explain one article (URL or saved HTML file)")
    explain.add_argument("source", help="an http(s) URL or a path to a saved page")
    explain.add_argument("--json", action="store_true", help="print the analysis contract as JSON")
    explain.add_argument("--format", choices=["terminal", "markdown", "json"], default="terminal")
    explain.add_argument("--engine", choices=["auto", "local", "openai"], default=None)
    explain.add_argument("--all", action="store_true", help="list every statement, not only the main ones")
    explain.add_argument(
        "--language",
        type=_language_code,
        default=None,  # English; not "en", which argparse would check (loading the registry) on every run
        help="reply language code, e.g. de or pt-br (the openai engine writes in it; local writes English)",
    )
    explain.set_defaults(func=cmd_explain)

    extract = sub.add_parser("extract", help="extract article text and metadata")
    extract.add_argument("sources", nargs="+", help="URLs or saved HTML files")
    extract.add_argument("--json", action="store_true", help="one JSON object per input per line")
    extract.set_defaults(func=cmd_extract)

    run = sub.add_parser(
        "run",
        help="run the bot on a chat platform",
        description="Run the bot on Discord or Slack until stopped.",
        epilog=RUN_NEEDS,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    run.add_argument("platform", choices=["discord", "slack"])
    run.set_defaults(func=cmd_run, uses_db=True)

    word = None if argv is None else _command_word(argv)
    if word in BUILT_IN:
        groups = []
    elif word in COMMAND_MODULES:
        groups = [COMMAND_MODULES[word]]
    else:
        groups = list(COMMAND_MODULES.values())
    for module in groups:
        importlib.import_module(module).register(sub)
    return parser


def _configuration() -> tuple[Settings, Path | None] | int:
    """Settings and the `.env` they came from, or the exit status after one line per problem."""
    try:
        return load_settings()
    except EnvFileMissing as exc:
        print(f"Configuration error: {exc}", file=sys.stderr)
        return 2
    except ValidationError as exc:
        # Name the setting and the rule, never the value: it may be a token.
        for problem in exc.errors(include_input=False, include_url=False):
            name = ".".join(str(part) for part in problem["loc"])
            print(f"Configuration error in {name}: {problem['msg']}", file=sys.stderr)
        return 2


def _run(args: argparse.Namespace, settings: Settings) -> int:
    """The command, with database and network failures as one line each."""
    if getattr(args, "uses_db", False) and settings.db_is_file():
        from bot.doctor.database import database_problem

        problem = database_problem(settings.db_path())
        if problem:
            print(problem, file=sys.stderr)
            return 2
    try:
        return args.func(args, settings)
    except BrokenPipeError:
        raise
    except Exception as exc:
        line = _failure_line(exc, settings)
        if line is None:
            raise
    log.debug("the command failed", exc_info=True)
    print(line, file=sys.stderr)
    return 1


def _failure_line(exc: Exception, settings: Settings) -> str | None:
    """One line for a database or network failure, or None for anything else (a bug: its traceback)."""
    import sqlite3

    from bot.doctor.database import explain_database_error
    from bot.doctor.network import network_problem
    from bot.doctor.postgres import DatabaseUnreachable, redacted
    from bot.service.migrations import SchemaMismatch

    if isinstance(exc, DatabaseUnreachable):
        return exc.line(settings.db)
    if isinstance(exc, SchemaMismatch):
        named = redacted(settings.db) if settings.uses_postgres() else settings.db_path()
        return f"FOOTNOTE_DB={named}: {exc}"
    if isinstance(exc, sqlite3.Error | OSError):
        # Only a SQLite FOOTNOTE_DB can be the file at fault (a server URL would show its password).
        line = explain_database_error(exc, settings.db_path()) if settings.db_is_file() else None
        return line or network_problem(exc)
    return network_problem(exc)


def main(argv: list[str] | None = None) -> int:
    """Entry point of the `footnote` console script."""
    argv = sys.argv[1:] if argv is None else argv
    args = build_parser(argv).parse_args(argv)
    loaded = _configuration()
    if isinstance(loaded, int):
        return loaded
    settings, args.env_file = loaded
    # A running bot reports what it does; a one-shot command prints its answer and only warnings.
    default_level = "INFO" if args.command == "run" else "WARNING"
    logging.basicConfig(
        level=(args.log_level or settings.log_level or default_level).upper(),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    old = left_behind_db(settings) if getattr(args, "uses_db", False) else None
    if old is not None:
        log.warning(
            "%s is not used any more: the database is now %s. To keep the old one, move it there or set "
            "FOOTNOTE_DB=%s",
            old,
            settings.db_path(),
            old,
        )
    try:
        return _run(args, settings)
    except BrokenPipeError:
        # The reader went away (`footnote legal topics | head`): stop quietly, as Unix tools do.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    except KeyboardInterrupt:
        print("Stopped.", file=sys.stderr)  # Ctrl-C: one line and the shell's status for it, no traceback
        return 130


if __name__ == "__main__":
    sys.exit(main())
