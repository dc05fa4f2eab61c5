"""Candidate article bodies (trafilatura, JSON-LD articleBody, readability) as clean paragraphs."""

from __future__ import annotations

import copy
import logging
import re
from dataclasses import dataclass
from datetime import date
from functools import cached_property

import lxml.html
import trafilatura
from htmldate import find_date
from lxml import etree
from trafilatura.metadata import extract_title

from bot.extract.tree import (
    CLOSING_QUOTES,
    SENTENCE_MARKS,
    cjk_share,
    clean_space,
    count_words,
    element_lines,
    element_paragraphs,
    ends_sentence,
    lines_paragraphs,
    links_marked,
    parse_html,
)

log = logging.getLogger(__name__)

# A line at the edge of the body shorter than this, with no sentence ending, is page
# furniture (kicker, dateline, "Related coverage", a stray headline), not prose.
FURNITURE_MAX_WORDS = 12
# One or two short lines closing the text are what the links below a story leave behind ("Related",
# "More on this topic:"); three or more are a list that ends it (ingredients, an address, details).
MAX_TRAILING_FURNITURE = 2
# What closes a page below the story, addressed to the reader: offers to subscribe or sign up, apps,
# rights notices. A story's own sentence about subscribers or copyright is not one of these.
_PROMO = re.compile(
    r"^(?:subscribe|sign\s+up|download|join\s+us|follow\s+us|abonnieren|abonnez|suscr[ií]bete|s[ií]guenos"
    r"|folgen\s+sie\s+uns|suivez[-\s]nous)\b|\bsubskrypcj|\bchroniony\s+prawem"
    r"|\b(?:our|nuestro|unser\w*|notre|tenemos|haben)\s+(?:a\s+|un\s+|einen\s+)?(?:channel|canal|kanal)\b"
    r"|\b(?:our|unser\w*|notre|nuestro)\s+newsletter|\bnewsletter\s+(?:abonnieren|anmelden)"
    r"|\bapps?\s+(?:for|für)\s+(?:ios|android)|\bapp\s+store\b|\bgoogle\s+play\b"
    r"|©|\bcopyrighted\s+property\b|\ball\s+rights\s+reserved\b|\bpermission\s+must\s+be\s+obtained\b"
    r"|\bmay\s+not\s+be\s+(?:reproduced|republished|reprinted)\b|\balle\s+rechte\s+vorbehalten\b"
    r"|\btous\s+droits\s+r[ée]serv|\btodos\s+los\s+derechos\s+reservados\b",
    re.IGNORECASE,
)
# A promotion is a line or two; a longer closing paragraph that mentions one is the story's.
PROMO_MAX_WORDS = 40
# Prose: paragraphs of at least this many words that end like a sentence.
PROSE_MIN_PARAGRAPH_WORDS = 6
# "Updated June 10, 2026, 12:40 p.m." ends with a full stop but is still furniture.
_TIMESTAMP = re.compile(r"^(?:posted|published|updated|last updated)\b.*\d", re.IGNORECASE)
# A date or a time of day in digits: 05.01.2020, 2021-10-16, 27/09/2020, 08:45.
_DIGIT_DATE = re.compile(r"\d{1,4}[./-]\d{1,2}[./-]\d{2,4}|\b\d{1,2}:\d{2}\b")
_NUMBER = re.compile(r"\d+")
# A line this short with a number is a label ("5 min read", "Top-15", "Episode 13"), not a sentence.
NUMBERED_LABEL_WORDS = 5
# Where this share of the words carry digits, the line is a count or a date, not prose.
NUMBERED_SHARE = 0.4
_BY = re.compile(r"(?:by|posted by|written by)\s", re.IGNORECASE)
# "By Pat Probe " at the start of what follows a glued-on headline: two or more name words, not a date.
_BYLINE_START = re.compile(
    r"^By\s+(?!(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|January|February|March|April|May"
    r"|June|July|August|September|October|November|December|Then|Now|Late|Early|Noon)\b)"
    r"[A-Z][\w.'’-]*(?:\s+(?:[A-Z][\w.'’-]*|and|de|van|von))+\s+(?=[A-Z\"“])"
)
# The sentence marks an ASCII paragraph can hold.
_ASCII_SENTENCE_MARKS = "".join(mark for mark in SENTENCE_MARKS if mark.isascii())
# Vowel signs and other combining marks are not word characters to `re`, yet half the letters of
# Hindi, Bengali or Thai words: Indic blocks whole, and the marks of Latin, Hebrew, Arabic and Thai.
_MARKS = "\u0300-\u036f\u0591-\u05c7\u0610-\u061a\u064b-\u065f\u0670\u0900-\u0dff\u0e31-\u0e4e\u200c\u200d"
_LETTER = re.compile(rf"[^\W\d_]|[{_MARKS}]")
# A token that is a word of some alphabet, with the punctuation that hugs words.
_WORD_TOKEN = re.compile(
    rf"[\"'“‘(\[¿¡«]*(?:[^\W\d_]|[{_MARKS}])+(?:[-'’.](?:[^\W\d_]|[{_MARKS}])+)*[,;:\"'”’)\]»{SENTENCE_MARKS}]*"
)

