"""The offline engine: rules only, no network, no key.

For every block: metrics (articles only) from the rule-based extractor, then the extractive
summary. A block that raises is recorded in ``errors`` with its id; the others go on.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from .._version import __version__
from ..models import (
    Article,
    ArticleError,
    Block,
    BlockKind,
    EngineInfo,
    EngineName,
    Metric,
)
from ..normalize import Document
from ..pipeline import EngineResult
from .summary import summarize_block

__all__ = ["MetricExtractor", "OfflineEngine"]

MetricExtractor = Callable[..., list[Metric]]

# Kinds whose text is news and gets metrics; captions that tell a news item are segmented as
# articles, plain photo captions are not.
_METRIC_KINDS = frozenset({BlockKind.ARTICLE})
# Kinds that get an extractive summary; page indexes and other matter only keep their title.
_SUMMARY_KINDS = frozenset({BlockKind.ARTICLE, BlockKind.CAPTION})


def _default_extractor() -> MetricExtractor:
    from .metrics import extract_metrics

    return extract_metrics


class OfflineEngine:
    """Rule-based engine implementing ``pipeline.Engine``."""

    def __init__(self, *, extract_metrics: MetricExtractor | None = None) -> None:
        # Injectable for tests; the rule-based extractor is imported on first use.
        self._extract = extract_metrics

    def info(self) -> EngineInfo:
        return EngineInfo(name=EngineName.OFFLINE, version=__version__)

    def _article(self, block: Block, doc: Document, issue_date: date | None) -> Article:
        metrics: list[Metric] = []
        if block.kind in _METRIC_KINDS:
            if self._extract is None:
                self._extract = _default_extractor()
            metrics = self._extract(block, doc, issue_date=issue_date)
        summary = summarize_block(block, metrics) if block.kind in _SUMMARY_KINDS else None
        return Article.from_block(block, summary, metrics)

    def run(self, blocks: list[Block], doc: Document, *, issue_date: date | None) -> EngineResult:
        result = EngineResult()
        result.coverage.articles = len(blocks)
        result.coverage.chunks = len(blocks)
        for block in blocks:
            try:
                result.articles.append(self._article(block, doc, issue_date))
            except Exception as e:  # one bad block must not sink the issue
                result.errors.append(
                    ArticleError(article_id=block.id, error=f"{type(e).__name__}: {e}")
                )
                result.coverage.articles_failed += 1
                result.coverage.chunks_failed += 1
        return result
