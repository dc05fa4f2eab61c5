"""The Slack adapter end to end in HTTP mode: the real Bolt app served on loopback and sent signed requests,
the real ExplainService on a SQLite file, the local engine, a local page server and a fake Slack Web API."""

import asyncio
import hashlib
import hmac
import json
import logging
import sqlite3
import time
from contextlib import asynccontextmanager
from pathlib import Path
from urllib.parse import urlencode

import aiohttp
import pytest
import yaml
from aiohttp import web
from support.fake_slack_api import TEAM, FakeSlackApi, limit_problems
from support.page_server import article_html

from bot.adapters.slack import runner
from bot.adapters.slack.bolt_app import build_app, start_http
from bot.adapters.slack.listeners import COMMAND, register_listeners
from bot.config import Settings
from bot.engines.local import LocalEngine
from bot.service import messages
from bot.service.service import ExplainService
from bot.service.sqlite_store import SqliteStore
from bot.service.types import Where, Who

SECRET = "test-signing-secret"
CHANNEL, QUIET_CHANNEL = "C0NEWS", "C0QUIET"
MEMBER, ADMIN, LISTED = "U0MEMBER", "U0ADMIN", "U0LISTED"
MOD = Who(user_id=ADMIN, is_moderator=True)


class GatedPages:
    """An article server whose pages wait for `open` to be set: work behind it cannot finish early."""

    def __init__(self) -> None:
        self.open = asyncio.Event()
        self.requested = asyncio.Event()
        self.hits = 0
        self._runner: web.AppRunner | None = None
        self.port = 0

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    async def _page(self, request: web.Request) -> web.Response:
        self.hits += 1
        self.requested.set()
        await self.open.wait()
        return web.Response(text=article_html(request.match_info["slug"]), content_type="text/html")

    async def __aenter__(self) -> "GatedPages":
        app = web.Application()
        app.router.add_get("/news/{slug}", self._page)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]
        return self

    async def __aexit__(self, *exc: object) -> None:
        self.open.set()
        if self._runner is not None:
            await self._runner.cleanup()


def signed_headers(body: str, *, secret: str = SECRET, timestamp: int | None = None) -> dict[str, str]:
    """Slack's v0 request signature, computed here independently of Bolt."""
    stamp = str(int(time.time()) if timestamp is None else timestamp)
    digest = hmac.new(secret.encode(), f"v0:{stamp}:{body}".encode(), hashlib.sha256).hexdigest()
    return {"X-Slack-Request-Timestamp": stamp, "X-Slack-Signature": f"v0={digest}"}


class Bot:
    """The served app plus what the tests look at."""

    def __init__(self, url: str, api: FakeSlackApi, service: ExplainService, listeners, session) -> None:
        self.url, self.api, self.service, self.listeners, self.session = url, api, service, listeners, session

    async def post(self, body: str, content_type: str, extra: dict | None = None, **sign) -> tuple[int, str]:
        headers = {"Content-Type": content_type, **signed_headers(body, **sign), **(extra or {})}
        async with self.session.post(self.url, data=body.encode(), headers=headers) as response:
            return response.status, await response.text()

    async def event(self, event: dict, event_id: str = "Ev1", retry: int | None = None) -> int:
        body = json.dumps(
            {
                "token": "legacy",
                "team_id": TEAM,
                "api_app_id": "A0APP",
                "type": "event_callback",
                "event_id": event_id,
                "event_time": int(time.time()),
                "event": event,
            }
        )
        extra = {"X-Slack-Retry-Num": str(retry), "X-Slack-Retry-Reason": "http_timeout"} if retry else None
        status, _ = await self.post(body, "application/json", extra)
        return status

    async def command(self, text: str, user: str, response: str, channel: str = CHANNEL) -> tuple[int, str]:
        form = {
            "token": "legacy",
            "team_id": TEAM,
            "channel_id": channel,
            "user_id": user,
            "command": "/footnote",
            "text": text,
            "response_url": self.api.response_url(response),
            "trigger_id": "1.2.3",
        }
        return await self.post(urlencode(form), "application/x-www-form-urlencoded")

    async def click(self, action_id: str, value: str, response: str) -> int:
        payload = {
            "type": "block_actions",
            "team": {"id": TEAM},
            "user": {"id": MEMBER},
            "channel": {"id": CHANNEL},
            "container": {"type": "message", "message_ts": "1800000000.000001"},
            "response_url": self.api.response_url(response),
            "trigger_id": "1.2.3",
            "actions": [
                {"type": "button", "action_id": action_id, "value": value, "block_id": "b", "action_ts": "1"}
            ],
        }
        status, _ = await self.post(
            urlencode({"payload": json.dumps(payload)}), "application/x-www-form-urlencoded"
        )
        return status

    async def settle(self, runs: int) -> None:
        """Wait until `runs` listener runs have finished in all."""
        await asyncio.wait_for(
            self.listeners.activity.wait_until(lambda: self.listeners.activity.finished >= runs), 10
        )


