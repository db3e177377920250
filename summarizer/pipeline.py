"""The whole job for one issue: read → normalise → segment → extract (engine) → IssueSummary.

Engines are chosen through one enum and one mapping (``ENGINES``); each engine turns the blocks
of one issue into articles and reports its usage, errors and coverage.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Protocol

from .models import Article, ArticleError, Block, Coverage, EngineInfo, Usage
from .normalize import Document

__all__ = ["Engine", "EngineResult"]


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


EngineFactory = Callable[..., Engine]
_ = Path  # placeholder until the pipeline functions land
