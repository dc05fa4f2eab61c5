"""Page HTML → `Article`: metadata plus body text with its paragraphs kept.

The page is parsed once; trafilatura (with its own readability and justext second opinions)
reads the story from that tree, and only what is provably not the story is then removed.
The page's JSON-LD articleBody competes when it has clearly more prose; readability-lxml is
asked again only when every reading is nearly empty.
"""

from __future__ import annotations

import logging
import unicodedata

from bot import errors
from bot.extract.body import (
    Body,
    infer_meta,
    jsonld_body,
    may_hold_prose,
    readability_body,
    reading_alone,
    reads_as_language,
    trafilatura_body,
    trafilatura_reading,
    whole_body,
)
from bot.extract.bounds import bound_page
from bot.extract.error_page import is_error_page
from bot.extract.jsonld import read_jsonld
from bot.extract.lead import with_lead
from bot.extract.meta import PageMeta, clean_title, complete_meta, read_meta
from bot.extract.paywall import cut_gate_prompt, drop_gate_elements, is_partial, paywall_signals
from bot.extract.tree import (
    cjk_characters,
    count_words,
    drop_captions_and_controls,
    drop_invisible,
    drop_standfirsts,
    element_lines,
    parse_page,
)
from bot.models import Article, Coverage

log = logging.getLogger(__name__)

# A body with less prose than this is not an article (error pages, section fronts, app shells) ...
MIN_PROSE_WORDS = 30
# ... unless a paywall explains it: then a teaser this long is still worth explaining.
MIN_TEASER_WORDS = 8
# A page without prose still has text when trafilatura reads this many characters of it ...
MIN_TEXT_CHARS = 200
# ... in more than a handful of different words.
MIN_DISTINCT_WORDS = 10
# A reading with fewer words than this (a short article has more) is nearly empty: readability may
# find what it missed.
NEARLY_EMPTY_WORDS = 150
# Another candidate replaces an earlier-preferred one only when clearly longer.
CLEARLY_LONGER = 1.25
# Engines read a budgeted slice anyway; past this the body is runaway markup, not a story.
MAX_TEXT_CHARS = 200_000


def extract_article(html: str, url: str) -> Article:
    """Extract the article body and metadata from one page; `NoArticleText` when there is no story."""
    root, cut = parse_page(html)
    if root is None or root.find("body") is None:
        raise errors.NoArticleText()
    bounded = bound_page(root) or cut  # bound_page first: it cuts the tree whatever the markup cap did
    jsonld = read_jsonld(root)
    dropped = drop_invisible(root)
    if dropped:
        log.debug("dropped %d invisible elements", dropped)
    signals = paywall_signals(root, jsonld)
    if signals.gate_element:
        drop_gate_elements(root)

    meta = read_meta(root, url, jsonld)
    dropped = drop_standfirsts(root)
    if dropped:
        log.debug("dropped %d standfirsts", dropped)
    dropped = drop_captions_and_controls(root)
    if dropped:
        log.debug("dropped %d image credits and control panels", dropped)
    headlines = list(meta.titles)
    reading = trafilatura_reading(root, url)
    lines = element_lines(reading) if reading is not None else None
    first = trafilatura_body(reading, headlines, lines)

    candidates = [first]
    if jsonld and jsonld.body:
        candidates.append(jsonld_body(jsonld.body, headlines))
    gated = signals.gate_phrase or signals.locked_part_missing
    # trafilatura already consulted readability and justext; ours reads what all of them missed.
    # It only re-reads the page's text: on a page where no sentence ends, its reading has no prose,
    # and a candidate without prose never decides the body (it cannot beat one with 8 prose words,
    # and below that the body comes from the description or trafilatura's whole reading). When
    # trafilatura read a short article's worth of words and the cleaning found no prose in them, the
    # page's text is what lacks prose (repeats, link lists, furniture), not trafilatura's reading.
    if first.prose_words < MIN_PROSE_WORDS and _nearly_empty(lines) and may_hold_prose(root):
        candidates.append(readability_body(root, headlines))
    body = cut_gate_prompt(choose_body(candidates))
    if body.prose_words < MIN_PROSE_WORDS:
        paywalled = gated or signals.gate_element or signals.declared_locked
        if paywalled:
            if body.prose_words < MIN_TEASER_WORDS:
                body = _teaser_from_description(meta)
        else:
            # What trafilatura alone reads: its comment pruning sometimes takes a short page's text.
            alone = reading_alone(root, url, reading)
            whole = whole_body(alone, headlines, lines if alone is reading else None)
            body = _text_without_prose(whole, headlines)
    else:
        body = with_lead(body, meta.description, headlines, root)
    log.debug("body from %s: %d words of %s", body.source, body.words, [c.source for c in candidates])
    # Inferred only now: a page without a story (most hostile ones) never pays for the search.
    if not (meta.headline and meta.published):
        inferred = infer_meta(root, url, title=not meta.headline, published=not meta.published)
        meta = complete_meta(meta, inferred.title, inferred.author, inferred.date)

    # One spelling of each character (trafilatura's own output is NFC): "য়" composed or not is one letter.
    capped = _capped(body.text)
    text = unicodedata.normalize("NFC", capped)
    words = count_words(text)
    shown = signals.outside(text)
    partial = is_partial(shown, words)
    coverage = Coverage.PARTIAL if partial else Coverage.FULL
    if body.source == "description":
        coverage = Coverage.DESCRIPTION
    any_gate = shown.gate_phrase or shown.gate_element or shown.declared_locked or shown.locked_part_missing
    return Article(
        url=url or meta.canonical_url or "",
        title=meta.headline,
        headline=meta.headline,
        site=meta.site,
        byline=meta.byline,
        published=meta.published,
        language=meta.language or "en",
        language_declared=bool(meta.language),
        canonical_url=meta.canonical_url,
        social_title=_social_title(meta),
        description=meta.description,
        words=words,
        coverage=coverage,
        paragraphs=len([p for p in text.split("\n\n") if p.strip()]),
        paywalled=coverage is not Coverage.FULL and bool(any_gate),
        partial_text=partial,
        read_words=words if bounded or len(capped) < len(body.text) else 0,  # cut for length: told in replies
        text=text,
    )


