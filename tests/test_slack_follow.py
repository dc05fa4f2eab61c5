"""Slack: the answer follows its message. Signed `message` events (deleted, tombstoned, edited) to the
real Bolt app in HTTP mode, the real service on SQLite, and the fake Web API counting every call."""

import pytest
from support.fake_slack_api import BOT_ID, FakeSlackApi
from test_slack_http import CHANNEL, MEMBER, MOD, here, message, serving

from bot.service import messages

PARENT = "1700000000.000100"
OTHER_MEMBER = "U0OTHER"


@pytest.fixture
async def bot(tmp_path):
    async with serving(tmp_path) as served:
        await served.service.command("auto on", here(), MOD)
        yield served


async def answered(bot, text: str, ts: str = PARENT, runs: int = 1) -> dict:
    """A member's message in the channel (as Slack holds it), explained in auto mode."""
    event = message(text, ts=ts)
    bot.api.history.setdefault(CHANNEL, []).append(dict(event))
    await bot.event(event, event_id=f"Ev-post-{ts}")
    await bot.settle(runs)
    return event


def bot_replies(api: FakeSlackApi) -> list[dict]:
    return [m for m in api.history.get(CHANNEL, []) if m.get("bot_id") == BOT_ID]


def deleted(ts: str = PARENT) -> dict:
    return {
        "type": "message",
        "subtype": "message_deleted",
        "channel": CHANNEL,
        "hidden": True,
        "deleted_ts": ts,
        "ts": "1700000099.000001",
        "previous_message": message("x", ts=ts),
    }


def tombstoned(api: FakeSlackApi, ts: str = PARENT) -> dict:
    """A parent with thread replies is deleted: Slack keeps a tombstone in its place, told by an edit."""
    stone = {
        "type": "message",
        "subtype": "tombstone",
        "text": "This message was deleted.",
        "user": "USLACKBOT",
        "hidden": True,
        "ts": ts,
        "thread_ts": ts,
    }
    history = api.history[CHANNEL]
    history[:] = [stone if m["ts"] == ts else m for m in history]
    return {
        "type": "message",
        "subtype": "message_changed",
        "channel": CHANNEL,
        "hidden": True,
        "ts": "1700000099.000002",
        "message": stone,
        "previous_message": message("x", ts=ts),
    }


def edited(before: dict, text: str) -> dict:
    return {
        "type": "message",
        "subtype": "message_changed",
        "channel": CHANNEL,
        "hidden": True,
        "ts": "1700000099.000003",
        "message": {**before, "text": text},
        "previous_message": before,
    }


async def test_deleting_a_message_nobody_replied_to_deletes_the_answer_once(bot, pages):
    await answered(bot, f"<{pages.url('/news/parks')}>")
    (reply,) = bot_replies(bot.api)
    bot.api.history[CHANNEL] = [m for m in bot.api.history[CHANNEL] if m["ts"] != PARENT]
    await bot.event(deleted(), event_id="Ev-del")
    await bot.event(deleted(), event_id="Ev-del", retry=1)  # Slack retried the delivery
    await bot.settle(3)
    assert [c["ts"] for c in bot.api.calls_to("chat.delete")] == [reply["ts"]]
    assert bot.api.calls_to("chat.update") == [] and bot_replies(bot.api) == []


async def test_a_tombstoned_parent_with_only_our_answer_loses_the_answer(bot, pages):
    await answered(bot, f"<{pages.url('/news/parks')}>")
    (reply,) = bot_replies(bot.api)
    await bot.event(tombstoned(bot.api), event_id="Ev-stone")
    await bot.settle(2)
    assert [c["ts"] for c in bot.api.calls_to("chat.delete")] == [reply["ts"]]
    assert bot.api.calls_to("chat.update") == []


async def test_deleting_a_message_others_replied_to_leaves_one_line_in_place_of_the_answer(bot, pages):
    await answered(bot, f"<{pages.url('/news/parks')}> and <{pages.url('/news/roads')}>")
    first, second = bot_replies(bot.api)
    bot.api.history[CHANNEL].append(
        {
            "type": "message",
            "user": OTHER_MEMBER,
            "text": "good read",
            "ts": "1800000000.999999",
            "thread_ts": PARENT,
        }
    )
    await bot.event(tombstoned(bot.api), event_id="Ev-stone")
    await bot.settle(2)
    (update,) = bot.api.calls_to("chat.update")
    assert update["ts"] == first["ts"] and update["text"] == messages.original_removed()
    assert update["blocks"] == []  # the answer's blocks and buttons go
    assert [c["ts"] for c in bot.api.calls_to("chat.delete")] == [second["ts"]]  # one line, not two
    (left,) = bot_replies(bot.api)
    assert left["text"] == messages.original_removed() and left["blocks"] == []


