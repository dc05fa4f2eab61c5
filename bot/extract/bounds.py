"""Bounds on what extraction reads of a hostile or runaway page: the tree is cut after its first text.

Extraction's passes (trafilatura, readability, paywall and furniture checks) each cost seconds per MB of
page text. A page whose text runs far past any story (a megabyte of links, one endless paragraph) is read
up to `MAX_PAGE_TEXT` characters in document order, and everything after is dropped before they run.
"""

from __future__ import annotations

import lxml.html
from lxml import etree

# About 8,000 words of page text, furniture included: more than the offline engine reads of a body
# (`bot.engines.local.MAX_READ_CHARS`), so that a long real story still gives the engine all it reads.
MAX_PAGE_TEXT = 50_000
# Text no reader sees, which extraction drops or reads apart: it does not use up the budget.
_UNREAD = frozenset({"script", "style", "noscript", "template", "head", "title", "meta"})


def bound_page(root: lxml.html.HtmlElement, limit: int = MAX_PAGE_TEXT) -> bool:
    """Cut the tree after its first `limit` characters of readable text; True when anything was cut."""
    seen = unread = 0  # characters counted; how many unread elements the walk is inside
    for event, element in etree.iterwalk(root, events=("start", "end")):
        if not isinstance(element.tag, str):
            continue
        if element.tag in _UNREAD:
            unread += 1 if event == "start" else -1
        text = element.text if event == "start" else element.tail
        if not text or unread:
            continue
        if seen + len(text) <= limit:
            seen += len(text)
            continue
        keep = text[: limit - seen]
        if event == "start":
            element.text = keep
            for child in list(element):
                element.remove(child)
            _drop_following(element, keep_tail=False)
        else:
            element.tail = keep
            _drop_following(element, keep_tail=True)
        return True
    return False


def _drop_following(element: lxml.html.HtmlElement, keep_tail: bool) -> None:
    """Remove everything after `element` in document order (its tail too unless `keep_tail`)."""
    if not keep_tail:
        element.tail = None
    node = element
    while node is not None:
        for sibling in list(node.itersiblings()):
            if sibling.tag not in _UNREAD:  # JSON-LD and the head's metadata stay whole
                node.getparent().remove(sibling)
        node = node.getparent()
        if node is not None:
            node.tail = None
