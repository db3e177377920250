"""Find and parse the numbers of Chinese news text: digits, Chinese numerals, magnitudes, units.

One left-to-right pass finds every number that is a statistic (it carries a unit such as 亿元,
%, 家, 平方公里) and skips what only looks like one: dates, years, times, ordinals (第29届),
edition numbers, codes (5G, 51020, "1+N"), slogans (四个一), ages and malformed literals
("1..7亿", "七点一%"). Each hit becomes a ``ParsedNumber`` with its value as written, unit as
written, the normalised value (1.7万亿元 → 1.7e12 CNY), the qualifier (近/超/不足…) and a kind hint
read from the words before it (同比增长 → change_rate, 占…比重 → share, 新增 → change_amount).

The same parser serves the extractor and the grounding validator, so a value the extractor
reports can always be parsed back from its quote. Every regex is bounded: the pass is linear.
"""

from __future__ import annotations

import bisect
import math
import re
from dataclasses import dataclass
from enum import StrEnum

from ..models import MetricKind, NormalizedUnit, Qualifier

__all__ = [
    "ParsedNumber",
    "UnitClass",
    "classify_kind",
    "find_numbers",
    "parse_chinese_numeral",
    "parse_number",
]


def _words(s: str) -> list[str]:
    """A space-separated word list (keeps long vocabularies readable)."""
    return s.split()


UnitClass = NormalizedUnit

_CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}  # fmt: skip
_CN_SMALL = {"十": 10, "百": 100, "千": 1000}
_CN_BIG = {"万": 10_000, "亿": 100_000_000}
_MAX_DIGITS = 20  # longer digit runs are codes or ids, never statistics

# A number literal: digits with optional thousands separators and decimals, or Chinese numerals.
_NUMBER = re.compile(
    r"\d{1,24}(?:[,，]\d{3}){0,8}(?:[.．]\d{1,12})?|[零〇一二两三四五六七八九十百千万亿]{1,12}"
)

# Magnitude words between a number and its unit, longest first.
_MAGNITUDES: dict[str, float] = {
    "万亿": 1e12,
    "千亿": 1e11,
    "百亿": 1e10,
    "十亿": 1e9,
    "亿": 1e8,
    "千万": 1e7,
    "百万": 1e6,
    "十万": 1e5,
    "万": 1e4,
    "千": 1e3,
}


class _Cls(StrEnum):
    """How a unit word behaves (beyond its normalised unit)."""

    MONEY = "money"
    PERCENT = "percent"
    POINT = "point"
    COUNT = "count"
    AREA = "area"
    OTHER = "other"
    SKIP = "skip"  # the number is a date, time, ordinal-like or period: not a statistic


@dataclass(frozen=True, slots=True)
class _Unit:
    cls: _Cls
    norm: NormalizedUnit
    factor: float = 1.0


