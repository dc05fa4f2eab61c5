"""The story's lead paragraph, set apart from the body's container, comes back through the description."""

from __future__ import annotations

from bot.extract import extract_article
from bot.extract.body import trafilatura_body, trafilatura_reading
from bot.extract.tree import parse_html

LEAD = (
    "The harbour board voted on Tuesday to raise mooring fees by six percent from June, ending a year of "
    "debate about who should pay for repairs to the old sea wall."
)
STORY = [
    f"Board member {name} said the increase would cover about a third of the repair bill, with the rest "
    f"coming from a state grant that the board applied for in {month}."
    for name, month in (("Ana Ruiz", "March"), ("Tom Berg", "April"), ("Lee Chan", "May"), ("Ida Ek", "June"))
]
SITE_BLURB = "Harbour News reports on the harbour, the fleet and the town around them, every day of the year."


def _page(description: str, header: str = "", footer: str = "") -> str:
    story = "".join(f"<p>{p}</p>" for p in STORY)
    return (
        '<html lang="en"><head><title>Mooring fees rise</title>'
        f'<meta name="description" content="{description}"></head>'
        f"<body><header><h1>Mooring fees rise</h1>{header}</header>"
        f'<article><div class="story-body">{story}</div></article><footer>{footer}</footer></body></html>'
    )


def _paragraphs(text: str) -> list[str]:
    return text.split("\n\n")


def test_the_lead_set_apart_above_the_story_comes_first() -> None:
    html = _page(LEAD, header=f'<div class="intro"><p>{LEAD}</p></div>')
    # The reading alone misses it: it sits in the page header, not in the story's container.
    assert LEAD not in trafilatura_body(trafilatura_reading(parse_html(html), ""), []).text

    assert _paragraphs(extract_article(html, "").text) == [LEAD, *STORY]


def test_the_visible_lead_is_taken_whole_when_the_description_only_opens_it() -> None:
    html = _page(LEAD[:90] + "…", header=f'<div class="intro"><p>{LEAD}</p></div>')

    assert _paragraphs(extract_article(html, "").text) == [LEAD, *STORY]


def test_a_lead_with_no_break_spaces_is_found_from_a_description_escaped_twice() -> None:
    shown = LEAD.replace("six percent", "six\u00a0percent").replace("The harbour", "The\u00a0harbour")
    escaped = LEAD.replace("six percent", "six&amp;nbsp;percent")

    assert _paragraphs(extract_article(_page(escaped, header=f"<p>{shown}</p>"), "").text) == [LEAD, *STORY]


def test_a_description_no_reader_sees_is_not_added() -> None:
    assert _paragraphs(extract_article(_page(LEAD), "").text) == STORY


def test_a_site_blurb_shown_below_the_story_is_not_its_lead() -> None:
    html = _page(SITE_BLURB, footer=f"<p>{SITE_BLURB}</p>")

    assert _paragraphs(extract_article(html, "").text) == STORY


def test_a_gallery_caption_quoted_by_the_description_is_not_the_lead() -> None:
    caption = "A driver lost control of his car on the bridge on Friday and hit the railing, police said."
    slide = f'<ul class="slides"><li><img src="crash.jpg"><p>1/5 {caption} (Photo: Police)</p></li></ul>'

    assert _paragraphs(extract_article(_page(caption, header=slide), "").text) == STORY


def test_a_header_or_a_list_of_links_quoted_by_the_description_is_not_the_lead() -> None:
    title = "Harbour board raises mooring fees by six percent from June after a year of debate."
    header = f'<div class="meta"><h2>{title}</h2> By Ana Ruiz | June 3, 2026</div>'
    tags = "".join(f'<a href="/tag/{n}">{title if n == 2 else f"Tag {n}"}</a>, ' for n in range(5))

    assert _paragraphs(extract_article(_page(title, header=header), "").text) == STORY
    assert _paragraphs(extract_article(_page(title, header=f"<div>Tags: {tags}</div>"), "").text) == STORY


def test_a_standfirst_quoted_by_the_description_stays_out() -> None:
    dek = "Boat owners will pay more from June, and many of them say they are not happy about it at all."
    html = _page(dek, header=f'<p class="story__dek">{dek}</p>')

    assert _paragraphs(extract_article(html, "").text) == STORY


def test_a_lead_already_in_the_body_is_not_repeated() -> None:
    html = _page(STORY[0])

    assert _paragraphs(extract_article(html, "").text) == STORY
