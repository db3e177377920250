"""Entities and topics from dictionaries and patterns (hand-written article snippets)."""

from __future__ import annotations

from summarizer.extract.entities import TOPICS, extract_entities, extract_topics, split_byline

TEXT = (
    "本报讯（记者 王明 通讯员 李华）近日，记者从工业和信息化部规划司获悉，滨江高新区与包头稀土高新区签署合作协议。\n"
    "在位于孝感高新区的孝感福斯汽车线缆有限公司（以下简称“福斯线缆”）生产车间，铜线穿梭如流。\n"
    "淄博高新区行政审批服务局进一步加大改革力度，持续优化营商环境。\n"
    "中国建设银行湖北省分行向园区企业发放贷款。\n"
    "公司董事长张建国表示，今年将加大研发投入。\n"
    "当前格局下，东部地区全部干部积极参与。"
)


def test_zones_are_canonical_and_ordered() -> None:
    ents = extract_entities(TEXT)
    assert ents.zones == ["杭州高新区", "包头稀土高新区", "孝感高新区", "淄博高新区"]


def test_organizations() -> None:
    orgs = extract_entities(TEXT).organizations
    assert "工业和信息化部" in orgs
    assert "工业和信息化部规划司" in orgs
    assert "淄博高新区行政审批服务局" in orgs
    assert "中国建设银行湖北省分行" in orgs
    # Common nouns that end like an institution are not organisations.
    assert not any(o.endswith(("格局", "东部", "干部")) for o in orgs)
    # No name crosses a line or starts with a function word.
    assert all("\n" not in o and not o.startswith(("在", "从", "向")) for o in orgs)


def test_companies_and_their_short_names() -> None:
    companies = extract_entities(TEXT).companies
    assert "孝感福斯汽车线缆有限公司" in companies
    assert "福斯线缆" in companies


def test_people_from_credits_and_speech() -> None:
    people = extract_entities(TEXT, byline="王明").people
    assert people[:2] == ["王明", "李华"]
    assert "张建国" in people
    assert "记者" not in people


def test_bare_speaker_after_punctuation() -> None:
    people = extract_entities("谈到未来，李明说：“我们有信心。”他说，还要加油。").people
    assert people == ["李明"]


def test_byline_forms() -> None:
    assert split_byline("巩茜 宋格") == ["巩茜", "宋格"]
    assert split_byline("新华社记者 鞠焕宗/摄") == ["鞠焕宗"]
    assert split_byline("► 张留") == ["张留"]
    assert split_byline(None) == []
    assert split_byline("本报") == []


def test_photo_credit_in_text() -> None:
    assert extract_entities("图为嘉宾参观展区。新华社记者 鞠焕宗/摄").people == ["鞠焕宗"]


def test_places_skip_zone_names() -> None:
    places = extract_entities("孝感高新区企业赴武汉、湖北各地考察。").places
    assert places == ["武汉", "湖北"]
    assert extract_entities("紧盯京津冀、长三角等重点区域，对接东盟市场。").places == [
        "京津冀",
        "长三角",
        "东盟",
    ]


def test_topics_rank_by_keyword_hits() -> None:
    text = "园区金融服务升级：银行发放贷款，融资担保基金扩容。另有一项专利。"
    topics = extract_topics(text)
    assert topics[0] == "金融"
    assert "科技创新" not in topics  # one weak hit is below the threshold
    assert extract_topics("天气晴朗。") == []
    assert set(TOPICS) >= {"招商引资", "科技创新", "金融", "营商环境", "产业升级", "对外开放"}


def test_title_weighs_more_for_topics() -> None:
    assert extract_topics("正文。", title="招商引资再提速") == ["招商引资"]


def test_every_entity_is_in_the_text() -> None:
    ents = extract_entities(TEXT, byline="王明")
    for name in [*ents.organizations, *ents.companies, *ents.people, *ents.places]:
        assert name in TEXT
