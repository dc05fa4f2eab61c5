"""The Discord adapter end to end: small fakes of Discord's message/channel/interaction objects, the real
ExplainService on a SQLite file, real fetch/extract/local engine against a local page server."""

import asyncio
import itertools
from types import SimpleNamespace

import discord
import pytest

from bot.adapters.discord.app_commands import explain_command, explain_links_menu, footnote_command
from bot.adapters.discord.client import FootnoteClient
from bot.adapters.discord.handlers import Handlers, on_button
from bot.config import Settings
from bot.engines.local import LocalEngine
from bot.service import messages
from bot.service.service import ExplainService
from bot.service.types import Where, Who

GUILD, CHANNEL, OTHER_CHANNEL, BOT = 1001, 2002, 2003, 9009
NO_MENTIONS = discord.AllowedMentions.none().to_dict()
MOD_PERMISSIONS = discord.Permissions(manage_guild=True)
ids = itertools.count(50_000)


def assert_no_mentions(kwargs: dict) -> None:
    """Every send must carry AllowedMentions.none(), whatever it contains."""
    mentions = kwargs.get("allowed_mentions")
    assert mentions is not None and mentions.to_dict() == NO_MENTIONS


class Sent:
    """What Discord returns for a posted message."""

    def __init__(self, place_id: int, record: dict) -> None:
        self.id = next(ids)
        self.jump_url = f"https://discord.com/channels/{GUILD}/{place_id}/{self.id}"
        self.embeds = record.get("embeds") or ([record["embed"]] if record.get("embed") else [])


class Place:
    """A text channel or thread that records what is sent to it."""

    def __init__(self, id: int, type=discord.ChannelType.text, parent_id: int | None = None) -> None:
        self.id, self.type, self.parent_id = id, type, parent_id
        self.sent: list[dict] = []

    async def send(self, content=None, **kwargs) -> Sent:
        assert_no_mentions(kwargs)
        record = {"content": content, **kwargs}
        self.sent.append(record)
        return Sent(self.id, record)


class Person:
    def __init__(self, id: int = 7, *, bot: bool = False, permissions=None) -> None:
        self.id, self.bot = id, bot
        self.guild_permissions = permissions or discord.Permissions.none()


class Message:
    """A guild message: reactions, its thread and what was posted there are recorded."""

    def __init__(
        self,
        content: str,
        channel: Place,
        author: Person | None = None,
        *,
        webhook_id=None,
        type=discord.MessageType.default,
    ) -> None:
        self.id = next(ids)
        self.content, self.channel, self.author = content, channel, author or Person()
        self.guild = SimpleNamespace(id=GUILD)
        self.webhook_id, self.type = webhook_id, type
        self.thread: Place | None = None
        self.threads_created: list[str] = []
        self.reactions: list[tuple[str, str]] = []

    async def add_reaction(self, emoji: str) -> None:
        self.reactions.append(("+", emoji))

    async def remove_reaction(self, emoji: str, member) -> None:
        assert member.id == BOT
        self.reactions.append(("-", emoji))

    async def create_thread(self, *, name: str, auto_archive_duration: int) -> Place:
        if self.thread is not None:
            raise discord.HTTPException(
                SimpleNamespace(status=400, reason="Bad Request"),
                {"code": 160004, "message": "thread exists"},
            )
        self.threads_created.append(name)
        self.thread = Place(self.id, discord.ChannelType.public_thread, parent_id=self.channel.id)
        return self.thread

    async def fetch_thread(self) -> Place:
        assert self.thread is not None
        return self.thread


class Response:
    def __init__(self) -> None:
        self.deferred: dict | None = None
        self.messages: list[dict] = []
        self.original_pending = False  # the deferred "thinking…" message, until a follow-up replaces it
        self.original_deleted = False

    async def defer(self, *, thinking: bool = False, ephemeral: bool = False) -> None:
        assert not self.is_done()
        self.deferred = {"thinking": thinking, "ephemeral": ephemeral}
        self.original_pending = True

    async def send_message(self, content=None, **kwargs) -> None:
        assert not self.is_done()
        assert_no_mentions(kwargs)
        self.messages.append({"content": content, **kwargs})

    def is_done(self) -> bool:
        return self.deferred is not None or bool(self.messages)


