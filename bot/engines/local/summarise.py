"""Extractive summary: the article's own sentences, chosen so that hedges survive.

Sentences are copied verbatim (hedges, attributions and modals intact), at most lightly
compressed by dropping a trailing side clause that carries no hedge, attribution, negation
or condition. The lead comes first; the other side's answer and a decisive outcome or caveat are
kept; the rest is chosen by rank (centrality, headline overlap, position, legal terms, how
established a sentence is) with redundancy control (MMR) within 80 words.
"""

from __future__ import annotations

import math
import re

from bot.engines.local import cues
from bot.engines.local.cues import COURT_SUBJECT, word_set
from bot.engines.local.patterns import Cue
from bot.models import Article, Kind, Statement

MAX_WORDS = 80

# The accused side's answer: outright denials first, then softer responses.
_DENIAL = Cue(
    r"\b(den(?:y|ies|ied|ial)|baseless|without\s+merit|untrue|innocent|not\s+guilty"
    r"|(?:disput|reject)(?:s|ed)\s+(?:the|that|this|these|those|any|all|his|her|its|their)"
    r")\b",
    re.I,
)
_RESPONSE = Cue(
    r"\b(never|false|defend\w*|vindicat\w+|legitimate|disappointed|(?:would|will|plans?\s+to|intends?\s+to)\s+appeal|declined\s+to\s+comment|did\s+not\s+respond)\b",
    re.I,
)
_ACCUSATION = Cue(
    r"\b(su(?:ed|es|ing)|suit|lawsuit|charg\w+|arrest\w*|accus\w+|alleg\w+|indict\w*|complaint|investigat\w+"
    r"|probe|retaliat\w+|fired|fine[sd]?|penalt\w+|violat\w+|breach\w*)\b",
    re.I,
)
# A court's decision in the lead: the losing side's answer (an appeal) belongs in the summary.
_RULING_LEAD = Cue(
    r"\b(ruled|rules|blocked|blocks|struck\s+down|strikes\s+down|upheld|upholds|overturned|reversed|sentenced"
    r"|dismissed|enjoined|halted|acquitted|convicted|found\s+guilty)\b",
    re.I,
)
# How many sentences from the lead on may name the accused party.
_OPENING = 3
# Whom an accusation is aimed at: the words after the verb or "against" (names are read from them).
_ACCUSED_NAME = Cue(
    r"\b(?:sued|sues|suing|against|charged|charges|accused|accuses|accusing|indicted|fined|fines|arrested"
    r"|investigating|probe\s+(?:of|into))\s+((?:[\w’'.,&-]+\s+){1,8})",
    re.I,
)
_NOT_A_NAME = word_set(
    """The This That His Her Its Their Monday Tuesday Wednesday Thursday Friday Saturday Sunday January
    February March April May June July August September October November December"""
)
# A recall's remedy: what owners should do is part of the news.
_RECALL = Cue(r"\brecall(?:s|ed|ing)?\b", re.I)
_REMEDY = Cue(
    r"\b(stop\s+using|refunds?|replacements?|free\s+repair|repair\s+kit|do\s+not\s+use|return\s+(?:it|them|the)"
    r"|dispose\s+of|discard)\b",
    re.I,
)
# The losing side's reaction to a ruling.
_LOSER = Cue(r"\b(appeal\w*|disappoint\w*|disagree\w*)\b", re.I)
# A sentence that leans on the one before it: "He was charged ...", "Those ballots ...".
_BACK_REFERENCE = Cue(r"^(?:he|she|they|his|her|their|those|these|this|that)\b", re.I)
# Headline words that name no event: function words, attribution, time.
_HEADLINE_STOP = word_set(
    """the and for but are was were has had its who how why not all one two out off say now new how
    about after amid against also before being could from have into just more most over says said than that
    their them then there these they this those under until when where which while will with would police
    officials report reports according sources what week year years first last today"""
)
# Ranking weights: centrality, headline overlap, position, legal terms, decisive outcome.
_W_CENTRAL = 0.35
_W_HEADLINE = 0.3
_W_POSITION = 0.25
_W_LEGAL = 0.1
_W_DECISIVE = 0.15
# Position decays over about this many sentences: a story's news sits near the top.
_POSITION_SCALE = 4
# How established a sentence is weighs on its rank: a fact, a claim with its source, a hedge.
_KIND_WEIGHT = {Kind.FACT: 1.0, Kind.CLAIM: 0.75, Kind.SPECULATION: 0.45, Kind.OPINION: 0.0}
# Only the first sentences are ranked, and only the best of them compete in MMR: the news of a story
# sits near its top, and ranking every pair of a very long page would cost quadratic time.
_RANKED = 60
_POOL = 20
# MMR: relevance against redundancy with what is already chosen.
_MMR_LAMBDA = 0.7
# An outcome that decides the story, often by something not happening ("declined to file charges").
_DECISIVE = Cue(
    r"\b(declin(?:ed|es)\s+to\s+(?!comment)\w+|refused\s+to|dismiss(?:ed|es)|acquitt\w+|dropp(?:ed|s)\s+(?:the\s+)?charges"
    r"|no\s+charges|not\s+guilty|without\s+(?:a\s+deal|an\s+agreement|agreeing|agreement)|overturned|reversed|struck\s+down"
    r"|postponed|delayed|rejected)\b",
    re.I,
)
# A claim may be quoted only with its attribution in the same sentence.
_ATTRIBUTED = Cue(r"\b(said|says|according\s+to|told|reported|alleg\w+|claim\w*|argu\w+|testified)\b", re.I)
# Trailing clauses that may be dropped: they add detail or another voice, not the main claim.
_TRAILING = Cue(r"(?:,\s*(?:but|while|particularly|including|especially)\b|\s*[—–]).*$", re.I | re.S)
# A tail with these qualifies the main clause (a negation, a condition, a source), so it stays.
# A tail that only speculates may go: dropping a speculation never turns anything into a fact.
_KEEP_IN_TAIL = Cue(
    r"\b(if|unless|not|no|never|n[’']t|nor|without|said|says|according|reportedly|allegedly|alleg\w+"
    r"|claim\w*|only|except|yet|partly|partially|denied|denies)\b",
    re.I,
)
_RELATIVE_TAIL = Cue(r"\s+(?:that|which|who)\s+(?:had|has|have)\s+(?:been\s+)?\w+ed\b[^,;:—–]*$", re.I)
_REPORTING_BEFORE = Cue(
    r"\b(?:said|says|ruled|found|held|argued|claimed|alleged|warned|believes?|shows?|showed|noted)\s*$", re.I
)
# "KESSLING, Mich. — " or "RENO, Nev. (AP) — ": where the story was filed, not what happened.
_DATELINE = Cue(r"^[A-Z][A-Z.'’ -]+(?:,\s+[A-Z][\w.]*(?:\s+[A-Z][\w.]*)?)?(?:\s+\([\w ]+\))?\s*[—–-]+\s*")
_WORD = Cue(r"\S+")
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
        if st.kind != Kind.OPINION and word_count(st.text) >= 8 and not cues.CAVEAT.search(st.text):
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


