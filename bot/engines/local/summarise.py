"""Extractive summary: the article's own sentences, chosen so that hedges survive.

Sentences are copied verbatim (hedges, attributions and modals intact), at most lightly
compressed by dropping a trailing side clause that carries no hedge, attribution, negation
or condition. The order of preference: what is established (the lead fact), what the body
admits has not happened or is limited, how the story continues (for a ruling, its grounds), the
point the headline makes that the lead leaves out, a recall's remedy, and the other side's answer.
"""

from __future__ import annotations

import re

from bot.engines.local import cues
from bot.engines.local.classify import RULING_WHY
from bot.engines.local.cues import COURT_SUBJECT, word_set
from bot.models import Article, Kind, Statement

MAX_WORDS = 80

# The accused side's answer: outright denials first, then softer responses.
_DENIAL = re.compile(
    r"\b(den(?:y|ies|ied|ial)|baseless|without\s+merit|untrue|innocent|not\s+guilty"
    r"|(?:disput|reject)(?:s|ed)\s+(?:the|that|this|these|those|any|all|his|her|its|their)"
    r")\b",
    re.I,
)
_RESPONSE = re.compile(
    r"\b(never|false|defend\w*|vindicat\w+|legitimate|disappointed|(?:would|will|plans?\s+to|intends?\s+to)\s+appeal|declined\s+to\s+comment|did\s+not\s+respond)\b",
    re.I,
)
_ACCUSATION = re.compile(
    r"\b(su(?:ed|es|ing)|suit|lawsuit|charg\w+|arrest\w*|accus\w+|alleg\w+|indict\w*|complaint|investigat\w+"
    r"|probe|retaliat\w+|fired|fine[sd]?|penalt\w+|violat\w+|breach\w*)\b",
    re.I,
)
# A court's decision in the lead: the losing side's answer (an appeal) belongs in the summary.
_RULING_LEAD = re.compile(
    r"\b(ruled|rules|blocked|blocks|struck\s+down|strikes\s+down|upheld|upholds|overturned|reversed|sentenced"
    r"|dismissed|enjoined|halted|acquitted|convicted|found\s+guilty)\b",
    re.I,
)
# A recall's remedy: what owners should do is part of the news.
_RECALL = re.compile(r"\brecall(?:s|ed|ing)?\b", re.I)
_REMEDY = re.compile(
    r"\b(stop\s+using|refunds?|replacements?|free\s+repair|repair\s+kit|do\s+not\s+use|return\s+(?:it|them|the)"
    r"|dispose\s+of|discard)\b",
    re.I,
)
# The losing side's reaction to a ruling.
_LOSER = re.compile(
    r"\b(appeal\w*|disappoint\w*|disagree\w*)\b", re.I
)
# A fact that reports a non-event ("declined to comment", "did not respond").
_NON_EVENT = re.compile(
    r"\b(declined|did\s+not\s+respond|could\s+not\s+be\s+reached|would\s+not\s+comment|no\s+comment)\b", re.I
)
# A sentence that leans on the one before it: "He was charged ...", "Those ballots ...".
_BACK_REFERENCE = re.compile(r"^(?:he|she|they|his|her|their|those|these|this|that)\b", re.I)
# A headline word found in more than this share of the body's statements names the topic, not a point.
_TOPIC_SHARE = 0.4
# Headline words that name no event: function words, attribution, time.
_HEADLINE_STOP = word_set(
    """the and for but are was were has had its who how why not all one two out off say now new how
    about after amid against also before being could from have into just more most over says said than that
    their them then there these they this those under until when where which while will with would police
    officials report reports according sources what week year years first last today"""
)
# How far past the lead the summary looks for the headline's missing point.
_LOOKAHEAD = 8
# Trailing clauses that may be dropped: they add detail or another voice, not the main claim.
_TRAILING = re.compile(r"(?:,\s*(?:but|while|particularly|including|especially)\b|\s*[—–]).*$", re.I | re.S)
# A tail with these qualifies the main clause (a negation, a condition, a source), so it stays.
# A tail that only speculates may go: dropping a speculation never turns anything into a fact.
_KEEP_IN_TAIL = re.compile(
    r"\b(if|unless|not|no|never|n[’']t|nor|without|said|says|according|reportedly|allegedly|alleg\w+"
    r"|claim\w*|only|except|yet|partly|partially|denied|denies)\b",
    re.I,
)
_RELATIVE_TAIL = re.compile(r"\s+(?:that|which|who)\s+(?:had|has|have)\s+(?:been\s+)?\w+ed\b[^,;:—–]*$", re.I)
_REPORTING_BEFORE = re.compile(
    r"\b(?:said|says|ruled|found|held|argued|claimed|alleged|warned|believes?|shows?|showed|noted)\s*$", re.I
)
# "KESSLING, Mich. — " or "RENO, Nev. (AP) — ": where the story was filed, not what happened.
_DATELINE = re.compile(
    r"^[A-Z][A-Z.'’ -]+(?:,\s+[A-Z][\w.]*(?:\s+[A-Z][\w.]*)?)?(?:\s+\([\w ]+\))?\s*[—–-]+\s*"
)
_DEFINITE_LEAD = re.compile(r"^The\s+([a-z]+)\b")
_WORD = re.compile(r"\S+")
_QUOTES = "“”\"'‘’"


