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

from ..ground import block_offset, locate_title
from ..models import Block, Metric, MetricKind, NormalizedUnit, NormalizedValue
from ..normalize import Document
from .numbers import ParsedNumber, find_numbers
from .periods import PeriodMention, find_periods, resolve_period

__all__ = ["SubjectKind", "extract_metrics"]

_SENTENCE_END = re.compile(r"[。！？!?；;]|…{1,2}")
_CLAUSE_END = re.compile(r"[，,；;。！？!?：:]|…{1,2}")
_WS = re.compile(r"\s+")
_MAX_QUOTE = 50  # squashed characters; the gold's quotes are 8-60
_MIN_QUOTE = 8


class SubjectKind(StrEnum):
    ZONE = "zone"
    COMPANY = "company"
    DOCUMENT = "document"
    REGION = "region"


@dataclass(frozen=True, slots=True)
class _Entity:
    start: int  # offsets into the block text
    end: int
    name: str  # whitespace removed
    kind: SubjectKind
    generic: bool  # 园区, 该公司: a reference to the last named one


_ZONE_SUFFIX = re.compile(
    r"(?:高新技术产业开发区|经济技术开发区|高新区|经开区|开发区|自贸试验区|自贸区|综保区|保税区|"
    r"智造新城|科学城|科技城|新城|新区|片区|示范区|产业园|工业园|科技园|园区)"
    r"(?:[（(][\u4e00-\u9fff]{1,6}[）)])?"
)
_COMPANY_SUFFIX = re.compile(r"(?:股份有限公司|有限责任公司|有限公司|集团|公司)")
_DOC = re.compile(r"《[^《》\n]{1,30}》")
_REGION = re.compile(r"全国|全省|全市|全区|全县")
_ALIAS = re.compile(r"(?:以下简称|下称|简称)[“\"「‘]([^”\"」’]{2,12})[”\"」’]")
_ZONE_STOP = set("的在于和与、对向为将把被让由及是从了到等以位据经今共有至之其该个家市省县区镇乡村年月日号后前中内里上下等")  # fmt: skip
_COMPANY_STOP = set(
    "的在于和与、对向为将把被让由及是从了到等以据经今共其该给·“”\"'（）()，,。；;：:！？!? "
)
_KEEP_PAIRS = ("国家",)
_GENERIC_ZONES = ("园区", "高新区", "新区", "开发区", "该区", "全区", "本区", "该园区", "该高新区")
_GENERIC_COMPANIES = ("公司", "该公司", "集团", "该集团", "企业", "该企业")

# Indicator cleaning: fillers at either end of the words before the number.
_LEAD_FILLER = re.compile(
    r"^(?:[、，,：:（(“”\"]|其中|同时|此外|另外|全年|分别|实现了|实现|完成了|完成|已经|已|共有|共计|累计达|共|均|仅|也|还|并|将|把|在|对|向|为|是|有|的|了|和|与|及|达)+"
)
_TRAIL_FILLER = re.compile(
    r"(?:的|了|为|是|有|达到了|达到|达|共有|共计|总计|合计|共|约|近|超过|超|突破|逾|不到|不足|最高|最低|"
    r"不超过|实现了|实现|完成了|完成|已经|已|分别|仅用时|用时|从|由|到|至|累计达|连续|均|增至|升至|降至|[、，,（(“\"])+$"
)
_CHANGE_ONLY = re.compile(
    r"^(?:同比|环比|累计|较上年|比上年)?(?:增长|下降|增速|增幅|降幅|减少|提高|提升|上升|回落|下滑|增加|降低|高出)?$"
)
_POST_NOUN_END = re.compile(r"[，,；;。！？!?：:、的（(“”\"]|\d")
_AMOUNT_CONT_VERBS = ("出资", "实现", "完成", "投资", "引进", "签约", "办理", "兑现", "累计", "达到", "获得", "申报", "发放", "提供", "占", "达")  # fmt: skip


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


