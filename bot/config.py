"""The only module that reads the environment: one `Settings` object, built at start-up.

Every setting is documented in `.env.example`. Secrets are `SecretStr` so that they never
appear in logs, reprs or error messages. `load_settings` finds the `.env` file in a documented
order (`ENV_FILE_ORDER`) and resolves `FOOTNOTE_DB`, so the bot and every command agree on which
files they use wherever they are started.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

import platformdirs
from pydantic import AliasChoices, BaseModel, ConfigDict, Field, SecretStr, field_validator, model_validator

DEFAULT_SKIP_DOMAINS = (
    "youtube.com,youtu.be,vimeo.com,twitch.tv,tiktok.com,instagram.com,facebook.com,fb.watch,"
    "twitter.com,x.com,threads.net,bsky.app,reddit.com,redd.it,discord.com,discord.gg,slack.com,"
    "giphy.com,tenor.com,imgur.com,spotify.com,soundcloud.com,apps.apple.com,play.google.com,"
    "drive.google.com,docs.google.com,dropbox.com,github.com,linkedin.com,pinterest.com,snapchat.com,"
    "whatsapp.com,t.me,telegram.org,mastodon.social"
)
DEFAULT_SKIP_EXTENSIONS = (
    "jpg,jpeg,png,gif,webp,svg,bmp,ico,mp4,mov,webm,mkv,avi,mp3,wav,ogg,flac,m4a,zip,gz,tgz,"
    "rar,7z,exe,dmg,msi,apk,iso,pdf,doc,docx,xls,xlsx,ppt,pptx,csv"
)


APP_NAME = "footnote"
DB_FILE = "footnote.sqlite3"
ENV_FILE_VARIABLE = "FOOTNOTE_ENV_FILE"
ENV_FILE_ORDER = (
    "FOOTNOTE_ENV_FILE, if set (it must exist)",
    "./.env in the current folder",
    "footnote/.env in the user's config folder (e.g. ~/.config/footnote/.env)",
)


class EnvFileMissing(ValueError):
    """FOOTNOTE_ENV_FILE names a file that does not exist."""


def default_db_path() -> Path:
    """The database when FOOTNOTE_DB is unset: in the user's data folder, wherever a command runs."""
    return platformdirs.user_data_path(APP_NAME) / DB_FILE


def user_env_file() -> Path:
    """The `.env` file in the user's config folder (the last place looked)."""
    return platformdirs.user_config_path(APP_NAME) / ".env"


def find_env_file(environ: dict[str, str] | os._Environ[str] = os.environ) -> Path | None:
    """The first `.env` in `ENV_FILE_ORDER`, as an absolute path, or None when there is none."""
    named = environ.get(ENV_FILE_VARIABLE, "").strip()
    if named:
        path = Path(named).expanduser().resolve()
        if not path.is_file():
            raise EnvFileMissing(f"{ENV_FILE_VARIABLE}={named} is not a file")
        return path
    for candidate in (Path.cwd() / ".env", user_env_file()):
        if candidate.is_file():
            return candidate.resolve()
    return None


def _listed(value: str, defaults: str) -> list[str]:
    """A comma-separated setting; a leading `+` adds to the defaults instead of replacing them."""
    value = value.strip()
    if value.startswith("+"):
        value = f"{defaults},{value[1:]}"
    return [item.strip().lower() for item in value.split(",") if item.strip()]


def read_env_file(path: Path) -> dict[str, str]:
    """The settings a `.env` file sets (python-dotenv's syntax: quotes, `export`, `${VAR}`)."""
    from dotenv import dotenv_values  # only when there is a file: most starts have none

    return {key: value for key, value in dotenv_values(path, encoding="utf-8").items() if value is not None}


def _names(alias: object) -> list[str]:
    """The environment names of one field, first choice first."""
    if isinstance(alias, AliasChoices):
        return [choice for choice in alias.choices if isinstance(choice, str)]
    return [alias] if isinstance(alias, str) else []


