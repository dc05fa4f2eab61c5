"""Choose the knowledge-base topics that fit a story and tie each one to it.

A topic scores by its trigger phrases found in the story: where they occur (headline, the
first paragraphs, the body), how exact the match is, how specific the phrase is and how
many distinct triggers fire. Only topics of the story's jurisdiction compete, a topic needs
a minimum score, and a topic that only repeats the evidence of a better one is dropped:
no legal section is better than an irrelevant one.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cache, cached_property

from bot.legal.government import Level, government_level
from bot.legal.jurisdiction import US, Jurisdiction, detect_jurisdiction
from bot.legal.knowledge import UK, US_STATES, Topic, load_topics
from bot.models import Article, Kind, LegalNote, Statement

MIN_SCORE = 2.0  # e.g. one specific phrase in the opening paragraphs, or two distinct ones in the body
MIN_CANDIDATE_SCORE = 1.0
RELATIVE_FLOOR = 0.3
AREA_SHARE = 0.25  # a note must score at least this share of the best one
_LEAD_SENTENCES = 4
_WEIGHT_HEADLINE = 3.0
_WEIGHT_LEAD = 2.0
_WEIGHT_BODY = 1.0
_NAMED_SPECIFICITY = 1.1  # a phrase that names the topic's doctrine: enough alone in the opening paragraphs
_LOOSE = 0.75  # the trigger's words in one sentence, close together but not as a phrase
_EXCERPT_WORDS = 32
_PLACE_NAMES = {UK: "the UK", US: "the US"}
_ARTICLE_AT_START = re.compile(r"^(?:The|A|An)\b")

_STOP = frozenset(
    (
        "a", "an", "the", "of", "to", "in", "on", "for", "with", "and", "or", "by", "from", "at", "as", "is",
        "are", "was", "were", "be", "been", "being", "its", "it", "their", "his", "her", "that", "this",
        "these", "those", "than", "into", "over", "under", "about", "against", "after", "before",
    )
)  # fmt: skip
_ARTICLES = frozenset({"a", "an", "the"})
# A negation between a trigger's words turns it around: "will plead not guilty" is no plea deal.
_NEGATIONS = frozenset({"not", "no", "never", "nor", "without"})
_TOKEN = re.compile(r"[a-z0-9§]+(?:'[a-z]+)?")
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"”’)]*\s+(?=[\"“‘(]?[A-Z0-9])")
_ABBREVIATION_END = re.compile(
    r"\b(?:[A-Z]|Mr|Mrs|Ms|Dr|St|Sen|Rep|Gov|Gen|Lt|Sgt|Jr|Sr|No|v|vs|U\.S|Inc|Co|Corp)\.$"
)


def stem_word(word: str) -> str:
    """A crude English stem: 'charged', 'charges', 'charging' → 'charg'."""
    word = word.removesuffix("'s")
    if len(word) > 4 and word.endswith("ies"):
        word = word[:-3] + "y"
    elif len(word) > 5 and word.endswith("ing"):
        word = _undouble(word[:-3])
    elif (
        len(word) > 4
        and word.endswith("ed")
        or len(word) > 4
        and word.endswith("es")
        and (word[-3] in "sxz" or word[-4:-2] in ("ch", "sh"))
    ):
        word = _undouble(word[:-2]) if word.endswith("ed") else word[:-2]
    elif len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        word = word[:-1]
    return word[:-1] if len(word) > 4 and word.endswith("e") else word


def _undouble(word: str) -> str:
    """'rigg' (rigged, rigging) → 'rig', 'barr' → 'bar': the consonant doubled before -ed and -ing."""
    return word[:-1] if len(word) > 2 and word[-1] == word[-2] and word[-1] in "bgmnprt" else word


_APART = str.maketrans({"’": "'", "‘": "'", "-": " ", "–": " ", "—": " ", "/": " "})


def _normalise(text: str) -> str:
    return text.lower().translate(_APART)


def _stems(text: str) -> list[str]:
    return [stem_word(t) for t in _TOKEN.findall(_normalise(text))]


@dataclass(frozen=True)
class _Trigger:
    phrase: str
    words: tuple[str, ...]  # stems in order, without articles
    stems: frozenset[str]  # content stems: what makes two triggers the same evidence
    specificity: float

    @cached_property
    def pattern(self) -> re.Pattern[str]:
        """The phrase itself, compiled only when a sentence holds all its words: most never need it."""
        words = _normalise(self.phrase).split()
        return re.compile(r"(?<![a-z0-9])" + r"\s+".join(map(re.escape, words)) + r"(?![a-z0-9])")


@dataclass
class _Sentence:
    text: str
    place: float  # the weight of where it sits: headline, lead or body
    normal: str
    positions: dict[str, list[int]] = field(default_factory=dict)
    negations: list[int] = field(default_factory=list)
    said: Statement | None = None  # the engine's reading of this sentence, when it has one


@dataclass
class _Hit:
    trigger: _Trigger
    sentence: int
    strength: float


@dataclass
class Scored:
    """A topic and the evidence for it in one story."""

    topic: Topic
    score: float
    hits: list[_Hit]


@cache
def _trigger(phrase: str) -> _Trigger:
    normal = _normalise(phrase).strip()
    tokens = _TOKEN.findall(normal)
    stems = [stem_word(t) for t in tokens]  # once each: ~1,800 triggers are read at start
    words = tuple(s for t, s in zip(tokens, stems, strict=True) if t not in _ARTICLES)
    content = frozenset(s for t, s in zip(tokens, stems, strict=True) if t not in _STOP) or frozenset(words)
    # A one-word trigger ("union", "charged with") is weak evidence; a four-word phrase is strong.
    specificity = min(1.6, 0.6 + 0.35 * (len(content) - 1)) if len(content) > 1 else 0.7
    return _Trigger(phrase, words, content, specificity)


def _sentences(article: Article, statements: list[Statement]) -> list[_Sentence]:
    headline = article.headline or article.title
    body = article.text or " ".join(s.text for s in statements)
    out = [_Sentence(headline, _WEIGHT_HEADLINE, _normalise(headline))] if headline else []
    count = 0
    for paragraph in body.split("\n"):
        if not paragraph.strip() or paragraph.strip() == headline.strip():
            continue
        pieces: list[str] = []
        for piece in _SENTENCE_END.split(paragraph.strip()):
            if pieces and _ABBREVIATION_END.search(pieces[-1]):
                pieces[-1] = f"{pieces[-1]} {piece}"
            else:
                pieces.append(piece)
        for piece in pieces:
            place = _WEIGHT_LEAD if count < _LEAD_SENTENCES else _WEIGHT_BODY
            out.append(_Sentence(piece, place, _normalise(piece)))
            count += 1
    readings = _readings(statements)
    for sentence in out:
        if sentence.place != _WEIGHT_HEADLINE:
            sentence.said = readings(sentence.text)
        for i, stem in enumerate(_stems(sentence.text)):
            sentence.positions.setdefault(stem, []).append(i)
            if stem in _NEGATIONS or stem.endswith("n't"):
                sentence.negations.append(i)
    return out


def _readings(statements: list[Statement]) -> Callable[[str], Statement | None]:
    """Look up the statement a sentence is (or is part of), by its words."""
    exact = {" ".join(st.text.split()): st for st in statements}

    def reading(text: str) -> Statement | None:
        key = " ".join(text.split())
        return exact.get(key) or next((st for k, st in exact.items() if key in k or k in key), None)

    return reading


def _loose_match(trigger: _Trigger, sentence: _Sentence) -> bool:
    """The trigger's words, in order, in one sentence, with only a few words between them."""
    lists = [sentence.positions.get(w) for w in trigger.words]
    if not all(lists):
        return False
    slack = 2 * len(lists)
    for first in lists[0]:  # type: ignore[union-attr]
        at, spent = first, 0
        for following in lists[1:]:
            nxt = next((p for p in following if p > at), None)  # type: ignore[union-attr]
            if nxt is None or spent + (nxt - at - 1) > slack or any(at < n < nxt for n in sentence.negations):
                break
            spent, at = spent + (nxt - at - 1), nxt
        else:
            return True
    return False