_U = _Unit
_MONEY = {
    "元": _U(_Cls.MONEY, NormalizedUnit.CNY),
    "元人民币": _U(_Cls.MONEY, NormalizedUnit.CNY),
    "人民币": _U(_Cls.MONEY, NormalizedUnit.CNY),
    "美元": _U(_Cls.MONEY, NormalizedUnit.USD),
    "欧元": _U(_Cls.MONEY, NormalizedUnit.EUR),
    "港元": _U(_Cls.MONEY, NormalizedUnit.OTHER),
    "港币": _U(_Cls.MONEY, NormalizedUnit.OTHER),
    "日元": _U(_Cls.MONEY, NormalizedUnit.OTHER),
    "英镑": _U(_Cls.MONEY, NormalizedUnit.OTHER),
}
_PERCENT = {
    "%": _U(_Cls.PERCENT, NormalizedUnit.PERCENT),
    "％": _U(_Cls.PERCENT, NormalizedUnit.PERCENT),
    "成": _U(_Cls.PERCENT, NormalizedUnit.PERCENT, 10.0),
    "个百分点": _U(_Cls.POINT, NormalizedUnit.PERCENTAGE_POINT),
    "百分点": _U(_Cls.POINT, NormalizedUnit.PERCENTAGE_POINT),
    "‰": _U(_Cls.OTHER, NormalizedUnit.OTHER),
    "个基点": _U(_Cls.OTHER, NormalizedUnit.OTHER),  # basis points: a rate change, class other
    "基点": _U(_Cls.OTHER, NormalizedUnit.OTHER),
}
_AREA = {
    "平方米": _U(_Cls.AREA, NormalizedUnit.AREA_M2),
    "平米": _U(_Cls.AREA, NormalizedUnit.AREA_M2),
    "平方公里": _U(_Cls.AREA, NormalizedUnit.AREA_M2, 1e6),
    "平方千米": _U(_Cls.AREA, NormalizedUnit.AREA_M2, 1e6),
    "公顷": _U(_Cls.AREA, NormalizedUnit.AREA_M2, 1e4),
    "亩": _U(_Cls.AREA, NormalizedUnit.AREA_M2, 666.67),
}
_COUNT_WORDS = _words(
    "家次 户次 人次 项次 部门 部委 个 家 项 名 人 户 条 次 支 只 场 笔 台 套 件 座 所 位 批 款 种 "
    "类 辆 艘 架 本 篇 份 张 棵 株 头 间 栋 处 例 起 宗 块 枚 颗 道 单 组 方面 大类 "
    "列 趟 班 班次 车次 航次 架次 艘次 批次 场次 门 根 片 瓶 箱 束 幢 首 部 轮 盏 吨次"
)
_COUNT = {w: _U(_Cls.COUNT, NormalizedUnit.COUNT) for w in _COUNT_WORDS}
_OTHER_WORDS = _words(
    "个月 个工作日 工作日 小时 分钟 天 周 年 倍 吨 千克 公斤 克 千瓦时 千瓦 兆瓦 吉瓦 瓦 度电 "
    "立方米 方 公里 千米 米 厘米 毫米 微米 纳米 摄氏度 ℃ 标箱 TEU MW GW kW kWh MWh GWh"
)
_OTHER = {w: _U(_Cls.OTHER, NormalizedUnit.OTHER) for w in _OTHER_WORDS}
_SKIP_WORDS = _words(
    "月 日 号 时 点 分 秒 周年 年来 年间 年代 位数 季度 季 届 期 版 级 楼 层 路 后 岁 周岁 代 强 星 号线 连 营 团 师 军 中"
)
_SKIP = {w: _U(_Cls.SKIP, NormalizedUnit.OTHER) for w in _SKIP_WORDS}

UNITS: dict[str, _Unit] = {**_SKIP, **_OTHER, **_COUNT, **_AREA, **_PERCENT, **_MONEY}
# "个" before these is part of a longer unit, so the longest match must win.
_UNIT_RE = re.compile("|".join(re.escape(u) for u in sorted(UNITS, key=len, reverse=True)))

# Units a Chinese numeral may carry (三家, 两成, 十余个); anything else (三大工程, 四个一) is prose.
# A counter followed by one of these is the first character of a word (列入, 部署, 门槛, 首发).
_COUNTER_VERB_AFTER: dict[str, str] = {
    "列": "入为出表车", "部": "署门委分长", "门": "槛户类", "首": "发批次届", "轮": "番", "班": "子级",
    "片": "区", "根": "据本",
}  # fmt: skip

_CN_OK_UNITS = frozenset(
    _words(
        "家 个 项 名 人 人次 户次 家次 户 部门 部委 条 次 支 只 场 笔 台 套 座 所 位 成 倍 天 个月 方面 "
        "元 美元 欧元 平方米 平方公里 亩 公顷 吨 %"
    )
)

