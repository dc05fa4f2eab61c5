"""Links are found the way chat shows them, and two spellings of one article meet in one canonical form."""

import pytest

from bot import errors
from bot.config import Settings
from bot.web.links import canonical_url, find_links, host_of, is_article_link

SETTINGS = Settings(_env_file=None)


@pytest.mark.parametrize(
    ("message", "link"),
    [
        ("read this https://news.example/a today", "https://news.example/a"),
        ("no embed please <https://news.example/a>", "https://news.example/a"),
        ("<https://news.example/a|News: the story>", "https://news.example/a"),
        ("<https://news.example/a?x=1&amp;y=2|label>", "https://news.example/a?x=1&y=2"),
        ("see [the story](https://news.example/a) here", "https://news.example/a"),
        ("[quiet](<https://news.example/a>)", "https://news.example/a"),
        ("[https://decoy.example/](https://news.example/a)", "https://news.example/a"),
        ("(see https://x.example/a_(b))", "https://x.example/a_(b)"),
        ("[wiki](https://x.example/a_(b))", "https://x.example/a_(b)"),
        ("(https://news.example/a)", "https://news.example/a"),
        ("It is at https://news.example/a.", "https://news.example/a"),
        ("Really? https://news.example/a?!", "https://news.example/a"),
        ('"https://news.example/a", he said', "https://news.example/a"),
        ("“https://news.example/a”", "https://news.example/a"),
        ("**https://news.example/a**", "https://news.example/a"),
        ("_https://news.example/a_", "https://news.example/a"),
        ("~~https://news.example/a~~.", "https://news.example/a"),
        ("see https://news.example/snake_case_ now", "https://news.example/snake_case_"),
        ("home: https://people.example/~ann~", "https://people.example/~ann~"),
        ("||https://news.example/a||", "https://news.example/a"),
        ("`https://news.example/a`", "https://news.example/a"),
        ("HTTPS://News.Example/A", "https://news.example/A"),
        ("https://bücher.example/straße", "https://xn--bcher-kva.example/stra%C3%9Fe"),
        ("https://BÜCHER.example/", "https://xn--bcher-kva.example/"),
    ],
)
def test_every_chat_form_is_found(message, link):
    assert find_links(message, SETTINGS) == [link]


@pytest.mark.parametrize(
    ("url", "canonical"),
    [
        ("https://news.example/a?utm_source=x&id=3&utm_medium=y", "https://news.example/a?id=3"),
        ("https://news.example/a?fbclid=1&gclid=2&dclid=3&msclkid=4", "https://news.example/a"),
        (
            "https://news.example/a?mc_cid=1&mc_eid=2&ref=tw&ref_src=x&igshid=y&yclid=z",
            "https://news.example/a",
        ),
        ("https://news.example/a?_ga=1&spm=2&cmpid=3&UTM_Campaign=4", "https://news.example/a"),
        ("https://news.example/a?b=2&a=1&b=1&empty=", "https://news.example/a?b=2&a=1&b=1&empty="),
        ("https://news.example/a?q=a%20b&page=2", "https://news.example/a?q=a%20b&page=2"),
        ("https://news.example/a#comments", "https://news.example/a"),
        ("http://news.example:80/a", "http://news.example/a"),
        ("https://news.example:443/a", "https://news.example/a"),
        ("https://news.example:8443/a", "https://news.example:8443/a"),
        ("http://news.example:443/a", "http://news.example:443/a"),
        ("HTTP://NEWS.EXAMPLE", "http://news.example/"),
        ("https://news.example./a", "https://news.example/a"),
        ("https://user:secret@news.example/a", "https://news.example/a"),
        ("https://news.example/a b", "https://news.example/a%20b"),
        ("http://[2001:DB8::1]:8080/a", "http://[2001:db8::1]:8080/a"),
    ],
)
def test_canonical_form(url, canonical):
    assert canonical_url(url) == canonical
    assert canonical_url(canonical) == canonical


@pytest.mark.parametrize(
    "url",
    ["ftp://news.example/a", "mailto:a@news.example", "javascript:alert(1)", "https://", "news.example/a",
     "http://news.example:99999/", "http://[nope]/", "http://exa mple.com/", "http://%31%32%37.0.0.1/"],
)  # fmt: skip
def test_non_http_or_unparseable_links_are_invalid(url):
    with pytest.raises(errors.InvalidLink):
        canonical_url(url)


def test_host_of_gives_the_lowercase_ascii_host():
    assert host_of("https://WWW.Bücher.example:8443/a") == "www.xn--bcher-kva.example"
    assert host_of("http://[::1]/") == "[::1]"
    with pytest.raises(errors.InvalidLink):
        host_of("ftp://x.example/")


@pytest.mark.parametrize(
    "url",
    [
        "https://www.youtube.com/watch?v=1",
        "https://youtu.be/abc",
        "https://m.facebook.com/story",
        "https://x.com/someone/status/1",
        "https://apps.apple.com/app/id1",
        "https://news.example/report.PDF",
        "https://news.example/photo.jpg?size=large",
        "https://news.example/files/archive.zip/",
        "ftp://news.example/a",
    ],
)
def test_media_social_and_downloads_are_not_articles(url):
    assert not is_article_link(url, SETTINGS)


@pytest.mark.parametrize(
    "url",
    [
        "https://news.example/a",
        "https://notyoutube.com/a",
        "https://x.com.news.example/a",
        "https://news.example/pdf",
    ],
)
def test_articles_are_articles(url):
    assert is_article_link(url, SETTINGS)


def test_skip_lists_come_from_settings():
    custom = Settings(
        _env_file=None, FOOTNOTE_SKIP_DOMAINS="paywall.example", FOOTNOTE_SKIP_EXTENSIONS=".epub"
    )
    assert not is_article_link("https://www.paywall.example/a", custom)
    assert not is_article_link("https://news.example/book.epub", custom)
    assert is_article_link("https://youtube.com/watch?v=1", custom)  # the list replaced the defaults
    added = Settings(
        _env_file=None, FOOTNOTE_SKIP_DOMAINS="+paywall.example", FOOTNOTE_SKIP_EXTENSIONS="+epub"
    )
    for skipped in ("https://paywall.example/a", "https://youtube.com/watch?v=1", "https://n.example/b.epub"):
        assert not is_article_link(skipped, added)
    assert not is_article_link("https://n.example/b.pdf", added)


def test_duplicates_skips_and_limit():
    message = (
        "https://a.example/1?utm_source=x https://a.example/1#top https://youtube.com/watch?v=9 "
        "https://b.example/2 <https://c.example/3> https://d.example/4"
    )
    assert find_links(message, SETTINGS) == [
        "https://a.example/1",
        "https://b.example/2",
        "https://c.example/3",
    ]
    assert find_links(message, SETTINGS, limit=10) == [
        "https://a.example/1",
        "https://b.example/2",
        "https://c.example/3",
        "https://d.example/4",
    ]
    assert find_links(message, SETTINGS, limit=1) == ["https://a.example/1"]
    assert find_links(message, Settings(_env_file=None, FOOTNOTE_MAX_LINKS=2)) == [
        "https://a.example/1",
        "https://b.example/2",
    ]


def test_messages_without_links_and_hostile_text():
    assert find_links("no links here, just @everyone and <!channel>", SETTINGS) == []
    assert find_links("ftp://files.example/a mailto:x@y.example", SETTINGS) == []
    assert find_links("https://" + "a" * 3000 + ".example/", SETTINGS) == []
    assert find_links("https://news.example/a\u200bhttps://b.example/", SETTINGS) == [
        "https://news.example/a",
        "https://b.example/",
    ]
