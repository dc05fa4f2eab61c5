"""Where a source is: a link to fetch, or a page saved on disk (read and decoded here)."""

from __future__ import annotations

from pathlib import Path

from bot import errors


def is_url(source: str) -> bool:
    """True for http(s) links; anything else is treated as a file path."""
    return source.lower().startswith(("http://", "https://"))


def read_local_page(path: Path) -> str:
    """A saved page from disk, decoded like a fetched one."""
    from bot.web.decode import decode_body

    try:
        data = path.read_bytes()
    except OSError as exc:
        raise errors.FileNotReadable(f"I couldn't read {path.name}: {exc.strerror or exc}.") from exc
    return decode_body(data, None)