_PREFIX_QUALIFIERS: dict[str, Qualifier] = {
    "不超过": Qualifier.UNDER,
    "不高于": Qualifier.UNDER,
    "不到": Qualifier.UNDER,
    "不足": Qualifier.UNDER,
    "最高": Qualifier.UNDER,
    "最多": Qualifier.UNDER,
    "最长": Qualifier.UNDER,
    "不低于": Qualifier.OVER,
    "不少于": Qualifier.OVER,
    "超过": Qualifier.OVER,
    "突破": Qualifier.OVER,
    "最低": Qualifier.OVER,
    "最少": Qualifier.OVER,
    "至少": Qualifier.OVER,
    "大约": Qualifier.APPROX,
    "约合": Qualifier.APPROX,
    "大概": Qualifier.APPROX,
    "接近": Qualifier.APPROX,
    "将近": Qualifier.APPROX,
    "约": Qualifier.APPROX,
    "近": Qualifier.APPROX,
    "超": Qualifier.OVER,
    "逾": Qualifier.OVER,
}
_SUFFIX_QUALIFIERS: dict[str, Qualifier] = {
    "以上": Qualifier.OVER,
    "多": Qualifier.OVER,
    "余": Qualifier.OVER,
    "以内": Qualifier.UNDER,
    "以下": Qualifier.UNDER,
    "左右": Qualifier.APPROX,
    "上下": Qualifier.APPROX,
}
# Characters that may never touch a statistic: 1.2.3 versions, 5G codes, 1+N names.
_BAD_NEIGHBOURS = frozenset(".．+＋/@#_")
_DURATIONS = frozenset(["年", "天", "小时", "分钟", "个月", "周"])
_PROGRAMME_NOUNS = ("行动", "计划", "规划", "生活圈", "工程", "攻坚", "专项")
_ROUND = {"百": 100.0, "千": 1000.0, "万": 10000.0}
_CLASS_NOUNS = ("项目", "企业", "工业企业", "大项目", "级")
# 超1亿美元的重大项目11个: a size class when the projects/firms of that size are then counted
# (超50亿元的新能源项目开工 is one project's investment, a statistic).
_CLASS_PHRASE = re.compile(
    r"的[\u4e00-\u9fff“”]{0,8}?(?:项目|企业|工程)(?:数量?|总数)?(?:达到?|有|共|超过?|近|约)?"
    r"[\d一二两三四五六七八九十百千]"
)
_RANGE_DASH = frozenset("-－—–~～至到")
# A comma between a digit and exactly three digits is a thousands separator, not a clause break.
_CLAUSE_BREAK = re.compile(r"[；;。！？!?：:]|[，,](?:(?<!\d[，,])|(?!\d{3}(?!\d)))")
_WS = frozenset(" \t\r\n\u3000\xa0")

# Kind triggers (searched in the clause before the number; the one nearest the number wins).
_RATE_UP = ("上调", "调高", "同比增长", "环比增长", "增长率", "增速", "增幅", "增长", "上升", "上涨", "提高", "提升", "攀升", "增加", "扩大", "高出", "增")  # fmt: skip
_RATE_DOWN = ("下调", "调低", "调降", "同比下降", "环比下降", "下降", "降幅", "下滑", "回落", "减少", "降低", "缩减", "缩短", "压缩", "节省", "节约", "减", "降", "跌")  # fmt: skip
_SHARE = ("比重", "占比", "份额", "占", "任务的", "比例", "率")
_LEVEL_RATES = ("费率", "利率", "税率", "汇率", "息率")
_AMOUNT_UP = (
    "新增",
    "新设",
    "新登记",
    "新注册",
    "净增",
    "增加",
    "增长",
    "超去年同期",
    "超上年同期",
    "多出",
)
_AMOUNT_DOWN = ("减少", "下降", "净减")
_POINT_UP = ("高于", "高出", "高")
_POINT_DOWN = ("低于", "低", "少")
_RELATIVE_UNITS = ("倍", "基点", "‰")
_NOT_TRIGGERS = ("增加值", "增长极", "增长点", "增长动能", "增长引擎")