def _find_entities(text: str) -> list[_Entity]:
    """Zones, companies, documents and regions named in ``text`` (whitespace-tolerant)."""
    sq, offs = _squash_map(text)
    if not sq:
        return []
    found: list[tuple[int, int, SubjectKind, bool]] = []
    for m in _ZONE_SUFFIX.finditer(sq):
        s = _extend_back(sq, m.start(), _ZONE_STOP, 6)
        generic = s == m.start() or sq[s : m.end()] in _GENERIC_ZONES
        if sq[s - 1 : s] == "该":
            s, generic = s - 1, True
        found.append((s, m.end(), SubjectKind.ZONE, generic))
    for m in _COMPANY_SUFFIX.finditer(sq):
        s = _extend_back(sq, m.start(), _COMPANY_STOP, 18)
        generic = m.start() - s < 2 or sq[s : m.end()] in _GENERIC_COMPANIES
        found.append((s, m.end(), SubjectKind.COMPANY, generic))
    for m in _DOC.finditer(sq):
        found.append((m.start(), m.end(), SubjectKind.DOCUMENT, False))
    for m in _REGION.finditer(sq):
        found.append((m.start(), m.end(), SubjectKind.REGION, False))
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
        out.append(_Entity(offs[s], offs[e - 1] + 1, sq[s:e], kind, generic))
    return out


@dataclass(slots=True)
class _Ctx:
    """What the extractor knows about one text (block body or title)."""

    text: str
    base: int  # offset of text in doc.text
    sentence_breaks: list[int]
    clause_breaks: list[int]
    entities: list[_Entity]
    entity_ends: list[int]
    periods: list[PeriodMention]
    period_ends: list[int]


