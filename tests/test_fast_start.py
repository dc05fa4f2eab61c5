"""A running bot is online at once: its workers warm up while it connects, and the first analysis waits."""

import asyncio
from typing import Any

from support.page_server import PageServer

from bot.config import Settings
from bot.engines.local import LocalEngine
from bot.service.service import ExplainService
from bot.service.types import Status, Where, Who
from bot.service.workers import ThreadWorkers


class SlowToWarm(ThreadWorkers):
    """Threads whose warm-up lasts until the test says so."""

    def __init__(self) -> None:
        super().__init__()
        self.warmed = asyncio.Event()

    async def start(self) -> None:
        await self.warmed.wait()

    async def run(self, fn: Any, *args: Any) -> Any:
        assert self.warmed.is_set(), "work ran before the warm-up finished"
        return await super().run(fn, *args)


async def test_the_service_starts_before_its_workers_are_warm_and_analyses_wait_for_them(tmp_path):
    settings = Settings(
        FOOTNOTE_DB=str(tmp_path / "footnote.sqlite3"),
        FOOTNOTE_ALLOW_PRIVATE_NETWORKS=True,
        FOOTNOTE_ENGINE="local",
    )
    workers = SlowToWarm()
    service = ExplainService(settings, engine=LocalEngine(), workers=workers)
    async with PageServer() as pages:
        await asyncio.wait_for(service.start(), 5)  # old behaviour: start waited for the warm-up
        try:
            asked = asyncio.create_task(
                service.explain(
                    pages.url("/news/a"), Where(platform="cli", workspace="w", channel="c"), Who(user_id="u")
                )
            )
            await asyncio.sleep(0.2)
            assert not asked.done()
            workers.warmed.set()
            result = await asyncio.wait_for(asked, 30)
            assert result.status == Status.OK and result.analysis is not None
        finally:
            workers.warmed.set()
            await service.close()
