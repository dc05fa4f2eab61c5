"""A follow-up question answered by the model in one structured call, and checked like every answer.

The model sees the article's numbered sentences, the candidate knowledge-base topics and the
question, all as delimited data, and answers with sentence numbers plus a few plain words.
Numbers that were not sent are dropped; plain words whose figures the quoted sentences do not
bear out are replaced by "The article says:"; with nothing left the answer is the decline line.
When the call fails, the offline answerer answers instead.
"""

from __future__ import annotations

import asyncio
import json
import logging
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from string import Template
from typing import Any

from pydantic import ValidationError

from bot.ask.grounding import DECLINE, LEGAL_ONLY, SAYS, borne_out, clamp, guarded, quotes_for
from bot.ask.local import MAX_QUESTION_CHARS, answer_locally
from bot.ask.topics import question_topics, topic_note
from bot.engines.local import body_sentences
from bot.engines.local.classify import classify_all

# The analysis engine's own call (retries, timeouts, metering) and failures, reused for one more kind of call.
from bot.engines.openai.engine import Fallback, InvalidAnswer, Meter, OpenAIEngine, Unsupported
from bot.engines.openai.failures import Failure
from bot.engines.openai.prompt import (
    NUMBER_TOKENS,
    PROMPTS_DIR,
    as_data,
    load_prompts,
    numbered_sentences,
    read_prompt,
    topic_lines,
)
from bot.engines.openai.schema import Strict, compact_schema
from bot.engines.openai.tokens import condense, encoding_for
from bot.legal.knowledge import Topic
from bot.legal.matcher import candidate_topics
from bot.models import LANGUAGE_CODE, Answer, Article, Statement

log = logging.getLogger(__name__)

CANDIDATE_TOPICS = 4
MAX_SENTENCES = 3
ANSWER_WORDS = 40


class AskOut(Strict):
    """The model's answer to one question: sentence numbers, topic ids and a few plain words."""

    answered: bool
    sentences: list[int]
    topics: list[str]
    answer: str


@dataclass(frozen=True)
class AskPrompts:
    """The ask templates and their version."""

    version: str
    system: Template
    user: Template


@cache
def load_ask_prompts(directory: Path = PROMPTS_DIR) -> AskPrompts:
    """Read the ask templates once."""
    return AskPrompts(
        version=read_prompt(directory, "ask_version.txt"),
        system=Template(read_prompt(directory, "ask_system.txt")),
        user=Template(read_prompt(directory, "ask_user.txt")),
    )


def ask_format() -> dict[str, Any]:
    """The `response_format` of an ask request (Structured Outputs, strict)."""
    schema = compact_schema(AskOut.model_json_schema())
    return {"type": "json_schema", "json_schema": {"name": "footnote_ask", "strict": True, "schema": schema}}


@dataclass(frozen=True)
class _AskRequest:
    sentences: list[str]
    statements: list[Statement]
    sent: set[int]
    topics: list[Topic]
    messages: list[dict[str, str]]
    bound: float


def _prepare(engine: OpenAIEngine, article: Article, question: str, language: str) -> _AskRequest:
    if not LANGUAGE_CODE.fullmatch(language):  # it goes into the prompt: only a plain code may
        raise ValueError(f"not a language code: {language!r}")
    settings = engine._settings
    sentences = body_sentences(article)
    statements = classify_all(sentences)
    encoding = encoding_for(settings.model, engine._cache_dir)
    condensed = condense(sentences, encoding, settings.article_token_budget, NUMBER_TOKENS)
    topics = question_topics(article, statements, question, CANDIDATE_TOPICS)
    topics += [t for t in candidate_topics(article, statements, CANDIDATE_TOPICS) if t not in topics]
    prompts = load_ask_prompts()
    user = prompts.user.substitute(
        headline=as_data(article.headline or article.title),
        site=as_data(article.site),
        sentences=numbered_sentences(condensed.sentences),
        topics=topic_lines(topics[:CANDIDATE_TOPICS]),
        question=as_data(question),
    )
    messages = [
        {"role": "system", "content": prompts.system.substitute(language=language)},
        {"role": "user", "content": user},
    ]
    return _AskRequest(
        sentences=sentences,
        statements=statements,
        sent={n for n, _ in condensed.sentences},
        topics=topics[:CANDIDATE_TOPICS],
        messages=messages,
        bound=settings.openai_timeout,
    )


