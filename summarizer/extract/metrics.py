"""Offline metric extraction: every statistic of an article with who, what, when and its quote.

For each number the parser finds (``numbers.find_numbers``) the extractor reads the clause around
it: the subject is the nearest preceding zone, company, document or region named in the sentence
(or earlier in the article, or in its title; 园区/该公司 resolve to the last named one), the
indicator is the measured noun phrase before the number (with the verb after it for counts:
178家国家高新区 → 国家高新区; with the previous indicator for bare rates: 1.7万亿元，同比增长7.1% →
规模以上工业增加值同比增长), the period is the nearest preceding period expression. The quote is the
clause (8-60 characters) and the span maps it back to the original text. Every metric passes
``ground.ground_metric`` by construction.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from functools import lru_cache

from ..errors import ConfigError, GroundingError
from ..gazetteer import ZoneMention, get_gazetteer
from ..ground import block_offset, locate_title
from ..models import Block, Metric, MetricKind, NormalizedUnit, NormalizedValue
from ..normalize import Document
from .numbers import ParsedNumber, find_numbers
from .periods import PeriodMention, find_periods, resolve_period

__all__ = ["SubjectKind", "extract_metrics"]

_SENTENCE_END = re.compile(r"[。！？!?；;]|…{1,2}")
_FULL_STOP = re.compile(r"[。！？!?]|…{1,2}")
# A comma between a digit and exactly three digits is a thousands separator (3,105家), not a break.
_CLAUSE_END = re.compile(r"[；;。！？!?：:]|[，,](?:(?<!\d[，,])|(?!\d{3}(?!\d)))|…{1,2}")
_WS = re.compile(r"\s+")
_MAX_QUOTE = 50  # squashed characters; the gold's quotes are 8-60
_MIN_QUOTE = 8


class SubjectKind(StrEnum):
    ZONE = "zone"
    COMPANY = "company"
    DOCUMENT = "document"
    REGION = "region"
    ORGANIZATION = "organization"
    EVENT = "event"  # 第十届…博览会, 北斗峰会; 本届博览会 refers to the last named one
    SECTOR = "sector"  # 生物医药产业, 医药制造业 opening a clause: named with its zone
    TOPIC = "topic"  # an unnamed company or product opening a clause (长飞光纤上半年…)


@dataclass(frozen=True, slots=True)
class _Entity:
    start: int  # offsets into the block text
    end: int
    name: str  # whitespace removed
    kind: SubjectKind
    generic: bool  # 园区, 该公司: a reference to the last named one
    governed: bool = False  # an object (向X…) or an example (X等…), not the subject


_ZONE_SUFFIX = re.compile(
    r"(?:高新技术产业开发区|经济技术开发区|高新区|经开区|开发区|自贸试验区|自贸区|综保区|保税区|"
    r"智造新城|科学城|科技城|科教城|科创城|大学城|新城|新区|片区|示范区|"
    r"(?:产业|工业|科技)园区?|园区)"
    r"(?:[（(][\u4e00-\u9fff]{1,6}[）)])?"
)
_COMPANY_SUFFIX = re.compile(r"(?:股份有限公司|有限责任公司|有限公司|集团|公司)")
_ORG_SUFFIX = re.compile(
    r"(?:管理委员会|管委会|(?<=[\u4e00-\u9fff]{2})(?<![格布结大全开终当时破变新棋危僵残赌饭困骗])局)"
)
_PREPOSITIONS = frozenset("向对与给把和跟同为替于较比占居据从")
# An office followed by these is the source of a statement, not what the numbers are about.
_SOURCE_AFTER = ("相关负责人", "负责人", "表示", "介绍", "透露", "获悉", "发布", "数据显示", "统计")
_POST_SUBJECT = re.compile(
    r"^的([\u4e00-\u9fff“”]{2,24}?(?:项目|产业园|园区|公园|基地|工程|平台|中心|产业集群))"
)
_DOC = re.compile(r"《[^《》\n]{1,30}》")
_REGION = re.compile(r"全国|全省|全市|全县")
# 全区/本区/该区 in a zone's article is that zone.
_ZONE_SELF = re.compile(r"全区|本区|该区")
_EVENT_SUFFIX = re.compile(
    r"(?:博览会|展览会|展销会|交易会|洽谈会|推介会|对接会|招商会|交流会|研讨会|运动会|高交会|广交会|"
    r"进博会|服贸会|峰会|论坛|大会|年会|大赛|竞赛|展会)(?:配套展|分会场)?"
)
_EVENT_GENERIC_BEFORE = ("本届", "此次", "本次", "这次", "该", "本")
_SECTOR_SUFFIX = re.compile(r"(?:产业集群|产业链|产业|行业|制造业|服务业|领域)")
# Words that may open a clause before its subject (其中，今年以来…) and are not part of a name.
_CLAUSE_OPENERS = re.compile(
    r"^(?:其中|同时|此外|另外|目前|当前|据统计|数据显示|从[\u4e00-\u9fff]{1,4}看|分[\u4e00-\u9fff]{1,3}看)+"
)
_SECTOR_STOP = set(
    "的在于与对向为将把被让由是从了到等以据经今共有至之其该个家年月日号后前中内里上下"
)
_SECTOR_BAD_FIRST = ("v", "p", "d", "c", "r", "m", "q", "u", "f")
_ALIAS = re.compile(r"(?:以下简称|下称|简称)[“\"「‘]([^”\"」’]{2,12})[”\"」’]")
_ZONE_STOP = set("的在于和与、对向为将把被让由及是从了到等以位据经今共有至之其该个家市省县区镇乡村年月日号后前中内里上下等")  # fmt: skip
_COMPANY_STOP = set(
    "的在于和与、对向为将把被让由及是从了到等以据今共其该给·“”\"'（）()，,。；;：:！？!? "
)
_KEEP_PAIRS = ("国家",)
_GENERIC_ZONES = ("园区", "高新区", "新区", "开发区", "该区", "全区", "本区", "该园区", "该高新区")
_GENERIC_COMPANIES = ("公司", "该公司", "集团", "该集团", "企业", "该企业")

# Indicator cleaning: fillers at either end of the words before the number.
_LEAD_FILLER = re.compile(
    r"^(?:[、，,：:（(“”\"]|其中|同时|此外|另外|全年|分别|先后|如|实现了|实现|完成了|完成|已经|已|共有|共计|累计达|共|均|仅|也|还|并|将|把|在|对|向|为|是|有|的|了|和|与|及|达)+"
)
_TRAIL_FILLER = re.compile(
    r"(?:的|了|为|是|有|达到了|达到|达|共有|共计|总计|合计|共|约|近|超过|超|突破|逾|不到|不足|最高|最低|"
    r"不超过|实现了|实现|完成了|完成|已经|已|分别|仅用时|用时|从|由|到|至|累计达|连续|均|增至|升至|降至|对|向|把|给|与|[、，,（(“\"])+$"
)
_CHANGE_ONLY = re.compile(
    r"^(?:同比|环比|累计|较上年|比上年|较|比)?(?:增长|下降|增速|增幅|降幅|减少|提高|提升|上升|回落|下滑|增加|降低|高出)?$"
)
_POST_NOUN_END = re.compile(
    r"[，,；;。！？!?：:、的（(“”\"]|\d|是|为|将|在|同台|参加|参与|实现|完成|获得|进行|开展|成功|正在|已经|已|"
    r"均|都|共同|分别|通过|落户|入驻|签约|上市|比拼|竞争|带动|助力"
)
_POST_PHRASE_END = re.compile(r"[，,；;。！？!?：:（(]|\d")
_AMOUNT_CONT_VERBS = ("有", "数量", "规模", "总","出资", "实现", "完成", "投资", "引进", "签约", "办理", "兑现", "累计", "达到", "获得", "申报", "发放", "提供", "占", "达",
                      "募集", "融资", "举办", "开展", "组织", "拨付", "发行", "培育", "集聚", "吸引", "建设", "建成")  # fmt: skip


def _squash_map(text: str) -> tuple[str, list[int]]:
    chars: list[str] = []
    offs: list[int] = []
    for i, c in enumerate(text):
        if not c.isspace():
            chars.append(c)
            offs.append(i)
    return "".join(chars), offs


def _squash(text: str) -> str:
    return _WS.sub("", text)


# Word classes that end a zone name read backwards (verbs, prepositions, particles, numbers...).
_ZONE_BLOCKED_FLAGS = ("v", "p", "u", "c", "d", "r", "m", "q", "f", "y", "l", "i", "ad", "x")
_NAME_STOPWORDS = frozenset(
    ["今年", "去年", "明年", "目前", "当前", "近日", "日前", "此前", "近年", "近年来", "全年",
     "上半年", "下半年", "我们", "其中", "同时", "以来"]
)  # fmt: skip


@lru_cache(maxsize=4096)
def _pos_tags(chunk: str) -> tuple[tuple[str, str], ...]:
    """jieba's words and part-of-speech flags (cached: the same names recur in an issue)."""
    import jieba
    import jieba.posseg as pseg

    jieba.setLogLevel(60)
    return tuple((w.word, w.flag) for w in pseg.lcut(chunk, HMM=True))


