"""The `footnote` console command: a thin adapter over the pipeline and the service.

Each command group registers itself from its own module (`register(subparsers)`), so
that importing the CLI stays cheap and each concern keeps its own parsing.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib
import json
import logging
import os
import sys

from pydantic import ValidationError

from bot import errors
from bot.config import Settings
from bot.models import Article, ErrorInfo, ErrorReport

log = logging.getLogger("footnote")

# Modules that add their own sub-commands with `register(subparsers)`.
COMMAND_MODULES: tuple[str, ...] = (
    "bot.legal.commands",
    "bot.service.admin_cli",
    "bot.service.db_commands",
    "bot.adapters.discord.commands_cli",
)

# What `footnote run … --help` tells an operator before the first start.
RUN_NEEDS = """\
discord needs DISCORD_TOKEN.
slack needs SLACK_BOT_TOKEN, plus SLACK_APP_TOKEN for Socket Mode (the default),
  or SLACK_SIGNING_SECRET with FOOTNOTE_SLACK_MODE=http (port FOOTNOTE_SLACK_PORT, default 3000).
Set them in the environment or in .env; README.md walks through the Discord and Slack setup."""


def _print_error(exc: errors.FootnoteError, as_json: bool) -> None:
    if as_json:
        report = ErrorReport(error=ErrorInfo(kind=exc.kind, message=exc.message))
        print(report.model_dump_json())
    else:
        print(exc.message, file=sys.stderr)


def _language_code(value: str) -> str:
    """argparse type: a plain language code such as `de` or `pt-br`."""
    from bot.models import LANGUAGE_CODE

    code = value.lower()
    if not LANGUAGE_CODE.fullmatch(code):
        raise argparse.ArgumentTypeError(f"not a language code: {value!r} (try en, de or pt-br)")
    return code


def cmd_explain(args: argparse.Namespace, settings: Settings) -> int:
    """Explain one URL or saved page."""
    from bot.engines import make_engine
    from bot.pipeline import explain_source
    from bot.render.markdown import render_markdown
    from bot.render.terminal import render_terminal, wants_color

    as_json = args.json or args.format == "json"
    try:
        engine = make_engine(settings, args.engine)
        analysis = asyncio.run(explain_source(args.source, settings, engine, args.language))
    except errors.FootnoteError as exc:
        _print_error(exc, as_json)
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
    from bot.pipeline import load_article

    return asyncio.run(load_article(source, settings))


def cmd_extract(args: argparse.Namespace, settings: Settings) -> int:
    """Extract each input and print one JSON object per line (or readable text)."""
    status = 0
    for source in args.sources:
        try:
            article = _extract_one(source, settings)
        except errors.FootnoteError as exc:
            status = 1
            _print_error(exc, args.json)
            continue
        except Exception:  # a batch scores every input: one crash must not hide the others' lines
            log.exception("extraction crashed on %s", source)
            status = 1
            _print_error(errors.FootnoteError(), args.json)
            continue
        if args.json:
            record = article.meta().model_dump()
            record.update(partial_text=article.partial_text, text=article.text)
            print(json.dumps(record, ensure_ascii=False))
        else:
            print(f"# {article.title}\n{article.site} · {article.published or 'no date'}\n\n{article.text}\n")
    return status


def cmd_run(args: argparse.Namespace, settings: Settings) -> int:
    """Start a chat adapter."""
    module = importlib.import_module(f"bot.adapters.{args.platform}.runner")
    return int(module.run(settings) or 0)


def build_parser() -> argparse.ArgumentParser:
    """The whole command tree."""
    parser = argparse.ArgumentParser(
        prog="footnote", description="Explain news links: facts, claims, legal context."
    )
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
        default="en",
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
    run.set_defaults(func=cmd_run)

    for name in COMMAND_MODULES:
        importlib.import_module(name).register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point of the `footnote` console script."""
    args = build_parser().parse_args(argv)
    try:
        settings = Settings()
    except ValidationError as exc:
        # Name the setting and the rule, never the value: it may be a token.
        for problem in exc.errors(include_input=False, include_url=False):
            name = ".".join(str(part) for part in problem["loc"])
            print(f"Configuration error in {name}: {problem['msg']}", file=sys.stderr)
        return 2
    # A running bot reports what it does; a one-shot command prints its answer and only warnings.
    default_level = "INFO" if args.command == "run" else "WARNING"
    logging.basicConfig(
        level=(args.log_level or settings.log_level or default_level).upper(),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    try:
        return args.func(args, settings)
    except BrokenPipeError:
        # The reader went away (`footnote legal topics | head`): stop quietly, as Unix tools do.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1


if __name__ == "__main__":
    sys.exit(main())
