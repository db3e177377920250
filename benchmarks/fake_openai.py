"""A local stand-in for an OpenAI-compatible chat-completions API (stdlib only, 127.0.0.1).

It exists so that the LLM engine can be benchmarked and its cassettes recorded without a live
model: the answers are written by this code (never by a model), in the exact wire format of
``POST /v1/chat/completions``. An article-summary request gets a plausible JSON answer built from
the request itself: the headline and summary are taken from the fenced article text and every
metric quote is a verbatim fragment of it, so the engine's grounding has real text to check.

Knobs: a fixed ``latency``, a random ``error_rate`` (429 with ``Retry-After`` or 500), and a
``script`` of steps (one per request, in arrival order; plain answers once it runs out) for the
scripted scenarios of the cassettes: rate limit, server error, slow answer (client timeout),
invalid JSON, schema-invalid JSON, an ungrounded metric, truncation (``finish_reason: length``),
401, markdown fence, ``reasoning_content``, ``<think>`` block, empty ``choices``.

Run it by hand::

    python benchmarks/fake_openai.py --port 8123 --latency 0.3 --error-rate 0.1
    python benchmarks/fake_openai.py --script rate_limit,ok
"""

from __future__ import annotations

import argparse
import copy
import hashlib
import json
import random
import re
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from enum import StrEnum
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

__all__ = [
    "DigestData",
    "DigestMetric",
    "FakeConfig",
    "FakeOpenAIServer",
    "Step",
    "article_answer",
    "digest_answer",
    "digest_data",
    "estimate_tokens",
    "extract_article",
    "parse_script",
    "running_server",
    "server_process",
]

# A fixed clock for the wire format, so that re-recorded cassettes only change where the
# requests change (the real API puts the Unix time of the answer here).
CREATED = 1_767_225_600  # 2026-01-01T00:00:00Z
FAKE_KEY_HINT = "sk-test**************************1234"  # what OpenAI echoes: a masked key


class Step(StrEnum):
    """What the server does with one request."""

    OK = "ok"  # a plausible, grounded answer in the requested structured mode
    RATE_LIMIT = "rate_limit"  # 429 + Retry-After
    SERVER_ERROR = "server_error"  # 500
    SLOW = "slow"  # sleep ``slow_seconds`` before a plain answer (client timeout)
    INVALID_JSON = "invalid_json"  # prose + broken JSON, finish_reason "stop"
    SCHEMA_INVALID = "schema_invalid"  # valid JSON, wrong shape (missing/mistyped fields)
    UNGROUNDED = "ungrounded"  # the grounded answer plus one metric quote not in the article
    TRUNCATED = "truncated"  # the answer cut in the middle, finish_reason "length"
    UNAUTHORIZED = "unauthorized"  # 401 invalid_api_key
    FENCED = "fenced"  # the JSON wrapped in a ```json markdown fence
    REASONING = "reasoning"  # content empty, the JSON in reasoning_content (vLLM reasoning parser)
    THINK = "think"  # a <think>…</think> block before the JSON
    EMPTY_CHOICES = "empty_choices"  # 200 with "choices": []


@dataclass(slots=True)
class FakeConfig:
    """How the fake server behaves; mutable so a test can change it between requests."""

    latency: float = 0.0  # seconds slept before every answer
    error_rate: float = 0.0  # share of requests answered 429 or 500 (half each), at random
    retry_after: float = 0.0  # seconds, sent as Retry-After (int) and retry-after-ms
    slow_seconds: float = 5.0  # sleep of a ``Step.SLOW`` request
    seed: int = 0
    model: str | None = None  # echoed model name; None echoes the request's model
    script: list[Step] = field(default_factory=list)  # steps consumed one per request


def parse_script(text: str) -> list[Step]:
    """``"rate_limit,ok"`` → ``[Step.RATE_LIMIT, Step.OK]`` (for the command line)."""
    return [Step(part.strip()) for part in text.split(",") if part.strip()]


# ---------------------------------------------------------------------------------------------
# Reading the request: the fenced article, a rough token count
# ---------------------------------------------------------------------------------------------

# Fences a prompt may use around the article: ```lang…```, <article>…</article>; any other
# fence made of two identical marker lines is found by ``_between_marker_lines``.
_FENCES = (
    re.compile(r"```[A-Za-z_-]*[ \t]*\n(.*?)\n?```", re.S),
    re.compile(r"<(article|text|document|chunk)[^>]*>\s*(.*?)\s*</\1>", re.S),
)
_CJK = re.compile(r"[\u3000-\u30ff\u3400-\u9fff\uf900-\ufaff\uff00-\uffef]")


