"""JSON files in the user's cache folder, each valid for one digest of what it was made from.

What the knowledge base costs to prepare (its parsed topics, the citation guard's index) only changes
with the knowledge base and the code that reads it, so it is kept here between starts. A missing,
unreadable, corrupt, stale or read-only cache only means doing the work again in memory.
"""

from __future__ import annotations

import json
import logging
import os
import sys
import tempfile
from contextlib import suppress
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)


def cache_dir() -> Path:
    """FOOTNOTE_CACHE_DIR, else the platform's user cache folder (XDG on Linux), under `footnote/`."""
    if override := os.environ.get("FOOTNOTE_CACHE_DIR"):
        return Path(override)
    try:
        Path.home()
    except RuntimeError:  # no home directory (some service accounts): a temporary folder will do
        return Path(tempfile.gettempdir()) / "footnote-cache"
    if sys.platform == "win32":
        base = Path(os.environ.get("LOCALAPPDATA") or Path.home() / "AppData" / "Local")
    elif sys.platform == "darwin":
        base = Path.home() / "Library" / "Caches"
    else:
        base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "footnote"


def read_cached(path: Path, digest: str) -> dict[str, Any] | None:
    """What is stored at `path` for exactly this digest, or None (no file, unreadable, or another digest)."""
    try:
        stored = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as exc:
        log.info("cache %s unreadable (%s); rebuilding", path, exc)
        return None
    if not isinstance(stored, dict) or stored.get("digest") != digest:
        log.info("cache %s is not for this version; rebuilding", path)
        return None
    return stored


def write_cached(path: Path, digest: str, fields: dict[str, Any]) -> None:
    """Store the fields and the digest atomically; a folder that cannot be written is fine (rebuilt later)."""
    temporary: str | None = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile("w", dir=path.parent, delete=False, suffix=".tmp") as out:
            temporary = out.name
            json.dump({"digest": digest, **fields}, out)
        os.replace(temporary, path)
    except OSError as exc:
        log.debug("not cached at %s: %s", path, exc)
        if temporary:
            with suppress(OSError):
                os.unlink(temporary)
