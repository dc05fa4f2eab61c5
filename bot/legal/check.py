"""Validate the knowledge base: schema, citations the guard can read, and the verified registry."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import yaml

from bot.legal.citations import find_citations
from bot.legal.guard import CitationGuard, KnownCitations
from bot.legal.knowledge import Topic, read_topics


def citation_problems(topics: list[Topic]) -> list[str]:
    """Authorities the guard cannot read, and topic text the guard would cut."""
    guard = CitationGuard(KnownCitations(a.citation for t in topics for a in t.authorities))
    problems = []
    for topic in topics:
        for authority in topic.authorities:
            if not find_citations(authority.citation, named_acts=True):
                problems.append(f"{topic.id}.yaml: the guard cannot read the citation {authority.citation!r}")
        texts = [topic.title, topic.one_line, topic.explanation, *topic.often_wrong]
        texts += [a.note for a in topic.authorities if a.note]
        for text in texts:
            cleaned, removed = guard.clean(text)
            if removed:
                cut = "; ".join(removed)
                problems.append(
                    f"{topic.id}.yaml: cites {cut!r}, which is not one of the topics' authorities"
                )
    return problems


def registry_citations(path: Path) -> dict[str, bool]:
    """Every `citation` in a registry YAML, mapped to whether it is marked `verified: true`."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    found: dict[str, bool] = {}

    def walk(node: object) -> None:
        if isinstance(node, dict):
            if isinstance(node.get("citation"), str):
                citation = node["citation"]
                found[citation] = found.get(citation, False) or node.get("verified") is True
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(data)
    return found


STALE_MONTHS = 12
# Words that present a case or question as undecided.
_PENDING = re.compile(
    r"\bpending\b|\bawait\w*|\bundecided\b|\bhas(?:n't| not) (?:yet )?(?:ruled|decided)"
    r"|\byet to (?:rule|decide)|\btook up\b|\bis being fought\b|\bcheck the latest ruling"
    r"|\bbefore the (?:Supreme )?Court\b",
    re.IGNORECASE,
)
_SENTENCE = re.compile(r"(?<=[.;])\s+")
_DECIDED_YEAR = re.compile(r"\((?:[^()]*\s)?(\d{4})\)\s*(?:\([^()]*\)\s*)?$")


def stale_topics(topics: list[Topic], today: date) -> list[str]:
    """Warnings for topics whose law was last reviewed more than a year before `today`."""
    warnings = []
    for topic in topics:
        year, month = map(int, topic.reviewed.split("-"))
        age = (today.year - year) * 12 + today.month - month
        if age > STALE_MONTHS:
            warnings.append(
                f"{topic.id}.yaml: reviewed {topic.reviewed}, {age} months ago: check it against the registry"
            )
    return warnings


def _decided_cases(registry: Path) -> dict[str, str]:
    """Verified registry cases with a decision date: a name a topic would use → the citation."""
    decided: dict[str, str] = {}
    for citation, verified in registry_citations(registry).items():
        if not verified or " v. " not in citation or not _DECIDED_YEAR.search(citation):
            continue
        parties = re.match(r"(.*? v\. [^,(]+)", citation)
        if not parties:
            continue
        first, _, second = (p.strip().removesuffix(",") for p in parties.group(1).partition(" v. "))
        # "Learning Resources, Inc." is written "Learning Resources" in prose.
        for name in (parties.group(1).strip(), first, second, first.split(",")[0], second.split(",")[0]):
            if len(name) > 3 and name not in ("United States", "Trump", "State"):
                decided[name] = citation
    return decided


def _year(citation: str) -> int:
    found = _DECIDED_YEAR.search(citation)
    return int(found.group(1)) if found else 0


def pending_problems(topics: list[Topic], registry: Path) -> list[str]:
    """A topic sentence that calls a case pending while the registry lists its decision."""
    try:
        decided = _decided_cases(registry)
    except (OSError, yaml.YAMLError):
        return []
    try:
        data = yaml.safe_load(registry.read_text(encoding="utf-8"))
        by_trigger: dict[str, set[str]] = {}
        for entry in data.get("topics", []) if isinstance(data, dict) else []:
            rulings = {a.get("citation") for a in entry.get("authorities", []) if isinstance(a, dict)}
            for trigger in entry.get("triggers", []):
                by_trigger.setdefault(str(trigger), set()).update(rulings & set(decided.values()))
    except (OSError, yaml.YAMLError, AttributeError):
        by_trigger = {}
    problems = []
    for topic in topics:
        # The registry's decided rulings on this topic's questions (found through shared triggers).
        own = {a.citation for a in topic.authorities} | set().union(
            *(by_trigger.get(t, set()) for t in topic.triggers)
        )
        for text in (topic.one_line, topic.explanation, *topic.often_wrong):
            for sentence in _SENTENCE.split(text):
                if not _PENDING.search(sentence):
                    continue
                named = [
                    c
                    for name, c in decided.items()
                    if re.search(rf"(?<!\w){re.escape(name)}(?!\w)", sentence)
                ]
                # A sentence saying a question awaits the Court, in a topic whose question the registry shows
                # decided recently, is out of date too, even when it names no case.
                if not named and "Court" in sentence:
                    since = int(topic.reviewed[:4]) - 1 if topic.reviewed[:4].isdigit() else 0
                    named = sorted(c for c in own if c in decided.values() and _year(c) >= since)
                if named:
                    problems.append(
                        f"{topic.id}.yaml: calls a case pending ({sentence.strip()[:80]!r}) "
                        f"but the registry lists its decision: {named[0]}"
                    )
    return problems


def registry_problems(topics: list[Topic], registry: Path) -> list[str]:
    """Authorities that are not, verbatim, a verified entry of the registry."""
    try:
        known = registry_citations(registry)
    except (OSError, yaml.YAMLError) as exc:
        return [f"{registry}: cannot read the registry: {str(exc).splitlines()[0]}"]
    problems = []
    for topic in topics:
        for authority in topic.authorities:
            verified = known.get(authority.citation)
            if verified is None:
                problems.append(f"{topic.id}.yaml: {authority.citation!r} is not in the registry (verbatim)")
            elif not verified:
                problems.append(f"{topic.id}.yaml: {authority.citation!r} is not verified in the registry")
    return problems


def check_knowledge(folder: Path, registry: Path | None = None) -> tuple[list[Topic], list[str]]:
    """All topics read from `folder` and every problem found, one line each."""
    topics, problems = read_topics(folder)
    problems += citation_problems(topics)
    if registry is not None:
        problems += registry_problems(topics, registry)
        problems += pending_problems(topics, registry)
    return topics, problems
