"""Build a ``Digest`` from the store with a handful of indexed queries (no scan per section).

A few queries, each through an ``issue_id`` index, fetch the selected issues' articles, their
index terms and their metrics (SQLite aggregates equal reports, so a value repeated in 300 issues
is one row); everything else (stories, ranking, sections, cross-issue metric groups, conflicts,
the zone/company index, the chart) is computed in memory in one pass each.
"""

from __future__ import annotations

import json
import math
import re
import sqlite3
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from ..errors import ConfigError, SummarizerError
from ..store.db import store_errors
from ..store.queries import IssueRow, select_issues
from .model import (
    ChartBar,
    Digest,
    DigestStory,
    IndexEntry,
    IndexLink,
    IssueRef,
    MetricGroup,
    MetricReport,
    SourceRef,
    TopicSection,
)

__all__ = ["NO_TOPIC", "OverviewWriter", "build_digest", "story_key"]

NO_TOPIC = "其他"
OverviewWriter = Callable[[Digest], tuple[list[str], list[str]]]
"""Writes the overview of a built digest: returns (sentences, removed-number violations)."""

_PUNCT = re.compile(r"[\s\W_]+", re.UNICODE)
# Growth indicators the chart prefers, best first.
_CHART_PREFERENCE = ("增加值", "生产总值", "营业收入", "产值", "收入")


def story_key(title: str) -> str:
    """Headlines that differ only in spacing or punctuation are the same story."""
    return _PUNCT.sub("", title).lower()


@dataclass(slots=True)
class _Article:
    id: int
    issue_id: int
    key: str
    title: str
    summary: str
    chars: int
    metric_count: int
    order: int  # chronological rank of its issue
    topics: list[str] = field(default_factory=list)
    zones: list[str] = field(default_factory=list)
    companies: list[str] = field(default_factory=list)
    metric_keys: set[tuple[object, ...]] = field(default_factory=set)


@dataclass(slots=True)
class _Story:
    articles: list[_Article]
    score: float = 0.0
    density: float = 0.0
    salience: float = 0.0
    novelty: float = 0.0


def _edge(issues: list[IssueRow], pick: Callable[[list[str]], str]) -> str | None:
    dated = [i.issue_date for i in issues if i.issue_date]
    return pick(dated) if dated else None


def _ids_param(issues: list[IssueRow]) -> str:
    return json.dumps([i.id for i in issues])


_IN_SELECTION = "IN (SELECT value FROM json_each(?))"


def build_digest(
    conn: sqlite3.Connection,
    *,
    since: date | None = None,
    until: date | None = None,
    last: int | None = None,
    overview_writer: OverviewWriter | None = None,
    front_size: int = 8,
    per_topic: int = 8,
    max_metric_rows: int = 60,
    max_conflicts: int = 40,
    max_index_links: int = 6,
    max_index_entries: int = 60,
    chart_bars: int = 12,
    now: datetime | None = None,
) -> Digest:
    """The digest of the issues in ``since``..``until`` (or the ``last`` N, or all)."""
    with store_errors(conn, "cannot read the database"):
        return _build(
            conn,
            since=since,
            until=until,
            last=last,
            overview_writer=overview_writer,
            front_size=front_size,
            per_topic=per_topic,
            max_metric_rows=max_metric_rows,
            max_conflicts=max_conflicts,
            max_index_links=max_index_links,
            max_index_entries=max_index_entries,
            chart_bars=chart_bars,
            now=now,
        )


