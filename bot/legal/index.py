"""The citation guard's index, built once per knowledge-base version and kept in the user's cache.

Reading ~300 authorities with eyecite costs most of a command's start, yet the result only changes
when the authorities or the code that keys them change. The index is stored as JSON under a digest
of both; a missing, unreadable, corrupt or read-only cache only means building it again in memory.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import sys
import tempfile
from collections.abc import Sequence
from contextlib import suppress
from pathlib import Path

log = logging.getLogger(__name__)

FORMAT = 1  # bump when the stored shape changes
_KEYING_CODE = ("citations.py", "guard.py", "index.py")  # the code that decides a citation's key


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


def digest(citations: Sequence[str]) -> str:
    """What the index depends on: the authorities, the keying code and the stored format."""
    h = hashlib.sha256(f"format {FORMAT}\n".encode())
    here = Path(__file__).parent
    for name in _KEYING_CODE:
        h.update((here / name).read_bytes())
    for citation in citations:
        h.update(b"\0" + citation.encode())
    return h.hexdigest()


def index_path(citations: Sequence[str], folder: Path | None = None) -> Path:
    """The cache file for this exact set of authorities."""
    return (folder or cache_dir()) / f"citation-index-{digest(citations)[:24]}.json"


def _valid(data: object, key: str) -> bool:
    if not isinstance(data, dict) or data.get("digest") != key or not isinstance(data.get("keys"), list):
        return False
    return all(isinstance(k, list) and all(isinstance(p, str) for p in k) for k in data["keys"])


def read_index(citations: Sequence[str], folder: Path | None = None) -> list[tuple[str, ...]] | None:
    """The cached citation keys of these authorities, or None when there is no usable cache."""
    path = index_path(citations, folder)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as exc:
        log.info("citation index cache %s unreadable (%s); rebuilding", path, exc)
        return None
    if not _valid(data, digest(citations)):
        log.info("citation index cache %s is not for this knowledge base; rebuilding", path)
        return None
    return [tuple(k) for k in data["keys"]]


def write_index(citations: Sequence[str], keys: list[tuple[str, ...]], folder: Path | None = None) -> None:
    """Store the keys atomically; a folder that cannot be written is fine (the next start rebuilds)."""
    path = index_path(citations, folder)
    temporary: str | None = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile("w", dir=path.parent, delete=False, suffix=".tmp") as out:
            temporary = out.name
            json.dump({"digest": digest(citations), "keys": [list(k) for k in keys]}, out)
        os.replace(temporary, path)
    except OSError as exc:
        log.debug("citation index not cached at %s: %s", path, exc)
        if temporary:
            with suppress(OSError):
                os.unlink(temporary)
