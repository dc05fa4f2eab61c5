"""Slack events → service calls → Slack messages: auto mode, 📰 requests, `/footnote` and answer buttons.

One `register_listeners` serves Socket Mode and HTTP mode alike. Listeners never decide policy:
which links count, whether a channel is in auto mode and what a refusal says come from the
service. Every listener catches its own failures, so one bad request never stops the app.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Awaitable, Callable
from typing import Any, Literal

from slack_bolt.async_app import AsyncApp
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.adapters.activity import Activity
from bot.adapters.explain_flow import DONE, PROBLEM, WORKING, PostFailed, explain_message
from bot.adapters.slack.ask import (
    COMMAND_USAGE,
    answer_thread_question,
    ask_command,
    is_thread_question,
    render_ask,
)
from bot.adapters.slack.blocks import (
    ACTION_ALL,
    ACTION_DOWN,
    ACTION_READ,
    ACTION_UP,
    QUIET_POST,
    SlackMessage,
    plain,
    render_all,
    render_answer,
    render_article_text,
    render_notice,
    render_reply,
)
from bot.adapters.slack.bolt_app import api_error
from bot.adapters.slack.follow import follow_event
from bot.adapters.slack.permissions import reply_thread, where_of_message, where_of_request, who_is
from bot.adapters.trial_flow import read_quietly
from bot.config import Settings
from bot.service import messages
from bot.service.types import ExplainResult, PostedReply, Service, Status, Where, Who

log = logging.getLogger("footnote.slack")

WORKING_MARK, DONE_MARK, PROBLEM_MARK = "hourglass_flowing_sand", "white_check_mark", "warning"
REQUEST_REACTION = "newspaper"
REPLY_EVENT = "footnote_reply"  # message metadata on every reply: which message and link it answers
RETRY_HEADER = "x-slack-retry-num"
COMMAND = "/footnote"
# Subtypes that are a person's message; joins, deletions, topics and bot posts are not.
HUMAN_SUBTYPES = frozenset({None, "thread_broadcast", "file_share", "me_message"})
SHOW_ALL_PAGES = 4  # a response_url takes five posts; keep one for the "there is more" note
# `<https://x|label>` as Slack escapes links in command text: the service wants the bare URL.
_SLACK_LINK = re.compile(r"<(https?://[^|>\s]+)(?:\|[^>]*)?>")
_LINK_WORD = re.compile(r"<?https?://", re.IGNORECASE)

Respond = Callable[..., Awaitable[Any]]


def is_member_message(message: dict[str, Any]) -> bool:
    """A message a person wrote: not a bot, not a system message, not hidden."""
    return (
        bool(message.get("user"))
        and not message.get("bot_id")
        and not message.get("hidden")
        and message.get("subtype") in HUMAN_SUBTYPES
        and bool(message.get("ts"))
    )


def command_text(text: str) -> str:
    """`/footnote <url>` means `/footnote explain <url>`; Slack's `<url|label>` becomes the bare URL."""
    text = _SLACK_LINK.sub(r"\1", text.strip())
    return f"explain {text}" if _LINK_WORD.match(text) else text


def command_link(text: str) -> str | None:
    """The link of an `explain` command, as the buttons of its answer should carry it."""
    words = text.split()
    if len(words) == 2 and words[0].lower() == "explain":
        return words[1].strip("<>")
    return None


