"""The job deadline, and a synchronous way to keep to it for one-shot commands (no event loop needed)."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any, TypeVar

from bot import errors

log = logging.getLogger(__name__)

T = TypeVar("T")

JOB_DEADLINE = 30.0  # seconds; linear-time steps take well under one on the largest page we fetch


def run_within(fn: Callable[..., T], *args: Any, deadline: float = JOB_DEADLINE) -> T:
    """`fn(*args)` on a daemon thread; `errors.TookTooLong` past the deadline, the thread abandoned.

    The caller waits in `join`, which Ctrl-C interrupts, so a stuck job never holds the command.
    """
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
        name = getattr(fn, "__name__", "job")
        log.warning("a %s job ran past %.0f s; answering without it", name, deadline)
        raise errors.TookTooLong()
    if failure:
        raise failure[0]
    return outcome[0]
