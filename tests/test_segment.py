"""Sentence segmentation: verbatim sentences, robust to abbreviations, numbers and quotes."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.engines.local.segment import is_heading, split_sentences


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Mr. Lopez met Dr. Chen and Sen. Ortiz in St. Louis on Jan. 5. They spoke for an hour.",
            ["Mr. Lopez met Dr. Chen and Sen. Ortiz in St. Louis on Jan. 5.", "They spoke for an hour."],
        ),
        (
            "Gov. Hale and Rep. Diaz disagreed, e.g. on taxes, i.e. on nearly everything. Then they voted.",
            [
                "Gov. Hale and Rep. Diaz disagreed, e.g. on taxes, i.e. on nearly everything.",
                "Then they voted.",
            ],
        ),
        (
            "The case is Smith v. Jones Corp. and it was filed under No. 12-345. It is pending.",
            ["The case is Smith v. Jones Corp. and it was filed under No. 12-345.", "It is pending."],
        ),
        (
            "Output grew 3.5 percent to $1.2 billion. Shares rose 0.4%.",
            ["Output grew 3.5 percent to $1.2 billion.", "Shares rose 0.4%."],
        ),
        (
            "J.D. Vance spoke first. The U.S. Senate then adjourned.",
            ["J.D. Vance spoke first.", "The U.S. Senate then adjourned."],
        ),
        (
            "The plant moved to the U.S. The old site was sold to Acme Inc. The deal closed Friday.",
            ["The plant moved to the U.S.", "The old site was sold to Acme Inc.", "The deal closed Friday."],
        ),
    ],
)
def test_abbreviations_initials_and_numbers_do_not_end_sentences(text: str, expected: list[str]) -> None:
    assert split_sentences(text) == expected


def test_sentence_ending_inside_a_closing_quote() -> None:
    text = 'He called the plan "a disaster." Aides disagreed. She wrote “never again.” Then: ‘why?’ He left.'
    assert split_sentences(text) == [
        'He called the plan "a disaster."',
        "Aides disagreed.",
        "She wrote “never again.”",
        "Then: ‘why?’",
        "He left.",
    ]


def test_quotation_that_continues_into_its_attribution_is_one_sentence() -> None:
    text = "“We lost. We will appeal,” the mayor said on Monday. Voters shrugged."
    assert split_sentences(text) == [
        "“We lost. We will appeal,” the mayor said on Monday.",
        "Voters shrugged.",
    ]


def test_question_inside_quote_followed_by_lowercase_attribution() -> None:
    assert split_sentences("“Who pays?” she asked. Nobody answered.") == [
        "“Who pays?” she asked.",
        "Nobody answered.",
    ]


def test_parentheses_ellipses_and_dashes() -> None:
    text = "The fund (run by Mr. Ames) lost money — again. He waited... Nothing came. (It was late.) Fine."
    assert split_sentences(text) == [
        "The fund (run by Mr. Ames) lost money — again.",
        "He waited...",
        "Nothing came.",
        "(It was late.)",
        "Fine.",
    ]


def test_paragraphs_and_headings_are_separate() -> None:
    text = "What happened\n\nThe council met. It voted 5-2.\n\nNext steps\nA hearing is set."
    sentences = split_sentences(text)
    assert sentences == [
        "What happened",
        "The council met.",
        "It voted 5-2.",
        "Next steps",
        "A hearing is set.",
    ]
    assert [is_heading(s) for s in sentences] == [True, False, False, True, False]


def test_a_hard_wrapped_line_is_not_split() -> None:
    assert split_sentences("The board approved the\nbudget on Monday. It passed.") == [
        "The board approved the\nbudget on Monday.",
        "It passed.",
    ]


def test_a_dateline_state_abbreviation_does_not_end_the_first_sentence() -> None:
    text = "SALEM, Ore. (AP) — The county closed two bridges. The firm moved to Reno, Nev. The deal closed."
    assert split_sentences(text) == [
        "SALEM, Ore. (AP) — The county closed two bridges.",
        "The firm moved to Reno, Nev.",
        "The deal closed.",
    ]
    dateline = "TOPEKA, Kan. — Voters approved the levy."
    assert split_sentences(dateline) == [dateline]


def test_no_as_an_answer_ends_a_sentence() -> None:
    assert split_sentences("Did it pass? No. The vote failed.") == ["Did it pass?", "No.", "The vote failed."]


_PIECES = st.sampled_from(
    [
        "The U.S. Senate voted.",
        " ",
        "\n\n",
        "“Yes. No,” he said.",
        "Mr. Li left.",
        "$3.5 million",
        "...",
        "(ok.)",
        "x",
    ]
)


@settings(max_examples=150, deadline=None)
@given(st.lists(_PIECES, max_size=12).map("".join))
def test_every_sentence_is_a_verbatim_substring_in_order(text: str) -> None:
    position = 0
    for sentence in split_sentences(text):
        found = text.find(sentence, position)
        assert found >= 0
        assert sentence == sentence.strip()
        position = found + len(sentence)
