"""Federal or state: a story's level of government decides which rules can fit it."""

import pytest

from bot.legal.knowledge import load_topics
from bot.legal.matcher import match_legal
from bot.models import Article

FEDERAL_ONLY = {t.id for t in load_topics() if t.government == "federal"}
STATE_ONLY = {t.id for t in load_topics() if t.government == "state"}

STORIES = [
    (
        "Texas House votes to impeach Attorney General Ken Paxton",
        "AUSTIN, Texas — The Texas House of Representatives voted 121-23 on Saturday to impeach "
        "Attorney General "
        "Ken Paxton over allegations of bribery and abuse of office. He is suspended pending a "
        "trial in the state "
        "Senate.",
        "state",
        "state-impeachment",
    ),
    (
        "House Republicans open impeachment inquiry into President",
        "WASHINGTON — House Republicans opened an impeachment inquiry into the President on "
        "Tuesday, the Speaker "
        "of the House said. A Senate trial would follow any impeachment.",
        "federal",
        "impeachment",
    ),
    (
        "Judge sets $500,000 bail for man accused in subway attack",
        "NEW YORK — A Manhattan judge set bail at $500,000 on Friday for a man accused of "
        "pushing a rider onto "
        "the subway tracks, the Manhattan District Attorney's office said.",
        "state",
        "state-bail-and-pretrial-release",
    ),
    (
        "Federal judge orders former official detained pending trial",
        "A federal magistrate judge ordered a former official detained pending trial on Tuesday "
        "after prosecutors "
        "from the U.S. Attorney's office argued he was a flight risk.",
        "federal",
        "bail-and-pretrial-detention",
    ),
    (
        "Mayor arrested on bribery charges, county prosecutor says",
        "The mayor was arrested Wednesday on bribery charges, the county prosecutor said. She is accused of "
        "taking cash from a developer in exchange for zoning votes. A state judge released her without bail.",
        "state",
        None,
    ),
]


@pytest.mark.parametrize(("headline", "text", "level", "expected"), STORIES, ids=[s[0][:40] for s in STORIES])
def test_the_level_picks_the_rules(headline: str, text: str, level: str, expected: str | None) -> None:
    notes, _ = match_legal(
        Article(url="https://news.example/a", headline=headline, title=headline, text=text), []
    )
    got = {n.topic for n in notes}
    if expected:
        assert expected in got
    assert not got & (FEDERAL_ONLY if level == "state" else STATE_ONLY), got


def test_state_topics_say_state_law_varies() -> None:
    for topic in load_topics():
        if topic.government == "state":
            assert topic.jurisdiction == "US state law varies" or topic.jurisdiction != "US federal"
            assert "State law varies" in topic.explanation or "state law" in topic.one_line.lower()
