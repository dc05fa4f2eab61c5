"""A local OpenAI-compatible server (chat completions only) for tests and benches.

Each test queues the replies it wants (`server.queue(...)`); once the queue is empty the server
answers with schema-valid JSON built from the request itself. Every request body is recorded.
"""

from __future__ import annotations

import asyncio
import json
import re
import time
from collections import deque
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web

from bot.tokens import count_tokens, encoding_for

Reply = Callable[[dict[str, Any]], Awaitable[web.StreamResponse]]

_NUMBERED = re.compile(r"^\[(\d+)\] (.*)$", re.MULTILINE)
_TOPICS = re.compile(r"<topics>\n(.*?)\n</topics>", re.DOTALL)
_SPECULATIVE = re.compile(r"\b(could|may|might|will|would)\b", re.IGNORECASE)
_ATTRIBUTED = re.compile(r"\b(said|says|according to|told)\b", re.IGNORECASE)


def request_tokens(body: dict[str, Any]) -> int:
    """Prompt tokens as a server would count them: message texts, the schema, a few per message."""
    encoding = encoding_for("gpt-4.1-mini")
    messages = body.get("messages", [])
    total = sum(count_tokens(str(m.get("content", "")), encoding) + 4 for m in messages)
    fmt = body.get("response_format")
    if isinstance(fmt, dict) and fmt.get("type") == "json_schema":
        total += count_tokens(json.dumps(fmt["json_schema"]["schema"], separators=(",", ":")), encoding)
    return total + 3


def user_text(body: dict[str, Any]) -> str:
    """The user message of a recorded request."""
    return next(m["content"] for m in body["messages"] if m["role"] == "user")


def sent_numbers(body: dict[str, Any]) -> list[int]:
    """The sentence numbers a request carried, in order."""
    return [int(n) for n, _ in _NUMBERED.findall(user_text(body))]


def answer_from_request(body: dict[str, Any]) -> dict[str, Any]:
    """A plausible schema-valid answer: naive labels for every sent number, the first topic offered."""
    user = user_text(body)
    labels = []
    for number, text in _NUMBERED.findall(user):
        if _SPECULATIVE.search(text):
            labels.append({"n": int(number), "kind": "speculation", "source": None, "why": "modal verb"})
        elif _ATTRIBUTED.search(text):
            labels.append({"n": int(number), "kind": "claim", "source": "a source", "why": "attributed"})
        else:
            labels.append({"n": int(number), "kind": "fact", "source": None, "why": "reporter's voice"})
    first = _NUMBERED.search(user)
    summary = " ".join(first.group(2).split()[:40]) if first else ""
    topics = _TOPICS.search(user)
    legal = []
    if topics and topics.group(1) != "(none)":
        topic_id = topics.group(1).split(":", 1)[0]
        legal.append({"topic": topic_id, "relevance": "The story turns on this."})
    return {"summary": summary, "labels": labels, "flags": [], "legal": legal}


def completion_body(
    body: dict[str, Any],
    content: str | None,
    *,
    refusal: str | None = None,
    finish_reason: str = "stop",
    usage: bool = True,
) -> dict[str, Any]:
    """A chat.completion object around some content."""
    result: dict[str, Any] = {
        "id": "chatcmpl-fake",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": body.get("model", "fake"),
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": content, "refusal": refusal},
                "finish_reason": finish_reason,
            }
        ],
    }
    if usage:
        output = count_tokens(content or refusal or "", encoding_for("gpt-4.1-mini"))
        prompt = request_tokens(body)
        result["usage"] = {
            "prompt_tokens": prompt,
            "completion_tokens": output,
            "total_tokens": prompt + output,
        }
    return result


def answer(content: dict[str, Any] | str | None = None, *, delay: float = 0.0, **options: Any) -> Reply:
    """Reply with a completion: a dict as JSON text, a string verbatim, None = built from the request;
    `delay` seconds of thinking first, like a model writing a long answer."""

    async def reply(body: dict[str, Any]) -> web.StreamResponse:
        await asyncio.sleep(delay)
        text = content if isinstance(content, str) else json.dumps(content or answer_from_request(body))
        return web.json_response(completion_body(body, text, **options))

    return reply


def refuse(message: str = "I can't help with that.") -> Reply:
    """Reply with a Structured Outputs refusal."""

    async def reply(body: dict[str, Any]) -> web.StreamResponse:
        return web.json_response(completion_body(body, None, refusal=message))

    return reply


def error(status: int, code: str | None = None, *, retry_after_ms: int | None = 1) -> Reply:
    """Reply with an OpenAI-style error; a tiny Retry-After keeps retried tests fast."""

    async def reply(body: dict[str, Any]) -> web.StreamResponse:
        headers = {"retry-after-ms": str(retry_after_ms)} if retry_after_ms is not None else {}
        payload = {"error": {"message": f"fake error {status}", "type": "fake", "param": None, "code": code}}
        return web.json_response(payload, status=status, headers=headers)

    return reply


class FakeOpenAI:
    """The server: `await start()`, point OPENAI_BASE_URL at `base_url`, `await stop()`."""

    def __init__(self) -> None:
        self.requests: list[dict[str, Any]] = []
        self._script: deque[Reply] = deque()
        self._release = asyncio.Event()
        self._runner: web.AppRunner | None = None
        self.port = 0
        self.models = ["gpt-4.1-mini"]  # what GET /v1/models lists
        self.api_key: str | None = None  # when set, /v1/models answers 401 to any other bearer token

    @property
    def base_url(self) -> str:
        """The `/v1` root the SDK talks to."""
        return f"http://127.0.0.1:{self.port}/v1"

    def queue(self, *replies: Reply) -> None:
        """Replies for the next requests, in order."""
        self._script.extend(replies)

    def hang(self) -> Reply:
        """A reply that never comes (until the server stops), to exercise timeouts."""

        async def reply(body: dict[str, Any]) -> web.StreamResponse:
            await self._release.wait()
            return web.json_response({}, status=503)

        return reply

    async def _chat(self, request: web.Request) -> web.StreamResponse:
        body = await request.json()
        self.requests.append(body)
        reply = self._script.popleft() if self._script else answer()
        return await reply(body)

    async def _models(self, request: web.Request) -> web.StreamResponse:
        if self.api_key is not None and request.headers.get("Authorization") != f"Bearer {self.api_key}":
            return web.json_response({"error": {"message": "Incorrect API key provided"}}, status=401)
        data = [{"id": name, "object": "model", "owned_by": "fake"} for name in self.models]
        return web.json_response({"object": "list", "data": data})

    async def start(self) -> str:
        """Listen on a free loopback port; returns the base URL."""
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_post("/v1/chat/completions", self._chat)
        app.router.add_get("/v1/models", self._models)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        return self.base_url

    async def stop(self) -> None:
        """Release hanging replies and shut down."""
        self._release.set()
        if self._runner is not None:
            await self._runner.cleanup()
