"""A short digest of the files an engine's answers depend on, so the cache can key on them."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent


def files_digest(patterns: Iterable[str]) -> str:
    """12 hex digits over the names and contents of the package files matching `patterns`."""
    digest = hashlib.sha256()
    for path in sorted({p for pattern in patterns for p in PACKAGE.glob(pattern)}):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:12]