@cache
def _phrasings(triggers: tuple[str, ...]) -> list[list[_Trigger]]:
    """A topic's triggers grouped by their content words, in the order written."""
    groups: dict[frozenset[str], list[_Trigger]] = {}
    for phrase in triggers:
        trigger = _trigger(phrase)
        groups.setdefault(trigger.stems, []).append(trigger)
    return list(groups.values())


def _candidates(trigger: _Trigger, story: Story) -> set[int]:
    """The sentences holding every word of the trigger: only they can match it, as a phrase or loosely."""
    where = [story.index.get(w) for w in trigger.words]
    return set.intersection(*where) if where and all(where) else set()  # type: ignore[arg-type]


def _strength(trigger: _Trigger, sentence: _Sentence) -> float:
    """How well one sentence shows the trigger: the phrase itself, its words close together, or not."""
    if trigger.pattern.search(sentence.normal):
        return sentence.place
    if len(trigger.stems) > 1 and _loose_match(trigger, sentence):
        # Only a phrase of two or more content words can match loosely: "sentenced to" spread
        # out is just the word "sentence" ("would be a death sentence to them"), no evidence.
        return sentence.place * _LOOSE
    return 0.0


@cache
def _named_stems(title: str, topic_id: str) -> frozenset[str]:
    return frozenset(_stems(f"{title} {topic_id}"))


