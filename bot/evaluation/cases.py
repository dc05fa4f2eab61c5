"""Labelled cases on disk: each `NAME.html` page with its gold `NAME.json`, in any sub-folder."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class Case:
    """One labelled page: where it is, the folder group it belongs to, and its gold labels."""

    name: str
    group: str
    page: Path
    gold: dict[str, Any]


def load_cases(folder: Path) -> list[Case]:
    """Every case under `folder`, sorted by path; the group is the sub-folder ("" at the top)."""
    found = []
    for gold_path in sorted(folder.rglob("*.json")):
        page = gold_path.with_suffix(".html")
        if not page.exists():
            continue
        relative = gold_path.parent.relative_to(folder)
        group = relative.parts[0] if relative.parts else ""
        gold = json.loads(gold_path.read_text(encoding="utf-8"))
        found.append(Case(name=gold_path.stem, group=group, page=page, gold=gold))
    return found
