"""Statement classification by rules: speculation > claim > opinion > fact (LABELING.md).

Cues are looked for in the sentence's central part: non-restrictive side clauses (", which
...", "— one that ...") describe something else and do not decide the kind. Cues that follow
a court's holding or a law's terms describe what the law says, not what may happen.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.engines.local import cues
from bot.engines.local.cues import word_set
from bot.engines.local.lexicon import is_evaluative
from bot.engines.local.patterns import Cue
from bot.models import Kind, Statement

_PRONOUNS = word_set("he she they it we i his her their its")
_LEADING_JUNK = Cue(
    r"^(?:and|but|so|while|though|although|yet|or|as|because|since|when|whereas|meanwhile|however|then)\s+",
    re.I,
)
_TRAILING_JUNK = Cue(
    r"\s+(?:also|later|earlier|previously|repeatedly|publicly|privately|separately|again|has|have|had|once"
    r"|still|already|further|then|now|who|had\s+previously|have\s+long|has\s+long|long|both|all)$",
    re.I,
)
_LEADING_PHRASE = Cue(
    r"^(?:in|on|at|after|before|during|for|with|by|from|under|writing|speaking|asked|meanwhile|however|still"
    r"|also|separately|later|earlier|so|but|and|since|as|when|while|though|although|in\s+a)\b",
    re.I,
)
_APPOSITIVE_START = Cue(r"^(?:a|an|including|such\s+as|like)\b", re.I)
_QUOTE_CLOSE = Cue(r"^.*[”\"],?\s*", re.S)
# '…," said Dana Whitfield.' or '…, said the company's spokeswoman.'
_SPEAKER_ROLE = (
    r"(?:spokes(?:person|man|woman)|officials?|agency|department|company|police|prosecutors?|lawyers?"
    r"|attorneys?|ministry|office|union|council|mayor|governor|minister|president|executive|chief|director"
    r"|manager|sources?|statement|report|campaign|committee|board|authorities)"
)
_AFTER_VERB_NAME = Cue(
    # Up to six capitalised words, a space or more between them (were the spaces optional, a run of
    # capitals could be cut into "words" in every possible way, and a long one took minutes to reject).
    r"\s+([A-Z][\w.’'-]*(?:\s+[A-Z][\w.’'-]*){0,5}?\s*|(?:the|a|an)\s+(?:[\w’'-]+\s+){0,3}?"
    + _SPEAKER_ROLE
    + r")"
    r"(?:[,.;]|\s+(?:in|on|at|of|who)\b|$)"
)
_FIRST_CLAUSE = Cue(r",\s*but\b|;|—|–|\bbut\s+", re.I)
_SUBJECT_BREAK = Cue(r"[,;:“”\"]|\s{3,}")
_CLAIM_DOCS = Cue(r"\b(complaint|lawsuit|suit|indictment|petition|filing|motion|affidavit|claim)\W*$", re.I)
_RULING_SUBJECT_FOUND = Cue(
    r"\b(?:court|judge|jury|justices?|panel|majority|decision|ruling)\b[^.;]{0,40}?"
    r"\b(?:found|finding|concluded|concluding)\s+that\b",
    re.I,
)
_FILING_SUBJECT = Cue(
    r"\b(?:suit|lawsuit|complaint|indictment|petition|filing|charges?|motion|subpoena)\b", re.I
)
_RULED_OUT = Cue(r"\bruled\s+out\b", re.I)
# An absence inside a relative clause ("a drug that has yet to finish testing") qualifies a noun.
_RELATIVE_BEFORE = Cue(r"\b(?:that|which|who)\s+(?:\w+\s+){0,2}$", re.I)


# The reason given for a fact nothing marks as anything else: in an opinion column, the writer's view.
_REPORTERS_VOICE = "reporter's voice"
# The reason given for a fact that states a court's holding or a law's terms.
RULING_WHY = "court ruling or legal rule"


@dataclass(frozen=True)
class _Cue:
    """One signal found in a sentence, with where it starts (for scope and source finding)."""

    label: str
    start: int
    end: int


def _blank(text: str, pattern: Cue) -> str:
    """`text` with every match of `pattern` replaced by spaces (offsets are preserved)."""
    return pattern.sub(lambda m: " " * len(m.group(0)), text)


def _first(found: list[_Cue]) -> _Cue:
    """The earliest cue of a non-empty list."""
    return min(found, key=lambda c: c.start)


def _ruling_cut(core: str) -> int:
    """Where a court holding or a law's terms begin; cues after it describe the law."""
    ends = []
    for match in cues.RULING.finditer(core):
        if match.group(1).lower() == "held" and not re.match(r"\s+that\b", core[match.end() :]):
            continue
        if match.group(1).lower() == "ruled" and _RULED_OUT.match(core, match.start()):
            continue
        ends.append(match.end())
    ends += [match.end() for match in cues.LEGAL_RULE.finditer(core)]
    found = _RULING_SUBJECT_FOUND.search(core)
    if found:
        ends.append(found.end())
    wrote = cues.COURT_WROTE.search(core)
    if wrote and not cues.DISSENT.search(core, 0, wrote.start("verb")):
        ends.append(wrote.start("verb"))  # the court's own words follow: "wrote" attributes nothing
    return min(ends) if ends else len(core)


