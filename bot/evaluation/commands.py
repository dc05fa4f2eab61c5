"""The `footnote eval` command: choose an engine or a model by its scores on labelled cases."""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path

from bot.config import Settings


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add `footnote eval CASES_DIR [--engine local|openai] [--model M] [--json]`."""
    parser = subparsers.add_parser(
        "eval", help="score an engine on labelled cases (kinds, summary, legal, flags, cost, latency)"
    )
    parser.add_argument("cases", type=Path, help="folder of NAME.html + NAME.json cases (sub-folders too)")
    parser.add_argument("--engine", choices=("local", "openai"), default="local")
    parser.add_argument("--model", default=None, help="model for the openai engine (default FOOTNOTE_MODEL)")
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    parser.set_defaults(func=cmd_eval)


def cmd_eval(args: argparse.Namespace, settings: Settings) -> int:
    """Run the cases and print the report; exit 1 when there are no cases."""
    from bot.engines import make_engine
    from bot.evaluation.render import report_json, report_text
    from bot.evaluation.run import evaluate

    if not args.cases.is_dir():
        print(f"Not a folder of cases: {args.cases}", file=sys.stderr)
        return 1
    if args.model:
        settings = settings.model_copy(update={"model": args.model})
    if args.engine == "openai":
        problem = asyncio.run(openai_problem(settings))
        if problem:  # else every case would fall back to the offline engine, one warning each
            print(f"{problem.rstrip('.')}; nothing was scored", file=sys.stderr)
            return 1
    engine = make_engine(settings, args.engine)

    async def run():
        try:
            return await evaluate(args.cases, engine, settings)
        finally:
            await engine.aclose()

    report = asyncio.run(run())
    if not report.results:
        print(f"No cases (NAME.html with NAME.json) under {args.cases}", file=sys.stderr)
        return 1
    print(report_json(report) if args.json else report_text(report))
    return 0


async def openai_problem(settings: Settings) -> str | None:
    """Why the openai engine cannot be scored (server unreachable, key refused), or None.

    A model the server does not list is tried all the same: some compatible servers list only aliases."""
    import httpx

    from bot.doctor.checks import TIMEOUT, check_openai

    async with httpx.AsyncClient(timeout=TIMEOUT, trust_env=True) as client:
        lines = await check_openai(settings.model_copy(update={"engine": "openai"}), client, listed=False)
    return next((line.text for line in lines if line.ok is False), None)
