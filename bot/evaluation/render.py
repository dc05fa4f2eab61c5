"""The eval report as text for a terminal, or as one JSON object."""

from __future__ import annotations

import json
from typing import Any

from bot.evaluation.run import Report


def report_json(report: Report) -> str:
    """Totals, per-group totals and per-case lines as JSON."""
    data: dict[str, Any] = {
        "engine": report.engine,
        "total": report.totals(),
        "groups": {g: report.totals(g) for g in report.groups()},
        "cases": [
            {
                "name": r.case.name,
                "group": r.case.group,
                "accuracy": round(r.score.accuracy, 4),
                "summary": f"{r.score.summary_ok}/{r.score.summary_total}",
                "summary_bad": r.score.summary_bad,
                "missed_points": r.score.missed_points,
                "legal": f"{r.score.legal_hit}/{r.score.legal_total}",
                "flags": f"{r.score.flags_hit}/{r.score.flags_total}",
                "seconds": round(r.seconds, 3),
                "input_tokens": r.input_tokens,
                "output_tokens": r.output_tokens,
                "cost_usd": r.cost_usd,
                "fallback": r.fallback,
            }
            for r in report.results
        ],
    }
    return json.dumps(data, indent=2)


def _block(title: str, totals: dict[str, Any]) -> list[str]:
    lines = [f"{title} ({totals['cases']} cases, {totals['sentences']} sentences)"]
    lines.append(f"  {'kind':<12} {'prec':>5} {'rec':>5} {'f1':>5} {'n':>4}")
    for kind, row in totals["kinds"].items():
        lines.append(
            f"  {kind:<12} {row['precision']:5.2f} {row['recall']:5.2f} {row['f1']:5.2f} {row['support']:4d}"
        )
    lines.append(
        f"  macro_f1={totals['macro_f1']:.3f} speculation_as_fact={totals['speculation_as_fact']:.3f}"
        f" unmatched={totals['unmatched']:.3f} summary={totals['summary']} ({totals['summary_points']:.0%})"
        f" summary_bad={totals['summary_bad']} legal={totals['legal']}"
        f" legal_forbidden={totals['legal_forbidden']} flags={totals['flags']}"
    )
    usage = f"  latency p50={totals['latency_p50_s']:.2f}s p95={totals['latency_p95_s']:.2f}s"
    if totals["input_tokens"] or totals["output_tokens"]:
        usage += f" tokens in={totals['input_tokens']} out={totals['output_tokens']}"
    if totals["cost_usd"] is not None:
        usage += f" cost=${totals['cost_usd']:.4f} (${totals['cost_per_article_usd']:.5f}/article)"
    if totals["fallbacks"]:
        usage += f" fallbacks={totals['fallbacks']}"
    lines.append(usage)
    return lines


def report_text(report: Report) -> str:
    """One line per case, then the totals (and each group's when the cases sit in sub-folders)."""
    lines = [f"engine: {report.engine}"]
    for r in report.results:
        name = f"{r.case.group}/{r.case.name}" if r.case.group else r.case.name
        s = r.score
        lines.append(
            f"{name:<48} acc {s.accuracy:.2f}  summary {s.summary_ok}/{s.summary_total} bad {s.summary_bad}"
            f"  legal {s.legal_hit}/{s.legal_total} forbidden {s.legal_forbidden}"
            f"  flags {s.flags_hit}/{s.flags_total}  {r.seconds:.2f}s"
        )
    for group in report.groups():
        lines += _block(group, report.totals(group))
    lines += _block("all", report.totals())
    return "\n".join(lines)
