"""The number parser: what is a statistic, its value, unit, normalised value, qualifier and kind."""

from __future__ import annotations

import pytest

from summarizer.extract.numbers import find_numbers, parse_chinese_numeral, parse_number
from summarizer.models import MetricKind, NormalizedUnit, Qualifier


def one(text: str):
    found = find_numbers(text)
    assert len(found) == 1, [text[p.start : p.end] for p in found]
    return found[0]


@pytest.mark.parametrize(
    ("text", "value", "unit", "normalized", "norm_unit"),
    [
        ("实现规模以上工业增加值1.7万亿元", 1.7, "万亿元", 1.7e12, NormalizedUnit.CNY),
        ("实现外商直接投资1590万美元", 1590, "万美元", 1.59e7, NormalizedUnit.USD),
        ("引进外资2.5亿欧元", 2.5, "亿欧元", 2.5e8, NormalizedUnit.EUR),
        ("同比增长7.1%", 7.1, "%", 7.1, NormalizedUnit.PERCENT),
        ("高出21.4个百分点", 21.4, "个百分点", 21.4, NormalizedUnit.PERCENTAGE_POINT),
        ("新建厂房4.2万个", 4.2, "万个", 42000, NormalizedUnit.COUNT),
        ("展览面积达5万平方米", 5, "万平方米", 50000, NormalizedUnit.AREA_M2),
        ("依托22.6平方公里的湿地", 22.6, "平方公里", 2.26e7, NormalizedUnit.AREA_M2),
        ("把1600亩商住用地", 1600, "亩", 1600 * 666.67, NormalizedUnit.AREA_M2),
        ("经营主体规模达到3.5242万户", 3.5242, "万户", 35242, NormalizedUnit.COUNT),
        ("合计1,234家企业", 1234, "家", 1234, NormalizedUnit.COUNT),
        ("产能5万立方米", 5, "万立方米", 50000, NormalizedUnit.OTHER),
        ("年产10平方米/年的产线", 10, "平方米/年", 10, NormalizedUnit.OTHER),
        ("标题：规上工业增加值1.7万亿", 1.7, "万亿", 1.7e12, NormalizedUnit.OTHER),
        ("资金三千万元", 3000, "万元", 3e7, NormalizedUnit.CNY),
        ("占比百分之二十", 20, "%", 20, NormalizedUnit.PERCENT),
        ("营业收入１２．５亿元", 12.5, "亿元", 1.25e9, NormalizedUnit.CNY),
    ],
)
def test_values_units_and_normalisation(text, value, unit, normalized, norm_unit) -> None:
    p = one(text)
    assert p.value == pytest.approx(value)
    assert p.unit == unit
    assert abs(p.normalized_value) == pytest.approx(normalized)
    assert p.normalized_unit is norm_unit


@pytest.mark.parametrize(
    ("text", "value", "norm", "norm_unit", "qualifier"),
    [
        ("大立、博日、红相三家企业", 3, 3, NormalizedUnit.COUNT, Qualifier.EXACT),
        ("近三成的企业", 3, 30, NormalizedUnit.PERCENT, Qualifier.APPROX),
        ("两成企业", 2, 20, NormalizedUnit.PERCENT, Qualifier.EXACT),
        ("建成十余个平台", 10, 10, NormalizedUnit.COUNT, Qualifier.OVER),
        ("共一百二十家", 120, 120, NormalizedUnit.COUNT, Qualifier.EXACT),
        ("中国证监会等八部门联合印发", 8, 8, NormalizedUnit.COUNT, Qualifier.EXACT),
        ("组织百余家企业", 100, 100, NormalizedUnit.COUNT, Qualifier.OVER),
        ("千余人参加", 1000, 1000, NormalizedUnit.COUNT, Qualifier.OVER),
    ],
)
def test_chinese_numerals(text, value, norm, norm_unit, qualifier) -> None:
    p = one(text)
    assert (p.value, abs(p.normalized_value), p.normalized_unit, p.qualifier) == (
        value,
        norm,
        norm_unit,
        qualifier,
    )


