"""The analysis as terminal text (colour only on a TTY)."""

from __future__ import annotations

import os
from textwrap import TextWrapper
from typing import TextIO

from bot.models import Analysis
from bot.render.digest import Digest, build_digest

BOLD, DIM, RESET = "\033[1m", "\033[2m", "\033[0m"
WIDTH = 88


def _wrap(text: str, indent: str = "", bullet: str = "") -> list[str]:
    wrapper = TextWrapper(
        width=WIDTH, initial_indent=indent + bullet, subsequent_indent=indent + " " * len(bullet)
    )
    return wrapper.wrap(text) or [indent + bullet]


# Said under a section whose other items the compact view leaves out.
MORE_HINT = "… and {hidden} more (--all shows every statement)"


def digest_lines(
    digest: Digest, bold: str = "", dim: str = "", reset: str = "", everything: bool = False
) -> list[str]:
    """The digest as plain lines; `bold`/`dim`/`reset` are ANSI codes or empty; `everything` lists
    every statement instead of the few that matter most."""
    lines = [f"{bold}📰 {digest.title}{reset}", f"   {dim}{digest.meta_line}{reset}", ""]
    if digest.lead:
        lines += _wrap(digest.lead) + [""]
    lines += _wrap(f"In short: {digest.in_short}") + [""]
    for section in digest.sections:
        lines.append(f"{bold}{section.heading}{reset}")
        for item in section.shown(everything):
            lines += _wrap(item, indent=" ", bullet="• ")
        if section.hidden and not everything:
            lines.append(f" {dim}{MORE_HINT.format(hidden=section.hidden)}{reset}")
    if digest.legal_heading:
        lines.append(f"{bold}{digest.legal_heading}{reset}")
        for item in digest.legal:
            cites = f" ({'; '.join(item.authorities)})" if item.authorities else ""
            lines += _wrap(f"{item.title} — {item.line}{cites}", indent=" ", bullet="• ")
            if item.relevance:
                lines += _wrap(f"↳ {item.relevance}", indent="   ")
    elif digest.legal_unavailable:
        lines += _wrap(f"⚖️ {digest.legal_unavailable}")
    if digest.care:
        lines += _wrap(digest.care)
    for note in digest.notes:
        lines += _wrap(f"ℹ️ {note}")
    lines += ["", f"{dim}{digest.footer}{reset}"]
    return lines


def render_terminal(analysis: Analysis, color: bool = False, everything: bool = False) -> str:
    """The statements that matter most (or all of them), grouped by kind, with the legal context and
    warnings."""
    codes = (BOLD, DIM, RESET) if color else ("", "", "")
    return "\n".join(digest_lines(build_digest(analysis), *codes, everything=everything))


def wants_color(stream: TextIO) -> bool:
    """Colour on a terminal, unless the user set NO_COLOR (https://no-color.org)."""
    return stream.isatty() and not os.environ.get("NO_COLOR")
