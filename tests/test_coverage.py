"""The coverage line: every answer says how much of the article it read, from the extraction's evidence,
on every platform (terminal, Markdown, Discord, Slack, `--json`) and from the cache too."""

import json
from pathlib import Path

import pytest
from support.page_server import PageServer

from bot.adapters.discord.embeds import render_answer as discord_answer
from bot.adapters.slack.blocks import render_answer as slack_answer
from bot.cli import main
from bot.config import Settings
from bot.engines.local import MAX_READ_CHARS, LocalEngine, first_part
from bot.extract import extract_article, tree
from bot.extract.article import MAX_TEXT_CHARS
from bot.models import Analysis, ArticleMeta, Coverage, Flag, FlagKind
from bot.render.coverage import coverage_line
from bot.render.markdown import render_markdown
from bot.render.plan import WORD_BUDGET, build_plan
from bot.render.terminal import render_terminal
from bot.service import messages
from bot.service.service import ExplainService
from bot.service.sqlite_store import SqliteStore
from bot.service.types import Where, Who

HERE = Path(__file__).parent
EXAMPLE = HERE.parent / "examples" / "ice-agents-state-prosecution.html"
TEASER_PAGE = HERE / "fixtures" / "pages" / "paywall-teaser.html"
DESCRIPTION = "Two banks are in secret merger talks that could create a top-five lender, sources say."
DESCRIPTION_ONLY = f"""<!doctype html><html lang="en"><head><title>Exclusive: inside the merger talks</title>
<meta name="description" content="{DESCRIPTION}"></head>
<body><article><h1>Exclusive: inside the merger talks</h1><p class="byline">By Pat Probe</p>
<p>Subscribe to continue reading.</p></article></body></html>"""

FULL_LINE = "Read the full article, 219 words."
TEASER_LINE = "Read the first 2 paragraphs"
TEASER_REST = "the rest is behind a paywall."
DESCRIPTION_LINE = "Read the page's description only; the article is behind a paywall."


def extracted(kind: str) -> Analysis:
    pages = {
        "full": (EXAMPLE.read_text(encoding="utf-8"), "https://trendwirenow.example/ice"),
        "teaser": (
            TEASER_PAGE.read_text(encoding="utf-8"),
            "https://riversidetribune.example/hospital-merger",
        ),
        "description": (DESCRIPTION_ONLY, "https://probe.example/merger"),
    }
    html, url = pages[kind]
    return LocalEngine().analyse_sync(extract_article(html, url))


def test_extraction_records_how_much_it_read():
    full, teaser, description = (extracted(k).article for k in ("full", "teaser", "description"))
    assert (full.coverage, full.paywalled, full.words) == (Coverage.FULL, False, 219)
    assert (teaser.coverage, teaser.paragraphs, teaser.paywalled) == (Coverage.PARTIAL, 2, True)
    assert (description.coverage, description.paragraphs) == (Coverage.DESCRIPTION, 1)


@pytest.mark.parametrize(
    ("kind", "expected"),
    [
        ("full", [FULL_LINE]),
        ("teaser", [TEASER_LINE, TEASER_REST]),
        ("description", [DESCRIPTION_LINE]),
    ],
)
def test_the_line_is_right_and_shown_on_every_platform(kind, expected):
    analysis = extracted(kind)
    line = coverage_line(analysis)
    assert all(part in line for part in expected)
    if kind == "teaser":
        words = analysis.article.words
        assert line == f"Read the first 2 paragraphs ({words} words); the rest is behind a paywall."
    shown = {
        "terminal": render_terminal(analysis),
        "terminal --all": render_terminal(analysis, everything=True),
        "markdown": render_markdown(analysis),
        "discord": discord_answer(analysis).embeds[0].description or "",
        "slack": json.dumps(slack_answer(analysis).blocks, ensure_ascii=False),
        "json": analysis.model_dump_json(),
    }
    for platform, text in shown.items():
        assert line in text.replace("\\'", "'"), platform
    assert build_plan(analysis).words() <= WORD_BUDGET


def test_a_partly_read_page_is_told_once_by_the_coverage_line_not_again_under_read_with_care():
    analysis = extracted("teaser")
    assert any(f.kind == FlagKind.PARTIAL_TEXT for f in analysis.flags)
    text = render_terminal(analysis)
    assert "only part of the article could be read" not in text
    assert text.count("behind a paywall") == 1


def test_a_teaser_cut_short_without_a_paywall_says_so_plainly():
    meta = ArticleMeta(words=1, coverage=Coverage.PARTIAL, paragraphs=1)
    assert coverage_line(meta) == "Read the first paragraph (1 word); the rest could not be read."


def test_an_analysis_cached_before_coverage_was_recorded_still_gets_an_honest_line():
    old = {"article": {"url": "https://x.example/a", "words": 340}, "summary": "s"}
    assert coverage_line(Analysis.model_validate(old)) == "Read the full article, 340 words."
    flagged = {**old, "flags": [{"kind": "partial_text", "detail": ""}]}
    line = coverage_line(Analysis.model_validate(flagged))
    assert line == "Read only part of the article (340 words); the rest could not be read."


