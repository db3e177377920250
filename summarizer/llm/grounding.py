"""Fact-check the LLM with the offline tools: the model points, the code measures.

A metric claim becomes a ``Metric`` only when its quote is found in the article
(``summarizer.ground.locate_quote``) and the offline parser finds a number in it
(``summarizer.ground.parse_quote``); value, unit, normalised value, qualifier and span come from
the code, never from the model. Offline metrics the LLM missed are added back (cross-check), so
the LLM engine is never worse than the offline one on recall.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from ..errors import ConfigError
from ..models import Block, Metric, MetricKind, MetricSource, NormalizedValue, Qualifier
from ..normalize import Document
from .responses import MetricClaim

__all__ = [
    "GroundedClaims",
    "Toolkit",
    "cross_check",
    "default_toolkit",
    "flag_numbers",
    "ground_claims",
    "offline_metrics",
    "split_text",
]

_WS = re.compile(r"\s+")
_REL_TOL = 0.005


@dataclass(frozen=True, slots=True)
class Toolkit:
    """The offline tools the engine checks the LLM with (injectable: tests pass fakes)."""

    locate_quote: Callable[[str, Block, Document], tuple[int, int] | None]
    parse_quote: Callable[[str], list[Any]]
    numbers_not_in_text: Callable[[str, str], list[str]]
    extract_metrics: Callable[..., list[Metric]]
    chunk: Callable[..., list[Any]]
    # Non-article blocks (captions, indexes): ``(blocks, doc, issue_date) -> EngineResult``.
    other_blocks: Callable[[list[Block], Document, date | None], Any] | None = None


def default_toolkit() -> Toolkit:
    """The real tools: ``summarizer.ground``, ``extract.metrics``, ``chunk``, ``extract.offline``."""
    try:
        from ..chunk import chunk
        from ..extract.metrics import extract_metrics
        from ..extract.offline import OfflineEngine
        from ..ground import locate_quote, numbers_not_in_text, parse_quote
    except ImportError as e:
        raise ConfigError(f"the LLM engine needs the offline tools: {e}") from e

    def other_blocks(blocks: list[Block], doc: Document, issue_date: date | None) -> Any:
        engine = OfflineEngine(extract_metrics=extract_metrics)
        return engine.run(blocks, doc, issue_date=issue_date)

    return Toolkit(
        locate_quote, parse_quote, numbers_not_in_text, extract_metrics, chunk, other_blocks
    )


@dataclass(frozen=True, slots=True)
class GroundedClaims:
    """The claims that survived grounding, and how many were dropped."""

    metrics: list[Metric]
    dropped: int


def split_text(
    tools: Toolkit, text: str, *, max_tokens: int, model: str | None
) -> list[tuple[str, int, int]]:
    """Chunks ``(text, start, end)`` of an article (``summarizer.chunk.chunk``)."""
    chunks = tools.chunk(text, max_tokens=max_tokens, model=model)
    return [(c.text, c.start, c.end) for c in chunks] or [(text, 0, len(text))]


def _enum(cls: Any, value: Any, default: Any) -> Any:
    try:
        return cls(getattr(value, "value", value))
    except (ValueError, TypeError):
        return default


def _normalized(parsed: Any) -> NormalizedValue | None:
    """The parser's normalised value (``normalized_value``/``normalized_unit`` or ``normalized``)."""
    norm = getattr(parsed, "normalized", None)
    if isinstance(norm, NormalizedValue):
        return norm
    value = getattr(parsed, "normalized_value", None)
    unit = getattr(parsed, "normalized_unit", None)
    if value is None or unit is None:
        return None
    try:
        return NormalizedValue(value=float(value), unit=getattr(unit, "value", unit))
    except (ValueError, TypeError):
        return None


def _value(parsed: Any) -> float:
    """The number as written, negative when the words say it decreased (下降3% → -3)."""
    signed = getattr(parsed, "signed_value", None)
    return float(signed if signed is not None else parsed.value)


