"""The offline, deterministic engine: rules over the article text, no network, no model."""

from __future__ import annotations

import asyncio
from functools import cache

from bot.engines.digest import files_digest
from bot.engines.local.classify import classify_all
from bot.engines.local.flags import detect_flags, is_opinion_piece
from bot.engines.local.language import reads_as_english
from bot.engines.local.segment import is_heading, split_sentences
from bot.engines.local.summarise import clip, summarise
from bot.legal.knowledge import load_topics
from bot.legal.matcher import match_legal
from bot.models import Analysis, Article, LegalNote, Usage

# What the reply quotes of an article the English rules cannot read.
OPENING_WORDS = 60


@cache
def rules_digest() -> str:
    """A short digest of every file the offline answer depends on: its rules and the legal knowledge."""
    return files_digest(("engines/local/*.py", "legal/*.py", "knowledge/*.yaml"))


def body_sentences(article: Article) -> list[str]:
    """The body's sentences without headings, kickers or a repeated headline."""
    titles = {t.strip().casefold() for t in (article.title, article.headline) if t}
    return [
        s for s in split_sentences(article.text) if not is_heading(s) and s.strip().casefold() not in titles
    ]


class LocalEngine:
    """Rule-based analysis with no network: the same article always gives the same answer."""

    name = "local"
    multilingual = False  # its rules and sentences are English

    @property
    def version(self) -> str:
        """`local/<digest of the rules and the knowledge base>`: an edited rule re-explains links."""
        return f"local/{rules_digest()}"

    def analyse_sync(self, article: Article) -> Analysis:
        """Explain one article on the calling thread (pure CPU work)."""
        sentences = body_sentences(article)
        declared_english = article.language_declared and article.language.lower().startswith("en")
        if not declared_english and not reads_as_english(article.text):
            return _opening_only(article, sentences)
        statements = classify_all(sentences)
        opinion_piece = is_opinion_piece(article, statements)
        if opinion_piece:
            statements = classify_all(sentences, opinion_voice=True)
        legal, legal_unavailable = match_legal(article, statements)
        return Analysis(
            article=article.meta(),
            summary=summarise(article, statements, opinion_piece, _legal_terms(legal)),
            statements=statements,
            legal=legal,
            legal_unavailable=legal_unavailable,
            flags=detect_flags(article, statements, opinion_piece),
            engine="local",
            usage=Usage(),
        )

    async def analyse(self, article: Article, language: str = "en") -> Analysis:
        """Explain one article in English, on a worker thread (the rules are CPU work)."""
        return await asyncio.to_thread(self.analyse_sync, article)

    async def aclose(self) -> None:
        """Nothing to release: the local engine holds no connections."""


def _legal_terms(legal: list[LegalNote]) -> list[str]:
    """The trigger phrases of the legal topics matched: what the story's legal mechanism is called."""
    chosen = {note.topic for note in legal}
    return [trigger for topic in load_topics() if topic.id in chosen for trigger in topic.triggers]


def _opening_only(article: Article, sentences: list[str]) -> Analysis:
    """An article the English rules cannot read: its opening, verbatim, and why there is nothing more.

    Sorting French or German sentences with English cues would call every one a fact.
    """
    language = article.language.lower() if article.language_declared else "unknown"
    return Analysis(
        article=article.meta(),
        summary=clip(" ".join(sentences[:2]), OPENING_WORDS),
        engine="local",
        usage=Usage(unreadable_language=language),
    )