def _build(
    conn: sqlite3.Connection,
    *,
    since: date | None,
    until: date | None,
    last: int | None,
    overview_writer: OverviewWriter | None,
    front_size: int,
    per_topic: int,
    max_metric_rows: int,
    max_conflicts: int,
    max_index_links: int,
    max_index_entries: int,
    chart_bars: int,
    now: datetime | None,
) -> Digest:
    issues = select_issues(conn, since=since, until=until, last=last)
    digest = Digest(
        generated_at=(now or datetime.now(UTC)).isoformat(timespec="seconds"),
        since=since.isoformat() if since else _edge(issues, min),
        until=until.isoformat() if until else _edge(issues, max),
    )
    if not issues:
        digest.overview = ["所选范围内没有已入库的期次。 No stored issue falls in this range."]
        return digest
    order = {row.id: n for n, row in enumerate(issues)}  # select_issues is oldest first
    by_issue = {row.id: row for row in issues}
    ids = _ids_param(issues)

    arts: dict[int, _Article] = {}
    for r in conn.execute(
        "SELECT id, issue_id, article_key, COALESCE(NULLIF(title, ''), headline) AS title,"
        " summary, chars, metric_count FROM articles"
        f" WHERE issue_id {_IN_SELECTION} AND kind = 'article'",
        (ids,),
    ):
        arts[r[0]] = _Article(r[0], r[1], r[2], r[3] or "", r[4] or "", r[5], r[6], order[r[1]])
    for article_id, kind, name in conn.execute(
        f"SELECT article_id, kind, name FROM article_terms WHERE issue_id {_IN_SELECTION}"
        " AND kind IN ('topic', 'zone', 'company')",
        (ids,),
    ):
        art = arts.get(article_id)
        if art is not None:
            {"topic": art.topics, "zone": art.zones, "company": art.companies}[kind].append(name)

    cur = conn.cursor()
    cur.row_factory = None  # plain tuples (columns: _M_* below)
    # SQLite aggregates equal reports (same group, same value) in C: one row per distinct value.
    metric_rows = cur.execute(
        "SELECT m.canonical_subject, m.indicator, m.period, m.period_start, m.period_end,"
        " substr(i.issue_date, 1, 4) AS year, m.kind, m.norm_unit, round(m.norm_value, 6) AS nv,"
        " min(m.value), min(m.unit), min(m.qualifier), min(m.quote),"
        " group_concat(m.issue_id || char(30) || a.article_key || char(30) || m.article_id,"
        " char(31)), min(m.id), count(*)"
        " FROM metrics m JOIN issues i ON i.id = m.issue_id JOIN articles a ON a.id = m.article_id"
        f" WHERE m.issue_id {_IN_SELECTION}"
        " GROUP BY m.canonical_subject, m.indicator, m.period, m.period_start, m.period_end,"
        " year, m.kind, m.norm_unit, nv,"
        " CASE WHEN i.issue_date IS NULL THEN m.issue_id END,"
        " CASE WHEN m.canonical_subject IS NULL OR m.indicator IS NULL THEN m.id END"
        " ORDER BY min(m.id)",
        (ids,),
    ).fetchall()
    counts_m: dict[int, int] = dict(
        cur.execute(
            f"SELECT issue_id, count(*) FROM metrics WHERE issue_id {_IN_SELECTION}"
            " GROUP BY issue_id",
            (ids,),
        ).fetchall()
    )

    def ref(issue_id: int, article_key: str) -> SourceRef:
        row = by_issue[issue_id]
        return SourceRef.model_construct(
            issue_id=issue_id,
            issue=row.name,
            issue_date=row.issue_date,
            article_id=article_key,
            path=row.path,
        )

    digest.issues = [
        IssueRef(id=i.id, name=i.name, path=i.path, issue_date=i.issue_date) for i in issues
    ]
    counts_a: dict[int, int] = defaultdict(int)
    for a in arts.values():
        counts_a[a.issue_id] += 1
    for iref in digest.issues:
        iref.articles, iref.metrics = counts_a[iref.id], counts_m.get(iref.id, 0)
    digest.article_count = len(arts)
    digest.metric_count = sum(counts_m.values())

    groups = _metric_groups(metric_rows, order, arts)
    stories = _stories(arts)
    _rank(stories, groups)
    ranked = sorted(stories, key=lambda s: (-s.score, -s.articles[0].order, s.articles[0].id))

    def story(s: _Story) -> DigestStory:
        return _story_model(conn, s, ref)

    front = ranked[:front_size]
    digest.front = [story(s) for s in front]
    digest.sections = _sections(ranked[front_size:], per_topic, story)
    table, conflicts, total = _group_models(groups, max_metric_rows, max_conflicts, ref)
    digest.metric_groups, digest.metric_groups_total = table, total
    digest.conflicts, digest.conflicts_total = (
        conflicts,
        sum(1 for g in groups if not g.consumed and g.conflict),
    )
    shown = {s.anchor for s in digest.front} | {
        s.anchor for sec in digest.sections for s in sec.stories
    }
    digest.zones = _index(ranked, "zones", max_index_entries, max_index_links, ref, shown)
    digest.companies = _index(ranked, "companies", max_index_entries, max_index_links, ref, shown)
    digest.chart = _chart(groups, chart_bars, ref)
    digest.overview = _extractive_overview(digest)
    if overview_writer is not None:
        try:
            sentences, violations = overview_writer(digest)
        except SummarizerError as e:  # an LLM outage must not cost the whole digest
            digest.overview_error = str(e)
        else:
            if sentences:
                digest.overview, digest.overview_kind = sentences, "llm"
            digest.overview_violations = violations
    return digest


