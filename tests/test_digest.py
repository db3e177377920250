"""The digest: ranking, cross-issue metric groups and conflicts, index, empty range, renderers."""

from __future__ import annotations

import json
import re
import sqlite3
from datetime import date
from pathlib import Path

import pytest
from store_factory import make_article, make_metric, make_summary

from summarizer.digest import build_digest, render_digest
from summarizer.models import MetricKind, NormalizedUnit
from summarizer.store import connect, transaction
from summarizer.store.ingest import write_issue


def _store(conn: sqlite3.Connection, name: str, when: date | None, articles: list) -> None:  # type: ignore[type-arg]
    summary = make_summary(name + str(when), articles, path=f"/data/{name}.txt")
    with transaction(conn):
        write_issue(conn, summary, path=summary.source.path, issue_date=when, date_source=None)


def _gdp(value: float, subject: str = "孝感高新区", period: str = "今年第一季度"):  # type: ignore[no-untyped-def]
    return make_metric(subject, "工业增加值同比增长", value, period=period)


def _level(value: float, subject: str = "国家高新区"):  # type: ignore[no-untyped-def]
    return make_metric(
        subject,
        "规模以上工业增加值",
        value,
        "万亿元",
        kind=MetricKind.LEVEL,
        norm_unit=NormalizedUnit.CNY,
        norm_value=value * 1e12,
    )


@pytest.fixture
def conn(tmp_path: Path) -> sqlite3.Connection:
    c = connect(tmp_path / "s.db")
    filler = "会议强调，要持续优化营商环境，推动高质量发展。" * 10
    _store(
        c,
        "issue-a",
        date(2025, 6, 1),
        [
            make_article("a0", "领导调研工作", filler, topics=["营商环境"], text=filler * 3),
            make_article(
                "a1",
                "孝感高新区工业增加值同比增长18.8%",
                "第一季度，孝感高新区工业增加值同比增长18.8%，工业投资增长26.7%。",
                metrics=[
                    _gdp(18.8),
                    make_metric("孝感高新区", "工业投资同比增长", 26.7),
                    _level(1.7),
                    make_metric("国家高新区", "规模以上工业增加值同比增长", 7.1),
                ],
                topics=["产业升级"],
                zones=["孝感高新区"],
                companies=["福斯线缆"],
            ),
        ],
    )
    _store(
        c,
        "issue-b",
        date(2025, 6, 8),
        [
            make_article(
                "b0",
                "孝感高新区工业增加值同比增长18.8%",  # the same story again, same value
                "第一季度，孝感高新区工业增加值同比增长18.8%。",
                metrics=[_gdp(18.8)],
                topics=["产业升级"],
                zones=["孝感高新区"],
            ),
            make_article(
                "b1",
                "新余高新区 | 一季度数据 <script>alert(1)</script>",
                "新余高新区地区生产总值同比增长4.5%。<b>加粗</b> *星号* | 竖线",
                metrics=[
                    make_metric("新余高新区", "地区生产总值同比增长", 4.5),
                    _level(1.8),  # conflicts with issue-a's 1.7万亿元
                ],
                topics=["产业升级"],
                zones=["新余高新区"],
                companies=["盛剑环境 | 设备"],
            ),
        ],
    )
    _store(
        c,
        "issue-c",
        date(2026, 6, 1),  # a year later: 今年第一季度 is another period
        [
            make_article(
                "c0",
                "孝感高新区再创新高",
                "今年第一季度，孝感高新区工业增加值同比增长9.9%。",
                metrics=[_gdp(9.9)],
                zones=["孝感高新区"],
            )
        ],
    )
    return c


def test_front_is_ranked_by_metrics_salience_novelty_not_order(conn: sqlite3.Connection) -> None:
    d = build_digest(conn)
    titles = [s.title for s in d.front]
    assert titles.index("孝感高新区工业增加值同比增长18.8%") < titles.index("领导调研工作")
    first = d.front[0]
    assert first.metric_count >= 4 and first.density > 0
    # The story told in two issues is ONE story with both sources.
    story = next(s for s in d.front if s.title.startswith("孝感高新区工业增加值"))
    assert [(r.issue, r.article_id) for r in story.sources] == [
        ("issue-a.txt", "a1"),
        ("issue-b.txt", "b0"),
    ]
    assert titles.count(story.title) == 1


