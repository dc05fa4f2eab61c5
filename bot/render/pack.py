"""Packing a reply plan into size-limited chat pieces: Discord's embeds and Slack's blocks share this.

A `Dialect` says how a platform escapes untrusted text and marks bold and italic; `Limits` says how
much one piece (a Discord field, a Slack section), one message and one line may hold. `pack_reply`
fits the compact reply into one message, shortening lines until it fits; `pack_all` pages "Show all"
into as many messages as it takes, splitting long text rather than cutting it, so every statement
is shown whole.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from bot.render.plan import Block, Line, ReplyPlan, Span

# Line budgets (characters after escaping) tried in turn until the compact reply fits its message.
SHRINK_STEPS = (1000, 600, 400, 250, 150, 100, 60)
CONTINUED = " (cont.)"


@dataclass(frozen=True)
class Dialect:
    """How one platform shows untrusted text literally and marks it up."""

    escape: Callable[[str, int], str]  # plain text → inert markup of at most `limit` characters
    clip: Callable[[str, int], str]  # inert markup cut to `limit` characters without breaking it
    bold: str
    italic: str
    expansion: int  # the most characters escaping turns one character into

    def span(self, span: Span, limit: int) -> str:
        """One span escaped within `limit` characters, marked up around its words only."""
        text = span.text
        if not span.style or not text.strip():
            return self.escape(text, limit)
        mark = self.bold if span.style == "bold" else self.italic
        lead = " " if text[:1].isspace() else ""
        trail = " " if text[-1:].isspace() else ""
        inner = self.escape(text.strip(), max(1, limit - 2 * len(mark) - len(lead) - len(trail)))
        return f"{lead}{mark}{inner}{mark}{trail}"

    def line(self, line: Line, limit: int) -> str:
        """A bullet or indented line, each of its spans sharing `limit`."""
        prefix = "• " if line.bullet else ("    " if line.indent else "")
        return self.clip(
            prefix + "".join(self.span(s, n) for s, n in _shares(line, limit - len(prefix))), limit
        )


def _shares(line: Line, room: int) -> list[tuple[Span, int]]:
    """Characters for each span: short spans (labels, sources) get all they need, long ones share the rest."""
    shares: dict[int, int] = {}
    left, waiting = room, sorted(range(len(line.spans)), key=lambda n: len(line.spans[n].text))
    for place, n in enumerate(waiting):
        fair = max(8, left // (len(waiting) - place))
        shares[n] = min(fair, len(line.spans[n].text) * 2 + 8)  # escaping may double a span
        left -= shares[n]
    return [(span, shares[n]) for n, span in enumerate(line.spans)]


@dataclass(frozen=True)
class Limits:
    """What one platform accepts, in characters as it counts them."""

    title: int  # the reply's title
    heading: int  # a piece's heading (Discord field name)
    text: int  # a piece's text (Discord field value, Slack section text)
    pieces: int  # pieces in one message (fields in an embed, blocks in a message)
    total: int  # all text in one message


@dataclass(frozen=True)
class Piece:
    """One packed part of a reply: an escaped heading (or None) and escaped text, and what it is."""

    role: str
    heading: str | None
    text: str

    def size(self) -> int:
        """Characters it adds to a message."""
        return len(self.heading or "") + len(self.text)


@dataclass(frozen=True)
class Packed:
    """The compact reply, escaped and within every limit."""

    title: str
    meta: str
    pieces: list[Piece]
    footer: str
    more: bool

    def size(self) -> int:
        """Characters of text in the message."""
        return len(self.title) + len(self.meta) + len(self.footer) + sum(p.size() for p in self.pieces)


def _pieces(blocks: list[Block], dialect: Dialect, limits: Limits, line_cap: int) -> list[Piece]:
    pieces = []
    for block in blocks:
        heading = dialect.escape(block.heading, min(limits.heading, line_cap)) if block.heading else None
        lines = [dialect.line(line, min(line_cap, limits.text)) for line in block.lines]
        text = dialect.clip("\n".join(lines), limits.text)
        pieces.append(Piece(block.role, heading, text))
    return pieces


def pack_reply(plan: ReplyPlan, dialect: Dialect, limits: Limits, reserve: int = 0) -> Packed:
    """The compact reply in one message; `reserve` is room the adapter needs for its own text."""
    packed = None
    for line_cap in SHRINK_STEPS:
        packed = Packed(
            title=dialect.clip("📰 " + dialect.escape(plan.title, limits.title), limits.title),
            meta=dialect.escape(plan.meta_line, min(line_cap, 300)),
            pieces=_pieces(plan.blocks(), dialect, limits, line_cap),
            footer=dialect.escape(plan.footer, min(line_cap, 300)),
            more=plan.more,
        )
        if packed.size() + reserve <= limits.total:
            return packed
    assert packed is not None
    return packed


def _split(text: str, size: int) -> list[str]:
    """Plain text in parts of at most `size` characters, cut at spaces where there are some."""
    parts = []
    while len(text) > size:
        cut = text.rfind(" ", size // 2, size)
        cut = cut if cut > 0 else size
        parts.append(text[:cut])
        text = text[cut:].lstrip(" ")
    return [*parts, text] if text or not parts else parts


def _whole_lines(line: Line, dialect: Dialect, cap: int) -> list[str]:
    """A line escaped in full: a span too long for one piece continues on the next lines."""
    whole = dialect.line(line, len(line.text) * dialect.expansion + 16)
    if len(whole) <= cap:
        return [whole]
    size = max(20, cap // dialect.expansion - 8)
    out = []
    for span in line.spans:
        for n, part in enumerate(_split(span.text, size)):
            bullet = line.bullet and not out and n == 0
            out.append(dialect.line(Line((Span(part, span.style),), bullet=bullet, indent=not bullet), cap))
    return out


def pack_all(plan: ReplyPlan, dialect: Dialect, limits: Limits, reserve: int = 0) -> list[list[Piece]]:
    """ "Show all" as messages of pieces; every statement's text is there in full, split if it must be."""
    pieces: list[Piece] = []
    for block in plan.all_blocks():
        heading = dialect.escape(block.heading, limits.heading - len(CONTINUED)) if block.heading else None
        chunk: list[str] = []
        for line in block.lines:
            for text in _whole_lines(line, dialect, limits.text):
                if chunk and len("\n".join([*chunk, text])) > limits.text:
                    pieces.append(
                        Piece(block.role, _continued(heading, pieces, block.role), "\n".join(chunk))
                    )
                    chunk = []
                chunk.append(text)
        if chunk:
            pieces.append(Piece(block.role, _continued(heading, pieces, block.role), "\n".join(chunk)))
    pages: list[list[Piece]] = [[]]
    size = reserve
    for piece in pieces:
        if pages[-1] and (size + piece.size() > limits.total or len(pages[-1]) >= limits.pieces):
            pages.append([])
            size = reserve
        pages[-1].append(piece)
        size += piece.size()
    return pages


def _continued(heading: str | None, before: list[Piece], role: str) -> str | None:
    """The heading, marked "(cont.)" when the same block already has a piece."""
    if heading is None:
        return None
    if before and before[-1].role == role and before[-1].heading in (heading, heading + CONTINUED):
        return heading + CONTINUED
    return heading