class Followup:
    """Records what Discord shows: the first follow-up replaces the deferred message and keeps the
    defer's visibility whatever `ephemeral` it asks for, unless that message was deleted first."""

    def __init__(self, response: Response, channel_id: int) -> None:
        self.response, self.channel_id = response, channel_id
        self.sent: list[dict] = []

    async def send(self, content=None, **kwargs) -> Sent:
        assert self.response.deferred is not None, "a follow-up needs a deferred response first"
        assert_no_mentions(kwargs)
        record = {"content": content, **kwargs}
        if self.response.original_pending:
            record["ephemeral"] = self.response.deferred["ephemeral"]
            self.response.original_pending = False
        self.sent.append(record)
        return Sent(self.channel_id, record)


class Interaction:
    def __init__(self, channel: Place, user: Person | None = None, *, moderator: bool = False, message=None):
        self.id = next(ids)
        self.guild_id, self.channel, self.channel_id = GUILD, channel, channel.id
        self.user = user or Person()
        self.permissions = MOD_PERMISSIONS if moderator else discord.Permissions.none()
        self.message = message
        self.response = Response()
        self.followup = Followup(self.response, channel.id)

    async def delete_original_response(self) -> None:
        assert self.response.original_pending, "no deferred message to delete"
        self.response.original_pending = False
        self.response.original_deleted = True


def here(channel: int = CHANNEL) -> Where:
    return Where(platform="discord", workspace=str(GUILD), channel=str(channel))


MOD = Who(user_id="1", is_moderator=True)


@pytest.fixture
async def service(tmp_path):
    settings = Settings(
        FOOTNOTE_DB=f"sqlite:///{tmp_path / 'footnote.sqlite3'}",
        FOOTNOTE_ALLOW_PRIVATE_NETWORKS=True,
        FOOTNOTE_ENGINE="local",
    )
    async with ExplainService(settings, engine=LocalEngine()) as svc:
        yield svc


@pytest.fixture
async def auto_on(service):
    await service.command("auto on", here(), MOD)


@pytest.fixture
def handlers(service) -> Handlers:
    return Handlers(service, BOT, "📰")


def answers(place: Place) -> list[discord.Embed]:
    return [e for record in place.sent for e in record.get("embeds") or []]


async def test_auto_mode_answers_each_link_in_one_thread_and_marks_the_message(handlers, auto_on, pages):
    channel = Place(CHANNEL)
    message = Message(f"look {pages.url('/news/parks')} and {pages.url('/news/roads')}", channel)
    await handlers.on_message(message)
    assert message.reactions == [("+", "⏳"), ("-", "⏳"), ("+", "✅")]
    assert message.threads_created == ["Council approves parks budget after heated debate"]
    titles = [e.title for e in answers(message.thread)]
    assert titles == [
        "📰 Council approves parks budget after heated debate",
        "📰 Council approves roads budget after heated debate",
    ]
    assert channel.sent == []  # nothing in the channel itself
    buttons = [c.custom_id for c in message.thread.sent[0]["view"].children]
    assert buttons[:3] == ["footnote:up", "footnote:down", "footnote:read"]


async def test_the_same_link_again_in_the_channel_gets_a_pointer_to_the_earlier_thread(
    handlers, auto_on, pages
):
    channel = Place(CHANNEL)
    first = Message(pages.url("/news/parks"), channel)
    await handlers.on_message(first)
    second = Message(f"again: {pages.url('/news/parks')}", channel)
    await handlers.on_message(second)
    pointer = second.thread.sent[0]["content"]
    assert pointer.startswith("I explained this link here recently: ")
    assert pointer.endswith(f"/channels/{GUILD}/{first.thread.id}/{pointer.rsplit('/', 1)[1]}")
    assert pages.hits["/news/parks"] == 1


async def test_auto_mode_is_per_channel(handlers, auto_on, pages):
    message = Message(pages.url("/news/parks"), Place(OTHER_CHANNEL))
    await handlers.on_message(message)
    assert message.reactions == [] and message.thread is None and pages.hits["/news/parks"] == 0


