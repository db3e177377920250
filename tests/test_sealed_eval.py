"""The sealed set (tests/sealed): invented issues annotated without looking at the code.

Its first measurement was blind (see tests/sealed/README.md); these floors keep the levels it
showed so that a later change cannot quietly make the tool worse on issues it was not tuned on.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from summarizer.evaluation.gold import load_gold_dir
from summarizer.evaluation.metrics import combine_scores, evaluate_metrics
from summarizer.evaluation.segmentation import evaluate_segmentation, total_score
from summarizer.pipeline import summarize_text

SEALED = Path(__file__).resolve().parent / "sealed"


@pytest.fixture(scope="module")
def results() -> list[tuple[str, object, object]]:
    out = []
    for name, gold in sorted(load_gold_dir(SEALED / "gold").items()):
        text = (SEALED / "corpus" / name).read_text(encoding="utf-8")
        out.append((text, gold, summarize_text(text, engine="offline")))
    assert len(out) == 2
    return out


def test_every_sealed_article_is_found_unmerged(results) -> None:
    from summarizer.models import Block

    scores = []
    for text, gold, summary in results:
        blocks = [
            Block(id=a.id, kind=a.kind, title=a.title, byline=a.byline, text=a.text, span=a.span)
            for a in summary.articles
        ]
        scores.append(evaluate_segmentation(blocks, text, gold))
    total = total_score(scores)
    assert (total.found, total.gold_articles) == (13, 13)
    assert total.merges == 0 and total.splits == 0
    assert total.titles_right >= 11, total.wrong_titles


def test_sealed_metric_scores_stay_above_the_targets(results) -> None:
    total = combine_scores(
        evaluate_metrics(summary.articles, gold, text=text) for text, gold, summary in results
    )
    assert total.required == 143
    assert total.precision >= 0.95 and total.recall >= 0.95, (total.precision, total.recall)
    assert total.qualifier_accuracy >= 0.95
    assert total.indicator_accuracy >= 0.85 and total.subject_accuracy >= 0.85
    # kind was 0.929 at the blind measurement (partly convention: the sealed gold reads
    # percentage-point decreases as change_rate); it may only go up.
    assert total.kind_accuracy >= 0.92
