"""The one flow every chat adapter runs when a member deletes a message or edits its link away.

The bot's answer follows the message: it is deleted, unless someone other than the bot has replied in
its thread since, in which case it is replaced by one line saying what happened, so that their replies
keep their context. A thread the bot opened for the message, with nothing else left in it, goes too.
Which answers to take down comes from the service (each is taken by exactly one delivery and one
process); the platform work comes from a `Thread` the adapter supplies.
"""

from __future__ import annotations

import logging
from typing import Protocol

from bot.service import messages
from bot.service.types import AnswerRecord, Service, Where

log = logging.getLogger("footnote.follow")


class Threads(Protocol):
    """What the flow asks of a platform about the threads its answers are in."""

    async def others_replied(self, thread_id: str, after: str) -> bool:
        """Whether anyone but this bot has written in the thread after message `after`."""
        ...

    async def delete(self, answer: AnswerRecord) -> None:
        """Delete one answer (already gone counts as done)."""
        ...

    async def replace(self, answer: AnswerRecord, line: str) -> None:
        """Replace one answer with a line of our own text."""
        ...

    async def delete_thread(self, thread_id: str) -> bool:
        """Delete a thread the bot opened; False when the platform cannot or would not."""
        ...


async def follow_message(service: Service, threads: Threads, where: Where, text: str | None) -> int:
    """Take down the answers to a deleted message (`text` None) or to the links an edit removed.

    Returns how many answers were taken down (deleted or replaced)."""
    taken = await service.take_answers(where, text)
    if not taken or where.message_id is None:
        return 0
    line = messages.original_removed() if text is None else messages.link_removed()
    standing = {answer.thread_id for answer in await service.answers_to(where)}
    by_thread: dict[str, list[AnswerRecord]] = {}
    for answer in taken:
        by_thread.setdefault(answer.thread_id, []).append(answer)
    for thread_id, answers in by_thread.items():
        still_used = thread_id in standing  # another of the message's links is still answered there
        try:
            await _follow_in_thread(threads, thread_id, answers, where.message_id, line, still_used)
        except Exception:
            log.exception("couldn't take down %d answers in %s", len(answers), thread_id)
    return len(taken)


async def _follow_in_thread(
    threads: Threads, thread_id: str, answers: list[AnswerRecord], message_id: str, line: str, standing: bool
) -> None:
    if await threads.others_replied(thread_id, message_id):
        # Their replies keep their context: one line in place of the first answer, the rest go.
        first, *rest = answers
        await threads.replace(first, line)
        for answer in rest:
            await threads.delete(answer)
        return
    opened = all(answer.created_thread for answer in answers)
    if opened and not standing and await threads.delete_thread(thread_id):
        return
    for answer in answers:
        await threads.delete(answer)
