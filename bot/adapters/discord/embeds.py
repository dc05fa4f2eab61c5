"""The reply plan as Discord embeds, always within Discord's limits, with article text made inert.

The compact answer is one embed laid out from `bot.render.plan` and packed by `bot.render.pack`
(the same packer Slack uses): the verdict and *In short* in the description, a field per part.
"Show all" (`render_all`) pages through every statement whole. Limits are counted in code points,
as Discord counts them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

import discord

from bot.adapters.discord.safety import ZWSP, clip, inert, inert_clip
from bot.models import Analysis
from bot.render.pack import Dialect, Limits, Piece, pack_all, pack_reply
from bot.render.plan import build_plan
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
READ_LIMIT = 3800  # "What I read": room for the note under it
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


DIALECT = Dialect(escape=inert_clip, clip=clip, bold="**", italic="*", expansion=2)
LIMITS = Limits(
    title=TITLE_LIMIT,
    heading=FIELD_NAME_LIMIT,
    text=FIELD_VALUE_LIMIT,
    pieces=FIELDS_PER_EMBED,
    total=TOTAL_LIMIT,
)
# Parts of the plan that read as the embed's description rather than as fields.
DESCRIPTION_ROLES = ("verdict", "summary", "note")


def _link_url(link: str | None) -> str | None:
    """Only a plain http(s) URL is set as the embed link (Discord rejects anything else)."""
    if link and _URL.fullmatch(link) and len(link) <= 2000:
        return link
    return None


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


def _add_field(embed: discord.Embed, piece: Piece) -> None:
    value = piece.text.strip() or ZWSP
    embed.add_field(name=piece.heading or ZWSP, value=value, inline=False)


def render_answer(analysis: Analysis, link: str | None = None) -> Answer:
    """The compact reply as one embed inside every limit, laid out from the shared reply plan.

    `link` (the link as the service knows it) becomes the embed's URL, which the buttons read back.
    """
    plan = build_plan(analysis)
    packed = pack_reply(plan, DIALECT, LIMITS)
    head = [p.text for p in packed.pieces if p.role in DESCRIPTION_ROLES and p.text.strip()]
    description = "\n".join([f"*{packed.meta}*", *head])
    embed = discord.Embed(
        title=packed.title,
        url=_link_url(link or plan.url),
        colour=COLOUR,
        description=clip(description, DESCRIPTION_LIMIT),
    )
    for piece in packed.pieces:
        if piece.role not in DESCRIPTION_ROLES:
            _add_field(embed, piece)
    embed.set_footer(text=clip(packed.footer, FOOTER_LIMIT))
    return Answer(embeds=[embed], more=packed.more)


def render_all(analysis: Analysis, link: str | None = None) -> list[list[discord.Embed]]:
    """ "Show all": every statement whole, every legal topic with its sources, every warning in full.

    One embed per message, each inside every limit; the first carries the title and link.
    """
    plan = build_plan(analysis)
    title = clip("📰 " + inert_clip(plan.title, TITLE_LIMIT) + " — all", TITLE_LIMIT)
    pages = pack_all(plan, DIALECT, LIMITS, reserve=len(title))
    messages = []
    for n, page in enumerate(pages):
        embed = discord.Embed(colour=COLOUR)
        if n == 0:
            embed.title = title
            embed.url = _link_url(link or plan.url)
        for piece in page:
            _add_field(embed, piece)
        if not page:
            embed.description = "Nothing more to show."
        messages.append([embed])
    return messages


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
