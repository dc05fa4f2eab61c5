"""The story matcher: the right topics, of the right jurisdiction, tied to this story."""

from pathlib import Path

import pytest

from bot.legal.jurisdiction import detect_jurisdiction
from bot.legal.knowledge import Topic, read_topics
from bot.legal.matcher import candidate_topics, choose_notes, match_legal, read_story, relevance_sentence
from bot.models import Article, Kind, Statement

FIXTURES = Path(__file__).parent / "fixtures" / "legal"
TOPICS, _ = read_topics(FIXTURES / "kb_good")


def story(name: str) -> Article:
    """A fixture story: URL, headline, a blank line, then paragraphs."""
    url, headline, _, text = (FIXTURES / "stories" / f"{name}.txt").read_text().split("\n", 3)
    return Article(url=url, headline=headline, title=headline, text=text.strip())


ICE, SINGER, LONDON, PARIS, RENT = (story(n) for n in ("ice", "singer", "london", "paris", "rent"))
VACATED = "Idaho v. Horiuchi, 253 F.3d 359 (9th Cir. 2001) (en banc)"


def test_story_about_prosecuting_ice_agents_gets_immunity_first_and_never_defamation() -> None:
    notes, line = choose_notes(read_story(ICE, []), TOPICS)
    assert line is None
    assert [n.topic for n in notes] == ["officer-immunity", "commandeering"]
    assert notes[0].jurisdiction == "US federal"
    assert notes[0].explanation.startswith("A state can't punish a federal officer")
    assert "In re Neagle, 135 U.S. 1 (1890)" in notes[0].authorities
    assert VACATED in notes[0].authorities
    # Commentary about an authority is a plain-words caution, never part of the citation string.
    assert notes[0].cautions == ["Idaho v. Horiuchi was later vacated as moot; it is not binding precedent."]
    assert not any("vacated" in a.lower() for a in notes[0].authorities)


def test_relevance_quotes_the_story_where_the_topic_fired() -> None:
    notes, _ = choose_notes(read_story(ICE, []), TOPICS)
    sentences = [s.strip() for p in ICE.text.split("\n\n") for s in p.split(". ")]
    for note, words in zip(notes, ["agents", "sanctuary states"], strict=True):
        assert note.relevance.startswith("Relevant to what the story says: “")
        assert note.relevance.endswith("”.")
        quoted = note.relevance.split("“", 1)[1].rsplit("”", 1)[0]
        assert words in quoted and any(quoted in s for s in sentences)  # the story's own words, not invented


def test_defamation_story_gets_us_defamation_not_uk_or_immigration() -> None:
    notes, _ = choose_notes(read_story(SINGER, []), TOPICS)
    assert [n.topic for n in notes] == ["actual-malice"]


def test_uk_story_gets_uk_law_only() -> None:
    story = read_story(LONDON, [])
    assert story.where.place == "UK"
    notes, line = choose_notes(story, TOPICS)
    assert [n.topic for n in notes] == ["uk-defamation"] and line is None


def test_story_outside_the_knowledge_base_says_so_instead_of_applying_us_law() -> None:
    notes, line = choose_notes(read_story(PARIS, []), TOPICS)
    assert notes == []
    assert line == "No legal context available for France."


def test_state_topic_applies_when_no_other_state_is_named() -> None:
    assert [n.topic for n in choose_notes(read_story(RENT, []), TOPICS)[0]] == ["rent-caps-california"]
    oregon = RENT.model_copy(update={"text": RENT.text + " Oregon passed a statewide cap in 2019."})
    assert choose_notes(read_story(oregon, []), TOPICS)[0] == []


def test_a_passing_mention_is_not_enough() -> None:
    article = story("budget")
    assert choose_notes(read_story(article, []), TOPICS) == ([], None)


def test_matcher_works_from_statements_when_the_text_is_missing() -> None:
    article = Article(headline="A quiet headline")
    statements = [
        Statement(
            text="State prosecutors said they are prosecuting ICE agents who broke state law.",
            kind=Kind.CLAIM,
        ),
        Statement(text="The Supremacy Clause may shield the agents.", kind=Kind.SPECULATION),
    ]
    notes, _ = choose_notes(read_story(article, statements), TOPICS)
    assert notes and notes[0].topic == "officer-immunity"


