"""A bot killed with SIGKILL in the middle of a burst loses nothing and repeats nothing.

The Slack HTTP app runs as a real `footnote run slack` subprocess (one worker process) against the
fake Slack Web API and a local page server. Each run sends 60 messages, kills the bot at a random
moment of the burst, checks that its worker died with it, restarts it on the same database and
redelivers every event, as Slack retries them: every message is answered exactly once.

Nothing waits a fixed time for work to happen: the test waits for what it needs (answers, every
redelivery taken up, the killed bot's leases running out) with generous ceilings, so that a busy
machine makes it slower, never red. Only the killed bot's claims have a short lease; the restarted
bot's last five minutes, as in production, so they cannot run out while it is still working.
"""

import asyncio
import hashlib
import hmac
import json
import os
import random
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable
from functools import partial
from pathlib import Path

import aiohttp
import pytest
from support.fake_slack_api import TEAM, FakeSlackApi
from support.page_server import STUCK_SECONDS, PageServer

from bot.adapters.activity import CANCEL_GRACE
from bot.config import Settings
from bot.service.service import ExplainService
from bot.service.types import Where, Who

SECRET = "crash-test-signing-secret"
MESSAGES = 60
RUNS = 3
LEASE = 4.0  # seconds: the killed bot's claims (a real bot's last minutes, which a test cannot wait out)
LIVE_LEASE = 300.0  # seconds: the restarted bot's claims, as long as a real bot's
WAIT = 120.0  # ceiling on every wait for the bot (a busy machine is slow, never this slow)
HOURGLASS = "hourglass_flowing_sand"
ADMIN = Who(user_id="U0ADMIN", is_moderator=True)

DRAIN = 2.0  # seconds a stopping bot gives answers being written (30 in a real bot)

# The bot as `footnote run slack` runs it, with a drain short enough to wait out here (the claim lease is
# its setting, FOOTNOTE_CLAIM_LEASE_SECONDS, given in the environment).
LAUNCH = """
import sys
import bot.adapters.slack.runner
bot.adapters.slack.runner.DRAIN_SECONDS = float(sys.argv[1])
from bot.cli import main
sys.exit(main(["run", "slack"]))
"""

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="reads /proc")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def children_of(pid: int) -> list[int]:
    """Processes whose parent is `pid` (the bot's workers and multiprocessing's resource tracker)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found


def running(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


async def gone(pids: list[int], limit: float = 30.0) -> bool:
    """Whether every process in `pids` ends within `limit` seconds."""
    began = time.monotonic()
    while any(running(pid) for pid in pids):
        if time.monotonic() - began > limit:
            return False
        await asyncio.sleep(0.05)
    return True


class BotProcess:
    """`footnote run slack` in HTTP mode on loopback, as a subprocess."""

    def __init__(self, workdir: Path, env: dict[str, str], port: int) -> None:
        self.workdir, self.env, self.port = workdir, env, port
        self.process: subprocess.Popen | None = None
        self.url = f"http://127.0.0.1:{port}/slack/events"

    async def start(self, session: aiohttp.ClientSession, lease: float = LIVE_LEASE) -> None:
        log = open(self.workdir / "bot.log", "a")  # noqa: SIM115 - kept open by the child
        self.process = subprocess.Popen(
            [sys.executable, "-c", LAUNCH, str(DRAIN)],
            cwd=self.workdir,
            env={**self.env, "FOOTNOTE_CLAIM_LEASE_SECONDS": str(lease)},
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        log.close()
        began = time.monotonic()
        while time.monotonic() - began < 90:
            assert self.process.poll() is None, (self.workdir / "bot.log").read_text()[-2000:]
            try:
                async with session.get(f"http://127.0.0.1:{self.port}/healthz") as response:
                    if response.status == 200:
                        return
            except aiohttp.ClientError:
                pass
            await asyncio.sleep(0.1)
        raise AssertionError("the bot did not start")

    def kill(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(10)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(60)
            except subprocess.TimeoutExpired:
                self.process.kill()


def member_message(channel: str, ts: str, link: str) -> dict:
    return {"type": "message", "channel": channel, "user": f"U0{ts[-3:]}", "text": f"<{link}>", "ts": ts}


def event_body(event: dict) -> str:
    ts = event["ts"]
    return json.dumps(
        {
            "team_id": TEAM,
            "api_app_id": "A0APP",
            "type": "event_callback",
            "event_id": f"Ev{ts}",
            "event": event,
        }
    )


async def deliver(session: aiohttp.ClientSession, url: str, body: str, retry: int = 0) -> None:
    """One signed delivery, as Slack sends it; a bot killed meanwhile simply never answers it."""
    stamp = str(int(time.time()))
    digest = hmac.new(SECRET.encode(), f"v0:{stamp}:{body}".encode(), hashlib.sha256).hexdigest()
    headers = {
        "Content-Type": "application/json",
        "X-Slack-Request-Timestamp": stamp,
        "X-Slack-Signature": f"v0={digest}",
    }
    if retry:
        headers |= {"X-Slack-Retry-Num": str(retry), "X-Slack-Retry-Reason": "http_timeout"}
    try:
        async with session.post(url, data=body.encode(), headers=headers) as response:
            await response.read()
    except aiohttp.ClientError:
        pass


def answers(api: FakeSlackApi, channel: str) -> Counter:
    """Answers posted in a channel, per thread (each message is its own thread)."""
    return Counter(p["thread_ts"] for p in api.calls_to("chat.postMessage") if p["channel"] == channel)


def taken_up(api: FakeSlackApi, channel: str) -> int:
    """Deliveries the bot has begun to handle: each first puts ⏳ on its message (or finds it there)."""
    return sum(1 for p in api.calls_to("reactions.add") if p["channel"] == channel and p["name"] == HOURGLASS)


def posted(api: FakeSlackApi, channel: str) -> int:
    return sum(answers(api, channel).values())


def threads(api: FakeSlackApi, channel: str) -> int:
    return len(answers(api, channel))


async def until(
    count: Callable[[], int], at_least: int, what: str, workdir: Path, limit: float = WAIT
) -> None:
    """Wait until `count()` reaches `at_least`; after `limit` seconds, fail with the end of the bot's log."""
    began = time.monotonic()
    while count() < at_least:
        if time.monotonic() - began > limit:
            log = (workdir / "bot.log").read_text(errors="replace")[-3000:]
            raise AssertionError(f"{count()} of {at_least} {what} after {limit:.0f} s:\n{log}")
        await asyncio.sleep(0.02)