def test_cross_issue_groups_conflicts_and_repeats(conn: sqlite3.Connection) -> None:
    d = build_digest(conn)
    conflicts = {(g.subject, g.indicator): g for g in d.conflicts}
    level = conflicts[("国家高新区", "规模以上工业增加值")]
    assert [(r.value, r.unit) for r in level.reports] == [(1.7, "万亿元"), (1.8, "万亿元")]
    assert [r.sources[0].issue for r in level.reports] == ["issue-a.txt", "issue-b.txt"]
    # The level is paired with its growth rate (change column).
    assert level.change is not None and level.change.value == 7.1
    # 18.8% reported twice: shown once with both sources, not a conflict.
    rate = [
        g
        for g in d.metric_groups
        if g.subject == "孝感高新区" and g.indicator == "工业增加值同比增长"
    ]
    periods = {g.period: g for g in rate}
    g2025 = periods["今年第一季度（2025）"]
    assert not g2025.conflict and len(g2025.reports) == 1
    assert [s.article_id for s in g2025.reports[0].sources] == ["a1", "b0"]
    # 9.9% is 2026's first quarter: another period, so no conflict with 18.8%.
    assert periods["今年第一季度（2026）"].reports[0].value == 9.9
    assert ("孝感高新区", "工业增加值同比增长") not in conflicts


def test_index_chart_and_date_filters(conn: sqlite3.Connection) -> None:
    d = build_digest(conn, since=date(2025, 6, 1), until=date(2025, 6, 30))
    assert [i.name for i in d.issues] == ["issue-a.txt", "issue-b.txt"]
    zones = {e.name: e for e in d.zones}
    first = zones["孝感高新区"].stories[0]
    assert first.title == "孝感高新区工业增加值同比增长18.8%"
    assert first.anchor is not None and first.anchor in {s.anchor for s in d.front}
    assert {e.name for e in d.companies} == {"福斯线缆", "盛剑环境 | 设备"}
    assert {b.zone for b in d.chart} >= {"孝感高新区", "新余高新区"}
    assert [i.name for i in build_digest(conn, last=1).issues] == ["issue-c.txt"]


def test_empty_range_gives_an_honest_empty_digest(conn: sqlite3.Connection) -> None:
    d = build_digest(conn, since=date(2030, 1, 1), until=date(2030, 12, 31))
    assert d.empty and d.front == [] and d.metric_groups == []
    md = render_digest(d, "md")
    assert "No stored issue falls in this range" in md and "0 issues" in md
    html = render_digest(d, "html")
    assert "No stored issue falls in this range" in html and "<table" not in html


def _table_blocks(md: str) -> list[list[str]]:
    blocks: list[list[str]] = []
    current: list[str] = []
    for line in md.splitlines():
        if line.startswith("|"):
            current.append(line)
        elif current:
            blocks.append(current)
            current = []
    if current:
        blocks.append(current)
    return blocks


def _cells(row: str) -> int:
    return len(re.split(r"(?<!\\)\|", row)) - 2  # unescaped pipes delimit the cells


def test_markdown_tables_are_valid_and_text_is_escaped(conn: sqlite3.Connection) -> None:
    md = render_digest(build_digest(conn), "md")
    tables = _table_blocks(md)
    assert len(tables) >= 3  # metrics, growth, sources
    for table in tables:
        assert re.fullmatch(r"\|( --- \|)+", table[1]), table[1]
        widths = {_cells(row) for row in table}
        assert len(widths) == 1, table
    assert "<script>" not in md and "\\<script\\>" in md
    assert "盛剑环境 \\| 设备" in md
    for heading in (
        "## 要闻 Top stories",
        "## 指标一览 Metrics",
        "## 数据冲突 Conflicts",
        "## 索引 Index",
        "## 来源 Sources",
    ):
        assert heading in md
    # Every in-page link (sources, stories) has its anchor.
    targets = set(re.findall(r"\]\(#((?:src|story)-\d+)\)", md))
    assert any(t.startswith("story-") for t in targets)
    for target in targets:
        assert f'<a id="{target}"></a>' in md


def test_html_is_self_contained_and_escapes_article_text(conn: sqlite3.Connection) -> None:
    html = render_digest(build_digest(conn), "html")
    assert "<script" not in html.lower()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;b&gt;加粗&lt;/b&gt;" in html
    assert not re.search(r"<link|@import|url\(|\bsrc=", html, re.IGNORECASE)
    assert re.search(r'href="https?:', html) is None
    assert "<svg" in html and "<style>" in html and "@media" in html
    assert html.count("<table") == 2
    ids = set(re.findall(r'\bid="([^"]+)"', html))
    for target in set(re.findall(r'href="#([^"]+)"', html)):
        assert target in ids, target


