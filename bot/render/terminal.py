"""The reply plan as terminal text (colour only on a TTY)."""

from __future__ import annotations

import os
from textwrap import TextWrapper
from typing import TextIO

from bot.models import Analysis
from bot.render.plan import MORE_HINT, Block, Line, ReplyPlan, build_plan

BOLD, DIM, RESET = "\033[1m", "\033[2m", "\033[0m"
WIDTH = 88


def _wrap(text: str, indent: str = "", bullet: str = "") -> list[str]:
    wrapper = TextWrapper(
        width=WIDTH,
        initial_indent=indent + bullet,
        subsequent_indent=indent + " " * len(bullet),
        break_long_words=False,  # a long word stays one word (and one link) rather than being cut
        break_on_hyphens=False,
    )
    return wrapper.wrap(text) or [indent + bullet]


def _line(line: Line) -> list[str]:
    if line.bullet:
        return _wrap(line.text, indent=" ", bullet="• ")
    if line.indent:
        return _wrap(line.text, indent="   ")
    return _wrap(line.text)


def block_lines(blocks: list[Block], bold: str = "", reset: str = "") -> list[str]:
    """Blocks as plain lines: headings in `bold` (an ANSI code or empty), a blank line after the lead."""
    out: list[str] = []
    for block in blocks:
        if block.heading:
            out.append(f"{bold}{block.heading}{reset}")
        for line in block.lines:
            out += _line(line)
        if block.role == "summary":
            out.append("")
    return out


def plan_lines(
    plan: ReplyPlan, bold: str = "", dim: str = "", reset: str = "", everything: bool = False
) -> list[str]:
    """The reply as lines; `everything` shows every statement whole instead of the compact reply."""
    lines = [f"{bold}📰 {plan.title}{reset}", f"   {dim}{plan.meta_line}{reset}", ""]
    if everything:
        blocks = plan.head_blocks() + plan.all_blocks()
        blocks += [b for b in plan.blocks() if b.role == "note"]
    else:
        blocks = plan.blocks(hint=MORE_HINT)
    lines += block_lines(blocks, bold, reset)
    lines += ["", f"{dim}{plan.footer}{reset}"]
    return lines


def render_terminal(analysis: Analysis, color: bool = False, everything: bool = False) -> str:
    """The compact reply (or, with `everything`, every statement whole), for a terminal."""
    codes = (BOLD, DIM, RESET) if color else ("", "", "")
    return "\n".join(plan_lines(build_plan(analysis), *codes, everything=everything))


def wants_color(stream: TextIO) -> bool:
    """Colour on a terminal, unless the user set NO_COLOR (https://no-color.org)."""
    return stream.isatty() and not os.environ.get("NO_COLOR")
