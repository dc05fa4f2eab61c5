"""Make untrusted text inert in Slack mrkdwn: no pings, no channel or user links, no disguised links.

Slack reads `<…>` as a control sequence (`<!channel>`, `<@U1>`, `<#C1>`, `<https://evil|bank.com>`),
so every string that did not come from this package has `&`, `<` and `>` escaped before it is
shown. Limits count the escaped text, because that is what Slack counts.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

ELLIPSIS = "…"

# Control characters other than newline and tab, and every bidi control (marks U+200E, U+200F,
# U+061C, embeddings and overrides U+202A–U+202E, isolates U+2066–U+2069) and line/paragraph
# separators: they can hide text, reverse it so a quote reads differently, or confuse the layout.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
# An entity cut in half by clipping ("&am") would show as stray characters.
_PARTIAL_ENTITY = re.compile(r"&[a-z]{0,3}$")
# Our own `<…>` sequences (links, channels) cut in half would leave a dangling "<".
_OPEN_SEQUENCE = re.compile(r"<[^>]*$")
# A link target we are willing to put inside `<…>`: http(s), no spaces or control characters, and
# none of the characters that end or split a link (`&` is fine: it is escaped, as Slack documents).
_SAFE_URL = re.compile(r"https?://[^\s<>|\"\x00-\x1f\x7f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]+")
_SLACK_CHANNEL = re.compile(r"&lt;#([CG][A-Z0-9]{2,20})&gt;")
URL_LIMIT = 500  # a longer link is not worth its share of the 4,000-character message


def escape(text: str) -> str:
    """`text` shown literally in mrkdwn: control characters dropped, `&`, `<`, `>` escaped."""
    text = _CONTROL.sub("", text)
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def clip(text: str, limit: int) -> str:
    """Already-escaped `text` cut to at most `limit` characters, at a space when one is near, with "…"."""
    if len(text) <= limit:
        return text
    if limit <= len(ELLIPSIS):
        return ELLIPSIS[:limit]
    cut = text[: limit - len(ELLIPSIS)]
    space = max(cut.rfind(" "), cut.rfind("\n"))
    if space > len(cut) * 3 // 4:
        cut = cut[:space]
    cut = _OPEN_SEQUENCE.sub("", _PARTIAL_ENTITY.sub("", cut)).rstrip()
    return cut + ELLIPSIS


def inert(text: str, limit: int) -> str:
    """Untrusted `text`, escaped, within `limit` characters (huge inputs are cut before escaping)."""
    return clip(escape(text[: limit + 1]), limit)


def safe_url(url: str | None) -> str | None:
    """`url` as it sits inside `<…>` (`&` as `&amp;`), or None when it cannot or is too long to show."""
    if not url or not _SAFE_URL.fullmatch(url):
        return None
    target = url.replace("&", "&amp;")
    return target if len(target) <= URL_LIMIT else None


def link_markup(url: str | None) -> str:
    """A link labelled with its own host, so the label can never disguise where it goes."""
    target = safe_url(url)
    if not url or target is None:
        return ""
    try:
        host = urlsplit(url).hostname or url
    except ValueError:  # a malformed IPv6 host ("https://[x"): not a link worth showing
        return ""
    return f"<{target}|{escape(host)}>"


def service_text(text: str, limit: int) -> str:
    """A command reply (service text, a moderator's words in it at most): escaped, channel links kept."""
    return clip(_SLACK_CHANNEL.sub(r"<#\1>", escape(text[: limit * 2])), limit)
