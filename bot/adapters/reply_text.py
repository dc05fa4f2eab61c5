"""The words a reader sees in a reply on each platform, with markup and escaping taken away.

Word counts (`bench/reply_words.py`) and the checks that no sentence is shown twice and that
"Show all" shows every statement read this, so all four places are measured the same way.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from typing import Any

from bot.models import Analysis

PLATFORMS = ("terminal", "markdown", "discord", "slack")

_MD_LINK_TARGET = re.compile(r"\]\([^)\s]*\)")
_BACKSLASH = re.compile(r"\\(.)")
_SLACK_LINK = re.compile(r"<[^|<>]+\|([^<>]+)>")
_MARKERS = re.compile(r"\*\*|(?<![\w\\])[*_]|[*_](?![\w])")


def _markdown_visible(text: str) -> str:
    text = _MD_LINK_TARGET.sub("]", text).replace("<sub>", "").replace("</sub>", "").replace("### ", "")
    text = _MARKERS.sub("", text)
    return _BACKSLASH.sub(r"\1", text).replace("[", "", 1)


def _discord_strings(embeds: list[Any]) -> Iterator[str]:
    for embed in embeds:
        data = embed.to_dict()
        yield data.get("title", "")
        yield data.get("description", "")
        for field in data.get("fields", []):
            yield field["name"]
            yield field["value"]
        yield data.get("footer", {}).get("text", "")


def _discord_visible(embeds: list[Any]) -> str:
    text = "\n".join(_discord_strings(embeds))
    return _BACKSLASH.sub(r"\1", _MARKERS.sub("", text)).replace("\u200b", "")


def _slack_texts(value: Any) -> Iterator[str]:
    if isinstance(value, dict):
        for key, item in value.items():
            if key == "text" and isinstance(item, str):
                yield item
            else:
                yield from _slack_texts(item)
    elif isinstance(value, list):
        for item in value:
            yield from _slack_texts(item)


def _slack_visible(blocks: list[dict[str, Any]]) -> str:
    text = "\n".join(_slack_texts(blocks))
    return html.unescape(_MARKERS.sub("", _SLACK_LINK.sub(r"\1", text)))


def compact_texts(analysis: Analysis) -> dict[str, str]:
    """The default reply's visible text per platform (Slack: every text in its blocks, buttons included)."""
    from bot.adapters.discord.embeds import render_answer as discord_answer
    from bot.adapters.slack.blocks import render_answer as slack_answer
    from bot.render.markdown import render_markdown
    from bot.render.terminal import render_terminal

    link = analysis.article.url or None
    return {
        "terminal": render_terminal(analysis),
        "markdown": _markdown_visible(render_markdown(analysis)),
        "discord": _discord_visible(discord_answer(analysis, link).embeds),
        "slack": _slack_visible(slack_answer(analysis, link).blocks),
    }


def everything_texts(analysis: Analysis) -> dict[str, str]:
    """ "Show all" / `--all` per platform, every page joined."""
    from bot.adapters.discord.embeds import render_all as discord_all
    from bot.adapters.slack.blocks import render_all as slack_all
    from bot.render.markdown import render_markdown
    from bot.render.terminal import render_terminal

    return {
        "terminal": render_terminal(analysis, everything=True),
        "markdown": _markdown_visible(render_markdown(analysis, everything=True)),
        "discord": "\n".join(_discord_visible(page) for page in discord_all(analysis)),
        "slack": "\n".join(_slack_visible(page.blocks) for page in slack_all(analysis)),
    }
