"""summarizer: turn raw issues of Chinese news bulletins into structured, grounded summaries.

Pipeline: read → normalise → segment → chunk → extract (offline or LLM) → ground → store → render.
Nothing happens at import time: no client is built and no environment variable is read.
"""

from __future__ import annotations

from ._version import __version__
from .errors import (
    BinaryInputError,
    ConfigError,
    DecodeError,
    EmptyInputError,
    InputError,
    InputNotFoundError,
    LLMError,
    StoreError,
    SummarizerError,
)
from .models import Article, Block, BlockKind, IssueSummary, Metric
from .normalize import Document, normalize
from .pipeline import EngineChoice, resolve_engine, summarize_issue, summarize_text
from .read import IssueText, read_issue
from .segment import segment, segment_text

__all__ = [
    "Article",
    "BinaryInputError",
    "Block",
    "BlockKind",
    "ConfigError",
    "DecodeError",
    "Document",
    "EmptyInputError",
    "EngineChoice",
    "InputError",
    "InputNotFoundError",
    "IssueSummary",
    "IssueText",
    "LLMError",
    "Metric",
    "StoreError",
    "SummarizerError",
    "__version__",
    "normalize",
    "read_issue",
    "resolve_engine",
    "segment",
    "segment_text",
    "summarize_issue",
    "summarize_text",
]
