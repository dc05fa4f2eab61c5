"""Values exchanged between the service and the chat adapters (Discord, Slack, CLI)."""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel

from bot.models import Analysis


class Where(BaseModel):
    """Where a request came from. Ids are the platform's own, as strings."""

    platform: str  # "discord" | "slack" | "cli"
    workspace: str  # Discord guild id / Slack team id
    channel: str
    message_id: str | None = None  # the message whose link is explained (for the exactly-once claim)
    thread: str | None = None


class Who(BaseModel):
    """Who asked; `is_moderator` is decided by the adapter from platform permissions."""

    user_id: str
    is_moderator: bool = False


class Status(StrEnum):
    """Every outcome of an explain request, each mapped to one user message."""

    OK = "ok"
    CACHED = "cached"
    ALREADY_HERE = "already_here"
    DUPLICATE = "duplicate"  # this message+link was already claimed: send nothing
    RATE_LIMITED = "rate_limited"
    BUDGET_SPENT = "budget_spent"
    DOMAIN_BLOCKED = "domain_blocked"
    NOT_ARTICLE = "not_article"
    FAILED = "failed"  # fetch/extract refusal: `message` says why


class ExplainResult(BaseModel):
    """What an adapter renders: an analysis, or one line for a person."""

    status: Status
    link: str
    analysis: Analysis | None = None
    message: str | None = None
    permalink: str | None = None  # for ALREADY_HERE: the earlier thread
    error_kind: str | None = None

    @property
    def ok(self) -> bool:
        """True when there is an analysis to show."""
        return self.analysis is not None


class CommandReply(BaseModel):
    """A command's answer; `ephemeral` asks the adapter to show it only to the caller."""

    text: str
    ephemeral: bool = True
    analysis: Analysis | None = None