# Every id or class trafilatura's comment expressions could match (a superset: they test these strings).
# Attributes, not elements, are visited: a tenth of the time on a page of thousands of elements.
_COMMENT_MARKUP = etree.XPath(
    "boolean(//@id[contains(., 'omment') or contains(., 'comol') or contains(., 'disqus')"
    " or starts-with(., 'social')] | //@class[contains(., 'omment')])"
)


@dataclass(frozen=True)
class Body:
    """One extractor's reading of the article text."""

    source: str  # trafilatura, jsonld or readability
    paragraphs: tuple[str, ...]

    @cached_property
    def words(self) -> int:
        """Words in the whole body."""
        return sum(count_words(p) for p in self.paragraphs)

    @cached_property
    def prose_words(self) -> int:
        """Words of finished sentences in prose paragraphs: the measure of a usable body."""
        return sum(count_words(prose_part(p)) for p in self.paragraphs)

    @property
    def text(self) -> str:
        """Paragraphs separated by blank lines."""
        return "\n\n".join(self.paragraphs)


@dataclass(frozen=True)
class Inferred:
    """Metadata trafilatura found in the page's markup."""

    title: str = ""
    author: str = ""
    date: str = ""


def trafilatura_reading(
    root: lxml.html.HtmlElement, url: str, prune_comments: bool = True
) -> etree._Element | None:
    """trafilatura's main text as its XML body (it copies the tree), or None when it finds none.

    With `prune_comments` it cuts whatever looks like a comment section before reading, as
    Footnote wants; without, it reads as trafilatura alone does (comments set apart, not pruned).
    """
    try:
        document = _trafilatura(root, prune_comments)
    except Exception:  # third-party code on hostile markup: a failed reading, not a crash
        log.warning("trafilatura failed on %s", url or "a saved page", exc_info=True)
        return None
    return None if document is None else document.body


def reading_alone(
    root: lxml.html.HtmlElement, url: str, pruned: etree._Element | None
) -> etree._Element | None:
    """What trafilatura alone reads (comments not pruned), given the reading with comments pruned.

    trafilatura finds comment sections by their id or class alone (`comment`, `Comment`, `comol`,
    `disqus_thread`, an id starting `social`) and never adds one; on a page with none of them both
    readings are the same, so the pruned one is reused instead of reading the page again.
    """
    if not _COMMENT_MARKUP(root):
        return pruned
    return trafilatura_reading(root, url, prune_comments=False)


def trafilatura_body(
    reading: etree._Element | None, headlines: list[str], lines: list[str] | None = None
) -> Body:
    """trafilatura's reading as clean paragraphs: link lines and furniture at its edges go.

    `lines` are the reading's `element_lines` when the caller has them already.
    """
    if reading is None:
        return Body("trafilatura", ())
    lines = element_lines(reading) if lines is None else lines
    return Body("trafilatura", tidy(lines_paragraphs(lines, drop_link_lines=True), headlines))


def whole_body(reading: etree._Element | None, headlines: list[str], lines: list[str] | None = None) -> Body:
    """trafilatura's reading with only repeats and headline copies removed, for pages without prose.

    Lyrics, tables, lists and pages in scripts without sentence marks are text too. `lines` as for
    `trafilatura_body`.
    """
    if reading is None:
        return Body("trafilatura-whole", ())
    lines = element_lines(reading) if lines is None else lines
    return Body("trafilatura-whole", tidy(lines_paragraphs(lines), headlines, edges=False))