def _zone_start(sq: str, end: int) -> int:
    """Start of the zone name ending at ``end`` (before 高新区/园区…): up to two words that are not
    verbs, prepositions, particles, numbers… (jieba tags; 促进园区 → 园区, 包头稀土高新区 kept)."""
    lo = max(0, end - 8)
    chunk = sq[lo:end]
    if not chunk:
        return end
    taken: list[str] = []
    for word, flag in reversed(_pos_tags(chunk)):
        if len(taken) >= 2 or word in _NAME_STOPWORDS or any(c.isdigit() for c in word):
            break
        if flag.startswith(_ZONE_BLOCKED_FLAGS):
            break
        if not all("\u4e00" <= c <= "\u9fff" or c.isalnum() for c in word):
            break
        taken.append(word)
    consumed = sum(len(w) for w in taken)
    if taken and len(taken[-1]) == 1 and sq[end - consumed - 1 : end - consumed].isdigit():
        consumed -= 1  # 13名高新区领导: 名 counts the 13
    return end - consumed


def _extend_back(sq: str, end: int, stop: set[str], limit: int) -> int:
    """Start of the name that ends at ``end`` in the squashed text (at most ``limit`` chars)."""
    i = end
    while i > 0 and end - i < limit:
        if sq[i - 2 : i] in _KEEP_PAIRS:
            i -= 2
            continue
        ch = sq[i - 1]
        if ch in stop or not ("\u4e00" <= ch <= "\u9fff" or ch.isalpha()) or ch.isdigit():
            break
        i -= 1
    return i


def _known_zones(sq: str) -> list[ZoneMention]:
    """Zones of the national gazetteer named in ``sq`` (exact boundaries for known names)."""
    try:
        return get_gazetteer().find(sq)
    except ConfigError:
        return []


# Verbs that are part of company names (融资租赁有限公司) rather than the sentence before them.
_NAME_VERBS_TEXT = (
    "融资 租赁 担保 投资 控股 发展 建设 开发 服务 管理 制造 研究 设计 检测 贷款 运营 咨询 营销 生产 "
    "经营 创业 孵化 交易 物流 建筑 装备 包装 印刷 养殖 种植 加工 研发 检验 认证 保险 发电 供应 "
    "传媒 通信 创新 智造 出版 销售 制药 育种 勘察 监理 评估 贸易 进出口 租售 置业 审批 监督 监管 "
    "执法 统计 招商 规划 改革 行政 应急 市场监督管理"
)
_NAME_VERBS = frozenset(_NAME_VERBS_TEXT.split(" "))
_BREAK_FLAGS = ("v", "p", "c", "r", "m", "q", "y", "l", "u", "ad")


def _company_start(sq: str, end: int) -> int:
    """Start of a company or office name ending at ``end``: characters back to a stop character,
    then cut after the last sentence word (a verb such as 联合/优化, a preposition...) that is
    not a place of the gazetteer (包头) nor a verb names use (融资租赁)."""
    start = _extend_back(sq, end, _COMPANY_STOP, 20)
    if start >= end:
        return start
    places = _places()
    pos = start
    cut = start
    for word, flag in _pos_tags(sq[start:end]):
        pos += len(word)
        if word in _NAME_STOPWORDS or (
            flag.startswith(_BREAK_FLAGS) and word not in _NAME_VERBS and word not in places
        ):
            cut = pos
    return cut