def estimate_tokens(text: str) -> int:
    """A tokenizer-free token estimate: one per CJK character, one per ~4 other characters.

    Close enough to cl100k/o200k for Chinese news text; used for ``usage`` and by the benchmark
    for the article-token denominator, so both sides of a ratio use the same rule.
    """
    cjk = len(_CJK.findall(text))
    other = len(text) - cjk
    return cjk + (other + 3) // 4


def _message_text(message: dict[str, Any]) -> str:
    content = message.get("content")
    if isinstance(content, str):
        return content
    if isinstance(content, list):  # content parts
        return "\n".join(str(p.get("text", "")) for p in content if isinstance(p, dict))
    return ""


def _between_marker_lines(text: str) -> Iterator[str]:
    """Regions between two identical marker lines (``<<<ARTICLE>>>``, ``=====``, ``\"\"\"``...).

    A marker line is short, has no CJK text and occurs at least twice; prompts that fence the
    article with any such token are understood without knowing the token.
    """
    lines = text.split("\n")
    positions: dict[str, list[int]] = {}
    for i, line in enumerate(lines):
        marker = line.strip()
        if marker and len(marker) <= 40 and not _CJK.search(marker) and not marker[0].isalnum():
            positions.setdefault(marker, []).append(i)
    for rows in positions.values():
        if len(rows) >= 2:
            yield "\n".join(lines[rows[0] + 1 : rows[-1]])


def extract_article(messages: list[dict[str, Any]]) -> str:
    """The article text of a request: the longest fenced region of any user message.

    Falls back to the whole last user message when nothing is fenced.
    """
    best = ""
    last_user = ""
    for message in messages:
        if message.get("role") != "user":
            continue
        text = _message_text(message)
        last_user = text
        candidates = [m.group(m.lastindex or 1) for f in _FENCES for m in f.finditer(text)]
        candidates.extend(_between_marker_lines(text))
        for body in candidates:
            if len(body) > len(best):
                best = body
    return (best or last_user).strip()


# ---------------------------------------------------------------------------------------------
# Writing the answer: a plausible summary built from the article
# ---------------------------------------------------------------------------------------------

_NUMBER = re.compile(
    r"\d+(?:[.,]\d+)*\s*(?:%|％|个百分点|万亿|亿|万|千)?\s*"
    r"(?:元|美元|欧元|家|个|项|人|名|台|件|户|吨|平方米|平方公里|亩|千瓦|辆|次|倍)?"
)
_CLAUSE_SPLIT = re.compile(r"[，,。；;！!？?\n]")
_SENTENCE = re.compile(r"[^。！？!?\n]+[。！？!?]?")
_YEARISH = re.compile(r"^(19|20)\d\d$")


def _clauses(text: str) -> Iterator[tuple[int, int]]:
    start = 0
    for match in _CLAUSE_SPLIT.finditer(text):
        yield start, match.start()
        start = match.end()
    yield start, len(text)


def _metric_quotes(article: str, limit: int = 6) -> list[dict[str, Any]]:
    """Metrics a careful model would point at: one clause (≤ 60 chars) per statistic.

    Every quote is a verbatim slice of ``article``; calendar years and dates are skipped.
    """
    metrics: list[dict[str, Any]] = []
    seen: set[str] = set()
    for start, end in _clauses(article):
        clause = article[start:end].strip()
        if not clause or len(clause) > 60:
            continue
        for number in _NUMBER.finditer(clause):
            digits = re.sub(r"\D", "", number.group())
            tail = clause[number.end() : number.end() + 1]
            if _YEARISH.match(digits) or tail in ("年", "月", "日", "号", "届", "期", "版"):
                continue
            if clause in seen:
                break
            seen.add(clause)
            is_rate = "增长" in clause or "下降" in clause or "同比" in clause
            metrics.append(
                {
                    "quote": clause,
                    "subject": None,
                    "indicator": clause[: number.start()].strip(" ：:") or None,
                    "period": None,
                    "kind": "change_rate" if is_rate and "%" in number.group() else "level",
                }
            )
            break
        if len(metrics) >= limit:
            break
    return metrics


def _sentences(article: str) -> list[str]:
    return [s.strip() for s in _SENTENCE.findall(article) if len(s.strip()) >= 6]


# What a model leaves out of a headline: a dateline, a reporter credit, a leading date.
_DATELINE = re.compile(
    r"^(?:本报讯|新华社[^，。]{0,12}电|[^，。（]{0,10}讯)?(?:（[^）]{0,20}）)?"
    r"(?:\d{1,2}月\d{1,2}日[，,]?)?"
)
_LIST_MARK = re.compile(r"^(?:\[\d+\]|[-*•]|\d+[.、])\s*", re.M)