@pytest.mark.parametrize(
    ("text", "qualifier"),
    [
        ("投入近700万元", Qualifier.APPROX),
        ("同比增长约27%", Qualifier.APPROX),
        ("约200人左右", Qualifier.APPROX),
        ("增长5%上下", Qualifier.APPROX),
        ("约占全区总量的四成", Qualifier.APPROX),
        ("金额超5000万元", Qualifier.OVER),
        ("超过200家", Qualifier.OVER),
        ("逾300家", Qualifier.OVER),
        ("共计1650余万元", Qualifier.OVER),
        ("1000多家", Qualifier.OVER),
        ("占比达到50%以上", Qualifier.OVER),
        ("突破1000家", Qualifier.OVER),
        ("最低5万元", Qualifier.OVER),
        ("不到10%", Qualifier.UNDER),
        ("不足3家", Qualifier.UNDER),
        ("降至1%以内", Qualifier.UNDER),
        ("企业最高可获担保额度1000万元", Qualifier.UNDER),
        ("费率不超过1%", Qualifier.UNDER),
        ("完成工业投资26.7亿元", Qualifier.EXACT),
    ],
)
def test_qualifiers(text: str, qualifier: Qualifier) -> None:
    assert one(text).qualifier is qualifier


@pytest.mark.parametrize(
    ("text", "kind", "sign"),
    [
        ("工业增加值同比增长18.8%", MetricKind.CHANGE_RATE, 1),
        ("增速达5%", MetricKind.CHANGE_RATE, 1),
        ("同比下降3%", MetricKind.CHANGE_RATE, -1),
        ("平均减少办理时限82%", MetricKind.CHANGE_RATE, -1),
        ("占年度任务的55.49%", MetricKind.SHARE, 1),
        ("开工率达93%", MetricKind.SHARE, 1),
        ("99%的排放废物可利用", MetricKind.SHARE, 1),
        ("担保费率全部降至1%以内", MetricKind.LEVEL, 1),
        ("新增经营主体1785户", MetricKind.CHANGE_AMOUNT, 1),
        ("协议投资额超去年同期371.15亿元", MetricKind.CHANGE_AMOUNT, 1),
        ("规模以上工业增加值1.7万亿元", MetricKind.LEVEL, 1),
        ("生产线从4条增至10条", MetricKind.LEVEL, 1),
        ("较平均水平高出21.4个百分点", MetricKind.OTHER, 1),
        ("占比提高到30%", MetricKind.SHARE, 1),
        ("营收增长率达12%", MetricKind.CHANGE_RATE, 1),
        ("同比增长1.2倍", MetricKind.CHANGE_RATE, 1),
        ("比上年减少3亿元", MetricKind.CHANGE_AMOUNT, -1),
    ],
)
def test_kind_hints(text: str, kind: MetricKind, sign: int) -> None:
    p = find_numbers(text)[-1]
    assert (p.kind, p.sign) == (kind, sign)
    assert p.signed_value == p.value * sign


def test_a_decrease_is_negative_in_the_normalised_value() -> None:
    p = one("办理材料减少45%")
    assert p.value == 45 and p.normalized_value == -45


@pytest.mark.parametrize(
    "text",
    [
        "5月20日，记者获悉",
        "5 月 20 日，以",
        "2024年5月，2019年度",
        "上午10时30分开幕",
        "第29届世界燃气大会",
        "第一批企业，一是加强，二是推进",
        "见第3版和11版",
        "5G基站和51020工程",
        "“1+N”审批模式",
        "以“四个一”举措为项目赋能",
        "联系电话：0917-3214567",
        "董事长今年56岁",
        "今年1-5月，1至5月，1—5月",
        "三大工程、三篇文章、十四五规划",
        "一企一策，一站式服务",
        "二次利用",
        "规模以上企业，亿元以上项目",
        "RTP2000型号",
        "1..7亿元的错误",
        "七点一%的错误",
        "1e30元",
        "3个“一件事”",
        "建区30年来，成立30周年",
        "实现两位数增长",
        "2021—2025年规划",
        "实施5年行动计划，打造15分钟生活圈",
    ],
)
def test_not_metrics(text: str) -> None:
    assert [text[p.start : p.end] for p in find_numbers(text)] == []


