"""Extraction's caps on hostile pages: runs of text, page text and elements are cut; real pages are not."""

from __future__ import annotations

import lxml.html
import pytest
from support.page_server import article_html

from bot.extract import extract_article
from bot.extract.bounds import MAX_ELEMENTS, MAX_PAGE_TEXT, MAX_RUN, bound_page, cut_page, within_bounds


def test_an_ordinary_page_is_left_whole():
    root = lxml.html.document_fromstring(article_html("parks"))
    before = lxml.html.tostring(root)
    assert not bound_page(root)
    assert lxml.html.tostring(root) == before


def test_an_endless_paragraph_is_cut_at_a_space_and_what_follows_is_kept():
    root = lxml.html.document_fromstring(f"<p>{'word ' * 10_000}</p><p>After it.</p>")
    assert bound_page(root)
    first, second = root.findall(".//p")
    assert MAX_RUN // 2 <= len(first.text) <= MAX_RUN and first.text.endswith("word")
    assert second.text == "After it."


def test_text_past_the_page_cap_is_dropped_but_json_ld_stays():
    paragraphs = "".join(f"<p>Paragraph {n} of a page that never ends.</p>" for n in range(10_000))
    ld = '<script type="application/ld+json">{"@type": "NewsArticle"}</script>'
    root = lxml.html.document_fromstring(f"<html><body><div>{paragraphs}</div>{ld}<p>Last</p></body></html>")
    assert bound_page(root)
    kept = root.findall(".//p")
    assert 0 < len(kept) < 10_000 and kept[0].text.startswith("Paragraph 0 ")
    assert sum(len(p.text or "") for p in kept) <= MAX_PAGE_TEXT
    assert "Last" not in [p.text for p in kept]
    assert root.find(".//script").text == '{"@type": "NewsArticle"}'


def test_small_caps_cut_in_document_order():
    root = lxml.html.document_fromstring("<div><p>aaaa <b>bbbb</b> cccc</p></div>tail<p>dddd</p>")
    assert bound_page(root, run=100, page=6)
    # whitespace is not counted: four letters of the first run, two of the second
    assert lxml.html.tostring(root.find("body")) == b"<body><div><p>aaaa <b>bb</b></p></div></body>"


def test_elements_past_the_element_cap_are_dropped_in_document_order_but_json_ld_stays():
    ld = '<script type="application/ld+json">{"@type": "NewsArticle"}</script>'
    breaks = "<br>" * 50
    page = f"<head><title>T</title></head><body><div><p>Story.</p>{breaks}tail</div>{ld}<p>Last</p></body>"
    root = lxml.html.document_fromstring(page)
    assert bound_page(root, elements=10)
    body = root.find("body")
    assert [e.tag for e in body.iter()] == ["body", "div", "p"] + ["br"] * 8 + ["script"]
    assert "tail" not in body.text_content() and "Last" not in body.text_content()
    assert root.find(".//script").text == '{"@type": "NewsArticle"}'


def test_elements_inside_noscript_count_and_the_story_before_them_stays():
    hidden = "<b></b>" * 50
    root = lxml.html.document_fromstring(f"<p>Story.</p><noscript>{hidden}</noscript><p>Next</p>")
    assert bound_page(root, elements=20)
    assert len(root.findall(".//b")) == 18 and root.find(".//p").text == "Story."
    assert "Next" not in root.text_content()


def test_a_page_of_endless_line_breaks_is_cut_and_says_so():
    story = "".join(f"<p>The council met on day {n} and approved part {n} of it.</p>" for n in range(20))
    breaks = "<br>" * (MAX_ELEMENTS + 5_000)
    page = f"<html><body><article><h1>Plan</h1>{story}</article>{breaks}</body></html>"
    article = extract_article(page, "")
    assert "on day 0 " in article.text and "on day 19 " in article.text
    assert article.read_words == article.words  # the reply tells the reader the page was read in part


def test_a_huge_page_still_gives_its_story():
    story = "".join(
        f"<p>The council met on day {n} and approved part {n} of the plan after a long debate.</p>"
        for n in range(40)
    )
    junk = "".join(f"<p>Comment {n}: me too, great stuff, first, lol.</p>" for n in range(6_000))
    article = extract_article(f"<html><body><article><h1>Plan</h1>{story}</article>{junk}</body></html>", "")
    assert "The council met on day 0 " in article.text and "on day 39 " in article.text
    assert "Comment 5999:" not in article.text  # past the page cap


_PAGES = {
    "article": article_html("parks"),
    "long run": f"<p>{'word ' * 3_000}</p><p>After it.</p>",
    "many paragraphs": "".join(f"<p>Paragraph {n} of a long page.</p>" for n in range(400)),
    "text in unread elements": '<script type="application/ld+json">{"a": "'
    + "x" * 5_000
    + '"}</script><p>Short.</p>',
    "text in the head and tails": "<html><head><title>"
    + "t" * 900
    + "</title></head><body>a<b>b</b>"
    + "c" * 900,
    "many elements": "<p>Story.</p>" + "<br>" * 500,
    "metadata in the head": "<head>" + "<meta name='a' content='b'>" * 500 + "</head><body><p>Short.</p>",
}


@pytest.mark.parametrize("name", sorted(_PAGES))
@pytest.mark.parametrize(
    ("run", "page", "elements"),
    [(MAX_RUN, MAX_PAGE_TEXT, MAX_ELEMENTS), (1_000, 100_000, 1_000), (50_000, 2_000, 100), (100, 300, 10)],
)
def test_the_quick_test_passes_a_page_only_when_the_walk_would_cut_nothing(name, run, page, elements):
    root = lxml.html.document_fromstring(_PAGES[name])
    before = lxml.html.tostring(root)
    if within_bounds(root, run, page, elements):
        assert not cut_page(root, run, page, elements)
        assert lxml.html.tostring(root) == before
    elif name not in ("text in unread elements", "metadata in the head"):  # these only send it to the walk
        assert cut_page(root, run, page, elements)


def test_ordinary_pages_pass_the_quick_test_and_hostile_ones_do_not():
    assert within_bounds(lxml.html.document_fromstring(_PAGES["article"]))
    assert not within_bounds(lxml.html.document_fromstring(f"<p>{'word ' * 10_000}</p>"))
    assert not within_bounds(lxml.html.document_fromstring("<p>Short page.</p>" * 20_000))
    assert not within_bounds(lxml.html.document_fromstring("<br>" * (MAX_ELEMENTS + 1)))
