"""Estimated cost of a run from a small price table (USD per 1M tokens), user-overridable.

Prices change: the built-in table is a rough guide (list prices late 2025); override it in the
TOML config (``[llm.prices."model-name"] input = 0.15  output = 0.6``). Unknown models cost
``None`` (unknown), local servers 0 when the user says so.
"""

from __future__ import annotations

from .settings import ModelPrice

__all__ = ["BUILTIN_PRICES", "estimate_cost", "price_for"]

BUILTIN_PRICES: dict[str, ModelPrice] = {
    "gpt-4o-mini": ModelPrice(input=0.15, output=0.60),
    "gpt-4o": ModelPrice(input=2.50, output=10.00),
    "gpt-4.1-nano": ModelPrice(input=0.10, output=0.40),
    "gpt-4.1-mini": ModelPrice(input=0.40, output=1.60),
    "gpt-4.1": ModelPrice(input=2.00, output=8.00),
    "deepseek-chat": ModelPrice(input=0.28, output=0.42),
    "deepseek-reasoner": ModelPrice(input=0.28, output=0.42),
    "qwen-turbo": ModelPrice(input=0.05, output=0.20),
    "qwen-plus": ModelPrice(input=0.40, output=1.20),
    "qwen-max": ModelPrice(input=1.60, output=6.40),
}


def price_for(
    model: str | None, overrides: dict[str, ModelPrice] | None = None
) -> ModelPrice | None:
    """Exact name first (overrides before built-ins), then the longest matching name prefix."""
    if not model:
        return None
    table = {**BUILTIN_PRICES, **(overrides or {})}
    if model in table:
        return table[model]
    name = model.rsplit("/", 1)[-1]
    matches = [k for k in table if name.startswith(k)]
    return table[max(matches, key=len)] if matches else None


def estimate_cost(
    model: str | None,
    prompt_tokens: int,
    completion_tokens: int,
    overrides: dict[str, ModelPrice] | None = None,
) -> float | None:
    """USD for the tokens, or None when the model's price is unknown."""
    price = price_for(model, overrides)
    if price is None:
        return None
    return round((prompt_tokens * price.input + completion_tokens * price.output) / 1e6, 6)
