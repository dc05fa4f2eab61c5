"""What a reply says, independent of where it is shown (terminal, Markdown, Discord, Slack).

Every renderer turns the same `Digest` into its own format, so the choice of what to
show first, how many items per section and how sources are credited is made once.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.models import Analysis, FlagKind, Kind, LegalNote, Statement

ITEM_CHARS = 220
LEGAL_LINE_CHARS = 240
NOT_LEGAL_ADVICE = "not legal advice"


@dataclass(frozen=True)
class SectionSpec:
    """How one kind of statement is headed."""

    kind: Kind
    icon: str
    label: str


SECTIONS = (
    SectionSpec(Kind.FACT, "✅", "Reported"),
    SectionSpec(Kind.CLAIM, "🗣️", "Claimed"),
    SectionSpec(Kind.SPECULATION, "🔮", "Speculation"),
    SectionSpec(Kind.OPINION, "💬", "Opinion"),
)


@dataclass(frozen=True)
class Section:
    """One statement section: the items to show first, and how many there are in all."""

    icon: str
    label: str
    total: int
    items: list[str]
    all_items: list[str]
    credit: str | None = None  # who the claims come from, e.g. 'unnamed "legal experts"'

    @property
    def heading(self) -> str:
        """`🗣️ Claimed (2) — unnamed sources`."""
        text = f"{self.icon} {self.label} ({self.total})"
        return f"{text} — {self.credit}" if self.credit else text

    @property
    def hidden(self) -> int:
        """Items not shown in the compact view."""
        return self.total - len(self.items)

    def shown(self, everything: bool) -> list[str]:
        """The compact items, or every one."""
        return self.all_items if everything else self.items


@dataclass(frozen=True)
class LegalItem:
    """One legal note as shown: title, one plain line, why it matters here, citations."""

    title: str
    line: str
    relevance: str
    authorities: list[str]
    jurisdiction: str


@dataclass(frozen=True)
class Digest:
    """Everything a reply shows, in reading order."""

    title: str
    meta_line: str
    url: str
    lead: str | None
    in_short: str
    sections: list[Section]
    legal_heading: str | None
    legal: list[LegalItem]
    legal_unavailable: str | None
    care: str | None
    footer: str
    notes: list[str] = field(default_factory=list)


def shorten(text: str, limit: int) -> str:
    """`text` cut at a word boundary to at most `limit` characters, with "…" when cut."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: max(1, limit - 1)]
    if " " in cut[limit // 2 :]:
        cut = cut[: cut.rindex(" ")]
    return cut.rstrip(" ,;:—-") + "…"


def first_sentence(text: str) -> str:
    """The first sentence of a plain-language explanation."""
    from bot.engines.local.segment import split_sentences

    sentences = split_sentences(text)
    return sentences[0] if sentences else text


def _item(statement: Statement) -> str:
    text = shorten(statement.text, ITEM_CHARS)
    if statement.source and statement.kind in (Kind.CLAIM, Kind.SPECULATION):
        return f"{text} — {shorten(statement.source, 80)}"
    return text


def _credit(statements: list[Statement]) -> str | None:
    sources = []
    for s in statements:
        if s.source and s.source not in sources:
            sources.append(s.source)
    if not sources:
        return None
    shown = ", ".join(f'"{shorten(s, 40)}"' for s in sources[:2])
    return shown + (f" and {len(sources) - 2} more" if len(sources) > 2 else "")


def _ranked(statements: list[Statement], summary: str) -> list[Statement]:
    """Statements the summary leans on first, then article order."""
    lowered = summary.lower()

    def overlap(s: Statement) -> int:
        words = {w for w in s.text.lower().split() if len(w) > 4}
        return -sum(w in lowered for w in words)

    return sorted(statements, key=overlap)


def _sections(analysis: Analysis, per_section: int) -> list[Section]:
    sections = []
    for spec in SECTIONS:
        found = analysis.of_kind(spec.kind)
        if not found:
            continue
        shown = sorted(_ranked(found, analysis.summary)[:per_section], key=found.index)
        credit = _credit(found) if spec.kind in (Kind.CLAIM, Kind.SPECULATION) else None
        sections.append(
            Section(
                icon=spec.icon,
                label=spec.label,
                total=len(found),
                items=[_item(s) for s in shown],
                all_items=[_item(s) for s in found],
                credit=credit,
            )
        )
    return sections


def _legal_item(note: LegalNote) -> LegalItem:
    return LegalItem(
        title=note.title,
        line=shorten(first_sentence(note.explanation), LEGAL_LINE_CHARS),
        relevance=shorten(note.relevance, LEGAL_LINE_CHARS),
        authorities=list(note.authorities),
        jurisdiction=note.jurisdiction,
    )


def _legal_heading(notes: list[LegalNote]) -> str | None:
    if not notes:
        return None
    places = []
    for note in notes:
        if note.jurisdiction not in places:
            places.append(note.jurisdiction)
    return f"⚖️ Legal context ({', '.join(places)})"


def _meta_line(analysis: Analysis) -> str:
    article = analysis.article
    parts = [article.site or "unknown site", article.published or "no date", article.byline or "no byline"]
    return " · ".join(parts)


def _engine_label(engine: str) -> str:
    if engine.startswith("local"):
        return "offline analysis" if "fallback" not in engine else "offline analysis (AI unavailable)"
    model = engine.split(":", 1)[-1].split("/", 1)[0]
    return f"AI analysis ({model})"


def build_digest(analysis: Analysis, per_section: int = 3) -> Digest:
    """The reply's content, with at most `per_section` items in each section."""
    flags = {f.kind: f for f in analysis.flags}
    overstates = flags.get(FlagKind.HEADLINE_OVERSTATES)
    care_flags = [f for f in analysis.flags if f.kind != FlagKind.HEADLINE_OVERSTATES and f.detail]
    care = (
        "⚠️ Read with care: " + "; ".join(f.detail.rstrip(".") for f in care_flags) + "."
        if care_flags
        else None
    )
    notes = []
    if analysis.usage.unreadable_language:
        language = analysis.usage.unreadable_language
        named = "" if language == "unknown" else f" ({language})"
        notes.append(
            f"This article is not in English{named}. Offline, I can only sort English articles into facts, "
            "claims and opinions, so above is just its opening; with an OpenAI key I read other languages."
        )
    if analysis.usage.condensed:
        notes.append(
            "This article was long; I read a condensed version: its opening and ending, and the sentences "
            "in between that carry the most names, numbers and quotes."
        )
    return Digest(
        title=analysis.article.title or "Untitled article",
        meta_line=_meta_line(analysis),
        url=analysis.article.url,
        lead=f"⚠️ {overstates.detail}" if overstates and overstates.detail else None,
        in_short=analysis.summary,
        sections=_sections(analysis, per_section),
        legal_heading=_legal_heading(analysis.legal),
        legal=[_legal_item(n) for n in analysis.legal],
        legal_unavailable=(analysis.legal_unavailable or "").strip() or None,
        care=care,
        footer=f"Footnote · {_engine_label(analysis.engine)} · {NOT_LEGAL_ADVICE}",
        notes=notes,
    )
