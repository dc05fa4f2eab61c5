"""A loopback stand-in for the parts of Discord's REST API that `footnote doctor`, a bot's login and its
answers call: who the bot is, reactions, threads on messages and messages in channels (every call is
recorded in `calls`, so a test can tell what the bot showed)."""

from __future__ import annotations

import asyncio
import itertools
import json
import re
import time
from datetime import UTC, datetime
from typing import Any

from aiohttp import web

APP_ID = "123456789012345678"
# The Message Content intent, as Discord reports it in the application's flags (GATEWAY_MESSAGE_CONTENT).
MESSAGE_CONTENT = 1 << 18
USER = {
    "id": APP_ID,
    "username": "Footnote",
    "discriminator": "0",
    "global_name": None,
    "bot": True,
    "avatar": None,
}


def _json(body: dict[str, Any], status: int = 200) -> web.Response:
    # discord.py parses a body as JSON only when the content type is exactly application/json.
    return web.Response(
        body=json.dumps(body).encode(), status=status, headers={"Content-Type": "application/json"}
    )


async def _body(request: web.Request) -> dict[str, Any]:
    """A request's JSON body (or a multipart request's `payload_json`); {} when it has none."""
    if request.content_type == "application/json":
        return dict(await request.json())
    if request.content_type.startswith("multipart/"):
        form = await request.post()
        return dict(json.loads(str(form.get("payload_json") or "{}")))
    return {}


class FakeDiscordApi:
    """Answers /users/@me and the application for one token, as doctor and a bot's login ask; records it."""

    def __init__(self, token: str) -> None:
        self.token = token
        self.flags = MESSAGE_CONTENT  # 0: the intent is off in the Developer Portal
        self.requests: list[tuple[float, str]] = []  # (monotonic time, path)
        self.calls: list[tuple[str, str, dict[str, Any]]] = []  # (method, path, JSON body) of every request
        self._ids = itertools.count(900_000_000_000_000_000)
        # When set, discord.py's last login call is never answered: the bot stops just before the gateway.
        self.hold_login = False
        self._release = asyncio.Event()
        self.port = 0
        self._runner: web.AppRunner | None = None

    @property
    def base_url(self) -> str:
        """What DISCORD_API_URL is set to."""
        return f"http://127.0.0.1:{self.port}/api/v10"

    def first(self, path: str) -> float | None:
        """When `path` was first requested (time.monotonic), if it was."""
        return next((at for at, asked in self.requests if asked == path), None)

    async def _answer(self, request: web.Request) -> web.Response:
        path = "/" + request.match_info["path"]
        self.requests.append((time.monotonic(), path))
        if request.headers.get("Authorization") != f"Bot {self.token}":
            return _json({"message": "401: Unauthorized", "code": 0}, status=401)
        body: dict[str, Any]
        if path == "/users/@me":
            body = USER
        elif path in ("/applications/@me", "/oauth2/applications/@me"):  # doctor's, then discord.py's
            if path.startswith("/oauth2") and self.hold_login:
                await self._release.wait()
            body = {
                "id": APP_ID,
                "name": "Footnote",
                "description": "",
                "icon": None,
                "bot_public": True,
                "bot_require_code_grant": False,
                "owner": {**USER, "id": "1", "username": "owner", "bot": False},
                "verify_key": "0" * 64,
                "flags": self.flags,
            }
        else:
            return await self._channel_call(request, path)
        return _json(body)

    async def _channel_call(self, request: web.Request, path: str) -> web.Response:
        """Reactions, a thread on a message, a message in a channel or thread, as Discord answers them."""
        sent = await _body(request)
        self.calls.append((request.method, path, sent))
        now = datetime.now(UTC).isoformat()
        if re.fullmatch(r"/channels/\d+/messages/\d+/reactions/[^/]+/@me", path):
            return web.Response(status=204)
        thread = re.fullmatch(r"/channels/(\d+)/messages/\d+/threads", path)
        if thread and request.method == "POST":
            metadata = {"archived": False, "locked": False, "auto_archive_duration": 1440}
            metadata["archive_timestamp"] = now
            return _json(
                {
                    "id": str(next(self._ids)),
                    "type": 11,
                    "name": sent.get("name", ""),
                    "parent_id": thread.group(1),
                    "owner_id": APP_ID,
                    "thread_metadata": metadata,
                    "message_count": 0,
                    "member_count": 1,
                    "rate_limit_per_user": 0,
                    "flags": 0,
                }
            )
        message = re.fullmatch(r"/channels/(\d+)/messages", path)
        if message and request.method == "POST":
            return _json(
                {
                    "id": str(next(self._ids)),
                    "channel_id": message.group(1),
                    "author": USER,
                    "content": sent.get("content") or "",
                    "timestamp": now,
                    "edited_timestamp": None,
                    "tts": False,
                    "mention_everyone": False,
                    "mentions": [],
                    "mention_roles": [],
                    "attachments": [],
                    "embeds": sent.get("embeds") or [],
                    "pinned": False,
                    "type": 0,
                }
            )
        return _json({"message": "404: Not Found", "code": 0}, status=404)

    async def __aenter__(self) -> FakeDiscordApi:
        app = web.Application()
        app.router.add_route("*", "/api/v10/{path:.*}", self._answer)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        return self

    async def __aexit__(self, *exc: object) -> None:
        self._release.set()
        if self._runner is not None:
            await self._runner.cleanup()
