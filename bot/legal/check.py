"""Validate the knowledge base: schema, citations the guard can read, and the verified registry."""

from __future__ import annotations

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
    return topics, problems
