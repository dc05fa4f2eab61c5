"""The structured answer the model must return, and its strict JSON Schema for Structured Outputs."""

from __future__ import annotations

import json
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

from bot.models import FlagKind


class Strict(BaseModel):
    # Structured Outputs' strict mode needs additionalProperties: false on every object.
    model_config = ConfigDict(extra="forbid")


class SentenceLabel(Strict):
    """The kind of one numbered sentence; the text is never returned, only its number."""

    n: int
    kind: Literal["fact", "claim", "speculation", "opinion"]
    source: str | None
    why: str


class FlagOut(Strict):
    """A source-quality warning."""

    kind: FlagKind
    detail: str


class LegalPick(Strict):
    """A knowledge-base topic chosen by id, with one sentence tying it to this story."""

    topic: str
    relevance: str


class ModelAnswer(Strict):
    """Everything the model says about one article."""

    summary: str
    labels: list[SentenceLabel]
    flags: list[FlagOut]
    legal: list[LegalPick]


_NOISE = frozenset({"title", "description"})


def compact_schema(node: Any) -> Any:
    # Titles and docstrings cost prompt tokens on every request; the system prompt explains the fields.
    if isinstance(node, dict):
        return {k: compact_schema(v) for k, v in node.items() if k not in _NOISE or not isinstance(v, str)}
    if isinstance(node, list):
        return [compact_schema(v) for v in node]
    return node


def answer_schema() -> dict[str, Any]:
    """The JSON Schema of `ModelAnswer`: every property required, no extra properties, no prose."""
    return compact_schema(ModelAnswer.model_json_schema())


def response_format() -> dict[str, Any]:
    """The `response_format` of a Structured Outputs request."""
    return {
        "type": "json_schema",
        "json_schema": {"name": "footnote_analysis", "strict": True, "schema": answer_schema()},
    }


def schema_text() -> str:
    """The schema as compact JSON, for JSON-mode prompts on servers without Structured Outputs."""
    return json.dumps(answer_schema(), separators=(",", ":"))
