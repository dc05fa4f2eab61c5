"""Precision on ordinary news: stories with no legal angle, or another one, get no note or a fitting one."""

from pathlib import Path

import pytest
import yaml

from bot.legal.knowledge import load_topics
from bot.legal.matcher import match_legal
from bot.models import Article

STORIES = yaml.safe_load((Path(__file__).parent / "fixtures" / "legal" / "ordinary_news.yaml").read_text())[
    "stories"
]
IDS = {t.id for t in load_topics()}


def _notes(story: dict) -> list[str]:
    article = Article(
        url=f"https://news.example/{story['id']}",
        headline=story["headline"],
        title=story["headline"],
        text=story["text"].strip(),
    )
    notes, _ = match_legal(article, [])
    return [n.topic for n in notes]


def test_the_set_is_large_and_names_only_real_topics() -> None:
    assert len(STORIES) >= 60
    assert len({s["id"] for s in STORIES}) == len(STORIES)
    named = {t for s in STORIES for t in s["fits"] + s.get("never", [])}
    # A topic a story may get must exist; a topic it must never get may be any known id.
    assert {t for s in STORIES for t in s["fits"]} - IDS <= {"state-criminal-charges"}
    assert named


def test_at_least_95_percent_get_no_note_or_only_fitting_ones() -> None:
    wrong = {s["id"]: got for s in STORIES if (got := [t for t in _notes(s) if t not in s["fits"]])}
    assert len(wrong) <= len(STORIES) * 0.05, wrong


@pytest.mark.parametrize("story", [s for s in STORIES if s.get("never")], ids=lambda s: s["id"])
def test_known_mistakes_never_come_back(story: dict) -> None:
    assert not set(_notes(story)) & set(story["never"])


def test_a_state_house_impeaching_a_governor_gets_the_state_topic_not_the_federal_one() -> None:
    story = next(s for s in STORIES if s["id"] == "governor-impeached-by-state-house")
    got = _notes(story)
    assert "state-impeachment" in got and "impeachment" not in got


def test_a_state_murder_charge_gets_no_federal_only_rule() -> None:
    story = next(s for s in STORIES if s["id"] == "texas-murder-charge")
    got = _notes(story)
    federal_only = {t.id for t in load_topics() if t.government == "federal"}
    assert got and not set(got) & federal_only
    assert "bail-and-pretrial-detention" not in got


def test_every_story_with_a_legal_angle_gets_a_fitting_note() -> None:
    angled = [s for s in STORIES if set(s["fits"]) & IDS]
    missed = [s["id"] for s in angled if not set(_notes(s)) & set(s["fits"])]
    assert len(missed) <= 1, missed
