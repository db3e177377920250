"""Benchmark of the store and the digest at scale: ingest N generated issues, then digest them.

Issues are generated from ``../shared/corpus`` (and ``examples/``): each copy gets its own date
(in the file name and a masthead line) and its numbers nudged, so every copy is a new issue with
new values (and some cross-issue conflicts). Ingest uses the offline engine.

    .venv/bin/python benchmarks/bench_store.py --issues 1000 --workdir /tmp/bench-store

Prints a Markdown table: ingest time (engine vs store), database size, digest build+render time
(md and html, over all issues, median of 3), search and metric-query latency.
"""

from __future__ import annotations

import argparse
import random
import re
import shutil
import statistics
import sys
import time
from datetime import date, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from summarizer.digest import build_digest, render_digest  # noqa: E402
from summarizer.store import (  # noqa: E402
    connect,
    expand_sources,
    ingest,
    metric_rows,
    pipeline_summarizer,
    search,
)

_DECIMAL = re.compile(r"(?<![\d.])(\d+)\.(\d+)(?![\d.])")


def _nudge(text: str, rng: random.Random) -> str:
    """Move every decimal number by up to ±5 % (same number of decimals)."""

    def repl(m: re.Match[str]) -> str:
        decimals = len(m.group(2))
        value = float(m.group(0)) * (1 + rng.uniform(-0.05, 0.05))
        return f"{value:.{decimals}f}"

    return _DECIMAL.sub(repl, text)


def generate(sources: list[Path], n: int, folder: Path, seed: int = 7) -> list[Path]:
    """``n`` issues, dated one every ~1.1 days back from 2025-06-30."""
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    texts = [p.read_text(encoding="utf-8") for p in sources]
    out = []
    for i in range(n):
        day = date(2025, 6, 30) - timedelta(days=int(i * 1.1))
        body = texts[i % len(texts)]
        # Keep a third of the copies verbatim in their numbers: repeats, not conflicts.
        body = body if rng.random() < 0.33 else _nudge(body, rng)
        path = folder / f"bulletin-{day.isoformat()}-{i:04d}.txt"
        path.write_text(f"高新区动态 第{i + 1}期\n\n{body}", encoding="utf-8")
        out.append(path)
    return out


def _median_time(fn, repeat: int = 3) -> float:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--issues", type=int, default=1000)
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/bench-store"))
    parser.add_argument("--keep", action="store_true", help="reuse an existing database")
    args = parser.parse_args()

    sources = sorted((REPO.parent / "shared" / "corpus").glob("*.txt"))
    sources += sorted((REPO / "examples").glob("*.txt"))
    if not sources:
        sys.exit("no corpus found beside the repository")
    db = args.workdir / "bench.db"
    if not args.keep and args.workdir.exists():
        shutil.rmtree(args.workdir)
    files = generate(sources, args.issues, args.workdir / "issues")

    engine = pipeline_summarizer("offline")
    engine_seconds = 0.0

    def timed(issue, when):  # type: ignore[no-untyped-def]
        nonlocal engine_seconds
        t0 = time.perf_counter()
        try:
            return engine(issue, when)
        finally:
            engine_seconds += time.perf_counter() - t0

    conn = connect(db)
    t0 = time.perf_counter()
    report = ingest(conn, expand_sources([args.workdir / "issues"]), timed)
    ingest_seconds = time.perf_counter() - t0
    counts = {
        t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
        for t in ("issues", "articles", "metrics")
    }
    conn.close()
    size_mb = db.stat().st_size / 1e6

    ro = connect(db, readonly=True)
    digest = build_digest(ro)
    md_s = _median_time(lambda: render_digest(build_digest(ro), "md"))
    html_s = _median_time(lambda: render_digest(build_digest(ro), "html"))
    last50 = _median_time(lambda: render_digest(build_digest(ro, last=50), "html"))
    search_s = _median_time(lambda: search(ro, "高新区 工业增加值"))
    search2_s = _median_time(lambda: search(ro, "融资"))
    query_s = _median_time(lambda: metric_rows(ro, subject="杭州高新区", indicator="增加值"))

    n = len(files)
    print(f"| measure ({n} issues, offline engine) | value |")
    print("| --- | --- |")
    print(
        f"| issues / articles / metrics stored | {counts['issues']} / {counts['articles']} / {counts['metrics']} |"
    )
    print(
        f"| ingest wall time | {ingest_seconds:.1f} s ({ingest_seconds / n * 1000:.0f} ms/issue) |"
    )
    print(f"| of which offline engine | {engine_seconds:.1f} s |")
    print(
        f"| of which store (hash check, write, FTS, commit) | {ingest_seconds - engine_seconds:.1f} s |"
    )
    print(f"| failed issues | {len(report.failed)} |")
    print(f"| database size | {size_mb:.1f} MB |")
    print(f"| digest over all issues, build + md | {md_s:.2f} s |")
    print(f"| digest over all issues, build + html | {html_s:.2f} s |")
    print(f"| digest --last 50, build + html | {last50:.2f} s |")
    print(
        f"| metric groups / conflicts in the full digest | {digest.metric_groups_total} / {digest.conflicts_total} |"
    )
    print(f"| search '高新区 工业增加值' (FTS5 trigram) | {search_s * 1000:.0f} ms |")
    print(f"| search '融资' (2 chars: LIKE fallback) | {search2_s * 1000:.0f} ms |")
    print(f"| query metrics --subject 杭州高新区 --indicator 增加值 | {query_s * 1000:.0f} ms |")


if __name__ == "__main__":
    main()
