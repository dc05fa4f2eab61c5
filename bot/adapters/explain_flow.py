"""The one flow every chat adapter runs for a message's links: ⏳, one post per link, ✅ or ⚠️.

Platform-neutral: an adapter supplies a `Place` (how to react to the message and post in its
thread) and this module decides what is posted and how each claim is settled. Anything posted for
a link (answer, pointer or notice) marks its claim answered, so a redelivered event is never
answered twice and a failure notice is never followed by a second answer; when nothing could be
posted the claim is released, so a redelivery is answered at once.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable
from typing import Protocol

from bot.service import messages
from bot.service.types import ExplainResult, PostedReply, Service, Status, Where, Who

log = logging.getLogger("footnote.explain")

WORKING, DONE, PROBLEM = "working", "done", "problem"  # marks on the asker's message


class PostFailed(Exception):
    """The platform refused or lost a post; the message says why in a few words (no payloads)."""


class Place(Protocol):
    """Where one message's answers go: its reactions and its thread."""

    async def add_mark(self, mark: str) -> bool:
        """React with WORKING, DONE or PROBLEM; False when the reaction could not be added."""
        ...

    async def remove_mark(self, mark: str) -> None:
        """Take a reaction of ours away again (best effort)."""
        ...

    async def posted_before(self, link: str) -> bool:
        """Whether an earlier delivery of this message already posted about `link` (a bot killed
        between posting and recording it); only platforms that redeliver events look."""
        ...

    async def post(self, result: ExplainResult, who: Who) -> object:
        """Post one result in the thread (a rate-limit notice only to `who` where the platform can);
        returns a handle of the sent message; raises `PostFailed` when it could not be sent."""
        ...

    async def permalink(self, sent: object) -> str | None:
        """The link to a sent answer, for "already explained here" pointers."""
        ...

    def posted(self, sent: object, permalink: str | None) -> PostedReply | None:
        """Where a sent post is, so it can follow the message (None for a post only the asker sees)."""
        ...


async def explain_message(service: Service, place: Place, where: Where, links: list[str], who: Who) -> bool:
    """⏳ at once, one post per link, then ✅ or ⚠️ in place of ⏳.

    Returns whether anything was posted (nothing is when every link was already claimed, as when a
    platform delivers an event again)."""
    added = await place.add_mark(WORKING)
    outcomes: list[bool] = []
    try:
        for link in links:
            outcome = await answer_link(service, place, where, link, who)
            if outcome is not None:
                outcomes.append(outcome)
    finally:
        # A ⏳ put there by a concurrent delivery of the same event is that delivery's to remove.
        if outcomes or added:
            await place.remove_mark(WORKING)
    if outcomes:
        await place.add_mark(DONE if all(outcomes) else PROBLEM)
    return bool(outcomes)


async def answer_link(service: Service, place: Place, where: Where, link: str, who: Who) -> bool | None:
    """Explain one link, post the result and settle its claim.

    True when the reader got what they asked for, False for a notice or a failure, None when
    nothing was posted on purpose (claimed by another delivery, or a member already told to wait)."""
    try:
        result = await _explain(service, link, where, who)
    except asyncio.CancelledError:  # the bot is stopping: the claim goes back for the next delivery
        await _settle(service.release(where, link), "release", where)
        raise
    if result.status is Status.DUPLICATE:
        return None
    posted = False
    try:
        if result.status is Status.QUIET or await _posted_before(place, result.link, where):
            # Nothing (more) to say, and nothing may be said on a redelivery either.
            posted = True
            await _settle(service.answered(where, result.link), "mark answered", where)
            return None
        sent, outcome = await _post_or_apologise(place, result, who, where)
        posted = sent is not None
        if posted:
            await _settle(service.answered(where, result.link), "mark answered", where)
        permalink = None
        if sent is not None and result.analysis is not None:
            permalink = await place.permalink(sent)
            if permalink:
                await _settle(service.remember_reply(where, result.link, permalink), "remember", where)
        reply = place.posted(sent, permalink) if sent is not None else None
        if reply is not None:
            await _settle(service.record_answer(where, result.link, reply), "record the answer", where)
        return outcome
    finally:
        if not posted:
            await _settle(service.release(where, result.link), "release", where)
        service.end_turn(where, result.link)


async def _explain(service: Service, link: str, where: Where, who: Who) -> ExplainResult:
    try:
        return await service.explain(link, where, who, in_thread=True)
    except Exception:
        log.exception("explaining a link failed unexpectedly (message %s)", where.message_id)
        return ExplainResult(status=Status.FAILED, link=link, message=messages.unexpected_failure())


async def _posted_before(place: Place, link: str, where: Where) -> bool:
    """The place's look-up; when it fails, post (a rare second reply beats a lost answer)."""
    try:
        return await place.posted_before(link)
    except Exception as exc:
        log.warning("couldn't check message %s for an earlier reply (%s)", where.message_id, _why(exc))
        return False


async def _post_or_apologise(
    place: Place, result: ExplainResult, who: Who, where: Where
) -> tuple[object | None, bool]:
    """Post the result; if that fails, one line saying so. (sent handle or None, outcome)."""
    try:
        sent = await place.post(result, who)
    except Exception as exc:
        _log_post_failure(exc, where)
    else:
        success = result.analysis is not None or result.status is Status.ALREADY_HERE
        return sent, success
    # One bad answer must not silence the others; the notice and the ⚠️ tell the asker.
    failed = ExplainResult(status=Status.FAILED, link=result.link, message=messages.unexpected_failure())
    try:
        return await place.post(failed, who), False
    except Exception as exc:
        log.warning("couldn't post the failure notice for message %s (%s)", where.message_id, _why(exc))
        return None, False


def _log_post_failure(exc: Exception, where: Where) -> None:
    if isinstance(exc, PostFailed):
        log.warning("couldn't post in %s (%s)", where.channel, exc)
    else:
        log.exception("posting the answer to message %s failed", where.message_id)


def _why(exc: Exception) -> str:
    return str(exc) if isinstance(exc, PostFailed) else type(exc).__name__


async def _settle(step: Awaitable[None], what: str, where: Where) -> None:
    """Await one bookkeeping step after posting; the post is out, so a failure is logged, not raised."""
    try:
        await step
    except Exception:
        log.exception("couldn't %s for message %s in %s", what, where.message_id, where.channel)
