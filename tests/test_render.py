"""Renderers: json (the contract), jsonl, md report, metrics csv/jsonl."""

from __future__ import annotations

import csv
import io
import json
import re

import pytest

from summarizer.models import (
    Article,
    ArticleError,
    BlockKind,
    EngineInfo,
    EngineName,
    Entities,
    IssueSummary,
    Metric,
    MetricKind,
    NormalizedUnit,
    NormalizedValue,
    PeriodRange,
    Qualifier,
    Source,
    Summary,
)
from summarizer.render.issue import IssueFormat, render_issue, render_jsonl, render_md
from summarizer.render.markdown import escape_cell, format_number, table
from summarizer.render.metrics import METRIC_COLUMNS, MetricsFormat, render_metrics


def _metric(quote: str = "工业增加值1.7万亿元", value: float = 1.7) -> Metric:
    return Metric(
        subject="国家高新区",
        indicator="规模以上工业增加值",
        period="今年第一季度",
        period_range=PeriodRange(start="2025-01-01", end="2025-03-31", cumulative=True),
        value=value,
        unit="万亿元",
        normalized=NormalizedValue(value=value * 1e12, unit=NormalizedUnit.CNY),
        kind=MetricKind.LEVEL,
        qualifier=Qualifier.EXACT,
        quote=quote,
        span=(10, 10 + len(quote)),
    )


def _issue(*, errors: bool = False) -> IssueSummary:
    a1 = Article(
        id="a1",
        kind=BlockKind.ARTICLE,
        title="一季度国家高新区规上工业增加值1.7万亿",
        byline="张伟",
        span=(0, 100),
        text="正文",
        summary=Summary(
            headline="一季度国家高新区规上工业增加值1.7万亿",
            summary="国家高新区实现规模以上工业增加值1.7万亿元。",
            key_points=["国家高新区实现规模以上工业增加值1.7万亿元。"],
            topics=["经济运行"],
            entities=Entities(zones=["杭州高新区"], people=["张伟"]),
        ),
        metrics=[_metric(), _metric("A|B 占比<b>7.1%</b>", 7.1)],
    )
    a2 = Article(
        id="a2",
        kind=BlockKind.INDEX,
        span=(100, 120),
        text="3版 4版",
        summary=Summary(headline="", summary=""),
    )
    a3 = Article(
        id="a3",
        kind=BlockKind.CAPTION,
        span=(120, 130),
        text="博世电动生产线 图片来源:杭州高新区",
        summary=Summary(headline="博世电动生产线", summary="博世电动生产线"),
    )
    return IssueSummary(
        source=Source(
            path="/x/gaoxin-2025-06-18.txt", sha256="0" * 64, chars=120, issue_date="2025-06-18"
        ),
        engine=EngineInfo(name=EngineName.OFFLINE, version="0.1.0"),
        articles=[a1, a2, a3],
        errors=[ArticleError(article_id="a3", error="ValueError: boom")] if errors else [],
    )


def test_json_is_the_contract_and_utf8() -> None:
    text = render_issue(_issue(), IssueFormat.JSON)
    assert "国家高新区" in text and "\\u" not in text
    back = IssueSummary.model_validate_json(text)
    assert back == _issue()
    data = json.loads(text)
    assert data["schema_version"] == "1"
    assert set(data) >= {"schema_version", "source", "engine", "articles", "usage", "errors"}


def test_jsonl_has_one_article_per_line() -> None:
    lines = render_jsonl(_issue()).splitlines()
    assert len(lines) == 3
    first = json.loads(lines[0])
    assert first["id"] == "a1" and first["source"] == "/x/gaoxin-2025-06-18.txt"
    assert Article.model_validate(
        {k: v for k, v in first.items() if k not in ("source", "issue_date")}
    )


def _table_rows(md: str) -> list[list[str]]:
    rows = []
    for line in md.splitlines():
        if line.startswith("|"):
            # Split on pipes that are not escaped.
            cells = re.split(r"(?<!\\)\|", line.strip())[1:-1]
            rows.append([c.strip() for c in cells])
    return rows


def test_md_report_reads_well_and_tables_are_valid() -> None:
    md = render_md(_issue(errors=True))
    assert md.startswith("# gaoxin-2025-06-18.txt — 2025-06-18")
    assert "## 1. 一季度国家高新区规上工业增加值1.7万亿" in md
    assert "by 张伟" in md and "**Key points**" in md and "杭州高新区" in md
    rows = _table_rows(md)
    assert rows[0] == ["Subject", "Indicator", "Value", "Period", "Kind", "Qualifier", "Quote"]
    assert all(set(c) <= {"-"} for c in rows[1])
    assert all(len(r) == 7 for r in rows)  # the escaped pipe did not add a column
    assert rows[2][2] == "1.7 万亿元"
    assert "A\\|B" in md and "<b>" not in md and "&lt;b&gt;" in md
    assert "## Errors" in md and "a3" in md
    assert "a2 (index)" in md  # page furniture is listed, not summarised
    assert "## Photos" in md and "- `a3` 博世电动生产线 图片来源:杭州高新区" in md
    assert "## 2." not in md  # a plain photo caption is not a story


def test_markdown_helpers() -> None:
    assert escape_cell("a|b\nc") == "a\\|b c"
    assert escape_cell(None) == ""
    assert (
        format_number(15.0) == "15"
        and format_number(1.7) == "1.7"
        and format_number(55.49) == "55.49"
    )
    assert table(["h"], [["x|y"]]).splitlines() == ["| h |", "| --- |", "| x\\|y |"]


def test_metrics_csv_one_row_per_metric_with_source_and_article() -> None:
    text = render_metrics([_issue(), _issue()], MetricsFormat.CSV)
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == 4
    assert tuple(rows[0]) == METRIC_COLUMNS
    assert rows[0]["source"] == "/x/gaoxin-2025-06-18.txt" and rows[0]["article_id"] == "a1"
    assert rows[0]["issue"] == "gaoxin-2025-06-18.txt"
    assert float(rows[0]["normalized_value"]) == pytest.approx(1.7e12)
    assert rows[0]["normalized_unit"] == "CNY" and rows[0]["period_end"] == "2025-03-31"
    assert rows[1]["quote"] == "A|B 占比<b>7.1%</b>"  # csv quoting keeps the text exact


def test_metrics_jsonl() -> None:
    lines = render_metrics([_issue()], "jsonl").splitlines()
    assert len(lines) == 2
    assert json.loads(lines[0])["kind"] == "level"
    assert render_metrics([], MetricsFormat.CSV).strip() == ",".join(METRIC_COLUMNS)
