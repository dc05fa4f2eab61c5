"""The citation guard's index, built once per knowledge-base version and kept in the user's cache.

Reading ~300 authorities with eyecite costs most of a command's start, yet the result only changes
when the authorities or the code that keys them change. The index is stored as JSON under a digest
of both (`disk_cache`); a missing, unreadable, corrupt or read-only cache only means building it again.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from pathlib import Path

from bot.legal.disk_cache import cache_dir, read_cached, write_cached

FORMAT = 1  # bump when the stored shape changes
_KEYING_CODE = ("citations.py", "guard.py", "index.py")  # the code that decides a citation's key


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


def _valid(data: dict[str, object]) -> bool:
    keys = data.get("keys")
    if not isinstance(keys, list):
        return False
    return all(isinstance(k, list) and all(isinstance(p, str) for p in k) for k in keys)


def read_index(citations: Sequence[str], folder: Path | None = None) -> list[tuple[str, ...]] | None:
    """The cached citation keys of these authorities, or None when there is no usable cache."""
    stored = read_cached(index_path(citations, folder), digest(citations))
    if stored is None or not _valid(stored):
        return None
    return [tuple(k) for k in stored["keys"]]


def write_index(citations: Sequence[str], keys: list[tuple[str, ...]], folder: Path | None = None) -> None:
    """Store the keys atomically; a folder that cannot be written is fine (the next start rebuilds)."""
    write_cached(index_path(citations, folder), digest(citations), {"keys": [list(k) for k in keys]})
