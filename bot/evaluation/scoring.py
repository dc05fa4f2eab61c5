"""How an analysis is scored against a gold file (the same rules as the project's labelling guide).

A gold sentence is matched to the predicted statement that covers it best by word overlap (at
least 0.6), so an engine may split or merge sentences; summary points and legal concepts count
when any of their case-insensitive regexes matches.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

KINDS = ("fact", "claim", "speculation", "opinion")
_WORD = re.compile(r"[a-z0-9']+")
# The share of a gold sentence's words a predicted statement must cover to count as its match.
MATCH_THRESHOLD = 0.6
# A predicted span may hold the gold sentence and more, up to this many times its length.
MERGE_FACTOR = 2.5


def words(text: str) -> set[str]:
    """Lower-case word set, curly apostrophes straightened."""
    return set(_WORD.findall(text.lower().replace("\u2019", "'")))


def match_kind(gold_text: str, predicted: list[dict[str, Any]]) -> str | None:
    """The kind of the predicted statement that best covers the gold sentence, or None."""
    best, kind = 0.0, None
    gold = words(gold_text)
    for statement in predicted:
        found = words(statement.get("text") or "")
        if not found:
            continue
        shared = len(gold & found)
        jaccard = shared / max(1, len(gold | found))
        covered = shared / max(1, len(gold)) if len(found) <= MERGE_FACTOR * len(gold) else 0.0
        score = max(jaccard, covered)
        if score > best:
            best, kind = score, statement.get("kind")
    return kind if best >= MATCH_THRESHOLD else None


def legal_text(analysis: dict[str, Any]) -> str:
    """Everything the legal section says: titles, explanations, authorities and topic ids."""
    parts: list[str] = []
    for note in analysis.get("legal") or []:
        parts += [
            note.get("title") or "",
            note.get("explanation") or "",
            " ".join(note.get("authorities") or []),
            note.get("topic") or "",
        ]
    return "\n".join(parts)


@dataclass
class CaseScore:
    """One case's results: (gold, predicted) kind pairs and the summary, legal and flag counts."""

    pairs: list[tuple[str, str | None]] = field(default_factory=list)
    summary_ok: int = 0
    summary_total: int = 0
    summary_bad: int = 0
    legal_hit: int = 0
    legal_total: int = 0
    legal_forbidden: int = 0
    flags_hit: int = 0
    flags_total: int = 0
    missed_points: list[str] = field(default_factory=list)

    def add(self, other: CaseScore) -> None:
        """Accumulate another case into this total."""
        self.pairs += other.pairs
        for name in (
            "summary_ok",
            "summary_total",
            "summary_bad",
            "legal_hit",
            "legal_total",
            "legal_forbidden",
            "flags_hit",
            "flags_total",
        ):
            setattr(self, name, getattr(self, name) + getattr(other, name))

    @property
    def accuracy(self) -> float:
        """Share of gold sentences given their gold kind."""
        return sum(g == p for g, p in self.pairs) / max(1, len(self.pairs))


def _matches(pattern: str, text: str) -> bool:
    return re.search(pattern, text, re.IGNORECASE) is not None


def score_case(gold: dict[str, Any], analysis: dict[str, Any]) -> CaseScore:
    """Score one analysis (the `explain --json` contract as a dict) against its gold file."""
    result = CaseScore()
    predicted = analysis.get("statements") or []
    result.pairs = [(st["kind"], match_kind(st["text"], predicted)) for st in gold["statements"]]
    summary = analysis.get("summary") or ""
    for alternatives in gold.get("summary_must", []):
        result.summary_total += 1
        if any(_matches(r, summary) for r in alternatives):
            result.summary_ok += 1
        else:
            result.missed_points.append(alternatives[0])
    result.summary_bad = sum(_matches(r, summary) for r in gold.get("summary_must_not", []))
    legal = legal_text(analysis)
    for concept in gold.get("legal_expected", []):
        result.legal_total += 1
        result.legal_hit += any(_matches(r, legal) for r in concept["any"])
    result.legal_forbidden = sum(
        any(_matches(r, legal) for r in concept["any"]) for concept in gold.get("legal_forbidden", [])
    )
    kinds = {flag.get("kind") for flag in analysis.get("flags") or []}
    result.flags_total = len(gold.get("flags_expected", []))
    result.flags_hit = sum(flag in kinds for flag in gold.get("flags_expected", []))
    return result


@dataclass(frozen=True)
class KindScore:
    """Precision, recall and F1 of one statement kind, and how many gold sentences it has."""

    precision: float
    recall: float
    f1: float
    support: int


def kind_table(pairs: list[tuple[str, str | None]]) -> dict[str, KindScore]:
    """Per-kind precision / recall / F1 over (gold, predicted) pairs; an unmatched sentence is a miss."""
    table = {}
    for kind in KINDS:
        tp = sum(g == kind and p == kind for g, p in pairs)
        fp = sum(g != kind and p == kind for g, p in pairs)
        fn = sum(g == kind and p != kind for g, p in pairs)
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        table[kind] = KindScore(precision, recall, f1, tp + fn)
    return table


def headline_figures(total: CaseScore) -> dict[str, float]:
    """Macro-F1, speculation stated as fact and the share of sentences no statement matched."""
    table = kind_table(total.pairs)
    speculation = [p for g, p in total.pairs if g == "speculation"]
    return {
        "macro_f1": sum(row.f1 for row in table.values()) / len(table),
        "speculation_as_fact": sum(p == "fact" for p in speculation) / max(1, len(speculation)),
        "unmatched": sum(p is None for _, p in total.pairs) / max(1, len(total.pairs)),
        "summary_points": total.summary_ok / max(1, total.summary_total),
    }
