"""What a reply says, once, for every place it is shown (terminal, Markdown, Discord, Slack).

`build_plan` chooses the compact reply: a verdict line, *In short*, at most two quotes per kind
chosen for importance, at most two legal topics with one citation each, one "Read with care" line,
the coverage line (how much of the article was read) and a footer —
all within `WORD_BUDGET` words, with no article sentence shown twice. `ReplyPlan.blocks`
lays it out as neutral blocks of styled spans; `ReplyPlan.all_blocks` is "Show all" / `--all`: every
statement whole, every legal topic with all its sources, every flag in full. Renderers only mark up
and escape these blocks, so the four places cannot drift apart.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from typing import Literal

from bot.models import Analysis, Flag, FlagKind, Kind, LegalNote, Statement
from bot.render.coverage import coverage_line
from bot.render.quotes import Shown, count_words, describe_source, quote, words_of

log = logging.getLogger(__name__)

NOT_LEGAL_ADVICE = "not legal advice"
# Said under a compact reply that leaves something out (chat shows a "Show all" button instead).
MORE_HINT = "--all shows every statement whole, and every source."
WORD_BUDGET = 225  # the compact reply's words in the terminal; chat swaps the hint line for buttons
PER_KIND = 2
LEGAL_TOPICS = 2
WHOLE_WORDS = 24  # a sentence up to this long is quoted whole
SHORT_WORDS = 20  # a longer one by the clauses around its cue, about this long
FIRST_WORDS = 16  # the first quote of each kind is kept this short, so every kind gets one
MIN_WORDS = 7  # a cut shorter than this is not worth showing
CANDIDATES = 4  # the most important sentences of a kind tried for each place
TITLE_WORDS = 24
RULE_WORDS = 30

Style = Literal["", "bold", "italic"]


@dataclass(frozen=True)
class Span:
    """A run of text in one style; the text is plain (renderers escape it)."""

    text: str
    style: Style = ""


@dataclass(frozen=True)
class Line:
    """One line of a block: spans, optionally a bullet, optionally indented under the bullet above."""

    spans: tuple[Span, ...]
    bullet: bool = False
    indent: bool = False

    @property
    def text(self) -> str:
        """The line's plain text."""
        return "".join(s.text for s in self.spans)


Role = Literal["verdict", "summary", "section", "legal", "care", "note", "more"]


@dataclass(frozen=True)
class Block:
    """A heading (optional) and its lines; `role` tells a chat renderer which part of a reply it is."""

    role: Role
    heading: str | None
    lines: tuple[Line, ...] = ()

    def words(self) -> int:
        """Words in the heading and lines."""
        return count_words(self.heading or "") + sum(count_words(line.text) for line in self.lines)


@dataclass(frozen=True)
class KindSpec:
    """How one kind of statement is headed."""

    kind: Kind
    icon: str
    label: str


KINDS = (
    KindSpec(Kind.FACT, "✅", "Reported"),
    KindSpec(Kind.CLAIM, "🗣️", "Claimed"),
    KindSpec(Kind.SPECULATION, "🔮", "Speculation"),
    KindSpec(Kind.OPINION, "💬", "Opinion"),
)
SPEC = {spec.kind: spec for spec in KINDS}

# A short plain phrase per flag, for the one merged "Read with care" line (details are in Show all).
CARE = {
    FlagKind.ANONYMOUS_SOURCING: "some sources are unnamed",
    FlagKind.HEADLINE_OVERSTATES: "the headline says more than the article shows",
    FlagKind.NO_PRIMARY_SOURCE: "a document is known only second-hand",
    FlagKind.OPINION_PIECE: "this is an opinion piece, not news",
    FlagKind.PARTIAL_TEXT: "only part of the article could be read",
    FlagKind.UNVERIFIED_VIRAL: "nothing in the article confirms the story",
}
FLAG_NAMES = {
    FlagKind.ANONYMOUS_SOURCING: "Unnamed sources",
    FlagKind.HEADLINE_OVERSTATES: "Headline",
    FlagKind.NO_PRIMARY_SOURCE: "Second-hand document",
    FlagKind.OPINION_PIECE: "Opinion piece",
    FlagKind.PARTIAL_TEXT: "Partly read",
    FlagKind.UNVERIFIED_VIRAL: "Unconfirmed",
}
_QUOTED = re.compile(r"[“\"]([^”\"]+)[”\"]")


