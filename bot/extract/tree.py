"""Page HTML → a parsed tree, and any element → paragraphs that keep their boundaries.

The paragraph walker serves both the browser's HTML (readability's output) and
trafilatura's XML body (`p`, `head`, `list`/`item`, `quote`, `lb`), so every
extractor's text is cut into paragraphs by the same rules.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from contextlib import contextmanager

import lxml.html
from lxml import etree

log = logging.getLogger(__name__)

# Markup left after scripts and styles are cut: a long article page has a few hundred
# thousand characters; past this, extractors take seconds on a worker thread.
MAX_MARKUP_CHARS = 1_000_000

# Invisible elements bigger than this are kept: some sites ship the whole story
# hidden and reveal it with a script, and losing the article is worse than
# reading it. Hidden prompt-injection blurbs are small.
MAX_HIDDEN_WORDS_DROPPED = 200

# Control characters, deleted from the encoded page (a C-level `bytes.translate`) ...
_CONTROL_BYTES = bytes([*range(0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F])
# ... and the noncharacters U+FDD0–U+FDEF in UTF-8 (never text; `LINK_START`/`LINK_END` are two of them).
_NONCHARACTERS = re.compile(rb"\xef\xb7[\x90-\xaf]")
# Where inert markup starts: scripts, styles and inline SVG are often megabytes that no
# extractor reads, and comments are never text. Each is cut by a forward scan (`_without_inert`)
# so that any run of unclosed openers costs one pass over the page, never one per opener.
_INERT_START = re.compile(r"<(?:(script|style|svg)\b|!--)", re.IGNORECASE)
# A closing tag is its name then whitespace, "/" or ">"; a browser reads any attributes up to the next ">"
# (`</script\n  <!-- x -->` closes at the comment's end).
_INERT_END = {name: re.compile(rf"</{name}(?=[\s/>])", re.IGNORECASE) for name in ("script", "style", "svg")}
# Scripts written without spaces between words (Chinese, Japanese, Thai, Lao, Khmer, Myanmar) and Korean.
_CJK = re.compile(
    r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff"
    r"\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff]"
)
# Candidates only: the style test is done in Python, twice as fast as XPath's translate() on every element.
_MAYBE_INVISIBLE_XPATH = etree.XPath("//body//*[@hidden or @aria-hidden='true' or @style]")
# A standfirst ("dek") sits under the headline: the editor's pitch for the story, not its text.
_STANDFIRST_CLASS = re.compile(
    r"(?:^|[\s_-])(?:dek|deck|standfirst|strapline|subtitle|subhead|subheadline)(?:$|[\s_-])", re.I
)
MAX_STANDFIRST_WORDS = 60
# An image's credit or caption is a few words; a control panel (cookie banner, sign-up box) a few dozen.
MAX_CAPTION_WORDS = 12
MAX_CONTROL_PANEL_WORDS = 40
# A paragraph this long is the story's text: standfirsts come before it.
STORY_PARAGRAPH_WORDS = 25
_NOT_TEXT_TAGS = frozenset({"script", "style", "noscript", "template"})

# Paragraph boundaries: browser block elements plus trafilatura's XML body tags.
BLOCK_TAGS = frozenset(
    {
        "address",
        "article",
        "aside",
        "blockquote",
        "center",
        "dd",
        "details",
        "dialog",
        "div",
        "dl",
        "dt",
        "footer",
        "header",
        "hr",
        "li",
        "main",
        "nav",
        "ol",
        "p",
        "pre",
        "section",
        "table",
        "tbody",
        "tfoot",
        "thead",
        "tr",
        "ul",
        "list",
        "item",
        "quote",
        "row",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "head",
    }
)
_BREAK_TAGS = frozenset({"br", "lb"})
# A table row is one line: its cells stand apart by a space.
_CELL_TAGS = frozenset({"td", "th", "cell"})
# Never body text. Headings (the headline, section labels), captions and forms stand
# apart from the paragraphs around them; media and controls sit inside a line.
_SKIPPED_BLOCK_TAGS = frozenset(
    {
        "h1",
        "figure",
        "figcaption",
        "caption",
        "form",
        "fieldset",
        "select",
        "textarea",
        "template",
    }
)
_SKIPPED_INLINE_TAGS = frozenset(
    {
        "graphic",
        "img",
        "picture",
        "video",
        "audio",
        "iframe",
        "object",
        "embed",
        "svg",
        "canvas",
        "button",
        "input",
        "label",
        "script",
        "style",
        "noscript",
        "title",
        "meta",
        "link",
    }
)
# U+0000 cannot reach here (stripped on parse), so it is a safe in-band marker.
_BREAK = "\x00"
# Around link text: set by `links_marked` in the page for trafilatura, by the walk for `a` elsewhere.
# Noncharacters are stripped on parse, and unlike control characters a tree holds them.
LINK_START, LINK_END = "\ufdd0", "\ufdd1"
_LINKS_WITH_TEXT = etree.XPath("//a[normalize-space()]")
# Counted to find runs of adjacent text nodes (`_text_runs_joined`) and to bound a page (`count_elements`).
_TEXT_NODES = etree.XPath("count(.//text())")
_ELEMENTS = etree.XPath("count(descendant-or-self::*)")
# Links that write to someone rather than point at another page: their text is contact detail, not a link.
_CONTACT_SCHEMES = ("mailto:", "tel:")
_CONTACT_INITIALS = frozenset("mMtT")  # only an address starting so can be one: most links skip the rest
# A line this short that is mostly link text points elsewhere ("Read also: …", share rows).
LINK_LINE_SHARE = 0.6
LINK_LINE_MAX_WORDS = 25
# Zero-width space, word joiner, BOM and soft hyphen. ZWJ and ZWNJ stay: Indic and Persian words need them.
_ZERO_WIDTH = re.compile(r"[\u200b\u2060\ufeff\u00ad]")
# Sentence ends and what may close after them: Latin, Chinese and Japanese, the danda of Hindi and
# Bengali, Arabic's question mark and Urdu's full stop, Ethiopic, Armenian, Myanmar and Khmer.
SENTENCE_MARKS = ".!?…。！？।॥؟۔።։။។"
CLOSING_QUOTES = "\"'”’»)]」』）"
# How the words before a link end when they label it or stand apart: "Read also:", "More »", "Go!".
_LABEL_ENDS = frozenset(":»>|-–—/" + SENTENCE_MARKS)


# lxml.html's own class lookup is a Python method, called for every element Python touches (about 5%
# of extraction's time); this one answers in C with the same classes, less form fields' subclasses.
_HTML_CLASSES = etree.ElementDefaultClassLookup(
    element=lxml.html.HtmlElement,
    comment=lxml.html.HtmlComment,
    pi=lxml.html.HtmlProcessingInstruction,
    entity=lxml.html.HtmlEntity,
)


def parse_html(html: str) -> lxml.html.HtmlElement | None:
    """A document tree, or None when the input holds no markup or text at all."""
    return parse_page(html)[0]


def parse_page(html: str) -> tuple[lxml.html.HtmlElement | None, bool]:
    """`parse_html`'s tree, and whether the page's markup ran past `MAX_MARKUP_CHARS` (its end unread)."""
    readable = without_inert(html)
    return _parsed(readable[:MAX_MARKUP_CHARS]), len(readable) > MAX_MARKUP_CHARS


def _parsed(readable: str) -> lxml.html.HtmlElement | None:
    # Bytes with an explicit encoding: lxml refuses str input that carries an XML
    # encoding declaration, and the page is already decoded upstream.
    markup = readable.encode("utf-8", "replace").translate(None, _CONTROL_BYTES)
    if b"\xef\xb7" in markup:  # the lead bytes of the noncharacters (and of a few Arabic ligatures)
        markup = _NONCHARACTERS.sub(b"", markup)
    if not markup.strip():
        return None
    parser = lxml.html.HTMLParser(encoding="utf-8", remove_comments=True, remove_pis=True, collect_ids=False)
    parser.set_element_class_lookup(_HTML_CLASSES)
    try:
        root = lxml.html.document_fromstring(markup, parser=parser)
    except (etree.ParserError, ValueError) as exc:
        log.debug("unparseable page: %s", exc)
        return None
    return root if isinstance(root, lxml.html.HtmlElement) else None


def without_inert(html: str) -> str:
    """The page without comments, styles, inline SVG and scripts other than JSON-LD, in one pass.

    Comments, scripts and styles end as a browser ends them: at the first closing tag, or
    with the page when none follows. An SVG never closed is left to the parser, which ends
    it at the next HTML element. JSON-LD scripts stay whole: they carry the article's metadata.
    """
    kept: list[str] = []
    unclosed: set[str] = set()  # elements with no closing tag left: later openers need no search
    position = 0
    while (start := _INERT_START.search(html, position)) is not None:
        kept.append(html[position : start.start()])
        name = (start.group(1) or "").lower()
        if not name:
            close = html.find("-->", start.end())
            position = len(html) if close < 0 else close + 3
            continue
        tag_end = html.find(">", start.end())
        if tag_end < 0:
            return "".join(kept)  # an unfinished tag: nothing after it is readable
        close_match = None if name in unclosed else _INERT_END[name].search(html, tag_end + 1)
        close_end = -1 if close_match is None else html.find(">", close_match.end())
        if close_end < 0:
            unclosed.add(name)
            if name == "svg":
                kept.append(html[start.start() : tag_end + 1])
                position = tag_end + 1
                continue
        end = len(html) if close_end < 0 else close_end + 1
        if name == "script" and "ld+json" in html[start.end() : tag_end].lower():
            kept.append(html[start.start() : end])
        position = end
    kept.append(html[position:])
    return "".join(kept)


def drop_invisible(root: lxml.html.HtmlElement) -> int:
    """Remove small elements a reader cannot see (hidden, display:none); returns how many."""
    dropped = 0
    for element in _MAYBE_INVISIBLE_XPATH(root):
        if not _is_hidden(element) or element.getparent() is None:
            continue
        if count_words(element.text_content()) > MAX_HIDDEN_WORDS_DROPPED:
            continue
        element.drop_tree()
        dropped += 1
    return dropped


def _is_hidden(element: lxml.html.HtmlElement) -> bool:
    if element.get("hidden") is not None or element.get("aria-hidden") == "true":
        return True
    style = "".join((element.get("style") or "").lower().split())
    return "display:none" in style or "visibility:hidden" in style


def drop_standfirsts(root: lxml.html.HtmlElement) -> int:
    """Remove short standfirsts (class "dek", "standfirst", "subtitle", …) above the story; returns how many.

    Left in, a standfirst reads as the story's first paragraph and leads the summary with
    the editor's framing instead of what the article reports. Below the story's first
    paragraph the same class names mark its section headings, which stay.
    """
    body = root.find("body")
    if body is None:
        return 0
    standfirsts = []
    for element in body.iter(tag=etree.Element):
        if element.tag == "p" and count_words(element.text_content()) >= STORY_PARAGRAPH_WORDS:
            break
        if not _STANDFIRST_CLASS.search(element.get("class", "")):
            continue
        if element.tag in {"article", "main", "body", "section"}:
            continue
        if count_words(element.text_content()) <= MAX_STANDFIRST_WORDS:
            standfirsts.append(element)
    for element in standfirsts:
        if element.getparent() is not None:
            element.drop_tree()
    return len(standfirsts)


def drop_captions_and_controls(root: lxml.html.HtmlElement) -> int:
    """Remove image credits and control panels, whatever their class names; returns how many.

    A short line that does not end a sentence, right after an image, is its credit or caption
    ("Photo: Jane Doe / Agency"); on `<br>` layouts it would be glued onto the first sentence.
    The smallest block around a button, when it holds only a few words, is a control panel
    (cookie banner, newsletter box), not story text.
    """
    body = root.find("body")
    if body is None:
        return 0
    dropped = 0
    for image in body.iter("img", "picture", "svg"):
        tail = (image.tail or "").strip()
        if tail and count_words(tail) <= MAX_CAPTION_WORDS and not ends_sentence(tail):
            image.tail = None
            dropped += 1
    # Every panel is judged on the page as it came, in document order: dropping one panel first must not
    # shrink the panel around it under the limit (a set's order made the same page read two ways).
    around = dict.fromkeys(_block_around(button) for button in body.iter("button"))
    small = MAX_CONTROL_PANEL_WORDS
    panels = [p for p in around if p is not None and p is not body and count_words(p.text_content()) <= small]
    for panel in panels:
        if panel.getparent() is not None:
            panel.drop_tree()
            dropped += 1
    return dropped


def _block_around(element: lxml.html.HtmlElement) -> lxml.html.HtmlElement | None:
    for ancestor in element.iterancestors():
        if ancestor.tag in BLOCK_TAGS or ancestor.tag in _CELL_TAGS or ancestor.tag in {"form", "body"}:
            return ancestor
    return None


def visible_text(root: lxml.html.HtmlElement) -> str:
    """All text of the page body a reader could see, without scripts and styles."""
    body = root.find("body")
    if body is None:
        return ""
    pieces: list[str] = []
    skipping = 0  # depth inside script/style elements
    for event, element in etree.iterwalk(body, events=("start", "end")):
        inert = element.tag in _NOT_TEXT_TAGS
        if event == "start":
            skipping += inert
            if not skipping and element.text:
                pieces.append(element.text)
        else:
            skipping -= inert
            if not skipping and element.tail and element is not body:
                pieces.append(element.tail)
    return clean_space(" ".join(pieces))


def clean_space(text: str) -> str:
    """One space for every run of whitespace; invisible characters removed."""
    # str.split() splits at exactly the characters `\s` matches, and in C; ASCII text has no invisible ones.
    return " ".join((text if text.isascii() else _ZERO_WIDTH.sub("", text)).split())


def count_words(text: str) -> int:
    """Whitespace-separated words; Chinese, Japanese and Korean text counts about two characters a word."""
    words = len(text.split())
    return words if text.isascii() else words + len(_CJK.findall(text)) // 2  # isascii: no scan at all


def count_elements(element: etree._Element) -> int:
    """The element and all elements inside it, counted in C."""
    return int(_ELEMENTS(element))


def cjk_characters(text: str) -> list[str]:
    """The Chinese, Japanese, Korean, Thai and other unspaced-script characters of the text."""
    return _CJK.findall(text)


def cjk_share(text: str) -> float:
    """The share of non-space characters that are Chinese, Japanese or Korean."""
    if text.isascii():
        return 0.0
    visible = len("".join(text.split()))
    return len(_CJK.findall(text)) / visible if visible else 0.0


def ends_sentence(text: str) -> bool:
    """True when the text ends like a sentence (closing quotes allowed)."""
    last = text.rstrip(CLOSING_QUOTES)[-1:]
    return bool(last) and last in SENTENCE_MARKS


def element_paragraphs(element: etree._Element, drop_link_lines: bool = False) -> list[str]:
    """The element's text as paragraphs, cut at block elements and line breaks.

    With `drop_link_lines`, a short line that is mostly link text goes: it points at another
    page ("Read also: …", a share row, a trending bar), it is not the story.
    """
    return lines_paragraphs(element_lines(element), drop_link_lines)


def element_lines(element: etree._Element) -> list[str]:
    """The element's text cut at block elements and line breaks, link text marked (for `lines_paragraphs`)."""
    pieces: list[str] = []
    _walk(_text_runs_joined(element), pieces)
    return "".join(pieces).split(_BREAK)


