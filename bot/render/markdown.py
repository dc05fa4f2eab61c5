"""The reply plan as Markdown (for `--format markdown`, issue comments, docs)."""

from __future__ import annotations

import re

from bot.models import Analysis
from bot.render.plan import MORE_HINT, Block, Line, build_plan

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>|#~])")
_MARK = {"": "{}", "bold": "**{}**", "italic": "*{}*"}


def escape_markdown(text: str) -> str:
    """Article text shown literally: no emphasis, links, HTML or tables from it."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", " ".join(text.split()))


def _line(line: Line) -> str:
    text = "".join(_styled(s.text, s.style) for s in line.spans)
    if line.bullet:
        return f"- {text}"
    return f"  {text}" if line.indent else text


def _styled(text: str, style: str) -> str:
    """Markup around the words only, since `** x**` is not bold in CommonMark."""
    stripped = text.strip()
    if not stripped:
        return text
    lead, trail = text[: len(text) - len(text.lstrip())], text[len(text.rstrip()) :]
    return lead + _MARK[style].format(escape_markdown(stripped)) + trail


def _blocks(blocks: list[Block]) -> list[str]:
    out: list[str] = []
    for block in blocks:
        if block.heading:
            out.append(f"**{escape_markdown(block.heading)}**")
        out += [_line(line) for line in block.lines]
        out.append("")
    return out


def render_markdown(analysis: Analysis, everything: bool = False) -> str:
    """The compact reply (or, with `everything`, every statement whole) as Markdown."""
    plan = build_plan(analysis)
    e = escape_markdown
    title = (
        f"[{e(plan.title)}]({plan.url})" if plan.url.startswith(("http://", "https://")) else e(plan.title)
    )
    out = [f"### 📰 {title}", f"*{e(plan.meta_line)}*", ""]
    if everything:
        blocks = plan.head_blocks() + plan.all_blocks() + [b for b in plan.blocks() if b.role == "note"]
    else:
        blocks = plan.blocks(hint=MORE_HINT)
    out += _blocks(blocks)
    out.append(f"<sub>{e(plan.footer)}</sub>")
    return "\n".join(out)
