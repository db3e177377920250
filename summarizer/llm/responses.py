"""What the LLM writes: pydantic response models (``extra="forbid"``), named in prompt files.

The model points, the code measures: a metric claim carries only the quote and labels; value,
unit, normalised value, qualifier and span are parsed from the quote by ``summarizer.ground``.
Size bounds live here (validators), not in the schema sent to the server (``schema.py`` strips
them, llama.cpp and vLLM drop or reject them), so a violation triggers a re-ask.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, field_validator

from ..models import MetricKind

__all__ = [
    "RESPONSE_MODELS",
    "ArticleResponse",
    "EntitiesResponse",
    "MetricClaim",
    "ReduceResponse",
    "response_model",
]

_STRICT = ConfigDict(extra="forbid")


def _clean_list(values: list[str]) -> list[str]:
    """Strip, drop empties and duplicates, keep order (weak models repeat themselves)."""
    seen: dict[str, None] = {}
    for v in values:
        v = v.strip()
        if v:
            seen.setdefault(v, None)
    return list(seen)


class MetricClaim(BaseModel):
    """A statistic as the model points at it: a verbatim quote plus labels."""

    model_config = _STRICT

    quote: str = Field(min_length=1, max_length=200, description="exact words from the article")
    subject: str | None = Field(description="who or what is measured, as written")
    indicator: str | None = Field(description="what is measured, as written")
    period: str | None = Field(description="period as written, or null")
    kind: MetricKind


class EntitiesResponse(BaseModel):
    model_config = _STRICT

    zones: list[str]
    organizations: list[str]
    companies: list[str]
    people: list[str]
    places: list[str]

    _clean = field_validator("*")(classmethod(lambda cls, v: _clean_list(v)))


class ArticleResponse(BaseModel):
    """One article (or chunk): summary fields, entities and metric claims."""

    model_config = _STRICT

    headline: str = Field(min_length=1, max_length=120)
    summary: str = Field(min_length=1, max_length=600)
    key_points: list[str] = Field(max_length=8)
    topics: list[str] = Field(max_length=8)
    entities: EntitiesResponse
    metrics: list[MetricClaim] = Field(max_length=80)

    _clean = field_validator("key_points", "topics")(classmethod(lambda cls, v: _clean_list(v)))


class ReduceResponse(BaseModel):
    """The merged summary of several chunk summaries."""

    model_config = _STRICT

    headline: str = Field(min_length=1, max_length=120)
    summary: str = Field(min_length=1, max_length=800)
    key_points: list[str] = Field(max_length=10)
    topics: list[str] = Field(max_length=8)

    _clean = field_validator("key_points", "topics")(classmethod(lambda cls, v: _clean_list(v)))


RESPONSE_MODELS: dict[str, type[BaseModel]] = {
    "ArticleResponse": ArticleResponse,
    "ReduceResponse": ReduceResponse,
}


def response_model(name: str) -> type[BaseModel]:
    """The response model a prompt file names; ``KeyError`` when unknown."""
    return RESPONSE_MODELS[name]
