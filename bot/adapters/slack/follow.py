"""Slack: the bot's answer follows its message when a member deletes it or edits its link away.

`message` events carry both: subtype `message_deleted` (or, for a message with thread replies,
`message_changed` into a "tombstone"), and `message_changed` with the edited text. Which answers to
take down comes from the service (`bot.adapters.follow_flow`); this module reads the thread and
deletes or updates the bot's replies with the scopes it already has (`channels:history`,
`chat:write`).
"""

from __future__ import annotations

import logging
from typing import Any

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.adapters.follow_flow import follow_message
from bot.adapters.slack.blocks import plain
from bot.adapters.slack.bolt_app import api_error
from bot.adapters.slack.permissions import PLATFORM
from bot.service.types import AnswerRecord, Service, Where

log = logging.getLogger("footnote.slack")

HISTORY_LIMIT = 100  # replies read to see whether anyone but the bot wrote in the thread
GONE = frozenset({"message_not_found", "thread_not_found", "channel_not_found"})
SYSTEM_USER = "USLACKBOT"  # writes the "This message was deleted." tombstone


class SlackThreads:
    """The bot's replies in one channel: read who replied, delete or replace a reply."""

    def __init__(self, client: AsyncWebClient, channel: str) -> None:
        self.client, self.channel = client, channel

    async def others_replied(self, thread_id: str, after: str) -> bool:
        """Whether anyone but a bot wrote in the thread after the original message."""
        try:
            found = await self.client.conversations_replies(
                channel=self.channel, ts=thread_id, oldest=after, inclusive=False, limit=HISTORY_LIMIT
            )
        except SlackApiError as exc:
            if api_error(exc) in GONE:
                return False
            # Unsure: replacing the answer with one line is safe either way, deleting it is not.
            why = api_error(exc)
            log.info("couldn't read thread %s in %s (%s); assuming replies", thread_id, self.channel, why)
            return True
        replies = found.get("messages") or []
        return any(_by_a_person(m) and float(m.get("ts") or 0) > float(after) for m in replies)

    async def delete(self, answer: AnswerRecord) -> None:
        """Delete one reply; one already gone is done."""
        try:
            await self.client.chat_delete(channel=self.channel, ts=answer.reply_id)
        except SlackApiError as exc:
            if api_error(exc) not in GONE:
                raise

    async def replace(self, answer: AnswerRecord, line: str) -> None:
        """Replace one reply (its blocks and buttons too) with a line of our own."""
        try:
            await self.client.chat_update(
                channel=self.channel, ts=answer.reply_id, blocks=[], **plain(line).payload()
            )
        except SlackApiError as exc:
            if api_error(exc) not in GONE:
                raise

    async def delete_thread(self, thread_id: str) -> bool:
        """Slack has no thread to delete: it goes with its last reply."""
        return False


def _by_a_person(message: dict[str, Any]) -> bool:
    return (
        bool(message.get("user"))
        and message.get("user") != SYSTEM_USER
        and not message.get("bot_id")
        and message.get("subtype") not in ("tombstone", "bot_message")
    )


async def follow_event(service: Service, client: AsyncWebClient, team: str, event: dict[str, Any]) -> bool:
    """Take down answers for a deletion or an edit that removed links; True when the event was a
    deletion (nothing else is to be done with it)."""
    channel = str(event.get("channel") or "")
    subtype = event.get("subtype")
    message = event.get("message") or {}
    if subtype == "message_deleted":
        before = event.get("previous_message") or {}
        ts, text = str(event.get("deleted_ts") or before.get("ts") or ""), None
    elif subtype == "message_changed" and message.get("subtype") == "tombstone":
        ts, text = str(message.get("ts") or ""), None  # a message with thread replies was deleted
    elif subtype == "message_changed" and message.get("user") and not message.get("bot_id"):
        ts, text = str(message.get("ts") or ""), str(message.get("text") or "")
        before = event.get("previous_message") or {}
        if before.get("text") == text:
            return False  # an unfurl or a reaction, not an edit of the text
    else:
        return False
    if not channel or not ts:
        return text is None
    where = Where(platform=PLATFORM, workspace=team, channel=channel, message_id=ts)
    await follow_message(service, SlackThreads(client, channel), where, text)
    return text is None
