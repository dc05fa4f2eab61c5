"""Where the CPU-bound steps (extraction, the offline engine, the citation guard) run.

Threads keep the event loop free of the work itself, but not of the GIL: with several articles in
flight the loop waits its turn and every chat stalls. A running bot therefore uses worker
processes; one-shot commands and tests use threads, which start at once and share the caller's
objects.

Every job has a deadline. A process running past it is killed and replaced, so a hostile page can
hold a worker for seconds, never for hours; a thread cannot be killed, so it is abandoned (daemon
threads never keep a stopping process alive). Worker processes die with the bot: a parent-death
signal on Linux, and a watchdog thread everywhere, end a worker whose bot is gone.
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import logging
import multiprocessing
import os
import signal
import sys
import threading
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from multiprocessing.process import BaseProcess
from typing import Any, Protocol, TypeVar

from bot import errors
from bot.config import Settings
from bot.pipeline import warm_up
from bot.service.deadline import JOB_DEADLINE

log = logging.getLogger(__name__)

T = TypeVar("T")

PR_SET_PDEATHSIG = 1  # from <sys/prctl.h>
START_DEADLINE = 120.0  # a fresh worker's imports and warm-up, on a busy machine
WATCHDOG_PERIOD = 1.0
JOIN_SECONDS = 5.0  # a SIGKILLed process is gone in milliseconds; this only bounds a wedged kernel


class Workers(Protocol):
    """Runs a picklable function of picklable arguments off the event loop, within a deadline."""

    # Whether these workers serve a long-running bot, which warms every step up at start; a one-shot
    # command would only wait longer for its single answer.
    warm: bool

    async def start(self) -> None:
        """Get ready (processes are started and warmed up here, not on the first article)."""
        ...

    async def run(self, fn: Callable[..., T], *args: Any) -> T:
        """`fn(*args)`, away from the event loop; `errors.TookTooLong` past the deadline."""
        ...

    async def close(self) -> None:
        """Release the workers (the service has drained its work first)."""
        ...


class ThreadWorkers:
    """Daemon threads: for one-shot commands and tests, or a bot told to use no processes."""

    def __init__(self, warm: bool = False, deadline: float = JOB_DEADLINE) -> None:
        self.warm = warm
        self.deadline = deadline

    async def start(self) -> None:
        """Warm up the steps in this process, when serving a bot."""
        if self.warm:
            await self.run(warm_up)

    async def run(self, fn: Callable[..., T], *args: Any) -> T:
        """`fn(*args)` on a daemon thread of its own; abandoned (still running) past the deadline."""
        loop = asyncio.get_running_loop()
        done: asyncio.Future[T] = loop.create_future()
        thread = threading.Thread(target=_run_job, args=(loop, done, fn, args), daemon=True)
        thread.start()
        try:
            return await asyncio.wait_for(done, self.deadline)
        except TimeoutError:
            log.warning("a %s job ran past %.0f s; answering without it", _name(fn), self.deadline)
            raise errors.TookTooLong() from None

    async def close(self) -> None:
        """Nothing to release: abandoned threads are daemons."""


def _run_job(
    loop: asyncio.AbstractEventLoop, done: asyncio.Future[Any], fn: Callable[..., Any], args: Any
) -> None:
    """Run one job on its thread and hand the outcome to the event loop (if it is still there)."""
    try:
        outcome, failure = fn(*args), None
    except BaseException as exc:  # handed over whole: the awaiting coroutine re-raises it
        outcome, failure = None, exc
    # The loop may have closed while the job ran (the command was stopped): then nobody is waiting.
    with contextlib.suppress(RuntimeError):
        loop.call_soon_threadsafe(_settle, done, outcome, failure)


def _settle(done: asyncio.Future[Any], outcome: Any, failure: BaseException | None) -> None:
    if done.done():  # timed out or cancelled meanwhile
        return
    if failure is not None:
        done.set_exception(failure)
    else:
        done.set_result(outcome)


class ProcessWorkers:
    """`count` worker processes, started fresh (spawn) and warmed up before any article.

    Each process is a one-process pool of its own, so a job past its deadline kills only its own
    worker; jobs queue here for the next idle worker.
    """

    warm = True  # processes are only worth starting for a running bot

    def __init__(self, count: int, deadline: float = JOB_DEADLINE) -> None:
        self.count = max(1, count)
        self.deadline = deadline
        self._idle: asyncio.Queue[ProcessPoolExecutor] = asyncio.Queue()
        self._pools = [self._new_pool() for _ in range(self.count)]
        for pool in self._pools:
            self._idle.put_nowait(pool)
        self._closed = False
        self._warming: set[asyncio.Task[None]] = set()  # replacements starting up (kept referenced)

    def _new_pool(self) -> ProcessPoolExecutor:
        # spawn, not fork: the bot process has threads (database, executors) a fork would copy mid-step.
        # Processes start on the first job, from the event loop's thread (the main one), which the
        # parent-death signal is tied to.
        return ProcessPoolExecutor(
            1,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_worker_start,
            initargs=(os.getpid(),),
        )

    async def start(self) -> None:
        """Start every worker now, so the first articles do not wait for imports and warm-up."""
        pools = [await self._idle.get() for _ in range(self.count)]
        await asyncio.gather(*(self._warm(pool) for pool in pools))
        log.info("%d worker processes ready", self.count)

    async def _warm(self, pool: ProcessPoolExecutor) -> None:
        """Start a pool's worker (imports and warm-up are not a job: no job deadline), then offer it."""
        try:
            await self._run_in(pool, _ready, (), START_DEADLINE)
        except (TimeoutError, BrokenProcessPool):
            log.warning("a worker process was slow to start; it gets the next job anyway")
        finally:
            self._idle.put_nowait(pool)

    async def run(self, fn: Callable[..., T], *args: Any) -> T:
        """`fn(*args)` in the next idle worker: killed and replaced past the deadline, retried if it died."""
        if self._closed:
            raise RuntimeError("the workers are closed")
        pool = await self._idle.get()
        replaced = False
        try:
            try:
                return await self._run_in(pool, fn, args, self.deadline)
            except BrokenProcessPool:
                log.warning("a worker process died; starting a new one and retrying")
                pool, replaced = self._replace(pool), True
                return await self._run_in(pool, fn, args, self.deadline)
        except TimeoutError:
            log.warning("a %s job ran past %.0f s; killing its worker", _name(fn), self.deadline)
            pool, replaced = self._replace(pool), True
            raise errors.TookTooLong() from None
        except asyncio.CancelledError:
            pool, replaced = self._replace(pool), True  # the job would run on for nobody: stop it
            raise
        finally:
            if replaced and not self._closed:
                self._warming.add(asyncio.get_running_loop().create_task(self._warm(pool)))
                self._warming = {task for task in self._warming if not task.done()}
            else:
                self._idle.put_nowait(pool)

    @staticmethod
    async def _run_in(pool: ProcessPoolExecutor, fn: Callable[..., T], args: Any, deadline: float) -> T:
        loop = asyncio.get_running_loop()
        return await asyncio.wait_for(loop.run_in_executor(pool, fn, *args), deadline)

    def _replace(self, pool: ProcessPoolExecutor) -> ProcessPoolExecutor:
        _kill(pool)
        fresh = self._new_pool()
        self._pools = [fresh if p is pool else p for p in self._pools]
        return fresh

    async def close(self) -> None:
        """Stop every worker process now: the service has drained its work (or given up on it)."""
        self._closed = True
        for task in self._warming:
            task.cancel()
        killed = [process for pool in self._pools for process in _kill(pool)]
        await asyncio.to_thread(_join, killed)