async def settled(api: FakeSlackApi, channel: str, workdir: Path, started: int, still: float = 1.5) -> None:
    """Wait until the bot has begun every delivery of a round (`started` = count before it), and no
    post has come for `still` seconds since: a second answer would come right after its delivery."""
    await until(partial(taken_up, api, channel), started + MESSAGES, "deliveries taken up", workdir)
    last, since = len(api.calls), time.monotonic()
    while time.monotonic() - since < still:
        await asyncio.sleep(0.1)
        if len(api.calls) != last:
            last, since = len(api.calls), time.monotonic()


async def prepare(workdir: Path, api: FakeSlackApi, channel: str) -> BotProcess:
    """A database where a moderator turned auto mode on in `channel`, and a bot process to serve it."""
    workdir.mkdir()
    db = f"sqlite:///{workdir / 'footnote.sqlite3'}"
    here = Where(platform="slack", workspace=TEAM, channel=channel)
    async with ExplainService(Settings(FOOTNOTE_DB=db, FOOTNOTE_ENGINE="local")) as service:
        for command in ("auto on", "limits user 1000 10", "limits channel 1000 10"):
            assert (await service.command(command, here, ADMIN)).done
    port = free_port()
    env = {
        "PATH": os.environ.get("PATH", ""),
        "HOME": str(workdir),
        "FOOTNOTE_DB": db,
        "FOOTNOTE_ENGINE": "local",
        "FOOTNOTE_ALLOW_PRIVATE_NETWORKS": "true",
        "FOOTNOTE_WORKER_PROCESSES": "1",
        "SLACK_BOT_TOKEN": "xoxb-crash-test",
        "SLACK_SIGNING_SECRET": SECRET,
        "SLACK_API_URL": api.api_url,
        "FOOTNOTE_SLACK_MODE": "http",
        "FOOTNOTE_SLACK_HOST": "127.0.0.1",
        "FOOTNOTE_SLACK_PORT": str(port),
    }
    return BotProcess(workdir, env, port)


