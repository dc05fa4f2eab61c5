"""`footnote run slack`: start the service and serve Slack in Socket Mode (default) or HTTP mode."""

from __future__ import annotations

import asyncio
import logging
import signal

from slack_bolt.async_app import AsyncApp
from slack_sdk.errors import SlackApiError

from bot.adapters.activity import CANCEL_GRACE
from bot.adapters.slack.bolt_app import EVENTS_PATH, MissingSetting, api_error, build_app, start_http
from bot.adapters.slack.listeners import register_listeners
from bot.config import Settings

log = logging.getLogger("footnote.slack")

DRAIN_SECONDS = 30.0  # on shutdown, answers being written get this long to finish, then are cancelled


def run(settings: Settings) -> int:
    """Run the bot; returns the process exit status."""
    try:
        app = build_app(settings)
    except MissingSetting as exc:
        log.error("%s", exc)
        return 2
    if settings.slack_mode == "socket" and settings.slack_app_token is None:
        log.error(
            "SLACK_APP_TOKEN is not set: Socket Mode needs an app-level token with connections:write "
            "(Basic Information → App-Level Tokens), or set FOOTNOTE_SLACK_MODE=http"
        )
        return 2
    try:
        return asyncio.run(_serve(settings, app))
    except KeyboardInterrupt:
        return 0


async def _serve(settings: Settings, app: AsyncApp) -> int:
    from bot.service.service import ExplainService
    from bot.service.workers import bot_workers

    try:
        identity = await app.client.auth_test()
    except SlackApiError as exc:
        error = api_error(exc)
        log.error("Slack rejected SLACK_BOT_TOKEN (%s); reinstall the app and copy the new token", error)
        return 1
    log.info("connected to Slack workspace %s as %s", identity.get("team"), identity.get("user"))
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    service = ExplainService(settings, workers=bot_workers(settings))
    listeners = register_listeners(app, service, settings)
    try:
        await service.start()  # inside: a failed start still closes the workers and the database
        if settings.slack_mode == "http":
            await _serve_http(app, settings, stop)
        else:
            await _serve_socket(app, settings, stop)
        log.info("stopping")
        return 0
    finally:
        await listeners.activity.drain(DRAIN_SECONDS)
        await service.close(CANCEL_GRACE)


async def _serve_http(app: AsyncApp, settings: Settings, stop: asyncio.Event) -> None:
    runner, bound = await start_http(app, settings, settings.slack_host, settings.slack_port)
    log.info("HTTP mode: listening on %s port %s at %s", settings.slack_host, bound, EVENTS_PATH)
    try:
        await stop.wait()
    finally:
        await runner.cleanup()


async def _serve_socket(app: AsyncApp, settings: Settings, stop: asyncio.Event) -> None:
    from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler

    assert settings.slack_app_token is not None
    handler = AsyncSocketModeHandler(app, settings.slack_app_token.get_secret_value())
    await handler.connect_async()
    log.info("Socket Mode: connected")
    try:
        await stop.wait()
    finally:
        await handler.close_async()
