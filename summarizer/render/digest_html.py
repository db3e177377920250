"""The digest as ONE self-contained HTML page: inline CSS, an inline SVG chart, no script.

Jinja2 renders it with autoescaping on, so every piece of stored text (titles, summaries,
quotes, names, paths) is HTML-escaped: an article containing ``<script>`` shows as text. The page
fetches nothing (no fonts, images or styles from elsewhere) and needs no JavaScript; the CSS
is responsive (one column on a phone, a card grid on a desk).
"""

from __future__ import annotations

from pathlib import Path

from markupsafe import Markup, escape

from ..digest.model import ChartBar, Digest
from .digest_md import fmt_change, fmt_value, fresh_points

__all__ = ["growth_chart_svg", "render_html"]

_CSS = """
:root{--fg:#1d2433;--muted:#5b6475;--line:#dde2ea;--bg:#f6f7f9;--card:#fff;--accent:#0b5cad;
--up:#1a7f4b;--down:#b3261e;--warn:#a15c00}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--fg);line-height:1.6;
font-family:-apple-system,"Segoe UI","PingFang SC","Hiragino Sans GB","Noto Sans CJK SC",
"Source Han Sans SC","WenQuanYi Micro Hei","Microsoft YaHei",sans-serif;font-size:16px}
header{background:#0f2a4a;color:#fff;padding:1.4rem 1rem}
header h1{margin:0 auto;max-width:1080px;font-size:1.6rem}
header p{margin:.3rem auto 0;max-width:1080px;color:#c9d6e8;font-size:.92rem}
main{max-width:1080px;margin:0 auto;padding:1rem}
nav{display:flex;flex-wrap:wrap;gap:.4rem;margin:0 0 1rem}
nav a{background:var(--card);border:1px solid var(--line);border-radius:999px;padding:.15rem .7rem;
font-size:.85rem;color:var(--accent);text-decoration:none}
section{background:var(--card);border:1px solid var(--line);border-radius:10px;padding:1rem 1.2rem;
margin:0 0 1.2rem}
h2{font-size:1.25rem;margin:.2rem 0 .8rem;border-bottom:2px solid var(--line);padding-bottom:.3rem}
h3{font-size:1.05rem;margin:.6rem 0 .3rem}
a{color:var(--accent)}
.overview p{margin:.3rem 0;font-size:1.02rem}
.note{color:var(--muted);font-size:.85rem}
.cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(300px,1fr));gap:.9rem}
.card{border:1px solid var(--line);border-radius:8px;padding:.8rem .9rem;background:#fcfdff}
.card h3{margin-top:0}
.card .rank{display:inline-block;min-width:1.6rem;color:#fff;background:var(--accent);
border-radius:4px;text-align:center;margin-right:.35rem;font-size:.85rem}
.card ul{margin:.3rem 0 .3rem 1.1rem;padding:0;font-size:.92rem}
.tags span{display:inline-block;background:#eef3fa;color:#23476f;border-radius:4px;
padding:0 .4rem;margin:.1rem .2rem .1rem 0;font-size:.8rem}
.src{font-size:.82rem;color:var(--muted)}
.table-wrap{overflow-x:auto}
table{border-collapse:collapse;width:100%;font-size:.9rem}
th,td{border-bottom:1px solid var(--line);padding:.35rem .5rem;text-align:left;vertical-align:top}
th{background:#f0f3f7;white-space:nowrap}
td.num{white-space:nowrap;font-variant-numeric:tabular-nums}
tr.conflict td{background:#fff6e6}
.flag{color:var(--warn);font-weight:600}
.up{color:var(--up)}.down{color:var(--down)}
.topic li{margin:.25rem 0}
.index{columns:2 320px;column-gap:1.5rem}
.index div{break-inside:avoid;margin:0 0 .5rem}
svg{max-width:100%;height:auto}
@media (max-width:640px){body{font-size:15px}header h1{font-size:1.25rem}
section{padding:.8rem;border-radius:0;border-left:0;border-right:0}main{padding:.5rem 0}
nav{padding:0 .5rem}
th,td{padding:.3rem}}
"""

