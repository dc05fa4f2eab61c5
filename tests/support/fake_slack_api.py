"""A local fake of the Slack Web API (and of response URLs) on 127.0.0.1, for the Slack adapter's tests.

Point `SLACK_API_URL` at `.api_url`. Every call is recorded as (method, params); messages are
checked against Slack's Block Kit limits and refused the way Slack refuses them (`invalid_blocks`,
`msg_too_long`), so a renderer bug shows up as a failed post. `limit_problems` is written apart from
the renderer on purpose: the tests check the renderer against it, not against its own constants.
`conversations.history` and `conversations.replies` read `history` as Slack reads a channel: history
leaves thread replies out, replies lists the thread's parent first, whatever the window, and message
metadata only when asked for. Messages the bot posts join `history`; `chat.delete` and `chat.update`
change them (and only them).
"""

from __future__ import annotations

import asyncio
import itertools
import json
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml
from aiohttp import web

TEAM, BOT_USER, BOT_ID = "T0TEST", "U0BOT", "B0BOT"
MESSAGE_CHARS = 4000
DEFAULT_LIMIT = 100
# The bot scopes slack-manifest.yml asks for, as auth.test reports them for a token installed from it.
MANIFEST = Path(__file__).resolve().parents[2] / "slack-manifest.yml"
MANIFEST_SCOPES = tuple(yaml.safe_load(MANIFEST.read_text())["oauth_config"]["scopes"]["bot"])

Message = dict[str, Any]


def _texts(value: Any) -> list[str]:
    if isinstance(value, dict):
        found = []
        for key, item in value.items():
            found += [item] if key == "text" and isinstance(item, str) else _texts(item)
        return found
    if isinstance(value, list):
        return [t for item in value for t in _texts(item)]
    return []


def limit_problems(payload: dict[str, Any]) -> list[str]:
    """Every Block Kit or message limit a chat.postMessage / response_url payload breaks."""
    problems = []
    text, blocks = payload.get("text"), payload.get("blocks") or []
    if not text or not str(text).strip():
        problems.append("no fallback text")
    if len(blocks) > 50:
        problems.append(f"{len(blocks)} blocks")
    for block in blocks:
        kind = block.get("type")
        if kind == "header":
            if block["text"]["type"] != "plain_text" or len(block["text"]["text"]) > 150:
                problems.append("header")
        elif kind == "section":
            if not 1 <= len(block["text"]["text"]) <= 3000:
                problems.append(f"section of {len(block['text']['text'])}")
        elif kind == "context":
            elements = block.get("elements") or []
            if not 1 <= len(elements) <= 10 or any(len(e["text"]) > 3000 for e in elements):
                problems.append("context")
        elif kind == "actions":
            for element in block.get("elements") or []:
                if len(element["text"]["text"]) > 75 or len(element.get("value", "")) > 2000:
                    problems.append("button")
        else:
            problems.append(f"unexpected block {kind}")
    size = len(str(text or "")) + sum(len(t) for t in _texts(blocks))
    if size > MESSAGE_CHARS:
        problems.append(f"message of {size} characters")
    return problems


def _in_window(message: Message, params: dict[str, Any]) -> bool:
    """Whether a message falls between `oldest` and `latest`, ends included only when `inclusive`."""
    ts = Decimal(message["ts"])
    inclusive = str(params.get("inclusive", "")).lower() in ("1", "true")
    oldest, latest = params.get("oldest"), params.get("latest")
    after = oldest is None or ts > Decimal(str(oldest)) or (inclusive and ts == Decimal(str(oldest)))
    before = latest is None or ts < Decimal(str(latest)) or (inclusive and ts == Decimal(str(latest)))
    return after and before


def _is_reply(message: Message) -> bool:
    """A thread reply that stays in its thread (a broadcast reply also shows in the channel)."""
    thread = message.get("thread_ts")
    return bool(thread) and thread != message["ts"] and message.get("subtype") != "thread_broadcast"


def channel_history(messages: list[Message], params: dict[str, Any]) -> list[Message]:
    """conversations.history: the channel's messages without thread replies, newest first."""
    shown = [m for m in messages if not _is_reply(m) and _in_window(m, params)]
    shown.sort(key=lambda m: Decimal(m["ts"]), reverse=True)
    return shown[: int(params.get("limit") or DEFAULT_LIMIT)]


