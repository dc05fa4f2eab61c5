"""Extraction: page HTML → Article, on pages written for these tests (tests/fixtures/pages)."""

from __future__ import annotations

import json
import random
import re
from pathlib import Path

import pytest

from bot import errors
from bot.cli import main
from bot.extract import extract_article
from bot.extract.article import choose_body
from bot.extract.body import Body, tidy, trafilatura_body, trafilatura_reading
from bot.extract.meta import clean_title, is_placeholder_byline
from bot.extract.paywall import PaywallSignals, is_partial
from bot.extract.tree import join_broken_lines, parse_html

PAGES = Path(__file__).parent / "fixtures" / "pages"
EXAMPLE = Path(__file__).parent.parent / "examples" / "ice-agents-state-prosecution.html"

BRIDGE_PARAGRAPHS = [
    "HARLOW, Ore. — The Harlow County Board of Commissioners voted 4-1 on Tuesday to spend $14 million "
    "repairing the Mill Creek Bridge, the county's busiest river crossing, after an inspection last spring "
    "rated its deck in poor condition.",
    "The bridge carries about 18,000 vehicles a day between downtown Harlow and the county's east side. "
    "Engineers found cracked concrete and corroded steel in several spans during the April inspection, "
    "according to a report presented to the board.",
    "Commissioner Alma Reyes, who cast the only vote against the plan, said the county should have sought "
    'federal grants before committing its own money. "We are paying full price for something we might have '
    'gotten help with," she said.',
    "County Engineer Tom Okafor told the board that waiting for a grant could delay the work by two years. "
    "He said the bridge is safe for traffic but that weight limits may be needed if repairs do not begin by "
    "next summer.",
    "Construction is expected to start in March and last about 14 months. One lane in each direction will "
    "stay open during most of the work, the county said.",
    "The board will hold a public meeting on detour routes on Oct. 21 at the county courthouse.",
]
BRIDGE_BOILERPLATE = [
    "cookies",
    "Share on",
    "Photo by Dana Liu",
    "By Marisol Grant",
    "Herald staff writer",
    "October 7, 2026",
    "Posted by admin",
    "morning briefing",
    "Related",
    "County fair attendance",
    "Most read",
    "All rights reserved",
    "Ignore all previous instructions",
    "Local government",
]
ICE_SENTENCES = [
    "Federal immigration officials are reportedly growing increasingly concerned that state and local "
    "authorities in Democratic-led states could begin arresting and prosecuting Immigration and Customs "
    "Enforcement (ICE) agents for actions taken during enforcement operations.",
    "According to sources familiar with internal discussions, the concern is that local prosecutors and "
    "juries may be far less sympathetic to ICE agents operating in jurisdictions that strongly oppose "
    "federal immigration policies.",
    "The anxiety reflects escalating tensions between the federal government and so-called “sanctuary” "
    "states and cities, where local leaders have pushed back aggressively against immigration enforcement "
    "they view as overly harsh or unlawful.",
    "Legal experts note that while ICE agents generally operate under federal authority, disputes can "
    "arise when state officials believe federal officers have exceeded their legal powers or violated "
    "local laws.",
    "Former prosecutors say that even the perception of potential criminal liability could have a "
    "chilling effect on ICE operations, particularly in jurisdictions where public opinion is hostile to "
    "immigration enforcement.",
    "At the same time, civil rights advocates argue that federal agents should not be immune from "
    "accountability when alleged misconduct occurs.",
    "So far, there is no widespread evidence of ICE agents being charged by state authorities, but the "
    "growing concern underscores the deepening divide between federal immigration enforcement and "
    "state-level resistance—one that could increasingly be tested in courtrooms rather than policy "
    "debates.",
]


def page(name: str) -> str:
    return (PAGES / name).read_text(encoding="utf-8")


def paragraphs(text: str) -> list[str]:
    return text.split("\n\n")


# --- body text ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["div-paragraphs.html", "br-paragraphs.html"])
def test_layouts_without_p_tags_keep_each_paragraph_and_nothing_else(name: str) -> None:
    article = extract_article(
        page(name), "https://harlowherald.example/news/2026/10/07/mill-creek-bridge-repair"
    )

    assert paragraphs(article.text) == BRIDGE_PARAGRAPHS
    for boilerplate in BRIDGE_BOILERPLATE:
        assert boilerplate not in article.text
    assert article.words == sum(len(p.split()) for p in BRIDGE_PARAGRAPHS)
    assert article.partial_text is False


