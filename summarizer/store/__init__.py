"""The issue store: SQLite with versioned migrations, ingest, search and metric queries."""

from __future__ import annotations

from .db import SCHEMA_VERSION, connect, default_db_path, transaction
from .ingest import (
    IngestItem,
    IngestReport,
    IngestStatus,
    Summarize,
    detect_issue_date,
    expand_sources,
    ingest,
    pipeline_summarizer,
    watch,
)
from .queries import MetricRow, metric_rows, metrics_csv, metrics_jsonl, select_issues
from .search import HitKind, SearchHit, search

__all__ = [
    "SCHEMA_VERSION",
    "HitKind",
    "IngestItem",
    "IngestReport",
    "IngestStatus",
    "MetricRow",
    "SearchHit",
    "Summarize",
    "connect",
    "default_db_path",
    "detect_issue_date",
    "expand_sources",
    "ingest",
    "metric_rows",
    "metrics_csv",
    "metrics_jsonl",
    "pipeline_summarizer",
    "search",
    "select_issues",
    "transaction",
    "watch",
]
