"""What went wrong with a remote request, whether to retry it, and how long to wait first."""

from __future__ import annotations

import random
from dataclasses import dataclass
from enum import StrEnum

import openai


class Failure(StrEnum):
    """Why the local engine answered instead; stored in `usage.fallback` and counted by the service."""

    RATE_LIMITED = "rate_limited"
    INSUFFICIENT_QUOTA = "insufficient_quota"
    TIMEOUT = "timeout"
    SERVER_ERROR = "server_error"
    INVALID_RESPONSE = "invalid_response"
    REFUSED = "refused"
    CONNECTION_ERROR = "connection_error"


INITIAL_BACKOFF = 0.5  # seconds, doubled per retry
MAX_BACKOFF = 8.0  # also caps a server's Retry-After, so one request never waits minutes


@dataclass(frozen=True)
class Diagnosis:
    """A failed attempt: its reason, whether another try may help, and the HTTP status if any."""

    failure: Failure
    retryable: bool
    status: int | None = None

    @property
    def unsupported_request(self) -> bool:
        """HTTP 400: the server refused the request itself (e.g. a compatible server without json_schema)."""
        return self.status == 400


def diagnose(exc: BaseException) -> Diagnosis:
    """The reason behind an SDK (or timeout) exception."""
    if isinstance(exc, openai.APITimeoutError | TimeoutError):
        return Diagnosis(Failure.TIMEOUT, retryable=True)
    if isinstance(exc, openai.APIConnectionError):
        return Diagnosis(Failure.CONNECTION_ERROR, retryable=True)
    if isinstance(exc, openai.RateLimitError):
        # An exhausted quota stays exhausted until someone pays, so retrying it only adds delay.
        if exc.code == "insufficient_quota":
            return Diagnosis(Failure.INSUFFICIENT_QUOTA, retryable=False, status=429)
        return Diagnosis(Failure.RATE_LIMITED, retryable=True, status=429)
    if isinstance(exc, openai.APIStatusError):
        status = exc.status_code
        return Diagnosis(Failure.SERVER_ERROR, retryable=status >= 500 or status in (408, 409), status=status)
    return Diagnosis(Failure.INVALID_RESPONSE, retryable=False)


def retry_after(exc: BaseException) -> float | None:
    """Seconds the server asked us to wait (Retry-After-Ms or Retry-After), if it said so."""
    response = getattr(exc, "response", None)
    if response is None:
        return None
    for header, divisor in (("retry-after-ms", 1000.0), ("retry-after", 1.0)):
        value = response.headers.get(header)
        if value is None:
            continue
        try:
            return max(float(value) / divisor, 0.0)
        except ValueError:
            continue
    return None


def backoff_delay(attempt: int, requested: float | None = None) -> float:
    """Seconds to wait before retry number `attempt` (0-based): the server's wish or capped exponential."""
    if requested is not None:
        return min(requested, MAX_BACKOFF)
    # Jitter spreads the retries of concurrent analyses hitting the same limit.
    return min(INITIAL_BACKOFF * 2**attempt, MAX_BACKOFF) * random.uniform(0.75, 1.0)
