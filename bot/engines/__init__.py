"""Analysis engines: `local` (offline rules) and `openai` (one structured call)."""

from __future__ import annotations

from typing import Protocol

from bot.config import Settings
from bot.models import Analysis, Article


class Engine(Protocol):
    """Turns an extracted article into an analysis (before the citation guard)."""

    @property
    def name(self) -> str:
        """The `engine` field of the output, including model and prompt version."""
        ...

    @property
    def version(self) -> str:
        """What the cache keys on: changes whenever the engine may answer differently."""
        ...

    @property
    def multilingual(self) -> bool:
        """True when the engine writes its own sentences in the requested reply language."""
        ...

    async def analyse(self, article: Article, language: str = "en") -> Analysis:
        """Explain one article, writing in `language` where the engine can; never raises for a bad
        answer from a remote model."""
        ...

    async def aclose(self) -> None:
        """Release connections (the service calls it at shutdown)."""
        ...


def make_engine(settings: Settings, choice: str | None = None) -> Engine:
    """The engine named by `choice` (or the settings): auto → openai with a key, else local."""
    name = choice or settings.engine
    if name == "auto":
        name = settings.resolved_engine()
    if name == "openai":
        from bot.engines.openai.engine import OpenAIEngine

        return OpenAIEngine(settings)
    from bot.engines.local import LocalEngine

    return LocalEngine()