@asynccontextmanager
async def serving(tmp_path, store=None):
    """The Bolt app in HTTP mode on loopback, over the real service, with the fake Web API."""
    async with FakeSlackApi() as api:
        api.users = {
            MEMBER: {"id": MEMBER, "is_admin": False, "is_owner": False},
            ADMIN: {"id": ADMIN, "is_admin": True},
            LISTED: {"id": LISTED},
        }
        settings = Settings(
            FOOTNOTE_DB=f"sqlite:///{tmp_path / 'footnote.sqlite3'}",
            FOOTNOTE_ALLOW_PRIVATE_NETWORKS=True,
            FOOTNOTE_ENGINE="local",
            SLACK_BOT_TOKEN="xoxb-test-token",
            SLACK_SIGNING_SECRET=SECRET,
            SLACK_API_URL=api.api_url,
            FOOTNOTE_SLACK_MODE="http",
            FOOTNOTE_SLACK_MODERATORS=f" {LISTED} ,",
        )
        async with ExplainService(settings, engine=LocalEngine(), store=store) as service:
            app = build_app(settings)
            listeners = register_listeners(app, service, settings)
            runner, port = await start_http(app, settings, "127.0.0.1", 0)
            try:
                async with aiohttp.ClientSession() as session:
                    yield Bot(f"http://127.0.0.1:{port}/slack/events", api, service, listeners, session)
                    await listeners.activity.idle()
            finally:
                await runner.cleanup()


@pytest.fixture
async def bot(tmp_path):
    async with serving(tmp_path) as served:
        yield served


def here(channel: str = CHANNEL) -> Where:
    return Where(platform="slack", workspace=TEAM, channel=channel)


def message(text: str, ts: str = "1700000000.000100", **extra) -> dict:
    return {"type": "message", "channel": CHANNEL, "user": MEMBER, "text": text, "ts": ts, **extra}


def reactions_on(api: FakeSlackApi, ts: str) -> list[tuple[str, str]]:
    return [
        ("+" if name == "reactions.add" else "-", params["name"])
        for name, params in api.calls
        if name.startswith("reactions.") and params["timestamp"] == ts
    ]


async def test_url_verification_is_answered(bot):
    status, text = await bot.post(
        json.dumps({"token": "legacy", "challenge": "c-123", "type": "url_verification"}), "application/json"
    )
    assert status == 200 and "c-123" in text
    # Bolt sets the level of a logger named after the app: it must not be our own "footnote" tree.
    assert logging.getLogger("footnote").level == logging.NOTSET


async def test_a_wrong_signature_or_an_old_timestamp_is_rejected(bot, pages):
    await bot.service.command("auto on", here(), MOD)
    body = json.dumps(
        {"type": "event_callback", "team_id": TEAM, "event": message(f"<{pages.url('/news/a')}>")}
    )
    forged, _ = await bot.post(body, "application/json", secret="not-the-secret")
    stale, _ = await bot.post(body, "application/json", timestamp=int(time.time()) - 6 * 60)
    assert (forged, stale) == (401, 401)
    assert bot.api.calls_to("chat.postMessage") == [] and pages.hits == {}