@dataclass(frozen=True)
class Item:
    """One statement as the compact reply quotes it."""

    statement: Statement
    quote: str  # the sentence whole, or its cue clauses cut at a clause boundary with "…"
    source: str | None  # who says so, as a description; None when the quote already names them

    def line(self) -> Line:
        """`quote — source` as a bullet."""
        spans = [Span(self.quote)]
        if self.source:
            spans.append(Span(f" — {self.source}", "italic"))
        return Line(tuple(spans), bullet=True)


@dataclass(frozen=True)
class LegalPoint:
    """One legal topic as the compact reply shows it: rule, one citation, a pointer to the story."""

    note: LegalNote
    rule: str
    citation: str | None
    pointer: str
    caution: str | None = None  # a plain-words note on the authorities (vacated, overruled…)

    def lines(self) -> tuple[Line, ...]:
        """Title — rule (citation), then the pointer indented under it."""
        spans = [Span(self.note.title, "bold"), Span(f" — {self.rule}")]
        if self.citation:
            spans.append(Span(f" ({self.citation})", "italic"))
        lines = [Line(tuple(spans), bullet=True)]
        if self.caution:
            lines.append(Line((Span(f"Note: {self.caution}"),), indent=True))
        if self.pointer:
            lines.append(Line((Span(f"↳ {self.pointer}"),), indent=True))
        return tuple(lines)


@dataclass(frozen=True)
class ReplyPlan:
    """Everything the compact reply shows, in reading order, plus what "Show all" adds."""

    analysis: Analysis
    title: str
    meta_line: str
    url: str
    verdict: str | None
    in_short: str
    items: dict[Kind, list[Item]]
    legal: list[LegalPoint]
    care: str | None
    notes: list[str]
    footer: str
    coverage: str = ""  # how much of the article was read (`bot.render.coverage`), shown before the notes
    in_summary: frozenset[Kind] = frozenset()  # kinds whose sentences the summary already quotes
    more: bool = False  # "Show all" has statements, topics, citations or details the compact reply leaves out

    @property
    def legal_heading(self) -> str | None:
        """`⚖️ Legal context (US federal)`: the jurisdictions named once."""
        notes = [p.note for p in self.legal] or self.analysis.legal
        return _legal_heading(notes)

    def section_heading(self, kind: Kind) -> str:
        """`🗣️ Claimed (2)`: the icon, label and how many statements of that kind there are."""
        spec = SPEC[kind]
        return f"{spec.icon} {spec.label} ({len(self.analysis.of_kind(kind))})"

    def head_blocks(self) -> list[Block]:
        """The verdict and *In short*: what comes first under the title."""
        blocks = []
        if self.verdict:
            blocks.append(Block("verdict", None, (Line((Span(f"❗ {self.verdict}", "bold"),)),)))
        if self.in_short:
            blocks.append(Block("summary", None, (Line((Span("In short: ", "bold"), Span(self.in_short))),)))
        return blocks

    def blocks(self, hint: str | None = None) -> list[Block]:
        """The compact reply below the title and meta line; `hint` says how to see the rest."""
        blocks = self.head_blocks()
        unshown = []
        for spec in KINDS:
            count = len(self.analysis.of_kind(spec.kind))
            items = self.items.get(spec.kind, [])
            heading = self.section_heading(spec.kind)
            if items:
                blocks.append(Block("section", heading, tuple(i.line() for i in items)))
            elif count and spec.kind in self.in_summary:
                blocks.append(Block("section", heading + " · in the summary"))
            elif count:
                unshown.append(f"{count} {spec.label.lower()}")
        if unshown:
            text = f"Also in the article: {', '.join(unshown)}."
            blocks.append(Block("section", None, (Line((Span(text, "italic"),)),)))
        if self.legal:
            lines = tuple(line for point in self.legal for line in point.lines())
            blocks.append(Block("legal", self.legal_heading, lines))
        elif self.analysis.legal_unavailable and self.analysis.legal_unavailable.strip():
            text = " ".join(self.analysis.legal_unavailable.split())
            blocks.append(Block("legal", "⚖️ Legal context", (Line((Span(text),)),)))
        if self.care:
            blocks.append(Block("care", None, (Line((Span("⚠️ Read with care: ", "bold"), Span(self.care))),)))
        notes = [self.coverage, *self.notes] if self.coverage else self.notes
        blocks += [Block("note", None, (Line((Span(f"ℹ️ {n}", "italic"),)),)) for n in notes]
        if hint and self.more:
            blocks.append(Block("more", None, (Line((Span(hint, "italic"),)),)))
        return blocks

    def all_blocks(self) -> list[Block]:
        """ "Show all": every statement whole with its source, every legal topic in full, every flag."""
        blocks = []
        for spec in KINDS:
            found = self.analysis.of_kind(spec.kind)
            if found:
                lines = tuple(Item(s, s.text, _source_for(s, s.text)).line() for s in found)
                blocks.append(Block("section", self.section_heading(spec.kind), lines))
        if self.analysis.legal:
            lines = []
            for note in self.analysis.legal:
                # Not bulleted: in "Show all" a bullet is a statement of the article.
                lines.append(
                    Line((Span(note.title, "bold"), Span(f" ({note.jurisdiction}) — {note.explanation}")))
                )
                pointer = relevance_pointer(note, self.analysis)
                if pointer:
                    lines.append(Line((Span(f"↳ {pointer}"),), indent=True))
                lines += [Line((Span("Source: "), Span(a, "italic")), indent=True) for a in note.authorities]
                lines += [Line((Span(f"Note: {c}"),), indent=True) for c in note.cautions]
            blocks.append(Block("legal", _legal_heading(self.analysis.legal), tuple(lines)))
        flags = [f for f in self.analysis.flags if f.detail.strip() or f.kind in CARE]
        if flags:
            lines = tuple(Line((Span(f"{FLAG_NAMES[f.kind]}: ", "bold"), Span(_flag_text(f)))) for f in flags)
            blocks.append(Block("care", "⚠️ Read with care", lines))
        return blocks

    def words(self) -> int:
        """Words of the compact reply as every renderer shows them (title to footer)."""
        return (
            count_words(self.title)
            + count_words(self.meta_line)
            + sum(b.words() for b in self.blocks(hint=MORE_HINT))
            + count_words(self.footer)
        )


