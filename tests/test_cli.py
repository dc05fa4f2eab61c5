"""The `footnote` command: the explain contract, and one-line errors for bad inputs."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.cli import main
from bot.config import Settings
from bot.models import Analysis

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "ice-agents-state-prosecution.html"


@pytest.fixture(autouse=True)
def offline_settings(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)  # no developer .env
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    monkeypatch.delenv("FOOTNOTE_ALLOW_PRIVATE_NETWORKS", raising=False)


def test_explain_json_speaks_the_contract(capsys):
    assert main(["explain", "--json", str(EXAMPLE)]) == 0
    out = json.loads(capsys.readouterr().out)
    analysis = Analysis.model_validate(out)
    assert set(out) >= {"article", "summary", "statements", "legal", "flags", "engine", "usage"}
    assert analysis.engine == "local"
    assert {s.kind for s in analysis.statements} == {"fact", "claim", "speculation", "opinion"}
    assert "no widespread evidence" in analysis.summary
    assert {n.topic for n in analysis.legal} >= {"supremacy-clause-immunity", "federal-officer-removal"}
    assert {f.kind for f in analysis.flags} >= {"headline_overstates", "anonymous_sourcing"}


def test_terminal_and_markdown_say_not_legal_advice_once(capsys):
    for fmt in ("terminal", "markdown"):
        assert main(["explain", "--format", fmt, str(EXAMPLE)]) == 0
        assert capsys.readouterr().out.lower().count("not legal advice") == 1


@pytest.mark.parametrize(
    ("source", "kind"),
    [
        ("missing.html", "file_not_readable"),
        ("ftp://files.example/a", "invalid_link"),
        ("http://2130706433/", "private_address"),
        ("http://[::ffff:127.0.0.1]/", "private_address"),
    ],
)
def test_bad_inputs_give_one_json_error_and_a_failing_status(capsys, source, kind):
    assert main(["explain", "--json", source]) == 1
    out = capsys.readouterr().out.strip()
    assert "\n" not in out
    assert json.loads(out)["error"]["kind"] == kind


def test_without_json_the_message_goes_to_stderr(capsys):
    assert main(["explain", "missing.html"]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.strip() == "I couldn't read missing.html: No such file or directory."


def test_a_refusal_in_a_fresh_process_prints_only_its_one_line(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("FOOTNOTE_")}
    done = subprocess.run(
        [sys.executable, "-m", "bot.cli", "explain", "http://2130706433/"],
        cwd=tmp_path,  # no .env here
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 1
    assert len(done.stderr.strip().splitlines()) == 1, done.stderr
    assert "INFO" not in done.stderr


def test_a_reader_that_stops_early_gets_no_traceback(tmp_path):
    reader = subprocess.Popen(
        [sys.executable, "-m", "bot.cli", "legal", "topics"],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        bufsize=0,
    )
    reader.stdout.close()  # like `| head` that has already had enough: every write meets a closed pipe
    _, err = reader.communicate(timeout=60)
    assert b"Traceback" not in err and b"BrokenPipe" not in err, err
    assert reader.returncode == 1


@pytest.mark.parametrize(
    ("name", "value", "said"),
    [
        ("FOOTNOTE_DB", "mysql://bot:hunter2@db.internal/fn", "mysql:// databases are not built in"),
        ("FOOTNOTE_ENGINE", "hunter2", "Input should be 'auto', 'local' or 'openai'"),
    ],
)
def test_a_bad_setting_is_named_in_one_line_without_its_value(monkeypatch, capsys, name, value, said):
    monkeypatch.setenv(name, value)
    assert main(["legal", "topics"]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"Configuration error in {name}: ") and said in err
    assert "hunter2" not in err and "Traceback" not in err


def test_sqlite_paths_and_urls_are_accepted(tmp_path):
    for value in (str(tmp_path / "f.db"), f"sqlite:///{tmp_path / 'f.db'}"):
        assert Settings(_env_file=None, FOOTNOTE_DB=value).db_path() == tmp_path / "f.db"


@pytest.mark.parametrize("platform", ["discord", "slack"])
def test_run_help_names_what_each_platform_needs(capsys, platform):
    with pytest.raises(SystemExit) as stopped:
        main(["run", platform, "--help"])
    assert stopped.value.code == 0
    out = capsys.readouterr().out
    for needed in (
        "DISCORD_TOKEN",
        "SLACK_BOT_TOKEN",
        "SLACK_APP_TOKEN",
        "SLACK_SIGNING_SECRET",
        "FOOTNOTE_SLACK_MODE=http",
        "FOOTNOTE_SLACK_PORT",
        "README",
    ):
        assert needed in out


# The operator's side: which files, one line per failure, commands that name what went wrong.


def fresh_process(args, cwd, **env_vars):
    """`footnote ARGS` in a new interpreter, with no FOOTNOTE_/platform settings but the ones given."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("FOOTNOTE_", "DISCORD_", "SLACK_", "OPENAI_"))
    }
    env.update(XDG_DATA_HOME=str(cwd / "data"), XDG_CONFIG_HOME=str(cwd / "config"), **env_vars)
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def closed_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def data_home(monkeypatch, tmp_path):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    for name in ("FOOTNOTE_DB", "FOOTNOTE_ENV_FILE", "FOOTNOTE_ENGINE"):
        monkeypatch.delenv(name, raising=False)
    return tmp_path


