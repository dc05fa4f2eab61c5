"""A loopback stand-in for the parts of Discord's REST API that `footnote doctor` and a bot's login call."""

from __future__ import annotations

import time
from typing import Any

from aiohttp import web

APP_ID = "123456789012345678"
# The Message Content intent, as Discord reports it in the application's flags (GATEWAY_MESSAGE_CONTENT).
MESSAGE_CONTENT = 1 << 18


class FakeDiscordApi:
    """Answers /users/@me, /applications/@me and /gateway/bot for one token; records what was asked."""

    def __init__(self, token: str) -> None:
        self.token = token
        self.flags = MESSAGE_CONTENT  # 0: the intent is off in the Developer Portal
        self.requests: list[tuple[float, str]] = []  # (monotonic time, path)
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
            return web.json_response({"message": "401: Unauthorized", "code": 0}, status=401)
        body: dict[str, Any]
        if path == "/users/@me":
            body = {"id": APP_ID, "username": "Footnote", "discriminator": "0", "bot": True, "avatar": None}
        elif path == "/applications/@me":
            body = {"id": APP_ID, "name": "Footnote", "flags": self.flags}
        elif path == "/gateway/bot":
            # No gateway to give: a bot that asks for one has finished starting and is ready to connect.
            return web.json_response({"message": "unavailable in tests"}, status=503)
        else:
            return web.json_response({"message": "404: Not Found", "code": 0}, status=404)
        return web.json_response(body)

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
        if self._runner is not None:
            await self._runner.cleanup()
