"""Trial mode's flow for a message's links: the service reads and records each one; nothing is posted.

No reaction, thread, reply or notice: a channel in trial mode sees no sign of the bot. What auto mode
would have posted is in `trial report`.
"""

from __future__ import annotations

import logging

from bot.service.types import Service, Where, Who

log = logging.getLogger("footnote.trial")


async def read_quietly(service: Service, where: Where, links: list[str], who: Who) -> None:
    """Analyse and record each link as auto mode would answer it; one failure never stops the others."""
    for link in links:
        try:
            await service.trial(link, where, who)
        except Exception:
            log.exception("trial mode failed for a link (message %s in %s)", where.message_id, where.channel)
