"""Scale-out: Slack HTTP-mode bot processes answering a burst of events, on PostgreSQL and on SQLite.

usage: python bench/scale_bench.py [--messages N] [--copies K]

For each setup (1 and 3 processes on PostgreSQL, 1 process on SQLite) this starts real
`footnote run slack` processes (local engine, worker threads), a loopback page server, a fake Slack
Web API and, for PostgreSQL, a server from the `pgserver` wheel. It sends N messages with one new
link each, every message K times to the processes in turn (the copies after the first as Slack
retries), and prints throughput (deliveries per second, from the first send to the last answer) and
the median and p95 latency from a message's first delivery to its answer being posted.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import aiohttp

# The support servers live with the tests; this script is run from a checkout, not installed.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from support.fake_slack_api import TEAM, FakeSlackApi  # noqa: E402
from support.page_server import PageServer  # noqa: E402
from support.postgres import PostgresServer  # noqa: E402
from support.slack_replicas import Replica, deliver, event_body, open_channel, replica_env  # noqa: E402

from bot.service.store_factory import make_store  # noqa: E402

CHANNEL, MEMBER = "C0BENCH", "U0MEMBER"
DONE = "white_check_mark"


class TimedSlackApi(FakeSlackApi):
    """The fake Web API, noting when each message was marked ✅ (its answer posted)."""

    def __init__(self) -> None:
        super().__init__()
        self.answered_at: dict[str, float] = {}

    async def _record(self, kind: str, name: str, payload: dict[str, Any]) -> None:
        if name == "reactions.add" and payload.get("name") == DONE:
            self.answered_at.setdefault(str(payload.get("timestamp")), time.monotonic())
        await super()._record(kind, name, payload)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


async def prepare(db: str) -> None:
    """Auto mode on and room in the limits: the bench measures throughput, not the rate limits."""
    from bot.config import Settings

    store = make_store(Settings(_env_file=None, FOOTNOTE_DB=db))
    await store.start()
    await open_channel(store, TEAM, CHANNEL)
    await store.close()


async def run_setup(label: str, db: str, processes: int, messages: int, copies: int, folder: Path) -> str:
    """One burst against `processes` bot processes on `db`; a line of figures."""
    await prepare(db)
    async with TimedSlackApi() as api, PageServer() as pages:
        env = replica_env(db, api.api_url, FOOTNOTE_LOG_LEVEL="WARNING")
        name = label.replace(" ", "-").replace(",", "")
        replicas = [Replica(f"{name}-{n}", env, folder) for n in range(processes)]
        try:
            for replica in replicas:
                replica.start()
            await asyncio.gather(*(replica.ready() for replica in replicas))
            sent_at: dict[str, float] = {}
            slug = label.replace(" ", "-").replace(",", "")
            gate = asyncio.Semaphore(25)

            async def one(session: aiohttp.ClientSession, i: int, copy: int) -> None:
                ts = f"1800000000.{i + 1:06d}"
                event = {
                    "type": "message",
                    "channel": CHANNEL,
                    "user": MEMBER,
                    "text": f"read {pages.url(f'/news/{slug}-{i}')}",
                    "ts": ts,
                }
                async with gate:
                    sent_at.setdefault(ts, time.monotonic())
                    replica = replicas[(i + copy) % processes]
                    await deliver(session, replica.url, event_body(TEAM, f"Ev{i}", event), copy)

            started = time.monotonic()
            async with aiohttp.ClientSession() as session:
                await asyncio.gather(
                    *(one(session, i, copy) for copy in range(copies) for i in range(messages))
                )
            await api.wait_for(lambda: len(api.answered_at) >= messages, timeout=600)
            elapsed = max(api.answered_at.values()) - started
        finally:
            for replica in replicas:
                replica.stop()
    latencies = [api.answered_at[ts] - sent for ts, sent in sent_at.items()]
    posts = len(api.calls_to("chat.postMessage"))
    return (
        f"{label:<24} {messages * copies / elapsed:7.1f} events/s"
        f"   median {statistics.median(latencies):5.2f} s   p95 {percentile(latencies, 0.95):5.2f} s"
        f"   ({messages * copies} events, {posts} replies)"
    )


async def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--messages", type=int, default=60, help="distinct messages, one new link each")
    parser.add_argument("--copies", type=int, default=2, help="deliveries of each message")
    args = parser.parse_args()
    server = PostgresServer()
    try:
        with tempfile.TemporaryDirectory(prefix="footnote-scale-") as scratch:
            folder = Path(scratch)
            setups = [
                ("PostgreSQL, 1 process", await server.fresh_database(), 1),
                ("PostgreSQL, 3 processes", await server.fresh_database(), 3),
                ("SQLite, 1 process", f"sqlite:///{folder / 'footnote.sqlite3'}", 1),
            ]
            for label, db, processes in setups:
                print(await run_setup(label, db, processes, args.messages, args.copies, folder), flush=True)
    finally:
        server.stop()


if __name__ == "__main__":
    asyncio.run(main())
