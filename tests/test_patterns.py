"""Prefiltered cues answer exactly as their regexes; the classifier's shortcuts change no label."""

from __future__ import annotations

import re
import sys
import threading

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.engines.local import classify, cues, flags, language, segment, summarise
from bot.engines.local.classify import classify_all, in_opinion_voice
from bot.engines.local.patterns import Cue, needles_of

CUES = {
    f"{module.__name__}.{name}": value
    for module in (cues, classify, flags, language, segment, summarise)
    for name, value in vars(module).items()
    if isinstance(value, Cue)
}
# Words that make cues match, letters that `re.IGNORECASE` folds specially, and sentence punctuation.
PIECES = sorted({needle for c in CUES.values() for needle in needles_of(c.pattern, c.flags)}) + [
    " ",
    "  ",
    ", ",
    ". ",
    "“",
    "”",
    '"',
    "’",
    "ſ",
    "ı",
    "İ",
    "\u212a",
    "May 5",
    "The",
    "said",
    "that",
    "to",
    "would",
    "officials",
    "-",
]
TEXTS = st.lists(st.sampled_from(PIECES), max_size=30).map("".join)


def _spans(matches: object) -> list[tuple[tuple[int, int], tuple[str | None, ...]]]:
    return [(m.span(), m.groups()) for m in matches]  # type: ignore[attr-defined]


@settings(max_examples=300, deadline=None)
@given(TEXTS, st.sampled_from(sorted(CUES)))
def test_a_cue_matches_exactly_where_its_regex_does(text: str, name: str) -> None:
    cue = CUES[name]
    regex = re.compile(cue.pattern, cue.flags)
    assert _spans(cue.finditer(text)) == _spans(regex.finditer(text))
    assert cue.sub("#", text) == regex.sub("#", text)
    assert cue.split(text) == regex.split(text)
    assert bool(cue.match(text)) == bool(regex.match(text))


def test_the_cues_are_prefiltered() -> None:
    """Most cues name words their matches need; a cue without any is run on every text."""
    with_needles = [name for name, c in CUES.items() if needles_of(c.pattern, c.flags)]
    assert len(with_needles) > len(CUES) / 2
    assert needles_of(r"\baccording\s+to\b", re.I) == ("according",)
    assert needles_of(r"\b(?:spokes(?:man|woman)|officials?)\s+said") == ("said",)
    assert set(needles_of(r"\b(?:expects?|predicts?)\b", re.I)) == {"expect", "predict"}
    assert needles_of(r"(?:a|bc)d?") == ()  # a one-letter needle narrows nothing
    assert needles_of(r"x*(?:yes)?") == ()  # nothing is required


def test_special_case_letters_are_not_missed() -> None:
    """`re.IGNORECASE` matches "ſ" for "s" and the Kelvin sign for "k": the prefilter must too."""
    assert Cue(r"\bsaid\b", re.I).search("officials ſaid") is not None
    assert Cue(r"\bknown\b", re.I).search("\u212anown") is not None
    assert Cue(r"\bsaid\b", re.I).search("officials told") is None


SENTENCES = [
    "The mayor said the budget would pass.",
    "She said it was a mistake.",
    "The mayor said the budget would pass.",
    "It rained on Monday.",
    "The plan is a disgrace.",
    "It rained on Monday.",
    "The city has changed a lot.",
    "“We will win,” he said.",
    "“We will win.”",
    "The council approved the plan in 2024 after a long debate.",
    "The council approved the plan in 2024 after a long debate.",
]


def test_repeated_sentences_are_classified_once_with_the_same_result() -> None:
    one_by_one: list = []
    for sentence in SENTENCES:
        one_by_one.append(classify.classify(sentence, one_by_one[-1] if one_by_one else None))
    together = classify_all(SENTENCES)
    assert together == one_by_one
    assert len({id(s) for s in together}) == len(together)  # later stages tell them apart by identity


def test_opinion_voice_from_the_plain_labels_equals_a_second_pass() -> None:
    plain = classify_all(SENTENCES)
    assert in_opinion_voice(plain) == classify_all(SENTENCES, opinion_voice=True)
    assert in_opinion_voice(plain) != plain  # the voice changed something, so the test means something


def test_cues_tested_from_many_threads_at_once_keep_their_answers():
    """Thread workers classify at once: the cue prefilter's cache of folded sentences is shared."""
    cue = Cue(r"\bofficials said\b", re.IGNORECASE)
    failures: list[BaseException] = []

    def test_many(worker: int) -> None:
        try:
            for n in range(5000):
                text = f"Officials said on day {n} in district {worker}."
                assert cue.search(text) and not cue.search(f"Nobody spoke on day {n}.")
        except BaseException as exc:  # reported by the test, not lost on the thread
            failures.append(exc)

    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # switch threads as often as possible: races show at once
    try:
        threads = [threading.Thread(target=test_many, args=(worker,)) for worker in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        sys.setswitchinterval(interval)
    assert failures == []
