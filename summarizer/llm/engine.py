"""The LLM engine (work in progress: the public names are stable)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from .._version import __version__
from ..models import Block, EngineInfo, EngineName
from ..normalize import Document
from ..pipeline import EngineResult
from .settings import LLMSettings

__all__ = ["LLMEngine", "ProgressCallback", "build_engine"]

ProgressCallback = Callable[[int, int], None]


class LLMEngine:
    """Summarise each article through an OpenAI-compatible chat API."""

    def __init__(self, settings: LLMSettings, *, progress: ProgressCallback | None = None):
        settings.require_configured()
        self.settings = settings
        self.progress = progress

    def info(self) -> EngineInfo:
        return EngineInfo(
            name=EngineName.LLM,
            version=__version__,
            model=self.settings.model,
            structured_mode=str(self.settings.structured_mode),
        )

    def run(self, blocks: list[Block], doc: Document, *, issue_date: date | None) -> EngineResult:
        raise NotImplementedError


def build_engine(settings: LLMSettings, *, progress: ProgressCallback | None = None) -> LLMEngine:
    """Build the engine; raises ``ConfigError`` when model or endpoint is missing."""
    return LLMEngine(settings, progress=progress)
