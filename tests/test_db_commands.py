"""`footnote db migrate` and `footnote db copy` against a real SQLite file and a real PostgreSQL server."""

import asyncio

import pytest

from bot.cli import main
from bot.config import Settings
from bot.models import Analysis, ArticleMeta
from bot.service.postgres_store import PostgresStore
from bot.service.sqlite_store import SqliteStore
from bot.service.store import Actor, TrialRecord
from bot.service.store_factory import make_store
from bot.service.types import PostedReply

MOD = Actor(platform="slack", user_id="U0MOD")
NOW = 1_770_000_000.0
URL = "https://news.example/a"


async def footnote(argv: list[str]) -> int:
    """The console command, on a thread of its own (it runs its own event loop)."""
    return await asyncio.to_thread(main, argv)


@pytest.fixture
async def pg_url(postgres_server):
    return await postgres_server.fresh_database()


TRIAL = TrialRecord(
    at=NOW,
    platform="slack",
    workspace="T1",
    channel="C2",
    message_id="1.0",
    url=URL,
    status="ok",
    reply="In short: S",
    engine="local",
    estimate_tokens=1200,
    estimate_usd=0.0007,
)


async def filled_sqlite(path) -> Analysis:
    store = SqliteStore(path)
    await store.start()
    await store.change_setting("T1", "", "language", "de", MOD, NOW)
    await store.change_setting("T1", "C1", "auto_explain", True, MOD, NOW + 1)
    analysis = Analysis(article=ArticleMeta(title="Harbour"), summary="S")
    await store.save_analysis(f"local|{URL}", URL, analysis, "Body.", NOW)
    ticket = await store.reserve_budget("T1", "C1", 0, 10, 10_000, NOW)
    await store.settle(ticket, "analysis", None, 42, 0.5)
    await store.claim("slack", "T1", "C1", "1.0", URL, NOW, 300)
    await store.finish_claim("slack", "T1", "C1", "1.0", URL, NOW)
    await store.remember_reply("slack", "T1", "C1", URL, "https://chat/p/1", NOW)
    answer = PostedReply(reply_id="2.0", thread_id="1.0")
    await store.record_answer("slack", "T1", "C1", "1.0", URL, answer, NOW)
    await store.record_feedback("slack", "T1", "C1", URL, "U1", 1, NOW)
    await store.record_trial(TRIAL)
    await store.close()
    return analysis


async def test_copy_moves_settings_audit_cache_usage_claims_replies_and_votes(tmp_path, pg_url, capsys):
    path = tmp_path / "footnote.sqlite3"
    analysis = await filled_sqlite(path)
    assert await footnote(["db", "copy", str(path), pg_url]) == 0
    assert "settings: 2, audit: 2, analyses: 1, claims: 1" in capsys.readouterr().out

    store = PostgresStore(pg_url)
    await store.start()
    try:
        assert await store.settings_layers("T1", "C1") == [{}, {"language": "de"}, {"auto_explain": True}]
        assert [(e.key, e.new) for e in await store.audit_log("T1", 10)] == [
            ("auto_explain", "true"),
            ("language", '"de"'),
        ]
        assert (await store.cached_analysis(f"local|{URL}", NOW - 1)).analysis == analysis
        figures = await store.figures("T1", 0)
        assert (figures.analyses, figures.tokens, figures.cost_usd, figures.thumbs_up) == (1, 42, 0.5, 1)
        assert not await store.claim("slack", "T1", "C1", "1.0", URL, NOW + 10_000, 300)  # still answered
        assert await store.earlier_reply("slack", "T1", "C1", URL, 0) == "https://chat/p/1"
        assert [a.reply_id for a in await store.answers_to("slack", "T1", "C1", "1.0")] == ["2.0"]
        # New rows get ids after the copied ones: the audit log stays in order.
        await store.change_setting("T1", "", "language", "fr", MOD, NOW + 2)
        assert (await store.audit_log("T1", 1))[0].old == '"de"'
        assert await store.reserve_budget("T1", "C1", 0, 10, 10_000, NOW) is not None
        assert await store.trial_records("T1", None, 0, 10) == [TRIAL]
        later = TRIAL.model_copy(update={"at": NOW + 5, "message_id": "2.0"})
        await store.record_trial(later)  # its id follows the copied one's
        assert [r.message_id for r in await store.trial_records("T1", None, 0, 10)] == ["2.0", "1.0"]
    finally:
        await store.close()


async def test_copy_refuses_a_target_with_data_and_a_missing_source(tmp_path, pg_url, capsys):
    path = tmp_path / "footnote.sqlite3"
    await filled_sqlite(path)
    assert await footnote(["db", "copy", str(path), pg_url]) == 0
    assert await footnote(["db", "copy", str(path), pg_url]) == 1
    assert "already has rows" in capsys.readouterr().err
    assert await footnote(["db", "copy", str(tmp_path / "nope.sqlite3"), pg_url]) == 1
    assert "no SQLite database" in capsys.readouterr().err


async def test_migrate_is_explicit_when_start_may_not_migrate(pg_url, monkeypatch, capsys):
    monkeypatch.setenv("FOOTNOTE_DB", pg_url)
    monkeypatch.setenv("FOOTNOTE_DB_MIGRATE_ON_START", "false")
    store = PostgresStore(pg_url, migrate_on_start=False)
    with pytest.raises(RuntimeError, match="footnote db migrate"):
        await store.start()
    assert await footnote(["db", "migrate"]) == 0
    assert "PostgreSQL schema is up to date" in capsys.readouterr().out
    await store.start()
    await store.close()


async def test_an_unmigrated_database_is_one_line_naming_it_and_the_fix(pg_url, monkeypatch, capsys):
    from bot.doctor.postgres import redacted
    from bot.service.postgres_migrations import MIGRATIONS

    url = pg_url + ("&" if "?" in pg_url else "?") + "password=s3cret"  # the socket's trust login ignores it
    monkeypatch.setenv("FOOTNOTE_DB", url)
    monkeypatch.setenv("FOOTNOTE_DB_MIGRATE_ON_START", "false")
    assert await footnote(["admin", "stats"]) == 1
    err = capsys.readouterr().err
    assert err == (
        f"FOOTNOTE_DB={redacted(url)}: schema version 0 of {len(MIGRATIONS)}: not migrated yet;"
        " run `footnote db migrate` (FOOTNOTE_DB_MIGRATE_ON_START is off, so nothing else migrates it)\n"
    )
    assert "s3cret" not in err and "password=***" in err


def test_footnote_db_picks_the_backend(tmp_path):
    sqlite = Settings(_env_file=None, FOOTNOTE_DB=str(tmp_path / "f.sqlite3"))
    assert isinstance(make_store(sqlite), SqliteStore) and not sqlite.uses_postgres()
    for url in ("postgresql://bot:pw@db.internal/fn", "postgres://bot@db.internal/fn"):
        settings = Settings(_env_file=None, FOOTNOTE_DB=url)
        assert settings.uses_postgres() and isinstance(make_store(settings), PostgresStore)