# ---------------------------------------------------------------- metrics


@dataclass(slots=True)
class _Group:
    subject: str | None
    indicator: str | None
    period: str | None
    kind: str
    unit: str
    # distinct normalised value -> (row, sources (issue_id, article_key))
    values: dict[float, tuple[tuple[Any, ...], dict[tuple[int, str], None]]] = field(
        default_factory=dict
    )
    first_order: int = 0
    last_order: int = 0
    change: _Group | None = None
    consumed: bool = False

    @property
    def sources(self) -> int:
        return sum(len(v[1]) for v in self.values.values())

    @property
    def issues(self) -> int:
        return len({i for _, srcs in self.values.values() for i, _ in srcs})

    @property
    def conflict(self) -> bool:
        """Different values from different issues. Several values inside one issue are a list
        (大立、博日、红相分别增长…) or a from-to pair, not a contradiction."""
        if len(self.values) < 2:
            return False
        issues = {i for _, srcs in self.values.values() for i, _ in srcs}
        return len(issues) > 1


# Column positions in the aggregated metric query of ``_build``.
(_M_SUBJECT, _M_INDICATOR, _M_PERIOD, _M_PSTART, _M_PEND, _M_YEAR, _M_KIND, _M_NUNIT) = range(8)
(_M_NORM, _M_VALUE, _M_UNIT, _M_QUAL, _M_QUOTE, _M_SOURCES, _M_FIRST_ID) = range(8, 15)
_YEAR = re.compile(r"(19|20)\d\d")
_MAX_REFS = 12  # source links kept per reported value (the count is kept in full)
_MAX_VALUES = 8  # distinct values kept per conflicting group (the count is kept in full)


def _period_key(row: tuple[Any, ...]) -> tuple[str, str | None]:
    """(grouping key, shown period): relative periods (今年一季度) get the issue's year."""
    period, year = row[_M_PERIOD], row[_M_YEAR]
    if row[_M_PSTART]:
        return f"{row[_M_PSTART]}..{row[_M_PEND]}", period
    if period and year and not _YEAR.search(period):
        return f"{period}|{year}", f"{period}（{year}）"
    return f"{period or ''}|{year or ''}", period