def article_answer(article: str) -> dict[str, Any]:
    """The canonical answer to an article-summary request, before it is fitted to a schema.

    Headline: the lead sentence's longest clause once the dateline is cut; summary: the first
    two sentences; key points: the first three. List markers (reduce requests) are dropped.
    """
    flat = re.sub(r"\s+", "", _LIST_MARK.sub("", article))
    sentences = _sentences(flat) or [flat[:80]]
    lead = _DATELINE.sub("", sentences[0]) or sentences[0]
    clauses = [c for c in re.split(r"[，,。；;：:]", lead) if len(c) >= 4]
    headline = (max(clauses, key=len) if clauses else lead)[:30]
    summary = "".join(sentences[:2])[:160]
    key_points = [s[:80] for s in dict.fromkeys(sentences[:3])]
    return {
        "headline": headline,
        "summary": summary,
        "key_points": key_points,
        "topics": [],
        "entities": {"zones": [], "organizations": [], "companies": [], "people": [], "places": []},
        "metrics": _metric_quotes(flat),
    }


# ---------------------------------------------------------------------------------------------
# A digest-overview request: stories and a metrics table as fenced data
# ---------------------------------------------------------------------------------------------

# One row of the prompt's metrics table: ``- subject | indicator | period | value``.
_METRIC_ROW = re.compile(
    r"^[-*•]\s*([^|\n]*?)\s*\|\s*([^|\n]*?)\s*\|\s*([^|\n]*?)\s*\|\s*(\S[^|\n]*?)\s*$"
)
_STORY_ROW = re.compile(r"^[-*•]\s*([^|\n]+?)[:：]\s*([^|\n]*)$")
_DIGEST_HINT = re.compile(r"\bdigest\b", re.I)
_BLANK = frozenset({"", "-", "—", "?", "null", "None"})
# Offered in the ungrounded scenario; the first one the request does not contain is used.
_MADE_UP_RATES = ("99.9%", "88.8%", "77.7%", "66.6%", "55.5%")


@dataclass(frozen=True, slots=True)
class DigestMetric:
    """One row of a digest request's metrics table, as the prompt wrote it."""

    subject: str
    indicator: str
    period: str
    value: str


@dataclass(frozen=True, slots=True)
class DigestData:
    """What a digest-overview request carries: story (title, summary) pairs and metric rows."""

    stories: tuple[tuple[str, str], ...]
    metrics: tuple[DigestMetric, ...]
    text: str  # the whole fenced data, to keep made-up numbers out of it


def _clean(cell: str) -> str:
    return "" if cell.strip() in _BLANK else cell.strip()


def digest_data(messages: list[dict[str, Any]]) -> DigestData | None:
    """The stories and metrics of a digest-overview request, or None for any other request.

    A digest request is recognised by its prompt: a system message that speaks of a digest, or
    fenced data holding a ``subject | indicator | period | value`` metrics table.
    """
    data = extract_article(messages)
    system = "\n".join(
        _message_text(m) for m in messages if m.get("role") in ("system", "developer")
    )
    metrics: list[DigestMetric] = []
    stories: list[tuple[str, str]] = []
    for line in data.split("\n"):
        row = _METRIC_ROW.match(line.strip())
        if row:
            metrics.append(DigestMetric(*(_clean(cell) for cell in row.groups())))
            continue
        story = _STORY_ROW.match(line.strip())
        if story:
            stories.append((story.group(1).strip(), story.group(2).strip()))
    if not metrics and not _DIGEST_HINT.search(system):
        return None
    return DigestData(tuple(stories), tuple(metrics), data)


def _metric_phrase(metric: DigestMetric) -> str:
    """Subject, indicator and the value exactly as the table wrote it (no arithmetic)."""
    indicator = metric.indicator
    joiner = "" if not indicator or re.search(r"(增长|下降|提高|达到|为)$", indicator) else "为"
    return f"{metric.subject}{indicator}{joiner}{metric.value}"