def word_count(text: str) -> int:
    """Words as a reader counts them."""
    return len(_WORD.findall(text))


def compress(sentence: str, harder: bool = False) -> str:
    """The sentence without a trailing side clause, when dropping it cannot change its meaning.

    The main clause of a sentence whose tail is a contrast or an aside ("…, but the growing
    concern …", "— one that could …") says the same without it. Tails carrying a condition, a
    negation, a hedge or an attribution are kept, since dropping them would change the claim.
    `harder` also drops a trailing relative clause in the perfect ("… a ruling that had sided
    with the district"), which only narrows down a noun the sentence already names.
    """
    if harder:
        sentence = compress(sentence)
        relative = _RELATIVE_TAIL.search(sentence)
        if (
            relative
            and word_count(sentence[: relative.start()]) >= 8
            and not _KEEP_IN_TAIL.search(relative.group(0))
        ):
            head = sentence[: relative.start()]
            if not _REPORTING_BEFORE.search(head):
                return f"{head.rstrip(' ,;')}."
        return sentence
    match = _TRAILING.search(sentence)
    if not match or word_count(sentence[: match.start()]) < 5:
        return sentence
    head, tail = sentence[: match.start()], sentence[match.start() :]
    if _KEEP_IN_TAIL.search(tail):
        return sentence
    closer = "”" if head.count("“") > head.count("”") else ""
    return f"{head.rstrip(' ,;')}{closer}."


def clip(text: str, words: int) -> str:
    """The text cut to its first `words` words, marked with "…" when anything was cut."""
    found = list(_WORD.finditer(text))
    if len(found) <= words:
        return text
    return text[: found[max(words, 1) - 1].end()].rstrip(",;:—–") + "…"


def _lead(statements: list[Statement]) -> int | None:
    """The story's opening statement, in its own hedged words.

    A claim or a speculation that opens the story ("X is in talks, according to people
    familiar …", "officials are reportedly worried …") is its news, kept verbatim with its
    attribution or hedge. Opinion is not a lead, and neither is a caveat ("no route has been
    cancelled"): the story is what the caveat qualifies.
    """
    for i, st in enumerate(statements[:4]):
        if (
            st.kind != Kind.OPINION
            and word_count(st.text) >= 8
            and not cues.CAVEAT.search(st.text)
        ):
            return i
    for i, st in enumerate(statements[:4]):
        if st.kind != Kind.OPINION:
            return i
    return 0 if statements else None


def _first_index(statements: list[Statement], wanted, skip: set[int]) -> int | None:
    """The first statement (not already chosen) for which `wanted` holds."""
    for i, st in enumerate(statements):
        if i not in skip and wanted(st):
            return i
    return None


def _stems(text: str) -> set[str]:
    """Content-word stems (first five letters) of a text, for rough topic overlap."""
    return {
        w[:5] for w in re.findall(r"[a-z][a-z-]+", text.lower()) if len(w) >= 3 and w not in _HEADLINE_STOP
    }


def _candidates(statements: list[Statement], lead: int, skip: set[int]) -> list[int]:
    """Facts after the lead, not chosen yet, that report something (not an editorial note)."""
    return [
        i
        for i in range(lead + 1, len(statements))
        if i not in skip and statements[i].kind == Kind.FACT and statements[i].why != "editorial note"
    ]


def _primary(statements: list[Statement], lead: int, skip: set[int], ruling: bool) -> int | None:
    """The first fact after the lead; for a ruling's outcome without its grounds, the court's holding."""
    facts = _candidates(statements, lead, skip)
    if ruling and statements[lead].why != RULING_WHY:
        grounds = next((i for i in facts[:_LOOKAHEAD] if statements[i].why == RULING_WHY), None)
        if grounds is not None:
            return grounds
    return facts[0] if facts else None


def _cover(statements: list[Statement], lead: int, headline: str, skip: set[int]) -> int | None:
    """The fact that adds most of what the headline promises and the lead leaves out, if any does.

    "Man charged after shooting ..." over a lead about the shooting: the fact that says who was charged.
    A non-event ("declined to comment") covers nothing.
    """
    stems = [_stems(st.text) for st in statements]
    wanted = {
        w
        for w in _stems(headline) - stems[lead]
        if sum(w in found for found in stems) <= _TOPIC_SHARE * len(statements)
    }
    nearby = _candidates(statements, lead, skip)[:_LOOKAHEAD]
    facts = [i for i in nearby if not _NON_EVENT.search(statements[i].text)]
    best = max(facts, key=lambda i: (len(wanted & stems[i]), -i), default=None)
    return best if best is not None and wanted & stems[best] else None


