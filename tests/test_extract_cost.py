"""Work extraction skips only where the answer is provably the same: re-reading a page without comments."""

from __future__ import annotations

from lxml import etree
from support.page_server import article_html

from bot.extract.body import reading_alone, trafilatura_reading
from bot.extract.tree import parse_html

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