def _metric_groups(
    rows: list[tuple[Any, ...]],
    order: dict[int, int],
    arts: dict[int, _Article],
) -> list[_Group]:
    groups: dict[tuple[object, ...], _Group] = {}
    for r in rows:
        items = [x.split("\x1e") for x in r[_M_SOURCES].split("\x1f")]
        sources = {(int(i), k): None for i, k, _ in items}
        orders = [order[i] for i, _ in sources]
        article_ids = {int(a) for _, _, a in items}
        subject, indicator = r[_M_SUBJECT], r[_M_INDICATOR]
        pkey, shown_period = _period_key(r)
        if subject and indicator:
            key: tuple[object, ...] = (subject, indicator, pkey, r[_M_KIND], r[_M_NUNIT])
            if r[_M_YEAR] is None:  # undated issues: comparable only within the issue
                key += (next(iter(sources))[0],)
        else:  # without subject or indicator a number cannot be compared across issues
            key = ("#", r[_M_FIRST_ID])
        g = groups.get(key)
        if g is None:
            g = groups[key] = _Group(
                subject, indicator, shown_period, r[_M_KIND], r[_M_NUNIT], first_order=min(orders)
            )
        g.first_order = min(g.first_order, *orders)
        g.last_order = max(g.last_order, *orders)
        value = float(r[_M_NORM])
        entry = g.values.get(value)
        if entry is None:
            entry = g.values[value] = (r, {})
        entry[1].update(sources)
        if key[0] != "#":
            for article_id in article_ids:
                art = arts.get(article_id)
                if art is not None:
                    art.metric_keys.add(key)
    result = list(groups.values())
    for g in result:  # sources in chronological order, values by first report
        for value, (row, srcs) in list(g.values.items()):
            ordered = sorted(srcs, key=lambda s: order[s[0]])
            g.values[value] = (row, dict.fromkeys(ordered))
        g.values = dict(sorted(g.values.items(), key=lambda kv: order[next(iter(kv[1][1]))[0]]))
    # Pair a level with its growth rate (规模以上工业增加值 + 规模以上工业增加值同比增长).
    rates: dict[tuple[object, ...], list[_Group]] = defaultdict(list)
    for g in result:
        if g.kind == "change_rate" and g.subject and g.indicator:
            rates[(g.subject, g.period)].append(g)
    for g in result:
        if g.kind != "level" or not g.subject or not g.indicator:
            continue
        for rate in rates.get((g.subject, g.period), []):
            if not rate.consumed and rate.indicator and rate.indicator.startswith(g.indicator):
                g.change, rate.consumed = rate, True
                break
    return result


def _report(
    value: float,
    entry: tuple[tuple[Any, ...], dict[tuple[int, str], None]],
    ref: Callable[[int, str], SourceRef],
) -> MetricReport:
    row, sources = entry
    return MetricReport.model_construct(
        value=row[_M_VALUE],
        unit=row[_M_UNIT],
        normalized_value=value,
        normalized_unit=row[_M_NUNIT],
        qualifier=row[_M_QUAL],
        quote=row[_M_QUOTE],
        sources=[ref(i, k) for i, k in list(sources)[:_MAX_REFS]],
        source_count=len(sources),
    )


def _kept_values(g: _Group) -> list[float]:
    """At most ``_MAX_VALUES`` values: the most reported, shown in order of first report."""
    values = list(g.values)
    if len(values) <= _MAX_VALUES:
        return values
    position = {v: n for n, v in enumerate(values)}
    top = sorted(values, key=lambda v: (-len(g.values[v][1]), position[v]))[:_MAX_VALUES]
    return sorted(top, key=position.__getitem__)


def _group_model(g: _Group, ref: Callable[[int, str], SourceRef]) -> MetricGroup:
    change = None
    if g.change is not None:
        value, entry = next(iter(g.change.values.items()))
        change = _report(value, entry, ref)
    return MetricGroup.model_construct(
        subject=g.subject,
        indicator=g.indicator,
        period=g.period,
        kind=g.kind,
        reports=[_report(v, g.values[v], ref) for v in _kept_values(g)],
        value_count=len(g.values),
        conflict=g.conflict,
        change=change,
    )


def _is_zone(subject: str | None) -> bool:
    """True for a canonical zone name (zones lead the metrics table; they are the bulletin's
    subjects)."""
    if not subject:
        return False
    from ..gazetteer import canonical_zone

    try:
        return canonical_zone(subject) == subject
    except ConfigError:
        return False


