"""Slack HTTP-mode bot processes (`footnote run slack`, real subprocesses) and a signed event sender.

Each `Replica` is one bot process on a loopback port, configured only through its environment as an
operator would configure it; its log goes to a file the tests read for errors.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import aiohttp

from bot.service.policy import RateLimit
from bot.service.store import Actor, Store

SECRET = "replica-signing-secret"
# One member posts every link: the widest limits there are, so none is refused.
ROOM = RateLimit(count=10_000, minutes=10).model_dump()
STARTUP_SECONDS = 60.0  # a cold start on a busy two-core machine imports and warms everything


def free_port() -> int:
    """A loopback port nobody listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def signed_headers(body: str, secret: str = SECRET) -> dict[str, str]:
    """Slack's v0 request signature over `body`."""
    stamp = str(int(time.time()))
    digest = hmac.new(secret.encode(), f"v0:{stamp}:{body}".encode(), hashlib.sha256).hexdigest()
    return {"X-Slack-Request-Timestamp": stamp, "X-Slack-Signature": f"v0={digest}"}


def event_body(team: str, event_id: str, event: dict) -> str:
    """An Events API `event_callback` envelope."""
    return json.dumps(
        {
            "token": "legacy",
            "team_id": team,
            "api_app_id": "A0APP",
            "type": "event_callback",
            "event_id": event_id,
            "event_time": int(time.time()),
            "event": event,
        }
    )


async def deliver(
    session: aiohttp.ClientSession, url: str, body: str, retry: int = 0, secret: str = SECRET
) -> int:
    """POST one signed event as Slack would (with X-Slack-Retry-Num on a retry); the HTTP status."""
    headers = {"Content-Type": "application/json", **signed_headers(body, secret)}
    if retry:
        headers |= {"X-Slack-Retry-Num": str(retry), "X-Slack-Retry-Reason": "http_timeout"}
    async with session.post(url, data=body.encode(), headers=headers) as response:
        await response.read()
        return response.status


async def open_channel(store: Store, team: str, channel: str) -> None:
    """Auto mode on in a channel and room in its rate limits, as an operator would set them."""
    operator = Actor(platform="cli", user_id="operator")
    await store.change_setting(team, channel, "auto_explain", True, operator, time.time())
    for scope in ("user", "channel"):
        await store.change_setting(team, channel, f"{scope}_limit", ROOM, operator, time.time())


def replica_env(db: str, api_url: str, **extra: str) -> dict[str, str]:
    """What an operator sets for one HTTP-mode process: local engine, worker threads, loopback pages."""
    return {
        "FOOTNOTE_DB": db,
        "FOOTNOTE_ENGINE": "local",
        "FOOTNOTE_ALLOW_PRIVATE_NETWORKS": "true",
        "FOOTNOTE_WORKER_PROCESSES": "0",
        "FOOTNOTE_SLACK_MODE": "http",
        "SLACK_BOT_TOKEN": "xoxb-replica-token",
        "SLACK_SIGNING_SECRET": SECRET,
        "SLACK_API_URL": api_url,
        **extra,
    }


class Replica:
    """One `footnote run slack` process in HTTP mode."""

    def __init__(self, name: str, env: dict[str, str], folder: Path) -> None:
        self.name = name
        self.port = free_port()
        self.env = {**env, "FOOTNOTE_SLACK_PORT": str(self.port)}
        self.folder = folder
        self.log_path = folder / f"{name}.log"
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/slack/events"

    def start(self) -> None:
        """Launch the process (its working folder holds no .env, so only `env` configures it)."""
        log = self.log_path.open("ab")
        env = {key: value for key, value in os.environ.items() if not key.startswith(("FOOTNOTE_", "SLACK_"))}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "bot.cli", "run", "slack"],
            env={**env, **self.env},
            cwd=self.folder,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        log.close()

    async def ready(self) -> None:
        """Wait until the process answers /healthz (its service has started)."""
        deadline = time.monotonic() + STARTUP_SECONDS
        async with aiohttp.ClientSession() as session:
            while True:
                assert self.process is not None
                if self.process.poll() is not None:
                    raise RuntimeError(f"{self.name} exited at start:\n{self.log()}")
                try:
                    async with session.get(f"http://127.0.0.1:{self.port}/healthz") as response:
                        if response.status == 200:
                            return
                except aiohttp.ClientConnectionError:
                    pass
                if time.monotonic() > deadline:
                    raise TimeoutError(f"{self.name} did not start:\n{self.log()}")
                await asyncio.sleep(0.2)

    def kill(self) -> None:
        """SIGKILL: no drain, no clean-up, as when a machine dies."""
        assert self.process is not None
        self.process.kill()
        self.process.wait()

    def stop(self) -> int | None:
        """SIGTERM and wait for a drained exit; the exit status (None if it never ran)."""
        if self.process is None or self.process.poll() is not None:
            return None if self.process is None else self.process.returncode
        self.process.send_signal(signal.SIGTERM)
        try:
            return self.process.wait(timeout=40)
        except subprocess.TimeoutExpired:
            self.process.kill()
            return self.process.wait()

    def log(self) -> str:
        """Everything the process logged so far."""
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""
