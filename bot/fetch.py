"""Safe fetching (placeholder until the fetch module lands)."""

from __future__ import annotations

from bot import errors
from bot.config import Settings
from bot.models import FetchedPage


def decode_body(data: bytes, charset: str | None) -> str:
    """Bytes → text with the declared charset, falling back to UTF-8."""
    return data.decode(charset or "utf-8", errors="replace")


async def fetch_page(url: str, settings: Settings) -> FetchedPage:
    """Download one page."""
    raise errors.FetchFailed()