async def test_a_bot_killed_mid_burst_answers_every_message_exactly_once(tmp_path):
    seed = random.randrange(1 << 30)
    chance = random.Random(seed)
    figures = []
    async with PageServer() as pages, FakeSlackApi() as api, aiohttp.ClientSession() as session:
        for run in range(RUNS):
            channel = f"C0RUN{run}"
            bot = await prepare(tmp_path / f"run{run}", api, channel)
            sent = [
                member_message(channel, f"1700000000.{run}{n:05d}", pages.url(f"/news/run{run}-story-{n}"))
                for n in range(MESSAGES)
            ]
            api.history[channel] = list(sent)  # the members' messages are in the channel, as on Slack
            bodies = [event_body(event) for event in sent]

            try:
                await bot.start(session, lease=LEASE)
                assert bot.process is not None
                workers = children_of(bot.process.pid)
                assert workers  # the worker process (and multiprocessing's resource tracker)
                kill_after = chance.randrange(0, MESSAGES)  # answers posted before the kill
                burst = asyncio.gather(*(deliver(session, bot.url, body) for body in bodies))
                await until(partial(posted, api, channel), kill_after, "answers", bot.workdir)
                await asyncio.sleep(chance.uniform(0, 0.05))
                bot.kill()
                killed_at = time.monotonic()  # the killed bot's claims were all taken before now
                await burst
                before = posted(api, channel)
                assert await gone(workers), "workers outlived the killed bot"

                await bot.start(session)
                for retry in (1, 2):  # Slack retries: at once, and again later (after the lease here)
                    if retry == 2:
                        await asyncio.sleep(max(0.0, killed_at + LEASE + 0.5 - time.monotonic()))
                    started = taken_up(api, channel)
                    await asyncio.gather(*(deliver(session, bot.url, body, retry) for body in bodies))
                    if retry == 2:
                        await until(partial(threads, api, channel), MESSAGES, "threads answered", bot.workdir)
                    await settled(api, channel, bot.workdir, started)
                started = taken_up(api, channel)
                await asyncio.gather(*(deliver(session, bot.url, body, 3) for body in bodies))
                await settled(api, channel, bot.workdir, started)
            finally:
                # Off the event loop: the fake Slack API runs on it, and the stopping bot may still call it.
                await asyncio.to_thread(bot.stop)
            counts = answers(api, channel)
            figures.append((kill_after, before, sum(counts.values()), len(counts)))
            assert len(counts) == MESSAGES and set(counts.values()) == {1}, (seed, run, counts)
    print(f"seed {seed}; per run (answers wanted before kill, posted before kill, total, threads): {figures}")


async def test_sigterm_stops_a_bot_whose_work_is_stuck_within_its_drain_deadline(tmp_path):
    async with PageServer() as pages, FakeSlackApi() as api, aiohttp.ClientSession() as session:
        bot = await prepare(tmp_path / "stop", api, "C0STOP")
        # The stuck fetch would end with the page, after STUCK_SECONDS (120 s): far past any drain.
        bot.env |= {"FOOTNOTE_FETCH_READ_TIMEOUT": "300", "FOOTNOTE_FETCH_TOTAL_TIMEOUT": "300"}
        await bot.start(session)
        assert bot.process is not None
        workers = children_of(bot.process.pid)
        event = member_message("C0STOP", "1700000000.900001", pages.url("/stuck/story"))
        api.history["C0STOP"] = [event]
        await deliver(session, bot.url, event_body(event))
        for _ in range(600):  # until the bot is reading the page, which never comes
            if pages.hits["/stuck/story"]:
                break
            await asyncio.sleep(0.05)
        assert pages.hits["/stuck/story"] == 1
        began = time.monotonic()
        bot.process.send_signal(signal.SIGTERM)
        status = await asyncio.to_thread(bot.process.wait, 60)
        took = time.monotonic() - began
        print(f"stopped {took:.2f} s after SIGTERM (drain {DRAIN} s)")
        # Stopped after the drain and the cancelled work's grace (with room for a busy machine), not
        # after a real bot's 30 s drain, nor when the page came (STUCK_SECONDS).
        assert status == 0 and DRAIN <= took < DRAIN + CANCEL_GRACE + 15 < STUCK_SECONDS, took
        assert await gone(workers)
        assert api.calls_to("chat.postMessage") == []  # nothing half-done was posted
        with sqlite3.connect(tmp_path / "stop" / "footnote.sqlite3") as db:
            claims = db.execute("SELECT state FROM claims WHERE message_id = ?", (event["ts"],)).fetchall()
        assert claims == []  # released: Slack's next delivery is answered at once, not after the lease
