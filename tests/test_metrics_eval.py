"""Metric evaluation against gold: matching rules, P/R/F1, accuracies, and the corpus targets."""

from __future__ import annotations

import pytest
from conftest import CORPUS, GOLD

from summarizer.evaluation.gold import GoldArticle, GoldIssue, GoldMetric, load_gold_dir
from summarizer.evaluation.metrics import combine_scores, evaluate_metrics, same_text
from summarizer.models import Metric, MetricKind, NormalizedUnit, NormalizedValue, Qualifier

TEXT = "国家高新区实现规模以上工业增加值1.7万亿元，同比增长7.1%。福斯线缆年产值突破20亿元，误差1微米以内。"


def gm(quote: str, value: float, unit_class: str, kind: str = "level", qualifier: str = "exact",
       optional: bool = False, indicator: str = "x", subject: str = "国家高新区") -> GoldMetric:  # fmt: skip
    return GoldMetric(
        quote=quote, subject=subject, indicator=indicator, value=value, unit="u",
        normalized_value=value, unit_class=unit_class, kind=kind, qualifier=qualifier,
        optional=optional,
    )  # fmt: skip


def pm(quote: str, value: float, unit: NormalizedUnit, kind: MetricKind = MetricKind.LEVEL,
       qualifier: Qualifier = Qualifier.EXACT, indicator: str | None = "x",
       subject: str | None = "国家高新区") -> Metric:  # fmt: skip
    s = TEXT.index(quote)
    return Metric(
        subject=subject, indicator=indicator, value=value, unit="u",
        normalized=NormalizedValue(value=value, unit=unit), kind=kind, qualifier=qualifier,
        quote=quote, span=(s, s + len(quote)),
    )  # fmt: skip


GOLD_ISSUE = GoldIssue(
    source="t.txt",
    articles=[
        GoldArticle(
            first_chars="国家高新区实现规模以上",
            last_chars="误差1微米以内。",
            metrics=[
                gm("规模以上工业增加值1.7万亿元", 1.7e12, "CNY", indicator="规模以上工业增加值"),
                gm("同比增长7.1%", 7.1, "percent", kind="change_rate"),
                gm("年产值突破20亿元", 2e9, "CNY", qualifier="over", subject="福斯线缆"),
                gm("误差1微米以内", 1, "other", qualifier="under", optional=True),
            ],
        )
    ],
)


def test_perfect_predictions() -> None:
    preds = [
        pm("工业增加值1.7万亿元", 1.7e12, NormalizedUnit.CNY, indicator="规模以上工业增加值"),
        pm("同比增长7.1%", 7.1, NormalizedUnit.PERCENT, MetricKind.CHANGE_RATE),
        pm(
            "年产值突破20亿元",
            2e9,
            NormalizedUnit.CNY,
            qualifier=Qualifier.OVER,
            subject="福斯线缆",
        ),
    ]
    for text in (TEXT, None):
        s = evaluate_metrics([preds], GOLD_ISSUE, text=text)
        assert (s.required, s.true_positives, s.false_positives) == (3, 3, 0)
        assert s.precision == s.recall == s.f1 == 1.0
        assert s.kind_accuracy == s.qualifier_accuracy == s.subject_accuracy == 1.0


def test_misses_wrong_attributes_false_and_optional_positives() -> None:
    preds = [
        # 0.4 % off: still the same number; wrong kind and qualifier
        pm("工业增加值1.7万亿元", 1.707e12, NormalizedUnit.CNY, MetricKind.SHARE, Qualifier.APPROX),
        pm("同比增长7.1%", 7.1, NormalizedUnit.COUNT),  # wrong unit class: no match
        pm("误差1微米以内", 1, NormalizedUnit.OTHER),  # optional gold: neither TP nor FP
    ]
    s = evaluate_metrics(preds, GOLD_ISSUE, text=TEXT)
    assert (s.required, s.true_positives, s.false_positives, s.optional_matched) == (3, 1, 1, 1)
    assert s.precision == 0.5 and s.recall == pytest.approx(1 / 3)
    assert s.kind_accuracy == 0.0 and s.qualifier_accuracy == 0.0
    assert s.missed == ["同比增长7.1%", "年产值突破20亿元"]


def test_same_value_elsewhere_does_not_match() -> None:
    text = "A区营业收入20亿元。B区营业收入20亿元。"
    gold = GoldIssue(
        source="t",
        articles=[GoldArticle(first_chars="A区营业收入", last_chars="20亿元。",
                              metrics=[gm("B区营业收入20亿元", 2e9, "CNY")])],
    )  # fmt: skip
    wrong = Metric(value=20, unit="亿元", normalized=NormalizedValue(value=2e9, unit="CNY"),
                   quote="A区营业收入20亿元", span=(0, 10))  # fmt: skip
    s = evaluate_metrics([wrong], gold, text=text)
    assert (s.true_positives, s.false_positives) == (0, 1)


