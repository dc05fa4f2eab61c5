"""Hostile page text: every stage's scanners agree with their plain definitions and finish on crafted pages.

The linear-time rewrites (`without_inert`, `last_sentence_end`, `ends_sentence`, joined broken lines)
are checked against the regular expressions they replace on random input; the crafted pages
(repeated `<!--`, `<script`, unpunctuated paragraphs, deep nesting, deep JSON-LD) are sizes at
which the quadratic versions took minutes. Seconds per MB are printed by bench/hostile_bench.py.
"""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot import errors
from bot.extract import extract_article
from bot.extract.article import MAX_TEXT_CHARS
from bot.extract.body import last_sentence_end, prose_part
from bot.extract.jsonld import read_jsonld
from bot.extract.tree import ends_sentence, join_broken_lines, parse_html, without_inert

# The definitions the scanners replace (quadratic on crafted input, exact on small input).
_OLD_INERT = re.compile(
    r"<script\b(?![^>]*ld\+json)[^>]*>.*?</script\s*>|<style\b[^>]*>.*?</style\s*>|<!--.*?-->",
    re.IGNORECASE | re.DOTALL,
)
_OLD_LAST_SENTENCE_END = re.compile(r".*[.!?…。！？][\"'”’»)\]」』）]*", re.DOTALL)
_OLD_SENTENCE_END = re.compile(r"[.!?…。！？][\"'”’»)\]」』）]*$")

PROSE = st.text(alphabet=st.sampled_from(list("ab .!?…。”’)\n")), max_size=60)


@given(
    st.lists(
        st.sampled_from(["<script>", "</script>", "<style>", "</style>", "<!--", "-->", "<p>", "x ", ">"])
    )
)
@settings(max_examples=300, deadline=None)
def test_inert_markup_is_cut_as_the_old_expression_cut_it_where_every_element_closes(
    pieces: list[str],
) -> None:
    html = "".join(pieces)
    expected = _OLD_INERT.sub("", html)
    # An opener the old expression left in place never closed: a browser reads the rest as its content.
    closed = not any(opener in expected for opener in ("<!--", "<script>", "<style>"))

    result = without_inert(html)

    if closed:
        assert result == expected
    assert len(result) <= len(html)


@given(PROSE)
@settings(max_examples=300, deadline=None)
def test_last_sentence_end_matches_the_regular_expression(text: str) -> None:
    match = _OLD_LAST_SENTENCE_END.search(text)

    assert last_sentence_end(text) == (match.end() if match else 0)


@given(PROSE)
@settings(max_examples=300, deadline=None)
def test_ends_sentence_matches_the_regular_expression(text: str) -> None:
    assert ends_sentence(text) == bool(_OLD_SENTENCE_END.search(text)) or text.endswith("\n")


@given(st.lists(st.text(alphabet=st.sampled_from(list("aB. ")), min_size=1, max_size=8), max_size=30))
@settings(max_examples=200, deadline=None)
def test_joined_lines_keep_every_word_in_order(segments: list[str]) -> None:
    joined = join_broken_lines(segments)

    assert " ".join(joined).split() == " ".join(segments).split()


def test_a_json_ld_block_nested_100k_deep_is_unreadable_not_a_crash() -> None:
    for opener in ("[", '{"@graph":'):
        block = f'<script type="application/ld+json">{opener * 100_000}</script>'
        root = parse_html(f"<html><head>{block}</head><body>x</body></html>")

        assert read_jsonld(root) is None


@pytest.mark.parametrize(
    "html",
    [
        "<html><body><p>" + "<!-- " * 200_000 + "</p></body></html>",
        "<html><body>" + "<script " * 100_000 + "</body></html>",
        "<html><body>" + "<script>x " * 100_000 + "</body></html>",
        "<html><body>" + "<svg>x " * 100_000 + "</body></html>",
        "<html><body>" + "<div>" * 100_000 + "text" + "</div>" * 100_000 + "</body></html>",
    ],
    ids=[
        "repeated-comment-openers",
        "unfinished-script-tags",
        "unclosed-scripts",
        "unclosed-svgs",
        "deep-divs",
    ],
)
def test_crafted_markup_gives_a_short_clear_answer(html: str) -> None:
    with pytest.raises(errors.NoArticleText):
        extract_article(html, "")


def test_a_long_paragraph_without_a_full_stop_is_not_prose_and_costs_one_pass() -> None:
    paragraph = "word " * 100_000

    assert prose_part(paragraph) == ""
    with pytest.raises(errors.NoArticleText):
        extract_article(f"<html><body><p>{paragraph}</p></body></html>", "")


def test_a_long_text_and_br_page_without_full_stops_costs_one_pass_and_keeps_its_lines() -> None:
    lines = "<br>".join(f"line {n} of a page that never ends a sentence" for n in range(20_000))

    article = extract_article(f"<html><body><div>{lines}</div></body></html>", "")

    # Lines that stop mid-sentence and go on in lower case are one wrapped paragraph, capped in length.
    assert article.text.startswith("line 0 of a page that never ends a sentence line 1 of a page")
    assert 100_000 < len(article.text) <= MAX_TEXT_CHARS


def test_a_story_after_hostile_markup_is_still_read() -> None:
    story = "".join(
        f"<p>The council voted on Tuesday to repair bridge number {n}, officials said after the meeting.</p>"
        for n in range(6)
    )
    html = f"<html><body><!-- a --><script>if (a<b) {{}}</script><svg><g/></svg>{story}</body></html>"

    article = extract_article(html, "")

    assert article.text.count("The council voted") == 6
    assert "if (a" not in article.text
