"""Discord: the answer follows its message. Raw delete and edit events (cache cold or warm) through the
client's handlers, the real service on SQLite and the local engine, small fakes of Discord's threads."""

import itertools
from types import SimpleNamespace

import discord
import pytest
from test_discord_handlers import BOT, CHANNEL, GUILD, MOD, Message, Place, Sent, assert_no_mentions, here

from bot.adapters.discord.client import FootnoteClient
from bot.adapters.discord.follow import FollowHandlers
from bot.adapters.discord.handlers import Handlers
from bot.config import Settings
from bot.engines.local import LocalEngine
from bot.service import messages
from bot.service.service import ExplainService

MEMBER, OTHER_MEMBER = 7, 8
later = itertools.count(90_000_000)  # ids of what is written after the answers (snowflakes grow)


def http_error(kind: type[discord.HTTPException], status: int) -> discord.HTTPException:
    return kind(SimpleNamespace(status=status, reason="x"), {"code": 0, "message": "x"})


class Said(Sent):
    """A message in a thread, with its author and type as Discord reports them."""

    def __init__(self, place_id: int, record: dict, author: int, id: int | None = None) -> None:
        super().__init__(place_id, record)
        self.id = id or self.id
        self.author, self.type = SimpleNamespace(id=author), discord.MessageType.default


class Thread(Place):
    """A thread that keeps its messages: history, deleting or editing one, deleting the thread."""

    def __init__(self, id: int, parent_id: int = CHANNEL, *, may_delete: bool = True) -> None:
        super().__init__(id, discord.ChannelType.public_thread, parent_id=parent_id)
        self.messages: list[Said] = []
        self.removed: list[int] = []
        self.edits: dict[int, dict] = {}
        self.may_delete, self.deleted = may_delete, False

    async def send(self, content=None, **kwargs) -> Said:
        assert_no_mentions(kwargs)
        record = {"content": content, **kwargs}
        self.sent.append(record)
        said = Said(self.id, record, BOT)
        self.messages.append(said)
        return said

    def reply(self, author: int = OTHER_MEMBER) -> None:
        self.messages.append(Said(self.id, {"content": "a reply"}, author, id=next(later)))

    async def history(self, *, limit: int, after):
        for message in [m for m in self.messages if m.id > after.id][:limit]:
            yield message

    def get_partial_message(self, id: int) -> "Partial":
        return Partial(self, id)

    async def delete(self) -> None:
        if not self.may_delete:
            raise http_error(discord.Forbidden, 403)  # no Manage Threads
        self.deleted = True

    def answers_left(self) -> list[int]:
        return [m.id for m in self.messages if m.author.id == BOT and m.id not in self.removed]


class Partial:
    def __init__(self, thread: Thread, id: int) -> None:
        self.thread, self.id = thread, id

    async def delete(self) -> None:
        if self.id in self.thread.removed:
            raise http_error(discord.NotFound, 404)
        self.thread.removed.append(self.id)

    async def edit(self, **kwargs) -> None:
        assert_no_mentions(kwargs)
        self.thread.edits[self.id] = kwargs


class World:
    """Every channel and thread by id, as `client.get_channel` finds them."""

    def __init__(self) -> None:
        self.channel = Place(CHANNEL)
        self.places: dict[int, Place] = {CHANNEL: self.channel}
        self.may_delete_threads = True

    async def get_channel(self, id: int) -> Place:
        if id not in self.places:
            raise http_error(discord.NotFound, 404)
        return self.places[id]

    def message(self, content: str, place: Place | None = None) -> Message:
        message = Message(content, place or self.channel)
        world = self

        async def create_thread(*, name: str, auto_archive_duration: int) -> Thread:
            message.threads_created.append(name)
            # A thread opened on a message has the message's id.
            message.thread = Thread(message.id, may_delete=world.may_delete_threads)
            world.places[message.id] = message.thread
            return message.thread

        message.create_thread = create_thread
        return message