@dataclass(frozen=True, slots=True)
class ParsedNumber:
    """One statistic found in a text: ``text[start:end]`` holds the number and its unit."""

    start: int  # where the qualifier or number starts
    end: int  # after the unit and any trailing qualifier (以上, 左右)
    num_start: int
    num_end: int
    literal: str  # the number as written ("1.7", "三", "1,200")
    value: float  # the number as written, unsigned (1.7 for 1.7万亿元)
    unit: str  # as written incl. magnitude words ("万亿元", "%", "家", "个百分点")
    normalized_value: float  # in base units, signed when the kind says it decreased
    normalized_unit: NormalizedUnit
    qualifier: Qualifier
    kind: MetricKind
    sign: int  # -1 when the words before say it decreased (下降3% → -3)

    @property
    def signed_value(self) -> float:
        return self.value * self.sign


def parse_chinese_numeral(text: str) -> int | None:
    """Parse 三 / 十 / 一百二十 / 三千万 to an integer; None when it is not a well-formed numeral."""
    if not text:
        return None
    total = section = 0
    num: int | None = None
    prev = ""
    for ch in text:
        if ch in _CN_DIGITS:
            if prev in _CN_DIGITS and prev not in "零〇" and ch not in "零〇":
                return None  # 三五, 十四五: lists and names, not numbers
            num = _CN_DIGITS[ch]
        elif ch in _CN_SMALL:
            if num is None and not (ch == "十" and prev in ("", "万", "亿")):
                return None  # 百/千 with no digit before them
            section += (1 if num is None else num) * _CN_SMALL[ch]
            num = None
        elif ch in _CN_BIG:
            if num is None and section == 0 and total == 0:
                return None
            if ch == "亿":
                total = (total + section + (num or 0)) * _CN_BIG[ch]
            else:
                total += (section + (num or 0)) * _CN_BIG[ch]
            section, num = 0, None
        else:
            return None
        prev = ch
    result = total + section + (num or 0)
    return result if result > 0 else None


def parse_number(literal: str) -> float | None:
    """Parse a digit or Chinese-numeral literal; None when malformed."""
    s = literal.replace("，", "").replace(",", "").replace("．", ".")
    if not s:
        return None
    if s[0].isdigit():
        if s.count(".") > 1 or s.endswith(".") or len(s.split(".")[0]) > _MAX_DIGITS:
            return None
        try:
            value = float(s)
        except ValueError:
            return None
        return value if math.isfinite(value) else None
    cn = parse_chinese_numeral(s)
    return float(cn) if cn is not None else None


def _strip_triggers(prefix: str) -> str:
    for word in _NOT_TRIGGERS:
        if word in prefix:
            prefix = prefix.replace(word, "#" * len(word))
    return prefix


def _last_index(hay: str, needles: tuple[str, ...]) -> tuple[int, str]:
    """Rightmost end position of any needle in hay (and the needle); (-1, "") when none."""
    best, found = -1, ""
    for n in needles:
        i = hay.rfind(n)
        if i >= 0 and i + len(n) > best:
            best, found = i + len(n), n
    return best, found


