"""The whole job for one issue: read → normalise → segment → extract (engine) → IssueSummary.

Engines are chosen through one enum and one mapping (``ENGINES``); each engine turns the blocks
of one issue into articles and reports its usage, errors and coverage. The LLM engine is imported
only when it is chosen, so the offline path never imports ``openai``.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from .errors import ConfigError
from .issue_date import detect_issue_date, issue_date_from_name
from .models import (
    Article,
    ArticleError,
    Block,
    Coverage,
    EngineInfo,
    EngineName,
    IssueSummary,
    Source,
    Usage,
)
from .normalize import Document
from .read import IssueText, decode_bytes, read_issue

if TYPE_CHECKING:
    from .llm.settings import LLMSettings

__all__ = [
    "ENGINES",
    "Engine",
    "EngineChoice",
    "EngineFactory",
    "EngineResult",
    "ProgressCallback",
    "build_engine",
    "issue_date_from_name",
    "resolve_engine",
    "summarize_issue",
    "summarize_text",
]

ProgressCallback = Callable[[int, int], None]


@dataclass(slots=True)
class EngineResult:
    """What an engine made of one issue's blocks; ``articles`` keep the input order."""

    articles: list[Article] = field(default_factory=list)
    errors: list[ArticleError] = field(default_factory=list)
    usage: Usage = field(default_factory=Usage)
    coverage: Coverage = field(default_factory=Coverage)


class Engine(Protocol):
    """An extractor: offline rules or an LLM. A failed article goes to ``errors``, not up."""

    def info(self) -> EngineInfo: ...

    def run(
        self, blocks: list[Block], doc: Document, *, issue_date: date | None
    ) -> EngineResult: ...


class EngineChoice(StrEnum):
    """What the user asked for: ``auto`` picks the LLM when it is configured, else offline."""

    AUTO = "auto"
    OFFLINE = "offline"
    LLM = "llm"


EngineFactory = Callable[["LLMSettings | None", "ProgressCallback | None"], Engine]


def _offline_factory(settings: LLMSettings | None, progress: ProgressCallback | None) -> Engine:
    from .extract.offline import OfflineEngine

    return OfflineEngine()


def _llm_factory(settings: LLMSettings | None, progress: ProgressCallback | None) -> Engine:
    try:
        from .llm.engine import build_engine as build_llm_engine
        from .llm.settings import load_settings
    except ImportError as e:
        raise ConfigError(f"the LLM engine is not available: {e}", source="llm") from e
    if settings is None:
        settings = load_settings()
    if not settings.is_configured():
        settings.require_configured()
    return build_llm_engine(settings, progress=progress)


# The one mapping from engine name to the factory that builds it.
ENGINES: dict[EngineName, EngineFactory] = {
    EngineName.OFFLINE: _offline_factory,
    EngineName.LLM: _llm_factory,
}


def _configured(settings: LLMSettings | None) -> bool:
    return settings is not None and bool(settings.is_configured())


# How each choice resolves: (engine, reason) given whether an LLM is configured.
_RESOLVE: dict[EngineChoice, Callable[[bool], tuple[EngineName, str]]] = {
    EngineChoice.OFFLINE: lambda ok: (EngineName.OFFLINE, "offline engine (asked for)"),
    EngineChoice.LLM: lambda ok: (EngineName.LLM, "LLM engine (asked for)"),
    EngineChoice.AUTO: lambda ok: (
        (EngineName.LLM, "LLM engine (auto: a model and an endpoint are configured)")
        if ok
        else (EngineName.OFFLINE, "offline engine (auto: no LLM model/endpoint configured)")
    ),
}


def resolve_engine(
    choice: EngineChoice | str = EngineChoice.AUTO, settings: LLMSettings | None = None
) -> tuple[EngineName, str]:
    """Which engine a choice means, and a human reason (the CLI prints it on stderr)."""
    try:
        choice = EngineChoice(choice)
    except ValueError as e:
        raise ConfigError(f"unknown engine {choice!r}: use auto, offline or llm") from e
    return _RESOLVE[choice](_configured(settings))


def build_engine(
    name: EngineName,
    settings: LLMSettings | None = None,
    *,
    progress: ProgressCallback | None = None,
) -> Engine:
    """Build an engine by name through ``ENGINES``."""
    return ENGINES[name](settings, progress)


def _segment(doc: Document) -> list[Block]:
    from .segment import segment

    return segment(doc)


def _normalize(original: str) -> Document:
    from .normalize import normalize

    return normalize(original)


def summarize_issue(
    source: str | Path | IssueText,
    *,
    engine: EngineChoice | str = EngineChoice.AUTO,
    issue_date: date | None = None,
    settings: LLMSettings | None = None,
    progress: ProgressCallback | None = None,
    engine_instance: Engine | None = None,
) -> IssueSummary:
    """Summarise one issue (a path, ``"-"``, the text itself, or an ``IssueText``).

    ``engine``: auto (LLM when ``settings`` is configured, else offline), offline or llm.
    ``issue_date``: explicit, else a date in the file name, else the first full date in the
    text (``summarizer.issue_date``), else None. ``engine_instance``
    overrides the choice (tests, callers that reuse one engine across issues).
    """
    started = time.perf_counter()
    issue = source if isinstance(source, IssueText) else read_issue(source)
    issue_date, _ = detect_issue_date(issue.path, issue.text, issue_date)
    if engine_instance is None:
        name, _reason = resolve_engine(engine, settings)
        engine_instance = build_engine(name, settings, progress=progress)
    doc = _normalize(issue.text)
    blocks = _segment(doc)
    result = engine_instance.run(blocks, doc, issue_date=issue_date)
    usage = result.usage.model_copy()
    usage.seconds = round(time.perf_counter() - started, 4)
    coverage = result.coverage.model_copy()
    if not coverage.articles:
        coverage.articles = len(blocks)
    coverage.articles_failed = max(coverage.articles_failed, len(result.errors))
    return IssueSummary(
        source=Source(
            path=issue.path,
            sha256=issue.sha256,
            chars=len(issue.text),
            issue_date=issue_date.isoformat() if issue_date else None,
        ),
        engine=engine_instance.info(),
        articles=result.articles,
        usage=usage,
        coverage=coverage,
        errors=result.errors,
    )


def summarize_text(text: str, **kwargs: Any) -> IssueSummary:
    """Summarise an issue given as text (same keywords as ``summarize_issue``)."""
    data = text.encode("utf-8")
    decoded, encoding = decode_bytes(data, source="<text>")
    issue = IssueText("<text>", decoded, encoding, hashlib.sha256(data).hexdigest())
    return summarize_issue(issue, **kwargs)
