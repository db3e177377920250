"""The LLM engine: each article through a versioned prompt to an OpenAI-compatible chat API.

``build_engine(settings)`` returns an ``LLMEngine`` implementing ``summarizer.pipeline.Engine``.
Inside, ``run`` is async: one ``openai.AsyncOpenAI`` (``max_retries=0``) per run, at most
``settings.concurrency`` requests in flight, results in input order, a failed article recorded in
``errors`` while the rest continue. Per article: chunk → one call per chunk (cache, network
retries, re-asks on invalid output, max_tokens raised once or the chunk split on truncation) →
one reduce call only when there is more than one chunk → ground the metric claims with the
offline parser → add back offline metrics the LLM missed → flag summary numbers not in the text.

For tests and benchmarks: ``settings.base_url`` may be ``http://127.0.0.1:PORT/v1`` (a local
fake server); ``client_factory`` replaces the HTTP client with a fake ``ChatClient``; ``tools``
replaces the offline grounding tools.
"""

from __future__ import annotations

import asyncio
import functools
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from .._version import __version__
from ..errors import ConfigError, LLMError, PermanentLLMError, ResponseError, SummarizerError
from ..models import (
    Article,
    ArticleError,
    Block,
    BlockKind,
    Coverage,
    EngineInfo,
    EngineName,
    Entities,
    Summary,
    Usage,
)
from ..normalize import Document
from ..pipeline import EngineResult
from . import grounding
from .cache import ResponseCache, cache_key
from .pricing import estimate_cost
from .prompts import PromptTemplate, load_prompt
from .responses import ArticleResponse, ReduceResponse, response_model
from .retry import call_with_retries
from .schema import schema_json
from .settings import LLMSettings, StructuredMode
from .structured import (
    DOWNGRADE,
    MODES,
    InvalidOutput,
    TruncatedOutput,
    answer_text,
    parse_answer,
    request_params,
)
from .wire import ChatClient, ChatRequest, ChatResult

# Answers that would fail every article alike (bad key, no permission, unknown model):
# the run stops at the first one instead of sending one doomed request per article.
FATAL_STATUSES = frozenset({401, 403, 404})

__all__ = [
    "ARTICLE_TASK",
    "REDUCE_TASK",
    "ClientFactory",
    "LLMEngine",
    "ProgressCallback",
    "build_engine",
    "default_client",
    "fence_for",
]

ProgressCallback = Callable[[int, int], None]  # (articles done, articles total)
ClientFactory = Callable[[LLMSettings], ChatClient]
M = TypeVar("M", bound=BaseModel)

ARTICLE_TASK = "article_summary"
REDUCE_TASK = "chunk_reduce"
_MIN_SPLIT_CHARS = 200  # a truncated chunk shorter than this is not split further


def fence_for(text: str) -> str:
    """A backtick fence longer than any backtick run inside ``text`` (cannot be closed early)."""
    longest = run = 0
    for ch in text:
        run = run + 1 if ch == "`" else 0
        longest = max(longest, run)
    return "`" * max(3, longest + 1)


_FORMAT_WORDS = ("response_format", "json_schema", "json_object", "schema", "tool", "function")


def _mode_problem(error: PermanentLLMError, mode: StructuredMode, state: _Run) -> bool:
    """Is a 400 about the structured mode (worth a downgrade) rather than this request?"""
    if mode not in state.working:
        return True  # the mode never worked here: assume the server lacks it
    message = error.message.lower()
    return any(word in message for word in _FORMAT_WORDS)


@functools.lru_cache(maxsize=64)
def _params_digest(mode: StructuredMode, model: type[BaseModel]) -> str:
    return cache_key(request_params(mode, model))


def default_client(settings: LLMSettings) -> ChatClient:
    """The real HTTP client (imports ``openai`` only now)."""
    from .client import OpenAIChatClient

    return OpenAIChatClient(settings)


@dataclass(slots=True)
class _Run:
    """Mutable state of one run (one event loop, so no locks are needed)."""

    client: ChatClient
    semaphore: asyncio.Semaphore
    cache: ResponseCache
    mode: StructuredMode
    auto: bool
    usage: Usage = field(default_factory=Usage)
    coverage: Coverage = field(default_factory=Coverage)
    partial: list[ArticleError] = field(default_factory=list)  # articles missing a chunk
    working: set[StructuredMode] = field(default_factory=set)  # modes accepted this run
    worker: ThreadPoolExecutor = field(
        default_factory=lambda: ThreadPoolExecutor(1, thread_name_prefix="summarizer-ground")
    )
    # The first authentication/permission/not-found answer: it would fail every article alike,
    # so the run stops asking and raises it once as a configuration error.
    fatal: PermanentLLMError | None = None