def engine_name(engine: OpenAIEngine) -> str:
    """`openai:<model>/<ask prompt version>`."""
    return f"openai:{engine._settings.model}/{load_ask_prompts().version}"


async def ask_openai(engine: OpenAIEngine, article: Article, question: str, language: str = "en") -> Answer:
    """One structured call answering `question` from `article`; the offline answer if the call fails."""
    question = " ".join(question.split())[:MAX_QUESTION_CHARS]
    request = await asyncio.to_thread(_prepare, engine, article, question, language)
    meter = Meter()
    try:
        async with asyncio.timeout(2 * request.bound):
            out = await _structured_or_json(engine, request, meter)
    except Fallback as exc:
        return await _fall_back(engine, article, question, meter, exc.failure)
    except TimeoutError:
        return await _fall_back(engine, article, question, meter, Failure.TIMEOUT)
    except _INVALID:
        log.warning("invalid ask answer from %s; answering offline", engine.name)
        return await _fall_back(engine, article, question, meter, Failure.INVALID_RESPONSE)
    return guarded(_checked(out, request, article, question, engine, meter))


_INVALID = (ValidationError, ValueError, InvalidAnswer, Unsupported)


async def _structured_or_json(engine: OpenAIEngine, request: _AskRequest, meter: Meter) -> AskOut:
    """A Structured Outputs answer; from a server that ignores or refuses the schema, one retry in JSON
    mode with the schema in the prompt, as the analysis does."""
    try:
        content = await engine._complete(request.messages, ask_format(), meter, request.bound)
        return AskOut.model_validate_json(_json_object(content))
    except _INVALID:
        if not engine._settings.openai_json_mode_retry:
            raise
        log.warning("invalid ask answer from %s; retrying once in JSON mode", engine.name)
    schema = json.dumps(ask_format()["json_schema"]["schema"], separators=(",", ":"))
    instructions = {"role": "system", "content": load_prompts().json_mode.substitute(schema=schema)}
    messages = [request.messages[0], instructions, *request.messages[1:]]
    content = await engine._complete(messages, {"type": "json_object"}, meter, request.bound)
    return AskOut.model_validate_json(_json_object(content))


def _json_object(content: str) -> str:
    start, end = content.find("{"), content.rfind("}")
    if start < 0 or end < start:
        raise ValueError("no JSON object in the answer")
    return content[start : end + 1]


def _checked(
    out: AskOut, request: _AskRequest, article: Article, question: str, engine: OpenAIEngine, meter: Meter
) -> Answer:
    """The model's numbers and topics kept only where they were offered; its words only where borne out."""
    numbers = [n for n in out.sentences if n in request.sent][:MAX_SENTENCES]
    if len(numbers) != len(out.sentences):
        log.info("dropped %d sentence numbers the model was not shown", len(out.sentences) - len(numbers))
    offered = {t.id: t for t in request.topics}
    legal = [topic_note(offered[t]) for t in dict.fromkeys(s.strip() for s in out.topics) if t in offered]
    quotes = quotes_for(numbers, request.sentences, request.statements) if out.answered else []
    legal = legal[:1] if out.answered else []
    words = clamp(out.answer, ANSWER_WORDS)
    if not quotes and not legal:
        text = DECLINE
    elif words and borne_out(words, quotes, legal):
        text = words
    else:
        text = SAYS if quotes else LEGAL_ONLY
    return Answer(
        question=question,
        answered=bool(quotes or legal),
        text=text,
        quotes=quotes,
        legal=legal,
        article=article.meta(),
        engine=engine_name(engine),
        usage=engine._usage(meter),
    )


async def _fall_back(
    engine: OpenAIEngine, article: Article, question: str, meter: Meter, failure: Failure
) -> Answer:
    answer = await asyncio.to_thread(answer_locally, article, question)
    usage = engine._usage(meter, fallback=failure)
    return answer.model_copy(
        update={"engine": f"local (fallback from {engine_name(engine)})", "usage": usage}
    )