def _specificity(trigger: _Trigger, topic: Topic) -> float:
    """A phrase that names the topic's own doctrine ("anti-SLAPP", "price fixing", "habeas corpus") is
    as sure a sign as a longer phrase: stories call a doctrine by its name."""
    if len(trigger.stems) > 1 and trigger.stems <= _named_stems(topic.title, topic.id):
        return max(trigger.specificity, _NAMED_SPECIFICITY)
    return trigger.specificity


def _hits(topic: Topic, story: Story) -> list[_Hit]:
    """The best hit of each distinct trigger ("ice agent charged" and "ice agents charged" are one). The
    phrasings of one trigger ("fired for a post", "fired over a post") are tried together: any may fit."""
    hits = []
    for phrasings in _phrasings(tuple(topic.triggers)):
        best: _Hit | None = None
        seen = 0
        for i in sorted(set().union(*(_candidates(t, story) for t in phrasings))):
            sentence = story.sentences[i]
            strength = max(_strength(t, sentence) for t in phrasings)
            if not strength:
                continue
            seen += 1
            if best is None or strength > best.strength:
                trigger = next(t for t in phrasings if _strength(t, sentence) == strength)
                best = _Hit(trigger, i, strength)
        if best is not None:
            # Repetition adds a little: a story about a union vote says "union" often.
            best.strength = best.strength * _specificity(best.trigger, topic) * (1 + 0.15 * min(3, seen - 1))
            hits.append(best)
    # Several triggers firing in one sentence are one piece of evidence, not several.
    hits.sort(key=lambda h: -h.strength)
    seen_sentences: set[int] = set()
    for hit in hits:
        if hit.sentence in seen_sentences:
            hit.strength *= 0.5
        seen_sentences.add(hit.sentence)
    return hits


def _rarity(topics: Iterable[Topic]) -> dict[str, float]:
    """Evidence from a trigger shared by several topics counts less for each of them."""
    owners: dict[frozenset[str], int] = {}
    for topic in topics:
        for stems in {_trigger(p).stems for p in topic.triggers}:
            owners[stems] = owners.get(stems, 0) + 1
    return {k: 1 / math.sqrt(n) for k, n in owners.items()}


