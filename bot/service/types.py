"""Values exchanged between the service and the chat adapters (Discord, Slack, CLI)."""

from __future__ import annotations

from enum import StrEnum
from typing import Literal, Protocol

from pydantic import BaseModel

from bot.models import Analysis, Answer


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
    RATE_LIMITED = "rate_limited"  # the member's one notice in this window (ephemeral where possible)
    QUIET = "quiet"  # refused again within the window the member was told about: send nothing
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
    spent: bool = False  # this request ran (and paid for) the analysis, rather than sharing or reusing it

    @property
    def ok(self) -> bool:
        """True when there is an analysis to show."""
        return self.analysis is not None


class AskResult(BaseModel):
    """A follow-up question's outcome: an answer from the article, or one line for a person."""

    status: Status
    link: str
    answer: Answer | None = None
    message: str | None = None


class PostedReply(BaseModel):
    """A message the bot posted about one message's link, and where, so it can follow that message."""

    reply_id: str  # the bot's message: Discord message id, Slack ts
    thread_id: str  # where it was posted: Discord thread (or channel) id, Slack thread ts
    created_thread: bool = False  # the bot opened that thread for this message (Discord)
    permalink: str | None = None


class AnswerRecord(PostedReply):
    """Which bot message answered one message's link, as the store keeps it."""

    url: str
    at: float


class CommandReply(BaseModel):
    """A command's answer; `ephemeral` asks the adapter to show it only to the caller."""

    text: str
    ephemeral: bool = True
    analysis: Analysis | None = None
    done: bool = True  # False when the command was not carried out (unknown, bad arguments, refused)


class ChannelView(BaseModel):
    """The effective settings of one channel, as an adapter needs them."""

    auto_explain: bool = False
    trial: bool = False  # trial mode: analyse links as auto mode would and post nothing (`Service.trial`)
    reaction_requests: bool = True
    max_links: int = 3
    language: str = "en"


class Service(Protocol):
    """What adapters call; implemented once by `bot.service.service.ExplainService`."""

    async def links_to_explain(self, text: str, where: Where) -> list[str]:
        """Canonical article links in a message that this channel allows, up to its limit."""
        ...

    async def channel(self, where: Where) -> ChannelView:
        """Effective settings for a channel (guild/workspace defaults plus overrides)."""
        ...

    async def explain(self, link: str, where: Where, who: Who, *, in_thread: bool = False) -> ExplainResult:
        """Claim → policy → turn → cache → fetch → extract → engine → store, for one link; `in_thread`
        when the shared explain flow posts the result in the message's thread and settles its claim."""
        ...

    async def ask(
        self, link: str, question: str, where: Where, who: Who, *, in_thread: bool = False
    ) -> AskResult:
        """A follow-up question about a link's article, answered from that article and the knowledge
        base only, under the same claims, rate limits and budgets as an explanation."""
        ...

    async def trial(self, link: str, where: Where, who: Who) -> None:
        """Trial mode: explain a message's link as auto mode would, post nothing, record what it would have
        posted (and settle its claim)."""
        ...

    async def remember_reply(self, where: Where, link: str, permalink: str) -> None:
        """Record where the answer was posted, for "already explained here" pointers; ends the turn."""
        ...

    async def answered(self, where: Where, link: str) -> None:
        """Something was posted for this message and link: no later delivery of it is answered again."""
        ...

    async def release(self, where: Where, link: str) -> None:
        """Nothing was posted for this message and link: the next delivery of it is answered."""
        ...

    def end_turn(self, where: Where, link: str) -> None:
        """This message's request for the link is posted or given up: the next one for it here goes on."""
        ...

    async def command(self, text: str, where: Where, who: Who) -> CommandReply:
        """Run one text command (`auto on`, `domains block x.com`, `stats`, `help`, ...)."""
        ...

    async def feedback(self, where: Where, who: Who, link: str, vote: Literal[1, -1]) -> str:
        """Record 👍/👎 on a reply; returns a short thank-you line."""
        ...

    async def article_text(self, link: str) -> str | None:
        """The extracted text behind a cached analysis (for "What I read")."""
        ...

    async def cached_analysis(self, link: str, where: Where) -> Analysis | None:
        """The stored analysis of a link in this channel's language, free of claims and limits
        (for "Show all" on an answer)."""
        ...

    async def record_answer(self, where: Where, link: str, posted: PostedReply) -> None:
        """Record which bot message answered this message's link, so the answer can follow the message."""
        ...

    async def answers_to(self, where: Where) -> list[AnswerRecord]:
        """The answers still standing for this message, oldest first."""
        ...

    async def take_answers(self, where: Where, text: str | None) -> list[AnswerRecord]:
        """The answers to take down: all of them when the message is deleted (`text` None), else those
        whose link the edited `text` no longer has; each is handed to exactly one caller."""
        ...
