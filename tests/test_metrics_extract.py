"""The offline metric extractor: who, what, when, kind, qualifier, quote and span of every statistic."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from summarizer.extract.metrics import extract_metrics
from summarizer.ground import ground_metric
from summarizer.models import Block, BlockKind, MetricKind, NormalizedUnit, Qualifier
from summarizer.normalize import Document, normalize

ARTICLE = (
    "本报讯（记者 张伟）5月20日，记者从工业和信息化部规划司获悉，今年第一季度，国家高新区实现"
    "规模以上工业增加值 1.7万亿元，同比\n增长7.1%。截至目前，全国共有178家国家高新区，覆盖31个省份。"
    "在位于孝感高新区的孝感福斯汽车线缆有限公司（以下简称“福斯线缆”）车间，铜线穿梭。"
    "自2021年落户以来，福斯线缆已连续 4次追加投资，生产线从 4条增至10条，年产值突破20亿元。"
    "第一季度，孝感高新区工业增加值同比增长 18.8%，完成工业投资同比下降2.5%。"
    "上半年，宝鸡高新区新增经营主体1785户，同比增长60.52%，经营主体规模达到3.5242万户；"
    "招商引资实现到位资金157.6亿元，占年度任务的55.49%。"
)
TITLE = "一季度国家高新区规上工业增加值1.7万亿"


def make(text: str, title: str | None = None, prefix: str = "") -> tuple[Block, Document]:
    """A document holding an optional title line and the article; the block points at the body."""
    original = (f"{title}\n\n" if title else "") + prefix + text
    doc = Document(original, original, list(range(len(original) + 1)))
    start = original.index(text)
    block = Block(
        id="a1",
        kind=BlockKind.ARTICLE,
        title=title,
        text=text,
        span=(start, start + len(text)),
        norm_span=(start, start + len(text)),
    )
    return block, doc


def by_value(metrics, value: float):
    hits = [m for m in metrics if abs(m.value - value) < 1e-9]
    assert hits, f"no metric with value {value}: {[m.quote for m in metrics]}"
    return hits[0]


@pytest.fixture
def extracted():
    block, doc = make(ARTICLE)
    return extract_metrics(block, doc, issue_date=date(2024, 7, 20)), block, doc


def test_every_statistic_and_nothing_else(extracted) -> None:
    metrics, _, _ = extracted
    values = sorted(m.value for m in metrics)
    assert values == sorted(
        [1.7, 7.1, 178, 31, 4, 4, 10, 20, 18.8, -2.5, 1785, 60.52, 3.5242, 157.6, 55.49]
    )


def test_level_with_subject_indicator_period(extracted) -> None:
    metrics, _, _ = extracted
    m = by_value(metrics, 1.7)
    assert (m.subject, m.indicator, m.period) == (
        "国家高新区",
        "规模以上工业增加值",
        "今年第一季度",
    )
    assert (m.unit, m.normalized.value, m.normalized.unit) == ("万亿元", 1.7e12, NormalizedUnit.CNY)
    assert (m.kind, m.qualifier) == (MetricKind.LEVEL, Qualifier.EXACT)
    assert m.period_range is not None
    assert (m.period_range.start, m.period_range.end) == ("2024-01-01", "2024-03-31")


def test_bare_rate_takes_the_previous_indicator(extracted) -> None:
    m = by_value(extracted[0], 7.1)
    assert m.kind is MetricKind.CHANGE_RATE
    assert m.indicator == "规模以上工业增加值同比增长"
    assert m.subject == "国家高新区"


def test_counts_take_the_noun_after_the_unit(extracted) -> None:
    m = by_value(extracted[0], 178)
    assert m.subject == "全国" and "国家高新区" in (m.indicator or "")
    assert m.period == "截至目前"
    assert "省份" in (by_value(extracted[0], 31).indicator or "")


def test_alias_subject_and_qualifier(extracted) -> None:
    m = by_value(extracted[0], 20)
    assert m.subject == "福斯线缆"
    assert m.qualifier is Qualifier.OVER
    assert m.indicator == "年产值"
    assert by_value(extracted[0], 10).subject == "福斯线缆"


def test_decrease_is_negative(extracted) -> None:
    m = by_value(extracted[0], -2.5)
    assert m.kind is MetricKind.CHANGE_RATE and m.normalized.value == -2.5
    assert m.subject == "孝感高新区"


def test_change_amount_share_and_count_magnitudes(extracted) -> None:
    metrics = extracted[0]
    assert by_value(metrics, 1785).kind is MetricKind.CHANGE_AMOUNT
    assert by_value(metrics, 55.49).kind is MetricKind.SHARE
    m = by_value(metrics, 3.5242)
    assert (m.unit, m.normalized.value, m.kind) == ("万户", 35242, MetricKind.LEVEL)
    assert m.subject == "宝鸡高新区"
    assert by_value(metrics, 1785).period == "上半年"


def test_quotes_are_clauses_and_spans_point_at_them(extracted) -> None:
    metrics, block, doc = extracted
    for m in metrics:
        squashed = "".join(m.quote.split())
        assert 4 <= len(squashed) <= 60, m.quote
        assert doc.original[m.span[0] : m.span[1]] == m.quote
        assert ground_metric(m, block, doc).ok


def test_headline_metric_found_once() -> None:
    body = "今年第一季度，国家高新区实现规模以上工业增加值1.7万亿元。"
    block, doc = make(body, title=TITLE)
    metrics = extract_metrics(block, doc)
    assert [m.value for m in metrics] == [1.7]  # the headline repeats the body: counted once
    only_title = "工业运行平稳。"
    block, doc = make(only_title, title="上半年固定资产投资同比增长15%")
    [m] = extract_metrics(block, doc)
    assert (m.value, m.kind, m.period) == (15, MetricKind.CHANGE_RATE, "上半年")
    assert doc.original[m.span[0] : m.span[1]] == m.quote
    assert ground_metric(m, block, doc).ok


def test_restated_number_is_not_counted_twice() -> None:
    text = "威海高新区13项重点科技创新项目启动。我们每月调度13个重点科技创新项目进展。"
    block, doc = make(text)
    assert [m.value for m in extract_metrics(block, doc)] == [13]


def test_works_on_the_normalised_text_of_a_messy_layout() -> None:
    original = "本报讯 今年第一季\n\n度，南通高新区规模以上\n\n工业增加值累计增长30.1%，较南通市平\n\n均水平高出 21.4个百分点。"
    doc = normalize(original)
    block = Block(
        id="a", kind=BlockKind.ARTICLE, text=doc.text, span=(0, len(original)),
        norm_span=(0, len(doc.text)),
    )  # fmt: skip
    metrics = extract_metrics(block, doc)
    assert [m.normalized.unit for m in metrics] == [
        NormalizedUnit.PERCENT,
        NormalizedUnit.PERCENTAGE_POINT,
    ]
    for m in metrics:
        assert m.subject == "南通高新区"
        assert ground_metric(m, block, doc).ok
        assert "".join(original[m.span[0] : m.span[1]].split()) == "".join(m.quote.split())


@pytest.mark.parametrize(
    "text",
    ["没有任何数字的一段文字。", "1234567890 3.14 42", "5月20日，第29届大会在北京举行，一是二是。",
     "1..7亿元，七点一%，1e30元", "。。。，，，", " "],
)  # fmt: skip
def test_bad_input_invents_nothing(text: str) -> None:
    block, doc = make(text)
    for m in extract_metrics(block, doc):
        assert ground_metric(m, block, doc).ok
    assert extract_metrics(block, doc) == [] or text.startswith("1..7")


def test_malformed_numbers_are_skipped() -> None:
    block, doc = make("规模达1..7亿元，占比七点一%，总额1e30元。")
    assert extract_metrics(block, doc) == []


def test_a_5mb_article_goes_through() -> None:
    unit = "今年第一季度，孝感高新区工业增加值同比增长18.8%，完成工业投资26.7亿元。"
    text = unit * (5_000_000 // len(unit) // 3)
    block, doc = make(text)
    metrics = extract_metrics(block, doc)
    assert len(metrics) >= 2
    digits_only = "9" * 100_000 + "亿元" + "1," * 50_000
    block, doc = make(digits_only)
    assert extract_metrics(block, doc) == []


_ALPHABET = st.sampled_from(
    [
        *list(
            "0123456789.,%－-至约近超余多以上内万亿千百元美家个项人亩，。、的增长下降同比新增占第年月日一二三两十"
        ),
        "平方米",
        "平方公里",
        "个百分点",
        "高新区",
        "公司",
        "截至",
        "上半年",
        " ",
        "\n",
    ]
)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_ALPHABET, min_size=1, max_size=60).map("".join))
def test_every_metric_is_in_the_text_and_parses_back(text: str) -> None:
    block, doc = make(text)
    for m in extract_metrics(block, doc):
        assert m.quote in doc.text
        assert ground_metric(m, block, doc).ok, (text, m)


def test_whole_corpus_is_grounded(corpus_files) -> None:
    from summarizer.segment import segment

    total = 0
    for path in corpus_files:
        doc = normalize(path.read_text(encoding="utf-8"))
        for block in segment(doc):
            for m in extract_metrics(block, doc):
                total += 1
                result = ground_metric(m, block, doc)
                assert result.ok, (path.name, m.quote, result)
    assert total > 100


def test_comparison_period_and_object_are_not_period_and_subject() -> None:
    text = "1-5月，南通高新区平均贷款利率较去年同期下降0.45个百分点，高于全市平均水平2.6个百分点。"
    block, doc = make(text)
    metrics = extract_metrics(block, doc, issue_date=date(2025, 6, 18))
    assert [m.period for m in metrics] == ["1-5月", "1-5月"]
    assert [m.subject for m in metrics] == ["南通高新区", "南通高新区"]
    assert metrics[0].period_range is not None and metrics[0].period_range.end == "2025-05-31"


def test_generic_zone_without_a_name_is_kept_as_written() -> None:
    block, doc = make("高新区规模以上工业企业实现营业收入486.2亿元。")
    [m] = extract_metrics(block, doc)
    assert m.subject == "高新区" and m.indicator == "规模以上工业企业实现营业收入"


def test_same_value_for_different_subjects_is_kept() -> None:
    block, doc = make("孝感高新区营业收入同比增长5%。珠海高新区营业收入同比增长5%。")
    assert [m.subject for m in extract_metrics(block, doc)] == ["孝感高新区", "珠海高新区"]


def test_source_of_a_statistic_is_not_its_subject() -> None:
    block, doc = make(
        "孝感高新区加快发展。据高新区经济发展局统计，生物医药产业实现营业收入64.3亿元，比上年增长11.2%。"
    )
    metrics = extract_metrics(block, doc)
    # a sector opening its clause is named with its zone (the gold's 苏州工业园区生物医药产业)
    assert [m.subject for m in metrics] == ["孝感高新区生物医药产业", "孝感高新区生物医药产业"]
    assert metrics[1].indicator == "营业收入增长"  # the sector is in the subject


@pytest.mark.parametrize(
    ("text", "subject"),
    [
        (
            "在包头三隆稀有金属材料有限责任公司车间，企业投入近700万元。",
            "包头三隆稀有金属材料有限责任公司",
        ),
        ("合肥高新区联合安徽省担保集团发放贷款5亿元。", "安徽省担保集团"),
        ("营商环境全面优化豪达线束公司从签约到发证仅用时1天。", "豪达线束公司"),
        ("新疆高新卓盈融资租赁有限公司签订合同金额300万元。", "新疆高新卓盈融资租赁有限公司"),
        ("孝感高新区形成发展新格局，引进项目12个。", "孝感高新区"),
        ("湘投金天新材的“焊管开发”项目已授权发明专利2项。", "湘投金天新材"),
    ],
)
def test_subject_names(text: str, subject: str) -> None:
    block, doc = make(text)
    assert [m.subject for m in extract_metrics(block, doc)] == [subject]


def test_block_not_in_document_is_a_typed_error() -> None:
    from summarizer.errors import GroundingError

    doc = Document("别的文字", "别的文字", list(range(5)))
    block = Block(id="x", kind=BlockKind.ARTICLE, text="营业收入5亿元", span=(0, 4))
    with pytest.raises(GroundingError):
        extract_metrics(block, doc)


def test_each_value_goes_to_its_name() -> None:
    block, doc = make(
        "杭州高新区企业回升，大立、博日、红相三家企业分别增长370.4%、298.3%、1396.4%。"
    )
    metrics = extract_metrics(block, doc)
    assert [(m.value, m.subject) for m in metrics[1:]] == [
        (370.4, "大立"),
        (298.3, "博日"),
        (1396.4, "红相"),
    ]
    assert metrics[0].value == 3 and metrics[0].subject == "杭州高新区"
    block, doc = make("1-5月，孝感高新区进出口、出口分别增长5%、6%。")
    metrics = extract_metrics(block, doc)
    assert [(m.subject, m.indicator) for m in metrics] == [
        ("孝感高新区", "进出口增长"),
        ("孝感高新区", "出口增长"),
    ]


def test_examples_of_a_list_are_not_the_subject() -> None:
    block, doc = make("宝鸡高新区集中签约航空钛合金产业园等项目26个，总金额93.8亿元。")
    assert [m.subject for m in extract_metrics(block, doc)] == ["宝鸡高新区", "宝鸡高新区"]


def test_indicators_of_chained_numbers() -> None:
    block, doc = make("大庆高新区举办竞赛，参赛的8支队伍96名选手同台比拼。")
    assert [m.indicator for m in extract_metrics(block, doc)] == ["参赛队伍", "参赛选手"]
    block, doc = make("包头稀土高新区依托22.6平方公里的黄河国家湿地公园。")
    [m] = extract_metrics(block, doc)
    assert m.indicator == "黄河国家湿地公园面积"
    block, doc = make("宝鸡高新区实施总投资54.5亿元的生态建设项目3个。")
    assert [m.indicator for m in extract_metrics(block, doc)] == ["实施总投资", "生态建设项目"]


def test_offices_quoted_as_sources_are_not_subjects() -> None:
    text = "孝感高新区加快发展。记者从高新区经济发展局获悉，生物医药产业实现营业收入64.3亿元。"
    block, doc = make(text)
    assert [m.subject for m in extract_metrics(block, doc)] == ["孝感高新区生物医药产业"]


# --- generalisation rules (held-out follow-up); fixtures written for these tests -----------------


def _metrics(text: str, title: str | None = None):
    block, doc = make(text, title)
    return extract_metrics(block, doc)


def test_a_change_verb_carries_over_parallel_clauses() -> None:
    ms = _metrics(
        "今年以来，甲市高新区新登记企业2.1万家；乙地区合计0.85万家；丙地区不足900家。"
        "园区新设外资项目40个，其中总投资超5亿元的重大外资项目6个。"
    )
    for value in (2.1, 0.85, 900, 40, 6):
        assert by_value(ms, value).kind is MetricKind.CHANGE_AMOUNT, value


def test_a_clause_with_its_own_verb_does_not_inherit_a_change() -> None:
    ms = _metrics("园区新增上市企业3家，首发募集资金合计8.2亿元，每年举办路演活动不少于20场。")
    assert by_value(ms, 3).kind is MetricKind.CHANGE_AMOUNT
    assert by_value(ms, 8.2).kind is MetricKind.LEVEL
    fifty = by_value(ms, 20)
    assert (fifty.kind, fifty.qualifier) == (MetricKind.LEVEL, Qualifier.OVER)


def test_thousands_separators_keep_the_quote_whole() -> None:
    ms = _metrics("甲高新区、乙高新区分别新登记1,205家和1,087家。")
    first, second = by_value(ms, 1205), by_value(ms, 1087)
    assert first.subject == "甲高新区" and second.subject == "乙高新区"
    assert "1,087家" in second.quote and "1,205家" in first.quote


def test_an_event_is_the_subject_of_its_numbers() -> None:
    ms = _metrics(
        "9月1日，第五届中国（成都）国际数字经济博览会在成都开幕。本届博览会展览面积约8万平方米，"
        "吸引600家企业参展。"
    )
    assert by_value(ms, 8).subject == "第五届中国（成都）国际数字经济博览会"
    assert by_value(ms, 600).subject == "第五届中国（成都）国际数字经济博览会"


def test_an_event_named_as_an_example_is_not_the_subject() -> None:
    ms = _metrics("今年，甲高新区共举办乙市供应商大会暨丙产业恳谈会等招商活动5场。")
    assert by_value(ms, 5).subject == "甲高新区"


def test_a_sector_opening_a_clause_is_named_with_its_zone() -> None:
    ms = _metrics(
        "上半年，甲高新区实现地区生产总值300亿元。新材料产业上半年实现产值95亿元，同比增长8.2%，"
        "外贸进出口40亿元。"
    )
    assert by_value(ms, 95).subject == "甲高新区新材料产业"
    assert by_value(ms, 8.2).subject == "甲高新区新材料产业"
    assert by_value(ms, 40).subject == "甲高新区"  # a clause with its own topic


def test_national_statistics_by_sector() -> None:
    ms = _metrics(
        "统计局日前发布数据，前三季度，全国高技术产业投资同比增长7.6%。其中，医药制造业投资下降2.1%。"
    )
    assert by_value(ms, 7.6).subject == "全国高技术产业"
    assert by_value(ms, -2.1).subject == "全国医药制造业"


def test_a_region_inside_a_clause_is_a_base_not_the_subject() -> None:
    ms = _metrics("甲高新区高新技术企业超过2万家，占全国总数的两成，集聚了全国约15%的研发机构。")
    assert by_value(ms, 15).subject == "甲高新区"
    assert by_value(ms, 2).subject == "甲高新区"


def test_the_whole_district_is_the_zone() -> None:
    ms = _metrics("乙高新区召开大会。截至6月底，全区累计培育专精特新企业35家。")
    assert by_value(ms, 35).subject == "乙高新区"


def test_an_office_announcing_numbers_is_not_their_subject() -> None:
    ms = _metrics("丙市统计局7月5日发布数据，全市软件业务收入增长9.5%。")
    assert by_value(ms, 9.5).subject != "丙市统计局"


def test_an_unnamed_company_opening_a_clause_is_the_subject() -> None:
    ms = _metrics(
        "上半年，甲高新区光电子企业加快转型。乙光电上半年营业收入41.5亿元，同比增长3.2%。"
        "丙货运专列累计开行64列。"
    )
    assert by_value(ms, 41.5).subject == "乙光电"
    assert by_value(ms, 3.2).subject == "乙光电"
    assert by_value(ms, 64).subject == "丙货运专列"


def test_what_is_counted_is_not_a_topic() -> None:
    ms = _metrics("甲高新区加快发展。外资研发中心累计达到95家，规上企业平均产能已恢复到80%以上。")
    assert by_value(ms, 95).subject == "甲高新区"
    assert by_value(ms, 80).subject == "甲高新区"


def test_a_title_without_a_name_gives_the_topic() -> None:
    ms = _metrics(
        "某银行日前发布消息，将绿色转型专项再贷款额度由2000亿元增加至3000亿元。"
        "截至5月末，合同金额约1,260亿元。",
        title="绿色转型专项再贷款额度增至3000亿元",
    )
    assert by_value(ms, 1260).subject == "绿色转型专项再贷款额度"


def test_a_quoted_product_after_a_purpose_phrase_is_the_topic() -> None:
    ms = _metrics("面向小微企业的“普惠科创贷”单笔额度最高为300万元。")
    assert by_value(ms, 300).subject == "普惠科创贷"


def test_indicators_of_listed_and_repeated_counts() -> None:
    ms = _metrics("新政策包含2个总体政策和9个专项政策。园区新增上市企业4家，累计达到37家。")
    assert by_value(ms, 9).indicator == "专项政策"
    assert by_value(ms, 37).indicator == "上市企业"


def test_listed_examples_with_their_noun_and_quoted_train_names_are_topics() -> None:
    ms = _metrics(
        "在链主企业带动下，甲光电、乙新材等龙头企业上半年新引进配套企业十余家。"
        "中欧班列“天山号”货运专列累计开行88列。"
    )
    assert by_value(ms, 10).subject == "甲光电、乙新材等龙头企业"
    assert by_value(ms, 88).subject == "中欧班列“天山号”货运专列"


def test_a_spokesman_of_an_office_is_a_source() -> None:
    ms = _metrics("全市工业投资增长5%。某市统计局新闻发言人表示，全年新增规上企业120家。")
    assert by_value(ms, 120).subject != "某市统计局"


def test_listed_products_measured_by_one_noun_are_subjects() -> None:
    ms = _metrics("5月份，光伏电池、锂电池、服务器产量分别增长12.5%、8.1%和3.3%。")
    assert [(by_value(ms, v).subject, by_value(ms, v).indicator) for v in (12.5, 8.1, 3.3)] == [
        ("光伏电池", "产量增长"),
        ("锂电池", "产量增长"),
        ("服务器", "产量增长"),
    ]
    # names that are measures themselves stay indicators (进出口、出口分别增长…)
    ms = _metrics("甲高新区进出口、出口分别增长6.5%、7.2%。")
    assert by_value(ms, 6.5).indicator == "进出口增长"


def test_a_company_short_name_opening_a_clause_is_the_subject() -> None:
    ms = _metrics(
        "甲高新区企业加大研发。乙丙科技研发投入3.2亿元，占营业收入的比重达6.4%。科技型企业1200家。"
    )
    assert by_value(ms, 3.2).subject == "乙丙科技"
    assert by_value(ms, 6.4).subject == "乙丙科技"
    assert by_value(ms, 1200).subject == "甲高新区"  # 科技型企业 is what is counted


def test_a_short_quote_reads_on_instead_of_into_the_previous_sentence() -> None:
    block, doc = make("营收同比增长17.7%。园区已连续6年举办创新大会，累计签约项目超过300个。")
    six = by_value(extract_metrics(block, doc), 6)
    assert six.quote == "园区已连续6年举办创新大会"
    assert ground_metric(six, block, doc).ok


@pytest.mark.parametrize(
    "title", ["园区举办夏季招聘会", "“小巨人”企业达28家", "园区研发投入强度达到5.8%"]
)
def test_titles_that_name_no_topic_give_none(title: str) -> None:
    ms = _metrics("今年以来，新增就业岗位1200个。", title=title)
    assert by_value(ms, 1200).subject is None
