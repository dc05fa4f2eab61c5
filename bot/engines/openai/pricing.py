"""Estimated cost of a remote analysis from a small price table the operator can override."""

from __future__ import annotations

import json
import logging

log = logging.getLogger(__name__)

# USD per 1M tokens (input, output), OpenAI list prices for standard processing as published in 2026
# (cross-checked against two independent price tables; this machine cannot reach OpenAI's page).
# An estimate only: operators override or add models with FOOTNOTE_PRICES.
DEFAULT_PRICES: dict[str, tuple[float, float]] = {
    "gpt-4.1": (2.00, 8.00),
    "gpt-4.1-mini": (0.40, 1.60),
    "gpt-4.1-nano": (0.10, 0.40),
    "gpt-4o": (2.50, 10.00),
    "gpt-4o-mini": (0.15, 0.60),
    "gpt-5": (1.25, 10.00),
    "gpt-5-mini": (0.25, 2.00),
    "gpt-5-nano": (0.05, 0.40),
    "gpt-5.4": (2.50, 15.00),
    "gpt-5.4-mini": (0.75, 4.50),
    "gpt-5.4-nano": (0.20, 1.25),
}


def price_table(override: str | None) -> dict[str, tuple[float, float]]:
    """The default prices with the operator's JSON (`{"model": [input_per_1m, output_per_1m]}`) on top."""
    table = dict(DEFAULT_PRICES)
    if not override:
        return table
    try:
        extra = json.loads(override)
        table.update({str(model): (float(pair[0]), float(pair[1])) for model, pair in extra.items()})
    except (ValueError, TypeError, AttributeError, IndexError, KeyError):
        log.warning(
            'FOOTNOTE_PRICES is not JSON like {"model": [input_per_1m, output_per_1m]}; using defaults'
        )
        return dict(DEFAULT_PRICES)
    return table


def model_price(model: str, table: dict[str, tuple[float, float]]) -> tuple[float, float] | None:
    """Prices of a model, or of the longest listed name it starts with (dated snapshots)."""
    if model in table:
        return table[model]
    prefixes = [name for name in table if model.startswith(name + "-")]
    return table[max(prefixes, key=len)] if prefixes else None


def estimate_cost(
    model: str, input_tokens: int, output_tokens: int, table: dict[str, tuple[float, float]]
) -> float | None:
    """USD for one analysis, or None when the model has no known price (e.g. a local server)."""
    price = model_price(model, table)
    if price is None:
        return None
    return round((input_tokens * price[0] + output_tokens * price[1]) / 1_000_000, 6)