def _reported_from(core: str) -> int:
    """Where speech reported second-hand begins ("said managers had warned that ..."), else the end."""
    nested = cues.NESTED_REPORT.search(core)
    if nested and _attribution_cues(core[: nested.start()]):
        return nested.end()
    return len(core)


def _modal_cues(core: str, reported: int) -> list[_Cue]:
    """Modal verbs before `reported`, without "will" the noun, "May" the month or "would-be"."""
    found: list[_Cue] = []
    for match in cues.MODAL.finditer(core, 0, reported):
        word = match.group(0)
        around = core[max(0, match.start() - 20) : match.end() + 10]
        if word.lower() == "will" and cues.WILL_NOUN.search(around):
            continue
        if (
            word == "May"
            and cues.MAY_MONTH.search(core, match.start(), match.end() + 5)
            and match.start() > 0
        ):
            continue
        if word.lower() == "would" and cues.WOULD_BE.match(core, match.start()):
            continue
        found.append(_Cue(f"modal: {word.lower().lstrip('’')}", match.start(), match.end()))
    return found


def _condition_cues(core: str, reported: int) -> list[_Cue]:
    """A condition after the sentence start ("faces 10 years if convicted"), not `if` as "whether"."""
    return [
        _Cue(f"conditional: {match.group(0).lower()}", match.start(), match.end())
        for match in cues.CONDITIONAL_CLAUSE.finditer(core, 0, reported)
        if match.start() > 0 and not cues.IF_AS_WHETHER.search(core, 0, match.start())
    ]


def _speculation_cues(core: str, sentence: str) -> list[_Cue]:
    """Modal, future, conditional, inference and fear/hope cues in the central part."""
    found: list[_Cue] = []
    if cues.CONDITIONAL_START.search(sentence):
        found.append(_Cue("conditional: if", 0, 0))
    for pattern in (
        cues.MODAL_IDIOM,
        cues.UNANSWERED,
        cues.PAST_SCHEDULE,
        cues.DESCRIPTIVE_MODAL,
        cues.REFUSAL,
        cues.PAST_ABILITY,
        cues.PLAN_NOUN,
        cues.UNKNOWN_PAST,
        cues.FAILED_PREDICTION,
        cues.PLAN_RELATIVE,
        cues.COMPARATIVE_JUDGEMENT,
        cues.PAST_PROSPECTIVE,
        cues.RELATIVE_REPORT,
        cues.DOCUMENT_CONTENT,
    ):
        core = _blank(core, pattern)
    reported = _reported_from(core)
    found += _modal_cues(core, reported) + _condition_cues(core, reported)
    for pattern, kind in (
        (cues.FUTURE_PHRASE, "future"),
        (cues.EXPECT, "prediction"),
        (cues.ODDS, "odds"),
        (cues.GOING_TO, "future"),
        (cues.FEAR_HOPE, "fear/hope"),
        (cues.INFERENCE, "inference"),
        (cues.POSSIBLE_PREDICATE, "possibility"),
    ):
        for match in pattern.finditer(core):
            noun = kind == "future" and match.group(0).lower().startswith(("forecast", "predict"))
            if noun and cues.FORECAST_NOUN.search(core, 0, match.start()):
                continue  # "cut its forecast": a forecast someone has, reported
            phrase = " ".join(match.group(0).lower().split())
            found.append(_Cue(f"{kind}: {phrase}", match.start(), match.end()))
    return found


