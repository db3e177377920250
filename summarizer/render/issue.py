"""Render one IssueSummary as json (the contract), jsonl (one article per line) or md (a report).

Dispatch is one enum (``IssueFormat``) and one mapping (``ISSUE_RENDERERS``).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from enum import StrEnum

from ..models import Article, BlockKind, IssueSummary, Metric
from .markdown import escape_text, format_number, table

__all__ = [
    "ISSUE_RENDERERS",
    "IssueFormat",
    "render_issue",
    "render_json",
    "render_jsonl",
    "render_md",
]


class IssueFormat(StrEnum):
    JSON = "json"
    JSONL = "jsonl"
    MD = "md"


def render_json(summary: IssueSummary) -> str:
    """The IssueSummary as indented JSON (UTF-8 text, no \\u escapes)."""
    return summary.model_dump_json(indent=2) + "\n"


def render_jsonl(summary: IssueSummary) -> str:
    """One JSON object per article, each with its issue's ``source`` path and ``issue_date``."""
    lines = []
    for article in summary.articles:
        record = {
            "source": summary.source.path,
            "issue_date": summary.source.issue_date,
            **article.model_dump(mode="json"),
        }
        lines.append(json.dumps(record, ensure_ascii=False))
    return "".join(line + "\n" for line in lines)


_METRIC_HEADERS = ("Subject", "Indicator", "Value", "Period", "Kind", "Qualifier", "Quote")


def _metric_row(m: Metric) -> list[str | None]:
    return [
        m.subject,
        m.indicator,
        f"{format_number(m.value)} {m.unit}".strip(),
        m.period,
        str(m.kind),
        str(m.qualifier),
        m.quote,
    ]


def _article_md(n: int, article: Article) -> list[str]:
    s = article.summary
    heading = article.title or s.headline or article.id
    out = [f"## {n}. {escape_text(heading)}", ""]
    meta = [f"`{article.id}`"]
    if article.kind is not BlockKind.ARTICLE:
        meta.append(str(article.kind))
    if article.byline:
        meta.append(f"by {escape_text(article.byline)}")
    if not article.title and s.headline:
        meta.append("no printed headline")
    out += [" · ".join(meta), ""]
    if s.summary:
        out += [escape_text(s.summary), ""]
    if s.key_points:
        out += ["**Key points**", ""]
        out += [f"- {escape_text(p)}" for p in s.key_points]
        out.append("")
    facets = []
    if s.topics:
        facets.append("**Topics:** " + "、".join(escape_text(t) for t in s.topics))
    ents = s.entities
    for label, names in (
        ("Zones", ents.zones),
        ("Companies", ents.companies),
        ("Organisations", ents.organizations),
        ("People", ents.people),
        ("Places", ents.places),
    ):
        if names:
            facets.append(f"**{label}:** " + "、".join(escape_text(x) for x in names))
    if facets:
        out += ["  \n".join(facets), ""]
    if article.metrics:
        out += [table(_METRIC_HEADERS, [_metric_row(m) for m in article.metrics]), ""]
    return out


def render_md(summary: IssueSummary) -> str:
    """A readable report: per article its headline, byline, summary, key points and metrics."""
    src = summary.source
    name = src.path.replace("\\", "/").rsplit("/", 1)[-1]
    stories = [a for a in summary.articles if a.kind is BlockKind.ARTICLE or a.metrics]
    captions = [a for a in summary.articles if a.kind is BlockKind.CAPTION and a not in stories]
    other = [a for a in summary.articles if a not in stories and a not in captions]
    n_metrics = sum(len(a.metrics) for a in summary.articles)
    engine = summary.engine
    engine_desc = f"{engine.name} {engine.version}" + (f" ({engine.model})" if engine.model else "")
    lines = [f"# {escape_text(name)}" + (f" — {src.issue_date}" if src.issue_date else ""), ""]
    lines += [
        f"{len(stories)} stories · {n_metrics} metrics · engine {escape_text(engine_desc)} · "
        f"{summary.usage.seconds:.2f} s",
        "",
    ]
    for n, article in enumerate(stories, 1):
        lines += _article_md(n, article)
    if captions:
        lines += ["## Photos", ""]
        lines += [f"- `{a.id}` {escape_text(a.text or a.summary.headline)}" for a in captions]
        lines.append("")
    if other:
        kinds = ", ".join(f"{a.id} ({a.kind})" for a in other)
        lines += [f"*Not summarised (page furniture):* {escape_text(kinds)}", ""]
    if summary.errors:
        lines += ["## Errors", ""]
        lines += [f"- `{e.article_id}`: {escape_text(e.error)}" for e in summary.errors]
        lines.append("")
    return "\n".join(lines).rstrip("\n") + "\n"


ISSUE_RENDERERS: dict[IssueFormat, Callable[[IssueSummary], str]] = {
    IssueFormat.JSON: render_json,
    IssueFormat.JSONL: render_jsonl,
    IssueFormat.MD: render_md,
}


def render_issue(summary: IssueSummary, fmt: IssueFormat | str) -> str:
    """Render ``summary`` in format ``fmt`` (json, jsonl or md)."""
    return ISSUE_RENDERERS[IssueFormat(fmt)](summary)
