"""Worker processes: they outlive stop signals (the bot drains first), a dead one is replaced, a job past
its deadline is killed with its worker, and workers die with the bot."""

import asyncio
import os
import signal
import subprocess
import sys
import time

import pytest

from bot import errors
from bot.service.workers import ProcessWorkers, ThreadWorkers


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


def pid_after(seconds: float) -> int:
    """A job that holds its worker a while, so that concurrent ones go to different workers."""
    time.sleep(seconds)
    return os.getpid()


def _gone(pid: int) -> bool:
    """No such process, or a zombie nobody has reaped yet: either way it runs no more."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] == "Z"
    except FileNotFoundError:
        return True


@pytest.mark.skipif(sys.platform != "linux", reason="reads /proc")
async def test_a_job_past_its_deadline_kills_its_worker_and_the_other_workers_carry_on():
    workers = ProcessWorkers(2, deadline=3.0)
    await workers.start()
    try:
        slow_pid = asyncio.create_task(workers.run(os.getpid))
        pids = {await slow_pid, await workers.run(os.getpid)}
        began = time.monotonic()
        slow = asyncio.create_task(workers.run(time.sleep, 60))  # a deliberately slow job
        await asyncio.sleep(0.1)
        quick = await workers.run(sum, [1, 2, 3])  # the other worker still answers meanwhile
        with pytest.raises(errors.TookTooLong):
            await slow
        took = time.monotonic() - began
        assert quick == 6 and 3.0 <= took < 30  # killed at its deadline, long before its 60 s were up
        for _ in range(600):  # the killed worker is reaped soon; a busy machine may take seconds
            if any(map(_gone, pids)):
                break
            await asyncio.sleep(0.05)
        killed = [pid for pid in pids if _gone(pid)]
        assert len(killed) == 1  # the slow job's worker, and only it
        after: set[int] = set()
        while len(after) < 2 and time.monotonic() - began < 60:  # the replacement warms up meanwhile
            after |= set(await asyncio.gather(*(workers.run(pid_after, 0.2) for _ in range(2))))
        assert len(after) == 2 and killed[0] not in after
    finally:
        await workers.close()
    assert all(_gone(pid) for pid in pids | after)


async def test_a_thread_job_past_its_deadline_is_answered_as_too_long():
    workers = ThreadWorkers(deadline=0.2)
    began = time.monotonic()
    with pytest.raises(errors.TookTooLong):
        await workers.run(time.sleep, 30)
    assert time.monotonic() - began < 15  # answered at the deadline, not when the job ends
    assert await workers.run(sum, [1, 2]) == 3
    with pytest.raises(ZeroDivisionError):  # a job's own failure is the caller's to see
        await workers.run(divmod, 1, 0)


WORKERS_OF_A_KILLED_PARENT = """
import asyncio, os, sys
from bot.service.workers import ProcessWorkers

async def main():
    workers = ProcessWorkers(2)
    await workers.start()
    pids = {await workers.run(os.getpid) for _ in range(6)}
    print(" ".join(map(str, sorted(pids))), flush=True)
    await asyncio.sleep(60)

asyncio.run(main())
"""


@pytest.mark.skipif(sys.platform != "linux", reason="reads /proc")
def test_workers_die_with_a_bot_killed_by_sigkill():
    bot = subprocess.Popen(
        [sys.executable, "-c", WORKERS_OF_A_KILLED_PARENT], stdout=subprocess.PIPE, text=True
    )
    try:
        assert bot.stdout is not None
        pids = [int(pid) for pid in bot.stdout.readline().split()]
        assert len(pids) == 2 and not any(_gone(pid) for pid in pids)
        bot.kill()  # SIGKILL: the bot cannot clean anything up itself
        bot.wait(10)
        deadline = time.monotonic() + 30  # they go at once; the ceiling is for a busy machine
        while not all(_gone(pid) for pid in pids) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert all(_gone(pid) for pid in pids)
    finally:
        bot.kill()
