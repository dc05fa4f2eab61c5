"""The OpenAI engine: one Structured Outputs call per article, the local engine when it fails.

Works with OpenAI and with OpenAI-compatible servers (`OPENAI_BASE_URL`). Retries are ours,
not the SDK's, so that an exhausted quota is not retried and every request is counted.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import openai
from pydantic import ValidationError

from bot import errors
from bot.config import Settings
from bot.engines.digest import files_digest
from bot.engines.local import LocalEngine, body_sentences
from bot.engines.local.classify import classify_all
from bot.engines.openai.answer import build_analysis
from bot.engines.openai.failures import Diagnosis, Failure, backoff_delay, diagnose, retry_after
from bot.engines.openai.pricing import estimate_cost, price_table
from bot.engines.openai.prompt import NUMBER_TOKENS, Prompts, build_messages, load_prompts, user_message
from bot.engines.openai.schema import ModelAnswer, response_format, schema_text
from bot.engines.openai.tokens import condense, count_tokens, encoding_for
from bot.legal.knowledge import Topic
from bot.legal.matcher import candidate_topics
from bot.models import Analysis, Article, Usage

log = logging.getLogger(__name__)

CANDIDATE_TOPICS = 6
# Time allowed per sentence sent, on top of FOOTNOTE_OPENAI_TIMEOUT: each one costs about 20 output
# tokens, and small models write roughly 60-100 tokens a second.
SECONDS_PER_SENTENCE = 0.25
# All attempts for one article together may take this many times one attempt's limit.
DEADLINE_ATTEMPTS = 2
# A compatible server may not need a key (Ollama, vLLM); the SDK still insists on one.
KEYLESS_PLACEHOLDER = "not-needed"


class Fallback(Exception):
    """The remote answer is unusable; the local engine answers instead."""

    def __init__(self, failure: Failure) -> None:
        super().__init__(failure.value)
        self.failure = failure


class InvalidAnswer(Exception):
    """The content is not JSON matching the schema."""


class Unsupported(Exception):
    """The server refused the request itself (HTTP 400), e.g. it has no Structured Outputs."""


@dataclass
class Meter:
    """Requests and tokens spent on one article, across retries."""

    requests: int = 0
    input_tokens: int = 0
    output_tokens: int = 0


@dataclass(frozen=True)
class _Request:
    """Everything prepared for one article before any network call."""

    sentences: list[str]
    sent: set[int]
    topics: list[Topic]
    user: str
    condensed: bool
    bound: float  # seconds per attempt: the answer, a label per sentence, grows with the article


@cache
def _answer_digest() -> str:
    return files_digest(("prompts/*", "engines/openai/*.py", "legal/*.py", "knowledge/*.yaml"))


def parse_answer(content: str | None) -> ModelAnswer:
    """The answer in a completion's content; tolerates a Markdown fence around the JSON."""
    text = (content or "").strip()
    start, end = text.find("{"), text.rfind("}")
    if start < 0 or end < start:
        raise InvalidAnswer("no JSON object in the answer")
    try:
        return ModelAnswer.model_validate_json(text[start : end + 1])
    except ValidationError as exc:
        raise InvalidAnswer(f"{exc.error_count()} schema errors") from exc


def prepare_request(
    article: Article, language: str, settings: Settings, prompts: Prompts, cache_dir: Path | None = None
) -> _Request:
    """The user message for one article and what goes with it, before any network call (CPU work).

    Trial mode uses it too, to count what an analysis by this engine would send."""
    sentences = body_sentences(article)
    encoding = encoding_for(settings.model, cache_dir)
    condensed = condense(sentences, encoding, settings.article_token_budget, NUMBER_TOKENS)
    if condensed.condensed:
        log.info(
            "condensed article to %d of %d sentences (%d tokens)",
            len(condensed.sentences),
            len(sentences),
            condensed.article_tokens,
        )
    local = classify_all(sentences)
    topics = candidate_topics(article, local, limit=CANDIDATE_TOPICS)
    user = user_message(prompts, article, condensed.sentences, len(sentences), topics, language)
    return _Request(
        sentences=sentences,
        sent={number for number, _ in condensed.sentences},
        topics=topics,
        user=user,
        condensed=condensed.condensed,
        bound=settings.openai_timeout + SECONDS_PER_SENTENCE * len(condensed.sentences),
    )