def thread_replies(messages: list[Message], params: dict[str, Any]) -> list[Message] | None:
    """conversations.replies: the parent first, always, then the replies in the window, oldest first.

    `ts` may be the parent's or a reply's; `limit` counts the parent. None when there is no such message.
    """
    asked = next((m for m in messages if m["ts"] == str(params.get("ts"))), None)
    if asked is None:
        return None
    root = str(asked.get("thread_ts") or asked["ts"])
    parent = next((m for m in messages if m["ts"] == root), None)
    in_thread = [m for m in messages if m.get("thread_ts") == root and m["ts"] != root]
    replies = [m for m in in_thread if _in_window(m, params)]
    replies.sort(key=lambda m: Decimal(m["ts"]))
    thread = ([parent] if parent is not None else []) + replies
    return thread[: int(params.get("limit") or DEFAULT_LIMIT)]


class FakeSlackApi:
    """Records Web API calls and response_url posts; answers like Slack for the methods the bot uses."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.responses: list[tuple[str, dict[str, Any]]] = []
        self.users: dict[str, dict[str, Any]] = {}
        self.history: dict[str, list[Message]] = {}  # channel → messages and replies, for conversations.*
        self.reactions: dict[tuple[str, str], set[str]] = {}
        # A call this returns True for is recorded, then its connection dropped, as by a network fault.
        self.cut_off: Callable[[str, dict[str, Any]], bool] = lambda method, params: False
        # What auth.test reports: the token's scopes (X-OAuth-Scopes header), or an error (invalid_auth).
        self.scopes = list(MANIFEST_SCOPES)
        self.auth_error: str | None = None
        self.app_token_error: str | None = None  # what apps.connections.open answers, e.g. invalid_auth
        self.port = 0
        self._ts = itertools.count(1)
        self._changed = asyncio.Condition()
        self._runner: web.AppRunner | None = None

    @property
    def api_url(self) -> str:
        """The base URL to give the Web API client."""
        return f"http://127.0.0.1:{self.port}/api/"

    def response_url(self, name: str) -> str:
        """A response_url whose posts are recorded under `name`."""
        return f"http://127.0.0.1:{self.port}/response/{name}"

    def calls_to(self, method: str) -> list[dict[str, Any]]:
        """Parameters of every call of one Web API method, in order."""
        return [params for name, params in self.calls if name == method]

    def responses_to(self, name: str) -> list[dict[str, Any]]:
        """Payloads posted to one response_url, in order."""
        return [payload for key, payload in self.responses if key == name]

    async def wait_for(self, predicate: Callable[[], bool], timeout: float = 10.0) -> None:
        """Wait until `predicate` holds (re-checked after every recorded request)."""
        async with self._changed:
            await asyncio.wait_for(self._changed.wait_for(predicate), timeout)

    async def _record(self, kind: str, name: str, payload: dict[str, Any]) -> None:
        async with self._changed:
            (self.calls if kind == "api" else self.responses).append((name, payload))
            self._changed.notify_all()

    @staticmethod
    async def _params(request: web.Request) -> dict[str, Any]:
        params: dict[str, Any] = dict(request.query)
        if request.content_type == "application/json":
            params.update(await request.json())
        elif request.method == "POST":
            params.update(dict(await request.post()))
        for key in ("blocks", "attachments", "metadata"):
            if isinstance(params.get(key), str):
                params[key] = json.loads(params[key])
        return params

    async def _api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        params = await self._params(request)
        if self.cut_off(method, params):
            await self._record("api", method, params)
            assert request.transport is not None
            request.transport.close()
            return web.Response()  # never arrives: the client sees the server disconnect
        answer = self._answer(method, params)
        await self._record("api", method, params)
        if method == "apps.connections.open":
            bearer = request.headers.get("Authorization", "").removeprefix("Bearer ")
            if not bearer.startswith("xapp-"):
                return web.json_response({"ok": False, "error": "not_allowed_token_type"})
            if self.app_token_error:
                return web.json_response({"ok": False, "error": self.app_token_error})
            # A Socket Mode URL nothing serves: a client that dials it retries, as when Slack is unreachable.
            return web.json_response(
                {"ok": True, "url": f"ws://127.0.0.1:{self.port}/socket-mode-not-served"}
            )
        if method == "auth.test":
            if self.auth_error:
                answer = {"ok": False, "error": self.auth_error}
            return web.json_response(answer, headers={"X-OAuth-Scopes": ",".join(self.scopes)})
        return web.json_response(answer)

    def _answer(self, method: str, params: dict[str, Any]) -> dict[str, Any]:
        if method == "auth.test":
            return {"ok": True, "user_id": BOT_USER, "bot_id": BOT_ID, "team_id": TEAM, "user": "footnote"}
        if method in ("chat.postMessage", "chat.postEphemeral"):
            problems = limit_problems(params)
            if problems:
                error = "msg_too_long" if any("characters" in p for p in problems) else "invalid_blocks"
                return {"ok": False, "error": error, "problems": problems}
            ts = f"1800000000.{next(self._ts):06d}"
            if method == "chat.postMessage":  # it is in the channel now, as conversations.* shows it
                posted = {"ts": ts, "user": BOT_USER, "bot_id": BOT_ID, "text": params.get("text")}
                for key in ("thread_ts", "blocks", "metadata"):
                    if params.get(key):
                        posted[key] = params[key]
                self.history.setdefault(str(params.get("channel")), []).append(posted)
            return {"ok": True, "channel": params.get("channel"), "ts": ts}
        if method in ("chat.delete", "chat.update"):
            return self._change(method, params)
        if method == "chat.getPermalink":
            ts = str(params.get("message_ts", "")).replace(".", "")
            return {
                "ok": True,
                "permalink": f"https://footnote-test.slack.com/archives/{params['channel']}/p{ts}",
            }
        if method in ("reactions.add", "reactions.remove"):
            present = self.reactions.setdefault((params["channel"], params["timestamp"]), set())
            name = params["name"]
            if method == "reactions.add":
                if name in present:
                    return {"ok": False, "error": "already_reacted"}
                present.add(name)
            elif name not in present:
                return {"ok": False, "error": "no_reaction"}
            else:
                present.discard(name)
            return {"ok": True}
        if method == "users.info":
            user = self.users.get(str(params.get("user")))
            return {"ok": True, "user": user} if user else {"ok": False, "error": "user_not_found"}
        messages = self.history.get(str(params.get("channel")), [])
        if method == "conversations.history":
            return {"ok": True, "messages": channel_history(messages, params), "has_more": False}
        if method == "conversations.replies":
            thread = thread_replies(messages, params)
            if thread is None:
                return {"ok": False, "error": "thread_not_found"}
            if str(params.get("include_all_metadata", "")).lower() not in ("1", "true"):
                thread = [{k: v for k, v in m.items() if k != "metadata"} for m in thread]
            return {"ok": True, "messages": thread, "has_more": False}
        return {"ok": False, "error": "unknown_method"}

    def _change(self, method: str, params: dict[str, Any]) -> dict[str, Any]:
        """chat.delete / chat.update: only the bot's own messages, as a bot token may; gone is an error."""
        channel = self.history.get(str(params.get("channel")), [])
        found = next((m for m in channel if m["ts"] == str(params.get("ts"))), None)
        if found is None:
            return {"ok": False, "error": "message_not_found"}
        if found.get("bot_id") != BOT_ID:
            refused = "cant_delete_message" if method == "chat.delete" else "cant_update_message"
            return {"ok": False, "error": refused}
        if method == "chat.delete":
            channel.remove(found)
        else:
            problems = limit_problems(params)
            if problems:
                return {"ok": False, "error": "invalid_blocks", "problems": problems}
            found["text"] = params.get("text")
            if "blocks" in params:  # an empty list removes the blocks, as Slack does
                found["blocks"] = params["blocks"]
        return {"ok": True, "channel": params.get("channel"), "ts": found["ts"]}

    async def _response(self, request: web.Request) -> web.Response:
        payload = await request.json()
        await self._record("response", request.match_info["name"], payload)
        problems = limit_problems(payload)
        return web.Response(status=400 if problems else 200, text="invalid_blocks" if problems else "ok")

    async def __aenter__(self) -> FakeSlackApi:
        app = web.Application()
        app.router.add_route("*", "/api/{method}", self._api)
        app.router.add_post("/response/{name}", self._response)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