class Settings(BaseModel):
    """Operator configuration from the environment and `.env`.

    `Settings(**values)` takes settings by their environment names (`FOOTNOTE_DB=...`); every other
    setting comes from the environment, then from `_env_file` if one is given (none by default:
    `load_settings` chooses it, tests and libraries get the environment only). Names match in any case.
    A plain pydantic model rather than pydantic-settings, whose import alone costs a tenth of a second
    on every command.
    """

    model_config = ConfigDict(extra="ignore")

    def __init__(self, _env_file: Path | str | None = None, **values: Any) -> None:
        sources: list[Mapping[str, str]] = [{key.lower(): value for key, value in os.environ.items()}]
        if _env_file is not None:
            sources.append({key.lower(): value for key, value in read_env_file(Path(_env_file)).items()})
        for field in type(self).model_fields.values():
            names = _names(field.validation_alias)
            if any(name in values for name in names):
                continue
            for source in sources:  # the environment wins over the file
                found = next((name for name in names if name.lower() in source), None)
                if found is not None:
                    values[found] = source[found.lower()]
                    break
        super().__init__(**values)

    # Analysis engine
    engine: Literal["auto", "local", "openai"] = Field("auto", validation_alias="FOOTNOTE_ENGINE")
    openai_api_key: SecretStr | None = Field(None, validation_alias="OPENAI_API_KEY")
    openai_base_url: str | None = Field(None, validation_alias="OPENAI_BASE_URL")
    model: str = Field("gpt-4.1-mini", validation_alias="FOOTNOTE_MODEL")
    openai_timeout: float = Field(60.0, validation_alias="FOOTNOTE_OPENAI_TIMEOUT")
    openai_max_retries: int = Field(2, validation_alias="FOOTNOTE_OPENAI_MAX_RETRIES")
    openai_json_mode_retry: bool = Field(True, validation_alias="FOOTNOTE_OPENAI_JSON_MODE_RETRY")
    article_token_budget: int = Field(8000, validation_alias="FOOTNOTE_ARTICLE_TOKEN_BUDGET")
    price_table: str | None = Field(None, validation_alias="FOOTNOTE_PRICES")
    tiktoken_cache_dir: str | None = Field(
        None, validation_alias=AliasChoices("TIKTOKEN_CACHE_DIR", "DATA_GYM_CACHE_DIR")
    )

    # Links and fetching
    max_links_per_message: int = Field(3, validation_alias="FOOTNOTE_MAX_LINKS")
    skip_domains: str = Field(DEFAULT_SKIP_DOMAINS, validation_alias="FOOTNOTE_SKIP_DOMAINS")
    skip_extensions: str = Field(DEFAULT_SKIP_EXTENSIONS, validation_alias="FOOTNOTE_SKIP_EXTENSIONS")
    allow_private_networks: bool = Field(False, validation_alias="FOOTNOTE_ALLOW_PRIVATE_NETWORKS")
    fetch_connect_timeout: float = Field(5.0, validation_alias="FOOTNOTE_FETCH_CONNECT_TIMEOUT")
    fetch_read_timeout: float = Field(10.0, validation_alias="FOOTNOTE_FETCH_READ_TIMEOUT")
    fetch_total_timeout: float = Field(20.0, validation_alias="FOOTNOTE_FETCH_TOTAL_TIMEOUT")
    fetch_max_bytes: int = Field(5_000_000, validation_alias="FOOTNOTE_FETCH_MAX_BYTES")
    fetch_max_redirects: int = Field(5, validation_alias="FOOTNOTE_FETCH_MAX_REDIRECTS")
    user_agent: str = Field(
        "FootnoteBot/0.1 (+https://github.com/footnote-bot/footnote; news explainer for chat communities)",
        validation_alias="FOOTNOTE_USER_AGENT",
    )

    # Storage and service
    # Empty: `default_db_path()`. A relative path in a `.env` file is relative to that file's folder.
    db: str = Field("", validation_alias="FOOTNOTE_DB")
    db_busy_timeout: float = Field(10.0, gt=0, le=600, validation_alias="FOOTNOTE_DB_BUSY_TIMEOUT")
    # False for deployments that migrate only with `footnote db migrate` (PostgreSQL).
    db_migrate_on_start: bool = Field(True, validation_alias="FOOTNOTE_DB_MIGRATE_ON_START")
    cache_ttl_hours: float = Field(24.0, validation_alias="FOOTNOTE_CACHE_TTL_HOURS")
    # A claim on a message's link not answered by then (its process died) is answered on redelivery;
    # unset: the service's default (5 minutes).
    claim_lease_seconds: float | None = Field(None, gt=0, validation_alias="FOOTNOTE_CLAIM_LEASE_SECONDS")
    max_concurrent_analyses: int = Field(4, validation_alias="FOOTNOTE_MAX_CONCURRENT")
    # Processes a running bot (`footnote run`) uses for extraction and the offline engine; 0 = threads.
    worker_processes: int = Field(2, ge=0, le=64, validation_alias="FOOTNOTE_WORKER_PROCESSES")
    log_level: str | None = Field(None, validation_alias="FOOTNOTE_LOG_LEVEL")

    # Discord
    discord_token: SecretStr | None = Field(None, validation_alias="DISCORD_TOKEN")
    discord_request_emoji: str = Field("📰", validation_alias="FOOTNOTE_REQUEST_EMOJI")
    # Sharding: the total number of shards, and the shards this process runs (comma-separated ids,
    # empty = all). Unset count: Discord's recommendation, every shard in this one process.
    discord_shard_count: int | None = Field(None, ge=1, validation_alias="FOOTNOTE_DISCORD_SHARD_COUNT")
    discord_shard_ids: str = Field("", validation_alias="FOOTNOTE_DISCORD_SHARD_IDS")
    # Override of Discord's REST API base (tests, proxies), e.g. https://discord.com/api/v10
    discord_api_url: str | None = Field(None, validation_alias="DISCORD_API_URL")

    # Slack
    slack_bot_token: SecretStr | None = Field(None, validation_alias="SLACK_BOT_TOKEN")
    slack_app_token: SecretStr | None = Field(None, validation_alias="SLACK_APP_TOKEN")
    slack_signing_secret: SecretStr | None = Field(None, validation_alias="SLACK_SIGNING_SECRET")
    slack_api_url: str | None = Field(None, validation_alias="SLACK_API_URL")
    slack_mode: Literal["socket", "http"] = Field("socket", validation_alias="FOOTNOTE_SLACK_MODE")
    # HTTP mode's listening address: all interfaces suit a container behind a load balancer;
    # 127.0.0.1 keeps it to a reverse proxy on the same machine.
    slack_host: str = Field("0.0.0.0", validation_alias="FOOTNOTE_SLACK_HOST")
    slack_port: int = Field(3000, validation_alias=AliasChoices("FOOTNOTE_SLACK_PORT", "PORT"))
    slack_moderators: str = Field("", validation_alias="FOOTNOTE_SLACK_MODERATORS")

    @field_validator(
        "openai_api_key",
        "openai_base_url",
        "price_table",
        "discord_token",
        "slack_bot_token",
        "slack_app_token",
        "slack_signing_secret",
        "slack_api_url",
        "discord_api_url",
        mode="before",
    )
    @classmethod
    def _blank_is_unset(cls, value: object) -> object:
        """An empty line in `.env` (`OPENAI_API_KEY=`) means "not set"."""
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("db")
    @classmethod
    def _known_backend(cls, value: str) -> str:
        """A file path, a `sqlite://` URL or a `postgresql://` URL (see bot/service/store.py)."""
        scheme = value.split("://", 1)[0].lower() if "://" in value else ""
        if scheme not in ("", "sqlite", "postgresql", "postgres"):
            raise ValueError(
                f"{scheme}:// databases are not built in; use a file path, sqlite:///path/to/file"
                " or postgresql://user@host/database"
            )
        return value

    def uses_postgres(self) -> bool:
        """Whether `FOOTNOTE_DB` names a PostgreSQL database rather than a SQLite file."""
        return self.db.lower().startswith(("postgresql://", "postgres://"))

    @model_validator(mode="after")
    def _shards_fit(self) -> Settings:
        """Shard ids need a shard count, and each must be below it."""
        ids = self.discord_shard_id_list()
        if ids is not None and (self.discord_shard_count is None or max(ids) >= self.discord_shard_count):
            raise ValueError(
                "FOOTNOTE_DISCORD_SHARD_IDS needs FOOTNOTE_DISCORD_SHARD_COUNT, and each id must be below it"
            )
        return self

    def discord_shard_id_list(self) -> list[int] | None:
        """The shards this process runs, or None for all of them."""
        parts = [part.strip() for part in self.discord_shard_ids.split(",") if part.strip()]
        if not parts:
            return None
        if not all(part.isdigit() for part in parts):
            raise ValueError("FOOTNOTE_DISCORD_SHARD_IDS must be comma-separated shard numbers, e.g. 0,1")
        return sorted({int(part) for part in parts})

    def skip_domain_list(self) -> list[str]:
        """Hosts (and their subdomains) whose links are never articles."""
        return _listed(self.skip_domains, DEFAULT_SKIP_DOMAINS)

    def skip_extension_list(self) -> list[str]:
        """File endings whose links are downloads or media, not articles."""
        return [e.lstrip(".") for e in _listed(self.skip_extensions, DEFAULT_SKIP_EXTENSIONS)]

    def resolved_engine(self) -> Literal["local", "openai"]:
        """`auto` means openai when an API key is set, else local."""
        if self.engine == "auto":
            return "openai" if self.openai_api_key else "local"
        return self.engine

    def db_is_file(self) -> bool:
        """Whether FOOTNOTE_DB names an SQLite file (not `:memory:` or a server URL)."""
        scheme = self.db.split("://", 1)[0].lower() if "://" in self.db else ""
        return scheme in ("", "sqlite") and self.db.removeprefix("sqlite://").strip("/") != ":memory:"

    def db_path(self) -> Path:
        """The SQLite file, from a path or a `sqlite:///` URL; unset means `default_db_path()`."""
        value = self.db.removeprefix("sqlite:///").removeprefix("sqlite://")
        return Path(value).expanduser() if value else default_db_path()


