"""A general subjectivity lexicon: English adjectives whose use is an evaluation, not a description.

The words and their scores come from the Pattern subjectivity lexicon (De Smedt & Daelemans; PDDL)
that TextBlob ships as `textblob/en/en-sentiment.xml`. It is read as a data file, without importing
TextBlob (and NLTK behind it). Like Pattern, a word's score is the mean over its senses.
"""

from __future__ import annotations

import importlib.util
import logging
import xml.etree.ElementTree as ET
from collections import defaultdict
from functools import cache
from pathlib import Path

log = logging.getLogger(__name__)

# A word evaluates when its senses average at least this subjective and at least this far from neutral.
MIN_SUBJECTIVITY = 0.6
MIN_POLARITY = 0.3


def _lexicon_path() -> Path | None:
    spec = importlib.util.find_spec("textblob")
    if spec is None or spec.origin is None:
        return None
    path = Path(spec.origin).parent / "en" / "en-sentiment.xml"
    return path if path.exists() else None


@cache
def evaluative_adjectives() -> frozenset[str]:
    """Lower-case adjectives that are, on average over their senses, subjective and polar."""
    path = _lexicon_path()
    if path is None:
        log.warning("textblob's subjectivity lexicon is missing: opinion is found from grammar alone")
        return frozenset()
    senses: dict[str, list[tuple[float, float]]] = defaultdict(list)
    for word in ET.parse(path).getroot().iter("word"):
        if word.get("pos", "JJ").startswith("JJ"):
            senses[word.get("form", "").lower()].append(
                (float(word.get("polarity", 0)), float(word.get("subjectivity", 0)))
            )
    found = set()
    for form, scores in senses.items():
        polarity = sum(p for p, _ in scores) / len(scores)
        subjectivity = sum(s for _, s in scores) / len(scores)
        if subjectivity >= MIN_SUBJECTIVITY and abs(polarity) >= MIN_POLARITY and form.isalpha():
            found.add(form)
    return frozenset(found)


def adverb_stem(word: str) -> str:
    """The adjective an -ly adverb is made from ("badly" → "bad", "happily" → "happy")."""
    if word.endswith("ily"):
        return word[:-3] + "y"
    if word.endswith("ly"):
        return word[:-2]
    return word


def is_evaluative(word: str) -> bool:
    """Whether a word (or the adjective its -ly adverb comes from) is an evaluative adjective."""
    lexicon = evaluative_adjectives()
    lower = word.lower()
    return lower in lexicon or (lower.endswith("ly") and adverb_stem(lower) in lexicon)