def test_ranges_give_both_ends_with_the_shared_unit() -> None:
    found = find_numbers("每年新增3-5家企业")
    assert [(p.value, p.unit) for p in found] == [(3, "家"), (5, "家")]


def test_spaced_out_layout_is_read_through() -> None:
    text = "面 积 达 5 万 平 方\n\n米，为历届之最"
    p = one(text)
    assert p.normalized_value == 50000 and p.normalized_unit is NormalizedUnit.AREA_M2
    assert text[p.start : p.end].startswith("5") and text[p.start : p.end].endswith("米")


def test_offsets_point_at_number_and_unit() -> None:
    text = "今年第一季度，实现营业收入7.8亿元、同比增长131.5%。"
    found = find_numbers(text)
    assert [text[p.start : p.end] for p in found] == ["7.8亿元", "131.5%"]
    assert [text[p.num_start : p.num_end] for p in found] == ["7.8", "131.5"]


def test_list_of_rates_shares_the_verb() -> None:
    found = find_numbers("三家企业分别增长370.4%、298.3%、1396.4%")
    assert [p.kind for p in found[1:]] == [MetricKind.CHANGE_RATE] * 3


@pytest.mark.parametrize(
    ("literal", "value"),
    [("三", 3), ("十", 10), ("十二", 12), ("二十", 20), ("一百二十", 120), ("一百零五", 105),
     ("三千", 3000), ("十二万三千", 123000), ("一亿二千万", 120_000_000), ("三万亿", 3 * 10**12)],
)  # fmt: skip
def test_parse_chinese_numeral(literal: str, value: int) -> None:
    assert parse_chinese_numeral(literal) == value


@pytest.mark.parametrize("literal", ["三五", "十四五", "百", "千", "", "万亿", "abc"])
def test_malformed_chinese_numerals(literal: str) -> None:
    assert parse_chinese_numeral(literal) is None


@pytest.mark.parametrize("literal", ["1..7", "1.", "9" * 30])
def test_malformed_digit_literals(literal: str) -> None:
    assert parse_number(literal) is None


def test_absurd_but_well_formed_values_stay_finite() -> None:
    p = one("总额达999999999999999亿元")
    assert p.normalized_value == pytest.approx(999999999999999 * 1e8)


def test_text_without_numbers() -> None:
    assert find_numbers("没有任何数字的一段文字。") == []
    assert find_numbers("") == []


def test_size_classes_are_not_statistics() -> None:
    text = "其中超10亿元项目5个，年营收500万元以上企业32家"
    assert [text[p.start : p.end] for p in find_numbers(text)] == ["5个", "32家"]


@pytest.mark.parametrize(
    ("text", "normalized", "unit"),
    [("投资一亿元", 1e8, NormalizedUnit.CNY), ("吸引十万人次", 1e5, NormalizedUnit.COUNT),
     ("两万元", 2e4, NormalizedUnit.CNY)],
)  # fmt: skip
def test_chinese_numerals_with_magnitudes(
    text: str, normalized: float, unit: NormalizedUnit
) -> None:
    p = one(text)
    assert (p.normalized_value, p.normalized_unit) == (normalized, unit)


@pytest.mark.parametrize("text", ["数十家企业", "几十个项目", "若干家单位", "一家企业", "一个项目"])
def test_vague_chinese_counts_are_not_invented(text: str) -> None:
    assert find_numbers(text) == []


# --- generalisation rules (held-out follow-up); fixtures written for these tests -----------------


@pytest.mark.parametrize(
    ("text", "value", "unit", "normalized", "qualifier"),
    [
        ("预计年产值超百亿元", 100, "亿元", 1e10, Qualifier.OVER),
        ("产业规模突破千亿元", 1000, "亿元", 1e11, Qualifier.OVER),
        ("其中规上企业近百家", 100, "家", 100, Qualifier.APPROX),
        ("带动就业逾千人", 1000, "人", 1000, Qualifier.OVER),
        ("累计发行规模突破万亿元", 1, "万亿元", 1e12, Qualifier.OVER),
    ],
)
def test_round_magnitudes_after_a_qualifier(text, value, unit, normalized, qualifier) -> None:
    p = one(text)
    assert (p.value, p.unit, p.normalized_value, p.qualifier) == (
        value,
        unit,
        normalized,
        qualifier,
    )