@lru_cache(maxsize=1)
def _places() -> frozenset[str]:
    """Province and city names of the gazetteer (jieba tags some as verbs: 包头)."""
    try:
        g = get_gazetteer()
    except ConfigError:
        return frozenset()
    return frozenset(g.cities) | frozenset(g.provinces)


def _find_entities(text: str) -> list[_Entity]:
    """Zones, companies, documents and regions named in ``text`` (whitespace-tolerant)."""
    sq, offs = _squash_map(text)
    if not sq:
        return []
    found: list[tuple[int, int, SubjectKind, bool]] = []
    known = {m.end: m.start for m in _known_zones(sq)}
    for m in _ZONE_SUFFIX.finditer(sq):
        if m.end() in known:
            found.append((known[m.end()], m.end(), SubjectKind.ZONE, False))
            continue
        s = max(
            _extend_back(sq, m.start(), _ZONE_STOP, 6),
            _zone_start(sq, m.start()),
        )
        generic = s == m.start() or sq[s : m.end()] in _GENERIC_ZONES
        if sq[s - 1 : s] == "该":
            s, generic = s - 1, True
        found.append((s, m.end(), SubjectKind.ZONE, generic))
    named_kinds = (
        (_COMPANY_SUFFIX, SubjectKind.COMPANY),
        (_ORG_SUFFIX, SubjectKind.ORGANIZATION),
    )
    for regex, kind in named_kinds:
        for m in regex.finditer(sq):
            s = _company_start(sq, m.start())
            generic = m.start() - s < 2 or sq[s : m.end()] in _GENERIC_COMPANIES
            found.append((s, m.end(), kind, generic))
    for m in _DOC.finditer(sq):
        found.append((m.start(), m.end(), SubjectKind.DOCUMENT, False))
    for m in _REGION.finditer(sq):
        found.append((m.start(), m.end(), SubjectKind.REGION, False))
    for m in _ZONE_SELF.finditer(sq):
        if sq[m.end() : m.end() + 1] != "域":  # 该区域 is not a zone
            found.append((m.start(), m.end(), SubjectKind.ZONE, True))
    for m in _EVENT_SUFFIX.finditer(sq):
        s = _event_start(sq, m.start())
        generic = s == m.start() or sq[s : m.start()] in _EVENT_GENERIC_BEFORE
        found.append((s, m.end(), SubjectKind.EVENT, generic))
    places = [(s, e) for s, e, k, _g in found if k in (SubjectKind.ZONE, SubjectKind.REGION)]
    for m in _SECTOR_SUFFIX.finditer(sq):
        sector_start = _sector_start(sq, m.start(), m.end(), places)
        if sector_start is not None:
            found.append((sector_start, m.end(), SubjectKind.SECTOR, False))
    found.extend(_clause_topics(sq, [(s, e) for s, e, _k, _g in found]))
    for m in _ALIAS.finditer(sq):
        alias = m.group(1)
        for a in re.finditer(re.escape(alias), sq):
            if a.start() != m.start(1):
                found.append((a.start(), a.end(), SubjectKind.COMPANY, False))
    # company names containing a zone name (高新担保公司): keep the longer, drop nested ones
    found.sort(key=lambda t: (t[0], -(t[1] - t[0])))
    out: list[_Entity] = []
    last_end = -1
    for s, e, kind, generic in found:
        if s < last_end:
            continue
        last_end = e
        # after 向/对/较…: an object; before 等: an example of a list (A、B等项目), not the subject
        governed = (
            sq[s - 1 : s] in _PREPOSITIONS
            or sq[e : e + 1] == "等"
            or (kind is SubjectKind.ORGANIZATION and _is_source(sq, e))
            # 占全国…的比重, 扩大至全国: a region inside a clause is its base, not its subject
            or (kind is SubjectKind.REGION and _clause_head(sq, s) < s)
            # 举办A大会暨B恳谈会等活动3场: an example of what is counted
            or (kind is SubjectKind.EVENT and _EXAMPLE_AFTER.match(sq, e) is not None)
        )
        out.append(_Entity(offs[s], offs[e - 1] + 1, sq[s:e], kind, generic, governed))
    return out


_CLAUSE_PUNCT = frozenset("，,；;。！？!?：:")
_CLAUSE_PUNCT_RE = re.compile(r"[，,；;。！？!?：:]")
_EXAMPLE_AFTER = re.compile(r"[^，,；;。！？!?：:、]{0,16}?等")


# Characters a period expression can start with (a cheap test before find_periods).
_PERIOD_FIRST = frozenset("今去明前上下当本截自近目疫全年初同第一二三四五六七八九十两0123456789")


def _clause_head(sq: str, pos: int) -> int:
    """Where the clause holding ``pos`` really starts: after its opening words (其中，今年以来,
    从产业看…) and period expressions."""
    i = pos
    while i > 0 and sq[i - 1] not in _CLAUSE_PUNCT:
        i -= 1
    while True:
        m = _CLAUSE_OPENERS.match(sq, i, pos)
        if m is not None and m.end() > i:
            i = m.end()
            continue
        if i >= pos or sq[i] not in _PERIOD_FIRST:
            return i
        periods = find_periods(sq[i : min(pos, i + 24)])
        if periods and periods[0].start == 0 and periods[0].end > 0:
            i += periods[0].end
            continue
        return i


_NOUN_FLAGS = ("n", "nr", "ns", "nt", "nz", "nrt", "j", "eng")
_TOPIC_ADVERBS = ("累计", "已经", "已", "先后")
_TOPIC_ADVERB_RE = re.compile("|".join(_TOPIC_ADVERBS))
# How companies' short names end (华工科技, 长飞光纤 has none); not before 型/产业/企业… (科技型企业).
_SHORT_COMPANY_END = re.compile(r"科技|股份|光电|电子|新材|药业|制药|电气|半导体|微电子|控股")
_NOT_AFTER_SHORT_NAME = ("型", "类", "等", "产业", "行业", "企业", "公司", "园", "城", "创新", "成果",
                         "服务", "人才", "项目", "金融", "、", "和", "与", "及")  # fmt: skip