def _say_is_attribution(core: str, match: re.Match[str]) -> bool:
    """Whether a speech verb attributes the sentence to someone (not "declined to say")."""
    verb = match.group(1).lower()
    before = core[: match.start()]
    if re.search(r"\bto\s+$", before) or cues.NOUN_BEFORE.search(before):
        return False
    if verb in {
        "told",
        "denied",
        "added",
        "stated",
        "noted",
        "explained",
        "warned",
        "estimated",
    } and cues.PASSIVE_BEFORE.search(before):
        return False
    if verb in cues.NEEDS_CLAUSE and not cues.CLAUSE_AFTER.match(core, match.end()):
        return False
    if verb == "described" and cues.PARTICIPLE_AFTER.match(core, match.end()):
        return False
    if verb.startswith("conced") and not re.search(r"\bthat\b|[:“\"]", core[match.end() :]):
        return False  # "Lin conceded in a speech": conceding the race is an act, not a say-so
    if cues.SUBORDINATOR.search(before) and len(before.split()) > 3:
        return False  # "... nearly four weeks after it says it discovered ...": not the main clause
    at_end = bool(re.match(r"\W*$", core[match.end() :]))
    if verb in cues.NOUN_LIKE and at_end and not cues.PRONOUN_BEFORE.search(before):
        return False
    if verb == "say" and at_end and cues.SAY_NOUN.search(before):
        return False
    clause = _SUBJECT_BREAK.split(before)[-1]
    subject = " ".join(clause.split()[-3:])
    # "people briefed on the decision say": the speakers are people, whatever they were briefed on
    return not (
        verb in {"say", "says", "said"}
        and cues.RULING_DOC.search(subject)
        and not _CLAIM_DOCS.search(subject)
        and not cues.ANON_SOURCE.search(clause)
    )


def _attribution_cues(unquoted: str) -> list[_Cue]:
    """Who-says-so cues: speech verbs, "according to", "reportedly", second-hand reports."""
    found: list[_Cue] = []
    for match in cues.ACCORDING_TO.finditer(unquoted):
        found.append(_Cue("attribution: according to", match.start(), match.end()))
    for match in cues.REPORTEDLY.finditer(unquoted):
        found.append(_Cue(f"attribution: {match.group(1).lower()}", match.start(), match.end()))
    for match in cues.SECONDHAND.finditer(unquoted):
        found.append(_Cue("attribution: second-hand report", match.start(), match.end()))
    for match in re.finditer(r"\breported\s+that\b", unquoted, re.I):
        found.append(_Cue("attribution: reported", match.start(), match.end()))
    if not cues.NEGATED_SAY.search(unquoted):
        for match in cues.SAY_VERB.finditer(unquoted):
            if _say_is_attribution(unquoted, match):
                found.append(_Cue(f"attribution: {match.group(1).lower()}", match.start(), match.end()))
    for match in cues.ACCUSED_PASSIVE.finditer(unquoted):
        found.append(_Cue("attribution: accused", match.start(), match.end()))
    for match in cues.HEARSAY.finditer(unquoted):
        phrase = " ".join(match.group(0).lower().split())
        found.append(_Cue(f"attribution: {phrase}", match.start(), match.end()))
    for pattern, kind in ((cues.CHARACTERISES, "characterises"), (cues.DENIES, "denies")):
        for match in pattern.finditer(unquoted):
            if not cues.COURT_SUBJECT.search(_SUBJECT_BREAK.split(unquoted[: match.start()])[-1]):
                found.append(_Cue(f"attribution: {kind}", match.start(), match.end()))
    anonymous = cues.ANON_SOURCE.search(unquoted)
    if anonymous and len(unquoted[: anonymous.start()].split()) <= 2:
        found.append(_Cue("attribution: unnamed source", anonymous.start(), anonymous.end()))
    for match in cues.ACCUSES_OF.finditer(unquoted):
        # "The suit accuses the firm of fraud" reports what a filing says: the filing is the fact
        if not _FILING_SUBJECT.search(_SUBJECT_BREAK.split(unquoted[: match.start()])[-1]):
            found.append(_Cue("attribution: accused", match.start(), match.end()))
    return found


