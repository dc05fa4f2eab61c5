"""Service speed: a cache hit end to end, and 50 concurrent new links with the event loop's worst stall.

usage: python bench/service_bench.py [--hits N] [--links N] [PAGES_DIR]

Runs against a temporary SQLite file, a local page server and the local engine. The 50 links serve
real news pages from PAGES_DIR (default ../shared/eval/cases when present, else examples/), each
under its own link, so every one is fetched, extracted and analysed. Targets: cache hit median
≤ 20 ms; worst event-loop stall ≤ 50 ms while the links are explained (measured by a ticker task that
records how late it wakes up), starting right after the service starts.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

from bot.config import Settings
from bot.service.service import ExplainService
from bot.service.types import Status, Where, Who
from bot.service.workers import bot_workers

# The page server lives with the tests; this script is run from a checkout, not installed.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from support.page_server import PageServer  # noqa: E402

TICK = 0.005


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


async def ticker(worst: list[float], stop: asyncio.Event) -> None:
    """Wake every TICK seconds and keep the largest lateness seen."""
    while not stop.is_set():
        expected = time.perf_counter() + TICK
        await asyncio.sleep(TICK)
        worst[0] = max(worst[0], time.perf_counter() - expected)


def where(i: int) -> Where:
    # A channel and message per request, so "already explained here", claims and limits never refuse.
    return Where(platform="discord", workspace="bench", channel=f"c{i}", message_id=f"m{i}")


async def cache_hits(service: ExplainService, pages: PageServer, count: int) -> list[float]:
    link = pages.url("/news/cached-story")
    first = await service.explain(link, where(-1), Who(user_id="u-1"))
    assert first.status == Status.OK, first
    timings = []
    for i in range(count):
        started = time.perf_counter()
        result = await service.explain(link, where(i), Who(user_id=f"u{i}"))
        timings.append((time.perf_counter() - started) * 1000)
        assert result.status == Status.CACHED, result
    return timings


async def concurrent_links(
    service: ExplainService, pages: PageServer, count: int, html: list[str]
) -> tuple[float, float, int]:
    for i in range(count):
        pages.pages[f"story-{i}"] = html[i % len(html)]
    worst = [0.0]
    stop = asyncio.Event()
    tick = asyncio.create_task(ticker(worst, stop))
    await asyncio.sleep(TICK * 4)
    started = time.perf_counter()
    results = await asyncio.gather(
        *(
            service.explain(pages.url(f"/page/story-{i}"), where(10_000 + i), Who(user_id=f"w{i}"))
            for i in range(count)
        )
    )
    elapsed = time.perf_counter() - started
    stop.set()
    await tick
    return elapsed, worst[0] * 1000, sum(r.status == Status.OK for r in results)


def default_pages() -> Path:
    root = Path(__file__).resolve().parent.parent
    shared = root.parent / "shared" / "eval" / "cases"
    return shared if shared.is_dir() else root / "examples"


async def run(hits: int, links: int, pages_dir: Path) -> None:
    html = [p.read_text(encoding="utf-8", errors="replace") for p in sorted(pages_dir.glob("*.html"))]
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(
            FOOTNOTE_DB=str(Path(tmp) / "bench.sqlite3"),
            FOOTNOTE_ENGINE="local",
            FOOTNOTE_ALLOW_PRIVATE_NETWORKS=True,
        )
        # Worker processes, as `footnote run` uses them (FOOTNOTE_WORKER_PROCESSES, 0 = threads).
        workers = bot_workers(settings)
        async with PageServer() as pages, ExplainService(settings, workers=workers) as service:
            await service.command("budget requests 100000", where(0), Who(user_id="bench", is_moderator=True))
            elapsed, stall, ok = await concurrent_links(service, pages, links, html)
            print(
                f"{links} concurrent new links ({len(html)} pages from {pages_dir}): {ok} explained in "
                f"{elapsed:.2f} s (max {settings.max_concurrent_analyses} analyses at once, "
                f"{settings.worker_processes or 'no'} worker processes); "
                f"worst event-loop stall {stall:.1f} ms (target ≤ 50 ms)"
            )
            timings = await cache_hits(service, pages, hits)
            print(
                f"cache hit end to end: median {statistics.median(timings):.2f} ms, "
                f"p95 {percentile(timings, 0.95):.2f} ms over {hits} requests (target median ≤ 20 ms)"
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--hits", type=int, default=200)
    parser.add_argument("--links", type=int, default=50)
    parser.add_argument("pages", nargs="?", type=Path, default=default_pages())
    args = parser.parse_args()
    asyncio.run(run(args.hits, args.links, args.pages))


if __name__ == "__main__":
    main()
