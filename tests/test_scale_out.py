"""Several bot processes over one database: cross-process single-flight and Discord shards.

Each "process" is an ExplainService of its own (its own in-process flights, its own lease owner)
on one shared store: a SQLite file or a real PostgreSQL database.
"""

import asyncio
from types import SimpleNamespace

import pytest
from pydantic import ValidationError
from test_discord_handlers import BOT, Message, Place
from test_service_explain import CountingEngine

from bot.adapters.discord.client import FootnoteClient, shard_of
from bot.adapters.discord.handlers import Handlers
from bot.config import Settings
from bot.service.service import ExplainService
from bot.service.types import Status, Where, Who

MOD = Who(user_id="mod", is_moderator=True)


@pytest.fixture(params=["sqlite", "postgres"])
async def db_url(request, tmp_path):
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'footnote.sqlite3'}"
    return await request.getfixturevalue("postgres_server").fresh_database()


def settings_on(db_url: str, **extra) -> Settings:
    return Settings(
        _env_file=None,
        FOOTNOTE_DB=db_url,
        FOOTNOTE_ALLOW_PRIVATE_NETWORKS=True,
        FOOTNOTE_ENGINE="local",
        **extra,
    )


async def test_one_link_asked_in_two_processes_at_once_is_fetched_and_analysed_once(db_url, pages):
    engines = [CountingEngine(delay=0.3), CountingEngine(delay=0.3)]
    services = [ExplainService(settings_on(db_url), engine=engine) for engine in engines]
    for service in services:
        await service.start()
    try:
        asks = [
            services[i % 2].explain(
                pages.url("/news/harbour"),
                Where(platform="slack", workspace="T1", channel=f"C{i}", message_id=f"{i}.0"),
                Who(user_id=f"U{i}"),
            )
            for i in range(8)
        ]
        results = await asyncio.gather(*asks)
    finally:
        for service in services:
            await service.close()
    assert {r.status for r in results} <= {Status.OK, Status.CACHED}
    assert len({r.analysis.model_dump_json() for r in results}) == 1
    assert pages.hits["/news/harbour"] == 1
    assert sum(engine.calls for engine in engines) == 1


def test_shard_settings_are_checked():
    with pytest.raises(ValidationError, match="SHARD_COUNT"):
        Settings(_env_file=None, FOOTNOTE_DISCORD_SHARD_IDS="0,1")
    with pytest.raises(ValidationError, match="below"):
        Settings(_env_file=None, FOOTNOTE_DISCORD_SHARD_COUNT=2, FOOTNOTE_DISCORD_SHARD_IDS="1,2")
    settings = Settings(_env_file=None, FOOTNOTE_DISCORD_SHARD_COUNT=4, FOOTNOTE_DISCORD_SHARD_IDS=" 3, 1")
    assert settings.discord_shard_id_list() == [1, 3]
    client = FootnoteClient(settings, None)
    assert (client.shard_count, client.shard_ids) == (4, [1, 3])


async def test_two_shard_processes_fed_the_same_events_answer_each_message_once(postgres_server, pages):
    db_url = await postgres_server.fresh_database()
    engines, clients, services = [], [], []
    for shard in (0, 1):
        settings = settings_on(db_url, FOOTNOTE_DISCORD_SHARD_COUNT=2, FOOTNOTE_DISCORD_SHARD_IDS=str(shard))
        engine = CountingEngine()
        service = ExplainService(settings, engine=engine)
        await service.start()
        client = FootnoteClient(settings, service)
        client.handlers = Handlers(service, BOT, "📰")  # what setup_hook does once logged in
        engines.append(engine)
        services.append(service)
        clients.append(client)
    guilds = [(1000 + k) << 22 for k in range(4)]  # shards 0, 1, 0, 1
    try:
        for guild in guilds:
            here = Where(platform="discord", workspace=str(guild), channel="2002")
            await services[0].command("auto on", here, MOD)
        messages = []
        for i in range(12):
            message = Message(f"read {pages.url(f'/news/item-{i}')}", Place(2002))
            message.guild = SimpleNamespace(id=guilds[i % 4])
            messages.append(message)
        # Both processes see every event, as a misrouted or replayed stream would deliver them.
        await asyncio.gather(*(client.on_message(m) for m in messages for client in clients))
    finally:
        for service in services:
            await service.close()
    for message in messages:
        embeds = [e for record in message.thread.sent for e in record.get("embeds") or []]
        assert len(embeds) == 1
    per_shard = [sum(shard_of(m.guild.id, 2) == shard for m in messages) for shard in (0, 1)]
    assert per_shard == [6, 6]
    assert [engine.calls for engine in engines] == per_shard  # each process answered its shards only
