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
