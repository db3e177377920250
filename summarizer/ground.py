"""Grounding: check that a metric (offline or from an LLM) is really in its article.

A metric is grounded when its quote is found in the article (ignoring whitespace and
full-width/half-width differences), its span points at that quote in the original text, and its
value (and unit class) is parsed back from the quote by the same number parser the offline
extractor uses. The LLM engine runs its output through ``ground_metrics`` and drops the rest.
``numbers_not_in_text`` flags numbers in a generated summary that the article never states.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from dataclasses import dataclass
from enum import StrEnum

from .extract.numbers import ParsedNumber, find_numbers, parse_number
from .models import Block, Metric, NormalizedUnit
from .normalize import Document

__all__ = [
    "GroundingFailure",
    "GroundingResult",
    "block_offset",
    "fold",
    "ground_metric",
    "ground_metrics",
    "locate_quote",
    "locate_title",
    "numbers_not_in_text",
    "parse_quote",
]

_REL_TOL = 0.005  # normalised values within 0.5 % are the same number


class GroundingFailure(StrEnum):
    """Why a metric was dropped."""

    QUOTE_NOT_FOUND = "quote not in article"
    SPAN_MISMATCH = "span does not point at the quote"
    VALUE_NOT_IN_QUOTE = "value not parsed back from the quote"
    NORMALIZED_MISMATCH = "normalized value does not follow from the quote"


@dataclass(frozen=True, slots=True)
class GroundingResult:
    ok: bool
    reason: GroundingFailure | None = None
    span: tuple[int, int] | None = None  # where the quote really is (original offsets)


def _fold_char(ch: str) -> str:
    f = unicodedata.normalize("NFKC", ch)
    return f.lower() if len(f) == 1 else ch


def fold(text: str) -> str:
    """Whitespace removed, full-width folded to half-width, lower case: how quotes are compared."""
    return "".join(_fold_char(c) for c in text if not c.isspace())


def _fold_map(text: str) -> tuple[str, list[int]]:
    chars: list[str] = []
    offs: list[int] = []
    for i, c in enumerate(text):
        if not c.isspace():
            chars.append(_fold_char(c))
            offs.append(i)
    return "".join(chars), offs


def block_offset(block: Block, doc: Document) -> int:
    """Where ``block.text`` starts in ``doc.text`` (``block.norm_span`` when the block has it)."""
    norm_span = getattr(block, "norm_span", None)
    if norm_span is not None:
        s, e = int(norm_span[0]), int(norm_span[1])
        if e - s == len(block.text) and doc.text[s:e] == block.text:
            return s
    # Fallback: search near the block's original span, then anywhere.
    guess = min(bisect.bisect_left(doc.offsets, block.span[0]), len(doc.text))
    if not block.text:
        return guess
    pos = doc.text.find(block.text, max(0, guess - 64))
    if pos < 0:
        pos = doc.text.find(block.text)
    return pos if pos >= 0 else guess


def _find_folded(needle: str, hay: str, base: int) -> tuple[int, int] | None:
    """Normalised-text [start, end) of the folded needle inside ``hay`` (which starts at base)."""
    folded_needle = fold(needle)
    if not folded_needle:
        return None
    folded, offs = _fold_map(hay)
    i = folded.find(folded_needle)
    if i < 0:
        return None
    return base + offs[i], base + offs[i + len(folded_needle) - 1] + 1


def locate_title(block: Block, doc: Document) -> tuple[int, int] | None:
    """Normalised-text [start, end) of the block's title in ``doc.text``.

    Searched just before the block first (a headline sits above its body), then anywhere as
    written, then whitespace/width-insensitively up to 200k characters back (bounded, so a huge
    issue with many untraceable titles stays linear).
    """
    if not block.title or not fold(block.title):
        return None
    start = block_offset(block, doc)
    exact = doc.text.rfind(block.title, max(0, start - 4000), start + 200)
    if exact < 0:
        exact = doc.text.find(block.title)
    if exact >= 0:  # the usual case, no folding needed
        return exact, exact + len(block.title)
    window_start = max(0, start - 4000)
    hit = _find_folded(block.title, doc.text[window_start : start + 200], window_start)
    if hit is None and window_start > 0:
        far = max(0, start - 200_000)
        hit = _find_folded(block.title, doc.text[far : window_start + len(block.title) * 4], far)
    return hit


def _locate_norm(quote: str, block: Block, doc: Document) -> tuple[int, int] | None:
    base = block_offset(block, doc)
    exact = block.text.find(quote) if fold(quote) else -1
    if exact >= 0:  # verbatim: no folding needed
        return base + exact, base + exact + len(quote)
    hit = _find_folded(quote, block.text, base)
    if hit is None and block.title:
        title = locate_title(block, doc)
        if title is not None:
            hit = _find_folded(quote, doc.text[title[0] : title[1]], title[0])
    return hit


def locate_quote(quote: str, block: Block, doc: Document) -> tuple[int, int] | None:
    """ORIGINAL-text span of ``quote`` inside the block's text (or its title), found ignoring
    whitespace and width; None when the article does not contain it."""
    hit = _locate_norm(quote, block, doc)
    if hit is None:
        return None
    return doc.to_original(hit[0], hit[1])


def parse_quote(quote: str) -> list[ParsedNumber]:
    """Every statistic in a quote: the parser the offline extractor uses."""
    return find_numbers(quote)


def _close(a: float, b: float) -> bool:
    if a == b:
        return True
    return abs(a - b) <= _REL_TOL * max(abs(a), abs(b))


def ground_metric(metric: Metric, block: Block, doc: Document) -> GroundingResult:
    """Is ``metric`` grounded in ``block``? (quote found, span on it, value parsed back)."""
    located = locate_quote(metric.quote, block, doc)
    if located is None:
        return GroundingResult(False, GroundingFailure.QUOTE_NOT_FOUND)
    span = tuple(metric.span)
    if span != located:
        s, e = span
        if not (0 <= s <= e <= len(doc.original)) or fold(doc.original[s:e]) != fold(metric.quote):
            return GroundingResult(False, GroundingFailure.SPAN_MISMATCH, located)
    parsed = parse_quote(metric.quote)
    same_value = [p for p in parsed if _close(p.value, abs(metric.value))]
    if not same_value:
        return GroundingResult(False, GroundingFailure.VALUE_NOT_IN_QUOTE, located)
    for p in same_value:
        if p.normalized_unit is metric.normalized.unit and _close(
            abs(p.normalized_value), abs(metric.normalized.value)
        ):
            return GroundingResult(True, None, located)
    return GroundingResult(False, GroundingFailure.NORMALIZED_MISMATCH, located)


def ground_metrics(
    metrics: list[Metric], block: Block, doc: Document, *, fix_spans: bool = True
) -> tuple[list[Metric], list[tuple[Metric, GroundingResult]]]:
    """Split metrics into (kept, dropped with the reason).

    With ``fix_spans`` a metric whose quote is found but whose span is off (LLMs cannot count
    characters) is kept with the located span instead of being dropped.
    """
    kept: list[Metric] = []
    dropped: list[tuple[Metric, GroundingResult]] = []
    for metric in metrics:
        result = ground_metric(metric, block, doc)
        if result.ok:
            kept.append(metric)
            continue
        if fix_spans and result.reason is GroundingFailure.SPAN_MISMATCH and result.span:
            repaired = metric.model_copy(update={"span": result.span})
            again = ground_metric(repaired, block, doc)
            if again.ok:
                kept.append(repaired)
                continue
            result = again
        dropped.append((metric, result))
    return kept, dropped


_ANY_NUMBER = re.compile(r"\d+(?:[,，]\d{3})*(?:[.．]\d+)?")


def _raw_values(text: str) -> set[float]:
    out: set[float] = set()
    for m in _ANY_NUMBER.finditer(text):
        v = parse_number(m.group(0))
        if v is not None:
            out.add(round(v, 9))
    return out


def numbers_not_in_text(summary_text: str, article_text: str) -> list[str]:
    """Numbers written in ``summary_text`` that ``article_text`` never states.

    Statistics are compared by parsed value (so 1.7万亿 matches 1.7万亿元, 7.1% matches 7.1％);
    other digit runs (years, dates) by their raw value. Returns the summary's literals as written.
    """
    article_stats = find_numbers(article_text)
    normalized = [abs(p.normalized_value) for p in article_stats]
    raw = _raw_values(article_text) | {round(p.value, 9) for p in article_stats}
    flagged: list[str] = []
    covered: list[tuple[int, int]] = []
    for p in find_numbers(summary_text):
        covered.append((p.num_start, p.num_end))
        ok = any(_close(abs(p.normalized_value), v) for v in normalized) or (
            p.normalized_unit is NormalizedUnit.OTHER and round(p.value, 9) in raw
        )
        if not ok:
            flagged.append(summary_text[p.start : p.end])
    for m in _ANY_NUMBER.finditer(summary_text):
        if any(s <= m.start() < e for s, e in covered):
            continue
        v = parse_number(m.group(0))
        if v is not None and round(v, 9) not in raw:
            flagged.append(m.group(0))
    return flagged