def _kill(pool: ProcessPoolExecutor) -> list[BaseProcess]:
    """Kill a pool's process (a job past its deadline ignores anything gentler) and drop the pool."""
    # `_processes` is the executor's own pid → Process map; there is no public way to reach a worker.
    processes = list((getattr(pool, "_processes", None) or {}).values())
    for process in processes:
        if process.is_alive():
            process.kill()
    pool.shutdown(wait=False, cancel_futures=True)
    return processes


def _join(processes: list[BaseProcess]) -> None:
    """Reap killed workers, so that none is left behind when close returns."""
    for process in processes:
        process.join(JOIN_SECONDS)


def _worker_start(parent: int) -> None:
    """In each worker: die with the bot, leave stop signals to it (it drains first), warm up."""
    _die_with_parent(parent)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    warm_up()


def _die_with_parent(parent: int) -> None:
    """Exit when the bot process is gone, even after SIGKILL, which it cannot handle itself."""
    if sys.platform == "linux":
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:  # the bot died before the signal was armed
        os._exit(1)
    threading.Thread(target=_watch_parent, args=(parent,), daemon=True, name="footnote-watchdog").start()


def _watch_parent(parent: int) -> None:
    """Where there is no parent-death signal: a worker re-parented away from the bot exits."""
    while os.getppid() == parent:
        time.sleep(WATCHDOG_PERIOD)
    os._exit(1)


def _ready() -> bool:
    """A no-op job that makes a pool start its worker (which runs `_worker_start` first)."""
    return True


def _name(fn: Callable[..., Any]) -> str:
    return getattr(fn, "__name__", type(fn).__name__)


def bot_workers(settings: Settings) -> Workers:
    """What a running bot uses: `FOOTNOTE_WORKER_PROCESSES` processes, or threads when it is 0."""
    if settings.worker_processes:
        return ProcessWorkers(settings.worker_processes)
    return ThreadWorkers(warm=True)