def classify_kind(
    prefix: str, unit_class: NormalizedUnit, unit: str = ""
) -> tuple[MetricKind, int]:
    """Kind and sign of a number from the clause words before it (whitespace removed).

    The trigger nearest the number wins; a change verb followed by 至/到 (降至1%) names a level.
    Percentage points are kind other (the gold's convention), signed: 下调0.25个百分点 → -0.25.
    Other units changed by a verb: multiples and basis points (增长2倍, 下降40个基点) are rates,
    anything else (缩短12天) is an absolute change_amount.
    """
    p = _strip_triggers("".join(prefix.split()))[-40:]
    if unit_class is NormalizedUnit.PERCENTAGE_POINT:
        up, _ = _last_index(p, _RATE_UP + _POINT_UP)
        down, _ = _last_index(p, _RATE_DOWN + _POINT_DOWN)
        return MetricKind.OTHER, (-1 if down > up and p[down : down + 1] not in ("至", "到") else 1)
    if unit_class is NormalizedUnit.PERCENT:
        up, _ = _last_index(p, _RATE_UP)
        down, _ = _last_index(p, _RATE_DOWN)
        share, _ = _last_index(p, _SHARE)
        level, _ = _last_index(p, _LEVEL_RATES)
        best = max(up, down, share, level)
        if best < 0:
            return MetricKind.SHARE, 1
        if best in (up, down) and best >= max(share, level):
            if p[best : best + 1] in ("至", "到"):
                # 降至1% / 占比提高到30%: the value reached, not the change
                return (MetricKind.LEVEL, 1) if level >= 0 else (MetricKind.SHARE, 1)
            return MetricKind.CHANGE_RATE, (-1 if down == best and down > up else 1)
        if best == level:
            return MetricKind.LEVEL, 1
        return MetricKind.SHARE, 1
    if unit_class is NormalizedUnit.OTHER:
        up, _ = _last_index(p, _RATE_UP)
        down, _ = _last_index(p, _RATE_DOWN)
        best = max(up, down)
        if best < 0 or p[best : best + 1] in ("至", "到"):
            return MetricKind.LEVEL, 1  # 连续11年, 缩短至3天
        sign = -1 if down == best and down > up else 1
        if unit.endswith(_RELATIVE_UNITS):
            return MetricKind.CHANGE_RATE, sign  # 增长2倍, 下降40个基点
        return MetricKind.CHANGE_AMOUNT, sign  # 缩短12天
    up, _ = _last_index(p, _AMOUNT_UP)
    down, _ = _last_index(p, _AMOUNT_DOWN)
    best = max(up, down)
    if best < 0 or p[best : best + 1] in ("至", "到"):
        return MetricKind.LEVEL, 1
    return MetricKind.CHANGE_AMOUNT, (-1 if down == best and down > up else 1)


def _window_after(text: str, pos: int, limit: int) -> tuple[str, list[int]]:
    """Up to ``limit`` non-whitespace chars from ``pos`` and their offsets (spaced-out layouts)."""
    chars: list[str] = []
    offs: list[int] = []
    i, n = pos, len(text)
    while i < n and len(chars) < limit and i - pos < 4 * limit:
        ch = text[i]
        if ch not in _WS:
            chars.append(ch)
            offs.append(i)
        i += 1
    return "".join(chars), offs


def _window_before(text: str, pos: int, limit: int) -> tuple[str, list[int]]:
    chars: list[str] = []
    offs: list[int] = []
    i = pos - 1
    while i >= 0 and len(chars) < limit and pos - i < 4 * limit:
        ch = text[i]
        if ch not in _WS:
            chars.append(ch)
            offs.append(i)
        i -= 1
    chars.reverse()
    offs.reverse()
    return "".join(chars), offs


_UnitRead = tuple[str, float, _Unit, int, Qualifier | None]


