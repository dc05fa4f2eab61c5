"""Pages without prose: what trafilatura reads is still the text, except on error pages and junk."""

from __future__ import annotations

import pytest
import trafilatura

from bot import errors
from bot.extract import extract_article
from bot.extract.body import prose_part
from bot.extract.tree import without_inert

LYRICS = [
    "Walking down the harbour road tonight",
    "Every lantern burning low and bright",
    "Tell me where the river bends",
    "Tell me how the story ends",
    "Chorus",
    "Oh the tide will carry you home",
    "Over stones and over foam",
    "Sing it slow and sing it clear",
    "All the boats are waiting here",
]

RESULTS = [
    ("1.", "Harlow Harriers", "12:04.3"),
    ("2.", "Mill Creek Runners", "12:09.8"),
    ("3.", "Eastside Athletics", "12:15.1"),
    ("4.", "Riverside Track Club", "12:21.6"),
    ("5.", "County Striders", "12:30.2"),
    ("6.", "Northgate Sprint Team", "12:41.0"),
    ("7.", "Lakeside Harriers Youth", "12:44.9"),
    ("8.", "Old Town Running Club", "12:58.5"),
]


def _page(title: str, body: str) -> str:
    return f"<html><head><title>{title}</title></head><body>{body}</body></html>"


def _links(count: int) -> str:
    return "".join(
        f'<li><a href="/news/{n}">County board debates story number {n} in the evening session</a></li>'
        for n in range(count)
    )


def test_a_page_of_unpunctuated_lines_gives_its_lines() -> None:
    html = _page(
        "Harbour Song lyrics",
        "<nav><a href='/'>Home</a></nav><article><h1>Harbour Song</h1><p>"
        + "<br>".join(LYRICS)
        + "</p></article>",
    )

    article = extract_article(html, "https://lyrics.example/harbour-song")

    for line in LYRICS:
        assert line in article.text


def test_a_results_table_gives_its_rows() -> None:
    rows = "".join(f"<tr><td>{a}</td><td>{b}</td><td>{c}</td></tr>" for a, b, c in RESULTS)
    html = _page(
        "Regional relay results",
        f"<main><h1>Regional relay results</h1><table>{rows}</table></main><footer>© Club</footer>",
    )

    article = extract_article(html, "https://club.example/results")

    assert article.text.split("\n\n") == [" ".join(row) for row in RESULTS]  # a row a line
    assert "Regional relay results" not in article.text  # the headline is the title, not the text


@pytest.mark.parametrize(
    ("title", "body"),
    [
        ("Page not found | Harlow Herald", "<h1>Page not found</h1><p>Sorry about that.</p>"),
        ("Harlow Herald", "<h1>404</h1><p>Latest stories</p>"),
        ("Seite nicht gefunden – Harlower Bote", "<h1>Fehler 404</h1><p>Aktuelle Artikel</p>"),
        ("Harlow Herald", "<h1>Oops!</h1><p>The page you are looking for has moved or never existed</p>"),
        ("ページが見つかりません", "<h1>お探しのページは見つかりませんでした</h1>"),
    ],
    ids=["english-title", "bare-404", "german", "apology", "japanese"],
)
def test_a_soft_error_page_listing_other_stories_has_no_text(title: str, body: str) -> None:
    html = _page(title, f"<main>{body}<ul>{_links(6)}</ul></main>")
    # trafilatura alone returns the list of links: the error signals are what refuses it.
    assert len(trafilatura.extract(html) or "") >= 200

    with pytest.raises(errors.NoArticleText):
        extract_article(html, "https://harlowherald.example/missing")


def test_a_list_of_links_on_an_ordinary_page_is_its_text() -> None:
    html = _page("Reading list: county board", f"<main><h1>Reading list</h1><ul>{_links(6)}</ul></main>")

    article = extract_article(html, "https://harlowherald.example/reading-list")

    assert "County board debates story number 0 in the evening session" in article.text


def test_one_word_repeated_is_no_text() -> None:
    html = _page("Words", "<div>" + "<br>".join(["buffalo"] * 200) + "</div>")
    assert len(trafilatura.extract(html) or "") >= 200

    with pytest.raises(errors.NoArticleText):
        extract_article(html, "")


@pytest.mark.parametrize(
    "sentence",
    [
        "মঙ্গলবার সকালে শহরের প্রধান সেতুটি মেরামতের জন্য বন্ধ করে দেওয়া হয়েছে বলে জানিয়েছে পৌরসভা।",
        "मंगलवार सुबह शहर का मुख्य पुल मरम्मत के लिए बंद कर दिया गया, नगर निगम ने बताया।",
        "أعلنت البلدية صباح الثلاثاء إغلاق الجسر الرئيسي في المدينة لإجراء إصلاحات عاجلة؟",
    ],
    ids=["bengali", "hindi", "arabic"],
)
def test_sentences_ending_in_their_own_script_s_marks_are_prose(sentence: str) -> None:
    assert prose_part(sentence) == sentence
    paragraphs = [f"{n}. {sentence}" for n in range(1, 5)]
    html = _page("Bridge", "<article>" + "".join(f"<p>{p}</p>" for p in paragraphs) + "</article>")

    assert extract_article(html, "").text.split("\n\n") == paragraphs


def test_a_closing_script_tag_with_a_line_break_inside_ends_the_script_as_a_browser_does() -> None:
    story = "<p>The council voted on Tuesday to repair the bridge, officials said after the meeting.</p>"
    html = f"<body><script src='a.js'></script\n  <!-- comment -->{story}<script>x()</script>{story}</body>"

    assert without_inert(html) == f"<body>{story}{story}</body>"
