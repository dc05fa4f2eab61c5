"""Source-quality flags ("Read with care"), each decided by a rule over the classified body."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from bot.engines.local import cues
from bot.engines.local.cues import word_set
from bot.engines.local.patterns import Cue
from bot.engines.local.summarise import compress
from bot.models import Article, Flag, FlagKind, Kind, Statement

_OPINION_LABEL = Cue(
    r"^\s*(opinion|op-?ed|column|editorial|commentary|perspective|letters?(?:\s+to\s+the\s+editor)?|viewpoint)\s*[|:·—–-]",
    re.I,
)
_OPINION_PATH = Cue(
    r"/(opinions?|op-?eds?|editorials?|columns?|columnists?|commentary|letters|viewpoints?)/", re.I
)
_OPINION_NOTE = Cue(
    r"\b(views\s+expressed\s+(?:in|here|are)|(?:is|are)\s+an?\s+(?:regular\s+|guest\s+|contributing\s+)?"
    r"(?:columnist|opinion\s+(?:writer|contributor))|guest\s+columns?|letters?\s+to\s+the\s+editor)\b",
    re.I,
)
_SENSATIONAL = Cue(
    r"\b(breaking|exclusive|bombshell|slams?|blasts?|destroys?|eviscerates?|shock(?:ing|s)?|stunning|explosive"
    r"|outrage|meltdown|humiliat\w+|epic|insane|you\s+won[’']t\s+believe)\b|!",
    re.I,
)
_SHOUTING = Cue(r"\b[A-Z]{5,}\b")
_CERTAINTY = Cue(
    r"\b(will|won[’']t|proves?|proven|confirms?|confirmed|reveals?|exposes?|(?:is|are)\s+breaking\s+up"
    r"|breaks\s+up|guarantees?|(?:is|are)\s+(?:doomed|over|finished|guilty)|caught|admits?)\b",
    re.I,
)
_DOCUMENT = Cue(
    r"\b(complaint|lawsuit|suit|filing|indictment|study|report|memo|email|letter|ruling|audit|survey|contract"
    r"|documents?|records?)\b",
    re.I,
)
# A headline that signals its own uncertainty or source ("may", "aides say", "reportedly", a question).
_HEADLINE_HEDGE = Cue(
    r"\b(?:may|might|could|would|will|likely|reportedly|allegedly|reports?|says?|said|sources?|claims?"
    r"|accus\w*|alleg\w*|expected|plans?|weighs?|considers?|mulls?|eyes|seeks?|talks|poised|nears?|close\s+to"
    r"|official(?:s|ly)?|aides?|insiders?)\b|[?“\"‘:]",
    re.I,
)
# Social-media chatter is not a speaker a reader could look up.
_CHATTER = Cue(r"\b(?:posts?|tweets?|rumou?rs?|screenshots?|social\s+media|users|fans|commenters)\b", re.I)
# A fact that reports a non-event ("did not respond", "does not comment") confirms nothing.
_NON_EVENT = Cue(r"\b(?:not|no|never|declined)\b|n[’']t\b", re.I)
_SLUG_EXT = Cue(r"\.(?:html?|php|aspx?)$", re.I)
_GENERIC_SPEAKERS = word_set(
    """officials experts sources critics analysts supporters opponents residents observers prosecutors lawyers
    advocates insiders people authorities police investigators researchers economists scholars"""
)


def headlines(article: Article) -> list[str]:
    """Every headline a reader may have seen: the page's, the title, and the link's own words.

    A shared link's slug often keeps the original (social, "BREAKING ...") headline after the
    page's headline was toned down.
    """
    found = [h for h in (article.headline, article.title, article.social_title) if h]
    path = urlsplit(article.url or article.canonical_url or "").path
    slug = _SLUG_EXT.sub("", next((p for p in reversed(path.split("/")) if p), ""))
    if not article.social_title and slug.count("-") >= 4 and not any(ch.isdigit() for ch in slug):
        found.append(slug.replace("-", " "))
    return list(dict.fromkeys(found))


def _statements(count: int) -> str:
    return "1 statement rests" if count == 1 else f"{count} statements rest"


def is_opinion_piece(article: Article, statements: list[Statement]) -> bool:
    """A column or op-ed: labelled as such, filed under opinion, or mostly the writer's evaluation."""
    labels = (article.title, article.headline)
    if any(_OPINION_LABEL.search(label or "") for label in labels):
        return True
    if _OPINION_PATH.search(article.url or "") or _OPINION_NOTE.search(article.text or ""):
        return True
    scored = [s for s in statements if s.why != "editorial note"]
    return len(scored) >= 5 and sum(s.kind == Kind.OPINION for s in scored) / len(scored) >= 0.4


