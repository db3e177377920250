"""Extractive summary of one block: headline, 2–4 ranked sentences, key points, topics, entities.

Sentences are ranked by TextRank (PageRank over a sentence-similarity graph built from jieba
words, written here: ``jieba.analyse`` is a benchmark peer, not a dependency), plus a lead
position prior and the density of extracted metrics. Every summary sentence and key point is a
verbatim sentence (or clause of an over-long sentence) of the normalised article text, so the
offline summary is faithful by construction.
"""

from __future__ import annotations

import math
import re
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass

from ..models import Block, Metric, Summary
from .entities import extract_entities, extract_topics
from .tokens import Sentence, split_sentences, tokenize, wordset

__all__ = [
    "SummaryConfig",
    "compress_headline",
    "rank_sentences",
    "summarize_block",
    "textrank",
]


@dataclass(frozen=True, slots=True)
class SummaryConfig:
    """Knobs of the extractive summary (weights are on scores normalised to [0, 1])."""

    max_chars: int = 200
    min_sentences: int = 2
    max_sentences: int = 4
    max_key_points: int = 4
    key_point_chars: int = 150
    headline_chars: int = 44
    min_sentence_chars: int = 10
    full_length: int = 24  # sentences shorter than this are scored down in proportion
    max_candidates: int = 150  # sentences entering the O(n²) graph; long articles keep the lead
    w_textrank: float = 0.55
    w_position: float = 0.25
    w_metrics: float = 0.20
    damping: float = 0.85
    iterations: int = 50


DEFAULT = SummaryConfig()

# Function words and boilerplate that carry no content for sentence similarity.
_STOPWORDS = wordset(
    "的 了 在 是 和 与 及 对 为 将 等 也 都 把 被 从 向 以 于 并 而 其 这 该 此 各 有 个 中 上 下 "
    "我们 他们 一个 一些 进一步 今年 去年 目前 同时 通过 进行 实现 推动 加快 不断 持续 相关 有关 "
    "据 本报讯 记者 获悉 表示 介绍"
)
_WORD = re.compile(r"[\u4e00-\u9fffA-Za-z]")
# Lead openers removed from a lead sentence before it becomes a headline.
_OPENER = re.compile(
    r"^(?:本报讯|新华社[\u4e00-\u9fff]{0,8}电|[（(](?:上接|下转)[^）)]*[）)])?\s*"
    r"(?:[（(][^）)]{0,30}[）)])?\s*"
    r"(?:(?:近日|日前|\d{1,2}月\d{1,2}日|\d{4}年\d{1,2}月\d{1,2}日)[，,]?)?\s*"
    r"(?:记者从[^，,]{1,30}(?:获悉|了解到)[，,])?"
)
_COMPLETE = re.compile(r"(?:[。！？!?；;]|…|\.{3})[”’」』）)\"']*$")
_NUMBER = re.compile(r"\d+(?:\.\d+)?")
# "以“X”为主题的…" opens many event leads; the headline keeps the event.
_THEME = re.compile(r"^以[“\"][^”\"]{1,30}[”\"]为(?:主题|题)的")
_CONTINUATION = re.compile(r"(?:其中|同时|并且?|而且?|但|这|较|比|占|同比|以|据|为)")
_HEADLINE_ENOUGH = 12
_CLAUSE = re.compile(r"[^，,；;：:。！？!?]+[，,；;：:。！？!?]?")


def _content_words(text: str) -> list[str]:
    return [w for w in tokenize(text) if w not in _STOPWORDS and _WORD.search(w)]


