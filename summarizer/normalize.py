"""Normalise (repair the layout of) an issue's text, keeping a map back to the original.

Normalisation only deletes characters or replaces one character by one character, so the map is
one original offset per normalised character: any span found in the normalised text can be
reported against the original text.

What it repairs (issue 2): lines broken at column width are joined (CJK without a space, Latin
words with one), paragraph breaks become a single ``"\\n"``, headline, byline, caption, index and
list lines stay on their own lines; spaces inserted between CJK characters go ("赋 能" → "赋能",
"1.28 亿 元" → "1.28亿元") while spaces inside Latin text stay; full-width digits, letters and ％
become ASCII and a dash between digits becomes "-" ("1—5月" → "1-5月").

One pass of these rules is repeated until the text no longer changes, which makes ``normalize``
idempotent by construction (every pass that changes something deletes or folds characters, so the
loop ends). The offset map is stored as runs (a few per line), not one int per character.
"""

from __future__ import annotations

import heapq
import re
from array import array
from bisect import bisect_left, bisect_right
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import overload

__all__ = [
    "Document",
    "OffsetMap",
    "ends_paragraph",
    "fold_chars",
    "is_cjk",
    "is_person_name",
    "normalize",
    "split_names",
]

# --- character classes ------------------------------------------------------------------------

# "Strong" CJK: ideographs, kana, CJK punctuation (not the ideographic space), full-width forms,
# and the curly quotes, ellipsis and dashes Chinese text uses. A space next to one is an artefact.
_STRONG = (
    "\u2e80-\u2fff\u3001-\u303f\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
    "\ufe30-\ufe4f\uff01-\uffef\u2018\u2019\u201c\u201d\u2026\u2014\u2015\u00b7"
)
_HS = " \t\u3000\u00a0\u2002-\u200a\u202f\u205f"  # horizontal whitespace (regex class)
_HS_CHARS = " \t\u3000\u00a0\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f"
_ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff"
_HS_RUN = re.compile(f"[{_HS}]+")
_CJK_CHAR = re.compile(f"[{_STRONG}]")

_NONBLANK_LINE = re.compile(r"[^\n]*[^\s\u200b\u200c\u200d\u2060\ufeff][^\n]*")

# 1:1 folds: full-width digits, letters, ％ ＋ － ． → ASCII; a dash or tilde between digits → "-".
_FOLD = {cp: cp - 0xFEE0 for cp in range(0xFF10, 0xFF1A)}
_FOLD.update({cp: cp - 0xFEE0 for cp in range(0xFF21, 0xFF3B)})
_FOLD.update({cp: cp - 0xFEE0 for cp in range(0xFF41, 0xFF5B)})
_FOLD.update({ord("％"): ord("%"), ord("＋"): ord("+"), ord("．"): ord(".")})
_DIGIT_DASH = re.compile(r"(?<=[0-9])[\u2010-\u2015\u2212\uff0d~\uff5e\u301c](?=[0-9])")

# --- line features ----------------------------------------------------------------------------

_PAIR_NOISE = re.compile(r"[\d“”‘’\"'（）()《》、：:%.]")
_ECHO_MAX_HEADLINE = 40  # chars: a longer line is not a headline
_ECHO_REACH = 60  # chars under a headline where its news item repeats its words
_ECHO_SHARE = 0.65  # share of the headline's character pairs repeated there
_ECHO_SHARE_WIDE = 0.5  # ... when the line is wider than the column (running text is not)
_WIDE = 1.1
_URL_TAIL = re.compile(r"(?:https?://|www\.)[A-Za-z0-9./\-_?=&%#:~+]*$", re.I)
_URL_PIECE = re.compile(r"[A-Za-z0-9./\-_?=&%#:~+]+")
_TERMINAL = set("。！？!?…；;")
_RUN_REACH = 40  # lines a column run may take to reach its sentence end
_WORD = re.compile(r"\w")
_CLOSERS = set("”’」』）)》】\"'")
# Punctuation a headline does not contain: a line with one is a piece of running text.
_FRAGMENT_PUNCT = re.compile(r"[，,、；;。！？!?]")
_OPENERS = {"“": "”", "（": "）", "(": ")", "《": "》", "「": "」", "『": "』", "【": "】"}
# Characters a headline does not end with (function words): a line ending so continues.
_FRAGMENT_END = set("的地得着和与及或并在对为把被将从向于以之其而且但是要")
# Characters a new line does not start with: the line continues the previous one.
_CONTINUATION_START = set("，,。、；;：:）)》”’%…！？!?")
# What a number at a line's end goes on with on the next line: its unit or date part.
_UNIT_AFTER_DIGIT = frozenset(".%日月年号时分秒万亿千百元个家项名人次岁倍")
# How a news item opens under its headline: a date, "recently" (with the comma after it).
_NEWS_OPENING = re.compile(r"(?:\d{1,2}月\d{1,2}日|近日|日前|近期)[,，]")
_ENUM_START = re.compile(
    r"(?:[一二三四五六七八九十]是|首先|其次|此外|另外|其中|据了解|据悉|目前|同时)"
)

