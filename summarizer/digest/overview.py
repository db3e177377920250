"""The digest overview written by an LLM through ``prompts/digest``, with every number checked.

The model sees the ranked story summaries and the stored metrics; each sentence it writes is
kept only when all its numbers occur in the stored metric quotes of the digest (checked by
the grounding validator ``summarizer.ground.numbers_not_in_text``). Dropped sentences are
reported, never silently lost. Only ``summarizer.llm.client`` touches ``openai``; it is imported
when the writer runs, not before.
"""

from __future__ import annotations

import asyncio
import re
from typing import Any

from ..errors import LLMError
from .build import OverviewWriter
from .model import Digest

__all__ = [
    "DIGEST_PROMPT",
    "check_numbers",
    "llm_overview_writer",
    "overview_context",
    "split_sentences",
]

DIGEST_PROMPT = "digest"
_FENCE = "=====DIGEST-DATA====="
_MAX_STORIES = 20
_MAX_METRICS = 60
_CALENDAR = re.compile(r"\d+(?:,\d{3})*(?:\.\d+)?(?=\s*(?:年|月|日|号))")


def split_sentences(text: str) -> list[str]:
    """Chinese/Latin sentences of ``text`` (terminators kept), blanks dropped."""
    parts = re.findall(r"[^。！？!?\n]+[。！？!?]?", text)
    return [p.strip() for p in parts if p.strip()]


def _value_text(report: Any) -> str:
    return f"{report.value:g}{report.unit}"


def overview_context(digest: Digest) -> dict[str, Any]:
    """The prompt variables: ranked stories and metric values as stored (no arithmetic)."""
    stories = list(digest.front) + [s for sec in digest.sections for s in sec.stories]
    metrics = []
    for g in digest.metric_groups[:_MAX_METRICS]:
        for r in g.reports:
            metrics.append(
                {
                    "subject": g.subject,
                    "indicator": g.indicator,
                    "period": g.period,
                    "value": _value_text(r),
                }
            )
    return {
        "since": digest.since,
        "until": digest.until,
        "issues": len(digest.issues),
        "articles": digest.article_count,
        "stories": [{"title": s.title, "summary": s.summary} for s in stories[:_MAX_STORIES]],
        "metrics": metrics[:_MAX_METRICS],
        "fence": _FENCE,
    }


def _allowed_text(digest: Digest) -> str:
    parts: list[str] = []
    for g in digest.metric_groups:
        for r in g.reports + ([g.change] if g.change else []):
            parts += [r.quote, _value_text(r)]
    return "\n".join(parts)


def check_numbers(sentences: list[str], digest: Digest) -> tuple[list[str], list[str]]:
    """Keep sentences whose every number is in the digest's metrics; report the others.

    Calendar numbers (2025年, 6月, 18日) are not statistics and are allowed.
    """
    from ..ground import numbers_not_in_text

    allowed = _allowed_text(digest)
    kept: list[str] = []
    violations: list[str] = []
    for sentence in sentences:
        missing = numbers_not_in_text(_CALENDAR.sub("", sentence), allowed)
        if missing:
            violations.append(f"{', '.join(missing)} in “{sentence}”")
        else:
            kept.append(sentence)
    return kept, violations


def llm_overview_writer(settings: Any, *, client: Any = None) -> OverviewWriter:
    """An ``OverviewWriter`` calling the configured LLM (``client``: a fake in tests).

    ``client`` needs ``async complete(ChatRequest) -> ChatResult`` (``summarizer.llm.wire``).
    """

    def write(digest: Digest) -> tuple[list[str], list[str]]:
        from ..llm.prompts import load_prompt
        from ..llm.responses import response_model
        from ..llm.schema import schema_json
        from ..llm.settings import StructuredMode
        from ..llm.structured import answer_text, parse_answer, request_params
        from ..llm.wire import ChatRequest

        template = load_prompt(DIGEST_PROMPT)
        model = response_model(template.response_model)
        mode = settings.structured_mode
        if mode is StructuredMode.AUTO:
            mode = (
                StructuredMode.JSON_OBJECT
            )  # the most widely supported; schema goes in the prompt
        # JSON text, as the engine writes it (a dict would render as a Python repr).
        schema = schema_json(model) if mode is StructuredMode.JSON_OBJECT else None
        rendered = template.render(schema=schema, **overview_context(digest))
        request = ChatRequest(
            messages=rendered.messages(),
            max_tokens=settings.max_tokens or template.max_tokens,
            temperature=template.temperature
            if settings.temperature is None
            else settings.temperature,
            **request_params(mode, model),
        )
        result = _run(client, settings, request)
        answer = parse_answer(answer_text(result, mode), model)
        digest.overview_source = f"{settings.model} via {template.ref}"
        sentences = split_sentences(answer.summary)  # type: ignore[attr-defined]
        sentences += [p for p in answer.key_points]  # type: ignore[attr-defined]
        return check_numbers(sentences, digest)

    return write


def _run(client: Any, settings: Any, request: Any) -> Any:
    async def call() -> Any:
        own = client is None
        if own:
            from ..llm.client import OpenAIChatClient

            chat = OpenAIChatClient(settings)
        else:
            chat = client
        try:
            return await chat.complete(request)
        finally:
            if own:
                await chat.aclose()

    try:
        return asyncio.run(call())
    except LLMError:
        raise
    except RuntimeError as e:  # e.g. called inside a running loop
        raise LLMError(f"cannot run the overview request: {e}", source="digest") from e