def _read_unit(text: str, num_end: int, chinese: bool) -> _UnitRead | None:
    """Read [余/多][magnitude][unit][以上/左右] after a number; None when no metric unit follows.

    Returns (unit as written, magnitude factor, unit, end offset in text, suffix qualifier).
    """
    win, offs = _window_after(text, num_end, 14)
    if not win:
        return None
    i = 0
    suffix_q: Qualifier | None = None
    if win[0] in "余多":
        suffix_q, i = Qualifier.OVER, 1
    unit_text = ""
    magnitude = 1.0
    m = _UNIT_RE.match(win, i)
    if m is None:
        for mag, factor in _MAGNITUDES.items():
            if win.startswith(mag, i):
                rest = _UNIT_RE.match(win, i + len(mag))
                if rest is not None and UNITS[rest.group(0)].cls is _Cls.SKIP:
                    return None  # 3万亿级, 5千年: not a statistic
                if rest is None and win[i + len(mag) : i + len(mag) + 1] in ("余", "多"):
                    rest = _UNIT_RE.match(win, i + len(mag) + 1)  # 1.2万余家: 余 after 万
                    if rest is not None:
                        suffix_q = Qualifier.OVER
                unit_text, magnitude, i, m = mag, factor, i + len(mag), rest
                break
    if m is None:
        if not unit_text or chinese:
            return None
        unit = _Unit(_Cls.OTHER, NormalizedUnit.OTHER)  # a bare magnitude: headline "1.7万亿"
        end_idx = i
    else:
        word = m.group(0)
        unit = UNITS[word]
        if unit.cls is _Cls.SKIP:
            return None
        after = win[m.end() : m.end() + 1]
        if after and after in _COUNTER_VERB_AFTER.get(word, ""):
            return None  # 3列入, 5部署: the counter character starts a verb
        if word == "个" and after and (after in _CN_DIGITS or after in "“\"'‘「"):
            return None  # 四个一, 3个"一件事": slogans
        if chinese and word not in _CN_OK_UNITS:
            return None
        if word.isascii() and after.isascii() and after.isalpha():
            return None  # 5GWx: a code
        unit_text += word
        end_idx = m.end()
        # a quantity per time (10平方米/年) is a capacity: unit class other
        if win[end_idx : end_idx + 1] == "/" and end_idx + 1 < len(win):
            nxt = win[end_idx + 1]
            if "\u4e00" <= nxt <= "\u9fff" or (nxt.isascii() and nxt.isalpha()):
                unit_text += win[end_idx : end_idx + 2]
                unit = _Unit(_Cls.OTHER, NormalizedUnit.OTHER)
                end_idx += 2
    for word, q in _SUFFIX_QUALIFIERS.items():
        if word in ("多", "余"):
            continue
        if win.startswith(word, end_idx):
            suffix_q = suffix_q or q
            end_idx += len(word)
            break
    end = offs[end_idx - 1] + 1
    return unit_text, magnitude, unit, end, suffix_q


def _prefix_qualifier(before: str) -> tuple[Qualifier, int]:
    """The qualifier word right before a number and its length in non-space chars."""
    for word, q in _PREFIX_QUALIFIERS.items():
        if before.endswith(word):
            if word == "近" and before.endswith(("最近", "附近", "临近")):
                continue
            if word == "超" and before.endswith(("超额",)):
                continue
            return q, len(word)
    return Qualifier.EXACT, 0


# Bounds stated earlier in the clause: 企业最高可获担保额度1000万元.
_CLAUSE_BOUNDS = {"最高": Qualifier.UNDER, "最多": Qualifier.UNDER, "最长": Qualifier.UNDER,
                  "不超过": Qualifier.UNDER, "最低": Qualifier.OVER, "至少": Qualifier.OVER,
                  "约占": Qualifier.APPROX, "约为": Qualifier.APPROX, "约达": Qualifier.APPROX,
                  "约有": Qualifier.APPROX}  # fmt: skip
_ORDINAL_BEFORE = ("第", "前", "每", "星期", "周", "初", "No", "NO", "编号", "序号", "百分之")


def _reject_context(text: str, s: int, e: int, before: str, chinese: bool) -> bool:
    """True when the neighbours say the literal is part of a code, date, ordinal or word."""
    prev = text[s - 1] if s > 0 else ""
    nxt = text[e] if e < len(text) else ""
    if prev in _BAD_NEIGHBOURS or nxt in _BAD_NEIGHBOURS:
        return True
    if prev.isascii() and prev.isalnum():
        return True
    if chinese and (prev == "点" or nxt == "点" or (prev and prev in "统唯万数几若")):
        return True
    return before.endswith(_ORDINAL_BEFORE) and not before.endswith("百分之")


_LAST_NUMBER = re.compile(r"[0-9０-９%％]")
_SEPARATORS = frozenset("%％、，,和及与以分别为 \n\t\u3000")