class SlackListeners:
    """The event, command and button listeners, bound to one service and the settings."""

    def __init__(self, service: Service, settings: Settings) -> None:
        self.service = service
        self.settings = settings
        self.activity = Activity()

    # Auto mode and 📰 requests

    async def on_message(
        self,
        event: dict[str, Any],
        body: dict[str, Any],
        client: AsyncWebClient,
        request: AsyncBoltRequest | None = None,
    ) -> None:
        """Auto mode: explain a new message's article links (or the links an edit added); a deletion or
        an edit that removed a link takes its answer down."""
        async with self.activity.track():
            try:
                await self._on_message(event, str(body.get("team_id") or ""), client, _retried(request))
            except Exception:
                log.exception("a message event failed (channel %s)", event.get("channel"))

    async def _on_message(
        self, event: dict[str, Any], team: str, client: AsyncWebClient, retried: bool
    ) -> None:
        if await follow_event(self.service, client, team, event):
            return  # a deletion: its answers are taken down, and there is nothing to explain
        channel = str(event.get("channel") or "")
        subtype = event.get("subtype")
        if subtype == "message_changed":
            message, before = event.get("message") or {}, event.get("previous_message") or {}
        elif subtype in HUMAN_SUBTYPES:
            message, before = event, None
        else:
            return  # deletions, joins, bot posts, topic changes...
        if not channel or not is_member_message(message):
            return
        where = where_of_message(team, channel, message)
        view = await self.service.channel(where)
        if not (view.auto_explain or view.trial):
            return
        links = await self.service.links_to_explain(str(message.get("text") or ""), where)
        if before is not None:
            # Unfurls and typo fixes also fire edits: only links the edit added are new requests.
            old = set(await self.service.links_to_explain(str(before.get("text") or ""), where))
            links = [link for link in links if link not in old]
        if links:
            who = Who(user_id=str(message["user"]))
            if view.trial:
                await read_quietly(self.service, where, links, who)  # trial mode: nothing is posted
                return
            await self.explain_message(client, where, message, links, who, retried)

    async def on_thread_question(
        self,
        event: dict[str, Any],
        body: dict[str, Any],
        client: AsyncWebClient,
        context: Any,
        request: AsyncBoltRequest | None = None,
    ) -> None:
        """A member's question to the bot in a Footnote thread (`ask.py`); in any other thread the
        message is an ordinary one."""
        async with self.activity.track():
            team = str(body.get("team_id") or "")
            try:
                if not await answer_thread_question(self.service, event, team, client, context.bot_user_id):
                    await self._on_message(event, team, client, _retried(request))
            except Exception:
                log.exception("a thread question failed (channel %s)", event.get("channel"))

    async def on_reaction(
        self,
        event: dict[str, Any],
        body: dict[str, Any],
        client: AsyncWebClient,
        request: AsyncBoltRequest | None = None,
    ) -> None:
        """A 📰 reaction asks for the message's links to be explained, even where auto mode is off."""
        async with self.activity.track():
            try:
                await self._on_reaction(event, str(body.get("team_id") or ""), client, _retried(request))
            except Exception:
                channel = (event.get("item") or {}).get("channel")
                log.exception("a reaction event failed (channel %s)", channel)

    async def _on_reaction(
        self, event: dict[str, Any], team: str, client: AsyncWebClient, retried: bool
    ) -> None:
        item = event.get("item") or {}
        if event.get("reaction") != REQUEST_REACTION or item.get("type") != "message":
            return
        if not event.get("user"):
            return
        channel, ts = str(item.get("channel") or ""), str(item.get("ts") or "")
        if not (await self.service.channel(where_of_request(team, channel))).reaction_requests:
            return
        message = await self._fetch_message(client, channel, ts)
        if message is None or not is_member_message(message):
            return
        where = where_of_message(team, channel, message)
        links = await self.service.links_to_explain(str(message.get("text") or ""), where)
        if links:
            await self.explain_message(
                client, where, message, links, Who(user_id=str(event["user"])), retried
            )

    async def _fetch_message(self, client: AsyncWebClient, channel: str, ts: str) -> dict[str, Any] | None:
        """The message at `ts`: from the channel's history, else from the thread it was posted in.

        History holds no thread replies; `conversations.replies` always lists the thread's parent
        first, so its limit leaves room for the reply itself.
        """
        try:
            found = await client.conversations_history(
                channel=channel, oldest=ts, latest=ts, inclusive=True, limit=1
            )
            message = _message_at(found.get("messages"), ts)
            if message is None:
                found = await client.conversations_replies(
                    channel=channel, ts=ts, oldest=ts, latest=ts, inclusive=True, limit=2
                )
                message = _message_at(found.get("messages"), ts)
        except SlackApiError as exc:
            log.info("couldn't fetch message %s in %s (%s)", ts, channel, api_error(exc))
            return None
        return message

    async def explain_message(
        self,
        client: AsyncWebClient,
        where: Where,
        message: dict[str, Any],
        links: list[str],
        who: Who,
        retried: bool = False,
    ) -> bool:
        """⏳ at once, one answer per link in the message's thread, then ✅ or ⚠️ in place of ⏳.

        On Slack's retry of an event, the thread is read first: a reply the killed predecessor
        posted (but had not recorded) is not posted again."""
        place = SlackPlace(client, where.channel, str(message["ts"]), reply_thread(message), retried)
        return await explain_message(self.service, place, where, links, who)

    # /footnote

    async def ack_command(self, ack: Callable[..., Awaitable[None]], command: dict[str, Any]) -> None:
        """Answer Slack within its 3 seconds; the work follows in `run_command`."""
        if command_link(command_text(str(command.get("text") or ""))):
            await ack(text="📰 Reading that link…", response_type="ephemeral")
        else:
            await ack()

    async def run_command(self, command: dict[str, Any], client: AsyncWebClient, respond: Respond) -> None:
        """Run `/footnote …` through the service and answer via the command's response_url."""
        async with self.activity.track():
            try:
                await self._run_command(command, client, respond)
            except Exception:
                log.exception("/footnote failed (channel %s)", command.get("channel_id"))
                await _respond(respond, plain(messages.unexpected_failure()), ephemeral=True)

    async def _run_command(self, command: dict[str, Any], client: AsyncWebClient, respond: Respond) -> None:
        text = command_text(str(command.get("text") or ""))
        where = where_of_request(str(command.get("team_id") or ""), str(command.get("channel_id") or ""))
        who = await who_is(client, str(command.get("user_id") or ""), self.settings)
        asked = ask_command(text)
        if asked is not None:
            await self._ask_command(*asked, where, who, respond)
            return
        reply = await self.service.command(text, where, who)
        if reply.analysis is not None:
            await _respond(respond, render_answer(reply.analysis, command_link(text)), ephemeral=False)
        elif reply.text:
            await _respond(respond, render_reply(reply.text), ephemeral=reply.ephemeral)

    async def _ask_command(self, link: str, question: str, where: Where, who: Who, respond: Respond) -> None:
        """`/footnote ask <link> <question>`: the answer in the channel, a refusal only to the asker."""
        if not link or not question:
            await _respond(respond, plain(COMMAND_USAGE), ephemeral=True)
            return
        result = await self.service.ask(link, question, where, who)
        await _respond(respond, render_ask(result), ephemeral=result.answer is None)

    # Answer buttons

    async def on_action(
        self,
        ack: Callable[..., Awaitable[None]],
        body: dict[str, Any],
        action: dict[str, Any],
        respond: Respond,
    ) -> None:
        """👍/👎 record feedback, "What I read" shows the text, "Show all" lists everything; all ephemeral."""
        await ack()
        async with self.activity.track():
            try:
                await self._on_action(body, action, respond)
            except Exception:
                log.exception("a button failed (%s)", action.get("action_id"))
                await _respond(respond, plain(messages.unexpected_failure()), ephemeral=True)

    async def _on_action(self, body: dict[str, Any], action: dict[str, Any], respond: Respond) -> None:
        link = str(action.get("value") or "")
        if not link:
            await _respond(respond, plain("This answer has no link I can look up any more."), ephemeral=True)
            return
        team = str((body.get("team") or {}).get("id") or body.get("team_id") or "")
        where = where_of_request(team, str((body.get("channel") or {}).get("id") or ""))
        who = Who(user_id=str((body.get("user") or {}).get("id") or ""))
        action_id = action.get("action_id")
        if action_id in (ACTION_UP, ACTION_DOWN):
            vote: Literal[1, -1] = 1 if action_id == ACTION_UP else -1
            thanks = await self.service.feedback(where, who, link, vote)
            await _respond(respond, plain(thanks), ephemeral=True)
        elif action_id == ACTION_READ:
            text = await self.service.article_text(link)
            reply = (
                render_article_text(text, link)
                if text
                else plain("I no longer have the text of that article; ask again to read it afresh.")
            )
            await _respond(respond, reply, ephemeral=True)
        elif action_id == ACTION_ALL:
            await self._show_all(link, where, respond)

    async def _show_all(self, link: str, where: Where, respond: Respond) -> None:
        analysis = await self.service.cached_analysis(link, where)
        if analysis is None:
            text = f"I no longer have that analysis; ask me again with `{COMMAND} {link}` to see it afresh."
            await _respond(respond, plain(text), ephemeral=True)
            return
        pages = render_all(analysis)
        for page in pages[:SHOW_ALL_PAGES]:
            await _respond(respond, page, ephemeral=True)
        if len(pages) > SHOW_ALL_PAGES:
            text = f"That's the first {SHOW_ALL_PAGES} of {len(pages)} pages; the rest doesn't fit here."
            await _respond(respond, plain(text), ephemeral=True)

    async def on_error(self, error: Exception) -> None:
        """Bolt's last resort: log the failure (never the request body, which carries tokens)."""
        log.error("unhandled error in a Slack listener: %s", type(error).__name__, exc_info=error)


