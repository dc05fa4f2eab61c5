"""Turn sentence numbers into verbatim quotes, keep only plain words the quotes bear out, and pass
every text through the citation guard."""

from __future__ import annotations

import re

from bot.legal.guard import guard_analysis
from bot.models import Analysis, Answer, Kind, LegalNote, Quote, Statement

DECLINE = "The article doesn't say."
SAYS = "The article says:"
LEGAL_ONLY = "The article doesn't say, but Footnote's legal notes explain it:"
ANSWER_WORDS = 60
_FIGURE = re.compile(r"(?<![\w.,])\d[\d,.]*")


def quotes_for(numbers: list[int], sentences: list[str], statements: list[Statement]) -> list[Quote]:
    """Quotes for the valid numbers, in the order given: out-of-range and repeated numbers are dropped."""
    quotes: list[Quote] = []
    for n in numbers:
        if 1 <= n <= len(sentences) and all(q.n != n for q in quotes):
            said = statements[n - 1] if n <= len(statements) else None
            source = said.source if said is not None and said.kind != Kind.FACT else None
            quotes.append(Quote(n=n, text=sentences[n - 1], source=source))
    return quotes


def borne_out(text: str, quotes: list[Quote], legal: list[LegalNote]) -> bool:
    """Whether every figure in a model's plain words appears in what is quoted or explained."""
    shown = " ".join([q.text for q in quotes] + [n.explanation for n in legal])
    figures = {figure.rstrip(".,") for figure in _FIGURE.findall(shown)}
    return all(figure.rstrip(".,") in figures for figure in _FIGURE.findall(text))


def clamp(text: str, limit: int = ANSWER_WORDS) -> str:
    """Plain words on one line, at most `limit` words."""
    words = text.split()
    return " ".join(words) if len(words) <= limit else " ".join(words[:limit]) + " …"


def guarded(answer: Answer) -> Answer:
    """The answer with every citation the knowledge base does not hold removed (and counted)."""
    statements = [Statement(text=q.text, kind=Kind.FACT, source=q.source) for q in answer.quotes]
    checked = guard_analysis(
        Analysis(article=answer.article, summary=answer.text, statements=statements, legal=answer.legal)
    )
    quotes = [
        q.model_copy(update={"text": s.text, "source": s.source})
        for q, s in zip(answer.quotes, checked.statements, strict=True)
    ]
    usage = answer.usage.model_copy(
        update={"citations_removed": answer.usage.citations_removed + checked.usage.citations_removed}
    )
    return answer.model_copy(
        update={"text": checked.summary, "quotes": quotes, "legal": checked.legal, "usage": usage}
    )
