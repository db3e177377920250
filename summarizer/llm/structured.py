"""Structured output: how each mode asks for JSON, and how an answer is dug out of a response.

Modes (one enum, one mapping): ``json_schema`` (strict, the down-compiled schema),
``json_object`` (schema in the prompt), ``tools`` (one forced function call). ``DOWNGRADE`` says
which mode to try next when a server rejects one (``auto`` only).

Server quirks handled in ``answer_text``: an empty ``choices`` list; a ``<think>…</think>``
block before the answer; the answer in ``reasoning_content`` (Qwen3 / DeepSeek-R1 behind vLLM);
JSON wrapped in a markdown fence or surrounded by prose; ``finish_reason == "length"``.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ValidationError

from ..errors import ResponseError
from .schema import strict_schema
from .settings import StructuredMode
from .wire import ChatResult

__all__ = [
    "DOWNGRADE",
    "MODES",
    "InvalidOutput",
    "ModeSpec",
    "TruncatedOutput",
    "answer_text",
    "parse_answer",
    "request_params",
]


class InvalidOutput(ResponseError):
    """The answer is not valid JSON or not valid for the response model (worth a re-ask)."""

    def __init__(self, errors: str, raw: str | None = None) -> None:
        super().__init__(errors)
        self.errors = errors
        self.raw = raw


class TruncatedOutput(InvalidOutput):
    """``finish_reason == "length"`` and the JSON is cut: raise max_tokens or split the chunk."""


def _json_schema(model: type[BaseModel], name: str) -> dict[str, Any]:
    return {
        "response_format": {
            "type": "json_schema",
            "json_schema": {"name": name, "strict": True, "schema": strict_schema(model)},
        }
    }


def _json_object(model: type[BaseModel], name: str) -> dict[str, Any]:
    return {"response_format": {"type": "json_object"}}


def _tools(model: type[BaseModel], name: str) -> dict[str, Any]:
    return {
        "tools": [
            {
                "type": "function",
                "function": {
                    "name": name,
                    "description": "Return the answer.",
                    "parameters": strict_schema(model),
                },
            }
        ],
        "tool_choice": {"type": "function", "function": {"name": name}},
    }


@dataclass(frozen=True, slots=True)
class ModeSpec:
    """What one structured mode sends: request parameters, and whether the prompt has the schema."""

    schema_in_prompt: bool
    params: Callable[[type[BaseModel], str], dict[str, Any]]


MODES: dict[StructuredMode, ModeSpec] = {
    StructuredMode.JSON_SCHEMA: ModeSpec(schema_in_prompt=False, params=_json_schema),
    StructuredMode.JSON_OBJECT: ModeSpec(schema_in_prompt=True, params=_json_object),
    StructuredMode.TOOLS: ModeSpec(schema_in_prompt=False, params=_tools),
}

DOWNGRADE: dict[StructuredMode, StructuredMode | None] = {
    StructuredMode.JSON_SCHEMA: StructuredMode.JSON_OBJECT,
    StructuredMode.JSON_OBJECT: StructuredMode.TOOLS,
    StructuredMode.TOOLS: None,
}


@functools.lru_cache(maxsize=64)
def request_params(mode: StructuredMode, model: type[BaseModel]) -> dict[str, Any]:
    """``response_format`` / ``tools`` / ``tool_choice`` for ``mode`` (not ``auto``).

    Cached per mode and model: treat the result as read-only.
    """
    return MODES[mode].params(model, model.__name__)


_THINK = re.compile(r"<think>.*?(?:</think>|\Z)", re.DOTALL | re.IGNORECASE)
_FENCE = re.compile(r"```[ \t]*(?:json|JSON)?[ \t]*\n(.*?)(?:\n[ \t]*```|\Z)", re.DOTALL)


def _json_part(text: str) -> str | None:
    """The JSON object inside ``text``: a fenced block, else first ``{`` to last ``}``."""
    text = _THINK.sub("", text).strip()
    if not text:
        return None
    m = _FENCE.search(text)
    if m:
        text = m.group(1).strip()
    if text.startswith("{"):
        return text
    start, end = text.find("{"), text.rfind("}")
    if start == -1:
        return text  # let the JSON parser say what is wrong
    return text[start : end + 1] if end > start else text[start:]


def answer_text(result: ChatResult, mode: StructuredMode) -> str:
    """The answer's JSON text, wherever the server put it; ``InvalidOutput`` if none."""
    if not result.has_choice:
        raise InvalidOutput("the response had no choices")
    candidates: list[str] = []
    if mode is StructuredMode.TOOLS:
        candidates.extend(result.tool_arguments)
    candidates.extend(c for c in (result.content, result.reasoning_content) if c)
    if mode is not StructuredMode.TOOLS:
        candidates.extend(result.tool_arguments)
    for candidate in candidates:
        part = _json_part(candidate)
        if part:
            return part
    if result.finish_reason == "length":
        raise TruncatedOutput("the answer was cut off before any JSON (finish_reason=length)")
    raise InvalidOutput("the response contained no answer")


def parse_answer(text: str, model: type[BaseModel], *, truncated: bool = False) -> BaseModel:
    """Validate ``text`` against ``model``; ``InvalidOutput`` (or ``TruncatedOutput``) if not."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as e:
        if truncated:
            raise TruncatedOutput(f"truncated JSON: {e}", raw=text) from e
        raise InvalidOutput(f"invalid JSON: {e}", raw=text) from e
    try:
        return model.model_validate(data)
    except ValidationError as e:
        errors = "; ".join(
            f"{'.'.join(str(p) for p in err['loc']) or '(root)'}: {err['msg']}"
            for err in e.errors()[:10]
        )
        if truncated:
            raise TruncatedOutput(f"truncated answer: {errors}", raw=text) from e
        raise InvalidOutput(errors, raw=text) from e
