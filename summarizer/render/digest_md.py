"""The digest as GitHub-flavoured Markdown: valid tables (pipes escaped), text escaped.

Every piece of stored text goes through ``md_text`` (inline) or ``md_cell`` (table cells), so an
article that contains ``<script>``, ``|`` or ``*`` shows those characters instead of becoming markup.
"""

from __future__ import annotations

import re
from pathlib import Path

from ..digest.model import Digest, DigestStory, MetricGroup, MetricReport, SourceRef

__all__ = ["fmt_change", "fmt_value", "fresh_points", "md_cell", "md_text", "render_markdown"]

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]<>|~])")
# Only at the start of a line do these make a heading, list, quote or numbered item.
_MD_LINE_START = re.compile(r"^(\s*)([#>+\-=]|\d+(?=[.)]))")
_QUALIFIER = {"approx": "约", "over": "超", "under": "不到", "exact": ""}


def md_text(text: str | None) -> str:
    """Inline Markdown text: markup characters backslash-escaped, line breaks folded."""
    if not text:
        return ""
    flat = _MD_SPECIAL.sub(r"\\\1", re.sub(r"\s*\n\s*", " ", text.strip()))
    m = _MD_LINE_START.match(flat)
    if m and m.group(2)[0].isdigit():
        end = m.end()
        return flat[:end] + "\\" + flat[end:]
    return _MD_LINE_START.sub(r"\1\\\2", flat, count=1)


def md_cell(text: str | None) -> str:
    """A table cell: escaped text, never empty (an empty cell reads as a missing value).

    Line-start markup (``1.``, ``-``, ``#``) means nothing inside a cell, so only inline
    characters are escaped.
    """
    if not text or not text.strip():
        return "—"
    return _MD_SPECIAL.sub(r"\\\1", re.sub(r"\s*\n\s*", " ", text.strip()))


def fmt_value(r: MetricReport) -> str:
    """The value as written with its qualifier: 约3.5亿元, 超200家, 7.1%."""
    return f"{_QUALIFIER.get(r.qualifier, '')}{r.value:g}{r.unit}"


def fmt_change(r: MetricReport | None) -> str:
    if r is None:
        return ""
    sign = "+" if r.value > 0 and r.unit in ("%", "个百分点") else ""
    return f"{sign}{fmt_value(r)}"


def _file_link(path: str) -> str:
    try:
        return Path(path).as_uri()
    except ValueError:
        return path


def _src(ref: SourceRef) -> str:
    return f"[{md_text(ref.label)}](#src-{ref.issue_id})"


def _sources(refs: list[SourceRef], limit: int = 4, total: int = 0) -> str:
    """The first ``limit`` source links, then how many more there are."""
    total = max(total, len(refs))
    shown = ", ".join(_src(r) for r in refs[:limit])
    return shown + (f" +{total - limit}" if total > limit else "")


def fresh_points(s: DigestStory, limit: int = 3) -> list[str]:
    """Key points that add something to the summary (not one of its sentences)."""
    return [p for p in s.key_points if p.strip() and p.strip() not in s.summary][:limit]


def _story(n: int, s: DigestStory) -> list[str]:
    out = [f'### {n}. <a id="{s.anchor}"></a>{md_text(s.title)}', "", md_text(s.summary), ""]
    out += [f"- {md_text(p)}" for p in fresh_points(s)]
    tags = " · ".join(md_text(t) for t in s.topics + s.zones)
    meta = f"_{s.metric_count} metrics · score {s.score:.2f}_"
    out += ["", f"{meta}{' · ' + tags if tags else ''} · 来源 Sources: {_sources(s.sources)}", ""]
    return out


