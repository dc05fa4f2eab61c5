"""Every regex run on page text backtracks at most linearly: a static audit, no clock.

The offline engine, the citation guard and matcher and the extraction rules run their regexes on text
a stranger wrote. A pattern that backtracks exponentially or polynomially (`tests/support/regex_audit.py`
names the shapes) lets a crafted page hold a worker for minutes, so each one these modules compile or
call is parsed and checked; the auditor itself is tested on patterns known to be quadratic or worse.
How fast the stages really are is measured by `bench/hostile_bench.py` (seconds per MB).
"""

from __future__ import annotations

import ast
import importlib
import inspect
import pkgutil
import re
from collections.abc import Iterator

import pytest
from support.regex_audit import problems

import bot.engines.local
import bot.extract
import bot.legal

PACKAGES = (bot.engines.local, bot.legal, bot.extract)
_RE_CALLS = {"compile", "search", "match", "fullmatch", "sub", "subn", "findall", "finditer", "split"}


def modules() -> list[object]:
    """Every module of the packages that read page text."""
    found = list(PACKAGES)
    for package in PACKAGES:
        for info in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
            found.append(importlib.import_module(info.name))
    return found


def _held(value: object, seen: set[int]) -> Iterator[tuple[str, int]]:
    """(pattern, flags) of every compiled regex (or lazily compiled `Cue`) in a value, looking inside
    containers and classes."""
    if id(value) in seen:
        return
    seen.add(id(value))
    if isinstance(value, re.Pattern):
        yield value.pattern, value.flags
    elif isinstance(getattr(value, "pattern", None), str) and isinstance(getattr(value, "flags", None), int):
        yield value.pattern, value.flags  # type: ignore[attr-defined]
    elif isinstance(value, dict):
        for item in (*value.keys(), *value.values()):
            yield from _held(item, seen)
    elif isinstance(value, list | tuple | set | frozenset):
        for item in value:
            yield from _held(item, seen)
    elif inspect.isclass(value):
        for item in vars(value).values():
            yield from _held(item, seen)


def _literal_calls(module: object) -> Iterator[tuple[str, int]]:
    """(pattern, flags) of every `re.<function>("literal", …)` call in a module's source."""
    tree = ast.parse(inspect.getsource(module))  # type: ignore[arg-type]
    for node in ast.walk(tree):
        if not (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and isinstance(node.func.value, ast.Name)
            and node.func.value.id == "re"
            and node.func.attr in _RE_CALLS
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            continue
        flags = 0
        for flag in ast.walk(ast.Module(body=[ast.Expr(a) for a in node.args[1:]], type_ignores=[])):
            if isinstance(flag, ast.Attribute) and isinstance(flag.value, ast.Name) and flag.value.id == "re":
                flags |= int(getattr(re, flag.attr, 0)) if flag.attr.isupper() else 0
        yield node.args[0].value, flags


def patterns() -> dict[tuple[str, int], str]:
    """Every regex the page-text modules hold or call with a literal, and where it was found."""
    found: dict[tuple[str, int], str] = {}
    for module in modules():
        name = module.__name__  # type: ignore[attr-defined]
        for item in vars(module).values():
            if getattr(item, "__module__", name) == name or not inspect.isclass(item):
                for pattern in _held(item, set()):
                    found.setdefault(pattern, name)
        for pattern in _literal_calls(module):
            found.setdefault(pattern, name)
    return found


def test_the_audit_finds_the_page_text_regexes() -> None:
    found = patterns()
    where = set(found.values())
    assert len(found) > 100  # the engine's cues alone are well over a hundred
    assert {"bot.engines.local.cues", "bot.legal.citations", "bot.extract.paywall"} <= where


def test_no_page_text_regex_backtracks_more_than_linearly() -> None:
    bad = {f"{where}: {key[0]!r}": found for key, where in patterns().items() if (found := problems(*key))}
    assert not bad, "\n".join(f"{pattern}\n    {found}" for pattern, found in bad.items())


@pytest.mark.parametrize(
    "pattern",
    [
        r"(a+)+$",  # the textbook exponential
        r"(\w+\s?)+\.",  # words and optional spaces, repeated: splits every word
        r"(?:\s*\w+)*;",
        r"^(\w+)*$",
        r"(a*)*b",  # a body that can match nothing
        r"(?:x|x?y?)+z",  # alternatives that overlap, repeated
        r"(?:\w+\s*\w+,)+;",  # each split between the two runs, in each iteration
        r"\s+((?:[A-Z][\w.’'-]*\s*){1,6}?)[,.]",  # bounded, yet n⁶: a speaker pattern this audit found
        r"\((?:[A-Z][A-Za-z]*\s?)+\)",  # exponential: an Act-name pattern this audit found
        r"(?:\d+,?)+\.",
    ],
)
def test_the_auditor_flags_backtracking_patterns(pattern: str) -> None:
    assert problems(pattern), pattern


@pytest.mark.parametrize(
    "pattern",
    [
        r"(?:\s+\w+)*",  # each iteration starts with what the last cannot end with
        r'(?:"[^"]*")+',  # delimited
        r"([a-z]+\.)*[a-z]+",
        r"(?>a+)+",  # atomic
        r"(?:a++)+",  # possessive
        r"\b(?:and|or|a)\s+\w+",
        r"(?i)\bsaid\b[^.]{0,40}\bthat\b",
    ],
)
def test_the_auditor_passes_linear_patterns(pattern: str) -> None:
    assert problems(pattern) == [], pattern
