"""Page HTML → `Article`: the story's text and metadata, nothing else (`extract_article`)."""

from bot.extract.article import extract_article

__all__ = ["extract_article"]