def textrank(
    bags: Sequence[Sequence[str]], *, damping: float = 0.85, iterations: int = 50
) -> list[float]:
    """PageRank scores of sentences given their word bags (similarity as in Mihalcea & Tarau).

    sim(i, j) = |words_i ∩ words_j| / (log|words_i| + log|words_j|); scores sum to n.
    """
    n = len(bags)
    if n == 0:
        return []
    sets = [set(b) for b in bags]
    logs = [math.log(len(b)) if len(b) > 1 else 0.0 for b in bags]
    weights: list[dict[int, float]] = [{} for _ in range(n)]
    for i in range(n):
        for j in range(i + 1, n):
            common = len(sets[i] & sets[j])
            denom = logs[i] + logs[j]
            if common and denom > 0:
                w = common / denom
                weights[i][j] = w
                weights[j][i] = w
    out_sum = [sum(w.values()) for w in weights]
    scores = [1.0] * n
    for _ in range(iterations):
        new = [
            (1 - damping) + damping * sum(w * scores[j] / out_sum[j] for j, w in weights[i].items())
            for i in range(n)
        ]
        delta = max(abs(a - b) for a, b in zip(new, scores, strict=True))
        scores = new
        if delta < 1e-6:
            break
    return scores


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _metric_counts(sentences: list[Sentence], metrics: Sequence[Metric]) -> list[int]:
    """How many metrics each sentence carries: the sentence holding the quote's number.

    Quotes are searched (whitespace-free) in the joined sentences, starting where the previous
    quote was found (extractors report metrics in text order), so long articles stay linear.
    """
    counts = [0] * len(sentences)
    if not sentences or not metrics:
        return counts
    squashed = [_squash(s.text) for s in sentences]
    starts: list[int] = []
    pos = 0
    for sent in squashed:
        starts.append(pos)
        pos += len(sent)
    joined = "".join(squashed)
    hint = 0
    for metric in metrics:
        quote = _squash(metric.quote)
        if not quote:
            continue
        at = joined.find(quote, hint)
        if at < 0:
            at = joined.find(quote)
        if at < 0:
            continue
        hint = at
        number = _NUMBER.search(quote)
        anchor = at + (number.start() if number else 0)
        counts[bisect_right(starts, anchor) - 1] += 1
    return counts


def _normalised(values: list[float]) -> list[float]:
    top = max(values, default=0.0)
    low = min(values, default=0.0)
    if top - low <= 1e-12:
        return [0.0 for _ in values]
    return [(v - low) / (top - low) for v in values]


def rank_sentences(
    sentences: list[Sentence],
    metrics: Sequence[Metric] = (),
    *,
    config: SummaryConfig = DEFAULT,
    bags: list[list[str]] | None = None,
) -> list[float]:
    """Score each sentence: TextRank + position prior + metric density (higher is better)."""
    if not sentences:
        return []
    bags = bags if bags is not None else [_content_words(s.text) for s in sentences]
    tr = _normalised(textrank(bags, damping=config.damping, iterations=config.iterations))
    position = [1.0 / (1.0 + 0.5 * s.index) for s in sentences]
    counts = _metric_counts(sentences, metrics)
    density = _normalised(
        [c / max(len(s.text), 1) * 100 for c, s in zip(counts, sentences, strict=True)]
    )
    # Short sentences (slogans, sub-headings ending in a full stop) say little on their own.
    brevity = [min(1.0, len(s.text) / config.full_length) for s in sentences]
    return [
        (config.w_textrank * t + config.w_position * p + config.w_metrics * d) * b
        for t, p, d, b in zip(tr, position, density, brevity, strict=True)
    ]


def _pick(sentences: list[Sentence], scores: list[float], config: SummaryConfig) -> list[Sentence]:
    """Best sentences within the length budget, 2–4 when the text allows, in text order."""
    order = sorted(range(len(sentences)), key=lambda i: (-scores[i], i))
    # Whole sentences only (no sub-headings, no clause pieces), so that the summary splits back
    # into exactly the sentences it was built from.
    complete = [i for i in order if sentences[i].whole and _COMPLETE.search(sentences[i].text)]
    # Very short sentences ("稳住。", "一企一策。") are slogans or sub-headings, not content.
    substantial = [i for i in complete if len(sentences[i].text) >= config.min_sentence_chars]
    if len(substantial) >= config.min_sentences:
        complete = substantial
    chosen: list[int] = []
    used = 0
    for i in complete:
        if len(chosen) >= config.max_sentences:
            break
        size = len(sentences[i].text)
        if used + size <= config.max_chars:
            chosen.append(i)
            used += size
    if not chosen and order:
        # Every sentence is longer than the budget: the best clause-sized piece is all we can say.
        chosen = [min(order[:3], key=lambda i: len(sentences[i].text))]
    return [sentences[i] for i in sorted(chosen)]


