"""Run an engine over labelled cases and gather scores, tokens, cost and latency."""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.config import Settings
from bot.engines import Engine
from bot.evaluation.cases import Case, load_cases
from bot.evaluation.scoring import CaseScore, headline_figures, kind_table, score_case
from bot.pipeline import analyse_article, load_article, warm_up


@dataclass
class CaseResult:
    """One case after the engine ran: its score and what the run cost."""

    case: Case
    score: CaseScore
    seconds: float
    input_tokens: int = 0
    output_tokens: int = 0
    cost_usd: float | None = None
    fallback: str | None = None


@dataclass
class Report:
    """Every case's result, for one engine."""

    engine: str
    results: list[CaseResult] = field(default_factory=list)

    def groups(self) -> list[str]:
        """The sub-folders the cases came from (e.g. `tune`, `holdout`), in order."""
        return sorted({r.case.group for r in self.results if r.case.group})

    def totals(self, group: str | None = None) -> dict[str, Any]:
        """Scores over all cases, or over one group's: per kind, headline figures, usage."""
        results = [r for r in self.results if group is None or r.case.group == group]
        total = CaseScore()
        for result in results:
            total.add(result.score)
        seconds = sorted(r.seconds for r in results)
        costs = [r.cost_usd for r in results if r.cost_usd is not None]
        return {
            "cases": len(results),
            "sentences": len(total.pairs),
            "kinds": {k: vars(v) for k, v in kind_table(total.pairs).items()},
            **headline_figures(total),
            "summary": f"{total.summary_ok}/{total.summary_total}",
            "summary_bad": total.summary_bad,
            "legal": f"{total.legal_hit}/{total.legal_total}",
            "legal_forbidden": total.legal_forbidden,
            "flags": f"{total.flags_hit}/{total.flags_total}",
            "input_tokens": sum(r.input_tokens for r in results),
            "output_tokens": sum(r.output_tokens for r in results),
            "cost_usd": sum(costs) if costs else None,
            "cost_per_article_usd": sum(costs) / len(costs) if costs else None,
            "latency_p50_s": percentile(seconds, 50),
            "latency_p95_s": percentile(seconds, 95),
            "fallbacks": sum(r.fallback is not None for r in results),
        }


def percentile(sorted_values: list[float], pct: float) -> float:
    """Nearest-rank percentile of an ascending list (0 for an empty one)."""
    if not sorted_values:
        return 0.0
    rank = max(1, math.ceil(pct / 100 * len(sorted_values)))
    return sorted_values[rank - 1]


async def evaluate(folder: Path, engine: Engine, settings: Settings) -> Report:
    """Explain every case under `folder` with `engine` and score it; cases run one at a time."""
    report = Report(engine=engine.name)
    warm_up()  # the first article should not be timed paying for lazy imports and loading the rules
    for case in load_cases(folder):
        article = await load_article(str(case.page), settings)
        started = time.perf_counter()
        analysis = await analyse_article(article, engine)
        seconds = time.perf_counter() - started
        report.engine = analysis.engine
        usage = analysis.usage
        report.results.append(
            CaseResult(
                case=case,
                score=score_case(case.gold, analysis.model_dump(mode="json")),
                seconds=seconds,
                input_tokens=usage.input_tokens,
                output_tokens=usage.output_tokens,
                cost_usd=usage.cost_usd,
                fallback=usage.fallback,
            )
        )
    return report