@pytest.mark.parametrize("text", ["打造百亿元级产业集群", "百家争鸣", "千亿级赛道", "数百家企业"])
def test_bare_round_magnitudes_without_a_qualifier_are_not_statistics(text: str) -> None:
    assert find_numbers(text) == []


@pytest.mark.parametrize(
    ("text", "unit", "value"),
    [
        ("货运专列累计开行85列", "列", 85),
        ("每天开行往返班车12趟", "趟", 12),
        ("保障航班起降340架次", "架次", 340),
        ("首批8只基金已经设立", "只", 8),
    ],
)
def test_general_counters(text: str, unit: str, value: float) -> None:
    p = one(text)
    assert (p.unit, p.value, p.normalized_unit) == (unit, value, NormalizedUnit.COUNT)


def test_a_counter_character_starting_a_verb_is_not_a_unit() -> None:
    assert find_numbers("有3列入选省级名单") == []


def test_qualifier_between_magnitude_and_counter() -> None:
    p = one("服务2.5万余家小微企业")
    assert (p.unit, p.normalized_value, p.qualifier) == ("万家", 25000, Qualifier.OVER)
    assert "服务2.5万余家小微企业"[p.start : p.end] == "2.5万余家"


def test_basis_points_keep_their_unit_and_sign() -> None:
    p = one("平均利率较上年下降约25个基点")
    assert (p.unit, p.normalized_value, p.kind, p.qualifier) == (
        "个基点",
        -25,
        MetricKind.CHANGE_RATE,
        Qualifier.APPROX,
    )


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("贷款利率下调0.5个百分点", -0.5),
        ("成本较市场水平低近2个百分点", -2),
        ("增速高于全省1.2个百分点", 1.2),
        ("占比提高3个百分点", 3),
    ],
)
def test_percentage_points_are_kind_other_and_signed(text: str, value: float) -> None:
    p = one(text)
    assert p.kind is MetricKind.OTHER
    assert p.normalized_value == value


def test_the_value_reached_after_a_change_is_a_level() -> None:
    found = find_numbers("存款利率下调0.1个百分点至2.5%")
    assert [(p.kind, p.normalized_value) for p in found] == [
        (MetricKind.OTHER, -0.1),
        (MetricKind.LEVEL, 2.5),
    ]
    shares = find_numbers("覆盖面提高5个百分点至60%")
    assert shares[1].kind is MetricKind.SHARE


@pytest.mark.parametrize(
    ("text", "kind", "value"),
    [
        ("审批时间比上年缩短15天", MetricKind.CHANGE_AMOUNT, -15),
        ("运输时间减少6小时", MetricKind.CHANGE_AMOUNT, -6),
        ("产值增长3倍", MetricKind.CHANGE_RATE, 3),
    ],
)
def test_changes_of_other_units(text: str, kind: MetricKind, value: float) -> None:
    p = one(text)
    assert (p.kind, p.normalized_value) == (kind, value)


@pytest.mark.parametrize(
    "text",
    ["力争在2至3年内建成", "计划5年内新增", "其中投资超5亿元的重点项目8个"],
)
def test_timeframes_and_size_class_phrases(text: str) -> None:
    found = find_numbers(text)
    assert all(p.unit not in ("年", "亿元") for p in found), [p.unit for p in found]


def test_thousands_separators_do_not_break_the_clause_kind() -> None:
    found = find_numbers("分别新增1,105家和2,087家")
    assert [(p.value, p.kind) for p in found] == [
        (1105, MetricKind.CHANGE_AMOUNT),
        (2087, MetricKind.CHANGE_AMOUNT),
    ]


def test_one_project_of_a_size_is_a_statistic_but_counted_projects_are_a_class() -> None:
    assert [p.unit for p in find_numbers("总投资超50亿元的新能源项目开工")] == ["亿元"]
    assert [p.unit for p in find_numbers("其中投资超5亿元的重点项目有8个")] == ["个"]
