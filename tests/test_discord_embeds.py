"""Discord rendering: any analysis fits every limit, article text never pings or misleads; golden ICE embed.

Regenerate the golden after an intended renderer change with
`FOOTNOTE_UPDATE_GOLDEN=1 .venv/bin/pytest tests/test_discord_embeds.py` and review the diff.
"""

import json
import os
import re
from pathlib import Path

import discord
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.adapters.discord import embeds
from bot.adapters.discord.embeds import render_all, render_answer, render_article_text, render_notice
from bot.adapters.discord.safety import clip, inert
from bot.models import Analysis, ArticleMeta, Flag, FlagKind, Kind, LegalNote, Statement, Usage
from bot.service.types import ExplainResult, Status

HERE = Path(__file__).parent
GOLDEN = HERE / "golden" / "discord_ice_embed.json"
ICE_ANALYSIS = HERE / "fixtures" / "ice_analysis.json"

LIVE_MENTION = re.compile(r"@(everyone|here)|<@!?\d+>|<@&\d+>|<#\d+>|</[\w -]+:\d+>|<t:\d+")
BIDI = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
MASKED_LINK = re.compile(r"(?<!\\)\[[^\]]*(?<!\\)\]\(")
HOSTILE = (
    "@everyone @here <@123> <@!42> <@&456> <#789> </ban:1> <t:1700000000> "
    "[bank.com](https://evil.example) **bold** __under__ ||spoiler|| `code` \\@everyone"
    "\n# Heading\n> quote\n-# small"
)


def strings_of(embed: discord.Embed) -> list[str]:
    data = embed.to_dict()
    found = [data.get("title", ""), data.get("description", ""), data.get("footer", {}).get("text", "")]
    for field in data.get("fields", []):
        found += [field["name"], field["value"]]
    return found


def assert_within_limits(message: list[discord.Embed]) -> None:
    """One message's embeds against every limit Discord enforces."""
    assert 1 <= len(message) <= embeds.EMBEDS_PER_MESSAGE
    total = 0
    for embed in message:
        data = embed.to_dict()
        assert len(data.get("title", "")) <= embeds.TITLE_LIMIT
        assert len(data.get("description", "")) <= embeds.DESCRIPTION_LIMIT
        assert len(data.get("footer", {}).get("text", "")) <= embeds.FOOTER_LIMIT
        fields = data.get("fields", [])
        assert len(fields) <= embeds.FIELDS_PER_EMBED
        for field in fields:
            assert 0 < len(field["name"]) <= embeds.FIELD_NAME_LIMIT and field["name"].strip()
            assert 0 < len(field["value"]) <= embeds.FIELD_VALUE_LIMIT and field["value"].strip()
        total += sum(len(s) for s in strings_of(embed))
    assert total == embeds.embeds_size(message) <= embeds.TOTAL_LIMIT


def assert_inert(texts: list[str]) -> None:
    for text in texts:
        assert not LIVE_MENTION.search(text), text
        assert not MASKED_LINK.search(text), text
        assert not BIDI.search(text), text  # no mark or override can reverse how a quote reads


# Text that mixes words, markdown, mention syntax and odd characters, sometimes very long.
WORDS = st.sampled_from(
    [
        "the",
        "council",
        "@everyone",
        "<@123>",
        "<#789>",
        "<@&456>",
        "[x](https://e.vil)",
        "**",
        "_",
        "\\",
        "`",
        "—",
        "\n",
        "# ",
        "> ",
        "1.",
        "ünïcödé",
        "📰",
        "\u200b",
        "\u202e",
        "\u200e\u200f\u061c\u2067\u2069",
        "a" * 300,
    ]
)
LONG = st.sampled_from([HOSTILE * 30, "word " * 2000, "@everyone " * 900, "x" * 5000])
TEXT = st.one_of(st.text(max_size=400), st.lists(WORDS, max_size=400).map(" ".join), LONG)
SHORT = st.one_of(st.text(max_size=80), st.lists(WORDS, max_size=40).map(" ".join))

STATEMENTS = st.builds(
    Statement,
    text=TEXT,
    kind=st.sampled_from(list(Kind)),
    source=st.one_of(st.none(), SHORT),
    why=st.just(""),
)
NOTES = st.builds(
    LegalNote,
    topic=SHORT,
    title=SHORT,
    jurisdiction=st.sampled_from(["US federal", "California", "EU"]),
    explanation=TEXT,
    relevance=TEXT,
    authorities=st.lists(SHORT, max_size=4),
)
ANALYSES = st.builds(
    Analysis,
    article=st.builds(
        ArticleMeta,
        url=st.just("https://news.example/story"),
        title=TEXT,
        site=SHORT,
        byline=st.one_of(st.none(), SHORT),
        published=st.one_of(st.none(), SHORT),
    ),
    summary=TEXT,
    statements=st.lists(STATEMENTS, max_size=100),
    legal=st.lists(NOTES, max_size=10),
    legal_unavailable=st.one_of(st.none(), SHORT),
    flags=st.lists(st.builds(Flag, kind=st.sampled_from(list(FlagKind)), detail=TEXT), max_size=4),
    engine=st.sampled_from(["local", "openai:gpt-4.1-mini/p3"]),
    usage=st.builds(Usage, condensed=st.booleans()),
)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large]
)
@given(ANALYSES)
def test_any_analysis_renders_within_every_discord_limit_and_stays_inert(analysis):
    answer = render_answer(analysis, "https://news.example/story")
    assert len(answer.embeds) == 1
    assert_within_limits(answer.embeds)
    pages = render_all(analysis, "https://news.example/story")
    for page in pages:
        assert_within_limits(page)
    assert_inert([s for e in answer.embeds + [e for p in pages for e in p] for s in strings_of(e)])