class SlackPlace:
    """A message's reactions and thread, for the shared explain flow."""

    MARKS = {WORKING: WORKING_MARK, DONE: DONE_MARK, PROBLEM: PROBLEM_MARK}

    def __init__(
        self, client: AsyncWebClient, channel: str, ts: str, thread: str, redelivered: bool = False
    ) -> None:
        self.client, self.channel, self.ts, self.thread = client, channel, ts, thread
        self.redelivered = redelivered
        self.private: set[str] = set()  # ts of posts only the asker sees (they cannot be taken down)

    def _metadata(self, link: str) -> dict[str, Any]:
        """What marks a reply as ours, about this message and link (read back by `posted_before`)."""
        return {"event_type": REPLY_EVENT, "event_payload": {"message": self.ts, "link": link}}

    async def posted_before(self, link: str) -> bool:
        """On Slack's retry: whether the thread already holds our reply to this message about `link`."""
        if not self.redelivered:
            return False
        try:
            found = await self.client.conversations_replies(
                channel=self.channel, ts=self.thread, oldest=self.ts, include_all_metadata=True, limit=100
            )
        except SlackApiError as exc:
            log.info("couldn't read thread %s in %s (%s)", self.thread, self.channel, api_error(exc))
            return False
        wanted = self._metadata(link)
        return any(m.get("metadata") == wanted for m in found.get("messages") or [])

    async def add_mark(self, mark: str) -> bool:
        """Add a reaction; False when it could not be added (or was there already)."""
        try:
            await self.client.reactions_add(channel=self.channel, timestamp=self.ts, name=self.MARKS[mark])
        except SlackApiError as exc:
            log.debug("couldn't react %s on %s (%s)", mark, self.ts, api_error(exc))
            return False
        return True

    async def remove_mark(self, mark: str) -> None:
        """Take our reaction away (best effort)."""
        try:
            await self.client.reactions_remove(channel=self.channel, timestamp=self.ts, name=self.MARKS[mark])
        except SlackApiError as exc:
            log.debug("couldn't remove %s on %s (%s)", mark, self.ts, api_error(exc))

    async def post(self, result: ExplainResult, who: Who) -> str:
        """Send one result in the thread (a rate-limit or budget notice only to the asker); the sent ts."""
        reply = (
            render_notice(result) if result.analysis is None else render_answer(result.analysis, result.link)
        )
        try:
            if result.status in (Status.RATE_LIMITED, Status.BUDGET_SPENT):
                sent = await self.client.chat_postEphemeral(
                    channel=self.channel, user=who.user_id, thread_ts=self.thread, **reply.payload()
                )
                self.private.add(str(sent.get("message_ts") or ""))
                return str(sent.get("message_ts") or "")
            sent = await self.client.chat_postMessage(
                channel=self.channel,
                thread_ts=self.thread,
                metadata=self._metadata(result.link),
                **QUIET_POST,
                **reply.payload(),
            )
        except SlackApiError as exc:
            raise PostFailed(api_error(exc)) from exc
        return str(sent.get("ts") or "")

    async def permalink(self, sent: object) -> str | None:
        """The answer's permalink; None when Slack has none for it (the answer is out either way)."""
        try:
            found = await self.client.chat_getPermalink(channel=self.channel, message_ts=str(sent))
        except SlackApiError as exc:
            log.info("no permalink for %s in %s (%s)", sent, self.channel, api_error(exc))
            return None
        permalink = found.get("permalink")
        return str(permalink) if permalink else None

    def posted(self, sent: object, permalink: str | None) -> PostedReply | None:
        """The reply's ts in the message's thread, for answers that follow the message."""
        if not sent or str(sent) in self.private:
            return None
        return PostedReply(reply_id=str(sent), thread_id=self.thread, permalink=permalink)


