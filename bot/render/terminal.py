"""The analysis as terminal text (colour only on a TTY)."""

from __future__ import annotations

from textwrap import TextWrapper

from bot.models import Analysis
from bot.render.digest import Digest, build_digest

BOLD, DIM, RESET = "\033[1m", "\033[2m", "\033[0m"
WIDTH = 88


def _wrap(text: str, indent: str = "", bullet: str = "") -> list[str]:
    wrapper = TextWrapper(
        width=WIDTH, initial_indent=indent + bullet, subsequent_indent=indent + " " * len(bullet)
    )
    return wrapper.wrap(text) or [indent + bullet]


def digest_lines(digest: Digest, bold: str = "", dim: str = "", reset: str = "") -> list[str]:
    """The digest as plain lines; `bold`/`dim`/`reset` are ANSI codes or empty."""
    lines = [f"{bold}📰 {digest.title}{reset}", f"   {dim}{digest.meta_line}{reset}", ""]
    if digest.lead:
        lines += _wrap(digest.lead) + [""]
    lines += _wrap(f"In short: {digest.in_short}") + [""]
    for section in digest.sections:
        lines.append(f"{bold}{section.heading}{reset}")
        for item in section.all_items:
            lines += _wrap(item, indent=" ", bullet="• ")
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


def render_terminal(analysis: Analysis, color: bool = False) -> str:
    """Every statement, grouped by kind, with the legal context and warnings."""
    codes = (BOLD, DIM, RESET) if color else ("", "", "")
    return "\n".join(digest_lines(build_digest(analysis), *codes))
