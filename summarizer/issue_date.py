"""The date of an issue: given, else in the file name, else the first full date in the text.

One rule for the whole tool: ``summarize``, ``metrics`` and ``ingest`` date an issue alike, and
periods such as 上半年 or 去年同期 are resolved against that date.
"""

from __future__ import annotations

import re
from datetime import date
from enum import StrEnum
from pathlib import Path

__all__ = ["DateSource", "date_in_text", "detect_issue_date", "issue_date_from_name"]


class DateSource(StrEnum):
    FLAG = "flag"
    FILENAME = "filename"
    TEXT = "text"


# A date in a file name: 2025-06-18, 2025_06_18, 2025.06.18 or 20250618 (not inside a longer
# run of digits).
_NAME_DATE = re.compile(
    r"(?<!\d)((?:19|20)\d{2})([-_.]?)(0[1-9]|1[0-2])\2(0[1-9]|[12]\d|3[01])(?!\d)"
)
_HASHLIKE = re.compile(r"^[0-9a-f]{12,}$")


def issue_date_from_name(name: str | Path) -> date | None:
    """The issue date written in a file name (``gaoxin-2025-06-18.txt``, ``20240521.txt``).

    Parts of the name that look like content hashes (12+ hex digits) are ignored.
    """
    parts = re.split(r"[\s_.\-]+", Path(str(name)).name)
    cleaned = "-".join(p for p in parts if not _HASHLIKE.match(p.lower()))
    for m in _NAME_DATE.finditer(cleaned):
        try:
            return date(int(m.group(1)), int(m.group(3)), int(m.group(4)))
        except ValueError:
            continue
    return None


_CN_DIGITS = {c: i for i, c in enumerate("〇一二三四五六七八九")} | {"零": 0, "○": 0, "Ｏ": 0}
_NUM = r"[0-9０-９〇○零一二三四五六七八九十]"
_TEXT_DATE = re.compile(
    rf"((?:{_NUM}\s*){{4}})\s*年\s*((?:{_NUM}\s*){{1,3}})月\s*((?:{_NUM}\s*){{1,4}})\s*[日号]"
)
# In running text only separated forms count: a bare 20240521 may as well be a code or a number.
_ISO_DATE = re.compile(r"(?<![\d.])((?:19|20)\d{2})([-./])(\d{1,2})\2(\d{1,2})(?![\d.])")


def _cn_number(raw: str) -> int | None:
    """'2024', '二〇二四', '十二', '二十一', '５' → int (None if not a number)."""
    s = re.sub(r"\s+", "", raw).translate(str.maketrans("０１２３４５６７８９", "0123456789"))
    if s.isdigit():
        return int(s)
    if "十" in s:
        head, _, tail = s.partition("十")
        tens = _CN_DIGITS.get(head, -1) if head else 1
        ones = _CN_DIGITS.get(tail, -1) if tail else 0
        return None if tens < 0 or ones < 0 else tens * 10 + ones
    if all(c in _CN_DIGITS or c.isdigit() for c in s):
        return int("".join(str(_CN_DIGITS.get(c, c)) for c in s))
    return None


def _valid(y: int | None, m: int | None, d: int | None) -> date | None:
    if y is None or m is None or d is None or not 1900 <= y <= 2100:
        return None
    try:
        return date(y, m, d)
    except ValueError:
        return None


def date_in_text(text: str) -> date | None:
    """The first valid full date in ``text`` (Chinese or ISO-like form), else None."""
    candidates: list[tuple[int, date]] = []
    for m in _TEXT_DATE.finditer(text):
        found = _valid(_cn_number(m[1]), _cn_number(m[2]), _cn_number(m[3]))
        if found:
            candidates.append((m.start(), found))
            break
    for m in _ISO_DATE.finditer(text):
        found = _valid(int(m[1]), int(m[3]), int(m[4]))
        if found:
            candidates.append((m.start(), found))
            break
    return min(candidates)[1] if candidates else None


def detect_issue_date(
    path: str | Path | None, text: str, explicit: date | None = None
) -> tuple[date | None, DateSource | None]:
    """The issue date: ``explicit``, else a date in the file name, else the first full date
    (with a year) in the text (``2024年5月21日``, ``二〇二四年五月二十一日``, ``2024-05-21``)."""
    if explicit is not None:
        return explicit, DateSource.FLAG
    if path is not None and str(path) not in ("-", "<text>", "<bytes>"):
        found = issue_date_from_name(path)
        if found:
            return found, DateSource.FILENAME
    found = date_in_text(text)
    if found:
        return found, DateSource.TEXT
    return None, None
