"""Split a normalised issue into blocks: articles, photo captions, page indexes and other matter.

The normaliser leaves one paragraph, headline, byline, credit or index entry per line; this
module classifies each line and runs a small state machine over them:

* a headline (short line without a sentence end, or a markdown ``#`` line) opens a new article
  when a byline or a lead (本报讯, 新华社…电, （记者 X）) follows it, when the previous article has
  been closed by its trailing author names, when it outranks the current markdown title, or
  when the paragraph under it repeats its words and the article so far does not; otherwise it
  is a sub-heading and stays inside the article;
* a lead opens a new article even without a headline (front pages print the headlines as a list
  at the top: those are matched to the articles afterwards by the characters they share, and a
  list line holding several headlines is cut where each part is about another article);
* titles are the printed text (read back through the offset map: "1—5月", not "1-5月"); a
  headline wrapped over two lines is joined when the body runs across the break;
* photo credits (图片来源:…, 新华社记者 X/摄, 张三 摄) and ▲ captions make caption blocks,
  with the one-phrase caption printed above or under the credit; a caption that tells its own
  story (a long text with 图为…) is an article without a title;
* page indexes (3版 4版), tables of contents (本期导读), section tags, URLs, running page headers
  (a page number with a date or weekday) and editors' lines are non-article blocks; a separator
  rule (————) ends an article, and so does a jump marker (（下转第3版）, inline or on its own line:
  the text after it is another block);
* "文/X 图/Y" next to a headline (above or under it) is the feature's byline, under a photo text
  it is the photo's credit; a box-marked byline (□ 本报记者 X) over a headline is that article's;
* a dated or 图为/正在 photo text printed after an article's end and followed by its credit is a
  block of its own (an article when it tells news), not the article's last paragraph;
* after a news-in-brief label (【简讯】, 【新闻速递】, 【一线传真】…) every headline over a paragraph
  opens an item of its own; a "——" subtitle (under the title, wrapped after a comma, or above it)
  is never the title nor body text.

Every block keeps ``norm_span`` (its text in ``doc.text``) and ``span`` (the whole block, title
and byline included, in the original text).
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass
from enum import Enum, auto
from itertools import pairwise

from .models import Block, BlockKind
from .normalize import Document, ends_paragraph, fold_chars, normalize, split_names

__all__ = ["segment", "segment_text"]

_HS = " \t\u3000\u00a0"
_MD = re.compile(r"(#{1,6})[ \t\u3000]*")
_PAGE_INDEX = re.compile(r"(?:第?[0-9一二三四五六七八九十]{1,3}版[ \t\u3000]*)+")
_URL = re.compile(r"https?://|www\.", re.I)
_TOC_ENTRY = re.compile(r"(?<![\d.])第?\d{1,2}版$|[…·.]{2,}[ \t\u3000]*\d{1,3}$")
_SECTION_TAG = re.compile(r"【[^】]{1,16}】")
# Page furniture: running page headers (dates with the weekday) and editors' credit lines.
_PAGE_FURNITURE = re.compile(
    r"星期[一二三四五六日天]|^(?:责任编辑|责编|编辑|校对|美编|版式|组版|审校|值班编辑)[:：]"
    r"|^第[0-9一二三四五六七八九十]{1,3}版[ \t\u3000:：·|—-]*[\u4e00-\u9fff]{0,8}$"
)
# ... and a page number ("第2版", "A2") printed with the issue date: a running page header
_EDITION = re.compile(r"第[0-9一二三四五六七八九十]{1,3}版|^[A-H][0-9]{1,2}(?![0-9])")
_HEADER_DATE = re.compile(r"\d{4}[年.\-/]\d{1,2}[月.\-/]\d{1,2}")
_TOC_MARKER = re.compile(r"本期导读|本期要目|今日导读|本期看点")
_BYLINE_MARK = re.compile(r"[►▶▷▸●◆■□][ \t\u3000]*")
_BYLINE_ROLE = re.compile(
    r"(?:(?:本报|新华社|中新社)?(?:特约|实习)?(?:记者|通讯员|摄影记者|摄影|实习生|编辑)"
    r"|文[ \t\u3000]*[/／][ \t\u3000]*图|文图|文字|[文图][ \t\u3000]*[/／:：]|文|撰稿)"
    r"[ \t\u3000:：/]*"
)
_CREDIT = re.compile(
    r"(?:图片来源|图片提供|供图|图[/／]|摄影[:：]|摄[:：])|/摄[)）]?$|摄[)）]$|[(（][^()（）]{0,20}摄[)）]$"
    r"|(?:记者|摄影|社发|网发)[ \t\u3000]*[\u4e00-\u9fff·]{2,4}(?:[ \t\u3000、]+[\u4e00-\u9fff·]{2,4})*[ \t\u3000]*摄$"
)
_CREDIT_NAMES = re.compile(
    r"(?:记者|摄影|社发|网发)[ \t\u3000\n]*(.+?)[ \t\u3000]*/?[ \t\u3000]*摄", re.S
)
_BARE_CREDIT = re.compile(
    r"(?:^|[\s（(。])([^\s（(。]{2,4}(?:[ \t\u3000]+[^\s（(。)）]{2,4})*)[ \t\u3000]*摄[)）]?\s*$"
)
_CREDIT_PREFIX = re.compile(r"(?:新华社|本报|中新社|人民网)?(?:特约)?(?:摄影)?记者")
_LEAD = re.compile(
    r"(?:(?:本报讯|本报(?!通讯员)[^，,。\s（(]{0,10}?[电讯]|新华社[^，,。\s（(]{0,14}?电|中新[网社][^，,。\s（(]{0,12}?电)"
    r"[ \t\u3000]*)?"
    r"(?:[（(](?:本报)?(?:记者|特约记者|通讯员|特约通讯员|实习生|见习记者)[^）)]{0,40}[）)][ \t\u3000]*)*"
    r"(?:[（(](?:上接|接)第?[^）)]{1,6}版[）)][ \t\u3000]*)?"
)
_LEAD_ROLE = re.compile(r"本报|特约|见习|记者|通讯员|实习生|[（()）]")
_ROLE_WORD = r"(?:(?:本报|新华社)?(?:特约)?(?:记者|通讯员|实习生)[ \t\u3000]*)"
_TAIL_NAMES = re.compile(
    r"(?:(?<=[。！？!?…”」』）)])[ \t\u3000]+"
    rf"(?P<names>{_ROLE_WORD}?[\u4e00-\u9fff]{{2,4}}(?:[ \t\u3000]+{_ROLE_WORD}?[\u4e00-\u9fff]{{2,4}}){{0,5}})"
    r"|(?<=[。！？!?…”」』])[（(](?P<paren>"
    rf"{_ROLE_WORD}?[\u4e00-\u9fff]{{2,4}}(?:[ \t\u3000、]+{_ROLE_WORD}?[\u4e00-\u9fff]{{2,4}}){{0,4}})[）)])"
    r"[ \t\u3000]*$"
)
_JUMP_BODY = r"[（(](?:下|续)?转(?:第|至|见)?[^（()）]{1,6}版[）)]"
# "（下转第3版）", "（转第2版）", "(下转A3版)": the article goes on elsewhere, it ends here
_JUMP = re.compile(_JUMP_BODY + r"$")
_TRAILING_SOURCE = re.compile(
    r"[（(](?:来源|稿件来源|据|作者|完)[^）)]{0,30}[）)]$|" + _JUMP_BODY + "$"
)
# "文/张帆 图/郑凯": a writer and a photographer; a feature's byline next to its headline, a
# photo's credit under a photo text
_DUAL_CREDIT = re.compile(
    r"(?:文[ \t\u3000]*[/／:：][^图]{1,16}图|图[ \t\u3000]*[/／:：][^文]{1,16}文)[ \t\u3000]*[/／:：]"
)
# a photo text opens with its date, "recently", "the picture shows" or the place
# ("7月2日，在X实验室，科研人员正在调试…", "图为…", "在X产业园，工人正在…")
_PHOTO_OPENING = re.compile(r"\d{1,2}月\d{1,2}日[,，]|近日[,，]|日前[,，]|[上下左右]?图为|在")
_PHOTO_FIRST = frozenset("0123456789近日上下左右图在")
# ... and shows a scene: someone at work, an event held somewhere
_PHOTO_SCENE = re.compile(
    r"正在|图为|^(?:\d{1,2}月\d{1,2}日|近日|日前)[,，]在[^，,。]{2,30}[,，]"
    r"|在[^，,。]{2,24}(?:举行|举办|召开|开幕|启动|亮相|揭牌)"
)
_PHOTO_NEWS_MAX = 200  # squashed chars: a photo news text split off before its credit
# section labels of a news-in-brief column: every headline in it opens an item of its own
_BRIEF_LABEL = re.compile(r"简讯|速递|传真|快讯|短讯|速览|集锦|简报|短波|一览|动态")
_DATE_START = re.compile(r"(?:\d{1,2}月\d{1,2}日|近日|近期|日前|\d{4}年\d{1,2}月)")
# How a news item (not a section of a feature) opens: a date, "recently", "the reporter learnt".
_NEWS_OPENING = re.compile(r"(?:\d{1,2}月\d{1,2}日[,，]|近日|日前|近期[,，]|记者[近日从]{1,3})")
_NEWS_HEADLINE_MIN = 12  # feature sub-headings are shorter than news headlines
_LONG_HEADLINE = 18  # a headline this long is an article's, never a sub-heading
_SENTENCE_END = re.compile(r"[。！？!?]")
_COMMA = re.compile(r"[，,；;]")
_INNER_STOP = re.compile(r"[。！？!?；;]")
_RULE_LINE = re.compile(r"[-=_*~—─━·•.。、 \t\u3000]+")  # a separator rule: no content
_LINE = re.compile(r"[^\n]+")
_NAME_SEP = re.compile(r"[\s、，,]+")
_WS = re.compile(r"\s+")
_HEADLINE_MAX = 40
_POOL_REACH = 12  # untitled articles a front-page headline list can serve
_POOL_SHARE = 0.3  # share of a list headline's bigrams an article must hold to get it
_KICKER_SHARE = 0.25  # every headline above an article shares this much with it: no list
_GLUED_MIN = 8  # chars: the shortest headline looked for inside a glued list line
_GLUED_SHARE = 0.6  # share of a part's character pairs its own article must hold
_GLUED_CROSS = 0.3  # ... and the other part's article at most
_GLUED_WHOLE = 0.75  # a line one article holds this much of is one headline
_PHOTO_OPENERS = ("图为", "上图", "下图", "左图", "右图", "图片为")
# Function words of a predicate: a caption's noun phrase has none ("园区企业生产车间。").
_PREDICATE = re.compile(r"[是了将已把被着]")
_NUMBER_RUN = re.compile(r"\d+(?:\.\d+)?")
_ANY_STOP = re.compile(r"[，,、；;。！？!?（）()]")
_CJK_ONLY = re.compile(r"[\u4e00-\u9fff]+")
_CAPTION_MARK = frozenset("▲△")
_MAGNITUDE = frozenset("十百千万亿")
_UNIT = frozenset(".%十百千万亿元家个项名人次件台座所倍年月日号吨亩")
_OPENING = frozenset("“‘（(《「『【")
_CLOSING = frozenset("”’）)》」』】，,、：:；;。！？!?")
_GLUED_MAX = 120  # chars: longer lines are not looked at
_TOPIC_MIN_PAIRS = 4  # a headline needs this many character pairs to be compared
_TOPIC_REACH = 80  # chars of the paragraph under a headline that repeat its words
_TOPIC_NEAR = 0.65  # share of the headline's pairs the paragraph under it must repeat
_TOPIC_NEAR_UNTITLED = 0.5  # ... under an article without a title so far
_TOPIC_FAR = 0.34  # ... relative to which the article so far must repeat at most this much
_PAIR_NOISE = re.compile(r"[\s\d“”‘’\"'（）()《》、，,：:%.]")
_WRAP_MIN = 8  # a headline line shorter than this is a kicker or label, not a wrapped half
_PHRASE_END = frozenset("：:！!？?”」』）)—-…")
_CAPTION_ARTICLE_MIN = 40  # squashed chars: a photo text this long tells a news item of its own


class _Kind(Enum):
    HEADING = auto()  # markdown headline
    HEAD = auto()  # headline-like line
    BYLINE = auto()
    CREDIT_PREFIX = auto()  # "新华社记者" on its own, the credit follows on the next line
    CREDIT = auto()
    INDEX = auto()
    URL = auto()
    TAG = auto()
    TOC = auto()  # a table-of-contents marker line
    LEAD = auto()  # a body paragraph opening with a lead
    BODY = auto()
    RULE = auto()  # a separator line ("————"): ends the article, makes no block
    JUMP = auto()  # "（下转第3版）" on its own line: ends the article it closes


@dataclass(slots=True)
class _Line:
    kind: _Kind
    start: int  # normalised offsets of the whole line
    end: int
    text: str  # the line's content (markers such as "#", "►", 【…】 removed)
    content_start: int  # normalised offset of ``text``
    level: int = 0
    toc: bool = False  # carried a 本期导读 marker
    weak: bool = False  # headline-like but with a comma: a headline only among headlines
    listed: bool = False  # printed twice in a row: a front-page headline list
    glued: bool = False  # several list headlines on one long line
    dual: bool = False  # a "文/X 图/Y" line: a feature's byline or a photo's credit
    brief: bool = False  # printed behind a news-in-brief label ("【简讯】南宁高新区…")
    boxed: bool = False  # a byline behind a box mark ("□ 本报记者 王强")


@dataclass(slots=True)
class _Draft:  # slots and few fields: a huge issue has one per block
    kind: BlockKind
    start: int  # normalised start of the whole block (title, byline...)
    end: int  # normalised end of the whole block
    body_start: int
    body_end: int
    title: str | None = None
    md_level: int | None = None
    byline: str | None = None
    led: bool = False  # opened by a lead (本报讯...)
    photo: bool = False  # a photo text closed by its credit
    closed: bool = False  # its trailing author names were printed
    after_credit: bool = False  # a standalone credit followed its last paragraph
    ends_sentence: bool = True  # its last paragraph ends with a full stop
    last_start: int = 0  # normalised start of its last paragraph
    candidates: tuple[str, ...] = ()  # headlines above it: a kicker and its title, or a list
    news_start: int = 0  # start of its last dated paragraph ("7月2日，…"): maybe a photo text


def _dedupe(text: str) -> tuple[str, bool]:
    """ "XX" printed twice in a row (a text layer artefact of front-page lists) → "X"."""
    n = len(text)
    if n >= 8 and n % 2 == 0 and text[: n // 2] == text[n // 2 :]:
        return text[: n // 2], True
    return text, False


class _Segmenter:
    """One pass over the classified lines of one document."""

    def __init__(self, doc: Document) -> None:
        self.doc = doc
        self._lines = self._classify(doc.text)
        self._buffer: deque[_Line] = deque()
        self._base = 0  # absolute index of self._buffer[0]
        self._exhausted = False
        self.blocks: list[_Draft] = []
        self.header: list[_Line] = []
        self.cur: _Draft | None = None
        self.hard_closed = False
        self.pool: list[tuple[int, str]] = []  # (position, headline) of front-page lists
        self.toc_seen = False
        self.briefs = False  # inside a news-in-brief column (【简讯】)

    # --- line classification ------------------------------------------------------------------

    def _classify(self, text: str) -> Iterator[_Line]:
        """Classified non-blank lines, lazily: only a small window is held in memory."""
        for m in _LINE.finditer(text):
            raw = m.group()
            stripped = raw.strip(_HS)
            if not stripped:
                continue
            start = m.start()
            lead_ws = len(raw) - len(raw.lstrip(_HS))
            yield self._classify_line(stripped, start, m.end(), start + lead_ws)

    def _line(self, i: int) -> _Line | None:
        """Line ``i`` (absolute index), pulling more from the classifier as needed."""
        k = i - self._base
        while k >= len(self._buffer) and not self._exhausted:
            nxt = next(self._lines, None)
            if nxt is None:
                self._exhausted = True
            else:
                self._buffer.append(nxt)
        return self._buffer[k] if 0 <= k < len(self._buffer) else None

    def _release(self, i: int) -> None:
        """Forget lines before ``i``: the state machine never looks back."""
        while self._buffer and self._base < i:
            self._buffer.popleft()
            self._base += 1

    def _kind_at(self, i: int) -> _Kind | None:
        line = self._line(i)
        return None if line is None else line.kind

    def _classify_line(self, s: str, start: int, end: int, cstart: int) -> _Line:
        if _RULE_LINE.fullmatch(s):
            return _Line(_Kind.RULE, start, end, s, cstart)
        m = _MD.match(s)
        if m:
            body = s[m.end() :]
            return _Line(_Kind.HEADING, start, end, body, cstart + m.end(), level=len(m.group(1)))
        if _PAGE_INDEX.fullmatch(s) or (
            len(s) <= _HEADLINE_MAX + 6
            and _TOC_ENTRY.search(s)
            and not ends_paragraph(s)
            and not _PAGE_FURNITURE.search(s)
        ):
            return _Line(_Kind.INDEX, start, end, s, cstart)  # "3版", "园区企业加速出海 3版"
        if len(s) <= 120 and ("http" in s or "www" in s.lower()) and _URL.search(s):
            return _Line(_Kind.URL, start, end, s, cstart)
        if _SECTION_TAG.fullmatch(s):
            return _Line(_Kind.TAG, start, end, s, cstart)
        m = _SECTION_TAG.match(s)
        brief = False
        if m and not ends_paragraph(s) and len(s) <= _HEADLINE_MAX + 10:
            brief = bool(_BRIEF_LABEL.search(m.group()))
            s, cstart = s[m.end() :].lstrip(_HS), cstart + m.end()
        m = _BYLINE_MARK.match(s)
        if m and len(s) - m.end() <= 24:
            rest = s[m.end() :]
            if self._marked_label(rest, cstart + m.end(), end):
                return _Line(_Kind.TAG, start, end, s, cstart)  # "■ 园区动态": a section label
            return _Line(_Kind.BYLINE, start, end, rest, cstart + m.end(), boxed=True)
        if len(s) <= 16 and s[0] in "（(" and _JUMP.fullmatch(s):
            return _Line(_Kind.JUMP, start, end, s, cstart)
        if s[0] in "文图" and len(s) <= 30 and _DUAL_CREDIT.match(s):
            return _Line(_Kind.CREDIT, start, end, s, cstart, dual=True)
        if len(s) <= 40 and (_PAGE_FURNITURE.search(s) or _page_header(s)):
            return _Line(_Kind.TAG, start, end, s, cstart)  # page header or editor line
        if len(s) <= 40 and (_CREDIT.search(s) or self._name_credit(s, start, end)):
            return _Line(_Kind.CREDIT, start, end, s, cstart)
        if s[0] in _CAPTION_MARK and len(s) <= 120:
            return _Line(_Kind.CREDIT, start, end, s, cstart)  # "▲ 图为…": a photo caption
        if len(s) <= 10 and _CREDIT_PREFIX.fullmatch(s):
            return _Line(_Kind.CREDIT_PREFIX, start, end, s, cstart)
        if self._names_line(s, start, end):
            return _Line(_Kind.BYLINE, start, end, s, cstart)
        toc = _TOC_MARKER.search(s) if ("导读" in s or "要目" in s or "看点" in s) else None
        if toc:
            before, after = s[: toc.start()].strip(_HS), s[toc.end() :].strip(_HS)
            if not before and not after:
                return _Line(_Kind.TOC, start, end, s, cstart)
            # the headlines printed with the marker: keep where they start when they are one
            # piece of the line, so their printed form can be read back
            rest = _dedupe(before + after)[0]
            where = cstart if before else cstart + s.index(after, toc.end())
            return _Line(_Kind.HEAD, start, end, rest, where, toc=True, listed=True)
        if _lead_end(s) > 0:
            return _Line(_Kind.LEAD, start, end, s, cstart)
        if (
            len(s) <= _HEADLINE_MAX
            and not ends_paragraph(s)
            and not s.endswith(("：", ":"))
            and "。" not in s  # a full stop inside: running text cut after its sentence
        ):
            text, doubled = _dedupe(s)
            weak = bool(_COMMA.search(s))
            return _Line(
                _Kind.HEAD, start, end, text, cstart, listed=doubled, weak=weak, brief=brief
            )
        if (
            len(s) <= _GLUED_MAX
            and not _ANY_STOP.search(s)
            and not ends_paragraph(s)
            and len(_NUMBER_RUN.findall(s)) <= 4  # not a row of a table
        ):
            # too long for one headline, and not one piece of punctuation: headlines of a
            # front-page list printed on one line
            return _Line(_Kind.HEAD, start, end, s, cstart, listed=True, glued=True)
        if len(s) <= 24 and s[-1] in "？！?!" and not _INNER_STOP.search(s[:-1]):
            # "谁来破局？": a headline may end with a question or exclamation mark
            return _Line(_Kind.HEAD, start, end, s, cstart)
        return _Line(_Kind.BODY, start, end, s, cstart)

    def _marked_label(self, rest: str, start: int, end: int) -> bool:
        """After a box mark, a section label rather than a byline: no role word, no names,
        and longer than a name with a surname the list does not know."""
        if len(rest) <= 3 or _BYLINE_ROLE.search(rest) or not _CJK_ONLY.fullmatch(rest):
            return False
        return _byline_names(self._original(start, end)) is None

    def _name_credit(self, s: str, start: int, end: int) -> bool:
        """ "张三 摄", "张三 李四 摄": a photographer's credit without a role word."""
        if len(s) > 16 or s[-1] != "摄":
            return False
        original = self._original(start, end).rstrip()
        return split_names(original[:-1]) is not None

    def _names_line(self, s: str, start: int, end: int) -> bool:
        if len(s) > 30:
            return False
        return _byline_names(self._original(start, end)) is not None

    # --- the state machine --------------------------------------------------------------------

    def run(self) -> list[Block]:
        i = 0
        while (line := self._line(i)) is not None:
            i = _HANDLERS[line.kind](self, i, line)
            self._release(i)
        self._flush_header()
        self._close()
        self._unpunctuated_fallback()
        return self._finish()

    def _unpunctuated_fallback(self) -> None:
        """A text without sentence punctuation reads as headlines only; rather than an issue
        with no article at all, its longest run of such lines is one untitled article."""
        if any(d.kind is BlockKind.ARTICLE for d in self.blocks):
            return
        others = [d for d in self.blocks if d.kind is BlockKind.OTHER and d.title is None]
        if not others:
            return
        best = max(others, key=lambda d: d.body_end - d.body_start)
        if len(_squash(self.doc.text[best.body_start : best.body_end])) >= 80:
            best.kind = BlockKind.ARTICLE

    def _close(self) -> None:
        if self.cur is not None:
            self.blocks.append(self.cur)
            self.cur = None

    def _starts_article(self, i: int) -> bool:
        """Does the headline at line ``i`` open a new article (or is it a sub-heading)?"""
        cur = self.cur
        if cur is None or self.hard_closed or cur.photo or cur.closed:
            return True
        line = self._line(i)
        assert line is not None
        if line.toc or line.listed:
            return True
        if self.briefs and self._kind_at(i + 1) in _BODY_KINDS:
            return True  # a news-in-brief column: every headline over a paragraph is an item
        if line.kind is _Kind.HEADING and (
            (cur.md_level is not None and line.level <= cur.md_level)
            or (cur.title is None and not cur.candidates)  # no sub-headings in a titleless item
        ):
            return True
        heads = 0
        j = i
        while j < i + 12 and self._kind_at(j) in (_Kind.HEAD, _Kind.HEADING, _Kind.BYLINE):
            if self._kind_at(j) is _Kind.BYLINE:
                return True
            heads += 1
            j += 1
        nxt = self._kind_at(j)
        if nxt is not None:
            if nxt is _Kind.LEAD:
                return True
            if nxt in (_Kind.CREDIT, _Kind.CREDIT_PREFIX):
                heads -= 1  # the last one describes the photo
            if nxt in (_Kind.INDEX, _Kind.URL, _Kind.TAG, _Kind.TOC):
                return True
            following = self._line(j)
            if nxt is _Kind.BODY and following is not None and heads == 1:
                if len(line.text) >= _LONG_HEADLINE:
                    return True  # sub-headings of features are short
                if len(line.text) >= _NEWS_HEADLINE_MIN and _NEWS_OPENING.match(following.text):
                    return True  # a full headline over a paragraph that opens like news
                if self._changes_topic(line.text, following.text):
                    return True
        else:
            return True
        return heads >= 2

    def _changes_topic(self, headline: str, following: str) -> bool:
        """A short headline with no lead under it: a new article when the paragraph under it
        is about it and the article so far is not (a sub-heading belongs to its article's
        subject). Character pairs are looked up as substrings: no sets, cheap on huge issues."""
        cur = self.cur
        assert cur is not None
        pairs = {headline[k : k + 2] for k in range(len(headline) - 1)}
        pairs = {p for p in pairs if not _PAIR_NOISE.search(p)}
        if len(pairs) < _TOPIC_MIN_PAIRS:
            return False
        below = following[:_TOPIC_REACH]
        near = sum(p in below for p in pairs) / len(pairs)
        # a photo story or brief with no title and no lead is rarely sub-headed
        untitled = cur.title is None and not cur.candidates and not cur.led
        if near < (_TOPIC_NEAR_UNTITLED if untitled else _TOPIC_NEAR):
            return False
        text = self.doc.text
        so_far = (cur.title or "") + text[cur.body_start : min(cur.body_end, cur.body_start + 600)]
        return sum(p in so_far for p in pairs) / len(pairs) <= near * _TOPIC_FAR

    def _on_head(self, i: int, line: _Line) -> int:
        if line.weak and self._kind_at(i + 1) not in _LIST_NEIGHBOURS:
            # a short line with a comma is a headline only in a list (a TOC): here, body text
            body = _Line(_Kind.BODY, line.start, line.end, line.text, line.content_start)
            return self._on_body(i, body)
        cur = self.cur
        if line.glued and cur is not None and not (self.hard_closed or cur.closed or cur.photo):
            # a front-page list stands above the page's first article, not inside one
            body = _Line(_Kind.BODY, line.start, line.end, line.text, line.content_start)
            return self._on_body(i, body)
        if line.toc:
            self.toc_seen = True
        if line.brief:
            self.briefs = True
        if (
            self.cur is not None
            and line.kind is _Kind.HEAD
            and line.text[:1] not in "（(["
            and self._kind_at(i + 1) in (_Kind.CREDIT, _Kind.CREDIT_PREFIX)
        ):
            self.header.append(line)  # it describes the photo credited next: a caption
            return i + 1
        if not self.header and self.cur is not None and not self._starts_article(i):
            self._extend_body(line)
            return i + 1
        self._close()
        self.header.append(line)
        return i + 1

    def _on_byline(self, i: int, line: _Line) -> int:
        names = self._names(line)
        if line.boxed and not self.header and self._kind_at(i + 1) in (_Kind.HEAD, _Kind.HEADING):
            self._close()  # "□ 本报记者 王强" over a headline: the next article's byline
        if self.header or self.cur is None:
            self.header.append(line)
        else:
            cur = self.cur
            cur.byline = cur.byline or names
            cur.end = line.end
            cur.closed = True
        return i + 1

    def _on_credit(self, i: int, line: _Line) -> int:
        start_line = line
        if line.kind is _Kind.CREDIT_PREFIX:
            following = self._line(i + 1)
            if following is not None and following.kind is _Kind.CREDIT:
                line = following
                i += 1
            else:  # a lone "本报记者": a short headline-like line
                line = _Line(_Kind.HEAD, line.start, line.end, line.text, line.content_start)
                return self._on_head(i, line)
        if line.dual and self._dual_byline(i):
            byline = _Line(_Kind.BYLINE, line.start, line.end, line.text, line.content_start)
            if not self.header:
                self._close()  # above a feature's headline: it opens the feature
            self.header.append(byline)
            return i + 1
        names = self._credit_names(start_line.start, line.end)
        if names is None and line.dual:
            names = self._names(line)
        desc: _Line | None = None
        if self.header and self.header[-1].kind is _Kind.HEAD:
            desc = self.header.pop()
        cur = self.cur
        if desc is None and not self.header and cur is not None and self._photo_text(cur):
            # the untitled text just before the credit was the photo's caption
            cur.photo = True
            cur.byline = cur.byline or names
            cur.end = line.end
            cur.kind = BlockKind.ARTICLE if self._tells_news(cur) else BlockKind.CAPTION
            self._close()
            return i + 1
        news = None if desc or self.header or cur is None else self._photo_news_tail(cur)
        if cur is not None and news is not None:
            # a dated photo text printed after the article's end, then its credit: a news item
            # (or caption) of its own, not the article's last paragraph
            photo = _Draft(BlockKind.ARTICLE, news, line.end, news, cur.body_end, byline=names)
            photo.photo = True
            if not self._tells_news(photo):
                photo.kind = BlockKind.CAPTION
            cur.end = cur.body_end = news - 1
            self._close()
            self.blocks.append(photo)
            return i + 1
        if desc is None and not self.header and cur is not None and self._caption_tail(cur):
            # the article's last paragraph is a one-phrase caption printed above the credit
            desc = _Line(_Kind.BODY, cur.last_start, cur.end, "", cur.last_start)
            cur.end = cur.body_end = cur.last_start - 1
        first = desc or start_line
        last = self.blocks[-1] if self.blocks else None
        if (
            last is not None
            and last.kind is BlockKind.CAPTION
            and not self.doc.text[last.end : first.start].strip()
        ):
            # the pieces of one photo's caption: its text, its credit
            last.end = last.body_end = line.end
            last.byline = last.byline or names
            if cur is not None:
                cur.after_credit = True
            return i + 1
        caption = _Draft(
            BlockKind.CAPTION,
            first.start,
            line.end,
            first.content_start,
            line.end,
            byline=names,
            photo=True,
        )
        self.blocks.append(caption)
        if cur is not None:
            cur.after_credit = True
        return i + 1

    def _on_body(self, i: int, line: _Line) -> int:
        cur = self.cur
        if self.header:
            self._close()
            header = self.header
            if header[0].kind is _Kind.TOC and len(header) > 2:
                # 本期导读 and its entries, then this article's headline: a TOC block first
                first, last = header[0], header[-2]
                toc = _Draft(BlockKind.INDEX, first.start, last.end, first.content_start, last.end)
                toc.title = "本期导读"
                self.blocks.append(toc)
                header = header[-1:]
            self._open(line, header)
            self.header = []
        elif self._absorbed(i, line):
            pass  # a caption piece or the authors of the article before
        elif (
            line.kind is _Kind.LEAD
            or cur is None
            or self.hard_closed
            or cur.photo
            or (cur.after_credit and self._photo_news_follows(i, cur))
            or (cur.ends_sentence and _is_photo_news(line.text))
        ):
            self._close()
            self._open(line, [])
        elif cur.ends_sentence and (cut := self._inline_photo_credit(line)) is not None:
            # "7月2日，在X实验室，科研人员正在调试…。 孙悦 摄": a photo text with its credit
            self._close()
            self._open(line, [])
            photo = self.cur
            assert photo is not None
            photo.body_end = line.content_start + cut
            photo.photo = True
            photo.byline = photo.byline or self._credit_names(photo.body_end, line.end)
            if not self._tells_news(photo):
                photo.kind = BlockKind.CAPTION
            self._close()
        else:
            self._extend_body(line)
        self.hard_closed = False
        cur = self.cur
        if (
            cur is not None
            and cur.body_end == line.end
            and line.text.endswith(("版）", "版)"))
            and _JUMP.search(line.text)
        ):
            self._close()  # "…早见效。（下转第3版）": the rest is printed on another page
            self.hard_closed = True
        return i + 1

    def _on_rule(self, i: int, line: _Line) -> int:
        self._close()
        self.hard_closed = True
        self.briefs = False
        return i + 1

    def _on_jump(self, i: int, line: _Line) -> int:
        """A jump marker on its own line ends the article above it (and is cut off its text)."""
        if self.cur is None or self.hard_closed or self.header:
            return self._on_other(i, line)
        self._extend_body(line)
        self._close()
        self.hard_closed = True
        return i + 1

    def _on_other(self, i: int, line: _Line) -> int:
        """Index, URL, section tag or TOC marker lines: non-article blocks that end articles."""
        self._close()
        if line.kind is _Kind.TOC:
            self.toc_seen = True
            self.header.append(line)
            return i + 1
        j = i
        kinds = {_Kind.INDEX} if line.kind is _Kind.INDEX else {line.kind}
        while self._kind_at(j + 1) in kinds:
            j += 1
        last = self._line(j)
        assert last is not None
        self.briefs = line.kind is _Kind.TAG and any(
            (tag := self._line(k)) is not None and _BRIEF_LABEL.search(tag.text)
            for k in range(i, j + 1)
        )
        first = line
        if line.kind is _Kind.INDEX and self.header:
            # headlines with no body before a page index: a table of contents
            first = self.header[0]
            self.header = []
        else:
            self._flush_header()
        kind = BlockKind.INDEX if line.kind is _Kind.INDEX else BlockKind.OTHER
        prev = self.blocks[-1] if self.blocks else None
        if (
            kind is BlockKind.INDEX
            and prev is not None
            and prev.kind is BlockKind.INDEX
            and not self.doc.text[prev.end : first.start].strip()
        ):
            # a table of contents goes on: entries without page numbers, then the numbers
            prev.end = prev.body_end = last.end
            self.hard_closed = True
            return j + 1
        title = "本期导读" if first.kind in (_Kind.HEAD, _Kind.TOC) and self.toc_seen else None
        self.blocks.append(
            _Draft(kind, first.start, last.end, first.content_start, last.end, title=title)
        )
        self.hard_closed = True
        return j + 1

    # --- helpers ------------------------------------------------------------------------------

    def _open(self, line: _Line, header: list[_Line]) -> None:
        start = header[0].start if header else line.start
        draft = _Draft(BlockKind.ARTICLE, start, line.end, line.content_start, line.end)
        heads = [h for h in header if h.kind in (_Kind.HEAD, _Kind.HEADING)]
        bylines = [h for h in header if h.kind is _Kind.BYLINE]
        if bylines:
            draft.byline = " ".join(n for b in bylines if (n := self._names(b))) or None
            self.briefs = False  # a signed article: the news-in-brief column is over
        self._choose_title(draft, heads)
        if line.kind is _Kind.LEAD:
            draft.led = True
            cut = _lead_end(line.text)
            names = self._lead_names(line.content_start, line.content_start + cut)
            draft.byline = draft.byline or names
            draft.body_start = line.content_start + cut
        draft.ends_sentence = ends_paragraph(line.text)
        draft.last_start = line.start
        self._check_trailing(draft, line)
        self.cur = draft

    def _extend_body(self, line: _Line) -> None:
        cur = self.cur
        assert cur is not None
        if cur.ends_sentence and line.text[:1] in _PHOTO_FIRST and _PHOTO_OPENING.match(line.text):
            cur.news_start = line.start
        cur.body_end = line.end
        cur.end = line.end
        cur.ends_sentence = ends_paragraph(line.text)
        cur.last_start = line.start
        cur.after_credit = False
        self._check_trailing(cur, line)

    def _check_trailing(self, draft: _Draft, line: _Line) -> None:
        found = self._tail_byline(line.content_start, line.end)
        if found is not None:
            draft.byline = draft.byline or found[1]
            draft.closed = True

    def _tail_byline(self, start: int, end: int) -> tuple[int, str] | None:
        """Author names printed after the last sentence of a line ("…达效。 巩茜 宋格",
        "…难关。 通讯员 张三 记者 李四", "…项目。（张伟 李明）"), read on the original text:
        (normalised offset where they start, the names)."""
        text = self.doc.text
        if start >= end or not (
            "\u4e00" <= text[end - 1] <= "\u9fff" or text[end - 1] in _HS or text[end - 1] in "）)"
        ):
            return None
        o_start, o_end = self.doc.to_original(start, end)
        base = max(o_start, o_end - 80)
        m = _TAIL_NAMES.search(self.doc.original, base, o_end)
        if m is None:
            return None
        names = _byline_names(m.group("names") or m.group("paren"))
        if not names:
            return None
        cut = self.doc.to_normalized(m.start(), m.start())[0]
        return cut, " ".join(names)

    def _choose_title(self, draft: _Draft, heads: list[_Line]) -> None:
        if not heads:
            return
        if any(h.toc or h.listed for h in heads):
            self.pool.extend((h.start, self._printed(h)) for h in heads if h.text)
            return
        md = [h for h in heads if h.kind is _Kind.HEADING]
        if md:
            best = min(md, key=lambda h: h.level)
            draft.title, draft.md_level = self._printed(best), best.level
            return
        if len(heads) == 1:
            draft.title = self._printed(heads[0])
            return
        # several plain headlines: a kicker (or section label, or "——" subtitle) and a title,
        # or entries of a headline list; decided in _finish, once the body is known, by the
        # characters they share with it
        draft.candidates = tuple(self._printed(h) for h in heads if h.text)

    def _printed(self, line: _Line) -> str:
        """A headline as the page prints it ("1—5月", "１２％"): the normalised text with the
        characters the normaliser folded read back from the original (spaces stay removed)."""
        text, start = line.text, line.content_start
        doc = self.doc
        if not text or doc.text[start : start + len(text)] != text:
            return text
        o_start, o_end = doc.to_original(start, start + len(text))
        original = doc.original[o_start:o_end]
        if original == text or _squash(original) == _squash(text):
            return text  # nothing folded: the common case
        out = []
        for k, ch in enumerate(text):
            o = doc.to_original(start + k, start + k + 1)[0]
            printed = doc.original[o]
            out.append(ch if printed == ch or printed.isspace() else printed)
        return "".join(out)

    def _flush_header(self) -> None:
        """Headlines that never got a body: a TOC-like list (other matter)."""
        if not self.header:
            return
        first, last = self.header[0], self.header[-1]
        title = "本期导读" if self.toc_seen and len(self.header) > 1 else None
        self.blocks.append(
            _Draft(
                BlockKind.OTHER, first.start, last.end, first.content_start, last.end, title=title
            )
        )
        self.header = []

    def _photo_text(self, cur: _Draft) -> bool:
        return (
            cur.title is None
            and not cur.candidates
            and cur.byline is None
            and not cur.led
            and not cur.closed
            and not cur.photo
        )

    def _caption_tail(self, cur: _Draft) -> bool:
        """Is the last paragraph of ``cur`` a photo caption ("…发布会现场。") rather than its
        end? One short phrase (no comma) after a paragraph that ended its sentence."""
        text = self.doc.text
        start, end = cur.last_start, cur.body_end
        if start <= cur.body_start or not cur.ends_sentence:
            return False
        if not _caption_phrase(_squash(text[start:end])):
            return False
        return ends_paragraph(text[max(cur.body_start, start - 24) : start - 1])

    def _absorbed(self, i: int, line: _Line) -> bool:
        if line.kind is _Kind.BODY:
            return self._caption_after_credit(i, line)
        return self._closing_byline(i, line)

    def _closing_byline(self, i: int, line: _Line) -> bool:
        """ "（记者 张三 通讯员 李四）" alone on a line after an article's last sentence, with no
        paragraph under it: the article's authors, not the lead of a new one."""
        cur = self.cur
        if (
            cur is None
            or not cur.ends_sentence
            or line.text[:1] not in "（("
            or _lead_end(line.text) != len(line.text)
            or self._kind_at(i + 1) in _BODY_KINDS
        ):
            return False
        names = self._lead_names(line.content_start, line.end)  # None for (上接第一版)
        if names is None:
            return False
        cur.byline = cur.byline or names
        cur.end = line.end
        cur.closed = True
        return True

    def _caption_after_credit(self, i: int, line: _Line) -> bool:
        """A one-phrase caption printed under its credit, standing alone (no paragraph of
        running text follows): it joins the credit's caption block."""
        last = self.blocks[-1] if self.blocks else None
        if (
            last is None
            or last.kind is not BlockKind.CAPTION
            or self.doc.text[last.end : line.start].strip()
            or self._kind_at(i + 1) in _BODY_KINDS
            or (self.cur is not None and not self.cur.ends_sentence)  # its sentence goes on
            or not _caption_phrase(_squash(line.text))
        ):
            return False
        last.end = last.body_end = line.end
        return True

    def _inline_photo_credit(self, line: _Line) -> int | None:
        """Where the credit starts in a one-paragraph photo text that ends with it ("…正在
        调试设备。 孙悦 摄", "…（孙悦 摄）"), else None."""
        text = line.text
        if not text.endswith(("摄", "摄）", "摄)")) or text[:1] not in _PHOTO_FIRST:
            return None
        k = max(text.rfind("。"), text.rfind("！"), text.rfind("？")) + 1
        if k <= 0 or len(text) - k > 24 or not _PHOTO_OPENING.match(text):
            return None
        if not _PHOTO_SCENE.search(text[:k].split("。", 1)[0]):
            return None
        if self._credit_names(line.content_start + k, line.end) is None:
            return None
        return k

    def _dual_byline(self, i: int) -> bool:
        """Is the "文/X 图/Y" line at ``i`` a feature's byline (under its headline, or above
        a headline with no photo text before it) rather than the credit of a photo?"""
        nxt = self._kind_at(i + 1)
        if self.header:
            return self.header[-1].kind in (_Kind.HEAD, _Kind.HEADING) and nxt in _BODY_KINDS
        if nxt not in (_Kind.HEAD, _Kind.HEADING):
            return False
        cur = self.cur
        if cur is None or self.hard_closed or cur.closed or cur.photo:
            return True
        return not (
            self._photo_text(cur)
            or self._photo_news_tail(cur) is not None
            or self._caption_tail(cur)
        )

    def _photo_news_tail(self, cur: _Draft) -> int | None:
        """Where the article's last paragraph starts when it is a dated photo text printed
        after the article's end ("7月2日，在X实验室，科研人员正在调试…"), else None."""
        start = cur.news_start
        if start <= cur.body_start or cur.closed or cur.photo or not cur.ends_sentence:
            return None
        text = _squash(self.doc.text[start : cur.body_end])
        if len(text) > _PHOTO_NEWS_MAX or not _PHOTO_SCENE.search(text.split("。", 1)[0]):
            return None
        return start

    def _tells_news(self, cur: _Draft) -> bool:
        body = _squash(self.doc.text[cur.body_start : cur.body_end])
        return len(body) >= _CAPTION_ARTICLE_MIN and bool(_SENTENCE_END.search(body))

    def _photo_news_follows(self, i: int, cur: _Draft) -> bool:
        """After a standalone credit: does line ``i`` start a photo news item of its own?"""
        if not cur.ends_sentence:
            return False  # the article's sentence goes on after the photo
        paragraphs: list[_Line] = []
        j = i
        while j < i + 32 and (p := self._line(j)) is not None and p.kind in _BODY_KINDS:
            paragraphs.append(p)
            j += 1
        if any("图为" in p.text for p in paragraphs):
            return True
        return len(paragraphs) == 1 and bool(_DATE_START.match(paragraphs[0].text))

    def _original(self, start: int, end: int) -> str:
        o_start, o_end = self.doc.to_original(start, end)
        return self.doc.original[o_start:o_end]

    def _names(self, line: _Line) -> str | None:
        original = self._original(line.content_start, line.end).strip()
        original = _BYLINE_MARK.sub("", original, count=1)
        names = _byline_names(original)
        if names:
            return " ".join(names)
        squashed = _squash(original)
        return squashed or None

    def _credit_names(self, start: int, end: int) -> str | None:
        original = self._original(start, end)
        m = _CREDIT_NAMES.search(original)
        if not m:
            # no role word: "张三 摄", "（张三 李四 摄）"
            bare = _BARE_CREDIT.search(original)
            names = split_names(bare.group(1)) if bare else None
            return " ".join(names) if names else None
        names = [n for n in _NAME_SEP.split(m.group(1)) if n]
        return " ".join(names) or None

    def _lead_names(self, start: int, end: int) -> str | None:
        original = self._original(start, end)
        inner = re.findall(r"[（(]([^）)]*)[）)]", original)
        names: list[str] = []
        for part in inner:
            if re.search(r"上接|下转|版", part):
                continue
            cleaned = _LEAD_ROLE.sub(" ", part)
            names.extend(n for n in _NAME_SEP.split(cleaned) if n)
        return " ".join(names) or None

    # --- output -------------------------------------------------------------------------------

    def _finish(self) -> list[Block]:
        drafts = sorted(self.blocks, key=lambda d: (d.start, d.end))
        self._resolve_candidates(drafts)
        self._assign_pool(drafts)
        blocks: list[Block] = []
        text = self.doc.text
        for n, d in enumerate(drafts, 1):
            body_start, body_end = d.body_start, max(d.body_start, d.body_end)
            if d.kind is BlockKind.ARTICLE:
                body_end = self._trim_tail(body_start, body_end)
            while body_start < body_end and text[body_start] in _HS + "\n":
                body_start += 1
            while body_end > body_start and text[body_end - 1] in _HS + "\n":
                body_end -= 1
            span = self.doc.to_original(d.start, max(d.start, d.end))
            # model_construct: the values are right by construction, and one shared
            # fields-set (all fields are set) saves ~0.5 KB per block on huge issues
            blocks.append(
                Block.model_construct(
                    _BLOCK_FIELDS,
                    id=f"a{n}",
                    kind=d.kind,
                    title=d.title,
                    byline=d.byline,
                    text=text[body_start:body_end],
                    span=span,
                    norm_span=(body_start, body_end),
                )
            )
        return blocks

    def _trim_tail(self, start: int, end: int) -> int:
        """Drop trailing author names and (来源：…) from the article's last line."""
        text = self.doc.text
        line_start = max(text.rfind("\n", start, end) + 1, start)
        for _ in range(2):
            found = self._tail_byline(line_start, end)
            if found is not None and found[0] > line_start:
                end = found[0]
            m = _TRAILING_SOURCE.search(text[line_start:end].rstrip(_HS))
            if m:
                end = line_start + m.start()  # may empty the line: _finish trims the newline
                continue
            if found is None:
                break
        while end > line_start and text[end - 1] in _HS:
            end -= 1
        return end

    def _resolve_candidates(self, drafts: list[_Draft]) -> None:
        """Kicker + title (both about the body: the last line that is not a "——" subtitle is
        the title) or a headline list (some is about another article: all go to the pool)."""
        for d in drafts:
            if not d.candidates:
                continue
            body = _bigrams(self.doc.text[d.body_start : min(d.body_end, d.body_start + 600)])
            shares = [_share(fold_chars(c), body) for c in d.candidates]
            subtitled = any(c.startswith(("—", "-")) for c in d.candidates)
            if subtitled or min(shares) >= _KICKER_SHARE or max(shares) == 0.0:
                # the kicker (引题) is printed above the main title, a subtitle below it with
                # a dash: the last line without a dash is the title
                mains = _main_lines(d.candidates)
                d.title = mains[-1]
                if len(mains) >= 2 and self._wrapped(mains[-2], mains[-1], d):
                    d.title = mains[-2] + mains[-1]
            else:
                self.pool.extend((d.start, c) for c in d.candidates)
            d.candidates = ()
        self.pool.sort()

    def _wrapped(self, upper: str, lower: str, d: _Draft) -> bool:
        """Are two headline lines one headline broken at the column edge? The body then uses
        the words that run across the break ("…重点项目 / 集中签约…" → "项目集中")."""
        # a kicker is the shorter line, the first half of a wrapped headline the longer one
        if len(upper) < max(_WRAP_MIN, len(lower)) or upper[-1] in _PHRASE_END or len(lower) < 2:
            return False
        body = self.doc.text[d.body_start : min(d.body_end, d.body_start + 600)]
        a, b = fold_chars(upper[-2:]), fold_chars(lower[:2])
        return (a + b[0]) in body or (a[-1] + b) in body

    def _assign_pool(self, drafts: list[_Draft]) -> None:
        """Give front-page list headlines to the untitled articles they describe best.

        A list only serves the articles after it and before the next list (its page), at most
        ``_POOL_REACH`` of them, so the work stays linear in the issue size.
        """
        if not self.pool:
            return
        groups: list[list[tuple[int, str]]] = []
        for pos, headline in self.pool:
            if groups and pos - groups[-1][-1][0] < 400:
                groups[-1].append((pos, headline))
            else:
                groups.append([(pos, headline)])
        bounds = [g[0][0] for g in groups[1:]] + [len(self.doc.text) + 1]
        starts = [d.start for d in drafts]  # drafts are sorted by start
        for group, limit in zip(groups, bounds, strict=True):
            untitled: list[_Draft] = []
            for d in drafts[bisect_left(starts, group[0][0]) :]:
                if d.start >= limit or len(untitled) >= _POOL_REACH:
                    break
                if d.kind is BlockKind.ARTICLE and d.title is None:
                    untitled.append(d)
            self._assign_group([h for _, h in group], untitled)

    def _assign_group(self, headlines: list[str], untitled: list[_Draft]) -> None:
        # headline words are in the first paragraphs: 600 chars are enough and keep it cheap
        bodies = [
            _bigrams(self.doc.text[d.body_start : min(d.body_end, d.body_start + 600)])
            for d in untitled
        ]
        if len(bodies) >= 2 and len(headlines) <= _POOL_REACH:
            # a front-page list is short: a long run of headline-like lines is something else
            headlines = [part for h in headlines for part in _split_glued(h, bodies)]
        scored: list[tuple[int, float, int, int]] = []
        for hi, headline in enumerate(headlines):
            grams = _bigrams(fold_chars(headline))
            if not grams:
                continue
            for di, body in enumerate(bodies):
                shared = len(grams & body)
                if shared / len(grams) >= _POOL_SHARE:
                    # more shared pairs first: a full headline beats a short section label
                    scored.append((shared, shared / len(grams), -di, hi))
        used_h: set[int] = set()
        used_d: set[int] = set()
        for *_, neg_di, hi in sorted(scored, reverse=True):
            di = -neg_di
            if hi in used_h or di in used_d:
                continue
            untitled[di].title = headlines[hi]
            used_h.add(hi)
            used_d.add(di)


