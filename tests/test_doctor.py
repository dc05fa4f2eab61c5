"""`footnote doctor` against loopback fakes of Discord's and Slack's APIs and an OpenAI-compatible server."""

import asyncio
import socket
import sqlite3

import pytest
from support.fake_discord_api import FakeDiscordApi
from support.fake_openai import FakeOpenAI
from support.fake_slack_api import MANIFEST_SCOPES, FakeSlackApi

from bot.cli import main
from bot.doctor.checks import SLACK_SCOPES
from bot.service.migrations import MIGRATIONS, migrate

DISCORD_TOKEN = "MTIzNDU2Nzg5MDEyMzQ1Njc4.GaBcDe.abcdefghijklmnopqrstuvwxyz0123"


def closed_port() -> int:
    """A loopback port nothing listens on."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
async def fakes(tmp_path, monkeypatch):
    """Every service doctor talks to, faked on loopback, and settings pointing at them (all green)."""
    monkeypatch.chdir(tmp_path)
    db = tmp_path / "footnote.sqlite3"
    with sqlite3.connect(db, isolation_level=None) as conn:
        migrate(conn)
    openai = FakeOpenAI()
    await openai.start()
    openai.api_key = "sk-local"
    async with FakeDiscordApi(DISCORD_TOKEN) as discord, FakeSlackApi() as slack:
        for name, value in {
            "FOOTNOTE_DB": str(db),
            "FOOTNOTE_ENGINE": "openai",
            "OPENAI_API_KEY": "sk-local",
            "OPENAI_BASE_URL": openai.base_url,
            "FOOTNOTE_MODEL": "gpt-4.1-mini",
            "TIKTOKEN_CACHE_DIR": str(tmp_path / "tiktoken"),
            "DISCORD_TOKEN": DISCORD_TOKEN,
            "DISCORD_API_URL": discord.base_url,
            "SLACK_BOT_TOKEN": "xoxb-test",
            "SLACK_APP_TOKEN": "xapp-test",
            "SLACK_API_URL": slack.api_url,
            "XDG_CONFIG_HOME": str(tmp_path / "config"),
        }.items():
            monkeypatch.setenv(name, value)
        yield discord, slack, openai
    await openai.stop()


async def doctor(capsys) -> tuple[int, list[str]]:
    """Run `footnote doctor` (its own event loop, in a thread) while the fakes serve on this one."""
    status = await asyncio.to_thread(main, ["doctor"])
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err
    return status, captured.out.splitlines()


async def test_all_green_against_the_fakes(fakes, capsys, tmp_path):
    discord, slack, _ = fakes
    status, lines = await doctor(capsys)
    assert status == 0, lines
    assert all(line.startswith("✓") for line in lines), lines
    text = "\n".join(lines)
    assert (
        f"database {tmp_path / 'footnote.sqlite3'} (schema version {len(MIGRATIONS)}, integrity ok)" in text
    )
    assert "Discord: Message Content intent on" in text
    assert "Slack: every scope the manifest asks for is granted" in text
    assert "Slack: SLACK_APP_TOKEN opens Socket Mode connections" in text
    assert "tiktoken: o200k_base present offline" in text
    assert "answers (1 models)" in text
    assert [path for _, path in discord.requests] == ["/users/@me", "/applications/@me"]
    assert slack.calls_to("auth.test")
    assert DISCORD_TOKEN not in text and "sk-local" not in text


@pytest.mark.parametrize(
    ("fault", "expected"),
    [
        ("discord_token", "✗ Discord rejected DISCORD_TOKEN (HTTP 401)"),
        ("slack_token", "✗ Slack rejected SLACK_BOT_TOKEN (invalid_auth)"),
        ("intent", "✗ Discord: the Message Content intent is off"),
        ("scope", "✗ Slack: the token lacks the scopes reactions:write"),
        ("app_token", "✗ Slack rejected SLACK_APP_TOKEN (invalid_auth)"),
        ("server", "✗ OpenAI-compatible server: Could not reach 127.0.0.1:"),
        ("openai_key", "refused OPENAI_API_KEY (HTTP 401)"),
        ("database", "not migrated yet"),
    ],
)
async def test_each_fault_gets_its_own_line_and_a_non_zero_exit(
    fakes, capsys, monkeypatch, tmp_path, fault, expected
):
    discord, slack, openai = fakes
    if fault == "discord_token":
        discord.token = "another-token"
    elif fault == "slack_token":
        slack.auth_error = "invalid_auth"
    elif fault == "intent":
        discord.flags = 0
    elif fault == "scope":
        slack.scopes.remove("reactions:write")
    elif fault == "app_token":
        slack.app_token_error = "invalid_auth"
    elif fault == "server":
        monkeypatch.setenv("OPENAI_BASE_URL", f"http://127.0.0.1:{closed_port()}/v1")
    elif fault == "openai_key":
        openai.api_key = "sk-other"
    else:
        old = tmp_path / "old.sqlite3"
        with sqlite3.connect(old, isolation_level=None) as conn:
            conn.execute("CREATE TABLE schema_version (version INTEGER NOT NULL)")
            for statement in MIGRATIONS[0]:
                conn.execute(statement)
            conn.execute("INSERT INTO schema_version VALUES (1)")
        monkeypatch.setenv("FOOTNOTE_DB", str(old))
    status, lines = await doctor(capsys)
    assert status == 1
    failed = [line for line in lines if line.startswith("✗")]
    assert len(failed) == 1 and expected in failed[0], lines
    if fault == "server":
        assert "the connection was refused; check the network" in failed[0]
    if fault == "database":
        assert failed[0].startswith(f"✗ FOOTNOTE_DB={old}: schema version 1 of {len(MIGRATIONS)}")


async def test_malformed_tokens_are_named_without_asking_anyone(fakes, capsys, monkeypatch):
    discord, slack, _ = fakes
    monkeypatch.setenv("DISCORD_TOKEN", "garbage")
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxp-user-token")
    status, lines = await doctor(capsys)
    assert status == 1
    text = "\n".join(lines)
    assert (
        "✗ DISCORD_TOKEN is not a bot token" in text
        and "✗ SLACK_BOT_TOKEN is not a bot token (xoxb-…)" in text
    )
    assert not discord.requests and not slack.calls_to("auth.test")
    assert "garbage" not in text and "xoxp-user-token" not in text


async def test_unset_platforms_are_skipped_not_failed(fakes, capsys, monkeypatch):
    for name in ("DISCORD_TOKEN", "SLACK_BOT_TOKEN", "OPENAI_BASE_URL", "OPENAI_API_KEY"):
        monkeypatch.delenv(name)
    monkeypatch.setenv("FOOTNOTE_ENGINE", "auto")
    status, lines = await doctor(capsys)
    assert status == 0, lines
    assert "· Discord: DISCORD_TOKEN not set (skipped)" in lines
    assert "✓ engine: local (offline rules; no OpenAI settings needed)" in lines


def test_the_scopes_doctor_asks_for_are_the_manifests():
    assert set(SLACK_SCOPES) == set(MANIFEST_SCOPES)


@pytest.mark.parametrize("state", ["migrated", "unmigrated", "unreachable"])
async def test_a_postgresql_database_is_checked_on_its_server(
    fakes, capsys, monkeypatch, postgres_server, state
):
    from bot.service.postgres_migrations import MIGRATIONS as POSTGRES_MIGRATIONS
    from bot.service.postgres_store import PostgresStore

    if state == "unreachable":
        url = f"postgresql://footnote:hunter2@127.0.0.1:{closed_port()}/footnote"
    else:
        url = await postgres_server.fresh_database()
    if state == "migrated":
        store = PostgresStore(url, pool_size=1)
        await store.start()
        await store.close()
    monkeypatch.setenv("FOOTNOTE_DB", url)
    status, lines = await doctor(capsys)
    database = [line for line in lines if "FOOTNOTE_DB=" in line or line.startswith("✓ database")]
    assert len(database) == 1, lines
    text = "\n".join(lines)
    assert "hunter2" not in text
    if state == "migrated":
        assert status == 0, lines
        assert database[0].startswith("✓ database postgresql://")
        assert f"(PostgreSQL, schema version {len(POSTGRES_MIGRATIONS)})" in database[0]
    else:
        assert status == 1
        assert [line for line in lines if line.startswith("✗")] == database, lines
    if state == "unmigrated":
        assert f"schema version 0 of {len(POSTGRES_MIGRATIONS)}: not migrated yet" in database[0]
        assert "footnote db migrate" in database[0]
    if state == "unreachable":
        assert database[0].startswith("✗ FOOTNOTE_DB=postgresql://footnote:***@127.0.0.1:")
        assert "cannot connect (the connection was refused); check that PostgreSQL is running" in database[0]
