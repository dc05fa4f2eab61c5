"""The messages of one analysis request, from the versioned templates in `prompts/`."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from string import Template

import bot
from bot.legal.knowledge import Topic
from bot.models import LANGUAGE_CODE, Article

# The templates are edited in the repository's prompts/; bot/prompts links there, and a wheel ships them.
PROMPTS_DIR = Path(bot.__file__).parent / "prompts"
# Tokens a sentence's "[n] " prefix and line break add in o200k (4 up to [9999]), counted in the budget.
NUMBER_TOKENS = 5
# The model only needs a topic's leading authorities to judge fit; it never cites them itself.
AUTHORITIES_SHOWN = 1

# Article text that imitates our delimiters could otherwise pose as the end of the data.
_DELIMITER = re.compile(r"</?\s*(article|topics)\b", re.IGNORECASE)


@dataclass(frozen=True)
class Prompts:
    """The templates and the version recorded in the `engine` field."""

    version: str
    system: str
    user: Template
    json_mode: Template


def read_prompt(directory: Path, name: str) -> str:
    """One template file's text, without its surrounding blank lines."""
    return (directory / name).read_text(encoding="utf-8").strip()


@cache
def load_prompts(directory: Path = PROMPTS_DIR) -> Prompts:
    """Read the templates once."""
    return Prompts(
        version=read_prompt(directory, "VERSION"),
        system=read_prompt(directory, "system.txt"),
        user=Template(read_prompt(directory, "user.txt")),
        json_mode=Template(read_prompt(directory, "json_mode.txt")),
    )


def as_data(text: str) -> str:
    """One line of untrusted text that cannot close or open our delimiters."""
    return _DELIMITER.sub(lambda m: f"({m.group(1)})", " ".join(text.split()))


def numbered_sentences(chosen: list[tuple[int, str]]) -> str:
    """`[n] sentence` lines in article order; numbers skip where sentences were left out."""
    return "\n".join(f"[{number}] {as_data(text)}" for number, text in chosen)


def condensed_note(shown: int, total: int) -> str:
    """A line before the article saying how much of it was left out, or nothing."""
    if shown == total:
        return ""
    return f"Condensed for length: {shown} of {total} sentences shown; the numbers skip the others.\n"


def topic_lines(topics: list[Topic]) -> str:
    """One line per candidate topic: id, title, what it is about, its authorities."""
    if not topics:
        return "(none)"
    lines = []
    for topic in topics:
        cites = "; ".join(a.citation for a in topic.authorities[:AUTHORITIES_SHOWN])
        about = f" — {topic.one_line}" if topic.one_line else ""
        lines.append(
            f"{topic.id}: {topic.title} ({topic.jurisdiction}){about}" + (f" [{cites}]" if cites else "")
        )
    return "\n".join(lines)


def user_message(
    prompts: Prompts,
    article: Article,
    chosen: list[tuple[int, str]],
    total: int,
    topics: list[Topic],
    language: str = "en",
) -> str:
    """The reply language, the article as delimited data, then the candidate legal topics."""
    if not LANGUAGE_CODE.fullmatch(language):  # it goes into the prompt: only a plain code may
        raise ValueError(f"not a language code: {language!r}")
    return prompts.user.substitute(
        language=language,
        headline=as_data(article.headline or article.title),
        site=as_data(article.site),
        published=as_data(article.published or "unknown"),
        sentences=numbered_sentences(chosen),
        condensed=condensed_note(len(chosen), total),
        topics=topic_lines(topics),
    )


def build_messages(prompts: Prompts, user: str, json_mode_schema: str | None = None) -> list[dict[str, str]]:
    """System prompt, optional JSON-mode instructions with the schema, then the user message."""
    messages = [{"role": "system", "content": prompts.system}]
    if json_mode_schema is not None:
        messages.append({"role": "system", "content": prompts.json_mode.substitute(schema=json_mode_schema)})
    messages.append({"role": "user", "content": user})
    return messages
