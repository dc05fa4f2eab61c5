"""Work extraction skips only where the answer is provably the same: re-reading a page without comments."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest
from lxml import etree
from support.page_server import article_html

from bot.extract import extract_article
from bot.extract.body import Body, reading_alone, trafilatura_reading
from bot.extract.paywall import _FOLD, _GATE_PHRASES, cut_gate_prompt
from bot.extract.tree import _BREAK, LINK_END, LINK_START, _text_runs_joined, _walk, element_lines, parse_html

_COMMENTS = """<div id="comments"><h3>3 comments</h3>
<div class="comment"><p>Reader one says the budget is far too high for a city this size.</p></div>
<div class="comment"><p>Reader two thinks the council should have waited for the audit.</p></div></div>"""


def _page(extra: str = "") -> str:
    return article_html("parks").replace("</article>", f"</article>{extra}")


def test_without_comment_markup_the_pruned_reading_is_what_trafilatura_alone_reads():
    root = parse_html(_page())
    pruned = trafilatura_reading(root, "")
    alone = trafilatura_reading(root, "", prune_comments=False)
    assert reading_alone(root, "", pruned) is pruned
    assert etree.tostring(alone) == etree.tostring(pruned)


def test_a_page_with_a_comment_section_is_read_again_without_pruning():
    root = parse_html(_page(_COMMENTS))
    pruned = trafilatura_reading(root, "")
    alone = reading_alone(root, "", pruned)
    assert alone is not pruned
    assert etree.tostring(alone) == etree.tostring(trafilatura_reading(root, "", prune_comments=False))


def test_comment_ids_and_classes_in_any_case_count_as_comment_markup():
    for markup in (
        '<div id="Comments">x</div>',
        '<section class="article-comments">x</section>',
        '<div id="disqus_thread">x</div>',
        '<div id="social-bar">x</div>',
        '<ul id="comol">x</ul>',
    ):
        root = parse_html(_page(markup))
        pruned = trafilatura_reading(root, "")
        assert reading_alone(root, "", pruned) is not pruned, markup


_LINKED = (
    '<p>Read also: <a href="/storm"><b>Storm warning</b> issued for the weekend</a></p>'
    '<p>The parks director, <a href="/people/ann-lee">Ann Lee</a>, said the work starts in May.</p>'
    '<p>Questions: <a href="MAILTO:desk@harbour.example">desk@harbour.example</a></p>'
    "<p>The new playgrounds are due to open before the summer holidays begin.</p>"
)


def _linked_page() -> str:
    return _page().replace("</article>", _LINKED + "</article>")


def test_trafilatura_reads_with_links_marked_and_leaves_the_page_as_it_was():
    root = parse_html(_linked_page())
    before = etree.tostring(root)
    reading = trafilatura_reading(root, "")
    assert etree.tostring(root) == before
    text = etree.tostring(reading, method="text", encoding="unicode")
    assert "\ufdd0Storm warning issued for the weekend\ufdd1" in text  # around the link's elements too
    assert "\ufdd0desk@harbour.example" not in text  # an address to write to is no link elsewhere


def test_a_link_line_in_trafilatura_s_reading_goes_while_prose_and_contact_lines_stay():
    text = extract_article(_linked_page(), "").text
    assert "Storm warning" not in text
    assert "The parks director, Ann Lee, said the work starts in May." in text
    assert "Questions: desk@harbour.example" in text
    assert "\ufdd0" not in text and "\ufdd1" not in text


def test_the_link_markers_in_a_page_s_own_text_are_not_read_as_links():
    story = "The council voted for the new parks plan on Monday evening."
    text = extract_article(_page().replace("</article>", f"<p>\ufdd0{story}\ufdd1</p></article>"), "").text
    assert story in text and "\ufdd0" not in text


def test_footnote_extract_on_saved_pages_loads_no_event_loop_network_or_engine(tmp_path):
    page = tmp_path / "page.html"
    page.write_text(_page(), encoding="utf-8")
    script = (
        "import sys; from bot.cli import main; status = main(['extract', '--json', sys.argv[1]]);"
        "heavy = ('asyncio', 'bot.pipeline', 'bot.engines', 'httpx');"
        "print(sorted(m for m in heavy if m in sys.modules), status)"
    )
    command = [sys.executable, "-c", script, str(page)]
    done = subprocess.run(command, capture_output=True, text=True, check=True)
    record, loaded = done.stdout.splitlines()
    assert json.loads(record)["text"].count("\n\n") >= 2
    assert loaded == "[] 0"


def test_the_folded_gate_search_finds_what_the_case_blind_one_finds_at_the_same_places():
    every_character = "".join(chr(c) for c in range(0x110000) if not 0xD800 <= c < 0xE000)
    folded = every_character.translate(_FOLD).lower()
    assert len(folded) == len(every_character)
    letters = {c for c in re.sub(r"\\.", "", _GATE_PHRASES.pattern) if c.isalpha()}
    assert letters == {c.lower() for c in letters}  # the lower-case pattern is the same pattern
    for letter in letters:
        case_blind = {m.start() for m in re.finditer(letter, every_character, re.IGNORECASE)}
        assert case_blind == {m.start() for m in re.finditer(letter, folded)}, letter
    for cls in (r"\w", r"\s", r"\d", r"\b"):
        assert [m.start() for m in re.finditer(cls, every_character)] == [
            m.start() for m in re.finditer(cls, folded)
        ], cls
    prompt = "Our reporters ſtay on it. SUBSCRİBE TO CONTINUE READİNG. Already a subscriber?"
    first = "A first paragraph of the story."
    cut = cut_gate_prompt(Body("trafilatura", (first, prompt)))
    assert cut.paragraphs == (first, "Our reporters ſtay on it.")


def test_nested_control_panels_are_judged_in_document_order():
    from bot.extract.tree import drop_captions_and_controls

    words = " ".join(f"word{n}" for n in range(35))
    html = (
        f"<html><body><div id='outer'><button>Menu</button> {words} "
        "<div id='inner'><button>Accept</button> cookie consent settings here</div></div></body></html>"
    )
    for _ in range(20):  # a set of elements would judge them in a different order on some runs
        root = parse_html(html)
        drop_captions_and_controls(root)
        assert root.find(".//div[@id='outer']") is not None
        assert root.find(".//div[@id='inner']") is None


def _readability_calls(monkeypatch) -> list[int]:
    """Count readability's readings while extraction runs (the real one still answers)."""
    import bot.extract.article as article

    calls: list[int] = []
    real = article.readability_body

    def counted(root, headlines):
        calls.append(1)
        return real(root, headlines)

    monkeypatch.setattr(article, "readability_body", counted)
    return calls


