"""Network failures as one line with what to check, for every command (never a traceback)."""

from __future__ import annotations

import socket
import ssl
import sys
from urllib.parse import urlsplit

CHECK = "check the network connection, DNS and any proxy (HTTPS_PROXY), then try again"


def _chain(exc: BaseException) -> list[BaseException]:
    """The exception and the ones it was raised from or during, innermost last."""
    seen: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and current not in seen:
        seen.append(current)
        current = current.__cause__ or current.__context__
    return seen


def _network_classes() -> tuple[type[BaseException], ...]:
    """Client errors of the HTTP libraries already imported (none is imported just for this)."""
    classes: list[type[BaseException]] = [socket.gaierror, ConnectionError, ssl.SSLError, TimeoutError]
    aiohttp = sys.modules.get("aiohttp")
    if aiohttp is not None:
        classes += [aiohttp.ClientConnectionError, aiohttp.ClientPayloadError]
    httpx = sys.modules.get("httpx")
    if httpx is not None:
        classes.append(httpx.TransportError)
    return tuple(classes)


def _where(exc: BaseException) -> str:
    """The host a failed connection was for, when the error says."""
    host = getattr(exc, "host", None)
    if host:
        port = getattr(exc, "port", None)
        return f"{host}:{port}" if port and port not in (80, 443) else str(host)
    request = getattr(exc, "_request", None)  # httpx keeps the request it failed on
    if request is not None:
        return urlsplit(str(request.url)).netloc
    return ""


def _reason(chain: list[BaseException]) -> str:
    """What went wrong, from the most telling error in the chain."""
    reasons = [_reason_of(error) for error in chain]
    return next((reason for reason in reasons if reason != "the connection failed"), reasons[0])


def _reason_of(exc: BaseException) -> str:
    if (
        isinstance(exc, socket.gaierror)
        or "name resolution" in str(exc).lower()
        or "DNS" in type(exc).__name__
    ):
        return "the name could not be resolved (DNS)"
    if isinstance(exc, ssl.SSLError) or "ssl" in type(exc).__name__.lower():
        return "the TLS handshake failed"
    if isinstance(exc, TimeoutError) or "timeout" in type(exc).__name__.lower():
        return "the connection timed out"
    if isinstance(exc, ConnectionRefusedError) or isinstance(
        getattr(exc, "os_error", None), ConnectionRefusedError
    ):
        return "the connection was refused"
    return "the connection failed"


def network_problem(exc: BaseException) -> str | None:
    """One line for a failure to reach a server, or None when the error is something else."""
    classes = _network_classes()
    chain = _chain(exc)
    for index, error in enumerate(chain):
        if isinstance(error, classes):
            where = next((w for w in map(_where, chain) if w), "the server")
            return f"Could not reach {where}: {_reason(chain[index:])}; {CHECK}."
    return None