async def test_auto_mode_answers_once_in_the_thread_even_when_slack_retries(bot, pages):
    await bot.service.command("auto on", here(), MOD)
    event = message(f"look <{pages.url('/news/parks')}|parks>")
    assert await bot.event(event) == 200
    await bot.settle(1)
    assert await bot.event(event, retry=1) == 200  # Slack thought the first delivery was lost
    await bot.settle(2)
    posts = bot.api.calls_to("chat.postMessage")
    assert len(posts) == 1 and pages.hits["/news/parks"] == 1
    post = posts[0]
    assert post["channel"] == CHANNEL and post["thread_ts"] == event["ts"]
    assert post["unfurl_links"] is False and post["unfurl_media"] is False
    assert limit_problems(post) == [] and post["blocks"][0]["type"] == "header"
    assert "Council approves parks budget" in post["blocks"][0]["text"]["text"]
    first = reactions_on(bot.api, event["ts"])[:3]
    assert first == [
        ("+", "hourglass_flowing_sand"),
        ("-", "hourglass_flowing_sand"),
        ("+", "white_check_mark"),
    ]
    assert "hourglass_flowing_sand" not in bot.api.reactions[(CHANNEL, event["ts"])]


async def test_a_retry_that_arrives_while_the_first_delivery_is_working_gets_no_second_reply(bot):
    await bot.service.command("auto on", here(), MOD)
    async with GatedPages() as gated:
        event = message(f"look <{gated.url('/news/ferry')}>", ts="1700000000.000700")
        assert await bot.event(event) == 200
        await asyncio.wait_for(gated.requested.wait(), 10)  # the first delivery is reading the page
        assert await bot.event(event, retry=1) == 200  # Slack gave up waiting and sent it again
        await bot.settle(1)  # only the retry can finish: the page is still held back
        assert bot.api.calls_to("chat.postMessage") == []
        gated.open.set()
        await bot.settle(2)
    (post,) = bot.api.calls_to("chat.postMessage")
    assert post["thread_ts"] == event["ts"] and gated.hits == 1
    assert bot.api.reactions[(CHANNEL, event["ts"])] == {"white_check_mark"}


async def test_a_network_error_on_one_answer_still_answers_the_others_with_a_warning(bot, pages, caplog):
    await bot.service.command("auto on", here(), MOD)

    def broken(method: str, params: dict) -> bool:
        """The answer about /news/broken never reaches Slack: the connection drops."""
        return method == "chat.postMessage" and "broken budget" in json.dumps(params.get("blocks") or [])

    bot.api.cut_off = broken
    event = message(f"<{pages.url('/news/broken')}> and <{pages.url('/news/fine')}>", ts="1700000000.000800")
    await bot.event(event)
    await bot.settle(1)
    delivered = [p for p in bot.api.calls_to("chat.postMessage") if not broken("chat.postMessage", p)]
    notice, answer = delivered
    assert notice["text"] == f"⚠️ {messages.unexpected_failure()}" and "blocks" not in notice
    assert "fine budget" in answer["blocks"][0]["text"]["text"]
    assert {p["thread_ts"] for p in delivered} == {event["ts"]}
    assert bot.api.reactions[(CHANNEL, event["ts"])] == {"warning"}
    assert "xoxb-test-token" not in caplog.text


async def test_a_reply_inside_a_thread_is_answered_in_that_thread(bot, pages):
    await bot.service.command("auto on", here(), MOD)
    await bot.event(message(pages.url("/news/roads"), ts="1700000000.000200", thread_ts="1700000000.000001"))
    await bot.settle(1)
    (post,) = bot.api.calls_to("chat.postMessage")
    assert post["thread_ts"] == "1700000000.000001"


async def test_bots_system_messages_deletions_and_quiet_channels_are_left_alone(bot, pages):
    await bot.service.command("auto on", here(), MOD)
    link = f"<{pages.url('/news/bots')}>"
    ignored = [
        message(link, subtype="bot_message", bot_id="B0OTHER"),
        message(link, bot_id="B0OTHER"),
        message(link, subtype="channel_join"),
        {"type": "message", "subtype": "message_deleted", "channel": CHANNEL, "ts": "1", "deleted_ts": "2"},
        {**message(link), "channel": QUIET_CHANNEL},
    ]
    for n, event in enumerate(ignored):
        await bot.event(event, event_id=f"Ev{n}")
    await bot.settle(len(ignored))
    assert bot.api.calls_to("chat.postMessage") == [] and pages.hits == {}