def test_readability_is_not_asked_when_trafilatura_read_plenty_of_text_without_prose(monkeypatch):
    from bot import errors
    from bot.extract import extract_article

    calls = _readability_calls(monkeypatch)
    line = "<p>The council said on Tuesday that the mayor would sign the budget next week.</p>"
    with pytest.raises(errors.NoArticleText):
        extract_article(f"<html><body><div>{line * 400}</div></body></html>", "")
    assert calls == []


def test_readability_is_asked_when_trafilatura_read_nearly_nothing(monkeypatch):
    from bot import errors
    from bot.extract import extract_article

    calls = _readability_calls(monkeypatch)
    with pytest.raises(errors.NoArticleText):
        extract_article("<html><body><p>Short note. Nothing else here.</p></body></html>", "")
    assert calls == [1]


def test_runs_of_adjacent_text_nodes_are_read_as_one_node_each():
    """Unwrapped tags leave runs of text nodes, which lxml reads in quadratic time: each is read as one."""
    links = "".join(f'<a href="/p{n}">{LINK_START}story {n}{LINK_END}</a> ' for n in range(500))
    root = etree.fromstring(f"<doc><head>Top</head><p>Lead {links}<hi>x</hi>{links}</p><p>After.</p></doc>")
    etree.strip_tags(root, "a")
    runs = root.xpath("count(.//text())")
    joined = _text_runs_joined(root)
    assert runs > 2000 and joined.xpath("count(.//text())") == 5  # head, p, hi and its tail, the last p
    assert etree.tostring(joined) == etree.tostring(root)
    walked: list[str] = []
    _walk(root, walked)
    assert element_lines(root) == "".join(walked).split(_BREAK)
    plain = etree.fromstring("<doc><p>One <hi>two</hi> three.</p></doc>")
    assert _text_runs_joined(plain) is plain  # no run, no copy
    page = parse_html(f'<html><body><p a:b="1">Lead {links}</p></body></html>')
    etree.strip_tags(page, "a")
    assert _text_runs_joined(page.body) is page.body  # HTML that XML cannot hold is read as it is
    assert element_lines(page.body)[1].startswith("Lead story 0 story 1 ")