def _kind_prefix(prefix: str) -> str:
    """The clause words that can qualify this number: those after the previous number, unless
    only its unit and a list separator lie between (分别增长370.4%、298.3%, 新增5家和8家 share
    their verb)."""
    for k in range(len(prefix) - 1, -1, -1):
        if _LAST_NUMBER.match(prefix[k]):
            tail = prefix[k + 1 :]
            unit = _UNIT_RE.match("".join(tail.split()).lstrip("万亿千百余多"))
            rest = "".join(tail.split()).lstrip("万亿千百余多")[unit.end() if unit else 0 :]
            if all(c in _SEPARATORS for c in rest):
                return prefix
            return tail
    return prefix


def find_numbers(text: str) -> list[ParsedNumber]:
    """Every statistic in ``text`` (offsets into ``text``), left to right."""
    breaks = [m.start() for m in _CLAUSE_BREAK.finditer(text)]
    out: list[ParsedNumber] = []
    pos, n = 0, len(text)
    while pos < n:
        m = _NUMBER.search(text, pos)
        if m is None:
            break
        pos = m.end()
        hit = _parse_at(text, m, breaks)
        if hit is None:
            continue
        parsed, next_pos = hit
        pos = max(pos, next_pos) if next_pos > 0 else pos
        if parsed is not None:
            out.append(parsed)
    return out


