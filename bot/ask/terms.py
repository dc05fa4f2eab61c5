"""A question read for retrieval: its content words (stemmed) and what kind of answer it wants."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import Literal

from bot.engines.local.cues import word_set
from bot.legal.matcher import stem_word as stem

Wants = Literal["number", "time", "source", "any"]

_WORD = re.compile(r"[a-z0-9$€£%]+(?:[.,'][a-z0-9]+)*", re.IGNORECASE)
# Words that carry no topic of their own in a question: asking, telling and the chat around it. The
# general English list comes from bm25s; these are the question's own scaffolding.
_QUESTION_FILLER = word_set(
    """
    tell know anything something anyone someone everything thing things please article story piece
    say says said saying claim claims claimed according think thinks believe believes mean means actually
    really exactly also still yet get got go going happen happened would could may might much many
    allegedly reportedly supposedly apparently
    """
)
# Common irregular past forms, so that "fall" finds "fell" and "sold" finds "sell" (the stemmer only
# strips regular endings).
_IRREGULAR = dict(
    pair.split(":")
    for pair in word_set(
        """
    fell:fall fallen:fall rose:rise risen:rise took:take taken:take paid:pay won:win lost:lose sold:sell
    bought:buy brought:bring began:begin begun:begin gave:give given:give went:go gone:go made:make
    met:meet ran:run left:leave held:hold found:find spent:spend sent:send kept:keep grew:grow grown:grow
    knew:know known:know chose:choose chosen:choose spoke:speak spoken:speak wrote:write written:write
    struck:strike fought:fight sought:seek thought:think caught:catch stood:stand led:lead fled:flee
    shot:shoot hid:hide broke:break broken:break stole:steal stolen:steal drove:drive driven:drive
    saw:see seen:see became:become came:come felt:feel dealt:deal meant:mean built:build lent:lend
    told:tell sank:sink sunk:sink swore:swear sworn:swear threw:throw thrown:throw wore:wear worn:wear
    hung:hang bore:bear borne:bear forgave:forgive forgiven:forgive withdrew:withdraw
    """
    )
)
# Money, however it is written: "$62,000", "€620 million", "how much money", "in cash".
_CURRENCY = re.compile(r"^[$€£¥]")
_MONEY_WORDS = word_set("money cash dollar dollars euro euros funds")
MONEY = "money"
# "who says/claims/…": the asker wants the source of a claim.
_SOURCE = re.compile(
    r"\bwho\b.{0,40}\b(says?|said|claims?|claimed|thinks?|argues?|argued|believes?|alleges?|told|"
    r"warns?|called|reports?|reported)\b|\baccording to whom\b|\bwhat is the source\b|\bwho is the source\b",
    re.IGNORECASE,
)
_NUMBER = re.compile(
    r"\bhow (much|many|long|big|large|old|far|often|high|low)\b|\bwhat (percent|percentage|share|"
    r"number|amount|price|cost|score|count|total)\b",
    re.IGNORECASE,
)
_TIME = re.compile(r"\bwhen\b|\bwhat (date|day|time|year|month)\b|\bhow soon\b", re.IGNORECASE)


@cache
def stopwords() -> frozenset[str]:
    """bm25s's English stopwords plus the words every question uses."""
    from bm25s.stopwords import STOPWORDS_EN_PLUS

    return frozenset(STOPWORDS_EN_PLUS) | _QUESTION_FILLER


def tokens(text: str) -> list[str]:
    """Stemmed content words of a text, in order, repeats kept (BM25 counts them)."""
    stop = stopwords()
    found = []
    for word in _WORD.findall(text):
        word = word.lower().replace("’", "'").removesuffix("'s")
        word = _IRREGULAR.get(word, word)  # before the stopwords: "won" is one there, as in "won't"
        if word in stop:
            continue
        if _CURRENCY.match(word) or word in _MONEY_WORDS:
            found.append(MONEY)
        else:
            found.append(stem(word))
    return found


@dataclass(frozen=True)
class Question:
    """What retrieval needs from a question."""

    text: str
    terms: tuple[str, ...]  # distinct stems, in order
    wants: Wants


def read_question(text: str) -> Question:
    """The question's distinct content stems and the kind of answer it asks for."""
    text = " ".join(text.split())
    # "how long", "what date": the kind of answer, not a word the answer must contain
    asked = _TIME.sub(" ", _NUMBER.sub(" ", text))
    terms = tuple(dict.fromkeys(tokens(asked)))
    if _SOURCE.search(text):
        wants: Wants = "source"
    elif _NUMBER.search(text):
        wants = "number"
    elif _TIME.search(text):
        wants = "time"
    else:
        wants = "any"
    return Question(text=text, terms=terms, wants=wants)