def _is_named(source: str) -> bool:
    """True for a speaker a reader could look up ("Lena Carvajal", "Glare Media Group")."""
    if _CHATTER.search(source):
        return False
    words = source.replace(",", " ").split()
    if any(w[:1].isupper() for w in words[1:]):
        return True
    # one capitalised word is a name ("Tallywick") unless it is a sentence-initial common plural ("Riders")
    single = len(words) == 1 and words[0][:1].isupper() and not words[0].lower().endswith("s")
    return single and words[0].lower() not in _GENERIC_SPEAKERS


def _anonymous(statements: list[Statement]) -> list[Statement]:
    """Claims and speculation that rest on unnamed people."""
    return [
        s for s in statements if s.kind in (Kind.CLAIM, Kind.SPECULATION) and cues.ANON_SOURCE.search(s.text)
    ]


def _unnamed_lead(headline: str, statements: list[Statement]) -> Statement | None:
    """The body's lead when it rests on unnamed sources that a plain, unhedged headline leaves out."""
    scored = [s for s in statements if s.why != "editorial note"]
    if not scored or _HEADLINE_HEDGE.search(headline):
        return None
    lead = scored[0]
    if lead.kind in (Kind.CLAIM, Kind.SPECULATION) and cues.ANON_SOURCE.search(lead.text):
        return lead
    return None


def _headline_overstates(headline: str, statements: list[Statement]) -> str | None:
    """Why the headline says more than the body, or None."""
    short = headline if len(headline) <= 90 else headline[:88].rsplit(" ", 1)[0].rstrip(" ,;:") + "…"
    unnamed = _unnamed_lead(headline, statements)
    if unnamed:
        return (
            f"The headline (“{short}”) states as settled what the body attributes to unnamed sources: "
            f"“{compress(unnamed.text)}”"
        )
    sensational = bool(_SENSATIONAL.search(headline) or _SHOUTING.search(headline))
    certain = _CERTAINTY.search(headline)
    caveat = next((s for s in statements if s.kind == Kind.FACT and cues.CAVEAT.search(s.text)), None)
    hedged_body = sum(s.kind in (Kind.CLAIM, Kind.SPECULATION) for s in statements) >= 0.4 * max(
        1, len(statements)
    )
    if not (sensational and (certain or caveat)) and not (certain and caveat and hedged_body):
        return None
    if caveat:
        return f"The headline (“{short}”) states as settled what the body does not: “{compress(caveat.text)}”"
    return (
        f"The headline (“{short}”) states as settled what the body only reports as claims or possibilities."
    )


def detect_flags(article: Article, statements: list[Statement], opinion_piece: bool = False) -> list[Flag]:
    """Every flag that applies, each with one line for people."""
    flags: list[Flag] = []
    anonymous = _anonymous(statements)
    if anonymous:
        who = cues.ANON_SOURCE.search(anonymous[0].text)
        named = f" (“{' '.join(who.group(1).split())}”)" if who else ""
        flags.append(
            Flag(
                kind=FlagKind.ANONYMOUS_SOURCING,
                detail=f"{_statements(len(anonymous))} on unnamed sources{named}.",
            )
        )
    for headline in headlines(article):
        reason = _headline_overstates(headline, statements)
        if reason:
            flags.append(Flag(kind=FlagKind.HEADLINE_OVERSTATES, detail=reason))
            break
    secondhand = next((m for s in statements if (m := cues.SECONDHAND.search(s.text))), None)
    if secondhand and any(_DOCUMENT.search(s.text) for s in statements):
        flags.append(
            Flag(
                kind=FlagKind.NO_PRIMARY_SOURCE,
                detail=f"The story describes a document only second-hand (“{secondhand.group(0)}”); "
                "it neither links nor quotes the original.",
            )
        )
    if opinion_piece:
        flags.append(
            Flag(kind=FlagKind.OPINION_PIECE, detail="This is an opinion piece: the writer's view, not news.")
        )
    if article.partial_text:
        flags.append(
            Flag(
                kind=FlagKind.PARTIAL_TEXT,
                detail="Only part of the article could be read; this covers what was visible.",
            )
        )
    headline = " ".join(headlines(article))
    viral = _SENSATIONAL.search(headline) or _SHOUTING.search(headline)
    named = any(s.source and _is_named(s.source) for s in statements)
    # a fact saying that nothing is confirmed is no confirmation, nor is one reporting a non-event
    facts = sum(
        s.kind == Kind.FACT and not cues.CAVEAT.search(s.text) and not _NON_EVENT.search(s.text)
        for s in statements
    )
    if viral and anonymous and not named and facts <= 0.3 * max(1, len(statements)):
        flags.append(
            Flag(
                kind=FlagKind.UNVERIFIED_VIRAL,
                detail="Viral-style headline and unnamed sources; nothing in the body confirms the story.",
            )
        )
    return flags
