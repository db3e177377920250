"""Structured output: schema down-compiling, request parameters per mode, server quirks."""

from __future__ import annotations

import json
from typing import Any

import pytest
from pydantic import BaseModel, Field

from summarizer.llm.responses import ArticleResponse
from summarizer.llm.schema import BOUND_KEYWORDS, strict_schema
from summarizer.llm.settings import StructuredMode
from summarizer.llm.structured import (
    InvalidOutput,
    TruncatedOutput,
    answer_text,
    parse_answer,
    request_params,
)
from summarizer.llm.wire import ChatResult

GOOD = {
    "headline": "h",
    "summary": "s",
    "key_points": [],
    "topics": [],
    "entities": {"zones": [], "organizations": [], "companies": [], "people": [], "places": []},
    "metrics": [
        {
            "quote": "增长5%",
            "subject": None,
            "indicator": None,
            "period": None,
            "kind": "change_rate",
        }
    ],
}


def _walk(node: Any):
    if isinstance(node, dict):
        yield node
        for v in node.values():
            yield from _walk(v)
    elif isinstance(node, list):
        for v in node:
            yield from _walk(v)


class Inner(BaseModel):
    n: int = Field(ge=0, le=10)
    label: str | None = None


class Outer(BaseModel):
    items: list[Inner] = Field(max_length=3)
    inner: Inner
    score: float = Field(0.5, gt=0)


def test_schema_is_inlined_closed_required_and_unbounded() -> None:
    schema = strict_schema(Outer)
    text = json.dumps(schema)
    assert "$ref" not in text and "$defs" not in text
    for node in _walk(schema):
        assert not BOUND_KEYWORDS & set(node), node
        if node.get("type") == "object":
            assert node["additionalProperties"] is False
            assert node["required"] == list(node["properties"])
    assert schema["properties"]["inner"]["properties"]["n"] == {"type": "integer"}
    assert set(schema["required"]) == {"items", "inner", "score"}


def test_bounds_are_still_enforced_by_pydantic() -> None:
    with pytest.raises(InvalidOutput, match="n"):
        parse_answer(
            json.dumps({"items": [], "inner": {"n": 11, "label": None}, "score": 1}), Outer
        )


def test_article_response_schema_is_strict_everywhere() -> None:
    schema = strict_schema(ArticleResponse)
    objects = [n for n in _walk(schema) if n.get("type") == "object"]
    assert len(objects) == 3  # the answer, entities, a metric claim
    assert all(n["additionalProperties"] is False for n in objects)


@pytest.mark.parametrize(
    ("mode", "key"),
    [("json_schema", "response_format"), ("json_object", "response_format"), ("tools", "tools")],
)
def test_request_params_per_mode(mode: str, key: str) -> None:
    params = request_params(StructuredMode(mode), ArticleResponse)
    assert key in params
    if mode == "json_schema":
        assert params["response_format"]["json_schema"]["strict"] is True
    if mode == "tools":
        assert params["tool_choice"]["function"]["name"] == params["tools"][0]["function"]["name"]


def _text(result: ChatResult, mode: str = "json_schema") -> dict[str, Any]:
    return json.loads(answer_text(result, StructuredMode(mode)))


def test_json_in_a_markdown_fence() -> None:
    content = "Here you go:\n```json\n" + json.dumps(GOOD) + "\n```\nHope it helps."
    assert _text(ChatResult(content=content)) == GOOD


def test_think_block_before_the_answer() -> None:
    content = "<think>The user wants {json}... let me think</think>\n" + json.dumps(GOOD)
    assert _text(ChatResult(content=content)) == GOOD


def test_answer_in_reasoning_content_with_empty_content() -> None:
    result = ChatResult(content="", reasoning_content="Okay.\n" + json.dumps(GOOD))
    assert _text(result) == GOOD


def test_tool_call_arguments() -> None:
    result = ChatResult(content=None, tool_arguments=[json.dumps(GOOD)], finish_reason="tool_calls")
    assert _text(result, "tools") == GOOD


def test_empty_choices_is_invalid_output() -> None:
    with pytest.raises(InvalidOutput, match="no choices"):
        answer_text(ChatResult(has_choice=False), StructuredMode.JSON_SCHEMA)


def test_no_answer_at_all() -> None:
    with pytest.raises(InvalidOutput, match="no answer"):
        answer_text(ChatResult(content="  "), StructuredMode.JSON_SCHEMA)


def test_truncated_json_is_reported_as_truncation() -> None:
    cut = json.dumps(GOOD)[:40]
    text = answer_text(ChatResult(content=cut, finish_reason="length"), StructuredMode.JSON_SCHEMA)
    with pytest.raises(TruncatedOutput):
        parse_answer(text, ArticleResponse, truncated=True)
    with pytest.raises(InvalidOutput) as info:
        parse_answer(text, ArticleResponse, truncated=False)
    assert not isinstance(info.value, TruncatedOutput)


def test_validation_errors_name_the_field() -> None:
    bad = dict(GOOD, metrics=[{"quote": "x", "kind": "bogus"}])
    with pytest.raises(InvalidOutput) as info:
        parse_answer(json.dumps(bad), ArticleResponse)
    assert "metrics.0.kind" in info.value.errors and "metrics.0.subject" in info.value.errors


def test_extra_keys_are_rejected_and_lists_cleaned() -> None:
    with pytest.raises(InvalidOutput, match="Extra inputs"):
        parse_answer(json.dumps(dict(GOOD, confidence=0.9)), ArticleResponse)
    ok = parse_answer(json.dumps(dict(GOOD, topics=[" 经济 ", "经济", ""])), ArticleResponse)
    assert isinstance(ok, ArticleResponse) and ok.topics == ["经济"]