def digest_answer(data: DigestData, *, ungrounded: bool = False) -> dict[str, Any]:
    """A hand-written editorial overview that copies every number from the metrics table.

    Summary: one sentence naming the subjects (no number), then one per leading metric; key
    points: the next metrics. ``ungrounded`` adds a sentence with a rate found nowhere in the
    request, as a model that invents a statistic would.
    """
    metrics = [m for m in data.metrics if m.value and (m.subject or m.indicator)]
    unique = list(dict.fromkeys(metrics))
    subjects = list(dict.fromkeys(m.subject for m in unique if m.subject))[:3]
    titles = [re.sub(r"[\d.,%％]+", "", t).strip() for t, _ in data.stories]
    headline = (subjects[0] + "等地发展动态") if subjects else (titles[0] if titles else "本期综述")
    sentences = []
    if subjects:
        sentences.append(f"本期重点关注{'、'.join(subjects)}的经济运行情况。")
    sentences += [f"{_metric_phrase(m)}。" for m in unique[:3]]
    if ungrounded:
        made_up = next((r for r in _MADE_UP_RATES if r not in data.text), _MADE_UP_RATES[0])
        sentences.append(f"全国高新区利润总额同比增长{made_up}。")
    if not sentences:
        sentences.append("本期各地高新区保持平稳发展。")
    key_points = [_metric_phrase(m) for m in unique[3:6]] or [t for t in titles[:2] if t]
    topics = list(dict.fromkeys(m.indicator for m in unique if m.indicator))[:3]
    return {
        "headline": headline[:30],
        "summary": "".join(sentences),
        "key_points": key_points,
        "topics": topics,
    }


def _resolve(schema: dict[str, Any], root: dict[str, Any]) -> dict[str, Any]:
    ref = schema.get("$ref")
    if isinstance(ref, str) and ref.startswith("#/"):
        node: Any = root
        for part in ref[2:].split("/"):
            node = node.get(part, {}) if isinstance(node, dict) else {}
        return _resolve(node, root) if isinstance(node, dict) else {}
    for key in ("anyOf", "oneOf", "allOf"):
        options = schema.get(key)
        if isinstance(options, list):
            non_null = [o for o in options if isinstance(o, dict) and o.get("type") != "null"]
            if non_null:
                merged = {k: v for k, v in schema.items() if k != key}
                return _resolve({**merged, **non_null[0]}, root)
    return schema


def _type_of(schema: dict[str, Any]) -> str | None:
    kind = schema.get("type")
    if isinstance(kind, list):
        kinds = [k for k in kind if k != "null"]
        return kinds[0] if kinds else "null"
    return kind if isinstance(kind, str) else None


def _default_for(schema: dict[str, Any]) -> Any:
    if "default" in schema:
        return copy.deepcopy(schema["default"])
    if schema.get("enum"):
        return schema["enum"][0]
    if "const" in schema:
        return schema["const"]
    kind = _type_of(schema)
    defaults: dict[str | None, Any] = {
        "string": "",
        "integer": 0,
        "number": 0,
        "boolean": False,
        "array": [],
        "object": {},
        "null": None,
        None: None,
    }
    return copy.deepcopy(defaults.get(kind))


def fit_to_schema(value: Any, schema: dict[str, Any], root: dict[str, Any] | None = None) -> Any:
    """Shape ``value`` (the canonical answer) to a JSON schema from the request.

    Known property names keep the article-derived values; properties the canonical answer lacks
    get their default, enum's first value or an empty value of their type; extras are dropped
    when ``additionalProperties`` is false. So the answer fits whatever response model the
    engine asks for, as a schema-following server's would.
    """
    root = root if root is not None else schema
    schema = _resolve(schema, root)
    kind = _type_of(schema)
    if kind == "object" or "properties" in schema:
        props: dict[str, Any] = schema.get("properties", {})
        source = value if isinstance(value, dict) else {}
        out: dict[str, Any] = {}
        for name, sub in props.items():
            sub_schema = _resolve(sub, root) if isinstance(sub, dict) else {}
            if name in source and source[name] is not None:
                out[name] = fit_to_schema(source[name], sub_schema, root)
            elif name in source and _accepts_null(sub, root):
                out[name] = None
            else:
                out[name] = _default_for(sub_schema)
        if schema.get("additionalProperties") is not False and not props:
            out.update(source)
        return out
    if kind == "array":
        items = schema.get("items", {})
        values = value if isinstance(value, list) else []
        fitted = [fit_to_schema(v, items if isinstance(items, dict) else {}, root) for v in values]
        max_items = schema.get("maxItems")
        return fitted[:max_items] if isinstance(max_items, int) else fitted
    if "enum" in schema and value not in schema["enum"]:
        return _default_for(schema)
    if kind == "string":
        return value if isinstance(value, str) else _default_for(schema)
    if kind in ("number", "integer"):
        return value if isinstance(value, int | float) and not isinstance(value, bool) else 0
    if kind == "boolean":
        return value if isinstance(value, bool) else False
    return value


