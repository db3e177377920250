"""Benchmark of the LLM engine's plumbing against a local fake OpenAI-compatible server.

One run prints one Markdown table. It measures concurrency, retries, calls, prompt overhead and
the cache, not model quality (the answers are written by ``fake_openai.py``, not by a model):

1. 200 single-chunk articles, concurrency 16, 300 ms latency: wall time vs the ideal
   ⌈200/16⌉ × 0.3 s (target ≤ 1.3×), calls per article (target 1.0);
2. the same issue run again on the same cache: HTTP calls (target 0);
3. a fresh cache with 10 % of the requests answered 429 or 500: every article done, wall time
   ≤ 1.6× ideal;
4. prompt tokens per article / article tokens (the instruction overhead), both counted by the
   same estimator (``fake_openai.estimate_tokens``: 1 per CJK character, ~4 other characters).

Run: ``.venv/bin/python benchmarks/bench_llm.py`` (options: ``--help``).
The articles are windows of ``../shared/corpus/*.txt`` (or ``--corpus DIR``), cut at sentence
ends, so every article is real bulletin text and distinct (no cache hit inside a run).
"""

from __future__ import annotations

import argparse
import math
import re
import sys
import tempfile
import time
from bisect import bisect_left
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from fake_openai import FakeConfig, estimate_tokens, server_process

from summarizer.llm.engine import build_engine
from summarizer.llm.grounding import Toolkit
from summarizer.llm.settings import load_settings
from summarizer.models import Block, BlockKind
from summarizer.normalize import Document, normalize
from summarizer.pipeline import EngineResult

__all__ = ["RunResult", "make_articles", "run_once"]

REPO = Path(__file__).resolve().parent.parent
DEFAULT_CORPUS = REPO.parent / "shared" / "corpus"
_SENTENCE_END = re.compile(r"[。！？]")


