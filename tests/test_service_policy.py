"""Settings defaults and merging, domain rules, sliding-window limits, budget day, and refusal lines."""

from datetime import UTC, datetime

from bot import errors
from bot.config import Settings
from bot.service import messages
from bot.service.policy import (
    RateLimit,
    default_policy,
    domain_key,
    effective_policy,
    normalise_domain,
    retry_after,
    seconds_to_midnight_utc,
    utc_day_start,
)


def test_defaults_are_declared_once_and_take_max_links_from_settings():
    policy = default_policy(Settings(FOOTNOTE_MAX_LINKS=2))
    assert policy.auto_explain is False
    assert policy.reaction_requests is True
    assert policy.max_links == 2
    assert policy.language == "en"
    assert (policy.user_limit.count, policy.user_limit.minutes) == (5, 10)
    assert (policy.channel_limit.count, policy.channel_limit.minutes) == (20, 10)


def test_narrower_scopes_win_and_bad_stored_values_fall_back_to_defaults():
    defaults = default_policy(Settings())
    layers = [
        {"language": "de", "max_links": 2, domain_key("spam.example"): "block"},
        {"language": "fr", "max_links": 99},  # 99 is out of range: ignored
        {"auto_explain": True, domain_key("spam.example"): "allow"},
    ]
    policy = effective_policy(defaults, layers)
    assert policy.language == "fr"
    assert policy.max_links == 2
    assert policy.auto_explain is True
    assert policy.allowed_domains == ["spam.example"]
    assert policy.blocked_domains == []


def test_domain_rules_cover_subdomains_and_block_wins():
    policy = effective_policy(
        default_policy(Settings()),
        [{domain_key("news.example"): "allow", domain_key("bad.news.example"): "block"}],
    )
    assert policy.allows_domain("news.example")
    assert policy.allows_domain("www.news.example")
    assert not policy.allows_domain("bad.news.example")
    assert not policy.allows_domain("other.example")  # an allow list exists and it is not on it
    assert not policy.allows_domain("notnews.example")


def test_domains_are_normalised_from_what_moderators_type():
    assert normalise_domain("https://www.Example.COM/path") == "example.com"
    assert normalise_domain("example.com.") == "example.com"
    assert normalise_domain("Sub.Example.com:8080") == "sub.example.com"


def test_retry_after_is_when_the_oldest_blocking_event_leaves_the_window():
    limit = RateLimit(count=2, minutes=10)
    assert retry_after([], limit, now=1000.0) is None
    assert retry_after([900.0], limit, now=1000.0) is None
    assert retry_after([900.0, 950.0], limit, now=1000.0) == 900.0 + 600.0 - 1000.0
    # Events older than the window do not count.
    assert retry_after([100.0, 950.0], limit, now=1000.0) is None


def test_budget_day_is_the_utc_calendar_day():
    now = datetime(2026, 3, 2, 18, 30, tzinfo=UTC).timestamp()
    assert utc_day_start(now) == datetime(2026, 3, 2, tzinfo=UTC).timestamp()
    assert seconds_to_midnight_utc(now) == 5.5 * 3600


def test_waits_read_the_way_people_say_them():
    assert messages.in_words(0.2) == "in 1 second"
    assert messages.in_words(40) == "in 40 seconds"
    assert messages.in_words(61) == "in 2 minutes"
    assert messages.in_words(7 * 60) == "in 7 minutes"
    assert messages.in_words(5.5 * 3600) == "in 6 hours"
    assert "in 7 minutes" in messages.user_rate_limited(420)
    assert "midnight UTC" in messages.budget_spent(3600)


def test_refusal_lines_are_one_line_and_come_from_the_typed_error():
    line = messages.failure(errors.PrivateAddress())
    assert line == errors.PrivateAddress.default_message
    for text in (
        messages.not_moderator(),
        messages.domain_blocked("example.com"),
        messages.partial_text(),
        messages.channel_rate_limited(30),
        messages.already_here("https://chat.example/p/1"),
        messages.not_article(),
    ):
        assert "\n" not in text and text