def _retried(request: AsyncBoltRequest | None) -> bool:
    """Whether Slack marked this delivery as a retry of one it thinks was lost."""
    return request is not None and bool(request.headers.get(RETRY_HEADER))


def _message_at(found: list[dict[str, Any]] | None, ts: str) -> dict[str, Any] | None:
    """The message whose `ts` is `ts` among those Slack returned."""
    return next((dict(m) for m in found or [] if m.get("ts") == ts), None)


async def _respond(respond: Respond, message: SlackMessage, *, ephemeral: bool) -> None:
    """Post to the request's response_url: visible to the caller only, or to the channel."""
    await respond(
        response_type="ephemeral" if ephemeral else "in_channel",
        replace_original=False,
        unfurl_links=False,
        unfurl_media=False,
        **message.payload(),
    )


def register_listeners(app: AsyncApp, service: Service, settings: Settings) -> SlackListeners:
    """Wire every listener into a Bolt app (the same for Socket Mode and HTTP mode)."""
    listeners = SlackListeners(service, settings)
    # A question to the bot in a thread goes first; every other message to the ordinary listener.
    app.event("message", matchers=[is_thread_question])(listeners.on_thread_question)
    app.event("message")(listeners.on_message)
    app.event("reaction_added")(listeners.on_reaction)
    app.command(COMMAND)(ack=listeners.ack_command, lazy=[listeners.run_command])
    app.action(re.compile(r"^footnote_"))(listeners.on_action)
    app.error(listeners.on_error)
    return listeners
