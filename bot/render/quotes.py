"""Quoting article sentences whole, or by the clause that carries their cue, and never twice.

A quote is the full sentence, or — when the sentence is long — the clauses around the word that
made it a claim, speculation or opinion, cut only where a clause ends and marked with "…".
"""

from __future__ import annotations

import re
from functools import lru_cache

from bot.models import Statement

ELLIPSIS = "…"
SHINGLE = 8  # words in a run that counts as "the same sentence shown again"

# Where a clause ends: a comma, semicolon or colon (and any closing quote) before a space, or a dash.
_BOUNDARY = re.compile(r"[,;:][\"”’)]*(?=\s)|\s[—–-]{1,2}\s|—|–(?!\d)")
# Words that make a sentence a claim, speculation or opinion when the engine names no cue of its own.
_CUE = re.compile(
    r"\b(could|may|might|will|would|should|must|fears?|feared|warn(?:s|ed)?|expect(?:s|ed)?|"
    r"predict(?:s|ed)?|said|says|say|told|according to|argue[sd]?|claim(?:s|ed)?|alleg(?:es|ed)|"
    r"believe[sd]?|reportedly|so-called)\b",
    re.IGNORECASE,
)
# Cues that introduce what someone said: the clause after them carries the content.
_ATTRIBUTION = re.compile(
    r"\b(said|says|say|told|tells|notes?|noted|according to|argue[sd]?|claim(?:s|ed)?|alleg(?:es|ed)|"
    r"believe[sd]?|reportedly)\b",
    re.IGNORECASE,
)
# A clause that goes on "(that) while/although/if …" only sets up what was said; the main clause follows.
_SUBORDINATE = re.compile(
    r"\s*(that\s+)?(while|although|though|even though|if|when|because|since|as)\b", re.I
)
_WORD = re.compile(r"\w+(?:[’'.-]\w+)*")
_COUNTED = re.compile(r"\S*\w\S*")


@lru_cache(maxsize=4096)  # a plan weighs the same summary and quotes many times while it chooses
def count_words(text: str) -> int:
    """Words as a reader counts them: runs of non-space that hold a letter or digit (not "•" or "—")."""
    return len(_COUNTED.findall(text))


@lru_cache(maxsize=4096)
def words_of(text: str) -> tuple[str, ...]:
    """Lower-cased words, punctuation and quotation marks dropped, for comparing texts."""
    return tuple(w.lower() for w in _WORD.findall(text))


class Shown:
    """The words a reply already shows, to tell whether a sentence would show some of them again."""

    def __init__(self, *texts: str) -> None:
        self._texts = [words_of(t) for t in texts]
        self._runs: dict[int, set[tuple[str, ...]]] = {}  # run length → every run shown, built when asked

    def add(self, text: str) -> None:
        """Count `text` as shown."""
        words = words_of(text)
        self._texts.append(words)
        for size, runs in self._runs.items():
            runs.update(tuple(words[i : i + size]) for i in range(len(words) - size + 1))

    def repeats(self, text: str) -> bool:
        """True when `text` — whole, or any run of `SHINGLE` of its words — is already shown."""
        mine = words_of(text)
        size = min(SHINGLE, len(mine))
        if not size:
            return False
        if size not in self._runs:
            self._runs[size] = {tuple(w[i : i + size]) for w in self._texts for i in range(len(w) - size + 1)}
        shown = self._runs[size]
        return any(tuple(mine[i : i + size]) in shown for i in range(len(mine) - size + 1))


