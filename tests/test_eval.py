"""`footnote eval`: the scoring rules, the local engine's floor on the shipped cases, OpenAI usage."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from support.fake_openai import FakeOpenAI

from bot.cli import main
from bot.config import Settings
from bot.engines import make_engine
from bot.engines.openai.tokens import prime_tiktoken_cache
from bot.evaluation.cases import load_cases
from bot.evaluation.run import evaluate, percentile
from bot.evaluation.scoring import kind_table, match_kind, score_case

CASES = Path(__file__).resolve().parent.parent / "eval" / "cases"

# The local engine's floor on the shipped cases: a change to the rules that falls below it fails CI.
# Set a little under the measured figures (all: macro-F1 0.896, opinion F1 0.86; held-out half 0.846).
FLOOR = {"macro_f1": 0.86, "opinion_f1": 0.78, "holdout_macro_f1": 0.82, "summary_points": 0.88}


def test_a_gold_sentence_matches_a_statement_that_covers_it_split_or_merged() -> None:
    gold = "The council voted 5-2 on Tuesday to end the contract."
    assert match_kind(gold, [{"text": gold, "kind": "fact"}]) == "fact"
    merged = gold + " It hired Rivergate Coach."
    assert match_kind(gold, [{"text": merged, "kind": "claim"}]) == "claim"
    assert match_kind(gold, [{"text": "Rivergate Coach runs 41 routes.", "kind": "fact"}]) is None


def test_a_case_scores_kinds_summary_points_must_nots_legal_and_flags() -> None:
    gold = {
        "statements": [{"text": "The board approved the plan.", "kind": "fact"}],
        "summary_must": [["approved"], ["rejected"]],
        "summary_must_not": ["plan (will|has) (passed|failed)"],
        "legal_expected": [{"concept": "x", "any": ["zoning"]}],
        "legal_forbidden": [{"concept": "y", "any": ["libel"]}],
        "flags_expected": ["anonymous_sourcing"],
    }
    analysis = {
        "summary": "The board approved the plan; the plan has passed.",
        "statements": [{"text": "The board approved the plan.", "kind": "opinion"}],
        "legal": [{"title": "Zoning law", "explanation": "", "authorities": [], "topic": "zoning"}],
        "flags": [{"kind": "anonymous_sourcing"}],
    }
    result = score_case(gold, analysis)
    assert result.pairs == [("fact", "opinion")]
    assert (result.summary_ok, result.summary_total, result.summary_bad) == (1, 2, 1)
    assert (result.legal_hit, result.legal_forbidden, result.flags_hit) == (1, 0, 1)
    table = kind_table(result.pairs)
    assert table["fact"].recall == 0.0 and table["opinion"].precision == 0.0


def test_percentile_is_nearest_rank() -> None:
    assert percentile([1.0, 2.0, 3.0, 4.0], 50) == 2.0
    assert percentile([1.0, 2.0, 3.0, 4.0], 95) == 4.0
    assert percentile([], 50) == 0.0


def test_the_shipped_cases_are_split_into_a_tune_and_a_held_out_half() -> None:
    groups = {case.group for case in load_cases(CASES)}
    assert groups == {"tune", "holdout"}
    assert len(load_cases(CASES)) >= 30


def test_the_local_engine_stays_above_its_floor_on_the_shipped_cases(capsys) -> None:
    assert main(["eval", str(CASES), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    total, holdout = report["total"], report["groups"]["holdout"]
    assert report["engine"] == "local"
    assert total["macro_f1"] >= FLOOR["macro_f1"], total["macro_f1"]
    assert total["kinds"]["opinion"]["f1"] >= FLOOR["opinion_f1"], total["kinds"]["opinion"]
    assert holdout["macro_f1"] >= FLOOR["holdout_macro_f1"], holdout["macro_f1"]
    assert total["summary_points"] >= FLOOR["summary_points"], total["summary"]
    assert total["speculation_as_fact"] <= 0.03
    assert total["summary_bad"] == 0 and total["legal_forbidden"] == 0


def test_eval_refuses_a_missing_folder(tmp_path, capsys) -> None:
    assert main(["eval", str(tmp_path / "nowhere")]) == 1
    assert "Not a folder of cases" in capsys.readouterr().err
    assert main(["eval", str(tmp_path)]) == 1
    assert "No cases" in capsys.readouterr().err


@pytest.fixture
def two_cases(tmp_path) -> Path:
    for name in ("court-sentencing-embezzlement", "wire-quake-aftershocks-peru"):
        for suffix in (".html", ".json"):
            shutil.copy(CASES / "tune" / f"{name}{suffix}", tmp_path / f"{name}{suffix}")
    return tmp_path


@pytest.fixture
async def server(tmp_path_factory, monkeypatch):
    directory = tmp_path_factory.getbasetemp() / "tiktoken"
    monkeypatch.setenv("TIKTOKEN_CACHE_DIR", str(directory))
    prime_tiktoken_cache(directory)
    fake = FakeOpenAI()
    await fake.start()
    yield fake
    await fake.stop()


async def test_eval_reports_tokens_cost_and_latency_of_an_openai_compatible_server(server, two_cases) -> None:
    settings = Settings(
        _env_file=None,
        OPENAI_API_KEY="sk-test",
        OPENAI_BASE_URL=server.base_url,
        FOOTNOTE_MODEL="gpt-4.1-mini",
    )
    engine = make_engine(settings, "openai")
    try:
        report = await evaluate(two_cases, engine, settings)
    finally:
        await engine.aclose()
    totals = report.totals()
    assert report.engine.startswith("openai:gpt-4.1-mini/")
    assert totals["cases"] == 2 and totals["fallbacks"] == 0
    assert totals["input_tokens"] > 0 and totals["output_tokens"] > 0
    assert totals["cost_usd"] > 0 and totals["cost_per_article_usd"] == pytest.approx(totals["cost_usd"] / 2)
    assert 0 < totals["latency_p50_s"] <= totals["latency_p95_s"]
    assert len(server.requests) == 2
    # the fake server labels by naive cues, so its scores are whatever they are, but they are scored
    assert totals["sentences"] == sum(len(c.gold["statements"]) for c in load_cases(two_cases))


async def test_the_eval_command_takes_a_model_and_prints_usage(server, two_cases, monkeypatch, capsys):
    import asyncio

    monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
    monkeypatch.setenv("OPENAI_BASE_URL", server.base_url)
    args = ["eval", str(two_cases), "--engine", "openai", "--model", "gpt-4.1-nano"]
    assert await asyncio.to_thread(main, args) == 0
    out = capsys.readouterr().out
    assert "engine: openai:gpt-4.1-nano/" in out
    assert "tokens in=" in out and "cost=$" in out and "p95=" in out
    assert {body["model"] for body in server.requests} == {"gpt-4.1-nano"}
    assert "sk-test" not in out


async def test_an_unreachable_openai_server_is_one_line_and_nothing_is_scored(two_cases, monkeypatch, capsys):
    import asyncio
    import socket

    with socket.socket() as probe:  # a port that nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
    monkeypatch.setenv("OPENAI_BASE_URL", f"http://127.0.0.1:{port}/v1")
    assert await asyncio.to_thread(main, ["eval", str(two_cases), "--engine", "openai"]) == 1
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err.count("\n") == 1, captured.err
    assert captured.err.startswith(f"OpenAI-compatible server: Could not reach 127.0.0.1:{port}: the conn")
    assert captured.err.endswith("; nothing was scored\n")
