"""Every bundled page, on every platform: a reply read at a glance, nothing twice, every quote whole.

The pages are the project's own: tests/fixtures/pages, examples/ and eval/cases (when present).
Each is extracted and analysed offline, then rendered for the terminal, Markdown, Discord and Slack.
"""

import re
from collections import Counter
from pathlib import Path

import pytest

from bot import errors
from bot.adapters.reply_text import PLATFORMS, compact_texts, everything_texts
from bot.engines.local import LocalEngine
from bot.extract import extract_article
from bot.models import Analysis, Kind, Statement
from bot.pipeline import offline_analysis
from bot.render.plan import build_plan
from bot.render.quotes import SHINGLE, count_words, words_of
from bot.web.source import read_local_page

ROOT = Path(__file__).parent.parent
PAGES = sorted(
    [
        *ROOT.glob("tests/fixtures/pages/*.html"),
        *ROOT.glob("examples/*.html"),
        *ROOT.glob("eval/cases/**/*.html"),
    ]
)
WORD_LIMIT = 230
_ANALYSES: dict[Path, Analysis | None] = {}


def analysis_of(page: Path) -> Analysis:
    if page not in _ANALYSES:
        try:
            article = extract_article(read_local_page(page), "")
            _ANALYSES[page] = offline_analysis(LocalEngine(), article)
        except errors.FootnoteError:
            _ANALYSES[page] = None  # a page that is not an article gets a one-line answer instead
    found = _ANALYSES[page]
    if found is None:
        pytest.skip(f"{page.name} is not an article")
    return found


def case_id(page: Path) -> str:
    return str(page.relative_to(ROOT))


def times_shown(statement: Statement, words: list[str]) -> int:
    """How often the sentence, or any run of SHINGLE of its words, appears in `words` (most of any run)."""
    mine = words_of(statement.text)
    size = min(SHINGLE, len(mine))
    if not size:
        return 0
    runs = Counter(tuple(words[i : i + size]) for i in range(len(words) - size + 1))
    return max(runs[tuple(mine[i : i + size])] for i in range(len(mine) - size + 1))


def ends_at_clause(quote: str, sentence: str) -> bool:
    """A quote is the sentence, or a part of it that starts and ends where clauses do."""
    sentence = " ".join(sentence.split())
    if quote == sentence:
        return True
    core = quote.removeprefix("…").removesuffix("…").rstrip('”"’')
    at = sentence.find(core)
    if at < 0:
        return False
    after = sentence[at + len(core) :].lstrip('”"’)')
    before = sentence[:at]
    ends_well = not quote.endswith("…") or after == "" or bool(re.match(r"[,;:—–]|\s[—–-]", after))
    starts_well = not quote.startswith("…") or bool(
        re.search(r"([,;:][\"”’)]*\s|[—–]\s?|\s[—–-]\s)$", before)
    )
    return ends_well and starts_well


def test_the_cases_are_found():
    assert len(PAGES) >= 8 and any(p.parent.name == "examples" for p in PAGES)


@pytest.mark.parametrize("page", PAGES, ids=case_id)
def test_the_default_reply_is_short_says_nothing_twice_and_quotes_whole_clauses(page):
    analysis = analysis_of(page)
    for platform, text in compact_texts(analysis).items():
        assert count_words(text) <= WORD_LIMIT, (platform, count_words(text))
        words = words_of(text)
        for statement in analysis.statements:
            assert times_shown(statement, words) <= 1, (platform, statement.text)
    terminal = " ".join(compact_texts(analysis)["terminal"].split())
    for items in build_plan(analysis).items.values():
        for item in items:
            assert ends_at_clause(item.quote, item.statement.text), item.quote
            assert item.quote in terminal


@pytest.mark.parametrize("page", PAGES, ids=case_id)
def test_show_all_shows_every_statement_whole_on_every_platform(page):
    analysis = analysis_of(page)
    shown = {p: " ".join(t.split()) for p, t in everything_texts(analysis).items()}
    assert set(shown) == set(PLATFORMS)
    for statement in analysis.statements:
        for platform, text in shown.items():
            assert " ".join(statement.text.split()) in text, (platform, statement.text)


def test_the_clause_check_can_fail():
    sentence = "So far, there is no evidence of charges, but the divide deepens—one that could be tested."
    assert ends_at_clause("So far, there is no evidence of charges…", sentence)
    assert ends_at_clause("…but the divide deepens…", sentence)
    assert not ends_at_clause("So far, there is no evidence…", sentence)
    assert not ends_at_clause("…the divide deepens…", sentence)
    assert times_shown(Statement(text=sentence, kind=Kind.FACT), words_of(f"{sentence} {sentence}")) == 2
