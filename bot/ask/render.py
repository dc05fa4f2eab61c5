"""An answer to a follow-up question as lines, for every surface (terminal, Discord, Slack).

The text of each line is raw: each adapter escapes it for its platform and fits it to its limits.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from bot.models import Answer
from bot.render.plan import NOT_LEGAL_ADVICE

Style = Literal["lead", "quote", "source", "legal", "cite"]
QUOTE_WORDS = 90  # a very long sentence is cut (with "…") rather than crowding out the rest
LEGAL_WORDS = 80  # the rule and the start of its explanation; `--json` has it whole


@dataclass(frozen=True)
class AnswerLine:
    """One line of an answer and what it is."""

    style: Style
    text: str


def _cut(text: str, words: int = QUOTE_WORDS) -> str:
    parts = text.split()
    return text if len(parts) <= words else " ".join(parts[:words]) + " …"


def answer_lines(answer: Answer) -> list[AnswerLine]:
    """The lead line, each quote by its sentence number (with who says it), then the legal note."""
    lines = [AnswerLine("lead", answer.text)]
    for quote in answer.quotes:
        lines.append(AnswerLine("quote", f"[{quote.n}] “{_cut(quote.text)}”"))
        if quote.source and quote.source not in answer.text:  # a lead naming the source says it already
            lines.append(AnswerLine("source", f"— {quote.source}"))
    for note in answer.legal:
        lines.append(
            AnswerLine("legal", f"{note.title} ({note.jurisdiction}): {_cut(note.explanation, LEGAL_WORDS)}")
        )
        if note.authorities:
            lines.append(AnswerLine("cite", "Source: " + "; ".join(note.authorities)))
        lines.extend(AnswerLine("cite", caution) for caution in note.cautions)
    if answer.legal:
        lines.append(
            AnswerLine("cite", f"Footnote's legal notes are general information, {NOT_LEGAL_ADVICE}.")
        )
    return lines


def render_plain(answer: Answer) -> str:
    """The answer for a terminal: quotes and sources indented under the lead line."""
    indent = {"lead": "", "quote": "  ", "source": "    ", "legal": "", "cite": "  "}
    return "\n".join(indent[line.style] + line.text for line in answer_lines(answer))


def fitted(answer: Answer, show: Callable[[AnswerLine], str], budget: int) -> list[str]:
    """The answer's lines as `show` renders them, in order, as many as fit in `budget` characters."""
    out: list[str] = []
    size = 0
    for line in answer_lines(answer):
        shown = show(line)
        if size + len(shown) + 1 > budget:
            break
        out.append(shown)
        size += len(shown) + 1
    return out