def _main_lines(candidates: tuple[str, ...]) -> list[str]:
    """The headline lines without the "——" subtitle (printed above or under the title); a
    subtitle cut after a comma goes on over the next line ("——…高于全市，" / "创新动能增强")."""
    lines: list[str] = []
    in_subtitle = False
    for c in candidates:
        if c.startswith(("—", "-")) or in_subtitle:
            in_subtitle = c[-1] in "，,、；;"
        else:
            lines.append(c)
    return lines or list(candidates)


def _page_header(s: str) -> bool:
    """ "2025.7.8 | 第2版 | 园区", "A2 园区新闻 2025年7月8日": a page number with a date."""
    return ("版" in s or s[0] in "ABCDEFGH") and bool(_EDITION.search(s) and _HEADER_DATE.search(s))


def _caption_phrase(squashed: str) -> bool:
    """One short noun phrase ending with a full stop ("…发布会现场。"): how photo captions
    read. A statement ("这是园区第三次获此殊荣。") has a predicate word and stays text."""
    if not (
        len(squashed) <= _CAPTION_ARTICLE_MIN
        and squashed[-1:] in "。."
        and not _COMMA.search(squashed)
        and not _INNER_STOP.search(squashed[:-1])
    ):
        return False
    return squashed.startswith(_PHOTO_OPENERS) or not _PREDICATE.search(squashed)


