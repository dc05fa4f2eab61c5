"""The coverage line: how much of the article an answer rests on, from the extraction's own evidence."""

from __future__ import annotations

from bot.models import Analysis, ArticleMeta, Coverage, FlagKind


def coverage_line(source: Analysis | ArticleMeta) -> str:
    """One plain sentence: the full article and its length, the opening of a gated or very long one, or
    its description."""
    article = source.article if isinstance(source, Analysis) else source
    words = _count(article.words, "word")
    coverage = article.coverage
    if coverage is None:  # cached before extraction recorded it: the partial-text flag is all we know
        flagged = isinstance(source, Analysis) and any(f.kind == FlagKind.PARTIAL_TEXT for f in source.flags)
        coverage = Coverage.PARTIAL if flagged else Coverage.FULL
    if coverage is Coverage.DESCRIPTION:
        return "Read the page's description only; the article is behind a paywall."
    if coverage is Coverage.FULL:
        if article.read_words:  # cut for length: its opening is all anything read
            return f"Read the first {_count(article.read_words, 'word')} of a very long article."
        return f"Read the full article, {words}." if article.words else "Read the full article."
    rest = "the rest is behind a paywall" if article.paywalled else "the rest could not be read"
    if article.paragraphs > 1:
        return f"Read the first {article.paragraphs} paragraphs ({words}); {rest}."
    if article.paragraphs == 1:
        return f"Read the first paragraph ({words}); {rest}."
    if article.words:
        return f"Read only part of the article ({words}); {rest}."
    return f"Read only part of the article; {rest}."


def _count(n: int, noun: str) -> str:
    return f"{n:,} {noun}" + ("" if n == 1 else "s")
