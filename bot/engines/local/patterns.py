"""Regexes compiled on first use that skip, at C speed, every text lacking a string each match needs.

Python's `re` tries a long alternation at every position of a sentence; most of the offline engine's
cues match only a few sentences, and each of those matches contains one of a few literal words. A
`Cue` finds those words in the pattern itself (its "needles") and runs the regex only on a text that
holds one of them, so its answers are exactly the regex's own.
"""

from __future__ import annotations

import functools
import re
import sys
from collections.abc import Callable, Iterator
from re import _casefix, _constants, _parser  # type: ignore[attr-defined]

# Characters that `re.IGNORECASE` treats as one letter beyond plain lower-casing ("ſ" is "s", "ı" is
# "i"): each maps to one representative so that a needle is found whichever of them a text uses.
_SAME_LETTER = {
    code: min((key, *others)) for key, others in _casefix._EXTRA_CASES.items() for code in (key, *others)
}
_HAS_SAME_LETTER = re.compile("[" + "".join(re.escape(chr(c)) for c in _SAME_LETTER if c > 127) + "]")
# A needle shorter than this is found in many sentences: a longer alternative is preferred.
_SHORT = 3
_NEVER = 1 << 30


def _useless(needle: str) -> bool:
    """A single letter or digit is in nearly every sentence; a quote mark or "!" is not."""
    return len(needle) == 1 and needle.isalnum()


def _folded(text: str) -> str:
    """`text` lower-cased one character for one, with `re.IGNORECASE`'s extra equivalences applied."""
    low = text.lower()
    if len(low) != len(text):  # "İ" lowers to two characters; `re` compares its first
        low = "".join(c.lower()[:1] for c in text)
    return low.translate(_SAME_LETTER) if not low.isascii() and _HAS_SAME_LETTER.search(low) else low


_Needles = frozenset[str]


def _weight(needles: _Needles) -> int:
    """How little a set of needles narrows the texts to scan (lower is better)."""
    return len(needles) + sum(_NEVER if _useless(n) else _NEVER // 4 for n in needles if len(n) < _SHORT)


def _required(items: _parser.SubPattern | list) -> _Needles | None:
    """Strings of which every match of this sequence contains at least one (None: no such set known)."""
    choices: list[_Needles] = []
    run: list[str] = []

    def flush() -> None:
        if run:
            choices.append(frozenset({_folded("".join(run))}))
            run.clear()

    for op, arg in items:
        if op is _constants.LITERAL and not chr(arg).isspace():
            run.append(chr(arg))
            continue
        flush()
        found: _Needles | None = None
        if op is _constants.SUBPATTERN:
            found = _required(arg[-1])
        elif op is _constants.ATOMIC_GROUP:
            found = _required(arg)
        elif op in (_constants.MAX_REPEAT, _constants.MIN_REPEAT, _constants.POSSESSIVE_REPEAT):
            found = _required(arg[2]) if arg[0] >= 1 else None
        elif op is _constants.BRANCH:
            branches = [_required(branch) for branch in arg[1]]
            if all(b is not None for b in branches):
                found = frozenset().union(*branches)  # type: ignore[arg-type]
        if found:
            choices.append(found)
    flush()
    return min(choices, key=_weight) if choices else None


def needles_of(source: str, flags: int = 0) -> tuple[str, ...]:
    """The strings (folded) of which every match of the pattern contains one; () when unknown."""
    needles = _required(_parser.parse(source, flags))
    if needles is None or any(map(_useless, needles)):
        return ()
    return tuple(sorted(needles, key=len))


class Cue:
    """A regex with the `re.Pattern` methods the engine uses, compiled on first use and prefiltered."""

    __slots__ = ("pattern", "flags", "_regex", "_needles")

    def __init__(self, pattern: str, flags: int = 0) -> None:
        self.pattern = pattern
        self.flags = flags
        self._regex: re.Pattern[str] | None = None
        self._needles: tuple[str, ...] | None = None

    @property
    def regex(self) -> re.Pattern[str]:
        """The compiled regex."""
        if self._regex is None:
            self._regex = re.compile(self.pattern, self.flags)
        return self._regex

    def may_match(self, text: str) -> bool:
        """False only when no match is possible: the text holds none of the needles."""
        if self._needles is None:
            self._needles = needles_of(self.pattern, self.flags)
        if not self._needles:
            return True
        return any(map(_fold_cached(text).__contains__, self._needles))  # all in C: no frame per needle

    def search(self, text: str, pos: int = 0, endpos: int = sys.maxsize) -> re.Match[str] | None:
        return self.regex.search(text, pos, endpos) if self.may_match(text) else None

    def match(self, text: str, pos: int = 0, endpos: int = sys.maxsize) -> re.Match[str] | None:
        return self.regex.match(text, pos, endpos) if self.may_match(text) else None

    def finditer(self, text: str, pos: int = 0, endpos: int = sys.maxsize) -> Iterator[re.Match[str]]:
        return self.regex.finditer(text, pos, endpos) if self.may_match(text) else iter(())

    def findall(self, text: str, pos: int = 0, endpos: int = sys.maxsize) -> list:
        return self.regex.findall(text, pos, endpos) if self.may_match(text) else []

    def sub(self, repl: str | Callable[[re.Match[str]], str], text: str, count: int = 0) -> str:
        return self.regex.sub(repl, text, count) if self.may_match(text) else text

    def split(self, text: str, maxsplit: int = 0) -> list[str]:
        return self.regex.split(text, maxsplit) if self.may_match(text) else [text]


# The last texts folded: one sentence is tested against every cue in turn. `lru_cache` stays whole when
# worker threads classify at once (a hand-made dict evicted one entry twice, a KeyError).
_fold_cached = functools.lru_cache(maxsize=8)(_folded)