def _opinion_cues(unquoted: str, sentence: str) -> list[_Cue]:
    """Evaluation in the writer's own voice (quotations belong to their speakers)."""
    found: list[_Cue] = []
    for pattern in (cues.TERM_OF_ART, cues.OFFICIAL_DISASTER, cues.EMBEDDED_QUESTION, cues.LEGAL_RULE):
        unquoted = _blank(unquoted, pattern)
    for pattern, kind in (
        (cues.EVALUATIVE, "evaluative"),
        (cues.EVALUATIVE_FRAME, "evaluative framing"),
        (cues.WRITER_ADVERB, "writer's voice"),
        (cues.RHETORIC, "rhetorical framing"),
        (cues.EXCLAMATION, "exclamation"),
        (cues.IMPERATIVE_START, "imperative"),
        (cues.NORMATIVE, "normative"),
        (cues.FIRST_PERSON, "first person"),
        (cues.WRITER_STANCE, "writer's stance"),
    ):
        for match in pattern.finditer(unquoted):
            if unquoted[match.end() : match.end() + 1] == "-":
                continue  # part of a compound ("the worst-hit district"), not a judgement
            phrase = " ".join(match.group(match.lastindex or 0).lower().split())
            found.append(_Cue(f"{kind}: {phrase}", match.start(), match.end()))
    if unquoted.rstrip().endswith("?"):
        found.append(_Cue("rhetorical question", len(unquoted), len(unquoted)))
    return found + _judgement_cues(unquoted)


# Words between a copula and the adjective that say how much, not what ("was also two months late").
_DEGREE_WORDS = word_set(
    """a an the one so too very really also still just simply exactly quite rather truly deeply utterly all
    far more most less not never hardly only even plainly two three months weeks years days"""
)
# A predicate this short after a full noun subject is a bare characterisation ("The offence was lifeless").
_SHORT_PREDICATE = 3


def _evaluative_at(text: str, start: int, end: int) -> re.Match[str] | None:
    """The first evaluative adjective (or adverb) in text[start:end] not introducing a complement."""
    for word in re.finditer(r"[A-Za-z][a-z]+", text[start:end]):
        if word.group(0)[0].isupper() and word.start() + start > 0:
            continue  # a name ("Superior Court"), not a judgement
        if is_evaluative(word.group(0)) and not cues.COMPLEMENT_AFTER.match(text, start + word.end()):
            return word
    return None


def _judgement_cues(unquoted: str) -> list[_Cue]:
    """The writer's judgement in plain words: evaluative predicates, degrees of judgement, framing."""
    found: list[_Cue] = []
    for match in cues.COPULAR.finditer(unquoted):
        rest = match.group("rest")
        words = rest.split()
        pointer = bool(cues.POINTER_SUBJECT.search(unquoted[: match.start()]))
        if not pointer and len(words) > _SHORT_PREDICATE and words[0].lower() not in {"a", "an"}:
            continue
        head = 0
        while head < len(words) and words[head].lower() in _DEGREE_WORDS:
            head += 1
        reach = len(" ".join(words[: head + 2])) if pointer or head else len(rest)
        word = _evaluative_at(unquoted, match.start("rest"), match.start("rest") + reach)
        if word:
            found.append(_Cue(f"evaluative predicate: {word.group(0).lower()}", match.start(), match.end()))
    frame = cues.POINTER_FRAME.match(unquoted)
    if frame and not cues.STRONG_FACT.search(unquoted) and not re.search(r"\s[A-Z]", unquoted[frame.end() :]):
        found.append(_Cue("writer's characterisation", frame.start(), frame.end()))
    for pattern, kind in (
        (cues.DID_SOMETHING, "characterised act"),
        (cues.DEGREE_ADVERB, "degree of judgement"),
    ):
        for match in pattern.finditer(unquoted):
            if is_evaluative(match.group("word")):
                found.append(_Cue(f"{kind}: {match.group('word').lower()}", match.start(), match.end()))
    for pattern, kind in (
        (cues.COMPARATIVE_JUDGEMENT, "comparative of judgement"),
        (cues.NOT_INSTEAD, "writer's correction"),
        (cues.SECOND_PERSON, "second person"),
        (cues.FRAMING_CLAUSE, "framing"),
    ):
        for match in pattern.finditer(unquoted):
            found.append(_Cue(kind, match.start(), match.end()))
    return found


