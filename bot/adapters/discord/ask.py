"""Follow-up questions on Discord: a member mentions the bot in a Footnote thread (or runs
`/explain ask <question>` there) and gets one answer from that thread's article.

The article is the link of the latest Footnote answer in the thread (its embed's URL). A thread
without one is not a Footnote thread, and a mention there is left alone.
"""

from __future__ import annotations

import logging
import re
from typing import Any

import discord

from bot.adapters.discord.embeds import CONTENT_LIMIT, render_text
from bot.adapters.discord.handlers import NO_MENTIONS, answer_link
from bot.adapters.discord.permissions import (
    is_thread,
    where_of,
    where_of_interaction,
    who_of,
    who_of_interaction,
)
from bot.adapters.discord.safety import inert_clip
from bot.ask.render import fitted
from bot.service import messages
from bot.service.types import AskResult, Service, Status, Where

log = logging.getLogger("footnote.discord")

HISTORY = 100  # messages read back through a thread for the latest Footnote answer
LINE_LIMIT = 900  # one quote or note; the whole answer stays within one message's 2,000 characters
ASK_COMMAND = re.compile(r"^\s*ask\b[\s:,]*", re.IGNORECASE)
NO_QUESTION = "Ask me a question about the article after mentioning me, e.g. “who says so?”."
NOT_A_THREAD = "Ask in the thread of one of my answers, so I know which article you mean."
STYLE = {"lead": "**{}**", "quote": "> {}", "source": "> {}", "legal": "{}", "cite": "-# {}"}


def ask_text(text: str) -> str | None:
    """The question of an `/explain ask <question>` command, or None when the text is not one."""
    match = ASK_COMMAND.match(text)
    return text[match.end() :].strip() if match else None


def question_of(message: Any, bot_user_id: int) -> str | None:
    """The question in a member's message that mentions the bot (the mention taken out), else None."""
    mention = re.compile(rf"<@!?{bot_user_id}>")
    if not mention.search(message.content or ""):
        return None
    return " ".join(mention.sub(" ", message.content).split())


def render_ask(result: AskResult) -> str:
    """One message: the answer's lines, each escaped and clipped, as many as fit; or the notice line."""
    if result.answer is None:
        return "⚠️ " + inert_clip(result.message or messages.unexpected_failure(), CONTENT_LIMIT - 2)
    lines = fitted(
        result.answer, lambda line: STYLE[line.style].format(inert_clip(line.text, LINE_LIMIT)), CONTENT_LIMIT
    )
    return "\n".join(lines)


async def thread_article(thread: Any, bot_user_id: int) -> str | None:
    """The link of the latest Footnote answer in a thread, if there is one."""
    if not is_thread(thread):
        return None
    try:
        async for earlier in thread.history(limit=HISTORY):
            if earlier.author.id == bot_user_id and (link := answer_link(earlier)):
                return link
    except discord.HTTPException as exc:
        log.info("couldn't read thread %s (HTTP %s)", thread.id, exc.status)
    return None


async def ask_in_thread(service: Service, message: Any, bot_user_id: int) -> bool:
    """Answer a member's question that mentions the bot in a Footnote thread; True when it was one."""
    question = question_of(message, bot_user_id)
    if question is None:
        return False
    link = await thread_article(message.channel, bot_user_id)
    if link is None:
        return False
    where = where_of(message)
    if not question:
        await _post(message, render_text(NO_QUESTION), where)
        return True
    result = await service.ask(link, question, where, who_of(message.author), in_thread=True)
    await _answer(service, message, result, where)
    return True


async def _answer(service: Service, question: Any, result: AskResult, where: Where) -> None:
    """Post the answer or notice once and settle the claim as the explain flow does."""
    if result.status is Status.DUPLICATE:
        return
    posted = result.status is Status.QUIET or await _post(question, render_ask(result), where)
    settle = service.answered if posted else service.release
    try:
        await settle(where, result.link)
    except Exception:
        log.exception("couldn't settle the question in %s", where.channel)


async def _post(question: Any, content: str, where: Where) -> bool:
    """A reply to the question in its thread (a reply pings nobody: AllowedMentions.none())."""
    try:
        await question.channel.send(content, reference=question, allowed_mentions=NO_MENTIONS)
    except discord.HTTPException as exc:
        log.warning("couldn't answer a question in %s (HTTP %s)", where.channel, exc.status)
        return False
    return True


async def ask_command(interaction: Any, service: Service, question: str) -> None:
    """`/explain ask <question>` in a Footnote thread: the answer for everyone in the thread; a refusal or
    a question asked elsewhere is answered only to the asker."""
    client_user = getattr(interaction.client, "user", None)
    bot_user_id = client_user.id if client_user is not None else None
    link = await thread_article(interaction.channel, bot_user_id) if bot_user_id is not None else None
    if link is None or not question:
        text = NOT_A_THREAD if link is None else NO_QUESTION
        await interaction.response.send_message(
            render_text(text), ephemeral=True, allowed_mentions=NO_MENTIONS
        )
        return
    await interaction.response.defer(thinking=True)
    where = where_of_interaction(interaction, message_id=f"interaction:{interaction.id}")
    result = await service.ask(link, question, where, who_of_interaction(interaction))
    if result.answer is None:
        await interaction.delete_original_response()
        content = render_ask(result)
        await interaction.followup.send(content, ephemeral=True, allowed_mentions=NO_MENTIONS)
        return
    await interaction.followup.send(render_ask(result), allowed_mentions=NO_MENTIONS)
