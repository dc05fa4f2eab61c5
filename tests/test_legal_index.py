"""The citation guard's index is built once per knowledge-base version and cached on disk."""

import json
import os
from pathlib import Path

import pytest

import bot.legal.guard as guard_module
from bot.legal.guard import CitationGuard, KnownCitations
from bot.legal.index import index_path

AUTHORITIES = [
    "Printz v. United States, 521 U.S. 898 (1997)",
    "Trump v. Barbara, No. 25-365 (U.S. June 30, 2026)",
    "Learning Resources, Inc. v. Trump, 607 U.S. ___ (2026)",
    "42 U.S.C. § 1983",
]
INVENTED = "Smith v. Jones, 123 U.S. 456 (1999)"


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("FOOTNOTE_CACHE_DIR", str(folder))
    return folder


def _judges_right(known: KnownCitations) -> None:
    guard = CitationGuard(known)
    for citation in AUTHORITIES:
        assert guard.clean(f"See {citation}.")[1] == ()
    assert guard.clean(f"See {INVENTED}.")[1] == (INVENTED,)
    assert guard.clean("See Printz, 521 U.S. at 935.")[1] == ()  # pin cites still use the first pages


def test_first_start_builds_and_stores_the_index_then_later_starts_read_it(
    cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _judges_right(KnownCitations.cached(AUTHORITIES))
    assert index_path(AUTHORITIES).is_file() and index_path(AUTHORITIES).parent == cache

    def no_eyecite(text: str, named_acts: bool = False) -> list:
        raise AssertionError(f"the index was rebuilt for {text!r}")

    monkeypatch.setattr(guard_module, "find_citations", no_eyecite)
    known = KnownCitations.cached(AUTHORITIES)
    monkeypatch.undo()
    _judges_right(known)


def test_another_knowledge_base_version_gets_its_own_index(cache: Path) -> None:
    KnownCitations.cached(AUTHORITIES)
    KnownCitations.cached(AUTHORITIES[:2])
    assert index_path(AUTHORITIES) != index_path(AUTHORITIES[:2])
    assert len(list(cache.glob("citation-index-*.json"))) == 2


@pytest.mark.parametrize(
    "content",
    ["{not json", "", json.dumps({"digest": "old", "keys": []}), json.dumps(["a list"]), "\x00\xff"],
)
def test_a_corrupt_or_stale_cache_is_rebuilt(cache: Path, content: str) -> None:
    path = index_path(AUTHORITIES)
    path.parent.mkdir(parents=True)
    path.write_text(content, encoding="utf-8", errors="surrogateescape")
    _judges_right(KnownCitations.cached(AUTHORITIES))
    assert json.loads(path.read_text())["keys"]  # and stored again


def test_a_tampered_cache_of_the_right_version_is_rejected(cache: Path) -> None:
    KnownCitations.cached(AUTHORITIES)
    path = index_path(AUTHORITIES)
    data = json.loads(path.read_text())
    data["keys"] = [["case", 1, 2]]  # not all strings
    path.write_text(json.dumps(data))
    _judges_right(KnownCitations.cached(AUTHORITIES))


@pytest.mark.skipif(os.geteuid() == 0, reason="root can write anywhere")
def test_a_read_only_cache_folder_still_works(cache: Path) -> None:
    cache.mkdir()
    cache.chmod(0o500)
    try:
        _judges_right(KnownCitations.cached(AUTHORITIES))
        assert list(cache.iterdir()) == []
    finally:
        cache.chmod(0o700)


def test_a_cache_path_that_cannot_exist_still_works(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    monkeypatch.setenv("FOOTNOTE_CACHE_DIR", str(blocker / "cache"))
    _judges_right(KnownCitations.cached(AUTHORITIES))


def test_a_read_only_file_system_still_works(cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """As root the folder test above cannot fail, so the write itself is refused here, as EROFS would."""
    import bot.legal.disk_cache as cache_module

    def refuse(*args: object, **kwargs: object) -> None:
        raise OSError(30, "Read-only file system")

    monkeypatch.setattr(cache_module.tempfile, "NamedTemporaryFile", refuse)
    _judges_right(KnownCitations.cached(AUTHORITIES))
    assert not index_path(AUTHORITIES).exists()


def test_no_home_directory_falls_back_to_a_temporary_folder(monkeypatch: pytest.MonkeyPatch) -> None:
    from bot.legal import index as index_module

    monkeypatch.delenv("FOOTNOTE_CACHE_DIR", raising=False)

    def no_home() -> Path:
        raise RuntimeError("Could not determine home directory.")

    monkeypatch.setattr(index_module.Path, "home", staticmethod(no_home))
    assert index_module.cache_dir().name == "footnote-cache"
    _judges_right(KnownCitations.cached(AUTHORITIES))


@pytest.mark.skipif(
    os.name != "posix" or __import__("sys").platform == "darwin", reason="XDG applies on Linux"
)
def test_the_default_cache_follows_xdg(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from bot.legal.index import cache_dir

    monkeypatch.delenv("FOOTNOTE_CACHE_DIR", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert cache_dir() == tmp_path / "footnote"