async def test_an_edit_is_answered_only_for_the_links_it_adds(bot, pages):
    await bot.service.command("auto on", here(), MOD)
    old = message(f"<{pages.url('/news/old')}>", ts="1700000000.000300")
    unfurled = {**old, "attachments": [{"title": "preview"}]}
    added = {**old, "text": f"<{pages.url('/news/old')}> and <{pages.url('/news/new')}>"}
    changed = {"type": "message", "subtype": "message_changed", "channel": CHANNEL, "hidden": True, "ts": "9"}
    await bot.event({**changed, "message": unfurled, "previous_message": old}, event_id="Ev1")
    await bot.event({**changed, "message": added, "previous_message": old}, event_id="Ev2")
    await bot.settle(2)
    (post,) = bot.api.calls_to("chat.postMessage")
    assert post["thread_ts"] == old["ts"] and set(pages.hits) == {"/news/new"}


async def test_a_newspaper_reaction_explains_a_message_where_auto_mode_is_off(bot, pages):
    target = message(f"<{pages.url('/news/library')}>", ts="1700000000.000400")
    bot.api.history[CHANNEL] = [target]
    reaction = {
        "type": "reaction_added",
        "user": MEMBER,
        "reaction": "newspaper",
        "item": {"type": "message", "channel": CHANNEL, "ts": target["ts"]},
    }
    await bot.event(reaction)
    await bot.settle(1)
    (lookup,) = bot.api.calls_to("conversations.history")
    assert lookup["latest"] == target["ts"] and str(lookup["limit"]) == "1"
    assert lookup["inclusive"] in (True, "true", "1", 1)
    (post,) = bot.api.calls_to("chat.postMessage")
    assert post["thread_ts"] == target["ts"]

    await bot.service.command("reactions off", here(), MOD)
    bot.api.history[CHANNEL] = [{**target, "ts": "1700000000.000401"}]
    await bot.event({**reaction, "item": {**reaction["item"], "ts": "1700000000.000401"}}, event_id="Ev2")
    await bot.settle(2)
    assert len(bot.api.calls_to("chat.postMessage")) == 1


async def test_a_newspaper_reaction_on_a_thread_reply_is_answered_in_that_thread(bot, pages):
    parent = message("a thread about the ferry", ts="1700000000.000600", thread_ts="1700000000.000600")
    earlier = message(f"<{pages.url('/news/earlier')}>", ts="1700000000.000601", thread_ts=parent["ts"])
    target = message(f"<{pages.url('/news/bridge')}>", ts="1700000000.000602", thread_ts=parent["ts"])
    bot.api.history[CHANNEL] = [parent, earlier, target]
    reaction = {
        "type": "reaction_added",
        "user": MEMBER,
        "reaction": "newspaper",
        "item": {"type": "message", "channel": CHANNEL, "ts": target["ts"]},
    }
    await bot.event(reaction)
    await bot.settle(1)
    (lookup,) = bot.api.calls_to("conversations.replies")
    assert lookup["ts"] == target["ts"]
    (post,) = bot.api.calls_to("chat.postMessage")
    assert post["thread_ts"] == parent["ts"] and set(pages.hits) == {"/news/bridge"}
    assert bot.api.reactions[(CHANNEL, target["ts"])] == {"white_check_mark"}


async def test_a_link_that_cannot_be_read_gets_one_line_and_a_warning(bot, pages):
    await bot.service.command("auto on", here(), MOD)
    event = message(f"<{pages.url('/missing/gone')}>", ts="1700000000.000500")
    await bot.event(event)
    await bot.settle(1)
    (post,) = bot.api.calls_to("chat.postMessage")
    assert post["text"].startswith("⚠️") and "blocks" not in post
    assert reactions_on(bot.api, event["ts"])[-1] == ("+", "warning")


