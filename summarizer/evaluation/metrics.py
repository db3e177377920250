"""Score extracted metrics against the gold annotations (``../shared/gold``).

Matching: a predicted metric matches a gold metric when the normalised unit class is the same,
the normalised values agree within 0.5 % (sign ignored: a wrong sign is a kind error), and the
two sit at the same place in the issue: with the issue ``text`` given, the predicted span and the
gold quote overlap (both compared with whitespace removed, as the gold is written); without it,
the two quotes share a stretch of at least six characters (or one contains the other). Matching
is one-to-one, greedy over the gold in order, preferring a candidate of the same kind.

Precision and recall count required gold metrics only: a prediction matching an ``optional``
gold metric counts neither as a true nor as a false positive. Kind, qualifier, indicator and
subject accuracies are over the matches of required gold metrics. An indicator or subject is
"right" when, whitespace and brackets removed, one contains the other, or they share a core term:
a jieba word of two or more characters that is not a generic word (数量, 企业, 同比, 增长,
高新区...). Both empty counts as right.
"""

from __future__ import annotations

import bisect
import difflib
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..models import Article, Metric
from .gold import GoldIssue, GoldMetric, squash, squash_map

__all__ = [
    "MetricScore",
    "MetricsEvaluator",
    "MetricsMatch",
    "combine_scores",
    "evaluate_metrics",
    "same_text",
]

_REL_TOL = 0.005
_STRIP = re.compile(r"[\s（）()“”\"《》「」『』【】、，,。:：·]")
_GENERIC = (
    "数量 数 企业 公司 项目 同比 增长 下降 总额 金额 规模 产业 高新区 园区 新区 国家 "
    "个数 家数 比例 比重 占比 情况 累计 实现 完成 新增 其中 全年 今年 上半年"
)
_GENERIC_TERMS = frozenset(_GENERIC.split(" "))


@dataclass(frozen=True, slots=True)
class MetricsMatch:
    """One matched pair and which attributes were right."""

    gold_quote: str
    pred_quote: str
    kind: bool
    qualifier: bool
    indicator: bool
    subject: bool
    pred_indicator: str | None = None
    gold_indicator: str | None = None
    pred_subject: str | None = None
    gold_subject: str | None = None


@dataclass(slots=True)
class MetricScore:
    """Extraction scores for one issue (or a total over several)."""

    file: str
    required: int = 0
    true_positives: int = 0
    false_positives: int = 0
    optional_matched: int = 0
    kind_right: int = 0
    qualifier_right: int = 0
    indicator_right: int = 0
    subject_right: int = 0
    missed: list[str] = field(default_factory=list)  # gold quotes not found
    spurious: list[str] = field(default_factory=list)  # predicted quotes matching nothing
    matches: list[MetricsMatch] = field(default_factory=list)

    @property
    def precision(self) -> float:
        found = self.true_positives + self.false_positives
        return self.true_positives / found if found else 1.0

    @property
    def recall(self) -> float:
        return self.true_positives / self.required if self.required else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def _acc(self, right: int) -> float:
        return right / self.true_positives if self.true_positives else 0.0

    @property
    def kind_accuracy(self) -> float:
        return self._acc(self.kind_right)

    @property
    def qualifier_accuracy(self) -> float:
        return self._acc(self.qualifier_right)

    @property
    def indicator_accuracy(self) -> float:
        return self._acc(self.indicator_right)

    @property
    def subject_accuracy(self) -> float:
        return self._acc(self.subject_right)

    def as_row(self) -> dict[str, float | int | str]:
        return {
            "file": self.file,
            "required": self.required,
            "tp": self.true_positives,
            "fp": self.false_positives,
            "precision": round(self.precision, 3),
            "recall": round(self.recall, 3),
            "f1": round(self.f1, 3),
            "kind": round(self.kind_accuracy, 3),
            "qualifier": round(self.qualifier_accuracy, 3),
            "indicator": round(self.indicator_accuracy, 3),
            "subject": round(self.subject_accuracy, 3),
        }


