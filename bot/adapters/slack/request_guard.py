"""HTTP mode's front door: verify Slack's signature and the body's shape before Bolt sees a request.

Bolt turns a malformed `X-Slack-Request-Timestamp` (`abc`, 400 digits) or an unparsable signed body
into a 500 with a traceback in the log, which anyone on the internet can trigger hundreds of times a
second. Here every request whose signature cannot be verified gets 401 and every signed body that is
not what Slack sends gets 400, each with at most one short log line per interval.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import re
import time
from collections.abc import Awaitable, Callable, Mapping
from urllib.parse import parse_qs

from aiohttp import web

log = logging.getLogger("footnote.slack")

MAX_AGE = 5 * 60.0  # Slack's own replay window for a signed request
LOG_INTERVAL = 60.0  # at most one line per kind of refusal in this long, however many arrive
_TIMESTAMP = re.compile(r"[0-9]{1,12}")  # ASCII digits only; `int()` would accept "٣" and " 1_0 "
_SIGNATURE = re.compile(r"v0=[0-9a-f]{64}")

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


class RefusalLog:
    """One short log line per kind of refusal and interval, with how many were refused meanwhile."""

    def __init__(self, interval: float = LOG_INTERVAL, clock: Callable[[], float] = time.monotonic) -> None:
        self._interval = interval
        self._clock = clock
        self._last: dict[str, float] = {}
        self._quiet: dict[str, int] = {}

    def refused(self, kind: str, status: int) -> None:
        """Count one refusal; log it if this kind has not been logged within the interval."""
        now = self._clock()
        last = self._last.get(kind)
        if last is not None and now - last < self._interval:
            self._quiet[kind] = self._quiet.get(kind, 0) + 1
            return
        self._last[kind] = now
        more = self._quiet.pop(kind, 0)
        log.warning("refused a Slack request: %s (%d)%s", kind, status, f", and {more} more" if more else "")


def signature_problem(secret: str, headers: Mapping[str, str], body: bytes, now: float) -> str | None:
    """Why a request's signature cannot be verified, or None when it is Slack's."""
    stamp = headers.get("X-Slack-Request-Timestamp", "")
    signature = headers.get("X-Slack-Signature", "")
    if not _TIMESTAMP.fullmatch(stamp):
        return "malformed timestamp"
    if abs(now - int(stamp)) > MAX_AGE:
        return "stale timestamp"
    if not _SIGNATURE.fullmatch(signature):
        return "malformed signature"
    digest = hmac.new(secret.encode(), b"v0:" + stamp.encode() + b":" + body, hashlib.sha256).hexdigest()
    if not hmac.compare_digest(signature, f"v0={digest}"):
        return "wrong signature"
    return None


def body_problem(content_type: str, body: bytes) -> str | None:
    """Why a signed body is not one Slack sends (JSON object, or a form whose `payload` is one)."""
    try:
        text = body.decode("utf-8")
        if content_type == "application/json":
            return None if isinstance(json.loads(text), dict) else "JSON body is not an object"
        if content_type == "application/x-www-form-urlencoded":
            form = parse_qs(text, keep_blank_values=True, strict_parsing=bool(text))
            payloads = form.get("payload")
            if payloads is not None and not (
                len(payloads) == 1 and isinstance(json.loads(payloads[0]), dict)
            ):
                return "form payload is not a JSON object"
            return None
    except (UnicodeDecodeError, ValueError, RecursionError):
        return "unparsable body"
    return "unexpected content type"


def guard(
    secret: str, refusals: RefusalLog | None = None, clock: Callable[[], float] = time.time
) -> Callable[[web.Request, Handler], Awaitable[web.StreamResponse]]:
    """An aiohttp middleware for POSTs: 401 unless signed by Slack, 400 unless shaped like Slack's."""
    refusals = refusals or RefusalLog()

    @web.middleware
    async def middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
        if request.method != "POST":
            return await handler(request)
        body = await request.read()  # aiohttp caches it: Bolt's adapter reads the same bytes
        problem = signature_problem(secret, request.headers, body, clock())
        if problem is not None:
            refusals.refused(problem, 401)
            return web.Response(status=401)
        problem = body_problem(request.content_type, body)
        if problem is not None:
            refusals.refused(problem, 400)
            return web.Response(status=400)
        return await handler(request)

    return middleware
