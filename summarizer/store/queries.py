"""Read-side queries of the store: issue selection and the analysts' metric rows (csv/jsonl).

``metric_rows`` is the library function behind ``summarizer query metrics``; other commands
(e.g. ``summarizer metrics --db``) can call it as well.
"""

from __future__ import annotations

import csv
import io
import json
import sqlite3
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import date

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


METRIC_COLUMNS = (
    "issue_date",
    "issue",
    "article_id",
    "title",
    "subject",
    "canonical_subject",
    "indicator",
    "period",
    "value",
    "unit",
    "normalized_value",
    "normalized_unit",
    "kind",
    "qualifier",
    "quote",
    "span_start",
    "span_end",
    "path",
)


@dataclass(slots=True, frozen=True)
class MetricRow:
    issue_date: str | None
    issue: str
    article_id: str
    title: str | None
    subject: str | None
    canonical_subject: str | None
    indicator: str | None
    period: str | None
    value: float
    unit: str
    normalized_value: float
    normalized_unit: str
    kind: str
    qualifier: str
    quote: str
    span_start: int
    span_end: int
    path: str


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
        "SELECT i.issue_date, i.name AS issue, a.article_key AS article_id,"
        " COALESCE(a.title, a.headline) AS title, m.subject, m.canonical_subject, m.indicator,"
        " m.period, m.value, m.unit, m.norm_value AS normalized_value,"
        " m.norm_unit AS normalized_unit, m.kind, m.qualifier, m.quote, m.span_start,"
        " m.span_end, i.path"
        " FROM metrics m JOIN articles a ON a.id = m.article_id JOIN issues i ON i.id = m.issue_id"
    )
    if where:
        sql += " WHERE " + " AND ".join(where)
    sql += " ORDER BY i.issue_date IS NULL, i.issue_date, i.id, m.span_start"
    if limit is not None:
        sql += " LIMIT ?"
        args.append(limit)
    with store_errors(conn, "cannot read the database"):
        return [MetricRow(**dict(r)) for r in conn.execute(sql, args)]


def metrics_csv(rows: Sequence[MetricRow]) -> str:
    """CSV with a header row (RFC 4180 quoting), UTF-8 text."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(METRIC_COLUMNS)
    for row in rows:
        writer.writerow([getattr(row, c) for c in METRIC_COLUMNS])
    return buf.getvalue()


def metrics_jsonl(rows: Sequence[MetricRow]) -> str:
    """One JSON object per metric row."""
    return "".join(json.dumps(asdict(r), ensure_ascii=False) + "\n" for r in rows)
