"""Metric extraction: speed and quality against the peers a user would otherwise script.

Run: ``.venv/bin/python benchmarks/bench_extract.py [--mb 20] [--budget 30] [--quick]``
(peers: ``pip install -e '.[bench]'``: recognizers-text-suite with emoji<2, jionlp).

One run prints one table. Throughput is input bytes (UTF-8) over process CPU time, each system
reading the corpus repeated to ``--mb`` megabytes issue by issue, and stopping early when its CPU
time passes ``--budget`` seconds (the slow peers would take hours on 20 MB; the table says how
many MB each system really read). Systems:

- ours (extract): normalise + segment + ``extract_metrics`` on the article blocks;
- ours (pipeline): the whole offline engine (``summarize_text(engine="offline")``: summaries,
  entities, metrics);
- Recognizers-Text (Chinese number + percentage + currency models);
- JioNLP ``extract_money``;
- ``jieba.analyse.textrank`` (keywords: throughput only).

Quality: each extractor's metrics on the gold (``../shared/gold``) with
``summarizer.evaluation.metrics.evaluate_metrics`` (same matching for everyone: unit class,
value within 0.5 %, overlapping position). Peer outputs become metrics as directly as possible:
a currency → CNY/USD/EUR, a percentage → percent, a bare number → count (the peers know no
other units); peers give no subject or indicator.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from summarizer.evaluation.gold import GoldIssue, load_gold_dir
from summarizer.evaluation.metrics import MetricScore, combine_scores, evaluate_metrics
from summarizer.models import BlockKind, Metric, NormalizedUnit, NormalizedValue

HERE = Path(__file__).resolve().parent
DEFAULT_CORPUS = HERE.parent.parent / "shared" / "corpus"
DEFAULT_GOLD = HERE.parent.parent / "shared" / "gold"

Extractor = Callable[[str], list[Metric]]


# --- systems --------------------------------------------------------------------------------


def _fresh_issue() -> None:
    """Forget the per-name POS cache, so each repetition costs what a new issue would."""
    from summarizer.extract import metrics

    metrics._pos_tags.cache_clear()


def ours_extract(text: str) -> list[Metric]:
    from summarizer.extract.metrics import extract_metrics
    from summarizer.normalize import normalize
    from summarizer.segment import segment

    _fresh_issue()
    doc = normalize(text)
    out: list[Metric] = []
    for block in segment(doc):
        if block.kind is BlockKind.ARTICLE:
            out.extend(extract_metrics(block, doc))
    return out


def ours_pipeline(text: str) -> int:
    from summarizer.pipeline import summarize_text

    _fresh_issue()
    summary = summarize_text(text, engine="offline")
    return sum(len(a.metrics) for a in summary.articles)


def _metric(text: str, start: int, end: int, value: float, unit: NormalizedUnit) -> Metric:
    return Metric(
        value=value,
        unit=unit.value,
        normalized=NormalizedValue(value=value, unit=unit),
        quote=text[start:end],
        span=(start, end),
    )


class Recognizers:
    """Microsoft Recognizers-Text, Chinese number + percentage + currency models."""

    def __init__(self) -> None:
        from recognizers_number import NumberRecognizer
        from recognizers_number_with_unit import NumberWithUnitRecognizer
        from recognizers_text import Culture

        self.number = NumberRecognizer(Culture.Chinese).get_number_model()
        self.percent = NumberRecognizer(Culture.Chinese).get_percentage_model()
        self.currency = NumberWithUnitRecognizer(Culture.Chinese).get_currency_model()

    def __call__(self, text: str) -> list[Metric]:
        out: list[Metric] = []
        taken: list[tuple[int, int]] = []
        iso = {"CNY": NormalizedUnit.CNY, "USD": NormalizedUnit.USD, "EUR": NormalizedUnit.EUR}
        for r in self.currency.parse(text):
            res = r.resolution or {}
            try:
                value = float(res.get("value"))
            except (TypeError, ValueError):
                continue
            unit = iso.get(str(res.get("isoCurrency")), NormalizedUnit.OTHER)
            out.append(_metric(text, r.start, r.end + 1, value, unit))
            taken.append((r.start, r.end + 1))
        for r in self.percent.parse(text):
            try:
                value = float(str((r.resolution or {}).get("value", "")).rstrip("%"))
            except ValueError:
                continue
            out.append(_metric(text, r.start, r.end + 1, value, NormalizedUnit.PERCENT))
            taken.append((r.start, r.end + 1))
        for r in self.number.parse(text):
            s, e = r.start, r.end + 1
            if any(a < e and s < b for a, b in taken):
                continue
            try:
                value = float((r.resolution or {}).get("value"))
            except (TypeError, ValueError):
                continue
            out.append(_metric(text, s, e, value, NormalizedUnit.COUNT))
        return out


class JioMoney:
    """JioNLP ``extract_money`` (money only)."""

    def __init__(self) -> None:
        with contextlib.redirect_stdout(io.StringIO()):
            import jionlp

        self.jio = jionlp

    def __call__(self, text: str) -> list[Metric]:
        cases = {"元": NormalizedUnit.CNY, "美元": NormalizedUnit.USD, "欧元": NormalizedUnit.EUR}
        out: list[Metric] = []
        for r in self.jio.ner.extract_money(text, with_parsing=True):
            detail = r.get("detail") or {}
            try:
                value = float(detail.get("num"))
            except (TypeError, ValueError):
                continue
            s, e = r["offset"]
            out.append(
                _metric(text, s, e, value, cases.get(detail.get("case"), NormalizedUnit.OTHER))
            )
        return out


def textrank(text: str) -> int:
    import jieba.analyse

    return len(jieba.analyse.textrank(text, topK=20))


# --- measuring ------------------------------------------------------------------------------


@dataclass
class Row:
    name: str
    mb: float = 0.0
    cpu: float = 0.0
    quality: MetricScore | None = None
    per_file: list[MetricScore] = field(default_factory=list)
    note: str = ""

    @property
    def mb_s(self) -> float:
        return self.mb / self.cpu if self.cpu else 0.0


def throughput(
    run: Callable[[str], object], texts: list[str], target_mb: float, budget: float
) -> tuple[float, float]:
    """(MB read, CPU seconds): issues in turn until target_mb is read or the budget is spent."""
    done = 0
    cpu = 0.0
    target = target_mb * 1_000_000
    i = 0
    while done < target and cpu < budget:
        text = texts[i % len(texts)]
        c0 = time.process_time()
        run(text)
        cpu += time.process_time() - c0
        done += len(text.encode("utf-8"))
        i += 1
    return done / 1_000_000, cpu


def quality(
    extract: Extractor, corpus: dict[str, str], golds: dict[str, GoldIssue]
) -> list[MetricScore]:
    scores = []
    for name, text in sorted(corpus.items()):
        if name in golds:
            scores.append(evaluate_metrics(extract(text), golds[name], text=text, file=name))
    return scores


def main() -> None:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--mb", type=float, default=20.0, help="input size per system (default 20)")
    ap.add_argument("--budget", type=float, default=60.0, help="CPU seconds per peer (default 60)")
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    ap.add_argument("--gold", type=Path, default=DEFAULT_GOLD)
    ap.add_argument("--quick", action="store_true", help="2 MB and a 10 s budget")
    args = ap.parse_args()
    if args.quick:
        args.mb, args.budget = min(args.mb, 2.0), min(args.budget, 10.0)
    corpus = {p.name: p.read_text(encoding="utf-8") for p in sorted(args.corpus.glob("*.txt"))}
    if not corpus:
        raise SystemExit(f"no *.txt in {args.corpus}")
    golds = load_gold_dir(args.gold) if args.gold.is_dir() else {}
    texts = list(corpus.values())
    ours_extract(texts[0])  # load jieba and the gazetteer outside the timings
    ours_pipeline(texts[0])

    rows: list[Row] = []
    row = Row("ours: metric extraction")
    row.mb, row.cpu = throughput(ours_extract, texts, args.mb, float("inf"))
    row.per_file = quality(ours_extract, corpus, golds)
    rows.append(row)
    row = Row("ours: whole offline pipeline")
    row.mb, row.cpu = throughput(ours_pipeline, texts, args.mb, float("inf"))
    rows.append(row)
    peers: list[tuple[str, Callable[[], Extractor]]] = [
        ("Recognizers-Text (zh number+percent+currency)", Recognizers),
        ("JioNLP extract_money", JioMoney),
    ]
    for name, factory in peers:
        row = Row(name)
        try:
            extract = factory()
        except ImportError as e:
            row.note = f"not installed ({e.name}); pip install -e '.[bench]'"
            rows.append(row)
            continue
        extract(texts[0])
        row.mb, row.cpu = throughput(extract, texts, args.mb, args.budget)
        row.per_file = quality(extract, corpus, golds)
        rows.append(row)
    row = Row("jieba.analyse.textrank (keywords only)")
    textrank(texts[0])
    row.mb, row.cpu = throughput(textrank, texts, args.mb, args.budget)
    rows.append(row)
    for r in rows:
        if r.per_file:
            r.quality = combine_scores(r.per_file)
    print_table(rows, args)


def print_table(rows: list[Row], args: argparse.Namespace) -> None:
    base, pipe = rows[0].mb_s, rows[1].mb_s
    print(f"# bench_extract: corpus repeated to {args.mb:g} MB, peer CPU budget {args.budget:g} s")
    head = (
        f"| {'system':<47} | {'MB read':>7} | {'CPU s':>7} | {'MB/s':>6} | {'extract x':>9} "
        f"| {'pipeline x':>10} | {'P':>5} | {'R':>5} | {'F1':>5} |"
    )
    print(head)
    print("|" + "|".join("-" * (len(c)) for c in head.split("|")[1:-1]) + "|")
    for r in rows:
        if r.note:
            print(f"| {r.name:<47} | {r.note} |")
            continue
        ratio = f"{base / r.mb_s:.2f}" if r.mb_s else "-"
        ratio_pipe = f"{pipe / r.mb_s:.2f}" if r.mb_s else "-"
        q = r.quality
        p, rc, f1 = (f"{q.precision:.3f}", f"{q.recall:.3f}", f"{q.f1:.3f}") if q else ("-",) * 3
        print(
            f"| {r.name:<47} | {r.mb:>7.2f} | {r.cpu:>7.2f} | {r.mb_s:>6.3f} | {ratio:>9} "
            f"| {ratio_pipe:>10} | {p:>5} | {rc:>5} | {f1:>5} |"
        )
    print(
        "extract x / pipeline x: how many times faster our extraction / whole offline pipeline is"
    )
    print()
    print(
        "Per file (P / R / F1 on required gold metrics; kind, qualifier, indicator, subject accuracy):"
    )
    for r in rows:
        for s in r.per_file + ([r.quality] if r.quality else []):
            print(
                f"  {r.name[:28]:<28} {s.file:<26} P {s.precision:.3f}  R {s.recall:.3f}  F1 {s.f1:.3f}"
                f"  kind {s.kind_accuracy:.3f}  qual {s.qualifier_accuracy:.3f}"
                f"  ind {s.indicator_accuracy:.3f}  subj {s.subject_accuracy:.3f}"
            )


if __name__ == "__main__":
    main()