def _text_runs_joined(element: etree._Element) -> etree._Element:
    """The element, or a copy of it whose runs of adjacent text nodes are each one node.

    Unwrapping tags (trafilatura unwraps links) leaves such runs, and lxml reads a run by adding its
    nodes one at a time: quadratic in its length (16,000 unwrapped links, 0.12 s). Counting is linear:
    more text nodes than the elements' texts and tails could hold means runs. (A run hidden among as
    many empty elements is still read node by node; finding it exactly costs XPath quadratic time.)
    """
    if _TEXT_NODES(element) <= 2 * count_elements(element) + 1:
        return element
    try:
        return etree.fromstring(etree.tostring(element, with_tail=False))
    except etree.XMLSyntaxError:  # HTML that is not XML: read as it is
        return element


def lines_paragraphs(lines: list[str], drop_link_lines: bool = False) -> list[str]:
    """`element_paragraphs` of lines already walked (one walk serves both ways of reading them)."""
    segments = []
    for raw in lines:
        text = clean_space(raw.replace(LINK_START, "").replace(LINK_END, ""))
        if text and not (drop_link_lines and _is_link_line(raw, text)):
            segments.append(text)
    return join_broken_lines(segments)


def _is_link_line(raw: str, text: str) -> bool:
    if count_words(text) > LINK_LINE_MAX_WORDS:
        return False
    # A sentence that runs from plain words into its link ("… replaced Ann Lee, [who ran marketing.]")
    # is prose that cites a page; a label before a link ("Read also: [...]") ends before it.
    opening = clean_space(raw.split(LINK_START, 1)[0])
    if count_words(opening) >= 2 and opening[-1] not in _LABEL_ENDS and ends_sentence(text):
        return False
    linked = sum(len("".join(part.split(LINK_END, 1)[0].split())) for part in raw.split(LINK_START)[1:])
    return linked >= LINK_LINE_SHARE * len("".join(text.split()))


