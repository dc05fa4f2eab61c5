"""Citation guard (placeholder until the guard lands)."""

from bot.models import Analysis


def guard_analysis(analysis: Analysis) -> Analysis:
    """Remove citations that are not in the knowledge base."""
    return analysis
