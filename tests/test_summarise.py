"""Extractive summary: leads with what is established, keeps every hedge, admits what is missing."""

from __future__ import annotations

import re

from bot.engines.local import LocalEngine
from bot.engines.local.summarise import MAX_WORDS, compress, word_count
from bot.models import Article, Kind

RUMOUR = Article(
    url="https://example.test/2026/01/02/breaking-city-will-shut-down-every-bus-line-next-month",
    title="BREAKING: City will shut down every bus line next month",
    headline="BREAKING: City will shut down every bus line next month",
    text=(
        "Transit officials are reportedly considering deep cuts that could shut down several bus lines "
        "next year.\n\n"
        "According to people familiar with the budget talks, the cuts may hit night routes "
        "first.\n\n"
        "Riders fear that the changes will leave shift workers stranded.\n\n"
        "So far, no route has been cancelled, and the transit board has not voted on any cuts, but the "
        "debate could drag on for months."
    ),
)

LAWSUIT = Article(
    url="https://example.test/news/bakery-sues-city",
    title="Bakery sues city over parking fines",
    headline="Bakery sues city over parking fines",
    text=(
        "The Rye & Co. bakery filed a lawsuit against the city of Westbrook on Monday, accusing it of "
        "issuing "
        "thousands of improper parking fines to delivery drivers.\n\n"
        "The suit says the city fined drivers in loading zones that were not marked.\n\n"
        "No judge has been assigned to the case yet.\n\n"
        "A city spokesperson denied that the fines were improper.\n\n"
        "The bakery could seek class-action status if other businesses join the suit."
    ),
)

COLUMN = Article(
    url="https://example.test/opinion/2026/05/01/keep-the-library-open",
    title="Keep the library open",
    byline="Ana Ruiz",
    text=(
        "Closing the Elm Street library would be a reckless mistake.\n\n"
        "The library served 41,000 visitors in 2025.\n\n"
        "Save the library."
    ),
)


def _summary(article: Article) -> str:
    return LocalEngine().analyse_sync(article).summary


def test_summary_keeps_the_hedge_and_says_nothing_has_happened_yet() -> None:
    summary = _summary(RUMOUR)
    assert "reportedly" in summary and "could" in summary
    assert re.search(r"no route has been cancelled", summary)
    assert word_count(summary) <= MAX_WORDS


def test_summary_never_states_a_speculation_as_fact() -> None:
    analysis = LocalEngine().analyse_sync(RUMOUR)
    for statement in analysis.of_kind(Kind.SPECULATION):
        head = statement.text.split(" could ")[0].split(" will ")[0].split(" may ")[0]
        if head in analysis.summary:
            # the sentence appears in the summary only together with its modal
            start = analysis.summary.index(head)
            assert re.search(
                r"\b(could|will|may|fear)\b", analysis.summary[start : start + len(statement.text)]
            )
    assert not re.search(r"(?i)bus lines? (are|were|have been) (shut|cut)", analysis.summary)


def test_summary_leads_with_the_established_fact_then_caveat_and_the_other_side() -> None:
    summary = _summary(LAWSUIT)
    assert summary.startswith("The Rye & Co. bakery filed a lawsuit")
    assert "No judge has been assigned" in summary
    assert "denied" in summary
    assert word_count(summary) <= MAX_WORDS


def test_opinion_column_summary_says_it_is_a_column() -> None:
    summary = _summary(COLUMN)
    assert summary.startswith("This is an opinion column by Ana Ruiz")
    assert "“Save the library.”" in summary
    assert "41,000 visitors" in summary


def test_compress_drops_a_speculative_aside_but_keeps_negations_and_conditions() -> None:
    assert compress(
        "No charges have been filed so far, but the case could grow — one that could take years."
    ) == ("No charges have been filed so far.")
    kept = "The plant reopened on Monday, but not at full capacity."
    assert compress(kept) == kept
    conditional = "Prices will rise — if the tariff takes effect."
    assert compress(conditional) == conditional
    attributed = "The firm lost $2 million, according to its own filings."
    assert compress(attributed) == attributed


def test_a_decisive_non_event_late_in_the_story_is_in_the_summary() -> None:
    article = Article(
        title="Deputy's crash: the district attorney's decision",
        text=(
            "A sheriff's deputy's cruiser struck a 16-year-old cyclist at Fifth Street in August.\n\n"
            "The boy spent three weeks in the hospital with a fractured skull.\n\n"
            "The deputy was responding to a burglary call without his siren on.\n\n"
            "The crash closed the intersection for four hours.\n\n"
            "The county repaved the intersection in September.\n\n"
            "District Attorney Maria Soto declined on Wednesday to file criminal charges against the deputy."
        ),
    )
    summary = _summary(article)
    assert "declined on Wednesday to file criminal charges" in summary
    assert len(summary.split()) <= MAX_WORDS


def test_a_claim_is_summarised_only_with_its_attribution() -> None:
    article = Article(
        title="Plant closing",
        text=(
            "Brennan Foods filed a notice on Monday saying it will close its plant in Dunmore.\n\n"
            "\u201cThis is the saddest day in the town's history.\u201d\n\n"
            "Mayor Linda Cho said the city had learned of the closing from a reporter."
        ),
    )
    summary = _summary(article)
    assert "saddest day" not in summary  # a quotation with no speaker in the sentence is left out
    assert "Mayor Linda Cho said the city had learned of the closing from a reporter." in summary