def join_broken_lines(segments: list[str]) -> list[str]:
    """Paragraphs from line segments: a break inside a sentence is mended, any other break kept.

    A `<br>` usually separates paragraphs on `<br>`-laid-out pages, but a line that
    stops mid-sentence and continues in lower case is one paragraph wrapped.
    """
    paragraphs: list[list[str]] = []  # each paragraph's lines, joined once at the end
    for segment in segments:
        if paragraphs and not ends_sentence(paragraphs[-1][-1]) and segment[:1].islower():
            paragraphs[-1].append(segment)
        else:
            paragraphs.append([segment])
    return [" ".join(lines) for lines in paragraphs]


def _walk(root: etree._Element, pieces: list[str]) -> None:
    # Iterative, so that absurdly deep markup cannot exhaust the recursion limit.
    stack: list[tuple[etree._Element, bool, bool]] = [(root, False, False)]  # node, closing, a marked link
    while stack:
        node, closing, marked = stack.pop()
        # Comments and processing instructions have a non-string tag; only their tail is text.
        name = node.tag.rsplit("}", 1)[-1].lower() if isinstance(node.tag, str) else ""
        if closing:
            if marked:
                pieces.append(LINK_END)
            if name in BLOCK_TAGS:
                pieces.append(_BREAK)
            elif name in _CELL_TAGS:
                pieces.append(" ")
        elif name in _BREAK_TAGS or name in _SKIPPED_BLOCK_TAGS:
            pieces.append(_BREAK)
        elif name and name not in _SKIPPED_INLINE_TAGS:
            marked = False
            if name in BLOCK_TAGS:
                pieces.append(_BREAK)
            elif name == "a" and _points_elsewhere(node):
                pieces.append(LINK_START)
                marked = True
            pieces.append(node.text or "")
            stack.append((node, True, marked))
            stack.extend((child, False, False) for child in reversed(node))
            continue
        if node is not root:
            pieces.append(node.tail or "")


@contextmanager
def links_marked(root: lxml.html.HtmlElement) -> Iterator[None]:
    """The text of every link that points elsewhere set between `LINK_START` and `LINK_END` meanwhile.

    trafilatura then reads the page without its own link handling (which costs as much again on a page
    of links) and its reading still tells link text apart. Links without text stay as they are: a
    marker would be text where the page has none.
    """
    marked: list[tuple[etree._Element, str | None, etree._Element | None, str | None]] = []
    for link in _LINKS_WITH_TEXT(root):
        if not _points_elsewhere(link):
            continue
        last = link[-1] if len(link) else None
        marked.append((link, link.text, last, None if last is None else last.tail))
        if last is None:
            link.text = f"{LINK_START}{link.text}{LINK_END}"
        else:
            link.text = LINK_START + (link.text or "")
            last.tail = (last.tail or "") + LINK_END
    try:
        yield
    finally:
        for link, text, last, tail in reversed(marked):
            link.text = text
            if last is not None:
                last.tail = tail


def _points_elsewhere(link: etree._Element) -> bool:
    address = (link.get("href") or "").lstrip()
    return address[:1] not in _CONTACT_INITIALS or not address.lower().startswith(_CONTACT_SCHEMES)