def test_combine_is_a_micro_average() -> None:
    a = evaluate_metrics([], GOLD_ISSUE, text=TEXT)
    b = evaluate_metrics(
        [pm("同比增长7.1%", 7.1, NormalizedUnit.PERCENT, MetricKind.CHANGE_RATE)], GOLD_ISSUE
    )
    total = combine_scores([a, b])
    assert (total.required, total.true_positives) == (6, 1)
    assert total.recall == pytest.approx(1 / 6)


@pytest.mark.parametrize(
    ("pred", "gold", "right"),
    [
        ("规模以上工业增加值", "规模以上工业增加值同比增长", True),
        ("孝感高新区", "孝感高新区", True),
        ("郴州高新区", "郴州高新区有色金属产业", True),
        ("连续追加投资", "追加投资次数", True),
        ("杭州高新区（滨江）", "杭州高新区(滨江)", True),
        ("南通市", "南通高新区", False),
        ("国家高新区", "全国", False),
        (None, None, True),
        (None, "全国", False),
        ("同比增长", "营业收入同比增长", True),
        ("企业数量", "高新区数量", False),
    ],
)
def test_same_text(pred: str | None, gold: str | None, right: bool) -> None:
    assert same_text(pred, gold) is right


def test_corpus_meets_the_targets(corpus_files) -> None:
    from summarizer.extract.metrics import extract_metrics
    from summarizer.normalize import normalize
    from summarizer.segment import segment

    if not GOLD.is_dir():
        pytest.skip("../shared/gold is not beside the repository")
    golds = load_gold_dir(GOLD)
    scores = []
    for path in corpus_files:
        if path.name not in golds:
            continue
        original = path.read_text(encoding="utf-8")
        doc = normalize(original)
        metrics = [extract_metrics(b, doc) for b in segment(doc)]
        scores.append(evaluate_metrics(metrics, golds[path.name], text=original))
    total = combine_scores(scores)
    assert total.recall >= 0.95 and total.precision >= 0.95, total.as_row()
    assert total.kind_accuracy >= 0.95 and total.qualifier_accuracy >= 0.95, total.as_row()
    assert total.indicator_accuracy >= 0.85 and total.subject_accuracy >= 0.85, total.as_row()
    assert CORPUS.is_dir()


def test_metrics_evaluator_for_the_eval_command() -> None:
    from types import SimpleNamespace

    from summarizer.evaluation.metrics import MetricsEvaluator
    from summarizer.models import Block, BlockKind
    from summarizer.normalize import Document

    doc = Document(TEXT, TEXT, list(range(len(TEXT) + 1)))
    block = Block(id="a", kind=BlockKind.ARTICLE, text=TEXT, span=(0, len(TEXT)),
                  norm_span=(0, len(TEXT)))  # fmt: skip
    index = Block(id="i", kind=BlockKind.INDEX, text=TEXT, span=(0, len(TEXT)),
                  norm_span=(0, len(TEXT)))  # fmt: skip
    case = SimpleNamespace(name="t.txt", original=TEXT, doc=doc, blocks=[block, index],
                           gold=GOLD_ISSUE)  # fmt: skip
    ev = MetricsEvaluator()
    score = ev.score(case)
    assert (score.required, score.true_positives, score.false_positives) == (3, 3, 0)
    total = ev.total([score, score])
    assert total.required == 6 and total.file == "TOTAL"
    row = ev.row(total)
    assert len(row) == len(ev.columns) and row[0] == "TOTAL"
    assert ev.as_json(score)["recall"] == 1.0


def test_a_unit_class_the_gold_schema_lacks_matches_other() -> None:
    """The gold schema has no EUR class: 欧元 amounts are annotated unit_class "other"."""
    text = "德国企业追加投资1.5亿欧元。"
    gold = GoldIssue(
        source="t.txt",
        articles=[
            GoldArticle(
                first_chars="德国企业追加投资",
                last_chars="1.5亿欧元。",
                metrics=[gm("追加投资1.5亿欧元", 1.5e8, "other")],
            )
        ],
    )
    s = text.index("追加投资")
    pred = Metric(
        subject="德国企业", indicator="追加投资", value=1.5, unit="亿欧元",
        normalized=NormalizedValue(value=1.5e8, unit=NormalizedUnit.EUR),
        kind=MetricKind.LEVEL, qualifier=Qualifier.EXACT, quote="追加投资1.5亿欧元",
        span=(s, s + len("追加投资1.5亿欧元")),
    )  # fmt: skip
    score = evaluate_metrics([pred], gold, text=text)
    assert (score.true_positives, score.false_positives) == (1, 0)
