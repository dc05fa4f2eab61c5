"""Who is asking and where, in the service's terms; a moderator is a workspace admin or a listed user."""

from __future__ import annotations

import logging
from typing import Any

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.adapters.slack.bolt_app import api_error
from bot.config import Settings
from bot.service.types import Where, Who

log = logging.getLogger("footnote.slack")

PLATFORM = "slack"
ADMIN_FLAGS = ("is_admin", "is_owner", "is_primary_owner")


def moderator_ids(settings: Settings) -> frozenset[str]:
    """User ids named in FOOTNOTE_SLACK_MODERATORS."""
    return frozenset(u.strip() for u in settings.slack_moderators.split(",") if u.strip())


def reply_thread(message: dict[str, Any]) -> str:
    """Where answers about a message go: its thread, or the thread it is already in."""
    return str(message.get("thread_ts") or message["ts"])


def where_of_message(team: str, channel: str, message: dict[str, Any]) -> Where:
    """Where a message was posted; its `ts` is the exactly-once key of its links."""
    return Where(
        platform=PLATFORM,
        workspace=team,
        channel=channel,
        message_id=str(message["ts"]),
        thread=reply_thread(message),
    )


def where_of_request(team: str, channel: str) -> Where:
    """Where a slash command or button was used (no message to claim)."""
    return Where(platform=PLATFORM, workspace=team, channel=channel)


def is_admin(user: dict[str, Any]) -> bool:
    """An admin or owner of the workspace, per `users.info`."""
    return any(bool(user.get(flag)) for flag in ADMIN_FLAGS)


async def who_is(client: AsyncWebClient, user_id: str, settings: Settings) -> Who:
    """The person behind a command: a moderator when listed, or when Slack says they run the workspace."""
    if user_id in moderator_ids(settings):
        return Who(user_id=user_id, is_moderator=True)
    try:
        response = await client.users_info(user=user_id)
    except SlackApiError as exc:
        error = api_error(exc)
        log.warning("users.info failed for %s (%s); treating them as a member", user_id, error)
        return Who(user_id=user_id)
    return Who(user_id=user_id, is_moderator=is_admin(response.get("user") or {}))