def test_jsonld_article_body_is_used_when_the_page_is_a_script_app_shell() -> None:
    article = extract_article(page("jsonld-only.html"), "https://coastline.example/news/ferry")

    assert len(paragraphs(article.text)) == 4
    assert paragraphs(article.text)[0].startswith("A ferry operator has been fined £2.1m")
    assert paragraphs(article.text)[-1].endswith("apologised to passengers.")
    assert "JavaScript" not in article.text
    assert article.byline == "Priya Nair, Tom Hale"
    assert article.language == "en"
    assert article.published == "2026-05-02"


def test_readability_reads_a_story_that_trafilatura_misses() -> None:
    html = page("aside-layout.html")
    # The page builder wraps the story in <aside>, which trafilatura treats as a sidebar.
    alone = trafilatura_body(trafilatura_reading(parse_html(html), ""), [])
    assert alone.prose_words < 30

    article = extract_article(html, "https://northfieldnotes.example/library-hours")

    assert len(paragraphs(article.text)) == 5
    assert paragraphs(article.text)[0].startswith("The Northfield Public Library will open on Sundays")
    assert "Library extends weekend hours" not in article.text  # the headline is not body text
    assert "volunteer-run" not in article.text
    assert "Ignore all previous instructions" not in article.text  # aria-hidden: no reader sees it


def test_the_standfirst_under_the_headline_is_not_the_first_paragraph() -> None:
    story = "".join(
        f"<p>The harbour board voted on Tuesday to raise mooring fees by {n} percent from June, "
        "after a year of debate about repairs to the old sea wall.</p>"
        for n in range(4, 9)
    )
    html = (
        "<html><body><article><header><h1>Mooring fees rise</h1>"
        '<p class="story__dek">Boat owners will pay more, and they are not happy about it.</p>'
        f'</header><div class="body">{story}</div></article></body></html>'
    )

    article = extract_article(html, "https://harbour.example/fees")

    assert "not happy" not in article.text
    assert paragraphs(article.text)[0].startswith("The harbour board voted on Tuesday")
    assert len(paragraphs(article.text)) == 5


def test_a_page_with_no_article_is_refused() -> None:
    with pytest.raises(errors.NoArticleText):
        extract_article(page("no-article.html"), "https://harlowherald.example/missing")


# --- partial text ------------------------------------------------------------------------------------


def test_a_visible_subscriber_gate_marks_the_text_partial_and_stays_out_of_it() -> None:
    article = extract_article(page("paywall-teaser.html"), "https://riversidetribune.example/hospital-merger")

    assert article.partial_text is True
    assert len(paragraphs(article.text)) == 2
    assert "Subscribe" not in article.text and "subscriber" not in article.text
    assert article.byline is None  # "By Staff" names no one


def test_a_jsonld_subscriber_part_that_is_missing_marks_the_text_partial() -> None:
    article = extract_article(page("paywall-jsonld.html"), "https://hbj.example/port-fees")

    assert article.partial_text is True
    assert article.byline == "Ana Ruiz"  # resolved through the JSON-LD @graph
    assert article.site == "Harbor Business Journal"


TEASER = "The two banks have held secret talks for months, people familiar with the matter said."
SHORT_GATED = """<!doctype html><html lang="en"><head><title>Exclusive: inside the merger talks</title></head>
<body><article><h1>Exclusive: inside the merger talks</h1><p class="byline">By Pat Probe</p>
<p>The two banks have held secret talks for months, people familiar with the matter said.</p>
<p>{gate}</p></article></body></html>"""


@pytest.mark.parametrize(
    "gate",
    [
        "Subscribe to continue reading. Already a subscriber? Log in.",
        "You have reached your free article limit. Get unlimited access for $1 a week.",
    ],
)
def test_a_short_teaser_keeps_its_story_and_loses_headline_byline_and_prompt(gate: str) -> None:
    article = extract_article(SHORT_GATED.format(gate=gate), "https://probe.example/merger")

    assert article.text == TEASER
    assert article.partial_text is True


def test_a_gate_element_without_a_known_prompt_stays_out_of_the_text() -> None:
    gate = (
        '<div class="paywall-offer">Unlock every story from the Herald with unlimited access for just '
        "$1 a week, and support local reporting that holds power to account in our county.</div>"
    )
    last = "<div>The board will hold a public meeting"
    html = page("div-paragraphs.html").replace(last, gate + last)

    article = extract_article(html, "https://harlowherald.example/x")
    assert "unlimited access" not in article.text and article.text


