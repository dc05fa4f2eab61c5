"""One article end to end, without chat: source → page → article → analysis (guarded)."""

from __future__ import annotations

import contextlib
from pathlib import Path

from bot import errors
from bot.config import Settings
from bot.engines import Engine
from bot.legal.guard import guard_analysis
from bot.legal.guard import warm_up as warm_up_guard
from bot.models import Analysis, Article
from bot.web.links import canonical_url
from bot.web.source import is_url, read_local_page


async def load_article(source: str, settings: Settings) -> Article:
    """Fetch (or read) and extract one source, within the job deadline, on a thread Ctrl-C never waits for."""
    from bot.extract import extract_article  # trafilatura: a running bot imports it after connecting
    from bot.service.workers import ThreadWorkers  # imports this module for `warm_up`

    if is_url(source):
        from bot.web.fetch import fetch_page  # httpx (and the click it pulls in) only for links

        page = await fetch_page(canonical_url(source), settings)
        return await ThreadWorkers().run(extract_article, page.html, page.final_url)
    if "://" in source:
        raise errors.InvalidLink()
    html = read_local_page(Path(source))
    return await ThreadWorkers().run(extract_article, html, "")


async def analyse_article(article: Article, engine: Engine, language: str = "en") -> Analysis:
    """Run the engine, then the citation guard over every text that leaves the bot."""
    return guard_analysis(await engine.analyse(article, language))


async def explain_source(source: str, settings: Settings, engine: Engine, language: str = "en") -> Analysis:
    """The whole pipeline for one URL or file, answered in `language` where the engine can."""
    return await analyse_article(await load_article(source, settings), engine, language)


# A small page that takes each step of extraction and analysis once, so that a bot's first real
# articles do not also pay for lazy imports and first-use set-up while members wait (and while that
# work, holding the GIL, stalls the event loop).
_WARM_UP_PAGE = """<!doctype html><html lang="en"><head><title>Council approves budget</title></head>
<body><article><h1>Council approves budget</h1>
<p>The city council voted 7 to 2 on Tuesday to approve the budget, according to the published minutes.</p>
<p>Officials said the state could challenge the decision in court, although no lawsuit has been filed.</p>
<p>Critics warned that the plan might raise rents; the mayor said she would sign it next week.</p>
</article></body></html>"""
# Too short for trafilatura's main pass, so extraction takes its second opinions: justext (whose stoplist
# of every language takes about 0.2 s to build, once per process) and readability (with chardet, about
# 55 ms of imports). The page above never reaches them.
_WARM_UP_SHORT_PAGE = """<!doctype html><html lang="en"><head><title>Note</title></head>
<body><div>A short note. It has two sentences.</div></body></html>"""


def offline_analysis(engine: Engine, article: Article) -> Analysis:
    """An engine's synchronous analysis, guarded: one picklable step for a worker process."""
    return guard_analysis(engine.analyse_sync(article))  # type: ignore[attr-defined]


def warm_up() -> None:
    """Run one small page through extraction, the offline engine and the citation guard, and a short one
    through extraction's fallbacks."""
    from bot.engines.local import LocalEngine
    from bot.extract import extract_article

    with contextlib.suppress(errors.NoArticleText):
        extract_article(_WARM_UP_SHORT_PAGE, "https://warm-up.invalid/")
    article = extract_article(_WARM_UP_PAGE, "https://warm-up.invalid/")
    guard_analysis(LocalEngine().analyse_sync(article))
    warm_up_guard()  # eyecite is imported only for case-like text; a bot's first article should not pay
