"""segment: blocks of hand-written fixture issues and of the corpus against its gold."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from summarizer.evaluation.gold import load_gold_dir, squash
from summarizer.evaluation.segmentation import evaluate_segmentation, total_score
from summarizer.models import Block, BlockKind
from summarizer.normalize import Document, normalize
from summarizer.segment import segment, segment_text

HERE = Path(__file__).resolve().parent
FIXTURES = HERE / "fixtures"
REPO = HERE.parent
SHARED = REPO.parent / "shared"

A, C, IDX, OTH = BlockKind.ARTICLE, BlockKind.CAPTION, BlockKind.INDEX, BlockKind.OTHER


def _blocks(name: str) -> tuple[Document, list[Block]]:
    return segment_text((FIXTURES / name).read_text(encoding="utf-8"))


def _check_invariants(doc: Document, blocks: list[Block]) -> None:
    assert [b.id for b in blocks] == [f"a{i}" for i in range(1, len(blocks) + 1)]
    for b in blocks:
        s, e = b.norm_span
        assert doc.text[s:e] == b.text
        start, end = b.span
        assert 0 <= start < end <= len(doc.original)
        # the block's text lies inside its original span
        ts, te = doc.to_original(s, e) if e > s else (start, start)
        assert start <= ts <= te <= end
        assert squash(b.text) == squash(_fold(doc.original[ts:te])) or b.text == ""
    starts = [b.span[0] for b in blocks]
    assert starts == sorted(starts)


def _fold(text: str) -> str:
    from summarizer.normalize import fold_chars

    return fold_chars(text)


def _summary(blocks: list[Block]) -> list[tuple[BlockKind, str | None, str | None, str, str]]:
    return [(b.kind, b.title, b.byline, squash(b.text)[:8], squash(b.text)[-8:]) for b in blocks]


def test_front_page_with_headline_list_photo_news_and_toc() -> None:
    doc, blocks = _blocks("column_page.txt")
    _check_invariants(doc, blocks)
    assert _summary(blocks) == [
        (A, None, "方圆", "4月28日，第十", "。图为市民在福建展区品茶。"[-8:]),
        (
            A,
            "前5月全市外贸进出口增长8.6%",
            "何清",
            "5月6日，记者从",
            "民营企业进出口占比提升至63.5%。"[-8:],
        ),
        (
            A,
            "江湾新区获批省级数字经济示范区",
            "孔莉 刘洋",
            "日前，省工信厅公",
            "支持企业数字化改造。"[-8:],
        ),
        (OTH, None, None, "市政府网站：ht", "ample.gov.cn"[-8:]),
        (IDX, "本期导读", None, "城市更新进入快车", "样本2版3版5版"[-8:]),
    ]


def test_wide_page_subheadings_captions_and_trailing_names() -> None:
    doc, blocks = _blocks("wide_page.txt")
    _check_invariants(doc, blocks)
    kinds = [b.kind for b in blocks]
    assert kinds == [A, C, C, A]
    first, caption, inner, second = blocks
    assert first.title == "滨湖科技城打造创新策源新高地" and first.byline == "周小平"
    # the sub-headings stay inside; the mid-sentence photo credit does not split the article
    assert "聚焦关键环节发力" in first.text and "“稳”字当头抓项目。" in first.text
    assert squash(first.text).startswith("今年以来,滨湖科技城")
    assert squash(first.text).endswith("这样的效率让他们对扩大投资更有信心。")
    assert "钱伟" not in first.text  # trailing author names are not body text
    assert squash(caption.text) == "智能制造产业园一角图片来源:滨湖科技城"
    assert inner.text == "图片来源:滨湖科技城" and inner.text in first.text
    assert second.title == "东港开发区“三个一”机制助企纾困"
    assert second.byline == "赵明 吴芳芳"
    assert squash(second.text).startswith("近日,东港开发区")  # the lead opener is not body text


def test_markdown_page_kicker_photo_news_tag_and_leads() -> None:
    doc, blocks = _blocks("markdown_page.txt")
    _check_invariants(doc, blocks)
    assert [b.kind for b in blocks] == [A, C, A, OTH, A, A]
    main, credit, photo, tag, xinhua, cont = blocks
    assert main.title == "青山湖高新区工业经济稳中有进"  # the markdown title, not the kicker
    assert main.byline == "许文静"
    assert "项目建设提速" in main.text and "专精特新企业8家。" in main.text
    assert credit.text == "图片来源:青山湖高新区"
    assert photo.title is None and squash(photo.text).endswith("图为比赛现场。")
    assert tag.text == "【招商引资】"
    assert xinhua.title == "南湖新区:签约项目总投资超百亿元"
    assert xinhua.byline == "马丽 钟华"
    assert squash(xinhua.text).startswith("南湖新区2日举行")
    assert squash(xinhua.text).endswith("年产值超过300亿元。")  # (来源：新华社) left out
    assert cont.byline == "陶然" and squash(cont.text).startswith("西溪镇今年以来")


def test_bundled_example_segments_cleanly() -> None:
    doc, blocks = segment_text((REPO / "examples" / "gaoxin-2025-06-18.txt").read_text("utf-8"))
    _check_invariants(doc, blocks)
    articles = [b for b in blocks if b.kind is A]
    assert len(articles) == 5
    assert [b.title for b in articles] == [
        None,
        "1-5月高新区规上工业营业收入同比增长12.3%",
        "超200家企业入驻未来产业园",
        "城东片区“一站式”服务让项目跑出加速度",
        "科创积分贷为中小企业“解渴”",
    ]


def test_headline_list_titles_go_to_the_articles_they_describe() -> None:
    text = (
        "园区新增专精特新企业20家\n\n港口货物吞吐量创新高\n\n"
        "本报讯 近日，港口集团发布数据，上半年港口货物吞吐量达1.2亿吨，创历史新高。\n\n"
        "本报讯 记者获悉，园区今年新增专精特新企业20家，总数达到85家。"
    )
    _, blocks = segment_text(text)
    assert [(b.title, squash(b.text)[:6]) for b in blocks] == [
        ("港口货物吞吐量创新高", "近日，港口集"),
        ("园区新增专精特新企业20家", "记者获悉，园"),
    ]


def test_a_lead_without_headline_opens_an_article() -> None:
    _, blocks = segment_text("本报讯 第一条消息。\n本报讯（记者 王五）第二条消息。")
    assert [(b.title, b.byline, b.text) for b in blocks] == [
        (None, None, "第一条消息。"),
        (None, "王五", "第二条消息。"),
    ]


def test_empty_document() -> None:
    assert segment(normalize("")) == []
    assert segment(normalize(" \n\n\u3000")) == []


def test_text_without_chinese_is_one_article() -> None:
    doc, blocks = segment_text("Quarterly report\n\nRevenue grew 12% to 3.4 million.\n")
    _check_invariants(doc, blocks)
    assert [(b.kind, b.title) for b in blocks] == [(A, "Quarterly report")]


# --- the corpus against its gold ----------------------------------------------------------------


@pytest.fixture(scope="module")
def corpus_scores() -> list:
    corpus, gold_dir = SHARED / "corpus", SHARED / "gold"
    if not corpus.is_dir() or not gold_dir.is_dir():
        pytest.skip("../shared corpus/gold not beside the repository")
    scores = []
    for name, gold in load_gold_dir(gold_dir).items():
        text = (corpus / name).read_text(encoding="utf-8")
        doc, blocks = segment_text(text)
        _check_invariants(doc, blocks)
        scores.append(evaluate_segmentation(blocks, text, gold))
    return scores


def test_corpus_targets(corpus_scores: list) -> None:
    total = total_score(corpus_scores)
    assert total.gold_articles >= 17
    assert total.recall == 1.0, total.missing
    assert total.merges == 0
    assert total.splits == 0
    assert total.title_accuracy == 1.0, total.wrong_titles
    assert total.kind_accuracy == 1.0
    assert total.spurious == 0


def test_corpus_bylines_and_body_edges(corpus_files: list[Path]) -> None:
    golds = load_gold_dir(SHARED / "gold")
    checked = 0
    for path in corpus_files:
        gold = golds.get(path.name)
        if gold is None:
            continue
        _, blocks = segment_text(path.read_text(encoding="utf-8"))
        articles = [b for b in blocks if b.kind is A]
        for art in (a for a in gold.articles if a.is_article):
            block = next(b for b in articles if squash(art.first_chars) in squash(b.text))
            assert squash(block.text).startswith(squash(art.first_chars))
            assert squash(block.text).endswith(squash(art.last_chars))
            assert block.byline == art.byline
            checked += 1
    assert checked >= 17


def test_caption_inside_an_article_is_also_its_own_block() -> None:
    text = (
        "标题一行\n\n►李四\n\n园区负责人表示,2020年将全力实\n\n图片来源:某高新区\n\n"
        "现新兴产业产值占比达到50%以上。"
    )
    doc, blocks = segment_text(text)
    _check_invariants(doc, blocks)
    assert [b.kind for b in blocks] == [A, C]
    assert re.search(r"全力实\n图片来源:某高新区\n现新兴产业", blocks[0].text)


def test_datelines_box_bylines_and_page_furniture() -> None:
    text = (
        "2025年6月18日 星期三\n\n第2版 要闻\n\n"
        "园区项目建设提速\n\n□ 本报记者 李明\n\n"
        "本报北京6月17日讯（记者 张伟 通讯员 王芳）园区新开工项目12个，总投资58亿元。\n\n"
        "本报通讯员近日从园区获悉，项目进展顺利。\n\n"
        "责任编辑：赵六\n"
    )
    doc, blocks = segment_text(text)
    _check_invariants(doc, blocks)
    assert [(b.kind, b.title, b.byline, b.text) for b in blocks] == [
        (OTH, None, None, "2025年6月18日星期三\n第2版要闻"),  # the page's running header
        (
            A,
            "园区项目建设提速",
            "李明",
            "园区新开工项目12个，总投资58亿元。\n本报通讯员近日从园区获悉，项目进展顺利。",
        ),
        (OTH, None, None, "责任编辑：赵六"),
    ]


def test_byline_line_with_several_roles() -> None:
    text = "园区经济运行稳中向好\n\n记者 张伟 通讯员 李明\n\n今年以来，园区经济运行总体平稳。"
    _, blocks = segment_text(text)
    assert [(b.title, b.byline, b.text) for b in blocks] == [
        ("园区经济运行稳中向好", "张伟 李明", "今年以来，园区经济运行总体平稳。")
    ]


def test_feature_page_section_label_subtitle_and_credit_line() -> None:
    doc, blocks = _blocks("feature_page.txt")
    _check_invariants(doc, blocks)
    assert [(b.kind, b.title, b.byline) for b in blocks] == [
        (OTH, None, None),  # the running page header
        (A, "园区经济运行稳中向好", "王芳"),  # not the section label nor the "——" subtitle
        (C, None, "赵强"),
    ]
    article = blocks[1]
    assert squash(article.text).endswith("固定资产投资同比增长9.1%。")  # (作者单位：…) left out
    assert squash(blocks[2].text) == "图为园区企业生产车间。本报记者赵强摄"


def test_continued_article_is_joined_and_the_marker_left_out() -> None:
    doc, blocks = _blocks("continued_page.txt")
    _check_invariants(doc, blocks)
    assert [(b.title, b.byline, b.text) for b in blocks] == [
        (
            "高新区举办招商推介会",
            "李华",
            "6月10日，高新区在上海举办招商推介会，现场签约项目15个，总投资超80亿元。\n"
            "据介绍，此次签约项目涵盖集成电路、生物医药等领域。",
        ),
        (
            "科技企业孵化器再添新成员",
            None,
            "近日，省科技厅公布2025年度省级科技企业孵化器认定名单，高新区2家孵化器入选。",
        ),
    ]


def test_full_headline_over_a_news_opening_starts_an_article_without_lead() -> None:
    text = (
        "园区经济运行稳中向好\n\n今年以来，园区经济运行总体平稳，主要指标好于预期。\n\n"
        "工业生产较快增长\n\n规模以上工业增加值同比增长8.2%。\n\n"
        "高新区举办第五届创新创业大赛决赛\n\n"
        "6月12日，高新区第五届创新创业大赛决赛在科创中心举行，32个项目同台竞技。\n"
    )
    _, blocks = segment_text(text)
    assert [(b.title, squash(b.text)[:6]) for b in blocks] == [
        ("园区经济运行稳中向好", "今年以来，园"),  # "工业生产较快增长" stays a sub-heading
        ("高新区举办第五届创新创业大赛决赛", "6月12日，"),
    ]
    assert "工业生产较快增长" in blocks[0].text


def test_question_headline_separator_rule_and_form_feed() -> None:
    text = (
        "光伏企业如何突围？\n\n本报讯 近日，记者走访多家光伏企业。\n\n—————————\n\n"
        "高新区，加油！\n\n今年以来，园区发展势头良好。\f\n"
    )
    doc, blocks = segment_text(text)
    _check_invariants(doc, blocks)
    assert [(b.title, b.text) for b in blocks] == [
        ("光伏企业如何突围？", "近日，记者走访多家光伏企业。"),
        ("高新区，加油！", "今年以来，园区发展势头良好。"),
    ]


def test_table_of_contents_with_page_numbers_before_the_first_article() -> None:
    text = (
        "本期导读\n高新区打造创新高地 2版\n园区企业加速出海 3版\n\n"
        "高新区上半年经济运行良好\n\n本报讯 今年上半年，高新区地区生产总值增长6.5%。\n"
    )
    doc, blocks = segment_text(text)
    _check_invariants(doc, blocks)
    assert [(b.kind, b.title) for b in blocks] == [
        (IDX, "本期导读"),
        (A, "高新区上半年经济运行良好"),
    ]
    assert squash(blocks[0].text) == "本期导读高新区打造创新高地2版园区企业加速出海3版"


_PIECES = st.sampled_from(
    [
        "高新区",
        "营业收入增长12.3%",
        "。",
        "，",
        "\n",
        "\n\n",
        " ",
        "本报讯",
        "（记者 张伟）",
        "► 李明",
        "# ",
        "## ",
        "图片来源:某区",
        "新华社记者 王五/摄",
        "3版",
        "本期导读",
        "http://x.cn",
        "【招商】",
        "巩茜 宋格",
        "。 王蔚",
        "————",
        "星期三",
        "图为现场。",
        "（下转第2版）",
        "谁来破局？",
    ]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(_PIECES, max_size=60).map("".join))
def test_blocks_always_keep_their_contract(text: str) -> None:
    doc, blocks = segment_text(text)
    assert [b.id for b in blocks] == [f"a{i}" for i in range(1, len(blocks) + 1)]
    for b in blocks:
        assert doc.text[b.norm_span[0] : b.norm_span[1]] == b.text
        assert 0 <= b.span[0] <= b.span[1] <= len(text)


def test_photo_story_without_credit_line_is_its_own_article() -> None:
    text = (
        "园区项目建设提速\n\n► 李明\n\n今年以来，园区新开工项目32个。\n\n"
        "7月26日，园区举办职工技能竞赛，200余名选手参赛。图为比赛现场。\n"
    )
    _, blocks = segment_text(text)
    assert [(b.kind, b.title, squash(b.text)[-6:]) for b in blocks] == [
        (A, "园区项目建设提速", "新开工项目32个。"[-6:]),
        (A, None, "图为比赛现场。"[-6:]),
    ]


@pytest.mark.parametrize(
    ("tail", "byline"),
    [
        (" 巩茜 宋格", "巩茜 宋格"),
        (" 通讯员 张三 记者 李四", "张三 李四"),
        ("（张伟 李明）", "张伟 李明"),
        ("（张伟、李明）", "张伟 李明"),
    ],
)
def test_trailing_author_names_become_the_byline(tail: str, byline: str) -> None:
    text = f"园区项目建设提速\n\n本报讯 今年以来，园区新开工项目32个。{tail}\n"
    _, blocks = segment_text(text)
    assert [(b.byline, b.text) for b in blocks] == [(byline, "今年以来，园区新开工项目32个。")]


def test_agency_photo_credit() -> None:
    text = (
        "6月16日，第三届数字经济大会在高新区开幕，展览面积达1.2万平方米。图为参观者在展区体验。\n\n"
        "新华社发 张三 摄\n"
    )
    _, blocks = segment_text(text)
    assert [(b.kind, b.byline) for b in blocks] == [(A, "张三")]


def _rewrap(text: str) -> str:
    """Every paragraph re-broken each 16 characters, blank lines between (front-page columns)."""
    lines: list[str] = []
    for line in text.split("\n"):
        s = line.strip()
        lines.extend([s[i : i + 16] for i in range(0, len(s), 16)] if len(s) > 40 else [line])
    return "\n\n".join(lines)


def _crlf_indent_fullwidth(text: str) -> str:
    lines = [("\u3000\u3000" + x if len(x.strip()) > 40 else x) for x in text.split("\n")]
    return "\r\n".join(lines).translate({ord(c): ord(c) + 0xFEE0 for c in "0123456789"})


_LAYOUTS = {
    "narrow columns": _rewrap,
    "no blank lines": lambda t: re.sub(r"\n\s*\n+", "\n", t),
    "no markdown": lambda t: re.sub(r"(?m)^#+ ?", "", t),
    "no 本报讯 leads": lambda t: re.sub(r"本报讯 ?", "", t),
    "CRLF, indents, full-width digits": _crlf_indent_fullwidth,
}


@pytest.mark.parametrize("layout", sorted(_LAYOUTS))
def test_corpus_in_other_layouts_still_segments(corpus_files: list[Path], layout: str) -> None:
    """The same issues in other layouts (general rules, not rules for three files)."""
    golds = load_gold_dir(SHARED / "gold")
    scores = []
    for path in corpus_files:
        text = _LAYOUTS[layout](path.read_text(encoding="utf-8"))
        doc, blocks = segment_text(text)
        _check_invariants(doc, blocks)
        scores.append(evaluate_segmentation(blocks, text, golds[path.name]))
    total = total_score(scores)
    assert (total.recall, total.merges, total.splits) == (1.0, 0, 0), total.missing
    assert total.title_accuracy == 1.0, total.wrong_titles


def test_table_of_contents_without_page_numbers_before_an_article() -> None:
    text = (
        "本期导读\n\n城市更新进入快车道\n\n乡村振兴的江湾样本\n\n"
        "高新区上半年经济运行良好\n\n本报讯 今年上半年，高新区地区生产总值增长6.5%。\n"
    )
    doc, blocks = segment_text(text)
    _check_invariants(doc, blocks)
    assert [(b.kind, b.title, squash(b.text)) for b in blocks] == [
        (IDX, "本期导读", "本期导读城市更新进入快车道乡村振兴的江湾样本"),
        (A, "高新区上半年经济运行良好", "今年上半年，高新区地区生产总值增长6.5%。"),
    ]


def test_text_without_punctuation_still_gives_an_article() -> None:
    lines = [f"园区第{i}季度经济运行总体平稳主要指标好于预期" for i in range(1, 7)]
    doc, blocks = segment_text("\n\n".join(lines))
    _check_invariants(doc, blocks)
    assert [b.kind for b in blocks] == [A]
    assert squash(blocks[0].text) == "".join(lines)


@pytest.mark.parametrize("line", ["文/图 张三", "文 / 图 张三", "□ 本报记者 张三", "► 张三"])
def test_byline_forms(line: str) -> None:
    _, blocks = segment_text(f"园区经济运行稳中向好\n\n{line}\n\n今年以来，园区经济运行总体平稳。")
    assert [(b.title, b.byline) for b in blocks] == [("园区经济运行稳中向好", "张三")]


# --- held-out follow-up (issue 2): glued list headlines, printed titles, captions, one TOC -----


def test_glued_list_headlines_captions_and_one_table_of_contents() -> None:
    doc, blocks = _blocks("glued_list_page.txt")
    _check_invariants(doc, blocks)
    assert [(b.kind, b.title, b.byline, squash(b.text)[:8]) for b in blocks] == [
        (A, None, "周凯", "4月26日，第六"),
        # the title as printed ("1—4月"), the body normalised ("1-4月")
        (A, "1—4月全市新增科技型中小企业2.1万家", "孙立", "5月8日，记者从"),
        # two list headlines printed on one line go to the two articles they describe
        (A, "港口集团开辟三条国际航线", None, "港口集团8日发布"),
        (C, None, None, "滨河新区“数智十"),
        (A, "滨河新区“数智十条”助企转型", "钱敏", "5月9日上午，滨"),
        (OTH, None, None, "市政务网网址：h"),
        (IDX, "本期导读", None, "本期导读城市更新"),
    ]
    port, caption = blocks[2], blocks[3]
    # the one-phrase caption above the credit is not the end of the article before it
    assert squash(port.text).endswith("服务外贸企业拓展海外市场。")
    assert squash(caption.text) == "滨河新区“数智十条”政策发布会现场。图片来源：滨河新区"
    # entries with page numbers, entries without, then the numbers: one table of contents
    assert squash(blocks[-1].text).endswith("夜间经济点亮城市8版10版")


def test_titles_keep_the_printed_characters() -> None:
    text = (
        "１—５月园区实现营业收入１２.５亿元\n\n"
        "本报讯 今年1—5月，园区实现营业收入12.5亿元，同比增长8.1%。\n"
    )
    doc, blocks = segment_text(text)
    _check_invariants(doc, blocks)
    assert [(b.title, b.text) for b in blocks] == [
        (
            "１—５月园区实现营业收入１２.５亿元",
            "今年1-5月，园区实现营业收入12.5亿元，同比增长8.1%。",
        )
    ]


def test_a_short_last_paragraph_with_commas_stays_in_the_article_before_a_credit() -> None:
    text = (
        "园区项目建设提速\n\n本报讯 今年以来，园区新开工项目32个。\n\n"
        "下一步，园区将继续加快建设。\n\n图片来源：某高新区\n"
    )
    doc, blocks = segment_text(text)
    _check_invariants(doc, blocks)
    assert [(b.kind, squash(b.text)[-8:]) for b in blocks] == [
        (A, "园区将继续加快建设。"[-8:]),
        (C, "图片来源：某高新区"[-8:]),
    ]


def test_a_long_headline_is_not_split_when_one_article_holds_all_of_it() -> None:
    text = (
        "园区新增专精特新企业20家港口货物吞吐量创新高 本期导读\n\n"
        "本报讯 记者获悉，园区今年新增专精特新企业20家，港口货物吞吐量创新高。\n\n"
        "本报讯 近日，港口集团发布数据，上半年吞吐量达1.2亿吨。\n"
    )
    _, blocks = segment_text(text)
    assert blocks[0].title == "园区新增专精特新企业20家港口货物吞吐量创新高"
    assert blocks[1].title is None


HELDOUT = HERE / "heldout"


def test_heldout_set_stays_at_its_measured_level() -> None:
    """The held-out issues are a measurement, not fixtures: the score may only go up."""
    scores = []
    for name, gold in load_gold_dir(HELDOUT / "gold").items():
        text = (HELDOUT / "corpus" / name).read_text(encoding="utf-8")
        doc, blocks = segment_text(text)
        _check_invariants(doc, blocks)
        scores.append(evaluate_segmentation(blocks, text, gold))
    total = total_score(scores)
    assert (total.found, total.gold_articles, total.merges, total.splits) == (16, 16, 0, 0)
    assert (total.titles_right, total.titles_gold) == (12, 12), total.wrong_titles
    assert (total.kinds_right, total.kinds_gold) == (6, 6)
    assert total.spurious == 0


def test_a_short_headline_over_a_paragraph_about_it_starts_a_new_article() -> None:
    text = (
        "园区经济运行稳中向好\n\n今年以来，园区经济运行总体平稳，主要指标好于预期。\n\n"
        "工业生产较快增长\n\n规模以上工业增加值同比增长8.2%。\n\n"
        "“龙头”企业引领作用增强\n\n在龙头企业引领下，一批配套企业加快集聚。\n\n"
        "港口集团开辟国际航线\n\n港口集团8日发布消息，今年起开辟至东南亚的三条国际航线。\n"
    )
    doc, blocks = segment_text(text)
    _check_invariants(doc, blocks)
    assert [(b.title, squash(b.text)[:6]) for b in blocks] == [
        ("园区经济运行稳中向好", "今年以来，园"),
        ("港口集团开辟国际航线", "港口集团8日"),
    ]
    # sub-headings (even one its paragraph echoes) stay inside the article
    assert "工业生产较快增长" in blocks[0].text and "“龙头”企业引领作用增强" in blocks[0].text


@pytest.mark.parametrize(
    ("upper", "lower", "title"),
    [
        # one headline broken at the column edge: the body runs across the break
        (
            "高新区举办2025年度重点项目",
            "集中签约暨开工仪式",
            "高新区举办2025年度重点项目集中签约暨开工仪式",
        ),
        # a kicker above the title: nothing runs across, the title is the second line
        ("上半年重点项目签约15个", "高新区举办集中签约暨开工仪式", "高新区举办集中签约暨开工仪式"),
    ],
)
def test_headline_over_two_lines(upper: str, lower: str, title: str) -> None:
    text = (
        f"{upper}\n\n{lower}\n\n本报讯 6月10日，高新区举办2025年度重点项目集中签约暨开工仪式，"
        "上半年重点项目签约15个。\n"
    )
    _, blocks = segment_text(text)
    assert [b.title for b in blocks] == [title]


@pytest.mark.parametrize(
    ("printed", "gold_title", "block_title", "right"),
    [
        ("1—5月产值增长", "1—5月产值增长", "1—5月产值增长", True),
        # the gold is printed verbatim: the normalised "1-5月" is not the printed title
        ("1—5月产值增长", "1—5月产值增长", "1-5月产值增长", False),
        # a gold title typed in another form than the page prints is compared folded
        ("1—5月产值增长", "1-5月产值增长", "1—5月产值增长", True),
        ("1—5月产值增长", "1-5月产值增长", "前5月产值增长", False),
    ],
)
def test_eval_compares_titles_as_printed(
    printed: str, gold_title: str, block_title: str, right: bool
) -> None:
    from summarizer.evaluation.gold import GoldArticle, GoldIssue

    original = f"{printed}\n\n本报讯 今年以来，园区产值稳步增长。\n"
    body = "今年以来，园区产值稳步增长。"
    block = Block(id="a1", kind=A, title=block_title, text=body, span=(0, len(original)))
    gold = GoldIssue(
        source="x.txt",
        articles=[
            GoldArticle(title=gold_title, first_chars="今年以来，园区", last_chars="稳步增长。")
        ],
    )
    score = evaluate_segmentation([block], original, gold)
    assert (score.found, score.titles_right) == (1, int(right))


def test_three_list_headlines_on_one_line() -> None:
    text = (
        "港口集团开辟三条国际航线滨河新区“数智十条”助企转型全市新增科技型企业2100家 本期导读\n\n"
        "本报讯 港口集团8日发布消息，今年起开辟至东南亚、中东和非洲的三条国际航线。\n\n"
        "本报讯（记者 钱敏）滨河新区“数智十条”政策发布会举行，政策共十条，助企数字化转型。\n\n"
        "本报讯 记者从市科技局获悉，今年全市新增科技型企业2100家，同比增长15%。\n"
    )
    _, blocks = segment_text(text)
    assert [b.title for b in blocks] == [
        "港口集团开辟三条国际航线",
        "滨河新区“数智十条”助企转型",
        "全市新增科技型企业2100家",
    ]


@pytest.mark.parametrize(
    "before", ["", "园区新开工项目12个\n\n本报讯 今年以来，园区新开工项目12个。\n\n"]
)
def test_a_one_phrase_caption_under_its_credit_joins_the_caption(before: str) -> None:
    text = (
        f"{before}图片来源：某高新区\n\n园区重点项目施工现场。\n\n"
        "港口集团开辟三条国际航线\n\n本报讯 港口集团8日发布消息，今年起开辟三条国际航线。\n"
    )
    doc, blocks = segment_text(text)
    _check_invariants(doc, blocks)
    assert [(b.kind, squash(b.text)) for b in blocks if b.kind is not A] == [
        (C, "图片来源：某高新区园区重点项目施工现场。")
    ]
    assert blocks[-1].title == "港口集团开辟三条国际航线"
    assert all("施工现场" not in b.text for b in blocks if b.kind is A)


def test_glued_headlines_are_not_cut_between_a_number_and_its_unit() -> None:
    text = (
        "全市新增科技型企业2.1万家科技创新再贷款额度增至8000亿元 本期导读\n\n"
        "本报讯 记者从市科技局获悉，今年全市新增科技型企业2.1万家，同比增长15%。\n\n"
        "本报讯 人民银行发布消息，科技创新再贷款额度增至8000亿元，已支持1.2万余家科技企业。\n"
    )
    _, blocks = segment_text(text)
    assert [b.title for b in blocks] == [
        "全市新增科技型企业2.1万家",
        "科技创新再贷款额度增至8000亿元",
    ]


@pytest.mark.parametrize(
    "headline", ["港口集团开辟三条国际航线", "港口集团开辟三条国际航线助力外贸"]
)
def test_a_headline_printed_inside_a_narrow_column(headline: str) -> None:
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
    doc, blocks = segment_text("\n\n".join(column))
    _check_invariants(doc, blocks)
    assert [(b.title, squash(b.text)[:6]) for b in blocks] == [
        (None, "下一步园区将"),
        (headline, "港口集团8日"),
    ]


@pytest.mark.parametrize(
    ("caption", "text", "byline"),
    [
        ("▲ 园区企业生产车间。 本报记者 张三 摄", "▲园区企业生产车间。本报记者张三摄", "张三"),
        ("园区企业生产车间。（张三 摄）", "园区企业生产车间。（张三摄）", "张三"),
        ("园区企业生产车间。\n\n张三 李四 摄", "园区企业生产车间。张三李四摄", "张三 李四"),
        ("园区企业生产车间\n\n本报记者 张三 摄", "园区企业生产车间本报记者张三摄", "张三"),
        ("▲园区企业生产车间", "▲园区企业生产车间", None),
    ],
)
def test_photo_caption_forms_between_two_articles(
    caption: str, text: str, byline: str | None
) -> None:
    raw = (
        f"园区项目建设提速\n\n本报讯 今年以来，园区新开工项目32个。\n\n{caption}\n\n"
        "港口集团开辟三条国际航线\n\n本报讯 港口集团8日发布消息，今年起开辟三条国际航线。\n"
    )
    doc, blocks = segment_text(raw)
    _check_invariants(doc, blocks)
    assert [(b.kind, b.title) for b in blocks] == [
        (A, "园区项目建设提速"),
        (C, None),
        (A, "港口集团开辟三条国际航线"),
    ]
    assert (squash(blocks[1].text), blocks[1].byline) == (text, byline)
    assert squash(blocks[0].text) == "今年以来，园区新开工项目32个。"


@pytest.mark.parametrize(
    ("line", "kinds", "byline"),
    [
        ("■ 园区动态", [OTH, A], None),  # a section label behind a box mark
        ("■ 欧阳娜娜", [A], "欧阳娜娜"),  # a name (compound surname) behind the same mark
        ("■ 禤某", [A], "禤某"),  # a short name with a surname the list does not know
    ],
)
def test_box_marked_section_label_or_byline(
    line: str, kinds: list[BlockKind], byline: str | None
) -> None:
    text = f"{line}\n\n园区经济运行稳中向好\n\n本报讯 今年以来，园区经济运行总体平稳。\n"
    if kinds == [A]:
        text = f"园区经济运行稳中向好\n\n{line}\n\n今年以来，园区经济运行总体平稳。\n"
    doc, blocks = segment_text(text)
    _check_invariants(doc, blocks)
    assert [b.kind for b in blocks] == kinds
    assert blocks[-1].title == "园区经济运行稳中向好"
    assert blocks[-1].byline == byline


@pytest.mark.parametrize(
    ("tail", "byline"),
    [
        ("（本报记者 张三）", "张三"),  # a role word inside the brackets, on the last line
        ("\n\n（记者 张三 通讯员 李四）", "张三 李四"),  # alone on a line, nothing under it
    ],
)
def test_bracketed_byline_after_the_last_sentence(tail: str, byline: str) -> None:
    text = f"园区经济运行稳中向好\n\n今年以来，园区经济运行总体平稳。{tail}\n"
    doc, blocks = segment_text(text)
    _check_invariants(doc, blocks)
    assert [(b.kind, b.title, b.byline, b.text) for b in blocks] == [
        (A, "园区经济运行稳中向好", byline, "今年以来，园区经济运行总体平稳。")
    ]


def test_bracketed_byline_over_a_paragraph_is_a_lead() -> None:
    text = (
        "园区项目建设提速\n\n本报讯 今年以来，园区新开工项目32个。\n\n"
        "（记者 张三）\n\n港口集团8日发布消息，今年起开辟三条国际航线。\n"
    )
    _, blocks = segment_text(text)
    assert [(b.byline, squash(b.text)[:6]) for b in blocks] == [
        (None, "今年以来，园"),
        ("张三", "港口集团8日"),
    ]


def test_a_short_statement_before_a_credit_stays_the_end_of_its_article() -> None:
    text = (
        "园区项目建设提速\n\n本报讯 今年以来，园区新开工项目32个。\n\n"
        "这是园区第三次获此殊荣。\n\n图片来源：某高新区\n\n"
        "港口集团开辟三条国际航线\n\n本报讯 港口集团8日发布消息，今年起开辟三条国际航线。\n"
    )
    doc, blocks = segment_text(text)
    _check_invariants(doc, blocks)
    assert [(b.kind, squash(b.text)[-8:]) for b in blocks] == [
        (A, "园区第三次获此殊荣。"[-8:]),
        (C, "图片来源：某高新区"[-8:]),
        (A, "起开辟三条国际航线。"[-8:]),
    ]


@pytest.mark.parametrize(
    ("layout", "found", "merges", "titles"),
    [
        ("narrow columns", 16, 0, 12),
        ("no blank lines", 16, 0, 12),
        ("no markdown", 16, 0, 12),
        ("no 本报讯 leads", 16, 1, 12),  # a headline-less item then opens like any paragraph
        ("CRLF, indents, full-width digits", 16, 0, 12),
    ],
)
def test_heldout_set_in_other_layouts(layout: str, found: int, merges: int, titles: int) -> None:
    scores = []
    for name, gold in load_gold_dir(HELDOUT / "gold").items():
        text = _LAYOUTS[layout]((HELDOUT / "corpus" / name).read_text(encoding="utf-8"))
        doc, blocks = segment_text(text)
        _check_invariants(doc, blocks)
        scores.append(evaluate_segmentation(blocks, text, gold))
    total = total_score(scores)
    assert total.found >= found, total.missing
    assert total.merges <= merges and total.splits == 0
    assert total.titles_right >= titles, total.wrong_titles
    assert total.kind_accuracy == 1.0


def test_a_short_line_with_a_full_stop_inside_is_running_text() -> None:
    text = (
        "园区项目建设提速\n\n本报讯 今年以来，园区新开工项目32个，总投资58亿元。\n\n"
        "一批项目加快建设。王芳 李\n\n强\n\n"
        "港口集团开辟三条国际航线\n\n本报讯 港口集团8日发布消息，今年起开辟三条国际航线。\n"
    )
    doc, blocks = segment_text(text)
    _check_invariants(doc, blocks)
    assert "一批项目加快建设。" in blocks[0].text
    assert blocks[-1].title == "港口集团开辟三条国际航线"


def test_a_long_unpunctuated_list_line_gives_its_headlines_to_the_articles() -> None:
    text = (
        "前5个月全市新增科技型中小企业2.1万家同比增长15.2%\n\n"
        "港口集团年内开辟至东南亚中东和非洲的三条国际航线滨河新区出台“数智十条”助企数字化转型升级\n\n"
        "本报讯（记者 孙立）记者从市科技局获悉，前5个月全市新增科技型中小企业2.1万家，同比增长15.2%。\n\n"
        "本报讯 港口集团8日发布消息，年内开辟至东南亚、中东和非洲的三条国际航线。\n\n"
        "本报讯（记者 钱敏）滨河新区出台“数智十条”，助企数字化转型升级。\n"
    )
    doc, blocks = segment_text(text)
    _check_invariants(doc, blocks)
    assert [b.title for b in blocks] == [
        "前5个月全市新增科技型中小企业2.1万家同比增长15.2%",
        "港口集团年内开辟至东南亚中东和非洲的三条国际航线",
        "滨河新区出台“数智十条”助企数字化转型升级",
    ]


@pytest.mark.parametrize(
    "row",
    [
        "营业收入同比增长9.8%工业总产值同比增长7.2%税收收入稳步增长固定资产投资稳中有升",
        "营业收入612.4亿元增长9.8%工业产值458.1亿元增长7.2%税收52.3亿元增长5.1%",
    ],
)
def test_a_long_unpunctuated_line_inside_an_article_stays_in_it(row: str) -> None:
    text = (
        "园区经济运行稳中向好\n\n本报讯 今年以来，园区经济运行总体平稳，主要指标如下。\n\n"
        f"{row}\n\n园区相关负责人表示，下一步将继续优化营商环境。\n"
    )
    doc, blocks = segment_text(text)
    _check_invariants(doc, blocks)
    assert [b.title for b in blocks] == ["园区经济运行稳中向好"]
    assert squash(blocks[0].text).endswith("下一步将继续优化营商环境。")


def test_a_short_kicker_whose_last_word_runs_into_the_title_is_not_a_wrap() -> None:
    text = (
        "聚焦推动高质量发展\n\n园区经济运行稳中向好\n\n"
        "本报讯 今年以来，高质量发展园区经济运行总体平稳，主要指标好于预期。\n"
    )
    _, blocks = segment_text(text)
    assert [b.title for b in blocks] == ["园区经济运行稳中向好"]


# --- issue 2 follow-up: more layout quirks of real bulletin pages -------------------------------


def test_jump_markers_end_their_article() -> None:
    doc, blocks = _blocks("jump_marker_page.txt")
    _check_invariants(doc, blocks)
    assert (
        _summary(blocks)
        == [
            (OTH, None, None, "2025年7月8", "星期二第1版要闻"),  # the running page header
            (A, "高新区上半年新签约重点项目46个", "李明", "今年上半年，高新", "早投产、早见效。"),
            (A, None, None, "7月3日，高新区", "意向融资12.6亿元。"[-8:]),
            (A, "园区人才公寓首批交付", None, "7月5日，高新区", "总投资18.5亿元。"[-8:]),
            (A, None, None, "人才服务中心同日", "子女入学等一站式服务。"[-8:]),
            (A, "“小巨人”企业达28家", "赵敏", "截至6月底，高新", "量居全省第二位。"),
        ]
    )
    assert all("转" not in b.text for b in blocks)  # no marker is left in any text


@pytest.mark.parametrize(
    "marker", ["（下转第3版）", "（转第2版）", "(下转A3版)", "\n\n（下转第3版）", "（下\n转第2版）"]
)
def test_a_jump_marker_inline_own_line_or_broken(marker: str) -> None:
    text = (
        "园区人才公寓首批交付\n\n本报讯 7月5日，园区人才公寓首批1200套房源交付。"
        f"{marker}\n\n人才服务中心同日揭牌，提供落户、子女入学等一站式服务。\n"
    )
    doc, blocks = segment_text(text)
    _check_invariants(doc, blocks)
    assert [(b.kind, b.title, b.text) for b in blocks] == [
        (A, "园区人才公寓首批交付", "7月5日，园区人才公寓首批1200套房源交付。"),
        (A, None, "人才服务中心同日揭牌，提供落户、子女入学等一站式服务。"),
    ]


def test_byline_forms_above_and_below_headlines_and_photo_credits() -> None:
    doc, blocks = _blocks("byline_forms_page.txt")
    _check_invariants(doc, blocks)
    assert _summary(blocks) == [
        (OTH, None, None, "2025年7月8", "星期二第3版特写"),
        (A, "实验室里的“追光者”", "张帆 郑凯", "走进高新区光电研", "发明专利36项。"[-8:]),
        (A, "青年创客的“第一桶金”", "王丽 陈晨", "在高新区创业大街", "获得投资9.8亿元。"[-8:]),
        (A, "园区首家氢能加注站投用", "王强", "7月6日，高新区", "池公交车的用氢需求。"[-8:]),
        (A, "高新区发布算力券政策", "刘畅 周宁", "近日，高新区发布", "购买智能算力服务。"[-8:]),
        (A, "智能网联汽车测试道路扩至120公里", "黄磊 邓佳", "日前，高新区新开", "盖园区主要路段。"),
        # a photo text with its 文/图 credit, between two articles: a news item of its own
        (A, None, "赵亮 钱进", "7月5日，在高新", "公里，可乘坐8人。"[-8:]),
        (A, "园区举办夏季招聘会", None, "7月6日，高新区", "达成就业意向860人。"[-8:]),
    ]


@pytest.mark.parametrize(
    "layout",
    [
        "文／张帆　图／郑凯\n\n实验室里的追光者\n\n{body}",  # full-width slashes, above
        "实验室里的追光者\n\n文：张帆　图：郑凯\n\n{body}",  # colons, below
        "园区举办招聘会\n\n本报讯 7月6日，园区招聘会举行。\n\n文/张帆 图/郑凯\n\n"
        "实验室里的追光者\n\n{body}",  # above a feature's headline, after another article
    ],
)
def test_a_writer_and_photographer_line_next_to_a_headline_is_the_byline(layout: str) -> None:
    body = "走进高新区光电研究院的实验室，一排排精密仪器正在运行。\n"
    doc, blocks = segment_text(layout.format(body=body))
    _check_invariants(doc, blocks)
    assert (blocks[-1].kind, blocks[-1].title, blocks[-1].byline, blocks[-1].text) == (
        A,
        "实验室里的追光者",
        "张帆 郑凯",
        body.strip(),
    )
    assert all(b.kind is A for b in blocks)


def test_news_in_brief_columns_give_one_article_per_item() -> None:
    doc, blocks = _blocks("briefs_page.txt")
    _check_invariants(doc, blocks)
    assert (
        _summary(blocks)
        == [
            (OTH, None, None, "第4版·创新【园", "创新【园区简讯】"),  # page header + label
            (A, "南宁高新区出台惠企政策20条", None, "近日，南宁高新区", "补资金超3亿元。"),
            (A, "常州高新区新增分布式光伏装机85兆瓦", None, "今年上半年，常州", "6.5亿千瓦时。"),
            (A, "洛阳高新区新认定省级研发中心12家", None, "日前，洛阳高新区", "数达到186家。"),
            (OTH, None, None, "【新闻速递】", "【新闻速递】"),
            (A, "合肥高新区量子产业园开园", None, "7月1日，合肥高", "总投资额约45亿元。"[-8:]),
            (A, "西安高新区跨境电商交易额增长31%", None, "1-6月，西安高", "同比增长31%。"),
            (OTH, None, None, "【一线传真】", "【一线传真】"),
            (
                A,
                "武汉东湖高新区光谷科创大走廊项目集中开工",
                None,
                "7月2日，光谷科",
                "，总投资580亿元。"[-8:],
            ),
        ]
    )


@pytest.mark.parametrize("label", ["【简讯】\n\n", "【简讯】"])  # on its own line, or inline
def test_brief_items_whose_paragraph_does_not_repeat_the_headline(label: str) -> None:
    text = (
        f"{label}苏州高新区获评示范园区\n\n近期，工信部公布名单，苏州高新区入选。\n\n"
        "杭州高新区新增独角兽企业3家\n\n据统计，今年以来新增独角兽3家，总数达到15家。\n"
    )
    doc, blocks = segment_text(text)
    _check_invariants(doc, blocks)
    assert [(b.title, squash(b.text)[:4]) for b in blocks if b.kind is A] == [
        ("苏州高新区获评示范园区", "近期，工"),
        ("杭州高新区新增独角兽企业3家", "据统计，"),
    ]


def test_the_same_two_items_without_a_brief_label_are_read_as_one_article() -> None:
    """The label is what makes a short headline over an unrelated paragraph an item."""
    text = (
        "苏州高新区获评示范园区\n\n近期，工信部公布名单，苏州高新区入选。\n\n"
        "杭州高新区新增独角兽企业3家\n\n据统计，今年以来新增独角兽3家，总数达到15家。\n"
    )
    _, blocks = segment_text(text)
    assert [b.title for b in blocks] == ["苏州高新区获评示范园区"]


def test_photo_news_between_articles_is_its_own_block() -> None:
    doc, blocks = _blocks("photo_news_page.txt")
    _check_invariants(doc, blocks)
    assert _summary(blocks) == [
        (A, "园区企业订单排至年底", "李明", "走进高新区多家制", "企业订单已排至年底。"[-8:]),
        (A, None, "孙悦 周涛", "7月2日，在苏州", "新增发明专利授权27件。"[-8:]),
        (A, "高新区举办中小企业服务月活动", None, "7月3日，高新区", "预计服务企业800家以上。"[-8:]),
        (A, None, "钱伟", "7月4日，在高新", "亿元，同比增长22%。"[-8:]),
        (A, "园区上半年技术合同成交额突破百亿元", None, "今年上半年，高新", "同比增长26.3%。"[-8:]),
        (A, None, None, "7月5日，高新区", "金奖3个、银奖6个。"[-8:]),
        (A, "园区新增两条公交线路", None, "7月6日起，高新", "要产业园和居住区。"[-8:]),
    ]


def test_a_dated_last_paragraph_that_shows_no_scene_stays_in_its_article() -> None:
    text = (
        "园区举办招聘会\n\n本报讯 7月6日，园区夏季招聘会举行，120家企业参加。\n\n"
        "7月7日，园区又发布了新一批岗位需求清单，共计800个岗位。\n\n张三 摄\n\n"
        "园区新增两条公交线路\n\n本报讯 7月6日起，园区新开通2条公交线路。\n"
    )
    doc, blocks = segment_text(text)
    _check_invariants(doc, blocks)
    assert [(b.kind, b.title, squash(b.text)[-6:]) for b in blocks] == [
        (A, "园区举办招聘会", "800个岗位。"[-6:]),
        (C, None, "张三摄"),
        (A, "园区新增两条公交线路", "2条公交线路。"[-6:]),
    ]


def test_kicker_and_subtitle_around_the_headline() -> None:
    doc, blocks = _blocks("kicker_subtitle_page.txt")
    _check_invariants(doc, blocks)
    assert _summary(blocks) == [
        (OTH, None, None, "2025年7月8", "星期二第2版园区"),
        (
            A,
            "高新区上半年经济运行稳中有进",
            "陈静",
            "今年上半年，高新",
            "增加值同比增长9.6%。"[-8:],
        ),
        (A, "园区研发投入强度达到5.8%", None, "截至6月底，高新", "初新增108家。"),
        (A, "生物医药产业集群加速成长", None, "近日记者从高新区", "规模突破260亿元。"[-8:]),
    ]
    assert not any("——" in b.text or "创新主体加快集聚" in b.text for b in blocks)


_QUIRK_PAGES = [
    "jump_marker_page.txt",
    "byline_forms_page.txt",
    "briefs_page.txt",
    "photo_news_page.txt",
    "kicker_subtitle_page.txt",
]


@pytest.mark.parametrize("layout", sorted(_LAYOUTS))
@pytest.mark.parametrize("name", _QUIRK_PAGES)
def test_quirk_pages_in_other_layouts(name: str, layout: str) -> None:
    """The same blocks when the page is re-broken, squeezed, indented or full-width."""
    raw = (FIXTURES / name).read_text(encoding="utf-8")
    _, base = segment_text(raw)
    doc, blocks = segment_text(_LAYOUTS[layout](raw))
    _check_invariants(doc, blocks)
    folded = [(k, t and _fold(t), *rest) for k, t, *rest in _summary(blocks)]
    assert folded == _summary(base)


_SIGNUP = "园区举办招聘会\n\n本报讯 7月6日，园区夏季招聘会举行，120家企业参加。\n\n"
_BUS = "园区新增两条公交线路\n\n本报讯 7月6日起，园区新开通2条公交线路。\n"


@pytest.mark.parametrize(
    "header",
    [
        "2025年7月8日 星期二 第2版 园区",
        "第4版·创新",
        "第02版：园区新闻",
        "2025.7.8 | 第2版 | 园区",
        "A2  园区新闻  2025年7月8日",
    ],
)
def test_running_page_headers_are_other_matter(header: str) -> None:
    doc, blocks = segment_text(f"{header}\n\n{_SIGNUP}{header}\n\n{_BUS}")
    _check_invariants(doc, blocks)
    assert [(b.kind, b.title) for b in blocks] == [
        (OTH, None),
        (A, "园区举办招聘会"),
        (OTH, None),
        (A, "园区新增两条公交线路"),
    ]


@pytest.mark.parametrize(
    ("photo", "credit", "kind", "byline"),
    [
        ("图为园区纳米材料实验室内，科研人员正在调试设备。", "图片来源：园区管委会", C, None),
        (
            "在园区纳米材料实验室，科研人员正在调试新型薄膜沉积设备。该实验室今年已承担国家级科研项目9项。",
            "孙悦 摄",
            A,
            "孙悦",
        ),
        (
            "近日，在园区纳米材料实验室，科研人员正在调试新型薄膜沉积设备。该实验室今年已承担国家级科研项目9项。",
            "文/孙悦 图/周涛",
            A,
            "孙悦 周涛",
        ),
    ],
)
def test_photo_text_forms_between_two_articles(
    photo: str, credit: str, kind: BlockKind, byline: str | None
) -> None:
    doc, blocks = segment_text(f"{_SIGNUP}{photo}\n\n{credit}\n\n{_BUS}")
    _check_invariants(doc, blocks)
    assert [(b.kind, b.title, b.byline) for b in blocks] == [
        (A, "园区举办招聘会", None),
        (kind, None, byline),
        (A, "园区新增两条公交线路", None),
    ]
    assert blocks[1].text == photo
    assert blocks[0].text == "7月6日，园区夏季招聘会举行，120家企业参加。"


def test_a_box_marked_byline_over_a_headline_belongs_to_the_article_under_it() -> None:
    text = f"{_SIGNUP}□ 本报记者 王强\n\n园区首家氢能加注站投用\n\n7月6日，园区首家氢能加注站投入运营。\n"
    _, blocks = segment_text(text)
    assert [(b.title, b.byline) for b in blocks] == [
        ("园区举办招聘会", None),
        ("园区首家氢能加注站投用", "王强"),
    ]


def test_a_subtitle_wrapped_over_two_lines_stays_out_of_the_title() -> None:
    text = (
        "高新区上半年经济运行稳中有进\n——主要指标增速高于全市平均水平，\n创新动能持续增强\n"
        "本报讯 今年上半年，高新区实现地区生产总值386亿元。\n"
    )
    _, blocks = segment_text(text)
    assert [(b.title, b.text) for b in blocks] == [
        ("高新区上半年经济运行稳中有进", "今年上半年，高新区实现地区生产总值386亿元。")
    ]


def test_a_closing_paragraph_opening_with_a_place_stays_in_its_article_before_a_credit() -> None:
    text = (
        f"{_SIGNUP}在政策支持下，园区企业用工需求持续增长，今年以来新增就业岗位超过5000个。\n\n"
        f"张三 摄\n\n{_BUS}"
    )
    _, blocks = segment_text(text)
    assert [(b.kind, b.title, squash(b.text)[-8:]) for b in blocks] == [
        (A, "园区举办招聘会", "超过5000个。"[-8:]),
        (C, None, "张三摄"),
        (A, "园区新增两条公交线路", "新开通2条公交线路。"[-8:]),
    ]


@pytest.mark.parametrize("credit", [" 孙悦 摄", "（孙悦 摄）", " 本报记者 孙悦 摄"])
def test_a_photo_text_ending_with_its_credit_between_two_articles(credit: str) -> None:
    photo = "7月2日，在园区纳米材料实验室，科研人员正在调试新型薄膜沉积设备。该实验室今年已承担国家级科研项目9项。"
    doc, blocks = segment_text(f"{_SIGNUP}{photo}{credit}\n\n{_BUS}")
    _check_invariants(doc, blocks)
    assert [(b.kind, b.title, b.byline) for b in blocks] == [
        (A, "园区举办招聘会", None),
        (A, None, "孙悦"),
        (A, "园区新增两条公交线路", None),
    ]
    assert blocks[1].text == photo


def test_a_photographer_and_writer_line_in_either_order() -> None:
    text = (
        "图/郑凯 文/张帆\n\n实验室里的追光者\n\n走进光电研究院的实验室，一排排精密仪器正在运行。\n"
    )
    _, blocks = segment_text(text)
    assert [(b.kind, b.title, b.byline) for b in blocks] == [(A, "实验室里的追光者", "郑凯 张帆")]