async def test_the_slash_command_is_acked_at_once_and_answered_through_the_response_url(bot):
    async with GatedPages() as gated:
        status, ack = await bot.command(gated.url("/news/harbour"), MEMBER, "cmd")
        # The analysis cannot have happened yet: its page is still held back by the gate.
        assert status == 200 and not gated.open.is_set()
        assert bot.api.responses_to("cmd") == [] and "Reading that link" in ack
        await asyncio.wait_for(gated.requested.wait(), 10)
        gated.open.set()
        await bot.api.wait_for(lambda: bool(bot.api.responses_to("cmd")))
    (answer,) = bot.api.responses_to("cmd")
    assert answer["response_type"] == "in_channel" and limit_problems(answer) == []
    assert answer["blocks"][0]["type"] == "header"
    assert any(b["type"] == "actions" for b in answer["blocks"])


async def test_members_cannot_change_settings_but_admins_and_listed_moderators_can(bot):
    status, _ = await bot.command("auto on", MEMBER, "member")
    await bot.api.wait_for(lambda: bool(bot.api.responses_to("member")))
    (refusal,) = bot.api.responses_to("member")
    assert status == 200 and refusal["response_type"] == "ephemeral" and "Only moderators" in refusal["text"]
    assert not (await bot.service.channel(here())).auto_explain

    await bot.command("auto on", LISTED, "listed", channel=QUIET_CHANNEL)
    await bot.command("auto on", ADMIN, "admin")
    await bot.api.wait_for(lambda: bool(bot.api.responses_to("listed") and bot.api.responses_to("admin")))
    assert (await bot.service.channel(here())).auto_explain
    assert (await bot.service.channel(here(QUIET_CHANNEL))).auto_explain
    assert "<#C0NEWS>" in bot.api.responses_to("admin")[0]["text"]  # the channel link survives escaping
    asked = {params["user"] for params in bot.api.calls_to("users.info")}
    assert asked == {MEMBER, ADMIN}  # a listed moderator needs no lookup


async def test_help_and_unknown_words_answer_privately(bot):
    await bot.command("", MEMBER, "help")
    await bot.api.wait_for(lambda: bool(bot.api.responses_to("help")))
    (reply,) = bot.api.responses_to("help")
    assert reply["response_type"] == "ephemeral" and "Footnote commands" in reply["text"]
    assert "&lt;url&gt;" in reply["text"]  # the service's `<url>` placeholder is shown, not parsed


async def test_answer_buttons_vote_show_the_text_and_show_everything(bot, pages):
    link = pages.url("/news/schools")
    await bot.command(link, MEMBER, "cmd")
    await bot.api.wait_for(lambda: bool(bot.api.responses_to("cmd")))
    (answer,) = bot.api.responses_to("cmd")
    (actions,) = [b for b in answer["blocks"] if b["type"] == "actions"]
    buttons = {b["action_id"]: b["value"] for b in actions["elements"]}
    assert buttons["footnote_up"] == link

    for action, response in (("footnote_up", "up"), ("footnote_read", "read"), ("footnote_all", "all")):
        assert await bot.click(action, link, response) == 200
    await bot.api.wait_for(lambda: all(bot.api.responses_to(r) for r in ("up", "read", "all")))
    (thanks,) = bot.api.responses_to("up")
    assert thanks["response_type"] == "ephemeral" and "Thanks" in thanks["text"]
    (read,) = bot.api.responses_to("read")
    assert "council voted 7 to 2" in json.dumps(read["blocks"])
    pages_shown = bot.api.responses_to("all")
    assert pages_shown and all(limit_problems(p) == [] for p in pages_shown)
    assert "— all" in pages_shown[0]["blocks"][0]["text"]["text"]
    stats = await bot.service.command("stats", here(), MOD)
    assert "feedback 👍 1 · 👎 0" in stats.text


