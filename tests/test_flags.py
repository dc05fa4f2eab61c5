"""Source-quality flags: each one positive and negative."""

from __future__ import annotations

from bot.engines.local import LocalEngine
from bot.engines.local.flags import headlines
from bot.models import Article, FlagKind


def _flags(article: Article) -> set[FlagKind]:
    return {flag.kind for flag in LocalEngine().analyse_sync(article).flags}


PLAIN = Article(
    url="https://example.test/news/council-approves-budget",
    title="Council approves budget",
    headline="Council approves budget",
    text=(
        "The city council voted 7-2 on Tuesday to approve a $40 million budget.\n\n"
        "Mayor Lina Ortiz said the plan protects libraries.\n\n"
        "The budget takes effect on July 1."
    ),
)


def test_a_plain_news_story_has_no_flags() -> None:
    assert _flags(PLAIN) == set()


def test_anonymous_sourcing() -> None:
    article = PLAIN.model_copy(
        update={
            "text": PLAIN.text
            + "\n\nTwo people familiar with the talks said the mayor had threatened a veto."
        }
    )
    assert FlagKind.ANONYMOUS_SOURCING in _flags(article)
    named = PLAIN.model_copy(
        update={"text": PLAIN.text + "\n\nCouncilman Abe Lin said the mayor had threatened a veto."}
    )
    assert FlagKind.ANONYMOUS_SOURCING not in _flags(named)


def test_headline_overstates_when_a_sensational_headline_meets_a_body_that_admits_nothing_happened() -> None:
    article = Article(
        title="BOMBSHELL: Mayor Will Be Removed From Office",
        headline="BOMBSHELL: Mayor Will Be Removed From Office",
        text=(
            "Council members are reportedly discussing a recall petition that could remove the mayor.\n\n"
            "No petition has been filed yet.\n\n"
            "The mayor said she would serve out her term."
        ),
    )
    flags = LocalEngine().analyse_sync(article).flags
    overstates = [f for f in flags if f.kind == FlagKind.HEADLINE_OVERSTATES]
    assert overstates and "No petition has been filed yet." in overstates[0].detail
    calm = article.model_copy(
        update={"title": "Council members discuss recall", "headline": "Council members discuss recall"}
    )
    assert FlagKind.HEADLINE_OVERSTATES not in _flags(calm)


def test_headline_overstates_when_a_plain_headline_drops_the_unnamed_sources_of_the_lead() -> None:
    article = Article(
        title="Senate strikes border deal",
        headline="Senate strikes border deal",
        text=(
            "Senate negotiators have reached a tentative border deal, according to three aides familiar "
            "with the talks.\n\n"
            "The House passed its own bill in March.\n\n"
            "Senator Rosa Delgado said talks were productive."
        ),
    )
    flags = LocalEngine().analyse_sync(article).flags
    overstates = [f for f in flags if f.kind == FlagKind.HEADLINE_OVERSTATES]
    assert overstates and "unnamed sources" in overstates[0].detail
    assert FlagKind.ANONYMOUS_SOURCING in {f.kind for f in flags}
    hedge = "Senate nears border deal, aides say"
    hedged = article.model_copy(update={"title": hedge, "headline": hedge})
    assert FlagKind.HEADLINE_OVERSTATES not in _flags(hedged)
    named = article.model_copy(
        update={"text": article.text.replace("three aides familiar with the talks", "Senator Ana Ruiz")}
    )
    assert FlagKind.HEADLINE_OVERSTATES not in _flags(named)


def test_the_link_slug_counts_as_a_headline() -> None:
    article = Article(
        url="https://example.test/2026/02/03/breaking-governor-will-resign-today-sources-say/", title="x"
    )
    assert "breaking governor will resign today sources say" in headlines(article)
    dated = Article(url="https://example.test/news/2026-02-03-story-1234", title="x")
    assert headlines(dated) == ["x"]


