"""Block Kit rendering: every message inside Slack's limits, and article text never live mrkdwn.

Regenerate the golden after an intended renderer change with
`FOOTNOTE_UPDATE_GOLDEN=1 .venv/bin/pytest tests/test_slack_blocks.py` and review the diff.
"""

import json
import os
import re
from pathlib import Path
from urllib.parse import urlsplit

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from support.fake_slack_api import limit_problems

from bot.adapters.slack.blocks import (
    MESSAGE_LIMIT,
    message_size,
    render_all,
    render_answer,
    render_article_text,
    render_notice,
    render_reply,
)
from bot.adapters.slack.mrkdwn import escape, inert, link_markup
from bot.models import Analysis, ArticleMeta, Flag, FlagKind, Kind, LegalNote, Statement, Usage
from bot.service.types import ExplainResult, Status

HOSTILE = [
    "<!channel>",
    "<!here>",
    "<!everyone>",
    "<@U123>",
    "<#C1>",
    "<https://evil.example|bank.com>",
    "&lt;!here&gt;",
    "<!subteam^S1|@team>",
    "*bold* _it_ ~x~ `code`",
    "&amp;",
    "\u202e\x00",
    "\u200e\u200f\u061c\u2066\u2069",
    "@here",
    "@channel",
    "#general",
]
LINK = "https://news.example.com/story?id=1"
# Our own links: `<url|host>` where the label is the URL's own host.
_OUR_LINK = re.compile(r"<(https?://[^|<>\s]+)\|([^<>|]+)>")

words = st.one_of(st.sampled_from(HOSTILE), st.text(min_size=1, max_size=30))
texts = st.lists(words, max_size=30).map(" ".join)
long_texts = st.one_of(texts, st.integers(500, 5000).map(lambda n: ("x<@U1> &" * n)[:n]))


@st.composite
def analyses(draw) -> Analysis:
    statements = draw(
        st.lists(
            st.builds(
                Statement,
                text=long_texts,
                kind=st.sampled_from(list(Kind)),
                source=st.one_of(st.none(), texts),
            ),
            max_size=100,
        )
    )
    legal = draw(
        st.lists(
            st.builds(
                LegalNote,
                topic=st.just("topic"),
                title=texts,
                jurisdiction=st.sampled_from(["US federal", "<!channel>", "California"]),
                explanation=long_texts,
                relevance=long_texts,
                authorities=st.lists(texts, max_size=6),
            ),
            max_size=10,
        )
    )
    flags = draw(st.lists(st.builds(Flag, kind=st.sampled_from(list(FlagKind)), detail=texts), max_size=6))
    article = ArticleMeta(
        url=draw(st.sampled_from([LINK, "javascript:alert(1)", "https://x.example/<!here>", ""])),
        title=draw(long_texts),
        site=draw(texts),
        byline=draw(st.one_of(st.none(), texts)),
        published=draw(st.one_of(st.none(), texts)),
    )
    return Analysis(
        article=article,
        summary=draw(long_texts),
        statements=statements,
        legal=legal,
        legal_unavailable=draw(st.one_of(st.none(), texts)),
        flags=flags,
        engine=draw(st.sampled_from(["local", "openai:gpt-4.1-mini/v1"])),
        usage=Usage(condensed=draw(st.booleans())),
    )


def all_texts(payload: dict) -> list[str]:
    found = [payload["text"]]

    def walk(value) -> None:
        if isinstance(value, dict):
            for key, item in value.items():
                if key == "text" and isinstance(item, str):
                    found.append(item)
                else:
                    walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    walk(payload.get("blocks") or [])
    return found


def mrkdwn_objects(value) -> list[dict]:
    """Every mrkdwn text object inside blocks (section texts, context elements...)."""
    if isinstance(value, dict):
        found = [value] if value.get("type") == "mrkdwn" else []
        return found + [o for item in value.values() for o in mrkdwn_objects(item)]
    if isinstance(value, list):
        return [o for item in value for o in mrkdwn_objects(item)]
    return []