def test_jurisdiction_detection() -> None:
    assert detect_jurisdiction("Union wins vote", "KESSLING, Mich. — Workers voted on Friday.").states == {
        "Michigan"
    }
    assert (
        detect_jurisdiction("Ministers", "The Home Office told MPs in Westminster on Monday.").place == "UK"
    )
    assert detect_jurisdiction("Le ministre", "BERLIN — The Bundestag voted on Friday.").place == "Germany"
    # American papers write about the world: a mention abroad does not move a US story.
    us = detect_jurisdiction(
        "Senate debates China tariffs", "Congress and the White House argued over China on Monday."
    )
    assert us.place == "US"


@pytest.mark.parametrize(
    ("kind", "source", "opening"),
    [
        (Kind.SPECULATION, "advocates", "Relevant if it happens (the story says it may, not that it has)"),
        (Kind.CLAIM, "The civil rights advocates", "Relevant to a claim by the civil rights advocates"),
        (Kind.CLAIM, None, "Relevant to a claim"),
        (Kind.OPINION, None, "Relevant to a view in the story"),
        (Kind.FACT, None, "Relevant to what the story reports"),
    ],
)
def test_relevance_says_how_sure_the_story_is_about_what_it_quotes(kind, source, opening) -> None:
    advocates = ICE.text.split("\n\n")[-1].strip()  # where the immunity topic fires most strongly
    read = [Statement(text=advocates, kind=kind, source=source, why="cue")]
    notes, _ = choose_notes(read_story(ICE, read), TOPICS)
    assert notes[0].topic == "officer-immunity"
    assert notes[0].relevance.startswith(f"{opening}: “Civil rights advocates argue")


def test_a_sentence_already_quoted_by_a_note_is_quoted_short_the_next_time() -> None:
    twice = Article(
        url="https://news.example/a",
        headline="Agents",
        title="Agents",
        text="State prosecutors said they are prosecuting ICE agents in sanctuary states, a first in "
        "the long and bitter fight over immigration enforcement between the states and Washington.",
    )
    notes, _ = choose_notes(read_story(twice, []), TOPICS)
    assert len(notes) == 2
    first, second = (n.relevance.split("“", 1)[1] for n in notes)
    assert len(second.split()) < len(first.split()) <= 32 and second.rstrip("”.…") in first


def test_public_api_on_the_bundled_knowledge_base() -> None:
    notes, line = match_legal(ICE, [])
    assert line is None and 1 <= len(notes) <= 3
    assert notes[0].topic == "supremacy-clause-immunity"
    assert not any("defam" in n.topic or "libel" in n.title.lower() for n in notes)
    candidates = candidate_topics(ICE, [], limit=6)
    assert candidates[0].id == "supremacy-clause-immunity" and len(candidates) <= 6
    relevance = relevance_sentence(candidates[0], ICE, [])
    assert relevance.startswith("Relevant to what the story says: “") and "agents" in relevance


def test_a_negation_between_a_triggers_words_is_not_a_match() -> None:
    def arson(plea: str) -> Article:
        return Article(
            url="https://example.test/news/warehouse-fire",
            headline="Man charged in warehouse fire",
            title="Man charged in warehouse fire",
            text=(
                "A Dayton man was charged on Monday with setting a fire that destroyed a warehouse.\n\n"
                f"His lawyer said the man {plea} to the arson charge at a hearing on Friday.\n\n"
                "Nobody was hurt in the fire."
            ),
        )

    def topics(article: Article) -> list[str]:
        return [t.id for t in candidate_topics(article, [], limit=6)]

    assert "plea-bargains" in topics(arson("pleaded guilty"))
    assert "plea-bargains" in topics(arson("pleaded, as expected, guilty"))
    assert "plea-bargains" not in topics(arson("pleaded not guilty"))
    assert "plea-bargains" not in topics(arson("will plead not guilty"))


def test_a_one_word_trigger_matches_only_as_a_phrase_never_spread_over_a_sentence() -> None:
    def story(sentence: str) -> Article:
        return Article(
            url="https://example.test/news/protected-status",
            headline="Haitians lose protected status",
            title="Haitians lose protected status",
            text=f"Advocates reacted on Tuesday.\n\n{sentence}\n\nThe program ends in September.",
        )

    def topics(article: Article) -> list[str]:
        return [t.id for t in candidate_topics(article, [], limit=6)]

    # "sentenced to" has one content word: spread out it is only the word "sentence", a figure of speech here.
    assert "sentencing" not in topics(story("Going back would be a death sentence, and they vowed to sue."))
    assert "sentencing" in topics(story("One organizer was sentenced to two years in prison in 2019."))