def _group_models(
    groups: list[_Group], limit: int, max_conflicts: int, ref: Callable[[int, str], SourceRef]
) -> tuple[list[MetricGroup], list[MetricGroup], int]:
    visible = [g for g in groups if not g.consumed]
    conflicts = [g for g in visible if g.conflict]
    conflicts.sort(key=lambda g: (g.subject or "", g.indicator or "", g.period or ""))
    ranked = sorted(
        visible,
        key=lambda g: (
            g.subject is None,
            -g.issues,
            -(g.change is not None),
            -_is_zone(g.subject),
            -g.last_order,
        ),
    )
    return (
        [_group_model(g, ref) for g in ranked[:limit]],
        [_group_model(g, ref) for g in conflicts[:max_conflicts]],
        len(visible),
    )


def _chart(
    groups: list[_Group], limit: int, ref: Callable[[int, str], SourceRef]
) -> list[ChartBar]:
    """Per zone, its most telling growth rate (value added first), newest report."""
    from ..gazetteer import canonical_zone

    best: dict[str, tuple[tuple[int, int], ChartBar]] = {}
    for g in groups:
        if g.kind != "change_rate" or not g.subject or not g.indicator:
            continue
        try:
            if canonical_zone(g.subject) != g.subject:
                continue
        except ConfigError:  # no gazetteer data: no chart rather than no digest
            return []
        pref = next(
            (n for n, word in enumerate(_CHART_PREFERENCE) if word in g.indicator),
            len(_CHART_PREFERENCE),
        )
        rank = (pref, -g.last_order)
        if g.subject in best and best[g.subject][0] <= rank:
            continue
        value, (_row, sources) = next(iter(g.values.items()))
        bar = ChartBar(
            zone=g.subject,
            indicator=g.indicator,
            period=g.period,
            value=value,
            source=ref(*next(iter(sources))),
        )
        best[g.subject] = (rank, bar)
    bars = [b for _, b in best.values()]
    bars.sort(key=lambda b: -b.value)
    return bars[:limit]


# ---------------------------------------------------------------- stories


def _stories(arts: dict[int, _Article]) -> list[_Story]:
    clusters: dict[str, list[_Article]] = {}
    for art in sorted(arts.values(), key=lambda a: (a.order, a.id)):
        key = story_key(art.title) or story_key(art.summary[:40]) or f"#{art.id}"
        clusters.setdefault(key, []).append(art)
    return [_Story(articles) for articles in clusters.values()]


def _rank(stories: list[_Story], groups: list[_Group]) -> None:
    """Score = metric density + salience + novelty (each in [0, 1]); order plays no part."""
    first_reporter: dict[tuple[object, ...], tuple[int, int]] = {}
    for s in stories:
        lead = s.articles[0]
        for key in lead.metric_keys:
            mark = (lead.order, lead.id)
            if key not in first_reporter or mark < first_reporter[key]:
                first_reporter[key] = mark
    for s in stories:
        lead = s.articles[0]
        chars = max(lead.chars, 300)
        per_k = lead.metric_count * 1000 / chars
        s.density = 0.6 * min(1.0, per_k / 8) + 0.4 * min(
            1.0, math.log1p(lead.metric_count) / math.log1p(12)
        )
        zones = {z for a in s.articles for z in a.zones}
        companies = {c for a in s.articles for c in a.companies}
        s.salience = (
            0.2 * bool(lead.title)
            + 0.3 * min(1.0, lead.chars / 1500)
            + 0.3 * min(1.0, (len(zones) + len(companies)) / 4)
            + 0.2 * min(1.0, (len({a.issue_id for a in s.articles}) - 1) / 3)
        )
        if lead.metric_keys:
            mark = (lead.order, lead.id)
            firsts = sum(1 for k in lead.metric_keys if first_reporter.get(k) == mark)
            s.novelty = firsts / len(lead.metric_keys)
        else:
            s.novelty = 0.5
        s.score = round(0.45 * s.density + 0.3 * s.salience + 0.25 * s.novelty, 4)


