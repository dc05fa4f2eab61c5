"""One friendly line for each refusal or notice a person can meet in chat; no stack traces, no pings."""

from __future__ import annotations

import math

from bot import errors


def in_words(seconds: float) -> str:
    """A wait as people say it: "in 40 seconds", "in 7 minutes", "in 3 hours"."""
    seconds = max(1, math.ceil(seconds))
    if seconds < 60:
        return f"in {seconds} second{'s' if seconds != 1 else ''}"
    minutes = math.ceil(seconds / 60)
    if minutes < 90:
        return f"in {minutes} minute{'s' if minutes != 1 else ''}"
    hours = round(minutes / 60)
    return f"in {hours} hour{'s' if hours != 1 else ''}"


def user_rate_limited(wait_seconds: float) -> str:
    """The asker has used up their explanations for now."""
    return f"You've asked for quite a few explanations just now — please try again {in_words(wait_seconds)}."


def channel_rate_limited(wait_seconds: float) -> str:
    """The channel as a whole has used up its explanations for now."""
    return f"This channel has had a lot of explanations lately — please try again {in_words(wait_seconds)}."


def budget_spent(wait_seconds: float) -> str:
    """The workspace's daily analysis budget is used up."""
    return (
        "Today's explanation budget for this community is used up; it resets at midnight UTC "
        f"({in_words(wait_seconds)})."
    )


def domain_blocked(host: str) -> str:
    """Moderators turned explanations off for this site (or it is not on their allow list)."""
    return f"Moderators have turned off explanations for links from {host} here."


def not_article() -> str:
    """The link is a video, social post, file or similar rather than an article."""
    return "That link doesn't look like a news article (video, social post or file), so I skipped it."


def not_moderator() -> str:
    """A member tried a moderator-only command."""
    return "Only moderators can change Footnote's settings."


def already_here(permalink: str | None) -> str:
    """The link was explained in this channel recently."""
    return (
        f"I explained this link here recently: {permalink}"
        if permalink
        else "I explained this link here recently."
    )


def partial_text() -> str:
    """Only part of the article was readable (paywall or teaser)."""
    return (
        "I could only read part of this article (it may be behind a paywall), "
        "so these notes cover what I saw."
    )


def long_text() -> str:
    """A very long article was read only up to a size cap: nothing hid the rest."""
    return "This article is very long, so these notes cover only its opening."


def failure(exc: errors.FootnoteError) -> str:
    """Why a link could not be read: the typed error already carries its one line."""
    return exc.message


def unexpected_failure() -> str:
    """A bug, not a refusal: say sorry without details."""
    return errors.EngineFailed.default_message


def shutting_down() -> str:
    """The bot is stopping and takes no new work."""
    return "I'm restarting right now — please ask again in a minute."


def feedback_thanks(vote: int) -> str:
    """The reply to a 👍 or 👎."""
    return (
        "Thanks — glad it helped! 👍" if vote > 0 else "Thanks for telling me — that helps improve Footnote."
    )


def original_removed() -> str:
    """What an answer becomes when the message it answered was deleted and others replied to it."""
    return "The message this answered was removed, so I took my notes down."


def link_removed() -> str:
    """What an answer becomes when its link was edited out of the message and others replied to it."""
    return "The link this answered was edited out of the message, so I took my notes down."
