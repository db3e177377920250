"""Metrics of one or more issues as flat rows: csv (one header) or jsonl, with source and article.

Dispatch is one enum (``MetricsFormat``) and one mapping (``METRICS_RENDERERS``).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterable, Iterator
from enum import StrEnum
from typing import Any

from ..models import IssueSummary

__all__ = [
    "METRICS_RENDERERS",
    "METRIC_COLUMNS",
    "MetricsFormat",
    "metric_rows",
    "render_metrics",
    "render_metrics_csv",
    "render_metrics_jsonl",
]


class MetricsFormat(StrEnum):
    CSV = "csv"
    JSONL = "jsonl"


METRIC_COLUMNS = (
    "source",
    "issue_date",
    "article_id",
    "article_title",
    "subject",
    "indicator",
    "period",
    "period_start",
    "period_end",
    "value",
    "unit",
    "normalized_value",
    "normalized_unit",
    "kind",
    "qualifier",
    "quote",
    "span_start",
    "span_end",
    "origin",
)


def metric_rows(summaries: Iterable[IssueSummary]) -> Iterator[dict[str, Any]]:
    """One flat dict per metric (keys: ``METRIC_COLUMNS``), in issue and article order."""
    for summary in summaries:
        for article in summary.articles:
            for m in article.metrics:
                yield {
                    "source": summary.source.path,
                    "issue_date": summary.source.issue_date,
                    "article_id": article.id,
                    "article_title": article.title or article.summary.headline,
                    "subject": m.subject,
                    "indicator": m.indicator,
                    "period": m.period,
                    "period_start": m.period_range.start if m.period_range else None,
                    "period_end": m.period_range.end if m.period_range else None,
                    "value": m.value,
                    "unit": m.unit,
                    "normalized_value": m.normalized.value,
                    "normalized_unit": str(m.normalized.unit),
                    "kind": str(m.kind),
                    "qualifier": str(m.qualifier),
                    "quote": m.quote,
                    "span_start": m.span[0],
                    "span_end": m.span[1],
                    "origin": str(m.source),
                }


def render_metrics_csv(summaries: Iterable[IssueSummary]) -> str:
    """CSV with a header row; empty cells for missing values."""
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=METRIC_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for row in metric_rows(summaries):
        writer.writerow({k: "" if v is None else v for k, v in row.items()})
    return buf.getvalue()


def render_metrics_jsonl(summaries: Iterable[IssueSummary]) -> str:
    """One JSON object per metric."""
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in metric_rows(summaries))


METRICS_RENDERERS: dict[MetricsFormat, Callable[[Iterable[IssueSummary]], str]] = {
    MetricsFormat.CSV: render_metrics_csv,
    MetricsFormat.JSONL: render_metrics_jsonl,
}


def render_metrics(summaries: Iterable[IssueSummary], fmt: MetricsFormat | str) -> str:
    """Render the metrics of ``summaries`` in format ``fmt`` (csv or jsonl)."""
    return METRICS_RENDERERS[MetricsFormat(fmt)](summaries)
