"""The reply plan as Block Kit, always within Slack's limits, with article text made inert.

The compact answer is one message laid out from `bot.render.plan` and packed by `bot.render.pack`
(the same packer Discord uses), with the "Show all", 👍/👎 and "What I read" buttons (their `value`
is the link they act on). `render_all` pages through every statement whole. Sizes count escaped
text, as Slack does; `message_size` is the measure kept under `MESSAGE_LIMIT`, below the point
where Slack answers `msg_too_long`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from bot.adapters.slack.mrkdwn import clip, inert, link_markup, service_text
from bot.models import Analysis
from bot.render.pack import Dialect, Limits, Piece, pack_all, pack_reply
from bot.render.plan import build_plan
from bot.service.types import ExplainResult, Status

MAX_BLOCKS = 50
SECTION_LIMIT = 3000
HEADER_LIMIT = 150
BUTTON_TEXT_LIMIT = 75
BUTTON_VALUE_LIMIT = 2000
CONTEXT_ELEMENTS = 10
MESSAGE_LIMIT = 3900  # Slack starts refusing around 4,000 characters of text in one message
FALLBACK_LIMIT = 300  # the notification text; the blocks carry the answer
READ_LIMIT = 2900  # "What I read": one section, with room for the heading and the note
PIECE_LIMIT = 2900  # one section's text, leaving room for its heading

ACTION_ALL = "footnote_all"
ACTION_UP = "footnote_up"
ACTION_DOWN = "footnote_down"
ACTION_READ = "footnote_read"

DIALECT = Dialect(escape=inert, clip=clip, bold="*", italic="_", expansion=5)
# Blocks other than the pieces: header, meta context, buttons, footer.
LIMITS = Limits(title=HEADER_LIMIT, heading=250, text=PIECE_LIMIT, pieces=MAX_BLOCKS - 4, total=MESSAGE_LIMIT)
_PERMALINK = re.compile(r"https://[a-z0-9.-]+\.slack\.com/archives/[A-Z0-9]+/p\d+")

ALREADY_HERE = "I explained this link here recently."
NOTICES = {
    Status.RATE_LIMITED: "I'm reading a lot of links right now. Please try again in a minute.",
    Status.BUDGET_SPENT: "This workspace's analysis budget is used up for now.",
    Status.DOMAIN_BLOCKED: "Moderators have turned off explanations for that site.",
    Status.NOT_ARTICLE: "That link doesn't look like a news article, so I left it.",
    Status.FAILED: "Sorry, I couldn't explain that link.",
}


# How every message goes out: no link previews of the article, no @names turned into mentions.
QUIET_POST: dict[str, Any] = {"unfurl_links": False, "unfurl_media": False, "link_names": False}


@dataclass(frozen=True)
class SlackMessage:
    """What `chat.postMessage` or `respond()` sends; `more` means "Show all" has something to add."""

    text: str
    blocks: list[dict[str, Any]] = field(default_factory=list)
    more: bool = False

    def payload(self) -> dict[str, Any]:
        """Keyword arguments for the Web API (blocks only when there are some)."""
        return {"text": self.text, "blocks": self.blocks} if self.blocks else {"text": self.text}


def _texts(value: Any) -> Iterator[str]:
    """Every text string inside blocks (text objects, fields, context elements, buttons)."""
    if isinstance(value, dict):
        for key, item in value.items():
            if key == "text" and isinstance(item, str):
                yield item
            else:
                yield from _texts(item)
    elif isinstance(value, list):
        for item in value:
            yield from _texts(item)


def message_size(message: SlackMessage) -> int:
    """Characters of text in a message: the fallback plus every text in its blocks."""
    return len(message.text) + sum(len(t) for t in _texts(message.blocks))


def _header(text: str) -> dict[str, Any]:
    return {"type": "header", "text": {"type": "plain_text", "text": text, "emoji": True}}


def _mrkdwn(text: str) -> dict[str, Any]:
    """A mrkdwn text object; `verbatim` stops Slack linking bare `@here`, `#general` and URLs in it."""
    return {"type": "mrkdwn", "text": clip(text, SECTION_LIMIT), "verbatim": True}


def _section(text: str) -> dict[str, Any]:
    return {"type": "section", "text": _mrkdwn(text)}


def _context(*texts: str) -> dict[str, Any]:
    elements = [_mrkdwn(t) for t in texts if t]
    return {"type": "context", "elements": elements[:CONTEXT_ELEMENTS]}


def _button(label: str, action_id: str, value: str, style: str | None = None) -> dict[str, Any]:
    button: dict[str, Any] = {
        "type": "button",
        "text": {"type": "plain_text", "text": clip(label, BUTTON_TEXT_LIMIT), "emoji": True},
        "action_id": action_id,
        "value": value,
    }
    if style:
        button["style"] = style
    return button


def _buttons(target: str | None, more: bool) -> dict[str, Any] | None:
    if not target or len(target) > BUTTON_VALUE_LIMIT:
        return None  # every button acts on the link, so without one there is nothing to offer
    buttons = [_button("Show all", ACTION_ALL, target, "primary")] if more else []
    buttons += [
        _button("👍 Helpful", ACTION_UP, target),
        _button("👎 Not helpful", ACTION_DOWN, target),
        _button("What I read", ACTION_READ, target),
    ]
    return {"type": "actions", "elements": buttons}


def _piece_block(piece: Piece) -> dict[str, Any]:
    if piece.role == "care" and not piece.heading:
        return _context(piece.text)
    if piece.heading and piece.text.strip():
        return _section(f"*{piece.heading}*\n{piece.text}")
    return _section(f"*{piece.heading}*" if piece.heading else piece.text)


def _fallback(text: str) -> str:
    return inert(text, FALLBACK_LIMIT)


def render_answer(analysis: Analysis, link: str | None = None) -> SlackMessage:
    """The compact reply inside every limit, laid out from the shared reply plan.

    `link` (the link as the service knows it) is what the buttons act on.
    """
    plan = build_plan(analysis)
    target = link or plan.url
    shown_link = link_markup(target)
    fallback = _fallback(f"📰 {plan.title} — {plan.analysis.summary}")
    # Room for the link, the buttons and the fallback text, which the packer does not lay out.
    reserve = len(fallback) + len(shown_link) + 60
    packed = pack_reply(plan, DIALECT, LIMITS, reserve=reserve)
    blocks = [
        _header(clip(packed.title, HEADER_LIMIT)),
        _context(f"{packed.meta} · {shown_link}" if shown_link else packed.meta),
    ]
    blocks += [_piece_block(p) for p in packed.pieces]
    actions = _buttons(target, packed.more)
    if actions is not None:
        blocks.append(actions)
    blocks.append(_context(packed.footer))
    return SlackMessage(text=fallback, blocks=blocks[:MAX_BLOCKS], more=packed.more)


def render_all(analysis: Analysis) -> list[SlackMessage]:
    """ "Show all": every statement whole, every legal topic with its sources, every warning in full,
    as messages that each stay inside every limit."""
    plan = build_plan(analysis)
    fallback = _fallback(f"All notes on {plan.title}")
    header = _header(clip("📰 " + inert(plan.title, HEADER_LIMIT) + " — all", HEADER_LIMIT))
    reserve = len(fallback) + len(header["text"]["text"])
    pages = pack_all(plan, DIALECT, LIMITS, reserve=reserve)
    messages = []
    for n, page in enumerate(pages):
        blocks = ([header] if n == 0 else []) + [_piece_block(p) for p in page]
        messages.append(SlackMessage(text=fallback, blocks=blocks))
    return messages


def render_article_text(text: str, link: str | None = None) -> SlackMessage:
    """ "What I read": the extracted text, trimmed, shown literally."""
    shown = "trimmed" if len(text) > READ_LIMIT else "complete"
    shown_link = link_markup(link)
    heading = "*What I read*" + (f" · {shown_link}" if shown_link else "")
    blocks = [_section(heading)]
    body = inert(text, READ_LIMIT)
    if body.strip():
        blocks.append(_section(body))
    blocks.append(_context(f"Extracted article text ({len(text.split())} words, {shown})"))
    return SlackMessage(text="What I read", blocks=blocks)


def render_notice(result: ExplainResult) -> SlackMessage:
    """The one line sent instead of an answer (errors, refusals, "already explained here")."""
    if result.status is Status.ALREADY_HERE:
        text = result.message or ALREADY_HERE
        found = _PERMALINK.match(result.permalink or "")
        if found is None:
            return SlackMessage(text=inert(text, FALLBACK_LIMIT * 2).strip() or ALREADY_HERE)
        permalink = found.group(0)
        pointer = f"<{permalink}|earlier answer>"
        if result.permalink and result.permalink in text:
            # The pointer must stay a working link, so only the words around it are escaped.
            before, _, after = text.partition(result.permalink)
            return SlackMessage(text=f"{inert(before, 400)}{pointer}{inert(after, 200)}")
        return SlackMessage(text=f"{inert(text, 400)} {pointer}")
    default = NOTICES.get(result.status, NOTICES[Status.FAILED])
    return SlackMessage(text="⚠️ " + inert(result.message or default, FALLBACK_LIMIT * 2))


def render_reply(text: str) -> SlackMessage:
    """A command's reply: service text, escaped, its `<#channel>` links kept."""
    return SlackMessage(text=service_text(text, MESSAGE_LIMIT) or "Done.")


def plain(text: str) -> SlackMessage:
    """A short line of our own or the service's, escaped."""
    return SlackMessage(text=inert(text, FALLBACK_LIMIT * 2))