def test_the_default_database_is_the_same_from_any_folder(data_home, monkeypatch, capsys):
    one, two = data_home / "one", data_home / "two"
    one.mkdir()
    two.mkdir()
    monkeypatch.chdir(one)
    assert main(["admin", "budget", "requests", "7"]) == 0
    monkeypatch.chdir(two)
    assert main(["admin", "settings"]) == 0
    out = capsys.readouterr().out
    assert "Daily budget: 7 analyses" in out
    expected = data_home / "data" / "footnote" / "footnote.sqlite3"
    assert f"Files: database {expected}, no .env file" in out
    assert expected.is_file() and not list(one.iterdir()) and not list(two.iterdir())


def test_env_files_are_found_in_the_documented_order(data_home, monkeypatch, capsys):
    user_env = data_home / "config" / "footnote" / ".env"
    user_env.parent.mkdir(parents=True)
    user_env.write_text("FOOTNOTE_DB=state/bot.sqlite3\n")  # relative: to the .env file's folder
    elsewhere = data_home / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    assert main(["admin", "settings"]) == 0
    shown = capsys.readouterr().out
    assert f"Files: database {user_env.parent / 'state' / 'bot.sqlite3'}, .env {user_env}" in shown
    (elsewhere / ".env").write_text("FOOTNOTE_DB=here.sqlite3\n")  # the current folder comes before it
    assert main(["admin", "settings"]) == 0
    assert f"database {elsewhere / 'here.sqlite3'}, .env {elsewhere / '.env'}" in capsys.readouterr().out
    named = data_home / "named.env"
    named.write_text("FOOTNOTE_DB=/tmp/never-used-by-tests.sqlite3\nFOOTNOTE_MAX_LINKS=2\n")
    monkeypatch.setenv("FOOTNOTE_ENV_FILE", str(named))  # and FOOTNOTE_ENV_FILE before both
    monkeypatch.setenv("FOOTNOTE_DB", str(data_home / "env.sqlite3"))  # the environment beats any file
    assert main(["admin", "settings"]) == 0
    out = capsys.readouterr().out
    assert f"database {data_home / 'env.sqlite3'}, .env {named}" in out and "Links per message: 2" in out
    monkeypatch.setenv("FOOTNOTE_ENV_FILE", str(data_home / "missing.env"))
    assert main(["admin", "settings"]) == 2
    assert (
        capsys.readouterr().err
        == f"Configuration error: FOOTNOTE_ENV_FILE={data_home / 'missing.env'} is not a file\n"
    )