@pytest.mark.parametrize(
    "author, webhook_id, kind",
    [
        (Person(bot=True), None, discord.MessageType.default),
        (Person(), 77, discord.MessageType.default),
        (Person(BOT), None, discord.MessageType.default),
        (Person(), None, discord.MessageType.pins_add),
    ],
    ids=["bot", "webhook", "itself", "system"],
)
async def test_bots_webhooks_itself_and_system_messages_are_ignored(
    handlers, auto_on, pages, author, webhook_id, kind
):
    message = Message(pages.url("/news/parks"), Place(CHANNEL), author, webhook_id=webhook_id, type=kind)
    await handlers.on_message(message)
    assert message.reactions == [] and pages.hits["/news/parks"] == 0


async def test_an_edit_is_answered_only_when_it_adds_a_link(handlers, auto_on, pages):
    channel = Place(CHANNEL)
    before = Message(f"see {pages.url('/news/parks')}", channel)
    await handlers.on_message(before)
    after = Message(f"see {pages.url('/news/parks')} (typo fixed)", channel)
    after.id, after.thread, after.threads_created = before.id, before.thread, before.threads_created
    await handlers.on_message_edit(before, after)
    assert after.reactions == [] and len(before.thread.sent) == 1

    added = Message(f"see {pages.url('/news/parks')} and {pages.url('/news/roads')}", channel)
    added.id, added.thread, added.threads_created = before.id, before.thread, before.threads_created
    await handlers.on_message_edit(after, added)
    assert [e.title.split()[3] for e in answers(before.thread)] == ["parks", "roads"]
    assert len(before.threads_created) == 1  # the thread was made once


async def test_a_message_inside_a_thread_is_answered_in_that_thread(handlers, auto_on, pages):
    thread = Place(
        4004, discord.ChannelType.public_thread, parent_id=CHANNEL
    )  # auto mode comes from the parent
    message = Message(pages.url("/news/parks"), thread)
    await handlers.on_message(message)
    assert message.threads_created == [] and len(answers(thread)) == 1


async def test_a_request_reaction_works_where_auto_mode_is_off(handlers, service, pages):
    channel = Place(OTHER_CHANNEL)
    message = Message(pages.url("/news/parks"), channel)

    async def fetch(channel_id: int, message_id: int) -> Message:
        assert (channel_id, message_id) == (OTHER_CHANNEL, message.id)
        return message

    def reaction(emoji: str, member: Person) -> SimpleNamespace:
        return SimpleNamespace(
            guild_id=GUILD,
            channel_id=OTHER_CHANNEL,
            message_id=message.id,
            user_id=member.id,
            emoji=discord.PartialEmoji(name=emoji),
            member=member,
        )

    await handlers.on_message(message)
    await handlers.on_raw_reaction_add(reaction("👍", Person(8)), fetch)
    await handlers.on_raw_reaction_add(reaction("📰", Person(BOT)), fetch)
    assert message.reactions == [] and pages.hits["/news/parks"] == 0

    await handlers.on_raw_reaction_add(reaction("📰", Person(8)), fetch)
    assert len(answers(message.thread)) == 1 and message.reactions[-1] == ("+", "✅")

    # A second request on the same message was already claimed: nothing more is said.
    await handlers.on_raw_reaction_add(reaction("📰\ufe0f", Person(9)), fetch)
    assert len(message.thread.sent) == 1 and message.reactions[-2:] == [("+", "⏳"), ("-", "⏳")]


async def test_moderators_can_turn_reaction_requests_off(handlers, service, pages):
    await service.command("reactions off", here(OTHER_CHANNEL), MOD)
    message = Message(pages.url("/news/parks"), Place(OTHER_CHANNEL))
    await handlers.on_reaction_request(message, Person(8))
    assert message.reactions == [] and pages.hits["/news/parks"] == 0


async def test_a_link_that_cannot_be_read_gets_one_line_and_a_warning(handlers, auto_on, pages):
    message = Message(pages.url("/missing/story"), Place(CHANNEL))
    await handlers.on_message(message)
    [notice] = message.thread.sent
    assert notice["content"].startswith("⚠️ ") and "\n" not in notice["content"]
    assert message.reactions[-1] == ("+", "⚠️")


