"""Worker processes: they outlive stop signals (the bot drains first) and a dead one is replaced."""

import os
import signal

from bot.service.workers import ProcessWorkers


async def test_a_killed_worker_is_replaced_and_stop_signals_are_left_to_the_bot():
    workers = ProcessWorkers(1)
    await workers.start()
    try:
        first = await workers.run(os.getpid)
        os.kill(first, signal.SIGTERM)  # what systemd sends to the whole group on stop
        assert await workers.run(os.getpid) == first  # still there: the bot decides when work ends
        os.kill(first, signal.SIGKILL)  # the OOM killer, or a crash in native code
        replaced = await workers.run(os.getpid)
        assert replaced != first and replaced != os.getpid()
    finally:
        await workers.close()