def assert_inert(payload: dict) -> None:
    """No `<…>` control sequence except our own honestly labelled links; no broken entities;
    every mrkdwn object verbatim, so Slack links no bare `@here`, `#general` or URL in it."""
    assert all(o.get("verbatim") is True for o in mrkdwn_objects(payload.get("blocks") or []))
    for text in all_texts(payload):
        for url, label in _OUR_LINK.findall(text):
            assert label == urlsplit(url).hostname, text
        rest = _OUR_LINK.sub("", text)
        assert "<" not in rest and ">" not in rest, text
        assert not re.search(r"&(?!amp;|lt;|gt;)", rest), text
        assert not re.search("[\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c\x00]", rest), text


def buttons(payload: dict) -> dict[str, str]:
    return {
        element["action_id"]: element["value"]
        for block in payload["blocks"]
        if block["type"] == "actions"
        for element in block["elements"]
    }


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(analysis=analyses())
def test_any_answer_fits_every_limit_and_shows_article_text_inert(analysis):
    answer = render_answer(analysis, LINK).payload()
    assert limit_problems(answer) == [] and message_size(render_answer(analysis, LINK)) <= MESSAGE_LIMIT
    assert_inert(answer)
    assert buttons(answer).get("footnote_up") == LINK
    for page in render_all(analysis):
        assert limit_problems(page.payload()) == []
        assert_inert(page.payload())


@settings(max_examples=40, deadline=None)
@given(text=long_texts)
def test_what_i_read_and_notices_fit_and_are_inert(text):
    for message in (
        render_article_text(text, LINK),
        render_notice(ExplainResult(status=Status.FAILED, link=LINK, message=text)),
        render_notice(ExplainResult(status=Status.ALREADY_HERE, link=LINK, message=text, permalink=text)),
    ):
        assert limit_problems(message.payload()) == []
        assert_inert(message.payload())


@settings(max_examples=200, deadline=None)
@given(text=st.text(max_size=400), limit=st.integers(1, 300))
def test_inert_text_is_within_its_limit_and_never_cuts_an_entity(text, limit):
    shown = inert(text, limit)
    assert len(shown) <= limit
    assert "<" not in shown and ">" not in shown
    assert not re.search(r"&(?!amp;|lt;|gt;)", shown)


def test_hostile_article_text_is_shown_literally():
    analysis = Analysis(
        article=ArticleMeta(url=LINK, title="<!channel> wins", site="<https://evil.example|bank.com>"),
        summary="Ping <@U123> in <#C1> about &lt;!here&gt; now, or @here and @channel in #general.",
        statements=[Statement(text="<!everyone> read this, @here", kind=Kind.FACT)],
    )
    answer = render_answer(analysis, LINK).payload()
    shown = "\n".join(all_texts(answer))
    assert "@here and @channel in #general" in shown and "read this, @here" in shown
    assert len(mrkdwn_objects(answer["blocks"])) >= 4  # context and sections, all checked below
    assert "&lt;!channel&gt; wins" in shown
    assert "&lt;@U123&gt;" in shown and "&lt;#C1&gt;" in shown
    assert "&amp;lt;!here&amp;gt;" in shown  # shown as the characters "&lt;!here&gt;", not as <!here>
    assert "&lt;https://evil.example|bank.com&gt;" in shown
    assert "<https://news.example.com/story?id=1|news.example.com>" in shown
    assert_inert(answer)


def test_long_answers_offer_show_all_which_shows_every_statement():
    statements = [Statement(text=f"Fact number {n} about the vote.", kind=Kind.FACT) for n in range(40)]
    analysis = Analysis(article=ArticleMeta(url=LINK, title="Vote"), summary="A vote.", statements=statements)
    answer = render_answer(analysis, LINK)
    assert answer.more and "footnote_all" in buttons(answer.payload())
    assert str(answer.blocks).count("Fact number") <= 2
    everything = "".join(str(page.blocks) for page in render_all(analysis))
    assert all(f"Fact number {n} about the vote." in everything for n in range(40))