# Lines that always stand alone (the segmenter reads them as structure).
_MD_HEADING = re.compile(r"#{1,6}[ \t\u3000]*\S")
_BYLINE_MARK = re.compile(r"[►▶▷▸●◆■□]")
_CREDIT = re.compile(
    r"(?:图片来源|图片提供|供图|图/|摄影[:：]|摄[:：])|/摄[)）]?$|摄[)）]$|[(（][^()（）]{0,20}摄[)）]$"
    r"|(?:记者|摄影|社发|网发)[ \t\u3000]*[\u4e00-\u9fff·]{2,4}(?:[ \t\u3000、]+[\u4e00-\u9fff·]{2,4})*[ \t\u3000]*摄$"
)
_PAGE_INDEX = re.compile(r"(?:第?[0-9一二三四五六七八九十]{1,3}版[ \t\u3000]*)+$")
# A marker after the last sentence: continued on another page, the source, the end.
_TRAILING_MARKER = re.compile(
    r"[（(](?:下转|转|接|来源|稿件来源|据|完|作者"
    r"|(?:本报|新华社)?(?:特约|见习)?(?:记者|通讯员|实习生|摄影))[^（）()]{0,24}[）)]$"
)
# the end of a jump marker broken at the column edge ("…早见效。（下" / "转第3版）"): the article
# stops there, the next line is another one's
_JUMP_TAIL = re.compile(r"转(?:第|至|见)?[^（()）\s]{1,6}版[）)]$")
_URL = re.compile(r"https?://|www\.", re.I)
_PAGE_FURNITURE = re.compile(
    r"星期[一二三四五六日天]|^(?:责任编辑|责编|编辑|校对|美编|版式|组版|审校|值班编辑)[:：]"
    r"|^第[0-9一二三四五六七八九十]{1,3}版[ \t\u3000:：·|—-]*[\u4e00-\u9fff]{0,8}$"
)
_SECTION_TAG = re.compile(r"【[^】]{1,16}】$")
_TOC_MARKER = re.compile(r"本[ \t\u3000]*期[ \t\u3000]*导[ \t\u3000]*读|本期要目|今日导读|本期看点")
_LEAD = re.compile(
    r"(?:本报讯|本报(?!通讯员)[^，,。\s]{0,10}?[电讯]|新华社[^，,。\s]{0,14}?电|中新[网社][^，,。\s]{0,12}?电"
    r"|[（(](?:上接|下转)第?[^）)]{1,6}版[）)]|[（(](?:本报)?(?:记者|特约记者|通讯员|特约通讯员|实习生))"
)
_LIST_ITEM = re.compile(
    r"(?:\d{1,2}[、)）]|\d{1,2}[.．](?!\d)|[（(]\d{1,2}[)）]|[一二三四五六七八九十]{1,3}、"
    r"|[（(][一二三四五六七八九十]{1,3}[)）]|[•●○■□◆◇▪\-*][ \t\u3000])"
)
# "…达效。 巩茜 宋格": a paragraph that ends with author names after the full stop has ended.
_TRAILING_NAMES = re.compile(
    rf"[。！？!?…”」』）)][{_HS}]+[\u4e00-\u9fff]{{2,4}}(?:[{_HS}]+[\u4e00-\u9fff]{{2,4}}){{0,5}}[{_HS}]*$"
)


# Common Chinese surnames (single and compound): how a line of author names is told apart from a
# short headline ("巩茜 宋格", "刘鹏辉 何佳 杨学峰").
_SURNAMES_1 = set(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程"
    "苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝"
    "龚邵万钱严覃武戴莫孔向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞"
    "左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕"
    "屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧"
    "闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻苑迟邝封"
)
_SURNAMES_2 = {
    "欧阳",
    "司马",
    "上官",
    "诸葛",
    "东方",
    "皇甫",
    "令狐",
    "慕容",
    "尉迟",
    "长孙",
    "宇文",
    "司徒",
    "夏侯",
    "公孙",
    "独孤",
    "端木",
    "南宫",
    "西门",
    "轩辕",
    "呼延",
    "万俟",
    "澹台",
}
_NAME_TOKEN = re.compile(r"[\u4e00-\u9fff]{2,4}")


def is_person_name(token: str) -> bool:
    """A plausible Chinese personal name: 2-3 chars after a common surname (compound: 3-4)."""
    if not _NAME_TOKEN.fullmatch(token):
        return False
    if token[:2] in _SURNAMES_2:
        return len(token) in (3, 4)
    return token[0] in _SURNAMES_1 and len(token) in (2, 3)


def split_names(text: str) -> list[str] | None:
    """The names of a line of authors separated by spaces (``None`` if it is not one)."""
    tokens = _HS_RUN.split(text.strip(_HS_CHARS + "\r"))
    if tokens and all(is_person_name(t) for t in tokens):
        return tokens
    return None


