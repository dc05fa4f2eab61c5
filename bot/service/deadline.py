"""The job deadline, and a synchronous way to keep to it for one-shot commands (no event loop needed)."""

from __future__ import annotations

import logging
import signal
import threading
from collections.abc import Callable
from typing import Any, TypeVar

from bot import errors

log = logging.getLogger(__name__)

T = TypeVar("T")

JOB_DEADLINE = 30.0  # seconds; linear-time steps take well under one on the largest page we fetch


class _PastDeadline(BaseException):
    """Raised inside the job by the timer signal; not an Exception, so no `except Exception` swallows it."""


def run_within(fn: Callable[..., T], *args: Any, deadline: float = JOB_DEADLINE) -> T:
    """`fn(*args)`, or `errors.TookTooLong` past the deadline; Ctrl-C interrupts either way.

    On the main thread of a process with timer signals the job runs right there and a timer ends it:
    lxml reads a page parsed on another thread about a quarter slower. Elsewhere the job runs on a
    daemon thread, abandoned past the deadline.
    """
    if hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread():
        return _on_this_thread(fn, args, deadline)
    return _on_a_thread(fn, args, deadline)


def _on_this_thread(fn: Callable[..., T], args: tuple[Any, ...], deadline: float) -> T:
    armed = True

    def expire(signum: int, frame: object) -> None:
        if armed:  # a signal handled after the job ended does nothing
            raise _PastDeadline

    previous = signal.signal(signal.SIGALRM, expire)
    try:
        try:
            signal.setitimer(signal.ITIMER_REAL, deadline)
            return fn(*args)
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
            armed = False
    except _PastDeadline:
        _log_past_deadline(fn, deadline)
        raise errors.TookTooLong() from None
    finally:
        signal.signal(signal.SIGALRM, previous)


def _on_a_thread(fn: Callable[..., T], args: tuple[Any, ...], deadline: float) -> T:
    # The caller waits in `join`, which Ctrl-C interrupts, so a stuck job never holds the command.
    outcome: list[Any] = []
    failure: list[BaseException] = []

    def job() -> None:
        try:
            outcome.append(fn(*args))
        except BaseException as exc:  # handed over whole: the caller re-raises it
            failure.append(exc)

    thread = threading.Thread(target=job, daemon=True)
    thread.start()
    thread.join(deadline)
    if thread.is_alive():
        _log_past_deadline(fn, deadline)
        raise errors.TookTooLong()
    if failure:
        raise failure[0]
    return outcome[0]


def _log_past_deadline(fn: Callable[..., object], deadline: float) -> None:
    name = getattr(fn, "__name__", "job")
    log.warning("a %s job ran past %.0f s; answering without it", name, deadline)
