"""The story's lead paragraph when the reading left it out: the block of the page its description quotes.

News pages often set the lead (the intro under the headline) apart from the body's container, where
readers see it as the story's first paragraph and extractors miss it. The page's description repeats
that lead's opening words; the visible block that holds them is taken back when it reads as prose,
is a paragraph (not a container, a header, a list of links or a picture's caption) and is shown
before the story ends (a site's blurb in the footer is not a lead).
"""

from __future__ import annotations

import html

from lxml import etree

from bot.extract.body import Body, prose_part
from bot.extract.tree import BLOCK_TAGS, clean_space, count_words

# Enough of the description's start to find it in the page: one text node nearly always holds it.
PROBE_CHARS = 40
# Enough of a lead's start to tell it is already in the body.
PRESENT_CHARS = 80
# A lead is one paragraph or two; a bigger block holding the description is a container.
MAX_LEAD_WORDS = 150
# A block this much link text is a list of links (tags, navigation), not a paragraph.
LINKED_SHARE = 0.5
# normalize-space() leaves no-break spaces (French and German typography) alone: they are made spaces first.
# A text node that holds the probe holds its longest word as it is: that cheap test runs first.
_TEXT_CONTAINING = etree.XPath(
    "//body//text()[contains(., $word)][contains(normalize-space(translate(., '\u00a0', ' ')), $probe)]"
)
_PRECEDING = etree.XPath("count(preceding::*)")
_HEADING_TAGS = ("h1", "h2", "h3", "h4", "h5", "h6")
_FIGURE_TAGS = frozenset({"figure", "figcaption"})
_MEDIA_TAGS = ("img", "picture", "video", "svg")
_NOT_SHOWN = frozenset({"script", "style", "noscript", "template", "title", "head", "textarea"})


def with_lead(body: Body, description: str | None, headlines: list[str], root: etree._Element) -> Body:
    """The body with the page's lead paragraph first, when the body lacks it and the page shows it above."""
    # Some pages escape their description twice ("&amp;nbsp;" in the markup); the page shows it unescaped.
    description = clean_space(html.unescape(description or ""))
    probe = description[:PROBE_CHARS]
    # A description that is a title or a list of keywords quotes no lead.
    if not body.paragraphs or len(probe) < PROBE_CHARS or not prose_part(description):
        return body
    present = _key(body.text)
    if _key(probe) in present:
        return body
    block = _block_showing(root, probe)
    if block is None:
        return body
    lead = clean_space(" ".join(block.itertext()))
    if count_words(lead) > MAX_LEAD_WORDS or not prose_part(lead) or not _plain_paragraph(block, lead):
        return body
    if _key(lead) in {_key(h) for h in headlines}:
        return body
    if _key(lead)[:PRESENT_CHARS] in present:
        return body
    story = _block_showing(root, body.paragraphs[-1][:PROBE_CHARS])
    if story is not None and _PRECEDING(story) < _PRECEDING(block):
        return body
    return Body(body.source, (lead, *body.paragraphs))


def _block_showing(root: etree._Element, probe: str) -> etree._Element | None:
    """The first visible block-level element whose text holds `probe` (in one text node), or None."""
    probe = clean_space(probe)
    for node in _TEXT_CONTAINING(root, probe=probe, word=max(probe.split(), key=len, default="")):
        parent = node.getparent()
        if parent is None:
            continue
        holder = parent if node.is_text else parent.getparent()
        if holder is None:
            continue
        chain = (holder, *holder.iterancestors())
        if any(element.tag in _NOT_SHOWN for element in chain):
            continue
        return next((element for element in chain if element.tag in BLOCK_TAGS), None)
    return None


def _plain_paragraph(block: etree._Element, text: str) -> bool:
    """Not a header (it holds a heading), a list of links (tags, navigation) or a picture's caption."""
    if next(block.iter(*_HEADING_TAGS), None) is not None:
        return False
    linked = sum(len(clean_space(" ".join(link.itertext()))) for link in block.iter("a"))
    return linked < LINKED_SHARE * len(text) and not _is_caption(block)


def _is_caption(block: etree._Element) -> bool:
    """A block in a figure, or alone with an image (a gallery slide): the picture's caption, not the lead."""
    if any(element.tag in _FIGURE_TAGS for element in (block, *block.iterancestors())):
        return True
    parent = block.getparent()
    others = [] if parent is None else [e for e in parent if e is not block and isinstance(e.tag, str)]
    pictured = any(e.tag in _MEDIA_TAGS or next(e.iter(*_MEDIA_TAGS), None) is not None for e in others)
    worded = any(e.tag not in _MEDIA_TAGS and clean_space(" ".join(e.itertext())) for e in others)
    return pictured and not worded


def _key(text: str) -> str:
    # Case and spacing only: a regular expression over every body costs more than the rest of this pass.
    return " ".join(text.casefold().split())
