"""The knowledge-base topic a question asks about, found by the legal matcher among the article's
candidate topics (so a question can never bring in law of another jurisdiction or level)."""

from __future__ import annotations

import dataclasses

from bot.ask.terms import tokens
from bot.legal.knowledge import Topic
from bot.legal.matcher import MIN_SCORE, candidate_topics, rank_topics, read_story
from bot.models import Article, LegalNote, Statement

TOPICS_SHOWN = 1
# A question names a topic when it uses at least two of the words of its title or id, and half of them
# ("what does removal to federal court mean" → federal-officer-removal).
TITLE_WORDS = 2
TITLE_SHARE = 0.5


def question_topics(
    article: Article, statements: list[Statement], question: str, limit: int = TOPICS_SHOWN
) -> list[Topic]:
    """Topics of this story whose trigger phrases the question itself uses, strongest first."""
    candidates = candidate_topics(article, statements)
    if not candidates:
        return []
    story = read_story(article, statements)
    # The question read as a one-line story set where the article is set: only the words differ.
    asked = read_story(Article(headline=question, text=""), [])
    asked = dataclasses.replace(asked, where=story.where, level=story.level)
    found = [scored.topic for scored in rank_topics(asked, candidates) if scored.score >= MIN_SCORE]
    words = set(tokens(question))
    shares = {topic.id: _title_share(topic, words) for topic in candidates if topic not in found}
    named = sorted((t for t in candidates if shares.get(t.id)), key=lambda t: -shares[t.id])
    return (found + named)[:limit]


def _title_share(topic: Topic, words: set[str]) -> float:
    """The share of a topic's name words (its title's, or its id's) the question uses, when it names the
    topic; else 0."""
    best = 0.0
    for name in (topic.title, topic.id.replace("-", " ")):
        title = set(tokens(name))
        shared = len(title & words)
        if shared >= TITLE_WORDS and shared / len(title) >= TITLE_SHARE:
            best = max(best, shared / len(title))
    return best


def topic_note(topic: Topic) -> LegalNote:
    """A topic's plain explanation and its knowledge-base authorities, as a legal note."""
    return LegalNote(
        topic=topic.id,
        title=topic.title,
        jurisdiction=topic.jurisdiction,
        explanation=f"{topic.as_of()}{topic.one_line.strip()} {topic.explanation.strip()}".strip(),
        relevance="",
        authorities=[a.citation for a in topic.authorities],
        cautions=topic.cautions(),
    )