_COPULAS = ("达到", "达", "为", "是", "实现", "完成", "超过", "超", "突破", "增长", "下降", "提升", "提高", "增至",
            "降至", "占", "约", "近", "逾", "不足", "不到", "保持", "有", "共有", "拥有", "同比")  # fmt: skip


_TOPIC_BAD = frozenset(
    "的在于与对向为将把被让由是从了到以据经今其该个家年月日，,；;。！？!?：:（）()"
)
_MEASURE_TAILS = ("产能", "产值", "收入", "营收", "规模", "投资", "金额", "总额", "额", "率", "量",
                  "数", "比重", "占比", "增速", "增加值", "利润", "税收", "面积", "成本", "费用",
                  "价格", "指数", "总值", "产量", "水平", "强度")  # fmt: skip
_COMPARE_LEADS = ("较", "比", "与", "同", "占", "从", "在", "对", "向", "据", "经", "由", "按")
_TOPIC_BAD_FIRST = ("v", "p", "d", "c", "r", "m", "q", "u", "f", "t")


def _name_like(name: str) -> bool:
    """Could ``name`` be what a clause is about (no digits, particles or prepositions, not
    opening with a verb or adverb, not a generic word)?"""
    if not 3 <= len(name) <= 14 or name in _GENERIC_TOPICS or name in _NAME_STOPWORDS:
        return False
    if any(c in _TOPIC_BAD or c.isdigit() for c in name) or name.startswith(_COMPARE_LEADS):
        return False
    if name.endswith(("等", "、")) or ("等" in name and "、" not in name):
        return False  # only a list of examples and its noun (京东方、通威等龙头企业)
    if name.endswith(_MEASURE_TAILS):
        return False  # 平均产能已恢复到…: what is measured, not who
    tags = _pos_tags(name)
    return bool(tags) and not tags[0][1].startswith(_TOPIC_BAD_FIRST)


def _clause_topics(
    sq: str, taken: list[tuple[int, int]]
) -> list[tuple[int, int, SubjectKind, bool]]:
    """Unnamed companies and products opening a clause (no 公司 suffix to find them by): the words
    before a period (长飞光纤上半年营业收入…) or before 累计/已 and a verb that is not a copula
    (高新专列累计开行120列; not 研发中心累计达到183家, where the words are what is counted)."""
    out: list[tuple[int, int, SubjectKind, bool]] = []
    starts = [0] + [m.end() for m in _CLAUSE_PUNCT_RE.finditer(sq)]
    ends = [*starts[1:], len(sq) + 1]
    spans = sorted(taken)
    span_starts = [t[0] for t in spans]
    period_list = [p.start for p in find_periods(sq)]
    for cs, ce in zip(starts, ends, strict=True):
        far = min(ce, cs + 40)
        j = bisect.bisect_left(period_list, cs + 3)
        has_period = j < len(period_list) and period_list[j] < far
        if (
            not has_period
            and _TOPIC_ADVERB_RE.search(sq, cs, far) is None
            and _SHORT_COMPANY_END.search(sq, cs, min(ce, cs + 14)) is None
        ):
            continue  # cheap test first: neither a period nor 累计/已 near the clause start
        h = _clause_head(sq, ce - 1) if ce - 1 > cs else cs
        if h >= len(sq):
            continue
        # a name already found at (or just after) the head: nothing unnamed to find here
        k = bisect.bisect_right(span_starts, h + 2) - 1
        if k >= 0 and (spans[k][0] >= h or spans[k][1] > h):
            continue
        if k >= 1 and spans[k - 1][1] > h:
            continue
        window = sq[h : min(ce - 1, h + 16)]
        cut = -1
        m = _TOPIC_ADVERB_RE.search(window, 3)
        limit = m.start() if m else len(window)
        i = bisect.bisect_left(period_list, h + 3)
        while i < len(period_list) and period_list[i] < h + limit:
            k = period_list[i] - h
            if sq[h + k - 1] not in "较比超与同于高低" and not sq[h + k - 1].isdigit():
                cut = k  # 长飞光纤上半年…; not 超去年同期 (a comparison base)
                break
            i += 1
        if cut < 0 and m is not None and not window.startswith(_COPULAS, m.end()):
            cut = m.start()
        if cut < 0:
            short = _SHORT_COMPANY_END.search(window, 2, 8)
            if (
                short is not None
                and short.end() >= 4
                and not window.startswith(_NOT_AFTER_SHORT_NAME, short.end())
            ):
                cut = short.end()  # 华工科技研发投入…: a company's short name
        if cut > 0 and _name_like(window[:cut]):
            out.append((h, h + cut, SubjectKind.TOPIC, False))
    return out


def _is_source(sq: str, end: int) -> bool:
    """An office followed (within its clause) by 表示/发布/获悉…: who speaks, not what it is about."""
    window = sq[end : end + 14]
    for k, ch in enumerate(window):
        if ch in _CLAUSE_PUNCT:
            window = window[:k]
            break
    return window.startswith(_SOURCE_AFTER) or any(
        w in window for w in ("发布", "表示", "介绍", "获悉", "透露", "负责人", "发言人", "解读")
    )


def _event_start(sq: str, end: int) -> int:
    """Start of an event name ending at ``end`` (第十届中国（深圳）国际…, 2025北斗…峰会): back over
    name characters, then cut after the last verb, preposition or particle (举办, 在…)."""
    i = end
    while i > 0 and end - i < 30:
        ch = sq[i - 1]
        if ch in _CLAUSE_PUNCT or ch in "的在于与对向为将把被让由是从了到等、":
            break
        if not ("\u4e00" <= ch <= "\u9fff" or ch.isalnum() or ch in "（）()“”"):
            break
        i -= 1
    if i >= end:
        return end
    pos, cut = i, i
    for word, flag in _pos_tags(sq[i:end]):
        pos += len(word)
        if flag.startswith(("v", "p", "c", "u", "d", "r", "y")):
            cut = pos  # 召开大会: nothing left but the bare event word
    return cut


