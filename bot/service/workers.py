"""Where the CPU-bound steps (extraction, the offline engine, the citation guard) run.

Threads keep the event loop free of the work itself, but not of the GIL: with several articles in
flight the loop waits its turn and every chat stalls. A running bot therefore uses worker
processes; one-shot commands and tests use threads, which start at once and share the caller's
objects.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import signal
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any, Protocol, TypeVar

from bot.config import Settings
from bot.pipeline import warm_up

log = logging.getLogger(__name__)

T = TypeVar("T")


class Workers(Protocol):
    """Runs a picklable function of picklable arguments off the event loop."""

    # Whether these workers serve a long-running bot, which warms every step up at start; a one-shot
    # command would only wait longer for its single answer.
    warm: bool

    async def start(self) -> None:
        """Get ready (processes are started and warmed up here, not on the first article)."""
        ...

    async def run(self, fn: Callable[..., T], *args: Any) -> T:
        """`fn(*args)`, away from the event loop."""
        ...

    async def close(self) -> None:
        """Let running work finish, then release the workers."""
        ...


class ThreadWorkers:
    """The default thread pool: for one-shot commands and tests, or a bot told to use no processes."""

    def __init__(self, warm: bool = False) -> None:
        self.warm = warm

    async def start(self) -> None:
        """Warm up the steps in this process, when serving a bot."""
        if self.warm:
            await asyncio.to_thread(warm_up)

    async def run(self, fn: Callable[..., T], *args: Any) -> T:
        """`fn(*args)` on a worker thread."""
        return await asyncio.to_thread(fn, *args)

    async def close(self) -> None:
        """Nothing to release."""


class ProcessWorkers:
    """A pool of `count` worker processes, started fresh (spawn) and warmed up before any article."""

    warm = True  # processes are only worth starting for a running bot

    def __init__(self, count: int) -> None:
        self.count = max(1, count)
        self._pool = self._new_pool()

    def _new_pool(self) -> ProcessPoolExecutor:
        # spawn, not fork: the bot process has threads (database, executors) a fork would copy mid-step.
        return ProcessPoolExecutor(
            self.count, mp_context=multiprocessing.get_context("spawn"), initializer=_worker_start
        )

    async def start(self) -> None:
        """Start every worker now, so the first articles do not wait for imports and warm-up."""
        loop = asyncio.get_running_loop()
        await asyncio.gather(*(loop.run_in_executor(self._pool, _ready) for _ in range(self.count)))
        log.info("%d worker processes ready", self.count)

    async def run(self, fn: Callable[..., T], *args: Any) -> T:
        """`fn(*args)` in a worker process; a pool that lost a worker (killed, crashed) is replaced once."""
        loop = asyncio.get_running_loop()
        try:
            return await loop.run_in_executor(self._pool, fn, *args)
        except BrokenProcessPool:
            log.warning("a worker process died; starting new workers and retrying")
            broken, self._pool = self._pool, self._new_pool()
            broken.shutdown(wait=False)
            return await loop.run_in_executor(self._pool, fn, *args)

    async def close(self) -> None:
        """Wait for running work, then stop the processes."""
        await asyncio.to_thread(self._pool.shutdown, True)


def _worker_start() -> None:
    """In each worker: leave stop signals to the bot process, which drains the work first; warm up."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    warm_up()


def _ready() -> bool:
    """A no-op job that makes the pool start a worker (which runs `warm_up` first)."""
    return True


def bot_workers(settings: Settings) -> Workers:
    """What a running bot uses: `FOOTNOTE_WORKER_PROCESSES` processes, or threads when it is 0."""
    if settings.worker_processes:
        return ProcessWorkers(settings.worker_processes)
    return ThreadWorkers(warm=True)