class OpenAIEngine:
    """Analyses an article with one structured request to an OpenAI(-compatible) chat model."""

    def __init__(self, settings: Settings) -> None:
        if settings.openai_api_key is None and not settings.openai_base_url:
            raise errors.EngineFailed(
                "The OpenAI engine needs OPENAI_API_KEY (or OPENAI_BASE_URL for a compatible server)."
            )
        self._settings = settings
        self._prompts = load_prompts()
        self._prices = price_table(settings.price_table)
        self._cache_dir = Path(settings.tiktoken_cache_dir) if settings.tiktoken_cache_dir else None
        self._local = LocalEngine()
        key = settings.openai_api_key.get_secret_value() if settings.openai_api_key else KEYLESS_PLACEHOLDER
        self._client = openai.AsyncOpenAI(
            api_key=key,
            base_url=settings.openai_base_url or None,
            timeout=settings.openai_timeout,
            max_retries=0,
        )

    multilingual = True

    @property
    def name(self) -> str:
        """`openai:<model>/<prompt version>`."""
        return f"openai:{self._settings.model}/{self._prompts.version}"

    @property
    def version(self) -> str:
        """`name` plus a digest of the prompts, the engine and the knowledge base it offers the model:
        an edited template re-explains links even if its VERSION was not bumped."""
        return f"{self.name}#{_answer_digest()}"

    async def aclose(self) -> None:
        """Close the HTTP connections."""
        await self._client.close()

    async def analyse(self, article: Article, language: str = "en") -> Analysis:
        """Explain one article, writing in `language`; falls back to the local engine rather than fail."""
        request = await asyncio.to_thread(self._prepare, article, language)
        meter = Meter()
        try:
            # Retries and the JSON-mode retry together get twice one attempt's time, then the
            # member gets the offline answer rather than a wait of minutes.
            async with asyncio.timeout(DEADLINE_ATTEMPTS * request.bound):
                answer = await self._ask(request, meter)
        except Fallback as exc:
            return await self._fall_back(article, exc.failure, meter)
        except TimeoutError:
            log.warning("no usable answer from %s in time; answering with the local engine", self.name)
            return await self._fall_back(article, Failure.TIMEOUT, meter)
        usage = self._usage(meter, condensed=request.condensed)
        return build_analysis(
            article, request.sentences, request.sent, answer, request.topics, self.name, usage
        )

    def _prepare(self, article: Article, language: str) -> _Request:
        # CPU and file work (tokenising, priming tiktoken's cache), run off the event loop.
        return prepare_request(article, language, self._settings, self._prompts, self._cache_dir)

    async def _ask(self, request: _Request, meter: Meter) -> ModelAnswer:
        messages = build_messages(self._prompts, request.user)
        try:
            return parse_answer(await self._complete(messages, response_format(), meter, request.bound))
        except (InvalidAnswer, Unsupported) as exc:
            if not self._settings.openai_json_mode_retry:
                log.warning("invalid answer from %s (%s); answering with the local engine", self.name, exc)
                raise Fallback(Failure.INVALID_RESPONSE) from exc
            log.warning("invalid answer from %s (%s); retrying once in JSON mode", self.name, exc)
        messages = build_messages(self._prompts, request.user, json_mode_schema=schema_text())
        try:
            return parse_answer(await self._complete(messages, {"type": "json_object"}, meter, request.bound))
        except (InvalidAnswer, Unsupported) as exc:
            log.warning("invalid answer in JSON mode too (%s); answering with the local engine", exc)
            raise Fallback(Failure.INVALID_RESPONSE) from exc

    async def _complete(
        self, messages: list[dict[str, str]], fmt: dict[str, Any], meter: Meter, bound: float
    ) -> str:
        """One completion's content, retrying rate limits, 5xx, timeouts and connection errors;
        each attempt ends after `bound` seconds."""
        retries = max(self._settings.openai_max_retries, 0)
        for attempt in range(retries + 1):
            meter.requests += 1
            try:
                # The SDK's timeout bounds each read; this bounds the whole attempt (slow trickles too).
                async with asyncio.timeout(bound):
                    completion = await self._client.chat.completions.create(
                        timeout=bound,
                        model=self._settings.model,
                        messages=messages,
                        response_format=fmt,  # type: ignore[arg-type]
                    )
            except (openai.APIError, TimeoutError) as exc:
                diagnosis = diagnose(exc)
                if diagnosis.unsupported_request:
                    raise Unsupported(f"HTTP 400 from {self.name}") from exc
                if diagnosis.retryable and attempt < retries:
                    delay = backoff_delay(attempt, retry_after(exc))
                    log.info(
                        "%s from %s; retry %d in %.1fs", diagnosis.failure, self.name, attempt + 1, delay
                    )
                    await asyncio.sleep(delay)
                    continue
                self._log_failure(diagnosis, attempt + 1)
                raise Fallback(diagnosis.failure) from exc
            return self._content(completion, messages, meter)
        raise AssertionError("unreachable: the last attempt returns or raises")

    def _content(self, completion: Any, messages: list[dict[str, str]], meter: Meter) -> str:
        choice = completion.choices[0] if completion.choices else None
        content = choice.message.content if choice else None
        if completion.usage is not None:
            meter.input_tokens += completion.usage.prompt_tokens or 0
            meter.output_tokens += completion.usage.completion_tokens or 0
        else:
            # Some compatible servers omit usage; count what we sent and received ourselves.
            encoding = encoding_for(self._settings.model, self._cache_dir)
            meter.input_tokens += sum(count_tokens(m["content"], encoding) for m in messages)
            meter.output_tokens += count_tokens(content or "", encoding)
        if choice is None:
            raise InvalidAnswer("no choices in the completion")
        if getattr(choice.message, "refusal", None) or choice.finish_reason == "content_filter":
            log.warning("%s refused to analyse the article; answering with the local engine", self.name)
            raise Fallback(Failure.REFUSED)
        if choice.finish_reason == "length":
            log.warning(
                "answer from %s was cut at the output limit; answering with the local engine", self.name
            )
            raise Fallback(Failure.INVALID_RESPONSE)
        return content or ""

    def _log_failure(self, diagnosis: Diagnosis, attempts: int) -> None:
        # Messages differ per reason so that operators can grep them; never include the key or the body.
        failure = diagnosis.failure
        if failure is Failure.INSUFFICIENT_QUOTA:
            log.warning(
                "OpenAI quota exhausted (insufficient_quota): check billing; answering with the local engine"
            )
        elif failure is Failure.RATE_LIMITED:
            log.warning(
                "rate limited by %s after %d attempts; answering with the local engine", self.name, attempts
            )
        elif diagnosis.status is not None and diagnosis.status < 500:
            log.warning(
                "%s rejected the request (HTTP %d): check OPENAI_API_KEY, FOOTNOTE_MODEL, OPENAI_BASE_URL; "
                "answering with the local engine",
                self.name,
                diagnosis.status,
            )
        else:
            log.warning(
                "%s after %d attempts to %s; answering with the local engine", failure, attempts, self.name
            )

    def _usage(self, meter: Meter, *, condensed: bool = False, fallback: Failure | None = None) -> Usage:
        cost = estimate_cost(self._settings.model, meter.input_tokens, meter.output_tokens, self._prices)
        return Usage(
            requests=meter.requests,
            input_tokens=meter.input_tokens,
            output_tokens=meter.output_tokens,
            cost_usd=cost,
            condensed=condensed,
            fallback=fallback.value if fallback else None,
        )

    async def _fall_back(self, article: Article, failure: Failure, meter: Meter) -> Analysis:
        analysis = await asyncio.to_thread(self._local.analyse_sync, article)  # CPU work: off the loop
        # What the failed attempts cost is still reported, so budgets and stats stay honest.
        return analysis.model_copy(
            update={
                "engine": f"{analysis.engine} (fallback from {self.name})",
                "usage": self._usage(meter, fallback=failure),
            }
        )