def _sector_start(sq: str, start: int, end: int, places: list[tuple[int, int]]) -> int | None:
    """Start of a sector name (生物医药产业, 航空、航天器及设备制造业) that opens its clause (after
    opening words, a period or a zone name); None when the sector word is elsewhere (占…产业的)."""
    if sq[end : end + 1] in _CLAUSE_PUNCT or not sq[end : end + 1] or sq[end] in "园化基区城的":
        return None
    head = _clause_head(sq, start)
    for ps, pe in places:
        if ps == head and pe <= start:
            head = pe  # 东湖高新区光电子信息产业: the zone, then its sector
    name = sq[head:start]
    if not 2 <= len(name) <= 14 or any(c in _SECTOR_STOP or c.isdigit() for c in name):
        return None
    tags = _pos_tags(name)
    if not tags or tags[0][1].startswith(_SECTOR_BAD_FIRST):
        return None
    return head


@dataclass(slots=True)
class _Ctx:
    """What the extractor knows about one text (block body or title)."""

    text: str
    base: int  # offset of text in doc.text
    sentence_breaks: list[int]
    full_stops: list[int]
    clause_breaks: list[int]
    entities: list[_Entity]
    entity_ends: list[int]
    periods: list[PeriodMention]
    period_ends: list[int]


def _comparison_base(text: str, p: PeriodMention) -> bool:
    """较去年同期, 比上年: the period something is compared with, not the period it covers."""
    before = text[max(0, p.start - 3) : p.start].rstrip()
    return before.endswith(("较", "比", "与", "同", "比较", "相比"))


def _ctx(text: str, base: int) -> _Ctx:
    entities = _find_entities(text)
    periods = [p for p in find_periods(text) if not _comparison_base(text, p)]
    return _Ctx(
        text=text,
        base=base,
        sentence_breaks=[m.end() for m in _SENTENCE_END.finditer(text)],
        full_stops=[m.end() for m in _FULL_STOP.finditer(text)],
        clause_breaks=[m.end() for m in _CLAUSE_END.finditer(text)],
        entities=entities,
        entity_ends=[e.end for e in entities],
        periods=periods,
        period_ends=[p.end for p in periods],
    )


def _unit_start(breaks: list[int], pos: int) -> int:
    i = bisect.bisect_right(breaks, pos) - 1
    return breaks[i] if i >= 0 else 0


def _subject(ctx: _Ctx, pos: int, fallback: str | None) -> tuple[str | None, int]:
    """Who the number at ``pos`` is about, and where that mention ends (-1: not in the sentence).

    The nearest subject named earlier in the sentence (objects after 向/对/与 skipped; 园区 and
    该公司 resolve to the last named zone or company); else the last zone named before; else the
    nearest named anything before; else the title's subject.
    """
    sent_start = _unit_start(ctx.full_stops, pos)
    i = bisect.bisect_right(ctx.entity_ends, pos) - 1
    j = i
    while j >= 0 and ctx.entities[j].end > sent_start:
        ent = ctx.entities[j]
        if ent.kind is SubjectKind.SECTOR and not ent.governed:
            if _sector_applies(ctx, ent, pos):
                return _with_place(ctx, j), ent.end
        elif not ent.governed:
            if not ent.generic:
                return ent.name, ent.end
            k = j - 1
            while k >= 0:
                cand = ctx.entities[k]
                if not cand.generic and cand.kind is ent.kind:
                    return cand.name, ent.end
                k -= 1
            return fallback or ent.name, ent.end
        j -= 1
    topic = _sentence_topic(ctx.text, sent_start, pos)
    if topic is not None:
        return topic, -1
    named = [
        e
        for e in ctx.entities[: i + 1]
        if not e.generic
        and not e.governed
        and e.kind not in (SubjectKind.REGION, SubjectKind.SECTOR)  # 全国 is said per sentence
    ]
    zones = [e for e in named if e.kind is SubjectKind.ZONE]
    if zones:
        return zones[-1].name, -1
    if named:
        return named[-1].name, -1
    return fallback, -1


_CONTINUATION_HEADS = ("同比", "环比", "增长", "下降", "增速", "增幅", "占", "较", "比", "其中", "累计",
                       "实现", "完成", "达到", "达", "为", "是", "居")  # fmt: skip


def _sector_applies(ctx: _Ctx, ent: _Entity, pos: int) -> bool:
    """A sector is the subject of its own clause, and of later clauses that continue it (，同比增长
    x%; 实现产值…) but not of a clause that names its own topic (，制造业投资76.2亿元)."""
    clause_start = _unit_start(ctx.clause_breaks, pos)
    if ent.start >= clause_start:
        return True
    sq = _squash(ctx.text[clause_start:pos])
    head = sq[_clause_head_from_start(sq) :]
    if not head or head.startswith(_CONTINUATION_HEADS):
        return True
    tags = _pos_tags(head[:8])
    return not (tags and tags[0][1].startswith(("n", "j", "vn")))


def _clause_head_from_start(sq: str) -> int:
    """Length of the opening words and periods at the start of ``sq`` (one clause)."""
    return _clause_head(sq, len(sq)) if sq else 0


def _with_place(ctx: _Ctx, j: int) -> str:
    """A sector's name with the zone or region it belongs to (the last one named before it, a
    generic 园区 resolved): 生物医药产业 → 苏州工业园区生物医药产业."""
    ent = ctx.entities[j]
    for k in range(j - 1, -1, -1):
        cand = ctx.entities[k]
        if cand.kind not in (SubjectKind.ZONE, SubjectKind.REGION) or cand.governed:
            continue
        if cand.generic:
            continue
        return ent.name if ent.name.startswith(cand.name) else cand.name + ent.name
    return ent.name


_NOT_NAME_LEADS = (
    "面向",
    "针对",
    "对于",
    "关于",
    "围绕",
    "依托",
    "通过",
    "按照",
    "根据",
    "为了",
    "服务",
)
_QUOTED_AFTER_DE = re.compile(r"的“([^“”]{2,12})”")
_TOPIC_FLAGS = ("n", "nr", "ns", "nt", "nz", "j", "eng", "ng")
_GENERIC_TOPICS = frozenset(
    ["企业", "公司", "项目", "园区", "政府", "部门", "产业", "我们", "双方"]
)