def _clean_source(text: str) -> str | None:
    """A speaker phrase trimmed of connectives, adverbs and punctuation."""
    text = " ".join(text.replace("“", "").replace("”", "").replace('"', "").split()).strip(" ,;:—–-")
    previous = None
    while previous != text:
        previous = text
        text = _LEADING_JUNK.sub("", text)
        text = _TRAILING_JUNK.sub("", text).strip(" ,;:")
    if not text or len(text.split()) > 14:
        return None
    return text


def _speaker_before(text: str, start: int) -> str | None:
    """The subject of a speech verb at `start`: the noun phrase just before it."""
    prefix = (
        _QUOTE_CLOSE.sub("", text[:start]) if re.search(r"[”\"],\s*[^”\"]*$", text[:start]) else text[:start]
    )
    chunks = [c for c in (part.strip() for part in re.split(r"[,;]", prefix)) if c]
    if not chunks:
        return None
    subject = chunks[-1]
    if len(chunks) > 1 and _APPOSITIVE_START.match(subject) and chunks[-2][:1].isupper():
        subject = f"{chunks[-2]}, {subject}"
    elif (
        len(chunks) > 1
        and len(subject.split()) <= 3
        and subject[:1].isupper()
        and chunks[-2][:1].isupper()
        and len(chunks[-2].split()) <= 5
        and not _LEADING_PHRASE.match(chunks[-2])
    ):
        # "Ostrowski's attorney, Lena Carvajal, said": role and name
        subject = f"{chunks[-2]}, {subject}"
    return _clean_source(subject)


def _speaker_after(text: str, end: int) -> str | None:
    """An inverted speaker: '"...," said Dana Whitfield.'"""
    match = _AFTER_VERB_NAME.match(text, end)
    return _clean_source(match.group(1).strip().rstrip(".")) if match else None


def _source(
    core: str, attributions: list[_Cue], speculation: list[_Cue], previous: Statement | None
) -> str | None:
    """Who says so: the named or unnamed speaker behind a claim or an attributed speculation."""
    anonymous = cues.ANON_SOURCE.search(core)
    # "according to X" names the source even when a speech verb comes first
    for cue in sorted(attributions, key=lambda c: (c.label != "attribution: according to", c.start)):
        if cue.label == "attribution: according to":
            tail = core[cue.end :]
            source = _clean_source(re.split(r"[,;.]", tail, maxsplit=1)[0])
            if source:
                return source
        elif cue.label.startswith("attribution: report") or cue.label in {
            "attribution: allegedly",
            "attribution: unnamed source",
        }:
            continue
        elif cues.PASSIVE_BEFORE.search(core[: cue.start]):
            continue  # "is said to be": nobody is named
        elif cue.label == "attribution: second-hand report":
            words = re.sub(
                r"\b(?:as|described|reported|first|by|according|to|citing)\b", " ", core[cue.start : cue.end]
            )
            return _clean_source(f"{' '.join(words.split())} (second-hand)")
        else:
            if core[: cue.start].rstrip().endswith(","):  # "…, said the spokesperson": inverted
                speaker = _speaker_after(core, cue.end) or _speaker_before(core, cue.start)
            else:
                speaker = _speaker_before(core, cue.start) or _speaker_after(core, cue.end)
            if speaker and speaker.lower() in _PRONOUNS:
                return previous.source if previous else None
            if speaker:
                return speaker
    if anonymous:
        return _clean_source(anonymous.group(1))
    for cue in speculation:
        if cue.label.startswith("fear/hope") and cue.start > 0:
            speaker = _speaker_before(core, cue.start)
            if speaker and speaker.lower() not in _PRONOUNS and len(speaker.split()) <= 6:
                return speaker
    for cue in attributions:
        if cue.label in {"attribution: reportedly", "attribution: allegedly", "attribution: purportedly"}:
            return f"{cue.label.split(': ')[1]} (source not named)"
    return None


def _absence_first(core: str, attributions: list[_Cue]) -> bool:
    """True when the main clause reports that something has not happened or has no evidence."""
    split = _FIRST_CLAUSE.search(core)
    first_end = split.start() if split else len(core)
    if any(c.start < first_end for c in attributions):
        return False
    return any(
        not _RELATIVE_BEFORE.search(core, 0, match.start())
        for match in cues.ABSENCE.finditer(core, 0, first_end)
    )


