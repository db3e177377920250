"""Extractive summary: sentence splitting, TextRank, ranking, headline, key points."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from summarizer.extract.summary import (
    SummaryConfig,
    compress_headline,
    rank_sentences,
    summarize_block,
    textrank,
)
from summarizer.extract.tokens import split_sentences
from summarizer.models import Block, Metric, NormalizedUnit, NormalizedValue

ARTICLE = (
    "本报讯（记者 王明）近日，记者从青山高新区管委会获悉，今年1-5月，青山高新区规模以上工业增加值"
    "同比增长12.3%，高于全市平均水平4.1个百分点。\n"
    "园区新签约项目42个，总投资超过200亿元，其中先进制造业项目占比近六成。\n"
    "走进园区，一派繁忙景象。\n"
    "青山高新区负责人表示，下一步将继续优化营商环境，强化科技创新，推动产业升级。\n"
    "据介绍，园区今年还将举办多场招商推介活动。"
)


def _block(text: str = ARTICLE, title: str | None = "青山高新区前5月工业增加值增长12.3%") -> Block:
    return Block(
        id="a1", kind="article", title=title, byline="王明", text=text, span=(0, len(text))
    )


def _metric(quote: str, value: float) -> Metric:
    return Metric(
        value=value,
        unit="%",
        normalized=NormalizedValue(value=value, unit=NormalizedUnit.PERCENT),
        quote=quote,
        span=(0, len(quote)),
    )


def _pieces(summary: str) -> list[str]:
    return [s.text for s in split_sentences(summary)]


def test_sentences_are_verbatim_slices() -> None:
    sentences = split_sentences(ARTICLE)
    assert len(sentences) == 5
    for s in sentences:
        assert ARTICLE[s.start : s.end] == s.text
        assert s.text == s.text.strip()
    assert sentences[0].text.endswith("4.1个百分点。")
    assert [s.index for s in sentences] == list(range(5))


def test_closing_quote_stays_with_its_sentence() -> None:
    text = "他说：“我们有信心。”随后离开。"
    assert [s.text for s in split_sentences(text)] == ["他说：“我们有信心。”", "随后离开。"]


def test_a_full_stop_inside_a_quotation_does_not_end_the_sentence() -> None:
    text = "他说：“今年很难。但我们有信心。”随后离开。"
    assert [s.text for s in split_sentences(text)] == [
        "他说：“今年很难。但我们有信心。”",
        "随后离开。",
    ]
    # An unbalanced quote mark does not swallow the rest of the article.
    runaway = "他说：“" + "今年很难。" * 100
    assert len(split_sentences(runaway)) > 10


def test_overlong_sentences_are_cut_into_clauses() -> None:
    text = "，".join(["园区企业加快技改扩能提档升级步伐"] * 12) + "。"
    pieces = split_sentences(text, long_sentence=60)
    assert len(pieces) == 12
    assert not any(p.whole for p in pieces)
    assert all(len(p.text) <= 60 for p in pieces)
    assert "".join(p.text for p in pieces) == text


def test_textrank_favours_the_central_sentence() -> None:
    bags = [["园区", "工业"], ["园区", "工业", "投资", "项目"], ["投资", "项目"], ["天气"]]
    scores = textrank(bags)
    assert max(range(4), key=scores.__getitem__) == 1
    assert scores[3] < min(scores[:3])  # an isolated sentence gets only the teleport share
    assert textrank([]) == []


def test_metric_density_lifts_a_sentence() -> None:
    sentences = split_sentences("园区举办了活动。园区营业收入同比增长8.8%。园区环境优美。")
    plain = rank_sentences(sentences, config=SummaryConfig(w_position=0.0, full_length=1))
    lifted = rank_sentences(
        sentences,
        [_metric("营业收入同比增长8.8%", 8.8)],
        config=SummaryConfig(w_position=0.0, full_length=1),
    )
    # The only sentence with a metric gets the full metric weight; the others nothing more.
    assert abs(lifted[1] - plain[1] - SummaryConfig().w_metrics) < 1e-9
    assert lifted[0] == plain[0] and lifted[2] == plain[2]


def test_summary_is_two_to_four_verbatim_sentences_within_the_budget() -> None:
    summary = summarize_block(_block(), [_metric("工业增加值同比增长12.3%", 12.3)])
    pieces = _pieces(summary.summary)
    assert 2 <= len(pieces) <= 4
    assert len(summary.summary) <= 200
    for piece in pieces:
        assert piece in ARTICLE
    # The sentence carrying the headline number is chosen.
    assert "12.3%" in summary.summary
    assert summary.headline == "青山高新区前5月工业增加值增长12.3%"


def test_key_points_are_the_metric_sentences() -> None:
    metrics = [_metric("工业增加值同比增长12.3%", 12.3), _metric("先进制造业项目占比近六成", 60)]
    summary = summarize_block(_block(), metrics)
    assert len(summary.key_points) == 2
    assert all(k in ARTICLE for k in summary.key_points)
    assert "12.3%" in summary.key_points[0] and "近六成" in summary.key_points[1]
    assert summarize_block(_block(), []).key_points == []


def test_headline_from_the_lead_when_the_title_is_missing() -> None:
    summary = summarize_block(_block(title=None))
    assert summary.headline
    assert summary.headline in ARTICLE
    assert not summary.headline.startswith(("本报讯", "（", "近日"))
    assert len(summary.headline) <= 40


def test_compress_headline_drops_the_dateline() -> None:
    lead = "5月20日，以“赋能可持续未来”为主题的第29届世界燃气大会在北京国家会议中心举行，这是世界燃气大会首次在中国举行。"
    head = compress_headline(lead)
    # The date and the "以…为主题的" modifier go; the event stays.
    assert head == "第29届世界燃气大会在北京国家会议中心举行"
    assert head in lead
    assert not re.search(r"[，。]$", head)


def test_compress_headline_skips_adverbial_stubs() -> None:
    lead = "近期，园区4家企业获得国家外贸发展专项资金支持1368万元，为企业发展注入了新的活力。"
    assert compress_headline(lead) == "园区4家企业获得国家外贸发展专项资金支持1368万元"


def test_compress_headline_stops_before_detail_clauses() -> None:
    lead = "截至5月底，园区已累计入驻企业216家，其中未来产业企业超200家。"
    assert compress_headline(lead) == "园区已累计入驻企业216家"


def test_topics_and_entities_are_filled() -> None:
    summary = summarize_block(_block())
    assert summary.entities.zones == ["青山高新区"] or summary.entities.zones == []
    assert "王明" in summary.entities.people
    assert summary.topics  # 招商 / 营商环境 / 科技创新 keywords are present


def test_long_article_is_bounded() -> None:
    sentence = "园区企业坚持创新驱动发展，持续加大研发投入。"
    text = "\n".join(f"第{i}段：{sentence}" for i in range(3000))
    summary = summarize_block(
        _block(text=text, title=None), config=SummaryConfig(max_candidates=50)
    )
    assert 0 < len(summary.summary) <= 200
    assert all(p in text for p in _pieces(summary.summary))


def test_tiny_inputs() -> None:
    one = summarize_block(_block(text="园区召开大会。", title=None))
    assert one.summary == "园区召开大会。"
    empty = summarize_block(_block(text="……", title=None))
    assert empty.summary == "" and empty.headline == ""


def test_a_quote_across_a_clause_cut_counts_for_the_piece_with_its_number() -> None:
    pieces = split_sentences("园区实现营业收入486.2亿元，同比增长12.3%。", long_sentence=10)
    assert [p.text for p in pieces] == ["园区实现营业收入486.2亿元，", "同比增长12.3%。"]
    cfg = SummaryConfig(w_textrank=0.0, w_position=0.0, w_metrics=1.0, full_length=1)
    scores = rank_sentences(pieces, [_metric("亿元，同比增长12.3%", 12.3)], config=cfg)
    assert scores == [0.0, 1.0]


def test_short_sentences_are_scored_down() -> None:
    sentences = split_sentences("稳字当头。园区企业营业收入保持稳定增长态势，稳中有进。")
    flat = rank_sentences(sentences, config=SummaryConfig(w_position=0.0, full_length=1))
    scored = rank_sentences(sentences, config=SummaryConfig(w_position=0.0))
    assert scored[0] == pytest.approx(
        flat[0] * len(sentences[0].text) / SummaryConfig().full_length
    )
    assert scored[1] == flat[1]


def test_many_metrics_on_a_long_article() -> None:
    sentence = "园区营业收入同比增长{}%。"
    text = "".join(sentence.format(i) for i in range(2000))
    metrics = [_metric(f"营业收入同比增长{i}%", i) for i in range(2000)]
    summary = summarize_block(_block(text=text), metrics, config=SummaryConfig(max_candidates=40))
    assert len(summary.key_points) == SummaryConfig().max_key_points
    assert all(k in text for k in summary.key_points)


_ALPHABET = (
    "园区企业营收增长高新区公司项目投资亿元万家个百分点的了在和“”（）。，；！？…：、\n 0123456789.%"
)


@settings(max_examples=60, deadline=None)
@given(
    st.text(alphabet=_ALPHABET, max_size=400), st.one_of(st.none(), st.text(_ALPHABET, max_size=20))
)
def test_any_text_gives_a_faithful_summary(text: str, title: str | None) -> None:
    summary = summarize_block(_block(text=text, title=title))
    pieces = [s.text for s in split_sentences(summary.summary, long_sentence=10**9)]
    assert len(pieces) <= 4
    assert all(p in text for p in pieces)
    assert len(summary.summary) <= 200 or len(pieces) == 1
    assert all(k in text for k in summary.key_points)
    if not (title or "").strip():
        assert summary.headline in text


@pytest.mark.parametrize(
    ("sentence", "headline"),
    [
        ("0000000，，0", "0000000"),  # found by hypothesis: never glue clauses over a gap
        (
            "7月26日，以“科技赋能”为主题的创新大会在园区开幕，参会企业超200家。",
            "创新大会在园区开幕，参会企业超200家",
        ),
    ],
)
def test_compressed_headline_is_one_slice_of_the_sentence(sentence: str, headline: str) -> None:
    out = compress_headline(sentence)
    assert out == headline
    assert out in sentence