_NAMES_LINE = re.compile(
    rf"[{_HS}]*[\u4e00-\u9fff]{{2,4}}(?:[{_HS}]+[\u4e00-\u9fff]{{2,4}}){{1,5}}[{_HS}]*"
)
_TRAILING_NAMES_TAIL = re.compile(
    rf"[。！？!?…”」』）)]([{_HS}]+[\u4e00-\u9fff]{{2,4}}(?:[{_HS}]+[\u4e00-\u9fff]{{2,4}}){{0,5}}[{_HS}]*)$"
)


def _protected_spans(text: str, starts: array, ends: array) -> list[tuple[int, int]]:
    """Spaces that separate author names ("。 巩茜 宋格", "刘鹏辉 何佳 杨学峰") are information:
    keep them. Only lines that end with a CJK character (or space) are looked at."""
    spans: list[tuple[int, int]] = []
    for k in range(len(starts)):
        a, b = starts[k], ends[k]
        last = text[b - 1]
        if not ("\u4e00" <= last <= "\u9fff" or last in _HS_CHARS):
            continue
        if b - a <= 40:
            m = _NAMES_LINE.fullmatch(text, a, b)
            if m and split_names(m.group()) is not None:
                spans.append((a, b))
                continue
        m = _TRAILING_NAMES_TAIL.search(text, max(a, b - 48), b)
        if m and split_names(m.group(1)) is not None:
            spans.append(m.span(1))
    return spans


def is_cjk(ch: str) -> bool:
    """True for a CJK ideograph, kana, CJK punctuation or full-width form."""
    return bool(_CJK_CHAR.match(ch))


_FOLDABLE = re.compile("[\uff10-\uff19\uff21-\uff3a\uff41-\uff5a％＋．]")


def fold_chars(text: str) -> str:
    """Apply the 1:1 character folds of ``normalize`` (full-width → ASCII, digit dashes)."""
    if _FOLDABLE.search(text):
        text = text.translate(_FOLD)
    if _DIGIT_DASH.search(text):
        text = _DIGIT_DASH.sub("-", text)
    return text


def _squeeze(line: str) -> str:
    return _HS_RUN.sub("", line)


_STRUCT_HINT = re.compile(r"[摄图版导【]|要目|看点|http|www|星期|编辑|校对", re.I)


def is_structural_line(line: str) -> bool:
    """A line that stands alone: markdown heading, byline, credit, page index, URL, tag, TOC."""
    s = line.strip(" \t\u3000\u00a0\r")
    if not s:
        return False
    first = s[0]
    if first == "#" and _MD_HEADING.match(s):
        return True
    if first in "►▶▷▸●◆■□" and len(s) <= 26:
        return True
    if first in "▲△":
        return True  # a photo caption
    if len(s) > 130 or not _STRUCT_HINT.search(s):
        return False  # the fast path: most lines have none of the tell-tale characters
    return bool(
        (_CREDIT.search(s) and len(_squeeze(s)) <= 40)
        or _PAGE_INDEX.match(s)
        or (_URL.search(s) and len(s) <= 120)
        or _SECTION_TAG.match(s)
        or _TOC_MARKER.search(s)
        or (len(s) <= 40 and _PAGE_FURNITURE.search(s))
        or (len(s) <= 16 and s.endswith("摄") and split_names(s[:-1]) is not None)
    )


_NEW_UNIT = re.compile(f"(?:{_LEAD.pattern})|(?:{_LIST_ITEM.pattern})")  # one match, not two


def starts_new_unit(line: str) -> bool:
    """A line that begins a new paragraph whatever precedes it: a lead or a list item."""
    return _NEW_UNIT.match(line.lstrip(" \t\u3000\u00a0\r")) is not None


def ends_paragraph(line: str) -> bool:
    """The line ends a sentence (optionally followed by closing quotes or author names)."""
    s = line.rstrip(" \t\u3000\u00a0\r")
    if not s:
        return True
    if "\u4e00" <= s[-1] <= "\u9fff" and _TRAILING_NAMES.search(s, max(0, len(s) - 48)):
        return True
    if s[-1] in "）)":
        m = _TRAILING_MARKER.search(s, max(0, len(s) - 40))
        if m and m.start() > 0:
            s = s[: m.start()].rstrip(" \t\u3000\u00a0")  # "…入选。（下转第2版）"
        elif _JUMP_TAIL.search(s, max(0, len(s) - 12)):
            return True
    i = len(s) - 1
    while i >= 0 and s[i] in _CLOSERS:
        i -= 1
    if i >= 0 and s[i] == ".":  # a Latin full stop, not the point of a number cut at the edge
        return i > 0 and not s[i - 1].isdigit() and (i + 1 == len(s) or s[i + 1] != "%")
    return i >= 0 and s[i] in _TERMINAL


# --- the offset map ---------------------------------------------------------------------------