def test_british_courts_and_places_and_a_story_with_no_american_sign() -> None:
    # Judges' titles, magistrates and British cities are signs of the UK, even without a .uk address.
    leeds = "Opening the case at Leeds Crown Court, Mr Justice Harrow told jurors not to research it."
    assert detect_jurisdiction("Judge warns jurors", leeds).place == "UK"
    bradford = "Magistrates in Bradford fined a man £1,200 for naming a woman online."
    assert detect_jurisdiction("Man fined", bradford).place == "UK"
    # With no American sign at all, two signs of one other place are enough...
    assert (
        detect_jurisdiction("Singer wins privacy case", "Photos taken in Cornwall cost £60,000.").place
        == "UK"
    )
    # ...but one stray sign is not, and an American dateline in capitals still counts.
    assert detect_jurisdiction("Chef opens bistro", "A chef from Paris opened a bistro.").place == "US"
    chicago = "CHICAGO — A chef from Paris who trained in French kitchens opened a bistro on Tuesday."
    assert detect_jurisdiction("Chef opens bistro", chicago).place == "US"


def _topic(topic_id: str, title: str, triggers: list[str], area: str = "") -> Topic:
    return Topic(id=topic_id, title=title, jurisdiction="US federal", area=area, triggers=triggers)


def _names(article: Article, topics: list[Topic]) -> list[str]:
    return [n.topic for n in choose_notes(read_story(article, []), topics)[0]]


def _news(headline: str, *paragraphs: str) -> Article:
    text = "\n\n".join(paragraphs)
    return Article(url="https://news.example/a", headline=headline, title=headline, text=text)


def test_countries_beyond_the_big_ones_are_outside_the_knowledge_base() -> None:
    nairobi = (
        "NAIROBI — Kenya's High Court blocked the deployment. The attorney general said he would appeal."
    )
    assert detect_jurisdiction("Court halts deployment", nairobi).place == "Kenya"
    notes, line = choose_notes(read_story(_news("Court halts deployment", nairobi), []), TOPICS)
    assert notes == [] and line == "No legal context available for Kenya."


def test_every_phrasing_of_a_trigger_is_tried_not_only_the_first() -> None:
    # "fired for a post" and "fired over a post" share their content words: one trigger, two phrasings.
    speech = _topic(
        "employee-speech", "Speech by government employees", ["fired for a post", "fired over a post"]
    )
    article = _news("City worker fired over a post", "A city worker was fired over a post on Monday.")
    assert _names(article, [speech]) == ["employee-speech"]


def test_a_phrase_naming_the_doctrine_is_enough_in_the_lead() -> None:
    article = _news(
        "Neighbours win fight over condo tower",
        "Residents spoke against the plan at council meetings.",
        "A judge tossed the suit under the state's anti-SLAPP law.",
    )
    # The same two words in the same place: enough when they name the topic's doctrine, not otherwise.
    assert _names(article, [_topic("anti-slapp", "Anti-SLAPP laws", ["anti-slapp"])]) == ["anti-slapp"]
    assert _names(article, [_topic("critics", "Lawsuits against critics", ["anti-slapp"])]) == []


def test_a_neighbour_in_the_same_area_cannot_carry_a_barely_mentioned_topic() -> None:
    bribery = _topic("bribery", "Bribery", ["bribery", "took bribes", "council member arrested"], "business")
    fraud = _topic("fraud", "Wire fraud", ["wire fraud"], "business")
    charge = _topic("charge", "A charge is not a conviction", ["criminal complaint", "charged with"], "crim")
    article = _news(
        "Council member arrested on bribery charges",
        "Agents said the council member arrested on Thursday took bribes.",
        "The mayor called on him to resign. Residents were shocked.",
        "He is charged with bribery, which a criminal complaint details.",
        "The complaint also mentions wire fraud.",
    )
    names = _names(article, [bribery, fraud, charge])
    assert names[:2] == ["bribery", "charge"]


def test_a_doubled_consonant_before_ed_or_ing_does_not_hide_a_trigger() -> None:
    cartel = _topic("price-fixing", "Price fixing", ["rig prices"])
    article = _news("Suppliers rigged prices, prosecutors say", "Suppliers rigging prices for years pleaded.")
    assert _names(article, [cartel]) == ["price-fixing"]


def test_a_name_that_is_also_a_doctrine_brings_no_legal_note() -> None:
    story = Article(
        url="https://news.example/theatre",
        headline="Lin-Manuel Miranda returns to Broadway",
        title="Lin-Manuel Miranda returns to Broadway",
        text=(
            "Lin-Manuel Miranda will star in a revival next spring, producers said on Monday. Miranda, "
            "who wrote Hamilton, said rehearsals start in January. Tickets go on sale Friday in New York."
        ),
    )
    notes, _ = match_legal(story, [])
    assert not any("miranda" in n.topic for n in notes)
