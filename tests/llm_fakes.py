"""Fakes for the LLM engine unit tests: a scripted ChatClient and simple offline tools."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from summarizer.llm.grounding import Toolkit
from summarizer.llm.settings import LLMSettings
from summarizer.llm.wire import ChatRequest, ChatResult
from summarizer.models import Block, BlockKind, Metric, NormalizedValue
from summarizer.normalize import Document

_NUM = re.compile(r"(\d+(?:\.\d+)?)(亿元|万元|元|%|家|个)?")
_UNITS = {"亿元": ("CNY", 1e8), "万元": ("CNY", 1e4), "元": ("CNY", 1.0), "%": ("percent", 1.0)}


@dataclass(frozen=True)
class FakeParsed:
    value: float
    unit: str
    normalized: NormalizedValue
    qualifier: str = "exact"
    kind: str | None = None


def fake_parse(quote: str) -> list[FakeParsed]:
    out = []
    for m in _NUM.finditer(quote):
        unit = m.group(2) or ""
        cls, scale = _UNITS.get(unit, ("count" if unit else "other", 1.0))
        value = float(m.group(1))
        out.append(FakeParsed(value, unit, NormalizedValue(value=value * scale, unit=cls)))
    return out


def fake_locate(quote: str, block: Block, doc: Document) -> tuple[int, int] | None:
    i = doc.text.find(quote)
    return (i, i + len(quote)) if i >= 0 else None


def fake_numbers_not_in_text(summary: str, article: str) -> list[str]:
    return [m.group(1) for m in _NUM.finditer(summary) if m.group(1) not in article]


@dataclass(frozen=True)
class FakeChunk:
    text: str
    start: int
    end: int
    tokens: int


def fake_chunk(text: str, *, max_tokens: int = 1500, model: str | None = None) -> list[FakeChunk]:
    """Split at blank lines when the text is longer than max_tokens characters."""
    if len(text) <= max_tokens:
        return [FakeChunk(text, 0, len(text), len(text))]
    out, pos = [], 0
    for para in text.split("\n\n"):
        out.append(FakeChunk(para, pos, pos + len(para), len(para)))
        pos += len(para) + 2
    return out


def make_tools(offline: Callable[..., list[Metric]] | None = None) -> Toolkit:
    return Toolkit(
        locate_quote=fake_locate,
        parse_quote=fake_parse,
        numbers_not_in_text=fake_numbers_not_in_text,
        extract_metrics=offline or (lambda block, doc, issue_date=None: []),
        chunk=fake_chunk,
    )


def answer(
    headline: str = "标题",
    summary: str = "摘要",
    metrics: list[dict[str, Any]] | None = None,
    **extra: Any,
) -> dict[str, Any]:
    data: dict[str, Any] = {
        "headline": headline,
        "summary": summary,
        "key_points": ["要点"],
        "topics": ["经济"],
        "entities": {
            "zones": [],
            "organizations": [],
            "companies": [],
            "people": [],
            "places": [],
        },
        "metrics": metrics or [],
    }
    data.update(extra)
    return data


def claim(quote: str, kind: str = "level") -> dict[str, Any]:
    return {"quote": quote, "subject": None, "indicator": None, "period": None, "kind": kind}


def ok(data: dict[str, Any] | str, *, finish: str = "stop", **kw: Any) -> ChatResult:
    content = data if isinstance(data, str) else json.dumps(data, ensure_ascii=False)
    return ChatResult(
        content=content, finish_reason=finish, prompt_tokens=100, completion_tokens=50, **kw
    )


Script = Callable[[ChatRequest, int], ChatResult]


class FakeClient:
    """Answers with ``script(request, call_number)``; records every request."""

    def __init__(self, script: Script) -> None:
        self.script = script
        self.requests: list[ChatRequest] = []
        self.closed = False

    async def complete(self, request: ChatRequest) -> ChatResult:
        self.requests.append(request)
        return self.script(request, len(self.requests))

    async def aclose(self) -> None:
        self.closed = True


def settings(tmp_path: Any, **kw: Any) -> LLMSettings:
    base = {
        "model": "test-model",
        "base_url": "http://127.0.0.1:9/v1",
        "cache_dir": tmp_path / "cache",
        "structured_mode": "json_schema",
    }
    base.update(kw)
    return LLMSettings(**base)


def blocks_for(*texts: str, title: str | None = None) -> tuple[Document, list[Block]]:
    """A document made of the texts, one article block each."""
    original = "\n\n".join(texts)
    doc = Document(original, original, list(range(len(original) + 1)))
    blocks, pos = [], 0
    for i, text in enumerate(texts, 1):
        start = original.index(text, pos)
        pos = start + len(text)
        fields: dict[str, Any] = {
            "id": f"a{i}",
            "kind": BlockKind.ARTICLE,
            "title": title,
            "text": text,
            "span": (start, pos),
        }
        if "norm_span" in Block.model_fields:
            fields["norm_span"] = (start, pos)
        blocks.append(Block(**fields))
    return doc, blocks


def user_text(request: ChatRequest) -> str:
    return str(request.messages[-1]["content"]) if request.messages else ""
