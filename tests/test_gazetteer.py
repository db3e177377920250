"""The zone gazetteer: canonical names for every way a national high-tech zone is written."""

from __future__ import annotations

import json
import re
from importlib import resources

import pytest
from conftest import CORPUS

from summarizer.errors import ConfigError
from summarizer.gazetteer import Gazetteer, canonical_zone, find_zones, get_gazetteer


def test_holds_the_national_zones() -> None:
    gaz = get_gazetteer()
    # ~178 zones exist; the data file must hold most of them, with unique canonical names.
    assert len(gaz) >= 160
    names = [z.name for z in gaz.zones]
    assert len(names) == len(set(names))
    assert all(z.province and z.city for z in gaz.zones)


def test_every_provincial_capital_has_a_zone() -> None:
    capitals = [
        "石家庄",
        "太原",
        "呼和浩特",
        "沈阳",
        "长春",
        "哈尔滨",
        "南京",
        "杭州",
        "合肥",
        "福州",
        "南昌",
        "济南",
        "郑州",
        "武汉",
        "长沙",
        "广州",
        "南宁",
        "海口",
        "成都",
        "贵阳",
        "昆明",
        "西安",
        "兰州",
        "西宁",
        "银川",
        "乌鲁木齐",
    ]
    cities = {z.city for z in get_gazetteer().zones}
    assert [c for c in capitals if c not in cities] == []


@pytest.mark.parametrize(
    ("surface", "canonical"),
    [
        ("杭州高新区", "杭州高新区"),
        ("杭州高新区(滨江)", "杭州高新区"),
        ("杭州高新区（滨江）", "杭州高新区"),
        ("滨江高新区", "杭州高新区"),
        ("杭州国家高新区", "杭州高新区"),
        ("杭州高新技术产业开发区", "杭州高新区"),
        ("包头稀土高新区", "包头稀土高新区"),
        ("包头高新区", "包头稀土高新区"),
        ("慈湖高新区", "马鞍山慈湖高新区"),
        ("东湖高新区", "东湖高新区"),
        ("武汉东湖高新区", "东湖高新区"),
        ("中关村科技园区", "中关村科技园区"),
        ("中关村", "中关村科技园区"),
        ("衢州智造新城", "衢州高新区"),
        ("威海高新区", "威海火炬高新区"),
        ("湖州高新区", "湖州莫干山高新区"),
        ("宝鸡国家级高新技术产业开发区", "宝鸡高新区"),
        ("宝鸡高新开发区", "宝鸡高新区"),
    ],
)
def test_aliases_resolve_to_the_canonical_name(surface: str, canonical: str) -> None:
    assert canonical_zone(surface) == canonical


def test_unknown_names_do_not_resolve() -> None:
    assert canonical_zone("火星高新区") is None
    assert canonical_zone("国家高新区") is None  # the zones collectively, not one zone


def test_find_prefers_the_longest_form_and_keeps_order() -> None:
    text = "包头稀土高新区与杭州高新区(滨江)合作，滨江高新区企业落户慈湖高新区。"
    mentions = get_gazetteer().find(text)
    assert [m.surface for m in mentions] == [
        "包头稀土高新区",
        "杭州高新区(滨江)",
        "滨江高新区",
        "慈湖高新区",
    ]
    for m in mentions:
        assert text[m.start : m.end] == m.surface
    assert find_zones(text) == ["包头稀土高新区", "杭州高新区", "马鞍山慈湖高新区"]


# Every zone the three corpus issues name (read by hand), and the canonical name it must get.
CORPUS_ZONES = {
    "宝鸡高新区": "宝鸡高新区",
    "益阳高新区": "益阳高新区",
    "合肥高新区": "合肥高新区",
    "济南高新区": "济南高新区",
    "杭州高新区(滨江)": "杭州高新区",
    "淄博高新区": "淄博高新区",
    "威海高新区": "威海火炬高新区",
    "包头稀土高新区": "包头稀土高新区",
    "银川高新区": "银川高新区",
    "衢州智造新城": "衢州高新区",
    "郴州高新区": "郴州高新区",
    "大庆高新区": "大庆高新区",
    "安康高新区": "安康高新区",
    "襄阳高新区": "襄阳高新区",
    "萧山临江高新区": "萧山临江高新区",
    "珠海高新区": "珠海高新区",
    "新余高新区": "新余高新区",
    "南昌高新区": "南昌高新区",
    "孝感高新区": "孝感高新区",
    "昆山高新区": "昆山高新区",
    "乌鲁木齐高新区": "乌鲁木齐高新区",
    "南通高新区": "南通高新区",
}


def test_every_zone_named_in_the_corpus_is_known() -> None:
    files = sorted(CORPUS.glob("*.txt"))
    if not files:
        pytest.skip("../shared/corpus is not beside the repository")
    text = "".join(re.sub(r"\s+", "", f.read_text(encoding="utf-8")) for f in files)
    found = {m.surface: m.zone.name for m in get_gazetteer().find(text)}
    for surface, canonical in CORPUS_ZONES.items():
        assert surface in text  # the list above was read off the corpus
        assert found.get(surface) == canonical, surface


def test_bad_data_is_a_config_error() -> None:
    with pytest.raises(ConfigError):
        Gazetteer.from_records(
            [{"name": "X高新区", "province": "P", "city": "C", "aliases": "oops"}]
        )


def test_data_file_is_valid_json_with_the_documented_fields() -> None:
    raw = resources.files("summarizer").joinpath("data/zones.json").read_text("utf-8")
    data = json.loads(raw)
    for rec in data["zones"]:
        assert set(rec) == {"name", "province", "city", "aliases"}
