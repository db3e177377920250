"""normalize: layout repair rules, the offset map contract, and hypothesis properties."""

from __future__ import annotations

import re
from itertools import pairwise

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from summarizer.normalize import Document, OffsetMap, ends_paragraph, fold_chars, normalize

_WS = re.compile(r"[\s\u200b\u200c\u200d\u2060\ufeff]+")
_DASHES = re.compile(r"[\u2010-\u2015\u2212\uff0d~\uff5e\u301c-]")


def _canon(text: str) -> str:
    """Whitespace removed, full-width folded, every dash variant as "-" (the 1:1 folds)."""
    return _DASHES.sub("-", _WS.sub("", fold_chars(text)))


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("“ 赋 能 可 持 续 未 来”", "“赋能可持续未来”"),
        ("增加值 1.28 亿 元。", "增加值1.28亿元。"),
        ("5 月 20 日，记者获悉。", "5月20日，记者获悉。"),
        ("引入 Open Source 社区的做法。", "引入Open Source社区的做法。"),
        ("总额１２３．５亿元，增长１０％。", "总额123.5亿元，增长10%。"),
        ("１—５月，产值增长。", "1-5月，产值增长。"),
        ("1～5月与3 %。", "1-5月与3%。"),
        ("“孵化—加速—产业化”全链条。", "“孵化—加速—产业化”全链条。"),
        ("  前后空白  \n\n\n", "前后空白"),
        ("第一行。\r\n第二行。", "第一行。\n第二行。"),
        ("第 2 9 届 世 界 燃 气 大 会", "第29届世界燃气大会"),
        ("共 1 2 3 家企业。", "共123家企业。"),
        ("增 加 值 1 . 2 8 亿 元", "增加值1.28亿元"),
        ("产值 12.3 45.6 亿元", "产值12.3 45.6亿元"),
        ("items 1 2 3 and 4 5.", "items 1 2 3 and 4 5."),
    ],
)
def test_examples(raw: str, expected: str) -> None:
    assert normalize(raw).text == expected


def test_column_breaks_join_without_space_and_paragraphs_stay() -> None:
    raw = (
        "本报讯（记者 张伟）5月20日，记者\n\n从规划司获悉，今年第一季度，增加值\n\n"
        "1.7万亿元，同比增长7.1%。\n\n工业和信息化部发布的数据显示，截\n\n至目前共178家。"
    )
    assert normalize(raw).text == (
        "本报讯（记者张伟）5月20日，记者从规划司获悉，今年第一季度，增加值1.7万亿元，同比增长7.1%。\n"
        "工业和信息化部发布的数据显示，截至目前共178家。"
    )


def test_latin_words_broken_across_lines_get_one_space() -> None:
    assert normalize("the quick brown\nfox jumps, then\nsleeps.").text == (
        "the quick brown fox jumps, then sleeps."
    )


def test_headlines_bylines_credits_and_indexes_keep_their_lines() -> None:
    raw = (
        "城东片区 “一站式”服务让项目跑出加速度\n\n► 刘洋\n\n智能装备产业园一角\n\n"
        "图片来源:高新区管委会\n\n今年以来,片区新签约项目38个,总投资126.5亿元。\n\n"
        "# 标题\n\n3版\n\n4版"
    )
    lines = normalize(raw).text.split("\n")
    assert lines == [
        "城东片区“一站式”服务让项目跑出加速度",
        "►刘洋",
        "智能装备产业园一角",
        "图片来源:高新区管委会",
        "今年以来,片区新签约项目38个,总投资126.5亿元。",
        "#标题",
        "3版",
        "4版",
    ]


def test_table_of_contents_lines_are_not_joined() -> None:
    # headline-like lines with a comma but no sentence end, followed by a page index
    raw = "经营承压，光伏企业怎样寻求突围之道\n\n汽车产业“三化”需重新定义底层逻辑\n\n3版\n\n4版"
    assert normalize(raw).text.split("\n")[:2] == [
        "经营承压，光伏企业怎样寻求突围之道",
        "汽车产业“三化”需重新定义底层逻辑",
    ]


def test_list_items_and_leads_start_their_own_lines() -> None:
    raw = "主要措施如下\n1、加大投入力度,\n2、优化服务流程。\n本报讯 近日,园区举行签约仪式。"
    assert normalize(raw).text.split("\n") == [
        "主要措施如下",
        "1、加大投入力度,",
        "2、优化服务流程。",
        "本报讯近日,园区举行签约仪式。",
    ]


def test_spaces_between_trailing_author_names_are_kept() -> None:
    doc = normalize("推动项目早日投产达效。 巩茜 宋格\n\n安康高新区兑奖1650万元 助力企业达产达效")
    assert doc.text.split("\n") == [
        "推动项目早日投产达效。 巩茜 宋格",
        "安康高新区兑奖1650万元助力企业达产达效",
    ]


