"""Sentence segmentation of article body text: verbatim sentences, in order.

A boundary is a `.`, `!`, `?` or ellipsis (plus any closing quotes or brackets) followed by
space and something that can start a sentence. Abbreviations, initials, decimals and
quotations that continue into their attribution do not end a sentence.
"""

from __future__ import annotations

import re

from bot.engines.local.cues import word_set
from bot.engines.local.patterns import Cue

# Titles and fixed abbreviations that are practically never the last word of a sentence.
_NEVER_FINAL = word_set("""
    mr mrs ms dr prof rev hon gov sen rep gen lt col maj capt sgt cmdr adm supt insp det atty
    pres vs v e.g i.e cf jan feb mar apr jun jul aug sep sept oct nov dec mt ft
    fig approx dept no nos pp vol
    """)
# Abbreviations that often end a sentence too ("... in the U.S. The company ..."): they end
# one only when the next word is a typical sentence opener. AP-style state abbreviations are here
# for datelines: in "RENO, Nev. (AP) — The county ..." a wire credit or a dash is no opener.
_SOMETIMES_FINAL = word_set("""
    u.s u.k u.n e.u d.c l.a n.y inc corp co ltd llc plc jr sr st ave blvd rd a.m p.m etc al
    ala ariz ark calif colo conn del fla ga ill ind kan ky la md mass mich minn miss mo mont neb nev
    n.h n.j n.m n.c n.d okla ore pa r.i s.c s.d tenn tex va vt wash wis w.va wyo
    """)
_OPENERS = word_set("""
    the a an he she it they we i you his her its their our this that these those there here
    but and so yet or if when while after before since although though as in on at for by with
    from to of about under over during however meanwhile still also then now today yesterday
    tomorrow some many most several no not none one two three each every all both
    what who why how where which according last next earlier later instead other another such
    """)

# A terminal mark with its trailing closers, then whitespace.
_BOUNDARY = Cue(r"(?:\.{3}|…|[.!?])[\"'”’)\]]*(?=\s)")
_WORD_BEFORE = Cue(r"(?<![A-Za-z.])([A-Za-z][A-Za-z.]*)\.$")
_NEXT_WORD = Cue(r"\s+([\"“‘'(\[]*)([^\s]+)")
_PARAGRAPH = Cue(r"\n[ \t]*\n\s*")
_LINE = Cue(r"\n")
_HAS_LETTER = Cue(r"[^\W\d_]")
_OPEN_QUOTE = "“"
_CLOSE_QUOTE = "”"


class _Quotes:
    """Quotation state along one block, read left to right once (so hostile text stays linear).

    Boundaries are checked in increasing order; the counts up to a position and the next closing
    mark after it are carried forward instead of being recomputed from the start of the text.
    """

    def __init__(self, text: str) -> None:
        self.text = text
        self.upto = 0
        self.opened = self.closed = self.straight = 0
        self.next_close: dict[str, int] = {}

    def awaited(self, upto: int) -> str | None:
        """The closing mark awaited when position `upto` lies inside a double quotation."""
        chunk = self.text[self.upto : upto]
        self.opened += chunk.count(_OPEN_QUOTE)
        self.closed += chunk.count(_CLOSE_QUOTE)
        self.straight += chunk.count('"')
        self.upto = max(self.upto, upto)
        if self.opened > self.closed:
            return _CLOSE_QUOTE
        return '"' if self.straight % 2 == 1 else None

    def find(self, closer: str, start: int) -> int:
        """The first `closer` at or after `start` (-1 if none), remembered for later starts."""
        known = self.next_close.get(closer)
        if known is None or (known != -1 and known < start):
            known = self.text.find(closer, start)
            self.next_close[closer] = known
        return known

    def continues_sentence(self, start: int, closer: str) -> bool:
        """True when the open quotation closes mid-sentence (`," she said`, `" and ...`)."""
        close = self.find(closer, start)
        if close < 0:
            return False  # unbalanced quote: treat the text as ordinary prose
        before = self.text[close - 1] if close else ""
        after = self.text[close + 1 : close + 3]
        return before in ",—–-" or bool(re.match(r"\s[a-z]", after))