def _similarity(a: set[str], b: set[str]) -> float:
    """Cosine similarity of two stem sets."""
    return len(a & b) / math.sqrt(len(a) * len(b)) if a and b else 0.0


def _accused(text: str) -> set[str]:
    """Names of the party an accusation is aimed at: capitalised words just after "sued", "against" …."""
    names: set[str] = set()
    for match in _ACCUSED_NAME.finditer(text):
        names.update(w for w in re.findall(r"\b[A-Z][\w’'-]{2,}", match.group(1)) if w not in _NOT_A_NAME)
    return names


def _answer(statements: list[Statement], accusation: bool, lead_text: str) -> int | None:
    """The other side's answer: a denial, else what the accused party says, else a softer response.

    After a ruling with no accusation, the loser's reaction ("will appeal", "disappointed").
    """
    said = (Kind.CLAIM, Kind.SPECULATION)
    denial = _first_index(statements, lambda s: s.kind == Kind.CLAIM and bool(_DENIAL.search(s.text)), set())
    if denial is not None:
        return denial
    if accusation:
        accused = _accused(lead_text)
        by_accused = _first_index(
            statements, lambda s: s.kind in said and bool(accused & set((s.source or "").split())), set()
        )
        if by_accused is not None:
            return by_accused
        return _first_index(statements, lambda s: s.kind in said and bool(_RESPONSE.search(s.text)), set())
    kinds = (Kind.CLAIM, Kind.SPECULATION)
    return _first_index(statements, lambda s: s.kind in kinds and bool(_LOSER.search(s.text)), set())


def _summarisable(st: Statement) -> bool:
    """A sentence a news summary may quote: not opinion, not an editorial note, not a speakerless quote."""
    if st.kind == Kind.OPINION or st.why == "editorial note" or st.why.startswith("quotation"):
        return False
    return st.kind != Kind.CLAIM or bool(_ATTRIBUTED.search(st.text))


