"""A loopback stand-in for the parts of Discord's REST API that `footnote doctor` and a bot's login call."""

from __future__ import annotations

import asyncio
import json
import time
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


class FakeDiscordApi:
    """Answers /users/@me and the application for one token, as doctor and a bot's login ask; records it."""

    def __init__(self, token: str) -> None:
        self.token = token
        self.flags = MESSAGE_CONTENT  # 0: the intent is off in the Developer Portal
        self.requests: list[tuple[float, str]] = []  # (monotonic time, path)
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
            return _json({"message": "404: Not Found", "code": 0}, status=404)
        return _json(body)

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