def relevance_pointer(note: LegalNote, analysis: Analysis) -> str:
    """Why the topic matters here, in the note's own words, pointing to the story instead of re-quoting.

    A relevance line that quotes the article keeps its lead-in ("Relevant if it happens …") and names
    the section where that sentence is; one in the engine's own words is kept as it is.
    """
    text = " ".join(note.relevance.split())
    found = _QUOTED.search(text)
    if not found:
        return text
    # The lead-in without its asides: "Relevant if it happens (the story says…)" → "Relevant if it happens".
    lead = re.sub(r"\s*\([^)]*\)", "", text[: found.start()]).strip().rstrip(":").strip()
    quoted = words_of(found.group(1))
    kind = None
    for statement in analysis.statements:
        words = words_of(statement.text)
        if quoted and (words[: len(quoted)] == quoted or _contains(words, quoted[:SHINGLE_MATCH])):
            kind = statement.kind
            break
    where = f" — see {SPEC[kind].label}" if kind else ""
    return f"{lead or 'Relevant to the story'}{where}."


SHINGLE_MATCH = 6


def _contains(words: list[str], run: list[str]) -> bool:
    n = len(run)
    return bool(run) and any(words[i : i + n] == run for i in range(len(words) - n + 1))


def _flag_text(flag: Flag) -> str:
    detail = " ".join(flag.detail.split())
    return detail or CARE[flag.kind].capitalize() + "."


def _legal_heading(notes: list[LegalNote]) -> str | None:
    if not notes:
        return None
    places: list[str] = []
    for note in notes:
        if note.jurisdiction not in places:
            places.append(note.jurisdiction)
    return f"⚖️ Legal context ({', '.join(places)})"


def _cut_words(text: str, limit: int) -> str:
    """Plain text of our own (titles, names) cut to `limit` words with "…"."""
    words = text.split()
    return text if len(words) <= limit else " ".join(words[:limit]) + "…"


def _meta_line(analysis: Analysis) -> str:
    a = analysis.article
    parts = [a.site or "unknown site", a.published or "no date", a.byline or "no byline"]
    return " · ".join(_cut_words(" ".join(p.split()), 8) for p in parts)


def _engine_label(engine: str) -> str:
    if engine.startswith("local"):
        return "offline analysis" if "fallback" not in engine else "offline analysis (AI unavailable)"
    model = engine.split(":", 1)[-1].split("/", 1)[0]
    return f"AI analysis ({_cut_words(model, 3)})"