def _scores(article: Article, statements: list[Statement], legal_terms: list[str]) -> list[float]:
    """How central each sentence is to the story (0 for those a summary may not quote).

    LexRank-style centrality (mean similarity to the rest of the body), overlap with the headline,
    position, the legal topics' trigger terms and decisive outcomes, weighted by how established the
    sentence is: a fact over an attributed claim over a hedged speculation.
    """
    stems = [_stems(st.text) for st in statements[:_RANKED]]
    headline = _stems(article.headline or article.title)
    count = len(stems)
    centrality = [
        sum(_similarity(stems[i], stems[j]) for j in range(count) if j != i) / max(1, count - 1)
        for i in range(count)
    ]
    top = max(centrality, default=0.0) or 1.0
    terms = [t.lower() for t in legal_terms]
    scores = []
    for i, st in enumerate(statements[:count]):
        if not _summarisable(st):
            scores.append(0.0)
            continue
        lower = st.text.lower()
        score = (
            _W_CENTRAL * centrality[i] / top
            + _W_HEADLINE * (len(stems[i] & headline) / max(1, len(headline)))
            + _W_POSITION / (1 + i / _POSITION_SCALE)
            + _W_LEGAL * any(term in lower for term in terms)
            + _W_DECISIVE * bool(_DECISIVE.search(st.text) or cues.CAVEAT.search(st.text))
        )
        scores.append(score * _KIND_WEIGHT[st.kind])
    return scores


def _news_summary(article: Article, statements: list[Statement], legal_terms: list[str]) -> str:
    """The lead, then the best-ranked sentences with redundancy control (MMR), within the budget.

    Kept as constraints: the lead comes first; the other side's answer to an accusation or a ruling
    and a decisive outcome or caveat the body states are taken before the ranking fills the rest.
    """
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

    def take_named(index: int) -> bool:
        """Take a sentence, after the one it leans on ("He was charged ...", "Those ballots ...")."""
        if _BACK_REFERENCE.match(statements[index].text) and index > 0 and index - 1 not in chosen:
            before = statements[index - 1]
            if not _summarisable(before) or not take(index - 1):
                return False
        return take(index)

    take(lead)
    if lead not in chosen:
        # a lead longer than the whole budget is still the story: shown cut, never left out
        chosen[lead] = clip(_DATELINE.sub("", statements[lead].text), MAX_WORDS)
    scores = _scores(article, statements, legal_terms)
    lead_text = statements[lead].text + " " + article.title
    ruling = bool(_RULING_LEAD.search(lead_text) and COURT_SUBJECT.search(lead_text))
    if _ACCUSATION.search(lead_text) or ruling:
        opening = " ".join(st.text for st in statements[: lead + _OPENING]) + " " + article.title
        take(_answer(statements, bool(_ACCUSATION.search(lead_text)), opening))
    decisive = [
        i
        for i, st in enumerate(statements[: len(scores)])
        if scores[i] and st.kind == Kind.FACT and (_DECISIVE.search(st.text) or cues.CAVEAT.search(st.text))
    ]
    if decisive:
        take_named(max(decisive, key=lambda i: scores[i]))
    if _RECALL.search(lead_text):
        take(
            _first_index(
                statements,
                lambda s: s.kind in (Kind.FACT, Kind.CLAIM) and bool(_REMEDY.search(s.text)),
                set(),
            )
        )
    stems = [_stems(st.text) for st in statements[: len(scores)]]
    ranked = sorted(
        (i for i, score in enumerate(scores) if score > 0 and i not in chosen), key=lambda i: -scores[i]
    )
    remaining = set(ranked[:_POOL])
    while remaining:

        def mmr(i: int) -> float:
            overlap = max((_similarity(stems[i], stems[j]) for j in chosen), default=0.0)
            return _MMR_LAMBDA * scores[i] - (1 - _MMR_LAMBDA) * overlap

        best = max(remaining, key=lambda i: (mmr(i), -i))
        remaining.discard(best)
        take_named(best)
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


def summarise(
    article: Article,
    statements: list[Statement],
    opinion_piece: bool = False,
    legal_terms: list[str] | None = None,
) -> str:
    """At most 80 words that lead with what is established and keep every hedge.

    `legal_terms` are the trigger phrases of the legal topics the story matched: a sentence naming
    the legal mechanism the story turns on ranks higher.
    """
    if opinion_piece:
        return _opinion_summary(article, statements)
    return _news_summary(article, statements, legal_terms or [])