_TEMPLATE = """<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<title>公报摘要 Bulletin digest · {{ span }}</title>
<style>{{ css }}</style>
</head>
<body>
<header>
<h1>公报摘要 Bulletin digest · {{ span }}</h1>
<p>{{ d.issues|length }} issues · {{ d.article_count }} articles · {{ d.metric_count }} metrics · generated {{ d.generated_at }}</p>
</header>
<main>
{% if not d.empty %}<nav aria-label="sections">
<a href="#overview">概览 Overview</a><a href="#top">要闻 Top stories</a>
{% if d.sections %}<a href="#topics">分类 Topics</a>{% endif %}
<a href="#metrics">指标 Metrics</a><a href="#conflicts">冲突 Conflicts</a>
{% if d.chart %}<a href="#growth">增速 Growth</a>{% endif %}
<a href="#index">索引 Index</a><a href="#sources">来源 Sources</a>
</nav>{% endif %}
<section id="overview" class="overview">
<h2>概览 Overview</h2>
{% for s in d.overview %}<p>{{ s }}</p>
{% endfor %}
{% if d.overview_kind == "llm" %}<p class="note">Written by the LLM ({{ d.overview_source or "?" }}); every number checked against the stored metrics ({{ d.overview_violations|length }} sentences removed).</p>{% endif %}
{% if d.overview_error %}<p class="note">LLM overview failed ({{ d.overview_error }}); extractive overview shown.</p>{% endif %}
</section>
{% if not d.empty %}
<section id="top">
<h2>要闻 Top stories</h2>
<div class="cards">
{% for s in d.front %}<article class="card" id="{{ s.anchor }}">
<h3><span class="rank">{{ loop.index }}</span>{{ s.title }}</h3>
<p>{{ s.summary }}</p>
{% set points = fresh(s, 2) %}{% if points %}<ul>{% for p in points %}<li>{{ p }}</li>{% endfor %}</ul>{% endif %}
<div class="tags">{% for t in (s.topics[:3] + s.zones)[:7] %}<span>{{ t }}</span>{% endfor %}</div>
<div class="src">{{ s.metric_count }} metrics · score {{ "%.2f"|format(s.score) }} · {{ sources(s.sources) }}</div>
</article>
{% endfor %}</div>
</section>
{% if d.sections %}<section id="topics">
<h2>分类报道 By topic</h2>
{% for sec in d.sections %}<div class="topic">
<h3>{{ sec.topic }}</h3>
<ul>{% for s in sec.stories %}<li id="{{ s.anchor }}"><strong>{{ s.title }}</strong> — {{ s.summary }} <span class="src">{{ sources(s.sources, 2) }}</span></li>
{% endfor %}{% if sec.more %}<li class="note">… {{ sec.more }} more</li>{% endif %}</ul>
</div>
{% endfor %}</section>{% endif %}
<section id="metrics">
<h2>指标一览 Metrics</h2>
{% if d.metric_groups %}<div class="table-wrap"><table>
<thead><tr><th>主体 Subject</th><th>指标 Indicator</th><th>数值 Value</th><th>变化 Change</th><th>时期 Period</th><th>来源 Sources</th></tr></thead>
<tbody>
{% for g in d.metric_groups %}{% for r in g.reports %}<tr{% if g.conflict %} class="conflict"{% endif %}>
<td>{{ g.subject or "—" }}{% if g.conflict %} <span class="flag" title="conflicting values">⚠</span>{% endif %}</td>
<td>{{ g.indicator or "—" }}</td>
<td class="num">{% if g.kind == "change_rate" %}—{% else %}{{ value(r) }}{% endif %}</td>
<td class="num">{% if g.kind == "change_rate" %}{{ change(r) }}{% else %}{{ change(g.change) }}{% endif %}</td>
<td>{{ g.period or "—" }}</td>
<td class="src">{{ sources(r.sources, 4, r.source_count) }}</td>
</tr>
{% endfor %}{% endfor %}</tbody></table></div>
<p class="note">{{ d.metric_groups|length }} of {{ d.metric_groups_total }} metric groups shown (⚠ = conflicting values); all of them: <code>summarizer query metrics</code>.</p>
{% else %}<p class="note">No metrics in these issues.</p>{% endif %}
</section>
<section id="conflicts">
<h2>数据冲突 Conflicts</h2>
{% if d.conflicts %}<p class="note">The same subject, indicator and period reported with different values.</p>
<ul>{% for g in d.conflicts %}<li><strong>{{ [g.subject, g.indicator, g.period]|select|join(" · ") }}</strong>:
{% for r in g.reports %}{% if not loop.first %} vs {% endif %}<span class="flag">{{ value(r) }}</span> <span class="src">({{ sources(r.sources, 3, r.source_count) }})</span>{% endfor %}{% if g.value_count > g.reports|length %} <span class="note">… {{ g.value_count - g.reports|length }} other values</span>{% endif %}</li>
{% endfor %}</ul>
{% if d.conflicts_total > d.conflicts|length %}<p class="note">{{ d.conflicts|length }} of {{ d.conflicts_total }} conflicts shown.</p>{% endif %}
{% else %}<p class="note">No conflicting values.</p>{% endif %}
</section>
{% if d.chart %}<section id="growth">
<h2>各区增速 Growth by zone</h2>
{{ chart }}
</section>{% endif %}
<section id="index">
<h2>索引 Index</h2>
{% for heading, entries in [("地区 Zones", d.zones), ("企业 Companies", d.companies)] %}<h3>{{ heading }}</h3>
{% if entries %}<div class="index">{% for e in entries %}<div><strong>{{ e.name }}</strong> ({{ e.stories|length + e.more }}):
{% for link in e.stories %}{% if not loop.first %} · {% endif %}<a href="#{{ link.anchor or "src-%d"|format(link.source.issue_id) }}">{{ link.title }}</a>{% endfor %}{% if e.more %} · … {{ e.more }} more{% endif %}</div>
{% endfor %}</div>{% else %}<p class="note">None.</p>{% endif %}
{% endfor %}</section>
<section id="sources">
<h2>来源 Sources</h2>
<div class="table-wrap"><table>
<thead><tr><th>#</th><th>日期 Date</th><th>期次 Issue</th><th>文章 Articles</th><th>指标 Metrics</th></tr></thead>
<tbody>
{% for i in d.issues %}<tr id="src-{{ i.id }}"><td>{{ i.id }}</td><td>{{ i.issue_date or "—" }}</td><td><a href="{{ uri(i.path) }}">{{ i.name }}</a></td><td class="num">{{ i.articles }}</td><td class="num">{{ i.metrics }}</td></tr>
{% endfor %}</tbody></table></div>
</section>
{% endif %}
</main>
</body>
</html>
"""


