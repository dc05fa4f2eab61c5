"""Engine versions key the cache: they must change whenever the files behind an answer change."""

from bot.config import Settings
from bot.engines import digest
from bot.engines.local import LocalEngine
from bot.engines.openai.engine import OpenAIEngine


def test_the_digest_follows_every_matching_file(tmp_path, monkeypatch):
    monkeypatch.setattr(digest, "PACKAGE", tmp_path)
    (tmp_path / "rules").mkdir()
    (tmp_path / "rules" / "a.py").write_text("A = 1\n")
    first = digest.files_digest(["rules/*.py"])
    (tmp_path / "rules" / "a.py").write_text("A = 2\n")
    edited = digest.files_digest(["rules/*.py"])
    (tmp_path / "rules" / "b.py").write_text("")
    added = digest.files_digest(["rules/*.py"])
    assert len({first, edited, added}) == 3
    assert digest.files_digest(["other/*.py"]) != first


def test_engine_versions_name_the_engine_and_carry_a_digest():
    local = LocalEngine().version
    remote = OpenAIEngine(Settings(_env_file=None, OPENAI_API_KEY="sk-test")).version
    assert local.startswith("local/") and len(local) == len("local/") + 12
    assert remote.startswith("openai:gpt-4.1-mini/prompt-v2#")
    assert digest.files_digest(["prompts/*"]) != digest.files_digest(["knowledge/*.yaml"])
