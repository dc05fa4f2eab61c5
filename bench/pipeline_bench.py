"""Extract + analyse speed per article (median, p95), legal matching share, and peak RSS.

usage: python bench/pipeline_bench.py [PAGES_DIR] [--rounds N]

PAGES_DIR defaults to ../shared/eval/cases when present, else examples/. Fetching is not
timed: pages are read from disk. Targets: ≤ 60 ms median extract + analyse per article;
legal matching + citation guard ≤ 10 ms median.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import time
from pathlib import Path

from bot.engines.local import LocalEngine
from bot.extract import extract_article
from bot.legal.guard import guard_analysis
from bot.legal.matcher import match_legal
from bot.web.decode import decode_body

ROOT = Path(__file__).resolve().parent.parent


def default_pages() -> Path:
    shared = ROOT.parent / "shared" / "eval" / "cases"
    return shared if shared.is_dir() else ROOT / "examples"


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("pages", nargs="?", type=Path, default=default_pages())
    parser.add_argument("--rounds", type=int, default=20)
    args = parser.parse_args()
    pages = [decode_body(p.read_bytes(), None) for p in sorted(args.pages.glob("*.html"))]
    engine = LocalEngine()
    # Warm-up: imports, compiled patterns, the knowledge base and eyecite's tables.
    for html in pages:
        guard_analysis(engine.analyse_sync(extract_article(html, "")))

    extract_ms, analyse_ms, legal_ms, total_ms = [], [], [], []
    for _ in range(args.rounds):
        for html in pages:
            t0 = time.perf_counter()
            article = extract_article(html, "")
            t1 = time.perf_counter()
            analysis = guard_analysis(engine.analyse_sync(article))
            t2 = time.perf_counter()
            match_legal(article, analysis.statements)
            guard_analysis(analysis)
            t3 = time.perf_counter()
            extract_ms.append((t1 - t0) * 1000)
            analyse_ms.append((t2 - t1) * 1000)
            legal_ms.append((t3 - t2) * 1000)
            total_ms.append((t2 - t0) * 1000)

    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"pages={len(pages)} rounds={args.rounds} from {args.pages}")
    for name, values in (
        ("extract", extract_ms),
        ("analyse (incl. legal + guard)", analyse_ms),
        ("legal match + guard", legal_ms),
        ("extract + analyse", total_ms),
    ):
        print(
            f"{name:<30} median {statistics.median(values):7.2f} ms   p95 {percentile(values, 0.95):7.2f} ms"
        )
    print(f"peak RSS {peak_mb:.1f} MB")


if __name__ == "__main__":
    main()