def _uri(path: str) -> str:
    try:
        return Path(path).as_uri()
    except ValueError:
        return path


def _sources(refs: list, limit: int = 4, total: int = 0) -> Markup:  # type: ignore[type-arg]
    links = [Markup('<a href="#src-{}">{}</a>').format(r.issue_id, r.label) for r in refs[:limit]]
    total = max(total, len(refs))
    more = f" +{total - limit}" if total > limit else ""
    return Markup(", ").join(links) + more


def _short(indicator: str, period: str | None, limit: int = 16) -> str:
    """'规模以上工业增加值同比增长 · 第一季度', cut to fit beside the bar."""
    text = indicator if len(indicator) <= limit else indicator[: limit - 1] + "…"
    return f"{text} · {period}" if period else text


def growth_chart_svg(bars: list[ChartBar]) -> Markup:
    """A horizontal bar chart of growth rates (%), zero axis in the middle when some are < 0."""
    if not bars:
        return Markup("")
    label_w, value_w, plot_w, row_h, top = 150, 330, 400, 28, 8
    width = label_w + plot_w + value_w
    height = top * 2 + row_h * len(bars)
    hi = max(0.0, *(b.value for b in bars))
    lo = min(0.0, *(b.value for b in bars))
    scale = plot_w / ((hi - lo) or 1.0)
    zero = label_w + (-lo) * scale
    parts = [
        Markup(
            '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h}" width="{w}" '
            'height="{h}" role="img" aria-labelledby="growth-title">'
            '<title id="growth-title">Growth rate by zone (%)</title>'
        ).format(w=width, h=height)
    ]
    for n, b in enumerate(bars):
        y = top + n * row_h
        x0 = zero if b.value >= 0 else zero + b.value * scale
        w = max(1.0, abs(b.value) * scale)
        color = "#1a7f4b" if b.value >= 0 else "#b3261e"
        tip = f"{b.zone} {b.indicator} {b.period or ''} {b.value:+g}% ({b.source.label})"
        parts.append(
            Markup(
                "<g><title>{tip}</title>"
                '<text x="{lx}" y="{ty}" text-anchor="end" font-size="13" fill="#1d2433">{zone}</text>'
                '<rect x="{x:.1f}" y="{ry}" width="{w:.1f}" height="{bh}" rx="3" fill="{color}"/>'
                '<text x="{vx}" y="{ty}" font-size="12" fill="#1d2433">{val}'
                '<tspan fill="#5b6475" dx="6">{what}</tspan></text></g>'
            ).format(
                tip=tip,
                lx=label_w - 8,
                ty=y + 18,
                zone=b.zone,
                x=x0,
                ry=y + 5,
                w=w,
                bh=row_h - 10,
                color=color,
                vx=label_w + plot_w + 6,
                val=f"{b.value:+g}%",
                what=_short(b.indicator, b.period),
            )
        )
    parts.append(
        Markup('<line x1="{z:.1f}" y1="{t}" x2="{z:.1f}" y2="{b}" stroke="#5b6475"/></svg>').format(
            z=zero, t=top, b=height - top
        )
    )
    return Markup("").join(parts)


def render_html(d: Digest) -> str:
    """The whole digest as one HTML document (autoescaped)."""
    import jinja2

    env = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined)
    template = env.from_string(_TEMPLATE)
    span = f"{d.since or '…'} – {d.until or '…'}" if d.issues else "—"
    return template.render(
        d=d,
        span=span,
        css=Markup(_CSS),
        chart=growth_chart_svg(d.chart),
        sources=_sources,
        value=lambda r: fmt_value(r) if r is not None else "",
        change=lambda r: fmt_change(r) if r is not None else "",
        uri=_uri,
        fresh=fresh_points,
        escape=escape,
    )