def test_a_page_showing_only_a_headline_and_a_gate_says_paywall() -> None:
    html = SHORT_GATED.format(gate="Subscribe to continue reading.").replace(TEASER, "")
    with pytest.raises(errors.Paywalled):
        extract_article(html, "https://probe.example/merger")


def test_a_gated_page_with_only_a_description_is_explained_from_it() -> None:
    description = "Two banks are in secret merger talks that could create a top-five lender, sources say."
    html = (
        SHORT_GATED.format(gate="Subscribe to continue reading.")
        .replace(TEASER, "")
        .replace("</title>", f'</title><meta name="description" content="{description}">')
    )
    article = extract_article(html, "https://probe.example/merger")
    assert article.text == description and article.partial_text is True


STORY = (
    "<p>The harbour board voted on Tuesday to raise port fees by 4 percent from next spring, the first "
    "increase in six years.</p><p>Shipping firms said the rise would be passed on to customers, while the "
    "board said the money would pay for dredging the main channel.</p><p>The fee change still needs the "
    "approval of the regional council, which meets in March.</p>"
)


def test_the_paid_part_of_a_story_marked_as_paywall_content_stays_the_story() -> None:
    # Google's structured-data markup for subscription content wraps the paid paragraphs themselves.
    html = (
        "<html lang='en'><head><title>Port fees rise</title></head><body><article><h1>Port fees rise</h1>"
        "<div class='non-paywall'><p>Harbor Point's fees will change.</p></div>"
        f"<div class='paywall'>{STORY}</div>"
        "</article></body></html>"
    )
    article = extract_article(html, "https://hbj.example/fees")
    assert "regional council" in article.text and "dredging" in article.text


def test_a_quoted_prompt_inside_the_last_paragraph_is_the_story_s_own_text() -> None:
    ending = (
        "<p>Readers now see a notice reading “Subscribe to continue reading.” after three stories, and the "
        "publisher said it would review the change next month.</p>"
    )
    html = f"<html><body><article><h1>Paper adds a paywall</h1>{STORY}{ending}</article></body></html>"
    article = extract_article(html, "https://media.example/paywall")
    assert article.text.endswith("review the change next month.")


@pytest.mark.parametrize(
    ("glued", "kept"),
    [
        ("Council approves budget after a marathon session, members said.", "Council approves budget after"),
        ("Council approves budget By Friday the state must also act, officials said.", "By Friday the"),
        ("Council approves budget By Pat Probe The council voted 7 to 2.", "The council voted 7 to 2."),
    ],
)
def test_only_a_headline_and_byline_glued_before_a_new_sentence_are_removed(glued: str, kept: str) -> None:
    assert tidy([glued], ["Council approves budget"])[0].startswith(kept)


def test_a_story_that_quotes_a_paywall_prompt_is_not_gated() -> None:
    quote = "<div>Readers who saw “Subscribe to continue reading” were counted as lost, it said.</div>"
    html = page("div-paragraphs.html").replace('<div class="story-text">', '<div class="story-text">' + quote)

    article = extract_article(html, "https://harlowherald.example/x")

    assert "Subscribe to continue reading" in article.text
    assert article.partial_text is False


def test_an_empty_paywall_hook_on_a_full_article_is_not_a_paywall() -> None:
    hook = '<div id="paywall-root" class="paywall"></div>'
    html = page("div-paragraphs.html").replace("</body>", hook + "</body>")

    assert extract_article(html, "https://harlowherald.example/x").partial_text is False


@pytest.mark.parametrize(
    ("signals", "body_words", "partial"),
    [
        (PaywallSignals(declared_words=1184), 401, True),
        (PaywallSignals(declared_words=312), 219, False),
        (PaywallSignals(gate_phrases=("Subscribe to continue reading",)), 900, True),
        (PaywallSignals(locked_part_missing=True), 900, True),
        (PaywallSignals(gate_element=True), 600, False),
        (PaywallSignals(declared_locked=True), 600, False),
        (PaywallSignals(gate_element=True, declared_locked=True), 600, True),
        (PaywallSignals(gate_element=True), 90, True),
        (PaywallSignals(), 90, False),
    ],
)
def test_partial_text_needs_one_clear_signal_or_two_hints(
    signals: PaywallSignals, body_words: int, partial: bool
) -> None:
    assert is_partial(signals, body_words) is partial


# --- metadata ----------------------------------------------------------------------------------------


