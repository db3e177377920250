"""Metrics as flat rows for analysts: csv (one header) or jsonl, one column set for every path.

``METRIC_COLUMNS`` is the single definition of a metric row: ``summarizer metrics ISSUE...``
(rows built here from summaries) and ``summarizer metrics --db`` / ``query metrics`` (rows read
from the store by ``summarizer.store.queries``) both fill all of it and both write through
``write_metric_rows``, so a spreadsheet built from one works with the other.
Dispatch is one enum (``MetricsFormat``) and one mapping (``METRIC_ROW_WRITERS``).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterable, Iterator, Mapping
from enum import StrEnum
from pathlib import PurePath
from typing import Any

from ..models import IssueSummary

__all__ = [
    "METRICS_RENDERERS",
    "METRIC_COLUMNS",
    "METRIC_ROW_WRITERS",
    "MetricsFormat",
    "metric_rows",
    "metric_rows_csv",
    "metric_rows_jsonl",
    "render_metrics",
    "render_metrics_csv",
    "render_metrics_jsonl",
    "write_metric_rows",
]


class MetricsFormat(StrEnum):
    CSV = "csv"
    JSONL = "jsonl"


# The one column set (order = csv header order = jsonl key order).
METRIC_COLUMNS = (
    "source",  # path of the issue file
    "issue",  # its file name
    "issue_date",
    "article_id",
    "article_title",  # title, else the summary's headline
    "subject",
    "canonical_subject",  # gazetteer zone name, else the subject without spaces
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
    "origin",  # who found the metric (e.g. rule or llm)
)


def metric_rows(summaries: Iterable[IssueSummary]) -> Iterator[dict[str, Any]]:
    """One flat dict per metric (keys: ``METRIC_COLUMNS``), in issue, article and metric order."""
    # Imported here: the store imports this module, and the gazetteer loads lazily.
    from ..store.ingest import canonical_subject

    for summary in summaries:
        src = summary.source
        for article in summary.articles:
            for m in article.metrics:
                pr = m.period_range
                yield {
                    "source": src.path,
                    "issue": PurePath(src.path).name,
                    "issue_date": src.issue_date,
                    "article_id": article.id,
                    "article_title": article.title or article.summary.headline,
                    "subject": m.subject,
                    "canonical_subject": canonical_subject(m.subject),
                    "indicator": m.indicator,
                    "period": m.period,
                    "period_start": pr.start if pr else None,
                    "period_end": pr.end if pr else None,
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


def metric_rows_csv(rows: Iterable[Mapping[str, Any]]) -> str:
    """CSV with the ``METRIC_COLUMNS`` header (RFC 4180 quoting); empty cells for missing values."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(METRIC_COLUMNS)
    for row in rows:
        writer.writerow(["" if row.get(c) is None else row[c] for c in METRIC_COLUMNS])
    return buf.getvalue()


def metric_rows_jsonl(rows: Iterable[Mapping[str, Any]]) -> str:
    """One JSON object per row, keys in ``METRIC_COLUMNS`` order (missing ones as null)."""
    return "".join(
        json.dumps({c: row.get(c) for c in METRIC_COLUMNS}, ensure_ascii=False) + "\n"
        for row in rows
    )


METRIC_ROW_WRITERS: dict[MetricsFormat, Callable[[Iterable[Mapping[str, Any]]], str]] = {
    MetricsFormat.CSV: metric_rows_csv,
    MetricsFormat.JSONL: metric_rows_jsonl,
}


def write_metric_rows(rows: Iterable[Mapping[str, Any]], fmt: MetricsFormat | str) -> str:
    """Metric rows (dicts keyed by ``METRIC_COLUMNS``, from either source) in format ``fmt``."""
    return METRIC_ROW_WRITERS[MetricsFormat(fmt)](rows)


def render_metrics_csv(summaries: Iterable[IssueSummary]) -> str:
    """The metrics of ``summaries`` as CSV."""
    return metric_rows_csv(metric_rows(summaries))


def render_metrics_jsonl(summaries: Iterable[IssueSummary]) -> str:
    """The metrics of ``summaries`` as JSON lines."""
    return metric_rows_jsonl(metric_rows(summaries))


METRICS_RENDERERS: dict[MetricsFormat, Callable[[Iterable[IssueSummary]], str]] = {
    MetricsFormat.CSV: render_metrics_csv,
    MetricsFormat.JSONL: render_metrics_jsonl,
}


def render_metrics(summaries: Iterable[IssueSummary], fmt: MetricsFormat | str) -> str:
    """Render the metrics of ``summaries`` in format ``fmt`` (csv or jsonl)."""
    return write_metric_rows(metric_rows(summaries), fmt)