# A sentence's kind is decided by its first this many characters. A longer "sentence" is a run-on from a
# page without full stops; reading all of it would cost time quadratic in its length (cue × prefix).
MAX_SCAN = 1500


def classify(sentence: str, previous: Statement | None = None, opinion_voice: bool = False) -> Statement:
    """One sentence → its kind, who says so, and the cue that decided.

    `previous` resolves pronoun speakers ("She said ..."); `opinion_voice` is set for columns,
    where the writer's unmarked sentences are opinion unless they carry a checkable detail.
    """
    if len(sentence) <= MAX_SCAN:
        return _classify(sentence, previous, opinion_voice)
    return _classify(sentence[:MAX_SCAN], previous, opinion_voice).model_copy(update={"text": sentence})


def _classify(sentence: str, previous: Statement | None, opinion_voice: bool) -> Statement:
    """`classify` on a sentence short enough to read whole."""
    if cues.BOILERPLATE.search(sentence):
        return Statement(text=sentence, kind=Kind.FACT, why="editorial note")
    if cues.WHOLE_QUOTE.match(sentence):
        return _quotation(sentence, previous)
    core = _blank(sentence, cues.SIDE_CLAUSE)
    cut = _ruling_cut(core)
    scoped = core[:cut]
    unquoted = _blank(scoped, cues.QUOTED)
    speculation = _speculation_cues(scoped, sentence)
    attributions = _attribution_cues(unquoted)
    conditional = bool(speculation) and speculation[0].label.startswith("conditional")
    if not conditional and _absence_first(core, attributions):
        return Statement(text=sentence, kind=Kind.FACT, why="reports an absence: nothing shown yet")
    if speculation:
        cue = speculation[0] if conditional else _first(speculation)
        source = _source(core, attributions, speculation, previous)
        return Statement(text=sentence, kind=Kind.SPECULATION, source=source, why=cue.label)
    if attributions:
        cue = _first(attributions)
        source = _source(core, attributions, [], previous)
        return Statement(text=sentence, kind=Kind.CLAIM, source=source, why=cue.label)
    opinions = _opinion_cues(unquoted, sentence)
    if opinions:
        opinion = _first(opinions)
        return Statement(text=sentence, kind=Kind.OPINION, why=opinion.label)
    if cut < len(core):
        return Statement(text=sentence, kind=Kind.FACT, why=RULING_WHY)
    if opinion_voice and not cues.STRONG_FACT.search(unquoted):
        return Statement(text=sentence, kind=Kind.OPINION, why="opinion column: writer's voice")
    return Statement(text=sentence, kind=Kind.FACT, why=_REPORTERS_VOICE)


def _quotation(sentence: str, previous: Statement | None) -> Statement:
    """A sentence that is only a quotation: the previous speaker's say-so, or their prediction."""
    source = previous.source if previous else None
    speculation = _speculation_cues(sentence, sentence)
    if speculation:
        return Statement(text=sentence, kind=Kind.SPECULATION, source=source, why=_first(speculation).label)
    return Statement(text=sentence, kind=Kind.CLAIM, source=source, why="quotation without a speech verb")


def classify_all(sentences: list[str], opinion_voice: bool = False) -> list[Statement]:
    """Classify sentences in order, each with its predecessor as context for pronoun speakers."""
    statements: list[Statement] = []
    # A sentence's kind depends only on it and the previous speaker: a page repeating sentences
    # (a cheap way to make a huge page) costs one classification per distinct pair.
    seen: dict[tuple[str, str | None], Statement] = {}
    for sentence in sentences:
        previous = statements[-1] if statements else None
        key = (sentence, previous.source if previous else None)
        known = seen.get(key)
        # a copy: later stages tell statements apart by identity
        statements.append(
            known.model_copy() if known else seen.setdefault(key, classify(sentence, previous, opinion_voice))
        )
    return statements


def in_opinion_voice(statements: list[Statement]) -> list[Statement]:
    """`classify_all(..., opinion_voice=True)` from the plain classification: the voice decides only
    sentences left to the reporter's voice, and never changes a speaker."""
    return [
        classify(s.text, statements[n - 1] if n else None, opinion_voice=True)
        if s.why == _REPORTERS_VOICE
        else s
        for n, s in enumerate(statements)
    ]
