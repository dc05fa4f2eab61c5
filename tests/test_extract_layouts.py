"""Extraction on text-and-<br> and bare <div> layouts, on unspaced scripts, and the rules that delete text.

Every rule that removes text is shown next to a real paragraph that must survive it.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot import errors
from bot.cli import main
from bot.extract import extract_article
from bot.extract.body import tidy
from bot.extract.tree import count_words, drop_captions_and_controls, element_paragraphs, parse_html

PAGES = Path(__file__).parent / "fixtures" / "pages"
LAYOUTS = PAGES / "layouts"
EXPECTED = json.loads((LAYOUTS / "expected.json").read_text(encoding="utf-8"))
STORY = (
    "The council voted on Tuesday to repair the bridge, and the work will start in March, "
    "officials said after the meeting."
)


def _page(body: str) -> str:
    return f'<html lang="en"><head><title>Bridge</title></head><body>{body}</body></html>'


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_every_story_paragraph_and_no_furniture_reaches_the_text(name: str) -> None:
    expected = EXPECTED[name]

    article = extract_article((LAYOUTS / name).read_text(encoding="utf-8"), "https://courier.example/story")

    assert article.text.split("\n\n") == expected["paragraphs"]
    for furniture in expected["furniture"]:
        assert furniture not in article.text


def test_the_layout_fixtures_cover_br_and_div_pages_with_every_kind_of_furniture() -> None:
    kinds = {name.split("-")[0] for name in EXPECTED}

    assert len(EXPECTED) >= 8 and kinds == {"br", "div"}
    for name, expected in EXPECTED.items():
        html = (LAYOUTS / name).read_text(encoding="utf-8")
        for furniture in expected["furniture"]:
            assert furniture in html  # the furniture really is on the page, beside the story


@pytest.mark.parametrize(
    ("name", "language", "opening"),
    [
        ("japanese-news.html", "ja", "みなと市交通局は十日"),
        ("chinese-news.html", "zh", "江城市图书馆周三宣布"),
    ],
)
def test_japanese_and_chinese_pages_give_their_body(name: str, language: str, opening: str) -> None:
    article = extract_article((PAGES / name).read_text(encoding="utf-8"), "")

    assert article.language == language
    assert len(article.text.split("\n\n")) == 5
    assert article.text.startswith(opening)
    assert article.words > 100  # about two characters a word, not one "word" per sentence


@pytest.mark.parametrize(("name", "language"), [("japanese-news.html", "ja"), ("chinese-news.html", "zh")])
def test_explain_gives_the_offline_non_english_note(
    name: str, language: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["explain", str(PAGES / name)]) == 0

    out = capsys.readouterr().out
    assert f"not in English ({language})" in out
    assert "couldn't find any article text" not in out


def test_a_letter_written_as_base_and_mark_reads_as_the_composed_letter() -> None:
    # Accented letters as base letter plus combining mark, as some pages send them.
    story = (
        "Le cafe\u0301 du village ouvre de nouveau a\u0300 sept heures, a annonce\u0301 la mairie "
        "mardi apre\u0300s trois mois de travaux dans la salle et la cuisine."
    )
    html = _page(f"<article><p>{story}</p><p>{story.replace('mardi', 'lundi')}</p></article>")

    article = extract_article(html, "")

    assert "café" in article.text and "à sept" in article.text
    assert "cafe\u0301" not in article.text
    assert article.read_words == 0  # composing letters shortens the text but cuts nothing


def test_a_page_of_thai_counts_characters_as_words() -> None:
    assert count_words("รัฐบาลประกาศมาตรการใหม่") >= 8


# --- the deleting rules, each beside a paragraph that survives ---------------------------------------


def test_a_short_mostly_link_line_goes_and_a_paragraph_with_a_link_stays() -> None:
    root = parse_html(
        _page(
            f'<div><p>{STORY[:60]} <a href="/a">the minutes</a> {STORY[60:]}</p>'
            '<p>Read also: <a href="/b">Storm warning issued for the weekend</a></p></div>'
        )
    )

    kept = element_paragraphs(root.body, drop_link_lines=True)

    assert kept == [STORY[:60] + " the minutes " + STORY[60:].lstrip()]
    assert len(element_paragraphs(root.body)) == 2  # without the rule both lines are text


def test_a_sentence_running_into_its_link_stays_while_a_labelled_link_goes() -> None:
    sentence = 'Ann Lee replaced Tom Ray, <a href="/ray">who ran the harbour office for ten years.</a>'
    root = parse_html(
        _page(
            f"<div><p>{STORY}</p><p>{sentence}</p>"
            '<p>Read also: <a href="/b">Storm warning issued for the weekend.</a></p>'
            '<p>Go! <a href="/c">Subscribe to the morning briefing today.</a></p></div>'
        )
    )

    assert element_paragraphs(root.body, drop_link_lines=True) == [
        STORY,
        "Ann Lee replaced Tom Ray, who ran the harbour office for ten years.",
    ]


def test_an_address_to_write_to_is_contact_detail_not_a_link_line() -> None:
    root = parse_html(
        _page(
            f'<div><p>{STORY}</p><p><a href="mailto:desk@harbour.example">desk@harbour.example</a></p>'
            '<p><a href="https://harbour.example/more">More from the harbour</a></p></div>'
        )
    )

    assert element_paragraphs(root.body, drop_link_lines=True) == [STORY, "desk@harbour.example"]


def test_a_link_line_between_br_lines_goes_alone() -> None:
    root = parse_html(
        _page(f'<div>{STORY}<br><a href="/x">Share on Facebook</a> <a href="/y">Email</a><br>{STORY}</div>')
    )

    assert element_paragraphs(root.body, drop_link_lines=True) == [STORY, STORY]


def test_an_image_credit_goes_and_a_caption_sentence_after_an_image_stays() -> None:
    root = parse_html(
        _page(f'<div><img src="a.jpg"> Photo: Jane Doe / Wire Agency<br><img src="b.jpg"> {STORY}</div>')
    )

    assert drop_captions_and_controls(root) == 1
    assert element_paragraphs(root.body) == [STORY]


def test_a_button_panel_goes_and_a_story_holding_a_button_stays() -> None:
    root = parse_html(
        _page(
            "<div>We use cookies to improve the site. <button>Accept</button></div>"
            f"<div>{STORY} {STORY} {STORY} <button>Listen</button></div>"
        )
    )

    assert drop_captions_and_controls(root) == 1
    assert "cookies" not in root.body.text_content()
    assert STORY in root.body.text_content()


def test_panels_inside_panels_are_judged_on_the_page_as_it_came_every_time() -> None:
    # The outer block holds a button and the story; the inner one is a small sign-up box with its own.
    # Together they pass the control panel's size; the outer one alone would not.
    story = f"{STORY} The bridge has been closed to lorries since the spring flood in May."
    html = _page(
        f"<div><p>{story}</p><button>Listen</button>"
        "<div>Get our morning briefing by email every day. <button>Sign up</button></div></div>"
    )

    for _ in range(20):  # panels were once kept in a set: which went first changed from run to run
        root = parse_html(html)
        drop_captions_and_controls(root)
        assert element_paragraphs(root.body) == [story]


def test_a_heading_at_the_start_stays_while_a_dateline_goes() -> None:
    raw = ["October 7, 2026", "What the council decided", STORY, "View comments"]

    assert tidy(raw, []) == ("What the council decided", STORY)


def test_a_heading_with_a_number_stays_while_dates_times_and_numbered_labels_go() -> None:
    raw = [
        "January 13, 2020 at 08:45 AM | categories:",
        "5 min read",
        "Updated 19.02.2020",
        "The Garden · Derek Jarman (1990)",
        "Price per person: US $ 100,00 / week (7 days)",
        STORY,
    ]

    assert tidy(raw, []) == (
        "The Garden · Derek Jarman (1990)",
        "Price per person: US $ 100,00 / week (7 days)",
        STORY,
    )


def test_a_section_heading_with_a_standfirst_class_below_the_story_stays() -> None:
    first, second = " ".join([STORY] * 2), STORY.replace("Tuesday", "Monday") * 2
    html = _page(
        '<article><h1>Bridge</h1><p class="dek">The editor pitches the story here.</p>'
        f'<p>{first}</p><h2 class="subtitle">What happens next</h2><p>{second}</p></article>'
    )

    article = extract_article(html, "")

    assert "The editor pitches" not in article.text
    assert article.text.split("\n\n") == [first, "What happens next", second]


def test_a_page_with_nothing_but_furniture_has_no_article_text() -> None:
    html = _page(
        '<div><a href="/">Home</a> <a href="/news">News</a></div><div><img src="x.jpg"> Photo: A. B.</div>'
    )

    with pytest.raises(errors.NoArticleText):
        extract_article(html, "")
