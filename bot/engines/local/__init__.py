"""The offline, deterministic engine: rules over the article text, no network, no model."""

from __future__ import annotations

import asyncio
from functools import cache

from bot.engines.digest import files_digest
from bot.engines.local.classify import classify_all, in_opinion_voice
from bot.engines.local.flags import detect_flags, is_opinion_piece
from bot.engines.local.language import reads_as_english
from bot.engines.local.segment import is_heading, split_sentences
from bot.engines.local.summarise import clip, summarise
from bot.legal.knowledge import load_topics
from bot.legal.matcher import match_legal
from bot.models import Analysis, Article, Flag, FlagKind, LegalNote, Usage

# What the reply quotes of an article the English rules cannot read.
OPENING_WORDS = 60
# The rules read this much of a body (about 5,000 words, past the longest news story; the OpenAI engine's
# default budget is of the same order), so that a huge page cannot hold a worker for long.
MAX_READ_CHARS = 30_000


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
        whole, article = article, first_part(article)
        sentences = body_sentences(article)
        declared_english = article.language_declared and article.language.lower().startswith("en")
        if not declared_english and not reads_as_english(article.text):
            return _opening_only(whole, sentences)
        statements = classify_all(sentences)
        opinion_piece = is_opinion_piece(article, statements)
        if opinion_piece:
            statements = in_opinion_voice(statements)
        legal, legal_unavailable = match_legal(article, statements)
        flags = detect_flags(article, statements, opinion_piece)
        meta = whole.meta()
        if article is not whole:
            words = len(article.text.split())
            meta.read_words = words  # the coverage line says how much was read
            if not any(f.kind == FlagKind.PARTIAL_TEXT for f in flags):
                detail = f"The article is very long: these notes cover its first {words:,} words."
                flags.append(Flag(kind=FlagKind.PARTIAL_TEXT, detail=detail))
        return Analysis(
            article=meta,
            summary=summarise(article, statements, opinion_piece, _legal_terms(legal)),
            statements=statements,
            legal=legal,
            legal_unavailable=legal_unavailable,
            flags=flags,
            engine="local",
            usage=Usage(),
        )

    async def analyse(self, article: Article, language: str = "en") -> Analysis:
        """Explain one article in English, on a worker thread (the rules are CPU work)."""
        return await asyncio.to_thread(self.analyse_sync, article)

    async def aclose(self) -> None:
        """Nothing to release: the local engine holds no connections."""


def first_part(article: Article) -> Article:
    """The article itself, or for a very long body its first `MAX_READ_CHARS`, cut where a paragraph
    (else a word) ends."""
    if len(article.text) <= MAX_READ_CHARS:
        return article
    text = article.text
    cut = text.rfind("\n\n", 0, MAX_READ_CHARS)
    if cut <= 0:
        cut = max(text.rfind(" ", 0, MAX_READ_CHARS), 0) or MAX_READ_CHARS
    return article.model_copy(update={"text": text[:cut]})


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
