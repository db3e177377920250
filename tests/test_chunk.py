"""chunk: token budget, sentence boundaries, overlap, quotes and numbers, offline counting."""

from __future__ import annotations

import re
import sys
import types
from itertools import pairwise

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from summarizer import chunk as chunk_module
from summarizer.chunk import Chunk, chunk, count_tokens, estimate_tokens, token_counter

ARTICLE = (
    "本报讯（记者 王明）近日，记者从青山高新区管委会获悉，今年1-5月，规模以上工业增加值同比增长12.3%。"
    "园区负责人说：“我们今年新签约项目42个。总投资超过200亿元！明年还会更多。”"
    "走进园区，一派繁忙景象；车间里机器轰鸣……工人们正在赶制订单。\n"
    "据介绍，园区今年还将举办多场招商推介活动，力争全年引进亿元以上项目30个以上。"
)


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    chunk_module._tiktoken_encoder.cache_clear()


def test_estimate_is_cjk_aware() -> None:
    assert estimate_tokens("高新区") == 3
    assert estimate_tokens("abcdefgh") == 2
    assert estimate_tokens("高新 abcd") == 3
    assert estimate_tokens("") == 0


def _check_cover(text: str, chunks: list[Chunk]) -> None:
    assert chunks[0].start == 0 and chunks[-1].end == len(text)
    for c in chunks:
        assert text[c.start : c.end] == c.text
    for a, b in pairwise(chunks):
        assert a.start < b.start <= a.end  # in order, no gap (overlap allowed)


def test_short_text_is_one_chunk() -> None:
    chunks = chunk(ARTICLE, max_tokens=1500)
    assert len(chunks) == 1
    assert chunks[0] == Chunk(ARTICLE, 0, len(ARTICLE), estimate_tokens(ARTICLE))


@pytest.mark.parametrize("budget", [30, 45, 60, 90])
@pytest.mark.parametrize("overlap", [0, 1, 2])
def test_budget_boundaries_and_cover(budget: int, overlap: int) -> None:
    chunks = chunk(ARTICLE, max_tokens=budget, overlap=overlap)
    _check_cover(ARTICLE, chunks)
    assert all(c.tokens <= budget for c in chunks)
    for c in chunks[:-1]:
        # every chunk but the last ends at a sentence end (or a comma of a too-long sentence)
        assert re.search(r"[。！？；…”\n，：]$", c.text), c.text


def test_quotation_is_never_cut() -> None:
    quote = "“我们今年新签约项目42个。总投资超过200亿元！明年还会更多。”"
    for budget in (40, 50, 70):
        chunks = chunk(ARTICLE, max_tokens=budget, overlap=0)
        assert any(quote in c.text for c in chunks), budget
        # the quotation's inner full stops are not chunk ends
        assert not any(c.text.endswith(("42个。", "200亿元！")) for c in chunks)


def test_overlap_repeats_the_last_sentence() -> None:
    chunks = chunk(ARTICLE, max_tokens=110, overlap=1)
    assert len(chunks) >= 2
    first, second = chunks[0], chunks[1]
    assert second.start < first.end
    repeated = ARTICLE[second.start : first.end]
    assert repeated == "车间里机器轰鸣……"  # the last sentence of the first chunk
    assert chunk(ARTICLE, max_tokens=110, overlap=0)[1].start == first.end


def test_overlong_sentence_splits_at_commas_then_hard_without_cutting_numbers() -> None:
    long = "，".join(f"第{i}批项目总投资达到123.45亿元" for i in range(12)) + "。"
    chunks = chunk(long, max_tokens=40, overlap=0)
    _check_cover(long, chunks)
    assert all(c.tokens <= 40 for c in chunks)
    assert all(c.text.endswith(("，", "。")) for c in chunks)
    digits = "1234567890123456789012345678901234567890" * 3
    hard = chunk(digits + "亿元", max_tokens=25, overlap=0)
    assert "".join(c.text for c in hard) == digits + "亿元"
    assert all(c.tokens <= 25 for c in hard)


def test_numbers_are_not_cut_by_a_hard_split() -> None:
    text = "增长" * 30 + "123.45%" + "增长" * 30
    for budget in range(20, 60, 3):
        pieces = [c.text for c in chunk(text, max_tokens=budget, overlap=0)]
        assert any("123.45%" in p for p in pieces), budget


def test_empty_and_bad_arguments() -> None:
    assert chunk("") == []
    assert chunk(" \n ") == []
    with pytest.raises(ValueError):
        chunk("文本。", max_tokens=0)
    with pytest.raises(ValueError):
        chunk("文本。", overlap=-1)


def test_unknown_model_uses_the_estimate() -> None:
    assert token_counter("no-such-model-xyz") is estimate_tokens
    assert token_counter(None) is estimate_tokens


def test_offline_tiktoken_falls_back_to_the_estimate(monkeypatch: pytest.MonkeyPatch) -> None:
    """tiktoken downloads its encoding files on first use; offline that raises: fall back."""
    fake = types.ModuleType("tiktoken")

    def encoding_for_model(model: str) -> object:
        raise OSError("network is unreachable: cannot fetch cl100k_base.tiktoken")

    fake.encoding_for_model = encoding_for_model  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "tiktoken", fake)
    assert token_counter("gpt-4o-mini") is estimate_tokens
    assert count_tokens("高新区", model="gpt-4o-mini") == 3
    assert chunk(ARTICLE, max_tokens=60, model="gpt-4o-mini") == chunk(ARTICLE, max_tokens=60)


def test_missing_tiktoken_falls_back(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "tiktoken", None)  # import raises ImportError
    assert token_counter("gpt-4o") is estimate_tokens


def test_a_loadable_encoding_is_used(monkeypatch: pytest.MonkeyPatch) -> None:
    class Encoding:
        def encode(self, text: str, disallowed_special: object = ()) -> list[int]:
            return list(range(len(text) * 2))  # 2 tokens per character

    fake = types.ModuleType("tiktoken")
    fake.encoding_for_model = lambda model: Encoding()  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "tiktoken", fake)
    assert count_tokens("高新区", model="gpt-4o") == 6
    chunks = chunk(ARTICLE, max_tokens=100, model="gpt-4o", overlap=0)
    assert all(c.tokens == 2 * len(c.text) <= 100 for c in chunks)


def test_thousands_separator_is_not_a_split_point() -> None:
    text = "全年营业收入1,234,567万元，" * 3 + "同比增长12.3%。"
    for budget in range(8, 40, 4):
        pieces = [c.text for c in chunk(text, max_tokens=budget, overlap=0)]
        assert all(p.count("1,234,567") == p.count("1,") for p in pieces), budget


_PIECES = st.sampled_from(
    [
        "高新区",
        "营业收入",
        "增长",
        "12.3%",
        "1,234",
        "。",
        "，",
        "；",
        "！",
        "…",
        "“",
        "”",
        "他说：",
        "abc ",
        "\n",
        " ",
        "486.2亿元",
    ]
)


@settings(max_examples=200, deadline=None)
@given(st.lists(_PIECES, max_size=80).map("".join), st.integers(1, 60), st.integers(0, 3))
def test_chunks_cover_the_text_within_budget(text: str, budget: int, overlap: int) -> None:
    chunks = chunk(text, max_tokens=budget, overlap=overlap)
    if not text.strip():
        assert chunks == []
        return
    _check_cover(text, chunks)
    for c in chunks:
        assert c.tokens == estimate_tokens(c.text)
        # over budget only when one character alone is (a budget of 1 and a 1-token char fits)
        assert c.tokens <= budget or len(c.text.strip()) <= 1
