"""A running bot is online at once: its workers warm up while it connects, and the first analysis waits."""

import asyncio
import subprocess
import sys
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


# What a bot needs before it connects; extraction (trafilatura) and fetching (httpx) are not among them.
STARTUP_IMPORTS = (
    "import sys, bot.cli, bot.service.service, bot.adapters.slack.runner, bot.adapters.slack.listeners, "
    "bot.adapters.discord.runner; print(' '.join(sorted(sys.modules)))"
)


def test_a_bot_imports_extraction_and_fetching_after_it_starts_not_before():
    modules = subprocess.run(
        [sys.executable, "-c", STARTUP_IMPORTS], capture_output=True, text=True, check=True
    ).stdout.split()
    assert "bot.service.service" in modules
    assert not {"bot.extract", "trafilatura", "bot.web.fetch", "httpx"} & set(modules)


async def test_the_warm_up_imports_what_an_analysis_needs(tmp_path):
    code = (
        "import asyncio, sys\n"
        "from bot.config import Settings\n"
        "from bot.service.service import ExplainService\n"
        "async def main():\n"
        f"    settings = Settings(FOOTNOTE_DB={str(tmp_path / 'f.sqlite3')!r}, FOOTNOTE_ENGINE='local')\n"
        "    async with ExplainService(settings) as service:\n"
        "        await service._warmed()\n"
        "        print(all(m in sys.modules for m in ('bot.extract', 'trafilatura', 'httpx')))\n"
        "asyncio.run(main())\n"
    )
    command = [sys.executable, "-c", code]
    done = await asyncio.to_thread(subprocess.run, command, capture_output=True, text=True)
    assert done.stdout.strip() == "True", done.stderr[-2000:]


def test_the_warm_up_takes_extractions_fallbacks_too():
    # A first short article should not pay for readability's imports or the stoplist trafilatura builds
    # on first using justext (about 0.2 s, once per process).
    code = (
        "import sys, trafilatura.external\n"
        "from bot.pipeline import warm_up\n"
        "warm_up()\n"
        "print('readability' in sys.modules, trafilatura.external.JT_STOPLIST is not None)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.stdout.split() == ["True", "True"], done.stderr[-2000:]