def test_a_channel_without_a_workspace_is_refused_with_the_reason(data_home, capsys):
    assert main(["admin", "--channel", "C7", "auto", "on"]) == 2
    assert capsys.readouterr().err.startswith(
        "--channel needs --workspace: the bot reads a channel's settings"
    )
    assert main(["admin", "auto", "on"]) == 1
    out = capsys.readouterr().out
    assert out.startswith("A channel setting needs a workspace") and "--workspace" in out
    assert main(["admin", "audit"]) == 0
    assert capsys.readouterr().out.strip() == "No changes yet."
    assert main(["admin", "--workspace", "T1", "--channel", "C7", "auto", "on"]) == 0
    assert capsys.readouterr().out.startswith("Done: auto-explain in <#C7> is now on")


def test_an_unknown_command_names_itself_and_the_closest_one(capsys):
    with pytest.raises(SystemExit) as stopped:
        main(["explian", "x"])
    assert stopped.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith("footnote: unknown command `explian`; did you mean `footnote explain`? ")
    assert err.endswith("(`footnote --help` lists them)\n") and err.count("\n") == 1
    with pytest.raises(SystemExit):
        main(["discord", "synk"])
    assert "did you mean `footnote discord sync`?" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["run", "discrod"])
    assert (
        capsys.readouterr().err
        == "footnote run: `discrod` is not one of discord, slack; did you mean `discord`?\n"
    )


def test_explain_checks_the_language_against_the_registry(capsys):
    with pytest.raises(SystemExit):
        main(["explain", "--language", "xx", str(EXAMPLE)])
    assert "'xx' is not a language code in the IANA registry" in capsys.readouterr().err