def _fits(topic: Topic, where: Jurisdiction, level: Level) -> bool:
    if where.place == UK:
        return topic.is_uk
    if where.place != US or topic.is_uk:
        return False
    # A federal-only rule never fits a state case; a state-level topic needs a sign of a state case. A
    # story naming both levels leaves every topic in play.
    if (topic.government, level) in (("federal", "state"), ("state", "federal"), ("state", "unsaid")):
        return False
    if topic.jurisdiction in US_STATES:
        # A state's own law applies when the story is set there, or names no state at all.
        return topic.jurisdiction in where.states or not where.states
    return True


@dataclass(frozen=True)
class Story:
    """An article made ready for matching: its sentences (headline first), their words, its jurisdiction."""

    sentences: list[_Sentence]
    where: Jurisdiction
    index: dict[str, set[int]]  # word stem → the sentences that use it
    level: Level = "unsaid"  # the level of American government the story is about


def read_story(article: Article, statements: list[Statement]) -> Story:
    """Split the article into weighted sentences and find where it happens."""
    where = detect_jurisdiction(article.headline or article.title, article.text, article.url)
    sentences = _sentences(article, statements)
    index: dict[str, set[int]] = {}
    for i, sentence in enumerate(sentences):
        for stem in sentence.positions:
            index.setdefault(stem, set()).add(i)
    level = government_level("\n".join(s.text for s in sentences)) if where.is_us else "unsaid"
    return Story(sentences, where, index, level)


def rank_topics(story: Story, topics: list[Topic]) -> list[Scored]:
    """Topics of the story's jurisdiction with any trigger in it, best first."""
    rarity = _rarity(topics)
    found = [
        (topic, hits)
        for topic in topics
        if _fits(topic, story.where, story.level) and (hits := _hits(topic, story))
    ]
    # An ordinary word ("verdict", "platform", "miscarriage") counts only beside a second sign that the
    # story is about the law: another trigger of the topic, or a clear trigger of a topic of its area.
    sure = {t.area for t, hits in found if any(h.trigger.phrase not in t.ambiguous for h in hits)}
    scored = []
    for topic, hits in found:
        if all(h.trigger.phrase in topic.ambiguous for h in hits) and (
            not topic.area or topic.area not in sure
        ):
            continue
        score = sum(h.strength * rarity[h.trigger.stems] for h in hits)
        scored.append(Scored(topic, score, sorted(hits, key=lambda h: -h.strength)))
    # A story that fires several topics of one area (speech and press, labour...) is about that area:
    # each of them gains a share of its neighbours' evidence.
    by_area: dict[str, float] = {}
    for s in scored:
        by_area[s.topic.area] = by_area.get(s.topic.area, 0.0) + s.score
    # The share at most doubles a topic's own evidence: a neighbour's strength alone must not carry a topic
    # the story barely touches (one passing "wire fraud" in a bribery story) past a better-evidenced one.
    for s in scored:
        s.score += min(s.score, AREA_SHARE * (by_area[s.topic.area] - s.score)) if s.topic.area else 0.0
    scored.sort(key=lambda s: (-s.score, s.topic.id))
    return scored


def _best(ranked: list[Scored], limit: int, floor: float) -> list[Scored]:
    """The top `limit` topics scoring at least `floor` (topics sharing triggers are companions, kept)."""
    return [s for s in ranked if s.score >= floor][:limit]


def candidate_topics(article: Article, statements: list[Statement], limit: int = 6) -> list[Topic]:
    """Ranked topics that may apply to this story (for a model to choose among)."""
    ranked = rank_topics(read_story(article, statements), load_topics())
    return [s.topic for s in ranked if s.score >= MIN_CANDIDATE_SCORE][:limit]