def _verdict(analysis: Analysis, flags: dict[FlagKind, Flag]) -> tuple[str | None, FlagKind | None]:
    """The one thing to know first, in plain words, and the flag it comes from."""
    overstates = flags.get(FlagKind.HEADLINE_OVERSTATES)
    if overstates is not None:
        found = _QUOTED.search(overstates.detail)
        shown = words_of(analysis.article.title)
        quoted = words_of(found.group(1)) if found else ()
        # The flag may be about the headline link previews show (og:title), not the title above.
        preview = bool(quoted) and quoted[: min(len(quoted), 6)] != shown[: min(len(quoted), 6)]
        where = "The link-preview headline" if preview else "The headline"
        return f"{where} says more than the article shows.", FlagKind.HEADLINE_OVERSTATES
    for kind, text in (
        (FlagKind.UNVERIFIED_VIRAL, "Nothing in the article confirms the story."),
        (FlagKind.OPINION_PIECE, "This is an opinion piece: the writer's view, not news."),
    ):
        if kind in flags:
            return text, kind
    return None, None


def _care(flags: dict[FlagKind, Flag], used: FlagKind | None) -> str | None:
    # A partly read page is told by the coverage line, with how much was read.
    phrases = [CARE[kind] for kind in flags if kind not in (used, FlagKind.PARTIAL_TEXT)]
    if not phrases:
        return None
    return "; ".join(phrases) + "."


def _notes(analysis: Analysis) -> list[str]:
    notes = []
    if analysis.usage.unreadable_language:
        language = analysis.usage.unreadable_language
        named = "" if language == "unknown" else f" ({_cut_words(language, 1)})"
        notes.append(
            f"This article is not in English{named}. Offline, I sort only English articles into facts, "
            "claims and opinions, so above is just its opening; with an OpenAI key I read other languages."
        )
    if analysis.usage.condensed:
        notes.append(
            "A long article: I read its opening, its ending and the sentences with most names and quotes."
        )
    return notes


def _importance(statements: list[Statement], title: str) -> list[Statement]:
    """Most important first: sharing words with the headline, a named source, then article order."""
    title_words = {w for w in words_of(title) if len(w) > 3}

    def key(s: Statement) -> tuple[int, int, int]:
        overlap = len(title_words & {w for w in words_of(s.text) if len(w) > 3})
        named = describe_source(s.source)
        has_name = bool(named and named != "unnamed sources" and any(c.isupper() for c in named))
        return (-overlap, -int(has_name), statements.index(s))

    return sorted(statements, key=key)


def _item(statement: Statement, max_words: int) -> Item:
    text = quote(statement, max_words)
    return Item(statement, text, _source_for(statement, text))


def _source_for(statement: Statement, shown: str) -> str | None:
    """The source description, unless the quote already names it."""
    if statement.kind not in (Kind.CLAIM, Kind.SPECULATION):
        return None
    described = describe_source(statement.source)
    if not described:
        return None
    if described.lower() in shown.lower() or (statement.source or "").lower() in shown.lower():
        return None
    return _cut_words(described, 10)


def _rule(note: LegalNote) -> str:
    from bot.engines.local.segment import split_sentences

    sentences = split_sentences(" ".join(note.explanation.split()))
    first = sentences[0] if sentences else note.explanation
    return (
        quote(Statement(text=first, kind=Kind.FACT), RULE_WORDS) if count_words(first) > RULE_WORDS else first
    )


def _legal_point(note: LegalNote, analysis: Analysis) -> LegalPoint:
    citation = note.authorities[0] if note.authorities else None
    # A caution goes with the one citation shown only when it names it ("In re Neagle was …").
    name = (citation or "").split(",")[0].strip()
    caution = next((" ".join(c.split()) for c in note.cautions if name and name in c), None)
    return LegalPoint(note, _rule(note), citation, relevance_pointer(note, analysis), caution)


def _fit_summary(summary: str, budget: int) -> str:
    """The summary, whole sentences only, within `budget` words (an engine keeps it under 80)."""
    from bot.engines.local.segment import split_sentences

    text = " ".join(summary.split())
    if count_words(text) <= budget:
        return text
    kept = ""
    for sentence in split_sentences(text):
        if count_words(f"{kept} {sentence}") > budget:
            break
        kept = f"{kept} {sentence}".strip()
    return kept or _cut_words(text, budget)