def _ctx(text: str, base: int) -> _Ctx:
    entities = _find_entities(text)
    periods = find_periods(text)
    return _Ctx(
        text=text,
        base=base,
        sentence_breaks=[m.end() for m in _SENTENCE_END.finditer(text)],
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
    """Nearest preceding named subject (and where it ends, -1 when it comes from elsewhere)."""
    sent_start = _unit_start(ctx.sentence_breaks, pos)
    i = bisect.bisect_right(ctx.entity_ends, pos) - 1
    nearest_in_sentence: _Entity | None = None
    if i >= 0 and ctx.entities[i].end > sent_start:
        nearest_in_sentence = ctx.entities[i]
    ent = nearest_in_sentence
    if ent is not None and not ent.generic:
        return ent.name, ent.end
    kind = ent.kind if ent is not None else None
    j = i
    while j >= 0:
        cand = ctx.entities[j]
        if not cand.generic and (kind is None or cand.kind is kind):
            return cand.name, (ent.end if ent is not None else -1)
        j -= 1
    return fallback, (ent.end if ent is not None else -1)


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


def _clean_indicator(words: str) -> str:
    prev = None
    words = _squash(words)
    while prev != words:
        prev = words
        words = _LEAD_FILLER.sub("", words)
        words = _TRAIL_FILLER.sub("", words)
    return words[-16:]


def _post_noun(text: str, end: int) -> str:
    """The noun right after a count's unit (178家国家高新区 → 国家高新区)."""
    window = _squash(text[end : end + 40])
    m = _POST_NOUN_END.search(window)
    noun = window[: m.start()] if m else window
    return noun[:12]


def _quote_bounds(ctx: _Ctx, p: ParsedNumber, region_start: int) -> tuple[int, int]:
    text = ctx.text
    q_end = p.end
    q_start = _unit_start(ctx.clause_breaks, p.start)
    if len(_squash(text[q_start:q_end])) > _MAX_QUOTE:
        q_start = max(q_start, region_start)
        sq, offs = _squash_map(text[q_start:q_end])
        if len(sq) > _MAX_QUOTE:
            q_start += offs[len(sq) - _MAX_QUOTE]
    if len(_squash(text[q_start:q_end])) < _MIN_QUOTE and q_start > 0:
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
        period, per_end = _period(ctx, p.start, period_fallback)
        same_sentence = prev is not None and prev.sentence == sentence
        prev_end = prev.p.end if same_sentence and prev is not None else -1
        between = _squash(text[prev_end : p.start]) if prev_end >= 0 else None
        list_continuation = (
            between is not None and between != "" and all(c in "、和及与" for c in between)
        )
        region_start = max(
            clause_start, subj_end, per_end, prev_end if prev_end >= clause_start else -1
        )
        region = _remove_periods(text[region_start : p.start]) if region_start < p.start else ""
        indicator = _clean_indicator(region)
        post = _post_noun(text, p.end) if p.normalized_unit is NormalizedUnit.COUNT else ""
        kind = p.kind
        if list_continuation and prev is not None:
            indicator = prev.indicator or indicator
            subject = prev.subject if subj_end < prev.p.start else subject
            kind = prev.kind if prev.p.normalized_unit is p.normalized_unit else kind
        elif (
            _CHANGE_ONLY.match(indicator) and prev is not None and same_sentence and prev.indicator
        ):
            base = _CHANGE_TAIL.sub("", prev.indicator) or prev.indicator
            indicator = base + indicator
            if subj_end < 0 or subj_end <= prev.p.start:
                subject = prev.subject
        if post and (len(indicator) <= 4 or not indicator):
            indicator = indicator + post
        if (
            kind is MetricKind.LEVEL
            and prev is not None
            and same_sentence
            and prev.kind is MetricKind.CHANGE_AMOUNT
            and p.normalized_unit is not NormalizedUnit.PERCENT
            and not any(v in _squash(text[clause_start : p.start]) for v in _AMOUNT_CONT_VERBS)
        ):
            kind = (
                MetricKind.CHANGE_AMOUNT
            )  # 新增上市企业1家,科创板拟上市企业1家: one verb for the list
        q_start, q_end = _quote_bounds(ctx, p, region_start if region_start >= 0 else clause_start)
        draft = _Draft(p, subject, indicator or None, period, kind, q_start, q_end, sentence, post)
        drafts.append(draft)
        prev = draft
    return drafts


_CHANGE_TAIL = re.compile(r"(?:同比|环比|累计)?(?:增长|下降|增速|增幅|降幅|减少|提高|提升|上升)$")


def _same_number(a: _Draft, b: _Draft) -> bool:
    pa, pb = a.p, b.p
    if pa.normalized_unit is not pb.normalized_unit and NormalizedUnit.OTHER not in (
        pa.normalized_unit,
        pb.normalized_unit,
    ):
        return False
    x, y = abs(pa.normalized_value), abs(pb.normalized_value)
    return abs(x - y) <= 0.005 * max(x, y)


def _is_restatement(d: _Draft, earlier: list[_Draft]) -> bool:
    """The same number said again about the same thing (13个重点科技创新项目 after 13项…)."""
    for e in earlier:
        if not _same_number(d, e) or d.p.normalized_unit is not e.p.normalized_unit:
            continue
        if d.post and len(d.post) >= 2 and d.post == e.post:
            return True
        if (
            d.indicator
            and d.indicator == e.indicator
            and d.kind is e.kind
            and d.sentence != e.sentence
        ):
            return True
    return False


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


def extract_metrics(block: Block, doc: Document, *, issue_date: date | None = None) -> list[Metric]:
    """Every statistic of ``block`` (body and title), grounded in ``doc``; body order, title first."""
    base = block_offset(block, doc)
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
            title_subject = named[0].name if named else None
            title_period = title_ctx.periods[0] if title_ctx.periods else None
    first_subject = next((e.name for e in body.entities if not e.generic), None)
    body_drafts = _drafts(body, title_subject, title_period)
    kept_body: list[_Draft] = []
    for d in body_drafts:
        if not _is_restatement(d, kept_body):
            kept_body.append(d)
    if title_ctx is not None:
        for d in _drafts(title_ctx, first_subject, None):
            if not any(_same_number(d, b) for b in kept_body):
                title_drafts.append(d)
    metrics = [_to_metric(d, title_ctx, doc, issue_date) for d in title_drafts] if title_ctx else []
    metrics += [_to_metric(d, body, doc, issue_date) for d in kept_body]
    return metrics