def infer_meta(root: lxml.html.HtmlElement, url: str, title: bool, published: bool) -> Inferred:
    """The title and date trafilatura and htmldate infer from the page's markup, when asked for.

    Called only for what the page does not declare: each inference costs a good share of an
    extraction. Authors are never guessed: trafilatura's search is slow and a byline is optional.
    """
    try:
        return Inferred(
            title=(extract_title(root) or "") if title else "",
            date=(find_date(root, url=url or None, **_date_params()) or "") if published else "",
        )
    except Exception:  # third-party code on hostile markup: nothing inferred, not a crash
        log.warning("metadata inference failed on %s", url or "a saved page", exc_info=True)
        return Inferred()


def _date_params() -> dict[str, object]:
    # The extensive search guesses from copyright lines and URLs; a missing date is better.
    return {"original_date": True, "extensive_search": False, "max_date": date.today().isoformat()}


def _trafilatura(root: lxml.html.HtmlElement, prune_comments: bool) -> trafilatura.settings.Document | None:
    with links_marked(root):
        return trafilatura.bare_extraction(
            root,
            # Metadata comes from the page's own declarations first (`infer_meta` fills the gaps).
            with_metadata=False,
            # Comments are read apart (and never used) or pruned with anything resembling them.
            include_comments=not prune_comments,
            include_tables=True,
            include_images=False,
            # Link text comes marked (`links_marked`) to tell link lines ("Read also: …") from story text;
            # trafilatura's own link handling would double its time on a page of links.
            include_links=False,
            # Its own second opinions (readability, justext) find bodies its main pass misses.
            fast=False,
            # Its duplicate filter is a process-wide cache: a page seen twice would come back empty.
            deduplicate=False,
            # Only the XML body is read: the default ("python") also renders it as text, a fifth of the cost.
            output_format="xml",
        )


def jsonld_body(article_body: str, headlines: list[str]) -> Body:
    """The JSON-LD articleBody, cut at its line breaks when it has any."""
    return Body("jsonld", tidy([line for line in article_body.splitlines() if line.strip()], headlines))


def may_hold_prose(root: lxml.html.HtmlElement) -> bool:
    """False when no text of the page (scripts and head too) ends a sentence: no reading of it has prose."""
    text = etree.tostring(root, method="text", encoding="unicode")
    return any(mark in text for mark in SENTENCE_MARKS)


def readability_body(root: lxml.html.HtmlElement, headlines: list[str]) -> Body:
    """readability-lxml's main content, on a copy (it rewrites the tree it is given)."""
    import readability  # with chardet, ~55 ms of imports that most articles (trafilatura suffices) never need

    try:
        summary = readability.Document(copy.deepcopy(root)).summary(html_partial=True)
    except Exception as exc:  # readability raises bare Exceptions (Unparseable) on odd pages
        log.debug("readability failed: %s", exc)
        return Body("readability", ())
    fragment = parse_html(f"<html><body>{summary}</body></html>")
    if fragment is None:
        return Body("readability", ())
    return Body("readability", tidy(element_paragraphs(fragment.body, drop_link_lines=True), headlines))


def tidy(paragraphs: list[str], headlines: list[str], edges: bool = True) -> tuple[str, ...]:
    """Paragraphs without repeats, headline copies and (with `edges`) furniture lines at the ends."""
    seen = {_key(h) for h in headlines if h}
    kept: list[str] = []
    cleaned = [clean_space(p) for p in paragraphs]
    if cleaned:
        cleaned[0] = _without_page_header(cleaned[0], headlines)
    for paragraph in cleaned:
        key = _key(paragraph)
        if key and key not in seen:
            seen.add(key)
            kept.append(paragraph)
    if not edges:
        return tuple(kept)
    # At the start only datelines and bylines go: a short line there is as often a heading the
    # story needs. Below the story sit dates, "View comments" and contact labels.
    start, end = 0, len(kept)
    while start < end and is_furniture(kept[start]):
        start += 1
    end = _without_closing_promos(kept, start, end)
    story_end = end
    while end > start and is_furniture(kept[end - 1]):
        end -= 1
    if story_end - end > MAX_TRAILING_FURNITURE:
        end = story_end
    end = _without_closing_promos(kept, start, end)
    # A page title is often the headline plus " | Site": its first words above the story are the headline.
    title_keys = [_key(h) for h in headlines if h]
    lead = (line for line in kept[:start] if not is_dateline(line) and not _opens_any(_key(line), title_keys))
    return (*lead, *kept[start:end])