def _sentence_topic(text: str, sent_start: int, pos: int) -> str | None:
    """A name opening the sentence and owning what follows (湘投金天新材的“…”项目): two or more
    noun words right before 的. Used only when the sentence names no zone or company."""
    sq = _squash(text[sent_start : min(pos, sent_start + 40)]).lstrip("“\"'「（(")
    if "的" not in sq[:13]:
        return None
    quoted = _QUOTED_AFTER_DE.search(sq[:30])
    if quoted is not None and sq.startswith(_NOT_NAME_LEADS):
        return quoted.group(1)  # 面向中小企业的“小额票据”单笔…: the quoted name is the topic
    words: list[str] = []
    for word, flag in _pos_tags(sq[:16]):
        if word == "的":
            break
        if not flag.startswith(_TOPIC_FLAGS) or word in _GENERIC_TOPICS:
            return None
        words.append(word)
    else:
        return None
    name = "".join(words)
    return name if len(words) >= 2 and len(name) >= 4 else None


def _period(
    ctx: _Ctx, pos: int, fallback: PeriodMention | None
) -> tuple[PeriodMention | None, int]:
    i = bisect.bisect_right(ctx.period_ends, pos) - 1
    if i < 0:
        return fallback, -1
    p = ctx.periods[i]
    sent_start = _unit_start(ctx.sentence_breaks, pos)
    prev_sent_start = _unit_start(ctx.sentence_breaks, max(0, sent_start - 1))
    if p.end > prev_sent_start:
        return p, p.end
    return fallback, -1


def _remove_periods(region: str) -> str:
    for p in reversed(find_periods(region)):
        region = region[: p.start] + region[p.end :]
    return region


_DANGLING_COMPARE = re.compile(
    r"(?:较|(?<![同环对])比)(?=(?:增长|下降|提高|降低|减少|增加|上升|回落|下滑|高出))"
)
_MAX_INDICATOR = 20


def _clean_indicator(words: str) -> str:
    """The measured noun phrase: fillers trimmed at both ends, at most 20 characters (cut after a
    list comma or 的 when it has to be shortened)."""
    prev = None
    words = _DANGLING_COMPARE.sub("", _squash(words))  # 较[去年同期]下降 after the period is gone
    while prev != words:
        prev = words
        words = _LEAD_FILLER.sub("", words)
        words = _TRAIL_FILLER.sub("", words)
    if len(words) > _MAX_INDICATOR:
        tail = words[-_MAX_INDICATOR:]
        cut = max(tail.find("的"), tail.find("，"), tail.find(","))
        words = tail[cut + 1 :] if 0 <= cut < 8 else tail
    return words


def _post_noun(text: str, end: int, *, phrase: bool = False) -> str:
    """The noun right after a number's unit (178家国家高新区 → 国家高新区; 99%的排放废物 → 排放废物);
    with ``phrase`` the words up to the clause end (等7家企业成功申报湖南省企业技术中心)."""
    window = _squash(text[end : end + 60])
    if window.startswith("的"):
        window = window[1:]
    m = (_POST_PHRASE_END if phrase else _POST_NOUN_END).search(window)
    noun = window[: m.start()] if m else window
    return noun[: 20 if phrase else 12]


def _quote_bounds(ctx: _Ctx, p: ParsedNumber, region_start: int) -> tuple[int, int]:
    text = ctx.text
    q_end = p.end
    q_start = _unit_start(ctx.clause_breaks, p.start)
    if len(_squash(text[q_start:q_end])) > _MAX_QUOTE:
        q_start = max(q_start, region_start)
        sq, offs = _squash_map(text[q_start:q_end])
        if len(sq) > _MAX_QUOTE:
            q_start += offs[len(sq) - _MAX_QUOTE]
    before = text[:q_start].rstrip()
    if len(_squash(text[q_start:q_end])) < _MIN_QUOTE and (
        not before or before[-1] in "。！？!?；;"
    ):
        # 园区已连续5年: too short, and the clause before is another sentence: read on instead
        nxt = bisect.bisect_right(ctx.clause_breaks, q_end)
        stop = ctx.clause_breaks[nxt] - 1 if nxt < len(ctx.clause_breaks) else len(text)
        sq, offs = _squash_map(text[q_start:stop])
        if len(sq) > _MAX_QUOTE:
            stop = q_start + offs[_MAX_QUOTE - 1] + 1
        q_end = max(q_end, stop)
    elif len(_squash(text[q_start:q_end])) < _MIN_QUOTE and q_start > 0:
        prev = _unit_start(ctx.clause_breaks, q_start - 1)
        sq, offs = _squash_map(text[prev:q_end])
        if len(sq) > _MAX_QUOTE:
            prev += offs[len(sq) - _MAX_QUOTE]
        q_start = prev
    while q_start < q_end and (text[q_start].isspace() or text[q_start] in "，,；;。：:、”）)"):
        q_start += 1
    return q_start, q_end


@dataclass(slots=True)
class _Draft:
    p: ParsedNumber
    subject: str | None
    indicator: str | None
    period: PeriodMention | None
    kind: MetricKind
    q_start: int
    q_end: int
    sentence: int
    post: str
    full_sentence: int = 0  # start of the sentence up to 。！？ (sentence: up to ；too)


