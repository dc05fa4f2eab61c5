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


# Stories truly about the law use the same ordinary words; beside a second sign they still count.
SECOND_SIGN = [
    (
        "emtala-and-emergency-abortion",
        "Woman miscarrying was sent home from ER twice, lawsuit says",
        "A pregnant woman who was miscarrying was sent home from the emergency room twice in Texas, "
        "where abortion is banned, a lawsuit filed Tuesday says. She later developed sepsis. Doctors "
        "said they feared prosecution under the state's abortion ban.",
    ),
    (
        "section-230",
        "Families sue social media companies over teen's death",
        "Families sued Meta and TikTok on Monday, saying their recommendation algorithms pushed "
        "harmful content to teenagers. The companies say a federal law shields platforms from "
        "liability for content posted by users.",
    ),
    (
        "jury-trials",
        "Jury finds man guilty of murder after three days of deliberations",
        "After three days of deliberations, a jury found him guilty of first-degree murder in the "
        "2023 shooting, prosecutors said. He faces life in prison.",
    ),
    (
        "fair-use",
        "Authors sue AI company, saying it trained models on their books",
        "A group of authors sued an AI company on Tuesday, saying its AI models were trained on "
        "their books without permission. The company says the training is fair use.",
    ),
    (
        "emergency-powers-and-tariffs",
        "President declares national emergency to impose tariffs on imports",
        "WASHINGTON — The President declared a national emergency on Friday and imposed sweeping "
        "tariffs on imports, citing the trade deficit. Importers said they would challenge the "
        "tariffs in court.",
    ),
    (
        "presumption-of-innocence",
        "Senator denies wrongdoing after indictment",
        "A senator was indicted on bribery charges on Thursday. He denied wrongdoing and said he "
        "would plead not guilty.",
    ),
    (
        "police-use-of-force",
        "Officer fatally shot unarmed man during traffic stop, video shows",
        "A police officer fatally shot an unarmed man during a traffic stop, body camera video "
        "released Tuesday shows. The family's lawyer called it excessive force.",
    ),
    (
        "voting-rights-act",
        "Black voters sue over new legislative map",
        "Black voters sued the state on Wednesday, saying the new legislative map dilutes their "
        "votes in violation of the Voting Rights Act.",
    ),
    (
        "uk-misuse-of-private-information",
        "Prince wins privacy case against tabloid publisher",
        "LONDON — The prince won his privacy claim against a tabloid publisher at the High Court on "
        "Friday. The judge said photographers' intrusion into his private life was unlawful.",
    ),
    (
        "merger-challenges",
        "FTC sues to block proposed merger of grocery chains",
        "The Federal Trade Commission sued on Monday to block the proposed merger of two grocery "
        "chains, saying it would raise prices.",
    ),
]


@pytest.mark.parametrize(("topic", "headline", "text"), SECOND_SIGN, ids=[c[0] for c in SECOND_SIGN])
def test_ordinary_words_count_beside_a_second_sign(topic: str, headline: str, text: str) -> None:
    assert topic in _notes({"id": topic, "headline": headline, "text": text})
