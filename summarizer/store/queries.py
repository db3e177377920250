"""Read-side queries of the store: issue selection and the analysts' metric rows (csv/jsonl).

``metric_rows`` is the library function behind ``summarizer query metrics`` and ``summarizer
metrics --db``; its rows have exactly the columns of ``summarizer.render.metrics.METRIC_COLUMNS``
(the same as ``summarizer metrics ISSUE...``) and are written by the same csv/jsonl writer.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from datetime import date

from ..render.metrics import METRIC_COLUMNS, MetricsFormat, write_metric_rows
from .db import store_errors
from .ingest import canonical_subject

__all__ = [
    "METRIC_COLUMNS",
    "IssueRow",
    "MetricRow",
    "metric_rows",
    "metrics_csv",
    "metrics_jsonl",
    "select_issues",
]


@dataclass(slots=True, frozen=True)
class IssueRow:
    id: int
    name: str
    path: str
    issue_date: str | None
    sha256: str
    engine: str


def select_issues(
    conn: sqlite3.Connection,
    *,
    since: date | None = None,
    until: date | None = None,
    last: int | None = None,
) -> list[IssueRow]:
    """Issues in a date range (inclusive; undated issues only when no range is given), or
    the ``last`` N by issue date (then by ingest order), oldest first."""
    where: list[str] = []
    args: list[object] = []
    if since is not None:
        where.append("issue_date >= ?")
        args.append(since.isoformat())
    if until is not None:
        where.append("issue_date <= ?")
        args.append(until.isoformat())
    sql = "SELECT id, name, path, issue_date, sha256, engine FROM issues"
    if where:
        sql += " WHERE " + " AND ".join(where)
    sql += " ORDER BY issue_date IS NULL, issue_date DESC, id DESC"
    if last is not None:
        sql += " LIMIT ?"
        args.append(last)
    with store_errors(conn, "cannot read the database"):
        rows = [IssueRow(**dict(r)) for r in conn.execute(sql, args)]
    rows.reverse()
    return rows


@dataclass(slots=True, frozen=True)
class MetricRow:
    """One stored metric; fields are exactly ``METRIC_COLUMNS`` (the one shared column set)."""

    source: str
    issue: str
    issue_date: str | None
    article_id: str
    article_title: str | None
    subject: str | None
    canonical_subject: str | None
    indicator: str | None
    period: str | None
    period_start: str | None
    period_end: str | None
    value: float
    unit: str
    normalized_value: float
    normalized_unit: str
    kind: str
    qualifier: str
    quote: str
    span_start: int
    span_end: int
    origin: str


def _like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def metric_rows(
    conn: sqlite3.Connection,
    *,
    subject: str | None = None,
    indicator: str | None = None,
    period: str | None = None,
    kind: str | None = None,
    since: date | None = None,
    until: date | None = None,
    limit: int | None = None,
) -> list[MetricRow]:
    """Stored metrics matching every given filter, by issue date then position.

    ``subject`` matches the canonical subject (so 滨江高新区 finds 杭州高新区) or a substring of
    the subject as written; ``indicator`` and ``period`` match substrings.
    """
    where: list[str] = []
    args: list[object] = []
    if subject:
        where.append("(m.canonical_subject = ? OR m.subject LIKE ? ESCAPE '\\')")
        args += [canonical_subject(subject), _like(subject.strip())]
    if indicator:
        where.append("m.indicator LIKE ? ESCAPE '\\'")
        args.append(_like(indicator.strip()))
    if period:
        where.append("m.period LIKE ? ESCAPE '\\'")
        args.append(_like(period.strip()))
    if kind:
        where.append("m.kind = ?")
        args.append(kind)
    if since is not None:
        where.append("i.issue_date >= ?")
        args.append(since.isoformat())
    if until is not None:
        where.append("i.issue_date <= ?")
        args.append(until.isoformat())
    sql = (
        "SELECT i.path AS source, i.name AS issue, i.issue_date, a.article_key AS article_id,"
        " COALESCE(NULLIF(a.title, ''), a.headline) AS article_title, m.subject,"
        " m.canonical_subject, m.indicator, m.period, m.period_start, m.period_end, m.value,"
        " m.unit, m.norm_value AS normalized_value, m.norm_unit AS normalized_unit, m.kind,"
        " m.qualifier, m.quote, m.span_start, m.span_end, m.source AS origin"
        " FROM metrics m JOIN articles a ON a.id = m.article_id JOIN issues i ON i.id = m.issue_id"
    )
    if where:
        sql += " WHERE " + " AND ".join(where)
    # Within an issue: the summary's own article and metric order (as ``metrics ISSUE`` gives).
    sql += " ORDER BY i.issue_date IS NULL, i.issue_date, i.id, a.ord, m.id"
    if limit is not None:
        sql += " LIMIT ?"
        args.append(limit)
    with store_errors(conn, "cannot read the database"):
        return [MetricRow(**dict(r)) for r in conn.execute(sql, args)]


def metrics_csv(rows: Iterable[MetricRow]) -> str:
    """CSV with the shared ``METRIC_COLUMNS`` header, written by the one metrics writer."""
    return write_metric_rows((asdict(r) for r in rows), MetricsFormat.CSV)


def metrics_jsonl(rows: Iterable[MetricRow]) -> str:
    """One JSON object per metric row, written by the one metrics writer."""
    return write_metric_rows((asdict(r) for r in rows), MetricsFormat.JSONL)