def _drafts(
    ctx: _Ctx, subject_fallback: str | None, period_fallback: PeriodMention | None
) -> list[_Draft]:
    text = ctx.text
    numbers = find_numbers(text)
    drafts: list[_Draft] = []
    prev: _Draft | None = None
    for p in numbers:
        clause_start = _unit_start(ctx.clause_breaks, p.start)
        sentence = _unit_start(ctx.sentence_breaks, p.start)
        subject, subj_end = _subject(ctx, p.start, subject_fallback)
        period, _per_end = _period(ctx, p.start, period_fallback)
        same_sentence = prev is not None and prev.sentence == sentence
        prev_end = prev.p.end if same_sentence and prev is not None else -1
        between = _squash(text[prev_end : p.start]) if prev_end >= 0 else None
        list_continuation = (
            between is not None and between != "" and all(c in "、和及与" for c in between)
        )
        region_start = max(clause_start, subj_end, prev_end if prev_end >= clause_start else -1)
        region = _remove_periods(text[region_start : p.start]) if region_start < p.start else ""
        if prev_end >= clause_start and region.lstrip().startswith("的"):
            # 投资20亿元的电极箔项目、投资10.3亿元: the 的-phrase belongs to the previous number
            cut = max(region.rfind("、"), region.rfind("，"), region.rfind(","))
            region = region[cut + 1 :] if cut >= 0 else region
        raw_region = _squash(region)
        indicator = _clean_indicator(region)
        post = _post_noun(text, p.end) if p.normalized_unit is NormalizedUnit.COUNT else ""
        kind = p.kind
        post_subject = _POST_SUBJECT.match(_squash(text[p.end : p.end + 60]))
        if post_subject and not post:
            subject = post_subject.group(1)  # 投资20亿元的电极箔新材料产业化项目
        if list_continuation and prev is not None:
            indicator = prev.indicator or indicator
            if post and prev.post and post != prev.post and indicator.endswith(prev.post):
                # 1个总体政策和12个专项政策: each number counts its own noun
                indicator = indicator[: -len(prev.post)] + post
                post = ""
            subject = prev.subject if subj_end < prev.p.start else subject
            kind = prev.kind if prev.p.normalized_unit is p.normalized_unit else kind
        elif raw_region.endswith("等") and p.normalized_unit is NormalizedUnit.COUNT:
            # 惠同新材等7家企业成功申报…: the examples are not what is counted
            indicator = _post_noun(text, p.end, phrase=True) or indicator
            post = ""
        elif "等" in raw_region and p.normalized_unit is NormalizedUnit.COUNT:
            indicator = _clean_indicator(raw_region.rsplit("等", 1)[1])  # A、B等项目26个 → 项目
        elif (
            prev is not None
            and prev.post
            and raw_region.rstrip("和及与、") == prev.post.rstrip("和及与、")
            and p.normalized_unit is NormalizedUnit.COUNT
        ):
            # 8支队伍96名选手, 1个总体政策和12个专项政策: each number counts its own noun
            base = (prev.indicator or "")[: -len(prev.post)] if prev.indicator else ""
            indicator = base if (prev.indicator or "").endswith(prev.post) else ""
        elif (
            indicator
            and _CHANGE_ONLY.match(indicator)
            and prev is not None
            and same_sentence
            and prev.indicator
        ):
            base = _CHANGE_TAIL.sub("", prev.indicator) or prev.indicator
            indicator = base + indicator.lstrip("比较")
            if subj_end < 0 or subj_end <= prev.p.start:
                subject = prev.subject
        if post and (len(indicator) <= 4 or not indicator):
            indicator = indicator + post
        elif len(indicator) <= 2 and not list_continuation:
            indicator = indicator + _post_noun(text, p.end)  # 99%的排放废物, 1600亩商住用地
        if not indicator and prev is not None and prev.p.start >= clause_start:
            indicator = prev.indicator or ""  # 生产线从4条增至10条
        elif (
            not indicator
            and prev is not None
            and prev.full_sentence == _unit_start(ctx.full_stops, p.start)
            and prev.p.normalized_unit is p.normalized_unit
            and prev.indicator
        ):
            # 新增上市企业3家，累计达到59家: the same thing counted, now in total
            indicator = _NEW_PREFIX.sub("", prev.indicator) or prev.indicator
        if p.normalized_unit is NormalizedUnit.AREA_M2 and not _AREA_WORDS.search(indicator):
            owner = _post_noun(text, p.end) if text[p.end : p.end + 1] == "的" else ""
            indicator = (owner or indicator) + "面积"  # 22.6平方公里的湿地公园 → 湿地公园面积
        clause_words = _squash(text[clause_start : p.start])
        if (
            kind is MetricKind.LEVEL
            and prev is not None
            and prev.full_sentence == _unit_start(ctx.full_stops, p.start)
            and prev.kind is MetricKind.CHANGE_AMOUNT
            and p.normalized_unit not in (NormalizedUnit.PERCENT, NormalizedUnit.OTHER)
            and (
                # 新设项目86个，其中…重大项目11个: a part of the new ones is new too
                (clause_words.startswith("其中") and p.normalized_unit is prev.p.normalized_unit)
                or not any(v in clause_words for v in _AMOUNT_CONT_VERBS)
            )
        ):
            kind = (
                MetricKind.CHANGE_AMOUNT
            )  # 新增上市企业1家,科创板拟上市企业1家: one verb for the list
        q_start, q_end = _quote_bounds(ctx, p, region_start if region_start >= 0 else clause_start)
        draft = _Draft(
            p, subject, indicator or None, period, kind, q_start, q_end, sentence, post,
            _unit_start(ctx.full_stops, p.start),
        )  # fmt: skip
        drafts.append(draft)
        prev = draft
    return drafts


_NEW_PREFIX = re.compile(r"^(?:新增|新设立|新设|新登记|新注册|新引进|净增)")
_AREA_WORDS = re.compile(r"面积|用地|土地|厂房|建筑|场地|占地|空间|载体|亩|平方")
_CHANGE_TAIL = re.compile(r"(?:同比|环比|累计)?(?:增长|下降|增速|增幅|降幅|减少|提高|提升|上升)$")


_EACH = "分别"
_LIST_LEAD = re.compile(r"^(?:例如|比如|包括|其中|如|像|以)")


def _distribute(ctx: _Ctx, drafts: list[_Draft]) -> None:
    """``A、B、C三家企业分别增长x%、y%、z%``: the i-th value belongs to the i-th name.

    Names that are counted (三家企业) or named entities become subjects; other names
    (进出口、出口分别增长5%、6%) become indicators, joined with the verb after 分别.
    """
    text = ctx.text
    for m in re.finditer(_EACH, text):
        f = m.start()
        clause_start = _unit_start(ctx.clause_breaks, f)
        clause_end_i = bisect.bisect_right(ctx.clause_breaks, m.end())
        clause_end = (
            ctx.clause_breaks[clause_end_i] if clause_end_i < len(ctx.clause_breaks) else len(text)
        )
        group = [d for d in drafts if m.end() <= d.p.start < clause_end]
        if len(group) < 2:
            continue
        names = _LIST_LEAD.sub("", _squash(text[clause_start:f])).split("、")
        counted = False
        last_numbers = find_numbers(names[-1]) if names else []
        if last_numbers and last_numbers[0].normalized_unit is NormalizedUnit.COUNT:
            names[-1] = names[-1][: last_numbers[0].start]
            counted = True
        if len(names) != len(group) or not all(2 <= len(n) <= 12 for n in names):
            continue
        entity_names = {e.name for e in ctx.entities}
        for e in ctx.entities:  # 孝感高新区进出口、出口: the subject is not the first name
            if clause_start <= e.start < f and names[0].startswith(e.name) and names[0] != e.name:
                names[0] = names[0][len(e.name) :]
                break
        if not all(2 <= len(n) <= 12 for n in names):
            continue
        verb = _squash(text[m.end() : group[0].p.start])
        measure = max((t for t in _MEASURE_TAILS if names[-1].endswith(t)), key=len, default="")
        if (
            measure
            and len(names[-1]) > len(measure)
            and not any(n.endswith(_MEASURE_TAILS) for n in names[:-1])
        ):
            # 集成电路、工业机器人、新能源汽车产量分别增长…: products measured by one noun
            names[-1] = names[-1][: -len(measure)]
            for name, d in zip(names, group, strict=True):
                d.subject, d.indicator = name, measure + verb
            continue
        for name, d in zip(names, group, strict=True):
            if counted or name in entity_names:
                d.subject = name
            else:
                d.indicator = name + verb


