"""``summarizer probe``: which structured-output modes does this endpoint + model support?

One tiny request per mode; the result is cached per endpoint + model (``ResponseCache`` probes
table) and ``--structured-mode auto`` starts from the first mode that worked. Authentication and
not-found errors are not mode problems: they stop the probe with their own clear message.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass

from pydantic import BaseModel, ConfigDict

from ..errors import LLMError, PermanentLLMError
from .cache import ResponseCache
from .engine import ClientFactory, default_client
from .retry import call_with_retries
from .schema import schema_json
from .settings import LLMSettings, StructuredMode
from .structured import MODES, answer_text, parse_answer, request_params
from .wire import ChatRequest, ChatResult

__all__ = ["ProbeAnswer", "ProbeOutcome", "probe_endpoint"]

_FATAL = frozenset({401, 403, 404})


class ProbeAnswer(BaseModel):
    """The tiny answer a probe asks for."""

    model_config = ConfigDict(extra="forbid")

    ok: bool
    word: str


@dataclass(frozen=True, slots=True)
class ProbeOutcome:
    """Whether one mode worked, and why not."""

    mode: StructuredMode
    works: bool
    detail: str
    seconds: float


def _request(mode: StructuredMode) -> ChatRequest:
    schema = (
        f" matching this JSON Schema: {schema_json(ProbeAnswer)}"
        if MODES[mode].schema_in_prompt
        else ""
    )
    return ChatRequest(
        messages=[
            {"role": "system", "content": f"Reply with one JSON object only{schema}."},
            {"role": "user", "content": 'Return ok = true and word = "ping" as JSON.'},
        ],
        max_tokens=256,
        temperature=0.0,
        **request_params(mode, ProbeAnswer),
    )


async def _probe(settings: LLMSettings, factory: ClientFactory) -> list[ProbeOutcome]:
    client = factory(settings)
    outcomes: list[ProbeOutcome] = []
    try:
        for mode in MODES:
            started = time.perf_counter()
            try:

                async def attempt(m: StructuredMode = mode) -> ChatResult:
                    return await client.complete(_request(m))

                result = await call_with_retries(
                    attempt,
                    max_retries=min(2, settings.max_retries),
                    deadline=min(60.0, settings.deadline),
                )
                answer = parse_answer(answer_text(result, mode), ProbeAnswer)
                assert isinstance(answer, ProbeAnswer)
                works, detail = answer.ok, "ok" if answer.ok else "answered ok=false"
            except PermanentLLMError as e:
                if e.status in _FATAL:
                    raise
                works, detail = False, e.message
            except LLMError as e:
                works, detail = False, e.message
            seconds = round(time.perf_counter() - started, 3)
            outcomes.append(ProbeOutcome(mode, works, detail[:200], seconds))
    finally:
        await client.aclose()
    return outcomes


def probe_endpoint(
    settings: LLMSettings, *, client_factory: ClientFactory | None = None
) -> list[ProbeOutcome]:
    """Try every structured mode against the configured server and cache what works."""
    settings.require_configured()
    outcomes = asyncio.run(_probe(settings, client_factory or default_client))
    cache = ResponseCache(settings.cache_dir, enabled=not settings.no_cache)
    try:
        cache.put_probe(
            settings.effective_base_url or "",
            settings.model or "",
            {str(o.mode): o.works for o in outcomes},
        )
    finally:
        cache.close()
    return outcomes
