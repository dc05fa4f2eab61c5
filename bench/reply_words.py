"""Words in the default reply per case and platform (terminal, Markdown, Discord embeds, Slack blocks).

usage: python bench/reply_words.py [CASES_DIR ...]

Without arguments it reads the project's own pages: tests/fixtures/pages, examples/ and eval/cases
(every *.html below each folder). Each page is extracted and analysed offline, then rendered for
every platform; a word is a run of non-space holding a letter or digit, counted on the text a reader
sees (markup and escaping removed; Slack counts every text in its blocks, buttons included).
Target (issue 14): every figure ≤ 230.
"""

from __future__ import annotations

import argparse
import statistics
import sys
from pathlib import Path

from bot import errors
from bot.adapters.reply_text import PLATFORMS, compact_texts
from bot.engines.local import LocalEngine
from bot.extract import extract_article
from bot.pipeline import offline_analysis
from bot.render.quotes import count_words
from bot.web.source import read_local_page

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DIRS = (ROOT / "tests" / "fixtures" / "pages", ROOT / "examples", ROOT / "eval" / "cases")
TARGET = 230


def main() -> int:
    """Print one row per case and a summary line; exit 1 when a reply is over the target."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dirs", nargs="*", type=Path, help="folders of *.html pages")
    args = parser.parse_args()
    pages = sorted(p for d in (args.dirs or DEFAULT_DIRS) if d.is_dir() for p in d.rglob("*.html"))
    engine = LocalEngine()
    print(f"{'case':48} " + " ".join(f"{p:>9}" for p in PLATFORMS))
    counts: dict[str, list[int]] = {p: [] for p in PLATFORMS}
    for page in pages:
        try:
            analysis = offline_analysis(engine, extract_article(read_local_page(page), ""))
        except errors.FootnoteError as exc:
            print(
                f"{page.stem[:48]:48} (no reply: {exc.kind if hasattr(exc, 'kind') else type(exc).__name__})"
            )
            continue
        row = {p: count_words(t) for p, t in compact_texts(analysis).items()}
        for platform, n in row.items():
            counts[platform].append(n)
        print(f"{page.stem[:48]:48} " + " ".join(f"{row[p]:>9}" for p in PLATFORMS))
    if not counts["terminal"]:
        print("no cases found")
        return 1
    for label, pick in (("median", statistics.median), ("max", max)):
        print(f"{label:48} " + " ".join(f"{pick(counts[p]):>9.0f}" for p in PLATFORMS))
    over = sum(n > TARGET for values in counts.values() for n in values)
    print(f"{len(counts['terminal'])} cases; replies over {TARGET} words: {over}")
    return 1 if over else 0


if __name__ == "__main__":
    sys.exit(main())
