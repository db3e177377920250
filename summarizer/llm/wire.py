"""The engine's view of one chat call, independent of the ``openai`` SDK.

``ChatClient`` is the seam for tests: a fake client returns scripted ``ChatResult``s; the real
one (``summarizer.llm.client.OpenAIChatClient``) wraps ``openai.AsyncOpenAI``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

__all__ = ["ChatClient", "ChatRequest", "ChatResult"]


@dataclass(frozen=True, slots=True)
class ChatRequest:
    """One chat-completions request: messages plus the structured-output parameters."""

    messages: list[dict[str, Any]]
    max_tokens: int
    temperature: float
    response_format: dict[str, Any] | None = None
    tools: list[dict[str, Any]] | None = None
    tool_choice: dict[str, Any] | None = None


@dataclass(frozen=True, slots=True)
class ChatResult:
    """What came back: the first choice (if any) and the token usage."""

    has_choice: bool = True
    content: str | None = None
    reasoning_content: str | None = None
    tool_arguments: list[str] = field(default_factory=list)
    finish_reason: str | None = None
    prompt_tokens: int = 0
    completion_tokens: int = 0
    calls: int = 1  # HTTP requests it took (a parameter adaptation adds one)


class ChatClient(Protocol):
    """Sends one request, no retries; raises ``TransientLLMError`` / ``PermanentLLMError``."""

    async def complete(self, request: ChatRequest) -> ChatResult: ...

    async def aclose(self) -> None: ...