async def test_an_unexpected_service_failure_is_reported_not_raised(service, auto_on, pages):
    class Broken:
        def __getattr__(self, name):
            return getattr(service, name)

        async def explain(self, link, where, who):
            raise RuntimeError("bug")

    message = Message(pages.url("/news/parks"), Place(CHANNEL))
    await Handlers(Broken(), BOT).on_message(message)
    assert message.thread.sent[0]["content"].startswith("⚠️ ") and message.reactions[-1] == ("+", "⚠️")


async def test_answer_buttons_vote_show_the_text_and_show_everything(handlers, service, auto_on, pages):
    message = Message(pages.url("/news/parks"), Place(CHANNEL))
    await handlers.on_message(message)
    answer = SimpleNamespace(embeds=answers(message.thread))

    vote = Interaction(message.thread, Person(8), message=answer)
    await on_button("down", vote, service)
    assert vote.response.messages[0]["ephemeral"] is True
    figures = await service.command("stats", here(), MOD)
    assert "👎 1" in figures.text

    read = Interaction(message.thread, Person(8), message=answer)
    await on_button("read", read, service)
    [shown] = read.response.messages
    assert shown["ephemeral"] and "The city council voted 7 to 2" in shown["embed"].description

    everything = Interaction(message.thread, Person(8), message=answer)
    await on_button("all", everything, service)
    assert everything.response.deferred == {"thinking": True, "ephemeral": True}
    statements = len((await service.cached_analysis(pages.url("/news/parks"), here())).statements)
    shown_items = sum(
        f.value.count("• ") for r in everything.followup.sent for e in r["embeds"] for f in e.fields
    )
    assert statements and shown_items == statements


class BrokenService:
    """The real service, except that votes and "Show all" hit a bug."""

    def __init__(self, service: ExplainService) -> None:
        self.service = service

    def __getattr__(self, name):
        return getattr(self.service, name)

    async def feedback(self, where, who, link, vote):
        raise RuntimeError("bug")

    async def cached_analysis(self, link, where):
        raise RuntimeError("bug")


@pytest.fixture
def broken_client(service) -> FootnoteClient:
    return FootnoteClient(Settings(FOOTNOTE_ENGINE="local"), BrokenService(service))


def clicked(channel: Place) -> Interaction:
    answer = SimpleNamespace(embeds=[discord.Embed(title="📰 An answer", url="https://news.example/a")])
    return Interaction(channel, Person(8), message=answer)


async def test_a_failing_button_says_sorry_privately_instead_of_interaction_failed(broken_client):
    vote = clicked(Place(CHANNEL))
    await broken_client.on_answer_button("up", vote)
    [sorry] = vote.response.messages
    assert sorry["content"] == messages.unexpected_failure() and sorry["ephemeral"] is True

    everything = clicked(Place(CHANNEL))  # fails after the defer, so the sorry is a follow-up
    await broken_client.on_answer_button("all", everything)
    [sorry] = everything.followup.sent
    assert sorry["content"] == messages.unexpected_failure() and sorry["ephemeral"] is True


async def test_a_button_failure_that_cannot_be_reported_is_only_logged(broken_client, caplog):
    class Expired(Response):
        """The interaction token ran out: every reply is refused."""

        async def send_message(self, content=None, **kwargs) -> None:
            self.messages.append({"content": content, **kwargs})
            raise discord.NotFound(SimpleNamespace(status=404, reason="Not Found"), "Unknown interaction")

    vote = clicked(Place(CHANNEL))
    vote.response = Expired()
    await broken_client.on_answer_button("down", vote)  # does not raise
    assert [m["content"] for m in vote.response.messages] == [messages.unexpected_failure()]
    assert "couldn't tell the user an interaction failed" in caplog.text


async def test_explain_is_deferred_then_followed_up_privately_when_asked(service, pages):
    interaction = Interaction(Place(CHANNEL))
    await explain_command(interaction, service, pages.url("/news/parks"), private=True)
    assert interaction.response.deferred == {"thinking": True, "ephemeral": True}
    [reply] = interaction.followup.sent
    assert reply["ephemeral"] is True and reply["embeds"][0].title.startswith("📰 Council approves parks")