def test_links_are_labelled_with_their_own_host_and_unsafe_ones_are_dropped():
    assert link_markup("https://a.example/x") == "<https://a.example/x|a.example>"
    assert link_markup("javascript:alert(1)") == ""
    assert link_markup("https://a.example/<!here>") == ""
    assert link_markup("https://a.example/" + "x" * 600) == ""


def test_links_with_query_strings_keep_their_link_with_ampersands_escaped():
    assert (
        link_markup("https://a.example/s?id=1&ref=rss") == "<https://a.example/s?id=1&amp;ref=rss|a.example>"
    )
    assert link_markup("https://a.example/s?q=a&amp;b") == "<https://a.example/s?q=a&amp;amp;b|a.example>"
    for unsafe in ("https://a.example/a|b", "https://a.example/a b", "https://a.example/\x07", "https://[x"):
        assert link_markup(unsafe) == "", unsafe
    long_query = "https://a.example/?" + "&" * 100  # 119 characters, 519 once escaped
    assert link_markup(long_query) == ""
    analysis = Analysis(article=ArticleMeta(url=LINK, title="Vote"), summary="A vote.")
    answer = render_answer(analysis, LINK + "&x=2")
    assert "<https://news.example.com/story?id=1&amp;x=2|news.example.com>" in str(answer.blocks)
    assert_inert(answer.payload())


def test_command_replies_keep_channel_links_but_nothing_else():
    reply = render_reply("Done: auto-explain in <#C0NEWS> is now on. <!channel> <@U1> `explain <url>` & co")
    assert "<#C0NEWS>" in reply.text
    assert "&lt;!channel&gt; &lt;@U1&gt; `explain &lt;url&gt;` &amp; co" in reply.text


def test_an_already_explained_pointer_stays_a_link_only_when_it_is_a_slack_permalink():
    permalink = "https://team.slack.com/archives/C0NEWS/p1800000000000001"
    good = render_notice(
        ExplainResult(
            status=Status.ALREADY_HERE,
            link=LINK,
            permalink=permalink,
            message=f"I explained this link here recently: {permalink}",
        )
    )
    assert good.text == f"I explained this link here recently: <{permalink}|earlier answer>"
    forged = render_notice(
        ExplainResult(
            status=Status.ALREADY_HERE, link=LINK, permalink="https://evil|x", message="see https://evil|x"
        )
    )
    assert "<" not in forged.text


def test_escape_handles_the_three_reserved_characters_in_order():
    assert escape("a & <b> &lt;") == "a &amp; &lt;b&gt; &amp;lt;"


def test_the_largest_analysis_still_fits():
    huge = "<!here> & " * 600
    analysis = Analysis(
        article=ArticleMeta(url=LINK, title=huge, site=huge, byline=huge, published=huge),
        summary=huge,
        statements=[Statement(text=huge, kind=kind, source=huge) for kind in Kind for _ in range(25)],
        legal=[
            LegalNote(
                topic="t",
                title=huge,
                jurisdiction=f"J{n}",
                explanation=huge,
                relevance=huge,
                authorities=[huge] * 5,
            )
            for n in range(10)
        ],
        flags=[Flag(kind=kind, detail=huge) for kind in FlagKind],
        usage=Usage(condensed=True),
    )
    answer = render_answer(analysis, LINK)
    assert limit_problems(answer.payload()) == [] and answer.more
    assert_inert(answer.payload())
    pages = render_all(analysis)
    assert len(pages) > 1 and all(limit_problems(p.payload()) == [] for p in pages)


GOLDEN = Path(__file__).parent / "golden" / "slack_ice_blocks.json"
ICE_ANALYSIS = Path(__file__).parent / "fixtures" / "ice_analysis.json"


def test_golden_ice_blocks():
    analysis = Analysis.model_validate_json(ICE_ANALYSIS.read_text(encoding="utf-8"))
    rendered = render_answer(analysis, analysis.article.url).payload()
    if os.environ.get("FOOTNOTE_UPDATE_GOLDEN"):
        GOLDEN.write_text(json.dumps(rendered, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    assert rendered == json.loads(GOLDEN.read_text(encoding="utf-8"))