def _is_boundary(text: str, mark_start: int, end: int, quotes: _Quotes) -> bool:
    """Decide whether the terminal mark at `mark_start`..`end` closes a sentence."""
    following = _NEXT_WORD.match(text, end)
    if following is None:
        return True
    opener, word = following.group(1), following.group(2)
    first = word[0]
    if first.islower() and not opener:
        return False  # a lower-case continuation: "the U.S. market", "?” she asked"
    if text[mark_start] == "." and not text.startswith("...", mark_start):
        before = _WORD_BEFORE.search(text[max(0, mark_start - 40) : mark_start + 1])
        token = before.group(1).lower() if before else ""
        bare = token.rstrip(".")
        # "No." ends a sentence unless a number follows ("No. 5").
        if token and (bare in _NEVER_FINAL or token in _NEVER_FINAL) and (bare != "no" or first.isdigit()):
            return False
        initials = re.fullmatch(r"(?:[a-z]\.)*[a-z]", bare) and len(bare) <= 7
        # initials ("J.D. Vance", "M.T.") and company suffixes end a sentence only before an opener
        if (bare in _SOMETIMES_FINAL or initials) and word.strip("\"“‘'(").lower().rstrip(
            ",.;:"
        ) not in _OPENERS:
            return False
    closer = quotes.awaited(end)
    return not (closer and quotes.continues_sentence(end, closer))


def _split_block(text: str, offset: int) -> list[tuple[int, int]]:
    """Sentence spans (start, end) within one line of prose, shifted by `offset`."""
    spans: list[tuple[int, int]] = []
    start = 0
    quotes = _Quotes(text)
    for match in _BOUNDARY.finditer(text):
        if _is_boundary(text, match.start(), match.end(), quotes):
            spans.append((start, match.end()))
            start = match.end()
    spans.append((start, len(text)))
    result = []
    for a, b in spans:
        piece = text[a:b]
        lead = len(piece) - len(piece.lstrip())
        trail = len(piece.rstrip())
        if _HAS_LETTER.search(piece):
            result.append((offset + a + lead, offset + a + trail))
    return result


def _blocks(text: str) -> list[tuple[int, int]]:
    """Paragraph and line spans: blank lines separate paragraphs; a line break starts a new
    block unless the next line continues in lower case (a hard-wrapped sentence)."""
    blocks: list[tuple[int, int]] = []
    for para in _spans_between(text, _PARAGRAPH, 0, len(text)):
        start = para[0]
        for _line_start, line_end in _spans_between(text, _LINE, para[0], para[1]):
            nxt = text[line_end + 1 : line_end + 2] if line_end < para[1] else ""
            if nxt and nxt.islower():
                continue
            blocks.append((start, line_end))
            start = line_end + 1
        if start < para[1]:
            blocks.append((start, para[1]))
    return blocks


def _spans_between(text: str, separator: Cue, lo: int, hi: int) -> list[tuple[int, int]]:
    """The spans of `text[lo:hi]` between matches of `separator`."""
    spans = []
    start = lo
    for match in separator.finditer(text, lo, hi):
        spans.append((start, match.start()))
        start = match.end()
    spans.append((start, hi))
    return spans


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) offsets of every sentence of `text`, in order."""
    spans: list[tuple[int, int]] = []
    for lo, hi in _blocks(text):
        block = text[lo:hi]
        if block.strip():
            spans.extend(_split_block(block.replace("\n", " "), lo))
    return spans


def split_sentences(text: str) -> list[str]:
    """Body text (paragraphs separated by blank lines) → verbatim sentences in order."""
    return [text[a:b] for a, b in sentence_spans(text)]


_TERMINAL = Cue(r"[.!?…:。！？][\"'”’)\]」』）]*$")


def is_heading(sentence: str) -> bool:
    """A section heading, kicker or label line rather than a sentence ("What happened")."""
    return not _TERMINAL.search(sentence.strip()) and len(sentence.split()) <= 14
