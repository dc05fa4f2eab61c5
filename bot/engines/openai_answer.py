"""Turn the model's structured answer into an `Analysis`, trusting only what can be checked.

Sentences come back by number and are mapped to the verbatim text we sent; numbers the model
invents or repeats are dropped and the local classifier labels whatever is missing. Legal notes
take their title, explanation and authorities from the knowledge base, never from the model.
"""

from __future__ import annotations

import logging
from collections import Counter

from bot.engines.local.classify import classify
from bot.engines.openai_schema import FlagOut, LegalPick, ModelAnswer, SentenceLabel
from bot.legal.knowledge import Topic
from bot.legal.matcher import relevance_sentence
from bot.models import Analysis, Article, Flag, FlagKind, Kind, LegalNote, Statement, Usage

log = logging.getLogger(__name__)

SUMMARY_WORDS = 80
LEGAL_NOTES = 3
WHY_CHARS = 80


def one_line(text: str | None) -> str:
    """Model text on a single line, without surrounding space."""
    return " ".join((text or "").split())


def clamp_words(text: str, limit: int = SUMMARY_WORDS) -> str:
    """At most `limit` words, ending at a sentence end when one is in reach."""
    words = one_line(text).split(" ")
    if len(words) <= limit:
        return " ".join(words)
    cut = " ".join(words[:limit])
    end = max(cut.rfind(". "), cut.rfind("? "), cut.rfind("! "))
    return cut[: end + 1] if end > len(cut) // 2 else cut.rstrip(",;:") + " …"


def statements_from_labels(
    sentences: list[str], sent: set[int], labels: list[SentenceLabel]
) -> list[Statement]:
    """Every sentence in order, with the model's kind where its number is valid, else the local one."""
    counts = Counter(label.n for label in labels)
    valid = {label.n: label for label in labels if label.n in sent and counts[label.n] == 1}
    if len(valid) != len(labels):
        log.info("dropped %d unknown or repeated sentence numbers from the model", len(labels) - len(valid))
    statements: list[Statement] = []
    for number, text in enumerate(sentences, start=1):
        label = valid.get(number)
        if label is None:
            statements.append(classify(text, statements[-1] if statements else None))
            continue
        source = one_line(label.source) or None
        statements.append(
            Statement(text=text, kind=Kind(label.kind), source=source, why=one_line(label.why)[:WHY_CHARS])
        )
    return statements


def flags_from_answer(flags: list[FlagOut], article: Article) -> list[Flag]:
    """One flag per kind; a cut-off text is flagged whatever the model says."""
    chosen: dict[FlagKind, Flag] = {}
    for flag in flags:
        chosen.setdefault(flag.kind, Flag(kind=flag.kind, detail=one_line(flag.detail)))
    if article.partial_text:
        chosen.setdefault(
            FlagKind.PARTIAL_TEXT,
            Flag(kind=FlagKind.PARTIAL_TEXT, detail="Only part of the text was readable."),
        )
    return list(chosen.values())


def legal_notes(
    picks: list[LegalPick], topics: list[Topic], article: Article, statements: list[Statement]
) -> list[LegalNote]:
    """Notes for the offered topics the model chose, built from the knowledge base."""
    offered = {topic.id: topic for topic in topics}
    notes: list[LegalNote] = []
    for pick in picks:
        topic = offered.get(pick.topic.strip())
        if topic is None or any(note.topic == topic.id for note in notes):
            log.info("dropped legal topic %r: not offered or repeated", pick.topic[:60])
            continue
        notes.append(
            LegalNote(
                topic=topic.id,
                title=topic.title,
                jurisdiction=topic.jurisdiction,
                explanation=topic.as_of() + (topic.explanation or topic.one_line),
                relevance=one_line(pick.relevance) or relevance_sentence(topic, article, statements),
                authorities=[authority.citation for authority in topic.authorities],
                cautions=topic.cautions(),
            )
        )
    return notes[:LEGAL_NOTES]


def build_analysis(
    article: Article,
    sentences: list[str],
    sent: set[int],
    answer: ModelAnswer,
    topics: list[Topic],
    engine: str,
    usage: Usage,
) -> Analysis:
    """The analysis of one article from a validated answer."""
    statements = statements_from_labels(sentences, sent, answer.labels)
    return Analysis(
        article=article.meta(),
        summary=clamp_words(answer.summary),
        statements=statements,
        legal=legal_notes(answer.legal, topics, article, statements),
        flags=flags_from_answer(answer.flags, article),
        engine=engine,
        usage=usage,
    )