def test_offset_map_contract() -> None:
    original = "大会同时举办展览，面 积 达 5 万 平\n\n方 米 ，为１—５月\n最高。"
    doc = normalize(original)
    assert isinstance(doc, Document)
    offsets = list(doc.offsets)
    assert len(doc.offsets) == len(doc.text) + 1 == len(offsets)
    assert offsets[-1] == len(original)
    assert all(a < b for a, b in pairwise(offsets))
    i = doc.text.index("平方米")
    start, end = doc.to_original(i, i + 3)
    assert _canon(original[start:end]) == "平方米"
    assert original[start] == "平" and original[end - 1] == "米"
    assert doc.offsets[i] == start and doc.offsets[-1] == len(original)
    assert doc.offsets[i : i + 2] == offsets[i : i + 2]
    assert doc.to_original(i, i) == (start, start)
    with pytest.raises(ValueError):
        doc.to_original(0, len(doc.text) + 1)
    with pytest.raises(IndexError):
        doc.offsets[len(doc.text) + 1]


def test_offset_map_equals_a_plain_list() -> None:
    identity = OffsetMap.identity(3)
    assert identity == [0, 1, 2, 3]
    assert list(identity) == [0, 1, 2, 3]
    assert identity != [0, 1, 2]


def test_empty_and_blank() -> None:
    assert normalize("").text == ""
    assert normalize(" \n\u3000\n").text == ""
    assert list(normalize(" \n").offsets) == [2]


def test_single_huge_line_is_linear() -> None:
    line = "高新区营业收入增长12.3%，" * 40_000 + "完。"
    doc = normalize(line)
    assert doc.text == line
    assert len(doc.offsets.runs()) == 1


def test_corpus_is_repaired(corpus_files: list) -> None:
    texts = {p.name: normalize(p.read_text(encoding="utf-8")).text for p in corpus_files}
    joined = "\n".join(texts.values())
    assert "5月20日，以“赋能可持续未来”为主题的第29届世界燃气大会" in joined
    assert "面积达5万平方米，为历届世界燃气大会之最。" in joined
    assert "从8个方面提出23条工作措施" not in joined  # the source says "等8个方面提出23条"
    assert "做好组织实施等8个方面提出23条工作措施。" in joined
    for text in texts.values():
        assert normalize(text).text == text


# --- properties -------------------------------------------------------------------------------

_PIECES = st.sampled_from(
    [
        "高",
        "新",
        "区",
        "营",
        "业",
        "收",
        "入",
        "同",
        "比",
        "增",
        "长",
        "。",
        "，",
        "、",
        "“",
        "”",
        "（",
        "）",
        "：",
        "；",
        "…",
        "—",
        "～",
        "1",
        "2",
        "5",
        ".",
        "%",
        "-",
        "１",
        "２",
        "％",
        "．",
        "Ａ",
        "ｂ",
        "a",
        "b",
        "Z",
        " ",
        "  ",
        "\u3000",
        "\t",
        "\n",
        "\n\n",
        "\r\n",
        "\u200b",
        "本报讯",
        "（记者 张伟）",
        "► ",
        "# ",
        "## ",
        "图片来源:",
        "/摄",
        "3版",
        "本 期 导 读",
        "http://x.cn",
        "【招商】",
        "1、",
        "巩茜 宋格",
        "。 王蔚",
        "亿 元",
        "5 月",
    ]
)
_TEXTS = st.lists(_PIECES, max_size=60).map("".join)


@settings(max_examples=300, deadline=None)
@given(_TEXTS)
def test_idempotent(text: str) -> None:
    once = normalize(text).text
    assert normalize(once).text == once


@settings(max_examples=300, deadline=None)
@given(_TEXTS, st.data())
def test_mapped_spans_cover_the_same_characters(text: str, data: st.DataObject) -> None:
    doc = normalize(text)
    n = len(doc.text)
    offsets = list(doc.offsets)
    assert len(offsets) == n + 1 and offsets[-1] == len(text)
    assert all(a < b for a, b in pairwise(offsets))
    kept = set(offsets[:-1])
    deleted = "".join(ch for i, ch in enumerate(text) if i not in kept)
    assert not _WS.sub("", deleted), "only whitespace may be deleted"
    start = data.draw(st.integers(0, n))
    end = data.draw(st.integers(start, n))
    a, b = doc.to_original(start, end)
    assert _canon(text[a:b]) == _canon(doc.text[start:end])


@settings(max_examples=200, deadline=None)
@given(_TEXTS, st.data())
def test_to_normalized_is_bisect_over_the_map(text: str, data: st.DataObject) -> None:
    from bisect import bisect_left

    doc = normalize(text)
    offsets = list(doc.offsets)
    start = data.draw(st.integers(0, len(text)))
    end = data.draw(st.integers(start, len(text)))
    assert doc.to_normalized(start, end) == (bisect_left(offsets, start), bisect_left(offsets, end))
    s, e = doc.to_normalized(start, end)
    assert all(start <= offsets[i] < end for i in range(s, e))


