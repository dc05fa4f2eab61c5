"""Bounds on what extraction reads of a hostile or runaway page: paragraph, page text and element caps.

Extraction's passes (trafilatura, readability, paywall and furniture checks) each cost seconds per MB of
page text, and trafilatura's cascade tens of µs per element whatever the element holds (a 1 MB page of
`<br>`, 250,000 elements, takes trafilatura alone 10–14 s). One run of text longer than `MAX_RUN` (a
paragraph with no end) is cut there, and a page whose text runs past `MAX_PAGE_TEXT` or whose body holds
more than `MAX_ELEMENTS` elements is read up to that point in document order, everything after dropped
(JSON-LD and the head's metadata stay), before those passes run. The caps lie well above what real
pages hold (on the 990 pages of the extraction corpus the longest run of text is about 7,400
characters, the most text on one page about 113,000, the most elements about 10,100).
"""

from __future__ import annotations

import lxml.html
from lxml import etree

from bot.extract.tree import count_elements

# Characters of one text run (an element's text or tail): a very long paragraph, with room to spare.
MAX_RUN = 20_000
# Characters of page text, whitespace between elements not counted: far past any story (the offline
# engine reads 30,000 of a body, the extracted text is capped at 200,000).
MAX_PAGE_TEXT = 150_000
# Elements inside the body (unread ones too: a `<noscript>` or `<template>` full of elements costs as
# much): three times the corpus's most.
MAX_ELEMENTS = 30_000
# Text no reader sees, which extraction drops or reads apart: it does not use up the text budget.
_UNREAD = frozenset({"script", "style", "noscript", "template", "head", "title", "meta"})
_RUN_LONGER_THAN = etree.XPath("boolean(//text()[string-length(.) > $run])")


def bound_page(
    root: lxml.html.HtmlElement, run: int = MAX_RUN, page: int = MAX_PAGE_TEXT, elements: int = MAX_ELEMENTS
) -> bool:
    """Cut every run of text at `run` characters and the page after `page` characters of text or
    `elements` elements; True when anything was cut."""
    return not within_bounds(root, run, page, elements) and cut_page(root, run, page, elements)


def cut_page(
    root: lxml.html.HtmlElement, run: int = MAX_RUN, page: int = MAX_PAGE_TEXT, elements: int = MAX_ELEMENTS
) -> bool:
    """`bound_page`'s walk over every text run and element, without the quick test most pages need none."""
    cut = False
    seen = unread = 0  # characters counted; how many unread elements the walk is inside
    in_body, counted = False, 0  # elements of the body met so far
    for event, element in etree.iterwalk(root, events=("start", "end")):
        if not isinstance(element.tag, str):
            continue
        if element.tag == "body":
            in_body = event == "start"
        elif in_body and event == "start":
            counted += 1
            if counted > elements:  # this element and all after it go
                _drop_following(element, keep_tail=False)
                element.getparent().remove(element)
                return True
        if element.tag in _UNREAD:
            unread += 1 if event == "start" else -1
        side = "text" if event == "start" else "tail"
        text = getattr(element, side)
        if not text or unread:
            continue
        if len(text) > run:
            text = _shortened(text, run)
            setattr(element, side, text)
            cut = True
        size = len(text.strip())
        if seen + size <= page:
            seen += size
            continue
        setattr(element, side, _shortened(text, page - seen))
        if event == "start":
            for child in list(element):
                element.remove(child)
        _drop_following(element, keep_tail=event == "end")
        return True
    return cut


def within_bounds(
    root: lxml.html.HtmlElement, run: int = MAX_RUN, page: int = MAX_PAGE_TEXT, elements: int = MAX_ELEMENTS
) -> bool:
    """True when `bound_page` would cut nothing, found in C without visiting elements from Python.

    All text and all elements, unread ones and the head's included, are at least what the walk counts:
    a long run inside unread elements (a big JSON-LD block) or a head full of metadata only sends the
    page to the exact walk.
    """
    if count_elements(root) > elements:
        return False
    if len(etree.tostring(root, method="text", encoding="unicode")) > page:
        return False
    return not _RUN_LONGER_THAN(root, run=run)


def _shortened(text: str, limit: int) -> str:
    """`text` cut to at most `limit` characters, at a space when there is one in its second half."""
    space = text.rfind(" ", limit // 2, limit + 1)
    return text[: space if space > 0 else limit]


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