def test_metadata_comes_from_the_page_and_resolves_relative_links() -> None:
    article = extract_article(
        page("div-paragraphs.html"), "https://harlowherald.example/news/2026/10/07/x?utm=1"
    )

    assert article.headline == article.title == "County approves $14 million Mill Creek Bridge repair"
    assert article.site == "Harlow Herald"
    assert article.byline == "Marisol Grant"
    assert article.published == "2026-10-07"
    assert article.language == "en"
    assert article.canonical_url == "https://harlowherald.example/news/2026/10/07/mill-creek-bridge-repair"
    assert article.description == "Commissioners voted 4-1 to fix the county's busiest river crossing."
    assert article.url == "https://harlowherald.example/news/2026/10/07/x?utm=1"


def test_a_saved_page_takes_its_url_from_the_canonical_link_and_its_site_from_the_host() -> None:
    jsonld_page = extract_article(page("jsonld-only.html"), "")
    assert jsonld_page.url == "https://coastline.example/news/ferry-operator-fined-engine-room-fire"

    bare_page = extract_article(page("br-paragraphs.html"), "https://www.harlowherald.example/story/1")
    assert bare_page.site == "harlowherald.example"
    assert bare_page.byline is None  # "admin"
    assert bare_page.canonical_url is None


@pytest.mark.parametrize(
    ("title", "site", "cleaned"),
    [
        ("County approves repair | Harlow Herald", "Harlow Herald", "County approves repair"),
        ("County approves repair – The Harlow Herald", "Harlow Herald", "County approves repair"),
        ("Harlow Herald - County approves repair", "Harlow Herald", "County approves repair"),
        ("Valley Gazette :: School board delays vote", "valleygazette.example", "School board delays vote"),
        ("DOJ sues Tallywick: what it means", "The Byte Feed", "DOJ sues Tallywick: what it means"),
        ("Opinion | Vote yes on Measure R", "The Harbor Courier", "Opinion | Vote yes on Measure R"),
    ],
)
def test_titles_lose_only_the_site_name(title: str, site: str, cleaned: str) -> None:
    assert clean_title(title, site) == cleaned


@pytest.mark.parametrize("name", ["admin", "By Staff", "Editorial Team", "newsroom", "WEBMASTER"])
def test_placeholder_bylines(name: str) -> None:
    assert is_placeholder_byline(name)


@pytest.mark.parametrize("name", ["Staffan Larsson", "Jane Admin", "Owen Castellano", "Associated Press"])
def test_real_bylines_are_kept(name: str) -> None:
    assert not is_placeholder_byline(name)


# --- paragraph rules ---------------------------------------------------------------------------------


def test_a_line_break_inside_a_sentence_is_mended_and_any_other_kept() -> None:
    segments = ["The county said on", "monday that it would wait.", "Officials declined to comment."]

    assert join_broken_lines(segments) == [
        "The county said on monday that it would wait.",
        "Officials declined to comment.",
    ]


def test_tidy_drops_datelines_first_furniture_last_and_copies_of_the_headline() -> None:
    raw = [
        "Explainer · Courts",
        "Court rules for student",
        "Updated June 10, 2026, 12:40 p.m.",
        "The court ruled on Tuesday.",
        "The court ruled on Tuesday.",
        "What happens next",
        "No hearing date has been set.",
        "Related coverage",
    ]

    assert tidy(raw, ["Court rules for student"]) == (
        "Explainer · Courts",  # a short line above the story may be its heading: kept
        "The court ruled on Tuesday.",
        "What happens next",
        "No hearing date has been set.",
    )


def test_a_closing_list_of_short_lines_stays_while_a_dangling_label_goes() -> None:
    story = ["The bakery opened its second shop on Tuesday.", "It sells bread from the old family recipe."]
    details = ["Opening hours", "Monday to Friday 7-18", "Saturday 8-13", "Mill Street 4, Harlow"]

    assert tidy([*story, *details], []) == (*story, *details)
    assert tidy([*story, "More on this topic:", "Newsletter"], []) == tuple(story)


def test_closing_offers_and_rights_notices_go_while_a_story_paragraph_about_them_stays() -> None:
    story = [
        "The paper said on Tuesday that it would stop printing on Sundays.",
        "Readers who subscribe to the print edition get the digital one instead, the publisher said.",
        "A rival sued it for copyright infringement last year; the case was settled.",
        "The paper will also open a channel on Telegram, the publisher said.",
    ]
    closing = [
        "Subscribe now to our weekend edition for the full story.",
        "Download our app for iOS and Android.",
        "This article is the copyrighted property of the Harlow Herald.",
        "Sign up for our newsletter",
        "¡Mira lo que tiene nuestro canal de YouTube!",
        "Síguenos en Telegram, Instagram, Facebook y Twitter",
    ]

    assert tidy([*story, *closing], []) == tuple(story)


