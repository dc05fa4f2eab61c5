"""Whether a text is English: the offline engine's rules read English only.

Asked only when the page does not declare English itself: lists, live blogs, scores and market
tables are English with few function words, and a declared `lang="en"` is the better witness.

A share of the commonest English function words is enough to tell English prose from French,
German or Spanish prose (it is about a quarter of English running text and near zero of theirs);
a language-identification model would be a heavy dependency for one yes-or-no question.
"""

from __future__ import annotations

from bot.engines.local.patterns import Cue

_WORD = Cue(r"[^\W\d_]+(?:['’][^\W\d_]+)?")
_UNSPACED_SCRIPT = Cue(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u0e00-\u0eff]")
_ENGLISH_FUNCTION_WORDS = frozenset(
    (
        "the",
        "of",
        "and",
        "to",
        "in",
        "is",
        "was",
        "that",
        "for",
        "on",
        "with",
        "as",
        "by",
        "at",
        "from",
        "it",
        "its",
        "this",
        "be",
        "are",
        "were",
        "has",
        "have",
        "had",
        "not",
        "but",
        "or",
        "said",
        "says",
        "which",
        "who",
        "will",
        "would",
        "an",
        "their",
        "they",
        "he",
        "she",
        "his",
        "her",
        "been",
        "after",
        "about",
        "than",
    )
)
# English news prose scores about 0.25-0.35; other languages in Latin script stay under 0.05.
ENGLISH_SHARE = 0.12
# Below this many words the share says little: treat the text as English and let the rules try.
MIN_WORDS = 30


def english_share(text: str) -> float:
    """The share of words that are common English function words."""
    words = [w.casefold() for w in _WORD.findall(text)]
    if not words:
        return 0.0
    return sum(w in _ENGLISH_FUNCTION_WORDS for w in words) / len(words)


def reads_as_english(text: str) -> bool:
    """True unless the text is long enough to tell and clearly not English."""
    # Chinese, Japanese and Thai have no spaces between words: about two characters make one.
    words = len(_WORD.findall(text)) + len(_UNSPACED_SCRIPT.findall(text)) // 2
    return words < MIN_WORDS or english_share(text) >= ENGLISH_SHARE
