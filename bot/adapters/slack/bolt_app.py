"""Build the Bolt `AsyncApp` from the settings: one Web API client (base URL overridable), no env reads."""

from __future__ import annotations

import logging

from aiohttp import web
from slack_bolt.async_app import AsyncApp
from slack_bolt.logger.messages import warning_client_prioritized_and_token_skipped
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.adapters.slack.request_guard import guard
from bot.config import Settings

EVENTS_PATH = "/slack/events"  # events, the slash command and buttons all come here (slack-manifest.yml)
log = logging.getLogger("footnote.slack")


class MissingSetting(Exception):
    """A Slack setting the chosen mode needs is not set; the message says which and where to find it."""


def api_error(exc: SlackApiError) -> str:
    """Slack's error code (`already_reacted`, `not_in_channel`...), or the HTTP status when there is none."""
    data = exc.response.data
    if isinstance(data, dict) and data.get("error"):
        return str(data["error"])
    return f"HTTP {exc.response.status_code}"


BOLT_APP_NAME = "footnote-slack-bolt"
SHUTDOWN_SECONDS = 5.0


def web_client(settings: Settings) -> AsyncWebClient:
    """The Web API client, pointed at SLACK_API_URL when one is set."""
    if settings.slack_bot_token is None:
        raise MissingSetting(
            "SLACK_BOT_TOKEN is not set: install the app to your workspace and copy its Bot User OAuth Token"
        )
    token = settings.slack_bot_token.get_secret_value()
    base_url = settings.slack_api_url or AsyncWebClient.BASE_URL
    return AsyncWebClient(token=token, base_url=base_url.rstrip("/") + "/")


def _quiet_bolt() -> logging.Logger:
    """Bolt's logger, held at WARNING: below that it logs whole request bodies (response URLs, tokens)."""
    for name in ("slack_bolt", "slack_sdk"):
        logging.getLogger(name).setLevel(logging.WARNING)
    bolt = logging.getLogger("footnote.slack.bolt")
    bolt.setLevel(logging.WARNING)  # Bolt copies this level into every logger it makes
    if _not_token_skipped not in bolt.filters:
        bolt.addFilter(_not_token_skipped)
    return bolt


def _not_token_skipped(record: logging.LogRecord) -> bool:
    """Drop Bolt's warning that its token is unused: it reads SLACK_BOT_TOKEN itself, we pass the client."""
    return record.getMessage() != warning_client_prioritized_and_token_skipped()


def build_app(settings: Settings) -> AsyncApp:
    """An AsyncApp for `settings.slack_mode`: HTTP mode verifies every request with the signing secret."""
    http = settings.slack_mode == "http"
    if http and settings.slack_signing_secret is None:
        raise MissingSetting(
            "SLACK_SIGNING_SECRET is not set: HTTP mode needs it (Basic Information → App Credentials)"
        )
    secret = settings.slack_signing_secret.get_secret_value() if settings.slack_signing_secret else ""
    return AsyncApp(
        # Bolt names loggers after the app and sets their level: "footnote" would silence footnote.*.
        name=BOLT_APP_NAME,
        client=web_client(settings),
        signing_secret=secret,
        request_verification_enabled=http,
        logger=_quiet_bolt(),
    )


def web_app(app: AsyncApp, signing_secret: str) -> web.Application:
    """The aiohttp application of HTTP mode: POST /slack/events, plus GET /healthz for load balancers.

    Every POST passes `request_guard` first: 401 unless signed, 400 unless shaped like Slack's."""
    application = app.web_app(path=EVENTS_PATH)
    application.middlewares.append(guard(signing_secret))

    async def healthz(request: web.Request) -> web.Response:
        return web.Response(text="ok")

    application.router.add_get("/healthz", healthz)
    return application


async def start_http(app: AsyncApp, settings: Settings, host: str, port: int) -> tuple[web.AppRunner, int]:
    """Serve HTTP mode on `host:port` (0 picks a free port); returns the runner and the bound port."""
    if settings.slack_signing_secret is None:
        raise MissingSetting("SLACK_SIGNING_SECRET is not set: HTTP mode needs it")
    application = web_app(app, settings.slack_signing_secret.get_secret_value())
    # No access log: it would carry response_url paths. No request is slow (events are acknowledged
    # at once), so stopping never waits long for one.
    runner = web.AppRunner(application, access_log=None, shutdown_timeout=SHUTDOWN_SECONDS)
    await runner.setup()
    site = web.TCPSite(runner, host, port)
    await site.start()
    server = site._server
    bound = server.sockets[0].getsockname()[1] if server is not None and server.sockets else port
    return runner, int(bound)
