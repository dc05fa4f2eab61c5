"""A broken FOOTNOTE_DB is one line naming it and what is wrong, a non-zero exit, never a traceback."""

import asyncio
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from bot.cli import main
from bot.doctor.database import database_status
from bot.service.migrations import MIGRATIONS
from bot.service.sqlite_store import SqliteStore


@pytest.fixture(autouse=True)
def isolated(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    for name in ("DISCORD_TOKEN", "SLACK_BOT_TOKEN", "OPENAI_API_KEY", "FOOTNOTE_ENV_FILE"):
        monkeypatch.delenv(name, raising=False)


def good_database(path: Path) -> Path:
    """A migrated database with a few pages of rows."""

    async def fill() -> None:
        store = SqliteStore(path)
        await store.start()
        await store.close()

    asyncio.run(fill())
    conn = sqlite3.connect(path)
    with conn:
        conn.executemany(
            "INSERT INTO audit (at, platform, user_id, workspace, channel, key)"
            " VALUES (0, 'cli', 'x', '*', '', ?)",
            [(f"key {i} " + "x" * 200,) for i in range(200)],
        )
    conn.close()  # the last connection checkpoints the journal into the file
    assert not Path(f"{path}-wal").exists()
    return path


def corrupt(tmp_path: Path) -> Path:
    path = tmp_path / "corrupt.sqlite3"
    path.write_bytes(b"these are not the bytes of a database\n" * 100)
    return path


def truncated(tmp_path: Path) -> Path:
    path = good_database(tmp_path / "truncated.sqlite3")
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    return path


def read_only(tmp_path: Path) -> Path:
    path = good_database(tmp_path / "read-only.sqlite3")
    path.chmod(0o444)
    return path


def directory(tmp_path: Path) -> Path:
    path = tmp_path / "a-folder.sqlite3"
    path.mkdir()
    return path


def dev_null(tmp_path: Path) -> Path:
    return Path(os.devnull)


def uncreatable_parent(tmp_path: Path) -> Path:
    (tmp_path / "a-file").write_text("not a folder")
    return tmp_path / "a-file" / "data" / "footnote.sqlite3"


SETUPS = {
    "corrupt": (corrupt, "not an SQLite database"),
    "truncated": (truncated, "truncated ("),
    "read-only": (read_only, "is read-only"),
    "directory": (directory, "is a folder, not a file"),
    "/dev/null": (dev_null, "is not a regular file"),
    "uncreatable parent": (uncreatable_parent, "its folder cannot be created: "),
}


@pytest.mark.parametrize("setup", list(SETUPS))
def test_each_broken_database_is_one_line_naming_footnote_db(setup, tmp_path, monkeypatch, capsys):
    make, what = SETUPS[setup]
    path = make(tmp_path)
    monkeypatch.setenv("FOOTNOTE_DB", str(path))
    assert main(["admin", "settings"]) != 0
    out = capsys.readouterr()
    assert out.out == ""
    assert out.err.count("\n") == 1 and out.err.startswith(f"FOOTNOTE_DB={path}: ") and what in out.err, (
        out.err
    )
    # The doctor reuses the same check and says the same.
    ok, line = database_status(path, len(MIGRATIONS))
    assert not ok and line == out.err.strip()


def test_a_database_locked_too_long_is_one_line(tmp_path, monkeypatch, capsys):
    path = good_database(tmp_path / "busy.sqlite3")
    monkeypatch.setenv("FOOTNOTE_DB", str(path))
    monkeypatch.setenv("FOOTNOTE_DB_BUSY_TIMEOUT", "0.2")
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")  # another process in the middle of a long write
    try:
        assert main(["admin", "budget", "requests", "5"]) == 1
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith(f"FOOTNOTE_DB={path}: locked by another process"), err


def test_the_bot_and_the_console_script_stop_with_the_same_line(tmp_path):
    path = corrupt(tmp_path)
    env = {
        **os.environ,
        "FOOTNOTE_DB": str(path),
        "DISCORD_TOKEN": "x.y.z",
        "DISCORD_API_URL": "http://127.0.0.1:9",
    }
    env.pop("FOOTNOTE_ENV_FILE", None)
    run = subprocess.run(
        [sys.executable, "-m", "bot.cli", "run", "discord"],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    assert run.returncode == 2
    assert "Traceback" not in run.stderr
    assert f"FOOTNOTE_DB={path}: not an SQLite database" in run.stderr


def _closed_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.mark.parametrize(
    "args",
    [["db", "migrate"], ["admin", "settings", "--workspace", "W"], ["run", "slack"], ["run", "discord"]],
)
async def test_an_unreachable_postgresql_database_is_one_line_without_its_password(tmp_path, args):
    from support.fake_discord_api import FakeDiscordApi
    from support.fake_slack_api import FakeSlackApi

    port = _closed_port()
    token = "MTIzNDU2Nzg5MDEyMzQ1Njc4.GaBcDe.abcdefghijklmnopqrstuvwxyz0123"
    async with FakeDiscordApi(token) as discord, FakeSlackApi() as slack:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("FOOTNOTE_", "DISCORD_", "SLACK_"))}
        env.update(
            FOOTNOTE_DB=f"postgresql://footnote:hunter2@127.0.0.1:{port}/footnote",
            FOOTNOTE_WORKER_PROCESSES="0",
            XDG_DATA_HOME=str(tmp_path / "data"),
            DISCORD_TOKEN=token,
            DISCORD_API_URL=discord.base_url,
            SLACK_BOT_TOKEN="xoxb-test",
            SLACK_APP_TOKEN="xapp-test",
            SLACK_API_URL=slack.api_url,
        )
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot.cli",
            *args,
            env=env,
            cwd=tmp_path,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        out, err = await asyncio.wait_for(process.communicate(), 120)
    stderr = err.decode()
    assert process.returncode == 1, stderr
    assert "Traceback" not in stderr and "hunter2" not in stderr + out.decode(), stderr
    assert stderr.splitlines()[-1] == (
        f"FOOTNOTE_DB=postgresql://footnote:***@127.0.0.1:{port}/footnote: cannot connect (the connection"
        " was refused); check that PostgreSQL is running there and the host and port in the URL (and any"
        " firewall)"
    ), stderr


async def test_a_postgresql_database_that_does_not_exist_is_named(postgres_server, monkeypatch, capsys):
    from bot.doctor.postgres import redacted

    url = postgres_server.url("no_such_database")
    monkeypatch.setenv("FOOTNOTE_DB", url)
    status = await asyncio.to_thread(main, ["db", "migrate"])
    err = capsys.readouterr().err
    assert status == 1
    assert err.strip() == (
        f"FOOTNOTE_DB={redacted(url)}: the database does not exist on that server; create it (createdb) or"
        " fix its name in the URL"
    )