def clause_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each clause; `end` stops before the punctuation that closes it."""
    spans = []
    start = 0
    for match in _BOUNDARY.finditer(text):
        if text[start : match.start()].strip():
            spans.append((start, match.start()))
        start = match.end()
    if text[start:].strip():
        spans.append((start, len(text)))
    return spans


def _cue(statement: Statement) -> tuple[int, int, bool]:
    """Where the word that gives the sentence its kind starts and ends (the engine's cue first, then
    ours), and whether it attributes speech (so what was said may sit in another clause)."""
    text = statement.text
    hint = statement.why.rsplit(":", 1)[-1].strip()
    found = None
    if hint and len(hint) <= 40:
        found = re.search(rf"(?<!\w){re.escape(hint)}(?!\w)", text, re.IGNORECASE)
    found = found or _CUE.search(text)
    if found is None:
        return 0, 0, False
    return found.start(), found.end(), bool(_ATTRIBUTION.fullmatch(found.group(0)))


def _said_clause(text: str, spans: list[tuple[int, int]], at: int, cue: int, cue_end: int) -> int:
    """The clause that holds what was said, for an attribution cue in clause `at`."""
    rest = text[cue_end : spans[at][1]]
    last = len(spans) - 1
    if text[cue:cue_end].lower() == "according to":
        return at + 1 if at == 0 and last > 0 else max(0, at - 1)  # "According to X, …" / "…, according to X"
    if at > 0 and re.search(r"[”\"]", text[spans[at - 1][1] : spans[at][0]]):
        return at - 1  # "“Public office is a trust,” the prosecutor said …": the quotation before
    if _SUBORDINATE.match(rest) and at < last:
        return at + 1  # "Experts note that while …, [what they note]"
    if count_words(rest) >= 4:
        return at  # "MendaPath said the breach affected …"
    return at - 1 if at > 0 else min(at + 1, last)  # "“…,” said X"


def quote(statement: Statement, max_words: int) -> str:
    """The sentence whole when it has at most `max_words` words; otherwise the clauses around its cue.

    The cut falls only where a clause ends. When the cue's own clause is longer than `max_words`,
    that clause is shown whole rather than cut inside it.
    """
    text = " ".join(statement.text.split())
    if count_words(text) <= max_words:
        return text
    spans = clause_spans(text)
    if len(spans) <= 1:
        return text
    cue, cue_end, attributes = _cue(statement.model_copy(update={"text": text}))
    at = next((i for i, (s, e) in enumerate(spans) if cue < e), len(spans) - 1)

    def size(a: int, b: int) -> int:
        return count_words(text[spans[a][0] : spans[b][1]])

    # The longest run of whole clauses around it that fits wins; when none fits, that one clause
    # is shown whole.
    needed = at if not attributes else _said_clause(text, spans, at, cue, cue_end)
    runs = [(a, b) for a in range(needed + 1) for b in range(needed, len(spans)) if size(a, b) <= max_words]
    first, last = max(runs, key=lambda r: (size(*r), -r[0])) if runs else (needed, needed)
    end = spans[last][1]
    # A quotation closed right after the clause's comma ("“golden handcuffs,” …") keeps its mark.
    closing = re.match(r"[,;:]([\"”’)]*)", text[end:])
    shown = (text[spans[first][0] : end] + (closing.group(1) if closing else "")).strip()
    if first > 0:
        shown = ELLIPSIS + shown
    if last < len(spans) - 1:
        shown = shown.rstrip(" ,;:") + ELLIPSIS
    return shown


def describe_source(source: str | None) -> str | None:
    """Who says so, as a description rather than a quotation: 'Legal experts' → 'legal experts'.

    A source the engine marks as not named reads "unnamed sources". The first word is lower-cased
    only when it is an ordinary word starting the phrase (not a name, a possessive or an acronym).
    """
    if not source or not source.strip():
        return None
    text = " ".join(source.split()).strip(" \"“”'‘’")
    lowered = text.lower()
    if "not named" in lowered or "unnamed" in lowered or "anonymous" in lowered:
        return "unnamed sources"
    words = text.split(" ")
    first = words[0]
    ordinary = (
        first[:1].isupper() and (first[1:].islower() or len(first) == 1) and not re.search(r"['’]s?$", first)
    )
    if ordinary and len(words) > 1 and words[1][:1].islower():
        text = first.lower() + text[len(first) :]
    return text
