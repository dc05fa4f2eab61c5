"""Page HTML → `Article` (title, metadata, body text)."""

from __future__ import annotations

import trafilatura

from bot import errors
from bot.models import Article


def extract_article(html: str, url: str) -> Article:
    """Extract the article body and metadata from one page."""
    doc = trafilatura.bare_extraction(html, url=url or None, with_metadata=True, include_comments=False)
    if doc is None or not (doc.text or "").strip():
        raise errors.NoArticleText()
    text = doc.text.strip()
    return Article(
        url=url or doc.url or "",
        title=doc.title or "",
        headline=doc.title or "",
        site=doc.sitename or "",
        byline=doc.author,
        published=doc.date,
        language=doc.language or "en",
        words=len(text.split()),
        text=text,
    )