async def test_a_cached_analysis_carries_its_coverage(tmp_path):
    analysis = extracted("teaser")
    store = SqliteStore(tmp_path / "f.sqlite3")
    await store.start()
    try:
        await store.save_analysis("k", analysis.article.url, analysis, "text", 100.0)
        cached = await store.cached_analysis("k", 0.0)
    finally:
        await store.close()
    assert cached is not None
    assert cached.analysis.article == analysis.article
    assert cached.analysis.coverage_line == coverage_line(analysis)


def test_explain_json_prints_the_coverage(capsys):
    assert main(["explain", "--json", "--engine", "local", str(EXAMPLE)]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["coverage_line"] == FULL_LINE
    assert out["article"]["coverage"] == "full" and out["article"]["paragraphs"] >= 1


def test_a_flag_alone_never_adds_a_second_partial_warning():
    analysis = Analysis(
        article=ArticleMeta(words=90, coverage=Coverage.PARTIAL, paragraphs=3, paywalled=True),
        summary="s.",
        flags=[Flag(kind=FlagKind.PARTIAL_TEXT, detail="Only the teaser.")],
    )
    plan = build_plan(analysis)
    assert plan.care is None
    assert plan.coverage == "Read the first 3 paragraphs (90 words); the rest is behind a paywall."


def long_page(paragraphs: int) -> str:
    """A plain news page whose story has `paragraphs` distinct paragraphs (about 290 characters each)."""
    body = "\n".join(
        f"<p>The council met again on day {n} to debate the harbour budget, and members said the port "
        f"authority had still not published the figures it promised in session {n}. A spokesperson "
        f"said the report would follow within weeks, while residents asked why item {n} was delayed.</p>"
        for n in range(paragraphs)
    )
    return (
        '<!doctype html><html lang="en"><head><title>The longest budget debate</title></head><body>'
        f"<article><h1>The longest budget debate</h1><p class='byline'>By Pat Long</p>{body}</article>"
        "</body></html>"
    )


def shown_everywhere(analysis: Analysis) -> dict[str, str]:
    return {
        "terminal": render_terminal(analysis),
        "markdown": render_markdown(analysis),
        "discord": discord_answer(analysis).embeds[0].description or "",
        "slack": json.dumps(slack_answer(analysis).blocks, ensure_ascii=False),
        "json": analysis.model_dump_json(),
    }


@pytest.mark.parametrize("paragraphs", [160, 800])  # past the engine's reading cap; past extraction's cap too
def test_a_very_long_article_says_it_read_only_its_opening(paragraphs):
    article = extract_article(long_page(paragraphs), "https://ledger.example/budget")
    cut_by_extraction = len(article.text) < paragraphs * 250
    assert cut_by_extraction == (paragraphs == 800)
    assert len(article.text) <= MAX_TEXT_CHARS
    assert article.coverage is Coverage.FULL and not article.paywalled
    assert article.read_words == (article.words if cut_by_extraction else 0)
    analysis = LocalEngine().analyse_sync(article)
    read = first_part(article).text
    assert len(read) <= MAX_READ_CHARS and analysis.article.read_words == len(read.split())
    assert analysis.article.words == article.words  # how long the text extraction kept is still told
    line = f"Read the first {len(read.split()):,} words of a very long article."
    assert coverage_line(analysis) == line
    for platform, text in shown_everywhere(analysis).items():
        assert line in text, platform
    assert "full article" not in render_terminal(analysis)


def test_a_short_article_is_still_read_in_full():
    analysis = LocalEngine().analyse_sync(extract_article(long_page(20), "https://ledger.example/budget"))
    assert analysis.article.read_words == 0
    assert coverage_line(analysis) == f"Read the full article, {analysis.article.words:,} words."


def test_a_page_past_the_markup_cap_says_it_read_only_its_opening(monkeypatch):
    """The markup past the cap goes unread: the reply must not call what was read the full article."""
    page = long_page(40)
    whole = extract_article(page, "https://ledger.example/budget")
    monkeypatch.setattr(tree, "MAX_MARKUP_CHARS", page.index("day 20 "))
    opening = extract_article(page, "https://ledger.example/budget")
    assert whole.read_words == 0 and "day 39 " in whole.text
    assert "day 19 " in opening.text and "day 21 " not in opening.text
    assert opening.read_words == opening.words and opening.coverage is Coverage.FULL
    assert coverage_line(opening) == f"Read the first {opening.words:,} words of a very long article."


async def test_the_notice_for_a_long_article_mentions_no_paywall(tmp_path):
    async with PageServer() as pages:
        pages.pages["long"], pages.pages["teaser"] = long_page(160), TEASER_PAGE.read_text(encoding="utf-8")
        settings = Settings(
            FOOTNOTE_DB=f"sqlite:///{tmp_path / 'footnote.sqlite3'}",
            FOOTNOTE_ALLOW_PRIVATE_NETWORKS=True,
            FOOTNOTE_ENGINE="local",
        )
        async with ExplainService(settings) as service:
            here = Where(platform="cli", workspace="w", channel="c")
            long = await service.explain(pages.url("/page/long"), here, Who(user_id="u"))
            teaser = await service.explain(pages.url("/page/teaser"), here, Who(user_id="u"))
    assert long.analysis is not None and long.message == messages.long_text()
    assert "paywall" not in long.message
    assert teaser.analysis is not None and teaser.message == messages.partial_text()