def load_settings() -> tuple[Settings, Path | None]:
    """Settings from the environment and the `.env` found in `ENV_FILE_ORDER`; and that file.

    A relative FOOTNOTE_DB written in the `.env` file is taken relative to the file's folder, so the
    same file means the same database from any working directory. Raises `EnvFileMissing` and
    pydantic's `ValidationError`.
    """
    env_file = find_env_file()
    settings = Settings(_env_file=env_file)
    if not settings.db_is_file():
        return settings, env_file
    db = settings.db_path()
    if env_file and not db.is_absolute() and "FOOTNOTE_DB" not in os.environ:
        db = env_file.parent / db
    return settings.model_copy(update={"db": str(db.absolute())}), env_file


def left_behind_db(settings: Settings) -> Path | None:
    """A `footnote.sqlite3` in the current folder (the old default) that the default database now replaces."""
    old = Path.cwd() / DB_FILE
    new = settings.db_path()
    if new == default_db_path() and not new.exists() and old.is_file() and old.resolve() != new.resolve():
        return old
    return None


def files_in_use(settings: Settings, env_file: Path | None) -> str:
    """Which database and which `.env` are in use, for `admin settings`, `doctor` and the bot's first line."""
    env = f".env {env_file}" if env_file else f"no .env file (environment only; see {ENV_FILE_VARIABLE})"
    if settings.uses_postgres():
        from bot.doctor.postgres import redacted  # never echo the URL's password

        return f"database {redacted(settings.db)}, {env}"
    return f"database {settings.db_path()}, {env}"
