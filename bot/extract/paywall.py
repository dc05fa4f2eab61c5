"""Whether the text we read is only a teaser: paywall gates, declared subscriber-only parts, short bodies.

No one signal is trusted alone unless it is unambiguous ("Subscribe to continue
reading", a body far shorter than the page's declared word count): many free
articles carry an empty paywall hook or `isAccessibleForFree: false` boilerplate.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

import lxml.html
from lxml import etree

from bot.extract.body import Body
from bot.extract.jsonld import JsonLdArticle
from bot.extract.tree import clean_space, count_words, visible_text

# Below this share of the declared word count, the body we have is not the whole story.
SHORTFALL_RATIO = 0.6
# A body this short is itself a hint of a teaser (never enough on its own).
SHORT_BODY_WORDS = 150
# A gate prompt is a few lines; an element this big with a paywall class is the story's wrapper.
GATE_MAX_WORDS = 120
# Fewer words than this in the declared subscriber-only part means it was not sent to us.
LOCKED_PART_MIN_WORDS = 30

# Subscribe-to-read prompts. Each alternative opens with a letter, not a group: `re` then skips ahead to
# the letters that can open one, several times faster on a whole page.
_READ_ON = "to (?:continue|keep) reading"
_FOR_SUBSCRIBERS = "(?:subscribers|members)"
_LIMIT_OF_FREE = "reached (?:your|the) (?:limit|maximum) of (?:\\w+ )?free (?:articles|stories)"
_ARTICLE_LIMIT = "reached your (?:monthly |free )*(?:article|story) limit"
_GATE_PROMPTS = (
    f"subscribe (?:now |today )?{_READ_ON}",
    *(
        f"{act} (?:now )?{_READ_ON}"
        for act in ("sign in", "log in", "register", "create a (?:free )?account")
    ),
    f"{_READ_ON},? (?:please )?(?:subscribe|sign in|log in|register)",
    "this (?:article|story|content) is (?:only )?(?:for|available (?:only )?to|reserved for|exclusive to)"
    f" (?:paid |paying |our )?{_FOR_SUBSCRIBERS}",
    *(f"{who}[- ]only (?:article|story|content)" for who in ("subscribers?", "members?")),
    *(f"{you} {_LIMIT_OF_FREE}" for you in ("you(?:'|’)ve", "you have")),
    *(f"{you} {_ARTICLE_LIMIT}" for you in ("you(?:'|’)ve", "you have")),
    f"the rest of this (?:article|story) is (?:for|available to|only for) {_FOR_SUBSCRIBERS}",
    "to read (?:the|this) (?:full|whole|entire|rest of the) (?:article|story),?"
    " (?:please )?(?:subscribe|sign in)",
)
_GATE_PHRASES = re.compile("|".join(_GATE_PROMPTS), re.IGNORECASE)
# The same, case-sensitive for lower-cased text: several times faster on a whole page than IGNORECASE.
_GATE_PHRASES_LOWER = re.compile(_GATE_PHRASES.pattern)
# What IGNORECASE also takes for the pattern's letters (dotted and dotless i, long s): with these mapped
# first, `lower()` keeps every character in place, so matches on the folded text are the same matches.
_FOLD = str.maketrans({"İ": "i", "ı": "i", "ſ": "s"})
# What a subscription offer says ("unlimited access for $1 a week", "Already a subscriber? Log in").
_OFFER = re.compile(
    r"\bsubscri(?:be|ption)\b|\bsign\s+in\b|\blog\s*in\b|\bunlimited\s+access\b|\bfree\s+trial\b"
    r"|\balready\s+a\s+(?:subscriber|member)\b|\bcancel\s+any\s*time\b|[$£€]\s?\d[\d.,]*\s*(?:a|per|/)\s*(?:week|month|year)",
    re.IGNORECASE,
)
# Where the sentence holding a gate prompt starts.
_SENTENCE_START = re.compile(r"(?:^|(?<=[.!?…])[\"'”’)]*\s+)(?=\S)")
_GATE_NAMES = re.compile(
    r"pay[-_]?wall|subscribers?[-_]only|reg(?:istration)?[-_]?wall|(?:premium|article|content)[-_]gate"
    r"|meter(?:ed)?[-_]wall|piano[-_]|tp-modal|locked[-_]content|subscri(?:ption|be)[-_]wall",
    re.IGNORECASE,
)
_GATE_NAMES_LOWER = re.compile(_GATE_NAMES.pattern)
# Every gate name holds one of these: the pattern runs only on a page that has one (a C-level `in` each).
_GATE_NAME_WORDS = ("wall", "subscriber", "gate", "piano", "tp-modal", "locked")
# Attribute values, not elements: most pages have thousands of named elements and a handful of gates.
_NAMES_XPATH = etree.XPath("//body//@class | //body//@id")
_NAME_VALUES_XPATH = etree.XPath("//body//@class | //body//@id", smart_strings=False)
_CONTENT_TIER_XPATH = etree.XPath(
    "//meta[@property='article:content_tier' or @name='article:content_tier']/@content"
)
_SIMPLE_SELECTOR = re.compile(r"^([.#])([\w-]+)$")


@dataclass(frozen=True)
class PaywallSignals:
    """What the page says about being cut short, measured once per page."""

    gate_phrases: tuple[str, ...] = ()  # visible "Subscribe to continue reading" and friends
    gate_element: bool = False  # a small element with a paywall/subscriber-only class or id
    declared_locked: bool = False  # JSON-LD isAccessibleForFree false, or content tier "locked"
    locked_part_missing: bool = False  # the declared subscriber-only part is absent or empty
    declared_words: int = 0  # JSON-LD wordCount

    @property
    def gate_phrase(self) -> bool:
        """True when the page shows a subscribe-to-read prompt."""
        return bool(self.gate_phrases)

    def outside(self, body: str) -> PaywallSignals:
        """The signals without prompts quoted in the body itself (a story about paywalls is not gated)."""
        folded = body.casefold()
        return replace(self, gate_phrases=tuple(p for p in self.gate_phrases if p.casefold() not in folded))


def paywall_signals(root: lxml.html.HtmlElement, jsonld: JsonLdArticle | None) -> PaywallSignals:
    """Measure the paywall signals of a page whose invisible elements are already removed."""
    ld = jsonld or JsonLdArticle()
    tiers = {str(t).strip().lower() for t in _CONTENT_TIER_XPATH(root)}
    return PaywallSignals(
        gate_phrases=_visible_gate_phrases(root),
        gate_element=bool(_gate_elements(root)),
        declared_locked=ld.free is False or "locked" in tiers,
        locked_part_missing=bool(ld.locked_selectors)
        and _locked_words(root, ld.locked_selectors) < LOCKED_PART_MIN_WORDS,
        declared_words=ld.word_count,
    )


def _visible_gate_phrases(root: lxml.html.HtmlElement) -> tuple[str, ...]:
    """The gate prompts a reader sees, each once.

    All of the body's text is searched first (one C-level pass); only a page where it finds a
    prompt pays for the walk that leaves out what no reader sees (scripts, `<noscript>`).
    """
    body = root.find("body")
    if body is None or not _GATE_PHRASES_LOWER.search(clean_space(body.text_content()).lower()):
        return ()
    return tuple(dict.fromkeys(m.group(0) for m in _GATE_PHRASES.finditer(visible_text(root))))


def _gate_elements(root: lxml.html.HtmlElement) -> list[lxml.html.HtmlElement]:
    """Small elements named as paywall prompts (a big one is the story's own wrapper)."""
    # Most pages have thousands of class names and no gate: one test over them all first.
    names = "\n".join(_NAME_VALUES_XPATH(root)).lower()
    if not any(word in names for word in _GATE_NAME_WORDS) or not _GATE_NAMES_LOWER.search(names):
        return []
    named = dict.fromkeys(value.getparent() for value in _NAMES_XPATH(root) if _GATE_NAMES.search(value))
    return [e for e in named if count_words(e.text_content()) <= GATE_MAX_WORDS]


def drop_gate_elements(root: lxml.html.HtmlElement) -> int:
    """Remove paywall prompts from the page so that no extractor reads them as the story.

    Only elements that read as a prompt or an offer go: publishers also wrap the paid part of the
    story itself in `class="paywall"` (Google's structured-data markup does exactly that).
    """
    gates = [e for e in _gate_elements(root) if _reads_as_gate(e.text_content())]
    for element in gates:
        if element.getparent() is not None:
            element.drop_tree()
    return len(gates)


def is_partial(signals: PaywallSignals, body_words: int) -> bool:
    """True when the body we have looks like a teaser of a longer, gated story."""
    if signals.declared_words and body_words < SHORTFALL_RATIO * signals.declared_words:
        return True
    if signals.gate_phrase or signals.locked_part_missing:
        return True
    hints = (signals.gate_element, signals.declared_locked, body_words < SHORT_BODY_WORDS)
    return sum(hints) >= 2


def _reads_as_gate(text: str) -> bool:
    """A subscribe prompt or a subscription offer, not story text."""
    return bool(_GATE_PHRASES.search(text) or _OFFER.search(text))


def cut_gate_prompt(body: Body) -> Body:
    """The body without a subscribe-to-read prompt at its end, and whatever follows the prompt.

    A gate ends the free part of a story: "Subscribe to continue reading. Already a subscriber? Log
    in." is never the story's own text. A prompt quoted earlier in a story (one about paywalls) stays.
    """
    paragraphs = list(body.paragraphs)
    tail_words = 0
    for index in range(len(paragraphs) - 1, -1, -1):
        paragraph = paragraphs[index]
        match = _GATE_PHRASES_LOWER.search(paragraph.translate(_FOLD).lower())
        if match:
            start = max(m.end() for m in _SENTENCE_START.finditer(paragraph[: match.start() + 1]))
            # A prompt opens its own sentence; one quoted inside a sentence is the story's text.
            own_sentence = start == match.start()
            if own_sentence and tail_words + count_words(paragraph[start:]) <= GATE_MAX_WORDS:
                kept = paragraph[:start].rstrip()
                return Body(body.source, tuple(paragraphs[:index] + ([kept] if kept else [])))
        tail_words += count_words(paragraph)
        if tail_words > GATE_MAX_WORDS:
            break
    return body


def _locked_words(root: lxml.html.HtmlElement, selectors: tuple[str, ...]) -> int:
    """Words inside the elements the JSON-LD names as subscriber-only (simple .class / #id selectors)."""
    words = 0
    for selector in (s.strip() for group in selectors for s in group.split(",")):
        match = _SIMPLE_SELECTOR.match(selector)
        if not match:
            # A selector we cannot evaluate counts as present: no claim of a cut without evidence.
            return LOCKED_PART_MIN_WORDS
        kind, name = match.groups()
        attribute = "class" if kind == "." else "id"
        xpath = f"//*[contains(concat(' ', normalize-space(@{attribute}), ' '), ' {name} ')]"
        words += sum(count_words(e.text_content()) for e in root.xpath(xpath))
    return words