def _group_rows(groups: list[MetricGroup]) -> list[str]:
    rows = [
        "| 主体 Subject | 指标 Indicator | 数值 Value | 变化 Change | 时期 Period | 来源 Sources |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for g in groups:
        for r in g.reports:
            is_rate = g.kind == "change_rate"
            value = "—" if is_rate else md_cell(fmt_value(r))
            change = md_cell(fmt_change(r)) if is_rate else md_cell(fmt_change(g.change))
            flag = " ⚠️" if g.conflict else ""
            rows.append(
                f"| {md_cell(g.subject)}{flag} | {md_cell(g.indicator)} | {value} | {change} |"
                f" {md_cell(g.period)} | {_sources(r.sources, 4, r.source_count)} |"
            )
    return rows


def render_markdown(d: Digest) -> str:
    """The whole digest as one Markdown document."""
    span = f"{d.since or '…'} – {d.until or '…'}" if d.issues else "—"
    out = [
        f"# 公报摘要 Bulletin digest · {md_text(span)}",
        "",
        f"_{len(d.issues)} issues · {d.article_count} articles · {d.metric_count} metrics ·"
        f" generated {md_text(d.generated_at)}_",
        "",
        "## 概览 Overview",
        "",
        md_text("".join(d.overview)),
        "",
    ]
    note = (
        f"written by the LLM ({md_text(d.overview_source or '?')}); every number checked"
        " against the stored metrics"
    )
    if d.overview_kind == "llm":
        out += [f"_{note} ({len(d.overview_violations)} sentences removed)._", ""]
    if d.overview_error:
        out += [
            f"_LLM overview failed ({md_text(d.overview_error)}); extractive overview shown._",
            "",
        ]
    if d.empty:
        return "\n".join(out).rstrip() + "\n"

    out += ["## 要闻 Top stories", ""]
    for n, s in enumerate(d.front, 1):
        out += _story(n, s)

    if d.sections:
        out += ["## 分类报道 By topic", ""]
        for sec in d.sections:
            out += [f"### {md_text(sec.topic)}", ""]
            for s in sec.stories:
                out.append(
                    f'- <a id="{s.anchor}"></a>**{md_text(s.title)}** — {md_text(s.summary)}'
                    f" ({_sources(s.sources, 2)})"
                )
            if sec.more:
                out.append(f"- _… {sec.more} more_")
            out.append("")

    out += ["## 指标一览 Metrics", ""]
    if d.metric_groups:
        out += _group_rows(d.metric_groups)
        out += [
            "",
            f"_{len(d.metric_groups)} of {d.metric_groups_total} metric groups shown (⚠️ ="
            " conflicting values); all of them: `summarizer query metrics`._",
            "",
        ]
    else:
        out += ["_No metrics in these issues._", ""]

    out += ["## 数据冲突 Conflicts", ""]
    if d.conflicts:
        out.append("The same subject, indicator and period reported with different values:")
        out.append("")
        for g in d.conflicts:
            values = " vs ".join(
                f"**{md_text(fmt_value(r))}** ({_sources(r.sources, 3, r.source_count)})"
                for r in g.reports
            )
            head = " · ".join(md_text(x) for x in (g.subject, g.indicator, g.period) if x)
            hidden = g.value_count - len(g.reports)
            tail = f" … {hidden} other values" if hidden > 0 else ""
            out.append(f"- {head}: {values}{tail}")
        out.append("")
    else:
        out += ["_No conflicting values._", ""]
    if d.conflicts_total > len(d.conflicts):
        out += [f"_{len(d.conflicts)} of {d.conflicts_total} conflicts shown._", ""]

    if d.chart:
        out += [
            "## 各区增速 Growth by zone",
            "",
            "| 地区 Zone | 指标 Indicator | 增速 Growth | 来源 |",
            "| --- | --- | --- | --- |",
        ]
        for b in d.chart:
            out.append(
                f"| {md_cell(b.zone)} | {md_cell(b.indicator)} {md_text(b.period)} |"
                f" {b.value:+g}% | {_src(b.source)} |"
            )
        out.append("")

    out += ["## 索引 Index", ""]
    for heading, entries in (("地区 Zones", d.zones), ("企业 Companies", d.companies)):
        out += [f"### {heading}", ""]
        if not entries:
            out += ["_None._", ""]
            continue
        for e in entries:
            links = " · ".join(
                f"[{md_text(link.title)}](#{link.anchor or f'src-{link.source.issue_id}'})"
                for link in e.stories
            )
            more = f" · … {e.more} more" if e.more else ""
            out.append(f"- **{md_text(e.name)}** ({len(e.stories) + e.more}): {links}{more}")
        out.append("")

    out += [
        "## 来源 Sources",
        "",
        "| # | 日期 Date | 期次 Issue | 文章 Articles | 指标 Metrics |",
        "| --- | --- | --- | --- | --- |",
    ]
    for i in d.issues:
        out.append(
            f'| <a id="src-{i.id}"></a>{i.id} | {md_cell(i.issue_date)} |'
            f" [{md_text(i.name)}](<{_file_link(i.path)}>) | {i.articles} | {i.metrics} |"
        )
    return "\n".join(out).rstrip() + "\n"
