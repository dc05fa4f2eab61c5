"""Offline tiktoken priming and condensing an article to a token budget."""

from __future__ import annotations

import gzip
import hashlib
from pathlib import Path

import pytest
import tiktoken
import tiktoken.load
from tiktoken_ext import openai_public

from bot.engines.openai.tokens import (
    O200K_SHA256,
    VocabularyCorrupt,
    bundled_o200k,
    cache_path,
    condense,
    count_tokens,
    encoding_for,
    encoding_name,
    information_score,
    prime_tiktoken_cache,
)


@pytest.fixture
def no_network(monkeypatch):
    """Any attempt by tiktoken to download a vocabulary fails the test."""

    def refuse(blobpath: str) -> bytes:
        if "://" in blobpath:
            raise AssertionError(f"tiktoken tried the network: {blobpath}")
        return original(blobpath)

    original = tiktoken.load.read_file
    monkeypatch.setattr(tiktoken.load, "read_file", refuse)


def test_official_hash_is_the_one_tiktoken_expects():
    assert f'"{O200K_SHA256}"' in Path(openai_public.__file__).read_text(encoding="utf-8")


def test_priming_an_empty_cache_lets_tiktoken_load_o200k_without_network(tmp_path, monkeypatch, no_network):
    monkeypatch.setenv("TIKTOKEN_CACHE_DIR", str(tmp_path))
    written = prime_tiktoken_cache(tmp_path)
    assert written == cache_path(tmp_path)
    assert hashlib.sha256(written.read_bytes()).hexdigest() == O200K_SHA256
    # Reads the vocabulary through tiktoken's cache (not its in-process encoding registry).
    ranks = openai_public.o200k_base()["mergeable_ranks"]
    assert len(ranks) > 199_000
    encoding = tiktoken.get_encoding("o200k_base")
    assert encoding.decode(encoding.encode("Footnote reads the article.")) == "Footnote reads the article."


def test_a_corrupted_bundled_copy_is_refused(tmp_path):
    bad = tmp_path / "o200k_base.tiktoken.gz"
    original = gzip.decompress(bundled_o200k().read_bytes())
    bad.write_bytes(gzip.compress(original[:-10] + b"tampered\n"))
    cache = tmp_path / "cache"
    with pytest.raises(VocabularyCorrupt):
        prime_tiktoken_cache(cache, source=bad)
    assert not cache_path(cache).exists()


def test_a_corrupted_cache_file_is_replaced(tmp_path):
    target = cache_path(tmp_path)
    target.write_bytes(b"not a vocabulary")
    prime_tiktoken_cache(tmp_path)
    assert hashlib.sha256(target.read_bytes()).hexdigest() == O200K_SHA256


def test_current_models_use_o200k_and_unknown_models_estimate_with_it():
    assert encoding_name("gpt-4.1-mini") == "o200k_base"
    assert encoding_name("gpt-4o-mini-2024-07-18") == "o200k_base"
    assert encoding_name("llama3.1:8b") == "o200k_base"
    assert encoding_name("gpt-4") == "o200k_base"  # cl100k is not primed; o200k is the estimate


@pytest.fixture(scope="module")
def encoding():
    return encoding_for("gpt-4.1-mini")


def test_short_article_is_sent_whole(encoding):
    sentences = ["The council voted 7-2 on Tuesday.", "The mayor said the plan would pass."]
    result = condense(sentences, encoding, budget=1000)
    assert result.sentences == [(1, sentences[0]), (2, sentences[1])]
    assert result.condensed is False
    assert result.article_tokens == sum(count_tokens(s, encoding) for s in sentences)


def test_long_article_keeps_head_tail_and_original_numbers_within_budget(encoding):
    filler = "It was a day like many others in the town and nothing much happened there at all."
    informative = 'Judge Maria Lopez ruled the $4 million contract void, court records show "clearly".'
    sentences = [f"Lede number {i} of the story." for i in range(3)]
    sentences += [informative if i % 10 == 0 else filler for i in range(200)]
    sentences += ["The hearing resumes Monday.", "Both sides declined to comment."]
    result = condense(sentences, encoding, budget=600)
    numbers = [n for n, _ in result.sentences]
    assert result.condensed is True
    assert result.article_tokens <= 600
    assert numbers == sorted(numbers)
    assert numbers[:3] == [1, 2, 3]
    assert numbers[-2:] == [len(sentences) - 1, len(sentences)]
    assert all(sentences[n - 1] == text for n, text in result.sentences)
    kept_middle = [sentences[n - 1] for n in numbers[3:-2]]
    # Low-information filler goes first: every informative sentence that fits is kept.
    assert kept_middle.count(informative) == 20


def test_a_giant_sentence_is_shortened_visibly_not_dropped(encoding):
    giant = "word " * 5000
    result = condense(["Intro.", giant, "End."], encoding, budget=8000)
    assert [n for n, _ in result.sentences] == [1, 2, 3]
    assert result.sentences[1][1].endswith("[…]")
    assert result.condensed is True


def test_a_long_number_counts_once_as_information():
    assert information_score("It cost 1,234,567 dollars.") == information_score("It cost 7 dollars.")
    assert information_score("The mayor said 7 people came.") > information_score("the people came today.")