def _can_cut(text: str, k: int) -> bool:
    """May a headline end before ``text[k]``? Not inside a number with its unit ("4.6万|家"),
    nor after an opening or before a closing quote or bracket."""
    before, after = text[k - 1], text[k]
    if (before.isdigit() or before in _MAGNITUDE) and (after.isdigit() or after in _UNIT):
        return False
    return before not in _OPENING and after not in _CLOSING


def _split_glued(headline: str, bodies: list[set[str]]) -> list[str]:
    """Headlines of a front-page list printed on one line with no gap ("…增至8000亿元宁波…"):
    cut the line into parts that are each about one article (most of their character pairs
    occur in it) and not about the article of the part beside them.

    A dynamic programme over cut points, from the end: ``best[i]`` is the best way to cut the
    rest of the line from ``i``. ``prefix[d][i]`` counts the pairs before ``i`` found in body
    ``d``, so the pairs of any part in any article cost one subtraction.
    """
    folded = fold_chars(_squash(headline))
    n = len(folded)
    if n < 2 * _GLUED_MIN or n > _GLUED_MAX or n != len(headline):
        return [headline]
    prefix: list[list[int]] = []
    for body in bodies:
        acc = [0]
        for i in range(n - 1):
            acc.append(acc[-1] + (folded[i : i + 2] in body))
        prefix.append(acc)
    whole = max(p[-1] for p in prefix)
    if whole >= _GLUED_WHOLE * (n - 1):
        return [headline]  # one article holds (nearly) all of it: one headline
    articles = range(len(bodies))

    def hits(d: int, i: int, j: int) -> int:  # pairs inside [i, j) found in body d
        return prefix[d][j - 1] - prefix[d][i]

    # best[i] = (shared pairs, cut points after i, article of the first part)
    best: list[tuple[int, tuple[int, ...], int] | None] = [None] * (n + 1)
    for i in range(n - _GLUED_MIN, -1, -1):
        found: tuple[int, tuple[int, ...], int] | None = None
        single = [hits(d, i, n) for d in articles]
        d0 = max(articles, key=single.__getitem__)
        if single[d0] >= _GLUED_SHARE * (n - i - 1):
            found = (single[d0], (), d0)
        for j in range(i + _GLUED_MIN, n - _GLUED_MIN + 1):
            rest = best[j]
            if rest is None or not _can_cut(folded, j):
                continue
            part = [hits(d, i, j) for d in articles]
            d = max(articles, key=part.__getitem__)
            nd, next_end = rest[2], (rest[1][0] if rest[1] else n)
            if (
                d == nd
                or part[d] < _GLUED_SHARE * (j - i - 1)
                or part[nd] > _GLUED_CROSS * (j - i - 1)
                or hits(d, j, next_end) > _GLUED_CROSS * (next_end - j - 1)
            ):
                continue
            score = part[d] + rest[0]
            if found is None or score > found[0]:
                found = (score, (j, *rest[1]), d)
        best[i] = found
    top = best[0]
    if top is None or not top[1] or top[0] < whole + 2:
        return [headline]
    cuts = (0, *top[1], n)
    return [headline[a:b] for a, b in pairwise(cuts)]


