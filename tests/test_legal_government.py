"""Which level of American government a story is about: its actors and proceedings say so."""

import pytest

from bot.legal.government import government_level


@pytest.mark.parametrize(
    ("text", "level"),
    [
        (
            "The state House of Representatives voted to impeach the governor; "
            "the state Senate will hold a trial.",
            "state",
        ),
        ("HOUSTON — A man was charged with murder, the Harris County district attorney said.", "state"),
        ("A state district judge set his bond at $1 million.", "state"),
        ("Texas Attorney General Ken Paxton sued the company in state court.", "state"),
        ("The Ohio Supreme Court struck down the state law on Friday.", "state"),
        ("Gov. Jane Smith signed the bill after the General Assembly passed it.", "state"),
        (
            "Federal prosecutors charged the mayor in U.S. District Court, the Justice Department said.",
            "federal",
        ),
        ("The FBI arrested him; he appeared before a federal magistrate judge.", "federal"),
        ("Congress passed the bill and the White House said the President would sign it.", "federal"),
        ("The 9th Circuit ruled against the administration on Monday.", "federal"),
        ("The Lakers beat the Celtics 110-102 on Sunday night.", "unsaid"),
        (
            "The FBI joined the county sheriff and the district attorney in the case, "
            "which a federal grand jury and a state court are both examining.",
            "both",
        ),
    ],
)
def test_actors_and_proceedings_tell_the_level(text: str, level: str) -> None:
    assert government_level(text) == level


def test_a_passing_mention_of_the_other_level_is_not_both() -> None:
    text = (
        "The Harris County district attorney charged the man with murder. A state district judge set bond. "
        "The county sheriff said he was held in the county jail. The FBI was not involved."
    )
    assert government_level(text) == "state"
