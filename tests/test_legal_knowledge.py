"""Loading and checking the knowledge base, and the `footnote legal` commands."""

import json
from pathlib import Path

import pytest

from bot.cli import main
from bot.legal.check import check_knowledge
from bot.legal.knowledge import knowledge_dir, load_topics, read_topics

FIXTURES = Path(__file__).parent / "fixtures" / "legal"
GOOD = FIXTURES / "kb_good"
BROKEN = FIXTURES / "kb_broken"
REGISTRY = FIXTURES / "registry.yaml"


def test_bundled_knowledge_base_loads_and_passes_the_check() -> None:
    topics, problems = check_knowledge(knowledge_dir())
    assert problems == []
    assert topics and [t.id for t in topics] == [t.id for t in load_topics()]
    assert len({t.id for t in topics}) == len(topics)


def test_fixture_knowledge_base_reads_every_field() -> None:
    topics, problems = read_topics(GOOD)
    assert problems == []
    immunity = next(t for t in topics if t.id == "officer-immunity")
    assert immunity.jurisdiction == "US federal"
    assert "supremacy clause" in immunity.triggers
    assert (
        immunity.authorities[2].note
        == "Idaho v. Horiuchi was later vacated as moot; it is not binding precedent."
    )


def test_broken_topics_are_each_reported_and_skipped() -> None:
    topics, problems = check_knowledge(BROKEN)
    text = "\n".join(problems)
    assert [t.id for t in topics] == ["unreadable-citation"]  # schema-valid; its citations are the problem
    for expected in [
        "bad-jurisdiction.yaml: jurisdiction 'France'",
        "too-long.yaml: explanation has 130 words",
        "no-triggers.yaml: no triggers",
        "wrong-name.yaml: id 'not-the-file-name' differs from the file name",
        "unknown-field.yaml: trigger: Extra inputs are not permitted",
        "too-many-authorities.yaml: 5 authorities",
        "not-yaml.yaml: cannot read",
        "unreadable-citation.yaml: the guard cannot read the citation 'The famous case about things'",
        "unreadable-citation.yaml: cites 'Smith v. Jones, 123 U.S. 456 (1999)'",
    ]:
        assert expected in text


def test_registry_check_needs_every_authority_verbatim_and_verified() -> None:
    _, problems = check_knowledge(GOOD, REGISTRY)
    assert problems == [
        "rent-caps-california.yaml: 'Cal. Civ. Code § 1954.52' is not verified in the registry"
    ]


def test_registry_check_reports_a_citation_missing_from_the_registry(tmp_path: Path) -> None:
    registry = tmp_path / "registry.yaml"
    registry.write_text(REGISTRY.read_text().replace("521 U.S. 898", "521 U.S. 98"))
    _, problems = check_knowledge(GOOD, registry)
    assert (
        "commandeering.yaml: 'Printz v. United States, 521 U.S. 898 (1997)' is not in the registry (verbatim)"
        in problems
    )


def test_legal_topics_command_lists_the_knowledge_base(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["legal", "topics", "--knowledge", str(GOOD)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 5
    assert lines[0].split()[:3] == ["actual-malice", "US", "federal"]
    assert any(line.startswith("uk-defamation") and " UK " in line for line in lines)


def test_legal_check_command_passes_on_the_bundled_kb(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["legal", "check"]) == 0
    assert capsys.readouterr().out.strip().endswith("topics: OK")


def test_legal_check_command_fails_on_broken_kb(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["legal", "check", "--knowledge", str(BROKEN)]) == 1
    out = capsys.readouterr().out.splitlines()
    assert len(out) >= 10 and out[-1].startswith("1 topics") and "problem(s)" in out[-1]


def test_legal_check_against_registry(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["legal", "check", "--knowledge", str(GOOD), "--against", str(REGISTRY)]) == 1
    out = capsys.readouterr().out.splitlines()
    assert out == [
        "rent-caps-california.yaml: 'Cal. Civ. Code § 1954.52' is not verified in the registry",
        "5 topics, authorities checked against registry.yaml: 1 problem(s)",
    ]


# Parsed once per knowledge-base version: later starts read the topics from the user's cache.


@pytest.fixture
def kb_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    import bot.legal.knowledge as knowledge_module

    folder = tmp_path / "knowledge"
    folder.mkdir()
    for path in GOOD.glob("*.yaml"):
        (folder / path.name).write_bytes(path.read_bytes())
    monkeypatch.setenv("FOOTNOTE_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(knowledge_module, "knowledge_dir", lambda: folder)
    load_topics.cache_clear()
    yield folder
    load_topics.cache_clear()


def _fresh_load() -> list:
    load_topics.cache_clear()
    return load_topics()


def test_topics_are_parsed_once_per_knowledge_base_version(kb_copy: Path, monkeypatch: pytest.MonkeyPatch):
    import bot.legal.knowledge as knowledge_module

    first = _fresh_load()
    assert first == read_topics(kb_copy)[0]
    assert len(list((kb_copy.parent / "cache").glob("topics-*.json"))) == 1

    def no_yaml(folder: Path) -> tuple[list, list[str]]:
        raise AssertionError("the topics were parsed again")

    monkeypatch.setattr(knowledge_module, "read_topics", no_yaml)
    assert _fresh_load() == first  # from the cache, equal field for field
    monkeypatch.setattr(knowledge_module, "read_topics", read_topics)
    edited = kb_copy / "officer-immunity.yaml"
    edited.write_text(edited.read_text().replace("supremacy clause", "supremacy clause immunity"))
    immunity = next(t for t in _fresh_load() if t.id == "officer-immunity")
    assert "supremacy clause immunity" in immunity.triggers  # an edited file is read again


@pytest.mark.parametrize("content", ["{not json", '{"digest": 1}', "[]", "right digest, bad topics"])
def test_a_corrupt_topic_cache_is_rebuilt(kb_copy: Path, content: str) -> None:
    first = _fresh_load()
    (cache,) = (kb_copy.parent / "cache").glob("topics-*.json")
    if content == "right digest, bad topics":
        content = json.dumps({"digest": json.loads(cache.read_text())["digest"], "topics": [{"id": 3}]})
    cache.write_text(content)
    assert _fresh_load() == first
    assert json.loads(cache.read_text())["topics"]  # and stored again


def test_a_knowledge_base_with_problems_is_not_cached(
    kb_copy: Path, caplog: pytest.LogCaptureFixture
) -> None:
    (kb_copy / "broken.yaml").write_text("id: [unclosed\n")
    assert _fresh_load() == read_topics(GOOD)[0]
    assert not list((kb_copy.parent / "cache").glob("topics-*.json"))
    _fresh_load()
    assert caplog.text.count("broken.yaml: cannot read") == 2  # reported on every start until fixed
