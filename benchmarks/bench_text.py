"""Throughput and peak memory of read + normalise + segment on the corpus repeated to ≥ 20 MB.

Run: ``.venv/bin/python benchmarks/bench_text.py [--mb 20] [--corpus ../shared/corpus]``.
Targets (issue 2): ≥ 5 MB/s on one core, peak memory < 3× the input size. Throughput is the
input size over the process CPU time (one thread: one core; wall time is also printed, but on a
shared machine it includes waiting for the CPU). Time is measured without tracemalloc; the peak is measured in a second run under tracemalloc (which is slower),
both on one issue file of the full size (the harder case: one document, one offset map).
"""

from __future__ import annotations

import argparse
import gc
import tempfile
import time
import tracemalloc
from pathlib import Path

from summarizer.normalize import normalize
from summarizer.read import read_issue
from summarizer.segment import segment

HERE = Path(__file__).resolve().parent
DEFAULT_CORPUS = HERE.parent.parent / "shared" / "corpus"


def build_input(corpus: Path, megabytes: float) -> bytes:
    """The corpus issues concatenated (blank line between) until ``megabytes`` is reached."""
    texts = [p.read_text(encoding="utf-8") for p in sorted(corpus.glob("*.txt"))]
    if not texts:
        raise SystemExit(f"no *.txt in {corpus}")
    unit = "\n\n".join(texts).encode("utf-8") + b"\n\n"
    target = int(megabytes * 1_000_000)
    return unit * (target // len(unit) + 1)


def run_once(path: Path) -> int:
    issue = read_issue(path)
    doc = normalize(issue.text)
    blocks = segment(doc)
    return len(blocks)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--mb", type=float, default=20.0)
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    ap.add_argument("--repeat", type=int, default=1, help="timed runs (best is reported)")
    args = ap.parse_args()
    data = build_input(args.corpus, args.mb)
    size_mb = len(data) / 1_000_000
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "big-issue.txt"
        path.write_bytes(data)
        del data
        best = wall = float("inf")
        blocks = 0
        for _ in range(args.repeat):
            gc.collect()
            t0, c0 = time.perf_counter(), time.process_time()
            blocks = run_once(path)
            wall = min(wall, time.perf_counter() - t0)
            best = min(best, time.process_time() - c0)
        gc.collect()
        tracemalloc.start()
        run_once(path)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    peak_mb = peak / 1_000_000
    rows = [
        ("input (UTF-8)", f"{size_mb:.1f} MB"),
        ("blocks", str(blocks)),
        ("CPU time read+normalise+segment", f"{best:.2f} s"),
        ("throughput (CPU, one core)", f"{size_mb / best:.2f} MB/s (target ≥ 5)"),
        ("wall time (shared machine)", f"{wall:.2f} s = {size_mb / wall:.2f} MB/s"),
        ("peak memory (tracemalloc)", f"{peak_mb:.1f} MB"),
        ("peak / input", f"{peak_mb / size_mb:.2f}× (target < 3)"),
    ]
    width = max(len(k) for k, _ in rows)
    print(f"{'measure':<{width}}  value")
    print(f"{'-' * width}  {'-' * 28}")
    for k, v in rows:
        print(f"{k:<{width}}  {v}")


if __name__ == "__main__":
    main()
