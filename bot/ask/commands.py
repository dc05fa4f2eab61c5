"""`footnote ask URL_OR_FILE "QUESTION"`: a follow-up question answered from one article."""

from __future__ import annotations

import argparse
import asyncio
from typing import Any

from bot import errors
from bot.config import Settings


def register(sub: Any) -> None:
    """Add the `ask` command."""
    ask = sub.add_parser(
        "ask",
        help="answer a question from one article (URL or saved HTML file), quoting its sentences",
        description="Answer a question from one article and Footnote's legal notes only; when the article "
        "does not answer it, say so.",
    )
    ask.add_argument("source", help="an http(s) URL or a path to a saved page")
    ask.add_argument("question", help="the question, in quotes")
    ask.add_argument("--json", action="store_true", help="print the answer as JSON")
    ask.add_argument("--engine", choices=["auto", "local", "openai"], default=None)
    ask.set_defaults(func=cmd_ask)


async def _answer(source: str, question: str, settings: Settings, engine_choice: str | None) -> Any:
    from bot.ask.local import answer_locally
    from bot.engines import make_engine
    from bot.pipeline import load_article

    engine = make_engine(settings, engine_choice)
    try:
        article = await load_article(source, settings)
        if hasattr(engine, "analyse_sync"):
            return await asyncio.to_thread(answer_locally, article, question)
        from bot.engines.openai.ask import ask_openai

        return await ask_openai(engine, article, question)  # type: ignore[arg-type]
    finally:
        await engine.aclose()


def cmd_ask(args: argparse.Namespace, settings: Settings) -> int:
    """Answer one question; exit 1 with one line when the article cannot be read."""
    from bot.ask.render import render_plain
    from bot.cli import print_error

    if not args.question.strip():
        print_error(errors.FootnoteError("Ask a question after the link, in quotes."), args.json)
        return 2
    try:
        answer = asyncio.run(_answer(args.source, args.question, settings, args.engine))
    except errors.FootnoteError as exc:
        print_error(exc, args.json)
        return 1
    print(answer.model_dump_json() if args.json else render_plain(answer))
    return 0
