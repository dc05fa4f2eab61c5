"""Markdown rendering (placeholder)."""

from bot.models import Analysis


def render_markdown(analysis: Analysis) -> str:
    """The analysis as Markdown."""
    return analysis.summary
