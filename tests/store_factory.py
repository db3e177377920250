"""Hand-built IssueSummary objects for the store and digest tests (no engine needed)."""

from __future__ import annotations

import hashlib
from datetime import date

from summarizer.models import (
    Article,
    BlockKind,
    EngineInfo,
    EngineName,
    Entities,
    IssueSummary,
    Metric,
    MetricKind,
    NormalizedUnit,
    NormalizedValue,
    Source,
    Summary,
)
from summarizer.read import IssueText

__all__ = ["fake_summarize", "make_article", "make_metric", "make_summary"]


def make_metric(
    subject: str,
    indicator: str,
    value: float,
    unit: str = "%",
    *,
    period: str | None = "今年第一季度",
    kind: MetricKind = MetricKind.CHANGE_RATE,
    norm_unit: NormalizedUnit = NormalizedUnit.PERCENT,
    norm_value: float | None = None,
    quote: str | None = None,
) -> Metric:
    quote = quote or f"{subject}{indicator}{value:g}{unit}"
    return Metric(
        subject=subject,
        indicator=indicator,
        period=period,
        value=value,
        unit=unit,
        normalized=NormalizedValue(
            value=value if norm_value is None else norm_value, unit=norm_unit
        ),
        kind=kind,
        quote=quote,
        span=(0, len(quote)),
    )


def make_article(
    key: str,
    title: str,
    summary: str,
    *,
    metrics: list[Metric] | None = None,
    topics: list[str] | None = None,
    zones: list[str] | None = None,
    companies: list[str] | None = None,
    text: str | None = None,
) -> Article:
    return Article(
        id=key,
        kind=BlockKind.ARTICLE,
        title=title,
        span=(0, 10),
        text=text or summary * 3,
        summary=Summary(
            headline=title,
            summary=summary,
            key_points=[summary],
            topics=topics or [],
            entities=Entities(zones=zones or [], companies=companies or []),
        ),
        metrics=metrics or [],
    )


def make_summary(
    text: str,
    articles: list[Article],
    *,
    path: str = "issue.txt",
    engine_version: str = "1",
    issue_date: date | None = None,
) -> IssueSummary:
    return IssueSummary(
        source=Source(
            path=path,
            sha256=hashlib.sha256(text.encode()).hexdigest(),
            chars=len(text),
            issue_date=issue_date.isoformat() if issue_date else None,
        ),
        engine=EngineInfo(name=EngineName.OFFLINE, version=engine_version),
        articles=articles,
    )


def fake_summarize(issue: IssueText, issue_date: date | None) -> IssueSummary:
    """One article per non-empty paragraph; a metric for every '增长X%' it can see."""
    import re

    arts = []
    for n, para in enumerate(p.strip() for p in issue.text.split("\n\n")):
        if not para:
            continue
        metrics = [
            make_metric("杭州高新区", "工业增加值同比增长", float(m[1]), quote=m[0])
            for m in re.finditer(r"增长([0-9.]+)%", para)
        ]
        arts.append(
            make_article(
                f"a{n}",
                para[:12],
                para[:60],
                metrics=metrics,
                topics=["产业升级"],
                zones=["杭州高新区"],
            )
        )
    summary = make_summary(issue.text, arts, path=issue.path, issue_date=issue_date)
    summary.source.sha256 = issue.sha256
    return summary
