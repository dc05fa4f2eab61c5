"""Handler runs under way, so a stopping bot can let the answers being written finish, then stop the rest."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

log = logging.getLogger(__name__)

CANCEL_GRACE = 5.0  # seconds cancelled handlers get to release their claims before the store closes


class Activity:
    """Handler runs under way and finished, so shutdown can wait for answers still being written."""

    def __init__(self) -> None:
        self.running = 0
        self.finished = 0
        self._changed = asyncio.Condition()
        self._tasks: set[asyncio.Task[object]] = set()

    @asynccontextmanager
    async def track(self) -> AsyncIterator[None]:
        """Count one handler run (and remember its task, so that shutdown can cancel it)."""
        task = asyncio.current_task()
        async with self._changed:
            self.running += 1
            if task is not None:
                self._tasks.add(task)
        try:
            yield
        finally:
            async with self._changed:
                self.running -= 1
                self.finished += 1
                self._tasks.discard(task)  # type: ignore[arg-type]
                self._changed.notify_all()

    async def wait_until(self, predicate: Callable[[], bool]) -> None:
        """Wait until `predicate` holds (checked after every finished run)."""
        async with self._changed:
            await self._changed.wait_for(predicate)

    async def idle(self) -> None:
        """Wait until no handler is running."""
        await self.wait_until(lambda: self.running == 0)

    async def drain(self, seconds: float, grace: float = CANCEL_GRACE) -> None:
        """Give running handlers `seconds` to finish, then cancel the rest and give them `grace` to tidy up.

        Cancelled handlers release their claims, so the platform's next delivery is answered."""
        try:
            await asyncio.wait_for(self.idle(), seconds)
            return
        except TimeoutError:
            log.warning("stopping: cancelling the answers still being written (%d)", self.running)
        for task in list(self._tasks):
            task.cancel()
        try:
            await asyncio.wait_for(self.idle(), grace)
        except TimeoutError:
            log.warning("stopping with %d handlers that ignored cancellation", self.running)