class _FakeClient:
    """Stands in for the OpenAI client: records the request, returns a canned answer."""

    def __init__(self, answer: dict[str, object]) -> None:
        self.answer = answer
        self.requests: list[object] = []

    async def complete(self, request):  # type: ignore[no-untyped-def]
        from summarizer.llm.wire import ChatResult

        self.requests.append(request)
        return ChatResult(content=json.dumps(self.answer, ensure_ascii=False), finish_reason="stop")


def test_llm_overview_numbers_are_checked_against_stored_metrics(conn: sqlite3.Connection) -> None:
    from summarizer.digest.overview import llm_overview_writer
    from summarizer.llm.settings import LLMSettings

    client = _FakeClient(
        {
            "headline": "高新区一季度增长强劲",
            "summary": "孝感高新区工业增加值同比增长18.8%。全国高新区利润增长99.9%。新余高新区稳步发展。",
            "key_points": ["国家高新区规模以上工业增加值1.7万亿元"],
            "topics": ["产业升级"],
        }
    )
    settings = LLMSettings(model="fake", base_url="http://127.0.0.1:9")
    d = build_digest(conn, overview_writer=llm_overview_writer(settings, client=client))
    assert d.overview_kind == "llm"
    assert d.overview == [
        "孝感高新区工业增加值同比增长18.8%。",
        "新余高新区稳步发展。",
        "国家高新区规模以上工业增加值1.7万亿元",
    ]
    assert len(d.overview_violations) == 1 and "99.9" in d.overview_violations[0]
    # The prompt carried the stories as fenced data, and the stored values.
    user = client.requests[0].messages[1]["content"]  # type: ignore[attr-defined]
    assert "孝感高新区工业增加值同比增长18.8%" in user and "=====DIGEST-DATA=====" in user
    md = render_digest(d, "md")
    assert "99.9" not in md and "1 sentences removed" in md
    assert d.overview_source == "fake via digest@v1" and "digest@v1" in md


def test_llm_overview_failure_falls_back_to_extractive(conn: sqlite3.Connection) -> None:
    from summarizer.errors import LLMError

    def broken(_digest):  # type: ignore[no-untyped-def]
        raise LLMError("endpoint down")

    d = build_digest(conn, overview_writer=broken)
    assert d.overview_kind == "extractive" and d.overview_error == "endpoint down"
    assert d.overview[0].startswith("本摘要收录 3 期")


def test_several_values_inside_one_issue_are_a_list_not_a_conflict(tmp_path: Path) -> None:
    c = connect(tmp_path / "s.db")
    listing = make_article(
        "x1",
        "三家企业增长",
        "大立、博日、红相三家企业分别增长370.4%、298.3%、1396.4%。",
        metrics=[_gdp(370.4, "杭州高新区"), _gdp(298.3, "杭州高新区"), _gdp(1396.4, "杭州高新区")],
    )
    _store(c, "list", date(2025, 6, 1), [listing])
    d = build_digest(c)
    group = next(g for g in d.metric_groups if g.subject == "杭州高新区")
    assert group.value_count == 3 and not group.conflict
    assert d.conflicts == [] and d.conflicts_total == 0
    # The same three values, one of them changed, in a later issue: now it is a conflict.
    _store(
        c,
        "later",
        date(2025, 6, 9),
        [make_article("y1", "再报", "再报。", metrics=[_gdp(371.0, "杭州高新区")])],
    )
    d2 = build_digest(c)
    assert d2.conflicts_total == 1 and d2.conflicts[0].value_count == 4


def test_digest_queries_use_indexes_not_table_scans(conn: sqlite3.Connection) -> None:
    statements: list[str] = []
    conn.set_trace_callback(statements.append)
    try:
        build_digest(conn, since=date(2025, 6, 1), until=date(2025, 6, 30))
    finally:
        conn.set_trace_callback(None)
    selects = [s for s in statements if s.lstrip().upper().startswith("SELECT")]
    assert len(selects) >= 4
    big = ("metrics", "articles", "article_terms", "m", "a")
    for sql in selects:
        plan = [row[3] for row in conn.execute("EXPLAIN QUERY PLAN " + sql)]
        scans = [p for p in plan if p.startswith("SCAN") and p.split()[1] in big]
        assert not scans, (sql, plan)


def test_json_digest_round_trips(conn: sqlite3.Connection) -> None:
    from summarizer.digest import Digest

    text = render_digest(build_digest(conn), "json")
    again = Digest.model_validate_json(text)
    assert again.conflicts_total == 1 and len(again.issues) == 3
    assert again.front[0].sources[0].issue == "issue-a.txt"