def test_the_fake_api_counts_as_a_real_check():
    """The limit checker the tests rely on does catch broken messages."""
    too_many = {"text": "x", "blocks": [{"type": "divider"}] * 51}
    long_header = {
        "text": "x",
        "blocks": [{"type": "header", "text": {"type": "plain_text", "text": "h" * 151}}],
    }
    assert limit_problems({"text": ""}) and limit_problems(too_many) and limit_problems(long_header)
    assert limit_problems({"text": "y" * 4001})
    assert limit_problems({"text": "ok"}) == []


async def test_logs_never_carry_the_token_or_the_signing_secret(bot, pages, caplog):
    caplog.set_level("DEBUG")
    await bot.service.command("auto on", here(), MOD)
    forged = json.dumps({"token": "legacy", "type": "event_callback", "event": message("x")})
    await bot.post(forged, "application/json", secret="bad")
    await bot.event(message(f"<{pages.url('/news/logs')}>"))
    await bot.command("stats", MEMBER, "stats")
    await bot.settle(2)
    assert caplog.records  # something was logged, so the check below means something
    assert "xoxb-test-token" not in caplog.text and SECRET not in caplog.text
    assert "legacy" not in caplog.text  # request bodies (with their verification token) are not logged


def test_the_manifest_asks_for_what_the_listeners_use():
    manifest = yaml.safe_load((Path(__file__).parent.parent / "slack-manifest.yml").read_text())
    (command,) = manifest["features"]["slash_commands"]
    assert command["command"] == COMMAND and command["should_escape"] is True
    assert set(manifest["settings"]["event_subscriptions"]["bot_events"]) == {
        "message.channels",
        "message.groups",
        "reaction_added",
    }
    assert manifest["settings"]["interactivity"]["is_enabled"] is True
    assert {"chat:write", "reactions:read", "reactions:write", "users:read", "commands"} <= set(
        manifest["oauth_config"]["scopes"]["bot"]
    )


def test_missing_tokens_stop_the_runner_with_a_message(tmp_path, caplog):
    empty = {"SLACK_BOT_TOKEN": "", "SLACK_APP_TOKEN": "", "SLACK_SIGNING_SECRET": ""}
    db = {"FOOTNOTE_DB": f"sqlite:///{tmp_path / 'f.sqlite3'}", **empty}
    no_token = Settings(**db)
    socket_without_app_token = Settings(**{**db, "SLACK_BOT_TOKEN": "xoxb-secret-value"})
    http_without_secret = Settings(**{**db, "SLACK_BOT_TOKEN": "xoxb-x", "FOOTNOTE_SLACK_MODE": "http"})
    assert runner.run(no_token) == 2 and "SLACK_BOT_TOKEN" in caplog.text
    assert runner.run(socket_without_app_token) == 2 and "SLACK_APP_TOKEN" in caplog.text
    assert runner.run(http_without_secret) == 2 and "SLACK_SIGNING_SECRET" in caplog.text


async def test_requests_that_cannot_be_verified_get_401_with_one_short_log_line(bot, pages, caplog):
    caplog.set_level("WARNING")
    await bot.service.command("auto on", here(), MOD)
    body = json.dumps({"type": "event_callback", "team_id": TEAM, "event": message(pages.url("/news/a"))})
    good = signed_headers(body)
    malformed = [
        {**good, "X-Slack-Request-Timestamp": "abc"},
        {**good, "X-Slack-Request-Timestamp": "9" * 400},
        {**good, "X-Slack-Request-Timestamp": "١٧٠٠٠٠٠٠٠٠"},  # digits, but not ASCII ones
        {**good, "X-Slack-Request-Timestamp": ""},
        {**good, "X-Slack-Signature": "v0=zz"},
        {**good, "X-Slack-Signature": "v1=" + good["X-Slack-Signature"][3:]},
        {"X-Slack-Signature": good["X-Slack-Signature"]},
        {},
    ]
    statuses = []
    for _ in range(20):  # a flood: the log must not grow with it
        for headers in malformed:
            async with bot.session.post(
                bot.url, data=body.encode(), headers={"Content-Type": "application/json", **headers}
            ) as response:
                statuses.append(response.status)
    assert set(statuses) == {401} and len(statuses) == 160
    lines = [r for r in caplog.records if "refused a Slack request" in r.getMessage()]
    assert len(lines) == 2  # one per kind of refusal met: malformed timestamp, malformed signature
    assert all(r.exc_info is None and len(r.getMessage()) < 120 for r in lines)
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert bot.api.calls_to("chat.postMessage") == [] and pages.hits == {}


