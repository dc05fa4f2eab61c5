"""Render a `Digest` as Discord embeds, always within Discord's limits, with article text made inert.

The compact answer is one embed. When sections are long, it keeps the first items of each,
says how many were left out and offers "Show all"; `render_all` then pages through everything.
Limits are counted in code points, as Discord counts them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

import discord

from bot.adapters.discord.safety import ZWSP, clip, inert, inert_clip
from bot.models import Analysis
from bot.render.digest import Digest, LegalItem, Section, build_digest
from bot.service.types import ExplainResult, Status

CONTENT_LIMIT = 2000
TITLE_LIMIT = 256
DESCRIPTION_LIMIT = 4096
FIELDS_PER_EMBED = 25
FIELD_NAME_LIMIT = 256
FIELD_VALUE_LIMIT = 1024
FOOTER_LIMIT = 2048
TOTAL_LIMIT = 6000
EMBEDS_PER_MESSAGE = 10

COLOUR = discord.Colour(0x3B6EA5)
LINE_LIMIT = 600  # one bullet, after escaping
READ_LIMIT = 3800  # "What I read": room for the note under it
# Field-value and description budgets tried in turn until the whole embed fits in TOTAL_LIMIT.
# The last pair always fits: 6 fields × (256 + 250) + 400 + 256 + 300 < 6000.
SHRINK_STEPS = ((FIELD_VALUE_LIMIT, 1600), (700, 1100), (450, 700), (250, 400))
FOOTER_BUDGET = 300
_URL = re.compile(r"https?://[^\s<>]+")
_PERMALINK = re.compile(r"https://[\w.-]+/channels/[\w/@.-]*?\d+(/\d+)*")  # a message's jump_url

NOTICES = {
    Status.RATE_LIMITED: "I'm reading a lot of links right now. Please try again in a minute.",
    Status.BUDGET_SPENT: "This server's analysis budget is used up for now.",
    Status.DOMAIN_BLOCKED: "Moderators have turned off explanations for that site.",
    Status.NOT_ARTICLE: "That link doesn't look like a news article, so I left it.",
    Status.FAILED: "Sorry, I couldn't explain that link.",
}


@dataclass(frozen=True)
class Answer:
    """The compact reply to one link; `more` means something was left out and "Show all" helps."""

    embeds: list[discord.Embed]
    more: bool


def embeds_size(embeds: Iterable[discord.Embed]) -> int:
    """Characters Discord counts towards its 6,000 per message."""
    return sum(len(e) for e in embeds)


def _more_line(count: int) -> str:
    return f"…and {count} more (Show all)"


def _pack(lines: list[str], cap: int, hidden: int = 0) -> tuple[str, int]:
    """Whole lines up to `cap` characters, then "…and N more"; also returns N."""
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
    return "• " + inert_clip(text, LINE_LIMIT)


def _legal_line(item: LegalItem, full: bool) -> str:
    """`full` (for "Show all") adds why the note matters here and keeps longer citation lists."""
    line = f"• **{inert_clip(item.title, 150)}** — {inert_clip(item.line, 350)}"
    # The compact answer cites the lead authority, as UX.md shows; "Show all" lists every one.
    shown = item.authorities if full else item.authorities[:1]
    if shown:
        line += f" ({inert_clip('; '.join(shown), 500 if full else 250)})"
    if full and item.relevance:
        line += f"\n  ↳ {inert_clip(item.relevance, 350)}"
    return line


def _name(text: str) -> str:
    return inert_clip(text, FIELD_NAME_LIMIT)


def _link_url(link: str | None) -> str | None:
    """Only a plain http(s) URL is set as the embed link (Discord rejects anything else)."""
    if link and _URL.fullmatch(link) and len(link) <= 2000:
        return link
    return None


def _title(digest: Digest, suffix: str = "") -> str:
    return "📰 " + inert_clip(digest.title, TITLE_LIMIT - 2 - len(suffix)) + suffix


def _description(digest: Digest, cap: int) -> str:
    head = [f"*{inert_clip(digest.meta_line, 300)}*"]
    if digest.lead:
        head.append(f"**{inert_clip(digest.lead, 500)}**")
    tail = [f"*{inert_clip(note, 300)}*" for note in digest.notes]
    if not digest.in_short.strip():
        return clip("\n".join(head + tail), cap)
    fixed = sum(len(p) + 1 for p in head + tail)
    label = "**In short:** "
    summary = inert_clip(digest.in_short, max(80, cap - fixed - len(label)))
    return clip("\n".join([*head, label + summary, *tail]), cap)


def _section_field(section: Section, cap: int) -> tuple[str, str, int]:
    value, left = _pack([_bullet(i) for i in section.items], cap, hidden=section.hidden)
    return _name(section.heading), value, left


def _legal_fields(digest: Digest, cap: int) -> tuple[list[tuple[str, str]], int]:
    if digest.legal:
        value, left = _pack([_legal_line(i, full=False) for i in digest.legal], cap)
        return [(_name(digest.legal_heading or "⚖️ Legal context"), value)], left
    note = inert_clip(digest.legal_unavailable or "", cap).strip()
    return ([("⚖️ Legal context", note)] if note else []), 0


def _compact(digest: Digest, link: str | None, value_cap: int, description_cap: int) -> Answer:
    embed = discord.Embed(
        title=_title(digest),
        url=_link_url(link or digest.url),
        colour=COLOUR,
        description=_description(digest, description_cap) or None,
    )
    left = 0
    for section in digest.sections:
        name, value, hidden = _section_field(section, value_cap)
        embed.add_field(name=name, value=value, inline=False)
        left += hidden
    legal, hidden = _legal_fields(digest, value_cap)
    for name, value in legal:
        embed.add_field(name=name, value=value, inline=False)
    left += hidden
    care = inert_clip(digest.care or "", value_cap).strip()
    if care:
        # The care line carries its own "⚠️ Read with care:" label, so the field name stays blank.
        embed.add_field(name="\u200b", value=care, inline=False)
    embed.set_footer(text=clip(digest.footer, FOOTER_BUDGET))
    return Answer(embeds=[embed], more=left > 0)


def render_answer(analysis: Analysis, link: str | None = None, per_section: int = 3) -> Answer:
    """The compact reply: one embed, `per_section` items per section, inside every limit.

    `link` (the link as the service knows it) becomes the embed's URL, which the buttons read back.
    """
    digest = build_digest(analysis, per_section=per_section)
    answer = None
    for value_cap, description_cap in SHRINK_STEPS:
        answer = _compact(digest, link, value_cap, description_cap)
        if embeds_size(answer.embeds) <= TOTAL_LIMIT:
            return answer
    assert answer is not None
    return answer


def _all_fields(digest: Digest) -> list[tuple[str, str]]:
    fields: list[tuple[str, str]] = []
    for section in digest.sections:
        chunks = _chunks([_bullet(i) for i in section.all_items], FIELD_VALUE_LIMIT)
        name = _name(section.heading)
        fields += [
            (name if n == 0 else clip(name, FIELD_NAME_LIMIT - 11) + " (cont.)", c)
            for n, c in enumerate(chunks)
        ]
    if digest.legal:
        name = _name(digest.legal_heading or "⚖️ Legal context")
        chunks = _chunks([_legal_line(i, full=True) for i in digest.legal], FIELD_VALUE_LIMIT)
        fields += [
            (name if n == 0 else clip(name, FIELD_NAME_LIMIT - 11) + " (cont.)", c)
            for n, c in enumerate(chunks)
        ]
    return fields


def render_all(analysis: Analysis, link: str | None = None) -> list[list[discord.Embed]]:
    """Every statement and legal note, as messages of embeds, each message inside every limit."""
    digest = build_digest(analysis, per_section=0)
    first = discord.Embed(title=_title(digest, " — all"), url=_link_url(link or digest.url), colour=COLOUR)
    pages: list[list[discord.Embed]] = [[first]]
    size = len(first)
    for name, value in _all_fields(digest):
        page = pages[-1]
        grow = len(name) + len(value)
        if size + grow > TOTAL_LIMIT:
            pages.append([discord.Embed(colour=COLOUR)])
            page, size = pages[-1], 0
        elif len(page[-1].fields) == FIELDS_PER_EMBED:
            if len(page) == EMBEDS_PER_MESSAGE:
                pages.append([])
                page, size = pages[-1], 0
            page.append(discord.Embed(colour=COLOUR))
        page[-1].add_field(name=name, value=value, inline=False)
        size += grow
    return pages


def render_article_text(text: str, link: str | None = None) -> discord.Embed:
    """ "What I read": the extracted text, trimmed, shown literally."""
    embed = discord.Embed(
        title="What I read",
        url=_link_url(link),
        colour=COLOUR,
        description=inert_clip(text, READ_LIMIT) or None,
    )
    shown = "trimmed" if len(text) > READ_LIMIT else "complete"
    embed.set_footer(text=f"Extracted article text ({len(text.split())} words, {shown})")
    return embed


def render_notice(result: ExplainResult) -> str:
    """The one line sent instead of an answer (errors, refusals, "already explained here")."""
    if result.status is Status.ALREADY_HERE:
        text = result.message or "I explained this link here recently."
        permalink = result.permalink if result.permalink and _PERMALINK.fullmatch(result.permalink) else None
        if permalink is None:
            return inert_clip(text, CONTENT_LIMIT)
        if permalink not in text:
            text = f"{text} {permalink}"
        # The pointer must stay a working link, so only the words around it are escaped.
        before, after = text.split(permalink, 1)
        return clip(inert(before) + permalink + inert(after), CONTENT_LIMIT)
    default = NOTICES.get(result.status, NOTICES[Status.FAILED])
    return "⚠️ " + inert_clip(result.message or default, CONTENT_LIMIT - 2)


def render_text(text: str) -> str:
    """A command's reply as message content: service text, shown literally, within 2,000 characters."""
    return inert_clip(text, CONTENT_LIMIT)


def render_reply_pages(text: str) -> list[str]:
    """A command's reply as messages of at most 2,000 characters, its own markdown and `<#channel>` kept.

    Command replies are the service's text (with a moderator's words in it at most), so only
    pings are broken; AllowedMentions.none() is the second line of defence.
    """
    text = text.replace("@", "@" + ZWSP).replace("<@", "<" + ZWSP + "@")
    return _chunks(text.splitlines(), CONTENT_LIMIT) or ["Done."]
