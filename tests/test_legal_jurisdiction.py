"""`detect_jurisdiction` reads any text without raising: datelines, place names, random text."""

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.legal.jurisdiction import US, Jurisdiction, detect_jurisdiction

PLACES = [
    "BERLIN", "PARIS", "LONDON", "WASHINGTON", "KYIV", "TOKYO", "MEXICO CITY", "DUBLIN", "SEOUL",
    "AUSTIN, Texas", "KESSLING, Mich.", "GENEVA", "ISTANBUL", "LAGOS", "Berlin", "Bundestag", "Brussels",
    "Ontario", "Georgia", "N.Y.", "D.C.", "The Hague", "Sydney", "Wash.", "Hong Kong", "Zurich",
]  # fmt: skip
DASHES = ["--", "—", "–", "-", " (Reuters) —", " (AP) --"]
TLDS = ["https://x.de/a", "https://news.co.uk/b", "https://example.com/c", "", "http://y.fr:8080/"]


@settings(max_examples=300, deadline=None)
@given(
    place=st.sampled_from(PLACES),
    dash=st.sampled_from(DASHES),
    body=st.text(max_size=200),
    headline=st.text(max_size=80),
    url=st.sampled_from(TLDS),
)
def test_any_dateline_and_text_gives_a_jurisdiction(
    place: str, dash: str, body: str, headline: str, url: str
) -> None:
    where = detect_jurisdiction(headline, f"{place}{dash} {body}", url)
    assert isinstance(where, Jurisdiction)
    assert where.place


@settings(max_examples=300, deadline=None)
@given(headline=st.text(max_size=100), text=st.text(max_size=400), url=st.text(max_size=60))
def test_random_text_never_raises(headline: str, text: str, url: str) -> None:
    assert isinstance(detect_jurisdiction(headline, text, url), Jurisdiction)


@settings(max_examples=200, deadline=None)
@given(
    names=st.lists(st.sampled_from(PLACES), min_size=1, max_size=6), sep=st.sampled_from([" ", ", ", "\n"])
)
def test_place_names_alone_never_raise(names: list[str], sep: str) -> None:
    text = sep.join(names)
    assert isinstance(detect_jurisdiction(text, text), Jurisdiction)


def test_berlin_dateline_with_double_hyphen_is_germany_not_a_crash() -> None:
    where = detect_jurisdiction(
        "Coalition talks stall", "BERLIN -- The chancellor met party leaders on Sunday."
    )
    assert where.place == "Germany"


def test_us_story_with_a_foreign_dateline_word_stays_us() -> None:
    where = detect_jurisdiction("Senate votes", "WASHINGTON -- The Senate voted on Friday, Congress said.")
    assert where.place == US
