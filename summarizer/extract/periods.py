"""Period expressions of Chinese economic reporting and their normalisation to date ranges.

``find_periods`` finds 今年第一季度, 上半年, 1-5月 / 1至5月 / 1—5月, 前三季度, 截至6月底, 今年以来,
去年同期, 2019年度, 自2021年…以来 and the like; ``resolve_period`` turns one of them into an ISO
start/end (plus ``cumulative`` for year-to-date periods) given the issue date. A month range such as
1-5月 is a period (January to May), never a date (not "1 May"): the tests pin that.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date

from ..models import PeriodRange

__all__ = ["PeriodMention", "find_periods", "resolve_period"]

_CN = "一二三四五六七八九十两"
_NUM = rf"(?:\d{{1,2}}|[{_CN}]{{1,3}})"
_DASH = r"\s*[-－—–~～至到]\s*"
_YEAR = r"(?:今年|去年|明年|前年|上年|当年|本年|\d{4}\s*年)"
_WITHIN_YEAR = (
    rf"(?:上半年|下半年|前三季度|前[{_CN}\d]{{1,2}}个?季度|前[{_CN}\d]{{1,3}}个月"
    rf"|第?[一二三四1-4]\s*季度"
    rf"|{_NUM}\s*月?{_DASH}{_NUM}\s*月(?:份)?"
    rf"|{_NUM}\s*月份?(?![\d日号])"
    rf"|年初以来|以来|年初|年底|年末|全年|同期)"
)
_PATTERN = re.compile(
    rf"截\s*[至止](?:到)?\s*(?:目前|今年|去年|本月|{_YEAR}?\s*{_NUM}\s*月\s*(?:底|末|份|\d{{1,2}}\s*日)?|{_YEAR}\s*(?:底|末)?)"
    rf"|自\s*\d{{4}}\s*年[^，。；,;！？]{{0,20}}?以来"
    rf"|{_YEAR}\s*度?\s*(?:{_WITHIN_YEAR}|[一二三四]季(?!度))?"
    rf"|{_WITHIN_YEAR}"
    rf"|近年来|目前|近期|疫情期间"
)
_MONTH_RANGE = re.compile(rf"({_NUM})\s*月?{_DASH}({_NUM})\s*月")
_ONE_MONTH = re.compile(rf"({_NUM})\s*月")
_QUARTER = re.compile(r"第?([一二三四1-4])\s*季")
_FIRST_N_MONTHS = re.compile(rf"前([{_CN}\d]{{1,3}})个月")
_FIRST_N_QUARTERS = re.compile(rf"前([{_CN}\d]{{1,2}})个?季度")
_YEAR_DIGITS = re.compile(r"(\d{4})\s*年")
_DATE_AFTER = re.compile(
    r"(?:\d{1,2}|[一二三四五六七八九十]{1,3})月(?:\d{1,2}|[一二三四五六七八九十]{1,3})[日号]"
)
_DAY_AFTER = re.compile(r"(?:\d{1,2}|[一二三四五六七八九十]{1,3})?[日号]")


@dataclass(frozen=True, slots=True)
class PeriodMention:
    """A period expression as written: ``text == source[start:end]``."""

    start: int
    end: int
    text: str


def find_periods(text: str) -> list[PeriodMention]:
    """Every period expression in ``text``, left to right (dates such as 5月20日 are skipped)."""
    out: list[PeriodMention] = []
    for m in _PATTERN.finditer(text):
        s, e = m.start(), m.end()
        while e > s and text[e - 1].isspace():
            e -= 1
        expr = text[s:e]
        squashed = "".join(expr.split())
        if not squashed or squashed in ("同期", "以来", "年初", "年底", "年末"):
            continue
        after = "".join(text[e : e + 10].split())
        if squashed.endswith("月") and _DAY_AFTER.match(after):
            continue  # 5月20日 is a date
        if squashed.endswith("年") and _DATE_AFTER.match(after):
            continue  # 2024年5月21日 is a date, not the year 2024
        out.append(PeriodMention(s, e, expr))
    return out


def _cn_int(s: str) -> int | None:
    from .numbers import parse_number

    v = parse_number(s)
    return int(v) if v is not None and v == int(v) else None


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _year_of(expr: str, issue_date: date) -> int:
    m = _YEAR_DIGITS.search(expr)
    if m:
        return int(m.group(1))
    offsets = {"去年": -1, "上年": -1, "前年": -2, "明年": 1}
    for word, off in offsets.items():
        if word in expr:
            return issue_date.year + off
    return issue_date.year


def _range(start: date, end: date, cumulative: bool) -> PeriodRange:
    return PeriodRange(start=start.isoformat(), end=end.isoformat(), cumulative=cumulative)


def resolve_period(expr: str, issue_date: date) -> PeriodRange | None:
    """The date range ``expr`` stands for in an issue published on ``issue_date``; None if vague.

    Periods without a year (上半年, 1-5月) belong to the issue's year, or to the year before when
    they would start after the issue date. 去年同期 is last year from January 1 to the issue's
    month and day (the comparison base of a year-to-date figure). 截至目前 and 今年以来 run from
    January 1 to the issue date. 目前, 近期 and 疫情期间 have no range.
    """
    s = "".join(expr.split())
    if not s:
        return None
    explicit_year = bool(_YEAR_DIGITS.search(s)) or any(
        w in s for w in ("今年", "去年", "上年", "前年", "明年", "当年", "本年")
    )
    year = _year_of(s, issue_date)
    try:
        result = _resolve_in_year(s, year, issue_date)
    except ValueError:
        return None  # 13月, 0月: not a period
    if result is None:
        return None
    if not explicit_year and result.start > issue_date.isoformat() and year == issue_date.year:
        try:
            result = _resolve_in_year(s, year - 1, issue_date)
        except ValueError:
            return None
    return result


def _resolve_in_year(s: str, year: int, issue_date: date) -> PeriodRange | None:
    jan1 = date(year, 1, 1)
    if s.startswith("自"):
        m = _YEAR_DIGITS.search(s)
        return _range(date(int(m.group(1)), 1, 1), issue_date, True) if m else None
    if s.startswith(("截至", "截止")):
        m = _ONE_MONTH.search(s)
        if m:
            month = _cn_int(m.group(1))
            if month is None:
                return None
            return _range(jan1, _month_end(year, month), True)
        if "目前" in s or s in ("截至今年", "截止今年", "截至到目前"):
            return _range(date(issue_date.year, 1, 1), issue_date, True)
        if s.endswith(("年底", "年末")) or _YEAR_DIGITS.search(s):
            return _range(jan1, date(year, 12, 31), True)
        return None
    if "同期" in s:
        if "去年" in s or "上年" in s:
            last = issue_date.year - 1
            day = min(issue_date.day, calendar.monthrange(last, issue_date.month)[1])
            return _range(date(last, 1, 1), date(last, issue_date.month, day), True)
        return None
    if s.endswith("以来"):
        if "年初" in s or "今年" in s or "本年" in s:
            return _range(date(issue_date.year, 1, 1), issue_date, True)
        return None
    if "上半年" in s:
        return _range(jan1, date(year, 6, 30), True)
    if "下半年" in s:
        return _range(date(year, 7, 1), date(year, 12, 31), False)
    if "前三季度" in s:
        return _range(jan1, date(year, 9, 30), True)
    m = _FIRST_N_QUARTERS.search(s)
    if m:
        q = _cn_int(m.group(1))
        return _range(jan1, _month_end(year, 3 * q), True) if q and 1 <= q <= 4 else None
    m = _FIRST_N_MONTHS.search(s)
    if m:
        n = _cn_int(m.group(1))
        return _range(jan1, _month_end(year, n), True) if n and 1 <= n <= 12 else None
    m = _QUARTER.search(s)
    if m:
        q = _cn_int(m.group(1)) or 0
        if not 1 <= q <= 4:
            return None
        return _range(date(year, 3 * q - 2, 1), _month_end(year, 3 * q), q == 1)
    m = _MONTH_RANGE.search(s)
    if m:
        a, b = _cn_int(m.group(1)), _cn_int(m.group(2))
        if a is None or b is None or not 1 <= a <= b <= 12:
            return None
        return _range(date(year, a, 1), _month_end(year, b), a == 1)
    m = _ONE_MONTH.search(s)
    if m:
        month = _cn_int(m.group(1))
        if month is None or not 1 <= month <= 12:
            return None
        return _range(date(year, month, 1), _month_end(year, month), month == 1)
    if s.endswith(("年底", "年末")):
        return _range(date(year, 12, 31), date(year, 12, 31), False)
    if s.endswith("年初"):
        return _range(jan1, jan1, False)
    if (
        _YEAR_DIGITS.search(s)
        or s.rstrip("度全") in ("今年", "去年", "上年", "前年", "明年", "当年", "本年")
        or s.endswith(("全年", "年度"))
    ):
        return _range(jan1, date(year, 12, 31), False)
    return None