def _accepts_null(schema: Any, root: dict[str, Any]) -> bool:
    if not isinstance(schema, dict):
        return True
    if schema.get("type") == "null" or (
        isinstance(schema.get("type"), list) and "null" in schema["type"]
    ):
        return True
    options = schema.get("anyOf") or schema.get("oneOf") or []
    return any(isinstance(o, dict) and o.get("type") == "null" for o in options)


def _request_schema(body: dict[str, Any]) -> tuple[str, dict[str, Any] | None, str | None]:
    """The structured mode of a request: ("json_schema"|"json_object"|"tools"|"text", schema, tool)."""
    tools = body.get("tools")
    if isinstance(tools, list) and tools:
        function = tools[0].get("function", {}) if isinstance(tools[0], dict) else {}
        return "tools", function.get("parameters"), function.get("name", "answer")
    response_format = body.get("response_format")
    if isinstance(response_format, dict):
        if response_format.get("type") == "json_schema":
            spec = response_format.get("json_schema", {})
            return "json_schema", spec.get("schema"), None
        if response_format.get("type") == "json_object":
            return "json_object", _schema_in_prompt(body.get("messages", [])), None
    return "text", _schema_in_prompt(body.get("messages", [])), None


def _schema_in_prompt(messages: list[dict[str, Any]]) -> dict[str, Any] | None:
    """A JSON Schema written into a system message (json_object mode), if there is one."""
    decoder = json.JSONDecoder()
    for message in messages:
        if message.get("role") not in ("system", "developer"):
            continue
        text = _message_text(message)
        for match in re.finditer(r"\{", text):
            try:
                value, _ = decoder.raw_decode(text, match.start())
            except ValueError:
                continue
            if isinstance(value, dict) and isinstance(value.get("properties"), dict):
                return value
    return None


# ---------------------------------------------------------------------------------------------
# The wire format
# ---------------------------------------------------------------------------------------------


@dataclass(slots=True)
class Reply:
    """One HTTP answer: status, JSON body, extra headers, seconds to wait before sending."""

    status: int
    body: dict[str, Any]
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0


def _error(status: int, message: str, kind: str, code: str | None) -> Reply:
    return Reply(status, {"error": {"message": message, "type": kind, "param": None, "code": code}})


def _prompt_tokens(request: dict[str, Any]) -> int:
    """Messages plus the schema or tool definitions: real APIs bill those as prompt tokens too."""
    tokens = sum(estimate_tokens(_message_text(m)) for m in request.get("messages", []))
    tokens += 4 * len(request.get("messages", []))  # per-message framing, as chat formats add
    for key in ("response_format", "tools"):
        if request.get(key):
            tokens += estimate_tokens(json.dumps(request[key], ensure_ascii=False))
    return tokens


def _completion(
    request: dict[str, Any],
    ident: str,
    model: str,
    message: dict[str, Any],
    finish_reason: str,
    completion_text: str,
    *,
    choices: bool = True,
) -> dict[str, Any]:
    prompt_tokens = _prompt_tokens(request)
    completion_tokens = estimate_tokens(completion_text)
    return {
        "id": f"chatcmpl-{ident}",
        "object": "chat.completion",
        "created": CREATED,
        "model": model,
        "choices": (
            [{"index": 0, "message": message, "logprobs": None, "finish_reason": finish_reason}]
            if choices
            else []
        ),
        "usage": {
            "prompt_tokens": prompt_tokens,
            "completion_tokens": completion_tokens,
            "total_tokens": prompt_tokens + completion_tokens,
        },
        "system_fingerprint": "fp_handwritten",
    }


def _answer_payload(
    step: Step, article: str, schema: dict[str, Any] | None, messages: list[dict[str, Any]]
) -> dict[str, Any]:
    digest = digest_data(messages)
    if digest is not None:
        payload = digest_answer(digest, ungrounded=step is Step.UNGROUNDED)
        return fit_to_schema(payload, schema) if schema else payload
    payload = article_answer(article)
    if step is Step.UNGROUNDED:
        payload["metrics"] = [
            *payload["metrics"],
            {
                "quote": "营业收入达到987.6亿元",  # written here, so in no article
                "subject": None,
                "indicator": "营业收入",
                "period": None,
                "kind": "level",
            },
        ]
    return fit_to_schema(payload, schema) if schema else payload


