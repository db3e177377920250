"""The grounding validator: quotes located whitespace- and width-insensitively, spans and values
checked, and numbers in a generated summary that the article never states flagged."""

from __future__ import annotations

from summarizer.ground import (
    GroundingFailure,
    fold,
    ground_metric,
    ground_metrics,
    locate_quote,
    numbers_not_in_text,
    parse_quote,
)
from summarizer.models import (
    Block,
    BlockKind,
    Metric,
    MetricKind,
    NormalizedUnit,
    NormalizedValue,
    Qualifier,
)
from summarizer.normalize import Document

HEAD = "头版导读\n\n"
BODY = "今年第一季度，国家高新区实现规模以上工业增加值 1.7万亿元，同比\n增长7.1%。"


def setup(original: str = HEAD + BODY, body: str = BODY, title: str | None = None):
    doc = Document(original, original, list(range(len(original) + 1)))
    start = original.index(body)
    block = Block(
        id="a",
        kind=BlockKind.ARTICLE,
        title=title,
        text=body,
        span=(start, start + len(body)),
        norm_span=(start, start + len(body)),
    )
    return block, doc


def metric(quote: str, span: tuple[int, int], value: float = 1.7, unit: str = "万亿元",
           normalized: float = 1.7e12, norm_unit: NormalizedUnit = NormalizedUnit.CNY) -> Metric:  # fmt: skip
    return Metric(
        value=value,
        unit=unit,
        normalized=NormalizedValue(value=normalized, unit=norm_unit),
        kind=MetricKind.LEVEL,
        qualifier=Qualifier.EXACT,
        quote=quote,
        span=span,
    )


def test_locate_quote_ignores_whitespace_and_width() -> None:
    block, doc = setup()
    span = locate_quote("规模以上工业增加值1.7万亿元", block, doc)
    assert span is not None
    assert fold(doc.original[span[0] : span[1]]) == fold("规模以上工业增加值1.7万亿元")
    assert locate_quote("１．７万亿元，同比增长７．１％", block, doc) is not None
    assert locate_quote("增长7.1%", block, doc) == (
        doc.original.index("增长7.1%"),
        doc.original.index("增长7.1%") + len("增长7.1%"),
    )


def test_locate_quote_outside_the_article_is_none() -> None:
    block, doc = setup()
    assert locate_quote("头版导读", block, doc) is None
    assert locate_quote("", block, doc) is None
    assert locate_quote("完全不存在的句子", block, doc) is None


def test_locate_quote_in_the_title() -> None:
    original = "一季度国家高新区规上工业增加值1.7万亿\n\n" + BODY
    block, doc = setup(original, BODY, title="一季度国家高新区规上工业增加值1.7万亿")
    span = locate_quote("规上工业增加值1.7万亿", block, doc)
    assert span is not None and span[1] <= original.index(BODY)


def test_ground_metric_ok_and_reasons() -> None:
    block, doc = setup()
    quote = "规模以上工业增加值 1.7万亿元"
    s = doc.original.index(quote)
    good = metric(quote, (s, s + len(quote)))
    assert ground_metric(good, block, doc).ok

    missing = metric("规模以上工业增加值9.9万亿元", (s, s + 10))
    assert ground_metric(missing, block, doc).reason is GroundingFailure.QUOTE_NOT_FOUND

    off = metric(quote, (0, 4))
    result = ground_metric(off, block, doc)
    assert result.reason is GroundingFailure.SPAN_MISMATCH and result.span == (s, s + len(quote))

    wrong_value = metric(quote, (s, s + len(quote)), value=2.7, normalized=2.7e12)
    assert ground_metric(wrong_value, block, doc).reason is GroundingFailure.VALUE_NOT_IN_QUOTE

    wrong_norm = metric(quote, (s, s + len(quote)), normalized=1.7e8)
    assert ground_metric(wrong_norm, block, doc).reason is GroundingFailure.NORMALIZED_MISMATCH


def test_signed_values_parse_back() -> None:
    body = "办理材料减少45%。"
    block, doc = setup(body, body)
    s = doc.original.index("办理材料减少45%")
    m = metric("办理材料减少45%", (s, s + 9), value=-45, unit="%", normalized=-45,
               norm_unit=NormalizedUnit.PERCENT)  # fmt: skip
    assert ground_metric(m, block, doc).ok


def test_ground_metrics_keeps_repairs_and_drops() -> None:
    block, doc = setup()
    quote = "同比\n增长7.1%"
    s = doc.original.index(quote)
    good = metric(quote, (s, s + len(quote)), value=7.1, unit="%", normalized=7.1,
                  norm_unit=NormalizedUnit.PERCENT)  # fmt: skip
    bad_span = good.model_copy(update={"span": (0, 3)})
    invented = metric("增长9.9%", (0, 3), value=9.9, unit="%", normalized=9.9,
                      norm_unit=NormalizedUnit.PERCENT)  # fmt: skip
    kept, dropped = ground_metrics([good, bad_span, invented], block, doc)
    assert [m.span for m in kept] == [(s, s + len(quote))] * 2
    assert [r.reason for _, r in dropped] == [GroundingFailure.QUOTE_NOT_FOUND]
    kept, dropped = ground_metrics([bad_span], block, doc, fix_spans=False)
    assert kept == [] and dropped[0][1].reason is GroundingFailure.SPAN_MISMATCH


def test_parse_quote_uses_the_extractor_parser() -> None:
    [p] = parse_quote("同比下降3%")
    assert (p.value, p.signed_value, p.kind) == (3, -3, MetricKind.CHANGE_RATE)
    assert parse_quote("5月20日，第29届") == []


def test_numbers_not_in_text() -> None:
    article = (
        "国家高新区实现规模以上工业增加值1.7万亿元，同比增长7.1%，共有178家。2024年5月20日发布。"
    )
    assert numbers_not_in_text("工业增加值达1.7万亿，增长7.1％，178家高新区。", article) == []
    assert numbers_not_in_text("2024年数据", article) == []
    flagged = numbers_not_in_text("增加值1.8万亿元，增长9%，2023年", article)
    assert flagged == ["1.8万亿元", "9%", "2023"]
    assert numbers_not_in_text("", article) == []
    assert numbers_not_in_text("没有数字。", "") == []