async def test_editing_the_link_away_deletes_only_its_answer(bot, pages):
    post = await answered(bot, f"<{pages.url('/news/parks')}> and <{pages.url('/news/roads')}>")
    parks, roads = bot_replies(bot.api)
    await bot.event(edited(post, f"just <{pages.url('/news/roads')}> now"), event_id="Ev-edit")
    await bot.settle(2)
    assert [c["ts"] for c in bot.api.calls_to("chat.delete")] == [parks["ts"]]
    assert bot_replies(bot.api) == [roads] and len(bot.api.calls_to("chat.postMessage")) == 2


async def test_editing_the_link_away_after_others_replied_leaves_one_line(bot, pages):
    post = await answered(bot, f"<{pages.url('/news/parks')}>")
    (reply,) = bot_replies(bot.api)
    bot.api.history[CHANNEL].append(
        {"type": "message", "user": OTHER_MEMBER, "text": "?", "ts": "1800000000.999999", "thread_ts": PARENT}
    )
    await bot.event(edited(post, "never mind"), event_id="Ev-edit")
    await bot.settle(2)
    (update,) = bot.api.calls_to("chat.update")
    assert update["ts"] == reply["ts"] and update["text"] == messages.link_removed()
    assert bot.api.calls_to("chat.delete") == []


async def test_a_new_link_edited_in_is_explained_once_however_often_the_edit_comes(bot, pages):
    post = await answered(bot, f"<{pages.url('/news/parks')}>")
    with_new = f"<{pages.url('/news/parks')}> and <{pages.url('/news/roads')}>"
    await bot.event(edited(post, with_new), event_id="Ev-edit1")
    await bot.event(edited(post, with_new), event_id="Ev-edit1", retry=1)
    # A second edit (a typo fix) reaches the bot with the text before the first edit as "previous".
    await bot.event(edited(post, with_new + "!"), event_id="Ev-edit2")
    await bot.settle(4)
    posts = bot.api.calls_to("chat.postMessage")
    assert len(posts) == 2 and pages.hits == {"/news/parks": 1, "/news/roads": 1}
    assert bot.api.calls_to("chat.delete") == [] and bot.api.calls_to("chat.update") == []


async def test_a_link_edited_away_and_back_is_explained_again(bot, pages):
    post = await answered(bot, f"<{pages.url('/news/parks')}>")
    (first,) = bot_replies(bot.api)
    away = edited(post, "never mind")
    await bot.event(away, event_id="Ev-away")
    await bot.settle(2)
    assert [c["ts"] for c in bot.api.calls_to("chat.delete")] == [first["ts"]]
    await bot.event(edited(away["message"], post["text"]), event_id="Ev-back")
    await bot.event(edited(away["message"], post["text"]), event_id="Ev-back", retry=1)  # and again
    await bot.settle(4)
    posts = bot.api.calls_to("chat.postMessage")
    assert len(posts) == 2 and posts[1].get("blocks"), "a fresh answer, once, not a pointer to a deleted one"
    (second,) = bot_replies(bot.api)
    assert second["thread_ts"] == PARENT


async def test_after_its_answer_is_taken_down_a_link_is_answered_afresh_not_pointed_at(bot, pages):
    await answered(bot, f"<{pages.url('/news/parks')}>")
    bot.api.history[CHANNEL] = [m for m in bot.api.history[CHANNEL] if m["ts"] != PARENT]
    await bot.event(deleted(), event_id="Ev-del")
    await bot.settle(2)
    await answered(bot, f"<{pages.url('/news/parks')}>", ts="1700000000.000200", runs=3)
    posts = bot.api.calls_to("chat.postMessage")
    assert len(posts) == 2 and posts[1].get("blocks"), "a fresh answer, not a pointer to a deleted one"


async def test_a_member_edit_of_someone_elses_thread_reply_touches_nothing(bot, pages):
    post = await answered(bot, f"<{pages.url('/news/parks')}>")
    unrelated = {**post, "ts": "1700000000.000500", "user": MEMBER}
    await bot.event(edited(unrelated, "no link"), event_id="Ev-edit")
    await bot.event(edited(post, post["text"]), event_id="Ev-unfurl")  # text unchanged: an unfurl
    await bot.settle(3)
    assert bot.api.calls_to("chat.delete") == [] and bot.api.calls_to("chat.update") == []
    assert len(bot_replies(bot.api)) == 1