class LLMEngine:
    """Summarise each article of an issue through an OpenAI-compatible chat API."""

    def __init__(
        self,
        settings: LLMSettings,
        *,
        progress: ProgressCallback | None = None,
        client_factory: ClientFactory | None = None,
        tools: grounding.Toolkit | None = None,
    ) -> None:
        settings.require_configured()
        self.settings = settings
        self.progress = progress
        if client_factory is None:
            from . import client as _client  # noqa: F401 - pay the openai import cost at build time

            client_factory = default_client
        self._client_factory = client_factory
        self._tools = tools
        ref = settings.prompt or ARTICLE_TASK
        if ref.startswith("@") or (ref[:1] == "v" and ref[1:].isdigit()):  # "v2" / "@v2"
            ref = f"{ARTICLE_TASK}@{ref.lstrip('@')}"
        self.article_prompt = self._load(ref, ArticleResponse)
        self.reduce_prompt = self._load(REDUCE_TASK, ReduceResponse)
        self._mode_used: StructuredMode | None = None

    @staticmethod
    def _load(ref: str, expected: type[BaseModel]) -> PromptTemplate:
        template = load_prompt(ref)
        try:
            model = response_model(template.response_model)
        except KeyError:
            raise ConfigError(
                f"unknown response model {template.response_model!r}", source=template.ref
            ) from None
        if model is not expected:
            raise ConfigError(
                f"prompt answers {template.response_model}, expected {expected.__name__}",
                source=template.ref,
            )
        return template

    def info(self) -> EngineInfo:
        mode = self._mode_used or self.settings.structured_mode
        return EngineInfo(
            name=EngineName.LLM,
            version=__version__,
            model=self.settings.model,
            prompts={
                ARTICLE_TASK: self.article_prompt.ref,
                REDUCE_TASK: self.reduce_prompt.ref,
            },
            prompt_hashes={
                ARTICLE_TASK: self.article_prompt.sha256,
                REDUCE_TASK: self.reduce_prompt.sha256,
            },
            structured_mode=str(mode),
        )

    # -- public entry points -------------------------------------------------------------

    def run(self, blocks: list[Block], doc: Document, *, issue_date: date | None) -> EngineResult:
        """Summarise the article blocks (sync wrapper over ``arun``).

        Inside a running event loop (a notebook, an async app) the run gets its own thread.
        """
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            return asyncio.run(self.arun(blocks, doc, issue_date=issue_date))
        with ThreadPoolExecutor(1, thread_name_prefix="summarizer-llm") as pool:
            return pool.submit(asyncio.run, self.arun(blocks, doc, issue_date=issue_date)).result()

    async def arun(
        self, blocks: list[Block], doc: Document, *, issue_date: date | None
    ) -> EngineResult:
        """Summarise the article blocks concurrently; results in input order."""
        started = time.perf_counter()
        settings = self.settings
        tools = self._tools or grounding.default_toolkit()
        cache = ResponseCache(settings.cache_dir, enabled=not settings.no_cache)
        client = self._client_factory(settings)
        state = _Run(
            client=client,
            semaphore=asyncio.Semaphore(settings.concurrency),
            cache=cache,
            mode=self._initial_mode(cache),
            auto=settings.structured_mode is StructuredMode.AUTO,
        )
        articles = [b for b in blocks if b.kind is BlockKind.ARTICLE]
        others = [b for b in blocks if b.kind is not BlockKind.ARTICLE]
        state.coverage.articles = len(blocks)
        done = 0
        total = len(articles)
        if self.progress:
            self.progress(0, total)

        async def one(block: Block) -> Article | ArticleError:
            nonlocal done
            try:
                return await self._article(block, doc, issue_date, state, tools)
            except SummarizerError as e:
                return ArticleError(article_id=block.id, error=str(e))
            except Exception as e:  # a bug in one article's grounding must not sink the issue
                return ArticleError(article_id=block.id, error=f"{type(e).__name__}: {e}")
            finally:
                done += 1
                if self.progress:
                    self.progress(done, total)

        loop = asyncio.get_running_loop()
        try:
            # Captions, page indexes and other matter get the offline treatment (no calls).
            offline_future = loop.run_in_executor(
                state.worker, functools.partial(_other_blocks, tools, others, doc, issue_date)
            )
            outcomes = await asyncio.gather(*(one(b) for b in articles))
            other_outcomes = await offline_future
        finally:
            await client.aclose()
            cache.close()
            state.worker.shutdown(wait=True)
        if state.fatal is not None:
            raise ConfigError(str(state.fatal)) from state.fatal
        by_id: dict[str, Article | ArticleError] = {
            b.id: o for b, o in zip(articles, outcomes, strict=True)
        }
        by_id.update(other_outcomes)
        result = EngineResult(usage=state.usage, coverage=state.coverage)
        for block in blocks:
            outcome = by_id.get(block.id)
            if isinstance(outcome, Article):
                result.articles.append(outcome)
            elif outcome is not None:
                result.errors.append(outcome)
                state.coverage.articles_failed += 1
        result.errors.extend(state.partial)
        state.coverage.reasks = state.usage.reasks
        state.coverage.dropped_ungrounded = state.usage.dropped_ungrounded
        state.usage.seconds = round(time.perf_counter() - started, 3)
        state.usage.estimated_cost_usd = estimate_cost(
            settings.model,
            state.usage.prompt_tokens,
            state.usage.completion_tokens,
            settings.prices,
        )
        self._mode_used = state.mode
        return result

    # -- structured mode -----------------------------------------------------------------

    def _initial_mode(self, cache: ResponseCache) -> StructuredMode:
        """The explicit mode, or for auto the first mode the cached probe says works."""
        if self.settings.structured_mode is not StructuredMode.AUTO:
            return self.settings.structured_mode
        probe = cache.get_probe(self.settings.effective_base_url or "", self.settings.model or "")
        if probe:
            for mode in MODES:
                if probe.get(str(mode)) is not False:
                    return mode
        return StructuredMode.JSON_SCHEMA

    def _downgrade(self, state: _Run, failed: StructuredMode) -> StructuredMode | None:
        """After a 400 in auto mode, move to the next mode (once per run) and remember it."""
        if state.mode is not failed:  # another request already moved on
            return state.mode
        nxt = DOWNGRADE[failed]
        if nxt is None:
            return None
        state.mode = nxt
        state.coverage.mode_downgrades += 1
        endpoint, model = self.settings.effective_base_url or "", self.settings.model or ""
        probe = state.cache.get_probe(endpoint, model) or {}
        probe[str(failed)] = False
        state.cache.put_probe(endpoint, model, probe)
        return nxt

    # -- one request: cache, downgrade, re-ask, truncation, retries ----------------------

    async def _ask(
        self,
        template: PromptTemplate,
        context: dict[str, Any],
        model: type[M],
        state: _Run,
    ) -> M:
        settings = self.settings
        temperature = (
            settings.temperature if settings.temperature is not None else template.temperature
        )
        max_tokens = settings.max_tokens or template.max_tokens
        mode = state.mode
        while True:
            schema = schema_json(model) if MODES[mode].schema_in_prompt else ""
            rendered = template.render(**context, schema=schema)
            params = request_params(mode, model)
            key = cache_key(
                {
                    "model": settings.model,
                    "prompt": template.ref,
                    "rendered": rendered.sha256,
                    "mode": str(mode),
                    "temperature": temperature,
                    "max_tokens": max_tokens,
                    "params": _params_digest(mode, model),
                }
            )
            cached = state.cache.get(key)
            if cached is not None:
                try:
                    answer = model.model_validate(cached)
                except ValidationError:
                    pass  # an old entry from an incompatible version: ask again
                else:
                    state.usage.cache_hits += 1
                    return answer
            try:
                answer = await self._reask_loop(
                    rendered.messages(), params, mode, max_tokens, temperature, model, state
                )
            except PermanentLLMError as e:
                if state.auto and e.status == 400 and _mode_problem(e, mode, state):
                    nxt = self._downgrade(state, mode)
                    if nxt is not None:
                        mode = nxt
                        continue
                raise
            state.cache.put(key, answer.model_dump(mode="json"))
            return answer

    async def _reask_loop(
        self,
        messages: list[dict[str, Any]],
        params: dict[str, Any],
        mode: StructuredMode,
        max_tokens: int,
        temperature: float,
        model: type[M],
        state: _Run,
    ) -> M:
        conversation = list(messages)
        reasks = 0
        raised = False
        while True:
            request = ChatRequest(
                messages=conversation,
                max_tokens=max_tokens,
                temperature=temperature,
                **params,
            )
            result = await self._send(request, state, mode)
            truncated = result.finish_reason == "length"
            try:
                text = answer_text(result, mode)
                answer = parse_answer(text, model, truncated=truncated)
            except TruncatedOutput:
                state.coverage.truncations += 1
                if raised:
                    raise
                raised = True
                max_tokens *= 2
                continue
            except InvalidOutput as e:
                if reasks >= self.settings.max_reasks:
                    raise ResponseError(
                        f"unusable answer after {reasks} re-ask(s): {e.errors}"
                    ) from e
                reasks += 1
                state.usage.reasks += 1
                said = e.raw or result.content or "".join(result.tool_arguments)
                if not said:  # nothing came back (empty choices): just ask again
                    conversation = list(messages)
                    continue
                conversation = [
                    *messages,
                    {"role": "assistant", "content": said[:4000]},
                    {
                        "role": "user",
                        "content": f"That answer was invalid: {e.errors[:1500]}\n"
                        "Reply again with the corrected JSON object only.",
                    },
                ]
                continue
            assert isinstance(answer, model)
            return answer

    async def _send(self, request: ChatRequest, state: _Run, mode: StructuredMode) -> ChatResult:
        async def attempt() -> ChatResult:
            async with state.semaphore:
                if state.fatal is not None:  # the key or model failed while we waited
                    raise state.fatal
                state.usage.calls += 1
                try:
                    result = await state.client.complete(request)
                except PermanentLLMError as e:
                    if e.status in FATAL_STATUSES and state.fatal is None:
                        state.fatal = e
                    raise
                state.working.add(mode)  # the server accepted this mode's request
            # Let a request waiting for the slot go out before this one's CPU work.
            await asyncio.sleep(0)
            state.usage.calls += result.calls - 1
            state.usage.prompt_tokens += result.prompt_tokens
            state.usage.completion_tokens += result.completion_tokens
            return result

        def on_retry(_exc: BaseException) -> None:
            state.usage.retries += 1

        return await call_with_retries(
            attempt,
            max_retries=self.settings.max_retries,
            deadline=self.settings.deadline,
            on_retry=on_retry,
        )

    # -- one article ---------------------------------------------------------------------

    async def _chunk(
        self,
        block: Block,
        text: str,
        part: int,
        parts: int,
        state: _Run,
        tools: grounding.Toolkit,
        *,
        may_split: bool = True,
    ) -> list[ArticleResponse]:
        context = {
            "title": block.title or "",
            "text": text,
            "fence": fence_for(text),
            "part": part,
            "parts": parts,
        }
        try:
            return [await self._ask(self.article_prompt, context, ArticleResponse, state)]
        except TruncatedOutput:
            if not may_split or len(text) < _MIN_SPLIT_CHARS:
                raise
        budget = max(100, self.settings.chunk_tokens // 2)
        pieces = grounding.split_text(tools, text, max_tokens=budget, model=self.settings.model)
        if len(pieces) < 2:
            half = len(text) // 2
            pieces = [(text[:half], 0, half), (text[half:], half, len(text))]
        state.coverage.chunks += len(pieces) - 1
        answers: list[ArticleResponse] = []
        for piece, _, _ in pieces:
            answers += await self._chunk(block, piece, part, parts, state, tools, may_split=False)
        return answers

    async def _reduce(
        self, block: Block, responses: list[ArticleResponse], state: _Run
    ) -> ReduceResponse:
        parts = []
        for i, r in enumerate(responses, 1):
            points = "".join(f"\n- {p}" for p in r.key_points)
            parts.append(f"[{i}] {r.headline}\n{r.summary}{points}")
        text = "\n\n".join(parts)
        context = {"title": block.title or "", "text": text, "fence": fence_for(text)}
        return await self._ask(self.reduce_prompt, context, ReduceResponse, state)

    async def _article(
        self,
        block: Block,
        doc: Document,
        issue_date: date | None,
        state: _Run,
        tools: grounding.Toolkit,
    ) -> Article:
        pieces = grounding.split_text(
            tools, block.text, max_tokens=self.settings.chunk_tokens, model=self.settings.model
        )
        state.coverage.chunks += len(pieces)
        outcomes = await asyncio.gather(
            *(
                self._chunk(block, text, i, len(pieces), state, tools)
                for i, (text, _, _) in enumerate(pieces, 1)
            ),
            return_exceptions=True,
        )
        responses: list[ArticleResponse] = []
        failures: list[BaseException] = []
        for outcome in outcomes:
            if isinstance(outcome, BaseException):
                if not isinstance(outcome, SummarizerError):
                    raise outcome
                failures.append(outcome)
            else:
                responses.extend(outcome)
        state.coverage.chunks_failed += len(failures)
        if not responses:
            raise failures[0] if failures else LLMError("no chunk answered")
        if failures:  # keep the article, but never silently
            state.partial.append(
                ArticleError(
                    article_id=block.id,
                    error=f"{len(failures)} of {len(pieces)} chunk(s) failed: {failures[0]}",
                )
            )

        if len(responses) > 1:
            try:
                merged = await self._reduce(block, responses, state)
                headline, summary_text = merged.headline, merged.summary
                key_points, topics = merged.key_points, merged.topics
            except SummarizerError:
                state.coverage.chunks_failed += 1
                first = responses[0]
                headline, summary_text = first.headline, first.summary
                key_points = [p for r in responses for p in r.key_points]
                topics = [t for r in responses for t in r.topics]
        else:
            only = responses[0]
            headline, summary_text = only.headline, only.summary
            key_points, topics = only.key_points, only.topics

        summary = _SummaryParts(headline, summary_text, key_points, topics)
        # Grounding and the offline extractor are CPU work: run them on the run's worker
        # thread so the event loop keeps requests flowing meanwhile.
        loop = asyncio.get_running_loop()
        article, dropped = await loop.run_in_executor(
            state.worker,
            functools.partial(_assemble, block, doc, issue_date, tools, responses, summary),
        )
        state.usage.dropped_ungrounded += dropped
        return article


def _other_blocks(
    tools: grounding.Toolkit, blocks: list[Block], doc: Document, issue_date: date | None
) -> dict[str, Article | ArticleError]:
    """Non-article blocks, treated as the offline engine treats them (or kept bare)."""
    if not blocks:
        return {}
    if tools.other_blocks is not None:
        try:
            done = tools.other_blocks(blocks, doc, issue_date)
        except Exception as e:  # recorded per block, like an article's failure
            error = f"{type(e).__name__}: {e}"
            return {b.id: ArticleError(article_id=b.id, error=error) for b in blocks}
        out: dict[str, Article | ArticleError] = {a.id: a for a in done.articles}
        out.update({e.article_id: e for e in done.errors})
        return out
    return {b.id: Article.from_block(b) for b in blocks}


@dataclass(frozen=True, slots=True)
class _SummaryParts:
    headline: str
    summary: str
    key_points: list[str]
    topics: list[str]


def _assemble(
    block: Block,
    doc: Document,
    issue_date: date | None,
    tools: grounding.Toolkit,
    responses: list[ArticleResponse],
    parts: _SummaryParts,
) -> tuple[Article, int]:
    """Ground the claims, cross-check with the offline extractor, flag numbers: the Article."""
    claims = [c for r in responses for c in r.metrics]
    grounded = grounding.ground_claims(tools, claims, block, doc)
    offline = grounding.offline_metrics(tools, block, doc, issue_date)
    metrics = grounding.cross_check(grounded.metrics, offline)
    entities = Entities(
        **{
            name: list(dict.fromkeys(v for r in responses for v in getattr(r.entities, name)))
            for name in Entities.model_fields
        }
    )
    article_text = f"{block.title or ''}\n{block.text}"
    flagged = grounding.flag_numbers(
        tools, [parts.headline, parts.summary, *parts.key_points], article_text
    )
    article = Article.from_block(
        block,
        Summary(
            headline=parts.headline,
            summary=parts.summary,
            key_points=list(dict.fromkeys(parts.key_points)),
            topics=list(dict.fromkeys(parts.topics)),
            entities=entities,
            flagged_numbers=flagged,
        ),
        metrics,
    )
    return article, grounded.dropped


def build_engine(
    settings: LLMSettings,
    *,
    progress: ProgressCallback | None = None,
    client_factory: ClientFactory | None = None,
    tools: grounding.Toolkit | None = None,
) -> LLMEngine:
    """Build the engine; ``ConfigError`` when model or endpoint is missing or a prompt unknown.

    ``settings.base_url`` may point at a local server (``http://127.0.0.1:PORT/v1``).
    """
    return LLMEngine(settings, progress=progress, client_factory=client_factory, tools=tools)