class OffsetMap(Sequence[int]):
    """``offsets[i]`` = original offset of normalised char ``i``; ``offsets[n]`` = len(original).

    Stored as runs of consecutive offsets (normalised start, original start), looked up by
    bisection: a 20 MB issue needs a few MB of map instead of one Python int per character.
    """

    __slots__ = ("_length", "_norm", "_orig", "_total")

    def __init__(self, norm_starts: array, orig_starts: array, length: int, total: int) -> None:
        self._norm = norm_starts  # ascending normalised starts of the runs (first is 0)
        self._orig = orig_starts
        self._length = length  # len(normalised text)
        self._total = total  # len(original text)

    @classmethod
    def identity(cls, length: int) -> OffsetMap:
        return cls(array("i", [0]), array("i", [0]), length, length)

    def __len__(self) -> int:
        return self._length + 1

    def _at(self, i: int) -> int:
        if i == self._length:
            return self._total
        k = bisect_right(self._norm, i) - 1
        return self._orig[k] + (i - self._norm[k])

    @overload
    def __getitem__(self, index: int) -> int: ...
    @overload
    def __getitem__(self, index: slice) -> list[int]: ...
    def __getitem__(self, index: int | slice) -> int | list[int]:
        if isinstance(index, slice):
            return [self._at(i) for i in range(*index.indices(self._length + 1))]
        if index < 0:
            index += self._length + 1
        if not 0 <= index <= self._length:
            raise IndexError("offset index out of range")
        return self._at(index)

    def __iter__(self) -> Iterator[int]:
        norm, orig = self._norm, self._orig
        for k in range(len(norm)):
            end = norm[k + 1] if k + 1 < len(norm) else self._length
            base = orig[k] - norm[k]
            for i in range(norm[k], end):
                yield base + i
        yield self._total

    def __eq__(self, other: object) -> bool:
        if isinstance(other, OffsetMap | list | tuple):
            return len(self) == len(other) and all(a == b for a, b in zip(self, other, strict=True))
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def index_of(self, original_offset: int) -> int:
        """The first normalised index whose original offset is ``>= original_offset``
        (``bisect_left`` over the map, in O(log runs))."""
        if original_offset >= self._total:
            return self._length
        k = bisect_right(self._orig, original_offset) - 1
        if k < 0:
            return 0
        end = self._norm[k + 1] if k + 1 < len(self._norm) else self._length
        i = self._norm[k] + (original_offset - self._orig[k])
        return i if i < end else end

    def runs(self) -> list[tuple[int, int]]:
        """The (normalised start, original start) runs; for composition and tests."""
        return list(zip(self._norm, self._orig, strict=True))

    def compose(self, inner: OffsetMap) -> OffsetMap:
        """Map through ``inner`` first (later pass), then through ``self`` (earlier pass)."""
        norm_out = array("i")
        orig_out = array("i")
        a_norm, a_orig = self._norm, self._orig
        b_norm, b_orig = inner._norm, inner._orig
        nb = len(b_norm)
        for k in range(nb):
            start = b_norm[k]
            end = b_norm[k + 1] if k + 1 < nb else inner._length
            if start >= end:
                continue
            mid = b_orig[k]  # offset in this map's normalised text
            j = bisect_right(a_norm, mid) - 1
            pos = start
            while pos < end:
                seg_end_mid = a_norm[j + 1] if j + 1 < len(a_norm) else self._length
                take = min(end - pos, seg_end_mid - mid)
                orig = a_orig[j] + (mid - a_norm[j])
                if not (norm_out and orig_out[-1] + (pos - norm_out[-1]) == orig):
                    norm_out.append(pos)
                    orig_out.append(orig)
                pos += take
                mid += take
                j += 1
        if not norm_out:
            norm_out.append(0)
            orig_out.append(0)
        return OffsetMap(norm_out, orig_out, inner._length, self._total)


@dataclass(frozen=True, slots=True)
class Document:
    """The original text of an issue, its normalised text and the offset map between them."""

    original: str
    text: str
    # offsets[i] is the original offset of text[i]; offsets[len(text)] == len(original).
    offsets: Sequence[int] = field(repr=False)

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        """Map a normalised ``[start, end)`` to the smallest original span holding its chars."""
        if not 0 <= start <= end <= len(self.text):
            raise ValueError(f"span {(start, end)} outside the normalised text")
        if start == end:
            pos = self.offsets[start]
            return pos, pos
        return self.offsets[start], self.offsets[end - 1] + 1

    def to_normalized(self, start: int, end: int) -> tuple[int, int]:
        """Map an original ``[start, end)`` to the normalised chars that came from inside it."""
        if not 0 <= start <= end <= len(self.original):
            raise ValueError(f"span {(start, end)} outside the original text")
        offsets = self.offsets
        if isinstance(offsets, OffsetMap):
            return offsets.index_of(start), offsets.index_of(end)
        return bisect_left(offsets, start), bisect_left(offsets, end)


# --- one pass ---------------------------------------------------------------------------------


# Line feature bits, computed together on first use.
_TERM = 1  # the line ends a sentence
_STRUCT = 2  # the line stands alone (heading, byline, credit, index, URL, tag, TOC)
_NEW = 4  # the line starts a new unit (lead, list item)
_KNOWN = 8