@pytest.fixture(autouse=True)
def no_handler_failed(caplog):
    """The client logs and swallows a handler's exception: here any such log fails the test."""
    yield
    assert not [r for r in caplog.records if r.levelname == "ERROR"], caplog.text


@pytest.fixture
async def service(tmp_path):
    settings = Settings(
        FOOTNOTE_DB=f"sqlite:///{tmp_path / 'footnote.sqlite3'}",
        FOOTNOTE_ALLOW_PRIVATE_NETWORKS=True,
        FOOTNOTE_ENGINE="local",
    )
    async with ExplainService(settings, engine=LocalEngine()) as svc:
        await svc.command("auto on", here(), MOD)
        yield svc


@pytest.fixture
def world() -> World:
    return World()


@pytest.fixture
def client(service, world) -> FootnoteClient:
    """The client's raw-event wiring, with handlers bound to the fakes instead of a gateway."""
    client = FootnoteClient(Settings(FOOTNOTE_ENGINE="local"), service)
    client.handlers = Handlers(service, BOT, "📰")
    client.follow = FollowHandlers(service, BOT, world.get_channel)
    return client


async def answered(client: FootnoteClient, world: World, *paths: str, pages, place=None) -> Message:
    message = world.message(" and ".join(pages.url(p) for p in paths), place)
    await client.handlers.on_message(message)
    return message


def deletion(message: Message) -> SimpleNamespace:
    return SimpleNamespace(
        guild_id=GUILD, channel_id=message.channel.id, message_id=message.id, cached_message=None
    )


def edit(message: Message, content: str, *, cached: bool = False, author: int = MEMBER) -> SimpleNamespace:
    after = Message(content, message.channel, message.author)
    after.id, after.thread, after.threads_created = message.id, message.thread, message.threads_created
    after.reactions = message.reactions
    data = {"id": str(message.id), "content": content, "author": {"id": str(author)}}
    return SimpleNamespace(
        guild_id=GUILD,
        channel_id=message.channel.id,
        message_id=message.id,
        data=data,
        cached_message=message if cached else None,
        message=after,
    )


async def test_deleting_a_message_nobody_replied_to_deletes_the_thread_the_bot_opened(client, world, pages):
    message = await answered(client, world, "/news/parks", "/news/roads", pages=pages)
    thread = message.thread
    assert len(thread.answers_left()) == 2
    await client.on_raw_message_delete(deletion(message))
    assert thread.deleted and thread.edits == {}
    await client.on_raw_message_delete(deletion(message))  # delivered again: nothing more happens
    assert thread.removed == []


async def test_without_manage_threads_the_answers_are_deleted_one_by_one(client, world, pages):
    world.may_delete_threads = False
    message = await answered(client, world, "/news/parks", "/news/roads", pages=pages)
    await client.on_raw_message_delete(deletion(message))
    assert not message.thread.deleted and message.thread.answers_left() == []


async def test_deleting_a_message_others_replied_to_leaves_one_line(client, world, pages):
    message = await answered(client, world, "/news/parks", "/news/roads", pages=pages)
    thread = message.thread
    first, second = thread.answers_left()
    thread.reply()
    await client.on_raw_message_delete(deletion(message))
    assert not thread.deleted
    assert list(thread.edits) == [first] and thread.removed == [second]  # one line, not two
    line = thread.edits[first]
    assert line["content"] == messages.original_removed()
    assert line["embeds"] == [] and line["view"] is None  # the answer's embed and buttons go


async def test_a_message_in_a_thread_it_did_not_open_loses_only_the_answer(client, world, pages):
    thread = Thread(4004)
    world.places[thread.id] = thread
    thread.messages.append(Said(thread.id, {"content": "earlier talk"}, OTHER_MEMBER, id=1))  # before it
    message = await answered(client, world, "/news/parks", pages=pages, place=thread)
    (answer,) = thread.answers_left()
    await client.on_raw_message_delete(deletion(message))
    assert not thread.deleted and thread.removed == [answer] and thread.edits == {}