def combine_scores(scores: Iterable[MetricScore], name: str = "total") -> MetricScore:
    """Micro-average: sum the counts of several issues."""
    total = MetricScore(name)
    for s in scores:
        total.required += s.required
        total.true_positives += s.true_positives
        total.false_positives += s.false_positives
        total.optional_matched += s.optional_matched
        total.kind_right += s.kind_right
        total.qualifier_right += s.qualifier_right
        total.indicator_right += s.indicator_right
        total.subject_right += s.subject_right
        total.missed += s.missed
        total.spurious += s.spurious
        total.matches += s.matches
    return total


def _terms(text: str) -> set[str]:
    import jieba

    jieba.setLogLevel(60)
    return {w for w in jieba.lcut(text) if len(w) >= 2 and w not in _GENERIC_TERMS}


def same_text(pred: str | None, gold: str | None) -> bool:
    """Is a predicted indicator/subject right? (containment either way, or a shared core term)."""
    a = _STRIP.sub("", pred or "")
    b = _STRIP.sub("", gold or "")
    if not a and not b:
        return True
    if not a or not b:
        return False
    if a in b or b in a:
        return True
    return bool(_terms(a) & _terms(b))


def _flatten(
    articles_metrics: Sequence[Article] | Sequence[Sequence[Metric]] | Sequence[Metric],
) -> list[Metric]:
    out: list[Metric] = []
    for item in articles_metrics:
        if isinstance(item, Metric):
            out.append(item)
        elif isinstance(item, Article):
            out.extend(item.metrics)
        else:
            out.extend(item)
    return out


# Unit classes the gold schema has; any other (EUR) is written "other" in the gold.
_GOLD_CLASSES = frozenset(
    ["CNY", "USD", "percent", "percentage_point", "count", "area_m2", "other"]
)


def _gold_class(m: Metric) -> str:
    """The predicted unit class as the gold schema writes it (欧元 → other)."""
    unit = m.normalized.unit.value
    return unit if unit in _GOLD_CLASSES else "other"


def _close(a: float, b: float) -> bool:
    a, b = abs(a), abs(b)
    return a == b or abs(a - b) <= _REL_TOL * max(a, b)


@dataclass(slots=True)
class _Locator:
    """Positions in the whitespace-free issue text, where the gold lives."""

    squashed: str
    offsets: list[int]

    def squashed_range(self, span: tuple[int, int]) -> tuple[int, int]:
        s = bisect.bisect_left(self.offsets, span[0])
        e = bisect.bisect_left(self.offsets, span[1])
        return s, max(e, s + 1)

    def gold_article_ranges(self, gold: GoldIssue) -> list[tuple[int, int]]:
        ranges: list[tuple[int, int]] = []
        for art in gold.articles:
            s = self.squashed.find(squash(art.first_chars))
            if s < 0:
                ranges.append((0, len(self.squashed)))
                continue
            e = self.squashed.find(squash(art.last_chars), s)
            ranges.append((s, e + len(squash(art.last_chars)) if e >= 0 else len(self.squashed)))
        return ranges

    def quote_ranges(
        self, quote: str, article: tuple[int, int], title: str | None
    ) -> list[tuple[int, int]]:
        q = squash(quote)
        out: list[tuple[int, int]] = []
        if not q:
            return out
        lo = article[0]
        while True:
            i = self.squashed.find(q, lo, article[1] + len(q))
            if i < 0:
                break
            out.append((i, i + len(q)))
            lo = i + 1
        if not out and title and q in squash(title):
            i = self.squashed.find(squash(title))
            while i >= 0:
                j = self.squashed.find(q, i, i + len(squash(title)))
                if j >= 0:
                    out.append((j, j + len(q)))
                i = self.squashed.find(squash(title), i + 1)
        if not out:
            i = self.squashed.find(q)
            if i >= 0:
                out.append((i, i + len(q)))
        return out


def _quotes_overlap(pred: str, gold: str) -> bool:
    a, b = squash(pred), squash(gold)
    if not a or not b:
        return False
    if a in b or b in a:
        return True
    m = difflib.SequenceMatcher(None, a, b, autojunk=False).find_longest_match(0, len(a), 0, len(b))
    return m.size >= min(6, len(a), len(b))