def _excerpt(text: str, around: re.Pattern[str] | None, limit: int = _EXCERPT_WORDS) -> str:
    words = text.split()
    if len(words) > limit:
        centre = 0
        if around is not None and (m := around.search(_normalise(text))):
            centre = len(_normalise(text)[: m.start()].split())
        start = max(0, min(centre - limit // 2, len(words) - limit))
        words = words[start : start + limit]
        text = ("…" if start else "") + " ".join(words) + "…"
    # Quoted inside our own quotes; never let article text ping anyone.
    text = text.replace("“", "‘").replace("”", "’").replace('"', "'")
    return re.sub(r"[@<>]", "", text).strip()


def _relevance(sentence: _Sentence, trigger: _Trigger | None, again: bool = False) -> str:
    """Why a topic matters here, in the story's words, and as sure as the story is about them
    (`again`: an earlier note quotes the same sentence, so a shorter excerpt will do)."""
    limit = _EXCERPT_WORDS // 3 if again else _EXCERPT_WORDS
    quote = f"“{_excerpt(sentence.text, trigger.pattern if trigger else None, limit).rstrip('.')}”"
    said = sentence.said
    if sentence.place == _WEIGHT_HEADLINE:
        return f"Relevant to what the headline says: {quote}."
    if said is None:
        return f"Relevant to what the story says: {quote}."
    source = _excerpt(said.source, None) if said.source else ""
    source = _ARTICLE_AT_START.sub(lambda m: m.group().lower(), source)
    if said.kind == Kind.FACT:
        return f"Relevant to what the story reports: {quote}."
    if said.kind == Kind.CLAIM:
        return f"Relevant to a claim by {source}: {quote}." if source else f"Relevant to a claim: {quote}."
    if said.kind == Kind.SPECULATION:
        return f"Relevant if it happens (the story says it may, not that it has): {quote}."
    return f"Relevant to a view in the story: {quote}."


def relevance_sentence(topic: Topic, article: Article, statements: list[Statement]) -> str:
    """One sentence tying a topic to this story, quoting the story's own words where the topic fired."""
    story = read_story(article, statements)
    hits = _hits(topic, story)
    if hits:
        hit = _quoted_hit(hits, story.sentences, set())
        return _relevance(story.sentences[hit.sentence], hit.trigger)
    if story.sentences:
        return _relevance(story.sentences[0], None)
    return f"{topic.title} may bear on this story."


def _quoted_hit(hits: list[_Hit], sentences: list[_Sentence], quoted: set[int]) -> _Hit:
    """The hit to quote: the strongest in the body, whose sentence says more than a headline, and
    preferably one that no earlier note quotes already."""
    body = [h for h in hits if sentences[h.sentence].place != _WEIGHT_HEADLINE] or hits
    fresh = [h for h in body if h.sentence not in quoted] or body
    return max(fresh, key=lambda h: h.strength)


def _note(scored: Scored, sentences: list[_Sentence], quoted: set[int]) -> LegalNote:
    topic, hit = scored.topic, _quoted_hit(scored.hits, sentences, quoted)
    again = hit.sentence in quoted
    quoted.add(hit.sentence)
    return LegalNote(
        topic=topic.id,
        title=topic.title,
        jurisdiction=topic.jurisdiction,
        explanation=f"{topic.as_of()}{topic.one_line.strip()} {topic.explanation.strip()}".strip(),
        relevance=_relevance(sentences[hit.sentence], hit.trigger, again),
        authorities=[a.citation for a in topic.authorities],
        cautions=topic.cautions(),
    )


def choose_notes(story: Story, topics: list[Topic], limit: int = 3) -> tuple[list[LegalNote], str | None]:
    """The notes for a story from `topics`, or the line saying the story is outside their jurisdictions."""
    if story.where.place not in {UK if t.is_uk else US for t in topics}:
        return [], f"No legal context available for {_PLACE_NAMES.get(story.where.place, story.where.place)}."
    ranked = rank_topics(story, topics)
    if not ranked:
        return [], None
    floor = max(MIN_SCORE, RELATIVE_FLOOR * ranked[0].score)
    quoted: set[int] = set()
    return [_note(s, story.sentences, quoted) for s in _best(ranked, limit, floor)], None


def match_legal(
    article: Article, statements: list[Statement], limit: int = 3
) -> tuple[list[LegalNote], str | None]:
    """At most `limit` legal notes, most relevant first, and an optional 'no legal context' line."""
    return choose_notes(read_story(article, statements), load_topics(), limit)