def _without_closing_promos(paragraphs: list[str], start: int, end: int) -> int:
    """Where the text ends once the newsletter, app and subscription offers and rights notices go."""
    while (
        end > start
        and count_words(paragraphs[end - 1]) <= PROMO_MAX_WORDS
        and _PROMO.search(paragraphs[end - 1])
    ):
        end -= 1
    return end


def _without_page_header(paragraph: str, headlines: list[str]) -> str:
    """A flattened page's first paragraph without the headline (and byline) glued onto the story."""
    folded = paragraph.casefold()
    for headline in sorted((h for h in headlines if h), key=len, reverse=True):
        head = clean_space(headline)
        glued = len(paragraph) > len(head) and paragraph[len(head)].isspace()
        rest = paragraph[len(head) :].lstrip()
        # A new sentence must follow: "Council approves budget after a long night" is the lead itself.
        if glued and folded.startswith(head.casefold()) and rest[:1].isupper():
            return _BYLINE_START.sub("", rest, count=1)
    return paragraph


def is_furniture(paragraph: str) -> bool:
    """A kicker, dateline, byline or link label rather than a paragraph of the story."""
    words = count_words(paragraph)
    if words < FURNITURE_MAX_WORDS and not ends_sentence(paragraph):
        return True
    return words <= 15 and bool(_TIMESTAMP.match(paragraph))


def is_dateline(line: str) -> bool:
    """A date, byline or numbered label ("October 7, 2026", "Posted by admin on …", "By Pat", "5 min read").

    A longer line whose numbers are not a date ("The Garden · Derek Jarman (1990)", a price) is text.
    """
    if _BY.match(line) or _DIGIT_DATE.search(line):
        return True
    numbers = _NUMBER.findall(line)
    if not numbers:
        return False
    year = any(len(n) == 4 and n[:2] in ("19", "20") for n in numbers)
    if year and any(len(n) <= 2 for n in numbers):  # "July 7, 2020", "19. November 2021"
        return True
    tokens = line.split()
    numbered = sum(1 for token in tokens if _NUMBER.search(token))
    return len(tokens) <= NUMBERED_LABEL_WORDS or numbered >= NUMBERED_SHARE * len(tokens)


def prose_part(paragraph: str) -> str:
    """The paragraph up to its last sentence ending, if that reads as prose (mostly letters); else ""."""
    prose = paragraph[: last_sentence_end(paragraph)]
    if count_words(prose) < PROSE_MIN_PARAGRAPH_WORDS:
        return ""
    return prose if reads_as_language(prose) else ""


def last_sentence_end(paragraph: str) -> int:
    """Where the paragraph's last sentence ends (after its closing quotes), or 0 when none does.

    Scanned from the end by hand: the regular expression for it backtracks once per
    character on a long paragraph without a full stop.
    """
    marks = _ASCII_SENTENCE_MARKS if paragraph.isascii() else SENTENCE_MARKS
    end = max(paragraph.rfind(mark) for mark in marks) + 1
    if end == 0:
        return 0
    while end < len(paragraph) and paragraph[end] in CLOSING_QUOTES:
        end += 1
    return end


def reads_as_language(text: str) -> bool:
    """Mostly words rather than symbols: tells prose from binary junk and markup soup."""
    if cjk_share(text) > 0.3:
        # No spaces between words: judge by characters instead.
        visible = re.sub(r"\s", "", text)
        return len(_LETTER.findall(visible)) >= 0.6 * len(visible)
    tokens = text.split()
    needed = 0.5 * len(tokens)
    words = 0
    # A token of letters only is a word token: `isalpha` answers in C what the expression would.
    for token in tokens:
        if words >= needed:
            break  # a paragraph of prose is decided halfway through
        words += token.isalpha() or _WORD_TOKEN.fullmatch(token) is not None
    return words >= needed


def _opens_any(key: str, titles: list[str]) -> bool:
    return bool(key) and any(title.startswith(key + " ") for title in titles)


def _key(text: str) -> str:
    return re.sub(r"\W+", " ", text.casefold()).strip()
