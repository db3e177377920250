"""Down-compile a pydantic model's JSON Schema for strict structured output and weak servers.

OpenAI's strict mode wants every property required and ``additionalProperties: false`` on every
object; llama.cpp, vLLM (outlines/xgrammar) and Ollama choke on ``$ref``/``$defs`` or drop or
reject numeric and length bounds. So: inline references, close every object, require every
property (optional ones stay nullable), and remove bounds (pydantic validators enforce them).
"""

from __future__ import annotations

import copy
import functools
import json
from typing import Any

from pydantic import BaseModel

from ..errors import ConfigError

__all__ = ["BOUND_KEYWORDS", "schema_json", "strict_schema"]

# Keywords removed: numeric and size bounds, formats and defaults many servers reject.
BOUND_KEYWORDS = frozenset(
    {
        "minimum",
        "maximum",
        "exclusiveMinimum",
        "exclusiveMaximum",
        "multipleOf",
        "minLength",
        "maxLength",
        "minItems",
        "maxItems",
        "uniqueItems",
        "pattern",
        "format",
        "default",
        "minProperties",
        "maxProperties",
    }
)
_NOISE = frozenset({"title", "examples", "description"})


def _resolve(ref: str, defs: dict[str, Any]) -> dict[str, Any]:
    prefix = "#/$defs/"
    if not ref.startswith(prefix) or ref[len(prefix) :] not in defs:
        raise ConfigError(f"unsupported schema reference {ref!r}", source="schema")
    return defs[ref[len(prefix) :]]


def _compile(node: Any, defs: dict[str, Any], stack: tuple[str, ...]) -> Any:
    if isinstance(node, list):
        return [_compile(item, defs, stack) for item in node]
    if not isinstance(node, dict):
        return node
    if "$ref" in node:
        ref = node["$ref"]
        if ref in stack:
            raise ConfigError(f"recursive schema reference {ref!r} cannot be inlined")
        target = copy.deepcopy(_resolve(ref, defs))
        extra = {k: v for k, v in node.items() if k != "$ref"}
        target.update(extra)
        return _compile(target, defs, (*stack, ref))
    out: dict[str, Any] = {}
    for key, value in node.items():
        if key in BOUND_KEYWORDS or key in _NOISE or key == "$defs":
            continue
        if key == "properties" and isinstance(value, dict):
            out[key] = {name: _compile(sub, defs, stack) for name, sub in value.items()}
        else:
            out[key] = _compile(value, defs, stack)
    if out.get("type") == "object" or "properties" in out:
        out["type"] = "object"
        out.setdefault("properties", {})
        out["required"] = list(out["properties"])
        out["additionalProperties"] = False
    return out


@functools.lru_cache(maxsize=64)
def strict_schema(model: type[BaseModel]) -> dict[str, Any]:
    """The down-compiled schema of ``model`` (no ``$ref``, closed objects, no bounds).

    Cached per model: treat the result as read-only.
    """
    raw = model.model_json_schema()
    defs = raw.get("$defs", {})
    compiled = _compile(raw, defs, ())
    assert isinstance(compiled, dict)
    return compiled


@functools.lru_cache(maxsize=64)
def schema_json(model: type[BaseModel]) -> str:
    """The compact JSON text of ``strict_schema`` (put in prompts for json_object mode)."""
    return json.dumps(strict_schema(model), ensure_ascii=False, separators=(",", ":"))