@settings(max_examples=200, deadline=None)
@given(st.one_of(st.text(), st.lists(WORDS, max_size=60).map("".join)))
def test_inert_text_never_holds_a_live_mention_or_masked_link(text):
    assert_inert([inert(text)])


@given(st.text(), st.integers(min_value=1, max_value=300))
def test_clip_respects_the_limit_and_marks_a_cut(text, limit):
    cut = clip(text, limit)
    assert len(cut) <= limit
    assert cut == text if len(text) <= limit else cut.endswith("…")


def hostile_analysis(statements: int = 12) -> Analysis:
    return Analysis(
        article=ArticleMeta(
            url="https://news.example/a", title=f"Title {HOSTILE}", site=HOSTILE, byline=HOSTILE
        ),
        summary=f"Summary {HOSTILE}",
        statements=[
            Statement(text=f"Line {i} {HOSTILE}", kind=list(Kind)[i % 4], source=f"officials {HOSTILE}")
            for i in range(statements)
        ],
        legal=[
            LegalNote(
                topic="t",
                title=HOSTILE,
                jurisdiction="US federal",
                explanation=HOSTILE,
                relevance=HOSTILE,
                authorities=[HOSTILE],
            )
        ],
        flags=[Flag(kind=FlagKind.ANONYMOUS_SOURCING, detail=HOSTILE)],
    )


def test_an_article_full_of_mentions_and_tricks_renders_with_no_live_mention():
    analysis = hostile_analysis()
    answer = render_answer(analysis, "https://news.example/a")
    texts = [s for e in answer.embeds for s in strings_of(e)]
    texts += [s for page in render_all(analysis) for e in page for s in strings_of(e)]
    texts += strings_of(render_article_text(HOSTILE * 3, "https://news.example/a"))
    texts.append(render_notice(ExplainResult(status=Status.FAILED, link="x", message=HOSTILE)))
    assert_inert(texts)
    joined = "\n".join(texts)
    # The words are still there for a reader: only made literal.
    assert "@\u200beveryone" in joined and "<\u200b@\u200b123>" in joined and "<\u200b#789>" in joined
    assert "\\[bank.com\\](https://evil.example)" in joined
    assert "\\*\\*bold\\*\\*" in joined and "\\# Heading" in joined


def test_long_sections_offer_show_all_which_shows_every_statement_whole():
    analysis = hostile_analysis(statements=40)
    answer = render_answer(analysis)
    assert answer.more
    compact = "\n".join(strings_of(answer.embeds[0]))
    assert sum(f"Line {i} " in compact for i in range(40)) <= 8  # at most two per kind
    everything = [f["value"] for page in render_all(analysis) for e in page for f in e.to_dict()["fields"]]
    assert sum(v.count("• ") for v in everything) == 40  # a bullet per statement; topics and flags have none
    joined = "\n".join(everything)
    assert all(inert(s.text) in joined for s in analysis.statements)


def test_a_short_answer_has_no_show_all():
    analysis = Analysis(
        article=ArticleMeta(url="https://news.example/b", title="Short"),
        summary="Brief.",
        statements=[Statement(text="The vote passed.", kind=Kind.FACT)],
    )
    answer = render_answer(analysis, "https://news.example/b?id=1")
    assert not answer.more
    assert answer.embeds[0].url == "https://news.example/b?id=1"  # the buttons read the link back from here


def test_already_here_keeps_a_working_pointer_and_other_notices_are_one_line():
    link = "https://discord.com/channels/1/2/3"
    result = ExplainResult(
        status=Status.ALREADY_HERE,
        link="x",
        permalink=link,
        message=f"I explained this link here recently: {link}",
    )
    assert render_notice(result) == f"I explained this link here recently: {link}"
    blocked = render_notice(ExplainResult(status=Status.DOMAIN_BLOCKED, link="x"))
    assert blocked.startswith("⚠️ ") and "\n" not in blocked


def test_golden_ice_embed():
    analysis = Analysis.model_validate_json(ICE_ANALYSIS.read_text(encoding="utf-8"))
    answer = render_answer(analysis, analysis.article.url)
    rendered = {"embeds": [e.to_dict() for e in answer.embeds], "show_all": answer.more}
    if os.environ.get("FOOTNOTE_UPDATE_GOLDEN"):
        GOLDEN.parent.mkdir(exist_ok=True)
        GOLDEN.write_text(json.dumps(rendered, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    assert rendered == json.loads(GOLDEN.read_text(encoding="utf-8"))
    assert_within_limits(answer.embeds)
