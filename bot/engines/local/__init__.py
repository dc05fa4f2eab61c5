"""The offline, deterministic engine (placeholder until the rules land)."""

from bot.models import Analysis, Article


class LocalEngine:
    """Rule-based analysis with no network."""

    name = "local"

    async def analyse(self, article: Article) -> Analysis:
        """Explain one article."""
        return Analysis(article=article.meta(), summary="")
