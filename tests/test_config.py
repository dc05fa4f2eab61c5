"""Settings: from arguments, the environment and a `.env` file, in that order, by environment name."""

import pytest
from pydantic import ValidationError

from bot.config import Settings


@pytest.fixture(autouse=True)
def no_footnote_environment(monkeypatch):
    for name in ("FOOTNOTE_DB", "FOOTNOTE_MAX_LINKS", "FOOTNOTE_SLACK_PORT", "PORT", "OPENAI_API_KEY"):
        monkeypatch.delenv(name, raising=False)


def test_arguments_beat_the_environment_which_beats_the_file(monkeypatch, tmp_path):
    env_file = tmp_path / ".env"
    env_file.write_text("FOOTNOTE_DB=from-file.sqlite3\nFOOTNOTE_MAX_LINKS=7\nFOOTNOTE_ENGINE=local\n")
    monkeypatch.setenv("FOOTNOTE_MAX_LINKS", "5")
    settings = Settings(_env_file=env_file, FOOTNOTE_ENGINE="openai")
    assert settings.db == "from-file.sqlite3" and settings.engine == "openai"
    assert settings.max_links_per_message == 5
    assert Settings().max_links_per_message == 5  # without a file: the environment only
    assert Settings(FOOTNOTE_MAX_LINKS=2, _env_file=env_file).max_links_per_message == 2


def test_a_file_in_dotenv_syntax_and_names_in_any_case(monkeypatch, tmp_path):
    monkeypatch.setenv("SECRET_PART", "abc")
    env_file = tmp_path / ".env"
    env_file.write_text(
        "# a comment\n"
        "export FOOTNOTE_USER_AGENT='Footnote test # not a comment'\n"
        'OPENAI_API_KEY="sk-${SECRET_PART}"\n'
        "footnote_slack_mode=http\n"
        "FOOTNOTE_DB\n"  # a name without a value sets nothing
    )
    settings = Settings(_env_file=env_file)
    assert settings.user_agent == "Footnote test # not a comment"
    assert settings.openai_api_key is not None and settings.openai_api_key.get_secret_value() == "sk-abc"
    assert settings.slack_mode == "http" and settings.db == ""
    monkeypatch.setenv("footnote_max_links", "4")
    assert Settings().max_links_per_message == 4


def test_a_setting_with_two_names_takes_the_first_one_set(monkeypatch, tmp_path):
    monkeypatch.setenv("PORT", "8080")  # what container platforms set
    assert Settings().slack_port == 8080
    monkeypatch.setenv("FOOTNOTE_SLACK_PORT", "3001")
    assert Settings().slack_port == 3001
    env_file = tmp_path / ".env"
    env_file.write_text("FOOTNOTE_SLACK_PORT=4000\n")
    monkeypatch.delenv("FOOTNOTE_SLACK_PORT")
    assert Settings(_env_file=env_file).slack_port == 8080  # the environment wins over the file


def test_a_bad_value_names_its_setting_and_an_unknown_name_is_ignored(monkeypatch):
    monkeypatch.setenv("FOOTNOTE_NOT_A_SETTING", "x")
    monkeypatch.setenv("FOOTNOTE_MAX_LINKS", "many")
    with pytest.raises(ValidationError) as bad:
        Settings()
    assert [problem["loc"] for problem in bad.value.errors()] == [("FOOTNOTE_MAX_LINKS",)]


def test_secrets_stay_hidden_and_blank_means_unset(monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", "sk-do-not-show")
    settings = Settings()
    assert "sk-do-not-show" not in repr(settings) and settings.resolved_engine() == "openai"
    monkeypatch.setenv("OPENAI_API_KEY", " ")
    assert Settings().openai_api_key is None
