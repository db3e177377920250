"""Score a segmentation against the gold: recall, merges, splits, titles, non-article kinds.

Text is compared the way the gold is written: whitespace removed from both sides (and the 1:1
character folds of the normaliser applied to both, so "１—５月" in a source still matches).
Titles must be the printed text ("1—5月", not the normalised "1-5月") whenever the gold title
is printed verbatim in the source; a gold title typed in another width is compared folded.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from ..models import Block, BlockKind
from ..normalize import fold_chars
from .gold import GoldIssue, squash

__all__ = ["SegScore", "evaluate_segmentation", "total_score"]


@dataclass(frozen=True, slots=True)
class SegScore:
    """Segmentation counts for one issue (or a total); ratios are derived properties."""

    name: str
    gold_articles: int = 0
    found: int = 0  # gold articles whose first and last chars lie in one block
    merges: int = 0  # extra gold articles inside a block that already holds one
    splits: int = 0  # gold articles whose first and last chars lie in different blocks
    titles_gold: int = 0  # found gold articles that have a title
    titles_right: int = 0
    kinds_gold: int = 0  # gold non-article blocks (captions, indexes, URLs...)
    kinds_right: int = 0  # ... found in a block of a non-article kind
    articles_predicted: int = 0
    spurious: int = 0  # article blocks that hold no gold block at all
    missing: tuple[str, ...] = field(default=())  # first_chars of the articles not found
    wrong_titles: tuple[str, ...] = field(default=())

    @property
    def recall(self) -> float:
        return self.found / self.gold_articles if self.gold_articles else 1.0

    @property
    def title_accuracy(self) -> float:
        return self.titles_right / self.titles_gold if self.titles_gold else 1.0

    @property
    def kind_accuracy(self) -> float:
        return self.kinds_right / self.kinds_gold if self.kinds_gold else 1.0

    def __add__(self, other: SegScore) -> SegScore:
        return SegScore(
            name="TOTAL",
            gold_articles=self.gold_articles + other.gold_articles,
            found=self.found + other.found,
            merges=self.merges + other.merges,
            splits=self.splits + other.splits,
            titles_gold=self.titles_gold + other.titles_gold,
            titles_right=self.titles_right + other.titles_right,
            kinds_gold=self.kinds_gold + other.kinds_gold,
            kinds_right=self.kinds_right + other.kinds_right,
            articles_predicted=self.articles_predicted + other.articles_predicted,
            spurious=self.spurious + other.spurious,
            missing=self.missing + other.missing,
            wrong_titles=self.wrong_titles + other.wrong_titles,
        )


def _key(text: str | None) -> str:
    return squash(fold_chars(text or ""))


def _holders(needle: str, texts: Sequence[str]) -> list[int]:
    return [i for i, t in enumerate(texts) if needle and needle in t]


def _title_matches(title: str | None, gold: str, printed_source: str) -> bool:
    """As printed when the gold title is printed verbatim, else compared folded."""
    if squash(gold) in printed_source:
        return squash(title or "") == squash(gold)
    return _key(title) == _key(gold)


def evaluate_segmentation(
    blocks: Sequence[Block], original: str, gold: GoldIssue, *, name: str | None = None
) -> SegScore:
    """Compare ``blocks`` of one issue with its gold annotation.

    ``original`` is the issue text; gold strings that do not occur in it at all are a broken
    annotation, not a segmentation error, and are left out of the counts.
    """
    texts = [_key(b.text) for b in blocks]
    source = _key(original)
    printed = squash(original)
    found = merges = splits = titles_gold = titles_right = 0
    kinds_gold = kinds_right = gold_articles = 0
    missing: list[str] = []
    wrong_titles: list[str] = []
    per_block: dict[int, int] = {}
    covered: set[int] = set()
    for art in gold.articles:
        first, last = _key(art.first_chars), _key(art.last_chars)
        if first not in source or last not in source:
            continue
        holders = [i for i in _holders(first, texts) if last in texts[i]]
        firsts, lasts = _holders(first, texts), _holders(last, texts)
        covered.update(holders or firsts)
        if not art.is_article:
            kinds_gold += 1
            if any(blocks[i].kind is not BlockKind.ARTICLE for i in holders):
                kinds_right += 1
            continue
        gold_articles += 1
        if not holders:
            if firsts and lasts:
                splits += 1
            missing.append(art.first_chars)
            continue
        found += 1
        best = next((i for i in holders if blocks[i].kind is BlockKind.ARTICLE), holders[0])
        per_block[best] = per_block.get(best, 0) + 1
        if art.title:
            titles_gold += 1
            if _title_matches(blocks[best].title, art.title, printed):
                titles_right += 1
            else:
                wrong_titles.append(f"{art.title} ≠ {blocks[best].title}")
    merges = sum(n - 1 for n in per_block.values() if n > 1)
    predicted = [i for i, b in enumerate(blocks) if b.kind is BlockKind.ARTICLE]
    spurious = sum(1 for i in predicted if i not in covered)
    return SegScore(
        name=name or gold.source,
        gold_articles=gold_articles,
        found=found,
        merges=merges,
        splits=splits,
        titles_gold=titles_gold,
        titles_right=titles_right,
        kinds_gold=kinds_gold,
        kinds_right=kinds_right,
        articles_predicted=len(predicted),
        spurious=spurious,
        missing=tuple(missing),
        wrong_titles=tuple(wrong_titles),
    )


def total_score(scores: Iterable[SegScore]) -> SegScore:
    """The sum of per-issue scores (named TOTAL)."""
    total = SegScore(name="TOTAL")
    for s in scores:
        total = total + s
    return total
