"""Requests and tokens per article for the OpenAI engine, against the local fake server.

usage: python bench/openai_bench.py [PAGES_DIR]

PAGES_DIR defaults to ../shared/eval/cases when present, else examples/. The fake server
answers schema-valid JSON built from each request and counts tokens with o200k_base, as
OpenAI would. Targets: exactly 1 request per article; overhead (input − article tokens)
≤ 1,200 tokens. A synthetic 30,000-word article shows the token budget at work.
"""

from __future__ import annotations

import argparse
import asyncio
import re
import sys
from pathlib import Path

from bot.config import Settings
from bot.engines.local.segment import split_sentences
from bot.engines.openai.engine import OpenAIEngine
from bot.engines.openai.tokens import count_tokens, encoding_for
from bot.extract import extract_article
from bot.models import Article
from bot.web.decode import decode_body

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))  # the fake server lives with the tests

from support.fake_openai import FakeOpenAI, user_text  # noqa: E402

OVERHEAD_TARGET = 1200
_LINE = re.compile(r"^\[\d+\] .*$", re.MULTILINE)


def default_pages() -> Path:
    shared = ROOT.parent / "shared" / "eval" / "cases"
    return shared if shared.is_dir() else ROOT / "examples"


def long_article() -> Article:
    """About 30,000 words of plausible sentences."""
    sentences = [
        f"Officials in district {i} said the council could revisit the {i} budget lines next spring."
        for i in range(2000)
    ]
    return Article(title="A very long report", site="bench.example", text="\n\n".join(sentences))


async def run(pages: Path) -> None:
    articles = [
        (page.stem, extract_article(decode_body(page.read_bytes(), None), ""))
        for page in sorted(pages.glob("*.html"))
    ]
    articles.append(("synthetic-30000-words", long_article()))
    server = FakeOpenAI()
    await server.start()
    settings = Settings(_env_file=None, OPENAI_API_KEY="sk-bench", OPENAI_BASE_URL=server.base_url)
    engine = OpenAIEngine(settings)
    encoding = encoding_for(settings.model)
    print(f"engine {engine.name}, article budget {settings.article_token_budget} tokens\n")
    columns = ("sent", 5), ("req", 3), ("input", 6), ("article", 7), ("overhead", 8), ("output", 6)
    print(f"{'article':40} " + " ".join(f"{name:>{width}}" for name, width in columns) + "  note")
    overheads = []
    try:
        for name, article in articles:
            analysis = await engine.analyse(article)
            usage = analysis.usage
            sentences = split_sentences(article.text)
            # The article as the server received it: the numbered sentence lines.
            article_tokens = count_tokens("\n".join(_LINE.findall(user_text(server.requests[-1]))), encoding)
            overhead = usage.input_tokens - article_tokens
            overheads.append(overhead)
            note = "condensed" if usage.condensed else ""
            if usage.fallback:
                note += f" fallback={usage.fallback}"
            print(
                f"{name[:40]:40} {len(sentences):5} {usage.requests:3} {usage.input_tokens:6} "
                f"{article_tokens:7} {overhead:8} {usage.output_tokens:6}  {note}"
            )
    finally:
        await engine.aclose()
        await server.stop()
    verdict = "meets" if max(overheads) <= OVERHEAD_TARGET else "MISSES"
    print(f"\noverhead max {max(overheads)}, min {min(overheads)}: {verdict} the ≤ {OVERHEAD_TARGET} target")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("pages", nargs="?", type=Path, default=default_pages())
    args = parser.parse_args()
    asyncio.run(run(args.pages))


if __name__ == "__main__":
    main()
