"""The openai-backed client through the real SDK over a mock transport (no network)."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import httpx2
import pytest

from summarizer.errors import PermanentLLMError
from summarizer.llm.client import OpenAIChatClient, scrub_secrets
from summarizer.llm.retry import RetryableLLMError
from summarizer.llm.settings import LLMSettings
from summarizer.llm.wire import ChatRequest

KEY = "sk-secret-abcdefghijklmnop"


def _completion(
    message: dict[str, Any], finish: str = "stop", choices: bool = True
) -> dict[str, Any]:
    return {
        "id": "chatcmpl-1",
        "object": "chat.completion",
        "created": 1,
        "model": "m",
        "choices": [{"index": 0, "message": message, "finish_reason": finish}] if choices else [],
        "usage": {"prompt_tokens": 11, "completion_tokens": 7, "total_tokens": 18},
    }


def _call(handler, request: ChatRequest | None = None):
    seen: list[httpx2.Request] = []

    def wrapped(req: httpx2.Request) -> httpx2.Response:
        seen.append(req)
        return handler(req)

    settings = LLMSettings(model="m", base_url="http://127.0.0.1:9/v1", api_key=KEY)

    async def go():
        http = httpx2.AsyncClient(transport=httpx2.MockTransport(wrapped))
        client = OpenAIChatClient(settings, http_client=http)
        try:
            return await client.complete(
                request
                or ChatRequest(
                    messages=[{"role": "user", "content": "hi"}], max_tokens=50, temperature=0
                )
            )
        finally:
            await client.aclose()

    return asyncio.run(go()), seen


def test_sends_the_request_and_reads_the_answer() -> None:
    req = ChatRequest(
        messages=[{"role": "user", "content": "hi"}],
        max_tokens=50,
        temperature=0.1,
        response_format={"type": "json_object"},
    )
    result, seen = _call(
        lambda r: httpx2.Response(200, json=_completion({"role": "assistant", "content": "{}"})),
        req,
    )
    assert result.content == "{}" and result.prompt_tokens == 11 and result.finish_reason == "stop"
    body = json.loads(seen[0].content)
    assert body["model"] == "m" and body["response_format"] == {"type": "json_object"}
    assert str(seen[0].url) == "http://127.0.0.1:9/v1/chat/completions"
    assert len(seen) == 1


def test_reasoning_content_and_tool_calls_are_read() -> None:
    message = {
        "role": "assistant",
        "content": None,
        "reasoning_content": 'thinking {"a": 1}',
        "tool_calls": [
            {"id": "c1", "type": "function", "function": {"name": "f", "arguments": '{"a": 1}'}}
        ],
    }
    result, _ = _call(lambda r: httpx2.Response(200, json=_completion(message, "tool_calls")))
    assert result.reasoning_content == 'thinking {"a": 1}'
    assert result.tool_arguments == ['{"a": 1}']


def test_empty_choices() -> None:
    result, _ = _call(lambda r: httpx2.Response(200, json=_completion({}, choices=False)))
    assert not result.has_choice and result.prompt_tokens == 11


def test_401_is_permanent_with_a_clear_message_and_no_key() -> None:
    body = {
        "error": {"message": f"Incorrect API key provided: {KEY}", "type": "invalid_request_error"}
    }
    with pytest.raises(PermanentLLMError) as info:
        _call(lambda r: httpx2.Response(401, json=body))
    assert info.value.status == 401
    assert "authentication failed: check OPENAI_API_KEY" in str(info.value)
    assert KEY not in str(info.value)


def test_404_and_400_are_permanent() -> None:
    for status, words in ((404, "check --model"), (400, "bad request")):
        with pytest.raises(PermanentLLMError, match=words):
            _call(lambda r, s=status: httpx2.Response(s, json={"error": {"message": "nope"}}))


def test_429_is_transient_with_retry_after_and_sdk_does_not_retry() -> None:
    with pytest.raises(RetryableLLMError) as info:
        _call(
            lambda r: httpx2.Response(
                429, headers={"retry-after": "7"}, json={"error": {"message": "slow down"}}
            )
        )
    assert info.value.status == 429 and info.value.retry_after == 7.0


def test_500_and_connection_errors_are_transient() -> None:
    calls: list[int] = []

    def boom(r: httpx2.Request) -> httpx2.Response:
        calls.append(1)
        return httpx2.Response(500, json={"error": {"message": "oops"}})

    with pytest.raises(RetryableLLMError) as info:
        _call(boom)
    assert info.value.status == 500 and calls == [1]  # max_retries=0: one layer of retries

    def refuse(r: httpx2.Request) -> httpx2.Response:
        raise httpx2.ConnectError("refused")

    with pytest.raises(RetryableLLMError, match="cannot connect"):
        _call(refuse)

    def slow(r: httpx2.Request) -> httpx2.Response:
        raise httpx2.ReadTimeout("slow")

    with pytest.raises(RetryableLLMError, match="timed out"):
        _call(slow)


def test_scrub_secrets() -> None:
    assert KEY not in scrub_secrets(f"key {KEY} and Bearer abc.def")
    assert "abc.def" not in scrub_secrets("Authorization: Bearer abc.def")


def test_reasoning_models_get_max_completion_tokens_and_no_temperature() -> None:
    def handler(r: httpx2.Request) -> httpx2.Response:
        body = json.loads(r.content)
        if "max_tokens" in body:
            msg = "Unsupported parameter: 'max_tokens' is not supported with this model. Use 'max_completion_tokens' instead."
            return httpx2.Response(400, json={"error": {"message": msg}})
        if "temperature" in body:
            msg = "Unsupported value: 'temperature' does not support 0.1 with this model."
            return httpx2.Response(400, json={"error": {"message": msg}})
        return httpx2.Response(200, json=_completion({"role": "assistant", "content": "{}"}))

    req = ChatRequest(messages=[{"role": "user", "content": "hi"}], max_tokens=50, temperature=0.1)
    result, seen = _call(handler, req)
    assert result.content == "{}" and len(seen) == 3 and result.calls == 3
    assert json.loads(seen[-1].content)["max_completion_tokens"] == 50