async def test_a_public_explain_is_remembered_for_pointers(service, pages):
    interaction = Interaction(Place(CHANNEL))
    await explain_command(interaction, service, pages.url("/news/parks"))
    assert interaction.response.deferred == {"thinking": True, "ephemeral": False}
    assert interaction.followup.sent[0]["ephemeral"] is False
    again = Interaction(Place(CHANNEL))
    await explain_command(again, service, pages.url("/news/parks"))
    assert again.followup.sent[0]["content"].startswith(
        "I explained this link here recently: https://discord.com/"
    )


async def test_explain_of_a_file_link_says_why_in_one_line(service, pages):
    interaction = Interaction(Place(CHANNEL))
    await explain_command(interaction, service, pages.url("/file/report.pdf"))
    [reply] = interaction.followup.sent
    assert reply["content"].startswith("⚠️ ") and "embeds" not in reply
    # The public "thinking…" message is removed, so the error is seen only by the asker.
    assert interaction.response.original_deleted and reply["ephemeral"] is True


async def test_a_public_explain_that_crashes_says_sorry_only_to_the_asker(service, pages, caplog):
    class Crashing(BrokenService):
        async def explain(self, link, where, who):
            raise RuntimeError("bug")

    interaction = Interaction(Place(CHANNEL))
    await explain_command(interaction, Crashing(service), pages.url("/news/parks"))
    [sorry] = interaction.followup.sent
    assert sorry["content"] == messages.unexpected_failure()
    assert interaction.response.original_deleted and sorry["ephemeral"] is True
    assert "/explain failed" in caplog.text


async def test_moderator_commands_are_refused_without_manage_server(service):
    member = Interaction(Place(CHANNEL), Person(8))
    await footnote_command(member, service, "auto on")
    assert member.response.messages[0]["content"] == "Only moderators can change Footnote's settings."
    assert member.response.messages[0]["ephemeral"] is True
    assert not (await service.channel(here())).auto_explain

    moderator = Interaction(Place(CHANNEL), Person(1), moderator=True)
    await footnote_command(moderator, service, "auto on")
    assert moderator.response.deferred == {"thinking": True, "ephemeral": True}
    assert moderator.followup.sent[0]["content"].startswith("Done: auto-explain in <#2002> is now on")
    assert (await service.channel(here())).auto_explain


async def test_members_may_read_the_settings(service):
    member = Interaction(Place(CHANNEL), Person(8))
    await footnote_command(member, service, "settings")
    assert "Auto-explain in this channel: off" in member.followup.sent[0]["content"]


async def test_the_explain_links_menu_answers_in_the_thread_and_confirms_privately(handlers, service, pages):
    message = Message(pages.url("/news/parks"), Place(OTHER_CHANNEL))
    interaction = Interaction(message.channel, Person(8))
    await explain_links_menu(interaction, handlers, message)
    assert interaction.response.deferred["ephemeral"] is True
    assert len(answers(message.thread)) == 1
    assert interaction.followup.sent[0]["content"].startswith("Done")


async def test_members_pasting_one_link_at_once_get_one_answer_and_pointers(handlers, auto_on, pages):
    channel = Place(CHANNEL)
    burst = [Message(pages.url("/news/crowd"), channel, Person(id=100 + n)) for n in range(12)]
    await asyncio.gather(*(handlers.on_message(message) for message in burst))
    replies = [record for message in burst for record in message.thread.sent]
    full = [r for r in replies if r.get("embeds")]
    pointers = [
        r for r in replies if (r.get("content") or "").startswith("I explained this link here recently")
    ]
    assert len(full) == 1 and len(pointers) == 11 and len(replies) == 12
    assert pages.hits["/news/crowd"] == 1


async def test_a_member_over_the_rate_limit_is_told_once(handlers, service, auto_on, pages):
    await service.command("limits user 2 10", here(), MOD)
    channel, member = Place(CHANNEL), Person(id=55)
    sent = [Message(pages.url(f"/news/many-{n}"), channel, member) for n in range(6)]
    for message in sent:
        await handlers.on_message(message)
    replies = [record for message in sent if message.thread for record in message.thread.sent]
    notices = [r for r in replies if (r.get("content") or "").startswith("⚠️ You've asked")]
    assert len([r for r in replies if r.get("embeds")]) == 2 and len(notices) == 1 and len(replies) == 3
    assert sent[5].reactions == [("+", "⏳"), ("-", "⏳")]  # a quiet repeat: nothing posted
