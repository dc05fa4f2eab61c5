"""Typed failures: every refusal a user can meet, each with one line for a person.

Outcomes are values. Code raises a `FootnoteError` subclass; adapters show `.message`
and never a stack trace. `kind` is stable (used in `--json` output, stats and logs).
"""

from __future__ import annotations


class FootnoteError(Exception):
    """Base of every expected failure; `message` is safe to show in chat."""

    kind = "error"
    default_message = "Sorry, I couldn't explain that link."

    def __init__(self, message: str | None = None) -> None:
        self.message = message or self.default_message
        super().__init__(self.message)


class InvalidLink(FootnoteError):
    kind = "invalid_link"
    default_message = "That doesn't look like a web link I can read (only http and https)."


class PrivateAddress(FootnoteError):
    kind = "private_address"
    default_message = "I won't fetch that link: it points to a private or internal network address."


class TooManyRedirects(FootnoteError):
    kind = "too_many_redirects"
    default_message = "That link redirects too many times, so I stopped following it."


class FetchTimeout(FootnoteError):
    kind = "timeout"
    default_message = "The site took too long to answer. Try again later."


class FetchFailed(FootnoteError):
    kind = "fetch_failed"
    default_message = "I couldn't download that page."


class HttpStatus(FootnoteError):
    kind = "http_status"
    default_message = "The site answered with an error."


class TooLarge(FootnoteError):
    kind = "too_large"
    default_message = "That page is too large for me to read (over 5 MB)."


class NotHtml(FootnoteError):
    kind = "not_html"
    default_message = "That link isn't a web page (it looks like a file, image or video), so I can't read it."


class NoArticleText(FootnoteError):
    kind = "no_text"
    default_message = "I couldn't find any article text on that page."


class Paywalled(FootnoteError):
    kind = "paywalled"
    default_message = (
        "That article is behind a paywall: I can only see its headline, so there's nothing to explain."
    )


class FileNotReadable(FootnoteError):
    kind = "file_not_readable"
    default_message = "I couldn't read that file."


class EngineFailed(FootnoteError):
    kind = "engine_failed"
    default_message = "The analysis failed. Please try again later."


class TookTooLong(FootnoteError):
    kind = "took_too_long"
    default_message = "That page took too long to read, so I stopped. Try another link."