def _is_photo_news(paragraph: str) -> bool:
    """A one-paragraph photo story: opens with a date, ends with its 图为… sentence."""
    if not _DATE_START.match(paragraph):
        return False
    last = paragraph.rstrip("。！ \t\u3000").rsplit("。", 1)[-1]
    return last.startswith("图为")


def _byline_names(original: str) -> list[str] | None:
    """The names of a byline as printed ("巩茜 宋格", "本报记者 张伟 通讯员 李明"), or None."""
    text = original.strip().replace("、", " ")
    m = _BYLINE_ROLE.match(text)
    if m:
        # roles may come again between the names: "记者 张伟 通讯员 李明"
        text = _BYLINE_ROLE.sub(" ", text[m.end() :])
    return split_names(text) if text.strip() else None


def _lead_end(s: str) -> int:
    """Length of the lead opener at the start of ``s`` (0 when there is none)."""
    m = _LEAD.match(s)
    return m.end() if m else 0


def _squash(text: str) -> str:
    return _WS.sub("", text)


def _share(headline: str, body_grams: set[str]) -> float:
    grams = _bigrams(headline)
    return len(grams & body_grams) / len(grams) if grams else 0.0


def _bigrams(text: str) -> set[str]:
    s = _squash(text)
    return {s[i : i + 2] for i in range(len(s) - 1)}