def _kind(parsed: Any, claimed: MetricKind) -> MetricKind:
    """The parser's kind when its words say more than a plain level, else the model's."""
    measured = _enum(MetricKind, getattr(parsed, "kind", None), None)
    if measured is None or measured is MetricKind.LEVEL:
        return claimed
    return measured


def _pick(numbers: list[Any], kind: MetricKind) -> Any | None:
    """The parsed number the claim is about: the first whose kind fits, else the first."""
    usable = [n for n in numbers if _normalized(n) is not None]
    for n in usable:
        if _enum(MetricKind, getattr(n, "kind", None), None) is kind:
            return n
    return usable[0] if usable else None


def ground_claims(
    tools: Toolkit, claims: list[MetricClaim], block: Block, doc: Document
) -> GroundedClaims:
    """Turn claims into metrics measured by the offline parser; drop (and count) the rest."""
    kept: list[Metric] = []
    dropped = 0
    spans: dict[str, tuple[int, int] | None] = {}  # the same quote is often claimed twice
    for claim in claims:
        if claim.quote not in spans:
            spans[claim.quote] = tools.locate_quote(claim.quote, block, doc)
        span = spans[claim.quote]
        parsed = _pick(tools.parse_quote(claim.quote), claim.kind) if span else None
        norm = _normalized(parsed) if parsed is not None else None
        if span is None or parsed is None or norm is None:
            dropped += 1
            continue
        quote = _WS.sub("", doc.original[span[0] : span[1]]) or claim.quote
        kept.append(
            Metric(
                subject=claim.subject,
                indicator=claim.indicator,
                period=claim.period,
                value=_value(parsed),
                unit=str(getattr(parsed, "unit", "") or ""),
                normalized=norm,
                kind=_kind(parsed, claim.kind),
                qualifier=_enum(Qualifier, getattr(parsed, "qualifier", None), Qualifier.EXACT),
                quote=quote,
                span=span,
                source=MetricSource.LLM,
            )
        )
    return GroundedClaims(metrics=kept, dropped=dropped)


def _same(a: Metric, b: Metric) -> bool:
    """The same statistic: overlapping spans and the same normalised value and unit."""
    if a.span[0] >= b.span[1] or b.span[0] >= a.span[1]:
        return False
    if a.normalized.unit != b.normalized.unit:
        return False
    x, y = a.normalized.value, b.normalized.value
    return abs(x - y) <= _REL_TOL * max(abs(x), abs(y), 1e-9)


def cross_check(llm: list[Metric], offline: list[Metric]) -> list[Metric]:
    """Merge: both → the offline measurement with the LLM's labels filling gaps; the rest kept.

    LLM metrics are deduplicated (chunks overlap), offline ones the LLM missed come back as
    ``source="offline"``; the result is in text order.
    """
    merged: list[Metric] = []
    used: set[int] = set()
    for m in llm:
        if any(_same(m, seen) for seen in merged):
            continue
        match = next(
            (i for i, o in enumerate(offline) if i not in used and _same(m, o)),
            None,
        )
        if match is None:
            merged.append(m)
            continue
        used.add(match)
        o = offline[match]
        merged.append(
            o.model_copy(
                update={
                    "source": MetricSource.BOTH,
                    "subject": o.subject or m.subject,
                    "indicator": o.indicator or m.indicator,
                    "period": o.period or m.period,
                }
            )
        )
    merged.extend(
        o.model_copy(update={"source": MetricSource.OFFLINE})
        for i, o in enumerate(offline)
        if i not in used
    )
    return sorted(merged, key=lambda m: (m.span[0], m.span[1]))


def offline_metrics(
    tools: Toolkit, block: Block, doc: Document, issue_date: date | None
) -> list[Metric]:
    """The offline extractor's metrics for ``block``."""
    return tools.extract_metrics(block, doc, issue_date=issue_date)


def flag_numbers(tools: Toolkit, texts: list[str], article_text: str) -> list[str]:
    """Numbers in the LLM's summary texts that appear nowhere in the article."""
    # One call over all texts: the article is parsed once, not once per key point.
    joined = "。\n".join(t for t in texts if t)
    if not joined:
        return []
    return list(dict.fromkeys(tools.numbers_not_in_text(joined, article_text)))
