"""Follow-up questions on Slack: a member mentions the bot in a Footnote thread (or runs
`/footnote ask <link> <question>`) and gets one answer from that article.

The article is the link of the latest Footnote answer in the thread (its message metadata). A
thread without one is not a Footnote thread; a mention there goes on to the ordinary listener.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.adapters.slack.blocks import MESSAGE_LIMIT, QUIET_POST, SECTION_LIMIT, SlackMessage, plain
from bot.adapters.slack.bolt_app import api_error
from bot.adapters.slack.mrkdwn import inert
from bot.adapters.slack.permissions import where_of_message
from bot.ask.render import fitted
from bot.service import messages
from bot.service.types import AskResult, Service, Status, Who

log = logging.getLogger("footnote.slack")

REPLY_EVENT = "footnote_reply"  # what marks an explanation in a thread (set by `SlackPlace`)
ANSWER_EVENT = "footnote_answer"  # what marks an answer to a question
LINE_LIMIT = 900  # one quote or note, escaped
FALLBACK_LIMIT = 300
STYLE = {"lead": "*{}*", "quote": "> {}", "source": "> {}", "legal": "{}", "cite": "_{}_"}
ASK_COMMAND = re.compile(r"^\s*ask\b\s*", re.IGNORECASE)
_LINK_FIRST = re.compile(r"^<?(https?://[^\s|>]+)(?:\|[^>]*)?>?\s*(.*)$", re.DOTALL)
COMMAND_USAGE = (
    "Mention me in the thread of one of my answers with your question, or use "
    "`/footnote ask <link> <question>`."
)
NO_QUESTION = "Ask me a question about the article after mentioning me, e.g. “who says so?”."


def mention_pattern(bot_user_id: str) -> re.Pattern[str]:
    """The bot's mention as Slack writes it in message text."""
    return re.compile(rf"<@{re.escape(bot_user_id)}(?:\|[^>]*)?>")


def thread_question(event: dict[str, Any], bot_user_id: str | None) -> str | None:
    """The question in a member's thread reply that mentions the bot (mention taken out), else None."""
    text = str(event.get("text") or "")
    thread, ts = event.get("thread_ts"), event.get("ts")
    if not bot_user_id or not thread or thread == ts or event.get("subtype") or event.get("bot_id"):
        return None
    mention = mention_pattern(bot_user_id)
    if not event.get("user") or not mention.search(text):
        return None
    return " ".join(mention.sub(" ", text).split())


async def is_thread_question(event: dict[str, Any], context: Any) -> bool:
    """Bolt matcher: a thread reply mentioning the bot."""
    return thread_question(event, getattr(context, "bot_user_id", None)) is not None


def render_ask(result: AskResult) -> SlackMessage:
    """One message: the answer's lines escaped, in one section, as many as fit; or the notice line."""
    if result.answer is None:
        return plain(result.message or messages.unexpected_failure())
    budget = min(SECTION_LIMIT, MESSAGE_LIMIT - FALLBACK_LIMIT)
    lines = fitted(result.answer, lambda line: STYLE[line.style].format(inert(line.text, LINE_LIMIT)), budget)
    fallback = inert(result.answer.text, FALLBACK_LIMIT)
    # verbatim: Slack must not turn a bare "@here" or "#general" in a quote into a live link
    section = {"type": "section", "text": {"type": "mrkdwn", "text": "\n".join(lines), "verbatim": True}}
    return SlackMessage(text=fallback, blocks=[section])


async def thread_article(client: AsyncWebClient, channel: str, thread: str) -> str | None:
    """The link of the latest Footnote explanation in a thread, if there is one."""
    try:
        found = await client.conversations_replies(
            channel=channel, ts=thread, include_all_metadata=True, limit=200
        )
    except SlackApiError as exc:
        log.info("couldn't read thread %s in %s (%s)", thread, channel, api_error(exc))
        return None
    links = [
        str(m["metadata"]["event_payload"]["link"])
        for m in found.get("messages") or []
        if (m.get("metadata") or {}).get("event_type") == REPLY_EVENT
        and (m["metadata"].get("event_payload") or {}).get("link")
    ]
    return links[-1] if links else None


async def answer_thread_question(
    service: Service, event: dict[str, Any], team: str, client: AsyncWebClient, bot_user_id: str
) -> bool:
    """Answer one thread question once, in the thread (a rate-limit notice only to the asker); False
    when the thread is not a Footnote thread."""
    question = thread_question(event, bot_user_id)
    channel, thread = str(event.get("channel") or ""), str(event.get("thread_ts") or "")
    if question is None or not channel:
        return False
    link = await thread_article(client, channel, thread)
    if link is None:
        return False
    where = where_of_message(team, channel, event)
    who = Who(user_id=str(event["user"]))
    if not question:
        await _post(client, channel, thread, who, plain(NO_QUESTION), None)
        return True
    result = await service.ask(link, question, where, who, in_thread=True)
    if result.status is Status.DUPLICATE:
        return True
    posted = result.status is Status.QUIET or await _post(
        client, channel, thread, who, render_ask(result), result, str(event["ts"])
    )
    settle = service.answered if posted else service.release
    try:
        await settle(where, result.link)
    except Exception:
        log.exception("couldn't settle the question in %s", channel)
    return True


async def _post(
    client: AsyncWebClient,
    channel: str,
    thread: str,
    who: Who,
    reply: SlackMessage,
    result: AskResult | None,
    question_ts: str = "",
) -> bool:
    try:
        if result is not None and result.status is Status.RATE_LIMITED:
            await client.chat_postEphemeral(
                channel=channel, user=who.user_id, thread_ts=thread, **reply.payload()
            )
            return True
        metadata = (
            {"event_type": ANSWER_EVENT, "event_payload": {"message": question_ts, "link": result.link}}
            if result is not None
            else None
        )
        await client.chat_postMessage(
            channel=channel,
            thread_ts=thread,
            metadata=metadata,
            **QUIET_POST,
            **reply.payload(),
        )
    except SlackApiError as exc:
        log.warning("couldn't answer a question in %s (%s)", channel, api_error(exc))
        return False
    return True


def ask_command(text: str) -> tuple[str, str] | None:
    """(link, question) of `/footnote ask <link> <question>`; ("", "") for `ask` without them; None
    when the command is not `ask`."""
    match = ASK_COMMAND.match(text)
    if match is None:
        return None
    rest = _LINK_FIRST.match(text[match.end() :].strip())
    return (rest.group(1), " ".join(rest.group(2).split())) if rest else ("", "")
