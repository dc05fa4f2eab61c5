"""Per-workspace and per-channel settings, declared once with their defaults, and the pure rules on them.

Settings are stored as one row per key at three scopes, broadest first: the operator's global
scope (`GLOBAL`), a workspace (Discord guild / Slack team), then one channel. The effective value of a
key is the narrowest one set, falling back to the defaults declared here.

Domain rules are keys of their own (`domain:example.com` → "allow" | "block"), so that adding one
never rewrites a list and concurrent moderators cannot lose each other's changes.

Spending decisions: a cache hit is free, so it never counts against the daily budget, but it still
posts a reply in the channel, so it does count against the user and channel rate limits (those limit
noise, not cost). Joining an analysis that another request already started counts the same way.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

from pydantic import BaseModel, Field, ValidationError

from bot.config import Settings

GLOBAL = "*"  # the workspace id of the operator's scope, which every workspace inherits
DOMAIN_PREFIX = "domain:"
ALLOW, BLOCK = "allow", "block"
TRIAL = "trial"  # auto mode's third state: read every link as auto mode would, post nothing, record it


class RateLimit(BaseModel):
    """At most `count` explanations per `minutes`, in a sliding window."""

    count: int = Field(ge=1, le=10_000)
    minutes: int = Field(ge=1, le=24 * 60)

    @property
    def window_seconds(self) -> float:
        """The window length in seconds."""
        return self.minutes * 60.0


class Policy(BaseModel):
    """The effective settings of one channel; field defaults are the product's defaults."""

    auto_explain: bool | Literal["trial"] = False  # off until a moderator enables a channel (or tries it)
    reaction_requests: bool = True
    max_links: int = Field(3, ge=1, le=10)
    language: str = "en"
    user_limit: RateLimit = RateLimit(count=5, minutes=10)
    channel_limit: RateLimit = RateLimit(count=20, minutes=10)
    budget_requests: int = Field(200, ge=0)
    budget_tokens: int = Field(2_000_000, ge=0)
    allowed_domains: list[str] = Field(default_factory=list)
    blocked_domains: list[str] = Field(default_factory=list)

    @property
    def answers_automatically(self) -> bool:
        """Auto mode is on: every link is explained in the channel."""
        return self.auto_explain is True

    @property
    def in_trial(self) -> bool:
        """Trial mode: every link is analysed as in auto mode, and nothing is posted."""
        return self.auto_explain == TRIAL

    def allows_domain(self, host: str) -> bool:
        """False when the host is blocked, or when an allow list exists and the host is not on it."""
        if any(_host_matches(host, d) for d in self.blocked_domains):
            return False
        return not self.allowed_domains or any(_host_matches(host, d) for d in self.allowed_domains)


# The keys a moderator can set, i.e. every Policy field except the domain lists (set per domain).
SETTING_KEYS = frozenset(Policy.model_fields) - {"allowed_domains", "blocked_domains"}


def default_policy(settings: Settings) -> Policy:
    """The defaults, with the one the operator configures in the environment."""
    return Policy(max_links=max(1, min(settings.max_links_per_message, 10)))


def domain_key(domain: str) -> str:
    """The settings key holding one domain's rule."""
    return DOMAIN_PREFIX + normalise_domain(domain)


def normalise_domain(domain: str) -> str:
    """`https://www.Example.com/x` or `Example.com.` → `example.com`."""
    value = domain.strip().lower()
    value = value.split("://", 1)[-1].split("/", 1)[0].split(":", 1)[0].strip(".")
    return value.removeprefix("www.")


def _host_matches(host: str, domain: str) -> bool:
    host = host.lower().strip(".")
    return host == domain or host.endswith("." + domain)


def effective_policy(defaults: Policy, layers: Iterable[Mapping[str, Any]]) -> Policy:
    """Apply stored layers (broadest first) over the defaults; a value that no longer validates is skipped."""
    values = defaults.model_dump()
    rules: dict[str, str] = {}
    for layer in layers:
        for key, value in layer.items():
            if key.startswith(DOMAIN_PREFIX):
                rules[key.removeprefix(DOMAIN_PREFIX)] = value
            elif key in SETTING_KEYS:
                try:
                    values = Policy.model_validate({**values, key: value}).model_dump()
                except ValidationError:
                    continue  # written by an older version with other bounds: the broader value stands
    values["allowed_domains"] = sorted(d for d, rule in rules.items() if rule == ALLOW)
    values["blocked_domains"] = sorted(d for d, rule in rules.items() if rule == BLOCK)
    return Policy.model_validate(values)


def utc_day_start(now: float) -> float:
    """The epoch second at which the current UTC day began (budgets reset then)."""
    day = datetime.fromtimestamp(now, UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    return day.timestamp()


def seconds_to_midnight_utc(now: float) -> float:
    """How long until the daily budget resets."""
    return utc_day_start(now) + timedelta(days=1).total_seconds() - now


def retry_after(timestamps: Iterable[float], limit: RateLimit, now: float) -> float | None:
    """Seconds until one more event fits in the sliding window, or None if it fits now."""
    recent = sorted(t for t in timestamps if t > now - limit.window_seconds)
    if len(recent) < limit.count:
        return None
    # The window frees a slot when the oldest event that keeps it full falls out of it.
    return recent[len(recent) - limit.count] + limit.window_seconds - now
