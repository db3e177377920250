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
from .read import IssueText, read_issue

__all__ = [
    "Article",
    "BinaryInputError",
    "Block",
    "BlockKind",
    "ConfigError",
    "DecodeError",
    "EmptyInputError",
    "InputError",
    "InputNotFoundError",
    "IssueSummary",
    "IssueText",
    "LLMError",
    "Metric",
    "StoreError",
    "SummarizerError",
    "__version__",
    "read_issue",
]
