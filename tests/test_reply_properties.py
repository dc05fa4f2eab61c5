"""Any analysis, hostile text included, packed by the one packer: within every platform limit,
within the word budget, and pinging no one on Discord or Slack."""

import re

import discord
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from support.fake_slack_api import limit_problems

from bot.adapters.discord import embeds
from bot.adapters.reply_text import compact_texts
from bot.adapters.slack.blocks import render_all as slack_all
from bot.adapters.slack.blocks import render_answer as slack_answer
from bot.models import Analysis, ArticleMeta, Flag, FlagKind, Kind, LegalNote, Statement, Usage
from bot.render.plan import WORD_BUDGET, build_plan
from bot.render.quotes import count_words

PIECES = [
    "@everyone",
    "@here",
    "<@123>",
    "<@!42>",
    "<@&456>",
    "<#789>",
    "<!channel>",
    "<!here>",
    "<!subteam^S1|@team>",
    "<@U123>",
    "<https://evil.example|bank.com>",
    "[bank](https://evil.example)",
    "**",
    "__",
    "||",
    "`",
    "\\",
    "&amp;",
    "# ",
    "> ",
    "\n",
    "\u200e",
    "\u200f",
    "\u061c",
    "\u202e",
    "\u2066",
    "\u2069",
    "said",
    "could",
    ",",
    "—",
    "the",
    "officials",
    "x" * 400,
]
HUGE = st.sampled_from(["@everyone " * 500, "<!channel>&" * 500, "\u202e" * 3000, "word " * 800, "y" * 5000])
TEXT = st.one_of(st.lists(st.sampled_from(PIECES), max_size=60).map(" ".join), st.text(max_size=200), HUGE)
SHORT = st.one_of(st.lists(st.sampled_from(PIECES), max_size=8).map(" ".join), st.text(max_size=40))
ANALYSES = st.builds(
    Analysis,
    article=st.builds(
        ArticleMeta,
        url=st.sampled_from(["https://news.example/a", "", "javascript:alert(1)"]),
        title=TEXT,
        site=SHORT,
        byline=st.one_of(st.none(), SHORT),
        published=st.one_of(st.none(), SHORT),
    ),
    summary=TEXT,
    statements=st.lists(
        st.builds(Statement, text=TEXT, kind=st.sampled_from(list(Kind)), source=st.one_of(st.none(), SHORT)),
        max_size=25,
    ),
    legal=st.lists(
        st.builds(
            LegalNote,
            topic=SHORT,
            title=SHORT,
            jurisdiction=SHORT,
            explanation=TEXT,
            relevance=TEXT,
            authorities=st.lists(SHORT, max_size=4),
            cautions=st.lists(SHORT, max_size=2),
        ),
        max_size=5,
    ),
    legal_unavailable=st.one_of(st.none(), SHORT),
    flags=st.lists(st.builds(Flag, kind=st.sampled_from(list(FlagKind)), detail=TEXT), max_size=4),
    engine=st.sampled_from(["local", "openai:gpt-4.1-mini/prompt-v3"]),
    usage=st.builds(Usage, condensed=st.booleans(), unreadable_language=st.one_of(st.none(), SHORT)),
)
DISCORD_PING = re.compile(r"@(everyone|here)|<@[!&]?\d+>|<#\d+>")
BIDI = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def discord_strings(message: list[discord.Embed]) -> list[str]:
    found = []
    for embed in message:
        data = embed.to_dict()
        found += [data.get("title", ""), data.get("description", ""), data.get("footer", {}).get("text", "")]
        found += [s for f in data.get("fields", []) for s in (f["name"], f["value"])]
    return found


def assert_discord_message_fits(message: list[discord.Embed]) -> None:
    assert 1 <= len(message) <= embeds.EMBEDS_PER_MESSAGE
    for embed in message:
        data = embed.to_dict()
        assert len(data.get("title", "")) <= embeds.TITLE_LIMIT
        assert len(data.get("description", "")) <= embeds.DESCRIPTION_LIMIT
        assert len(data.get("fields", [])) <= embeds.FIELDS_PER_EMBED
        for field in data.get("fields", []):
            assert 0 < len(field["name"]) <= embeds.FIELD_NAME_LIMIT
            assert 0 < len(field["value"]) <= embeds.FIELD_VALUE_LIMIT
    assert embeds.embeds_size(message) <= embeds.TOTAL_LIMIT
    for text in discord_strings(message):
        assert not DISCORD_PING.search(text), text
        assert not BIDI.search(text), text


def slack_pings(payload: dict) -> list[str]:
    """`<…>` sequences other than our own links labelled with their host: mentions, channel pings."""
    text = str(payload)
    return [m for m in re.findall(r"<[^<>]*>", text) if not re.fullmatch(r"<https?://[^|<>]+\|[\w.-]+>", m)]


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large]
)
@given(ANALYSES)
def test_any_analysis_fits_every_platform_and_pings_no_one(analysis):
    plan = build_plan(analysis)
    assert plan.words() <= WORD_BUDGET + 10  # the budget bends only for a summary with no sentence end
    for platform, text in compact_texts(analysis).items():
        assert count_words(text) <= 240, platform

    answer = embeds.render_answer(analysis, analysis.article.url or None)
    assert_discord_message_fits(answer.embeds)
    for message in embeds.render_all(analysis):
        assert_discord_message_fits(message)

    for message in [slack_answer(analysis, analysis.article.url or None), *slack_all(analysis)]:
        payload = message.payload()
        assert limit_problems(payload) == [], limit_problems(payload)
        assert slack_pings(payload) == []
        assert not BIDI.search(str(payload))
