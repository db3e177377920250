"""The only module that imports ``openai``: a ``ChatClient`` over ``openai.AsyncOpenAI``.

The SDK's own retries are off (``max_retries=0``): ``summarizer.llm.retry`` is the one retry
layer. SDK errors become typed errors with clear messages; neither the key nor the
Authorization header ever reaches a message. ``base_url`` may point at any OpenAI-compatible
server, including a local one on 127.0.0.1 (tests and benchmarks use that).
"""

from __future__ import annotations

import dataclasses
import re
from typing import Any

import openai

from ..errors import LLMError, PermanentLLMError
from .retry import RETRYABLE_STATUSES, RetryableLLMError
from .settings import LLMSettings
from .wire import ChatRequest, ChatResult

__all__ = ["OpenAIChatClient", "scrub_secrets"]

_NO_KEY = "no-key"  # local servers (Ollama, vLLM, llama.cpp) accept any key
_SECRET = re.compile(r"(sk-[A-Za-z0-9_\-*]{4,}|Bearer\s+\S+|api[_-]?key\S*\s*[:=]\s*\S+)", re.I)

_STATUS_MESSAGES: dict[int, str] = {
    400: "bad request (the server rejected the request)",
    401: "authentication failed: check OPENAI_API_KEY (or SUMMARIZER_API_KEY)",
    403: "permission denied: the key may not use this model or endpoint",
    404: "not found: check --model and --base-url",
    422: "the server could not process the request",
}


def scrub_secrets(text: str) -> str:
    """Remove anything that looks like a key or an Authorization value."""
    return _SECRET.sub("[redacted]", text)


def _server_detail(exc: openai.APIStatusError) -> str:
    body = exc.body
    detail: Any = body.get("message", body) if isinstance(body, dict) else exc.message
    return scrub_secrets(str(detail))[:200]


def _retry_after(headers: Any) -> float | None:
    if headers is None:
        return None
    for name, scale in (("retry-after-ms", 0.001), ("retry-after", 1.0)):
        raw = headers.get(name)
        if raw is None:
            continue
        try:
            return max(0.0, float(raw) * scale)
        except ValueError:
            continue  # an HTTP date: fall back to our own backoff
    return None


def _map_error(exc: openai.OpenAIError, endpoint: str) -> LLMError:
    if isinstance(exc, openai.APITimeoutError):
        return RetryableLLMError("request timed out", source=endpoint)
    if isinstance(exc, openai.APIConnectionError):
        return RetryableLLMError("cannot connect to the endpoint", source=endpoint)
    if isinstance(exc, openai.APIStatusError):
        status = exc.status_code
        if status in RETRYABLE_STATUSES or status >= 500:
            return RetryableLLMError(
                f"HTTP {status}: {_server_detail(exc)}",
                source=endpoint,
                status=status if status in RETRYABLE_STATUSES else 500,
                retry_after=_retry_after(exc.response.headers),
            )
        base = _STATUS_MESSAGES.get(status, f"HTTP {status}")
        return PermanentLLMError(f"{base}: {_server_detail(exc)}", source=endpoint, status=status)
    return PermanentLLMError(scrub_secrets(str(exc))[:200], source=endpoint)


class OpenAIChatClient:
    """Sends ``ChatRequest``s with ``openai.AsyncOpenAI`` (build it inside the running loop)."""

    def __init__(self, settings: LLMSettings, *, http_client: Any = None) -> None:
        settings.require_configured()
        self.settings = settings
        self.endpoint = settings.effective_base_url or ""
        self.shown_endpoint = settings.shown_endpoint or ""  # for messages: no credentials
        key = settings.api_key.get_secret_value() if settings.api_key else _NO_KEY
        kwargs: dict[str, Any] = {
            "api_key": key,
            "base_url": self.endpoint,
            "timeout": settings.timeout,
            "max_retries": 0,
        }
        if http_client is not None:
            kwargs["http_client"] = http_client
        self._client = openai.AsyncOpenAI(**kwargs)
        self._tokens_param = "max_tokens"
        self._send_temperature = True

    def _adapt(self, detail: str) -> bool:
        """Switch a parameter the server named as unsupported; False if nothing to switch."""
        lowered = detail.lower()
        if self._tokens_param == "max_tokens" and "max_completion_tokens" in lowered:
            self._tokens_param = "max_completion_tokens"
            return True
        if self._send_temperature and "temperature" in lowered and "unsupported" in lowered:
            self._send_temperature = False
            return True
        return False

    async def complete(self, request: ChatRequest) -> ChatResult:
        kwargs: dict[str, Any] = {"model": self.settings.model, "messages": request.messages}
        kwargs[self._tokens_param] = request.max_tokens
        if self._send_temperature:
            kwargs["temperature"] = request.temperature
        if request.response_format is not None:
            kwargs["response_format"] = request.response_format
        if request.tools is not None:
            kwargs["tools"] = request.tools
            kwargs["tool_choice"] = request.tool_choice
        try:
            completion = await self._client.chat.completions.create(**kwargs)
        except openai.BadRequestError as e:
            # Reasoning models (o1/o3/gpt-5) reject max_tokens and a non-default temperature:
            # adapt the parameters once and remember, rather than fail every article.
            if not self._adapt(_server_detail(e)):
                raise _map_error(e, self.shown_endpoint) from e
            retried = await self.complete(request)
            return dataclasses.replace(retried, calls=retried.calls + 1)
        except openai.OpenAIError as e:
            raise _map_error(e, self.shown_endpoint) from e
        usage = completion.usage
        prompt_tokens = usage.prompt_tokens if usage else 0
        completion_tokens = usage.completion_tokens if usage else 0
        if not completion.choices:
            return ChatResult(
                has_choice=False,
                prompt_tokens=prompt_tokens or 0,
                completion_tokens=completion_tokens or 0,
            )
        choice = completion.choices[0]
        message = choice.message
        extra = message.model_extra or {}
        reasoning = getattr(message, "reasoning_content", None) or extra.get("reasoning_content")
        arguments = [
            call.function.arguments
            for call in (message.tool_calls or [])
            if getattr(call, "function", None) is not None
        ]
        return ChatResult(
            has_choice=True,
            content=message.content,
            reasoning_content=reasoning if isinstance(reasoning, str) else None,
            tool_arguments=arguments,
            finish_reason=choice.finish_reason,
            prompt_tokens=prompt_tokens or 0,
            completion_tokens=completion_tokens or 0,
        )

    async def aclose(self) -> None:
        await self._client.close()