def _answer(statements: list[Statement], accusation: bool) -> tuple[int | None, int | None]:
    """The other side's outright denial, and its answer: the denial, else a softer response.

    After a ruling with no accusation, only the loser's reaction counts ("will appeal", "disappointed").
    """
    denial = _first_index(statements, lambda s: s.kind == Kind.CLAIM and bool(_DENIAL.search(s.text)), set())
    if denial is not None:
        return denial, denial
    if accusation:
        return None, _first_index(
            statements, lambda s: s.kind == Kind.CLAIM and bool(_RESPONSE.search(s.text)), set()
        )
    kinds = (Kind.CLAIM, Kind.SPECULATION)
    return None, _first_index(statements, lambda s: s.kind in kinds and bool(_LOSER.search(s.text)), set())


def _news_summary(article: Article, statements: list[Statement]) -> str:
    """Lead fact, caveat, continuation and the other side, within the word budget."""
    lead = _lead(statements)
    if lead is None:
        return ""
    chosen: dict[int, str] = {}

    def take(index: int | None) -> bool:
        if index is None or index in chosen:
            return index is not None
        text = statements[index].text
        if index == lead:
            text = _DATELINE.sub("", text)
        for candidate in (compress(text), compress(text, harder=True)):
            chosen[index] = candidate
            if sum(word_count(t) for t in chosen.values()) <= MAX_WORDS:
                return True
        del chosen[index]
        return False

    def take_named(index: int | None) -> None:
        """Take a fact, after the sentence it leans on ("He was charged ...", "Those ballots ...")."""
        if index is not None and _BACK_REFERENCE.match(statements[index].text):
            before = statements[index - 1] if index > 0 else None
            if before is None or before.kind == Kind.OPINION or not take(index - 1):
                return
        take(index)

    take(lead)
    if lead not in chosen:
        # a lead longer than the whole budget is still the story: shown cut, never left out
        chosen[lead] = clip(_DATELINE.sub("", statements[lead].text), MAX_WORDS)
    take(_first_index(statements, lambda s: s.kind == Kind.FACT and bool(cues.CAVEAT.search(s.text)), {lead}))
    lead_text = statements[lead].text + " " + article.title
    ruling = bool(_RULING_LEAD.search(lead_text) and COURT_SUBJECT.search(lead_text))
    following = _primary(statements, lead, set(chosen), ruling)
    take_named(following)
    cover = _cover(statements, lead, article.headline or article.title, set(chosen))
    take_named(cover)
    if _RECALL.search(lead_text):
        remedy = _first_index(
            statements, lambda s: s.kind in (Kind.FACT, Kind.CLAIM) and bool(_REMEDY.search(s.text)), set()
        )
        take(remedy)
    accusation = bool(_ACCUSATION.search(lead_text))
    if accusation or ruling:
        denial, answer = _answer(statements, accusation)
        # the other side must be heard: the headline's extra point gives way first, then (for an
        # outright denial) the second fact
        for dropped in (cover, following if denial is not None else None):
            if answer is None or answer in chosen or take(answer):
                break
            if dropped is not None and dropped != lead:
                chosen.pop(dropped, None)
        take(answer)
        take_named(following)
        take_named(cover)
    return " ".join(chosen[i] for i in sorted(chosen))


def _thesis(statements: list[Statement]) -> Statement | None:
    """The writer's main call: an imperative, else the first evaluative sentence."""
    opinions = [s for s in statements if s.kind == Kind.OPINION]
    for st in opinions:
        if st.why.startswith("imperative"):
            return st
    for st in opinions:
        if not st.why.startswith("opinion column"):
            return st
    return opinions[0] if opinions else None


def _opinion_summary(article: Article, statements: list[Statement]) -> str:
    """Say first that this is a column, then the writer's call, then the facts it rests on."""
    by = f" by {article.byline}" if article.byline else ""
    parts = [f"This is an opinion column{by}: the writer argues a position; it is not news reporting."]
    thesis = _thesis(statements)
    if thesis:
        verb = "urges" if thesis.why.startswith("imperative") else "argues"
        room = MAX_WORDS - word_count(parts[0]) - 3
        quote = clip(compress(thesis.text, harder=True).strip(_QUOTES), room)
        parts.append(f"The writer {verb}: “{quote}”")
    used = sum(word_count(p) for p in parts)
    for st in statements:
        if st.kind == Kind.FACT and st.why != "editorial note":
            if used + word_count(st.text) > MAX_WORDS:
                break
            parts.append(st.text)
            used += word_count(st.text)
    return " ".join(parts)


def summarise(article: Article, statements: list[Statement], opinion_piece: bool = False) -> str:
    """At most 80 words that lead with what is established and keep every hedge."""
    if opinion_piece:
        return _opinion_summary(article, statements)
    return _news_summary(article, statements)