def test_a_garbage_discord_token_is_named_as_such(monkeypatch, capsys):
    monkeypatch.setenv("DISCORD_TOKEN", "garbage")
    assert main(["discord", "invite"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("DISCORD_TOKEN is set but is not a bot token") and "garbage" not in err


@pytest.mark.parametrize(
    ("args", "env"),
    [
        (["run", "discord"], {"DISCORD_TOKEN": "MTIz.abcd.efghijklmnopqrstuvwxyz"}),
        (["discord", "sync"], {"DISCORD_TOKEN": "MTIz.abcd.efghijklmnopqrstuvwxyz"}),
        (["run", "slack"], {"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_APP_TOKEN": "xapp-1"}),
    ],
)
def test_an_unreachable_network_is_one_line_naming_what_to_check(tmp_path, args, env):
    port = closed_port()
    done = fresh_process(
        args,
        tmp_path,
        DISCORD_API_URL=f"http://127.0.0.1:{port}/api/v10",
        SLACK_API_URL=f"http://127.0.0.1:{port}/api/",
        FOOTNOTE_WORKER_PROCESSES="0",
        **env,
    )
    assert done.returncode == 1
    assert "Traceback" not in done.stderr, done.stderr
    assert (
        f"Could not reach 127.0.0.1:{port}: the connection was refused; check the network connection, DNS"
        in done.stderr.splitlines()[-1]
    ), done.stderr
    # One line: nothing else but a running bot's INFO log (no warnings about voice libraries it never uses).
    assert [line for line in done.stderr.splitlines()[:-1] if " INFO " not in line] == [], done.stderr
    if args[0] == "run":  # the bot's first line says which files it uses
        first = done.stderr.splitlines()[0]
        assert f"footnote {args[1]}: database {tmp_path / 'data' / 'footnote' / 'footnote.sqlite3'}" in first
        assert "no .env file" in first


def test_quick_commands_import_only_what_they_use(tmp_path):
    # Start-up time is measured by bench/startup_bench.py; this keeps the heavy imports out of quick commands.
    probe = (
        "import sys; from bot.cli import main; status = main(sys.argv[1:]);"
        " heavy = sorted(m for m in ('trafilatura', 'eyecite', 'bot.service.service', 'discord', 'openai',"
        " 'langcodes') if m in sys.modules); print(status, heavy, file=sys.stderr)"
    )
    for args in (["admin", "help"], ["admin", "settings"], ["legal", "topics"]):
        env = {k: v for k, v in os.environ.items() if not k.startswith("FOOTNOTE_")}
        env.update(XDG_DATA_HOME=str(tmp_path / "data"), XDG_CONFIG_HOME=str(tmp_path / "config"))
        done = subprocess.run(
            [sys.executable, "-c", probe, *args],
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert done.stderr.strip().splitlines()[-1] == "0 []", (args, done.stderr)


def test_explaining_a_saved_page_imports_no_http_client_and_no_fallback_extractor(tmp_path):
    # httpx (which pulls in click) is for links, readability for pages trafilatura cannot read, eyecite for
    # case-like text: the bundled example needs none of them.
    example = Path(__file__).resolve().parent.parent / "examples" / "ice-agents-state-prosecution.html"
    probe = (
        "import sys; from bot.cli import main; status = main(sys.argv[1:]);"
        " heavy = sorted(m for m in ('httpx', 'click', 'readability', 'chardet', 'eyecite')"
        " if m in sys.modules);"
        " print(status, heavy, file=sys.stderr)"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith(("FOOTNOTE_", "OPENAI_"))}
    env.update(XDG_DATA_HOME=str(tmp_path / "data"), XDG_CONFIG_HOME=str(tmp_path / "config"))
    done = subprocess.run(
        [sys.executable, "-c", probe, "explain", str(example), "--engine", "local"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.stderr.strip().splitlines()[-1] == "0 []", done.stderr


def test_a_database_left_in_the_current_folder_is_pointed_out(data_home, monkeypatch, caplog):
    old = data_home / "footnote.sqlite3"
    old.write_bytes(b"")  # the default before the data folder: ./footnote.sqlite3
    monkeypatch.chdir(data_home)
    assert main(["admin", "settings"]) == 0
    new = data_home / "data" / "footnote" / "footnote.sqlite3"
    assert f"{old} is not used any more: the database is now {new}" in caplog.text
    assert f"FOOTNOTE_DB={old}" in caplog.text
    caplog.clear()
    assert main(["admin", "settings"]) == 0  # once the new one exists, nothing more is said
    assert "not used any more" not in caplog.text


def test_a_database_from_a_newer_footnote_is_one_line_saying_what_to_do(data_home, monkeypatch, capsys):
    import sqlite3

    from bot.service.migrations import MIGRATIONS

    path = data_home / "newer.sqlite3"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE schema_version (version INTEGER NOT NULL)")
    conn.execute("INSERT INTO schema_version VALUES (?)", (len(MIGRATIONS) + 3,))
    conn.commit()
    conn.close()
    monkeypatch.setenv("FOOTNOTE_DB", str(path))
    for argv in (["admin", "stats"], ["admin", "auto", "on"], ["db", "migrate"]):
        assert main(argv) == 1, argv
        assert capsys.readouterr().err == (
            f"FOOTNOTE_DB={path}: schema version {len(MIGRATIONS) + 3} is newer than this Footnote's"
            f" ({len(MIGRATIONS)}): a newer Footnote has used it; upgrade Footnote, or point FOOTNOTE_DB at"
            " another database\n"
        )


def test_a_copy_from_a_file_that_is_not_sqlite_names_that_file_and_never_a_password(
    data_home, monkeypatch, capsys
):
    source = data_home / "notes.sqlite3"
    source.write_text("not a database")
    target = f"postgresql://bot:s3cret@127.0.0.1:{closed_port()}/footnote"
    for configured in ("", target):  # the default SQLite file, then a server URL with a password
        monkeypatch.setenv("FOOTNOTE_DB", configured)
        assert main(["db", "copy", str(source), target]) == 1
        assert capsys.readouterr().err == (
            f"{source}: cannot be copied (file is not a database); is it the SQLite database the bot used?\n"
        )