_BODY_KINDS = frozenset({_Kind.BODY, _Kind.LEAD})
_LIST_NEIGHBOURS = frozenset({_Kind.HEAD, _Kind.HEADING, _Kind.INDEX, _Kind.TOC, None})
_BLOCK_FIELDS = set(Block.model_fields)

_HANDLERS = {
    _Kind.HEADING: _Segmenter._on_head,
    _Kind.HEAD: _Segmenter._on_head,
    _Kind.BYLINE: _Segmenter._on_byline,
    _Kind.CREDIT_PREFIX: _Segmenter._on_credit,
    _Kind.CREDIT: _Segmenter._on_credit,
    _Kind.INDEX: _Segmenter._on_other,
    _Kind.URL: _Segmenter._on_other,
    _Kind.TAG: _Segmenter._on_other,
    _Kind.TOC: _Segmenter._on_other,
    _Kind.LEAD: _Segmenter._on_body,
    _Kind.BODY: _Segmenter._on_body,
    _Kind.RULE: _Segmenter._on_rule,
    _Kind.JUMP: _Segmenter._on_jump,
}


def segment(doc: Document) -> list[Block]:
    """Split a normalised document into blocks (ids "a1", "a2"... in reading order)."""
    if not doc.text.strip():
        return []
    return _Segmenter(doc).run()


def segment_text(text: str) -> tuple[Document, list[Block]]:
    """Normalise ``text`` and segment it: the convenience entry point."""
    doc = normalize(text)
    return doc, segment(doc)