def _ok_message(
    step: Step, mode: str, tool: str | None, text: str
) -> tuple[dict[str, Any], str, str]:
    """Wrap the answer text in a message: (message, finish_reason, completion text)."""
    if mode == "tools" and step not in (Step.FENCED, Step.THINK, Step.REASONING):
        call = {
            "id": "call_fake0001",
            "type": "function",
            "function": {"name": tool, "arguments": text},
        }
        return {"role": "assistant", "content": None, "tool_calls": [call]}, "tool_calls", text
    wrappers: dict[Step, Callable[[str], dict[str, Any]]] = {
        Step.FENCED: lambda t: {"role": "assistant", "content": f"```json\n{t}\n```"},
        Step.THINK: lambda t: {
            "role": "assistant",
            "content": f"<think>\n先找出文中的数字，再写摘要。\n</think>\n\n{t}",
        },
        Step.REASONING: lambda t: {"role": "assistant", "content": "", "reasoning_content": t},
    }
    message = wrappers.get(step, lambda t: {"role": "assistant", "content": t})(text)
    return message, "stop", text


class _Responder:
    """Turns one parsed request and its step into a Reply (shared by every handler thread)."""

    def __init__(self, config: FakeConfig) -> None:
        self.config = config

    def reply(self, request: dict[str, Any], step: Step, ident: str) -> Reply:
        handler = _STEP_HANDLERS.get(step, _StepKind.ANSWER)
        return _KIND_HANDLERS[handler](self, request, step, ident)

    def _retry_headers(self) -> dict[str, str]:
        seconds = self.config.retry_after
        return {"retry-after": str(int(seconds)), "retry-after-ms": str(int(seconds * 1000))}

    def rate_limit(self, request: dict[str, Any], step: Step, ident: str) -> Reply:
        reply = _error(
            429,
            f"Rate limit reached for {request.get('model', 'model')} in organization "
            "org-fake on requests per min (RPM): Limit 3, Used 3, Requested 1. "
            "Please try again in 20ms.",
            "requests",
            "rate_limit_exceeded",
        )
        reply.headers.update(self._retry_headers())
        return reply

    def server_error(self, request: dict[str, Any], step: Step, ident: str) -> Reply:
        return _error(
            500,
            "The server had an error while processing your request. Sorry about that!",
            "server_error",
            None,
        )

    def unauthorized(self, request: dict[str, Any], step: Step, ident: str) -> Reply:
        return _error(
            401,
            f"Incorrect API key provided: {FAKE_KEY_HINT}. You can find your API key at "
            "https://platform.openai.com/account/api-keys.",
            "invalid_request_error",
            "invalid_api_key",
        )

    def answer(self, request: dict[str, Any], step: Step, ident: str) -> Reply:
        model = self.config.model or str(request.get("model", "fake-model"))
        article = extract_article(request.get("messages", []))
        mode, schema, tool = _request_schema(request)
        payload = _answer_payload(step, article, schema, request.get("messages", []))
        text = json.dumps(payload, ensure_ascii=False)
        if step is Step.EMPTY_CHOICES:
            return Reply(200, _completion(request, ident, model, {}, "stop", "", choices=False))
        if step is Step.INVALID_JSON:
            broken = "好的，以下是摘要：\n" + text[: max(20, len(text) // 2)].rstrip("}") + ",,}"
            message = {"role": "assistant", "content": broken}
            return Reply(200, _completion(request, ident, model, message, "stop", broken))
        if step is Step.SCHEMA_INVALID:
            wrong = {k: v for k, v in payload.items() if k not in ("summary", "headline")}
            wrong["metrics"] = "见正文"  # a string where a list belongs
            wrong["key_points"] = {"1": "要点"}  # an object where a list belongs
            bad = json.dumps(wrong, ensure_ascii=False)
            message, finish, _ = _ok_message(Step.OK, mode, tool, bad)
            return Reply(200, _completion(request, ident, model, message, finish, bad))
        if step is Step.TRUNCATED:
            limit = request.get("max_completion_tokens") or request.get("max_tokens") or 0
            cut = text[: max(10, len(text) // 2)]
            message, _, _ = _ok_message(Step.OK, mode, tool, cut)
            body = _completion(request, ident, model, message, "length", cut)
            if isinstance(limit, int) and limit > 0:
                usage = body["usage"]
                usage["completion_tokens"] = limit
                usage["total_tokens"] = usage["prompt_tokens"] + limit
            return Reply(200, body)
        message, finish, completion = _ok_message(step, mode, tool, text)
        delay = self.config.slow_seconds if step is Step.SLOW else 0.0
        return Reply(
            200, _completion(request, ident, model, message, finish, completion), delay=delay
        )


class _StepKind(StrEnum):
    RATE_LIMIT = "rate_limit"
    SERVER_ERROR = "server_error"
    UNAUTHORIZED = "unauthorized"
    ANSWER = "answer"


_STEP_HANDLERS: dict[Step, _StepKind] = {
    Step.RATE_LIMIT: _StepKind.RATE_LIMIT,
    Step.SERVER_ERROR: _StepKind.SERVER_ERROR,
    Step.UNAUTHORIZED: _StepKind.UNAUTHORIZED,
}
_KIND_HANDLERS: dict[_StepKind, Callable[[_Responder, dict[str, Any], Step, str], Reply]] = {
    _StepKind.RATE_LIMIT: _Responder.rate_limit,
    _StepKind.SERVER_ERROR: _Responder.server_error,
    _StepKind.UNAUTHORIZED: _Responder.unauthorized,
    _StepKind.ANSWER: _Responder.answer,
}


# ---------------------------------------------------------------------------------------------
# The HTTP server
# ---------------------------------------------------------------------------------------------


@dataclass(slots=True)
class Stats:
    """What the server saw: counts per status and every request body (for tests)."""

    requests: int = 0
    by_status: dict[int, int] = field(default_factory=dict)
    bodies: list[dict[str, Any]] = field(default_factory=list)
    steps: list[Step] = field(default_factory=list)


class _Server(ThreadingHTTPServer):
    """A listen backlog for many clients: the default (5) resets connections at concurrency 16."""

    request_queue_size = 512
    daemon_threads = True


class FakeOpenAIServer:
    """A threaded HTTP server on 127.0.0.1 answering ``/v1/chat/completions`` and ``/v1/models``.

    Use as a context manager (or ``start()``/``stop()``); ``base_url`` is what a client needs.
    """

    def __init__(self, config: FakeConfig | None = None, *, port: int = 0) -> None:
        self.config = config or FakeConfig()
        self.stats = Stats()
        self._lock = threading.Lock()
        self._rng = random.Random(self.config.seed)
        self._responder = _Responder(self.config)
        self._httpd = _Server(("127.0.0.1", port), self._handler_class())
        self._thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        return int(self._httpd.server_address[1])

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    def start(self) -> FakeOpenAIServer:
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self) -> FakeOpenAIServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def reset(self, script: list[Step] | None = None) -> None:
        """Forget the stats and load a new script (between scenarios)."""
        with self._lock:
            self.stats = Stats()
            self.config.script = list(script or [])
            self._rng = random.Random(self.config.seed)

    def next_step(self, body: dict[str, Any]) -> tuple[Step, str]:
        """The step for the next request, and a stable id for its answer."""
        with self._lock:
            self.stats.requests += 1
            self.stats.bodies.append(body)
            if self.config.script:
                step = self.config.script.pop(0)
            elif self.config.error_rate and self._rng.random() < self.config.error_rate:
                step = self._rng.choice((Step.RATE_LIMIT, Step.SERVER_ERROR))
            else:
                step = Step.OK
            self.stats.steps.append(step)
            canonical = json.dumps(body, sort_keys=True, ensure_ascii=False)
            digest = hashlib.sha256(f"{canonical}|{self.stats.requests}".encode()).hexdigest()
        return step, f"fake{digest[:20]}"

    def count_status(self, status: int) -> None:
        with self._lock:
            self.stats.by_status[status] = self.stats.by_status.get(status, 0) + 1

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"  # keep-alive, as real endpoints do

            def setup(self) -> None:
                super().setup()
                # Headers and body go out in two writes: without this, Nagle + delayed ACK
                # add ~40 ms to every answer and spoil the benchmark.
                self.request.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

            def log_message(self, format: str, *args: Any) -> None:
                """Silent: the benchmark prints its own table."""

            def _send(self, reply: Reply) -> None:
                payload = json.dumps(reply.body, ensure_ascii=False).encode("utf-8")
                self.send_response(reply.status, HTTPStatus(reply.status).phrase)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                # What the real API sends and a cassette must not keep (scrubbed on record).
                self.send_header("openai-organization", "org-fakeorganization0001")
                self.send_header("openai-project", "proj_fakeproject0001")
                self.send_header("openai-processing-ms", "1")
                self.send_header("openai-version", "2020-10-01")
                self.send_header("x-request-id", f"req_{hashlib.md5(payload).hexdigest()}")
                self.send_header(
                    "Set-Cookie",
                    "__cf_bm=fakecookievalue0001; path=/; domain=.api.openai.com; HttpOnly",
                )
                for name, value in reply.headers.items():
                    self.send_header(name, value)
                self.end_headers()
                server.count_status(reply.status)  # before the write: the client may be fast
                self.wfile.write(payload)

            def do_GET(self) -> None:
                if self.path.rstrip("/") == "/_stats":  # for a parent process (benchmark)
                    with server._lock:
                        stats = {
                            "requests": server.stats.requests,
                            "by_status": {str(k): v for k, v in server.stats.by_status.items()},
                        }
                    self._send(Reply(200, stats))
                elif self.path.rstrip("/").endswith("/models"):
                    model = server.config.model or "fake-model"
                    body = {
                        "object": "list",
                        "data": [
                            {"id": model, "object": "model", "created": CREATED, "owned_by": "fake"}
                        ],
                    }
                    self._send(Reply(200, body))
                else:
                    self._send(
                        _error(404, f"Unknown path {self.path}", "invalid_request_error", None)
                    )

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                if not self.path.rstrip("/").endswith("/chat/completions"):
                    self._send(
                        _error(404, f"Unknown path {self.path}", "invalid_request_error", None)
                    )
                    return
                try:
                    body = json.loads(raw.decode("utf-8"))
                    if not isinstance(body, dict) or not isinstance(body.get("messages"), list):
                        raise ValueError("messages must be a list")
                except (UnicodeDecodeError, ValueError) as e:
                    self._send(
                        _error(400, f"Invalid request body: {e}", "invalid_request_error", None)
                    )
                    return
                step, ident = server.next_step(body)
                reply = server._responder.reply(body, step, ident)
                wait = server.config.latency + reply.delay
                if wait > 0:
                    time.sleep(wait)
                # A client that timed out has gone away: what a timeout test wants.
                with suppress(BrokenPipeError, ConnectionResetError):
                    self._send(reply)

        return Handler


@contextmanager
def running_server(config: FakeConfig | None = None) -> Iterator[FakeOpenAIServer]:
    """``with running_server(FakeConfig(latency=0.3)) as srv: ... srv.base_url ...``."""
    server = FakeOpenAIServer(config).start()
    try:
        yield server
    finally:
        server.stop()


@dataclass(slots=True)
class ServerProcess:
    """A fake server in a child process (its CPU work does not share the caller's GIL)."""

    base_url: str
    process: subprocess.Popen[str]

    def stats(self) -> dict[str, Any]:
        """``{"requests": n, "by_status": {code: n}}`` as the server counted them."""
        url = self.base_url.rsplit("/v1", 1)[0] + "/_stats"
        with urllib.request.urlopen(url, timeout=10) as response:
            data: dict[str, Any] = json.loads(response.read())
        data["by_status"] = {int(k): v for k, v in data["by_status"].items()}
        return data


@contextmanager
def server_process(config: FakeConfig) -> Iterator[ServerProcess]:
    """Run the fake server as ``python fake_openai.py --port 0 ...``; stop it on exit.

    The benchmark uses this: a server thread in the engine's own process would compete with
    the engine for the GIL, which a remote API never does.
    """
    command = [
        sys.executable,
        str(Path(__file__).resolve()),
        "--port=0",
        f"--latency={config.latency}",
        f"--error-rate={config.error_rate}",
        f"--retry-after={config.retry_after}",
        f"--seed={config.seed}",
        f"--script={','.join(str(step) for step in config.script)}",
    ]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    try:
        line = process.stdout.readline() if process.stdout else ""
        match = re.search(r"(http://\S+/v1)", line)
        if not match:
            raise RuntimeError(f"the fake server did not start: {line!r}")
        yield ServerProcess(match.group(1), process)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        if process.stdout:
            process.stdout.close()


def main(argv: list[str] | None = None) -> None:
    """Serve until interrupted (for trying the engine against it by hand)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8123)
    parser.add_argument("--latency", type=float, default=0.0)
    parser.add_argument("--error-rate", type=float, default=0.0)
    parser.add_argument("--retry-after", type=float, default=0.0)
    parser.add_argument(
        "--script", default="", help=f"comma-separated steps: {[s.value for s in Step]}"
    )
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    config = FakeConfig(
        latency=args.latency,
        error_rate=args.error_rate,
        retry_after=args.retry_after,
        seed=args.seed,
        script=parse_script(args.script),
    )
    server = FakeOpenAIServer(config, port=args.port)
    print(f"fake OpenAI-compatible server on {server.base_url} (Ctrl-C to stop)", flush=True)
    try:
        server._httpd.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server._httpd.server_close()


if __name__ == "__main__":
    main()
