"""Handler runs under way, so a stopping bot can let the answers being written finish."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager


class Activity:
    """Handler runs under way and finished, so shutdown can wait for answers still being written."""

    def __init__(self) -> None:
        self.running = 0
        self.finished = 0
        self._changed = asyncio.Condition()

    @asynccontextmanager
    async def track(self) -> AsyncIterator[None]:
        """Count one handler run."""
        async with self._changed:
            self.running += 1
        try:
            yield
        finally:
            async with self._changed:
                self.running -= 1
                self.finished += 1
                self._changed.notify_all()

    async def wait_until(self, predicate: Callable[[], bool]) -> None:
        """Wait until `predicate` holds (checked after every finished run)."""
        async with self._changed:
            await self._changed.wait_for(predicate)

    async def idle(self) -> None:
        """Wait until no handler is running."""
        await self.wait_until(lambda: self.running == 0)