def _value_in(value: float, sorted_values: list[float]) -> bool:
    """Is ``value`` within 0.5 % of one of ``sorted_values``? (the headline restating the body)"""
    i = bisect.bisect_left(sorted_values, value * 0.995)
    return i < len(sorted_values) and sorted_values[i] <= value * 1.005


def _number_key(d: _Draft) -> tuple[NormalizedUnit, str]:
    return d.p.normalized_unit, f"{abs(d.p.normalized_value):.6g}"


def _is_restatement(d: _Draft, earlier: list[_Draft]) -> bool:
    """The same number said again about the same thing (13个重点科技创新项目 after 13项…)."""
    for e in earlier:
        if d.subject != e.subject:
            continue  # A区 and B区 may well grow by the same 5 %
        if d.post and e.post and len(d.post) >= 6 and d.post[:6] == e.post[:6]:
            return True
        if (
            d.indicator
            and d.indicator == e.indicator
            and d.kind is e.kind
            and d.sentence != e.sentence
        ):
            return True
    return False


def _dedupe(drafts: list[_Draft]) -> list[_Draft]:
    """Drop restatements; numbers are indexed by value so this stays linear on long texts."""
    seen: dict[tuple[NormalizedUnit, str], list[_Draft]] = {}
    kept: list[_Draft] = []
    for d in drafts:
        same = seen.setdefault(_number_key(d), [])
        if not _is_restatement(d, same[-32:]):
            kept.append(d)
            same.append(d)
    return kept


def _to_metric(d: _Draft, ctx: _Ctx, doc: Document, issue_date: date | None) -> Metric:
    p = d.p
    period_text = _squash(d.period.text) if d.period is not None else None
    period_range = resolve_period(period_text, issue_date) if period_text and issue_date else None
    start, end = doc.to_original(ctx.base + d.q_start, ctx.base + d.q_end)
    return Metric(
        subject=d.subject,
        indicator=d.indicator,
        period=period_text,
        period_range=period_range,
        value=p.value * p.sign,
        unit=p.unit,
        normalized=NormalizedValue(value=p.normalized_value, unit=p.normalized_unit),
        kind=d.kind,
        qualifier=p.qualifier,
        quote=ctx.text[d.q_start : d.q_end],
        span=(start, end),
    )


def _title_topic(title: str) -> str | None:
    """What a title with no name is about: its words before the first number, change verb or
    adverb (科技创新和技术改造再贷款额度增至8000亿元 → 科技创新和技术改造再贷款额度)."""
    sq = _squash(title)
    sq = sq[_clause_head(sq, len(sq)) :] if sq else sq
    m = _TITLE_TOPIC_END.search(sq)
    if m is None:
        return None  # 园区举办夏季招聘会: no statistic in the title, no topic to take from it
    name = sq[: m.start()]
    if name.startswith(_GENERIC_ZONES + _GENERIC_COMPANIES) or name.endswith(_COUNTED_NOUNS):
        return None  # “小巨人”企业达28家: what the title counts, not what it is about
    return name if _name_like(name) else None


_COUNTED_NOUNS = ("企业", "项目", "机构", "人才", "人", "家", "个")


_TITLE_TOPIC_END = re.compile(
    r"\d|[一二三四五六七八九十百千万]+[亿万]|累计|同比|[扩增降升提减]至|增长|下降|突破|达到|达|超过|首次|"
    r"实现|完成|加速|持续"
)


def extract_metrics(block: Block, doc: Document, *, issue_date: date | None = None) -> list[Metric]:
    """Every statistic of ``block`` (body and title), grounded in ``doc``; title first, then body
    order. Raises ``GroundingError`` when ``block.text`` is not a slice of ``doc.text``."""
    base = block_offset(block, doc)
    if doc.text[base : base + len(block.text)] != block.text:
        raise GroundingError(
            "the block text is not in the document, so no span can be grounded", source=block.id
        )
    body = _ctx(block.text, base)
    title_ctx: _Ctx | None = None
    title_drafts: list[_Draft] = []
    title_subject: str | None = None
    title_period: PeriodMention | None = None
    if block.title:
        where = locate_title(block, doc)
        if where is not None:
            title_ctx = _ctx(doc.text[where[0] : where[1]], where[0])
            named = [e for e in title_ctx.entities if not e.generic]
            title_subject = named[0].name if named else _title_topic(title_ctx.text)
            title_period = title_ctx.periods[0] if title_ctx.periods else None
    first_subject = next((e.name for e in body.entities if not e.generic), None)
    body_drafts = _drafts(body, title_subject, title_period)
    _distribute(body, body_drafts)
    kept_body = _dedupe(body_drafts)
    if title_ctx is not None:
        body_values = sorted(abs(b.p.normalized_value) for b in kept_body)
        for d in _drafts(title_ctx, first_subject, None):
            if not _value_in(abs(d.p.normalized_value), body_values):
                title_drafts.append(d)
    metrics = [_to_metric(d, title_ctx, doc, issue_date) for d in title_drafts] if title_ctx else []
    metrics += [_to_metric(d, body, doc, issue_date) for d in kept_body]
    return metrics
