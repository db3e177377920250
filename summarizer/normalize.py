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

import re
from array import array
from bisect import bisect_right
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from statistics import median
from typing import overload

__all__ = [
    "Document",
    "OffsetMap",
    "fold_chars",
    "is_cjk",
    "normalize",
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
_CJK_CHAR = re.compile(f"[{_STRONG}]")

# Deletable horizontal whitespace: next to CJK, at a line's edges, between a digit and %.
_DEL_WS = re.compile(
    rf"(?<=[{_STRONG}])[{_HS}]+|[{_HS}]+(?=[{_STRONG}])|^[{_HS}]+|[{_HS}]+$"
    rf"|(?<=\d)[{_HS}]+(?=[%％])|[\r{_ZERO_WIDTH}]+",
    re.M,
)
_NONBLANK_LINE = re.compile(r"[^\n]*[^\s\u200b\u200c\u200d\u2060\ufeff][^\n]*")

# 1:1 folds: full-width digits, letters, ％ ＋ － ． → ASCII; a dash or tilde between digits → "-".
_FOLD = {cp: cp - 0xFEE0 for cp in range(0xFF10, 0xFF1A)}
_FOLD.update({cp: cp - 0xFEE0 for cp in range(0xFF21, 0xFF3B)})
_FOLD.update({cp: cp - 0xFEE0 for cp in range(0xFF41, 0xFF5B)})
_FOLD.update({ord("％"): ord("%"), ord("＋"): ord("+"), ord("．"): ord(".")})
_DIGIT_DASH = re.compile(r"(?<=[0-9])[\u2010-\u2015\u2212\uff0d~\uff5e\u301c](?=[0-9])")

# --- line features ----------------------------------------------------------------------------

_TERMINAL = set("。！？!?…；;")
_CLOSERS = set("”’」』）)》】\"'")
# Punctuation a headline does not contain: a line with one is a piece of running text.
_FRAGMENT_PUNCT = re.compile(r"[，,、；;。！？!?]")
_OPENERS = {"“": "”", "（": "）", "(": ")", "《": "》", "「": "」", "『": "』", "【": "】"}
# Characters a headline does not end with (function words): a line ending so continues.
_FRAGMENT_END = set("的地得着和与及或并在对为把被将从向于以之其而且但是要")
# Characters a new line does not start with: the line continues the previous one.
_CONTINUATION_START = set("，,。、；;：:）)》”’%…！？!?")
_ENUM_START = re.compile(
    r"(?:[一二三四五六七八九十]是|首先|其次|此外|另外|其中|据了解|据悉|目前|同时)"
)

# Lines that always stand alone (the segmenter reads them as structure).
_MD_HEADING = re.compile(r"#{1,6}[ \t\u3000]*\S")
_BYLINE_MARK = re.compile(r"[►▶▷▸●◆■]")
_CREDIT = re.compile(
    r"(?:图片来源|图片提供|供图|图/|摄影[:：]|摄[:：])|/摄[)）]?$|摄[)）]$|[(（][^()（）]{0,20}摄[)）]$"
)
_PAGE_INDEX = re.compile(r"(?:第?[0-9一二三四五六七八九十]{1,3}版[ \t\u3000]*)+$")
_URL = re.compile(r"https?://|www\.", re.I)
_SECTION_TAG = re.compile(r"【[^】]{1,16}】$")
_TOC_MARKER = re.compile(r"本[ \t\u3000]*期[ \t\u3000]*导[ \t\u3000]*读|本期要目|今日导读|本期看点")
_LEAD = re.compile(
    r"(?:本报讯|本报[^，,。\s]{0,10}?电|新华社[^，,。\s]{0,14}?电|中新[网社][^，,。\s]{0,12}?电"
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
    tokens = re.split(rf"[{_HS}]+", text.strip(_HS_CHARS + "\r"))
    if tokens and all(is_person_name(t) for t in tokens):
        return tokens
    return None


_NAMES_LINE = re.compile(
    rf"^[{_HS}]*[\u4e00-\u9fff]{{2,4}}(?:[{_HS}]+[\u4e00-\u9fff]{{2,4}}){{1,5}}[{_HS}]*$", re.M
)
_TRAILING_NAMES_M = re.compile(
    rf"(?<=[。！？!?…”」』）)])[{_HS}]+[\u4e00-\u9fff]{{2,4}}(?:[{_HS}]+[\u4e00-\u9fff]{{2,4}}){{0,5}}[{_HS}]*$",
    re.M,
)


def _protected_spans(text: str) -> list[tuple[int, int]]:
    """Spaces that separate author names ("。 巩茜 宋格") are information: keep them."""
    spans: list[tuple[int, int]] = []
    for regex in (_TRAILING_NAMES_M, _NAMES_LINE):
        for m in regex.finditer(text):
            if split_names(m.group()) is not None:
                spans.append(m.span())
    spans.sort()
    return spans


def is_cjk(ch: str) -> bool:
    """True for a CJK ideograph, kana, CJK punctuation or full-width form."""
    return bool(_CJK_CHAR.match(ch))


def fold_chars(text: str) -> str:
    """Apply the 1:1 character folds of ``normalize`` (full-width → ASCII, digit dashes)."""
    return _DIGIT_DASH.sub("-", text.translate(_FOLD))


def _squeeze(line: str) -> str:
    return re.sub(rf"[{_HS}]+", "", line)


def is_structural_line(line: str) -> bool:
    """A line that stands alone: markdown heading, byline, credit, page index, URL, tag, TOC."""
    s = line.strip(" \t\u3000\u00a0\r")
    if not s:
        return False
    return bool(
        _MD_HEADING.match(s)
        or _BYLINE_MARK.match(s)
        or (_CREDIT.search(s) and len(_squeeze(s)) <= 40)
        or _PAGE_INDEX.match(s)
        or (_URL.search(s) and len(s) <= 120)
        or _SECTION_TAG.match(s)
        or _TOC_MARKER.search(s)
    )


def starts_new_unit(line: str) -> bool:
    """A line that begins a new paragraph whatever precedes it: a lead or a list item."""
    s = line.lstrip(" \t\u3000\u00a0\r")
    return bool(_LEAD.match(s) or _LIST_ITEM.match(s))


def ends_paragraph(line: str) -> bool:
    """The line ends a sentence (optionally followed by closing quotes or author names)."""
    s = line.rstrip(" \t\u3000\u00a0\r")
    if not s:
        return True
    if _TRAILING_NAMES.search(s):
        return True
    i = len(s) - 1
    while i >= 0 and s[i] in _CLOSERS:
        i -= 1
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
        return cls(array("q", [0]), array("q", [0]), length, length)

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

    def runs(self) -> list[tuple[int, int]]:
        """The (normalised start, original start) runs; for composition and tests."""
        return list(zip(self._norm, self._orig, strict=True))

    def compose(self, inner: OffsetMap) -> OffsetMap:
        """Map through ``inner`` first (later pass), then through ``self`` (earlier pass)."""
        norm_out = array("q")
        orig_out = array("q")
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


# --- one pass ---------------------------------------------------------------------------------


class _Lines:
    """The non-blank lines of a text as parallel arrays of (start, end) offsets."""

    __slots__ = ("ends", "starts", "text")

    def __init__(self, text: str) -> None:
        self.text = text
        self.starts = array("q")
        self.ends = array("q")
        for m in _NONBLANK_LINE.finditer(text):
            self.starts.append(m.start())
            self.ends.append(m.end())

    def __len__(self) -> int:
        return len(self.starts)

    def line(self, i: int) -> str:
        return self.text[self.starts[i] : self.ends[i]]

    def width(self, i: int) -> int:
        return len(_squeeze(self.line(i)))


def _column_width(lines: _Lines, i: int) -> float:
    lo, hi = max(0, i - 10), min(len(lines), i + 11)
    widths = [lines.width(k) for k in range(lo, hi)]
    return float(median(widths)) if len(widths) >= 5 else 0.0


def _column_run_ends(lines: _Lines, i: int, width: float) -> bool:
    """From line ``i`` on, the column run reaches a sentence end before any structure."""
    for k in range(i, min(len(lines), i + 16)):
        line = lines.line(k)
        if is_structural_line(line) or (k > i and starts_new_unit(line)):
            return False
        if lines.width(k) > width * 1.5 + 2:
            return False
        if ends_paragraph(line):
            return True
    return False


@dataclass(slots=True)
class _Para:
    """What the joiner knows about the paragraph built so far (kept incrementally: linear)."""

    first: str
    fragment: bool  # holds punctuation that a headline does not
    balance: dict[str, int]

    @classmethod
    def start(cls, line: str) -> _Para:
        para = cls(line, False, {})
        para.add(line)
        return para

    def add(self, line: str) -> None:
        if not self.fragment and _FRAGMENT_PUNCT.search(line):
            self.fragment = True
        for o, c in _OPENERS.items():
            d = line.count(o) - line.count(c)
            if d:
                self.balance[o] = self.balance.get(o, 0) + d

    def unbalanced(self) -> bool:
        return any(v > 0 for v in self.balance.values())


def _reaches_sentence_end(lines: _Lines, j: int) -> bool:
    """From line ``j`` on, a sentence ends before any structural line or new paragraph."""
    for k in range(j, min(len(lines), j + 16)):
        line = lines.line(k)
        if is_structural_line(line) or (k > j and starts_new_unit(line)):
            return False
        if ends_paragraph(line):
            return True
    return False


def _should_join(lines: _Lines, i: int, para: _Para) -> bool:
    """Join line ``i`` (the end of paragraph ``para``) with line ``i + 1``?"""
    last = lines.line(i)
    nxt = lines.line(i + 1)
    if is_structural_line(para.first) or is_structural_line(nxt) or starts_new_unit(nxt):
        return False
    if ends_paragraph(last):
        return False
    nxt_s = nxt.lstrip(_HS_CHARS)
    last_s = last.rstrip(_HS_CHARS)
    if nxt_s[:1] in _CONTINUATION_START:
        return True
    if last_s[-1:].isdigit() and (nxt_s[:1].isdigit() or nxt_s[:1] in ".%"):
        return True
    weak = (
        para.fragment
        or para.unbalanced()
        or last_s[-1:] in _FRAGMENT_END
        or last_s.endswith(("：", ":"))
        or bool(_ENUM_START.match(para.first.lstrip(_HS_CHARS)))
    )
    if weak:
        # running text goes on to a sentence end; a list of headlines (a TOC) does not
        return _reaches_sentence_end(lines, i + 1)
    width = _column_width(lines, i)
    return width >= 4 and lines.width(i) >= 0.8 * width and _column_run_ends(lines, i + 1, width)


def _ascii_letter(ch: str) -> bool:
    return ("a" <= ch <= "z") or ("A" <= ch <= "Z")


def _unprotected(
    deletions: list[tuple[int, int]], protected: list[tuple[int, int]], text: str
) -> list[tuple[int, int]]:
    """Drop deletions of the spaces inside protected spans (their line edges are still trimmed)."""
    starts = [a for a, _ in protected]
    out: list[tuple[int, int]] = []
    for a, b in deletions:
        k = bisect_right(starts, a) - 1
        if k >= 0 and b <= protected[k][1]:
            ps, pe = protected[k]
            at_line_start = ps == 0 or text[ps - 1] == "\n"
            if b < pe and not (a == ps and at_line_start):
                continue
        out.append((a, b))
    return out


def _one_pass(text: str) -> tuple[str, OffsetMap] | None:
    """Apply the layout rules once; ``None`` when nothing changes."""
    deletions: list[tuple[int, int]] = [m.span() for m in _DEL_WS.finditer(text)]
    protected = _protected_spans(text)
    if protected:
        deletions = _unprotected(deletions, protected, text)
    replacements: dict[int, str] = {}
    lines = _Lines(text)
    n = len(lines)
    if n == 0:
        if not text:
            return None
        deletions = [(0, len(text))]
    else:
        if lines.starts[0] > 0:
            deletions.append((0, lines.starts[0]))
        if lines.ends[n - 1] < len(text):
            deletions.append((lines.ends[n - 1], len(text)))
        para = _Para.start(lines.line(0))
        for i in range(n - 1):
            gap_start, gap_end = lines.ends[i], lines.starts[i + 1]
            if _should_join(lines, i, para):
                para.add(lines.line(i + 1))
                left = lines.line(i).rstrip()[-1:]
                right = lines.line(i + 1).lstrip()[:1]
                if _ascii_letter(left) and _ascii_letter(right):
                    # keep one character of the gap as the space between two Latin words
                    first_nl = text.index("\n", gap_start, gap_end)
                    replacements[first_nl] = " "
                    deletions.append((gap_start, first_nl))
                    deletions.append((first_nl + 1, gap_end))
                else:
                    deletions.append((gap_start, gap_end))
            else:
                para = _Para.start(lines.line(i + 1))
                first_nl = text.index("\n", gap_start, gap_end)
                if first_nl + 1 < gap_end:
                    deletions.append((first_nl + 1, gap_end))
                if first_nl > gap_start:
                    deletions.append((gap_start, first_nl))
    if not deletions and not replacements:
        folded = fold_chars(text)
        if folded == text:
            return None
        return folded, OffsetMap.identity(len(text))
    deletions.sort()
    pieces: list[str] = []
    norm_starts = array("q")
    orig_starts = array("q")
    out_len = 0
    pos = 0

    def keep(a: int, b: int) -> None:
        nonlocal out_len
        if a >= b:
            return
        if not (orig_starts and orig_starts[-1] + (out_len - norm_starts[-1]) == a):
            norm_starts.append(out_len)
            orig_starts.append(a)
        pieces.append(text[a:b])
        out_len += b - a

    repl_positions = sorted(replacements)
    r = 0
    for a, b in deletions:
        if b <= pos:
            continue
        a = max(a, pos)
        while r < len(repl_positions) and repl_positions[r] < a:
            rp = repl_positions[r]
            if rp >= pos:
                keep(pos, rp)
                keep_char = replacements[rp]
                if not (orig_starts and orig_starts[-1] + (out_len - norm_starts[-1]) == rp):
                    norm_starts.append(out_len)
                    orig_starts.append(rp)
                pieces.append(keep_char)
                out_len += 1
                pos = rp + 1
            r += 1
        keep(pos, a)
        pos = b
    while r < len(repl_positions):
        rp = repl_positions[r]
        if rp >= pos:
            keep(pos, rp)
            if not (orig_starts and orig_starts[-1] + (out_len - norm_starts[-1]) == rp):
                norm_starts.append(out_len)
                orig_starts.append(rp)
            pieces.append(replacements[rp])
            out_len += 1
            pos = rp + 1
        r += 1
    keep(pos, len(text))
    out = "".join(pieces)
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
    for _ in range(64):  # each changing pass shrinks the text or folds characters: it ends
        result = _one_pass(text)
        if result is None:
            break
        text, step = result
        offsets = offsets.compose(step)
    return Document(original, text, offsets)
