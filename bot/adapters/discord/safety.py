"""Make untrusted text inert in Discord: no pings, no live mentions, no masked links, no layout breaks.

Article text reaches chat through titles, quotes, sources and summaries. Discord's own helpers
are not enough (`escape_mentions` skips channel mentions and ids shorter than 17 digits), so
every string that did not come from this package goes through `inert` before it is shown.
"""

from __future__ import annotations

import re

ZWSP = "\u200b"
ELLIPSIS = "…"

# Characters that start inline markdown anywhere in a line: emphasis, code, spoilers, masked links.
_INLINE = re.compile(r"([\\*_~|`\[\]])")
# Markdown that only works at the start of a line: headings, subtext, quotes, lists.
_LINE_START = re.compile(r"^([ \t]*)([#>+\-]|\d+(?=\.))", re.MULTILINE)
# Control characters other than newline and tab, and every bidi control (marks U+200E, U+200F,
# U+061C, embeddings and overrides U+202A–U+202E, isolates U+2066–U+2069) and line/paragraph
# separators: they can hide text, reverse it so a quote reads differently, or confuse the layout.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def _escape_line_start(match: re.Match[str]) -> str:
    indent, mark = match.groups()
    # A backslash before a digit is shown as is, so "1." is kept from being a list by escaping the dot.
    return f"{indent}{mark}\\" if mark[0].isdigit() else f"{indent}\\{mark}"


def inert(text: str) -> str:
    """`text` shown literally: mentions broken with a zero-width space, markdown escaped."""
    text = _CONTROL.sub("", text)
    text = _INLINE.sub(r"\\\1", text)
    text = _LINE_START.sub(_escape_line_start, text)
    # `<@1>`, `<@&1>`, `<#1>`, `</cmd:1>`, `<t:1>`, `<:emoji:1>` all start with "<"; "@everyone" with "@".
    return text.replace("<", "<" + ZWSP).replace("@", "@" + ZWSP)


def clip(text: str, limit: int) -> str:
    """`text` cut to at most `limit` characters, at a space when one is near, ending in "…" when cut."""
    if len(text) <= limit:
        return text
    if limit <= len(ELLIPSIS):
        return ELLIPSIS[:limit]
    cut = text[: limit - len(ELLIPSIS)]
    space = max(cut.rfind(" "), cut.rfind("\n"))
    if space > len(cut) * 3 // 4:
        cut = cut[:space]
    cut = cut.rstrip()
    # A lone trailing backslash would escape the ellipsis; an odd count means one is dangling.
    trailing = len(cut) - len(cut.rstrip("\\"))
    if trailing % 2:
        cut = cut[:-1]
    return cut + ELLIPSIS


def inert_clip(text: str, limit: int) -> str:
    """Untrusted `text`, made inert, within `limit` characters (huge inputs are cut before escaping)."""
    # Only the first `limit` characters can be shown, so the rest of a huge page is never escaped.
    return clip(inert(text[: limit * 2 + 1]), limit)