def _story_model(
    conn: sqlite3.Connection, s: _Story, ref: Callable[[int, str], SourceRef]
) -> DigestStory:
    lead = s.articles[0]
    row = conn.execute("SELECT key_points FROM articles WHERE id = ?", (lead.id,)).fetchone()
    key_points = json.loads(row[0]) if row and row[0] else []
    return DigestStory(
        title=lead.title,
        summary=lead.summary,
        key_points=key_points,
        topics=list(dict.fromkeys(t for a in s.articles for t in a.topics)),
        zones=list(dict.fromkeys(z for a in s.articles for z in a.zones)),
        companies=list(dict.fromkeys(c for a in s.articles for c in a.companies)),
        metric_count=lead.metric_count,
        score=s.score,
        density=round(s.density, 3),
        salience=round(s.salience, 3),
        novelty=round(s.novelty, 3),
        sources=[ref(a.issue_id, a.key) for a in s.articles],
        anchor=_anchor(s),
    )


def _sections(
    stories: list[_Story], per_topic: int, make: Callable[[_Story], DigestStory]
) -> list[TopicSection]:
    by_topic: dict[str, list[_Story]] = defaultdict(list)
    for s in stories:  # already ranked
        topics = list(dict.fromkeys(t for a in s.articles for t in a.topics)) or [NO_TOPIC]
        by_topic[topics[0]].append(s)  # a story goes under its first topic only
    ordered = sorted(by_topic.items(), key=lambda kv: (kv[0] == NO_TOPIC, -len(kv[1]), kv[0]))
    return [
        TopicSection(
            topic=t, stories=[make(s) for s in ss[:per_topic]], more=max(0, len(ss) - per_topic)
        )
        for t, ss in ordered
    ]


def _anchor(s: _Story) -> str:
    return f"story-{s.articles[0].id}"


def _index(
    stories: list[_Story],
    attr: str,
    max_entries: int,
    max_links: int,
    ref: Callable[[int, str], SourceRef],
    shown: set[str],
) -> list[IndexEntry]:
    found: dict[str, list[_Story]] = defaultdict(list)
    for s in stories:
        for name in dict.fromkeys(n for a in s.articles for n in getattr(a, attr)):
            found[name].append(s)
    ordered = sorted(found.items(), key=lambda kv: (-len(kv[1]), kv[0]))[:max_entries]
    return [
        IndexEntry(
            name=name,
            stories=[
                IndexLink(
                    title=s.articles[0].title,
                    anchor=_anchor(s) if _anchor(s) in shown else None,
                    source=ref(s.articles[0].issue_id, s.articles[0].key),
                )
                for s in ss[:max_links]
            ],
            more=max(0, len(ss) - max_links),
        )
        for name, ss in ordered
    ]


def _first_sentence(text: str) -> str:
    m = re.search(r"^.+?[。！？!?]", text.strip())
    return m.group(0) if m else text.strip()


def _extractive_overview(d: Digest) -> list[str]:
    """Facts about the selection, the top headlines, then the top story's lead (verbatim)."""
    dated = [i.issue_date for i in d.issues if i.issue_date]
    span = f"{min(dated)} 至 {max(dated)}" if dated else "日期不详"
    undated = len(d.issues) - len(dated)
    extra = f"，其中 {undated} 期无日期" if undated else ""
    out = [
        f"本摘要收录 {len(d.issues)} 期（{span}{extra}），{d.article_count} 篇文章，"
        f"{d.metric_count} 项指标；{d.conflicts_total} 组指标数值互相矛盾。"
    ]
    heads = [s.title for s in d.front[:3] if s.title]
    if heads:
        out.append("要闻：" + "；".join(heads) + "。")
    if d.front and d.front[0].summary:
        out.append(_first_sentence(d.front[0].summary))
    return out
