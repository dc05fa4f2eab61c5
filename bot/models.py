"""The contract between every stage: links → fetch → extract → engine → legal → render.

`Analysis` is exactly what `footnote explain --json` prints; adapters, engines, the
service cache and the evaluation all speak it. Keep field names stable.
"""

from __future__ import annotations

import re
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field, computed_field

# A reply language as moderators set it: `en`, `de`, `pt-br`.
LANGUAGE_CODE = re.compile(r"[a-z]{2,3}(-[a-z]{2,4})?")


class Kind(StrEnum):
    """What a sentence's central proposition is (see the labelling guide)."""

    FACT = "fact"
    CLAIM = "claim"
    SPECULATION = "speculation"
    OPINION = "opinion"


class FlagKind(StrEnum):
    """Source-quality warnings shown under "Read with care"."""

    ANONYMOUS_SOURCING = "anonymous_sourcing"
    HEADLINE_OVERSTATES = "headline_overstates"
    NO_PRIMARY_SOURCE = "no_primary_source"
    OPINION_PIECE = "opinion_piece"
    PARTIAL_TEXT = "partial_text"
    UNVERIFIED_VIRAL = "unverified_viral"


class Coverage(StrEnum):
    """How much of the article the extraction read, from its own evidence."""

    FULL = "full"  # the whole story
    PARTIAL = "partial"  # the opening of a longer story (a teaser, the rest cut off or gated)
    DESCRIPTION = "description"  # the page's own description only: the paywall hid every paragraph


class FetchedPage(BaseModel):
    """A downloaded page, decoded to text, as handed from fetch to extract."""

    url: str
    final_url: str
    content_type: str
    charset: str | None = None
    html: str


class ArticleMeta(BaseModel):
    """The `article` object of the contract: what a reader sees above the answer."""

    url: str = ""
    title: str = ""
    site: str = ""
    byline: str | None = None
    published: str | None = None
    language: str = "en"
    words: int = 0
    # None in analyses cached before extraction recorded it; `bot.render.coverage` words it.
    coverage: Coverage | None = None
    paragraphs: int = 0  # paragraphs read
    paywalled: bool = False  # the page showed a paywall (a subscribe prompt, a gate, a locked part)
    # Words read when a size cap cut a very long body short (extraction keeps 200,000 characters, the
    # offline engine reads 30,000); 0 when nothing was cut for length.
    read_words: int = 0


class Article(ArticleMeta):
    """An extracted page: the metadata plus the body text the engines read.

    `text` holds paragraphs separated by blank lines.
    """

    canonical_url: str | None = None
    headline: str = ""
    social_title: str | None = None  # og:/twitter: title when it differs from the page's headline
    description: str | None = None
    language_declared: bool = False  # the page said its language (otherwise `language` is a guess)
    partial_text: bool = False
    text: str = ""

    def meta(self) -> ArticleMeta:
        """The public metadata only, as printed in the contract."""
        return ArticleMeta(**self.model_dump(include=set(ArticleMeta.model_fields)))


class Statement(BaseModel):
    """One body sentence, verbatim, with its kind."""

    text: str
    kind: Kind
    source: str | None = None
    why: str = ""


class LegalNote(BaseModel):
    """One knowledge-base topic tied to this story."""

    topic: str
    title: str
    jurisdiction: str
    explanation: str
    relevance: str
    authorities: list[str] = Field(default_factory=list)
    # Plain-words notes about the authorities (later vacated, overruled, not the President Nixon...):
    # commentary, never part of a citation string.
    cautions: list[str] = Field(default_factory=list)


class Flag(BaseModel):
    """A source-quality warning."""

    kind: FlagKind
    detail: str = ""


class Usage(BaseModel):
    """What the analysis cost, plus what the citation guard removed."""

    requests: int = 0
    input_tokens: int = 0
    output_tokens: int = 0
    cost_usd: float | None = None
    citations_removed: int = 0
    condensed: bool = False
    # The article's language code when the engine could not read that language ("unknown" if unsure)
    unreadable_language: str | None = None
    fallback: str | None = (
        None  # why a remote engine was replaced by local: rate_limited, insufficient_quota, ...
    )


class Analysis(BaseModel):
    """The complete explanation of one article: the `explain --json` contract."""

    model_config = ConfigDict(use_enum_values=False)

    article: ArticleMeta
    summary: str
    statements: list[Statement] = Field(default_factory=list)
    legal: list[LegalNote] = Field(default_factory=list)
    legal_unavailable: str | None = None
    flags: list[Flag] = Field(default_factory=list)
    engine: str = "local"
    usage: Usage = Field(default_factory=Usage)

    def of_kind(self, kind: Kind) -> list[Statement]:
        """Statements of one kind, in article order."""
        return [s for s in self.statements if s.kind == kind]

    @computed_field  # type: ignore[prop-decorator]
    @property
    def coverage_line(self) -> str:
        """How much of the article this answer rests on, in words a reader sees in every reply."""
        from bot.render.coverage import coverage_line  # the wording lives with the other reply text

        return coverage_line(self)


class ErrorInfo(BaseModel):
    """The `error` object printed when a link cannot be explained."""

    kind: str
    message: str


class ErrorReport(BaseModel):
    """`{"error": {...}}` as printed by `explain --json` on failure."""

    error: ErrorInfo


class Quote(BaseModel):
    """One article sentence quoted in an answer: its number in the article and its verbatim text."""

    n: int
    text: str
    source: str | None = None  # who says so, when the sentence is attributed


class Answer(BaseModel):
    """A follow-up question answered from one article and the knowledge base: `footnote ask --json`."""

    question: str
    answered: bool  # False: the article does not say, and `text` is the line that says so
    text: str
    quotes: list[Quote] = Field(default_factory=list)
    legal: list[LegalNote] = Field(default_factory=list)
    article: ArticleMeta
    engine: str = "local"
    usage: Usage = Field(default_factory=Usage)
