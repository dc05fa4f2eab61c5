"""A static audit of regular expressions for the shapes that backtrack exponentially or polynomially.

Python's `re` backtracks: a pattern in which one piece of text can be matched in many ways tries
them all before failing, so a long hostile page can hold a worker for minutes. `problems` parses a
pattern (`re._parser`, the parser `re.compile` itself uses) and reports three shapes, each checked
only where the engine may backtrack (possessive repeats and atomic groups never do):

- nested: a repeat of more than one iteration whose body begins or ends with an unbounded repeat able
  to take the body's own first or last character, such as `(a+)+` or `(\\w+\\s?){1,6}`: the text
  can be split between the iterations in exponentially (bounded: polynomially) many ways;
- adjacent: inside such a body, two unbounded repeats in a row (only optional items between them)
  that can take the same character, such as `(?:\\w+\\s*\\w+,)+`: each split is tried in each
  iteration;
- alternation: such a repeat over alternatives of which more than one can start with the same
  character and one is more than a fixed word, such as `(?:\\s|\\s*x)*`.

Character sets are compared on a sample alphabet (Latin, Latin-1, punctuation, a few other scripts),
which is exact for the classes these rules use: digits, word, space, ranges, literals.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from re import _constants as c  # type: ignore[attr-defined]
from re import _parser  # type: ignore[attr-defined]

_SAMPLE = tuple(
    [*range(0, 0x300), *range(0x370, 0x400), *range(0x400, 0x460), *range(0x2000, 0x2070)]
    + [0x3000, 0x3001, 0x4E00, 0xFEFF]
)
_ALL = frozenset(_SAMPLE)
_CLASSES = {
    c.CATEGORY_DIGIT: re.compile(r"\d"),
    c.CATEGORY_SPACE: re.compile(r"\s"),
    c.CATEGORY_WORD: re.compile(r"\w"),
    c.CATEGORY_LINEBREAK: re.compile(r"\n"),
}
_NEGATED = {
    c.CATEGORY_NOT_DIGIT: c.CATEGORY_DIGIT,
    c.CATEGORY_NOT_SPACE: c.CATEGORY_SPACE,
    c.CATEGORY_NOT_WORD: c.CATEGORY_WORD,
    c.CATEGORY_NOT_LINEBREAK: c.CATEGORY_LINEBREAK,
}
_REPEATS = (c.MAX_REPEAT, c.MIN_REPEAT)


def _category(code) -> frozenset[int]:
    if code in _NEGATED:
        return _ALL - _category(_NEGATED[code])
    return frozenset(ch for ch in _SAMPLE if _CLASSES[code].fullmatch(chr(ch)))


def _folded(chars: frozenset[int]) -> frozenset[int]:
    found = set(chars)
    for ch in chars:
        found.update(ord(x) for x in (chr(ch).lower(), chr(ch).upper(), chr(ch).casefold()) if len(x) == 1)
    return frozenset(found & _ALL)


@dataclass(frozen=True)
class _Shape:
    """What a piece of a pattern can match: empty or not, its possible first and last characters, and
    those of them that an unbounded (backtracking) repeat at its start or end can take."""

    nullable: bool
    first: frozenset[int]
    last: frozenset[int]
    first_repeat: frozenset[int]
    last_repeat: frozenset[int]
    unbounded: bool  # holds a backtracking unbounded repeat somewhere
    fixed_word: bool  # only literal characters, so a fixed string


_EMPTY = _Shape(True, frozenset(), frozenset(), frozenset(), frozenset(), False, True)


class _Auditor:
    def __init__(self, flags: int) -> None:
        self.ignore_case = bool(flags & re.IGNORECASE)
        self.dot_all = bool(flags & re.DOTALL)
        self.problems: list[str] = []

    def chars(self, op, av) -> frozenset[int]:
        if op is c.LITERAL:
            found = frozenset({av} & _ALL) or frozenset({av})
        elif op is c.NOT_LITERAL:
            found = _ALL - {av}
        elif op is c.ANY:
            found = _ALL if self.dot_all else _ALL - {10}
        else:  # IN
            negate, found = False, frozenset()
            for kind, value in av:
                if kind is c.NEGATE:
                    negate = True
                elif kind is c.LITERAL:
                    found |= {value}
                elif kind is c.RANGE:
                    found |= frozenset(ch for ch in _SAMPLE if value[0] <= ch <= value[1])
                elif kind is c.CATEGORY:
                    found |= _category(value)
            if negate:
                return _ALL - (_folded(found) if self.ignore_case else found)
        return _folded(found) if self.ignore_case else found

    def sequence(self, items, backtracks: bool = True, repeated: bool = False) -> _Shape:
        """The shape of a sequence; `repeated`: it is the body of a repeat (or a group or alternative
        that is the whole body), where two runs in a row able to take the same text multiply."""
        shapes = [self.item(op, av, backtracks, repeated and len(items) == 1) for op, av in items]
        if backtracks and repeated:
            self._adjacent(shapes)
        return _joined(shapes)

    def item(self, op, av, backtracks: bool, repeated: bool = False) -> _Shape:
        if op in (c.LITERAL, c.NOT_LITERAL, c.ANY, c.IN):
            chars = self.chars(op, av)
            return _Shape(False, chars, chars, frozenset(), frozenset(), False, op is c.LITERAL)
        if op in (c.AT, c.ASSERT, c.ASSERT_NOT):
            if op is not c.AT:
                self.sequence(av[1], backtracks)  # audited, but it matches nothing
            return _EMPTY
        if op is c.SUBPATTERN:
            return self.sequence(av[3], backtracks, repeated)
        if op is c.ATOMIC_GROUP:
            return _settled(self.sequence(av, backtracks=False))
        if op is c.BRANCH:
            alternatives = [self.sequence(alt, backtracks, repeated) for alt in av[1]]
            return _either(alternatives)
        if op is c.POSSESSIVE_REPEAT:
            return _settled(self.repeat(av, backtracks=False))
        if op in _REPEATS:
            return self.repeat(av, backtracks)
        if op is c.GROUPREF_EXISTS:
            return _either([self.sequence(av[1], backtracks), self.sequence(av[2] or [], backtracks)])
        # A back-reference or anything unknown: assume the worst of it.
        return _Shape(True, _ALL, _ALL, _ALL, _ALL, True, False)

    def repeat(self, av, backtracks: bool) -> _Shape:
        low, high, body = av
        repeated = backtracks and high >= 2  # several iterations: the text can be split between them
        inner = self.sequence(body, backtracks, repeated)
        unbounded = high is c.MAXREPEAT and backtracks
        if repeated:
            self._nested(inner)
            self._alternatives(body)
        return _Shape(
            nullable=low == 0 or inner.nullable,
            first=inner.first,
            last=inner.last,
            first_repeat=inner.first_repeat | (inner.first if unbounded else frozenset()),
            last_repeat=inner.last_repeat | (inner.last if unbounded else frozenset()),
            unbounded=inner.unbounded or unbounded,
            fixed_word=inner.fixed_word and low == high,
        )

    def _nested(self, inner: _Shape) -> None:
        if not inner.unbounded:
            return
        if inner.nullable:
            self.problems.append("nested: a repeat of a body that can match nothing")
        elif inner.last_repeat & inner.first or inner.first_repeat & inner.last:
            self.problems.append("nested: the iterations of a repeat can split its text")

    def _alternatives(self, body) -> None:
        for op, av in body:
            if op is c.SUBPATTERN:
                self._alternatives(av[3])
            elif op is c.BRANCH:
                shapes = [self.sequence(alt, backtracks=False) for alt in av[1]]
                for i, one in enumerate(shapes):
                    for other in shapes[i + 1 :]:
                        if one.first & other.first and not (one.fixed_word and other.fixed_word):
                            self.problems.append("alternation: alternatives under a repeat overlap")
                            return

    def _adjacent(self, shapes: list[_Shape]) -> None:
        for i, one in enumerate(shapes):
            if not one.last_repeat:
                continue
            for other in shapes[i + 1 :]:
                if one.last_repeat & other.first_repeat:
                    self.problems.append("adjacent: two runs in a repeated body can take the same text")
                    return
                if not other.nullable:
                    break


def _settled(shape: _Shape) -> _Shape:
    """A part that never backtracks once matched: nothing about it can be split again."""
    return _Shape(shape.nullable, shape.first, shape.last, frozenset(), frozenset(), False, False)


def _joined(shapes: list[_Shape]) -> _Shape:
    first, first_repeat, last, last_repeat = set(), set(), set(), set()
    for shape in shapes:
        first |= shape.first
        first_repeat |= shape.first_repeat
        if not shape.nullable:
            break
    for shape in reversed(shapes):
        last |= shape.last
        last_repeat |= shape.last_repeat
        if not shape.nullable:
            break
    return _Shape(
        nullable=all(s.nullable for s in shapes),
        first=frozenset(first),
        last=frozenset(last),
        first_repeat=frozenset(first_repeat),
        last_repeat=frozenset(last_repeat),
        unbounded=any(s.unbounded for s in shapes),
        fixed_word=all(s.fixed_word for s in shapes),
    )


def _either(shapes: list[_Shape]) -> _Shape:
    union = lambda name: frozenset().union(*(getattr(s, name) for s in shapes))  # noqa: E731
    return _Shape(
        nullable=any(s.nullable for s in shapes),
        first=union("first"),
        last=union("last"),
        first_repeat=union("first_repeat"),
        last_repeat=union("last_repeat"),
        unbounded=any(s.unbounded for s in shapes),
        fixed_word=all(s.fixed_word for s in shapes),
    )


def problems(pattern: str, flags: int = 0) -> list[str]:
    """The backtracking hazards in a pattern (empty when it has none)."""
    parsed = _parser.parse(pattern, flags)
    auditor = _Auditor(flags | parsed.state.flags)
    auditor.sequence(list(parsed))
    return list(dict.fromkeys(auditor.problems))
