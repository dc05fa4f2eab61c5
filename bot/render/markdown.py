"""The analysis as Markdown (for `--format markdown`, issue comments, docs)."""

from __future__ import annotations

import re

from bot.models import Analysis
from bot.render.digest import build_digest
from bot.render.terminal import MORE_HINT

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>|#])")


def escape_markdown(text: str) -> str:
    """Article text shown literally: no emphasis, links, HTML or tables from it."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text)


def render_markdown(analysis: Analysis, everything: bool = False) -> str:
    """Headings per section, a bullet for each statement that matters most (or for every one with
    `everything`), citations in italics."""
    d = build_digest(analysis)
    e = escape_markdown
    title = f"[{e(d.title)}]({d.url})" if d.url.startswith(("http://", "https://")) else e(d.title)
    out = [f"### 📰 {title}", f"*{e(d.meta_line)}*", ""]
    if d.lead:
        out += [f"**{e(d.lead)}**", ""]
    out += [f"**In short:** {e(d.in_short)}", ""]
    for section in d.sections:
        out.append(f"**{e(section.heading)}**")
        out += [f"- {e(item)}" for item in section.shown(everything)]
        if section.hidden and not everything:
            out.append(f"- *{e(MORE_HINT.format(hidden=section.hidden))}*")
        out.append("")
    if d.legal_heading:
        out.append(f"**{e(d.legal_heading)}**")
        for item in d.legal:
            cites = f" (*{e('; '.join(item.authorities))}*)" if item.authorities else ""
            out.append(f"- **{e(item.title)}** — {e(item.line)}{cites}")
            if item.relevance:
                out.append(f"  ↳ {e(item.relevance)}")
        out.append("")
    elif d.legal_unavailable:
        out += [f"⚖️ {e(d.legal_unavailable)}", ""]
    if d.care:
        out += [e(d.care), ""]
    out += [f"ℹ️ {e(n)}" for n in d.notes]
    out.append(f"<sub>{e(d.footer)}</sub>")
    return "\n".join(out)