@pytest.mark.parametrize("cached", [False, True])
async def test_editing_one_link_away_deletes_only_its_answer(client, world, pages, cached):
    message = await answered(client, world, "/news/parks", "/news/roads", pages=pages)
    thread = message.thread
    parks, roads = thread.answers_left()
    await client.on_raw_message_edit(edit(message, f"only {pages.url('/news/roads')}", cached=cached))
    assert thread.removed == [parks] and not thread.deleted and thread.answers_left() == [roads]


async def test_editing_the_only_link_away_deletes_the_thread_the_bot_opened(client, world, pages):
    message = await answered(client, world, "/news/parks", pages=pages)
    await client.on_raw_message_edit(edit(message, "never mind"))
    assert message.thread.deleted


async def test_editing_the_link_away_after_others_replied_leaves_one_line(client, world, pages):
    message = await answered(client, world, "/news/parks", pages=pages)
    thread = message.thread
    (answer,) = thread.answers_left()
    thread.reply()
    await client.on_raw_message_edit(edit(message, "never mind"))
    assert thread.edits[answer]["content"] == messages.link_removed() and thread.removed == []


async def test_a_new_link_edited_in_is_explained_once_however_often_the_edit_comes(client, world, pages):
    message = await answered(client, world, "/news/parks", pages=pages)
    thread = message.thread
    marks = len(message.reactions)
    with_new = f"{pages.url('/news/parks')} and {pages.url('/news/roads')}"
    await client.on_raw_message_edit(edit(message, with_new))  # cache cold
    await client.on_raw_message_edit(edit(message, with_new))  # the same edit again
    await client.on_raw_message_edit(edit(message, with_new + " (typo)"))  # and another one
    assert [e.title.split()[3] for r in thread.sent for e in r.get("embeds") or []] == ["parks", "roads"]
    assert pages.hits == {"/news/parks": 1, "/news/roads": 1}
    assert thread.removed == [] and thread.edits == {}
    assert len(message.reactions) == marks + 3  # ⏳ on, ⏳ off, ✅ once: the repeats did nothing at all


async def test_a_link_edited_away_and_back_is_explained_again(client, world, pages):
    message = await answered(client, world, "/news/parks", "/news/roads", pages=pages)
    thread = message.thread
    parks, roads = thread.answers_left()
    only_roads = f"only {pages.url('/news/roads')}"
    await client.on_raw_message_edit(edit(message, only_roads))
    assert thread.removed == [parks]
    both = f"{pages.url('/news/parks')} and {pages.url('/news/roads')}"
    await client.on_raw_message_edit(edit(message, both))  # cache cold: every link looks new
    await client.on_raw_message_edit(edit(message, both))  # the same edit again
    (again,) = [a for a in thread.answers_left() if a != roads]
    assert again != parks and thread.answers_left() == [roads, again]
    assert pages.hits == {"/news/parks": 1, "/news/roads": 1}  # answered from the cache


async def test_edits_are_ignored_when_their_text_cannot_be_read_or_are_the_bots_own(client, world, pages):
    message = await answered(client, world, "/news/parks", pages=pages)
    await client.on_raw_message_edit(edit(message, "", author=BOT))  # our own message
    await client.on_raw_message_edit(edit(message, message.content, cached=True))  # a link preview
    client.follow.reads_content = False  # without the Message Content intent every text looks empty
    await client.on_raw_message_edit(edit(message, ""))
    assert message.thread.removed == [] and not message.thread.deleted


async def test_messages_purged_at_once_take_their_answers_down(client, world, pages):
    purged = [await answered(client, world, path, pages=pages) for path in ("/news/parks", "/news/roads")]
    payload = SimpleNamespace(guild_id=GUILD, channel_id=CHANNEL, message_ids={m.id for m in purged})
    await client.on_raw_bulk_message_delete(payload)
    assert all(m.thread.deleted for m in purged)
