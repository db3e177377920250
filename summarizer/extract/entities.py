"""Entities (zones, organisations, companies, people, places) and topics, from dictionaries and
patterns: no model, so every name is a verbatim substring of the article (or its byline).

Zones resolve to canonical names through the gazetteer; organisations and companies are token
sequences (jieba words) ending in an institutional or legal-form suffix; people come from
bylines, reporter credits and speech verbs after a job title; places are provinces and cities.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from ..gazetteer import get_gazetteer
from ..models import Entities
from .tokens import tokenize, wordset

__all__ = ["TOPICS", "extract_entities", "extract_topics", "split_byline"]

# Topic → keywords; a topic's score is its keyword hits (title hits count triple).
TOPICS: dict[str, tuple[str, ...]] = {
    "经济运行": (
        "增加值",
        "生产总值",
        "营业收入",
        "经济运行",
        "产值",
        "税收",
        "同比增长",
        "主要指标",
    ),
    "招商引资": ("招商", "引资", "招引", "签约", "落户", "外资", "项目引进"),
    "科技创新": (
        "科技创新",
        "创新",
        "研发",
        "专利",
        "科技型",
        "高新技术企业",
        "实验室",
        "成果转化",
    ),
    "金融": ("金融", "融资", "贷款", "信贷", "银行", "基金", "担保", "上市", "资本"),
    "营商环境": ("营商环境", "审批", "政务服务", "帮办", "代办", "放管服", "一网通办", "服务企业"),
    "产业升级": (
        "产业升级",
        "转型升级",
        "技改",
        "智能制造",
        "数字化",
        "产业链",
        "产业集群",
        "提档升级",
    ),
    "对外开放": ("对外开放", "开放", "外贸", "进出口", "出口", "跨境", "自贸", "国际化"),
    "项目建设": ("项目建设", "重大项目", "重点项目", "开工", "竣工", "投产"),
    "人才": ("人才", "引才", "博士", "院士", "团队"),
    "绿色发展": ("绿色", "生态", "低碳", "节能", "环保", "减排"),
    "政策支持": ("政策", "奖励", "补贴", "扶持", "专项资金", "兑现"),
    "疫情与复工": ("疫情", "复工", "复产", "防疫", "抗疫"),
}
_MAX_TOPICS = 3
_MIN_TOPIC_SCORE = 2

# Organisations named in full in national news; matched before the suffix rule.
_KNOWN_ORGS = (
    "工业和信息化部",
    "国家发展和改革委员会",
    "国家发展改革委",
    "科学技术部",
    "科技部",
    "商务部",
    "财政部",
    "国务院",
    "中国人民银行",
    "国家统计局",
    "海关总署",
    "国家市场监督管理总局",
    "市场监管总局",
    "中国银保监会",
    "国家金融监督管理总局",
    "中国证监会",
    "人力资源和社会保障部",
    "生态环境部",
    "自然资源部",
    "农业农村部",
    "国家知识产权局",
    "国家税务总局",
    "新华社",
)
_ORG_SUFFIXES = (
    "管理委员会",
    "管委会",
    "委员会",
    "办公室",
    "研究院",
    "研究所",
    "实验室",
    "服务中心",
    "中心",
    "分行",
    "支行",
    "银行",
    "大学",
    "学院",
    "协会",
    "商会",
    "联合会",
    "政府",
    "总局",
    "局",
    "厅",
    "部",
    "委",
    "署",
    "司",
)
# Token endings that look like a suffix but are not institutions (子公司 ends in 司, 新格局 in 局).
_NOT_ORG_TAILS = ("公司", "格局", "布局", "开局", "破局", "结局", "大局", "干部", "全部", "内部")
_ONE_CHAR_SUFFIXES = frozenset(s for s in _ORG_SUFFIXES if len(s) == 1)
_COMPANY_SUFFIXES = ("股份有限公司", "有限责任公司", "有限公司", "集团")
# Words that end with a suffix but are not institutions.
_NOT_ORG = wordset(
    "全部 内部 外部 东部 西部 南部 北部 中部 干部 局部 底部 顶部 头部 尾部 部分 格局 布局 结局 大局 "
    "当局 核心 重心 市中心 城市中心 上司 公司 总部 名委 党委 市委 省委 区委 上部 下部"
)
# Tokens that cannot be part of a name: stop the backward walk.
_STOP = wordset(
    "的 在 由 向 与 和 及 对 从 据 经 为 是 将 已 把 被 让 给 同 跟 等 以 按 于 了 也 都 还 又 并 "
    "获悉 记者 近日 日前 表示 指出 召开 举办 联合 发布 发文 印发 出台 实现 完成 推动 支持 组织 会同 "
    "牵头 根据 通过 其中 目前 截至 今年 去年 由于 随着 作为 成为 包括 位于 来自 以及 还是 或 及其 "
    "这 该 其 此 各 每 多个 一批 一个 企业 联手 携手 协调 加强 积极 共同 相关 有关 有 向着 对于 "
    "本报讯 讯 报道 介绍 称 说 指导 引导 鼓励 要求 督促 推进 加大 落实 开展 建立 设立 成立 依托 "
    "带动 服务 帮助 协助 助力 引进 培育 推荐 认定 获得 获批 荣获 入选 走进 参观 调研 考察 "
    "正在 申报 属 利用 旗下 邀请 打造 构建 形成 逐步 位居 拥有 建成 建设 设有 多年来"
)
# Places beyond the zones' provinces and cities: regions, other big cities, main partners.
_EXTRA_PLACES = wordset(
    "西藏 拉萨 香港 澳门 台湾 三亚 雄安新区 京津冀 长三角 珠三角 粤港澳大湾区 成渝 东北 西部地区 "
    "美国 日本 韩国 德国 法国 英国 俄罗斯 新加坡 东盟 欧盟 中亚 非洲 欧洲 东南亚"
)
# City names that are also common words (真金白银, 长治久安, 安康): only "X市" counts.
_AMBIGUOUS_PLACES = frozenset({"白银", "安康", "长治", "大庆", "吉安", "永川"})
_NAME_TOKEN = re.compile(r"^[\u4e00-\u9fffA-Za-z0-9·（）()]+$")
_MAX_NAME = 18
_SHORT_NAME_INTRO = re.compile(r"[（(]以下简称[:：]?[“\"「]([^”\"」]{1,12})[”\"」][）)]")

_SURNAMES = frozenset(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏"
    "魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵"
    "万钱严覃武戴莫孔向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘"
    "祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟"
    "艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞"
    "姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻苑迟邝鞠"
)
_PERSON_TITLES = (
    "董事长|总经理|副总经理|总裁|主任|副主任|书记|副书记|局长|副局长|区长|副区长|市长|副市长|"
    "负责人|经理|院长|副院长|所长|教授|研究员|工程师|总工程师|部长|处长|科长|主席|秘书长|创始人|"
    "厂长|校长|首席执行官|党工委书记|管委会主任"
)
_CREDIT = re.compile(
    r"(?:记者|通讯员|摄影|编辑|作者)\s*[:：]?\s*"
    r"([\u4e00-\u9fff]{2,3}(?:[ \t\u3000、]+[\u4e00-\u9fff]{2,3}){0,3})(?=[\s）)」】,，。/]|$)"
)
# "，李明说：" / "。王芳表示，": a bare name right after punctuation, before a speech verb.
_BARE_SPEAKER = re.compile(
    r"(?:^|(?<=[，。；：“”、\s,;:]))([\u4e00-\u9fff]{2,3})(?:说|表示|介绍)[，,：:]"
)
_PHOTO_CREDIT = re.compile(r"([\u4e00-\u9fff]{2,3})\s*[/／]\s*摄")
_TITLED_SPEAKER = re.compile(
    rf"(?:{_PERSON_TITLES})([\u4e00-\u9fff]{{2,3}}?)(?:说|表示|介绍|指出|告诉记者|坦言|认为)"
)


@dataclass(frozen=True, slots=True)
class _Found:
    name: str
    pos: int


def _ordered_unique(items: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(i for i in items if i))


def _is_person(name: str) -> bool:
    return 2 <= len(name) <= 4 and name[0] in _SURNAMES


def split_byline(byline: str | None) -> list[str]:
    """Names in a byline such as "巩茜 宋格", "记者 张伟" or "新华社记者 鞠焕宗/摄"."""
    if not byline:
        return []
    text = re.sub(
        r"[/／]\s*摄.*$|(?:新华社)?(?:特约)?(?:记者|通讯员|摄影|编辑|文|图)[:：]?", " ", byline
    )
    parts = re.split(r"[\s、，,;；|/►▶]+", text)
    return [p for p in parts if _is_person(p)]


def _people(text: str, byline: str | None) -> list[str]:
    found: list[str] = list(split_byline(byline))
    for m in _CREDIT.finditer(text):
        found.extend(p for p in re.split(r"[\s、，,]+", m.group(1)) if _is_person(p))
    found.extend(m.group(1) for m in _PHOTO_CREDIT.finditer(text) if _is_person(m.group(1)))
    found.extend(m.group(1) for m in _TITLED_SPEAKER.finditer(text) if _is_person(m.group(1)))
    found.extend(m.group(1) for m in _BARE_SPEAKER.finditer(text) if _is_person(m.group(1)))
    return _ordered_unique(found)


def _walk_back(tokens: list[str], i: int) -> str:
    """Extend the name ending at token ``i`` backwards over name-like tokens."""
    name = tokens[i]
    j = i - 1
    while j >= 0 and len(name) < _MAX_NAME:
        tok = tokens[j]
        if tok in _STOP or not _NAME_TOKEN.match(tok) or tok.isdigit() or tok.islower():
            break
        if len(name) + len(tok) > _MAX_NAME:
            break
        name = tok + name
        j -= 1
    return name


def _suffixed_names(
    runs: list[list[str]],
    suffixes: tuple[str, ...],
    exclude: frozenset[str],
    not_tails: tuple[str, ...] = (),
) -> list[str]:
    names: list[str] = []
    for tokens in runs:
        for i, tok in enumerate(tokens):
            if (
                tok in exclude
                or not tok.endswith(suffixes)
                or (not_tails and tok.endswith(not_tails))
            ):
                continue
            # 2-character words ending in a 1-character suffix are common nouns (格局, 东部, 公司).
            if len(tok) == 2 and tok[-1] in _ONE_CHAR_SUFFIXES:
                continue
            name = _walk_back(tokens, i)
            # A bare suffix ("局", "银行") or a short word is not a name.
            if len(name) >= 4 and name not in exclude:
                names.append(name)
    return names


def _join_known(name: str, known: list[str], text: str) -> str:
    """Repair a name cut inside a known one: 信息化部规划司 → 工业和信息化部规划司."""
    for k in known:
        for n in range(min(len(k), len(name)) - 1, 1, -1):
            if k.endswith(name[:n]):
                joined = k + name[n:]
                if joined in text:
                    return joined
                break
    return name


def _organizations(text: str, runs: list[list[str]]) -> tuple[list[str], list[str]]:
    """(organisations, companies) found in ``text`` cut into token ``runs``."""
    companies = _suffixed_names(runs, _COMPANY_SUFFIXES, _NOT_ORG)
    for m in _SHORT_NAME_INTRO.finditer(text):
        # "（以下简称“福斯线缆”）" after a company name introduces its short name.
        before = text[max(0, m.start() - 30) : m.start()]
        if before.endswith(_COMPANY_SUFFIXES):
            companies.append(m.group(1))
    known = [org for org in _KNOWN_ORGS if org in text]
    orgs = [
        _join_known(o, known, text)
        for o in _suffixed_names(runs, _ORG_SUFFIXES, _NOT_ORG, _NOT_ORG_TAILS)
        if not o.endswith(_COMPANY_SUFFIXES)
    ]
    orgs = [o for o in orgs if "等" not in o and not any(o in k for k in known)]
    # Drop names that are the tail of a longer name found elsewhere.
    all_orgs = _ordered_unique([*known, *orgs])
    all_orgs = [o for o in all_orgs if not any(o != p and p.endswith(o) for p in all_orgs)]
    companies = _ordered_unique(companies)
    companies = [
        c
        for c in companies
        if not any(c != p and (p.endswith(c) or p.startswith(c)) for p in companies)
    ]
    return all_orgs, companies


@lru_cache(maxsize=1)
def _place_pattern() -> re.Pattern[str]:
    gaz = get_gazetteer()
    names = sorted(gaz.provinces | gaz.cities | _EXTRA_PLACES, key=len, reverse=True)
    return re.compile("|".join(re.escape(n) for n in names))


def _places(text: str, zone_spans: list[tuple[int, int]]) -> list[str]:
    masked = list(text)
    for s, e in zone_spans:
        masked[s:e] = ["\0"] * (e - s)
    plain = "".join(masked)
    pattern = _place_pattern()
    found: list[_Found] = [
        _Found(m.group(), m.start())
        for m in pattern.finditer(plain)
        if m.group() not in _AMBIGUOUS_PLACES or plain.startswith("市", m.end())
    ]
    return _ordered_unique(f.name for f in sorted(found, key=lambda f: f.pos))


def extract_entities(
    text: str,
    *,
    title: str | None = None,
    byline: str | None = None,
    token_runs: list[list[str]] | None = None,
) -> Entities:
    """Entities of one article (title + body + byline).

    ``token_runs`` may pass the body's jieba words already cut, one list per sentence (names
    never cross a run); by default the body is cut line by line.
    """
    full = f"{title}\n{text}" if title else text
    mentions = get_gazetteer().find(full)
    zones = _ordered_unique(m.zone.name for m in mentions)
    if token_runs is None:
        token_runs = [tokenize(line) for line in text.splitlines() if line.strip()]
    runs = [tokenize(title), *token_runs] if title else token_runs
    orgs, companies = _organizations(full, runs)
    zone_forms = {m.surface for m in mentions}
    orgs = [o for o in orgs if o not in zone_forms]
    return Entities(
        zones=zones,
        organizations=orgs,
        companies=companies,
        people=_people(full, byline),
        places=_places(full, [(m.start, m.end) for m in mentions]),
    )


def extract_topics(text: str, *, title: str | None = None) -> list[str]:
    """Up to three topics from the keyword dictionary, best first."""
    scores: Counter[str] = Counter()
    for topic, keywords in TOPICS.items():
        for kw in keywords:
            scores[topic] += text.count(kw) + 3 * (title or "").count(kw)
    ranked = [t for t, s in scores.most_common() if s >= _MIN_TOPIC_SCORE]
    return ranked[:_MAX_TOPICS]