async def test_signed_but_malformed_bodies_get_400(bot, caplog):
    caplog.set_level("WARNING")
    form = "application/x-www-form-urlencoded"
    bodies = [
        ("{not json", "application/json"),
        ("[1, 2, 3]", "application/json"),
        ('"text"', "application/json"),
        ("[" * 100_000 + "]" * 100_000, "application/json"),
        ("payload=%7Bnot+json", form),
        ("payload=%5B%5D", form),
        ("payload=1&payload=2", form),
        ("a=b&&&&=", form),
        ("<xml/>", "text/xml"),
    ]
    statuses = [(await bot.post(body, kind))[0] for body, kind in bodies]
    raw = b"\xff\xfe{}"  # not UTF-8, signed over its bytes
    stamp = str(int(time.time()))
    digest = hmac.new(SECRET.encode(), f"v0:{stamp}:".encode() + raw, hashlib.sha256).hexdigest()
    headers = {"X-Slack-Request-Timestamp": stamp, "X-Slack-Signature": f"v0={digest}"}
    async with bot.session.post(
        bot.url, data=raw, headers={"Content-Type": "application/json", **headers}
    ) as response:
        statuses.append(response.status)
    assert statuses == [400] * (len(bodies) + 1)
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
    ok, _ = await bot.post(json.dumps({"type": "url_verification", "challenge": "c"}), "application/json")
    assert ok == 200  # the guard lets a well-formed signed request through


async def test_http_mode_listens_on_the_configured_host(tmp_path):
    settings = Settings(
        FOOTNOTE_DB=f"sqlite:///{tmp_path / 'f.sqlite3'}",
        SLACK_BOT_TOKEN="xoxb-x",
        SLACK_SIGNING_SECRET=SECRET,
        FOOTNOTE_SLACK_MODE="http",
        FOOTNOTE_SLACK_HOST="127.0.0.1",
    )
    assert Settings().slack_host == "0.0.0.0"
    app = build_app(settings)
    served, port = await start_http(app, settings, settings.slack_host, 0)
    try:
        (site,) = served.sites
        assert site.name == f"http://127.0.0.1:{port}"
    finally:
        await served.cleanup()


async def test_fifty_members_pasting_one_link_get_one_answer_and_pointers_to_it(bot, pages):
    await bot.service.command("auto on", here(), MOD)
    link = f"<{pages.url('/news/flood')}>"
    events = [{**message(link, ts=f"1700000100.{n:06d}"), "user": f"U0M{n:03d}"} for n in range(50)]
    statuses = await asyncio.gather(*(bot.event(e, event_id=f"Ev{n}") for n, e in enumerate(events)))
    assert set(statuses) == {200}
    await bot.settle(50)
    posts = bot.api.calls_to("chat.postMessage") + bot.api.calls_to("chat.postEphemeral")
    answers = [p for p in posts if "blocks" in p]
    pointers = [p for p in posts if p.get("text", "").startswith("I explained this link here recently")]
    assert len(answers) == 1 and len(pointers) == 49 and len(posts) == 50
    (permalink,) = {p["text"].split(": ", 1)[1] for p in pointers}
    assert permalink.startswith(f"<https://footnote-test.slack.com/archives/{CHANNEL}/p")
    assert len({p["thread_ts"] for p in posts}) == 50  # one reply in each member's thread, no more
    assert pages.hits["/news/flood"] == 1