class _Lines:
    """The non-blank lines of a text as parallel arrays, with their features cached."""

    __slots__ = ("all_widths", "ends", "events", "flags", "starts", "stops", "text", "widths")

    def __init__(self, text: str) -> None:
        self.text = text
        self.starts = array("i")
        self.ends = array("i")
        for m in _NONBLANK_LINE.finditer(text):
            self.starts.append(m.start())
            self.ends.append(m.end())
        self.flags = bytearray(len(self.starts))
        self.widths = array("l", [-1]) * len(self.starts)
        self.stops = array("i", [-1]) * len(self.starts)
        self.events = array("i", [-1]) * len(self.starts)
        self.all_widths = False

    def __len__(self) -> int:
        return len(self.starts)

    def line(self, i: int) -> str:
        return self.text[self.starts[i] : self.ends[i]]

    def features(self, i: int, line: str | None = None) -> int:
        """Feature bits of line ``i`` (whose text may be passed), computed once."""
        f = self.flags[i]
        if not f:
            if line is None:
                line = self.line(i)
            f = _KNOWN
            if ends_paragraph(line):
                f |= _TERM
            if is_structural_line(line):
                f |= _STRUCT
            if starts_new_unit(line):
                f |= _NEW
            self.flags[i] = f
        return f

    def run_ends(self, j: int) -> bool:
        """From line ``j`` on, a sentence ends (within _RUN_REACH lines) before any structural
        line or new paragraph; a photo credit printed inside the column does not stop the run.
        Memoised along the run, so a whole column costs one scan."""
        stop = self.stops[j]
        if stop < 0:
            visited = []
            k = j
            n = len(self.starts)
            while True:
                known = self.stops[k]
                if known >= 0:
                    stop = known
                    break
                visited.append(k)
                f = self.features(k)
                if f & _STRUCT and not (k + 1 < n and self.is_credit(k)):
                    stop = 2 * k  # even: the run stops without a sentence end
                    break
                if f & _TERM and not f & _STRUCT:
                    stop = 2 * k + 1  # odd: the run reaches a sentence end
                    break
                if k + 1 >= n:
                    stop = 2 * k
                    break
                if self.features(k + 1) & _NEW:
                    stop = 2 * (k + 1)
                    break
                k += 1
            for v in visited:
                self.stops[v] = stop
        return bool(stop & 1) and (stop >> 1) - j < _RUN_REACH

    def next_event(self, m: int) -> int:
        """The first line from ``m`` on that ends a column run (a sentence end, a new unit or
        structure other than a photo credit); ``len(self)`` if none. Memoised along the way,
        so the column check costs O(1) per line however long a run without punctuation is."""
        n = len(self.starts)
        events = self.events
        visited = []
        k = m
        while k < n:
            known = events[k]
            if known >= 0:
                k = known
                break
            visited.append(k)
            f = self.flags[k] or self.features(k)
            if f & _STRUCT:
                if not self.is_credit(k):
                    break
            elif f & (_NEW | _TERM):
                break
            k += 1
        for v in visited:
            events[v] = k
        return k

    def is_credit(self, i: int) -> bool:
        """A photo credit line (图片来源:…, …/摄): printed across running text, not part of it."""
        return bool(_CREDIT.search(self.line(i).strip(_HS_CHARS)))

    def fill_widths(self) -> array:
        """Every line's width at once (one scan of the text for its spaces), so a column's
        median is taken over a slice instead of line by line."""
        if not self.all_widths:
            starts, ends = self.starts, self.ends
            widths = array("l", [e - s for s, e in zip(starts, ends, strict=True)])
            for m in _HS_RUN.finditer(self.text):
                k = bisect_right(starts, m.start()) - 1
                if k >= 0 and m.start() < ends[k]:  # a run never crosses a newline
                    widths[k] -= m.end() - m.start()
            self.widths = widths
            self.all_widths = True
        return self.widths

    def width(self, i: int) -> int:
        """The line's length without horizontal whitespace (cached; no copy when it has none)."""
        w = self.widths[i]
        if w < 0:
            a, b = self.starts[i], self.ends[i]
            w = b - a
            if _HS_RUN.search(self.text, a, b):
                w -= sum(m.end() - m.start() for m in _HS_RUN.finditer(self.text, a, b))
            self.widths[i] = w
        return w