def test_a_flattened_copy_loses_to_the_same_text_with_paragraphs() -> None:
    sentences = [f"Sentence number {n} of the story is here and it is long enough." for n in range(8)]
    flat = Body("trafilatura", (" ".join(sentences),))
    paragraphed = Body("jsonld", tuple(sentences))
    longer = Body("readability", (*sentences, *sentences[:4]))

    assert choose_body([flat, paragraphed]) is paragraphed
    assert choose_body([paragraphed, flat]) is paragraphed
    assert choose_body([paragraphed, longer]) is longer


# --- odd inputs --------------------------------------------------------------------------------------


def _random_bytes_as_text() -> str:
    rng = random.Random(7)
    return bytes(rng.getrandbits(8) for _ in range(50_000)).decode("latin-1")


@pytest.mark.parametrize(
    "html",
    [
        "",
        "   \n\t ",
        _random_bytes_as_text(),
        "\x00\x01\x02<p>\x00</p>",
        '<?xml version="1.0" encoding="iso-8859-1"?><html><body><p>Short.</p></body></html>',
        "<html><head><script>var a = 1;</script></head><body><script>render()</script></body></html>",
        "<div>" * 50_000 + "Deep. " * 40 + "</div>" * 50_000,
        "<html><frameset><frame src='a.html'></frameset></html>",
    ],
    ids=["empty", "whitespace", "binary", "control-chars", "xml-decl", "scripts-only", "deep", "frameset"],
)
def test_odd_inputs_are_refused_cleanly(html: str) -> None:
    with pytest.raises(errors.NoArticleText):
        extract_article(html, "https://example.test/odd")


def test_a_five_megabyte_page_of_scripts_still_yields_its_article() -> None:
    bundle = "<script>window.__DATA__ = " + json.dumps(["x" * 100] * 50_000) + ";</script>"
    html = page("div-paragraphs.html").replace("</body>", bundle + "</body>")
    assert len(html) > 5_000_000

    article = extract_article(html, "https://harlowherald.example/big")

    assert paragraphs(article.text) == BRIDGE_PARAGRAPHS


def test_thousands_of_unclosed_tags_give_plain_text() -> None:
    html = "<html><body>" + "".join(
        f"<p>Sentence {n} about the council vote that happened on Tuesday.<b><i>" for n in range(3000)
    )

    article = extract_article(html, "")

    assert article.text.startswith("Sentence 0 about the council vote that happened on Tuesday.")
    assert "<" not in article.text


# --- the bundled example -----------------------------------------------------------------------------


def test_the_example_page_gives_the_seven_ice_sentences_verbatim() -> None:
    article = extract_article(EXAMPLE.read_text(encoding="utf-8"), "")
    flat = re.sub(r"\s+", " ", article.text)

    for sentence in ICE_SENTENCES:
        assert sentence in flat
    assert len(paragraphs(article.text)) == 4
    assert article.headline == "ICE Officials Express Concern Over Potential Legal Exposure in Blue States"
    assert article.site == "TrendWire Now"
    assert article.byline is None
    assert article.published == "2026-11-27"
    assert article.url.startswith("https://trendwirenow.example/2026/11/27/")
    assert article.partial_text is False
    for boilerplate in ("BREAKING", "Share this", "Related stories", "Sign Me Up", "cookies", "Copyright"):
        assert boilerplate not in article.text


# --- the command -------------------------------------------------------------------------------------


def test_extract_command_prints_one_json_line_per_input_and_fails_at_the_end(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    sources = [str(EXAMPLE), str(tmp_path / "missing.html"), str(PAGES / "no-article.html")]
    status = main(["extract", *sources, "--json"])

    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert status == 1
    assert len(lines) == 3
    assert lines[0]["title"].startswith("ICE Officials") and lines[0]["partial_text"] is False
    contract_keys = {"url", "title", "site", "byline", "published", "language", "words"}
    contract_keys |= {"coverage", "paragraphs", "paywalled", "read_words"}
    assert set(lines[0]) == contract_keys | {"partial_text", "text"}
    assert lines[1]["error"]["kind"] == "file_not_readable"
    assert lines[2]["error"]["kind"] == "no_text"
