"""Citation guard: remove every citation that is not in the knowledge base.

Whatever an engine writes, only authorities listed in `bot/knowledge/*.yaml` (each one
checked against the verified registry) may reach a reader. A real case cited at a wrong
page is an unknown citation too.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from functools import cache, lru_cache

from bot.legal.citations import Citation, find_citations
from bot.legal.index import read_index, write_index
from bot.models import Analysis, Flag, LegalNote, Statement

log = logging.getLogger(__name__)

# How far past a case's first page a short form ("521 U.S. at 935") may point.
_PIN_REACH = 250
_SIGNAL_BEFORE = re.compile(
    r"(?:^|(?<=[(;]))\s*(?:see also|see, e\.g\.,|see|cf\.|accord|e\.g\.,)\s*$", re.IGNORECASE
)


def _keys(authorities: Iterable[str]) -> set[tuple[str, ...]]:
    """What each authority cites, as keys (an Act cited whole, "Public Order Act 2023", included)."""
    return {cite.key for authority in authorities for cite in find_citations(authority, named_acts=True)}


class KnownCitations:
    """The citation keys of a set of authorities, and the rule for when a found citation is one of them."""

    def __init__(self, authorities: Iterable[str] = (), keys: Iterable[tuple[str, ...]] = ()) -> None:
        self.keys: set[tuple[str, ...]] = set(keys) | _keys(authorities)
        self.first_pages: dict[tuple[str, str], list[int]] = {}
        for key in self.keys:
            if key[0] == "case" and key[3].isdigit():
                self.first_pages.setdefault((key[1], key[2]), []).append(int(key[3]))

    @classmethod
    def cached(cls, authorities: list[str]) -> KnownCitations:
        """The index of these authorities, from the on-disk cache when it holds this exact version."""
        keys = read_index(authorities)
        if keys is None:
            keys = sorted(_keys(authorities))
            write_index(authorities, keys)
        return cls(keys=keys)

    def knows(self, cite: Citation) -> bool:
        """True when the citation refers to an authority of the knowledge base."""
        if cite.kind == "id" or cite.key in self.keys:
            return True
        if cite.kind == "short":
            pin = cite.key[3]
            pages = self.first_pages.get((cite.key[1], cite.key[2]), [])
            return pin.isdigit() and any(first <= int(pin) <= first + _PIN_REACH for first in pages)
        if cite.kind == "uk_act" and len(cite.key) == 2:  # an Act named without a section
            return any(known[:2] == cite.key for known in self.keys if known[0] == "ukact")
        if cite.kind in ("constitution", "statute"):
            # A less precise reference to a known provision is fine: "amend. XIV" for "amend. XIV, § 1",
            # "45 C.F.R. Part 160" for "45 C.F.R. § 160.103".
            return any(_covers(cite.key, known) for known in self.keys if known[0] == cite.key[0])
        return False


def _covers(general: tuple[str, ...], specific: tuple[str, ...]) -> bool:
    if len(general) > len(specific) or specific[: len(general) - 1] != general[:-1]:
        return False
    last, other = general[-1], specific[len(general) - 1]
    return other == last or other.startswith(last + ".")


def _join(left: str, right: str) -> str:
    """Glue the text around a removed citation back together without dangling punctuation."""
    left, right = left.rstrip(), right.lstrip()
    while True:
        if left.endswith("(") and right.startswith(")"):
            left, right = left[:-1].rstrip(), right[1:].lstrip()
        elif left.endswith("(") and right[:1] in (",", ";"):
            right = right[1:].lstrip()
        elif left[-1:] in (",", ";") and right[:1] in (")", ",", ";", ".", ":", ""):
            left = left[:-1].rstrip()
        elif not left and right[:1] in (",", ";", ")"):
            right = right[1:].lstrip()
        else:
            break
    if not left or not right or left.endswith("(") or right[:1] in (",", ";", ".", ":", ")", "!", "?"):
        return left + right
    return f"{left} {right}"


class CitationGuard:
    """Removes the citations a `KnownCitations` index does not know."""

    def __init__(self, known: KnownCitations, vetted: Iterable[str] = ()) -> None:
        self.known = known
        self.vetted = frozenset(vetted)
        self.clean = lru_cache(maxsize=4096)(self._clean)

    def _clean(self, text: str, marker: str = "", named_acts: bool = False) -> tuple[str, tuple[str, ...]]:
        if text in self.vetted:
            return text, ()
        unknown = [c for c in find_citations(text, named_acts) if not self.known.knows(c)]
        if not unknown:
            return text, ()
        if marker:
            kept = [text[: unknown[0].start]]
            for cite, after in zip(unknown, [*unknown[1:], None], strict=True):
                kept += [marker, text[cite.end : after.start if after else len(text)]]
            return "".join(kept), tuple(c.text for c in unknown)
        out, cursor = None, 0
        for cite in unknown:
            between = text[cursor : cite.start]
            signal = _SIGNAL_BEFORE.search(between)
            if signal:
                between = between[: signal.start()]
            out = between if out is None else _join(out, between)
            cursor = cite.end
        return _join(out or "", text[cursor:]), tuple(c.text for c in unknown)


@cache
def default_guard() -> CitationGuard:
    """The guard over the bundled knowledge base."""
    from bot.legal.knowledge import load_topics

    citations = [a.citation for t in load_topics() for a in t.authorities]
    # An authority's own citation is known by construction: no need to scan it again (eyecite is the
    # slowest part of the guard) for every article.
    return CitationGuard(KnownCitations.cached(citations), vetted=citations)


def warm_up() -> None:
    """Build the guard and import eyecite now, so that a running bot's first article does not wait.

    Only long-running workers call this: with the index cached, a one-shot command never needs eyecite
    unless its article holds something that looks like a case citation.
    """
    from bot.legal.citations import warm_up as warm_up_eyecite

    default_guard()
    warm_up_eyecite()


def guard_text(text: str, marker: str = "", named_acts: bool = False) -> tuple[str, list[str]]:
    """The text without unknown citations (or with `marker` in their place), and the citations removed.

    `named_acts`: also treat a UK Act named without a section as a citation (for legal notes).
    """
    if not text:
        return text, []
    cleaned, removed = default_guard().clean(text, marker, named_acts)
    for citation in removed:
        log.warning("citation guard removed %r: not in the knowledge base", citation[:200])
    return cleaned, list(removed)


def _guard_note(note: LegalNote, removed: list[str]) -> LegalNote:
    def keep(text: str) -> str:
        cleaned, gone = guard_text(text, named_acts=True)
        removed.extend(gone)
        return cleaned

    authorities = [cleaned for a in note.authorities if (cleaned := keep(a))]
    relevance, gone = guard_text(note.relevance, named_acts=True)
    removed.extend(gone)
    return note.model_copy(
        update={
            "title": keep(note.title),
            "explanation": keep(note.explanation),
            # One sentence tying the law to the story: with a citation cut out it would mislead.
            "relevance": "" if gone else relevance,
            "authorities": authorities,
            "cautions": [cleaned for c in note.cautions if (cleaned := keep(c))],
        }
    )


# An article's own sentence is quoted, so a citation cut from it leaves a visible mark.
UNVERIFIED_MARK = "[unverified citation]"
UNVERIFIED_IN_QUOTE = "a citation Footnote could not verify was left out of this quote"


def _guard_statement(statement: Statement, removed: list[str]) -> Statement:
    """Scan the quote too: an article can cite a case that does not exist, and the bot must not repeat it."""
    text, gone_from_quote = guard_text(statement.text, UNVERIFIED_MARK)
    removed.extend(gone_from_quote)
    why, gone = guard_text(statement.why)
    removed.extend(gone)
    if gone_from_quote:
        why = f"{why}; {UNVERIFIED_IN_QUOTE}" if why else UNVERIFIED_IN_QUOTE
    source = statement.source
    if source:
        source, gone = guard_text(source)
        removed.extend(gone)
    return statement.model_copy(update={"text": text, "why": why, "source": source or None})


def _guard_flag(flag: Flag, removed: list[str]) -> Flag:
    detail, gone = guard_text(flag.detail)
    removed.extend(gone)
    return flag.model_copy(update={"detail": detail})


def guard_analysis(analysis: Analysis) -> Analysis:
    """Remove unknown citations from every text an engine wrote; count them in `usage`."""
    removed: list[str] = []
    summary, gone = guard_text(analysis.summary)
    removed.extend(gone)
    statements = [_guard_statement(s, removed) for s in analysis.statements]
    legal = [_guard_note(n, removed) for n in analysis.legal]
    flags = [_guard_flag(f, removed) for f in analysis.flags]
    usage = analysis.usage.model_copy(
        update={"citations_removed": analysis.usage.citations_removed + len(removed)}
    )
    return analysis.model_copy(
        update={"summary": summary, "statements": statements, "legal": legal, "flags": flags, "usage": usage}
    )