def make_articles(corpus: Path, count: int, *, size: int = 360) -> tuple[Document, list[Block]]:
    """``count`` distinct single-chunk articles: sentence-aligned windows of the corpus text.

    The windows are laid end to end in one synthetic issue (separated by blank lines) so that
    every block's span points into the document the engine grounds against.
    """
    texts = [
        re.sub(r"\s+", "", p.read_text(encoding="utf-8")) for p in sorted(corpus.glob("*.txt"))
    ]
    source = "".join(texts)
    if len(source) < size * 2:
        raise SystemExit(f"not enough corpus text in {corpus}")
    step = max(1, (len(source) - size) // count)
    pieces: list[str] = []
    for i in range(count):
        start = (i * step) % (len(source) - size)
        # Start after a sentence end and stop at one, so each article reads as prose.
        head = _SENTENCE_END.search(source, start, start + size // 2)
        begin = head.end() if head else start
        window = source[begin : begin + size]
        tail = max((m.end() for m in _SENTENCE_END.finditer(window)), default=len(window))
        pieces.append(f"（{i + 1}）" + window[: max(tail, size // 2)])
    original = ""
    spans: list[tuple[int, int]] = []
    for piece in pieces:
        original += "\n\n"
        spans.append((len(original), len(original) + len(piece)))
        original += piece
    doc = normalize(original)
    offsets = list(doc.offsets)  # normalised -> original, monotonic: invert by bisection
    blocks = [
        Block(
            id=f"a{i:03d}",
            kind=BlockKind.ARTICLE,
            text=doc.text[bisect_left(offsets, s) : bisect_left(offsets, e)],
            span=(s, e),
        )
        for i, (s, e) in enumerate(spans)
    ]
    return doc, blocks


@dataclass(frozen=True, slots=True)
class _WholeText:
    text: str
    start: int
    end: int


def plumbing_only_toolkit() -> Toolkit:
    """Grounding tools that do nothing: isolates the network plumbing from the CPU work.

    Every claim is dropped (no quote is located) and no offline metric is added; used only for
    the diagnostic row that separates concurrency from grounding cost.
    """
    return Toolkit(
        locate_quote=lambda quote, block, doc: None,
        parse_quote=lambda quote: [],
        numbers_not_in_text=lambda text, article: [],
        extract_metrics=lambda *args, **kwargs: [],
        chunk=lambda text, **kwargs: [_WholeText(text, 0, len(text))],
    )


@dataclass(slots=True)
class RunResult:
    """One engine run against the fake server."""

    label: str
    seconds: float
    http_requests: int
    by_status: dict[int, int]
    result: EngineResult


def run_once(
    label: str,
    doc: Document,
    blocks: list[Block],
    *,
    config: FakeConfig,
    concurrency: int,
    cache_dir: Path,
    model: str = "fake-model",
    tools: Toolkit | None = None,
) -> RunResult:
    """Start a fresh fake server (child process), run the engine over ``blocks`` once."""
    with server_process(config) as server:
        settings = load_settings(
            base_url=server.base_url,
            model=model,
            api_key="sk-bench-not-a-real-key",
            concurrency=concurrency,
            cache_dir=cache_dir,
            timeout=30.0,
        )
        engine = build_engine(settings, tools=tools)
        started = time.perf_counter()
        result = engine.run(blocks, doc, issue_date=None)
        seconds = time.perf_counter() - started
        stats = server.stats()
        return RunResult(label, seconds, stats["requests"], stats["by_status"], result)


def _row(cells: list[str]) -> str:
    return "| " + " | ".join(cells) + " |"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="LLM engine benchmark against a fake server.")
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--articles", type=int, default=200)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--latency", type=float, default=0.3)
    parser.add_argument("--error-rate", type=float, default=0.1)
    parser.add_argument("--retry-after", type=float, default=0.0, help="seconds sent on 429")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)

    doc, blocks = make_articles(args.corpus, args.articles)
    article_tokens = sum(estimate_tokens(b.text) for b in blocks)
    ideal = math.ceil(len(blocks) / args.concurrency) * args.latency

    with tempfile.TemporaryDirectory(prefix="bench-llm-") as tmp:
        cache_a, cache_b = Path(tmp) / "cache-a", Path(tmp) / "cache-b"
        # One-time process costs (imports, jieba's dictionary, regex compilation) are paid by a
        # 4-article warm-up on its own cache, and reported apart from the timed runs.
        warm = run_once(
            "warm-up",
            doc,
            blocks[:4],
            config=FakeConfig(latency=args.latency, seed=args.seed),
            concurrency=args.concurrency,
            cache_dir=Path(tmp) / "cache-warm",
        )
        clean = run_once(
            "no errors",
            doc,
            blocks,
            config=FakeConfig(latency=args.latency, seed=args.seed),
            concurrency=args.concurrency,
            cache_dir=cache_a,
        )
        plumbing = run_once(
            "no errors, grounding stubbed (diagnostic)",
            doc,
            blocks,
            config=FakeConfig(latency=args.latency, seed=args.seed),
            concurrency=args.concurrency,
            cache_dir=Path(tmp) / "cache-plumbing",
            tools=plumbing_only_toolkit(),
        )
        cached = run_once(
            "second run (cache)",
            doc,
            blocks,
            config=FakeConfig(latency=args.latency, seed=args.seed),
            concurrency=args.concurrency,
            cache_dir=cache_a,
        )
        flaky = run_once(
            f"{args.error_rate:.0%} 429/500",
            doc,
            blocks,
            config=FakeConfig(
                latency=args.latency,
                error_rate=args.error_rate,
                retry_after=args.retry_after,
                seed=args.seed,
            ),
            concurrency=args.concurrency,
            cache_dir=cache_b,
        )

    n = len(blocks)
    print(
        f"LLM engine vs fake server: {n} articles ({article_tokens / n:.0f} article tokens each on "
        f"average), concurrency {args.concurrency}, latency {args.latency * 1000:.0f} ms; "
        f"ideal wall time ⌈{n}/{args.concurrency}⌉×{args.latency} s = {ideal:.2f} s"
    )
    print(f"warm-up (4 articles, one-time imports and dictionaries): {warm.seconds:.2f} s")
    print()
    print(
        _row(
            [
                "run",
                "wall s",
                "× ideal",
                "HTTP requests",
                "statuses",
                "calls/article",
                "retries",
                "articles ok",
                "cache hits",
                "prompt tok/article tok",
            ]
        )
    )
    print(_row(["---"] * 10))
    for run in (clean, flaky, cached, plumbing):
        usage, coverage = run.result.usage, run.result.coverage
        ok = coverage.articles - coverage.articles_failed
        ratio = usage.prompt_tokens / article_tokens if article_tokens else 0.0
        statuses = ", ".join(f"{k}×{v}" for k, v in sorted(run.by_status.items())) or "-"
        print(
            _row(
                [
                    run.label,
                    f"{run.seconds:.2f}",
                    f"{run.seconds / ideal:.2f}",
                    str(run.http_requests),
                    statuses,
                    f"{usage.calls / n:.2f}",
                    str(usage.retries),
                    f"{ok}/{n}",
                    str(usage.cache_hits),
                    f"{ratio:.2f}" if usage.prompt_tokens else "-",
                ]
            )
        )
    print()
    targets = [
        ("no errors: wall ≤ 1.3× ideal", clean.seconds <= 1.3 * ideal),
        (
            f"no errors: 1.0 call per single-chunk article ({clean.result.coverage.chunks} chunks)",
            clean.http_requests == n == clean.result.coverage.chunks,
        ),
        (
            "10 % errors: every article done",
            flaky.result.coverage.articles_failed == 0 and len(flaky.result.articles) == n,
        ),
        ("10 % errors: wall ≤ 1.6× ideal", flaky.seconds <= 1.6 * ideal),
        ("second run: zero HTTP calls", cached.http_requests == 0),
    ]
    for name, met in targets:
        print(f"- {'met' if met else 'MISSED'}: {name}")
    errors = clean.result.errors + flaky.result.errors + cached.result.errors
    if errors:
        print(f"- first article error: {errors[0].article_id}: {errors[0].error}")


if __name__ == "__main__":
    main()
