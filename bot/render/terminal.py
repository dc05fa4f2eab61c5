"""Terminal rendering (placeholder)."""

from bot.models import Analysis


def render_terminal(analysis: Analysis, color: bool = False) -> str:
    """The analysis as terminal text."""
    return analysis.summary
