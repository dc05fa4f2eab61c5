"""Render a `Digest` as Block Kit, always within Slack's limits, with article text made inert.

The compact answer is one message: a few items per section, how many were left out, and the
"Show all", 👍/👎 and "What I read" buttons (their `value` is the link they act on). `render_all`
pages through everything. Sizes count escaped text, as Slack does; `message_size` is the measure
kept under `MESSAGE_LIMIT`, below the point where Slack answers `msg_too_long`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from bot.adapters.slack.mrkdwn import clip, inert, link_markup, service_text
from bot.models import Analysis
from bot.render.digest import Digest, LegalItem, Section, build_digest
from bot.service.types import ExplainResult, Status

MAX_BLOCKS = 50
SECTION_LIMIT = 3000
HEADER_LIMIT = 150
BUTTON_TEXT_LIMIT = 75
BUTTON_VALUE_LIMIT = 2000
CONTEXT_ELEMENTS = 10
MESSAGE_LIMIT = 3900  # Slack starts refusing around 4,000 characters of text in one message
FALLBACK_LIMIT = 300  # the notification text; the blocks carry the answer
LINE_LIMIT = 600  # one bullet, after escaping
READ_LIMIT = 2900  # "What I read": one section, with room for the heading and the note
CHUNK_LIMIT = 2900  # "Show all": one section's text, leaving room for the page header

ACTION_ALL = "footnote_all"
ACTION_UP = "footnote_up"
ACTION_DOWN = "footnote_down"
ACTION_READ = "footnote_read"

# Item and summary budgets tried in turn until the whole answer fits in MESSAGE_LIMIT.
# The last pair always fits: 4 sections + legal at 250, summary 250, fixed parts < 2,000.
SHRINK_STEPS = ((1000, 900), (700, 600), (450, 400), (250, 250))
_PERMALINK = re.compile(r"https://[a-z0-9.-]+\.slack\.com/archives/[A-Z0-9]+/p\d+")

ALREADY_HERE = "I explained this link here recently."
NOTICES = {
    Status.RATE_LIMITED: "I'm reading a lot of links right now. Please try again in a minute.",
    Status.BUDGET_SPENT: "This workspace's analysis budget is used up for now.",
    Status.DOMAIN_BLOCKED: "Moderators have turned off explanations for that site.",
    Status.NOT_ARTICLE: "That link doesn't look like a news article, so I left it.",
    Status.FAILED: "Sorry, I couldn't explain that link.",
}


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


def _title(digest: Digest, suffix: str = "") -> str:
    return "📰 " + inert(digest.title, HEADER_LIMIT - 2 - len(suffix)) + suffix


def _more_line(count: int) -> str:
    return f"_…and {count} more (Show all)_"


def _pack(lines: list[str], cap: int, hidden: int = 0) -> tuple[str, int]:
    """Whole (escaped) lines up to `cap` characters, then "…and N more"; also returns N."""
    reserve = len(_more_line(len(lines) + hidden)) + 1
    shown: list[str] = []
    used = 0
    for line in lines:
        extra = len(line) + (1 if shown else 0)
        if used + extra > cap - reserve:
            break
        shown.append(line)
        used += extra
    if not shown and lines:
        shown.append(clip(lines[0], cap - reserve))
    left = len(lines) - len(shown) + hidden
    if left:
        shown.append(_more_line(left))
    return "\n".join(shown), left


def _chunks(lines: list[str], cap: int) -> list[str]:
    """Lines grouped into texts of at most `cap` characters, never splitting a line that fits."""
    chunks: list[str] = []
    current = ""
    for line in lines:
        line = clip(line, cap)
        if current and len(current) + 1 + len(line) > cap:
            chunks.append(current)
            current = ""
        current = f"{current}\n{line}" if current else line
    if current:
        chunks.append(current)
    return chunks


def _bullet(text: str) -> str:
    return "• " + inert(text, LINE_LIMIT)


def _legal_line(item: LegalItem, full: bool) -> str:
    """`full` (for "Show all") adds why the note matters here and keeps longer citation lists."""
    line = f"• *{inert(item.title, 150)}* — {inert(item.line, 350)}"
    if item.authorities:
        line += f" ({inert('; '.join(item.authorities), 500 if full else 250)})"
    if full and item.relevance:
        line += f"\n      ↳ {inert(item.relevance, 350)}"
    return line


def _heading(text: str) -> str:
    return f"*{inert(text, 250)}*"


def _section_block(section: Section, cap: int) -> tuple[dict[str, Any], int]:
    heading = _heading(section.heading)
    body, left = _pack([_bullet(i) for i in section.items], cap - len(heading) - 1, hidden=section.hidden)
    return _section(f"{heading}\n{body}"), left


def _legal_block(digest: Digest, cap: int) -> tuple[dict[str, Any] | None, int]:
    if digest.legal:
        heading = _heading(digest.legal_heading or "⚖️ Legal context")
        body, left = _pack([_legal_line(i, full=False) for i in digest.legal], cap - len(heading) - 1)
        return _section(f"{heading}\n{body}"), left
    if digest.legal_unavailable:
        return _section(f"*⚖️ Legal context*\n{inert(digest.legal_unavailable, cap)}"), 0
    return None, 0


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


def _compact(digest: Digest, target: str | None, item_cap: int, summary_cap: int) -> SlackMessage:
    meta = inert(digest.meta_line, 300)
    shown_link = link_markup(target or digest.url)
    blocks = [_header(_title(digest)), _context(f"{meta} · {shown_link}" if shown_link else meta)]
    if digest.lead:
        blocks.append(_section(f"*{inert(digest.lead, 300)}*"))
    if digest.in_short.strip():
        blocks.append(_section(f"*In short:* {inert(digest.in_short, summary_cap)}"))
    left = 0
    for section in digest.sections:
        block, hidden = _section_block(section, item_cap)
        blocks.append(block)
        left += hidden
    legal, hidden = _legal_block(digest, item_cap)
    if legal is not None:
        blocks.append(legal)
    left += hidden
    if digest.care:
        blocks.append(_context(inert(digest.care, 300)))
    if digest.notes:
        blocks.append(_context(*(f"_{inert(note, 300)}_" for note in digest.notes)))
    actions = _buttons(target or digest.url, left > 0)
    if actions is not None:
        blocks.append(actions)
    blocks.append(_context(inert(digest.footer, 150)))
    fallback = inert(f"📰 {digest.title} — {digest.in_short}", FALLBACK_LIMIT)
    return SlackMessage(text=fallback, blocks=blocks, more=left > 0)


def render_answer(analysis: Analysis, link: str | None = None, per_section: int = 3) -> SlackMessage:
    """The compact reply, `per_section` items per section, inside every limit.

    `link` (the link as the service knows it) is what the buttons act on.
    """
    digest = build_digest(analysis, per_section=per_section)
    message = None
    for item_cap, summary_cap in SHRINK_STEPS:
        message = _compact(digest, link, item_cap, summary_cap)
        if message_size(message) <= MESSAGE_LIMIT:
            return message
    assert message is not None
    return message


def _all_blocks(digest: Digest) -> list[dict[str, Any]]:
    blocks = []
    for section in digest.sections:
        heading = _heading(section.heading)
        for n, chunk in enumerate(_chunks([_bullet(i) for i in section.all_items], CHUNK_LIMIT)):
            blocks.append(_section(f"{heading}\n{chunk}" if n == 0 else chunk))
    if digest.legal:
        heading = _heading(digest.legal_heading or "⚖️ Legal context")
        for n, chunk in enumerate(_chunks([_legal_line(i, full=True) for i in digest.legal], CHUNK_LIMIT)):
            blocks.append(_section(f"{heading}\n{chunk}" if n == 0 else chunk))
    return blocks


def render_all(analysis: Analysis) -> list[SlackMessage]:
    """Every statement and legal note, as messages that each stay inside every limit."""
    digest = build_digest(analysis, per_section=0)
    fallback = inert(f"All notes on {digest.title}", FALLBACK_LIMIT)
    pages: list[list[dict[str, Any]]] = [[_header(_title(digest, " — all"))]]
    size = len(fallback) + sum(len(t) for t in _texts(pages[0]))
    for block in _all_blocks(digest):
        grow = sum(len(t) for t in _texts(block))
        if size + grow > MESSAGE_LIMIT or len(pages[-1]) == MAX_BLOCKS:
            pages.append([])
            size = len(fallback)
        pages[-1].append(block)
        size += grow
    return [SlackMessage(text=fallback, blocks=page) for page in pages]


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