def evaluate_metrics(
    articles_metrics: Sequence[Article] | Sequence[Sequence[Metric]] | Sequence[Metric],
    gold: GoldIssue,
    *,
    text: str | None = None,
    file: str | None = None,
) -> MetricScore:
    """Score the metrics of one issue against its gold (``text``: the issue's original text)."""
    preds = _flatten(articles_metrics)
    score = MetricScore(file or gold.source)
    locator: _Locator | None = None
    article_ranges: list[tuple[int, int]] = []
    if text is not None:
        locator = _Locator(*squash_map(text))
        article_ranges = locator.gold_article_ranges(gold)
    pred_ranges = [
        locator.squashed_range((m.span[0], m.span[1])) if locator else (0, 0) for m in preds
    ]

    entries: list[tuple[GoldMetric, list[tuple[int, int]]]] = []
    for a_idx, art in enumerate(gold.articles):
        for gm in art.metrics:
            ranges = (
                locator.quote_ranges(gm.quote, article_ranges[a_idx], art.title) if locator else []
            )
            entries.append((gm, ranges))
    used = [False] * len(preds)

    def candidates(gm: GoldMetric, ranges: list[tuple[int, int]]) -> list[int]:
        out: list[int] = []
        for i, m in enumerate(preds):
            if used[i] or _gold_class(m) != gm.unit_class:
                continue
            if not _close(m.normalized.value, gm.normalized_value):
                continue
            if locator is not None and ranges:
                ps, pe = pred_ranges[i]
                if not any(ps < ge and gs < pe for gs, ge in ranges):
                    continue
            elif not _quotes_overlap(m.quote, gm.quote):
                continue
            out.append(i)
        return out

    for optional_pass in (False, True):
        for gm, ranges in entries:
            if gm.optional != optional_pass:
                continue
            if not optional_pass:
                score.required += 1
            cands = candidates(gm, ranges)
            if not cands:
                if not optional_pass:
                    score.missed.append(gm.quote)
                continue
            best = max(cands, key=lambda i: (preds[i].kind.value == gm.kind, -i))
            used[best] = True
            if optional_pass:
                score.optional_matched += 1
                continue
            m = preds[best]
            match = MetricsMatch(
                gold_quote=gm.quote,
                pred_quote=m.quote,
                kind=m.kind.value == gm.kind,
                qualifier=m.qualifier.value == gm.qualifier,
                indicator=same_text(m.indicator, gm.indicator),
                subject=same_text(m.subject, gm.subject),
                pred_indicator=m.indicator,
                gold_indicator=gm.indicator,
                pred_subject=m.subject,
                gold_subject=gm.subject,
            )
            score.matches.append(match)
            score.true_positives += 1
            score.kind_right += match.kind
            score.qualifier_right += match.qualifier
            score.indicator_right += match.indicator
            score.subject_right += match.subject
    for i, m in enumerate(preds):
        if not used[i]:
            score.false_positives += 1
            score.spurious.append(m.quote)
    return score


class MetricsEvaluator:
    """The ``summarizer eval`` table for metrics: the offline extractor on each issue's article
    blocks (as the offline engine runs it), scored by ``evaluate_metrics``.

    A case is anything with ``name``, ``original``, ``doc``, ``blocks`` and ``gold`` (the CLI's
    EvalCase); the extractor can be swapped (``extract``) to score another engine's metrics.
    """

    title = "metrics"
    columns = (
        "file", "required", "tp", "fp", "precision", "recall", "f1",
        "kind", "qualifier", "indicator", "subject",
    )  # fmt: skip

    def __init__(self, extract: Callable[..., list[Metric]] | None = None) -> None:
        self._extract = extract

    def score(self, case: Any) -> MetricScore:
        from ..extract.metrics import extract_metrics
        from ..models import BlockKind

        extract = self._extract or extract_metrics
        metrics = [
            extract(block, case.doc) for block in case.blocks if block.kind is BlockKind.ARTICLE
        ]
        return evaluate_metrics(metrics, case.gold, text=case.original, file=case.name)

    def total(self, scores: list[MetricScore]) -> MetricScore:
        return combine_scores(scores, "TOTAL")

    def row(self, s: MetricScore) -> list[str]:
        r = s.as_row()
        return [str(r[c]) for c in self.columns]

    def as_json(self, s: MetricScore) -> dict[str, Any]:
        return {**s.as_row(), "missed": list(s.missed), "spurious": list(s.spurious)}
