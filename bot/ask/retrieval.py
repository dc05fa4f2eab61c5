"""Rank an article's numbered sentences for a question with BM25 (bm25s, Lucene's variant).

bm25s is chosen over rank-bm25: it is maintained, needs only numpy, and its Lucene IDF never
goes negative, which matters when the "documents" are the 20-60 sentences of one article and a
question word appears in half of them.
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass

from bot.ask.terms import Question, tokens


@dataclass(frozen=True)
class Hit:
    """One sentence's fit to the question."""

    n: int  # 1-based sentence number
    score: float  # BM25
    coverage: float  # IDF-weighted share of the question's terms the sentence contains (0-1)
    matched: frozenset[str]


def idf(df: int, total: int) -> float:
    """Lucene's BM25 IDF; a term no sentence uses weighs most."""
    return math.log(1 + (total - df + 0.5) / (df + 0.5))


def rank_sentences(question: Question, sentences: list[str]) -> list[Hit]:
    """Every sentence sharing a term with the question, best first (BM25, then coverage, then order)."""
    if not question.terms or not sentences:
        return []
    import bm25s  # numpy comes with it: imported only when someone asks

    # bm25s sets its own logger to DEBUG on import, which would print a line per question
    logging.getLogger("bm25s").setLevel(logging.WARNING)

    corpus = [tokens(s) for s in sentences]
    # bm25s needs a non-empty vocabulary: a sentence of stopwords only gets a token nobody asks for
    index = bm25s.BM25(method="lucene")
    index.index([words or ["\x00"] for words in corpus], show_progress=False)
    known = [t for t in question.terms if any(t in words for words in corpus)]
    scores = index.get_scores(known) if known else [0.0] * len(sentences)
    total = len(sentences)
    weights = {t: idf(sum(t in set(words) for words in corpus), total) for t in question.terms}
    whole = sum(weights.values())
    hits = []
    for i, words in enumerate(corpus):
        matched = frozenset(t for t in question.terms if t in words)
        if matched:
            coverage = sum(weights[t] for t in matched) / whole
            hits.append(Hit(n=i + 1, score=float(scores[i]), coverage=coverage, matched=matched))
    hits.sort(key=lambda h: (-h.score, -h.coverage, h.n))
    return hits