def test_the_dateline_is_not_part_of_the_summary() -> None:
    article = Article(
        url="https://example.test/news/levy",
        title="Levy passes",
        text="TOPEKA, Kan. (CP) — Voters approved a school levy on Tuesday by a margin of 812 votes.",
    )
    assert _summary(article).startswith("Voters approved a school levy")


def test_an_outright_denial_outweighs_the_second_fact() -> None:
    article = Article(
        url="https://example.test/news/harbor-fees",
        title="Harbor board member asks auditor to investigate dock contract",
        text=(
            "Harbor board member Lucia Ferrante on Tuesday asked the state auditor to investigate how a "
            "$3.1 million dock-repair contract was awarded to a firm whose founder gave money to the "
            "board chair’s campaign.\n\n"
            "The board approved the seven-year contract with Pierline Marine 4-3 in April, with Ferrante "
            "and two other members voting against it after a long debate.\n\n"
            "A spokesperson for the board chair, Owen Tull, denied that anyone had changed the bid scores "
            "and said a panel of engineers had ranked the bids."
        ),
    )
    summary = _summary(article)
    assert word_count(summary) <= MAX_WORDS
    assert "denied" in summary and "investigate" in summary


def test_a_story_that_opens_with_an_attributed_claim_leads_with_it_and_its_source() -> None:
    article = Article(
        url="https://example.test/business/ferry-deal",
        title="Tidewell to buy Harbourline",
        text=(
            "Ferry operator Tidewell is in advanced talks to buy its rival Harbourline for about $300 "
            "million, according to two people familiar with the negotiations.\n\n"
            "No agreement has been signed.\n\n"
            "A spokesperson for Tidewell declined to comment on the talks on Thursday.\n\n"
            "Tidewell was founded in 1978 and runs 14 ferries on the bay."
        ),
    )
    summary = _summary(article)
    assert summary.startswith("Ferry operator Tidewell is in advanced talks")
    assert "according to two people familiar" in summary
    assert "No agreement has been signed." in summary


def test_a_long_thesis_or_lead_is_cut_with_an_ellipsis_to_stay_within_the_budget() -> None:
    clause = "because the excuses about parking, traffic and neighbourhood character are simply wrong"
    column = Article(
        url="https://example.test/opinion/housing",
        title="Build the homes",
        byline="A Columnist With A Very Long Name Indeed",
        text=f"Build the homes now, {', '.join([clause] * 6)}.\n\nThe city approved 212 homes in 2025.",
    )
    long_lead = Article(
        url="https://example.test/news/budget",
        title="Budget passes",
        text=(
            "The county board approved a budget on Tuesday that "
            + ", ".join(f"raises fee number {n} by {n} percent" for n in range(30))
            + ".\n\nNo lawsuit has been filed."
        ),
    )
    for article in (column, long_lead):
        summary = _summary(article)
        assert word_count(summary) <= MAX_WORDS
        assert "…" in summary
    assert _summary(long_lead).startswith("The county board approved a budget on Tuesday")


def test_the_summary_covers_what_the_headline_adds_and_names_who_a_pronoun_means() -> None:
    article = Article(
        url="https://example.test/news/bar-shooting",
        title="Man charged after shooting outside bar leaves one dead",
        text=(
            "A 34-year-old man was killed in a shooting outside a bar early Saturday, police said.\n\n"
            "Officers were called to the 1400 block of Main Street at about 1:45 a.m.\n\n"
            "Police arrested Kevin Albright, 41, two hours later at a nearby home.\n\n"
            "He was charged Sunday with second-degree murder."
        ),
    )
    summary = _summary(article)
    assert "charged" in summary and "Kevin Albright" in summary


def test_a_ruling_summary_gives_the_grounds_and_the_losing_sides_appeal() -> None:
    article = Article(
        url="https://example.test/courts/age-check-law",
        title="Judge blocks state age-check law",
        text=(
            "A federal judge on Thursday blocked a state law requiring age checks on social media apps.\n\n"
            "The law had been set to take effect on Jan. 1.\n\n"
            "In a 30-page opinion, the judge wrote that the law likely violates the First Amendment.\n\n"
            "The attorney general said the state would appeal."
        ),
    )
    summary = _summary(article)
    assert "First Amendment" in summary and "would appeal" in summary


def test_a_study_summary_keeps_what_the_study_cannot_show() -> None:
    article = Article(
        url="https://example.test/health/diet-study",
        title="Diet linked to memory decline, study finds",
        text=(
            "Adults who ate the most processed food showed faster memory decline over eight years, "
            "a study published Wednesday found.\n\n"
            "The researchers followed 10,775 adults who took cognitive tests every four years.\n\n"
            "The study was observational, so it cannot show that the food itself caused the decline."
        ),
    )
    assert "cannot show" in _summary(article)


def test_a_recall_summary_says_what_owners_should_do() -> None:
    article = Article(
        url="https://example.test/business/heater-recall",
        title="Heater maker recalls 1 million units",
        text=(
            "Warmly Home recalled about 1 million space heaters on Thursday after reports that they "
            "can overheat.\n\n"
            "The recall covers models sold at Walmart and Target from 2023 through 2025.\n\n"
            "The company has received 40 reports of fires, according to the commission.\n\n"
            "Owners should stop using the heaters and contact Warmly for a full refund, the commission said."
        ),
    )
    assert "refund" in _summary(article)