def compress_headline(sentence: str, *, max_chars: int = 40) -> str:
    """A headline from a lead sentence: drop the dateline opener and leading adverbials, then
    keep the first clauses that fit (or the first clause that fits on its own).

    The result is a verbatim substring of ``sentence`` (no trailing punctuation).
    """
    body = _OPENER.sub("", sentence.strip(), count=1) or sentence.strip()
    # Clauses as [start, end) in body, so that the headline is always one slice of it (a run of
    # bare punctuation between clauses must not be dropped from the middle).
    clauses = [[m.start(), m.end()] for m in _CLAUSE.finditer(body)]
    # Leading time/adverbial clauses (近期, 今年以来, 7月26日) say nothing on their own.
    while len(clauses) > 1 and len(body[slice(*clauses[0])].rstrip("，,；;：:")) <= 6:
        clauses.pop(0)
    if clauses:
        theme = _THEME.match(body[slice(*clauses[0])])
        if theme and clauses[0][0] + theme.end() < clauses[0][1]:
            clauses[0][0] += theme.end()
    start = end = None
    for c_start, c_end in clauses:
        clause = body[c_start:c_end]
        if start is not None and end is not None:
            if c_start != end:  # not contiguous: stop here
                break
            if (end - start) + len(clause) > max_chars:
                break
            if end - start >= _HEADLINE_ENOUGH and _CONTINUATION.match(clause):
                break  # "其中…", "同比…", "这是…" add detail, not news
        elif len(clause) > max_chars + 1:
            continue  # a clause too long for a headline: try the next one
        start = c_start if start is None else start
        end = c_end
        if end - start >= max_chars // 2:
            break
    out = body[start:end] if start is not None else ""
    out = out.rstrip("，,；;：:。！？!?…. ")
    if not out:
        first = body[slice(*clauses[0])] if clauses else body
        out = first[:max_chars].rstrip("，,；;：:。！？!?…. ")
    return out


def summarize_block(
    block: Block, metrics: Sequence[Metric] = (), *, config: SummaryConfig = DEFAULT
) -> Summary:
    """The extractive summary of one block (see the module docstring)."""
    sentences = split_sentences(block.text)
    candidates = sentences[: config.max_candidates]
    bags = [tokenize(s.text) for s in candidates]
    content = [[w for w in b if w not in _STOPWORDS and _WORD.search(w)] for b in bags]
    scores = rank_sentences(candidates, metrics, config=config, bags=content)
    picked = _pick(candidates, scores, config)
    title = (block.title or "").strip()
    if title:
        headline = title
    elif candidates:
        # The lead sentence (news puts the gist first), compressed; the next one if it is a stub.
        heads = (compress_headline(c.text, max_chars=config.headline_chars) for c in candidates[:3])
        headline = next((h for h in heads if len(h) >= 8), "") or compress_headline(
            candidates[0].text, max_chars=config.headline_chars
        )
    else:
        headline = ""
    return Summary(
        headline=headline,
        summary="".join(s.text for s in picked),
        key_points=_key_points(sentences, metrics, scores, config),
        topics=extract_topics(block.text, title=block.title),
        entities=extract_entities(
            block.text, title=block.title, byline=block.byline, token_runs=bags
        ),
    )


def _key_points(
    sentences: list[Sentence], metrics: Sequence[Metric], scores: list[float], config: SummaryConfig
) -> list[str]:
    """Sentences carrying the most metrics (ties: higher rank), in text order."""
    if not metrics:
        return []
    short = [s for s in sentences if len(s.text) <= config.key_point_chars]
    pieces = (
        short
        if len(short) == len(sentences)
        else split_sentences(
            "\n".join(s.text for s in sentences), long_sentence=config.key_point_chars
        )
    )
    counts = _metric_counts(pieces, metrics)
    rank = {s.text: sc for s, sc in zip(sentences, scores, strict=False)}
    carrying = [i for i, c in enumerate(counts) if c]
    carrying.sort(key=lambda i: (-counts[i], -rank.get(pieces[i].text, 0.0), i))
    keep = sorted(carrying[: config.max_key_points])
    # A clause cut from a long sentence loses its trailing comma (still a verbatim substring).
    return list(dict.fromkeys(pieces[i].text.rstrip("，,、；;：: ") for i in keep))