@settings(max_examples=200, deadline=None)
@given(st.lists(st.booleans(), min_size=1, max_size=40), st.data())
def test_offset_maps_compose_like_lists(keep_first: list[bool], data: st.DataObject) -> None:
    """Two deletion passes composed as runs equal the composition of the plain lists."""
    from array import array

    def as_map(keep: list[bool]) -> tuple[OffsetMap, list[int]]:
        kept = [i for i, k in enumerate(keep) if k]
        norm, orig = array("i"), array("i")
        for pos, i in enumerate(kept):
            if not (orig and orig[-1] + (pos - norm[-1]) == i):
                norm.append(pos)
                orig.append(i)
        if not norm:
            norm.append(0)
            orig.append(0)
        return OffsetMap(norm, orig, len(kept), len(keep)), [*kept, len(keep)]

    first, first_list = as_map(keep_first)
    keep_second = data.draw(
        st.lists(st.booleans(), min_size=len(first_list) - 1, max_size=len(first_list) - 1)
    )
    second, second_list = as_map(keep_second)
    composed = first.compose(second)
    expected = [first_list[j] for j in second_list[:-1]] + [len(keep_first)]
    assert list(composed) == expected


def test_a_number_broken_before_its_unit_is_joined() -> None:
    assert normalize("（记者 孙立）5 月 20\n\n日上午，园区举行签约仪式。").text == (
        "（记者孙立）5月20日上午，园区举行签约仪式。"
    )
    assert normalize("园区今年实现营业收入5\n\n亿元，同比增长12%。").text == (
        "园区今年实现营业收入5亿元，同比增长12%。"
    )


def test_a_headline_in_a_column_over_a_news_opening_keeps_its_line() -> None:
    column = [
        "下一步园区将继续优化营商",
        "环境，推动更多优质项目早",
        "落地、早投产、早见效。",
        "港口集团开辟三条国际航线助力外贸",
        "近日，港口集团开辟至东南",
        "亚、中东和非洲的三条国际",
        "航线，每周新增航班6班。",
    ]
    assert normalize("\n\n".join(column)).text.split("\n") == [
        "下一步园区将继续优化营商环境，推动更多优质项目早落地、早投产、早见效。",
        "港口集团开辟三条国际航线助力外贸",
        "近日，港口集团开辟至东南亚、中东和非洲的三条国际航线，每周新增航班6班。",
    ]


def test_a_web_address_broken_across_lines_is_joined_without_a_space() -> None:
    raw = "网址：http://w\n\nww.example.gov\n\n.cn/news\n\n本期导读\n\n城市更新 3版"
    assert normalize(raw).text == "网址：http://www.example.gov.cn/news\n本期导读\n城市更新3版"
    # a full address followed by Latin text is not an address going on
    assert normalize("网址：http://www.x.cn\n\nEnglish text here.").text == (
        "网址：http://www.x.cn\nEnglish text here."
    )


@pytest.mark.parametrize(
    "headline", ["港口集团开辟三条国际航线", "港口集团开辟三条国际航线助力外贸"]
)
def test_a_column_headline_its_news_item_repeats_keeps_its_line(headline: str) -> None:
    column = [
        "下一步园区将继续优化营商",
        "环境，推动更多优质项目早",
        "落地、早投产、早见效。",
        headline,
        "港口集团8日发布消息，今",
        "年起开辟至东南亚、中东和",
        "非洲的三条国际航线，每周",
        "新增航班6班。",
    ]
    assert normalize("\n\n".join(column)).text.split("\n")[1] == headline


def test_running_text_that_does_not_repeat_itself_is_still_joined() -> None:
    column = [
        "下一步园区将继续优化营商",
        "环境，推动更多优质项目早",
        "落地、早投产、早见效。",
        "港口集团有关负责人表示将",
        "进一步加密航线网络，服务",
        "外贸企业拓展海外市场。",
    ]
    assert normalize("\n\n".join(column)).text.split("\n")[1] == (
        "港口集团有关负责人表示将进一步加密航线网络，服务外贸企业拓展海外市场。"
    )


@pytest.mark.parametrize("line", ["转第2版）", "早见效。（下转第3版）", "入选。(下转A3版)"])
def test_a_jump_marker_ends_the_paragraph(line: str) -> None:
    assert ends_paragraph(line)


def test_a_jump_marker_broken_at_the_column_edge_ends_the_paragraph() -> None:
    doc = normalize("项目总投资18.5亿元。（下\n转第2版）\n\n人才服务中心同日揭牌。\n")
    assert doc.text == "项目总投资18.5亿元。（下转第2版）\n人才服务中心同日揭牌。"