def test_no_primary_source_when_a_document_is_known_only_second_hand() -> None:
    article = PLAIN.model_copy(
        update={
            "text": PLAIN.text + "\n\nThe audit found missing funds, as reported by the Westbrook Gazette."
        }
    )
    assert FlagKind.NO_PRIMARY_SOURCE in _flags(article)
    direct = PLAIN.model_copy(
        update={"text": PLAIN.text + "\n\nThe audit, released Monday, found missing funds."}
    )
    assert FlagKind.NO_PRIMARY_SOURCE not in _flags(direct)


def test_opinion_piece_by_label_path_or_share() -> None:
    labelled = PLAIN.model_copy(update={"title": "Opinion | The budget is a mistake"})
    assert FlagKind.OPINION_PIECE in _flags(labelled)
    by_path = PLAIN.model_copy(update={"url": "https://example.test/opinion/2026/budget"})
    assert FlagKind.OPINION_PIECE in _flags(by_path)
    mostly_opinion = Article(
        title="The budget",
        text=(
            "This budget is a disgrace. Frankly, the council failed us. Our parks deserve better. "
            "The so-called savings are a sham. Vote them out. The council met on Tuesday."
        ),
    )
    assert FlagKind.OPINION_PIECE in _flags(mostly_opinion)
    assert FlagKind.OPINION_PIECE not in _flags(PLAIN)


def test_partial_text_comes_from_the_extractor() -> None:
    assert FlagKind.PARTIAL_TEXT in _flags(PLAIN.model_copy(update={"partial_text": True}))
    assert FlagKind.PARTIAL_TEXT not in _flags(PLAIN)


VIRAL = Article(
    title="SHOCKING: Factory Will Poison Entire Town",
    headline="SHOCKING: Factory Will Poison Entire Town",
    text=(
        "Residents are reportedly worried that a new factory could contaminate the town's water.\n\n"
        "Sources close to the plant told a local blog that safety checks may have been skipped.\n\n"
        "There is no evidence so far that any water has been contaminated."
    ),
)


def test_unverified_viral() -> None:
    assert FlagKind.UNVERIFIED_VIRAL in _flags(VIRAL)
    confirmed = VIRAL.model_copy(
        update={"text": VIRAL.text + "\n\nState inspector Jo Park said tests found lead in two wells."}
    )
    assert FlagKind.UNVERIFIED_VIRAL not in _flags(confirmed)
    calm = VIRAL.model_copy(
        update={"title": "Residents question factory", "headline": "Residents question factory"}
    )
    assert FlagKind.UNVERIFIED_VIRAL not in _flags(calm)


def test_facts_that_report_no_response_do_not_confirm_a_viral_story() -> None:
    silent = VIRAL.model_copy(
        update={
            "text": VIRAL.text
            + "\n\nThe plant's owner did not respond to a request for comment.\n\n"
            + "The county does not typically comment on inspections."
        }
    )
    assert FlagKind.UNVERIFIED_VIRAL in _flags(silent)


def test_social_media_posts_are_not_a_named_source() -> None:
    posts = VIRAL.model_copy(
        update={"text": VIRAL.text + "\n\nAccording to posts circulating on X, the plant skipped checks."}
    )
    assert FlagKind.UNVERIFIED_VIRAL in _flags(posts)


def test_every_flag_has_a_detail_line() -> None:
    for flag in LocalEngine().analyse_sync(VIRAL).flags:
        assert flag.detail and "\n" not in flag.detail


def test_a_study_that_cannot_show_cause_is_a_caveat_against_a_certain_headline() -> None:
    article = Article(
        title="SHOCKING: Study PROVES Soda Destroys Your Memory",
        headline="SHOCKING: Study PROVES Soda Destroys Your Memory",
        text=(
            "People who drank the most soda scored lower on memory tests, researchers reported.\n\n"
            "The study was observational, so it cannot show that soda caused the lower scores.\n\n"
            "The researchers said more trials were needed."
        ),
    )
    flags = LocalEngine().analyse_sync(article).flags
    overstates = [f for f in flags if f.kind == FlagKind.HEADLINE_OVERSTATES]
    assert overstates and "cannot show" in overstates[0].detail
