"""The pydantic contract between pipeline stages and at the boundaries.

``IssueSummary`` is what ``summarizer summarize --format json`` prints; other tools read it, so
its keys and values are stable (``schema_version`` "1"): keys may be added, never renamed.
Models that a user or an LLM writes use ``extra="forbid"``.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, field_validator

__all__ = [
    "SCHEMA_VERSION",
    "Article",
    "ArticleError",
    "Block",
    "BlockKind",
    "Coverage",
    "EngineInfo",
    "EngineName",
    "Entities",
    "IssueSummary",
    "Metric",
    "MetricKind",
    "MetricSource",
    "NormalizedUnit",
    "NormalizedValue",
    "PeriodRange",
    "Qualifier",
    "Source",
    "Span",
    "Summary",
    "Usage",
]

SCHEMA_VERSION = "1"

# [start, end) character offsets into the decoded original text.
Span = Annotated[tuple[int, int], Field(description="[start, end) offsets in the original text")]


class BlockKind(StrEnum):
    ARTICLE = "article"
    CAPTION = "caption"
    INDEX = "index"
    OTHER = "other"


class NormalizedUnit(StrEnum):
    CNY = "CNY"
    USD = "USD"
    EUR = "EUR"
    PERCENT = "percent"
    PERCENTAGE_POINT = "percentage_point"
    COUNT = "count"
    AREA_M2 = "area_m2"
    OTHER = "other"


class MetricKind(StrEnum):
    LEVEL = "level"
    CHANGE_RATE = "change_rate"
    SHARE = "share"
    CHANGE_AMOUNT = "change_amount"
    OTHER = "other"


class Qualifier(StrEnum):
    EXACT = "exact"
    APPROX = "approx"
    OVER = "over"
    UNDER = "under"


class MetricSource(StrEnum):
    OFFLINE = "offline"
    LLM = "llm"
    BOTH = "both"


class EngineName(StrEnum):
    OFFLINE = "offline"
    LLM = "llm"


def _check_span(span: tuple[int, int]) -> tuple[int, int]:
    start, end = span
    if start < 0 or end < start:
        raise ValueError(f"span must satisfy 0 <= start <= end, got {span}")
    return span


class Block(BaseModel):
    """One segment of an issue: an article, a caption, a page index or other matter."""

    id: str
    kind: BlockKind
    title: str | None = None
    byline: str | None = None
    text: str = Field(description="normalised body text")
    span: Span
    norm_span: Span = Field(
        default=(0, 0),
        description="[start, end) of text in the normalised text: doc.text[s:e] == text",
    )

    _check = field_validator("span", "norm_span")(classmethod(lambda cls, v: _check_span(v)))


class NormalizedValue(BaseModel):
    value: float
    unit: NormalizedUnit


class PeriodRange(BaseModel):
    start: str = Field(description="ISO date")
    end: str = Field(description="ISO date")
    cumulative: bool = Field(description="true for year-to-date style periods such as 1-5月")


class Metric(BaseModel):
    """One economic statistic, grounded in the source by ``quote`` and ``span``."""

    subject: str | None = None
    indicator: str | None = None
    period: str | None = Field(None, description="as written in the text, or null")
    period_range: PeriodRange | None = None
    value: float = Field(description="the number as written (1.7 for 1.7万亿元)")
    unit: str = Field(description="unit as written including magnitude words, e.g. 万亿元")
    normalized: NormalizedValue
    kind: MetricKind = MetricKind.LEVEL
    qualifier: Qualifier = Qualifier.EXACT
    quote: str = Field(description="verbatim fragment of the original text holding the number")
    span: Span
    source: MetricSource = MetricSource.OFFLINE

    _check = field_validator("span")(classmethod(lambda cls, v: _check_span(v)))


class Entities(BaseModel):
    zones: list[str] = Field(default_factory=list)
    organizations: list[str] = Field(default_factory=list)
    companies: list[str] = Field(default_factory=list)
    people: list[str] = Field(default_factory=list)
    places: list[str] = Field(default_factory=list)


class Summary(BaseModel):
    headline: str
    summary: str
    key_points: list[str] = Field(default_factory=list)
    topics: list[str] = Field(default_factory=list)
    entities: Entities = Field(default_factory=Entities)
    flagged_numbers: list[str] = Field(
        default_factory=list,
        description="numbers in the summary text that appear nowhere in the article",
    )


class Article(BaseModel):
    id: str
    kind: BlockKind
    title: str | None = None
    byline: str | None = None
    span: Span
    text: str
    summary: Summary
    metrics: list[Metric] = Field(default_factory=list)

    @classmethod
    def from_block(
        cls, block: Block, summary: Summary | None = None, metrics: list[Metric] | None = None
    ) -> Article:
        """The article of ``block``; without a summary, a bare one headed by the block's title."""
        return cls(
            id=block.id,
            kind=block.kind,
            title=block.title,
            byline=block.byline,
            span=block.span,
            text=block.text,
            summary=summary or Summary(headline=block.title or "", summary=""),
            metrics=metrics or [],
        )


class EngineInfo(BaseModel):
    name: EngineName
    version: str
    model: str | None = None
    prompts: dict[str, str] = Field(default_factory=dict, description="task -> id@version")
    prompt_hashes: dict[str, str] = Field(default_factory=dict, description="task -> sha256")
    structured_mode: str | None = None


class Source(BaseModel):
    path: str
    sha256: str
    chars: int
    issue_date: str | None = None


class Usage(BaseModel):
    calls: int = 0
    retries: int = 0
    reasks: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cache_hits: int = 0
    seconds: float = 0.0
    estimated_cost_usd: float | None = None
    dropped_ungrounded: int = 0


class Coverage(BaseModel):
    """The ledger of what happened to every piece of the issue: nothing is dropped silently."""

    articles: int = 0
    articles_failed: int = 0
    chunks: int = 0
    chunks_failed: int = 0
    truncations: int = 0
    reasks: int = 0
    dropped_ungrounded: int = 0
    mode_downgrades: int = 0

    @property
    def ratio(self) -> float:
        """Share of articles that came through (1.0 when there were none)."""
        if not self.articles:
            return 1.0
        return (self.articles - self.articles_failed) / self.articles


class ArticleError(BaseModel):
    article_id: str
    error: str


class IssueSummary(BaseModel):
    schema_version: str = SCHEMA_VERSION
    source: Source
    engine: EngineInfo
    articles: list[Article] = Field(default_factory=list)
    usage: Usage = Field(default_factory=Usage)
    coverage: Coverage = Field(default_factory=Coverage)
    errors: list[ArticleError] = Field(default_factory=list)

    model_config = ConfigDict(title="IssueSummary")