def _parse_at(
    text: str, m: re.Match[str], breaks: list[int]
) -> tuple[ParsedNumber | None, int] | None:
    literal = m.group(0)
    s, e = m.start(), m.end()
    chinese = not literal[0].isdigit()
    round_value: float | None = None
    if chinese and literal in _ROUND and text[e : e + 1] in ("余", "多"):
        round_value = _ROUND[literal]  # 百余家, 千余人: a round count with a qualifier
    elif chinese and _BARE_ROUND.fullmatch(literal) and _qualified(text, s):
        # 近百家, 超百亿元, 突破千亿元, 突破万亿元: a round magnitude after a qualifier
        lead = literal[0]
        if lead in "百千":
            round_value, literal, e = _ROUND[lead], lead, s + 1
        else:
            round_value, literal, e = 1.0, "", s  # 万亿元: the magnitude is the unit's
    elif chinese:
        k = 0
        while k < len(literal) and literal[k] in "百千万亿":
            k += 1  # 万元三家 → 三
        j = len(literal)
        while j > k and literal[j - 1] in "万亿":
            j -= 1  # 三千万元: value 三千, unit 万元
        literal, s, e = literal[k:j], s + k, s + j
        if not literal or (
            len(literal) == 1 and literal in "一二两十零〇" and not _ok_single(text, e)
        ):
            return None
    else:
        norm = literal.replace("，", ",")
        if "," in norm and len(norm.split(",")[0]) > 3:
            literal = norm.split(",")[0]  # 2019,2020: a list, not a thousands separator
            e = s + len(literal)
    before, before_offs = _window_before(text, s, 6)
    if _reject_context(text, s, e, before, chinese):
        return None
    value = round_value if round_value is not None else parse_number(literal)
    if value is None:
        return None
    percent_words = before.endswith("百分之")
    next_pos = 0
    if percent_words:
        unit_info: _UnitRead | None = ("%", 1.0, _PERCENT["%"], e, None)
    else:
        unit_info = _read_unit(text, e, chinese)
    if unit_info is None:
        # a range 3-5家 / 10至20亿元: the unit comes after the second number
        win, offs = _window_after(text, e, 1)
        if not (win and win[0] in _RANGE_DASH):
            return None
        m2 = _NUMBER.match(text, _skip_ws(text, offs[0] + 1))
        if m2 is None or m2.group(0)[0].isdigit() == chinese:
            return None
        v2 = parse_number(m2.group(0))
        unit2 = _read_unit(text, m2.end(), chinese)
        if v2 is None or unit2 is None or v2 <= value:
            return None, m2.end()  # 1-5月: a period, and the 5 must not be read alone either
        unit_info = (*unit2[:3], unit2[3], unit2[4])
        next_pos = m2.start()  # the scan reads the second number on its own
    unit_text, magnitude, unit, end, suffix_q = unit_info
    if unit_text == "年" and (chinese or value > 200 or not literal.isdigit()):
        return None, next_pos  # 2019年: a year; 三年行动: a programme name
    qualifier, qlen = _prefix_qualifier(before)
    start = before_offs[len(before_offs) - qlen] if qlen else s
    if percent_words:
        start = before_offs[-3]
    if suffix_q is not None and qualifier is Qualifier.EXACT:
        qualifier = suffix_q
    if unit_text in _DURATIONS:
        after, _ = _window_after(text, end, 4)
        if after.startswith(_PROGRAMME_NOUNS):
            return None, next_pos  # 5年行动计划, 15分钟生活圈: a programme name, not a statistic
    if unit_text in _DURATIONS and text[end : end + 1] == "内":
        return None, next_pos  # 将在3至5年内: a timeframe, not a statistic
    if qualifier is not Qualifier.EXACT and unit.cls is _Cls.MONEY:
        after, _ = _window_after(text, end, 12)
        if after.startswith(_CLASS_NOUNS) or _CLASS_PHRASE.match(after):
            return None, next_pos  # 超10亿元项目, 超1亿美元的重大项目: a size class
    norm_value = value * magnitude * unit.factor
    if not math.isfinite(norm_value):
        return None, next_pos
    i = bisect.bisect_left(breaks, s) - 1
    clause_start = breaks[i] + 1 if i >= 0 else 0
    prefix = _kind_prefix(text[max(clause_start, start - 60) : start])
    if qualifier is Qualifier.EXACT:
        squashed = "".join(prefix.split())[-14:]
        for word, q in _CLAUSE_BOUNDS.items():
            if word in squashed:
                qualifier = q
                break
    kind, sign = classify_kind(prefix, unit.norm, unit_text)
    tail = "".join(prefix.split())
    if tail.endswith(("至", "到")) and _UNIT_RE.fullmatch(tail[:-1]):
        # 下调0.25个百分点至1.5%: the value reached after a change is a level (or share)
        clause = "".join(text[clause_start:start].split())
        rate_word = any(w in clause for w in _LEVEL_RATES)
        is_share = unit.norm is NormalizedUnit.PERCENT and not rate_word
        kind, sign = (MetricKind.SHARE if is_share else MetricKind.LEVEL), 1
    parsed = ParsedNumber(
        start=start,
        end=end,
        num_start=s,
        num_end=e,
        literal=literal,
        value=value,
        unit=unit_text,
        normalized_value=float(f"{norm_value * sign:.12g}"),
        normalized_unit=unit.norm,
        qualifier=qualifier,
        kind=kind,
        sign=sign,
    )
    return parsed, next_pos


_BARE_ROUND = re.compile(r"[百千](?:万|亿|万亿)?|万亿?")


def _qualified(text: str, pos: int) -> bool:
    """Is the number at ``pos`` preceded by a qualifier word (近, 超, 突破…)?"""
    before, _ = _window_before(text, pos, 4)
    return _prefix_qualifier(before)[0] is not Qualifier.EXACT


def _skip_ws(text: str, pos: int) -> int:
    while pos < len(text) and text[pos] in _WS:
        pos += 1
    return pos


def _ok_single(text: str, end: int) -> bool:
    """两/十 alone only as 两成, 两家, 十余个; 一 alone (一是, 一批, 一企一策) never."""
    win, _ = _window_after(text, end, 3)
    if text[end - 1 : end] == "一" and win.startswith(("万", "亿", "千万", "百万")):
        return True  # 一亿元, 一万人
    if text[end - 1 : end] in ("一", "二", "零", "〇"):
        return False
    return win.startswith(("成", "家", "倍", "余", "多", "个百分点", "名", "项", "万", "亿"))