def _column_width(lines: _Lines, i: int) -> float:
    lo, hi = max(0, i - 10), min(len(lines), i + 11)
    if hi - lo < 5:
        return 0.0
    widths = sorted(lines.fill_widths()[lo:hi])
    n = len(widths)
    if n & 1:  # the median, as statistics.median computes it
        return float(widths[n // 2])
    return (widths[n // 2 - 1] + widths[n // 2]) / 2


def _column_run_ends(lines: _Lines, j: int, width: float) -> bool:
    """From line ``j`` on, the column run reaches a sentence end before any structure or a
    line much wider than the column."""
    n = len(lines)
    if j >= n:
        return False
    limit = min(n, j + _RUN_REACH)
    wide = width * 1.5 + 2
    f = lines.features(j)
    if f & _STRUCT:
        if not lines.is_credit(j):
            return False
    else:  # a new unit does not stop the run at its first line
        if lines.width(j) > wide:
            return False
        if f & _TERM:
            return True
    end = lines.next_event(j + 1)
    if end >= limit:
        return False  # no sentence end within reach
    f = lines.features(end)
    if f & (_STRUCT | _NEW) or not f & _TERM:
        return False
    # lines j+1 .. end are running lines or photo credits (skipped): all within the width
    flags = lines.flags
    for k in range(j + 1, end + 1):
        if not flags[k] & _STRUCT and lines.width(k) > wide:
            return False
    return True


_OPENER_OR_CLOSER = re.compile("[“”（）()《》「」『』【】]")
_CLOSER_OF = {c: o for o, c in _OPENERS.items()}


class _Para:
    """What the joiner knows about the paragraph built so far.

    Lines are scanned lazily (most paragraphs end at their first line and are never scanned)
    and each line once, so the work stays linear.
    """

    __slots__ = ("_balance", "_fragment", "_pending", "first_index", "lines")

    def __init__(self, lines: _Lines, first_index: int) -> None:
        self.lines = lines
        self.first_index = first_index
        self._pending = [first_index]
        self._fragment = False
        self._balance: dict[str, int] = {}

    def first(self) -> str:
        return self.lines.line(self.first_index)

    def add(self, index: int) -> None:
        self._pending.append(index)

    def _scan(self) -> None:
        for index in self._pending:
            line = self.lines.line(index)
            if not self._fragment and _FRAGMENT_PUNCT.search(line):
                self._fragment = True
            for ch in _OPENER_OR_CLOSER.findall(line):
                key = _CLOSER_OF.get(ch, ch)
                self._balance[key] = self._balance.get(key, 0) + (-1 if ch in _CLOSER_OF else 1)
        self._pending.clear()

    def running_text(self) -> bool:
        """Holds punctuation a headline does not, or an unclosed quote or bracket."""
        self._scan()
        return self._fragment or any(v > 0 for v in self._balance.values())


def _is_rule(line: str) -> bool:
    """A separator rule ("————", "＝＝＝"): decoration, never a piece of running text."""
    if line[:1].isalnum():
        return False  # the common case, decided without a copy
    s = line.strip(_HS_CHARS)
    return len(s) >= 3 and not s[:1].isalnum() and not _WORD.search(s)


def _echoed_below(lines: _Lines, i: int, line: str, *, wide: bool) -> bool:
    """A line without punctuation whose words the next lines repeat at once: a headline over
    its news item ("港口集团开辟三条国际航线" / "港口集团8日发布消息…"); running text does not
    repeat the line it goes on from. A line wider than its column needs less repetition."""
    s = _squeeze(line)
    if len(s) > _ECHO_MAX_HEADLINE or _FRAGMENT_PUNCT.search(s):
        return False
    pairs = {s[k : k + 2] for k in range(len(s) - 1)} - {""}
    pairs = {p for p in pairs if not _PAIR_NOISE.search(p)}
    if len(pairs) < 5:
        return False
    below = "".join(_squeeze(lines.line(k)) for k in range(i + 1, min(len(lines), i + 4)))
    below = below[:_ECHO_REACH]
    share = _ECHO_SHARE_WIDE if wide else _ECHO_SHARE
    return sum(p in below for p in pairs) >= share * len(pairs)


def _url_goes_on(last: str, nxt: str) -> bool:
    """A web address broken at the column edge: the next line is only address characters."""
    return bool(
        ("http" in last or (("w" in last or "W" in last) and "www" in last.lower()))
        and _URL_TAIL.search(last)
        and _URL_PIECE.fullmatch(nxt.strip(_HS_CHARS))
    )


def _should_join(lines: _Lines, i: int, para: _Para, last: str, nxt: str) -> bool:
    """Join line ``i`` (text ``last``, the end of paragraph ``para``) with line ``i + 1``?"""
    flags = lines.flags  # cached feature bits: skip the method call when known
    if (flags[i] or lines.features(i, last)) & _TERM:
        return False
    if _url_goes_on(last, nxt):
        return True
    first = para.first_index
    if (flags[first] or lines.features(first)) & _STRUCT or (
        flags[i + 1] or lines.features(i + 1, nxt)
    ) & (_STRUCT | _NEW):
        return False
    if _is_rule(last) or _is_rule(nxt):
        return False
    last_s = last.rstrip(_HS_CHARS)
    nxt_s = nxt.lstrip(_HS_CHARS)
    if nxt_s[:1] in _CONTINUATION_START:
        return True
    if last_s[-1:].isdigit() and (nxt_s[:1].isdigit() or nxt_s[:1] in _UNIT_AFTER_DIGIT):
        return True  # "5 月 20 / 日", "1.28 / 亿元": a number goes on with its unit
    if "a" <= nxt_s[:1] <= "z" and (_ascii_letter(last_s[-1:]) or last_s[-1:] in ",;-"):
        return True  # an English sentence goes on in lower case
    weak = (
        last_s[-1:] in _FRAGMENT_END
        or last_s.endswith(("：", ":"))
        or para.running_text()
        or bool(_ENUM_START.match(para.first().lstrip(_HS_CHARS)))
    )
    if weak:
        # running text goes on to a sentence end, or goes on as running text; a list of
        # headlines (a TOC) does neither
        return lines.run_ends(i + 1) or (para.running_text() and bool(_FRAGMENT_PUNCT.search(nxt)))
    width = _column_width(lines, i)
    if width < 4 or lines.width(i) < 0.8 * width:
        return False  # a short line in a column ends its paragraph
    if not _column_run_ends(lines, i + 1, width):
        return False  # (checked first: it is the cheaper test, and both must pass)
    return not (
        para.first_index == i
        and (
            _NEWS_OPENING.match(nxt_s)
            or _echoed_below(lines, i, last, wide=lines.width(i) > _WIDE * width)
        )
    )  # else a headline printed in the column, over a news item ("近日，…")


def _ascii_letter(ch: str) -> bool:
    return ("a" <= ch <= "z") or ("A" <= ch <= "Z")


_WS_RUN = re.compile(rf"[{_HS}]+|[\r\f\v{_ZERO_WIDTH}]+")
_ANY_WS_RUN = re.compile(rf"[{_HS}\r\f\v{_ZERO_WIDTH}]+")  # one class: a fast scan
_SPECIAL_WS_CHARS = "\r\f\v" + _ZERO_WIDTH
_SPECIAL_WS = re.compile(rf"[\r\f\v{_ZERO_WIDTH}]")


def _strong(ch: str) -> bool:
    """A CJK character next to which a space is a typesetting artefact."""
    return (
        ("\u2e80" <= ch <= "\u9fff" and ch != "\u3000")
        or "\uf900" <= ch <= "\ufaff"
        or "\ufe30" <= ch <= "\ufe4f"
        or "\uff01" <= ch <= "\uffef"
        or ch in "\u2018\u2019\u201c\u201d\u2026\u2014\u2015\u00b7"
    )


_NUMERIC = frozenset("0123456789.")


def _spaced_number(text: str, a: int, b: int) -> bool:
    """ "第 2 9 届", "1 . 2 8 亿": a number letter-spaced among CJK characters (the run [a, b)
    lies between two of its characters); "items 1 2 3" in Latin text is left alone."""

    def cjk_beside(i: int, step: int) -> bool:
        for _ in range(24):  # across the rest of the spaced number, to what borders it
            if not 0 <= i < len(text):
                return False
            ch = text[i]
            if _strong(ch):
                return True
            if ch not in _NUMERIC and ch not in _HS_CHARS:
                return False
            i += step
        return False

    def single(i: int) -> bool:  # the character at i stands alone between spaces or CJK
        return not 0 <= i < len(text) or text[i] in _HS_CHARS or _strong(text[i])

    if not (single(a - 2) and single(b + 1)):
        return False  # "产值 12.3 45.6": two numbers side by side, not one spaced out
    return cjk_beside(a - 1, -1) or cjk_beside(b, 1)


def _ws_deletions(text: str, lines: _Lines) -> Iterator[tuple[int, int, int]]:
    """Deletable whitespace as (start, end, 0), in order; the spaces between names are kept.

    Deleted: CR and zero-width characters; horizontal whitespace at a line's edges, next to a
    CJK character, between a digit and %, or inside a letter-spaced number among CJK text.
    """
    protected = _protected_spans(text, lines.starts, lines.ends)
    starts = [a for a, _ in protected]
    n = len(text)
    special = _SPECIAL_WS.search(text) is not None  # none at all: skip the check per run
    for run in _ANY_WS_RUN.finditer(text):
        if special and _SPECIAL_WS.search(text, run.start(), run.end()):  # rare: CR, FF, ZW
            pieces = list(_WS_RUN.finditer(text, run.start(), run.end()))
        else:
            pieces = [run]
        for m in pieces:
            a, b = m.span()
            if text[a] in _SPECIAL_WS_CHARS:
                yield a, b, 0
                continue
            if _deletable(text, a, b, n, protected, starts):
                yield a, b, 0


def _deletable(
    text: str, a: int, b: int, n: int, protected: list[tuple[int, int]], starts: list[int]
) -> bool:
    """Is the horizontal whitespace run [a, b) a typesetting artefact?"""
    before = text[a - 1] if a else "\n"
    after = text[b] if b < n else "\n"
    if not (
        before == "\n"
        or after in "\n\r"
        or _strong(before)
        or _strong(after)
        or (before.isdigit() and after in "%％")
        or (before in _NUMERIC and after in _NUMERIC and _spaced_number(text, a, b))
    ):
        return False
    if protected:
        k = bisect_right(starts, a) - 1
        if k >= 0 and b <= protected[k][1]:
            ps, pe = protected[k]
            at_line_start = ps == 0 or text[ps - 1] == "\n"
            if b < pe and not (a == ps and at_line_start):
                return False  # a space between author names: information, keep it
    return True


def _gap_edits(text: str, lines: _Lines) -> tuple[array, array, array]:
    """Edits of the line gaps as parallel arrays (start, end, replacement code point or 0).

    A join deletes the whole gap (or keeps its first newline as a space between Latin words);
    a paragraph break keeps the first newline and deletes the blank lines after it.
    """
    starts, ends, repl = array("i"), array("i"), array("l")

    def add(a: int, b: int, code: int = 0) -> None:
        if a < b:
            starts.append(a)
            ends.append(b)
            repl.append(code)

    n = len(lines)
    if n == 0:
        add(0, len(text))
        return starts, ends, repl
    add(0, lines.starts[0])
    para: _Para | None = None  # created when a decision needs it (most paragraphs never do)
    para_first = 0
    line_ends, line_starts = lines.ends, lines.starts
    starts_append, ends_append, repl_append = starts.append, ends.append, repl.append
    flags = lines.flags
    for i in range(n - 1):
        gap_start, gap_end = line_ends[i], line_starts[i + 1]
        if text[gap_start - 1] in _TERMINAL:
            # the common case: a sentence end (ends_paragraph holds), so a paragraph break
            para, para_first = None, i + 1
            if gap_end - gap_start > 1:
                first_nl = text.index("\n", gap_start, gap_end)
                add(gap_start, first_nl)
                add(first_nl + 1, gap_end)
            continue
        last = text[line_starts[i] : gap_start]
        nxt = text[gap_end : line_ends[i + 1]]
        if gap_end - gap_start == 1 and (flags[i] or lines.features(i, last)) & _TERM:
            para, para_first = None, i + 1
            continue
        first_nl = text.index("\n", gap_start, gap_end)
        if para is None:
            para = _Para(lines, para_first)
            for k in range(para_first + 1, i + 1):
                para.add(k)
        if _should_join(lines, i, para, last, nxt):
            para.add(i + 1)
            if (
                _ascii_letter(last.rstrip()[-1:])
                and _ascii_letter(nxt.lstrip()[:1])
                and not _url_goes_on(last, nxt)
            ):
                add(gap_start, first_nl)
                add(first_nl, first_nl + 1, ord(" "))  # a space between two Latin words
                add(first_nl + 1, gap_end)
            else:  # the common join: the whole gap goes (gap_start < gap_end always)
                starts_append(gap_start)
                ends_append(gap_end)
                repl_append(0)
        else:
            para, para_first = None, i + 1
            add(gap_start, first_nl)
            add(first_nl + 1, gap_end)
    add(line_ends[n - 1], len(text))
    return starts, ends, repl


def _gap_stream(edits: tuple[array, array, array]) -> Iterator[tuple[int, int, int]]:
    starts, ends, repl = edits
    for k in range(len(starts)):
        yield starts[k], ends[k], repl[k]


_BATCH = 4096  # pieces joined per batch: bounds the memory of the output under construction


def _one_pass(text: str, *, folded: bool = False) -> tuple[str, OffsetMap] | None:
    """Apply the layout rules once; ``None`` when nothing changes. ``folded``: the text is
    already the output of a pass (``fold_chars`` is idempotent), so folds cannot change it."""
    if not text:
        return None
    lines = _Lines(text)
    edits = _gap_edits(text, lines)
    deletions = _ws_deletions(text, lines)
    chunks: list[str] = []
    pieces: list[str] = []
    norm_starts = array("i")
    orig_starts = array("i")
    out_len = 0
    pos = 0
    changed = False
    for a, b, code in heapq.merge(deletions, _gap_stream(edits)):
        if b <= pos:
            continue
        changed = True
        if a < pos:
            a = pos
        if a > pos:
            if not (norm_starts and orig_starts[-1] + (out_len - norm_starts[-1]) == pos):
                norm_starts.append(out_len)
                orig_starts.append(pos)
            pieces.append(text[pos:a])
            out_len += a - pos
        if code:
            # one original char replaced by one char: a run of its own
            if not (norm_starts and orig_starts[-1] + (out_len - norm_starts[-1]) == a):
                norm_starts.append(out_len)
                orig_starts.append(a)
            pieces.append(chr(code))
            out_len += 1
        pos = b
        if len(pieces) >= _BATCH:
            chunks.append("".join(pieces))
            pieces.clear()
    if not changed:
        if folded:
            return None
        refolded = fold_chars(text)
        return None if refolded == text else (refolded, OffsetMap.identity(len(text)))
    if pos < len(text):
        if not (norm_starts and orig_starts[-1] + (out_len - norm_starts[-1]) == pos):
            norm_starts.append(out_len)
            orig_starts.append(pos)
        pieces.append(text[pos:])
        out_len += len(text) - pos
    chunks.append("".join(pieces))
    del pieces
    out = chunks[0] if len(chunks) == 1 else "".join(chunks)
    del chunks
    out = fold_chars(out)
    if out == text:
        return None
    if not norm_starts:
        norm_starts.append(0)
        orig_starts.append(0)
    return out, OffsetMap(norm_starts, orig_starts, len(out), len(text))


def normalize(original: str) -> Document:
    """Repair the layout of ``original``; see the module docstring for the rules."""
    text = original
    offsets = OffsetMap.identity(len(original))
    for k in range(64):  # each changing pass shrinks the text or folds characters: it ends
        result = _one_pass(text, folded=k > 0)  # after pass 0 the text is a pass's output
        if result is None:
            break
        text, step = result
        offsets = offsets.compose(step)
    return Document(original, text, offsets)