async def test_one_member_sending_thirty_links_gets_five_answers_and_one_private_notice(bot, pages):
    await bot.service.command("auto on", here(), MOD)
    events = [message(f"<{pages.url(f'/news/item-{n}')}>", ts=f"1700000200.{n:06d}") for n in range(30)]
    for n, event in enumerate(events):  # one after another, as a person pastes
        await bot.event(event, event_id=f"Ev{n}")
    await bot.settle(30)
    answers = bot.api.calls_to("chat.postMessage")
    notices = bot.api.calls_to("chat.postEphemeral")
    assert len(answers) == 5 and all("blocks" in a for a in answers)
    (notice,) = notices
    assert notice["user"] == MEMBER and notice["text"].startswith("⚠️ You've asked for quite a few")
    assert notice["thread_ts"] == events[5]["ts"]
    assert sum(pages.hits.values()) == 5


async def test_a_spent_budget_is_told_once_and_only_to_the_member(bot, pages):
    await bot.service.command("auto on", here(), MOD)
    await bot.service.command("budget requests 1", here(), MOD)
    await bot.service.command("limits user 100 10", here(), MOD)
    events = [message(f"<{pages.url(f'/news/spent-{n}')}>", ts=f"1700000250.{n:06d}") for n in range(10)]
    for n, event in enumerate(events):
        await bot.event(event, event_id=f"Ev{n}")
    await bot.settle(10)
    answers = bot.api.calls_to("chat.postMessage")
    (notice,) = bot.api.calls_to("chat.postEphemeral")
    assert len(answers) == 1 and "blocks" in answers[0]
    assert notice["user"] == MEMBER and notice["thread_ts"] == events[1]["ts"]
    assert "budget" in json.dumps(notice).lower()
    assert sum(pages.hits.values()) == 1


async def test_a_failure_notice_is_never_followed_by_an_answer_when_slack_retries(tmp_path, pages):
    store = SqliteStore(tmp_path / "footnote.sqlite3", busy_timeout=0.3)
    async with serving(tmp_path, store=store) as bot:
        await bot.service.command("auto on", here(), MOD)
        blocker = sqlite3.connect(tmp_path / "footnote.sqlite3", isolation_level=None)
        blocker.execute("BEGIN IMMEDIATE")  # another process holds the database's write lock
        event = message(f"<{pages.url('/news/locked')}>", ts="1700000300.000001")
        await bot.event(event)
        await bot.settle(1)
        (notice,) = bot.api.calls_to("chat.postMessage")
        assert notice["text"] == f"⚠️ {messages.unexpected_failure()}"
        blocker.execute("ROLLBACK")
        blocker.close()
        await bot.event(event, retry=1)  # Slack's retry, now that the database is free again
        await bot.settle(2)
        assert len(bot.api.calls_to("chat.postMessage")) == 1 and pages.hits == {}


async def test_a_retry_after_a_crash_between_posting_and_recording_posts_nothing_more(bot, pages):
    await bot.service.command("auto on", here(), MOD)
    link = pages.url("/news/crash")
    event = message(f"<{link}>", ts="1700000400.000001")
    # What a bot killed right after posting leaves: its reply in the thread, no answered claim.
    earlier = {
        "ts": "1700000400.000002",
        "thread_ts": event["ts"],
        "user": "U0BOT",
        "text": "the answer",
        "metadata": {"event_type": "footnote_reply", "event_payload": {"message": event["ts"], "link": link}},
    }
    bot.api.history[CHANNEL] = [event, earlier]
    await bot.event(event, retry=1)
    await bot.settle(1)
    assert bot.api.calls_to("chat.postMessage") == []
    (lookup,) = bot.api.calls_to("conversations.replies")
    assert lookup["ts"] == event["ts"] and lookup["include_all_metadata"] in (True, "true", "1", 1)
    await bot.event(event, retry=2)  # and the claim is now answered: no lookup, no post
    await bot.settle(2)
    assert bot.api.calls_to("chat.postMessage") == [] and len(bot.api.calls_to("conversations.replies")) == 1

    other = message(f"<{pages.url('/news/fresh')}>", ts="1700000400.000100")
    bot.api.history[CHANNEL].append(other)
    await bot.event(other, retry=1)  # a retry of an event nobody answered yet is answered
    await bot.settle(3)
    (post,) = bot.api.calls_to("chat.postMessage")
    assert post["thread_ts"] == other["ts"]
    assert post["metadata"]["event_payload"] == {"message": other["ts"], "link": pages.url("/news/fresh")}