def build_plan(analysis: Analysis, budget: int = WORD_BUDGET) -> ReplyPlan:
    """The compact reply: the most important parts that fit in `budget` words, nothing twice."""
    flags: dict[FlagKind, Flag] = {}
    for flag in analysis.flags:
        flags.setdefault(flag.kind, flag)
    verdict, used = _verdict(analysis, flags)
    title = _cut_words(" ".join((analysis.article.title or "Untitled article").split()), TITLE_WORDS)
    plan = ReplyPlan(
        analysis=analysis,
        title=title,
        meta_line=_meta_line(analysis),
        url=analysis.article.url,
        verdict=verdict,
        in_short="",
        items={},
        legal=[],
        care=_care(flags, used),
        notes=_notes(analysis),
        coverage=coverage_line(analysis),
        footer=f"Footnote · {_engine_label(analysis.engine)} · {NOT_LEGAL_ADVICE}",
    )
    fixed = _replace(plan, more=True).words() + count_words("In short:")
    plan = _replace(plan, in_short=_fit_summary(analysis.summary, max(20, budget - fixed - 10)))
    summary = Shown(plan.in_short)
    in_summary = frozenset(k for k in Kind if any(summary.repeats(s.text) for s in analysis.of_kind(k)))
    plan = _replace(plan, in_summary=in_summary)
    shown = Shown(plan.in_short, plan.title)
    ranked = {
        spec.kind: [s for s in _importance(analysis.of_kind(spec.kind), title) if not shown.repeats(s.text)]
        for spec in KINDS
    }
    items: dict[Kind, list[Item]] = {spec.kind: [] for spec in KINDS}
    legal: list[LegalPoint] = []

    def words_with(new_items: dict[Kind, list[Item]], new_legal: list[LegalPoint]) -> int:
        return _replace(plan, items=new_items, legal=new_legal, more=True).words()

    def cost(statement: Statement, max_words: int) -> int:
        item = _item(statement, max_words)
        return count_words(item.quote) + count_words(item.source or "")

    def try_item(kind: Kind, lengths: tuple[int, ...], briefest_of: int = 1) -> None:
        taken = {id(i.statement) for i in items[kind]}
        order = ranked[kind][:CANDIDATES]
        # Of the `briefest_of` most important, the shortest goes first, leaving room for other kinds.
        order = sorted(order[:briefest_of], key=lambda s: cost(s, lengths[0])) + order[briefest_of:]
        for statement in order:
            if id(statement) in taken or shown.repeats(statement.text):
                continue
            for max_words in lengths:
                candidate = _item(statement, max_words)
                if count_words(candidate.quote) < MIN_WORDS < count_words(statement.text):
                    continue  # a fragment this short says nothing on its own
                trial = {**items, kind: sorted([*items[kind], candidate], key=_order(analysis))}
                if words_with(trial, legal) <= budget:
                    items[kind] = trial[kind]
                    shown.add(candidate.quote)
                    return
            log.debug("%s quote left to Show all: %d words over", kind, words_with(items, legal))

    def try_legal() -> None:
        if len(legal) >= min(LEGAL_TOPICS, len(analysis.legal)):
            return
        candidate = _legal_point(analysis.legal[len(legal)], analysis)
        if words_with(items, [*legal, candidate]) <= budget:
            legal.append(candidate)

    try_legal()  # the legal context is what no other reader of the story offers, so it comes first
    for spec in KINDS:
        try_item(spec.kind, (FIRST_WORDS,), briefest_of=2)
    for spec in KINDS:
        try_item(spec.kind, (WHOLE_WORDS, SHORT_WORDS))
    try_legal()
    whole = all(i.quote == " ".join(i.statement.text.split()) for v in items.values() for i in v)
    more = (
        sum(len(v) for v in items.values()) < len(analysis.statements)
        or not whole
        or len(legal) < len(analysis.legal)
        or any(len(n.authorities) > 1 for n in analysis.legal)
        or any(f.detail.strip() for f in analysis.flags)  # the details behind the merged care line
    )
    return _replace(plan, items=items, legal=legal, more=more)


def _order(analysis: Analysis):  # type: ignore[no-untyped-def]
    position = {id(s): n for n, s in enumerate(analysis.statements)}
    return lambda item: position.get(id(item.statement), 0)


def _replace(plan: ReplyPlan, **changes: object) -> ReplyPlan:
    from dataclasses import replace

    return replace(plan, **changes)  # type: ignore[arg-type]
