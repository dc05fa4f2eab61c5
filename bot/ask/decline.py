"""Which ranked sentences answer a question, or none: the rule that makes Footnote say "the article
doesn't say" rather than quote something merely on the same subject.

Signals, all general: how much of the question's weight (IDF of its content words, a word the
article never uses weighing most) one sentence covers, and whether the sentence has the kind of
answer the question asks for (a number for "how many", a time for "when", an attribution for
"who says").
"""

from __future__ import annotations

import re

from bot.ask.retrieval import Hit
from bot.ask.terms import Question
from bot.models import Kind, Statement

# A sentence must hold at least this share of the question's weight: half of "who is Tallywick's CEO"
# is "CEO", which an article without one never uses.
COVERAGE_MIN = 0.5
MAX_QUOTES = 2
# A second sentence is quoted only when it fits almost as well as the first.
SECOND_SCORE_SHARE = 0.8

_NUMBER_WORDS = (
    "one two three four five six seven eight nine ten eleven twelve dozen dozens hundred hundreds thousand "
    "thousands million millions billion billions half quarter third percent"
)
_HAS_NUMBER = re.compile(r"\d|\b(" + "|".join(_NUMBER_WORDS.split()) + r")\b", re.IGNORECASE)
_MONTHS = (
    "january february march april may june july august september october november december "
    "jan feb mar apr jun jul aug sep sept oct nov dec"
)
_DAYS = "monday tuesday wednesday thursday friday saturday sunday"
_HAS_TIME = re.compile(
    r"\b(" + "|".join((_MONTHS + " " + _DAYS).split()) + r")\b\.?|\b(1[89]|20)\d\d\b|"
    r"\b(today|tonight|yesterday|tomorrow|ago|since|until|soon|later|earlier|week|weeks|month|months|"
    r"year|years|day|days|morning|evening|night|quarter|spring|summer|autumn|fall|winter)\b",
    re.IGNORECASE,
)
_ATTRIBUTION = re.compile(
    r"\b(said|says|say|told|according to|argued|argues|alleges?|alleged|claims?|claimed|warned|wrote|"
    r"called|stated|testified|acknowledged|reported|cited)\b",
    re.IGNORECASE,
)


def has_wanted(question: Question, sentence: str, statement: Statement | None) -> bool:
    """Whether a sentence holds the kind of answer the question asks for."""
    if question.wants == "number":
        return bool(_HAS_NUMBER.search(sentence))
    if question.wants == "time":
        return bool(_HAS_TIME.search(sentence))
    if question.wants == "source":
        attributed = statement is not None and (statement.source or statement.kind == Kind.CLAIM)
        return bool(attributed) or bool(_ATTRIBUTION.search(sentence))
    return True


def answering(
    question: Question, hits: list[Hit], sentences: list[str], statements: list[Statement]
) -> list[Hit]:
    """The sentences to quote, best first (at most `MAX_QUOTES`), or none when nothing answers."""
    fitting = [
        h
        for h in hits
        if h.coverage >= COVERAGE_MIN
        and has_wanted(question, sentences[h.n - 1], statements[h.n - 1] if statements else None)
    ]
    if not fitting:
        return []
    best = fitting[0]
    chosen = [best]
    for hit in fitting[1:MAX_QUOTES]:
        if hit.score >= SECOND_SCORE_SHARE * best.score and hit.coverage >= best.coverage:
            chosen.append(hit)
    return chosen
