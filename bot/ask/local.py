"""The offline answerer: BM25 over the article's sentences, the declining rule, the question's topic."""

from __future__ import annotations

from bot.ask.decline import answering
from bot.ask.grounding import DECLINE, LEGAL_ONLY, SAYS, guarded, quotes_for
from bot.ask.retrieval import rank_sentences
from bot.ask.terms import read_question
from bot.ask.topics import question_topics, topic_note
from bot.engines.local import body_sentences
from bot.engines.local.classify import classify_all
from bot.models import Answer, Article, Usage

MAX_QUESTION_CHARS = 500  # a question is a line in chat; anything longer is cut before it is read


def answer_locally(article: Article, question: str) -> Answer:
    """Quote the sentences that answer `question` and the topic it names, or say the article doesn't."""
    question = " ".join(question.split())[:MAX_QUESTION_CHARS]
    sentences = body_sentences(article)
    statements = classify_all(sentences)
    asked = read_question(question)
    chosen = answering(asked, rank_sentences(asked, sentences), sentences, statements)
    quotes = quotes_for([hit.n for hit in chosen], sentences, statements)
    legal = [topic_note(topic) for topic in question_topics(article, statements, question)]
    if quotes:
        text = SAYS
        if asked.wants == "source" and quotes[0].source:
            text = f"Who says so, in the article: {quotes[0].source}."
    else:
        text = LEGAL_ONLY if legal else DECLINE
    answer = Answer(
        question=question,
        answered=bool(quotes or legal),
        text=text,
        quotes=quotes,
        legal=legal,
        article=article.meta(),
        engine="local",
        usage=Usage(),
    )
    return guarded(answer)