def _nearly_empty(lines: list[str] | None) -> bool:
    """Whether trafilatura's reading (its lines, None when it read nothing) has under `NEARLY_EMPTY_WORDS`."""
    return lines is None or count_words(" ".join(lines)) < NEARLY_EMPTY_WORDS


def _text_without_prose(whole: Body, headlines: list[str]) -> Body:
    """What trafilatura read on a page without prose (lyrics, tables, lists, a short post), if it is text.

    A soft error page ("Page not found" with links to other stories) is no text, nor is one word
    repeated or markup soup: `NoArticleText`.
    """
    text = whole.text
    varied = _distinct_words(text) >= MIN_DISTINCT_WORDS
    if len(text) < MIN_TEXT_CHARS or not varied or not reads_as_language(text):
        raise errors.NoArticleText()
    if is_error_page(headlines, whole.paragraphs):
        raise errors.NoArticleText()
    return whole


def _distinct_words(text: str) -> int:
    return len(set(text.casefold().split())) + len(set(cjk_characters(text)))


def _teaser_from_description(meta: PageMeta) -> Body:
    """What a paywalled page still tells everyone: its description, as a one-paragraph body.

    A page with no usable description either has nothing to explain (`errors.Paywalled`).
    """
    teaser = Body("description", (meta.description,) if meta.description else ())
    if teaser.prose_words < MIN_TEASER_WORDS:
        raise errors.Paywalled()
    return teaser


def _social_title(meta: PageMeta) -> str | None:
    """The title shared on social media, when it says something other than the headline.

    Viral pages often tone down the visible headline while the shared (og:) title keeps the
    original "BREAKING ..." wording that readers actually saw.
    """
    for title in meta.titles[1:3]:
        cleaned = clean_title(title, meta.site) if title else ""
        if cleaned and cleaned.casefold() != meta.headline.casefold():
            return cleaned
    return None


def choose_body(candidates: list[Body]) -> Body:
    """The preferred candidate (earliest in the list) unless a later one has clearly more prose.

    A flattened copy of the same text (trafilatura sometimes returns the JSON-LD body as
    one paragraph) loses to the version that keeps its paragraphs.
    """
    best = candidates[0]
    for candidate in candidates[1:]:
        longer = candidate.prose_words > CLEARLY_LONGER * best.prose_words
        similar = candidate.prose_words >= 0.9 * best.prose_words
        same_but_paragraphed = similar and len(candidate.paragraphs) > 2 * len(best.paragraphs)
        if longer or same_but_paragraphed:
            best = candidate
    return best


def _capped(text: str) -> str:
    if len(text) <= MAX_TEXT_CHARS:
        return text
    cut = text.rfind("\n\n", 0, MAX_TEXT_CHARS)
    return text[: cut if cut > 0 else MAX_TEXT_CHARS]
