"""Period expressions: found as written, normalised to ISO ranges (1-5月 is a period, not a date)."""

from __future__ import annotations

from datetime import date

import pytest

from summarizer.extract.numbers import find_numbers
from summarizer.extract.periods import find_periods, resolve_period

ISSUE = date(2025, 6, 18)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("今年1-5月，济南高新区进出口总额实现471亿元", ["今年1-5月"]),
        ("今年第一季度，国家高新区实现", ["今年第一季度"]),
        ("上半年，宝鸡高新区固定资产投资", ["上半年"]),
        ("截至6月底，新增经营主体1785户", ["截至6月底"]),
        ("截\n至目前，全国共有178家", ["截\n至目前"]),
        ("1至5月和1—5月", ["1至5月", "1—5月"]),
        ("前三季度及去年同期", ["前三季度", "去年同期"]),
        ("自2021年落户孝感高新区以来，福斯线缆", ["自2021年落户孝感高新区以来"]),
        ("兑现2019年度支持企业发展政策奖励资金", ["2019年度"]),
    ],
)
def test_find_periods(text: str, expected: list[str]) -> None:
    found = find_periods(text)
    assert [p.text for p in found] == expected
    assert all(text[p.start : p.end] == p.text for p in found)


@pytest.mark.parametrize("text", ["5月20日，记者获悉", "5 月 20 日，以", "7月26日启动"])
def test_dates_are_not_periods(text: str) -> None:
    assert find_periods(text) == []


@pytest.mark.parametrize(
    ("expr", "start", "end", "cumulative"),
    [
        ("上半年", "2025-01-01", "2025-06-30", True),
        ("今年上半年", "2025-01-01", "2025-06-30", True),
        ("1-5月", "2025-01-01", "2025-05-31", True),
        ("1至5月", "2025-01-01", "2025-05-31", True),
        ("1—5月", "2025-01-01", "2025-05-31", True),
        ("今年1-5月", "2025-01-01", "2025-05-31", True),
        ("1-2月", "2025-01-01", "2025-02-28", True),
        ("截至6月底", "2025-01-01", "2025-06-30", True),
        ("一季度", "2025-01-01", "2025-03-31", True),
        ("第一季度", "2025-01-01", "2025-03-31", True),
        ("今年第一季度", "2025-01-01", "2025-03-31", True),
        ("前三季度", "2025-01-01", "2025-09-30", True),
        ("三季度", "2024-07-01", "2024-09-30", False),  # starts after the issue: last year
        ("去年同期", "2024-01-01", "2024-06-18", True),
        ("今年", "2025-01-01", "2025-12-31", False),
        ("今年以来", "2025-01-01", "2025-06-18", True),
        ("截至目前", "2025-01-01", "2025-06-18", True),
        ("2019年度", "2019-01-01", "2019-12-31", False),
        ("今年4月", "2025-04-01", "2025-04-30", False),
        ("前5个月", "2025-01-01", "2025-05-31", True),
        ("去年四季度", "2024-10-01", "2024-12-31", False),
    ],
)
def test_resolve_period(expr: str, start: str, end: str, cumulative: bool) -> None:
    r = resolve_period(expr, ISSUE)
    assert r is not None
    assert (r.start, r.end, r.cumulative) == (start, end, cumulative)


@pytest.mark.parametrize("expr", ["目前", "近期", "疫情期间", "13月", "0-5月", "", "随便什么"])
def test_vague_or_invalid_periods_have_no_range(expr: str) -> None:
    assert resolve_period(expr, ISSUE) is None


def test_month_range_is_neither_a_date_nor_a_metric() -> None:
    text = "1-5月，完成技术合同认定登记49项"
    assert [text[p.start : p.end] for p in find_numbers(text)] == ["49项"]
    r = resolve_period("1-5月", date(2023, 7, 1))
    assert r is not None and (r.start, r.end) == ("2023-01-01", "2023-05-31")


def test_leap_year_february() -> None:
    r = resolve_period("1-2月", date(2024, 3, 10))
    assert r is not None and r.end == "2024-02-29"


def test_year_of_a_full_date_is_not_a_period() -> None:
    assert find_periods("会议于2024年5月21日上午召开") == []
    assert [p.text for p in find_periods("截至2024年3月末，园区")] == ["截至2024年3月末"]
